/* test_web_query.c - filter parsing (every bad parameter named), date
 * bounds, and pages answered by pl_web_handle over a small store. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/web/webq.h"
#include "test_web_store.h"

static int parse(pl_wq *q, const char *const *kv, parley_err *err)
{
	pl_param ps[PL_MAX_PARAMS];
	size_t n = 0;
	for (; kv[2 * n]; n++) {
		ps[n].key = kv[2 * n];
		ps[n].value = kv[2 * n + 1];
	}
	return pl_wq_parse(q, ps, n, pl_wq_list_params, err);
}

static void expect_bad(const char *const *kv, const char *param)
{
	pl_wq q;
	parley_err err = {0};
	assert_int_equal(parse(&q, kv, &err), PARLEY_EDATA);
	assert_non_null(q.bad_param);
	assert_string_equal(q.bad_param, param);
	char want[80];
	snprintf(want, sizeof want, "parameter '%s'", param);
	assert_non_null(strstr(err.msg, want));
}

static void good_filters_parse(void **s)
{
	(void)s;
	pl_wq q;
	parley_err err = {0};
	const char *kv[] = {"between", "CHN:PRK", "direction", "PRK-CHN", "from", "2018-03", "to", "2018",
	                    "level", "paramount_leader,ministerial", "type", "unofficial,working",
	                    "sort", "-date", "page", "2", "per_page", "10", "q", "Kim Jong Eun", NULL};
	assert_int_equal(parse(&q, kv, &err), PARLEY_OK);
	assert_string_equal(q.a, "CHN");
	assert_string_equal(q.b, "PRK");
	assert_string_equal(q.dir_from, "PRK");
	assert_string_equal(q.dir_to, "CHN");
	assert_string_equal(q.pq.from, "2018-03-01");
	/* to=2018 covers every day of 2018: the range ends on its last day */
	assert_string_equal(q.pq.to, "2018-12-31");
	assert_int_equal(q.page, 2);
	assert_int_equal(q.per_page, 10);
	assert_string_equal(q.sort, "-date");
}

static void date_bounds_follow_precision(void **s)
{
	(void)s;
	pl_wq q;
	parley_err err = {0};
	const char *a[] = {"to", "2016-02", NULL};
	assert_int_equal(parse(&q, a, &err), PARLEY_OK);
	assert_string_equal(q.pq.to, "2016-02-29");
	const char *b[] = {"to", "2018-12-31", NULL};
	assert_int_equal(parse(&q, b, &err), PARLEY_OK);
	assert_string_equal(q.pq.to, "2018-12-31");
	const char *c[] = {"year", "1953", NULL};
	assert_int_equal(parse(&q, c, &err), PARLEY_OK);
	assert_string_equal(q.pq.from, "1953-01-01");
	assert_string_equal(q.pq.to, "1953-12-31");
	/* empty values are no filter (an HTML form sends every field) */
	const char *d[] = {"from", "", "q", "", NULL};
	assert_int_equal(parse(&q, d, &err), PARLEY_OK);
	assert_string_equal(q.pq.from, "");
	assert_null(q.q);
}

static void bad_filters_name_the_parameter(void **s)
{
	(void)s;
	const char *a[] = {"betwen", "CHN:PRK", NULL};
	expect_bad(a, "betwen");
	const char *b[] = {"between", "CHN", NULL};
	expect_bad(b, "between");
	const char *c[] = {"between", "CHN:CHN", NULL};
	expect_bad(c, "between");
	const char *d[] = {"from", "2019-02-29", NULL};
	expect_bad(d, "from");
	const char *e[] = {"year", "2019-02", NULL};
	expect_bad(e, "year");
	const char *f[] = {"level", "paramount_leader,,ministerial", NULL};
	expect_bad(f, "level");
	const char *g[] = {"min_level", "emperor", NULL};
	expect_bad(g, "min_level");
	const char *h[] = {"type", "state,picnic", NULL};
	expect_bad(h, "type");
	const char *i[] = {"status", "confirmed;rejected", NULL};
	expect_bad(i, "status");
	const char *j[] = {"sort", "random", NULL};
	expect_bad(j, "sort");
	const char *k[] = {"page", "0", NULL};
	expect_bad(k, "page");
	const char *l[] = {"per_page", "1001", NULL};
	expect_bad(l, "per_page");
	const char *m[] = {"page", "2x", NULL};
	expect_bad(m, "page");
	const char *n[] = {"from", "2000", "from", "2001", NULL};
	expect_bad(n, "from");
	const char *o[] = {"between", "chn:prk", NULL};
	expect_bad(o, "between");
}

/* ------------------------------------------------------------------ */
/* Pages over a small store                                            */
/* ------------------------------------------------------------------ */

static int setup(void **s)
{
	(void)s;
	const char *sql =
	    "INSERT OR IGNORE INTO country(code, name) VALUES('AAA','Aland <A>'),('BBB','Bland');"
	    "INSERT INTO person(id, name, country) VALUES('p-one','Person <One>','AAA'),('p-two','Two','BBB');"
	    "INSERT INTO person_alias VALUES('p-one','Uno Alias','other');"
	    "INSERT INTO visit(id, visitor, level, from_country, to_country, start_date, type, summary, status)"
	    " VALUES('v-1','p-one','paramount_leader','AAA','BBB','2001-05-02','state','first <b>visit</b>','confirmed'),"
	    " ('v-2','p-two','ministerial','BBB','AAA','2001-09','working','second','confirmed'),"
	    " ('v-3','p-one','ministerial','AAA','BBB','2004','official','third','reported'),"
	    " ('v-4','p-two','ministerial','BBB','AAA','2005-01-01','official','rejected one','rejected');"
	    "INSERT INTO source(id, url) VALUES('s-1','javascript:alert(1)'),('s-2','https://example.org/x');"
	    "INSERT INTO visit_source(visit, source) VALUES('v-1','s-1'),('v-1','s-2');";
	return web_store_open("web", sql);
}

static void api_list_counts_and_pages(void **s)
{
	(void)s;
	pl_web_resp rs;
	const char *kv[] = {"between", "AAA:BBB", "per_page", "1", NULL};
	get(&rs, "/api/v1/visits", kv);
	assert_int_equal(rs.status, 200);
	/* the rejected visit is not counted by default */
	assert_non_null(strstr(rs.body.data, "\"total\": 3"));
	assert_non_null(strstr(rs.body.data, "\"pages\": 3"));
	assert_non_null(strstr(rs.body.data, "\"next\": \"/api/v1/visits?between=AAA%3ABBB&per_page=1&page=2\""));
	pl_buf_free(&rs.body);

	const char *y[] = {"from", "2001", "to", "2001", NULL};
	get(&rs, "/api/v1/visits", y);
	assert_non_null(strstr(rs.body.data, "\"total\": 2"));
	pl_buf_free(&rs.body);

	const char *st[] = {"status", "rejected", NULL};
	get(&rs, "/api/v1/visits", st);
	assert_non_null(strstr(rs.body.data, "\"id\": \"v-4\""));
	assert_non_null(strstr(rs.body.data, "\"total\": 1"));
	pl_buf_free(&rs.body);
}

static void search_finds_aliases(void **s)
{
	(void)s;
	pl_web_resp rs;
	const char *kv[] = {"q", "uno", NULL};
	get(&rs, "/api/v1/visits", kv);
	assert_int_equal(rs.status, 200);
	assert_non_null(strstr(rs.body.data, "\"total\": 2"));
	assert_non_null(strstr(rs.body.data, "\"v-1\""));
	assert_non_null(strstr(rs.body.data, "\"v-3\""));
	pl_buf_free(&rs.body);
	const char *bad[] = {"q", "\"unbalanced OR NEAR( *", NULL};
	get(&rs, "/api/v1/visits", bad);
	assert_int_equal(rs.status, 200);
	pl_buf_free(&rs.body);
}

static void visit_page_escapes_and_filters_links(void **s)
{
	(void)s;
	pl_web_resp rs;
	get(&rs, "/visit/v-1", NULL);
	assert_int_equal(rs.status, 200);
	assert_non_null(strstr(rs.body.data, "Person &lt;One&gt;"));
	assert_non_null(strstr(rs.body.data, "first &lt;b&gt;visit&lt;/b&gt;"));
	assert_non_null(strstr(rs.body.data, "href=\"https://example.org/x\""));
	assert_null(strstr(rs.body.data, "href=\"javascript:"));
	assert_non_null(strstr(rs.body.data, "javascript:alert(1)")); /* shown as text */
	assert_non_null(strstr(rs.body.data, "rel=\"next\" href=\"/visit/v-2\""));
	pl_buf_free(&rs.body);
}

static void errors_have_the_right_status(void **s)
{
	(void)s;
	pl_web_resp rs;
	get(&rs, "/visit/none", NULL);
	assert_int_equal(rs.status, 404);
	pl_buf_free(&rs.body);
	const char *kv[] = {"x", "1", NULL};
	get(&rs, "/api/v1/visits/v-1", kv);
	assert_int_equal(rs.status, 400);
	assert_non_null(strstr(rs.body.data, "\"parameter\": \"x\""));
	pl_buf_free(&rs.body);
	get(&rs, "/static/../web.h", NULL);
	assert_int_equal(rs.status, 404);
	pl_buf_free(&rs.body);
	get(&rs, "/nothing", NULL);
	assert_int_equal(rs.status, 404);
	pl_buf_free(&rs.body);
}

static void csv_lists_every_row(void **s)
{
	(void)s;
	pl_web_resp rs;
	const char *kv[] = {"per_page", "1", NULL};
	get(&rs, "/api/v1/visits.csv", kv);
	assert_int_equal(rs.status, 200);
	assert_string_equal(rs.type, "text/csv; charset=utf-8");
	int lines = 0;
	for (const char *p = rs.body.data; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, 4); /* header + 3 visits */
	pl_buf_free(&rs.body);
}

static void dashboard_charts_cover_every_year(void **s)
{
	(void)s;
	pl_web_resp rs;
	get(&rs, "/pair/AAA-BBB", NULL);
	assert_int_equal(rs.status, 200);
	/* one bar group per year from the first visit (2001) to where the data
	 * ends: no data version here, so the latest visit (2005-01-01); no
	 * empty bars after it (docs/analysis.md, "Where the data ends") */
	int groups = 0;
	for (const char *p = rs.body.data; (p = strstr(p, "<g class=\"yr\"")); p++)
		groups++;
	assert_int_equal(groups, 2005 - 2001 + 1);
	assert_null(strstr(rs.body.data, "data-year=\"2006\""));
	assert_non_null(strstr(rs.body.data, "data through 2005-01-01"));
	assert_non_null(strstr(rs.body.data, "data-year=\"2001\" data-n0=\"1\" data-n1=\"1\""));
	assert_non_null(strstr(rs.body.data, "Aland &lt;A&gt;"));
	pl_buf_free(&rs.body);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(good_filters_parse),
	    cmocka_unit_test(date_bounds_follow_precision),
	    cmocka_unit_test(bad_filters_name_the_parameter),
	    cmocka_unit_test_setup_teardown(api_list_counts_and_pages, setup, teardown),
	    cmocka_unit_test_setup_teardown(search_finds_aliases, setup, teardown),
	    cmocka_unit_test_setup_teardown(visit_page_escapes_and_filters_links, setup, teardown),
	    cmocka_unit_test_setup_teardown(errors_have_the_right_status, setup, teardown),
	    cmocka_unit_test_setup_teardown(csv_lists_every_row, setup, teardown),
	    cmocka_unit_test_setup_teardown(dashboard_charts_cover_every_year, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
