/*
 * module.c - finds, loads and checks parley's modules (module.h).
 */
#include "module.h"

#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef PARLEY_INSTALL_MODULEDIR
#define PARLEY_INSTALL_MODULEDIR "/usr/local/lib/parley"
#endif
#ifndef PARLEY_BIN_TO_MODULEDIR
#define PARLEY_BIN_TO_MODULEDIR "../lib/parley"
#endif

#define MAX_MODULES 4

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
	char file[64];
	const void *table;
} loaded[MAX_MODULES];

/* The folder of path (a file), made absolute and free of links, in dir;
 * 0 when it cannot be resolved. */
static int folder_of(const char *path, char *dir, size_t cap)
{
	char *real = realpath(path, NULL);
	if (!real)
		return 0;
	char *slash = strrchr(real, '/');
	int ok = slash && (size_t)(slash - real) < cap;
	if (ok) {
		*slash = '\0';
		pl_strlcpy(dir, real[0] ? real : "/", cap);
	}
	free(real);
	return ok;
}

/* Appends to dirs (n of them so far, at most cap) the folders a module is
 * looked for in, in order (module.h); returns the new count. */
static int search_dirs(char dirs[][PATH_MAX], int cap)
{
	char self[2][PATH_MAX];
	int nself = 0;
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		nself += folder_of(exe, self[nself], sizeof self[0]);
	}
	Dl_info info; /* libparley.so in a program of its own */
	if (dladdr((void *)search_dirs, &info) && info.dli_fname && info.dli_fname[0] == '/' &&
	    folder_of(info.dli_fname, self[nself], sizeof self[0]) &&
	    (nself == 0 || strcmp(self[0], self[nself]) != 0))
		nself++;
	static const char *const rel[] = {"", "/..", "/parley", ("/" PARLEY_BIN_TO_MODULEDIR)};
	int k = 0;
	for (int s = 0; s < nself; s++)
		for (size_t r = 0; r < sizeof rel / sizeof rel[0] && k < cap; r++)
			if ((size_t)snprintf(dirs[k], PATH_MAX, "%s%s", self[s], rel[r]) < PATH_MAX)
				k++;
	if (k < cap)
		pl_strlcpy(dirs[k++], PARLEY_INSTALL_MODULEDIR, PATH_MAX);
	return k;
}

/* Opens file from the first folder that holds it.  Returns PARLEY_OK with
 * *handle set, or a failure with err naming the file and where it looked. */
static int open_module(const char *file, const char *feature, void **handle, parley_err *err)
{
	char dirs[9][PATH_MAX];
	int nd = search_dirs(dirs, 9);
	pl_buf looked;
	pl_buf_init(&looked, 0);
	int rc = PARLEY_EIO;
	for (int i = 0; i < nd; i++) {
		char path[PATH_MAX];
		if ((size_t)snprintf(path, sizeof path, "%s/%s", dirs[i], file) >= sizeof path)
			continue;
		if (access(path, F_OK) != 0) {
			/* only for the message: out of memory leaves it shorter */
			if (pl_buf_printf(&looked, "%s%s", looked.len ? ", " : "", dirs[i]) != PARLEY_OK)
				continue;
			continue;
		}
		*handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
		if (*handle) {
			rc = PARLEY_OK;
		} else {
			const char *why = dlerror();
			rc = parley_err_set(err, PARLEY_EIO, "%s: the module %s cannot be loaded: %s", feature,
			                    path, why ? why : "unknown error");
		}
		pl_buf_free(&looked);
		return rc;
	}
	rc = parley_err_set(err, PARLEY_EIO,
	                    "%s: the module %s is missing (looked in %s); install parley in full"
	                    " (meson install) or rebuild it",
	                    feature, file, looked.data ? looked.data : "no folder");
	pl_buf_free(&looked);
	return rc;
}

int pl_module_table(const char *file, const char *symbol, unsigned abi, const char *feature,
                    const void **table, parley_err *err)
{
	*table = NULL;
	pthread_mutex_lock(&mu);
	int rc = PARLEY_OK, slot = -1;
	for (int i = 0; i < MAX_MODULES && slot < 0; i++)
		if (loaded[i].table && strcmp(loaded[i].file, file) == 0)
			*table = loaded[i].table;
		else if (!loaded[i].table)
			slot = i;
	if (!*table) {
		void *h = NULL;
		rc = slot < 0 ? parley_err_set(err, PARLEY_ELIMIT, "%s: too many modules", feature)
		              : open_module(file, feature, &h, err);
		const unsigned *t = rc == PARLEY_OK ? dlsym(h, symbol) : NULL;
		if (rc == PARLEY_OK && (!t || *t != abi))
			rc = parley_err_set(err, PARLEY_EIO,
			                    "%s: the module %s is %s (ABI %u expected); rebuild or reinstall"
			                    " parley",
			                    feature, file, t ? "of another version" : "not parley's", abi);
		if (rc == PARLEY_OK) {
			pl_strlcpy(loaded[slot].file, file, sizeof loaded[slot].file);
			loaded[slot].table = t;
			*table = t;
		} else if (h) {
			dlclose(h);
		}
	}
	pthread_mutex_unlock(&mu);
	return rc;
}
