/*
 * parley.h - the public interface of libparley, and its manual.
 *
 * parley keeps records of high-level diplomatic visits (people, offices,
 * tenures, countries, visits and their sources) in a SQLite store, analyses
 * them, publishes them and discovers candidate visits in GDELT event data.
 * The command-line tool and the web server use nothing but this header.
 *
 * CONVENTIONS (the same for every function below)
 *
 *  - Errors.  A function that can fail returns an int status: PARLEY_OK (0)
 *    on success or one of the negative PARLEY_E* codes.  It also takes a
 *    `parley_err *err` as its last argument; when err is not NULL and the call
 *    fails, err->code and err->msg describe what went wrong and where (file,
 *    line, field or parameter).  err may be NULL when the caller does not
 *    want the message.  A failed call leaves its outputs unset and the store
 *    unchanged.
 *
 *  - Memory.  Every function that hands back memory says who frees it and
 *    with which function.  "Caller frees with free()" means the plain C
 *    free().  Borrowed pointers (const char * returned from an object) stay
 *    valid until the object is freed or the comment says otherwise.
 *
 *  - Strings are UTF-8, NUL-terminated.  Dates are text of one of three
 *    precisions, 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD' (see parley_date).
 *
 *  - Threads.  A parley_db handle is used by one thread at a time; open one
 *    handle per thread.  Functions without a handle are thread-safe.
 */
#ifndef PARLEY_H
#define PARLEY_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PARLEY_VERSION "0.1.0"

/* ===================================================================== */
/* Errors                                                                 */
/* ===================================================================== */

enum parley_status {
	PARLEY_OK = 0,
	PARLEY_ENOMEM = -1,    /* out of memory */
	PARLEY_EINVAL = -2,    /* bad argument or usage: a caller mistake */
	PARLEY_EDATA = -3,     /* bad input data (file, record, request) */
	PARLEY_ENOTFOUND = -4, /* the named record does not exist */
	PARLEY_EIO = -5,       /* reading or writing a file failed */
	PARLEY_EDB = -6,       /* the SQLite store failed */
	PARLEY_ELIMIT = -7,    /* input larger than a fixed limit */
	PARLEY_ECONFLICT = -8, /* the change contradicts existing records */
	PARLEY_EDENIED = -9,   /* wrong credentials, expired session or missing right */
	PARLEY_EBUSY = -10     /* the store stayed locked by another writer past the bound */
};

#define PARLEY_ERRMSG_MAX 1024

typedef struct parley_err {
	int code;                      /* a PARLEY_E* status, 0 when clear */
	char msg[PARLEY_ERRMSG_MAX];   /* NUL-terminated, may be truncated */
} parley_err;

/* Sets err (when not NULL) to code and a printf-style message; returns code,
 * so that `return parley_err_set(err, PARLEY_EDATA, "...")` reads well. */
int parley_err_set(parley_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void parley_err_clear(parley_err *err);
/* A short fixed name for a status ("data error"); never NULL, never freed. */
const char *parley_strstatus(int code);

/* ===================================================================== */
/* Findings: the lines of a report from import, check or discovery        */
/* ===================================================================== */

typedef enum parley_severity {
	PARLEY_ERROR = 0,   /* the input or record is wrong; the operation fails */
	PARLEY_WARNING = 1, /* suspicious, reported, does not fail */
	PARLEY_INFO = 2     /* counts and notes, e.g. "imported 161 visits" */
} parley_severity;

typedef struct parley_finding {
	parley_severity severity;
	const char *file;    /* input file, or NULL */
	long line;           /* 1-based line in file, 0 when not applicable */
	long column;         /* 1-based column or byte offset, 0 when n/a */
	const char *record;  /* 'visit:1953-11-10-prk-chn-kim-il-sung', or NULL */
	const char *field;   /* column or field name, or NULL */
	const char *code;    /* short stable identifier: 'end-before-start' */
	const char *message; /* one sentence for a person */
} parley_finding;

typedef struct parley_report parley_report;

/* New empty report, or NULL when out of memory.  Free with
 * parley_report_free(). */
parley_report *parley_report_new(void);
void parley_report_free(parley_report *r);
/* Appends a finding; strings are copied.  Any string may be NULL. */
int parley_report_add(parley_report *r, parley_severity sev, const char *file,
                      long line, long column, const char *record,
                      const char *field, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 9, 10)));
size_t parley_report_count(const parley_report *r);
size_t parley_report_count_severity(const parley_report *r, parley_severity s);
/* Borrowed; valid until the report is freed.  NULL when i is out of range. */
const parley_finding *parley_report_get(const parley_report *r, size_t i);
/* Writes 'file:line:column: error: message [record field]' lines. */
void parley_report_print(const parley_report *r, FILE *out, int min_severity);
/* Writes the report as a JSON array of objects. */
int parley_report_print_json(const parley_report *r, FILE *out, parley_err *err);

/* ===================================================================== */
/* Dates with precision                                                   */
/* ===================================================================== */
/*
 * A date is known to the day, the month or the year.  A partial date stands
 * for every day it could be: 2018-03 is the interval 2018-03-01..2018-03-31.
 *
 * Rules (docs/dates.md gives the reasoning):
 *  - Ordering: by the first possible day; on a tie the finer date comes
 *    first (2018-03-01 < 2018-03 < 2018).
 *  - A period start..end covers start's first day to end's last day; an
 *    unknown end covers start's last day (the visit lasted at most that).
 *  - Overlap: two periods overlap when their covered intervals share a day.
 *  - In era / as of: a visit belongs to the era containing the first
 *    possible day of its start, and is counted "as of D" when that day is on
 *    or before D.  A partial date is never silently moved to a later day.
 */
typedef enum parley_precision {
	PARLEY_YEAR = 1,
	PARLEY_MONTH = 2,
	PARLEY_DAY = 3
} parley_precision;

typedef struct parley_date {
	int year;  /* 1..9999 */
	int month; /* 1..12, 0 when precision is YEAR */
	int day;   /* 1..31, 0 unless precision is DAY */
	parley_precision precision;
} parley_date;

/* Parses exactly n bytes of text ('1953', '1953-11', '1953-11-10').
 * Rejects impossible dates (2019-02-29, 1969-09-31) with PARLEY_EDATA. */
int parley_date_parse(const char *s, size_t n, parley_date *out, parley_err *err);
/* Writes the canonical text into buf (at least 11 bytes); returns buf. */
char *parley_date_format(parley_date d, char *buf, size_t cap);
/* Day numbers (days since 1970-01-01, negative before) of the first and
 * last possible day. */
long parley_date_first_day(parley_date d);
long parley_date_last_day(parley_date d);
/* <0, 0, >0 by the ordering rule above. */
int parley_date_cmp(parley_date a, parley_date b);
/* The exact day of a day number. */
parley_date parley_date_from_day(long day);
/* Today in UTC, to the day. */
parley_date parley_date_today(void);

/* ===================================================================== */
/* Ranks and levels                                                       */
/* ===================================================================== */
/*
 * An office has a rank; a visit has a level, the rank of its visitor's
 * highest office at the time.  Levels are ordered from the top:
 *   paramount_leader > head_of_state > head_of_government > deputy
 *   > other_senior > ministerial > vice_ministerial
 * 'at_least_ministerial' says the rank is ministerial or above but not
 * which (the think tank's unnamed rows); 'unknown' says nothing.
 * A min-level filter passes a level whose lowest possible rank reaches it.
 */
/* Rank number 1 (vice_ministerial) .. 7 (paramount_leader); 2 for
 * at_least_ministerial (its lower bound); 0 for unknown; -1 when the name is
 * not a level. */
int parley_level_rank(const char *level);
/* True when `level` is at least `min_level` for certain. */
int parley_level_at_least(const char *level, const char *min_level);

/* ===================================================================== */
/* The store                                                              */
/* ===================================================================== */

typedef struct parley_db parley_db;

#define PARLEY_OPEN_READONLY 0x1 /* fail on writes */
#define PARLEY_OPEN_CREATE 0x2   /* create the file when missing */

/* Opens (and migrates to the current schema) the SQLite store at path.
 * On success *out is a handle the caller closes with parley_close(). */
int parley_open(const char *path, int flags, parley_db **out, parley_err *err);
void parley_close(parley_db *db);
/* The path to use when none is given: $PARLEY_DB, else "parley.db".
 * Borrowed, static or from the environment; do not free. */
const char *parley_default_db_path(void);
/* Who the audit log records as the author of changes made on this handle
 * from now on ("cli:root", "import:china-dprk-visits.csv").  Copied. */
int parley_set_actor(parley_db *db, const char *actor, parley_err *err);
/* Why the following changes are made ("rejected: duplicate of ..."), kept
 * in the audit log until changed; NULL or "" clears it.  Copied. */
int parley_set_reason(parley_db *db, const char *reason, parley_err *err);
/* A number that changes whenever another connection has written to the
 * store since this handle last asked (SQLite's data_version), so a reader
 * knows when its caches are stale; -1 on failure. */
long long parley_change_counter(parley_db *db);
/* The newest sequence number of the audit log (0 when empty; -1 on
 * failure): it moves with every change to a record (audit_scope.c). */
long long parley_audit_head(parley_db *db);
/* What the changes after audit entry `after` can have touched: *head gets
 * the newest entry; *visits (caller frees) the ids, one a line, of the
 * visits whose changes since were all to their note or summary alone
 * (shown by their own answers, lists, searches and exports, never by
 * another visit's record), or NULL when they may have changed anything
 * (or nothing changed); *note_only 1 when only notes changed (shown by the
 * visit's own record and found by searches, nowhere else).  With *visits,
 * *notes (caller frees; notes may be NULL when not wanted) gets each
 * change's note before and after, folded as searches see it
 * (parley_fold_words), one a line, an empty line for no note: a search
 * none of whose words is in them cannot have changed. */
int parley_audit_scope(parley_db *db, long long after, long long *head, char **visits,
                       int *note_only, char **notes, parley_err *err);
/* The schema version of an open store. */
int parley_schema_version(parley_db *db);
/* The schema version the store had when parley_open found it, before the
 * migrations a writable open runs (`parley migrate` reports both). */
int parley_schema_version_at_open(parley_db *db);
/* Number of records in a concept table ('visit', 'person', ...), or a
 * negative status. */
long parley_count(parley_db *db, const char *table, parley_err *err);
/* The underlying SQLite connection, for the library's own modules and for
 * tests.  Borrowed.  (Declared as void * so this header needs no sqlite3.h.) */
void *parley_sqlite(parley_db *db);

/* ===================================================================== */
/* Concepts, import and export                                            */
/* ===================================================================== */
/*
 * Each concept is a table with named columns; docs/formats.md lists them.
 * The canonical interchange formats are:
 *   csv    one concept per file, header = the concept's columns (RFC 4180,
 *          UTF-8; a BOM and CRLF are accepted on input)
 *   json   {"format":"parley","version":1,"<concept>":[{row},...],...}
 *   ndjson one row per line: {"concept":"visit", <columns>...}
 * plus readers for real public datasets (docs/formats.md): historyatstate
 * trips, visits and presidents XML, archigos spells and annual files, COW
 * country codes and states, the Beyond Parallel 2016 file, and the reference
 * visits and office-holders CSV files.
 */

/* Concept names in dependency order (countries first), NULL-terminated.
 * Static; do not free. */
const char *const *parley_concepts(void);
/* Column names of a concept, NULL-terminated; NULL for an unknown concept. */
const char *const *parley_concept_columns(const char *concept);

typedef struct parley_import_stats {
	long rows_read;   /* data rows or records read, all files */
	long inserted;    /* records created */
	long updated;     /* records whose values changed */
	long unchanged;   /* records already present with the same values */
	long unmapped;    /* values a reader could not map (each reported) */
	long linked;      /* incoming visits linked to existing ones (--match) */
} parley_import_stats;

/* Imports files (all or nothing, in one transaction).  format names one
 * format for every file, or NULL to detect each file's format from its
 * content.  Every problem becomes a finding in rep (which may be NULL):
 * file, line, field, what is wrong.  On any ERROR finding the store is left
 * exactly as it was and PARLEY_EDATA is returned; when the store itself
 * fails (disk full, I/O error, out of memory, busy) the import stops at once,
 * is rolled back and PARLEY_EDB is returned.  INFO findings give each file's
 * format and counts.  Re-importing identical data changes nothing.  The
 * rules every import applies (docs/formats.md): no invalid UTF-8 or NUL, one
 * row per key, a source for every visit not a candidate, items of a visit
 * never replaced by accident.  This is parley_import_with() with the default
 * options (format as given). */
int parley_import(parley_db *db, const char *const *paths, size_t npaths,
                  const char *format, parley_report *rep,
                  parley_import_stats *stats, parley_err *err);
/* How an import links an incoming visit (one whose id the store does not
 * hold) to an existing visit instead of adding it (parley_visit_match). */
typedef enum parley_link_mode {
	PARLEY_LINK_EXTERNAL_ID = 0, /* the default: by a shared external id */
	PARLEY_LINK_NONE = 1,        /* never: every incoming visit is added */
	PARLEY_LINK_RULE = 2         /* by external id, else by the compare rule */
} parley_link_mode;

typedef struct parley_import_options {
	const char *format;   /* one format for every file, or NULL to detect */
	parley_link_mode link;
	int link_days;        /* the rule's date tolerance in days; 0 = 3, <0 = none */
	const char *map_path; /* column mapping for the CSV files no reader
	                       * recognises (docs/formats.md, "Your own
	                       * spreadsheet"), or NULL */
	int replace;          /* 1: a row may change an existing companion, host,
	                       * place or activity (items keyed by visit and seq);
	                       * 0: that is an error.  An item row with an empty
	                       * seq is appended (the next free number) either way. */
	int unsourced_ok;     /* 1: visits need no source (a scratch store that
	                       * nothing counts, as compare reads a file into) */
} parley_import_options;

/* parley_import with options (NULL = the defaults).  A linked visit is not
 * added: the store keeps its record, and the incoming visit's external ids
 * and source links are attached to it; its places, people and activities
 * are left out (reported as INFO, with the visit it was linked to). */
int parley_import_with(parley_db *db, const char *const *paths, size_t npaths,
                       const parley_import_options *opt, parley_report *rep,
                       parley_import_stats *stats, parley_err *err);
/* Names of the formats import accepts, NULL-terminated.  Static. */
const char *const *parley_import_formats(void);
/* The format detected for a file's first bytes, or NULL.  Static string. */
const char *parley_detect_format(const char *path, const char *head, size_t n);

/* Writes the store to out.  format: "csv" (needs a concept), "json",
 * "ndjson".  concept: one concept, or NULL for all.  Rows are ordered by
 * key, so equal stores give byte-identical output. */
int parley_export(parley_db *db, const char *format, const char *concept,
                  FILE *out, parley_err *err);
/* Writes one CSV file per concept into dir (created if missing). */
int parley_export_dir(parley_db *db, const char *dir, parley_err *err);

/* The analyst export: one flat row per visit (era of leaders at its date,
 * visitor and office at the time, level, delegation, hosts, places,
 * activities, sources, date precision; parley_analyst_dictionary() names
 * and describes each column), ordered by start date.  format "csv" (path
 * NULL = standard output) or "xlsx" (path required: a workbook with the
 * sheet "visits" and the sheet "dictionary").  *rows (may be NULL) gets the
 * number of visits written.  PARLEY_EINVAL for another format, PARLEY_EIO
 * when the file cannot be written, PARLEY_EDB. */
int parley_export_analyst(parley_db *db, const char *format, const char *path, long *rows,
                          parley_err *err);
/* Writes the analyst export's data dictionary as Markdown (a table of
 * column and description).  PARLEY_EIO when writing fails. */
int parley_analyst_dictionary(FILE *out, parley_err *err);

/* Loads the world's countries (the CSV files in data_dir/world) into the store;
 * data_dir NULL means parley_bundled_dir().  One import: all or nothing. */
int parley_load_world(parley_db *db, const char *data_dir, parley_report *rep,
                      parley_err *err);
/* Loads the world's countries and the bundled China-DPRK dataset
 * (the CSV files in data_dir/bundled) in one import.  Loading it again changes
 * nothing.  Both are parley_apply_release() (an update that keeps what the
 * user changed) without a dry run. */
int parley_load_bundled(parley_db *db, const char *data_dir,
                        parley_report *rep, parley_err *err);
/* What applying a data release did (or, in a dry run, would do). */
typedef struct parley_release_stats {
	char name[64];        /* the release: bundled/data_release.csv's newest row, else
	                         the data folder's RELEASE file ("name=...", "date=...") */
	char date[11];        /* its date, "" when not stated */
	long inserted;        /* records added */
	long updated;         /* records the user never touched, brought to the release */
	long unchanged;       /* records already as the release has them */
	long removed;         /* untouched records the release no longer holds */
	long conflicts;       /* records the user changed, kept as they are (reported) */
} parley_release_stats;

/* Applies the bundled data release (world/ and, unless world_only,
 * bundled/ under data_dir; NULL = parley_bundled_dir()) as an UPDATE, in
 * one transaction: a record the user never touched (every audit entry for
 * it written by a release: actor "bundled:..." or "init:...") is brought
 * to the release's version, added, or removed when the release no longer
 * holds it; a record the user changed, added or deleted is kept as it is
 * and reported in rep as a WARNING with code "conflict" naming both
 * versions.  dry_run: everything is validated and reported (INFO findings
 * "would-add", "would-update", "would-remove") and nothing is written.
 * A full (not world_only, not dry-run) release is recorded in the store's
 * release_applied table (parley_release_latest).  stats may be NULL.  Errors
 * as parley_import (the store is then unchanged). */
int parley_apply_release(parley_db *db, const char *data_dir, int world_only, int dry_run,
                         parley_report *rep, parley_release_stats *stats, parley_err *err);
/* The last release applied to the store: name and date into the buffers
 * (name_cap >= 64, date_cap >= 11).  PARLEY_ENOTFOUND when none was. */
int parley_release_latest(parley_db *db, char *name, size_t name_cap, char *date,
                          size_t date_cap, parley_err *err);
/* The data folder holding world/ and bundled/: $PARLEY_DATA, else
 * share/parley beside the running executable (installed), else data/ beside
 * its build folder (a clone), else the datadir set at build time.
 * Borrowed; do not free. */
const char *parley_bundled_dir(void);

/* Corrects one record: sets fields[i] to values[i] ("" = unknown) in the
 * record of concept whose key is key (key columns joined with '|', as the
 * audit log writes them: 'visit-id', or 'visit-id|companion|2').  The
 * result passes the same validation as an import (problems go to rep) and
 * the audit log keeps the record before and after with reason (required:
 * PARLEY_EINVAL without one).  Key fields cannot be changed.  PARLEY_ENOTFOUND when no such
 * record exists. */
int parley_update(parley_db *db, const char *concept, const char *key,
                  const char *const *fields, const char *const *values, size_t n,
                  const char *reason, parley_report *rep, parley_err *err);
/* Deletes one record and what belongs to it (a visit's people, places,
 * activities and source links).  reason is required; the audit log keeps
 * every removed row.  PARLEY_ECONFLICT when other records still refer to
 * it (a person who made visits, say). */
int parley_delete(parley_db *db, const char *concept, const char *key, const char *reason,
                  parley_err *err);

/* Gives the record of concept whose key is old_key the key new_key (a
 * visit id after a date correction, say): every reference follows (the
 * columns that refer to the concept, and external ids), in one
 * transaction, and the audit log keeps each step with reason (required).
 * The old key is remembered for redirects (parley_renamed_to).  Only for
 * concepts with a one-column key.  *refs (may be NULL) gets the number of
 * references moved.  PARLEY_ENOTFOUND without old_key, PARLEY_ECONFLICT
 * when new_key exists, PARLEY_EINVAL for a bad concept, key or reason. */
int parley_rename(parley_db *db, const char *concept, const char *old_key, const char *new_key,
                  const char *reason, long *refs, parley_err *err);
/* The key a renamed record has now (following renames of renames) into buf.
 * PARLEY_ENOTFOUND when old_key was never renamed. */
int parley_renamed_to(parley_db *db, const char *concept, const char *old_key, char *buf,
                      size_t cap, parley_err *err);

/* A key given up by a rename whose record now has new_key. */
typedef struct parley_renamed {
	char *concept, *old_key, *new_key;
} parley_renamed;
/* Every old key no record holds again, ordered by concept and old key (the
 * static site writes a page for each that sends the browser on).  On
 * success the caller frees *out with parley_renamed_free(*out, *n). */
int parley_renamed_list(parley_db *db, parley_renamed **out, size_t *n, parley_err *err);
void parley_renamed_free(parley_renamed *r, size_t n);

/* One visit with what belongs to it, for parley_add_visit().  Every field
 * may be NULL (= not given).  Lists hold "NAME" or "NAME|DETAIL" (companions
 * and hosts: the name as written, matched to a person by name or alias),
 * "NAME" or "NAME|ISO3" (places; the country defaults to `to`), and
 * "DESCRIPTION", "KIND|DESCRIPTION" or "KIND|DESCRIPTION|DATE" (activities). */
typedef struct parley_visit_input {
	const char *id;              /* NULL: START-FROM-TO-VISITOR, as the bundled ids */
	const char *visitor;         /* person id, name or alias; NULL: unidentified */
	const char *visitor_label;   /* the visitor as the source names them */
	const char *visitor_office, *visitor_title;
	const char *level;           /* NULL: unknown */
	const char *from, *to;       /* country codes */
	const char *start, *end;     /* dates: YYYY, YYYY-MM or YYYY-MM-DD */
	const char *type;            /* NULL: unknown */
	const char *summary, *confidence, *note;
	const char *status;          /* NULL: confirmed */
	const char *source_url, *source_citation, *source_title, *source_publisher;
	const char *source_published, *source_accessed, *source_passage;
	const char *const *companions;
	size_t ncompanions;
	const char *const *hosts;
	size_t nhosts;
	const char *const *places;
	size_t nplaces;
	const char *const *activities;
	size_t nactivities;
} parley_visit_input;

/* Adds one visit with its source, companions, hosts, places and activities
 * in one transaction.  The rows are built from `in` and written through the
 * import's validation, so each problem is the finding an import of the same
 * rows would give (in rep, record and field named); on any error nothing is
 * written and PARLEY_EDATA is returned.  A visit needs a source unless its
 * status is 'candidate': the import's rule and finding (no-source), as
 * parley_visit_write's; an existing id is an error (edit
 * it instead).  reason (may be NULL) goes to the audit log.  On success the
 * visit's id is copied to id_out (may be NULL; 256 bytes are enough). */
int parley_add_visit(parley_db *db, const parley_visit_input *in, const char *reason,
                     parley_report *rep, char *id_out, size_t id_cap, parley_err *err);

/* ===================================================================== */
/* Matching visits across datasets (import --match, compare)              */
/* ===================================================================== */
/* What two datasets' records of one visit have in common.  Every field is
 * borrowed; NULL or "" means not known. */
typedef struct parley_visit_desc {
	const char *from_country;  /* country code of the visiting side */
	const char *to_country;    /* country code of the host side */
	const char *start_date;    /* 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD' */
	const char *visitor;       /* person id */
	const char *visitor_label; /* the visitor's name as written */
	const char *level;         /* level or rank name (parley_level_rank) */
	const char *const *external_ids; /* "scheme:value" strings, NULL-terminated */
} parley_visit_desc;

typedef enum parley_match_how {
	PARLEY_MATCH_NONE = 0,        /* not the same visit */
	PARLEY_MATCH_EXTERNAL_ID = 1, /* both carry one same external id */
	PARLEY_MATCH_RULE = 2         /* direction + date + visitor or level */
} parley_match_how;

/* The one rule that says whether a and b record the same visit (used by
 * `import --match` and `compare`; docs/formats.md, "Matching visits"):
 *  1. external id: a and b share a "scheme:value" -> PARLEY_MATCH_EXTERNAL_ID;
 *  2. the rule: same from and to country, start dates at most tolerance_days
 *     apart (partial dates: the gap between the intervals they cover, 0 when
 *     they overlap), and the same visitor -- the same person id when both
 *     have one, else the same folded name when both have one (a label
 *     starting "unidentified" names no one) -- or, when that cannot be told,
 *     levels that agree (equal ranks, or a bound "at_least_X" that the other
 *     level reaches; "unknown" agrees with nothing) -> PARLEY_MATCH_RULE;
 *  otherwise PARLEY_MATCH_NONE (also for a missing direction or start date,
 *  or an unparsable date).  Pure: reads nothing but its arguments. */
parley_match_how parley_visit_match(const parley_visit_desc *a, const parley_visit_desc *b,
                                    int tolerance_days);

/* ===================================================================== */
/* Validation                                                             */
/* ===================================================================== */

/* Checks every record (docs/check.md lists the rules) and adds one finding
 * per problem to rep, naming the record and the field.  Returns PARLEY_OK
 * when the check ran (look at the report for errors), or a failure status. */
int parley_check(parley_db *db, parley_report *rep, parley_err *err);

/* ===================================================================== */
/* Reading records                                                        */
/* ===================================================================== */

/* Case-, accent- and punctuation-insensitive key of a name: 'Kim Jong-un',
 * 'KIM JONG UN' and 'kim jong un' fold alike.  Caller frees with free(). */
char *parley_fold(const char *s);
/* The same fold with the word breaks kept as single spaces: 'Dèng
 * Xiǎopíng' -> "deng xiaoping", '김정은' -> "김정은".  It is the text the
 * search index holds and the static site's filter compares (fold.c).
 * Caller frees with free(); NULL for NULL or when out of memory. */
char *parley_fold_words(const char *s);

/* Each of these writes JSON text to out. */
/* One visit with everything attached, as a JSON object. */
int parley_show_visit_json(parley_db *db, const char *id, FILE *out, parley_err *err);
/* People whose name, native name or alias holds q by the search rule of
 * parley_people_find (fold, phrase), as a compact JSON array of {id, name,
 * native_name, country, aliases, visits, hosted}.  EINVAL when q is empty
 * or folds to nothing. */
int parley_find_people_json(parley_db *db, const char *q, FILE *out, parley_err *err);
/* One person with aliases, tenures and visits, as a JSON object. */
int parley_show_person_json(parley_db *db, const char *id, FILE *out, parley_err *err);

/* ===================================================================== */
/* The query layer: one filter and typed visits for every surface         */
/* ===================================================================== */
/*
 * The CLI, the JSON API, the HTML list, the CSV downloads and the static
 * site all ask for visits through one filter, filled by name with
 * parley_query_set(), so each accepts the same parameters and gives the
 * same errors (docs/queries.md lists them).  Filters combine with AND.
 *
 * Dates: a visit matches a date range when the days its start date may
 * stand for overlap the range: 1964-11 matches --from 1964-11-20, and
 * 1964 matches --to 1964-03.  A range bound written as a month or year
 * covers all of it (to=1964-11 runs to 1964-11-30).  Visits are ordered
 * by the rule of parley_date_cmp (first possible day, finer date first).
 *
 * Search (q): the text is folded (parley_fold_words) and matched as a
 * phrase against each visit's folded search text: its words in that
 * order, each whole but the last, which may be the start of a word
 * ("Kim Il" finds Kim Il-sung, not Kim Jong-il; "Dèng Xiǎopíng" =
 * "deng xiaoping"; '김정은' and '邓小平' match as written).
 */
#define PARLEY_QUERY_CODE 9 /* a country code and its NUL */

#define PARLEY_QUERY_IDS_MAX 10000
typedef struct parley_query {
	char a[PARLEY_QUERY_CODE], b[PARLEY_QUERY_CODE];     /* between=A:B, either direction */
	char dir_from[PARLEY_QUERY_CODE], dir_to[PARLEY_QUERY_CODE]; /* direction=FROM:TO */
	char country[PARLEY_QUERY_CODE]; /* country=A: to or from A */
	char from[11];          /* first day of the range, YYYY-MM-DD, "" = open */
	char to[11];            /* last day of the range, "" = open */
	char as_of[11];         /* as_of=D: started (first possible day) on or before D */
	char since[11];         /* since=D: started (first possible day) on or after D (the
	                           lower bound of as_of: an era's visits, docs/queries.md) */
	const char *level;      /* exact levels, comma-separated */
	const char *min_level;  /* at least this level (parley_level_at_least) */
	const char *type;       /* visit types, comma-separated */
	const char *status;     /* statuses, comma-separated, or "all"; NULL = confirmed,reported */
	const char *office;     /* office id the visitor held: stated, or per tenures */
	const char *person;     /* person id as visitor, companion or host */
	const char *visitor;    /* person id who led the visit */
	const char *companion;  /* person id in the delegation */
	const char *host;       /* person id met as host */
	const char *top;        /* top=A[,B]: by the paramount leader of A (and B) per the
	                           eras of between= as of as_of (parley_eras_compute) */
	const char *text;       /* q: the search phrase */
	const char *sort;       /* date (default), -date, level, visitor */
	long limit;             /* rows wanted; 0 = all */
	long offset;            /* rows skipped */
	long page, per_page;    /* page=, per_page= (1-based); set limit and offset */
	const char *after;      /* after=ID: keyset paging, the rows after visit ID in the
	                           sort (date or -date); replaces offset/page (docs/queries.md) */
	const char *ids;        /* ids=A,B,...: only these visits (comma-separated ids; at most
	                           PARLEY_QUERY_IDS_MAX): the rows behind a published figure */
	const char *bad_param;  /* the parameter parley_query_set rejected last (its canonical
	                           name, static; for an unknown name, that name) */
} parley_query;

/* An empty filter (every confirmed or reported visit, by date). */
void parley_query_init(parley_query *q);
/* Sets filter `name` ("between", "direction", "country", "from", "to",
 * "year", "as_of", "since", "level", "min_level", "type", "status", "office",
 * "person", "visitor", "companion", "host", "top", "q", "sort", "limit",
 * "offset", "page", "per_page", "after", "ids"; '-' may stand for '_') from its text.
 * value is borrowed: keep it alive as long as q.  An empty value leaves the
 * filter unset.  PARLEY_EINVAL for an unknown name or a bad value, with
 * err "parameter 'NAME': what was expected (got 'VALUE')" and
 * q->bad_param set. */
int parley_query_set(parley_query *q, const char *name, const char *value, parley_err *err);
/* The search index follows every write the library makes (it is updated
 * in the same transaction).  Rows written with raw SQL through
 * parley_sqlite() are indexed at the library's next commit, or now by this
 * call.  EDB when the store cannot be written. */
int parley_search_sync(parley_db *db, parley_err *err);
/* The names parley_query_set accepts, NULL-terminated.  Static. */
const char *const *parley_query_params(void);

typedef struct parley_visit_person {
	const char *person;     /* person id, or NULL when the record names no person */
	const char *name;       /* as written */
	const char *detail;     /* 'spouse', 'Foreign Minister', or NULL */
} parley_visit_person;

typedef struct parley_visit_place {
	const char *name;
	const char *country;    /* or NULL */
} parley_visit_place;

typedef struct parley_visit_activity {
	const char *kind, *date, *description;
} parley_visit_activity;

typedef struct parley_visit_source {
	const char *id, *url, *citation, *title, *publisher, *published, *accessed;
	const char *archive_url; /* an archived copy, or NULL */
	const char *quality;     /* original, copy, mirror, proxy, or NULL */
	const char *passage;    /* the words that support the visit, or NULL */
} parley_visit_source;

typedef struct parley_external_id {
	const char *scheme, *value;
} parley_external_id;

/* One visit.  Every string is borrowed from the result; NULL = unknown. */
typedef struct parley_visit {
	const char *id;
	const char *start_date, *end_date;
	parley_precision precision; /* of start_date */
	const char *from_country, *to_country;
	const char *from_name, *to_name; /* country names (the code when unknown) */
	const char *visitor;        /* person id, or NULL */
	const char *visitor_name;   /* the person's name, else the label, else "unidentified" */
	const char *visitor_label, *visitor_title;
	const char *office;         /* stated office, else the highest held on the start day */
	const char *office_name;
	const char *visitor_office; /* the office as stated on the record, or NULL */
	const char *level, *type, *status, *confidence, *summary, *disputed, *note;
	const char *search;         /* the folded text a search matches */
	const char *places_text;    /* place names joined by "; " */
	size_t nsources_count;      /* number of sources (lists too) */
	/* Filled by parley_visit_get and by parley_visits_find with details: */
	size_t nhosts, ndelegation, nplaces, nactivities, nsources, nexternal_ids;
	parley_visit_person *hosts, *delegation;
	parley_visit_place *places;
	parley_visit_activity *activities;
	parley_visit_source *sources;
	parley_external_id *external_ids;
} parley_visit;

typedef struct parley_visits {
	long total;             /* visits matching the filter, all pages */
	long offset;            /* of the first row */
	long limit;             /* rows asked for (0 = all) */
	size_t n;
	parley_visit *v;        /* this page */
	const char *next_after; /* the after= of the next page (its last visit's id), NULL on the
	                           last page or when the sort cannot page by key */
	void *priv;
} parley_visits;

/* Visits matching q (NULL = the empty filter), one page as q asks.
 * details: also fill each visit's hosts, delegation, places, activities,
 * sources and external ids.  EINVAL for a bad filter (err names the
 * parameter, q->bad_param is not set), ENOTFOUND for an unknown person in
 * person/visitor/companion/host or office (err names it), EDB, ENOMEM.
 * On success the caller frees *out with parley_visits_free(). */
int parley_visits_find(parley_db *db, const parley_query *q, int details,
                       parley_visits **out, parley_err *err);
/* One visit with details; ENOTFOUND for an unknown id.  Caller frees
 * with parley_visits_free(). */
int parley_visit_get(parley_db *db, const char *id, parley_visits **out, parley_err *err);
void parley_visits_free(parley_visits *r);
/* The visits just before and after visit id between the same two
 * countries (confirmed or reported), in list order: *prev and *next are
 * results of one visit or NULL when there is none; the caller frees each
 * with parley_visits_free().  ENOTFOUND for an unknown id. */
int parley_visit_neighbours(parley_db *db, const char *id, parley_visits **prev,
                            parley_visits **next, parley_err *err);

/* A visit as the figures count it (eras, timeline, gaps, context,
 * companions): only the columns they read, all held by one index
 * (docs/queries.md "Indexes"), so a figure of 100,000 visits never reads
 * their table rows.  Strings are borrowed for the callback only. */
typedef struct parley_visit_fact {
	const char *id;
	const char *start_date;     /* as stored: YYYY, YYYY-MM or YYYY-MM-DD */
	const char *from_country, *to_country;
	const char *level;          /* the visitor's level at the time of the visit */
	const char *type, *status;
	const char *visitor;        /* person id, or NULL */
	const char *visitor_label;  /* the record's own label, or NULL */
} parley_visit_fact;
/* Called per visit; a non-zero return stops the walk and is returned. */
typedef int (*parley_visit_fact_fn)(void *ud, const parley_visit_fact *v, parley_err *err);
/* Calls fn for each visit matching q (the filter of parley_visits_find;
 * sort, paging and after= are ignored) in list order (parley_date_cmp,
 * then id).  Errors as parley_visits_find, or fn's. */
int parley_visit_facts(parley_db *db, const parley_query *q, parley_visit_fact_fn fn, void *ud,
                       parley_err *err);
/* Calls fn once for visit id (any status); ENOTFOUND for an unknown id. */
int parley_visit_fact_get(parley_db *db, const char *id, parley_visit_fact_fn fn, void *ud,
                          parley_err *err);
/* Called per direction with its count of visits. */
typedef int (*parley_direction_fn)(void *ud, const char *from, const char *to, long n,
                                   parley_err *err);
/* Counts of the visits matching q (paging ignored) per direction, in one
 * pass by (from, to) order: every pair at once (a country's partners, the
 * home pair) in memory for one group, not for the visits.  Errors as
 * parley_visits_find, or fn's. */
int parley_visits_by_direction(parley_db *db, const parley_query *q, parley_direction_fn fn,
                               void *ud, parley_err *err);
/* The name of country code into name (cap bytes), one index step (no
 * counts, unlike parley_countries_find); ENOTFOUND for an unknown code. */
int parley_country_name(parley_db *db, const char *code, char *name, size_t cap,
                        parley_err *err);

/* The reference records a figure reads beside its visits (tenures, people,
 * coverage, country names, delegations; for compare external ids and
 * notes), each one question (src/lib/query_reference.c).  Every result
 * holds its rows in one arena: strings are borrowed from it, NULL when the
 * store holds none, and the caller frees the result (whichever reader made
 * it; NULL: nothing) with parley_facts_free(). */
void parley_facts_free(void *result);
typedef struct parley_tenure_fact {
	const char *person, *person_name; /* name NULL when the person is unknown */
	const char *office, *office_name, *country, *rank;
	const char *start_date, *end_date; /* end NULL: still in office */
} parley_tenure_fact;
typedef struct parley_tenure_facts {
	size_t n;
	parley_tenure_fact *t; /* in store order */
	void *priv;
} parley_tenure_facts;
/* Tenures with their office's country and rank: of the offices of country
 * a or b when a is given (b NULL: a alone; through the office and tenure
 * indexes), else of person when given, else all.  EINVAL for a and person
 * together. */
int parley_tenure_facts_find(parley_db *db, const char *a, const char *b, const char *person,
                             parley_tenure_facts **out, parley_err *err);

typedef struct parley_person_fact {
	const char *id, *name, *country, *birth_date;
} parley_person_fact;
typedef struct parley_person_facts {
	size_t n;
	parley_person_fact *p;
	void *priv;
} parley_person_facts;
/* The people ids[0..nids) names (one key step each; unknown ids left
 * out), in that order, or everyone (ids NULL) in store order. */
int parley_person_facts_find(parley_db *db, const char *const *ids, size_t nids,
                             parley_person_facts **out, parley_err *err);

typedef struct parley_coverage_row {
	const char *id, *description, *from_country, *to_country, *min_level;
	const char *start_date, *end_date, *person, *data_through;
} parley_coverage_row;
typedef struct parley_coverage {
	size_t n;
	parley_coverage_row *c; /* in store order */
	void *priv;
} parley_coverage;
/* The declared coverage (what the records are complete for). */
int parley_coverage_list(parley_db *db, parley_coverage **out, parley_err *err);

typedef struct parley_country_name_row {
	const char *code, *name;
} parley_country_name_row;
typedef struct parley_country_names_list {
	size_t n;
	parley_country_name_row *c; /* in store order */
	void *priv;
} parley_country_names_list;
/* Every country's code and name, without the counts of
 * parley_countries_find (which read the tally). */
int parley_country_names(parley_db *db, parley_country_names_list **out, parley_err *err);

typedef struct parley_member_fact {
	const char *visit, *role, *person, *name; /* role: companion, host...; person NULL: unnamed */
} parley_member_fact;
typedef struct parley_member_facts {
	size_t n;
	parley_member_fact *m; /* by visit, role, order on the record */
	void *priv;
} parley_member_facts;
/* The people of visit's delegation and hosts, or of every visit (NULL). */
int parley_member_facts_find(parley_db *db, const char *visit, parley_member_facts **out,
                             parley_err *err);

typedef struct parley_visit_ext {
	const char *visit, *scheme, *value;
} parley_visit_ext;
typedef struct parley_visit_exts {
	size_t n;
	parley_visit_ext *x; /* by visit, scheme, value */
	void *priv;
} parley_visit_exts;
/* Every visit's external ids. */
int parley_visit_exts_all(parley_db *db, parley_visit_exts **out, parley_err *err);

typedef struct parley_visit_note {
	const char *visit, *note;
} parley_visit_note;
typedef struct parley_visit_notes {
	size_t n;
	parley_visit_note *v;
	void *priv;
} parley_visit_notes;
/* The visits whose note holds text (case-sensitive; reads every visit's
 * note, as no index holds them: for whole-store work such as compare).
 * EINVAL for an empty text. */
int parley_visit_notes_find(parley_db *db, const char *text, parley_visit_notes **out,
                            parley_err *err);

/* The greatest start_date of any visit (any status) into out (cap bytes),
 * "" when the store has none: one step of the start index. */
int parley_visits_latest_start(parley_db *db, char *out, size_t cap, parley_err *err);

/* How many people have an alias that folds (parley_fold) to text's fold,
 * and the first of them by id into *first (caller frees; NULL when none). */
int parley_people_by_alias(parley_db *db, const char *text, size_t *n, char **first,
                           parley_err *err);

typedef struct parley_facet_value {
	const char *value;      /* '1964', 'CHN:PRK', 'ministerial' */
	long n;
} parley_facet_value;

typedef struct parley_facet {
	size_t n;
	parley_facet_value *values; /* most first (year: newest first; level: top first) */
	void *priv;
} parley_facet;

/* Counts of the visits matching q (paging ignored) by field: year,
 * direction (FROM:TO), level, type, status, visitor.  Errors as
 * parley_visits_find, EINVAL for another field.  Caller frees *out with
 * parley_facet_free(). */
int parley_visits_facet(parley_db *db, const parley_query *q, const char *field,
                        parley_facet **out, parley_err *err);
void parley_facet_free(parley_facet *f);
/* The facets of q named in fields (each as parley_visits_facet), counted
 * in one pass over the matches: out[i] for fields[i], each freed with
 * parley_facet_free() (all NULL on error).  A list page showing five facets
 * calls this once rather than parley_visits_facet five times. */
int parley_visits_facets(parley_db *db, const parley_query *q, const char *const *fields,
                         size_t n, parley_facet **out, parley_err *err);

/* People: a row of the people list. */
typedef struct parley_person_row {
	const char *id, *name, *native_name, *country;
	const char *aliases;    /* joined by ", ", or NULL */
	long trips;             /* visits led */
	long hosted;            /* visits where they were met as host */
	const char *other_aliases; /* the aliases but the native name (or one of its forms
	                            * "A / B"), joined by ", ", or NULL: what a list shows
	                            * beside the native name */
} parley_person_row;

typedef struct parley_people {
	size_t n;
	parley_person_row *p;   /* by name */
	void *priv;
} parley_people;

/* People whose folded name, native name or alias holds text as a phrase
 * (the rule of q= above), or everyone when text is NULL or folds to
 * nothing; at most limit (0 = all).  Caller frees *out with
 * parley_people_free().  EDB, ENOMEM. */
int parley_people_find(parley_db *db, const char *text, size_t limit, parley_people **out,
                       parley_err *err);
/* One page of that list: the people from offset (0 = the first), at
 * most limit (0 = to the end), in the same order; *total (when total is
 * not NULL) is how many the text matches in all, so a caller can page
 * without reading the rest.  Caller frees *out with parley_people_free().
 * EDB, ENOMEM. */
int parley_people_page(parley_db *db, const char *text, size_t offset, size_t limit,
                       parley_people **out, long *total, parley_err *err);
void parley_people_free(parley_people *p);

typedef struct parley_alias_row {
	const char *alias, *kind;
} parley_alias_row;

typedef struct parley_tenure_row {
	const char *id, *office, *office_name, *rank, *country;
	const char *start_date, *end_date; /* end NULL: still in office */
	const char *confidence;
} parley_tenure_row;

/* One person with aliases and tenures (oldest first).  Strings are
 * borrowed from the result. */
typedef struct parley_person {
	const char *id, *name, *native_name, *country, *country_name;
	const char *birth_date, *death_date, *note;
	size_t naliases, ntenures;
	parley_alias_row *aliases;
	parley_tenure_row *tenures;
	void *priv;
} parley_person;

/* ENOTFOUND for an unknown id.  Caller frees *out with
 * parley_person_free(). */
int parley_person_get(parley_db *db, const char *id, parley_person **out, parley_err *err);
void parley_person_free(parley_person *p);

typedef struct parley_country_row {
	const char *code, *name;
	const char *iso2, *start_date, *end_date; /* NULL when not known */
	long visits_made, visits_hosted; /* every status */
} parley_country_row;

typedef struct parley_countries {
	size_t n;
	parley_country_row *c;  /* by name */
	void *priv;
} parley_countries;

/* The holders of a country's offices of the given ranks (comma-separated,
 * e.g. "paramount_leader,head_of_state"), by start: person, name,
 * office, office_name, rank, start_date, end_date (NULL: in office).
 * Caller frees *out with parley_holders_free().  EINVAL for a bad rank. */
typedef struct parley_holder {
	const char *person, *name, *office, *office_name, *rank, *start_date, *end_date;
} parley_holder;
typedef struct parley_holders {
	size_t n;
	parley_holder *h;
	void *priv;
} parley_holders;
int parley_office_holders(parley_db *db, const char *country, const char *ranks,
                          parley_holders **out, parley_err *err);
void parley_holders_free(parley_holders *h);

/* Countries: one (code, NULL when absent) or all (code NULL), by name.
 * Caller frees *out with parley_countries_free().  EDB, ENOMEM. */
int parley_countries_find(parley_db *db, const char *code, parley_countries **out,
                          parley_err *err);
void parley_countries_free(parley_countries *c);

/* Writes visits as "csv" or "json"
 * (the schema of GET /api/v1/visits: {"total","offset","visits":[...]}).
 * EINVAL for another format, EIO when writing fails. */
int parley_visits_write(const parley_visits *r, const char *format, FILE *out,
                        parley_err *err);

/* The audit log, newest first, as a JSON array of {seq, at, actor, action,
 * entity, entity_key, before, after, reason}; entity and key filter when not
 * NULL; limit 0 = all. */
int parley_audit_json(parley_db *db, const char *entity, const char *key, long limit,
                      FILE *out, parley_err *err);

/* ===================================================================== */
/* Analysis (issue 3) - declared below this line by the analysis module  */
/* ===================================================================== */
/*
 * The figures an analyst writes about, computed from the records as of a
 * date (docs/analysis.md gives every definition and rule).  Each analysis
 * has a _compute function that returns a result struct (the caller frees it
 * with the matching _free function), and a _write function that prints the
 * result as "table" (aligned, for a terminal), "csv", "json" or "md" (a
 * Markdown table).  Every count is a parley_ids: the number and the ids of
 * the visits behind it, so that any figure can be expanded (--explain; JSON
 * output always lists them).
 *
 * Counting rules: a visit is counted when its status is in opts->status, its
 * level passes opts->min_level (parley_level_at_least), it is between the
 * two countries (either direction) and the first possible day of its start
 * is on or before the as-of date.  It belongs to the era containing that
 * day.  Eras come from the tenures of each country's offices of rank
 * paramount_leader; an era runs from its leader's first day up to (not
 * including) the day it ended, and an era still open on the as-of date is
 * cut there (and then includes the as-of day).
 *
 * Errors, for every function below: PARLEY_EINVAL for a NULL argument or a
 * bad option (country code, date, level, status, format), PARLEY_EDB when
 * the store cannot be read, PARLEY_EDATA when a record in it has an
 * unreadable date (err names the record), PARLEY_ENOMEM, and for the _write
 * functions PARLEY_EIO when writing to out fails.  Strings and parley_ids
 * inside a result are borrowed from it and valid until its _free; every
 * _free accepts NULL.
 */

/* Visit ids behind a count; n is the count.  Borrowed from the result. */
typedef struct parley_ids {
	size_t n;
	const char *const *ids; /* n ids, by start date then id */
} parley_ids;

typedef struct parley_analysis_opts {
	const char *a;         /* country code (ISO3), required */
	const char *b;         /* the other country, required for pair analyses */
	const char *as_of;     /* date; NULL = today (UTC) */
	const char *from;      /* timeline and gaps: start here; NULL = first visit */
	const char *min_level; /* NULL = "ministerial" (Foreign Minister or above) */
	const char *status;    /* comma-separated; NULL = "confirmed,reported" */
} parley_analysis_opts;

/* Where the data ends (docs/analysis.md, "Where the data ends").  Every
 * analysis result carries one: the data-through date of what it counted,
 * and whether the as-of date ran past it (then every figure stops there). */
typedef struct parley_through {
	char date[11];        /* YYYY-MM-DD; "" when nothing says where the data ends */
	const char *rule;     /* how it was found: "coverage 'ID'", "data version NAME",
	                       * "latest recorded visit" (static or owned by the result) */
	int cut;              /* 1 when the as-of date was past it and figures stop there */
	char as_of[11];       /* the as-of date asked for */
} parley_through;

/* The store's data version: its newest data release (table data_release,
 * loaded by `init --bundled` from data/bundled/data_release.csv). */
typedef struct parley_data_version {
	char name[64];        /* "" when the store has no release */
	char released[11];
	char data_through[11];
} parley_data_version;
int parley_data_version_get(parley_db *db, parley_data_version *out, parley_err *err);
/* The data-through date of visits between a and b (either direction) at
 * min_level (NULL = ministerial) and above, into date (11 bytes; "" when
 * unknown).  rule (may be NULL) receives a description in a static or
 * caller-sized buffer of rule_size bytes. */
int parley_data_through(parley_db *db, const char *a, const char *b, const char *min_level,
                        char date[11], char *rule, size_t rule_size, parley_err *err);

#define PARLEY_NLEVELS 9
/* Level names from the top (0 = paramount_leader) to 8 = unknown; NULL past
 * the end.  Static. */
const char *parley_analysis_level(int i);

/* ---- Eras ---------------------------------------------------------- */
typedef enum parley_era_by {
	PARLEY_ERAS_PAIR = 0, /* overlaps of A's and B's leaders' tenures */
	PARLEY_ERAS_A = 1,    /* A's leaders only */
	PARLEY_ERAS_B = 2     /* B's leaders only */
} parley_era_by;

typedef struct parley_era {
	const char *name;     /* 'Xi Jinping / Kim Jong-un' (A's leader first) */
	const char *leader_a; /* person id of A's leader, NULL when by B */
	const char *leader_b; /* person id of B's leader, NULL when by A */
	char start[11];       /* first day, YYYY-MM-DD */
	char end[11];         /* the day it ended (the successor's first day), or the as-of date when open */
	int open;             /* 1 when the era was still running on the as-of date */
	double years;         /* (end - start) / 365.2425 */
	double per_year;      /* visits.n / years (0 when years is 0) */
	parley_ids visits;       /* all counted visits in the era */
	parley_ids a_to_b;       /* by A's officials to B */
	parley_ids b_to_a;
	parley_ids top_a_to_b;   /* by A's paramount leader (per tenures, or level paramount_leader) */
	parley_ids top_b_to_a;
	parley_ids unidentified; /* visits with no identified visitor */
	parley_ids by_level[PARLEY_NLEVELS]; /* index as parley_analysis_level() */
} parley_era;

typedef struct parley_eras {
	char a[8], b[8];
	char as_of[11];
	char min_level[32];
	char status[64];
	parley_era_by by;
	size_t n;
	parley_era *eras;   /* oldest first */
	parley_ids total;   /* counted visits from the first era's start to the as-of date */
	parley_ids outside; /* of total, those in no era (a gap between tenures) */
	void *priv;
	parley_through through; /* open eras end at through.date when cut */
} parley_eras;

/* Computes the eras of o->a and o->b.  On success *out is a result the
 * caller frees with parley_eras_free().  EINVAL for a bad option,
 * ENOTFOUND when a country has no paramount-leader tenures. */
int parley_eras_compute(parley_db *db, const parley_analysis_opts *o, parley_era_by by,
                        parley_eras **out, parley_err *err);
/* format: table|csv|json|md.  explain: add the visit ids behind each count
 * (JSON always has them).  CSV has exactly the columns
 * era,start,end,years,visits,per_year,a_to_b,b_to_a,top_a_to_b,top_b_to_a,unidentified */
int parley_eras_write(const parley_eras *e, const char *format, int explain, FILE *out,
                      parley_err *err);
void parley_eras_free(parley_eras *e);

/* ---- Timeline ------------------------------------------------------ */
typedef enum parley_split {
	PARLEY_SPLIT_DIRECTION = 0, /* series 'A->B', 'B->A' */
	PARLEY_SPLIT_LEVEL = 1,     /* the levels that pass min_level, top first */
	PARLEY_SPLIT_TYPE = 2       /* the visit types */
} parley_split;

typedef struct parley_bucket {
	char period[8];       /* '2018' or '2018-03' */
	char start[11];       /* first day of the bucket */
	const char *era;      /* name of the pair era containing the first day, or NULL */
	parley_ids total;
	parley_ids *series;   /* nseries counts, in the order of parley_timeline.series */
	parley_ids imprecise; /* visits dated more coarsely than the bucket, placed by their first possible day */
	int no_data;          /* 1: the bucket starts after the data-through date ("no data", not 0) */
	int partial;          /* 1: the data-through date falls inside the bucket */
} parley_bucket;

typedef struct parley_timeline {
	char a[8], b[8];
	char as_of[11];
	int by_month;
	parley_split split;
	size_t nseries;
	const char *const *series; /* series names */
	size_t n;
	parley_bucket *buckets;    /* every bucket from the first to the as-of date, empty ones too */
	void *priv;
	parley_through through;
} parley_timeline;

/* by_month: 0 = a bucket per year, 1 = per month.  Caller frees *out with
 * parley_timeline_free().  A pair without paramount-leader tenures still has
 * a timeline (its buckets have no era).  PARLEY_ELIMIT when the range holds
 * more than 200,000 buckets; other errors as above. */
int parley_timeline_compute(parley_db *db, const parley_analysis_opts *o, int by_month,
                            parley_split split, parley_timeline **out, parley_err *err);
/* format: table|csv|json|md; explain lists the ids behind each count after
 * the table (CSV stays one table; JSON always has them).  Errors as above. */
int parley_timeline_write(const parley_timeline *t, const char *format, int explain,
                          FILE *out, parley_err *err);
void parley_timeline_free(parley_timeline *t);

/* ---- Gaps and quiet periods ---------------------------------------- */
typedef struct parley_gap {
	const char *before;       /* id of the visit that opens the interval */
	const char *after;        /* id of the visit that closes it; NULL for the current interval */
	const char *before_label; /* '2011-05-20 Kim Jong-il PRK->CHN' */
	const char *after_label;  /* NULL for the current interval */
	char start[11], end[11];  /* first possible start days of the two visits (end = as-of when current) */
	long days;
	double years;
	int approximate;          /* a bounding date is known only to the month or year */
	const char *era;          /* the pair era containing the interval's start, or NULL */
} parley_gap;

typedef struct parley_quiet {
	char start[11], end[11];
	parley_ids visits;        /* visits within the quiet period */
	double rate;              /* visits per year within it */
} parley_quiet;

typedef struct parley_gaps {
	char a[8], b[8];
	char as_of[11];
	char range_start[11];     /* first counted visit, or opts->from */
	parley_ids total;         /* counted visits in range */
	double long_run_rate;     /* total.n / years from range_start to as_of */
	double window_years;      /* rolling window of the quiet rule */
	double ratio;             /* quiet when the rolling rate < ratio * long-run rate */
	size_t n;
	parley_gap *gaps;         /* the longest intervals, longest first */
	int has_current;
	parley_gap current;       /* from the last counted visit to the as-of date */
	size_t nquiet;
	parley_quiet *quiet;      /* oldest first */
	void *priv;
	parley_through through;   /* when cut, the current interval ends at through.date and
	                           * is "at least" that long; no quiet period runs past it */
} parley_gaps;

/* top: how many intervals to keep (0 = 10); window_years (0 = 3) and ratio
 * (0 = 0.25) set the quiet-period rule.  On success the caller frees *out
 * with parley_gaps_free().  Errors as above. */
int parley_gaps_compute(parley_db *db, const parley_analysis_opts *o, size_t top,
                        double window_years, double ratio, parley_gaps **out,
                        parley_err *err);
/* format: table|csv|json|md; explain: the ids behind each figure.  Errors
 * as above. */
int parley_gaps_write(const parley_gaps *g, const char *format, int explain, FILE *out,
                      parley_err *err);
void parley_gaps_free(parley_gaps *g);
/* Visits of a pair in one year, by direction (parley_pair_compute). */
typedef struct parley_pair_year {
	int year;
	long a_to_b, b_to_a;
} parley_pair_year;
/* The eras (PARLEY_ERAS_PAIR) and gaps (top intervals, default window and
 * ratio) of a pair from one read of its visits: what parley_eras_compute
 * and parley_gaps_compute give, at the cost of one.  *eras is NULL when
 * the pair has no eras (no paramount-leader tenures).  years (may be NULL):
 * the visits read per year and direction, oldest first, before any
 * data-through cut: the counts of parley_visits_facet(year) for the list
 * between=A:B with o's level, status and as-of (malloc'd, *nyears of them;
 * the caller frees it).  Errors are the gaps' (then every output is NULL).
 * The caller frees eras and gaps with their free functions. */
int parley_pair_compute(parley_db *db, const parley_analysis_opts *o, size_t top,
                        parley_eras **eras, parley_gaps **gaps, parley_pair_year **years,
                        size_t *nyears, parley_err *err);

/* ---- Context: the sentences about one visit ------------------------ */
typedef enum parley_claim {
	PARLEY_CLAIM_NONE = 0,    /* a plain figure, no first/only/ordinal claim */
	PARLEY_CLAIM_COVERED = 1, /* a claim the named coverage backs */
	PARLEY_CLAIM_UNCOVERED = 2 /* the claim cannot be made: no coverage backs it */
} parley_claim;

/* A context sentence lists at most this many of the visits it rests on,
 * the latest (a busy visitor's earlier visits are thousands: each visit's
 * context would grow with them, and a pair's site with their square). */
#define PARLEY_CONTEXT_IDS_MAX 50

typedef struct parley_sentence {
	const char *kind;     /* 'first-abroad', 'first-in-years', 'nth-visit', 'since-previous' */
	const char *text;     /* the sentence, ready to paste */
	parley_claim claim;
	const char *coverage; /* id of the coverage relied on, or NULL */
	parley_ids visits;    /* the earlier visits the sentence rests on: the latest
	                       * PARLEY_CONTEXT_IDS_MAX of them at most, by date */
	size_t total;         /* how many there are (visits.n when all are listed) */
	/* the list that holds them all, as filter names and values of
	 * parley_query_set (visitor, country, direction, since, as_of), in
	 * pairs, NULL after the last; list[0] NULL when there is none */
	const char *list[11];
} parley_sentence;

typedef struct parley_context {
	const char *visit;    /* the visit id */
	const char *label;    /* '2018-03-25 Kim Jong-un PRK->CHN' */
	size_t n;
	parley_sentence *s;
	void *priv;
	parley_through through;   /* of the visit's pair; no claim crosses it */
} parley_context;

/* Sentences about visit_id as of its start.  o may be NULL; o->min_level
 * and o->status filter the earlier visits (a and b are ignored: the pair is
 * the visit's).  ENOTFOUND for an unknown visit; other errors as above.
 * On success the caller frees *out with parley_context_free(). */
int parley_context_compute(parley_db *db, const char *visit_id, const parley_analysis_opts *o,
                           parley_context **out, parley_err *err);
/* format: table|csv|json|md.  Errors as above. */
int parley_context_write(const parley_context *c, const char *format, FILE *out,
                         parley_err *err);
void parley_context_free(parley_context *c);

/* ---- Companions ---------------------------------------------------- */
typedef struct parley_companion {
	const char *person;   /* person id, or NULL when the record names no person */
	const char *name;
	parley_ids visits;
} parley_companion;

typedef struct parley_companions {
	const char *person;   /* the person asked about */
	const char *name;
	parley_ids led;       /* visits the person made as visitor */
	size_t nwith;
	parley_companion *with;        /* who accompanied them, most often first */
	size_t naccompanied;
	parley_companion *accompanied; /* whose visits they joined as a companion */
	void *priv;
	parley_through through;        /* of the whole store */
} parley_companions;

/* person: an id, or a name or alias (folded); ENOTFOUND when none matches,
 * EDATA when a name is ambiguous.  o may be NULL (o->status filters; other
 * fields ignored); other errors as above.  On success the caller frees
 * *out with parley_companions_free(). */
int parley_companions_compute(parley_db *db, const char *person, const parley_analysis_opts *o,
                              parley_companions **out, parley_err *err);
/* The same with only what the person page shows: led and `with` equal
 * parley_companions_compute's; accompanied is left empty (naccompanied 0),
 * as the visits the person joined are not read.  Errors as above; the
 * caller frees *out with parley_companions_free(). */
int parley_companions_led(parley_db *db, const char *person, const parley_analysis_opts *o,
                          parley_companions **out, parley_err *err);
/* format: table|csv|json|md; explain: the visit ids in the table too.
 * Errors as above. */
int parley_companions_write(const parley_companions *c, const char *format, int explain,
                            FILE *out, parley_err *err);
void parley_companions_free(parley_companions *c);


/* ---- Methods: what the methods page states, from the store ---------- */
typedef struct parley_methods_cover {
	const char *id, *description, *from, *to, *min_level, *start, *end, *data_through;
} parley_methods_cover;
typedef struct parley_methods_office {
	const char *id, *name, *country, *rank;
} parley_methods_office;
typedef struct parley_methods_disputed {
	const char *visit, *label, *disputed;
} parley_methods_disputed;

typedef struct parley_methods {
	parley_data_version version;
	size_t visits;           /* visits counted by default (confirmed, reported) */
	size_t unidentified;     /* of those, with no identified visitor */
	size_t imprecise;        /* of those, with a start known only to the month or year */
	size_t low_confidence;   /* of those, with confidence 'low' */
	size_t candidates;       /* visits awaiting review (status candidate), not counted */
	size_t ncover;
	parley_methods_cover *cover;       /* declared coverage, by id */
	size_t noffice;
	parley_methods_office *office;     /* offices and their ranks, by country, rank, name */
	size_t ndisputed;
	parley_methods_disputed *disputed; /* visits with a disputed fact, by start date */
	void *priv;
} parley_methods;

/* Reads the facts the methods page states.  Caller frees *out with
 * parley_methods_free(). */
int parley_methods_compute(parley_db *db, parley_methods **out, parley_err *err);
void parley_methods_free(parley_methods *m);

/* ---- Compare: two sources side by side (src/analysis/an_compare.c) --- */
typedef struct parley_compare_opts {
	int tolerance_days;        /* start dates this far apart can match; 0 = 3,
	                            * negative = same day only */
	int eras;                  /* 1: era tables side by side, not the record list */
	int their_eras;            /* eras: group B by its own era labels ("period '...'") */
	parley_analysis_opts an;   /* a/b: the pair (eras: inferred when NULL), as_of,
	                            * min_level, status: which visits count on each side */
} parley_compare_opts;

/* Compares the visits of two sources without importing either into db:
 * "store" (db itself), "store:PATH" (another store, read-only) or the path
 * of a file in any format `parley import` reads (imported into a scratch
 * store holding a copy of db's reference records, in a temporary file
 * in SQLite's temporary folder, $SQLITE_TMPDIR or $TMPDIR else /var/tmp,
 * deleted as it closes).  Writes the matched
 * pairs with their rule and field differences, only-in-A and only-in-B
 * (or, with eras, the era tables side by side and the visits behind each
 * difference) as format table|csv|json.  co may be NULL.  ENOTFOUND for a
 * source that is not there; EDATA when a file does not import. */
int parley_compare(parley_db *db, const char *a_spec, const char *b_spec,
                   const parley_compare_opts *co, const char *format, FILE *out,
                   parley_err *err);

/* ===================================================================== */
/* Publishing (issue 4) - declared below this line by the web module     */
/* ===================================================================== */

/*
 * The web module publishes a store: a dashboard per country pair, a visit
 * list with filters and search, a page per visit, person and country, SVG
 * charts, a JSON API under /api/v1/ and CSV for every list (docs/api.md).
 * Both entry points open the store read-only and never change it.
 */
typedef struct parley_serve_opts {
	const char *listen;        /* "HOST:PORT" or ":PORT"; NULL = "127.0.0.1:8080" */
	unsigned threads;          /* worker threads; 0 = one per CPU, at most 8 */
	unsigned max_connections;  /* open connections at once; 0 = 4096 (fewer when the
	                            * descriptor limit is lower) */
	unsigned timeout_s;        /* idle timeout, and the time a request has to send all its
	                            * headers however slowly; 0 = 10 seconds */
	int quiet;                 /* 1: no start-up line on stderr */
	/* The team server (docs/teams.md): editing is on when the store has a
	 * user, or with editable; otherwise the server is read-only. */
	int editable;
	const char *tls_cert, *tls_key; /* PEM files: serve HTTPS (both or neither) */
	const char *trust_proxy;   /* IPv4 address of a reverse proxy whose X-Forwarded-Proto
	                              and X-Forwarded-For are believed; NULL = none */
	int review_required;       /* 1: editors' changes wait for a reviewer's approval */
} parley_serve_opts;

/* Serves the store at db_path over HTTP until SIGINT or SIGTERM, then
 * returns PARLEY_OK.  opts may be NULL (all defaults).  Fails with
 * PARLEY_EINVAL for a bad listen address and PARLEY_EIO when the address
 * cannot be bound. */
int parley_serve(const char *db_path, const parley_serve_opts *opts, parley_err *err);

/* Writes the same pages as static files (HTML, JSON, CSV, SVG, with
 * relative links) into out_dir, created if missing, for any static web
 * host.  *files (may be NULL) receives the number of files written. */
int parley_site(const char *db_path, const char *out_dir, long *files, parley_err *err);
/* What parley_site_with writes. */
typedef struct parley_site_opts {
	/* Both set: the site of that one pair alone (codes in either order):
	 * its dashboard as index.html and pair/A-B.html, its visit list and
	 * API files (visits, eras, timeline, gaps, as JSON and CSV), its
	 * charts, the lists of its eras, its leaders' visits and its longest
	 * gap (of the pair's visits alone), and a page per visit of the pair
	 * (the cost follows the pair, not the store); no people, country, year,
	 * facet, brief or methods pages.  EINVAL for a malformed pair,
	 * ENOTFOUND for a country the store lacks.  Neither: the whole site. */
	const char *pair_a, *pair_b;
} parley_site_opts;
/* parley_site with options (NULL: the whole site). */
int parley_site_with(const char *db_path, const char *out_dir, const parley_site_opts *opts,
                     long *files, parley_err *err);

/* ---- Briefs (issue 10; docs/briefs.md) ------------------------------ */
/*
 * A brief is a Markdown file with a front matter block whose {{ ... }}
 * expressions are live figures, evaluated as of the brief's as-of date
 * through the query layer and the analysis.  Publishing records every
 * figure in a ledger (expression, value, as-of date, visit ids); a
 * published brief renders from its ledger.  Errors in a brief name the
 * file, line and column ("kim.md:14:9: unknown person 'kim-jong-eun'").
 */
/* Adds or replaces an author of the site's staff (audited). */
int parley_brief_author_set(parley_db *db, const char *id, const char *name, const char *role,
                            const char *bio, parley_err *err);
/* Stores the brief file text (len bytes; name is the file name errors
 * cite) as a draft, after checking its front matter, its authors (each an
 * author id) and the syntax of its expressions.  replace: a draft of the
 * same id may be replaced; a published brief never is (ECONFLICT).  id
 * (may be NULL) receives the brief's id (64 bytes). */
int parley_brief_add(parley_db *db, const char *name, const char *text, size_t len,
                     int replace, char id[64], parley_err *err);
/* Evaluates every figure and chart of draft id as of its as-of date; on
 * success records the ledger and marks it published on day (YYYY-MM-DD;
 * NULL = today, UTC).  On the first failing expression nothing is
 * published: EDATA/ENOTFOUND with "ID.md:LINE:COL: what". */
int parley_brief_publish(parley_db *db, const char *id, const char *day, parley_err *err);
/* The brief's file as stored (round-trips to the file it came from).
 * Caller frees *text with free(). */
int parley_brief_source(parley_db *db, const char *id, char **text, parley_err *err);
/* Lists the briefs: format "table" or "json". */
int parley_brief_list(parley_db *db, const char *format, FILE *out, parley_err *err);
/* Recomputes every figure of published brief id (NULL = all) with today's
 * data as of the same date and writes each that would now differ, with
 * old and new values and the visits added to or removed from it (format
 * "table" or "json").  *changed receives the number that differ. */
int parley_brief_check(parley_db *db, const char *id, const char *format, FILE *out,
                       long *changed, parley_err *err);
/* Publishes a dated correction (day NULL = today) at the foot of brief id
 * and sets its updated date.  ENOTFOUND for an unknown or unpublished brief. */
int parley_brief_correct(parley_db *db, const char *id, const char *note, const char *day,
                         parley_err *err);
/* Writes the brief's page as served at /briefs/ID (HTML) to out. */
int parley_brief_render(parley_db *db, const char *id, FILE *out, parley_err *err);
/* The newsletter of the briefs published on or after since (YYYY-MM-DD, or a
 * month or year: its first day) into out_dir (created): newsletter.html
 * (e-mail-ready: inline styles, no scripts, no remote resources; charts as
 * relative links to PNG files beside it), newsletter.txt (the same in plain
 * text) and ID-chart-N.png per chart.  base_url (NULL: site paths like
 * /briefs/ID) prefixes the links to the briefs' pages and must end in '/'.
 * *count (may be NULL) gets the number of briefs.  EINVAL naming a bad
 * date or URL; EIO when a file cannot be written. */
int parley_brief_newsletter(parley_db *db, const char *since, const char *out_dir,
                            const char *base_url, long *count, parley_err *err);
/* Adds the site's staff (data_dir/briefs/authors.csv) and publishes
 * the example brief shipped with the bundled data (init --bundled); a
 * brief already published is left as it was; a data folder without
 * briefs/ has none to add.  data_dir NULL = the bundled data's folder. */
int parley_brief_load_bundled(parley_db *db, const char *data_dir, parley_err *err);


/* ===================================================================== */
/* Discovery (issue 5) - declared below this line by the gdelt module    */
/* ===================================================================== */
/*
 * GDELT event files are read as they come: 1.0 (57 or 58 columns) and 2.0
 * (61 columns), tab-separated without quoting, plain or inside .zip, .gz,
 * .bz2 or .xz, from files, folders (their .csv/.tsv/.txt/.zip/.gz/.bz2/.xz
 * files, sorted by name), glob patterns or "-" (standard input).  The
 * layout is detected per line.  A malformed line (wrong number of fields,
 * bad date in a row the query looks at, overlong, no final newline) is
 * counted and reported as a finding with file, line and why; it never
 * stops a scan.  Plain files are split among all cores at newline
 * boundaries and read through a bounded buffer per core (or mapped in
 * windows, PARLEY_GDELT_IO=mmap); peak memory does not grow with the
 * input.  docs/gdelt.md.
 */

/* What to look for.  Countries are the 3-letter actor country codes of
 * GDELT (CAMEO; ISO 3166-1 alpha-3 for states). */
typedef struct parley_gdelt_query {
	const char *country_a;  /* required */
	const char *country_b;  /* required; rows match in either order */
	const char *codes;      /* CAMEO event codes "036,040-046" (the default
	                           when NULL); compared as written */
	const char *since;      /* date (YYYY, YYYY-MM, YYYY-MM-DD) on SQLDATE, or NULL */
	const char *until;      /* inclusive, or NULL */
	int threads;            /* 0 = all online CPUs */
	int progress;           /* nonzero: draw a progress line on stderr
	                           (the caller decides, e.g. when it is a tty) */
	struct parley_gdelt_engine *engine; /* NULL: read the paths; else run the
	                           query on this engine (paths are not read) */
} parley_gdelt_query;

typedef struct parley_gdelt_stats {
	long files;             /* inputs read (archive members count once each) */
	long rows;              /* well-formed rows, all layouts */
	long rows57, rows58, rows61;
	long malformed;         /* lines reported as malformed */
	long matched;           /* rows that met the whole query */
	uint64_t bytes;         /* bytes of (decompressed) text scanned */
	double seconds;         /* wall time of the scan */
} parley_gdelt_stats;

/* ---- Aggregate counts ---- */
typedef struct parley_gdelt_counts parley_gdelt_counts;

/* Counts the rows between the two countries' actors (either order) with
 * the query's event codes, grouped by the comma-separated fields of
 * count_by, a list of: year, month (YYYYMM), date (YYYYMMDD), eventcode,
 * basecode, rootcode, quadclass, actor1country, actor2country, place
 * (ActionGeo FIPS code).  On success *out holds the groups sorted by their
 * key; the caller frees it with parley_gdelt_counts_free() (*out is NULL
 * on failure).  stats and rep may be NULL; malformed lines are findings in
 * rep, not errors.  Errors: PARLEY_EINVAL for a missing or bad country,
 * code list, date or count_by field, or no input; PARLEY_EIO for an input
 * that cannot be read (err names it); PARLEY_ELIMIT for too many event
 * codes; PARLEY_ENOMEM. */
int parley_gdelt_count(const char *const *paths, size_t npaths,
                       const parley_gdelt_query *q, const char *count_by,
                       parley_report *rep, parley_gdelt_stats *stats,
                       parley_gdelt_counts **out, parley_err *err);
size_t parley_gdelt_counts_len(const parley_gdelt_counts *c);
size_t parley_gdelt_counts_nkeys(const parley_gdelt_counts *c);
/* The name of grouping field k ("month"); borrowed. */
const char *parley_gdelt_counts_field(const parley_gdelt_counts *c, size_t k);
/* Group i's value of field k as written in the data; borrowed. */
const char *parley_gdelt_counts_key(const parley_gdelt_counts *c, size_t i, size_t k);
/* Group i's row count; -1 past the end. */
long parley_gdelt_counts_value(const parley_gdelt_counts *c, size_t i);
/* Writes the groups: "table" (fields then count, space-separated, one
 * group a line: "201901 042 3"), "csv" (with a header) or "json" (NULL =
 * "table").  PARLEY_EINVAL for another format, PARLEY_EIO when writing
 * fails, PARLEY_ENOMEM. */
int parley_gdelt_counts_print(const parley_gdelt_counts *c, const char *format,
                              FILE *out, parley_err *err);
/* Frees the counts and every string in them; NULL is allowed. */
void parley_gdelt_counts_free(parley_gdelt_counts *c);

/* ---- Candidate visits ---- */
typedef struct parley_candidate {
	char id[64];          /* visit id it is (or would be) stored under */
	char from[8];         /* visiting country (ISO3), "" when unknown */
	char to[8];           /* host country, "" when unknown */
	char place[8];        /* ISO3 (or FIPS when unmapped) of the action place */
	char start[11];       /* YYYY-MM-DD */
	char end[11];
	int days;             /* distinct event days */
	long events, sources, articles, mentions;
	int mirrored;         /* both a 042 and a 043 folded in */
	double score;
	/* "new" (stored as a candidate), "stored" (candidate from an earlier
	 * run), "known" (matches a confirmed/reported visit), "rejected"
	 * (matches a rejected visit), "third-country", "unknown-direction",
	 * "not-stored" (no store, or --no-store) */
	char match[24];
	char match_id[128];   /* the matching visit, or "" */
	char label[128];      /* the visiting actor's name as GDELT writes it */
	char codes[64];       /* event codes and counts: "042x3 043x2" */
	char **event_ids;     /* GLOBALEVENTIDs, sorted */
	size_t nevent_ids;
	char **urls;          /* distinct SOURCEURLs, sorted */
	size_t nurls;
} parley_candidate;

typedef struct parley_candidates {
	parley_candidate *v;
	size_t n;
} parley_candidates;

typedef struct parley_discover_opts {
	const char *types;    /* actor types counted as government or leadership,
	                         "GOV,LEG,MIL" when NULL; one actor must have one */
	double min_score;     /* candidates below are dropped */
	int store;            /* nonzero: store new candidates (needs db) */
	const char *actor;    /* audit actor for stored rows; NULL = "discover:gdelt" */
} parley_discover_opts;

/* Finds candidate visits between the query's countries (see docs/gdelt.md
 * for the host rule, the folding and the score).  db may be NULL (nothing
 * matched or stored).  With db, each candidate is compared with the visits
 * in the store (same pair, dates overlapping within a day) and, when
 * o->store is set, new ones are stored in one transaction as visits with
 * status 'candidate', their source URLs as sources and their event ids as
 * external_id rows (scheme 'gdelt').  On success *out holds the candidates
 * ordered by start date; the caller frees it with parley_candidates_free()
 * (*out is NULL on failure).  Errors: those of parley_gdelt_count(), and
 * PARLEY_EDB when matching or storing fails (nothing is stored then: one
 * transaction). */
int parley_gdelt_discover(parley_db *db, const char *const *paths, size_t npaths,
                          const parley_gdelt_query *q, const parley_discover_opts *o,
                          parley_report *rep, parley_gdelt_stats *stats,
                          parley_candidates **out, parley_err *err);
/* format: "table", "csv" or "json" (NULL = "table").  PARLEY_EINVAL for
 * another format, PARLEY_EIO when writing fails, PARLEY_ENOMEM. */
int parley_candidates_print(const parley_candidates *c, const char *format,
                            FILE *out, parley_err *err);
/* Frees the candidates with their event ids and URLs; NULL is allowed. */
void parley_candidates_free(parley_candidates *c);

/* ---- Review ---- */
/* Lists the visits with status 'candidate' (format "table", "csv", "json";
 * NULL = "table").  PARLEY_EINVAL for another format, PARLEY_EDB when the
 * store cannot be read, PARLEY_ENOMEM. */
int parley_review_list(parley_db *db, const char *format, FILE *out, parley_err *err);
/* Confirms a candidate (status 'confirmed'); the audit log records `by` as
 * "review:<by>".  PARLEY_ENOTFOUND when there is no such visit,
 * PARLEY_ECONFLICT when it is not a candidate, PARLEY_EINVAL without an
 * id, PARLEY_EDB when the store cannot be written. */
int parley_review_accept(parley_db *db, const char *id, const char *by, parley_err *err);
/* Rejects a candidate (status 'rejected', note = why); nothing is deleted.
 * PARLEY_EINVAL without why; otherwise the errors of parley_review_accept(). */
int parley_review_reject(parley_db *db, const char *id, const char *by,
                         const char *why, parley_err *err);

/* ---- Engines (issue 12): the same queries on a ClickHouse cluster ---- */
/*
 * An engine holds GDELT rows loaded by parley_gdelt_load() and answers the
 * queries of parley_gdelt_count() and parley_gdelt_discover() when it is set
 * in parley_gdelt_query.engine: the engine selects the rows of the pair
 * (codes, dates) and parley's own sinks count or fold them, so the results
 * are the same as a scan of the same files.  Their HTTP client (libcurl) is
 * the module parley-http.so, loaded on first use.  docs/gdelt.md.
 */
typedef struct parley_gdelt_engine parley_gdelt_engine;

/* Opens clickhouse://HOST:PORT/DB[?cluster=NAME] (the HTTP interface of one
 * server of a cluster named in its remote_servers, "parley" by default).
 * Nothing is sent yet.  *out is freed with parley_gdelt_engine_free().
 * PARLEY_EINVAL for a malformed URL, PARLEY_ENOMEM.  (A missing module
 * parley-http.so is PARLEY_EIO from the first request.) */
int parley_gdelt_engine_open(const char *url, parley_gdelt_engine **out, parley_err *err);
/* NULL is allowed. */
void parley_gdelt_engine_free(parley_gdelt_engine *e);

typedef struct parley_gdelt_load_stats {
	long files;             /* inputs loaded now */
	long skipped;           /* inputs loaded before (same name, size and CRC-32) */
	long rows;              /* rows loaded now */
	long malformed;         /* lines reported as malformed (not loaded) */
	uint64_t bytes;         /* bytes of the inputs loaded now, as stored */
	double seconds;
} parley_gdelt_load_stats;

/* Loads GDELT event files (the paths of parley_gdelt_count(), except
 * standard input) into the engine, creating its tables when missing: on
 * every shard a MergeTree partitioned by month and ordered by the actor
 * countries and event code, a Distributed table over them, and, on the
 * first shard, a table of the files loaded.  Rows go to shard
 * GLOBALEVENTID mod shards.  The files are read with the scan's readers,
 * so malformed lines are findings in rep exactly as in a scan, and are not
 * loaded.  An input loaded before is skipped (a finding says so).
 * threads/progress as in parley_gdelt_query.  stats and rep may be NULL.
 * Errors: PARLEY_EINVAL (no input, standard input), PARLEY_EIO for an
 * input that cannot be read or an engine that fails (err names the host),
 * PARLEY_ENOMEM. */
int parley_gdelt_load(parley_gdelt_engine *e, const char *const *paths, size_t npaths,
                      int threads, int progress, parley_report *rep,
                      parley_gdelt_load_stats *stats, parley_err *err);

/* ===================================================================== */
/* Accounts, sessions and backups (account.c, session.c, backup.c)        */
/* ===================================================================== */
/* A team server's users.  Passwords are hashed with Argon2id (libsodium's
 * crypto_pwhash_str, interactive limits) and never stored or logged in
 * clear.  A session is a random 256-bit token given to the browser; the store
 * keeps only its hash, so a copy of the store cannot be used to log in. */

typedef enum parley_role {
	PARLEY_ROLE_READER = 0,   /* reads what the public reads, and pending changes: no */
	PARLEY_ROLE_EDITOR = 1,   /* proposes changes (held for review when review is required) */
	PARLEY_ROLE_REVIEWER = 2, /* approves or rejects changes; publishes directly */
	PARLEY_ROLE_ADMIN = 3     /* everything, and the accounts */
} parley_role;

/* "reader", "editor", "reviewer", "admin"; never NULL. */
const char *parley_role_name(parley_role role);
/* PARLEY_EINVAL (naming the roles) for an unknown name. */
int parley_role_parse(const char *name, parley_role *out, parley_err *err);

#define PARLEY_NAME_MAX 64        /* user names: 1..63 bytes of [A-Za-z0-9._-] */
#define PARLEY_PASSWORD_MIN 10    /* shortest password accepted, in bytes */
#define PARLEY_PASSWORD_MAX 1024
#define PARLEY_TOKEN_LEN 64       /* session and CSRF tokens: 64 hex digits */

typedef struct parley_user {
	char name[PARLEY_NAME_MAX];
	parley_role role;
	int disabled;
	char created[24];             /* 'YYYY-MM-DDTHH:MM:SSZ' */
	char last_login[24];          /* '' when never */
} parley_user;

/* Adds a user; PARLEY_ECONFLICT when the name exists, PARLEY_EINVAL for a
 * bad name or a password shorter than PARLEY_PASSWORD_MIN.  Audited (the
 * audit log records the account, never the password). */
int parley_user_add(parley_db *db, const char *name, parley_role role, const char *password,
                    parley_err *err);
/* Sets a new password and ends every session of the user. */
int parley_user_set_password(parley_db *db, const char *name, const char *password,
                             parley_err *err);
int parley_user_set_role(parley_db *db, const char *name, parley_role role, parley_err *err);
/* Disables (disabled = 1) or enables a user; disabling ends their sessions. */
int parley_user_set_disabled(parley_db *db, const char *name, int disabled, parley_err *err);
/* One user; PARLEY_ENOTFOUND when there is none. */
int parley_user_get(parley_db *db, const char *name, parley_user *out, parley_err *err);
/* Every user, by name.  *out is an array of *n users; caller frees with free(). */
int parley_user_list(parley_db *db, parley_user **out, size_t *n, parley_err *err);
/* Number of users (enabled or not) into *n. */
int parley_user_count(parley_db *db, long *n, parley_err *err);

typedef struct parley_session {
	char id[17];                  /* public id: 16 hex digits of the token's hash */
	char user[PARLEY_NAME_MAX];
	parley_role role;
	char csrf[PARLEY_TOKEN_LEN + 1]; /* the session's CSRF token */
	char created[24], expires[24];
	char address[64];             /* where the login came from */
} parley_session;

/* Login limits: after PARLEY_LOGIN_MAX_FAILURES failed attempts for one
 * account, or PARLEY_LOGIN_MAX_ADDR_FAILURES from one address, within
 * PARLEY_LOGIN_WINDOW seconds, further attempts are refused with
 * PARLEY_ELIMIT until the window has passed. */
#define PARLEY_LOGIN_MAX_FAILURES 5
#define PARLEY_LOGIN_MAX_ADDR_FAILURES 20
#define PARLEY_LOGIN_WINDOW 900

/* Checks a password and opens a session lasting ttl seconds.  On success
 * token (PARLEY_TOKEN_LEN + 1 bytes) holds the new session's token, which
 * is never stored, and *out the session (may be NULL).  A wrong name, wrong
 * password or disabled user is the same PARLEY_EDENIED with the same
 * message, and takes the same time (a missing user's check runs against a
 * dummy hash).  PARLEY_ELIMIT when the rate limit refuses the attempt. */
int parley_login(parley_db *db, const char *name, const char *password, const char *address,
                 long ttl, char *token, parley_session *out, parley_err *err);
/* The live session of token: PARLEY_EDENIED when unknown, expired, ended
 * or its user disabled. */
int parley_session_get(parley_db *db, const char *token, parley_session *out, parley_err *err);
/* Ends the session of token (logout); ending an unknown one is not an error. */
int parley_session_end(parley_db *db, const char *token, parley_err *err);
/* Ends the session with public id id (from parley_session_list). */
int parley_session_revoke(parley_db *db, const char *id, parley_err *err);
/* The live sessions of user (every user's when user is NULL).  *out is an
 * array of *n; caller frees with free(). */
int parley_session_list(parley_db *db, const char *user, parley_session **out, size_t *n,
                        parley_err *err);

/* Writes a consistent copy of the live store to dest with SQLite's online
 * backup, while others keep reading and writing; the copy is written beside
 * dest and renamed into place only once complete and checked
 * (PRAGMA integrity_check), so dest is never half written. */
int parley_backup(parley_db *db, const char *dest, parley_err *err);
/* A scratch store holding db's reference records alone (countries and
 * their names, people and aliases, offices, tenures, sources, external ids
 * of all but visits, renamed keys), which a file's visits may refer to
 * (compare reads a file into it): no visits, coverage, data version or
 * audit log, and no audit or search upkeep of what goes into it.  It lies
 * in a temporary file that SQLite deletes as it is closed (an in-memory db
 * is copied into memory, its visits deleted).  The caller closes *out with
 * parley_close(). */
int parley_reference_copy(parley_db *db, parley_db **out, parley_err *err);

/* Prints an aligned text table (the one printer, for the CLI and the
 * analyses): nrows rows of ncols cells, row-major, row 0 the header; padded
 * by display width (Hangul and Hanzi take two columns, combining marks
 * none), two spaces between columns, no trailing blanks; right[c] right-
 * aligns column c (right may be NULL); a cell wider than max_width columns
 * (0 = no limit) is cut with an ellipsis.  PARLEY_EIO when writing failed,
 * PARLEY_ENOMEM when out of memory. */
int parley_text_table(FILE *out, const char *const *cells, size_t nrows, size_t ncols,
                      const bool *right, size_t max_width);

/* Visits written whole, in the shape GET /api/v1/visits/ID returns
 * (visit_write.c): the server's write API and forms.  Every row passes the
 * import's validation (problems go to rep, per field), all in one
 * transaction.  id NULL creates the visit named by the body's "id"
 * (PARLEY_ECONFLICT when it exists); otherwise changes visit id: fields
 * and lists (delegation, hosts, places, activities, sources) present in the
 * body replace the stored ones, others stay.  if_match (NULL: no check) is
 * the version the change was made from: PARLEY_ECONFLICT when the visit is
 * at another one.  reason is required.  out_id gets the visit's id. */
int parley_visit_write(parley_db *db, const char *id, const char *json, size_t len,
                       const char *if_match, const char *reason, char *out_id, size_t id_cap,
                       parley_report *rep, parley_err *err);
/* parley_visit_write's checks (validation, version, free id) without
 * writing anything: the same answer, the store unchanged. */
int parley_visit_check(parley_db *db, const char *id, const char *json, size_t len,
                       const char *if_match, const char *reason, char *out_id, size_t id_cap,
                       parley_report *rep, parley_err *err);
/* Deletes visit id (and its lists) when it is at version if_match. */
int parley_visit_remove(parley_db *db, const char *id, const char *if_match, const char *reason,
                        parley_err *err);
/* The visit's version: a quoted ETag ("\"v-...\"") that changes whenever
 * the visit or one of its lists does.  PARLEY_ENOTFOUND when none. */
int parley_visit_etag(parley_db *db, const char *id, char *out, size_t cap, parley_err *err);
/* The audit log of visit id and of its lists, newest first, as a JSON array
 * of {seq, at, actor, action, entity, entity_key, before, after, reason}
 * (before and after are objects).  *out is a new string; caller frees. */
int parley_visit_history(parley_db *db, const char *id, char **out, parley_err *err);
/* Sets the fields change seq changed (an update of the visit row in its
 * history) back to what they were before it, leaving the others, through parley_visit_write with
 * if_match and the reason "revert of change #seq: reason"; the revert is
 * itself in the audit log. */
int parley_visit_revert(parley_db *db, const char *id, long seq, const char *if_match,
                        const char *reason, parley_err *err);

/* Changes held for review (review.c): an editor's change when the server
 * requires review.  kind "create" (visit NULL: the body names it),
 * "change" or "delete" (json NULL); checked now as parley_visit_check does
 * (problems in rep), kept, and written only on approval.  *out gets its
 * number. */
int parley_change_propose(parley_db *db, const char *kind, const char *visit, const char *json,
                          size_t len, const char *if_match, const char *reason,
                          const char *author, long *out, parley_report *rep, parley_err *err);
/* The changes with status ("pending", "approved", "rejected"; NULL: all),
 * oldest first, as a JSON array of {id, created, author, visit, kind, body,
 * base, reason, status, reviewer, comment, decided, entity}: "visit" holds
 * the id of the record, of entity "visit", "person" or "source".  Caller
 * frees *out. */
int parley_changes_json(parley_db *db, const char *status, char **out, parley_err *err);
/* Approves (writes it, from the version it was made on: PARLEY_ECONFLICT
 * and still pending when the visit changed since) or rejects (comment
 * required) change id; the audit log names author and reviewer. */
int parley_change_decide(parley_db *db, long id, int approve, const char *reviewer,
                         const char *comment, parley_report *rep, parley_err *err);
/* parley_changes_json narrowed to one author (the actor the change was
 * proposed as, "web:NAME") and one visit; each of status, author and visit
 * NULL: any.  Caller frees *out. */
int parley_changes_find_json(parley_db *db, const char *status, const char *author,
                             const char *visit, char **out, parley_err *err);
/* What user name did (user_changes.c): the audit entries of the changes
 * they published, proposed and had approved, approved as a reviewer, or
 * decided as discovery candidates (actors "web:NAME", "web:NAME, approved
 * by ...", "..., approved by web:NAME", "review:web:NAME"), newest first,
 * at most 500, in parley_visit_history's shape.  PARLEY_ENOTFOUND when
 * there is no such user.  Caller frees *out. */
int parley_user_changes_json(parley_db *db, const char *name, char **out, parley_err *err);
/* The discovery candidates waiting in the review queue (visits with status
 * 'candidate', discovery_review.c), oldest first, as a JSON array of {id,
 * from, to, start, end, visitor_label, summary, sources: [{id, url,
 * citation}], events: [GDELT event ids]}.  Caller frees *out. */
int parley_candidates_json(parley_db *db, char **out, parley_err *err);

/* People (with their aliases and tenures) and sources written whole, in
 * the shape GET /api/v1/people/ID and GET /api/v1/sources/ID return
 * (record_write.c): the visit's rules above for the other records a team
 * edits.  entity is "person" or "source".  Every row passes the import's
 * validation (problems in rep, per field; lists as "aliases[0]",
 * "tenures[1]"), all in one transaction.  id NULL creates the record named
 * by the body's "id" (or, without one, a person's slugged name or a
 * source's id from its URL or citation; PARLEY_ECONFLICT when it exists);
 * otherwise changes record id: fields and lists (aliases, tenures) present
 * in the body replace the stored ones, others stay.  if_match (NULL: no
 * check) is the version the change was made from: PARLEY_ECONFLICT when
 * the record is at another one.  reason is required.  out_id gets the id. */
int parley_record_write(parley_db *db, const char *entity, const char *id, const char *json,
                        size_t len, const char *if_match, const char *reason, char *out_id,
                        size_t id_cap, parley_report *rep, parley_err *err);
/* parley_record_write's checks without writing anything. */
int parley_record_check(parley_db *db, const char *entity, const char *id, const char *json,
                        size_t len, const char *if_match, const char *reason, char *out_id,
                        size_t id_cap, parley_report *rep, parley_err *err);
/* Deletes record id (a person with their aliases and tenures) at version
 * if_match; EINVAL (saying what) while visits or tenures still name it. */
int parley_record_remove(parley_db *db, const char *entity, const char *id, const char *if_match,
                         const char *reason, parley_err *err);
/* The record's version, a quoted ETag ("\"p-...\"", "\"s-...\""); ENOTFOUND. */
int parley_record_etag(parley_db *db, const char *entity, const char *id, char *out, size_t cap,
                       parley_err *err);
/* The record's audit log (a person's with their aliases and tenures),
 * newest first, in parley_visit_history's shape.  Caller frees *out. */
int parley_record_history(parley_db *db, const char *entity, const char *id, char **out,
                          parley_err *err);
/* parley_visit_revert for a person or source. */
int parley_record_revert(parley_db *db, const char *entity, const char *id, long seq,
                         const char *if_match, const char *reason, parley_err *err);
/* A source as GET /api/v1/sources/ID answers it: its columns, and the ids
 * of the visits and tenures citing it ("visits", "tenures").  Caller frees
 * *out; ENOTFOUND. */
int parley_source_json(parley_db *db, const char *id, char **out, parley_err *err);
/* parley_change_propose for a person or source (entity as above); the
 * queue lists it with its entity and an approval writes it through
 * parley_record_write. */
int parley_record_propose(parley_db *db, const char *entity, const char *kind, const char *id,
                          const char *json, size_t len, const char *if_match, const char *reason,
                          const char *author, long *out, parley_report *rep, parley_err *err);

#ifdef __cplusplus
}
#endif
#endif /* PARLEY_H */
