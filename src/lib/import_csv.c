/*
 * import_csv.c - the canonical CSV reader: one concept per file, the header
 * naming exactly that concept's columns in order (docs/formats.md); the
 * reader of a team's own spreadsheet through a column mapping (--map); and
 * the diagnosis of a CSV header that matches no format.
 */
#include "internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The concept whose column list is exactly this header, or NULL.  A header
 * that names the leading columns of a concept, the rest all optional, is
 * accepted too: it is that concept as an older version of parley wrote it
 * (before source.archive_url or office.rank_order existed), and the missing
 * columns import as NULL. */
static const pl_concept *concept_of_header(char **fields, size_t n)
{
	const pl_concept *older = NULL;
	for (size_t i = 0; i < pl_concept_count(); i++) {
		const pl_concept *c = pl_concept_at(i);
		if (c->ncols < n)
			continue;
		size_t j = 0;
		while (j < n && strcmp(fields[j], c->cols[j].name) == 0)
			j++;
		if (j < n)
			continue;
		if (c->ncols == n)
			return c;
		while (j < c->ncols && !c->cols[j].required && !c->cols[j].key)
			j++;
		if (j == c->ncols && !older)
			older = c;
	}
	return older;
}

static int csv_detect(const char *path, const char *head, size_t n)
{
	(void)path;
	size_t len = 0;
	while (len < n && head[len] != '\n' && head[len] != '\r')
		len++;
	pl_csv c;
	pl_csv_init(&c, head, len, ',');
	int score = 0;
	if (pl_csv_next(&c, NULL) == 1 && concept_of_header(c.fields, c.nfields))
		score = 100;
	pl_csv_free(&c);
	return score;
}

/* CSV streams (issue 13): records are read one at a time through a bounded
 * buffer (lines.c; a quoted field may span lines) and parsed by the one CSV
 * reader (csv.c), which keeps the header for naming fields in errors, so
 * memory follows the longest record, never the file. */
typedef struct csv_in {
	pl_lines l;
	pl_csv c;
	const char *text; /* the record last read, as in the file */
	size_t len;
	int started;
} csv_in;

static void csv_in_init(csv_in *in, FILE *f)
{
	memset(in, 0, sizeof *in);
	pl_lines_init(&in->l, f, PL_RECORD_MAX, 1);
}

static void csv_in_free(csv_in *in)
{
	pl_lines_free(&in->l);
	if (in->started)
		pl_csv_free(&in->c);
}

/* The next record into in->c: 1, 0 at the end, or a negative status with
 * err saying why (a syntax error names its line; so does a record longer
 * than PL_RECORD_MAX).  Blank lines after the header are skipped. */
static int csv_in_next(csv_in *in, parley_err *err)
{
	for (;;) {
		const char *p;
		size_t n;
		int r = pl_lines_next(&in->l, &p, &n, err);
		if (r <= 0)
			return r;
		in->text = p;
		in->len = n;
		if (!in->started) {
			pl_csv_init(&in->c, p, n, ',');
			in->started = 1;
		} else if (n == 0) {
			continue; /* blank line */
		} else {
			pl_csv_feed(&in->c, p, n, in->l.line);
		}
		in->c.next_line = in->l.line;
		r = pl_csv_next(&in->c, err);
		if (r != 0)
			return r;
		/* an empty header (or only a BOM): no fields */
		in->c.nfields = 0;
		in->c.line = in->l.line;
		return 1;
	}
}

/* A record that could not be read (a syntax error, a record too long, a
 * read error), as a finding; names the field of a NUL byte. */
static void csv_in_report(pl_import *imp, const char *path, csv_in *in, int r,
                          const pl_concept *concept, const parley_err *err)
{
	long line = r == PARLEY_EDATA ? in->c.line : in->l.next_line;
	const char *field = concept && in->c.bad_field && in->c.bad_field <= concept->ncols
	                        ? concept->cols[in->c.bad_field - 1].name
	                        : NULL;
	const char *code = r != PARLEY_EDATA ? (r == PARLEY_ELIMIT ? "record-too-long" : "read-failed")
	                   : in->c.bad_field ? "nul-byte"
	                                     : "bad-csv";
	pl_import_report(imp, PARLEY_ERROR, path, line, 0, NULL, field, code, "%s", err->msg);
}

/* Invalid UTF-8 is found value by value by pl_import_put (naming the line
 * and the field), and a NUL byte by the CSV parser (likewise), so the whole
 * file is not checked up front. */
int pl_csv_stream(pl_import *imp, const char *path, FILE *f)
{
	csv_in in;
	csv_in_init(&in, f);
	parley_err err = {0, ""};
	int r = csv_in_next(&in, &err);
	const pl_concept *concept = r == 1 ? concept_of_header(in.c.fields, in.c.nfields) : NULL;
	if (r < 0) {
		csv_in_report(imp, path, &in, r, NULL, &err);
		csv_in_free(&in);
		return PARLEY_EDATA;
	}
	if (!concept) {
		pl_buf why;
		pl_buf_init(&why, 8192);
		if (r == 1 && pl_csv_diagnose(in.text, in.len, &why) == 1)
			pl_import_report(imp, PARLEY_ERROR, path, 1, 0, NULL, NULL, "bad-header",
			                 "the header does not name a concept's columns: %s", why.data);
		else
			pl_import_report(imp, PARLEY_ERROR, path, 1, 0, NULL, NULL, "bad-header",
			                 "the header does not name a concept's columns (see docs/formats.md)");
		pl_buf_free(&why);
		csv_in_free(&in);
		return PARLEY_EDATA;
	}
	int rc = PARLEY_OK;
	size_t nhead = in.c.nfields; /* fewer than ncols for an older header */
	/* No concept has more than 24 columns (checked below). */
	const char *row[24];
	if (concept->ncols > PL_ARRAY_LEN(row)) {
		pl_import_report(imp, PARLEY_ERROR, path, 1, 0, NULL, NULL, "bad-header",
		                 "concept %s has too many columns", concept->name);
		csv_in_free(&in);
		return PARLEY_EDATA;
	}
	while ((r = csv_in_next(&in, &err)) == 1) {
		pl_csv *c = &in.c;
		if (c->nfields == 1 && c->fields[0][0] == '\0')
			continue; /* blank line */
		if (c->nfields != nhead) {
			pl_import_report(imp, PARLEY_ERROR, path, c->line, 0, NULL, NULL, "field-count",
			                 "expected %zu fields (%s), found %zu", nhead, concept->name,
			                 c->nfields);
			rc = PARLEY_EDATA;
			continue;
		}
		for (size_t j = 0; j < concept->ncols; j++)
			row[j] = j < nhead ? c->fields[j] : "";
		if (pl_import_put(imp, concept, row, path, c->line))
			rc = PARLEY_EDATA;
	}
	if (r < 0) {
		csv_in_report(imp, path, &in, r, concept, &err);
		rc = PARLEY_EDATA;
	}
	csv_in_free(&in);
	return rc;
}

int pl_stream_mem(pl_import *imp, const char *path, const char *data, size_t len,
                  int (*stream)(pl_import *imp, const char *path, FILE *f))
{
	FILE *f = len ? fmemopen((void *)data, len, "rb") : fopen("/dev/null", "rb");
	if (!f) {
		pl_import_report(imp, PARLEY_ERROR, path, 0, 0, NULL, NULL, "read-failed",
		                 "cannot read the file from memory");
		return PARLEY_EIO;
	}
	int rc = stream(imp, path, f);
	fclose(f);
	return rc;
}

/* A file in memory (the bundled data, stdin), through the same stream. */
static int csv_read(pl_import *imp, const char *path, const char *data, size_t len)
{
	return pl_stream_mem(imp, path, data, len, pl_csv_stream);
}

const pl_reader pl_reader_csv = {"csv", csv_detect, csv_read, true};

/* ---------------------------------------------------------------- */
/* A header that matches no format                                   */
/* ---------------------------------------------------------------- */

static int in_list(char **fields, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(fields[i], name) == 0)
			return 1;
	return 0;
}

/* Lower-case letters and digits of s into buf (a header compared loosely). */
static const char *loose(const char *s, char *buf, size_t cap)
{
	size_t o = 0;
	for (; *s && o + 1 < cap; s++)
		if (isalnum((unsigned char)*s))
			buf[o++] = (char)tolower((unsigned char)*s);
	buf[o] = '\0';
	return buf;
}

/* How much a header looks like a column: 3 the same name, 2 the same but
 * for case and punctuation ("Start Date"), 1 one inside the other ("Date"
 * in start_date, "note" in "Notes"), 0 not at all. */
static int likeness(const char *header, const char *column)
{
	if (strcmp(header, column) == 0)
		return 3;
	char h[128], c[128];
	loose(header, h, sizeof h);
	loose(column, c, sizeof c);
	if (!*h || !*c)
		return 0;
	if (strcmp(h, c) == 0)
		return 2;
	return (strlen(h) >= 3 && strstr(c, h)) || (strlen(c) >= 3 && strstr(h, c)) ? 1 : 0;
}

int pl_csv_diagnose(const char *head, size_t n, pl_buf *out)
{
	size_t len = 0;
	while (len < n && head[len] != '\n' && head[len] != '\r')
		len++;
	pl_csv c;
	pl_csv_init(&c, head, len, ',');
	if (pl_csv_next(&c, NULL) != 1 || c.nfields < 2) {
		pl_csv_free(&c);
		return 0; /* not a CSV header */
	}
	/* The closest concept: the best likeness of its columns to the header
	 * (see likeness), then the fewest columns missing. */
	const pl_concept *best = NULL;
	size_t best_score = 0, best_missing = 0;
	for (size_t i = 0; i < pl_concept_count(); i++) {
		const pl_concept *k = pl_concept_at(i);
		size_t score = 0, common = 0;
		for (size_t j = 0; j < k->ncols; j++) {
			int l = 0;
			for (size_t f = 0; f < c.nfields; f++) {
				int x = likeness(c.fields[f], k->cols[j].name);
				l = x > l ? x : l;
			}
			score += (size_t)l;
			common += in_list(c.fields, c.nfields, k->cols[j].name);
		}
		size_t missing = k->ncols - common;
		if (score > best_score || (score == best_score && best && missing < best_missing)) {
			best = k;
			best_score = score;
			best_missing = missing;
		}
	}
	int rc = 0;
	if (!best) {
		if (!rc) rc = pl_buf_puts(out, "its header looks like no parley concept's columns");
	} else {
		if (!rc) rc = pl_buf_printf(out, "its header is closest to the '%s' CSV format, whose header is: ",
		                    best->name);
		for (size_t j = 0; j < best->ncols; j++)
			if (!rc) rc = pl_buf_printf(out, "%s%s", j ? "," : "", best->cols[j].name);
		/* The same name but for case and punctuation: a rename. */
		const char *sep = "; to rename: ";
		for (size_t f = 0; f < c.nfields; f++)
			for (size_t j = 0; j < best->ncols; j++)
				if (likeness(c.fields[f], best->cols[j].name) == 2) {
					if (!rc) rc = pl_buf_printf(out, "%s'%.60s' -> %s", sep, c.fields[f],
					                    best->cols[j].name);
					sep = ", ";
				}
		sep = "; missing: ";
		for (size_t j = 0; j < best->ncols; j++) {
			int there = 0;
			for (size_t f = 0; f < c.nfields; f++)
				there |= likeness(c.fields[f], best->cols[j].name) >= 2;
			if (!there) {
				if (!rc) rc = pl_buf_printf(out, "%s%s%s", sep, best->cols[j].name,
				                    best->cols[j].required ? " (required)" : "");
				sep = ", ";
			}
		}
		sep = "; unknown: ";
		for (size_t f = 0; f < c.nfields; f++) {
			int known = 0;
			for (size_t j = 0; j < best->ncols; j++)
				known |= likeness(c.fields[f], best->cols[j].name) >= 2;
			if (!known) {
				if (!rc) rc = pl_buf_printf(out, "%s'%.60s'", sep, c.fields[f]);
				sep = ", ";
			}
		}
		if (best_missing == 0 && c.nfields == best->ncols)
			if (!rc) rc = pl_buf_puts(out, "; the columns are all there but in another order");
	}
	if (!rc) rc = pl_buf_puts(out, ".  Rename the columns, or import with --map FILE naming which of "
	                       "your columns holds each of parley's (docs/formats.md, \"Your own "
	                       "spreadsheet\"), or name a format with --format");
	pl_csv_free(&c);
	return rc ? -1 : 1;
}

/* ---------------------------------------------------------------- */
/* Your own spreadsheet, through a column mapping (--map FILE)       */
/* ---------------------------------------------------------------- */

struct pl_csv_map {
	const pl_concept *concept;
	char *header[32];   /* the file's header for each column, or NULL */
	char *constant[32]; /* a fixed value for each column, or NULL */
	char *text;         /* the map file, which the strings above point into */
};

int pl_csv_map_rank(const pl_csv_map *m)
{
	return (int)(m->concept - pl_concept_at(0));
}

void pl_csv_map_free(pl_csv_map *m)
{
	if (!m)
		return;
	free(m->text);
	free(m);
}

/* One "name=value" line of a map: value unquoted, or a "constant". */
static int map_line(pl_csv_map *m, const char *path, long line, char *s, char **concept,
                    char *names[32], char *values[32], int quoted[32], size_t *n,
                    parley_err *err)
{
	char *eq = strchr(s, '=');
	if (!eq)
		return parley_err_set(err, PARLEY_EINVAL, "%s:%ld: expected 'column=Your header'",
		                      path, line);
	*eq = '\0';
	char *name = pl_trim(s), *value = pl_trim(eq + 1);
	size_t vl = strlen(value);
	int q = vl >= 2 && value[0] == '"' && value[vl - 1] == '"';
	if (q) {
		value[vl - 1] = '\0';
		value++;
	}
	if (strcmp(name, "concept") == 0) {
		*concept = value;
		return PARLEY_OK;
	}
	if (!*name || (!q && !*value))
		return parley_err_set(err, PARLEY_EINVAL, "%s:%ld: '%s=' needs a column on each side",
		                      path, line, name);
	if (*n == 32)
		return parley_err_set(err, PARLEY_EINVAL, "%s:%ld: too many columns", path, line);
	(void)m;
	names[*n] = name;
	values[*n] = value;
	quoted[*n] = q;
	++*n;
	return PARLEY_OK;
}

int pl_csv_map_load(const char *path, pl_csv_map **out, parley_err *err)
{
	*out = NULL;
	pl_csv_map *m = calloc(1, sizeof *m);
	if (!m)
		return parley_err_set(err, PARLEY_ENOMEM, "out of memory");
	size_t len;
	int rc = pl_read_file(path, 1 << 20, &m->text, &len, err);
	if (!rc && (memchr(m->text, '\0', len) || pl_utf8_invalid_at(m->text, len) >= 0))
		rc = parley_err_set(err, PARLEY_EINVAL, "%s: not UTF-8 text", path);
	char *concept = NULL, *names[32], *values[32];
	int quoted[32];
	size_t n = 0;
	long line = 0;
	for (char *p = rc ? NULL : m->text; p && *p && !rc;) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		line++;
		char *t = pl_trim(p);
		if (*t && *t != '#')
			rc = map_line(m, path, line, t, &concept, names, values, quoted, &n, err);
		p = nl ? nl + 1 : NULL;
	}
	if (!rc && !n)
		rc = parley_err_set(err, PARLEY_EINVAL, "%s: maps no column", path);
	/* The concept: named, else the only one that has every mapped column. */
	if (!rc && concept) {
		if (!(m->concept = pl_concept_find(concept)))
			rc = parley_err_set(err, PARLEY_EINVAL, "%s: concept=%s is not a concept", path,
			                    concept);
	} else if (!rc) {
		size_t found = 0;
		for (size_t i = 0; i < pl_concept_count(); i++) {
			const pl_concept *k = pl_concept_at(i);
			size_t j = 0;
			while (j < n && pl_concept_col(k, names[j]) >= 0)
				j++;
			if (j == n) {
				found++;
				m->concept = k;
			}
		}
		if (found != 1)
			rc = parley_err_set(err, PARLEY_EINVAL,
			                    "%s: %s concept has these columns; add a line 'concept=NAME'",
			                    path, found ? "more than one" : "no");
	}
	for (size_t j = 0; !rc && j < n; j++) {
		int i = pl_concept_col(m->concept, names[j]);
		if (i < 0)
			rc = parley_err_set(err, PARLEY_EINVAL, "%s: %s has no column '%s'", path,
			                    m->concept->name, names[j]);
		else if (quoted[j])
			m->constant[i] = values[j];
		else
			m->header[i] = values[j];
	}
	if (rc) {
		pl_csv_map_free(m);
		return rc;
	}
	*out = m;
	return PARLEY_OK;
}

/* The index of a header in the file: exact, else ignoring case and
 * surrounding blanks (spreadsheets pad and capitalise freely); -1. */
static long find_header(char **fields, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(fields[i], name) == 0)
			return (long)i;
	for (size_t i = 0; i < n; i++) {
		const char *f = fields[i];
		while (isspace((unsigned char)*f))
			f++;
		size_t fl = strlen(f);
		while (fl && isspace((unsigned char)f[fl - 1]))
			fl--;
		if (fl == strlen(name) && strncasecmp(f, name, fl) == 0)
			return (long)i;
	}
	return -1;
}

int pl_csv_read_mapped(pl_import *imp, const pl_csv_map *m, const char *path, FILE *fp)
{
	const pl_concept *k = m->concept;
	csv_in in;
	csv_in_init(&in, fp);
	pl_csv *cp = &in.c;
	parley_err err = {0, ""};
	long at[32];
	int r = csv_in_next(&in, &err), rc = PARLEY_OK;
	if (r < 0) {
		csv_in_report(imp, path, &in, r, NULL, &err);
		csv_in_free(&in);
		return PARLEY_EDATA;
	}
	if (r == 0) {
		pl_import_report(imp, PARLEY_ERROR, path, 1, 0, NULL, NULL, "bad-header", "%s",
		                 "the file is empty");
		csv_in_free(&in);
		return PARLEY_EDATA;
	}
	for (size_t i = 0; i < k->ncols; i++) {
		at[i] = -1;
		if (!m->header[i])
			continue;
		if ((at[i] = find_header(cp->fields, cp->nfields, m->header[i])) < 0) {
			pl_import_report(imp, PARLEY_ERROR, path, 1, 0, NULL, k->cols[i].name,
			                 "map-missing-column",
			                 "the map takes %s from the column '%s', which the header lacks",
			                 k->cols[i].name, m->header[i]);
			rc = PARLEY_EDATA;
		}
	}
	/* Say which of the file's columns the import leaves out. */
	pl_buf left;
	pl_buf_init(&left, 4096);
	for (size_t f = 0; f < cp->nfields; f++) {
		int used = 0;
		for (size_t i = 0; i < k->ncols; i++)
			used |= at[i] == (long)f;
		if (!used)
			pl_buf_addf(&left, "%s'%.60s'", left.len ? ", " : "", cp->fields[f]);
	}
	if (left.len)
		pl_import_report(imp, PARLEY_INFO, path, 1, 0, NULL, NULL, "map-unused",
		                 "columns not imported (the map names none of them): %s", left.data);
	pl_buf_free(&left);
	size_t nheader = cp->nfields;
	while (!rc && (r = csv_in_next(&in, &err)) == 1) {
		if (cp->nfields == 1 && cp->fields[0][0] == '\0')
			continue; /* blank line */
		if (cp->nfields != nheader) {
			pl_import_report(imp, PARLEY_ERROR, path, cp->line, 0, NULL, NULL, "field-count",
			                 "expected %zu fields as in the header, found %zu", nheader,
			                 cp->nfields);
			rc = PARLEY_EDATA;
			continue;
		}
		const char *vals[32];
		for (size_t i = 0; i < k->ncols; i++)
			vals[i] = at[i] >= 0 ? cp->fields[at[i]] : m->constant[i];
		if (pl_import_put(imp, k, vals, path, cp->line))
			rc = PARLEY_EDATA;
	}
	if (r < 0) {
		csv_in_report(imp, path, &in, r, NULL, &err);
		rc = PARLEY_EDATA;
	}
	csv_in_free(&in);
	return rc;
}
