/*
 * import.c - the import engine: one transaction over every file, readers
 * chosen by content, and the validating upsert every reader writes into.
 *
 * All or nothing: the whole import runs in one IMMEDIATE transaction.
 * Readers report every bad row (they do not stop at the first), and when any
 * ERROR was reported the transaction is rolled back, so the store is exactly
 * as it was.  A killed process leaves an uncommitted transaction, which
 * SQLite's journal undoes on the next open.
 *
 * A failure of the store itself (disk full, I/O error, out of memory, busy,
 * locked, corrupt) ends the import at once: after SQLITE_FULL or IOERR
 * SQLite may already have rolled the transaction back by itself, and any
 * further row would then be committed on its own in autocommit mode.  So
 * such a failure sets `fatal`, every later row is refused without touching
 * the store, and the import closes with a rollback.
 *
 * Two rows with the same key in one import are an error naming both lines:
 * the second would silently replace the first.  Every key put is noted (in
 * a TEMP table, gone with the transaction).  A dataset reader may put a row
 * it derives more than once (a trip file names its source on every trip),
 * so for readers only a second row with other values is an error; in the
 * canonical formats (csv, json, ndjson) any repeat is.
 *
 * A visit this import adds or changes must have a source when the import
 * ends (its visit_source rows may come later in the file, or in another
 * file), unless its status is 'candidate': an unsourced visit would be
 * counted at once by every figure.
 *
 * Items of a visit (companions and hosts, places, activities: keyed by the
 * visit and a seq number) are appended, never replaced by accident: a row
 * with an empty seq takes the next free number, and a row whose seq names
 * an existing item with other values is an error unless the import was
 * asked to replace (import --replace; an edit names the full key and may).
 *
 * Upserts match on the concept's key.  A row identical to the stored one
 * writes nothing, so re-importing the same data changes nothing and adds
 * nothing to the audit log.
 */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define HEAD_BYTES 65536
#define MAX_FILE ((size_t)4 << 30)
#define REF_CACHE_MAX 65536
/* The page cache an import works in (KiB): its writes touch every index of
 * every table it fills (a dozen on visit), and past the cache each page is
 * written out to the WAL and read back again and again: at 1M visits the
 * indexes outgrow any cache; with 160 MiB the 1M import did 1.5 times the
 * work per CPU second it did with 64 MiB (issue 13).  Restored when the
 * import closes. */
#define IMPORT_CACHE_KIB 163840

typedef struct concept_counts {
	long inserted, updated, unchanged;
} concept_counts;

struct pl_import {
	parley_db *db;
	parley_report *rep;
	parley_import_stats stats;
	size_t errors;
	int fatal;                     /* the store failed: write nothing more */
	int strict_keys;               /* a repeated key is an error even when equal */
	int replace;                   /* a row may change an existing visit item */
	int unsourced_ok;              /* visits need no source (a scratch store) */
	const pl_csv_map *map;         /* --map: every file is that spreadsheet */
	sqlite3_stmt *seen_get, *seen_put; /* keys put so far (temp.pl_import_seen) */
	char **files;                  /* the files named there, by number */
	size_t nfiles;
	char fatal_msg[256];           /* SQLite's words for that failure */
	concept_counts counts[32];     /* per concept, current file */
	sqlite3_stmt *select[32];      /* by key */
	sqlite3_stmt *insert[32];
	sqlite3_stmt *update[32];
	sqlite3_stmt *exists[32];      /* key exists (for references) */
	char **owned;                  /* strings handed out by find_person */
	size_t nowned, owned_cap;
	/* Linking (import --match): the first pass notes the visits it adds
	 * (temp.pl_import_touched, added = 1); the second applies the links
	 * found for them. */
	pl_link *links;
	size_t nlinks;
	/* References found to exist, so that a visit's countries, visitor and
	 * office are looked up once per import, not once per row (issue 13).
	 * Bounded: emptied when full, and whenever a pass is rolled back. */
	pl_map refs;
	sqlite3_stmt *touch_put;       /* visits added or changed (temp.pl_import_touched) */
	long cache_before;             /* the connection's cache_size, restored at close */
	pl_import_guard guard;         /* decides which rows are written (bundled.c) */
	void *guard_ctx;
	int discard;                   /* roll back at close even without errors (dry run) */
	int bulk_wanted;               /* each transaction goes in bulk (import_bulk.c) */
	/* In bulk, the keys of rows inserted are not noted (temp.pl_import_seen:
	 * a third of a new row's cost): a key the import put twice is known by
	 * its row's rowid (pl_bulk.base), but not where it was first put.
	 * When a finding must say where, the bulk run is failed with redo set,
	 * and parley_import runs the import again row by row, whose findings
	 * are the ones reported (only ever for an import that fails). */
	int redo;
	int keys_by_rowid; /* the above: in bulk, when the input can be read again */
	pl_bulk bulk;
};

void pl_import_set_guard(pl_import *imp, pl_import_guard fn, void *ctx)
{
	imp->guard = fn;
	imp->guard_ctx = ctx;
}

void pl_import_discard(pl_import *imp)
{
	imp->discard = 1;
}

parley_db *pl_import_db(pl_import *imp)
{
	return imp->db;
}

/* Whether a failed step means the store itself failed (as opposed to a
 * row it refused, like a constraint), so that the import must stop. */
static int store_failure(sqlite3 *sql, int r)
{
	switch (r & 0xff) {
	case SQLITE_FULL:
	case SQLITE_IOERR:
	case SQLITE_NOMEM:
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
	case SQLITE_READONLY:
	case SQLITE_CANTOPEN:
	case SQLITE_PROTOCOL:
		return 1;
	default:
		/* Whatever the code: a transaction that vanished cannot go on. */
		return sqlite3_get_autocommit(sql);
	}
}

__attribute__((format(printf, 9, 0)))
static void vreport(pl_import *imp, parley_severity sev, const char *file, long line,
                    long column, const char *record, const char *field, const char *code,
                    const char *fmt, va_list ap)
{
	if (sev == PARLEY_ERROR)
		imp->errors++;
	if (!imp->rep)
		return;
	pl_buf b;
	pl_buf_init(&b, 4096);
	int rc = pl_buf_vprintf(&b, fmt, ap);
	parley_report_add(imp->rep, sev, file, line, column, record, field, code, "%s",
	                  rc == PARLEY_OK && b.data ? b.data : "(message too long)");
	pl_buf_free(&b);
}

void pl_import_report(pl_import *imp, parley_severity sev, const char *file,
                      long line, long column, const char *record,
                      const char *field, const char *code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(imp, sev, file, line, column, record, field, code, fmt, ap);
	va_end(ap);
}

/* A step that failed with r: a store failure stops the import (reported
 * once, PARLEY_EDB); anything else is this row's problem (PARLEY_EDATA). */
static int step_failed(pl_import *imp, int r, const char *file, long line, const char *label)
{
	sqlite3 *sql = imp->db->sql;
	if (!store_failure(sql, r)) {
		pl_import_report(imp, PARLEY_ERROR, file, line, 0, label, NULL, "database",
		                 "the store refused the row: %s", sqlite3_errmsg(sql));
		return PARLEY_EDATA;
	}
	if (!imp->fatal) {
		imp->fatal = 1;
		snprintf(imp->fatal_msg, sizeof imp->fatal_msg, "%s", sqlite3_errstr(r));
		pl_import_report(imp, PARLEY_ERROR, file, line, 0, label, NULL, "store-failed",
		                 "the store failed (%s): the import stops here and is rolled back",
		                 sqlite3_errmsg(sql));
	}
	return PARLEY_EDB;
}

/* The audit of a bulk import failed to be written (out of memory, or the
 * store): the import stops, as for a store failure. */
static int bulk_failed(pl_import *imp, const parley_err *err, const char *file, long line,
                       const char *label)
{
	pl_import_report(imp, PARLEY_ERROR, file, line, 0, label, NULL, "database", "%s", err->msg);
	imp->fatal = 1;
	pl_strlcpy(imp->fatal_msg, err->msg, sizeof imp->fatal_msg);
	return PARLEY_EDB;
}

void pl_import_unmapped(pl_import *imp, const char *file, long line,
                        const char *field, const char *fmt, ...)
{
	imp->stats.unmapped++;
	va_list ap;
	va_start(ap, fmt);
	vreport(imp, PARLEY_WARNING, file, line, 0, NULL, field, "unmapped", fmt, ap);
	va_end(ap);
}

void pl_line_col(const char *data, long at, long *line, long *col)
{
	*line = 1;
	*col = 1;
	for (long i = 0; i < at; i++) {
		if (data[i] == '\n') {
			++*line;
			*col = 1;
		} else {
			++*col;
		}
	}
}

int pl_import_reject_nul(pl_import *imp, const char *path, const char *data, size_t len)
{
	const char *z = memchr(data, '\0', len);
	if (!z)
		return PARLEY_OK;
	long line, col;
	pl_line_col(data, (long)(z - data), &line, &col);
	pl_import_report(imp, PARLEY_ERROR, path, line, col, NULL, NULL, "nul-byte",
	                 "NUL byte at byte offset %ld: text may not hold one", (long)(z - data));
	return PARLEY_EDATA;
}

/* ---------------------------------------------------------------- */
/* Statements, built from the descriptors                            */
/* ---------------------------------------------------------------- */

static int prepare_concept(pl_import *imp, size_t ci, parley_err *err)
{
	const pl_concept *c = pl_concept_at(ci);
	if (imp->insert[ci])
		return PARLEY_OK;
	pl_buf b;
	pl_buf_init(&b, 8192);
	int rc;
	/* SELECT all columns by key; parameters numbered by column (pl_key_where) */
	rc = pl_buf_puts(&b, "SELECT ");
	for (size_t i = 0; i < c->ncols; i++)
		if (!rc) rc = pl_buf_printf(&b, "%s%s", i ? ", " : "", c->cols[i].name);
	/* and the rowid, last: whether a bulk import inserted the row */
	if (!rc) rc = pl_buf_printf(&b, ", rowid FROM %s", c->name);
	if (!rc) rc = pl_key_where(&b, c);
	if (rc || pl_prepare_cached(imp->db, b.data, &imp->select[ci], err))
		goto fail;
	pl_buf_reset(&b);
	rc = pl_buf_printf(&b, "SELECT 1 FROM %s", c->name);
	if (!rc) rc = pl_key_where(&b, c);
	if (rc || pl_prepare_cached(imp->db, b.data, &imp->exists[ci], err))
		goto fail;
	/* INSERT with every column as ?1..?n.  In bulk, OR FAIL: a row the
	 * store refuses fails the whole import anyway (it is rolled back), so
	 * SQLite need not journal each statement to undo it alone, a copy of
	 * every page it touches (import_bulk.c) */
	const char *fail = imp->bulk.on ? " OR FAIL" : "";
	pl_buf_reset(&b);
	rc = pl_buf_printf(&b, "INSERT%s INTO %s(", fail, c->name);
	for (size_t i = 0; i < c->ncols; i++)
		if (!rc) rc = pl_buf_printf(&b, "%s%s", i ? ", " : "", c->cols[i].name);
	if (!rc) rc = pl_buf_puts(&b, ") VALUES (");
	for (size_t i = 0; i < c->ncols; i++)
		if (!rc) rc = pl_buf_printf(&b, "%s?%zu", i ? ", " : "", i + 1);
	if (!rc) rc = pl_buf_putc(&b, ')');
	if (rc || pl_prepare_cached(imp->db, b.data, &imp->insert[ci], err))
		goto fail;
	/* UPDATE non-key columns, same numbering as INSERT */
	pl_buf_reset(&b);
	rc = pl_buf_printf(&b, "UPDATE%s %s SET ", fail, c->name);
	int first = 1, all_key = 1;
	for (size_t i = 0; i < c->ncols; i++) {
		if (c->cols[i].key)
			continue;
		if (!rc) rc = pl_buf_printf(&b, "%s%s = ?%zu", first ? "" : ", ", c->cols[i].name, i + 1);
		first = 0;
		all_key = 0;
	}
	if (!rc) rc = pl_key_where(&b, c);
	if (rc)
		goto fail;
	if (all_key) { /* every column is key: nothing to update */
		imp->update[ci] = NULL;
	} else if (pl_prepare_cached(imp->db, b.data, &imp->update[ci], err)) {
		goto fail;
	}
	pl_buf_free(&b);
	return PARLEY_OK;
fail:
	pl_buf_free(&b);
	if (rc)
		return parley_err_set(err, PARLEY_ENOMEM, "out of memory preparing %s", c->name);
	return PARLEY_EDB;
}

static void finalize_all(pl_import *imp)
{
	/* from the store's statement cache (prepare_concept, begin_import):
	 * the next import, or a team server's next save, runs them again */
	for (size_t i = 0; i < PL_ARRAY_LEN(imp->select); i++) {
		pl_release(imp->db, imp->select[i]);
		pl_release(imp->db, imp->insert[i]);
		pl_release(imp->db, imp->update[i]);
		pl_release(imp->db, imp->exists[i]);
		imp->select[i] = imp->insert[i] = imp->update[i] = imp->exists[i] = NULL;
	}
	pl_release(imp->db, imp->seen_get);
	pl_release(imp->db, imp->seen_put);
	pl_release(imp->db, imp->touch_put);
	imp->seen_get = imp->seen_put = imp->touch_put = NULL;
}

/* ---------------------------------------------------------------- */
/* Validation and upsert of one row                                  */
/* ---------------------------------------------------------------- */

static int valid_int(const char *s)
{
	const char *p = s;
	if (*p == '-')
		p++;
	if (!*p || strlen(p) > 18)
		return 0;
	for (; *p; p++)
		if (*p < '0' || *p > '9')
			return 0;
	return 1;
}

/* 1 when the referenced key exists, 0 when not, or -1 with *step set to
 * the failed step's code (SQLITE_ERROR when the statement would not
 * prepare, err saying why). */
static int ref_exists(pl_import *imp, const char *concept, const char *value, int *step,
                      parley_err *err)
{
	const pl_concept *rc_ = pl_concept_find(concept);
	size_t ci = (size_t)(rc_ - pl_concept_at(0));
	/* Visits are not cached: an import names each visit in its items only
	 * a few times, in passes a million rows apart, so a cache of visits
	 * never answered and only pushed out the countries, people and
	 * offices it holds (issue 13). */
	char key[256];
	size_t cl = strlen(concept), vl = strlen(value);
	int cacheable = strcmp(concept, "visit") != 0 && cl + 1 + vl < sizeof key;
	size_t kn = cl + 1 + vl;
	if (cacheable) { /* "concept\x1fvalue" */
		memcpy(key, concept, cl);
		key[cl] = '\x1f';
		memcpy(key + cl + 1, value, vl);
	}
	if (cacheable && pl_map_find(&imp->refs, key, kn))
		return 1;
	*step = SQLITE_ERROR;
	if (prepare_concept(imp, ci, err))
		return -1;
	sqlite3_stmt *st = imp->exists[ci];
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, value, (int)vl, SQLITE_STATIC);
	int r = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st); /* value is the caller's: no pointer to it stays */
	*step = r;
	if (r == SQLITE_ROW && cacheable) {
		int added;
		if (imp->refs.n >= REF_CACHE_MAX)
			pl_map_free(&imp->refs); /* emptied: memory stays bounded */
		pl_map_put(&imp->refs, key, kn, &added); /* a failure only costs a lookup */
	}
	return r == SQLITE_ROW ? 1 : r == SQLITE_DONE ? 0 : -1;
}

static const char *record_label(const pl_concept *c, const char *const *v, char *buf, size_t cap)
{
	size_t o = (size_t)snprintf(buf, cap, "%s:", c->name);
	int first = 1;
	for (size_t i = 0; i < c->ncols && o < cap; i++) {
		if (!c->cols[i].key)
			continue;
		o += (size_t)snprintf(buf + o, cap - o, "%s%.60s", first ? "" : "/", v[i] ? v[i] : "");
		first = 0;
	}
	return buf;
}

static int bind_value(sqlite3_stmt *st, int i, const pl_column *col, const char *v)
{
	if (!v || !*v)
		return sqlite3_bind_null(st, i);
	if (col->type == PL_INT)
		return sqlite3_bind_int64(st, i, strtoll(v, NULL, 10));
	/* not copied: the statement is stepped, reset and its bindings
	 * cleared while the row's values live (pl_import_put) */
	return sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

static int same_value(sqlite3_stmt *st, int i, const pl_column *col, const char *v)
{
	int null_new = !v || !*v;
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return null_new;
	if (null_new)
		return 0;
	if (col->type == PL_INT)
		return sqlite3_column_int64(st, i) == strtoll(v, NULL, 10);
	const char *old = (const char *)sqlite3_column_text(st, i);
	return old && strcmp(old, v) == 0;
}

/* The number of a file among those this import noted keys from (its
 * path kept once), or -1 when out of memory. */
static long file_number(pl_import *imp, const char *file)
{
	for (size_t i = imp->nfiles; i-- > 0;)
		if (strcmp(imp->files[i], file) == 0)
			return (long)i;
	char **p = realloc(imp->files, (imp->nfiles + 1) * sizeof *p);
	if (!p)
		return -1;
	imp->files = p;
	if (!(p[imp->nfiles] = pl_strdup(file)))
		return -1;
	return (long)imp->nfiles++;
}

/* Looks the row's key up among the keys put so far in this import (only
 * notes it when is_new: the store lacks the key, so no row put so far had
 * it).  Returns 0 when new (and notes it), 1 when seen (*first_file and
 * *first_line say where; *first_file is malloc'd, the caller frees it), or
 * a negative SQLite step code when the store failed. */
static int seen_before(pl_import *imp, const pl_concept *c, const char *const *values,
                       const char *file, long line, int is_new, char **first_file,
                       long *first_line)
{
	/* the key columns, each ended by 0x1F, in a buffer on the stack when
	 * they fit (issue 13: a formatted buffer per row) */
	char small[512], *kd = small;
	size_t klen = 0;
	for (size_t i = 0; i < c->ncols; i++)
		if (c->cols[i].key)
			klen += (values[i] ? strlen(values[i]) : 0) + 1;
	if (klen > sizeof small && !(kd = malloc(klen)))
		return -SQLITE_NOMEM;
	size_t o = 0;
	for (size_t i = 0; i < c->ncols; i++) {
		if (!c->cols[i].key)
			continue;
		size_t n = values[i] ? strlen(values[i]) : 0;
		if (n)
			memcpy(kd + o, values[i], n);
		o += n;
		kd[o++] = '\x1f';
	}
	int rc = 0;
	sqlite3_stmt *g = imp->seen_get, *p = imp->seen_put;
	/* the concept and the file by number: a million keys noted, each
	 * holding a path, made the table several times larger (issue 13) */
	int ci = (int)(c - pl_concept_at(0));
	sqlite3_reset(g);
	sqlite3_bind_int(g, 1, ci);
	sqlite3_bind_text(g, 2, kd, (int)klen, SQLITE_STATIC);
	int r = is_new ? SQLITE_DONE : sqlite3_step(g);
	if (r == SQLITE_ROW) {
		size_t f = (size_t)sqlite3_column_int64(g, 0);
		*first_file = pl_strdup(f < imp->nfiles ? imp->files[f] : "?");
		*first_line = (long)sqlite3_column_int64(g, 1);
		rc = 1;
	} else if (r == SQLITE_DONE) {
		long f = file_number(imp, file ? file : "");
		if (f < 0) {
			if (kd != small)
				free(kd);
			return -SQLITE_NOMEM;
		}
		sqlite3_reset(p);
		sqlite3_bind_int(p, 1, ci);
		sqlite3_bind_text(p, 2, kd, (int)klen, SQLITE_STATIC);
		sqlite3_bind_int64(p, 3, f);
		sqlite3_bind_int64(p, 4, line);
		r = sqlite3_step(p);
		rc = r == SQLITE_DONE ? 0 : -r;
		sqlite3_reset(p);
	} else {
		rc = -r;
	}
	sqlite3_reset(g);
	if (kd != small)
		free(kd);
	return rc;
}

/* "FILE line N" or "FILE" (JSON rows have no line), into buf. */
static const char *where_text(const char *file, long line, char *buf, size_t cap)
{
	if (line > 0)
		snprintf(buf, cap, "%.200s line %ld", file, line);
	else
		snprintf(buf, cap, "%.200s", file);
	return buf;
}

/* Rewrites a row for the links of this import into out (a copy of the
 * value pointers).  Returns 1 to put out, 0 when the row is left out: a
 * linked visit itself (the store keeps its record) and its places, people
 * and activities (they describe the other dataset's record).  Its source
 * links and external ids are put on the existing visit, which is what
 * records the link. */
static int apply_links(pl_import *imp, const pl_concept *c, const char *const *values,
                       const char **out, const char *file, long line)
{
	for (size_t i = 0; i < c->ncols; i++)
		out[i] = values[i];
	if (strcmp(c->name, "visit") == 0) {
		const pl_link *l = pl_link_find(imp->links, imp->nlinks, values[0]);
		if (!l)
			return 1;
		imp->stats.linked++;
		pl_import_report(imp, PARLEY_INFO, file, line, 0, values[0], NULL, "linked",
		                 "visit %s is the existing visit %s (by %s): linked, not added",
		                 values[0], l->to,
		                 l->how == PARLEY_MATCH_EXTERNAL_ID ? "external id" : "the match rule");
		return 0;
	}
	if (strcmp(c->name, "external_id") == 0) {
		const pl_link *l = values[0] && strcmp(values[0], "visit") == 0
		                       ? pl_link_find(imp->links, imp->nlinks, values[1])
		                       : NULL;
		if (l)
			out[1] = l->to;
		return 1;
	}
	for (size_t i = 0; i < c->ncols; i++) {
		if (!c->cols[i].ref || strcmp(c->cols[i].ref, "visit") != 0)
			continue;
		const pl_link *l = pl_link_find(imp->links, imp->nlinks, values[i]);
		if (!l)
			continue;
		if (strcmp(c->name, "visit_source") != 0)
			return 0;
		out[i] = l->to;
	}
	return 1;
}

/* Whether the visits this import adds are known by their rowid (a bulk
 * import whose input can be read again: pl_import.redo), not noted in
 * temp.pl_import_touched. */
static int visits_by_rowid(pl_import *imp)
{
	const pl_concept *v = pl_concept_find("visit");
	return imp->keys_by_rowid && imp->bulk.on && imp->bulk.logged[v - pl_concept_at(0)];
}

/* The first rowid of the visits this import added (visits_by_rowid). */
static sqlite3_int64 added_visits(pl_import *imp)
{
	const pl_concept *v = pl_concept_find("visit");
	return imp->bulk.base[v - pl_concept_at(0)] + 1;
}

/* Notes a visit this import added or changed, for the source rule at the
 * end.  In a TEMP table (gone with the transaction), not in memory: an
 * import of a million visits touches a million (issue 13). */
static void touch_visit(pl_import *imp, const char *id, const char *file, long line, int added)
{
	/* in bulk a visit added is one past the import's first rowid
	 * (added_visits), and is not noted (pl_import.redo) */
	if (added && visits_by_rowid(imp))
		return;
	sqlite3_stmt *st = imp->touch_put;
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, file ? file : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, line);
	sqlite3_bind_int(st, 4, added);
	int r = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st); /* no pointer to the caller's strings stays */
	if (r != SQLITE_DONE) /* cannot check the rule: refuse rather than skip it */
		step_failed(imp, r, file, line, id);
}

/* After a pass is rolled back (linking): what it learnt is gone with it.
 * (The visits it touched went with the rollback.) */
static void forget_touched(pl_import *imp)
{
	pl_map_free(&imp->refs);
}

/* The source rule, once every row is in: each visit added or changed has a
 * source, or is a candidate.  One query over the visits touched. */
static void require_sources(pl_import *imp)
{
	sqlite3_stmt *st;
	parley_err err = {0, ""};
	/* In bulk, the visits added were not noted with their lines: when one
	 * of them breaks the rule, the run row by row says where */
	if (visits_by_rowid(imp)) {
		if (pl_prepare_cached(imp->db,
		                      "SELECT v.id FROM visit v WHERE v.rowid >= ?1"
		                      " AND v.status IS NOT 'candidate'"
		                      " AND NOT EXISTS (SELECT 1 FROM visit_source s WHERE s.visit = v.id)"
		                      " LIMIT 1",
		                      &st, &err)) {
			pl_import_report(imp, PARLEY_ERROR, NULL, 0, 0, NULL, NULL, "database", "%s", err.msg);
			return;
		}
		sqlite3_bind_int64(st, 1, added_visits(imp));
		int r = sqlite3_step(st);
		pl_release(imp->db, st);
		if (r == SQLITE_ROW) {
			imp->redo = 1;
			pl_import_report(imp, PARLEY_ERROR, NULL, 0, 0, "visit", "visit_source", "no-source",
			                 "a visit added has no source");
			return;
		}
		if (r != SQLITE_DONE) {
			step_failed(imp, r, NULL, 0, "visit");
			return;
		}
	}
	if (pl_prepare_cached(imp->db,
	               "SELECT t.visit, t.file, t.line FROM temp.pl_import_touched t"
	               " JOIN visit v ON v.id = t.visit"
	               " WHERE v.status IS NOT 'candidate'"
	               " AND NOT EXISTS (SELECT 1 FROM visit_source s WHERE s.visit = t.visit)"
	               " ORDER BY t.rowid",
	               &st, &err)) {
		pl_import_report(imp, PARLEY_ERROR, NULL, 0, 0, NULL, NULL, "database", "%s", err.msg);
		return;
	}
	int r;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		char label[256];
		snprintf(label, sizeof label, "visit:%.200s", (const char *)sqlite3_column_text(st, 0));
		pl_import_report(imp, PARLEY_ERROR, (const char *)sqlite3_column_text(st, 1),
		                 sqlite3_column_int64(st, 2), 0, label, "visit_source", "no-source",
		                 "the visit has no source: give one (a visit_source row) or "
		                 "import it with status 'candidate'");
	}
	if (r != SQLITE_DONE)
		step_failed(imp, r, NULL, 0, "visit");
	pl_release(imp->db, st);
}

/* The index of a concept's "seq" key column (a visit's items), or -1. */
static int seq_column(const pl_concept *c)
{
	int i = pl_concept_col(c, "seq");
	return i >= 0 && c->cols[i].key ? i : -1;
}

/* The next free seq of the item's list (the other key columns alike) into
 * buf; 0 when found, else a SQLite step code. */
static int next_seq(pl_import *imp, const pl_concept *c, const char *const *values, int seq,
                    char *buf, size_t cap)
{
	pl_buf sql;
	pl_buf_init(&sql, 2048);
	int rc = pl_buf_printf(&sql, "SELECT coalesce(max(seq), 0) + 1 FROM %s WHERE 1", c->name);
	for (size_t i = 0; i < c->ncols; i++)
		if (c->cols[i].key && (int)i != seq)
			if (!rc) rc = pl_buf_printf(&sql, " AND %s = ?%zu", c->cols[i].name, i + 1);
	sqlite3_stmt *st = NULL;
	if (rc || !sql.data || sqlite3_prepare_v2(imp->db->sql, sql.data, -1, &st, NULL) != SQLITE_OK) {
		pl_buf_free(&sql);
		return rc ? SQLITE_NOMEM : sqlite3_errcode(imp->db->sql);
	}
	pl_buf_free(&sql);
	for (size_t i = 0; i < c->ncols; i++)
		if (c->cols[i].key && (int)i != seq)
			sqlite3_bind_text(st, (int)i + 1, values[i] ? values[i] : "", -1, SQLITE_STATIC);
	int r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		snprintf(buf, cap, "%lld", (long long)sqlite3_column_int64(st, 0));
		r = 0;
	}
	sqlite3_finalize(st);
	return r;
}

static int inserted(pl_import *imp, const pl_concept *c, size_t ci, const char *const *values,
                    const char *file, long line);

int pl_import_put(pl_import *imp, const pl_concept *c, const char *const *values,
                  const char *file, long line)
{
	char label[256];
	int bad = 0;
	parley_err err = {0, ""};
	size_t ci = (size_t)(c - pl_concept_at(0));
	if (imp->fatal) /* the store failed: nothing more is written */
		return PARLEY_EDB;
	const char *linked[32];
	if (imp->nlinks && c->ncols <= PL_ARRAY_LEN(linked)) {
		if (!apply_links(imp, c, values, linked, file, line)) {
			imp->stats.rows_read++;
			return PARLEY_OK;
		}
		values = linked;
	}
	/* An item with no seq is appended. */
	const char *appended[32];
	char seqbuf[24];
	int seq = seq_column(c);
	if (seq >= 0 && (!values[seq] || !*values[seq]) && c->ncols <= PL_ARRAY_LEN(appended)) {
		int r = next_seq(imp, c, values, seq, seqbuf, sizeof seqbuf);
		if (r) {
			imp->stats.rows_read++;
			return step_failed(imp, r, file, line, c->name);
		}
		for (size_t i = 0; i < c->ncols; i++)
			appended[i] = values[i];
		appended[seq] = seqbuf;
		values = appended;
	}
	imp->stats.rows_read++;
	if (imp->guard && !imp->guard(imp->guard_ctx, c, values, file, line))
		return PARLEY_OK; /* kept as it is (the guard reported why) */
	/* the row's label ("visit:KEY") is made only for a finding that names
	 * it, not for every row (issue 13: a snprintf per row) */
#define LABEL record_label(c, values, label, sizeof label)
	parley_date start = {0, 0, 0, 0}, end = {0, 0, 0, 0};
	int has_start = 0, has_end = 0;
	for (size_t i = 0; i < c->ncols; i++) {
		const pl_column *col = &c->cols[i];
		const char *v = values[i];
		int empty = !v || !*v;
		if (empty) {
			if (col->required) {
				pl_import_report(imp, PARLEY_ERROR, file, line, 0, LABEL, col->name,
				                 "required", "%s is required", col->name);
				bad = 1;
			}
			continue;
		}
		long at = pl_utf8_invalid_at(v, strlen(v));
		if (at >= 0) {
			pl_import_report(imp, PARLEY_ERROR, file, line, 0, LABEL, col->name, "bad-utf8",
			                 "invalid UTF-8 in %s at byte %ld of the value (0x%02X)",
			                 col->name, at + 1, (unsigned)(unsigned char)v[at]);
			bad = 1;
			continue;
		}
		switch (col->type) {
		case PL_INT:
			if (!valid_int(v)) {
				pl_import_report(imp, PARLEY_ERROR, file, line, 0, LABEL, col->name,
				                 "bad-integer", "'%.40s' is not a whole number", v);
				bad = 1;
			}
			break;
		case PL_DATE: {
			parley_date d;
			if (parley_date_parse(v, strlen(v), &d, &err)) {
				pl_import_report(imp, PARLEY_ERROR, file, line, 0, LABEL, col->name,
				                 "bad-date", "%s", err.msg);
				bad = 1;
			} else if (strcmp(col->name, "start_date") == 0) {
				start = d;
				has_start = 1;
			} else if (strcmp(col->name, "end_date") == 0) {
				end = d;
				has_end = 1;
			}
			break;
		}
		case PL_ENUM: {
			int ok = 0;
			for (const char *const *e = col->values; *e; e++)
				ok |= strcmp(*e, v) == 0;
			if (!ok) {
				pl_buf allowed;
				pl_buf_init(&allowed, 1024);
				for (const char *const *e = col->values; *e; e++)
					pl_buf_addf(&allowed, "%s%s", e == col->values ? "" : ", ", *e);
				pl_import_report(imp, PARLEY_ERROR, file, line, 0, LABEL, col->name,
				                 "bad-value", "'%.40s' is not one of: %s", v,
				                 allowed.data ? allowed.data : "");
				pl_buf_free(&allowed);
				bad = 1;
			}
			break;
		}
		case PL_LEVEL:
			if (parley_level_rank(v) < 0) {
				pl_import_report(imp, PARLEY_ERROR, file, line, 0, LABEL, col->name,
				                 "bad-level", "'%.40s' is not a rank or level", v);
				bad = 1;
			}
			break;
		case PL_TEXT:
			break;
		}
		if (col->ref && !bad) {
			int step;
			int e = ref_exists(imp, col->ref, v, &step, &err);
			if (e < 0 && step != SQLITE_ERROR) {
				return step_failed(imp, step, file, line, LABEL);
			} else if (e < 0) {
				pl_import_report(imp, PARLEY_ERROR, file, line, 0, LABEL, col->name,
				                 "database", "%s", err.msg);
				bad = 1;
			} else if (!e) {
				pl_import_report(imp, PARLEY_ERROR, file, line, 0, LABEL, col->name,
				                 "unknown-reference", "unknown %s '%.60s'", col->ref, v);
				bad = 1;
			}
		}
	}
	if (!bad && has_start && has_end &&
	    parley_date_last_day(end) < parley_date_first_day(start)) {
		char a[16], b[16];
		pl_import_report(imp, PARLEY_ERROR, file, line, 0, LABEL, "end_date",
		                 "end-before-start", "end %s is before start %s",
		                 parley_date_format(end, b, sizeof b),
		                 parley_date_format(start, a, sizeof a));
		bad = 1;
	}
	if (bad)
		return PARLEY_EDATA;
	if (prepare_concept(imp, ci, &err)) {
		pl_import_report(imp, PARLEY_ERROR, file, line, 0, LABEL, NULL, "database", "%s", err.msg);
		return PARLEY_EDB;
	}
	/* In bulk nearly every row is new (pl_bulk_wanted): its INSERT is tried
	 * first, and the primary key says whether the store holds the key,
	 * one lookup less per row (issue 13).  Only when the INSERT was
	 * refused by a constraint and wrote nothing does the row take the
	 * lookup below, which finds it, or reports the refusal as before. */
	if (imp->bulk.on && !sqlite3_get_autocommit(imp->db->sql)) {
		sqlite3_stmt *ins = imp->insert[ci];
		sqlite3_int64 before = sqlite3_total_changes64(imp->db->sql);
		sqlite3_reset(ins);
		for (size_t i = 0; i < c->ncols; i++)
			bind_value(ins, (int)i + 1, &c->cols[i], values[i]);
		int r = sqlite3_step(ins);
		sqlite3_reset(ins);
		sqlite3_clear_bindings(ins);
		if (r == SQLITE_DONE)
			return inserted(imp, c, ci, values, file, line);
		if ((r & 0xff) != SQLITE_CONSTRAINT || sqlite3_total_changes64(imp->db->sql) != before)
			return step_failed(imp, r, file, line, LABEL);
	}
	/* Look the row up by key. */
	sqlite3_stmt *sel = imp->select[ci];
	sqlite3_reset(sel);
	pl_bind_keys(sel, c, values);
	int r = sqlite3_step(sel);
	/* Every row put so far is in the store, so a key the store lacks was
	 * not seen in this import: it is only noted (issue 13: one lookup less
	 * per new row). */
	char *first_file = NULL;
	long first_line = 0;
	/* in bulk, a row this import inserted is seen, its key never noted */
	int put_here = r == SQLITE_ROW && imp->keys_by_rowid && imp->bulk.on && imp->bulk.logged[ci] &&
	               sqlite3_column_int64(sel, (int)c->ncols) > imp->bulk.base[ci];
	int seen = put_here ? 1
	           : r == SQLITE_ROW || r == SQLITE_DONE
	               ? seen_before(imp, c, values, file, line, r == SQLITE_DONE, &first_file,
	                             &first_line)
	               : 0;
	if (seen < 0) {
		sqlite3_reset(sel);
		return step_failed(imp, -seen, file, line, LABEL);
	}
	char first_at[256] = "";
	if (put_here) /* where is unknown: the findings come from a run row by row */
		snprintf(first_at, sizeof first_at, "an earlier row");
	else if (seen) {
		where_text(first_file ? first_file : "?", first_line, first_at, sizeof first_at);
		free(first_file);
	}
	if (seen && imp->strict_keys) {
		sqlite3_reset(sel);
		imp->redo |= put_here;
		pl_import_report(imp, PARLEY_ERROR, file, line, 0, LABEL, NULL, "duplicate-key",
		                 "the same %s key as %s: one import may hold a record once", c->name,
		                 first_at);
		return PARLEY_EDATA;
	}
	sqlite3_stmt *w = NULL;
	if (r == SQLITE_ROW) {
		int same = 1;
		for (size_t i = 0; i < c->ncols && same; i++)
			same = same_value(sel, (int)i, &c->cols[i], values[i]);
		sqlite3_reset(sel);
		if (same) {
			imp->counts[ci].unchanged++;
			imp->stats.unchanged++;
			return PARLEY_OK;
		}
		if (seq >= 0 && !imp->replace) {
			size_t d = 0;
			sqlite3_step(sel); /* again: the row was reset by the comparison */
			while (d < c->ncols && same_value(sel, (int)d, &c->cols[d], values[d]))
				d++;
			const char *old = d < c->ncols ? (const char *)sqlite3_column_text(sel, (int)d) : NULL;
			pl_import_report(imp, PARLEY_ERROR, file, line, 0, LABEL,
			                 d < c->ncols ? c->cols[d].name : NULL, "item-exists",
			                 "this item exists with %s '%.60s', this row has '%.60s': to add an "
			                 "item leave seq empty; to replace it import with --replace or use "
			                 "parley edit with its key",
			                 d < c->ncols ? c->cols[d].name : "other values", old ? old : "",
			                 d < c->ncols && values[d] ? values[d] : "");
			sqlite3_reset(sel);
			return PARLEY_EDATA;
		}
		if (seen) { /* a reader derived two different rows for one key */
			imp->redo |= put_here;
			pl_import_report(imp, PARLEY_ERROR, file, line, 0, LABEL, NULL, "duplicate-key",
			                 "the same %s key as %s, with other values", c->name, first_at);
			return PARLEY_EDATA;
		}
		w = imp->update[ci];
	} else if (r == SQLITE_DONE) {
		sqlite3_reset(sel);
		w = imp->insert[ci];
	} else {
		sqlite3_reset(sel);
		return step_failed(imp, r, file, line, LABEL);
	}
	/* The transaction must still be open: a row written in autocommit mode
	 * would stay whatever happens to the rest of the import. */
	if (sqlite3_get_autocommit(imp->db->sql))
		return step_failed(imp, SQLITE_ABORT, file, line, LABEL);
	/* In bulk, the inserts so far are logged before an update is (their
	 * audit is set-based, import_bulk.c): the log keeps the order of the
	 * writes. */
	if (w == imp->update[ci] && imp->bulk.on && pl_bulk_audit_flush(imp->db, &imp->bulk, &err))
		return bulk_failed(imp, &err, file, line, LABEL);
	sqlite3_reset(w);
	for (size_t i = 0; i < c->ncols; i++)
		bind_value(w, (int)i + 1, &c->cols[i], values[i]);
	r = sqlite3_step(w);
	if (r != SQLITE_DONE) {
		int rc = step_failed(imp, r, file, line, LABEL);
		sqlite3_reset(w);
		sqlite3_clear_bindings(w);
		return rc;
	}
	sqlite3_reset(w);
	sqlite3_clear_bindings(w);
	if (w == imp->insert[ci] && imp->bulk.on &&
	    pl_bulk_inserted(imp->db, &imp->bulk, ci, sqlite3_last_insert_rowid(imp->db->sql), &err))
		return bulk_failed(imp, &err, file, line, LABEL);
	if (strcmp(c->name, "visit") == 0)
		touch_visit(imp, values[0], file, line, w == imp->insert[ci]);
	if (w == imp->insert[ci]) {
		imp->counts[ci].inserted++;
		imp->stats.inserted++;
	} else {
		imp->counts[ci].updated++;
		imp->stats.updated++;
	}
	return PARLEY_OK;
}
#undef LABEL

/* After the INSERT of a key the store lacked (pl_import_put, in bulk): the
 * key noted as put, the visit touched, the row counted, as the lookup path
 * does for a new row. */
static int inserted(pl_import *imp, const pl_concept *c, size_t ci, const char *const *values,
                    const char *file, long line)
{
	char label[256];
#define LABEL record_label(c, values, label, sizeof label)
	/* its audit row, set-based later (import_bulk.c) */
	parley_err err = {0, ""};
	if (pl_bulk_inserted(imp->db, &imp->bulk, ci, sqlite3_last_insert_rowid(imp->db->sql), &err))
		return bulk_failed(imp, &err, file, line, LABEL);
	/* its key is not noted where its rowid tells (pl_import.redo) */
	char *first_file = NULL;
	long first_line = 0;
	int seen = imp->keys_by_rowid && imp->bulk.logged[ci]
	               ? 0
	               : seen_before(imp, c, values, file, line, 1, &first_file, &first_line);
	free(first_file);
	if (seen < 0)
		return step_failed(imp, -seen, file, line, LABEL);
	if (strcmp(c->name, "visit") == 0)
		touch_visit(imp, values[0], file, line, 1);
	imp->counts[ci].inserted++;
	imp->stats.inserted++;
	return PARLEY_OK;
#undef LABEL
}

const char *pl_import_find_person(pl_import *imp, const char *name)
{
	if (!name || !*name)
		return NULL;
	sqlite3_stmt *st;
	if (pl_prepare(imp->db,
	               "SELECT id FROM person WHERE parley_fold(name) = parley_fold(?1)"
	               " UNION SELECT person FROM person_alias WHERE parley_fold(alias) = parley_fold(?1)"
	               " UNION SELECT id FROM person WHERE parley_fold(native_name) = parley_fold(?1)"
	               " LIMIT 2",
	               &st, NULL))
		return NULL;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	char *found = NULL;
	int n = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		n++;
		if (n == 1)
			found = pl_strdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	if (n != 1 || !found) {
		free(found);
		return NULL;
	}
	if (imp->nowned == imp->owned_cap) {
		size_t cap = imp->owned_cap ? imp->owned_cap * 2 : 16;
		char **p = realloc(imp->owned, cap * sizeof *p);
		if (!p) {
			free(found);
			return NULL;
		}
		imp->owned = p;
		imp->owned_cap = cap;
	}
	imp->owned[imp->nowned++] = found;
	return found;
}

/* ---------------------------------------------------------------- */
/* Files and formats                                                 */
/* ---------------------------------------------------------------- */

static const pl_reader *reader_named(const char *name)
{
	for (const pl_reader *const *r = pl_readers; *r; r++)
		if (strcmp((*r)->format, name) == 0)
			return *r;
	return NULL;
}

static const pl_reader *detect(const char *path, const char *head, size_t n)
{
	const pl_reader *best = NULL;
	int best_score = 0;
	for (const pl_reader *const *r = pl_readers; *r; r++) {
		int s = (*r)->detect(path, head, n);
		if (s > best_score) {
			best_score = s;
			best = *r;
		}
	}
	return best;
}

const char *parley_detect_format(const char *path, const char *head, size_t n)
{
	const pl_reader *r = detect(path, head, n);
	return r ? r->format : NULL;
}

const char *const *parley_import_formats(void)
{
	static const char *names[64];
	size_t i = 0;
	for (const pl_reader *const *r = pl_readers; *r && i < 63; r++)
		names[i++] = (*r)->format;
	names[i] = NULL;
	return names;
}

/* Canonical concept CSV files are imported in dependency order whatever
 * order they are named in; other files keep their order, after them. */
static int file_rank(const char *format, const char *head, size_t n)
{
	if (strcmp(format, "csv") != 0)
		return 1000;
	size_t len = 0;
	while (len < n && head[len] != '\n' && head[len] != '\r')
		len++;
	const char *h = head;
	if (len >= 3 && memcmp(h, "\xEF\xBB\xBF", 3) == 0) {
		h += 3;
		len -= 3;
	}
	for (size_t i = 0; i < pl_concept_count(); i++) {
		const pl_concept *c = pl_concept_at(i);
		pl_buf b;
		pl_buf_init(&b, 1024);
		int match = 0;
		for (size_t j = 0; j < c->ncols && !match; j++) {
			pl_buf_addf(&b, "%s%s", j ? "," : "", c->cols[j].name);
			if (!b.data || b.len != len || memcmp(b.data, h, len) != 0)
				continue;
			/* the whole list, or an older one lacking optional trailing
			 * columns (import_csv.c reads those as NULL) */
			size_t k = j + 1;
			while (k < c->ncols && !c->cols[k].required && !c->cols[k].key)
				k++;
			match = k == c->ncols;
		}
		pl_buf_free(&b);
		if (match)
			return (int)i;
	}
	return 999;
}

typedef struct input {
	const char *path;
	char *data;             /* the whole file, or for a streaming reader only its head */
	size_t len;
	int whole;              /* data holds the whole file */
	const pl_reader *reader;
	int rank;
	size_t order;
	int mapped; /* read through the --map column mapping */
} input;

/* Reads the head of a regular file (HEAD_BYTES) and learns its size;
 * anything else (stdin, a pipe) is read whole, since a streaming reader may
 * read it more than once. */
static int read_head(input *in, long long *size, parley_err *err)
{
	struct stat sb;
	FILE *f = strcmp(in->path, "-") == 0 ? NULL : fopen(in->path, "rb");
	if (!f || fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
		if (f)
			fclose(f);
		in->whole = 1;
		int rc = pl_read_file(in->path, MAX_FILE, &in->data, &in->len, err);
		*size = (long long)in->len;
		return rc;
	}
	*size = (long long)sb.st_size;
	in->data = malloc(HEAD_BYTES);
	in->len = in->data ? fread(in->data, 1, HEAD_BYTES, f) : 0;
	int bad = ferror(f);
	fclose(f);
	if (!in->data)
		return parley_err_set(err, PARLEY_ENOMEM, "out of memory");
	if (bad)
		return parley_err_set(err, PARLEY_EIO, "%s: read failed: %s", in->path, strerror(errno));
	in->whole = in->len == (size_t)sb.st_size;
	return PARLEY_OK;
}

/* Whether in is read as a stream: its function, or NULL when it is read
 * whole.  A --map file is read as CSV, which streams. */
static int (*streamer(const input *in))(pl_import *, const char *, FILE *)
{
	if (in->mapped || in->reader == &pl_reader_csv)
		return pl_csv_stream;
	if (in->reader == &pl_reader_ndjson)
		return pl_ndjson_stream;
	return NULL;
}

/* For a reader of whole files, reads the rest of the file, within the
 * reader's limit (a JSON document: PL_JSON_DOC_MAX, naming NDJSON, which
 * streams).  A streaming reader keeps only the head. */
static int read_rest(input *in, long long size, parley_err *err)
{
	const pl_reader *r = in->reader;
	size_t max = r == &pl_reader_json ? PL_JSON_DOC_MAX : MAX_FILE;
	if (streamer(in)) /* only its head is read */
		return PARLEY_OK;
	if ((unsigned long long)size > max)
		return parley_err_set(err, PARLEY_ELIMIT,
		                      "%s: %lld bytes is more than the %zu MB a %s file may hold, as it "
		                      "is read whole%s (docs/formats.md)",
		                      in->path, size, max >> 20, r->format,
		                      r == &pl_reader_json
		                          ? "; NDJSON streams, so import that (parley export --format ndjson)"
		                          : "");
	if (in->whole)
		return PARLEY_OK;
	free(in->data);
	in->data = NULL;
	in->whole = 1;
	return pl_read_file(in->path, max, &in->data, &in->len, err);
}

/* Runs in's reader: from memory, or streaming from the file. */
static int run_reader(pl_import *imp, input *in)
{
	const pl_reader *rd = in->reader;
	int (*stream)(pl_import *, const char *, FILE *) = streamer(in);
	if (!stream) {
		if (!rd->finds_nul && pl_import_reject_nul(imp, in->path, in->data, in->len))
			return PARLEY_EDATA;
		return rd->read(imp, in->path, in->data, in->len);
	}
	FILE *f = !in->whole ? fopen(in->path, "rb")
	          : in->len ? fmemopen(in->data, in->len, "rb") : fopen("/dev/null", "rb");
	if (!f) {
		pl_import_report(imp, PARLEY_ERROR, in->path, 0, 0, NULL, NULL, "read-failed",
		                 "cannot open: %s", strerror(errno));
		return PARLEY_EIO;
	}
	int r = in->mapped ? pl_csv_read_mapped(imp, imp->map, in->path, f) : stream(imp, in->path, f);
	fclose(f);
	return r;
}

static int by_rank(const void *a, const void *b)
{
	const input *x = a, *y = b;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static void report_counts(pl_import *imp, const char *path, const char *format)
{
	pl_buf b;
	pl_buf_init(&b, 4096);
	long total = 0;
	for (size_t i = 0; i < pl_concept_count(); i++) {
		concept_counts *k = &imp->counts[i];
		long n = k->inserted + k->updated + k->unchanged;
		if (!n)
			continue;
		total += n;
		pl_buf_addf(&b, "%s%ld %s (%ld new, %ld changed, %ld unchanged)", b.len ? "; " : "",
		              n, pl_concept_at(i)->plural, k->inserted, k->updated, k->unchanged);
	}
	if (!total)
		pl_buf_adds(&b, "no records");
	pl_import_report(imp, PARLEY_INFO, path, 0, 0, NULL, NULL, "imported", "%s: %s", format,
	                 b.data ? b.data : "");
	pl_buf_free(&b);
	memset(imp->counts, 0, sizeof imp->counts);
}

/* A larger page cache for the import's one transaction (IMPORT_CACHE_KIB);
 * the connection's own is noted and restored by restore_pragmas(). */
static int import_pragmas(pl_import *imp, parley_err *err)
{
	sqlite3_stmt *st;
	int rc = pl_prepare(imp->db, "PRAGMA main.cache_size", &st, err);
	if (rc)
		return rc;
	imp->cache_before = sqlite3_step(st) == SQLITE_ROW ? (long)sqlite3_column_int64(st, 0) : -2000;
	sqlite3_finalize(st);
	char sql[96];
	snprintf(sql, sizeof sql, "PRAGMA main.cache_size = -%d", IMPORT_CACHE_KIB);
	return pl_exec(imp->db, sql, err);
}

static void restore_pragmas(pl_import *imp)
{
	char sql[96];
	snprintf(sql, sizeof sql, "PRAGMA main.cache_size = %ld", imp->cache_before);
	sqlite3_exec(imp->db->sql, sql, NULL, NULL, NULL);
}

/* Begins the import's transaction with its TEMP tables, empty: the keys
 * put so far, and the visits added or changed.  The tables stay with the
 * connection (emptied before each commit, and a rollback takes their rows
 * with it): creating and dropping them at every import changed the
 * connection's schema, so a team server's every save read the whole
 * schema again and prepared every statement anew (bench/teams). */
static int begin_import(pl_import *imp, parley_err *err)
{
	parley_db *db = imp->db;
	int rc = pl_begin(db, err);
	if (!rc)
		rc = pl_exec(db,
		             "CREATE TEMP TABLE IF NOT EXISTS pl_import_seen(concept INTEGER, key TEXT, file INTEGER,"
		             " line INTEGER, PRIMARY KEY(concept, key)) WITHOUT ROWID;"
		             "CREATE TEMP TABLE IF NOT EXISTS pl_import_touched(visit TEXT UNIQUE, file TEXT,"
		             " line INTEGER, added INTEGER);"
		             "DELETE FROM temp.pl_import_seen; DELETE FROM temp.pl_import_touched",
		             err);
	if (!rc)
		rc = pl_prepare_cached(db, "SELECT file, line FROM temp.pl_import_seen"
		                    " WHERE concept = ?1 AND key = ?2",
		                &imp->seen_get, err);
	if (!rc)
		rc = pl_prepare_cached(db, "INSERT INTO temp.pl_import_seen VALUES (?1, ?2, ?3, ?4)",
		                &imp->seen_put, err);
	if (!rc)
		rc = pl_prepare_cached(db, "INSERT OR IGNORE INTO temp.pl_import_touched VALUES (?1, ?2, ?3, ?4)",
		                &imp->touch_put, err);
	if (!rc && imp->bulk_wanted)
		rc = pl_bulk_begin(db, &imp->bulk, err);
	return rc;
}

int pl_import_open(parley_db *db, parley_report *rep, pl_import **out, parley_err *err)
{
	if (db->readonly)
		return parley_err_set(err, PARLEY_EINVAL, "%s: store opened read-only", db->path);
	pl_import *imp = calloc(1, sizeof *imp);
	if (!imp)
		return parley_err_set(err, PARLEY_ENOMEM, "out of memory");
	imp->db = db;
	imp->rep = rep;
	imp->replace = 1; /* an edit names the full key; parley_import decides for itself */
	int rc = import_pragmas(imp, err);
	if (!rc)
		rc = begin_import(imp, err);
	if (rc) {
		finalize_all(imp);
		pl_rollback(db);
		restore_pragmas(imp);
		free(imp);
		return rc;
	}
	*out = imp;
	return PARLEY_OK;
}

/* pl_import_close, saying in *redo (when not NULL) whether the import
 * must run again row by row (pl_import.redo: set up to its last check). */
static int import_close(pl_import *imp, parley_err *err, int *redo)
{
	if (!imp->errors && !imp->fatal && !imp->unsourced_ok)
		require_sources(imp);
	if (redo)
		*redo = imp->redo;
	finalize_all(imp);
	int rc;
	if (imp->fatal) {
		pl_rollback(imp->db);
		rc = parley_err_set(err, PARLEY_EDB,
		                    "the store failed (%s); the import was rolled back and the "
		                    "store is unchanged",
		                    imp->fatal_msg);
	} else if (imp->errors) {
		pl_rollback(imp->db);
		rc = parley_err_set(err, PARLEY_EDATA, "%zu error%s; the store is unchanged",
		                    imp->errors, imp->errors == 1 ? "" : "s");
	} else if (imp->discard) {
		pl_rollback(imp->db);
		rc = PARLEY_OK;
	} else if ((rc = pl_bulk_end(imp->db, &imp->bulk, err)) ||
	           (rc = pl_exec(imp->db, "DELETE FROM temp.pl_import_seen;"
	                                  " DELETE FROM temp.pl_import_touched", err)) ||
	           (rc = pl_commit(imp->db, err))) {
		/* The rows fit in the import's page cache, so a full disk may show
		 * only now, as the transaction is written: it is rolled back too. */
		char why[PARLEY_ERRMSG_MAX];
		pl_strlcpy(why, err ? err->msg : sqlite3_errmsg(imp->db->sql), sizeof why);
		pl_rollback(imp->db);
		if (rc == PARLEY_EDB)
			parley_err_set(err, rc,
			               "the store failed (%s) as the import was written; the import was "
			               "rolled back and the store is unchanged",
			               why);
	}
	for (size_t i = 0; i < imp->nowned; i++)
		free(imp->owned[i]);
	for (size_t i = 0; i < imp->nfiles; i++)
		free(imp->files[i]);
	free(imp->files);
	free(imp->owned);
	pl_links_free(imp->links, imp->nlinks);
	pl_map_free(&imp->refs);
	pl_bulk_free(&imp->bulk);
	restore_pragmas(imp);
	free(imp);
	return rc;
}

int pl_import_close(pl_import *imp, parley_err *err)
{
	return import_close(imp, err, NULL);
}

/* Reads every file into the import (in rank order), stopping when the
 * store fails.  The file data stays for a second pass. */
static void read_files(pl_import *imp, input *in, size_t npaths)
{
	for (size_t i = 0; i < npaths && !imp->fatal; i++) {
		size_t before = imp->errors;
		int r = PARLEY_EDATA;
		const pl_reader *rd = in[i].reader;
		imp->strict_keys = in[i].mapped || rd == &pl_reader_csv || rd == &pl_reader_json ||
		                   rd == &pl_reader_ndjson;
		r = run_reader(imp, &in[i]);
		if (r && imp->errors == before) /* a reader failure it did not report */
			pl_import_report(imp, PARLEY_ERROR, in[i].path, 0, 0, NULL, NULL, "read-failed",
			                 "%s reader failed: %s", rd->format, parley_strstatus(r));
		if (imp->errors == before)
			report_counts(imp, in[i].path, in[i].mapped ? "csv --map" : rd->format);
		else
			memset(imp->counts, 0, sizeof imp->counts);
	}
}

static void copy_findings(parley_report *to, const parley_report *from)
{
	for (size_t i = 0; i < parley_report_count(from); i++) {
		const parley_finding *f = parley_report_get(from, i);
		parley_report_add(to, f->severity, f->file, f->line, f->column, f->record, f->field,
		                  f->code, "%s", f->message);
	}
}

/* The import proper, with linking: a first pass inside a savepoint finds
 * the visits this import would add; if some of them are visits the store
 * holds already, the pass is undone and run again with those links, so
 * that the store and the audit log only ever see the linked result. */
/* The visits the first pass added that could be linked: with external-id
 * matching only those carrying an external id (issue 13: not a list of
 * every new visit), with the rule all of them.  *ids is malloc'd with each
 * string; the caller frees them. */
static int incoming_visits(pl_import *imp, parley_link_mode mode, char ***ids, size_t *n,
                           parley_err *err)
{
	sqlite3_stmt *st;
	*ids = NULL;
	*n = 0;
	/* in bulk, the visits past the import's first rowid, in the order
	 * they were added (touch_visit) */
	int by_rowid = visits_by_rowid(imp);
	int rc = pl_prepare(imp->db,
	                    by_rowid && mode == PARLEY_LINK_RULE
	                        ? "SELECT id FROM visit WHERE rowid >= ?1 ORDER BY rowid"
	                    : by_rowid
	                        ? "SELECT id FROM visit WHERE rowid >= ?1 AND id IN"
	                          " (SELECT entity_id FROM external_id WHERE entity = 'visit')"
	                          " ORDER BY rowid"
	                    : mode == PARLEY_LINK_RULE
	                        ? "SELECT visit FROM temp.pl_import_touched WHERE added"
	                        : "SELECT visit FROM temp.pl_import_touched WHERE added AND visit IN"
	                          " (SELECT entity_id FROM external_id WHERE entity = 'visit')",
	                    &st, err);
	if (!rc && by_rowid)
		sqlite3_bind_int64(st, 1, added_visits(imp));
	size_t cap = 0;
	while (!rc && sqlite3_step(st) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			char **p = realloc(*ids, cap * sizeof *p);
			if (!p) {
				rc = parley_err_set(err, PARLEY_ENOMEM, "out of memory");
				break;
			}
			*ids = p;
		}
		if (!((*ids)[*n] = pl_strdup((const char *)sqlite3_column_text(st, 0))))
			rc = parley_err_set(err, PARLEY_ENOMEM, "out of memory");
		else
			++*n;
	}
	sqlite3_finalize(st);
	return rc;
}

/* The import proper, with linking: a first pass finds the visits this
 * import would add; if some of them are visits the store holds already,
 * the transaction is rolled back and begun again, and a second pass reads
 * the files with those links, so that the store and the audit log only
 * ever see the linked result.  (A whole rollback rather than a savepoint:
 * under a savepoint SQLite journals every page each row changes.) */
static int run(pl_import *imp, input *in, size_t npaths, const parley_import_options *o,
               parley_report *rep, parley_err *err)
{
	if (o->link == PARLEY_LINK_NONE) {
		read_files(imp, in, npaths);
		return PARLEY_OK;
	}
	parley_report *first = rep ? parley_report_new() : NULL;
	if (rep && !first)
		return parley_err_set(err, PARLEY_ENOMEM, "out of memory");
	imp->rep = first;
	read_files(imp, in, npaths);
	imp->rep = rep;
	char **ids = NULL;
	size_t nids = 0;
	int rc = PARLEY_OK;
	if (!imp->errors && !imp->fatal)
		rc = incoming_visits(imp, o->link, &ids, &nids, err);
	if (!rc && nids)
		rc = pl_match_links(imp->db, ids, nids, o->link,
		                    o->link_days == 0 ? 3 : o->link_days < 0 ? 0 : o->link_days, rep, &imp->links,
		                    &imp->nlinks, err);
	for (size_t i = 0; i < nids; i++)
		free(ids[i]);
	free(ids);
	if (!rc && imp->nlinks && !imp->fatal) {
		finalize_all(imp);
		pl_rollback(imp->db);
		rc = begin_import(imp, err);
		if (!rc) {
			imp->errors = 0;
			imp->redo = 0;
			forget_touched(imp);
			memset(&imp->stats, 0, sizeof imp->stats);
			memset(imp->counts, 0, sizeof imp->counts);
			read_files(imp, in, npaths);
		}
	} else if (!rc) {
		copy_findings(rep, first);
	}
	parley_report_free(first);
	return rc;
}

/* The error for a file no reader recognises: for a CSV header, what the
 * closest format expects and how to map the columns. */
static int unknown_format(const char *path, const char *head, size_t n, parley_report *rep,
                          parley_err *err)
{
	pl_buf why;
	pl_buf_init(&why, 8192);
	int d = pl_csv_diagnose(head, n, &why);
	if (d == 1 && rep) { /* the details are longer than an error message holds */
		parley_report_add(rep, PARLEY_ERROR, path, 1, 0, NULL, NULL, "unknown-format",
		                  "cannot tell the file's format: %s", why.data);
		parley_err_set(err, PARLEY_EDATA,
		               "%s: cannot tell the file's format: its header matches no format "
		               "(see above)",
		               path);
	} else if (d == 1)
		parley_err_set(err, PARLEY_EDATA, "%s: cannot tell the file's format: %s", path,
		               why.data);
	else
		parley_err_set(err, PARLEY_EDATA,
		               "%s: cannot tell the file's format from its content "
		               "(name one with --format)",
		               path);
	pl_buf_free(&why);
	return PARLEY_EDATA;
}

int parley_import(parley_db *db, const char *const *paths, size_t npaths,
                  const char *format, parley_report *rep,
                  parley_import_stats *stats, parley_err *err)
{
	parley_import_options o = {format, PARLEY_LINK_EXTERNAL_ID, 0, NULL, 0, 0};
	return parley_import_with(db, paths, npaths, &o, rep, stats, err);
}

/* parley_import_with, in bulk when may_bulk and the import is large;
 * *redo set when a bulk run failed on a finding it cannot word as the
 * row-by-row run does (pl_import.redo): nothing of it was reported. */
static int import_once(parley_db *db, const char *const *paths, size_t npaths,
                       const parley_import_options *opt, parley_report *rep,
                       parley_import_stats *stats, parley_err *err, int may_bulk, int *redo)
{
	static const parley_import_options defaults = {NULL, PARLEY_LINK_EXTERNAL_ID, 0, NULL, 0, 0};
	const parley_import_options *o = opt ? opt : &defaults;
	const char *format = o->format;
	if (stats)
		memset(stats, 0, sizeof *stats);
	if (o->link != PARLEY_LINK_EXTERNAL_ID && o->link != PARLEY_LINK_NONE &&
	    o->link != PARLEY_LINK_RULE)
		return parley_err_set(err, PARLEY_EINVAL, "parley_import: unknown link mode %d",
		                      (int)o->link);
	if (!db || (!paths && npaths))
		return parley_err_set(err, PARLEY_EINVAL, "parley_import: no store or files");
	if (db->readonly)
		return parley_err_set(err, PARLEY_EINVAL, "%s: store opened read-only", db->path);
	const pl_reader *forced = NULL;
	if (format && !(forced = reader_named(format))) {
		pl_buf names;
		pl_buf_init(&names, 4096);
		for (const pl_reader *const *r = pl_readers; *r; r++)
			pl_buf_addf(&names, "%s%s", r == pl_readers ? "" : ", ", (*r)->format);
		parley_err_set(err, PARLEY_EINVAL, "unknown format '%s' (known: %s)", format,
		               names.data ? names.data : "");
		pl_buf_free(&names);
		return PARLEY_EINVAL;
	}
	pl_csv_map *map = NULL;
	if (o->map_path && pl_csv_map_load(o->map_path, &map, err))
		return err ? err->code : PARLEY_EINVAL;
	input *in = calloc(npaths ? npaths : 1, sizeof *in);
	if (!in) {
		pl_csv_map_free(map);
		return parley_err_set(err, PARLEY_ENOMEM, "out of memory");
	}
	int rc = PARLEY_OK;
	long long total = 0; /* bytes in all inputs: whether to go in bulk */
	/* Read and identify every file before touching the store. */
	for (size_t i = 0; i < npaths && !rc; i++) {
		in[i].path = paths[i];
		in[i].order = i;
		long long size = 0;
		rc = read_head(&in[i], &size, err);
		if (rc)
			break;
		total += size;
		size_t head = in[i].len < HEAD_BYTES ? in[i].len : HEAD_BYTES;
		in[i].reader = forced ? forced : detect(paths[i], in[i].data, head);
		if (!in[i].reader && map) { /* a file no reader knows: the map says what it is */
			in[i].mapped = 1;
			in[i].reader = &pl_reader_csv;
			in[i].rank = pl_csv_map_rank(map);
		} else if (!in[i].reader) {
			rc = unknown_format(paths[i], in[i].data, head, rep, err);
		} else {
			in[i].rank = file_rank(in[i].reader->format, in[i].data, head);
		}
		if (!rc)
			rc = read_rest(&in[i], size, err);
	}
	pl_import *imp = NULL;
	int bulk = !rc && may_bulk && pl_bulk_wanted(db, total);
	/* a bulk run's findings are held back until it is known to need no
	 * run row by row */
	parley_report *outer = rep, *brep = bulk && rep ? parley_report_new() : NULL;
	if (bulk && rep && !brep)
		rc = parley_err_set(err, PARLEY_ENOMEM, "out of memory");
	if (brep)
		rep = brep;
	int journal = bulk && !rc && pl_bulk_journal(db); /* before the transaction */
	int checks = bulk && !rc && pl_bulk_checks_off(db); /* the same */
	if (!rc) {
		qsort(in, npaths, sizeof *in, by_rank);
		rc = pl_import_open(db, rep, &imp, err);
	}
	if (!rc) {
		imp->replace = o->replace;
		imp->unsourced_ok = o->unsourced_ok;
		imp->map = map;
		if (bulk) { /* from now on: this transaction and any again */
			imp->bulk_wanted = 1;
			/* a run row by row reads the files again: not stdin */
			imp->keys_by_rowid = 1;
			for (size_t i = 0; i < npaths; i++)
				imp->keys_by_rowid &= strcmp(paths[i], "-") != 0;
			rc = pl_bulk_begin(db, &imp->bulk, err);
		}
		if (!rc)
			rc = run(imp, in, npaths, o, rep, err);
	}
	if (rc && imp) { /* the run itself failed: nothing of it may stay */
		parley_err keep = err ? *err : (parley_err){0, ""};
		imp->errors++;
		import_close(imp, NULL, redo);
		imp = NULL;
		if (err)
			*err = keep;
	}
	if (imp) {
		if (stats)
			*stats = imp->stats;
		rc = import_close(imp, err, redo);
		if (rc == PARLEY_EDATA && err) { /* name what failed */
			char why[PARLEY_ERRMSG_MAX];
			pl_strlcpy(why, err->msg, sizeof why);
			parley_err_set(err, rc, "import failed with %s", why);
		}
	}
	if (checks) { /* SQLite's foreign key checks again, whatever the outcome */
		parley_err cerr = {0, ""};
		int crc = pl_bulk_checks_restore(db, &cerr);
		if (crc && !rc) {
			rc = crc;
			if (err)
				*err = cerr;
		}
	}
	if (journal) { /* WAL again, whatever the outcome */
		parley_err jerr = {0, ""};
		int jrc = pl_bulk_journal_restore(db, &jerr);
		if (jrc && !rc) {
			rc = jrc;
			if (err)
				*err = jerr;
		}
	}
	if (brep) {
		if (!*redo)
			copy_findings(outer, brep);
		parley_report_free(brep);
	}
	for (size_t i = 0; i < npaths; i++)
		free(in[i].data);
	free(in);
	pl_csv_map_free(map);
	return rc;
}

int parley_import_with(parley_db *db, const char *const *paths, size_t npaths,
                       const parley_import_options *opt, parley_report *rep,
                       parley_import_stats *stats, parley_err *err)
{
	int redo = 0;
	int rc = import_once(db, paths, npaths, opt, rep, stats, err, 1, &redo);
	if (redo) /* the bulk run was rolled back: the same import row by row */
		rc = import_once(db, paths, npaths, opt, rep, stats, err, 0, &redo);
	return rc;
}
