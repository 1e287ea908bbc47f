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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void set_url(pl_page *pg, json_t *o, const char *key, const char *kind, const char *idkey)
{
	const char *id = json_string_value(json_object_get(o, idkey));
	if (!id)
		return;
	char *u = pl_url(pg, kind, id);
	json_object_set_new(o, key, json_string(u));
	free(u);
}

static void urls_all(pl_page *pg, json_t *arr, const char *key, const char *kind, const char *idkey)
{
	size_t i;
	json_t *r;
	json_array_foreach(arr, i, r)
		set_url(pg, r, key, kind, idkey);
}

/* Rows of sql with id bound (an empty array on failure); caller decrefs. */
static json_t *rows(pl_page *pg, const char *sql, const char *id)
{
	const char *b[] = {id, NULL};
	json_t *r = pl_rows(pg->w->db, sql, b, &pg->err);
	return r ? r : json_array();
}

/* ------------------------------------------------------------------ */
/* Visits                                                              */
/* ------------------------------------------------------------------ */

/* A visit with everything attached, or NULL when there is no such visit;
 * caller decrefs. */
static json_t *visit_object(pl_page *pg, const char *id)
{
	const char *b[] = {id, NULL};
	json_t *v = pl_row1(pg->w->db,
	    "SELECT v.*, coalesce(p.name, v.visitor_label, 'unidentified') AS visitor_name,"
	    " coalesce(cf.name, v.from_country) AS from_name, coalesce(ct.name, v.to_country) AS to_name,"
	    " o.name AS visitor_office_name, substr(v.start_date,1,4) + 0 AS year"
	    " FROM visit v LEFT JOIN person p ON p.id = v.visitor"
	    " LEFT JOIN office o ON o.id = v.visitor_office"
	    " LEFT JOIN country cf ON cf.code = v.from_country LEFT JOIN country ct ON ct.code = v.to_country"
	    " WHERE v.id = ?", b, &pg->err);
	if (!v)
		return NULL;
	set_url(pg, v, "url", "visit", "id");
	set_url(pg, v, "visitor_url", "person", "visitor");
	/* a macro, so that the format stays a literal (-Wformat-nonliteral) */
#define PEOPLE_SQL \
	    "SELECT vp.seq AS seq, vp.person AS person, vp.name AS name, vp.detail AS detail" \
	    " FROM visit_person vp WHERE vp.visit = ? AND vp.role = '%s' ORDER BY vp.seq"
	char sql[2048];
	snprintf(sql, sizeof sql, PEOPLE_SQL, "companion");
	json_t *comp = rows(pg, sql, id);
	urls_all(pg, comp, "url", "person", "person");
	json_object_set_new(v, "delegation", comp);
	snprintf(sql, sizeof sql, PEOPLE_SQL, "host");
	json_t *hosts = rows(pg, sql, id);
	urls_all(pg, hosts, "url", "person", "person");
	json_object_set_new(v, "hosts", hosts);
	json_object_set_new(v, "activities", rows(pg,
	    "SELECT seq, kind, date, description FROM activity WHERE visit = ? ORDER BY seq", id));
	json_object_set_new(v, "places", rows(pg,
	    "SELECT seq, name, country FROM place WHERE visit = ? ORDER BY seq", id));
	json_t *src = rows(pg,
	    "SELECT s.id AS id, s.url AS url, s.citation AS citation, s.title AS title,"
	    " s.publisher AS publisher, s.published AS published, s.accessed AS accessed,"
	    " vs.passage AS passage FROM visit_source vs JOIN source s ON s.id = vs.source"
	    " WHERE vs.visit = ? ORDER BY s.id", id);
	size_t i;
	json_t *s;
	json_array_foreach(src, i, s) {
		const char *u = json_string_value(json_object_get(s, "url"));
		json_object_set_new(s, "link", json_boolean(pl_href_ok(u)));
	}
	json_object_set_new(v, "sources", src);
	json_object_set_new(v, "external_ids", rows(pg,
	    "SELECT scheme, value FROM external_id WHERE entity = 'visit' AND entity_id = ? ORDER BY scheme, value", id));
	/* Previous and next visit between the same pair. */
	/* a macro, so that the format stays a literal (-Wformat-nonliteral) */
#define NEIGHBOUR_SQL \
	    "SELECT w.id AS id, w.start_date AS start_date, coalesce(p.name, w.visitor_label, 'unidentified') AS visitor_name" \
	    " FROM visit v JOIN visit w ON ((w.from_country = v.from_country AND w.to_country = v.to_country) OR" \
	    " (w.from_country = v.to_country AND w.to_country = v.from_country)) AND w.id <> v.id" \
	    " AND w.status IN ('confirmed','reported')" \
	    " LEFT JOIN person p ON p.id = w.visitor WHERE v.id = ? AND %s ORDER BY w.start_date %s, w.id %s LIMIT 1"
	snprintf(sql, sizeof sql, NEIGHBOUR_SQL, "(w.start_date < v.start_date OR (w.start_date = v.start_date AND w.id < v.id))", "DESC", "DESC");
	json_t *prev = pl_row1(pg->w->db, sql, b, NULL);
	snprintf(sql, sizeof sql, NEIGHBOUR_SQL, "(w.start_date > v.start_date OR (w.start_date = v.start_date AND w.id > v.id))", "", "");
	json_t *next = pl_row1(pg->w->db, sql, b, NULL);
	if (prev) {
		set_url(pg, prev, "url", "visit", "id");
		json_object_set_new(v, "previous", prev);
	}
	if (next) {
		set_url(pg, next, "url", "visit", "id");
		json_object_set_new(v, "next", next);
	}
	json_object_set_new(v, "context", pl_visit_context(pg, v));
	return v;
}

/* The context sentences are the analysis module's (`parley context ID`), so
 * the page says exactly what the command says, with the same coverage rules
 * for "first" and "only".  When it cannot answer, the page says nothing
 * rather than make claims of its own. */
json_t *pl_visit_context(pl_page *pg, json_t *v)
{
	json_t *an = pl_an_context(pg->w->db, json_string_value(json_object_get(v, "id")));
	return an ? an : json_array();
}

static const char *const visit_csv_cols[] = {
    "id", "visitor", "visitor_label", "visitor_office", "visitor_title", "level", "from_country",
    "to_country", "start_date", "end_date", "type", "summary", "confidence", "status",
    "disputed", "note", NULL};

void pl_page_visit(pl_page *pg, const char *id, int fmt)
{
	json_t *v = visit_object(pg, id);
	if (!v) {
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

void pl_page_person(pl_page *pg, const char *id, int fmt)
{
	const char *b[] = {id, NULL};
	json_t *p = pl_row1(pg->w->db, "SELECT p.*, c.name AS country_name FROM person p"
	                               " LEFT JOIN country c ON c.code = p.country WHERE p.id = ?", b, &pg->err);
	if (!p) {
		pl_send_error(pg, 404, NULL, "no person with that id");
		return;
	}
	set_url(pg, p, "url", "person", "id");
	set_url(pg, p, "country_url", "country", "country");
	json_object_set_new(p, "aliases", rows(pg, "SELECT alias, kind FROM person_alias WHERE person = ? ORDER BY alias", id));
	json_t *ten = rows(pg, "SELECT t.office AS office, o.name AS office_name, o.rank AS rank, o.country AS country,"
	                       " t.start_date AS start_date, t.end_date AS end_date, t.confidence AS confidence"
	                       " FROM tenure t JOIN office o ON o.id = t.office WHERE t.person = ? ORDER BY t.start_date", id);
	json_object_set_new(p, "tenures", ten);
	/* a macro, so that the format stays a literal (-Wformat-nonliteral) */
#define TRIPS_SQL \
	    "SELECT v.id AS id, v.start_date AS start_date, v.end_date AS end_date, v.level AS level, v.type AS type," \
	    " v.from_country AS from_country, v.to_country AS to_country, coalesce(ct.name, v.to_country) AS to_name," \
	    " coalesce(cf.name, v.from_country) AS from_name, coalesce(pv.name, v.visitor_label, 'unidentified') AS visitor_name" \
	    " FROM visit v LEFT JOIN country ct ON ct.code = v.to_country LEFT JOIN country cf ON cf.code = v.from_country" \
	    " LEFT JOIN person pv ON pv.id = v.visitor WHERE %s ORDER BY v.start_date, v.id"
	char sql[1200];
	snprintf(sql, sizeof sql, TRIPS_SQL, "v.visitor = ?");
	json_t *trips = rows(pg, sql, id);
	urls_all(pg, trips, "url", "visit", "id");
	json_object_set_new(p, "trips", trips);
	snprintf(sql, sizeof sql, TRIPS_SQL, "v.id IN (SELECT visit FROM visit_person WHERE person = ? AND role = 'host')");
	json_t *hosted = rows(pg, sql, id);
	urls_all(pg, hosted, "url", "visit", "id");
	json_object_set_new(p, "hosted", hosted);
	snprintf(sql, sizeof sql, TRIPS_SQL, "v.id IN (SELECT visit FROM visit_person WHERE person = ? AND role = 'companion')");
	json_t *acc = rows(pg, sql, id);
	urls_all(pg, acc, "url", "visit", "id");
	json_object_set_new(p, "accompanied", acc);
	/* The analysis module's counts (`parley companions`), each linked to
	 * the list of exactly its visits. */
	json_t *comp = pl_an_companions(pg, id);
	if (!comp)
		comp = json_array();
	while (json_array_size(comp) > 30)
		json_array_remove(comp, json_array_size(comp) - 1);
	json_object_set_new(p, "companions", comp);
	if (fmt == 1) {
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

void pl_page_country(pl_page *pg, const char *code, int fmt)
{
	const char *b[] = {code, NULL};
	json_t *c = pl_row1(pg->w->db, "SELECT * FROM country WHERE code = ?", b, &pg->err);
	if (!c) {
		pl_send_error(pg, 404, NULL, "no country with that code");
		return;
	}
	json_t *lead = rows(pg, "SELECT t.person AS person, p.name AS name, o.name AS office_name, o.rank AS rank,"
	                        " t.start_date AS start_date, t.end_date AS end_date FROM tenure t"
	                        " JOIN office o ON o.id = t.office JOIN person p ON p.id = t.person"
	                        " WHERE o.country = ? AND o.rank IN ('paramount_leader','head_of_state','head_of_government')"
	                        " ORDER BY t.start_date, o.rank", code);
	urls_all(pg, lead, "url", "person", "person");
	json_object_set_new(c, "leaders", lead);
	json_t *partners = rows(pg, "SELECT CASE WHEN v.from_country = ?1 THEN v.to_country ELSE v.from_country END AS code,"
	                            " coalesce(k.name, CASE WHEN v.from_country = ?1 THEN v.to_country ELSE v.from_country END) AS name,"
	                            " sum(v.from_country = ?1) AS made, sum(v.to_country = ?1) AS hosted, count(*) AS visits"
	                            " FROM visit v LEFT JOIN country k ON k.code = CASE WHEN v.from_country = ?1 THEN v.to_country ELSE v.from_country END"
	                            " WHERE (v.from_country = ?1 OR v.to_country = ?1) AND v.status IN ('confirmed','reported')"
	                            " GROUP BY 1 ORDER BY 5 DESC, 1", code);
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
