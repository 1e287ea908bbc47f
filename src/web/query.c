/*
 * query.c - the web module's filters: query-string parameters into the
 * library's one visit filter (parley_query_set, so the API and the CLI
 * take the same names and give the same errors), and the rows and facets
 * of parley_visits_find as jansson values for pages and the API.
 *
 * The search index lives in the store and its triggers keep it current
 * (src/lib/schema.c), so no worker ever rebuilds it.
 */
#include "webq.h"
#include "pl_query.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Filters                                                             */
/* ------------------------------------------------------------------ */

const char *const pl_wq_list_params[] = {"between", "direction", "country", "from", "to", "year",
                                         "as_of", "since", "level", "min_level", "type", "status",
                                         "office", "person", "visitor", "companion", "host",
                                         "top", "q", "sort", "page", "per_page", "after", "ids",
                                         NULL};

static int allowed_param(const char *k, const char *const *allowed)
{
	for (; *allowed; allowed++)
		if (strcmp(k, *allowed) == 0)
			return 1;
	return 0;
}

int pl_wq_parse(pl_wq *q, const pl_param *ps, size_t n, const char *const *allowed,
                parley_err *err)
{
	memset(q, 0, sizeof *q);
	parley_query_init(&q->pq);
	q->page = 1;
	q->per_page = 50;
	q->sort = "date";
	for (size_t i = 0; i < n; i++) {
		const char *k = ps[i].key, *v = ps[i].value;
		char shown[80];
		pl_strlcpy(shown, v, sizeof shown);
		if (!allowed_param(k, allowed)) {
			q->bad_param = k;
			return parley_err_set(err, PARLEY_EDATA, "parameter '%s': unknown parameter (got '%s')",
			                      k, shown);
		}
		for (size_t j = 0; j < i; j++)
			if (strcmp(ps[j].key, k) == 0) {
				q->bad_param = k;
				return parley_err_set(err, PARLEY_EDATA,
				                      "parameter '%s': given more than once (got '%s')", k, shown);
			}
		if (strcmp(k, "id") == 0)
			continue; /* handled by the caller (the visit id of /api/v1/context) */
		if (parley_query_set(&q->pq, k, v, err) != PARLEY_OK) {
			q->bad_param = q->pq.bad_param;
			if (err)
				err->code = PARLEY_EDATA;
			return PARLEY_EDATA;
		}
		if (!*v)
			continue;
		if (strcmp(k, "from") == 0)
			q->from_raw = v;
		else if (strcmp(k, "to") == 0)
			q->to_raw = v;
		else if (strcmp(k, "year") == 0)
			q->year = v;
	}
	const parley_query *p = &q->pq;
	pl_strlcpy(q->a, p->a, sizeof q->a);
	pl_strlcpy(q->b, p->b, sizeof q->b);
	pl_strlcpy(q->dir_from, p->dir_from, sizeof q->dir_from);
	pl_strlcpy(q->dir_to, p->dir_to, sizeof q->dir_to);
	q->level = p->level;
	q->min_level = p->min_level;
	q->type = p->type;
	q->status = p->status;
	q->person = p->person;
	q->visitor = p->visitor;
	q->companion = p->companion;
	q->host = p->host;
	q->office = p->office;
	q->top = p->top;
	q->q = p->text;
	if (p->sort)
		q->sort = p->sort;
	if (p->page)
		q->page = p->page;
	if (p->per_page)
		q->per_page = p->per_page;
	if (q->top && !q->a[0]) {
		q->bad_param = "top";
		return parley_err_set(err, PARLEY_EDATA,
		                      "parameter 'top': needs between=A:B (the pair whose eras define the leaders) (got '%s')",
		                      q->top);
	}
	return PARLEY_OK;
}

/* The library's filter for q: what the page set directly (the dashboard
 * fills a, b, sort and paging) over what the request said. */
static void to_query(const pl_wq *q, int all, parley_query *pq)
{
	*pq = q->pq;
	if (!pq->a[0] && q->a[0]) {
		pl_strlcpy(pq->a, q->a, sizeof pq->a);
		pl_strlcpy(pq->b, q->b, sizeof pq->b);
	}
	pq->sort = q->sort;
	pq->limit = pq->offset = 0;
	pq->page = all ? 0 : q->page;
	pq->per_page = all ? 0 : q->per_page;
}

/* A store-side rejection (unknown person or office) names its parameter. */
static int rejected(pl_wq *q, int rc, parley_err *err)
{
	if (rc != PARLEY_EINVAL && rc != PARLEY_ENOTFOUND)
		return rc;
	static const char *const names[] = {"person", "visitor", "companion", "host", "office", "top",
	                                    "after"};
	for (size_t i = 0; err && i < sizeof names / sizeof names[0]; i++) {
		char pre[32];
		snprintf(pre, sizeof pre, "parameter '%s'", names[i]);
		if (strncmp(err->msg, pre, strlen(pre)) == 0)
			q->bad_param = names[i];
	}
	if (err)
		err->code = PARLEY_EDATA;
	return PARLEY_EDATA;
}

int pl_wq_visits(parley_db *db, pl_wq *q, int all, int search, json_t **out_rows, long *total,
                 parley_err *err)
{
	parley_query pq;
	to_query(q, all, &pq);
	if (all && q->cap > 0)
		pq.limit = q->cap;
	if (all && q->skip > 0)
		pq.offset = q->skip;
	parley_visits *r = NULL;
	int rc = parley_visits_find(db, &pq, search, &r, err);
	if (rc)
		return rejected(q, rc, err);
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < r->n; i++) {
		const parley_visit *v = &r->v[i];
		json_t *o = pl_visit_json(v, 0);
		if (o && search) {
			/* the people ids the static site's filter matches on */
			pl_buf people;
			pl_buf_init(&people, 1u << 16);
			int w = pl_buf_puts(&people, v->visitor ? v->visitor : "");
			const parley_visit_person *lists[] = {v->hosts, v->delegation};
			size_t counts[] = {v->nhosts, v->ndelegation};
			for (size_t l = 0; l < 2; l++)
				for (size_t k = 0; w == PARLEY_OK && k < counts[l]; k++)
					if (lists[l][k].person) {
						w = pl_buf_putc(&people, ' ');
						if (w == PARLEY_OK)
							w = pl_buf_puts(&people, lists[l][k].person);
					}
			json_object_set_new(o, "search", json_string(v->search));
			/* a row whose list cannot be written is an error, not a row
			 * that silently matches fewer people */
			if (w != PARLEY_OK ||
			    json_object_set_new(o, "people", json_string(people.data ? people.data : "")))
				o = (json_decref(o), NULL);
			pl_buf_free(&people);
		}
		if (!o || json_array_append_new(arr, o)) {
			json_decref(arr);
			arr = NULL;
		}
	}
	*total = r->total;
	pl_strlcpy(q->next_after, r->next_after ? r->next_after : "", sizeof q->next_after);
	parley_visits_free(r);
	if (!arr)
		return parley_err_set(err, PARLEY_ENOMEM, "listing visits: out of memory");
	*out_rows = arr;
	return PARLEY_OK;
}

int pl_wq_facets(parley_db *db, const pl_wq *q, const char *const *fields, size_t n,
                 json_t **out, parley_err *err)
{
	parley_query pq;
	to_query(q, 1, &pq);
	parley_facet *f[8] = {NULL};
	if (n > 8)
		return parley_err_set(err, PARLEY_EINVAL, "facets: at most 8 at once");
	int rc = parley_visits_facets(db, &pq, fields, n, f, err);
	for (size_t k = 0; k < n; k++) {
		out[k] = rc ? NULL : json_array();
		for (size_t i = 0; out[k] && i < f[k]->n; i++)
			if (json_array_append_new(out[k], json_pack("{s:s?,s:I}", "value", f[k]->values[i].value,
			                                            "n", (json_int_t)f[k]->values[i].n))) {
				json_decref(out[k]);
				out[k] = NULL;
			}
		if (!rc && !out[k])
			rc = parley_err_set(err, PARLEY_ENOMEM, "facets: out of memory");
		parley_facet_free(f[k]);
	}
	for (size_t k = 0; rc && k < n; k++) {
		json_decref(out[k]);
		out[k] = NULL;
	}
	return rc;
}

/* ------------------------------------------------------------------ */
/* Eras: leader pairs from paramount-leader tenures                   */
/* ------------------------------------------------------------------ */

/* The leader-pair eras are the analysis module's (the same as `parley
 * eras A B`), so the dashboard's table and `parley eras` always agree.  A
 * pair without paramount-leader tenures has no eras: an empty list. */
json_t *pl_web_eras(parley_db *db, const char *a, const char *b, parley_err *err)
{
	(void)err;
	json_t *e = pl_an_eras(db, a, b, NULL, NULL);
	return e ? e : json_array();
}

/* Fractional year of a date's first possible day (2012-11-15 -> 2012.87). */
double pl_frac_year(const char *date)
{
	parley_date d;
	if (!date || parley_date_parse(date, strlen(date), &d, NULL) != PARLEY_OK)
		return 0;
	long first = parley_date_first_day(d);
	parley_date jan = {d.year, 1, 1, PARLEY_DAY};
	parley_date next = {d.year + 1, 1, 1, PARLEY_DAY};
	long j = parley_date_first_day(jan), n = parley_date_first_day(next);
	return d.year + (double)(first - j) / (double)(n - j);
}

/* Days between two dates' first possible days (b - a). */
long pl_days_between(const char *a, const char *b)
{
	parley_date da, db;
	if (!a || !b || parley_date_parse(a, strlen(a), &da, NULL) != PARLEY_OK ||
	    parley_date_parse(b, strlen(b), &db, NULL) != PARLEY_OK)
		return 0;
	return parley_date_first_day(db) - parley_date_first_day(da);
}
