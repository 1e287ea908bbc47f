/*
 * cmd_brief.c - briefs: Markdown analysis whose figures are computed as of
 * their date, published with a ledger, checked and corrected in the open.
 *   parley brief new|list|show|render|publish|check|correct|author|newsletter
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char brief_help[] =
    "usage: parley [--db PATH] brief new FILE.md [--replace]\n"
    "       parley [--db PATH] brief list [--json]\n"
    "       parley [--db PATH] brief show ID          (the file as stored)\n"
    "       parley [--db PATH] brief render ID [--out FILE.html]\n"
    "       parley [--db PATH] brief publish ID [--date YYYY-MM-DD]\n"
    "       parley [--db PATH] brief check [ID] [--json]\n"
    "       parley [--db PATH] brief correct ID --note TEXT [--date YYYY-MM-DD]\n"
    "       parley [--db PATH] brief author add ID --name NAME --role ROLE [--bio BIO]\n"
    "       parley [--db PATH] brief newsletter --since YYYY-MM-DD [--out DIR] [--url BASE]\n\n"
    "A brief is a Markdown file with a front matter block (docs/briefs.md) whose\n"
    "{{ ... }} expressions are figures computed as of its as-of date, e.g.\n"
    "{{ count pair=CHN:PRK era=\"Xi Jinping / Kim Jong-un\" }}.  'new' stores a draft;\n"
    "'publish' computes every figure and records it in the ledger (a failing\n"
    "expression is an error at FILE:LINE:COL and nothing is published); 'check'\n"
    "recomputes the published figures with today's data and exits 1 when any\n"
    "differs; 'correct' publishes a dated correction at the foot of the brief.\n"
    "'newsletter' writes a digest of the briefs published since a date into DIR\n"
    "(default ./newsletter): newsletter.html for e-mail (inline styles, no\n"
    "scripts), newsletter.txt, and each chart as a PNG file beside them; --url\n"
    "BASE (ending in '/') makes the links to the briefs absolute.";

static int take_flag(int *argc, char **argv, const char *name)
{
	for (int i = 1; i < *argc; i++) {
		if (strcmp(argv[i], name) == 0) {
			memmove(argv + i, argv + i + 1, (size_t)(*argc - i - 1) * sizeof *argv);
			(*argc)--;
			return 1;
		}
	}
	return 0;
}

static int read_all(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	size_t cap = 1 << 16, n = 0;
	char *b = malloc(cap);
	size_t k;
	while (b && (k = fread(b + n, 1, cap - n, f)) > 0) {
		n += k;
		if (n == cap) {
			char *nb = cap < (8u << 20) ? realloc(b, cap *= 2) : NULL;
			if (!nb) {
				free(b);
				b = NULL;
			}
			b = nb;
		}
	}
	fclose(f);
	if (!b)
		return -1;
	*out = b;
	*len = n;
	return 0;
}

int cmd_brief(int argc, char **argv)
{
	if (cli_wants_help(argc, argv) || argc < 2) {
		puts(brief_help);
		return argc < 2 && !cli_wants_help(argc, argv) ? EXIT_USAGE : EXIT_OK;
	}
	const char *sub = argv[1];
	argc--;
	argv++;
	int replace = take_flag(&argc, argv, "--replace");
	int json = take_flag(&argc, argv, "--json") || cli_json();
	const char *out_path = cli_take_opt(&argc, argv, "--out");
	const char *day = cli_take_opt(&argc, argv, "--date");
	const char *note = cli_take_opt(&argc, argv, "--note");
	const char *name = cli_take_opt(&argc, argv, "--name");
	const char *role = cli_take_opt(&argc, argv, "--role");
	const char *bio = cli_take_opt(&argc, argv, "--bio");
	const char *since = cli_take_opt(&argc, argv, "--since");
	const char *url = cli_take_opt(&argc, argv, "--url");
	for (int i = 1; i < argc; i++)
		if (strncmp(argv[i], "--", 2) == 0)
			return cli_usage_error("brief", "unknown option '%s'", argv[i]);
	const char *arg = argc > 1 ? argv[1] : NULL;
	int writes = strcmp(sub, "new") == 0 || strcmp(sub, "publish") == 0 ||
	             strcmp(sub, "correct") == 0 || strcmp(sub, "author") == 0;
	if (!writes && strcmp(sub, "list") && strcmp(sub, "show") && strcmp(sub, "render") &&
	    strcmp(sub, "check") && strcmp(sub, "newsletter"))
		return cli_usage_error("brief", "unknown subcommand '%s'", sub);
	if (strcmp(sub, "newsletter") == 0 && !since)
		return cli_usage_error("brief", "newsletter needs --since YYYY-MM-DD");
	if (strcmp(sub, "list") && strcmp(sub, "check") && strcmp(sub, "newsletter") && !arg)
		return cli_usage_error("brief", "'%s' needs %s", sub, strcmp(sub, "new") == 0 ? "a file" : "an id");
	parley_db *db;
	int ec = cli_open(writes ? 0 : PARLEY_OPEN_READONLY, &db);
	if (ec)
		return ec;
	if (writes)
		cli_set_actor(db, "brief");
	parley_err err = {0};
	int rc = PARLEY_OK;
	ec = EXIT_OK;
	if (strcmp(sub, "author") == 0) {
		if (strcmp(arg, "add") != 0 || argc < 3 || !name || !role) {
			parley_close(db);
			return cli_usage_error("brief", "expected: brief author add ID --name NAME --role ROLE [--bio BIO]");
		}
		rc = parley_brief_author_set(db, argv[2], name, role, bio, &err);
	} else if (strcmp(sub, "new") == 0) {
		char *text = NULL;
		size_t len = 0;
		if (read_all(arg, &text, &len) != 0) {
			fprintf(stderr, "parley brief: cannot read %s\n", arg);
			parley_close(db);
			return EXIT_DATA;
		}
		const char *base = strrchr(arg, '/');
		char id[64];
		rc = parley_brief_add(db, base ? base + 1 : arg, text, len, replace, id, &err);
		free(text);
		if (!rc)
			printf("stored draft %s\n", id);
	} else if (strcmp(sub, "list") == 0) {
		rc = parley_brief_list(db, json ? "json" : "table", stdout, &err);
	} else if (strcmp(sub, "show") == 0) {
		char *text = NULL;
		rc = parley_brief_source(db, arg, &text, &err);
		if (!rc)
			fputs(text, stdout);
		free(text);
	} else if (strcmp(sub, "render") == 0) {
		FILE *f = out_path ? fopen(out_path, "w") : stdout;
		if (!f) {
			fprintf(stderr, "parley brief: cannot write %s\n", out_path);
			parley_close(db);
			return EXIT_OTHER;
		}
		rc = parley_brief_render(db, arg, f, &err);
		if (out_path && fclose(f) != 0 && !rc)
			rc = parley_err_set(&err, PARLEY_EIO, "writing %s failed", out_path);
	} else if (strcmp(sub, "publish") == 0) {
		rc = parley_brief_publish(db, arg, day, &err);
		if (!rc)
			printf("published %s\n", arg);
	} else if (strcmp(sub, "check") == 0) {
		long changed = 0;
		rc = parley_brief_check(db, arg, json ? "json" : "table", stdout, &changed, &err);
		if (!rc && changed)
			ec = EXIT_DATA;
	} else if (strcmp(sub, "newsletter") == 0) {
		long n = 0;
		const char *dir = out_path ? out_path : "newsletter";
		rc = parley_brief_newsletter(db, since, dir, url, &n, &err);
		if (!rc)
			printf("wrote %s/newsletter.html and newsletter.txt: %ld brief%s\n", dir, n, n == 1 ? "" : "s");
	} else if (strcmp(sub, "correct") == 0) {
		if (!note) {
			parley_close(db);
			return cli_usage_error("brief", "correct needs --note TEXT");
		}
		rc = parley_brief_correct(db, arg, note, day, &err);
		if (!rc)
			printf("corrected %s\n", arg);
	}
	parley_close(db);
	if (rc)
		return cli_fail("brief", &err);
	return ec;
}
