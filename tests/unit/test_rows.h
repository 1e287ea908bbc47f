/* test_rows.h - raw SQL on a store's connection, for tests that reach past
 * the library (a corner only raw SQL can write) or read its derived tables.
 * Include after cmocka.h and internal.h. */
#ifndef PARLEY_TEST_ROWS_H
#define PARLEY_TEST_ROWS_H

#include <stdlib.h>

/* The rows of sql as text: columns joined by '|', NULL as "NULL", one line
 * each; the test frees it. */
static inline char *rows(parley_db *db, const char *sql)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db->sql, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db->sql));
	pl_buf b;
	pl_buf_init(&b, 64 << 20);
	pl_buf_adds(&b, "");
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (int i = 0; i < sqlite3_column_count(st); i++) {
			const unsigned char *t = sqlite3_column_text(st, i);
			pl_buf_addf(&b, "%s%s", i ? "|" : "", t ? (const char *)t : "NULL");
		}
		pl_buf_adds(&b, "\n");
	}
	assert_int_equal(sqlite3_finalize(st), SQLITE_OK);
	assert_int_equal(pl_buf_failed(&b), PARLEY_OK);
	return b.data;
}

/* The first column of the first row of sql, which must have one. */
static inline long long scalar(parley_db *db, const char *sql)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db->sql, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db->sql));
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	long long v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Runs sql (any number of statements), failing the test on an error. */
static inline void exec(parley_db *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db->sql, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
}

#endif
