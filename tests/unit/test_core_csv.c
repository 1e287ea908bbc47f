/* test_core_csv.c - the RFC 4180 reader: quoting, line ends, errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "internal.h"

static void reads_quoted_fields_and_all_line_ends(void **state)
{
	(void)state;
	const char *data = "\xEF\xBB\xBF" "a,b,c\r\n1,\"x,y\",\"he said \"\"hi\"\"\"\r2,\"multi\nline\",\rlast,,";
	pl_csv c;
	pl_csv_init(&c, data, strlen(data), ',');
	assert_int_equal(pl_csv_next(&c, NULL), 1);
	assert_int_equal(c.nfields, 3);
	assert_string_equal(c.fields[0], "a");
	assert_int_equal(c.line, 1);
	assert_int_equal(pl_csv_next(&c, NULL), 1);
	assert_string_equal(c.fields[1], "x,y");
	assert_string_equal(c.fields[2], "he said \"hi\"");
	assert_int_equal(c.line, 2);
	assert_int_equal(pl_csv_next(&c, NULL), 1);
	assert_string_equal(c.fields[1], "multi\nline");
	assert_string_equal(c.fields[2], "");
	assert_int_equal(c.line, 3);
	assert_int_equal(pl_csv_next(&c, NULL), 1);
	assert_int_equal(c.line, 5); /* the quoted line break counted */
	assert_int_equal(c.nfields, 3);
	assert_string_equal(c.fields[0], "last");
	assert_int_equal(pl_csv_next(&c, NULL), 0);
	pl_csv_free(&c);
}

static void reports_bad_quoting_with_line_and_column(void **state)
{
	(void)state;
	const char *cases[][2] = {
	    {"a,b\n1,\"open", "line 2, column 3: quoted field never closed"},
	    {"a,b\n1,\"x\"y", "line 2, column 6: text after a closing quote"},
	    {"a,b\nab\"c,d", "line 2, column 3: quote inside an unquoted field"},
	};
	for (size_t i = 0; i < 3; i++) {
		pl_csv c;
		parley_err err = {0, ""};
		pl_csv_init(&c, cases[i][0], strlen(cases[i][0]), ',');
		assert_int_equal(pl_csv_next(&c, &err), 1);
		assert_int_equal(pl_csv_next(&c, &err), PARLEY_EDATA);
		assert_string_equal(err.msg, cases[i][1]);
		pl_csv_free(&c);
	}
}

static void cr_only_file_without_final_terminator(void **state)
{
	(void)state;
	const char *data = "StateAbb,CCode,StateNme\rUSA,2,United States of America\rCAN,20,Canada";
	pl_csv c;
	pl_csv_init(&c, data, strlen(data), ',');
	int n = 0;
	while (pl_csv_next(&c, NULL) == 1)
		n++;
	assert_int_equal(n, 3);
	assert_string_equal(c.fields[2], "Canada");
	pl_csv_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(reads_quoted_fields_and_all_line_ends),
	    cmocka_unit_test(reports_bad_quoting_with_line_and_column),
	    cmocka_unit_test(cr_only_file_without_final_terminator),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
