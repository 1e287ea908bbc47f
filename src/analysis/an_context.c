/*
 * an_context.c - the sentences an analyst writes about one visit.
 *
 * For a visit V it states: the visitor's first (or Nth) trip abroad since
 * taking office, and to the host since then; the first visit to the host at
 * V's level or above in N years; V's ordinal among the visitor's visits to
 * the host; and the days since the previous visit between the two countries.
 * "First" and ordinal claims are only as good as the data's completeness, so
 * each is checked against the coverage table: a claim is made only when a
 * coverage row declares that visits of that kind (direction, level, person)
 * are recorded completely over the whole period the claim looks back on.
 * The sentence names that coverage, or says that the claim cannot be made.
 * Earlier visits are those whose first possible start day is before V's.
 */
#include "an.h"
#include "internal.h" /* pl_json_* */
#include "words.h"

#include <stdlib.h>
#include <string.h>

#define YEAR_DAYS 365.2425
#define MAX_SENTENCES 8

typedef struct ctx {
	an_data *d;
	an_arena *a;
	const an_opts *o;
	const an_visit *v;
	parley_sentence s[MAX_SENTENCES];
	size_t n;
	an_opts pair;         /* the visit's pair, cut at the visit: pair.th says where its data ends */
} ctx;

int an_status_ok(const an_opts *o, const an_visit *v)
{
	for (size_t i = 0; i < o->nstatus; i++)
		if (strcmp(o->statuses[i], v->status) == 0)
			return 1;
	return 0;
}

/* The coverage row that declares complete the visits from -> to (to NULL =
 * to every country) at level `level`, by `person` (NULL = anyone), over the
 * days first..last; NULL when there is none. */
const an_cover *an_find_cover(const an_data *d, const char *from, const char *to,
                               const char *person, int level_rank, long first, long last)
{
	/* of the rows that cover the claim, the most specific one: a row about
	 * this person, then about this direction, then about a higher level
	 * says more than a blanket row for everything */
	const an_cover *best = NULL;
	int best_score = -1;
	for (size_t i = 0; i < d->nc; i++) {
		const an_cover *c = &d->c[i];
		if (!to) {
			/* a claim about trips to every country needs a row that says so:
			 * from the visitor's country with no destination.  A row with
			 * neither country covers both directions of the pairs the store
			 * records, not the whole world. */
			if (!c->from || strcmp(c->from, from) != 0 || c->to)
				continue;
		} else if ((c->from && strcmp(c->from, from) != 0) || (c->to && strcmp(c->to, to) != 0)) {
			continue;
		}
		if (c->person && (!person || strcmp(c->person, person) != 0))
			continue;
		int m = parley_level_rank(c->min_level);
		if (m < 0 || (m > 0 && level_rank < m))
			continue;
		/* a claim's period must also lie within what was searched */
		if (c->first > first || c->last < last || an_cover_through(d, c) < last)
			continue;
		int score = (c->person ? 64 : 0) + (c->from ? 16 : 0) + (c->to ? 16 : 0) + m;
		if (score > best_score) {
			best = c;
			best_score = score;
		}
	}
	return best;
}

static const char *ordinal(an_arena *a, size_t n)
{
	char w[32];
	pl_ordinal_words(n, w, sizeof w);
	return an_strdup(a, w);
}

static const char *level_words(an_arena *a, const char *level)
{
	char *s = (char *)an_strdup(a, level);
	for (char *p = s; p && *p; p++)
		if (*p == '_')
			*p = ' ';
	return s;
}

static const char *date_text(an_arena *a, const an_visit *v)
{
	char buf[16];
	parley_date_format(v->start, buf, sizeof buf);
	return an_strdup(a, buf);
}

static const char *cover_note(an_arena *a, const an_cover *c)
{
	return an_fmt(a, "per coverage '%s', %s to %s", c->id, c->start_text,
	              c->end_text ? c->end_text : "date");
}

/* The list of the visitor's visits before v (as_of the day before it)
 * that holds sentence s's: from v's country (visitor= and country=) or to
 * its host (direction= when dir), since day since (LONG_MIN: ever); the
 * strings live in the arena. */
static int set_list(ctx *x, parley_sentence *s, int dir, long since)
{
	const an_visit *v = x->v;
	const char **l = s->list;
	char day[11];
	size_t k = 0;
	l[k++] = "visitor";
	l[k++] = v->visitor;
	l[k++] = dir ? "direction" : "country";
	l[k++] = dir ? an_fmt(x->a, "%s:%s", v->from, v->to) : v->from;
	if (since != LONG_MIN) {
		l[k++] = "since";
		l[k++] = an_strdup(x->a, an_day_text(since, day));
	}
	l[k++] = "as_of";
	l[k++] = an_strdup(x->a, an_day_text(v->day - 1, day));
	l[k] = NULL;
	for (size_t i = 1; i < k; i += 2)
		if (!l[i])
			return PARLEY_ENOMEM;
	return PARLEY_OK;
}

/* A sentence resting on the visits ids (in date order; NULL: none) of
 * total in all: it lists the latest PARLEY_CONTEXT_IDS_MAX of them; list
 * (1: from v's country, 2: to its host; 0: none) and since say the list
 * of the visitor's visits that holds them all (set_list). */
static int add_n(ctx *x, const char *kind, const char *text, parley_claim claim,
                 const an_cover *c, const an_idlist *ids, size_t total, int list, long since)
{
	if (!text)
		return PARLEY_ENOMEM;
	if (x->n == MAX_SENTENCES)
		return PARLEY_OK;
	parley_sentence *s = &x->s[x->n++];
	s->kind = kind;
	s->text = text;
	s->claim = claim;
	s->coverage = c ? c->id : NULL;
	an_idlist none = {0};
	s->visits = an_ids_done(ids ? ids : &none);
	if (s->visits.n > PARLEY_CONTEXT_IDS_MAX) {
		s->visits.ids += s->visits.n - PARLEY_CONTEXT_IDS_MAX;
		s->visits.n = PARLEY_CONTEXT_IDS_MAX;
	}
	s->total = total;
	return list ? set_list(x, s, list == 2, since) : PARLEY_OK;
}

/* The same when ids are all of them. */
static int add(ctx *x, const char *kind, const char *text, parley_claim claim,
               const an_cover *c, const an_idlist *ids)
{
	return add_n(x, kind, text, claim, c, ids, ids ? ids->n : 0, 0, 0);
}

/* Whether the visit's data sees one pair only: the loader's count says
 * when a visit of the visitor's, not all of them read, lies outside it. */
static int one_pair(const ctx *x)
{
	return !(x->d->vc.set && x->d->vc.outside) && an_one_pair(x->d, x->v->from);
}

/* The visitor's office on V's first day: the highest-ranked tenure that
 * contains it. */
const an_tenure *an_office_at(const an_data *d, const char *person, long day)
{
	const an_tenure *best = NULL;
	for (size_t i = 0; i < d->nt; i++) {
		const an_tenure *t = &d->t[i];
		if (strcmp(t->person, person) != 0 || t->first > day || day >= t->end)
			continue;
		if (!best || parley_level_rank(t->rank) > parley_level_rank(best->rank))
			best = t;
	}
	return best;
}

static int first_abroad(ctx *x)
{
	const an_visit *v = x->v;
	an_arena *a = x->a;
	const char *who = v->name;
	const an_tenure *t = an_office_at(x->d, v->visitor, v->day);
	if (!t)
		return add(x, "first-abroad",
		           an_fmt(a, "No office of %s on %s is recorded in the tenures, so a first "
		                     "trip since taking office cannot be stated.",
		                  who, date_text(a, v)),
		           PARLEY_CLAIM_UNCOVERED, NULL, NULL);
	an_idlist abroad = {0}, to_host = {0};
	for (size_t i = 0; i < x->d->nv; i++) {
		const an_visit *w = &x->d->v[i];
		if (w == v || w->day >= v->day || w->day < t->first || !w->visitor ||
		    strcmp(w->visitor, v->visitor) != 0 || strcmp(w->from, v->from) != 0 ||
		    !an_status_ok(x->o, w))
			continue;
		if (an_ids_push(a, &abroad, w->id))
			return PARLEY_ENOMEM;
		if (strcmp(w->to, v->to) == 0 && an_ids_push(a, &to_host, w->id))
			return PARLEY_ENOMEM;
	}
	/* d holds the latest of each list (an_load_visit); the loader counted
	 * them all, and fixtures are counted here */
	const struct an_visitor_counts *vc = &x->d->vc;
	size_t n_abroad = vc->set ? (size_t)vc->abroad : abroad.n;
	size_t n_host = vc->set ? (size_t)vc->to_host : to_host.n;
	char since[11], office[200];
	an_day_text(t->first, since);
	pl_office_plain(t->office, t->office_name, office, sizeof office);
	int lr = parley_level_rank(v->level);
	const char *host = an_country_name(x->d, v->to);
	const an_cover *c = an_find_cover(x->d, v->from, NULL, v->visitor, lr, t->first, v->day);
	const char *nth = ordinal(a, n_abroad + 1);
	int rc = PARLEY_OK;
	/* data of one pair sees no other destination: no "trip abroad" */
	if (!one_pair(x)) {
		const char *text =
		    c ? an_fmt(a, "It is %s's %s trip abroad since taking office as %s on %s (%s).", who,
		               nth, office, since, cover_note(a, c))
		    : n_abroad == 0
		        ? an_fmt(a, "No earlier trip abroad by %s since taking office as %s on %s is "
		                    "recorded here, but no coverage declares all of %s's trips abroad "
		                    "recorded, so it cannot be called the first.",
		                 who, office, since, who)
		        : an_fmt(a, "It is the %s trip abroad by %s since taking office as %s on %s "
		                    "recorded here; no coverage declares all of them recorded, so the "
		                    "ordinal cannot be claimed.",
		                 nth, who, office, since);
		rc = add_n(x, "first-abroad", text, c ? PARLEY_CLAIM_COVERED : PARLEY_CLAIM_UNCOVERED, c,
		           &abroad, n_abroad, 1, t->first);
	}
	if (rc)
		return rc;
	/* the same claim restricted to the host, which a pair dataset can back */
	c = an_find_cover(x->d, v->from, v->to, v->visitor, lr, t->first, v->day);
	nth = ordinal(a, n_host + 1);
	if (c)
		return add_n(x, "first-to-host",
		             an_fmt(a, "It is %s's %s visit to %s since taking office on %s (%s).", who,
		                    nth, host, since, cover_note(a, c)),
		             PARLEY_CLAIM_COVERED, c, &to_host, n_host, 2, t->first);
	return add_n(x, "first-to-host",
	           an_fmt(a, "%s earlier visit%s to %s by %s since taking office on %s %s recorded "
	                     "here; no coverage backs a claim about all of them.",
	                  n_host ? an_fmt(a, "%zu", n_host) : "No", n_host > 1 ? "s" : "",
	                  host, who, since, n_host > 1 ? "are" : "is"),
	           PARLEY_CLAIM_UNCOVERED, NULL, &to_host, n_host, 2, t->first);
}

static int first_in_years(ctx *x)
{
	const an_visit *v = x->v;
	an_arena *a = x->a;
	int lr = parley_level_rank(v->level);
	if (lr <= 0)
		return add(x, "first-in-years",
		           an_fmt(a, "The visit's level is %s, so no comparison with earlier visits of "
		                     "its rank can be made.",
		                  v->level),
		           PARLEY_CLAIM_UNCOVERED, NULL, NULL);
	const an_visit *p = NULL;
	for (size_t i = 0; i < x->d->nv; i++) {
		const an_visit *w = &x->d->v[i];
		if (w == v || w->day >= v->day || strcmp(w->from, v->from) != 0 ||
		    strcmp(w->to, v->to) != 0 || !an_status_ok(x->o, w) ||
		    parley_level_rank(w->level) < lr)
			continue;
		p = w; /* visits are sorted: the last one seen is the latest */
	}
	const char *lw = level_words(a, v->level);
	const char *from = an_country_name(x->d, v->from), *host = an_country_name(x->d, v->to);
	an_idlist ids = {0};
	if (!p) {
		const an_cover *c = NULL;
		/* the earliest-starting coverage that reaches V backs "first since" */
		for (size_t i = 0; i < x->d->nc; i++) {
			const an_cover *k = an_find_cover(x->d, v->from, v->to, NULL, lr, x->d->c[i].first,
			                               v->day);
			if (k && (!c || k->first < c->first))
				c = k;
		}
		if (c)
			return add(x, "first-in-years",
			           an_fmt(a, "It is the first visit from %s to %s at %s level or above "
			                     "since %s (%s).",
			                  from, host, lw, c->start_text, cover_note(a, c)),
			           PARLEY_CLAIM_COVERED, c, &ids);
		return add(x, "first-in-years",
		           an_fmt(a, "No earlier visit from %s to %s at %s level or above is recorded "
		                     "here; no coverage declares such visits complete, so it cannot "
		                     "be called the first.",
		                  from, host, lw),
		           PARLEY_CLAIM_UNCOVERED, NULL, &ids);
	}
	if (an_ids_push(a, &ids, p->id))
		return PARLEY_ENOMEM;
	double years = (double)(v->day - p->day) / YEAR_DAYS;
	const char *prev = an_fmt(a, "%s's visit of %s", p->name ? p->name : "an unidentified visitor",
	                          date_text(a, p));
	const char *rule = NULL;
	long th = an_dir_through(x->d, v->from, v->to, v->level, &rule);
	if (th != AN_OPEN && th != LONG_MIN && th < v->day) {
		char tb[11];
		return add(x, "first-in-years",
		           an_fmt(a, "The previous visit from %s to %s at %s level or above recorded here is "
		                     "%s, %.1f years earlier; but the data ends on %s (%s), before this "
		                     "visit, so 'the first in %.1f years' cannot be claimed.",
		                  from, host, lw, prev, years, an_day_text(th, tb),
		                  rule ? rule : "declared", years),
		           PARLEY_CLAIM_UNCOVERED, NULL, &ids);
	}
	const an_cover *c = an_find_cover(x->d, v->from, v->to, NULL, lr, p->day, v->day);
	if (c)
		return add(x, "first-in-years",
		           an_fmt(a, "It is the first visit from %s to %s at %s level or above in %.1f "
		                     "years, since %s (%s).",
		                  from, host, lw, years, prev, cover_note(a, c)),
		           PARLEY_CLAIM_COVERED, c, &ids);
	return add(x, "first-in-years",
	           an_fmt(a, "The previous visit from %s to %s at %s level or above recorded here is "
	                     "%s, %.1f years earlier; no coverage declares such visits complete "
	                     "for that period, so 'the first in %.1f years' cannot be claimed.",
	                  from, host, lw, prev, years, years),
	           PARLEY_CLAIM_UNCOVERED, NULL, &ids);
}

static int nth_visit(ctx *x)
{
	const an_visit *v = x->v;
	an_arena *a = x->a;
	an_idlist ids = {0};
	long earliest = v->day;
	int minrank = parley_level_rank(v->level);
	for (size_t i = 0; i < x->d->nv; i++) {
		const an_visit *w = &x->d->v[i];
		if (w == v || w->day >= v->day || !w->visitor || strcmp(w->visitor, v->visitor) != 0 ||
		    strcmp(w->from, v->from) != 0 || strcmp(w->to, v->to) != 0 || !an_status_ok(x->o, w))
			continue;
		if (an_ids_push(a, &ids, w->id))
			return PARLEY_ENOMEM;
		if (w->day < earliest)
			earliest = w->day;
		int r = parley_level_rank(w->level);
		if (r < minrank)
			minrank = r;
	}
	/* d holds the latest of them; the loader counted them all */
	const struct an_visitor_counts *vc = &x->d->vc;
	size_t total = vc->set ? (size_t)vc->nth : ids.n;
	if (vc->set && vc->nth && vc->nth_first < earliest)
		earliest = vc->nth_first;
	if (vc->set && vc->nth_minrank < minrank)
		minrank = vc->nth_minrank;
	/* an ordinal needs the person's visits complete from when they could
	 * first have made one: their first office, or their first recorded visit */
	for (size_t i = 0; i < x->d->nt; i++)
		if (strcmp(x->d->t[i].person, v->visitor) == 0 && x->d->t[i].first < earliest)
			earliest = x->d->t[i].first;
	const char *host = an_country_name(x->d, v->to);
	const char *nth = ordinal(a, total + 1);
	const an_cover *c = an_find_cover(x->d, v->from, v->to, v->visitor, minrank, earliest, v->day);
	char since[11];
	an_day_text(earliest, since);
	if (c)
		return add_n(x, "nth-visit",
		             an_fmt(a, "It is %s's %s visit to %s (%s).", v->name, nth, host,
		                    cover_note(a, c)),
		             PARLEY_CLAIM_COVERED, c, &ids, total, 2, LONG_MIN);
	return add_n(x, "nth-visit",
	           an_fmt(a, "It is the %s visit to %s by %s recorded here; no coverage declares "
	                     "all of %s's visits there recorded since %s, so the ordinal cannot be "
	                     "claimed.",
	                  nth, host, v->name, v->name, since),
	           PARLEY_CLAIM_UNCOVERED, NULL, &ids, total, 2, LONG_MIN);
}

static int since_previous(ctx *x)
{
	const an_visit *v = x->v;
	an_arena *a = x->a;
	const an_visit *p = NULL;
	an_opts pair = *x->o;
	snprintf(pair.a, sizeof pair.a, "%s", v->from);
	snprintf(pair.b, sizeof pair.b, "%s", v->to);
	for (size_t i = 0; i < x->d->nv; i++) {
		const an_visit *w = &x->d->v[i];
		if (w != v && w->day < v->day && an_in_pair(&pair, w) && an_status_ok(x->o, w) &&
		    parley_level_at_least(w->level, x->o->min_level))
			p = w;
	}
	an_idlist ids = {0};
	const char *na = an_country_name(x->d, v->from), *nb = an_country_name(x->d, v->to);
	if (!p)
		return add(x, "since-previous",
		           an_fmt(a, "No earlier visit between %s and %s at %s level or above is "
		                     "recorded here.",
		                  na, nb, level_words(a, x->o->min_level)),
		           PARLEY_CLAIM_NONE, NULL, &ids);
	if (an_ids_push(a, &ids, p->id))
		return PARLEY_ENOMEM;
	long days = v->day - p->day;
	bool approx = v->start.precision != PARLEY_DAY || p->start.precision != PARLEY_DAY;
	/* a visit past where the pair's data ends: a later "previous" visit may
	 * simply not be recorded, and the sentence says so */
	const char *caveat = x->pair.th.cut
	                         ? an_fmt(a, " The data between them ends on %s (%s), before this "
	                                     "visit, so a later visit may be missing.",
	                                  x->pair.th.date, x->pair.th.rule ? x->pair.th.rule : "declared")
	                         : "";
	return add(x, "since-previous",
	           an_fmt(a, "It came %s%ld days (%.1f years) after the previous recorded visit "
	                     "between %s and %s at %s level or above: %s's visit to %s of %s.%s",
	                  approx ? "about " : "", days, (double)days / YEAR_DAYS, na, nb,
	                  level_words(a, x->o->min_level), p->name ? p->name : "an unidentified visitor",
	                  an_country_name(x->d, p->to), date_text(a, p), caveat ? caveat : ""),
	           PARLEY_CLAIM_NONE, NULL, &ids);
}

int an_one_pair(const an_data *d, const char *from)
{
	for (size_t i = 0; i < d->nc; i++)
		if (d->c[i].from && strcmp(d->c[i].from, from) == 0 && !d->c[i].to)
			return 0;
	const char *a = NULL, *b = NULL;
	for (size_t i = 0; i < d->nv; i++) {
		const an_visit *v = &d->v[i];
		if (!a) {
			a = v->from;
			b = v->to;
		} else if (!((strcmp(v->from, a) == 0 && strcmp(v->to, b) == 0) ||
		             (strcmp(v->from, b) == 0 && strcmp(v->to, a) == 0))) {
			return 0;
		}
	}
	return 1;
}

int an_context(an_data *d, const an_opts *o, const char *visit_id, parley_context **out,
               parley_err *err)
{
	ctx *x = calloc(1, sizeof *x);
	parley_context *r = calloc(1, sizeof *r);
	int rc = PARLEY_OK;
	if (!x || !r) {
		rc = parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory");
		goto fail;
	}
	x->d = d;
	x->a = &d->arena;
	x->o = o;
	for (size_t i = 0; i < d->nv; i++)
		if (strcmp(d->v[i].id, visit_id) == 0)
			x->v = &d->v[i];
	if (!x->v) {
		rc = parley_err_set(err, PARLEY_ENOTFOUND, "analysis: no visit '%s'", visit_id);
		goto fail;
	}
	/* the visit's pair, as of the visit: cut when the visit lies past its data */
	x->pair = *o;
	snprintf(x->pair.a, sizeof x->pair.a, "%s", x->v->from);
	snprintf(x->pair.b, sizeof x->pair.b, "%s", x->v->to);
	x->pair.as_of = x->v->day;
	an_day_text(x->v->day, x->pair.as_of_text);
	an_cut(d, &x->pair);
	if (x->v->visitor) {
		if (!rc)
			rc = first_abroad(x);
	}
	if (!rc)
		rc = first_in_years(x);
	if (!rc && x->v->visitor) {
		size_t before = x->n;
		rc = nth_visit(x);
		/* when all the person's visits to the host fall in the current
		 * office, the ordinal repeats the first-to-host sentence: drop it */
		const parley_sentence *h = NULL;
		for (size_t i = 0; i < before; i++)
			if (strcmp(x->s[i].kind, "first-to-host") == 0)
				h = &x->s[i];
		if (!rc && h && x->n > before && h->claim == x->s[before].claim &&
		    h->total == x->s[before].total)
			x->n = before;
	}
	if (!rc)
		rc = since_previous(x);
	if (rc) {
		rc = parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory");
		goto fail;
	}
	r->visit = x->v->id;
	r->label = an_visit_label(&d->arena, x->v);
	r->n = x->n;
	r->s = an_alloc(&d->arena, (x->n ? x->n : 1) * sizeof *r->s);
	if (!r->s || !r->label) {
		rc = parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory");
		goto fail;
	}
	memcpy(r->s, x->s, x->n * sizeof *r->s);
	r->through = x->pair.th;
	r->priv = d;
	free(x);
	*out = r;
	return PARLEY_OK;
fail:
	free(x);
	free(r);
	an_data_free(d);
	return rc;
}

int parley_context_compute(parley_db *db, const char *visit_id, const parley_analysis_opts *o,
                           parley_context **out, parley_err *err)
{
	if (!db || !visit_id || !out)
		return parley_err_set(err, PARLEY_EINVAL, "parley_context_compute: NULL argument");
	parley_analysis_opts oo = {0};
	if (o) {
		oo.min_level = o->min_level;
		oo.status = o->status;
	}
	an_opts ao;
	an_data *d = NULL;
	int rc = an_opts_parse(&oo, false, &ao, err);
	if (!rc)
		rc = an_load_visit(db, &ao, visit_id, &d, err);
	if (rc)
		return rc;
	return an_context(d, &ao, visit_id, out, err);
}

void parley_context_free(parley_context *c)
{
	if (!c)
		return;
	an_data_free(c->priv);
	free(c);
}

int parley_context_write(const parley_context *c, const char *format, FILE *out,
                         parley_err *err)
{
	int rc = an_write_begin(c, out, "parley_context_write", &format, err);
	if (rc)
		return rc;
	static const char *const claims[] = {"none", "covered", "uncovered"};
	if (strcmp(format, "json") == 0) {
		json_t *ss = json_array();
		for (size_t i = 0; ss && i < c->n; i++) {
			const parley_sentence *x = &c->s[i];
			if (json_array_append_new(
			        ss, json_pack("{s:o,s:s,s:o,s:o,s:{s:I,s:o}}", "kind", pl_json_text(x->kind),
			                      "claim", claims[x->claim], "coverage", pl_json_text(x->coverage),
			                      "text", pl_json_text(x->text), "visits", "count",
			                      (json_int_t)x->total, "ids", an_json_ids(x->visits))))
				ss = (json_decref(ss), NULL);
		}
		json_t *o = an_through_json(json_pack("{s:o,s:o}", "visit", pl_json_text(c->visit),
		                                      "label", pl_json_text(c->label)),
		                            &c->through);
		rc = an_json_write(pl_json_merge(o, json_pack("{s:o}", "sentences", ss)), out, err);
		if (rc)
			return rc;
	} else if (strcmp(format, "table") == 0) {
		if (c->through.cut)
			fprintf(out, "data through %s: this visit (%s) lies past it, so no first, "
			             "ordinal or 'in N years' is claimed across it (%s)\n",
			        c->through.date, c->through.as_of,
			        c->through.rule ? c->through.rule : "declared");
		fprintf(out, "%s\n", c->label);
		for (size_t i = 0; i < c->n; i++)
			fprintf(out, "- %s\n", c->s[i].text);
	} else {
		an_data *d = c->priv;
		static const char *const head[] = {"kind", "claim", "coverage", "text", "visits",
		                                   "data_through"};
		bool csv = strcmp(format, "csv") == 0;
		an_table t = {csv ? 6 : 5, head, NULL, NULL, 0, 0, &d->arena};
		if (!csv && c->through.cut)
			fprintf(out, "data through %s: this visit (%s) lies past it (%s)\n\n",
			        c->through.date, c->through.as_of,
			        c->through.rule ? c->through.rule : "declared");
		for (size_t i = 0; i < c->n; i++) {
			const parley_sentence *s = &c->s[i];
			const char *ids = an_ids_join(&d->arena, s->visits);
			if (!ids)
				return parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory");
			const char *cell[] = {s->kind, claims[s->claim], s->coverage, s->text, ids,
			                      c->through.date};
			if (an_table_row(&t, cell))
				return parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory");
		}
		return an_table_write(&t, format, out, err);
	}
	return ferror(out) ? parley_err_set(err, PARLEY_EIO, "analysis: writing failed") : PARLEY_OK;
}
