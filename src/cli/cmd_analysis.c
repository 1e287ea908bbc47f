/*
 * cmd_analysis.c - the analysis commands: eras, timeline, gaps, context and
 * companions.  Each parses its options, calls the library's _compute and
 * _write functions (parley.h, Analysis) and prints; docs/analysis.md
 * defines every figure.
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum {
	OPT_AS_OF = 1000, OPT_MIN_LEVEL, OPT_STATUS, OPT_FORMAT, OPT_EXPLAIN, OPT_BY, OPT_SPLIT,
	OPT_FROM, OPT_TOP, OPT_WINDOW, OPT_RATIO
};

/* Options every analysis command understands. */
typedef struct common {
	parley_analysis_opts o;
	const char *format;
	int explain;
	const char *by, *split;
	long top;
	double window, ratio;
} common;

static const struct option long_opts[] = {
    {"as-of", required_argument, NULL, OPT_AS_OF},
    {"min-level", required_argument, NULL, OPT_MIN_LEVEL},
    {"status", required_argument, NULL, OPT_STATUS},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"explain", no_argument, NULL, OPT_EXPLAIN},
    {"by", required_argument, NULL, OPT_BY},
    {"split", required_argument, NULL, OPT_SPLIT},
    {"from", required_argument, NULL, OPT_FROM},
    {"top", required_argument, NULL, OPT_TOP},
    {"window", required_argument, NULL, OPT_WINDOW},
    {"ratio", required_argument, NULL, OPT_RATIO},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}};

static double number(const char *s, int *ok)
{
	char *end = NULL;
	double v = strtod(s, &end);
	*ok = end != s && *end == '\0';
	return v;
}

/* Parses options into c; the positional arguments are left in
 * argv[optind..argc).  Returns -1 when fine, else an exit code. */
static int parse(const char *cmd, int argc, char **argv, common *c)
{
	memset(c, 0, sizeof *c);
	c->format = cli_json() ? "json" : "table";
	optind = 0; /* glibc: restart scanning this argv */
	opterr = 0;
	int ch, ok = 1;
	while ((ch = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
		switch (ch) {
		case OPT_AS_OF: c->o.as_of = optarg; break;
		case OPT_MIN_LEVEL: c->o.min_level = optarg; break;
		case OPT_STATUS: c->o.status = optarg; break;
		case OPT_FORMAT: c->format = optarg; break;
		case OPT_EXPLAIN: c->explain = 1; break;
		case OPT_BY: c->by = optarg; break;
		case OPT_SPLIT: c->split = optarg; break;
		case OPT_FROM: c->o.from = optarg; break;
		case OPT_TOP:
			c->top = (long)number(optarg, &ok);
			if (!ok || c->top < 1 || c->top > 100000)
				return cli_usage_error(cmd, "--top wants a count from 1, not '%s'", optarg);
			break;
		case OPT_WINDOW:
			c->window = number(optarg, &ok);
			if (!ok || c->window <= 0 || c->window > 100)
				return cli_usage_error(cmd, "--window wants years (0-100), not '%s'", optarg);
			break;
		case OPT_RATIO:
			c->ratio = number(optarg, &ok);
			if (!ok || c->ratio <= 0 || c->ratio > 1)
				return cli_usage_error(cmd, "--ratio wants a number in (0, 1], not '%s'",
				                       optarg);
			break;
		default:
			return cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (strcmp(c->format, "table") && strcmp(c->format, "csv") && strcmp(c->format, "json") &&
	    strcmp(c->format, "md"))
		return cli_usage_error(cmd, "--format must be table, csv, json or md, not '%s'",
		                       c->format);
	return -1;
}

static int finish(const char *cmd, int rc, const parley_err *err)
{
	if (rc != PARLEY_OK)
		return cli_fail(cmd, err);
	if (fflush(stdout) != 0) {
		fprintf(stderr, "parley %s: writing the output failed\n", cmd);
		return EXIT_OTHER;
	}
	return EXIT_OK;
}

static const char *const common_help =
    "  --as-of DATE       count visits that started on or before DATE (default today);\n"
    "                     open eras end there.  Past where the data ends (its\n"
    "                     data-through date) every figure stops there and says so\n"
    "  --min-level RANK   lowest level counted (default ministerial: Foreign Minister or\n"
    "                     above; at_least_ministerial passes)\n"
    "  --status LIST      statuses counted (default confirmed,reported)\n"
    "  --format FMT       table (default), csv, json or md\n"
    "  --explain          list the visit ids behind every count (JSON always does)\n";

int cmd_eras(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		printf("usage: parley eras A B [--by pair|A|B] [options]\n"
		       "Visits between countries A and B per era: leader pairs (default), or the\n"
		       "eras of A's or B's paramount leader.  CSV columns:\n"
		       "era,start,end,years,visits,per_year,a_to_b,b_to_a,top_a_to_b,top_b_to_a,"
		       "unidentified\n%s",
		       common_help);
		return EXIT_OK;
	}
	common c;
	int ex = parse("eras", argc, argv, &c);
	if (ex >= 0)
		return ex;
	if (argc - optind != 2)
		return cli_usage_error("eras", "give two country codes, e.g. parley eras CHN PRK");
	c.o.a = argv[optind];
	c.o.b = argv[optind + 1];
	parley_era_by by = PARLEY_ERAS_PAIR;
	if (c.by && strcasecmp(c.by, "pair") != 0) {
		if (strcmp(c.by, "A") == 0 || strcasecmp(c.by, c.o.a) == 0)
			by = PARLEY_ERAS_A;
		else if (strcmp(c.by, "B") == 0 || strcasecmp(c.by, c.o.b) == 0)
			by = PARLEY_ERAS_B;
		else
			return cli_usage_error("eras", "--by must be pair, A or B, not '%s'", c.by);
	}
	parley_db *db = NULL;
	int code = cli_open(PARLEY_OPEN_READONLY, &db);
	if (code)
		return code;
	parley_err err = {0};
	parley_eras *e = NULL;
	int rc = parley_eras_compute(db, &c.o, by, &e, &err);
	if (!rc)
		rc = parley_eras_write(e, c.format, c.explain, stdout, &err);
	parley_eras_free(e);
	parley_close(db);
	return finish("eras", rc, &err);
}

int cmd_timeline(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		printf("usage: parley timeline A B [--by year|month] [--split direction|level|type]\n"
		       "                      [--from DATE] [options]\n"
		       "Visits between A and B per year or month, every bucket present, each with\n"
		       "the leader-pair era of its first day.\n%s",
		       common_help);
		return EXIT_OK;
	}
	common c;
	int ex = parse("timeline", argc, argv, &c);
	if (ex >= 0)
		return ex;
	if (argc - optind != 2)
		return cli_usage_error("timeline", "give two country codes, e.g. parley timeline CHN PRK");
	c.o.a = argv[optind];
	c.o.b = argv[optind + 1];
	int by_month = 0;
	if (c.by && strcmp(c.by, "month") == 0)
		by_month = 1;
	else if (c.by && strcmp(c.by, "year") != 0)
		return cli_usage_error("timeline", "--by must be year or month, not '%s'", c.by);
	parley_split split = PARLEY_SPLIT_DIRECTION;
	if (c.split && strcmp(c.split, "level") == 0)
		split = PARLEY_SPLIT_LEVEL;
	else if (c.split && strcmp(c.split, "type") == 0)
		split = PARLEY_SPLIT_TYPE;
	else if (c.split && strcmp(c.split, "direction") != 0)
		return cli_usage_error("timeline", "--split must be direction, level or type, not '%s'",
		                       c.split);
	parley_db *db = NULL;
	int code = cli_open(PARLEY_OPEN_READONLY, &db);
	if (code)
		return code;
	parley_err err = {0};
	parley_timeline *t = NULL;
	int rc = parley_timeline_compute(db, &c.o, by_month, split, &t, &err);
	if (!rc)
		rc = parley_timeline_write(t, c.format, c.explain, stdout, &err);
	parley_timeline_free(t);
	parley_close(db);
	return finish("timeline", rc, &err);
}

int cmd_gaps(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		printf("usage: parley gaps A B [--top N] [--window YEARS] [--ratio R] [--from DATE]\n"
		       "                  [options]\n"
		       "The longest intervals between visits of A and B, the current interval, and\n"
		       "quiet periods: a rolling window (default 3 years) with fewer visits than\n"
		       "RATIO (default 0.25) times the long-run rate predicts.\n%s",
		       common_help);
		return EXIT_OK;
	}
	common c;
	int ex = parse("gaps", argc, argv, &c);
	if (ex >= 0)
		return ex;
	if (argc - optind != 2)
		return cli_usage_error("gaps", "give two country codes, e.g. parley gaps CHN PRK");
	c.o.a = argv[optind];
	c.o.b = argv[optind + 1];
	parley_db *db = NULL;
	int code = cli_open(PARLEY_OPEN_READONLY, &db);
	if (code)
		return code;
	parley_err err = {0};
	parley_gaps *g = NULL;
	int rc = parley_gaps_compute(db, &c.o, (size_t)c.top, c.window, c.ratio, &g, &err);
	if (!rc)
		rc = parley_gaps_write(g, c.format, c.explain, stdout, &err);
	parley_gaps_free(g);
	parley_close(db);
	return finish("gaps", rc, &err);
}

int cmd_context(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		printf("usage: parley context VISIT_ID [--min-level RANK] [--status LIST]\n"
		       "                      [--format FMT] [--explain]\n"
		       "The sentences an analyst writes about a visit: first trip abroad since taking\n"
		       "office, first visit at its level in N years, Nth visit by the person, days\n"
		       "since the previous visit.  A first or an ordinal is claimed only where the\n"
		       "coverage table backs it, and the sentence says which coverage.\n");
		return EXIT_OK;
	}
	common c;
	int ex = parse("context", argc, argv, &c);
	if (ex >= 0)
		return ex;
	if (argc - optind != 1)
		return cli_usage_error("context", "give one visit id");
	parley_db *db = NULL;
	int code = cli_open(PARLEY_OPEN_READONLY, &db);
	if (code)
		return code;
	parley_err err = {0};
	parley_context *ctx = NULL;
	int rc = parley_context_compute(db, argv[optind], &c.o, &ctx, &err);
	if (!rc)
		rc = parley_context_write(ctx, c.format, stdout, &err);
	if (!rc && c.explain && strcmp(c.format, "table") == 0) {
		for (size_t i = 0; i < ctx->n; i++) {
			const parley_sentence *s = &ctx->s[i];
			printf("\n%s (%s%s%s): %zu visit%s", s->kind,
			       s->claim == PARLEY_CLAIM_COVERED ? "claimed, coverage " :
			       s->claim == PARLEY_CLAIM_UNCOVERED ? "not claimable" : "figure",
			       s->coverage ? s->coverage : "", "", s->visits.n, s->visits.n == 1 ? "" : "s");
			for (size_t j = 0; j < s->visits.n; j++)
				printf("%s %s", j ? "," : ":", s->visits.ids[j]);
			putchar('\n');
		}
	}
	parley_context_free(ctx);
	parley_close(db);
	return finish("context", rc, &err);
}

int cmd_companions(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		printf("usage: parley companions PERSON [--as-of DATE] [--status LIST]\n"
		       "                         [--format FMT] [--explain]\n"
		       "Who accompanied PERSON (an id, or a name) on their visits, how often and on\n"
		       "which; and whose visits PERSON joined as a companion.\n");
		return EXIT_OK;
	}
	common c;
	int ex = parse("companions", argc, argv, &c);
	if (ex >= 0)
		return ex;
	if (argc - optind != 1)
		return cli_usage_error("companions", "give one person id or name");
	parley_db *db = NULL;
	int code = cli_open(PARLEY_OPEN_READONLY, &db);
	if (code)
		return code;
	parley_err err = {0};
	parley_companions *cp = NULL;
	int rc = parley_companions_compute(db, argv[optind], &c.o, &cp, &err);
	if (!rc)
		rc = parley_companions_write(cp, c.format, c.explain, stdout, &err);
	parley_companions_free(cp);
	parley_close(db);
	return finish("companions", rc, &err);
}
