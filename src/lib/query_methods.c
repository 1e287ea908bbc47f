/*
 * query_methods.c - the facts the methods page states, read from the store:
 * the data version, declared coverage, the offices and their ranks (from
 * which visit levels follow), what is known to be incomplete (unidentified
 * visitors, imprecise dates, low confidence, candidates) and the visits
 * whose facts are disputed.  Computed, never written by hand, so the page
 * cannot drift from the data.  In the query layer (issue 8: no SQL
 * outside src/lib); the page itself is src/web's.
 */
#include "internal.h"
#include "pl_query.h"
#include "../analysis/an.h"

#include <stdlib.h>
#include <string.h>

typedef struct m_priv {
	an_arena arena;
} m_priv;

/* The rows of sql, nf string columns each, into the arena: *arr is an
 * array of *n structs of nf const char * fields. */
static int rows(parley_db *db, an_arena *a, const char *sql, int nf, void **arr, size_t *n,
                parley_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = pl_prepare(db, sql, &st, err);
	pl_table t = {.arena = a, .nf = nf};
	if (!rc)
		rc = pl_table_read(&t, st, db, "methods", err);
	sqlite3_finalize(st);
	*arr = t.cell;
	*n = t.n;
	return rc;
}

_Static_assert(sizeof(parley_methods_cover) == 8 * sizeof(const char *), "cover layout");
_Static_assert(sizeof(parley_methods_office) == 4 * sizeof(const char *), "office layout");
_Static_assert(sizeof(parley_methods_disputed) == 3 * sizeof(const char *), "disputed layout");

int parley_methods_compute(parley_db *db, parley_methods **out, parley_err *err)
{
	sqlite3 *sql = db ? db->sql : NULL;
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
		rc = rows(db, &pv->arena,
		          "SELECT id, description, from_country, to_country, min_level, start_date,"
		          " end_date, data_through FROM coverage ORDER BY id",
		          8, &p, &m->ncover, err);
	m->cover = p;
	if (!rc)
		rc = rows(db, &pv->arena,
		          "SELECT id, name, country, rank FROM office ORDER BY country, rank, name", 4, &p,
		          &m->noffice, err);
	if (!rc)
		m->office = p;
	if (!rc)
		rc = rows(db, &pv->arena,
		          "SELECT v.id, v.start_date || ' ' || COALESCE(p.name, v.visitor_label,"
		          " 'unidentified') || ' ' || v.from_country || '->' || v.to_country, v.disputed"
		          " FROM visit v LEFT JOIN person p ON p.id = v.visitor"
		          " WHERE v.disputed IS NOT NULL AND v.disputed <> ''"
		          " ORDER BY v.start_date, v.id",
		          3, &p, &m->ndisputed, err);
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
