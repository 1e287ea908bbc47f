/*
 * cmd_analysis.c - the analysis commands: eras, timeline, gaps, context and
 * companions.  Each parses its options, calls the library's _compute and
 * _write functions (parley.h, Analysis) and prints; docs/analysis.md
 * defines every figure.
 */
#include "cli.h"

#include <getopt.h> /* optind: the first positional argument after parse */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Options every analysis command understands. */
typedef struct common {
	parley_analysis_opts o;
	const char *format;
	int explain;
	const char *by, *split;
	long top;
	double window, ratio;
	parley_era_by era_by;  /* eras: --by, read by eras_check */
	int by_month;          /* timeline: --by month */
	parley_split split_by; /* timeline: --split */
} common;

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
	const char *top = NULL, *window = NULL, *ratio = NULL;
	const cli_option opts[] = {
	    {"as-of", &c->o.as_of, NULL}, {"min-level", &c->o.min_level, NULL},
	    {"status", &c->o.status, NULL}, {"format", &c->format, NULL},
	    {"explain", NULL, &c->explain}, {"by", &c->by, NULL}, {"split", &c->split, NULL},
	    {"from", &c->o.from, NULL}, {"top", &top, NULL}, {"window", &window, NULL},
	    {"ratio", &ratio, NULL}, {0}};
	if (cli_options(cmd, argc, argv, opts) < 0)
		return EXIT_USAGE;
	int ok = 1;
	if (top) {
		c->top = (long)number(top, &ok);
		if (!ok || c->top < 1 || c->top > 100000)
			return cli_usage_error(cmd, "--top wants a count from 1, not '%s'", top);
	}
	if (window) {
		c->window = number(window, &ok);
		if (!ok || c->window <= 0 || c->window > 100)
			return cli_usage_error(cmd, "--window wants years (0-100), not '%s'", window);
	}
	if (ratio) {
		c->ratio = number(ratio, &ok);
		if (!ok || c->ratio <= 0 || c->ratio > 1)
			return cli_usage_error(cmd, "--ratio wants a number in (0, 1], not '%s'", ratio);
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

/* One analysis command: its help, its positional arguments, the checks of
 * the options only it reads (before the store is opened), and its figure:
 * compute, write and free (run). */
typedef struct an_cmd {
	const char *name;
	const char *help;     /* usage and description */
	int common_help;      /* 1: the options of common_help follow the help */
	int nargs;            /* positional arguments */
	const char *args_msg; /* the usage error when they are not nargs */
	int (*check)(const char *cmd, common *c); /* -1 when fine, else an exit code; NULL: none */
	int (*run)(parley_db *db, common *c, char **args, parley_err *err);
} an_cmd;

static int an_main(const an_cmd *K, int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		fputs(K->help, stdout);
		if (K->common_help)
			fputs(common_help, stdout);
		return EXIT_OK;
	}
	common c;
	int ex = parse(K->name, argc, argv, &c);
	if (ex >= 0)
		return ex;
	if (argc - optind != K->nargs)
		return cli_usage_error(K->name, "%s", K->args_msg);
	if (K->nargs == 2) { /* the pair */
		c.o.a = argv[optind];
		c.o.b = argv[optind + 1];
	}
	if (K->check && (ex = K->check(K->name, &c)) >= 0)
		return ex;
	parley_db *db = NULL;
	int code = cli_open(PARLEY_OPEN_READONLY, &db);
	if (code)
		return code;
	parley_err err = {0};
	int rc = K->run(db, &c, argv + optind, &err);
	parley_close(db);
	return finish(K->name, rc, &err);
}

static int eras_check(const char *cmd, common *c)
{
	c->era_by = PARLEY_ERAS_PAIR;
	if (c->by && strcasecmp(c->by, "pair") != 0) {
		if (strcmp(c->by, "A") == 0 || strcasecmp(c->by, c->o.a) == 0)
			c->era_by = PARLEY_ERAS_A;
		else if (strcmp(c->by, "B") == 0 || strcasecmp(c->by, c->o.b) == 0)
			c->era_by = PARLEY_ERAS_B;
		else
			return cli_usage_error(cmd, "--by must be pair, A or B, not '%s'", c->by);
	}
	return -1;
}

static int eras_run(parley_db *db, common *c, char **args, parley_err *err)
{
	(void)args;
	parley_eras *e = NULL;
	int rc = parley_eras_compute(db, &c->o, c->era_by, &e, err);
	if (!rc)
		rc = parley_eras_write(e, c->format, c->explain, stdout, err);
	parley_eras_free(e);
	return rc;
}

static const an_cmd eras_cmd = {
    "eras",
    "usage: parley eras A B [--by pair|A|B] [options]\n"
    "Visits between countries A and B per era: leader pairs (default), or the\n"
    "eras of A's or B's paramount leader.  CSV columns:\n"
    "era,start,end,years,visits,per_year,a_to_b,b_to_a,top_a_to_b,top_b_to_a,"
    "unidentified\n",
    1, 2, "give two country codes, e.g. parley eras CHN PRK", eras_check, eras_run};

int cmd_eras(int argc, char **argv)
{
	return an_main(&eras_cmd, argc, argv);
}

static int timeline_check(const char *cmd, common *c)
{
	if (c->by && strcmp(c->by, "month") == 0)
		c->by_month = 1;
	else if (c->by && strcmp(c->by, "year") != 0)
		return cli_usage_error(cmd, "--by must be year or month, not '%s'", c->by);
	c->split_by = PARLEY_SPLIT_DIRECTION;
	if (c->split && strcmp(c->split, "level") == 0)
		c->split_by = PARLEY_SPLIT_LEVEL;
	else if (c->split && strcmp(c->split, "type") == 0)
		c->split_by = PARLEY_SPLIT_TYPE;
	else if (c->split && strcmp(c->split, "direction") != 0)
		return cli_usage_error(cmd, "--split must be direction, level or type, not '%s'",
		                       c->split);
	return -1;
}

static int timeline_run(parley_db *db, common *c, char **args, parley_err *err)
{
	(void)args;
	parley_timeline *t = NULL;
	int rc = parley_timeline_compute(db, &c->o, c->by_month, c->split_by, &t, err);
	if (!rc)
		rc = parley_timeline_write(t, c->format, c->explain, stdout, err);
	parley_timeline_free(t);
	return rc;
}

static const an_cmd timeline_cmd = {
    "timeline",
    "usage: parley timeline A B [--by year|month] [--split direction|level|type]\n"
    "                      [--from DATE] [options]\n"
    "Visits between A and B per year or month, every bucket present, each with\n"
    "the leader-pair era of its first day.\n",
    1, 2, "give two country codes, e.g. parley timeline CHN PRK", timeline_check, timeline_run};

int cmd_timeline(int argc, char **argv)
{
	return an_main(&timeline_cmd, argc, argv);
}

static int gaps_run(parley_db *db, common *c, char **args, parley_err *err)
{
	(void)args;
	parley_gaps *g = NULL;
	int rc = parley_gaps_compute(db, &c->o, (size_t)c->top, c->window, c->ratio, &g, err);
	if (!rc)
		rc = parley_gaps_write(g, c->format, c->explain, stdout, err);
	parley_gaps_free(g);
	return rc;
}

static const an_cmd gaps_cmd = {
    "gaps",
    "usage: parley gaps A B [--top N] [--window YEARS] [--ratio R] [--from DATE]\n"
    "                  [options]\n"
    "The longest intervals between visits of A and B, the current interval, and\n"
    "quiet periods: a rolling window (default 3 years) with fewer visits than\n"
    "RATIO (default 0.25) times the long-run rate predicts.\n",
    1, 2, "give two country codes, e.g. parley gaps CHN PRK", NULL, gaps_run};

int cmd_gaps(int argc, char **argv)
{
	return an_main(&gaps_cmd, argc, argv);
}

static int context_run(parley_db *db, common *c, char **args, parley_err *err)
{
	parley_context *ctx = NULL;
	int rc = parley_context_compute(db, args[0], &c->o, &ctx, err);
	if (!rc)
		rc = parley_context_write(ctx, c->format, stdout, err);
	if (!rc && c->explain && strcmp(c->format, "table") == 0) {
		for (size_t i = 0; i < ctx->n; i++) {
			const parley_sentence *s = &ctx->s[i];
			printf("\n%s (%s%s%s): %zu visit%s", s->kind,
			       s->claim == PARLEY_CLAIM_COVERED ? "claimed, coverage " :
			       s->claim == PARLEY_CLAIM_UNCOVERED ? "not claimable" : "figure",
			       s->coverage ? s->coverage : "", "", s->total, s->total == 1 ? "" : "s");
			if (s->visits.n < s->total) /* the list holds the latest */
				printf(", the latest %zu", s->visits.n);
			for (size_t j = 0; j < s->visits.n; j++)
				printf("%s %s", j ? "," : ":", s->visits.ids[j]);
			putchar('\n');
		}
	}
	parley_context_free(ctx);
	return rc;
}

static const an_cmd context_cmd = {
    "context",
    "usage: parley context VISIT_ID [--min-level RANK] [--status LIST]\n"
    "                      [--format FMT] [--explain]\n"
    "The sentences an analyst writes about a visit: first trip abroad since taking\n"
    "office, first visit at its level in N years, Nth visit by the person, days\n"
    "since the previous visit.  A first or an ordinal is claimed only where the\n"
    "coverage table backs it, and the sentence says which coverage.\n",
    0, 1, "give one visit id", NULL, context_run};

int cmd_context(int argc, char **argv)
{
	return an_main(&context_cmd, argc, argv);
}

static int companions_run(parley_db *db, common *c, char **args, parley_err *err)
{
	parley_companions *cp = NULL;
	int rc = parley_companions_compute(db, args[0], &c->o, &cp, err);
	if (!rc)
		rc = parley_companions_write(cp, c->format, c->explain, stdout, err);
	parley_companions_free(cp);
	return rc;
}

static const an_cmd companions_cmd = {
    "companions",
    "usage: parley companions PERSON [--as-of DATE] [--status LIST]\n"
    "                         [--format FMT] [--explain]\n"
    "Who accompanied PERSON (an id, or a name) on their visits, how often and on\n"
    "which; and whose visits PERSON joined as a companion.\n",
    0, 1, "give one person id or name", NULL, companions_run};

int cmd_companions(int argc, char **argv)
{
	return an_main(&companions_cmd, argc, argv);
}
