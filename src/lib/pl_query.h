/*
 * pl_query.h - the query layer's pieces shared inside the library and with
 * the web module: the page window of a filter and the one JSON shape of a
 * visit (the CLI's --json and GET /api/v1/visits write the same objects).
 */
#ifndef PL_QUERY_H
#define PL_QUERY_H

#include "parley.h"

#include <jansson.h>
#include <sqlite3.h>

struct an_arena;
/* Column i of a row copied into the analysis arena (NULL for NULL);
 * *nomem set when the copy fails (query_people.c). */
const char *pl_query_col(struct an_arena *a, sqlite3_stmt *st, int i, int *nomem);
/* Counts the rows of a bound statement, then rewinds it (query_people.c). */
size_t pl_query_count_rows(sqlite3_stmt *st);
/* Rows of sql bound to id (?1), nf string columns each, into the arena:
 * an array of *n * nf strings, which is the layout of a record struct of
 * nf const char * fields (query_people.c). */
int pl_query_rows(parley_db *db, struct an_arena *a, const char *id, const char *sql, int nf,
                  const char ***out, size_t *n, parley_err *err);

/* The rows q asks for: page/per_page when given, else limit/offset. */
void pl_query_window(const parley_query *q, long *limit, long *offset);
/* "head WHERE <q's filters> tail" (head "SELECT ... FROM visit v"), prepared and bound
 * (query_visits.c; sort, paging and after= are not read): the lean
 * readers of query_analysis.c share the lists' WHERE clause.  The bound
 * values live in arena: free it after sqlite3_finalize(*st). */
int pl_query_prepare_where(parley_db *db, const parley_query *q, const char *head, const char *tail,
                           struct an_arena *arena, sqlite3_stmt **st, parley_err *err);
/* The plan (EXPLAIN QUERY PLAN lines) of parley_visit_facts for one
 * direction or none (query_analysis.c), for the test that a figure reads
 * its index, never the table. */
int pl_visit_facts_plan(parley_db *db, const parley_query *q, char *out, size_t cap,
                        parley_err *err);
/* The query plan (EXPLAIN QUERY PLAN, one line per step) of the rows q
 * selects, into out (cap bytes), so tests can check that each filter is
 * answered from an index. */
int pl_query_plan(parley_db *db, const parley_query *q, char *out, size_t cap, parley_err *err);
/* A visit as a JSON object: the list columns, and with details the
 * hosts, delegation, places, activities, sources and external ids.
 * New reference (caller decrefs), NULL when out of memory. */
json_t *pl_visit_json(const parley_visit *v, int details);
/* {"total","offset","visits":[...]} of a result; caller decrefs. */
json_t *pl_visits_json(const parley_visits *r, int details);

#endif
