/*
 * an_pair.c - a pair's eras and gaps from one read of its visits.
 *
 * The dashboard states both; each compute function reads the pair on its
 * own, which for the largest pair of a big store is most of the page's
 * cost (issue 13).  Here both results share one dataset (an_data.refs).
 */
#include "an.h"

int parley_pair_compute(parley_db *db, const parley_analysis_opts *o, size_t top,
                        parley_eras **eras, parley_gaps **gaps, parley_err *err)
{
	if (!db || !eras || !gaps)
		return parley_err_set(err, PARLEY_EINVAL, "parley_pair_compute: NULL argument");
	*eras = NULL;
	*gaps = NULL;
	an_opts ao;
	an_data *d = NULL;
	int rc = an_opts_parse(o, true, &ao, err);
	if (!rc)
		rc = an_load_pair(db, &ao, &d, err);
	if (rc)
		return rc;
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
	}
	return rc;
}
