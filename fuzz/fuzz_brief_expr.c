/* fuzz_brief_expr.c - the brief expression tokenizer and scanner, and the
 * front matter parser: any input either parses, with every value valid
 * UTF-8 and within the limits, or fails with a column inside the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../src/brief/brief.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	pl_expr e;
	size_t col = 0;
	if (pl_expr_parse(s, size, &e, &col, NULL) == PARLEY_OK) {
		if (!e.fn || e.nargs > PL_EXPR_MAX_ARGS)
			__builtin_trap();
		for (size_t i = 0; i < e.nargs; i++)
			if (strlen(e.values[i]) > PL_EXPR_VALUE_MAX ||
			    pl_utf8_invalid_at(e.values[i], strlen(e.values[i])) >= 0)
				__builtin_trap();
		pl_expr_free(&e);
	} else if (col > size || e.fn) {
		__builtin_trap();
	}
	size_t pos = 0, a, b;
	int k;
	while ((k = pl_expr_next(s, size, &pos, &a, &b)) == 1)
		if (a >= b || b > size || memcmp(s + a, "{{", 2) || memcmp(s + b - 2, "}}", 2))
			__builtin_trap();
	char *t = malloc(size + 1);
	if (!t)
		return 0;
	memcpy(t, data, size);
	t[size] = '\0';
	pl_brief_meta m;
	if (pl_brief_meta_parse("f.md", t, size, &m, NULL) == PARLEY_OK) {
		if (m.body_off > size || !m.id || !m.as_of)
			__builtin_trap();
		pl_brief_meta_free(&m);
	}
	free(t);
	return 0;
}
