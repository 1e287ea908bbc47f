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

/* ------------------------------------------------------------------ */
/* The matches of a search, read once for its page, total and facets   */
/* ------------------------------------------------------------------ */

/* The last search's matches on this connection.  The HTML list asks for a
 * page (with its total) and then for five facets of the same search; each
 * read every match's row (visit_search), so a search paid for its matches
 * twice.  Kept: exactly one search, the one whose SQL, parameters and
 * store version are those of the request, so a write (by this connection:
 * its change count; by another: data_version) or any other search replaces
 * it and no stale figure can be read from it; matches read inside a
 * transaction are never reused (a rollback changes neither count). */
struct pl_search_memo {
	char *key; /* the matches' SQL and its parameters */
	long long version; /* PRAGMA data_version when read */
	long long changes; /* sqlite3_total_changes64 when read */
	int in_txn; /* read inside a transaction, which may roll back: never reused */
	pl_match *m;
	size_t n;
	an_arena arena; /* the rows' strings */
};

const char *const pl_search_matches_head =
    "SELECT s.visit, s.start_key, s.from_country, s.to_country, s.level, s.type, s.status";

void pl_search_memo_free(parley_db *db)
{
	struct pl_search_memo *s = db ? db->search_memo : NULL;
	if (!s)
		return;
	free(s->key);
	free(s->m);
	an_arena_free(&s->arena);
	free(s);
	db->search_memo = NULL;
}

/* The count of the search's FTS5 doclist (its matches before the other
 * filters): read from the index alone, no row. */
static int doclist_count(parley_db *db, const char *phrase, long *n, parley_err *err)
{
	sqlite3_stmt *st;
	int rc = pl_prepare_cached(db, "SELECT count(*) FROM visit_fts WHERE visit_fts MATCH ?1", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, phrase, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		*n = (long)sqlite3_column_int64(st, 0);
	else
		rc = pl_db_error(db, err, "counting a search's matches");
	pl_release(db, st);
	return rc;
}

/* The memo's key: the SQL, then each parameter after a unit separator. */
static char *memo_key(const pl_buf *sql, const pl_binds *b)
{
	pl_buf k;
	pl_buf_init(&k, PL_QUERY_MAX_SQL * 2);
	int rc = pl_buf_puts(&k, sql->data);
	for (int i = 0; !rc && i < b->n; i++) {
		rc = pl_buf_putc(&k, '\x1f');
		if (!rc)
			rc = pl_buf_puts(&k, b->v[i]);
	}
	if (rc) {
		pl_buf_free(&k);
		return NULL;
	}
	return pl_buf_take(&k);
}

/* Reads the matches of sql into a fresh memo; NULL and err set on failure. */
static struct pl_search_memo *read_matches(parley_db *db, const pl_buf *sql, const pl_binds *b,
                                           parley_err *err)
{
	struct pl_search_memo *s = calloc(1, sizeof *s);
	sqlite3_stmt *st = NULL;
	int rc = s ? pl_prepare_bound(db, sql->data, b, &st, err)
	           : parley_err_set(err, PARLEY_ENOMEM, "search: out of memory");
	size_t cap = 0;
	int step = SQLITE_DONE, nm = 0;
	while (!rc && !nm && (step = sqlite3_step(st)) == SQLITE_ROW) {
		if (s->n == cap) {
			size_t c2 = cap ? 2 * cap : 256;
			pl_match *g = realloc(s->m, c2 * sizeof *g);
			if (!g) {
				nm = 1;
				break;
			}
			s->m = g;
			cap = c2;
		}
		pl_match *m = &s->m[s->n++];
		m->visit = pl_query_col(&s->arena, st, 0, &nm);
		m->start_key = pl_query_col(&s->arena, st, 1, &nm);
		m->from = pl_query_col(&s->arena, st, 2, &nm);
		m->to = pl_query_col(&s->arena, st, 3, &nm);
		m->level = pl_query_col(&s->arena, st, 4, &nm);
		m->type = pl_query_col(&s->arena, st, 5, &nm);
		m->status = pl_query_col(&s->arena, st, 6, &nm);
	}
	if (!rc && nm)
		rc = parley_err_set(err, PARLEY_ENOMEM, "search: out of memory");
	else if (!rc && step != SQLITE_DONE)
		rc = pl_db_error(db, err, "searching visits");
	sqlite3_finalize(st);
	if (rc && s) {
		free(s->m);
		an_arena_free(&s->arena);
		free(s);
		s = NULL;
	}
	return s;
}

int pl_search_matches(parley_db *db, const parley_query *q, const pl_match **m, size_t *n,
                      parley_err *err)
{
	an_arena arena = {0};
	pl_binds b = {.n = 0, .arena = &arena};
	pl_buf sql;
	pl_buf_init(&sql, PL_QUERY_MAX_SQL);
	int rc = pl_buf_puts(&sql, pl_search_matches_head);
	if (!rc)
		rc = pl_search_from(q, &sql, &b);
	char *key = rc ? NULL : memo_key(&sql, &b);
	if (!rc && !key)
		rc = PARLEY_ENOMEM;
	if (rc)
		rc = parley_err_set(err, rc, "search: %s", parley_strstatus(rc));
	long long version = parley_change_counter(db), changes = sqlite3_total_changes64(db->sql);
	/* a rollback undoes rows without changing either count: matches read
	 * inside a transaction are used once */
	int in_txn = !sqlite3_get_autocommit(db->sql);
	struct pl_search_memo *s = db->search_memo;
	if (!rc && s && !in_txn && !s->in_txn && s->version == version && s->changes == changes &&
	    strcmp(s->key, key) == 0) {
		*m = s->m;
		*n = s->n;
		free(key);
		pl_buf_free(&sql);
		an_arena_free(&arena);
		return PARLEY_OK;
	}
	/* the doclist's size bounds the memory: past the bound the caller
	 * counts, pages and facets in SQL (a pass each) */
	long docs = 0;
	if (!rc)
		rc = doclist_count(db, b.v[0], &docs, err);
	if (!rc && docs > PL_SEARCH_MATCHES_MAX)
		rc = PARLEY_ELIMIT;
	struct pl_search_memo *fresh = rc ? NULL : read_matches(db, &sql, &b, err);
	if (!rc && !fresh)
		rc = err && err->code ? err->code : PARLEY_ENOMEM;
	if (!rc) {
		pl_search_memo_free(db);
		fresh->key = key;
		key = NULL;
		fresh->version = version;
		fresh->changes = changes;
		fresh->in_txn = in_txn;
		db->search_memo = fresh;
		*m = fresh->m;
		*n = fresh->n;
	}
	free(key);
	pl_buf_free(&sql);
	an_arena_free(&arena);
	return rc;
}

/* Compares two matches in the list order (start_key, then visit id; a
 * missing key first, as SQLite orders NULL). */
static int cmp_key(const char *a, const char *b)
{
	if (!a || !b)
		return !a && !b ? 0 : !a ? -1 : 1;
	return strcmp(a, b);
}

int pl_match_cmp(const pl_match *a, const pl_match *b)
{
	int c = cmp_key(a->start_key, b->start_key);
	return c ? c : cmp_key(a->visit, b->visit);
}
