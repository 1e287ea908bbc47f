/* test_core_query_analysis.c - the lean visits the figures count
 * (parley_visit_facts, issue 13 and issue 8): the same visits, in the same
 * order, as the list of the same filter; the stored start date back from
 * the index; a pair read from its covering index, never the table; and
 * the eras, context and companions of a small store counting exactly the
 * visits their list shows; the reference readers the loaders use
 * (tenures, people, delegations, coverage, notes, aliases) and the one
 * index entry that says where the data ends. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>

#include "parley.h"
#include "internal.h"
#include "pl_query.h"
#include "test_sql.h"

static char path[64];
static parley_db *db;

static void exec(const char *sql)
{
	exec_synced(db, sql);
}

/* Two pairs in both directions; dates of each precision on the same first
 * day (the finer first); ids out of date order; every status; a label. */
static int setup(void **s)
{
	(void)s;
	snprintf(path, sizeof path, "/tmp/parley-test-facts-%ld.db", (long)getpid());
	unlink(path);
	if (parley_open(path, PARLEY_OPEN_CREATE, &db, NULL) != PARLEY_OK)
		return -1;
	exec("INSERT INTO country(code, name) VALUES('CHN','China'),('PRK','North Korea'),('USA','United States');"
	     "INSERT INTO person(id, name, country) VALUES ('kim','Kim Il-sung','PRK'),"
	     " ('mao','Mao Zedong','CHN'),('zhou','Zhou Enlai','CHN'),('ri','Ri Sol-ju','PRK'),"
	     " ('nixon','Richard Nixon','USA');"
	     "INSERT INTO office(id, country, name, rank) VALUES"
	     " ('prk-leader','PRK','Leader','paramount_leader'),('chn-chair','CHN','Chairman','paramount_leader'),"
	     " ('chn-premier','CHN','Premier','head_of_government');"
	     "INSERT INTO tenure(id, person, office, start_date, end_date) VALUES"
	     " ('t1','kim','prk-leader','1948-09-09',NULL),('t2','mao','chn-chair','1949-10-01','1976-09-09'),"
	     " ('t3','zhou','chn-premier','1949-10-01','1976-01-08');"
	     "INSERT INTO visit(id, visitor, visitor_label, level, from_country, to_country, start_date, type, status)"
	     " VALUES"
	     " ('z-year','kim',NULL,'paramount_leader','PRK','CHN','1964','official','confirmed'),"
	     " ('a-month','kim',NULL,'paramount_leader','PRK','CHN','1964-01','transit','reported'),"
	     " ('m-day','zhou',NULL,'head_of_government','CHN','PRK','1964-01-01','official','confirmed'),"
	     " ('b-day','zhou',NULL,'head_of_government','CHN','PRK','1964-01-01','state','confirmed'),"
	     " ('c-vice',NULL,'a vice minister','vice_ministerial','CHN','PRK','1965-03-02','working','confirmed'),"
	     " ('d-unk',NULL,'unidentified delegation','ministerial','PRK','CHN','1966-05','official','confirmed'),"
	     " ('e-rej','kim',NULL,'paramount_leader','PRK','CHN','1966-07-01','state','rejected'),"
	     " ('f-cand','kim',NULL,'paramount_leader','PRK','CHN','1967-02-01','state','candidate'),"
	     " ('g-late','kim',NULL,'paramount_leader','PRK','CHN','1970-04-05','state','confirmed'),"
	     " ('h-other','nixon',NULL,'head_of_state','USA','CHN','1972-02-21','state','confirmed'),"
	     " ('i-kim-zhou','zhou',NULL,'head_of_government','CHN','PRK','1970-04-05','official','confirmed');"
	     "INSERT INTO visit_person(visit, role, seq, person, name) VALUES"
	     " ('g-late','companion',1,'ri','Ri Sol-ju'),('g-late','host',1,'mao','Mao Zedong'),"
	     " ('i-kim-zhou','companion',1,'kim','Kim Il-sung');");
	return 0;
}

static int teardown(void **s)
{
	(void)s;
	parley_close(db);
	unlink(path);
	return 0;
}

typedef struct seen {
	char ids[1024];
	char rows[4096];
} seen;

static int collect(void *ud, const parley_visit_fact *f, parley_err *err)
{
	(void)err;
	seen *x = ud;
	size_t l = strlen(x->ids);
	snprintf(x->ids + l, sizeof x->ids - l, "%s%s", l ? " " : "", f->id);
	l = strlen(x->rows);
	snprintf(x->rows + l, sizeof x->rows - l, "%s|%s|%s|%s|%s|%s|%s|%s|%s\n", f->id,
	         f->start_date, f->from_country, f->to_country, f->level, f->type, f->status,
	         f->visitor ? f->visitor : "-", f->visitor_label ? f->visitor_label : "-");
	return PARLEY_OK;
}

/* The same filter through the list (parley_visits_find) and the facts. */
static void same_as_list(const char *const *kv)
{
	parley_query q;
	parley_query_init(&q);
	parley_err err = {0, ""};
	for (size_t i = 0; kv[i]; i += 2)
		if (parley_query_set(&q, kv[i], kv[i + 1], &err) != PARLEY_OK)
			fail_msg("%s=%s: %s", kv[i], kv[i + 1], err.msg);
	parley_visits *r = NULL;
	if (parley_visits_find(db, &q, 0, &r, &err) != PARLEY_OK)
		fail_msg("find: %s", err.msg);
	seen list = {"", ""}, facts = {"", ""};
	for (size_t i = 0; i < r->n; i++) {
		const parley_visit *v = &r->v[i];
		parley_visit_fact f = {v->id, v->start_date, v->from_country, v->to_country, v->level,
		                       v->type, v->status, v->visitor, v->visitor_label};
		collect(&list, &f, NULL);
	}
	parley_visits_free(r);
	if (parley_visit_facts(db, &q, collect, &facts, &err) != PARLEY_OK)
		fail_msg("facts: %s", err.msg);
	assert_string_equal(facts.rows, list.rows);
}

#define SAME(...) same_as_list((const char *const[]){__VA_ARGS__, NULL})

static void facts_are_the_lists_visits(void **s)
{
	(void)s;
	SAME("status", "all");
	SAME("between", "CHN:PRK");
	SAME("between", "PRK:CHN", "status", "all");
	SAME("between", "CHN:PRK", "min_level", "ministerial", "as_of", "1966-05");
	/* a pair's min_level is tested on the rows read (query_analysis.c) */
	SAME("between", "PRK:CHN", "min_level", "head_of_state", "status", "all");
	SAME("between", "CHN:PRK", "min_level", "vice_ministerial");
	SAME("between", "CHN:PRK", "min_level", "paramount_leader", "level", "paramount_leader,head_of_government");
	SAME("between", "CHN:PRK", "status", "candidate,rejected");
	SAME("direction", "PRK:CHN", "status", "all");
	SAME("country", "CHN", "min_level", "head_of_state");
	SAME("visitor", "kim", "status", "all", "as_of", "1967");
	SAME("person", "kim");
	SAME("companion", "ri");
	SAME("between", "CHN:PRK", "level", "vice_ministerial,ministerial");
	/* the order of the list: first possible day, the finer date first, then id */
	seen x = {"", ""};
	parley_query q;
	parley_query_init(&q);
	assert_int_equal(parley_query_set(&q, "between", "CHN:PRK", NULL), PARLEY_OK);
	assert_int_equal(parley_visit_facts(db, &q, collect, &x, NULL), PARLEY_OK);
	assert_string_equal(x.ids, "b-day m-day a-month z-year c-vice d-unk g-late i-kim-zhou");
	/* the stored start date comes back from the index's key, each precision */
	assert_non_null(strstr(x.rows, "z-year|1964|PRK|CHN|"));
	assert_non_null(strstr(x.rows, "a-month|1964-01|PRK|CHN|"));
	assert_non_null(strstr(x.rows, "d-unk|1966-05|PRK|CHN|ministerial|official|confirmed|-|unidentified delegation\n"));
}

static int stop_at_two(void *ud, const parley_visit_fact *f, parley_err *err)
{
	int *n = ud;
	(void)f;
	return ++*n == 2 ? parley_err_set(err, PARLEY_ELIMIT, "enough") : PARLEY_OK;
}

static void facts_stop_and_fail_clearly(void **s)
{
	(void)s;
	parley_query q;
	parley_query_init(&q);
	parley_err err = {0, ""};
	int n = 0;
	assert_int_equal(parley_visit_facts(db, &q, stop_at_two, &n, &err), PARLEY_ELIMIT);
	assert_int_equal(n, 2);
	/* an unknown person is the list's error, naming the parameter */
	assert_int_equal(parley_query_set(&q, "visitor", "nobody", NULL), PARLEY_OK);
	seen x = {"", ""};
	assert_int_equal(parley_visit_facts(db, &q, collect, &x, &err), PARLEY_ENOTFOUND);
	assert_non_null(strstr(err.msg, "visitor"));
	assert_string_equal(x.ids, "");
	assert_int_equal(parley_visit_fact_get(db, "no-such", collect, &x, &err), PARLEY_ENOTFOUND);
	assert_int_equal(parley_visit_fact_get(db, "e-rej", collect, &x, &err), PARLEY_OK);
	assert_string_equal(x.ids, "e-rej");
	assert_int_equal(parley_visit_facts(NULL, &q, collect, &x, &err), PARLEY_EINVAL);
}

/* A pair's figures read one covering index range per direction: no step
 * reads the table (SQLite would say "SCAN v" or use another index). */
static void a_direction_reads_the_covering_index(void **s)
{
	(void)s;
	static const char *const filters[][6] = {
	    {"direction", "CHN:PRK", NULL, NULL, NULL, NULL},
	    {"direction", "PRK:CHN", "min_level", "ministerial", "as_of", "2026-12-01"},
	    {"direction", "PRK:CHN", "status", "all", NULL, NULL},
	    {"direction", "CHN:PRK", "status", "confirmed", "as_of", "1970"}};
	for (size_t i = 0; i < sizeof filters / sizeof filters[0]; i++) {
		parley_query q;
		parley_query_init(&q);
		for (size_t k = 0; k < 6 && filters[i][k]; k += 2)
			assert_int_equal(parley_query_set(&q, filters[i][k], filters[i][k + 1], NULL), PARLEY_OK);
		char plan[4096];
		parley_err err = {0, ""};
		if (pl_visit_facts_plan(db, &q, plan, sizeof plan, &err) != PARLEY_OK)
			fail_msg("plan: %s", err.msg);
		if (strcmp(plan, "SEARCH v USING INDEX visit_by_dir_cover (from_country=? AND to_country=?)\n") != 0 &&
		    strcmp(plan, "SEARCH v USING INDEX visit_by_dir_cover (from_country=? AND to_country=? AND start_key<?)\n") != 0)
			fail_msg("filter %zu: %s", i, plan);
	}
}

/* The eras' total is the list of the same filter (the analysis defaults:
 * ministerial or above, confirmed or reported), visit for visit. */
static void eras_count_the_lists_visits(void **s)
{
	(void)s;
	parley_analysis_opts o = {.a = "CHN", .b = "PRK", .as_of = "1975-01-01"};
	parley_eras *e = NULL;
	parley_err err = {0, ""};
	if (parley_eras_compute(db, &o, PARLEY_ERAS_PAIR, &e, &err) != PARLEY_OK)
		fail_msg("eras: %s", err.msg);
	char got[512] = "";
	for (size_t i = 0; i < e->total.n; i++) {
		size_t l = strlen(got);
		snprintf(got + l, sizeof got - l, "%s%s", l ? " " : "", e->total.ids[i]);
	}
	/* the latest visit (1972, another pair) is where the data ends */
	assert_string_equal(got, "b-day m-day a-month z-year d-unk g-late i-kim-zhou");
	/* top visits: Kim (PRK's leader) and none by CHN's (Zhou is premier) */
	size_t top_b = 0, top_a = 0;
	for (size_t i = 0; i < e->n; i++) {
		top_a += e->eras[i].top_a_to_b.n;
		top_b += e->eras[i].top_b_to_a.n;
	}
	assert_int_equal(top_a, 0);
	assert_int_equal(top_b, 3);
	parley_eras_free(e);
}

/* A series of bucket period of t, by its name. */
static size_t series_n(const parley_timeline *t, const char *period, const char *name)
{
	for (size_t i = 0; i < t->n; i++)
		for (size_t j = 0; strcmp(t->buckets[i].period, period) == 0 && j < t->nseries; j++)
			if (strcmp(t->series[j], name) == 0)
				return t->buckets[i].series[j].n;
	fail_msg("no series %s in %s", name, period);
	return 0;
}

/* The timeline by type reads the visits' types from the store; eras and
 * the other splits leave the type column unread (an_load_pair), and
 * still count the same visits. */
static void timeline_by_type_reads_the_types(void **s)
{
	(void)s;
	parley_analysis_opts o = {.a = "CHN", .b = "PRK", .as_of = "1975-01-01"};
	parley_timeline *t = NULL;
	parley_err err = {0, ""};
	if (parley_timeline_compute(db, &o, 0, PARLEY_SPLIT_TYPE, &t, &err) != PARLEY_OK)
		fail_msg("timeline: %s", err.msg);
	/* 1964: z-year and m-day official, a-month transit, b-day state */
	assert_int_equal(series_n(t, "1964", "official"), 2);
	assert_int_equal(series_n(t, "1964", "transit"), 1);
	assert_int_equal(series_n(t, "1964", "state"), 1);
	assert_int_equal(series_n(t, "1964", "unknown"), 0);
	/* 1970: g-late state, i-kim-zhou official */
	assert_int_equal(series_n(t, "1970", "state"), 1);
	assert_int_equal(series_n(t, "1970", "official"), 1);
	parley_timeline_free(t);
	if (parley_timeline_compute(db, &o, 0, PARLEY_SPLIT_DIRECTION, &t, &err) != PARLEY_OK)
		fail_msg("timeline: %s", err.msg);
	assert_int_equal(series_n(t, "1964", "CHN->PRK"), 2);
	assert_int_equal(series_n(t, "1964", "PRK->CHN"), 2);
	parley_timeline_free(t);
}

static const char *sentence(const parley_context *c, const char *kind)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->s[i].kind, kind) == 0)
			return c->s[i].text;
	return "";
}

/* Context reads the visit's pair and visitor only, and still sees every
 * earlier visit it compares with; a rejected visit has context too. */
static void context_and_companions_read_their_own_visits(void **s)
{
	(void)s;
	parley_context *c = NULL;
	parley_err err = {0, ""};
	if (parley_context_compute(db, "g-late", NULL, &c, &err) != PARLEY_OK)
		fail_msg("context: %s", err.msg);
	/* his two earlier visits there (the ordinal, the same count, is dropped) */
	assert_non_null(strstr(sentence(c, "first-to-host"), "2 earlier visits to China by Kim Il-sung"));
	/* the previous visit of the pair at ministerial level, by its label */
	assert_non_null(strstr(sentence(c, "since-previous"),
	                       "unidentified delegation's visit to China of 1966-05"));
	parley_context_free(c);
	assert_int_equal(parley_context_compute(db, "e-rej", NULL, &c, &err), PARLEY_OK);
	assert_non_null(strstr(sentence(c, "since-previous"), "1966-05"));
	parley_context_free(c);
	assert_int_equal(parley_context_compute(db, "no-such", NULL, &c, &err), PARLEY_ENOTFOUND);
	/* Kim led g-late with Ri; he joined Zhou's i-kim-zhou */
	parley_companions *p = NULL;
	if (parley_companions_compute(db, "Kim Il-sung", NULL, &p, &err) != PARLEY_OK)
		fail_msg("companions: %s", err.msg);
	assert_string_equal(p->person, "kim");
	assert_int_equal(p->led.n, 3); /* a-month z-year g-late: not rejected or candidate */
	assert_int_equal(p->nwith, 1);
	assert_string_equal(p->with[0].person, "ri");
	assert_int_equal(p->naccompanied, 1);
	assert_string_equal(p->accompanied[0].person, "zhou");
	assert_string_equal(p->accompanied[0].visits.ids[0], "i-kim-zhou");
	parley_companions_free(p);
}


/* The last visit of a filter (the context sentences' "previous visit") is
 * the last of the same filter's facts, ties of one first day broken as the
 * list breaks them (the coarser date, then the greater id, last), from
 * either direction of a pair; nothing when nothing matches. */
static void the_last_visit_is_the_last_of_the_facts(void **s)
{
	(void)s;
	static const char *const filters[][8] = {
	    {"between", "CHN:PRK", NULL},
	    {"between", "PRK:CHN", "as_of", "1964-01-01", NULL},
	    {"between", "CHN:PRK", "as_of", "1970-04-04", "min_level", "ministerial", NULL},
	    {"direction", "CHN:PRK", "as_of", "1965-03-01", "min_level", "vice_ministerial", NULL},
	    {"direction", "PRK:CHN", "as_of", "1970-04-04", "min_level", "paramount_leader", NULL},
	    {"between", "CHN:PRK", "status", "all", "as_of", "1967", NULL},
	    {"direction", "CHN:PRK", "as_of", "1963", NULL},
	    {"visitor", "kim", "as_of", "1969", NULL}};
	size_t nonempty = 0;
	for (size_t i = 0; i < sizeof filters / sizeof filters[0]; i++) {
		parley_query q;
		parley_query_init(&q);
		for (size_t k = 0; k < 8 && filters[i][k]; k += 2)
			assert_int_equal(parley_query_set(&q, filters[i][k], filters[i][k + 1], NULL), PARLEY_OK);
		seen all = {"", ""}, last = {"", ""};
		parley_err err = {0, ""};
		if (parley_visit_facts(db, &q, collect, &all, &err) != PARLEY_OK ||
		    pl_visit_fact_last(db, &q, collect, &last, &err) != PARLEY_OK)
			fail_msg("filter %zu: %s", i, err.msg);
		/* the last line of all the rows */
		size_t n = strlen(all.rows);
		const char *tail = all.rows;
		for (size_t k = 0; n > 1 && k + 1 < n; k++)
			if (all.rows[k] == '\n')
				tail = all.rows + k + 1;
		if (strcmp(last.rows, tail) != 0)
			fail_msg("filter %zu: last '%s', the facts end with '%s'", i, last.rows, tail);
		nonempty += last.rows[0] != '\0';
	}
	assert_int_equal(nonempty, 7); /* only CHN->PRK as of 1963 matches nothing */
	/* one direction: one entry of the covering index, read backwards */
	parley_query q;
	parley_query_init(&q);
	assert_int_equal(parley_query_set(&q, "direction", "PRK:CHN", NULL), PARLEY_OK);
	assert_int_equal(parley_query_set(&q, "as_of", "1970-04-04", NULL), PARLEY_OK);
	assert_int_equal(parley_query_set(&q, "min_level", "head_of_state", NULL), PARLEY_OK);
	char plan[4096];
	parley_err err = {0, ""};
	if (pl_visit_fact_last_plan(db, &q, plan, sizeof plan, &err) != PARLEY_OK)
		fail_msg("plan: %s", err.msg);
	assert_string_equal(plan, "SEARCH v USING INDEX visit_by_dir_cover (from_country=? AND to_country=? AND start_key<?)\n");
}

/* The previous visits the context sentences name, read by those seeks,
 * are the ones the pair's whole history gives: on a tie of first days the
 * one last in list order, never one of the visit's own first day. */
static void context_names_the_previous_visits_of_the_list(void **s)
{
	(void)s;
	parley_context *c = NULL;
	parley_err err = {0, ""};
	/* c-vice (CHN->PRK 1965-03-02, vice-ministerial): at its level or above
	 * from China, m-day and b-day (1964-01-01, b-day first by id); at
	 * ministerial either way, z-year (1964: the coarsest date of that day) */
	if (parley_context_compute(db, "c-vice", NULL, &c, &err) != PARLEY_OK)
		fail_msg("context: %s", err.msg);
	assert_non_null(strstr(sentence(c, "first-in-years"), "Zhou Enlai's visit of 1964-01-01,"));
	assert_string_equal(c->s[c->n - 1].kind, "since-previous");
	assert_int_equal(c->s[c->n - 1].visits.n, 1);
	assert_string_equal(c->s[c->n - 1].visits.ids[0], "z-year");
	assert_non_null(strstr(sentence(c, "since-previous"), "Kim Il-sung's visit to China of 1964."));
	parley_context_free(c);
	/* i-kim-zhou (CHN->PRK 1970-04-05): g-late, the same day, is not before it */
	assert_int_equal(parley_context_compute(db, "i-kim-zhou", NULL, &c, &err), PARLEY_OK);
	assert_non_null(strstr(sentence(c, "since-previous"), "1966-05"));
	assert_non_null(strstr(sentence(c, "first-in-years"), "Zhou Enlai's visit of 1964-01-01,"));
	parley_context_free(c);
	/* g-late at paramount level from PRK: z-year, not the rejected e-rej or the
	 * candidate f-cand; with every status counted, f-cand */
	assert_int_equal(parley_context_compute(db, "g-late", NULL, &c, &err), PARLEY_OK);
	assert_non_null(strstr(sentence(c, "first-in-years"), "Kim Il-sung's visit of 1964,"));
	parley_context_free(c);
	parley_analysis_opts o = {.status = "confirmed,reported,candidate,rejected"};
	assert_int_equal(parley_context_compute(db, "g-late", &o, &c, &err), PARLEY_OK);
	assert_non_null(strstr(sentence(c, "first-in-years"), "Kim Il-sung's visit of 1967-02-01,"));
	assert_non_null(strstr(sentence(c, "since-previous"), "1967-02-01"));
	parley_context_free(c);
}

/* One read for the dashboard: the eras and gaps are those of the two
 * compute functions, and the years are the list's facets per direction. */
static void one_read_gives_eras_gaps_and_years(void **s)
{
	(void)s;
	parley_analysis_opts o = {.a = "CHN", .b = "PRK", .as_of = "1975-01-01"};
	parley_eras *e = NULL, *e1 = NULL;
	parley_gaps *g = NULL, *g1 = NULL;
	parley_pair_year *y = NULL;
	size_t ny = 0;
	parley_err err = {0, ""};
	if (parley_pair_compute(db, &o, 5, &e, &g, &y, &ny, &err) != PARLEY_OK)
		fail_msg("pair: %s", err.msg);
	assert_int_equal(parley_eras_compute(db, &o, PARLEY_ERAS_PAIR, &e1, &err), PARLEY_OK);
	assert_int_equal(parley_gaps_compute(db, &o, 5, 0, 0, &g1, &err), PARLEY_OK);
	assert_non_null(e);
	assert_int_equal(e->n, e1->n);
	assert_int_equal(e->total.n, e1->total.n);
	for (size_t i = 0; i < e->n; i++)
		assert_int_equal(e->eras[i].visits.n, e1->eras[i].visits.n);
	assert_int_equal(g->n, g1->n);
	assert_int_equal(g->total.n, g1->total.n);
	for (size_t i = 0; i < g->n; i++) {
		assert_string_equal(g->gaps[i].start, g1->gaps[i].start);
		assert_int_equal(g->gaps[i].days, g1->gaps[i].days);
	}
	/* the facets of the same list, per direction */
	for (int d = 0; d < 2; d++) {
		parley_query q;
		parley_query_init(&q);
		assert_int_equal(parley_query_set(&q, "direction", d ? "PRK:CHN" : "CHN:PRK", NULL), PARLEY_OK);
		assert_int_equal(parley_query_set(&q, "min_level", "ministerial", NULL), PARLEY_OK);
		assert_int_equal(parley_query_set(&q, "as_of", "1975-01-01", NULL), PARLEY_OK);
		parley_facet *f = NULL;
		assert_int_equal(parley_visits_facet(db, &q, "year", &f, &err), PARLEY_OK);
		size_t seen = 0;
		for (size_t i = 0; i < ny; i++) {
			long n = d ? y[i].b_to_a : y[i].a_to_b;
			long want = 0;
			for (size_t k = 0; k < f->n; k++)
				if (atoi(f->values[k].value) == y[i].year)
					want = f->values[k].n;
			assert_int_equal(n, want);
			seen += n > 0;
			if (i)
				assert_true(y[i - 1].year < y[i].year);
		}
		assert_int_equal(seen, f->n);
		parley_facet_free(f);
	}
	assert_int_equal(ny, 3); /* 1964, 1966 and 1970: 1965 held only a vice minister */
	parley_eras_free(e);
	parley_eras_free(e1);
	parley_gaps_free(g);
	parley_gaps_free(g1);
	free(y);
	/* a pair without leaders' tenures has gaps and years, no eras */
	o.a = "CHN";
	o.b = "USA";
	assert_int_equal(parley_pair_compute(db, &o, 5, &e, &g, &y, &ny, &err), PARLEY_OK);
	assert_null(e);
	assert_int_equal(g->total.n, 1);
	assert_int_equal(ny, 1);
	assert_int_equal(y[0].b_to_a, 1);
	parley_gaps_free(g);
	free(y);
}

static int add_direction(void *ud, const char *from, const char *to, long n, parley_err *err)
{
	(void)err;
	char *out = ud;
	size_t l = strlen(out);
	snprintf(out + l, 1024 - l, "%s:%s=%ld ", from, to, n);
	return PARLEY_OK;
}

/* Every pair at once: the counts per direction are the direction facet's,
 * for the whole store and for one country's two sides, in (from, to) order. */
static void directions_are_the_facets(void **s)
{
	(void)s;
	static const char *const filters[][4] = {{"status", "all", NULL, NULL},
	                                         {"country", "CHN", NULL, NULL},
	                                         {"country", "PRK", "status", "all"},
	                                         {"country", "USA", "min_level", "head_of_state"},
	                                         {NULL, NULL, NULL, NULL}};
	for (size_t i = 0; i < sizeof filters / sizeof filters[0]; i++) {
		parley_query q;
		parley_query_init(&q);
		for (size_t k = 0; k < 4 && filters[i][k]; k += 2)
			assert_int_equal(parley_query_set(&q, filters[i][k], filters[i][k + 1], NULL), PARLEY_OK);
		parley_facet *f = NULL;
		parley_err err = {0, ""};
		assert_int_equal(parley_visits_facet(db, &q, "direction", &f, &err), PARLEY_OK);
		/* the facet sorted by value, as "FROM:TO=N " */
		char want[1024] = "", got[1024] = "";
		const char *vals[64];
		long ns[64];
		size_t n = f->n < 64 ? f->n : 64;
		for (size_t k = 0; k < n; k++) {
			vals[k] = f->values[k].value;
			ns[k] = f->values[k].n;
		}
		for (size_t a = 1; a < n; a++)
			for (size_t b = a; b > 0 && strcmp(vals[b - 1], vals[b]) > 0; b--) {
				const char *t = vals[b];
				vals[b] = vals[b - 1];
				vals[b - 1] = t;
				long x = ns[b];
				ns[b] = ns[b - 1];
				ns[b - 1] = x;
			}
		for (size_t k = 0; k < n; k++) {
			size_t l = strlen(want);
			snprintf(want + l, sizeof want - l, "%s=%ld ", vals[k], ns[k]);
		}
		parley_facet_free(f);
		assert_int_equal(parley_visits_by_direction(db, &q, add_direction, got, &err), PARLEY_OK);
		assert_string_equal(got, want);
		assert_true(want[0] != '\0');
	}
}

/* The reference readers the loaders use (query_reference.c) each answer
 * their one question: a pair's tenures are its two countries' offices', a
 * visitor's are theirs; people come back in the order asked, unknown ids
 * left out; delegations in record order; the latest start of any status;
 * notes matched as written; aliases by their fold.  Runs last: it adds a
 * note, an external id and an alias to the store. */
static void reference_readers_answer_one_question(void **s)
{
	(void)s;
	parley_err err = {0, ""};
	parley_tenure_facts *t = NULL;
	assert_int_equal(parley_tenure_facts_find(db, "CHN", "PRK", NULL, &t, &err), PARLEY_OK);
	assert_int_equal(t->n, 3);
	parley_facts_free(t);
	assert_int_equal(parley_tenure_facts_find(db, "USA", NULL, NULL, &t, &err), PARLEY_OK);
	assert_int_equal(t->n, 0);
	parley_facts_free(t);
	assert_int_equal(parley_tenure_facts_find(db, NULL, NULL, "zhou", &t, &err), PARLEY_OK);
	assert_int_equal(t->n, 1);
	assert_string_equal(t->t[0].person_name, "Zhou Enlai");
	assert_string_equal(t->t[0].office, "chn-premier");
	assert_string_equal(t->t[0].country, "CHN");
	assert_string_equal(t->t[0].rank, "head_of_government");
	assert_string_equal(t->t[0].end_date, "1976-01-08");
	parley_facts_free(t);
	assert_int_equal(parley_tenure_facts_find(db, "CHN", NULL, "zhou", &t, &err), PARLEY_EINVAL);
	assert_null(t);

	const char *ids[] = {"zhou", "nobody", "kim"};
	parley_person_facts *p = NULL;
	assert_int_equal(parley_person_facts_find(db, ids, 3, &p, &err), PARLEY_OK);
	assert_int_equal(p->n, 2);
	assert_string_equal(p->p[0].name, "Zhou Enlai");
	assert_string_equal(p->p[1].id, "kim");
	assert_string_equal(p->p[1].country, "PRK");
	parley_facts_free(p);
	assert_int_equal(parley_person_facts_find(db, NULL, 0, &p, &err), PARLEY_OK);
	assert_int_equal(p->n, 5);
	parley_facts_free(p);

	parley_member_facts *m = NULL;
	assert_int_equal(parley_member_facts_find(db, NULL, &m, &err), PARLEY_OK);
	assert_int_equal(m->n, 3);
	assert_string_equal(m->m[0].role, "companion");
	assert_string_equal(m->m[1].name, "Mao Zedong");
	assert_string_equal(m->m[2].visit, "i-kim-zhou");
	parley_facts_free(m);
	assert_int_equal(parley_member_facts_find(db, "i-kim-zhou", &m, &err), PARLEY_OK);
	assert_int_equal(m->n, 1);
	assert_string_equal(m->m[0].person, "kim");
	parley_facts_free(m);

	parley_country_names_list *k = NULL;
	assert_int_equal(parley_country_names(db, &k, &err), PARLEY_OK);
	assert_int_equal(k->n, 3);
	parley_facts_free(k);
	parley_coverage *c = NULL;
	assert_int_equal(parley_coverage_list(db, &c, &err), PARLEY_OK);
	assert_int_equal(c->n, 0);
	parley_facts_free(c);

	char latest[16];
	assert_int_equal(parley_visits_latest_start(db, latest, sizeof latest, &err), PARLEY_OK);
	assert_string_equal(latest, "1972-02-21");

	exec("UPDATE visit SET note = 'in the source''s period ''Opening''' WHERE id = 'h-other';"
	     "UPDATE visit SET note = 'Period ''x''' WHERE id = 'c-vice';"
	     "INSERT INTO external_id(entity, entity_id, scheme, value) VALUES ('visit','b-day','gdelt','7');"
	     "INSERT INTO person_alias(person, alias) VALUES ('mao','Máo Zédōng');");
	parley_visit_notes *n = NULL;
	assert_int_equal(parley_visit_notes_find(db, "period '", &n, &err), PARLEY_OK);
	assert_int_equal(n->n, 1);
	assert_string_equal(n->v[0].visit, "h-other");
	parley_facts_free(n);
	assert_int_equal(parley_visit_notes_find(db, "", &n, &err), PARLEY_EINVAL);
	parley_visit_exts *x = NULL;
	assert_int_equal(parley_visit_exts_all(db, &x, &err), PARLEY_OK);
	assert_int_equal(x->n, 1);
	assert_string_equal(x->x[0].visit, "b-day");
	assert_string_equal(x->x[0].value, "7");
	parley_facts_free(x);
	size_t na = 0;
	char *first = NULL;
	assert_int_equal(parley_people_by_alias(db, "mao zedong", &na, &first, &err), PARLEY_OK);
	assert_int_equal(na, 1);
	assert_string_equal(first, "mao");
	free(first);
}

/* Where the data ends reads one entry of the start index, whatever the
 * store holds (a "SCAN visit" without it would read every row). */
static void latest_start_reads_one_index_entry(void **s)
{
	(void)s;
	char plan[1024];
	parley_err err = {0, ""};
	if (pl_reference_plan(db, plan, sizeof plan, &err) != PARLEY_OK)
		fail_msg("plan: %s", err.msg);
	assert_string_equal(plan, "SCAN visit USING COVERING INDEX visit_by_start\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(facts_are_the_lists_visits),
	    cmocka_unit_test(facts_stop_and_fail_clearly),
	    cmocka_unit_test(a_direction_reads_the_covering_index),
	    cmocka_unit_test(eras_count_the_lists_visits),
	    cmocka_unit_test(timeline_by_type_reads_the_types),
	    cmocka_unit_test(context_and_companions_read_their_own_visits),
	    cmocka_unit_test(the_last_visit_is_the_last_of_the_facts),
	    cmocka_unit_test(context_names_the_previous_visits_of_the_list),
	    cmocka_unit_test(one_read_gives_eras_gaps_and_years),
	    cmocka_unit_test(directions_are_the_facets),
	    cmocka_unit_test(latest_start_reads_one_index_entry),
	    cmocka_unit_test(reference_readers_answer_one_question),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
