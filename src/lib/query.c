/*
 * query.c - reading records for people: visit lists with filters, one
 * visit with everything attached, people by name, one person.
 *
 * Output is JSON text, the one shape the tool (--json), the server and the
 * tests share.  Dates are compared by the rules of parley.h through the
 * parley_first_day() SQL function, never as strings.
 */
#include "internal.h"

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

/* ---------------------------------------------------------------- */
/* Visit lists                                                       */
/* ---------------------------------------------------------------- */

static const char *visit_cols =
    "v.id, v.start_date, v.end_date, v.from_country, v.to_country, v.visitor,"
    " p.name, v.visitor_label, v.visitor_title, v.level, v.type, v.status, v.confidence,"
    " v.summary, v.disputed,"
    " (SELECT group_concat(name, '; ') FROM (SELECT name FROM place pl WHERE pl.visit = v.id ORDER BY seq)),"
    " (SELECT count(*) FROM visit_source vs WHERE vs.visit = v.id)";

static int visit_summary(pl_buf *b, sqlite3_stmt *st)
{
	int f = 1, rc = pl_buf_putc(b, '{');
	static const char *names[] = {"id", "start_date", "end_date", "from_country",
	                              "to_country", "visitor", "visitor_name", "visitor_label",
	                              "visitor_title", "level", "type", "status", "confidence",
	                              "summary", "disputed", "places", "sources"};
	for (int i = 0; i < 17; i++)
		rc |= jcol(b, &f, names[i], st, i);
	return rc | pl_buf_putc(b, '}');
}

static int valid_date_arg(const char *s, const char *name, parley_err *err)
{
	parley_date d;
	parley_err e;
	if (parley_date_parse(s, strlen(s), &d, &e))
		return parley_err_set(err, PARLEY_EINVAL, "%s: %s", name, e.msg);
	return PARLEY_OK;
}

/* Appends the WHERE clause for f, binding parameters by name. */
static int where_clause(pl_buf *b, const parley_visit_filter *f, parley_err *err)
{
	int rc = pl_buf_puts(b, " WHERE instr(',' || :status || ',', ',' || v.status || ',') > 0");
	if (f->country_a && f->country_b)
		rc |= pl_buf_puts(b, " AND ((v.from_country = :a AND v.to_country = :b) OR"
		                     " (v.from_country = :b AND v.to_country = :a))");
	else if (f->country_a)
		rc |= pl_buf_puts(b, " AND (v.from_country = :a OR v.to_country = :a)");
	if (f->from) {
		if (valid_date_arg(f->from, "from", err))
			return PARLEY_EINVAL;
		rc |= pl_buf_puts(b, " AND parley_first_day(v.start_date) >= parley_first_day(:from)");
	}
	if (f->to) {
		if (valid_date_arg(f->to, "to", err))
			return PARLEY_EINVAL;
		rc |= pl_buf_puts(b, " AND parley_first_day(v.start_date) <= parley_last_day(:to)");
	}
	if (f->person)
		rc |= pl_buf_puts(b, " AND (v.visitor = :person OR EXISTS (SELECT 1 FROM visit_person vp"
		                     " WHERE vp.visit = v.id AND vp.person = :person))");
	if (f->type)
		rc |= pl_buf_puts(b, " AND v.type = :type");
	if (f->min_level) {
		if (parley_level_rank(f->min_level) < 0)
			return parley_err_set(err, PARLEY_EINVAL, "min-level: '%s' is not a level",
			                      f->min_level);
		rc |= pl_buf_puts(b, " AND parley_rank(v.level) >= parley_rank(:minlevel)");
	}
	if (f->query)
		rc |= pl_buf_puts(b, " AND (instr(parley_fold(coalesce(p.name,'') || ' ' ||"
		                     " coalesce(v.visitor_label,'') || ' ' || coalesce(v.summary,'')),"
		                     " parley_fold(:q)) > 0 OR EXISTS (SELECT 1 FROM person_alias a"
		                     " WHERE a.person = v.visitor AND instr(parley_fold(a.alias), parley_fold(:q)) > 0)"
		                     " OR EXISTS (SELECT 1 FROM place pl WHERE pl.visit = v.id AND"
		                     " instr(parley_fold(pl.name), parley_fold(:q)) > 0))");
	return rc;
}

static void bind_named(sqlite3_stmt *st, const char *name, const char *v)
{
	int i = sqlite3_bind_parameter_index(st, name);
	if (i)
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
}

static void bind_filter(sqlite3_stmt *st, const parley_visit_filter *f)
{
	bind_named(st, ":status", f->status ? f->status : "confirmed,reported");
	bind_named(st, ":a", f->country_a);
	bind_named(st, ":b", f->country_b);
	bind_named(st, ":from", f->from);
	bind_named(st, ":to", f->to);
	bind_named(st, ":person", f->person);
	bind_named(st, ":type", f->type);
	bind_named(st, ":minlevel", f->min_level);
	bind_named(st, ":q", f->query);
}

int parley_list_visits_json(parley_db *db, const parley_visit_filter *f, FILE *out,
                            parley_err *err)
{
	static const parley_visit_filter none;
	if (!f)
		f = &none;
	const char *order = "parley_first_day(v.start_date), v.id";
	if (f->sort && strcmp(f->sort, "-date") == 0)
		order = "parley_first_day(v.start_date) DESC, v.id DESC";
	else if (f->sort && strcmp(f->sort, "level") == 0)
		order = "parley_rank(v.level) DESC, parley_first_day(v.start_date), v.id";
	else if (f->sort && strcmp(f->sort, "visitor") == 0)
		order = "coalesce(p.name, v.visitor_label, '~'), parley_first_day(v.start_date), v.id";
	else if (f->sort && strcmp(f->sort, "date") != 0)
		return parley_err_set(err, PARLEY_EINVAL,
		                      "sort: '%s' is not one of date, -date, level, visitor", f->sort);
	if (f->limit < 0 || f->offset < 0)
		return parley_err_set(err, PARLEY_EINVAL, "limit and offset must not be negative");
	pl_buf sql, b;
	pl_buf_init(&sql, 65536);
	pl_buf_init(&b, MAX_JSON);
	int rc = pl_buf_printf(&sql, "SELECT %s FROM visit v LEFT JOIN person p ON p.id = v.visitor",
	                       visit_cols);
	size_t where_at = sql.len;
	int w = where_clause(&sql, f, err);
	if (w == PARLEY_EINVAL) {
		pl_buf_free(&sql);
		return PARLEY_EINVAL;
	}
	rc |= w;
	/* the same WHERE for the total */
	pl_buf count;
	pl_buf_init(&count, 65536);
	rc |= pl_buf_puts(&count, "SELECT count(*) FROM visit v LEFT JOIN person p ON p.id = v.visitor");
	rc |= pl_buf_puts(&count, sql.data + where_at);
	rc |= pl_buf_printf(&sql, " ORDER BY %s LIMIT %ld OFFSET %ld", order,
	                    f->limit > 0 ? f->limit : -1L, f->offset);
	sqlite3_stmt *st = NULL, *ct = NULL;
	if (rc || (rc = pl_prepare(db, sql.data, &st, err)) || (rc = pl_prepare(db, count.data, &ct, err)))
		goto out;
	bind_filter(st, f);
	bind_filter(ct, f);
	long total = sqlite3_step(ct) == SQLITE_ROW ? (long)sqlite3_column_int64(ct, 0) : 0;
	rc = pl_buf_printf(&b, "{\"total\":%ld,\"offset\":%ld,\"visits\":[", total, f->offset);
	int n = 0;
	int r;
	while (!rc && (r = sqlite3_step(st)) == SQLITE_ROW) {
		rc |= pl_buf_puts(&b, n++ ? ",\n" : "\n");
		rc |= visit_summary(&b, st);
	}
	rc |= pl_buf_puts(&b, "]}\n");
out:
	sqlite3_finalize(st);
	sqlite3_finalize(ct);
	pl_buf_free(&sql);
	pl_buf_free(&count);
	return finish(&b, rc, out, err);
}

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
	char *fq = parley_fold(q);
	if (!fq)
		return parley_err_set(err, PARLEY_ENOMEM, "out of memory");
	if (!*fq) {
		free(fq);
		return parley_err_set(err, PARLEY_EINVAL, "'%s' has no letters to match", q);
	}
	sqlite3_stmt *st;
	/* exact folded matches first, then matches inside a name or alias */
	int rc = pl_prepare(db,
	                    "WITH names(person, name) AS (SELECT id, name FROM person"
	                    " UNION ALL SELECT id, native_name FROM person WHERE native_name IS NOT NULL"
	                    " UNION ALL SELECT person, alias FROM person_alias),"
	                    " hits AS (SELECT person, min(CASE WHEN parley_fold(name) = ?1 THEN 0 ELSE 1 END) AS exact,"
	                    " group_concat(name, '; ') AS matched FROM names WHERE instr(parley_fold(name), ?1) > 0"
	                    " GROUP BY person)"
	                    " SELECT p.id, p.name, p.native_name, p.country, p.birth_date, p.death_date, h.matched,"
	                    " (SELECT count(*) FROM visit v WHERE v.visitor = p.id)"
	                    " FROM hits h JOIN person p ON p.id = h.person ORDER BY h.exact, p.name, p.id LIMIT 200",
	                    &st, err);
	if (rc) {
		free(fq);
		return rc;
	}
	sqlite3_bind_text(st, 1, fq, -1, free);
	pl_buf b;
	pl_buf_init(&b, MAX_JSON);
	rc = pl_buf_putc(&b, '[');
	int n = 0;
	static const char *names[] = {"id", "name", "native_name", "country", "birth_date",
	                              "death_date", "matched", "visits"};
	while (!rc && sqlite3_step(st) == SQLITE_ROW) {
		int f = 1;
		rc |= pl_buf_puts(&b, n++ ? ",\n{" : "\n{");
		for (int i = 0; i < 8; i++)
			rc |= jcol(&b, &f, names[i], st, i);
		rc |= pl_buf_putc(&b, '}');
	}
	sqlite3_finalize(st);
	rc |= pl_buf_puts(&b, "]\n");
	return finish(&b, rc, out, err);
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
