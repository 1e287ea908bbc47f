/*
 * readers.h - helpers shared by the readers of real public datasets.
 *
 * A reader turns one file into concept rows.  These helpers build a row by
 * column name (so a reader does not depend on column order), put it into the
 * import, count what was put, look countries up in the store, and handle the
 * small text chores every dataset needs (dates, slugs, white space).
 * Private to src/readers/.
 */
#ifndef PARLEY_READERS_H
#define PARLEY_READERS_H

#include "internal.h"

#define RD_MAXCOLS 20

/* One row of a concept under construction.  Values are copies owned by the
 * row; rd_put() frees them. */
typedef struct rd_row {
	const pl_concept *c;
	char *v[RD_MAXCOLS];
	int oom; /* a value could not be copied: rd_put() refuses the row */
} rd_row;

/* Counts a reader reports at the end ("imported N visits, ..."). */
typedef struct rd_counts {
	long records;  /* input records read */
	long visits, people, offices, tenures, countries, sources, places;
	long bad;      /* records rejected (each reported) */
	long unmapped; /* values not mapped (each reported) */
} rd_counts;

/* Starts an empty row of the named concept (which must exist). */
void rd_row_init(rd_row *r, const char *concept);
/* Sets a column (copying v; NULL or "" clears it).  Unknown column names are
 * a programming error and abort in debug builds. */
void rd_set(rd_row *r, const char *col, const char *v);
void rd_setf(rd_row *r, const char *col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
const char *rd_get(const rd_row *r, const char *col);
/* Puts the row into the import and frees its values.  Returns the status of
 * pl_import_put (PARLEY_EDATA when the row was reported as bad), or
 * PARLEY_ENOMEM (reported) when a value could not be copied. */
int rd_put(pl_import *imp, rd_row *r, const char *file, long line);
void rd_row_free(rd_row *r);

/* Writes the INFO finding with the counts. */
void rd_report_counts(pl_import *imp, const char *file, const char *format,
                      const rd_counts *n);

/* Looks up the country code of a COW/Gleditsch-Ward state number in the
 * store (country.cow_code), choosing among rows sharing the number the one
 * whose start..end covers date (may be NULL).  A few numbers that have no row
 * of their own are folded into another row (docs/readers.md).  Writes the
 * code into out (>= 8 bytes); returns 1 when found, 0 when not. */
int rd_country_by_cow(pl_import *imp, long ccode, const char *date, char *out, size_t cap);
/* 1 when a country row with this code exists in the store. */
int rd_country_exists(pl_import *imp, const char *code);

/* Copies s into out with runs of white space (ASCII and U+00A0) made one
 * space, trimmed.  Returns out. */
char *rd_norm_space(const char *s, char *out, size_t cap);
/* 1 when s is a valid 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD' date. */
int rd_valid_date(const char *s);
/* Lower-cases ASCII letters in place; returns s. */
char *rd_lower(char *s);
/* Skips a UTF-8 BOM. */
const char *rd_skip_bom(const char *s, size_t *n);
/* 1 when the first line of head (BOM skipped) starts with prefix. */
int rd_head_starts(const char *head, size_t n, const char *prefix);
/* Puts a source row with url (and optional citation, title, publisher,
 * published) and writes its id into id (>= 20 bytes). */
int rd_put_source(pl_import *imp, const char *url, const char *citation,
                  const char *title, const char *publisher, const char *published,
                  char *id, size_t cap, const char *file, long line);
/* Puts an external_id row. */
int rd_put_extid(pl_import *imp, const char *entity, const char *entity_id,
                 const char *scheme, const char *value, const char *file, long line);

/* The country code for a COW state abbreviation ('UKG' -> 'GBR'), or NULL
 * (cow.c).  Static string. */
const char *pl_cow_abb_to_code(const char *abb);

/* A set of strings, to count distinct things and to spot repeats.  Free
 * with rd_seen_free(). */
typedef pl_map rd_seen; /* the one hash map (map.c) */
/* 1 when s was added (not seen before), 0 when already there, negative on
 * out of memory. */
int rd_seen_add(rd_seen *s, const char *key);
int rd_seen_has(const rd_seen *s, const char *key);
void rd_seen_free(rd_seen *s);

/* Office of the Historian country slug -> country code, decided by label
 * and date where the slug's meaning changed (hos_countries.c).  NULL when
 * the slug is unknown.  Static string. */
const char *pl_hos_country(const char *slug, const char *label, const char *date);
size_t pl_hos_slug_count(void);

/* 1 when a person with this id is already in the store (a reader then
 * leaves the fuller row another source wrote alone). */
int rd_person_exists(pl_import *imp, const char *id);

#endif /* PARLEY_READERS_H */
