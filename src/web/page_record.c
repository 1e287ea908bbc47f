/*
 * page_record.c - a page (and API object) per visit, person and country,
 * and the context sentences of a visit.
 *
 * The visit page shows every field the store has, with each source as a
 * link (only http/https/mailto URLs become links; anything else is shown
 * as text), the visits before and after it between the same pair, and
 * sentences of context computed from the records (ordinals, gaps, era).
 */
#include "webq.h"
#include "pl_query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Visits                                                              */
/* ------------------------------------------------------------------ */

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* People on a visit as page rows (seq, person, name, detail, url). */
static json_t *people_rows(pl_page *pg, const parley_visit_person *p, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_pack("{s:I,s:o,s:s,s:o}", "seq", (json_int_t)(i + 1), "person",
		                      str_or_null(p[i].person), "name", p[i].name ? p[i].name : "",
		                      "detail", str_or_null(p[i].detail));
		pl_set_url(pg, o, "url", "person", "person");
		json_array_append_new(a, o);
	}
	return a;
}

/* The previous or next visit of the pair as {id, start_date, visitor_name, url}. */
static void neighbour(pl_page *pg, json_t *v, const char *key, parley_visits *r)
{
	if (!r || !r->n)
		return;
	json_t *o = json_pack("{s:s,s:s,s:s}", "id", r->v[0].id, "start_date", r->v[0].start_date,
	                      "visitor_name", r->v[0].visitor_name);
	pl_set_url(pg, o, "url", "visit", "id");
	json_object_set_new(v, key, o);
}

/* A visit with everything attached (parley_visit_get), or NULL when there
 * is no such visit; caller decrefs. */
static json_t *visit_object(pl_page *pg, const char *id)
{
	parley_visits *r = NULL;
	if (parley_visit_get(pg->w->db, id, &r, &pg->err) != PARLEY_OK)
		return NULL;
	const parley_visit *x = &r->v[0];
	json_t *v = pl_visit_json(x, 0);
	/* the page's names for the record's own columns */
	json_object_set_new(v, "visitor_office", str_or_null(x->visitor_office));
	json_object_set_new(v, "visitor_office_name", str_or_null(x->office_name));
	json_object_set_new(v, "note", str_or_null(x->note));
	json_object_del(v, "places");
	json_object_del(v, "sources");
	pl_set_url(pg, v, "url", "visit", "id");
	pl_set_url(pg, v, "visitor_url", "person", "visitor");
	json_object_set_new(v, "delegation", people_rows(pg, x->delegation, x->ndelegation));
	json_object_set_new(v, "hosts", people_rows(pg, x->hosts, x->nhosts));
	json_t *acts = json_array(), *places = json_array(), *src = json_array(), *ext = json_array();
	for (size_t i = 0; i < x->nactivities; i++) {
		const parley_visit_activity *t = &x->activities[i];
		json_array_append_new(acts, json_pack("{s:I,s:s,s:o,s:s}", "seq", (json_int_t)(i + 1), "kind",
		                                      t->kind ? t->kind : "", "date", str_or_null(t->date),
		                                      "description", t->description ? t->description : ""));
	}
	for (size_t i = 0; i < x->nplaces; i++)
		json_array_append_new(places, json_pack("{s:I,s:s,s:o}", "seq", (json_int_t)(i + 1), "name",
		                                        x->places[i].name ? x->places[i].name : "",
		                                        "country", str_or_null(x->places[i].country)));
	for (size_t i = 0; i < x->nsources; i++) {
		const parley_visit_source *t = &x->sources[i];
		/* a copy, mirror or proxy is flagged; an archived copy is linked
		 * only when it is a safe http(s) URL */
		int weak = t->quality && (strcmp(t->quality, "copy") == 0 || strcmp(t->quality, "mirror") == 0 ||
		                          strcmp(t->quality, "proxy") == 0);
		json_array_append_new(src, json_pack("{s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:b,s:b}", "id", t->id,
		    "url", str_or_null(t->url), "citation", str_or_null(t->citation), "title",
		    str_or_null(t->title), "publisher", str_or_null(t->publisher), "published",
		    str_or_null(t->published), "accessed", str_or_null(t->accessed), "archive_url",
		    str_or_null(t->archive_url), "weak", str_or_null(weak ? t->quality : NULL), "passage",
		    str_or_null(t->passage), "link", pl_href_ok(t->url), "archive_link",
		    t->archive_url && pl_href_ok(t->archive_url)));
	}
	for (size_t i = 0; i < x->nexternal_ids; i++)
		json_array_append_new(ext, json_pack("{s:s,s:s}", "scheme", x->external_ids[i].scheme,
		                                     "value", x->external_ids[i].value));
	json_object_set_new(v, "activities", acts);
	json_object_set_new(v, "places", places);
	json_object_set_new(v, "sources", src);
	json_object_set_new(v, "external_ids", ext);
	parley_visits_free(r);
	parley_visits *prev = NULL, *next = NULL;
	if (parley_visit_neighbours(pg->w->db, id, &prev, &next, NULL) == PARLEY_OK) {
		neighbour(pg, v, "previous", prev);
		neighbour(pg, v, "next", next);
	}
	parley_visits_free(prev);
	parley_visits_free(next);
	json_object_set_new(v, "context", pl_visit_context(pg, v));
	return v;
}

/* The context sentences are the analysis module's (`parley context ID`), so
 * the page says exactly what the command says, with the same coverage rules
 * for "first" and "only".  When it cannot answer, the page says nothing
 * rather than make claims of its own. */
json_t *pl_visit_context(pl_page *pg, json_t *v)
{
	const char *id = json_string_value(json_object_get(v, "id"));
	pl_web *w = pg->w;
	/* a static site writes each visit's page, then its JSON, from a store
	 * opened read-only: the second has the first one's sentences (a copy,
	 * as each page owns and may label its own) */
	json_t *an = w->site && id && w->context_id && strcmp(w->context_id, id) == 0
	                 ? json_deep_copy(w->context) : NULL;
	if (an)
		return an;
	an = pl_an_context(pg, id);
	if (!an)
		return json_array();
	if (w->site && id) {
		pl_web_context_free(w);
		w->context_id = pl_strdup(id);
		w->context = w->context_id ? json_deep_copy(an) : NULL;
		if (!w->context)
			pl_web_context_free(w);
	}
	return an;
}

void pl_web_context_free(pl_web *w)
{
	free(w->context_id);
	json_decref(w->context);
	w->context_id = NULL;
	w->context = NULL;
}

static const char *const visit_csv_cols[] = {
    "id", "visitor", "visitor_label", "visitor_office", "visitor_title", "level", "from_country",
    "to_country", "start_date", "end_date", "type", "summary", "confidence", "status",
    "disputed", "note", NULL};

/* A record given a new key by `parley rename`: its old address answers
 * 301 with the new one (page, or API in the same format); 0 when id was
 * never renamed. */
static int redirect_renamed(pl_page *pg, const char *concept, const char *kind,
                            const char *api, const char *id, int fmt)
{
	char now[512];
	if (parley_renamed_to(pg->w->db, concept, id, now, sizeof now, NULL) != PARLEY_OK)
		return 0;
	pl_buf loc;
	pl_buf_init(&loc, sizeof pg->rs->location);
	int rc;
	if (fmt == 0) {
		char *u = pl_url(pg, kind, now);
		rc = u ? pl_buf_puts(&loc, u) : PARLEY_ENOMEM;
		free(u);
	} else {
		rc = pl_buf_printf(&loc, "%sapi/v1/%s/", pg->rq->root, api);
		if (rc == PARLEY_OK)
			rc = pl_esc_url(&loc, now);
		if (rc == PARLEY_OK)
			rc = pl_buf_puts(&loc, fmt == 2 ? ".csv" : ".json");
	}
	if (rc != PARLEY_OK) { /* a new key too long for a Location header */
		pl_buf_free(&loc);
		pl_send_error(pg, 500, NULL, "renamed: the new address does not fit");
		return 1;
	}
	char msg[1200];
	snprintf(msg, sizeof msg, "renamed: now at %s", loc.data ? loc.data : "");
	pl_send_error(pg, 301, NULL, msg);
	pl_strlcpy(pg->rs->location, loc.data ? loc.data : "", sizeof pg->rs->location);
	pl_buf_free(&loc);
	return 1;
}

void pl_page_visit(pl_page *pg, const char *id, int fmt)
{
	/* The JSON's ETag holds the version a write's If-Match names, so body and
	 * version must come from the same state: read the version before and
	 * after the body, and read again when a write came in between. */
	char before[48] = "";
	json_t *v = NULL;
	for (int tries = 0; tries < 8; tries++) {
		if (fmt == 1)
			parley_visit_etag(pg->w->db, id, before, sizeof before, NULL);
		v = visit_object(pg, id);
		if (fmt != 1 || !v)
			break;
		parley_visit_etag(pg->w->db, id, pg->rs->etag, sizeof pg->rs->etag, NULL);
		if (strcmp(before, pg->rs->etag) == 0)
			break;
		json_decref(v);
		v = NULL;
		pg->rs->etag[0] = '\0';
	}
	if (!v) {
		if (!redirect_renamed(pg, "visit", "visit", "visits", id, fmt))
			pl_send_error(pg, 404, NULL, "no visit with that id");
		return;
	}
	if (fmt == 2) {
		json_t *a = json_pack("[o]", v);
		pl_send_csv(pg, a, visit_csv_cols);
		json_decref(a);
		return;
	}
	if (fmt == 1) {
		/* version and hash of the answer: previous, next and context
		 * change when a neighbouring visit does, and a revalidation
		 * must see that (issue 11); If-Match still finds the version */
		pl_versioned_etag(pg, v);
		pl_send_json(pg, v);
		return;
	}
	pl_add_labels(v);
	char title[400];
	snprintf(title, sizeof title, "%s: %s to %s, %s", pl_text_or(v, "visitor_name", "Unidentified visitor"),
	         pl_text_or(v, "from_name", pl_text_or(v, "from_country", "?")),
	         pl_text_or(v, "to_name", pl_text_or(v, "to_country", "?")), pl_text_or(v, "start_date", "undated"));
	char yr[16];
	snprintf(yr, sizeof yr, "%lld", (long long)json_integer_value(json_object_get(v, "year")));
	char *yu = pl_list_url(pg, NULL, NULL, yr, yr);
	json_t *ctx = json_pack("{s:s,s:o,s:s,s:s}", "title", title, "v", v, "year_url", yu, "year", yr);
	free(yu);
	pl_render_page(pg, "visit", ctx);
}

void pl_api_context(pl_page *pg, const char *id, int fmt)
{
	json_t *v = visit_object(pg, id);
	if (!v) {
		pl_send_error(pg, 404, NULL, "no visit with that id");
		return;
	}
	json_t *c = json_incref(json_object_get(v, "context"));
	json_decref(v);
	if (fmt == 2) {
		json_t *rowsv = json_array();
		size_t i;
		json_t *s;
		json_array_foreach(c, i, s)
			json_array_append_new(rowsv, json_pack("{s:O?,s:O?,s:O?}", "kind", json_object_get(s, "kind"),
			                                       "claim", json_object_get(s, "claim"), "text", json_object_get(s, "text")));
		static const char *const cols[] = {"kind", "claim", "text", NULL};
		pl_send_csv(pg, rowsv, cols);
		json_decref(rowsv);
		json_decref(c);
		return;
	}
	pl_send_json(pg, json_pack("{s:s,s:o}", "visit", id, "context", c));
}

/* ------------------------------------------------------------------ */
/* People                                                              */
/* ------------------------------------------------------------------ */

/* Tenures as a small SVG timeline, one row per tenure; NULL when there are
 * none.  Caller frees with free(). */
static char *tenure_svg(json_t *ten, const char *today)
{
	size_t n = json_array_size(ten);
	if (!n)
		return NULL;
	double lo = 1e9, hi = -1e9;
	size_t i;
	json_t *t;
	json_array_foreach(ten, i, t) {
		const char *e = json_string_value(json_object_get(t, "end_date"));
		double s = pl_frac_year(json_string_value(json_object_get(t, "start_date")));
		double en = pl_frac_year(e ? e : today);
		if (s < lo)
			lo = s;
		if (en > hi)
			hi = en;
	}
	lo = (double)(int)lo;
	hi = (double)(int)hi + 1;
	pl_buf b;
	pl_buf_init(&b, 1 << 20);
	double rowh = 30, h = 34 + n * rowh, x0 = 10, x1 = 950;
	int rc = pl_buf_printf(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"tenures\" viewBox=\"0 0 960 %.0f\" role=\"img\" aria-label=\"Offices held over time\">"
	                  "<g font-family=\"system-ui,sans-serif\" font-size=\"13\" fill=\"#222\">", h);
	json_array_foreach(ten, i, t) {
		if (rc != PARLEY_OK)
			break;
		const char *e = json_string_value(json_object_get(t, "end_date"));
		double s = pl_frac_year(json_string_value(json_object_get(t, "start_date")));
		double en = pl_frac_year(e ? e : today);
		double xa = x0 + (s - lo) / (hi - lo) * (x1 - x0), xb = x0 + (en - lo) / (hi - lo) * (x1 - x0);
		if (xb - xa < 2)
			xb = xa + 2;
		double y = 6 + i * rowh;
		const char *office = json_string_value(json_object_get(t, "office_name"));
		rc = pl_buf_printf(&b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"12\" fill=\"#009E73\"><title>", xa, y + 14, xb - xa);
		if (rc == PARLEY_OK)
			rc = pl_esc_html(&b, office);
		if (rc == PARLEY_OK)
			rc = pl_buf_printf(&b, "</title></rect><text x=\"%.1f\" y=\"%.1f\">", xa < 700 ? xa : 700, y + 10);
		if (rc == PARLEY_OK)
			rc = pl_esc_html(&b, office);
		if (rc == PARLEY_OK)
			rc = pl_buf_puts(&b, ", ");
		if (rc == PARLEY_OK)
			rc = pl_esc_html(&b, json_string_value(json_object_get(t, "start_date")));
		if (rc == PARLEY_OK)
			rc = pl_buf_puts(&b, "–");
		if (rc == PARLEY_OK)
			rc = pl_esc_html(&b, e ? e : "");
		if (rc == PARLEY_OK)
			rc = pl_buf_puts(&b, "</text>");
	}
	if (rc == PARLEY_OK)
		rc = pl_buf_printf(&b, "<text x=\"%.1f\" y=\"%.1f\" fill=\"#595959\">%d</text><text x=\"%.1f\" y=\"%.1f\" fill=\"#595959\" text-anchor=\"end\">%d</text></g></svg>",
		                   x0, h - 2, (int)lo, x1, h - 2, (int)hi);
	if (rc != PARLEY_OK) { /* no chart rather than half of one */
		pl_buf_free(&b);
		return NULL;
	}
	return pl_buf_take(&b);
}

/* A person page lists at most this many visits per role: the latest, with
 * the total and a link to the whole list (/visits?visitor=ID), so the page
 * costs what it shows, not what a person with 10,000 trips did. */
#define PERSON_LIST_MAX 50

/* The visits where person id had role (visitor, host, companion), by
 * date, as page rows with their urls: all of them when cap is 0, else the
 * latest cap (still in date order); *total counts them all.  Caller
 * decrefs. */
static json_t *role_visits(pl_page *pg, const char *role, const char *id, long cap, long *total)
{
	parley_query q;
	parley_query_init(&q);
	parley_visits *r = NULL;
	json_t *a = json_array();
	*total = 0;
	/* the latest cap: the list's reverse order (start_key, id descending)
	 * read back to front gives exactly the tail of the date order */
	if (cap > 0)
		q.sort = "-date";
	q.limit = cap;
	if (parley_query_set(&q, role, id, &pg->err) != PARLEY_OK ||
	    parley_visits_find(pg->w->db, &q, 0, &r, &pg->err) != PARLEY_OK)
		return a;
	*total = r->total;
	for (size_t k = 0; k < r->n; k++) {
		size_t i = cap > 0 ? r->n - 1 - k : k;
		json_t *o = pl_visit_json(&r->v[i], 0);
		pl_set_url(pg, o, "url", "visit", "id");
		json_array_append_new(a, o);
	}
	parley_visits_free(r);
	return a;
}

/* For a list cut at the cap, what the page says of it: {shown, total,
 * url} with url the whole list (/visits?ROLE=ID); NULL when it is whole. */
static json_t *list_note(pl_page *pg, const char *role, const char *id, size_t shown, long total)
{
	if (total <= (long)shown)
		return NULL;
	pl_buf l;
	pl_buf_init(&l, 4096);
	int rc = pl_buf_printf(&l, "%svisits?%s=", pg->rq->root, role);
	if (rc == PARLEY_OK)
		rc = pl_esc_url(&l, id);
	json_t *o = rc == PARLEY_OK ? json_pack("{s:I,s:I,s:s}", "shown", (json_int_t)shown, "total",
	                                        (json_int_t)total, "url", l.data)
	                            : NULL;
	pl_buf_free(&l);
	return o;
}

/* 1 when alias is native, or one of its forms ("최영림 / 崔永林"): the
 * page's heading shows those already. */
static int native_form(const char *native, const char *alias)
{
	size_t n = strlen(alias);
	for (const char *s = native; s && *s;) {
		const char *end = strstr(s, " / ");
		size_t len = end ? (size_t)(end - s) : strlen(s);
		if (len == n && memcmp(s, alias, n) == 0)
			return 1;
		s = end ? end + 3 : NULL;
	}
	return 0;
}

void pl_page_person(pl_page *pg, const char *id, int fmt)
{
	parley_person *pr = NULL;
	/* the JSON's ETag is the version a write's If-Match names (as a
	 * visit's): read around the record, again when a write came between */
	char before[48] = "";
	int got = 0;
	for (int tries = 0; tries < 8 && !got; tries++) {
		if (fmt == 1)
			parley_record_etag(pg->w->db, "person", id, before, sizeof before, NULL);
		if (parley_person_get(pg->w->db, id, &pr, &pg->err) != PARLEY_OK)
			break;
		if (fmt == 1)
			parley_record_etag(pg->w->db, "person", id, pg->rs->etag, sizeof pg->rs->etag, NULL);
		got = fmt != 1 || strcmp(before, pg->rs->etag) == 0;
		if (!got) {
			parley_person_free(pr);
			pr = NULL;
			pg->rs->etag[0] = '\0';
		}
	}
	if (!got) {
		if (!redirect_renamed(pg, "person", "person", "people", id, fmt))
			pl_send_error(pg, 404, NULL, "no person with that id");
		return;
	}
	json_t *p = json_pack("{s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o}", "id", pr->id, "name", pr->name,
	    "native_name", str_or_null(pr->native_name), "country", str_or_null(pr->country),
	    "birth_date", str_or_null(pr->birth_date), "death_date", str_or_null(pr->death_date),
	    "note", str_or_null(pr->note), "country_name", str_or_null(pr->country_name));
	pl_set_url(pg, p, "url", "person", "id");
	pl_set_url(pg, p, "country_url", "country", "country");
	json_t *aliases = json_array(), *ten = json_array(), *also = json_array();
	for (size_t i = 0; i < pr->naliases; i++) {
		json_array_append_new(aliases, json_pack("{s:s,s:o}", "alias", pr->aliases[i].alias, "kind",
		                                         str_or_null(pr->aliases[i].kind)));
		/* the page's "Also written": every alias the heading does not show */
		if (fmt == 0 && !native_form(pr->native_name, pr->aliases[i].alias))
			json_array_append_new(also, json_pack("{s:s}", "alias", pr->aliases[i].alias));
	}
	if (fmt == 0)
		json_object_set_new(p, "also", also);
	else
		json_decref(also);
	for (size_t i = 0; i < pr->ntenures; i++) {
		const parley_tenure_row *t = &pr->tenures[i];
		json_array_append_new(ten, json_pack("{s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o}", "id", t->id,
		    "office", t->office,
		    "office_name", str_or_null(t->office_name), "rank", str_or_null(t->rank), "country",
		    str_or_null(t->country), "start_date", str_or_null(t->start_date), "end_date",
		    str_or_null(t->end_date), "confidence", str_or_null(t->confidence)));
	}
	parley_person_free(pr);
	json_object_set_new(p, "aliases", aliases);
	json_object_set_new(p, "tenures", ten);
	/* the visits behind each list are the query layer's, so a person's
	 * "trips" equal the list /visits?visitor=ID links to */
	static const char *const roles[][4] = {{"visitor", "trips", "trips_total", "trips_more"},
	                                       {"host", "hosted", "hosted_total", "hosted_more"},
	                                       {"companion", "accompanied", "accompanied_total",
	                                        "accompanied_more"}};
	/* a CSV download stays whole, and so does the static site, which has
	 * no list page to link to */
	long cap = fmt == 2 || pg->w->site ? 0 : PERSON_LIST_MAX;
	json_t *more[3] = {NULL, NULL, NULL};
	for (size_t k = 0; k < 3; k++) {
		long total = 0;
		json_t *l = role_visits(pg, roles[k][0], id, cap, &total);
		if (fmt == 0)
			more[k] = list_note(pg, roles[k][0], id, json_array_size(l), total);
		json_object_set_new(p, roles[k][1], l);
		json_object_set_new(p, roles[k][2], json_integer(total));
	}
	/* The analysis module's counts (`parley companions`), each linked to
	 * the list of exactly its visits. */
	json_t *comp = pl_an_companions(pg, id);
	if (!comp)
		comp = json_array();
	while (json_array_size(comp) > 30)
		json_array_remove(comp, json_array_size(comp) - 1);
	json_object_set_new(p, "companions", comp);
	if (fmt == 1) {
		pl_versioned_etag(pg, p);
		pl_send_json(pg, p);
		return;
	}
	if (fmt == 2) {
		static const char *const cols[] = {"id", "start_date", "end_date", "from_country", "to_country", "level", "type", NULL};
		pl_send_csv(pg, json_object_get(p, "trips"), cols);
		json_decref(p);
		return;
	}
	pl_add_labels(json_object_get(p, "trips"));
	for (size_t k = 0; k < 3; k++)
		if (more[k])
			json_object_set_new(p, roles[k][3], more[k]);
	char *svg = tenure_svg(ten, pg->w->today);
	json_t *ctx = json_pack("{s:s,s:o}", "title", json_string_value(json_object_get(p, "name")), "p", p);
	if (svg)
		json_object_set_new(ctx, "tenure_svg", json_string(svg));
	free(svg);
	pl_render_page(pg, "person", ctx);
}

/* ------------------------------------------------------------------ */
/* Countries                                                           */
/* ------------------------------------------------------------------ */

/* A country's partners from the query layer's counts per direction
 * (country=code, confirmed or reported; one pass, memory for the
 * partners): visits made to and hosted from each, most visits first. */
typedef struct partner_acc {
	pl_page *pg;
	const char *code;
	json_t *byc, *out;
} partner_acc;

static int partner_count(void *ud, const char *from, const char *to, long n, parley_err *err)
{
	(void)err;
	partner_acc *p = ud;
	if (!from || !to)
		return PARLEY_OK;
	int made = strcmp(from, p->code) == 0;
	const char *other = made ? to : from;
	json_t *o = json_object_get(p->byc, other);
	if (!o) {
		char *name = pl_country_name(p->pg->w->db, other);
		o = json_pack("{s:s,s:s,s:I,s:I,s:I}", "code", other, "name", name ? name : other,
		              "made", (json_int_t)0, "hosted", (json_int_t)0, "visits", (json_int_t)0);
		free(name);
		if (!o)
			return PARLEY_ENOMEM;
		json_object_set_new(p->byc, other, o);
		json_array_append(p->out, o);
	}
	const char *k = made ? "made" : "hosted";
	json_object_set_new(o, k, json_integer(json_integer_value(json_object_get(o, k)) + n));
	json_object_set_new(o, "visits", json_integer(json_integer_value(json_object_get(o, "visits")) + n));
	return PARLEY_OK;
}

/* Caller decrefs. */
static json_t *partner_rows(pl_page *pg, const char *code)
{
	parley_query q;
	parley_query_init(&q);
	partner_acc p = {pg, code, json_object(), json_array()};
	json_t *out = p.out;
	if (parley_query_set(&q, "country", code, &pg->err) == PARLEY_OK)
		parley_visits_by_direction(pg->w->db, &q, partner_count, &p, &pg->err);
	json_decref(p.byc);
	/* most visits first, then by code */
	size_t n = json_array_size(out);
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0; j--) {
			json_t *x = json_array_get(out, j - 1), *y = json_array_get(out, j);
			json_int_t vx = json_integer_value(json_object_get(x, "visits"));
			json_int_t vy = json_integer_value(json_object_get(y, "visits"));
			if (vx > vy || (vx == vy && strcmp(json_string_value(json_object_get(x, "code")),
			                                   json_string_value(json_object_get(y, "code"))) <= 0))
				break;
			json_incref(x);
			json_array_set(out, j - 1, y);
			json_array_set_new(out, j, x);
		}
	return out;
}

void pl_page_country(pl_page *pg, const char *code, int fmt)
{
	parley_countries *cs = NULL;
	if (parley_countries_find(pg->w->db, code, &cs, &pg->err) != PARLEY_OK || cs->n == 0) {
		parley_countries_free(cs);
		pl_send_error(pg, 404, NULL, "no country with that code");
		return;
	}
	const parley_country_row *cr = &cs->c[0];
	json_t *c = json_pack("{s:s,s:s,s:o,s:o,s:o}", "code", cr->code, "name", cr->name, "iso2",
	                      str_or_null(cr->iso2), "start_date", str_or_null(cr->start_date),
	                      "end_date", str_or_null(cr->end_date));
	parley_countries_free(cs);
	json_t *lead = json_array();
	parley_holders *hs = NULL;
	if (parley_office_holders(pg->w->db, code, "paramount_leader,head_of_state,head_of_government",
	                          &hs, &pg->err) == PARLEY_OK) {
		for (size_t i = 0; i < hs->n; i++) {
			const parley_holder *h = &hs->h[i];
			json_t *o = json_pack("{s:s,s:s,s:o,s:o,s:o,s:o}", "person", h->person, "name", h->name,
			                      "office_name", str_or_null(h->office_name), "rank",
			                      str_or_null(h->rank), "start_date", str_or_null(h->start_date),
			                      "end_date", str_or_null(h->end_date));
			pl_set_url(pg, o, "url", "person", "person");
			json_array_append_new(lead, o);
		}
		parley_holders_free(hs);
	}
	json_object_set_new(c, "leaders", lead);
	json_t *partners = partner_rows(pg, code);
	size_t i;
	json_t *r;
	json_array_foreach(partners, i, r) {
		const char *o = json_string_value(json_object_get(r, "code"));
		char pair[2 * PL_CODE_MAX + 2];
		if (strcmp(code, o) < 0)
			snprintf(pair, sizeof pair, "%s-%s", code, o);
		else
			snprintf(pair, sizeof pair, "%s-%s", o, code);
		char *u = pl_url(pg, "pair", pair);
		json_object_set_new(r, "url", json_string(u));
		free(u);
		char *lu = pl_list_url(pg, code, o, NULL, NULL);
		json_object_set_new(r, "list_url", json_string(lu));
		free(lu);
	}
	json_object_set_new(c, "partners", partners);
	if (fmt == 1) {
		pl_send_json(pg, c);
		return;
	}
	if (fmt == 2) {
		static const char *const cols[] = {"code", "name", "made", "hosted", "visits", NULL};
		pl_send_csv(pg, json_object_get(c, "partners"), cols);
		json_decref(c);
		return;
	}
	pl_render_page(pg, "country", json_pack("{s:s,s:o}", "title", json_string_value(json_object_get(c, "name")), "c", c));
}
