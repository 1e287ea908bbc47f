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

/* Whether the character at i is escaped by an odd run of backslashes. */
static int escaped(const char *d, size_t i)
{
	size_t n = 0;
	while (i > n && d[i - 1 - n] == '\\')
		n++;
	return n & 1;
}

/* The key whose string value holds byte offset at ("name" in
 * {"name": "a<at>b"}), copied into buf; NULL when at is not inside such a
 * value (inside a key, say).  Lets a bad byte be reported by field. */
static const char *key_at(const char *d, size_t at, char *buf, size_t cap)
{
	size_t i = at;
	while (i > 0 && !(d[i - 1] == '"' && !escaped(d, i - 1)))
		i--;
	if (i == 0)
		return NULL;
	size_t q = i - 1; /* the value's opening quote */
	while (q > 0 && (d[q - 1] == ' ' || d[q - 1] == '\t' || d[q - 1] == '\n' || d[q - 1] == '\r'))
		q--;
	if (q == 0 || d[q - 1] != ':')
		return NULL;
	q--;
	while (q > 0 && (d[q - 1] == ' ' || d[q - 1] == '\t' || d[q - 1] == '\n' || d[q - 1] == '\r'))
		q--;
	if (q == 0 || d[q - 1] != '"')
		return NULL;
	size_t end = q - 1, s = end;
	while (s > 0 && !(d[s - 1] == '"' && !escaped(d, s - 1)))
		s--;
	if (s == 0 || end - s >= cap)
		return NULL;
	memcpy(buf, d + s, end - s);
	buf[end - s] = '\0';
	return buf;
}

/* Invalid UTF-8 or a NUL byte, raw or escaped as \u0000, is an error naming
 * the line, column and field.  data is a piece of the file starting on line
 * line0 at byte off0 (an NDJSON line, or the whole document).  Returns
 * PARLEY_EDATA when one was found. */
static int require_text(pl_import *imp, const char *path, const char *data, size_t len,
                        long line0, long long off0)
{
	long bad = pl_utf8_invalid_at(data, len);
	const char *z = memchr(data, '\0', len);
	long nul = z ? (long)(z - data) : -1;
	if (bad < 0 && nul < 0)
		return PARLEY_OK;
	int is_nul = nul >= 0 && (bad < 0 || nul < bad);
	long at = is_nul ? nul : bad, line, col;
	char key[128];
	pl_line_col(data, at, &line, &col);
	line += line0 - 1;
	const char *field = key_at(data, (size_t)at, key, sizeof key);
	if (is_nul)
		pl_import_report(imp, PARLEY_ERROR, path, line, col, NULL, field, "nul-byte",
		                 "NUL byte at byte offset %lld: text may not hold one", off0 + at);
	else
		pl_import_report(imp, PARLEY_ERROR, path, line, col, NULL, field, "bad-utf8",
		                 "invalid UTF-8 at byte offset %lld (byte 0x%02X)", off0 + at,
		                 (unsigned)(unsigned char)data[at]);
	return PARLEY_EDATA;
}

/* A parse error of jansson's, as a finding; an escaped NUL (\u0000, which
 * jansson refuses) is named by field like a raw one.  base is the offset
 * of the parsed text in data (an NDJSON line). */
static void json_error(pl_import *imp, const char *path, const char *data, size_t base,
                       long line, const json_error_t *je)
{
	if (strstr(je->text, "JSON_ALLOW_NUL")) {
		size_t end = base + (size_t)je->position, at = 0;
		int found = 0;
		for (size_t i = base; i + 6 <= end; i++)
			if (memcmp(data + i, "\\u0000", 6) == 0 && !escaped(data, i)) {
				at = i;
				found = 1;
			}
		char key[128];
		const char *field = found ? key_at(data, at, key, sizeof key) : NULL;
		pl_import_report(imp, PARLEY_ERROR, path, line, je->column, NULL, field, "nul-byte",
		                 "\\u0000 (NUL) in a string: text may not hold one");
		return;
	}
	pl_import_report(imp, PARLEY_ERROR, path, line, je->column, NULL, NULL, "bad-json", "%s",
	                 je->text);
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

/* The line on which each object of the top-level array `key` starts, so
 * that rows of a JSON file are reported by line like those of the other
 * formats (jansson keeps no positions).  The text has been parsed already,
 * so a small scan of strings and brackets suffices.  Returns the number of
 * objects found (lines[] holds up to cap of them). */
static size_t element_lines(const char *d, size_t len, const char *key, long *lines, size_t cap)
{
	size_t klen = strlen(key), n = 0;
	long line = 1;
	int depth = 0, in_key = 0;
	for (size_t i = 0; i < len; i++) {
		char ch = d[i];
		if (ch == '\n') {
			line++;
		} else if (ch == '"') {
			size_t s = i + 1;
			for (i++; i < len && d[i] != '"'; i++)
				if (d[i] == '\\')
					i++;
			if (depth == 1) { /* a key of the top object, or a value */
				size_t j = i + 1;
				while (j < len && (d[j] == ' ' || d[j] == '\t' || d[j] == '\r' || d[j] == '\n'))
					j++;
				if (j < len && d[j] == ':')
					in_key = i - s == klen && memcmp(d + s, key, klen) == 0;
			}
		} else if (ch == '{' || ch == '[') {
			if (ch == '{' && depth == 2 && in_key) {
				if (n < cap)
					lines[n] = line;
				n++;
			}
			depth++;
		} else if (ch == '}' || ch == ']') {
			depth--;
		}
	}
	return n;
}

static int json_read(pl_import *imp, const char *path, const char *data, size_t len)
{
	if (require_text(imp, path, data, len, 1, 0))
		return PARLEY_EDATA;
	json_error_t je;
	json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		json_error(imp, path, data, 0, je.line, &je);
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
		const char *key = c->plural;
		json_t *arr = json_object_get(root, key);
		if (!arr)
			arr = json_object_get(root, key = c->name);
		if (!json_is_array(arr))
			continue;
		size_t i, n = json_array_size(arr);
		long *lines = calloc(n ? n : 1, sizeof *lines);
		/* lines only when every element is an object, so indexes align */
		if (lines && element_lines(data, len, key, lines, n) != n)
			memset(lines, 0, n * sizeof *lines);
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
			if (put_object(imp, c, row, path, lines ? lines[i] : 0, where, NULL))
				rc = PARLEY_EDATA;
		}
		free(lines);
	}
	json_decref(root);
	return rc;
}

/* The concept of an NDJSON line (its index), -1 when it names none.
 * parley's own files (export, tools/synth) start each line with
 * {"concept":"NAME", read here without parsing; any other line is parsed
 * (*obj keeps the object for the caller to put or free; NULL with je set
 * when it is not JSON). */
/* The names a stream's tags used so far, with their concepts, so that
 * each of its lines is matched by one comparison, not a search of every
 * concept's names (issue 13: an import reads its lines once per concept). */
typedef struct concept_memo {
	struct {
		char name[48];
		size_t len;
		int ci;
	} e[8];
	size_t n;
} concept_memo;

static int line_concept(const char *p, size_t n, json_t **obj, json_error_t *je,
                        concept_memo *m)
{
	static const char tag[] = "{\"concept\":\"";
	*obj = NULL;
	if (n > sizeof tag - 1 && memcmp(p, tag, sizeof tag - 1) == 0) {
		const char *name = p + sizeof tag - 1;
		const char *q = memchr(name, '"', n - (sizeof tag - 1));
		char c[48];
		size_t len = q ? (size_t)(q - name) : 0;
		if (q && len < sizeof c) {
			for (size_t i = 0; i < m->n; i++)
				if (m->e[i].len == len && memcmp(m->e[i].name, name, len) == 0)
					return m->e[i].ci;
			memcpy(c, name, len);
			c[len] = '\0';
			const pl_concept *pc = pl_concept_find(c);
			if (pc) {
				int ci = (int)(pc - pl_concept_at(0));
				if (m->n < PL_ARRAY_LEN(m->e)) {
					memcpy(m->e[m->n].name, c, len + 1);
					m->e[m->n].len = len;
					m->e[m->n++].ci = ci;
				}
				return ci;
			}
		}
	}
	*obj = json_loadb(p, n, JSON_REJECT_DUPLICATES, je);
	if (!*obj || !json_is_object(*obj))
		return -1;
	const pl_concept *pc = pl_concept_find(json_string_value(json_object_get(*obj, "concept")));
	return pc ? (int)(pc - pl_concept_at(0)) : -1;
}

int pl_ndjson_flat = 1;

/* One JSON string at *pp (its opening quote), unescaped into *out; 1 when
 * read, 0 when it is anything the quick read leaves to jansson: a \u
 * escape, a control character, an unknown escape, or no closing quote. */
static int flat_string(const char **pp, const char *end, char **out)
{
	const char *p = *pp + 1;
	char *o = *out;
	while (p < end && *p != '"') {
		unsigned char ch = (unsigned char)*p;
		if (ch < 0x20)
			return 0;
		if (ch != '\\') {
			*o++ = *p++;
			continue;
		}
		if (++p >= end)
			return 0;
		switch (*p) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '/': *o++ = '/'; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		default: return 0; /* \u (NUL, surrogates) and errors: jansson's */
		}
		p++;
	}
	if (p >= end)
		return 0;
	*o++ = '\0';
	*pp = p + 1;
	*out = o;
	return 1;
}

static const char *flat_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	return p;
}

/* The quick read of an NDJSON line (issue 13: jansson built a tree of
 * every line of a million-visit import only for put_object to read it
 * back): a flat object of known, distinct fields whose values are strings,
 * null, or whole numbers for integer fields, as parley export and
 * tools/synth write them.  vals[] gets what put_object would give
 * pl_import_put for the same line (strings unescaped into buf, which holds
 * at least n + 1 bytes; a whole number as its digits, as jansson would
 * print it back).  Returns 1 when read so; 0 for anything else (another
 * shape, an unknown or repeated field, a value of another type, a \u
 * escape, bad JSON), which the caller then parses with jansson, so that
 * every finding is reported as before. */
static int flat_line(const pl_concept *c, const char *p, size_t n, char *buf,
                     const char **vals)
{
	const char *end = p + n;
	uint32_t seen = 0;
	int concept_seen = 0;
	char *o = buf;
	_Static_assert(sizeof seen * 8 >= 32, "columns");
	if (c->ncols > 32)
		return 0;
	for (size_t i = 0; i < c->ncols; i++)
		vals[i] = NULL;
	p = flat_ws(p, end);
	if (p >= end || *p++ != '{')
		return 0;
	p = flat_ws(p, end);
	if (p < end && *p == '}')
		return 0; /* no "concept": not what the tag read */
	for (;;) {
		if (p >= end || *p != '"')
			return 0;
		char *key = o;
		if (!flat_string(&p, end, &o))
			return 0;
		p = flat_ws(p, end);
		if (p >= end || *p++ != ':')
			return 0;
		p = flat_ws(p, end);
		if (p >= end)
			return 0;
		int col = -1;
		if (strcmp(key, "concept") == 0) {
			if (concept_seen++)
				return 0;
		} else if ((col = pl_concept_col(c, key)) < 0 || (seen >> col & 1)) {
			return 0;
		} else {
			seen |= (uint32_t)1 << col;
		}
		o = key; /* the key's bytes are no longer needed */
		if (*p == '"') {
			char *v = o;
			if (!flat_string(&p, end, &o))
				return 0;
			if (col < 0) { /* the concept: the one the tag named */
				if (strcmp(v, c->name) != 0)
					return 0;
				o = v;
			} else {
				vals[col] = v;
			}
		} else if (end - p >= 4 && memcmp(p, "null", 4) == 0) {
			if (col < 0)
				return 0;
			p += 4;
		} else if (*p == '-' || (*p >= '0' && *p <= '9')) {
			/* a whole number for an integer field, written as jansson
			 * prints it back: no leading zero, no "-0", no fraction or
			 * exponent, and within 18 digits (no overflow) */
			const char *d = p + (*p == '-'), *q = d;
			while (q < end && *q >= '0' && *q <= '9')
				q++;
			if (col < 0 || c->cols[col].type != PL_INT || q == d || q - d > 18 ||
			    (*d == '0' && (q - d > 1 || d != p)) ||
			    (q < end && (*q == '.' || *q == 'e' || *q == 'E')))
				return 0;
			vals[col] = o;
			memcpy(o, p, (size_t)(q - p));
			o += q - p;
			*o++ = '\0';
			p = q;
		} else {
			return 0;
		}
		p = flat_ws(p, end);
		if (p < end && *p == ',') {
			p = flat_ws(p + 1, end);
			continue;
		}
		if (p >= end || *p++ != '}')
			return 0;
		break;
	}
	return concept_seen == 1 && flat_ws(p, end) == end;
}

/* A non-blank line of an NDJSON file, its BOM (line 1) skipped; 0 for a
 * blank line. */
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

/* NDJSON streams (issue 13): rows may come in any order (a visit's sources
 * before it), but are put in concept dependency order, each concept in file
 * order, as if sorted.  A first pass reads each line's concept and reports
 * the lines that are not UTF-8 text or name no concept; when the concepts
 * already come in dependency order, as parley export writes them, one more
 * pass puts every row, else one pass per concept present, each from the
 * concept's first line to its last (noted by the first pass: people and
 * offices at the head of a file are not looked for in the rest of it).
 * Memory follows the longest line (at most PL_RECORD_MAX), never the
 * file. */
int pl_ndjson_stream(pl_import *imp, const char *path, FILE *f)
{
	pl_lines l;
	pl_lines_init(&l, f, PL_RECORD_MAX, 0);
	parley_err err = {0, ""};
	const char *p;
	size_t n;
	int r, rc = PARLEY_OK, last = -1, ordered = 1, bad_text = 0;
	uint64_t present = 0;
	_Static_assert(sizeof present * 8 >= 32, "concept mask");
	/* each concept's first line (offset, number) and last line's offset */
	long long first_at[64], last_at[64];
	long first_line[64];
	concept_memo memo = {.n = 0};
	char *flat = NULL; /* the quick read's strings (flat_line), one line's worth */
	size_t flat_cap = 0;
	const char *vals[32];
	while ((r = pl_lines_next(&l, &p, &n, &err)) == 1) {
		if (!content(&l, &p, &n))
			continue;
		if (require_text(imp, path, p, n, l.line, l.at)) {
			rc = PARLEY_EDATA;
			bad_text = 1;
			continue;
		}
		json_t *obj;
		json_error_t je;
		int c = line_concept(p, n, &obj, &je, &memo);
		if (c < 0 && !obj) {
			json_error(imp, path, p, 0, l.line, &je);
			rc = PARLEY_EDATA;
		} else if (c < 0) {
			pl_import_report(imp, PARLEY_ERROR, path, l.line, 1, NULL, "concept",
			                 "unknown-concept", "each line needs \"concept\" naming a concept");
			rc = PARLEY_EDATA;
		} else {
			if (!(present & (uint64_t)1 << c)) {
				first_at[c] = l.at;
				first_line[c] = l.line;
			}
			last_at[c] = l.at;
			present |= (uint64_t)1 << c;
			ordered &= c >= last;
			last = c;
		}
		json_decref(obj);
	}
	/* ordered: one pass for every concept (want -1); else one per concept */
	for (int want = ordered ? -1 : 0; r == 0 && want < (int)pl_concept_count(); want++) {
		if (want >= 0 && !(present & ((uint64_t)1 << want)))
			continue;
		if ((r = want < 0 ? pl_lines_rewind(&l, &err)
		                  : pl_lines_seek(&l, first_at[want], first_line[want], &err)) != PARLEY_OK)
			break;
		while ((r = pl_lines_next(&l, &p, &n, &err)) == 1) {
			if (want >= 0 && l.at > last_at[want]) {
				r = 0; /* past the concept's last line */
				break;
			}
			if (!content(&l, &p, &n))
				continue;
			if (bad_text && (pl_utf8_invalid_at(p, n) >= 0 || memchr(p, '\0', n)))
				continue; /* reported by the first pass */
			json_t *obj;
			json_error_t je;
			int c = line_concept(p, n, &obj, &je, &memo);
			if (c < 0 || (want >= 0 && c != want)) {
				json_decref(obj); /* another pass's row, or reported by the first */
				continue;
			}
			if (!obj && pl_ndjson_flat) { /* the quick read, when the line allows */
				if (n + 1 > flat_cap) {
					char *g = realloc(flat, n + 1);
					if (!g) {
						pl_import_report(imp, PARLEY_ERROR, path, l.line, 0, NULL, NULL,
						                 "read-failed", "out of memory");
						rc = PARLEY_EDATA;
						break;
					}
					flat = g;
					flat_cap = n + 1;
				}
				const pl_concept *pc = pl_concept_at((size_t)c);
				if (flat_line(pc, p, n, flat, vals)) {
					if (pl_import_put(imp, pc, vals, path, l.line))
						rc = PARLEY_EDATA;
					continue;
				}
			}
			if (!obj && !(obj = json_loadb(p, n, JSON_REJECT_DUPLICATES, &je))) {
				json_error(imp, path, p, 0, l.line, &je);
				rc = PARLEY_EDATA;
				continue;
			}
			const char *named = json_string_value(json_object_get(obj, "concept"));
			if (!json_is_object(obj) || !named ||
			    strcmp(named, pl_concept_at((size_t)c)->name) != 0) {
				/* the quick read of the concept saw another than jansson did */
				pl_import_report(imp, PARLEY_ERROR, path, l.line, 1, NULL, "concept",
				                 "unknown-concept", "each line needs \"concept\" naming a concept");
				rc = PARLEY_EDATA;
			} else if (put_object(imp, pl_concept_at((size_t)c), obj, path, l.line, NULL,
			                      "concept")) {
				rc = PARLEY_EDATA;
			}
			json_decref(obj);
		}
		if (ordered)
			break;
	}
	if (r < 0)
		pl_import_report(imp, PARLEY_ERROR, path, l.next_line, 0, NULL, NULL,
		                 err.code == PARLEY_ELIMIT ? "record-too-long" : "read-failed", "%s",
		                 err.msg);
	pl_lines_free(&l);
	free(flat);
	return r < 0 ? PARLEY_EDATA : rc;
}

/* A file in memory (stdin), through the same stream. */
static int ndjson_read(pl_import *imp, const char *path, const char *data, size_t len)
{
	return pl_stream_mem(imp, path, data, len, pl_ndjson_stream);
}

const pl_reader pl_reader_json = {"json", json_detect, json_read, true};
const pl_reader pl_reader_ndjson = {"ndjson", ndjson_detect, ndjson_read, true};
