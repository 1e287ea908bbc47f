/* test_sql.h - the query tests' fixtures and probes: raw SQL as the
 * library's own writes leave the store (run, then the search index
 * refreshed: what a commit through the library does), one number read
 * back, and a visit written as an editor saves it.  A failure fails the
 * test. */
#ifndef PARLEY_TEST_SQL_H
#define PARLEY_TEST_SQL_H

#include <sqlite3.h>
#include <string.h>

#include "parley.h"

static inline void exec_synced(parley_db *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(parley_sqlite(db), sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg ? msg : "");
	parley_err err = {0, ""};
	if (parley_search_sync(db, &err) != PARLEY_OK)
		fail_msg("sync: %s", err.msg);
}

/* The first column of sql's first row, or -1 when it has none. */
static inline long sql_scalar(parley_db *db, const char *sql)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(parley_sqlite(db), sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(parley_sqlite(db)));
	long n = sqlite3_step(st) == SQLITE_ROW ? (long)sqlite3_column_int64(st, 0) : -1;
	sqlite3_finalize(st);
	return n;
}

/* Visit id's current ETag into v (cap bytes). */
static inline void visit_etag(parley_db *db, const char *id, char *v, size_t cap)
{
	parley_err err = {0, ""};
	if (parley_visit_etag(db, id, v, cap, &err) != PARLEY_OK)
		fail_msg("etag: %s", err.msg);
}

/* json written as visit id (its current ETag given), or as a new visit
 * when id is NULL, with why as the reason. */
static inline void visit_write_ok(parley_db *db, const char *id, const char *json, const char *why)
{
	char v[64] = "";
	parley_err err = {0, ""};
	if (id)
		visit_etag(db, id, v, sizeof v);
	if (parley_visit_write(db, id, json, strlen(json), id ? v : NULL, why, NULL, 0, NULL, &err) !=
	    PARLEY_OK)
		fail_msg("%s: %s", why, err.msg);
}

#endif
