/*
 * import_csv.c - the canonical CSV reader: one concept per file, the header
 * naming exactly that concept's columns in order (docs/formats.md).
 */
#include "internal.h"

#include <string.h>

/* The concept whose column list is exactly this header, or NULL. */
static const pl_concept *concept_of_header(char **fields, size_t n)
{
	for (size_t i = 0; i < pl_concept_count(); i++) {
		const pl_concept *c = pl_concept_at(i);
		if (c->ncols != n)
			continue;
		size_t j = 0;
		while (j < n && strcmp(fields[j], c->cols[j].name) == 0)
			j++;
		if (j == n)
			return c;
	}
	return NULL;
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

/* Invalid UTF-8 is found value by value by pl_import_put (naming the line
 * and the field), and a NUL byte by the CSV parser (likewise), so the whole
 * file is not checked up front. */
static int csv_read(pl_import *imp, const char *path, const char *data, size_t len)
{
	pl_csv c;
	pl_csv_init(&c, data, len, ',');
	parley_err err = {0, ""};
	int r = pl_csv_next(&c, &err);
	const pl_concept *concept = r == 1 ? concept_of_header(c.fields, c.nfields) : NULL;
	if (!concept) {
		pl_import_report(imp, PARLEY_ERROR, path, 1, 0, NULL, NULL, "bad-header",
		                 "the header does not name a concept's columns (see docs/formats.md)");
		pl_csv_free(&c);
		return PARLEY_EDATA;
	}
	int rc = PARLEY_OK;
	while ((r = pl_csv_next(&c, &err)) == 1) {
		if (c.nfields == 1 && c.fields[0][0] == '\0')
			continue; /* blank line */
		if (c.nfields != concept->ncols) {
			pl_import_report(imp, PARLEY_ERROR, path, c.line, 0, NULL, NULL, "field-count",
			                 "expected %zu fields (%s), found %zu", concept->ncols,
			                 concept->name, c.nfields);
			rc = PARLEY_EDATA;
			continue;
		}
		if (pl_import_put(imp, concept, (const char *const *)c.fields, path, c.line))
			rc = PARLEY_EDATA;
	}
	if (r < 0) {
		const char *field = c.bad_field && c.bad_field <= concept->ncols
		                        ? concept->cols[c.bad_field - 1].name
		                        : NULL;
		pl_import_report(imp, PARLEY_ERROR, path, c.line, 0, NULL, field,
		                 c.bad_field ? "nul-byte" : "bad-csv", "%s", err.msg);
		rc = PARLEY_EDATA;
	}
	pl_csv_free(&c);
	return rc;
}

const pl_reader pl_reader_csv = {"csv", csv_detect, csv_read, true};
