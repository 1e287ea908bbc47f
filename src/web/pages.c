/*
 * pages.c - the router, and what every page and API answer shares:
 * links, the page frame, JSON, CSV and error responses.
 *
 * Links are built in one place (pl_url, pl_list_url) because the same pages
 * are served live (absolute paths, query strings) and written as a static
 * site (relative paths ending in .html, one list file per year or era, of
 * the store and of each pair).
 */
#include "request.h"
#include "webq.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *html_type = "text/html; charset=utf-8";
static const char *json_ctype = "application/json; charset=utf-8";
const char pl_csv_type[] = "text/csv; charset=utf-8";
static const char *csv_type = pl_csv_type;

/* ------------------------------------------------------------------ */
/* Links                                                               */
/* ------------------------------------------------------------------ */

/* b's text for the caller (free()), or NULL when an append failed (rc). */
static char *take_if_ok(pl_buf *b, int rc)
{
	if (rc != PARLEY_OK) {
		pl_buf_free(b);
		return NULL;
	}
	return pl_buf_take(b);
}

char *pl_url(const pl_page *pg, const char *kind, const char *id)
{
	pl_buf b;
	pl_buf_init(&b, 4096);
	int rc = pl_buf_puts(&b, pg->rq->root);
	if (rc == PARLEY_OK)
		rc = pl_buf_puts(&b, kind);
	if (rc == PARLEY_OK)
		rc = pl_buf_putc(&b, '/');
	if (rc == PARLEY_OK)
		rc = pl_esc_url(&b, id);
	if (rc == PARLEY_OK && pg->w->site)
		rc = pl_buf_puts(&b, ".html");
	return take_if_ok(&b, rc);
}

void pl_set_url(pl_page *pg, json_t *o, const char *key, const char *kind, const char *idkey)
{
	const char *id = json_string_value(json_object_get(o, idkey));
	if (!id)
		return;
	char *u = pl_url(pg, kind, id);
	json_object_set_new(o, key, json_string(u));
	free(u);
}

char *pl_country_name(parley_db *db, const char *code)
{
	char name[256]; /* the name alone: one index step, no visit counts */
	if (parley_country_name(db, code, name, sizeof name, NULL) != PARLEY_OK)
		pl_strlcpy(name, code, sizeof name);
	return pl_strdup(name);
}

/* Appends "?key=value" (the first) or "&key=value" to u, value URL-escaped, when rc is
 * still PARLEY_OK; returns the append's status. */
static int add_param(pl_buf *u, char *sep, const char *key, const char *value, int rc)
{
	if (rc == PARLEY_OK)
		rc = pl_buf_printf(u, "%c%s=", *sep, key);
	if (rc == PARLEY_OK)
		rc = pl_esc_url(u, value);
	*sep = '&';
	return rc;
}

char *pl_list_url(const pl_page *pg, const char *a, const char *b, const char *from,
                  const char *to)
{
	pl_buf u;
	pl_buf_init(&u, 4096);
	int rc = pl_buf_puts(&u, pg->rq->root);
	if (pg->w->site) {
		/* The static site has one list file per year and per date range,
		 * of the whole store, and of each pair (a pair's figures link its
		 * own visits, as between=A:B does on the server). */
		char rel[256];
		if (pg->w->one_pair && (!a || !b) && (from || to)) {
			/* one pair's site has no list of the whole store's dates */
			a = pg->w->home_a;
			b = pg->w->home_b;
		}
		if (rc != PARLEY_OK)
			;
		else if (a && b && pl_site_pair_file(a, b, from, to, rel, sizeof rel) == PARLEY_OK)
			rc = pl_buf_puts(&u, rel);
		else if (from && to && strlen(from) == 4 && strcmp(from, to) == 0)
			rc = pl_buf_printf(&u, "visits/%s.html", from);
		else if (from || to)
			rc = pl_buf_printf(&u, "visits/%s_%s.html", from ? from : "start", to ? to : "now");
		else
			rc = pl_buf_puts(&u, "visits.html");
		return take_if_ok(&u, rc);
	}
	if (rc == PARLEY_OK)
		rc = pl_buf_puts(&u, "visits");
	char sep = '?';
	if (a && b) {
		rc = add_param(&u, &sep, "between", a, rc);
		if (rc == PARLEY_OK)
			rc = pl_buf_puts(&u, "%3A");
		if (rc == PARLEY_OK)
			rc = pl_esc_url(&u, b);
	}
	if (from)
		rc = add_param(&u, &sep, "from", from, rc);
	if (to)
		rc = add_param(&u, &sep, "to", to, rc);
	return take_if_ok(&u, rc);
}

/* ------------------------------------------------------------------ */
/* Responses                                                           */
/* ------------------------------------------------------------------ */

static const char *partial_fn(const char *name, void *ud)
{
	(void)ud;
	char path[160];
	snprintf(path, sizeof path, "templates/%s.mustache", name);
	const pl_asset *a = pl_asset_find(path);
	return a ? a->data : NULL;
}

void pl_render_page(pl_page *pg, const char *tpl, json_t *ctx)
{
	json_object_set_new(ctx, "root", json_string(pg->rq->root));
	json_object_set_new(ctx, "today", json_string(pg->w->today));
	json_object_set_new(ctx, "version", json_string(PARLEY_VERSION));
	json_object_set_new(ctx, "site", json_boolean(pg->w->site));
	json_object_set_new(ctx, "ext", json_string(pg->w->site ? ".html" : ""));
	char *home = pl_list_url(pg, NULL, NULL, NULL, NULL);
	json_object_set_new(ctx, "visits_url", json_string(home));
	free(home);
	pl_footer_ctx(pg, ctx); /* data version, data-through date, how to cite */
	char path[160];
	snprintf(path, sizeof path, "templates/%s.mustache", tpl);
	const pl_asset *a = pl_asset_find(path);
	pl_buf_reset(&pg->rs->body);
	parley_err err = {0};
	if (!a || pl_tpl_render(&pg->rs->body, a->data, ctx, partial_fn, NULL, &err) != PARLEY_OK) {
		pl_buf_reset(&pg->rs->body);
		/* a short literal into an emptied buffer: only memory can fail it,
		 * and then the server answers 500 from an empty body */
		if (pl_buf_printf(&pg->rs->body, "<!doctype html><title>Error</title><p>Page template %s failed.</p>", tpl) != PARLEY_OK)
			pl_buf_reset(&pg->rs->body);
		pg->rs->status = 500;
		pg->rs->no_store = 1;
		fprintf(stderr, "parley serve: template %s: %s\n", tpl, a ? err.msg : "missing");
	}
	pg->rs->type = html_type;
	json_decref(ctx);
}

void pl_send_json(pl_page *pg, json_t *v)
{
	pl_buf_reset(&pg->rs->body);
	char *s = json_dumps(v, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(6));
	json_decref(v);
	int rc = s ? pl_buf_puts(&pg->rs->body, s) : PARLEY_ENOMEM;
	if (rc == PARLEY_OK)
		rc = pl_buf_putc(&pg->rs->body, '\n');
	free(s);
	if (rc != PARLEY_OK) {
		pg->rs->status = 500;
		pg->rs->no_store = 1;
		pl_buf_reset(&pg->rs->body);
		static const char fail[] = "{\"error\":{\"status\":500,\"message\":\"internal error\"}}\n";
		if (pl_buf_append(&pg->rs->body, fail, sizeof fail - 1) != PARLEY_OK)
			pl_buf_reset(&pg->rs->body);
	}
	pg->rs->type = json_ctype;
}

void pl_send_error(pl_page *pg, int status, const char *param, const char *msg)
{
	/* A server error's detail (SQL, a file path, an SQLite message) is for
	 * the log; the client learns only that it was the server's fault. */
	if (status >= 500) {
		fprintf(stderr, "parley serve: %s: %s\n", pg->rq->path, msg && msg[0] ? msg : "error");
		msg = "internal error";
	}
	/* A message quoting the request is cut at its first invalid byte: JSON
	 * and the page template take only valid text. */
	char clean[512];
	long bad = msg ? pl_utf8_invalid_at(msg, strlen(msg)) : -1;
	if (bad >= 0) {
		size_t n = (size_t)bad < sizeof clean - 1 ? (size_t)bad : sizeof clean - 1;
		memcpy(clean, msg, n);
		clean[n] = '\0';
		msg = clean;
	}
	if (!msg)
		msg = "error";
	pg->rs->status = status;
	pg->rs->no_store = 1;
	if (strncmp(pg->rq->path, "/api/", 5) == 0 || pl_asset_find("templates/error.mustache") == NULL) {
		json_t *e = json_pack("{s:i,s:s}", "status", status, "message", msg);
		if (param)
			json_object_set_new(e, "parameter", json_string(param));
		pl_send_json(pg, json_pack("{s:o}", "error", e)); /* keeps status, or 500 when it fails */
		return;
	}
	json_t *ctx = json_pack("{s:i,s:s,s:s}", "status", status, "message", msg, "title",
	                        status == 404 ? "Not found" : status == 400 ? "Bad request" : "Error");
	if (param)
		json_object_set_new(ctx, "parameter", json_string(param));
	pl_render_page(pg, "error", ctx); /* keeps status, or 500 when it fails */
}

int pl_csv_rows(pl_buf *b, json_t *rows, const char *const *cols, int head,
                int (*flush)(void *ctx, pl_buf *b), void *ctx)
{
	int rc = PARLEY_OK;
	for (size_t c = 0; head && cols[c] && rc == PARLEY_OK; c++) {
		if (c)
			rc = pl_buf_putc(b, ',');
		if (rc == PARLEY_OK)
			rc = pl_esc_csv(b, cols[c]);
	}
	if (rc == PARLEY_OK && head)
		rc = pl_buf_puts(b, "\r\n");
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		for (size_t c = 0; cols[c] && rc == PARLEY_OK; c++) {
			if (c)
				rc = pl_buf_putc(b, ',');
			json_t *v = json_object_get(r, cols[c]);
			if (rc != PARLEY_OK)
				break;
			if (json_is_string(v))
				rc = pl_esc_csv(b, json_string_value(v));
			else if (json_is_integer(v))
				rc = pl_buf_printf(b, "%lld", (long long)json_integer_value(v));
			else if (json_is_real(v))
				rc = pl_buf_printf(b, "%g", json_real_value(v));
		}
		if (rc == PARLEY_OK)
			rc = pl_buf_puts(b, "\r\n");
		if (rc == PARLEY_OK && flush && b->len >= PL_CSV_FLUSH)
			rc = flush(ctx, b);
		if (rc != PARLEY_OK)
			break;
	}
	return rc;
}

int pl_csv_row(pl_page *pg, const char *const *cells, size_t n)
{
	pl_buf *b = &pg->rs->body;
	int rc = PARLEY_OK;
	for (size_t c = 0; c < n && rc == PARLEY_OK; c++) {
		if (c)
			rc = pl_buf_putc(b, ',');
		if (rc == PARLEY_OK && cells[c])
			rc = pl_esc_csv(b, cells[c]);
	}
	return rc == PARLEY_OK ? pl_buf_puts(b, "\r\n") : rc;
}

int pl_csv_begin(pl_page *pg, const char *const *cols)
{
	pl_buf_reset(&pg->rs->body);
	pg->rs->type = csv_type;
	size_t n = 0;
	while (cols[n])
		n++;
	return pl_csv_row(pg, cols, n); /* the header line: the names as cells */
}

void pl_web_resp_file_close(pl_web_resp *rs)
{
	if (rs->file)
		fclose(rs->file);
	rs->file = NULL;
	rs->file_len = rs->file_hash = 0;
}

void pl_send_csv(pl_page *pg, json_t *rows, const char *const *cols)
{
	pl_buf *b = &pg->rs->body;
	pl_buf_reset(b);
	if (pl_csv_rows(b, rows, cols, 1, NULL, NULL) != PARLEY_OK) {
		pl_send_error(pg, 500, NULL, "CSV too large");
		return;
	}
	pg->rs->type = csv_type;
}

/* ------------------------------------------------------------------ */
/* Setup and routing                                                   */
/* ------------------------------------------------------------------ */

/* The home pair while counting: visits per pair (both directions). */
typedef struct home_acc {
	pl_web *w;
	json_t *pairs;
	long best;
} home_acc;

static int home_count(void *ud, const char *x, const char *y, long n0, parley_err *err)
{
	(void)err;
	home_acc *h = ud;
	if (!x || !y || strlen(x) >= PL_CODE_MAX || strlen(y) >= PL_CODE_MAX)
		return PARLEY_OK;
	if (!h->pairs && !(h->pairs = json_object()))
		return PARLEY_ENOMEM;
	char key[2 * PL_CODE_MAX + 2];
	int lt = strcmp(x, y) < 0;
	snprintf(key, sizeof key, "%s:%s", lt ? x : y, lt ? y : x);
	long n = (long)json_integer_value(json_object_get(h->pairs, key)) + n0;
	json_object_set_new(h->pairs, key, json_integer(n));
	/* most visits; on a tie the first pair in alphabetical order */
	char cur[2 * PL_CODE_MAX + 2];
	snprintf(cur, sizeof cur, "%s:%s", h->w->home_a, h->w->home_b);
	if (n > h->best || (n == h->best && strcmp(key, cur) < 0)) {
		h->best = n;
		pl_strlcpy(h->w->home_a, lt ? x : y, sizeof h->w->home_a);
		pl_strlcpy(h->w->home_b, lt ? y : x, sizeof h->w->home_b);
	}
	return PARLEY_OK;
}

int pl_web_init(pl_web *w, parley_db *db, int site, parley_err *err)
{
	memset(w, 0, sizeof *w);
	w->db = db;
	w->site = site;
	parley_date_format(parley_date_today(), w->today, sizeof w->today);
	(void)err;
	/* Home pair: the pair with the most visits (CHN:PRK for the bundled
	 * data), from the query layer's counts per direction over every status:
	 * one pass in (from, to) order, memory for the pairs (issue 13). */
	parley_query q;
	parley_query_init(&q);
	parley_query_set(&q, "status", "all", NULL);
	home_acc h = {w, NULL, 0};
	if (parley_visits_by_direction(db, &q, home_count, &h, NULL) != PARLEY_OK)
		w->home_a[0] = w->home_b[0] = '\0';
	json_decref(h.pairs);
	return PARLEY_OK;
}

/* Matches path against prefix; *rest is what follows it. */
static int route(const char *path, const char *prefix, const char **rest)
{
	size_t n = strlen(prefix);
	if (strncmp(path, prefix, n) != 0)
		return 0;
	*rest = path + n;
	return 1;
}

/* Splits "ID.csv"/"ID.json" into id and format. */
static int fmt_of(const char *rest, char *id, size_t cap, int dflt)
{
	pl_strlcpy(id, rest, cap);
	size_t n = strlen(id);
	if (n > 4 && strcmp(id + n - 4, ".csv") == 0) {
		id[n - 4] = '\0';
		return 2;
	}
	if (n > 5 && strcmp(id + n - 5, ".json") == 0) {
		id[n - 5] = '\0';
		return 1;
	}
	return dflt;
}

static int no_params(pl_page *pg)
{
	if (pg->rq->nparams == 0)
		return 1;
	char msg[200];
	snprintf(msg, sizeof msg, "parameter '%s': unknown parameter", pg->rq->params[0].key);
	pl_send_error(pg, 400, pg->rq->params[0].key, msg);
	return 0;
}

static void static_asset(pl_page *pg, const char *name)
{
	char path[200];
	/* Only names of embedded files: no path can leave the static folder. */
	if (strstr(name, "..") || strchr(name, '/') || strlen(name) > 100) {
		pl_send_error(pg, 404, NULL, "no such file");
		return;
	}
	snprintf(path, sizeof path, "static/%s", name);
	const pl_asset *a = pl_asset_find(path);
	if (!a) {
		pl_send_error(pg, 404, NULL, "no such file");
		return;
	}
	pl_buf_reset(&pg->rs->body);
	if (pl_buf_append(&pg->rs->body, a->data, a->len) != PARLEY_OK) {
		pl_send_error(pg, 500, NULL, "out of memory");
		return;
	}
	const char *dot = strrchr(name, '.');
	pg->rs->type = !dot ? "application/octet-stream"
	             : strcmp(dot, ".css") == 0 ? "text/css; charset=utf-8"
	             : strcmp(dot, ".js") == 0 ? "text/javascript; charset=utf-8"
	             : strcmp(dot, ".svg") == 0 ? "image/svg+xml"
	             : "application/octet-stream";
}

/* The lists: a path (or its other name) answers one format of a list page.
 * strict: the page takes no parameters (the others read their filters). */
static const struct list_route {
	const char *path, *alt;
	void (*fn)(pl_page *pg, int fmt);
	int fmt; /* 0 html, 1 json, 2 csv */
	int strict;
} list_routes[] = {
    {"/visits", "/visits.html", pl_page_visits, 0, 0},
    {"/visits.csv", "/api/v1/visits.csv", pl_page_visits, 2, 0},
    {"/api/v1/visits", "/api/v1/visits.json", pl_page_visits, 1, 0},
    {"/people", NULL, pl_page_people, 0, 0},
    {"/people.csv", "/api/v1/people.csv", pl_page_people, 2, 0},
    {"/api/v1/people", NULL, pl_page_people, 1, 0},
    {"/countries", NULL, pl_page_countries, 0, 1},
    {"/countries.csv", "/api/v1/countries.csv", pl_page_countries, 2, 1},
    {"/api/v1/countries", NULL, pl_page_countries, 1, 1},
    {"/search", NULL, pl_page_search, 0, 0},
    {"/api/v1/search", NULL, pl_page_search, 1, 0},
};

/* The records: html + ID is the page; api + ID[.json|.csv] the data (JSON
 * unless the name says CSV).  None takes parameters. */
static const struct record_route {
	const char *html, *api; /* html NULL: data only */
	void (*fn)(pl_page *pg, const char *id, int fmt);
} record_routes[] = {
    {"/visit/", "/api/v1/visits/", pl_page_visit},
    {"/person/", "/api/v1/people/", pl_page_person},
    {"/country/", "/api/v1/countries/", pl_page_country},
    {NULL, "/api/v1/context/", pl_api_context},
};

/* Answers p from the tables above; 0 when neither names it. */
static int route_table(pl_page *pg, const char *p)
{
	for (size_t i = 0; i < PL_ARRAY_LEN(list_routes); i++) {
		const struct list_route *L = &list_routes[i];
		if (strcmp(p, L->path) == 0 || (L->alt && strcmp(p, L->alt) == 0)) {
			if (!L->strict || no_params(pg))
				L->fn(pg, L->fmt);
			return 1;
		}
	}
	const char *rest;
	char id[512];
	for (size_t i = 0; i < PL_ARRAY_LEN(record_routes); i++) {
		const struct record_route *R = &record_routes[i];
		int f = -1;
		const char *arg = id;
		if (R->html && route(p, R->html, &rest)) {
			arg = rest; /* a page's name is the id, whole */
			f = 0;
		} else if (route(p, R->api, &rest)) {
			f = fmt_of(rest, id, sizeof id, 1);
		}
		if (f >= 0) {
			if (no_params(pg))
				R->fn(pg, arg, f);
			return 1;
		}
	}
	return 0;
}

static void route_page(pl_web *w, const pl_web_req *rq, pl_web_resp *rs)
{
	pl_buf_init(&rs->body, w->body_max ? w->body_max : PL_BODY_MAX);
	rs->status = 200;
	rs->type = html_type;
	rs->no_store = 0;
	rs->location[0] = '\0';
	rs->etag[0] = '\0';
	rs->file = NULL;
	rs->file_len = rs->file_hash = 0;
	pl_page pg = {.w = w, .rq = rq, .rs = rs};
	const char *p = rq->path, *rest;
	char id[512];

	if (route_table(&pg, p)) {
		/* answered */
	} else if (strcmp(p, "/") == 0 || strcmp(p, "/index.html") == 0) {
		if (no_params(&pg))
			pl_page_dashboard(&pg, w->home_a, w->home_b);
	} else if (route(p, "/pair/", &rest)) {
		char a[PL_CODE_MAX] = "", b[PL_CODE_MAX] = "";
		fmt_of(rest, id, sizeof id, 0);
		const char *dash = strchr(id, '-');
		if (!dash || (size_t)(dash - id) >= sizeof a || strlen(dash + 1) >= sizeof b) {
			pl_send_error(&pg, 404, NULL, "expected /pair/A-B with two country codes");
			return;
		}
		memcpy(a, id, (size_t)(dash - id));
		pl_strlcpy(b, dash + 1, sizeof b);
		if (no_params(&pg))
			pl_page_dashboard(&pg, a, b);
	} else if (strcmp(p, "/methods") == 0 || strcmp(p, "/methods.html") == 0) {
		if (no_params(&pg))
			pl_page_methods(&pg);
	} else if (route(p, "/api/v1/sources/", &rest)) {
		int f = fmt_of(rest, id, sizeof id, 1);
		if (f != 1)
			pl_send_error(&pg, 404, NULL, "a source is JSON only: /api/v1/sources/ID");
		else if (no_params(&pg))
			pl_page_source(&pg, id);
	} else if (route(p, "/api/v1/", &rest) &&
	           (strncmp(rest, "eras", 4) == 0 || strncmp(rest, "timeline", 8) == 0 ||
	            strncmp(rest, "gaps", 4) == 0)) {
		int f = fmt_of(rest, id, sizeof id, 1);
		if (strcmp(id, "eras") && strcmp(id, "timeline") && strcmp(id, "gaps"))
			pl_send_error(&pg, 404, NULL, "no such endpoint");
		else
			pl_api_pair(&pg, id, f);
	} else if (strcmp(p, "/api/v1") == 0 || strcmp(p, "/api/v1/") == 0) {
		if (no_params(&pg))
			pl_send_json(&pg, json_pack("{s:s,s:[s,s,s,s,s,s,s,s,s,s]}", "version", PARLEY_VERSION,
			    "endpoints", "/api/v1/visits", "/api/v1/visits/{id}", "/api/v1/people",
			    "/api/v1/people/{id}", "/api/v1/countries", "/api/v1/countries/{code}",
			    "/api/v1/eras?between=A:B", "/api/v1/timeline?between=A:B",
			    "/api/v1/gaps?between=A:B", "/api/v1/context/{visit id}"));
	} else if (strcmp(p, "/briefs") == 0 || strcmp(p, "/briefs.html") == 0) {
		if (no_params(&pg))
			pl_page_briefs(&pg);
	} else if (strcmp(p, "/briefs.atom") == 0) {
		if (no_params(&pg))
			pl_page_briefs_atom(&pg);
	} else if (route(p, "/briefs/series/", &rest) || route(p, "/briefs/author/", &rest) ||
	           route(p, "/briefs/topic/", &rest) || route(p, "/briefs/region/", &rest)) {
		char kind[8];
		pl_strlcpy(kind, p + 8, sizeof kind);
		kind[strcspn(kind, "/")] = '\0';
		if (no_params(&pg))
			pl_page_brief_facet(&pg, kind, rest);
	} else if (route(p, "/briefs/", &rest) && strstr(rest, "/chart-")) {
		if (no_params(&pg))
			pl_brief_chart_png(&pg, rest);
	} else if (route(p, "/briefs/", &rest) && fmt_of(rest, id, sizeof id, 0) == 2) {
		if (no_params(&pg))
			pl_brief_data_csv(&pg, id);
	} else if (route(p, "/briefs/", &rest)) {
		fmt_of(rest, id, sizeof id, 0);
		if (no_params(&pg))
			pl_page_brief(&pg, id);
	} else if (route(p, "/chart/", &rest)) {
		if (strcmp(rest, "timeline.svg") == 0 || strcmp(rest, "eras.svg") == 0)
			pl_chart_svg(&pg, rest, NULL, NULL);
		else if (strcmp(rest, "timeline.png") == 0 || strcmp(rest, "eras.png") == 0)
			pl_chart_png(&pg, rest);
		else
			pl_send_error(&pg, 404, NULL, "no such chart");
	} else if (route(p, "/static/", &rest)) {
		if (no_params(&pg))
			static_asset(&pg, rest);
	} else {
		pl_send_error(&pg, 404, NULL, "no such page");
	}
}

/* The one check of the pages' sticky appends (docs/design.md, "Buffers"):
 * a page that lost an append is never handed out half-built. */
void pl_web_handle(pl_web *w, const pl_web_req *rq, pl_web_resp *rs)
{
	route_page(w, rq, rs);
	int rc = pl_buf_failed(&rs->body);
	if (rc != PARLEY_OK) {
		fprintf(stderr, "parley serve: %s: %s\n", rq->path, parley_strstatus(rc));
		pl_buf_free(&rs->body);
		pl_http_error(rs, 500, rc == PARLEY_ELIMIT ? "the answer is too large" : "out of memory");
	}
}

const char *pl_text_or(json_t *o, const char *key, const char *dflt)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : dflt;
}

/* ------------------------------------------------------------------ */
/* Readable labels of codes                                            */
/* ------------------------------------------------------------------ */

char *pl_code_label(const char *code)
{
	char *s = pl_strdup(code ? code : "");
	if (!s)
		return NULL;
	for (char *p = s; *p; p++)
		if (*p == '_')
			*p = ' ';
	if (s[0] >= 'a' && s[0] <= 'z')
		s[0] = (char)(s[0] - 'a' + 'A');
	return s;
}

/* Sets key+"_label" on o from its string value of key. */
static void add_label(json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));
	if (!v)
		return;
	char name[32];
	snprintf(name, sizeof name, "%s_label", key);
	char *l = pl_code_label(v);
	if (l)
		json_object_set_new(o, name, json_string(l));
	free(l);
}

void pl_add_labels(json_t *rows)
{
	if (json_is_object(rows)) {
		add_label(rows, "level");
		add_label(rows, "type");
		add_label(rows, "status");
		return;
	}
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
		if (json_is_object(r))
			pl_add_labels(r);
}
