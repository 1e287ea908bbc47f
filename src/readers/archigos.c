/*
 * archigos.c - readers for Archigos 4.1 (Goemans, Gleditsch and Chiozza),
 * the data set of states' effective leaders: the spell file
 * (archigos_4.1_spells.csv, one row per spell, UTF-8) and the authors'
 * leader-year file (arch_annual.txt: tab-separated, Latin-1, each spell cut
 * at calendar-year ends).
 *
 * Each spell becomes a person (id: slug of the coded name + the first eight
 * hex digits of the Archigos leader UUID, unique over the 2,802 leaders), an
 * office '<iso3>-archigos-leader' (rank paramount_leader) and a tenure with
 * the spell's dates, sourced to Archigos.  The state number maps to a
 * country through the world list in the store (country.cow_code).  Spells
 * still open at the data's end (exit 'Still in Office', censored at
 * 2015-12-31) get no end date: the end is not known from this source.
 */
#include "readers.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARCH_URL "https://www.rochester.edu/college/faculty/hgoemans/data.htm"
#define ARCH_CITATION                                                                  \
	"Goemans, Hein E., Kristian Skrede Gleditsch and Giacomo Chiozza (2009), "        \
	"\"Introducing Archigos: A Data Set of Political Leaders\", Journal of Peace "    \
	"Research 46(2): 269-283. Archigos version 4.1."

/* The columns a spell needs, found by name in the header. */
enum { A_OBSID, A_LEADID, A_CCODE, A_IDACR, A_LEADER, A_START, A_END, A_ENTRY, A_EXIT,
       A_EXITCODE, A_YRBORN, A_YRDIED, A_BORN, A_DIED, A_NCOLS };
static const char *const arch_cols[A_NCOLS] = {
    "obsid", "leadid", "ccode", "idacr", "leader", "startdate", "enddate", "entry",
    "exit", "exitcode", "yrborn", "yrdied", "borndate", "deathdate"};

typedef struct arch_ctx {
	pl_import *imp;
	const char *path;
	const char *format;
	rd_counts n;
	rd_seen people, offices;
	char source[24];
	int source_ok;
} arch_ctx;

/* A usable year from yrborn/yrdied: -777 (alive) and -999 (unknown) are not. */
static int year_ok(const char *s)
{
	char *e;
	long y = strtol(s ? s : "", &e, 10);
	return s && *s && !*e && y > 0 && y < 10000;
}

/* Birth or death date: the full date when valid, else the year. */
static void life_date(arch_ctx *x, long line, const char *field, const char *date,
                      const char *year, char *out, size_t cap)
{
	out[0] = '\0';
	if (date && *date && strcmp(date, "NA") != 0) {
		if (rd_valid_date(date)) {
			pl_strlcpy(out, date, cap);
			return;
		}
		pl_import_report(x->imp, PARLEY_WARNING, x->path, line, 0, NULL, field, "bad-date",
		                 "'%s' is not a date; the year is used instead", date);
	}
	if (year_ok(year))
		pl_strlcpy(out, year, cap);
}

/* The person id already given to a leader UUID (external_id), if any. */
static int leader_person(arch_ctx *x, const char *leadid, char *out, size_t cap)
{
	return pl_person_by_external_id(pl_import_db(x->imp), "archigos-leadid", leadid, out, cap);
}

/* Writes the rows of one spell.  raw has A_NCOLS fields; each is used
 * trimmed (one end date in the spell file has a trailing space). */
static void put_spell(arch_ctx *x, const char *const *raw, long line)
{
	char tbuf[A_NCOLS][512];
	const char *f[A_NCOLS];
	for (int c = 0; c < A_NCOLS; c++) {
		pl_strlcpy(tbuf[c], raw[c] ? raw[c] : "", sizeof tbuf[c]);
		f[c] = pl_trim(tbuf[c]);
	}
	char iso[16], person[160], slug[128], office[48], tenure[256], born[16], died[16];
	char *e;
	long ccode = strtol(f[A_CCODE], &e, 10);

	x->n.records++;
	if (!*f[A_CCODE] || *e) {
		pl_import_report(x->imp, PARLEY_ERROR, x->path, line, 0, f[A_OBSID], "ccode",
		                 "bad-number", "'%s' is not a state number", f[A_CCODE]);
		x->n.bad++;
		return;
	}
	if (!rd_valid_date(f[A_START]) || !rd_valid_date(f[A_END])) {
		pl_import_report(x->imp, PARLEY_ERROR, x->path, line, 0, f[A_OBSID],
		                 rd_valid_date(f[A_START]) ? "enddate" : "startdate", "bad-date",
		                 "spell %s has a bad date ('%s'..'%s')", f[A_OBSID], f[A_START],
		                 f[A_END]);
		x->n.bad++;
		return;
	}
	if (!*f[A_LEADER] || strlen(f[A_LEADID]) < 8) {
		pl_import_report(x->imp, PARLEY_ERROR, x->path, line, 0, f[A_OBSID], "leader",
		                 "missing", "spell %s has no leader name or id", f[A_OBSID]);
		x->n.bad++;
		return;
	}
	if (!rd_country_by_cow(x->imp, ccode, f[A_START], iso, sizeof iso)) {
		pl_import_unmapped(x->imp, x->path, line, "ccode",
		                   "state number %ld (%s) of spell %s has no country in the world "
		                   "list; spell skipped",
		                   ccode, f[A_IDACR], f[A_OBSID]);
		x->n.unmapped++;
		return;
	}
	/* one leader, one person, even where the coded name differs between
	 * spells: the id of the leader's first spell is kept (and found again
	 * by the leader UUID when the other Archigos file was imported) */
	if (!leader_person(x, f[A_LEADID], person, sizeof person)) {
		pl_slug(f[A_LEADER], slug, sizeof slug);
		snprintf(person, sizeof person, "%s-%.8s", slug, f[A_LEADID]);
	}
	char lower[16];
	pl_strlcpy(lower, iso, sizeof lower);
	snprintf(office, sizeof office, "%s-archigos-leader", rd_lower(lower));

	rd_row r;
	if (rd_seen_add(&x->people, f[A_LEADID]) == 1) {
		life_date(x, line, "borndate", f[A_BORN], f[A_YRBORN], born, sizeof born);
		life_date(x, line, "deathdate", f[A_DIED], f[A_YRDIED], died, sizeof died);
		rd_row_init(&r, "person");
		rd_set(&r, "id", person);
		rd_set(&r, "name", f[A_LEADER]);
		rd_set(&r, "country", iso);
		rd_set(&r, "birth_date", born);
		rd_set(&r, "death_date", died);
		rd_set(&r, "note", "name as coded in Archigos 4.1");
		if (rd_put(x->imp, &r, x->path, line) == PARLEY_OK)
			x->n.people++;
		rd_put_extid(x->imp, "person", person, "archigos-leadid", f[A_LEADID], x->path, line);
	}
	if (rd_seen_add(&x->offices, office) == 1) {
		rd_row_init(&r, "office");
		rd_set(&r, "id", office);
		rd_set(&r, "country", iso);
		rd_set(&r, "name", "Effective leader (Archigos)");
		rd_set(&r, "rank", "paramount_leader");
		if (rd_put(x->imp, &r, x->path, line) == PARLEY_OK)
			x->n.offices++;
	}
	int open = strcmp(f[A_EXIT], "Still in Office") == 0;
	snprintf(tenure, sizeof tenure, "%s/%s/%s", office, person, f[A_START]);
	rd_row_init(&r, "tenure");
	rd_set(&r, "id", tenure);
	rd_set(&r, "person", person);
	rd_set(&r, "office", office);
	rd_set(&r, "start_date", f[A_START]);
	rd_set(&r, "end_date", open ? NULL : f[A_END]);
	rd_setf(&r, "start_rule", "Archigos entry: %s", f[A_ENTRY]);
	if (open)
		rd_setf(&r, "note",
		        "Archigos 4.1 spell %s; still in office when the data end (censored at %s); "
		        "the end is not recorded here",
		        f[A_OBSID], f[A_END]);
	else
		rd_setf(&r, "note", "Archigos 4.1 spell %s; exit: %s%s%s", f[A_OBSID], f[A_EXIT],
		        strcmp(f[A_EXITCODE], ".") && *f[A_EXITCODE] ? " - " : "",
		        strcmp(f[A_EXITCODE], ".") ? f[A_EXITCODE] : "");
	if (rd_put(x->imp, &r, x->path, line) != PARLEY_OK) {
		x->n.bad++;
		return;
	}
	x->n.tenures++;
	rd_put_extid(x->imp, "tenure", tenure, "archigos-obsid", f[A_OBSID], x->path, line);
	if (x->source_ok) {
		rd_row_init(&r, "tenure_source");
		rd_set(&r, "tenure", tenure);
		rd_set(&r, "source", x->source);
		rd_put(x->imp, &r, x->path, line);
	}
}

static void ctx_init(arch_ctx *x, pl_import *imp, const char *path, const char *format)
{
	memset(x, 0, sizeof *x);
	x->imp = imp;
	x->path = path;
	x->format = format;
	x->source_ok = rd_put_source(imp, ARCH_URL, ARCH_CITATION, "Archigos: A Data Set on Political Leaders, version 4.1",
	                             "H. E. Goemans, K. S. Gleditsch and G. Chiozza", "2016",
	                             x->source, sizeof x->source, path, 1) == PARLEY_OK;
	if (x->source_ok)
		x->n.sources++;
}

static void ctx_done(arch_ctx *x)
{
	rd_report_counts(x->imp, x->path, x->format, &x->n);
	rd_seen_free(&x->people);
	rd_seen_free(&x->offices);
}

/* Maps header names to column positions; reports the first missing one. */
static int map_header(arch_ctx *x, char *const *fields, size_t nf, int *pos)
{
	for (int c = 0; c < A_NCOLS; c++) {
		pos[c] = -1;
		for (size_t i = 0; i < nf; i++)
			if (strcmp(fields[i], arch_cols[c]) == 0)
				pos[c] = (int)i;
		if (pos[c] < 0) {
			pl_import_report(x->imp, PARLEY_ERROR, x->path, 1, 0, NULL, arch_cols[c],
			                 "missing-column", "the header has no '%s' column", arch_cols[c]);
			return -1;
		}
	}
	return 0;
}

static int read_spells(pl_import *imp, const char *path, const char *data, size_t len)
{
	arch_ctx x;
	pl_csv csv;
	parley_err err;
	int pos[A_NCOLS], rc, header = 1;

	ctx_init(&x, imp, path, "archigos-spells");
	pl_csv_init(&csv, data, len, ',');
	while ((rc = pl_csv_next(&csv, &err)) == 1) {
		if (header) {
			header = 0;
			if (map_header(&x, csv.fields, csv.nfields, pos) < 0)
				break;
			continue;
		}
		if (csv.nfields == 1 && !csv.fields[0][0])
			continue;
		const char *f[A_NCOLS];
		int ok = 1;
		for (int c = 0; c < A_NCOLS; c++) {
			if ((size_t)pos[c] >= csv.nfields) {
				ok = 0;
				break;
			}
			f[c] = csv.fields[pos[c]];
		}
		if (!ok) {
			pl_import_report(imp, PARLEY_ERROR, path, csv.line, 0, NULL, NULL, "bad-row",
			                 "only %zu fields", csv.nfields);
			x.n.records++;
			x.n.bad++;
			continue;
		}
		put_spell(&x, f, csv.line);
	}
	if (rc < 0)
		pl_import_report(imp, PARLEY_ERROR, path, csv.line, 0, NULL, NULL,
		                 csv.bad_field ? "nul-byte" : "bad-csv", "%s",
		                 err.msg);
	pl_csv_free(&csv);
	ctx_done(&x);
	return PARLEY_OK;
}

/* Latin-1 to UTF-8: every byte >= 0x80 is the code point of that value.
 * Caller frees with free(). */
static char *latin1_to_utf8(const char *s, size_t n, size_t *outlen)
{
	if (n > (SIZE_MAX - 1) / 2)
		return NULL;
	char *o = malloc(n * 2 + 1);
	size_t k = 0;
	if (!o)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80) {
			o[k++] = (char)c;
		} else {
			o[k++] = (char)(0xC0 | (c >> 6));
			o[k++] = (char)(0x80 | (c & 0x3F));
		}
	}
	o[k] = '\0';
	*outlen = k;
	return o;
}

/* Splits one line at tabs, in place (no quoting in this format; empty
 * fields are kept, never merged). */
static size_t split_tabs(char *line, char **f, size_t max)
{
	size_t n = 0;
	f[n++] = line;
	for (char *p = line; *p && n < max; p++)
		if (*p == '\t') {
			*p = '\0';
			f[n++] = p + 1;
		}
	return n;
}

static int read_annual(pl_import *imp, const char *path, const char *data, size_t len)
{
	arch_ctx x;
	size_t ulen;
	char *text = latin1_to_utf8(data, len, &ulen);
	if (!text) {
		pl_import_report(imp, PARLEY_ERROR, path, 0, 0, NULL, NULL, "out-of-memory",
		                 "out of memory converting the file from Latin-1");
		return PARLEY_ENOMEM;
	}
	ctx_init(&x, imp, path, "archigos-annual");

	int pos[A_NCOLS];
	char *fields[64];
	char *cur[A_NCOLS] = {0}; /* the spell being gathered: copies */
	long cur_line = 0, line = 0;
	long rows = 0;
	int header = 1;
	char *p = text, *end = text + ulen;

	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *eol = nl ? nl : end;
		if (eol > p && eol[-1] == '\r')
			eol[-1] = '\0';
		*eol = '\0';
		line++;
		char *ln = p;
		p = nl ? nl + 1 : end;
		if (!*ln)
			continue;
		size_t nf = split_tabs(ln, fields, PL_ARRAY_LEN(fields));
		if (header) {
			header = 0;
			if (map_header(&x, fields, nf, pos) < 0)
				break;
			continue;
		}
		rows++;
		int ok = 1;
		for (int c = 0; c < A_NCOLS; c++)
			if ((size_t)pos[c] >= nf)
				ok = 0;
		if (!ok) {
			pl_import_report(imp, PARLEY_ERROR, path, line, 0, NULL, NULL, "bad-row",
			                 "only %zu fields", nf);
			x.n.bad++;
			continue;
		}
		/* a new obsid closes the spell gathered so far */
		if (cur[A_OBSID] && strcmp(cur[A_OBSID], fields[pos[A_OBSID]]) != 0) {
			put_spell(&x, (const char *const *)cur, cur_line);
			for (int c = 0; c < A_NCOLS; c++) {
				free(cur[c]);
				cur[c] = NULL;
			}
		}
		int oom = 0;
		if (!cur[A_OBSID]) {
			for (int c = 0; c < A_NCOLS; c++)
				oom |= !(cur[c] = pl_strdup(fields[pos[c]]));
			cur_line = line;
		} else {
			/* the end, exit and its detail come from the spell's last row */
			static const int last[] = {A_END, A_EXIT, A_EXITCODE};
			for (size_t k = 0; k < PL_ARRAY_LEN(last); k++) {
				free(cur[last[k]]);
				oom |= !(cur[last[k]] = pl_strdup(fields[pos[last[k]]]));
			}
		}
		if (oom) {
			/* a spell with a field lost would be written wrong: stop, say so */
			pl_import_report(imp, PARLEY_ERROR, path, line, 0, NULL, NULL, "out-of-memory",
			                 "out of memory; this row and the rest of the file not read");
			x.n.bad++;
			for (int c = 0; c < A_NCOLS; c++) {
				free(cur[c]);
				cur[c] = NULL;
			}
			break;
		}
	}
	if (cur[A_OBSID])
		put_spell(&x, (const char *const *)cur, cur_line);
	for (int c = 0; c < A_NCOLS; c++)
		free(cur[c]);
	pl_import_report(imp, PARLEY_INFO, path, 0, 0, NULL, NULL, "leader-years",
	                 "archigos-annual: %ld leader-year rows gathered into %ld spells", rows,
	                 x.n.records);
	ctx_done(&x);
	free(text);
	return PARLEY_OK;
}

static int detect_spells(const char *path, const char *head, size_t n)
{
	(void)path;
	return rd_head_starts(head, n, "obsid,leadid,ccode,idacr,leader") ? 90 : 0;
}

static int detect_annual(const char *path, const char *head, size_t n)
{
	(void)path;
	return rd_head_starts(head, n, "obsid\tleadid\tccode\tidacr\tleader") ? 90 : 0;
}

const pl_reader pl_reader_archigos_spells = {"archigos-spells", detect_spells, read_spells, true};
const pl_reader pl_reader_archigos_annual = {"archigos-annual", detect_annual, read_annual, false};
