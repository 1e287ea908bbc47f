/* test_core_date.c - dates with precision: parsing, impossible dates,
 * ordering, intervals and day numbers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "parley.h"

static parley_date P(const char *s)
{
	parley_date d;
	assert_int_equal(parley_date_parse(s, strlen(s), &d, NULL), PARLEY_OK);
	return d;
}

static void parses_three_precisions(void **state)
{
	(void)state;
	parley_date d = P("1953-11-10");
	assert_int_equal(d.precision, PARLEY_DAY);
	assert_int_equal(d.year, 1953);
	assert_int_equal(d.month, 11);
	assert_int_equal(d.day, 10);
	assert_int_equal(P("2018-03").precision, PARLEY_MONTH);
	assert_int_equal(P("1961").precision, PARLEY_YEAR);
	char buf[16];
	assert_string_equal(parley_date_format(P("2018-03"), buf, sizeof buf), "2018-03");
	assert_string_equal(parley_date_format(P("0999-01-02"), buf, sizeof buf), "0999-01-02");
}

static void rejects_impossible_dates(void **state)
{
	(void)state;
	const char *bad[] = {"2019-02-29", "1969-09-31", "2018-13", "2018-00", "2018-01-00",
	                     "18-01-01", "2018/01/01", "2018-1-1", "", "abcd", "2018-03-1x",
	                     "0000", "2018-02-30"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		parley_date d;
		parley_err err = {0, ""};
		assert_int_equal(parley_date_parse(bad[i], strlen(bad[i]), &d, &err), PARLEY_EDATA);
		assert_int_equal(err.code, PARLEY_EDATA);
		assert_true(strlen(err.msg) > 0);
	}
	parley_date d;
	assert_int_equal(parley_date_parse("2020-02-29", 10, &d, NULL), PARLEY_OK);
	assert_int_equal(parley_date_parse("2000-02-29", 10, &d, NULL), PARLEY_OK);
	assert_int_equal(parley_date_parse("1900-02-29", 10, &d, NULL), PARLEY_EDATA);
}

static void intervals_and_day_numbers(void **state)
{
	(void)state;
	assert_int_equal(parley_date_first_day(P("1970-01-01")), 0);
	assert_int_equal(parley_date_first_day(P("1969-12-31")), -1);
	assert_int_equal(parley_date_last_day(P("2018-03")) - parley_date_first_day(P("2018-03")), 30);
	assert_int_equal(parley_date_last_day(P("2020")) - parley_date_first_day(P("2020")), 365);
	assert_int_equal(parley_date_last_day(P("2019-02")), parley_date_first_day(P("2019-02-28")));
	for (long day = -800000; day < 800000; day += 997) {
		parley_date d = parley_date_from_day(day);
		assert_int_equal(parley_date_first_day(d), day);
	}
}

static void ordering_puts_finer_first(void **state)
{
	(void)state;
	assert_true(parley_date_cmp(P("2018-03-01"), P("2018-03")) < 0);
	assert_true(parley_date_cmp(P("2018-03"), P("2018")) > 0); /* 03-01 after 01-01 */
	assert_true(parley_date_cmp(P("2018-01"), P("2018")) < 0);
	assert_true(parley_date_cmp(P("2018-02-28"), P("2018-03")) < 0);
	assert_int_equal(parley_date_cmp(P("2018-03"), P("2018-03")), 0);
	assert_true(parley_date_cmp(P("1953-11-10"), P("1953-11-27")) < 0);
}

static void levels_order(void **state)
{
	(void)state;
	assert_true(parley_level_at_least("paramount_leader", "ministerial"));
	assert_true(parley_level_at_least("other_senior", "ministerial"));
	assert_true(parley_level_at_least("at_least_ministerial", "ministerial"));
	assert_false(parley_level_at_least("at_least_ministerial", "head_of_government"));
	assert_false(parley_level_at_least("vice_ministerial", "ministerial"));
	assert_false(parley_level_at_least("unknown", "ministerial"));
	assert_false(parley_level_at_least("bogus", "ministerial"));
	assert_int_equal(parley_level_rank("bogus"), -1);
	assert_int_equal(parley_level_rank("paramount_leader"), 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(parses_three_precisions),
	    cmocka_unit_test(rejects_impossible_dates),
	    cmocka_unit_test(intervals_and_day_numbers),
	    cmocka_unit_test(ordering_puts_finer_first),
	    cmocka_unit_test(levels_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
