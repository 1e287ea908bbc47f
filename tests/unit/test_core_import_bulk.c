/* test_core_import_bulk.c - a bulk import (import_bulk.c: indexes, tally
 * and search triggers dropped for the rows and made again at the end, in
 * the same transaction) leaves the store exactly as the row-by-row path
 * does: the same records, audit log (row for row, but the time), tallies,
 * search rows and full-text matches, schema and consistent indexes; and a
 * bad row in a bulk import still rolls back everything, the dropped indexes
 * and triggers included.  The input is a synthetic file of about 2,400
 * rows (visits with people, places, activities and sources) made here,
 * then a second import that changes some of those visits. */
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
#include "pl_query.h"

static char dir[64];
#include "test_pack.h"
#include "test_tmpdir.h"
#include "test_rows.h"

static const char *const codes[] = {"AAA", "BBB", "CCC", "DDD", "EEE", "FFF"};
static const char *const words[] = {"treaty", "summit", "trade", "border", "energy", "culture"};

/* The synthetic file: 6 countries, 12 people (one with an alias), 3
 * offices, 40 sources and 400 visits, each with a source, and some with
 * companions, places and activities; partial dates and every status. */
static void write_base(const char *name)
{
	pl_buf b;
	pl_buf_init(&b, 8 << 20);
	for (int i = 0; i < 6; i++)
		pl_buf_addf(&b, "{\"concept\":\"country\",\"code\":\"%s\",\"name\":\"Synthland %d\"}\n",
		            codes[i], i);
	for (int i = 0; i < 12; i++)
		pl_buf_addf(&b, "{\"concept\":\"person\",\"id\":\"syn-p%d\",\"name\":\"Synthetic Person %d\","
		                "\"country\":\"%s\"}\n",
		            i, i, codes[i % 6]);
	pl_buf_adds(&b, "{\"concept\":\"person_alias\",\"person\":\"syn-p3\",\"alias\":\"Old Three\","
	                "\"kind\":\"other\"}\n");
	for (int i = 0; i < 3; i++)
		pl_buf_addf(&b, "{\"concept\":\"office\",\"id\":\"syn-o%d\",\"country\":\"%s\","
		                "\"name\":\"Synthetic office %d\",\"rank\":\"ministerial\"}\n",
		            i, codes[i], i);
	for (int i = 0; i < 40; i++)
		pl_buf_addf(&b, "{\"concept\":\"source\",\"id\":\"syn-s%d\",\"citation\":\"Synthetic "
		                "source %d (test)\"}\n",
		            i, i);
	static const char *const levels[] = {"head_of_state", "head_of_government", "ministerial",
	                                     "deputy"};
	static const char *const statuses[] = {"confirmed", "confirmed", "candidate", "reported"};
	for (int i = 0; i < 400; i++) {
		int a = i % 6, z = (i * 7 + 1) % 6;
		if (z == a)
			z = (z + 1) % 6;
		char date[16];
		if (i % 9 == 0)
			snprintf(date, sizeof date, "%d", 1950 + i % 70);
		else if (i % 5 == 0)
			snprintf(date, sizeof date, "%d-%02d", 1950 + i % 70, 1 + i % 12);
		else
			snprintf(date, sizeof date, "%d-%02d-%02d", 1950 + i % 70, 1 + i % 12, 1 + i % 28);
		/* escapes the quick NDJSON read takes (import_json.c, flat_line),
		 * and one it leaves to jansson (\\u), nulls and blanks */
		const char *extra = i % 10 == 0   ? " \\\"quoted\\\" back\\\\slash\\ttab\\/"
		                    : i % 10 == 5 ? " caf\\u00e9 \\u00C9t\\u00e9"
		                                  : "";
		pl_buf_addf(&b, "{\"concept\":\"visit\",\"id\":\"syn-v%03d\",\"visitor\":\"syn-p%d\","
		                "\"from_country\":\"%s\",\"to_country\":\"%s\",\"start_date\":\"%s\","
		                "\"level\":\"%s\",\"type\":\"official\",\"status\":\"%s\","
		                "\"summary\":\"%s and %s talks%s\"%s}\n",
		            i, i % 12, codes[a], codes[z], date, levels[i % 4], statuses[i % 4],
		            words[i % 6], words[(i / 6) % 6], extra, i % 4 == 1 ? ",\"note\":null" : "");
		pl_buf_addf(&b, i % 8 ? "{\"concept\":\"visit_source\",\"visit\":\"syn-v%03d\",\"source\":\"syn-s%d\"}\n"
		                      : " { \"concept\":\"visit_source\" , \"visit\" :\t\"syn-v%03d\",\"source\":\"syn-s%d\" }\r\n",
		            i, i % 40);
		if (i % 3 == 0)
			pl_buf_addf(&b, "{\"concept\":\"visit_person\",\"visit\":\"syn-v%03d\",\"role\":\"companion\","
			                "\"seq\":1,\"person\":\"syn-p%d\",\"name\":\"Synthetic Person %d\"}\n",
			            i, (i + 5) % 12, (i + 5) % 12);
		if (i % 2 == 0)
			pl_buf_addf(&b, "{\"concept\":\"place\",\"visit\":\"syn-v%03d\",\"seq\":1,"
			                "\"name\":\"Synthcity %d\",\"country\":\"%s\"}\n",
			            i, i % 17, codes[z]);
		if (i % 7 == 0)
			pl_buf_addf(&b, "{\"concept\":\"activity\",\"visit\":\"syn-v%03d\",\"seq\":1,"
			                "\"kind\":\"talks\",\"description\":\"Talks on %s\"}\n",
			            i, words[(i + 2) % 6]);
	}
	assert_int_equal(pl_buf_failed(&b), PARLEY_OK);
	write_file(name, b.data);
	pl_buf_free(&b);
}

/* Changes to visits of the base: another pair, year, level and status for
 * some (their tally rows move), a new summary for others (their search
 * text changes), and new visits, some of them before the changes: a bulk
 * import logs inserts set-based, and must write theirs before the audit
 * row of the first update (the same order of seq as row by row). */
static void write_update(const char *name)
{
	pl_buf b;
	pl_buf_init(&b, 1 << 20);
	for (int i = 430; i < 433; i++)
		pl_buf_addf(&b, "{\"concept\":\"visit\",\"id\":\"syn-v%03d\",\"visitor\":\"syn-p%d\","
		                "\"from_country\":\"CCC\",\"to_country\":\"DDD\",\"start_date\":\"2021\","
		                "\"level\":\"deputy\",\"type\":\"official\",\"status\":\"candidate\","
		                "\"summary\":\"early %s visit\"}\n",
		            i, i % 12, words[i % 6]);
	for (int i = 0; i < 400; i += 11)
		pl_buf_addf(&b, "{\"concept\":\"visit\",\"id\":\"syn-v%03d\",\"visitor\":\"syn-p%d\","
		                "\"from_country\":\"%s\",\"to_country\":\"%s\",\"start_date\":\"%d-06-01\","
		                "\"level\":\"deputy\",\"type\":\"official\",\"status\":\"%s\","
		                "\"summary\":\"revised %s memorandum\"}\n",
		            i, (i + 1) % 12, codes[(i + 3) % 6], codes[(i + 4) % 6], 1990 + i % 20,
		            i % 2 ? "confirmed" : "rejected", words[i % 6]);
	for (int i = 400; i < 430; i++) {
		pl_buf_addf(&b, "{\"concept\":\"visit\",\"id\":\"syn-v%03d\",\"visitor\":\"syn-p%d\","
		                "\"from_country\":\"AAA\",\"to_country\":\"BBB\",\"start_date\":\"2020-0%d\","
		                "\"level\":\"ministerial\",\"type\":\"official\",\"status\":\"confirmed\","
		                "\"summary\":\"later %s visit\"}\n",
		            i, i % 12, 1 + i % 9, words[i % 6]);
		pl_buf_addf(&b, "{\"concept\":\"visit_source\",\"visit\":\"syn-v%03d\",\"source\":\"syn-s1\"}\n",
		            i);
	}
	assert_int_equal(pl_buf_failed(&b), PARLEY_OK);
	write_file(name, b.data);
	pl_buf_free(&b);
}

/* The findings of an import, one line each (malloc'd; the caller frees). */
static char *findings(parley_db *db, const char *name, int mode, int *rc)
{
	const char *p[] = {path_of(name)};
	parley_err err = {0, ""};
	parley_report *rep = parley_report_new();
	pl_import_bulk_mode = mode;
	*rc = parley_import(db, p, 1, NULL, rep, NULL, &err);
	pl_import_bulk_mode = 0;
	pl_buf b;
	pl_buf_init(&b, 1 << 20);
	pl_buf_adds(&b, "");
	for (size_t i = 0; i < parley_report_count(rep); i++) {
		const parley_finding *f = parley_report_get(rep, i);
		pl_buf_addf(&b, "%d %ld %ld %s %s %s %s\n", (int)f->severity, f->line, f->column,
		            f->record ? f->record : "-",
		            f->field ? f->field : "-", f->code ? f->code : "-", f->message);
	}
	pl_buf_addf(&b, "%s\n", err.msg);
	parley_report_free(rep);
	assert_int_equal(pl_buf_failed(&b), PARLEY_OK);
	return b.data;
}

static void import_ok(parley_db *db, const char *name, int mode)
{
	pl_import_bulk_mode = mode;
	const char *p[] = {path_of(name)};
	parley_err err = {0, ""};
	parley_report *rep = parley_report_new();
	int rc = parley_import(db, p, 1, NULL, rep, NULL, &err);
	pl_import_bulk_mode = 0;
	for (size_t i = 0; rc && i < parley_report_count(rep); i++)
		if (parley_report_get(rep, i)->severity == PARLEY_ERROR)
			fprintf(stderr, "%s line %ld: %s\n", name, parley_report_get(rep, i)->line,
			        parley_report_get(rep, i)->message);
	parley_report_free(rep);
	if (rc)
		fprintf(stderr, "import %s: %s\n", name, err.msg);
	assert_int_equal(rc, PARLEY_OK);
}

/* The rows of sql in a and in b (test_rows.h): the same. */
static void same(parley_db *a, parley_db *b, const char *sql)
{
	char *x = rows(a, sql), *y = rows(b, sql);
	if (strcmp(x, y) != 0)
		fprintf(stderr, "differs: %s\n", sql);
	assert_string_equal(x, y);
	free(x);
	free(y);
}

static const char *const compared[] = {
    /* the schema itself: every index and trigger made again, as it was */
    "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name",
    /* the records (every concept table) */
    "SELECT * FROM country ORDER BY code",
    "SELECT * FROM person ORDER BY id",
    "SELECT * FROM person_alias ORDER BY person, alias",
    "SELECT * FROM office ORDER BY id",
    "SELECT * FROM source ORDER BY id",
    "SELECT * FROM visit ORDER BY id",
    "SELECT * FROM visit_person ORDER BY visit, role, seq",
    "SELECT * FROM place ORDER BY visit, seq",
    "SELECT * FROM activity ORDER BY visit, seq",
    "SELECT * FROM visit_source ORDER BY visit, source",
    /* the audit log, row for row (its time aside) */
    "SELECT seq, actor, action, entity, entity_key, before, after, reason FROM audit ORDER BY seq",
    /* the tallies */
    "SELECT * FROM visit_tally ORDER BY 1, 2, 3, 4, 5, 6, 7",
    "SELECT * FROM visit_tally_year ORDER BY 1, 2, 3, 4",
    "SELECT * FROM visit_tally_country ORDER BY 1, 2, 3, 4, 5",
    "SELECT * FROM visit_tally_dir ORDER BY 1, 2, 3",
    "SELECT * FROM person_tally ORDER BY 1",
    /* a person's visits by role (filled at the end of a bulk import, kept
     * by triggers row by row) */
    "SELECT * FROM visit_person_key ORDER BY 1, 2, 3, 4",
    /* the search rows and what the full-text index finds */
    "SELECT visit, body, start_key, from_country, to_country, level, type, status"
    " FROM visit_search ORDER BY visit",
    "SELECT s.visit FROM visit_fts f JOIN visit_search s ON s.n = f.rowid"
    " WHERE visit_fts MATCH 'treaty' ORDER BY s.visit",
    "SELECT s.visit FROM visit_fts f JOIN visit_search s ON s.n = f.rowid"
    " WHERE visit_fts MATCH 'revised OR synthcity' ORDER BY s.visit",
    "SELECT s.visit FROM visit_fts f JOIN visit_search s ON s.n = f.rowid"
    " WHERE visit_fts MATCH 'old three' ORDER BY s.visit",
    "SELECT count(*) FROM visit_search_dirty",
    /* the search pack: every chunk packed, none left marked */
    "SELECT chunk, length(data) FROM search_pack ORDER BY chunk",
    "SELECT count(*) FROM search_pack_dirty",
    /* the indexes, read through themselves */
    "SELECT from_country, to_country, start_key, id, status, level, type, visitor, visitor_label"
    " FROM visit INDEXED BY visit_by_dir_cover ORDER BY from_country, to_country, start_key, id",
    "SELECT pair_key, start_key, id, status, level, visitor_office, visitor, visitor_label"
    " FROM visit INDEXED BY visit_by_pair_cover"
    " ORDER BY pair_key, start_key, id",
    "SELECT entity, entity_key FROM audit INDEXED BY audit_by_entity ORDER BY entity, entity_key, seq",
};

static void integrity(parley_db *db)
{
	char *r = rows(db, "PRAGMA integrity_check");
	assert_string_equal(r, "ok\n");
	free(r);
	/* every reference has its record (a bulk import checks them itself,
	 * SQLite's own check off), and the check is on again */
	r = rows(db, "PRAGMA foreign_key_check");
	assert_string_equal(r, "");
	free(r);
	r = rows(db, "PRAGMA foreign_keys");
	assert_string_equal(r, "1\n");
	free(r);
	assert_int_equal(sqlite3_exec(db->sql,
	                              "INSERT INTO visit_fts(visit_fts, rank) VALUES ('integrity-check', 1)",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
}

/* A search's total and facets from the search pack (which must answer)
 * and from the search rows: the same. */
static void pack_agrees(parley_db *db, const char *text)
{
	parley_query q;
	parley_query_init(&q);
	q.text = text;
	q.status = "all";
	parley_err err = {0, ""};
	int rc = pack_answers(db, &q, &err);
	if (rc != PARLEY_OK)
		fail_msg("search %s: the search pack did not answer (%d: %s)", text, rc, err.msg);
	static const char *const fields[] = {"direction", "level", "type", "status", "year"};
	char *said[2];
	for (int off = 0; off < 2; off++) {
		pl_tally_off = off;
		parley_facet *f[5];
		if (parley_visits_facets(db, &q, fields, 5, f, &err) != PARLEY_OK)
			fail_msg("facets: %s", err.msg);
		pl_buf b;
		pl_buf_init(&b, (size_t)1 << 20);
		for (int k = 0; k < 5; k++) {
			for (size_t i = 0; i < f[k]->n; i++)
				pl_buf_addf(&b, "%s=%ld ", f[k]->values[i].value, f[k]->values[i].n);
			pl_buf_addc(&b, '\n');
			parley_facet_free(f[k]);
		}
		said[off] = pl_buf_take(&b);
		assert_non_null(said[off]);
	}
	pl_tally_off = 0;
	assert_string_equal(said[0], said[1]);
	assert_true(strlen(said[0]) > 20); /* it found matches */
	free(said[0]);
	free(said[1]);
}

/* The same two imports, row by row into one store and in bulk into
 * another: the stores are the same. */
static void bulk_equals_row_by_row(void **s)
{
	(void)s;
	write_base("base.ndjson");
	write_update("update.ndjson");
	parley_db *row = fresh_store(), *bulk = fresh_store();
	import_ok(row, "base.ndjson", -1);
	/* the audit of the inserts written every 7 rows: mid-run, at odd
	 * places (import_bulk.c), as well as before an update and at the end */
	pl_bulk_audit_batch = 7;
	import_ok(bulk, "base.ndjson", 1);
	assert_int_equal(parley_count(bulk, "visit", NULL), 400);
	for (size_t i = 0; i < PL_ARRAY_LEN(compared); i++)
		same(row, bulk, compared[i]);
	import_ok(row, "update.ndjson", -1);
	import_ok(bulk, "update.ndjson", 1);
	pl_bulk_audit_batch = 8192;
	assert_int_equal(parley_count(bulk, "visit", NULL), 433);
	for (size_t i = 0; i < PL_ARRAY_LEN(compared); i++)
		same(row, bulk, compared[i]);
	integrity(row);
	integrity(bulk);
	/* the bulk import repacked every chunk: the pack answers, exactly */
	pack_agrees(bulk, "treaty");
	pack_agrees(bulk, "synthcity");
	pack_agrees(row, "treaty");
	/* and the tallies are those of the visits (not merely equal to each
	 * other): the migration's GROUP BY over the store */
	static const char *const tallies[] = {"SELECT * FROM visit_tally ORDER BY 1, 2, 3, 4, 5, 6, 7",
	                                      "SELECT * FROM visit_tally_dir ORDER BY 1, 2, 3"};
	char *kept[2], *fresh[2];
	for (int i = 0; i < 2; i++)
		kept[i] = rows(bulk, tallies[i]);
	assert_int_equal(sqlite3_exec(bulk->sql, pl_schema_tally_refill(), NULL, NULL, NULL), SQLITE_OK);
	for (int i = 0; i < 2; i++) {
		fresh[i] = rows(bulk, tallies[i]);
		assert_string_equal(kept[i], fresh[i]);
	}
	assert_non_null(strstr(kept[0], "AAA:BBB"));
	assert_non_null(strstr(kept[1], "AAA|BBB"));
	for (int i = 0; i < 2; i++) {
		free(kept[i]);
		free(fresh[i]);
	}
	parley_close(row);
	parley_close(bulk);
}

/* The quick read of NDJSON lines (import_json.c, flat_line) gives the
 * store jansson's reading gives, row for row and in the audit log, lines
 * with escapes, nulls, blanks and \\u escapes (left to jansson) among
 * them; and every finding of a bad file is the same either way, read
 * quickly in bulk (each row's INSERT tried first) or by jansson row by
 * row (each row looked up first). */
static void quick_ndjson_read_equals_jansson(void **s)
{
	(void)s;
	write_base("base4.ndjson");
	write_update("update4.ndjson");
	parley_db *quick = fresh_store(), *full = fresh_store();
	for (int pass = 0; pass < 2; pass++) {
		const char *name = pass ? "update4.ndjson" : "base4.ndjson";
		import_ok(quick, name, 1);
		pl_ndjson_flat = 0;
		import_ok(full, name, 1);
		pl_ndjson_flat = 1;
		for (size_t i = 0; i < PL_ARRAY_LEN(compared); i++)
			same(quick, full, compared[i]);
	}
	char *v = rows(quick, "SELECT summary FROM visit WHERE id IN ('syn-v001', 'syn-v005', 'syn-v010')"
	                      " ORDER BY id");
	assert_string_equal(v, "summit and treaty talks\n"
	                       "culture and treaty talks caf\xc3\xa9 \xc3\x89t\xc3\xa9\n"
	                       "energy and summit talks \"quoted\" back\\slash\ttab/\n");
	free(v);
	/* bad lines: an unknown field, a number for a text field, a repeated
	 * field, a fraction, a leading zero, NUL escaped, a bad escape, a
	 * truncated line, a concept named twice, true */
	write_file("bad4.ndjson",
	           "{\"concept\":\"source\",\"id\":\"syn-x1\",\"citation\":\"a\",\"colour\":\"red\"}\n"
	           "{\"concept\":\"source\",\"id\":\"syn-x2\",\"citation\":7}\n"
	           "{\"concept\":\"source\",\"id\":\"syn-x3\",\"citation\":\"a\",\"citation\":\"b\"}\n"
	           "{\"concept\":\"place\",\"visit\":\"syn-v001\",\"seq\":1.5,\"name\":\"X\"}\n"
	           "{\"concept\":\"place\",\"visit\":\"syn-v001\",\"seq\":01,\"name\":\"X\"}\n"
	           "{\"concept\":\"source\",\"id\":\"syn-x4\",\"citation\":\"a\\u0000b\"}\n"
	           "{\"concept\":\"source\",\"id\":\"syn-x5\",\"citation\":\"a\\qb\"}\n"
	           "{\"concept\":\"source\",\"id\":\"syn-x6\",\"citation\":\"a\"\n"
	           "{\"concept\":\"source\",\"concept\":\"source\",\"id\":\"syn-x7\",\"citation\":\"a\"}\n"
	           "{\"concept\":\"source\",\"id\":\"syn-x8\",\"citation\":true}\n"
	           "{\"concept\":\"source\",\"id\":\"syn-x9\",\"citation\":\"fine\"} x\n"
	           /* a key twice in the file, and an item the store holds */
	           "{\"concept\":\"source\",\"id\":\"syn-x10\",\"citation\":\"once\"}\n"
	           "{\"concept\":\"source\",\"id\":\"syn-x10\",\"citation\":\"twice\"}\n"
	           "{\"concept\":\"place\",\"visit\":\"syn-v002\",\"seq\":1,\"name\":\"Elsewhere\"}\n");
	int rq, rf;
	char *a = findings(quick, "bad4.ndjson", 1, &rq);
	pl_ndjson_flat = 0;
	char *b = findings(full, "bad4.ndjson", -1, &rf);
	pl_ndjson_flat = 1;
	assert_int_equal(rq, PARLEY_EDATA);
	assert_int_equal(rf, PARLEY_EDATA);
	assert_string_equal(a, b);
	assert_non_null(strstr(a, "colour"));
	assert_non_null(strstr(a, "duplicate-key"));
	assert_non_null(strstr(a, "item-exists"));
	assert_non_null(strstr(a, "13 errors"));
	free(a);
	free(b);
	for (size_t i = 0; i < PL_ARRAY_LEN(compared); i++)
		same(quick, full, compared[i]);
	parley_close(quick);
	parley_close(full);
}

/* A bad row at the very end of a bulk import: nothing of it stays, the
 * schema (its dropped indexes and triggers) and the audit log included,
 * and the store writes row by row as before afterwards. */
static void bulk_failure_rolls_back_everything(void **s)
{
	(void)s;
	write_base("base2.ndjson");
	parley_db *db = fresh_store();
	import_ok(db, "base2.ndjson", 1);
	static const char *const kept[] = {
	    "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name",
	    "SELECT * FROM visit ORDER BY id",
	    "SELECT seq, action, entity, entity_key, after FROM audit ORDER BY seq",
	    "SELECT * FROM visit_tally ORDER BY 1, 2, 3, 4, 5, 6, 7",
	    "SELECT visit, body FROM visit_search ORDER BY visit"};
	char *before[PL_ARRAY_LEN(kept)];
	for (size_t i = 0; i < PL_ARRAY_LEN(kept); i++)
		before[i] = rows(db, kept[i]);
	/* new visits, then one whose source does not exist (the last line) */
	pl_buf b;
	pl_buf_init(&b, 1 << 20);
	for (int i = 500; i < 600; i++)
		pl_buf_addf(&b, "{\"concept\":\"visit\",\"id\":\"syn-v%03d\",\"from_country\":\"AAA\","
		                "\"to_country\":\"CCC\",\"start_date\":\"2001\",\"level\":\"deputy\","
		                "\"type\":\"working\",\"status\":\"candidate\"}\n",
		            i);
	pl_buf_adds(&b, "{\"concept\":\"visit_source\",\"visit\":\"syn-v599\",\"source\":\"nowhere\"}\n");
	assert_int_equal(pl_buf_failed(&b), PARLEY_OK);
	write_file("bad.ndjson", b.data);
	pl_buf_free(&b);
	pl_import_bulk_mode = 1;
	const char *p[] = {path_of("bad.ndjson")};
	parley_err err = {0, ""};
	int rc = parley_import(db, p, 1, NULL, NULL, NULL, &err);
	pl_import_bulk_mode = 0;
	assert_int_equal(rc, PARLEY_EDATA);
	for (size_t i = 0; i < PL_ARRAY_LEN(kept); i++) {
		char *after = rows(db, kept[i]);
		assert_string_equal(before[i], after);
		free(after);
		free(before[i]);
	}
	integrity(db);
	/* row by row afterwards: the tally triggers are back */
	write_file("one.ndjson", "{\"concept\":\"visit\",\"id\":\"syn-v999\",\"from_country\":\"EEE\","
	                         "\"to_country\":\"FFF\",\"start_date\":\"1901\",\"level\":\"deputy\","
	                         "\"type\":\"working\",\"status\":\"candidate\"}\n");
	import_ok(db, "one.ndjson", -1);
	char *t = rows(db, "SELECT n FROM visit_tally WHERE pair_key = 'EEE:FFF' AND year = '1901'");
	assert_string_equal(t, "1\n");
	free(t);
	parley_close(db);
}

static char *journal_mode(parley_db *db)
{
	return rows(db, "PRAGMA journal_mode");
}

/* A bulk import switches the store to a rollback journal for its
 * transaction only when no other connection has it open, and leaves it in
 * WAL mode either way; another reader sees the whole import at once. */
static void bulk_journal_and_other_connections(void **s)
{
	(void)s;
	write_base("base3.ndjson");
	parley_db *db = fresh_store();
	char *m = journal_mode(db);
	assert_string_equal(m, "wal\n");
	free(m);
	/* alone: switched for the import, WAL again after it */
	assert_int_equal(pl_bulk_journal(db), 1);
	m = journal_mode(db);
	assert_string_equal(m, "delete\n");
	free(m);
	assert_int_equal(pl_bulk_journal_restore(db, NULL), PARLEY_OK);
	m = journal_mode(db);
	assert_string_equal(m, "wal\n");
	free(m);
	/* with a reader open: the switch is refused, the import keeps the WAL */
	parley_db *reader;
	parley_err err = {0, ""};
	assert_int_equal(parley_open(db->path, 0, &reader, &err), PARLEY_OK);
	assert_int_equal(parley_count(reader, "visit", NULL), 0);
	import_ok(db, "base3.ndjson", 1);
	m = journal_mode(db);
	assert_string_equal(m, "wal\n");
	free(m);
	assert_int_equal(parley_count(reader, "visit", NULL), 400);
	parley_close(reader);
	parley_close(db);
}

/* Whether an import goes in bulk: forced either way, else only a large
 * input beside the store's visits. */
static void bulk_is_chosen_for_large_inputs(void **s)
{
	(void)s;
	parley_db *db = fresh_store();
	assert_false(pl_bulk_wanted(db, 1 << 20));          /* small: row by row */
	assert_true(pl_bulk_wanted(db, (long long)64 << 20)); /* large, empty store */
	import_ok(db, "base.ndjson", -1);                     /* 400 visits */
	assert_false(pl_bulk_wanted(db, 50 * 1024));
	pl_import_bulk_mode = 1;
	assert_true(pl_bulk_wanted(db, 10));
	pl_import_bulk_mode = -1;
	assert_false(pl_bulk_wanted(db, (long long)1 << 40));
	pl_import_bulk_mode = 0;
	parley_close(db);
}

/* What a bulk import finds without noting its visits' lines (they are
 * known by rowid, import.c): the visits it links to ones the store holds
 * (by external id) and a visit added without a source come out as row by
 * row: the same findings, the same store. */
static void bulk_links_and_sources_as_row_by_row(void **s)
{
	(void)s;
	write_base("base5.ndjson");
	write_file("ids5.ndjson", "{\"concept\":\"external_id\",\"entity\":\"visit\",\"entity_id\":"
	                          "\"syn-v001\",\"scheme\":\"syn\",\"value\":\"one\"}\n");
	write_file("link5.ndjson",
	           "{\"concept\":\"visit\",\"id\":\"syn-w001\",\"from_country\":\"AAA\",\"to_country\":"
	           "\"BBB\",\"start_date\":\"2003\",\"level\":\"deputy\",\"type\":\"working\",\"status\":\"confirmed\"}\n"
	           "{\"concept\":\"external_id\",\"entity\":\"visit\",\"entity_id\":\"syn-w001\","
	           "\"scheme\":\"syn\",\"value\":\"one\"}\n"
	           "{\"concept\":\"visit_source\",\"visit\":\"syn-w001\",\"source\":\"syn-s2\"}\n"
	           "{\"concept\":\"visit\",\"id\":\"syn-w002\",\"from_country\":\"AAA\",\"to_country\":"
	           "\"BBB\",\"start_date\":\"2004\",\"level\":\"deputy\",\"type\":\"working\",\"status\":\"confirmed\"}\n"
	           "{\"concept\":\"visit_source\",\"visit\":\"syn-w002\",\"source\":\"syn-s2\"}\n");
	write_file("nosource5.ndjson",
	           "{\"concept\":\"visit\",\"id\":\"syn-w003\",\"from_country\":\"AAA\",\"to_country\":"
	           "\"BBB\",\"start_date\":\"2005\",\"level\":\"deputy\",\"type\":\"working\",\"status\":\"confirmed\"}\n"
	           "{\"concept\":\"visit\",\"id\":\"syn-w004\",\"from_country\":\"AAA\",\"to_country\":"
	           "\"BBB\",\"start_date\":\"2006\",\"level\":\"deputy\",\"type\":\"working\",\"status\":\"confirmed\"}\n"
	           "{\"concept\":\"visit_source\",\"visit\":\"syn-w003\",\"source\":\"syn-s2\"}\n");
	parley_db *row = fresh_store(), *bulk = fresh_store();
	import_ok(row, "base5.ndjson", -1);
	import_ok(bulk, "base5.ndjson", 1);
	import_ok(row, "ids5.ndjson", -1);
	import_ok(bulk, "ids5.ndjson", 1);
	int rr, rb;
	char *a = findings(row, "link5.ndjson", -1, &rr), *b = findings(bulk, "link5.ndjson", 1, &rb);
	if (rr || rb)
		fprintf(stderr, "%s\n%s\n", a, b);
	assert_int_equal(rr, PARLEY_OK);
	assert_int_equal(rb, PARLEY_OK);
	assert_string_equal(a, b);
	assert_non_null(strstr(a, "syn-w001 is the existing visit syn-v001"));
	free(a);
	free(b);
	assert_int_equal(parley_count(bulk, "visit", NULL), 401); /* syn-w002 only */
	for (size_t i = 0; i < PL_ARRAY_LEN(compared); i++)
		same(row, bulk, compared[i]);
	a = findings(row, "nosource5.ndjson", -1, &rr);
	b = findings(bulk, "nosource5.ndjson", 1, &rb);
	assert_int_equal(rr, PARLEY_EDATA);
	assert_int_equal(rb, PARLEY_EDATA);
	assert_string_equal(a, b);
	assert_non_null(strstr(a, "syn-w004"));
	assert_non_null(strstr(a, "no-source"));
	free(a);
	free(b);
	for (size_t i = 0; i < PL_ARRAY_LEN(compared); i++)
		same(row, bulk, compared[i]);
	integrity(row);
	integrity(bulk);
	parley_close(row);
	parley_close(bulk);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(bulk_equals_row_by_row),
	    cmocka_unit_test(bulk_failure_rolls_back_everything),
	    cmocka_unit_test(quick_ndjson_read_equals_jansson),
	    cmocka_unit_test(bulk_journal_and_other_connections),
	    cmocka_unit_test(bulk_is_chosen_for_large_inputs),
	    cmocka_unit_test(bulk_links_and_sources_as_row_by_row),
	};
	return RUN_IN_TMPDIR("bulk", tests);
}
