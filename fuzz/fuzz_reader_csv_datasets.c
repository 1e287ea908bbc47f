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

#include "fuzz_import_file.h"

static const char *const formats[] = {
    "cow-codes", "cow-states", "archigos-spells", "archigos-annual",
    "beyond-parallel-2016", "reference-visits", "reference-officeholders"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the first byte picks the format */
	if (size < 1)
		return 0;
	size_t n = sizeof formats / sizeof formats[0];
	fuzz_import_file(data + 1, size - 1, formats[data[0] % n], "reader-csv");
	return 0;
}
