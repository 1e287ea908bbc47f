/*
 * backup.c - a consistent copy of a live store (SQLite online backup).
 *
 * The copy is made in steps so that other connections keep reading and
 * writing while it runs; a step that finds the store locked waits and tries
 * again.  It is written to DEST.partial, checked with integrity_check, and
 * only then renamed to DEST, so DEST is either the old file or a whole copy.
 * parley_reference_copy copies a store into memory without its visits
 * (compare's scratch store).
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

int parley_backup(parley_db *db, const char *dest, parley_err *err)
{
	if (!db || !dest || !*dest)
		return parley_err_set(err, PARLEY_EINVAL, "backup: no destination given");
	char tmp[4096];
	if ((size_t)snprintf(tmp, sizeof tmp, "%s.partial", dest) >= sizeof tmp)
		return parley_err_set(err, PARLEY_ELIMIT, "backup: destination path too long");
	unlink(tmp);
	sqlite3 *out = NULL;
	int rc = PARLEY_OK;
	if (sqlite3_open_v2(tmp, &out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		rc = parley_err_set(err, PARLEY_EIO, "backup: cannot create %s: %s", tmp,
		                    out ? sqlite3_errmsg(out) : "out of memory");
		goto done;
	}
	sqlite3_backup *b = sqlite3_backup_init(out, "main", db->sql, "main");
	if (!b) {
		rc = parley_err_set(err, PARLEY_EIO, "backup: %s", sqlite3_errmsg(out));
		goto done;
	}
	int s, waits = 0;
	do {
		s = sqlite3_backup_step(b, 256);
		if (s == SQLITE_BUSY || s == SQLITE_LOCKED) {
			if (++waits > 2000) /* about 20 s of a store locked without a break */
				break;
			sqlite3_sleep(10);
		}
	} while (s == SQLITE_OK || s == SQLITE_BUSY || s == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	if (s != SQLITE_DONE) {
		rc = parley_err_set(err, s == SQLITE_BUSY || s == SQLITE_LOCKED ? PARLEY_EBUSY : PARLEY_EIO,
		                    "backup to %s failed: %s", dest, sqlite3_errstr(s));
		goto done;
	}
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(out, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW ||
	    strcmp((const char *)sqlite3_column_text(st, 0), "ok") != 0) {
		rc = parley_err_set(err, PARLEY_EIO, "backup to %s: the copy failed its integrity check", dest);
		sqlite3_finalize(st);
		goto done;
	}
	sqlite3_finalize(st);
	if (sqlite3_close(out) != SQLITE_OK) {
		rc = parley_err_set(err, PARLEY_EIO, "backup: closing %s failed", tmp);
		out = NULL;
		goto done;
	}
	out = NULL;
	if (rename(tmp, dest) != 0)
		rc = parley_err_set(err, PARLEY_EIO, "backup: cannot rename %s to %s", tmp, dest);
done:
	if (out)
		sqlite3_close(out);
	if (rc)
		unlink(tmp);
	return rc;
}

/* The reference records a file's visits may name (import.c checks each
 * name against them): the tables copied into the scratch store, and the
 * external ids of everything but visits. */
static const char *const reference_tables[] = {
    "country", "country_name", "person",        "person_alias", "office",
    "tenure",  "source",       "tenure_source", "key_rename"};

/* The columns of table t in the scratch store c ("a, b, c"), the ones an
 * INSERT names (generated columns are not listed by table_info). */
static int columns_of(parley_db *c, const char *t, pl_buf *cols, parley_err *err)
{
	sqlite3_stmt *st;
	int rc = pl_prepare(c, "SELECT name FROM pragma_table_info(?1) ORDER BY cid", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, t, -1, SQLITE_STATIC);
	int s;
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW)
		rc = pl_buf_printf(cols, "%s\"%s\"", cols->len ? ", " : "",
		                   (const char *)sqlite3_column_text(st, 0));
	if (!rc && s != SQLITE_DONE)
		rc = pl_db_error(c, err, "reading the scratch store's schema");
	sqlite3_finalize(st);
	return rc == PARLEY_ENOMEM ? parley_err_set(err, rc, "out of memory") : rc;
}

/* Copies the reference tables of the store at path into c (attached
 * read-only for the copy). */
static int copy_reference(parley_db *c, const char *path, parley_err *err)
{
	sqlite3_stmt *st;
	int rc = pl_prepare(c, "ATTACH ?1 AS src", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	int s = sqlite3_step(st);
	sqlite3_finalize(st);
	if (s != SQLITE_DONE)
		return pl_db_error(c, err, "opening the store for its reference records");
	pl_buf sql, cols;
	pl_buf_init(&sql, 1 << 20);
	pl_buf_init(&cols, 1 << 16);
	/* No audit log and no search text in a store that is thrown away
	 * unsearched (its audit rows would copy the store's own log): their
	 * triggers are dropped before the copy, so the import into it writes
	 * none either. */
	{
		rc = pl_prepare(c, "SELECT name FROM sqlite_schema WHERE type = 'trigger' AND ("
		                   "name GLOB 'audit_*' OR name GLOB 'visit_search_*'"
		                   " OR name GLOB 'person_search_*' OR name GLOB 'search_pack_*')", &st, err);
		while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW)
			rc = pl_buf_printf(&sql, "DROP TRIGGER \"%s\";", (const char *)sqlite3_column_text(st, 0));
		if (!rc && s != SQLITE_DONE)
			rc = pl_db_error(c, err, "reading the scratch store's schema");
		sqlite3_finalize(st);
	}
	rc = rc ? rc : pl_buf_puts(&sql, "BEGIN;");
	for (size_t i = 0; !rc && i < PL_ARRAY_LEN(reference_tables); i++) {
		const char *t = reference_tables[i];
		cols.len = 0;
		rc = columns_of(c, t, &cols, err);
		if (!rc)
			rc = pl_buf_printf(&sql, "INSERT INTO main.\"%s\"(%s) SELECT %s FROM src.\"%s\";", t,
			                   cols.data, cols.data, t);
	}
	if (!rc)
		rc = pl_buf_puts(&sql, "INSERT INTO main.external_id SELECT * FROM src.external_id"
		                       " WHERE entity <> 'visit'; COMMIT;");
	if (rc == PARLEY_ENOMEM)
		rc = parley_err_set(err, rc, "out of memory");
	if (!rc)
		rc = pl_exec(c, sql.data, err);
	if (rc)
		sqlite3_exec(c->sql, "ROLLBACK", NULL, NULL, NULL);
	pl_buf_free(&sql);
	pl_buf_free(&cols);
	int drc = pl_exec(c, "DETACH src", rc ? NULL : err);
	return rc ? rc : drc;
}

int parley_reference_copy(parley_db *db, parley_db **out, parley_err *err)
{
	*out = NULL;
	if (!db)
		return parley_err_set(err, PARLEY_EINVAL, "parley_reference_copy: no store");
	parley_db *c = NULL;
	const char *path = sqlite3_db_filename(db->sql, "main");
	/* A store in a file: a fresh scratch store on disk (issue 13: at a
	 * million visits the whole store copied into memory took gigabytes),
	 * given the reference tables alone.  A store in memory has no file to
	 * read them from: the whole of it copied into memory, its visits and
	 * what hangs on them deleted. */
	int rc = path && *path ? pl_open_scratch(&c, err) : parley_open(":memory:", PARLEY_OPEN_CREATE, &c, err);
	if (rc)
		return rc;
	if (path && *path) {
		rc = copy_reference(c, path, err);
	} else {
		sqlite3_backup *b = sqlite3_backup_init(c->sql, "main", db->sql, "main");
		if (!b || sqlite3_backup_step(b, -1) != SQLITE_DONE)
			rc = parley_err_set(err, PARLEY_EIO, "copying the store failed: %s",
			                    sqlite3_errmsg(c->sql));
		if (b)
			sqlite3_backup_finish(b);
		if (!rc)
			rc = pl_exec(c,
			             "PRAGMA foreign_keys = ON;"
			             "DELETE FROM visit; DELETE FROM external_id WHERE entity = 'visit';"
			             "DELETE FROM coverage; DELETE FROM data_release; DELETE FROM audit;",
			             err);
	}
	if (rc) {
		parley_close(c);
		return rc;
	}
	*out = c;
	return PARLEY_OK;
}
