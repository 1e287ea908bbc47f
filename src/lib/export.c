/*
 * export.c - writing the store in the canonical formats.
 *
 * Output is a function of the records alone: rows ordered by key, columns in
 * descriptor order, one fixed spelling per value.  So exporting, importing
 * into an empty store and exporting again gives the same bytes.
 */
#include "internal.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

static int select_all(parley_db *db, const pl_concept *c, sqlite3_stmt **st, parley_err *err)
{
	pl_buf b;
	pl_buf_init(&b, 8192);
	int rc = pl_buf_puts(&b, "SELECT ");
	for (size_t i = 0; i < c->ncols; i++)
		if (!rc) rc = pl_buf_printf(&b, "%s%s", i ? ", " : "", c->cols[i].name);
	if (!rc) rc = pl_buf_printf(&b, " FROM %s ORDER BY ", c->name);
	int first = 1;
	for (size_t i = 0; i < c->ncols; i++) {
		if (!c->cols[i].key)
			continue;
		/* byte order for text, numeric for integers */
		if (!rc) rc = pl_buf_printf(&b, "%s%s%s", first ? "" : ", ", c->cols[i].name,
		                    c->cols[i].type == PL_INT ? "" : " COLLATE BINARY");
		first = 0;
	}
	if (rc) {
		pl_buf_free(&b);
		return parley_err_set(err, PARLEY_ENOMEM, "out of memory");
	}
	rc = pl_prepare(db, b.data, st, err);
	pl_buf_free(&b);
	return rc;
}

static int flush(pl_buf *b, FILE *out, parley_err *err)
{
	if (b->len && fwrite(b->data, 1, b->len, out) != b->len)
		return parley_err_set(err, PARLEY_EIO, "writing the export failed: %s", strerror(errno));
	pl_buf_reset(b);
	return PARLEY_OK;
}

static int export_csv(parley_db *db, const pl_concept *c, FILE *out, parley_err *err)
{
	sqlite3_stmt *st;
	int rc = select_all(db, c, &st, err);
	if (rc)
		return rc;
	pl_buf b;
	pl_buf_init(&b, 0);
	for (size_t i = 0; i < c->ncols; i++)
		if (!rc) rc = pl_buf_printf(&b, "%s%s", i ? "," : "", c->cols[i].name);
	if (!rc) rc = pl_buf_putc(&b, '\n');
	int r;
	while (!rc && (r = sqlite3_step(st)) == SQLITE_ROW) {
		for (size_t i = 0; i < c->ncols; i++) {
			if (i)
				if (!rc) rc = pl_buf_putc(&b, ',');
			const char *v = (const char *)sqlite3_column_text(st, (int)i);
			if (v)
				if (!rc) rc = pl_csv_field(&b, v, PL_CSV_CANONICAL);
		}
		if (!rc) rc = pl_buf_putc(&b, '\n');
		if (!rc && b.len > 1 << 16)
			rc = flush(&b, out, err);
	}
	sqlite3_finalize(st);
	if (!rc)
		rc = flush(&b, out, err);
	else if (rc != PARLEY_EIO)
		rc = parley_err_set(err, rc, "exporting %s: %s", c->name, parley_strstatus(rc));
	pl_buf_free(&b);
	return rc;
}

/* One row as a JSON object (a new reference; NULL when out of memory);
 * NULL columns are left out. */
static json_t *json_row(const pl_concept *c, sqlite3_stmt *st, const char *concept_tag)
{
	json_t *o = concept_tag ? json_pack("{s:s}", "concept", concept_tag) : json_object();
	for (size_t i = 0; o && i < c->ncols; i++) {
		if (sqlite3_column_type(st, (int)i) == SQLITE_NULL)
			continue;
		json_t *v = c->cols[i].type == PL_INT
		                ? json_integer((json_int_t)sqlite3_column_int64(st, (int)i))
		                : pl_json_text((const char *)sqlite3_column_text(st, (int)i));
		if (json_object_set_new(o, c->cols[i].name, v))
			o = (json_decref(o), NULL);
	}
	return o;
}

static int export_json_like(parley_db *db, const pl_concept *only, int nd, FILE *out,
                            parley_err *err)
{
	pl_buf b;
	pl_buf_init(&b, 0);
	int rc = nd ? 0 : pl_buf_puts(&b, "{\"format\":\"parley\",\"version\":1");
	for (size_t ci = 0; ci < pl_concept_count() && !rc; ci++) {
		const pl_concept *c = pl_concept_at(ci);
		if (only && only != c)
			continue;
		sqlite3_stmt *st;
		if ((rc = select_all(db, c, &st, err)))
			break;
		if (!nd)
			if (!rc) rc = pl_buf_printf(&b, ",\n\"%s\":[", c->plural);
		int n = 0;
		while (!rc && sqlite3_step(st) == SQLITE_ROW) {
			/* a document's rows one a line after "[", ndjson's one a line */
			rc = pl_json_item(&b, nd ? 0 : (size_t)n, nd ? "" : "\n",
			                  json_row(c, st, nd ? c->name : NULL));
			if (nd)
				if (!rc) rc = pl_buf_putc(&b, '\n');
			n++;
			if (!rc && b.len > 1 << 16)
				rc = flush(&b, out, err);
		}
		sqlite3_finalize(st);
		if (!nd && !rc)
			if (!rc) rc = pl_buf_puts(&b, n ? "\n]" : "]");
	}
	if (!nd && !rc)
		if (!rc) rc = pl_buf_puts(&b, "\n}\n");
	if (!rc)
		rc = flush(&b, out, err);
	else if (rc != PARLEY_EIO && rc != PARLEY_EDB)
		rc = parley_err_set(err, rc, "exporting: %s", parley_strstatus(rc));
	pl_buf_free(&b);
	return rc;
}

int parley_export(parley_db *db, const char *format, const char *concept, FILE *out,
                  parley_err *err)
{
	const pl_concept *c = NULL;
	if (concept && !(c = pl_concept_find(concept)))
		return parley_err_set(err, PARLEY_EINVAL, "unknown concept '%s'", concept);
	if (!format || strcmp(format, "json") == 0)
		return export_json_like(db, c, 0, out, err);
	if (strcmp(format, "ndjson") == 0)
		return export_json_like(db, c, 1, out, err);
	if (strcmp(format, "csv") == 0) {
		if (!c)
			return parley_err_set(err, PARLEY_EINVAL,
			                      "CSV holds one concept per file: name one, or use --out DIR");
		return export_csv(db, c, out, err);
	}
	return parley_err_set(err, PARLEY_EINVAL, "unknown export format '%s' (csv, json, ndjson)",
	                      format);
}

int parley_export_dir(parley_db *db, const char *dir, parley_err *err)
{
	if (mkdir(dir, 0777) != 0 && errno != EEXIST)
		return parley_err_set(err, PARLEY_EIO, "%s: cannot create: %s", dir, strerror(errno));
	for (size_t i = 0; i < pl_concept_count(); i++) {
		const pl_concept *c = pl_concept_at(i);
		char path[4096];
		if ((size_t)snprintf(path, sizeof path, "%s/%s.csv", dir, c->name) >= sizeof path)
			return parley_err_set(err, PARLEY_ELIMIT, "%s: path too long", dir);
		FILE *f = fopen(path, "wb");
		if (!f)
			return parley_err_set(err, PARLEY_EIO, "%s: cannot write: %s", path, strerror(errno));
		int rc = export_csv(db, c, f, err);
		if (fclose(f) != 0 && !rc)
			rc = parley_err_set(err, PARLEY_EIO, "%s: %s", path, strerror(errno));
		if (rc)
			return rc;
	}
	return PARLEY_OK;
}
