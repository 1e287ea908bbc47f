/*
 * main.c - the parley command-line tool: global options, then one command.
 *
 *   parley [--db PATH] [--json] COMMAND [ARGS...]
 *
 * --db and --json may also come after the command name.  Each command lives
 * in a cmd_*.c file and uses only parley.h.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} command;

static const command commands[] = {
    {"init", cmd_init, "create a store (--bundled: with the China-DPRK dataset)"},
    {"import", cmd_import, "import files (all or nothing); formats detected from content"},
    {"export", cmd_export, "write the store as CSV, JSON or NDJSON"},
    {"check", cmd_check, "validate every record; exit 1 when there are errors"},
    {"list", cmd_list, "list visits (with filters), people, countries, offices, sources"},
    {"show", cmd_show, "show one visit, person or country in full"},
    {"person", cmd_person, "find people by any name or alias"},
    {"edit", cmd_edit, "correct fields of one record, with a reason for the audit log"},
    {"delete", cmd_delete, "delete one record (kept in the audit log), with a reason"},
    {"rename", cmd_rename, "give a record a new key; references follow, the old key redirects"},
    {"add", cmd_add, "add one visit with its source, companions, hosts, places, activities"},
    {"audit", cmd_audit, "show the audit log of changes"},
    {"stats", cmd_stats, "count the records of each concept"},
    {"eras", cmd_eras, "visits per leader era or leader pair"},
    {"timeline", cmd_timeline, "visits per year or month"},
    {"gaps", cmd_gaps, "longest intervals without a visit, quiet periods"},
    {"context", cmd_context, "the sentences an analyst would write about a visit"},
    {"companions", cmd_companions, "who accompanied a person, and whom they accompanied"},
    {"compare", cmd_compare, "match the visits of two sources; era tables side by side"},
    {"serve", cmd_serve, "run the web dashboard and JSON API"},
    {"site", cmd_site, "write the web pages as a static site"},
    {"discover", cmd_discover, "find candidate visits in GDELT event files"},
    {"review", cmd_review, "list, accept or reject candidate visits"},
    {"gdelt", cmd_gdelt, "load GDELT event files into a ClickHouse cluster"},
    {"user", cmd_user, "accounts of a team server: add, passwd, role, disable, list, sessions"},
    {"backup", cmd_backup, "write a consistent copy of the live store"},
    {"migrate", cmd_migrate, "bring a store made by an older parley up to this schema"},
    {"brief", cmd_brief, "briefs with live figures: new, list, show, render, publish, check, correct"},
};

static void usage(FILE *out)
{
	fputs("usage: parley [--db PATH] [--json] COMMAND [ARGS...]\n\n"
	      "parley keeps, checks, analyses and publishes records of high-level visits.\n\n"
	      "Commands:\n", out);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(out, "  %-11s %s\n", commands[i].name, commands[i].summary);
	fputs("\nGlobal options:\n"
	      "  --db PATH   the store (default: $PARLEY_DB, else ./parley.db)\n"
	      "  --json      machine-readable output for read commands\n"
	      "  --version   print the version\n\n"
	      "Run 'parley COMMAND --help' for a command's options.\n"
	      "Exit codes: 0 ok, 1 data errors, 2 usage, 3 other failures.\n", out);
}

int main(int argc, char **argv)
{
	/* Take the global options out of argv, wherever they are. */
	char **args = calloc((size_t)argc + 1, sizeof *args);
	if (!args)
		return EXIT_OTHER;
	int n = 0;
	for (int i = 0; i < argc; i++) {
		if (i > 0 && strcmp(argv[i], "--json") == 0) {
			cli_set_json(true);
		} else if (i > 0 && strcmp(argv[i], "--db") == 0) {
			if (i + 1 >= argc) {
				fputs("parley: --db needs a path\n", stderr);
				free(args);
				return EXIT_USAGE;
			}
			cli_set_db_path(argv[++i]);
		} else if (i > 0 && strncmp(argv[i], "--db=", 5) == 0) {
			cli_set_db_path(argv[i] + 5);
		} else {
			args[n++] = argv[i];
		}
	}
	int rc;
	if (n < 2) {
		usage(stderr);
		rc = EXIT_USAGE;
	} else if (strcmp(args[1], "--help") == 0 || strcmp(args[1], "-h") == 0 ||
	           strcmp(args[1], "help") == 0) {
		usage(stdout);
		rc = EXIT_OK;
	} else if (strcmp(args[1], "--version") == 0 || strcmp(args[1], "version") == 0) {
		printf("parley %s\n", PARLEY_VERSION);
		rc = EXIT_OK;
	} else {
		rc = -1;
		for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
			if (strcmp(args[1], commands[i].name) == 0)
				rc = commands[i].run(n - 1, args + 1);
		if (rc == -1) {
			fprintf(stderr, "parley: unknown command '%s'\n\n", args[1]);
			usage(stderr);
			rc = EXIT_USAGE;
		}
	}
	free(args);
	return rc;
}
