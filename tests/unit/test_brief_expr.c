/* test_brief_expr.c - the live-figure expression tokenizer, the scanner
 * that finds expressions in a brief, and the front matter parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/brief/brief.h"

static int parse(const char *s, pl_expr *e, size_t *col, parley_err *err)
{
	return pl_expr_parse(s, strlen(s), e, col, err);
}

static void parses_function_word_and_args(void **state)
{
	(void)state;
	pl_expr e;
	size_t col = 99;
	assert_int_equal(parse(" count pair=CHN:PRK era=\"Xi Jinping / Kim Jong-un\" ", &e, &col, NULL), PARLEY_OK);
	assert_string_equal(e.fn, "count");
	assert_null(e.word);
	assert_int_equal(e.nargs, 2);
	assert_string_equal(pl_expr_get(&e, "pair"), "CHN:PRK");
	assert_string_equal(pl_expr_get(&e, "era"), "Xi Jinping / Kim Jong-un");
	assert_null(pl_expr_get(&e, "visitor"));
	pl_expr_free(&e);

	assert_int_equal(parse("chart eras pair=CHN:PRK", &e, &col, NULL), PARLEY_OK);
	assert_string_equal(e.fn, "chart");
	assert_string_equal(e.word, "eras");
	pl_expr_free(&e);

	assert_int_equal(parse("first visitor=kim-jong-un host=CHN", &e, &col, NULL), PARLEY_OK);
	assert_string_equal(pl_expr_get(&e, "visitor"), "kim-jong-un");
	pl_expr_free(&e);

	/* escapes and a "}}" inside quotes */
	assert_int_equal(parse("count era=\"a \\\"b\\\" \\\\ }}\"", &e, &col, NULL), PARLEY_OK);
	assert_string_equal(pl_expr_get(&e, "era"), "a \"b\" \\ }}");
	pl_expr_free(&e);
	/* UTF-8 in a quoted value */
	assert_int_equal(parse("count era=\"Kim Jŏng-ŭn\"", &e, &col, NULL), PARLEY_OK);
	pl_expr_free(&e);
}

/* Each bad expression fails at the byte the message is about. */
static void errors_name_the_column(void **state)
{
	(void)state;
	struct {
		const char *s;
		size_t col;
		const char *msg;
	} cases[] = {
	    {"", 0, "empty expression"},
	    {"   ", 3, "empty expression"},
	    {"Count pair=A:B", 0, "function name"},
	    {"count pair=A:B era", 15, "expected '=' after 'era'"},
	    {"count pair=", 11, "expected a value"},
	    {"count pair=A:B;", 14, "unexpected ';'"},
	    {"count era=\"open", 10, "unclosed quote"},
	    {"count era=\"a\\n\"", 12, "bad escape"},
	    {"count era=\"a\"b", 13, "expected a space after the closing quote"},
	    {"count pair=A:B pair=C:D", 15, "'pair' given twice"},
	    {"count pair=A:B =x", 15, "expected a name"},
	    {"count\tPAIR=x", 6, "expected a name"},
	    {"count era=\"tab\there\"", 14, "control character"},
	    {"chart eras more", 11, "expected '=' after 'more'"},
	    {"count pair=A:B\x01", 14, "unexpected"},
	    {"count pair=A:B x=\"\xff\"", 17, "not valid UTF-8"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		pl_expr e;
		size_t col = 12345;
		parley_err err = {0};
		int rc = parse(cases[i].s, &e, &col, &err);
		if (rc != PARLEY_EDATA || col != cases[i].col || !strstr(err.msg, cases[i].msg))
			fail_msg("case %zu '%s': rc %d col %zu msg '%s'", i, cases[i].s, rc, col, err.msg);
		assert_null(e.fn); /* nothing left allocated */
	}
	/* "count pair" is a function and a word, which is fine syntax */
}

static void limits(void **state)
{
	(void)state;
	char big[2048];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	pl_expr e;
	size_t col;
	assert_int_equal(parse(big, &e, &col, NULL), PARLEY_EDATA);
	char many[1024] = "count";
	for (int i = 0; i < 17; i++) {
		char a[16];
		snprintf(a, sizeof a, " k%d=v", i);
		strcat(many, a);
	}
	parley_err err = {0};
	assert_int_equal(parse(many, &e, &col, &err), PARLEY_EDATA);
	assert_non_null(strstr(err.msg, "more than 16"));
	char longv[600] = "count era=\"";
	memset(longv + 11, 'x', 300);
	strcpy(longv + 311, "\"");
	assert_int_equal(parse(longv, &e, &col, &err), PARLEY_EDATA);
	assert_non_null(strstr(err.msg, "longer than 256"));
	/* The same unquoted: the reader must keep moving past the limit (a
	 * fuzz-found hang stopped advancing once the buffer was full). */
	char bare[600] = "count pair=";
	memset(bare + 11, 'E', 300);
	bare[311] = '\0';
	assert_int_equal(parse(bare, &e, &col, &err), PARLEY_EDATA);
	assert_non_null(strstr(err.msg, "longer than 256"));
}

static void scanner_finds_expressions(void **state)
{
	(void)state;
	const char *t = "a {{ count x=1 }} b {{ sentence context=\"}}\" }}\n{ not }\n{{ open";
	size_t len = strlen(t), pos = 0, s, e;
	assert_int_equal(pl_expr_next(t, len, &pos, &s, &e), 1);
	assert_int_equal(s, 2);
	assert_memory_equal(t + e - 2, "}}", 2);
	assert_int_equal(pl_expr_next(t, len, &pos, &s, &e), 1);
	assert_int_equal(s, 20);
	assert_int_equal(t[e], '\n');
	assert_int_equal(pl_expr_next(t, len, &pos, &s, &e), PARLEY_EDATA);
	long line, col;
	pl_line_col(t, s, &line, &col);
	assert_int_equal(line, 3);
	assert_int_equal(col, 1);
	assert_int_equal(pl_expr_next(t, len, &pos, &s, &e), 0);
	/* an expression never spans a blank line */
	const char *u = "{{ count\n\nx=1 }}";
	pos = 0;
	assert_int_equal(pl_expr_next(u, strlen(u), &pos, &s, &e), PARLEY_EDATA);
}

static const char good[] =
    "---\n"
    "id: kim-2018\n"
    "title: \"A title: with colon\"\n"
    "series: Korea Snapshot\n"
    "date: 2018-03-29\n"
    "as_of: 2018-03-28\n"
    "summary: Short.\n"
    "authors: [mira-han, tomas-reyes]\n"
    "topics:\n"
    "  - China\n"
    "  - North Korea\n"
    "regions: []\n"
    "---\n"
    "Body {{ count pair=CHN:PRK }}\n";

static void front_matter(void **state)
{
	(void)state;
	pl_brief_meta m;
	parley_err err = {0};
	assert_int_equal(pl_brief_meta_parse("k.md", good, strlen(good), &m, &err), PARLEY_OK);
	assert_string_equal(m.title, "A title: with colon");
	assert_int_equal(m.authors.n, 2);
	assert_string_equal(m.authors.v[1], "tomas-reyes");
	assert_int_equal(m.topics.n, 2);
	assert_string_equal(m.topics.v[1], "North Korea");
	assert_int_equal(m.regions.n, 0);
	assert_int_equal(m.body_line, 14);
	assert_string_equal(good + m.body_off, "Body {{ count pair=CHN:PRK }}\n");
	pl_brief_meta_free(&m);

	struct {
		const char *from, *to, *msg;
	} bad[] = {
	    {"series: Korea Snapshot\n", "serie: Korea Snapshot\n", "k.md:4:1: unknown key: serie"},
	    {"as_of: 2018-03-28\n", "as_of: 2018-02-30\n", "k.md:6:8: expected a date"},
	    {"as_of: 2018-03-28\n", "", "missing required key: as_of"},
	    {"---\nBody {{ count pair=CHN:PRK }}\n", "", "no closing line"},
	    {"authors: [mira-han, tomas-reyes]\n", "authors: [mira-han, tomas-reyes\n", "k.md:8:10: expected ']'"},
	    {"  - China\n", "- China\n", "k.md:10:1: a '- item' line must be indented"},
	    {"date: 2018-03-29\n", "date: 2018-03-29\ndate: 2018-03-30\n", "k.md:6:1: key given twice"},
	    {"id: kim-2018\n", "id: Kim 2018\n", "id must be lower-case"},
	    {"title: \"A title: with colon\"\n", "title: \"A title\n", "k.md:3:8: unclosed quote"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char buf[2048];
		const char *at = strstr(good, bad[i].from);
		assert_non_null(at);
		snprintf(buf, sizeof buf, "%.*s%s%s", (int)(at - good), good, bad[i].to, at + strlen(bad[i].from));
		int rc = pl_brief_meta_parse("k.md", buf, strlen(buf), &m, &err);
		if (rc != PARLEY_EDATA || !strstr(err.msg, bad[i].msg))
			fail_msg("case %zu: rc %d msg '%s'", i, rc, err.msg);
	}
	/* a CR alone does not end the first line (found by fuzz_brief_expr) */
	assert_int_equal(pl_brief_meta_parse("k.md", "---\r\r\r}}", 8, &m, &err), PARLEY_EDATA);
	/* CRLF files parse */
	assert_int_equal(pl_brief_meta_parse("k.md", "---\r\nid: a\r\ntitle: t\r\ndate: 2018-01-01\r\nas_of: 2018-01-01\r\nsummary: s\r\nauthors: [x]\r\n---\r\nbody", 94, &m, &err), PARLEY_OK);
	assert_string_equal(m.title, "t");
	pl_brief_meta_free(&m);
	assert_int_equal(pl_brief_meta_parse("k.md", "no front matter", 15, &m, &err), PARLEY_EDATA);
	assert_non_null(strstr(err.msg, "k.md:1:1"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(parses_function_word_and_args),
	    cmocka_unit_test(errors_name_the_column),
	    cmocka_unit_test(limits),
	    cmocka_unit_test(scanner_finds_expressions),
	    cmocka_unit_test(front_matter),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
