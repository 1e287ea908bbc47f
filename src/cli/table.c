/*
 * table.c - aligned text tables, and capturing a library call's JSON.
 */
#include "cli.h"
#include "table.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

struct cli_table {
	size_t ncols, nrows, cap;
	char **cells; /* nrows * ncols, row-major; row 0 is the header */
};

cli_table *cli_table_new(size_t ncols, const char *const *headers)
{
	cli_table *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->ncols = ncols;
	if (cli_table_add(t, headers)) {
		cli_table_free(t);
		return NULL;
	}
	return t;
}

void cli_table_free(cli_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}

int cli_table_add(cli_table *t, const char *const *cells)
{
	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 32;
		char **c = realloc(t->cells, cap * t->ncols * sizeof *c);
		if (!c)
			return PARLEY_ENOMEM;
		t->cells = c;
		t->cap = cap;
	}
	for (size_t i = 0; i < t->ncols; i++) {
		char *s = strdup(cells[i] ? cells[i] : "");
		if (!s)
			return PARLEY_ENOMEM;
		/* one line per cell */
		for (char *p = s; *p; p++)
			if (*p == '\n' || *p == '\r' || *p == '\t')
				*p = ' ';
		t->cells[t->nrows * t->ncols + i] = s;
	}
	t->nrows++;
	return PARLEY_OK;
}

/* Terminal columns of s: Hangul, Hanzi and other wide characters take two,
 * combining marks none (utf8proc_charwidth); a bad byte counts one. */
static size_t width(const char *s)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t left = (utf8proc_ssize_t)strlen(s);
	size_t w = 0;
	while (left > 0) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
		if (n < 1) {
			n = 1;
			cp = '?';
		}
		int cw = utf8proc_charwidth(cp);
		w += cw > 0 ? (size_t)cw : 0;
		p += n;
		left -= n;
	}
	return w;
}

/* Byte length of the longest prefix of s at most cols columns wide; its
 * width into *wout. */
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

void cli_table_print(const cli_table *t, FILE *out, size_t max_width)
{
	size_t *w = calloc(t->ncols, sizeof *w);
	if (!w)
		return;
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++) {
			size_t x = width(t->cells[r * t->ncols + c]);
			if (x > max_width)
				x = max_width;
			if (x > w[c])
				w[c] = x;
		}
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			const char *s = t->cells[r * t->ncols + c];
			size_t x = width(s);
			int last = c + 1 == t->ncols;
			if (x > max_width) {
				size_t cw;
				fwrite(s, 1, prefix_bytes(s, max_width - 1, &cw), out);
				fputs("…", out);
				x = cw + 1;
			} else {
				fputs(s, out);
			}
			if (!last)
				for (size_t k = x; k < w[c] + 2; k++)
					fputc(' ', out);
		}
		fputc('\n', out);
	}
	free(w);
}

json_t *cli_capture_json(cli_json_fn fn, void *ctx, parley_err *err)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	if (!m) {
		parley_err_set(err, PARLEY_ENOMEM, "out of memory");
		return NULL;
	}
	int rc = fn(ctx, m, err);
	fclose(m);
	json_t *v = NULL;
	if (!rc) {
		json_error_t je;
		v = json_loadb(buf, len, 0, &je);
		if (!v)
			parley_err_set(err, PARLEY_EDATA, "internal: unreadable JSON: %s", je.text);
	}
	free(buf);
	return v;
}

const char *cli_str(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));
	return s ? s : "";
}
