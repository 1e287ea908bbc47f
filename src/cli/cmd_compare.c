/*
 * cmd_compare.c - `parley compare A B`: two sources of visits side by side,
 * matched by the shared rule, without importing either (parley.h,
 * parley_compare; docs/analysis.md, "Compare").
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_compare(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		printf("usage: parley compare A B [--tolerance DAYS] [--countries X,Y] [options]\n"
		       "       parley compare --eras A B [--their-eras] [--as-of DATE] [options]\n"
		       "Matches the visits of two sources without importing either.  A source is\n"
		       "'store' (the --db store), 'store:PATH' (another store) or a file in any\n"
		       "format 'parley import' reads.  Visits match by a shared external id, else\n"
		       "by direction, start dates within --tolerance days (default 3) and the same\n"
		       "visitor (or, when a visitor is unidentified, a compatible level).  Lists\n"
		       "matched pairs with their rule and field differences, only-in-A, only-in-B.\n"
		       "--eras puts the two era tables side by side and names the visits behind\n"
		       "each difference; --their-eras groups B by its own era labels.\n"
		       "  --as-of DATE       count visits up to DATE (each side cut where its data ends)\n"
		       "  --min-level RANK   lowest level counted (default ministerial)\n"
		       "  --status LIST      statuses counted (default confirmed,reported)\n"
		       "  --countries X,Y    only visits between X and Y (eras: inferred when one pair)\n"
		       "  --format FMT       table (default), csv or json\n");
		return EXIT_OK;
	}
	parley_compare_opts co = {0};
	const char *format = cli_json() ? "json" : "table", *tol = NULL, *countries = NULL;
	const cli_option opts[] = {
	    {"eras", NULL, &co.eras}, {"their-eras", NULL, &co.their_eras},
	    {"tolerance", &tol, NULL}, {"as-of", &co.an.as_of, NULL},
	    {"min-level", &co.an.min_level, NULL}, {"status", &co.an.status, NULL},
	    {"format", &format, NULL}, {"countries", &countries, NULL}, {0}};
	int first = cli_options("compare", argc, argv, opts);
	if (first < 0)
		return EXIT_USAGE;
	if (tol) {
		char *e = NULL;
		long v = strtol(tol, &e, 10);
		if (!*tol || *e || v < 0 || v > 3660)
			return cli_usage_error("compare", "--tolerance wants days (0-3660), not '%s'", tol);
		co.tolerance_days = v ? (int)v : -1; /* the library's "same day only" */
	}
	char pair[32] = "";
	if (countries) {
		if (snprintf(pair, sizeof pair, "%s", countries) >= (int)sizeof pair ||
		    !strchr(pair, ','))
			return cli_usage_error("compare", "--countries wants X,Y, not '%s'", countries);
		*strchr(pair, ',') = '\0';
		co.an.a = pair;
		co.an.b = pair + strlen(pair) + 1;
	}
	if (argc - first != 2)
		return cli_usage_error("compare", "give two sources, e.g. parley compare store FILE");
	if (co.their_eras && !co.eras)
		return cli_usage_error("compare", "--their-eras goes with --eras");
	parley_db *db = NULL;
	int code = cli_open(PARLEY_OPEN_READONLY, &db);
	if (code)
		return code;
	parley_err err = {0};
	int rc = parley_compare(db, argv[first], argv[first + 1], &co, format, stdout, &err);
	parley_close(db);
	if (rc != PARLEY_OK)
		return cli_fail("compare", &err);
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_OTHER;
}
