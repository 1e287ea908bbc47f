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

/* A NUL byte would cut a C-string field short: it is an error naming the
 * line, column and the field by its header name, quoted or not. */
static void nul_byte_is_an_error_naming_the_field(void **state)
{
	(void)state;
	static const char unquoted[] = "id,name,note\n1,Kim,ok\n2,Ki\0m,ok\n";
	static const char quoted[] = "id,name,note\n1,Kim,\"a\nb\0\"\n";
	parley_err err = {0, ""};
	pl_csv c;
	pl_csv_init(&c, unquoted, sizeof unquoted - 1, ',');
	assert_int_equal(pl_csv_next(&c, &err), 1);
	assert_int_equal(pl_csv_next(&c, &err), 1);
	assert_int_equal(pl_csv_next(&c, &err), PARLEY_EDATA);
	assert_int_equal(c.bad_field, 2);
	assert_string_equal(err.msg, "line 3, column 5, field 2 (name): NUL byte in the text");
	pl_csv_free(&c);
	pl_csv_init(&c, quoted, sizeof quoted - 1, ',');
	assert_int_equal(pl_csv_next(&c, &err), 1);
	assert_int_equal(pl_csv_next(&c, &err), PARLEY_EDATA);
	assert_int_equal(c.bad_field, 3);
	assert_string_equal(err.msg, "line 3, column 2, field 3 (note): NUL byte in the text");
	pl_csv_free(&c);
}

/* A header that matches no format: the closest concept, its renames, the
 * columns missing and the unknown ones. */
static void diagnoses_an_unknown_header(void **state)
{
	(void)state;
	static const char head[] = "Ref,Start date,End date,From,To,Visitor,Level,Type,Notes\n1,2\n";
	pl_buf b;
	pl_buf_init(&b, 0);
	assert_int_equal(pl_csv_diagnose(head, sizeof head - 1, &b), 1);
	assert_non_null(strstr(b.data, "closest to the 'visit' CSV format"));
	assert_non_null(strstr(b.data, "'Start date' -> start_date"));
	assert_non_null(strstr(b.data, "missing: id (required)"));
	assert_non_null(strstr(b.data, "unknown: 'Ref', 'From', 'To', 'Notes'"));
	assert_non_null(strstr(b.data, "--map FILE"));
	pl_buf_reset(&b);
	static const char person[] = "id,name,native_name,country,note,death_date,birth_date\n";
	assert_int_equal(pl_csv_diagnose(person, sizeof person - 1, &b), 1);
	assert_non_null(strstr(b.data, "closest to the 'person' CSV format"));
	assert_non_null(strstr(b.data, "all there but in another order"));
	pl_buf_reset(&b);
	assert_int_equal(pl_csv_diagnose("just some text\n", 15, &b), 0);
	pl_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(reads_quoted_fields_and_all_line_ends),
	    cmocka_unit_test(reports_bad_quoting_with_line_and_column),
	    cmocka_unit_test(cr_only_file_without_final_terminator),
	    cmocka_unit_test(nul_byte_is_an_error_naming_the_field),
	    cmocka_unit_test(diagnoses_an_unknown_header),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
