/*
 * import_json.c - the canonical JSON and NDJSON readers.
 *
 * JSON: {"format":"parley","version":1,"<plural>":[{row},...],...}.
 * NDJSON: one {"concept":"<name>", <columns>...} object per line.  NDJSON
 * rows may come in any order: they are put in concept dependency order, so
 * a visit's sources may precede the visit in the file.
 * Rows are strict: an unknown column, or a value that is neither a string,
 * a whole number (for integer columns) nor null, is an error.
 */
#include "internal.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char *skip_ws(const char *p, const char *end)
{
	if (end - p >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

static int json_detect(const char *path, const char *head, size_t n)
{
	(void)path;
	const char *p = skip_ws(head, head + n);
	if (p >= head + n || *p != '{')
		return 0;
	/* The canonical document starts with its format tag. */
	const char *tag = "\"format\"";
	const char *e = head + n;
	p++;
	p = skip_ws(p, e);
	if ((size_t)(e - p) >= strlen(tag) && memcmp(p, tag, strlen(tag)) == 0)
		return 90;
	return 0;
}

static int ndjson_detect(const char *path, const char *head, size_t n)
{
	(void)path;
	const char *p = skip_ws(head, head + n);
	const char *tag = "{\"concept\"";
	if ((size_t)(head + n - p) >= strlen(tag) && memcmp(p, tag, strlen(tag)) == 0)
		return 95;
	return 0;
}

/* Puts one JSON object as a row of concept c.  where names it in messages. */
static int put_object(pl_import *imp, const pl_concept *c, json_t *obj, const char *path,
                      long line, const char *where, const char *skip_key)
{
	const char *vals[32] = {0};
	char numbuf[32][24];
	int bad = 0;
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v) {
		if (skip_key && strcmp(key, skip_key) == 0)
			continue;
		int i = pl_concept_col(c, key);
		if (i < 0) {
			pl_import_report(imp, PARLEY_ERROR, path, line, 0, where, key, "unknown-field",
			                 "%s has no field '%.60s'", c->name, key);
			bad = 1;
			continue;
		}
		if (json_is_string(v)) {
			vals[i] = json_string_value(v);
		} else if (json_is_integer(v) && c->cols[i].type == PL_INT) {
			snprintf(numbuf[i], sizeof numbuf[i], "%lld", (long long)json_integer_value(v));
			vals[i] = numbuf[i];
		} else if (!json_is_null(v)) {
			pl_import_report(imp, PARLEY_ERROR, path, line, 0, where, key, "bad-type",
			                 "%s must be %s or null", key,
			                 c->cols[i].type == PL_INT ? "a whole number" : "a string");
			bad = 1;
		}
	}
	if (bad)
		return PARLEY_EDATA;
	return pl_import_put(imp, c, vals, path, line);
}

static int json_read(pl_import *imp, const char *path, const char *data, size_t len)
{
	if (pl_import_require_utf8(imp, path, data, len))
		return PARLEY_EDATA;
	json_error_t je;
	json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		pl_import_report(imp, PARLEY_ERROR, path, je.line, je.column, NULL, NULL, "bad-json",
		                 "%s", je.text);
		return PARLEY_EDATA;
	}
	int rc = PARLEY_OK;
	const char *key;
	json_t *v;
	if (!json_is_object(root)) {
		pl_import_report(imp, PARLEY_ERROR, path, 1, 1, NULL, NULL, "bad-json",
		                 "expected an object");
		json_decref(root);
		return PARLEY_EDATA;
	}
	json_object_foreach(root, key, v) {
		if (strcmp(key, "format") == 0 || strcmp(key, "version") == 0)
			continue;
		if (!pl_concept_find(key) || !json_is_array(v)) {
			pl_import_report(imp, PARLEY_ERROR, path, 0, 0, NULL, key, "unknown-field",
			                 "'%.60s' is not a concept list", key);
			rc = PARLEY_EDATA;
		}
	}
	/* Concepts in dependency order, whatever order the keys came in. */
	for (size_t ci = 0; ci < pl_concept_count(); ci++) {
		const pl_concept *c = pl_concept_at(ci);
		json_t *arr = json_object_get(root, c->plural);
		if (!arr)
			arr = json_object_get(root, c->name);
		if (!json_is_array(arr))
			continue;
		size_t i;
		json_t *row;
		json_array_foreach(arr, i, row) {
			char where[96];
			snprintf(where, sizeof where, "%s[%zu]", c->plural, i);
			if (!json_is_object(row)) {
				pl_import_report(imp, PARLEY_ERROR, path, 0, 0, where, NULL, "bad-json",
				                 "expected an object");
				rc = PARLEY_EDATA;
				continue;
			}
			if (put_object(imp, c, row, path, 0, where, NULL))
				rc = PARLEY_EDATA;
		}
	}
	json_decref(root);
	return rc;
}

typedef struct nd_row {
	size_t concept;
	long line;
	json_t *obj;
} nd_row;

static int by_concept(const void *a, const void *b)
{
	const nd_row *x = a, *y = b;
	if (x->concept != y->concept)
		return x->concept < y->concept ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

static int ndjson_read(pl_import *imp, const char *path, const char *data, size_t len)
{
	if (pl_import_require_utf8(imp, path, data, len))
		return PARLEY_EDATA;
	nd_row *rows = NULL;
	size_t n = 0, cap = 0;
	int rc = PARLEY_OK;
	long line = 0;
	const char *p = data, *end = data + len;
	if (end - p >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		line++;
		const char *q = p;
		while (q < le && (*q == ' ' || *q == '\t' || *q == '\r'))
			q++;
		if (q < le) {
			json_error_t je;
			json_t *obj = json_loadb(p, (size_t)(le - p), JSON_REJECT_DUPLICATES, &je);
			const pl_concept *c = NULL;
			if (!obj) {
				pl_import_report(imp, PARLEY_ERROR, path, line, je.column, NULL, NULL,
				                 "bad-json", "%s", je.text);
				rc = PARLEY_EDATA;
			} else if (!json_is_object(obj) ||
			           !(c = pl_concept_find(json_string_value(json_object_get(obj, "concept"))))) {
				pl_import_report(imp, PARLEY_ERROR, path, line, 1, NULL, "concept",
				                 "unknown-concept", "each line needs \"concept\" naming a concept");
				json_decref(obj);
				rc = PARLEY_EDATA;
			} else {
				if (n == cap) {
					cap = cap ? cap * 2 : 256;
					nd_row *r2 = realloc(rows, cap * sizeof *r2);
					if (!r2) {
						json_decref(obj);
						rc = PARLEY_ENOMEM;
						break;
					}
					rows = r2;
				}
				rows[n++] = (nd_row){(size_t)(c - pl_concept_at(0)), line, obj};
			}
		}
		p = nl ? nl + 1 : end;
	}
	if (n)
		qsort(rows, n, sizeof *rows, by_concept);
	for (size_t i = 0; i < n; i++) {
		if (rc != PARLEY_ENOMEM &&
		    put_object(imp, pl_concept_at(rows[i].concept), rows[i].obj, path, rows[i].line,
		               NULL, "concept"))
			rc = PARLEY_EDATA;
		json_decref(rows[i].obj);
	}
	free(rows);
	return rc;
}

const pl_reader pl_reader_json = {"json", json_detect, json_read, false};
const pl_reader pl_reader_ndjson = {"ndjson", ndjson_detect, ndjson_read, false};
