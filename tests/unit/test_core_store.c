/* test_core_store.c - the store end to end: import all-or-nothing, upserts
 * that change nothing on re-import, the audit log, export round trips and
 * the check rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "parley.h"

static char dir[64];
#include "test_tmpdir.h"

static const char *countries =
    "code,name,iso2,cow_code,cow_abb,fips,cameo,start_date,end_date,note\n"
    "CHN,China,CN,710,CHN,CH,CHN,,,\n"
    "PRK,North Korea,KP,731,PRK,KN,PRK,,,\n";
static const char *people =
    "id,name,native_name,country,birth_date,death_date,note\n"
    "kim-jong-un,Kim Jong-un,김정은,PRK,1984-01-08,,\n"
    "mao-zedong,Mao Zedong,毛泽东,CHN,1893-12-26,1976-09-09,\n";
static const char *visits =
    "id,visitor,visitor_label,visitor_office,visitor_title,level,from_country,to_country,start_date,end_date,type,summary,confidence,status,disputed,note\n"
    "v1,kim-jong-un,,,,paramount_leader,PRK,CHN,2018-03-25,2018-03-28,unofficial,\"talks, banquet\",high,confirmed,,\n"
    "v2,,unnamed,,,at_least_ministerial,CHN,PRK,1965-04,,unknown,,low,reported,,\n";
static const char *sources = "id,url,citation,title,publisher,published,accessed\n"
                             "s1,https://example.org/a,,\"A \"\"quoted\"\" title\",,2018-03-28,\n";
static const char *links = "visit,source,passage\nv1,s1,\"line one\nline two\"\nv2,s1,\n";

static int import(parley_db *db, const char *const *names, size_t n, parley_report *rep)
{
	const char *paths[16];
	char store[16][128];
	assert_true(n <= 16);
	for (size_t i = 0; i < n; i++) {
		snprintf(store[i], sizeof store[i], "%s", path_of(names[i]));
		paths[i] = store[i];
	}
	parley_err err;
	return parley_import(db, paths, n, NULL, rep, NULL, &err);
}

static int setup(void **state)
{
	(void)state;
	write_file("country.csv", countries);
	write_file("person.csv", people);
	write_file("visit.csv", visits);
	write_file("source.csv", sources);
	write_file("visit_source.csv", links);
	return 0;
}

static const char *all[] = {"visit_source.csv", "visit.csv", "source.csv", "person.csv",
                            "country.csv"};

static void imports_in_dependency_order_and_round_trips(void **state)
{
	(void)state;
	parley_db *db = fresh_store();
	parley_report *rep = parley_report_new();
	assert_int_equal(import(db, all, 5, rep), PARLEY_OK);
	assert_int_equal(parley_count(db, "visit", NULL), 2);
	assert_int_equal(parley_count(db, "visit_source", NULL), 2);
	/* JSON and NDJSON round trips are byte-identical */
	const char *formats[] = {"json", "ndjson"};
	for (int f = 0; f < 2; f++) {
		char *a = export_text(db, formats[f], NULL);
		write_file(f ? "dump.ndjson" : "dump.json", a);
		parley_db *db2 = fresh_store();
		const char *dump[] = {f ? "dump.ndjson" : "dump.json"};
		assert_int_equal(import(db2, dump, 1, NULL), PARLEY_OK);
		char *b = export_text(db2, formats[f], NULL);
		assert_string_equal(a, b);
		free(a);
		free(b);
		parley_close(db2);
	}
	parley_report_free(rep);
	parley_close(db);
}

static void reimport_changes_nothing_and_audit_records_changes(void **state)
{
	(void)state;
	parley_db *db = fresh_store();
	assert_int_equal(import(db, all, 5, NULL), PARLEY_OK);
	long audit = parley_count(db, "audit", NULL);
	assert_true(audit >= 9);
	parley_import_stats st;
	const char *p[] = {path_of("visit.csv")};
	assert_int_equal(parley_import(db, p, 1, NULL, NULL, &st, NULL), PARLEY_OK);
	assert_int_equal(st.unchanged, 2);
	assert_int_equal(st.inserted + st.updated, 0);
	assert_int_equal(parley_count(db, "audit", NULL), audit);
	/* a changed summary is an update, logged with before and after */
	write_file("visit2.csv",
	           "id,visitor,visitor_label,visitor_office,visitor_title,level,from_country,to_country,start_date,end_date,type,summary,confidence,status,disputed,note\n"
	           "v1,kim-jong-un,,,,paramount_leader,PRK,CHN,2018-03-25,2018-03-28,unofficial,new summary,high,confirmed,,\n");
	parley_set_actor(db, "tester", NULL);
	parley_set_reason(db, "correcting the summary", NULL);
	const char *p2[] = {path_of("visit2.csv")};
	assert_int_equal(parley_import(db, p2, 1, NULL, NULL, &st, NULL), PARLEY_OK);
	assert_int_equal(st.updated, 1);
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	assert_int_equal(parley_audit_json(db, "visit", "v1", 1, m, NULL), PARLEY_OK);
	fclose(m);
	assert_non_null(strstr(buf, "\"action\":\"update\""));
	assert_non_null(strstr(buf, "\"actor\":\"tester\""));
	assert_non_null(strstr(buf, "talks, banquet"));
	assert_non_null(strstr(buf, "new summary"));
	assert_non_null(strstr(buf, "correcting the summary"));
	free(buf);
	parley_close(db);
}

static void any_bad_line_leaves_the_store_unchanged(void **state)
{
	(void)state;
	parley_db *db = fresh_store();
	assert_int_equal(import(db, all, 5, NULL), PARLEY_OK);
	char *before = export_text(db, "json", NULL);
	long audit = parley_count(db, "audit", NULL);
	struct {
		const char *text, *code;
		long line;
	} bad[] = {
	    {"id,name,native_name,country,birth_date,death_date,note\nok-one,OK,,,,,\nx,Bad,,,2019-02-29,,\n", "bad-date", 3},
	    {"id,name,native_name,country,birth_date,death_date,note\nnew,New,,ZZZ,,,\n", "unknown-reference", 2},
	    {"id,name,native_name,country,birth_date,death_date,note\nnew,\"unclosed\n", "bad-csv", 0},
	    {"id,name,native_name,country,birth_date,death_date,note\nnew,Ne\xff,,,,,\n", "bad-utf8", 2},
	    {"id,name,native_name,country,birth_date,death_date,note\nnew,New,,,,\n", "field-count", 2},
	    {"id,visitor,visitor_label,visitor_office,visitor_title,level,from_country,to_country,start_date,end_date,type,summary,confidence,status,disputed,note\n"
	     "v9,,,,,ministerial,CHN,PRK,2018-03-28,2018-03-01,unknown,,,confirmed,,\n", "end-before-start", 2},
	    {"id,visitor,visitor_label,visitor_office,visitor_title,level,from_country,to_country,start_date,end_date,type,summary,confidence,status,disputed,note\n"
	     "v9,,,,,emperor,CHN,PRK,2018-03-28,,unknown,,,confirmed,,\n", "bad-level", 2},
	    {"{\"format\":\"parley\",\"version\":1,\"people\":[{\"id\":\"p\",\"name\":\"P\",\"shoe\":\"x\"}]}", "unknown-field", 0},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		write_file("bad.dat", bad[i].text);
		const char *names[] = {"country.csv", "bad.dat"};
		parley_report *rep = parley_report_new();
		assert_int_equal(import(db, names, 2, rep), PARLEY_EDATA);
		int found = 0;
		for (size_t k = 0; k < parley_report_count(rep); k++) {
			const parley_finding *f = parley_report_get(rep, k);
			if (f->severity == PARLEY_ERROR && f->code && strcmp(f->code, bad[i].code) == 0) {
				found = 1;
				assert_non_null(strstr(f->file, "bad.dat"));
				if (bad[i].line)
					assert_int_equal(f->line, bad[i].line);
			}
		}
		if (!found)
			fail_msg("case %zu: no %s error", i, bad[i].code);
		parley_report_free(rep);
		char *after = export_text(db, "json", NULL);
		assert_string_equal(before, after);
		free(after);
		assert_int_equal(parley_count(db, "audit", NULL), audit);
	}
	free(before);
	parley_close(db);
}

static int has_finding(parley_report *rep, const char *code, const char *record)
{
	for (size_t k = 0; k < parley_report_count(rep); k++) {
		const parley_finding *f = parley_report_get(rep, k);
		if (f->code && strcmp(f->code, code) == 0 && f->record && strstr(f->record, record))
			return 1;
	}
	return 0;
}

static void check_finds_each_rule(void **state)
{
	(void)state;
	parley_db *db = fresh_store();
	write_file("office.csv", "id,country,name,rank\nprk-leader,PRK,Supreme leader,paramount_leader\n");
	write_file("tenure.csv", "id,person,office,start_date,end_date,start_rule,confidence,note\n"
	                         "t1,kim-jong-un,prk-leader,2011-12-17,,,,\n");
	write_file("visit3.csv",
	           "id,visitor,visitor_label,visitor_office,visitor_title,level,from_country,to_country,start_date,end_date,type,summary,confidence,status,disputed,note\n"
	           "dup,kim-jong-un,,,,paramount_leader,PRK,CHN,2018-03-27,,unofficial,,high,confirmed,,\n"
	           "early,kim-jong-un,,prk-leader,,paramount_leader,PRK,CHN,2010-05,,unofficial,,high,confirmed,,\n"
	           "unborn,kim-jong-un,,,,ministerial,PRK,CHN,1980,,unknown,,high,confirmed,,\n"
	           "dead,mao-zedong,,,,paramount_leader,CHN,PRK,1977-01-02,,unknown,,high,confirmed,,\n"
	           "self,,someone,,,ministerial,CHN,CHN,1990,,unknown,,high,confirmed,,\n");
	/* import refuses an unsourced visit: 'self' loses its source afterwards */
	write_file("visit_source3.csv", "visit,source,passage\ndup,s1,\nearly,s1,\nunborn,s1,\n"
	                                "dead,s1,\nself,s1,\n");
	const char *names[] = {"country.csv", "person.csv", "office.csv", "tenure.csv",
	                       "visit.csv", "visit3.csv", "source.csv", "visit_source.csv",
	                       "visit_source3.csv"};
	assert_int_equal(import(db, names, 9, NULL), PARLEY_OK);
	assert_int_equal(parley_delete(db, "visit_source", "self|s1", "test: unsourced", NULL),
	                 PARLEY_OK);
	parley_report *rep = parley_report_new();
	assert_int_equal(parley_check(db, rep, NULL), PARLEY_OK);
	assert_true(has_finding(rep, "likely-duplicate", "visit:dup"));
	assert_true(has_finding(rep, "not-in-office", "visit:early"));
	assert_true(has_finding(rep, "visitor-not-born", "visit:unborn"));
	assert_true(has_finding(rep, "visitor-dead", "visit:dead"));
	assert_true(has_finding(rep, "same-country", "visit:self"));
	assert_true(has_finding(rep, "no-source", "visit:self"));
	assert_false(has_finding(rep, "no-source", "visit:v1"));
	assert_false(has_finding(rep, "not-in-office", "visit:v1"));
	parley_report_free(rep);
	parley_close(db);
}

/* Likely duplicates come in the order of visitor, host, start and id as
 * texts (check.c sorts by their ranks), whatever order the rows were read
 * in (by id: here the later visitor, mao-zedong, and host, RUS, first). */
static void check_lists_likely_duplicates_in_order(void **state)
{
	(void)state;
	parley_db *db = fresh_store();
	write_file("country2.csv", "code,name,iso2,cow_code,cow_abb,fips,cameo,start_date,end_date,note\n"
	                           "RUS,Russia,RU,365,RUS,RS,RUS,,,\n");
	write_file("visit4.csv",
	           "id,visitor,visitor_label,visitor_office,visitor_title,level,from_country,to_country,start_date,end_date,type,summary,confidence,status,disputed,note\n"
	           "a2,mao-zedong,,,,paramount_leader,CHN,PRK,1970-10-01,1970-10-05,unknown,,high,confirmed,,\n"
	           "a1,mao-zedong,,,,paramount_leader,CHN,PRK,1970-10-03,,unknown,,high,confirmed,,\n"
	           "b4,kim-jong-un,,,,paramount_leader,PRK,RUS,2019-04-25,,unknown,,high,confirmed,,\n"
	           "b3,kim-jong-un,,,,paramount_leader,PRK,RUS,2019-04-24,2019-04-26,unknown,,high,confirmed,,\n"
	           "k2,kim-jong-un,,,,paramount_leader,PRK,CHN,2018-03-26,,unknown,,high,confirmed,,\n");
	write_file("visit_source4.csv", "visit,source,passage\na2,s1,\na1,s1,\nb4,s1,\nb3,s1,\nk2,s1,\n");
	const char *names[] = {"country.csv", "country2.csv", "person.csv", "visit.csv",
	                       "visit4.csv", "source.csv", "visit_source.csv", "visit_source4.csv"};
	assert_int_equal(import(db, names, 8, NULL), PARLEY_OK);
	parley_report *rep = parley_report_new();
	assert_int_equal(parley_check(db, rep, NULL), PARLEY_OK);
	static const char *const want[][2] = {
	    {"visit:k2", "same visitor (kim-jong-un) and host (CHN) on overlapping dates as visit v1"},
	    {"visit:b4", "same visitor (kim-jong-un) and host (RUS) on overlapping dates as visit b3"},
	    {"visit:a1", "same visitor (mao-zedong) and host (PRK) on overlapping dates as visit a2"},
	};
	size_t n = 0;
	for (size_t k = 0; k < parley_report_count(rep); k++) {
		const parley_finding *f = parley_report_get(rep, k);
		if (!f->code || strcmp(f->code, "likely-duplicate") != 0)
			continue;
		assert_true(n < sizeof want / sizeof want[0]);
		assert_string_equal(f->record, want[n][0]);
		assert_string_equal(f->message, want[n][1]);
		n++;
	}
	assert_int_equal(n, sizeof want / sizeof want[0]);
	parley_report_free(rep);
	parley_close(db);
}

/* Sources become citations (issue 9): a source without a title or a date is
 * listed by check as a warning; the quality flag takes only its listed
 * values; a file in the older seven-column layout still imports. */
static void check_lists_sources_lacking_title_or_date(void **state)
{
	(void)state;
	parley_db *db = fresh_store();
	write_file("source2.csv", "id,url,citation,title,publisher,published,accessed,archive_url,quality\n"
	                          "s2,https://example.org/b,,,Publisher,,,,mirror\n"
	                          "s3,https://example.org/c,,Title C,,2019-01-02,,https://web.archive.org/x,original\n"
	                          "s4,,A book,Title D,,,,,\n");
	const char *names[] = {"country.csv", "person.csv", "visit.csv", "source.csv", "source2.csv",
	                       "visit_source.csv"};
	assert_int_equal(import(db, names, 6, NULL), PARLEY_OK);
	parley_report *rep = parley_report_new();
	assert_int_equal(parley_check(db, rep, NULL), PARLEY_OK);
	assert_true(has_finding(rep, "source-incomplete", "source:s2"));
	assert_true(has_finding(rep, "source-incomplete", "source:s4"));
	assert_false(has_finding(rep, "source-incomplete", "source:s1"));
	assert_false(has_finding(rep, "source-incomplete", "source:s3"));
	assert_int_equal(parley_report_count_severity(rep, PARLEY_ERROR), 0);
	parley_report_free(rep);
	/* a quality outside the list is refused and the store is unchanged */
	write_file("source3.csv", "id,url,citation,title,publisher,published,accessed,archive_url,quality\n"
	                          "s5,https://example.org/d,,T,,2020,,,weak\n");
	const char *bad[] = {"source3.csv"};
	parley_report *rep2 = parley_report_new();
	assert_int_not_equal(import(db, bad, 1, rep2), PARLEY_OK);
	assert_int_equal(parley_count(db, "source", NULL), 4);
	parley_report_free(rep2);
	parley_close(db);
}

static void find_people_by_any_alias(void **state)
{
	(void)state;
	parley_db *db = fresh_store();
	assert_int_equal(import(db, all, 5, NULL), PARLEY_OK);
	const char *queries[] = {"KIM JONG UN", "kim jŏng-ŭn", "김정은", "jong-un"};
	for (size_t i = 0; i < 4; i++) {
		char *buf = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&buf, &len);
		assert_int_equal(parley_find_people_json(db, queries[i], m, NULL), PARLEY_OK);
		fclose(m);
		assert_non_null(strstr(buf, "\"id\":\"kim-jong-un\""));
		assert_null(strstr(buf, "mao-zedong"));
		free(buf);
	}
	parley_close(db);
}

static void refuses_a_file_that_is_not_a_store(void **state)
{
	(void)state;
	write_file("junk.db", "this is not sqlite, just text that goes on for a while....");
	parley_db *db = NULL;
	parley_err err;
	assert_int_not_equal(parley_open(path_of("junk.db"), 0, &db, &err), PARLEY_OK);
	assert_null(db);
	assert_int_equal(parley_open(path_of("missing.db"), 0, &db, &err), PARLEY_ENOTFOUND);
}

/* A write killed mid-transaction with a rollback journal (a bulk import
 * writes with one) leaves the journal hot: a reader's open rolls it back
 * (only a writer may) and reads the store as it was, where it used to fail
 * with "attempt to write a readonly database" (tests/cli records-sigkill). */
static void a_reader_rolls_back_an_interrupted_write(void **state)
{
	(void)state;
	const char *path = path_of("killed.db");
	parley_db *db = NULL;
	parley_err err;
	assert_int_equal(parley_open(path, PARLEY_OPEN_CREATE, &db, &err), PARLEY_OK);
	parley_close(db);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) { /* the writer, killed (it never commits nor rolls back) */
		parley_db *w = NULL;
		if (parley_open(path, 0, &w, &err) != PARLEY_OK)
			_exit(2);
		sqlite3 *s = parley_sqlite(w);
		int rc = sqlite3_exec(s, "PRAGMA journal_mode = DELETE; PRAGMA cache_size = 8; BEGIN;"
		                         " CREATE TABLE killed_write(x);"
		                         " WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
		                         " WHERE i < 20000) INSERT INTO killed_write SELECT randomblob(200)"
		                         " FROM n;", NULL, NULL, NULL);
		_exit(rc == SQLITE_OK ? 0 : 3);
	}
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	char journal[200];
	snprintf(journal, sizeof journal, "%s-journal", path);
	struct stat sb;
	assert_int_equal(stat(journal, &sb), 0); /* hot: the write spilled into the file */
	assert_true(sb.st_size > 0);
	assert_int_equal(parley_open(path, PARLEY_OPEN_READONLY, &db, &err), PARLEY_OK);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(parley_sqlite(db),
	                                    "SELECT count(*) FROM sqlite_schema WHERE name = 'killed_write'",
	                                    -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 0);
	sqlite3_finalize(st);
	parley_close(db);
	assert_int_not_equal(stat(journal, &sb), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(imports_in_dependency_order_and_round_trips),
	    cmocka_unit_test(reimport_changes_nothing_and_audit_records_changes),
	    cmocka_unit_test(any_bad_line_leaves_the_store_unchanged),
	    cmocka_unit_test(check_finds_each_rule),
	    cmocka_unit_test(check_lists_likely_duplicates_in_order),
	    cmocka_unit_test(check_lists_sources_lacking_title_or_date),
	    cmocka_unit_test(find_people_by_any_alias),
	    cmocka_unit_test(refuses_a_file_that_is_not_a_store),
	    cmocka_unit_test(a_reader_rolls_back_an_interrupted_write),
	};
	return RUN_IN_TMPDIR_AFTER("store", tests, setup);
}
