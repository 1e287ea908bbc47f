/*
 * query_person_key.c - the list of one person's visits in a role (host=,
 * companion=) or in any role (person=), in date order, from the person's
 * range of visit_person_key (schema.c) instead of the table rows (issue 13).
 *
 * A busy synthetic host at 1M visits has hosted 24,520 visits; the person
 * page asks for the latest 50 of them.  The filter's subquery found them
 * by the person's delegation rows, but the order is the visit's, so every
 * hosted visit's table row was read by rowid and sorted.  visit_person_key
 * carries the visit's start_key and status beside each (person, role,
 * visit), ordered by (person, role, start_key, visit): the page is one
 * range read from its offset (or from after=), the total one count of the
 * same range.  person= (any role) is three arms: the visitor's own visits,
 * in list order in visit_by_visitor_cover, and the person's range in each
 * role.  Its page merges them (a UNION with ORDER BY, which SQLite merges
 * from arms each in order, dropping a visit named twice, as the filter's
 * OR did); its total and facets read them made disjoint (over_arms).
 *
 * Only which visits is decided here; they are read whole and ordered again
 * by the caller (load_ids in query_visits.c), as for the sorts of
 * query_sort.c, so the rows and their order are the filter's own.
 */
#include "internal.h"
#include "pl_query.h"
#include "../analysis/an.h"

#include <stdlib.h>
#include <string.h>

#define MAX_SQL PL_QUERY_MAX_SQL

/* The roles a delegation row may have: concept.c accepts no other on any
 * write, so person= is the visitor and these. */
static const char *const roles[] = {"companion", "host"}; /* arms 1 and 2; 0: the visitor */

int pl_person_key_filter(const parley_query *q)
{
	int people = !!q->host + !!q->companion + !!q->person;
	return people == 1 && !q->a[0] && !q->dir_from[0] && !q->country[0] &&
	       !q->from[0] && !q->to[0] && !q->as_of[0] && !q->since[0] && !q->level &&
	       !q->min_level && !q->type && !q->office && !q->visitor && !q->top && !q->text && !q->ids;
}

int pl_person_key_covers(const parley_query *q)
{
	return pl_person_key_filter(q) && pl_keyset_sort(q);
}

/* One arm: the (start_key, visit) of the visitor's visits (r 0) or of the
 * person's range in role roles[r - 1], with q's status and, when keyset,
 * the rows after q->after in the list's direction; without the visits
 * of the arms in excl (nexcl of them), each found by one seek of its key
 * (a visit has one status, so the other arm's status is the same). */
static int arm(parley_db *db, const parley_query *q, const char *id, int r, int keyset, int wide,
               const int *excl, size_t nexcl, pl_buf *sql, pl_binds *b, parley_err *err)
{
	const char *role = r ? roles[r - 1] : NULL;
	/* wide > 0: the columns of the facets too (pl_person_key_facets), which
	 * the visitor's covering index and the key's rows hold; the page and
	 * the count read only the key (merging 7 columns cost 3x 2 of them) */
	/* wide < 0: rows to count, no column: the visitor's start_key is a
	 * virtual column that SQLite (3.40) reads from the table row, never
	 * from the index that holds it */
	int rc = pl_buf_puts(sql, wide < 0 ? "SELECT 1"
	                          : role   ? "SELECT k.start_key, k.visit"
	                                   : "SELECT v.start_key AS start_key, v.id AS visit");
	if (!rc && wide > 0)
		rc = pl_buf_puts(sql, role ? ", k.status, k.from_country, k.to_country, k.level, k.type"
		                           : ", v.status AS status, v.from_country AS from_country,"
		                             " v.to_country AS to_country, v.level AS level, v.type AS type");
	if (!rc)
		rc = pl_buf_puts(sql, role ? " FROM visit_person_key k WHERE k.person = ? AND k.role = ?"
		                           : " FROM visit v WHERE v.visitor = ?");
	if (!rc)
		rc = pl_bind(b, id);
	if (!rc && role)
		rc = pl_bind(b, role);
	if (!rc && !(q->status && strcmp(q->status, "all") == 0))
		/* +v.status: the visitor's index, never the status index (most of
		 * the store shares a status) */
		rc = pl_bind_in_list(sql, b, role ? "k.status" : "+v.status",
		                     q->status ? q->status : PL_QUERY_DEFAULT_STATUS);
	for (size_t i = 0; !rc && i < nexcl; i++) {
		rc = pl_buf_puts(sql, excl[i] ? " AND NOT EXISTS (SELECT 1 FROM visit_person_key x WHERE"
		                                " x.person = ? AND x.role = ? AND x.start_key = "
		                              : " AND NOT EXISTS (SELECT 1 FROM visit x WHERE"
		                                " x.visitor = ? AND x.start_key = ");
		if (!rc)
			/* +x.id: the visitor's covering index answers, not the id's
			 * index and the table row behind it */
			rc = pl_buf_printf(sql, "%s.start_key AND %s = %s)", role ? "k" : "v",
			                   excl[i] ? "x.visit" : "+x.id", role ? "k.visit" : "v.id");
		if (!rc)
			rc = pl_bind(b, id);
		if (!rc && excl[i])
			rc = pl_bind(b, roles[excl[i] - 1]);
	}
	if (rc)
		return parley_err_set(err, rc == PARLEY_ENOMEM ? PARLEY_ENOMEM : PARLEY_ELIMIT,
		                      "building the query: %s", parley_strstatus(rc));
	return keyset && q->after ? pl_keyset_clause(db, q, sql, b, role ? "k" : "v", err) : PARLEY_OK;
}

/* The one arm of host= or companion=: its role's number for arm(). */
static int one_role(const parley_query *q)
{
	return q->host ? 2 : 1;
}

/* Every arm of q joined by UNION, to be merged in list order (one arm for
 * host= or companion=). */
static int arms(parley_db *db, const parley_query *q, int keyset, int wide, pl_buf *sql,
                pl_binds *b, parley_err *err)
{
	if (!q->person)
		return arm(db, q, q->host ? q->host : q->companion, one_role(q), keyset, wide, NULL, 0,
		           sql, b, err);
	int rc = PARLEY_OK;
	for (int r = 0; !rc && r < 3; r++) {
		if (r && (rc = pl_buf_puts(sql, " UNION ")))
			rc = parley_err_set(err, rc, "building the query: %s", parley_strstatus(rc));
		if (!rc)
			rc = arm(db, q, q->person, r, keyset, wide, NULL, 0, sql, b, err);
	}
	return rc;
}

/* The number of rows of arm r of person= (q's statuses). */
static int arm_count(parley_db *db, const parley_query *q, an_arena *arena, int r, long *n,
                     parley_err *err)
{
	pl_binds b = {.n = 0, .arena = arena};
	pl_buf sql;
	pl_buf_init(&sql, MAX_SQL);
	int rc = pl_buf_puts(&sql, "SELECT count(*) FROM (");
	if (rc)
		rc = parley_err_set(err, rc, "out of memory");
	else
		rc = arm(db, q, q->person, r, 0, -1, NULL, 0, &sql, &b, err);
	if (!rc && (rc = pl_buf_putc(&sql, ')')))
		rc = parley_err_set(err, rc, "out of memory");
	sqlite3_stmt *st = NULL;
	if (!rc && !(rc = pl_prepare_bound(db, sql.data, &b, &st, err))) {
		if (sqlite3_step(st) == SQLITE_ROW)
			*n = (long)sqlite3_column_int64(st, 0);
		else
			rc = pl_db_error(db, err, "counting a person's visits");
	}
	sqlite3_finalize(st);
	pl_buf_free(&sql);
	return rc;
}

/* head, then q's visits (after= aside; wide: with the facets' columns, or
 * below 0 no column at all, for a count), one
 * row each, as a subquery "k".  person= is its arms made disjoint and
 * joined by UNION ALL: the largest whole, the next without the visits of
 * the largest, the smallest without either's, so only the smaller arms'
 * rows seek the others and nothing is merged or deduped (merging a busy
 * host's 26,035 rows of 7 columns cost 25 ms of CPU at 1M visits). */
static int over_arms(parley_db *db, const parley_query *q, const char *head, int wide, pl_buf *sql,
                     pl_binds *b, parley_err *err)
{
	int rc = pl_buf_puts(sql, head);
	if (rc)
		return parley_err_set(err, rc, "out of memory");
	if (!q->person)
		rc = arm(db, q, q->host ? q->host : q->companion, one_role(q), 0, wide, NULL, 0, sql, b, err);
	long n[3] = {0, 0, 0};
	int ord[3] = {0, 1, 2};
	for (int r = 0; q->person && !rc && r < 3; r++)
		rc = arm_count(db, q, b->arena, r, &n[r], err);
	/* largest first */
	for (int i = 0; q->person && !rc && i < 3; i++)
		for (int j = i + 1; j < 3; j++)
			if (n[ord[j]] > n[ord[i]]) {
				int t = ord[i];
				ord[i] = ord[j];
				ord[j] = t;
			}
	for (int i = 0; q->person && !rc && i < 3; i++) {
		if (i && (rc = pl_buf_puts(sql, " UNION ALL ")))
			rc = parley_err_set(err, rc, "out of memory");
		if (!rc)
			rc = arm(db, q, q->person, ord[i], 0, wide, ord, (size_t)i, sql, b, err);
	}
	if (!rc && (rc = pl_buf_puts(sql, ") k")))
		rc = parley_err_set(err, rc, "out of memory");
	return rc;
}

int pl_person_key_facets(parley_db *db, const parley_query *q, const char *head, pl_buf *sql,
                         pl_binds *b, parley_err *err)
{
	/* an unknown person is an error, as the filter's WHERE makes it */
	int rc = pl_query_must_exist(db, "person", q->host ? "host" : q->companion ? "companion" : "person",
	                             q->host ? q->host : q->companion ? q->companion : q->person, err);
	return rc ? rc : over_arms(db, q, head, 1, sql, b, err);
}

int pl_person_key_total(parley_db *db, const parley_query *q, an_arena *arena, long *total,
                        parley_err *err)
{
	pl_binds b = {.n = 0, .arena = arena};
	pl_buf sql;
	pl_buf_init(&sql, MAX_SQL);
	int rc = over_arms(db, q, "SELECT count(*) FROM (", -1, &sql, &b, err);
	sqlite3_stmt *st = NULL;
	if (!rc && !(rc = pl_prepare_bound(db, sql.data, &b, &st, err))) {
		int s = sqlite3_step(st);
		if (s == SQLITE_ROW)
			*total = (long)sqlite3_column_int64(st, 0);
		else
			rc = pl_db_error(db, err, "counting a person's visits");
	}
	sqlite3_finalize(st);
	pl_buf_free(&sql);
	return rc;
}

/* The page's (start_key, visit) rows: rows of them from offset (after
 * after=), in q's date order. */
static int page_sql(parley_db *db, const parley_query *q, long offset, long rows, pl_buf *sql,
                    pl_binds *b, parley_err *err)
{
	int desc = q->sort && strcmp(q->sort, "-date") == 0;
	int rc = arms(db, q, 1, 0, sql, b, err);
	/* by column number: the arms name their columns apart (k.visit, v.id) */
	if (!rc && (rc = pl_buf_printf(sql, " ORDER BY 1%s, 2%s LIMIT %ld OFFSET %ld",
	                                desc ? " DESC" : "", desc ? " DESC" : "", rows, offset)))
		rc = parley_err_set(err, rc, "out of memory");
	return rc;
}

int pl_person_key_plan(parley_db *db, const parley_query *q, pl_buf *plan, parley_err *err)
{
	an_arena arena = {0};
	int rc = PARLEY_OK;
	for (int k = 0; !rc && k < 3; k++) {
		pl_binds b = {.n = 0, .arena = &arena};
		pl_buf sql;
		pl_buf_init(&sql, MAX_SQL);
		rc = k == 2 ? pl_buf_puts(&sql, "EXPLAIN QUERY PLAN ") : PARLEY_OK;
		if (rc)
			rc = parley_err_set(err, rc, "out of memory");
		else if (k == 2)
			rc = page_sql(db, q, 0, 51, &sql, &b, err);
		else
			rc = over_arms(db, q, k ? "EXPLAIN QUERY PLAN SELECT k.status FROM ("
			                        : "EXPLAIN QUERY PLAN SELECT count(*) FROM (",
			               k ? 1 : -1, &sql, &b, err);
		sqlite3_stmt *st = NULL;
		if (!rc && !(rc = pl_prepare_bound(db, sql.data, &b, &st, err)))
			while (sqlite3_step(st) == SQLITE_ROW)
				pl_buf_addf(plan, "%s\n", (const char *)sqlite3_column_text(st, 3));
		sqlite3_finalize(st);
		pl_buf_free(&sql);
	}
	an_arena_free(&arena);
	return rc;
}

int pl_person_key_page_ids(parley_db *db, const parley_query *q, an_arena *arena, long offset,
                           long rows, char **ids, parley_err *err)
{
	*ids = NULL;
	pl_binds b = {.n = 0, .arena = arena};
	pl_buf sql, out;
	pl_buf_init(&sql, MAX_SQL);
	pl_buf_init(&out, (size_t)PL_QUERY_MAX_SQL * 64);
	int rc = page_sql(db, q, offset, rows, &sql, &b, err);
	if (!rc && (rc = pl_buf_putc(&out, '[')))
		rc = parley_err_set(err, rc, "out of memory");
	sqlite3_stmt *st = NULL;
	size_t n = 0;
	if (!rc && !(rc = pl_prepare_bound(db, sql.data, &b, &st, err))) {
		int s;
		while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW)
			rc = pl_json_item(&out, n++, "", pl_json_text((const char *)sqlite3_column_text(st, 1)));
		if (rc)
			rc = parley_err_set(err, rc, "listing a person's visits: %s", parley_strstatus(rc));
		else if (s != SQLITE_DONE)
			rc = pl_db_error(db, err, "listing a person's visits");
	}
	sqlite3_finalize(st);
	pl_buf_free(&sql);
	if (!rc && (rc = pl_buf_putc(&out, ']')))
		rc = parley_err_set(err, rc, "out of memory");
	if (!rc && !(*ids = pl_strdup(out.data)))
		rc = parley_err_set(err, PARLEY_ENOMEM, "out of memory");
	pl_buf_free(&out);
	return rc;
}
