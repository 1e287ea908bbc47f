/* test_web_escape.c - escaping for HTML, URLs and CSV (JSON: test_json_write.c), and href checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "../../src/web/web.h"

typedef int (*esc_fn)(pl_buf *, const char *);

static void expect_esc(esc_fn f, const char *in, const char *want)
{
	pl_buf b;
	pl_buf_init(&b, 0);
	assert_int_equal(f(&b, in), PARLEY_OK);
	assert_string_equal(b.data ? b.data : "", want);
	pl_buf_free(&b);
}

static void html_escapes_markup_and_quotes(void **s)
{
	(void)s;
	expect_esc(pl_esc_html, "<script>alert('x')</script>", "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
	expect_esc(pl_esc_html, "a \"b\" & c", "a &quot;b&quot; &amp; c");
	expect_esc(pl_esc_html, "plain Kim Jong-un 김정은", "plain Kim Jong-un 김정은");
	/* control characters are illegal in XML: dropped; tab and newline kept */
	expect_esc(pl_esc_html, "a\x01" "b\tc\nd\x7f", "ab\tc\nd");
	expect_esc(pl_esc_html, "", "");
}

static void html_null_appends_nothing(void **s)
{
	(void)s;
	pl_buf b;
	pl_buf_init(&b, 0);
	assert_int_equal(pl_esc_html(&b, NULL), PARLEY_OK);
	assert_int_equal((int)b.len, 0);
	pl_buf_free(&b);
}

static void html_respects_buffer_limit(void **s)
{
	(void)s;
	pl_buf b;
	pl_buf_init(&b, 10);
	assert_int_equal(pl_esc_html(&b, "<<<<<"), PARLEY_ELIMIT);
	/* the failure sticks, so a page of escapes is checked once */
	assert_int_equal(pl_buf_failed(&b), PARLEY_ELIMIT);
	pl_buf_adds(&b, "x");
	assert_int_equal(pl_esc_url(&b, "y"), PARLEY_ELIMIT);
	assert_null(pl_buf_take(&b));
	pl_buf_free(&b);
}

static void url_encodes_reserved(void **s)
{
	(void)s;
	expect_esc(pl_esc_url, "CHN:PRK", "CHN%3APRK");
	expect_esc(pl_esc_url, "a b&c=d/e?f#g", "a%20b%26c%3Dd%2Fe%3Ff%23g");
	expect_esc(pl_esc_url, "kim-il_sung.~", "kim-il_sung.~");
	expect_esc(pl_esc_url, "\"><script>", "%22%3E%3Cscript%3E");
	expect_esc(pl_esc_url, "é", "%C3%A9");
}

static void csv_quotes_and_defuses_formulas(void **s)
{
	(void)s;
	expect_esc(pl_esc_csv, "plain", "plain");
	expect_esc(pl_esc_csv, "a,b", "\"a,b\"");
	expect_esc(pl_esc_csv, "say \"hi\"", "\"say \"\"hi\"\"\"");
	expect_esc(pl_esc_csv, "line\nbreak", "\"line\nbreak\"");
	expect_esc(pl_esc_csv, "=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"");
	expect_esc(pl_esc_csv, "@cmd", "\"'@cmd\"");
	expect_esc(pl_esc_csv, "-12.5", "-12.5");
	expect_esc(pl_esc_csv, "-x", "\"'-x\"");
}

static void href_allows_only_web_schemes(void **s)
{
	(void)s;
	assert_true(pl_href_ok("https://example.org/a?b=c"));
	assert_true(pl_href_ok("HTTP://example.org"));
	assert_true(pl_href_ok("mailto:a@b.c"));
	assert_false(pl_href_ok("javascript:alert(1)"));
	assert_false(pl_href_ok(" javascript:alert(1)"));
	assert_false(pl_href_ok("data:text/html,<b>"));
	assert_false(pl_href_ok("https://x.org/\"onmouseover=alert(1)"));
	assert_false(pl_href_ok(NULL));
	assert_false(pl_href_ok("//evil.example"));
}

static void url_decode_handles_escapes(void **s)
{
	(void)s;
	char a[] = "CHN%3aPRK+and%20more";
	assert_int_equal(pl_url_decode(a), PARLEY_OK);
	assert_string_equal(a, "CHN:PRK and more");
	char bad[] = "abc%4";
	assert_int_equal(pl_url_decode(bad), PARLEY_EDATA);
	char nul[] = "a%00b";
	assert_int_equal(pl_url_decode(nul), PARLEY_EDATA);
	char badhex[] = "%zz";
	assert_int_equal(pl_url_decode(badhex), PARLEY_EDATA);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(html_escapes_markup_and_quotes),
	    cmocka_unit_test(html_null_appends_nothing),
	    cmocka_unit_test(html_respects_buffer_limit),
	    cmocka_unit_test(url_encodes_reserved),
	    cmocka_unit_test(csv_quotes_and_defuses_formulas),
	    cmocka_unit_test(href_allows_only_web_schemes),
	    cmocka_unit_test(url_decode_handles_escapes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
