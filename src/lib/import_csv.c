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

static int csv_read(pl_import *imp, const char *path, const char *data, size_t len)
{
	if (pl_import_require_utf8(imp, path, data, len))
		return PARLEY_EDATA;
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
	size_t nhead = c.nfields; /* fewer than ncols for an older header */
	/* No concept has more than 24 columns (checked below). */
	const char *row[24];
	if (concept->ncols > PL_ARRAY_LEN(row)) {
		pl_import_report(imp, PARLEY_ERROR, path, 1, 0, NULL, NULL, "bad-header",
		                 "concept %s has too many columns", concept->name);
		pl_csv_free(&c);
		return PARLEY_EDATA;
	}
	while ((r = pl_csv_next(&c, &err)) == 1) {
		if (c.nfields == 1 && c.fields[0][0] == '\0')
			continue; /* blank line */
		if (c.nfields != nhead) {
			pl_import_report(imp, PARLEY_ERROR, path, c.line, 0, NULL, NULL, "field-count",
			                 "expected %zu fields (%s), found %zu", nhead, concept->name,
			                 c.nfields);
			rc = PARLEY_EDATA;
			continue;
		}
		for (size_t j = 0; j < concept->ncols; j++)
			row[j] = j < nhead ? c.fields[j] : "";
		if (pl_import_put(imp, concept, row, path, c.line))
			rc = PARLEY_EDATA;
	}
	if (r < 0) {
		pl_import_report(imp, PARLEY_ERROR, path, 0, 0, NULL, NULL, "bad-csv", "%s", err.msg);
		rc = PARLEY_EDATA;
	}
	pl_csv_free(&c);
	return rc;
}

const pl_reader pl_reader_csv = {"csv", csv_detect, csv_read};
