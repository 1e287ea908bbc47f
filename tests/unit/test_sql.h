/* test_sql.h - raw SQL for the query tests' fixtures, as the library's own
 * writes leave the store: run, then the search index refreshed (what a
 * commit through the library does).  A failure fails the test. */
#ifndef PARLEY_TEST_SQL_H
#define PARLEY_TEST_SQL_H

#include <sqlite3.h>

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

#endif
