/*
 * brief_eval.c - evaluates a brief's live figures and charts as of its
 * as-of date, through the typed query layer (parley_visits_find) and the
 * analysis (eras, timeline, context); no SQL of its own.
 *
 * A count is the total of one parley_query, and its link is the visit list
 * with exactly that query, so the list's total equals the figure by
 * construction (tests/http checks it).  An era names its dates: the query
 * runs from the era's first day to the day before its successor's first
 * (the changeover day belongs to the successor), or to the as-of date.
 */
#include "brief.h"
#include "../web/webq.h"
#include "words.h"
#include "../analysis/an.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void pl_figure_free(pl_figure *f)
{
	if (!f)
		return;
	free(f->expr);
	free(f->kind);
	free(f->value);
	free(f->as_of);
	free(f->ids);
	free(f->query);
	free(f->link);
	free(f->svg);
	memset(f, 0, sizeof *f);
}

/* Arguments that go to the query layer as they are, by their query name. */
static const char *const pass[][2] = {
    {"pair", "between"}, {"direction", "direction"}, {"host", "country"},
    {"visitor", "visitor"}, {"companion", "companion"}, {"person", "person"},
    {"office", "office"}, {"level", "level"}, {"min_level", "min_level"},
    {"type", "type"}, {"from", "from"}, {"to", "to"}, {"year", "year"}, {"top", "top"},
};

static int known_arg(const char *fn, const char *k)
{
	for (size_t i = 0; i < PL_ARRAY_LEN(pass); i++)
		if (strcmp(k, pass[i][0]) == 0)
			return strcmp(fn, "sentence") != 0;
	if (strcmp(k, "era") == 0)
		return strcmp(fn, "sentence") != 0;
	if (strcmp(k, "context") == 0 || strcmp(k, "kind") == 0)
		return strcmp(fn, "sentence") == 0;
	return 0;
}

/* The filter of e as a query string in a fixed order (into qs) and a
 * parley_query (q, whose strings point into e and era).  The query string
 * holds exactly what q filters, as the visit list reads it. */
typedef struct fq {
	parley_query q;
	pl_buf qs;
	char a[8], b[8];       /* the pair (or direction) when one is given */
	char from[11], to[11]; /* the era's days */
	double years;          /* the era's length, 0 when no era */
	const char *min_level;
} fq;

static int qs_add(fq *f, const char *k, const char *v, parley_err *err)
{
	int rc = parley_query_set(&f->q, k, v, err);
	if (rc)
		return rc;
	rc = pl_buf_printf(&f->qs, "%s%s=", f->qs.len ? "&" : "", k);
	if (!rc) rc = pl_esc_url(&f->qs, v);
	return rc ? parley_err_set(err, PARLEY_ENOMEM, "out of memory") : PARLEY_OK;
}

static int data_through_check(parley_db *db, fq *f, const char *as_of, parley_err *err)
{
	char through[11] = "", rule[200] = "";
	int rc;
	if (f->a[0]) {
		rc = parley_data_through(db, f->a, f->b, f->min_level, through, rule, sizeof rule, err);
	} else {
		parley_data_version dv;
		rc = parley_data_version_get(db, &dv, err);
		pl_strlcpy(through, dv.data_through, sizeof through);
		snprintf(rule, sizeof rule, "data version %s", dv.name);
	}
	if (rc)
		return rc;
	if (through[0] && strcmp(as_of, through) > 0)
		return parley_err_set(err, PARLEY_EDATA,
		                      "as of %s is past the data-through date %s (%s): the figure "
		                      "would claim what the data cannot know",
		                      as_of, through, rule);
	return PARLEY_OK;
}

static int fq_build(parley_db *db, const pl_expr *e, const char *as_of, fq *f, parley_err *err)
{
	memset(f, 0, sizeof *f);
	parley_query_init(&f->q);
	pl_buf_init(&f->qs, 8192);
	for (size_t i = 0; i < e->nargs; i++)
		if (!known_arg(e->fn, e->keys[i]))
			return parley_err_set(err, PARLEY_EDATA, "'%s' takes no argument '%s'", e->fn,
			                      e->keys[i]);
	const char *pair = pl_expr_get(e, "pair"), *dir = pl_expr_get(e, "direction");
	const char *pd = pair ? pair : dir;
	if (pd) {
		const char *sep = strpbrk(pd, ":-");
		if (!sep || (size_t)(sep - pd) >= sizeof f->a || strlen(sep + 1) >= sizeof f->b)
			return parley_err_set(err, PARLEY_EDATA, "expected %s=A:B with two country codes (got '%s')",
			                      pair ? "pair" : "direction", pd);
		memcpy(f->a, pd, (size_t)(sep - pd));
		pl_strlcpy(f->b, sep + 1, sizeof f->b);
	}
	f->min_level = pl_expr_get(e, "min_level");
	if (!f->min_level && !pl_expr_get(e, "level"))
		f->min_level = "ministerial"; /* the analysis's rule: Foreign Minister or above */
	const char *era = pl_expr_get(e, "era");
	if (era) {
		if (!pair)
			return parley_err_set(err, PARLEY_EDATA, "era= needs pair=A:B");
		if (pl_expr_get(e, "from") || pl_expr_get(e, "to") || pl_expr_get(e, "year"))
			return parley_err_set(err, PARLEY_EDATA, "era= sets the dates: give no from=, to= or year=");
		parley_analysis_opts o = {.a = f->a, .b = f->b, .as_of = as_of, .min_level = f->min_level};
		parley_eras *er = NULL;
		int rc = parley_eras_compute(db, &o, PARLEY_ERAS_PAIR, &er, err);
		if (rc)
			return rc;
		size_t k;
		for (k = 0; k < er->n; k++)
			if (strcmp(er->eras[k].name, era) == 0)
				break;
		if (k == er->n) {
			pl_buf names;
			pl_buf_init(&names, 4096);
			for (size_t j = 0; j < er->n; j++)
				pl_buf_printf(&names, "%s'%s'", j ? ", " : "", er->eras[j].name);
			rc = parley_err_set(err, PARLEY_ENOTFOUND, "no era '%s' of %s:%s as of %s (eras: %s)",
			                    era, f->a, f->b, as_of, names.data ? names.data : "none");
			pl_buf_free(&names);
			parley_eras_free(er);
			return rc;
		}
		const parley_era *x = &er->eras[k];
		pl_strlcpy(f->from, x->start, sizeof f->from);
		if (x->open) {
			pl_strlcpy(f->to, x->end, sizeof f->to);
		} else {
			parley_date d;
			parley_date_parse(x->end, strlen(x->end), &d, NULL);
			parley_date_format(parley_date_from_day(parley_date_first_day(d) - 1), f->to, sizeof f->to);
		}
		f->years = x->years;
		parley_eras_free(er);
	}
	int rc = PARLEY_OK;
	for (size_t i = 0; i < PL_ARRAY_LEN(pass) && !rc; i++) {
		const char *v = pl_expr_get(e, pass[i][0]);
		if (v)
			rc = qs_add(f, pass[i][1], v, err);
		if (!rc && strcmp(pass[i][0], "min_level") == 0 && !v && f->min_level)
			rc = qs_add(f, "min_level", f->min_level, err);
	}
	if (!rc && f->from[0])
		rc = qs_add(f, "from", f->from, err);
	if (!rc && f->to[0])
		rc = qs_add(f, "to", f->to, err);
	if (!rc)
		rc = qs_add(f, "as_of", as_of, err);
	if (!rc)
		rc = data_through_check(db, f, as_of, err);
	return rc;
}

static void fq_free(fq *f) { pl_buf_free(&f->qs); }

void pl_date_words(const char *d, char *out, size_t n)
{
	static const char *const mon[] = {"January", "February", "March", "April", "May", "June",
	                                  "July", "August", "September", "October", "November",
	                                  "December"};
	int y = 0, m = 0, day = 0;
	int k = sscanf(d, "%d-%d-%d", &y, &m, &day);
	if (k == 3 && m >= 1 && m <= 12)
		snprintf(out, n, "%d %s %d", day, mon[m - 1], y);
	else if (k == 2 && m >= 1 && m <= 12)
		snprintf(out, n, "%s %d", mon[m - 1], y);
	else
		snprintf(out, n, "%s", d);
}

static char *ids_of(const parley_visits *r, size_t from, size_t to)
{
	pl_buf b;
	pl_buf_init(&b, 0);
	pl_buf_puts(&b, "");
	for (size_t i = from; i < to && i < r->n; i++)
		pl_buf_printf(&b, "%s%s", i > from ? " " : "", r->v[i].id);
	return pl_buf_take(&b);
}

static int eval_list(parley_db *db, const pl_expr *e, const char *as_of, pl_figure *f,
                     parley_err *err)
{
	fq q;
	int rc = fq_build(db, e, as_of, &q, err);
	int is_rate = strcmp(e->fn, "rate") == 0, is_first = strcmp(e->fn, "first") == 0;
	int is_gap = strcmp(e->fn, "gap") == 0;
	if (!rc && is_rate && q.years <= 0)
		rc = parley_err_set(err, PARLEY_EDATA, "rate needs era=\"NAME\" (visits a year in that era)");
	if (!rc && is_gap)
		rc = parley_query_set(&q.q, "sort", "-date", err);
	parley_visits *r = NULL;
	if (!rc)
		rc = parley_visits_find(db, &q.q, 0, &r, err);
	if (!rc && (is_first || is_gap) && r->total < (is_gap ? 2 : 1))
		rc = parley_err_set(err, PARLEY_EDATA, "no data for the period: %s visit%s match as of %s",
		                    r->total ? "only one" : "no", r->total == 1 ? "" : "s", as_of);
	if (rc) {
		parley_visits_free(r);
		fq_free(&q);
		return rc;
	}
	char v[128];
	if (is_first) {
		pl_date_words(r->v[0].start_date, v, sizeof v);
		f->ids = pl_strdup(r->v[0].id);
		size_t ln = strlen(r->v[0].id) + 8;
		f->link = malloc(ln);
		if (f->link)
			snprintf(f->link, ln, "visit/%s", r->v[0].id);
	} else if (is_gap) {
		/* the interval that ended with the latest visit: its days between the
		 * two starts (first possible days), as the analysis measures gaps */
		parley_date a, b;
		parley_date_parse(r->v[1].start_date, strlen(r->v[1].start_date), &a, NULL);
		parley_date_parse(r->v[0].start_date, strlen(r->v[0].start_date), &b, NULL);
		pl_duration_words(parley_date_first_day(b) - parley_date_first_day(a), v, sizeof v);
		pl_buf ids;
		pl_buf_init(&ids, 0);
		pl_buf_printf(&ids, "%s %s", r->v[1].id, r->v[0].id);
		f->ids = pl_buf_take(&ids);
	} else if (is_rate) {
		snprintf(v, sizeof v, "%.2f", q.years > 0 ? (double)r->total / q.years : 0.0);
		f->ids = ids_of(r, 0, r->n);
	} else {
		snprintf(v, sizeof v, "%ld", r->total);
		f->ids = ids_of(r, 0, r->n);
	}
	f->value = pl_strdup(v);
	f->query = pl_buf_take(&q.qs);
	parley_visits_free(r);
	fq_free(&q);
	return f->value && f->ids && f->query ? PARLEY_OK
	                                      : parley_err_set(err, PARLEY_ENOMEM, "out of memory");
}

static int eval_sentence(parley_db *db, const pl_expr *e, const char *as_of, pl_figure *f,
                         parley_err *err)
{
	for (size_t i = 0; i < e->nargs; i++)
		if (!known_arg(e->fn, e->keys[i]))
			return parley_err_set(err, PARLEY_EDATA, "'sentence' takes no argument '%s'", e->keys[i]);
	const char *id = pl_expr_get(e, "context"), *kind = pl_expr_get(e, "kind");
	if (!id)
		return parley_err_set(err, PARLEY_EDATA, "sentence needs context=VISIT-ID");
	parley_visits *v = NULL;
	int rc = parley_visit_get(db, id, &v, err);
	if (rc)
		return rc;
	parley_date d;
	rc = parley_date_parse(v->v[0].start_date, strlen(v->v[0].start_date), &d, err);
	char first[11];
	parley_date_format(parley_date_from_day(parley_date_first_day(d)), first, sizeof first);
	if (!rc && strcmp(first, as_of) > 0)
		rc = parley_err_set(err, PARLEY_EDATA, "visit '%s' starts after the as-of date %s", id, as_of);
	if (!rc) {
		fq q;
		pl_expr pe = {.fn = (char *)"count"};
		pe.keys[0] = (char *)"direction";
		char dir[20];
		snprintf(dir, sizeof dir, "%s:%s", v->v[0].from_country, v->v[0].to_country);
		pe.values[0] = dir;
		pe.nargs = 1;
		rc = fq_build(db, &pe, as_of, &q, err);
		fq_free(&q);
	}
	/* a brief-ready phrase (an_phrase.c): plain words, no coverage ids */
	parley_context *c = NULL;
	if (!rc)
		rc = pl_phrase_compute(db, id, kind ? kind : "first-in-years", NULL, &c, err);
	const parley_sentence *s = rc ? NULL : &c->s[0];
	if (!rc) {
		f->value = pl_strdup(s->text);
		pl_buf b;
		pl_buf_init(&b, 0);
		pl_buf_puts(&b, "");
		for (size_t i = 0; i < s->visits.n; i++)
			pl_buf_printf(&b, "%s ", s->visits.ids[i]);
		pl_buf_puts(&b, id);
		f->ids = pl_buf_take(&b);
		f->query = pl_strdup("");
		size_t ln = strlen(id) + 8;
		f->link = malloc(ln);
		if (f->link)
			snprintf(f->link, ln, "visit/%s", id);
		if (!f->value || !f->ids || !f->query || !f->link)
			rc = parley_err_set(err, PARLEY_ENOMEM, "out of memory");
	}
	parley_context_free(c);
	parley_visits_free(v);
	return rc;
}

static int eval_chart(parley_db *db, const pl_expr *e, const char *as_of, long n, pl_figure *f,
                      parley_err *err)
{
	if (!e->word || strcmp(e->word, "eras") != 0)
		return parley_err_set(err, PARLEY_EDATA, "unknown chart '%s' (charts: eras)",
		                      e->word ? e->word : "");
	for (size_t i = 0; i < e->nargs; i++)
		if (strcmp(e->keys[i], "pair") && strcmp(e->keys[i], "min_level") &&
		    strcmp(e->keys[i], "from"))
			return parley_err_set(err, PARLEY_EDATA, "'chart eras' takes no argument '%s'", e->keys[i]);
	if (!pl_expr_get(e, "pair"))
		return parley_err_set(err, PARLEY_EDATA, "chart eras needs pair=A:B");
	fq q;
	int rc = fq_build(db, e, as_of, &q, err);
	if (rc) {
		fq_free(&q);
		return rc;
	}
	parley_analysis_opts o = {.a = q.a, .b = q.b, .as_of = as_of, .min_level = q.min_level,
	                          .from = pl_expr_get(e, "from")};
	parley_eras *er = NULL;
	parley_timeline *tl = NULL;
	rc = parley_eras_compute(db, &o, PARLEY_ERAS_PAIR, &er, err);
	if (!rc)
		rc = parley_timeline_compute(db, &o, 0, PARLEY_SPLIT_DIRECTION, &tl, err);
	if (!rc && tl->n == 0)
		rc = parley_err_set(err, PARLEY_EDATA, "no data for the period: no visits between %s and %s as of %s",
		                    q.a, q.b, as_of);
	char *na = NULL, *nb = NULL;
	pl_chart_year *years = NULL;
	pl_chart_era *eras = NULL;
	pl_buf svg, ids;
	pl_buf_init(&svg, 4u << 20);
	pl_buf_init(&ids, 0);
	pl_buf_puts(&ids, "");
	if (!rc) {
		na = pl_country_name(db, q.a);
		nb = pl_country_name(db, q.b);
		years = calloc(tl->n, sizeof *years);
		eras = calloc(er->n ? er->n : 1, sizeof *eras);
		if (!na || !nb || !years || !eras)
			rc = parley_err_set(err, PARLEY_ENOMEM, "out of memory");
	}
	if (!rc) {
		size_t ny = 0;
		for (size_t i = 0; i < tl->n; i++) {
			if (tl->buckets[i].no_data)
				continue;
			years[ny].year = atoi(tl->buckets[i].period);
			years[ny].n[0] = (int)tl->buckets[i].series[0].n;
			years[ny].n[1] = (int)tl->buckets[i].series[1].n;
			ny++;
		}
		for (size_t i = 0; i < er->n; i++) {
			eras[i].label = er->eras[i].name;
			eras[i].start = pl_frac_year(er->eras[i].start);
			eras[i].end = pl_frac_year(er->eras[i].end);
			eras[i].visits = (int)er->eras[i].visits.n;
		}
		for (size_t i = 0; i < er->total.n; i++)
			pl_buf_printf(&ids, "%s%s", i ? " " : "", er->total.ids[i]);
		char title[300], sub[300], src[300], desc[600], da[200], db_[200], aod[40], cid[32];
		pl_date_words(as_of, aod, sizeof aod);
		snprintf(title, sizeof title, "%zu visits between %s and %s, by leader era", er->total.n, na, nb);
		snprintf(sub, sizeof sub, "Visits per year at %s level or above, as of %s", q.min_level ? q.min_level : "any",
		         aod);
		parley_data_version dv;
		memset(&dv, 0, sizeof dv);
		parley_data_version_get(db, &dv, NULL);
		snprintf(src, sizeof src, "parley records%s%s; data through %s", dv.name[0] ? ", data version " : "",
		         dv.name, er->through.date[0] ? er->through.date : as_of);
		snprintf(desc, sizeof desc, "Bar chart of visits per year between %s and %s from %s to %s, with leader-pair eras shaded; %zu visits in all.",
		         na, nb, ny ? tl->buckets[0].period : "", as_of, er->total.n);
		snprintf(da, sizeof da, "%s to %s", na, nb);
		snprintf(db_, sizeof db_, "%s to %s", nb, na);
		snprintf(cid, sizeof cid, "brief-chart-%ld", n);
		pl_chart c = {.id = cid, .title = title, .subtitle = sub, .desc = desc, .source = src,
		              .dir_label = {da, db_}, .eras = eras, .neras = er->n,
		              .first_year = ny ? years[0].year : atoi(as_of), .last_year = atoi(as_of)};
		rc = pl_svg_timeline(&svg, &c, years, ny);
		if (rc)
			rc = parley_err_set(err, rc, "drawing the chart failed");
		else {
			f->value = pl_strdup(title);
			f->svg = pl_buf_take(&svg);
			f->ids = pl_buf_take(&ids);
			f->query = pl_buf_take(&q.qs);
			if (!f->value || !f->svg || !f->ids || !f->query)
				rc = parley_err_set(err, PARLEY_ENOMEM, "out of memory");
		}
	}
	free(na);
	free(nb);
	free(years);
	free(eras);
	pl_buf_free(&svg);
	pl_buf_free(&ids);
	parley_eras_free(er);
	parley_timeline_free(tl);
	fq_free(&q);
	return rc;
}

int pl_figure_eval(parley_db *db, const pl_expr *e, const char *as_of, pl_figure *f,
                   parley_err *err)
{
	long n = f->n;
	memset(f, 0, sizeof *f);
	f->n = n;
	int rc;
	if (strcmp(e->fn, "count") == 0 || strcmp(e->fn, "rate") == 0 ||
	    strcmp(e->fn, "first") == 0 || strcmp(e->fn, "gap") == 0) {
		rc = e->word ? parley_err_set(err, PARLEY_EDATA, "expected key=value after '%s', not '%s'",
		                              e->fn, e->word)
		             : eval_list(db, e, as_of, f, err);
	} else if (strcmp(e->fn, "sentence") == 0) {
		rc = eval_sentence(db, e, as_of, f, err);
	} else if (strcmp(e->fn, "chart") == 0) {
		rc = eval_chart(db, e, as_of, n, f, err);
	} else {
		rc = parley_err_set(err, PARLEY_EDATA,
		                    "unknown function '%s' (count, rate, first, gap, sentence, chart)", e->fn);
	}
	if (!rc) {
		f->kind = pl_strdup(e->fn);
		f->as_of = pl_strdup(as_of);
		if (!f->kind || !f->as_of)
			rc = parley_err_set(err, PARLEY_ENOMEM, "out of memory");
	}
	if (rc) {
		pl_figure_free(f);
		f->n = n;
	}
	return rc;
}
