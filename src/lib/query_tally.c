/*
 * query_tally.c - totals and facets from the visit tally: the store keeps,
 * by trigger on every write to visit (schema.c, migration_tally), how many
 * visits each (pair, year, direction, level, type, status) holds.  A filter
 * on those columns alone is answered by summing the tally's rows for it (a
 * few thousand for the largest pair of a million-visit store) instead of
 * reading every matching visit, and the sum is exact: the tally is a
 * GROUP BY of visit kept current, not an estimate (docs/queries.md
 * "Counts").  A filter naming no country reads the yearly tally, the same
 * without the countries (a few thousand rows however large the store); one
 * naming one country, the tally per country (unless it wants the direction
 * facet, which only the full tally holds).  Any other filter (text, people,
 * office, top, ids, a date range that does not fall on whole years) counts
 * the matching visits as before.
 */
#include "internal.h"
#include "pl_query.h"
#include "../analysis/an.h"

#include <string.h>

int pl_tally_off;

/* A date of q is a first (or last) day of a year: "YYYY" + tail. */
static int whole_year(const char *d, const char *tail)
{
	return !d[0] || (strlen(d) == 10 && strcmp(d + 4, tail) == 0);
}

/* The tally that answers q (with the direction facet when direction):
 * the smallest of the three holding what q filters by. */
enum { FINE, YEARLY, BY_COUNTRY };
static int table(const parley_query *q, int direction)
{
	if (q->a[0] || q->dir_from[0] || direction)
		return FINE;
	return q->country[0] ? BY_COUNTRY : YEARLY;
}

const char *pl_tally_total(const parley_query *q)
{
	static const char *const heads[] = {
	    "SELECT coalesce(sum(t.n), 0) FROM visit_tally t",
	    "SELECT coalesce(sum(t.n), 0) FROM visit_tally_year t",
	    "SELECT coalesce(sum(t.n), 0) FROM visit_tally_country t"};
	return heads[table(q, 0)];
}

const char *pl_tally_pass(const parley_query *q, int direction)
{
	static const char *const heads[] = {
	    ("SELECT t.from_country || ':' || t.to_country, t.level, t.type, t.status, t.year, t.n"
	     " FROM visit_tally t"),
	    "SELECT NULL, t.level, t.type, t.status, t.year, t.n FROM visit_tally_year t",
	    "SELECT NULL, t.level, t.type, t.status, t.year, t.n FROM visit_tally_country t"};
	return heads[table(q, direction)];
}

int pl_tally_covers(const parley_query *q)
{
	/* the partial-date rule keeps exactly the visits whose start year lies
	 * in [from's year, to's year] when from is a 1 January and to a
	 * 31 December (a month or year start overlaps the range iff its year
	 * does); any other range needs the visit's own precision */
	return !pl_tally_off && !q->office && !q->person && !q->visitor && !q->companion &&
	       !q->host && !q->top && !q->text && !q->ids && !q->since[0] && whole_year(q->from, "-01-01") &&
	       whole_year(q->to, "-12-31") && whole_year(q->as_of, "-12-31");
}

/* " AND t.year OP ?" with the year of date d (copied into the arena). */
static int year_clause(pl_buf *sql, pl_binds *b, const char *op, const char *d)
{
	const char *y = an_fmt(b->arena, "%.4s", d);
	if (!y)
		return PARLEY_ENOMEM;
	int rc = pl_buf_printf(sql, " AND t.year %s ?", op);
	return rc ? rc : pl_bind(b, y);
}

int pl_tally_where(const parley_query *q, int direction, pl_buf *sql, pl_binds *b)
{
	int by_country = table(q, direction) == BY_COUNTRY;
	int rc = pl_buf_puts(sql, " WHERE 1");
	if (!rc && q->a[0]) {
		int lo = strcmp(q->a, q->b) < 0;
		const char *k = an_fmt(b->arena, "%s:%s", lo ? q->a : q->b, lo ? q->b : q->a);
		rc = !k ? PARLEY_ENOMEM : pl_buf_puts(sql, " AND t.pair_key = ?");
		if (!rc)
			rc = pl_bind(b, k);
	}
	if (!rc && q->dir_from[0]) {
		rc = pl_buf_puts(sql, " AND t.from_country = ? AND t.to_country = ?");
		if (!rc)
			rc = pl_bind(b, q->dir_from);
		if (!rc)
			rc = pl_bind(b, q->dir_to);
	}
	if (!rc && q->country[0]) {
		rc = pl_buf_puts(sql, by_country ? " AND t.country = ?"
		                                 : " AND (t.from_country = ? OR t.to_country = ?)");
		if (!rc)
			rc = pl_bind(b, q->country);
		if (!rc && !by_country)
			rc = pl_bind(b, q->country);
	}
	if (!rc && q->from[0])
		rc = year_clause(sql, b, ">=", q->from);
	if (!rc && q->to[0])
		rc = year_clause(sql, b, "<=", q->to);
	if (!rc && q->as_of[0])
		rc = year_clause(sql, b, "<=", q->as_of);
	if (!rc && q->level)
		rc = pl_bind_in_list(sql, b, "t.level", q->level);
	if (!rc && q->min_level)
		rc = pl_bind_min_level(sql, b, "t.level", q->min_level);
	if (!rc && q->type)
		rc = pl_bind_in_list(sql, b, "t.type", q->type);
	if (!rc && !(q->status && strcmp(q->status, "all") == 0))
		rc = pl_bind_in_list(sql, b, "t.status", q->status ? q->status : PL_QUERY_DEFAULT_STATUS);
	return rc;
}

int pl_tally_dir_covers(const parley_query *q)
{
	return pl_tally_covers(q) && !q->a[0] && !q->dir_from[0] && !q->from[0] && !q->to[0] &&
	       !q->as_of[0] && !q->level && !q->min_level && !q->type;
}

int pl_tally_dir_where(const parley_query *q, pl_buf *sql, pl_binds *b)
{
	int rc = pl_buf_puts(sql, " WHERE 1");
	if (!rc && !(q->status && strcmp(q->status, "all") == 0))
		rc = pl_bind_in_list(sql, b, "t.status", q->status ? q->status : PL_QUERY_DEFAULT_STATUS);
	return rc;
}
