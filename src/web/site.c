/*
 * site.c - `parley site`: the server's pages written as static files.
 *
 * Every page is produced by the same pl_web_handle as the server, with
 * site links (relative, ending in .html), so the output works from any
 * static host or straight from disk.  Lists that the server filters by
 * query string become one file per year and per facet value, and per pair
 * one per year, era and gap of that pair alone; the visit list and
 * the people list carry their search text so app.js can filter them.
 */
#include "webq.h"
#include "../brief/brief.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct site {
	pl_web w;
	const char *out;
	long files;
	parley_err *err;
	char made[4096]; /* the folder write_file made last: most files share their folder with the one before */
} site;

static int mkdirs(const char *path, parley_err *err)
{
	char tmp[4096];
	if (pl_strlcpy(tmp, path, sizeof tmp) >= sizeof tmp)
		return parley_err_set(err, PARLEY_ELIMIT, "site: path too long: %s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
			return parley_err_set(err, PARLEY_EIO, "site: cannot create %s: %s", tmp, strerror(errno));
		*p = '/';
	}
	if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
		return parley_err_set(err, PARLEY_EIO, "site: cannot create %s: %s", tmp, strerror(errno));
	return PARLEY_OK;
}

/* A record id that is safe as a file name: [A-Za-z0-9._-], not starting with '.'. */
static int safe_name(const char *s)
{
	if (!s || !*s || *s == '.' || strlen(s) > 200)
		return 0;
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == strlen(s);
}

int pl_site_facet_file(const char *param, const char *value, char *out, size_t n)
{
	if (!param || !value)
		return PARLEY_EINVAL;
	int w;
	if (strcmp(param, "direction") == 0) {
		/* FROM:TO is written FROM-TO (':' is not welcome in file names) */
		char d[2 * PL_CODE_MAX + 2];
		const char *colon = strchr(value, ':');
		if (!colon || pl_strlcpy(d, value, sizeof d) >= sizeof d)
			return PARLEY_EINVAL;
		d[colon - value] = '-';
		if (!safe_name(d) || strchr(d, ':'))
			return PARLEY_EINVAL;
		w = snprintf(out, n, "visits/direction/%s.html", d);
		return w > 0 && (size_t)w < n ? PARLEY_OK : PARLEY_EINVAL;
	}
	if (!safe_name(value))
		return PARLEY_EINVAL;
	if (strcmp(param, "year") == 0)
		w = strlen(value) == 4 && strspn(value, "0123456789") == 4 ? snprintf(out, n, "visits/%s.html", value) : -1;
	else if (strcmp(param, "level") == 0 || strcmp(param, "type") == 0 || strcmp(param, "status") == 0)
		w = snprintf(out, n, "visits/%s/%s.html", param, value);
	else
		return PARLEY_EINVAL;
	return w > 0 && (size_t)w < n ? PARLEY_OK : PARLEY_EINVAL;
}

int pl_site_top_file(const char *a, const char *b, const char *from, const char *to, char *out,
                     size_t n)
{
	if (!a || !b || !from || !safe_name(a) || !safe_name(b) || !safe_name(from) || (to && !safe_name(to)))
		return PARLEY_EINVAL;
	if (strcmp(a, b) > 0) {
		const char *t = a;
		a = b;
		b = t;
	}
	int w = snprintf(out, n, "visits/top/%s-%s_%s_%s.html", a, b, from, to ? to : "now");
	return w > 0 && (size_t)w < n ? PARLEY_OK : PARLEY_EINVAL;
}

int pl_site_pair_file(const char *a, const char *b, const char *from, const char *to, char *out,
                      size_t n)
{
	if (!safe_name(a) || !safe_name(b) || (from && !safe_name(from)) || (to && !safe_name(to)))
		return PARLEY_EINVAL;
	if (strcmp(a, b) > 0) {
		const char *t = a;
		a = b;
		b = t;
	}
	int w;
	if (!from && !to)
		w = snprintf(out, n, "visits/pair/%s-%s.html", a, b);
	else if (from && to && strlen(from) == 4 && strcmp(from, to) == 0)
		w = snprintf(out, n, "visits/pair/%s-%s/%s.html", a, b, from);
	else
		w = snprintf(out, n, "visits/pair/%s-%s/%s_%s.html", a, b, from ? from : "start", to ? to : "now");
	return w > 0 && (size_t)w < n ? PARLEY_OK : PARLEY_EINVAL;
}

int pl_site_companion_file(const char *visitor, const char *companion, char *out, size_t n)
{
	if (!safe_name(visitor) || !safe_name(companion))
		return PARLEY_EINVAL;
	int w = snprintf(out, n, "visits/with/%s/%s.html", visitor, companion);
	return w > 0 && (size_t)w < n ? PARLEY_OK : PARLEY_EINVAL;
}

/* Opens rel under the site's folder for writing (its folders made), into
 * *f and its path into path (4096 bytes); the caller closes it. */
static int open_file(site *s, const char *rel, char *path, FILE **f)
{
	snprintf(path, 4096, "%s/%s", s->out, rel);
	char *slash = strrchr(path, '/');
	*slash = '\0';
	int rc = strcmp(path, s->made) == 0 ? PARLEY_OK : mkdirs(path, s->err);
	if (rc == PARLEY_OK)
		pl_strlcpy(s->made, path, sizeof s->made);
	*slash = '/';
	if (rc != PARLEY_OK)
		return rc;
	*f = fopen(path, "wb");
	if (!*f)
		return parley_err_set(s->err, PARLEY_EIO, "site: cannot write %s: %s", path, strerror(errno));
	return PARLEY_OK;
}

static int write_file(site *s, const char *rel, const char *data, size_t n)
{
	char path[4096];
	FILE *f;
	int rc = open_file(s, rel, path, &f);
	if (rc != PARLEY_OK)
		return rc;
	size_t w = fwrite(data, 1, n, f);
	int why = w != n ? errno : 0;
	if (fclose(f) != 0 && !why)
		why = errno;
	if (why || w != n) { /* a full disk: no half file left behind, and why */
		unlink(path);
		return parley_err_set(s->err, PARLEY_EIO, "site: writing %s failed: %s", path,
		                      strerror(why ? why : EIO));
	}
	s->files++;
	return PARLEY_OK;
}

/* pl_visits_csv_write's sink: the open file. */
static int file_put(void *ctx, const char *data, size_t n)
{
	return fwrite(data, 1, n, ctx) == n ? PARLEY_OK : PARLEY_EIO;
}

/* A visit list's CSV (rq: /visits.csv or /api/v1/visits.csv) into rel,
 * written as its rows are read: the whole store's is 164 MB at a million
 * visits, past any page body (PL_BODY_MAX), and the same bytes as the
 * server's answer.  A failure leaves no file behind. */
static int csv_file(site *s, const char *rel, const pl_web_req *rq)
{
	char path[4096];
	FILE *f;
	int rc = open_file(s, rel, path, &f);
	if (rc != PARLEY_OK)
		return rc;
	parley_err e = {0};
	int status = 500;
	rc = pl_visits_csv_write(&s->w, rq, PL_CSV_CHUNK, file_put, f, &status, &e);
	int closed = fclose(f), why = errno;
	if (rc == PARLEY_OK && closed == 0) {
		s->files++;
		return PARLEY_OK;
	}
	unlink(path);
	if (status != 200)
		return parley_err_set(s->err, PARLEY_EDATA, "site: %s answered %d: %.200s", rq->path, status, e.msg);
	if (rc != PARLEY_OK && rc != PARLEY_EIO)
		return parley_err_set(s->err, rc, "site: %s: %.200s", rel, e.msg);
	return parley_err_set(s->err, PARLEY_EIO, "site: writing %s failed: %s", path, strerror(why));
}

/* Renders path?k=v (params: NULL-terminated key, value list) into rel.
 * The depth of rel decides the root prefix of its links. */
static int page(site *s, const char *rel, const char *path, const char *const *kv)
{
	static const char *const roots[] = {"", "../", "../../", "../../../"};
	int depth = 0;
	for (const char *p = rel; *p; p++)
		depth += *p == '/';
	char self[512] = "";
	const char *dot = strrchr(rel, '.');
	if (dot && strcmp(dot, ".html") == 0 && (size_t)(dot - rel) < sizeof self)
		memcpy(self, rel, (size_t)(dot - rel)), self[dot - rel] = '\0';
	pl_web_req rq = {.path = path, .root = roots[depth > 3 ? 3 : depth], .self = self[0] ? self : NULL};
	for (size_t i = 0; kv && kv[i] && kv[i + 1] && rq.nparams < PL_MAX_PARAMS; i += 2) {
		rq.params[rq.nparams].key = kv[i];
		rq.params[rq.nparams].value = kv[i + 1];
		rq.nparams++;
	}
	int rc = PARLEY_OK;
	if (strcmp(path, "/api/v1/visits.csv") == 0) {
		rc = csv_file(s, rel, &rq);
	} else {
		pl_web_resp rs;
		pl_web_handle(&s->w, &rq, &rs);
		if (rs.status != 200)
			rc = parley_err_set(s->err, PARLEY_EDATA, "site: %s answered %d: %.200s", path, rs.status,
			                    rs.body.data ? rs.body.data : "");
		else
			rc = write_file(s, rel, rs.body.data ? rs.body.data : "", rs.body.len);
		pl_buf_free(&rs.body);
	}
	/* A list of visits gets its rows as CSV next to it ("get the data"). */
	if (rc == PARLEY_OK && strcmp(path, "/visits") == 0 && self[0] && strcmp(self, "visits") != 0) {
		char csv[520];
		snprintf(csv, sizeof csv, "%s.csv", self);
		rq.path = "/visits.csv";
		rc = csv_file(s, csv, &rq);
	}
	return rc;
}

/* pl_site_brief_files' writer: one file of the site. */
static int site_write(void *ctx, const char *rel, const char *data, size_t n)
{
	return write_file(ctx, rel, data, n);
}

/* The values of a facet of the listed visits (default statuses), or
 * NULL with s->err set.  Caller frees with parley_facet_free(). */
static parley_facet *facet_of(site *s, const char *field)
{
	parley_query q;
	parley_query_init(&q);
	parley_facet *f = NULL;
	return parley_visits_facet(s->w.db, &q, field, &f, s->err) == PARLEY_OK ? f : NULL;
}

/* One list file per value of a facet (the targets of the unfiltered
 * list's facet links). */
static int facet_pages(site *s, const char *param)
{
	parley_facet *f = facet_of(s, param);
	if (!f)
		return PARLEY_EDB;
	int rc = PARLEY_OK;
	for (size_t i = 0; rc == PARLEY_OK && i < f->n; i++) {
		const char *v = f->values[i].value;
		char rel[256];
		if (!v || pl_site_facet_file(param, v, rel, sizeof rel) != PARLEY_OK) {
			fprintf(stderr, "parley site: no list page for %s '%s': not usable as a file name\n", param, v ? v : "");
			continue;
		}
		const char *kv[] = {param, v, NULL};
		rc = page(s, rel, "/visits", kv);
	}
	parley_facet_free(f);
	return rc;
}

/* One list per visitor and companion (the targets of the person pages'
 * "N trip(s)" links): the trips the visitor led with that person in the
 * delegation, as the server's visitor=&companion=. */
static int companion_pages(site *s)
{
	parley_facet *f = facet_of(s, "visitor");
	if (!f)
		return PARLEY_EDB;
	int rc = PARLEY_OK;
	for (size_t i = 0; i < f->n; i++) {
		const char *id = f->values[i].value;
		parley_companions *c = NULL;
		if (rc != PARLEY_OK || !id || parley_companions_led(s->w.db, id, NULL, &c, NULL) != PARLEY_OK)
			continue;
		for (size_t k = 0; rc == PARLEY_OK && k < c->nwith; k++) {
			const char *with = c->with[k].person;
			char rel[512];
			if (!with || pl_site_companion_file(id, with, rel, sizeof rel) != PARLEY_OK)
				continue;
			const char *kv[] = {"visitor", id, "companion", with, NULL};
			rc = page(s, rel, "/visits", kv);
		}
		parley_companions_free(c);
	}
	parley_facet_free(f);
	return rc;
}

/* The static twin of the server's 301 for a record renamed by `parley
 * rename`: its old page sends the browser on to the new one.  Only for old
 * keys that no record holds again (the lookup answers those first). */
static int renamed_pages(site *s, parley_db *db)
{
	parley_renamed *rn = NULL;
	size_t nrn = 0;
	int rc = parley_renamed_list(db, &rn, &nrn, s->err);
	for (size_t i = 0; rc == PARLEY_OK && i < nrn; i++) {
		const char *kind = rn[i].concept, *old = rn[i].old_key, *now = rn[i].new_key;
		if ((strcmp(kind, "visit") != 0 && strcmp(kind, "person") != 0) || !safe_name(old) ||
		    !safe_name(now))
			continue;
		char rel[512];
		snprintf(rel, sizeof rel, "%s/%s.html", kind, old);
		pl_buf b, u;
		pl_buf_init(&b, 1 << 16);
		pl_buf_init(&u, 4096);
		int brc = pl_esc_url(&u, now);
		if (brc == PARLEY_OK)
			brc = pl_buf_puts(&u, ".html");
		if (brc == PARLEY_OK)
			brc = pl_buf_puts(&b, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
			                      "<meta http-equiv=\"refresh\" content=\"0; url=");
		if (brc == PARLEY_OK)
			brc = pl_esc_html(&b, u.data);
		if (brc == PARLEY_OK)
			brc = pl_buf_puts(&b, "\"><title>Moved</title></head><body><p>Renamed: now at <a href=\"");
		if (brc == PARLEY_OK)
			brc = pl_esc_html(&b, u.data);
		if (brc == PARLEY_OK)
			brc = pl_buf_puts(&b, "\">");
		if (brc == PARLEY_OK)
			brc = pl_esc_html(&b, now);
		if (brc == PARLEY_OK)
			brc = pl_buf_puts(&b, "</a>.</p></body></html>\n");
		rc = brc == PARLEY_OK ? write_file(s, rel, b.data, b.len)
		                      : parley_err_set(s->err, brc, "site: the page of renamed %s '%s' is too large", kind, old);
		pl_buf_free(&b);
		pl_buf_free(&u);
	}
	parley_renamed_free(rn, nrn);
	return rc;
}

/* One page (and with json_dir an API file) per record of recs, n records
 * of size bytes whose id (a const char *) is at offset off: the file
 * html_dir ID .html from the route path_dir ID (and json_dir ID .json from
 * api_dir ID).  Directories, not printf patterns: no format is built from
 * data. */
static int per_record(site *s, const void *recs, size_t n, size_t size, size_t off,
                      const char *html_dir, const char *path_dir, const char *json_dir,
                      const char *api_dir)
{
	int rc = PARLEY_OK;
	for (size_t i = 0; i < n; i++) {
		const char *id = *(const char *const *)((const char *)recs + i * size + off);
		if (!safe_name(id)) {
			fprintf(stderr, "parley site: skipping record '%s': not usable as a file name\n", id ? id : "");
			continue;
		}
		char rel[512], path[512];
		snprintf(rel, sizeof rel, "%s%s.html", html_dir, id);
		snprintf(path, sizeof path, "%s%s", path_dir, id);
		if ((rc = page(s, rel, path, NULL)) != PARLEY_OK)
			break;
		if (json_dir) {
			snprintf(rel, sizeof rel, "%s%s.json", json_dir, id);
			snprintf(path, sizeof path, "%s%s", api_dir, id);
			if ((rc = page(s, rel, path, NULL)) != PARLEY_OK)
				break;
		}
	}
	return rc;
}

/* The indexes of the published briefs per series, author, topic and
 * region (briefs/KIND/SLUG.html), and the feeds of the first three
 * (briefs/KIND/SLUG.atom): the targets of the brief pages' links. */
static int brief_index_pages(site *s)
{
	static const struct { const char *kind; int feed; } kinds[] = {
	    {"series", 1}, {"author", 1}, {"topic", 1}, {"region", 0}};
	pl_brief_list l;
	int rc = pl_brief_catalog(s->w.db, &l, s->err);
	json_t *done = json_object();
	for (size_t i = 0; rc == PARLEY_OK && i < l.n; i++) {
		const pl_brief_meta *m = &l.v[i].meta;
		for (size_t k = 0; rc == PARLEY_OK && k < PL_ARRAY_LEN(kinds); k++) {
			const char *kind = kinds[k].kind;
			const pl_strlist one = {m->series ? 1 : 0, m->series ? (char **)&m->series : NULL};
			const pl_strlist *labels = k == 0 ? &one : k == 1 ? &m->authors : k == 2 ? &m->topics : &m->regions;
			for (size_t j = 0; rc == PARLEY_OK && j < labels->n; j++) {
				/* author ids are slugs already; labels fold to letters, digits and '-' */
				char *slug = k == 1 ? pl_strdup(labels->v[j]) : pl_brief_slug(labels->v[j]);
				char key[240], rel[300], path[300];
				snprintf(key, sizeof key, "%s/%s", kind, slug ? slug : "");
				if (slug && *slug && *slug != '-' && strlen(slug) < 200 && !json_object_get(done, key)) {
					json_object_set_new(done, key, json_true());
					snprintf(rel, sizeof rel, "briefs/%s.html", key);
					snprintf(path, sizeof path, "/briefs/%s", key);
					rc = page(s, rel, path, NULL);
					if (rc == PARLEY_OK && kinds[k].feed) {
						snprintf(rel, sizeof rel, "briefs/%s.atom", key);
						snprintf(path, sizeof path, "/briefs/%s.atom", key);
						rc = page(s, rel, path, NULL);
					}
				}
				free(slug);
			}
		}
	}
	json_decref(done);
	pl_brief_list_free(&l);
	return rc;
}

/* A page and an API file per visit of every status (between: "A:B", of
 * that pair only; NULL: all). */
static int visit_pages(site *s, parley_db *db, const char *between)
{
	parley_query q;
	parley_query_init(&q);
	int rc = parley_query_set(&q, "status", "all", s->err);
	if (rc == PARLEY_OK && between)
		rc = parley_query_set(&q, "between", between, s->err);
	parley_visits *vs = NULL;
	if (rc == PARLEY_OK)
		rc = parley_visits_find(db, &q, 0, &vs, s->err);
	if (rc == PARLEY_OK)
		rc = per_record(s, vs->v, vs->n, sizeof vs->v[0], offsetof(parley_visit, id), "visit/",
		                "/visit/", "api/v1/visits/", "/api/v1/visits/");
	parley_visits_free(vs);
	return rc;
}

/* One list of the pair a-b's visits (between=A:B) from from to to
 * (inclusive, NULL: open; both NULL: all of them), under the name
 * pl_list_url links it by (pl_site_pair_file), with its CSV beside it. */
static int pair_list(site *s, const char *a, const char *b, const char *from, const char *to)
{
	char between[2 * PL_CODE_MAX + 2], rel[256];
	snprintf(between, sizeof between, "%s:%s", a, b);
	if (pl_site_pair_file(a, b, from, to, rel, sizeof rel) != PARLEY_OK)
		return PARLEY_OK; /* not a file name: pl_list_url links no such file either */
	const char *kv[7] = {"between", between};
	size_t k = 2;
	if (from) {
		kv[k++] = "from";
		kv[k++] = from;
	}
	if (to) {
		kv[k++] = "to";
		kv[k++] = to;
	}
	return page(s, rel, "/visits", kv);
}

/* A pair's dashboard and every list its figures link (a and b in
 * alphabetical order), each of the pair's visits alone, as between=A:B
 * on the server: all of its visits; one list per year from its first
 * visit to the as-of year, empty years too (every bar of its timeline
 * links to its list); one per era with its visits by the two paramount
 * leaders; and the list behind the longest gap.  The whole store's site
 * writes them for every pair, one pair's site for that pair. */
static int pair_pages(site *s, parley_db *db, const char *a, const char *b)
{
	char between[2 * PL_CODE_MAX + 2];
	snprintf(between, sizeof between, "%s:%s", a, b);
	if (!safe_name(a) || !safe_name(b))
		return PARLEY_OK;
	char rel[512], path[512];
	snprintf(rel, sizeof rel, "pair/%s-%s.html", a, b);
	snprintf(path, sizeof path, "/pair/%s-%s", a, b);
	int rc = page(s, rel, path, NULL);
	if (rc == PARLEY_OK)
		rc = pair_list(s, a, b, NULL, NULL);
	/* the years of the pair's listed visits (default statuses), newest first */
	parley_query q;
	parley_query_init(&q);
	parley_facet *years = NULL;
	if (rc == PARLEY_OK)
		rc = parley_query_set(&q, "between", between, s->err);
	if (rc == PARLEY_OK)
		rc = parley_visits_facet(db, &q, "year", &years, s->err);
	if (years && years->n) {
		long y0 = atol(years->values[years->n - 1].value);
		long y1 = atol(years->values[0].value);
		long now = atol(s->w.today);
		if (now > y1 && now - y0 < 1000)
			y1 = now;
		for (long y = y0; y <= y1 && rc == PARLEY_OK; y++) {
			char ys[16];
			snprintf(ys, sizeof ys, "%04ld", y);
			rc = pair_list(s, a, b, ys, ys);
		}
	}
	parley_facet_free(years);
	json_t *eras = rc == PARLEY_OK ? pl_web_eras(db, a, b, s->err) : NULL;
	size_t k;
	json_t *e;
	json_array_foreach(eras, k, e) {
		const char *from = json_string_value(json_object_get(e, "start_date"));
		const char *end = json_string_value(json_object_get(e, "end_date"));
		char to[16] = "";
		parley_date d;
		if (end && parley_date_parse(end, strlen(end), &d, NULL) == PARLEY_OK)
			parley_date_format(parley_date_from_day(parley_date_first_day(d) - 1), to, sizeof to);
		if (rc == PARLEY_OK)
			rc = pair_list(s, a, b, from, to[0] ? to : NULL);
		/* and its visits by the two paramount leaders (the dashboard's
		 * "by the two leaders" figure), as the server's top=A,B */
		char trel[160], top[2 * PL_CODE_MAX + 2];
		snprintf(top, sizeof top, "%s,%s", a, b);
		const char *tkv[] = {"between", between, "top", top, "from", from, to[0] ? "to" : NULL, to, NULL};
		if (rc == PARLEY_OK && pl_site_top_file(a, b, from, to[0] ? to : NULL, trel, sizeof trel) == PARLEY_OK)
			rc = page(s, trel, "/visits", tkv);
	}
	json_decref(eras);
	/* the list behind the dashboard's longest-gap figure and annotation */
	parley_analysis_opts go = {.a = a, .b = b, .as_of = s->w.today};
	parley_gaps *g = NULL;
	if (rc == PARLEY_OK && parley_gaps_compute(db, &go, 1, 0, 0, &g, NULL) == PARLEY_OK) {
		if (g->n > 0)
			rc = pair_list(s, a, b, g->gaps[0].start, g->gaps[0].end);
		parley_gaps_free(g);
	}
	return rc;
}

/* The pair of opts (both codes or neither), alphabetical, into a and b
 * ("" for none); EINVAL or ENOTFOUND naming what is wrong. */
static int site_pair(parley_db *db, const parley_site_opts *opts, char *a, char *b, parley_err *err)
{
	a[0] = b[0] = '\0';
	if (!opts || (!opts->pair_a && !opts->pair_b))
		return PARLEY_OK;
	const char *x = opts->pair_a, *y = opts->pair_b;
	if (!x || !y || !*x || !*y || strlen(x) >= PL_CODE_MAX || strlen(y) >= PL_CODE_MAX ||
	    !safe_name(x) || !safe_name(y) || strcmp(x, y) == 0)
		return parley_err_set(err, PARLEY_EINVAL,
		                      "site: a pair is two different country codes, e.g. CHN-USA (got '%s-%s')",
		                      x ? x : "", y ? y : "");
	const char *codes[] = {x, y};
	for (size_t i = 0; i < 2; i++) {
		parley_countries *c = NULL;
		int rc = parley_countries_find(db, codes[i], &c, err);
		size_t n = c ? c->n : 0;
		parley_countries_free(c);
		if (rc)
			return rc;
		if (!n)
			return parley_err_set(err, PARLEY_ENOTFOUND, "site: no country '%s' in the store (pair %s-%s)",
			                      codes[i], x, y);
	}
	int lt = strcmp(x, y) < 0;
	pl_strlcpy(a, lt ? x : y, PL_CODE_MAX);
	pl_strlcpy(b, lt ? y : x, PL_CODE_MAX);
	return PARLEY_OK;
}

int parley_site(const char *db_path, const char *out_dir, long *files, parley_err *err)
{
	return parley_site_with(db_path, out_dir, NULL, files, err);
}

int parley_site_with(const char *db_path, const char *out_dir, const parley_site_opts *opts,
                     long *files, parley_err *err)
{
	if (!db_path || !out_dir || !*out_dir)
		return parley_err_set(err, PARLEY_EINVAL, "site: a store and an output folder are needed");
	site s = {.out = out_dir, .err = err};
	parley_db *db;
	int rc = parley_open(db_path, PARLEY_OPEN_READONLY, &db, err);
	if (rc != PARLEY_OK)
		return rc;
	char one_a[PL_CODE_MAX], one_b[PL_CODE_MAX];
	if ((rc = site_pair(db, opts, one_a, one_b, err)) != PARLEY_OK ||
	    (rc = pl_web_init(&s.w, db, 1, err)) != PARLEY_OK || (rc = mkdirs(out_dir, err)) != PARLEY_OK) {
		parley_close(db);
		return rc;
	}
	/* one pair's site: its dashboard is the home page */
	int one = one_a[0] != '\0';
	if (one) {
		pl_strlcpy(s.w.home_a, one_a, sizeof s.w.home_a);
		pl_strlcpy(s.w.home_b, one_b, sizeof s.w.home_b);
		s.w.one_pair = 1;
	}
	s.w.png = 1; /* PNG twins are drawn in process (png.c) */
	/* Test hook: PARLEY_SITE_LIST_MAX (1..PL_SITE_LIST_MAX) lowers the rows
	 * of a list page so a test can pass the cap with a small store. */
	const char *lm = getenv("PARLEY_SITE_LIST_MAX");
	char *lend = NULL;
	long lmax = lm ? strtol(lm, &lend, 10) : 0;
	s.w.list_max = lm && *lm && lend && !*lend && lmax > 0 && lmax <= PL_SITE_LIST_MAX ? lmax : PL_SITE_LIST_MAX;
	/* Static assets. */
	for (size_t i = 0; rc == PARLEY_OK && pl_asset_at(i); i++) {
		const pl_asset *a = pl_asset_at(i);
		if (strncmp(a->name, "static/", 7) == 0)
			rc = write_file(&s, a->name, a->data, a->len);
	}
	const char *home[] = {"between", NULL, NULL};
	char pair[2 * PL_CODE_MAX + 2];
	snprintf(pair, sizeof pair, "%s:%s", s.w.home_a, s.w.home_b);
	home[1] = pair;
	/* Pages and data files that do not depend on a record.  pair: of the
	 * home pair; 2: of the whole store, or of the one pair in its site;
	 * 0: of the whole store, not in one pair's site. */
	struct { const char *rel, *path; int pair; } fixed[] = {
	    {"index.html", "/", 2},
	    {"visits.html", "/visits", 2},
	    {"people.html", "/people", 0},
	    {"methods.html", "/methods", 0},
	    {"countries.html", "/countries", 0},
	    {"api/v1/visits.json", "/api/v1/visits", 2},
	    {"api/v1/visits.csv", "/api/v1/visits.csv", 2},
	    {"api/v1/people.json", "/api/v1/people", 0},
	    {"api/v1/people.csv", "/api/v1/people.csv", 0},
	    {"api/v1/countries.json", "/api/v1/countries", 0},
	    {"api/v1/countries.csv", "/api/v1/countries.csv", 0},
	    {"api/v1/eras.json", "/api/v1/eras", 1},
	    {"api/v1/eras.csv", "/api/v1/eras.csv", 1},
	    {"api/v1/timeline.json", "/api/v1/timeline", 1},
	    {"api/v1/timeline.csv", "/api/v1/timeline.csv", 1},
	    {"api/v1/gaps.json", "/api/v1/gaps", 1},
	    {"api/v1/gaps.csv", "/api/v1/gaps.csv", 1},
	    {"chart/timeline.svg", "/chart/timeline.svg", 1},
	    {"chart/eras.svg", "/chart/eras.svg", 1},
	};
	int have_pair = s.w.home_a[0] != '\0';
	for (size_t i = 0; rc == PARLEY_OK && i < PL_ARRAY_LEN(fixed); i++) {
		if (((fixed[i].pair == 1 || i == 0) && !have_pair) || (one && !fixed[i].pair))
			continue;
		/* the index is the home pair's dashboard either way; in one pair's
		 * site the lists are that pair's */
		int by_pair = fixed[i].pair == 1 || (one && i != 0);
		rc = page(&s, fixed[i].rel, fixed[i].path, by_pair ? home : NULL);
	}
	if (one) {
		if (rc == PARLEY_OK)
			rc = page(&s, "chart/timeline.png", "/chart/timeline.png", home);
		if (rc == PARLEY_OK)
			rc = page(&s, "chart/eras.png", "/chart/eras.png", home);
		if (rc == PARLEY_OK)
			rc = pair_pages(&s, db, one_a, one_b);
		if (rc == PARLEY_OK) /* a page per visit of the pair, candidates and rejected ones too */
			rc = visit_pages(&s, db, pair);
		goto finish;
	}
	/* Briefs (issue 10): the index, the feed and each published brief. */
	if (rc == PARLEY_OK)
		rc = page(&s, "briefs.html", "/briefs", NULL);
	if (rc == PARLEY_OK)
		rc = page(&s, "briefs.atom", "/briefs.atom", NULL);
	if (rc == PARLEY_OK)
		rc = page(&s, "search.html", "/search", NULL);
	pl_strlist briefs = {0};
	if (rc == PARLEY_OK)
		rc = pl_brief_published(db, &briefs, err);
	for (size_t i = 0; i < briefs.n; i++) {
		char rel[128], path[128];
		snprintf(rel, sizeof rel, "briefs/%s.html", briefs.v[i]);
		snprintf(path, sizeof path, "/briefs/%s", briefs.v[i]);
		if (rc == PARLEY_OK && safe_name(briefs.v[i]))
			rc = page(&s, rel, path, NULL);
		if (rc == PARLEY_OK && safe_name(briefs.v[i]))
			rc = pl_site_brief_files(&s.w, briefs.v[i], site_write, &s, err);
		free(briefs.v[i]);
	}
	free(briefs.v);
	if (rc == PARLEY_OK)
		rc = brief_index_pages(&s);
	/* PNG twins of the charts. */
	if (rc == PARLEY_OK && have_pair)
		rc = page(&s, "chart/timeline.png", "/chart/timeline.png", home);
	if (rc == PARLEY_OK && have_pair)
		rc = page(&s, "chart/eras.png", "/chart/eras.png", home);
	/* One list per year from the first visit to the as-of year, empty years
	 * too: the year links of the visit pages and of the list's year facet
	 * (a pair's timeline bars link the pair's own year lists). */
	parley_facet *years = rc == PARLEY_OK ? facet_of(&s, "year") : NULL;
	if (years && years->n) { /* newest first */
		long y0 = atol(years->values[years->n - 1].value);
		long y1 = atol(years->values[0].value);
		long now = atol(s.w.today);
		if (now > y1 && now - y0 < 1000)
			y1 = now;
		for (long y = y0; y <= y1 && rc == PARLEY_OK; y++) {
			char ys[16], rel[64];
			snprintf(ys, sizeof ys, "%04ld", y);
			snprintf(rel, sizeof rel, "visits/%s.html", ys);
			const char *kv[] = {"from", ys, "to", ys, NULL};
			if (safe_name(ys))
				rc = page(&s, rel, "/visits", kv);
		}
	}
	parley_facet_free(years);
	json_t *r;
	/* One list per direction, level, type and status. */
	if (rc == PARLEY_OK)
		rc = facet_pages(&s, "direction");
	if (rc == PARLEY_OK)
		rc = facet_pages(&s, "level");
	if (rc == PARLEY_OK)
		rc = facet_pages(&s, "type");
	if (rc == PARLEY_OK)
		rc = facet_pages(&s, "status");
	/* One dashboard per pair, and the lists of each pair's figures. */
	/* the pairs of the listed visits, each once in alphabetical order */
	parley_facet *dirs = rc == PARLEY_OK ? facet_of(&s, "direction") : NULL;
	json_t *pairs = json_object();
	for (size_t k = 0; dirs && k < dirs->n; k++) {
		const char *v = dirs->values[k].value, *colon = v ? strchr(v, ':') : NULL;
		char key[2 * PL_CODE_MAX + 2];
		if (!colon || (size_t)(colon - v) >= PL_CODE_MAX || strlen(colon + 1) >= PL_CODE_MAX)
			continue;
		char x[PL_CODE_MAX], y[PL_CODE_MAX];
		memcpy(x, v, (size_t)(colon - v));
		x[colon - v] = '\0';
		pl_strlcpy(y, colon + 1, sizeof y);
		int lt = strcmp(x, y) < 0;
		snprintf(key, sizeof key, "%s:%s", lt ? x : y, lt ? y : x);
		json_object_set_new(pairs, key, json_pack("{s:s,s:s}", "a", lt ? x : y, "b", lt ? y : x));
	}
	parley_facet_free(dirs);
	const char *pk;
	json_object_foreach(pairs, pk, r) {
		if (rc == PARLEY_OK)
			rc = pair_pages(&s, db, json_string_value(json_object_get(r, "a")),
			                json_string_value(json_object_get(r, "b")));
	}
	json_decref(pairs);
	if (rc == PARLEY_OK)
		rc = companion_pages(&s);
	if (rc == PARLEY_OK) /* every visit has a page, candidates and rejected ones too */
		rc = visit_pages(&s, db, NULL);
	if (rc == PARLEY_OK) {
		parley_people *ps = NULL;
		rc = parley_people_find(db, NULL, 0, &ps, err);
		if (rc == PARLEY_OK)
			rc = per_record(&s, ps->p, ps->n, sizeof ps->p[0], offsetof(parley_person, id),
			                "person/", "/person/", "api/v1/people/", "/api/v1/people/");
		parley_people_free(ps);
	}
	if (rc == PARLEY_OK) {
		parley_countries *cs = NULL;
		rc = parley_countries_find(db, NULL, &cs, err);
		if (rc == PARLEY_OK)
			rc = per_record(&s, cs->c, cs->n, sizeof cs->c[0], offsetof(parley_country_row, code),
			                "country/", "/country/", NULL, NULL);
		parley_countries_free(cs);
	}
	if (rc == PARLEY_OK)
		rc = renamed_pages(&s, db);
finish:
	pl_web_briefs_free(&s.w);
	pl_web_context_free(&s.w);
	parley_close(db);
	if (files)
		*files = s.files;
	return rc;
}
