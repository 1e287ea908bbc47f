/*
 * page_brief.c - a brief on the web: /briefs/ID (a brief, rendered from
 * its figure ledger once published).  The index pages, the feeds and the
 * search are in page_brief_index.c.  The figures and their links come from the
 * brief module (src/brief); this file only lays them out.
 */
#include "webq.h"
#include "../brief/brief.h"
#include "png.h"

#include <stdlib.h>
#include <string.h>

char *pl_brief_url(const pl_page *pg, const char *id)
{
	pl_buf b;
	pl_buf_init(&b, 0);
	pl_buf_printf(&b, "%sbriefs/", pg->rq->root);
	pl_esc_url(&b, id);
	if (pg->w->site)
		pl_buf_puts(&b, ".html");
	return pl_buf_take(&b);
}

static json_t *strlist_json(const pl_strlist *l)
{
	json_t *a = json_array();
	for (size_t i = 0; i < l->n; i++)
		json_array_append_new(a, json_string(l->v[i]));
	return a;
}

/* "Surname, I." for APA from "Given Surname". */
static void apa_name(pl_buf *b, const char *name)
{
	const char *sp = strrchr(name, ' ');
	if (!sp) {
		pl_buf_puts(b, name);
		return;
	}
	pl_buf_printf(b, "%s, %.1s.", sp + 1, name);
}

void pl_page_brief(pl_page *pg, const char *id)
{
	pl_brief b;
	parley_err err = {0};
	int rc = pl_brief_load(pg->w->db, id, 1, &b, &err);
	if (!rc && !pg->w->preview && strcmp(b.status, "published") != 0) {
		/* a draft is seen only through `parley brief render` */
		pl_brief_free(&b);
		rc = parley_err_set(&err, PARLEY_ENOTFOUND, "no brief '%s'", id);
	}
	if (rc) {
		pl_send_error(pg, rc == PARLEY_ENOTFOUND ? 404 : 500, NULL, err.msg);
		return;
	}
	pl_buf body;
	pl_buf_init(&body, PL_BODY_MAX);
	/* a brief page is one level down: its links climb one more */
	char root[64];
	snprintf(root, sizeof root, "%s", pg->rq->root);
	if (pl_brief_body_html(&b, root, pg->w->site, &body, &err)) {
		pl_buf_free(&body);
		pl_brief_free(&b);
		pl_send_error(pg, 500, NULL, err.msg);
		return;
	}
	const pl_brief_meta *m = &b.meta;
	char *url = pl_brief_url(pg, b.id);
	char dw[40];
	pl_date_words(m->date, dw, sizeof dw);
	json_t *ctx = json_pack("{s:s,s:s?,s:s,s:s,s:s,s:s,s:s,s:s?,s:s?,s:s?,s:s?,s:s?,s:s}",
	    "title", m->title, "series", m->series, "date", m->date, "date_words", dw, "as_of", m->as_of,
	    "summary", m->summary, "body", body.data ? body.data : "", "published", b.published,
	    "updated", b.updated, "image", m->image, "image_alt", m->image_alt ? m->image_alt : "",
	    "image_credit", m->image_credit, "url", url);
	json_t *authors = json_array();
	pl_buf apa, chi, bib;
	pl_buf_init(&apa, 0);
	pl_buf_init(&chi, 0);
	pl_buf_init(&bib, 0);
	pl_buf_puts(&apa, "");
	pl_buf_puts(&chi, "");
	pl_buf_printf(&bib, "@misc{%s,\n  author = {", b.id);
	for (size_t i = 0; i < m->authors.n; i++) {
		char *n = NULL, *r = NULL, *bio = NULL;
		if (pl_brief_author_get(pg->w->db, m->authors.v[i], &n, &r, &bio, NULL) == PARLEY_OK) {
			json_array_append_new(authors, json_pack("{s:s,s:s,s:s,s:s?,s:b}", "id", m->authors.v[i],
			    "name", n, "role", r, "bio", bio, "last", i + 1 == m->authors.n));
			if (i)
				pl_buf_puts(&apa, i + 1 == m->authors.n ? ", & " : ", ");
			apa_name(&apa, n);
			pl_buf_printf(&chi, "%s%s", i ? (i + 1 == m->authors.n ? " and " : ", ") : "", n);
			pl_buf_printf(&bib, "%s%s", i ? " and " : "", n);
		}
		free(n);
		free(r);
		free(bio);
	}
	int y = atoi(m->date);
	pl_buf_printf(&apa, " (%d, %s). %s [Brief]%s%s. parley.", y, dw, m->title, m->series ? ". " : "",
	              m->series ? m->series : "");
	pl_buf_printf(&chi, ". \u201c%s.\u201d %s%sparley, %s.", m->title, m->series ? m->series : "",
	              m->series ? ". " : "", dw);
	pl_buf_printf(&bib, "},\n  title = {%s},\n  year = {%d},\n  date = {%s},\n  note = {Data as of %s}%s%s%s\n}",
	              m->title, y, m->date, m->as_of, m->series ? ",\n  series = {" : "", m->series ? m->series : "",
	              m->series ? "}" : "");
	/* CSL-JSON, for reference managers */
	json_t *csl_authors = json_array();
	size_t ai;
	json_t *av;
	json_array_foreach(authors, ai, av) {
		const char *full = json_string_value(json_object_get(av, "name"));
		const char *sp = strrchr(full, ' ');
		json_array_append_new(csl_authors, sp ? json_pack("{s:s%,s:s}", "given", full, (size_t)(sp - full), "family", sp + 1)
		                                      : json_pack("{s:s}", "literal", full));
	}
	int cm = 0, cd = 0;
	sscanf(m->date, "%*d-%d-%d", &cm, &cd);
	json_t *csl = json_pack("{s:s,s:s,s:s,s:o,s:{s:[[i,i,i]]},s:s,s:s?}", "id", b.id, "type", "report",
	                        "title", m->title, "author", csl_authors, "issued", "date-parts", y, cm, cd,
	                        "publisher", "parley", "collection-title", m->series);
	char *cs = json_dumps(csl, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_object_set_new(ctx, "csl_json", json_string(cs ? cs : ""));
	free(cs);
	json_decref(csl);
	/* "most recent from" each author: their other published briefs, newest
	 * first, from the list of published briefs (read once, not per author) */
	pl_brief_list tmp;
	const pl_brief_list *pub = pl_web_briefs(pg, &tmp, NULL);
	json_array_foreach(authors, ai, av) {
		const char *aid = json_string_value(json_object_get(av, "id"));
		json_t *recent = json_array();
		for (size_t i = 0; pub && i < pub->n && json_array_size(recent) < 3; i++) {
			const pl_brief *o = &pub->v[i];
			for (size_t k = 0; strcmp(o->id, b.id) != 0 && k < o->meta.authors.n; k++)
				if (strcmp(o->meta.authors.v[k], aid) == 0) {
					char *ou = pl_brief_url(pg, o->id);
					json_array_append_new(recent, json_pack("{s:s,s:s,s:s}", "url", ou, "title", o->meta.title, "date", o->meta.date));
					free(ou);
					break;
				}
		}
		json_object_set_new(av, "recent", recent);
		char *au = pl_brief_facet_url(pg, "author", aid, NULL);
		json_object_set_new(av, "url", json_string(au ? au : ""));
		free(au);
	}
	pl_web_briefs_done(pg, &tmp);
	/* links to the indexes of the brief's series, topics and regions */
	char *su = m->series ? pl_brief_facet_url(pg, "series", m->series, NULL) : NULL;
	json_object_set_new(ctx, "series_url", su ? json_string(su) : json_null());
	free(su);
	static const char *const tag_kinds[] = {"topic", "region"};
	const pl_strlist *tag_lists[] = {&m->topics, &m->regions};
	json_t *tag_links = json_array();
	for (size_t t = 0; t < 2; t++)
		for (size_t i = 0; i < tag_lists[t]->n; i++) {
			char *tu = pl_brief_facet_url(pg, tag_kinds[t], tag_lists[t]->v[i], NULL);
			json_array_append_new(tag_links, json_pack("{s:s,s:s,s:s}", "name", tag_lists[t]->v[i],
			                                           "url", tu ? tu : "", "kind", tag_kinds[t]));
			free(tu);
		}
	json_object_set_new(ctx, "tag_links", tag_links);
	json_object_set_new(ctx, "authors", authors);
	json_object_set_new(ctx, "cite_apa", json_string(apa.data));
	json_object_set_new(ctx, "cite_chicago", json_string(chi.data));
	json_object_set_new(ctx, "bibtex", json_string(bib.data));
	json_object_set_new(ctx, "topics", strlist_json(&m->topics));
	json_object_set_new(ctx, "regions", strlist_json(&m->regions));
	json_object_set_new(ctx, "has_tags", json_boolean(m->topics.n + m->regions.n > 0));
	json_t *rel = json_array();
	for (size_t i = 0; i < m->related.n; i++) {
		pl_brief r;
		if (pl_brief_load(pg->w->db, m->related.v[i], 0, &r, NULL) == PARLEY_OK) {
			char *ru = pl_brief_url(pg, r.id);
			json_array_append_new(rel, json_pack("{s:s,s:s}", "url", ru, "title", r.meta.title));
			free(ru);
			pl_brief_free(&r);
		}
	}
	json_object_set_new(ctx, "related", rel);
	json_t *corr = json_array();
	for (size_t i = 0; i < b.ncorr; i++)
		json_array_append_new(corr, json_pack("{s:s,s:s}", "at", b.corr[i].at, "note", b.corr[i].note));
	json_object_set_new(ctx, "corrections", corr);
	/* "get the data": the visits behind the figures, as CSV */
	if (b.nfigs) {
		pl_buf du;
		pl_buf_init(&du, 0);
		pl_buf_printf(&du, "%sbriefs/", pg->rq->root);
		pl_esc_url(&du, b.id);
		pl_buf_puts(&du, ".csv");
		json_object_set_new(ctx, "data_url", json_string(du.data));
		pl_buf_free(&du);
	}
	/* Open Graph and Twitter card (the print rules are in style.css: the
	 * Content-Security-Policy forbids inline styles). */
	pl_buf head;
	pl_buf_init(&head, 0);
	pl_buf_puts(&head, "<meta property=\"og:type\" content=\"article\">\n<meta property=\"og:title\" content=\"");
	pl_esc_html(&head, m->title);
	pl_buf_puts(&head, "\">\n<meta property=\"og:description\" content=\"");
	pl_esc_html(&head, m->summary);
	pl_buf_puts(&head, "\">\n<meta property=\"og:url\" content=\"");
	pl_esc_html(&head, url);
	pl_buf_puts(&head, "\">\n<meta property=\"article:published_time\" content=\"");
	pl_esc_html(&head, b.published ? b.published : m->date);
	pl_buf_puts(&head, "\">\n");
	/* the card's image: the brief's first chart as PNG (social cards take
	 * no SVG; page_figures.c draws it, `parley site` writes it), else the
	 * front matter's image */
	const pl_figure *chart = NULL;
	for (size_t i = 0; i < b.nfigs && !chart; i++)
		if (b.figs[i].svg)
			chart = &b.figs[i];
	char *card = chart ? pl_brief_chart_url(pg->rq->root, b.id, 1) : NULL;
	const char *img = card ? card : m->image;
	if (img) {
		pl_buf_puts(&head, "<meta property=\"og:image\" content=\"");
		pl_esc_html(&head, img);
		if (card)
			pl_buf_printf(&head, "\">\n<meta property=\"og:image:type\" content=\"image/png\">\n"
			                     "<meta property=\"og:image:width\" content=\"%d\">\n<meta property=\"og:image:alt\" content=\"",
			              PL_PNG_WIDTH);
		else
			pl_buf_puts(&head, "\">\n<meta property=\"og:image:alt\" content=\"");
		pl_esc_html(&head, card ? chart->value : m->image_alt ? m->image_alt : "");
		pl_buf_puts(&head, "\">\n<meta name=\"twitter:image\" content=\"");
		pl_esc_html(&head, img);
		pl_buf_puts(&head, "\">\n");
	}
	free(card);
	pl_buf_puts(&head, "<meta name=\"twitter:card\" content=\"summary_large_image\">\n<meta name=\"twitter:title\" content=\"");
	pl_esc_html(&head, m->title);
	pl_buf_printf(&head, "\">\n<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Briefs\" href=\"%sbriefs.atom\">\n",
	              pg->rq->root);
	json_object_set_new(ctx, "head_extra", json_string(head.data));
	pl_buf_free(&head);
	pl_buf_free(&apa);
	pl_buf_free(&chi);
	pl_buf_free(&bib);
	pl_buf_free(&body);
	free(url);
	pl_brief_free(&b);
	pl_render_page(pg, "brief", ctx);
}

int parley_brief_render(parley_db *db, const char *id, FILE *out, parley_err *err)
{
	pl_web w;
	int rc = pl_web_init(&w, db, 0, err);
	if (rc)
		return rc;
	w.preview = 1;
	char path[600];
	if (snprintf(path, sizeof path, "/briefs/%s", id) >= (int)sizeof path)
		return parley_err_set(err, PARLEY_EINVAL, "brief id too long");
	pl_web_req rq = {.path = path, .root = "/"};
	pl_web_resp rs;
	pl_web_handle(&w, &rq, &rs);
	if (rs.status != 200) {
		/* the error page carries the message; say it plainly */
		pl_brief b;
		rc = pl_brief_load(db, id, 1, &b, err);
		if (!rc) {
			pl_brief_free(&b);
			rc = parley_err_set(err, PARLEY_EDATA, "rendering brief '%s' failed (HTTP %d)", id, rs.status);
		}
	} else if (fwrite(rs.body.data, 1, rs.body.len, out) != rs.body.len) {
		rc = parley_err_set(err, PARLEY_EIO, "writing the brief failed");
	}
	pl_buf_free(&rs.body);
	return rc;
}
