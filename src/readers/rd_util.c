/*
 * rd_util.c - the row builder and small helpers every dataset reader uses
 * (see readers.h).  Rows are built by column name so that a reader reads
 * like the mapping it implements and survives a column being added.
 */
#include "readers.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rd_row_init(rd_row *r, const char *concept)
{
	memset(r, 0, sizeof *r);
	r->c = pl_concept_find(concept);
	assert(r->c && r->c->ncols <= RD_MAXCOLS);
}

void rd_set(rd_row *r, const char *col, const char *v)
{
	int i = pl_concept_col(r->c, col);
	assert(i >= 0);
	if (i < 0)
		return;
	free(r->v[i]);
	r->v[i] = (v && *v) ? pl_strdup(v) : NULL;
	if (v && *v && !r->v[i])
		r->oom = 1; /* a row missing a value it was given must not be stored */
}

void rd_setf(rd_row *r, const char *col, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	rd_set(r, col, buf);
}

const char *rd_get(const rd_row *r, const char *col)
{
	int i = pl_concept_col(r->c, col);
	return i >= 0 ? r->v[i] : NULL;
}

void rd_row_free(rd_row *r)
{
	for (size_t i = 0; i < RD_MAXCOLS; i++) {
		free(r->v[i]);
		r->v[i] = NULL;
	}
	r->oom = 0;
}

int rd_put(pl_import *imp, rd_row *r, const char *file, long line)
{
	const char *vals[RD_MAXCOLS];
	if (r->oom) {
		rd_row_free(r);
		pl_import_report(imp, PARLEY_ERROR, file, line, 0, NULL, NULL, "out-of-memory",
		                 "out of memory building a %s row; row skipped", r->c->name);
		return PARLEY_ENOMEM;
	}
	for (size_t i = 0; i < RD_MAXCOLS; i++)
		vals[i] = r->v[i];
	int rc = pl_import_put(imp, r->c, vals, file, line);
	rd_row_free(r);
	return rc;
}

void rd_report_counts(pl_import *imp, const char *file, const char *format,
                      const rd_counts *n)
{
	pl_import_report(imp, PARLEY_INFO, file, 0, 0, NULL, NULL, "imported",
	                 "%s: read %ld records; imported %ld visits, %ld people, %ld offices, "
	                 "%ld tenures, %ld countries, %ld sources, %ld places; %ld bad, %ld unmapped",
	                 format, n->records, n->visits, n->people, n->offices, n->tenures,
	                 n->countries, n->sources, n->places, n->bad, n->unmapped);
}

int rd_country_exists(pl_import *imp, const char *code)
{
	return pl_country_exists(pl_import_db(imp), code);
}

/* State numbers with no country row of their own.  260 (German Federal
 * Republic) is ISO 3166's DEU; 816/815 (Vietnam) is VNM; 340 (Serbia before
 * 1918, a Gleditsch-Ward code) is SRB; 563, 564 and 711 are Gleditsch-Ward
 * codes for states COW does not list. */
static const struct {
	long ccode;
	const char *code;
} cow_fold[] = {
    {260, "DEU"}, {340, "SRB"}, {563, "TRA"}, {564, "OFS"}, {711, "TBT"}, {815, "VNM"},
};

int rd_country_by_cow(pl_import *imp, long ccode, const char *date, char *out, size_t cap)
{
	int found = pl_country_by_cow_code(pl_import_db(imp), ccode, date, out, cap);
	if (found)
		return 1;
	for (size_t i = 0; i < PL_ARRAY_LEN(cow_fold); i++)
		if (cow_fold[i].ccode == ccode && rd_country_exists(imp, cow_fold[i].code)) {
			pl_strlcpy(out, cow_fold[i].code, cap);
			return 1;
		}
	return 0;
}

char *rd_norm_space(const char *s, char *out, size_t cap)
{
	size_t o = 0;
	int space = 0, cut = 0;
	if (cap == 0)
		return out;
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p;) {
		size_t w = 1;
		int is_space = (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' ||
		                *p == '\f' || *p == '\v');
		if (p[0] == 0xC2 && p[1] == 0xA0) { /* no-break space */
			is_space = 1;
			w = 2;
		}
		if (is_space) {
			space = 1;
			p += w;
			continue;
		}
		if (space && o > 0) {
			if (o + 1 < cap)
				out[o++] = ' ';
			else
				cut = 1;
		}
		space = 0;
		if (o + 1 < cap)
			out[o++] = (char)*p;
		else
			cut = 1;
		p++;
	}
	/* Never cut a UTF-8 sequence in half when truncated: drop a last
	 * sequence that lost bytes (a text that fitted exactly is kept whole). */
	if (cut) {
		o = pl_utf8_whole(out, o);
		while (o > 0 && out[o - 1] == ' ')
			o--;
	}
	out[o] = '\0';
	return out;
}

int rd_valid_date(const char *s)
{
	if (!s || !*s)
		return 0;
	parley_date d;
	return parley_date_parse(s, strlen(s), &d, NULL) == PARLEY_OK;
}

char *rd_lower(char *s)
{
	for (char *p = s; p && *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return s;
}

const char *rd_skip_bom(const char *s, size_t *n)
{
	if (*n >= 3 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB &&
	    (unsigned char)s[2] == 0xBF) {
		*n -= 3;
		return s + 3;
	}
	return s;
}

int rd_head_starts(const char *head, size_t n, const char *prefix)
{
	if (!head)
		return 0;
	head = rd_skip_bom(head, &n);
	size_t k = strlen(prefix);
	return n >= k && memcmp(head, prefix, k) == 0;
}

int rd_put_source(pl_import *imp, const char *url, const char *citation,
                  const char *title, const char *publisher, const char *published,
                  char *id, size_t cap, const char *file, long line)
{
	rd_row r;
	pl_source_id(url && *url ? url : citation, id, cap);
	rd_row_init(&r, "source");
	rd_set(&r, "id", id);
	rd_set(&r, "url", url);
	rd_set(&r, "citation", citation);
	rd_set(&r, "title", title);
	rd_set(&r, "publisher", publisher);
	rd_set(&r, "published", published);
	return rd_put(imp, &r, file, line);
}

int rd_put_extid(pl_import *imp, const char *entity, const char *entity_id,
                 const char *scheme, const char *value, const char *file, long line)
{
	rd_row r;
	rd_row_init(&r, "external_id");
	rd_set(&r, "entity", entity);
	rd_set(&r, "entity_id", entity_id);
	rd_set(&r, "scheme", scheme);
	rd_set(&r, "value", value);
	return rd_put(imp, &r, file, line);
}

int rd_seen_has(const rd_seen *s, const char *key)
{
	return pl_map_find(s, key, strlen(key)) != NULL;
}

int rd_seen_add(rd_seen *s, const char *key)
{
	int added;
	return pl_map_put(s, key, strlen(key), &added) ? added : PARLEY_ENOMEM;
}

void rd_seen_free(rd_seen *s)
{
	pl_map_free(s);
}

int rd_person_exists(pl_import *imp, const char *id)
{
	return pl_person_exists(pl_import_db(imp), id);
}
