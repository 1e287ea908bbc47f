/*
 * pl_query.h - the query layer's pieces shared inside the library and with
 * the web module: the page window of a filter and the one JSON shape of a
 * visit (the CLI's --json and GET /api/v1/visits write the same objects).
 */
#ifndef PL_QUERY_H
#define PL_QUERY_H

#include "internal.h"
#include "parley.h"

#include <jansson.h>
#include <sqlite3.h>

struct an_arena;
/* Column i of a row copied into the analysis arena (NULL for NULL);
 * *nomem set when the copy fails (query_people.c). */
const char *pl_query_col(struct an_arena *a, sqlite3_stmt *st, int i, int *nomem);
/* parley_visit_facts; with untyped set, a pair's facts may come without
 * their type (NULL), a column the caller does not read and SQLite then
 * does not decode (query_analysis.c). */
int pl_visit_facts(parley_db *db, const parley_query *q, int untyped, parley_visit_fact_fn fn,
                   void *ud, parley_err *err);
/* What a callback of pl_visit_facts_back returns to end the walk there
 * (pl_visit_facts_back then returns PARLEY_OK). */
#define PL_WALK_STOP 1
/* The visits of q's filter (one query: not between=) newest first, the
 * reverse of list order (start_key, then id), until fn returns
 * PL_WALK_STOP: a context sentence's latest visits, read without the ones
 * before them (query_analysis.c).  Sort and paging of q are not read. */
int pl_visit_facts_back(parley_db *db, const parley_query *q, parley_visit_fact_fn fn, void *ud,
                        parley_err *err);
/* What a visit's context says of its visitor's other visits (an_load.c),
 * counted in one pass over the visitor's index range up to the visit's day:
 * of those of a status in statuses before day (YYYY-MM-DD, its first
 * possible day), from -> to ones (nth: their number, the first one's day
 * and the lowest rank of their levels); of those since
 * the office began (since, YYYY-MM-DD; "" for ever) from `from`, and to
 * `to`; and whether any up to day (its own day too) lies outside the pair.
 * The second time a visitor is asked about (a site's pages of a pair ask
 * about each visitor again and again), the visitor's visits are read once
 * into memory, and counted there while the store stays unchanged. */
typedef struct pl_visitor_counts_q {
	const char *visitor, *from, *to;
	const char *day, *since;
	const char *const *statuses;
	size_t nstatus; /* at most 8 */
} pl_visitor_counts_q;
typedef struct pl_visitor_counts_r {
	long nth, abroad, to_host;
	int outside;
	char nth_first[11]; /* the first possible day of the first nth one ("": none) */
	int nth_minrank;    /* the lowest parley_level_rank among them (INT_MAX: none) */
} pl_visitor_counts_r;
int pl_visitor_counts(parley_db *db, const pl_visitor_counts_q *q, pl_visitor_counts_r *r,
                      parley_err *err);
/* The last visit of q's filter in list order (start_key, then id): the
 * latest before q's as-of date, in one index seek per direction; fn is
 * called once, or not at all when q matches nothing.  Sort and paging of q
 * are not read (query_analysis.c: the context sentences' "previous visit"). */
int pl_visit_fact_last(parley_db *db, const parley_query *q, parley_visit_fact_fn fn, void *ud,
                       parley_err *err);
/* Counts the rows of a bound statement, then rewinds it (query_people.c). */
size_t pl_query_count_rows(sqlite3_stmt *st);
/* Rows of sql bound to id (?1), nf string columns each, into the arena:
 * an array of *n * nf strings, which is the layout of a record struct of
 * nf const char * fields (query_people.c). */
int pl_query_rows(parley_db *db, struct an_arena *a, const char *id, const char *sql, int nf,
                  const char ***out, size_t *n, parley_err *err);

/* Building a query: SQL text in a pl_buf, its parameters (text, bound in
 * order) here.  Shared by the list query (query_visits.c), the facets
 * (query_facets.c) and the tally (query_tally.c). */
#define PL_QUERY_MAX_SQL ((size_t)1 << 20)
#define PL_MAX_BINDS 256
/* The statuses a filter keeps when it names none. */
#define PL_QUERY_DEFAULT_STATUS "confirmed,reported"
typedef struct pl_binds {
	const char *v[PL_MAX_BINDS];
	int n;
	struct an_arena *arena; /* copies of list items and computed values */
	int status_index; /* 1: the status filter may pick the status index (see pl_query_status_only) */
	int walk; /* 1: no filter column may pick its index, so the page walks the list order */
} pl_binds;
/* Appends one parameter; ELIMIT past PL_MAX_BINDS. */
int pl_bind(pl_binds *b, const char *s);
/* " AND col IN (?,?,..)" for a comma-separated list (items copied into b's arena). */
int pl_bind_in_list(pl_buf *sql, pl_binds *b, const char *col, const char *list);
/* " AND col IN (...)" of every level at least min. */
int pl_bind_min_level(pl_buf *sql, pl_binds *b, const char *col, const char *min);
/* Prepares sql with b's parameters bound; caller finalizes *st. */
int pl_prepare_bound(parley_db *db, const char *sql, const pl_binds *b, sqlite3_stmt **st,
                     parley_err *err);
/* " WHERE ..." of q over visit v (validating its person, office and top
 * parameters against the store). */
int pl_query_where(parley_db *db, const parley_query *q, pl_buf *sql, pl_binds *b, parley_err *err);
/* Whether status is q's only filter (the status index may answer it). */
int pl_query_status_only(const parley_query *q);
/* The partial-date rule's clause of q's from/to over alias "v" (visit) or
 * "s" (the search index's rows, which hold start_key alone). */
int pl_date_clause(pl_buf *sql, pl_binds *b, const parley_query *q, const char *alias);
/* The FTS5 phrase of a search (in the arena), NULL when it folds to
 * nothing; *nomem set when out of memory. */
const char *pl_fts_phrase(struct an_arena *a, const char *text, int *nomem);
/* after=: " AND (start_key, id) > (?, ?)" over alias "v" or "s" (the
 * visit's key read from the store; ENOTFOUND without it). */
int pl_keyset_clause(parley_db *db, const parley_query *q, pl_buf *sql, pl_binds *b,
                     const char *alias, parley_err *err);
/* Whether q's rows are in date order (and may be paged by key). */
int pl_keyset_sort(const parley_query *q);
/* " ORDER BY ..." of a sort (NULL: by date). */
const char *pl_order_by(const char *sort);
/* Whether q's sort (level, visitor) pages by arms (query_sort.c). */
int pl_sort_arms_apply(const parley_query *q);
/* The ids of q's page (offset, limit) sorted by level or visitor, as a JSON
 * array in *ids (the caller frees it with free()), found by counting the
 * arms of the sort's first key and sorting only those the page falls in:
 * where bound to b is q's WHERE (pl_query_where), cwhere bound to bc the
 * tally's (pl_tally_where) when tally (query_sort.c). */
int pl_sort_page_ids(parley_db *db, const parley_query *q, const char *where, const pl_binds *b,
                     const char *cwhere, const pl_binds *bc, int tally, long offset, long limit,
                     char **ids, parley_err *err);

/* A person's visits in a role or any role, in date order, from
 * visit_person_key (query_person_key.c). */
/* Whether q is host=, companion= or person= alone (status aside). */
int pl_person_key_filter(const parley_query *q);
/* The same, in date order (its page too is read from the key). */
int pl_person_key_covers(const parley_query *q);
/* head ("SELECT ... FROM (") and q's visits (after= aside) as the subquery
 * "k" with the columns start_key, visit, status, from_country, to_country,
 * level and type, one row per visit, into sql with b's parameters. */
int pl_person_key_facets(parley_db *db, const parley_query *q, const char *head, pl_buf *sql,
                         pl_binds *b, parley_err *err);
/* The number of q's visits (after= aside), into *total. */
int pl_person_key_total(parley_db *db, const parley_query *q, struct an_arena *arena, long *total,
                        parley_err *err);
/* The ids of q's page (rows from offset, after after=) as a JSON array in
 * *ids, which the caller frees with free(). */
int pl_person_key_page_ids(parley_db *db, const parley_query *q, struct an_arena *arena,
                           long offset, long rows, char **ids, parley_err *err);
/* The EXPLAIN QUERY PLAN of the count, the facets and the page of q (a
 * pl_person_key_filter), one line per step, appended to plan. */
int pl_person_key_plan(parley_db *db, const parley_query *q, pl_buf *plan, parley_err *err);
/* ENOTFOUND naming param unless table has a row with id. */
int pl_query_must_exist(parley_db *db, const char *table, const char *param, const char *id,
                        parley_err *err);

/* Searches from the search index's rows (query_search.c). */
/* Whether q is a search whose other filters the index's rows carry
 * (pair, direction, country, dates, level, type, status). */
int pl_search_covers(const parley_query *q);
/* " FROM visit_fts JOIN visit_search s ... WHERE visit_fts MATCH ? AND ..."
 * of q (only when pl_search_covers(q)). */
int pl_search_from(const parley_query *q, pl_buf *sql, pl_binds *b);

/* A search's matches, read once for its page, total and facets
 * (query_search.c): each match's visit id and the columns it is paged and
 * faceted by. */
typedef struct pl_match {
	const char *visit, *start_key, *from, *to, *level, *type, *status;
} pl_match;
/* The most matches (FTS5 doclist entries, before the other filters) kept
 * in memory; a search with more counts, pages and facets in SQL. */
#define PL_SEARCH_MATCHES_MAX 100000
/* The head of the matches' query (before pl_search_from), for pl_query_plan. */
extern const char *const pl_search_matches_head;
/* The matches of search q (only when pl_search_covers(q)), in no order:
 * *m and *n belong to db and stay valid until the next call on db or
 * parley_close; the same search on an unchanged store is read once.
 * PARLEY_ELIMIT (err untouched) past PL_SEARCH_MATCHES_MAX. */
int pl_search_matches(parley_db *db, const parley_query *q, const pl_match **m, size_t *n,
                      parley_err *err);
/* <0, 0, >0 as a comes before b in the list order (start_key, id). */
int pl_match_cmp(const pl_match *a, const pl_match *b);

/* The search pack (query_search_pack.c, schema.c migration_search_pack):
 * each search row's filter columns packed by the store, so a search is
 * filtered, counted and faceted from its FTS5 doclist alone.  Each answers
 * PARLEY_ELIMIT (err untouched) when the pack cannot answer q (not a
 * pl_search_covers search, a chunk marked, a row unpacked): the caller
 * then reads the rows. */
/* Adds q's facet counts to maps[k] for each pass field k wanted
 * (direction, level, type, status, year: query_facets.c). */
int pl_pack_facets(parley_db *db, const parley_query *q, const int *want, pl_map *maps,
                   parley_err *err);
/* q's total, and the matches (visit and start_key, in the arena, in no
 * order) that may stand among its first need rows after q->after in q's
 * date order: every match up to the need-th one's key, ties included. */
int pl_pack_page(parley_db *db, const parley_query *q, size_t need, long *total, pl_match **out,
                 size_t *nout, struct an_arena *arena, parley_err *err);

/* The rowids the search "word"* matches in visit_fts, read from the FTS5
 * index's records (query_search_doclist.c): *bits (caller frees) has bit n
 * set for each match n, *nwords words of it.  PARLEY_ELIMIT (err
 * untouched) when word is not one word of ASCII letters and digits, inside
 * a transaction, or when the index is in a shape the reader does not know:
 * the caller asks FTS5. */
int pl_fts_prefix_rowids(parley_db *db, const char *word, uint64_t **bits, size_t *nwords,
                         parley_err *err);

/* Tests only: 1 makes the search pack compare its dates as text, the way
 * of pl_date_clause, instead of as bounds on its packed keys. */
extern int pl_pack_text_dates;

/* The visit tally (query_tally.c, schema.c migration_tally). */
/* Whether the tally answers q's total and facets (direction, level, type,
 * status, year): q filters only on the pair, direction, country, whole
 * years, level, type and status. */
int pl_tally_covers(const parley_query *q);
/* " WHERE ..." of q over the tally t that pl_tally_total(q) (direction 0)
 * or pl_tally_pass(q, direction) reads (only when pl_tally_covers(q)). */
int pl_tally_where(const parley_query *q, int direction, pl_buf *sql, pl_binds *b);
/* The head of q's total from the tally (the sum; static). */
const char *pl_tally_total(const parley_query *q);
/* The head of the one-pass facet query over the tally (columns: direction
 * or NULL unless q names countries or direction is 1, level, type,
 * status, year, count; static). */
const char *pl_tally_pass(const parley_query *q, int direction);
/* Whether visit_tally_dir (visits per direction and status) answers q's
 * counts per direction: q filters by status alone, and by the country the
 * caller groups for; then " WHERE ..." of q over that table as t. */
int pl_tally_dir_covers(const parley_query *q);
int pl_tally_dir_where(const parley_query *q, pl_buf *sql, pl_binds *b);
/* Tests only: 1 makes pl_tally_covers and pl_search_covers answer 0, so
 * every total, facet and page reads the matching visits, to compare
 * against the tally and the search index's rows. */
extern int pl_tally_off;
/* The one-pass facet query's head over visit v, and the visitor facet's
 * (query_facets.c), for pl_query_plan. */
extern const char *const pl_facet_pass_visits, *const pl_facet_visitor_head;
/* The same over the search index's rows s (before pl_search_from). */
extern const char *const pl_facet_pass_search;

/* The rows q asks for: page/per_page when given, else limit/offset. */
void pl_query_window(const parley_query *q, long *limit, long *offset);
/* "head WHERE <q's filters> tail" (head "SELECT ... FROM visit v"), prepared and bound
 * (query_visits.c; sort, paging and after= are not read): the lean
 * readers of query_analysis.c share the lists' WHERE clause.  The bound
 * values live in arena: free it after sqlite3_finalize(*st). */
int pl_query_prepare_where(parley_db *db, const parley_query *q, const char *head, const char *tail,
                           struct an_arena *arena, sqlite3_stmt **st, parley_err *err);
/* The same from the statement cache (pl_prepare_cached), for the few
 * readers one visit page runs again and again (the context sentences'
 * loader; a static site writes a page per visit): release *st with
 * pl_release, then free the arena. */
int pl_query_prepare_where_cached(parley_db *db, const parley_query *q, const char *head,
                                  const char *tail, struct an_arena *arena, sqlite3_stmt **st,
                                  parley_err *err);
/* Rows of string columns read into an arena (query_reference.c): cell
 * holds n rows of nf strings (NULL for NULL), the layout of a struct of nf
 * const char * fields; cap rows fit before it grows. */
typedef struct pl_table {
	struct an_arena *arena;
	const char **cell;
	size_t n, cap;
	int nf;
} pl_table;
/* Steps st (bound, not stepped) to its end, appending each row to t; the
 * caller resets or releases st.  EDB (naming what), ENOMEM. */
int pl_table_read(pl_table *t, sqlite3_stmt *st, parley_db *db, const char *what,
                  parley_err *err);
/* Steps an EXPLAIN QUERY PLAN statement to its end, its steps' details one
 * a line into out (cap bytes), and finalizes it. */
int pl_plan_text(sqlite3_stmt *st, char *out, size_t cap);
/* The plan of parley_visits_latest_start (query_reference.c), for the test
 * that it reads one index entry, not the table. */
int pl_reference_plan(parley_db *db, char *out, size_t cap, parley_err *err);
/* The plan (EXPLAIN QUERY PLAN lines) of parley_visit_facts for one
 * direction or none (query_analysis.c), for the test that a figure reads
 * its index, never the table. */
int pl_visit_facts_plan(parley_db *db, const parley_query *q, char *out, size_t cap,
                        parley_err *err);
/* The same for pl_visit_fact_last of one direction or none, for the test
 * that it reads one index entry backwards (no sort, no table scan). */
int pl_visit_fact_last_plan(parley_db *db, const parley_query *q, char *out, size_t cap,
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
