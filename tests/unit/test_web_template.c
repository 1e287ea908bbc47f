/* test_web_template.c - the Mustache-style renderer: variables, escaping,
 * sections, inverted sections, partials, filters and errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "../../src/web/web.h"

static const char *partials(const char *name, void *ud)
{
	(void)ud;
	if (strcmp(name, "row") == 0)
		return "<li>{{name}}</li>";
	if (strcmp(name, "loop") == 0)
		return "{{>loop}}";
	return NULL;
}

/* Renders tpl over the JSON text ctx; returns the status, output in *out. */
static int render(const char *tpl, const char *ctx, char **out, parley_err *err)
{
	json_error_t je;
	json_t *c = json_loads(ctx, 0, &je);
	assert_non_null(c);
	pl_buf b;
	pl_buf_init(&b, 1 << 20);
	int rc = pl_tpl_render(&b, tpl, c, partials, NULL, err);
	json_decref(c);
	*out = pl_buf_take(&b);
	return rc;
}

static void expect(const char *tpl, const char *ctx, const char *want)
{
	char *out = NULL;
	parley_err err = {0};
	assert_int_equal(render(tpl, ctx, &out, &err), PARLEY_OK);
	assert_string_equal(out, want);
	free(out);
}

static void expect_error(const char *tpl, const char *ctx, const char *fragment)
{
	char *out = NULL;
	parley_err err = {0};
	assert_int_not_equal(render(tpl, ctx, &out, &err), PARLEY_OK);
	assert_non_null(strstr(err.msg, fragment));
	free(out);
}

static void variables_are_escaped(void **s)
{
	(void)s;
	expect("Hi {{name}}!", "{\"name\":\"<b>\\\"Kim\\\" & 'co'</b>\"}",
	       "Hi &lt;b&gt;&quot;Kim&quot; &amp; &#39;co&#39;&lt;/b&gt;!");
	expect("{{{raw}}}|{{& raw}}", "{\"raw\":\"<svg/>\"}", "<svg/>|<svg/>");
	expect("[{{missing}}]", "{}", "[]");
	expect("{{n}} {{r}} {{t}} {{f}} {{z}}", "{\"n\":42,\"r\":1.5,\"t\":true,\"f\":false,\"z\":null}",
	       "42 1.5 true  ");
}

static void dotted_names_and_context_stack(void **s)
{
	(void)s;
	expect("{{a.b.c}}", "{\"a\":{\"b\":{\"c\":\"deep\"}}}", "deep");
	expect("{{l.1.x}}|{{l.5.x}}|{{#l.0}}some{{/l.0}}{{^e.0}}none{{/e.0}}",
	       "{\"l\":[{\"x\":1},{\"x\":2}],\"e\":[]}", "2||somenone");
	expect("{{#v}}{{id}}:{{title}};{{/v}}", "{\"title\":\"T\",\"v\":[{\"id\":1},{\"id\":2,\"title\":\"own\"}]}",
	       "1:T;2:own;");
	expect("{{#list}}<{{.}}>{{/list}}", "{\"list\":[\"a\",\"<b>\"]}", "<a><&lt;b&gt;>");
}

static void sections_follow_truthiness(void **s)
{
	(void)s;
	const char *t = "{{#x}}yes{{/x}}{{^x}}no{{/x}}";
	expect(t, "{\"x\":true}", "yes");
	expect(t, "{\"x\":false}", "no");
	expect(t, "{\"x\":null}", "no");
	expect(t, "{}", "no");
	expect(t, "{\"x\":[]}", "no");
	expect(t, "{\"x\":\"\"}", "no");
	expect(t, "{\"x\":0}", "no");
	expect(t, "{\"x\":3}", "yes");
	expect(t, "{\"x\":[1,2]}", "yesyes");
	expect(t, "{\"x\":{\"k\":1}}", "yes");
}

static void nested_same_name_sections(void **s)
{
	(void)s;
	expect("{{#a}}({{#a}}in{{/a}}){{/a}}", "{\"a\":true}", "(in)");
}

static void partials_render_in_context(void **s)
{
	(void)s;
	expect("<ul>{{#p}}{{>row}}{{/p}}</ul>", "{\"p\":[{\"name\":\"<x>\"},{\"name\":\"y\"}]}",
	       "<ul><li>&lt;x&gt;</li><li>y</li></ul>");
}

static void filters_url_and_json(void **s)
{
	(void)s;
	expect("<a href=\"/v?between={{p|url}}\">", "{\"p\":\"CHN:PRK\\\"><x\"}",
	       "<a href=\"/v?between=CHN%3APRK%22%3E%3Cx\">");
	expect("{{o|json}}", "{\"o\":{\"a\":\"<\"}}", "{&quot;a&quot;:&quot;&lt;&quot;}");
}

static void comments_vanish(void **s)
{
	(void)s;
	expect("a{{! note }}b", "{}", "ab");
}

static void errors_name_the_problem(void **s)
{
	(void)s;
	expect_error("{{#a}}never closed", "{\"a\":1}", "'a' is not closed");
	expect_error("text {{/b}}", "{}", "closes no section");
	expect_error("{{unterminated", "{}", "unterminated");
	expect_error("{{>nope}}", "{}", "unknown partial 'nope'");
	expect_error("{{>loop}}", "{}", "too deep");
	expect_error("{{x|shout}}", "{\"x\":\"a\"}", "unknown filter");
}

static void output_limit_is_an_error(void **s)
{
	(void)s;
	json_t *c = json_pack("{s:s}", "x", "0123456789");
	pl_buf b;
	pl_buf_init(&b, 16);
	parley_err err = {0};
	assert_int_equal(pl_tpl_render(&b, "{{x}}{{x}}{{x}}", c, NULL, NULL, &err), PARLEY_ELIMIT);
	json_decref(c);
	pl_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(variables_are_escaped),
	    cmocka_unit_test(dotted_names_and_context_stack),
	    cmocka_unit_test(sections_follow_truthiness),
	    cmocka_unit_test(nested_same_name_sections),
	    cmocka_unit_test(partials_render_in_context),
	    cmocka_unit_test(filters_url_and_json),
	    cmocka_unit_test(comments_vanish),
	    cmocka_unit_test(errors_name_the_problem),
	    cmocka_unit_test(output_limit_is_an_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
