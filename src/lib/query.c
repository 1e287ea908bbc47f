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

#define MAX_JSON ((size_t)256 << 20)

static int jkey(pl_buf *b, int *first, const char *k)
{
	int rc = pl_buf_puts(b, *first ? "" : ",");
	*first = 0;
	rc |= pl_json_str(b, k);
	return rc | pl_buf_putc(b, ':');
}

/* "key":"text" or "key":null from a result column. */
static int jcol(pl_buf *b, int *first, const char *k, sqlite3_stmt *st, int col)
{
	int rc = jkey(b, first, k);
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return rc | pl_buf_puts(b, "null");
	if (sqlite3_column_type(st, col) == SQLITE_INTEGER)
		return rc | pl_buf_printf(b, "%lld", (long long)sqlite3_column_int64(st, col));
	return rc | pl_json_str(b, (const char *)sqlite3_column_text(st, col));
}

static int write_out(pl_buf *b, FILE *out, parley_err *err)
{
	if (b->len && fwrite(b->data, 1, b->len, out) != b->len)
		return parley_err_set(err, PARLEY_EIO, "writing output: %s", strerror(errno));
	return PARLEY_OK;
}

static int finish(pl_buf *b, int rc, FILE *out, parley_err *err)
{
	if (rc == PARLEY_ENOMEM || rc == PARLEY_ELIMIT)
		rc = parley_err_set(err, rc, "building the answer: %s", parley_strstatus(rc));
	if (!rc)
		rc = write_out(b, out, err);
	pl_buf_free(b);
	return rc;
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

/* Appends "name":[rows of sql bound to id] with the given field names. */
static int jarray(parley_db *db, pl_buf *b, int *first, const char *name, const char *sql,
                  const char *id, const char *const *fields, int nf, parley_err *err)
{
	sqlite3_stmt *st;
	int rc = pl_prepare(db, sql, &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	rc = jkey(b, first, name) | pl_buf_putc(b, '[');
	int n = 0;
	while (!rc && sqlite3_step(st) == SQLITE_ROW) {
		int f = 1;
		rc |= pl_buf_puts(b, n++ ? "," : "");
		rc |= pl_buf_putc(b, '{');
		for (int i = 0; i < nf; i++)
			rc |= jcol(b, &f, fields[i], st, i);
		rc |= pl_buf_putc(b, '}');
	}
	sqlite3_finalize(st);
	return rc | pl_buf_putc(b, ']');
}

int parley_show_visit_json(parley_db *db, const char *id, FILE *out, parley_err *err)
{
	if (!id)
		return parley_err_set(err, PARLEY_EINVAL, "no visit id given");
	pl_buf b;
	pl_buf_init(&b, MAX_JSON);
	sqlite3_stmt *st;
	pl_buf sql;
	pl_buf_init(&sql, 8192);
	int rc = pl_buf_printf(&sql, "SELECT %s, v.visitor_office, v.note FROM visit v"
	                             " LEFT JOIN person p ON p.id = v.visitor WHERE v.id = ?1",
	                       visit_cols);
	if (rc || (rc = pl_prepare(db, sql.data, &st, err))) {
		pl_buf_free(&sql);
		pl_buf_free(&b);
		return rc ? rc : PARLEY_EDB;
	}
	pl_buf_free(&sql);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		pl_buf_free(&b);
		return parley_err_set(err, PARLEY_ENOTFOUND, "no visit '%s'", id);
	}
	int f = 1;
	rc = pl_buf_putc(&b, '{');
	static const char *names[] = {"id", "start_date", "end_date", "from_country",
	                              "to_country", "visitor", "visitor_name", "visitor_label",
	                              "visitor_title", "level", "type", "status", "confidence",
	                              "summary", "disputed", "places_text", "source_count",
	                              "visitor_office", "note"};
	for (int i = 0; i < 19; i++)
		if (i != 15 && i != 16)
			rc |= jcol(&b, &f, names[i], st, i);
	sqlite3_finalize(st);
	static const char *const vp[] = {"seq", "person", "name", "detail"};
	static const char *const act[] = {"seq", "kind", "date", "description"};
	static const char *const pl[] = {"seq", "name", "country"};
	static const char *const src[] = {"id", "url", "citation", "title", "publisher",
	                                  "published", "accessed", "archive_url", "quality",
	                                  "passage"};
	static const char *const ext[] = {"scheme", "value"};
	if (!rc)
		rc = jarray(db, &b, &f, "delegation",
		            "SELECT seq, person, name, detail FROM visit_person WHERE visit = ?1 AND role = 'companion' ORDER BY seq",
		            id, vp, 4, err);
	if (!rc)
		rc = jarray(db, &b, &f, "hosts",
		            "SELECT seq, person, name, detail FROM visit_person WHERE visit = ?1 AND role = 'host' ORDER BY seq",
		            id, vp, 4, err);
	if (!rc)
		rc = jarray(db, &b, &f, "activities",
		            "SELECT seq, kind, date, description FROM activity WHERE visit = ?1 ORDER BY seq",
		            id, act, 4, err);
	if (!rc)
		rc = jarray(db, &b, &f, "places",
		            "SELECT seq, name, country FROM place WHERE visit = ?1 ORDER BY seq", id, pl, 3,
		            err);
	if (!rc)
		rc = jarray(db, &b, &f, "sources",
		            "SELECT s.id, s.url, s.citation, s.title, s.publisher, s.published, s.accessed,"
		            " s.archive_url, s.quality, vs.passage FROM visit_source vs"
		            " JOIN source s ON s.id = vs.source WHERE vs.visit = ?1 ORDER BY s.id",
		            id, src, 10, err);
	if (!rc)
		rc = jarray(db, &b, &f, "external_ids",
		            "SELECT scheme, value FROM external_id WHERE entity = 'visit' AND entity_id = ?1"
		            " ORDER BY scheme, value",
		            id, ext, 2, err);
	if (!rc)
		rc = pl_buf_puts(&b, "}\n");
	return finish(&b, rc, out, err);
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
		json_array_append_new(arr, json_pack("{s:s,s:s,s:s?,s:s?,s:s?,s:I,s:I}", "id", p->id, "name",
		                                     p->name, "native_name", p->native_name, "country",
		                                     p->country, "aliases", p->aliases, "visits",
		                                     (json_int_t)p->trips, "hosted", (json_int_t)p->hosted));
	}
	parley_people_free(ps);
	char *text = arr ? json_dumps(arr, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(arr);
	if (!text)
		return parley_err_set(err, PARLEY_ENOMEM, "out of memory");
	int bad = fputs(text, out) == EOF || fputc('\n', out) == EOF;
	free(text);
	return bad ? parley_err_set(err, PARLEY_EIO, "writing output: %s", strerror(errno)) : PARLEY_OK;
}

int parley_show_person_json(parley_db *db, const char *id, FILE *out, parley_err *err)
{
	if (!id)
		return parley_err_set(err, PARLEY_EINVAL, "no person id given");
	sqlite3_stmt *st;
	int rc = pl_prepare(db, "SELECT id, name, native_name, country, birth_date, death_date, note"
	                        " FROM person WHERE id = ?1", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return parley_err_set(err, PARLEY_ENOTFOUND, "no person '%s'", id);
	}
	pl_buf b;
	pl_buf_init(&b, MAX_JSON);
	int f = 1;
	rc = pl_buf_putc(&b, '{');
	static const char *names[] = {"id", "name", "native_name", "country", "birth_date",
	                              "death_date", "note"};
	for (int i = 0; i < 7; i++)
		rc |= jcol(&b, &f, names[i], st, i);
	sqlite3_finalize(st);
	static const char *const al[] = {"alias", "kind"};
	static const char *const tn[] = {"id", "office", "office_name", "country", "rank",
	                                 "start_date", "end_date", "confidence"};
	static const char *const vs[] = {"id", "start_date", "end_date", "from_country",
	                                 "to_country", "level", "type", "status", "role"};
	if (!rc)
		rc = jarray(db, &b, &f, "aliases",
		            "SELECT alias, kind FROM person_alias WHERE person = ?1 ORDER BY alias", id, al, 2,
		            err);
	if (!rc)
		rc = jarray(db, &b, &f, "tenures",
		            "SELECT t.id, t.office, o.name, o.country, o.rank, t.start_date, t.end_date,"
		            " t.confidence FROM tenure t JOIN office o ON o.id = t.office WHERE t.person = ?1"
		            " ORDER BY parley_first_day(t.start_date), t.id",
		            id, tn, 8, err);
	if (!rc)
		rc = jarray(db, &b, &f, "visits",
		            "SELECT v.id, v.start_date, v.end_date, v.from_country, v.to_country, v.level,"
		            " v.type, v.status, 'visitor' FROM visit v WHERE v.visitor = ?1"
		            " UNION ALL SELECT v.id, v.start_date, v.end_date, v.from_country, v.to_country,"
		            " v.level, v.type, v.status, vp.role FROM visit_person vp JOIN visit v ON v.id = vp.visit"
		            " WHERE vp.person = ?1 ORDER BY 2, 1",
		            id, vs, 9, err);
	if (!rc)
		rc = pl_buf_puts(&b, "}\n");
	return finish(&b, rc, out, err);
}
