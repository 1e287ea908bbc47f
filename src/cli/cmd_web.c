/*
 * cmd_web.c - `parley serve` and `parley site`: publishing a store.
 *
 * Both are thin: they parse options and call parley_serve / parley_site
 * (include/parley.h, Publishing).  The store comes from the global --db
 * option (or $PARLEY_DB); serve also accepts --db after the command name.
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void serve_help(void)
{
	puts("usage: parley serve [--listen HOST:PORT] [--db PATH] [--threads N]\n"
	     "                    [--max-connections N] [--timeout SECONDS] [--quiet]\n"
	     "                    [--editable] [--review required|none]\n"
	     "                    [--tls-cert PEM --tls-key PEM] [--trust-proxy ADDR]\n"
	     "\n"
	     "Serves the store read-only over HTTP: the dashboard of the country pair\n"
	     "with the most visits at /, the visit list with filters and search at\n"
	     "/visits, a page per visit, person and country, SVG charts, and the JSON\n"
	     "and CSV API under /api/v1/ (docs/api.md).  Stops on Ctrl-C.\n"
	     "\n"
	     "  --listen HOST:PORT     address to listen on (default 127.0.0.1:8080)\n"
	     "  --db PATH              the store (default: --db before the command,\n"
	     "                         $PARLEY_DB, or parley.db)\n"
	     "  --threads N            worker threads (default: one per CPU, at most 8)\n"
	     "  --max-connections N    open connections at once (default 4096)\n"
	     "  --timeout SECONDS      idle timeout, and the time a request has to send all\n"
	     "                         its headers (default 10)\n"
	     "  --quiet                no start-up line\n"
	     "  --editable             team editing even with no user yet (it is on\n"
	     "                         whenever the store has a user; docs/teams.md)\n"
	     "  --review required      editors' changes wait for a reviewer (default none)\n"
	     "  --tls-cert, --tls-key  serve HTTPS with this certificate and key (PEM)\n"
	     "  --trust-proxy ADDR     believe X-Forwarded-Proto/-For from this proxy only");
}

static int parse_uint(const char *cmd, const char *opt, const char *v, unsigned max, unsigned *out)
{
	char *end;
	long n = strtol(v, &end, 10);
	if (*v == '\0' || *end || n < 1 || (unsigned long)n > max)
		return cli_usage_error(cmd, "%s: expected a number from 1 to %u, got '%s'", opt, max, v);
	*out = (unsigned)n;
	return EXIT_OK;
}

int cmd_serve(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		serve_help();
		return EXIT_OK;
	}
	static const struct option longopts[] = {
	    {"listen", required_argument, NULL, 'l'}, {"db", required_argument, NULL, 'd'},
	    {"threads", required_argument, NULL, 't'}, {"max-connections", required_argument, NULL, 'c'},
	    {"timeout", required_argument, NULL, 'T'}, {"quiet", no_argument, NULL, 'q'},
	    {"editable", no_argument, NULL, 'E'}, {"tls-cert", required_argument, NULL, 'C'},
	    {"tls-key", required_argument, NULL, 'K'}, {"trust-proxy", required_argument, NULL, 'P'},
	    {"review", required_argument, NULL, 'R'},
	    {NULL, 0, NULL, 0}};
	parley_serve_opts o = {0};
	const char *db = cli_db_path();
	int c, rc;
	optind = 0;
	while ((c = getopt_long(argc, argv, "+l:d:t:c:T:q", longopts, NULL)) != -1) {
		switch (c) {
		case 'l': o.listen = optarg; break;
		case 'd': db = optarg; break;
		case 't':
			if ((rc = parse_uint("serve", "--threads", optarg, 64, &o.threads)) != EXIT_OK)
				return rc;
			break;
		case 'c':
			if ((rc = parse_uint("serve", "--max-connections", optarg, 100000, &o.max_connections)) != EXIT_OK)
				return rc;
			break;
		case 'T':
			if ((rc = parse_uint("serve", "--timeout", optarg, 3600, &o.timeout_s)) != EXIT_OK)
				return rc;
			break;
		case 'q': o.quiet = 1; break;
		case 'E': o.editable = 1; break;
		case 'C': o.tls_cert = optarg; break;
		case 'K': o.tls_key = optarg; break;
		case 'P': o.trust_proxy = optarg; break;
		case 'R':
			if (strcmp(optarg, "required") && strcmp(optarg, "none"))
				return cli_usage_error("serve", "--review: expected 'required' or 'none', got '%s'", optarg);
			o.review_required = strcmp(optarg, "required") == 0;
			break;
		default: return cli_usage_error("serve", "unknown option");
		}
	}
	if (optind < argc)
		return cli_usage_error("serve", "unexpected argument '%s'", argv[optind]);
	parley_err err = {0};
	if (parley_serve(db, &o, &err) != PARLEY_OK)
		return cli_fail("serve", &err);
	return EXIT_OK;
}

int cmd_site(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		puts("usage: parley site --out DIR [--pair A-B] [--db PATH]\n"
		     "\n"
		     "Writes the server's pages as static files into DIR (HTML, JSON, CSV,\n"
		     "SVG) with relative links, for any static web host or for opening from\n"
		     "disk: the dashboard (index.html), the visit list and one list per year\n"
		     "and era, a page per visit, person and country, and the API's data files\n"
		     "under api/v1/.\n"
		     "  --pair A-B   only the pages of the pair of countries A and B: its\n"
		     "               dashboard (index.html), visit list, data files, charts,\n"
		     "               era lists and a page per visit of the pair");
		return EXIT_OK;
	}
	static const struct option longopts[] = {
	    {"out", required_argument, NULL, 'o'}, {"db", required_argument, NULL, 'd'},
	    {"pair", required_argument, NULL, 'p'}, {NULL, 0, NULL, 0}};
	const char *out = NULL, *db = cli_db_path(), *pair = NULL;
	int c;
	optind = 0;
	while ((c = getopt_long(argc, argv, "+o:d:", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'd': db = optarg; break;
		case 'p': pair = optarg; break;
		default: return cli_usage_error("site", "unknown option");
		}
	}
	if (optind < argc)
		return cli_usage_error("site", "unexpected argument '%s'", argv[optind]);
	if (!out)
		return cli_usage_error("site", "--out DIR is required");
	/* A-B as in the pair's page (/pair/CHN-USA), or A:B as in --between */
	char a[32] = "";
	parley_site_opts so = {0};
	if (pair) {
		size_t n = strcspn(pair, "-:");
		if (!pair[n] || n == 0 || n >= sizeof a || !pair[n + 1] || strchr(pair + n + 1, '-') ||
		    strchr(pair + n + 1, ':'))
			return cli_usage_error("site", "--pair wants two country codes as A-B, e.g. CHN-USA, not '%s'",
			                       pair);
		memcpy(a, pair, n);
		a[n] = '\0';
		so.pair_a = a;
		so.pair_b = pair + n + 1;
	}
	parley_err err = {0};
	long files = 0;
	if (parley_site_with(db, out, pair ? &so : NULL, &files, &err) != PARLEY_OK)
		return cli_fail("site", &err);
	printf("wrote %ld files to %s\n", files, out);
	return EXIT_OK;
}
