/*
 * brief_store.c - briefs in the store: authors, drafts, publishing with
 * the figure ledger, the check against today's data, and corrections.
 * Every write runs in one transaction, so a brief whose figures fail is
 * never half published; the audit triggers (schema.c) log each change.
 */
#include "brief.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void today(char out[11])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

int parley_brief_author_set(parley_db *db, const char *id, const char *name, const char *role,
                            const char *bio, parley_err *err)
{
	if (!db || !id || !*id || !name || !*name || !role || !*role)
		return parley_err_set(err, PARLEY_EINVAL, "an author needs an id, a name and a role");
	for (const char *p = id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
			return parley_err_set(err, PARLEY_EINVAL, "author id '%s': lower-case letters, digits and '-' only", id);
	return pl_brief_author_put(db, id, name, role, bio, err);
}

/* file:line:col of the first occurrence of needle after the key line
 * "key:" in the front matter (for errors about a value). */
static void locate(const char *text, const char *key, const char *needle, long *line, long *col)
{
	char k[40];
	snprintf(k, sizeof k, "\n%s:", key);
	const char *p = strstr(text, k);
	const char *q = p ? strstr(p, needle) : NULL;
	pl_line_col(text, q ? (size_t)(q - text) : p ? (size_t)(p + 1 - text) : 0, line, col);
}

/* Checks the authors exist and the expressions parse. */
static int check_file(parley_db *db, const char *name, const char *text, const pl_brief_meta *m,
                      parley_err *err)
{
	for (size_t i = 0; i < m->authors.n; i++) {
		char *a = NULL, *r = NULL, *b = NULL;
		int rc = pl_brief_author_get(db, m->authors.v[i], &a, &r, &b, NULL);
		free(a);
		free(r);
		free(b);
		if (rc) {
			long line, col;
			locate(text, "authors", m->authors.v[i], &line, &col);
			return parley_err_set(err, PARLEY_EDATA, "%s:%ld:%ld: unknown author '%s' (add it with 'parley brief author add')",
			                      name, line, col, m->authors.v[i]);
		}
	}
	size_t len = strlen(text), pos = m->body_off, s, e;
	int k;
	while ((k = pl_expr_next(text, len, &pos, &s, &e)) != 0) {
		long line, col;
		if (k < 0) {
			pl_line_col(text, s, &line, &col);
			return parley_err_set(err, PARLEY_EDATA, "%s:%ld:%ld: '{{' without its '}}'", name, line, col);
		}
		pl_expr x;
		size_t ec = 0;
		parley_err pe = {0};
		if (pl_expr_parse(text + s + 2, e - s - 4, &x, &ec, &pe)) {
			pl_line_col(text, s + 2 + ec, &line, &col);
			return parley_err_set(err, PARLEY_EDATA, "%s:%ld:%ld: %s", name, line, col, pe.msg);
		}
		pl_expr_free(&x);
	}
	return PARLEY_OK;
}

int pl_brief_eval_all(parley_db *db, const char *name, const char *text, const pl_brief_meta *m,
                      pl_figure **figs, size_t *n, parley_err *err)
{
	*figs = NULL;
	*n = 0;
	int rc = check_file(db, name, text, m, err);
	size_t len = strlen(text), pos = m->body_off, s, e;
	while (!rc && pl_expr_next(text, len, &pos, &s, &e) == 1) {
		pl_expr x;
		pl_expr_parse(text + s + 2, e - s - 4, &x, NULL, NULL); /* parsed once above */
		pl_figure *g = realloc(*figs, (*n + 1) * sizeof *g);
		if (!g) {
			pl_expr_free(&x);
			rc = parley_err_set(err, PARLEY_ENOMEM, "out of memory");
			break;
		}
		*figs = g;
		pl_figure *f = &g[*n];
		memset(f, 0, sizeof *f);
		f->n = (long)*n;
		parley_err fe = {0};
		long line, col;
		pl_line_col(text, s, &line, &col);
		rc = pl_figure_eval(db, &x, m->as_of, f, &fe);
		pl_expr_free(&x);
		if (rc) {
			rc = parley_err_set(err, rc, "%s:%ld:%ld: %s", name, line, col, fe.msg);
			break;
		}
		f->line = line;
		f->col = col;
		char *t = pl_strndup(text + s + 2, e - s - 4);
		f->expr = t ? pl_strdup(pl_trim(t)) : NULL; /* pl_trim may move the start */
		free(t);
		(*n)++;
	}
	if (rc) {
		for (size_t i = 0; i < *n; i++)
			pl_figure_free(&(*figs)[i]);
		free(*figs);
		*figs = NULL;
		*n = 0;
	}
	return rc;
}

int parley_brief_add(parley_db *db, const char *name, const char *text, size_t len,
                     int replace, char id[64], parley_err *err)
{
	if (!db || !name || !text)
		return parley_err_set(err, PARLEY_EINVAL, "parley_brief_add: NULL argument");
	if (len > (4u << 20))
		return parley_err_set(err, PARLEY_ELIMIT, "%s: larger than 4 MiB", name);
	char *t = pl_strndup(text, len);
	if (!t)
		return parley_err_set(err, PARLEY_ENOMEM, "out of memory");
	pl_brief_meta m;
	int rc = memchr(text, '\0', len) ? parley_err_set(err, PARLEY_EDATA, "%s: NUL byte in the file", name)
	                                 : pl_brief_meta_parse(name, t, len, &m, err);
	if (rc) {
		free(t);
		return rc;
	}
	rc = check_file(db, name, t, &m, err);
	if (!rc && strlen(m.id) >= 64)
		rc = parley_err_set(err, PARLEY_EDATA, "%s:1:1: id longer than 63 bytes", name);
	if (!rc)
		rc = pl_begin(db, err);
	if (!rc) {
		char status[16];
		rc = pl_brief_status(db, m.id, status, err);
		if (!rc && strcmp(status, "published") == 0)
			rc = parley_err_set(err, PARLEY_ECONFLICT, "brief '%s' is published: its text no longer changes (publish a correction with 'parley brief correct')", m.id);
		else if (!rc && status[0] && !replace)
			rc = parley_err_set(err, PARLEY_ECONFLICT, "brief '%s' exists (use --replace to replace the draft)", m.id);
		if (!rc)
			rc = pl_brief_put_draft(db, m.id, t, err);
		if (!rc)
			rc = pl_commit(db, err);
		else
			pl_rollback(db);
	}
	if (!rc && id)
		pl_strlcpy(id, m.id, 64);
	pl_brief_meta_free(&m);
	free(t);
	return rc;
}

void pl_brief_free(pl_brief *b)
{
	if (!b)
		return;
	free(b->id);
	free(b->source);
	free(b->status);
	free(b->published);
	free(b->updated);
	pl_brief_meta_free(&b->meta);
	for (size_t i = 0; i < b->nfigs; i++)
		pl_figure_free(&b->figs[i]);
	free(b->figs);
	for (size_t i = 0; i < b->ncorr; i++) {
		free(b->corr[i].at);
		free(b->corr[i].note);
	}
	free(b->corr);
	memset(b, 0, sizeof *b);
}

int pl_brief_load(parley_db *db, const char *id, int figures, pl_brief *b, parley_err *err)
{
	memset(b, 0, sizeof *b);
	int rc = pl_brief_row(db, id, b, err);
	char name[80];
	snprintf(name, sizeof name, "%s.md", id);
	if (!rc)
		rc = pl_brief_meta_parse(name, b->source, strlen(b->source), &b->meta, err);
	if (!rc && figures) {
		if (strcmp(b->status, "published") == 0)
			rc = pl_brief_ledger_read(db, b, err);
		else
			rc = pl_brief_eval_all(db, name, b->source, &b->meta, &b->figs, &b->nfigs, err);
	}
	if (!rc)
		rc = pl_brief_corrections_read(db, b, err);
	if (rc)
		pl_brief_free(b);
	return rc;
}

int parley_brief_publish(parley_db *db, const char *id, const char *day, parley_err *err)
{
	char d[11];
	if (day)
		pl_strlcpy(d, day, sizeof d);
	else
		today(d);
	pl_brief b;
	int rc = pl_brief_load(db, id, 0, &b, err);
	if (rc)
		return rc;
	if (strcmp(b.status, "published") == 0) {
		pl_brief_free(&b);
		return parley_err_set(err, PARLEY_ECONFLICT, "brief '%s' is already published (on %s)", id, b.published);
	}
	char name[80];
	snprintf(name, sizeof name, "%s.md", id);
	pl_figure *figs = NULL;
	size_t n = 0;
	rc = pl_brief_eval_all(db, name, b.source, &b.meta, &figs, &n, err);
	if (!rc)
		rc = pl_begin(db, err);
	if (!rc) {
		rc = pl_brief_ledger_write(db, id, figs, n, d, err);
		if (!rc)
			rc = pl_commit(db, err);
		else
			pl_rollback(db);
	}
	for (size_t i = 0; i < n; i++)
		pl_figure_free(&figs[i]);
	free(figs);
	pl_brief_free(&b);
	return rc;
}

int parley_brief_correct(parley_db *db, const char *id, const char *note, const char *day,
                         parley_err *err)
{
	if (!note || !*note)
		return parley_err_set(err, PARLEY_EINVAL, "a correction needs a note");
	char d[11];
	if (day)
		pl_strlcpy(d, day, sizeof d);
	else
		today(d);
	return pl_brief_correction_add(db, id, d, note, err);
}

int parley_brief_list(parley_db *db, const char *format, FILE *out, parley_err *err)
{
	int json = format && strcmp(format, "json") == 0;
	pl_brief_list l;
	int rc = pl_brief_rows(db, 0, &l, err);
	if (rc)
		return rc;
	json_t *arr = json_array();
	if (!json)
		fprintf(out, "%-36s %-9s %-10s %-10s %s\n", "id", "status", "published", "as_of", "title");
	for (size_t i = 0; i < l.n; i++) {
		const pl_brief *b = &l.v[i];
		pl_brief_meta m;
		if (pl_brief_meta_parse(b->id, b->source, strlen(b->source), &m, NULL) != PARLEY_OK)
			memset(&m, 0, sizeof m);
		if (json)
			json_array_append_new(arr, json_pack("{s:s,s:s,s:s?,s:s?,s:s?,s:s?,s:s?}", "id", b->id,
			    "status", b->status, "published", b->published, "updated", b->updated, "as_of",
			    m.as_of, "title", m.title, "series", m.series));
		else
			fprintf(out, "%-36s %-9s %-10s %-10s %s\n", b->id, b->status,
			        b->published ? b->published : "-", m.as_of ? m.as_of : "-", m.title ? m.title : "");
		pl_brief_meta_free(&m);
	}
	pl_brief_list_free(&l);
	if (json) {
		json_dumpf(arr, out, JSON_INDENT(2));
		fputc('\n', out);
	}
	json_decref(arr);
	return PARLEY_OK;
}

/* ids in a that are not in b (space-separated lists), as a JSON array. */
static json_t *ids_minus(const char *a, const char *b)
{
	json_t *r = json_array();
	char *x = pl_strdup(a ? a : ""), *save = NULL;
	for (char *t = strtok_r(x, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		int found = 0;
		size_t n = strlen(t);
		for (const char *p = b ? strstr(b, t) : NULL; p && !found; p = strstr(p + 1, t))
			found = (p == b || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0');
		if (!found)
			json_array_append_new(r, json_string(t));
	}
	free(x);
	return r;
}

int parley_brief_check(parley_db *db, const char *id, const char *format, FILE *out,
                       long *changed, parley_err *err)
{
	int json = format && strcmp(format, "json") == 0;
	pl_strlist ids;
	*changed = 0;
	int rc;
	if (id) {
		memset(&ids, 0, sizeof ids);
		ids.v = malloc(sizeof *ids.v);
		if (!ids.v)
			return parley_err_set(err, PARLEY_ENOMEM, "out of memory");
		ids.v[0] = pl_strdup(id);
		ids.n = 1;
		rc = PARLEY_OK;
	} else {
		rc = pl_brief_published(db, &ids, err);
	}
	json_t *diffs = json_array();
	long checked = 0;
	for (size_t i = 0; !rc && i < ids.n; i++) {
		pl_brief b;
		rc = pl_brief_load(db, ids.v[i], 1, &b, err);
		if (!rc && strcmp(b.status, "published") != 0)
			rc = parley_err_set(err, PARLEY_EINVAL, "brief '%s' is a draft: nothing is published to check", b.id);
		for (size_t k = 0; !rc && k < b.nfigs; k++) {
			pl_figure *f = &b.figs[k], now;
			pl_expr x;
			parley_err fe = {0};
			memset(&now, 0, sizeof now);
			now.n = f->n;
			checked++;
			const char *nv;
			int erc = pl_expr_parse(f->expr, strlen(f->expr), &x, NULL, &fe);
			if (!erc)
				erc = pl_figure_eval(db, &x, f->as_of, &now, &fe);
			pl_expr_free(&x);
			nv = erc ? NULL : now.value;
			if (nv && strcmp(nv, f->value) == 0 && strcmp(now.ids, f->ids) == 0) {
				pl_figure_free(&now);
				continue;
			}
			(*changed)++;
			json_t *o = json_pack("{s:s,s:I,s:I,s:I,s:s,s:s,s:s,s:s?,s:s?,s:o,s:o}", "brief", b.id, "figure",
			                      (json_int_t)f->n, "line", (json_int_t)f->line, "col", (json_int_t)f->col,
			                      "expr", f->expr, "kind", f->kind, "as_of", f->as_of, "old", f->value,
			                      "new", nv, "added", ids_minus(erc ? "" : now.ids, f->ids),
			                      "removed", ids_minus(f->ids, erc ? "" : now.ids));
			if (erc)
				json_object_set_new(o, "error", json_string(fe.msg));
			json_array_append_new(diffs, o);
			pl_figure_free(&now);
		}
		pl_brief_free(&b);
	}
	for (size_t i = 0; i < ids.n; i++)
		free(ids.v[i]);
	free(ids.v);
	if (!rc) {
		if (json) {
			json_t *doc = json_pack("{s:I,s:I,s:O}", "checked", (json_int_t)checked, "changed",
			                        (json_int_t)*changed, "figures", diffs);
			json_dumpf(doc, out, JSON_INDENT(2));
			fputc('\n', out);
			json_decref(doc);
		} else {
			size_t i;
			json_t *o;
			json_array_foreach(diffs, i, o) {
				const char *nv = json_string_value(json_object_get(o, "new"));
				fprintf(out, "%s.md:%lld:%lld: {{ %s }} as of %s: was %s, now %s\n",
				        json_string_value(json_object_get(o, "brief")),
				        json_integer_value(json_object_get(o, "line")),
				        json_integer_value(json_object_get(o, "col")),
				        json_string_value(json_object_get(o, "expr")),
				        json_string_value(json_object_get(o, "as_of")),
				        json_string_value(json_object_get(o, "old")), nv ? nv : "an error");
				if (!nv)
					fprintf(out, "  %s\n", json_string_value(json_object_get(o, "error")));
				const char *what[2] = {"added", "removed"};
				for (int w = 0; w < 2; w++) {
					size_t j;
					json_t *v;
					json_array_foreach(json_object_get(o, what[w]), j, v)
						fprintf(out, "  %s: %s\n", what[w], json_string_value(v));
				}
			}
			fprintf(out, "%ld figure%s checked, %ld differ%s\n", checked, checked == 1 ? "" : "s",
			        *changed, *changed == 1 ? "s" : "");
		}
	}
	json_decref(diffs);
	return rc;
}

int parley_brief_load_bundled(parley_db *db, const char *data_dir, parley_err *err)
{
	char path[4096];
	if (!data_dir)
		data_dir = parley_bundled_dir();
	snprintf(path, sizeof path, "%s/briefs/authors.csv", data_dir);
	if (access(path, F_OK) != 0)
		return PARLEY_OK; /* a data folder without briefs (a release of records only) */
	char *text = NULL;
	size_t len = 0;
	int rc = pl_read_file(path, 1u << 20, &text, &len, err);
	if (rc)
		return rc;
	pl_csv c;
	pl_csv_init(&c, text, len, ',');
	int k, header = 1;
	while (!rc && (k = pl_csv_next(&c, err)) == 1) {
		if (header) {
			header = 0;
			continue;
		}
		if (c.nfields != 4) {
			rc = parley_err_set(err, PARLEY_EDATA, "%s:%ld: expected id,name,role,bio", path, c.line);
			break;
		}
		rc = parley_brief_author_set(db, c.fields[0], c.fields[1], c.fields[2], c.fields[3], err);
	}
	if (k < 0)
		rc = k;
	pl_csv_free(&c);
	free(text);
	if (rc)
		return rc;
	snprintf(path, sizeof path, "%s/briefs/kim-jong-un-beijing-2018.md", data_dir);
	rc = pl_read_file(path, 4u << 20, &text, &len, err);
	if (rc)
		return rc;
	/* An update (init --bundled on a store that has it) leaves a published
	 * brief as it was: its ledger is what was published. */
	pl_brief_meta m;
	rc = pl_brief_meta_parse(path, text, len, &m, err);
	char *old = NULL;
	int exists = !rc && parley_brief_source(db, m.id, &old, NULL) == PARLEY_OK;
	pl_brief b;
	int published = 0;
	if (exists && pl_brief_load(db, m.id, 0, &b, NULL) == PARLEY_OK) {
		published = strcmp(b.status, "published") == 0;
		pl_brief_free(&b);
	}
	char id[64];
	if (!rc && !published)
		rc = parley_brief_add(db, "kim-jong-un-beijing-2018.md", text, len, 1, id, err);
	if (!rc && !published)
		rc = parley_brief_publish(db, m.id, m.date, err);
	free(old);
	if (!rc || m.id)
		pl_brief_meta_free(&m);
	free(text);
	return rc;
}
