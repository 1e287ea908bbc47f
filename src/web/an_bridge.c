/*
 * an_bridge.c - the analysis module's results (parley.h, Analysis) as
 * jansson values for the pages and the API.
 *
 * The dashboard's era table, gaps and a visit's context sentences must say
 * exactly what `parley eras`, `parley gaps` and `parley context` say, so
 * the web module does not count these itself: it converts the analysis
 * results.  Each function returns NULL when the analysis cannot answer
 * (e.g. a pair without paramount-leader tenures); callers then fall back
 * to showing less, never to a different count.
 */
#include "webq.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A new array of the ids; caller decrefs. */
static json_t *ids_json(const parley_ids *ids)
{
	json_t *a = json_array();
	for (size_t i = 0; i < ids->n; i++)
		json_array_append_new(a, json_string(ids->ids[i]));
	return a;
}

/* Splits 'A / B' at the first " / " into two new strings (either may be NULL). */
static void split_name(const char *name, char **x, char **y)
{
	const char *s = name ? strstr(name, " / ") : NULL;
	*x = s ? pl_strndup(name, (size_t)(s - name)) : pl_strdup(name);
	*y = s ? pl_strdup(s + 3) : NULL;
}

/* The eras of a result as the dashboard's rows; caller decrefs.  Counts,
 * not ids: the largest pair's eras hold 100,000 of them. */
static json_t *eras_json(const parley_eras *e)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < e->n; i++) {
		const parley_era *r = &e->eras[i];
		char *na, *nb;
		split_name(r->name, &na, &nb);
		json_t *o2 = json_pack("{s:s,s:s?,s:s?,s:s?,s:s?,s:s,s:s?,s:b,s:f,s:f,s:I,s:I,s:I,s:I,s:I,s:I,s:I}",
		    "label", r->name, "leader_a", r->leader_a, "leader_b", r->leader_b,
		    "leader_a_name", na, "leader_b_name", nb, "start_date", r->start,
		    "end_date", r->open ? NULL : r->end, "open", r->open,
		    "years", (double)(long)(r->years * 100 + 0.5) / 100,
		    "rate", (double)(long)(r->per_year * 100 + 0.5) / 100,
		    "visits", (json_int_t)r->visits.n, "from_a", (json_int_t)r->a_to_b.n,
		    "from_b", (json_int_t)r->b_to_a.n, "top_a", (json_int_t)r->top_a_to_b.n,
		    "top_b", (json_int_t)r->top_b_to_a.n,
		    "by_leaders", (json_int_t)(r->top_a_to_b.n + r->top_b_to_a.n),
		    "unidentified", (json_int_t)r->unidentified.n);
		free(na);
		free(nb);
		if (o2)
			json_array_append_new(arr, o2);
	}
	return arr;
}

json_t *pl_an_eras(parley_db *db, const char *a, const char *b, const char *as_of, parley_err *err)
{
	parley_analysis_opts o = {.a = a, .b = b, .as_of = as_of};
	parley_eras *e = NULL;
	if (parley_eras_compute(db, &o, PARLEY_ERAS_PAIR, &e, err) != PARLEY_OK)
		return NULL;
	json_t *arr = eras_json(e);
	parley_eras_free(e);
	return arr;
}

/* One interval as JSON, with links to the visits that open and close it;
 * caller decrefs. */
static json_t *gap_json(pl_page *pg, const parley_gap *x)
{
	json_t *o = json_pack("{s:I,s:f,s:s,s:s,s:b,s:s?,s:{s:s,s:s?}}",
	    "days", (json_int_t)x->days, "years", (double)(long)(x->years * 100 + 0.5) / 100,
	    "from", x->start, "to", x->end, "approximate", x->approximate, "era", x->era,
	    "opened_by", "id", x->before, "label", x->before_label);
	if (!o)
		return NULL;
	char *u = pl_url(pg, "visit", x->before);
	json_object_set_new(json_object_get(o, "opened_by"), "url", json_string(u));
	free(u);
	if (x->after) {
		json_t *c = json_pack("{s:s,s:s?}", "id", x->after, "label", x->after_label);
		u = pl_url(pg, "visit", x->after);
		json_object_set_new(c, "url", json_string(u));
		free(u);
		json_object_set_new(o, "closed_by", c);
	}
	return o;
}

/* The gaps of a result as JSON; caller decrefs. */
static json_t *gaps_json(pl_page *pg, const char *a, const char *b, const parley_gaps *g)
{
	json_t *longest = json_array();
	for (size_t i = 0; i < g->n; i++) {
		json_t *x = gap_json(pg, &g->gaps[i]);
		if (x)
			json_array_append_new(longest, x);
	}
	json_t *out = json_pack("{s:s,s:s,s:s,s:s,s:I,s:f,s:o}", "a", a, "b", b, "as_of", g->as_of,
	                        "range_start", g->range_start, "visits", (json_int_t)g->total.n,
	                        "long_run_rate", (double)(long)(g->long_run_rate * 100 + 0.5) / 100,
	                        "longest", longest);
	if (out && g->has_current) {
		json_t *c = gap_json(pg, &g->current);
		/* past the data the interval is a lower bound: "at least N days, as of DATE" */
		if (c && g->through.cut) {
			json_object_set_new(c, "at_least", json_true());
			json_object_set_new(c, "as_of", json_string(g->as_of));
		}
		if (c)
			json_object_set_new(out, "current", c);
	}
	if (out && g->through.date[0])
		json_object_set_new(out, "data_through", json_string(g->through.date));
	json_t *quiet = json_array();
	for (size_t i = 0; i < g->nquiet; i++)
		json_array_append_new(quiet, json_pack("{s:s,s:s,s:I,s:f}", "start", g->quiet[i].start,
		    "end", g->quiet[i].end, "visits", (json_int_t)g->quiet[i].visits.n,
		    "rate", (double)(long)(g->quiet[i].rate * 100 + 0.5) / 100));
	json_object_set_new(out, "quiet", quiet);
	return out;
}

json_t *pl_an_gaps(pl_page *pg, const char *a, const char *b)
{
	parley_analysis_opts o = {.a = a, .b = b, .as_of = pg->w->today};
	parley_gaps *g = NULL;
	if (parley_gaps_compute(pg->w->db, &o, 10, 0, 0, &g, NULL) != PARLEY_OK)
		return NULL;
	json_t *out = gaps_json(pg, a, b, g);
	parley_gaps_free(g);
	return out;
}

static json_t *firsts_of(parley_db *db, const parley_eras *e);

int pl_an_pair(pl_page *pg, const char *a, const char *b, json_t **eras, json_t **gaps,
               json_t **timeline, json_t **firsts)
{
	parley_analysis_opts o = {.a = a, .b = b, .as_of = pg->w->today};
	parley_eras *e = NULL;
	parley_gaps *g = NULL;
	parley_pair_year *y = NULL;
	size_t ny = 0;
	*eras = *gaps = *timeline = NULL;
	if (firsts)
		*firsts = NULL;
	int rc = parley_pair_compute(pg->w->db, &o, 10, &e, &g, &y, &ny, &pg->err);
	if (rc)
		return rc;
	*eras = e ? eras_json(e) : json_array();
	if (firsts) /* from these eras: a second analysis of the pair cost a
	             * zoomed chart half its time at 1M visits */
		*firsts = e ? firsts_of(pg->w->db, e) : json_array();
	*gaps = gaps_json(pg, a, b, g);
	*timeline = pl_timeline_json(pg, a, b, y, ny);
	free(y);
	parley_eras_free(e);
	parley_gaps_free(g);
	return PARLEY_OK;
}

/* The server's list of all the visits a context sentence rests on, when
 * it lists only the latest (/visits?visitor=...): NULL when there is none
 * or on the static site, which has no list page to link to.  Caller
 * decrefs. */
static json_t *context_list_url(pl_page *pg, const parley_sentence *s)
{
	if (pg->w->site || !s->list[0])
		return NULL;
	pl_buf l;
	pl_buf_init(&l, 4096);
	int rc = pl_buf_printf(&l, "%svisits", pg->rq->root);
	for (size_t i = 0; rc == PARLEY_OK && s->list[i] && s->list[i + 1]; i += 2) {
		rc = pl_buf_printf(&l, "%s%s=", i ? "&" : "?", s->list[i]);
		if (rc == PARLEY_OK)
			rc = pl_esc_url(&l, s->list[i + 1]);
	}
	json_t *u = rc == PARLEY_OK ? json_string(l.data) : NULL;
	pl_buf_free(&l);
	return u;
}

json_t *pl_an_context(pl_page *pg, const char *visit_id)
{
	parley_context *c = NULL;
	if (parley_context_compute(pg->w->db, visit_id, NULL, &c, NULL) != PARLEY_OK)
		return NULL;
	static const char *const claims[] = {"none", "covered", "uncovered"};
	json_t *arr = json_array();
	for (size_t i = 0; i < c->n; i++) {
		const parley_sentence *s = &c->s[i];
		int k = s->claim >= 0 && s->claim <= 2 ? (int)s->claim : 0;
		json_t *o = json_pack("{s:s?,s:s?,s:s,s:s?}", "kind", s->kind, "text", s->text,
		                      "claim", claims[k], "coverage", s->coverage);
		if (o) {
			json_object_set_new(o, "visits", ids_json(&s->visits));
			/* a list cut to its latest: how many in all, and where they are */
			if (s->total > s->visits.n) {
				json_object_set_new(o, "visits_total", json_integer((json_int_t)s->total));
				json_t *u = context_list_url(pg, s);
				if (u)
					json_object_set_new(o, "visits_url", u);
			}
			json_array_append_new(arr, o);
		}
	}
	parley_context_free(c);
	return arr;
}

/* Whether visit id was led by person (its visitor): one row by id. */
typedef struct led_q {
	const char *person;
	int yes;
} led_q;

static int led_row(void *ud, const parley_visit_fact *f, parley_err *err)
{
	(void)err;
	led_q *q = ud;
	q->yes = f->visitor && strcmp(f->visitor, q->person) == 0;
	return PARLEY_OK;
}

static int led_by(parley_db *db, const char *person, const char *visit)
{
	led_q q = {person, 0};
	return parley_visit_fact_get(db, visit, led_row, &q, NULL) == PARLEY_OK && q.yes;
}


json_t *pl_an_companions(pl_page *pg, const char *person)
{
	parley_companions *c = NULL;
	/* the page lists who travelled with the person (with), not whom
	 * they accompanied: that side is not read */
	if (parley_companions_led(pg->w->db, person, NULL, &c, NULL) != PARLEY_OK)
		return NULL;
	json_t *arr = json_array();
	for (size_t i = 0; i < c->nwith; i++) {
		const parley_companion *w = &c->with[i];
		json_t *o = json_pack("{s:s?,s:s?,s:I}", "name", w->name, "person", w->person,
		                      "trips", (json_int_t)w->visits.n);
		if (!o)
			continue;
		json_object_set_new(o, "visit_ids", ids_json(&w->visits));
		/* explicit nulls: a template must not find a parent's url */
		json_object_set_new(o, "url", json_null());
		json_object_set_new(o, "trips_url", json_null());
		if (w->person) {
			char *u = pl_url(pg, "person", w->person);
			json_object_set_new(o, "url", json_string(u));
			free(u);
			/* the list of exactly these trips; on the static site its
			 * pre-rendered file (site.c) */
			char rel[512];
			if (pg->w->site) {
				if (pl_site_companion_file(person, w->person, rel, sizeof rel) == PARLEY_OK) {
					pl_buf l;
					pl_buf_init(&l, 4096);
					if (pl_buf_printf(&l, "%s%s", pg->rq->root, rel) == PARLEY_OK)
						json_object_set_new(o, "trips_url", json_string(l.data));
					pl_buf_free(&l);
				}
			} else {
				pl_buf l;
				pl_buf_init(&l, 4096);
				int rc = pl_buf_printf(&l, "%svisits?visitor=", pg->rq->root);
				if (rc == PARLEY_OK)
					rc = pl_esc_url(&l, person);
				if (rc == PARLEY_OK)
					rc = pl_buf_puts(&l, "&companion=");
				if (rc == PARLEY_OK)
					rc = pl_esc_url(&l, w->person);
				if (rc == PARLEY_OK)
					json_object_set_new(o, "trips_url", json_string(l.data));
				pl_buf_free(&l);
			}
		}
		json_array_append_new(arr, o);
	}
	parley_companions_free(c);
	return arr;
}

/* The firsts of pl_an_firsts from eras already computed. */
static json_t *firsts_of(parley_db *db, const parley_eras *e)
{
	/* leader id -> {id, person, name}; ids within an era are by start date,
	 * and eras are oldest first, so the first id seen is the earliest. */
	json_t *seen = json_object(), *out = json_array();
	for (size_t i = 0; i < e->n; i++) {
		const parley_era *r = &e->eras[i];
		char *na, *nb;
		split_name(r->name, &na, &nb);
		const struct { const char *leader, *name; const parley_ids *ids; } side[2] = {
		    {r->leader_a, na, &r->top_a_to_b}, {r->leader_b, nb, &r->top_b_to_a}};
		for (int k = 0; k < 2; k++) {
			if (!side[k].leader || json_object_get(seen, side[k].leader))
				continue;
			/* the leader's own trip: top_* also counts visits at level
			 * paramount_leader, which another person could have made */
			const char *first = NULL; /* in date order: the first led is the answer */
			for (size_t j = 0; j < side[k].ids->n && !first; j++)
				if (led_by(db, side[k].leader, side[k].ids->ids[j]))
					first = side[k].ids->ids[j];
			if (!first)
				continue;
			json_t *f = json_pack("{s:s,s:s,s:s?}", "id", first, "person", side[k].leader,
			                      "name", side[k].name);
			if (!f)
				continue;
			json_object_set(seen, side[k].leader, f);
			json_array_append_new(out, f);
		}
		free(na);
		free(nb);
	}
	json_decref(seen);
	return out;
}

json_t *pl_an_firsts(parley_db *db, const char *a, const char *b, const char *as_of)
{
	parley_analysis_opts o = {.a = a, .b = b, .as_of = as_of};
	parley_eras *e = NULL;
	if (parley_eras_compute(db, &o, PARLEY_ERAS_PAIR, &e, NULL) != PARLEY_OK)
		return NULL;
	json_t *out = firsts_of(db, e);
	parley_eras_free(e);
	return out;
}
