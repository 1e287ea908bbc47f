/*
 * split.c - the full GDELT line splitter and the per-layout field positions.
 *
 * Used on the few rows that pass the actor-country filter (scan.c), and by
 * discovery.  Every tab is a separator: runs of tabs are empty fields, never
 * merged (strtok would shift the columns).  There is no quoting.  The field
 * count decides the layout: 57 (1.0 backfile), 58 (1.0 daily), 61 (2.0).
 */
#include "gdelt.h"

#include <string.h>

int pl_gdelt_action_country_field(int nfields)
{
	if (nfields == 57 || nfields == 58)
		return 51; /* 1.0: three geo blocks of 7 fields from 35 */
	if (nfields == 61)
		return 53; /* 2.0: three geo blocks of 8 fields from 35 */
	return -1;
}

int pl_gdelt_url_field(int nfields)
{
	if (nfields == 58)
		return 57;
	if (nfields == 61)
		return 60;
	return -1; /* the 1.0 backfile has no SOURCEURL */
}

int pl_gdelt_split(const char *line, size_t len, pl_gdelt_row *r, const char **why)
{
	if (len > 0 && line[len - 1] == '\r')
		len--;
	r->line = line;
	r->len = len;
	r->nfields = 0;
	if (len == 0) {
		*why = "empty line";
		return 0;
	}
	const char *p = line, *end = line + len;
	int i = 0;
	for (;;) {
		const char *t = memchr(p, '\t', (size_t)(end - p));
		const char *fe = t ? t : end;
		if (i < PL_GDELT_MAX_FIELDS) {
			r->f[i] = p;
			r->n[i] = (uint32_t)(fe - p);
		}
		i++;
		if (!t)
			break;
		p = t + 1;
	}
	r->nfields = i;
	if (!pl_gdelt_layout_ok(i)) {
		*why = i > PL_GDELT_MAX_FIELDS ? "too many fields (expected 57, 58 or 61)"
		                               : "wrong number of fields (expected 57, 58 or 61)";
		return 0;
	}
	return 1;
}

const char *pl_gdelt_field(const pl_gdelt_row *r, int i, char *buf, size_t cap)
{
	if (cap == 0)
		return buf;
	size_t n = 0;
	if (i >= 0 && i < r->nfields && i < PL_GDELT_MAX_FIELDS) {
		n = r->n[i] < cap - 1 ? r->n[i] : cap - 1;
		memcpy(buf, r->f[i], n);
	}
	buf[n] = '\0';
	return buf;
}

long pl_gdelt_field_long(const pl_gdelt_row *r, int i)
{
	if (i < 0 || i >= r->nfields || i >= PL_GDELT_MAX_FIELDS || r->n[i] == 0 || r->n[i] > 15)
		return -1;
	long v = 0;
	for (uint32_t k = 0; k < r->n[i]; k++) {
		char c = r->f[i][k];
		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	return v;
}

/* Days from civil date (Howard Hinnant's algorithm), 1970-01-01 = 0. */
static long days_from_civil(long y, unsigned m, unsigned d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long)doe - 719468;
}

int pl_gdelt_day(const char *s, size_t n, long *day)
{
	if (n != 8)
		return 0;
	long v[8];
	for (int i = 0; i < 8; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v[i] = s[i] - '0';
	}
	long y = v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3];
	unsigned m = (unsigned)(v[4] * 10 + v[5]), d = (unsigned)(v[6] * 10 + v[7]);
	static const unsigned mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return 0;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (m == 2 && d == 29 && !leap)
		return 0;
	*day = days_from_civil(y, m, d);
	return 1;
}
