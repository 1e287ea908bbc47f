/*
 * an_gaps.c - the longest intervals without a visit, the current interval,
 * and quiet periods.
 *
 * An interval runs from one counted visit's start to the next one's (first
 * possible days), so it is the time between two visits starting; it is
 * marked approximate when either date is known only to the month or year.
 * The quiet-period rule (docs/analysis.md): at the end of every month, and
 * at the as-of date, count the visits in the trailing window (default 3
 * years); the window is quiet when that count is below ratio (default 0.25)
 * times what the long-run rate predicts for a window.  Overlapping quiet
 * windows merge into one quiet period.
 */
#include "an.h"
#include "internal.h" /* pl_strlcpy */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define YEAR_DAYS 365.2425

typedef struct gap_ix {
	size_t i;  /* index into the counted visits: the interval i -> i+1 */
	long days;
} gap_ix;

static int gap_cmp(const void *x, const void *y)
{
	const gap_ix *a = x, *b = y;
	if (a->days != b->days)
		return a->days > b->days ? -1 : 1;
	return a->i < b->i ? -1 : a->i > b->i;
}

/* Sifts h[i] down the heap of n (the root is the interval gap_cmp puts
 * last). */
static void sift_down(gap_ix *h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < n && gap_cmp(&h[l], &h[m]) > 0)
			m = l;
		if (r < n && gap_cmp(&h[r], &h[m]) > 0)
			m = r;
		if (m == i)
			return;
		gap_ix t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

/* Adds x to the heap h of *n kept, at most top: when full, x replaces the
 * root if it comes before it (gap_cmp). */
static void keep_top(gap_ix *h, size_t *n, size_t top, gap_ix x)
{
	if (*n < top) {
		size_t i = (*n)++;
		h[i] = x;
		while (i > 0) {
			size_t p = (i - 1) / 2;
			if (gap_cmp(&h[p], &h[i]) >= 0)
				break;
			gap_ix t = h[p];
			h[p] = h[i];
			h[i] = t;
			i = p;
		}
	} else if (top && gap_cmp(&x, &h[0]) < 0) {
		h[0] = x;
		sift_down(h, *n, 0);
	}
}

static void fill_gap(an_data *d, parley_gap *g, const an_visit *p, const an_visit *n, long end,
                     const an_era *el, size_t ne)
{
	g->before = p->id;
	g->before_label = an_visit_label(&d->arena, p);
	g->after = n ? n->id : NULL;
	g->after_label = n ? an_visit_label(&d->arena, n) : NULL;
	an_day_text(p->day, g->start);
	an_day_text(end, g->end);
	g->days = end - p->day;
	g->years = (double)g->days / YEAR_DAYS;
	g->approximate = p->start.precision != PARLEY_DAY || (n && n->start.precision != PARLEY_DAY);
	const an_era *e = an_era_at(el, ne, p->day);
	g->era = e ? e->name : NULL;
}

static long month_last_day(long day)
{
	parley_date d = parley_date_from_day(day);
	parley_date m = {d.year, d.month, 0, PARLEY_MONTH};
	return parley_date_last_day(m);
}

int an_gaps(an_data *d, const an_opts *o, size_t top, double window_years, double ratio,
            parley_gaps **out, parley_err *err)
{
	an_opts cut = *o;
	an_cut(d, &cut); /* no interval or quiet period runs past the data */
	o = &cut;
	int rc = PARLEY_OK;
	parley_gaps *g = calloc(1, sizeof *g);
	const an_visit **vs = calloc(d->nv + 1, sizeof *vs);
	gap_ix *gi = calloc(d->nv + 1, sizeof *gi);
	if (!g || !vs || !gi) {
		rc = parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory");
		goto fail;
	}
	if (top == 0)
		top = 10;
	if (window_years <= 0)
		window_years = 3;
	if (ratio <= 0)
		ratio = 0.25;
	if (!isfinite(window_years) || window_years > 100 || !isfinite(ratio) || ratio > 1) {
		rc = parley_err_set(err, PARLEY_EINVAL,
		                    "analysis: the quiet window must be 0-100 years and the ratio 0-1");
		goto fail;
	}
	an_era *el = NULL;
	size_t ne = 0;
	if (an_era_list(d, o, PARLEY_ERAS_PAIR, &el, &ne, NULL) != PARLEY_OK)
		ne = 0;
	size_t n = 0;
	for (size_t i = 0; i < d->nv; i++) {
		const an_visit *v = &d->v[i];
		if (!an_counts(o, v) || !an_in_pair(o, v) || (o->from != LONG_MIN && v->day < o->from))
			continue;
		vs[n++] = v;
	}
	an_idlist total = {.cap = n}; /* counted: one array of n (an_ids_add) */
	for (size_t i = 0; i < n; i++)
		if (an_ids_add(&d->arena, &total, vs[i]->id, 0)) {
			rc = parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory");
			goto fail;
		}
	g->total = an_ids_done(&total);
	long start = o->from != LONG_MIN ? o->from : (n ? vs[0]->day : o->as_of);
	an_day_text(start, g->range_start);
	double span = (double)(o->as_of - start + 1) / YEAR_DAYS;
	g->long_run_rate = span > 0 ? (double)n / span : 0;
	g->window_years = window_years;
	g->ratio = ratio;
	/* the intervals, longest first: the top of them kept in a heap whose
	 * root is the least of those kept, then sorted (a pair of 100,000
	 * visits asks for 10 of its intervals, not all of them in order) */
	size_t ng = n ? n - 1 : 0, nk = 0;
	for (size_t i = 0; i < ng; i++)
		keep_top(gi, &nk, top, (gap_ix){i, vs[i + 1]->day - vs[i]->day});
	qsort(gi, nk, sizeof *gi, gap_cmp);
	g->n = nk;
	g->gaps = an_alloc(&d->arena, (g->n ? g->n : 1) * sizeof *g->gaps);
	if (!g->gaps) {
		rc = parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory");
		goto fail;
	}
	for (size_t k = 0; k < g->n; k++)
		fill_gap(d, &g->gaps[k], vs[gi[k].i], vs[gi[k].i + 1], vs[gi[k].i + 1]->day, el, ne);
	if (n) {
		g->has_current = 1;
		fill_gap(d, &g->current, vs[n - 1], NULL, o->as_of, el, ne);
	}
	/* quiet periods */
	long w = lround(window_years * YEAR_DAYS);
	double threshold = ratio * g->long_run_rate * window_years;
	an_idlist ql = {0};
	size_t cap = 16, nq = 0;
	parley_quiet *q = an_alloc(&d->arena, cap * sizeof *q);
	if (!q) {
		rc = parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory");
		goto fail;
	}
	long qs = 0, qe = 0;
	bool inq = false;
	size_t lo = 0, hi = 0; /* visits in (c - w, c] are vs[lo..hi) */
	for (long c = month_last_day(start + w - 1);; c = month_last_day(c + 1)) {
		bool last = c >= o->as_of;
		if (last)
			c = o->as_of;
		if (n && c - w + 1 >= start) {
			while (hi < n && vs[hi]->day <= c)
				hi++;
			while (lo < hi && vs[lo]->day <= c - w)
				lo++;
			bool quiet = (double)(hi - lo) < threshold;
			if (quiet && !inq) {
				inq = true;
				qs = c - w + 1;
			}
			if (quiet)
				qe = c;
			if ((!quiet || last) && inq) {
				if (nq == cap) {
					parley_quiet *nqv = an_alloc(&d->arena, cap * 2 * sizeof *q);
					if (!nqv) {
						rc = parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory");
						goto fail;
					}
					memcpy(nqv, q, cap * sizeof *q);
					q = nqv;
					cap *= 2;
				}
				parley_quiet *x = &q[nq++];
				an_day_text(qs, x->start);
				an_day_text(qe, x->end);
				ql = (an_idlist){0};
				for (size_t i = 0; i < n; i++)
					if (vs[i]->day >= qs && vs[i]->day <= qe &&
					    an_ids_push(&d->arena, &ql, vs[i]->id)) {
						rc = parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory");
						goto fail;
					}
				x->visits = an_ids_done(&ql);
				x->rate = (double)x->visits.n / ((double)(qe - qs + 1) / YEAR_DAYS);
				inq = false;
			}
		}
		if (last || !n)
			break;
	}
	g->nquiet = nq;
	g->quiet = q;
	pl_strlcpy(g->a, o->a, sizeof g->a);
	pl_strlcpy(g->b, o->b, sizeof g->b);
	pl_strlcpy(g->as_of, o->as_of_text, sizeof g->as_of);
	g->through = o->th;
	g->priv = d;
	free(vs);
	free(gi);
	*out = g;
	return PARLEY_OK;
fail:
	free(vs);
	free(gi);
	free(g);
	an_data_free(d);
	return rc;
}

int parley_gaps_compute(parley_db *db, const parley_analysis_opts *o, size_t top,
                        double window_years, double ratio, parley_gaps **out,
                        parley_err *err)
{
	an_opts ao;
	an_data *d = NULL;
	if (!db || !out)
		return parley_err_set(err, PARLEY_EINVAL, "parley_gaps_compute: NULL argument");
	int rc = an_opts_parse(o, true, &ao, err);
	if (!rc)
		rc = an_load_pair(db, &ao, false, &d, err);
	if (rc)
		return rc;
	return an_gaps(d, &ao, top, window_years, ratio, out, err);
}

void parley_gaps_free(parley_gaps *g)
{
	if (!g)
		return;
	an_data_free(g->priv);
	free(g);
}

static json_t *json_gap(const parley_gap *x)
{
	return json_pack("{s:o,s:o,s:I,s:f,s:b,s:o,s:o,s:o,s:o,s:o}", "start", pl_json_text(x->start),
	                 "end", pl_json_text(x->end), "days", (json_int_t)x->days, "years",
	                 pl_json_round(x->years, 2), "approximate", x->approximate, "before",
	                 pl_json_text(x->before), "before_label", pl_json_text(x->before_label),
	                 "after", pl_json_text(x->after), "after_label", pl_json_text(x->after_label),
	                 "era", pl_json_text(x->era));
}

int parley_gaps_write(const parley_gaps *g, const char *format, int explain, FILE *out,
                      parley_err *err)
{
	int rc = an_write_begin(g, out, "parley_gaps_write", &format, err);
	if (rc)
		return rc;
	if (strcmp(format, "json") == 0) {
		json_t *gaps = json_array(), *quiet = json_array();
		for (size_t i = 0; gaps && i < g->n; i++)
			if (json_array_append_new(gaps, json_gap(&g->gaps[i])))
				gaps = (json_decref(gaps), NULL);
		for (size_t i = 0; quiet && i < g->nquiet; i++) {
			const parley_quiet *q = &g->quiet[i];
			if (json_array_append_new(quiet, json_pack("{s:s,s:s,s:f,s:o}", "start", q->start,
			                                           "end", q->end, "rate",
			                                           pl_json_round(q->rate, 4), "visits",
			                                           an_json_count(q->visits))))
				quiet = (json_decref(quiet), NULL);
		}
		json_t *o = an_through_json(json_pack("{s:s,s:s,s:s,s:s,s:o}", "a", g->a, "b", g->b,
		                                      "as_of", g->as_of, "range_start", g->range_start,
		                                      "total", an_json_count(g->total)),
		                            &g->through);
		/* cut: the current interval is a lower bound, as of the date asked */
		o = pl_json_merge(o, json_pack("{s:f,s:f,s:f,s:o,s:o,s:b,s:o}", "long_run_rate",
		                               pl_json_round(g->long_run_rate, 4), "window_years",
		                               pl_json_round(g->window_years, 2), "ratio",
		                               pl_json_round(g->ratio, 2), "gaps", gaps, "current",
		                               g->has_current ? json_gap(&g->current) : json_null(),
		                               "current_at_least", g->through.cut, "quiet", quiet));
		return an_json_write(o, out, err);
	}
	an_data *d = g->priv;
	an_arena *a = &d->arena;
	bool csv = strcmp(format, "csv") == 0;
	static const char *const head[] = {"kind", "start", "end", "days", "years", "from_visit",
	                                   "to_visit", "visits", "per_year", "data_through"};
	static const bool right[] = {false, false, false, true, true, false, false, true, true,
	                             false};
	an_table t = {csv ? 10 : 9, head, right, NULL, 0, 0, a};
	if (!csv)
		an_through_line(out, &g->through, g->as_of);
	const char *end_label = g->through.cut ? an_fmt(a, "(data through %s)", g->through.date)
	                                       : "(as-of date)";
	/* rank of the current interval among the closed ones */
	size_t longer = 0;
	for (size_t i = 0; i < g->n; i++)
		longer += g->gaps[i].days > g->current.days;
	for (size_t i = 0; i < g->n + (size_t)g->has_current; i++) {
		const parley_gap *x = i < g->n ? &g->gaps[i] : &g->current;
		const char *cell[] = {
		    i < g->n ? an_fmt(a, "gap %zu", i + 1) : "current",
		    x->start,
		    x->end,
		    an_fmt(a, "%s%ld", i == g->n && g->through.cut ? (csv ? "" : ">=")
		                       : x->approximate && !csv ? "~" : "", x->days),
		    an_fmt(a, "%.2f", x->years),
		    csv ? x->before : x->before_label,
		    x->after ? (csv ? x->after : x->after_label) : end_label,
		    "",
		    "",
		    g->through.date};
		if (an_table_row(&t, cell))
			return parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory");
	}
	for (size_t i = 0; i < g->nquiet; i++) {
		const parley_quiet *q = &g->quiet[i];
		const char *cell[] = {"quiet", q->start, q->end, "", "", "", "",
		                      an_fmt(a, "%zu", q->visits.n), an_fmt(a, "%.2f", q->rate),
		                      g->through.date};
		if (an_table_row(&t, cell))
			return parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory");
	}
	rc = an_table_write(&t, format, out, err);
	if (rc || csv)
		return rc;
	fprintf(out, "\n%zu visits %s-%s from %s to %s: %.2f a year.  Quiet: fewer than %.2f "
	             "visits in a %.1f-year window (%.0f%% of the long-run rate).\n",
	        g->total.n, g->a, g->b, g->range_start,
	        g->through.cut ? g->through.date : g->as_of, g->long_run_rate,
	        g->ratio * g->long_run_rate * g->window_years, g->window_years, g->ratio * 100);
	if (g->has_current && g->through.cut)
		fprintf(out, "Current interval: at least %ld days, as of %s: since %s, and the data "
		             "ends on %s; %zu of the intervals listed are longer.\n",
		        g->current.days, g->as_of, g->current.before_label, g->through.date, longer);
	else if (g->has_current)
		fprintf(out, "Current interval: %ld days since %s; %zu of the intervals listed are "
		             "longer.\n",
		        g->current.days, g->current.before_label, longer);
	fputs("~ a bounding date is known only to the month or year.\n", out);
	if (explain) {
		fputs("\n", out);
		an_explain(out, "all visits", g->total);
		for (size_t i = 0; i < g->nquiet; i++)
			an_explain(out, an_fmt(a, "quiet %s..%s", g->quiet[i].start, g->quiet[i].end),
			           g->quiet[i].visits);
	}
	return ferror(out) ? parley_err_set(err, PARLEY_EIO, "analysis: writing failed") : PARLEY_OK;
}
