/*
 * cmd_records.c - commands that create, fill, export and check a store:
 * init, import, export, check, audit, stats.
 */
#include "cli.h"
#include "table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* Prints a report: notes to stdout, problems to stderr; or JSON. */
static void print_report(const parley_report *rep)
{
	if (cli_json()) {
		parley_report_print_json(rep, stdout, NULL);
		return;
	}
	for (size_t i = 0; i < parley_report_count(rep); i++) {
		const parley_finding *f = parley_report_get(rep, i);
		if (f->severity == PARLEY_INFO)
			printf("%s: %s\n", f->file ? f->file : "parley", f->message);
	}
	parley_report_print(rep, stderr, PARLEY_WARNING);
}

int cmd_init(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		puts("usage: parley [--db PATH] init [--bundled] [--dry-run] [--data DIR]\n\n"
		     "Creates the store (or brings an existing one to the current schema) and loads\n"
		     "the world's countries.  --bundled also loads the China-DPRK dataset.\n\n"
		     "On a store that already holds data, loading is an UPDATE to the release in\n"
		     "the data folder (data/RELEASE names it): records only a release ever wrote\n"
		     "are brought to the release's version (or removed when it dropped them);\n"
		     "records you changed, added or deleted (edit, import, rename, delete: the\n"
		     "audit log says who) are kept, and each is reported as a conflict with both\n"
		     "versions.  Running it again changes nothing.\n\n"
		     "  --bundled    load the bundled China-North Korea visits, people and tenures\n"
		     "  --dry-run    say what would be added, updated, removed or kept; write nothing\n"
		     "  --data DIR   the data folder holding world/ and bundled/ (default: $PARLEY_DATA,\n"
		     "               else the source tree's data/)");
		return EXIT_OK;
	}
	int bundled = 0, dry_run = 0;
	const char *data = NULL;
	const cli_option opts[] = {
	    {"bundled", NULL, &bundled}, {"data", &data, NULL}, {"dry-run", NULL, &dry_run}, {0}};
	int first = cli_options("init", argc, argv, opts);
	if (first < 0)
		return EXIT_USAGE;
	if (first < argc)
		return cli_usage_error("init", "unexpected argument '%s'", argv[first]);
	parley_db *db;
	/* A dry run reports on an existing store; it never creates one. */
	int rc = cli_open(dry_run ? 0 : PARLEY_OPEN_CREATE, &db);
	if (rc)
		return rc;
	cli_set_actor(db, "init");
	parley_report *rep = parley_report_new();
	parley_err err = {0, ""};
	parley_release_stats stats;
	int st = parley_apply_release(db, data, !bundled, dry_run, rep, &stats, &err);
	/* the example brief (issue 10), published from the data just loaded */
	if (!st && bundled && !dry_run)
		st = parley_brief_load_bundled(db, data, &err);
	print_report(rep);
	parley_report_free(rep);
	if (st) {
		parley_close(db);
		return cli_fail("init", &err);
	}
	if (!cli_json()) {
		if (dry_run)
			puts("dry run: nothing was written");
		printf("store %s:", cli_db_path());
		static const char *const shown[] = {"country", "person", "office", "tenure", "visit", "source"};
		for (size_t i = 0; i < sizeof shown / sizeof shown[0]; i++)
			printf("%s %ld %s", i ? "," : "", parley_count(db, shown[i], NULL), shown[i]);
		char name[64], date[11];
		if (parley_release_latest(db, name, sizeof name, date, sizeof date, NULL) == PARLEY_OK)
			printf("; data release %s%s%s", name, *date ? " of " : "", date);
		puts("");
	}
	parley_close(db);
	return EXIT_OK;
}

int cmd_import(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		puts("usage: parley [--db PATH] import [--format NAME] [--match HOW] [--match-days N]\n"
		     "                                   [--map FILE] [--replace] FILE...\n\n"
		     "Imports the files in one transaction: if any line of any file is wrong,\n"
		     "every problem is reported (file:line: field: what) and the store is left\n"
		     "exactly as it was.  Each file's format is detected from its content;\n"
		     "--format forces one.  Re-importing the same data changes nothing.\n"
		     "'-' reads standard input.\n\n"
		     "  --format NAME    one of the formats listed below\n"
		     "  --match HOW      link an incoming visit to the visit the store already\n"
		     "                   holds instead of adding it: external-id (the default),\n"
		     "                   rule (external id, else direction + date + visitor or\n"
		     "                   level), or none (docs/formats.md, \"Matching visits\")\n"
		     "  --match-days N   the rule's date tolerance in days (default 3)\n"
		     "  --map FILE       a column mapping for a CSV file of your own\n"
		     "                   (lines 'column=Your header'; docs/formats.md)\n"
		     "  --replace        let rows replace existing companions, hosts, places and\n"
		     "                   activities of the same seq (without it that is an error;\n"
		     "                   a row with an empty seq is always appended)\n\nFormats:");
		for (const char *const *f = parley_import_formats(); *f; f++)
			printf("  %s\n", *f);
		return EXIT_OK;
	}
	parley_import_options o = {NULL, PARLEY_LINK_EXTERNAL_ID, 0, NULL, 0, 0};
	const char *match = NULL, *days = NULL;
	int replace = 0;
	const cli_option opts[] = {{"format", &o.format, NULL}, {"match", &match, NULL},
	                           {"match-days", &days, NULL}, {"map", &o.map_path, NULL},
	                           {"replace", NULL, &replace}, {0}};
	int first = cli_options("import", argc, argv, opts);
	if (first < 0)
		return EXIT_USAGE;
	o.replace = replace;
	if (!match || strcmp(match, "external-id") == 0)
		o.link = PARLEY_LINK_EXTERNAL_ID;
	else if (strcmp(match, "rule") == 0)
		o.link = PARLEY_LINK_RULE;
	else if (strcmp(match, "none") == 0)
		o.link = PARLEY_LINK_NONE;
	else
		return cli_usage_error("import", "--match takes external-id, rule or none");
	if (days) {
		char *end;
		long v = strtol(days, &end, 10);
		if (!*days || *end || v < 0 || v > 366)
			return cli_usage_error("import", "--match-days takes 0 to 366");
		o.link_days = v ? (int)v : -1; /* -1: exactly the same dates */
	}
	if (first >= argc)
		return cli_usage_error("import", "no files to import");
	parley_db *db;
	int rc = cli_open(0, &db);
	if (rc)
		return rc;
	cli_set_actor(db, "import");
	parley_report *rep = parley_report_new();
	parley_err err = {0, ""};
	parley_import_stats stats;
	int st = parley_import_with(db, (const char *const *)argv + first,
	                            (size_t)(argc - first), &o, rep, &stats, &err);
	print_report(rep);
	parley_report_free(rep);
	parley_close(db);
	if (st)
		return cli_fail("import", &err);
	if (!cli_json())
		printf("imported: %ld rows read, %ld new, %ld changed, %ld unchanged, %ld unmapped values%s",
		       stats.rows_read, stats.inserted, stats.updated, stats.unchanged, stats.unmapped,
		       stats.linked ? "" : "\n");
	if (!cli_json() && stats.linked)
		printf(", %ld visits linked\n", stats.linked);
	return EXIT_OK;
}

/* export --analyst: the flat visits table, and its dictionary beside it. */
static int export_analyst(const char *format, const char *out, const char *concept)
{
	if (concept)
		return cli_usage_error("export", "--analyst exports visits; no CONCEPT");
	if (strcmp(format, "xlsx") == 0 && !out)
		return cli_usage_error("export", "an XLSX workbook needs --out PATH");
	parley_db *db;
	int rc = cli_open(PARLEY_OPEN_READONLY, &db);
	if (rc)
		return rc;
	parley_err err = {0, ""};
	long rows = 0;
	int st = parley_export_analyst(db, format, out, &rows, &err);
	parley_close(db);
	if (st)
		return cli_fail("export", &err);
	if (!out)
		return EXIT_OK;
	/* The dictionary beside the file: visits.xlsx -> visits.dictionary.md */
	char dict[4096];
	const char *slash = strrchr(out, '/'), *dot = strrchr(out, '.');
	int stem = dot && (!slash || dot > slash + 1) ? (int)(dot - out) : (int)strlen(out);
	if ((size_t)snprintf(dict, sizeof dict, "%.*s.dictionary.md", stem, out) >= sizeof dict) {
		fprintf(stderr, "parley export: %s: path too long\n", out);
		return EXIT_OTHER;
	}
	FILE *f = fopen(dict, "wb");
	if (!f) {
		fprintf(stderr, "parley export: %s: cannot write\n", dict);
		return EXIT_OTHER;
	}
	st = parley_analyst_dictionary(f, &err);
	if (fclose(f) != 0 && !st)
		st = parley_err_set(&err, PARLEY_EIO, "%s: write failed", dict);
	if (st)
		return cli_fail("export", &err);
	printf("%s: %ld visits (%s); data dictionary %s\n", out, rows, format, dict);
	return EXIT_OK;
}

int cmd_export(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		puts("usage: parley [--db PATH] export [--format json|ndjson|csv] [--out PATH] [CONCEPT]\n\n"
		     "Writes the store to standard output (or --out).  JSON and NDJSON hold every\n"
		     "concept, or just CONCEPT; CSV holds one concept, or with --out DIR one\n"
		     "file per concept.  Rows are ordered by key, so the output of equal stores\n"
		     "is byte-identical.\n\n"
		     "  --analyst   one flat table of visits for a spreadsheet or statistics\n"
		     "              package instead (era, visitor and office at the time, level,\n"
		     "              delegation, hosts, places, sources, date precision): --format\n"
		     "              csv|xlsx; with --out PATH the data dictionary is written beside\n"
		     "              it as PATH-without-extension.dictionary.md\n\nConcepts:");
		for (const char *const *c = parley_concepts(); *c; c++)
			printf("  %s\n", *c);
		return EXIT_OK;
	}
	const char *format = NULL, *out = NULL;
	int analyst = 0;
	const cli_option opts[] = {
	    {"format", &format, NULL}, {"out", &out, NULL}, {"analyst", NULL, &analyst}, {0}};
	int first = cli_options("export", argc, argv, opts);
	if (first < 0)
		return EXIT_USAGE;
	const char *concept = first < argc ? argv[first] : NULL;
	if (first + 1 < argc)
		return cli_usage_error("export", "unexpected argument '%s'", argv[first + 1]);
	if (analyst)
		return export_analyst(format ? format : "csv", out, concept);
	if (!format)
		format = "json";
	parley_db *db;
	int rc = cli_open(PARLEY_OPEN_READONLY, &db);
	if (rc)
		return rc;
	parley_err err = {0, ""};
	int st;
	if (out && strcmp(format, "csv") == 0 && !concept) {
		st = parley_export_dir(db, out, &err);
	} else {
		FILE *f = out ? fopen(out, "wb") : stdout;
		if (!f) {
			parley_close(db);
			fprintf(stderr, "parley export: %s: cannot write\n", out);
			return EXIT_OTHER;
		}
		st = parley_export(db, format, concept, f, &err);
		if (f != stdout && fclose(f) != 0 && !st)
			st = parley_err_set(&err, PARLEY_EIO, "%s: write failed", out);
	}
	parley_close(db);
	return st ? cli_fail("export", &err) : EXIT_OK;
}

int cmd_check(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		puts("usage: parley [--db PATH] check [--json]\n\n"
		     "Validates every record: dates in order, visitor alive and in the stated\n"
		     "office, visiting country differs from host, at least one source per visit,\n"
		     "likely duplicates, unknown references.  Each finding names the record and\n"
		     "the field.  Exit 0 when there are no errors (warnings allowed), 1 otherwise.\n"
		     "docs/check.md lists the rules.");
		return EXIT_OK;
	}
	if (argc > 1)
		return cli_usage_error("check", "unexpected argument '%s'", argv[1]);
	parley_db *db;
	int rc = cli_open(PARLEY_OPEN_READONLY, &db);
	if (rc)
		return rc;
	parley_report *rep = parley_report_new();
	parley_err err = {0, ""};
	int st = parley_check(db, rep, &err);
	parley_close(db);
	if (st) {
		parley_report_free(rep);
		return cli_fail("check", &err);
	}
	size_t errors = parley_report_count_severity(rep, PARLEY_ERROR);
	size_t warnings = parley_report_count_severity(rep, PARLEY_WARNING);
	if (cli_json()) {
		parley_report_print_json(rep, stdout, NULL);
	} else {
		parley_report_print(rep, stdout, PARLEY_WARNING);
		printf("%zu error%s, %zu warning%s\n", errors, errors == 1 ? "" : "s", warnings,
		       warnings == 1 ? "" : "s");
	}
	parley_report_free(rep);
	return errors ? EXIT_DATA : EXIT_OK;
}

int cmd_stats(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		puts("usage: parley [--db PATH] stats [--json]\n\nCounts the records of each concept.");
		return EXIT_OK;
	}
	if (argc > 1)
		return cli_usage_error("stats", "unexpected argument '%s'", argv[1]);
	parley_db *db;
	int rc = cli_open(PARLEY_OPEN_READONLY, &db);
	if (rc)
		return rc;
	if (cli_json())
		fputc('{', stdout);
	int i = 0;
	for (const char *const *c = parley_concepts(); *c; c++, i++) {
		long n = parley_count(db, *c, NULL);
		if (cli_json())
			printf("%s\"%s\":%ld", i ? "," : "", *c, n);
		else
			printf("%-14s %ld\n", *c, n);
	}
	if (cli_json())
		puts("}");
	parley_close(db);
	return EXIT_OK;
}

struct audit_ctx {
	parley_db *db;
	const char *entity, *key;
	long limit;
};

static int audit_json(void *ctx, FILE *out, parley_err *err)
{
	struct audit_ctx *a = ctx;
	return parley_audit_json(a->db, a->entity, a->key, a->limit, out, err);
}

/* A field's value as audit text: "" for null (unknown), numbers as digits. */
static void audit_value(json_t *v, char *buf, size_t cap)
{
	if (!v || json_is_null(v))
		snprintf(buf, cap, "(none)");
	else if (json_is_string(v))
		snprintf(buf, cap, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(buf, cap, "%lld", (long long)json_integer_value(v));
	else
		snprintf(buf, cap, "?");
}

/* Adds one audit entry to the table: its first changed field on the row
 * itself ("end_date: 2018-03-25 -> 2018-03-28"), each further one on a
 * line of its own below, so that the table says what changed, not only
 * who and when.  An insert or delete names no fields: the whole record
 * came or went (--json has it in full). */
static void audit_add_changes(cli_table *t, const char **cells, json_t *before, json_t *after)
{
	if (!json_is_object(before) || !json_is_object(after)) {
		cells[6] = json_is_object(after) ? "(new record)" : "(record removed)";
		cli_table_add(t, cells);
		return;
	}
	int n = 0;
	const char *k;
	json_t *b;
	json_object_foreach(before, k, b) {
		json_t *a = json_object_get(after, k);
		if (json_equal(a, b) || (!a && json_is_null(b)))
			continue;
		char bv[512], av[512], line[1200];
		audit_value(b, bv, sizeof bv);
		audit_value(a, av, sizeof av);
		snprintf(line, sizeof line, "%s: %s -> %s", k, bv, av);
		const char *blank[] = {"", "", "", "", "", "", line};
		if (n++ == 0) {
			cells[6] = line;
			cli_table_add(t, cells);
		} else {
			cli_table_add(t, blank);
		}
	}
	if (!n) {
		cells[6] = "(no field changed)";
		cli_table_add(t, cells);
	}
}

int cmd_audit(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		puts("usage: parley [--db PATH] audit [--entity CONCEPT] [--key KEY] [--limit N] [--json]\n\n"
		     "Shows the audit log, newest first: every insert, update and delete with\n"
		     "its time, author and reason, and for each update the fields it changed\n"
		     "(field: before -> after, one a line).  --json gives the record before and\n"
		     "after in full.");
		return EXIT_OK;
	}
	struct audit_ctx a = {NULL, NULL, NULL, 50};
	const char *limit = NULL;
	const cli_option opts[] = {
	    {"entity", &a.entity, NULL}, {"key", &a.key, NULL}, {"limit", &limit, NULL}, {0}};
	int first = cli_options("audit", argc, argv, opts);
	if (first < 0)
		return EXIT_USAGE;
	if (limit) {
		char *end;
		a.limit = strtol(limit, &end, 10);
		if (*end || a.limit < 0)
			return cli_usage_error("audit", "--limit needs a whole number >= 0");
	}
	if (first < argc)
		return cli_usage_error("audit", "unexpected argument '%s'", argv[first]);
	int rc = cli_open(PARLEY_OPEN_READONLY, &a.db);
	if (rc)
		return rc;
	parley_err err = {0, ""};
	if (cli_json()) {
		int st = parley_audit_json(a.db, a.entity, a.key, a.limit, stdout, &err);
		parley_close(a.db);
		return st ? cli_fail("audit", &err) : EXIT_OK;
	}
	json_t *v = cli_capture_json(audit_json, &a, &err);
	parley_close(a.db);
	if (!v)
		return cli_fail("audit", &err);
	static const char *const h[] = {"SEQ", "AT", "ACTOR", "ACTION", "RECORD", "REASON", "CHANGED"};
	cli_table *t = cli_table_new(7, h);
	size_t i;
	json_t *row;
	json_array_foreach(v, i, row) {
		char seq[24], rec[256];
		snprintf(seq, sizeof seq, "%lld", (long long)json_integer_value(json_object_get(row, "seq")));
		snprintf(rec, sizeof rec, "%s:%s", cli_str(row, "entity"), cli_str(row, "entity_key"));
		const char *cells[] = {seq, cli_str(row, "at"), cli_str(row, "actor"),
		                       cli_str(row, "action"), rec, cli_str(row, "reason"), NULL};
		audit_add_changes(t, cells, json_object_get(row, "before"), json_object_get(row, "after"));
	}
	cli_table_print(t, stdout, 60);
	cli_table_free(t);
	json_decref(v);
	return EXIT_OK;
}
