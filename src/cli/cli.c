/*
 * cli.c - what the command files share: the global options, opening the
 * store, and mapping library statuses to exit codes and messages.
 */
#include "cli.h"

#include <getopt.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *db_path;
static bool json_out;

void cli_set_db_path(const char *p)
{
	db_path = p;
}

const char *cli_db_path(void)
{
	return db_path ? db_path : parley_default_db_path();
}

bool cli_json(void)
{
	return json_out;
}

void cli_set_json(bool on)
{
	json_out = on;
}

int cli_exit_for(int status)
{
	switch (status) {
	case PARLEY_OK: return EXIT_OK;
	case PARLEY_EDATA:
	case PARLEY_ENOTFOUND:
	case PARLEY_ECONFLICT:
	case PARLEY_EDENIED:
	case PARLEY_ELIMIT: return EXIT_DATA;
	case PARLEY_EINVAL: return EXIT_USAGE;
	default: return EXIT_OTHER;
	}
}

int cli_fail(const char *cmd, const parley_err *err)
{
	fprintf(stderr, "parley %s: %s\n", cmd, err->msg[0] ? err->msg : parley_strstatus(err->code));
	return cli_exit_for(err->code);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "parley %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'parley %s --help'.\n", cmd);
	return EXIT_USAGE;
}

int cli_options(const char *cmd, int argc, char **argv, const cli_option *opts)
{
	struct option lo[16];
	size_t n = 0;
	for (; opts[n].name && n < sizeof lo / sizeof lo[0] - 1; n++)
		lo[n] = (struct option){opts[n].name, opts[n].value ? required_argument : no_argument,
		                        NULL, 1000 + (int)n};
	lo[n] = (struct option){NULL, 0, NULL, 0};
	int c;
	optind = 0; /* glibc: restart scanning this argv */
	/* ':' first: getopt prints nothing and says ':' for a missing value */
	while ((c = getopt_long(argc, argv, ":", lo, NULL)) != -1) {
		if (c < 1000 || c >= 1000 + (int)n) {
			cli_usage_error(cmd, c == ':' ? "option '%s' needs a value" : "unknown option '%s'",
			                argv[optind - 1]);
			return -1;
		}
		const cli_option *o = &opts[c - 1000];
		if (o->value)
			*o->value = optarg;
		else
			*o->flag = 1;
	}
	return optind;
}

bool cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return true;
	}
	return false;
}

int cli_open(int flags, parley_db **db)
{
	parley_err err = {0, ""};
	if (parley_open(cli_db_path(), flags, db, &err))
		return cli_fail("store", &err);
	return EXIT_OK;
}

void cli_set_actor(parley_db *db, const char *what)
{
	char actor[128];
	const char *user = getenv("USER");
	if (!user || !*user) {
		struct passwd *pw = getpwuid(geteuid());
		user = pw && pw->pw_name ? pw->pw_name : "unknown";
	}
	snprintf(actor, sizeof actor, "%s:%s", what, user);
	parley_set_actor(db, actor, NULL);
}

/* Finds "--name VALUE" in argv, removing both; NULL when absent. */
const char *cli_take_opt(int *argc, char **argv, const char *name)
{
	for (int i = 1; i < *argc; i++) {
		if (strcmp(argv[i], name) == 0 && i + 1 < *argc) {
			const char *v = argv[i + 1];
			memmove(argv + i, argv + i + 2, (size_t)(*argc - i - 2) * sizeof *argv);
			*argc -= 2;
			return v;
		}
	}
	return NULL;
}
