/* test_core_vfs_map.c - readers map the whole store file (vfs_map.c): past
 * the 2 GB cap of Debian's SQLite, and correctly while a writer shrinks and
 * grows the file under them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

static char dir[64];
#include "test_tmpdir.h"

static sqlite3_int64 int_of(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	sqlite3_int64 v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Asserts the reader sees every row of t as the writer does, byte for
 * byte; returns the number of rows. */
static int same_rows(sqlite3 *reader, sqlite3 *writer)
{
	sqlite3_stmt *a, *b;
	const char *sql = "SELECT n, x FROM t ORDER BY n";
	assert_int_equal(sqlite3_prepare_v2(reader, sql, -1, &a, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(writer, sql, -1, &b, NULL), SQLITE_OK);
	int n = 0, ra, rb;
	while ((ra = sqlite3_step(a)) == SQLITE_ROW) {
		assert_int_equal((rb = sqlite3_step(b)), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int64(a, 0), sqlite3_column_int64(b, 0));
		int len = sqlite3_column_bytes(a, 1);
		assert_int_equal(len, sqlite3_column_bytes(b, 1));
		assert_memory_equal(sqlite3_column_blob(a, 1), sqlite3_column_blob(b, 1), (size_t)len);
		n++;
	}
	assert_int_equal(ra, SQLITE_DONE);
	assert_int_equal(sqlite3_step(b), SQLITE_DONE);
	sqlite3_finalize(a);
	sqlite3_finalize(b);
	return n;
}

static void exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		fail_msg("%s: %s", sql, msg ? msg : "?");
}

/* A parley store with a table t of n rows of 3000 random bytes, through a
 * plain writer (the default VFS) left open on it. */
static sqlite3 *store_with_rows(const char *path, int n)
{
	parley_db *db;
	parley_err err;
	assert_int_equal(parley_open(path, PARLEY_OPEN_CREATE, &db, &err), PARLEY_OK);
	parley_close(db);
	sqlite3 *w;
	assert_int_equal(sqlite3_open(path, &w), SQLITE_OK);
	exec(w, "CREATE TABLE t(n INTEGER PRIMARY KEY, x BLOB)");
	char sql[128];
	snprintf(sql, sizeof sql,
	         "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < %d)"
	         " INSERT INTO t(x) SELECT randomblob(3000) FROM k", n);
	exec(w, sql);
	exec(w, "PRAGMA wal_checkpoint(TRUNCATE)");
	return w;
}

static void reader_maps_past_sqlites_cap(void **state)
{
	(void)state;
	const char *path = path_of("cap.db");
	sqlite3 *w = store_with_rows(path, 200);
	sqlite3_close(w);
	parley_db *r;
	parley_err err;
	assert_int_equal(parley_open(path, PARLEY_OPEN_READONLY, &r, &err), PARLEY_OK);
	/* the stock VFS caps the 4 GiB a reader asks at 0x7fff0000 bytes */
	sqlite3_vfs *vfs = NULL;
	assert_int_equal(sqlite3_file_control(r->sql, "main", SQLITE_FCNTL_VFS_POINTER, &vfs), SQLITE_OK);
	assert_non_null(vfs);
	assert_string_equal(vfs->zName, "parley-map");
	assert_int_equal(int_of(r->sql, "PRAGMA mmap_size"), 4294967296LL);
	/* a read maps the file: it shows in this process's mappings */
	assert_int_equal(int_of(r->sql, "SELECT count(*) FROM t"), 200);
	char real[4096];
	assert_non_null(realpath(path, real));
	FILE *maps = fopen("/proc/self/maps", "r");
	assert_non_null(maps);
	char line[4096 + 256];
	int mapped = 0;
	while (fgets(line, sizeof line, maps))
		if (strstr(line, real))
			mapped = 1;
	fclose(maps);
	assert_true(mapped);
	parley_close(r);
	/* a writer keeps the default VFS */
	parley_db *rw;
	assert_int_equal(parley_open(path, 0, &rw, &err), PARLEY_OK);
	vfs = NULL;
	assert_int_equal(sqlite3_file_control(rw->sql, "main", SQLITE_FCNTL_VFS_POINTER, &vfs), SQLITE_OK);
	assert_string_not_equal(vfs->zName, "parley-map");
	parley_close(rw);
}

static void reader_follows_a_file_that_shrinks_and_grows(void **state)
{
	(void)state;
	const char *path = path_of("grow.db");
	sqlite3 *w = store_with_rows(path, 2000);
	parley_db *r;
	parley_err err;
	assert_int_equal(parley_open(path, PARLEY_OPEN_READONLY, &r, &err), PARLEY_OK);
	assert_int_equal(same_rows(r->sql, w), 2000);
	struct stat big, small, grown;
	assert_int_equal(stat(path, &big), 0);
	/* the writer drops most rows and shrinks the file under the mapping */
	exec(w, "DELETE FROM t WHERE n % 10 <> 0; VACUUM; PRAGMA wal_checkpoint(TRUNCATE)");
	assert_int_equal(stat(path, &small), 0);
	assert_true(small.st_size < big.st_size / 2);
	assert_int_equal(same_rows(r->sql, w), 200);
	/* and grows it past the mapping's end */
	exec(w, "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 3000)"
	        " INSERT INTO t(x) SELECT randomblob(3000) FROM k; PRAGMA wal_checkpoint(TRUNCATE)");
	assert_int_equal(stat(path, &grown), 0);
	assert_true(grown.st_size > big.st_size);
	assert_int_equal(same_rows(r->sql, w), 3200);
	/* changes still in the writer's WAL are read from it, not the file */
	exec(w, "UPDATE t SET x = zeroblob(3000) WHERE n % 7 = 0");
	assert_int_equal(same_rows(r->sql, w), 3200);
	parley_close(r);
	sqlite3_close(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(reader_maps_past_sqlites_cap),
	    cmocka_unit_test(reader_follows_a_file_that_shrinks_and_grows),
	};
	return RUN_IN_TMPDIR("vfs_map", tests);
}
