/*
 * an_timeline.c - visits per year or month between two countries, split by
 * direction, level or type, each bucket labelled with its leader-pair era.
 *
 * Every bucket from the first (the first counted visit's, or --from's) to
 * the as-of date's is present, empty ones as zeros, so that a chart drawn
 * from the output has no silent holes.  A visit goes to the bucket of the
 * first possible day of its start; one dated more coarsely than the bucket
 * (a year-only date in a monthly timeline) is also listed as imprecise.
 */
#include "an.h"
#include "internal.h" /* pl_strlcpy */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const types[] = {"state",   "official",     "unofficial", "working",
                                    "transit", "multilateral", "private",    "unknown"};
#define NTYPES 8

static long bucket_of(parley_date s, int by_month)
{
	return by_month ? (long)s.year * 12 + (s.precision >= PARLEY_MONTH ? s.month - 1 : 0)
	                : (long)s.year;
}

static long bucket_first_day(long b, int by_month)
{
	parley_date d = {by_month ? (int)(b / 12) : (int)b, by_month ? (int)(b % 12) + 1 : 1, 1,
	                 PARLEY_DAY};
	return parley_date_first_day(d);
}

#define SKIP UINT32_MAX /* a visit no bucket counts */

/* Adds v to its bucket's lists x: series s (ns: none), the total, and
 * at month buckets the imprecise (an_ids_add: counting, or adding). */
static int bucket_add(an_arena *a, an_idlist *x, size_t ns, size_t s, int by_month,
                      const an_visit *v, int counting)
{
	if ((s < ns && an_ids_add(a, &x[s], v->id, counting)) || an_ids_add(a, &x[ns], v->id, counting) ||
	    (by_month && v->start.precision == PARLEY_YEAR && an_ids_add(a, &x[ns + 1], v->id, counting)))
		return PARLEY_ENOMEM;
	return PARLEY_OK;
}

int an_timeline(an_data *d, const an_opts *o, int by_month, parley_split split,
                parley_timeline **out, parley_err *err)
{
	an_opts cut = *o;
	an_cut(d, &cut); /* visits count up to where the data ends ... */
	o = &cut;
	int rc = PARLEY_OK;
	parley_timeline *t = calloc(1, sizeof *t);
	an_idlist *acc = NULL;
	if (!t) {
		rc = parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory");
		goto fail;
	}
	an_arena *a = &d->arena;
	/* eras label buckets; a pair without leaders' tenures still has a timeline */
	an_era *el = NULL;
	size_t ne = 0;
	if (an_era_list(d, o, PARLEY_ERAS_PAIR, &el, &ne, NULL) != PARLEY_OK)
		ne = 0;
	/* the series */
	const char **names = an_alloc(a, 16 * sizeof *names);
	size_t ns = 0;
	if (!names) {
		rc = parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory");
		goto fail;
	}
	if (split == PARLEY_SPLIT_DIRECTION) {
		names[ns++] = an_fmt(a, "%s->%s", o->a, o->b);
		names[ns++] = an_fmt(a, "%s->%s", o->b, o->a);
	} else if (split == PARLEY_SPLIT_LEVEL) {
		for (int l = 0; l < PARLEY_NLEVELS; l++)
			if (parley_level_at_least(parley_analysis_level(l), o->min_level))
				names[ns++] = parley_analysis_level(l);
	} else {
		for (size_t i = 0; i < NTYPES; i++)
			names[ns++] = types[i];
	}
	/* the range of buckets */
	long first = LONG_MAX;
	if (o->from != LONG_MIN) {
		parley_date f = parley_date_from_day(o->from);
		first = bucket_of(f, by_month);
	} else {
		for (size_t i = 0; i < d->nv; i++)
			if (an_counts(o, &d->v[i]) && an_in_pair(o, &d->v[i])) {
				first = bucket_of(d->v[i].start, by_month);
				break;
			}
	}
	/* ... but the buckets run to the as-of date asked, those past the data
	 * marked "no data" rather than shown as zeros */
	long last = bucket_of(parley_date_from_day(o->asked), by_month);
	size_t nb = first <= last ? (size_t)(last - first + 1) : 0;
	if (nb > 200000) {
		rc = parley_err_set(err, PARLEY_ELIMIT, "analysis: timeline of %zu buckets is too long",
		                    nb);
		goto fail;
	}
	size_t per = ns + 2; /* series, total, imprecise */
	acc = calloc(nb * per + 1, sizeof *acc);
	parley_bucket *b = an_alloc(a, (nb ? nb : 1) * sizeof *b);
	if (!acc || !b) {
		rc = parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory");
		goto fail;
	}
	/* each visit's bucket (SKIP: not counted; nb <= 200,000) and series
	 * (ns <= 16), found in the pass that counts the lists, for the one
	 * that fills them */
	uint32_t *at = malloc((d->nv ? d->nv : 1) * sizeof *at);
	unsigned char *ser_of = malloc(d->nv ? d->nv : 1);
	if (!at || !ser_of) {
		free(at);
		free(ser_of);
		rc = parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory");
		goto fail;
	}
	for (size_t i = 0; i < d->nv; i++) {
		const an_visit *v = &d->v[i];
		at[i] = SKIP;
		if (!nb || !an_counts(o, v) || !an_in_pair(o, v))
			continue;
		long k = bucket_of(v->start, by_month);
		if (k < first || k > last || (o->from != LONG_MIN && v->day < o->from))
			continue;
		size_t s = ns;
		if (split == PARLEY_SPLIT_DIRECTION)
			s = an_same(v->from, o->a) ? 0 : 1;
		else
			for (size_t j = 0; j < ns; j++)
				if (strcmp(names[j], split == PARLEY_SPLIT_LEVEL ? v->level : v->type) == 0)
					s = j;
		at[i] = (uint32_t)(k - first);
		ser_of[i] = (unsigned char)s;
		(void)bucket_add(a, &acc[at[i] * per], ns, s, by_month, v, 1); /* counting cannot fail */
	}
	for (size_t i = 0; !rc && i < d->nv; i++)
		if (at[i] != SKIP)
			rc = bucket_add(a, &acc[at[i] * per], ns, ser_of[i], by_month, &d->v[i], 0);
	free(at);
	free(ser_of);
	if (rc) {
		rc = parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory");
		goto fail;
	}
	for (size_t i = 0; i < nb; i++) {
		long k = first + (long)i;
		long day = bucket_first_day(k, by_month);
		if (by_month)
			snprintf(b[i].period, sizeof b[i].period, "%04u-%02u",
			         (unsigned)(k / 12) % 10000u, (unsigned)(k % 12) % 12u + 1u);
		else
			snprintf(b[i].period, sizeof b[i].period, "%04u", (unsigned)k % 10000u);
		an_day_text(day, b[i].start);
		const an_era *e = an_era_at(el, ne, day);
		b[i].era = e ? e->name : NULL;
		an_idlist *x = &acc[i * per];
		parley_ids *ser = an_alloc(a, ns * sizeof *ser);
		if (!ser) {
			rc = parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory");
			goto fail;
		}
		for (size_t j = 0; j < ns; j++)
			ser[j] = an_ids_done(&x[j]);
		b[i].series = ser;
		b[i].total = an_ids_done(&x[ns]);
		b[i].imprecise = an_ids_done(&x[ns + 1]);
		if (o->th.cut) {
			long next = bucket_first_day(k + 1, by_month);
			b[i].no_data = day > o->as_of;
			b[i].partial = day <= o->as_of && o->as_of < next - 1;
		}
	}
	t->through = o->th;
	pl_strlcpy(t->a, o->a, sizeof t->a);
	pl_strlcpy(t->b, o->b, sizeof t->b);
	pl_strlcpy(t->as_of, o->as_of_text, sizeof t->as_of);
	t->by_month = by_month;
	t->split = split;
	t->nseries = ns;
	t->series = names;
	t->n = nb;
	t->buckets = b;
	t->priv = d;
	free(acc);
	*out = t;
	return PARLEY_OK;
fail:
	free(acc);
	free(t);
	an_data_free(d);
	return rc;
}

int parley_timeline_compute(parley_db *db, const parley_analysis_opts *o, int by_month,
                            parley_split split, parley_timeline **out, parley_err *err)
{
	an_opts ao;
	an_data *d = NULL;
	if (!db || !out)
		return parley_err_set(err, PARLEY_EINVAL, "parley_timeline_compute: NULL argument");
	if (split != PARLEY_SPLIT_DIRECTION && split != PARLEY_SPLIT_LEVEL &&
	    split != PARLEY_SPLIT_TYPE)
		return parley_err_set(err, PARLEY_EINVAL, "parley_timeline_compute: bad split");
	int rc = an_opts_parse(o, true, &ao, err);
	if (!rc)
		rc = an_load_pair(db, &ao, split == PARLEY_SPLIT_TYPE, &d, err);
	if (rc)
		return rc;
	return an_timeline(d, &ao, by_month ? 1 : 0, split, out, err);
}

void parley_timeline_free(parley_timeline *t)
{
	if (!t)
		return;
	an_data_free(t->priv);
	free(t);
}

/* One period: past the data it has no counts (null, never zeros). */
static json_t *bucket_json(const parley_timeline *t, const parley_bucket *b)
{
	json_t *o = json_pack("{s:s,s:s,s:o,s:b,s:b}", "period", b->period, "start", b->start, "era",
	                      pl_json_text(b->era), "no_data", b->no_data, "partial", b->partial);
	if (b->no_data)
		return pl_json_merge(o, json_pack("{s:n,s:n,s:n}", "total", "series", "imprecise"));
	json_t *series = json_object();
	for (size_t j = 0; series && j < t->nseries; j++)
		if (json_object_set_new(series, t->series[j], an_json_count(b->series[j])))
			series = (json_decref(series), NULL);
	return pl_json_merge(o, json_pack("{s:o,s:o,s:o}", "total", an_json_count(b->total),
	                                  "series", series, "imprecise",
	                                  an_json_count(b->imprecise)));
}

int parley_timeline_write(const parley_timeline *t, const char *format, int explain,
                          FILE *out, parley_err *err)
{
	int rc = an_write_begin(t, out, "parley_timeline_write", &format, err);
	if (rc)
		return rc;
	static const char *const splits[] = {"direction", "level", "type"};
	if (strcmp(format, "json") == 0) {
		json_t *buckets = json_array();
		for (size_t i = 0; buckets && i < t->n; i++)
			if (json_array_append_new(buckets, bucket_json(t, &t->buckets[i])))
				buckets = (json_decref(buckets), NULL);
		json_t *o = an_through_json(
		    json_pack("{s:s,s:s,s:s,s:s,s:s}", "a", t->a, "b", t->b, "as_of", t->as_of, "by",
		              t->by_month ? "month" : "year", "split", splits[t->split]),
		    &t->through);
		o = pl_json_merge(o, json_pack("{s:o,s:o}", "series",
		                               pl_json_ids((const char *const *)t->series, t->nseries),
		                               "buckets", buckets));
		return an_json_write(o, out, err);
	}
	an_data *d = t->priv;
	an_arena *a = &d->arena;
	bool csv = strcmp(format, "csv") == 0;
	size_t nc = t->nseries + 4 + (csv ? 1 : 0); /* CSV: a data_through column */
	if (!csv)
		an_through_line(out, &t->through, t->as_of);
	const char **head = an_alloc(a, nc * sizeof *head);
	bool *right = an_alloc(a, nc * sizeof *right);
	const char **cell = an_alloc(a, nc * sizeof *cell);
	if (!head || !right || !cell)
		return parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory");
	head[0] = t->by_month ? "month" : "year";
	head[1] = "era";
	head[2] = "total";
	for (size_t j = 0; j < t->nseries; j++)
		head[3 + j] = t->series[j];
	head[3 + t->nseries] = "imprecise";
	if (csv)
		head[nc - 1] = "data_through";
	for (size_t j = 2; j < nc; j++)
		right[j] = true;
	an_table tb = {nc, head, right, NULL, 0, 0, a};
	for (size_t i = 0; i < t->n; i++) {
		const parley_bucket *b = &t->buckets[i];
		cell[0] = b->period;
		if (b->partial && !csv)
			cell[0] = an_fmt(a, "%s (to %s)", b->period, t->through.date);
		cell[1] = b->era ? b->era : "";
		cell[2] = an_fmt(a, "%zu", b->total.n);
		for (size_t j = 0; j < t->nseries; j++)
			cell[3 + j] = an_fmt(a, "%zu", b->series[j].n);
		cell[3 + t->nseries] = an_fmt(a, "%zu", b->imprecise.n);
		if (b->no_data) /* past where the data ends: not a zero.  CSV leaves it blank */
			for (size_t j = 2; j < 4 + t->nseries; j++)
				cell[j] = csv ? "" : "no data";
		if (csv)
			cell[nc - 1] = t->through.date;
		for (size_t j = 0; j < nc; j++)
			if (!cell[j])
				return parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory");
		if (an_table_row(&tb, cell))
			return parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory");
	}
	rc = an_table_write(&tb, format, out, err);
	if (rc || !explain || csv)
		return rc; /* CSV stays one table; its ids are in JSON */
	for (size_t i = 0; i < t->n; i++) {
		const parley_bucket *b = &t->buckets[i];
		if (!b->total.n)
			continue;
		fprintf(out, "\n%s\n", b->period);
		an_explain(out, "total", b->total);
		for (size_t j = 0; j < t->nseries; j++)
			if (b->series[j].n)
				an_explain(out, t->series[j], b->series[j]);
		if (b->imprecise.n)
			an_explain(out, "imprecise", b->imprecise);
	}
	return ferror(out) ? parley_err_set(err, PARLEY_EIO, "analysis: writing failed") : PARLEY_OK;
}
