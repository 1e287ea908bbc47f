/*
 * cmd_list.c - commands that read records: list, show, person.
 */
#include "cli.h"
#include "table.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int (*by_name_fn)(parley_db *, const char *, FILE *, parley_err *);
typedef struct by_name_call {
	by_name_fn fn;
	parley_db *db;
	const char *arg;
} by_name_call;

static int by_name_fn_call(void *ctx, FILE *out, parley_err *err)
{
	by_name_call *c = ctx;
	return c->fn(c->db, c->arg, out, err);
}

static json_t *capture_by_name(by_name_fn fn, parley_db *db, const char *arg, parley_err *err)
{
	by_name_call c = {fn, db, arg};
	return cli_capture_json(by_name_fn_call, &c, err);
}

static char *dates(json_t *v, char *buf, size_t cap)
{
	const char *s = cli_str(v, "start_date"), *e = cli_str(v, "end_date");
	if (*e && strcmp(s, e) != 0)
		snprintf(buf, cap, "%s..%s", s, e);
	else
		snprintf(buf, cap, "%s", s);
	return buf;
}

/* The visitor as a reader should see it: a name, or the label, or unknown. */
static const char *visitor_text(json_t *v)
{
	const char *n = cli_str(v, "visitor_name");
	if (*n)
		return n;
	n = cli_str(v, "visitor_label");
	return *n ? n : "(unidentified)";
}

static void print_visits(const parley_visits *r)
{
	static const char *const h[] = {"ID", "DATES", "FROM>TO", "VISITOR", "LEVEL", "TYPE", "STATUS"};
	cli_table *t = cli_table_new(7, h);
	for (size_t i = 0; t && i < r->n; i++) {
		const parley_visit *v = &r->v[i];
		char d[48], dir[24];
		if (v->end_date && strcmp(v->start_date, v->end_date) != 0)
			snprintf(d, sizeof d, "%s..%s", v->start_date, v->end_date);
		else
			snprintf(d, sizeof d, "%s", v->start_date);
		snprintf(dir, sizeof dir, "%s>%s", v->from_country, v->to_country);
		const char *cells[] = {v->id, d, dir, v->visitor_name, v->level, v->type, v->status};
		cli_table_add(t, cells);
	}
	if (t)
		cli_table_print(t, stdout, 48);
	cli_table_free(t);
	printf("%zu of %ld visit%s\n", r->n, r->total, r->total == 1 ? "" : "s");
}

/* list visits: every filter of the query layer, by the names the API uses
 * (--min-level for min_level); the library checks each value, so a bad
 * one fails here with the API's message. */
static int list_visits(int argc, char **argv)
{
	const char *const *names = parley_query_params();
	size_t np = 0;
	while (names[np])
		np++;
	struct option opts[40];
	char longnames[40][24];
	size_t k = 0;
	for (; k < np && k < 38; k++) {
		size_t j = 0;
		for (; names[k][j] && j + 1 < sizeof longnames[k]; j++)
			longnames[k][j] = names[k][j] == '_' ? '-' : names[k][j];
		longnames[k][j] = '\0';
		opts[k] = (struct option){longnames[k], required_argument, NULL, 1000 + (int)k};
	}
	opts[k++] = (struct option){"query", required_argument, NULL, 'q'};
	opts[k] = (struct option){0, 0, 0, 0};
	parley_query q;
	parley_query_init(&q);
	parley_err err = {0, ""};
	int c;
	optind = 0;
	while ((c = getopt_long(argc, argv, "q:", opts, NULL)) != -1) {
		const char *name = c == 'q' ? "q" : c >= 1000 && c < 1000 + (int)np ? names[c - 1000] : NULL;
		if (!name)
			return cli_usage_error("list", "unknown option");
		if (parley_query_set(&q, name, optarg, &err) != PARLEY_OK)
			return cli_usage_error("list", "%s", err.msg);
	}
	if (optind < argc)
		return cli_usage_error("list", "unexpected argument '%s'", argv[optind]);
	parley_db *db;
	int rc = cli_open(PARLEY_OPEN_READONLY, &db);
	if (rc)
		return rc;
	parley_visits *r = NULL;
	int st = parley_visits_find(db, &q, 0, &r, &err);
	parley_close(db);
	if (st)
		return st == PARLEY_EINVAL ? cli_usage_error("list", "%s", err.msg) : cli_fail("list", &err);
	if (cli_json())
		st = parley_visits_write(r, "json", stdout, &err);
	else
		print_visits(r);
	parley_visits_free(r);
	return st ? cli_fail("list", &err) : EXIT_OK;
}

/* list people|countries|offices|sources: the concept's rows, as exported. */
static int list_concept(const char *concept)
{
	parley_db *db;
	int rc = cli_open(PARLEY_OPEN_READONLY, &db);
	if (rc)
		return rc;
	parley_err err = {0, ""};
	int st = parley_export(db, cli_json() ? "ndjson" : "csv", concept, stdout, &err);
	parley_close(db);
	return st ? cli_fail("list", &err) : EXIT_OK;
}

int cmd_list(int argc, char **argv)
{
	if (cli_wants_help(argc, argv) || argc < 2) {
		puts("usage: parley [--db PATH] list visits [FILTERS] [--json]\n"
		     "       parley [--db PATH] list people|countries|offices|tenures|sources [--json]\n\n"
		     "Visit filters (the names and values of GET /api/v1/visits; docs/queries.md):\n"
		     "  --between A:B       between two countries, both directions (CHN:PRK)\n"
		     "  --direction FROM:TO from one country to the other\n"
		     "  --country A         to or from one country\n"
		     "  --from DATE, --to DATE, --year YYYY\n"
		     "                      start date in the range (YYYY, YYYY-MM or YYYY-MM-DD);\n"
		     "                      a partial date matches a range it overlaps\n"
		     "  --as-of DATE        started on or before DATE\n"
		     "  --level LIST        exactly these levels; --min-level RANK at least this one\n"
		     "  --type LIST, --status LIST (default: confirmed,reported)\n"
		     "  --office ID         the visitor held this office at the time\n"
		     "  --person ID         visitor, companion or host; or --visitor, --companion, --host\n"
		     "  --top A[,B]         by the paramount leader of A (and B); needs --between\n"
		     "  --q TEXT, -q, --query  a phrase in names, aliases, places, people met, summary\n"
		     "  --sort ORDER        date (default), -date, level, visitor\n"
		     "  --limit N, --offset N, or --page N, --per-page N");
		return argc < 2 && !cli_wants_help(argc, argv) ? EXIT_USAGE : EXIT_OK;
	}
	const char *what = argv[1];
	if (strcmp(what, "visits") == 0 || strcmp(what, "visit") == 0)
		return list_visits(argc - 1, argv + 1);
	if (argc > 2)
		return cli_usage_error("list", "unexpected argument '%s'", argv[2]);
	static const char *const plain[][2] = {{"people", "person"}, {"countries", "country"},
	                                       {"offices", "office"}, {"tenures", "tenure"},
	                                       {"sources", "source"}, {"coverage", "coverage"}};
	for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
		if (strcmp(what, plain[i][0]) == 0 || strcmp(what, plain[i][1]) == 0)
			return list_concept(plain[i][1]);
	return cli_usage_error("list", "cannot list '%s'", what);
}

static void field(const char *label, const char *value)
{
	if (value && *value)
		printf("%-14s %s\n", label, value);
}

static void print_visit(json_t *v)
{
	char d[48];
	field("visit", cli_str(v, "id"));
	field("dates", dates(v, d, sizeof d));
	printf("%-14s %s -> %s\n", "direction", cli_str(v, "from_country"), cli_str(v, "to_country"));
	field("visitor", visitor_text(v));
	if (*cli_str(v, "visitor_name"))
		field("label", cli_str(v, "visitor_label"));
	field("title", cli_str(v, "visitor_title"));
	field("office", cli_str(v, "visitor_office"));
	field("level", cli_str(v, "level"));
	field("type", cli_str(v, "type"));
	field("status", cli_str(v, "status"));
	field("confidence", cli_str(v, "confidence"));
	field("DISPUTED", cli_str(v, "disputed"));
	field("summary", cli_str(v, "summary"));
	field("note", cli_str(v, "note"));
	size_t i;
	json_t *x;
	static const char *const lists[][2] = {{"hosts", "host met"}, {"delegation", "companion"}};
	for (size_t k = 0; k < 2; k++)
		json_array_foreach(json_object_get(v, lists[k][0]), i, x) {
			char buf[512];
			snprintf(buf, sizeof buf, "%s%s%s%s", cli_str(x, "name"),
			         *cli_str(x, "detail") ? " (" : "", cli_str(x, "detail"),
			         *cli_str(x, "detail") ? ")" : "");
			field(lists[k][1], buf);
		}
	json_array_foreach(json_object_get(v, "places"), i, x) field("place", cli_str(x, "name"));
	json_array_foreach(json_object_get(v, "activities"), i, x) {
		char buf[1024];
		snprintf(buf, sizeof buf, "%s: %s", cli_str(x, "kind"), cli_str(x, "description"));
		field("activity", buf);
	}
	json_array_foreach(json_object_get(v, "sources"), i, x) {
		const char *u = cli_str(x, "url");
		field("source", *u ? u : cli_str(x, "citation"));
	}
	json_array_foreach(json_object_get(v, "external_ids"), i, x) {
		char buf[256];
		snprintf(buf, sizeof buf, "%s %s", cli_str(x, "scheme"), cli_str(x, "value"));
		field("external id", buf);
	}
}

static void print_person(json_t *v)
{
	field("person", cli_str(v, "id"));
	field("name", cli_str(v, "name"));
	field("native name", cli_str(v, "native_name"));
	field("country", cli_str(v, "country"));
	field("born", cli_str(v, "birth_date"));
	field("died", cli_str(v, "death_date"));
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(v, "aliases"), i, x) field("alias", cli_str(x, "alias"));
	json_array_foreach(json_object_get(v, "tenures"), i, x) {
		char buf[512];
		snprintf(buf, sizeof buf, "%s (%s) %s..%s", cli_str(x, "office_name"), cli_str(x, "rank"),
		         cli_str(x, "start_date"), *cli_str(x, "end_date") ? cli_str(x, "end_date") : "");
		field("tenure", buf);
	}
	json_array_foreach(json_object_get(v, "visits"), i, x) {
		char buf[512];
		snprintf(buf, sizeof buf, "%s %s>%s as %s (%s)", cli_str(x, "start_date"),
		         cli_str(x, "from_country"), cli_str(x, "to_country"), cli_str(x, "role"),
		         cli_str(x, "id"));
		field("visit", buf);
	}
}

int cmd_show(int argc, char **argv)
{
	if (cli_wants_help(argc, argv) || argc < 2) {
		puts("usage: parley [--db PATH] show [visit|person] ID [--json]\n\n"
		     "Shows one visit (every field, delegation, hosts, places, activities and\n"
		     "sources) or one person (aliases, tenures, visits).");
		return argc < 2 && !cli_wants_help(argc, argv) ? EXIT_USAGE : EXIT_OK;
	}
	const char *kind = "visit", *id = argv[1];
	if (argc == 3) {
		kind = argv[1];
		id = argv[2];
	} else if (argc > 3) {
		return cli_usage_error("show", "unexpected argument '%s'", argv[3]);
	}
	int person = strcmp(kind, "person") == 0;
	if (!person && strcmp(kind, "visit") != 0)
		return cli_usage_error("show", "can show a visit or a person, not '%s'", kind);
	parley_db *db;
	int rc = cli_open(PARLEY_OPEN_READONLY, &db);
	if (rc)
		return rc;
	parley_err err = {0, ""};
	if (cli_json()) {
		int st = person ? parley_show_person_json(db, id, stdout, &err)
		                : parley_show_visit_json(db, id, stdout, &err);
		parley_close(db);
		return st ? cli_fail("show", &err) : EXIT_OK;
	}
	json_t *v = capture_by_name(person ? parley_show_person_json : parley_show_visit_json, db, id,
	                            &err);
	parley_close(db);
	if (!v)
		return cli_fail("show", &err);
	if (person)
		print_person(v);
	else
		print_visit(v);
	json_decref(v);
	return EXIT_OK;
}

int cmd_person(int argc, char **argv)
{
	if (cli_wants_help(argc, argv) || argc != 2) {
		puts("usage: parley [--db PATH] person NAME [--json]\n\n"
		     "Finds people by any name or alias (romanisations, native script), ignoring\n"
		     "case, accents, spaces and hyphens: 'kim jong un', 'Kim Jong-un' and '김정은'\n"
		     "find the same person.  With one match, shows that person.");
		return argc != 2 && !cli_wants_help(argc, argv) ? EXIT_USAGE : EXIT_OK;
	}
	parley_db *db;
	int rc = cli_open(PARLEY_OPEN_READONLY, &db);
	if (rc)
		return rc;
	parley_err err = {0, ""};
	json_t *v = capture_by_name(parley_find_people_json, db, argv[1], &err);
	if (!v) {
		parley_close(db);
		return cli_fail("person", &err);
	}
	int out = EXIT_OK;
	if (json_array_size(v) == 0) {
		fprintf(stderr, "parley person: nobody matches '%s'\n", argv[1]);
		out = EXIT_DATA;
		if (cli_json())
			puts("[]");
	} else if (cli_json()) {
		char *s = json_dumps(v, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
		if (s)
			puts(s);
		free(s);
	} else if (json_array_size(v) == 1) {
		json_t *p = capture_by_name(parley_show_person_json, db,
		                            cli_str(json_array_get(v, 0), "id"), &err);
		if (p) {
			print_person(p);
			json_decref(p);
		} else {
			out = cli_fail("person", &err);
		}
	} else {
		static const char *const h[] = {"ID", "NAME", "NATIVE", "MATCHED", "VISITS"};
		cli_table *t = cli_table_new(5, h);
		size_t i;
		json_t *row;
		json_array_foreach(v, i, row) {
			char n[24];
			snprintf(n, sizeof n, "%lld", (long long)json_integer_value(json_object_get(row, "visits")));
			const char *cells[] = {cli_str(row, "id"), cli_str(row, "name"),
			                       cli_str(row, "native_name"), cli_str(row, "matched"), n};
			cli_table_add(t, cells);
		}
		cli_table_print(t, stdout, 40);
		cli_table_free(t);
	}
	json_decref(v);
	parley_close(db);
	return out;
}
