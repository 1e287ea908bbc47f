/*
 * page_methods.c - where the data ends, on every page: the footer's data
 * version, data-through date and citation, and the methods page (/methods):
 * the inclusion rule, levels and how they follow from offices, declared
 * coverage, known gaps and disputed facts (all computed from the store by
 * parley_methods_compute), and how to report an error.
 */
#include "webq.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pl_footer_ctx(pl_page *pg, json_t *ctx)
{
	parley_data_version v;
	char through[11] = "";
	if (parley_data_version_get(pg->w->db, &v, NULL) != PARLEY_OK)
		memset(&v, 0, sizeof v);
	/* without a data version the rule's fallback applies: the latest visit */
	if (parley_data_through(pg->w->db, NULL, NULL, NULL, through, NULL, 0, NULL) != PARLEY_OK)
		through[0] = '\0';
	const char *title = json_string_value(json_object_get(ctx, "title"));
	char path[1200];
	if (pg->w->site && pg->rq->self)
		snprintf(path, sizeof path, "%s.html", pg->rq->self);
	else
		snprintf(path, sizeof path, "%s", pg->rq->path);
	char cite[2400];
	snprintf(cite, sizeof cite, "parley, \u201c%s\u201d, data version %s%s%s%s, %s, accessed %s.",
	         title ? title : "page", v.name[0] ? v.name : "unversioned",
	         through[0] ? " (data through " : "", through, through[0] ? ")" : "", path,
	         pg->w->today);
	char *methods = pl_url(pg, "methods", "");
	/* pl_url builds "methods/"; the page is "methods" (and "methods.html") */
	size_t n = strlen(methods);
	if (pg->w->site && n > 6 && strcmp(methods + n - 6, "/.html") == 0)
		memcpy(methods + n - 6, ".html", 6);
	else if (n && methods[n - 1] == '/')
		methods[n - 1] = '\0';
	json_object_set_new(ctx, "data", json_pack("{s:s,s:s,s:s,s:s,s:s}",
	    "version", v.name[0] ? v.name : "unversioned", "released", v.released,
	    "through", through, "cite", cite, "methods_url", methods));
	free(methods);
}

const char *pl_data_end(pl_page *pg, const char *a, const char *b, char out[11])
{
	char through[11] = "";
	if (parley_data_through(pg->w->db, a, b, NULL, through, NULL, 0, NULL) == PARLEY_OK &&
	    through[0] && strcmp(through, pg->w->today) < 0)
		pl_strlcpy(out, through, 11);
	else
		pl_strlcpy(out, pg->w->today, 11);
	return out;
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

void pl_page_methods(pl_page *pg)
{
	parley_methods *m = NULL;
	if (parley_methods_compute(pg->w->db, &m, &pg->err) != PARLEY_OK) {
		pl_send_error(pg, 500, NULL, pg->err.msg);
		return;
	}
	json_t *cover = json_array(), *offices = json_array(), *disputed = json_array();
	for (size_t i = 0; i < m->ncover; i++) {
		const parley_methods_cover *c = &m->cover[i];
		json_t *o = json_pack("{s:s,s:s,s:o,s:o,s:s,s:s,s:o,s:o}", "id", c->id,
		    "description", c->description, "from", str_or_null(c->from),
		    "to", str_or_null(c->to), "min_level", c->min_level, "start", c->start,
		    "end", str_or_null(c->end), "data_through", str_or_null(c->data_through));
		if (o)
			json_array_append_new(cover, o);
	}
	for (size_t i = 0; i < m->noffice; i++) {
		const parley_methods_office *o = &m->office[i];
		json_t *x = json_pack("{s:s,s:s,s:s,s:s}", "id", o->id, "name", o->name,
		                      "country", o->country, "rank", o->rank);
		if (x)
			json_array_append_new(offices, x);
	}
	for (size_t i = 0; i < m->ndisputed; i++) {
		const parley_methods_disputed *d = &m->disputed[i];
		char *u = pl_url(pg, "visit", d->visit);
		json_t *x = json_pack("{s:s,s:s,s:s,s:s}", "id", d->visit, "label", d->label,
		                      "disputed", d->disputed, "url", u);
		free(u);
		if (x)
			json_array_append_new(disputed, x);
	}
	json_t *ctx = json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:o,s:o,s:o,s:I,s:I}",
	    "title", "Methods", "visits", (json_int_t)m->visits,
	    "unidentified", (json_int_t)m->unidentified, "imprecise", (json_int_t)m->imprecise,
	    "low_confidence", (json_int_t)m->low_confidence, "candidates", (json_int_t)m->candidates,
	    "coverage", cover, "offices", offices, "disputed", disputed,
	    "ncoverage", (json_int_t)m->ncover, "ndisputed", (json_int_t)m->ndisputed);
	parley_methods_free(m);
	if (!ctx) {
		pl_send_error(pg, 500, NULL, "out of memory");
		return;
	}
	pl_render_page(pg, "methods", ctx);
}
