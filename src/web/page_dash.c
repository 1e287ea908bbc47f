/*
 * page_dash.c - the dashboard of a country pair, its two charts, and the
 * pair's eras, timeline and gaps as API answers.
 *
 * Chart titles state a finding computed here from the same numbers the
 * chart draws (the rate of visits in the latest leader-pair era against
 * the rate before it; the era with the most visits a year), never a topic.
 */
#include "webq.h"
#include "pl_query.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Years of an era, to today when it is still open. */
static double era_years(pl_page *pg, json_t *e)
{
	const char *s = json_string_value(json_object_get(e, "start_date"));
	const char *en = json_string_value(json_object_get(e, "end_date"));
	long days = pl_days_between(s, en ? en : pg->w->today);
	return days > 0 ? days / 365.25 : 0;
}

/* The filter of every dashboard figure: the pair, ministerial or above,
 * confirmed or reported (the analysis defaults, as the era table), as of
 * the page's date; direction narrows it to FROM:TO when not NULL. */
static int dash_query(pl_page *pg, const char *a, const char *b, const char *direction,
                      parley_query *q)
{
	char pair[2 * PL_CODE_MAX + 2];
	snprintf(pair, sizeof pair, "%s:%s", a, b);
	parley_query_init(q);
	if (parley_query_set(q, direction ? "direction" : "between", direction ? direction : pair,
	                     &pg->err) != PARLEY_OK ||
	    parley_query_set(q, "min_level", "ministerial", &pg->err) != PARLEY_OK ||
	    parley_query_set(q, "as_of", pg->w->today, &pg->err) != PARLEY_OK)
		return PARLEY_EINVAL;
	return PARLEY_OK;
}

/* The pair's visits, top level first (the era chart's marks), as list
 * rows: those of the years from..to (0: all), at most limit (0: all);
 * NULL when the store cannot answer.  Caller decrefs. */
static json_t *pair_visits(pl_page *pg, const char *a, const char *b, int from, int to, long limit)
{
	parley_query q;
	parley_visits *r = NULL;
	char fy[16], ty[16];
	snprintf(fy, sizeof fy, "%04d", from);
	snprintf(ty, sizeof ty, "%04d", to);
	if (dash_query(pg, a, b, NULL, &q) != PARLEY_OK ||
	    parley_query_set(&q, "sort", "level", &pg->err) != PARLEY_OK ||
	    (from && parley_query_set(&q, "from", fy, &pg->err) != PARLEY_OK) ||
	    (to && parley_query_set(&q, "to", ty, &pg->err) != PARLEY_OK))
		return NULL;
	q.limit = limit;
	if (parley_visits_find(pg->w->db, &q, 0, &r, &pg->err) != PARLEY_OK)
		return NULL;
	json_t *rows = json_array();
	for (size_t i = 0; rows && i < r->n; i++)
		json_array_append_new(rows, pl_visit_json(&r->v[i], 0));
	parley_visits_free(r);
	return rows;
}

json_t *pl_timeline_json(pl_page *pg, const char *a, const char *b, const parley_pair_year *y,
                         size_t n)
{
	json_t *years = json_array();
	for (size_t i = 0; years && i < n; i++) {
		char yr[16];
		snprintf(yr, sizeof yr, "%d", y[i].year);
		char *u = pl_list_url(pg, a, b, yr, yr);
		json_array_append_new(years, json_pack("{s:i,s:I,s:I,s:I,s:s}", "year", y[i].year, "from_a",
		                                       (json_int_t)y[i].a_to_b, "from_b", (json_int_t)y[i].b_to_a,
		                                       "total", (json_int_t)(y[i].a_to_b + y[i].b_to_a),
		                                       "url", u ? u : ""));
		free(u);
	}
	return json_pack("{s:s,s:s,s:o}", "a", a, "b", b, "years", years);
}

json_t *pl_pair_timeline(pl_page *pg, const char *a, const char *b)
{
	/* The same visits as the era table beside it (the analysis defaults:
	 * ministerial or above, confirmed or reported, as of the page's date),
	 * counted per year and direction by the query layer. */
	parley_facet *f[2] = {NULL, NULL};
	for (int d = 0; d < 2; d++) {
		char dir[2 * PL_CODE_MAX + 2];
		parley_query q;
		snprintf(dir, sizeof dir, "%s:%s", d ? b : a, d ? a : b);
		if (dash_query(pg, a, b, dir, &q) != PARLEY_OK ||
		    parley_visits_facet(pg->w->db, &q, "year", &f[d], &pg->err) != PARLEY_OK) {
			parley_facet_free(f[0]);
			return NULL;
		}
	}
	/* both facets are newest first: merge them oldest first */
	parley_pair_year *y = calloc(f[0]->n + f[1]->n + 1, sizeof *y);
	size_t i = f[0]->n, j = f[1]->n, n = 0;
	while (y && (i > 0 || j > 0)) {
		const char *ya = i ? f[0]->values[i - 1].value : NULL;
		const char *yb = j ? f[1]->values[j - 1].value : NULL;
		int c = !ya ? 1 : !yb ? -1 : strcmp(ya, yb);
		y[n].year = atoi(c <= 0 ? ya : yb);
		y[n].a_to_b = c <= 0 ? f[0]->values[i - 1].n : 0;
		y[n++].b_to_a = c >= 0 ? f[1]->values[j - 1].n : 0;
		if (c <= 0)
			i--;
		if (c >= 0)
			j--;
	}
	parley_facet_free(f[0]);
	parley_facet_free(f[1]);
	json_t *t = y ? pl_timeline_json(pg, a, b, y, n) : NULL;
	free(y);
	return t;
}

/* Gaps are the analysis module's (`parley gaps A B`). */
json_t *pl_pair_gaps(pl_page *pg, const char *a, const char *b)
{
	json_t *g = pl_an_gaps(pg, a, b);
	return g ? g : json_pack("{s:s,s:s,s:s,s:[]}", "a", a, "b", b, "as_of", pg->w->today, "longest");
}

/* The era chart's title: the era of the most frequent visits. */
static void era_title(char *out, size_t cap, const char *best_era, double best_rate, long total,
                      const char *na, const char *nb)
{
	if (!best_era) {
		snprintf(out, cap, "%ld visits between %s and %s", total, na, nb);
		return;
	}
	char who[300];
	pl_strlcpy(who, best_era, sizeof who);
	char *slash = strstr(who, " / ");
	if (slash) { /* "A / B" reads as "A and B" in a sentence */
		char rest[300];
		pl_strlcpy(rest, slash + 3, sizeof rest);
		snprintf(slash, sizeof who - (size_t)(slash - who), " and %s", rest);
	}
	snprintf(out, cap, "Visits were most frequent under %s, at %.1f a year", who, best_rate);
}

/* True when the store knows the country code: a pair of codes comes
 * from the request, and an unknown one must not draw an empty dashboard. */
static int country_known(pl_page *pg, const char *code)
{
	char name[256]; /* the name alone: one index step, no visit counts */
	return parley_country_name(pg->w->db, code, name, sizeof name, NULL) == PARLEY_OK;
}

/* A timeline bar's link: the pair's list of that year, built by
 * pl_list_url like every other list link (live and static site alike). */
typedef struct year_link {
	pl_page *pg;
	const char *a, *b;
} year_link;

static char *year_href(int year, void *ud)
{
	const year_link *yl = ud;
	char yr[16];
	snprintf(yr, sizeof yr, "%d", year);
	return pl_list_url(yl->pg, yl->a, yl->b, yr, yr);
}

/* The years the per-visit era chart draws: those picked (p), narrowed
 * to hold at most PL_ERA_MARKS_MAX visits by the yearly counts cy: from
 * the first year picked forward, or, with none picked, from the last year
 * back (the latest visits).  At least one year; *n counts its visits. */
static void marks_years(const pl_marks_period *p, const pl_chart_year *cy, size_t ny, int first,
                        int last, int *from, int *to, long *n)
{
	int f = p->from ? p->from : first, t = p->to ? p->to : last;
	if (f < first)
		f = first;
	if (t > last)
		t = last;
	if (t < f)
		t = f;
	long in[2] = {0, 0}; /* visits of year y: the timeline's counts */
	*n = 0;
	int fwd = p->from != 0, y0 = fwd ? f : t, y = y0;
	for (; fwd ? y <= t : y >= f; y += fwd ? 1 : -1) {
		long k = 0;
		for (size_t i = 0; i < ny; i++)
			if (cy[i].year == y)
				k = (long)cy[i].n[0] + cy[i].n[1];
		if (y != y0 && *n + k > PL_ERA_MARKS_MAX)
			break;
		*n += k;
		in[fwd] = y;
	}
	*from = fwd ? f : in[0];
	*to = fwd ? (int)in[1] : t;
}

int pl_pair_charts(pl_page *pg, const char *a, const char *b, pl_buf *timeline, pl_buf *marks,
                   const pl_marks_period *per_visit, json_t *summary)
{
	/* the timeline, the eras and the gaps from one read of the pair's visits */
	json_t *tl = NULL, *eras = NULL, *gaps = NULL, *firsts = NULL;
	if (pl_an_pair(pg, a, b, &eras, &gaps, &tl, marks ? &firsts : NULL) != PARLEY_OK) {
		/* as before: the query layer's counts, no eras, the gaps' own answer */
		tl = pl_pair_timeline(pg, a, b);
		eras = json_array();
		gaps = pl_pair_gaps(pg, a, b);
	}
	if (!tl || !eras) {
		json_decref(tl);
		json_decref(eras);
		json_decref(gaps);
		json_decref(firsts);
		return PARLEY_EDB;
	}
	char *na = pl_country_name(pg->w->db, a), *nb = pl_country_name(pg->w->db, b);
	json_t *years = json_object_get(tl, "years");
	size_t ny = json_array_size(years);
	pl_chart_year *cy = calloc(ny ? ny : 1, sizeof *cy);
	long total = 0, tot_a = 0, tot_b = 0, best_n = -1;
	int best_y = 0;
	for (size_t i = 0; i < ny; i++) {
		json_t *y = json_array_get(years, i);
		cy[i].year = (int)json_integer_value(json_object_get(y, "year"));
		cy[i].n[0] = (int)json_integer_value(json_object_get(y, "from_a"));
		cy[i].n[1] = (int)json_integer_value(json_object_get(y, "from_b"));
		total += cy[i].n[0] + cy[i].n[1];
		tot_a += cy[i].n[0];
		tot_b += cy[i].n[1];
		if (cy[i].n[0] + cy[i].n[1] > best_n) {
			best_n = cy[i].n[0] + cy[i].n[1];
			best_y = cy[i].year;
		}
	}
	int first = ny ? cy[0].year : atoi(pg->w->today);
	char data_end[11]; /* no bars, no era past where the data ends */
	int last = atoi(pl_data_end(pg, a, b, data_end));
	if (ny && cy[ny - 1].year > last)
		last = cy[ny - 1].year;

	size_t ne = json_array_size(eras);
	pl_chart_era *ce = calloc(ne ? ne : 1, sizeof *ce);
	char **hrefs = calloc(ne ? ne : 1, sizeof *hrefs);
	double best_rate = -1;
	const char *best_era = NULL;
	for (size_t i = 0; i < ne; i++) {
		json_t *e = json_array_get(eras, i);
		const char *s = json_string_value(json_object_get(e, "start_date"));
		const char *en = json_string_value(json_object_get(e, "end_date"));
		ce[i].label = json_string_value(json_object_get(e, "label"));
		ce[i].start = pl_frac_year(s);
		ce[i].end = en ? pl_frac_year(en) : pl_frac_year(data_end);
		ce[i].visits = (int)json_integer_value(json_object_get(e, "visits"));
		char to[16] = "";
		if (en) {
			parley_date d;
			if (parley_date_parse(en, strlen(en), &d, NULL) == PARLEY_OK)
				parley_date_format(parley_date_from_day(parley_date_first_day(d) - 1), to, sizeof to);
		}
		hrefs[i] = pl_list_url(pg, a, b, s, to[0] ? to : NULL);
		ce[i].href = hrefs[i];
		/* The rate is the analysis module's; eras shorter than half a year
		 * do not compete for "most frequent" (one visit would dominate). */
		double rate = json_number_value(json_object_get(e, "rate"));
		if (era_years(pg, e) < 0.5)
			rate = 0;
		json_object_set_new(e, "url", json_string(hrefs[i]));
		/* each direction's count links to the era's list in that direction
		 * (on the static site app.js applies ?direction= to the era's file) */
		for (int d = 0; d < 2 && hrefs[i]; d++) {
			pl_buf du;
			pl_buf_init(&du, 4096);
			if (pl_buf_printf(&du, "%s%cdirection=%s%%3A%s", hrefs[i],
			                  pg->w->site || !strchr(hrefs[i], '?') ? '?' : '&', d ? b : a, d ? a : b) == PARLEY_OK)
				json_object_set_new(e, d ? "from_b_url" : "from_a_url", json_string(du.data));
			pl_buf_free(&du);
		}
		/* "by the two leaders" links to the era's visits that the analysis
		 * counts as by either paramount leader (top=A,B); the static site
		 * has that list pre-rendered (site.c) */
		if (pg->w->site) {
			char rel[200];
			if (pl_site_top_file(a, b, s, to[0] ? to : NULL, rel, sizeof rel) == PARLEY_OK) {
				pl_buf tu;
				pl_buf_init(&tu, 4096);
				if (pl_buf_printf(&tu, "%s%s", pg->rq->root, rel) == PARLEY_OK)
					json_object_set_new(e, "by_leaders_url", json_string(tu.data));
				pl_buf_free(&tu);
			}
		} else if (hrefs[i]) {
			pl_buf tu;
			pl_buf_init(&tu, 4096);
			if (pl_buf_printf(&tu, "%s%ctop=%s%%2C%s", hrefs[i], strchr(hrefs[i], '?') ? '&' : '?', a, b) == PARLEY_OK)
				json_object_set_new(e, "by_leaders_url", json_string(tu.data));
			pl_buf_free(&tu);
		}
		if (ce[i].end > first && rate > best_rate) {
			best_rate = rate;
			best_era = ce[i].label;
		}
	}

	char title[400], title2[400] = "", sub[300], desc[600], src[300], sub2_copy[300] = "";
	/* Finding 1: the latest era's rate against the rate before it. */
	if (ne >= 2 && total > 0) {
		json_t *le = json_array_get(eras, ne - 1);
		double yrs = era_years(pg, le);
		long in_last = (long)json_integer_value(json_object_get(le, "visits"));
		double before_years = ce[ne - 1].start - first;
		double r1 = yrs > 0 ? in_last / yrs : 0;
		double r0 = before_years > 0 ? (total - in_last) / before_years : 0;
		char who[300];
		snprintf(who, sizeof who, "%s and %s", pl_text_or(le, "leader_a_name", "?"),
		         pl_text_or(le, "leader_b_name", "?"));
		int y_end = (int)ce[ne - 1].start;
		snprintf(title, sizeof title, "High-level visits %s %.1f a year under %s, from %.1f a year in %d–%d",
		         r1 < r0 ? "fell to" : r1 > r0 ? "rose to" : "held at", r1, who, r0, first, y_end);
	} else {
		snprintf(title, sizeof title, "%ld high-level visits between %s and %s since %d", total, na, nb, first);
	}
	snprintf(sub, sizeof sub, "High-level visits per year by direction, %d–%d; %s%s%sas of %s", first, last,
	         strcmp(data_end, pg->w->today) ? "data through " : "",
	         strcmp(data_end, pg->w->today) ? data_end : "", strcmp(data_end, pg->w->today) ? "; " : "",
	         pg->w->today);
	snprintf(desc, sizeof desc,
	         "%ld visits in all: %ld from %s to %s and %ld from %s to %s. The busiest year was %d with %ld visits.",
	         total, tot_a, na, nb, tot_b, nb, na, best_y, best_n < 0 ? 0 : best_n);
	snprintf(src, sizeof src, "parley store, visits with status confirmed or reported; eras from paramount-leader tenures");
	char la[200], lb[200];
	snprintf(la, sizeof la, "%s to %s", na, nb);
	snprintf(lb, sizeof lb, "%s to %s", nb, na);

	pl_chart c = {0};
	c.id = "timeline";
	c.title = title;
	c.subtitle = sub;
	c.desc = desc;
	c.source = src;
	c.dir_label[0] = la;
	c.dir_label[1] = lb;
	year_link yl = {pg, a, b};
	c.year_href = year_href;
	c.year_ud = &yl;
	c.eras = ce;
	c.neras = ne;
	c.first_year = first;
	c.last_year = last;
	/* Span annotation: the longest interval without a visit, from the
	 * analysis module (`parley gaps`), linked to the two visits that bound it. */
	pl_chart_span span = {0};
	char span_label[120], *span_href = NULL;
	if (!timeline) {
		json_decref(gaps);
		gaps = NULL;
	}
	json_t *g0 = json_array_get(json_object_get(gaps, "longest"), 0);
	if (g0) {
		const char *gf = json_string_value(json_object_get(g0, "from"));
		const char *gt = json_string_value(json_object_get(g0, "to"));
		snprintf(span_label, sizeof span_label, "Longest gap: %.1f years without a visit",
		         json_number_value(json_object_get(g0, "years")));
		span_href = pl_list_url(pg, a, b, gf, gt);
		span.from = pl_frac_year(gf);
		span.to = pl_frac_year(gt);
		span.label = span_label;
		span.href = span_href;
		c.spans = &span;
		c.nspans = 1;
		size_t dl = strlen(desc);
		snprintf(desc + dl, sizeof desc - dl, " The longest interval without a visit ran %.1f years, from %s to %s.",
		         json_number_value(json_object_get(g0, "years")), gf, gt);
	}
	int rc = timeline ? pl_svg_timeline(timeline, &c, cy, ny) : PARLEY_OK;
	c.spans = NULL;
	c.nspans = 0;
	free(span_href);
	if (summary && gaps) /* the dashboard states them too: computed once */
		json_object_set(summary, "gaps", gaps);
	json_decref(gaps);

	/* Past PL_ERA_MARKS_MAX visits one mark per visit is a solid band (and
	 * reads every visit of the pair): one mark per year and direction,
	 * sized by count, from the timeline's own counts.  The chart says so,
	 * and the dashboard links the per-visit chart (marks=visits). */
	int aggregate = marks && !per_visit && total > PL_ERA_MARKS_MAX;
	if (rc == PARLEY_OK && aggregate) {
		era_title(title2, sizeof title2, best_era, best_rate, total, na, nb);
		snprintf(sub2_copy, sizeof sub2_copy, "%ld visits, too many to draw one by one (more than %d): "
		         "each mark is one year's visits in one direction, its area by count; eras with their "
		         "visit counts; as of %s", total, PL_ERA_MARKS_MAX, pg->w->today);
		pl_buf d;
		pl_buf_init(&d, 1u << 16);
		rc = pl_buf_puts(&d, "Visits per leader-pair era: ");
		for (size_t i = 0; rc == PARLEY_OK && i < ne; i++)
			rc = pl_buf_printf(&d, "%s%s %d", i ? "; " : "", ce[i].label, ce[i].visits);
		if (rc == PARLEY_OK)
			rc = pl_buf_printf(&d, ". The busiest year was %d with %ld visits.", best_y,
			                   best_n < 0 ? 0 : best_n);
		c.id = "eras";
		c.title = title2;
		c.subtitle = sub2_copy;
		c.desc = d.data;
		if (rc == PARLEY_OK)
			rc = pl_svg_era_counts(marks, &c, cy, ny);
		pl_buf_free(&d);
		if (rc == PARLEY_OK && summary && !pg->w->site) {
			pl_buf u;
			pl_buf_init(&u, 4096);
			rc = pl_buf_printf(&u, "%schart/eras.svg?between=%s%%3A%s&marks=visits",
			                   pg->rq->root, a, b);
			if (rc == PARLEY_OK)
				json_object_set_new(summary, "eras_per_visit_url", json_string(u.data));
			pl_buf_free(&u);
		}
	}
	/* The era chart: one mark per visit, of every visit up to
	 * PL_ERA_MARKS_MAX; past it, of the years asked or the latest, within
	 * that bound (3.8 s for 100,000 marks, issue 13), the axis those years */
	int pf = 0, pt = 0;
	long pn = total;
	if (per_visit && total > PL_ERA_MARKS_MAX) {
		marks_years(per_visit, cy, ny, first, last, &pf, &pt, &pn);
		c.first_year = pf;
		c.last_year = pt;
	} else if (per_visit && (per_visit->from || per_visit->to)) { /* a period asked: zoomed */
		marks_years(per_visit, cy, ny, first, last, &pf, &pt, &pn);
		c.first_year = pf;
		c.last_year = pt;
	}
	if (rc == PARLEY_OK && marks && !aggregate) {
		json_t *vs = pair_visits(pg, a, b, pf, pt, per_visit ? PL_ERA_MARKS_MAX : 0);
		size_t nm = vs ? json_array_size(vs) : 0;
		pl_chart_mark *m = calloc(nm ? nm : 1, sizeof *m);
		char **labels = calloc(nm ? nm : 1, sizeof *labels);
		char **mh = calloc(nm ? nm : 1, sizeof *mh);
		char **notes = calloc(nm ? nm : 1, sizeof *notes);
		/* Point annotations: each paramount leader's first visit as leader
		 * (the analysis module's eras), never typed by hand. */
		if (!firsts) /* the analysis failed above: the eras' own */
			firsts = pl_an_firsts(pg->w->db, a, b, pg->w->today);
		pl_buf fd; /* the ringed firsts, for the description */
		pl_buf_init(&fd, 2048);
		int frc = PARLEY_OK;
		for (size_t i = 0; i < nm; i++) {
			json_t *v = json_array_get(vs, i);
			const char *lev = json_string_value(json_object_get(v, "level"));
			m[i].when = pl_frac_year(json_string_value(json_object_get(v, "start_date")));
			m[i].dir = strcmp(json_string_value(json_object_get(v, "from_country")), a) == 0 ? 0 : 1;
			m[i].rank = parley_level_rank(lev);
			pl_buf l;
			pl_buf_init(&l, 1024);
			int lrc = pl_buf_printf(&l, "%s %s (%s)", pl_text_or(v, "start_date", "undated"),
			                        pl_text_or(v, "visitor_name", "unidentified"), lev ? lev : "?");
			const char *vid = json_string_value(json_object_get(v, "id"));
			size_t fi;
			json_t *fj;
			json_array_foreach(firsts, fi, fj) {
				const char *nm1 = json_string_value(json_object_get(fj, "name"));
				if (!vid || !nm1 || strcmp(vid, json_string_value(json_object_get(fj, "id"))) != 0)
					continue;
				pl_buf nb1;
				pl_buf_init(&nb1, 512);
				if (pl_buf_printf(&nb1, "%s's first", nm1) == PARLEY_OK)
					notes[i] = pl_buf_take(&nb1);
				pl_buf_free(&nb1);
				m[i].note = notes[i];
				if (lrc == PARLEY_OK)
					lrc = pl_buf_printf(&l, "; %s's first visit as leader", nm1);
				if (frc == PARLEY_OK)
					frc = pl_buf_printf(&fd, "%s%s (%.4s)", fd.len ? ", " : "", nm1,
					                    pl_text_or(v, "start_date", ""));
			}
			/* a mark whose label did not fit has none (the chart draws no tooltip) */
			labels[i] = lrc == PARLEY_OK ? pl_buf_take(&l) : NULL;
			pl_buf_free(&l);
			m[i].label = labels[i];
			mh[i] = pl_url(pg, "visit", json_string_value(json_object_get(v, "id")));
			m[i].href = mh[i];
		}
		era_title(title2, sizeof title2, best_era, best_rate, total, na, nb);
		char sub2[300], desc2[1200];
		if (pf)
			snprintf(sub2, sizeof sub2, "Each mark is one visit, sized by level: the %zu visits of %d-%d "
			         "(of %ld; one by one at most %d, so a period: from= and to= pick the years); "
			         "eras with their visit counts; as of %s", nm, pf, pt, total, PL_ERA_MARKS_MAX,
			         pg->w->today);
		else
			snprintf(sub2, sizeof sub2, "Each mark is one visit, sized by level; eras with their visit counts; as of %s", pg->w->today);
		pl_buf d;
		pl_buf_init(&d, sizeof desc2);
		/* A description longer than its room keeps the eras that fit. */
		int drc = pl_buf_puts(&d, "Visits per leader-pair era: ");
		for (size_t i = 0; i < ne && drc == PARLEY_OK; i++)
			drc = pl_buf_printf(&d, "%s%s %d", i ? "; " : "", ce[i].label, ce[i].visits);
		if (drc == PARLEY_OK)
			drc = pl_buf_puts(&d, ".");
		int ringed = frc == PARLEY_OK && fd.len;
		if (drc == PARLEY_OK && ringed)
			drc = pl_buf_printf(&d, " Ringed: each paramount leader's first recorded visit as leader: %s.", fd.data);
		pl_strlcpy(desc2, d.data ? d.data : "", sizeof desc2);
		if (ringed) {
			size_t sl = strlen(sub2);
			snprintf(sub2 + sl, sizeof sub2 - sl, "; ringed: each top leader's first visit as leader");
		}
		pl_strlcpy(sub2_copy, sub2, sizeof sub2_copy);
		pl_buf_free(&fd);
		json_decref(firsts);
		firsts = NULL;
		pl_buf_free(&d);
		c.id = "eras";
		c.title = title2;
		c.subtitle = sub2;
		c.desc = desc2;
		rc = pl_svg_era_marks(marks, &c, m, nm);
		for (size_t i = 0; i < nm; i++) {
			free(labels[i]);
			free(mh[i]);
			free(notes[i]);
		}
		free(notes);
		free(labels);
		free(mh);
		free(m);
		json_decref(vs);
	}
	if (summary) {
		json_object_set_new(summary, "timeline_title", json_string(title));
		/* the dashboard repeats each chart's title and subtitle as HTML
		 * above it, where they wrap on a narrow screen */
		json_object_set_new(summary, "timeline_sub", json_string(sub));
		if (marks) {
			json_object_set_new(summary, "eras_title", json_string(title2));
			json_object_set_new(summary, "eras_sub", json_string(sub2_copy));
		}
		json_object_set_new(summary, "total", json_integer(total));
		json_object_set_new(summary, "from_a", json_integer(tot_a));
		json_object_set_new(summary, "from_b", json_integer(tot_b));
		json_object_set_new(summary, "first_year", json_integer(first));
		json_object_set_new(summary, "last_year", json_integer(last));
		json_object_set_new(summary, "data_last_year", json_integer(ny ? cy[ny - 1].year : last));
		json_object_set_new(summary, "eras", json_incref(eras));
		json_object_set_new(summary, "a_name", json_string(na));
		json_object_set_new(summary, "b_name", json_string(nb));
	}
	for (size_t i = 0; i < ne; i++)
		free(hrefs[i]);
	free(hrefs);
	free(ce);
	free(cy);
	free(na);
	free(nb);
	json_decref(tl);
	json_decref(eras);
	json_decref(firsts); /* not drawn: an aggregated chart or an error */
	return rc;
}

void pl_page_dashboard(pl_page *pg, const char *a, const char *b)
{
	if (!a[0] || !b[0]) {
		pl_send_error(pg, 404, NULL, "the store has no visits yet");
		return;
	}
	if (strcmp(a, b) == 0) {
		pl_send_error(pg, 404, NULL, "a pair is two different countries");
		return;
	}
	if (!country_known(pg, a) || !country_known(pg, b)) {
		pl_send_error(pg, 404, NULL, "no such country");
		return;
	}
	pl_buf t, m;
	pl_buf_init(&t, 4u << 20);
	pl_buf_init(&m, 4u << 20);
	json_t *ctx = json_object();
	if (pl_pair_charts(pg, a, b, &t, &m, NULL, ctx) != PARLEY_OK) {
		pl_buf_free(&t);
		pl_buf_free(&m);
		json_decref(ctx);
		pl_send_error(pg, 500, NULL, pg->err.msg[0] ? pg->err.msg : "chart failed");
		return;
	}
	json_object_set_new(ctx, "timeline_svg", json_string(t.data ? t.data : ""));
	json_object_set_new(ctx, "eras_svg", json_string(m.data ? m.data : ""));
	pl_buf_free(&t);
	pl_buf_free(&m);
	char title[300];
	snprintf(title, sizeof title, "%s and %s: high-level visits",
	         json_string_value(json_object_get(ctx, "a_name")), json_string_value(json_object_get(ctx, "b_name")));
	json_object_set_new(ctx, "title", json_string(title));
	json_object_set_new(ctx, "a", json_string(a));
	json_object_set_new(ctx, "b", json_string(b));
	char *u = pl_list_url(pg, a, b, NULL, NULL);
	json_object_set_new(ctx, "all_url", json_string(u));
	free(u);
	json_t *gaps = json_incref(json_object_get(ctx, "gaps"));
	json_object_del(ctx, "gaps");
	if (!gaps)
		gaps = pl_pair_gaps(pg, a, b);
	if (gaps) {
		json_object_set(ctx, "current_gap", json_object_get(gaps, "current"));
		json_object_set(ctx, "pair_through", json_object_get(gaps, "data_through"));
		json_t *longest = json_array_get(json_object_get(gaps, "longest"), 0);
		if (longest) {
			/* the figure links to the two visits that bound the interval */
			char *gu = pl_list_url(pg, a, b, json_string_value(json_object_get(longest, "from")),
			                       json_string_value(json_object_get(longest, "to")));
			json_object_set_new(longest, "list_url", json_string(gu));
			free(gu);
			json_object_set(ctx, "longest_gap", longest);
		}
		json_decref(gaps);
	}
	/* Latest visits, newest first. */
	pl_wq q;
	memset(&q, 0, sizeof q);
	pl_strlcpy(q.a, a, sizeof q.a);
	pl_strlcpy(q.b, b, sizeof q.b);
	q.sort = "-date";
	q.page = 1;
	q.per_page = 8;
	json_t *rows = NULL;
	long total = 0;
	if (pl_wq_visits(pg->w->db, &q, 0, 0, &rows, &total, &pg->err) == PARLEY_OK) {
		pl_visit_links(pg, rows);
		pl_add_labels(rows);
		json_object_set_new(ctx, "latest", rows);
	}
	/* Downloads: the data behind each chart, and the charts themselves. */
	char dl[6][300];
	const char *ext = pg->w->site ? ".json" : "";
	const char *qs = pg->w->site ? "" : "?between=";
	char pair[40];
	if (pg->w->site)
		pair[0] = '\0';
	else
		snprintf(pair, sizeof pair, "%s%%3A%s", a, b);
	snprintf(dl[0], sizeof dl[0], "%sapi/v1/visits.csv%s%s", pg->rq->root, qs, pair);
	snprintf(dl[1], sizeof dl[1], "%sapi/v1/visits%s%s%s", pg->rq->root, ext, qs, pair);
	snprintf(dl[2], sizeof dl[2], "%sapi/v1/timeline.csv%s%s", pg->rq->root, qs, pair);
	snprintf(dl[3], sizeof dl[3], "%sapi/v1/eras.csv%s%s", pg->rq->root, qs, pair);
	snprintf(dl[4], sizeof dl[4], "%schart/timeline.svg%s%s", pg->rq->root, qs, pair);
	snprintf(dl[5], sizeof dl[5], "%schart/eras.svg%s%s", pg->rq->root, qs, pair);
	json_object_set_new(ctx, "downloads", json_pack("[{s:s,s:s},{s:s,s:s},{s:s,s:s},{s:s,s:s},{s:s,s:s},{s:s,s:s}]",
	    "label", "Visits (CSV)", "url", dl[0], "label", "Visits (JSON)", "url", dl[1],
	    "label", "Visits per year (CSV)", "url", dl[2], "label", "Eras (CSV)", "url", dl[3],
	    "label", "Timeline chart (SVG)", "url", dl[4], "label", "Era chart (SVG)", "url", dl[5]));
	if (!pg->w->site || pg->w->png) { /* drawn in process from the SVG (png.c) */
		json_t *d = json_object_get(ctx, "downloads");
		for (int i = 0; i < 2; i++) {
			char u[300];
			snprintf(u, sizeof u, "%schart/%s.png%s%s", pg->rq->root, i ? "eras" : "timeline", qs, pair);
			json_array_append_new(d, json_pack("{s:s,s:s}", "label", i ? "Era chart (PNG)" : "Timeline chart (PNG)", "url", u));
			json_object_set_new(ctx, i ? "eras_png" : "timeline_png", json_string(u));
		}
	}
	pl_render_page(pg, "dashboard", ctx);
}

/* The pair of a request: between=A:B, or the home pair. */
static int request_pair(pl_page *pg, char *a, char *b)
{
	static const char *const allowed[] = {"between", NULL};
	pl_wq q;
	if (pl_wq_parse(&q, pg->rq->params, pg->rq->nparams, allowed, &pg->err) != PARLEY_OK) {
		pl_send_error(pg, 400, q.bad_param, pg->err.msg);
		return 0;
	}
	pl_strlcpy(a, q.a[0] ? q.a : pg->w->home_a, PL_CODE_MAX);
	pl_strlcpy(b, q.b[0] ? q.b : pg->w->home_b, PL_CODE_MAX);
	if (q.a[0] && (!country_known(pg, a) || !country_known(pg, b))) {
		pl_send_error(pg, 400, "between", "parameter 'between': no such country");
		return 0;
	}
	if (strcmp(a, b) > 0) { /* one canonical order: alphabetical */
		char t[PL_CODE_MAX];
		pl_strlcpy(t, a, sizeof t);
		pl_strlcpy(a, b, PL_CODE_MAX);
		pl_strlcpy(b, t, PL_CODE_MAX);
	}
	return 1;
}

void pl_chart_svg(pl_page *pg, const char *which, const char *a0, const char *b0)
{
	char a[PL_CODE_MAX], b[PL_CODE_MAX];
	(void)a0;
	(void)b0;
	/* marks=visits: the era chart one mark per visit, of the years from=
	 * and to= (or the latest), at most PL_ERA_MARKS_MAX of them */
	int per_visit = 0;
	pl_marks_period period = {0, 0};
	pl_web_req rq = *pg->rq;
	rq.nparams = 0;
	for (size_t i = 0; i < pg->rq->nparams; i++) {
		const pl_param *p = &pg->rq->params[i];
		if (strcmp(p->key, "from") == 0 || strcmp(p->key, "to") == 0) {
			char *end = NULL;
			long y = strtol(p->value, &end, 10);
			if (strlen(p->value) != 4 || *end || y < 1) {
				pl_send_error(pg, 400, p->key, p->key[0] == 'f' ? "parameter 'from': expected a year YYYY"
				                                              : "parameter 'to': expected a year YYYY");
				return;
			}
			*(p->key[0] == 'f' ? &period.from : &period.to) = (int)y;
		} else if (strcmp(p->key, "marks") != 0) {
			rq.params[rq.nparams++] = *p;
		} else if (strcmp(p->value, "visits") == 0 || strcmp(p->value, "years") == 0) {
			per_visit = p->value[0] == 'v';
		} else {
			pl_send_error(pg, 400, "marks", "parameter 'marks': expected visits or years");
			return;
		}
	}
	if ((period.from || period.to) && !per_visit) {
		pl_send_error(pg, 400, period.from ? "from" : "to",
		              "parameters 'from' and 'to' pick the years of marks=visits");
		return;
	}
	const pl_web_req *orig = pg->rq;
	pg->rq = &rq;
	int ok = request_pair(pg, a, b);
	pg->rq = orig;
	if (!ok)
		return;
	pl_buf_reset(&pg->rs->body);
	int tl = strcmp(which, "timeline.svg") == 0;
	if (pl_pair_charts(pg, a, b, tl ? &pg->rs->body : NULL, tl ? NULL : &pg->rs->body,
	                   per_visit ? &period : NULL, NULL) != PARLEY_OK) {
		pl_send_error(pg, 500, NULL, "chart failed");
		return;
	}
	pg->rs->type = "image/svg+xml; charset=utf-8";
}

void pl_api_pair(pl_page *pg, const char *what, int fmt)
{
	char a[PL_CODE_MAX], b[PL_CODE_MAX];
	if (!request_pair(pg, a, b))
		return;
	if (strcmp(what, "eras") == 0) {
		/* One schema per figure: the bytes `parley eras A B --format json|csv`
		 * writes (the analysis module's writer), as of the page's date. */
		parley_analysis_opts o = {.a = a, .b = b, .as_of = pg->w->today};
		parley_eras *e = NULL;
		int rc = parley_eras_compute(pg->w->db, &o, PARLEY_ERAS_PAIR, &e, &pg->err);
		if (rc != PARLEY_OK) {
			pl_send_error(pg, rc == PARLEY_ENOTFOUND ? 404 : 500, NULL, pg->err.msg);
			return;
		}
		char *text = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&text, &len);
		rc = m ? parley_eras_write(e, fmt == 2 ? "csv" : "json", 0, m, &pg->err) : PARLEY_ENOMEM;
		if (m)
			fclose(m);
		parley_eras_free(e);
		json_t *j = rc == PARLEY_OK && fmt != 2 ? json_loadb(text, len, 0, NULL) : NULL;
		if (rc != PARLEY_OK || (fmt != 2 && !j)) {
			free(text);
			pl_send_error(pg, 500, NULL, "eras: the answer could not be written");
			return;
		}
		if (fmt == 2) {
			pl_buf_reset(&pg->rs->body);
			if (pl_buf_append(&pg->rs->body, text, len) != PARLEY_OK) {
				free(text);
				pl_send_error(pg, 500, NULL, "eras: the answer is too large");
				return;
			}
			pg->rs->type = "text/csv; charset=utf-8";
		} else {
			pl_send_json(pg, j);
		}
		free(text);
	} else if (strcmp(what, "timeline") == 0) {
		json_t *t = pl_pair_timeline(pg, a, b);
		if (!t) {
			pl_send_error(pg, 500, NULL, pg->err.msg);
			return;
		}
		if (fmt == 2) {
			static const char *const cols[] = {"year", "from_a", "from_b", "total", NULL};
			pl_send_csv(pg, json_object_get(t, "years"), cols);
			json_decref(t);
			return;
		}
		char th[11] = "";
		parley_data_through(pg->w->db, a, b, NULL, th, NULL, 0, NULL);
		if (th[0]) /* years after it have no data, not zero visits */
			json_object_set_new(t, "data_through", json_string(th));
		pl_send_json(pg, t);
	} else {
		json_t *g = pl_pair_gaps(pg, a, b);
		if (!g) {
			pl_send_error(pg, 500, NULL, pg->err.msg);
			return;
		}
		if (fmt == 2) {
			static const char *const cols[] = {"days", "from", "to", NULL};
			pl_send_csv(pg, json_object_get(g, "longest"), cols);
			json_decref(g);
			return;
		}
		pl_send_json(pg, g);
	}
}
