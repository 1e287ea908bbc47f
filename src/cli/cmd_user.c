/*
 * cmd_user.c - the accounts of a team server, and online backups:
 *   parley user add|passwd|role|disable|enable|list|sessions|revoke
 *   parley backup DEST
 * Passwords are read from --password-file or standard input (first line),
 * never from the command line, where ps and shell history would show them.
 */
#include "cli.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char user_help[] =
    "usage: parley [--db PATH] user add NAME --role ROLE [--password-file FILE]\n"
    "       parley [--db PATH] user passwd NAME [--password-file FILE]\n"
    "       parley [--db PATH] user role NAME ROLE\n"
    "       parley [--db PATH] user disable|enable NAME\n"
    "       parley [--db PATH] user list [--json]\n"
    "       parley [--db PATH] user sessions [NAME] [--json]\n"
    "       parley [--db PATH] user revoke SESSION-ID\n\n"
    "Accounts of a team server.  Roles: reader, editor (changes held for review\n"
    "when the server requires review), reviewer (approves changes, publishes\n"
    "directly), admin (also the accounts).  Passwords (at least 10 characters) are\n"
    "read from --password-file or from the first line of standard input, and\n"
    "stored only as Argon2id hashes.  A new password, or disabling a user, ends\n"
    "every session of the user; 'revoke' ends one session (ids from 'sessions').\n"
    "When the store has at least one user, 'parley serve' turns editing on.";

/* Reads the password: the first line of path, or of stdin when path is NULL.
 * Caller frees with free(). */
static char *read_password(const char *path)
{
	FILE *f = path ? fopen(path, "r") : stdin;
	if (!f) {
		fprintf(stderr, "parley user: cannot open %s\n", path);
		return NULL;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, f);
	if (path)
		fclose(f);
	if (n <= 0) {
		free(line);
		fprintf(stderr, "parley user: no password given (on standard input or --password-file)\n");
		return NULL;
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	return line;
}

static void wipe_free(char *s)
{
	if (!s)
		return;
	volatile char *p = s;
	while (*p)
		*p++ = '\0';
	free(s);
}

static int list_users(parley_db *db)
{
	parley_user *u;
	size_t n;
	parley_err err = {0, ""};
	if (parley_user_list(db, &u, &n, &err))
		return cli_fail("user", &err);
	if (cli_json()) {
		json_t *a = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(a, json_pack("{s:s,s:s,s:b,s:s,s:s?}", "name", u[i].name, "role",
			                                   parley_role_name(u[i].role), "disabled", u[i].disabled,
			                                   "created", u[i].created, "last_login",
			                                   u[i].last_login[0] ? u[i].last_login : NULL));
		json_dumpf(a, stdout, JSON_INDENT(1));
		putchar('\n');
		json_decref(a);
	} else {
		printf("%-24s %-9s %-9s %-20s %s\n", "name", "role", "state", "created", "last login");
		for (size_t i = 0; i < n; i++)
			printf("%-24s %-9s %-9s %-20s %s\n", u[i].name, parley_role_name(u[i].role),
			       u[i].disabled ? "disabled" : "active", u[i].created,
			       u[i].last_login[0] ? u[i].last_login : "never");
	}
	free(u);
	return EXIT_OK;
}

static int list_sessions(parley_db *db, const char *user)
{
	parley_session *s;
	size_t n;
	parley_err err = {0, ""};
	if (parley_session_list(db, user, &s, &n, &err))
		return cli_fail("user", &err);
	if (cli_json()) {
		json_t *a = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "id", s[i].id, "user",
			                                   s[i].user, "role", parley_role_name(s[i].role),
			                                   "created", s[i].created, "expires", s[i].expires,
			                                   "address", s[i].address));
		json_dumpf(a, stdout, JSON_INDENT(1));
		putchar('\n');
		json_decref(a);
	} else {
		printf("%-16s  %-24s %-20s %-20s %s\n", "id", "user", "created", "expires", "address");
		for (size_t i = 0; i < n; i++)
			printf("%-16s  %-24s %-20s %-20s %s\n", s[i].id, s[i].user, s[i].created, s[i].expires,
			       s[i].address);
	}
	free(s);
	return EXIT_OK;
}

int cmd_user(int argc, char **argv)
{
	if (cli_wants_help(argc, argv) || argc < 2) {
		if (argc < 2) {
			fprintf(stderr, "%s\n", user_help);
			return EXIT_USAGE;
		}
		puts(user_help);
		return EXIT_OK;
	}
	const char *sub = argv[1];
	const char *pwfile = cli_take_opt(&argc, argv, "--password-file");
	const char *role_name = cli_take_opt(&argc, argv, "--role");
	int nargs = argc - 2; /* positional arguments after the subcommand */
	char **args = argv + 2;
	for (int i = 0; i < nargs; i++)
		if (args[i][0] == '-' && args[i][1] == '-')
			return cli_usage_error("user", "unknown option '%s'", args[i]);
	parley_db *db = NULL;
	int ro = strcmp(sub, "list") == 0 || strcmp(sub, "sessions") == 0;
	int rc = cli_open(ro ? PARLEY_OPEN_READONLY : 0, &db);
	if (rc)
		return rc;
	cli_set_actor(db, "cli");
	parley_err err = {0, ""};
	parley_role role;
	char *pw = NULL;
	if (strcmp(sub, "add") == 0) {
		if (nargs != 1 || !role_name)
			rc = cli_usage_error("user", "add needs NAME and --role ROLE");
		else if (parley_role_parse(role_name, &role, &err))
			rc = cli_fail("user", &err);
		else if (!(pw = read_password(pwfile)))
			rc = EXIT_USAGE;
		else if (parley_user_add(db, args[0], role, pw, &err))
			rc = cli_fail("user", &err);
		else
			printf("added user %s (%s)\n", args[0], parley_role_name(role));
	} else if (strcmp(sub, "passwd") == 0) {
		if (nargs != 1)
			rc = cli_usage_error("user", "passwd needs NAME");
		else if (!(pw = read_password(pwfile)))
			rc = EXIT_USAGE;
		else if (parley_user_set_password(db, args[0], pw, &err))
			rc = cli_fail("user", &err);
		else
			printf("new password for %s; their sessions are ended\n", args[0]);
	} else if (strcmp(sub, "role") == 0) {
		if (nargs != 2)
			rc = cli_usage_error("user", "role needs NAME ROLE");
		else if (parley_role_parse(args[1], &role, &err) ||
		         parley_user_set_role(db, args[0], role, &err))
			rc = cli_fail("user", &err);
		else
			printf("%s is now %s\n", args[0], parley_role_name(role));
	} else if (strcmp(sub, "disable") == 0 || strcmp(sub, "enable") == 0) {
		int off = sub[0] == 'd';
		if (nargs != 1)
			rc = cli_usage_error("user", "%s needs NAME", sub);
		else if (parley_user_set_disabled(db, args[0], off, &err))
			rc = cli_fail("user", &err);
		else
			printf("%s %s\n", args[0], off ? "disabled; their sessions are ended" : "enabled");
	} else if (strcmp(sub, "list") == 0) {
		rc = nargs ? cli_usage_error("user", "list takes no arguments") : list_users(db);
	} else if (strcmp(sub, "sessions") == 0) {
		rc = nargs > 1 ? cli_usage_error("user", "sessions takes at most a NAME")
		               : list_sessions(db, nargs ? args[0] : NULL);
	} else if (strcmp(sub, "revoke") == 0) {
		if (nargs != 1)
			rc = cli_usage_error("user", "revoke needs SESSION-ID");
		else if (parley_session_revoke(db, args[0], &err))
			rc = cli_fail("user", &err);
		else
			printf("session %s ended\n", args[0]);
	} else {
		rc = cli_usage_error("user", "unknown subcommand '%s'", sub);
	}
	wipe_free(pw);
	parley_close(db);
	return rc;
}

int cmd_backup(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		puts("usage: parley [--db PATH] backup DEST\n\n"
		     "Writes a consistent copy of the store to DEST while it is in use (SQLite's\n"
		     "online backup: a running 'parley serve' and its editors carry on).  The copy\n"
		     "is written beside DEST, checked (integrity_check) and renamed into place, so\n"
		     "DEST is never half written.  To restore, stop the server and copy the backup\n"
		     "over the store (docs/teams.md).");
		return EXIT_OK;
	}
	if (argc != 2)
		return cli_usage_error("backup", "needs DEST");
	parley_db *db = NULL;
	int rc = cli_open(PARLEY_OPEN_READONLY, &db);
	if (rc)
		return rc;
	parley_err err = {0, ""};
	if (parley_backup(db, argv[1], &err))
		rc = cli_fail("backup", &err);
	else
		printf("backed up %s to %s\n", cli_db_path(), argv[1]);
	parley_close(db);
	return rc;
}

int cmd_migrate(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		puts("usage: parley [--db PATH] migrate\n\n"
		     "Brings a store made by an older parley up to this one's schema: opens it\n"
		     "writable, which runs the missing migrations (new tables, columns and indexes,\n"
		     "in one transaction; no record is changed), and prints the schema version\n"
		     "before and after.  Read-only commands (eras, list, serve...) never migrate and\n"
		     "ask for this instead.  A store already current is left as it is.");
		return EXIT_OK;
	}
	if (argc != 1)
		return cli_usage_error("migrate", "takes no arguments");
	parley_db *db = NULL;
	int rc = cli_open(0, &db);
	if (rc)
		return rc;
	int before = parley_schema_version_at_open(db), after = parley_schema_version(db);
	if (before == after)
		printf("%s: schema version %d, already current\n", cli_db_path(), after);
	else
		printf("%s: migrated from schema version %d to %d\n", cli_db_path(), before, after);
	parley_close(db);
	return EXIT_OK;
}
