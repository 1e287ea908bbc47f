/* test_core_flow.c - the team flow's library parts against a real store
 * with the world's countries: what an audit run can have touched (the
 * server's cache rule), a user's changes from the audit log, and held
 * changes narrowed to an author and a visit. */
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
    "{\"id\":\"2026-11-02-prk-chn-flow\",\"level\":\"head_of_state\",\"from_country\":\"PRK\","
    "\"to_country\":\"CHN\",\"start_date\":\"2026-11-02\",\"type\":\"official\","
    "\"status\":\"reported\",\"summary\":\"First.\","
    "\"sources\":[{\"id\":\"s-flow\",\"citation\":\"A unit test source\"}]}";
static const char *id = "2026-11-02-prk-chn-flow";

static parley_db *store(void)
{
	parley_db *db = NULL;
	snprintf(path, sizeof path, "%s/f.db", dir);
	unlink(path);
	assert_int_equal(parley_open(path, PARLEY_OPEN_CREATE, &db, NULL), PARLEY_OK);
	assert_int_equal(parley_load_world(db, NULL, NULL, NULL), PARLEY_OK);
	return db;
}

static void patch(parley_db *db, const char *body, const char *actor)
{
	char etag[48];
	parley_err err;
	assert_int_equal(parley_visit_etag(db, id, etag, sizeof etag, &err), PARLEY_OK);
	parley_set_actor(db, actor, NULL);
	assert_int_equal(parley_visit_write(db, id, body, strlen(body), etag, "unit", NULL, 0, NULL,
	                                    &err), PARLEY_OK);
}

static void audit_scope(void **state)
{
	(void)state;
	parley_db *db = store();
	parley_err err;
	parley_set_actor(db, "web:ann", NULL);
	assert_int_equal(parley_visit_write(db, NULL, visit_json, strlen(visit_json), NULL, "new",
	                                    NULL, 0, NULL, &err), PARLEY_OK);
	long long h0 = parley_audit_head(db), head;
	assert_true(h0 > 0);
	char *ids = NULL;
	int note_only = 0;
	/* nothing since: no ids, head unchanged */
	assert_int_equal(parley_audit_scope(db, h0, &head, &ids, &note_only, NULL, &err), PARLEY_OK);
	assert_true(head == h0 && ids == NULL);
	/* a note: this visit, note only; its notes before (none: an empty
	 * line) and after, folded as the search index holds them */
	patch(db, "{\"note\":\"A Note, Ŭnder-way.\"}", "web:ann");
	char *notes = NULL;
	assert_int_equal(parley_audit_scope(db, h0, &head, &ids, &note_only, &notes, &err), PARLEY_OK);
	assert_true(head > h0);
	assert_non_null(ids);
	assert_string_equal(ids, "2026-11-02-prk-chn-flow\n");
	assert_int_equal(note_only, 1);
	assert_non_null(notes);
	assert_string_equal(notes, "\na note under way\n");
	free(notes);
	free(ids);
	/* a second note edit: both changes' notes, in order */
	patch(db, "{\"note\":\"Second\"}", "web:ann");
	assert_int_equal(parley_audit_scope(db, h0, &head, &ids, &note_only, &notes, &err), PARLEY_OK);
	assert_string_equal(ids, "2026-11-02-prk-chn-flow\n2026-11-02-prk-chn-flow\n");
	assert_string_equal(notes, "\na note under way\na note under way\nsecond\n");
	free(notes);
	free(ids);
	/* and a summary: still this visit's text, no longer note only */
	long long h1 = head;
	patch(db, "{\"summary\":\"Second.\"}", "web:ann");
	assert_int_equal(parley_audit_scope(db, h0, &head, &ids, &note_only, NULL, &err), PARLEY_OK);
	assert_non_null(ids);
	assert_int_equal(note_only, 0);
	free(ids);
	/* a date can change any figure: no ids; nor for an insert (the first run) */
	long long h2 = head;
	patch(db, "{\"start_date\":\"2026-11-03\"}", "web:ann");
	notes = NULL;
	assert_int_equal(parley_audit_scope(db, h2, &head, &ids, &note_only, &notes, &err), PARLEY_OK);
	assert_true(head > h2 && ids == NULL && notes == NULL);
	assert_int_equal(parley_audit_scope(db, 0, &head, &ids, &note_only, NULL, &err), PARLEY_OK);
	assert_null(ids);
	/* unknown starting point: no ids */
	assert_int_equal(parley_audit_scope(db, -1, &head, &ids, &note_only, NULL, &err), PARLEY_OK);
	assert_null(ids);
	(void)h1;
	parley_close(db);
}

static void user_changes_and_held(void **state)
{
	(void)state;
	parley_db *db = store();
	parley_err err;
	assert_int_equal(parley_user_add(db, "ann_b", PARLEY_ROLE_EDITOR, "ann-password-1", &err), PARLEY_OK);
	assert_int_equal(parley_user_add(db, "annxb", PARLEY_ROLE_EDITOR, "ann-password-2", &err), PARLEY_OK);
	parley_set_actor(db, "web:ann_b", NULL);
	assert_int_equal(parley_visit_write(db, NULL, visit_json, strlen(visit_json), NULL, "new",
	                                    NULL, 0, NULL, &err), PARLEY_OK);
	patch(db, "{\"note\":\"By annxb.\"}", "web:annxb");
	patch(db, "{\"note\":\"Approved.\"}", "web:annxb, approved by web:ann_b");
	char *out = NULL;
	assert_int_equal(parley_user_changes_json(db, "ann_b", &out, &err), PARLEY_OK);
	/* her insert and her approval, not annxb's own change ('_' is no wildcard) */
	assert_non_null(strstr(out, "\"actor\":\"web:ann_b\""));
	assert_non_null(strstr(out, "approved by web:ann_b"));
	assert_null(strstr(out, "\"actor\":\"web:annxb\""));
	free(out);
	assert_int_equal(parley_user_changes_json(db, "annxb", &out, &err), PARLEY_OK);
	assert_non_null(strstr(out, "By annxb."));
	assert_non_null(strstr(out, "Approved."));
	free(out);
	assert_int_equal(parley_user_changes_json(db, "nobody", &out, &err), PARLEY_ENOTFOUND);
	/* held changes narrowed to an author and a visit */
	char etag[48];
	long n = 0;
	assert_int_equal(parley_visit_etag(db, id, etag, sizeof etag, &err), PARLEY_OK);
	const char *b = "{\"note\":\"Held.\"}";
	assert_int_equal(parley_change_propose(db, "change", id, b, strlen(b), etag, "held", "web:annxb",
	                                       &n, NULL, &err), PARLEY_OK);
	assert_int_equal(parley_changes_find_json(db, "pending", "web:annxb", id, &out, &err), PARLEY_OK);
	assert_non_null(strstr(out, "Held."));
	free(out);
	assert_int_equal(parley_changes_find_json(db, "pending", "web:ann_b", NULL, &out, &err), PARLEY_OK);
	assert_string_equal(out, "[]");
	free(out);
	assert_int_equal(parley_changes_find_json(db, NULL, NULL, "another-visit", &out, &err), PARLEY_OK);
	assert_string_equal(out, "[]");
	free(out);
	parley_close(db);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/parley-flow-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char p[160];
	unlink(path);
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
	    cmocka_unit_test(audit_scope),
	    cmocka_unit_test(user_changes_and_held),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
