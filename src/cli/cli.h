/*
 * cli.h - what the parley tool's command files share.
 *
 * The tool is a thin front end on libparley: it parses arguments, calls the
 * library and prints.  Each cmd_*.c file holds one group of commands; every
 * command is `int cmd_NAME(int argc, char **argv)` with argv[0] the command
 * name, and returns an exit code:
 *   0 ok, 1 data errors (bad input, check errors, not found), 2 usage, 3 other.
 * Global options (--db PATH, --json) are parsed by main.c before the command
 * and are available through the functions below.
 */
#ifndef PARLEY_CLI_H
#define PARLEY_CLI_H

#include "parley.h"

#include <stdbool.h>

enum { EXIT_OK = 0, EXIT_DATA = 1, EXIT_USAGE = 2, EXIT_OTHER = 3 };

/* The store path: --db, else $PARLEY_DB, else parley.db.  Borrowed. */
const char *cli_db_path(void);
/* True when --json was given before or after the command name. */
bool cli_json(void);
void cli_set_json(bool on);
void cli_set_db_path(const char *path);

/* Opens the store (PARLEY_OPEN_* flags); on failure prints the error to
 * stderr and returns the exit code to use (never 0).  Close with
 * parley_close(). */
int cli_open(int flags, parley_db **db);
/* Records "WHAT:USER" as the author of this handle's changes in the audit
 * log (USER from $USER, else the account name). */
void cli_set_actor(parley_db *db, const char *what);
/* Maps a library status to an exit code. */
int cli_exit_for(int status);
/* Prints "parley CMD: message" to stderr for a failed call; returns the
 * exit code for err->code. */
int cli_fail(const char *cmd, const parley_err *err);
/* Prints "parley CMD: message" and a hint to run --help; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Finds "--name VALUE" in argv, removing both; NULL when absent (cli.c). */
const char *cli_take_opt(int *argc, char **argv, const char *name);
/* One --name option of a command's table for cli_options: with a value
 * (value set: *value = the value) or a switch (*flag = 1). */
typedef struct cli_option {
	const char *name;
	const char **value;
	int *flag;
} cli_option;
/* Parses argv's options (argv[0] the command) by opts, which a NULL name
 * ends; returns the index of the first positional argument, or -1 after a
 * usage error naming the unknown option (exit with EXIT_USAGE). */
int cli_options(const char *cmd, int argc, char **argv, const cli_option *opts);
/* True when argv holds -h or --help; commands print their help then. */
bool cli_wants_help(int argc, char **argv);

/* The commands, by group (file). */
int cmd_init(int argc, char **argv);       /* cmd_records.c */
int cmd_import(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_person(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_edit(int argc, char **argv);       /* cmd_edit.c */
int cmd_delete(int argc, char **argv);
int cmd_rename(int argc, char **argv);
int cmd_add(int argc, char **argv);        /* cmd_add.c */

int cmd_eras(int argc, char **argv);       /* cmd_analysis.c */
int cmd_compare(int argc, char **argv);    /* cmd_compare.c */
int cmd_timeline(int argc, char **argv);
int cmd_gaps(int argc, char **argv);
int cmd_context(int argc, char **argv);
int cmd_companions(int argc, char **argv);

int cmd_serve(int argc, char **argv);      /* cmd_web.c */
int cmd_site(int argc, char **argv);

int cmd_discover(int argc, char **argv);   /* cmd_gdelt.c */
int cmd_review(int argc, char **argv);
int cmd_gdelt(int argc, char **argv);     /* gdelt load */

int cmd_user(int argc, char **argv);       /* cmd_user.c */
int cmd_backup(int argc, char **argv);
int cmd_migrate(int argc, char **argv);

int cmd_brief(int argc, char **argv);      /* cmd_brief.c */

#endif
