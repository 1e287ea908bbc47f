/*
 * site.c - `parley site`: the server's pages written as static files.
 *
 * Every page is produced by the same pl_web_handle as the server, with
 * site links (relative, ending in .html), so the output works from any
 * static host or straight from disk.  Lists that the server filters by
 * query string become one file per year and per era; the visit list and
 * the people list carry their search text so app.js can filter them.
 */
#include "webq.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct site {
	pl_web w;
	const char *out;
	long files;
	parley_err *err;
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

static int write_file(site *s, const char *rel, const char *data, size_t n)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", s->out, rel);
	char *slash = strrchr(path, '/');
	*slash = '\0';
	int rc = mkdirs(path, s->err);
	*slash = '/';
	if (rc != PARLEY_OK)
		return rc;
	FILE *f = fopen(path, "wb");
	if (!f)
		return parley_err_set(s->err, PARLEY_EIO, "site: cannot write %s: %s", path, strerror(errno));
	size_t w = fwrite(data, 1, n, f);
	if (fclose(f) != 0 || w != n)
		return parley_err_set(s->err, PARLEY_EIO, "site: writing %s failed", path);
	s->files++;
	return PARLEY_OK;
}

/* Renders path?k=v (params: NULL-terminated key, value list) into rel.
 * The depth of rel decides the root prefix of its links. */
static int page(site *s, const char *rel, const char *path, const char *const *kv)
{
	static const char *const roots[] = {"", "../", "../../", "../../../"};
	int depth = 0;
	for (const char *p = rel; *p; p++)
		depth += *p == '/';
	pl_web_req rq = {.path = path, .root = roots[depth > 3 ? 3 : depth]};
	for (size_t i = 0; kv && kv[i] && kv[i + 1] && rq.nparams < PL_MAX_PARAMS; i += 2) {
		rq.params[rq.nparams].key = kv[i];
		rq.params[rq.nparams].value = kv[i + 1];
		rq.nparams++;
	}
	pl_web_resp rs;
	pl_web_handle(&s->w, &rq, &rs);
	int rc = PARLEY_OK;
	if (rs.status != 200)
		rc = parley_err_set(s->err, PARLEY_EDATA, "site: %s answered %d: %.200s", path, rs.status,
		                    rs.body.data ? rs.body.data : "");
	else
		rc = write_file(s, rel, rs.body.data ? rs.body.data : "", rs.body.len);
	pl_buf_free(&rs.body);
	return rc;
}

/* One page per id of a query's first column. */
static int per_record(site *s, const char *sql, const char *html_fmt, const char *path_fmt,
                      const char *json_fmt, const char *api_fmt)
{
	json_t *rows = pl_rows(s->w.db, sql, NULL, s->err);
	if (!rows)
		return PARLEY_EDB;
	int rc = PARLEY_OK;
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		const char *id = json_string_value(json_object_get(r, "id"));
		if (!safe_name(id)) {
			fprintf(stderr, "parley site: skipping record '%s': not usable as a file name\n", id ? id : "");
			continue;
		}
		char rel[512], path[512];
		snprintf(rel, sizeof rel, html_fmt, id);
		snprintf(path, sizeof path, path_fmt, id);
		if ((rc = page(s, rel, path, NULL)) != PARLEY_OK)
			break;
		if (json_fmt) {
			snprintf(rel, sizeof rel, json_fmt, id);
			snprintf(path, sizeof path, api_fmt, id);
			if ((rc = page(s, rel, path, NULL)) != PARLEY_OK)
				break;
		}
	}
	json_decref(rows);
	return rc;
}

int parley_site(const char *db_path, const char *out_dir, long *files, parley_err *err)
{
	if (!db_path || !out_dir || !*out_dir)
		return parley_err_set(err, PARLEY_EINVAL, "site: a store and an output folder are needed");
	site s = {.out = out_dir, .err = err};
	parley_db *db;
	int rc = parley_open(db_path, PARLEY_OPEN_READONLY, &db, err);
	if (rc != PARLEY_OK)
		return rc;
	if ((rc = pl_web_init(&s.w, db, 1, err)) != PARLEY_OK || (rc = mkdirs(out_dir, err)) != PARLEY_OK) {
		parley_close(db);
		return rc;
	}
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
	/* Pages and data files that do not depend on a record. */
	struct { const char *rel, *path; int pair; } fixed[] = {
	    {"index.html", "/", 0},
	    {"visits.html", "/visits", 0},
	    {"people.html", "/people", 0},
	    {"countries.html", "/countries", 0},
	    {"api/v1/visits.json", "/api/v1/visits", 0},
	    {"api/v1/visits.csv", "/api/v1/visits.csv", 0},
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
		if ((fixed[i].pair || i == 0) && !have_pair)
			continue;
		rc = page(&s, fixed[i].rel, fixed[i].path, fixed[i].pair ? home : NULL);
	}
	/* One list per year with visits. */
	json_t *years = rc == PARLEY_OK ? pl_rows(db, "SELECT DISTINCT substr(start_date,1,4) AS y FROM visit ORDER BY 1", NULL, err) : NULL;
	size_t i;
	json_t *r;
	json_array_foreach(years, i, r) {
		const char *y = json_string_value(json_object_get(r, "y"));
		char rel[64];
		snprintf(rel, sizeof rel, "visits/%s.html", y);
		const char *kv[] = {"from", y, "to", y, NULL};
		if (rc == PARLEY_OK && safe_name(y))
			rc = page(&s, rel, "/visits", kv);
	}
	json_decref(years);
	/* One dashboard per pair, and one list per era of each pair. */
	json_t *pairs = rc == PARLEY_OK ? pl_rows(db, "SELECT DISTINCT min(from_country, to_country) AS a,"
	                                              " max(from_country, to_country) AS b FROM visit ORDER BY 1, 2", NULL, err) : NULL;
	json_array_foreach(pairs, i, r) {
		const char *a = json_string_value(json_object_get(r, "a")), *b = json_string_value(json_object_get(r, "b"));
		char rel[64], path[64];
		snprintf(rel, sizeof rel, "pair/%s-%s.html", a, b);
		snprintf(path, sizeof path, "/pair/%s-%s", a, b);
		if (rc == PARLEY_OK && safe_name(a) && safe_name(b))
			rc = page(&s, rel, path, NULL);
		json_t *eras = rc == PARLEY_OK ? pl_web_eras(db, a, b, err) : NULL;
		size_t k;
		json_t *e;
		json_array_foreach(eras, k, e) {
			const char *from = json_string_value(json_object_get(e, "start_date"));
			const char *end = json_string_value(json_object_get(e, "end_date"));
			char to[16] = "";
			parley_date d;
			if (end && parley_date_parse(end, strlen(end), &d, NULL) == PARLEY_OK)
				parley_date_format(parley_date_from_day(parley_date_first_day(d) - 1), to, sizeof to);
			char erel[96];
			snprintf(erel, sizeof erel, "visits/%s_%s.html", from, to[0] ? to : "now");
			const char *kv[] = {"from", from, to[0] ? "to" : NULL, to, NULL};
			if (rc == PARLEY_OK)
				rc = page(&s, erel, "/visits", kv);
		}
		json_decref(eras);
	}
	json_decref(pairs);
	if (rc == PARLEY_OK)
		rc = per_record(&s, "SELECT id FROM visit ORDER BY id", "visit/%s.html", "/visit/%s",
		                "api/v1/visits/%s.json", "/api/v1/visits/%s");
	if (rc == PARLEY_OK)
		rc = per_record(&s, "SELECT id FROM person ORDER BY id", "person/%s.html", "/person/%s",
		                "api/v1/people/%s.json", "/api/v1/people/%s");
	if (rc == PARLEY_OK)
		rc = per_record(&s, "SELECT code AS id FROM country ORDER BY code", "country/%s.html", "/country/%s",
		                NULL, NULL);
	parley_close(db);
	if (files)
		*files = s.files;
	return rc;
}
