/*
 * search_text.c - every visit's search text in one pass (a bulk import,
 * import_bulk.c, through pl_search_refresh_all).
 *
 * The view visit_search_text (schema.c, migration_query) says what a
 * search matches.  Evaluated for every visit it runs, per visit, a
 * correlated subquery for the visitor's aliases, the places, the
 * delegation (and per delegate a person and aliases) and the activities:
 * about 17 s of CPU at a million visits, most of a bulk import's upkeep
 * (issue 13: 1M visits in 60 s).  Here the same text is built from one
 * ordered read of each table instead: the visits, places, delegates and
 * activities are each read once in visit id order (their primary keys,
 * so no sort) and merged, and the people, their aliases and the countries,
 * which every visit names again and again, are read once into maps.
 *
 * The text is byte for byte the view's (tests/unit/test_core_search_text.c
 * compares the two for every visit): the same pieces in the same order,
 * with the same separators, each group in the order the view's subquery
 * reads it (the primary key: places and activities by seq, delegates by
 * role and seq, aliases by alias), NULL as the view's coalesce makes it,
 * and the whole folded by the same parley_fold_words, which like the SQL
 * function stops at a NUL.  The rows are written by the same upsert as
 * the view's refresh, so a row changes only where its text or columns do.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A person as the view reads one: "name native_name" (the view's
 * name || ' ' || coalesce(native_name, '')), and the aliases joined by a
 * space, NULL when none.  A country is kept the same way, its name in
 * names. */
typedef struct st_person {
	int known;        /* a row in person (aliases alone do not make one) */
	pl_buf names;     /* "name native_name" */
	pl_buf aliases;   /* "a b c", len 0 = none */
} st_person;

/* One ordered read (a visit's places, delegates or activities). */
typedef struct st_stream {
	sqlite3_stmt *st;
	int row; /* 1 while st is on a row */
} st_stream;

typedef struct st_ctx {
	parley_db *db;
	pl_map people;    /* id -> st_person (p) */
	pl_map countries; /* code -> st_person (p), its name in names */
	pl_buf raw;       /* the text before folding */
} st_ctx;

int pl_bincmp(const void *a, size_t an, const void *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);
	return c ? c : (an > bn) - (an < bn);
}

static void col(sqlite3_stmt *st, int i, const char **s, size_t *n)
{
	*s = (const char *)sqlite3_column_text(st, i);
	*n = (size_t)sqlite3_column_bytes(st, i);
}

/* Appends column i of st, exactly its bytes ('' for NULL, as coalesce). */
static void add_col(pl_buf *b, sqlite3_stmt *st, int i)
{
	const char *s;
	size_t n;
	col(st, i, &s, &n);
	if (s)
		pl_buf_add(b, s, n);
}

static int step(st_ctx *c, st_stream *s, parley_err *err)
{
	int r = sqlite3_step(s->st);
	s->row = r == SQLITE_ROW;
	return r == SQLITE_ROW || r == SQLITE_DONE ? PARLEY_OK
	                                           : pl_db_error(c->db, err, "reading the search text's rows");
}

static void people_free(pl_map *m)
{
	for (size_t i = 0; i < m->cap; i++)
		if (m->slot[i].key && m->slot[i].p) {
			st_person *p = m->slot[i].p;
			pl_buf_free(&p->names);
			pl_buf_free(&p->aliases);
			free(p);
		}
	pl_map_free(m);
}

/* The person of id (n bytes), added when absent; NULL when out of memory
 * (the caller has checked that id holds no NUL: the map's keys are C
 * strings). */
static st_person *person_put(pl_map *m, const char *id, size_t n)
{
	int added;
	pl_map_slot *s = pl_map_put(m, id, n, &added);
	if (!s)
		return NULL;
	if (!s->p) {
		st_person *p = calloc(1, sizeof *p);
		if (!p)
			return NULL;
		pl_buf_init(&p->names, 0);
		pl_buf_init(&p->aliases, 0);
		s->p = p;
	}
	return s->p;
}

static st_person *person_find(const pl_map *m, sqlite3_stmt *st, int i)
{
	const char *id;
	size_t n;
	col(st, i, &id, &n);
	pl_map_slot *s = id ? pl_map_find(m, id, n) : NULL;
	return s ? s->p : NULL;
}

enum { L_PERSON, L_ALIAS, L_COUNTRY };

/* Reads the rows of sql (a key, then its values) into m: a person's names,
 * one more alias, or a country's name (kept in names).  PARLEY_ELIMIT (err
 * not set) for a key with a NUL in it, which only raw SQL can write: the
 * map's keys are C strings, and the caller then runs the view. */
static int load(st_ctx *c, pl_map *m, const char *sql, int kind, parley_err *err)
{
	sqlite3_stmt *st;
	int rc = pl_prepare(c->db, sql, &st, err), s = SQLITE_DONE;
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		const char *id;
		size_t n;
		col(st, 0, &id, &n);
		if (!id || memchr(id, 0, n)) {
			rc = PARLEY_ELIMIT;
			break;
		}
		st_person *p = person_put(m, id, n);
		if (!p) {
			rc = PARLEY_ENOMEM;
			break;
		}
		pl_buf *b = kind == L_ALIAS ? &p->aliases : &p->names;
		if (kind == L_ALIAS && b->len)
			pl_buf_addc(b, ' ');
		add_col(b, st, 1);
		if (kind == L_PERSON) {
			p->known = 1;
			pl_buf_addc(b, ' ');
			add_col(b, st, 2);
		}
		if (pl_buf_failed(b))
			rc = PARLEY_ENOMEM;
	}
	if (!rc && s != SQLITE_DONE)
		rc = pl_db_error(c->db, err, "reading people and countries for the search text");
	sqlite3_finalize(st);
	return rc == PARLEY_ENOMEM ? parley_err_set(err, rc, "search text: out of memory") : rc;
}

/* The people with their aliases, and the countries' names, into c. */
static int load_maps(st_ctx *c, parley_err *err)
{
	int rc = load(c, &c->people, "SELECT id, name, native_name FROM person", L_PERSON, err);
	/* in the view's order: its subquery reads the primary key (person, alias) */
	if (!rc)
		rc = load(c, &c->people, "SELECT person, alias FROM person_alias ORDER BY person, alias",
		          L_ALIAS, err);
	return rc ? rc : load(c, &c->countries, "SELECT code, name FROM country", L_COUNTRY, err);
}

/* Moves s past rows whose visit (column 0) orders before id (every
 * stream is in SQLite's BINARY order, pl_bincmp's): a row of no
 * visit (the foreign keys forbid it) is in no visit's text, as in the
 * view.  *here: 1 when s is then on a row of id. */
static int seek(st_ctx *c, st_stream *s, const char *id, size_t n, int *here, parley_err *err)
{
	int rc = PARLEY_OK;
	*here = 0;
	while (!rc && s->row) {
		const char *v;
		size_t vn;
		col(s->st, 0, &v, &vn);
		int cmp = pl_bincmp(v ? v : "", vn, id, n);
		if (cmp == 0)
			*here = 1;
		if (cmp >= 0)
			break;
		rc = step(c, s, err);
	}
	return rc;
}

/* Appends group_concat(column 1, ' ') of s's rows of visit id, and moves
 * past them. */
static int add_group(st_ctx *c, st_stream *s, const char *id, size_t n, parley_err *err)
{
	int here, rc = seek(c, s, id, n, &here, err);
	for (int first = 1; !rc && here; first = 0) {
		if (!first)
			pl_buf_addc(&c->raw, ' ');
		add_col(&c->raw, s->st, 1);
		rc = step(c, s, err);
		if (!rc)
			rc = seek(c, s, id, n, &here, err);
	}
	return rc;
}

/* The same for the delegation (visit, name, detail, person): per delegate
 * "name detail names aliases", as the view's subquery. */
static int add_delegation(st_ctx *c, st_stream *s, const char *id, size_t n, parley_err *err)
{
	int here, rc = seek(c, s, id, n, &here, err);
	for (int first = 1; !rc && here; first = 0) {
		if (!first)
			pl_buf_addc(&c->raw, ' ');
		add_col(&c->raw, s->st, 1);
		pl_buf_addc(&c->raw, ' ');
		add_col(&c->raw, s->st, 2);
		pl_buf_addc(&c->raw, ' ');
		st_person *p = person_find(&c->people, s->st, 3);
		if (p && p->known)
			pl_buf_add(&c->raw, p->names.data, p->names.len);
		pl_buf_addc(&c->raw, ' ');
		if (p && p->aliases.len)
			pl_buf_add(&c->raw, p->aliases.data, p->aliases.len);
		rc = step(c, s, err);
		if (!rc)
			rc = seek(c, s, id, n, &here, err);
	}
	return rc;
}

static void add_country(st_ctx *c, sqlite3_stmt *st, int i)
{
	const char *code;
	size_t n;
	col(st, i, &code, &n);
	pl_map_slot *s = code ? pl_map_find(&c->countries, code, n) : NULL;
	if (s) {
		const st_person *country = s->p;
		pl_buf_add(&c->raw, country->names.data, country->names.len);
	}
}

/* The visit columns read, in this order. */
enum { V_ID, V_VISITOR, V_LABEL, V_TITLE, V_SUMMARY, V_NOTE, V_DISPUTED, V_FROM, V_TO, V_KEY,
       V_LEVEL, V_TYPE, V_STATUS };

/* The raw (unfolded) text of the visit v is on, into c->raw. */
static int visit_text(st_ctx *c, sqlite3_stmt *v, st_stream *places, st_stream *people,
                      st_stream *acts, parley_err *err)
{
	const char *id;
	size_t n;
	col(v, V_ID, &id, &n);
	pl_buf_reset(&c->raw);
	pl_buf *b = &c->raw;
	st_person *p = person_find(&c->people, v, V_VISITOR);
	/* coalesce(p.name,'') || ' ' || coalesce(p.native_name,''): a single
	 * space when the visitor is no person */
	if (p && p->known)
		pl_buf_add(b, p->names.data, p->names.len);
	else
		pl_buf_addc(b, ' ');
	for (int i = V_LABEL; i <= V_DISPUTED; i++) {
		pl_buf_addc(b, ' ');
		add_col(b, v, i);
	}
	pl_buf_addc(b, ' ');
	if (p && p->aliases.len)
		pl_buf_add(b, p->aliases.data, p->aliases.len);
	pl_buf_addc(b, ' ');
	int rc = add_group(c, places, id, n, err);
	pl_buf_addc(b, ' ');
	if (!rc)
		rc = add_delegation(c, people, id, n, err);
	pl_buf_addc(b, ' ');
	if (!rc)
		rc = add_group(c, acts, id, n, err);
	pl_buf_addc(b, ' ');
	add_country(c, v, V_FROM);
	pl_buf_addc(b, ' ');
	add_country(c, v, V_TO);
	if (!rc && pl_buf_failed(b))
		rc = parley_err_set(err, PARLEY_ENOMEM, "search text: out of memory");
	return rc;
}

/* The upsert of pl_search_refresh_all's SQL (query_visits.c), one row:
 * written only where the text or a column changed. */
static const char *const upsert =
    "INSERT INTO visit_search(visit, body, start_key, from_country, to_country, level, type, status)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
    " ON CONFLICT(visit) DO UPDATE SET body = excluded.body, start_key = excluded.start_key,"
    " from_country = excluded.from_country, to_country = excluded.to_country,"
    " level = excluded.level, type = excluded.type, status = excluded.status"
    " WHERE (body, start_key, from_country, to_country, level, type, status) IS NOT"
    " (excluded.body, excluded.start_key, excluded.from_country, excluded.to_country,"
    " excluded.level, excluded.type, excluded.status)";

/* Binds column i of v to parameter k of st, as it is (NULL stays NULL). */
static void bind_col(sqlite3_stmt *st, int k, sqlite3_stmt *v, int i)
{
	sqlite3_bind_value(st, k, sqlite3_column_value(v, i));
}

/* The full-text index is filled once, after the rows: while its triggers
 * on visit_search (visit_search_ai, _au) are kept, each row written is a
 * statement of its own, and FTS5 writes its pending terms out at every
 * statement's savepoint, a segment per row: 3 s of CPU at 100,000 visits
 * against 0.23 s for one 'rebuild' of the whole index from its rows. So
 * the two triggers are noted and dropped, the rows written, the index
 * rebuilt, and the triggers made again from the noted SQL, all in the
 * caller's transaction.  (The bulk import that calls this writes about as
 * many rows as the store holds, pl_bulk_wanted, so the rebuild re-reads
 * few rows it did not write.) */
static const char *const fts_triggers =
    "SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'visit_search'"
    " AND name IN ('visit_search_ai', 'visit_search_au') ORDER BY name";

static int fts_off(parley_db *db, pl_buf *saved, parley_err *err)
{
	sqlite3_stmt *st;
	int rc = pl_prepare(db, fts_triggers, &st, err), s = SQLITE_DONE;
	pl_buf drop;
	pl_buf_init(&drop, 0);
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		pl_buf_addf(&drop, "DROP TRIGGER \"%s\";", (const char *)sqlite3_column_text(st, 0));
		pl_buf_addf(saved, "%s;", (const char *)sqlite3_column_text(st, 1));
	}
	if (!rc && s != SQLITE_DONE)
		rc = pl_db_error(db, err, "reading the search index's triggers");
	sqlite3_finalize(st);
	if (!rc && (pl_buf_failed(&drop) || pl_buf_failed(saved)))
		rc = parley_err_set(err, PARLEY_ENOMEM, "search text: out of memory");
	if (!rc && drop.len)
		rc = pl_exec(db, drop.data, err);
	pl_buf_free(&drop);
	return rc;
}

/* The rebuild's pending terms (FTS5's 'hashsize', 1 MiB unless set): each
 * time they fill it FTS5 writes a segment, and at a million visits the
 * merges of those small segments were half the rebuild (3.9 s of CPU; with
 * 32 MiB, 2.3 s, for 40 MiB more memory at the end of the import, well
 * under the 256 MB of issue 13).  The store's own setting is put back
 * after: the value it had, or none (FTS5's default). */
#define REBUILD_HASH_BYTES (32 << 20)

static int fts_on(parley_db *db, const pl_buf *saved, parley_err *err)
{
	sqlite3_stmt *st;
	int rc = pl_prepare(db, "SELECT v FROM visit_fts_config WHERE k = 'hashsize'", &st, err);
	if (rc)
		return rc;
	int s = sqlite3_step(st);
	long long had = s == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	if (s != SQLITE_ROW && s != SQLITE_DONE)
		return pl_db_error(db, err, "reading the search index's settings");
	char sql[200];
	snprintf(sql, sizeof sql, "INSERT INTO visit_fts(visit_fts, rank) VALUES ('hashsize', %d);"
	         "INSERT INTO visit_fts(visit_fts) VALUES ('rebuild');", REBUILD_HASH_BYTES);
	rc = pl_exec(db, sql, err);
	/* FTS5's default is 1 MiB: set, so the connection holds it, then the
	 * row dropped, so the store is as it was */
	snprintf(sql, sizeof sql, "INSERT INTO visit_fts(visit_fts, rank) VALUES ('hashsize', %lld);%s",
	         had ? had : 1024 * 1024, had ? "" : "DELETE FROM visit_fts_config WHERE k = 'hashsize';");
	if (!rc)
		rc = pl_exec(db, sql, err);
	return rc || !saved->len ? rc : pl_exec(db, saved->data, err);
}

int pl_search_text_all(parley_db *db, parley_err *err)
{
	st_ctx c;
	memset(&c, 0, sizeof c);
	c.db = db;
	pl_buf_init(&c.raw, 0);
	sqlite3_stmt *v = NULL, *up = NULL;
	st_stream places = {0}, people = {0}, acts = {0};
	pl_buf saved;
	pl_buf_init(&saved, 0);
	/* the maps first: PARLEY_ELIMIT leaves the store untouched */
	int rc = load_maps(&c, err);
	if (!rc)
		rc = fts_off(db, &saved, err);
	/* each in its primary key's order: the visit id first, no sort */
	if (!rc)
		rc = pl_prepare(db, "SELECT id, visitor, visitor_label, visitor_title, summary, note, disputed,"
		                    " from_country, to_country, start_key, level, type, status FROM visit"
		                    " ORDER BY id", &v, err);
	if (!rc)
		rc = pl_prepare(db, "SELECT visit, name FROM place ORDER BY visit, seq", &places.st, err);
	if (!rc)
		rc = pl_prepare(db, "SELECT visit, name, detail, person FROM visit_person"
		                    " ORDER BY visit, role, seq", &people.st, err);
	if (!rc)
		rc = pl_prepare(db, "SELECT visit, description FROM activity ORDER BY visit, seq", &acts.st, err);
	if (!rc)
		rc = pl_prepare(db, upsert, &up, err);
	if (!rc)
		rc = step(&c, &places, err);
	if (!rc)
		rc = step(&c, &people, err);
	if (!rc)
		rc = step(&c, &acts, err);
	int s = SQLITE_DONE;
	while (!rc && (s = sqlite3_step(v)) == SQLITE_ROW) {
		rc = visit_text(&c, v, &places, &people, &acts, err);
		char *body = rc ? NULL : parley_fold_words(c.raw.data);
		if (!rc && !body)
			rc = parley_err_set(err, PARLEY_ENOMEM, "search text: out of memory");
		if (rc)
			break;
		bind_col(up, 1, v, V_ID);
		sqlite3_bind_text(up, 2, body, -1, free);
		static const int dims[] = {V_KEY, V_FROM, V_TO, V_LEVEL, V_TYPE, V_STATUS};
		for (int i = 0; i < 6; i++)
			bind_col(up, 3 + i, v, dims[i]);
		if (sqlite3_step(up) != SQLITE_DONE)
			rc = pl_db_error(db, err, "writing the search text");
		sqlite3_reset(up);
	}
	if (!rc && s != SQLITE_DONE)
		rc = pl_db_error(db, err, "reading visits for the search text");
	sqlite3_finalize(up);
	if (!rc)
		rc = fts_on(db, &saved, err);
	pl_buf_free(&saved);
	sqlite3_finalize(v);
	sqlite3_finalize(places.st);
	sqlite3_finalize(people.st);
	sqlite3_finalize(acts.st);
	people_free(&c.people);
	people_free(&c.countries);
	pl_buf_free(&c.raw);
	return rc;
}
