/*
 * an_out.c - printing analysis results: aligned tables, CSV, Markdown, JSON.
 *
 * Each analysis builds an an_table of text cells once and prints it in the
 * format asked for, so the three tabular formats always carry the same
 * figures.  JSON is built by each analysis as a jansson value (it has nested id
 * lists) with the helpers here, and written by the one JSON writer.
 */
#include "an.h"
#include "internal.h" /* pl_csv_write_field, pl_json_*, parley_text_table */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *an_fmt(an_arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	char *p = an_alloc(a, (size_t)n + 1);
	if (!p)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

int an_table_row(an_table *t, const char *const *cells)
{
	if (t->nrows == t->caprows) {
		size_t nc = t->caprows ? t->caprows * 2 : 32;
		const char **p = an_alloc(t->arena, nc * t->ncols * sizeof *p);
		if (!p)
			return PARLEY_ENOMEM;
		if (t->nrows)
			memcpy(p, t->cells, t->nrows * t->ncols * sizeof *p);
		t->cells = p;
		t->caprows = nc;
	}
	for (size_t i = 0; i < t->ncols; i++)
		t->cells[t->nrows * t->ncols + i] = cells[i] ? cells[i] : "";
	t->nrows++;
	return PARLEY_OK;
}

int an_check_format(const char *format, parley_err *err)
{
	static const char *const ok[] = {"table", "csv", "json", "md"};
	for (size_t i = 0; i < 4; i++)
		if (format && strcmp(format, ok[i]) == 0)
			return PARLEY_OK;
	return parley_err_set(err, PARLEY_EINVAL,
	                      "analysis: format '%s' is not one of table, csv, json, md",
	                      format ? format : "");
}

int an_write_begin(const void *obj, const FILE *out, const char *fn, const char **format,
                   parley_err *err)
{
	if (!obj || !out)
		return parley_err_set(err, PARLEY_EINVAL, "%s: NULL argument", fn);
	if (!*format)
		*format = "table";
	return an_check_format(*format, err);
}

static void md_cell(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			fputs("\\|", out);
		else if (*s == '\n')
			fputc(' ', out);
		else
			fputc(*s, out);
	}
}

int an_table_write(const an_table *t, const char *format, FILE *out, parley_err *err)
{
	if (strcmp(format, "csv") == 0) {
		for (size_t r = 0; r <= t->nrows; r++) {
			for (size_t c = 0; c < t->ncols; c++) {
				if (c)
					fputc(',', out);
				pl_csv_write_field(out, r == 0 ? t->head[c] : t->cells[(r - 1) * t->ncols + c]);
			}
			fputc('\n', out);
		}
	} else if (strcmp(format, "md") == 0) {
		for (size_t r = 0; r <= t->nrows; r++) {
			fputc('|', out);
			for (size_t c = 0; c < t->ncols; c++) {
				fputc(' ', out);
				md_cell(out, r == 0 ? t->head[c] : t->cells[(r - 1) * t->ncols + c]);
				fputs(" |", out);
			}
			fputc('\n', out);
			if (r == 0) {
				fputc('|', out);
				for (size_t c = 0; c < t->ncols; c++)
					fputs(t->right && t->right[c] ? " ---: |" : " --- |", out);
				fputc('\n', out);
			}
		}
	} else {
		/* row 0 is the header: the cells follow it in one row-major list */
		const char **all = malloc((t->nrows + 1) * t->ncols * sizeof *all + 1);
		if (!all)
			return parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory printing");
		memcpy(all, t->head, t->ncols * sizeof *all);
		if (t->nrows)
			memcpy(all + t->ncols, t->cells, t->nrows * t->ncols * sizeof *all);
		int rc = parley_text_table(out, all, t->nrows + 1, t->ncols, t->right, 0);
		free(all);
		if (rc == PARLEY_ENOMEM)
			return parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory printing");
	}
	if (ferror(out))
		return parley_err_set(err, PARLEY_EIO, "analysis: writing the output failed");
	return PARLEY_OK;
}

json_t *an_json_ids(parley_ids ids)
{
	return pl_json_ids(ids.ids, ids.n);
}

json_t *an_json_count(parley_ids ids)
{
	return json_pack("{s:I,s:o}", "count", (json_int_t)ids.n, "ids", an_json_ids(ids));
}

int an_json_write(json_t *j, FILE *out, parley_err *err)
{
	return pl_json_fwrite_line(out, j, "analysis", err);
}

void an_explain(FILE *out, const char *label, parley_ids ids)
{
	fprintf(out, "  %s (%zu):", label, ids.n);
	for (size_t i = 0; i < ids.n; i++)
		fprintf(out, "%s %s", i ? "," : "", ids.ids[i]);
	fputc('\n', out);
}

const char *an_ids_join(an_arena *a, parley_ids ids)
{
	size_t len = 1;
	for (size_t q = 0; q < ids.n; q++)
		len += strlen(ids.ids[q]) + 1;
	char *s = an_alloc(a, len);
	if (!s)
		return NULL;
	size_t off = 0;
	for (size_t q = 0; q < ids.n; q++)
		off += (size_t)snprintf(s + off, len - off, "%s%s", q ? " " : "", ids.ids[q]);
	return s;
}
