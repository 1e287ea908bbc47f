/*
 * test_brief_sentences.c - the brief-ready phrases (src/analysis/an_phrase.c)
 * on the bundled dataset, each checked against the records through the
 * query layer (an independent path: SQL filters, not the analysis's loops),
 * and the prose helpers of src/lib/words.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "internal.h"
#include "words.h"
#include "../../src/analysis/an.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static parley_db *db;
static char path[] = "/tmp/parley-phrases-XXXXXX";

static int setup(void **state)
{
	(void)state;
	int fd = mkstemp(path);
	if (fd < 0)
		return -1;
	close(fd);
	unlink(path);
	parley_err err = {0};
	if (parley_open(path, PARLEY_OPEN_CREATE, &db, &err) || parley_load_bundled(db, NULL, NULL, &err)) {
		fprintf(stderr, "bundled store: %s\n", err.msg);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	parley_close(db);
	unlink(path);
	return 0;
}

/* The phrase of kind about visit, and its one sentence. */
static const parley_sentence *phrase(const char *visit, const char *kind, parley_context **c)
{
	parley_err err = {0};
	int rc = pl_phrase_compute(db, visit, kind, NULL, c, &err);
	if (rc)
		fprintf(stderr, "%s %s: %s\n", visit, kind, err.msg);
	assert_int_equal(rc, 0);
	assert_int_equal((*c)->n, 1);
	assert_string_equal((*c)->s[0].kind, kind);
	return &(*c)->s[0];
}

/* The number of visits a filter (name, value pairs, NULL-terminated) finds. */
static long count(const char *const *kv)
{
	parley_query q;
	parley_query_init(&q);
	for (size_t i = 0; kv[i]; i += 2)
		assert_int_equal(parley_query_set(&q, kv[i], kv[i + 1], NULL), 0);
	parley_visits *r = NULL;
	assert_int_equal(parley_visits_find(db, &q, 0, &r, NULL), 0);
	long n = r->total;
	parley_visits_free(r);
	return n;
}

/* Li Qiang, premier, in Pyongyang on 2025-10-09: the previous Chinese
 * premier in North Korea was Wen Jiabao, in October 2009 (the visit row's
 * own summary says so, from its sources). */
static void test_first_premier_since_2009(void **state)
{
	(void)state;
	parley_context *c = NULL;
	const parley_sentence *s = phrase("2025-10-09-chn-prk-li-qiang", "first-office-since", &c);
	/* no coverage row declares premiers' visits complete: said in words */
	assert_string_equal(s->text, "the first premier on record to visit since 2009");
	assert_int_equal(s->claim, PARLEY_CLAIM_UNCOVERED);
	assert_null(s->coverage);
	assert_int_equal(s->visits.n, 1);
	assert_string_equal(s->visits.ids[0], "2009-10-04-chn-prk-wen-jiabao");
	/* the records agree: a premier in 2009, none between then and 2025-10-09 */
	const char *in2009[] = {"direction", "CHN:PRK", "office", "chn-premier", "year", "2009", NULL};
	assert_int_equal(count(in2009), 1);
	const char *between[] = {"direction", "CHN:PRK", "office", "chn-premier", "from", "2009-10-05",
	                         "to", "2025-10-08", NULL};
	assert_int_equal(count(between), 0);
	parley_context_free(c);
}

/* The same visit: nobody at head-of-government level or above since Xi
 * Jinping's visit of June 2019. */
static void test_highest_ranking_since_2019(void **state)
{
	(void)state;
	parley_context *c = NULL;
	const parley_sentence *s = phrase("2025-10-09-chn-prk-li-qiang", "highest-since", &c);
	assert_string_equal(s->text, "the highest-ranking visitor on record since 2019");
	assert_string_equal(s->visits.ids[0], "2019-06-20-chn-prk-xi-jinping");
	const char *after[] = {"direction", "CHN:PRK", "min_level", "head_of_government", "from",
	                       "2019-06-21", "to", "2025-10-08", NULL};
	assert_int_equal(count(after), 0);
	const char *in2019[] = {"direction", "CHN:PRK", "min_level", "head_of_government", "year",
	                        "2019", NULL};
	assert_int_equal(count(in2019), 1);
	parley_context_free(c);
}

/* Kim Jong-un in Beijing, September 2025: his fifth trip to China since
 * becoming leader (2011-12-17), covered by the bundled coverage of DPRK
 * leaders' trips to China, so stated plainly. */
static void test_fifth_trip_since_taking_office(void **state)
{
	(void)state;
	parley_context *c = NULL;
	const parley_sentence *s = phrase("2025-09-02-prk-chn-kim-jong-un", "nth-trip-in-office", &c);
	assert_string_equal(s->text, "the fifth trip to China since taking office");
	assert_int_equal(s->claim, PARLEY_CLAIM_COVERED);
	assert_string_equal(s->coverage, "prk-chn-paramount-leader-1994-2024");
	const char *before[] = {"visitor", "kim-jong-un", "direction", "PRK:CHN", "from", "2011-12-17",
	                        "to", "2025-09-01", NULL};
	assert_int_equal(count(before), 4);
	assert_int_equal(s->visits.n, 4);
	parley_context_free(c);
	s = phrase("2018-03-25-prk-chn-kim-jong-un", "nth-trip-in-office", &c);
	assert_string_equal(s->text, "the first trip to China since taking office");
	assert_int_equal(s->visits.n, 0);
	parley_context_free(c);
}

/* Durations in words: Kim Jong-il's last trip (2011-08-25) to Kim
 * Jong-un's first (2018-03-25) is 6.6 years: "six years". */
static void test_first_in_years_words(void **state)
{
	(void)state;
	parley_context *c = NULL;
	const parley_sentence *s = phrase("2018-03-25-prk-chn-kim-jong-un", "first-in-years", &c);
	assert_string_equal(s->text, "the first visit from North Korea to China at paramount leader "
	                             "level in six years");
	assert_string_equal(s->visits.ids[0], "2011-08-25-prk-chn-kim-jong-il");
	assert_null(strstr(s->text, "coverage"));
	parley_context_free(c);
	s = phrase("2018-03-25-prk-chn-kim-jong-un", "gap-before", &c);
	/* Song Tao, 2017-11-17: 128 days */
	assert_string_equal(s->visits.ids[0], "2017-11-17-chn-prk-song-tao");
	assert_string_equal(s->text, "four months after the previous visit between North Korea and China");
	const char *between[] = {"between", "CHN:PRK", "from", "2017-11-18", "to", "2018-03-24", NULL};
	assert_int_equal(count(between), 0);
	parley_context_free(c);
}

static void test_phrase_errors(void **state)
{
	(void)state;
	parley_context *c = NULL;
	parley_err err = {0};
	assert_int_equal(pl_phrase_compute(db, "2018-03-25-prk-chn-kim-jong-un", "trip-abroad", NULL, &c, &err),
	                 PARLEY_EDATA);
	assert_non_null(strstr(err.msg, "unknown sentence kind 'trip-abroad'"));
	assert_int_equal(pl_phrase_compute(db, "no-such-visit", "first-in-years", NULL, &c, &err),
	                 PARLEY_ENOTFOUND);
	/* the first recorded visit has nothing before it to be "since" */
	assert_int_equal(pl_phrase_compute(db, "1953-11-12-prk-chn-kim-il-sung", "first-in-years", NULL,
	                                   &c, &err),
	                 PARLEY_ENOTFOUND);
	assert_non_null(strstr(err.msg, "no earlier visit from PRK to CHN"));
}

static void test_words(void **state)
{
	(void)state;
	char b[64];
	struct { long days; const char *w; } d[] = {
	    {1, "one day"}, {12, "twelve days"}, {59, "59 days"}, {60, "two months"},
	    {128, "four months"}, {729, "24 months"}, {730, "24 months"}, {731, "two years"}, {2404, "six years"},
	    {365 * 30, "29 years"}};
	for (size_t i = 0; i < sizeof d / sizeof d[0]; i++) {
		pl_duration_words(d[i].days, b, sizeof b);
		assert_string_equal(b, d[i].w);
	}
	struct { size_t n; const char *w; } o[] = {{1, "first"}, {5, "fifth"}, {10, "tenth"},
	    {11, "11th"}, {12, "12th"}, {13, "13th"}, {21, "21st"}, {22, "22nd"}, {103, "103rd"}, {111, "111th"}};
	for (size_t i = 0; i < sizeof o / sizeof o[0]; i++) {
		pl_ordinal_words(o[i].n, b, sizeof b);
		assert_string_equal(b, o[i].w);
	}
	struct { const char *id, *name, *plain; } f[] = {
	    {"chn-premier", "Premier of the State Council (GAC Premier 1949-54)", "premier"},
	    {"chn-foreign-minister", "Minister of Foreign Affairs", "foreign minister"},
	    {"chn-cpc-general-secretary", "General Secretary of the CPC Central Committee", "CPC general secretary"},
	    {"prk-supreme-leader", "Supreme leader (de facto)", "supreme leader"},
	    {"chn-pbsc-member", "Member of the CPC Politburo Standing Committee",
	     "member of the CPC Politburo Standing Committee"},
	    {"prk-sac-chairman", "Chairman (later President) of the State Affairs Commission",
	     "chairman of the State Affairs Commission"},
	    {"prk-spa-presidium-president",
	     "Chairman of the SPA Standing Committee / President of the SPA Presidium (nominal head of state)",
	     "SPA presidium president"},
	    {"chn-x", "President of the PRC (Chairman of the CPG 1949-54; State Chairman 1954-75)",
	     "president of the PRC"},
	};
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
		pl_office_plain(f[i].id, f[i].name, b, sizeof b);
		assert_string_equal(b, f[i].plain);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_first_premier_since_2009),
	    cmocka_unit_test(test_highest_ranking_since_2019),
	    cmocka_unit_test(test_fifth_trip_since_taking_office),
	    cmocka_unit_test(test_first_in_years_words),
	    cmocka_unit_test(test_phrase_errors),
	    cmocka_unit_test(test_words),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
