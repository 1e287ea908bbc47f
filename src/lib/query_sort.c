/*
 * query_sort.c - a page of a list sorted by level or by visitor (issue 13)
 * without sorting every match.
 *
 * Both orders begin with a key that takes few values: the level's rank
 * (sort=level), the visitor's name (sort=visitor).  The matches with one
 * value of that key (an "arm") are one contiguous stretch of the list, and
 * the arms follow each other in the key's order.  So the page is found by
 * counting each arm (from the tally when it covers the filter, else one
 * GROUP BY over the matches that reads no name, rank or office), stepping
 * over the arms before the offset, and sorting, in the list's own ORDER BY,
 * only the arms the page falls in.  At 1M visits the largest pair sorted by
 * level read and ranked its 100,000 visits for a page of 50 (0.47 s); now
 * it reads the 5,000 of the highest level from the pair's covering index
 * (visit_by_pair_cover, schema.c).
 *
 * The page's rows are then read whole, and ordered again, by the caller
 * (load_ids in query_visits.c), so the rows and their order are those the
 * one sorted query gave; only which rows is decided here.
 */
#include "internal.h"
#include "pl_query.h"
#include "../analysis/an.h"

#include <stdlib.h>
#include <string.h>

#define MAX_SQL PL_QUERY_MAX_SQL

/* One arm: the values of its key (levels, or visitor ids, as a JSON
 * array), its name (sort=visitor), whether rows with no visitor id are in
 * it (then no visitor index can find them), and how many matches it holds. */
typedef struct arm {
	json_t *vals;
	const char *name;
	int nulls;
	long n;
	int rank;
} arm;

typedef struct arms {
	arm *v;
	size_t n, cap;
} arms;

static arm *arm_add(arms *a)
{
	if (a->n == a->cap) {
		size_t cap = a->cap ? 2 * a->cap : 16;
		arm *g = realloc(a->v, cap * sizeof *g);
		if (!g)
			return NULL;
		a->v = g;
		a->cap = cap;
	}
	arm *r = &a->v[a->n++];
	memset(r, 0, sizeof *r);
	r->vals = json_array();
	return r->vals ? r : (a->n--, NULL);
}

static void arms_free(arms *a)
{
	for (size_t i = 0; i < a->n; i++)
		json_decref(a->v[i].vals);
	free(a->v);
}

/* Highest rank first; within a rank the level's name, so the arms come
 * out the same whatever order the counts did. */
static int by_rank(const void *x, const void *y)
{
	const arm *a = x, *b = y;
	if (a->rank != b->rank)
		return a->rank > b->rank ? -1 : 1;
	return strcmp(a->name, b->name);
}

/* The arms of sort=level: the matches' levels with their counts (sql,
 * bound to b), one arm per rank (levels of one rank sort together:
 * parley_rank in pl_order_by). */
static int level_arms(parley_db *db, const char *sql, const pl_binds *b, an_arena *ar, arms *out,
                      parley_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = pl_prepare_bound(db, sql, b, &st, err), s = SQLITE_DONE;
	arms one = {0};
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		arm *g = arm_add(&one);
		const char *l = (const char *)sqlite3_column_text(st, 0);
		if (!g) {
			rc = PARLEY_ENOMEM;
			break;
		}
		g->name = an_strdup(ar, l ? l : "");
		g->n = (long)sqlite3_column_int64(st, 1);
		g->rank = parley_level_rank(l);
		if (!g->name || json_array_append_new(g->vals, pl_json_text(g->name)))
			rc = PARLEY_ENOMEM;
	}
	if (!rc && s != SQLITE_DONE)
		rc = pl_db_error(db, err, "counting visits per level");
	sqlite3_finalize(st);
	if (!rc && one.n > 1)
		qsort(one.v, one.n, sizeof *one.v, by_rank);
	for (size_t i = 0; !rc && i < one.n; i++) {
		arm *g = out->n && out->v[out->n - 1].rank == one.v[i].rank ? &out->v[out->n - 1]
		                                                             : arm_add(out);
		if (!g) {
			rc = PARLEY_ENOMEM;
			break;
		}
		g->rank = one.v[i].rank;
		g->n += one.v[i].n;
		if (json_array_extend(g->vals, one.v[i].vals))
			rc = PARLEY_ENOMEM;
	}
	arms_free(&one);
	return rc;
}

/* A group of sort=visitor: one visitor id (or none) and label, the name
 * the list sorts its rows by, and how many matches it holds. */
typedef struct vgroup {
	const char *visitor, *label, *name;
	long n;
} vgroup;

static int same(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static unsigned long hash_of(const char *visitor, const char *label)
{
	unsigned long h = 2166136261u;
	for (const char *s = visitor ? visitor : ""; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	h = (h ^ (visitor ? 1u : 2u)) * 16777619u;
	for (const char *s = label ? label : ""; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return (h ^ (label ? 3u : 4u)) * 16777619u;
}

/* The groups in a table of cap slots (a power of two, at least twice
 * their number): each slot 0 or a group's index + 1. */
typedef struct vtable {
	vgroup *g;
	size_t n, cap;
	size_t *slot;
} vtable;

static int vt_grow(vtable *t)
{
	size_t cap = t->cap ? 2 * t->cap : 256;
	size_t *slot = calloc(cap, sizeof *slot);
	vgroup *g = realloc(t->g, cap / 2 * sizeof *g);
	if (!slot || !g) {
		free(slot);
		if (g)
			t->g = g;
		return PARLEY_ENOMEM;
	}
	t->g = g;
	for (size_t i = 0; i < t->n; i++) {
		size_t k = hash_of(g[i].visitor, g[i].label) & (cap - 1);
		while (slot[k])
			k = (k + 1) & (cap - 1);
		slot[k] = i + 1;
	}
	free(t->slot);
	t->slot = slot;
	t->cap = cap;
	return PARLEY_OK;
}

/* Counts one match of (visitor, label), adding its group when new (the
 * strings copied into ar). */
static int vt_count(vtable *t, an_arena *ar, const char *visitor, const char *label)
{
	if (2 * (t->n + 1) > t->cap && vt_grow(t))
		return PARLEY_ENOMEM;
	size_t k = hash_of(visitor, label) & (t->cap - 1);
	for (; t->slot[k]; k = (k + 1) & (t->cap - 1)) {
		vgroup *g = &t->g[t->slot[k] - 1];
		if (same(g->visitor, visitor) && same(g->label, label)) {
			g->n++;
			return PARLEY_OK;
		}
	}
	vgroup *g = &t->g[t->n];
	g->visitor = visitor ? an_strdup(ar, visitor) : NULL;
	g->label = label ? an_strdup(ar, label) : NULL;
	g->name = NULL;
	g->n = 1;
	if ((visitor && !g->visitor) || (label && !g->label))
		return PARLEY_ENOMEM;
	t->slot[k] = ++t->n;
	return PARLEY_OK;
}

/* The list's order of names: COLLATE NOCASE, which sqlite3_stricmp is. */
static int by_name(const void *x, const void *y)
{
	return sqlite3_stricmp(((const vgroup *)x)->name, ((const vgroup *)y)->name);
}

/* The arms of sort=visitor: the matches (sql: their visitor and label,
 * read from the filter's index) grouped in C, where SQL's GROUP BY sorted
 * every match (30-50 ms for a pair's 100,000 at 1M); each group's name as
 * the list sorts by it (coalesce(p.name, visitor_label, 'unidentified')),
 * in its order; visitors whose names are equal under NOCASE share an arm,
 * as their rows interleave by date. */
static int visitor_arms(parley_db *db, const char *const *sql, const pl_binds *const *b, int nsql,
                        an_arena *ar, arms *out, parley_err *err)
{
	sqlite3_stmt *st = NULL;
	vtable t = {0};
	int rc = PARLEY_OK, s = SQLITE_DONE;
	for (int k = 0; !rc && k < nsql; k++) {
		rc = pl_prepare_bound(db, sql[k], b[k], &st, err);
		while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW)
			rc = vt_count(&t, ar, (const char *)sqlite3_column_text(st, 0),
			              (const char *)sqlite3_column_text(st, 1));
		if (!rc && s != SQLITE_DONE)
			rc = pl_db_error(db, err, "grouping visits by visitor");
		sqlite3_finalize(st);
		st = NULL;
	}
	if (!rc)
		rc = pl_prepare(db, "SELECT name FROM person WHERE id = ?1", &st, err);
	for (size_t i = 0; !rc && i < t.n; i++) {
		vgroup *g = &t.g[i];
		const char *pname = NULL;
		if (g->visitor) {
			sqlite3_reset(st);
			sqlite3_bind_text(st, 1, g->visitor, -1, SQLITE_STATIC);
			s = sqlite3_step(st);
			if (s == SQLITE_ROW)
				pname = (const char *)sqlite3_column_text(st, 0);
			else if (s != SQLITE_DONE)
				rc = pl_db_error(db, err, "reading a visitor's name");
		}
		g->name = an_strdup(ar, pname ? pname : g->label ? g->label : "unidentified");
		if (!rc && !g->name)
			rc = PARLEY_ENOMEM;
	}
	sqlite3_finalize(st);
	if (!rc && t.n > 1)
		qsort(t.g, t.n, sizeof *t.g, by_name);
	for (size_t i = 0; !rc && i < t.n; i++) {
		const vgroup *v = &t.g[i];
		arm *g = out->n && sqlite3_stricmp(out->v[out->n - 1].name, v->name) == 0
		             ? &out->v[out->n - 1] : arm_add(out);
		if (!g) {
			rc = PARLEY_ENOMEM;
			break;
		}
		g->name = v->name;
		g->n += v->n;
		if (!v->visitor)
			g->nulls = 1;
		else if (json_array_append_new(g->vals, pl_json_text(v->visitor)))
			rc = PARLEY_ENOMEM;
	}
	free(t.g);
	free(t.slot);
	return rc;
}

/* Appends to ids (a JSON array) the ids of at most need rows of arm g
 * from skip on, in q's order: where (bound to b) and the arm's own terms. */
static int arm_rows(parley_db *db, const parley_query *q, const char *where, const pl_binds *b,
                    const arm *g, long skip, long need, json_t *ids, long *got, parley_err *err)
{
	int by_name = strcmp(q->sort, "visitor") == 0;
	pl_binds ab = *b;
	pl_buf sql;
	pl_buf_init(&sql, MAX_SQL);
	char *vals = json_dumps(g->vals, JSON_COMPACT);
	/* a visitor's arm reads its visitors' own index (visitor, date, id,
	 * status, countries, label): their visits, not every match */
	int rc = vals ? pl_buf_puts(&sql, by_name ? (g->nulls ? "SELECT v.id FROM visit v"
	                                                        : "SELECT v.id FROM visit v INDEXED BY"
	                                                          " visit_by_visitor_cover")
	                                          : "SELECT v.id FROM visit v")
	              : PARLEY_ENOMEM;
	if (!rc && by_name)
		rc = pl_buf_puts(&sql, " LEFT JOIN person p ON p.id = v.visitor");
	if (!rc)
		rc = pl_buf_puts(&sql, where);
	if (!rc && by_name) {
		rc = pl_buf_puts(&sql, " AND coalesce(p.name, v.visitor_label, 'unidentified') = ?"
		                       " COLLATE NOCASE");
		if (!rc)
			rc = pl_bind(&ab, g->name);
		if (!rc && !g->nulls)
			rc = pl_buf_puts(&sql, " AND v.visitor IN (SELECT value FROM json_each(?))");
		if (!rc && !g->nulls)
			rc = pl_bind(&ab, an_strdup(ab.arena, vals));
	} else if (!rc) {
		/* a pair's or direction's index carries the level: "+" keeps it */
		rc = pl_buf_puts(&sql, q->a[0] || q->dir_from[0]
		                           ? " AND +v.level IN (SELECT value FROM json_each(?))"
		                           : " AND v.level IN (SELECT value FROM json_each(?))");
		if (!rc)
			rc = pl_bind(&ab, an_strdup(ab.arena, vals));
	}
	free(vals);
	if (!rc)
		rc = pl_buf_puts(&sql, pl_order_by(q->sort));
	if (!rc)
		rc = pl_buf_printf(&sql, " LIMIT %ld OFFSET %ld", need, skip);
	sqlite3_stmt *st = NULL;
	int s = SQLITE_DONE;
	if (!rc && !(rc = pl_prepare_bound(db, sql.data, &ab, &st, err))) {
		while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
			if (json_array_append_new(ids, pl_json_text((const char *)sqlite3_column_text(st, 0))))
				rc = PARLEY_ENOMEM;
			(*got)++;
		}
		if (!rc && s != SQLITE_DONE)
			rc = pl_db_error(db, err, "sorting visits");
	}
	sqlite3_finalize(st);
	pl_buf_free(&sql);
	return rc;
}

/* The (visitor, label) of a country's matches as two statements, the
 * visits it made (out, one range of visit_by_dir_cover) and those it
 * hosted from elsewhere (to, one range of visit_by_to_cover), both bound to
 * b: SQLite answers the country's OR by collecting both ranges' rowids and
 * reading every table row (0.7 s for the 194,000 of USA at 1M, cold). */
static int country_halves(parley_db *db, const parley_query *q, pl_buf *out, pl_binds *bo,
                          pl_buf *to, pl_binds *bt, parley_err *err)
{
	/* q without its country, in the arena: the parameters bound point
	 * into it (the dates) until the statements are finalized */
	parley_query *d = an_alloc(bo->arena, sizeof *d);
	if (!d)
		return PARLEY_ENOMEM;
	*d = *q;
	d->country[0] = '\0';
	pl_buf w;
	pl_buf_init(&w, MAX_SQL);
	/* the filter's other terms, where no index of theirs competes
	 * (bo->walk), in each statement: the same parameters in each */
	int rc = pl_query_where(db, d, &w, bo, err);
	for (int i = 0; !rc && i < bo->n; i++)
		rc = pl_bind(bt, bo->v[i]);
	if (!rc)
		rc = pl_buf_printf(out, "SELECT v.visitor, v.visitor_label FROM visit v%s"
		                        " AND v.from_country = ?", w.data);
	if (!rc)
		rc = pl_bind(bo, q->country);
	if (!rc)
		rc = pl_buf_printf(to, "SELECT v.visitor, v.visitor_label FROM visit v%s"
		                       " AND v.to_country = ? AND v.from_country <> ?", w.data);
	if (!rc)
		rc = pl_bind(bt, q->country);
	if (!rc)
		rc = pl_bind(bt, q->country);
	pl_buf_free(&w);
	return rc;
}

int pl_sort_arms_apply(const parley_query *q)
{
	return q->sort && (strcmp(q->sort, "level") == 0 || strcmp(q->sort, "visitor") == 0);
}

int pl_sort_page_ids(parley_db *db, const parley_query *q, const char *where, const pl_binds *b,
                     const char *cwhere, const pl_binds *bc, int tally, long offset, long limit,
                     char **ids_out, parley_err *err)
{
	*ids_out = NULL;
	int by_name = strcmp(q->sort, "visitor") == 0;
	arms a = {0};
	pl_buf sql;
	pl_buf_init(&sql, MAX_SQL);
	int rc;
	/* a country's matches, grouped by visitor, in two halves (country_halves) */
	pl_buf half;
	pl_buf_init(&half, MAX_SQL);
	pl_binds bo = {.n = 0, .arena = b->arena, .walk = 1, .status_index = 0};
	pl_binds bt = {.n = 0, .arena = b->arena, .walk = 1, .status_index = 0};
	if (by_name && q->country[0])
		rc = country_halves(db, q, &sql, &bo, &half, &bt, err);
	else if (by_name) /* the groups first, then their names (never a name per match); a
	              * filter by status alone reads them from the visitors' index, not
	              * the table rows of most of the store */
		rc = pl_buf_printf(&sql, "SELECT v.visitor, v.visitor_label FROM visit v%s%s",
		                   b->status_index ? " INDEXED BY visit_by_visitor_cover" : "", where);
	else if (tally)
		rc = pl_buf_printf(&sql, "SELECT t.level, sum(t.n)%s%s GROUP BY t.level",
		                   strstr(pl_tally_total(q), " FROM "), cwhere);
	else
		rc = pl_buf_printf(&sql, "SELECT v.level, count(*) FROM visit v%s GROUP BY v.level", where);
	if (rc && err && !err->code)
		rc = parley_err_set(err, rc, "sorting visits: %s", parley_strstatus(rc));
	if (!rc && by_name) {
		const char *sqls[] = {sql.data, half.data};
		const pl_binds *bs[] = {q->country[0] ? &bo : b, &bt};
		rc = visitor_arms(db, sqls, bs, q->country[0] ? 2 : 1, b->arena, &a, err);
	} else if (!rc)
		rc = level_arms(db, sql.data, tally ? bc : b, b->arena, &a, err);
	pl_buf_free(&sql);
	pl_buf_free(&half);
	/* a visitor's arm leaves the filter's own indexes to its visitors';
	 * a level's arm, but for a pair or direction (whose index carries the
	 * level), to the level's (visit_by_level_cover: a country's matches are
	 * tested there, not in their table rows), never to the status index,
	 * which holds most of a store */
	int lev_walk = !by_name && !q->a[0] && !q->dir_from[0];
	int own = by_name || lev_walk || b->status_index;
	pl_buf wwalk;
	pl_buf_init(&wwalk, MAX_SQL);
	pl_binds bw = {.n = 0, .arena = b->arena, .walk = by_name || lev_walk, .status_index = 0};
	if (!rc && own)
		rc = pl_query_where(db, q, &wwalk, &bw, err);
	json_t *ids = rc ? NULL : json_array();
	if (!rc && !ids)
		rc = PARLEY_ENOMEM;
	long skip = offset, need = limit;
	for (size_t i = 0; !rc && i < a.n && need > 0; i++) {
		if (skip >= a.v[i].n) {
			skip -= a.v[i].n;
			continue;
		}
		long got = 0;
		rc = arm_rows(db, q, own ? wwalk.data : where, own ? &bw : b, &a.v[i], skip, need, ids,
		              &got, err);
		need -= got;
		skip = 0;
	}
	pl_buf_free(&wwalk);
	arms_free(&a);
	if (!rc && !(*ids_out = json_dumps(ids, JSON_COMPACT)))
		rc = PARLEY_ENOMEM;
	json_decref(ids);
	if (rc == PARLEY_ENOMEM && err && !err->code)
		parley_err_set(err, rc, "sorting visits: out of memory");
	return rc;
}
