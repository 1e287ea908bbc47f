/*
 * an_pair.c - a pair's eras and gaps from one read of its visits.
 *
 * The dashboard states both; each compute function reads the pair on its
 * own, which for the largest pair of a big store is most of the page's
 * cost (issue 13).  Here both results share one dataset (an_data.refs).
 */
#include "an.h"

#include <stdlib.h>
#include <string.h>

/* Visits of d per year and direction (from o->a or not), oldest first:
 * d holds them in date order, so each year is one run. */
static int count_years(const an_data *d, const an_opts *o, parley_pair_year **out, size_t *n,
                       parley_err *err)
{
	size_t cap = 0;
	for (size_t i = 0; i < d->nv; i++)
		if (i == 0 || d->v[i].start.year != d->v[i - 1].start.year)
			cap++;
	parley_pair_year *y = calloc(cap ? cap : 1, sizeof *y);
	if (!y)
		return parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory");
	size_t k = 0;
	for (size_t i = 0; i < d->nv; i++) {
		const an_visit *v = &d->v[i];
		if (i == 0 || v->start.year != d->v[i - 1].start.year)
			y[k++].year = v->start.year;
		if (strcmp(v->from, o->a) == 0)
			y[k - 1].a_to_b++;
		else
			y[k - 1].b_to_a++;
	}
	*out = y;
	*n = k;
	return PARLEY_OK;
}

int parley_pair_compute(parley_db *db, const parley_analysis_opts *o, size_t top,
                        parley_eras **eras, parley_gaps **gaps, parley_pair_year **years,
                        size_t *nyears, parley_err *err)
{
	if (!db || !eras || !gaps || (years && !nyears))
		return parley_err_set(err, PARLEY_EINVAL, "parley_pair_compute: NULL argument");
	*eras = NULL;
	*gaps = NULL;
	if (years) {
		*years = NULL;
		*nyears = 0;
	}
	an_opts ao;
	an_data *d = NULL;
	int rc = an_opts_parse(o, true, &ao, err);
	if (!rc)
		rc = an_load_pair(db, &ao, false, &d, err);
	if (rc)
		return rc;
	/* the visits read are the list's (an_load_pair): counted before the
	 * analyses below cut anything */
	if (years && (rc = count_years(d, &ao, years, nyears, err))) {
		an_data_free(d);
		return rc;
	}
	d->refs++; /* the eras hold one reference, the gaps the other */
	parley_err ee = {0, ""};
	/* on failure an_eras drops its reference, leaving d to the gaps: a pair
	 * without eras (no leaders' tenures) still has its gaps */
	if (an_eras(d, &ao, PARLEY_ERAS_PAIR, eras, &ee) != PARLEY_OK)
		*eras = NULL;
	rc = an_gaps(d, &ao, top, 0, 0, gaps, err);
	if (rc) {
		parley_eras_free(*eras);
		*eras = NULL;
		*gaps = NULL;
		if (years) {
			free(*years);
			*years = NULL;
			*nyears = 0;
		}
	}
	return rc;
}
