/*
 * analyst.c - the analyst export: one flat table of visits, a row per
 * visit, with what an analyst otherwise joins by hand (the era of leaders
 * at the visit's date, the visitor's office at the time, the delegation,
 * hosts, places and sources as text), as CSV or as an XLSX workbook, and the
 * data dictionary describing each column.
 *
 * The columns are stated once, in `cols` below, with their descriptions:
 * the CSV header, the workbook's header row, the dictionary sheet and the
 * Markdown dictionary are all written from that one table.  XLSX goes
 * through libxlsxwriter, which writes UTF-8 text as it is, so Hangul and
 * Hanzi open intact in a spreadsheet (a CSV opened by double-click is often
 * read in a legacy code page instead); in its constant-memory mode each
 * cell's text sits inline in the sheet's XML.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

typedef struct acol {
	const char *name;
	const char *desc;
} acol;

static const acol cols[] = {
    {"id", "The visit's identifier in parley (stable; `parley show ID`)."},
    {"start_date", "First day of the visit as recorded: YYYY-MM-DD, or YYYY-MM / YYYY when only "
                   "the month or year is known."},
    {"end_date", "Last day of the visit, same form; empty when not reported."},
    {"date_precision", "How precisely start_date is known: day, month or year."},
    {"end_precision", "How precisely end_date is known: day, month, year, or empty."},
    {"year", "Year of start_date."},
    {"from_country", "Visiting country (ISO 3166-1 alpha-3, or a project code for a defunct state)."},
    {"from_country_name", "Visiting country's name."},
    {"to_country", "Host country (code)."},
    {"to_country_name", "Host country's name."},
    {"direction", "from_country->to_country, e.g. PRK->CHN."},
    {"era", "Leader pair at the visit's first possible day: the paramount leaders of the two "
            "countries, in alphabetical order of their codes (CHN before PRK), joined by ' / '; "
            "the same eras as `parley eras`."},
    {"from_leader", "Paramount leader of the visiting country at the visit's date."},
    {"to_leader", "Paramount leader of the host country at the visit's date."},
    {"visitor_id", "Person id of the visitor; empty when the visitor is unidentified."},
    {"visitor", "The visitor's name (romanised), or the label the source gives when unidentified."},
    {"visitor_native_name", "The visitor's name in native script (Hangul, Hanzi), when known."},
    {"visitor_office_id", "Office of the visitor at the time: the office the record states, else "
                          "the highest-ranked office the visitor held that day (tenures)."},
    {"visitor_office", "Name of that office."},
    {"office_basis", "Where visitor_office comes from: stated (the record), tenure (derived from "
                     "the tenures at the visit's date) or empty (unknown)."},
    {"visitor_title", "The visitor's title at the time, as the source writes it."},
    {"level", "Level of the visit: paramount_leader, head_of_state, head_of_government, deputy, "
              "other_senior, ministerial, vice_ministerial, at_least_ministerial or unknown."},
    {"type", "state, official, unofficial, working, transit, multilateral, private or unknown."},
    {"status", "confirmed, reported, candidate or rejected."},
    {"confidence", "high, medium or low: how sure the record is."},
    {"delegation", "Named members of the visiting delegation, in order, joined by '; ' (detail in "
                   "parentheses)."},
    {"delegation_size", "Number of named delegation members."},
    {"hosts", "Named hosts met, joined by '; '."},
    {"places", "Places visited, in order, joined by '; '."},
    {"activities", "What was done (kind: description), joined by '; '."},
    {"sources", "Source URLs (or citations), joined by ' | '."},
    {"source_count", "Number of sources."},
    {"disputed", "What about the record is disputed and why; empty when nothing is."},
    {"summary", "One-paragraph summary of the visit."},
};

#define NCOLS PL_ARRAY_LEN(cols)

/* The paramount leader of a country at the first day of a date. */
#define LEADER(country)                                                                   \
	"(SELECT p.name FROM tenure t JOIN office o ON o.id = t.office JOIN person p ON p.id = t.person" \
	" WHERE o.country = " country " AND o.rank = 'paramount_leader'"                       \
	" AND parley_first_day(t.start_date) <= parley_first_day(v.start_date)"               \
	" AND (t.end_date IS NULL OR parley_first_day(t.end_date) > parley_first_day(v.start_date))" \
	" ORDER BY parley_first_day(t.start_date) DESC LIMIT 1)"

/* The visitor's highest-ranked office held on the visit's first day. */
#define TENURE_OFFICE                                                                      \
	"(SELECT t.office FROM tenure t JOIN office o ON o.id = t.office"                      \
	" WHERE t.person = v.visitor"                                                          \
	" AND parley_first_day(t.start_date) <= parley_first_day(v.start_date)"               \
	" AND (t.end_date IS NULL OR parley_first_day(t.end_date) > parley_first_day(v.start_date))" \
	" ORDER BY parley_rank(o.rank) DESC, parley_first_day(t.start_date) DESC LIMIT 1)"

#define PRECISION(d) \
	"CASE length(" d ") WHEN 10 THEN 'day' WHEN 7 THEN 'month' WHEN 4 THEN 'year' ELSE '' END"

static const char *const query =
    "SELECT v.id, v.start_date, v.end_date, " PRECISION("v.start_date") ", "
    PRECISION("v.end_date") ", substr(v.start_date, 1, 4),"
    " v.from_country, fc.name, v.to_country, tc.name, v.from_country || '->' || v.to_country,"
    " CASE WHEN v.from_country <= v.to_country THEN coalesce(x.fl, '?') || ' / ' || coalesce(x.tl, '?')"
    "  ELSE coalesce(x.tl, '?') || ' / ' || coalesce(x.fl, '?') END,"
    " x.fl, x.tl, v.visitor, coalesce(p.name, v.visitor_label), p.native_name,"
    " x.office, (SELECT name FROM office WHERE id = x.office),"
    " CASE WHEN v.visitor_office IS NOT NULL THEN 'stated' WHEN x.office IS NOT NULL THEN 'tenure'"
    "  ELSE '' END,"
    " v.visitor_title, v.level, v.type, v.status, v.confidence,"
    " (SELECT group_concat(d, '; ') FROM (SELECT name || coalesce(' (' || detail || ')', '') AS d"
    "  FROM visit_person WHERE visit = v.id AND role = 'companion' ORDER BY seq)),"
    " (SELECT count(*) FROM visit_person WHERE visit = v.id AND role = 'companion'),"
    " (SELECT group_concat(d, '; ') FROM (SELECT name || coalesce(' (' || detail || ')', '') AS d"
    "  FROM visit_person WHERE visit = v.id AND role = 'host' ORDER BY seq)),"
    " (SELECT group_concat(name, '; ') FROM (SELECT name FROM place WHERE visit = v.id ORDER BY seq)),"
    " (SELECT group_concat(d, '; ') FROM (SELECT kind || ': ' || description AS d FROM activity"
    "  WHERE visit = v.id ORDER BY seq)),"
    " (SELECT group_concat(s, ' | ') FROM (SELECT coalesce(s.url, s.citation) AS s FROM visit_source vs"
    "  JOIN source s ON s.id = vs.source WHERE vs.visit = v.id ORDER BY s.url, s.citation)),"
    " (SELECT count(*) FROM visit_source WHERE visit = v.id),"
    " v.disputed, v.summary"
    " FROM (SELECT v.id AS vid, " LEADER("v.from_country") " AS fl, " LEADER("v.to_country") " AS tl,"
    "  coalesce(v.visitor_office, " TENURE_OFFICE ") AS office FROM visit v) x"
    " JOIN visit v ON v.id = x.vid"
    " LEFT JOIN person p ON p.id = v.visitor"
    " LEFT JOIN country fc ON fc.code = v.from_country"
    " LEFT JOIN country tc ON tc.code = v.to_country"
    " ORDER BY parley_first_day(v.start_date), v.id";

/* Columns written as numbers in the workbook. */
static int numeric(size_t i)
{
	return strcmp(cols[i].name, "year") == 0 || strcmp(cols[i].name, "delegation_size") == 0 ||
	       strcmp(cols[i].name, "source_count") == 0;
}

int parley_analyst_dictionary(FILE *out, parley_err *err)
{
	fputs("# Analyst export: data dictionary\n\n"
	      "One row per visit in the store, ordered by start date.  Written by\n"
	      "`parley export --analyst`; the CSV is UTF-8 (RFC 4180), the XLSX holds the same\n"
	      "rows and this dictionary as a second sheet.  Empty means unknown or none.\n\n"
	      "| column | description |\n|---|---|\n", out);
	for (size_t i = 0; i < NCOLS; i++)
		fprintf(out, "| `%s` | %s |\n", cols[i].name, cols[i].desc);
	if (ferror(out))
		return parley_err_set(err, PARLEY_EIO, "writing the data dictionary failed");
	return PARLEY_OK;
}

static int csv_out(sqlite3_stmt *st, FILE *out, long *rows)
{
	for (size_t i = 0; i < NCOLS; i++) {
		if (i)
			fputc(',', out);
		pl_csv_write_field(out, cols[i].name);
	}
	fputc('\n', out);
	int r;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		for (size_t i = 0; i < NCOLS; i++) {
			if (i)
				fputc(',', out);
			pl_csv_write_field(out, (const char *)sqlite3_column_text(st, (int)i));
		}
		fputc('\n', out);
		(*rows)++;
	}
	return r == SQLITE_DONE ? PARLEY_OK : PARLEY_EDB;
}

static int xlsx_out(sqlite3_stmt *st, const char *path, long *rows, parley_err *err)
{
	/* Constant memory: rows go to disk as they are written (memory does not
	 * grow with the store), and text is stored inline in the sheet's XML. */
	lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = LXW_FALSE};
	lxw_workbook *wb = workbook_new_opt(path, &opt);
	if (!wb)
		return parley_err_set(err, PARLEY_EIO, "%s: cannot create the workbook", path);
	lxw_worksheet *ws = workbook_add_worksheet(wb, "visits");
	lxw_worksheet *dict = workbook_add_worksheet(wb, "dictionary");
	lxw_format *bold = workbook_add_format(wb);
	format_set_bold(bold);
	for (size_t i = 0; i < NCOLS; i++)
		worksheet_write_string(ws, 0, (lxw_col_t)i, cols[i].name, bold);
	worksheet_freeze_panes(ws, 1, 1);
	int r;
	lxw_row_t row = 1;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		for (size_t i = 0; i < NCOLS; i++) {
			if (sqlite3_column_type(st, (int)i) == SQLITE_NULL)
				continue;
			const char *v = (const char *)sqlite3_column_text(st, (int)i);
			if (numeric(i))
				worksheet_write_number(ws, row, (lxw_col_t)i, sqlite3_column_double(st, (int)i),
				                       NULL);
			else
				worksheet_write_string(ws, row, (lxw_col_t)i, v, NULL);
		}
		row++;
		(*rows)++;
	}
	worksheet_autofilter(ws, 0, 0, row - 1, (lxw_col_t)(NCOLS - 1));
	worksheet_write_string(dict, 0, 0, "column", bold);
	worksheet_write_string(dict, 0, 1, "description", bold);
	worksheet_set_column(dict, 0, 0, 22, NULL);
	worksheet_set_column(dict, 1, 1, 100, NULL);
	for (size_t i = 0; i < NCOLS; i++) {
		worksheet_write_string(dict, (lxw_row_t)(i + 1), 0, cols[i].name, NULL);
		worksheet_write_string(dict, (lxw_row_t)(i + 1), 1, cols[i].desc, NULL);
	}
	lxw_error e = workbook_close(wb);
	if (r != SQLITE_DONE)
		return parley_err_set(err, PARLEY_EDB, "reading the visits failed");
	if (e != LXW_NO_ERROR)
		return parley_err_set(err, PARLEY_EIO, "%s: writing the workbook failed: %s", path,
		                      lxw_strerror(e));
	return PARLEY_OK;
}

int parley_export_analyst(parley_db *db, const char *format, const char *path, long *rows,
                          parley_err *err)
{
	long n = 0;
	if (rows)
		*rows = 0;
	int xlsx = format && strcmp(format, "xlsx") == 0;
	if (format && !xlsx && strcmp(format, "csv") != 0)
		return parley_err_set(err, PARLEY_EINVAL,
		                      "the analyst export is csv or xlsx, not '%s'", format);
	if (xlsx && (!path || !*path))
		return parley_err_set(err, PARLEY_EINVAL, "an XLSX workbook needs a file (--out PATH)");
	sqlite3_stmt *st;
	int rc = pl_prepare(db, query, &st, err);
	if (rc)
		return rc;
	if (xlsx) {
		rc = xlsx_out(st, path, &n, err);
	} else {
		FILE *out = path ? fopen(path, "wb") : stdout;
		if (!out) {
			sqlite3_finalize(st);
			return parley_err_set(err, PARLEY_EIO, "%s: cannot write", path);
		}
		rc = csv_out(st, out, &n);
		if (rc)
			pl_db_error(db, err, "reading the visits");
		if (out != stdout && fclose(out) != 0 && !rc)
			rc = parley_err_set(err, PARLEY_EIO, "%s: write failed", path);
	}
	sqlite3_finalize(st);
	if (!rc && rows)
		*rows = n;
	return rc;
}
