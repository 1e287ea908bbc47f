/* test_core_match.c - the one rule that says two records are one visit
 * (parley_visit_match), as import --match and compare use it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "parley.h"

static const char *const no_ids[] = {NULL};
static const char *const bp1[] = {"beyond-parallel-2016:1", NULL};
static const char *const bp1_other[] = {"hos:77", "beyond-parallel-2016:1", NULL};
static const char *const bp2[] = {"beyond-parallel-2016:2", NULL};

/* Kim Il-sung to Beijing, November 1953, as the bundled data records it. */
static parley_visit_desc kim(void)
{
	return (parley_visit_desc){"PRK", "CHN", "1953-11-12", "kim-il-sung", NULL,
	                           "paramount_leader", bp1};
}

static void external_id_wins(void **state)
{
	(void)state;
	parley_visit_desc a = kim(), b = {"CHN", "PRK", "1999-01-01", NULL, NULL, NULL, bp1_other};
	/* shared id: the same visit, even where nothing else agrees */
	assert_int_equal(parley_visit_match(&a, &b, 0), PARLEY_MATCH_EXTERNAL_ID);
	b.external_ids = bp2;
	assert_int_equal(parley_visit_match(&a, &b, 0), PARLEY_MATCH_NONE);
}

static void rule_direction_date_visitor(void **state)
{
	(void)state;
	parley_visit_desc a = kim(), b = kim();
	b.external_ids = no_ids;
	b.start_date = "1953-11-14";
	assert_int_equal(parley_visit_match(&a, &b, 3), PARLEY_MATCH_RULE);
	assert_int_equal(parley_visit_match(&a, &b, 1), PARLEY_MATCH_NONE);
	/* a partial date overlapping the other matches at tolerance 0 */
	b.start_date = "1953-11";
	assert_int_equal(parley_visit_match(&a, &b, 0), PARLEY_MATCH_RULE);
	b.start_date = "1953-12";
	assert_int_equal(parley_visit_match(&a, &b, 0), PARLEY_MATCH_NONE);
	assert_int_equal(parley_visit_match(&a, &b, 19), PARLEY_MATCH_RULE);
	b.start_date = "1953-11-12";
	/* the other direction is another visit */
	b.from_country = "CHN";
	b.to_country = "PRK";
	assert_int_equal(parley_visit_match(&a, &b, 3), PARLEY_MATCH_NONE);
	b.from_country = "PRK";
	b.to_country = "CHN";
	/* two named visitors must be the same person */
	b.visitor = "kim-jong-il";
	assert_int_equal(parley_visit_match(&a, &b, 3), PARLEY_MATCH_NONE);
	/* names compare folded */
	a.visitor = b.visitor = NULL;
	a.visitor_label = "Kim Il-sung";
	b.visitor_label = "KIM IL SUNG";
	assert_int_equal(parley_visit_match(&a, &b, 3), PARLEY_MATCH_RULE);
	b.visitor_label = "Pak Hon-yong";
	assert_int_equal(parley_visit_match(&a, &b, 3), PARLEY_MATCH_NONE);
}

static void rule_falls_back_to_level(void **state)
{
	(void)state;
	parley_visit_desc a = kim(),
	                  b = {"PRK", "CHN", "1953-11-13", NULL,
	                       "unidentified (Beyond Parallel entry)", "at_least_ministerial", no_ids};
	/* an unnamed visitor: a bound the other level reaches agrees */
	assert_int_equal(parley_visit_match(&a, &b, 3), PARLEY_MATCH_RULE);
	assert_int_equal(parley_visit_match(&b, &a, 3), PARLEY_MATCH_RULE);
	a.level = "vice_ministerial";
	assert_int_equal(parley_visit_match(&a, &b, 3), PARLEY_MATCH_NONE);
	a.level = "unknown";
	assert_int_equal(parley_visit_match(&a, &b, 3), PARLEY_MATCH_NONE);
	a.level = "ministerial";
	b.level = "head_of_state";
	assert_int_equal(parley_visit_match(&a, &b, 3), PARLEY_MATCH_NONE);
}

static void missing_or_bad_fields_never_match(void **state)
{
	(void)state;
	parley_visit_desc a = kim(), b = kim();
	b.external_ids = no_ids;
	b.start_date = "1953-02-30";
	assert_int_equal(parley_visit_match(&a, &b, 3), PARLEY_MATCH_NONE);
	b.start_date = NULL;
	assert_int_equal(parley_visit_match(&a, &b, 3), PARLEY_MATCH_NONE);
	b.start_date = "1953-11-12";
	b.to_country = "";
	assert_int_equal(parley_visit_match(&a, &b, 3), PARLEY_MATCH_NONE);
	assert_int_equal(parley_visit_match(NULL, &b, 3), PARLEY_MATCH_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(external_id_wins),
	    cmocka_unit_test(rule_direction_date_visitor),
	    cmocka_unit_test(rule_falls_back_to_level),
	    cmocka_unit_test(missing_or_bad_fields_never_match),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
