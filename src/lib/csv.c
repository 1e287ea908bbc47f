/*
 * csv.c - an RFC 4180 reader over a buffer in memory.
 *
 * Real files differ in their line ends (the COW file ends lines with a bare
 * CR and has no final terminator), so LF, CRLF and CR all end a record.  A
 * quoted field may hold separators, doubled quotes and line breaks; text
 * after a closing quote, or a quote that never closes, is an error naming
 * the line and column.  Field text is copied into one backing buffer so the
 * input is never modified.
 *
 * A NUL byte is an error too: field text is handed out as C strings, so a
 * NUL would silently cut the value short.  The error names the field by
 * its header name (the first record is taken as the header for that).
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

void pl_csv_init(pl_csv *c, const char *data, size_t len, char sep)
{
	memset(c, 0, sizeof *c);
	c->p = data;
	c->end = data + len;
	c->sep = sep;
	c->next_line = 1;
	pl_buf_init(&c->store, 0);
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		c->p += 3;
}

void pl_csv_feed(pl_csv *c, const char *data, size_t len, long line)
{
	c->p = data;
	c->end = data + len;
	c->next_line = line;
}

void pl_csv_free(pl_csv *c)
{
	free(c->fields);
	free(c->field_col);
	free(c->offsets);
	free(c->header);
	pl_buf_free(&c->store);
	memset(c, 0, sizeof *c);
}

static int push_field(pl_csv *c, long col)
{
	if (c->nfields == c->fields_cap) {
		size_t cap = c->fields_cap ? c->fields_cap * 2 : 32;
		char **f = realloc(c->fields, cap * sizeof *f);
		if (!f)
			return PARLEY_ENOMEM;
		c->fields = f;
		long *fc = realloc(c->field_col, cap * sizeof *fc);
		if (!fc)
			return PARLEY_ENOMEM;
		c->field_col = fc;
		size_t *o = realloc(c->offsets, cap * sizeof *o);
		if (!o)
			return PARLEY_ENOMEM;
		c->offsets = o;
		c->fields_cap = cap;
	}
	c->offsets[c->nfields] = c->store.len;
	c->field_col[c->nfields] = col;
	c->nfields++;
	return PARLEY_OK;
}

/* The error for a NUL byte at p in the field being read. */
static int nul_error(pl_csv *c, long line, long col, parley_err *err)
{
	size_t field = c->nfields; /* 1-based: the field just pushed */
	const char *name = NULL;
	const char *h = c->header;
	for (size_t i = 1; h && i <= c->nheader; i++, h += strlen(h) + 1)
		if (i == field)
			name = h;
	c->bad_field = field;
	if (name)
		return parley_err_set(err, PARLEY_EDATA,
		                      "line %ld, column %ld, field %zu (%.60s): NUL byte in the text",
		                      line, col, field, name);
	return parley_err_set(err, PARLEY_EDATA,
	                      "line %ld, column %ld, field %zu: NUL byte in the text", line, col,
	                      field);
}

/* Keeps the first record's fields as the header, for naming fields in errors. */
static void keep_header(pl_csv *c)
{
	size_t n = 0;
	for (size_t i = 0; i < c->nfields; i++)
		n += strlen(c->fields[i]) + 1;
	c->header = malloc(n ? n : 1);
	if (!c->header)
		return; /* errors then name the field by number only */
	char *o = c->header;
	for (size_t i = 0; i < c->nfields; i++) {
		size_t k = strlen(c->fields[i]) + 1;
		memcpy(o, c->fields[i], k);
		o += k;
	}
	c->nheader = c->nfields;
}

/* Consumes one line end at p if there is one; returns its length. */
static size_t eol(const char *p, const char *end)
{
	if (p < end && *p == '\r')
		return p + 1 < end && p[1] == '\n' ? 2 : 1;
	if (p < end && *p == '\n')
		return 1;
	return 0;
}

int pl_csv_next(pl_csv *c, parley_err *err)
{
	if (c->p >= c->end)
		return 0;
	c->nfields = 0;
	pl_buf_reset(&c->store);
	c->line = c->next_line;
	long line = c->line;
	const char *line_start = c->p;
	const char *p = c->p;
	int rc;
	for (;;) {
		long col = (long)(p - line_start) + 1;
		if ((rc = push_field(c, col)))
			return parley_err_set(err, rc, "out of memory reading CSV");
		if (p < c->end && *p == '"') {
			long qline = line, qcol = col;
			p++;
			for (;;) {
				if (p >= c->end)
					return parley_err_set(err, PARLEY_EDATA,
					                      "line %ld, column %ld: quoted field never closed",
					                      qline, qcol);
				if (*p == '\0')
					return nul_error(c, line, (long)(p - line_start) + 1, err);
				if (*p == '"') {
					if (p + 1 < c->end && p[1] == '"') {
						rc = pl_buf_putc(&c->store, '"');
						p += 2;
					} else {
						p++;
						break;
					}
				} else {
					size_t e = eol(p, c->end);
					if (e) {
						line++;
						line_start = p + e;
					}
					rc = pl_buf_append(&c->store, p, e ? e : 1);
					p += e ? e : 1;
				}
				if (rc)
					return parley_err_set(err, rc, "out of memory reading CSV");
			}
			if (p < c->end && *p != c->sep && !eol(p, c->end))
				return parley_err_set(err, PARLEY_EDATA,
				                      "line %ld, column %ld: text after a closing quote",
				                      line, (long)(p - line_start) + 1);
		} else {
			const char *s = p;
			while (p < c->end && *p != c->sep && *p != '\n' && *p != '\r') {
				if (*p == '"')
					return parley_err_set(err, PARLEY_EDATA,
					                      "line %ld, column %ld: quote inside an unquoted field",
					                      line, (long)(p - line_start) + 1);
				if (*p == '\0')
					return nul_error(c, line, (long)(p - line_start) + 1, err);
				p++;
			}
			if ((rc = pl_buf_append(&c->store, s, (size_t)(p - s))))
				return parley_err_set(err, rc, "out of memory reading CSV");
		}
		if ((rc = pl_buf_putc(&c->store, '\0')))
			return parley_err_set(err, rc, "out of memory reading CSV");
		if (p < c->end && *p == c->sep) {
			p++;
			continue;
		}
		p += eol(p, c->end);
		break;
	}
	c->p = p;
	c->next_line = line + 1;
	for (size_t i = 0; i < c->nfields; i++)
		c->fields[i] = c->store.data + c->offsets[i];
	if (!c->header)
		keep_header(c);
	return 1;
}

/* The writer side: the one CSV writer every module uses.
 *
 * Quoting (both policies): a field is quoted only when it holds a comma,
 * quote, CR or LF, so plain values stay readable.
 *
 * The formula guard (PL_CSV_SHEET only): a field that a spreadsheet would run
 * as a formula (first character '=', '+', '-', '@', TAB or CR) is written
 * quoted with a leading apostrophe, so it shows as text.  A plain number
 * ("-12.5") is data, not a formula, and is left alone.  The canonical export
 * (PL_CSV_CANONICAL) never guards: it must import back byte for byte, and it
 * is read by parley, not by a spreadsheet.  docs/formats.md says which output
 * uses which policy. */
static int csv_guard(const char *s, pl_csv_policy pol)
{
	if (pol != PL_CSV_SHEET || !strchr("=+-@\t\r", s[0]) || !s[0])
		return 0;
	return !((s[0] == '-' || s[0] == '+') && s[1] && strspn(s + 1, "0123456789.") == strlen(s + 1));
}

int pl_csv_field(pl_buf *b, const char *s, pl_csv_policy pol)
{
	if (!s)
		return PARLEY_OK;
	int guard = csv_guard(s, pol);
	if (!guard && !strpbrk(s, ",\"\r\n"))
		return pl_buf_puts(b, s);
	int rc = pl_buf_putc(b, '"');
	if (!rc && guard)
		rc = pl_buf_putc(b, '\'');
	for (const char *p = s; *p && !rc; p++)
		rc = *p == '"' ? pl_buf_append(b, "\"\"", 2) : pl_buf_putc(b, *p);
	return rc ? rc : pl_buf_putc(b, '"');
}

/* For streams: the same bytes as pl_csv_field() with PL_CSV_SHEET; every
 * CSV written to a FILE is a download or a report, never the canonical
 * export.  Write errors show in ferror(out), which the callers check. */
void pl_csv_write_field(FILE *out, const char *s)
{
	if (!s)
		return;
	int guard = csv_guard(s, PL_CSV_SHEET);
	if (!guard && !strpbrk(s, ",\"\r\n")) {
		fputs(s, out);
		return;
	}
	fputs(guard ? "\"'" : "\"", out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}
