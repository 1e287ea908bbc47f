/* test_web_svg.c - the charts: one group per year, bars from zero, era bands,
 * accessible title/desc, escaped labels, marks linked to visits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "../../src/web/web.h"

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static const pl_chart_era eras[] = {
    {"Mao <Zedong> & \"Kim\"", 1953.0, 1976.7, 10, "/visits?era=1"},
    {"Hua / Kim", 1976.7, 1978.97, 2, NULL},
};

static pl_chart base_chart(void)
{
	pl_chart c = {0};
	c.id = "timeline";
	c.title = "Visits <peaked> in 1955";
	c.subtitle = "Visits per year, as of 2024-04-13";
	c.desc = "Most visits came in the 1950s";
	c.source = "Test data & co";
	c.dir_label[0] = "North Korea to China";
	c.dir_label[1] = "China to North Korea";
	c.year_href = "visits.html?from=%d&to=%d";
	c.eras = eras;
	c.neras = 2;
	c.first_year = 1953;
	c.last_year = 1978;
	return c;
}

static void timeline_has_a_group_per_year(void **s)
{
	(void)s;
	pl_chart c = base_chart();
	pl_chart_year y[] = {{1953, {1, 0}}, {1955, {2, 3}}, {1978, {0, 1}}};
	pl_buf b;
	pl_buf_init(&b, 0);
	assert_int_equal(pl_svg_timeline(&b, &c, y, 3), PARLEY_OK);
	assert_int_equal((int)count(b.data, "<g class=\"yr\""), 1978 - 1953 + 1);
	assert_non_null(strstr(b.data, "data-year=\"1955\" data-n0=\"2\" data-n1=\"3\""));
	assert_non_null(strstr(b.data, "data-year=\"1954\" data-n0=\"0\" data-n1=\"0\""));
	/* the links to each year's list are escaped for the attribute */
	assert_non_null(strstr(b.data, "href=\"visits.html?from=1955&amp;to=1955\""));
	/* five bars for three non-empty years (1955 has both directions) */
	assert_int_equal((int)count(b.data, "class=\"bar "), 4);
	pl_buf_free(&b);
}

static void timeline_is_accessible_and_escaped(void **s)
{
	(void)s;
	pl_chart c = base_chart();
	pl_chart_year y[] = {{1960, {1, 1}}};
	pl_buf b;
	pl_buf_init(&b, 0);
	assert_int_equal(pl_svg_timeline(&b, &c, y, 1), PARLEY_OK);
	assert_non_null(strstr(b.data, "<title id=\"timeline-t\">Visits &lt;peaked&gt; in 1955</title>"));
	assert_non_null(strstr(b.data, "<desc id=\"timeline-d\">Most visits came in the 1950s</desc>"));
	assert_non_null(strstr(b.data, "aria-labelledby=\"timeline-t timeline-d\""));
	assert_non_null(strstr(b.data, "Mao &lt;Zedong&gt; &amp; &quot;Kim&quot;"));
	assert_null(strstr(b.data, "<Zedong>"));
	assert_non_null(strstr(b.data, "Source: Test data &amp; co"));
	/* the value axis starts at zero and names its unit */
	assert_non_null(strstr(b.data, ">0</text>"));
	assert_non_null(strstr(b.data, " visits</text>"));
	/* era bands are drawn and the linked era label is present */
	assert_int_equal((int)count(b.data, "<g class=\"era\">"), 2);
	assert_non_null(strstr(b.data, "href=\"/visits?era=1\""));
	/* no rotated text anywhere */
	assert_null(strstr(b.data, "rotate"));
	pl_buf_free(&b);
}

static void timeline_rejects_bad_range(void **s)
{
	(void)s;
	pl_chart c = base_chart();
	c.first_year = 2000;
	c.last_year = 1999;
	pl_buf b;
	pl_buf_init(&b, 0);
	assert_int_equal(pl_svg_timeline(&b, &c, NULL, 0), PARLEY_EINVAL);
	pl_buf_free(&b);
}

static void era_marks_one_per_visit_sized_by_level(void **s)
{
	(void)s;
	pl_chart c = base_chart();
	c.id = "eras";
	pl_chart_mark m[] = {
	    {1953.86, 0, 7, "1953-11-10 Kim Il-sung", "visit/a.html"},
	    {1953.86, 0, 7, "same day, must not overlap", "visit/b.html"},
	    {1958.1, 1, 2, "<script>x</script>", "visit/c.html"},
	};
	pl_buf b;
	pl_buf_init(&b, 0);
	assert_int_equal(pl_svg_era_marks(&b, &c, m, 3), PARLEY_OK);
	assert_int_equal((int)count(b.data, "<circle class=\"mark"), 3);
	assert_int_equal((int)count(b.data, "class=\"mark d1\""), 1);
	assert_non_null(strstr(b.data, "&lt;script&gt;x&lt;/script&gt;"));
	assert_null(strstr(b.data, "<script>"));
	assert_non_null(strstr(b.data, "href=\"visit/c.html\""));
	/* the two marks on the same date are dodged apart: different cy */
	const char *p1 = strstr(b.data, "class=\"mark d0\"");
	const char *p2 = strstr(p1 + 1, "class=\"mark d0\"");
	double x1, y1, x2, y2;
	assert_int_equal(sscanf(p1, "class=\"mark d0\" cx=\"%lf\" cy=\"%lf\"", &x1, &y1), 2);
	assert_int_equal(sscanf(p2, "class=\"mark d0\" cx=\"%lf\" cy=\"%lf\"", &x2, &y2), 2);
	assert_true(x1 == x2);
	assert_true(y1 != y2);
	/* a paramount leader's mark is larger than a ministerial one */
	double r7, r2;
	assert_int_equal(sscanf(strstr(p1, "r=\""), "r=\"%lf\"", &r7), 1);
	assert_int_equal(sscanf(strstr(strstr(b.data, "class=\"mark d1\""), "r=\""), "r=\"%lf\"", &r2), 1);
	assert_true(r7 > r2);
	/* era labels carry the visit counts */
	assert_non_null(strstr(b.data, "(10)"));
	pl_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(timeline_has_a_group_per_year),
	    cmocka_unit_test(timeline_is_accessible_and_escaped),
	    cmocka_unit_test(timeline_rejects_bad_range),
	    cmocka_unit_test(era_marks_one_per_visit_sized_by_level),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
