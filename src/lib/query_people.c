/*
 * query_people.c - people and countries as typed rows for every surface
 * (the web's people and country lists, the search's side box).
 */
#include "internal.h"
#include "../analysis/an.h"
#include "pl_query.h"

#include <stdlib.h>
#include <string.h>

typedef struct presult {
	parley_people pub;
	an_arena arena;
} presult;

typedef struct cresult {
	parley_countries pub;
	an_arena arena;
} cresult;

/* Column i as a string copied into the arena (NULL for NULL); *nomem set
 * when the copy fails. */
const char *pl_query_col(an_arena *a, sqlite3_stmt *st, int i, int *nomem)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	if (!s)
		return NULL;
	const char *c = an_strdup(a, (const char *)s);
	*nomem |= !c;
	return c;
}

size_t pl_query_count_rows(sqlite3_stmt *st)
{
	size_t n = 0;
	while (sqlite3_step(st) == SQLITE_ROW)
		n++;
	sqlite3_reset(st);
	return n;
}

void parley_people_free(parley_people *p)
{
	if (!p)
		return;
	presult *r = p->priv;
	an_arena_free(&r->arena);
	free(r);
}

/* The people the folded text fq matches (?1; NULL: everyone), by the
 * phrase rule of the visit search: ' ' + text holds ' ' + the words.
 * The folded text is the store's (person_search, kept at each commit);
 * while marks of unrefreshed writes remain (raw SQL), the names are
 * folded here, person by person.  instr(body, ?1) first: it reads the
 * stored text in place, and only a row holding the words somewhere is
 * copied behind a space for the word-start test (every person's text
 * copied cost a search page a seventh of its CPU at 5,000 people).  One
 * text for the page and its count, so the two always agree. */
#define PEOPLE_MATCH \
	" ?1 IS NULL OR CASE WHEN EXISTS (SELECT 1 FROM person_search_dirty)" \
	" THEN instr(' ' || (SELECT body FROM person_search_text t WHERE t.person = p.id), ' ' || ?1) > 0" \
	" ELSE p.id IN (SELECT person FROM person_search WHERE instr(body, ?1) > 0" \
	" AND instr(' ' || body, ' ' || ?1) > 0) END"

/* A row of the list: a person p with their aliases and tallies (pt). */
#define PEOPLE_COLS \
	" p.id, p.name, p.native_name, p.country," \
	" (SELECT group_concat(alias, ', ') FROM person_alias WHERE person = p.id)," \
	" coalesce(pt.trips, 0), coalesce(pt.hosted, 0),"                                   \
	" (SELECT group_concat(alias, ', ') FROM person_alias WHERE person = p.id"        \
	"  AND (p.native_name IS NULL OR"                                                   \
	"  instr(' / ' || p.native_name || ' / ', ' / ' || alias || ' / ') = 0))"

/* How many people fq matches (PEOPLE_MATCH) into *total. */
static int people_count(parley_db *db, const char *fq, long *total, parley_err *err)
{
	sqlite3_stmt *st;
	int rc = pl_prepare_cached(db, "SELECT count(*) FROM person p WHERE" PEOPLE_MATCH, &st, err);
	if (rc)
		return rc;
	if (fq)
		sqlite3_bind_text(st, 1, fq, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	*total = rc == SQLITE_ROW ? (long)sqlite3_column_int64(st, 0) : 0;
	rc = rc == SQLITE_ROW ? PARLEY_OK
	                      : parley_err_set(err, PARLEY_EDB, "people: %s", sqlite3_errmsg(db->sql));
	pl_release(db, st);
	return rc;
}

int parley_people_find(parley_db *db, const char *text, size_t limit, parley_people **out,
                       parley_err *err)
{
	return parley_people_page(db, text, 0, limit, out, NULL, err);
}

int parley_people_page(parley_db *db, const char *text, size_t offset, size_t limit,
                       parley_people **out, long *total, parley_err *err)
{
	*out = NULL;
	char *fq = text ? parley_fold_words(text) : NULL;
	if (text && !fq)
		return parley_err_set(err, PARLEY_ENOMEM, "out of memory");
	if (fq && !*fq) {
		free(fq);
		fq = NULL;
	}
	/* the whole list counts itself (its rows); a page asks */
	int whole = limit == 0 && offset == 0;
	int rc = total && !whole ? people_count(db, fq, total, err) : PARLEY_OK;
	if (rc) {
		free(fq);
		return rc;
	}
	sqlite3_stmt *st;
	/* a page: its ids first, sorted on the name alone; only the page's
	 * rows then read their aliases and tallies (one subquery per row of
	 * the answer, not per person of the store: a page of 50 of 5,097).
	 * The whole list: one sort of every row (sorting the ids, then the
	 * rows again, cost it half as much again).  The statements are kept */
	rc = pl_prepare_cached(db, whole
	    ? "SELECT" PEOPLE_COLS " FROM person p LEFT JOIN person_tally pt ON pt.person = p.id"
	      " WHERE" PEOPLE_MATCH " ORDER BY p.name COLLATE NOCASE, p.id"
	    : "SELECT" PEOPLE_COLS " FROM (SELECT p.id, p.name FROM person p WHERE" PEOPLE_MATCH
	      " ORDER BY p.name COLLATE NOCASE, p.id LIMIT ?2 OFFSET ?3) k"
	      " JOIN person p ON p.id = k.id LEFT JOIN person_tally pt ON pt.person = p.id"
	      " ORDER BY k.name COLLATE NOCASE, k.id", &st, err);
	if (rc) {
		free(fq);
		return rc;
	}
	if (fq)
		sqlite3_bind_text(st, 1, fq, -1, SQLITE_TRANSIENT);
	free(fq);
	if (!whole) {
		sqlite3_bind_int64(st, 2, limit ? (sqlite3_int64)limit : -1);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)offset);
	}
	presult *r = calloc(1, sizeof *r);
	/* one pass (its WHERE folds every person's names): the rows grow in
	 * a heap array, then move into the arena */
	size_t cap = 0;
	parley_person_row *rows = NULL;
	int nm = !r;
	if (r)
		r->pub.priv = r;
	while (!nm && sqlite3_step(st) == SQLITE_ROW) {
		if (r->pub.n == cap) {
			size_t c2 = cap ? 2 * cap : 16;
			parley_person_row *g = realloc(rows, c2 * sizeof *g);
			if (!g) {
				nm = 1;
				break;
			}
			rows = g;
			cap = c2;
		}
		parley_person_row *p = &rows[r->pub.n++];
		p->id = pl_query_col(&r->arena, st, 0, &nm);
		p->name = pl_query_col(&r->arena, st, 1, &nm);
		p->native_name = pl_query_col(&r->arena, st, 2, &nm);
		p->country = pl_query_col(&r->arena, st, 3, &nm);
		p->aliases = pl_query_col(&r->arena, st, 4, &nm);
		p->trips = (long)sqlite3_column_int64(st, 5);
		p->hosted = (long)sqlite3_column_int64(st, 6);
		p->other_aliases = pl_query_col(&r->arena, st, 7, &nm);
	}
	pl_release(db, st);
	if (!nm) {
		r->pub.p = an_alloc(&r->arena, (r->pub.n ? r->pub.n : 1) * sizeof *r->pub.p);
		nm = !r->pub.p;
		if (!nm && r->pub.n)
			memcpy(r->pub.p, rows, r->pub.n * sizeof *rows);
	}
	free(rows);
	if (nm) {
		if (r)
			parley_people_free(&r->pub);
		return parley_err_set(err, PARLEY_ENOMEM, "people: out of memory");
	}
	if (total && whole)
		*total = (long)r->pub.n;
	*out = &r->pub;
	return PARLEY_OK;
}

void parley_countries_free(parley_countries *c)
{
	if (!c)
		return;
	cresult *r = c->priv;
	an_arena_free(&r->arena);
	free(r);
}

int parley_countries_find(parley_db *db, const char *code, parley_countries **out,
                          parley_err *err)
{
	*out = NULL;
	sqlite3_stmt *st;
	/* one country by its key (a page per country, a name per facet value):
	 * the primary key, not a scan of every country; cached, as pages ask
	 * often.  The visits made and hosted, every status, are sums of the
	 * tally per direction (schema.c migration_tally_dir: 2,500 rows at 1M
	 * visits where visit_tally holds 532,000), not counts of visits; for
	 * every country, two sums grouped once rather than two per country */
	int rc = pl_prepare_cached(db, code
	    ? "SELECT c.code, c.name,"
	      " (SELECT coalesce(sum(n), 0) FROM visit_tally_dir WHERE from_country = c.code),"
	      " (SELECT coalesce(sum(n), 0) FROM visit_tally_dir WHERE to_country = c.code), c.iso2,"
	      " c.start_date, c.end_date FROM country c WHERE c.code = ?1"
	    : "SELECT c.code, c.name, coalesce(m.n, 0), coalesce(h.n, 0), c.iso2, c.start_date,"
	      " c.end_date FROM country c"
	      " LEFT JOIN (SELECT from_country AS k, sum(n) AS n FROM visit_tally_dir GROUP BY 1) m"
	      " ON m.k = c.code"
	      " LEFT JOIN (SELECT to_country AS k, sum(n) AS n FROM visit_tally_dir GROUP BY 1) h"
	      " ON h.k = c.code ORDER BY c.name", &st, err);
	if (rc)
		return rc;
	if (code)
		sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	cresult *r = calloc(1, sizeof *r);
	size_t cap = r ? pl_query_count_rows(st) : 0;
	int nm = !r;
	if (r) {
		r->pub.priv = r;
		r->pub.c = an_alloc(&r->arena, (cap ? cap : 1) * sizeof *r->pub.c);
		nm = !r->pub.c;
	}
	while (!nm && r->pub.n < cap && sqlite3_step(st) == SQLITE_ROW) {
		parley_country_row *c = &r->pub.c[r->pub.n++];
		c->code = pl_query_col(&r->arena, st, 0, &nm);
		c->name = pl_query_col(&r->arena, st, 1, &nm);
		c->visits_made = (long)sqlite3_column_int64(st, 2);
		c->visits_hosted = (long)sqlite3_column_int64(st, 3);
		c->iso2 = pl_query_col(&r->arena, st, 4, &nm);
		c->start_date = pl_query_col(&r->arena, st, 5, &nm);
		c->end_date = pl_query_col(&r->arena, st, 6, &nm);
	}
	pl_release(db, st);
	if (nm) {
		if (r)
			parley_countries_free(&r->pub);
		return parley_err_set(err, PARLEY_ENOMEM, "countries: out of memory");
	}
	*out = &r->pub;
	return PARLEY_OK;
}

typedef struct person_result {
	parley_person pub;
	an_arena arena;
} person_result;

void parley_person_free(parley_person *p)
{
	if (!p)
		return;
	person_result *r = p->priv;
	an_arena_free(&r->arena);
	free(r);
}

int pl_query_rows(parley_db *db, an_arena *a, const char *id, const char *sql, int nf,
                  const char ***out, size_t *n, parley_err *err)
{
	sqlite3_stmt *st;
	int rc = pl_prepare_cached(db, sql, &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	size_t cap = pl_query_count_rows(st);
	const char **rows = an_alloc(a, (cap ? cap : 1) * (size_t)nf * sizeof *rows);
	int nm = !rows;
	*n = 0;
	while (!nm && *n < cap && sqlite3_step(st) == SQLITE_ROW) {
		for (int i = 0; i < nf; i++)
			rows[*n * (size_t)nf + (size_t)i] = pl_query_col(a, st, i, &nm);
		(*n)++;
	}
	pl_release(db, st);
	*out = rows;
	return nm ? parley_err_set(err, PARLEY_ENOMEM, "out of memory") : PARLEY_OK;
}

_Static_assert(sizeof(parley_alias_row) == 2 * sizeof(const char *), "alias layout");
_Static_assert(sizeof(parley_tenure_row) == 8 * sizeof(const char *), "tenure layout");

int parley_person_get(parley_db *db, const char *id, parley_person **out, parley_err *err)
{
	*out = NULL;
	if (!id)
		return parley_err_set(err, PARLEY_EINVAL, "no person id given");
	person_result *r = calloc(1, sizeof *r);
	if (!r)
		return parley_err_set(err, PARLEY_ENOMEM, "out of memory");
	r->pub.priv = r;
	const char **one;
	size_t n = 0;
	int rc = pl_query_rows(db, &r->arena, id,
	    "SELECT p.id, p.name, p.native_name, p.country, c.name, p.birth_date, p.death_date, p.note"
	    " FROM person p LEFT JOIN country c ON c.code = p.country WHERE p.id = ?1", 8, &one, &n, err);
	if (!rc && n == 0)
		rc = parley_err_set(err, PARLEY_ENOTFOUND, "no person '%s'", id);
	if (!rc) {
		const char **f[] = {&r->pub.id, &r->pub.name, &r->pub.native_name, &r->pub.country,
		                    &r->pub.country_name, &r->pub.birth_date, &r->pub.death_date, &r->pub.note};
		for (int i = 0; i < 8; i++)
			*f[i] = one[i];
	}
	const char **rows;
	if (!rc && !(rc = pl_query_rows(db, &r->arena, id, "SELECT alias, kind FROM person_alias WHERE person = ?1"
	                                              " ORDER BY alias", 2, &rows, &r->pub.naliases, err)))
		r->pub.aliases = (parley_alias_row *)(void *)rows;
	if (!rc && !(rc = pl_query_rows(db, &r->arena, id,
	                              "SELECT t.id, t.office, o.name, o.rank, o.country, t.start_date, t.end_date,"
	                              " t.confidence FROM tenure t JOIN office o ON o.id = t.office"
	                              " WHERE t.person = ?1 ORDER BY parley_first_day(t.start_date), t.id",
	                              8, &rows, &r->pub.ntenures, err)))
		r->pub.tenures = (parley_tenure_row *)(void *)rows;
	if (rc) {
		parley_person_free(&r->pub);
		return rc;
	}
	*out = &r->pub;
	return PARLEY_OK;
}

typedef struct holders_result {
	parley_holders pub;
	an_arena arena;
} holders_result;

void parley_holders_free(parley_holders *h)
{
	if (!h)
		return;
	holders_result *r = h->priv;
	an_arena_free(&r->arena);
	free(r);
}

_Static_assert(sizeof(parley_holder) == 7 * sizeof(const char *), "holder layout");

int parley_office_holders(parley_db *db, const char *country, const char *ranks,
                          parley_holders **out, parley_err *err)
{
	*out = NULL;
	for (const char *p = ranks ? ranks : ""; *p;) {
		char one[40];
		size_t n = strcspn(p, ",");
		if (n == 0 || n >= sizeof one)
			return parley_err_set(err, PARLEY_EINVAL, "ranks: '%s' is not a list of levels", ranks);
		memcpy(one, p, n);
		one[n] = '\0';
		if (parley_level_rank(one) < 0)
			return parley_err_set(err, PARLEY_EINVAL, "ranks: '%s' is not a level", one);
		p += n + (p[n] == ',');
	}
	holders_result *r = calloc(1, sizeof *r);
	if (!r)
		return parley_err_set(err, PARLEY_ENOMEM, "out of memory");
	r->pub.priv = r;
	sqlite3_stmt *st;
	int rc = pl_prepare(db,
	    "SELECT t.person, p.name, t.office, o.name, o.rank, t.start_date, t.end_date FROM tenure t"
	    " JOIN office o ON o.id = t.office JOIN person p ON p.id = t.person"
	    " WHERE o.country = ?1 AND instr(',' || ?2 || ',', ',' || o.rank || ',') > 0"
	    " ORDER BY parley_first_day(t.start_date), parley_rank(o.rank) DESC, t.id", &st, err);
	if (rc) {
		parley_holders_free(&r->pub);
		return rc;
	}
	sqlite3_bind_text(st, 1, country ? country : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, ranks ? ranks : "", -1, SQLITE_STATIC);
	size_t cap = pl_query_count_rows(st);
	r->pub.h = an_alloc(&r->arena, (cap ? cap : 1) * sizeof *r->pub.h);
	int nm = !r->pub.h;
	while (!nm && r->pub.n < cap && sqlite3_step(st) == SQLITE_ROW) {
		const char **f = (const char **)(void *)&r->pub.h[r->pub.n++];
		for (int i = 0; i < 7; i++)
			f[i] = pl_query_col(&r->arena, st, i, &nm);
	}
	sqlite3_finalize(st);
	if (nm) {
		parley_holders_free(&r->pub);
		return parley_err_set(err, PARLEY_ENOMEM, "office holders: out of memory");
	}
	*out = &r->pub;
	return PARLEY_OK;
}
