/* test_core_textw.c - the one aligned-table printer: display width (Hangul
 * and Hanzi two columns, combining marks none), right alignment, cutting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parley.h"

static char *print(const char *const *cells, size_t nrows, size_t ncols, const bool *right,
                   size_t max)
{
	char *mem = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&mem, &n);
	assert_non_null(f);
	assert_int_equal(parley_text_table(f, cells, nrows, ncols, right, max), PARLEY_OK);
	fclose(f);
	return mem;
}

static void pads_by_display_width(void **state)
{
	(void)state;
	/* 김정은 is 6 columns, 邓小平 6, "Dè" with a combining grave 2. */
	const char *cells[] = {"name", "n", "김정은", "1", "邓小平", "22", "De\xcc\x80", "333"};
	const bool right[] = {false, true};
	char *out = print(cells, 4, 2, right, 0);
	assert_string_equal(out, "name      n\n"
	                         "김정은    1\n"
	                         "邓小平   22\n"
	                         "De\xcc\x80      333\n");
	free(out);
}

static void cuts_wide_cells_with_an_ellipsis(void **state)
{
	(void)state;
	const char *cells[] = {"a", "b", "조선민주주의인민공화국", "x"};
	char *out = print(cells, 2, 2, NULL, 7);
	/* 7 columns: three Hangul syllables (6) and the ellipsis (1). */
	assert_string_equal(out, "a        b\n"
	                         "조선민…  x\n");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(pads_by_display_width),
	    cmocka_unit_test(cuts_wide_cells_with_an_ellipsis),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
