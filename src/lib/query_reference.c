/*
 * query_reference.c - the reference records a figure reads beside its
 * visits (issue 8: the analysis loaders go through the query layer, like
 * every surface): tenures with their offices, people, coverage, the
 * latest visit, country names, delegations, visits' external ids and
 * notes, aliases.  Each reader answers one question with one statement
 * (the SQL the loaders ran before, so their results are the same) into
 * one arena the caller frees.  The pair's readers touch only what the
 * pair names through indexes (issue 13: the cost follows the pair).
 */
#include "internal.h"
#include "pl_query.h"
#include "../analysis/an.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

int pl_table_read(pl_table *t, sqlite3_stmt *st, parley_db *db, const char *what,
                  parley_err *err)
{
	int s, nm = 0;
	while (!nm && (s = sqlite3_step(st)) == SQLITE_ROW) {
		if (t->n == t->cap) {
			/* doubling in the arena: the old array stays until the arena
			 * goes, at most as much again */
			size_t cap = t->cap ? 2 * t->cap : 16;
			const char **c = an_alloc(t->arena, cap * (size_t)t->nf * sizeof *c);
			if (!c)
				return parley_err_set(err, PARLEY_ENOMEM, "%s: out of memory", what);
			if (t->n)
				memcpy(c, t->cell, t->n * (size_t)t->nf * sizeof *c);
			t->cell = c;
			t->cap = cap;
		}
		for (int i = 0; i < t->nf; i++)
			t->cell[t->n * (size_t)t->nf + (size_t)i] = pl_query_col(t->arena, st, i, &nm);
		t->n++;
	}
	if (nm)
		return parley_err_set(err, PARLEY_ENOMEM, "%s: out of memory", what);
	return s == SQLITE_DONE ? PARLEY_OK : pl_db_error(db, err, what);
}

/* Every result below is laid out as this head: its rows, how many, and
 * the arena that holds them (checked by HEAD below), so one reader and one
 * free serve them all. */
typedef struct rows_head {
	size_t n;
	void *rows;
	void *priv; /* an_arena * */
} rows_head;

#define HEAD(T, f)                                                                           \
	_Static_assert(sizeof(T) == sizeof(rows_head) && offsetof(T, n) == offsetof(rows_head, n) && \
	                   offsetof(T, f) == offsetof(rows_head, rows) &&                             \
	                   offsetof(T, priv) == offsetof(rows_head, priv),                            \
	               #T " is laid out as rows_head")
HEAD(parley_tenure_facts, t);
HEAD(parley_person_facts, p);
HEAD(parley_coverage, c);
HEAD(parley_country_names_list, c);
HEAD(parley_member_facts, m);
HEAD(parley_visit_exts, x);
HEAD(parley_visit_notes, v);

void parley_facts_free(void *r)
{
	rows_head *h = r;
	if (h && h->priv) {
		an_arena_free(h->priv);
		free(h->priv);
	}
	free(h);
}

/* A new result with its arena, rows empty; NULL when out of memory. */
static rows_head *result_new(void)
{
	rows_head *h = calloc(1, sizeof *h);
	if (h && !(h->priv = calloc(1, sizeof(an_arena)))) {
		free(h);
		h = NULL;
	}
	return h;
}

/* Runs sql once per set of nb text parameters (binds holds nsets sets one
 * after another; NULL left unbound) and hands back all their rows of nf
 * strings (the layout of a row struct of nf const char * fields) as a new
 * result in *out (parley_facts_free). */
static int reader(parley_db *db, const char *sql, const char *const *binds, int nb, size_t nsets,
                  int nf, const char *what, void **out, parley_err *err)
{
	*out = NULL;
	if (!db)
		return parley_err_set(err, PARLEY_EINVAL, "%s: no store", what);
	rows_head *h = result_new();
	if (!h)
		return parley_err_set(err, PARLEY_ENOMEM, "%s: out of memory", what);
	sqlite3_stmt *st = NULL;
	int rc = pl_prepare_cached(db, sql, &st, err);
	pl_table t = {.arena = h->priv, .nf = nf};
	for (size_t k = 0; !rc && k < nsets; k++) {
		sqlite3_reset(st);
		for (int i = 0; i < nb; i++)
			if (binds[k * (size_t)nb + (size_t)i])
				sqlite3_bind_text(st, i + 1, binds[k * (size_t)nb + (size_t)i], -1, SQLITE_STATIC);
		rc = pl_table_read(&t, st, db, what, err);
	}
	if (st)
		pl_release(db, st);
	if (rc) {
		parley_facts_free(h);
		return rc;
	}
	h->rows = t.cell;
	h->n = t.n;
	*out = h;
	return PARLEY_OK;
}

_Static_assert(sizeof(parley_tenure_fact) == 8 * sizeof(const char *), "tenure fact layout");
_Static_assert(sizeof(parley_person_fact) == 4 * sizeof(const char *), "person fact layout");
_Static_assert(sizeof(parley_coverage_row) == 9 * sizeof(const char *), "coverage layout");
_Static_assert(sizeof(parley_country_name_row) == 2 * sizeof(const char *), "country layout");
_Static_assert(sizeof(parley_member_fact) == 4 * sizeof(const char *), "member layout");
_Static_assert(sizeof(parley_visit_ext) == 3 * sizeof(const char *), "external id layout");
_Static_assert(sizeof(parley_visit_note) == 2 * sizeof(const char *), "note layout");

#define TENURE_COLS                                                                           \
	"SELECT t.person, p.name, t.office, o.name, o.country, o.rank, t.start_date, t.end_date"  \
	" FROM tenure t JOIN office o ON o.id = t.office LEFT JOIN person p ON p.id = t.person"

int parley_tenure_facts_find(parley_db *db, const char *a, const char *b, const char *person,
                             parley_tenure_facts **out, parley_err *err)
{
	*out = NULL;
	if (a && person)
		return parley_err_set(err, PARLEY_EINVAL, "tenures: countries or a person, not both");
	const char *binds[2] = {a ? a : person, a ? (b ? b : a) : NULL};
	const char *sql = a ? TENURE_COLS " WHERE t.office IN (SELECT id FROM office WHERE country IN (?1, ?2))"
	                : person ? TENURE_COLS " WHERE t.person = ?1"
	                         : TENURE_COLS;
	void *r;
	int rc = reader(db, sql, binds, 2, 1, 8, "tenures", &r, err);
	*out = r;
	return rc;
}

#define PERSON_COLS "SELECT id, name, country, birth_date FROM person"

int parley_person_facts_find(parley_db *db, const char *const *ids, size_t nids,
                             parley_person_facts **out, parley_err *err)
{
	void *r;
	/* by ids: one primary-key step a person, in the order asked */
	int rc = ids ? reader(db, PERSON_COLS " WHERE id = ?1", ids, 1, nids, 4, "people", &r, err)
	             : reader(db, PERSON_COLS, NULL, 0, 1, 4, "people", &r, err);
	*out = r;
	return rc;
}

int parley_coverage_list(parley_db *db, parley_coverage **out, parley_err *err)
{
	void *r;
	int rc = reader(db,
	                "SELECT id, description, from_country, to_country, min_level,"
	                " start_date, end_date, person, data_through FROM coverage",
	                NULL, 0, 1, 9, "coverage", &r, err);
	*out = r;
	return rc;
}

int parley_country_names(parley_db *db, parley_country_names_list **out, parley_err *err)
{
	void *r;
	int rc = reader(db, "SELECT code, name FROM country", NULL, 0, 1, 2, "countries", &r, err);
	*out = r;
	return rc;
}

int parley_member_facts_find(parley_db *db, const char *visit, parley_member_facts **out,
                             parley_err *err)
{
	void *r;
	int rc = reader(db,
	                visit ? "SELECT visit, role, person, name FROM visit_person"
	                        " WHERE visit = ?1 ORDER BY role, seq"
	                      : "SELECT visit, role, person, name FROM visit_person"
	                        " ORDER BY visit, role, seq",
	                &visit, 1, 1, 4, "delegations", &r, err);
	*out = r;
	return rc;
}

int pl_companion_facts(parley_db *db, const char *person, bool led_only,
                       parley_member_facts **out, parley_err *err)
{
	void *r;
	/* two index ranges (the person's own places in delegations; the
	 * companions of the visits they led), not every member of every
	 * visit read one visit at a time; led_only: the second alone, one
	 * seek of the delegation key per visit of the visitor's range, in
	 * that key's order (no sort, no table row for a visit without
	 * companions: most of them) */
	int rc = reader(db,
	                led_only
	                    ? "SELECT vp.visit, vp.role, vp.person, vp.name FROM visit v"
	                      " JOIN visit_person vp INDEXED BY visit_person_companion"
	                      " ON vp.visit = v.id AND vp.role = 'companion'"
	                      " WHERE v.visitor = ?1 ORDER BY vp.visit, vp.seq"
	                    : "SELECT vp.visit, vp.role, vp.person, vp.name FROM visit_person vp"
	                      " WHERE vp.role = 'companion' AND (vp.person = ?1 OR vp.visit IN"
	                      " (SELECT id FROM visit WHERE visitor = ?1)) ORDER BY vp.visit, vp.seq",
	                &person, 1, 1, 4, "delegations", &r, err);
	*out = r;
	return rc;
}

int parley_visit_exts_all(parley_db *db, parley_visit_exts **out, parley_err *err)
{
	void *r;
	int rc = reader(db,
	                "SELECT entity_id, scheme, value FROM external_id WHERE entity = 'visit'"
	                " ORDER BY entity_id, scheme, value",
	                NULL, 0, 1, 3, "external ids", &r, err);
	*out = r;
	return rc;
}

int parley_visit_notes_find(parley_db *db, const char *text, parley_visit_notes **out,
                            parley_err *err)
{
	*out = NULL;
	if (!text || !*text)
		return parley_err_set(err, PARLEY_EINVAL, "visit notes: no text to look for");
	void *r;
	/* every note is read: no index holds them (compare reads every visit) */
	int rc = reader(db, "SELECT id, note FROM visit WHERE instr(note, ?1) > 0", &text, 1, 1, 2,
	                "visit notes", &r, err);
	*out = r;
	return rc;
}

#define LATEST_START "SELECT start_date FROM visit ORDER BY start_date DESC LIMIT 1"

int parley_visits_latest_start(parley_db *db, char *out, size_t cap, parley_err *err)
{
	if (!db || !out || !cap)
		return parley_err_set(err, PARLEY_EINVAL, "parley_visits_latest_start: NULL argument");
	out[0] = '\0';
	sqlite3_stmt *st;
	/* one step down the index visit_by_start from its end */
	int rc = pl_prepare_cached(db, LATEST_START, &st, err);
	if (rc)
		return rc;
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW && sqlite3_column_text(st, 0))
		pl_strlcpy(out, (const char *)sqlite3_column_text(st, 0), cap);
	if (s != SQLITE_ROW && s != SQLITE_DONE)
		rc = pl_db_error(db, err, "the latest visit");
	pl_release(db, st);
	return rc;
}

int pl_plan_text(sqlite3_stmt *st, char *out, size_t cap)
{
	pl_buf plan;
	pl_buf_init(&plan, cap ? cap : 1);
	int rc = PARLEY_OK;
	while (!rc && sqlite3_step(st) == SQLITE_ROW) {
		const char *detail = (const char *)sqlite3_column_text(st, 3);
		rc = pl_buf_printf(&plan, "%s\n", detail ? detail : "");
	}
	sqlite3_finalize(st);
	if (!rc && cap)
		pl_strlcpy(out, plan.data ? plan.data : "", cap);
	pl_buf_free(&plan);
	return rc;
}

int pl_reference_plan(parley_db *db, char *out, size_t cap, parley_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = pl_prepare(db, "EXPLAIN QUERY PLAN " LATEST_START, &st, err);
	return rc ? rc : pl_plan_text(st, out, cap);
}

int parley_data_version_get(parley_db *db, parley_data_version *out, parley_err *err)
{
	if (!db || !out)
		return parley_err_set(err, PARLEY_EINVAL, "parley_data_version_get: NULL argument");
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st = NULL;
	int rc = pl_prepare_cached(db,
	                           "SELECT name, released, data_through FROM data_release"
	                           " ORDER BY released DESC, name DESC LIMIT 1",
	                           &st, err);
	if (rc)
		return rc;
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		char *f[] = {out->name, out->released, out->data_through};
		size_t cap[] = {sizeof out->name, sizeof out->released, sizeof out->data_through};
		for (int i = 0; i < 3; i++) {
			const char *c = (const char *)sqlite3_column_text(st, i);
			pl_strlcpy(f[i], c ? c : "", cap[i]);
		}
	}
	if (s != SQLITE_ROW && s != SQLITE_DONE)
		rc = pl_db_error(db, err, "the data version");
	pl_release(db, st);
	return rc;
}

int parley_people_by_alias(parley_db *db, const char *text, size_t *n, char **first,
                           parley_err *err)
{
	*n = 0;
	*first = NULL;
	if (!db || !text)
		return parley_err_set(err, PARLEY_EINVAL, "parley_people_by_alias: NULL argument");
	char *fq = parley_fold(text);
	if (!fq)
		return parley_err_set(err, PARLEY_ENOMEM, "aliases: out of memory");
	sqlite3_stmt *st = NULL;
	int rc = pl_prepare(db, "SELECT person, alias FROM person_alias ORDER BY person", &st, err);
	if (rc) {
		free(fq);
		return rc;
	}
	int s;
	const char *last = NULL;
	char *last_copy = NULL;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		const char *person = (const char *)sqlite3_column_text(st, 0);
		const char *alias = (const char *)sqlite3_column_text(st, 1);
		if (!person || !alias || (last && strcmp(last, person) == 0))
			continue;
		char *fa = parley_fold(alias);
		if (!fa) {
			rc = parley_err_set(err, PARLEY_ENOMEM, "aliases: out of memory");
			break;
		}
		int same = strcmp(fa, fq) == 0;
		free(fa);
		if (!same)
			continue;
		/* one count per person, however many of their aliases match */
		free(last_copy);
		last = last_copy = pl_strdup(person);
		if (!last_copy || (!*first && !(*first = pl_strdup(person)))) {
			rc = parley_err_set(err, PARLEY_ENOMEM, "aliases: out of memory");
			break;
		}
		(*n)++;
	}
	if (!rc && s != SQLITE_DONE && s != SQLITE_ROW)
		rc = pl_db_error(db, err, "aliases");
	sqlite3_finalize(st);
	free(last_copy);
	free(fq);
	if (rc) {
		free(*first);
		*first = NULL;
		*n = 0;
	}
	return rc;
}
