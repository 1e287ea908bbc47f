/* test_core_query_sort.c - a page sorted by level or by visitor (issue 13,
 * query_sort.c) holds the rows, in the order, that one sorted query over
 * every match gives: from every offset, with pages of several sizes, for
 * filters the tally answers and filters it does not, and on the cases that
 * split or join the arms: levels of one rank, a level of no rank, offices of
 * one rank within a level, names equal but for case (two people, and a
 * label with no person), visits with no visitor at all, a visit within one
 * country (counted once in that country's list). */
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
#include "../analysis/an.h"
#include "test_sql.h"

static char dir[64];
static parley_db *db;

#include "test_tmpdir.h"

/* The ids of q's whole list, sorted by one query over every match (the
 * list's WHERE and ORDER BY), as a JSON array of strings in *out. */
static size_t reference(const parley_query *q, char ***out)
{
	an_arena arena = {0};
	pl_binds b = {.n = 0, .arena = &arena};
	pl_buf sql;
	pl_buf_init(&sql, PL_QUERY_MAX_SQL);
	parley_err err = {0, ""};
	assert_int_equal(pl_buf_puts(&sql, "SELECT v.id FROM visit v LEFT JOIN person p ON p.id = v.visitor"),
	                 PARLEY_OK);
	if (pl_query_where(db, q, &sql, &b, &err) != PARLEY_OK)
		fail_msg("where: %s", err.msg);
	assert_int_equal(pl_buf_puts(&sql, pl_order_by(q->sort)), PARLEY_OK);
	sqlite3_stmt *st = NULL;
	if (pl_prepare_bound(db, sql.data, &b, &st, &err) != PARLEY_OK)
		fail_msg("prepare: %s", err.msg);
	size_t n = 0, cap = 64;
	char **ids = malloc(cap * sizeof *ids);
	assert_non_null(ids);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (n == cap) {
			ids = realloc(ids, (cap *= 2) * sizeof *ids);
			assert_non_null(ids);
		}
		ids[n++] = strdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	pl_buf_free(&sql);
	an_arena_free(&arena);
	*out = ids;
	return n;
}

/* Every page of q (limit rows from each offset) against the reference. */
static void pages_agree(const char *const *kv)
{
	parley_query q;
	parley_query_init(&q);
	char what[256] = "";
	for (int k = 0; kv[k]; k += 2) {
		parley_err err = {0, ""};
		if (parley_query_set(&q, kv[k], kv[k + 1], &err) != PARLEY_OK)
			fail_msg("%s=%s: %s", kv[k], kv[k + 1], err.msg);
		size_t l = strlen(what);
		snprintf(what + l, sizeof what - l, "%s=%s ", kv[k], kv[k + 1]);
	}
	char **ref = NULL;
	size_t n = reference(&q, &ref);
	if (n < 10)
		fail_msg("%s: only %zu visits; the test needs more", what, n);
	static const long limits[] = {1, 3, 7, 50};
	for (size_t li = 0; li < sizeof limits / sizeof limits[0]; li++) {
		for (long off = 0; off <= (long)n + 1; off += limits[li] == 50 ? 11 : 1) {
			char lim[24], of[24];
			snprintf(lim, sizeof lim, "%ld", limits[li]);
			snprintf(of, sizeof of, "%ld", off);
			assert_int_equal(parley_query_set(&q, "limit", lim, NULL), PARLEY_OK);
			assert_int_equal(parley_query_set(&q, "offset", of, NULL), PARLEY_OK);
			parley_visits *r = NULL;
			parley_err err = {0, ""};
			if (parley_visits_find(db, &q, 0, &r, &err) != PARLEY_OK)
				fail_msg("%s limit %ld offset %ld: %s", what, limits[li], off, err.msg);
			if (r->total != (long)n)
				fail_msg("%s: total %ld, expected %zu", what, r->total, n);
			size_t want = off >= (long)n ? 0 : (size_t)(n - (size_t)off);
			if (want > (size_t)limits[li])
				want = (size_t)limits[li];
			if (r->n != want)
				fail_msg("%s limit %ld offset %ld: %zu rows, expected %zu", what, limits[li], off,
				         r->n, want);
			for (size_t i = 0; i < r->n; i++)
				if (strcmp(r->v[i].id, ref[off + (long)i]) != 0)
					fail_msg("%s limit %ld offset %ld: row %zu is %s, expected %s", what, limits[li],
					         off, i, r->v[i].id, ref[off + (long)i]);
			parley_visits_free(r);
		}
	}
	for (size_t i = 0; i < n; i++)
		free(ref[i]);
	free(ref);
}

static void sorted_pages_are_the_sorted_list(void **s)
{
	(void)s;
	parley_err err = {0, ""};
	db = fresh_store();
	if (parley_load_bundled(db, NULL, NULL, &err) != PARLEY_OK)
		fail_msg("bundled: %s", err.msg);
	/* names equal but for case: two people and a label with no person;
	 * visits with no visitor; levels of one rank (ministerial,
	 * at_least_ministerial) and of none; offices of one rank (40) at one
	 * level; all interleaved by date */
	exec_synced(db,
	    "INSERT INTO person(id, name, country) VALUES ('sort-a', 'Sort Zhang', 'CHN'),"
	    " ('sort-b', 'SORT ZHANG', 'CHN'), ('sort-c', 'sort zhangx', 'PRK');"
	    "INSERT INTO visit(id, visitor, visitor_label, visitor_office, level, from_country, to_country,"
	    " start_date, type, summary) VALUES"
	    " ('sort-1', 'sort-a', NULL, 'chn-foreign-minister', 'ministerial', 'CHN', 'PRK', '1991-03-04',"
	    "  'official', 'a'),"
	    " ('sort-2', 'sort-b', NULL, 'chn-cpc-international-department-head', 'at_least_ministerial',"
	    "  'CHN', 'PRK', '1991-03', 'official', 'b'),"
	    " ('sort-3', NULL, 'sort ZHANG', NULL, 'ministerial', 'PRK', 'CHN', '1991', 'official', 'c'),"
	    " ('sort-4', 'sort-a', 'Minister Zhang', 'chn-foreign-minister', 'ministerial', 'CHN', 'PRK',"
	    "  '1991-03-04', 'working', 'd'),"
	    " ('sort-5', NULL, NULL, NULL, 'odd_level', 'CHN', 'PRK', '1980', 'official', 'e'),"
	    " ('sort-6', NULL, NULL, NULL, 'unknown', 'PRK', 'CHN', '1979-05-06', 'official', 'f'),"
	    " ('sort-7', 'sort-c', NULL, 'chn-cpc-international-department-head', 'ministerial', 'PRK',"
	    "  'CHN', '1991-02-01', 'official', 'g'),"
	    " ('sort-8', 'sort-b', NULL, NULL, 'odd_level', 'CHN', 'PRK', '1960', 'official', 'h'),"
	    " ('sort-9', NULL, 'Unidentified', NULL, 'at_least_ministerial', 'CHN', 'PRK', '1991-03-04',"
	    "  'official', 'i'),"
	    " ('sort-10', 'sort-c', NULL, NULL, 'ministerial', 'PRK', 'PRK', '1991-02-01', 'official', 'j');");
	static const char *const filters[][10] = {
	    {"sort", "level", NULL},
	    {"sort", "visitor", NULL},
	    {"sort", "level", "between", "CHN:PRK", NULL},
	    {"sort", "visitor", "between", "CHN:PRK", NULL},
	    {"sort", "level", "direction", "PRK:CHN", NULL},
	    {"sort", "visitor", "country", "PRK", "from", "1950", "to", "1995"},
	    {"sort", "level", "country", "CHN", "type", "official", NULL},
	    {"sort", "visitor", "country", "PRK", NULL},
	    {"sort", "visitor", "country", "CHN", "level", "ministerial", NULL},
	    {"sort", "visitor", "status", "all", NULL},
	    {"sort", "level", "from", "1960-06-01", NULL},
	    {"sort", "visitor", "between", "CHN:PRK", "level", "ministerial,at_least_ministerial,unknown", NULL},
	};
	for (int off = 0; off < 2; off++) {
		/* off: the same pages counted without the tally */
		pl_tally_off = off;
		for (size_t i = 0; i < sizeof filters / sizeof filters[0]; i++)
			pages_agree(filters[i]);
	}
	pl_tally_off = 0;
	parley_close(db);
}

/* Pages in date order (either way) of a country, a level and a type, from
 * every offset and past the last: whether a page walks the list order or
 * reads the filter's index and sorts (walk_first weighs a country's rows
 * as table reads), and a page past the last (empty from the tally's total
 * alone), the rows are the slice of the one sorted query. */
static void date_pages_are_the_list(void **s)
{
	(void)s;
	parley_err err = {0, ""};
	db = fresh_store();
	if (parley_load_bundled(db, NULL, NULL, &err) != PARLEY_OK)
		fail_msg("bundled: %s", err.msg);
	static const char *const filters[][10] = {
	    {"country", "PRK", NULL},
	    {"sort", "-date", "country", "PRK", NULL},
	    {"country", "CHN", "from", "1960", "to", "1995", NULL},
	    {"sort", "-date", "country", "CHN", "status", "all", NULL},
	    {"country", "PRK", "min_level", "head_of_government", NULL},
	    {"min_level", "head_of_state", NULL},
	    {"sort", "-date", "type", "official,state", NULL},
	};
	for (int off = 0; off < 2; off++) {
		pl_tally_off = off;
		for (size_t i = 0; i < sizeof filters / sizeof filters[0]; i++)
			pages_agree(filters[i]);
	}
	pl_tally_off = 0;
	parley_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(sorted_pages_are_the_sorted_list),
	    cmocka_unit_test(date_pages_are_the_list),
	};
	return RUN_IN_TMPDIR("query-sort", tests);
}
