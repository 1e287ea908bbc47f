/*
 * an_match.c - matching two lists of visits one-to-one with the one rule
 * (parley_visit_match, src/lib/match.c), for `parley compare`.
 *
 * The rule says whether two records can be the same visit; a list needs
 * more: one record must not be taken twice, and of several candidates
 * within the tolerance the closest must win, so that two trips by one
 * person a few days apart are not swapped.  External ids are matched
 * first, then every other candidate pair closest first.
 */
#include "an.h"

#include <stdlib.h>
#include <string.h>

const char *an_match_by_name(an_match_by by)
{
	switch (by) {
	case AN_BY_EXTID: return "external id";
	case AN_BY_VISITOR: return "direction+date+visitor";
	case AN_BY_NAME: return "direction+date+visitor name";
	case AN_BY_LEVEL: return "direction+date+level";
	default: return "none";
	}
}

static bool known(const char *s)
{
	return s && *s;
}

static bool named(const char *label)
{
	return known(label) && strncmp(label, "unidentified", 12) != 0;
}

/* Which part of the rule two records matched by: the rule itself returns
 * only "external id" or "the rule", and a reader wants to know which. */
static an_match_by by_of(parley_match_how how, const parley_visit_desc *a,
                         const parley_visit_desc *b)
{
	if (how == PARLEY_MATCH_EXTERNAL_ID)
		return AN_BY_EXTID;
	if (how != PARLEY_MATCH_RULE)
		return AN_BY_NONE;
	if (known(a->visitor) && known(b->visitor))
		return AN_BY_VISITOR;
	if (named(a->visitor_label) && named(b->visitor_label))
		return AN_BY_NAME;
	return AN_BY_LEVEL;
}

static long first_day(const char *s)
{
	parley_date d;
	return s && parley_date_parse(s, strlen(s), &d, NULL) == PARLEY_OK ? parley_date_first_day(d)
	                                                                 : 0;
}

typedef struct cand {
	size_t i, j;
	long apart;
	an_match_by by;
} cand;

static int cand_cmp(const void *x, const void *y)
{
	const cand *a = x, *b = y;
	if (a->apart != b->apart)
		return a->apart < b->apart ? -1 : 1;
	if (a->by != b->by) /* at equal distance, a person beats a name beats a level */
		return a->by < b->by ? -1 : 1;
	if (a->i != b->i)
		return a->i < b->i ? -1 : 1;
	return a->j < b->j ? -1 : a->j > b->j;
}

int an_match_lists(const parley_visit_desc *a, size_t na, const parley_visit_desc *b, size_t nb,
                   int tolerance_days, long *a_to_b, an_match_by *by, parley_err *err)
{
	if ((na && (!a || !a_to_b || !by)) || (nb && !b) || tolerance_days < 0)
		return parley_err_set(err, PARLEY_EINVAL, "an_match_lists: bad argument");
	bool *taken = calloc(nb + 1, sizeof *taken);
	size_t cap = 64, n = 0;
	cand *c = malloc(cap * sizeof *c);
	if (!taken || !c) {
		free(taken);
		free(c);
		return parley_err_set(err, PARLEY_ENOMEM, "matching: out of memory");
	}
	for (size_t i = 0; i < na; i++) {
		a_to_b[i] = -1;
		by[i] = AN_BY_NONE;
	}
	for (size_t i = 0; i < na; i++) {
		long da = first_day(a[i].start_date);
		for (size_t j = 0; j < nb; j++) {
			parley_match_how how = parley_visit_match(&a[i], &b[j], tolerance_days);
			if (how == PARLEY_MATCH_NONE)
				continue;
			if (n == cap) {
				cand *nc = realloc(c, cap * 2 * sizeof *c);
				if (!nc) {
					free(taken);
					free(c);
					return parley_err_set(err, PARLEY_ENOMEM, "matching: out of memory");
				}
				c = nc;
				cap *= 2;
			}
			/* external ids go first whatever their dates say */
			c[n++] = (cand){i, j, how == PARLEY_MATCH_EXTERNAL_ID ? -1 : labs(da - first_day(b[j].start_date)),
			                by_of(how, &a[i], &b[j])};
		}
	}
	qsort(c, n, sizeof *c, cand_cmp);
	for (size_t k = 0; k < n; k++) {
		if (a_to_b[c[k].i] >= 0 || taken[c[k].j])
			continue;
		a_to_b[c[k].i] = (long)c[k].j;
		by[c[k].i] = c[k].by;
		taken[c[k].j] = true;
	}
	free(taken);
	free(c);
	return PARLEY_OK;
}
