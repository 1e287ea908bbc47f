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

/* Runs q with ?1 = a, ?2 = b and ?3 = the pair's key (pair_key of the
 * visit table: "A:B", the smaller code first), for those it names. */
static int each_row(sqlite3 *sql, const char *q, const char *a, const char *b, an_data *d,
                    row_fn fn, const char *what, parley_err *err)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(sql, q, -1, &st, NULL) != SQLITE_OK)
		return db_fail(sql, err, what);
	int np = sqlite3_bind_parameter_count(st);
	if (np >= 2) {
		if (a)
			sqlite3_bind_text(st, 1, a, -1, SQLITE_TRANSIENT);
		if (b)
			sqlite3_bind_text(st, 2, b, -1, SQLITE_TRANSIENT);
	}
	if (np >= 3 && a && b) {
		char key[64];
		int lo = strcmp(a, b) < 0;
		snprintf(key, sizeof key, "%s:%s", lo ? a : b, lo ? b : a);
		sqlite3_bind_text(st, 3, key, -1, SQLITE_TRANSIENT);
	}
	int rc = PARLEY_OK, s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW)
		if ((rc = fn(d, st, err)))
			break;
	if (!rc && s != SQLITE_DONE)
		rc = db_fail(sql, err, what);
	sqlite3_finalize(st);
	return rc;
}

static int visit_row(an_data *d, sqlite3_stmt *st, parley_err *err)
{
	return an_add_visit(d, col(st, 0), col(st, 1), col(st, 2), col(st, 3), col(st, 4),
	                    col(st, 5), col(st, 6), col(st, 7), col(st, 8), err);
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

/* an_load, or with only_through just what says where the data ends
 * (coverage, the data version, the latest visit: an_cut reads no visit),
 * so the footer of every page does not read the whole store. */
static int load(parley_db *db, const char *a, const char *b, bool members, bool only_through,
                an_data **out, parley_err *err)
{
	sqlite3 *sql = parley_sqlite(db);
	if (!sql)
		return parley_err_set(err, PARLEY_EINVAL, "analysis: no store");
	an_data *d = an_data_new();
	if (!d)
		return parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory");
	/* For one pair (eras, timeline, gaps) only what its figures read, each
	 * through an index (issue 13: the cost follows the pair, not the store):
	 * its visits (pair_key), the tenures of the two countries' offices and
	 * of the people on its visits, those people, and its delegations.  Every
	 * pair at once (compare, context, companions) reads everything. */
	int pair = a && b;
#define PAIR_VISITS "SELECT id FROM visit WHERE pair_key = ?3"
#define PAIR_PEOPLE                                                                          \
	"SELECT visitor FROM visit WHERE pair_key = ?3 AND visitor IS NOT NULL"                  \
	" UNION SELECT person FROM visit_person WHERE visit IN (" PAIR_VISITS ") AND person IS NOT NULL"
#define PAIR_TENURES                                                                         \
	"SELECT t2.rowid FROM office o2 JOIN tenure t2 ON t2.office = o2.id WHERE o2.country IN (?1, ?2)" \
	" UNION SELECT t3.rowid FROM tenure t3 WHERE t3.person IN (" PAIR_PEOPLE ")"
	const char *vq =
	    pair ? "SELECT v.id, v.visitor, COALESCE(p.name, v.visitor_label), v.from_country,"
	           " v.to_country, v.level, v.type, v.status, v.start_date"
	           " FROM visit v LEFT JOIN person p ON p.id = v.visitor"
	           " WHERE v.pair_key = ?3 AND ?1 IS NOT NULL AND ?2 IS NOT NULL"
	         : "SELECT v.id, v.visitor, COALESCE(p.name, v.visitor_label), v.from_country,"
	           " v.to_country, v.level, v.type, v.status, v.start_date"
	           " FROM visit v LEFT JOIN person p ON p.id = v.visitor";
	int rc = only_through ? PARLEY_OK : each_row(sql, vq, a, b, d, visit_row, "visits", err);
	if (!rc && !only_through)
		rc = each_row(sql,
		              pair ? "SELECT t.person, p.name, t.office, o.name, o.country, o.rank, t.start_date,"
		                     " t.end_date FROM tenure t JOIN office o ON o.id = t.office"
		                     " LEFT JOIN person p ON p.id = t.person WHERE t.rowid IN (" PAIR_TENURES ")"
		                   : "SELECT t.person, p.name, t.office, o.name, o.country, o.rank, t.start_date,"
		                     " t.end_date FROM tenure t JOIN office o ON o.id = t.office"
		                     " LEFT JOIN person p ON p.id = t.person",
		              a, b, d, tenure_row, "tenures", err);
	if (!rc)
		rc = each_row(sql,
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
		rc = each_row(sql,
		              pair ? "SELECT id, name, country, birth_date FROM person WHERE id IN ("
		                     PAIR_PEOPLE " UNION SELECT t.person FROM tenure t WHERE t.rowid IN ("
		                     PAIR_TENURES "))"
		                   : "SELECT id, name, country, birth_date FROM person",
		              a, b, d, person_row, "people", err);
	if (!rc && !only_through)
		rc = each_row(sql, "SELECT code, name FROM country", NULL, NULL, d, country_row,
		              "countries", err);
	if (!rc && members && !only_through)
		rc = each_row(sql,
		              pair ? "SELECT visit, role, person, name FROM visit_person"
		                     " WHERE visit IN (" PAIR_VISITS ") AND ?1 IS NOT NULL AND ?2 IS NOT NULL"
		                     " ORDER BY visit, role, seq"
		                   : "SELECT visit, role, person, name FROM visit_person"
		                     " ORDER BY visit, role, seq",
		              a, b, d, member_row, "delegations", err);
#undef PAIR_TENURES
#undef PAIR_PEOPLE
#undef PAIR_VISITS
	if (rc) {
		an_data_free(d);
		return rc;
	}
	an_prepare(d);
	*out = d;
	return PARLEY_OK;
}

int an_load(parley_db *db, const char *a, const char *b, bool members, an_data **out,
            parley_err *err)
{
	return load(db, a, b, members, false, out, err);
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
		rc = load(db, o.a[0] ? o.a : NULL, o.b[0] ? o.b : NULL, false, true, &d, err);
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
