/*
 * cmd_list.c - commands that read records: list, show, person.
 */
#include "cli.h"
#include "table.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	if (r->next_after) /* keyset paging: the next page costs what this one did */
		printf("next page: --after %s\n", r->next_after);
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
		     "  --as-of DATE        started on or before DATE; --since DATE on or after it\n"
		     "  --level LIST        exactly these levels; --min-level RANK at least this one\n"
		     "  --type LIST, --status LIST (default: confirmed,reported)\n"
		     "  --office ID         the visitor held this office at the time\n"
		     "  --person ID         visitor, companion or host; or --visitor, --companion, --host\n"
		     "  --top A[,B]         by the paramount leader of A (and B); needs --between\n"
		     "  --ids ID,ID         only these visits (a brief's figure ledger lists them)\n"
		     "  --q TEXT, -q, --query  a phrase in names, aliases, places, people met, summary\n"
		     "  --sort ORDER        date (default), -date, level, visitor\n"
		     "  --limit N, --offset N, or --page N, --per-page N\n"
		     "  --after ID          the page after visit ID (sort date or -date): as cheap\n"
		     "                      on the last page as on the first; a page that has a\n"
		     "                      next one ends with the --after to give");
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

static void print_visit(const parley_visit *v)
{
	char d[48], buf[1024];
	field("visit", v->id);
	if (v->end_date && strcmp(v->start_date, v->end_date) != 0)
		snprintf(d, sizeof d, "%s..%s", v->start_date, v->end_date);
	else
		snprintf(d, sizeof d, "%s", v->start_date);
	field("dates", d);
	printf("%-14s %s -> %s\n", "direction", v->from_country, v->to_country);
	field("visitor", v->visitor_name);
	if (v->visitor)
		field("label", v->visitor_label);
	field("title", v->visitor_title);
	field("office", v->visitor_office);
	field("level", v->level);
	field("type", v->type);
	field("status", v->status);
	field("confidence", v->confidence);
	field("DISPUTED", v->disputed);
	field("summary", v->summary);
	field("note", v->note);
	const parley_visit_person *lists[] = {v->hosts, v->delegation};
	size_t counts[] = {v->nhosts, v->ndelegation};
	static const char *const labels[] = {"host met", "companion"};
	for (size_t k = 0; k < 2; k++)
		for (size_t i = 0; i < counts[k]; i++) {
			const parley_visit_person *p = &lists[k][i];
			int det = p->detail && *p->detail;
			snprintf(buf, sizeof buf, "%s%s%s%s", p->name ? p->name : "", det ? " (" : "",
			         det ? p->detail : "", det ? ")" : "");
			field(labels[k], buf);
		}
	for (size_t i = 0; i < v->nplaces; i++)
		field("place", v->places[i].name);
	for (size_t i = 0; i < v->nactivities; i++) {
		snprintf(buf, sizeof buf, "%s: %s", v->activities[i].kind ? v->activities[i].kind : "",
		         v->activities[i].description ? v->activities[i].description : "");
		field("activity", buf);
	}
	for (size_t i = 0; i < v->nsources; i++)
		field("source", v->sources[i].url && *v->sources[i].url ? v->sources[i].url : v->sources[i].citation);
	for (size_t i = 0; i < v->nexternal_ids; i++) {
		snprintf(buf, sizeof buf, "%s %s", v->external_ids[i].scheme, v->external_ids[i].value);
		field("external id", buf);
	}
}

/* A person's visits in every role, by date: "DATE FROM>TO as ROLE (ID)". */
typedef struct role_line {
	const char *date, *id;
	char text[512];
} role_line;

static int cmp_role_line(const void *a, const void *b)
{
	const role_line *x = a, *y = b;
	int c = strcmp(x->date, y->date);
	return c ? c : strcmp(x->id, y->id);
}

static int print_person(parley_db *db, const parley_person *p, parley_err *err)
{
	field("person", p->id);
	field("name", p->name);
	field("native name", p->native_name);
	field("country", p->country);
	field("born", p->birth_date);
	field("died", p->death_date);
	for (size_t i = 0; i < p->naliases; i++)
		field("alias", p->aliases[i].alias);
	for (size_t i = 0; i < p->ntenures; i++) {
		const parley_tenure_row *t = &p->tenures[i];
		char buf[512];
		snprintf(buf, sizeof buf, "%s (%s) %s..%s", t->office_name ? t->office_name : "",
		         t->rank ? t->rank : "", t->start_date ? t->start_date : "",
		         t->end_date ? t->end_date : "");
		field("tenure", buf);
	}
	static const char *const roles[] = {"visitor", "companion", "host"};
	parley_visits *r[3] = {NULL, NULL, NULL};
	size_t n = 0;
	int rc = PARLEY_OK;
	for (size_t k = 0; k < 3 && !rc; k++) {
		parley_query q;
		parley_query_init(&q);
		rc = parley_query_set(&q, roles[k], p->id, err);
		if (!rc)
			rc = parley_query_set(&q, "status", "all", err);
		if (!rc)
			rc = parley_visits_find(db, &q, 0, &r[k], err);
		if (!rc)
			n += r[k]->n;
	}
	role_line *lines = !rc ? calloc(n ? n : 1, sizeof *lines) : NULL;
	if (!rc && !lines)
		rc = parley_err_set(err, PARLEY_ENOMEM, "out of memory");
	size_t m = 0;
	for (size_t k = 0; lines && k < 3; k++)
		for (size_t i = 0; i < r[k]->n; i++) {
			const parley_visit *v = &r[k]->v[i];
			lines[m].date = v->start_date;
			lines[m].id = v->id;
			snprintf(lines[m].text, sizeof lines[m].text, "%s %s>%s as %s (%s)", v->start_date,
			         v->from_country, v->to_country, roles[k], v->id);
			m++;
		}
	if (lines) {
		qsort(lines, m, sizeof *lines, cmp_role_line);
		for (size_t i = 0; i < m; i++)
			field("visit", lines[i].text);
	}
	free(lines);
	for (size_t k = 0; k < 3; k++)
		parley_visits_free(r[k]);
	return rc;
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
	int st;
	if (person) {
		parley_person *p = NULL;
		st = parley_person_get(db, id, &p, &err);
		if (!st)
			st = print_person(db, p, &err);
		parley_person_free(p);
	} else {
		parley_visits *v = NULL;
		st = parley_visit_get(db, id, &v, &err);
		if (!st)
			print_visit(&v->v[0]);
		parley_visits_free(v);
	}
	parley_close(db);
	return st ? cli_fail("show", &err) : EXIT_OK;
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
	char *folded = parley_fold_words(argv[1]);
	int letters = folded && *folded;
	free(folded);
	parley_people *ps = NULL;
	if (!letters) {
		parley_close(db);
		parley_err_set(&err, PARLEY_EINVAL, "'%s' has no letters to match", argv[1]);
		return cli_fail("person", &err);
	}
	if (parley_people_find(db, argv[1], 200, &ps, &err) != PARLEY_OK) {
		parley_close(db);
		return cli_fail("person", &err);
	}
	int out = EXIT_OK;
	if (cli_json() && parley_find_people_json(db, argv[1], stdout, &err) != PARLEY_OK)
		out = cli_fail("person", &err);
	if (ps->n == 0) {
		fprintf(stderr, "parley person: nobody matches '%s'\n", argv[1]);
		out = EXIT_DATA;
	} else if (cli_json()) {
		/* written above: the library's JSON of the same search */
	} else if (ps->n == 1) {
		parley_person *p = NULL;
		if (parley_person_get(db, ps->p[0].id, &p, &err) != PARLEY_OK ||
		    print_person(db, p, &err) != PARLEY_OK)
			out = cli_fail("person", &err);
		parley_person_free(p);
	} else {
		static const char *const h[] = {"ID", "NAME", "NATIVE", "ALIASES", "VISITS"};
		cli_table *t = cli_table_new(5, h);
		for (size_t i = 0; t && i < ps->n; i++) {
			char n[24];
			snprintf(n, sizeof n, "%ld", ps->p[i].trips);
			const char *cells[] = {ps->p[i].id, ps->p[i].name, ps->p[i].native_name,
			                       ps->p[i].aliases, n};
			cli_table_add(t, cells);
		}
		if (t)
			cli_table_print(t, stdout, 40);
		cli_table_free(t);
	}
	parley_people_free(ps);
	parley_close(db);
	return out;
}
