/*
 * lines.c - the records of a file through one bounded buffer, so that an
 * import's memory follows its longest record, not the file (issue 13:
 * imports that stream).  The buffer grows only while one record does not
 * fit, up to the limit the caller gives; a longer record is an error naming
 * the line it starts on.
 *
 * Two kinds of record: an NDJSON line (ends at LF; a CR before it is the
 * JSON's own whitespace), and a CSV record, which ends at LF, CRLF or a bare
 * CR outside quotes, as csv.c reads them (a quoted field may span lines).
 */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define FIRST_CAP ((size_t)1 << 20)

void pl_lines_init(pl_lines *l, FILE *f, size_t max, int csv)
{
	memset(l, 0, sizeof *l);
	l->f = f;
	l->max = max;
	l->csv = csv;
	l->next_line = 1;
}

void pl_lines_free(pl_lines *l)
{
	free(l->buf);
	l->buf = NULL;
	l->cap = l->start = l->end = l->scan = 0;
}

int pl_lines_rewind(pl_lines *l, parley_err *err)
{
	return pl_lines_seek(l, 0, 1, err);
}

int pl_lines_seek(pl_lines *l, long long at, long line, parley_err *err)
{
	if (fseeko(l->f, (off_t)at, SEEK_SET) != 0)
		return parley_err_set(err, PARLEY_EIO, "cannot read the file again: %s", strerror(errno));
	clearerr(l->f);
	l->start = l->end = l->scan = 0;
	l->inq = 0;
	l->pending = 0;
	l->line = 0;
	l->next_line = line;
	l->base = l->at = at;
	l->eof = 0;
	return PARLEY_OK;
}

/* Hands out buf[start, start+len) as the record, consuming term more bytes. */
static int take(pl_lines *l, const char **p, size_t *n, size_t len, size_t term)
{
	*p = l->buf + l->start;
	*n = len;
	l->at = l->base + (long long)l->start;
	l->line = l->next_line;
	l->next_line += 1 + l->pending;
	l->start += len + term;
	l->scan = 0;
	l->inq = 0;
	l->pending = 0;
	return 1;
}

/* Looks for the end of the pending record in what is buffered: 1 when
 * found (handed out), 0 when more bytes are needed. */
static int find_end(pl_lines *l, const char **p, size_t *n)
{
	char *b = l->buf + l->start;
	size_t have = l->end - l->start;
	if (!l->csv) {
		char *nl = l->scan < have ? memchr(b + l->scan, '\n', have - l->scan) : NULL;
		if (nl)
			return take(l, p, n, (size_t)(nl - b), 1);
		l->scan = have;
		return 0;
	}
	for (size_t i = l->scan; i < have; i++) {
		char c = b[i];
		if (c == '"') {
			l->inq ^= 1;
		} else if (c == '\n' || c == '\r') {
			int crlf = c == '\r' && i + 1 < have && b[i + 1] == '\n';
			if (c == '\r' && i + 1 == have && !l->eof) {
				l->scan = i; /* CR or CRLF: decided by the next byte */
				return 0;
			}
			if (!l->inq)
				return take(l, p, n, i, crlf ? 2 : 1);
			l->pending++;
			i += (size_t)crlf;
		}
	}
	l->scan = have;
	return 0;
}

int pl_lines_next(pl_lines *l, const char **p, size_t *n, parley_err *err)
{
	for (;;) {
		if (l->buf && find_end(l, p, n))
			return 1;
		if (l->eof) {
			if (l->end > l->start) /* the last record, without a line end */
				return take(l, p, n, l->end - l->start, 0);
			return 0;
		}
		/* keep the partial record at the front; grow only when it fills the buffer */
		if (l->start) {
			memmove(l->buf, l->buf + l->start, l->end - l->start);
			l->base += (long long)l->start;
			l->end -= l->start;
			l->start = 0;
		}
		if (l->end == l->cap) {
			if (l->cap >= l->max)
				return parley_err_set(err, PARLEY_ELIMIT,
				                      "line %ld: a %s longer than %zu bytes (the most one may hold)",
				                      l->next_line, l->csv ? "CSV record" : "line", l->max);
			size_t cap = l->cap ? l->cap * 2 : FIRST_CAP;
			if (cap > l->max)
				cap = l->max;
			char *b = realloc(l->buf, cap);
			if (!b)
				return parley_err_set(err, PARLEY_ENOMEM, "out of memory reading a line");
			l->buf = b;
			l->cap = cap;
		}
		size_t got = fread(l->buf + l->end, 1, l->cap - l->end, l->f);
		l->end += got;
		if (got == 0) {
			if (ferror(l->f))
				return parley_err_set(err, PARLEY_EIO, "read failed: %s", strerror(errno));
			l->eof = 1;
		}
	}
}
