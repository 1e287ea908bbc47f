/*
 * fuzz_reader_csv_datasets.c - libFuzzer target for the text dataset
 * readers: COW codes and states, Archigos spells and annual (Latin-1, tab
 * separated), Beyond Parallel 2016 and the two reference spreadsheets.  The
 * first byte picks the reader; the rest is the file.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "parley.h"

static const char *const formats[] = {
    "cow-codes", "cow-states", "archigos-spells", "archigos-annual",
    "beyond-parallel-2016", "reference-visits", "reference-officeholders"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static parley_db *db;
	static char path[64];
	if (size < 1)
		return 0;
	if (!db) {
		if (parley_open(":memory:", PARLEY_OPEN_CREATE, &db, NULL) != PARLEY_OK)
			abort();
		snprintf(path, sizeof path, "/tmp/fuzz_reader_csv_%ld.txt", (long)getpid());
	}
	FILE *f = fopen(path, "wb");
	if (!f)
		return 0;
	fwrite(data + 1, 1, size - 1, f);
	fclose(f);
	const char *p = path;
	parley_report *rep = parley_report_new();
	parley_import(db, &p, 1, formats[data[0] % 7], rep, NULL, NULL);
	parley_report_free(rep);
	return 0;
}
