/*
 * fuzz_import_file.h - what the import fuzz targets share: write the input
 * to a file and import it, in the given format or (NULL) the detected one,
 * into one in-memory store kept for the whole run.  An import must succeed
 * or fail cleanly; the sanitizers catch everything else.
 */
#ifndef PARLEY_FUZZ_IMPORT_FILE_H
#define PARLEY_FUZZ_IMPORT_FILE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "parley.h"

/* the input's file, one per process, removed when the run ends (libFuzzer
 * exits through exit(): its time limit, a crash report) */
static char fuzz_import_path[512];

static void fuzz_import_remove(void)
{
	unlink(fuzz_import_path);
}

static void fuzz_import_file(const uint8_t *data, size_t size, const char *format,
                             const char *tag)
{
	static parley_db *db;
	char *path = fuzz_import_path;
	if (!db) {
		if (parley_open(":memory:", PARLEY_OPEN_CREATE, &db, NULL) != PARLEY_OK)
			abort();
		const char *tmp = getenv("TMPDIR");
		snprintf(path, sizeof fuzz_import_path, "%s/fuzz-%s-%ld.dat", tmp && *tmp ? tmp : "/tmp",
		         tag, (long)getpid());
		atexit(fuzz_import_remove);
	}
	FILE *f = fopen(path, "wb");
	if (!f)
		return;
	fwrite(data, 1, size, f);
	fclose(f);
	const char *p = path;
	parley_report *rep = parley_report_new();
	parley_import(db, &p, 1, format, rep, NULL, NULL);
	parley_report_free(rep);
}

#endif
