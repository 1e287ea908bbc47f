/*
 * date.c - dates known to the day, the month or the year.
 *
 * A partial date stands for the interval of days it could be; the ordering
 * and overlap rules in parley.h follow from that.  Day numbers use the
 * proleptic Gregorian calendar (days_from_civil, after Howard Hinnant).
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

static long days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

parley_date parley_date_from_day(long z)
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long y = yoe + era * 400;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	long d = doy - (153 * mp + 2) / 5 + 1;
	long m = mp + (mp < 10 ? 3 : -9);
	parley_date r = {(int)(y + (m <= 2)), (int)m, (int)d, PARLEY_DAY};
	return r;
}

static int digits(const char *s, size_t n, int *out)
{
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 1;
}

int parley_date_parse(const char *s, size_t n, parley_date *out, parley_err *err)
{
	parley_date d = {0, 0, 0, PARLEY_YEAR};
	if (!s || (n != 4 && n != 7 && n != 10))
		goto bad;
	if (!digits(s, 4, &d.year) || d.year < 1)
		goto bad;
	if (n >= 7) {
		if (s[4] != '-' || !digits(s + 5, 2, &d.month))
			goto bad;
		if (d.month < 1 || d.month > 12)
			return parley_err_set(err, PARLEY_EDATA, "impossible date '%.*s': month %d",
			                      (int)n, s, d.month);
		d.precision = PARLEY_MONTH;
	}
	if (n == 10) {
		if (s[7] != '-' || !digits(s + 8, 2, &d.day))
			goto bad;
		if (d.day < 1 || d.day > days_in_month(d.year, d.month))
			return parley_err_set(err, PARLEY_EDATA,
			                      "impossible date '%.*s': %04d-%02d has %d days",
			                      (int)n, s, d.year, d.month, days_in_month(d.year, d.month));
		d.precision = PARLEY_DAY;
	}
	*out = d;
	return PARLEY_OK;
bad:
	return parley_err_set(err, PARLEY_EDATA,
	                      "bad date '%.*s': expected YYYY, YYYY-MM or YYYY-MM-DD",
	                      (int)(n > 40 ? 40 : n), s ? s : "");
}

char *parley_date_format(parley_date d, char *buf, size_t cap)
{
	switch (d.precision) {
	case PARLEY_YEAR: snprintf(buf, cap, "%04d", d.year); break;
	case PARLEY_MONTH: snprintf(buf, cap, "%04d-%02d", d.year, d.month); break;
	default: snprintf(buf, cap, "%04d-%02d-%02d", d.year, d.month, d.day); break;
	}
	return buf;
}

long parley_date_first_day(parley_date d)
{
	return days_from_civil(d.year, d.month ? d.month : 1, d.day ? d.day : 1);
}

long parley_date_last_day(parley_date d)
{
	if (d.precision == PARLEY_YEAR)
		return days_from_civil(d.year, 12, 31);
	if (d.precision == PARLEY_MONTH)
		return days_from_civil(d.year, d.month, days_in_month(d.year, d.month));
	return days_from_civil(d.year, d.month, d.day);
}

int parley_date_cmp(parley_date a, parley_date b)
{
	long fa = parley_date_first_day(a), fb = parley_date_first_day(b);
	if (fa != fb)
		return fa < fb ? -1 : 1;
	/* same first day: the finer date first */
	if (a.precision != b.precision)
		return a.precision > b.precision ? -1 : 1;
	return 0;
}

parley_date parley_date_today(void)
{
	time_t t = time(NULL);
	return parley_date_from_day((long)(t / 86400));
}
