/*
 * query_search.c - a search answered from the search index's own rows.
 *
 * Each row of visit_search carries, beside the folded text, the visit's
 * start_key, countries, level, type and status (schema.c,
 * migration_search_dims; pl_search_flush keeps them current at every
 * commit).  A search whose other filters are on those columns alone counts
 * its matches, counts its facets and picks its page from the FTS5 matches
 * and their rows: one read per match, where joining every match to its
 * visit takes three.  Any other filter (a person, an office, top=, ids=) reads
 * the visits as before (query_visits.c).
 */
#include "internal.h"
#include "pl_query.h"
#include "../analysis/an.h"

#include <stdlib.h>
#include <string.h>

int pl_search_covers(const parley_query *q)
{
	if (pl_tally_off || !q->text || q->office || q->person || q->visitor || q->companion ||
	    q->host || q->top || q->ids)
		return 0;
	/* text that folds to nothing is no filter: the visits answer */
	char *w = parley_fold_words(q->text);
	int words = w && *w;
	free(w);
	return words;
}

/* " AND col IN (...)" of a list, or of the levels at least min. */
static int lists(const parley_query *q, pl_buf *sql, pl_binds *b)
{
	int rc = PARLEY_OK;
	if (q->level)
		rc = pl_bind_in_list(sql, b, "s.level", q->level);
	if (!rc && q->min_level)
		rc = pl_bind_min_level(sql, b, "s.level", q->min_level);
	if (!rc && q->type)
		rc = pl_bind_in_list(sql, b, "s.type", q->type);
	if (!rc && !(q->status && strcmp(q->status, "all") == 0))
		rc = pl_bind_in_list(sql, b, "s.status", q->status ? q->status : PL_QUERY_DEFAULT_STATUS);
	return rc;
}

int pl_search_from(const parley_query *q, pl_buf *sql, pl_binds *b)
{
	int nomem = 0;
	const char *m = pl_fts_phrase(b->arena, q->text, &nomem);
	if (nomem || !m)
		return PARLEY_ENOMEM; /* !m: pl_search_covers said the text has words */
	int rc = pl_buf_puts(sql, " FROM visit_fts JOIN visit_search s ON s.n = visit_fts.rowid"
	                          " WHERE visit_fts MATCH ?");
	if (!rc)
		rc = pl_bind(b, m);
	if (!rc && q->a[0]) {
		rc = pl_buf_puts(sql, " AND ((s.from_country = ? AND s.to_country = ?)"
		                      " OR (s.from_country = ? AND s.to_country = ?))");
		const char *v[] = {q->a, q->b, q->b, q->a};
		for (size_t i = 0; !rc && i < 4; i++)
			rc = pl_bind(b, v[i]);
	}
	if (!rc && q->dir_from[0]) {
		rc = pl_buf_puts(sql, " AND s.from_country = ? AND s.to_country = ?");
		if (!rc)
			rc = pl_bind(b, q->dir_from);
		if (!rc)
			rc = pl_bind(b, q->dir_to);
	}
	if (!rc && q->country[0]) {
		rc = pl_buf_puts(sql, " AND (s.from_country = ? OR s.to_country = ?)");
		if (!rc)
			rc = pl_bind(b, q->country);
		if (!rc)
			rc = pl_bind(b, q->country);
	}
	if (!rc && (q->from[0] || q->to[0]))
		rc = pl_date_clause(sql, b, q, "s");
	if (!rc && q->as_of[0]) {
		const char *k = an_fmt(b->arena, "%s9", q->as_of);
		rc = !k ? PARLEY_ENOMEM : pl_buf_puts(sql, " AND s.start_key <= ?");
		if (!rc)
			rc = pl_bind(b, k);
	}
	if (!rc && q->since[0]) {
		const char *k = an_strdup(b->arena, q->since);
		rc = !k ? PARLEY_ENOMEM : pl_buf_puts(sql, " AND s.start_key >= ?");
		if (!rc)
			rc = pl_bind(b, k);
	}
	return rc ? rc : lists(q, sql, b);
}
