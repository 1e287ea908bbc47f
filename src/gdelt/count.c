/*
 * count.c - `discover gdelt --count-by`: row counts of a country pair by
 * grouping fields, for analysts who want the numbers and not candidates.
 *
 * Each worker keeps its own small hash table of groups (rows of the pair
 * are rare, so the tables stay tiny); the tables are merged and sorted by
 * key after the scan.  A group's key is its field values joined by 0x1f,
 * which sorts like the fields one by one.
 */
#include "gdelt.h"
#include "engine.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_KEYS 8
#define KEY_MAX 256

typedef enum { F_YEAR, F_MONTH, F_DATE, F_EVENT, F_BASE, F_ROOT, F_QUAD, F_A1, F_A2, F_PLACE } field_kind;

static const struct {
	const char *name;
	field_kind kind;
} field_names[] = {
    {"year", F_YEAR},           {"month", F_MONTH},        {"date", F_DATE},
    {"eventcode", F_EVENT},     {"basecode", F_BASE},      {"rootcode", F_ROOT},
    {"quadclass", F_QUAD},      {"actor1country", F_A1},   {"actor2country", F_A2},
    {"place", F_PLACE},
};

/* Groups live in the one hash map (map.c): key = the field values joined
 * by 0x1f, n = the count. */
typedef pl_map table;
typedef pl_map_slot group;

typedef struct count_ctx {
	pl_gdelt_filter filter;
	field_kind keys[MAX_KEYS];
	const char *key_names[MAX_KEYS];
	int nkeys;
} count_ctx;

typedef struct count_worker {
	count_ctx *ctx;
	table t;
	long matched;
} count_worker;

struct parley_gdelt_counts {
	size_t nkeys;
	const char *names[MAX_KEYS];
	size_t n;
	char **keys;    /* n * nkeys strings */
	long *values;
};

static int table_add(table *t, const char *key, size_t n, long by)
{
	int added;
	group *g = pl_map_put(t, key, n, &added);
	if (!g)
		return PARLEY_ENOMEM;
	g->n += by;
	return PARLEY_OK;
}

static void table_free(table *t)
{
	pl_map_free(t);
}

static void *count_user_new(void *ctx)
{
	count_worker *cw = calloc(1, sizeof *cw);
	if (cw)
		cw->ctx = ctx;
	return cw;
}

static int digits(const char *s, size_t n, size_t want)
{
	if (n != want)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static const char *count_row(pl_gdelt_worker *w, const pl_gdelt_row *r)
{
	count_worker *cw = w->user;
	const count_ctx *c = cw->ctx;
	long day;
	const char *why = NULL;
	int ok = pl_gdelt_filter_row(&c->filter, r, &day, &why);
	if (ok < 0)
		return why;
	if (ok == 0)
		return NULL;
	char key[KEY_MAX];
	size_t kn = 0;
	for (int k = 0; k < c->nkeys; k++) {
		int fi;
		switch (c->keys[k]) {
		case F_YEAR:
			fi = PL_GD_YEAR;
			if (!digits(r->f[fi], r->n[fi], 4))
				return "Year is not YYYY";
			break;
		case F_MONTH:
			fi = PL_GD_MONTHYEAR;
			if (!digits(r->f[fi], r->n[fi], 6))
				return "MonthYear is not YYYYMM";
			break;
		case F_DATE: fi = PL_GD_SQLDATE; break;
		case F_EVENT: fi = PL_GD_EVENTCODE; break;
		case F_BASE: fi = PL_GD_BASECODE; break;
		case F_ROOT: fi = PL_GD_ROOTCODE; break;
		case F_QUAD: fi = PL_GD_QUADCLASS; break;
		case F_A1: fi = PL_GD_A1COUNTRY; break;
		case F_A2: fi = PL_GD_A2COUNTRY; break;
		default: fi = pl_gdelt_action_country_field(r->nfields); break;
		}
		size_t n = r->n[fi];
		if (kn + n + 1 >= sizeof key)
			return "grouping field too long";
		if (k > 0)
			key[kn++] = 0x1f;
		memcpy(key + kn, r->f[fi], n);
		kn += n;
	}
	if (table_add(&cw->t, key, kn, 1) != PARLEY_OK)
		w->status = PARLEY_ENOMEM;
	cw->matched++;
	return NULL;
}

static int parse_count_by(count_ctx *c, const char *spec, parley_err *err)
{
	c->nkeys = 0;
	const char *p = spec;
	if (!p || !*p)
		return parley_err_set(err, PARLEY_EINVAL, "--count-by: name one or more fields");
	while (*p) {
		size_t n = strcspn(p, ",");
		int found = -1;
		for (size_t i = 0; i < PL_ARRAY_LEN(field_names); i++)
			if (strlen(field_names[i].name) == n && strncmp(field_names[i].name, p, n) == 0)
				found = (int)i;
		if (found < 0)
			return parley_err_set(err, PARLEY_EINVAL,
			                      "--count-by: unknown field '%.*s' (year, month, date, eventcode, "
			                      "basecode, rootcode, quadclass, actor1country, actor2country, place)",
			                      (int)n, p);
		if (c->nkeys == MAX_KEYS)
			return parley_err_set(err, PARLEY_EINVAL, "--count-by: at most %d fields", MAX_KEYS);
		c->keys[c->nkeys] = field_names[found].kind;
		c->key_names[c->nkeys] = field_names[found].name;
		c->nkeys++;
		p += n;
		if (*p == ',')
			p++;
	}
	return PARLEY_OK;
}

/* A group counted by an engine: key as count_row builds it. */
static int engine_group(void *t, const char *key, size_t n, long count)
{
	return table_add(t, key, n, count);
}

static int cmp_group(const void *a, const void *b)
{
	return strcmp(((const group *)a)->key, ((const group *)b)->key);
}

int parley_gdelt_count(const char *const *paths, size_t npaths, const parley_gdelt_query *q,
                       const char *count_by, parley_report *rep, parley_gdelt_stats *stats,
                       parley_gdelt_counts **out, parley_err *err)
{
	*out = NULL;
	if (!q || !q->country_a || !q->country_b)
		return parley_err_set(err, PARLEY_EINVAL, "discover gdelt: --between A:B is required");
	count_ctx ctx;
	memset(&ctx, 0, sizeof ctx);
	int rc = pl_gdelt_filter_init(&ctx.filter, q, err);
	if (rc == PARLEY_OK)
		rc = parse_count_by(&ctx, count_by, err);
	if (rc)
		return rc;
	pl_gdelt_scan_opts o;
	if (strlen(q->country_a) != 3 || strlen(q->country_b) != 3)
		return parley_err_set(err, PARLEY_EINVAL,
		                      "--between: country codes have 3 letters (e.g. CHN:PRK)");
	pl_gdelt_scan_opts_for(&o, q, count_row, count_user_new, &ctx);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pl_gdelt_scan s;
	table all = {0};
	long matched = 0;
	if (q->engine && q->engine->count) {
		/* The engine groups (engine.h); its groups go through the same sort. */
		memset(&s, 0, sizeof s);
		rc = q->engine->count(q->engine, q, ctx.key_names, ctx.nkeys, engine_group, &all, &matched,
		                      err);
	} else {
		rc = pl_gdelt_scan_run(&s, &o, paths, npaths, rep, err);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	/* Merge the workers' tables. */
	for (int i = 0; s.workers && i < s.nworkers; i++) {
		count_worker *cw = s.workers[i].user;
		if (!cw)
			continue;
		for (size_t j = 0; rc == PARLEY_OK && j < cw->t.cap; j++)
			if (cw->t.slot[j].key && table_add(&all, cw->t.slot[j].key, cw->t.slot[j].len,
			                                   cw->t.slot[j].n) != PARLEY_OK)
				rc = parley_err_set(err, PARLEY_ENOMEM, "discover gdelt: out of memory");
		if (s.workers[i].status && rc == PARLEY_OK)
			rc = parley_err_set(err, s.workers[i].status, "discover gdelt: out of memory");
		matched += cw->matched;
		table_free(&cw->t);
		free(cw);
		s.workers[i].user = NULL;
	}
	if (stats)
		pl_gdelt_scan_stats(&s, stats, matched, &t0, &t1);
	pl_gdelt_scan_free(&s);
	parley_gdelt_counts *c = NULL;
	if (rc == PARLEY_OK) {
		c = calloc(1, sizeof *c);
		group *g = all.n ? malloc(all.n * sizeof *g) : NULL;
		if (!c || (all.n && !g)) {
			free(g);
			rc = parley_err_set(err, PARLEY_ENOMEM, "discover gdelt: out of memory");
		} else {
			size_t k = 0;
			for (size_t j = 0; j < all.cap; j++)
				if (all.slot[j].key)
					g[k++] = all.slot[j];
			if (all.n)
				qsort(g, all.n, sizeof *g, cmp_group);
			c->nkeys = (size_t)ctx.nkeys;
			for (int i = 0; i < ctx.nkeys; i++)
				c->names[i] = ctx.key_names[i];
			c->keys = calloc(all.n * c->nkeys + 1, sizeof *c->keys);
			c->values = calloc(all.n + 1, sizeof *c->values);
			if (!c->keys || !c->values)
				rc = parley_err_set(err, PARLEY_ENOMEM, "discover gdelt: out of memory");
			for (size_t i = 0; rc == PARLEY_OK && i < all.n; i++) {
				const char *p = g[i].key;
				for (size_t f = 0; f < c->nkeys; f++) {
					size_t n = strcspn(p, "\x1f");
					c->keys[i * c->nkeys + f] = pl_strndup(p, n);
					if (!c->keys[i * c->nkeys + f])
						rc = parley_err_set(err, PARLEY_ENOMEM, "discover gdelt: out of memory");
					p += n;
					if (*p)
						p++;
				}
				c->values[i] = g[i].n;
				c->n++;
			}
			free(g);
		}
	}
	table_free(&all);
	if (rc) {
		parley_gdelt_counts_free(c);
		return rc;
	}
	*out = c;
	return PARLEY_OK;
}

size_t parley_gdelt_counts_len(const parley_gdelt_counts *c)
{
	return c ? c->n : 0;
}

size_t parley_gdelt_counts_nkeys(const parley_gdelt_counts *c)
{
	return c ? c->nkeys : 0;
}

const char *parley_gdelt_counts_field(const parley_gdelt_counts *c, size_t k)
{
	return c && k < c->nkeys ? c->names[k] : NULL;
}

const char *parley_gdelt_counts_key(const parley_gdelt_counts *c, size_t i, size_t k)
{
	return c && i < c->n && k < c->nkeys ? c->keys[i * c->nkeys + k] : NULL;
}

long parley_gdelt_counts_value(const parley_gdelt_counts *c, size_t i)
{
	return c && i < c->n ? c->values[i] : -1;
}

void parley_gdelt_counts_free(parley_gdelt_counts *c)
{
	if (!c)
		return;
	for (size_t i = 0; c->keys && i < c->n * c->nkeys; i++)
		free(c->keys[i]);
	free(c->keys);
	free(c->values);
	free(c);
}

int parley_gdelt_counts_print(const parley_gdelt_counts *c, const char *format, FILE *out,
                              parley_err *err)
{
	if (!format || strcmp(format, "table") == 0) {
		for (size_t i = 0; i < c->n; i++) {
			for (size_t k = 0; k < c->nkeys; k++)
				fprintf(out, "%s ", c->keys[i * c->nkeys + k]);
			fprintf(out, "%ld\n", c->values[i]);
		}
	} else if (strcmp(format, "csv") == 0) {
		for (size_t k = 0; k < c->nkeys; k++)
			fprintf(out, "%s,", c->names[k]);
		fputs("count\n", out);
		for (size_t i = 0; i < c->n; i++) {
			for (size_t k = 0; k < c->nkeys; k++) {
				pl_csv_write_field(out, c->keys[i * c->nkeys + k]);
				fputc(',', out);
			}
			fprintf(out, "%ld\n", c->values[i]);
		}
	} else if (strcmp(format, "json") == 0) {
		pl_buf b;
		pl_buf_init(&b, 0);
		int rc = pl_buf_puts(&b, "[");
		for (size_t i = 0; rc == PARLEY_OK && i < c->n; i++) {
			json_t *o = json_object();
			for (size_t k = 0; o && k < c->nkeys; k++)
				if (json_object_set_new(o, c->names[k], pl_json_text(c->keys[i * c->nkeys + k])))
					o = (json_decref(o), NULL);
			if (o && json_object_set_new(o, "count", json_integer(c->values[i])))
				o = (json_decref(o), NULL);
			rc = pl_json_item(&b, i, "\n ", o);
		}
		if (rc == PARLEY_OK)
			rc = pl_buf_puts(&b, "\n]\n");
		if (rc == PARLEY_OK)
			fputs(b.data, out);
		pl_buf_free(&b);
		if (rc)
			return parley_err_set(err, rc, "discover gdelt: out of memory writing JSON");
	} else {
		return parley_err_set(err, PARLEY_EINVAL, "--format: '%s' is not table, csv or json", format);
	}
	return ferror(out) ? parley_err_set(err, PARLEY_EIO, "discover gdelt: write failed") : PARLEY_OK;
}
