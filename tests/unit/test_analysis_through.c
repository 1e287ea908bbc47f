/*
 * test_analysis_through.c - every figure stops where the data ends
 * (docs/analysis.md, "Where the data ends"), on the hand-made fixture with
 * a data version whose data-through date (2012-12-31) comes before its last
 * visits and before the as-of date asked.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_analysis_fixture.h"

/* The fixture, its data declared through 2012-12-31 by data version r1. */
static an_data *early(void)
{
	an_data *d = fixture();
	assert_int_equal(an_set_release(d, "r1", "2013-02-01", "2012-12-31", NULL), 0);
	return d;
}

static void test_rule(void **state)
{
	(void)state;
	const char *rule = NULL;
	/* nothing declared: a fixture has no fallback either, so no cut */
	an_data *d = fixture();
	an_opts o = opts("2020-12-31");
	an_cut(d, &o);
	assert_int_equal(o.th.cut, 0);
	assert_string_equal(o.th.date, "");
	/* the loader's fallback: the latest visit */
	d->latest = parley_date_first_day((parley_date){2015, 6, 15, PARLEY_DAY});
	o = opts("2020-12-31");
	an_cut(d, &o);
	assert_int_equal(o.th.cut, 1);
	assert_string_equal(o.th.date, "2015-06-15");
	assert_string_equal(o.th.rule, "latest recorded visit");
	an_data_free(d);
	/* the data version beats the fallback */
	d = early();
	d->latest = parley_date_first_day((parley_date){2015, 6, 15, PARLEY_DAY});
	o = opts("2020-12-31");
	an_cut(d, &o);
	assert_string_equal(o.th.date, "2012-12-31");
	assert_string_equal(o.th.rule, "data version r1");
	assert_string_equal(o.th.as_of, "2020-12-31");
	/* a coverage row of one direction only: the other direction still ends
	 * in 2012, and the pair is complete only where both are */
	assert_int_equal(an_add_cover(d, "a-to-b", "AAA to BBB", "AAA", "BBB", "ministerial",
	                              "1990", NULL, NULL, NULL), 0);
	assert_int_equal(an_cover_set_through(d, "2014-06-30", NULL), 0);
	assert_int_equal(an_dir_through(d, "AAA", "BBB", "ministerial", &rule),
	                 parley_date_last_day((parley_date){2014, 6, 30, PARLEY_DAY}));
	assert_string_equal(rule, "coverage 'a-to-b'");
	o = opts("2020-12-31");
	an_cut(d, &o);
	assert_string_equal(o.th.date, "2012-12-31");
	/* a row for both directions, but only of paramount leaders: it says
	 * nothing of the ministerial visits counted, so it does not apply */
	assert_int_equal(an_add_cover(d, "top", "leaders", NULL, NULL, "paramount_leader", "1990",
	                              NULL, NULL, NULL), 0);
	assert_int_equal(an_cover_set_through(d, "2019", NULL), 0);
	o = opts("2020-12-31");
	an_cut(d, &o);
	assert_string_equal(o.th.date, "2012-12-31");
	/* a row for both directions at every counted level: it wins, up to the
	 * last day of its partial date */
	assert_int_equal(an_add_cover(d, "all", "all visits", NULL, NULL, "ministerial", "1990",
	                              NULL, NULL, NULL), 0);
	assert_int_equal(an_cover_set_through(d, "2016", NULL), 0);
	o = opts("2020-12-31");
	an_cut(d, &o);
	assert_string_equal(o.th.date, "2016-12-31");
	assert_string_equal(o.th.rule, "coverage 'all'");
	/* an as-of date before the data-through date is not cut */
	o = opts("2011-06-30");
	an_cut(d, &o);
	assert_int_equal(o.th.cut, 0);
	assert_string_equal(o.th.date, "2016-12-31");
	an_data_free(d);
}

static void test_eras_cut(void **state)
{
	(void)state;
	an_opts o = opts("2020-12-31");
	parley_eras *e = NULL, *at = NULL;
	assert_int_equal(an_eras(early(), &o, PARLEY_ERAS_PAIR, &e, NULL), 0);
	assert_int_equal(e->through.cut, 1);
	assert_string_equal(e->through.date, "2012-12-31");
	assert_string_equal(e->as_of, "2020-12-31");
	const parley_era *last = &e->eras[e->n - 1];
	assert_true(last->open);
	assert_string_equal(last->end, "2012-12-31"); /* not the as-of date */
	assert_false(has_id(last->visits, "v09"));  /* 2015: past the data */
	/* the same figures as asking as of the data-through date */
	an_opts o2 = opts("2012-12-31");
	assert_int_equal(an_eras(early(), &o2, PARLEY_ERAS_PAIR, &at, NULL), 0);
	assert_int_equal(at->through.cut, 0);
	assert_int_equal(e->total.n, at->total.n);
	assert_int_equal(last->visits.n, at->eras[at->n - 1].visits.n);
	/* every format says so */
	capture c;
	assert_int_equal(parley_eras_write(e, "table", 0, cap_open(&c), NULL), 0);
	char *s = cap_close(&c);
	assert_non_null(strstr(s, "data through 2012-12-31: figures stop there, not at the as-of "
	                          "date 2020-12-31 (data version r1)\n"));
	assert_non_null(strstr(s, "cut at the data-through date 2012-12-31"));
	free(s);
	assert_int_equal(parley_eras_write(e, "json", 0, cap_open(&c), NULL), 0);
	s = cap_close(&c);
	assert_non_null(strstr(s, "\"data_through\":\"2012-12-31\""));
	assert_non_null(strstr(s, "\"cut\":true"));
	free(s);
	assert_int_equal(parley_eras_write(e, "csv", 0, cap_open(&c), NULL), 0);
	s = cap_close(&c);
	assert_non_null(strstr(s, ",unidentified,data_through\n"));
	assert_non_null(strstr(s, "Bob / Dee,2010-01-01,2012-12-31,"));
	assert_non_null(strstr(s, ",2012-12-31\n"));
	assert_null(strstr(s, "data through")); /* CSV stays one table */
	free(s);
	parley_eras_free(e);
	parley_eras_free(at);
}

static void test_timeline_no_data(void **state)
{
	(void)state;
	an_opts o = opts("2014-06-30");
	parley_timeline *t = NULL;
	assert_int_equal(an_timeline(early(), &o, 0, PARLEY_SPLIT_DIRECTION, &t, NULL), 0);
	/* the buckets still run to the as-of year ... */
	assert_string_equal(t->buckets[t->n - 1].period, "2014");
	for (size_t i = 0; i < t->n; i++) {
		const parley_bucket *b = &t->buckets[i];
		int year = atoi(b->period);
		/* ... but the years past the data are "no data", not zeros */
		assert_int_equal(b->no_data, year > 2012);
		assert_int_equal(b->partial, 0); /* 2012-12-31 ends its year */
	}
	capture c;
	assert_int_equal(parley_timeline_write(t, "table", 0, cap_open(&c), NULL), 0);
	char *s = cap_close(&c);
	assert_non_null(strstr(s, "data through 2012-12-31"));
	const char *y13 = strstr(s, "\n2013");
	assert_non_null(y13);
	assert_non_null(strstr(y13, "no data"));
	free(s);
	assert_int_equal(parley_timeline_write(t, "csv", 0, cap_open(&c), NULL), 0);
	s = cap_close(&c);
	assert_non_null(strstr(s, "\n2013,,,,,,2012-12-31\n"));
	assert_non_null(strstr(s, "\n2012,Bob / Dee,0,0,0,0,2012-12-31\n"));
	free(s);
	assert_int_equal(parley_timeline_write(t, "json", 0, cap_open(&c), NULL), 0);
	s = cap_close(&c);
	assert_non_null(strstr(s, "\"period\":\"2013\",\"start\":\"2013-01-01\",\"era\":null,"
	                          "\"no_data\":true,\"partial\":false,\"total\":null"));
	free(s);
	parley_timeline_free(t);
	/* a data-through date inside a month marks that month partial */
	an_data *d = fixture();
	assert_int_equal(an_set_release(d, "r2", "2013-02-01", "2012-05-10", NULL), 0);
	o = opts("2012-07-31");
	assert_int_equal(an_timeline(d, &o, 1, PARLEY_SPLIT_DIRECTION, &t, NULL), 0);
	const parley_bucket *m5 = NULL, *m6 = NULL;
	for (size_t i = 0; i < t->n; i++) {
		if (strcmp(t->buckets[i].period, "2012-05") == 0)
			m5 = &t->buckets[i];
		if (strcmp(t->buckets[i].period, "2012-06") == 0)
			m6 = &t->buckets[i];
	}
	assert_non_null(m5);
	assert_non_null(m6);
	assert_true(m5->partial && !m5->no_data);
	assert_true(m6->no_data);
	parley_timeline_free(t);
}

static void test_gaps_current_at_least(void **state)
{
	(void)state;
	an_opts o = opts("2020-12-31");
	parley_gaps *g = NULL;
	/* a quiet rule that would judge 2013-2020 quiet if it ran there */
	assert_int_equal(an_gaps(early(), &o, 10, 2, 0.9, &g, NULL), 0);
	assert_int_equal(g->through.cut, 1);
	assert_true(g->has_current);
	/* last counted visit v06 on 2010-01-01; the data ends 2012-12-31 */
	assert_string_equal(g->current.before, "v06");
	assert_string_equal(g->current.end, "2012-12-31");
	assert_int_equal(g->current.days, 1095);
	for (size_t i = 0; i < g->nquiet; i++)
		assert_true(strcmp(g->quiet[i].end, "2012-12-31") <= 0);
	assert_true(g->nquiet > 0); /* the rule did run, and found 2010-2012 quiet */
	for (size_t i = 0; i < g->n; i++)
		assert_true(strcmp(g->gaps[i].end, "2012-12-31") <= 0);
	capture c;
	assert_int_equal(parley_gaps_write(g, "table", 0, cap_open(&c), NULL), 0);
	char *s = cap_close(&c);
	assert_non_null(strstr(s, "Current interval: at least 1095 days, as of 2020-12-31"));
	assert_non_null(strstr(s, ">=1095"));
	assert_non_null(strstr(s, "(data through 2012-12-31)"));
	free(s);
	assert_int_equal(parley_gaps_write(g, "json", 0, cap_open(&c), NULL), 0);
	s = cap_close(&c);
	assert_non_null(strstr(s, "\"current_at_least\":true"));
	assert_non_null(strstr(s, "\"data_through\":\"2012-12-31\""));
	free(s);
	parley_gaps_free(g);
}

static void test_context_no_claim_across(void **state)
{
	(void)state;
	an_data *d = early();
	/* a coverage row that would back "the first in N years" for v09 if the
	 * data reached 2015 */
	assert_int_equal(an_add_cover(d, "a-b", "AAA to BBB", "AAA", "BBB", "vice_ministerial",
	                              "1990", NULL, NULL, NULL), 0);
	parley_analysis_opts po = {0};
	an_opts o;
	assert_int_equal(an_opts_parse(&po, false, &o, NULL), 0);
	parley_context *c = NULL;
	assert_int_equal(an_context(d, &o, "v09", &c, NULL), 0);
	assert_int_equal(c->through.cut, 1);
	assert_string_equal(c->through.date, "2012-12-31");
	const parley_sentence *fy = NULL, *sp = NULL;
	for (size_t i = 0; i < c->n; i++) {
		if (strcmp(c->s[i].kind, "first-in-years") == 0)
			fy = &c->s[i];
		if (strcmp(c->s[i].kind, "since-previous") == 0)
			sp = &c->s[i];
		/* no first, ordinal or "in N years" is claimed for a visit past the data */
		assert_int_not_equal(c->s[i].claim, PARLEY_CLAIM_COVERED);
	}
	assert_non_null(fy);
	assert_int_equal(fy->claim, PARLEY_CLAIM_UNCOVERED);
	assert_non_null(strstr(fy->text, "the data ends on 2012-12-31"));
	assert_non_null(sp);
	assert_non_null(strstr(sp->text, "a later visit may be missing"));
	parley_context_free(c);
	/* the same row backs the claim for a visit within the data (v07, 2012) */
	d = early();
	assert_int_equal(an_add_cover(d, "a-b", "AAA to BBB", "AAA", "BBB", "vice_ministerial",
	                              "1990", NULL, NULL, NULL), 0);
	assert_int_equal(an_context(d, &o, "v07", &c, NULL), 0);
	assert_int_equal(c->through.cut, 0);
	bool covered = false;
	for (size_t i = 0; i < c->n; i++)
		covered |= strcmp(c->s[i].kind, "first-in-years") == 0 &&
		           c->s[i].claim == PARLEY_CLAIM_COVERED;
	assert_true(covered);
	parley_context_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rule),
	    cmocka_unit_test(test_eras_cut),
	    cmocka_unit_test(test_timeline_no_data),
	    cmocka_unit_test(test_gaps_current_at_least),
	    cmocka_unit_test(test_context_no_claim_across),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
