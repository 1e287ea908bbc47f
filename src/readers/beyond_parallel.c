/*
 * beyond_parallel.c - reader for the think tank's original file behind the
 * CSIS Beyond Parallel interactive "China-DPRK High Level Visits Since 1953"
 * (2017-03-17): 161 rows 'leader,id,date,total_amount,group,Grant start
 * date,start_month,type,location'.
 *
 * The file names no visitor: each row becomes a visit between CHN and PRK
 * with an unidentified visitor at level at_least_ministerial (the think tank
 * counted only Foreign Minister and above).  'location' is where the visit
 * took place, so it is the host and the other country the visitor's.  The
 * Summit/Non-summit flag and the leadership period are kept in the note,
 * not turned into a visitor.  Dates are written 'M/D/YYYY - M/D/YYYY' (also
 * with '-' or '?' between, or one 'M/D/YY' date).  A date that cannot exist
 * (line 14 has '9/31/1969') is a fault of the source, not of the import: it
 * is reported as a warning naming the line, and that end date stays unknown,
 * so that the real file imports whole; so is an end before the start
 * (entry 147: '7/10/2011 - 7/12/2010').  The location 'Norh' (entry 126)
 * is read as North Korea, with a warning.
 */
#include "readers.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BP_CITATION                                                                    \
	"CSIS Beyond Parallel, \"China-DPRK High Level Visits Since 1953\", interactive " \
	"data visualisation, Center for Strategic and International Studies, 17 March 2017"

/* Parses 'M/D/Y' at *p (Y of 2 or 4 digits), moving *p past it.  Two-digit
 * years are 1950-2049 (the data run 1953-2016).  Returns 0 when the text
 * has that shape (the date may still not exist), -1 otherwise. */
static int parse_mdy(const char **p, int *y, int *m, int *d)
{
	const char *s = *p;
	char *e;
	long v[3];
	for (int i = 0; i < 3; i++) {
		if (!isdigit((unsigned char)*s))
			return -1;
		v[i] = strtol(s, &e, 10);
		int digits = (int)(e - s);
		if (i < 2 && (digits > 2 || *e != '/'))
			return -1;
		if (i == 2) {
			if (digits == 2)
				v[2] += v[2] < 50 ? 2000 : 1900;
			else if (digits != 4)
				return -1;
		}
		s = e + (i < 2);
	}
	*m = (int)v[0];
	*d = (int)v[1];
	*y = (int)v[2];
	*p = s;
	return 0;
}

/* Formats and validates; returns 1 when the day exists. */
static int fmt_date(int y, int m, int d, char *out, size_t cap)
{
	snprintf(out, cap, "%04d-%02d-%02d", y, m, d);
	return rd_valid_date(out);
}

static int read_bp(pl_import *imp, const char *path, const char *data, size_t len)
{
	pl_csv csv;
	parley_err err;
	rd_counts n = {0};
	char source[24];
	int rc, header = 1;
	int src_ok = rd_put_source(imp, NULL, BP_CITATION,
	                           "China-DPRK High Level Visits Since 1953",
	                           "Center for Strategic and International Studies (Beyond Parallel)",
	                           "2017-03-17", source, sizeof source, path, 1) == PARLEY_OK;
	if (src_ok)
		n.sources++;

	pl_csv_init(&csv, data, len, ',');
	while ((rc = pl_csv_next(&csv, &err)) == 1) {
		if (header) {
			header = 0;
			continue;
		}
		if (csv.nfields == 1 && !csv.fields[0][0])
			continue;
		n.records++;
		if (csv.nfields < 9) {
			pl_import_report(imp, PARLEY_ERROR, path, csv.line, 0, NULL, NULL, "bad-row",
			                 "expected 9 fields, found %zu", csv.nfields);
			n.bad++;
			continue;
		}
		const char *period = csv.fields[0], *id = csv.fields[1], *date = csv.fields[2];
		const char *flag = csv.fields[7], *loc = csv.fields[8];
		char start[16], end[16] = "", vid[64], note[512] = "";
		const char *p = date;
		int y, m, d;

		if (parse_mdy(&p, &y, &m, &d) < 0 || !fmt_date(y, m, d, start, sizeof start)) {
			pl_import_report(imp, PARLEY_ERROR, path, csv.line, csv.field_col[2], NULL,
			                 "date", "bad-date", "'%s' does not start with a valid M/D/Y date",
			                 date);
			n.bad++;
			continue;
		}
		while (*p == ' ')
			p++;
		if (*p == '-' || *p == '?') {
			p++;
			while (*p == ' ')
				p++;
			if (parse_mdy(&p, &y, &m, &d) < 0 || *p) {
				pl_import_report(imp, PARLEY_ERROR, path, csv.line, csv.field_col[2], NULL,
				                 "date", "bad-date", "'%s' is not 'M/D/Y - M/D/Y'", date);
				n.bad++;
				continue;
			}
			if (!fmt_date(y, m, d, end, sizeof end)) {
				pl_import_report(imp, PARLEY_WARNING, path, csv.line, csv.field_col[2], NULL,
				                 "date", "impossible-date",
				                 "end date %d/%d/%d in '%s' does not exist; the visit is kept "
				                 "with its end date unknown",
				                 m, d, y, date);
				snprintf(note, sizeof note,
				         "the source gives the end date as %d/%d/%d, which does not exist; "
				         "end left unknown. ", m, d, y);
				end[0] = '\0';
			}
			if (*end && strcmp(end, start) < 0) {
				pl_import_report(imp, PARLEY_WARNING, path, csv.line, csv.field_col[2], NULL,
				                 "date", "end-before-start",
				                 "end date %s is before the start %s in '%s'; the visit is "
				                 "kept with its end date unknown",
				                 end, start, date);
				snprintf(note, sizeof note,
				         "the source gives the end date as %d/%d/%d, before the start; end "
				         "left unknown. ",
				         m, d, y);
				end[0] = '\0';
			}
		} else if (*p) {
			pl_import_report(imp, PARLEY_ERROR, path, csv.line, csv.field_col[2], NULL,
			                 "date", "bad-date", "unexpected text after the date in '%s'",
			                 date);
			n.bad++;
			continue;
		} else {
			pl_strlcpy(end, start, sizeof end); /* one date: a one-day entry */
		}
		const char *to, *from;
		if (strcmp(loc, "China") == 0) {
			to = "CHN";
			from = "PRK";
		} else if (strcmp(loc, "North Korea") == 0) {
			to = "PRK";
			from = "CHN";
		} else if (strncmp(loc, "Nor", 3) == 0 && strlen(loc) < 12) {
			/* 'Norh' (entry 126): a misspelling of North Korea, the only
			 * location starting so; imported and reported */
			pl_import_report(imp, PARLEY_WARNING, path, csv.line, csv.field_col[8], NULL,
			                 "location", "location-misspelt",
			                 "location '%s' read as 'North Korea'", loc);
			to = "PRK";
			from = "CHN";
		} else {
			pl_import_unmapped(imp, path, csv.line, "location",
			                   "location '%s' is neither China nor North Korea; row skipped",
			                   loc);
			n.unmapped++;
			continue;
		}
		char *e;
		long num = strtol(id, &e, 10);
		if (!*id || *e || num <= 0) {
			pl_import_report(imp, PARLEY_ERROR, path, csv.line, csv.field_col[1], NULL, "id",
			                 "bad-number", "'%s' is not a row id", id);
			n.bad++;
			continue;
		}
		snprintf(vid, sizeof vid, "bp2016-%03ld", num);
		size_t nl = strlen(note);
		snprintf(note + nl, sizeof note - nl,
		         "Beyond Parallel 2016 entry %ld: period '%s', flag '%s'%s", num, period, flag,
		         strcmp(flag, "Summit") == 0 ? " (the visitor is not named by the source)" : "");

		rd_row r;
		rd_row_init(&r, "visit");
		rd_set(&r, "id", vid);
		rd_set(&r, "visitor_label", "unidentified (Beyond Parallel entry)");
		rd_set(&r, "level", "at_least_ministerial");
		rd_set(&r, "from_country", from);
		rd_set(&r, "to_country", to);
		rd_set(&r, "start_date", start);
		rd_set(&r, "end_date", end);
		rd_set(&r, "type", "unknown");
		rd_set(&r, "status", "confirmed");
		rd_set(&r, "note", note);
		if (rd_put(imp, &r, path, csv.line) != PARLEY_OK) {
			n.bad++;
			continue;
		}
		n.visits++;
		if (src_ok) {
			rd_row_init(&r, "visit_source");
			rd_set(&r, "visit", vid);
			rd_set(&r, "source", source);
			rd_setf(&r, "passage", "entry %ld: %s, %s, %s", num, date, flag, loc);
			rd_put(imp, &r, path, csv.line);
		}
		rd_put_extid(imp, "visit", vid, "beyond-parallel-2016", id, path, csv.line);
	}
	if (rc < 0) {
		pl_import_report(imp, PARLEY_ERROR, path, csv.line, 0, NULL, NULL,
		                 csv.bad_field ? "nul-byte" : "bad-csv", "%s",
		                 err.msg);
		n.bad++;
	}
	pl_csv_free(&csv);
	rd_report_counts(imp, path, "beyond-parallel-2016", &n);
	return PARLEY_OK;
}

static int detect_bp(const char *path, const char *head, size_t n)
{
	(void)path;
	return rd_head_starts(head, n, "leader,id,date,total_amount,group") ? 90 : 0;
}

const pl_reader pl_reader_beyond_parallel = {"beyond-parallel-2016", detect_bp, read_bp, true};
