/*
 * match.c - the one rule that decides whether two datasets' records
 * describe the same visit.  `import --match` links incoming rows with it
 * and `compare` pairs visits with it, so both give the same answer.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

static int known(const char *s)
{
	return s && *s;
}

static int shares_external_id(const parley_visit_desc *a, const parley_visit_desc *b)
{
	if (!a->external_ids || !b->external_ids)
		return 0;
	for (const char *const *x = a->external_ids; *x; x++)
		for (const char *const *y = b->external_ids; *y; y++)
			if (**x && strcmp(*x, *y) == 0)
				return 1;
	return 0;
}

/* Names compare folded ('Kim Jong-un' = 'KIM JONG UN'); when folding runs
 * out of memory the exact text decides, which can only miss a match. */
static int same_name(const char *x, const char *y)
{
	char *fx = parley_fold(x), *fy = parley_fold(y);
	int same = fx && fy ? strcmp(fx, fy) == 0 : strcmp(x, y) == 0;
	free(fx);
	free(fy);
	return same;
}

/* A label names someone unless it is empty or says the visitor is not
 * known ("unidentified", "unidentified (Beyond Parallel entry)"). */
static int named(const char *label)
{
	return known(label) && strncmp(label, "unidentified", 12) != 0;
}

/* Two levels agree when their ranks are equal, or when one is a bound
 * ("at_least_ministerial": the source counted that rank or above) that the
 * other reaches.  "unknown" agrees with nothing: it says nothing. */
static int levels_agree(const char *a, const char *b)
{
	int ra = parley_level_rank(a), rb = parley_level_rank(b);
	if (ra <= 0 || rb <= 0)
		return 0;
	int bound_a = strncmp(a, "at_least_", 9) == 0, bound_b = strncmp(b, "at_least_", 9) == 0;
	if (bound_a && !bound_b)
		return rb >= ra;
	if (bound_b && !bound_a)
		return ra >= rb;
	return ra == rb;
}

static int parse(const char *s, parley_date *d)
{
	return known(s) && parley_date_parse(s, strlen(s), d, NULL) == PARLEY_OK;
}

parley_match_how parley_visit_match(const parley_visit_desc *a, const parley_visit_desc *b,
                                    int tolerance_days)
{
	if (!a || !b)
		return PARLEY_MATCH_NONE;
	if (shares_external_id(a, b))
		return PARLEY_MATCH_EXTERNAL_ID;
	if (!known(a->from_country) || !known(a->to_country) || !known(b->from_country) ||
	    !known(b->to_country) || strcmp(a->from_country, b->from_country) != 0 ||
	    strcmp(a->to_country, b->to_country) != 0)
		return PARLEY_MATCH_NONE;
	parley_date da, db;
	if (!parse(a->start_date, &da) || !parse(b->start_date, &db))
		return PARLEY_MATCH_NONE;
	/* The gap between the intervals the two starts cover; 0 when they overlap. */
	long gap = 0;
	if (parley_date_last_day(da) < parley_date_first_day(db))
		gap = parley_date_first_day(db) - parley_date_last_day(da);
	else if (parley_date_last_day(db) < parley_date_first_day(da))
		gap = parley_date_first_day(da) - parley_date_last_day(db);
	if (gap > (tolerance_days < 0 ? 0 : tolerance_days))
		return PARLEY_MATCH_NONE;
	if (known(a->visitor) && known(b->visitor))
		return strcmp(a->visitor, b->visitor) == 0 ? PARLEY_MATCH_RULE : PARLEY_MATCH_NONE;
	if (named(a->visitor_label) && named(b->visitor_label))
		return same_name(a->visitor_label, b->visitor_label) ? PARLEY_MATCH_RULE
		                                                      : PARLEY_MATCH_NONE;
	return levels_agree(a->level, b->level) ? PARLEY_MATCH_RULE : PARLEY_MATCH_NONE;
}
