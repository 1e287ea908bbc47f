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
 * Upserts match on the concept's key.  A row identical to the stored one
 * writes nothing, so re-importing the same data changes nothing and adds
 * nothing to the audit log.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#define HEAD_BYTES 65536
#define MAX_FILE ((size_t)4 << 30)

typedef struct concept_counts {
	long inserted, updated, unchanged;
} concept_counts;

struct pl_import {
	parley_db *db;
	parley_report *rep;
	parley_import_stats stats;
	size_t errors;
	concept_counts counts[32];     /* per concept, current file */
	sqlite3_stmt *select[32];      /* by key */
	sqlite3_stmt *insert[32];
	sqlite3_stmt *update[32];
	sqlite3_stmt *exists[32];      /* key exists (for references) */
	char **owned;                  /* strings handed out by find_person */
	size_t nowned, owned_cap;
	pl_import_guard guard;         /* decides which rows are written (bundled.c) */
	void *guard_ctx;
	int discard;                   /* roll back at close even without errors (dry run) */
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
	pl_buf_vprintf(&b, fmt, ap);
	parley_report_add(imp->rep, sev, file, line, column, record, field, code, "%s",
	                  b.data ? b.data : "(message too long)");
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

void pl_import_unmapped(pl_import *imp, const char *file, long line,
                        const char *field, const char *fmt, ...)
{
	imp->stats.unmapped++;
	va_list ap;
	va_start(ap, fmt);
	vreport(imp, PARLEY_WARNING, file, line, 0, NULL, field, "unmapped", fmt, ap);
	va_end(ap);
}

int pl_import_require_utf8(pl_import *imp, const char *path, const char *data, size_t len)
{
	long at = pl_utf8_invalid_at(data, len);
	if (at < 0)
		return PARLEY_OK;
	long line = 1, col = 1;
	for (long i = 0; i < at; i++) {
		if (data[i] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	pl_import_report(imp, PARLEY_ERROR, path, line, col, NULL, NULL, "bad-utf8",
	                 "invalid UTF-8 at byte offset %ld (byte 0x%02X)", at,
	                 (unsigned)(unsigned char)data[at]);
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
		rc |= pl_buf_printf(&b, "%s%s", i ? ", " : "", c->cols[i].name);
	rc |= pl_buf_printf(&b, " FROM %s", c->name);
	rc |= pl_key_where(&b, c);
	if (rc || pl_prepare(imp->db, b.data, &imp->select[ci], err))
		goto fail;
	pl_buf_reset(&b);
	rc = pl_buf_printf(&b, "SELECT 1 FROM %s", c->name);
	rc |= pl_key_where(&b, c);
	if (rc || pl_prepare(imp->db, b.data, &imp->exists[ci], err))
		goto fail;
	/* INSERT with every column as ?1..?n */
	pl_buf_reset(&b);
	rc = pl_buf_printf(&b, "INSERT INTO %s(", c->name);
	for (size_t i = 0; i < c->ncols; i++)
		rc |= pl_buf_printf(&b, "%s%s", i ? ", " : "", c->cols[i].name);
	rc |= pl_buf_puts(&b, ") VALUES (");
	for (size_t i = 0; i < c->ncols; i++)
		rc |= pl_buf_printf(&b, "%s?%zu", i ? ", " : "", i + 1);
	rc |= pl_buf_putc(&b, ')');
	if (rc || pl_prepare(imp->db, b.data, &imp->insert[ci], err))
		goto fail;
	/* UPDATE non-key columns, same numbering as INSERT */
	pl_buf_reset(&b);
	rc = pl_buf_printf(&b, "UPDATE %s SET ", c->name);
	int first = 1, all_key = 1;
	for (size_t i = 0; i < c->ncols; i++) {
		if (c->cols[i].key)
			continue;
		rc |= pl_buf_printf(&b, "%s%s = ?%zu", first ? "" : ", ", c->cols[i].name, i + 1);
		first = 0;
		all_key = 0;
	}
	rc |= pl_key_where(&b, c);
	if (rc)
		goto fail;
	if (all_key) { /* every column is key: nothing to update */
		imp->update[ci] = NULL;
	} else if (pl_prepare(imp->db, b.data, &imp->update[ci], err)) {
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
	for (size_t i = 0; i < PL_ARRAY_LEN(imp->select); i++) {
		sqlite3_finalize(imp->select[i]);
		sqlite3_finalize(imp->insert[i]);
		sqlite3_finalize(imp->update[i]);
		sqlite3_finalize(imp->exists[i]);
		imp->select[i] = imp->insert[i] = imp->update[i] = imp->exists[i] = NULL;
	}
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

static int ref_exists(pl_import *imp, const char *concept, const char *value, parley_err *err)
{
	const pl_concept *rc_ = pl_concept_find(concept);
	size_t ci = (size_t)(rc_ - pl_concept_at(0));
	if (prepare_concept(imp, ci, err))
		return -1;
	sqlite3_stmt *st = imp->exists[ci];
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, value, -1, SQLITE_TRANSIENT);
	int r = sqlite3_step(st);
	sqlite3_reset(st);
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
	return sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
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

int pl_import_put(pl_import *imp, const pl_concept *c, const char *const *values,
                  const char *file, long line)
{
	char label[256];
	int bad = 0;
	parley_err err = {0, ""};
	size_t ci = (size_t)(c - pl_concept_at(0));
	imp->stats.rows_read++;
	if (imp->guard && !imp->guard(imp->guard_ctx, c, values, file, line))
		return PARLEY_OK; /* kept as it is (the guard reported why) */
	record_label(c, values, label, sizeof label);
	parley_date start = {0, 0, 0, 0}, end = {0, 0, 0, 0};
	int has_start = 0, has_end = 0;
	for (size_t i = 0; i < c->ncols; i++) {
		const pl_column *col = &c->cols[i];
		const char *v = values[i];
		int empty = !v || !*v;
		if (empty) {
			if (col->required) {
				pl_import_report(imp, PARLEY_ERROR, file, line, 0, label, col->name,
				                 "required", "%s is required", col->name);
				bad = 1;
			}
			continue;
		}
		if (pl_utf8_invalid_at(v, strlen(v)) >= 0) {
			pl_import_report(imp, PARLEY_ERROR, file, line, 0, label, col->name, "bad-utf8",
			                 "invalid UTF-8 in %s", col->name);
			bad = 1;
			continue;
		}
		switch (col->type) {
		case PL_INT:
			if (!valid_int(v)) {
				pl_import_report(imp, PARLEY_ERROR, file, line, 0, label, col->name,
				                 "bad-integer", "'%.40s' is not a whole number", v);
				bad = 1;
			}
			break;
		case PL_DATE: {
			parley_date d;
			if (parley_date_parse(v, strlen(v), &d, &err)) {
				pl_import_report(imp, PARLEY_ERROR, file, line, 0, label, col->name,
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
					pl_buf_printf(&allowed, "%s%s", e == col->values ? "" : ", ", *e);
				pl_import_report(imp, PARLEY_ERROR, file, line, 0, label, col->name,
				                 "bad-value", "'%.40s' is not one of: %s", v,
				                 allowed.data ? allowed.data : "");
				pl_buf_free(&allowed);
				bad = 1;
			}
			break;
		}
		case PL_LEVEL:
			if (parley_level_rank(v) < 0) {
				pl_import_report(imp, PARLEY_ERROR, file, line, 0, label, col->name,
				                 "bad-level", "'%.40s' is not a rank or level", v);
				bad = 1;
			}
			break;
		case PL_TEXT:
			break;
		}
		if (col->ref && !bad) {
			int e = ref_exists(imp, col->ref, v, &err);
			if (e < 0) {
				pl_import_report(imp, PARLEY_ERROR, file, line, 0, label, col->name,
				                 "database", "%s", err.msg);
				bad = 1;
			} else if (!e) {
				pl_import_report(imp, PARLEY_ERROR, file, line, 0, label, col->name,
				                 "unknown-reference", "unknown %s '%.60s'", col->ref, v);
				bad = 1;
			}
		}
	}
	if (!bad && has_start && has_end &&
	    parley_date_last_day(end) < parley_date_first_day(start)) {
		char a[16], b[16];
		pl_import_report(imp, PARLEY_ERROR, file, line, 0, label, "end_date",
		                 "end-before-start", "end %s is before start %s",
		                 parley_date_format(end, b, sizeof b),
		                 parley_date_format(start, a, sizeof a));
		bad = 1;
	}
	if (bad)
		return PARLEY_EDATA;
	if (prepare_concept(imp, ci, &err)) {
		pl_import_report(imp, PARLEY_ERROR, file, line, 0, label, NULL, "database", "%s", err.msg);
		return PARLEY_EDB;
	}
	/* Look the row up by key. */
	sqlite3_stmt *sel = imp->select[ci];
	sqlite3_reset(sel);
	pl_bind_keys(sel, c, values);
	int r = sqlite3_step(sel);
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
		w = imp->update[ci];
	} else if (r == SQLITE_DONE) {
		sqlite3_reset(sel);
		w = imp->insert[ci];
	} else {
		sqlite3_reset(sel);
		pl_import_report(imp, PARLEY_ERROR, file, line, 0, label, NULL, "database", "%s",
		                 sqlite3_errmsg(imp->db->sql));
		return PARLEY_EDB;
	}
	sqlite3_reset(w);
	sqlite3_clear_bindings(w);
	for (size_t i = 0; i < c->ncols; i++)
		bind_value(w, (int)i + 1, &c->cols[i], values[i]);
	r = sqlite3_step(w);
	sqlite3_reset(w);
	if (r != SQLITE_DONE) {
		pl_import_report(imp, PARLEY_ERROR, file, line, 0, label, NULL, "database",
		                 "the store refused the row: %s", sqlite3_errmsg(imp->db->sql));
		return PARLEY_EDATA;
	}
	if (w == imp->insert[ci]) {
		imp->counts[ci].inserted++;
		imp->stats.inserted++;
	} else {
		imp->counts[ci].updated++;
		imp->stats.updated++;
	}
	return PARLEY_OK;
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
			pl_buf_printf(&b, "%s%s", j ? "," : "", c->cols[j].name);
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
	char *data;
	size_t len;
	const pl_reader *reader;
	int rank;
	size_t order;
} input;

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
		pl_buf_printf(&b, "%s%ld %s (%ld new, %ld changed, %ld unchanged)", b.len ? "; " : "",
		              n, pl_concept_at(i)->plural, k->inserted, k->updated, k->unchanged);
	}
	if (!total)
		pl_buf_puts(&b, "no records");
	pl_import_report(imp, PARLEY_INFO, path, 0, 0, NULL, NULL, "imported", "%s: %s", format,
	                 b.data ? b.data : "");
	pl_buf_free(&b);
	memset(imp->counts, 0, sizeof imp->counts);
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
	int rc = pl_begin(db, err);
	if (rc) {
		free(imp);
		return rc;
	}
	*out = imp;
	return PARLEY_OK;
}

int pl_import_close(pl_import *imp, parley_err *err)
{
	finalize_all(imp);
	int rc;
	if (imp->errors) {
		pl_rollback(imp->db);
		rc = parley_err_set(err, PARLEY_EDATA, "%zu error%s; the store is unchanged",
		                    imp->errors, imp->errors == 1 ? "" : "s");
	} else if (imp->discard) {
		pl_rollback(imp->db);
		rc = PARLEY_OK;
	} else if ((rc = pl_commit(imp->db, err))) {
		pl_rollback(imp->db);
	}
	for (size_t i = 0; i < imp->nowned; i++)
		free(imp->owned[i]);
	free(imp->owned);
	free(imp);
	return rc;
}

int parley_import(parley_db *db, const char *const *paths, size_t npaths,
                  const char *format, parley_report *rep,
                  parley_import_stats *stats, parley_err *err)
{
	if (stats)
		memset(stats, 0, sizeof *stats);
	if (!db || (!paths && npaths))
		return parley_err_set(err, PARLEY_EINVAL, "parley_import: no store or files");
	if (db->readonly)
		return parley_err_set(err, PARLEY_EINVAL, "%s: store opened read-only", db->path);
	const pl_reader *forced = NULL;
	if (format && !(forced = reader_named(format))) {
		pl_buf names;
		pl_buf_init(&names, 4096);
		for (const pl_reader *const *r = pl_readers; *r; r++)
			pl_buf_printf(&names, "%s%s", r == pl_readers ? "" : ", ", (*r)->format);
		parley_err_set(err, PARLEY_EINVAL, "unknown format '%s' (known: %s)", format,
		               names.data ? names.data : "");
		pl_buf_free(&names);
		return PARLEY_EINVAL;
	}
	input *in = calloc(npaths ? npaths : 1, sizeof *in);
	if (!in)
		return parley_err_set(err, PARLEY_ENOMEM, "out of memory");
	int rc = PARLEY_OK;
	/* Read and identify every file before touching the store. */
	for (size_t i = 0; i < npaths && !rc; i++) {
		in[i].path = paths[i];
		in[i].order = i;
		rc = pl_read_file(paths[i], MAX_FILE, &in[i].data, &in[i].len, err);
		if (rc)
			break;
		size_t head = in[i].len < HEAD_BYTES ? in[i].len : HEAD_BYTES;
		in[i].reader = forced ? forced : detect(paths[i], in[i].data, head);
		if (!in[i].reader)
			rc = parley_err_set(err, PARLEY_EDATA,
			                    "%s: cannot tell the file's format from its content "
			                    "(name one with --format)", paths[i]);
		else
			in[i].rank = file_rank(in[i].reader->format, in[i].data, head);
	}
	pl_import *imp = NULL;
	if (!rc) {
		qsort(in, npaths, sizeof *in, by_rank);
		rc = pl_import_open(db, rep, &imp, err);
	}
	for (size_t i = 0; !rc && i < npaths; i++) {
		size_t before = imp->errors;
		int r = in[i].reader->read(imp, in[i].path, in[i].data, in[i].len);
		if (r && imp->errors == before) /* a reader failure it did not report */
			pl_import_report(imp, PARLEY_ERROR, in[i].path, 0, 0, NULL, NULL, "read-failed",
			                 "%s reader failed: %s", in[i].reader->format,
			                 parley_strstatus(r));
		if (imp->errors == before)
			report_counts(imp, in[i].path, in[i].reader->format);
		else
			memset(imp->counts, 0, sizeof imp->counts);
		free(in[i].data);
		in[i].data = NULL;
	}
	if (imp) {
		if (stats)
			*stats = imp->stats;
		rc = pl_import_close(imp, err);
		if (rc == PARLEY_EDATA && err) { /* name what failed */
			char why[PARLEY_ERRMSG_MAX];
			pl_strlcpy(why, err->msg, sizeof why);
			parley_err_set(err, rc, "import failed with %s", why);
		}
	}
	for (size_t i = 0; i < npaths; i++)
		free(in[i].data);
	free(in);
	return rc;
}
