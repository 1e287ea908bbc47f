/* test_core_search_text.c - every visit's search text built in one merged
 * read of the tables (search_text.c, what a bulk import's
 * pl_search_refresh_all runs) is byte for byte the text of the view
 * visit_search_text, for every visit of the bundled store (people with
 * native names and aliases, delegations with details, places, activities)
 * and of visits written here to reach the view's corners: no visitor or a
 * visitor who is no person, NULLs, several places and delegates written out
 * of their order, a delegate with no person, marks that combine with what
 * precedes them, an embedded NUL.  The searches find what they found
 * before, the full-text index is consistent, and the index's triggers and
 * settings are as they were. */
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
#include "internal.h"

static char dir[64];
#include "test_tmpdir.h"
#include "test_rows.h"

/* Visits that reach the corners of the view: raw SQL, as the library's
 * writes would refuse some of them (the NUL). */
static const char *const corners =
    "INSERT INTO person(id, name, native_name) VALUES ('st-p1', 'Zoë Ångström', 'ゾーイ'),"
    " ('st-p2', 'Plain Person', NULL);"
    /* aliases written out of their order (the view reads them by alias) */
    "INSERT INTO person_alias(person, alias) VALUES ('st-p1', 'zz last'), ('st-p1', 'Aa first'),"
    " ('st-p1', 'Mm middle');"
    /* no visitor, only a label; every optional field NULL */
    "INSERT INTO visit(id, visitor, visitor_label, from_country, to_country, start_date)"
    " VALUES ('st-v1', NULL, 'A nameless envoy', 'CHN', 'PRK', '1990');"
    /* a visitor with aliases and a native name; places, delegates and
     * activities written out of their order; a delegate with no person and
     * one with a person; marks that would combine with a letter before
     * them; a summary with a NUL in it (the fold stops there, in both) */
    "INSERT INTO visit(id, visitor, visitor_title, from_country, to_country, start_date, summary,"
    " note, disputed) VALUES ('st-v2', 'st-p1', 'Envoy ́extra', 'PRK', 'CHN', '1991-05',"
    " 'Talks on ́trade and Kim Jŏng-ŭn', 'A ''note''', 'dis-puted');"
    "INSERT INTO visit(id, visitor, from_country, to_country, start_date, summary)"
    " VALUES ('st-v3', 'st-p2', 'CHN', 'USA', '1992-06-07', CAST(x'6265666f7265006166746572' AS TEXT));"
    "INSERT INTO place(visit, seq, name) VALUES ('st-v2', 2, 'Second City'), ('st-v2', 1, 'First Town'),"
    " ('st-v2', 3, '́Marked');"
    "INSERT INTO visit_person(visit, role, seq, person, name, detail) VALUES"
    " ('st-v2', 'host', 2, NULL, 'A host with no id', NULL),"
    " ('st-v2', 'companion', 1, 'st-p2', 'Plain P.', 'adviser'),"
    " ('st-v2', 'host', 1, 'st-p1', 'Z. Angstrom', 'the host');"
    "INSERT INTO activity(visit, seq, kind, description) VALUES ('st-v2', 2, 'talks', 'Later talks'),"
    " ('st-v2', 1, 'talks', 'Early banquet');"
    /* a visit whose id sorts among the bundled ones */
    "INSERT INTO visit(id, visitor, from_country, to_country, start_date, summary)"
    " VALUES ('1970-st-middle', 'st-p1', 'USA', 'CHN', '1970', 'In the middle');";

static const char *const searches[] = {"kim", "mao", "talks", "zoe", "angstrom", "before",
                                       "after", "marked", "envoy", "visit", "aa", "adviser"};

/* The matches of each search, one line per match. */
static char *matches(parley_db *db)
{
	pl_buf b;
	pl_buf_init(&b, 16 << 20);
	for (size_t i = 0; i < sizeof searches / sizeof searches[0]; i++) {
		char sql[256];
		snprintf(sql, sizeof sql, "SELECT '%s', s.visit FROM visit_fts f JOIN visit_search s"
		         " ON s.n = f.rowid WHERE visit_fts MATCH '%s' ORDER BY s.visit", searches[i], searches[i]);
		char *r = rows(db, sql);
		pl_buf_adds(&b, r);
		free(r);
	}
	assert_int_equal(pl_buf_failed(&b), PARLEY_OK);
	return b.data;
}

static void the_merged_text_is_the_views(void **s)
{
	(void)s;
	parley_db *db = fresh_store();
	parley_err err = {0, ""};
	if (parley_load_bundled(db, NULL, NULL, &err) != PARLEY_OK)
		fail_msg("bundled: %s", err.msg);
	exec(db, corners);
	/* the search rows by the view (the refresh of the marked visits) */
	exec(db, "BEGIN IMMEDIATE");
	assert_int_equal(pl_search_flush(db, &err), PARLEY_OK);
	exec(db, "COMMIT");
	assert_true(scalar(db, "SELECT count(*) FROM visit") > 180);
	assert_int_equal(scalar(db, "SELECT count(*) FROM visit_search"), scalar(db, "SELECT count(*) FROM visit"));
	/* the NUL: what follows it is in neither text */
	assert_int_equal(scalar(db, "SELECT count(*) FROM visit_search WHERE visit = 'st-v3'"
	                            " AND body GLOB '*before*' AND body NOT GLOB '*after*'"), 1);
	char *before = matches(db);
	char *triggers = rows(db, "SELECT name, sql FROM sqlite_schema WHERE tbl_name = 'visit_search'"
	                          " ORDER BY name");
	char *config = rows(db, "SELECT * FROM visit_fts_config ORDER BY k");

	/* as a bulk import leaves them: some rows missing, some stale, the
	 * rest current; then every row from the merged read */
	exec(db, "BEGIN IMMEDIATE;"
	         "DELETE FROM visit_search WHERE visit IN (SELECT id FROM visit WHERE rowid % 3 = 0);"
	         "UPDATE visit_search SET body = 'stale' WHERE visit IN (SELECT id FROM visit WHERE rowid % 3 = 1);"
	         "UPDATE visit_search SET level = 'stale' WHERE visit = 'st-v2';");
	assert_int_equal(pl_search_refresh_all(db, &err), PARLEY_OK);
	exec(db, "COMMIT");

	/* byte for byte the view's text, and the view's columns, for every visit */
	assert_int_equal(scalar(db, "SELECT count(*) FROM visit_search"), scalar(db, "SELECT count(*) FROM visit"));
	char *diff = rows(db, "SELECT v.id, s.body, t.body FROM visit v JOIN visit_search_text t ON t.visit = v.id"
	                      " LEFT JOIN visit_search s ON s.visit = v.id WHERE s.body IS NOT t.body"
	                      " OR (s.start_key, s.from_country, s.to_country, s.level, s.type, s.status) IS NOT"
	                      " (v.start_key, v.from_country, v.to_country, v.level, v.type, v.status)");
	assert_string_equal(diff, "");
	free(diff);
	/* the corners themselves, as the view gives them */
	char *corner = rows(db, "SELECT visit, body FROM visit_search WHERE visit GLOB '*st-*' ORDER BY visit");
	assert_non_null(strstr(corner, "st-v1|a nameless envoy china north korea\n"));
	/* places and activities by seq, delegates by role then seq, aliases
	 * by alias; the marks dropped (ゾ folds to ソ) */
	assert_non_null(strstr(corner, "st-v2|zoe angstrom ソーイ envoy extra talks on trade and kim jong un"
	                               " a note dis puted aa first mm middle zz last first town second city"
	                               " marked plain p adviser plain person z angstrom the host zoe angstrom"
	                               " ソーイ aa first mm middle zz last a host with no id early banquet"
	                               " later talks north korea china\n"));
	assert_non_null(strstr(corner, "st-v3|plain person before\n"));
	free(corner);
	/* the full-text index holds every row, and finds what it found */
	exec(db, "INSERT INTO visit_fts(visit_fts, rank) VALUES ('integrity-check', 1)");
	char *after = matches(db);
	assert_string_equal(after, before);
	assert_non_null(strstr(after, "zoe|st-v2\n"));
	assert_non_null(strstr(after, "before|st-v3\n"));
	assert_null(strstr(after, "after|st-v3"));
	/* the index's triggers and settings as they were */
	char *t2 = rows(db, "SELECT name, sql FROM sqlite_schema WHERE tbl_name = 'visit_search' ORDER BY name");
	assert_string_equal(t2, triggers);
	char *c2 = rows(db, "SELECT * FROM visit_fts_config ORDER BY k");
	assert_string_equal(c2, config);
	/* a write after it still reaches the index through the triggers */
	exec(db, "BEGIN IMMEDIATE; UPDATE visit SET summary = 'Quorumword' WHERE id = 'st-v1';");
	assert_int_equal(pl_search_flush(db, &err), PARLEY_OK);
	exec(db, "COMMIT");
	assert_int_equal(scalar(db, "SELECT count(*) FROM visit_fts WHERE visit_fts MATCH 'quorumword'"), 1);
	free(t2);
	free(c2);
	free(after);
	free(before);
	free(triggers);
	free(config);
	parley_close(db);
}

/* A store's own FTS5 setting survives the rebuild's larger one. */
static void a_hashsize_set_is_kept(void **s)
{
	(void)s;
	parley_db *db = fresh_store();
	parley_err err = {0, ""};
	exec(db, "INSERT INTO visit_fts(visit_fts, rank) VALUES ('hashsize', 123456)");
	if (parley_load_bundled(db, NULL, NULL, &err) != PARLEY_OK)
		fail_msg("bundled: %s", err.msg);
	exec(db, "BEGIN IMMEDIATE");
	assert_int_equal(pl_search_refresh_all(db, &err), PARLEY_OK);
	exec(db, "COMMIT");
	assert_int_equal(scalar(db, "SELECT v FROM visit_fts_config WHERE k = 'hashsize'"), 123456);
	assert_true(scalar(db, "SELECT count(*) FROM visit_fts WHERE visit_fts MATCH 'kim'") > 0);
	parley_close(db);
}

/* A person id with a NUL in it (raw SQL only): the maps cannot hold it, so
 * the view makes the text, and it is the view's all the same. */
static void a_key_with_a_nul_is_left_to_the_view(void **s)
{
	(void)s;
	parley_db *db = fresh_store();
	parley_err err = {0, ""};
	if (parley_load_bundled(db, NULL, NULL, &err) != PARLEY_OK)
		fail_msg("bundled: %s", err.msg);
	exec(db, "INSERT INTO person(id, name) VALUES (CAST(x'6e756c006964' AS TEXT), 'Nulid Person');"
	         "INSERT INTO visit(id, visitor, from_country, to_country, start_date, summary)"
	         " VALUES ('st-nul', CAST(x'6e756c006964' AS TEXT), 'CHN', 'PRK', '1999', 'Nul talks');"
	         "BEGIN IMMEDIATE; DELETE FROM visit_search;");
	assert_int_equal(pl_search_refresh_all(db, &err), PARLEY_OK);
	exec(db, "COMMIT");
	assert_int_equal(scalar(db, "SELECT count(*) FROM visit_search"), scalar(db, "SELECT count(*) FROM visit"));
	char *diff = rows(db, "SELECT v.id FROM visit v JOIN visit_search_text t ON t.visit = v.id"
	                      " LEFT JOIN visit_search s ON s.visit = v.id WHERE s.body IS NOT t.body");
	assert_string_equal(diff, "");
	free(diff);
	assert_int_equal(scalar(db, "SELECT count(*) FROM visit_search WHERE visit = 'st-nul'"
	                            " AND body = 'nulid person nul talks china north korea'"), 1);
	exec(db, "INSERT INTO visit_fts(visit_fts, rank) VALUES ('integrity-check', 1)");
	parley_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(the_merged_text_is_the_views),
	    cmocka_unit_test(a_hashsize_set_is_kept),
	    cmocka_unit_test(a_key_with_a_nul_is_left_to_the_view),
	};
	return RUN_IN_TMPDIR("search-text", tests);
}
