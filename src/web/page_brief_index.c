/*
 * page_brief_index.c - the publication around the briefs: the index of
 * all briefs, one index per series, author, topic and region, an Atom feed
 * for each of them, and the search across briefs and visits.
 *
 *   /briefs                      all published briefs, with the series,
 *                                authors, topics and regions that index them
 *   /briefs/series/SLUG          one series        (+ .atom: its feed)
 *   /briefs/author/ID            one author, with role and bio (+ .atom)
 *   /briefs/topic/SLUG           one topic         (+ .atom)
 *   /briefs/region/SLUG          one region (no feed)
 *   /briefs.atom                 the feed of all briefs
 *   /search?q=TEXT               briefs and visits that hold the words
 *   /api/v1/search?q=TEXT        the same as JSON
 *
 * A SLUG is the label's words by the one fold joined by '-' (pl_brief_slug).
 * Every index reads the published briefs once (pl_brief_catalog); the
 * static site reads them once for all its pages (pl_web.briefs).
 */
#include "webq.h"
#include "../brief/brief.h"

#include <stdlib.h>
#include <string.h>

/* The facets a brief is indexed by: the route's word, its label on the
 * page, and whether it has a feed (the issue asks for series, author and
 * topic feeds). */
typedef struct facet {
	const char *kind, *label, *plural;
	int feed;
} facet;

static const facet facets[] = {
    {"series", "Series", "Series", 1},
    {"author", "Author", "Authors", 1},
    {"topic", "Topic", "Topics", 1},
    {"region", "Region", "Regions", 0},
};

const pl_brief_list *pl_web_briefs(pl_page *pg, pl_brief_list *tmp, parley_err *err)
{
	memset(tmp, 0, sizeof *tmp);
	if (pg->w->site && pg->w->briefs)
		return pg->w->briefs;
	if (pl_brief_catalog(pg->w->db, tmp, err) != PARLEY_OK)
		return NULL;
	if (!pg->w->site)
		return tmp;
	/* the static site: one read for every page; site.c frees it */
	pl_brief_list *keep = malloc(sizeof *keep);
	if (!keep) {
		pl_brief_list_free(tmp);
		parley_err_set(err, PARLEY_ENOMEM, "out of memory");
		return NULL;
	}
	*keep = *tmp;
	memset(tmp, 0, sizeof *tmp);
	return pg->w->briefs = keep;
}

void pl_web_briefs_done(pl_page *pg, pl_brief_list *tmp)
{
	(void)pg;
	pl_brief_list_free(tmp); /* empty when the list is the site's */
}

void pl_web_briefs_free(pl_web *w)
{
	if (w->briefs) {
		pl_brief_list_free(w->briefs);
		free(w->briefs);
		w->briefs = NULL;
	}
}

char *pl_brief_facet_url(const pl_page *pg, const char *kind, const char *label, const char *ext)
{
	char *slug = strcmp(kind, "author") == 0 ? pl_strdup(label) : pl_brief_slug(label);
	if (!slug)
		return NULL;
	pl_buf b;
	pl_buf_init(&b, 0);
	pl_buf_addf(&b, "%sbriefs/%s/", pg->rq->root, kind);
	pl_esc_url(&b, slug);
	pl_buf_adds(&b, ext ? ext : pg->w->site ? ".html" : "");
	free(slug);
	return pl_buf_take(&b);
}

/* 1 when brief b is indexed under kind's slug (author: its id). */
static int indexed(const pl_brief *b, const char *kind, const char *slug)
{
	const pl_brief_meta *m = &b->meta;
	if (strcmp(kind, "series") == 0)
		return m->series && pl_brief_slug_is(m->series, slug);
	const pl_strlist *l = strcmp(kind, "author") == 0 ? &m->authors
	                    : strcmp(kind, "topic") == 0  ? &m->topics
	                                                  : &m->regions;
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(kind, "author") == 0 ? strcmp(l->v[i], slug) == 0 : pl_brief_slug_is(l->v[i], slug))
			return 1;
	return 0;
}

/* The label of kind's slug as written in brief b ("Korea Snapshot"), or NULL. */
static const char *label_in(const pl_brief *b, const char *kind, const char *slug)
{
	const pl_brief_meta *m = &b->meta;
	if (strcmp(kind, "series") == 0)
		return m->series && pl_brief_slug_is(m->series, slug) ? m->series : NULL;
	const pl_strlist *l = strcmp(kind, "topic") == 0 ? &m->topics : &m->regions;
	for (size_t i = 0; i < l->n; i++)
		if (pl_brief_slug_is(l->v[i], slug))
			return l->v[i];
	return NULL;
}

/* A brief as a row of an index page. */
static json_t *brief_row(const pl_page *pg, const pl_brief *b)
{
	char *u = pl_brief_url(pg, b->id);
	char *su = b->meta.series ? pl_brief_facet_url(pg, "series", b->meta.series, NULL) : NULL;
	json_t *r = json_pack("{s:s,s:s,s:s?,s:s?,s:s,s:s}", "url", u, "title", b->meta.title,
	                      "series", b->meta.series, "series_url", su, "date", b->meta.date,
	                      "summary", b->meta.summary);
	free(u);
	free(su);
	return r;
}

/* A page whose parts were all built (lost == PARLEY_OK), else a 500: a
 * page missing a piece is not sent.  Takes ctx. */
static void render_whole(pl_page *pg, const char *tpl, json_t *ctx, int lost)
{
	if (lost) {
		json_decref(ctx);
		pl_send_error(pg, 500, NULL, parley_strstatus(lost));
		return;
	}
	pl_render_page(pg, tpl, ctx);
}

/* Adds the feed's <link> to ctx's head and its URL as feed_url; returns
 * the head's sticky status. */
static int feed_link(json_t *ctx, const char *title, const char *url)
{
	pl_buf h;
	pl_buf_init(&h, 0);
	pl_buf_adds(&h, "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"");
	pl_esc_html(&h, title);
	pl_buf_adds(&h, "\" href=\"");
	pl_esc_html(&h, url);
	pl_buf_adds(&h, "\">\n");
	json_object_set_new(ctx, "head_extra", json_string(h.data));
	json_object_set_new(ctx, "feed_url", json_string(url));
	int lost = pl_buf_failed(&h);
	pl_buf_free(&h);
	return lost;
}

/* An Atom feed (RFC 4287) of the briefs v[0..n) into the response. */
static void atom(pl_page *pg, const char *title, const char *urn, const char *self,
                 const pl_brief *const *v, size_t n)
{
	pl_buf *o = &pg->rs->body;
	pl_buf_reset(o);
	pl_buf_adds(o, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<title>");
	pl_esc_html(o, title);
	pl_buf_adds(o, "</title>\n<id>");
	pl_esc_html(o, urn);
	pl_buf_adds(o, "</id>\n<link rel=\"self\" href=\"");
	pl_esc_html(o, self);
	pl_buf_adds(o, "\"/>\n");
	/* the feed's date is its newest entry's (a feed with none: the build day) */
	const char *newest = NULL;
	for (size_t i = 0; i < n; i++) {
		const char *u = v[i]->updated ? v[i]->updated : v[i]->published;
		if (u && (!newest || strcmp(u, newest) > 0))
			newest = u;
	}
	pl_buf_addf(o, "<updated>%sT00:00:00Z</updated>\n", newest ? newest : pg->w->today);
	for (size_t i = 0; i < n; i++) {
		const pl_brief *b = v[i];
		const char *upd = b->updated ? b->updated : b->published;
		char *u = pl_brief_url(pg, b->id);
		pl_buf_adds(o, "<entry>\n<title>");
		pl_esc_html(o, b->meta.title);
		pl_buf_adds(o, "</title>\n<id>urn:parley:brief:");
		pl_esc_html(o, b->id);
		pl_buf_adds(o, "</id>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
		pl_esc_html(o, u);
		pl_buf_addf(o, "\"/>\n<published>%sT00:00:00Z</published>\n<updated>%sT00:00:00Z</updated>\n",
		              b->published, upd);
		for (size_t k = 0; k < b->meta.authors.n; k++) {
			char *nm = NULL, *r = NULL, *bio = NULL;
			if (pl_brief_author_get(pg->w->db, b->meta.authors.v[k], &nm, &r, &bio, NULL) == PARLEY_OK) {
				pl_buf_adds(o, "<author><name>");
				pl_esc_html(o, nm);
				pl_buf_adds(o, "</name></author>\n");
			}
			free(nm);
			free(r);
			free(bio);
		}
		for (size_t k = 0; k < b->meta.topics.n; k++) {
			pl_buf_adds(o, "<category term=\"");
			pl_esc_html(o, b->meta.topics.v[k]);
			pl_buf_adds(o, "\"/>\n");
		}
		pl_buf_adds(o, "<summary>");
		pl_esc_html(o, b->meta.summary);
		pl_buf_adds(o, "</summary>\n</entry>\n");
		free(u);
	}
	pl_buf_adds(o, "</feed>\n");
	pg->rs->type = "application/atom+xml; charset=utf-8";
}

void pl_page_briefs_atom(pl_page *pg)
{
	pl_brief_list tmp;
	const pl_brief_list *l = pl_web_briefs(pg, &tmp, &pg->err);
	if (!l) {
		pl_send_error(pg, 500, NULL, pg->err.msg);
		return;
	}
	const pl_brief **v = calloc(l->n + 1, sizeof *v);
	for (size_t i = 0; v && i < l->n; i++)
		v[i] = &l->v[i];
	char self[80];
	snprintf(self, sizeof self, "%sbriefs.atom", pg->rq->root);
	if (v)
		atom(pg, "parley briefs", "urn:parley:briefs", self, v, l->n);
	else
		pl_send_error(pg, 500, NULL, "out of memory");
	free(v);
	pl_web_briefs_done(pg, &tmp);
}

/* Adds to arr {name, url} for each distinct label of kind in the list
 * (authors: their names), in order of first appearance. */
static void facet_links(pl_page *pg, const pl_brief_list *l, const char *kind, json_t *arr)
{
	json_t *seen = json_object();
	for (size_t i = 0; i < l->n; i++) {
		const pl_brief_meta *m = &l->v[i].meta;
		const pl_strlist one = {m->series ? 1 : 0, m->series ? (char **)&m->series : NULL};
		const pl_strlist *src = strcmp(kind, "series") == 0 ? &one
		                      : strcmp(kind, "author") == 0 ? &m->authors
		                      : strcmp(kind, "topic") == 0  ? &m->topics
		                                                    : &m->regions;
		for (size_t k = 0; k < src->n; k++) {
			char *key = strcmp(kind, "author") == 0 ? pl_strdup(src->v[k]) : pl_brief_slug(src->v[k]);
			if (key && *key && !json_object_get(seen, key)) {
				json_object_set_new(seen, key, json_true());
				char *nm = NULL, *r = NULL, *bio = NULL;
				const char *name = src->v[k];
				if (strcmp(kind, "author") == 0 &&
				    pl_brief_author_get(pg->w->db, src->v[k], &nm, &r, &bio, NULL) == PARLEY_OK)
					name = nm;
				char *u = pl_brief_facet_url(pg, kind, src->v[k], NULL);
				json_array_append_new(arr, json_pack("{s:s,s:s}", "name", name, "url", u ? u : ""));
				free(u);
				free(nm);
				free(r);
				free(bio);
			}
			free(key);
		}
	}
	json_decref(seen);
}

void pl_page_briefs(pl_page *pg)
{
	pl_brief_list tmp;
	const pl_brief_list *l = pl_web_briefs(pg, &tmp, &pg->err);
	if (!l) {
		pl_send_error(pg, 500, NULL, pg->err.msg);
		return;
	}
	json_t *list = json_array();
	for (size_t i = 0; i < l->n; i++)
		json_array_append_new(list, brief_row(pg, &l->v[i]));
	json_t *groups = json_array();
	for (size_t f = 0; f < PL_ARRAY_LEN(facets); f++) {
		json_t *links = json_array();
		facet_links(pg, l, facets[f].kind, links);
		if (json_array_size(links))
			json_array_append_new(groups, json_pack("{s:s,s:s,s:o}", "label", facets[f].plural, "id",
			                                        facets[f].kind, "links", links));
		else
			json_decref(links);
	}
	pl_web_briefs_done(pg, &tmp);
	char feed[80], search[80];
	snprintf(feed, sizeof feed, "%sbriefs.atom", pg->rq->root);
	snprintf(search, sizeof search, "%ssearch%s", pg->rq->root, pg->w->site ? ".html" : "");
	json_t *ctx = json_pack("{s:s,s:o,s:o,s:s}", "title", "Briefs", "briefs", list, "groups", groups,
	                        "search_url", search);
	render_whole(pg, "briefs", ctx, feed_link(ctx, "parley briefs", feed));
}

void pl_page_brief_facet(pl_page *pg, const char *kind, const char *rest)
{
	const facet *fc = NULL;
	for (size_t i = 0; i < PL_ARRAY_LEN(facets); i++)
		if (strcmp(facets[i].kind, kind) == 0)
			fc = &facets[i];
	char slug[256];
	int feed = 0;
	if (pl_strlcpy(slug, rest, sizeof slug) >= sizeof slug || !fc) {
		pl_send_error(pg, 404, NULL, "no such index of briefs");
		return;
	}
	size_t n = strlen(slug);
	if (n > 5 && strcmp(slug + n - 5, ".atom") == 0) {
		slug[n - 5] = '\0';
		feed = 1;
	} else if (n > 5 && strcmp(slug + n - 5, ".html") == 0) {
		slug[n - 5] = '\0';
	}
	if (feed && !fc->feed) {
		pl_send_error(pg, 404, NULL, "no feed per region: feeds are per series, author and topic");
		return;
	}
	char *name = NULL, *role = NULL, *bio = NULL;
	if (strcmp(kind, "author") == 0 &&
	    pl_brief_author_get(pg->w->db, slug, &name, &role, &bio, &pg->err) != PARLEY_OK) {
		pl_send_error(pg, pg->err.code == PARLEY_ENOTFOUND ? 404 : 500, NULL, pg->err.msg);
		return;
	}
	pl_brief_list tmp;
	const pl_brief_list *l = pl_web_briefs(pg, &tmp, &pg->err);
	const pl_brief **v = l ? calloc(l->n + 1, sizeof *v) : NULL;
	size_t nv = 0;
	const char *label = name;
	for (size_t i = 0; v && i < l->n; i++)
		if (indexed(&l->v[i], kind, slug)) {
			v[nv++] = &l->v[i];
			if (!label)
				label = label_in(&l->v[i], kind, slug);
		}
	if (!v) {
		pl_send_error(pg, 500, NULL, l ? "out of memory" : pg->err.msg);
	} else if (!label) {
		/* a series, topic or region is known by its briefs alone */
		char msg[400];
		snprintf(msg, sizeof msg, "no published brief has the %s '%s'", kind, slug);
		pl_send_error(pg, 404, NULL, msg);
	} else if (feed) {
		char *self = pl_brief_facet_url(pg, kind, strcmp(kind, "author") == 0 ? slug : label, ".atom");
		pl_buf t, urn;
		pl_buf_init(&t, 0);
		pl_buf_init(&urn, 0);
		pl_buf_addf(&t, "parley briefs: %s", label);
		pl_buf_addf(&urn, "urn:parley:briefs:%s:%s", kind, slug);
		int lost = pl_buf_failed(&t) ? pl_buf_failed(&t) : pl_buf_failed(&urn);
		if (lost || !self)
			pl_send_error(pg, 500, NULL, parley_strstatus(lost ? lost : PARLEY_ENOMEM));
		else
			atom(pg, t.data, urn.data, self, v, nv);
		pl_buf_free(&t);
		pl_buf_free(&urn);
		free(self);
	} else {
		json_t *list = json_array();
		for (size_t i = 0; i < nv; i++)
			json_array_append_new(list, brief_row(pg, v[i]));
		pl_buf t;
		pl_buf_init(&t, 0);
		pl_buf_addf(&t, "%s: %s", fc->label, label);
		char briefs[80];
		snprintf(briefs, sizeof briefs, "%sbriefs%s", pg->rq->root, pg->w->site ? ".html" : "");
		json_t *ctx = json_pack("{s:s,s:s,s:s,s:s?,s:s?,s:o,s:s,s:b}", "title", t.data, "kind_label", fc->label,
		                        "name", label, "role", role, "bio", bio, "briefs", list, "briefs_url", briefs,
		                        "author", strcmp(kind, "author") == 0);
		int lost = pl_buf_failed(&t);
		if (fc->feed && !lost) {
			char *fu = pl_brief_facet_url(pg, kind, strcmp(kind, "author") == 0 ? slug : label, ".atom");
			lost = fu ? feed_link(ctx, t.data, fu) : PARLEY_ENOMEM;
			free(fu);
		}
		pl_buf_free(&t);
		render_whole(pg, "brief_index", ctx, lost);
	}
	free(v);
	pl_web_briefs_done(pg, &tmp);
	free(name);
	free(role);
	free(bio);
}

/* The rows of the search page for the briefs ids names (one that no
 * longer loads is left out), each with its folded search text when
 * with_text (the static site filters in the browser) or else its id;
 * frees ids.  The caller owns the returned array (json_decref). */
static json_t *search_rows(pl_page *pg, pl_strlist *ids, int with_text)
{
	json_t *briefs = json_array();
	for (size_t i = 0; i < ids->n; i++) {
		pl_brief b;
		if (pl_brief_load(pg->w->db, ids->v[i], 0, &b, NULL) == PARLEY_OK) {
			json_t *r = brief_row(pg, &b);
			if (with_text) {
				char *f = pl_brief_search_text(b.source);
				json_object_set_new(r, "search", json_string(f ? f : ""));
				free(f);
			} else {
				json_object_set_new(r, "id", json_string(b.id));
			}
			json_array_append_new(briefs, r);
			pl_brief_free(&b);
		}
		free(ids->v[i]);
	}
	free(ids->v);
	return briefs;
}

/* The static site's search page: no server answers ?q= there, so it lists
 * every published brief with its folded search text (data-search), and
 * app.js hides those without the words, as it filters the visit list;
 * the visits are the visit list's own ?q=. */
static void static_search(pl_page *pg)
{
	pl_strlist ids;
	if (pl_brief_published(pg->w->db, &ids, &pg->err) != PARLEY_OK) {
		pl_send_error(pg, 500, NULL, pg->err.msg);
		return;
	}
	json_t *briefs = search_rows(pg, &ids, 1);
	char visits[80];
	snprintf(visits, sizeof visits, "%svisits.html", pg->rq->root);
	json_t *ctx = json_pack("{s:s,s:o,s:s,s:b}", "title", "Search", "briefs", briefs, "visits_url", visits,
	                        "static", 1);
	pl_render_page(pg, "search", ctx);
}

void pl_page_search(pl_page *pg, int fmt)
{
	const char *text = "";
	for (size_t i = 0; i < pg->rq->nparams; i++) {
		if (strcmp(pg->rq->params[i].key, "q") != 0) {
			pl_send_error(pg, 400, pg->rq->params[i].key, "unknown parameter (the search takes q= only)");
			return;
		}
		text = pg->rq->params[i].value;
	}
	if (pg->w->site) {
		static_search(pg);
		return;
	}
	pl_strlist ids;
	if (pl_brief_search(pg->w->db, text, &ids, &pg->err) != PARLEY_OK) {
		pl_send_error(pg, 500, NULL, pg->err.msg);
		return;
	}
	json_t *briefs = search_rows(pg, &ids, 0);
	/* the visits: the visit list's own search (its q=), first 20; words
	 * that fold to nothing find nothing here (the list would show all) */
	json_t *visits = json_array();
	long total = 0;
	char *words = parley_fold_words(text);
	int searched = words && *words;
	free(words);
	if (searched) {
		pl_wq q;
		const pl_param ps[] = {{"q", text}, {"per_page", "20"}};
		static const char *const allowed[] = {"q", "per_page", NULL};
		json_t *rows = NULL;
		if (pl_wq_parse(&q, ps, 2, allowed, &pg->err) != PARLEY_OK ||
		    pl_wq_visits(pg->w->db, &q, 0, 0, &rows, &total, &pg->err) != PARLEY_OK) {
			json_decref(briefs);
			json_decref(visits);
			pl_send_error(pg, 400, "q", pg->err.msg);
			return;
		}
		size_t i;
		json_t *r;
		json_array_foreach(rows, i, r) {
			const char *id = json_string_value(json_object_get(r, "id"));
			char *u = pl_url(pg, "visit", id ? id : "");
			json_array_append_new(visits, json_pack("{s:s?,s:s,s:O?,s:O?,s:O?,s:O?,s:O?}", "id", id, "url", u ? u : "",
			    "start_date", json_object_get(r, "start_date"), "visitor_name", json_object_get(r, "visitor_name"),
			    "from_country", json_object_get(r, "from_country"), "to_country", json_object_get(r, "to_country"),
			    "summary", json_object_get(r, "summary")));
			free(u);
		}
		json_decref(rows);
	}
	if (fmt == 1) {
		pl_send_json(pg, json_pack("{s:s,s:o,s:{s:I,s:o}}", "q", text, "briefs", briefs, "visits",
		                           "total", (json_int_t)total, "rows", visits));
		return;
	}
	pl_buf all;
	pl_buf_init(&all, 0);
	pl_buf_addf(&all, "%svisits?q=", pg->rq->root);
	pl_esc_url(&all, text);
	json_t *ctx = json_pack("{s:s,s:s,s:o,s:o,s:I,s:b,s:s,s:b}", "title", "Search", "q", text,
	                        "briefs", briefs, "visits", visits, "visits_total", (json_int_t)total,
	                        "more", total > (long)json_array_size(visits), "all_url", all.data,
	                        "searched", searched);
	int lost = pl_buf_failed(&all);
	pl_buf_free(&all);
	render_whole(pg, "search", ctx, lost);
}
