/*
 * cmd_add.c - parley add visit: one visit with its source, companions,
 * hosts, places and activities from flags, instead of hand-written NDJSON.
 * The library builds the rows and validates them as an import does.
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const add_help =
    "usage: parley [--db PATH] add visit --from ISO3 --to ISO3 --start DATE [OPTIONS]\n\n"
    "Adds one visit with everything that belongs to it, in one transaction.  The\n"
    "rows are validated exactly as an import validates them (same messages and\n"
    "codes, naming the record and the column); on any error nothing is written.\n"
    "A visit needs a source unless its status is 'candidate'.\n\n"
    "The visit (column in brackets):\n"
    "  --id ID               default START-FROM-TO-VISITOR (visit.id)\n"
    "  --visitor WHO         person id, name or alias (visit.visitor)\n"
    "  --visitor-label TEXT  the visitor as the source names them (visitor_label)\n"
    "  --office ID           the visitor's office (visitor_office)\n"
    "  --title TEXT          title at the time (visitor_title)\n"
    "  --level LEVEL         paramount_leader ... ministerial (level; default unknown)\n"
    "  --from ISO3 --to ISO3 visiting and host country (from_country, to_country)\n"
    "  --start DATE --end DATE  YYYY, YYYY-MM or YYYY-MM-DD (start_date, end_date)\n"
    "  --type TYPE           state, official, working, ... (type; default unknown)\n"
    "  --status STATUS       confirmed (default), reported, candidate, rejected\n"
    "  --summary TEXT  --confidence high|medium|low  --note TEXT\n"
    "Its source (source, visit_source):\n"
    "  --source-url URL  --source-citation TEXT  --source-title TEXT\n"
    "  --source-publisher TEXT  --source-published DATE  --source-accessed DATE\n"
    "  --passage TEXT        the words of the source that support the record\n"
    "What belongs to it (repeatable, numbered in the order given):\n"
    "  --companion 'NAME[|DETAIL]'   a member of the delegation (visit_person)\n"
    "  --host 'NAME[|DETAIL]'        a host met (visit_person)\n"
    "  --place 'NAME[|ISO3]'         a place visited; country defaults to --to (place)\n"
    "  --activity '[KIND|]DESCRIPTION[|DATE]'  talks, banquet, ... (activity)\n"
    "  --reason TEXT         why, for the audit log\n\n"
    "Example:\n"
    "  parley add visit --visitor kim-jong-un --from PRK --to CHN --start 2019-01-07 \\\n"
    "    --end 2019-01-10 --level paramount_leader --type unofficial \\\n"
    "    --source-url https://example.org/report --source-title 'Report' \\\n"
    "    --companion 'Ri Sol-ju|spouse' --host 'Xi Jinping' --place Beijing \\\n"
    "    --activity 'talks|talks with Xi Jinping'";

/* A repeatable option's values. */
typedef struct strlist {
	const char **v;
	size_t n;
} strlist;

static int push(strlist *l, const char *s)
{
	const char **nv = realloc(l->v, (l->n + 1) * sizeof *nv);
	if (!nv)
		return -1;
	nv[l->n++] = s;
	l->v = nv;
	return 0;
}

int cmd_add(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		puts(add_help);
		return EXIT_OK;
	}
	if (argc < 2 || strcmp(argv[1], "visit") != 0)
		return cli_usage_error("add", "what to add: 'parley add visit ...'");
	enum { O_ID = 1000, O_VISITOR, O_LABEL, O_OFFICE, O_TITLE, O_LEVEL, O_FROM, O_TO,
	       O_START, O_END, O_TYPE, O_STATUS, O_SUMMARY, O_CONF, O_NOTE, O_URL, O_CIT,
	       O_STITLE, O_PUB, O_PUBLISHED, O_ACCESSED, O_PASSAGE, O_COMP, O_HOST, O_PLACE,
	       O_ACT, O_REASON };
	static const struct option opts[] = {
	    {"id", required_argument, NULL, O_ID},
	    {"visitor", required_argument, NULL, O_VISITOR},
	    {"visitor-label", required_argument, NULL, O_LABEL},
	    {"office", required_argument, NULL, O_OFFICE},
	    {"title", required_argument, NULL, O_TITLE},
	    {"level", required_argument, NULL, O_LEVEL},
	    {"from", required_argument, NULL, O_FROM},
	    {"to", required_argument, NULL, O_TO},
	    {"start", required_argument, NULL, O_START},
	    {"end", required_argument, NULL, O_END},
	    {"type", required_argument, NULL, O_TYPE},
	    {"status", required_argument, NULL, O_STATUS},
	    {"summary", required_argument, NULL, O_SUMMARY},
	    {"confidence", required_argument, NULL, O_CONF},
	    {"note", required_argument, NULL, O_NOTE},
	    {"source-url", required_argument, NULL, O_URL},
	    {"source-citation", required_argument, NULL, O_CIT},
	    {"source-title", required_argument, NULL, O_STITLE},
	    {"source-publisher", required_argument, NULL, O_PUB},
	    {"source-published", required_argument, NULL, O_PUBLISHED},
	    {"source-accessed", required_argument, NULL, O_ACCESSED},
	    {"passage", required_argument, NULL, O_PASSAGE},
	    {"companion", required_argument, NULL, O_COMP},
	    {"host", required_argument, NULL, O_HOST},
	    {"place", required_argument, NULL, O_PLACE},
	    {"activity", required_argument, NULL, O_ACT},
	    {"reason", required_argument, NULL, O_REASON},
	    {0, 0, 0, 0}};
	parley_visit_input in;
	memset(&in, 0, sizeof in);
	strlist comp = {0}, host = {0}, place = {0}, act = {0};
	const char *reason = NULL;
	int c, rc = EXIT_OK;
	const char **slot[] = {
	    [O_ID - O_ID] = &in.id, [O_VISITOR - O_ID] = &in.visitor,
	    [O_LABEL - O_ID] = &in.visitor_label, [O_OFFICE - O_ID] = &in.visitor_office,
	    [O_TITLE - O_ID] = &in.visitor_title, [O_LEVEL - O_ID] = &in.level,
	    [O_FROM - O_ID] = &in.from, [O_TO - O_ID] = &in.to, [O_START - O_ID] = &in.start,
	    [O_END - O_ID] = &in.end, [O_TYPE - O_ID] = &in.type,
	    [O_STATUS - O_ID] = &in.status, [O_SUMMARY - O_ID] = &in.summary,
	    [O_CONF - O_ID] = &in.confidence, [O_NOTE - O_ID] = &in.note,
	    [O_URL - O_ID] = &in.source_url, [O_CIT - O_ID] = &in.source_citation,
	    [O_STITLE - O_ID] = &in.source_title, [O_PUB - O_ID] = &in.source_publisher,
	    [O_PUBLISHED - O_ID] = &in.source_published,
	    [O_ACCESSED - O_ID] = &in.source_accessed, [O_PASSAGE - O_ID] = &in.source_passage,
	    [O_REASON - O_ID] = &reason};
	optind = 0;
	/* argv[1] is "visit": parse from there. */
	while (!rc && (c = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
		if (c == O_COMP || c == O_HOST || c == O_PLACE || c == O_ACT) {
			strlist *l = c == O_COMP ? &comp : c == O_HOST ? &host : c == O_PLACE ? &place : &act;
			if (push(l, optarg))
				rc = EXIT_OTHER;
		} else if (c >= O_ID && c <= O_REASON && slot[c - O_ID]) {
			*slot[c - O_ID] = optarg;
		} else {
			rc = cli_usage_error("add", "unknown option");
		}
	}
	if (!rc && optind + 1 < argc)
		rc = cli_usage_error("add", "unexpected argument '%s'", argv[optind + 1]);
	in.companions = comp.v;
	in.ncompanions = comp.n;
	in.hosts = host.v;
	in.nhosts = host.n;
	in.places = place.v;
	in.nplaces = place.n;
	in.activities = act.v;
	in.nactivities = act.n;
	parley_db *db = NULL;
	if (!rc)
		rc = cli_open(0, &db);
	if (!rc) {
		cli_set_actor(db, "add");
		parley_report *rep = parley_report_new();
		parley_err err = {0, ""};
		char id[256];
		int st = parley_add_visit(db, &in, reason, rep, id, sizeof id, &err);
		parley_report_print(rep, stderr, PARLEY_WARNING);
		parley_report_free(rep);
		if (st)
			rc = cli_fail("add", &err);
		else
			printf("visit %s: added (%zu companion%s, %zu host%s, %zu place%s, %zu "
			       "activit%s, %s source)\n",
			       id, comp.n, comp.n == 1 ? "" : "s", host.n, host.n == 1 ? "" : "s", place.n,
			       place.n == 1 ? "" : "s", act.n, act.n == 1 ? "y" : "ies",
			       in.source_url || in.source_citation ? "1" : "no");
	}
	parley_close(db);
	free(comp.v);
	free(host.v);
	free(place.v);
	free(act.v);
	return rc;
}
