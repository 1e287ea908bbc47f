/* test_core_buf.c - bounded buffers, UTF-8 validation, slugs and reports. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static void buffer_grows_to_its_maximum_and_no_further(void **state)
{
	(void)state;
	pl_buf b;
	pl_buf_init(&b, 10);
	assert_int_equal(pl_buf_puts(&b, "hello"), PARLEY_OK);
	assert_int_equal(pl_buf_printf(&b, "%d", 12345), PARLEY_OK);
	assert_int_equal(b.len, 10);
	assert_string_equal(b.data, "hello12345");
	assert_int_equal(pl_buf_putc(&b, 'x'), PARLEY_ELIMIT);
	assert_int_equal(pl_buf_printf(&b, "%s", "yy"), PARLEY_ELIMIT);
	assert_string_equal(b.data, "hello12345"); /* unchanged after a refused append */
	char *s = pl_buf_take(&b);
	assert_string_equal(s, "hello12345");
	free(s);
	assert_null(b.data);
	pl_buf_free(&b);
}

/* The sticky family: the first failure is remembered, later appends of
 * either family are refused with it, and take() hands out nothing. */
static void a_failed_sticky_append_sticks_until_reset(void **state)
{
	(void)state;
	pl_buf b;
	pl_buf_init(&b, 8);
	pl_buf_adds(&b, "abc");
	pl_buf_addc(&b, 'd');
	assert_int_equal(pl_buf_failed(&b), PARLEY_OK);
	pl_buf_addf(&b, "%s", "too long"); /* 4 + 8 > 8: refused */
	assert_int_equal(pl_buf_failed(&b), PARLEY_ELIMIT);
	assert_string_equal(b.data, "abcd");   /* the refused text left no trace */
	pl_buf_addc(&b, 'e');                   /* would fit, but the buffer failed */
	pl_buf_add(&b, "f", 1);
	assert_string_equal(b.data, "abcd");
	assert_int_equal(pl_buf_putc(&b, 'g'), PARLEY_ELIMIT); /* the checked ones too */
	assert_int_equal(pl_buf_printf(&b, "h"), PARLEY_ELIMIT);
	assert_int_equal(b.len, 4);
	assert_null(pl_buf_take(&b)); /* half a text is no text */
	assert_null(b.data);
	assert_int_equal(pl_buf_failed(&b), PARLEY_OK); /* take freed it: a new start */
	pl_buf_adds(&b, "x");
	assert_string_equal(b.data, "x");
	pl_buf_adds(&b, "123456789");
	assert_int_equal(pl_buf_failed(&b), PARLEY_ELIMIT);
	pl_buf_reset(&b); /* the lost text went with the rest */
	assert_int_equal(pl_buf_failed(&b), PARLEY_OK);
	pl_buf_adds(&b, "ok");
	assert_string_equal(b.data, "ok");
	pl_buf_free(&b);
	/* a checked append's failure does not stick: the caller handled it */
	pl_buf_init(&b, 2);
	assert_int_equal(pl_buf_puts(&b, "abc"), PARLEY_ELIMIT);
	assert_int_equal(pl_buf_failed(&b), PARLEY_OK);
	assert_int_equal(pl_buf_puts(&b, "ab"), PARLEY_OK);
	assert_string_equal(b.data, "ab");
	pl_buf_free(&b);
}

static void arrays_grow_by_doubling_and_refuse_overflow(void **state)
{
	(void)state;
	size_t cap = 0;
	long *a = pl_grow(NULL, &cap, 1, sizeof *a, 4);
	assert_non_null(a);
	assert_int_equal(cap, 4);
	assert_ptr_equal(pl_grow(a, &cap, 4, sizeof *a, 4), a); /* large enough: unchanged */
	a = pl_grow(a, &cap, 5, sizeof *a, 4);
	assert_int_equal(cap, 8);
	a = pl_grow(a, &cap, 100, sizeof *a, 4);
	assert_int_equal(cap, 128);
	a[99] = 7;
	/* a size that would overflow: NULL, and the array and cap stay */
	assert_null(pl_grow(a, &cap, SIZE_MAX / 2, sizeof *a, 4));
	assert_int_equal(cap, 128);
	assert_int_equal(a[99], 7);
	free(a);
}

static void utf8_validation_finds_the_offset(void **state)
{
	(void)state;
	assert_int_equal(pl_utf8_invalid_at("abc", 3), -1);
	assert_int_equal(pl_utf8_invalid_at("김정은", strlen("김정은")), -1);
	assert_int_equal(pl_utf8_invalid_at("ab\xff", 3), 2);
	assert_int_equal(pl_utf8_invalid_at("a\xC3", 2), 1);          /* truncated */
	assert_int_equal(pl_utf8_invalid_at("\xC0\xAF", 2), 0);       /* overlong */
	assert_int_equal(pl_utf8_invalid_at("x\xED\xA0\x80", 4), 1);  /* surrogate */
	assert_int_equal(pl_utf8_invalid_at("\xF4\x90\x80\x80", 4), 0); /* > U+10FFFF */
	assert_int_equal(pl_utf8_invalid_at("\xE0\x80\x80", 3), 0);      /* overlong, 3 bytes */
	/* pl_utf8_whole: a truncated last sequence is dropped, a whole one kept */
	assert_int_equal(pl_utf8_whole("ab\xEA\xB9", 4), 2);  /* 김 lost its last byte */
	assert_int_equal(pl_utf8_whole("ab\xEA", 3), 2);
	assert_int_equal(pl_utf8_whole("ab김", strlen("ab김")), strlen("ab김"));
	assert_int_equal(pl_utf8_whole("abc", 3), 3);
	assert_int_equal(pl_utf8_whole("", 0), 0);
}

static void slugs_and_copies(void **state)
{
	(void)state;
	char buf[32];
	assert_string_equal(pl_slug("Kim Jong-un", buf, sizeof buf), "kim-jong-un");
	assert_string_equal(pl_slug("  (inferred) Zhou  Enlai ", buf, sizeof buf), "inferred-zhou-enlai");
	assert_string_equal(pl_slug("abcdefghij", buf, 5), "abcd");
	char small[4];
	assert_int_equal(pl_strlcpy(small, "abcdef", sizeof small), 6);
	assert_string_equal(small, "abc");
}

static void report_keeps_copies_and_counts(void **state)
{
	(void)state;
	parley_report *r = parley_report_new();
	char file[16] = "a.csv";
	parley_report_add(r, PARLEY_ERROR, file, 3, 2, "visit:x", "end_date", "end-before-start",
	                  "end %s before %s", "1", "2");
	file[0] = 'z';
	parley_report_add(r, PARLEY_WARNING, NULL, 0, 0, NULL, NULL, NULL, "w");
	assert_int_equal(parley_report_count(r), 2);
	assert_int_equal(parley_report_count_severity(r, PARLEY_ERROR), 1);
	const parley_finding *f = parley_report_get(r, 0);
	assert_string_equal(f->file, "a.csv");
	assert_int_equal(f->line, 3);
	assert_string_equal(f->message, "end 1 before 2");
	assert_null(parley_report_get(r, 2));
	parley_report_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(buffer_grows_to_its_maximum_and_no_further),
	    cmocka_unit_test(a_failed_sticky_append_sticks_until_reset),
	    cmocka_unit_test(arrays_grow_by_doubling_and_refuse_overflow),
	    cmocka_unit_test(utf8_validation_finds_the_offset),
	    cmocka_unit_test(slugs_and_copies),
	    cmocka_unit_test(report_keeps_copies_and_counts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
