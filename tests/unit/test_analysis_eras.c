/*
 * test_analysis_eras.c - eras on the hand-made fixture: counts by era and
 * direction, top-leader trips (by tenure and by level), unidentified
 * visitors, partial dates at an era boundary, open eras and --as-of; then
 * the same through a real store with parley_eras_compute.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_analysis_fixture.h"

#include <sqlite3.h>
#include <unistd.h>

static void test_pair_eras_csv(void **state)
{
	(void)state;
	an_opts o = opts("2015-12-31");
	parley_eras *e = NULL;
	assert_int_equal(an_eras(fixture(), &o, PARLEY_ERAS_PAIR, &e, NULL), 0);
	assert_int_equal(e->n, 3);
	capture c;
	assert_int_equal(parley_eras_write(e, "csv", 0, cap_open(&c), NULL), 0);
	char *s = cap_close(&c);
	assert_string_equal(s,
	                    "era,start,end,years,visits,per_year,a_to_b,b_to_a,top_a_to_b,"
	                    "top_b_to_a,unidentified,data_through\n"
	                    "Ann / Cid,2000-01-01,2005-07-01,5.50,3,0.55,1,2,1,1,1,\n"
	                    "Ann / Dee,2005-07-01,2010-01-01,4.50,2,0.44,2,0,0,0,1,\n"
	                    "Bob / Dee,2010-01-01,2015-12-31,6.00,2,0.33,1,1,1,1,0,\n");
	free(s);
	/* v11 (1999) is before the first pair era, so not in the total */
	assert_int_equal(e->total.n, 7);
	assert_int_equal(e->outside.n, 0);
	assert_false(has_id(e->total, "v11"));
	parley_eras_free(e);
}

static void test_boundary_and_top(void **state)
{
	(void)state;
	an_opts o = opts("2015-12-31");
	parley_eras *e = NULL;
	assert_int_equal(an_eras(fixture(), &o, PARLEY_ERAS_PAIR, &e, NULL), 0);
	/* '2005-07' starts on 2005-07-01, Dee's first day: the later era */
	assert_true(has_id(e->eras[1].visits, "v03"));
	assert_false(has_id(e->eras[0].visits, "v03"));
	/* v04 on 2005-06-30 is the last day of Cid's era */
	assert_true(has_id(e->eras[0].b_to_a, "v04"));
	/* Cid held BBB's top office on 2005-06-30: top by tenure though level other_senior */
	assert_true(has_id(e->eras[0].top_b_to_a, "v04"));
	/* Bob at ministerial level is still AAA's paramount leader: top */
	assert_true(has_id(e->eras[2].top_a_to_b, "v09"));
	/* the label 'unidentified (...)' names nobody; a visit with no visitor neither */
	assert_true(has_id(e->eras[1].unidentified, "v05"));
	assert_true(has_id(e->eras[0].unidentified, "v02"));
	/* filtered: vice-ministerial v07, candidate v08, other pair v10 */
	for (size_t i = 0; i < e->n; i++) {
		assert_false(has_id(e->eras[i].visits, "v07"));
		assert_false(has_id(e->eras[i].visits, "v08"));
		assert_false(has_id(e->eras[i].visits, "v10"));
	}
	/* levels */
	assert_int_equal(e->eras[0].by_level[an_level_index("paramount_leader")].n, 1);
	assert_int_equal(e->eras[0].by_level[an_level_index("other_senior")].n, 1);
	assert_int_equal(e->eras[1].by_level[an_level_index("at_least_ministerial")].n, 1);
	assert_true(e->eras[2].open);
	assert_false(e->eras[1].open);
	parley_eras_free(e);
}

static void test_as_of_cuts_open_era(void **state)
{
	(void)state;
	an_opts o = opts("2005-06-30");
	parley_eras *e = NULL;
	assert_int_equal(an_eras(fixture(), &o, PARLEY_ERAS_PAIR, &e, NULL), 0);
	assert_int_equal(e->n, 1);
	assert_string_equal(e->eras[0].name, "Ann / Cid");
	assert_string_equal(e->eras[0].end, "2005-06-30");
	assert_true(e->eras[0].open);
	/* v04 on the as-of day counts; v03 ('2005-07') cannot have started by then */
	assert_int_equal(e->eras[0].visits.n, 3);
	assert_true(has_id(e->eras[0].visits, "v04"));
	assert_int_equal(e->total.n, 3);
	parley_eras_free(e);
	/* status reported excluded */
	parley_analysis_opts po = {.a = "AAA", .b = "BBB", .as_of = "2005-06-30",
	                           .status = "confirmed"};
	an_opts o2;
	assert_int_equal(an_opts_parse(&po, true, &o2, NULL), 0);
	assert_int_equal(an_eras(fixture(), &o2, PARLEY_ERAS_PAIR, &e, NULL), 0);
	assert_int_equal(e->eras[0].visits.n, 2);
	parley_eras_free(e);
}

static void test_by_country(void **state)
{
	(void)state;
	an_opts o = opts("2015-12-31");
	parley_eras *e = NULL;
	assert_int_equal(an_eras(fixture(), &o, PARLEY_ERAS_B, &e, NULL), 0);
	assert_int_equal(e->n, 2);
	assert_string_equal(e->eras[0].name, "Cid");
	assert_string_equal(e->eras[0].start, "1995-01-01");
	/* v11 of 1999 falls in Cid's era */
	assert_int_equal(e->eras[0].visits.n, 4);
	assert_int_equal(e->eras[1].visits.n, 4);
	assert_null(e->eras[0].leader_a);
	assert_string_equal(e->eras[0].leader_b, "cid");
	parley_eras_free(e);
	assert_int_equal(an_eras(fixture(), &o, PARLEY_ERAS_A, &e, NULL), 0);
	assert_int_equal(e->n, 2);
	assert_int_equal(e->eras[0].visits.n, 5);
	assert_int_equal(e->eras[1].visits.n, 2);
	parley_eras_free(e);
}

static void test_min_level(void **state)
{
	(void)state;
	parley_analysis_opts po = {.a = "AAA", .b = "BBB", .as_of = "2015-12-31",
	                           .min_level = "head_of_government"};
	an_opts o;
	assert_int_equal(an_opts_parse(&po, true, &o, NULL), 0);
	parley_eras *e = NULL;
	assert_int_equal(an_eras(fixture(), &o, PARLEY_ERAS_PAIR, &e, NULL), 0);
	/* at_least_ministerial does not pass head_of_government for certain */
	assert_int_equal(e->eras[0].visits.n, 1);
	assert_int_equal(e->eras[1].visits.n, 1);
	assert_int_equal(e->eras[2].visits.n, 1);
	parley_eras_free(e);
	po.min_level = "vice_ministerial";
	assert_int_equal(an_opts_parse(&po, true, &o, NULL), 0);
	assert_int_equal(an_eras(fixture(), &o, PARLEY_ERAS_PAIR, &e, NULL), 0);
	assert_int_equal(e->eras[2].visits.n, 3); /* v07 now counts */
	parley_eras_free(e);
	po.min_level = "chairman";
	assert_int_equal(an_opts_parse(&po, true, &o, NULL), PARLEY_EINVAL);
}

static void test_no_tenures(void **state)
{
	(void)state;
	parley_analysis_opts po = {.a = "AAA", .b = "CCC", .as_of = "2015-12-31"};
	an_opts o;
	assert_int_equal(an_opts_parse(&po, true, &o, NULL), 0);
	parley_eras *e = NULL;
	parley_err err = {0};
	assert_int_equal(an_eras(fixture(), &o, PARLEY_ERAS_PAIR, &e, &err), PARLEY_ENOTFOUND);
	assert_non_null(strstr(err.msg, "CCC"));
}

static void test_json_and_explain(void **state)
{
	(void)state;
	an_opts o = opts("2015-12-31");
	parley_eras *e = NULL;
	assert_int_equal(an_eras(fixture(), &o, PARLEY_ERAS_PAIR, &e, NULL), 0);
	capture c;
	assert_int_equal(parley_eras_write(e, "json", 0, cap_open(&c), NULL), 0);
	char *s = cap_close(&c);
	/* each figure names its list query: the era's days, the leader's side */
	assert_non_null(strstr(s, "\"top_b_to_a\":{\"count\":1,\"ids\":[\"v04\"],\"query\":"
	                          "\"between=AAA:BBB\\u0026top=BBB\\u0026since=2000-01-01\\u0026as_of=2005-06-30"
	                          "\\u0026min_level=ministerial\\u0026status=confirmed,reported\"}"));
	/* the open era to the as-of date; unidentified visits have no query */
	assert_non_null(strstr(s, "\"a_to_b\":{\"count\":1,\"ids\":[\"v09\"],\"query\":"
	                          "\"direction=AAA:BBB\\u0026since=2010-01-01\\u0026as_of=2015-12-31"));
	assert_non_null(strstr(s, "\"unidentified\":{\"count\":1,\"ids\":[\"v05\"],\"query\":null}"));
	assert_non_null(strstr(s, "\"share_a_to_b\":0.3333"));
	free(s);
	assert_int_equal(parley_eras_write(e, "table", 1, cap_open(&c), NULL), 0);
	s = cap_close(&c);
	assert_non_null(strstr(s, "unidentified (1): v05"));
	assert_non_null(strstr(s, "2015-12-31*"));
	free(s);
	assert_int_equal(parley_eras_write(e, "md", 0, cap_open(&c), NULL), 0);
	s = cap_close(&c);
	assert_non_null(strstr(s, "| Ann / Cid | 2000-01-01 |"));
	free(s);
	assert_int_equal(parley_eras_write(e, "xml", 0, stdout, NULL), PARLEY_EINVAL);
	parley_eras_free(e);
}

/* Past 100 visits a figure writes its query, not its ids (the eras of a
 * pair of 100,000 visits stay small); unidentified visits, which no list
 * filter names, keep their ids however many. */
static void test_json_large_figure(void **state)
{
	(void)state;
	an_data *d = an_data_new();
	assert_non_null(d);
	assert_int_equal(an_add_tenure(d, "ann", "Ann", "aaa-top", "Leader", "AAA", "paramount_leader",
	                               "2000-01-01", NULL, NULL), 0);
	assert_int_equal(an_add_tenure(d, "cid", "Cid", "bbb-top", "Chief", "BBB", "paramount_leader",
	                               "2000-01-01", NULL, NULL), 0);
	char id[16];
	for (int i = 0; i < 101; i++) {
		snprintf(id, sizeof id, "w%03d", i);
		assert_int_equal(an_add_visit(d, id, "xav", NULL, "AAA", "BBB", "ministerial", "official",
		                              "confirmed", "2001-02-03", NULL), 0);
	}
	for (int i = 0; i < 101; i++) {
		snprintf(id, sizeof id, "u%03d", i);
		assert_int_equal(an_add_visit(d, id, NULL, NULL, "BBB", "AAA", "ministerial", "official",
		                              "confirmed", "2002-02-03", NULL), 0);
	}
	an_prepare(d);
	an_opts o = opts("2015-12-31");
	parley_eras *e = NULL;
	assert_int_equal(an_eras(d, &o, PARLEY_ERAS_PAIR, &e, NULL), 0);
	capture c;
	assert_int_equal(parley_eras_write(e, "json", 0, cap_open(&c), NULL), 0);
	char *s = cap_close(&c);
	assert_non_null(strstr(s, "\"a_to_b\":{\"count\":101,\"query\":\"direction=AAA:BBB\\u0026since="
	                          "2000-01-01\\u0026as_of=2015-12-31\\u0026min_level=ministerial\\u0026"
	                          "status=confirmed,reported\"}"));
	assert_non_null(strstr(s, "\"total\":{\"count\":202,\"query\":\"between=AAA:BBB\\u0026since="));
	assert_non_null(strstr(s, "\"unidentified\":{\"count\":101,\"ids\":[\"u000\","));
	assert_null(strstr(s, "\"w000\"")); /* no figure of the named visits lists them */
	free(s);
	/* --explain still lists every id */
	assert_int_equal(parley_eras_write(e, "table", 1, cap_open(&c), NULL), 0);
	s = cap_close(&c);
	assert_non_null(strstr(s, "w100"));
	free(s);
	parley_eras_free(e);
}

/* The loading layer: the same fixture in a real store. */
static void test_store(void **state)
{
	(void)state;
	char path[] = "/tmp/parley-an-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	parley_db *db = NULL;
	parley_err err = {0};
	assert_int_equal(parley_open(path, PARLEY_OPEN_CREATE, &db, &err), 0);
	sqlite3 *sql = parley_sqlite(db);
	const char *q =
	    "INSERT INTO country(code,name) VALUES('AAA','Aland'),('BBB','Bland');"
	    "INSERT INTO person(id,name) VALUES('ann','Ann'),('bob','Bob'),('cid','Cid'),"
	    "('dee','Dee');"
	    "INSERT INTO office(id,country,name,rank) VALUES"
	    "('aaa-top','AAA','Leader','paramount_leader'),('bbb-top','BBB','Chief','paramount_leader');"
	    "INSERT INTO tenure(id,person,office,start_date,end_date) VALUES"
	    "('t1','ann','aaa-top','2000-01-01','2010-01-01'),('t2','bob','aaa-top','2010-01-01',NULL),"
	    "('t3','cid','bbb-top','1995-01-01','2005-07-01'),('t4','dee','bbb-top','2005-07-01',NULL);"
	    "INSERT INTO visit(id,visitor,visitor_label,level,from_country,to_country,start_date,"
	    "type,status) VALUES"
	    "('v01','ann',NULL,'paramount_leader','AAA','BBB','2001-03-04','state','confirmed'),"
	    "('v02',NULL,NULL,'ministerial','BBB','AAA','2003','unknown','confirmed'),"
	    "('v06','dee',NULL,'paramount_leader','BBB','AAA','2010-01-01','state','confirmed'),"
	    "('v12',NULL,'unidentified','at_least_ministerial','AAA','BBB','2016-02','unknown',"
	    "'confirmed');";
	char *msg = NULL;
	assert_int_equal(sqlite3_exec(sql, q, NULL, NULL, &msg), SQLITE_OK);
	parley_analysis_opts po = {.a = "aaa", .b = "BBB", .as_of = "2016-01-31"};
	parley_eras *e = NULL;
	assert_int_equal(parley_eras_compute(db, &po, PARLEY_ERAS_PAIR, &e, &err), 0);
	assert_int_equal(e->n, 3);
	assert_int_equal(e->eras[0].visits.n, 2);
	assert_int_equal(e->eras[0].unidentified.n, 1);
	assert_int_equal(e->eras[2].top_b_to_a.n, 1);
	assert_int_equal(e->total.n, 3); /* v12 starts 2016-02-01, after the as-of date */
	parley_eras_free(e);
	parley_close(db);
	unlink(path);
	char side[sizeof path + 8];
	snprintf(side, sizeof side, "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", path);
	unlink(side);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pair_eras_csv),    cmocka_unit_test(test_boundary_and_top),
	    cmocka_unit_test(test_as_of_cuts_open_era), cmocka_unit_test(test_by_country),
	    cmocka_unit_test(test_min_level),        cmocka_unit_test(test_no_tenures),
	    cmocka_unit_test(test_json_and_explain), cmocka_unit_test(test_json_large_figure),
	    cmocka_unit_test(test_store),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
