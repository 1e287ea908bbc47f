/* test_tmpdir.h - what the store tests share: files and stores in one
 * temporary folder per test program.  The program defines `dir` (filled by
 * mkdtemp in its setup) before including this header. */
#ifndef PARLEY_TEST_TMPDIR_H
#define PARLEY_TEST_TMPDIR_H

#include <stdio.h>
#include <stdlib.h>

#include "parley.h"

/* dir/name in one of four rotating buffers (so two may be used at once). */
static inline const char *path_of(const char *name)
{
	static char p[4][512];
	static int k;
	k = (k + 1) % 4;
	snprintf(p[k], sizeof p[k], "%s/%s", dir, name);
	return p[k];
}

static inline void write_file(const char *name, const char *text)
{
	FILE *f = fopen(path_of(name), "wb");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* A new empty store in dir; the test closes it with parley_close(). */
static inline parley_db *fresh_store(void)
{
	char name[32];
	static int n;
	snprintf(name, sizeof name, "s%d.db", n++);
	parley_db *db;
	parley_err err;
	assert_int_equal(parley_open(path_of(name), PARLEY_OPEN_CREATE, &db, &err), PARLEY_OK);
	return db;
}

/* The store exported in format (one concept, or NULL for all), as text;
 * the test frees it. */
static inline char *export_text(parley_db *db, const char *format, const char *concept)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	assert_int_equal(parley_export(db, format, concept, m, NULL), PARLEY_OK);
	fclose(m);
	return buf;
}

/* main() of a test program whose stores live in dir: makes dir
 * (/tmp/parley-test-NAME-XXXXXX), runs the tests (after setup, a group
 * setup that fills dir, when not NULL), removes dir whatever they did. */
#define RUN_IN_TMPDIR(name, tests) run_in_tmpdir(name, tests, sizeof tests / sizeof tests[0], NULL)
#define RUN_IN_TMPDIR_AFTER(name, tests, setup)                                               \
	run_in_tmpdir(name, tests, sizeof tests / sizeof tests[0], setup)
static inline int run_in_tmpdir(const char *name, const struct CMUnitTest *tests, size_t n,
                                CMFixtureFunction setup)
{
	snprintf(dir, sizeof dir, "/tmp/parley-test-%s-XXXXXX", name);
	if (!mkdtemp(dir))
		return 1;
	int rc = _cmocka_run_group_tests(name, tests, n, setup, NULL);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 1;
	return rc;
}

#endif
