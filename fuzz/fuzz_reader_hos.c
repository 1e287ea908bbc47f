/*
 * fuzz_reader_hos.c - libFuzzer target for the Office of the Historian XML
 * readers (trips, visits, presidents).  The first byte picks the format;
 * the rest is the file.  Each input is imported into one in-memory store;
 * any outcome but a crash or a sanitizer report is fine.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "parley.h"

static const char *const formats[] = {"historyatstate-trips", "historyatstate-visits",
                                      "historyatstate-presidents"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static parley_db *db;
	static char path[64];
	if (size < 1)
		return 0;
	if (!db) {
		if (parley_open(":memory:", PARLEY_OPEN_CREATE, &db, NULL) != PARLEY_OK)
			abort();
		snprintf(path, sizeof path, "/tmp/fuzz_reader_hos_%ld.xml", (long)getpid());
	}
	FILE *f = fopen(path, "wb");
	if (!f)
		return 0;
	fwrite(data + 1, 1, size - 1, f);
	fclose(f);
	const char *p = path;
	parley_report *rep = parley_report_new();
	parley_import(db, &p, 1, formats[data[0] % 3], rep, NULL, NULL);
	parley_report_free(rep);
	return 0;
}
