/*
 * report.c - a list of findings (errors, warnings, notes) about records or
 * input files, for import, check and discovery.
 *
 * Each finding owns copies of its strings, so callers may pass temporary
 * buffers.  Reports are bounded (PL_REPORT_MAX findings); past that one
 * last finding says how many more were dropped, so a file with a million
 * bad lines cannot exhaust memory.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#define PL_REPORT_MAX 100000

struct parley_report {
	parley_finding *items;
	size_t n, cap;
	size_t dropped;
	size_t counts[3];
};

parley_report *parley_report_new(void)
{
	return calloc(1, sizeof(parley_report));
}

static void finding_free(parley_finding *f)
{
	free((char *)f->file);
	free((char *)f->record);
	free((char *)f->field);
	free((char *)f->code);
	free((char *)f->message);
}

void parley_report_free(parley_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++)
		finding_free(&r->items[i]);
	free(r->items);
	free(r);
}

int parley_report_add(parley_report *r, parley_severity sev, const char *file,
                      long line, long column, const char *record,
                      const char *field, const char *code, const char *fmt, ...)
{
	if (!r)
		return PARLEY_OK;
	if ((unsigned)sev <= 2)
		r->counts[sev]++;
	if (r->n >= PL_REPORT_MAX) {
		r->dropped++;
		return PARLEY_OK;
	}
	parley_finding *p = pl_grow(r->items, &r->cap, r->n + 1, sizeof *p, 16);
	if (!p)
		return PARLEY_ENOMEM;
	r->items = p;
	pl_buf msg;
	pl_buf_init(&msg, 4096);
	va_list ap;
	va_start(ap, fmt);
	int rc = pl_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	if (rc == PARLEY_ELIMIT) {
		pl_buf_reset(&msg);
		rc = pl_buf_puts(&msg, "(message too long)");
	}
	parley_finding f = {sev, pl_strdup(file), line, column, pl_strdup(record),
	                    pl_strdup(field), pl_strdup(code), pl_buf_take(&msg)};
	if (rc || !f.message || (file && !f.file) || (record && !f.record) ||
	    (field && !f.field) || (code && !f.code)) {
		finding_free(&f);
		return PARLEY_ENOMEM;
	}
	r->items[r->n++] = f;
	return PARLEY_OK;
}

size_t parley_report_count(const parley_report *r)
{
	return r ? r->n : 0;
}

size_t parley_report_count_severity(const parley_report *r, parley_severity s)
{
	return r && (unsigned)s <= 2 ? r->counts[s] : 0;
}

const parley_finding *parley_report_get(const parley_report *r, size_t i)
{
	return r && i < r->n ? &r->items[i] : NULL;
}

static const char *sev_name(parley_severity s)
{
	return s == PARLEY_ERROR ? "error" : s == PARLEY_WARNING ? "warning" : "info";
}

void parley_report_print(const parley_report *r, FILE *out, int min_severity)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		const parley_finding *f = &r->items[i];
		if ((int)f->severity > min_severity)
			continue;
		if (f->file) {
			fputs(f->file, out);
			if (f->line)
				fprintf(out, ":%ld", f->line);
			if (f->column)
				fprintf(out, ":%ld", f->column);
			fputs(": ", out);
		}
		fprintf(out, "%s: ", sev_name(f->severity));
		if (f->record)
			fprintf(out, "%s: ", f->record);
		if (f->field)
			fprintf(out, "%s: ", f->field);
		fputs(f->message, out);
		if (f->code)
			fprintf(out, " [%s]", f->code);
		fputc('\n', out);
	}
	if (r->dropped)
		fprintf(out, "(%zu more findings not listed)\n", r->dropped);
}

int parley_report_print_json(const parley_report *r, FILE *out, parley_err *err)
{
	pl_buf b;
	pl_buf_init(&b, 0);
	int rc = pl_buf_putc(&b, '[');
	for (size_t i = 0; r && !rc && i < r->n; i++) {
		const parley_finding *f = &r->items[i];
		json_t *o = json_pack("{s:s,s:o,s:I,s:I,s:o,s:o,s:o,s:o}", "severity",
		                      sev_name(f->severity), "file", pl_json_text(f->file), "line",
		                      (json_int_t)f->line, "column", (json_int_t)f->column, "record",
		                      pl_json_text(f->record), "field", pl_json_text(f->field), "code",
		                      pl_json_text(f->code), "message", pl_json_text(f->message));
		rc = pl_json_item(&b, i, "\n ", o);
	}
	if (!rc) rc = pl_buf_puts(&b, r && r->n ? "\n]\n" : "]\n");
	if (rc) {
		pl_buf_free(&b);
		return parley_err_set(err, PARLEY_ENOMEM, "out of memory writing the report");
	}
	rc = fwrite(b.data, 1, b.len, out) == b.len ? PARLEY_OK
	         : parley_err_set(err, PARLEY_EIO, "writing the report failed");
	pl_buf_free(&b);
	return rc;
}
