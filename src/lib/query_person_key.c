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
 * same range.  person= (any role) merges the visitor's own visits, in list
 * order in visit_by_visitor_cover, with the person's range in each role:
 * SQLite merges arms that are each in order (a UNION with ORDER BY), and
 * the UNION drops a visit named twice, as the filter's OR did.
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
static const char *const roles[] = {"companion", "host"};

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

/* One arm: the (start_key, visit) of the visitor's visits (role NULL) or
 * of the person's range in role, with q's status and, when keyset, the
 * rows after q->after in the list's direction. */
static int arm(parley_db *db, const parley_query *q, const char *id, const char *role, int keyset,
               int wide, pl_buf *sql, pl_binds *b, parley_err *err)
{
	/* wide: the columns of the facets too (pl_person_key_facets), which
	 * the visitor's covering index and the key's rows hold; the page and
	 * the count read only the key (merging 7 columns cost 3x 2 of them) */
	int rc = pl_buf_puts(sql, role ? "SELECT k.start_key, k.visit" : "SELECT v.start_key AS start_key, v.id AS visit");
	if (!rc && wide)
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
		rc = pl_bind_in_list(sql, b, role ? "k.status" : "v.status",
		                     q->status ? q->status : PL_QUERY_DEFAULT_STATUS);
	if (rc)
		return parley_err_set(err, rc == PARLEY_ENOMEM ? PARLEY_ENOMEM : PARLEY_ELIMIT,
		                      "building the query: %s", parley_strstatus(rc));
	return keyset && q->after ? pl_keyset_clause(db, q, sql, b, role ? "k" : "v", err) : PARLEY_OK;
}

/* Every arm of q joined by UNION (one arm for host= or companion=). */
static int arms(parley_db *db, const parley_query *q, int keyset, int wide, pl_buf *sql,
                pl_binds *b, parley_err *err)
{
	if (!q->person)
		return arm(db, q, q->host ? q->host : q->companion, q->host ? "host" : "companion", keyset,
		           wide, sql, b, err);
	int rc = arm(db, q, q->person, NULL, keyset, wide, sql, b, err);
	for (size_t i = 0; !rc && i < PL_ARRAY_LEN(roles); i++) {
		rc = pl_buf_puts(sql, " UNION ");
		if (rc)
			rc = parley_err_set(err, rc, "building the query: %s", parley_strstatus(rc));
		else
			rc = arm(db, q, q->person, roles[i], keyset, wide, sql, b, err);
	}
	return rc;
}

/* head, then q's arms (all of them, after= aside; wide: with the facets'
 * columns) merged as a subquery "k". */
static int over_arms(parley_db *db, const parley_query *q, const char *head, int wide, pl_buf *sql,
                     pl_binds *b, parley_err *err)
{
	int rc = pl_buf_puts(sql, head);
	if (!rc)
		rc = arms(db, q, 0, wide, sql, b, err);
	else
		rc = parley_err_set(err, rc, "out of memory");
	/* the arms merged in list order, which drops a visit named twice as
	 * it passes: without the order (and its LIMIT, which keeps it in a
	 * subquery) the UNION dedupes through a temporary b-tree, 10x the CPU
	 * for a person of 12,619 visits at 1M */
	if (!rc && q->person && (rc = pl_buf_puts(sql, " ORDER BY 1, 2 LIMIT -1")))
		rc = parley_err_set(err, rc, "out of memory");
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
	int rc = over_arms(db, q, "SELECT count(*) FROM (", 0, &sql, &b, err);
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

int pl_person_key_page_ids(parley_db *db, const parley_query *q, an_arena *arena, long offset,
                           long rows, char **ids, parley_err *err)
{
	*ids = NULL;
	int desc = q->sort && strcmp(q->sort, "-date") == 0;
	pl_binds b = {.n = 0, .arena = arena};
	pl_buf sql, out;
	pl_buf_init(&sql, MAX_SQL);
	pl_buf_init(&out, (size_t)PL_QUERY_MAX_SQL * 64);
	int rc = arms(db, q, 1, 0, &sql, &b, err);
	/* by column number: the arms name their columns apart (k.visit, v.id) */
	if (!rc && (rc = pl_buf_printf(&sql, " ORDER BY 1%s, 2%s LIMIT %ld OFFSET %ld",
	                                desc ? " DESC" : "", desc ? " DESC" : "", rows, offset)))
		rc = parley_err_set(err, rc, "out of memory");
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
