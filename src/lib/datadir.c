/*
 * datadir.c - where parley's data files (data/world, data/bundled) are.
 *
 * parley must run the same from its build tree and once installed, with the
 * source tree gone, so no source path is compiled in.  The folder is, in
 * order: $PARLEY_DATA; <prefix>/share/parley beside the running executable
 * (an installed parley, wherever its prefix was moved); <exe>/../data (the
 * build folder inside a clone); the datadir configured at build time.  The
 * first that holds world/country.csv wins.
 */
#include "internal.h"

#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef PARLEY_INSTALL_DATADIR
#define PARLEY_INSTALL_DATADIR "/usr/local/share/parley"
#endif

static char found[PATH_MAX];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static int holds_data(const char *dir)
{
	char probe[PATH_MAX];
	if ((size_t)snprintf(probe, sizeof probe, "%s/world/country.csv", dir) >= sizeof probe)
		return 0;
	return access(probe, R_OK) == 0;
}

/* Tries exe_dir/rel; copies it into found when it holds the data. */
static int try_beside_exe(const char *exe_dir, const char *rel)
{
	char dir[PATH_MAX];
	if ((size_t)snprintf(dir, sizeof dir, "%s/%s", exe_dir, rel) >= sizeof dir)
		return 0;
	if (!holds_data(dir))
		return 0;
	char *real = realpath(dir, NULL);
	pl_strlcpy(found, real ? real : dir, sizeof found);
	free(real);
	return 1;
}

static void resolve(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			if (try_beside_exe(exe, "../share/parley") || try_beside_exe(exe, "../data"))
				return;
		}
	}
	pl_strlcpy(found, PARLEY_INSTALL_DATADIR, sizeof found);
}

const char *parley_bundled_dir(void)
{
	const char *p = getenv("PARLEY_DATA");
	if (p && *p)
		return p;
	pthread_once(&once, resolve);
	return found;
}
