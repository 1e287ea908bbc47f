/*
 * table.c - aligned text tables, and capturing a library call's JSON.
 */
#include "cli.h"
#include "table.h"

#include <stdlib.h>
#include <string.h>

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

/* Through the one aligned-table printer (src/lib/textw.c): display width,
 * so Hangul and Hanzi take two columns. */
void cli_table_print(const cli_table *t, FILE *out, size_t max_width)
{
	parley_text_table(out, (const char *const *)t->cells, t->nrows, t->ncols, NULL, max_width);
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
