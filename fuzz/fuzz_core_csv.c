/* fuzz_core_csv.c - the RFC 4180 reader on arbitrary bytes: it must never read
 * out of bounds, and every field it returns must lie in its backing store. */
#include <stdint.h>
#include <string.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pl_csv c;
	pl_csv_init(&c, (const char *)data, size, size && data[0] == '\t' ? '\t' : ',');
	int r;
	size_t records = 0;
	while ((r = pl_csv_next(&c, NULL)) == 1) {
		for (size_t i = 0; i < c.nfields; i++)
			(void)strlen(c.fields[i]);
		if (++records > size + 1)
			__builtin_trap(); /* each record consumes at least one byte */
	}
	pl_csv_free(&c);
	return 0;
}
