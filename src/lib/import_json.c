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
#include <stdint.h>
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

/* Longest NDJSON line (one record with its every field). */
#define ND_LINE_MAX ((size_t)16 << 20)

/* The concept of a line (its index), -1 when it has none.  parley's own
 * files start each line with {"concept":"NAME", read without parsing;
 * any other line is parsed (*obj keeps the object for the caller). */
static int line_concept(const char *p, size_t n, json_t **obj, json_error_t *je)
{
	static const char tag[] = "{\"concept\":\"";
	*obj = NULL;
	if (n > sizeof tag - 1 && memcmp(p, tag, sizeof tag - 1) == 0) {
		const char *name = p + sizeof tag - 1;
		const char *q = memchr(name, '"', n - (sizeof tag - 1));
		char c[48];
		if (q && (size_t)(q - name) < sizeof c) {
			memcpy(c, name, (size_t)(q - name));
			c[q - name] = '\0';
			const pl_concept *pc = pl_concept_find(c);
			if (pc)
				return (int)(pc - pl_concept_at(0));
		}
	}
	*obj = json_loadb(p, n, JSON_REJECT_DUPLICATES, je);
	if (!*obj || !json_is_object(*obj))
		return -1;
	const pl_concept *pc = pl_concept_find(json_string_value(json_object_get(*obj, "concept")));
	return pc ? (int)(pc - pl_concept_at(0)) : -1;
}

/* A non-blank line of an NDJSON file, its BOM (line 1) and spaces skipped;
 * 0 for a blank line. */
static int content(const pl_lines *l, const char **p, size_t *n)
{
	if (l->line == 1 && *n >= 3 && memcmp(*p, "\xEF\xBB\xBF", 3) == 0) {
		*p += 3;
		*n -= 3;
	}
	size_t i = 0;
	while (i < *n && ((*p)[i] == ' ' || (*p)[i] == '\t' || (*p)[i] == '\r'))
		i++;
	return i < *n;
}

/* NDJSON streams: rows may come in any order (a visit's sources after it),
 * but are put in concept dependency order.  A first pass reads each line's
 * concept (and reports lines that are not UTF-8, not JSON or name no
 * concept); when the concepts already come in that order, as parley export
 * writes them, one more pass puts every row, else one pass per concept.
 * Memory follows the longest line, never the file. */
static int ndjson_stream(pl_import *imp, const char *path, FILE *f)
{
	pl_lines l;
	pl_lines_init(&l, f, ND_LINE_MAX);
	parley_err err = {0, ""};
	const char *p;
	size_t n;
	int r, rc = PARLEY_OK, last = -1, ordered = 1;
	uint64_t present = 0;
	_Static_assert(sizeof present * 8 >= 32, "concept mask");
	while ((r = pl_lines_next(&l, &p, &n, &err)) == 1) {
		if (!content(&l, &p, &n))
			continue;
		if (pl_import_require_utf8_at(imp, path, p, n, l.line, l.at)) {
			rc = PARLEY_EDATA;
			continue;
		}
		json_t *obj;
		json_error_t je;
		int c = line_concept(p, n, &obj, &je);
		if (c < 0 && !obj) {
			pl_import_report(imp, PARLEY_ERROR, path, l.line, je.column, NULL, NULL, "bad-json",
			                 "%s", je.text);
			rc = PARLEY_EDATA;
		} else if (c < 0) {
			pl_import_report(imp, PARLEY_ERROR, path, l.line, 1, NULL, "concept",
			                 "unknown-concept", "each line needs \"concept\" naming a concept");
			rc = PARLEY_EDATA;
		} else {
			present |= (uint64_t)1 << c;
			ordered &= c >= last;
			last = c;
		}
		json_decref(obj);
	}
	/* ordered: one pass for every concept (-1); else one per concept */
	for (int want = ordered ? -1 : 0; r == 0 && want < (int)pl_concept_count(); want++) {
		if (want >= 0 && !(present & ((uint64_t)1 << want)))
			continue;
		if ((r = pl_lines_rewind(&l, &err)) != PARLEY_OK)
			break;
		while ((r = pl_lines_next(&l, &p, &n, &err)) == 1) {
			if (!content(&l, &p, &n) || pl_utf8_invalid_at(p, n) >= 0)
				continue; /* blank, or reported by the first pass */
			json_t *obj;
			json_error_t je;
			int c = line_concept(p, n, &obj, &je);
			if (c < 0 || (want >= 0 && c != want)) {
				json_decref(obj); /* another pass's row, or reported by the first */
				continue;
			}
			if (!obj && !(obj = json_loadb(p, n, JSON_REJECT_DUPLICATES, &je))) {
				pl_import_report(imp, PARLEY_ERROR, path, l.line, je.column, NULL, NULL,
				                 "bad-json", "%s", je.text);
				rc = PARLEY_EDATA;
				continue;
			}
			const char *named = json_string_value(json_object_get(obj, "concept"));
			if (!json_is_object(obj) || !named || strcmp(named, pl_concept_at((size_t)c)->name) != 0) {
				pl_import_report(imp, PARLEY_ERROR, path, l.line, 1, NULL, "concept",
				                 "unknown-concept", "each line needs \"concept\" naming a concept");
				rc = PARLEY_EDATA;
			} else if (put_object(imp, pl_concept_at((size_t)c), obj, path, l.line, NULL, "concept")) {
				rc = PARLEY_EDATA;
			}
			json_decref(obj);
		}
		if (ordered)
			break;
	}
	pl_lines_free(&l);
	if (r < 0) {
		pl_import_report(imp, PARLEY_ERROR, path, l.line + 1, 0, NULL, NULL, "read-failed", "%s",
		                 err.msg);
		return PARLEY_EDATA;
	}
	return rc;
}

/* The same reader over a file already in memory (callers that hold the
 * bytes, such as the bundled-data release, bundled.c). */
static int ndjson_read(pl_import *imp, const char *path, const char *data, size_t len)
{
	FILE *f = len ? fmemopen((void *)data, len, "rb") : fopen("/dev/null", "rb");
	if (!f) {
		pl_import_report(imp, PARLEY_ERROR, path, 0, 0, NULL, NULL, "read-failed",
		                 "cannot read the file from memory");
		return PARLEY_ENOMEM;
	}
	int r = ndjson_stream(imp, path, f);
	fclose(f);
	return r;
}

const pl_reader pl_reader_json = {"json", json_detect, json_read, NULL, PL_JSON_DOC_MAX};
const pl_reader pl_reader_ndjson = {"ndjson", ndjson_detect, ndjson_read, ndjson_stream, 0};
