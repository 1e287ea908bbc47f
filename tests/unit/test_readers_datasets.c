/*
 * test_readers_datasets.c - the dataset readers on the real files in
 * <repo>/../shared/ (as the data READMEs count them), on unmappable values
 * and on malformed input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "../../src/readers/readers.h"

static char shared[1024];
static char dbpath[256];

static const char *sh(const char *rel, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s/%s", shared, rel);
	return buf;
}

static int setup(void **state)
{
	parley_db *db = NULL;
	const char *env = getenv("PARLEY_SHARED");
	snprintf(shared, sizeof shared, "%s", env ? env : PARLEY_TEST_SOURCE_DIR "/tests/real");
	snprintf(dbpath, sizeof dbpath, "/tmp/test_readers_%ld.db", (long)getpid());
	unlink(dbpath);
	if (parley_open(dbpath, PARLEY_OPEN_CREATE, &db, NULL) != PARLEY_OK)
		return -1;
	const char *world = PARLEY_TEST_SOURCE_DIR "/data/world/country.csv";
	if (parley_import(db, &world, 1, NULL, NULL, NULL, NULL) != PARLEY_OK)
		return -1;
	*state = db;
	return 0;
}

static int teardown(void **state)
{
	parley_close(*state);
	unlink(dbpath);
	char wal[300];
	snprintf(wal, sizeof wal, "%s-wal", dbpath);
	unlink(wal);
	snprintf(wal, sizeof wal, "%s-shm", dbpath);
	unlink(wal);
	return 0;
}

static long count_sql(parley_db *db, const char *sql)
{
	sqlite3_stmt *st;
	long n = -1;
	if (sqlite3_prepare_v2(parley_sqlite(db), sql, -1, &st, NULL) != SQLITE_OK)
		return -2;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* The first finding with this code, or NULL. */
static const parley_finding *finding(parley_report *r, const char *code, long line)
{
	for (size_t i = 0; i < parley_report_count(r); i++) {
		const parley_finding *f = parley_report_get(r, i);
		if (f->code && strcmp(f->code, code) == 0 && (line == 0 || f->line == line))
			return f;
	}
	return NULL;
}

/* Imports every *.xml of a folder in one go. */
static int import_dir(parley_db *db, const char *dir, parley_report *rep,
                      parley_import_stats *st)
{
	char *paths[128];
	size_t n = 0;
	DIR *d = opendir(dir);
	if (!d)
		return -100;
	struct dirent *e;
	while ((e = readdir(d)) && n < 128) {
		size_t l = strlen(e->d_name);
		if (l > 4 && strcmp(e->d_name + l - 4, ".xml") == 0) {
			size_t cap = strlen(dir) + l + 2;
			paths[n] = malloc(cap);
			if (!paths[n])
				break;
			snprintf(paths[n], cap, "%s/%s", dir, e->d_name);
			n++;
		}
	}
	closedir(d);
	int rc = parley_import(db, (const char *const *)paths, n, NULL, rep, st, NULL);
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	return rc;
}

static void test_historian(void **state)
{
	parley_db *db = *state;
	char p[1200];
	parley_report *rep = parley_report_new();
	parley_import_stats st = {0};
	const char *pres = sh("data/historyatstate/travels/presidents/presidents.xml", p, sizeof p);
	assert_int_equal(parley_import(db, &pres, 1, NULL, rep, NULL, NULL), PARLEY_OK);
	assert_int_equal(count_sql(db, "SELECT count(*) FROM tenure WHERE office='usa-president'"), 47);
	assert_int_equal(import_dir(db, sh("data/historyatstate/travels/president-travels", p, sizeof p), rep, &st), PARLEY_OK);
	assert_int_equal(count_sql(db, "SELECT count(*) FROM visit WHERE id LIKE 'hos-trip-%' AND level='head_of_state'"), 832);
	assert_int_equal(import_dir(db, sh("data/historyatstate/travels/secretary-travels", p, sizeof p), rep, &st), PARLEY_OK);
	assert_int_equal(count_sql(db, "SELECT count(*) FROM visit WHERE id LIKE 'hos-trip-%' AND level='ministerial'"), 3439);
	assert_int_equal(import_dir(db, sh("data/historyatstate/visits/data", p, sizeof p), rep, &st), PARLEY_OK);
	assert_int_equal(count_sql(db, "SELECT count(*) FROM visit WHERE id LIKE 'hos-visit-%'"), 3264);
	/* the slug's meaning by label and date */
	assert_int_equal(count_sql(db, "SELECT count(*) FROM visit WHERE id LIKE 'hos-%' AND (from_country='SUN' OR to_country='SUN')"), 49);
	assert_int_equal(count_sql(db, "SELECT count(*) FROM visit WHERE id LIKE 'hos-trip-%' AND to_country='PRK'"), 4);
	assert_string_equal("CHN", pl_hos_country("china", "China, Republic of", "1945-04-26"));
	assert_string_equal("TWN", pl_hos_country("china", "China, Republic of", "1950-01-01"));
	/* Obama's trips cite his page and keep the trip id */
	assert_int_equal(count_sql(db, "SELECT count(*) FROM visit_source vs JOIN source s ON s.id=vs.source"
	                               " WHERE vs.visit='hos-trip-2960' AND s.url="
	                               "'https://history.state.gov/departmenthistory/travels/president/obama-barack'"), 1);
	assert_int_equal(count_sql(db, "SELECT count(*) FROM external_id WHERE scheme='hos-trip' AND value='2960'"), 1);
	/* re-import changes nothing */
	parley_import_stats again = {0};
	assert_int_equal(import_dir(db, sh("data/historyatstate/visits/data", p, sizeof p), NULL, &again), PARLEY_OK);
	assert_int_equal(again.inserted, 0);
	assert_int_equal(again.updated, 0);
	parley_report_free(rep);
}

static void test_archigos_and_cow(void **state)
{
	parley_db *db = *state;
	char p[1200];
	parley_report *rep = parley_report_new();
	const char *f = sh("data/cow/COW-country-codes.csv", p, sizeof p);
	assert_int_equal(parley_import(db, &f, 1, NULL, rep, NULL, NULL), PARLEY_OK);
	assert_non_null(finding(rep, "imported", 0));
	assert_non_null(strstr(finding(rep, "imported", 0)->message, "read 243 records"));
	assert_int_equal(count_sql(db, "SELECT cow_code FROM country WHERE code='GBR'"), 200);
	f = sh("data/archigos/archigos_4.1_spells.csv", p, sizeof p);
	assert_int_equal(parley_import(db, &f, 1, NULL, rep, NULL, NULL), PARLEY_OK);
	assert_int_equal(count_sql(db, "SELECT count(*) FROM tenure WHERE office LIKE '%-archigos-leader'"), 3409);
	assert_int_equal(count_sql(db, "SELECT count(*) FROM external_id WHERE scheme='archigos-leadid'"), 2802);
	assert_non_null(finding(rep, "bad-date", 1418)); /* borndate '1960-04-1970' */
	assert_int_equal(count_sql(db, "SELECT count(*) FROM tenure WHERE office='prk-archigos-leader'"), 3);
	/* the annual file, Latin-1, gives the very same records */
	parley_import_stats st = {0};
	f = sh("data/archigos/arch_annual.txt", p, sizeof p);
	assert_int_equal(parley_import(db, &f, 1, NULL, NULL, &st, NULL), PARLEY_OK);
	assert_int_equal(st.inserted, 0);
	assert_int_equal(st.updated, 0);
	assert_int_equal(count_sql(db, "SELECT count(*) FROM person WHERE name='Hernández'"), 1);
	parley_report_free(rep);
}

static void test_reference_files(void **state)
{
	parley_db *db = *state;
	char p[1200];
	parley_report *rep = parley_report_new();
	const char *f = sh("reference/beyond-parallel-2016.csv", p, sizeof p);
	assert_int_equal(parley_import(db, &f, 1, NULL, rep, NULL, NULL), PARLEY_OK);
	assert_int_equal(count_sql(db, "SELECT count(*) FROM visit WHERE id LIKE 'bp2016-%' AND level='at_least_ministerial' AND visitor IS NULL"), 161);
	const parley_finding *w = finding(rep, "impossible-date", 14);
	assert_non_null(w);
	assert_int_equal(w->severity, PARLEY_WARNING);
	assert_int_equal(count_sql(db, "SELECT count(*) FROM visit WHERE id='bp2016-013' AND start_date='1969-09-30' AND end_date IS NULL"), 1);
	assert_non_null(finding(rep, "end-before-start", 148));
	assert_int_equal(count_sql(db, "SELECT count(*) FROM visit WHERE id='bp2016-001' AND from_country='PRK' AND to_country='CHN'"), 1);
	f = sh("reference/china-dprk-officeholders.csv", p, sizeof p);
	assert_int_equal(parley_import(db, &f, 1, NULL, rep, NULL, NULL), PARLEY_OK);
	assert_int_equal(count_sql(db, "SELECT count(*) FROM tenure WHERE office LIKE 'chn-%' OR office LIKE 'prk-%' AND office NOT LIKE '%archigos%'"), 137);
	assert_int_equal(count_sql(db, "SELECT count(*) FROM person WHERE name='Kim Yong-il'"), 2);
	f = sh("reference/china-dprk-visits.csv", p, sizeof p);
	/* The reference rows carry the Beyond Parallel ids of the visits imported
	 * above; added side by side here (no linking) so every row is counted. */
	parley_import_options none = {NULL, PARLEY_LINK_NONE, 0, NULL, 0, 0};
	assert_int_equal(parley_import_with(db, &f, 1, &none, rep, NULL, NULL), PARLEY_OK);
	assert_int_equal(count_sql(db, "SELECT count(*) FROM visit WHERE id NOT LIKE 'bp2016-%' AND id NOT LIKE 'hos-%'"), 182);
	assert_int_equal(count_sql(db, "SELECT count(*) FROM visit WHERE id LIKE '1953-11-10-prk-chn-%' AND level='paramount_leader'"), 1);
	assert_int_equal(count_sql(db, "SELECT count(*) FROM visit WHERE visitor IS NULL AND level='at_least_ministerial' AND id NOT LIKE 'bp2016-%'"), 78);
	parley_report_free(rep);
}

static int write_tmp(const char *name, const char *text, char *path, size_t cap)
{
	snprintf(path, cap, "/tmp/test_readers_%ld_%s", (long)getpid(), name);
	FILE *fp = fopen(path, "w");
	if (!fp)
		return -1;
	fputs(text, fp);
	fclose(fp);
	return 0;
}

static void test_unmapped_and_malformed(void **state)
{
	parley_db *db = *state;
	char path[300];
	const char *f = path;
	long before = parley_count(db, "visit", NULL);

	/* an unknown country slug: reported, counted, not dropped silently */
	parley_report *rep = parley_report_new();
	parley_import_stats st = {0};
	assert_int_equal(write_tmp("v.xml", "<?xml version=\"1.0\"?>\n<visits>\n <visit>\n  <id>1</id>\n"
	                 "  <start-date>1990-01-02</start-date><end-date>1990-01-03</end-date>\n"
	                 "  <visitor>King Arthur</visitor>\n  <from id=\"atlantis\">Atlantis</from>\n"
	                 " </visit>\n</visits>\n", path, sizeof path), 0);
	assert_int_equal(parley_import(db, &f, 1, NULL, rep, &st, NULL), PARLEY_OK);
	assert_int_equal(st.unmapped, 1);
	const parley_finding *u = finding(rep, "unmapped", 3);
	assert_non_null(u);
	assert_non_null(strstr(u->message, "atlantis"));
	parley_report_free(rep);
	unlink(path);

	/* truncated XML: an error naming the line; the store is unchanged */
	rep = parley_report_new();
	assert_int_equal(write_tmp("t.xml", "<?xml version=\"1.0\"?>\n<trips>\n <trip role=\"president\" who=\"x\">\n"
	                 "  <id>9</id>\n  <name>X", path, sizeof path), 0);
	assert_int_equal(parley_import(db, &f, 1, NULL, rep, NULL, NULL), PARLEY_EDATA);
	const parley_finding *e = finding(rep, "bad-xml", 0);
	assert_non_null(e);
	assert_int_equal(e->severity, PARLEY_ERROR);
	assert_true(e->line >= 5);
	assert_int_equal(parley_count(db, "visit", NULL), before);
	parley_report_free(rep);
	unlink(path);

	/* a start date that cannot be read: an error naming line 3 */
	rep = parley_report_new();
	assert_int_equal(write_tmp("bp.csv", "leader,id,date,total_amount,group,Grant start date,start_month,type,location\n"
	                 "A/B,1,1/2/1999 - 1/3/1999,1,a,1/1/10,1,Summit,China\n"
	                 "A/B,2,13/45/1999 - 1/3/1999,1,a,1/1/10,1,Summit,China\n", path, sizeof path), 0);
	assert_int_equal(parley_import(db, &f, 1, NULL, rep, NULL, NULL), PARLEY_EDATA);
	e = finding(rep, "bad-date", 3);
	assert_non_null(e);
	assert_int_equal(e->severity, PARLEY_ERROR);
	assert_int_equal(parley_count(db, "visit", NULL), before);
	parley_report_free(rep);
	unlink(path);
}

/* Truncation cuts only a UTF-8 sequence that lost bytes; a text that fits
 * exactly is kept whole (it used to lose its last character). */
static void test_norm_space_truncation(void **state)
{
	(void)state;
	char out[4];
	assert_string_equal(rd_norm_space("a\xC3\xA9", out, sizeof out), "a\xC3\xA9");
	assert_string_equal(rd_norm_space("a\xC3\xA9" "b", out, sizeof out), "a\xC3\xA9");
	assert_string_equal(rd_norm_space("ab\xC3\xA9", out, sizeof out), "ab");
	assert_string_equal(rd_norm_space("  a \xC2\xA0 b ", out, sizeof out), "a b");
	assert_string_equal(rd_norm_space("ab cd", out, sizeof out), "ab");
}

/* 'People's Republic of China' contains 'Republic of China' and is the PRC. */
static void test_hos_prc_label(void **state)
{
	(void)state;
	assert_string_equal("CHN", pl_hos_country("china", "People's Republic of China", "1990-01-01"));
	assert_string_equal("CHN", pl_hos_country("china", "China, People\u2019s Republic of", "1990-01-01"));
	assert_string_equal("TWN", pl_hos_country("china", "Republic of China", "1990-01-01"));
}

/* A membership year with trailing text is a bad date, not year 1816. */
static void test_cow_bad_year(void **state)
{
	parley_db *db = *state;
	char path[300];
	const char *f = path;
	parley_report *rep = parley_report_new();
	assert_int_equal(write_tmp("s.csv", "stateabb,ccode,statenme,styear,stmonth,stday,endyear,endmonth,endday,version\n"
	                 "USA,2,United States of America,1816x,1,1,2016,12,31,2016\n"
	                 "CAN,20,Canada,1920,1,99999999999999999999,2016,12,31,2016\n", path, sizeof path), 0);
	assert_int_equal(parley_import(db, &f, 1, NULL, rep, NULL, NULL), PARLEY_EDATA);
	const parley_finding *e = finding(rep, "bad-date", 2);
	assert_non_null(e);
	assert_non_null(strstr(e->message, "1816x"));
	assert_non_null(finding(rep, "bad-date", 3));
	parley_report_free(rep);
	unlink(path);
}

/* Line numbers past 65535 are right (libxml2 caps them without
 * XML_PARSE_BIG_LINES). */
static void test_hos_big_line_numbers(void **state)
{
	parley_db *db = *state;
	char path[300];
	const char *f = path;
	size_t blank = 70000, cap = blank + 1024;
	char *text = malloc(cap);
	assert_non_null(text);
	size_t n = (size_t)snprintf(text, cap, "<?xml version=\"1.0\"?>\n<visits>\n");
	memset(text + n, '\n', blank);
	n += blank;
	snprintf(text + n, cap - n, " <visit>\n  <id>7</id>\n  <start-date>1990-13-40</start-date>\n"
	         "  <visitor>King Arthur</visitor>\n  <from id=\"france\">France</from>\n </visit>\n</visits>\n");
	assert_int_equal(write_tmp("big.xml", text, path, sizeof path), 0);
	free(text);
	parley_report *rep = parley_report_new();
	assert_int_equal(parley_import(db, &f, 1, NULL, rep, NULL, NULL), PARLEY_EDATA);
	const parley_finding *e = finding(rep, "bad-date", 0);
	assert_non_null(e);
	/* the <visit> is on line 70003; libxml2 2.9 places an element past
	 * 65535 by its first child, one line on: never the capped 65535 */
	assert_in_range(e->line, 2 + 70000 + 1, 2 + 70000 + 2);
	parley_report_free(rep);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_historian, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_archigos_and_cow, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reference_files, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unmapped_and_malformed, setup, teardown),
	    cmocka_unit_test(test_norm_space_truncation),
	    cmocka_unit_test(test_hos_prc_label),
	    cmocka_unit_test_setup_teardown(test_cow_bad_year, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hos_big_line_numbers, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
