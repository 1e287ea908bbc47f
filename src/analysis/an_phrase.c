/*
 * an_phrase.c - brief-ready phrases about one visit (docs/briefs.md,
 * "Brief-ready sentences"): short noun phrases a brief embeds in its own
 * prose, computed from the records as of the visit.
 *
 *   first-in-years      "the first visit from North Korea to China at
 *                        paramount leader level in six years"
 *   first-office-since  "the first premier to visit since 2009"
 *   highest-since       "the highest-ranking visitor since 2019"
 *   nth-trip-in-office  "the fifth trip to China since taking office"
 *   gap-before          "four months after the previous visit between
 *                        China and North Korea"
 *
 * Durations are in words, offices by their plain names, and no coverage
 * id or internal label reaches the prose.  A "first" or ordinal claim is
 * the analysis's (an_context.c): when no coverage row declares such visits
 * complete over the period, the phrase says so in plain words ("on record",
 * "recorded") rather than claiming more than the data holds; the sentence's
 * claim and coverage fields keep the detail.  A phrase that has nothing to
 * stand on (no earlier visit to be "since", no office) is an error.
 */
#include "an.h"
#include "words.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const an_phrase_kinds[] = {"first-in-years", "first-office-since", "highest-since",
                                       "nth-trip-in-office", "gap-before", NULL};

typedef struct ph {
	an_data *d;
	const an_opts *o;
	const an_visit *v;
	const an_tenure *office; /* first-office-since: the visitor's office */
	parley_sentence s;
	an_idlist ids;
	parley_err *err;
} ph;

/* The latest visit before v in v's direction that keep() accepts. */
static const an_visit *previous(const ph *x, int (*keep)(const ph *, const an_visit *))
{
	const an_visit *p = NULL;
	for (size_t i = 0; i < x->d->nv; i++) {
		const an_visit *w = &x->d->v[i];
		if (w == x->v || w->day >= x->v->day || strcmp(w->from, x->v->from) != 0 ||
		    strcmp(w->to, x->v->to) != 0 || !an_status_ok(x->o, w) || !keep(x, w))
			continue;
		p = w; /* visits are sorted: the last one kept is the latest */
	}
	return p;
}

/* no_claim: the phrase states a fact, not a first or an ordinal. */
static int set(ph *x, const char *kind, const char *text, const an_cover *c, int no_claim)
{
	if (!text)
		return parley_err_set(x->err, PARLEY_ENOMEM, "analysis: out of memory");
	x->s.kind = kind;
	x->s.text = text;
	x->s.claim = no_claim ? PARLEY_CLAIM_NONE : c ? PARLEY_CLAIM_COVERED : PARLEY_CLAIM_UNCOVERED;
	x->s.coverage = c ? c->id : NULL;
	x->s.visits = an_ids_done(&x->ids);
	x->s.total = x->s.visits.n;
	return PARLEY_OK;
}

static int no_previous(ph *x, const char *what)
{
	char day[11];
	return parley_err_set(x->err, PARLEY_ENOTFOUND,
	                      "no earlier visit from %s to %s %s is recorded before %s, so there "
	                      "is no 'since' to state",
	                      x->v->from, x->v->to, what, an_day_text(x->v->day, day));
}

static int nomem(ph *x)
{
	return parley_err_set(x->err, PARLEY_ENOMEM, "analysis: out of memory");
}

static int at_or_above(const ph *x, const an_visit *w)
{
	return parley_level_rank(w->level) >= parley_level_rank(x->v->level);
}

/* "paramount leader level", "head of government level or above" */
static const char *level_phrase(an_arena *a, const char *level)
{
	char *s = (char *)an_strdup(a, level);
	for (char *p = s; p && *p; p++)
		if (*p == '_')
			*p = ' ';
	return an_fmt(a, "%s level%s", s ? s : "", strcmp(level, "paramount_leader") == 0 ? "" : " or above");
}

static int level_known(ph *x)
{
	if (parley_level_rank(x->v->level) > 0)
		return PARLEY_OK;
	return parley_err_set(x->err, PARLEY_EDATA,
	                      "the visit's level is %s, so it cannot be compared with earlier visits by rank",
	                      x->v->level);
}

/* The last earlier visit at x->v's level or above (its id kept as the
 * claim's evidence) and the coverage that declares the years between
 * complete at that level, or NULL: what "first in years" and "highest
 * since" both stand on.  An error when there is no such visit. */
static int previous_at_level(ph *x, const an_visit **prev, const an_cover **cover)
{
	const an_visit *v = x->v;
	int rc = level_known(x);
	if (rc)
		return rc;
	const an_visit *p = previous(x, at_or_above);
	if (!p)
		return no_previous(x, "at its level or above");
	if (an_ids_push(&x->d->arena, &x->ids, p->id))
		return nomem(x);
	*prev = p;
	*cover = an_find_cover(x->d, v->from, v->to, NULL, parley_level_rank(v->level), p->day, v->day);
	return PARLEY_OK;
}

static int first_in_years(ph *x)
{
	an_arena *a = &x->d->arena;
	const an_visit *v = x->v;
	const an_visit *p;
	const an_cover *c;
	int rc = previous_at_level(x, &p, &c);
	if (rc)
		return rc;
	char dur[64];
	pl_duration_words(v->day - p->day, dur, sizeof dur);
	return set(x, "first-in-years",
	           an_fmt(a, "the first %svisit from %s to %s at %s in %s", c ? "" : "recorded ",
	                  an_country_name(x->d, v->from), an_country_name(x->d, v->to),
	                  level_phrase(a, v->level), dur),
	           c, 0);
}

/* w's visitor held x->office's office on w's first day. */
static int holds_office(const ph *x, const an_visit *w)
{
	if (!w->visitor)
		return 0;
	for (size_t i = 0; i < x->d->nt; i++) {
		const an_tenure *t = &x->d->t[i];
		if (strcmp(t->person, w->visitor) == 0 && strcmp(t->office, x->office->office) == 0 &&
		    t->first <= w->day && w->day < t->end)
			return 1;
	}
	return 0;
}

static int office_of(ph *x)
{
	char day[11];
	x->office = x->v->visitor ? an_office_at(x->d, x->v->visitor, x->v->day) : NULL;
	if (x->office)
		return PARLEY_OK;
	return parley_err_set(x->err, PARLEY_ENOTFOUND, "no office of %s on %s is recorded in the tenures",
	                      x->v->name ? x->v->name : "the unidentified visitor",
	                      an_day_text(x->v->day, day));
}

static int first_office_since(ph *x)
{
	an_arena *a = &x->d->arena;
	const an_visit *v = x->v;
	int rc = office_of(x);
	if (rc)
		return rc;
	char office[200];
	pl_office_plain(x->office->office, x->office->office_name, office, sizeof office);
	const an_visit *p = previous(x, holds_office);
	if (!p)
		return no_previous(x, an_fmt(a, "by a %s", office));
	if (an_ids_push(a, &x->ids, p->id))
		return nomem(x);
	/* complete at the office's rank over the years between */
	const an_cover *c = an_find_cover(x->d, v->from, v->to, NULL, parley_level_rank(x->office->rank),
	                                  p->day, v->day);
	return set(x, "first-office-since",
	           an_fmt(a, "the first %s%s to visit since %d", office, c ? "" : " on record",
	                  p->start.year),
	           c, 0);
}

static int highest_since(ph *x)
{
	an_arena *a = &x->d->arena;
	const an_visit *p;
	const an_cover *c;
	int rc = previous_at_level(x, &p, &c);
	if (rc)
		return rc;
	return set(x, "highest-since",
	           an_fmt(a, "the highest-ranking visitor%s since %d", c ? "" : " on record", p->start.year),
	           c, 0);
}

static int nth_trip_in_office(ph *x)
{
	an_arena *a = &x->d->arena;
	const an_visit *v = x->v;
	int rc = office_of(x);
	if (rc)
		return rc;
	for (size_t i = 0; i < x->d->nv; i++) {
		const an_visit *w = &x->d->v[i];
		if (w != v && w->day < v->day && w->day >= x->office->first && w->visitor &&
		    strcmp(w->visitor, v->visitor) == 0 && strcmp(w->from, v->from) == 0 &&
		    strcmp(w->to, v->to) == 0 && an_status_ok(x->o, w) && an_ids_push(a, &x->ids, w->id))
			return nomem(x);
	}
	char nth[32];
	pl_ordinal_words(x->ids.n + 1, nth, sizeof nth);
	const an_cover *c = an_find_cover(x->d, v->from, v->to, v->visitor, parley_level_rank(v->level),
	                                  x->office->first, v->day);
	return set(x, "nth-trip-in-office",
	           an_fmt(a, "the %s %strip to %s since taking office", nth, c ? "" : "recorded ",
	                  an_country_name(x->d, v->to)),
	           c, 0);
}

static int gap_before(ph *x)
{
	an_arena *a = &x->d->arena;
	const an_visit *v = x->v;
	an_opts pair = *x->o;
	snprintf(pair.a, sizeof pair.a, "%s", v->from);
	snprintf(pair.b, sizeof pair.b, "%s", v->to);
	const an_visit *p = NULL;
	for (size_t i = 0; i < x->d->nv; i++) {
		const an_visit *w = &x->d->v[i];
		if (w != v && w->day < v->day && an_in_pair(&pair, w) && an_status_ok(x->o, w) &&
		    parley_level_at_least(w->level, x->o->min_level))
			p = w;
	}
	if (!p)
		return parley_err_set(x->err, PARLEY_ENOTFOUND,
		                      "no earlier visit between %s and %s at %s level or above is recorded",
		                      v->from, v->to, x->o->min_level);
	if (an_ids_push(a, &x->ids, p->id))
		return nomem(x);
	char dur[64];
	pl_duration_words(v->day - p->day, dur, sizeof dur);
	int approx = v->start.precision != PARLEY_DAY || p->start.precision != PARLEY_DAY;
	return set(x, "gap-before",
	           an_fmt(a, "%s%s after the previous visit between %s and %s", approx ? "about " : "", dur,
	                  an_country_name(x->d, v->from), an_country_name(x->d, v->to)),
	           NULL, 1);
}

int an_phrase(an_data *d, const an_opts *o, const char *visit_id, const char *kind,
              parley_context **out, parley_err *err)
{
	static int (*const fns[])(ph *) = {first_in_years, first_office_since, highest_since,
	                                    nth_trip_in_office, gap_before};
	ph x = {.d = d, .o = o, .err = err};
	int rc = PARLEY_OK;
	size_t k = 0;
	while (an_phrase_kinds[k] && strcmp(an_phrase_kinds[k], kind ? kind : "") != 0)
		k++;
	for (size_t i = 0; i < d->nv && !x.v; i++)
		if (strcmp(d->v[i].id, visit_id) == 0)
			x.v = &d->v[i];
	if (!an_phrase_kinds[k])
		rc = parley_err_set(err, PARLEY_EDATA,
		                    "unknown sentence kind '%s' (first-in-years, first-office-since, "
		                    "highest-since, nth-trip-in-office, gap-before)", kind ? kind : "");
	else if (!x.v)
		rc = parley_err_set(err, PARLEY_ENOTFOUND, "analysis: no visit '%s'", visit_id);
	else
		rc = fns[k](&x);
	parley_context *r = rc ? NULL : calloc(1, sizeof *r);
	if (!rc && r) {
		r->visit = x.v->id;
		r->label = an_visit_label(&d->arena, x.v);
		r->n = 1;
		r->s = an_alloc(&d->arena, sizeof *r->s);
		if (r->s && r->label) {
			r->s[0] = x.s;
			r->priv = d;
			*out = r;
			return PARLEY_OK;
		}
	}
	if (!rc)
		rc = parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory");
	free(r);
	an_data_free(d);
	return rc;
}

int pl_phrase_compute(parley_db *db, const char *visit_id, const char *kind,
                      const char *min_level, parley_context **out, parley_err *err)
{
	parley_analysis_opts oo = {.min_level = min_level};
	an_opts ao;
	an_data *d = NULL;
	int rc = an_opts_parse(&oo, false, &ao, err);
	if (!rc)
		rc = an_load(db, false, &d, err); /* the whole store, as before (not yet narrowed to the visit) */
	if (rc)
		return rc;
	return an_phrase(d, &ao, visit_id, kind, out, err);
}
