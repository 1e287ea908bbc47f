/* fuzz_core_import.c - the whole import path (format detection, canonical
 * CSV/JSON/NDJSON readers and the real-dataset readers, validation, upsert)
 * on arbitrary file content, into one in-memory store.  An import must
 * either succeed or fail cleanly, leaving the store consistent. */
#include "fuzz_import_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_import_file(data, size, NULL, "core-import");
	return 0;
}
