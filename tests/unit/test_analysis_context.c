/*
 * test_analysis_context.c - context sentences and their coverage claims,
 * and companions, on small hand-made fixtures.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_analysis_fixture.h"

static an_data *korea(bool pair_cover, bool world_cover)
{
	an_data *d = an_data_new();
	assert_non_null(d);
	assert_int_equal(an_add_country(d, "CHN", "China", NULL), 0);
	assert_int_equal(an_add_country(d, "PRK", "North Korea", NULL), 0);
	assert_int_equal(an_add_person(d, "kju", "Kim Jong-un", "PRK", NULL, NULL), 0);
	assert_int_equal(an_add_person(d, "kji", "Kim Jong-il", "PRK", NULL, NULL), 0);
	assert_int_equal(an_add_person(d, "song", "Song Tao", "CHN", NULL, NULL), 0);
	assert_int_equal(an_add_person(d, "ri", "Ri Yong-ho", "PRK", NULL, NULL), 0);
	assert_int_equal(an_add_tenure(d, "kji", "Kim Jong-il", "prk-top", "Supreme leader", "PRK",
	                               "paramount_leader", "1994-07-08", "2011-12-17", NULL), 0);
	assert_int_equal(an_add_tenure(d, "kju", "Kim Jong-un", "prk-top", "Supreme leader", "PRK",
	                               "paramount_leader", "2011-12-17", NULL, NULL), 0);
	struct {
		const char *id, *visitor, *from, *to, *level, *start;
	} v[] = {
	    {"k1", "kji", "PRK", "CHN", "paramount_leader", "2011-05-20"},
	    {"k2", "kji", "PRK", "CHN", "paramount_leader", "2011-08-25"},
	    {"s1", "song", "CHN", "PRK", "ministerial", "2017-11-17"},
	    {"u1", "kju", "PRK", "CHN", "paramount_leader", "2018-03-25"},
	    {"u2", "kju", "PRK", "CHN", "paramount_leader", "2018-05-07"},
	    {"u3", "kju", "PRK", "SGP", "paramount_leader", "2018-06-10"},
	    {"u4", "kju", "PRK", "CHN", "paramount_leader", "2018-06-19"},
	};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		assert_int_equal(an_add_visit(d, v[i].id, v[i].visitor, NULL, v[i].from, v[i].to,
		                              v[i].level, "unofficial", "confirmed", v[i].start, NULL),
		                 0);
	if (pair_cover)
		assert_int_equal(an_add_cover(d, "prk-chn-top", "DPRK leaders' trips to China", "PRK",
		                              "CHN", "paramount_leader", "1994-07-08", "2024", NULL,
		                              NULL),
		                 0);
	/* a row with no countries covers the pair both ways, never "abroad" */
	assert_int_equal(an_add_cover(d, "both-ways", "everything both ways", NULL, NULL,
	                              "ministerial", "1999", "2024", NULL, NULL), 0);
	if (world_cover)
		assert_int_equal(an_add_cover(d, "kju-abroad", "all of Kim Jong-un's trips abroad",
		                              "PRK", NULL, "paramount_leader", "2011-12-17", NULL, "kju",
		                              NULL),
		                 0);
	assert_int_equal(an_add_member(d, "u1", "companion", NULL, "Ri Sol-ju", NULL), 0);
	assert_int_equal(an_add_member(d, "u1", "companion", "ri", "Ri Yong-ho", NULL), 0);
	assert_int_equal(an_add_member(d, "u2", "companion", "ri", "Ri Yong-ho", NULL), 0);
	assert_int_equal(an_add_member(d, "k2", "companion", "ri", "Ri Yong-ho", NULL), 0);
	an_prepare(d);
	return d;
}

static const parley_sentence *kind(const parley_context *c, const char *k)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->s[i].kind, k) == 0)
			return &c->s[i];
	return NULL;
}

static an_opts plain(void)
{
	an_opts o;
	assert_int_equal(an_opts_parse(NULL, false, &o, NULL), 0);
	return o;
}

static void test_first_trip_pair_coverage(void **state)
{
	(void)state;
	an_opts o = plain();
	parley_context *c = NULL;
	assert_int_equal(an_context(korea(true, false), &o, "u1", &c, NULL), 0);
	const parley_sentence *s = kind(c, "first-abroad");
	assert_non_null(s);
	/* no coverage of trips to every country: the 'both-ways' row does not count */
	assert_int_equal(s->claim, PARLEY_CLAIM_UNCOVERED);
	assert_non_null(strstr(s->text, "cannot be called the first"));
	s = kind(c, "first-to-host");
	assert_int_equal(s->claim, PARLEY_CLAIM_COVERED);
	assert_string_equal(s->coverage, "prk-chn-top");
	assert_non_null(strstr(s->text, "first visit to China since taking office on 2011-12-17"));
	s = kind(c, "first-in-years");
	assert_int_equal(s->claim, PARLEY_CLAIM_COVERED);
	assert_non_null(strstr(s->text, "in 6.6 years, since Kim Jong-il's visit of 2011-08-25"));
	assert_int_equal(s->visits.n, 1);
	assert_string_equal(s->visits.ids[0], "k2");
	/* his only office began before all his visits: the ordinal would repeat it */
	assert_null(kind(c, "nth-visit"));
	s = kind(c, "since-previous");
	assert_int_equal(s->claim, PARLEY_CLAIM_NONE);
	assert_non_null(strstr(s->text, "128 days"));
	assert_string_equal(s->visits.ids[0], "s1");
	parley_context_free(c);
}

/* Data of one pair sees no other destination: no "trip abroad" sentence,
 * unless a coverage row declares the visitor's trips abroad. */
static void test_one_pair_no_trip_abroad(void **state)
{
	(void)state;
	an_opts o = plain();
	an_data *d = an_data_new();
	assert_non_null(d);
	assert_int_equal(an_add_country(d, "CHN", "China", NULL), 0);
	assert_int_equal(an_add_country(d, "PRK", "North Korea", NULL), 0);
	assert_int_equal(an_add_person(d, "kju", "Kim Jong-un", "PRK", NULL, NULL), 0);
	assert_int_equal(an_add_tenure(d, "kju", "Kim Jong-un", "prk-supreme-leader",
	                               "Supreme leader (de facto)", "PRK", "paramount_leader",
	                               "2011-12-17", NULL, NULL), 0);
	assert_int_equal(an_add_visit(d, "u1", "kju", NULL, "PRK", "CHN", "paramount_leader",
	                              "unofficial", "confirmed", "2018-03-25", NULL), 0);
	assert_int_equal(an_add_visit(d, "x1", NULL, NULL, "CHN", "PRK", "ministerial",
	                              "official", "confirmed", "2017-11-17", NULL), 0);
	an_prepare(d);
	assert_true(an_one_pair(d, "PRK"));
	parley_context *c = NULL;
	assert_int_equal(an_context(d, &o, "u1", &c, NULL), 0);
	assert_null(kind(c, "first-abroad"));
	assert_non_null(kind(c, "first-to-host"));
	for (size_t i = 0; i < c->n; i++)
		assert_null(strstr(c->s[i].text, "abroad"));
	parley_context_free(c);
	/* the same with a third country: the sentence is back, with the office's plain name */
	assert_int_equal(an_context(korea(true, false), &o, "u1", &c, NULL), 0);
	assert_non_null(strstr(kind(c, "first-abroad")->text, "as supreme leader on"));
	parley_context_free(c);
}

static void test_world_coverage_and_ordinals(void **state)
{
	(void)state;
	an_opts o = plain();
	parley_context *c = NULL;
	assert_int_equal(an_context(korea(true, true), &o, "u1", &c, NULL), 0);
	assert_int_equal(kind(c, "first-abroad")->claim, PARLEY_CLAIM_COVERED);
	assert_non_null(strstr(kind(c, "first-abroad")->text, "Kim Jong-un's first trip abroad"));
	parley_context_free(c);
	assert_int_equal(an_context(korea(true, true), &o, "u4", &c, NULL), 0);
	/* u1, u2, u3 (Singapore) before: the 4th trip abroad, the 3rd to China */
	assert_non_null(strstr(kind(c, "first-abroad")->text, "fourth trip abroad"));
	assert_int_equal(kind(c, "first-abroad")->visits.n, 3);
	assert_non_null(strstr(kind(c, "first-to-host")->text, "third visit to China"));
	assert_int_equal(kind(c, "first-to-host")->visits.n, 2);
	assert_null(kind(c, "nth-visit")); /* the same two visits: not repeated */
	parley_context_free(c);
}

static void test_uncovered(void **state)
{
	(void)state;
	an_opts o = plain();
	parley_context *c = NULL;
	assert_int_equal(an_context(korea(false, false), &o, "u2", &c, NULL), 0);
	const parley_sentence *s = kind(c, "first-in-years");
	/* only the 1999 ministerial both-ways row: it covers paramount visits from 1999
	 * (rank 7 >= 2), and the previous visit u1 is 2018, so it is covered */
	assert_int_equal(s->claim, PARLEY_CLAIM_COVERED);
	assert_string_equal(s->coverage, "both-ways");
	/* since his first office (2011, inside 1999-2024): covered, the second visit */
	assert_int_equal(kind(c, "first-to-host")->claim, PARLEY_CLAIM_COVERED);
	assert_non_null(strstr(kind(c, "first-to-host")->text, "second visit to China"));
	parley_context_free(c);
	/* Kim Jong-il's 2011-05 visit: the previous one is before any data; his office began 1994,
	 * before the both-ways row's 1999 start: the ordinal cannot be claimed */
	assert_int_equal(an_context(korea(false, false), &o, "k1", &c, NULL), 0);
	s = kind(c, "first-to-host");
	assert_int_equal(s->claim, PARLEY_CLAIM_UNCOVERED);
	assert_non_null(strstr(s->text, "No earlier visit to China by Kim Jong-il since taking "
	                                "office on 1994-07-08 is recorded"));
	/* nothing earlier at that level: the first since the both-ways row begins (1999) */
	s = kind(c, "first-in-years");
	assert_int_equal(s->claim, PARLEY_CLAIM_COVERED);
	assert_non_null(strstr(s->text, "paramount leader level or above since 1999"));
	assert_non_null(strstr(kind(c, "since-previous")->text, "No earlier visit"));
	parley_context_free(c);
	parley_err err = {0};
	assert_int_equal(an_context(korea(false, false), &o, "nope", &c, &err), PARLEY_ENOTFOUND);
}

static void test_companions(void **state)
{
	(void)state;
	an_opts o = plain();
	parley_companions *c = NULL;
	assert_int_equal(an_companions(korea(false, false), &o, "kju", &c, NULL), 0);
	assert_int_equal(c->led.n, 4);
	assert_int_equal(c->nwith, 2);
	assert_string_equal(c->with[0].name, "Ri Yong-ho"); /* twice, first */
	assert_int_equal(c->with[0].visits.n, 2);
	assert_string_equal(c->with[0].visits.ids[0], "u1");
	assert_string_equal(c->with[0].visits.ids[1], "u2");
	assert_null(c->with[1].person); /* named only: kept by name */
	assert_string_equal(c->with[1].name, "Ri Sol-ju");
	assert_int_equal(c->naccompanied, 0);
	parley_companions_free(c);
	assert_int_equal(an_companions(korea(false, false), &o, "ri", &c, NULL), 0);
	assert_int_equal(c->led.n, 0);
	assert_int_equal(c->naccompanied, 2);
	assert_string_equal(c->accompanied[0].name, "Kim Jong-un");
	assert_int_equal(c->accompanied[0].visits.n, 2);
	assert_string_equal(c->accompanied[1].name, "Kim Jong-il");
	capture cp;
	assert_int_equal(parley_companions_write(c, "csv", 0, cap_open(&cp), NULL), 0);
	char *s = cap_close(&cp);
	assert_string_equal(s, "relation,person,name,visits,visit_ids,data_through\n"
	                       "accompanied,kju,Kim Jong-un,2,u1 u2,\n"
	                       "accompanied,kji,Kim Jong-il,1,k2,\n");
	free(s);
	parley_companions_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_first_trip_pair_coverage),
	    cmocka_unit_test(test_one_pair_no_trip_abroad),
	    cmocka_unit_test(test_world_coverage_and_ordinals),
	    cmocka_unit_test(test_uncovered),
	    cmocka_unit_test(test_companions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
