/*
 * test_core_match.c - the one rule for "the same visit" (src/lib/match.c),
 * shared by compare and import --match.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "parley.h"

static const char *const bp1[] = {"beyond-parallel-2016=1"};
static const char *const bp2[] = {"beyond-parallel-2016=2"};

static parley_mvisit mv(const char *id, const char *from, const char *to, const char *start,
                        const char *visitor, const char *level)
{
	parley_mvisit v = {id, from, to, start, visitor, level, NULL, 0};
	return v;
}

static void test_pair_rules(void **state)
{
	(void)state;
	long apart = -1;
	parley_mvisit a = mv("a", "PRK", "CHN", "2018-03-25", "kim-jong-un", "paramount_leader");
	parley_mvisit b = mv("b", "PRK", "CHN", "2018-03-27", "kim-jong-un", "paramount_leader");
	assert_int_equal(parley_match_pair(&a, &b, 3, &apart), PARLEY_MATCH_VISITOR);
	assert_int_equal(apart, 2);
	assert_int_equal(parley_match_pair(&a, &b, 1, NULL), PARLEY_MATCH_NONE); /* tolerance */
	b.from = "CHN";
	b.to = "PRK";
	assert_int_equal(parley_match_pair(&a, &b, 3, NULL), PARLEY_MATCH_NONE); /* direction */
	/* two named visitors who differ never match by date */
	b = mv("b", "PRK", "CHN", "2018-03-25", "choe-ryong-hae", "paramount_leader");
	assert_int_equal(parley_match_pair(&a, &b, 3, NULL), PARLEY_MATCH_NONE);
	/* an unidentified visitor: levels that can be the same rank */
	b = mv("b", "PRK", "CHN", "2018-03-24", NULL, "at_least_ministerial");
	assert_int_equal(parley_match_pair(&a, &b, 3, NULL), PARLEY_MATCH_LEVEL);
	b.level = "vice_ministerial";
	assert_int_equal(parley_match_pair(&a, &b, 3, NULL), PARLEY_MATCH_NONE);
	b.level = "unknown";
	assert_int_equal(parley_match_pair(&a, &b, 3, NULL), PARLEY_MATCH_LEVEL);
	b.level = "head_of_government";
	assert_int_equal(parley_match_pair(&a, &b, 3, NULL), PARLEY_MATCH_NONE);
	/* an external id wins whatever the dates and visitors say */
	b = mv("b", "CHN", "PRK", "1999-01-01", "someone-else", "ministerial");
	a.ext = bp1;
	a.next = 1;
	b.ext = bp1;
	b.next = 1;
	assert_int_equal(parley_match_pair(&a, &b, 0, NULL), PARLEY_MATCH_EXTID);
	b.ext = bp2;
	assert_int_equal(parley_match_pair(&a, &b, 0, NULL), PARLEY_MATCH_NONE);
	/* a partial date stands for its first day */
	a = mv("a", "PRK", "CHN", "1964-11", "kim-il-sung", "paramount_leader");
	b = mv("b", "PRK", "CHN", "1964-11-02", "kim-il-sung", "paramount_leader");
	assert_int_equal(parley_match_pair(&a, &b, 3, &apart), PARLEY_MATCH_VISITOR);
	assert_int_equal(apart, 1);
	assert_string_equal(parley_match_rule_name(PARLEY_MATCH_LEVEL), "direction+date+level");
}

static void test_lists_one_to_one(void **state)
{
	(void)state;
	/* two visits by the same person days apart, listed in the other order
	 * and shifted by a day: each pairs with its closest, not the first seen */
	parley_mvisit a[] = {mv("a1", "CHN", "PRK", "2019-06-20", "xi", "paramount_leader"),
	                     mv("a2", "CHN", "PRK", "2019-06-24", "xi", "paramount_leader"),
	                     mv("a3", "CHN", "PRK", "2001-09-03", "jiang", "paramount_leader"),
	                     mv("a4", "PRK", "CHN", "1970-10-01", NULL, "at_least_ministerial")};
	parley_mvisit b[] = {mv("b2", "CHN", "PRK", "2019-06-23", "xi", "paramount_leader"),
	                     mv("b1", "CHN", "PRK", "2019-06-21", "xi", "paramount_leader"),
	                     mv("b3", "CHN", "PRK", "1990-01-01", "jiang", "paramount_leader"),
	                     mv("b4", "PRK", "CHN", "1970-10-02", NULL, "ministerial")};
	a[2].ext = bp1;
	a[2].next = 1;
	b[2].ext = bp1;
	b[2].next = 1;
	long ab[4];
	parley_match_rule r[4];
	assert_int_equal(parley_match_lists(a, 4, b, 4, 3, ab, r, NULL), PARLEY_OK);
	assert_int_equal(ab[0], 1);
	assert_int_equal(r[0], PARLEY_MATCH_VISITOR);
	assert_int_equal(ab[1], 0);
	assert_int_equal(ab[2], 2);
	assert_int_equal(r[2], PARLEY_MATCH_EXTID);
	assert_int_equal(ab[3], 3);
	assert_int_equal(r[3], PARLEY_MATCH_LEVEL);
	/* one-to-one: a second claimant of b1 goes unmatched */
	parley_mvisit c[] = {mv("c1", "CHN", "PRK", "2019-06-21", "xi", "paramount_leader"),
	                     mv("c2", "CHN", "PRK", "2019-06-21", "xi", "paramount_leader")};
	assert_int_equal(parley_match_lists(c, 2, &b[1], 1, 3, ab, r, NULL), PARLEY_OK);
	assert_int_equal(ab[0], 0);
	assert_int_equal(ab[1], -1);
	assert_int_equal(r[1], PARLEY_MATCH_NONE);
	assert_int_equal(parley_match_lists(c, 2, b, 4, -1, ab, r, NULL), PARLEY_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pair_rules),
	    cmocka_unit_test(test_lists_one_to_one),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
