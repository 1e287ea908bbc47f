/*
 * textw.c - terminal text: display width and the one aligned-table printer.
 *
 * Width is display width (libutf8proc): Hangul, Hanzi and other wide
 * characters take two columns, combining marks none, so tables stay aligned
 * whatever script the names are in.  The CLI's tables and the analysis
 * tables both print through parley_text_table().
 */
#include "internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* Byte length of the longest prefix of s at most cols columns wide (all of
 * s when cols is SIZE_MAX); its width into *wout.  A bad byte counts one. */
static size_t prefix_bytes(const char *s, size_t cols, size_t *wout)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t left = (utf8proc_ssize_t)strlen(s);
	size_t w = 0, i = 0;
	while (left > 0) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate(p + i, left, &cp);
		if (n < 1) {
			n = 1;
			cp = '?';
		}
		int cw = utf8proc_charwidth(cp);
		size_t x = cw > 0 ? (size_t)cw : 0;
		if (w + x > cols)
			break;
		w += x;
		i += (size_t)n;
		left -= n;
	}
	*wout = w;
	return i;
}

size_t pl_display_width(const char *s)
{
	size_t w;
	prefix_bytes(s, SIZE_MAX, &w);
	return w;
}

static void pad(FILE *out, size_t n)
{
	while (n--)
		fputc(' ', out);
}

int parley_text_table(FILE *out, const char *const *cells, size_t nrows, size_t ncols,
                  const bool *right, size_t max_width)
{
	size_t *w = calloc(ncols ? ncols : 1, sizeof *w);
	if (!w)
		return PARLEY_ENOMEM;
	if (!max_width)
		max_width = SIZE_MAX;
	for (size_t r = 0; r < nrows; r++)
		for (size_t c = 0; c < ncols; c++) {
			size_t x = pl_display_width(cells[r * ncols + c]);
			if (x > max_width)
				x = max_width;
			if (x > w[c])
				w[c] = x;
		}
	for (size_t r = 0; r < nrows; r++)
		pl_text_row(out, cells + r * ncols, ncols, w, right, max_width);
	free(w);
	return ferror(out) ? PARLEY_EIO : PARLEY_OK;
}

void pl_text_row(FILE *out, const char *const *cells, size_t ncols, const size_t *w,
                 const bool *right, size_t max_width)
{
	if (!max_width)
		max_width = SIZE_MAX;
	for (size_t c = 0; c < ncols; c++) {
		const char *s = cells[c];
		size_t x = pl_display_width(s), n = strlen(s);
		int cut = x > max_width;
		if (cut) {
			n = prefix_bytes(s, max_width - 1, &x);
			x++;
		}
		if (c)
			fputs("  ", out);
		if (right && right[c])
			pad(out, w[c] - x);
		fwrite(s, 1, n, out);
		if (cut)
			fputs("…", out);
		if (!(right && right[c]) && c + 1 < ncols)
			pad(out, w[c] - x);
	}
	fputc('\n', out);
}
