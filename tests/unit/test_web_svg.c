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

/* A year's link as the dashboard builds it; the chart frees it. */
static char *year_link(int year, void *ud)
{
	char s[80];
	snprintf(s, sizeof s, "%s?from=%d&to=%d", (const char *)ud, year, year);
	return strdup(s);
}

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
	c.year_href = year_link;
	c.year_ud = (void *)"visits.html";
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
	    {1953.86, 0, 7, "1953-11-10 Kim Il-sung", "visit/a.html", NULL},
	    {1953.86, 0, 7, "same day, must not overlap", "visit/b.html", NULL},
	    {1958.1, 1, 2, "<script>x</script>", "visit/c.html", NULL},
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

/* The longest gap is a bracket over its years, above the taller bar at its
 * ends, with an escaped label linked to the visits that bound it. */
static void timeline_draws_gap_annotation(void **s)
{
	(void)s;
	pl_chart c = base_chart();
	const pl_chart_span sp = {1965.5, 1969.75, "Longest gap: 4.3 years <without> a visit", "visits?from=1965-06-28&to=1969-09-30"};
	c.spans = &sp;
	c.nspans = 1;
	c.first_year = 1960;
	c.last_year = 1975;
	const pl_chart_year years[] = {{1965, {2, 1}}, {1969, {1, 0}}, {1974, {9, 9}}};
	pl_buf b;
	pl_buf_init(&b, 0);
	assert_int_equal(pl_svg_timeline(&b, &c, years, 3), PARLEY_OK);
	assert_int_equal((int)count(b.data, "class=\"span-note\""), 1);
	assert_non_null(strstr(b.data, "Longest gap: 4.3 years &lt;without&gt; a visit"));
	assert_non_null(strstr(b.data, "href=\"visits?from=1965-06-28&amp;to=1969-09-30\""));
	/* the bracket's x range follows the dates; its height clears the 1965
	 * bar (3 visits) but ignores 1974's taller bar away from it */
	double x0, y0, y1, x1;
	const char *d = strstr(b.data, "class=\"span-note\"><path d=\"M");
	assert_non_null(d);
	assert_int_equal(sscanf(strstr(d, "d=\"M") + 4, "%lf %lfV%lfH%lf", &x0, &y0, &y1, &x1), 4);
	assert_true(x0 < x1);
	/* plot: x0 72, x1 944 over 16 years; 1965.5 -> 72 + 5.5 * 54.5 */
	assert_true(x0 > 370 && x0 < 375);
	assert_true(x1 > 603 && x1 < 608);
	/* y scale: max 18 -> top 20 over 244 px; 3 visits = 36.6 px above 376 */
	assert_true(y1 < 376 - 36.6 && y1 > 376 - 36.6 - 30);
	pl_buf_free(&b);
	/* a span outside the chart's years draws nothing */
	const pl_chart_span out = {1990, 1995, "outside", NULL};
	c.spans = &out;
	pl_buf_init(&b, 0);
	assert_int_equal(pl_svg_timeline(&b, &c, years, 3), PARLEY_OK);
	assert_null(strstr(b.data, "span-note"));
	pl_buf_free(&b);
}

/* A mark with a note gets a ring and a label; labels that would collide
 * move to another row, and one that fits nowhere keeps only its ring. */
static void era_marks_draw_first_annotations(void **s)
{
	(void)s;
	pl_chart c = base_chart();
	c.id = "eras";
	pl_chart_mark m[] = {
	    {1960.0, 0, 7, "a", "visit/a.html", "Kim <Il-sung>'s first"},
	    {1960.2, 0, 7, "b", "visit/b.html", "Second leader's first"},
	    {1960.4, 0, 7, "c", "visit/c.html", "Third leader's first"},
	    {1960.6, 0, 7, "e", "visit/e.html", "Fourth leader's first"},
	    {1960.8, 0, 7, "f", "visit/f.html", "Fifth leader's first"},
	    {1960.9, 0, 7, "g", "visit/g.html", "Sixth leader's first"},
	    {1970.0, 1, 2, "d", "visit/d.html", NULL},
	};
	pl_buf b;
	pl_buf_init(&b, 0);
	assert_int_equal(pl_svg_era_marks(&b, &c, m, 7), PARLEY_OK);
	assert_int_equal((int)count(b.data, "class=\"note-ring\""), 6);
	assert_non_null(strstr(b.data, "Kim &lt;Il-sung&gt;&#39;s first"));
	/* three rows, each label starting or ending at its mark: not all six fit */
	size_t labels = count(b.data, "class=\"note\"");
	assert_true(labels >= 3 && labels < 6);
	assert_null(strstr(b.data, "Sixth leader"));
	/* the two labels are on different rows */
	double ya, yb;
	const char *t1 = strstr(b.data, "class=\"note\"");
	const char *t2 = strstr(t1 + 1, "class=\"note\"");
	const char *p1 = t1, *p2 = t2;
	while (strncmp(p1, " y=\"", 4) != 0)
		p1--;
	while (strncmp(p2, " y=\"", 4) != 0)
		p2--;
	assert_int_equal(sscanf(p1, " y=\"%lf\"", &ya), 1);
	assert_int_equal(sscanf(p2, " y=\"%lf\"", &yb), 1);
	assert_true(ya != yb);
	pl_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(timeline_has_a_group_per_year),
	    cmocka_unit_test(timeline_is_accessible_and_escaped),
	    cmocka_unit_test(timeline_rejects_bad_range),
	    cmocka_unit_test(era_marks_one_per_visit_sized_by_level),
	    cmocka_unit_test(timeline_draws_gap_annotation),
	    cmocka_unit_test(era_marks_draw_first_annotations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
