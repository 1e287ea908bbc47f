/* test_core_json.c - the one JSON writer (jsonw.c): what it escapes, what
 * it does with bytes that are not UTF-8, and that what it writes parses back
 * to the same value. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Writes j (taken) with pl_json_write and returns the text; caller frees. */
static char *written(json_t *j)
{
	pl_buf b;
	pl_buf_init(&b, 0);
	assert_int_equal(pl_json_write(&b, j), PARLEY_OK);
	json_decref(j);
	return pl_buf_take(&b);
}

static void strings_are_script_safe(void **s)
{
	(void)s;
	static const struct {
		const char *in, *want;
	} cases[] = {
	    {"</script><!--", "\"\\u003c/script\\u003e\\u003c!--\""},
	    {"a\"b\\c\nd\x01", "\"a\\\"b\\\\c\\nd\\u0001\""},
	    {"x\xe2\x80\xa8y\xe2\x80\xa9", "\"x\\u2028y\\u2029\""},
	    {"A&B", "\"A\\u0026B\""},
	    {"\t\r\x1f\x7f", "\"\\t\\r\\u001F\x7f\""}, /* jansson: upper-case hex */
	    {"김정은 金正恩", "\"김정은 金正恩\""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *t = written(pl_json_text(cases[i].in));
		assert_string_equal(t, cases[i].want);
		/* and it parses back to the very string */
		json_t *back = json_loads(t, JSON_DECODE_ANY, NULL);
		assert_non_null(back);
		assert_string_equal(json_string_value(back), cases[i].in);
		json_decref(back);
		free(t);
	}
}

static void bad_bytes_become_replacement_characters(void **s)
{
	(void)s;
	json_t *v = pl_json_text("a\xff" "b\xc3" "c\xed\xa0\x80" "d");
	assert_non_null(v);
	/* each byte that starts no valid sequence is one U+FFFD; the rest is kept */
	assert_string_equal(json_string_value(v),
	                    "a\xef\xbf\xbd" "b\xef\xbf\xbd" "c\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" "d");
	char *t = written(v);
	assert_int_equal(pl_utf8_invalid_at(t, strlen(t)), -1);
	free(t);
	json_t *n = pl_json_text(NULL);
	assert_true(json_is_null(n));
	json_decref(n);
}

static void objects_are_compact_in_insertion_order(void **s)
{
	(void)s;
	json_t *o = json_pack("{s:s,s:i,s:f,s:f,s:o,s:b,s:n}", "z", "<b>", "a", 3, "half",
	                      pl_json_round(12.346, 2), "whole", 2.0, "ids",
	                      pl_json_ids((const char *const[]){"x", "y\"z"}, 2), "open", 1, "end");
	char *t = written(o);
	assert_string_equal(t, "{\"z\":\"\\u003cb\\u003e\",\"a\":3,\"half\":12.35,\"whole\":2.0,"
	                       "\"ids\":[\"x\",\"y\\\"z\"],\"open\":true,\"end\":null}");
	free(t);
	assert_true(pl_json_round(0.66666, 4) == 0.6667);
	assert_true(pl_json_round(-1.25, 1) == -1.3);
}

static void a_full_buffer_is_left_as_it_was(void **s)
{
	(void)s;
	pl_buf b;
	pl_buf_init(&b, 8);
	assert_int_equal(pl_buf_puts(&b, "[1,"), PARLEY_OK);
	json_t *big = pl_json_text("far too long for the buffer");
	assert_int_equal(pl_json_write(&b, big), PARLEY_ELIMIT);
	assert_string_equal(b.data, "[1,"); /* nothing half-written */
	json_decref(big);
	assert_int_equal(pl_json_write(&b, NULL), PARLEY_EINVAL);
	pl_buf_free(&b);
}

static void items_stream_a_list(void **s)
{
	(void)s;
	pl_buf b;
	pl_buf_init(&b, 0);
	assert_int_equal(pl_buf_putc(&b, '['), PARLEY_OK);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(pl_json_item(&b, i, "\n ", json_pack("{s:I}", "n", (json_int_t)i)),
		                 PARLEY_OK);
	assert_int_equal(pl_buf_puts(&b, "\n]\n"), PARLEY_OK);
	assert_string_equal(b.data, "[\n {\"n\":0},\n {\"n\":1},\n {\"n\":2}\n]\n");
	json_t *back = json_loads(b.data, 0, NULL);
	assert_int_equal(json_array_size(back), 3);
	json_decref(back);
	/* a failed build (NULL) is out of memory, and writes nothing */
	size_t len = b.len;
	assert_int_equal(pl_json_item(&b, 3, "\n ", NULL), PARLEY_ENOMEM);
	assert_int_equal(b.len, len);
	pl_buf_free(&b);
}

static void a_failed_write_is_eio(void **s)
{
	(void)s;
	FILE *full = fopen("/dev/full", "w"); /* every write fails with ENOSPC */
	assert_non_null(full);
	setvbuf(full, NULL, _IONBF, 0);
	parley_err err = {0};
	assert_int_equal(pl_json_fwrite_line(full, json_pack("{s:s}", "a", "b"), "test", &err),
	                 PARLEY_EIO);
	assert_non_null(strstr(err.msg, "test: writing the output failed"));
	assert_int_equal(pl_json_fwrite_line(stdout, NULL, "test", &err), PARLEY_ENOMEM);
	fclose(full);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(strings_are_script_safe),
	    cmocka_unit_test(bad_bytes_become_replacement_characters),
	    cmocka_unit_test(objects_are_compact_in_insertion_order),
	    cmocka_unit_test(a_full_buffer_is_left_as_it_was),
	    cmocka_unit_test(items_stream_a_list),
	    cmocka_unit_test(a_failed_write_is_eio),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
