/*
 * an_load.c - reads what the analyses need from the store into an an_data.
 *
 * The only place the analysis module touches SQL.  A few prepared
 * statements read visits (of one pair, or all), tenures with their offices'
 * countries and ranks, coverage, people and delegation members.  Everything
 * else is computed in memory, so that the same code runs on fixtures.
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

static int each_row(sqlite3 *sql, const char *q, const char *a, const char *b, an_data *d,
                    row_fn fn, const char *what, parley_err *err)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(sql, q, -1, &st, NULL) != SQLITE_OK)
		return db_fail(sql, err, what);
	if (sqlite3_bind_parameter_count(st) >= 2) {
		if (a)
			sqlite3_bind_text(st, 1, a, -1, SQLITE_TRANSIENT);
		if (b)
			sqlite3_bind_text(st, 2, b, -1, SQLITE_TRANSIENT);
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
	return an_add_cover(d, col(st, 0), col(st, 1), col(st, 2), col(st, 3), col(st, 4),
	                    col(st, 5), col(st, 6), col(st, 7), err);
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

int an_load(parley_db *db, const char *a, const char *b, bool members, an_data **out,
            parley_err *err)
{
	sqlite3 *sql = parley_sqlite(db);
	if (!sql)
		return parley_err_set(err, PARLEY_EINVAL, "analysis: no store");
	an_data *d = an_data_new();
	if (!d)
		return parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory");
	const char *vq =
	    a && b ? "SELECT v.id, v.visitor, COALESCE(p.name, v.visitor_label), v.from_country,"
	             " v.to_country, v.level, v.type, v.status, v.start_date"
	             " FROM visit v LEFT JOIN person p ON p.id = v.visitor"
	             " WHERE (v.from_country = ?1 AND v.to_country = ?2)"
	             "    OR (v.from_country = ?2 AND v.to_country = ?1)"
	           : "SELECT v.id, v.visitor, COALESCE(p.name, v.visitor_label), v.from_country,"
	             " v.to_country, v.level, v.type, v.status, v.start_date"
	             " FROM visit v LEFT JOIN person p ON p.id = v.visitor";
	int rc = each_row(sql, vq, a, b, d, visit_row, "visits", err);
	if (!rc)
		rc = each_row(sql,
		              "SELECT t.person, p.name, t.office, o.name, o.country, o.rank, t.start_date,"
		              " t.end_date FROM tenure t JOIN office o ON o.id = t.office"
		              " LEFT JOIN person p ON p.id = t.person",
		              NULL, NULL, d, tenure_row, "tenures", err);
	if (!rc)
		rc = each_row(sql,
		              "SELECT id, description, from_country, to_country, min_level,"
		              " start_date, end_date, person FROM coverage",
		              NULL, NULL, d, cover_row, "coverage", err);
	if (!rc)
		rc = each_row(sql, "SELECT id, name, country, birth_date FROM person", NULL, NULL, d,
		              person_row, "people", err);
	if (!rc)
		rc = each_row(sql, "SELECT code, name FROM country", NULL, NULL, d, country_row,
		              "countries", err);
	if (!rc && members)
		rc = each_row(sql,
		              "SELECT visit, role, person, name FROM visit_person"
		              " ORDER BY visit, role, seq",
		              NULL, NULL, d, member_row, "delegations", err);
	if (rc) {
		an_data_free(d);
		return rc;
	}
	an_prepare(d);
	*out = d;
	return PARLEY_OK;
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
