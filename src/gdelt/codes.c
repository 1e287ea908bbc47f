/*
 * codes.c - sets of CAMEO event codes such as "036,040-046".
 *
 * Event codes are strings with leading zeros ("036") of 3 or 4 digits
 * ("0831"), so they are kept and compared as written, never as integers.
 * A range "040-046" expands to every code of the same width between its ends.
 */
#include "gdelt.h"

#include <string.h>

static int add_code(pl_gdelt_codes *c, const char *s, size_t n, parley_err *err)
{
	if (c->n >= (int)PL_ARRAY_LEN(c->code))
		return parley_err_set(err, PARLEY_ELIMIT, "--codes: more than %zu event codes",
		                      PL_ARRAY_LEN(c->code));
	for (int i = 0; i < c->n; i++)
		if (strlen(c->code[i]) == n && memcmp(c->code[i], s, n) == 0)
			return PARLEY_OK;
	memcpy(c->code[c->n], s, n);
	c->code[c->n][n] = '\0';
	c->n++;
	return PARLEY_OK;
}

static int all_digits(const char *s, size_t n)
{
	if (n < 2 || n > 4)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

int pl_gdelt_codes_parse(const char *spec, pl_gdelt_codes *c, parley_err *err)
{
	c->n = 0;
	if (!spec)
		spec = "036,040-046";
	const char *p = spec;
	while (*p) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		const char *dash = memchr(p, '-', n);
		if (dash) {
			size_t n1 = (size_t)(dash - p), n2 = n - n1 - 1;
			if (!all_digits(p, n1) || n1 != n2 || !all_digits(dash + 1, n2))
				return parley_err_set(err, PARLEY_EINVAL,
				                      "--codes: bad range '%.*s' (want e.g. 040-046)",
				                      (int)n, p);
			long lo = 0, hi = 0;
			for (size_t i = 0; i < n1; i++) {
				lo = lo * 10 + (p[i] - '0');
				hi = hi * 10 + (dash[1 + i] - '0');
			}
			if (lo > hi)
				return parley_err_set(err, PARLEY_EINVAL, "--codes: empty range '%.*s'",
				                      (int)n, p);
			for (long v = lo; v <= hi; v++) {
				char buf[8];
				snprintf(buf, sizeof buf, "%0*ld", (int)n1, v);
				int rc = add_code(c, buf, n1, err);
				if (rc)
					return rc;
			}
		} else {
			if (!all_digits(p, n))
				return parley_err_set(err, PARLEY_EINVAL,
				                      "--codes: bad event code '%.*s' (want 2-4 digits)",
				                      (int)n, p);
			int rc = add_code(c, p, n, err);
			if (rc)
				return rc;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	if (c->n == 0)
		return parley_err_set(err, PARLEY_EINVAL, "--codes: no event codes given");
	return PARLEY_OK;
}

int pl_gdelt_codes_has(const pl_gdelt_codes *c, const char *s, size_t n)
{
	if (n < 2 || n > 4)
		return 0;
	for (int i = 0; i < c->n; i++)
		if (strlen(c->code[i]) == n && memcmp(c->code[i], s, n) == 0)
			return 1;
	return 0;
}
