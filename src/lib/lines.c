/*
 * lines.c - the lines of a file through one bounded buffer, so a reader's
 * memory follows its longest line, not the file (issue 13: imports that
 * stream).  The buffer grows only while a single line does not fit, up to
 * the limit the caller gives.
 */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define FIRST_CAP ((size_t)1 << 20)

void pl_lines_init(pl_lines *l, FILE *f, size_t max)
{
	memset(l, 0, sizeof *l);
	l->f = f;
	l->max = max;
}

void pl_lines_free(pl_lines *l)
{
	free(l->buf);
	l->buf = NULL;
	l->cap = l->start = l->end = 0;
}

int pl_lines_rewind(pl_lines *l, parley_err *err)
{
	if (fseek(l->f, 0, SEEK_SET) != 0)
		return parley_err_set(err, PARLEY_EIO, "cannot read the file again: %s", strerror(errno));
	clearerr(l->f);
	l->start = l->end = 0;
	l->line = 0;
	l->base = l->at = 0;
	l->eof = 0;
	return PARLEY_OK;
}

int pl_lines_next(pl_lines *l, const char **p, size_t *n, parley_err *err)
{
	for (;;) {
		char *from = l->buf + l->start;
		char *nl = l->end > l->start ? memchr(from, '\n', l->end - l->start) : NULL;
		if (nl || (l->eof && l->end > l->start)) {
			*p = from;
			l->at = l->base + l->start;
			*n = nl ? (size_t)(nl - from) : l->end - l->start;
			l->start = nl ? (size_t)(nl - l->buf) + 1 : l->end;
			l->line++;
			return 1;
		}
		if (l->eof)
			return 0;
		/* keep the partial line at the front; grow only when it fills the buffer */
		if (l->start) {
			memmove(l->buf, from, l->end - l->start);
			l->base += (long long)l->start;
			l->end -= l->start;
			l->start = 0;
		}
		if (l->end == l->cap) {
			if (l->cap >= l->max)
				return parley_err_set(err, PARLEY_ELIMIT, "line %ld is longer than %zu bytes",
				                      l->line + 1, l->max);
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
