/* fuzz_core_date.c - date parsing: whatever parses must format back to the
 * same text and keep first_day <= last_day. */
#include <stdint.h>
#include <string.h>

#include "parley.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	parley_date d;
	if (parley_date_parse((const char *)data, size, &d, NULL) != PARLEY_OK)
		return 0;
	char buf[16];
	parley_date_format(d, buf, sizeof buf);
	if (strlen(buf) != size || memcmp(buf, data, size) != 0)
		__builtin_trap();
	if (parley_date_first_day(d) > parley_date_last_day(d))
		__builtin_trap();
	return 0;
}
