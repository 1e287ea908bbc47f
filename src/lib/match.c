/*
 * match.c - the one rule that says two visit records describe the same
 * visit, shared by `parley compare` (two sources side by side) and
 * `import --match` (linking incoming rows to visits already stored).
 *
 * Two records match, in this order of strength:
 *   1. extid:   they carry the same external id (scheme and value);
 *   2. visitor: same direction, starts within the tolerance, same person;
 *   3. level:   same direction, starts within the tolerance, at least one
 *               visitor unidentified, and levels that can be the same rank.
 * Two identified visitors who differ never match by date: a premier and a
 * foreign minister arriving the same week are two visits.  Matching a list
 * against another is one-to-one: external ids first, then the closest
 * start dates, so a pair of visits days apart is not swapped.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

const char *parley_match_rule_name(parley_match_rule r)
{
	switch (r) {
	case PARLEY_MATCH_EXTID: return "external id";
	case PARLEY_MATCH_VISITOR: return "direction+date+visitor";
	case PARLEY_MATCH_LEVEL: return "direction+date+level";
	default: return "none";
	}
}

/* The ranks a level can stand for: at_least_ministerial is ministerial up
 * to the top, unknown is anything. */
static void rank_range(const char *level, int *lo, int *hi)
{
	int top = parley_level_rank("paramount_leader");
	int r = parley_level_rank(level && *level ? level : "unknown");
	if (r <= 0) {
		*lo = 0;
		*hi = top;
	} else if (level && strcmp(level, "at_least_ministerial") == 0) {
		*lo = parley_level_rank("ministerial");
		*hi = top;
	} else {
		*lo = *hi = r;
	}
}

static bool empty(const char *s)
{
	return !s || !*s;
}

static bool shares_extid(const parley_mvisit *a, const parley_mvisit *b)
{
	for (size_t i = 0; i < a->next; i++)
		for (size_t j = 0; j < b->next; j++)
			if (strcmp(a->ext[i], b->ext[j]) == 0)
				return true;
	return false;
}

static long start_day(const char *s, bool *ok)
{
	parley_date d;
	*ok = s && parley_date_parse(s, strlen(s), &d, NULL) == PARLEY_OK;
	return *ok ? parley_date_first_day(d) : 0;
}

parley_match_rule parley_match_pair(const parley_mvisit *a, const parley_mvisit *b,
                                    int tolerance_days, long *days_apart)
{
	bool oka, okb;
	long da = start_day(a->start, &oka), db = start_day(b->start, &okb);
	long apart = oka && okb ? labs(da - db) : 0;
	if (days_apart)
		*days_apart = apart;
	if (shares_extid(a, b))
		return PARLEY_MATCH_EXTID;
	if (!oka || !okb || apart > tolerance_days || empty(a->from) || empty(b->from) ||
	    strcmp(a->from, b->from) != 0 || empty(a->to) || empty(b->to) ||
	    strcmp(a->to, b->to) != 0)
		return PARLEY_MATCH_NONE;
	if (!empty(a->visitor) && !empty(b->visitor))
		return strcmp(a->visitor, b->visitor) == 0 ? PARLEY_MATCH_VISITOR : PARLEY_MATCH_NONE;
	int alo, ahi, blo, bhi;
	rank_range(a->level, &alo, &ahi);
	rank_range(b->level, &blo, &bhi);
	return alo <= bhi && blo <= ahi ? PARLEY_MATCH_LEVEL : PARLEY_MATCH_NONE;
}

typedef struct cand {
	size_t i, j;
	long apart;
	parley_match_rule rule;
} cand;

static int cand_cmp(const void *x, const void *y)
{
	const cand *a = x, *b = y;
	/* a visitor match beats a level match at the same distance */
	if (a->apart != b->apart)
		return a->apart < b->apart ? -1 : 1;
	if (a->rule != b->rule)
		return a->rule < b->rule ? -1 : 1;
	if (a->i != b->i)
		return a->i < b->i ? -1 : 1;
	return a->j < b->j ? -1 : a->j > b->j;
}

int parley_match_lists(const parley_mvisit *a, size_t na, const parley_mvisit *b, size_t nb,
                       int tolerance_days, long *a_to_b, parley_match_rule *rule,
                       parley_err *err)
{
	if ((na && (!a || !a_to_b || !rule)) || (nb && !b) || tolerance_days < 0)
		return parley_err_set(err, PARLEY_EINVAL, "parley_match_lists: bad argument");
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
		rule[i] = PARLEY_MATCH_NONE;
	}
	/* 1: external ids, whatever the dates say */
	for (size_t i = 0; i < na; i++)
		for (size_t j = 0; j < nb && a_to_b[i] < 0; j++)
			if (!taken[j] && shares_extid(&a[i], &b[j])) {
				a_to_b[i] = (long)j;
				rule[i] = PARLEY_MATCH_EXTID;
				taken[j] = true;
			}
	/* 2 and 3: every candidate pair, closest first */
	for (size_t i = 0; i < na; i++) {
		if (a_to_b[i] >= 0)
			continue;
		for (size_t j = 0; j < nb; j++) {
			long apart;
			if (taken[j])
				continue;
			parley_match_rule r = parley_match_pair(&a[i], &b[j], tolerance_days, &apart);
			if (r == PARLEY_MATCH_NONE || r == PARLEY_MATCH_EXTID)
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
			c[n++] = (cand){i, j, apart, r};
		}
	}
	qsort(c, n, sizeof *c, cand_cmp);
	for (size_t k = 0; k < n; k++) {
		if (a_to_b[c[k].i] >= 0 || taken[c[k].j])
			continue;
		a_to_b[c[k].i] = (long)c[k].j;
		rule[c[k].i] = c[k].rule;
		taken[c[k].j] = true;
	}
	free(taken);
	free(c);
	return PARLEY_OK;
}
