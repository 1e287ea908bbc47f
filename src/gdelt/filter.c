/*
 * filter.c - the row tests shared by counting and discovery: event codes
 * and the SQLDATE range.  They run only on rows whose actor countries are
 * already known to be the pair, so clarity matters more than speed here.
 */
#include "gdelt.h"

#include <limits.h>
#include <string.h>

static int date_bound(const char *s, int last, long *day, const char *opt, parley_err *err)
{
	parley_date d;
	parley_err e;
	parley_err_clear(&e);
	if (parley_date_parse(s, strlen(s), &d, &e) != PARLEY_OK)
		return parley_err_set(err, PARLEY_EINVAL, "%s: '%s' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)",
		                      opt, s);
	*day = last ? parley_date_last_day(d) : parley_date_first_day(d);
	return PARLEY_OK;
}

int pl_gdelt_filter_init(pl_gdelt_filter *f, const parley_gdelt_query *q, parley_err *err)
{
	memset(f, 0, sizeof *f);
	f->since_day = LONG_MIN;
	f->until_day = LONG_MAX;
	int rc = pl_gdelt_codes_parse(q->codes, &f->codes, err);
	if (rc)
		return rc;
	if (q->since && *q->since && (rc = date_bound(q->since, 0, &f->since_day, "--since", err)))
		return rc;
	if (q->until && *q->until && (rc = date_bound(q->until, 1, &f->until_day, "--until", err)))
		return rc;
	return PARLEY_OK;
}

int pl_gdelt_filter_row(const pl_gdelt_filter *f, const pl_gdelt_row *r, long *day,
                        const char **why)
{
	if (!pl_gdelt_codes_has(&f->codes, r->f[PL_GD_EVENTCODE], r->n[PL_GD_EVENTCODE])) {
		if (r->n[PL_GD_EVENTCODE] == 0) {
			*why = "empty EventCode";
			return -1;
		}
		return 0;
	}
	if (!pl_gdelt_day(r->f[PL_GD_SQLDATE], r->n[PL_GD_SQLDATE], day)) {
		*why = "SQLDATE is not a YYYYMMDD date";
		return -1;
	}
	return *day >= f->since_day && *day <= f->until_day;
}
