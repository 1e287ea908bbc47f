/*
 * query_write.c - the one JSON shape of a visit (jansson), and visit lists
 * as JSON or CSV.  The web API builds its answers from pl_visit_json too,
 * so `parley list visits --json` and GET /api/v1/visits share one schema
 * (docs/queries.md).
 */
#include "internal.h"
#include "pl_query.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* NULL is null; a bad byte of an older store is U+FFFD, never a key lost. */
static int put(json_t *o, const char *k, const char *v)
{
	return json_object_set_new(o, k, pl_json_text(v));
}

static const char *precision_name(parley_precision p)
{
	return p == PARLEY_DAY ? "day" : p == PARLEY_MONTH ? "month" : "year";
}

static json_t *people(const parley_visit_person *p, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < n; i++) {
		json_t *o = json_object();
		put(o, "person", p[i].person);
		put(o, "name", p[i].name);
		put(o, "detail", p[i].detail);
		json_array_append_new(a, o);
	}
	return a;
}

/* An array of objects from rows of nf strings named by keys. */
static json_t *rows(const void *base, size_t n, const char *const *keys, size_t nf)
{
	const char *const *s = base;
	json_t *a = json_array();
	for (size_t i = 0; a && i < n; i++) {
		json_t *o = json_object();
		for (size_t k = 0; k < nf; k++)
			put(o, keys[k], s[i * nf + k]);
		json_array_append_new(a, o);
	}
	return a;
}

json_t *pl_visit_json(const parley_visit *v, int details)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	put(o, "id", v->id);
	put(o, "start_date", v->start_date);
	put(o, "end_date", v->end_date);
	put(o, "precision", precision_name(v->precision));
	json_object_set_new(o, "year", json_integer(v->start_date ? atoi(v->start_date) : 0));
	put(o, "from_country", v->from_country);
	put(o, "to_country", v->to_country);
	put(o, "from_name", v->from_name);
	put(o, "to_name", v->to_name);
	put(o, "visitor", v->visitor);
	put(o, "visitor_name", v->visitor_name);
	put(o, "visitor_label", v->visitor_label);
	put(o, "visitor_title", v->visitor_title);
	put(o, "office", v->office);
	put(o, "office_name", v->office_name);
	put(o, "level", v->level);
	put(o, "type", v->type);
	put(o, "status", v->status);
	put(o, "confidence", v->confidence);
	put(o, "places", v->places_text);
	json_object_set_new(o, "sources", json_integer((json_int_t)v->nsources_count));
	put(o, "summary", v->summary);
	put(o, "disputed", v->disputed);
	if (details) {
		static const char *const pl[] = {"name", "country"};
		static const char *const ac[] = {"kind", "date", "description"};
		static const char *const sr[] = {"id", "url", "citation", "title", "publisher",
		                                 "published", "accessed", "archive_url", "quality",
		                                 "passage"};
		static const char *const ex[] = {"scheme", "value"};
		put(o, "note", v->note);
		json_object_set_new(o, "hosts", people(v->hosts, v->nhosts));
		json_object_set_new(o, "delegation", people(v->delegation, v->ndelegation));
		json_object_set_new(o, "place_list", rows(v->places, v->nplaces, pl, 2));
		json_object_set_new(o, "activities", rows(v->activities, v->nactivities, ac, 3));
		json_object_set_new(o, "source_list", rows(v->sources, v->nsources, sr, 10));
		json_object_set_new(o, "external_ids", rows(v->external_ids, v->nexternal_ids, ex, 2));
	}
	return o;
}

json_t *pl_visits_json(const parley_visits *r, int details)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < r->n; i++)
		if (json_array_append_new(a, pl_visit_json(&r->v[i], details))) {
			json_decref(a);
			return NULL;
		}
	if (!a)
		return NULL;
	json_t *o = json_pack("{s:I,s:I,s:o}", "total", (json_int_t)r->total, "offset",
	                      (json_int_t)r->offset, "visits", a);
	/* the cursor of the next page (keyset paging), only when there is one */
	if (o && r->next_after && json_object_set_new(o, "next_after", json_string(r->next_after))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* The CSV columns of a visit list (the web's visits.csv has the same). */
static const char *const csv_cols[] = {"id", "start_date", "end_date", "from_country",
                                       "to_country", "visitor", "visitor_name", "visitor_title",
                                       "level", "type", "status", "confidence", "places",
                                       "summary"};

int parley_visits_write(const parley_visits *r, const char *format, FILE *out, parley_err *err)
{
	if (!r || !format || !out)
		return parley_err_set(err, PARLEY_EINVAL, "parley_visits_write: missing argument");
	if (strcmp(format, "json") == 0) {
		/* compact, one visit a line, so a line is a visit for grep and diff */
		int bad = fprintf(out, "{\"total\":%ld,\"offset\":%ld,\"visits\":[", r->total,
		                  r->offset) < 0;
		for (size_t i = 0; !bad && i < r->n; i++) {
			json_t *o = pl_visit_json(&r->v[i], 0);
			if (!o)
				return parley_err_set(err, PARLEY_ENOMEM, "writing visits: out of memory");
			bad = fputs(i ? ",\n" : "\n", out) == EOF ||
			      pl_json_fwrite(out, o) != PARLEY_OK;
			json_decref(o);
		}
		if (bad || fputs("]}\n", out) == EOF)
			return parley_err_set(err, PARLEY_EIO, "writing visits: %s", strerror(errno));
		return PARLEY_OK;
	}
	if (strcmp(format, "csv") != 0)
		return parley_err_set(err, PARLEY_EINVAL, "format: '%s' is not one of json, csv", format);
	size_t nc = sizeof csv_cols / sizeof csv_cols[0];
	for (size_t k = 0; k < nc; k++) {
		if (k)
			fputc(',', out);
		fputs(csv_cols[k], out);
	}
	fputs("\r\n", out);
	for (size_t i = 0; i < r->n; i++) {
		const parley_visit *v = &r->v[i];
		const char *cells[] = {v->id, v->start_date, v->end_date, v->from_country,
		                       v->to_country, v->visitor, v->visitor_name, v->visitor_title,
		                       v->level, v->type, v->status, v->confidence, v->places_text,
		                       v->summary};
		for (size_t k = 0; k < nc; k++) {
			if (k)
				fputc(',', out);
			pl_csv_write_field(out, cells[k]);
		}
		fputs("\r\n", out);
	}
	if (ferror(out))
		return parley_err_set(err, PARLEY_EIO, "writing visits: %s", strerror(errno));
	return PARLEY_OK;
}
