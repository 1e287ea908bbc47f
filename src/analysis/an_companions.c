/*
 * an_companions.c - who travelled with whom.
 *
 * For a person P: the visits P led (as visitor), the people named as
 * companions on those visits with how often and on which visits; and the
 * reverse, the visitors whose delegations P joined as a companion.  A
 * companion the record names without a person id is grouped by the name as
 * written, so that nobody is silently merged or dropped.
 */
#include "an.h"
#include "internal.h" /* pl_json_* */

#include <stdlib.h>
#include <string.h>

typedef struct group {
	const char *person, *name;
	an_idlist ids;
} group;

typedef struct groups {
	group *g;
	size_t n, cap;
} groups;

static int group_add(an_arena *a, groups *gs, const char *person, const char *name,
                     const char *visit)
{
	group *g = NULL;
	for (size_t i = 0; i < gs->n && !g; i++) {
		bool same = person ? gs->g[i].person && strcmp(gs->g[i].person, person) == 0
		                   : !gs->g[i].person && strcmp(gs->g[i].name, name) == 0;
		if (same)
			g = &gs->g[i];
	}
	if (!g) {
		group *p = pl_grow(gs->g, &gs->cap, gs->n + 1, sizeof *p, 16);
		if (!p)
			return PARLEY_ENOMEM;
		gs->g = p;
		g = &gs->g[gs->n++];
		*g = (group){person, name, {0}};
	}
	/* a person listed twice on one visit still counts one visit */
	if (g->ids.n && strcmp(g->ids.ids[g->ids.n - 1], visit) == 0)
		return PARLEY_OK;
	return an_ids_push(a, &g->ids, visit);
}

static int group_cmp(const void *x, const void *y)
{
	const group *a = x, *b = y;
	if (a->ids.n != b->ids.n)
		return a->ids.n > b->ids.n ? -1 : 1;
	return strcmp(a->name, b->name);
}

static parley_companion *finish(an_arena *a, groups *gs)
{
	if (gs->n)
		qsort(gs->g, gs->n, sizeof *gs->g, group_cmp);
	parley_companion *c = an_alloc(a, (gs->n ? gs->n : 1) * sizeof *c);
	for (size_t i = 0; c && i < gs->n; i++)
		c[i] = (parley_companion){gs->g[i].person, gs->g[i].name, an_ids_done(&gs->g[i].ids)};
	return c;
}

/* Members by visit id, then by their order in d->m (a delegation's
 * order), for members_of. */
static int member_cmp(const void *x, const void *y)
{
	const an_member *a = *(const an_member *const *)x, *b = *(const an_member *const *)y;
	int c = strcmp(a->visit, b->visit);
	return c ? c : (a > b) - (a < b);
}

/* The first index of visit's members in by (sorted by member_cmp), or n. */
static size_t members_of(const an_member *const *by, size_t n, const char *visit)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(by[mid]->visit, visit) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int status_ok(const an_opts *o, const an_visit *v)
{
	for (size_t i = 0; i < o->nstatus; i++)
		if (strcmp(o->statuses[i], v->status) == 0)
			return 1;
	return 0;
}

int an_companions(an_data *d, const an_opts *o, const char *person, parley_companions **out,
                  parley_err *err)
{
	an_opts cut = *o;
	an_cut(d, &cut); /* the store's data-through: companions are not one pair's */
	o = &cut;
	groups with = {0}, joined = {0};
	an_idlist led = {0};
	const an_member **by_visit = NULL;
	int rc = PARLEY_OK;
	parley_companions *r = calloc(1, sizeof *r);
	const an_person *p = an_person_find(d, person);
	if (!r) {
		rc = parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory");
		goto fail;
	}
	if (!p) {
		rc = parley_err_set(err, PARLEY_ENOTFOUND, "analysis: no person '%s'", person);
		goto fail;
	}
	/* the companions of each visit, found through the members sorted by
	 * visit (a scan of every member per visit grew with visits x members:
	 * 1.4 s for a person with 10,000 trips) */
	if (d->nm) {
		by_visit = malloc(d->nm * sizeof *by_visit);
		if (!by_visit) {
			rc = parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory");
			goto fail;
		}
		for (size_t j = 0; j < d->nm; j++)
			by_visit[j] = &d->m[j];
		qsort(by_visit, d->nm, sizeof *by_visit, member_cmp);
	}
	/* visits in date order, then each visit's delegation in its order */
	for (size_t i = 0; i < d->nv && !rc; i++) {
		const an_visit *v = &d->v[i];
		if (!status_ok(o, v) || v->day > o->as_of)
			continue;
		int led_it = v->visitor && strcmp(v->visitor, p->id) == 0;
		if (led_it)
			rc = an_ids_push(&d->arena, &led, v->id);
		for (size_t j = members_of(by_visit, d->nm, v->id); j < d->nm && !rc &&
		                                                      strcmp(by_visit[j]->visit, v->id) == 0; j++) {
			const an_member *m = by_visit[j];
			if (strcmp(m->role, "companion") != 0)
				continue;
			int me = m->person && strcmp(m->person, p->id) == 0;
			if (led_it && !me)
				rc = group_add(&d->arena, &with, m->person,
				               m->person ? an_person_name(d, m->person) : m->name, v->id);
			else if (!led_it && me)
				rc = group_add(&d->arena, &joined, v->visitor,
				               v->name ? v->name : "(unidentified visitor)", v->id);
		}
	}
	if (rc) {
		rc = parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory");
		goto fail;
	}
	r->person = p->id;
	r->name = p->name;
	r->led = an_ids_done(&led);
	r->nwith = with.n;
	r->with = finish(&d->arena, &with);
	r->naccompanied = joined.n;
	r->accompanied = finish(&d->arena, &joined);
	if (!r->with || !r->accompanied) {
		rc = parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory");
		goto fail;
	}
	r->through = o->th;
	r->priv = d;
	free(by_visit);
	free(with.g);
	free(joined.g);
	*out = r;
	return PARLEY_OK;
fail:
	free(by_visit);
	free(with.g);
	free(joined.g);
	free(r);
	an_data_free(d);
	return rc;
}

/* Resolves an id, or a name or alias folded, to a person id (in the arena). */
static int resolve(parley_db *db, an_data *d, const char *q, const char **id, parley_err *err)
{
	if (an_person_find(d, q)) {
		*id = q;
		return PARLEY_OK;
	}
	char *fq = parley_fold(q);
	if (!fq)
		return parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory");
	const char *hit = NULL;
	int nhit = 0;
	for (size_t i = 0; i < d->np; i++) {
		char *f = parley_fold(d->p[i].name);
		if (f && strcmp(f, fq) == 0) {
			hit = d->p[i].id;
			nhit++;
		}
		free(f);
	}
	free(fq);
	if (!hit) {
		/* No display name matched: try the aliases (other romanisations,
		 * Hangul, Hanzi), so "Lee Sol-ju" and "리설주" find ri-sol-ju. */
		size_t na = 0;
		char *first = NULL;
		int rc = parley_people_by_alias(db, q, &na, &first, err);
		if (rc)
			return rc;
		const an_person *known = first ? an_person_find(d, first) : NULL;
		free(first);
		if (known) {
			hit = known->id;
			nhit = (int)na;
		}
	}
	if (nhit > 1)
		return parley_err_set(err, PARLEY_EDATA,
		                      "analysis: '%s' names %d people; give a person id", q, nhit);
	if (!hit)
		return parley_err_set(err, PARLEY_ENOTFOUND, "analysis: no person '%s'", q);
	*id = hit;
	return PARLEY_OK;
}

/* parley_companions_compute, or with led_only parley_companions_led. */
static int compute(parley_db *db, const char *person, const parley_analysis_opts *o,
                   bool led_only, parley_companions **out, parley_err *err)
{
	parley_analysis_opts oo = {0};
	if (o) {
		oo.status = o->status;
		oo.as_of = o->as_of;
	}
	an_opts ao;
	an_data *d = NULL;
	int rc = an_opts_parse(&oo, false, &ao, err);
	if (!rc)
		rc = an_load_people(db, &d, err);
	if (rc)
		return rc;
	/* the person first (among everyone), then only their visits */
	const char *id = NULL;
	if ((rc = resolve(db, d, person, &id, err)) ||
	    (rc = an_load_person_visits(db, &ao, id, led_only, d, err))) {
		an_data_free(d);
		return rc;
	}
	return an_companions(d, &ao, id, out, err);
}

int parley_companions_compute(parley_db *db, const char *person, const parley_analysis_opts *o,
                              parley_companions **out, parley_err *err)
{
	if (!db || !person || !out)
		return parley_err_set(err, PARLEY_EINVAL, "parley_companions_compute: NULL argument");
	return compute(db, person, o, false, out, err);
}

int parley_companions_led(parley_db *db, const char *person, const parley_analysis_opts *o,
                          parley_companions **out, parley_err *err)
{
	if (!db || !person || !out)
		return parley_err_set(err, PARLEY_EINVAL, "parley_companions_led: NULL argument");
	/* the visits the person joined are not read: at 1M visits, for a
	 * person of 9,787 trips and 2,832 places in delegations, they were
	 * half of the person page's companions (issue 13) */
	return compute(db, person, o, true, out, err);
}

void parley_companions_free(parley_companions *c)
{
	if (!c)
		return;
	an_data_free(c->priv);
	free(c);
}

static json_t *json_list(const parley_companion *c, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < n; i++)
		if (json_array_append_new(a, json_pack("{s:o,s:o,s:o}", "person",
		                                       pl_json_text(c[i].person), "name",
		                                       pl_json_text(c[i].name), "visits",
		                                       an_json_count(c[i].visits))))
			a = (json_decref(a), NULL);
	return a;
}

int parley_companions_write(const parley_companions *c, const char *format, int explain,
                            FILE *out, parley_err *err)
{
	int rc = an_write_begin(c, out, "parley_companions_write", &format, err);
	if (rc)
		return rc;
	if (strcmp(format, "json") == 0)
		return an_json_write(
		    an_through_json(json_pack("{s:o,s:o,s:o,s:o,s:o}", "person", pl_json_text(c->person),
		                              "name", pl_json_text(c->name), "led",
		                              an_json_count(c->led), "companions",
		                              json_list(c->with, c->nwith), "accompanied",
		                              json_list(c->accompanied, c->naccompanied)),
		                    &c->through),
		    out, err);
	an_data *d = c->priv;
	an_arena *a = &d->arena;
	static const char *const head[] = {"relation", "person", "name", "visits", "visit_ids",
	                                   "data_through"};
	static const bool right[] = {false, false, false, true, false, false};
	bool csv = strcmp(format, "csv") == 0;
	an_table t = {csv ? 6 : 5, head, right, NULL, 0, 0, a};
	if (!csv)
		an_through_line(out, &c->through, c->through.as_of);
	for (int side = 0; side < 2; side++) {
		const parley_companion *l = side ? c->accompanied : c->with;
		size_t n = side ? c->naccompanied : c->nwith;
		for (size_t i = 0; i < n; i++) {
			const char *ids = an_ids_join(a, l[i].visits);
			if (!ids)
				return parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory");
			const char *cell[] = {side ? "accompanied" : "companion", l[i].person, l[i].name,
			                      an_fmt(a, "%zu", l[i].visits.n),
			                      explain || strcmp(format, "table") != 0 ? ids : "",
			                      c->through.date};
			if (!cell[3] || an_table_row(&t, cell))
				return parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory");
		}
	}
	if (strcmp(format, "table") == 0)
		fprintf(out, "%s (%s): led %zu visit%s; %zu companion%s; accompanied %zu visitor%s.\n\n",
		        c->name, c->person, c->led.n, c->led.n == 1 ? "" : "s", c->nwith,
		        c->nwith == 1 ? "" : "s", c->naccompanied, c->naccompanied == 1 ? "" : "s");
	return an_table_write(&t, format, out, err);
}
