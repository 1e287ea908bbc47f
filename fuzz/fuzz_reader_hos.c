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

#include "fuzz_import_file.h"

static const char *const formats[] = {"historyatstate-trips", "historyatstate-visits",
                                      "historyatstate-presidents"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the first byte picks the format */
	if (size < 1)
		return 0;
	size_t n = sizeof formats / sizeof formats[0];
	fuzz_import_file(data + 1, size - 1, formats[data[0] % n], "reader-hos");
	return 0;
}
