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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_closest_one_to_one),
	    cmocka_unit_test(test_taken_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
