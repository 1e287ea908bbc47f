/*
 * test_analysis_timeline_gaps.c - timeline buckets (empty ones present,
 * eras, splits, imprecise dates) and gaps (longest intervals, the current
 * interval, quiet periods) on the hand-made fixture.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_analysis_fixture.h"

static const parley_bucket *bucket(const parley_timeline *t, const char *period)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->buckets[i].period, period) == 0)
			return &t->buckets[i];
	return NULL;
}

static void test_timeline_years(void **state)
{
	(void)state;
	an_opts o = opts("2015-12-31");
	parley_timeline *t = NULL;
	assert_int_equal(an_timeline(fixture(), &o, 0, PARLEY_SPLIT_DIRECTION, &t, NULL), 0);
	/* from the first counted visit (v11, 1999) to 2015, every year */
	assert_int_equal(t->n, 17);
	assert_string_equal(t->buckets[0].period, "1999");
	assert_null(t->buckets[0].era); /* before the first pair era */
	const parley_bucket *b = bucket(t, "2004");
	assert_non_null(b);
	assert_int_equal(b->total.n, 0);
	assert_string_equal(b->era, "Ann / Cid");
	b = bucket(t, "2005");
	assert_int_equal(b->total.n, 2);
	assert_int_equal(b->series[0].n, 1); /* AAA->BBB: v03 */
	assert_int_equal(b->series[1].n, 1); /* BBB->AAA: v04 */
	assert_string_equal(t->series[0], "AAA->BBB");
	b = bucket(t, "2010");
	assert_string_equal(b->era, "Bob / Dee");
	size_t sum = 0;
	for (size_t i = 0; i < t->n; i++)
		sum += t->buckets[i].total.n;
	assert_int_equal(sum, 8);
	capture c;
	assert_int_equal(parley_timeline_write(t, "csv", 0, cap_open(&c), NULL), 0);
	char *s = cap_close(&c);
	assert_non_null(strstr(s, "year,era,total,AAA->BBB,BBB->AAA,imprecise,data_through\n1999,,1,1,0,0,\n"));
	assert_non_null(strstr(s, "\n2004,Ann / Cid,0,0,0,0,\n"));
	free(s);
	parley_timeline_free(t);
}

static void test_timeline_months_and_splits(void **state)
{
	(void)state;
	parley_analysis_opts po = {.a = "AAA", .b = "BBB", .as_of = "2005-07-31", .from = "2003-01-01"};
	an_opts o;
	assert_int_equal(an_opts_parse(&po, true, &o, NULL), 0);
	parley_timeline *t = NULL;
	assert_int_equal(an_timeline(fixture(), &o, 1, PARLEY_SPLIT_LEVEL, &t, NULL), 0);
	assert_int_equal(t->n, 31); /* 2003-01 .. 2005-07 */
	const parley_bucket *b = bucket(t, "2003-01");
	/* v02 is dated '2003': placed in January by its first possible day, flagged */
	assert_int_equal(b->total.n, 1);
	assert_int_equal(b->imprecise.n, 1);
	b = bucket(t, "2005-07");
	assert_int_equal(b->total.n, 1);
	assert_int_equal(b->imprecise.n, 0); /* '2005-07' is exact to the month */
	/* series: the levels passing ministerial, top first */
	assert_string_equal(t->series[0], "paramount_leader");
	assert_int_equal(t->nseries, 7);
	b = bucket(t, "2005-06");
	size_t os = 0;
	for (size_t j = 0; j < t->nseries; j++)
		if (strcmp(t->series[j], "other_senior") == 0)
			os = j;
	assert_int_equal(b->series[os].n, 1);
	parley_timeline_free(t);
	assert_int_equal(an_timeline(fixture(), &o, 0, PARLEY_SPLIT_TYPE, &t, NULL), 0);
	assert_int_equal(t->n, 3);
	assert_string_equal(t->series[0], "state");
	assert_int_equal(t->buckets[2].series[3].n, 1); /* 2005 working: v04 */
	parley_timeline_free(t);
}

static void test_gaps(void **state)
{
	(void)state;
	an_opts o = opts("2015-12-31");
	parley_gaps *g = NULL;
	assert_int_equal(an_gaps(fixture(), &o, 3, 0, 0, &g, NULL), 0);
	assert_int_equal(g->total.n, 8);
	assert_string_equal(g->range_start, "1999-05-05");
	assert_int_equal(g->n, 3);
	/* longest: v06 2010-01-01 -> v09 2015-06-15 */
	assert_int_equal(g->gaps[0].days, 1991);
	assert_string_equal(g->gaps[0].before, "v06");
	assert_string_equal(g->gaps[0].after, "v09");
	assert_string_equal(g->gaps[0].era, "Bob / Dee");
	assert_false(g->gaps[0].approximate);
	/* then v03 '2005-07' -> v05 2009-12-31: approximate, from a month date */
	assert_int_equal(g->gaps[1].days, 1644);
	assert_true(g->gaps[1].approximate);
	/* then v04 -> v02... no: v02 '2003' -> v04 2005-06-30, 911 days */
	assert_int_equal(g->gaps[2].days, 911);
	assert_string_equal(g->gaps[2].before, "v02");
	assert_true(g->has_current);
	assert_int_equal(g->current.days, 199);
	assert_null(g->current.after);
	/* long-run 8 visits / 6085 days; a 3-year window expects 1.44; quiet under 0.36 */
	assert_true(g->long_run_rate > 0.4801 && g->long_run_rate < 0.4803);
	assert_int_equal(g->nquiet, 2);
	assert_string_equal(g->quiet[0].start, "2005-08-01");
	assert_string_equal(g->quiet[0].end, "2009-11-30");
	assert_int_equal(g->quiet[0].visits.n, 0);
	assert_string_equal(g->quiet[1].start, "2010-02-01");
	assert_string_equal(g->quiet[1].end, "2015-05-31");
	capture c;
	assert_int_equal(parley_gaps_write(g, "json", 0, cap_open(&c), NULL), 0);
	char *s = cap_close(&c);
	assert_non_null(strstr(s, "\"days\":1991"));
	free(s);
	parley_gaps_free(g);
	/* a wider ratio: windows with one visit are quiet too */
	assert_int_equal(an_gaps(fixture(), &o, 0, 3, 1.0, &g, NULL), 0);
	assert_true(g->nquiet >= 2);
	assert_int_equal(g->n, 7); /* all 7 intervals, top defaults to 10 */
	parley_gaps_free(g);
}

static void test_gaps_as_of_early(void **state)
{
	(void)state;
	an_opts o = opts("2001-03-03");
	parley_gaps *g = NULL;
	assert_int_equal(an_gaps(fixture(), &o, 0, 0, 0, &g, NULL), 0);
	assert_int_equal(g->total.n, 1);
	assert_int_equal(g->n, 0);
	assert_int_equal(g->current.days, 668); /* 1999-05-05 .. 2001-03-03 */
	parley_gaps_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_timeline_years),
	    cmocka_unit_test(test_timeline_months_and_splits),
	    cmocka_unit_test(test_gaps),
	    cmocka_unit_test(test_gaps_as_of_early),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
