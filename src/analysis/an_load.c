/*
 * an_load.c - reads what the analyses need from the store into an an_data.
 *
 * Where the analyses touch SQL (an_methods.c reads the methods page's
 * facts, an_compare.c opens sources).  A few prepared statements read
 * visits (of one pair, or all), tenures with their offices' countries and
 * ranks, coverage, the data version, people and delegation members; for
 * compare also external ids and era labels.  Everything else is computed
 * in memory, so that the same code runs on fixtures.
 */
#include "an.h"
#include "internal.h" /* pl_map */

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

static const char *col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static int db_fail(sqlite3 *sql, parley_err *err, const char *what)
{
	return parley_err_set(err, PARLEY_EDB, "analysis: reading %s: %s", what,
	                      sqlite3_errmsg(sql));
}

typedef int (*row_fn)(an_data *d, sqlite3_stmt *st, parley_err *err);

/* Runs q with ?1 = a and ?2 = b, for those it names. */
static int each_row(sqlite3 *sql, const char *q, const char *a, const char *b, an_data *d,
                    row_fn fn, const char *what, parley_err *err)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(sql, q, -1, &st, NULL) != SQLITE_OK)
		return db_fail(sql, err, what);
	int np = sqlite3_bind_parameter_count(st);
	if (np >= 1 && a)
		sqlite3_bind_text(st, 1, a, -1, SQLITE_TRANSIENT);
	if (np >= 2 && b)
		sqlite3_bind_text(st, 2, b, -1, SQLITE_TRANSIENT);
	int rc = PARLEY_OK, s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW)
		if ((rc = fn(d, st, err)))
			break;
	if (!rc && s != SQLITE_DONE)
		rc = db_fail(sql, err, what);
	sqlite3_finalize(st);
	return rc;
}

static int tenure_row(an_data *d, sqlite3_stmt *st, parley_err *err)
{
	return an_add_tenure(d, col(st, 0), col(st, 1), col(st, 2), col(st, 3), col(st, 4),
	                     col(st, 5), col(st, 6), col(st, 7), err);
}

static int cover_row(an_data *d, sqlite3_stmt *st, parley_err *err)
{
	int rc = an_add_cover(d, col(st, 0), col(st, 1), col(st, 2), col(st, 3), col(st, 4),
	                      col(st, 5), col(st, 6), col(st, 7), err);
	return rc ? rc : an_cover_set_through(d, col(st, 8), err);
}

static int release_row(an_data *d, sqlite3_stmt *st, parley_err *err)
{
	return an_set_release(d, col(st, 0), col(st, 1), col(st, 2), err);
}

/* The fallback of the data-through rule: the latest start of any visit,
 * its first possible day (a visit dated "2024" shows only that the data
 * reaches 2024, not its end).  The greatest start text has the greatest
 * first day. */
static int latest_row(an_data *d, sqlite3_stmt *st, parley_err *err)
{
	const char *s = col(st, 0);
	parley_date x;
	if (s && parley_date_parse(s, strlen(s), &x, NULL) == PARLEY_OK) {
		long day = parley_date_first_day(x);
		if (d->latest == AN_OPEN || day > d->latest)
			d->latest = day;
	}
	(void)err;
	return PARLEY_OK;
}

static int person_row(an_data *d, sqlite3_stmt *st, parley_err *err)
{
	return an_add_person(d, col(st, 0), col(st, 1), col(st, 2), col(st, 3), err);
}

static int country_row(an_data *d, sqlite3_stmt *st, parley_err *err)
{
	return an_add_country(d, col(st, 0), col(st, 1), err);
}

static int member_row(an_data *d, sqlite3_stmt *st, parley_err *err)
{
	return an_add_member(d, col(st, 0), col(st, 1), col(st, 2), col(st, 3), err);
}

/* Visits come from the query layer (parley_visit_facts: the lists' own
 * filter, lean columns from one covering index); a sink adds them to the
 * dataset, skipping ids already added when dedupe is set, and gathers the
 * distinct visitors, whose names are then read by id. */
typedef struct fact_sink {
	an_data *d;
	int dedupe;
	pl_map seen;     /* visit ids added (dedupe) */
	pl_map visitors; /* distinct visitor ids */
} fact_sink;

static int fact_add(void *ud, const parley_visit_fact *f, parley_err *err)
{
	fact_sink *s = ud;
	int added = 1;
	if (s->dedupe && f->id && !pl_map_put(&s->seen, f->id, strlen(f->id), &added))
		return parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory");
	if (!added)
		return PARLEY_OK;
	if (f->visitor && !pl_map_put(&s->visitors, f->visitor, strlen(f->visitor), &added))
		return parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory");
	int rc = an_add_visit(s->d, f->id, f->visitor, f->visitor_label, f->from_country,
	                      f->to_country, f->level, f->type, f->status, f->start_date, err);
	if (!rc) /* the record's label; the visitor's own name wins (an_prepare) */
		s->d->v[s->d->nv - 1].label_name = 1;
	return rc;
}

/* The query layer's filter for the visits an analysis counts: status and
 * level as o says, started by as_of (first possible day); more are
 * set by the caller.  o's texts outlive q. */
static int counted(const an_opts *o, const char *as_of, parley_query *q, parley_err *err)
{
	parley_query_init(q);
	int rc = parley_query_set(q, "status", o->status, err);
	if (!rc && o->min_level[0])
		rc = parley_query_set(q, "min_level", o->min_level, err);
	if (!rc && as_of)
		rc = parley_query_set(q, "as_of", as_of, err);
	return rc;
}

/* The names (people rows) of the sink's visitors, each read by id. */
static int visitor_people(sqlite3 *sql, an_data *d, const pl_map *visitors, parley_err *err)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(sql, "SELECT id, name, country, birth_date FROM person WHERE id = ?1",
	                       -1, &st, NULL) != SQLITE_OK)
		return db_fail(sql, err, "people");
	int rc = PARLEY_OK;
	for (size_t i = 0; !rc && i < visitors->cap; i++) {
		const pl_map_slot *k = &visitors->slot[i];
		if (!k->key)
			continue;
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, k->key, (int)k->len, SQLITE_STATIC);
		int s = sqlite3_step(st);
		if (s == SQLITE_ROW)
			rc = person_row(d, st, err);
		else if (s != SQLITE_DONE)
			rc = db_fail(sql, err, "people");
	}
	sqlite3_finalize(st);
	return rc;
}

#define TENURE_COLS                                                                           \
	"SELECT t.person, p.name, t.office, o.name, o.country, o.rank, t.start_date, t.end_date"  \
	" FROM tenure t JOIN office o ON o.id = t.office LEFT JOIN person p ON p.id = t.person"

/* What every analysis reads beside visits, tenures and people: coverage,
 * the data version, the latest visit (where the data ends) and the
 * countries' names, each small or one index step. */
static int load_common(sqlite3 *sql, an_data *d, bool only_through, parley_err *err)
{
	int rc = each_row(sql,
	                  "SELECT id, description, from_country, to_country, min_level,"
	                  " start_date, end_date, person, data_through FROM coverage",
	                  NULL, NULL, d, cover_row, "coverage", err);
	/* where the data ends: the newest release, else the latest visit */
	if (!rc)
		rc = each_row(sql,
		              "SELECT name, released, data_through FROM data_release"
		              " ORDER BY released DESC, name DESC LIMIT 1",
		              NULL, NULL, d, release_row, "the data version", err);
	if (!rc)
		rc = each_row(sql, "SELECT start_date FROM visit ORDER BY start_date DESC LIMIT 1",
		              NULL, NULL, d, latest_row, "the latest visit", err);
	if (!rc && !only_through)
		rc = each_row(sql, "SELECT code, name FROM country", NULL, NULL, d, country_row,
		              "countries", err);
	return rc;
}

static an_data *fresh(parley_db *db, sqlite3 **sql, parley_err *err)
{
	*sql = parley_sqlite(db);
	if (!*sql) {
		parley_err_set(err, PARLEY_EINVAL, "analysis: no store");
		return NULL;
	}
	an_data *d = an_data_new();
	if (!d)
		parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory");
	return d;
}

/* The end of every loader: prepared on success, freed on failure. */
static int done(an_data *d, fact_sink *s, int rc, an_data **out)
{
	if (s) {
		pl_map_free(&s->seen);
		pl_map_free(&s->visitors);
	}
	if (rc) {
		an_data_free(d);
		return rc;
	}
	an_prepare(d);
	*out = d;
	return PARLEY_OK;
}

/* Everything (compare), or with only_through just what says where the
 * data ends (coverage, the data version, the latest visit: an_cut reads no
 * visit), so the footer of every page does not read the whole store. */
static int load(parley_db *db, bool members, bool only_through, an_data **out, parley_err *err)
{
	sqlite3 *sql;
	an_data *d = fresh(db, &sql, err);
	if (!d)
		return err && err->code ? err->code : PARLEY_ENOMEM;
	fact_sink s = {.d = d};
	int rc = PARLEY_OK;
	if (!only_through) {
		parley_query q;
		parley_query_init(&q);
		rc = parley_query_set(&q, "status", "all", err);
		if (!rc)
			rc = parley_visit_facts(db, &q, fact_add, &s, err);
		if (!rc)
			rc = each_row(sql, TENURE_COLS, NULL, NULL, d, tenure_row, "tenures", err);
		if (!rc)
			rc = each_row(sql, "SELECT id, name, country, birth_date FROM person", NULL, NULL,
			              d, person_row, "people", err);
	}
	if (!rc)
		rc = load_common(sql, d, only_through, err);
	if (!rc && members && !only_through)
		rc = each_row(sql,
		              "SELECT visit, role, person, name FROM visit_person ORDER BY visit, role, seq",
		              NULL, NULL, d, member_row, "delegations", err);
	return done(d, &s, rc, out);
}

int an_load(parley_db *db, bool members, an_data **out, parley_err *err)
{
	return load(db, members, false, out, err);
}

int an_load_pair(parley_db *db, const an_opts *o, an_data **out, parley_err *err)
{
	sqlite3 *sql;
	an_data *d = fresh(db, &sql, err);
	if (!d)
		return err && err->code ? err->code : PARLEY_ENOMEM;
	/* only what the pair's figures read (issue 13: the cost follows the
	 * pair, not the store): the visits they count, through the query layer;
	 * the tenures of the two countries' offices (eras, and whether a visitor
	 * was their leader: is_top reads the visiting country's offices); the
	 * visitors' names */
	fact_sink s = {.d = d};
	parley_query q;
	char pair[2 * sizeof o->a + 2];
	snprintf(pair, sizeof pair, "%s:%s", o->a, o->b);
	int rc = counted(o, o->as_of_text, &q, err);
	if (!rc)
		rc = parley_query_set(&q, "between", pair, err);
	if (!rc)
		rc = parley_visit_facts(db, &q, fact_add, &s, err);
	if (!rc)
		rc = each_row(sql, TENURE_COLS " WHERE t.office IN (SELECT id FROM office WHERE country IN (?1, ?2))",
		              o->a, o->b, d, tenure_row, "tenures", err);
	if (!rc)
		rc = visitor_people(sql, d, &s.visitors, err);
	if (!rc)
		rc = load_common(sql, d, false, err);
	return done(d, &s, rc, out);
}

/* The visit of an_load_visit, kept aside so its pair and visitor follow. */
typedef struct one_visit {
	char id[256], from[16], to[16], visitor[256], as_of[16];
	int has_visitor;
} one_visit;

static int remember(void *ud, const parley_visit_fact *f, parley_err *err)
{
	one_visit *x = ud;
	parley_date dt;
	if (!f->start_date || parley_date_parse(f->start_date, strlen(f->start_date), &dt, NULL) != PARLEY_OK)
		return parley_err_set(err, PARLEY_EDATA, "analysis: visit %s: bad date '%s'", f->id,
		                      f->start_date ? f->start_date : "");
	snprintf(x->id, sizeof x->id, "%s", f->id);
	snprintf(x->from, sizeof x->from, "%s", f->from_country);
	snprintf(x->to, sizeof x->to, "%s", f->to_country);
	x->has_visitor = f->visitor != NULL;
	snprintf(x->visitor, sizeof x->visitor, "%s", f->visitor ? f->visitor : "");
	/* the as-of of the visits before it: its first possible day */
	an_day_text(parley_date_first_day(dt), x->as_of);
	return PARLEY_OK;
}

int an_load_visit(parley_db *db, const an_opts *o, const char *id, an_data **out,
                  parley_err *err)
{
	sqlite3 *sql;
	an_data *d = fresh(db, &sql, err);
	if (!d)
		return err && err->code ? err->code : PARLEY_ENOMEM;
	/* a visit's sentences compare it with earlier visits of its pair (either
	 * direction, any level) and of its visitor (to any country), counted
	 * by o's statuses; and read the visitor's tenures */
	fact_sink s = {.d = d, .dedupe = 1};
	one_visit x;
	memset(&x, 0, sizeof x); /* read below only once the visit is found */
	int rc = parley_visit_fact_get(db, id, remember, &x, err);
	if (rc == PARLEY_ENOTFOUND)
		rc = parley_err_set(err, PARLEY_ENOTFOUND, "analysis: no visit '%s'", id);
	if (!rc)
		rc = parley_visit_fact_get(db, id, fact_add, &s, err);
	parley_query q;
	char pair[40];
	snprintf(pair, sizeof pair, "%s:%s", x.from, x.to);
	if (!rc && strcmp(x.from, x.to) != 0) {
		rc = counted(o, x.as_of, &q, err);
		if (!rc) {
			q.min_level = NULL; /* first-in-years compares at the visit's own level */
			rc = parley_query_set(&q, "between", pair, err);
		}
		if (!rc)
			rc = parley_visit_facts(db, &q, fact_add, &s, err);
	}
	if (!rc && x.has_visitor) {
		rc = counted(o, x.as_of, &q, err);
		q.min_level = NULL;
		if (!rc)
			rc = parley_query_set(&q, "visitor", x.visitor, err);
		if (!rc)
			rc = parley_visit_facts(db, &q, fact_add, &s, err);
		if (!rc)
			rc = each_row(sql, TENURE_COLS " WHERE t.person = ?1", x.visitor, NULL, d,
			              tenure_row, "tenures", err);
	}
	if (!rc)
		rc = visitor_people(sql, d, &s.visitors, err);
	if (!rc)
		rc = load_common(sql, d, false, err);
	return done(d, &s, rc, out);
}

int an_load_people(parley_db *db, an_data **out, parley_err *err)
{
	sqlite3 *sql;
	an_data *d = fresh(db, &sql, err);
	if (!d)
		return err && err->code ? err->code : PARLEY_ENOMEM;
	int rc = each_row(sql, "SELECT id, name, country, birth_date FROM person", NULL, NULL, d,
	                  person_row, "people", err);
	return done(d, NULL, rc, out);
}

/* A visit's delegation, in its order (role, seq). */
static int visit_members(sqlite3_stmt *st, an_data *d, const char *visit, parley_err *err)
{
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, visit, -1, SQLITE_STATIC);
	int s, rc = PARLEY_OK;
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW)
		rc = member_row(d, st, err);
	if (!rc && s != SQLITE_DONE)
		rc = db_fail(sqlite3_db_handle(st), err, "delegations");
	return rc;
}

int an_load_person_visits(parley_db *db, const an_opts *o, const char *person, an_data *d,
                          parley_err *err)
{
	sqlite3 *sql = parley_sqlite(db);
	/* the person's visits as visitor or in a delegation, counted by o's
	 * statuses to its as-of date (a companion's figures are not one pair's),
	 * with their delegations */
	fact_sink s = {.d = d};
	parley_query q;
	size_t before = d->nv;
	int rc = counted(o, o->as_of_text, &q, err);
	q.min_level = NULL;
	if (!rc)
		rc = parley_query_set(&q, "person", person, err);
	if (!rc)
		rc = parley_visit_facts(db, &q, fact_add, &s, err);
	sqlite3_stmt *st = NULL;
	if (!rc && sqlite3_prepare_v2(sql, "SELECT visit, role, person, name FROM visit_person"
	                                   " WHERE visit = ?1 ORDER BY role, seq",
	                              -1, &st, NULL) != SQLITE_OK)
		rc = db_fail(sql, err, "delegations");
	for (size_t i = before; !rc && i < d->nv; i++)
		rc = visit_members(st, d, d->v[i].id, err);
	sqlite3_finalize(st);
	if (!rc)
		rc = load_common(sql, d, false, err);
	pl_map_free(&s.seen);
	pl_map_free(&s.visitors);
	if (!rc)
		an_prepare(d);
	return rc;
}

int parley_data_version_get(parley_db *db, parley_data_version *out, parley_err *err)
{
	sqlite3 *sql = parley_sqlite(db);
	if (!sql || !out)
		return parley_err_set(err, PARLEY_EINVAL, "parley_data_version_get: NULL argument");
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(sql,
	                       "SELECT name, released, data_through FROM data_release"
	                       " ORDER BY released DESC, name DESC LIMIT 1",
	                       -1, &st, NULL) != SQLITE_OK)
		return db_fail(sql, err, "the data version");
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		snprintf(out->name, sizeof out->name, "%s", col(st, 0) ? col(st, 0) : "");
		snprintf(out->released, sizeof out->released, "%s", col(st, 1) ? col(st, 1) : "");
		snprintf(out->data_through, sizeof out->data_through, "%s", col(st, 2) ? col(st, 2) : "");
	}
	sqlite3_finalize(st);
	if (s != SQLITE_ROW && s != SQLITE_DONE)
		return db_fail(sql, err, "the data version");
	return PARLEY_OK;
}

int parley_data_through(parley_db *db, const char *a, const char *b, const char *min_level,
                        char date[11], char *rule, size_t rule_size, parley_err *err)
{
	if (!db || !date)
		return parley_err_set(err, PARLEY_EINVAL, "parley_data_through: NULL argument");
	date[0] = '\0';
	if (rule && rule_size)
		rule[0] = '\0';
	parley_analysis_opts in = {.a = a, .b = b, .min_level = min_level};
	an_opts o;
	an_data *d = NULL;
	int rc = an_opts_parse(&in, false, &o, err);
	if (!rc)
		rc = load(db, false, true, &d, err);
	if (rc)
		return rc;
	o.as_of = LONG_MAX - 1; /* ask "where does it end", not "is today past it" */
	an_cut(d, &o);
	snprintf(date, 11, "%s", o.th.date);
	if (rule && rule_size)
		snprintf(rule, rule_size, "%s", o.th.rule ? o.th.rule : "");
	an_data_free(d);
	return PARLEY_OK;
}

static an_visit *visit_by_id(an_data *d, const char *id)
{
	/* visits are sorted by date, not id: a linear scan, once per row */
	for (size_t i = 0; id && i < d->nv; i++)
		if (strcmp(d->v[i].id, id) == 0)
			return &d->v[i];
	return NULL;
}

static int ext_row(an_data *d, sqlite3_stmt *st, parley_err *err)
{
	an_visit *v = visit_by_id(d, col(st, 0));
	if (!v)
		return PARLEY_OK;
	/* NULL-terminated, as parley_visit_desc wants them */
	const char **n = an_alloc(&d->arena, (v->next + 2) * sizeof *n);
	const char *x = an_fmt(&d->arena, "%s:%s", col(st, 1), col(st, 2));
	if (!n || !x)
		return parley_err_set(err, PARLEY_ENOMEM, "compare: out of memory");
	if (v->next)
		memcpy(n, v->ext, v->next * sizeof *n);
	n[v->next++] = x;
	n[v->next] = NULL;
	v->ext = n;
	return PARLEY_OK;
}

static int note_row(an_data *d, sqlite3_stmt *st, parley_err *err)
{
	an_visit *v = visit_by_id(d, col(st, 0));
	const char *note = col(st, 1), *p = note ? strstr(note, "period '") : NULL;
	if (!v || !p)
		return PARLEY_OK;
	p += 8;
	const char *e = strchr(p, '\'');
	if (!e || e == p)
		return PARLEY_OK;
	char *s = an_alloc(&d->arena, (size_t)(e - p) + 1);
	if (!s)
		return parley_err_set(err, PARLEY_ENOMEM, "compare: out of memory");
	memcpy(s, p, (size_t)(e - p));
	v->period = s;
	return PARLEY_OK;
}

int an_load_compare(parley_db *db, an_data *d, parley_err *err)
{
	sqlite3 *sql = parley_sqlite(db);
	int rc = each_row(sql,
	                  "SELECT entity_id, scheme, value FROM external_id WHERE entity = 'visit'"
	                  " ORDER BY entity_id, scheme, value",
	                  NULL, NULL, d, ext_row, "external ids", err);
	if (!rc)
		rc = each_row(sql, "SELECT id, note FROM visit WHERE note LIKE '%period ''%'", NULL,
		              NULL, d, note_row, "visit notes", err);
	return rc;
}

int an_alias_people(parley_db *db, const char *q, size_t *n, char **first, parley_err *err)
{
	*n = 0;
	*first = NULL;
	sqlite3 *sql = parley_sqlite(db);
	if (!sql)
		return parley_err_set(err, PARLEY_EINVAL, "analysis: no store");
	char *fq = parley_fold(q);
	if (!fq)
		return parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory");
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(sql, "SELECT person, alias FROM person_alias ORDER BY person", -1,
	                       &st, NULL) != SQLITE_OK) {
		free(fq);
		return db_fail(sql, err, "aliases");
	}
	int rc = PARLEY_OK, s;
	const char *last = NULL;
	char *last_copy = NULL;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		const char *person = col(st, 0), *alias = col(st, 1);
		if (!person || !alias || (last && strcmp(last, person) == 0))
			continue;
		char *fa = parley_fold(alias);
		if (!fa) {
			rc = parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory");
			break;
		}
		int same = strcmp(fa, fq) == 0;
		free(fa);
		if (!same)
			continue;
		/* one count per person, however many of their aliases match */
		free(last_copy);
		last = last_copy = strdup(person);
		if (!last_copy) {
			rc = parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory");
			break;
		}
		if (!*first && !(*first = strdup(person))) {
			rc = parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory");
			break;
		}
		(*n)++;
	}
	if (!rc && s != SQLITE_DONE && s != SQLITE_ROW)
		rc = db_fail(sql, err, "aliases");
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
