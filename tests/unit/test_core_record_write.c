/* test_core_record_write.c - people (with aliases and tenures) and sources
 * written whole (the server's write path for them) against a real store
 * with the world's countries: create, change from a version and refusal
 * from an old one, the import's validation with item and field named,
 * all or nothing when one row is bad, removal refused while visits cite a
 * record, history, revert, review; and the source rule said the same by
 * `parley add visit` and the write API. */
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
static char office_path[160];

static parley_db *store(void)
{
	parley_db *db = NULL;
	snprintf(path, sizeof path, "%s/r.db", dir);
	unlink(path);
	assert_int_equal(parley_open(path, PARLEY_OPEN_CREATE, &db, NULL), PARLEY_OK);
	assert_int_equal(parley_load_world(db, NULL, NULL, NULL), PARLEY_OK);
	/* an office for tenures, imported as a team would */
	snprintf(office_path, sizeof office_path, "%s/office.ndjson", dir);
	FILE *f = fopen(office_path, "w");
	assert_non_null(f);
	fputs("{\"concept\":\"office\",\"id\":\"chn-unit-office\",\"country\":\"CHN\","
	      "\"name\":\"Unit test office\",\"rank\":\"head_of_state\"}\n", f);
	fclose(f);
	const char *paths[] = {office_path};
	parley_err err;
	assert_int_equal(parley_import(db, paths, 1, NULL, NULL, NULL, &err), PARLEY_OK);
	return db;
}

static int has_finding(parley_report *rep, const char *item, const char *field, const char *code)
{
	for (size_t i = 0; i < parley_report_count(rep); i++) {
		const parley_finding *f = parley_report_get(rep, i);
		if (f->severity == PARLEY_ERROR && f->file && f->field && strcmp(f->file, item) == 0 &&
		    strcmp(f->field, field) == 0 && (!code || (f->code && strcmp(f->code, code) == 0)))
			return 1;
	}
	return 0;
}

static const char *person_json =
    "{\"id\":\"unit-person\",\"name\":\"Unit Person\",\"country\":\"CHN\","
    "\"url\":\"/person/ignored\",\"trips\":[],"
    "\"aliases\":[{\"alias\":\"U. Person\",\"kind\":\"romanisation\"}],"
    "\"tenures\":[{\"office\":\"chn-unit-office\",\"start_date\":\"2020-01-02\","
    "\"office_name\":\"ignored\"}]}";

static void person_create_change_versions(void **state)
{
	(void)state;
	parley_db *db = store();
	parley_err err;
	char out[256], v1[48], v2[48];
	size_t n = strlen(person_json);
	assert_int_equal(parley_record_write(db, "person", NULL, person_json, n, NULL, NULL, out,
	                                     sizeof out, NULL, &err), PARLEY_EINVAL); /* no reason */
	assert_int_equal(parley_record_write(db, "person", NULL, person_json, n, NULL, "new", out,
	                                     sizeof out, NULL, &err), PARLEY_OK);
	assert_string_equal(out, "unit-person");
	/* an alias finds them, as pickers and imports look people up */
	parley_person *p = NULL;
	assert_int_equal(parley_person_get(db, "unit-person", &p, &err), PARLEY_OK);
	assert_int_equal(p->naliases, 1);
	assert_int_equal(p->ntenures, 1);
	assert_string_equal(p->tenures[0].id, "chn-unit-office/unit-person/2020-01-02");
	parley_person_free(p);
	assert_int_equal(parley_record_write(db, "person", NULL, person_json, n, NULL, "again", NULL,
	                                     0, NULL, &err), PARLEY_ECONFLICT);
	assert_int_equal(parley_record_etag(db, "person", "unit-person", v1, sizeof v1, &err), PARLEY_OK);
	assert_non_null(strstr(v1, "\"p-"));
	/* a change: a field and the alias list; the tenures stay */
	const char *ch = "{\"note\":\"A note.\",\"aliases\":[{\"alias\":\"Person U.\",\"kind\":\"other\"}]}";
	assert_int_equal(parley_record_write(db, "person", "unit-person", ch, strlen(ch), v1, "change",
	                                     NULL, 0, NULL, &err), PARLEY_OK);
	assert_int_equal(parley_record_etag(db, "person", "unit-person", v2, sizeof v2, &err), PARLEY_OK);
	assert_string_not_equal(v1, v2);
	assert_int_equal(parley_person_get(db, "unit-person", &p, &err), PARLEY_OK);
	assert_string_equal(p->note, "A note.");
	assert_int_equal(p->naliases, 1);
	assert_string_equal(p->aliases[0].alias, "Person U.");
	assert_int_equal(p->ntenures, 1);
	parley_person_free(p);
	/* from the old version: refused, nothing written */
	const char *late = "{\"note\":\"Lost?\"}";
	assert_int_equal(parley_record_write(db, "person", "unit-person", late, strlen(late), v1,
	                                     "late", NULL, 0, NULL, &err), PARLEY_ECONFLICT);
	assert_non_null(strstr(err.msg, "changed by someone else"));
	assert_int_equal(parley_person_get(db, "unit-person", &p, &err), PARLEY_OK);
	assert_string_equal(p->note, "A note.");
	parley_person_free(p);
	/* another id in the body is another record */
	const char *other = "{\"id\":\"someone-else\"}";
	assert_int_equal(parley_record_write(db, "person", "unit-person", other, strlen(other), v2,
	                                     "x", NULL, 0, NULL, &err), PARLEY_EINVAL);
	assert_int_equal(parley_record_write(db, "visit", NULL, "{}", 2, NULL, "x", NULL, 0, NULL, &err),
	                 PARLEY_EINVAL);
	parley_close(db);
}

static void validation_all_or_nothing(void **state)
{
	(void)state;
	parley_db *db = store();
	parley_err err;
	/* good person, good alias, one bad tenure (an unknown office) and a bad
	 * date: every problem named with its item and field; nothing written */
	const char *bad = "{\"id\":\"half-good\",\"name\":\"Half Good\",\"birth_date\":\"1950-02-30\","
	                  "\"aliases\":[{\"alias\":\"H. Good\",\"kind\":\"romanisation\"},"
	                  "{\"alias\":\"No Kind\"}],"
	                  "\"tenures\":[{\"office\":\"no-such-office\",\"start_date\":\"2001\"}],"
	                  "\"colour\":\"blue\"}";
	parley_report *rep = parley_report_new();
	assert_int_equal(parley_record_write(db, "person", NULL, bad, strlen(bad), NULL, "bad", NULL,
	                                     0, rep, &err), PARLEY_EDATA);
	assert_true(has_finding(rep, "person", "birth_date", NULL));
	assert_true(has_finding(rep, "person", "colour", "unknown-field"));
	assert_true(has_finding(rep, "aliases[1]", "kind", NULL));
	parley_report_free(rep);
	char v[48];
	assert_int_equal(parley_record_etag(db, "person", "half-good", v, sizeof v, &err),
	                 PARLEY_ENOTFOUND);
	/* a good person and alias with one bad tenure: none of them is written */
	const char *bad2 = "{\"id\":\"half-good\",\"name\":\"Half Good\","
	                   "\"aliases\":[{\"alias\":\"H. Good\",\"kind\":\"romanisation\"}],"
	                   "\"tenures\":[{\"office\":\"chn-unit-office\",\"start_date\":\"2001\"},"
	                   "{\"office\":\"no-such-office\",\"start_date\":\"2002\"}]}";
	rep = parley_report_new();
	assert_int_equal(parley_record_write(db, "person", NULL, bad2, strlen(bad2), NULL, "bad", NULL,
	                                     0, rep, &err), PARLEY_EDATA);
	assert_true(has_finding(rep, "tenures[1]", "office", "unknown-reference"));
	assert_false(has_finding(rep, "tenures[0]", "office", NULL));
	parley_report_free(rep);
	assert_int_equal(parley_record_etag(db, "person", "half-good", v, sizeof v, &err),
	                 PARLEY_ENOTFOUND);
	parley_people *all = NULL;
	assert_int_equal(parley_people_find(db, "H. Good", 10, &all, &err), PARLEY_OK);
	assert_int_equal(all->n, 0);
	parley_people_free(all);
	/* the same bad date through `parley import`: the same message */
	char nd[200];
	snprintf(nd, sizeof nd, "%s/bad.ndjson", dir);
	FILE *f = fopen(nd, "w");
	fputs("{\"concept\":\"person\",\"id\":\"half-good\",\"name\":\"Half Good\","
	      "\"birth_date\":\"1950-02-30\"}\n", f);
	fclose(f);
	const char *paths[] = {nd};
	parley_report *irep = parley_report_new();
	assert_int_equal(parley_import(db, paths, 1, NULL, irep, NULL, &err), PARLEY_EDATA);
	rep = parley_report_new();
	const char *one = "{\"id\":\"half-good\",\"name\":\"Half Good\",\"birth_date\":\"1950-02-30\"}";
	assert_int_equal(parley_record_write(db, "person", NULL, one, strlen(one), NULL, "bad", NULL, 0,
	                                     rep, &err), PARLEY_EDATA);
	const char *a = NULL, *b = NULL;
	for (size_t i = 0; i < parley_report_count(irep); i++)
		if (parley_report_get(irep, i)->field &&
		    strcmp(parley_report_get(irep, i)->field, "birth_date") == 0)
			a = parley_report_get(irep, i)->message;
	for (size_t i = 0; i < parley_report_count(rep); i++)
		if (parley_report_get(rep, i)->field &&
		    strcmp(parley_report_get(rep, i)->field, "birth_date") == 0)
			b = parley_report_get(rep, i)->message;
	assert_non_null(a);
	assert_non_null(b);
	assert_string_equal(a, b);
	parley_report_free(rep);
	parley_report_free(irep);
	unlink(nd);
	/* a check writes nothing even when it is good */
	char out[64];
	assert_int_equal(parley_record_check(db, "person", NULL, person_json, strlen(person_json), NULL,
	                                     "check", out, sizeof out, NULL, &err), PARLEY_OK);
	assert_int_equal(parley_record_etag(db, "person", "unit-person", v, sizeof v, &err),
	                 PARLEY_ENOTFOUND);
	parley_close(db);
}

static void sources_and_removal(void **state)
{
	(void)state;
	parley_db *db = store();
	parley_err err;
	char id[64], v[48];
	const char *src = "{\"url\":\"https://example.org/unit-source\",\"title\":\"Unit\","
	                  "\"published\":\"2026-11\",\"visits\":[]}";
	assert_int_equal(parley_record_write(db, "source", NULL, src, strlen(src), NULL, "new", id,
	                                     sizeof id, NULL, &err), PARLEY_OK);
	assert_int_equal(strncmp(id, "s-", 2), 0); /* the id of its URL, as imports make it */
	char *js = NULL;
	assert_int_equal(parley_source_json(db, id, &js, &err), PARLEY_OK);
	assert_non_null(strstr(js, "\"title\":\"Unit\""));
	assert_non_null(strstr(js, "\"visits\":[]"));
	free(js);
	const char *bad = "{\"published\":\"2026-13\",\"quality\":\"great\"}";
	parley_report *rep = parley_report_new();
	assert_int_equal(parley_record_etag(db, "source", id, v, sizeof v, &err), PARLEY_OK);
	assert_int_equal(parley_record_write(db, "source", id, bad, strlen(bad), v, "bad", NULL, 0, rep,
	                                     &err), PARLEY_EDATA);
	assert_true(has_finding(rep, "source", "published", NULL));
	assert_true(has_finding(rep, "source", "quality", NULL));
	parley_report_free(rep);
	/* cited by a visit: not removed, and it says why */
	char vj[512];
	snprintf(vj, sizeof vj, "{\"id\":\"2026-11-03-prk-chn-cites\",\"level\":\"head_of_state\","
	         "\"from_country\":\"PRK\",\"to_country\":\"CHN\",\"start_date\":\"2026-11-03\","
	         "\"type\":\"official\",\"status\":\"reported\",\"sources\":[{\"id\":\"%s\"}]}", id);
	assert_int_equal(parley_visit_write(db, NULL, vj, strlen(vj), NULL, "cite", NULL, 0, NULL, &err),
	                 PARLEY_OK);
	assert_int_equal(parley_record_remove(db, "source", id, v, "gone", &err), PARLEY_EINVAL);
	assert_non_null(strstr(err.msg, "1 visits cite it"));
	char vv[48];
	assert_int_equal(parley_visit_etag(db, "2026-11-03-prk-chn-cites", vv, sizeof vv, &err), PARLEY_OK);
	assert_int_equal(parley_visit_remove(db, "2026-11-03-prk-chn-cites", vv, "drop", &err), PARLEY_OK);
	assert_int_equal(parley_record_remove(db, "source", id, "\"s-0000000000000000\"", "gone", &err),
	                 PARLEY_ECONFLICT);
	assert_int_equal(parley_record_remove(db, "source", id, v, NULL, &err), PARLEY_EINVAL);
	assert_int_equal(parley_record_remove(db, "source", id, v, "gone", &err), PARLEY_OK);
	assert_int_equal(parley_source_json(db, id, &js, &err), PARLEY_ENOTFOUND);
	/* a person goes with their aliases and tenures */
	assert_int_equal(parley_record_write(db, "person", NULL, person_json, strlen(person_json), NULL,
	                                     "new", NULL, 0, NULL, &err), PARLEY_OK);
	assert_int_equal(parley_record_etag(db, "person", "unit-person", v, sizeof v, &err), PARLEY_OK);
	assert_int_equal(parley_record_remove(db, "person", "unit-person", v, "gone", &err), PARLEY_OK);
	parley_person *p = NULL;
	assert_int_equal(parley_person_get(db, "unit-person", &p, &err), PARLEY_ENOTFOUND);
	parley_close(db);
}

static void history_revert_review(void **state)
{
	(void)state;
	parley_db *db = store();
	parley_err err;
	char v[48];
	assert_int_equal(parley_record_write(db, "person", NULL, person_json, strlen(person_json), NULL,
	                                     "new", NULL, 0, NULL, &err), PARLEY_OK);
	const char *ch = "{\"name\":\"Unit Person Renamed\"}";
	parley_record_etag(db, "person", "unit-person", v, sizeof v, &err);
	assert_int_equal(parley_record_write(db, "person", "unit-person", ch, strlen(ch), v, "rename",
	                                     NULL, 0, NULL, &err), PARLEY_OK);
	char *h = NULL;
	assert_int_equal(parley_record_history(db, "person", "unit-person", &h, &err), PARLEY_OK);
	/* the person's row, alias and tenure, newest first */
	assert_non_null(strstr(h, "\"entity\":\"person_alias\""));
	assert_non_null(strstr(h, "\"entity\":\"tenure\""));
	assert_non_null(strstr(h, "\"reason\":\"rename\""));
	long seq = strtol(strstr(h, "\"seq\":") + 6, NULL, 10);
	free(h);
	parley_record_etag(db, "person", "unit-person", v, sizeof v, &err);
	assert_int_equal(parley_record_revert(db, "person", "unit-person", seq, v, "undo", &err),
	                 PARLEY_OK);
	parley_person *p = NULL;
	assert_int_equal(parley_person_get(db, "unit-person", &p, &err), PARLEY_OK);
	assert_string_equal(p->name, "Unit Person");
	parley_person_free(p);
	assert_int_equal(parley_record_history(db, "person", "unit-person", &h, &err), PARLEY_OK);
	char want[64];
	snprintf(want, sizeof want, "revert of change #%ld: undo", seq);
	assert_non_null(strstr(h, want));
	free(h);
	/* review: held, then approved through the same write path */
	long n = 0;
	parley_record_etag(db, "person", "unit-person", v, sizeof v, &err);
	const char *note = "{\"note\":\"Reviewed.\"}";
	parley_report *rep = parley_report_new();
	const char *bad = "{\"birth_date\":\"1950-02-30\"}";
	assert_int_equal(parley_record_propose(db, "person", "change", "unit-person", bad, strlen(bad),
	                                       v, "bad", "web:eddie", &n, rep, &err), PARLEY_EDATA);
	parley_report_free(rep);
	assert_int_equal(parley_record_propose(db, "person", "change", "unit-person", note,
	                                       strlen(note), v, "note", "web:eddie", &n, NULL, &err),
	                 PARLEY_OK);
	assert_int_equal(parley_changes_json(db, "pending", &h, &err), PARLEY_OK);
	assert_non_null(strstr(h, "\"entity\":\"person\""));
	free(h);
	assert_int_equal(parley_person_get(db, "unit-person", &p, &err), PARLEY_OK);
	assert_null(p->note);
	parley_person_free(p);
	assert_int_equal(parley_change_decide(db, n, 1, "web:vic", "ok", NULL, &err), PARLEY_OK);
	assert_int_equal(parley_person_get(db, "unit-person", &p, &err), PARLEY_OK);
	assert_string_equal(p->note, "Reviewed.");
	parley_person_free(p);
	assert_int_equal(parley_record_propose(db, "visit", "change", "x", "{}", 2, NULL, "r", "a", &n,
	                                       NULL, &err), PARLEY_EINVAL);
	parley_close(db);
}

/* Item 2 of the brief: `parley add visit` and the write API refuse the
 * same sourceless visit with the same finding. */
static void one_source_rule(void **state)
{
	(void)state;
	parley_db *db = store();
	parley_err err;
	parley_visit_input in = {.id = "2026-11-05-prk-chn-nosource", .from = "PRK", .to = "CHN",
	                         .start = "2026-11-05", .level = "head_of_state", .type = "official",
	                         .status = "reported"};
	parley_report *a = parley_report_new(), *b = parley_report_new();
	assert_int_equal(parley_add_visit(db, &in, "no source", a, NULL, 0, &err), PARLEY_EDATA);
	const char *js = "{\"id\":\"2026-11-05-prk-chn-nosource\",\"level\":\"head_of_state\","
	                 "\"from_country\":\"PRK\",\"to_country\":\"CHN\",\"start_date\":\"2026-11-05\","
	                 "\"type\":\"official\",\"status\":\"reported\"}";
	assert_int_equal(parley_visit_write(db, NULL, js, strlen(js), NULL, "no source", NULL, 0, b,
	                                    &err), PARLEY_EDATA);
	const parley_finding *fa = NULL, *fb = NULL;
	for (size_t i = 0; i < parley_report_count(a); i++)
		if (parley_report_get(a, i)->severity == PARLEY_ERROR)
			fa = parley_report_get(a, i);
	for (size_t i = 0; i < parley_report_count(b); i++)
		if (parley_report_get(b, i)->severity == PARLEY_ERROR)
			fb = parley_report_get(b, i);
	assert_non_null(fa);
	assert_non_null(fb);
	assert_string_equal(fa->code, "no-source");
	assert_string_equal(fb->code, "no-source");
	assert_string_equal(fa->message, fb->message);
	char v[48];
	assert_int_equal(parley_visit_etag(db, "2026-11-05-prk-chn-nosource", v, sizeof v, &err),
	                 PARLEY_ENOTFOUND);
	parley_report_free(a);
	parley_report_free(b);
	/* a candidate needs none, on both paths */
	in.status = "candidate";
	assert_int_equal(parley_add_visit(db, &in, "candidate", NULL, NULL, 0, &err), PARLEY_OK);
	parley_close(db);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/parley-rw-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char p[200];
	unlink(path);
	unlink(office_path);
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
	    cmocka_unit_test(person_create_change_versions),
	    cmocka_unit_test(validation_all_or_nothing),
	    cmocka_unit_test(sources_and_removal),
	    cmocka_unit_test(history_revert_review),
	    cmocka_unit_test(one_source_rule),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
