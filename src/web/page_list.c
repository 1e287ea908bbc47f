/*
 * page_list.c - the visit list (HTML, JSON, CSV) and the lists of people
 * and countries.
 *
 * The list's URL holds the whole filter; every facet count links to the
 * same URL with one more filter, and the CSV and JSON links carry the
 * filter unchanged, so "get the data" gives exactly the rows on screen.
 */
#include "webq.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const csv_cols[] = {
    "id", "start_date", "end_date", "from_country", "to_country", "visitor", "visitor_name",
    "visitor_title", "level", "type", "status", "confidence", "places", "summary", NULL};

/* The current query string with key set to value (NULL: removed) and page
 * reset, appended to base.  Caller frees. */
/* Appends sep, key, '=', value, the two URL-encoded. */
static int put_param(pl_buf *u, char sep, const char *key, const char *value)
{
	int rc = pl_buf_putc(u, sep);
	if (rc == PARLEY_OK)
		rc = pl_esc_url(u, key);
	if (rc == PARLEY_OK)
		rc = pl_buf_putc(u, '=');
	return rc == PARLEY_OK ? pl_esc_url(u, value) : rc;
}

/* The text of u (taken), or NULL when building it failed (rc). */
static char *taken(pl_buf *u, int rc)
{
	if (rc == PARLEY_OK)
		return pl_buf_take(u);
	pl_buf_free(u);
	return NULL;
}

static char *with_param(const pl_page *pg, const char *base, const char *key, const char *value)
{
	pl_buf u;
	pl_buf_init(&u, 8192);
	int rc = pl_buf_puts(&u, base);
	char sep = '?';
	for (size_t i = 0; rc == PARLEY_OK && i < pg->rq->nparams; i++) {
		const pl_param *p = &pg->rq->params[i];
		if ((key && strcmp(p->key, key) == 0) || strcmp(p->key, "page") == 0 || !*p->value)
			continue;
		rc = put_param(&u, sep, p->key, p->value);
		sep = '&';
	}
	if (rc == PARLEY_OK && key && value)
		rc = put_param(&u, sep, key, value);
	return taken(&u, rc);
}

static char *page_link(const pl_page *pg, const char *base, long page)
{
	char n[24];
	snprintf(n, sizeof n, "%ld", page);
	return with_param(pg, base, "page", n);
}

/* The next page's link, or NULL on the last page.  By date the link names
 * the last visit shown (after=ID, keyset paging: as cheap at the end of a
 * long list as at its start, and rows inserted meanwhile shift nothing);
 * sorted otherwise, the next page number.  Caller frees. */
static char *next_link(const pl_page *pg, const char *base, const pl_wq *q, long pages)
{
	if (q->next_after[0])
		return with_param(pg, base, "after", q->next_after);
	int by_date = strcmp(q->sort, "date") == 0 || strcmp(q->sort, "-date") == 0;
	return !by_date && q->page < pages ? page_link(pg, base, q->page + 1) : NULL;
}

/* 1 when page is past the last of pages (and the list is not empty),
 * the 400 sent; else 0. */
static int past_last(pl_page *pg, long page, long pages, long total)
{
	if (page <= pages || total <= 0)
		return 0;
	char msg[160];
	snprintf(msg, sizeof msg, "parameter 'page': page %ld is past the last page (%ld)", page, pages);
	pl_send_error(pg, 400, "page", msg);
	return 1;
}

/* The JSON API's links of page page of pages at base: self, first, last,
 * prev (not on the first page nor on a page reached by after=: keyed),
 * next (taken; NULL on the last page) and csv, the whole list's CSV
 * (the filter without drop).  Caller decrefs. */
static json_t *json_links(const pl_page *pg, const char *base, long page, long pages, int keyed,
                          char *next, const char *csv, const char *drop)
{
	json_t *links = json_object();
	char *u = page_link(pg, base, page);
	json_object_set_new(links, "self", json_string(u));
	free(u);
	u = page_link(pg, base, 1);
	json_object_set_new(links, "first", json_string(u));
	free(u);
	u = page_link(pg, base, pages);
	json_object_set_new(links, "last", json_string(u));
	free(u);
	if (page > 1 && !keyed) {
		u = page_link(pg, base, page - 1);
		json_object_set_new(links, "prev", json_string(u));
		free(u);
	}
	if (next)
		json_object_set_new(links, "next", json_string(next));
	free(next);
	u = with_param(pg, csv, drop, NULL);
	json_object_set_new(links, "csv", json_string(u));
	free(u);
	return links;
}

void pl_visit_links(pl_page *pg, json_t *rows)
{
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		pl_set_url(pg, r, "url", "visit", "id");
		pl_set_url(pg, r, "visitor_url", "person", "visitor");
		json_object_set_new(r, "dir_class", json_string(
		    strcmp(json_string_value(json_object_get(r, "from_country")),
		           json_string_value(json_object_get(r, "to_country"))) < 0 ? "d0" : "d1"));
	}
}

/* The static site's file for one facet value ("visits/level/ministerial.html"),
 * as pl_site_facet_file names it; NULL when the value is not a safe file
 * name.  Caller frees. */
static char *site_file(const pl_page *pg, const char *param, const char *val)
{
	char rel[256];
	if (pl_site_facet_file(param, val, rel, sizeof rel) != PARLEY_OK)
		return NULL;
	pl_buf u;
	pl_buf_init(&u, 1024);
	int rc = pl_buf_puts(&u, pg->rq->root);
	return taken(&u, rc == PARLEY_OK ? pl_buf_puts(&u, rel) : rc);
}

/* A facet value's link on the static site, which cannot read query
 * strings: from the unfiltered list, the pre-rendered file of that value
 * (exactly its visits); from a list that is already filtered, the same
 * file with ?param=value, which app.js applies on top of the page's own
 * filter (without JavaScript the link shows the page unchanged).
 * Caller frees; NULL when there is no such file. */
static char *site_facet_url(const pl_page *pg, const char *param, const char *val)
{
	if (pg->rq->nparams == 0)
		return site_file(pg, param, val);
	pl_buf u;
	pl_buf_init(&u, 1024);
	return taken(&u, put_param(&u, '?', param, val));
}

/* The name of country code, looked up once per page in names (a direction
 * facet of a large store names each country hundreds of times).  The
 * string belongs to names (slot p); code itself when out of memory. */
static const char *country_name(pl_page *pg, pl_map *names, const char *code)
{
	int added = 0;
	pl_map_slot *s = pl_map_put(names, code, strlen(code), &added);
	if (s && added)
		s->p = pl_country_name(pg->w->db, code);
	return s && s->p ? s->p : code;
}

/* A facet f (pl_wq_facets, taken over): counts, each linked to the list
 * with that filter.  Caller decrefs. */
static json_t *facet(pl_page *pg, json_t *f, const char *param)
{
	if (!f)
		return json_array();
	size_t i;
	json_t *r;
	pl_map names = {0};
	json_array_foreach(f, i, r) {
		json_t *v = json_object_get(r, "value");
		char val[64];
		if (json_is_integer(v))
			snprintf(val, sizeof val, "%lld", (long long)json_integer_value(v));
		else
			pl_strlcpy(val, json_is_string(v) ? json_string_value(v) : "", sizeof val);
		/* the code stays in the URL and data-value; the reader sees a
		 * label ("China to North Korea", "Paramount leader") */
		json_object_set_new(r, "code", json_string(val));
		json_object_set_new(r, "label", json_string(val));
		if (strcmp(param, "direction") == 0) {
			char fa[PL_CODE_MAX] = "", fb[PL_CODE_MAX] = "";
			const char *sep = strchr(val, ':');
			if (sep && (size_t)(sep - val) < sizeof fa) {
				memcpy(fa, val, (size_t)(sep - val));
				fa[sep - val] = '\0';
				pl_strlcpy(fb, sep + 1, sizeof fb);
				pl_buf l;
				pl_buf_init(&l, 512);
				if (pl_buf_printf(&l, "%s to %s", country_name(pg, &names, fa),
				                  country_name(pg, &names, fb)) == PARLEY_OK)
					json_object_set_new(r, "label", json_string(l.data));
				pl_buf_free(&l);
			}
		} else if (strcmp(param, "year") != 0) {
			char *l = pl_code_label(val);
			if (l)
				json_object_set_new(r, "label", json_string(l));
			free(l);
		}
		json_object_set_new(r, "param", json_string(param));
		char *u = pg->w->site ? site_facet_url(pg, param, val) : with_param(pg, "visits", param, val);
		if (u)
			json_object_set_new(r, "url", json_string(u));
		free(u);
	}
	for (size_t k = 0; k < names.cap; k++)
		if (names.slot[k].key)
			free(names.slot[k].p);
	pl_map_free(&names);
	return f;
}

/* The rows of ps as JSON, each with its page's url and the text the
 * search matches, folded as the server folds it, so the static site's
 * filter (app.js) finds the same people.  Caller decrefs. */
static json_t *people_rows(pl_page *pg, const parley_people *ps)
{
	json_t *rows = json_array();
	for (size_t i = 0; i < ps->n; i++) {
		const parley_person_row *p = &ps->p[i];
		char *u = pl_url(pg, "person", p->id);
		pl_buf t;
		pl_buf_init(&t, 1u << 16);
		/* a text past the limit is not searchable by the filter: no search
		 * text, never a cut one */
		int rc = pl_buf_printf(&t, "%s %s %s", p->name, p->native_name ? p->native_name : "",
		                       p->aliases ? p->aliases : "");
		char *search = rc == PARLEY_OK ? parley_fold_words(t.data) : NULL;
		pl_buf_free(&t);
		json_array_append_new(rows, json_pack("{s:s,s:s,s:s?,s:s?,s:s?,s:I,s:I,s:s?,s:s?}", "id", p->id,
		    "name", p->name, "native_name", p->native_name, "country", p->country,
		    "aliases", p->aliases, "trips", (json_int_t)p->trips, "hosted", (json_int_t)p->hosted,
		    "url", u, "search", search));
		free(search);
		free(u);
	}
	return rows;
}

/* The first 20 people whose name or alias matches the search
 * (parley_people_find: the same fold and phrase rule as the visit
 * search), for the visit list's side box.  Caller decrefs. */
static json_t *people_matching(pl_page *pg, const char *q)
{
	parley_people *ps = NULL;
	if (parley_people_find(pg->w->db, q, 20, &ps, &pg->err) != PARLEY_OK)
		return json_array();
	json_t *rows = people_rows(pg, ps);
	parley_people_free(ps);
	return rows;
}

/* Static site: every row carries what app.js needs to filter, sort and
 * page it without a server: its search text, the people involved, the
 * level's rank and the direction as the facet writes it. */
static void add_search_text(json_t *rows)
{
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		const char *lev = json_string_value(json_object_get(r, "level"));
		json_object_set_new(r, "rank", json_integer(lev ? parley_level_rank(lev) : 0));
		char dir[2 * PL_CODE_MAX + 2];
		snprintf(dir, sizeof dir, "%s:%s", json_string_value(json_object_get(r, "from_country")),
		         json_string_value(json_object_get(r, "to_country")));
		json_object_set_new(r, "direction", json_string(dir));
	}
}

/* Appends pre, then each code of a comma-separated list as its label
 * (pl_code_label) joined by " or ", then post: "at level Paramount leader
 * or Ministerial" rather than the codes. */
static int put_labels(pl_buf *d, const char *pre, const char *codes, const char *post)
{
	int rc = pl_buf_puts(d, pre);
	const char *p = codes;
	for (int k = 0; rc == PARLEY_OK && *p; k++) {
		size_t n = strcspn(p, ",");
		char code[64];
		if (n >= sizeof code)
			n = sizeof code - 1;
		memcpy(code, p, n);
		code[n] = '\0';
		char *l = pl_code_label(code);
		if (k)
			rc = pl_buf_puts(d, " or ");
		if (rc == PARLEY_OK)
			rc = pl_buf_puts(d, l ? l : code);
		free(l);
		p += strcspn(p, ",");
		p += *p == ',';
	}
	return rc == PARLEY_OK ? pl_buf_puts(d, post) : rc;
}

/* Appends pre and the name of country code (the code when unknown). */
static int put_country(pl_page *pg, pl_buf *d, const char *pre, const char *code)
{
	char *name = pl_country_name(pg->w->db, code);
	int rc = pl_buf_puts(d, pre);
	if (rc == PARLEY_OK)
		rc = pl_buf_puts(d, name ? name : code);
	free(name);
	return rc;
}

static void visits(pl_page *pg, int fmt, pl_wq *qp);

/* n with a comma between thousands ("100,000") into out, for the text of
 * a page; out holds at least 32 bytes. */
static void grouped(long n, char *out, size_t size)
{
	char d[32];
	int len = snprintf(d, sizeof d, "%ld", n < 0 ? -n : n);
	size_t o = 0;
	if (n < 0 && o + 1 < size)
		out[o++] = '-';
	for (int i = 0; i < len && o + 1 < size; i++) {
		if (i > 0 && (len - i) % 3 == 0 && o + 2 < size)
			out[o++] = ',';
		out[o++] = d[i];
	}
	out[o] = '\0';
}

/* The visit list's JSON: the total, the paging, links and rows (both
 * taken); a capped list (the static site's file) also says how many rows
 * it holds.  NULL when out of memory. */
static json_t *list_body(const pl_wq *q, long pages, json_t *rows, long total, json_t *links)
{
	json_t *listed = NULL;
	if (q->cap && total > (long)json_array_size(rows)) {
		/* the static file of a list over the cap says what it holds */
		char n[32], all_n[32], note[160];
		grouped((long)json_array_size(rows), n, sizeof n);
		grouped(total, all_n, sizeof all_n);
		snprintf(note, sizeof note,
		         "The first %s of %s visits (oldest first); every visit is in visits.csv beside this file.", n, all_n);
		listed = json_pack("{s:I,s:s}", "listed", (json_int_t)json_array_size(rows), "note", note);
	}
	/* a page reached by after= has no number: "page" is null */
	json_t *body = json_pack("{s:I,s:o,s:I,s:I,s:o,s:o}", "total", (json_int_t)total,
	                         "page", q->pq.after ? json_null() : json_integer(q->page),
	                         "per_page", (json_int_t)q->per_page,
	                         "pages", (json_int_t)pages, "links", links, "visits", rows);
	if (body && listed)
		json_object_update(body, listed);
	json_decref(listed);
	return body;
}

void pl_page_visits(pl_page *pg, int fmt)
{
	pl_wq q;
	if (pl_wq_parse(&q, pg->rq->params, pg->rq->nparams, pl_wq_list_params, &pg->err) != PARLEY_OK) {
		pl_send_error(pg, 400, q.bad_param, pg->err.msg);
		return;
	}
	visits(pg, fmt, &q);
}

/* pl_visits_csv_write's sink: where the buffered lines go. */
typedef struct csv_out {
	int (*write)(void *ctx, const char *data, size_t n);
	void *ctx;
} csv_out;

static int csv_flush(void *ctx, pl_buf *b)
{
	csv_out *o = ctx;
	int rc = b->len ? o->write(o->ctx, b->data, b->len) : PARLEY_OK;
	pl_buf_reset(b);
	return rc;
}

int pl_visits_csv_write(pl_web *w, const pl_web_req *rq, long chunk,
                        int (*write)(void *ctx, const char *data, size_t n), void *ctx,
                        int *status, parley_err *err)
{
	*status = 400;
	pl_wq q;
	if (pl_wq_parse(&q, rq->params, rq->nparams, pl_wq_list_params, err) != PARLEY_OK)
		return PARLEY_EDATA;
	/* the date sorts go on by key (each chunk as cheap as the first);
	 * level and visitor by offset, in the same order as one read */
	int keyed = strcmp(q.sort, "date") == 0 || strcmp(q.sort, "-date") == 0;
	char after[sizeof q.next_after];
	q.cap = chunk > 0 ? chunk : PL_CSV_CHUNK;
	csv_out o = {write, ctx};
	pl_buf b;
	pl_buf_init(&b, 0); /* bounded by the flushes, not by a cap */
	int rc = PARLEY_OK;
	for (long done = 0;; done += q.cap) {
		json_t *rows = NULL;
		long total = 0;
		rc = pl_wq_visits(w->db, &q, 1, 0, &rows, &total, err);
		if (rc != PARLEY_OK) {
			*status = rc == PARLEY_EDATA ? 400 : 500;
			break;
		}
		*status = 200;
		size_t n = json_array_size(rows);
		rc = pl_csv_rows(&b, rows, csv_cols, done == 0, csv_flush, &o);
		json_decref(rows);
		if (rc != PARLEY_OK)
			break;
		if (n == 0 || (keyed ? !q.next_after[0] : n < (size_t)q.cap))
			break;
		if (keyed) { /* the next chunk: the rows after this one's last */
			pl_strlcpy(after, q.next_after, sizeof after);
			q.pq.after = after;
		} else {
			q.skip = done + q.cap;
		}
	}
	if (rc == PARLEY_OK)
		rc = csv_flush(&o, &b);
	else if (*status == 200)
		*status = 500;
	pl_buf_free(&b);
	return rc;
}

/* csv_spill's state: the answer it fills and the body cap. */
typedef struct csv_spill {
	pl_web_resp *rs;
	size_t max;
} csv_spill;

/* pl_visits_csv_write's sink on the server: the body while it fits
 * under the cap, then (all of it, what was in the body first) an
 * unlinked temp file, so a whole-store CSV (164 MB at a million visits)
 * is answered whole in bounded memory.  The hash goes along for the
 * ETag, the same as the body's would be. */
static int csv_spill_write(void *ctx, const char *data, size_t n)
{
	csv_spill *s = ctx;
	pl_web_resp *rs = s->rs;
	rs->file_hash = pl_hash_more(rs->file_len ? rs->file_hash : PL_HASH_START, data, n);
	if (!rs->file && rs->body.len + n <= s->max) {
		rs->file_len += n;
		return pl_buf_append(&rs->body, data, n);
	}
	if (!rs->file) {
		rs->file = tmpfile();
		if (!rs->file ||
		    (rs->body.len && fwrite(rs->body.data, 1, rs->body.len, rs->file) != rs->body.len))
			return PARLEY_EIO;
		pl_buf_reset(&rs->body);
	}
	rs->file_len += n;
	return fwrite(data, 1, n, rs->file) == n ? PARLEY_OK : PARLEY_EIO;
}

/* The server's visit CSV: written as read (pl_visits_csv_write), into
 * the body or, past the cap, a temp file (csv_spill_write).  A bad filter
 * is found first by a one-row read of the same query, so its 400 names
 * the parameter as the other formats' do. */
static void visits_csv_spilled(pl_page *pg, const pl_wq *qp)
{
	pl_wq probe = *qp;
	probe.cap = 1;
	json_t *rows = NULL;
	long total = 0;
	int rc = pl_wq_visits(pg->w->db, &probe, 1, 0, &rows, &total, &pg->err);
	json_decref(rows);
	if (rc != PARLEY_OK) {
		pl_send_error(pg, rc == PARLEY_EDATA ? 400 : 500, probe.bad_param, pg->err.msg);
		return;
	}
	pl_web_resp *rs = pg->rs;
	csv_spill s = {rs, pg->w->body_max ? pg->w->body_max : PL_BODY_MAX};
	int status = 500;
	pl_buf_reset(&rs->body);
	rs->file_len = 0;
	rc = pl_visits_csv_write(pg->w, pg->rq, PL_CSV_CHUNK, csv_spill_write, &s, &status, &pg->err);
	if (rc == PARLEY_OK && rs->file && fflush(rs->file) != 0)
		rc = PARLEY_EIO;
	if (rc != PARLEY_OK) {
		pl_web_resp_file_close(rs);
		if (rc == PARLEY_EIO)
			parley_err_set(&pg->err, PARLEY_EIO, "the CSV could not be written to a temp file: %s", strerror(errno));
		pl_send_error(pg, status == 400 ? 400 : 500, NULL, pg->err.msg);
		return;
	}
	if (rs->file)
		rs->no_store = 1; /* a temp file is sent once, never cached */
	rs->type = pl_csv_type;
}

/* The list of a parsed and resolved filter. */
static void visits(pl_page *pg, int fmt, pl_wq *qp)
{
	if (fmt == 2 && pg->w->spill && !pg->w->site) {
		visits_csv_spilled(pg, qp);
		return;
	}
	pl_wq q = *qp;
	int all = fmt == 2 || pg->w->site;
	/* a static list page and the site's JSON file hold at most
	 * PL_SITE_LIST_MAX rows, so they stay under PL_BODY_MAX; the CSV
	 * beside them holds every row */
	if (pg->w->site && fmt != 2)
		q.cap = pg->w->list_max > 0 ? pg->w->list_max : PL_SITE_LIST_MAX;
	json_t *rows = NULL;
	long total = 0;
	int rc = pl_wq_visits(pg->w->db, &q, all, pg->w->site, &rows, &total, &pg->err);
	if (rc != PARLEY_OK) {
		pl_send_error(pg, rc == PARLEY_EDATA ? 400 : 500, q.bad_param, pg->err.msg);
		return;
	}
	if (fmt == 2) {
		pl_send_csv(pg, rows, csv_cols);
		json_decref(rows);
		return;
	}
	long pages = all ? 1 : (total + q.per_page - 1) / q.per_page;
	if (pages < 1)
		pages = 1;
	if (past_last(pg, q.page, pages, total)) {
		json_decref(rows);
		return;
	}
	const char *base = fmt == 1 ? "/api/v1/visits" : "visits";
	int keyed = q.pq.after != NULL;
	if (fmt == 1 && pg->w->site) {
		/* the static file is the list's one page: its links name it and
		 * the CSV beside it, relative like every link of the site (the
		 * site writes the list's JSON as api/v1/visits.json only) */
		json_t *links = json_object();
		static const char *const names[][2] = {{"self", "api/v1/visits.json"}, {"first", "api/v1/visits.json"},
		                                       {"last", "api/v1/visits.json"}, {"csv", "api/v1/visits.csv"}};
		for (size_t i = 0; links && i < PL_ARRAY_LEN(names); i++) {
			pl_buf u;
			pl_buf_init(&u, 4096);
			int urc = pl_buf_puts(&u, pg->rq->root ? pg->rq->root : "");
			if (urc == PARLEY_OK)
				urc = pl_buf_puts(&u, names[i][1]);
			char *t = taken(&u, urc);
			if (!t || json_object_set_new(links, names[i][0], json_string(t)))
				links = (json_decref(links), NULL);
			free(t);
		}
		json_t *body = links ? list_body(&q, pages, rows, total, links) : (json_decref(rows), NULL);
		pl_send_json(pg, body);
		return;
	}
	if (fmt == 1) {
		json_t *links = json_links(pg, base, q.page, pages, keyed, next_link(pg, base, &q, pages),
		                           "/api/v1/visits.csv", "after");
		pl_send_json(pg, list_body(&q, pages, rows, total, links));
		return;
	}
	/* HTML */
	pl_visit_links(pg, rows);
	pl_add_labels(rows);
	if (pg->w->site)
		add_search_text(rows);
	json_t *ctx = json_object();
	json_object_set_new(ctx, "title", json_string("Visits"));
	json_object_set_new(ctx, "total", json_integer(total));
	json_object_set_new(ctx, "visits", rows);
	json_object_set_new(ctx, "shown", json_integer((json_int_t)json_array_size(rows)));
	if (q.cap && total > (long)json_array_size(rows)) {
		/* the page says plainly that it lists a part; app.js reads the
		 * numbers to keep its count honest */
		char listed[32], all_n[32];
		grouped((long)json_array_size(rows), listed, sizeof listed);
		grouped(total, all_n, sizeof all_n);
		json_object_set_new(ctx, "capped", json_pack("{s:s,s:s,s:I}", "listed", listed, "total", all_n,
		                                              "listed_n", (json_int_t)json_array_size(rows)));
	}
	json_t *f = json_object();
	for (size_t i = 0; i < pg->rq->nparams; i++)
		json_object_set_new(f, pg->rq->params[i].key, json_string(pg->rq->params[i].value));
	json_object_set_new(ctx, "f", f);
	/* A readable statement of the filter, e.g. "in 1953": labels and
	 * country names for the reader, the codes stay in the URL. */
	pl_buf d;
	pl_buf_init(&d, 1u << 16);
	rc = PARLEY_OK;
	if (q.a[0]) {
		rc = put_country(pg, &d, " between ", q.a);
		if (rc == PARLEY_OK)
			rc = put_country(pg, &d, " and ", q.b);
	}
	if (rc == PARLEY_OK && q.dir_from[0]) {
		rc = put_country(pg, &d, " from ", q.dir_from);
		if (rc == PARLEY_OK)
			rc = put_country(pg, &d, " to ", q.dir_to);
	}
	if (rc == PARLEY_OK && q.year)
		rc = pl_buf_printf(&d, " in %s", q.year);
	if (rc == PARLEY_OK && q.from_raw && q.to_raw && strcmp(q.from_raw, q.to_raw) == 0) {
		rc = pl_buf_printf(&d, " in %s", q.from_raw);
	} else {
		if (rc == PARLEY_OK && q.from_raw)
			rc = pl_buf_printf(&d, " from %s", q.from_raw);
		if (rc == PARLEY_OK && q.to_raw)
			rc = pl_buf_printf(&d, " to %s", q.to_raw);
	}
	if (rc == PARLEY_OK && q.level)
		rc = put_labels(&d, " at level ", q.level, "");
	if (rc == PARLEY_OK && q.min_level)
		rc = put_labels(&d, " at level ", q.min_level, " or above");
	if (rc == PARLEY_OK && q.type)
		rc = put_labels(&d, " of type ", q.type, "");
	if (rc == PARLEY_OK && q.status)
		rc = put_labels(&d, " with status ", q.status, "");
	if (rc == PARLEY_OK && q.person)
		rc = pl_buf_printf(&d, " involving %s", q.person);
	if (rc == PARLEY_OK && q.visitor)
		rc = pl_buf_printf(&d, " led by %s", q.visitor);
	if (rc == PARLEY_OK && q.companion)
		rc = pl_buf_printf(&d, " with %s in the delegation", q.companion);
	if (rc == PARLEY_OK && q.top) {
		/* top=A[,B]: each code a country name, joined by "or" */
		rc = pl_buf_puts(&d, " by the paramount leader of");
		const char *p = q.top;
		for (int k = 0; rc == PARLEY_OK && *p; k++) {
			size_t n = strcspn(p, ",");
			char code[PL_CODE_MAX] = "";
			if (n < sizeof code)
				memcpy(code, p, n), code[n] = '\0';
			rc = put_country(pg, &d, k ? " or " : " ", code);
			p += n + (p[n] == ',');
		}
	}
	if (rc == PARLEY_OK && q.q)
		rc = pl_buf_printf(&d, " matching \"%s\"", q.q);
	if (rc != PARLEY_OK) { /* a sentence that leaves out part of the filter would mislead */
		pl_buf_free(&d);
		json_decref(ctx);
		pl_send_error(pg, rc == PARLEY_ENOMEM ? 500 : 400, NULL,
		              "the filter is too long to describe");
		return;
	}
	json_object_set_new(ctx, "filter_text", json_string(d.data ? d.data : ""));
	pl_buf_free(&d);
	{
		/* the five facets counted in one pass over the matches */
		static const char *const fields[] = {"direction", "level", "type", "status", "year"};
		static const char *const names[] = {"Direction", "Level", "Type", "Status", "Year"};
		json_t *f[5] = {NULL};
		pl_wq_facets(pg->w->db, &q, fields, 5, f, &pg->err);
		json_t *facets = json_array();
		for (size_t k = 0; k < 5; k++)
			json_array_append_new(facets, json_pack("{s:s,s:o}", "name", names[k], "values",
			                                        facet(pg, f[k], fields[k])));
		json_object_set_new(ctx, "facets", facets);
	}
	if (!pg->w->site) {
		if (q.page > 1 && !keyed) {
			char *u = page_link(pg, "visits", q.page - 1);
			json_object_set_new(ctx, "prev_url", json_string(u));
			free(u);
		}
		if (keyed) {
			char *u = with_param(pg, "visits", "after", NULL);
			json_object_set_new(ctx, "first_url", json_string(u));
			free(u);
		}
		char *nu = next_link(pg, "visits", &q, pages);
		if (nu)
			json_object_set_new(ctx, "next_url", json_string(nu));
		free(nu);
		json_object_set_new(ctx, "page", json_integer(q.page));
		if (!keyed) /* a page reached by after= has no number */
			json_object_set_new(ctx, "pages", json_integer(pages));
		static const char *const sorts[][2] = {
		    {"date", "oldest first"}, {"-date", "newest first"}, {"level", "level"}, {"visitor", "visitor"}};
		json_t *sl = json_array();
		for (size_t i = 0; i < 4; i++) {
			char *u = with_param(pg, "visits", "sort", sorts[i][0]);
			json_array_append_new(sl, json_pack("{s:s,s:s,s:b}", "url", u, "label", sorts[i][1],
			                                    "current", strcmp(q.sort, sorts[i][0]) == 0));
			free(u);
		}
		json_object_set_new(ctx, "sorts", sl);
		char *u = with_param(pg, "visits.csv", NULL, NULL);
		json_object_set_new(ctx, "csv_url", json_string(u));
		free(u);
		u = with_param(pg, "api/v1/visits", NULL, NULL);
		json_object_set_new(ctx, "json_url", json_string(u));
		free(u);
	} else {
		/* The site's "get the data" is the whole list's; app.js sorts and
		 * pages the rows (sort links are hidden until it runs). */
		char u[512];
		if (pg->rq->self && strcmp(pg->rq->self, "visits") != 0) {
			/* the page's own rows, written next to it by site.c */
			snprintf(u, sizeof u, "%s%s.csv", pg->rq->root, pg->rq->self);
			json_object_set_new(ctx, "csv_url", json_string(u));
		} else {
			snprintf(u, sizeof u, "%sapi/v1/visits.csv", pg->rq->root);
			json_object_set_new(ctx, "csv_url", json_string(u));
			snprintf(u, sizeof u, "%sapi/v1/visits.json", pg->rq->root);
			json_object_set_new(ctx, "json_url", json_string(u));
		}
		static const char *const sorts[][2] = {
		    {"date", "oldest first"}, {"-date", "newest first"}, {"level", "level"}, {"visitor", "visitor"}};
		json_t *sl = json_array();
		for (size_t i = 0; i < 4; i++) {
			char href[32];
			snprintf(href, sizeof href, "?sort=%s", sorts[i][0]);
			json_array_append_new(sl, json_pack("{s:s,s:s,s:s,s:b}", "url", href, "label", sorts[i][1],
			                                    "key", sorts[i][0], "current", i == 0));
		}
		json_object_set_new(ctx, "sorts", sl);
	}
	if (q.q)
		json_object_set_new(ctx, "people", people_matching(pg, q.q));
	pl_render_page(pg, "visits", ctx);
}

/* fmt 2 (CSV: the columns) or 1 (JSON: {"total":n,"<key>":rows}) sent,
 * taking rows: 1; HTML (fmt 0) is the caller's: 0. */
static int sent_as_data(pl_page *pg, int fmt, json_t *rows, const char *const *cols,
                        const char *key)
{
	if (fmt == 2) {
		pl_send_csv(pg, rows, cols);
		json_decref(rows);
	} else if (fmt == 1) {
		pl_send_json(pg, json_pack("{s:I,s:o}", "total", (json_int_t)json_array_size(rows), key,
		                           rows));
	}
	return fmt == 1 || fmt == 2;
}

/* The people list, paged as the visit list is (page, per_page: 50 by
 * default, at most 1,000): a page of 50 costs what its rows cost, where
 * the 5,097 people of one answer cost 40-73 ms of building and dumping.
 * The CSV and the static site (whose app.js filters the rows in the
 * browser) hold every person the search matches. */
void pl_page_people(pl_page *pg, int fmt)
{
	static const char *const allowed[] = {"q", "page", "per_page", NULL};
	pl_wq q;
	if (pl_wq_parse(&q, pg->rq->params, pg->rq->nparams, allowed, &pg->err) != PARLEY_OK) {
		pl_send_error(pg, 400, q.bad_param, pg->err.msg);
		return;
	}
	int all = fmt == 2 || pg->w->site;
	parley_people *ps = NULL;
	long total = 0;
	size_t off = all ? 0 : (size_t)(q.page - 1) * (size_t)q.per_page;
	if (parley_people_page(pg->w->db, q.q, off, all ? 0 : (size_t)q.per_page, &ps, &total,
	                       &pg->err) != PARLEY_OK) {
		pl_send_error(pg, 500, NULL, pg->err.msg);
		return;
	}
	long pages = all ? 1 : (total + q.per_page - 1) / q.per_page;
	if (pages < 1)
		pages = 1;
	if (past_last(pg, q.page, pages, total)) {
		parley_people_free(ps);
		return;
	}
	if (fmt == 2) {
		/* straight from the rows: JSON rows first cost the whole list
		 * about two fifths of its CPU */
		static const char *const cols[] = {"id", "name", "native_name", "country", "aliases", NULL};
		int rc = pl_csv_begin(pg, cols);
		for (size_t i = 0; rc == PARLEY_OK && i < ps->n; i++) {
			const parley_person_row *p = &ps->p[i];
			const char *cells[] = {p->id, p->name, p->native_name, p->country, p->aliases};
			rc = pl_csv_row(pg, cells, PL_ARRAY_LEN(cells));
		}
		parley_people_free(ps);
		if (rc != PARLEY_OK)
			pl_send_error(pg, 500, NULL, "CSV too large");
		return;
	}
	json_t *rows = people_rows(pg, ps);
	/* the page shows the native name and then the other aliases: the
	 * native name is often an alias too, and was written twice */
	for (size_t i = 0; fmt == 0 && i < ps->n; i++)
		if (ps->p[i].other_aliases)
			json_object_set_new(json_array_get(rows, i), "also", json_string(ps->p[i].other_aliases));
	parley_people_free(ps);
	if (fmt == 1 && all) { /* the static site's file: the whole list */
		pl_send_json(pg, json_pack("{s:I,s:o}", "total", (json_int_t)total, "people", rows));
		return;
	}
	if (fmt == 1) {
		char *next = q.page < pages ? page_link(pg, "/api/v1/people", q.page + 1) : NULL;
		json_t *links = json_links(pg, "/api/v1/people", q.page, pages, 0, next,
		                           "/api/v1/people.csv", NULL);
		pl_send_json(pg, json_pack("{s:I,s:I,s:I,s:I,s:o,s:o}", "total", (json_int_t)total, "page",
		                           (json_int_t)q.page, "per_page", (json_int_t)q.per_page, "pages",
		                           (json_int_t)pages, "links", links, "people", rows));
		return;
	}
	json_t *ctx = json_pack("{s:s,s:o,s:s}", "title", "People", "people", rows, "q", q.q ? q.q : "");
	if (!all) {
		/* the count and the pager; the static site lists everyone */
		char n[32], line[96];
		grouped(total, n, sizeof n);
		snprintf(line, sizeof line, "%s %s", n, total == 1 ? "person" : "people");
		json_t *pager = json_pack("{s:s,s:I,s:I}", "count", line, "page", (json_int_t)q.page,
		                          "pages", (json_int_t)pages);
		if (q.page > 2) {
			char *u = page_link(pg, "people", 1);
			json_object_set_new(pager, "first_url", json_string(u));
			free(u);
		}
		if (q.page > 1) {
			char *u = page_link(pg, "people", q.page - 1);
			json_object_set_new(pager, "prev_url", json_string(u));
			free(u);
		}
		if (q.page < pages) {
			char *u = page_link(pg, "people", q.page + 1);
			json_object_set_new(pager, "next_url", json_string(u));
			free(u);
		}
		json_object_set_new(ctx, "paged", pager);
	}
	pl_render_page(pg, "people", ctx);
}

void pl_page_countries(pl_page *pg, int fmt)
{
	parley_countries *cs = NULL;
	if (parley_countries_find(pg->w->db, NULL, &cs, &pg->err) != PARLEY_OK) {
		pl_send_error(pg, 500, NULL, pg->err.msg);
		return;
	}
	json_t *rows = json_array();
	for (size_t i = 0; i < cs->n; i++)
		json_array_append_new(rows, json_pack("{s:s,s:s,s:I,s:I}", "code", cs->c[i].code, "name",
		                                      cs->c[i].name, "visits_made",
		                                      (json_int_t)cs->c[i].visits_made, "visits_hosted",
		                                      (json_int_t)cs->c[i].visits_hosted));
	parley_countries_free(cs);
	static const char *const cols_countries[] = {"code", "name", "visits_made", "visits_hosted", NULL};
	if (sent_as_data(pg, fmt, rows, cols_countries, "countries"))
		return;
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
		pl_set_url(pg, r, "url", "country", "code");
	pl_render_page(pg, "countries", json_pack("{s:s,s:o}", "title", "Countries", "countries", rows));
}
