/*
 * cmd_compare.c - `parley compare A B`: two sources of visits side by side,
 * matched by the shared rule, without importing either (parley.h,
 * parley_compare; docs/analysis.md, "Compare").
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_ERAS = 1000, OPT_THEIR, OPT_TOL, OPT_AS_OF, OPT_MIN_LEVEL, OPT_STATUS, OPT_FORMAT,
       OPT_COUNTRIES };

static const struct option long_opts[] = {
    {"eras", no_argument, NULL, OPT_ERAS},
    {"their-eras", no_argument, NULL, OPT_THEIR},
    {"tolerance", required_argument, NULL, OPT_TOL},
    {"as-of", required_argument, NULL, OPT_AS_OF},
    {"min-level", required_argument, NULL, OPT_MIN_LEVEL},
    {"status", required_argument, NULL, OPT_STATUS},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"countries", required_argument, NULL, OPT_COUNTRIES},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}};

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
	const char *format = cli_json() ? "json" : "table";
	char pair[32] = "";
	optind = 0;
	opterr = 0;
	int ch;
	while ((ch = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
		switch (ch) {
		case OPT_ERAS: co.eras = 1; break;
		case OPT_THEIR: co.their_eras = 1; break;
		case OPT_TOL: {
			char *e = NULL;
			long v = strtol(optarg, &e, 10);
			if (!*optarg || *e || v < 0 || v > 3660)
				return cli_usage_error("compare", "--tolerance wants days (0-3660), not '%s'",
				                       optarg);
			co.tolerance_days = v ? (int)v : -1; /* the library's "same day only" */
			break;
		}
		case OPT_AS_OF: co.an.as_of = optarg; break;
		case OPT_MIN_LEVEL: co.an.min_level = optarg; break;
		case OPT_STATUS: co.an.status = optarg; break;
		case OPT_FORMAT: format = optarg; break;
		case OPT_COUNTRIES:
			if (snprintf(pair, sizeof pair, "%s", optarg) >= (int)sizeof pair ||
			    !strchr(pair, ','))
				return cli_usage_error("compare", "--countries wants X,Y, not '%s'", optarg);
			*strchr(pair, ',') = '\0';
			co.an.a = pair;
			co.an.b = pair + strlen(pair) + 1;
			break;
		default:
			return cli_usage_error("compare", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind != 2)
		return cli_usage_error("compare", "give two sources, e.g. parley compare store FILE");
	if (co.their_eras && !co.eras)
		return cli_usage_error("compare", "--their-eras goes with --eras");
	parley_db *db = NULL;
	int code = cli_open(PARLEY_OPEN_READONLY, &db);
	if (code)
		return code;
	parley_err err = {0};
	int rc = parley_compare(db, argv[optind], argv[optind + 1], &co, format, stdout, &err);
	parley_close(db);
	if (rc != PARLEY_OK)
		return cli_fail("compare", &err);
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_OTHER;
}
