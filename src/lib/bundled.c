/*
 * bundled.c - the data that ships with parley: the world's countries
 * (data/world/) and the China-DPRK dataset (data/bundled/), both kept in the
 * repository as canonical CSV files and loaded through the ordinary import,
 * so they obey the same validation as any analyst's file.
 */
#include "internal.h"

#include <glob.h>
#include <stdlib.h>
#include <string.h>

/* Imports every *.csv of each listed subfolder of root in one import. */
static int load_folders(parley_db *db, const char *root, const char *const *subs, size_t nsubs,
                        parley_report *rep, parley_err *err)
{
	if (!root)
		root = parley_bundled_dir();
	glob_t g;
	memset(&g, 0, sizeof g);
	int flags = 0;
	for (size_t i = 0; i < nsubs; i++) {
		char pat[4096];
		if ((size_t)snprintf(pat, sizeof pat, "%s/%s/*.csv", root, subs[i]) >= sizeof pat) {
			globfree(&g);
			return parley_err_set(err, PARLEY_ELIMIT, "%s: path too long", root);
		}
		int r = glob(pat, flags, NULL, &g);
		if (r == GLOB_NOMATCH) {
			globfree(&g);
			return parley_err_set(err, PARLEY_ENOTFOUND,
			                      "%s/%s: no data files (set PARLEY_DATA to the data folder)",
			                      root, subs[i]);
		}
		if (r) {
			globfree(&g);
			return parley_err_set(err, PARLEY_EIO, "%s: cannot list", pat);
		}
		flags = GLOB_APPEND;
	}
	int rc = parley_import(db, (const char *const *)g.gl_pathv, g.gl_pathc, "csv", rep, NULL, err);
	globfree(&g);
	return rc;
}

int parley_load_world(parley_db *db, const char *data_dir, parley_report *rep, parley_err *err)
{
	static const char *const subs[] = {"world"};
	return load_folders(db, data_dir, subs, 1, rep, err);
}

int parley_load_bundled(parley_db *db, const char *data_dir, parley_report *rep, parley_err *err)
{
	static const char *const subs[] = {"world", "bundled"};
	int rc = load_folders(db, data_dir, subs, 2, rep, err);
	/* the example brief (issue 10), published from the data just loaded */
	return rc ? rc : parley_brief_load_bundled(db, data_dir, err);
}
