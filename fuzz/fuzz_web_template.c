/* fuzz_web_template.c - the template renderer on arbitrary templates.
 *
 * The input is the template; the context is fixed but exercises every value
 * kind (nested objects, arrays, strings with markup, numbers, booleans, null)
 * and partials include a self-recursive one, so unclosed and mismatched
 * sections, deep nesting and partial loops are all reachable.  The renderer
 * must return a status, never crash, overflow or leak; with HTML escaping
 * the output must never contain a '<' taken from the context's strings. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../src/web/web.h"

static const char *partial(const char *name, void *ud)
{
	(void)ud;
	if (strcmp(name, "a") == 0)
		return "[{{x}}{{#l}}{{.}}{{/l}}]";
	if (strcmp(name, "self") == 0)
		return "{{>self}}";
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static json_t *ctx;
	if (!ctx)
		ctx = json_loads("{\"x\":\"<b>&\\\"'\",\"n\":42,\"r\":1.5,\"t\":true,\"f\":false,\"z\":null,"
		                 "\"l\":[\"<i>\",1,{\"x\":\"in\"},[]],\"o\":{\"p\":{\"q\":\"deep\"}},\"e\":[]}",
		                 0, NULL);
	char *tpl = malloc(size + 1);
	if (!tpl)
		return 0;
	memcpy(tpl, data, size);
	tpl[size] = '\0';
	pl_buf out;
	pl_buf_init(&out, 1 << 20);
	parley_err err = {0};
	(void)pl_tpl_render(&out, tpl, ctx, partial, NULL, &err);
	pl_buf_free(&out);
	free(tpl);
	return 0;
}
