/*
 * cmd_edit.c - correcting records by hand: edit and delete.  Both go
 * through the library's validation and the audit log, with a reason.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* Parses --reason out of argv; returns the index of the first positional
 * argument or -1 after printing a usage error. */
static int parse_reason(const char *cmd, int argc, char **argv, const char **reason)
{
	const cli_option opts[] = {{"reason", reason, NULL}, {0}};
	return cli_options(cmd, argc, argv, opts);
}

int cmd_edit(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		puts("usage: parley [--db PATH] edit --reason TEXT CONCEPT KEY FIELD=VALUE...\n\n"
		     "Corrects one record: 'parley edit visit 2018-03-25-prk-chn-kim-jong-un\n"
		     "end_date=2018-03-28 --reason \"KCNA gives the 28th\"'.  FIELD= with nothing\n"
		     "after it makes the field unknown.  The change is validated like an import and\n"
		     "the audit log keeps the record before and after, with the reason.  KEY is the\n"
		     "record's key; for concepts with several key columns, join them with '|'\n"
		     "('visit-id|companion|2').  Key fields themselves cannot be changed.");
		return EXIT_OK;
	}
	const char *reason = NULL;
	int i = parse_reason("edit", argc, argv, &reason);
	if (i < 0)
		return EXIT_USAGE;
	if (argc - i < 3)
		return cli_usage_error("edit", "needs CONCEPT KEY FIELD=VALUE...");
	if (!reason || !*reason)
		return cli_usage_error("edit", "--reason is required: the audit log keeps it");
	const char *concept = argv[i], *key = argv[i + 1];
	size_t n = (size_t)(argc - i - 2);
	const char **fields = calloc(n, sizeof *fields), **values = calloc(n, sizeof *values);
	char **copies = calloc(n, sizeof *copies);
	int rc = EXIT_OK;
	for (size_t k = 0; k < n && fields && values && copies; k++) {
		char *eq = strchr(argv[i + 2 + (int)k], '=');
		if (!eq) {
			rc = cli_usage_error("edit", "'%s' is not FIELD=VALUE", argv[i + 2 + (int)k]);
			break;
		}
		copies[k] = strndup(argv[i + 2 + (int)k], (size_t)(eq - argv[i + 2 + (int)k]));
		fields[k] = copies[k];
		values[k] = eq + 1;
	}
	if (!fields || !values || !copies)
		rc = EXIT_OTHER;
	parley_db *db = NULL;
	if (!rc)
		rc = cli_open(0, &db);
	if (!rc) {
		cli_set_actor(db, "edit");
		parley_report *rep = parley_report_new();
		parley_err err = {0, ""};
		int st = parley_update(db, concept, key, fields, values, n, reason, rep, &err);
		parley_report_print(rep, stderr, PARLEY_WARNING);
		parley_report_free(rep);
		if (st)
			rc = cli_fail("edit", &err);
		else
			printf("%s %s: changed\n", concept, key);
	}
	parley_close(db);
	for (size_t k = 0; copies && k < n; k++)
		free(copies[k]);
	free(copies);
	free(fields);
	free(values);
	return rc;
}

/* For commands that take --reason (required) and exactly nargs arguments
 * (named by what): parses them and opens the store for writing with the
 * audit actor.  Returns the index of the first argument, or minus the exit
 * code after printing why. */
static int open_with_reason(const char *cmd, const char *actor, int argc, char **argv, int nargs,
                            const char *what, const char **reason, parley_db **db)
{
	int i = parse_reason(cmd, argc, argv, reason);
	if (i < 0)
		return -EXIT_USAGE;
	if (argc - i != nargs)
		return -cli_usage_error(cmd, "needs %s", what);
	if (!*reason || !**reason)
		return -cli_usage_error(cmd, "--reason is required: the audit log keeps it");
	int rc = cli_open(0, db);
	if (rc)
		return -rc;
	cli_set_actor(*db, actor);
	return i;
}

int cmd_delete(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		puts("usage: parley [--db PATH] delete --reason TEXT CONCEPT KEY\n\n"
		     "Deletes one record and what belongs to it (a visit's delegation, hosts,\n"
		     "places, activities and source links).  The reason is required; the audit\n"
		     "log keeps every removed row in full.  A record that others still refer to\n"
		     "(a person who made visits) is not deleted: exit 1.");
		return EXIT_OK;
	}
	const char *reason = NULL;
	parley_db *db;
	int i = open_with_reason("delete", "edit", argc, argv, 2, "CONCEPT KEY", &reason, &db);
	if (i < 0)
		return -i;
	parley_err err = {0, ""};
	int st = parley_delete(db, argv[i], argv[i + 1], reason, &err);
	parley_close(db);
	if (st)
		return cli_fail("delete", &err);
	printf("%s %s: deleted (kept in the audit log)\n", argv[i], argv[i + 1]);
	return EXIT_OK;
}

int cmd_rename(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		puts("usage: parley [--db PATH] rename --reason TEXT CONCEPT OLD NEW\n\n"
		     "Gives a record a new key: 'parley rename visit 2018-03-26-prk-chn-kim-jong-un\n"
		     "2018-03-25-prk-chn-kim-jong-un --reason \"start date corrected\"'.  Every record\n"
		     "that refers to it follows (a visit's delegation, hosts, places, activities,\n"
		     "source links and external ids; a person's visits and tenures), in one\n"
		     "transaction.  The reason is required; the audit log keeps every step, and\n"
		     "the web answers the old address with a redirect (301) to the new page.\n"
		     "Only for concepts with a one-column key (visit, person, office, tenure,\n"
		     "source, country, coverage).");
		return EXIT_OK;
	}
	const char *reason = NULL;
	parley_db *db;
	int i = open_with_reason("rename", "rename", argc, argv, 3, "CONCEPT OLD NEW", &reason, &db);
	if (i < 0)
		return -i;
	parley_err err = {0, ""};
	long refs = 0;
	int st = parley_rename(db, argv[i], argv[i + 1], argv[i + 2], reason, &refs, &err);
	parley_close(db);
	if (st)
		return cli_fail("rename", &err);
	printf("%s %s: renamed to %s (%ld reference%s moved; the old key redirects)\n", argv[i],
	       argv[i + 1], argv[i + 2], refs, refs == 1 ? "" : "s");
	return EXIT_OK;
}
