/*
 * query.c - the web module's reads: request filters and the SQL behind
 * every page and API answer, returned as jansson values.
 *
 * A filter arrives as query-string parameters; pl_wq_parse validates each
 * one (naming the bad parameter) and the list, facet, CSV and chart queries
 * all build the same WHERE clause from it, so a chart's bar, the list it
 * links to and the CSV of that list always count the same visits.
 *
 * Full-text search uses an FTS5 table in the connection's temp schema,
 * built when the connection is prepared (pl_web_db_prepare): the store
 * itself is opened read-only and its schema is not changed.
 */
#include "webq.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Connection setup                                                    */
/* ------------------------------------------------------------------ */

static void sql_rank(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const unsigned char *s = sqlite3_value_text(argv[0]);
	sqlite3_result_int(ctx, s ? parley_level_rank((const char *)s) : 0);
}

/* What the search matches: names, aliases, titles, places, people met,
 * activities and summaries of each visit. */
static const char *const fts_sql =
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.visit_fts USING fts5(id UNINDEXED, body,"
    " tokenize='unicode61 remove_diacritics 2');"
    "DELETE FROM temp.visit_fts;"
    "INSERT INTO temp.visit_fts(id, body) SELECT v.id,"
    " coalesce(p.name,'') || ' ' || coalesce(p.native_name,'') || ' ' || coalesce(v.visitor_label,'')"
    " || ' ' || coalesce(v.visitor_title,'') || ' ' || coalesce(v.summary,'') || ' ' || coalesce(v.note,'')"
    " || ' ' || coalesce(v.disputed,'')"
    " || ' ' || coalesce((SELECT group_concat(alias, ' ') FROM person_alias WHERE person = v.visitor),'')"
    " || ' ' || coalesce((SELECT group_concat(name, ' ') FROM place WHERE visit = v.id),'')"
    " || ' ' || coalesce((SELECT group_concat(vp.name || ' ' || coalesce(vp.detail,'') || ' ' ||"
    "   coalesce((SELECT group_concat(alias, ' ') FROM person_alias a WHERE a.person = vp.person),''), ' ')"
    "   FROM visit_person vp WHERE vp.visit = v.id),'')"
    " || ' ' || coalesce((SELECT group_concat(description, ' ') FROM activity WHERE visit = v.id),'')"
    " || ' ' || coalesce(cf.name,'') || ' ' || coalesce(ct.name,'')"
" FROM visit v LEFT JOIN person p ON p.id = v.visitor"
    " LEFT JOIN country cf ON cf.code = v.from_country LEFT JOIN country ct ON ct.code = v.to_country;"
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.person_fts USING fts5(id UNINDEXED, body,"
    " tokenize='unicode61 remove_diacritics 2');"
    "DELETE FROM temp.person_fts;"
    "INSERT INTO temp.person_fts(id, body) SELECT p.id, p.name || ' ' || coalesce(p.native_name,'')"
    " || ' ' || coalesce((SELECT group_concat(alias, ' ') FROM person_alias WHERE person = p.id),'')"
    " FROM person p;";

int pl_web_db_prepare(parley_db *db, parley_err *err)
{
	sqlite3 *s = parley_sqlite(db);
	if (sqlite3_create_function(s, "pl_rank", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
	                            sql_rank, NULL, NULL) != SQLITE_OK)
		return parley_err_set(err, PARLEY_EDB, "web: registering pl_rank: %s", sqlite3_errmsg(s));
	char *msg = NULL;
	if (sqlite3_exec(s, fts_sql, NULL, NULL, &msg) != SQLITE_OK) {
		int rc = parley_err_set(err, PARLEY_EDB, "web: building the search index: %s",
		                        msg ? msg : sqlite3_errmsg(s));
		sqlite3_free(msg);
		return rc;
	}
	return PARLEY_OK;
}

/* ------------------------------------------------------------------ */
/* Filters                                                             */
/* ------------------------------------------------------------------ */

static int bad(pl_wq *q, parley_err *err, const char *param, const char *fmt, const char *val)
{
	q->bad_param = param;
	char v[80];
	pl_strlcpy(v, val ? val : "", sizeof v);
	return parley_err_set(err, PARLEY_EDATA, "parameter '%s': %s (got '%s')", param, fmt, v);
}

static int is_code(const char *s)
{
	size_t n = strlen(s);
	if (n < 2 || n > 8)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isupper((unsigned char)s[i]) && !isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/* 'CHN:PRK' (or 'CHN-PRK') into two codes. */
static int parse_pair(const char *v, char *a, char *b)
{
	const char *sep = strpbrk(v, ":-");
	if (!sep || (size_t)(sep - v) >= PL_CODE_MAX || strlen(sep + 1) >= PL_CODE_MAX)
		return 0;
	memcpy(a, v, (size_t)(sep - v));
	a[sep - v] = '\0';
	pl_strlcpy(b, sep + 1, PL_CODE_MAX);
	return is_code(a) && is_code(b) && strcmp(a, b) != 0;
}

static int in_list(const char *v, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(v, *list) == 0)
			return 1;
	return 0;
}

/* Every item of a comma list is in allowed (NULL allowed: a level name). */
static int check_list(const char *v, const char *const *allowed)
{
	char item[64];
	const char *p = v;
	if (!*v || strlen(v) > 400)
		return 0;
	while (*p) {
		size_t n = strcspn(p, ",");
		if (n == 0 || n >= sizeof item)
			return 0;
		memcpy(item, p, n);
		item[n] = '\0';
		if (allowed ? !in_list(item, allowed) : parley_level_rank(item) < 0)
			return 0;
		p += n;
		if (*p == ',')
			p++;
	}
	return 1;
}

static const char *const *enum_values(const char *col)
{
	const pl_concept *c = pl_concept_find("visit");
	int i = c ? pl_concept_col(c, col) : -1;
	return i >= 0 ? c->cols[i].values : NULL;
}

static int parse_long(const char *v, long lo, long hi, long *out)
{
	char *end;
	if (!*v || strlen(v) > 9)
		return 0;
	long x = strtol(v, &end, 10);
	if (*end || x < lo || x > hi)
		return 0;
	*out = x;
	return 1;
}

const char *const pl_wq_list_params[] = {"between", "direction", "from", "to", "year", "level",
                                         "min_level", "type", "status", "person", "visitor",
                                         "companion", "top", "q", "sort", "page", "per_page",
                                         NULL};

int pl_wq_parse(pl_wq *q, const pl_param *ps, size_t n, const char *const *allowed,
                parley_err *err)
{
	memset(q, 0, sizeof *q);
	q->page = 1;
	q->per_page = 50;
	q->sort = "date";
	for (size_t i = 0; i < n; i++) {
		const char *k = ps[i].key, *v = ps[i].value;
		if (!in_list(k, allowed))
			return bad(q, err, k, "unknown parameter", v);
		for (size_t j = 0; j < i; j++)
			if (strcmp(ps[j].key, k) == 0)
				return bad(q, err, k, "given more than once", v);
		if (!*v)
			continue; /* an empty form field means no filter */
		if (strcmp(k, "between") == 0) {
			if (!parse_pair(v, q->a, q->b))
				return bad(q, err, k, "expected two country codes like CHN:PRK", v);
		} else if (strcmp(k, "direction") == 0) {
			if (!parse_pair(v, q->dir_from, q->dir_to))
				return bad(q, err, k, "expected FROM:TO country codes like PRK:CHN", v);
		} else if (strcmp(k, "from") == 0 || strcmp(k, "to") == 0 || strcmp(k, "year") == 0) {
			parley_date d;
			if (strlen(v) > 10 || parley_date_parse(v, strlen(v), &d, NULL) != PARLEY_OK)
				return bad(q, err, k, "expected a date YYYY, YYYY-MM or YYYY-MM-DD", v);
			if (strcmp(k, "year") == 0 && d.precision != PARLEY_YEAR)
				return bad(q, err, k, "expected a year YYYY", v);
			if (k[0] != 't') { /* from, year */
				char buf[16];
				parley_date_format(d, buf, sizeof buf);
				if (!q->from[0] || strcmp(buf, q->from) > 0)
					pl_strlcpy(q->from, buf, sizeof q->from);
			}
			if (k[0] != 'f') { /* to, year: the day after the last possible day */
				char buf[16];
				parley_date_format(parley_date_from_day(parley_date_last_day(d) + 1), buf, sizeof buf);
				if (!q->to_excl[0] || strcmp(buf, q->to_excl) < 0)
					pl_strlcpy(q->to_excl, buf, sizeof q->to_excl);
			}
			if (k[0] == 'f')
				q->from_raw = v;
			else if (k[0] == 't')
				q->to_raw = v;
			else
				q->year = v;
		} else if (strcmp(k, "level") == 0) {
			if (!check_list(v, NULL))
				return bad(q, err, k, "expected level names separated by commas", v);
			q->level = v;
		} else if (strcmp(k, "min_level") == 0) {
			if (parley_level_rank(v) < 0)
				return bad(q, err, k, "expected a level name such as head_of_government", v);
			q->min_level = v;
		} else if (strcmp(k, "type") == 0) {
			const char *const *ok = enum_values("type");
			if (!ok || !check_list(v, ok))
				return bad(q, err, k, "expected visit types separated by commas", v);
			q->type = v;
		} else if (strcmp(k, "status") == 0) {
			const char *const *ok = enum_values("status");
			if (!ok || !check_list(v, ok))
				return bad(q, err, k, "expected statuses separated by commas", v);
			q->status = v;
		} else if (strcmp(k, "person") == 0) {
			if (strlen(v) > 200)
				return bad(q, err, k, "too long", v);
			q->person = v;
		} else if (strcmp(k, "visitor") == 0 || strcmp(k, "companion") == 0) {
			if (strlen(v) > 200)
				return bad(q, err, k, "too long", v);
			*(k[0] == 'v' ? &q->visitor : &q->companion) = v;
		} else if (strcmp(k, "top") == 0) {
			q->top = v; /* checked against between= below */
		} else if (strcmp(k, "q") == 0) {
			if (strlen(v) > 200)
				return bad(q, err, k, "search text longer than 200 bytes", v);
			q->q = v;
		} else if (strcmp(k, "sort") == 0) {
			static const char *const sorts[] = {"date", "-date", "level", "visitor", NULL};
			if (!in_list(v, sorts))
				return bad(q, err, k, "expected date, -date, level or visitor", v);
			q->sort = v;
		} else if (strcmp(k, "page") == 0) {
			if (!parse_long(v, 1, 100000, &q->page))
				return bad(q, err, k, "expected a page number from 1", v);
		} else if (strcmp(k, "per_page") == 0) {
			if (!parse_long(v, 1, PL_WQ_MAX_PER_PAGE, &q->per_page))
				return bad(q, err, k, "expected a number from 1 to 1000", v);
		} else if (strcmp(k, "id") == 0) {
			/* handled by the caller (e.g. the visit id of /api/v1/context) */
		}
	}
	if (q->top) {
		/* top=A or top=A,B: each a country of the between= pair, once */
		const char *p = q->top;
		int seen_a = 0, seen_b = 0;
		if (!q->a[0])
			return bad(q, err, "top", "needs between=A:B (the pair whose eras define the leaders)", q->top);
		while (*p) {
			size_t n = strcspn(p, ",");
			int is_a = n == strlen(q->a) && strncmp(p, q->a, n) == 0;
			int is_b = n == strlen(q->b) && strncmp(p, q->b, n) == 0;
			if ((!is_a && !is_b) || (is_a && seen_a) || (is_b && seen_b))
				return bad(q, err, "top", "expected one or both country codes of between=, separated by a comma", q->top);
			seen_a |= is_a;
			seen_b |= is_b;
			p += n;
			if (*p == ',' && *++p == '\0')
				return bad(q, err, "top", "expected one or both country codes of between=, separated by a comma", q->top);
		}
	}
	return PARLEY_OK;
}

/* 1 when the person id exists. */
static int person_exists(parley_db *db, const char *id)
{
	const char *b[] = {id, NULL};
	json_t *r = pl_row1(db, "SELECT 1 AS x FROM person WHERE id = ?", b, NULL);
	json_decref(r);
	return r != NULL;
}

int pl_wq_resolve(parley_db *db, pl_wq *q, const char *as_of, parley_err *err)
{
	if (q->visitor && !person_exists(db, q->visitor))
		return bad(q, err, "visitor", "no person with that id", q->visitor);
	if (q->companion && !person_exists(db, q->companion))
		return bad(q, err, "companion", "no person with that id", q->companion);
	if (!q->top)
		return PARLEY_OK;
	/* The analysis decides who was paramount leader when (tenures, or the
	 * level paramount_leader), so the list holds exactly the visits behind
	 * the era table's "by the two leaders" counts. */
	parley_analysis_opts o = {.a = q->a, .b = q->b, .as_of = as_of};
	parley_eras *e = NULL;
	json_t *ids = json_array();
	int rc = parley_eras_compute(db, &o, PARLEY_ERAS_PAIR, &e, NULL);
	if (rc == PARLEY_OK) {
		size_t la = strlen(q->a), lb = strlen(q->b);
		const char *p = q->top;
		int want_a = 0, want_b = 0;
		while (*p) {
			size_t n = strcspn(p, ",");
			want_a |= n == la && strncmp(p, q->a, n) == 0;
			want_b |= n == lb && strncmp(p, q->b, n) == 0;
			p += n + (p[n] == ',');
		}
		for (size_t i = 0; i < e->n; i++) {
			const parley_era *r = &e->eras[i];
			for (size_t j = 0; want_a && j < r->top_a_to_b.n; j++)
				json_array_append_new(ids, json_string(r->top_a_to_b.ids[j]));
			for (size_t j = 0; want_b && j < r->top_b_to_a.n; j++)
				json_array_append_new(ids, json_string(r->top_b_to_a.ids[j]));
		}
		parley_eras_free(e);
	} else if (rc != PARLEY_ENOTFOUND) {
		json_decref(ids);
		return parley_err_set(err, PARLEY_EDB, "web: top=: the eras of %s and %s cannot be computed", q->a, q->b);
	} /* a pair without tenures has no leader visits by that rule: none */
	q->top_ids = json_dumps(ids, JSON_COMPACT);
	json_decref(ids);
	return q->top_ids ? PARLEY_OK : parley_err_set(err, PARLEY_ENOMEM, "web: top=: out of memory");
}

void pl_wq_free(pl_wq *q)
{
	free(q->top_ids);
	q->top_ids = NULL;
}

/* The FTS5 query for free text: each word becomes a quoted prefix term,
 * so no user text is ever parsed as FTS syntax. */
static int fts_query(const char *q, pl_buf *out)
{
	const unsigned char *p = (const unsigned char *)q;
	int words = 0;
	while (*p) {
		while (*p && *p < 0x80 && !isalnum(*p))
			p++;
		const unsigned char *s = p;
		while (*p && (*p >= 0x80 || isalnum(*p)))
			p++;
		if (p > s) {
			if (words++)
				pl_buf_puts(out, " AND ");
			pl_buf_putc(out, '"');
			pl_buf_append(out, s, (size_t)(p - s));
			if (pl_buf_puts(out, "\"*") != PARLEY_OK)
				return PARLEY_ELIMIT;
		}
	}
	return words;
}

/* Appends the WHERE clause for q (table alias v) and records the values to
 * bind, in order, in binds. */
int pl_wq_where(const pl_wq *q, pl_buf *sql, pl_wq_binds *bd)
{
	bd->n = 0;
	pl_buf_init(&bd->fts, 1024);
	pl_buf_puts(sql, " WHERE 1");
#define BIND(s) (bd->v[bd->n++] = (s))
	if (q->a[0]) {
		pl_buf_puts(sql, " AND ((v.from_country = ? AND v.to_country = ?) OR (v.from_country = ? AND v.to_country = ?))");
		BIND(q->a); BIND(q->b); BIND(q->b); BIND(q->a);
	}
	if (q->dir_from[0]) {
		pl_buf_puts(sql, " AND v.from_country = ? AND v.to_country = ?");
		BIND(q->dir_from); BIND(q->dir_to);
	}
	if (q->from[0]) {
		pl_buf_puts(sql, " AND v.start_date >= ?");
		BIND(q->from);
	}
	if (q->to_excl[0]) {
		pl_buf_puts(sql, " AND v.start_date < ?");
		BIND(q->to_excl);
	}
	if (q->level) {
		pl_buf_puts(sql, " AND instr(',' || ? || ',', ',' || v.level || ',') > 0");
		BIND(q->level);
	}
	if (q->min_level) {
		pl_buf_puts(sql, " AND pl_rank(v.level) >= pl_rank(?)");
		BIND(q->min_level);
	}
	if (q->type) {
		pl_buf_puts(sql, " AND instr(',' || ? || ',', ',' || v.type || ',') > 0");
		BIND(q->type);
	}
	pl_buf_puts(sql, " AND instr(',' || ? || ',', ',' || v.status || ',') > 0");
	BIND(q->status ? q->status : "confirmed,reported");
	if (q->person) {
		pl_buf_puts(sql, " AND (v.visitor = ? OR EXISTS(SELECT 1 FROM visit_person vp"
		                 " WHERE vp.visit = v.id AND vp.person = ?))");
		BIND(q->person); BIND(q->person);
	}
	if (q->visitor) {
		pl_buf_puts(sql, " AND v.visitor = ?");
		BIND(q->visitor);
	}
	if (q->companion) {
		pl_buf_puts(sql, " AND EXISTS(SELECT 1 FROM visit_person vp WHERE vp.visit = v.id"
		                 " AND vp.role = 'companion' AND vp.person = ?)");
		BIND(q->companion);
	}
	if (q->top) {
		pl_buf_puts(sql, " AND v.id IN (SELECT value FROM json_each(?))");
		BIND(q->top_ids ? q->top_ids : "[]");
	}
	if (q->q) {
		int words = fts_query(q->q, &bd->fts);
		if (words > 0) {
			pl_buf_puts(sql, " AND v.id IN (SELECT id FROM temp.visit_fts WHERE visit_fts MATCH ?)");
			BIND(bd->fts.data);
		}
	}
#undef BIND
	return pl_buf_puts(sql, "");
}

void pl_wq_binds_free(pl_wq_binds *bd)
{
	pl_buf_free(&bd->fts);
}

int pl_wq_bind(sqlite3_stmt *st, const pl_wq_binds *bd, int first)
{
	for (int i = 0; i < bd->n; i++)
		if (sqlite3_bind_text(st, first + i, bd->v[i], -1, SQLITE_STATIC) != SQLITE_OK)
			return PARLEY_EDB;
	return PARLEY_OK;
}

/* ------------------------------------------------------------------ */
/* Rows to JSON                                                        */
/* ------------------------------------------------------------------ */

/* One statement row as an object keyed by column names (NULLs kept);
 * caller decrefs. */
json_t *pl_row_json(sqlite3_stmt *st)
{
	json_t *o = json_object();
	int n = sqlite3_column_count(st);
	for (int i = 0; i < n && o; i++) {
		const char *name = sqlite3_column_name(st, i);
		json_t *v;
		switch (sqlite3_column_type(st, i)) {
		case SQLITE_INTEGER: v = json_integer(sqlite3_column_int64(st, i)); break;
		case SQLITE_FLOAT: v = json_real(sqlite3_column_double(st, i)); break;
		case SQLITE_NULL: v = json_null(); break;
		default: v = json_stringn((const char *)sqlite3_column_text(st, i),
		                          (size_t)sqlite3_column_bytes(st, i));
		}
		json_object_set_new(o, name, v ? v : json_null());
	}
	return o;
}

/* Runs sql with up to 4 text binds (NULL ends the list) and collects the
 * rows.  Returns a new array (caller decrefs) or NULL with err set. */
json_t *pl_rows(parley_db *db, const char *sql, const char *const *binds, parley_err *err)
{
	sqlite3_stmt *st;
	if (pl_prepare(db, sql, &st, err) != PARLEY_OK)
		return NULL;
	for (int i = 0; binds && binds[i]; i++)
		sqlite3_bind_text(st, i + 1, binds[i], -1, SQLITE_STATIC);
	json_t *arr = json_array();
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(arr, pl_row_json(st));
	if (rc != SQLITE_DONE) {
		pl_db_error(db, err, "web query");
		json_decref(arr);
		arr = NULL;
	}
	sqlite3_finalize(st);
	return arr;
}

json_t *pl_row1(parley_db *db, const char *sql, const char *const *binds, parley_err *err)
{
	json_t *rows = pl_rows(db, sql, binds, err);
	if (!rows)
		return NULL;
	json_t *r = json_array_get(rows, 0);
	json_incref(r);
	json_decref(rows);
	return r; /* NULL when there was no row */
}

/* The columns a visit has in lists (and in CSV, in this order). */
const char *const pl_visit_list_cols =
    "v.id AS id, v.start_date AS start_date, v.end_date AS end_date,"
    " substr(v.start_date,1,4) + 0 AS year,"
    " v.from_country AS from_country, v.to_country AS to_country,"
    " coalesce(cf.name, v.from_country) AS from_name, coalesce(ct.name, v.to_country) AS to_name,"
    " v.visitor AS visitor, coalesce(p.name, v.visitor_label, 'unidentified') AS visitor_name,"
    " v.visitor_title AS visitor_title, v.level AS level, v.type AS type, v.status AS status,"
    " v.confidence AS confidence,"
    " (SELECT group_concat(name, '; ') FROM place WHERE visit = v.id) AS places,"
    " v.summary AS summary";

const char *const pl_visit_from =
    " FROM visit v LEFT JOIN person p ON p.id = v.visitor"
    " LEFT JOIN country cf ON cf.code = v.from_country"
    " LEFT JOIN country ct ON ct.code = v.to_country";

static const char *order_by(const char *sort)
{
	if (strcmp(sort, "-date") == 0)
		return " ORDER BY v.start_date DESC, v.id DESC";
	if (strcmp(sort, "level") == 0)
		return " ORDER BY pl_rank(v.level) DESC, v.start_date, v.id";
	if (strcmp(sort, "visitor") == 0)
		return " ORDER BY visitor_name COLLATE NOCASE, v.start_date, v.id";
	return " ORDER BY v.start_date, v.id";
}

int pl_wq_visits(parley_db *db, const pl_wq *q, int all, json_t **out_rows, long *total,
                 parley_err *err)
{
	pl_buf sql;
	pl_buf_init(&sql, 8192);
	pl_wq_binds bd;
	pl_buf_puts(&sql, "SELECT count(*)");
	pl_buf_puts(&sql, pl_visit_from);
	pl_wq_where(q, &sql, &bd);
	sqlite3_stmt *st = NULL;
	int rc = pl_prepare(db, sql.data, &st, err);
	if (rc == PARLEY_OK) {
		pl_wq_bind(st, &bd, 1);
		*total = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
		sqlite3_finalize(st);
	}
	pl_buf_reset(&sql);
	pl_buf_puts(&sql, "SELECT ");
	pl_buf_puts(&sql, pl_visit_list_cols);
	pl_buf_puts(&sql, pl_visit_from);
	pl_wq_binds_free(&bd);
	pl_wq_where(q, &sql, &bd);
	pl_buf_puts(&sql, order_by(q->sort));
	if (!all)
		pl_buf_printf(&sql, " LIMIT %ld OFFSET %ld", q->per_page, (q->page - 1) * q->per_page);
	if (rc == PARLEY_OK)
		rc = pl_prepare(db, sql.data, &st, err);
	if (rc == PARLEY_OK) {
		pl_wq_bind(st, &bd, 1);
		json_t *arr = json_array();
		int s;
		while ((s = sqlite3_step(st)) == SQLITE_ROW)
			json_array_append_new(arr, pl_row_json(st));
		if (s != SQLITE_DONE) {
			rc = pl_db_error(db, err, "listing visits");
			json_decref(arr);
		} else {
			*out_rows = arr;
		}
		sqlite3_finalize(st);
	}
	pl_wq_binds_free(&bd);
	pl_buf_free(&sql);
	return rc;
}

/* Counts of the filtered visits grouped by expr (e.g. 'v.level'), as
 * [{"value":..,"n":..}] ordered by count. */
json_t *pl_wq_facet(parley_db *db, const pl_wq *q, const char *expr, const char *order,
                    parley_err *err)
{
	pl_buf sql;
	pl_buf_init(&sql, 8192);
	pl_wq_binds bd;
	pl_buf_printf(&sql, "SELECT %s AS value, count(*) AS n", expr);
	pl_buf_puts(&sql, pl_visit_from);
	pl_wq_where(q, &sql, &bd);
	pl_buf_printf(&sql, " GROUP BY 1 ORDER BY %s", order ? order : "2 DESC, 1");
	sqlite3_stmt *st = NULL;
	json_t *arr = NULL;
	if (pl_prepare(db, sql.data, &st, err) == PARLEY_OK) {
		pl_wq_bind(st, &bd, 1);
		arr = json_array();
		while (sqlite3_step(st) == SQLITE_ROW)
			json_array_append_new(arr, pl_row_json(st));
		sqlite3_finalize(st);
	}
	pl_wq_binds_free(&bd);
	pl_buf_free(&sql);
	return arr;
}

/* ------------------------------------------------------------------ */
/* Eras: leader pairs from paramount-leader tenures                   */
/* ------------------------------------------------------------------ */

/* The leader-pair eras are the analysis module's (the same as `parley
 * eras A B`), so the dashboard's table and `parley eras` always agree.  A
 * pair without paramount-leader tenures has no eras: an empty list. */
json_t *pl_web_eras(parley_db *db, const char *a, const char *b, parley_err *err)
{
	(void)err;
	json_t *e = pl_an_eras(db, a, b, NULL, NULL);
	return e ? e : json_array();
}

/* Fractional year of a date's first possible day (2012-11-15 -> 2012.87). */
double pl_frac_year(const char *date)
{
	parley_date d;
	if (!date || parley_date_parse(date, strlen(date), &d, NULL) != PARLEY_OK)
		return 0;
	long first = parley_date_first_day(d);
	parley_date jan = {d.year, 1, 1, PARLEY_DAY};
	parley_date next = {d.year + 1, 1, 1, PARLEY_DAY};
	long j = parley_date_first_day(jan), n = parley_date_first_day(next);
	return d.year + (double)(first - j) / (double)(n - j);
}

/* Days between two dates' first possible days (b - a). */
long pl_days_between(const char *a, const char *b)
{
	parley_date da, db;
	if (!a || !b || parley_date_parse(a, strlen(a), &da, NULL) != PARLEY_OK ||
	    parley_date_parse(b, strlen(b), &db, NULL) != PARLEY_OK)
		return 0;
	return parley_date_first_day(db) - parley_date_first_day(da);
}
