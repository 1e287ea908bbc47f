/* fuzz_core_import.c - the whole import path (format detection, canonical
 * CSV/JSON/NDJSON readers and the real-dataset readers, validation, upsert)
 * on arbitrary file content, into one in-memory store.  An import must
 * either succeed or fail cleanly, leaving the store consistent. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "parley.h"

static parley_db *db;
static char path[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!db) {
		if (parley_open(":memory:", PARLEY_OPEN_CREATE, &db, NULL))
			abort();
		snprintf(path, sizeof path, "/tmp/fuzz-import-%d.dat", (int)getpid());
	}
	FILE *f = fopen(path, "wb");
	if (!f)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	const char *paths[] = {path};
	parley_report *rep = parley_report_new();
	parley_import(db, paths, 1, NULL, rep, NULL, NULL);
	parley_report_free(rep);
	return 0;
}
