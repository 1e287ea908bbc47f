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
#include "internal.h" /* pl_map */

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

/* One of B's visits in its direction's block, by the first day its start
 * covers, with its visitor's hash (0: no visitor id): the candidates of a
 * visit of A with a visitor id are those of the same or no visitor, since
 * the rule never matches two different visitor ids, and at a million
 * visits a direction's visits within the tolerance of a date are a dozen
 * people's (issue 13: each candidate cost the rule two dates parsed). */
typedef struct bref {
	size_t block;
	size_t j;
	int32_t first; /* a day number: 32 bits hold year 9999 (an.h, an_visit) */
	uint32_t who;
} bref;

static int bref_cmp(const void *x, const void *y)
{
	const bref *a = x, *b = y;
	if (a->block != b->block)
		return a->block < b->block ? -1 : 1;
	if (a->first != b->first)
		return a->first < b->first ? -1 : 1;
	return a->j < b->j ? -1 : a->j > b->j;
}

/* The hash bref.who keeps of a visitor id, never 0; 0 for none. */
static uint32_t who_of(const char *visitor)
{
	return known(visitor) ? (uint32_t)pl_hash(visitor, strlen(visitor)) | 1u : 0;
}

static int size_cmp(const void *x, const void *y)
{
	size_t a = *(const size_t *)x, b = *(const size_t *)y;
	return a < b ? -1 : a > b;
}

static bool day_range(const char *s, long *first, long *last)
{
	parley_date d;
	if (!s || parley_date_parse(s, strlen(s), &d, NULL) != PARLEY_OK)
		return false;
	*first = parley_date_first_day(d);
	*last = parley_date_last_day(d);
	return true;
}

/* B indexed so that each visit of A meets only the visits of B the rule
 * could match (issue 13: compare grew with |A| x |B|): those sharing one of
 * its external ids (a map from each id to its visits), and those of its
 * direction whose start lies within the tolerance (each direction's visits
 * sorted by date, a range found by binary search).  parley_visit_match
 * still decides every pair, so the result is the pairwise one. */
typedef struct bindex {
	pl_map dirs;   /* "FROM\x1fTO" -> block number + 1 (slot n) */
	pl_map exts;   /* "scheme:value" -> head of its list in ext[] + 1 (slot n) */
	bref *refs;    /* every dated, directed visit of B, by block then date */
	size_t nrefs, nblocks;
	/* refs of direction k: its visits dated to the day in sub-block 2k,
	 * those with a wider start (a month, a year) in 2k + 1, each
	 * [bstart[b], bstart[b + 1]): a visit of A then reads the day-dated
	 * ones of its own dates (plus the tolerance), not a year's worth of
	 * them, which grew with the store (issue 13) */
	size_t *bstart;
	struct { size_t j; long next; } *ext;
	size_t next;
	long maxspan;  /* the widest start of B (a year: 365 days): sub-blocks 2k + 1 */
} bindex;

static void bindex_free(bindex *x)
{
	pl_map_free(&x->dirs);
	pl_map_free(&x->exts);
	free(x->refs);
	free(x->bstart);
	free(x->ext);
}

static int dir_key(const parley_visit_desc *v, char *buf, size_t cap)
{
	if (!known(v->from_country) || !known(v->to_country))
		return -1;
	int n = snprintf(buf, cap, "%s\x1f%s", v->from_country, v->to_country);
	return n > 0 && (size_t)n < cap ? n : -1;
}

static int bindex_build(bindex *x, const parley_visit_desc *b, size_t nb)
{
	memset(x, 0, sizeof *x);
	size_t next = 0;
	for (size_t j = 0; j < nb; j++)
		for (const char *const *e = b[j].external_ids; e && *e; e++)
			next++;
	x->refs = malloc((nb + 1) * sizeof *x->refs);
	x->ext = malloc((next + 1) * sizeof *x->ext);
	if (!x->refs || !x->ext)
		return PARLEY_ENOMEM;
	char key[128];
	for (size_t j = 0; j < nb; j++) {
		long first, last;
		int kn = dir_key(&b[j], key, sizeof key);
		if (kn >= 0 && day_range(b[j].start_date, &first, &last)) {
			int added;
			pl_map_slot *sl = pl_map_put(&x->dirs, key, (size_t)kn, &added);
			if (!sl)
				return PARLEY_ENOMEM;
			if (added)
				sl->n = (long)++x->nblocks;
			x->refs[x->nrefs++] = (bref){2 * ((size_t)sl->n - 1) + (last > first), j,
			                             (int32_t)first, who_of(b[j].visitor)};
			if (last - first > x->maxspan)
				x->maxspan = last - first;
		}
		for (const char *const *e = b[j].external_ids; e && *e; e++) {
			int added;
			pl_map_slot *sl = pl_map_put(&x->exts, *e, strlen(*e), &added);
			if (!sl)
				return PARLEY_ENOMEM;
			x->ext[x->next].j = j;
			x->ext[x->next].next = sl->n - 1; /* -1 ends the list */
			sl->n = (long)++x->next;
		}
	}
	qsort(x->refs, x->nrefs, sizeof *x->refs, bref_cmp);
	x->bstart = calloc(2 * x->nblocks + 1, sizeof *x->bstart);
	if (!x->bstart)
		return PARLEY_ENOMEM;
	for (size_t k = 0, r = 0; k <= 2 * x->nblocks; k++) {
		while (r < x->nrefs && x->refs[r].block < k)
			r++;
		x->bstart[k] = r;
	}
	return PARLEY_OK;
}

/* Appends J to *out (grown as needed); ENOMEM when it cannot grow. */
static int push_j(size_t **out, size_t *n, size_t *cap, size_t j)
{
	if (*n == *cap) {
		size_t c2 = *cap ? *cap * 2 : 64;
		size_t *o2 = realloc(*out, c2 * sizeof *o2);
		if (!o2)
			return PARLEY_ENOMEM;
		*out = o2;
		*cap = c2;
	}
	(*out)[(*n)++] = j;
	return PARLEY_OK;
}

/* Sorts *out ascending and drops repeats. */
static void sort_unique(size_t *out, size_t *n)
{
	if (*n > 1) /* none: out may be NULL, which qsort must not be given */
		qsort(out, *n, sizeof *out, size_cmp);
	size_t u = 0;
	for (size_t r = 0; r < *n; r++)
		if (!u || out[u - 1] != out[r])
			out[u++] = out[r];
	*n = u;
}

/* The visits of B sharing one of a's external ids, ascending, into *out. */
static int ext_candidates(const bindex *x, const parley_visit_desc *a, size_t **out, size_t *n,
                          size_t *cap)
{
	*n = 0;
	for (const char *const *e = a->external_ids; e && *e; e++) {
		pl_map_slot *sl = pl_map_find(&x->exts, *e, strlen(*e));
		for (long k = sl ? sl->n - 1 : -1; k >= 0; k = x->ext[k].next)
			if (push_j(out, n, cap, x->ext[k].j))
				return PARLEY_ENOMEM;
	}
	sort_unique(*out, n);
	return PARLEY_OK;
}

/* The block of a's direction in B's index, or -1 when B has no visit in
 * that direction (or a has no direction or start). */
static long block_of(const bindex *x, const parley_visit_desc *a)
{
	char key[128];
	long first, last;
	int kn = dir_key(a, key, sizeof key);
	pl_map_slot *sl = kn >= 0 ? pl_map_find(&x->dirs, key, (size_t)kn) : NULL;
	return sl && day_range(a->start_date, &first, &last) ? sl->n - 1 : -1;
}

/* The visits of B in a's direction (block k) whose start lies within the
 * tolerance of a's, ascending, into *out: when a has a visitor id, only
 * those of the same visitor or none (the others the rule refuses). */
static int range_candidates(const bindex *x, size_t k, const parley_visit_desc *a,
                            int tolerance_days, size_t **out, size_t *n, size_t *cap)
{
	*n = 0;
	long first, last;
	if (!day_range(a->start_date, &first, &last))
		return PARLEY_OK;
	uint32_t who = who_of(a->visitor);
	for (size_t sub = 2 * k; sub <= 2 * k + 1; sub++) {
		/* a day-dated visit's start is its first day: no span to allow for */
		size_t lo = x->bstart[sub], hi = x->bstart[sub + 1];
		long from = first - tolerance_days - (sub % 2 ? x->maxspan : 0), to = last + tolerance_days;
		while (lo < hi) { /* the first whose start is not before `from` */
			size_t mid = lo + (hi - lo) / 2;
			if (x->refs[mid].first < from)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t r = lo; r < x->bstart[sub + 1] && x->refs[r].first <= to; r++)
			if ((!who || !x->refs[r].who || x->refs[r].who == who) &&
			    push_j(out, n, cap, x->refs[r].j))
				return PARLEY_ENOMEM;
	}
	sort_unique(*out, n);
	return PARLEY_OK;
}

/* A growable list of candidate pairs. */
typedef struct cands {
	cand *c;
	size_t n, cap;
} cands;

static int cand_push(cands *l, cand c)
{
	if (l->n == l->cap) {
		size_t c2 = l->cap ? l->cap * 2 : 256;
		cand *p = realloc(l->c, c2 * sizeof *p);
		if (!p)
			return PARLEY_ENOMEM;
		l->c = p;
		l->cap = c2;
	}
	l->c[l->n++] = c;
	return PARLEY_OK;
}

/* Takes the candidates closest first (cand_cmp), each visit once. */
static void assign(cands *l, long *a_to_b, an_match_by *by, bool *taken)
{
	if (l->n > 1)
		qsort(l->c, l->n, sizeof *l->c, cand_cmp);
	for (size_t k = 0; k < l->n; k++) {
		const cand *c = &l->c[k];
		if (a_to_b[c->i] >= 0 || taken[c->j])
			continue;
		a_to_b[c->i] = (long)c->j;
		by[c->i] = c->by;
		taken[c->j] = true;
	}
	l->n = 0;
}

/* A's visits by the block of their direction in B's index. */
typedef struct ablock {
	size_t block, i;
} ablock;

static int ablock_cmp(const void *x, const void *y)
{
	const ablock *a = x, *b = y;
	if (a->block != b->block)
		return a->block < b->block ? -1 : 1;
	return a->i < b->i ? -1 : a->i > b->i;
}

/*
 * The greedy one-to-one assignment over every candidate pair, closest
 * first, in two steps that give the same result with memory bounded by
 * the largest direction, not by all pairs (issue 13: at a million visits
 * the candidates of every direction at once took 750 MB):
 *  1. pairs sharing an external id, which sort before all others (their
 *     distance is -1), taken first;
 *  2. every other pair matches by the rule, which wants one direction:
 *     the visits of one direction of A meet only B's of that direction,
 *     so each direction is an assignment of its own, run one at a time
 *     in the same order (cand_cmp) on what step 1 left.
 */
int an_match_lists(const parley_visit_desc *a, size_t na, const parley_visit_desc *b, size_t nb,
                   int tolerance_days, long *a_to_b, an_match_by *by, parley_err *err)
{
	if ((na && (!a || !a_to_b || !by)) || (nb && !b) || tolerance_days < 0)
		return parley_err_set(err, PARLEY_EINVAL, "an_match_lists: bad argument");
	bool *taken = calloc(nb + 1, sizeof *taken);
	ablock *ab = malloc((na + 1) * sizeof *ab);
	cands l = {0};
	bindex x;
	int rc = bindex_build(&x, b, nb);
	size_t *js = NULL, nj = 0, jcap = 0, nab = 0;
	if (!taken || !ab)
		rc = PARLEY_ENOMEM;
	for (size_t i = 0; i < na; i++) {
		a_to_b[i] = -1;
		by[i] = AN_BY_NONE;
	}
	/* 1. external ids */
	for (size_t i = 0; !rc && i < na; i++) {
		if (!a[i].external_ids || !*a[i].external_ids)
			continue;
		rc = ext_candidates(&x, &a[i], &js, &nj, &jcap);
		for (size_t q = 0; !rc && q < nj; q++)
			if (parley_visit_match(&a[i], &b[js[q]], tolerance_days) == PARLEY_MATCH_EXTERNAL_ID)
				rc = cand_push(&l, (cand){i, js[q], -1, AN_BY_EXTID});
	}
	if (!rc)
		assign(&l, a_to_b, by, taken);
	/* 2. the rule, one direction at a time */
	for (size_t i = 0; !rc && i < na; i++) {
		long k = a_to_b[i] < 0 ? block_of(&x, &a[i]) : -1;
		if (k >= 0)
			ab[nab++] = (ablock){(size_t)k, i};
	}
	if (!rc && nab > 1)
		qsort(ab, nab, sizeof *ab, ablock_cmp);
	for (size_t r = 0; !rc && r < nab; r++) {
		size_t i = ab[r].i;
		long da = first_day(a[i].start_date);
		rc = range_candidates(&x, ab[r].block, &a[i], tolerance_days, &js, &nj, &jcap);
		for (size_t q = 0; !rc && q < nj; q++) {
			size_t j = js[q];
			if (taken[j])
				continue;
			parley_match_how how = parley_visit_match(&a[i], &b[j], tolerance_days);
			if (how == PARLEY_MATCH_RULE)
				rc = cand_push(&l, (cand){i, j, labs(da - first_day(b[j].start_date)),
				                          by_of(how, &a[i], &b[j])});
		}
		if (!rc && (r + 1 == nab || ab[r + 1].block != ab[r].block))
			assign(&l, a_to_b, by, taken);
	}
	free(js);
	free(l.c);
	free(ab);
	free(taken);
	bindex_free(&x);
	return rc ? parley_err_set(err, PARLEY_ENOMEM, "matching: out of memory") : PARLEY_OK;
}
