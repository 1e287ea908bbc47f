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

int parley_reference_copy(parley_db *db, parley_db **out, parley_err *err)
{
	*out = NULL;
	if (!db)
		return parley_err_set(err, PARLEY_EINVAL, "parley_reference_copy: no store");
	parley_db *c = NULL;
	int rc = parley_open(":memory:", PARLEY_OPEN_CREATE, &c, err);
	if (rc)
		return rc;
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
	if (rc) {
		parley_close(c);
		return rc;
	}
	*out = c;
	return PARLEY_OK;
}
