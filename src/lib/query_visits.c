/*
 * query_visits.c - the one query under every list of visits: the filter
 * (query_filter.c) becomes one WHERE clause, used for the page, the total
 * and every facet, so a count, the list it links to and its CSV always hold
 * the same visits.  Results are typed structs in an arena, in the style of
 * the analysis results (docs/queries.md).
 *
 * Dates are compared as text through the rule of parley.h (see
 * pl_date_clause) so that the start_date and start_key indexes answer them;
 * search goes through the store's FTS5 index, which triggers keep current
 * (schema.c, migration 2).
 */
#include "internal.h"
#include "pl_query.h"
#include "../analysis/an.h"

#include <stdlib.h>
#include <string.h>

#define MAX_SQL PL_QUERY_MAX_SQL

typedef pl_binds binds;

typedef struct vresult {
	parley_visits pub;
	an_arena arena;
} vresult;

int pl_bind(binds *b, const char *s)
{
	if (b->n >= PL_MAX_BINDS)
		return PARLEY_ELIMIT;
	b->v[b->n++] = s;
	return PARLEY_OK;
}

/* Two parameters in order; the first error wins. */
static int bind2(binds *b, const char *x, const char *y)
{
	int rc = pl_bind(b, x);
	return rc ? rc : pl_bind(b, y);
}

/* A clause with one parameter: the text, then its value. */
static int clause(pl_buf *sql, binds *b, const char *text, const char *v)
{
	int rc = pl_buf_puts(sql, text);
	return rc ? rc : pl_bind(b, v);
}

/* " AND col IN (?,?,..)" for a comma-separated list. */
int pl_bind_in_list(pl_buf *sql, binds *b, const char *col, const char *list)
{
	int rc = pl_buf_printf(sql, " AND %s IN (", col);
	const char *p = list;
	for (int k = 0; !rc && *p; k++) {
		size_t n = strcspn(p, ",");
		char *item = an_alloc(b->arena, n + 1);
		if (!item)
			return PARLEY_ENOMEM;
		memcpy(item, p, n);
		rc = pl_buf_puts(sql, k ? ",?" : "?");
		if (!rc)
			rc = pl_bind(b, item);
		p += n + (p[n] == ',');
	}
	return rc ? rc : pl_buf_putc(sql, ')');
}

/* The rule of parley.h: a visit matches [from, to] when the days its start
 * date may stand for overlap the range.  Every match's first possible day
 * lies between the first day of from's year and to, so start_key (which
 * begins with that day) bounds the range in list order, in any index that
 * ends in start_key; the CASE keeps those whose own precision overlaps. */
int pl_date_clause(pl_buf *sql, binds *b, const parley_query *q, const char *alias)
{
	const char *f = q->from[0] ? q->from : "0001-01-01";
	const char *t = q->to[0] ? q->to : "9999-12-31";
	char *fy = an_alloc(b->arena, 5), *fm = an_alloc(b->arena, 8);
	char *ty = an_alloc(b->arena, 5), *tm = an_alloc(b->arena, 8);
	const char *klo = an_fmt(b->arena, "%.4s-01-01", f), *khi = an_fmt(b->arena, "%s9", t);
	if (!fy || !fm || !ty || !tm || !klo || !khi)
		return PARLEY_ENOMEM;
	memcpy(fy, f, 4);
	memcpy(fm, f, 7);
	memcpy(ty, t, 4);
	memcpy(tm, t, 7);
	/* the search index's rows hold start_key alone: the date, its
	 * precision ('0' day, '1' month, '2' year) last, read from it */
	int rc = strcmp(alias, "s") == 0
	    ? pl_buf_puts(sql, " AND s.start_key BETWEEN ? AND ? AND CASE substr(s.start_key, 11)"
	                       " WHEN '0' THEN s.start_key >= ?"
	                       " WHEN '1' THEN s.start_key >= ? AND substr(s.start_key, 1, 7) <= ?"
	                       " ELSE substr(s.start_key, 1, 4) <= ? END")
	    : pl_buf_puts(sql, " AND v.start_key BETWEEN ? AND ? AND CASE length(v.start_date)"
	                       " WHEN 10 THEN v.start_date >= ?"
	                       " WHEN 7 THEN v.start_date >= ? AND v.start_date <= ?"
	                       " ELSE v.start_date <= ? END");
	const char *v[] = {klo, khi, f, fm, tm, ty};
	for (size_t i = 0; !rc && i < 6; i++)
		rc = pl_bind(b, v[i]);
	return rc;
}

/* " AND v.level IN (...)" of every level at least min (parley_level_at_least),
 * so the level index answers min_level= as it answers level=. */
int pl_bind_min_level(pl_buf *sql, binds *b, const char *col, const char *min)
{
	int rc = pl_buf_printf(sql, " AND %s IN (", col);
	int k = 0;
	const char *l;
	for (size_t i = 0; !rc && (l = pl_level_name(i)) != NULL; i++)
		if (parley_level_at_least(l, min))
			rc = clause(sql, b, k++ ? ",?" : "?", l);
	return rc ? rc : pl_buf_putc(sql, ')');
}

/* The FTS5 phrase for a search: the folded words, the last a prefix.
 * Folded text holds only letters, digits and single spaces, so no user
 * text is ever read as FTS syntax.  NULL when the text folds to nothing. */
const char *pl_fts_phrase(an_arena *a, const char *text, int *nomem)
{
	char *w = parley_fold_words(text);
	*nomem = !w;
	if (!w || !*w) {
		free(w);
		return NULL;
	}
	const char *out = an_fmt(a, "\"%s\"*", w);
	free(w);
	*nomem = !out;
	return out;
}

/* The visit ids of top= (the paramount leaders' visits of the between=
 * pair per its eras as of q->as_of, or today), as a JSON array. */
static const char *top_ids(parley_db *db, const parley_query *q, an_arena *a, parley_err *err)
{
	parley_analysis_opts o = {.a = q->a, .b = q->b, .as_of = q->as_of[0] ? q->as_of : NULL};
	parley_eras *e = NULL;
	int rc = parley_eras_compute(db, &o, PARLEY_ERAS_PAIR, &e, NULL);
	if (rc == PARLEY_ENOTFOUND) /* no tenures: no leader visits by that rule */
		return "[]";
	if (rc) {
		parley_err_set(err, PARLEY_EDB, "parameter 'top': the eras of %s and %s cannot be computed",
		               q->a, q->b);
		return NULL;
	}
	size_t la = strlen(q->a), lb = strlen(q->b);
	int want_a = 0, want_b = 0;
	for (const char *p = q->top; *p;) {
		size_t n = strcspn(p, ",");
		want_a |= n == la && strncmp(p, q->a, n) == 0;
		want_b |= n == lb && strncmp(p, q->b, n) == 0;
		p += n + (p[n] == ',');
	}
	json_t *j = json_array();
	for (size_t i = 0; j && i < e->n; i++) {
		const parley_era *r = &e->eras[i];
		for (int side = 0; side < 2; side++) {
			const parley_ids *ids = side ? &r->top_b_to_a : &r->top_a_to_b;
			for (size_t m = 0; j && (side ? want_b : want_a) && m < ids->n; m++)
				if (json_array_append_new(j, pl_json_text(ids->ids[m])))
					j = (json_decref(j), NULL);
		}
	}
	parley_eras_free(e);
	pl_buf t;
	pl_buf_init(&t, MAX_SQL);
	const char *out = j && pl_json_write(&t, j) == PARLEY_OK ? an_strdup(a, t.data) : NULL;
	pl_buf_free(&t);
	json_decref(j);
	if (!out)
		parley_err_set(err, PARLEY_ENOMEM, "parameter 'top': out of memory");
	return out;
}

/* ENOTFOUND unless table has a row with id. */
static int must_exist(parley_db *db, const char *table, const char *param, const char *id,
                      parley_err *err)
{
	char sql[64];
	snprintf(sql, sizeof sql, "SELECT 1 FROM %s WHERE id = ?1", table);
	sqlite3_stmt *st;
	int rc = pl_prepare(db, sql, &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	int s = sqlite3_step(st);
	sqlite3_finalize(st);
	if (s == SQLITE_ROW)
		return PARLEY_OK;
	if (s != SQLITE_DONE)
		return pl_db_error(db, err, "checking a filter");
	char v[80];
	pl_strlcpy(v, id, sizeof v);
	return parley_err_set(err, PARLEY_ENOTFOUND, "parameter '%s': no %s with that id (got '%s')",
	                      param, table, v);
}

int pl_query_must_exist(parley_db *db, const char *table, const char *param, const char *id,
                        parley_err *err)
{
	return must_exist(db, table, param, id, err);
}

/* The office a visitor held on the visit's start (first possible day):
 * a tenure from its start up to, not including, the day it ended. */
#define HELD_ON_START                                                                       \
	"parley_first_day(t.start_date) <= parley_first_day(v.start_date) AND (t.end_date IS NULL" \
	" OR parley_first_day(t.end_date) > parley_first_day(v.start_date))"

/* Whether status is q's only filter.  Most visits of a store share a status,
 * so a planner without statistics must not pick the status index when another
 * filter's index can answer (it would sort most of the store for a page of
 * 50); every filter index ends in status, so "+v.status" is checked from it.
 * A count or facet of the status filter alone reads the status index; a
 * page of it walks the list order and stops at its LIMIT. */
int pl_query_status_only(const parley_query *q)
{
	return !q->a[0] && !q->dir_from[0] && !q->country[0] && !q->from[0] && !q->to[0] &&
	       !q->as_of[0] && !q->since[0] && !q->level && !q->min_level && !q->type && !q->office && !q->person &&
	       !q->visitor && !q->companion && !q->host && !q->top && !q->text && !q->ids;
}

int pl_query_where(parley_db *db, const parley_query *q, pl_buf *sql, binds *b, parley_err *err)
{
	if (q->top && !q->a[0])
		return parley_err_set(err, PARLEY_EINVAL,
		                      "parameter 'top': needs between=A:B (the pair whose eras define the leaders) (got '%s')",
		                      q->top);
	static const char *const people[][2] = {{"person", NULL}, {"visitor", NULL},
	                                        {"companion", NULL}, {"host", NULL}};
	const char *ids[] = {q->person, q->visitor, q->companion, q->host};
	for (size_t i = 0; i < 4; i++)
		if (ids[i]) {
			int rc = must_exist(db, "person", people[i][0], ids[i], err);
			if (rc)
				return rc;
		}
	if (q->office) {
		int rc = must_exist(db, "office", "office", q->office, err);
		if (rc)
			return rc;
	}
	int rc = pl_buf_puts(sql, " WHERE 1");
	if (q->a[0]) {
		/* pair_key: the pair either way, one index range (schema.c) */
		int lo = strcmp(q->a, q->b) < 0;
		const char *k = an_fmt(b->arena, "%s:%s", lo ? q->a : q->b, lo ? q->b : q->a);
		if (!rc) rc = k ? clause(sql, b, b->walk ? " AND +v.pair_key = ?" : " AND v.pair_key = ?", k)
		                : PARLEY_ENOMEM;
	}
	if (q->dir_from[0]) {
		if (!rc) rc = pl_buf_puts(sql, b->walk ? " AND +v.from_country = ? AND +v.to_country = ?"
		                                       : " AND v.from_country = ? AND v.to_country = ?");
		if (!rc) rc = bind2(b, q->dir_from, q->dir_to);
	}
	if (q->country[0]) {
		if (!rc) rc = pl_buf_puts(sql, b->walk ? " AND (+v.from_country = ? OR +v.to_country = ?)"
		                                       : " AND (v.from_country = ? OR v.to_country = ?)");
		if (!rc) rc = bind2(b, q->country, q->country);
	}
	if (!rc && (q->from[0] || q->to[0]))
		rc = pl_date_clause(sql, b, q, "v");
	if (!rc && q->as_of[0]) {
		/* first possible day on or before as_of: start_key begins with it */
		const char *k = an_fmt(b->arena, "%s9", q->as_of);
		rc = k ? clause(sql, b, " AND v.start_key <= ?", k) : PARLEY_ENOMEM;
	}
	if (!rc && q->since[0]) {
		/* first possible day on or after since: start_key is that day and
		 * a suffix, so it sorts at or after the day itself */
		const char *k = an_strdup(b->arena, q->since);
		rc = k ? clause(sql, b, " AND v.start_key >= ?", k) : PARLEY_ENOMEM;
	}
	if (!rc && q->level)
		rc = pl_bind_in_list(sql, b, b->walk ? "+v.level" : "v.level", q->level);
	if (!rc && q->min_level)
		rc = pl_bind_min_level(sql, b, b->walk ? "+v.level" : "v.level", q->min_level);
	if (!rc && q->type)
		rc = pl_bind_in_list(sql, b, b->walk ? "+v.type" : "v.type", q->type);
	if (!rc && !(q->status && strcmp(q->status, "all") == 0))
		rc = pl_bind_in_list(sql, b, b->status_index ? "v.status" : "+v.status",
		             q->status ? q->status : PL_QUERY_DEFAULT_STATUS);
	if (!rc && q->office) {
		/* the visitor IN (...) term lets the visitor index answer the
		 * second branch: only holders of the office are read */
		rc = pl_buf_puts(sql, " AND (v.visitor_office = ? OR (v.visitor_office IS NULL AND v.visitor IN"
		                      " (SELECT person FROM tenure WHERE office = ?) AND EXISTS"
		                      " (SELECT 1 FROM tenure t WHERE t.person = v.visitor AND t.office = ? AND "
		                      HELD_ON_START ")))");
		if (!rc) rc = bind2(b, q->office, q->office);
		if (!rc) rc = pl_bind(b, q->office);
	}
	if (!rc && q->person) {
		rc = pl_buf_puts(sql, " AND (v.visitor = ? OR v.id IN (SELECT visit FROM visit_person"
		                      " WHERE person = ?))");
		if (!rc) rc = bind2(b, q->person, q->person);
	}
	if (!rc && q->visitor)
		rc = clause(sql, b, " AND v.visitor = ?", q->visitor);
	if (!rc && q->companion)
		rc = clause(sql, b, " AND v.id IN (SELECT visit FROM visit_person WHERE person = ?"
		                    " AND role = 'companion')", q->companion);
	if (!rc && q->host)
		rc = clause(sql, b, " AND v.id IN (SELECT visit FROM visit_person WHERE person = ?"
		                    " AND role = 'host')", q->host);
	if (!rc && q->top) {
		const char *j = top_ids(db, q, b->arena, err);
		if (!j)
			return err && err->code ? err->code : PARLEY_ENOMEM;
		rc = clause(sql, b, " AND v.id IN (SELECT value FROM json_each(?))", j);
	}
	if (!rc && q->ids) {
		/* the ids as one JSON array bound to one parameter: no SQL is built
		 * from them, and the id index answers each */
		json_t *ids = json_array();
		for (const char *p = q->ids; ids && *p;) {
			size_t n = strcspn(p, ",");
			char one[256]; /* parley_query_set took ids of at most 200 bytes */
			pl_strlcpy(one, p, n + 1 < sizeof one ? n + 1 : sizeof one);
			if (json_array_append_new(ids, pl_json_text(one)))
				ids = (json_decref(ids), NULL);
			p += n + (p[n] == ',');
		}
		pl_buf j;
		pl_buf_init(&j, (size_t)PARLEY_QUERY_IDS_MAX * 1300 + 2);
		int w = ids ? pl_json_write(&j, ids) : PARLEY_ENOMEM;
		json_decref(ids);
		const char *arr = w ? NULL : an_strdup(b->arena, j.data);
		pl_buf_free(&j);
		rc = arr ? clause(sql, b, " AND v.id IN (SELECT value FROM json_each(?))", arr) : PARLEY_ENOMEM;
	}
	if (!rc && q->text) {
		int nomem;
		const char *m = pl_fts_phrase(b->arena, q->text, &nomem);
		if (nomem)
			rc = PARLEY_ENOMEM;
		else if (m)
			rc = clause(sql, b, " AND v.id IN (SELECT s.visit FROM visit_fts JOIN visit_search s"
			                    " ON s.n = visit_fts.rowid WHERE visit_fts MATCH ?)", m);
	}
	if (rc)
		return parley_err_set(err, rc == PARLEY_ENOMEM ? PARLEY_ENOMEM : PARLEY_ELIMIT,
		                      "building the query: %s", parley_strstatus(rc));
	return PARLEY_OK;
}

/* The statement for sql with b's filters bound, fresh (the caller finalizes
 * it) or, when cached, from the store's statement cache (the caller gives it
 * back with pl_release(), never sqlite3_finalize()). */
static int bind_filters(parley_db *db, const char *sql, const binds *b, int cached,
                        sqlite3_stmt **st, parley_err *err)
{
	int rc = cached ? pl_prepare_cached(db, sql, st, err) : pl_prepare(db, sql, st, err);
	for (int i = 0; !rc && i < b->n; i++)
		if (sqlite3_bind_text(*st, i + 1, b->v[i], -1, SQLITE_STATIC) != SQLITE_OK)
			rc = pl_db_error(db, err, "binding a filter");
	return rc;
}

int pl_prepare_bound(parley_db *db, const char *sql, const binds *b, sqlite3_stmt **st,
                         parley_err *err)
{
	return bind_filters(db, sql, b, 0, st, err);
}

/* From the cache, for load_rows, whose SQL a page per visit (a static site)
 * runs again and again. */
static int prepare_bound_cached(parley_db *db, const char *sql, const binds *b, sqlite3_stmt **st,
                                parley_err *err)
{
	return bind_filters(db, sql, b, 1, st, err);
}

static const char *const list_cols =
    "SELECT v.id, v.start_date, v.end_date, v.from_country, v.to_country,"
    " coalesce(cf.name, v.from_country), coalesce(ct.name, v.to_country), v.visitor,"
    " coalesce(p.name, v.visitor_label, 'unidentified'), v.visitor_label, v.visitor_title,"
    " vo.id, vo.name, v.level, v.type, v.status, v.confidence, v.summary, v.disputed, v.note,"
    " s.body, (SELECT group_concat(name, '; ') FROM (SELECT name FROM place WHERE visit = v.id"
    " ORDER BY seq)), (SELECT count(*) FROM visit_source WHERE visit = v.id), v.visitor_office";

static const char *const list_from =
    " FROM visit v LEFT JOIN person p ON p.id = v.visitor"
    " LEFT JOIN country cf ON cf.code = v.from_country"
    " LEFT JOIN country ct ON ct.code = v.to_country"
    " LEFT JOIN visit_search s ON s.visit = v.id"
    " LEFT JOIN office vo ON vo.id = coalesce(v.visitor_office, (SELECT t.office FROM tenure t"
    " JOIN office o ON o.id = t.office WHERE t.person = v.visitor AND " HELD_ON_START
    " ORDER BY parley_rank(o.rank) DESC, t.office LIMIT 1))";

static int read_visit(an_arena *a, sqlite3_stmt *st, parley_visit *v)
{
	int nm = 0;
	const char **f[] = {&v->id, &v->start_date, &v->end_date, &v->from_country, &v->to_country,
	                    &v->from_name, &v->to_name, &v->visitor, &v->visitor_name,
	                    &v->visitor_label, &v->visitor_title, &v->office, &v->office_name,
	                    &v->level, &v->type, &v->status, &v->confidence, &v->summary,
	                    &v->disputed, &v->note, &v->search, &v->places_text};
	for (int i = 0; i < (int)(sizeof f / sizeof f[0]); i++)
		*f[i] = pl_query_col(a, st, i, &nm);
	v->nsources_count = (size_t)sqlite3_column_int64(st, 22);
	v->visitor_office = pl_query_col(a, st, 23, &nm);
	size_t n = v->start_date ? strlen(v->start_date) : 0;
	v->precision = n == 10 ? PARLEY_DAY : n == 7 ? PARLEY_MONTH : PARLEY_YEAR;
	if (!v->search)
		v->search = "";
	return nm ? PARLEY_ENOMEM : PARLEY_OK;
}

static int fill_people(parley_db *db, an_arena *a, parley_visit *v, const char *role,
                       parley_visit_person **out, size_t *n, parley_err *err)
{
	sqlite3_stmt *st;
	int rc = pl_prepare_cached(db, "SELECT person, name, detail FROM visit_person WHERE visit = ?1"
	                               " AND role = ?2 ORDER BY seq", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, v->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, role, -1, SQLITE_STATIC);
	size_t cap = pl_query_count_rows(st);
	*out = an_alloc(a, (cap ? cap : 1) * sizeof **out);
	int nm = !*out;
	*n = 0;
	while (!nm && *n < cap && sqlite3_step(st) == SQLITE_ROW) {
		parley_visit_person *p = &(*out)[(*n)++];
		p->person = pl_query_col(a, st, 0, &nm);
		p->name = pl_query_col(a, st, 1, &nm);
		p->detail = pl_query_col(a, st, 2, &nm);
	}
	pl_release(db, st);
	return nm ? parley_err_set(err, PARLEY_ENOMEM, "out of memory") : PARLEY_OK;
}

/* The records below are structs of const char * only, so an array of nf
 * strings per row has their layout. */
_Static_assert(sizeof(parley_visit_place) == 2 * sizeof(const char *), "place layout");
_Static_assert(sizeof(parley_visit_activity) == 3 * sizeof(const char *), "activity layout");
_Static_assert(sizeof(parley_visit_source) == 10 * sizeof(const char *), "source layout");
_Static_assert(sizeof(parley_external_id) == 2 * sizeof(const char *), "external id layout");

static int fill_details(parley_db *db, an_arena *a, parley_visit *v, parley_err *err)
{
	const char **rows;
	int rc = fill_people(db, a, v, "host", &v->hosts, &v->nhosts, err);
	if (!rc)
		rc = fill_people(db, a, v, "companion", &v->delegation, &v->ndelegation, err);
	if (!rc && !(rc = pl_query_rows(db, a, v->id, "SELECT name, country FROM place WHERE visit = ?1"
	                                          " ORDER BY seq", 2, &rows, &v->nplaces, err)))
		v->places = (parley_visit_place *)(void *)rows;
	if (!rc && !(rc = pl_query_rows(db, a, v->id, "SELECT kind, date, description FROM activity"
	                                          " WHERE visit = ?1 ORDER BY seq", 3, &rows,
	                            &v->nactivities, err)))
		v->activities = (parley_visit_activity *)(void *)rows;
	if (!rc && !(rc = pl_query_rows(db, a, v->id,
	                            "SELECT s.id, s.url, s.citation, s.title, s.publisher, s.published,"
	                            " s.accessed, s.archive_url, s.quality, vs.passage FROM visit_source vs"
	                            " JOIN source s ON s.id = vs.source WHERE vs.visit = ?1 ORDER BY s.id", 10, &rows,
	                            &v->nsources, err)))
		v->sources = (parley_visit_source *)(void *)rows;
	if (!rc && !(rc = pl_query_rows(db, a, v->id, "SELECT scheme, value FROM external_id WHERE"
	                                          " entity = 'visit' AND entity_id = ?1"
	                                          " ORDER BY scheme, value", 2, &rows,
	                            &v->nexternal_ids, err)))
		v->external_ids = (parley_external_id *)(void *)rows;
	return rc;
}

const char *pl_order_by(const char *sort)
{
	if (sort && strcmp(sort, "-date") == 0)
		return " ORDER BY v.start_key DESC, v.id DESC";
	if (sort && strcmp(sort, "level") == 0)
		/* within a level, the visitor's office ranks the senior posts
		 * (office.rank_order: a standing-committee member before a
		 * politburo member), so "the highest-ranking visitor" is row one */
		return " ORDER BY parley_rank(v.level) DESC,"
		       " coalesce((SELECT o.rank_order FROM office o WHERE o.id = v.visitor_office), 0) DESC,"
		       " v.start_key, v.id";
	if (sort && strcmp(sort, "visitor") == 0)
		return " ORDER BY coalesce(p.name, v.visitor_label, 'unidentified') COLLATE NOCASE,"
		       " v.start_key, v.id";
	return " ORDER BY v.start_key, v.id";
}

/* Runs the page query into r, keeping at most keep rows (0 = all) and
 * setting r->pub.next_after when the query found one more. */
static int load_rows(parley_db *db, vresult *r, pl_buf *sql, const binds *b, int details,
                     size_t keep, parley_err *err)
{
	sqlite3_stmt *st;
	int rc = prepare_bound_cached(db, sql->data, b, &st, err);
	if (rc) {
		pl_release(db, st);
		return rc;
	}
	size_t cap = 16;
	parley_visit *v = malloc(cap * sizeof *v);
	size_t n = 0;
	int s = SQLITE_DONE;
	while (v && !rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			parley_visit *g = realloc(v, 2 * cap * sizeof *v);
			if (!g) {
				rc = PARLEY_ENOMEM;
				break;
			}
			v = g;
			cap *= 2;
		}
		memset(&v[n], 0, sizeof v[n]);
		rc = read_visit(&r->arena, st, &v[n]);
		n++;
	}
	if (!rc && s != SQLITE_DONE && s != SQLITE_ROW)
		rc = pl_db_error(db, err, "listing visits");
	pl_release(db, st);
	if (!v || rc == PARLEY_ENOMEM) {
		free(v);
		return parley_err_set(err, PARLEY_ENOMEM, "listing visits: out of memory");
	}
	/* the rows move into the arena so one free releases everything */
	r->pub.v = an_alloc(&r->arena, (n ? n : 1) * sizeof *v);
	if (r->pub.v && n)
		memcpy(r->pub.v, v, n * sizeof *v);
	free(v);
	if (!r->pub.v)
		return parley_err_set(err, PARLEY_ENOMEM, "listing visits: out of memory");
	if (keep && n > keep) {
		n = keep;
		r->pub.next_after = r->pub.v[n - 1].id;
	}
	r->pub.n = n;
	for (size_t i = 0; !rc && details && i < n; i++)
		rc = fill_details(db, &r->arena, &r->pub.v[i], err);
	return rc;
}

/* The search rows of the visits marked dirty, or of every visit (all: a
 * bulk import, import_bulk.c, which marks none), made current; a row is
 * written only where its text or columns changed. */
static int search_refresh(parley_db *db, int all, parley_err *err)
{
	if (db->scratch) /* never searched: no search text to keep (pl_open_scratch) */
		return PARLEY_OK;
	/* a store being migrated may not have the search tables, or the
	 * columns of migration_search_dims, yet */
	sqlite3_stmt *st;
	int rc = pl_prepare(db, "SELECT (SELECT 1 FROM sqlite_schema WHERE name = 'visit_search_dirty'),"
	                        " (SELECT 1 FROM pragma_table_info('visit_search') WHERE name = 'status'),"
	                        " (SELECT 1 FROM sqlite_schema WHERE name = 'person_search_dirty')",
	                    &st, err);
	if (rc)
		return rc;
	int have = 0, dims = 0, people = 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		have = sqlite3_column_int(st, 0);
		dims = sqlite3_column_int(st, 1);
		people = sqlite3_column_int(st, 2);
	}
	sqlite3_finalize(st);
	if (!have)
		return PARLEY_OK;
	/* all of them: built in one merged read of the tables (search_text.c),
	 * the text this view gives, unless the store holds keys it cannot map
	 * (PARLEY_ELIMIT: then by the view, below) */
	int merged = 0;
	if (dims && all) {
		rc = pl_search_text_all(db, err);
		merged = !rc;
		if (rc == PARLEY_ELIMIT)
			rc = PARLEY_OK;
		if (rc)
			return rc;
	}
	/* which visits: the marked ones, or all */
	const char *marked = all ? "true" : "visit IN (SELECT visit FROM visit_search_dirty)";
	const char *t_marked = all ? "true" : "t.visit IN (SELECT visit FROM visit_search_dirty)";
	pl_buf sql;
	pl_buf_init(&sql, 1 << 16);
	rc = pl_buf_printf(&sql, "DELETE FROM visit_search WHERE %s AND visit NOT IN (SELECT id FROM visit);",
	                   marked);
	/* the people search's text (schema.c, migration_people_search) */
	const char *p_marked = all ? "true" : "person IN (SELECT person FROM person_search_dirty)";
	if (!rc && people)
		rc = pl_buf_printf(&sql,
		    "DELETE FROM person_search WHERE %s AND person NOT IN (SELECT id FROM person);"
		    "INSERT INTO person_search(person, body) SELECT person, body FROM person_search_text"
		    " WHERE %s AND true"
		    " ON CONFLICT(person) DO UPDATE SET body = excluded.body WHERE body IS NOT excluded.body;"
		    "DELETE FROM person_search_dirty;", p_marked, p_marked);
	if (!rc && !dims)
		rc = pl_buf_printf(&sql,
		    "INSERT INTO visit_search(visit, body) SELECT visit, body FROM visit_search_text"
		    " WHERE %s"
		    " ON CONFLICT(visit) DO UPDATE SET body = excluded.body WHERE body IS NOT excluded.body;"
		    "DELETE FROM visit_search_dirty;", marked);
	if (!rc && merged)
		rc = pl_buf_puts(&sql, "DELETE FROM visit_search_dirty;");
	if (!rc && dims && !merged)
		rc = pl_buf_printf(&sql,
		    "INSERT INTO visit_search(visit, body, start_key, from_country, to_country, level, type,"
		    " status) SELECT t.visit, t.body, v.start_key, v.from_country, v.to_country, v.level, v.type,"
		    " v.status FROM visit_search_text t JOIN visit v ON v.id = t.visit"
		    " WHERE %s AND true"
		    " ON CONFLICT(visit) DO UPDATE SET body = excluded.body, start_key = excluded.start_key,"
		    " from_country = excluded.from_country, to_country = excluded.to_country,"
		    " level = excluded.level, type = excluded.type, status = excluded.status"
		    " WHERE (body, start_key, from_country, to_country, level, type, status) IS NOT"
		    " (excluded.body, excluded.start_key, excluded.from_country, excluded.to_country,"
		    " excluded.level, excluded.type, excluded.status);"
		    "DELETE FROM visit_search_dirty;", t_marked);
	rc = rc ? parley_err_set(err, PARLEY_ENOMEM, "out of memory") : pl_exec(db, sql.data, err);
	pl_buf_free(&sql);
	/* the rows just written, packed (query_search_pack.c); all of them
	 * after a bulk import, which writes the rows without the marks */
	return rc ? rc : all ? pl_pack_rebuild(db, err) : pl_pack_flush(db, err);
}

int pl_search_flush(parley_db *db, parley_err *err)
{
	return search_refresh(db, 0, err);
}

int pl_search_refresh_all(parley_db *db, parley_err *err)
{
	return search_refresh(db, 1, err);
}

int parley_search_sync(parley_db *db, parley_err *err)
{
	if (!db)
		return parley_err_set(err, PARLEY_EINVAL, "parley_search_sync: no store");
	return pl_search_flush(db, err);
}

static vresult *vresult_new(void)
{
	vresult *r = calloc(1, sizeof *r);
	if (r)
		r->pub.priv = r;
	return r;
}

void parley_visits_free(parley_visits *r)
{
	if (!r)
		return;
	vresult *x = r->priv;
	an_arena_free(&x->arena);
	free(x);
}

/* after=ID: the rows after visit ID in the list order (start_key, id), or
 * before it for sort=-date.  One range of whichever index answers the
 * filter, so the thousandth page costs what the first does, and rows
 * inserted meanwhile never shift a page already read. */
/* The start_key of visit after= into *key (in arena), after checking that
 * q may be paged by key (a date sort, no offset). */
static int keyset_key(parley_db *db, const parley_query *q, an_arena *a, const char **key,
                      parley_err *err)
{
	char v[80];
	pl_strlcpy(v, q->after, sizeof v);
	int desc = q->sort && strcmp(q->sort, "-date") == 0;
	if (q->sort && !desc && strcmp(q->sort, "date") != 0)
		return parley_err_set(err, PARLEY_EINVAL, "parameter 'after': keyset paging follows"
		                      " sort=date or sort=-date, not sort=%s (got '%s')", q->sort, v);
	long limit, offset;
	pl_query_window(q, &limit, &offset);
	if (offset)
		return parley_err_set(err, PARLEY_EINVAL, "parameter 'after': replaces offset and page;"
		                      " give one or the other (got '%s')", v);
	sqlite3_stmt *st;
	int rc = pl_prepare(db, "SELECT start_key FROM visit WHERE id = ?1", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, q->after, -1, SQLITE_STATIC);
	int s = sqlite3_step(st);
	*key = s == SQLITE_ROW ? an_strdup(a, (const char *)sqlite3_column_text(st, 0)) : NULL;
	sqlite3_finalize(st);
	if (s != SQLITE_ROW && s != SQLITE_DONE)
		return pl_db_error(db, err, "reading the visit of after=");
	if (s == SQLITE_DONE)
		return parley_err_set(err, PARLEY_ENOTFOUND, "parameter 'after': no visit with that id (got '%s')", v);
	return *key ? PARLEY_OK : parley_err_set(err, PARLEY_ENOMEM, "out of memory");
}

int pl_keyset_clause(parley_db *db, const parley_query *q, pl_buf *sql, binds *b,
                     const char *alias, parley_err *err)
{
	const char *key = NULL;
	int rc = keyset_key(db, q, b->arena, &key, err);
	if (rc)
		return rc;
	int desc = q->sort && strcmp(q->sort, "-date") == 0;
	/* the search index's rows (s) and visit_person_key's (k): (start_key, visit) */
	int own = strcmp(alias, "v") != 0;
	rc = pl_buf_printf(sql, " AND (%s.start_key, %s.%s) %s (?, ?)", alias, alias, own ? "visit" : "id",
	                   desc ? "<" : ">");
	return rc ? rc : bind2(b, key, q->after);
}

/* Whether the rows of q can be paged by key (sort by date either way). */
int pl_keyset_sort(const parley_query *q)
{
	return !q->sort || strcmp(q->sort, "date") == 0 || strcmp(q->sort, "-date") == 0;
}

/* The SQL of a page: the list columns of the visits where (over visit v,
 * or with search the search index's rows s) selects, in q's order, limit
 * rows (-1: all) from offset.  In date order
 * the page's rows are chosen first from visit alone and only they are read
 * whole, so a filter whose matches must be sorted (a search, a country)
 * sorts bare keys, never the joins and subqueries of every match. */
static int page_sql(pl_buf *sql, const parley_query *q, const char *where, long limit, long offset,
                    int search)
{
	const char *ord = pl_order_by(q->sort);
	/* any sort picks its page by the bare key first (sort=level reads the
	 * office's rank, sort=visitor the person's name; nothing else) */
	int two = limit > 0 && (pl_keyset_sort(q) || !search);
	int desc = q->sort && strcmp(q->sort, "-date") == 0;
	int by_name = q->sort && strcmp(q->sort, "visitor") == 0;
	int rc = pl_buf_puts(sql, list_cols);
	if (!rc)
		rc = pl_buf_puts(sql, list_from);
	/* a search (pl_search_from) picks the page from the index's rows */
	if (!rc && two)
		rc = pl_buf_puts(sql, search ? " WHERE v.id IN (SELECT s.visit"
		                  : by_name ? " WHERE v.rowid IN (SELECT v.rowid FROM visit v"
		                              " LEFT JOIN person p ON p.id = v.visitor"
		                            : " WHERE v.rowid IN (SELECT v.rowid FROM visit v");
	if (!rc)
		rc = pl_buf_puts(sql, where);
	if (!rc)
		rc = pl_buf_puts(sql, !search ? ord : desc ? " ORDER BY s.start_key DESC, s.visit DESC"
		                                           : " ORDER BY s.start_key, s.visit");
	if (!rc)
		rc = pl_buf_printf(sql, " LIMIT %ld OFFSET %ld", limit > 0 ? limit : -1L, offset);
	if (!rc && two)
		rc = pl_buf_printf(sql, ")%s", ord);
	return rc;
}

/* A list's whole-row SELECT (list_cols, list_from) with where after it, in
 * sql, which this initializes (the caller frees it with pl_buf_free, even on
 * an error). */
static int list_sql(pl_buf *sql, const char *where)
{
	pl_buf_init(sql, MAX_SQL);
	int rc = pl_buf_puts(sql, list_cols);
	if (!rc)
		rc = pl_buf_puts(sql, list_from);
	return rc ? rc : pl_buf_puts(sql, where);
}

/* The visits of ids (a JSON array of ids) read whole, in q's order. */
static int load_ids(parley_db *db, vresult *r, const parley_query *q, const char *ids,
                    int details, size_t keep, parley_err *err)
{
	binds pb = {.n = 0, .arena = &r->arena};
	pl_buf sql;
	int rc = list_sql(&sql, " WHERE v.id IN (SELECT value FROM json_each(?))");
	if (!rc)
		rc = pl_buf_puts(&sql, pl_order_by(q->sort));
	if (!rc)
		rc = pl_bind(&pb, ids);
	if (!rc)
		rc = load_rows(db, r, &sql, &pb, details, keep, err);
	pl_buf_free(&sql);
	return rc;
}

/* A search's page and total in one pass over its matches (pl_search_from
 * in where, with b's parameters): the page's visit ids, in q's date order,
 * with count(*) OVER () (every match, before the LIMIT) beside them; then
 * those rows read whole.  *counted = 0 when the page is empty past the first
 * (the caller counts).  Not for after=, whose page is not the whole filter. */
static int search_page(parley_db *db, vresult *r, const parley_query *q, const char *where,
                       const binds *b, long rows, long offset, int details, size_t keep,
                       int *counted, parley_err *err)
{
	int desc = q->sort && strcmp(q->sort, "-date") == 0;
	pl_buf sql, ids;
	pl_buf_init(&sql, MAX_SQL);
	pl_buf_init(&ids, MAX_SQL);
	int rc = pl_buf_puts(&sql, "SELECT s.visit, count(*) OVER ()");
	if (!rc)
		rc = pl_buf_puts(&sql, where);
	if (!rc)
		rc = pl_buf_printf(&sql, "%s LIMIT %ld OFFSET %ld",
		                   desc ? " ORDER BY s.start_key DESC, s.visit DESC"
		                        : " ORDER BY s.start_key, s.visit", rows, offset);
	if (!rc)
		rc = pl_buf_putc(&ids, '[');
	sqlite3_stmt *st = NULL;
	long n = 0;
	*counted = 0;
	if (!rc && !(rc = pl_prepare_bound(db, sql.data, b, &st, err))) {
		int s;
		while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
			r->pub.total = (long)sqlite3_column_int64(st, 1);
			rc = pl_json_item(&ids, (size_t)n++, "",
			                  pl_json_text((const char *)sqlite3_column_text(st, 0)));
		}
		if (!rc && s != SQLITE_DONE)
			rc = pl_db_error(db, err, "searching visits");
	}
	sqlite3_finalize(st);
	if (!rc)
		rc = pl_buf_putc(&ids, ']');
	*counted = n > 0 || offset == 0; /* no match at all: the total is 0 */
	pl_buf_free(&sql);
	if (!rc)
		rc = load_ids(db, r, q, ids.data, details, keep, err);
	pl_buf_free(&ids);
	return rc;
}

static int match_asc(const void *x, const void *y)
{
	return pl_match_cmp(*(const pl_match *const *)x, *(const pl_match *const *)y);
}

static int match_desc(const void *x, const void *y)
{
	return pl_match_cmp(*(const pl_match *const *)y, *(const pl_match *const *)x);
}

/* A search's page from its matches read once (pl_search_matches): the
 * total is their number; the page the rows after after= (if any) in q's
 * date order, from offset, rows of them, then read whole. */
static int matches_page(parley_db *db, vresult *r, const parley_query *q, const pl_match *m,
                        size_t n, long rows, long offset, int details, size_t keep,
                        parley_err *err)
{
	int desc = q->sort && strcmp(q->sort, "-date") == 0;
	r->pub.total = (long)n;
	pl_match after = {.visit = q->after};
	int rc = q->after ? keyset_key(db, q, &r->arena, &after.start_key, err) : PARLEY_OK;
	const pl_match **ord = rc ? NULL : malloc((n ? n : 1) * sizeof *ord);
	if (!rc && !ord)
		rc = parley_err_set(err, PARLEY_ENOMEM, "searching visits: out of memory");
	size_t k = 0;
	for (size_t i = 0; !rc && i < n; i++)
		if (!q->after || (desc ? pl_match_cmp(&m[i], &after) < 0 : pl_match_cmp(&m[i], &after) > 0))
			ord[k++] = &m[i];
	if (!rc && k > 1)
		qsort(ord, k, sizeof *ord, desc ? match_desc : match_asc);
	pl_buf ids;
	pl_buf_init(&ids, MAX_SQL);
	if (!rc)
		rc = pl_buf_putc(&ids, '[');
	size_t first = offset > 0 ? (size_t)offset : 0, j = 0;
	for (size_t i = first; !rc && i < k && j < (size_t)rows; i++, j++)
		rc = pl_json_item(&ids, j, "", pl_json_text(ord[i]->visit));
	free(ord);
	if (!rc)
		rc = pl_buf_putc(&ids, ']');
	if (!rc)
		rc = load_ids(db, r, q, ids.data, details, keep, err);
	else if (err && !err->code)
		parley_err_set(err, rc, "searching visits: %s", parley_strstatus(rc));
	pl_buf_free(&ids);
	return rc;
}

/* *out = the count head + where with b's parameters returns. */
static int total_of(parley_db *db, const char *head, const pl_buf *where, const binds *b,
                    long *out, parley_err *err)
{
	pl_buf sql;
	pl_buf_init(&sql, MAX_SQL);
	int rc = pl_buf_puts(&sql, head);
	if (!rc)
		rc = pl_buf_puts(&sql, where->data);
	sqlite3_stmt *st = NULL;
	if (!rc && !(rc = pl_prepare_bound(db, sql.data, b, &st, err))) {
		if (sqlite3_step(st) == SQLITE_ROW)
			*out = (long)sqlite3_column_int64(st, 0);
		else
			rc = pl_db_error(db, err, "counting visits");
	}
	sqlite3_finalize(st);
	pl_buf_free(&sql);
	return rc;
}

/* Whether a page of q should walk the list order (*walk = 1) rather than
 * take its filter's index.  The tally tells both sides exactly: walking
 * the date range (all its visits, inrange) meets the n matches spread
 * through it, so the first need rows come after about inrange * need / n
 * steps; the filter's index reads all n and sorts them.  A filter whose
 * index is already in list order (a pair, a direction) loses nothing
 * either way: its index is taken. */
static int walk_first(parley_db *db, const parley_query *q, const char *year, long n, long need,
                      int *walk, parley_err *err)
{
	*walk = 0;
	if (n <= 0 || q->a[0] || q->dir_from[0])
		return PARLEY_OK;
	parley_query d;
	parley_query_init(&d);
	memcpy(d.from, q->from, sizeof d.from);
	memcpy(d.to, q->to, sizeof d.to);
	/* a deep page starts at year (skip_years): the range from it on, in
	 * list order */
	int desc = q->sort && strcmp(q->sort, "-date") == 0;
	if (year[0] && !desc && (!d.from[0] || strncmp(d.from, year, 4) < 0))
		snprintf(d.from, sizeof d.from, "%.4s-01-01", year);
	if (year[0] && desc && (!d.to[0] || strncmp(d.to, year, 4) > 0))
		snprintf(d.to, sizeof d.to, "%.4s-12-31", year);
	memcpy(d.as_of, q->as_of, sizeof d.as_of);
	d.status = q->status;
	an_arena arena = {0};
	binds b = {.n = 0, .arena = &arena};
	pl_buf where;
	pl_buf_init(&where, MAX_SQL);
	long inrange = 0;
	int rc = pl_tally_where(&d, 0, &where, &b);
	if (!rc)
		rc = total_of(db, pl_tally_total(&d), &where, &b, &inrange, err);
	pl_buf_free(&where);
	an_arena_free(&arena);
	*walk = !rc && (double)inrange * (double)need < (double)n * (double)n;
	return rc;
}

/* A page far into a list by offset (issue 13: page 1,999 of the largest
 * pair at 1M visits stepped over 100,000 rows to reach its 50).  The
 * tally's counts per year (the filter's own rows, cwhere and bc) tell in
 * which year the page's first row lies and how many rows come before that
 * year: *before, and year ("" when the page starts in the first year).
 * The page then starts at that year's first key (year_bound) with only
 * the rest of the offset to step.  start_key begins with the start year
 * (schema.c) and the tally's year is the same four characters, so one
 * year's rows are contiguous in date order either way. */
static int skip_years(parley_db *db, const parley_query *q, const pl_buf *cwhere, const binds *bc,
                      long offset, long *before, char year[8], parley_err *err)
{
	int desc = q->sort && strcmp(q->sort, "-date") == 0;
	pl_buf sql;
	pl_buf_init(&sql, MAX_SQL);
	int rc = pl_buf_printf(&sql, "SELECT t.year, sum(t.n)%s%s GROUP BY t.year ORDER BY t.year%s",
	                       strstr(pl_tally_total(q), " FROM "), cwhere->data, desc ? " DESC" : "");
	sqlite3_stmt *st = NULL;
	long n0 = 0;
	if (!rc && !(rc = pl_prepare_bound(db, sql.data, bc, &st, err))) {
		int s;
		while ((s = sqlite3_step(st)) == SQLITE_ROW) {
			long n = (long)sqlite3_column_int64(st, 1);
			const char *y = (const char *)sqlite3_column_text(st, 0);
			if (n0 + n > offset) {
				if (n0 > 0 && y && strlen(y) == 4) {
					memcpy(year, y, 5);
					*before = n0;
				}
				break;
			}
			n0 += n;
		}
		if (s != SQLITE_ROW && s != SQLITE_DONE)
			rc = pl_db_error(db, err, "counting visits per year");
	}
	sqlite3_finalize(st);
	pl_buf_free(&sql);
	return rc;
}

/* " AND v.start_key >= 'YYYY'" (or, in -date order, below the next
 * year's first key) on where, for skip_years' year. */
static int year_bound(const parley_query *q, const char *year, pl_buf *where, binds *b)
{
	int desc = q->sort && strcmp(q->sort, "-date") == 0;
	const char *key = desc ? an_fmt(b->arena, "%04d", atoi(year) + 1) : an_fmt(b->arena, "%s", year);
	if (!key)
		return PARLEY_ENOMEM;
	int rc = pl_buf_puts(where, desc ? " AND v.start_key < ?" : " AND v.start_key >= ?");
	return rc ? rc : pl_bind(b, key);
}

int parley_visits_find(parley_db *db, const parley_query *q, int details, parley_visits **out,
                       parley_err *err)
{
	static const parley_query none;
	if (!db || !out)
		return parley_err_set(err, PARLEY_EINVAL, "parley_visits_find: no store or no result");
	if (!q)
		q = &none;
	*out = NULL;
	vresult *r = vresult_new();
	if (!r)
		return parley_err_set(err, PARLEY_ENOMEM, "out of memory");
	binds b = {.n = 0, .arena = &r->arena}, bc = {.n = 0, .arena = &r->arena};
	pl_buf where, cwhere, sql;
	pl_buf_init(&where, MAX_SQL);
	pl_buf_init(&cwhere, MAX_SQL);
	pl_buf_init(&sql, MAX_SQL);
	long limit, offset;
	pl_query_window(q, &limit, &offset);
	r->pub.limit = limit;
	r->pub.offset = offset;
	/* the total: a sum of tally rows when the tally covers the filter,
	 * else a count of the matches (the WHERE clause reads only the visit
	 * row: no joins to count) */
	int tally = pl_tally_covers(q), search = !tally && pl_search_covers(q), rc = PARLEY_OK;
	/* a search in date order picks its page from the index's rows */
	int spage = search && limit > 0 && pl_keyset_sort(q);
	/* one person's visits in date order: a range of visit_person_key for
	 * the page and the total, never every visit's row (query_person_key.c) */
	if (limit > 0 && pl_person_key_covers(q)) {
		const char *param = q->host ? "host" : q->companion ? "companion" : "person";
		char *ids = NULL;
		rc = pl_query_must_exist(db, "person", param,
		                         q->host ? q->host : q->companion ? q->companion : q->person, err);
		if (!rc)
			rc = pl_person_key_total(db, q, &r->arena, &r->pub.total, err);
		if (!rc)
			rc = pl_person_key_page_ids(db, q, &r->arena, offset, limit + 1, &ids, err);
		if (!rc)
			rc = load_ids(db, r, q, ids, details, (size_t)limit, err);
		free(ids);
		pl_buf_free(&where);
		pl_buf_free(&cwhere);
		pl_buf_free(&sql);
		goto done;
	}
	bc.status_index = pl_query_status_only(q);
	if (tally)
		rc = pl_tally_where(q, 0, &cwhere, &bc);
	else if (search)
		rc = pl_search_from(q, &cwhere, &bc);
	/* a search in date order reads its matches once, for its total and
	 * its page (and the facets that follow: pl_search_matches); past
	 * PL_SEARCH_MATCHES_MAX, SQL counts and pages them */
	const pl_match *mt = NULL;
	size_t mn = 0;
	int memo = 0;
	/* the search pack first: the doclist's rowids filtered and counted in
	 * C, and only the matches up to the page's last key read */
	if (!rc && spage) {
		pl_match *pm = NULL;
		size_t pn = 0;
		long ptotal = 0;
		int more1 = pl_keyset_sort(q) ? 1 : 0;
		rc = pl_pack_page(db, q, (size_t)(offset + limit + more1), &ptotal, &pm, &pn, &r->arena, err);
		if (!rc) {
			rc = matches_page(db, r, q, pm, pn, limit + more1, offset, details,
			                  more1 ? (size_t)limit : 0, err);
			r->pub.total = ptotal;
			pl_buf_free(&where);
			pl_buf_free(&cwhere);
			pl_buf_free(&sql);
			goto done;
		}
		if (rc == PARLEY_ELIMIT)
			rc = PARLEY_OK;
	}
	if (!rc && spage) {
		rc = pl_search_matches(db, q, &mt, &mn, err);
		memo = rc == PARLEY_OK;
		if (rc == PARLEY_ELIMIT)
			rc = PARLEY_OK;
	}
	/* one row more than asked tells whether a next page exists */
	int more = limit > 0 && pl_keyset_sort(q);
	if (!rc && memo) {
		rc = matches_page(db, r, q, mt, mn, limit + more, offset, details,
		                  more ? (size_t)limit : 0, err);
		pl_buf_free(&where);
		pl_buf_free(&cwhere);
		pl_buf_free(&sql);
		goto done;
	}
	/* a search's first pages count their matches as they pick the page */
	int one_pass = spage && !q->after, counted = 0;
	if (!rc && (tally || (search && !one_pass)))
		rc = total_of(db, tally ? pl_tally_total(q) : "SELECT count(*)", &cwhere, &bc,
		              &r->pub.total, err);
	/* a page in list order walks that order when it meets its rows sooner
	 * than the filter's index would find (and sort) them all */
	char year[8] = "";
	long before = 0;
	if (!rc && tally && limit > 0 && pl_keyset_sort(q) && !q->after && offset > 0)
		rc = skip_years(db, q, &cwhere, &bc, offset, &before, year, err);
	if (!rc && tally && limit > 0 && pl_keyset_sort(q))
		rc = walk_first(db, q, year, r->pub.total - before, offset - before + limit + 1, &b.walk,
		                err);
	/* a page by another order sorts every match: the status index finds them */
	b.status_index = pl_query_status_only(q) && !pl_keyset_sort(q);
	if (!rc)
		rc = spage ? pl_search_from(q, &where, &b) : pl_query_where(db, q, &where, &b, err);
	if (!rc && !tally && !search && bc.status_index)
		rc = pl_query_where(db, q, &cwhere, &bc, err);
	if (!rc && !tally && !search)
		rc = total_of(db, "SELECT count(*) FROM visit v", bc.status_index ? &cwhere : &where,
		              bc.status_index ? &bc : &b, &r->pub.total, err);
	/* the total counts the whole filter; after= moves only the page */
	if (!rc && q->after)
		rc = pl_keyset_clause(db, q, &where, &b, spage ? "s" : "v", err);
	else if (!rc && year[0]) {
		rc = year_bound(q, year, &where, &b);
		offset -= before;
	}
	if (!rc && one_pass) {
		rc = search_page(db, r, q, where.data, &b, limit + more, offset, details,
		                 more ? (size_t)limit : 0, &counted, err);
		if (!rc && !counted) /* a page past the last: count them */
			rc = total_of(db, "SELECT count(*)", &cwhere, &bc, &r->pub.total, err);
	} else if (!rc && limit > 0 && !spage && pl_sort_arms_apply(q)) {
		/* by level or visitor: only the arms the page falls in are sorted */
		char *ids = NULL;
		rc = pl_sort_page_ids(db, q, where.data, &b, cwhere.data ? cwhere.data : "", &bc, tally,
		                      offset, limit, &ids, err);
		if (!rc)
			rc = load_ids(db, r, q, ids, details, 0, err);
		free(ids);
	} else if (!rc) {
		pl_buf_reset(&sql);
		rc = page_sql(&sql, q, where.data, limit > 0 ? limit + more : -1L, offset, spage);
		if (!rc)
			rc = load_rows(db, r, &sql, &b, details, more ? (size_t)limit : 0, err);
	}
	pl_buf_free(&where);
	pl_buf_free(&cwhere);
	pl_buf_free(&sql);
done:
	if (rc) {
		if (err && !err->code)
			parley_err_set(err, rc, "listing visits: %s", parley_strstatus(rc));
		parley_visits_free(&r->pub);
		return rc;
	}
	*out = &r->pub;
	return PARLEY_OK;
}

/* One visit by sql (list columns, bound to id), or NULL in *out. */
static int one_visit(parley_db *db, const char *sql_tail, const char *id, parley_visits **out,
                     parley_err *err)
{
	*out = NULL;
	vresult *r = vresult_new();
	if (!r)
		return parley_err_set(err, PARLEY_ENOMEM, "out of memory");
	binds b = {.n = 1, .v = {id}, .arena = &r->arena};
	pl_buf sql;
	int rc = list_sql(&sql, sql_tail);
	if (!rc)
		rc = load_rows(db, r, &sql, &b, 0, 0, err);
	pl_buf_free(&sql);
	if (rc || r->pub.n == 0) {
		parley_visits_free(&r->pub);
		return rc;
	}
	r->pub.total = 1;
	*out = &r->pub;
	return PARLEY_OK;
}

int parley_visit_get(parley_db *db, const char *id, parley_visits **out, parley_err *err)
{
	if (!db || !id || !out)
		return parley_err_set(err, PARLEY_EINVAL, "no visit id given");
	int rc = one_visit(db, " WHERE v.id = ?", id, out, err);
	if (!rc && !*out)
		return parley_err_set(err, PARLEY_ENOTFOUND, "no visit '%s'", id);
	if (!rc)
		rc = fill_details(db, &((vresult *)(*out)->priv)->arena, &(*out)->v[0], err);
	if (rc) {
		parley_visits_free(*out);
		*out = NULL;
	}
	return rc;
}

int parley_visit_neighbours(parley_db *db, const char *id, parley_visits **prev,
                            parley_visits **next, parley_err *err)
{
	*prev = *next = NULL;
	int rc = must_exist(db, "visit", "id", id, err);
	/* the same pair in either direction (pair_key), by the list order
	 * (start_key, id): visit_by_pair_cover seeks the one row, where an OR of the
	 * two directions sorted every visit of the pair, list columns and all */
#define NEIGHBOUR(CMP, DIR)                                                                  	" JOIN visit w ON w.id = ?1 WHERE v.status IN ('confirmed', 'reported') AND"           	" v.pair_key = w.pair_key AND"              	" (v.start_key, v.id) " CMP " (w.start_key, w.id) ORDER BY v.start_key " DIR ", v.id " DIR " LIMIT 1"
	if (!rc)
		rc = one_visit(db, NEIGHBOUR("<", "DESC"), id, prev, err);
	if (!rc)
		rc = one_visit(db, NEIGHBOUR(">", "ASC"), id, next, err);
#undef NEIGHBOUR
	if (rc) {
		parley_visits_free(*prev);
		*prev = NULL;
	}
	return rc;
}

/* Appends the EXPLAIN QUERY PLAN of head + q's WHERE (+ keyset) + tail,
 * one line per step, to plan. */
#define PLAN_WALK 1   /* the page that walks the list order */
#define PLAN_SEARCH 2 /* from the search index's rows (query_search.c) */
static int plan_of(parley_db *db, const parley_query *q, const char *head, int keyset,
                   int mode, const char *tail, pl_buf *plan, parley_err *err)
{
	int tally = head && strstr(head, "FROM visit_tally") != NULL; /* the tally's WHERE */
	int search = mode == PLAN_SEARCH;
	an_arena arena = {0};
	binds b = {.n = 0, .arena = &arena, .walk = mode == PLAN_WALK,
	           .status_index = pl_query_status_only(q) && !(keyset && pl_keyset_sort(q))};
	pl_buf sql, where;
	pl_buf_init(&sql, MAX_SQL);
	pl_buf_init(&where, MAX_SQL);
	int rc = pl_buf_puts(&sql, "EXPLAIN QUERY PLAN ");
	if (!rc)
		rc = tally    ? pl_tally_where(q, strstr(head, "from_country") != NULL, &where, &b)
		     : search ? pl_search_from(q, &where, &b)
		              : pl_query_where(db, q, &where, &b, err);
	if (!rc && keyset && q->after)
		rc = pl_keyset_clause(db, q, &where, &b, search ? "s" : "v", err);
	/* no head: the page of 50 (page_sql) */
	if (!rc)
		rc = head ? pl_buf_puts(&sql, head) : page_sql(&sql, q, where.data, 50, 0, search);
	if (!rc && head)
		rc = pl_buf_puts(&sql, where.data);
	if (!rc && head)
		rc = pl_buf_puts(&sql, tail);
	pl_buf_free(&where);
	sqlite3_stmt *st = NULL;
	if (!rc && !(rc = pl_prepare_bound(db, sql.data, &b, &st, err)))
		while (sqlite3_step(st) == SQLITE_ROW)
			pl_buf_addf(plan, "%s\n", (const char *)sqlite3_column_text(st, 3));
	if (!rc && pl_buf_failed(plan))
		rc = parley_err_set(err, pl_buf_failed(plan), "query plan: %s", parley_strstatus(pl_buf_failed(plan)));
	sqlite3_finalize(st);
	pl_buf_free(&sql);
	an_arena_free(&arena);
	return rc;
}

int pl_query_plan(parley_db *db, const parley_query *q, char *out, size_t cap, parley_err *err)
{
	pl_buf plan;
	pl_buf_init(&plan, cap ? cap : 1);
	/* the page, the total and the facets: each reads the same WHERE */
	int rc = pl_buf_puts(&plan, "page:\n");
	if (!rc)
		rc = plan_of(db, q, NULL, 1, 0, "", &plan, err);
	if (!rc)
		rc = pl_buf_puts(&plan, "count:\n");
	if (!rc)
		rc = plan_of(db, q, "SELECT count(*) FROM visit v", 0, 0, "", &plan, err);
	if (!rc)
		rc = pl_buf_puts(&plan, "facets:\n");
	if (!rc)
		rc = plan_of(db, q, pl_facet_pass_visits, 0, 0, "", &plan, err);
	if (!rc)
		rc = plan_of(db, q, pl_facet_visitor_head, 0, 0, " GROUP BY 1", &plan, err);
	/* the total and the facets from the tally, when it covers q */
	int tally = pl_tally_covers(q);
	if (!rc && tally)
		rc = pl_buf_puts(&plan, "tally:\n");
	if (!rc && tally)
		rc = plan_of(db, q, pl_tally_total(q), 0, 0, "", &plan, err);
	if (!rc && tally)
		rc = plan_of(db, q, pl_tally_pass(q, 1), 0, 0, "", &plan, err);
	if (!rc && tally && pl_tally_pass(q, 0) != pl_tally_pass(q, 1))
		rc = plan_of(db, q, pl_tally_pass(q, 0), 0, 0, "", &plan, err);
	/* the page that walks the list order (walk_first) */
	int walk = tally && pl_keyset_sort(q) && !q->a[0] && !q->dir_from[0];
	if (!rc && walk)
		rc = pl_buf_puts(&plan, "walk:\n");
	if (!rc && walk)
		rc = plan_of(db, q, NULL, 1, PLAN_WALK, "", &plan, err);
	/* one person's visits from visit_person_key (query_person_key.c) */
	if (!rc && pl_person_key_filter(q))
		rc = pl_buf_puts(&plan, "person key:\n");
	if (!rc && pl_person_key_filter(q))
		rc = pl_person_key_plan(db, q, &plan, err);
	/* a search from the index's rows: its count, facets and page */
	int search = pl_search_covers(q);
	if (!rc && search)
		rc = pl_buf_puts(&plan, "search:\n");
	if (!rc && search)
		rc = plan_of(db, q, "SELECT count(*)", 0, PLAN_SEARCH, "", &plan, err);
	if (!rc && search)
		rc = plan_of(db, q, pl_facet_pass_search, 0, PLAN_SEARCH, "", &plan, err);
	/* its matches read once for page, total and facets (pl_search_matches) */
	if (!rc && search)
		rc = plan_of(db, q, pl_search_matches_head, 0, PLAN_SEARCH, "", &plan, err);
	if (!rc && search && pl_keyset_sort(q))
		rc = plan_of(db, q, NULL, 1, PLAN_SEARCH, "", &plan, err);
	if (!rc && cap)
		pl_strlcpy(out, plan.data ? plan.data : "", cap);
	pl_buf_free(&plan);
	return rc;
}

/* "head WHERE <q's filters> tail" (head: "SELECT ... FROM visit v"), prepared and bound, for the
 * lean readers of query_analysis.c: the one WHERE clause above, so the
 * analyses count the visits the lists show.  Sort, paging and after= are
 * not read.  The bound values live in arena: free it after finalizing *st. */
static int prepare_where(parley_db *db, const parley_query *q, const char *head, const char *tail,
                         int cached, an_arena *arena, sqlite3_stmt **st, parley_err *err)
{
	binds b = {.n = 0, .arena = arena, .status_index = 0};
	pl_buf sql;
	pl_buf_init(&sql, MAX_SQL);
	*st = NULL;
	int rc = pl_buf_puts(&sql, head);
	if (!rc)
		rc = pl_query_where(db, q, &sql, &b, err);
	if (!rc)
		rc = pl_buf_puts(&sql, tail);
	if (!rc)
		rc = bind_filters(db, sql.data, &b, cached, st, err);
	pl_buf_free(&sql);
	if (rc && err && !err->code)
		parley_err_set(err, rc, "reading visits: %s", parley_strstatus(rc));
	return rc;
}

int pl_query_prepare_where(parley_db *db, const parley_query *q, const char *head, const char *tail,
                           an_arena *arena, sqlite3_stmt **st, parley_err *err)
{
	return prepare_where(db, q, head, tail, 0, arena, st, err);
}

int pl_query_prepare_where_cached(parley_db *db, const parley_query *q, const char *head,
                                  const char *tail, an_arena *arena, sqlite3_stmt **st,
                                  parley_err *err)
{
	return prepare_where(db, q, head, tail, 1, arena, st, err);
}
