/*
 * query_facets.c - the facets of a visit filter: how many of its visits
 * fall in each year, direction, level, type, status or visitor.
 *
 * The first five are counted in one pass for all the facets a page shows:
 * from the visit tally when it covers the filter (query_tally.c: a sum of
 * tally rows, exact), for a search from the search index's rows
 * (query_search.c), otherwise from the matching visits themselves, each
 * read once whatever the number of facets.  The visitor facet is not in the
 * tally; it groups the matching visits in SQL.
 */
#include "internal.h"
#include "pl_query.h"
#include "../analysis/an.h"

#include <stdlib.h>
#include <string.h>

typedef struct fresult {
	parley_facet pub;
	an_arena arena;
} fresult;

void parley_facet_free(parley_facet *f)
{
	if (!f)
		return;
	fresult *x = f->priv;
	an_arena_free(&x->arena);
	free(x);
}

/* The fields counted in one pass, in the column order of the pass queries. */
static const char *const pass_fields[] = {"direction", "level", "type", "status", "year"};
#define NPASS (sizeof pass_fields / sizeof pass_fields[0])

/* The unary + keeps a column from being read in index order, which would
 * walk its whole index: the filter's own index finds the rows. */
const char *const pl_facet_pass_visits =
    "SELECT v.from_country || ':' || v.to_country, +v.level, +v.type, +v.status,"
    " substr(v.start_key, 1, 4), 1 FROM visit v";
const char *const pl_facet_visitor_head = "SELECT +v.visitor, count(*) FROM visit v";
const char *const pl_facet_pass_search =
    "SELECT s.from_country || ':' || s.to_country, s.level, s.type, s.status,"
    " substr(s.start_key, 1, 4), 1";

/* The same over the person's visits (pl_person_key_facets' subquery k). */
static const char *const facet_pass_person =
    "SELECT k.from_country || ':' || k.to_country, k.level, k.type, k.status,"
    " substr(k.start_key, 1, 4), 1 FROM (";

static int by_count(const void *x, const void *y)
{
	const parley_facet_value *a = x, *b = y;
	if (a->n != b->n)
		return a->n < b->n ? 1 : -1;
	return strcmp(a->value ? a->value : "", b->value ? b->value : "");
}

/* Newest year first. */
static int by_year(const void *x, const void *y)
{
	const parley_facet_value *a = x, *b = y;
	return strcmp(b->value, a->value);
}

/* Top level first, then by name. */
static int by_level(const void *x, const void *y)
{
	const parley_facet_value *a = x, *b = y;
	int ra = parley_level_rank(a->value), rb = parley_level_rank(b->value);
	if (ra != rb)
		return ra < rb ? 1 : -1;
	return strcmp(a->value, b->value);
}

static fresult *fresult_new(void)
{
	fresult *r = calloc(1, sizeof *r);
	if (r)
		r->pub.priv = r;
	return r;
}

/* The facet of a map of value -> count, in its field's order; NULL when
 * out of memory.  Caller frees with parley_facet_free. */
static parley_facet *from_map(const pl_map *m, const char *field)
{
	fresult *r = fresult_new();
	if (!r)
		return NULL;
	r->pub.values = an_alloc(&r->arena, (m->n ? m->n : 1) * sizeof *r->pub.values);
	int nm = !r->pub.values;
	for (size_t i = 0; !nm && i < m->cap; i++)
		if (m->slot[i].key) {
			parley_facet_value *fv = &r->pub.values[r->pub.n++];
			fv->value = an_strdup(&r->arena, m->slot[i].key);
			fv->n = m->slot[i].n;
			nm = !fv->value;
		}
	if (nm) {
		parley_facet_free(&r->pub);
		return NULL;
	}
	int (*cmp)(const void *, const void *) = strcmp(field, "year") == 0    ? by_year
	                                         : strcmp(field, "level") == 0 ? by_level
	                                                                       : by_count;
	if (r->pub.n)
		qsort(r->pub.values, r->pub.n, sizeof *r->pub.values, cmp);
	return &r->pub;
}

/* Adds one to value v (NULL: none) of maps[k]. */
static int count_one(pl_map *map, const char *v, long n, parley_err *err)
{
	int added;
	pl_map_slot *slot = v ? pl_map_put(map, v, strlen(v), &added) : NULL;
	if (v && !slot)
		return parley_err_set(err, PARLEY_ENOMEM, "facet: out of memory");
	if (slot)
		slot->n += n;
	return PARLEY_OK;
}

/* The facets of a search from its matches, read once for its page and
 * total too (pl_search_matches): the values of pl_facet_pass_search. */
static int count_matches(const pl_match *m, size_t n, const int *want, pl_map *maps,
                         parley_err *err)
{
	int rc = PARLEY_OK;
	for (size_t i = 0; !rc && i < n; i++) {
		char dir[2 * 64 + 2], year[5] = "";
		const char *v[NPASS] = {NULL, m[i].level, m[i].type, m[i].status, NULL};
		if (want[0] && m[i].from && m[i].to &&
		    (size_t)snprintf(dir, sizeof dir, "%s:%s", m[i].from, m[i].to) < sizeof dir)
			v[0] = dir;
		else if (want[0] && m[i].from && m[i].to)
			rc = parley_err_set(err, PARLEY_ELIMIT, "facet: a country code past 64 bytes");
		if (m[i].start_key) {
			/* substr(start_key, 1, 4) */
			memcpy(year, m[i].start_key, strnlen(m[i].start_key, 4));
			v[4] = year;
		}
		for (size_t k = 0; !rc && k < NPASS; k++)
			if (want[k])
				rc = count_one(&maps[k], v[k], 1, err);
	}
	return rc;
}

/* One pass over the tally rows (or the visits) of q, each row's count added
 * to the value of each field wanted: maps[k] for pass_fields[k]. */
static int count_pass(parley_db *db, const parley_query *q, const int *want, pl_map *maps,
                      parley_err *err)
{
	if (!pl_tally_covers(q) && pl_search_covers(q)) {
		int rc = pl_pack_facets(db, q, want, maps, err);
		if (rc != PARLEY_ELIMIT) /* the pack cannot answer: the matches' rows */
			return rc;
		const pl_match *m = NULL;
		size_t n = 0;
		rc = pl_search_matches(db, q, &m, &n, err);
		if (rc != PARLEY_ELIMIT) /* past the bound: SQL counts them below */
			return rc ? rc : count_matches(m, n, want, maps, err);
	}
	an_arena arena = {0};
	pl_binds b = {.n = 0, .arena = &arena, .status_index = pl_query_status_only(q)};
	pl_buf sql;
	pl_buf_init(&sql, PL_QUERY_MAX_SQL);
	int tally = pl_tally_covers(q), search = !tally && pl_search_covers(q);
	/* one person's visits (host=, companion=, person=): their range of
	 * visit_person_key, which carries these columns, and not the rows of
	 * a busy host's 24,520 visits at 1M (query_person_key.c) */
	int person = !tally && !search && pl_person_key_filter(q);
	int rc = person ? PARLEY_OK
	                : pl_buf_puts(&sql, tally    ? pl_tally_pass(q, want[0])
	                                    : search ? pl_facet_pass_search
	                                             : pl_facet_pass_visits);
	if (person)
		rc = pl_person_key_facets(db, q, facet_pass_person, &sql, &b, err);
	else if (!rc)
		rc = tally    ? pl_tally_where(q, want[0], &sql, &b)
		     : search ? pl_search_from(q, &sql, &b)
		              : pl_query_where(db, q, &sql, &b, err);
	if (rc && (!err || !err->code))
		rc = parley_err_set(err, rc, "facet: %s", parley_strstatus(rc));
	sqlite3_stmt *st = NULL;
	if (!rc)
		rc = pl_prepare_bound(db, sql.data, &b, &st, err);
	int s = SQLITE_DONE;
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		long n = (long)sqlite3_column_int64(st, 5);
		for (size_t k = 0; !rc && k < NPASS; k++)
			if (want[k])
				rc = count_one(&maps[k], (const char *)sqlite3_column_text(st, (int)k), n, err);
	}
	if (!rc && s != SQLITE_DONE)
		rc = pl_db_error(db, err, "counting facets");
	sqlite3_finalize(st);
	pl_buf_free(&sql);
	an_arena_free(&arena);
	return rc;
}

/* The visitor facet: the matching visits grouped by visitor. */
static int visitor_facet(parley_db *db, const parley_query *q, parley_facet **out,
                         parley_err *err)
{
	fresult *r = fresult_new();
	if (!r)
		return parley_err_set(err, PARLEY_ENOMEM, "out of memory");
	pl_binds b = {.n = 0, .arena = &r->arena, .status_index = pl_query_status_only(q)};
	pl_buf sql;
	pl_buf_init(&sql, PL_QUERY_MAX_SQL);
	int rc = pl_buf_puts(&sql, pl_facet_visitor_head);
	size_t cap = 0;
	sqlite3_stmt *st = NULL;
	if (!rc)
		rc = pl_query_where(db, q, &sql, &b, err);
	if (!rc)
		rc = pl_buf_puts(&sql, " GROUP BY 1 ORDER BY 2 DESC, 1");
	if (!rc && !(rc = pl_prepare_bound(db, sql.data, &b, &st, err))) {
		while (sqlite3_step(st) == SQLITE_ROW)
			cap++;
		sqlite3_reset(st);
		r->pub.values = an_alloc(&r->arena, (cap ? cap : 1) * sizeof *r->pub.values);
		int nm = !r->pub.values;
		while (!nm && r->pub.n < cap && sqlite3_step(st) == SQLITE_ROW) {
			parley_facet_value *fv = &r->pub.values[r->pub.n++];
			fv->value = pl_query_col(&r->arena, st, 0, &nm);
			fv->n = (long)sqlite3_column_int64(st, 1);
		}
		if (nm)
			rc = parley_err_set(err, PARLEY_ENOMEM, "facet: out of memory");
	}
	sqlite3_finalize(st);
	pl_buf_free(&sql);
	if (rc && err && !err->code)
		parley_err_set(err, rc, "facet: %s", parley_strstatus(rc));
	if (rc) {
		parley_facet_free(&r->pub);
		return rc;
	}
	*out = &r->pub;
	return PARLEY_OK;
}

int parley_visits_facets(parley_db *db, const parley_query *q, const char *const *fields,
                         size_t n, parley_facet **out, parley_err *err)
{
	static const parley_query none;
	if (!q)
		q = &none;
	if (!db || !out || (n && !fields))
		return parley_err_set(err, PARLEY_EINVAL, "facets: no store, fields or result");
	int want[NPASS] = {0}, visitor = 0, any = 0;
	for (size_t i = 0; i < n; i++) {
		out[i] = NULL;
		size_t k = 0;
		while (k < NPASS && fields[i] && strcmp(fields[i], pass_fields[k]) != 0)
			k++;
		if (k < NPASS)
			want[k] = any = 1;
		else if (fields[i] && strcmp(fields[i], "visitor") == 0)
			visitor = 1;
		else
			return parley_err_set(err, PARLEY_EINVAL, "facet: '%s' is not one of year, direction,"
			                      " level, type, status, visitor", fields[i] ? fields[i] : "");
	}
	pl_map maps[NPASS];
	memset(maps, 0, sizeof maps);
	int rc = any ? count_pass(db, q, want, maps, err) : PARLEY_OK;
	parley_facet *vis = NULL;
	if (!rc && visitor)
		rc = visitor_facet(db, q, &vis, err);
	for (size_t i = 0; !rc && i < n; i++) {
		size_t k = 0;
		while (k < NPASS && strcmp(fields[i], pass_fields[k]) != 0)
			k++;
		if (k == NPASS) {
			out[i] = vis; /* a field named twice gets the facet once */
			vis = NULL;
		} else {
			out[i] = from_map(&maps[k], fields[i]);
		}
		if (!out[i])
			rc = k == NPASS ? parley_err_set(err, PARLEY_EINVAL, "facet: visitor named twice")
			                : parley_err_set(err, PARLEY_ENOMEM, "facet: out of memory");
	}
	for (size_t k = 0; k < NPASS; k++)
		pl_map_free(&maps[k]);
	parley_facet_free(vis);
	if (rc)
		for (size_t i = 0; i < n; i++) {
			parley_facet_free(out[i]);
			out[i] = NULL;
		}
	return rc;
}

int parley_visits_facet(parley_db *db, const parley_query *q, const char *field,
                        parley_facet **out, parley_err *err)
{
	if (out)
		*out = NULL;
	if (!out)
		return parley_err_set(err, PARLEY_EINVAL, "facet: no result");
	return parley_visits_facets(db, q, &field, 1, out, err);
}
