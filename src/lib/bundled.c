/*
 * bundled.c - the data that ships with parley: the world's countries
 * (data/world/) and the China-DPRK dataset (data/bundled/), both kept in the
 * repository as canonical CSV files and loaded through the ordinary import,
 * so they obey the same validation as any analyst's file.
 *
 * Loading a release into a store that already holds data is an UPDATE, not
 * an overwrite: the audit log says who wrote each record, and a record that
 * anyone but a release wrote (an edit, an import, a rename, a deletion) is
 * the user's.  The release brings every other record to its version, adds
 * what is new and removes what it dropped; the user's records are kept and
 * reported as conflicts with both versions, so that a quick start run every
 * morning never reverts a correction.
 */
#include "internal.h"

#include <glob.h>
#include <stdlib.h>
#include <string.h>

/* Audit actors that are a data release: "bundled:NAME" since releases are
 * named, "init:USER" in stores loaded before that. */
#define RELEASE_ACTOR "(actor LIKE 'bundled:%' OR actor LIKE 'init:%')"

/* ---------------------------------------------------------------- */
/* The release's files                                               */
/* ---------------------------------------------------------------- */

/* The release's name and date from ROOT/bundled/data_release.csv (the
 * data version concept: the row with the newest `released`), else from
 * ROOT/RELEASE ("name=...", "date=..." lines); "unnamed" when neither says. */
static void read_release_name(const char *root, parley_release_stats *st)
{
	pl_strlcpy(st->name, "unnamed", sizeof st->name);
	st->date[0] = '\0';
	char path[4096], *text = NULL;
	size_t len;
	if ((size_t)snprintf(path, sizeof path, "%s/bundled/data_release.csv", root) < sizeof path &&
	    pl_read_file(path, 1 << 20, &text, &len, NULL) == PARLEY_OK) {
		pl_csv c;
		pl_csv_init(&c, text, len, ',');
		int iname = -1, idate = -1;
		if (pl_csv_next(&c, NULL) == 1)
			for (size_t i = 0; i < c.nfields; i++) {
				if (strcmp(c.fields[i], "name") == 0)
					iname = (int)i;
				else if (strcmp(c.fields[i], "released") == 0)
					idate = (int)i;
			}
		while (iname >= 0 && idate >= 0 && pl_csv_next(&c, NULL) == 1) {
			if ((size_t)iname >= c.nfields || (size_t)idate >= c.nfields)
				continue;
			if (strcmp(c.fields[idate], st->date) > 0 || strcmp(st->name, "unnamed") == 0) {
				pl_strlcpy(st->name, c.fields[iname], sizeof st->name);
				pl_strlcpy(st->date, c.fields[idate], sizeof st->date);
			}
		}
		pl_csv_free(&c);
		free(text);
		if (strcmp(st->name, "unnamed") != 0)
			return;
	}
	text = NULL;
	if ((size_t)snprintf(path, sizeof path, "%s/RELEASE", root) >= sizeof path ||
	    pl_read_file(path, 4096, &text, &len, NULL))
		return;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		pl_trim(line);
		if (strncmp(line, "name=", 5) == 0 && line[5])
			pl_strlcpy(st->name, line + 5, sizeof st->name);
		else if (strncmp(line, "date=", 5) == 0)
			pl_strlcpy(st->date, line + 5, sizeof st->date);
	}
	free(text);
}

typedef struct rfile {
	char *path;
	int rank; /* concept index of the file's name (country.csv -> country) */
} rfile;

static int by_rank(const void *a, const void *b)
{
	const rfile *x = a, *y = b;
	return x->rank != y->rank ? (x->rank < y->rank ? -1 : 1) : strcmp(x->path, y->path);
}

/* The *.csv files of root/sub for each sub, in concept dependency order.
 * On success *out has *n paths; caller frees each path and the array. */
static int list_files(const char *root, const char *const *subs, size_t nsubs, rfile **out,
                      size_t *n, parley_err *err)
{
	rfile *v = NULL;
	size_t cnt = 0;
	for (size_t i = 0; i < nsubs; i++) {
		char pat[4096];
		if ((size_t)snprintf(pat, sizeof pat, "%s/%s/*.csv", root, subs[i]) >= sizeof pat)
			return parley_err_set(err, PARLEY_ELIMIT, "%s: path too long", root);
		glob_t g;
		memset(&g, 0, sizeof g);
		int r = glob(pat, 0, NULL, &g);
		if (r) {
			globfree(&g);
			for (size_t k = 0; k < cnt; k++)
				free(v[k].path);
			free(v);
			return r == GLOB_NOMATCH
			           ? parley_err_set(err, PARLEY_ENOTFOUND,
			                            "%s/%s: no data files (set PARLEY_DATA to the data folder)",
			                            root, subs[i])
			           : parley_err_set(err, PARLEY_EIO, "%s: cannot list", pat);
		}
		rfile *nv = realloc(v, (cnt + g.gl_pathc) * sizeof *nv);
		if (!nv) {
			globfree(&g);
			for (size_t k = 0; k < cnt; k++)
				free(v[k].path);
			free(v);
			return parley_err_set(err, PARLEY_ENOMEM, "out of memory");
		}
		v = nv;
		for (size_t k = 0; k < g.gl_pathc; k++) {
			const char *base = strrchr(g.gl_pathv[k], '/');
			base = base ? base + 1 : g.gl_pathv[k];
			char name[128];
			pl_strlcpy(name, base, sizeof name);
			char *dot = strrchr(name, '.');
			if (dot)
				*dot = '\0';
			const pl_concept *c = pl_concept_find(name);
			v[cnt].path = pl_strdup(g.gl_pathv[k]);
			v[cnt].rank = c ? (int)(c - pl_concept_at(0)) : 1000;
			cnt++;
		}
		globfree(&g);
	}
	qsort(v, cnt, sizeof *v, by_rank);
	*out = v;
	*n = cnt;
	return PARLEY_OK;
}

/* ---------------------------------------------------------------- */
/* The update rule                                                   */
/* ---------------------------------------------------------------- */

typedef struct release {
	parley_db *db;
	parley_report *rep;
	parley_release_stats *st;
	int dry_run;
	sqlite3_stmt *current[32]; /* a concept's row by key */
	sqlite3_stmt *exists[32];  /* does a key exist */
	sqlite3_stmt *touched;     /* the user's last audit entry for a record */
	sqlite3_stmt *seen;        /* remembers each key the release holds */
} release;

/* The record's key as the audit log writes it: key columns joined by '|'. */
static void key_text(const pl_concept *c, const char *const *v, char *buf, size_t cap)
{
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < c->ncols && o < cap; i++)
		if (c->cols[i].key)
			o += (size_t)snprintf(buf + o, cap - o, "%s%s", o ? "|" : "", v[i] ? v[i] : "");
}

/* Prepares "SELECT <what> FROM c WHERE <key>" into *st once. */
static int prepare_by_key(release *r, const pl_concept *c, int all_cols, sqlite3_stmt **st)
{
	if (*st)
		return PARLEY_OK;
	pl_buf b;
	pl_buf_init(&b, 8192);
	int rc = pl_buf_puts(&b, "SELECT ");
	if (all_cols) {
		for (size_t i = 0; i < c->ncols; i++)
			if (!rc) rc = pl_buf_printf(&b, "%s%s", i ? ", " : "", c->cols[i].name);
	} else if (!rc) {
		rc = pl_buf_puts(&b, "1");
	}
	if (!rc) rc = pl_buf_printf(&b, " FROM %s", c->name);
	if (!rc) rc = pl_key_where(&b, c);
	rc = rc ? PARLEY_ENOMEM : pl_prepare(r->db, b.data, st, NULL);
	pl_buf_free(&b);
	return rc;
}

/* The user's last audit entry for a record ("edit:root, 2026-12-01T..., update")
 * into buf; 0 when only releases ever wrote it. */
static int touched_by_user(release *r, const char *entity, const char *key, char *buf, size_t cap)
{
	sqlite3_stmt *t = r->touched;
	sqlite3_reset(t);
	sqlite3_bind_text(t, 1, entity, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(t, 2, key, -1, SQLITE_TRANSIENT);
	int hit = sqlite3_step(t) == SQLITE_ROW;
	if (hit)
		snprintf(buf, cap, "%s %s by %s", (const char *)sqlite3_column_text(t, 2),
		         (const char *)sqlite3_column_text(t, 1), (const char *)sqlite3_column_text(t, 0));
	sqlite3_reset(t);
	return hit;
}

/* True when a record this row refers to is missing because the user
 * deleted it (so the row cannot come back either); names it in buf. */
static int parent_deleted(release *r, const pl_concept *c, const char *const *v, char *buf,
                          size_t cap)
{
	for (size_t i = 0; i < c->ncols; i++) {
		const pl_column *col = &c->cols[i];
		if (!col->ref || !v[i] || !*v[i])
			continue;
		const pl_concept *p = pl_concept_find(col->ref);
		size_t pi = (size_t)(p - pl_concept_at(0));
		if (prepare_by_key(r, p, 0, &r->exists[pi]))
			continue;
		const char *pv[32] = {0};
		for (size_t k = 0; k < p->ncols; k++)
			if (p->cols[k].key)
				pv[k] = v[i];
		sqlite3_stmt *e = r->exists[pi];
		sqlite3_reset(e);
		pl_bind_keys(e, p, pv);
		int present = sqlite3_step(e) == SQLITE_ROW;
		sqlite3_reset(e);
		char who[256];
		if (!present && touched_by_user(r, p->name, v[i], who, sizeof who)) {
			snprintf(buf, cap, "%s '%.200s' (%.200s)", p->name, v[i], who);
			return 1;
		}
	}
	return 0;
}

/* Adds a finding to the release's report (which may be NULL). */
static void note(release *r, const char *file, long line, const char *label, parley_severity sev,
                 const char *code, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
static void note(release *r, const char *file, long line, const char *label, parley_severity sev,
                 const char *code, const char *fmt, ...)
{
	if (!r->rep)
		return;
	pl_buf b;
	pl_buf_init(&b, 1 << 20);
	va_list ap;
	va_start(ap, fmt);
	int rc = pl_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	parley_report_add(r->rep, sev, file, line, 0, label, NULL, code, "%s",
	                  rc == PARLEY_OK && b.data ? b.data : "(message too long)");
	pl_buf_free(&b);
}

static int guard(void *ctx, const pl_concept *c, const char *const *v, const char *file,
                 long line)
{
	release *r = ctx;
	size_t ci = (size_t)(c - pl_concept_at(0));
	char key[1024], label[1200], who[512];
	key_text(c, v, key, sizeof key);
	snprintf(label, sizeof label, "%s:%s", c->name, key);
	sqlite3_reset(r->seen);
	sqlite3_bind_text(r->seen, 1, c->name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(r->seen, 2, key, -1, SQLITE_TRANSIENT);
	sqlite3_step(r->seen);
	sqlite3_reset(r->seen);
	if (prepare_by_key(r, c, 1, &r->current[ci]))
		return 1; /* the import reports the database error */
	sqlite3_stmt *cur = r->current[ci];
	sqlite3_reset(cur);
	pl_bind_keys(cur, c, v);
	int present = sqlite3_step(cur) == SQLITE_ROW;
	/* "field: 'stored' -> 'release'" for each field that differs */
	pl_buf diff;
	pl_buf_init(&diff, 1 << 16);
	for (size_t i = 0; present && i < c->ncols; i++) {
		const char *old = (const char *)sqlite3_column_text(cur, (int)i);
		const char *neu = v[i] && *v[i] ? v[i] : NULL;
		if ((!old && !neu) || (old && neu && strcmp(old, neu) == 0))
			continue;
		pl_buf_addf(&diff, "%s%s: '%s' -> '%s'", diff.len ? "; " : "", c->cols[i].name,
		              old ? old : "", neu ? neu : "");
	}
	sqlite3_reset(cur);
	int pass = 1;
	if (present && !diff.len && !pl_buf_failed(&diff)) { /* a lost diff is a change */
		r->st->unchanged++;
	} else if (!present && parent_deleted(r, c, v, who, sizeof who)) {
		/* A part of a record the user deleted (a deleted visit's companions):
		 * kept deleted with it, and reported once, with the record. */
		pass = 0;
	} else if (touched_by_user(r, c->name, key, who, sizeof who)) {
		r->st->conflicts++;
		pass = 0;
		if (present)
			note(r, file, line, label, PARLEY_WARNING, "conflict",
			     "kept your version (%s); yours -> the release's: %s", who,
			     diff.data ? diff.data : "");
		else
			note(r, file, line, label, PARLEY_WARNING, "conflict",
			     "kept your deletion (%s); the release still holds it and what belongs to it",
			     who);
	} else if (present) {
		r->st->updated++;
		if (r->dry_run)
			note(r, file, line, label, PARLEY_INFO, "would-update",
			                     "would update %s: %s", label, diff.data ? diff.data : "");
	} else {
		r->st->inserted++;
		if (r->dry_run)
			note(r, file, line, label, PARLEY_INFO, "would-add",
			                     "would add %s", label);
	}
	pl_buf_free(&diff);
	return pass;
}

/* ---------------------------------------------------------------- */
/* What the release dropped                                          */
/* ---------------------------------------------------------------- */

/* Appends the SQL expression of a concept's audit key (k1 || '|' || k2). */
static int key_expr(pl_buf *b, const pl_concept *c)
{
	int rc = 0, first = 1;
	for (size_t i = 0; i < c->ncols; i++) {
		if (!c->cols[i].key)
			continue;
		if (!rc) rc = pl_buf_printf(b, "%s%s", first ? "" : " || '|' || ", c->cols[i].name);
		first = 0;
	}
	return rc;
}

/* Name of a concept and column that still refer to c's record key, in
 * buf; 0 when nothing does. */
static int still_referred(release *r, const pl_concept *c, const char *key, char *buf, size_t cap)
{
	for (size_t d = 0; d < pl_concept_count(); d++) {
		const pl_concept *dc = pl_concept_at(d);
		for (size_t i = 0; i < dc->ncols; i++) {
			if (!dc->cols[i].ref || strcmp(dc->cols[i].ref, c->name) != 0)
				continue;
			char sql[256];
			snprintf(sql, sizeof sql, "SELECT 1 FROM %s WHERE %s = ?1 LIMIT 1", dc->name,
			         dc->cols[i].name);
			sqlite3_stmt *st;
			if (pl_prepare(r->db, sql, &st, NULL))
				continue;
			sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
			int hit = sqlite3_step(st) == SQLITE_ROW;
			sqlite3_finalize(st);
			if (hit) {
				snprintf(buf, cap, "%s.%s", dc->name, dc->cols[i].name);
				return 1;
			}
		}
	}
	return 0;
}

/* Removes the records only releases wrote that this release no longer
 * holds, children first; keeps (and reports) those the user changed or
 * that the user's records still refer to. */
static int remove_dropped(release *r, parley_err *err)
{
	int rc = PARLEY_OK;
	for (size_t n = pl_concept_count(); n-- > 0 && !rc;) {
		const pl_concept *c = pl_concept_at(n);
		pl_buf sql;
		pl_buf_init(&sql, 8192);
		int b = pl_buf_puts(&sql, "SELECT k FROM (SELECT ");
		b |= key_expr(&sql, c);
		b |= pl_buf_printf(&sql, " AS k FROM %s)", c->name);
		b |= pl_buf_puts(&sql, " WHERE k NOT IN (SELECT key FROM temp.pl_release_seen"
		                       " WHERE entity = ?1) AND EXISTS (SELECT 1 FROM audit WHERE entity = ?1"
		                       " AND entity_key = k AND " RELEASE_ACTOR ") ORDER BY k");
		sqlite3_stmt *st = NULL, *del = NULL;
		pl_buf dsql;
		pl_buf_init(&dsql, 8192);
		b |= pl_buf_printf(&dsql, "DELETE FROM %s WHERE ", c->name);
		b |= key_expr(&dsql, c);
		b |= pl_buf_puts(&dsql, " = ?1");
		if (b)
			rc = parley_err_set(err, PARLEY_ENOMEM, "out of memory");
		else if (!(rc = pl_prepare(r->db, sql.data, &st, err)))
			rc = pl_prepare(r->db, dsql.data, &del, err);
		pl_buf_free(&sql);
		pl_buf_free(&dsql);
		if (st)
			sqlite3_bind_text(st, 1, c->name, -1, SQLITE_STATIC);
		/* Collect first: deleting while the SELECT runs would move under it. */
		char **keys = NULL;
		size_t nk = 0, cap = 0;
		while (!rc && sqlite3_step(st) == SQLITE_ROW) {
			char **nkeys = pl_grow(keys, &cap, nk + 1, sizeof *nkeys, 64);
			if (!nkeys) {
				rc = parley_err_set(err, PARLEY_ENOMEM, "out of memory");
				break;
			}
			keys = nkeys;
			keys[nk++] = pl_strdup((const char *)sqlite3_column_text(st, 0));
		}
		sqlite3_finalize(st);
		for (size_t k = 0; k < nk; k++) {
			char label[1200], why[256];
			snprintf(label, sizeof label, "%s:%s", c->name, keys[k]);
			if (rc || !keys[k]) {
			} else if (touched_by_user(r, c->name, keys[k], why, sizeof why)) {
				r->st->conflicts++;
				note(r, NULL, 0, label, PARLEY_WARNING, "conflict",
				     "kept your version (%s); the release no longer holds it", why);
			} else if (still_referred(r, c, keys[k], why, sizeof why)) {
				r->st->conflicts++;
				note(r, NULL, 0, label, PARLEY_WARNING, "conflict",
				     "kept: the release no longer holds it, but your %s still refers to it", why);
			} else {
				sqlite3_reset(del);
				sqlite3_bind_text(del, 1, keys[k], -1, SQLITE_TRANSIENT);
				if (sqlite3_step(del) != SQLITE_DONE)
					rc = pl_db_error(r->db, err, label);
				sqlite3_reset(del);
				r->st->removed++;
				if (r->dry_run)
					note(r, NULL, 0, label, PARLEY_INFO, "would-remove",
					     "would remove %s (the release no longer holds it)", label);
			}
			free(keys[k]);
		}
		free(keys);
		sqlite3_finalize(del);
	}
	return rc;
}

/* ---------------------------------------------------------------- */
/* Applying a release                                                */
/* ---------------------------------------------------------------- */

static int record_release(release *r, parley_err *err)
{
	sqlite3_stmt *st;
	int rc = pl_prepare(r->db,
	                    "INSERT INTO release_applied(name, released, applied, actor, inserted, updated,"
	                    " removed, conflicts) VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%SZ','now'),"
	                    " ?3, ?4, ?5, ?6, ?7)",
	                    &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, r->st->name, -1, SQLITE_STATIC);
	pl_bind_text_or_null(st, 2, r->st->date);
	sqlite3_bind_text(st, 3, r->db->actor, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, r->st->inserted);
	sqlite3_bind_int64(st, 5, r->st->updated);
	sqlite3_bind_int64(st, 6, r->st->removed);
	sqlite3_bind_int64(st, 7, r->st->conflicts);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = pl_db_error(r->db, err, "recording the release");
	sqlite3_finalize(st);
	return rc;
}

static void release_finalize(release *r)
{
	for (size_t i = 0; i < PL_ARRAY_LEN(r->current); i++) {
		sqlite3_finalize(r->current[i]);
		sqlite3_finalize(r->exists[i]);
	}
	sqlite3_finalize(r->touched);
	sqlite3_finalize(r->seen);
}

int parley_apply_release(parley_db *db, const char *data_dir, int world_only, int dry_run,
                         parley_report *rep, parley_release_stats *stats, parley_err *err)
{
	parley_release_stats local;
	parley_release_stats *st = stats ? stats : &local;
	memset(st, 0, sizeof *st);
	if (!db)
		return parley_err_set(err, PARLEY_EINVAL, "parley_apply_release: no store");
	const char *root = data_dir ? data_dir : parley_bundled_dir();
	read_release_name(root, st);
	static const char *const subs[] = {"world", "bundled"};
	rfile *files = NULL;
	size_t nfiles = 0;
	int rc = list_files(root, subs, world_only ? 1 : 2, &files, &nfiles, err);
	if (rc)
		return rc;
	char actor_before[sizeof db->actor], actor[sizeof db->actor];
	pl_strlcpy(actor_before, db->actor, sizeof actor_before);
	snprintf(actor, sizeof actor, "bundled:%s", st->name);
	char reason[160];
	snprintf(reason, sizeof reason, "data release %s%s%s", st->name, st->date[0] ? " of " : "",
	         st->date);
	release r = {.db = db, .rep = rep, .st = st, .dry_run = dry_run};
	pl_import *imp = NULL;
	if (!(rc = parley_set_actor(db, actor, err)) && !(rc = parley_set_reason(db, reason, err)))
		rc = pl_import_open(db, rep, &imp, err);
	if (!rc)
		rc = pl_exec(db, "CREATE TEMP TABLE IF NOT EXISTS pl_release_seen(entity TEXT, key TEXT,"
		                 " PRIMARY KEY(entity, key)); DELETE FROM temp.pl_release_seen", err);
	if (!rc)
		rc = pl_prepare(db, "INSERT OR IGNORE INTO temp.pl_release_seen VALUES (?1, ?2)", &r.seen,
		                err);
	if (!rc)
		rc = pl_prepare(db, "SELECT actor, at, action FROM audit WHERE entity = ?1 AND"
		                    " entity_key = ?2 AND NOT " RELEASE_ACTOR " ORDER BY seq DESC LIMIT 1",
		                &r.touched, err);
	int bad = 0;
	if (imp && !rc) {
		pl_import_set_guard(imp, guard, &r);
		for (size_t i = 0; i < nfiles; i++) {
			char *data = NULL;
			size_t len = 0;
			parley_err ferr = {0, ""};
			if (pl_read_file(files[i].path, 0, &data, &len, &ferr)) {
				pl_import_report(imp, PARLEY_ERROR, files[i].path, 0, 0, NULL, NULL, "read-failed",
				                 "%s", ferr.msg);
				bad = 1;
				continue;
			}
			bad |= pl_reader_csv.read(imp, files[i].path, data, len) != PARLEY_OK;
			free(data);
		}
		if (!bad && !world_only)
			rc = remove_dropped(&r, err);
		if (!rc && !bad && !world_only && !dry_run)
			rc = record_release(&r, err);
		if (rc)
			pl_import_report(imp, PARLEY_ERROR, NULL, 0, 0, NULL, NULL, "database", "%s",
			                 err ? err->msg : "applying the release failed");
		if (dry_run)
			pl_import_discard(imp);
	}
	release_finalize(&r);
	if (imp) {
		int crc = pl_import_close(imp, err);
		if (!rc)
			rc = crc;
	}
	pl_exec(db, "DROP TABLE IF EXISTS temp.pl_release_seen", NULL);
	parley_set_actor(db, actor_before, NULL);
	parley_set_reason(db, NULL, NULL);
	for (size_t i = 0; i < nfiles; i++)
		free(files[i].path);
	free(files);
	if (!rc && rep)
		parley_report_add(rep, PARLEY_INFO, NULL, 0, 0, NULL, NULL, "release",
		                  "release %s%s%s%s: %ld new, %ld updated, %ld unchanged, %ld removed, "
		                  "%ld conflict%s%s",
		                  world_only ? "world data of " : "", st->name,
		                  st->date[0] ? " of " : "", st->date, st->inserted, st->updated,
		                  st->unchanged, st->removed, st->conflicts, st->conflicts == 1 ? "" : "s",
		                  st->conflicts ? " (your version kept)" : "");
	return rc;
}

int parley_release_latest(parley_db *db, char *name, size_t name_cap, char *date,
                          size_t date_cap, parley_err *err)
{
	sqlite3_stmt *st;
	int rc = pl_prepare(db, "SELECT name, coalesce(released, '') FROM release_applied"
	                        " ORDER BY seq DESC LIMIT 1", &st, err);
	if (rc)
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW) {
		pl_strlcpy(name, (const char *)sqlite3_column_text(st, 0), name_cap);
		pl_strlcpy(date, (const char *)sqlite3_column_text(st, 1), date_cap);
	} else {
		rc = parley_err_set(err, PARLEY_ENOTFOUND, "no data release was applied to this store");
	}
	sqlite3_finalize(st);
	return rc;
}

int parley_load_world(parley_db *db, const char *data_dir, parley_report *rep, parley_err *err)
{
	return parley_apply_release(db, data_dir, 1, 0, rep, NULL, err);
}

int parley_load_bundled(parley_db *db, const char *data_dir, parley_report *rep, parley_err *err)
{
	int rc = parley_apply_release(db, data_dir, 0, 0, rep, NULL, err);
	/* the example brief (issue 10), published from the data just loaded */
	return rc ? rc : parley_brief_load_bundled(db, data_dir, err);
}
