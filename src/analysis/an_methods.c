/*
 * an_methods.c - the facts the methods page states, read from the store:
 * the data version, declared coverage, the offices and their ranks (from
 * which visit levels follow), what is known to be incomplete (unidentified
 * visitors, imprecise dates, low confidence, candidates) and the visits
 * whose facts are disputed.  Computed, never written by hand, so the page
 * cannot drift from the data.
 */
#include "an.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

typedef struct m_priv {
	an_arena arena;
} m_priv;

static const char *dup_col(an_arena *a, sqlite3_stmt *st, int i, int *oom)
{
	const char *s = (const char *)sqlite3_column_text(st, i);
	if (!s)
		return NULL;
	const char *c = an_strdup(a, s);
	if (!c)
		*oom = 1;
	return c;
}

/* Runs q and hands each row to fill(i); *n receives the row count and *arr
 * an arena array of elem-sized slots. */
static int rows(sqlite3 *sql, an_arena *a, const char *q, size_t elem, void **arr, size_t *n,
                void (*fill)(an_arena *, sqlite3_stmt *, void *, int *), parley_err *err)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(sql, q, -1, &st, NULL) != SQLITE_OK)
		return parley_err_set(err, PARLEY_EDB, "methods: %s", sqlite3_errmsg(sql));
	size_t cap = 16, k = 0;
	char *buf = an_alloc(a, cap * elem);
	int s, oom = !buf;
	while (!oom && (s = sqlite3_step(st)) == SQLITE_ROW) {
		if (k == cap) {
			char *nb = an_alloc(a, cap * 2 * elem);
			if (!nb) {
				oom = 1;
				break;
			}
			memcpy(nb, buf, cap * elem);
			buf = nb;
			cap *= 2;
		}
		fill(a, st, buf + k * elem, &oom);
		k++;
	}
	int bad = !oom && s != SQLITE_DONE;
	sqlite3_finalize(st);
	if (oom)
		return parley_err_set(err, PARLEY_ENOMEM, "methods: out of memory");
	if (bad)
		return parley_err_set(err, PARLEY_EDB, "methods: %s", sqlite3_errmsg(sql));
	*arr = buf;
	*n = k;
	return PARLEY_OK;
}

static void fill_cover(an_arena *a, sqlite3_stmt *st, void *p, int *oom)
{
	parley_methods_cover *c = p;
	c->id = dup_col(a, st, 0, oom);
	c->description = dup_col(a, st, 1, oom);
	c->from = dup_col(a, st, 2, oom);
	c->to = dup_col(a, st, 3, oom);
	c->min_level = dup_col(a, st, 4, oom);
	c->start = dup_col(a, st, 5, oom);
	c->end = dup_col(a, st, 6, oom);
	c->data_through = dup_col(a, st, 7, oom);
}

static void fill_office(an_arena *a, sqlite3_stmt *st, void *p, int *oom)
{
	parley_methods_office *o = p;
	o->id = dup_col(a, st, 0, oom);
	o->name = dup_col(a, st, 1, oom);
	o->country = dup_col(a, st, 2, oom);
	o->rank = dup_col(a, st, 3, oom);
}

static void fill_disputed(an_arena *a, sqlite3_stmt *st, void *p, int *oom)
{
	parley_methods_disputed *d = p;
	d->visit = dup_col(a, st, 0, oom);
	d->label = dup_col(a, st, 1, oom);
	d->disputed = dup_col(a, st, 2, oom);
}

int parley_methods_compute(parley_db *db, parley_methods **out, parley_err *err)
{
	sqlite3 *sql = db ? parley_sqlite(db) : NULL;
	if (!sql || !out)
		return parley_err_set(err, PARLEY_EINVAL, "parley_methods_compute: NULL argument");
	parley_methods *m = calloc(1, sizeof *m);
	m_priv *pv = calloc(1, sizeof *pv);
	if (!m || !pv) {
		free(m);
		free(pv);
		return parley_err_set(err, PARLEY_ENOMEM, "methods: out of memory");
	}
	m->priv = pv;
	int rc = parley_data_version_get(db, &m->version, err);
	sqlite3_stmt *st = NULL;
	if (!rc && sqlite3_prepare_v2(sql,
	                              "SELECT count(*) FILTER (WHERE status IN ('confirmed','reported')),"
	                              " count(*) FILTER (WHERE status IN ('confirmed','reported')"
	                              "  AND visitor IS NULL AND (visitor_label IS NULL"
	                              "   OR lower(visitor_label) LIKE 'unidentified%'"
	                              "   OR lower(visitor_label) LIKE 'unknown%')),"
	                              " count(*) FILTER (WHERE status IN ('confirmed','reported')"
	                              "  AND length(start_date) < 10),"
	                              " count(*) FILTER (WHERE status IN ('confirmed','reported')"
	                              "  AND confidence = 'low'),"
	                              " count(*) FILTER (WHERE status = 'candidate') FROM visit",
	                              -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		m->visits = (size_t)sqlite3_column_int64(st, 0);
		m->unidentified = (size_t)sqlite3_column_int64(st, 1);
		m->imprecise = (size_t)sqlite3_column_int64(st, 2);
		m->low_confidence = (size_t)sqlite3_column_int64(st, 3);
		m->candidates = (size_t)sqlite3_column_int64(st, 4);
	} else if (!rc) {
		rc = parley_err_set(err, PARLEY_EDB, "methods: %s", sqlite3_errmsg(sql));
	}
	sqlite3_finalize(st);
	void *p = NULL;
	if (!rc)
		rc = rows(sql, &pv->arena,
		          "SELECT id, description, from_country, to_country, min_level, start_date,"
		          " end_date, data_through FROM coverage ORDER BY id",
		          sizeof *m->cover, &p, &m->ncover, fill_cover, err);
	m->cover = p;
	if (!rc)
		rc = rows(sql, &pv->arena,
		          "SELECT id, name, country, rank FROM office ORDER BY country, rank, name",
		          sizeof *m->office, &p, &m->noffice, fill_office, err);
	if (!rc)
		m->office = p;
	if (!rc)
		rc = rows(sql, &pv->arena,
		          "SELECT v.id, v.start_date || ' ' || COALESCE(p.name, v.visitor_label,"
		          " 'unidentified') || ' ' || v.from_country || '->' || v.to_country, v.disputed"
		          " FROM visit v LEFT JOIN person p ON p.id = v.visitor"
		          " WHERE v.disputed IS NOT NULL AND v.disputed <> ''"
		          " ORDER BY v.start_date, v.id",
		          sizeof *m->disputed, &p, &m->ndisputed, fill_disputed, err);
	if (!rc)
		m->disputed = p;
	if (rc) {
		parley_methods_free(m);
		return rc;
	}
	*out = m;
	return PARLEY_OK;
}

void parley_methods_free(parley_methods *m)
{
	if (!m)
		return;
	m_priv *pv = m->priv;
	if (pv) {
		an_arena_free(&pv->arena);
		free(pv);
	}
	free(m);
}
