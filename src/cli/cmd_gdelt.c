/*
 * cmd_gdelt.c - `parley discover gdelt` and `parley review`.
 *
 *   parley discover gdelt PATH... --between A:B [--count-by FIELDS]
 *          [--codes 036,040-046] [--since D] [--until D] [--min-score X]
 *          [--types GOV,LEG,MIL] [--format table|csv|json] [--threads N]
 *          [--no-store] [--quiet]
 *   parley review [--format table|csv|json]
 *   parley review accept ID [--by USER]
 *   parley review reject ID --why TEXT [--by USER]
 *   parley gdelt load PATH... --into clickhouse://HOST:PORT/DB [--threads N]
 *   parley discover gdelt --engine clickhouse://HOST:PORT/DB --between A:B ...
 *
 * Results go to stdout; malformed lines and a summary go to stderr, where a
 * progress line is drawn too when stderr is a terminal.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char discover_help[] =
    "usage: parley discover gdelt PATH... --between A:B [options]\n"
    "       parley discover gdelt --engine clickhouse://HOST:PORT/DB --between A:B [options]\n"
    "\n"
    "Scans GDELT 1.0/2.0 event files (plain, .zip, .gz, .bz2, .xz; files, folders,\n"
    "globs, or - for standard input) for events between two countries' actors.\n"
    "\n"
    "  --between A:B        the two actor country codes (e.g. CHN:PRK), either order\n"
    "  --count-by FIELDS    count rows instead: year, month, date, eventcode, basecode,\n"
    "                       rootcode, quadclass, actor1country, actor2country, place\n"
    "  --codes LIST         CAMEO event codes (default 036,040-046)\n"
    "  --since D, --until D SQLDATE range (YYYY, YYYY-MM or YYYY-MM-DD, inclusive)\n"
    "  --min-score X        drop candidates scoring below X\n"
    "  --types LIST         actor types for candidates (default GOV,LEG,MIL)\n"
    "  --format F           table (default), csv or json\n"
    "  --threads N          worker threads (default: all cores)\n"
    "  --no-store           list candidates without storing them\n"
    "  --engine URL         run the query on a ClickHouse cluster loaded with\n"
    "                       'parley gdelt load' instead of reading files\n"
    "  --quiet              no summary on stderr\n";

static const char review_help[] =
    "usage: parley review [--format table|csv|json]\n"
    "       parley review accept ID [--by USER]\n"
    "       parley review reject ID --why TEXT [--by USER]\n"
    "\n"
    "Lists candidate visits, confirms one, or rejects one with a reason.\n"
    "The audit log records the reviewer as review:USER ($USER unless --by).\n";

/* The options (by opts) and the paths after argv[1] (discover's source,
 * gdelt's action) into paths (room for argc); -1 after a usage error. */
static int options_and_paths(const char *cmd, int argc, char **argv, const cli_option *opts,
                             const char **paths, size_t *npaths)
{
	int first = cli_options(cmd, argc - 1, argv + 1, opts);
	if (first < 0)
		return -1;
	for (int i = first + 1; i < argc; i++)
		paths[(*npaths)++] = argv[i];
	return 0;
}

int cmd_discover(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		fputs(discover_help, stdout);
		return EXIT_OK;
	}
	if (argc < 2 || strcmp(argv[1], "gdelt") != 0)
		return cli_usage_error("discover", "the only source is 'gdelt' (parley discover gdelt PATH...)");
	const char **paths = calloc((size_t)argc, sizeof *paths);
	if (!paths)
		return EXIT_OTHER;
	size_t npaths = 0;
	const char *between = NULL, *count_by = NULL, *format = NULL, *threads = NULL, *min_score = NULL;
	const char *engine = NULL;
	parley_gdelt_query q = {0};
	parley_discover_opts o = {0};
	int quiet = 0, no_store = 0;
	const cli_option opts[] = {
	    {"between", &between, NULL}, {"count-by", &count_by, NULL}, {"codes", &q.codes, NULL},
	    {"since", &q.since, NULL}, {"until", &q.until, NULL}, {"min-score", &min_score, NULL},
	    {"engine", &engine, NULL}, {"types", &o.types, NULL}, {"format", &format, NULL},
	    {"threads", &threads, NULL}, {"no-store", NULL, &no_store}, {"quiet", NULL, &quiet},
	    {0}};
	if (options_and_paths("discover", argc, argv, opts, paths, &npaths)) {
		free(paths);
		return EXIT_USAGE;
	}
	o.store = !no_store;
	char a[8] = "", b[8] = "";
	const char *colon = between ? strchr(between, ':') : NULL;
	if (!colon || colon - between != 3 || strlen(colon + 1) != 3) {
		free(paths);
		return cli_usage_error("discover", "--between A:B is required, with 3-letter codes (CHN:PRK)");
	}
	memcpy(a, between, 3);
	memcpy(b, colon + 1, 3);
	for (int k = 0; k < 3; k++) {
		if (a[k] >= 'a' && a[k] <= 'z')
			a[k] = (char)(a[k] - 32);
		if (b[k] >= 'a' && b[k] <= 'z')
			b[k] = (char)(b[k] - 32);
	}
	q.country_a = a;
	q.country_b = b;
	if (npaths == 0 && !engine) {
		free(paths);
		return cli_usage_error("discover", "name one or more files, folders or - for standard input");
	}
	if (npaths > 0 && engine) {
		free(paths);
		return cli_usage_error("discover", "--engine reads the rows loaded into the engine: name no files");
	}
	if (threads) {
		char *end;
		long t = strtol(threads, &end, 10);
		if (*end || t < 1 || t > 64) {
			free(paths);
			return cli_usage_error("discover", "--threads: a number from 1 to 64");
		}
		q.threads = (int)t;
	}
	if (min_score) {
		char *end;
		o.min_score = strtod(min_score, &end);
		if (*end) {
			free(paths);
			return cli_usage_error("discover", "--min-score: '%s' is not a number", min_score);
		}
	}
	if (!format && cli_json())
		format = "json";
	if (format && strcmp(format, "table") && strcmp(format, "csv") && strcmp(format, "json")) {
		free(paths);
		return cli_usage_error("discover", "--format: table, csv or json");
	}
	q.progress = isatty(2);
	parley_err err;
	parley_err_clear(&err);
	if (engine && parley_gdelt_engine_open(engine, &q.engine, &err) != PARLEY_OK) {
		free(paths);
		return cli_usage_error("discover", "--engine: %s", err.msg);
	}
	parley_report *rep = parley_report_new();
	parley_gdelt_stats st;
	memset(&st, 0, sizeof st);
	int rc, exit_code = EXIT_OK;
	if (count_by) {
		parley_gdelt_counts *c = NULL;
		rc = parley_gdelt_count(paths, npaths, &q, count_by, rep, &st, &c, &err);
		if (rc == PARLEY_OK)
			rc = parley_gdelt_counts_print(c, format, stdout, &err);
		parley_gdelt_counts_free(c);
	} else {
		parley_db *db = NULL;
		if (o.store) {
			int oc = cli_open(PARLEY_OPEN_CREATE, &db);
			if (oc != EXIT_OK) {
				parley_report_free(rep);
				parley_gdelt_engine_free(q.engine);
				free(paths);
				return oc;
			}
		} else {
			/* Match against the store when there is one; never create it. */
			if (access(cli_db_path(), R_OK) == 0 &&
			    parley_open(cli_db_path(), PARLEY_OPEN_READONLY, &db, NULL) != PARLEY_OK)
				db = NULL;
		}
		parley_candidates *cs = NULL;
		rc = parley_gdelt_discover(db, paths, npaths, &q, &o, rep, &st, &cs, &err);
		if (rc == PARLEY_OK)
			rc = parley_candidates_print(cs, format, stdout, &err);
		if (rc == PARLEY_OK && !quiet) {
			long stored = 0;
			for (size_t i = 0; i < cs->n; i++)
				stored += strcmp(cs->v[i].match, "new") == 0;
			if (o.store)
				fprintf(stderr, "parley discover: %zu candidates, %ld stored as new\n", cs->n, stored);
		}
		parley_candidates_free(cs);
		parley_close(db);
	}
	if (rep)
		parley_report_print(rep, stderr, PARLEY_WARNING);
	if (rc != PARLEY_OK)
		exit_code = cli_fail("discover", &err);
	else if (!quiet)
		fprintf(stderr,
		        "parley discover: %ld files, %ld rows (57 cols: %ld, 58: %ld, 61: %ld), %ld malformed, "
		        "%ld matched, %.1f MB in %.3f s\n",
		        st.files, st.rows, st.rows57, st.rows58, st.rows61, st.malformed, st.matched,
		        (double)st.bytes / 1e6, st.seconds);
	parley_report_free(rep);
	parley_gdelt_engine_free(q.engine);
	free(paths);
	return exit_code;
}

static const char gdelt_help[] =
    "usage: parley gdelt load PATH... --into clickhouse://HOST:PORT/DB [--threads N] [--quiet]\n"
    "\n"
    "Loads GDELT 1.0/2.0 event files (plain, .zip, .gz, .bz2, .xz; files, folders,\n"
    "globs) into a ClickHouse cluster for 'parley discover gdelt --engine URL'.\n"
    "The tables are created when missing; rows go to shard GLOBALEVENTID mod shards.\n"
    "Malformed lines are reported as in 'parley discover' and not loaded. A file\n"
    "loaded before (same name, size and CRC-32) is skipped. HOST:PORT is the HTTP\n"
    "interface of one server; the cluster is the remote_servers entry 'parley'\n"
    "(URL?cluster=NAME for another). scripts/cluster starts one on this machine.\n"
    "\n"
    "  --into URL           the cluster (required)\n"
    "  --threads N          reader threads (default: all cores)\n"
    "  --quiet              no summary on stderr\n";

int cmd_gdelt(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		fputs(gdelt_help, stdout);
		return EXIT_OK;
	}
	if (argc < 2 || strcmp(argv[1], "load") != 0)
		return cli_usage_error("gdelt", "the only action is 'load' (parley gdelt load PATH... --into URL)");
	const char **paths = calloc((size_t)argc, sizeof *paths);
	if (!paths)
		return EXIT_OTHER;
	size_t npaths = 0;
	const char *into = NULL, *threads = NULL;
	int quiet = 0, t = 0;
	const cli_option opts[] = {
	    {"into", &into, NULL}, {"threads", &threads, NULL}, {"quiet", NULL, &quiet}, {0}};
	if (options_and_paths("gdelt", argc, argv, opts, paths, &npaths)) {
		free(paths);
		return EXIT_USAGE;
	}
	if (!into || npaths == 0) {
		free(paths);
		return cli_usage_error("gdelt", "load needs PATH... and --into clickhouse://HOST:PORT/DB");
	}
	if (threads) {
		char *end;
		long n = strtol(threads, &end, 10);
		if (*end || n < 1 || n > 64) {
			free(paths);
			return cli_usage_error("gdelt", "--threads: a number from 1 to 64");
		}
		t = (int)n;
	}
	parley_err err;
	parley_err_clear(&err);
	parley_gdelt_engine *e = NULL;
	if (parley_gdelt_engine_open(into, &e, &err) != PARLEY_OK) {
		free(paths);
		return cli_usage_error("gdelt", "--into: %s", err.msg);
	}
	parley_report *rep = parley_report_new();
	parley_gdelt_load_stats st;
	int rc = parley_gdelt_load(e, paths, npaths, t, isatty(2), rep, &st, &err);
	if (rep)
		parley_report_print(rep, stderr, quiet ? PARLEY_WARNING : PARLEY_INFO);
	int exit_code = EXIT_OK;
	if (rc != PARLEY_OK)
		exit_code = cli_fail("gdelt load", &err);
	if (!quiet)
		fprintf(stderr,
		        "parley gdelt load: %ld files loaded (%.1f MB), %ld skipped as loaded before, %ld rows,"
		        " %ld malformed lines not loaded, %.3f s\n",
		        st.files, (double)st.bytes / 1e6, st.skipped, st.rows, st.malformed, st.seconds);
	parley_report_free(rep);
	parley_gdelt_engine_free(e);
	free(paths);
	return exit_code;
}

int cmd_review(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		fputs(review_help, stdout);
		return EXIT_OK;
	}
	const char *action = NULL, *id = NULL, *by = NULL, *why = NULL, *format = NULL;
	const cli_option opts[] = {
	    {"by", &by, NULL}, {"why", &why, NULL}, {"format", &format, NULL}, {0}};
	int first = cli_options("review", argc, argv, opts);
	if (first < 0)
		return EXIT_USAGE;
	if (first < argc)
		action = argv[first];
	if (first + 1 < argc)
		id = argv[first + 1];
	if (first + 2 < argc)
		return cli_usage_error("review", "unexpected argument '%s'", argv[first + 2]);
	if (action && strcmp(action, "list") && strcmp(action, "accept") && strcmp(action, "reject"))
		return cli_usage_error("review", "unknown action '%s' (list, accept or reject)", action);
	int is_list = !action || strcmp(action, "list") == 0;
	if (!is_list && !id)
		return cli_usage_error("review", "%s needs the candidate's id", action);
	if (action && strcmp(action, "reject") == 0 && (!why || !*why))
		return cli_usage_error("review", "reject needs --why TEXT");
	if (!by)
		by = getenv("USER");
	if (!by || !*by)
		by = "unknown";
	parley_db *db;
	int oc = cli_open(is_list ? PARLEY_OPEN_READONLY : 0, &db);
	if (oc != EXIT_OK)
		return oc;
	parley_err err;
	parley_err_clear(&err);
	int rc;
	if (is_list) {
		if (!format && cli_json())
			format = "json";
		rc = parley_review_list(db, format, stdout, &err);
	} else if (strcmp(action, "accept") == 0) {
		rc = parley_review_accept(db, id, by, &err);
		if (rc == PARLEY_OK)
			printf("accepted %s (confirmed by review:%s)\n", id, by);
	} else {
		rc = parley_review_reject(db, id, by, why, &err);
		if (rc == PARLEY_OK)
			printf("rejected %s (by review:%s)\n", id, by);
	}
	parley_close(db);
	return rc == PARLEY_OK ? EXIT_OK : cli_fail("review", &err);
}
