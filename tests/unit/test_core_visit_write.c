/* test_core_visit_write.c - writing a visit whole (the server's write path)
 * against a real store with the world's countries: create, change from a
 * version (and refusal from an old one), the import's validation with the
 * item and field named, a check that writes nothing, history and revert,
 * and changes held for review. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parley.h"

static char dir[64];
static char path[128];

static const char *visit_json =
    "{\"id\":\"2026-11-01-prk-chn-unit\",\"level\":\"head_of_state\",\"from_country\":\"PRK\","
    "\"to_country\":\"CHN\",\"start_date\":\"2026-11-01\",\"type\":\"official\","
    "\"status\":\"reported\",\"summary\":\"First.\",\"url\":\"/visit/ignored\","
    "\"places\":[{\"seq\":1,\"name\":\"Beijing\",\"country\":\"CHN\"}],"
    "\"delegation\":[{\"name\":\"An aide\"}],"
    "\"sources\":[{\"id\":\"s-unit\",\"citation\":\"A unit test source\",\"passage\":\"p\"}]}";
static const char *id = "2026-11-01-prk-chn-unit";

static parley_db *store(void)
{
	parley_db *db = NULL;
	snprintf(path, sizeof path, "%s/v.db", dir);
	unlink(path);
	assert_int_equal(parley_open(path, PARLEY_OPEN_CREATE, &db, NULL), PARLEY_OK);
	assert_int_equal(parley_load_world(db, NULL, NULL, NULL), PARLEY_OK);
	return db;
}

static int has_finding(parley_report *rep, const char *item, const char *field)
{
	for (size_t i = 0; i < parley_report_count(rep); i++) {
		const parley_finding *f = parley_report_get(rep, i);
		if (f->severity == PARLEY_ERROR && f->file && f->field && strcmp(f->file, item) == 0 &&
		    strcmp(f->field, field) == 0)
			return 1;
	}
	return 0;
}

static void create_change_and_versions(void **state)
{
	(void)state;
	parley_db *db = store();
	parley_err err;
	char out[256], v1[48], v2[48];
	assert_int_equal(parley_visit_write(db, NULL, visit_json, strlen(visit_json), NULL, NULL, out,
	                                    sizeof out, NULL, &err), PARLEY_EINVAL); /* no reason */
	assert_int_equal(parley_visit_write(db, NULL, visit_json, strlen(visit_json), NULL, "new", out,
	                                    sizeof out, NULL, &err), PARLEY_OK);
	assert_string_equal(out, id);
	assert_int_equal(parley_count(db, "place", NULL), 1);
	assert_int_equal(parley_count(db, "visit_person", NULL), 1);
	assert_int_equal(parley_count(db, "visit_source", NULL), 1);
	assert_int_equal(parley_visit_write(db, NULL, visit_json, strlen(visit_json), NULL, "again",
	                                    NULL, 0, NULL, &err), PARLEY_ECONFLICT);
	assert_int_equal(parley_visit_etag(db, id, v1, sizeof v1, &err), PARLEY_OK);
	const char *ch = "{\"summary\":\"Second.\"}";
	assert_int_equal(parley_visit_write(db, id, ch, strlen(ch), "\"v-0\"", "edit", NULL, 0, NULL,
	                                    &err), PARLEY_ECONFLICT);
	assert_int_equal(parley_visit_etag(db, id, v2, sizeof v2, &err), PARLEY_OK);
	assert_string_equal(v1, v2); /* refused: nothing written */
	assert_int_equal(parley_visit_write(db, id, ch, strlen(ch), v1, "edit", NULL, 0, NULL, &err),
	                 PARLEY_OK);
	assert_int_equal(parley_visit_etag(db, id, v2, sizeof v2, &err), PARLEY_OK);
	assert_string_not_equal(v1, v2);
	assert_int_equal(parley_count(db, "place", NULL), 1); /* lists not named stay */
	/* the old version again: refused, the change stays */
	assert_int_equal(parley_visit_write(db, id, ch, strlen(ch), v1, "late", NULL, 0, NULL, &err),
	                 PARLEY_ECONFLICT);
	const char *empty = "{\"places\":[]}";
	assert_int_equal(parley_visit_write(db, id, empty, strlen(empty), v2, "no places", NULL, 0,
	                                    NULL, &err), PARLEY_OK);
	assert_int_equal(parley_count(db, "place", NULL), 0);
	assert_int_equal(parley_visit_etag(db, id, v1, sizeof v1, &err), PARLEY_OK);
	assert_int_equal(parley_visit_remove(db, id, v2, "gone", &err), PARLEY_ECONFLICT);
	assert_int_equal(parley_visit_remove(db, id, v1, "gone", &err), PARLEY_OK);
	assert_int_equal(parley_visit_etag(db, id, v1, sizeof v1, &err), PARLEY_ENOTFOUND);
	assert_int_equal(parley_count(db, "visit_person", NULL), 0);
	parley_close(db);
}

static void validation_names_item_and_field(void **state)
{
	(void)state;
	parley_db *db = store();
	parley_err err;
	const char *bad =
	    "{\"id\":\"2026-02-30-prk-chn-bad\",\"level\":\"head_of_state\",\"from_country\":\"PRK\","
	    "\"to_country\":\"XXX\",\"start_date\":\"2026-02-30\",\"type\":\"official\","
	    "\"status\":\"reported\",\"activities\":[{\"kind\":\"dancing\",\"description\":\"x\"}],"
	    "\"colour\":\"red\"}";
	parley_report *rep = parley_report_new();
	assert_int_equal(parley_visit_write(db, NULL, bad, strlen(bad), NULL, "bad", NULL, 0, rep,
	                                    &err), PARLEY_EDATA);
	assert_true(has_finding(rep, "visit", "start_date"));
	assert_true(has_finding(rep, "visit", "to_country"));
	assert_true(has_finding(rep, "visit", "colour"));
	parley_report_free(rep);
	assert_int_equal(parley_count(db, "visit", NULL), 0);
	/* a check writes nothing even when valid */
	char out[256];
	assert_int_equal(parley_visit_check(db, NULL, visit_json, strlen(visit_json), NULL, "check",
	                                    out, sizeof out, NULL, &err), PARLEY_OK);
	assert_int_equal(parley_count(db, "visit", NULL), 0);
	assert_int_equal(parley_count(db, "source", NULL), 0);
	parley_close(db);
}

static void history_revert_and_review(void **state)
{
	(void)state;
	parley_db *db = store();
	parley_err err;
	char v[48];
	assert_int_equal(parley_visit_write(db, NULL, visit_json, strlen(visit_json), NULL, "new",
	                                    NULL, 0, NULL, &err), PARLEY_OK);
	assert_int_equal(parley_visit_etag(db, id, v, sizeof v, &err), PARLEY_OK);
	const char *ch = "{\"summary\":\"Second.\"}";
	assert_int_equal(parley_visit_write(db, id, ch, strlen(ch), v, "why not", NULL, 0, NULL, &err),
	                 PARLEY_OK);
	assert_int_equal(parley_visit_etag(db, id, v, sizeof v, &err), PARLEY_OK);
	const char *note = "{\"note\":\"Kept.\"}";
	assert_int_equal(parley_visit_write(db, id, note, strlen(note), v, "note", NULL, 0, NULL, &err),
	                 PARLEY_OK);
	char *h = NULL;
	assert_int_equal(parley_visit_history(db, id, &h, &err), PARLEY_OK);
	assert_non_null(strstr(h, "\"why not\""));
	assert_non_null(strstr(h, "\"place\"")); /* the lists' rows too */
	/* the summary change: the newest update with reason "why not" */
	const char *at = strstr(h, "\"why not\"");
	const char *seqp = NULL;
	for (const char *p = h; p && p < at; p = strstr(p + 1, "\"seq\":"))
		seqp = p;
	long seq = strtol(strchr(seqp, ':') + 1, NULL, 10);
	free(h);
	assert_int_equal(parley_visit_etag(db, id, v, sizeof v, &err), PARLEY_OK);
	assert_int_equal(parley_visit_revert(db, id, seq, v, "undo", &err), PARLEY_OK);
	assert_int_equal(parley_visit_history(db, id, &h, &err), PARLEY_OK);
	assert_non_null(strstr(h, "revert of change #"));
	assert_non_null(strstr(h, "\"summary\":\"First.\""));
	free(h);
	/* held for review: nothing written until approved */
	assert_int_equal(parley_visit_etag(db, id, v, sizeof v, &err), PARLEY_OK);
	long n = 0;
	const char *prop = "{\"summary\":\"Proposed.\"}";
	assert_int_equal(parley_change_propose(db, "change", id, prop, strlen(prop), v, "proposal",
	                                       "web:eddie", &n, NULL, &err), PARLEY_OK);
	char v2[48];
	assert_int_equal(parley_visit_etag(db, id, v2, sizeof v2, &err), PARLEY_OK);
	assert_string_equal(v, v2);
	assert_int_equal(parley_change_decide(db, n, 0, "web:vic", "", NULL, &err), PARLEY_EINVAL);
	assert_int_equal(parley_change_decide(db, n, 1, "web:vic", "ok", NULL, &err), PARLEY_OK);
	assert_int_equal(parley_change_decide(db, n, 1, "web:vic", "ok", NULL, &err), PARLEY_ECONFLICT);
	assert_int_equal(parley_visit_history(db, id, &h, &err), PARLEY_OK);
	assert_non_null(strstr(h, "web:eddie, approved by web:vic"));
	assert_non_null(strstr(h, "\"summary\":\"Proposed.\""));
	free(h);
	/* a proposal from an old version: refused at approval, still pending */
	assert_int_equal(parley_change_propose(db, "change", id, ch, strlen(ch), v2, "late", "web:eddie",
	                                       &n, NULL, &err), PARLEY_ECONFLICT);
	assert_int_equal(parley_visit_etag(db, id, v, sizeof v, &err), PARLEY_OK);
	assert_int_equal(parley_change_propose(db, "change", id, ch, strlen(ch), v, "two", "web:eddie",
	                                       &n, NULL, &err), PARLEY_OK);
	assert_int_equal(parley_visit_write(db, id, note, strlen(note), v, "meanwhile", NULL, 0, NULL,
	                                    &err), PARLEY_OK);
	const char *note2 = "{\"note\":\"Changed.\"}";
	assert_int_equal(parley_visit_write(db, id, note2, strlen(note2), "*", "meanwhile", NULL, 0,
	                                    NULL, &err), PARLEY_OK);
	assert_int_equal(parley_change_decide(db, n, 1, "web:vic", NULL, NULL, &err), PARLEY_ECONFLICT);
	assert_int_equal(parley_changes_json(db, "pending", &h, &err), PARLEY_OK);
	assert_non_null(strstr(h, "\"two\""));
	free(h);
	parley_close(db);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/parley-vw-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	char p[160];
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
	rmdir(dir);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(create_change_and_versions),
	    cmocka_unit_test(validation_names_item_and_field),
	    cmocka_unit_test(history_revert_and_review),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
