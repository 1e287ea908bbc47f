/*
 * query.c - reading records for people: visit lists with filters, one
 * visit with everything attached, people by name, one person.
 *
 * Output is JSON text, the one shape the tool (--json), the server and the
 * tests share.  Dates are compared by the rules of parley.h through the
 * parley_first_day() SQL function, never as strings.
 */
#include "internal.h"

#include <jansson.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* A result column as a new JSON value: null, an integer or text. */
static json_t *jcol(sqlite3_stmt *st, int col)
{
	switch (sqlite3_column_type(st, col)) {
	case SQLITE_NULL:
		return json_null();
	case SQLITE_INTEGER:
		return json_integer((json_int_t)sqlite3_column_int64(st, col));
	default:
		return pl_json_text((const char *)sqlite3_column_text(st, col));
	}
}

/* o with "names[i]": column i for each i < n not in skip (a bit set);
 * NULL (o released) when out of memory. */
static json_t *jrow(json_t *o, sqlite3_stmt *st, const char *const *names, int n, unsigned skip)
{
	for (int i = 0; o && i < n; i++)
		if (!(skip >> i & 1) && json_object_set_new(o, names[i], jcol(st, i)))
			o = (json_decref(o), NULL);
	return o;
}

/* Writes o (taken) as one line; ENOMEM when o is NULL (a failed build). */
static int finish(json_t *o, int rc, FILE *out, parley_err *err)
{
	if (rc) {
		json_decref(o);
		return rc == PARLEY_ENOMEM ? parley_err_set(err, rc, "building the answer: out of memory")
		                           : rc;
	}
	return pl_json_fwrite_line(out, o, "show", err);
}

static const char *visit_cols =
    "v.id, v.start_date, v.end_date, v.from_country, v.to_country, v.visitor,"
    " p.name, v.visitor_label, v.visitor_title, v.level, v.type, v.status, v.confidence,"
    " v.summary, v.disputed,"
    " (SELECT group_concat(name, '; ') FROM (SELECT name FROM place pl WHERE pl.visit = v.id ORDER BY seq)),"
    " (SELECT count(*) FROM visit_source vs WHERE vs.visit = v.id)";

/* ---------------------------------------------------------------- */
/* One visit                                                         */
/* ---------------------------------------------------------------- */

/* One list of a record: "name":[rows of sql bound to the record's id]. */
typedef struct jlist {
	const char *name, *sql;
	const char *const *fields; /* nf names, one per result column */
	int nf;
} jlist;

/* The record of sql bound to id as an object of the named columns (those
 * in skip left out); NULL with *rc set when there is none (ENOTFOUND: "no
 * WHAT 'ID'") or on failure. */
static json_t *jrecord(parley_db *db, const char *sql, const char *id, const char *what,
                       const char *const *names, int n, unsigned skip, int *rc,
                       parley_err *err)
{
	sqlite3_stmt *st;
	if ((*rc = pl_prepare(db, sql, &st, err)))
		return NULL;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	json_t *o = NULL;
	if (sqlite3_step(st) != SQLITE_ROW)
		*rc = parley_err_set(err, PARLEY_ENOTFOUND, "no %s '%s'", what, id);
	else if (!(o = jrow(json_object(), st, names, n, skip)))
		*rc = parley_err_set(err, PARLEY_ENOMEM, "building the answer: out of memory");
	sqlite3_finalize(st);
	return o;
}

/* Sets each of the n lists on o, in order. */
static int jarrays(parley_db *db, json_t *o, const char *id, const jlist *l, size_t n,
                   parley_err *err)
{
	int rc = PARLEY_OK;
	for (size_t k = 0; !rc && k < n; k++) {
		sqlite3_stmt *st;
		if ((rc = pl_prepare(db, l[k].sql, &st, err)))
			break;
		sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
		json_t *a = json_array();
		while (a && sqlite3_step(st) == SQLITE_ROW)
			if (json_array_append_new(a, jrow(json_object(), st, l[k].fields, l[k].nf, 0)))
				a = (json_decref(a), NULL);
		sqlite3_finalize(st);
		rc = json_object_set_new(o, l[k].name, a) ? PARLEY_ENOMEM : PARLEY_OK;
	}
	return rc;
}

int parley_show_visit_json(parley_db *db, const char *id, FILE *out, parley_err *err)
{
	if (!id)
		return parley_err_set(err, PARLEY_EINVAL, "no visit id given");
	pl_buf sql;
	pl_buf_init(&sql, 8192);
	int rc = pl_buf_printf(&sql, "SELECT %s, v.visitor_office, v.note FROM visit v"
	                             " LEFT JOIN person p ON p.id = v.visitor WHERE v.id = ?1",
	                       visit_cols);
	if (rc) {
		pl_buf_free(&sql);
		return parley_err_set(err, rc, "building the query: %s", parley_strstatus(rc));
	}
	static const char *names[] = {"id", "start_date", "end_date", "from_country",
	                              "to_country", "visitor", "visitor_name", "visitor_label",
	                              "visitor_title", "level", "type", "status", "confidence",
	                              "summary", "disputed", "places_text", "source_count",
	                              "visitor_office", "note"};
	/* places_text and source_count are for the list, not this record */
	json_t *o = jrecord(db, sql.data, id, "visit", names, 19, 1u << 15 | 1u << 16, &rc, err);
	pl_buf_free(&sql);
	if (!o)
		return rc;
	static const char *const vp[] = {"seq", "person", "name", "detail"};
	static const char *const act[] = {"seq", "kind", "date", "description"};
	static const char *const pl[] = {"seq", "name", "country"};
	static const char *const src[] = {"id", "url", "citation", "title", "publisher",
	                                  "published", "accessed", "archive_url", "quality",
	                                  "passage"};
	static const char *const ext[] = {"scheme", "value"};
	static const jlist lists[] = {
	    {"delegation",
	     "SELECT seq, person, name, detail FROM visit_person WHERE visit = ?1 AND role = 'companion' ORDER BY seq",
	     vp, 4},
	    {"hosts",
	     "SELECT seq, person, name, detail FROM visit_person WHERE visit = ?1 AND role = 'host' ORDER BY seq",
	     vp, 4},
	    {"activities",
	     "SELECT seq, kind, date, description FROM activity WHERE visit = ?1 ORDER BY seq", act, 4},
	    {"places", "SELECT seq, name, country FROM place WHERE visit = ?1 ORDER BY seq", pl, 3},
	    {"sources",
	     "SELECT s.id, s.url, s.citation, s.title, s.publisher, s.published, s.accessed,"
	     " s.archive_url, s.quality, vs.passage FROM visit_source vs"
	     " JOIN source s ON s.id = vs.source WHERE vs.visit = ?1 ORDER BY s.id",
	     src, 10},
	    {"external_ids",
	     "SELECT scheme, value FROM external_id WHERE entity = 'visit' AND entity_id = ?1"
	     " ORDER BY scheme, value",
	     ext, 2},
	};
	rc = jarrays(db, o, id, lists, sizeof lists / sizeof *lists, err);
	return finish(o, rc, out, err);
}

/* ---------------------------------------------------------------- */
/* People                                                            */
/* ---------------------------------------------------------------- */

int parley_find_people_json(parley_db *db, const char *q, FILE *out, parley_err *err)
{
	if (!q || !*q)
		return parley_err_set(err, PARLEY_EINVAL, "no name to look for");
	char *fq = parley_fold_words(q);
	if (!fq)
		return parley_err_set(err, PARLEY_ENOMEM, "out of memory");
	int empty = !*fq;
	free(fq);
	if (empty)
		return parley_err_set(err, PARLEY_EINVAL, "'%s' has no letters to match", q);
	/* the query layer's people search: the fold and phrase rule of q= */
	parley_people *ps = NULL;
	int rc = parley_people_find(db, q, 200, &ps, err);
	if (rc)
		return rc;
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < ps->n; i++) {
		const parley_person_row *p = &ps->p[i];
		if (json_array_append_new(
		        arr, json_pack("{s:o,s:o,s:o,s:o,s:o,s:I,s:I}", "id", pl_json_text(p->id), "name",
		                       pl_json_text(p->name), "native_name", pl_json_text(p->native_name),
		                       "country", pl_json_text(p->country), "aliases",
		                       pl_json_text(p->aliases), "visits", (json_int_t)p->trips,
		                       "hosted", (json_int_t)p->hosted)))
			arr = (json_decref(arr), NULL);
	}
	parley_people_free(ps);
	return pl_json_fwrite_line(out, arr, "find", err);
}

int parley_show_person_json(parley_db *db, const char *id, FILE *out, parley_err *err)
{
	if (!id)
		return parley_err_set(err, PARLEY_EINVAL, "no person id given");
	static const char *names[] = {"id", "name", "native_name", "country", "birth_date",
	                              "death_date", "note"};
	int rc;
	json_t *o = jrecord(db,
	                    "SELECT id, name, native_name, country, birth_date, death_date, note"
	                    " FROM person WHERE id = ?1",
	                    id, "person", names, 7, 0, &rc, err);
	if (!o)
		return rc;
	static const char *const al[] = {"alias", "kind"};
	static const char *const tn[] = {"id", "office", "office_name", "country", "rank",
	                                 "start_date", "end_date", "confidence"};
	static const char *const vs[] = {"id", "start_date", "end_date", "from_country",
	                                 "to_country", "level", "type", "status", "role"};
	static const jlist lists[] = {
	    {"aliases", "SELECT alias, kind FROM person_alias WHERE person = ?1 ORDER BY alias", al, 2},
	    {"tenures",
	     "SELECT t.id, t.office, o.name, o.country, o.rank, t.start_date, t.end_date,"
	     " t.confidence FROM tenure t JOIN office o ON o.id = t.office WHERE t.person = ?1"
	     " ORDER BY parley_first_day(t.start_date), t.id",
	     tn, 8},
	    {"visits",
	     "SELECT v.id, v.start_date, v.end_date, v.from_country, v.to_country, v.level,"
	     " v.type, v.status, 'visitor' FROM visit v WHERE v.visitor = ?1"
	     " UNION ALL SELECT v.id, v.start_date, v.end_date, v.from_country, v.to_country,"
	     " v.level, v.type, v.status, vp.role FROM visit_person vp JOIN visit v ON v.id = vp.visit"
	     " WHERE vp.person = ?1 ORDER BY 2, 1",
	     vs, 9},
	};
	rc = jarrays(db, o, id, lists, sizeof lists / sizeof *lists, err);
	return finish(o, rc, out, err);
}
