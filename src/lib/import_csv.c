/*
 * import_csv.c - the canonical CSV reader: one concept per file, the header
 * naming exactly that concept's columns in order (docs/formats.md).
 */
#include "internal.h"

#include <string.h>

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

/* Longest CSV record (its lines, when a quoted field spans several). */
#define CSV_RECORD_MAX ((size_t)16 << 20)

typedef struct csv_state {
	const pl_concept *concept; /* from the header; NULL before it */
	size_t nhead;              /* fields of the header (fewer than ncols: an older one) */
	int failed;                /* a syntax error stopped the reading */
} csv_state;

/* The records of one piece of the file (whole records, starting on line
 * line0 at byte at0): the header first, then rows. */
static int csv_piece(pl_import *imp, const char *path, csv_state *st, const char *data,
                     size_t len, long line0, long long at0)
{
	if (pl_import_require_utf8_at(imp, path, data, len, line0, at0))
		return PARLEY_EDATA;
	pl_csv c;
	pl_csv_init(&c, data, len, ',');
	c.next_line = line0;
	parley_err err = {0, ""};
	int r, rc = PARLEY_OK;
	/* No concept has more than 24 columns (checked at the header). */
	const char *row[24];
	while ((r = pl_csv_next(&c, &err)) == 1) {
		if (!st->concept) {
			st->concept = concept_of_header(c.fields, c.nfields);
			st->nhead = c.nfields;
			if (!st->concept || st->concept->ncols > PL_ARRAY_LEN(row)) {
				pl_import_report(imp, PARLEY_ERROR, path, c.line, 0, NULL, NULL, "bad-header",
				                 st->concept ? "concept has too many columns"
				                             : "the header does not name a concept's columns (see docs/formats.md)");
				st->failed = 1;
				rc = PARLEY_EDATA;
				break;
			}
			continue;
		}
		if (c.nfields == 1 && c.fields[0][0] == '\0')
			continue; /* blank line */
		if (c.nfields != st->nhead) {
			pl_import_report(imp, PARLEY_ERROR, path, c.line, 0, NULL, NULL, "field-count",
			                 "expected %zu fields (%s), found %zu", st->nhead, st->concept->name,
			                 c.nfields);
			rc = PARLEY_EDATA;
			continue;
		}
		for (size_t j = 0; j < st->concept->ncols; j++)
			row[j] = j < st->nhead ? c.fields[j] : "";
		if (pl_import_put(imp, st->concept, row, path, c.line))
			rc = PARLEY_EDATA;
	}
	if (r < 0) {
		pl_import_report(imp, PARLEY_ERROR, path, 0, 0, NULL, NULL, "bad-csv", "%s", err.msg);
		st->failed = 1;
		rc = PARLEY_EDATA;
	}
	pl_csv_free(&c);
	return rc;
}

/* CSV streams: lines are gathered into one record (a quoted field may span
 * lines: an odd count of quotes so far means the record goes on) and each
 * record is read and put as it comes, so memory follows the longest record,
 * never the file. */
static int csv_stream(pl_import *imp, const char *path, FILE *f)
{
	pl_lines l;
	pl_lines_init(&l, f, CSV_RECORD_MAX);
	pl_buf rec;
	pl_buf_init(&rec, CSV_RECORD_MAX);
	parley_err err = {0, ""};
	csv_state st = {NULL, 0, 0};
	const char *p;
	size_t n, quotes = 0;
	long line0 = 1;
	long long at0 = 0;
	int r, rc = PARLEY_OK, open = 0;
	while (!st.failed && (r = pl_lines_next(&l, &p, &n, &err)) == 1) {
		if (!open) {
			line0 = l.line;
			at0 = l.at;
			quotes = 0;
			pl_buf_reset(&rec);
		}
		if ((open && pl_buf_putc(&rec, '\n')) || pl_buf_append(&rec, p, n)) {
			r = parley_err_set(&err, PARLEY_ELIMIT, "line %ld: a record longer than %zu bytes",
			                   line0, CSV_RECORD_MAX);
			break;
		}
		for (size_t i = 0; i < n; i++)
			quotes += p[i] == '"';
		open = quotes % 2 == 1;
		if (!open && rec.len && csv_piece(imp, path, &st, rec.data, rec.len, line0, at0))
			rc = PARLEY_EDATA;
	}
	/* a quoted field never closed: pl_csv names it */
	if (!st.failed && r == 0 && open && csv_piece(imp, path, &st, rec.data, rec.len, line0, at0))
		rc = PARLEY_EDATA;
	if (!st.failed && r == 0 && !st.concept) {
		pl_import_report(imp, PARLEY_ERROR, path, 1, 0, NULL, NULL, "bad-header",
		                 "the header does not name a concept's columns (see docs/formats.md)");
		rc = PARLEY_EDATA;
	}
	pl_buf_free(&rec);
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
static int csv_read(pl_import *imp, const char *path, const char *data, size_t len)
{
	FILE *f = len ? fmemopen((void *)data, len, "rb") : fopen("/dev/null", "rb");
	if (!f) {
		pl_import_report(imp, PARLEY_ERROR, path, 0, 0, NULL, NULL, "read-failed",
		                 "cannot read the file from memory");
		return PARLEY_ENOMEM;
	}
	int r = csv_stream(imp, path, f);
	fclose(f);
	return r;
}

const pl_reader pl_reader_csv = {"csv", csv_detect, csv_read, csv_stream, 0};
