/*
 * an_load.c - reads what the analyses need from the store into an an_data.
 *
 * Everything comes through the query layer (issue 8): visits of one pair,
 * or all, as parley_visit_facts; tenures with their offices' countries and
 * ranks, coverage, the data version, people, country names and delegation
 * members from its typed readers (src/lib/query_reference.c); for compare
 * also external ids and era labels.  Everything else is computed in
 * memory, so that the same code runs on fixtures.
 */
#include "an.h"
#include "internal.h" /* pl_map */
#include "pl_query.h" /* pl_visit_facts */

#include <stdlib.h>
#include <string.h>

/* The tenures of f (parley_tenure_facts_find: a and b, or person, or all). */
static int load_tenures(parley_db *db, an_data *d, const char *a, const char *b,
                        const char *person, parley_err *err)
{
	parley_tenure_facts *t = NULL;
	int rc = parley_tenure_facts_find(db, a, b, person, &t, err);
	for (size_t i = 0; !rc && i < t->n; i++) {
		const parley_tenure_fact *x = &t->t[i];
		rc = an_add_tenure(d, x->person, x->person_name, x->office, x->office_name, x->country,
		                   x->rank, x->start_date, x->end_date, err);
	}
	parley_facts_free(t);
	return rc;
}

/* The people ids names (NULL: everyone). */
static int load_people(parley_db *db, an_data *d, const char *const *ids, size_t nids,
                       parley_err *err)
{
	parley_person_facts *p = NULL;
	int rc = parley_person_facts_find(db, ids, nids, &p, err);
	for (size_t i = 0; !rc && i < p->n; i++)
		rc = an_add_person(d, p->p[i].id, p->p[i].name, p->p[i].country, p->p[i].birth_date, err);
	parley_facts_free(p);
	return rc;
}

/* The delegation of visit (NULL: of every visit). */
static int load_members(parley_db *db, an_data *d, const char *visit, parley_err *err)
{
	parley_member_facts *m = NULL;
	int rc = parley_member_facts_find(db, visit, &m, err);
	for (size_t i = 0; !rc && i < m->n; i++)
		rc = an_add_member(d, m->m[i].visit, m->m[i].role, m->m[i].person, m->m[i].name, err);
	parley_facts_free(m);
	return rc;
}

/* Visits come from the query layer (parley_visit_facts: the lists' own
 * filter, lean columns from one covering index); a sink adds them to the
 * dataset, skipping ids already added when dedupe is set.  The dataset
 * marks the distinct visitors (an_add_visit), whose names are then read
 * by id. */
typedef struct fact_sink {
	an_data *d;
	int dedupe;
	pl_map seen;     /* visit ids added (dedupe) */
} fact_sink;

static int fact_add(void *ud, const parley_visit_fact *f, parley_err *err)
{
	fact_sink *s = ud;
	int added = 1;
	if (s->dedupe && f->id && !pl_map_put(&s->seen, f->id, strlen(f->id), &added))
		return parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory");
	if (!added)
		return PARLEY_OK;
	int rc = an_add_visit(s->d, f->id, f->visitor, f->visitor_label, f->from_country,
	                      f->to_country, f->level, f->type, f->status, f->start_date, err);
	if (!rc) /* the record's label; the visitor's own name wins (an_prepare) */
		s->d->v[s->d->nv - 1].label_name = 1;
	return rc;
}

/* The query layer's filter for the visits an analysis counts: status and
 * level as o says, started by as_of (first possible day); more are
 * set by the caller.  o's texts outlive q. */
static int counted(const an_opts *o, const char *as_of, parley_query *q, parley_err *err)
{
	parley_query_init(q);
	int rc = parley_query_set(q, "status", o->status, err);
	if (!rc && o->min_level[0])
		rc = parley_query_set(q, "min_level", o->min_level, err);
	if (!rc && as_of)
		rc = parley_query_set(q, "as_of", as_of, err);
	return rc;
}

/* The names (people rows) of d's visitors, each read by id. */
static int visitor_people(parley_db *db, an_data *d, parley_err *err)
{
	const pl_map *names = d->names;
	size_t cap = names ? names->cap : 0;
	const char **ids = malloc((cap ? cap : 1) * sizeof *ids);
	if (!ids)
		return parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory");
	size_t n = 0;
	for (size_t i = 0; i < cap; i++)
		if (names->slot[i].key && (names->slot[i].n & AN_NAME_VISITOR))
			ids[n++] = names->slot[i].key;
	int rc = load_people(db, d, ids, n, err);
	free(ids);
	return rc;
}

/* What every analysis reads beside visits, tenures and people: coverage,
 * the data version, the latest visit (where the data ends) and the
 * countries' names, each small or one index step. */
static int load_common(parley_db *db, an_data *d, bool only_through, parley_err *err)
{
	parley_coverage *c = NULL;
	int rc = parley_coverage_list(db, &c, err);
	for (size_t i = 0; !rc && i < c->n; i++) {
		const parley_coverage_row *x = &c->c[i];
		rc = an_add_cover(d, x->id, x->description, x->from_country, x->to_country, x->min_level,
		                  x->start_date, x->end_date, x->person, err);
		if (!rc)
			rc = an_cover_set_through(d, x->data_through, err);
	}
	parley_facts_free(c);
	/* where the data ends: the newest release, else the latest visit */
	parley_data_version v;
	if (!rc)
		rc = parley_data_version_get(db, &v, err);
	if (!rc && v.name[0])
		rc = an_set_release(d, v.name, v.released, v.data_through, err);
	char latest[32];
	if (!rc)
		rc = parley_visits_latest_start(db, latest, sizeof latest, err);
	parley_date x;
	/* the fallback of the data-through rule: the latest start of any visit,
	 * its first possible day (a visit dated "2024" shows only that the
	 * data reaches 2024, not its end); the greatest start text has the
	 * greatest first day */
	if (!rc && latest[0] && parley_date_parse(latest, strlen(latest), &x, NULL) == PARLEY_OK) {
		long day = parley_date_first_day(x);
		if (d->latest == AN_OPEN || day > d->latest)
			d->latest = day;
	}
	parley_country_names_list *k = NULL;
	if (!rc && !only_through) {
		rc = parley_country_names(db, &k, err);
		for (size_t i = 0; !rc && i < k->n; i++)
			rc = an_add_country(d, k->c[i].code, k->c[i].name, err);
	}
	parley_facts_free(k);
	return rc;
}

static an_data *fresh(parley_db *db, parley_err *err)
{
	if (!db) {
		parley_err_set(err, PARLEY_EINVAL, "analysis: no store");
		return NULL;
	}
	an_data *d = an_data_new();
	if (!d)
		parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory");
	return d;
}

/* The end of every loader: prepared on success, freed on failure. */
static int done(an_data *d, fact_sink *s, int rc, an_data **out)
{
	if (s)
		pl_map_free(&s->seen);
	if (rc) {
		an_data_free(d);
		return rc;
	}
	an_prepare(d);
	*out = d;
	return PARLEY_OK;
}

/* Everything (compare), or with only_through just what says where the
 * data ends (coverage, the data version, the latest visit: an_cut reads no
 * visit), so the footer of every page does not read the whole store. */
static int load(parley_db *db, bool members, bool only_through, an_data **out, parley_err *err)
{
	an_data *d = fresh(db, err);
	if (!d)
		return err && err->code ? err->code : PARLEY_ENOMEM;
	fact_sink s = {.d = d};
	int rc = PARLEY_OK;
	if (!only_through) {
		parley_query q;
		parley_query_init(&q);
		rc = parley_query_set(&q, "status", "all", err);
		/* by direction, the order of an index holding every column read;
		 * an_prepare then sorts them into list order */
		if (!rc)
			rc = pl_visit_facts_by_direction(db, &q, fact_add, &s, err);
		if (!rc)
			rc = load_tenures(db, d, NULL, NULL, NULL, err);
		if (!rc)
			rc = load_people(db, d, NULL, 0, err);
	}
	if (!rc)
		rc = load_common(db, d, only_through, err);
	if (!rc && members && !only_through)
		rc = load_members(db, d, NULL, err);
	return done(d, &s, rc, out);
}

int an_load(parley_db *db, bool members, an_data **out, parley_err *err)
{
	return load(db, members, false, out, err);
}

int an_load_pair(parley_db *db, const an_opts *o, bool types, an_data **out, parley_err *err)
{
	an_data *d = fresh(db, err);
	if (!d)
		return err && err->code ? err->code : PARLEY_ENOMEM;
	/* only what the pair's figures read (issue 13: the cost follows the
	 * pair, not the store): the visits they count, through the query layer;
	 * the tenures of the two countries' offices (eras, and whether a visitor
	 * was their leader: is_top reads the visiting country's offices); the
	 * visitors' names */
	fact_sink s = {.d = d};
	parley_query q;
	char pair[2 * sizeof o->a + 2];
	snprintf(pair, sizeof pair, "%s:%s", o->a, o->b);
	int rc = counted(o, o->as_of_text, &q, err);
	if (!rc)
		rc = parley_query_set(&q, "between", pair, err);
	if (!rc) /* the type, only for the analysis that reads it */
		rc = pl_visit_facts(db, &q, !types, fact_add, &s, err);
	if (!rc)
		rc = load_tenures(db, d, o->a, o->b, NULL, err);
	if (!rc)
		rc = visitor_people(db, d, err);
	if (!rc)
		rc = load_common(db, d, false, err);
	return done(d, &s, rc, out);
}

/* The visit of an_load_visit, kept aside so its pair and visitor follow. */
typedef struct one_visit {
	char id[256], from[16], to[16], visitor[256], level[64], as_of[16], before[16];
	int has_visitor;
	long day; /* its first possible day */
} one_visit;

static int remember(void *ud, const parley_visit_fact *f, parley_err *err)
{
	one_visit *x = ud;
	parley_date dt;
	if (!f->start_date || parley_date_parse(f->start_date, strlen(f->start_date), &dt, NULL) != PARLEY_OK)
		return parley_err_set(err, PARLEY_EDATA, "analysis: visit %s: bad date '%s'", f->id,
		                      f->start_date ? f->start_date : "");
	snprintf(x->id, sizeof x->id, "%s", f->id);
	snprintf(x->from, sizeof x->from, "%s", f->from_country);
	snprintf(x->to, sizeof x->to, "%s", f->to_country);
	x->has_visitor = f->visitor != NULL;
	snprintf(x->visitor, sizeof x->visitor, "%s", f->visitor ? f->visitor : "");
	snprintf(x->level, sizeof x->level, "%s", f->level ? f->level : "unknown");
	/* the as-of of the visits before it: its first possible day (the
	 * visitor's visits), or the day before it (the pair's previous ones) */
	x->day = parley_date_first_day(dt);
	an_day_text(x->day, x->as_of);
	an_day_text(parley_date_first_day(dt) - 1, x->before);
	parley_date b; /* before the first date a store can hold: nothing is */
	if (parley_date_parse(x->before, strlen(x->before), &b, NULL) != PARLEY_OK)
		x->before[0] = '\0';
	return PARLEY_OK;
}

/* The visit of the pair that a context sentence compares V with: the
 * latest before V's first possible day (as_of: the day before it) of the
 * query's filter, added to the dataset.  That visit is the latest of the
 * same filter among all the pair's earlier visits, so the sentence names
 * the visit it named when the loader read the pair's whole history, with
 * one index seek per direction (issue 13). */
static int latest_before(parley_db *db, const an_opts *o, const char *as_of, const char *pair,
                         const char *direction, const char *min_level, fact_sink *s,
                         parley_err *err)
{
	parley_query q;
	int rc = counted(o, as_of, &q, err);
	q.min_level = NULL;
	if (!rc && min_level)
		rc = parley_query_set(&q, "min_level", min_level, err);
	if (!rc && pair)
		rc = parley_query_set(&q, "between", pair, err);
	if (!rc && direction)
		rc = parley_query_set(&q, "direction", direction, err);
	if (!rc)
		rc = pl_visit_fact_last(db, &q, fact_add, s, err);
	return rc;
}

/* The visitor's earlier visits as the context sentences use them
 * (an_context.c): counted in the store (an_data.vc), and only the latest
 * PARLEY_CONTEXT_IDS_MAX of each list a sentence gives read as visits: of
 * those from the visit's country since the visitor's office began (trips
 * abroad, and of them to the host), and of those from its country to its
 * host.  A site's pages of a pair each read their visitor's whole history
 * before, so the site grew with the pair times its visitors' histories
 * (100x for 10x visits: issue 13); now a page counts them in one pass over
 * their index range (pl_visitor_counts) and reads a few dozen rows. */
typedef struct visitor_walk {
	const one_visit *x;
	struct an_visitor_counts *vc;
	long since;            /* the office's first day; LONG_MAX: no office */
	long got_abroad, got_nth;
	fact_sink *s;
} visitor_walk;

/* The visitor's visits newest first: each one that is among the latest
 * PARLEY_CONTEXT_IDS_MAX of a list is added, until every list has them. */
static int take_latest(void *ud, const parley_visit_fact *f, parley_err *err)
{
	visitor_walk *w = ud;
	long need_abroad = w->vc->abroad < PARLEY_CONTEXT_IDS_MAX ? w->vc->abroad : PARLEY_CONTEXT_IDS_MAX;
	long need_nth = w->vc->nth < PARLEY_CONTEXT_IDS_MAX ? w->vc->nth : PARLEY_CONTEXT_IDS_MAX;
	if (w->got_abroad >= need_abroad && w->got_nth >= need_nth)
		return PL_WALK_STOP;
	int from = f->from_country && strcmp(f->from_country, w->x->from) == 0;
	int nth = from && f->to_country && strcmp(f->to_country, w->x->to) == 0;
	int abroad = 0;
	parley_date dt;
	if (from && w->since != LONG_MAX && f->start_date &&
	    parley_date_parse(f->start_date, strlen(f->start_date), &dt, NULL) == PARLEY_OK)
		abroad = parley_date_first_day(dt) >= w->since;
	/* both counted: a visit may be among the latest of either list */
	int take_nth = nth && w->got_nth++ < need_nth;
	int take_abroad = abroad && w->got_abroad++ < need_abroad;
	return take_nth || take_abroad ? fact_add(w->s, f, err) : PARLEY_OK;
}

static int visitor_visits(parley_db *db, const an_opts *o, const one_visit *x, an_data *d,
                          fact_sink *s, parley_err *err)
{
	struct an_visitor_counts *vc = &d->vc;
	*vc = (struct an_visitor_counts){.set = 1, .nth_minrank = INT_MAX};
	const an_tenure *t = an_office_at(d, x->visitor, x->day);
	visitor_walk w = {x, vc, t ? t->first : LONG_MAX, 0, 0, s};
	char since[16] = "";
	if (t)
		an_day_text(t->first, since);
	pl_visitor_counts_q cq = {x->visitor, x->from, x->to, x->as_of, since, o->statuses, o->nstatus};
	pl_visitor_counts_r cr;
	int rc = pl_visitor_counts(db, &cq, &cr, err);
	if (rc)
		return rc;
	vc->nth = cr.nth;
	vc->abroad = t ? cr.abroad : 0;
	vc->to_host = t ? cr.to_host : 0;
	vc->outside = cr.outside;
	parley_date dt;
	if (cr.nth && parley_date_parse(cr.nth_first, strlen(cr.nth_first), &dt, NULL) == PARLEY_OK)
		vc->nth_first = parley_date_first_day(dt);
	vc->nth_minrank = cr.nth_minrank;
	if (!x->before[0] || (!vc->abroad && !vc->nth))
		return PARLEY_OK;
	parley_query q;
	rc = counted(o, x->before, &q, err);
	q.min_level = NULL;
	if (!rc)
		rc = parley_query_set(&q, "visitor", x->visitor, err);
	if (!rc)
		rc = pl_visit_facts_back(db, &q, take_latest, &w, err);
	return rc;
}

int an_load_visit(parley_db *db, const an_opts *o, const char *id, an_data **out,
                  parley_err *err)
{
	an_data *d = fresh(db, err);
	if (!d)
		return err && err->code ? err->code : PARLEY_ENOMEM;
	/* a visit's sentences compare it with its visitor's earlier visits (to
	 * any country: every one of them may be named), counted by o's
	 * statuses, and with two visits of its pair: the previous one from the
	 * same country to the same host at its level or above (first-in-years)
	 * and the previous one either way at o's minimum level (since-previous).
	 * Those two are read by index seeks, not found among the pair's whole
	 * history (a late visit of a 100,000-visit pair read them all); the
	 * visitor's visits are counted, and only the latest of each list
	 * read (visitor_visits) */
	fact_sink s = {.d = d, .dedupe = 1};
	one_visit x;
	memset(&x, 0, sizeof x); /* read below only once the visit is found */
	int rc = parley_visit_fact_get(db, id, remember, &x, err);
	if (rc == PARLEY_ENOTFOUND)
		rc = parley_err_set(err, PARLEY_ENOTFOUND, "analysis: no visit '%s'", id);
	if (!rc)
		rc = parley_visit_fact_get(db, id, fact_add, &s, err);
	char pair[40], dir[40];
	snprintf(pair, sizeof pair, "%s:%s", x.from, x.to);
	snprintf(dir, sizeof dir, "%s:%s", x.from, x.to);
	if (!rc && strcmp(x.from, x.to) != 0 && x.before[0]) {
		/* first-in-years compares at the visit's own level (none below
		 * any rank: no comparison, no seek) */
		if (parley_level_rank(x.level) > 0)
			rc = latest_before(db, o, x.before, NULL, dir, x.level, &s, err);
		if (!rc)
			rc = latest_before(db, o, x.before, pair, NULL, o->min_level, &s, err);
	}
	/* the tenures first: the office held on the visit's day bounds the
	 * trips abroad counted */
	if (!rc && x.has_visitor) {
		rc = load_tenures(db, d, NULL, NULL, x.visitor, err);
		if (!rc)
			rc = visitor_visits(db, o, &x, d, &s, err);
	}
	if (!rc)
		rc = visitor_people(db, d, err);
	if (!rc)
		rc = load_common(db, d, false, err);
	return done(d, &s, rc, out);
}

int an_load_people(parley_db *db, an_data **out, parley_err *err)
{
	an_data *d = fresh(db, err);
	if (!d)
		return err && err->code ? err->code : PARLEY_ENOMEM;
	return done(d, NULL, load_people(db, d, NULL, 0, err), out);
}

int an_load_person_visits(parley_db *db, const an_opts *o, const char *person, bool led_only,
                          an_data *d, parley_err *err)
{
	/* the person's visits as visitor or as a companion (the visits they
	 * hosted name no companion of theirs: companions reads none of them),
	 * counted by o's statuses to its as-of date (a companion's figures are
	 * not one pair's), with the companions on them (all that companions
	 * reads: one query, where a query per visit cost 0.1 s for a person of
	 * 10,000 trips).  One filter per role, each read from its own index
	 * (the visitor's covering range; the delegation rows by person): the
	 * filter person= ORs the roles and read every visit's row, 60% of a
	 * person's companions at 1M visits (issue 13); a visit of both roles
	 * comes once (dedupe). */
	static const char *const roles[] = {"visitor", "companion"};
	fact_sink s = {.d = d, .dedupe = 1};
	parley_query q;
	int rc = PARLEY_OK;
	for (size_t k = 0; !rc && k < (led_only ? 1 : sizeof roles / sizeof *roles); k++) {
		rc = counted(o, o->as_of_text, &q, err);
		q.min_level = NULL;
		if (!rc)
			rc = parley_query_set(&q, roles[k], person, err);
		if (!rc)
			rc = parley_visit_facts(db, &q, fact_add, &s, err);
	}
	parley_member_facts *m = NULL;
	if (!rc)
		rc = pl_companion_facts(db, person, led_only, &m, err);
	for (size_t i = 0; !rc && i < m->n; i++)
		rc = an_add_member(d, m->m[i].visit, m->m[i].role, m->m[i].person, m->m[i].name, err);
	parley_facts_free(m);
	if (!rc)
		rc = load_common(db, d, false, err);
	pl_map_free(&s.seen);
	if (!rc)
		an_prepare(d);
	return rc;
}

int parley_data_through(parley_db *db, const char *a, const char *b, const char *min_level,
                        char date[11], char *rule, size_t rule_size, parley_err *err)
{
	if (!db || !date)
		return parley_err_set(err, PARLEY_EINVAL, "parley_data_through: NULL argument");
	date[0] = '\0';
	if (rule && rule_size)
		rule[0] = '\0';
	parley_analysis_opts in = {.a = a, .b = b, .min_level = min_level};
	an_opts o;
	an_data *d = NULL;
	int rc = an_opts_parse(&in, false, &o, err);
	if (!rc)
		rc = load(db, false, true, &d, err);
	if (rc)
		return rc;
	o.as_of = LONG_MAX - 1; /* ask "where does it end", not "is today past it" */
	an_cut(d, &o);
	snprintf(date, 11, "%s", o.th.date);
	if (rule && rule_size)
		snprintf(rule, rule_size, "%s", o.th.rule ? o.th.rule : "");
	an_data_free(d);
	return PARLEY_OK;
}

/* The visits of d by id: pointers sorted by id, built only when some
 * external id or era label is there to attach (visits are sorted by date,
 * not id: a scan per row grew with visits x ids). */
typedef struct by_id {
	an_data *d;
	an_visit **v;
} by_id;

static int id_cmp(const void *x, const void *y)
{
	return strcmp((*(an_visit *const *)x)->id, (*(an_visit *const *)y)->id);
}

static int by_id_build(by_id *b, parley_err *err)
{
	if (b->v)
		return PARLEY_OK;
	b->v = malloc((b->d->nv + 1) * sizeof *b->v);
	if (!b->v)
		return parley_err_set(err, PARLEY_ENOMEM, "compare: out of memory");
	for (size_t i = 0; i < b->d->nv; i++)
		b->v[i] = &b->d->v[i];
	qsort(b->v, b->d->nv, sizeof *b->v, id_cmp);
	return PARLEY_OK;
}

static an_visit *visit_by_id(const by_id *b, const char *id)
{
	size_t lo = 0, hi = id ? b->d->nv : 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(b->v[mid]->id, id);
		if (c == 0)
			return b->v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* v's compare fields, made on first use; NULL when out of memory. */
static struct an_visit_more *more(an_data *d, an_visit *v)
{
	if (!v->more)
		v->more = an_alloc(&d->arena, sizeof *v->more);
	return v->more;
}

/* Adds one external id to visit v's NULL-terminated list (the form
 * parley_visit_desc wants). */
static int add_ext(an_data *d, an_visit *v, const parley_visit_ext *e, parley_err *err)
{
	struct an_visit_more *m = more(d, v);
	if (!m)
		return parley_err_set(err, PARLEY_ENOMEM, "compare: out of memory");
	size_t next = 0;
	while (m->ext && m->ext[next])
		next++;
	const char **n = an_alloc(&d->arena, (next + 2) * sizeof *n);
	const char *x = an_fmt(&d->arena, "%s:%s", e->scheme, e->value);
	if (!n || !x)
		return parley_err_set(err, PARLEY_ENOMEM, "compare: out of memory");
	if (next)
		memcpy(n, m->ext, next * sizeof *n);
	n[next++] = x;
	n[next] = NULL;
	m->ext = n;
	return PARLEY_OK;
}

/* The era label a note keeps ("period '...'"), as v's period. */
static int add_period(an_data *d, an_visit *v, const char *note, parley_err *err)
{
	const char *p = note ? strstr(note, "period '") : NULL;
	if (!p)
		return PARLEY_OK;
	p += 8;
	const char *e = strchr(p, '\'');
	if (!e || e == p)
		return PARLEY_OK;
	char *s = an_alloc(&d->arena, (size_t)(e - p) + 1);
	struct an_visit_more *m = more(d, v);
	if (!s || !m)
		return parley_err_set(err, PARLEY_ENOMEM, "compare: out of memory");
	memcpy(s, p, (size_t)(e - p));
	m->period = s;
	return PARLEY_OK;
}

int an_load_compare(parley_db *db, an_data *d, parley_err *err)
{
	by_id b = {d, NULL};
	parley_visit_exts *x = NULL;
	int rc = parley_visit_exts_all(db, &x, err);
	if (!rc && x->n)
		rc = by_id_build(&b, err);
	for (size_t i = 0; !rc && i < x->n; i++) {
		an_visit *v = visit_by_id(&b, x->x[i].visit);
		if (v)
			rc = add_ext(d, v, &x->x[i], err);
	}
	parley_facts_free(x);
	parley_visit_notes *t = NULL;
	if (!rc)
		rc = parley_visit_notes_find(db, "period '", &t, err);
	if (!rc && t->n)
		rc = by_id_build(&b, err);
	for (size_t i = 0; !rc && i < t->n; i++) {
		an_visit *v = visit_by_id(&b, t->v[i].visit);
		if (v)
			rc = add_period(d, v, t->v[i].note, err);
	}
	parley_facts_free(t);
	free(b.v);
	return rc;
}
