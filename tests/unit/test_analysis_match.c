/*
 * test_analysis_match.c - matching two lists of visits one-to-one with the
 * one rule (parley_visit_match): external ids first, then the closest
 * starts, each record taken once, and which part of the rule matched.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/analysis/an.h"

static const char *const bp1[] = {"beyond-parallel-2016:1", NULL};

static parley_visit_desc mv(const char *from, const char *to, const char *start,
                            const char *visitor, const char *label, const char *level)
{
	parley_visit_desc v = {from, to, start, visitor, label, level, NULL};
	return v;
}

static void test_closest_one_to_one(void **state)
{
	(void)state;
	/* two visits by one person days apart, listed in the other order and
	 * shifted by a day: each pairs with its closest, not the first seen */
	parley_visit_desc a[] = {mv("CHN", "PRK", "2019-06-20", "xi", NULL, "paramount_leader"),
	                         mv("CHN", "PRK", "2019-06-24", "xi", NULL, "paramount_leader"),
	                         mv("CHN", "PRK", "2001-09-03", "jiang", NULL, "paramount_leader"),
	                         mv("PRK", "CHN", "1970-10-01", NULL, "unidentified (list)",
	                            "at_least_ministerial"),
	                         mv("PRK", "CHN", "1975-04-18", NULL, "Kim Il Sung",
	                            "paramount_leader")};
	parley_visit_desc b[] = {mv("CHN", "PRK", "2019-06-23", "xi", NULL, "paramount_leader"),
	                         mv("CHN", "PRK", "2019-06-21", "xi", NULL, "paramount_leader"),
	                         mv("CHN", "PRK", "1990-01-01", "jiang", NULL, "paramount_leader"),
	                         mv("PRK", "CHN", "1970-10-02", NULL, NULL, "ministerial"),
	                         mv("PRK", "CHN", "1975-04-18", NULL, "Kim Il-sung",
	                            "paramount_leader")};
	a[2].external_ids = bp1;
	b[2].external_ids = bp1;
	long ab[5];
	an_match_by by[5];
	assert_int_equal(an_match_lists(a, 5, b, 5, 3, ab, by, NULL), PARLEY_OK);
	assert_int_equal(ab[0], 1);
	assert_int_equal(by[0], AN_BY_VISITOR);
	assert_int_equal(ab[1], 0);
	assert_int_equal(ab[2], 2); /* eleven years apart, but one external id */
	assert_int_equal(by[2], AN_BY_EXTID);
	assert_int_equal(ab[3], 3);
	assert_int_equal(by[3], AN_BY_LEVEL);
	assert_int_equal(ab[4], 4);
	assert_int_equal(by[4], AN_BY_NAME);
	assert_string_equal(an_match_by_name(by[3]), "direction+date+level");
	/* a tolerance of 0: only the same day (or an external id) matches */
	assert_int_equal(an_match_lists(a, 5, b, 5, 0, ab, by, NULL), PARLEY_OK);
	assert_int_equal(ab[0], -1);
	assert_int_equal(by[0], AN_BY_NONE);
	assert_int_equal(ab[1], -1);
	assert_int_equal(ab[2], 2);
	assert_int_equal(ab[3], -1);
	assert_int_equal(ab[4], 4);
}

static void test_taken_once(void **state)
{
	(void)state;
	parley_visit_desc c[] = {mv("CHN", "PRK", "2019-06-21", "xi", NULL, "paramount_leader"),
	                         mv("CHN", "PRK", "2019-06-21", "xi", NULL, "paramount_leader")};
	parley_visit_desc d[] = {mv("CHN", "PRK", "2019-06-21", "xi", NULL, "paramount_leader"),
	                         mv("CHN", "PRK", "2019-06-21", "wang-yi", NULL, "ministerial")};
	long ab[2];
	an_match_by by[2];
	assert_int_equal(an_match_lists(c, 2, d, 2, 3, ab, by, NULL), PARLEY_OK);
	assert_int_equal(ab[0], 0);
	/* the second Xi record finds no second Xi: another named visitor never matches */
	assert_int_equal(ab[1], -1);
	assert_int_equal(an_match_lists(c, 2, d, 2, -1, ab, by, NULL), PARLEY_EINVAL);
}

/* The pairwise matching every visit of A against every visit of B, as
 * an_match_lists did before it indexed B (issue 13): the reference the
 * indexed one must equal on any input. */
typedef struct pair_c {
	size_t i, j;
	long apart;
	an_match_by by;
} pair_c;

static int pair_cmp(const void *x, const void *y)
{
	const pair_c *a = x, *b = y;
	if (a->apart != b->apart)
		return a->apart < b->apart ? -1 : 1;
	if (a->by != b->by)
		return a->by < b->by ? -1 : 1;
	if (a->i != b->i)
		return a->i < b->i ? -1 : 1;
	return a->j < b->j ? -1 : a->j > b->j;
}

static long day1(const char *s)
{
	parley_date d;
	return s && parley_date_parse(s, strlen(s), &d, NULL) == PARLEY_OK ? parley_date_first_day(d)
	                                                                 : 0;
}

static void pairwise(const parley_visit_desc *a, size_t na, const parley_visit_desc *b,
                     size_t nb, int tol, long *ab, an_match_by *by)
{
	pair_c *c = malloc((na * nb + 1) * sizeof *c);
	bool *taken = calloc(nb + 1, sizeof *taken);
	assert_non_null(c);
	assert_non_null(taken);
	size_t n = 0;
	for (size_t i = 0; i < na; i++) {
		ab[i] = -1;
		by[i] = AN_BY_NONE;
		for (size_t j = 0; j < nb; j++) {
			parley_match_how how = parley_visit_match(&a[i], &b[j], tol);
			if (how == PARLEY_MATCH_NONE)
				continue;
			an_match_by k = AN_BY_LEVEL;
			if (how == PARLEY_MATCH_EXTERNAL_ID)
				k = AN_BY_EXTID;
			else if (a[i].visitor && *a[i].visitor && b[j].visitor && *b[j].visitor)
				k = AN_BY_VISITOR;
			else if (a[i].visitor_label && *a[i].visitor_label && b[j].visitor_label &&
			         *b[j].visitor_label && strncmp(a[i].visitor_label, "unidentified", 12) &&
			         strncmp(b[j].visitor_label, "unidentified", 12))
				k = AN_BY_NAME;
			c[n++] = (pair_c){i, j, k == AN_BY_EXTID ? -1 : labs(day1(a[i].start_date) - day1(b[j].start_date)), k};
		}
	}
	qsort(c, n, sizeof *c, pair_cmp);
	for (size_t k = 0; k < n; k++)
		if (ab[c[k].i] < 0 && !taken[c[k].j]) {
			ab[c[k].i] = (long)c[k].j;
			by[c[k].i] = c[k].by;
			taken[c[k].j] = true;
		}
	free(c);
	free(taken);
}

/* Random lists (a fixed seed) crowded into a few directions, years and
 * people (by id, by name alone, or neither), with every precision of date,
 * unknown countries, names, levels
 * and shared external ids: the indexed matching gives the pairwise result
 * for every tolerance. */
static void test_indexed_equals_pairwise(void **state)
{
	(void)state;
	static const char *const cc[] = {"CHN", "PRK", "USA", ""};
	static const char *const who[] = {"xi", "kim", "mao", NULL, ""}; /* "": no visitor id either */
	static const char *const names[] = {"Kim Il Sung", "Kim Il-sung", "unidentified (list)", NULL};
	static const char *const levels[] = {"paramount_leader", "ministerial", "at_least_ministerial",
	                                     "head_of_state"};
	static const char *const ext[][2] = {{"s:1", NULL}, {"s:2", NULL}, {"s:3", NULL}, {NULL, NULL}};
	enum { N = 300 };
	static char dates[2][N][16];
	parley_visit_desc v[2][N];
	unsigned long r = 12345;
#define RND(n) ((r = r * 6364136223846793005UL + 1442695040888963407UL), (size_t)((r >> 33) % (n)))
	for (int side = 0; side < 2; side++)
		for (size_t i = 0; i < N; i++) {
			int y = 2000 + (int)RND(3), m = 1 + (int)RND(12), d = 1 + (int)RND(28);
			size_t prec = RND(6);
			if (prec == 0)
				snprintf(dates[side][i], sizeof dates[side][i], "%d", y);
			else if (prec == 1)
				snprintf(dates[side][i], sizeof dates[side][i], "%d-%02d", y, m);
			else
				snprintf(dates[side][i], sizeof dates[side][i], "%d-%02d-%02d", y, m, d);
			size_t e = RND(12);
			/* one draw a statement: the order of the draws inside an
			 * initializer is unspecified, so the stream would differ by compiler */
			size_t from = RND(4), to = RND(3), good = RND(40), w = RND(5), nm = RND(4), lv = RND(4);
			v[side][i] = (parley_visit_desc){cc[from], cc[to], good ? dates[side][i] : "bad",
			                                  who[w], names[nm], levels[lv],
			                                  e < 3 ? ext[e] : NULL};
		}
#undef RND
	static long ab[N], ref[N];
	static an_match_by by[N], rby[N];
	int tols[] = {0, 3, 40, 400};
	for (size_t t = 0; t < sizeof tols / sizeof tols[0]; t++) {
		assert_int_equal(an_match_lists(v[0], N, v[1], N, tols[t], ab, by, NULL), PARLEY_OK);
		pairwise(v[0], N, v[1], N, tols[t], ref, rby);
		size_t matched = 0;
		for (size_t i = 0; i < N; i++) {
			assert_int_equal(ab[i], ref[i]);
			assert_int_equal(by[i], rby[i]);
			matched += ab[i] >= 0;
		}
		assert_true(matched > 20); /* the input does match: the test compares something */
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_closest_one_to_one),
	    cmocka_unit_test(test_taken_once),
	    cmocka_unit_test(test_indexed_equals_pairwise),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
