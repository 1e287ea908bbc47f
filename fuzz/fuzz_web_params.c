/* fuzz_web_params.c - query-string decoding and filter validation.
 *
 * The input is a raw query string: it is split on '&' and '=' and each part
 * URL-decoded as the server does, then validated by pl_wq_parse against the
 * visit list's parameters, and the escapers are run over every value.  A
 * bad value must give PARLEY_EDATA naming a parameter, never a crash. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../src/web/webq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 8192)
		return 0;
	char *q = malloc(size + 1);
	if (!q)
		return 0;
	memcpy(q, data, size);
	q[size] = '\0';
	pl_param ps[PL_MAX_PARAMS];
	size_t n = 0;
	char *save = NULL;
	for (char *part = strtok_r(q, "&", &save); part && n < PL_MAX_PARAMS; part = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(part, '=');
		char *v = eq ? eq + 1 : part + strlen(part);
		if (eq)
			*eq = '\0';
		if (pl_url_decode(part) != PARLEY_OK || pl_url_decode(v) != PARLEY_OK)
			continue;
		ps[n].key = part;
		ps[n].value = v;
		n++;
	}
	pl_wq w;
	parley_err err = {0};
	int rc = pl_wq_parse(&w, ps, n, pl_wq_list_params, &err);
	if (rc != PARLEY_OK && !w.bad_param)
		abort(); /* every rejection must name its parameter */
	pl_buf b;
	pl_buf_init(&b, 0);
	for (size_t i = 0; i < n; i++) {
		pl_esc_html(&b, ps[i].value);
		pl_esc_url(&b, ps[i].value);
		pl_esc_json(&b, ps[i].value);
		pl_esc_csv(&b, ps[i].value);
		(void)pl_href_ok(ps[i].value);
		pl_buf_reset(&b);
	}
	pl_buf_free(&b);
	free(q);
	return 0;
}
