/* test_core_tally_fill.c - the tallies a bulk import refills, counted in
 * memory (tally_fill.c, pl_tally_refill), are row for row those of the
 * migration's GROUP BY (pl_schema_tally_refill): on the bundled store with
 * visits written here to reach the GROUP BY's corners (start dates shorter
 * than a year or with a year of non-ASCII characters, a visit within one
 * country, codes of different lengths whose pair key orders differently
 * from the codes, statuses and levels outside the vocabulary), and on a
 * store with more statuses than the in-memory key holds (the GROUP BY then
 * does it). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parley.h"
#include "internal.h"

static char dir[64];
#include "test_tmpdir.h"
#include "test_rows.h"

static const char *const tables[] = {
    "SELECT * FROM visit_tally ORDER BY 1, 2, 3, 4, 5, 6, 7",
    "SELECT * FROM visit_tally_year ORDER BY 1, 2, 3, 4",
    "SELECT * FROM visit_tally_country ORDER BY 1, 2, 3, 4, 5",
    "SELECT * FROM visit_tally_dir ORDER BY 1, 2, 3",
    "SELECT * FROM person_tally ORDER BY 1",
};
#define NTABLES (sizeof tables / sizeof tables[0])

/* Refills the tallies both ways, in one transaction rolled back after each,
 * and compares every table; returns the tally's row count. */
static size_t same_both_ways(parley_db *db)
{
	parley_err err = {0, ""};
	char *want[NTABLES], *got[NTABLES];
	exec(db, "BEGIN IMMEDIATE");
	/* the tallies' triggers kept them current: emptied first, so a refill
	 * that wrote nothing would fail */
	exec(db, "DELETE FROM visit_tally; DELETE FROM visit_tally_year; DELETE FROM visit_tally_country;"
	         " DELETE FROM visit_tally_dir; DELETE FROM person_tally;");
	assert_int_equal(pl_exec(db, pl_schema_tally_refill(), &err), PARLEY_OK);
	for (size_t i = 0; i < NTABLES; i++)
		want[i] = rows(db, tables[i]);
	exec(db, "ROLLBACK; BEGIN IMMEDIATE");
	exec(db, "DELETE FROM visit_tally; DELETE FROM visit_tally_year; DELETE FROM visit_tally_country;"
	         " DELETE FROM visit_tally_dir; DELETE FROM person_tally;");
	if (pl_tally_refill(db, &err) != PARLEY_OK)
		fail_msg("refill: %s", err.msg);
	for (size_t i = 0; i < NTABLES; i++)
		got[i] = rows(db, tables[i]);
	exec(db, "ROLLBACK");
	size_t n = 0;
	for (const char *p = want[0]; *p; p++)
		n += *p == '\n';
	for (size_t i = 0; i < NTABLES; i++) {
		if (strcmp(want[i], got[i]) != 0)
			fprintf(stderr, "differs: %s\n", tables[i]);
		assert_string_equal(got[i], want[i]);
		assert_true(strlen(want[i]) > 0);
		free(want[i]);
		free(got[i]);
	}
	return n;
}

static void the_counted_tallies_are_the_group_bys(void **s)
{
	(void)s;
	parley_db *db = fresh_store();
	parley_err err = {0, ""};
	if (parley_load_bundled(db, NULL, NULL, &err) != PARLEY_OK)
		fail_msg("bundled: %s", err.msg);
	size_t bundled = same_both_ways(db);
	assert_true(bundled > 50);
	/* raw SQL, past what the library's writes accept: the GROUP BY's
	 * corners (foreign keys off for the made-up codes) */
	exec(db, "PRAGMA foreign_keys = OFF;"
	         "INSERT INTO visit(id, from_country, to_country, start_date, level, type, status) VALUES"
	         " ('tf-1', 'CHN', 'PRK', '', 'odd level', 'odd type', 'odd status'),"
	         " ('tf-2', 'CHN', 'PRK', '19', 'unknown', 'unknown', 'confirmed'),"
	         " ('tf-3', 'CHN', 'PRK', 'ÿéàü-05', 'unknown', 'unknown', 'confirmed'),"
	         " ('tf-4', 'CHN', 'CHN', '1990-01-01', 'unknown', 'unknown', 'confirmed'),"
	         " ('tf-5', 'A', 'A:B', '1990', 'unknown', 'unknown', 'confirmed'),"
	         " ('tf-6', 'A:B', 'A', '1990', 'unknown', 'unknown', 'confirmed'),"
	         " ('tf-7', 'AB', 'A', '1990', 'unknown', 'unknown', 'confirmed'),"
	         " ('tf-8', 'PRK', 'CHN', '1953-11', 'head_of_state', 'official', 'confirmed');"
	         "PRAGMA foreign_keys = ON;");
	assert_true(same_both_ways(db) >= bundled + 7);
	parley_close(db);
}

/* 300 statuses: more than the key's 8 bits; the GROUP BY refills. */
static void too_many_values_fall_back_to_the_group_by(void **s)
{
	(void)s;
	parley_db *db = fresh_store();
	parley_err err = {0, ""};
	if (parley_load_bundled(db, NULL, NULL, &err) != PARLEY_OK)
		fail_msg("bundled: %s", err.msg);
	exec(db, "WITH RECURSIVE i(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM i WHERE n < 300)"
	         " INSERT INTO visit(id, from_country, to_country, start_date, status)"
	         " SELECT 'tf-s' || n, 'CHN', 'PRK', '2001', 'status ' || n FROM i;");
	same_both_ways(db);
	parley_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(the_counted_tallies_are_the_group_bys),
	    cmocka_unit_test(too_many_values_fall_back_to_the_group_by),
	};
	return RUN_IN_TMPDIR("tally-fill", tests);
}
