/*
 * an_eras.c - eras from paramount-leader tenures, and the counts per era.
 *
 * A country's eras are the tenures of its offices of rank paramount_leader,
 * in order; a tenure ends at its end date or at its successor's start,
 * whichever comes first (successive holders share the changeover day, and
 * that day belongs to the successor).  A pair era is the overlap of one era
 * of each country.  An era still running on the as-of date is cut there.
 * Visits are placed by the first possible day of their start, so that a
 * visit dated only '1976-09' is never moved into a later era than it could
 * have been in (see parley.h, dates).
 */
#include "an.h"
#include "internal.h" /* pl_strlcpy */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define YEAR_DAYS 365.2425

typedef struct one_era {
	const an_tenure *t;
	long start, end; /* end exclusive */
	int open;
} one_era;

static int one_cmp(const void *x, const void *y)
{
	const one_era *a = x, *b = y;
	return a->start < b->start ? -1 : a->start > b->start;
}

/* The eras of one country, cut at the as-of date, into *out (malloc'd). */
static int country_eras(const an_data *d, const char *country, long as_of, one_era **out,
                        size_t *n, parley_err *err)
{
	size_t cnt = 0;
	for (size_t i = 0; i < d->nt; i++)
		if (d->t[i].country && strcmp(d->t[i].country, country) == 0 &&
		    strcmp(d->t[i].rank, "paramount_leader") == 0)
			cnt++;
	if (cnt == 0)
		return parley_err_set(err, PARLEY_ENOTFOUND,
		                      "analysis: no tenures of an office of rank paramount_leader "
		                      "for %s, so it has no eras",
		                      country);
	one_era *e = calloc(cnt, sizeof *e);
	if (!e)
		return parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory");
	size_t k = 0;
	for (size_t i = 0; i < d->nt; i++)
		if (d->t[i].country && strcmp(d->t[i].country, country) == 0 &&
		    strcmp(d->t[i].rank, "paramount_leader") == 0)
			e[k++] = (one_era){&d->t[i], d->t[i].first, d->t[i].end, 0};
	qsort(e, cnt, sizeof *e, one_cmp);
	size_t m = 0;
	for (size_t i = 0; i < cnt; i++) {
		one_era x = e[i];
		if (i + 1 < cnt && e[i + 1].start < x.end)
			x.end = e[i + 1].start;
		if (x.start > as_of || x.end <= x.start)
			continue;
		if (x.end > as_of) {
			x.end = as_of + 1;
			x.open = 1;
		}
		e[m++] = x;
	}
	*out = e;
	*n = m;
	return PARLEY_OK;
}

static int era_cmp(const void *x, const void *y)
{
	const an_era *a = x, *b = y;
	return a->start < b->start ? -1 : a->start > b->start;
}

int an_era_list(an_data *d, const an_opts *o, parley_era_by by, an_era **out, size_t *n,
                parley_err *err)
{
	one_era *ea = NULL, *eb = NULL;
	size_t na = 0, nb = 0;
	int rc = PARLEY_OK;
	if (by != PARLEY_ERAS_B && (rc = country_eras(d, o->a, o->as_of, &ea, &na, err)))
		goto done;
	if (by != PARLEY_ERAS_A && (rc = country_eras(d, o->b, o->as_of, &eb, &nb, err)))
		goto done;
	size_t cap = by == PARLEY_ERAS_PAIR ? na * nb : (by == PARLEY_ERAS_A ? na : nb);
	an_era *r = an_alloc(&d->arena, (cap ? cap : 1) * sizeof *r);
	if (!r) {
		rc = parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory");
		goto done;
	}
	size_t k = 0;
	if (by == PARLEY_ERAS_PAIR) {
		for (size_t i = 0; i < na; i++)
			for (size_t j = 0; j < nb; j++) {
				long s = ea[i].start > eb[j].start ? ea[i].start : eb[j].start;
				long e = ea[i].end < eb[j].end ? ea[i].end : eb[j].end;
				if (s >= e)
					continue;
				r[k].name = an_fmt(&d->arena, "%s / %s", ea[i].t->name, eb[j].t->name);
				r[k].leader_a = ea[i].t->person;
				r[k].leader_b = eb[j].t->person;
				r[k].start = s;
				r[k].end = e;
				r[k].open = ea[i].open && eb[j].open;
				if (!r[k].name) {
					rc = parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory");
					goto done;
				}
				k++;
			}
	} else {
		one_era *e = by == PARLEY_ERAS_A ? ea : eb;
		size_t ne = by == PARLEY_ERAS_A ? na : nb;
		for (size_t i = 0; i < ne; i++) {
			r[k].name = e[i].t->name;
			r[k].leader_a = by == PARLEY_ERAS_A ? e[i].t->person : NULL;
			r[k].leader_b = by == PARLEY_ERAS_B ? e[i].t->person : NULL;
			r[k].start = e[i].start;
			r[k].end = e[i].end;
			r[k].open = e[i].open;
			k++;
		}
	}
	qsort(r, k, sizeof *r, era_cmp);
	*out = r;
	*n = k;
done:
	free(ea);
	free(eb);
	return rc;
}

const an_era *an_era_at(const an_era *e, size_t n, long day)
{
	/* the eras are in order and never overlap (a country's end where the
	 * next begins, a pair's are overlaps of two such lists): the last to
	 * start by day is the only one that can hold it; a binary search, as
	 * this runs once a visit */
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (e[mid].start <= day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo && day < e[lo - 1].end ? &e[lo - 1] : NULL;
}

/* Per-era id lists while counting. */
typedef struct era_acc {
	an_idlist visits, a_to_b, b_to_a, top_a_to_b, top_b_to_a, unidentified;
	an_idlist by_level[PARLEY_NLEVELS];
} era_acc;

/* Adds v to the lists of its era (an_ids_add: counting, or adding). */
static int acc_add(an_arena *a, era_acc *x, const an_opts *o, const an_visit *v, int counting)
{
	bool ab = an_same(v->from, o->a);
	int rc = an_ids_add(a, &x->visits, v->id, counting);
	if (!rc)
		rc = an_ids_add(a, ab ? &x->a_to_b : &x->b_to_a, v->id, counting);
	if (!rc && v->top)
		rc = an_ids_add(a, ab ? &x->top_a_to_b : &x->top_b_to_a, v->id, counting);
	if (!rc && v->unidentified)
		rc = an_ids_add(a, &x->unidentified, v->id, counting);
	if (!rc)
		rc = an_ids_add(a, &x->by_level[v->level_ix], v->id, counting);
	return rc;
}

#define SKIP UINT32_MAX /* a visit no era list counts */

/* Adds v to the total and to era e's lists (e == n: outside every era),
 * counting or adding (an_ids_add). */
static int era_add(an_arena *a, era_acc *acc, size_t n, const an_opts *o, const an_visit *v,
                   size_t e, int counting)
{
	int rc = an_ids_add(a, &acc[n].visits, v->id, counting);
	if (!rc)
		rc = e < n ? acc_add(a, &acc[e], o, v, counting)
		           : an_ids_add(a, &acc[n + 1].visits, v->id, counting);
	return rc;
}

static void acc_done(const era_acc *x, parley_era *e)
{
	e->visits = an_ids_done(&x->visits);
	e->a_to_b = an_ids_done(&x->a_to_b);
	e->b_to_a = an_ids_done(&x->b_to_a);
	e->top_a_to_b = an_ids_done(&x->top_a_to_b);
	e->top_b_to_a = an_ids_done(&x->top_b_to_a);
	e->unidentified = an_ids_done(&x->unidentified);
	for (int i = 0; i < PARLEY_NLEVELS; i++)
		e->by_level[i] = an_ids_done(&x->by_level[i]);
}

int an_eras(an_data *d, const an_opts *o, parley_era_by by, parley_eras **out, parley_err *err)
{
	an_opts cut = *o;
	an_cut(d, &cut); /* figures stop where the data ends */
	o = &cut;
	an_era *el = NULL;
	size_t n = 0;
	era_acc *acc = NULL;
	parley_eras *r = NULL;
	int rc = an_era_list(d, o, by, &el, &n, err);
	if (rc)
		goto fail;
	r = calloc(1, sizeof *r);
	acc = calloc(n + 2, sizeof *acc); /* n eras, total, outside */
	parley_era *eras = an_alloc(&d->arena, (n ? n : 1) * sizeof *eras);
	/* each visit's era (n: outside every era; SKIP: not counted), found in
	 * the pass that counts the lists, for the one that fills them */
	uint32_t *at = malloc((d->nv ? d->nv : 1) * sizeof *at);
	if (!r || !acc || !eras || !at) {
		free(at);
		rc = parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory");
		goto fail;
	}
	long first = n ? el[0].start : LONG_MAX;
	for (size_t i = 0; !rc && i < d->nv; i++) {
		const an_visit *v = &d->v[i];
		at[i] = SKIP;
		if (!an_counts(o, v) || !an_in_pair(o, v) || v->day < first)
			continue;
		const an_era *x = an_era_at(el, n, v->day);
		at[i] = (uint32_t)(x ? (size_t)(x - el) : n);
		rc = era_add(&d->arena, acc, n, o, v, at[i], 1);
	}
	for (size_t i = 0; !rc && i < d->nv; i++)
		if (at[i] != SKIP)
			rc = era_add(&d->arena, acc, n, o, &d->v[i], at[i], 0);
	free(at);
	if (rc) {
		rc = parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory");
		goto fail;
	}
	for (size_t i = 0; i < n; i++) {
		parley_era *e = &eras[i];
		e->name = el[i].name;
		e->leader_a = el[i].leader_a;
		e->leader_b = el[i].leader_b;
		e->open = el[i].open;
		long end = e->open ? o->as_of : el[i].end;
		an_day_text(el[i].start, e->start);
		an_day_text(end, e->end);
		e->years = (double)(end - el[i].start) / YEAR_DAYS;
		acc_done(&acc[i], e);
		e->per_year = e->years > 0 ? (double)e->visits.n / e->years : 0.0;
	}
	r->total = an_ids_done(&acc[n].visits);
	r->outside = an_ids_done(&acc[n + 1].visits);
	pl_strlcpy(r->a, o->a, sizeof r->a);
	pl_strlcpy(r->b, o->b, sizeof r->b);
	pl_strlcpy(r->as_of, o->as_of_text, sizeof r->as_of);
	pl_strlcpy(r->min_level, o->min_level, sizeof r->min_level);
	pl_strlcpy(r->status, o->status, sizeof r->status);
	r->through = o->th;
	r->by = by;
	r->n = n;
	r->eras = eras;
	r->priv = d;
	free(acc);
	*out = r;
	return PARLEY_OK;
fail:
	free(acc);
	free(r);
	an_data_free(d);
	return rc;
}

int parley_eras_compute(parley_db *db, const parley_analysis_opts *o, parley_era_by by,
                        parley_eras **out, parley_err *err)
{
	an_opts ao;
	an_data *d = NULL;
	if (!db || !out)
		return parley_err_set(err, PARLEY_EINVAL, "parley_eras_compute: NULL argument");
	if (by != PARLEY_ERAS_PAIR && by != PARLEY_ERAS_A && by != PARLEY_ERAS_B)
		return parley_err_set(err, PARLEY_EINVAL, "parley_eras_compute: bad 'by'");
	int rc = an_opts_parse(o, true, &ao, err);
	if (!rc)
		rc = an_load_pair(db, &ao, false, &d, err);
	if (rc)
		return rc;
	return an_eras(d, &ao, by, out, err);
}

void parley_eras_free(parley_eras *e)
{
	if (!e)
		return;
	an_data_free(e->priv);
	free(e);
}

/* ---- output ---------------------------------------------------------- */

static const char *const level_abbr[PARLEY_NLEVELS] = {
    "PL", "HoS", "HoG", "dep", "senior", "min", "vice", ">=min", "unk"};

static const char *share(an_arena *a, size_t part, size_t whole)
{
	if (whole == 0)
		return "-";
	return an_fmt(a, "%.0f%%", 100.0 * (double)part / (double)whole);
}

/* The share of one direction in the directed visits, or null when there
 * are none. */
static json_t *dir_share(size_t part, size_t dir)
{
	return dir ? json_real(pl_json_round((double)part / (double)dir, 4)) : json_null();
}

/* A figure's ids are written out up to this many (a list a reader reads);
 * past it the figure names its visits by the list filter that gives
 * exactly them (the "query"), which GET /api/v1/visits and `parley list
 * visits` page: the eras of a pair of 100,000 visits would otherwise write
 * every id five times (docs/analysis.md, "Eras as JSON"). */
#define IDS_INLINE 100

/* {"count":n,"query":q|null,"ids":[...]}: ids when there are at most
 * IDS_INLINE of them or no query gives them. */
static json_t *figure(parley_ids ids, const char *query)
{
	if (!query || ids.n <= IDS_INLINE)
		return pl_json_merge(an_json_count(ids), json_pack("{s:o}", "query", pl_json_text(query)));
	return json_pack("{s:I,s:s}", "count", (json_int_t)ids.n, "query", query);
}

/* The filters an era's figures share: its days (first possible day of the
 * start on or after since, on or before until), the level and statuses
 * counted. */
typedef struct era_q {
	an_arena *a;
	const parley_eras *e;
	char since[11], until[11];
	int top_ok; /* the list's top= counts as these eras do (see era_json) */
} era_q;

/* The list filter of one figure: pair names the visits' countries
 * ("between=A:B", "direction=A:B", ...); NULL when out of memory. */
static const char *fq(const era_q *q, const char *pair)
{
	return an_fmt(q->a, "%s&since=%s&as_of=%s&min_level=%s&status=%s", pair, q->since, q->until,
	              q->e->min_level, q->e->status);
}

static json_t *era_json(const era_q *q, const parley_era *x)
{
	const parley_eras *e = q->e;
	size_t dir = x->a_to_b.n + x->b_to_a.n;
	const char *between = an_fmt(q->a, "between=%s:%s", e->a, e->b);
	json_t *by_level = json_object();
	for (int l = 0; by_level && l < PARLEY_NLEVELS; l++)
		if (x->by_level[l].n &&
		    json_object_set_new(by_level, parley_analysis_level(l),
		                        figure(x->by_level[l],
		                               fq(q, an_fmt(q->a, "%s&level=%s", between,
		                                            parley_analysis_level(l))))))
			by_level = (json_decref(by_level), NULL);
	/* unidentified visits have no list filter: their ids, always */
	return json_pack("{s:o,s:o,s:o,s:s,s:s,s:b,s:f,s:f,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}",
	                 "era", pl_json_text(x->name), "leader_a", pl_json_text(x->leader_a),
	                 "leader_b", pl_json_text(x->leader_b), "start", x->start, "end", x->end,
	                 "open", x->open, "years", pl_json_round(x->years, 2), "per_year",
	                 pl_json_round(x->per_year, 2), "share_a_to_b", dir_share(x->a_to_b.n, dir),
	                 "share_b_to_a", dir_share(x->b_to_a.n, dir), "visits",
	                 figure(x->visits, fq(q, between)), "a_to_b",
	                 figure(x->a_to_b, fq(q, an_fmt(q->a, "direction=%s:%s", e->a, e->b))),
	                 "b_to_a",
	                 figure(x->b_to_a, fq(q, an_fmt(q->a, "direction=%s:%s", e->b, e->a))),
	                 "top_a_to_b",
	                 figure(x->top_a_to_b,
	                        q->top_ok ? fq(q, an_fmt(q->a, "%s&top=%s", between, e->a)) : NULL),
	                 "top_b_to_a",
	                 figure(x->top_b_to_a,
	                        q->top_ok ? fq(q, an_fmt(q->a, "%s&top=%s", between, e->b)) : NULL),
	                 "unidentified", figure(x->unidentified, NULL), "by_level", by_level);
}

/* The day before a YYYY-MM-DD text into out (11 bytes). */
static void day_before(const char *text, char *out)
{
	parley_date d;
	if (parley_date_parse(text, strlen(text), &d, NULL) == PARLEY_OK)
		an_day_text(parley_date_first_day(d) - 1, out);
	else
		pl_strlcpy(out, text, 11);
}

static int write_json(const parley_eras *e, FILE *out, parley_err *err)
{
	static const char *const bys[] = {"pair", "A", "B"};
	an_data *d = e->priv;
	era_q q = {.a = &d->arena, .e = e};
	/* the list's top= takes the leaders' visits from the pair eras at the
	 * default level and statuses: the same visits as these eras' when
	 * they are pair eras counting no more than those */
	int m = parley_level_rank(e->min_level);
	q.top_ok = e->by == PARLEY_ERAS_PAIR && m >= parley_level_rank("ministerial");
	for (const char *p = e->status; q.top_ok && *p;) {
		size_t n = strcspn(p, ",");
		q.top_ok = (n == 9 && strncmp(p, "confirmed", 9) == 0) ||
		           (n == 8 && strncmp(p, "reported", 8) == 0);
		p += n + (p[n] == ',');
	}
	/* the day the figures stop: the as-of date, or where the data ends */
	const char *cut = e->through.cut && e->through.date[0] ? e->through.date : e->as_of;
	json_t *eras = json_array();
	for (size_t i = 0; eras && i < e->n; i++) {
		const parley_era *x = &e->eras[i];
		pl_strlcpy(q.since, x->start, sizeof q.since);
		if (x->open) /* an open era's end is the day its figures stop */
			pl_strlcpy(q.until, x->end, sizeof q.until);
		else /* a closed one's is its successor's first day */
			day_before(x->end, q.until);
		if (json_array_append_new(eras, era_json(&q, x)))
			eras = (json_decref(eras), NULL);
	}
	/* the total: every counted visit from the first era's start */
	const char *total = NULL;
	if (e->n) {
		pl_strlcpy(q.since, e->eras[0].start, sizeof q.since);
		pl_strlcpy(q.until, cut, sizeof q.until);
		total = fq(&q, an_fmt(q.a, "between=%s:%s", e->a, e->b));
	}
	json_t *o = an_through_json(
	    json_pack("{s:o,s:o,s:s,s:s,s:o,s:o}", "a", pl_json_text(e->a), "b", pl_json_text(e->b),
	              "by", bys[e->by], "as_of", e->as_of, "min_level", pl_json_text(e->min_level),
	              "status", pl_json_text(e->status)),
	    &e->through);
	/* the visits between eras fall in several ranges: their ids, always */
	o = pl_json_merge(o, json_pack("{s:o,s:o,s:o}", "eras", eras, "total", figure(e->total, total),
	                                "outside_eras", figure(e->outside, NULL)));
	return an_json_write(o, out, err);
}

int parley_eras_write(const parley_eras *e, const char *format, int explain, FILE *out,
                      parley_err *err)
{
	int rc = an_write_begin(e, out, "parley_eras_write", &format, err);
	if (rc)
		return rc;
	if (strcmp(format, "json") == 0)
		return write_json(e, out, err);
	if (strcmp(format, "csv") != 0)
		an_through_line(out, &e->through, e->as_of);
	an_data *d = e->priv;
	an_arena *a = &d->arena;
	bool csv = strcmp(format, "csv") == 0;
	bool used[PARLEY_NLEVELS] = {0};
	for (size_t i = 0; i < e->n; i++)
		for (int l = 0; l < PARLEY_NLEVELS; l++)
			used[l] |= e->eras[i].by_level[l].n > 0;
	const char *head[32];
	bool right[32];
	size_t nc = 0;
	const char *ab = an_fmt(a, "%s->%s", e->a, e->b), *ba = an_fmt(a, "%s->%s", e->b, e->a);
	if (csv) {
		static const char *const h[] = {"era", "start", "end", "years", "visits", "per_year",
		                                "a_to_b", "b_to_a", "top_a_to_b", "top_b_to_a",
		                                "unidentified", "data_through"};
		for (; nc < 12; nc++)
			head[nc] = h[nc];
	} else {
		const char *h[] = {"era", "start", "end", "years", "visits", "per yr", ab, ba,
		                   an_fmt(a, "top %s", ab), an_fmt(a, "top %s", ba), "unident.",
		                   an_fmt(a, "share %s/%s", ab, ba)};
		for (; nc < 12; nc++)
			head[nc] = h[nc];
		for (int l = 0; l < PARLEY_NLEVELS; l++)
			if (used[l])
				head[nc++] = level_abbr[l];
	}
	for (size_t i = 0; i < nc; i++)
		right[i] = i >= 3;
	if (explain && csv) {
		static const char *const h[] = {"visit_ids", "a_to_b_ids", "b_to_a_ids",
		                                "top_a_to_b_ids", "top_b_to_a_ids", "unidentified_ids"};
		for (size_t i = 0; i < 6; i++, nc++) {
			head[nc] = h[i];
			right[nc] = false;
		}
	}
	an_table t = {nc, head, right, NULL, 0, 0, a};
	for (size_t i = 0; i <= e->n; i++) {
		const char *cell[32];
		size_t k = 0;
		if (i == e->n && csv)
			break;
		if (i < e->n) {
			const parley_era *x = &e->eras[i];
			cell[k++] = x->name;
			cell[k++] = x->start;
			cell[k++] = csv || !x->open ? x->end : an_fmt(a, "%s*", x->end);
			cell[k++] = an_fmt(a, "%.2f", x->years);
			cell[k++] = an_fmt(a, "%zu", x->visits.n);
			cell[k++] = an_fmt(a, "%.2f", x->per_year);
			cell[k++] = an_fmt(a, "%zu", x->a_to_b.n);
			cell[k++] = an_fmt(a, "%zu", x->b_to_a.n);
			cell[k++] = an_fmt(a, "%zu", x->top_a_to_b.n);
			cell[k++] = an_fmt(a, "%zu", x->top_b_to_a.n);
			cell[k++] = an_fmt(a, "%zu", x->unidentified.n);
			if (csv)
				cell[k++] = e->through.date;
			if (!csv) {
				cell[k++] = an_fmt(a, "%s / %s",
				                   share(a, x->a_to_b.n, x->a_to_b.n + x->b_to_a.n),
				                   share(a, x->b_to_a.n, x->a_to_b.n + x->b_to_a.n));
				for (int l = 0; l < PARLEY_NLEVELS; l++)
					if (used[l])
						cell[k++] = an_fmt(a, "%zu", x->by_level[l].n);
			} else if (explain) {
				parley_ids lists[] = {x->visits, x->a_to_b, x->b_to_a,
				                      x->top_a_to_b, x->top_b_to_a, x->unidentified};
				for (size_t j = 0; j < 6; j++)
					cell[k++] = an_ids_join(a, lists[j]); /* NULL: checked below */
			}
		} else {
			/* a total row for people reading the table */
			size_t sums[6] = {0};
			size_t lv[PARLEY_NLEVELS] = {0};
			for (size_t j = 0; j < e->n; j++) {
				const parley_era *x = &e->eras[j];
				sums[0] += x->visits.n;
				sums[1] += x->a_to_b.n;
				sums[2] += x->b_to_a.n;
				sums[3] += x->top_a_to_b.n;
				sums[4] += x->top_b_to_a.n;
				sums[5] += x->unidentified.n;
				for (int l = 0; l < PARLEY_NLEVELS; l++)
					lv[l] += x->by_level[l].n;
			}
			cell[k++] = "total";
			cell[k++] = e->n ? e->eras[0].start : "";
			cell[k++] = e->n ? e->eras[e->n - 1].end : "";
			cell[k++] = "";
			cell[k++] = an_fmt(a, "%zu", sums[0]);
			cell[k++] = "";
			for (int j = 1; j < 6; j++)
				cell[k++] = an_fmt(a, "%zu", sums[j]);
			cell[k++] = an_fmt(a, "%s / %s", share(a, sums[1], sums[1] + sums[2]),
			                   share(a, sums[2], sums[1] + sums[2]));
			for (int l = 0; l < PARLEY_NLEVELS; l++)
				if (used[l])
					cell[k++] = an_fmt(a, "%zu", lv[l]);
		}
		for (size_t j = 0; j < k; j++)
			if (!cell[j])
				return parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory");
		if (an_table_row(&t, cell))
			return parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory");
	}
	rc = an_table_write(&t, format, out, err);
	if (rc || csv)
		return rc;
	fprintf(out, "\n%s as of %s; level %s or above; status %s; %zu visits in eras",
	        e->by == PARLEY_ERAS_PAIR ? "Leader pairs" : "Leaders",
	        e->as_of, e->min_level, e->status, e->total.n - e->outside.n);
	if (e->outside.n)
		fprintf(out, ", %zu between eras", e->outside.n);
	fputs(".\n", out);
	bool any_open = false;
	for (size_t i = 0; i < e->n; i++)
		any_open |= e->eras[i].open;
	if (any_open)
		fprintf(out, "* era still open: cut at the %s %s.\n",
		        e->through.cut ? "data-through date" : "as-of date",
		        e->through.cut ? e->through.date : e->as_of);
	fputs("Levels: ", out);
	bool first = true;
	for (int l = 0; l < PARLEY_NLEVELS; l++)
		if (used[l]) {
			fprintf(out, "%s%s = %s", first ? "" : ", ", level_abbr[l], parley_analysis_level(l));
			first = false;
		}
	fputs(first ? "none.\n" : ".\n", out);
	if (explain) {
		for (size_t i = 0; i < e->n; i++) {
			const parley_era *x = &e->eras[i];
			fprintf(out, "\n%s (%s to %s)\n", x->name, x->start, x->end);
			an_explain(out, "visits", x->visits);
			an_explain(out, ab, x->a_to_b);
			an_explain(out, ba, x->b_to_a);
			an_explain(out, an_fmt(a, "top %s", ab), x->top_a_to_b);
			an_explain(out, an_fmt(a, "top %s", ba), x->top_b_to_a);
			an_explain(out, "unidentified", x->unidentified);
			for (int l = 0; l < PARLEY_NLEVELS; l++)
				if (x->by_level[l].n)
					an_explain(out, parley_analysis_level(l), x->by_level[l]);
		}
		if (e->outside.n) {
			fputs("\nbetween eras\n", out);
			an_explain(out, "visits", e->outside);
		}
	}
	return ferror(out) ? parley_err_set(err, PARLEY_EIO, "analysis: writing failed") : PARLEY_OK;
}
