/* test_core_fold.c - the name-matching key. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "parley.h"

static void check(const char *in, const char *want)
{
	char *f = parley_fold(in);
	assert_non_null(f);
	assert_string_equal(f, want);
	free(f);
}

static void folds_case_accents_and_punctuation(void **state)
{
	(void)state;
	check("Kim Jong-un", "kimjongun");
	check("KIM JONG UN", "kimjongun");
	check("Kim Jŏng-ŭn", "kimjongun");
	check("Hernández", "hernandez");
	check("Łukasz Żółć", "lukaszzolc");
	check("Chou En-lai", "chouenlai");
	check("O’Neill", "oneill");
	check("", "");
}

static void keeps_other_scripts(void **state)
{
	(void)state;
	check("김정은", "김정은");
	check("毛泽东", "毛泽东");
	check("Mao 毛泽东", "mao毛泽东");
	check("bad \xff byte", "badbyte");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(folds_case_accents_and_punctuation),
	    cmocka_unit_test(keeps_other_scripts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
