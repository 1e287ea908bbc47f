/* test_web_pages.c - the labels readers see for codes (pl_code_label,
 * pl_add_labels), and the list filters that need the store
 * (top=, visitor=, companion= through the query layer) with their 400 answers.
 *
 * The store is hand-made: countries AAA and BBB, paramount leaders Ann
 * (AAA, 2000-2010) and Cid (BBB, 1995 - 2005-07-01) then Dee (BBB, from
 * 2005-07-01).  Xav is a minister who leads trips with Ann or Ben along. */
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

/* ---- pl_code_label ------------------------------------------------ */

static void label_is(const char *code, const char *want)
{
	char *l = pl_code_label(code);
	assert_non_null(l);
	assert_string_equal(l, want);
	free(l);
}

static void code_labels_read_as_words(void **s)
{
	(void)s;
	label_is("paramount_leader", "Paramount leader");
	label_is("other_senior", "Other senior");
	label_is("at_least_ministerial", "At least ministerial");
	label_is("state", "State");
	/* only the first letter changes case; a capital or digit stays */
	label_is("Already_up", "Already up");
	label_is("2nd_visit", "2nd visit");
	label_is("_lead", " lead");
	label_is("", "");
	label_is(NULL, "");
}

static void labels_are_added_next_to_codes(void **s)
{
	(void)s;
	json_t *rows = json_pack("[{s:s,s:s,s:s},{s:s},{s:i}]", "level", "vice_ministerial", "type",
	                         "unofficial", "status", "reported", "level", "head_of_state", "n", 3);
	pl_add_labels(rows);
	json_t *r0 = json_array_get(rows, 0);
	assert_string_equal(json_string_value(json_object_get(r0, "level_label")), "Vice ministerial");
	assert_string_equal(json_string_value(json_object_get(r0, "type_label")), "Unofficial");
	assert_string_equal(json_string_value(json_object_get(r0, "status_label")), "Reported");
	/* the code itself is kept (URLs, data attributes and the API use it) */
	assert_string_equal(json_string_value(json_object_get(r0, "level")), "vice_ministerial");
	json_t *r1 = json_array_get(rows, 1);
	assert_string_equal(json_string_value(json_object_get(r1, "level_label")), "Head of state");
	assert_null(json_object_get(r1, "type_label"));
	assert_null(json_object_get(json_array_get(rows, 2), "level_label"));
	json_decref(rows);
}

/* ---- the query layer over a store ----------------------------------- */

static int setup(void **s)
{
	(void)s;
	const char *sql =
	    "INSERT OR IGNORE INTO country(code, name) VALUES('AAA','Aland'),('BBB','Bland');"
	    "INSERT INTO person(id, name, country) VALUES('ann','Ann','AAA'),('cid','Cid','BBB'),"
	    " ('dee','Dee','BBB'),('xav','Xav','AAA'),('ben','Ben','AAA');"
	    "INSERT INTO office(id, country, name, rank) VALUES('aaa-top','AAA','Leader','paramount_leader'),"
	    " ('bbb-top','BBB','Chief','paramount_leader');"
	    "INSERT INTO tenure(id, person, office, start_date, end_date) VALUES"
	    " ('t1','ann','aaa-top','2000-01-01','2010-01-01'),"
	    " ('t2','cid','bbb-top','1995-01-01','2005-07-01'),"
	    " ('t3','dee','bbb-top','2005-07-01',NULL);"
	    "INSERT INTO visit(id, visitor, level, from_country, to_country, start_date, type, status) VALUES"
	    " ('v1','ann','paramount_leader','AAA','BBB','2001-03-04','state','confirmed'),"
	    " ('v2','xav','ministerial','AAA','BBB','2002-02-02','official','confirmed'),"
	    " ('v3','dee','paramount_leader','BBB','AAA','2006-01-01','state','confirmed'),"
	    " ('v4','xav','ministerial','AAA','BBB','2007-07-07','working','confirmed'),"
	    " ('v5','xav','ministerial','AAA','BBB','2008-08-08','working','confirmed');"
	    "INSERT INTO visit_person(visit, role, seq, person, name) VALUES"
	    " ('v2','companion',1,'ann','Ann'),('v4','companion',1,'ann','Ann'),"
	    " ('v5','companion',1,'ben','Ben');";
	return web_store_open("web-pages", sql);
}

/* Parses kv ("k1", "v1", ..., NULL) into q and resolves it; the status. */
static int resolve(pl_wq *q, const char *const *kv, parley_err *err)
{
	pl_param ps[PL_MAX_PARAMS];
	size_t n = 0;
	for (; kv[2 * n]; n++) {
		ps[n].key = kv[2 * n];
		ps[n].value = kv[2 * n + 1];
	}
	int rc = pl_wq_parse(q, ps, n, pl_wq_list_params, err);
	if (rc != PARLEY_OK)
		return rc;
	/* top= takes the eras as of the as-of date */
	return parley_query_set(&q->pq, "as_of", "2020-01-01", err);
}

/* The ids of the visits q lists, sorted by date, joined by spaces. */
static void listed(pl_wq *q, char *out, size_t n)
{
	json_t *rows = NULL;
	long total = -1;
	assert_int_equal(pl_wq_visits(db, q, 1, 0, &rows, &total, NULL), PARLEY_OK);
	assert_int_equal((long)json_array_size(rows), total);
	out[0] = '\0';
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		size_t l = strlen(out);
		snprintf(out + l, n - l, "%s%s", l ? " " : "", json_string_value(json_object_get(r, "id")));
	}
	json_decref(rows);
}

static void top_lists_the_leaders_visits(void **s)
{
	(void)s;
	pl_wq q;
	parley_err err = {0};
	char ids[256];
	const char *both[] = {"between", "AAA:BBB", "top", "AAA,BBB", NULL};
	assert_int_equal(resolve(&q, both, &err), PARLEY_OK);
	listed(&q, ids, sizeof ids);
	assert_string_equal(ids, "v1 v3");

	/* one side only: that country's leader */
	const char *a[] = {"between", "AAA:BBB", "top", "AAA", NULL};
	assert_int_equal(resolve(&q, a, &err), PARLEY_OK);
	listed(&q, ids, sizeof ids);
	assert_string_equal(ids, "v1");
	const char *b[] = {"between", "BBB:AAA", "top", "BBB", NULL};
	assert_int_equal(resolve(&q, b, &err), PARLEY_OK);
	listed(&q, ids, sizeof ids);
	assert_string_equal(ids, "v3");

	/* combined with a date range, as the dashboard's era links are */
	const char *era[] = {"between", "AAA:BBB", "top", "AAA,BBB", "from", "2005-07-01", NULL};
	assert_int_equal(resolve(&q, era, &err), PARLEY_OK);
	listed(&q, ids, sizeof ids);
	assert_string_equal(ids, "v3");
}

static void top_without_tenures_is_empty(void **s)
{
	(void)s;
	assert_int_equal(pl_exec(db, "INSERT OR IGNORE INTO country(code, name) VALUES('CCC','Cland');"
	                             "INSERT INTO visit(id, visitor, level, from_country, to_country, start_date,"
	                             " type, status) VALUES('v9','xav','ministerial','AAA','CCC','2003','official',"
	                             "'confirmed');", NULL),
	                 PARLEY_OK);
	pl_wq q;
	const char *kv[] = {"between", "AAA:CCC", "top", "CCC", NULL};
	assert_int_equal(resolve(&q, kv, NULL), PARLEY_OK);
	char ids[64];
	listed(&q, ids, sizeof ids);
	assert_string_equal(ids, "");
}

static void visitor_and_companion_narrow_the_list(void **s)
{
	(void)s;
	pl_wq q;
	char ids[256];
	const char *v[] = {"visitor", "xav", NULL};
	assert_int_equal(resolve(&q, v, NULL), PARLEY_OK);
	listed(&q, ids, sizeof ids);
	assert_string_equal(ids, "v2 v4 v5");
	const char *vc[] = {"visitor", "xav", "companion", "ann", NULL};
	assert_int_equal(resolve(&q, vc, NULL), PARLEY_OK);
	listed(&q, ids, sizeof ids);
	assert_string_equal(ids, "v2 v4");
	/* a known person who never travelled along: a valid, empty list */
	const char *none[] = {"visitor", "ann", "companion", "ben", NULL};
	assert_int_equal(resolve(&q, none, NULL), PARLEY_OK);
	listed(&q, ids, sizeof ids);
	assert_string_equal(ids, "");
}

static void expect_unknown(const char *const *kv, const char *param)
{
	pl_wq q;
	parley_err err = {0};
	json_t *rows = NULL;
	long total = 0;
	/* the store decides: the list fails, naming the parameter */
	assert_int_equal(resolve(&q, kv, &err), PARLEY_OK);
	assert_int_equal(pl_wq_visits(db, &q, 1, 0, &rows, &total, &err), PARLEY_EDATA);
	assert_null(rows);
	assert_non_null(q.bad_param);
	assert_string_equal(q.bad_param, param);
	char want[80];
	snprintf(want, sizeof want, "parameter '%s'", param);
	assert_non_null(strstr(err.msg, want));
}

static void unknown_people_are_named(void **s)
{
	(void)s;
	const char *v[] = {"visitor", "nobody", NULL};
	expect_unknown(v, "visitor");
	const char *c[] = {"visitor", "xav", "companion", "nobody", NULL};
	expect_unknown(c, "companion");
	/* ids are matched exactly, not folded */
	const char *u[] = {"visitor", "XAV", NULL};
	expect_unknown(u, "visitor");
}

static void bad_filters_answer_400(void **s)
{
	(void)s;
	struct {
		const char *path, *kv[7], *param, *says;
	} c[] = {
	    {"/api/v1/visits", {"visitor", "nobody", NULL}, "visitor", "no person"},
	    {"/api/v1/visits", {"visitor", "xav", "companion", "nobody", NULL}, "companion", "no person"},
	    {"/api/v1/visits", {"top", "AAA", NULL}, "top", "needs between"},
	    {"/api/v1/visits", {"between", "AAA:BBB", "top", "CCC", NULL}, "top", "one or both"},
	    {"/api/v1/visits", {"between", "AAA:BBB", "top", "AAA,AAA", NULL}, "top", "one or both"},
	    {"/api/v1/visits", {"between", "AAA:BBB", "top", "AAA,", NULL}, "top", "one or both"},
	    {"/visits", {"companion", "nobody", NULL}, "companion", "no person"},
	    {"/visits", {"between", "AAA:BBB", "top", "BBB,BBB", NULL}, "top", "one or both"},
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		pl_web_resp rs;
		get(&rs, c[i].path, c[i].kv);
		assert_int_equal(rs.status, 400);
		assert_non_null(rs.body.data);
		/* the parameter is named: quoted in JSON, entity-quoted in HTML */
		char want[64], want_html[64];
		snprintf(want, sizeof want, "'%s'", c[i].param);
		snprintf(want_html, sizeof want_html, "&#39;%s&#39;", c[i].param);
		assert_true(strstr(rs.body.data, want) || strstr(rs.body.data, want_html));
		assert_non_null(strstr(rs.body.data, c[i].says));
		pl_buf_free(&rs.body);
	}
	/* and the good ones answer 200 with the right total */
	pl_web_resp rs;
	const char *ok[] = {"between", "AAA:BBB", "top", "AAA,BBB", NULL};
	get(&rs, "/api/v1/visits", ok);
	assert_int_equal(rs.status, 200);
	json_t *j = json_loads(rs.body.data, 0, NULL);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(j, "total")), 2);
	json_decref(j);
	pl_buf_free(&rs.body);
}

/* The sum of "total" over /api/v1/timeline's years for the pair. */
static long timeline_total(void)
{
	pl_web_resp rs;
	const char *kv[] = {"between", "AAA:BBB", NULL};
	get(&rs, "/api/v1/timeline", kv);
	assert_int_equal(rs.status, 200);
	json_t *j = json_loads(rs.body.data, 0, NULL);
	assert_non_null(j);
	long sum = 0;
	size_t i;
	json_t *y;
	json_array_foreach(json_object_get(j, "years"), i, y)
		sum += (long)json_integer_value(json_object_get(y, "total"));
	json_decref(j);
	pl_buf_free(&rs.body);
	return sum;
}

/* issue 8: the dashboard's timeline counts what its era table counts
 * (ministerial or above, confirmed or reported, as of the page's date),
 * not every visit of the pair. */
static void dashboard_timeline_honours_level_and_as_of(void **s)
{
	(void)s;
	assert_int_equal(timeline_total(), 5);
	assert_int_equal(pl_exec(db, "INSERT INTO visit(id, visitor, level, from_country, to_country,"
	                             " start_date, type, status) VALUES"
	                             " ('v-vice','xav','vice_ministerial','AAA','BBB','2003','official','confirmed'),"
	                             " ('v-late','xav','ministerial','AAA','BBB','2999-01-01','official','confirmed'),"
	                             " ('v-rej','xav','ministerial','AAA','BBB','2004','official','rejected')", NULL),
	                 PARLEY_OK);
	assert_int_equal(timeline_total(), 5);
	/* one more counted visit moves the figure by one */
	assert_int_equal(pl_exec(db, "INSERT INTO visit(id, visitor, level, from_country, to_country,"
	                             " start_date, type, status) VALUES"
	                             " ('v-more','xav','ministerial','BBB','AAA','2004-05','official','reported')", NULL),
	                 PARLEY_OK);
	assert_int_equal(timeline_total(), 6);
}

static void list_sentence_shows_labels(void **s)
{
	(void)s;
	pl_web_resp rs;
	const char *kv[] = {"between", "AAA:BBB", "level", "paramount_leader,other_senior", "type", "state",
	                    "top", "AAA,BBB", NULL};
	get(&rs, "/visits", kv);
	assert_int_equal(rs.status, 200);
	assert_non_null(strstr(rs.body.data, "<h1>Visits between Aland and Bland at level Paramount leader or"
	                                     " Other senior of type State by the paramount leader of Aland or"
	                                     " Bland</h1>"));
	assert_null(strstr(rs.body.data, "at level paramount_leader"));
	pl_buf_free(&rs.body);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(code_labels_read_as_words),
	    cmocka_unit_test(labels_are_added_next_to_codes),
	    cmocka_unit_test_setup_teardown(top_lists_the_leaders_visits, setup, teardown),
	    cmocka_unit_test_setup_teardown(top_without_tenures_is_empty, setup, teardown),
	    cmocka_unit_test_setup_teardown(visitor_and_companion_narrow_the_list, setup, teardown),
	    cmocka_unit_test_setup_teardown(unknown_people_are_named, setup, teardown),
	    cmocka_unit_test_setup_teardown(bad_filters_answer_400, setup, teardown),
	    cmocka_unit_test_setup_teardown(list_sentence_shows_labels, setup, teardown),
	    cmocka_unit_test_setup_teardown(dashboard_timeline_honours_level_and_as_of, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
