/*
 * internal.h - what the library's modules share and the outside does not.
 *
 * Nothing here is part of the public contract (include/parley.h); the
 * command-line tool and the server must not include this file.  Tests may.
 * Internal names start with pl_.
 */
#ifndef PARLEY_INTERNAL_H
#define PARLEY_INTERNAL_H

#include "parley.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#define PL_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------ */
/* Growable bounded buffer (buf.c)                                     */
/* ------------------------------------------------------------------ */
/* A byte buffer that grows up to a maximum fixed at creation: reaching the
 * maximum is an error (PARLEY_ELIMIT), never an overflow.  data is always
 * NUL-terminated after a successful append.  Free with pl_buf_free().
 *
 * Two families of appends (docs/design.md, "Buffers"):
 * - pl_buf_append/puts/putc/printf: return the status, which the compiler
 *   insists is read; on failure b is unchanged (so a caller may fall back).
 * - pl_buf_add/adds/addc/addf: return nothing; the first failure sticks in
 *   b->err and every later append (of either family) is a no-op returning it.
 *   Long runs of HTML or SQL use these and check pl_buf_failed() once, where
 *   the text is used; pl_buf_take() of a failed buffer gives NULL. */
typedef struct pl_buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max; /* 0 = no maximum besides memory */
	int err;    /* first failure of a pl_buf_add*; 0 when none (sticky) */
} pl_buf;

#define PL_CHECKED __attribute__((warn_unused_result))
void pl_buf_init(pl_buf *b, size_t max);
void pl_buf_free(pl_buf *b);
void pl_buf_reset(pl_buf *b); /* len = 0 and err = 0, keeps memory */
PL_CHECKED int pl_buf_append(pl_buf *b, const void *p, size_t n);
PL_CHECKED int pl_buf_puts(pl_buf *b, const char *s);
PL_CHECKED int pl_buf_putc(pl_buf *b, char c);
PL_CHECKED int pl_buf_printf(pl_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
PL_CHECKED int pl_buf_vprintf(pl_buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
void pl_buf_add(pl_buf *b, const void *p, size_t n);
void pl_buf_adds(pl_buf *b, const char *s);
void pl_buf_addc(pl_buf *b, char c);
void pl_buf_addf(pl_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The status of b's sticky appends: PARLEY_OK, or the first failure. */
PL_CHECKED int pl_buf_failed(const pl_buf *b);
/* Makes a writer's failure rc (if any) b's sticky one; returns rc.  For
 * writers over a pl_buf (escapes) whose callers may check once instead. */
int pl_buf_stick(pl_buf *b, int rc);
/* Hands the data to the caller (who frees it with free()) and resets b.
 * Returns an empty string rather than NULL for an empty buffer; NULL when
 * out of memory or when a sticky append failed (b is then freed). */
char *pl_buf_take(pl_buf *b);
/* The one way an array grows: arr (of elements of size bytes, *cap of them)
 * reallocated to hold at least need, doubling from first.  Returns the
 * array (arr itself when it is large enough), or NULL when out of memory
 * or the size would overflow; then arr and *cap are as they were. */
void *pl_grow(void *arr, size_t *cap, size_t need, size_t size, size_t first);

/* The one hash map (map.c): string keys of n bytes, copied in; each slot
 * carries a count and a pointer for the caller.  Zero-initialise a pl_map;
 * free with pl_map_free() (frees the keys, not what p points to).  Walk it
 * with for (i < cap) if (slot[i].key). */
typedef struct pl_map_slot {
	char *key; /* NUL-terminated copy; NULL = empty slot */
	size_t len;
	uint64_t hash;
	long n;
	void *p;
} pl_map_slot;
typedef struct pl_map {
	pl_map_slot *slot;
	size_t n, cap; /* cap is 0 or a power of two */
} pl_map;
/* FNV-1a 64: stable across runs and builds. */
uint64_t pl_hash(const void *p, size_t n);
/* pl_hash continued: pl_hash(ab) == pl_hash_more(pl_hash(a), b), for a
 * body hashed as it is written (PL_HASH_START before the first piece). */
#define PL_HASH_START 14695981039346656037ULL
uint64_t pl_hash_more(uint64_t h, const void *p, size_t n);
/* The key's slot, or NULL when absent. */
pl_map_slot *pl_map_find(const pl_map *m, const char *key, size_t n);
/* The key's slot, inserted (n = 0, p = NULL, *added = 1) when absent; NULL
 * only when out of memory.  Slots move when the map grows: a slot pointer
 * is good until the next pl_map_put(). */
pl_map_slot *pl_map_put(pl_map *m, const char *key, size_t n, int *added);
void pl_map_free(pl_map *m);

/* Terminal columns of s (textw.c): wide characters two, marks none. */
size_t pl_display_width(const char *s);
/* One row of parley_text_table's layout, its columns w[] wide (at most
 * max_width, 0 = no limit): a table too large to hold whole is written a
 * row at a time after a first pass has measured its widths (compare). */
void pl_text_row(FILE *out, const char *const *cells, size_t ncols, const size_t *w,
                 const bool *right, size_t max_width);
/* Reads a whole file into memory (at most max bytes; 0 = 1 GiB).
 * *out is NUL-terminated; caller frees with free(). */
int pl_read_file(const char *path, size_t max, char **out, size_t *len, parley_err *err);

/* strdup that returns NULL for NULL; caller frees. */
char *pl_strdup(const char *s);
char *pl_strndup(const char *s, size_t n);
/* Bounded copy that always terminates; returns strlen(src). */
size_t pl_strlcpy(char *dst, const char *src, size_t cap);
/* Validates UTF-8; returns the byte offset of the first bad sequence, or
 * -1 when all n bytes are valid. */
long pl_utf8_invalid_at(const char *s, size_t n);
/* n, less a last UTF-8 sequence that is cut short or invalid: the length
 * to keep when a text was truncated at n bytes. */
size_t pl_utf8_whole(const char *s, size_t n);
/* Trims ASCII white space in place (returns s). */
char *pl_trim(char *s);
/* Makes a slug ('Kim Jong-un' -> 'kim-jong-un') into buf. */
char *pl_slug(const char *s, char *buf, size_t cap);

/* ------------------------------------------------------------------ */
/* CSV (csv.c): RFC 4180 over a memory buffer                          */
/* ------------------------------------------------------------------ */
/* Accepts a UTF-8 BOM, LF, CRLF and CR-only line ends, quoted fields with
 * embedded separators, quotes and line breaks.  Reports malformed quoting
 * with its line and column, and a NUL byte with its line, column and field
 * (named from the first record, taken as the header).  Field strings are owned by the reader and valid
 * until the next pl_csv_next() call. */
typedef struct pl_csv {
	const char *p, *end;
	char sep;
	long line;       /* line where the current record started (1-based) */
	long next_line;  /* line where the next record starts */
	size_t nfields;
	char **fields;   /* nfields NUL-terminated strings */
	long *field_col; /* 1-based column of each field on its line */
	size_t fields_cap;
	pl_buf store;    /* backing storage for field text */
	size_t *offsets;
	char *header;    /* the first record's fields, NUL-separated, for errors */
	size_t nheader;
	size_t bad_field; /* 1-based field of the last NUL error, 0 when none */
} pl_csv;

void pl_csv_init(pl_csv *c, const char *data, size_t len, char sep);
void pl_csv_free(pl_csv *c);
/* 1 when a record was read, 0 at the end, or a negative status (err says
 * line and column). */
int pl_csv_next(pl_csv *c, parley_err *err);
/* Points c at the next piece of input (one record of a streamed file,
 * starting on line `line`), keeping the header it took from the first. */
void pl_csv_feed(pl_csv *c, const char *data, size_t len, long line);
/* The one CSV writer (csv.c).  A field is quoted (quotes doubled) only when
 * it holds a comma, quote, CR or LF; NULL writes nothing.  PL_CSV_SHEET adds
 * the formula guard for files meant for spreadsheets (docs/formats.md);
 * PL_CSV_CANONICAL is for the re-importable export, which must round-trip. */
typedef enum { PL_CSV_CANONICAL, PL_CSV_SHEET } pl_csv_policy;
int pl_csv_field(pl_buf *b, const char *s, pl_csv_policy pol);
/* pl_csv_field(.., PL_CSV_SHEET) to a stream; errors show in ferror(out). */
void pl_csv_write_field(FILE *out, const char *s);

/* ------------------------------------------------------------------ */
/* Concepts (concept.c): the table descriptors import/export use        */
/* ------------------------------------------------------------------ */
typedef enum pl_coltype {
	PL_TEXT,    /* any UTF-8 text */
	PL_INT,     /* decimal integer */
	PL_DATE,    /* partial date */
	PL_ENUM,    /* one of a fixed list */
	PL_LEVEL,   /* a rank or level name (parley_level_rank >= 0) */
} pl_coltype;

typedef struct pl_column {
	const char *name;
	pl_coltype type;
	bool required;           /* NOT NULL, non-empty */
	bool key;                /* part of the natural key */
	const char *ref;         /* concept whose key this refers to, or NULL */
	const char *const *values; /* PL_ENUM: NULL-terminated list */
} pl_column;

typedef struct pl_concept {
	const char *name;        /* concept and table name: 'visit' */
	const char *plural;      /* JSON key: 'visits' */
	const pl_column *cols;
	size_t ncols;
} pl_concept;

const pl_concept *pl_concept_find(const char *name);
const pl_concept *pl_concept_at(size_t i); /* NULL past the end */
size_t pl_concept_count(void);
int pl_concept_col(const pl_concept *c, const char *name); /* index or -1 */
/* Appends " WHERE k1 = ?i AND ..." for the key columns, each parameter
 * numbered by its column's position + 1, the numbering of the INSERT of all
 * columns, so one binding of a full row serves both. */
int pl_key_where(pl_buf *b, const pl_concept *c);
/* Binds the key columns of values (a full row, column order) the same way. */
void pl_bind_keys(sqlite3_stmt *st, const pl_concept *c, const char *const *values);

/* ------------------------------------------------------------------ */
/* The store (store.c)                                                 */
/* ------------------------------------------------------------------ */
#define PL_STMT_CACHE 128
struct parley_db {
	sqlite3 *sql;
	char *path;
	char actor[128];
	char *reason; /* for the audit log; NULL when none */
	int readonly;
	int scratch;  /* pl_open_scratch: thrown away unsearched, so no search
	               * text, audit log or search triggers are kept in it */
	int opened_version; /* user_version found at open, before migrating */
	sqlite3_stmt *changes; /* PRAGMA data_version, prepared on first use */
	/* statements the same SQL runs again and again (a page per visit),
	 * prepared once: pl_prepare_cached, pl_release */
	struct pl_stmt_slot {
		char *sql;
		sqlite3_stmt *st;
		int busy;
		unsigned long used; /* stmt_tick at its last use: the least recent goes first */
	} stmts[PL_STMT_CACHE];
	unsigned long stmt_tick;
	/* the last search's matches (query_search.c, pl_search_matches) */
	struct pl_search_memo *search_memo;
	/* the last search pack pass (query_search_pack.c, pl_pack_page) */
	struct pl_pack_memo *pack_memo;
	/* the search pack's chunks read for the store's version (the same) */
	struct pl_pack_chunks *pack_chunks;
	/* the visitors whose visits the context counts read (query_analysis.c,
	 * pl_visitor_counts) */
	struct pl_visitor_memo *visitor_memo;
};

/* The VFS readers open stores with (vfs_map.c): the default one with the
 * whole file memory-mapped, past the 2 GB cap of Debian's SQLite.
 * pl_vfs_map_register() runs once, before the first open; the name is
 * NULL (open with the default VFS) when it could not register. */
void pl_vfs_map_register(void);
const char *pl_vfs_map_name(void);

/* Frees db's kept search matches (query_search.c; parley_close). */
void pl_search_memo_free(parley_db *db);
/* Frees db's kept search pack pass and chunks (query_search_pack.c;
 * parley_close). */
void pl_pack_memo_free(parley_db *db);
/* Frees db->visitor_memo (query_analysis.c). */
void pl_visitor_memo_free(parley_db *db);
/* Sets err from the connection's last error; returns PARLEY_EDB. */
int pl_db_error(parley_db *db, parley_err *err, const char *what);
/* Runs SQL without results. */
int pl_exec(parley_db *db, const char *sql, parley_err *err);
/* parley_fold (spaces 0) or parley_fold_words (1) through libutf8proc,
 * without the ASCII shortcut that gives the same (fold.c); caller frees. */
char *pl_fold_general(const char *s, int spaces);
/* A fresh, migrated store in a private temporary file that SQLite deletes
 * as it is closed (parley_close): scratch work that may outgrow memory. */
int pl_open_scratch(parley_db **out, parley_err *err);
/* Stops mapping db's file, for one pass over a whole store (a mapped
 * store's pages count in the reader's resident memory); returns the
 * mapping size to give pl_mmap_resume, 0 when none was on. */
long long pl_mmap_pause(parley_db *db);
void pl_mmap_resume(parley_db *db, long long size);
/* Frees the pages db's page cache holds and no statement uses: after one
 * pass over a large store, its 64 MiB of them would stay in the reader's
 * memory while the reader goes on with what it read (compare). */
void pl_cache_release(parley_db *db);
/* SQL parley_brief_text(source): a brief file's searchable text, folded
 * (src/brief/brief_catalog.c; the brief search index's triggers call it). */
void pl_brief_sql_text(sqlite3_context *ctx, int argc, sqlite3_value **argv);
/* Prepares SQL; caller finalizes with sqlite3_finalize(). */
int pl_prepare(parley_db *db, const char *sql, sqlite3_stmt **st, parley_err *err);
/* The same, from the store's cache of prepared statements when this SQL
 * text was prepared before and is not in use (parsing the SQL costs more
 * than running it for one record): give it back with pl_release(db, st),
 * never sqlite3_finalize().  Bindings start cleared. */
int pl_prepare_cached(parley_db *db, const char *sql, sqlite3_stmt **st, parley_err *err);
/* Resets st and returns it to the cache (finalizes it when not cached). */
void pl_release(parley_db *db, sqlite3_stmt *st);
/* Steps st to its end, finalizes it, and sets *out to its rows: an array
 * of *n elements of size bytes, each filled by read(st, element).  what
 * names the rows in errors ("listing users").  Caller frees *out. */
int pl_rows_collect(parley_db *db, sqlite3_stmt *st, size_t size,
                    void (*read)(sqlite3_stmt *st, void *elem), void **out, size_t *n,
                    const char *what, parley_err *err);
/* Steps st to its end, finalizes it, and sets *out (caller frees) to its
 * rows as a compact JSON array of objects: column i named names[i], of
 * kind kinds[i]: 'i' an integer, 'j' JSON text parsed, 's' a string (NULL
 * is null in each).  what names the rows in errors. */
int pl_rows_json(parley_db *db, sqlite3_stmt *st, const char *const *names, const char *kinds,
                 const char *what, char **out, parley_err *err);
/* Steps st (columns seq, at, actor, action, entity, entity_key, before,
 * after, reason), finalizes it, and sets *out (caller frees) to the rows as
 * a JSON array of objects, before and after parsed (visit_write.c). */
int pl_audit_rows_json(parley_db *db, sqlite3_stmt *st, char **out, parley_err *err);
int pl_begin(parley_db *db, parley_err *err);    /* BEGIN IMMEDIATE */
int pl_commit(parley_db *db, parley_err *err); /* refreshes the search index first */
/* Refreshes the search text of the visits the triggers marked
 * (query_visits.c). */
int pl_search_flush(parley_db *db, parley_err *err);
/* The same for every visit, marked or not (a bulk import, import_bulk.c). */
int pl_search_refresh_all(parley_db *db, parley_err *err);
/* Writes every visit's search row from one merged read of the tables,
 * the text of the view visit_search_text (search_text.c). */
int pl_search_text_all(parley_db *db, parley_err *err);
/* SQLite's BINARY order of two texts of an and bn bytes: memcmp, then the
 * shorter first (search_text.c). */
int pl_bincmp(const void *a, size_t an, const void *b, size_t bn);
/* Repacks the search rows marked since the last flush (query_search_pack.c;
 * pl_search_flush and a migration call it). */
int pl_pack_flush(parley_db *db, parley_err *err);
/* Repacks every chunk, marked or not (pl_search_refresh_all). */
int pl_pack_rebuild(parley_db *db, parley_err *err);
void pl_rollback(parley_db *db);
/* Ends pl_begin's transaction: commits when rc is PARLEY_OK, else (and
 * when the commit fails) rolls back.  Returns rc, or the commit's error. */
int pl_end(parley_db *db, int rc, parley_err *err);
/* Binds text or NULL (for NULL or ""). */
int pl_bind_text_or_null(sqlite3_stmt *st, int i, const char *s);

int pl_schema_migration_count(void);
const char *pl_schema_migration(int i);
/* SQL that empties and refills visit_person_key from visit_person and visit
 * (a bulk import, which drops its triggers); static, never freed. */
const char *pl_person_key_fill_sql(void);
/* The SQL that empties the visit tallies and fills them again from the
 * visits (migration_tally's own fill). */
const char *pl_schema_tally_refill(void);
/* The same for the people's tally alone. */
const char *pl_schema_person_tally_refill(void);
/* Refills every tally: the visit tallies counted in memory from one read
 * of the visits (tally_fill.c), the same rows as pl_schema_tally_refill. */
int pl_tally_refill(parley_db *db, parley_err *err);
/* Creates the audit triggers for every concept table (audit.c). */
int pl_audit_install(parley_db *db, parley_err *err);
/* The SQL writing the audit rows of the inserts of c's rowids in (?1, ?2]
 * as its insert trigger would have (audit.c), into b. */
int pl_audit_insert_sql(pl_buf *b, const pl_concept *c);

/* ------------------------------------------------------------------ */
/* Import (import.c): the sink every reader writes rows into            */
/* ------------------------------------------------------------------ */
typedef struct pl_import pl_import;

/* Validates one row of a concept and upserts it by key.  values has
 * concept->ncols entries in column order; NULL or "" means no value.
 * Problems are added to the report with file and line; the import then
 * fails as a whole at the end (so that every bad line is reported).
 * Returns PARLEY_OK, or PARLEY_EDATA for a bad row (already reported). */
int pl_import_put(pl_import *imp, const pl_concept *c, const char *const *values,
                  const char *file, long line);
/* Looks up an existing person id by a folded name or alias, including rows
 * put earlier in this import; NULL when not found or ambiguous.  The
 * returned string is owned by the import. */
const char *pl_import_find_person(pl_import *imp, const char *name);
/* Adds a finding to the import's report (which may be NULL). */
void pl_import_report(pl_import *imp, parley_severity sev, const char *file,
                      long line, long column, const char *record,
                      const char *field, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 9, 10)));
/* Counts a value the reader could not map; also reports it as a warning. */
void pl_import_unmapped(pl_import *imp, const char *file, long line,
                        const char *field, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
parley_db *pl_import_db(pl_import *imp);
/* The dataset readers' lookups (query_import.c): 1 when found, 0 when not
 * or when the store cannot say.  out receives the id found (cap bytes). */
int pl_country_exists(parley_db *db, const char *code);
int pl_person_exists(parley_db *db, const char *id);
/* The person (first by id) holding external id scheme:value. */
int pl_person_by_external_id(parley_db *db, const char *scheme, const char *value, char *out,
                             size_t cap);
/* The country a Correlates of War state number stands for on date (NULL:
 * any): one whose period covers the date, else one without a period. */
int pl_country_by_cow_code(parley_db *db, long ccode, const char *date, char *out, size_t cap);
/* Calls fn(ud, field, value) for each stored field of country code (value
 * NULL when empty). */
typedef void (*pl_field_fn)(void *ud, const char *field, const char *value);
int pl_country_fields(parley_db *db, const char *code, pl_field_fn fn, void *ud);
/* An import outside parley_import() (an edit): begins the transaction.
 * pl_import_close() commits when no ERROR was reported, else rolls back and
 * returns PARLEY_EDATA; it frees imp either way. */
int pl_import_open(parley_db *db, parley_report *rep, pl_import **out, parley_err *err);
/* A change made with a reason for the audit log (store.c): the reason set,
 * then a write transaction begun or an import opened.  On failure the
 * reason is cleared again, so nothing is left set; on success the caller
 * clears it when the change is done. */
int pl_import_open_reason(parley_db *db, const char *reason, parley_report *rep,
                          pl_import **imp, parley_err *err);
int pl_begin_reason(parley_db *db, const char *reason, parley_err *err);
int pl_import_close(pl_import *imp, parley_err *err);

/* A bulk import (import_bulk.c): within the import's transaction, the
 * secondary indexes, tally and search-marking triggers of the tables it
 * fills are dropped (their SQL noted), and at the end made again, the
 * tallies refilled and every visit's search text marked for refresh. */
typedef struct pl_bulk {
	char **sql; /* what was dropped, to create again */
	size_t n, cap;
	size_t late; /* the last ones (the tallies' indexes): after the tallies' refill */
	int on;
	/* The audit of inserts, set-based (import_bulk.c, pl_bulk_inserted):
	 * per concept, whether its insert trigger was dropped and the last
	 * rowid logged; the inserts not logged yet, as runs of one concept in
	 * the order they were made (each run up to its last rowid). */
	unsigned char logged[32];
	sqlite3_int64 done[32];
	sqlite3_int64 base[32]; /* the last rowid before the import (logged ones) */
	struct pl_bulk_run {
		int concept;
		sqlite3_int64 last;
	} *runs;
	size_t nruns, runs_cap;
	size_t pending; /* rows inserted since the last audit written */
	sqlite3_stmt *audit[32];
} pl_bulk;
/* 1 when an import of input_bytes into db goes in bulk: a large import
 * into a store small beside it, or as pl_import_bulk_mode forces (tests:
 * 1 always, -1 never, 0 decide). */
int pl_bulk_wanted(parley_db *db, long long input_bytes);
extern int pl_import_bulk_mode;
/* 1 (the default): NDJSON lines of the usual shape are read without
 * jansson (import_json.c, flat_line); 0: every line through jansson
 * (tests compare the two). */
extern int pl_ndjson_flat;
int pl_bulk_begin(parley_db *db, pl_bulk *b, parley_err *err);
/* Turns SQLite's foreign key checks off for a bulk import (outside its
 * transaction): 1 when they were on and are now off, for
 * pl_bulk_checks_restore after the import; 0 when nothing changed. */
int pl_bulk_checks_off(parley_db *db);
int pl_bulk_checks_restore(parley_db *db, parley_err *err);
/* Makes again what pl_bulk_begin dropped; frees b. */
int pl_bulk_end(parley_db *db, pl_bulk *b, parley_err *err);
void pl_bulk_free(pl_bulk *b);
/* Notes the insert of rowid into concept ci, for its audit row (written by
 * pl_bulk_audit_flush, every so many rows and at the end). */
int pl_bulk_inserted(parley_db *db, pl_bulk *b, size_t ci, sqlite3_int64 rowid, parley_err *err);
/* Rows inserted between two writes of their audit (tests make it small). */
extern int pl_bulk_audit_batch;
/* Writes the audit rows of every insert noted so far, in the order they
 * were made: before any other audited write (an update) and at the end. */
int pl_bulk_audit_flush(parley_db *db, pl_bulk *b, parley_err *err);
/* Outside a transaction: switches db to a rollback journal for a bulk
 * import when no other connection has it open; 1 when it did, and then
 * pl_bulk_journal_restore() puts WAL back after the import. */
int pl_bulk_journal(parley_db *db);
int pl_bulk_journal_restore(parley_db *db, parley_err *err);
/* A guard sees each row before pl_import_put() validates it and returns 1
 * to let it through or 0 to keep the stored record as it is (it reports
 * why itself).  bundled.c uses it to keep what a user changed. */
typedef int (*pl_import_guard)(void *ctx, const pl_concept *c, const char *const *values,
                               const char *file, long line);
void pl_import_set_guard(pl_import *imp, pl_import_guard fn, void *ctx);
/* Makes pl_import_close() roll back even without errors: a dry run that
 * validated and wrote everything inside the transaction. */
void pl_import_discard(pl_import *imp);
/* Line and column (1-based, in bytes) of byte offset at in data. */
void pl_line_col(const char *data, long at, long *line, long *col);
/* Reports an ERROR and returns PARLEY_EDATA when data holds a NUL byte
 * (naming its line and column); PARLEY_OK otherwise. */
int pl_import_reject_nul(pl_import *imp, const char *path, const char *data, size_t len);


/* A team's own CSV through a column mapping (import_csv.c, --map FILE;
 * docs/formats.md "Your own spreadsheet"): applies to the files of the
 * import that no reader recognises.  Loaded once per import; free with
 * pl_csv_map_free(). */
typedef struct pl_csv_map pl_csv_map;
int pl_csv_map_load(const char *path, pl_csv_map **out, parley_err *err);
void pl_csv_map_free(pl_csv_map *m);
/* The mapped concept's place in dependency order (file_rank of import.c). */
int pl_csv_map_rank(const pl_csv_map *m);
int pl_csv_read_mapped(pl_import *imp, const pl_csv_map *m, const char *path, FILE *f);
/* When head starts with a CSV header that matches no format, appends to out
 * the closest concept, its columns, the ones missing and the unknown ones,
 * and returns 1; 0 when head does not look like CSV; -1 out of memory. */
int pl_csv_diagnose(const char *head, size_t n, pl_buf *out);

/* An incoming visit linked to an existing one (import_match.c). */
typedef struct pl_link {
	char *from; /* the incoming visit's id */
	char *to;   /* the existing visit it is */
	parley_match_how how;
} pl_link;
/* Compares each visit whose id is in incoming (sorted here) with every other
 * visit of the store and links it to the one it matches (mode, days: see
 * parley_import_options); a visit matching several is reported and not
 * linked.  *out (sorted by from) is freed with pl_links_free(). */
int pl_match_links(parley_db *db, char **incoming, size_t nin, parley_link_mode mode,
                   int days, parley_report *rep, pl_link **out, size_t *nout, parley_err *err);
void pl_links_free(pl_link *l, size_t n);
/* The link of incoming visit id from, or NULL. */
const pl_link *pl_link_find(const pl_link *links, size_t n, const char *from);

/* A reader turns one file's bytes into rows.  detect returns a score
 * (0 = not this format, higher = surer) from the file's first bytes. */
typedef struct pl_reader {
	const char *format;
	int (*detect)(const char *path, const char *head, size_t n);
	int (*read)(pl_import *imp, const char *path, const char *data, size_t len);
	/* true when read() finds NUL bytes itself (the CSV parser does, naming
	 * the field); otherwise import rejects a file holding one before read(). */
	bool finds_nul;
} pl_reader;

/* The canonical readers that stream (issue 13): they read the file from f
 * (seekable, at its start; NDJSON rewinds for another pass), so their
 * memory does not follow the file's size.  The engine calls them in place
 * of pl_reader_csv.read and pl_reader_ndjson.read (import.c, run_reader). */
int pl_csv_stream(pl_import *imp, const char *path, FILE *f);
int pl_ndjson_stream(pl_import *imp, const char *path, FILE *f);
/* A file in memory (the bundled data, stdin) through one of them
 * (import_csv.c): the readers' read() for data already read. */
int pl_stream_mem(pl_import *imp, const char *path, const char *data, size_t len,
                  int (*stream)(pl_import *imp, const char *path, FILE *f));

/* Most a JSON document may hold: it is parsed whole (jansson, about ten
 * times its size in memory); NDJSON streams (docs/formats.md). */
#define PL_JSON_DOC_MAX ((size_t)64 << 20)
/* Longest NDJSON line or CSV record an import reads (docs/formats.md). */
#define PL_RECORD_MAX ((size_t)16 << 20)

/* The records of a file through one buffer that grows only to hold the
 * longest, at most max bytes (lines.c): NDJSON lines, or with csv set CSV
 * records (a quoted field may span lines; LF, CRLF and CR end a record). */
typedef struct pl_lines {
	FILE *f;
	char *buf;
	size_t cap, start, end; /* unread bytes: buf[start..end) */
	size_t max;
	size_t scan;            /* bytes of the pending record already scanned */
	int csv, inq;           /* CSV records; inside quotes at scan */
	long pending;           /* line ends inside the pending record so far */
	long line;              /* the line the record last returned starts on (1-based) */
	long next_line;
	long long at;           /* its byte offset in the file */
	long long base;         /* file offset of buf[0] */
	int eof;
} pl_lines;
void pl_lines_init(pl_lines *l, FILE *f, size_t max, int csv);
/* The next record without its line end in *p, *n (valid until the next
 * call): 1, 0 at the end, or a negative status (err says: a record over
 * max, naming its line; a read error). */
int pl_lines_next(pl_lines *l, const char **p, size_t *n, parley_err *err);
/* Back to the first record (for a reader's next pass). */
int pl_lines_rewind(pl_lines *l, parley_err *err);
/* To the record starting at byte offset at of the file, on line line (an
 * offset and line pl_lines_next gave as l->at and l->line): a later pass
 * reads only from where its records begin. */
int pl_lines_seek(pl_lines *l, long long at, long line, parley_err *err);
void pl_lines_free(pl_lines *l);

/* The readers of the canonical formats (import.c) and of real datasets
 * (src/readers/); NULL-terminated. */
extern const pl_reader *const pl_readers[];
/* The readers of the canonical formats (import_csv.c, import_json.c). */
extern const pl_reader pl_reader_csv, pl_reader_json, pl_reader_ndjson;

/* Canonical source id for a URL or citation: 's-' + 16 hex digits of a
 * stable hash.  buf needs 19 bytes. */
char *pl_source_id(const char *url_or_citation, char *buf, size_t cap);

/* ------------------------------------------------------------------ */
/* JSON text helpers (jsonw.c)                                         */
/* ------------------------------------------------------------------ */
/* Every JSON text parley writes is a jansson value dumped by these: compact,
 * keys in insertion order, reals to 15 significant digits, and '<', '>',
 * '&', U+2028, U+2029 \u-escaped (safe inside <script>).  Append j to b
 * (b unchanged on failure: ELIMIT/ENOMEM, EINVAL for a NULL j). */
int pl_json_write(pl_buf *b, const json_t *j);
/* One item of a list streamed by hand (the list is too large to build, or
 * its line layout is pinned): ',' unless it is item 0, then lead (e.g.
 * "\n "), then item, which is taken (decref).  A NULL item (a failed
 * build) is ENOMEM. */
int pl_json_item(pl_buf *b, size_t i, const char *lead, json_t *item);
/* The same to a stream: PARLEY_EIO when writing fails. */
int pl_json_fwrite(FILE *out, const json_t *j);
/* Writes j and a newline, takes (decrefs) j, and sets err naming what. */
int pl_json_fwrite_line(FILE *out, json_t *j, const char *what, parley_err *err);
/* A new JSON string of s (caller owns the reference); NULL gives JSON null;
 * bytes that are not UTF-8 are written as U+FFFD, one each.  NULL only when
 * out of memory. */
json_t *pl_json_text(const char *s);
/* o with more's keys added after its own; takes both references.  NULL
 * (both released) when either is NULL: how a writer builds an object in
 * parts without checking each part. */
json_t *pl_json_merge(json_t *o, json_t *more);
/* A new array of the strings (pl_json_text each); NULL when out of memory. */
json_t *pl_json_ids(const char *const *ids, size_t n);
/* x rounded half away from zero to that many decimals, for JSON reals. */
double pl_json_round(double x, int decimals);

/* ------------------------------------------------------------------ */
/* Accounts (account.c)                                                */
/* ------------------------------------------------------------------ */
/* Starts libsodium (any number of times, from any thread). */
int pl_sodium_ready(parley_err *err);
/* Checks a password's length and hashes it with Argon2id into out
 * (crypto_pwhash_STRBYTES bytes). */
int pl_password_hash(const char *password, char *out, parley_err *err);
/* The current UTC time as 'YYYY-MM-DDTHH:MM:SSZ' into buf (24 bytes). */
void pl_utc_now(char *buf, size_t cap);

/* The i-th level or rank name of level.c, NULL past the last (level.c). */
const char *pl_level_name(size_t i);

/* ------------------------------------------------------------------ */
/* Records written whole (visit_write.c, record_write.c)               */
/* ------------------------------------------------------------------ */
struct json_t;
/* The text of a JSON value for a column (strings as they are, integers
 * written out into num, null and absent as NULL); any other type is an
 * ERROR on field, reported to imp, and 1 is returned. */
int pl_json_cell(pl_import *imp, struct json_t *v, const char *where, const char *field,
                 char *num, size_t cap, const char **out);
/* A record's version: a hash of the rows the n queries (each binding ?1 to
 * id) return, as a quoted ETag "\"TAG-hex\"".  ENOTFOUND ("no NOUN 'id'")
 * when the first query finds no row. */
int pl_rows_etag(parley_db *db, const char *const *sqls, size_t n, const char *id,
                 const char *tag, const char *noun, char *out, size_t cap, parley_err *err);
/* The row of concept c whose column col is val, column by column into cur
 * (strdup'd; caller frees each).  ENOTFOUND when none. */
int pl_row_read(parley_db *db, const pl_concept *c, const char *col, const char *val,
                char **cur, parley_err *err);
/* How a record is written whole (pl_record_put): its concept (noun), its
 * version, an id for a new one without (NULL: none), its keys that are no
 * column (lists, derived; 1 to skip), and its lists put after its row. */
typedef struct pl_record_io {
	const char *noun;
	int (*etag)(parley_db *db, const char *noun, const char *id, char *out, size_t cap,
	            parley_err *err);
	void (*new_id)(struct json_t *root, char *buf, size_t cap);
	int (*extra)(const char *key);
	int (*lists)(pl_import *imp, struct json_t *root, const char *id, parley_err *inner);
} pl_record_io;
/* One record and its lists from JSON (parley_visit_write, parley_record_write):
 * a reason required; id NULL creates (ECONFLICT when it exists), else
 * changes from version if_match (ECONFLICT when another); the given fields
 * over the stored ones, every row through pl_import_put, one transaction
 * (commit 0: validated, then rolled back). */
int pl_record_put(parley_db *db, const pl_record_io *io, const char *id, const char *json,
                  size_t len, const char *if_match, const char *reason, char *out_id,
                  size_t id_cap, parley_report *rep, int commit, parley_err *err);
/* 1 when If-Match if_match ("*", or an ETag holding the version) names
 * version now (a quoted "\"v-...\""). */
int pl_version_matches(const char *if_match, const char *now);
/* ECONFLICT ("... was changed by someone else") when record id is not at
 * if_match (NULL: only that it exists); ENOTFOUND when there is none. */
int pl_check_version(parley_db *db, const pl_record_io *io, const char *id,
                     const char *if_match, parley_err *err);
/* Deletes record id at version if_match in one transaction: refused
 * (EINVAL, saying what) while a query of refs ("SQL counting referrers
 * with ?1|what they are", NULL-terminated; NULL: none) counts any; then
 * runs the drop statements (?1: id) in order.  A reason is required. */
int pl_record_drop(parley_db *db, const pl_record_io *io, const char *id, const char *if_match,
                   const char *reason, const char *const *refs, const char *const *drop,
                   parley_err *err);
/* Runs sql (no rows) with ?1 id and, when not NULL, ?2 role and ?3 arg3. */
int pl_exec_ids(parley_db *db, const char *sql, const char *id, const char *role,
                const char *arg3, parley_err *err);
/* The audit entries matching where (SQL; ?1 is id), newest first, as a
 * JSON array text (parley_visit_history's shape); caller frees *out. */
int pl_audit_rows(parley_db *db, const char *where, const char *id, char **out, parley_err *err);
/* The fields audit entry seq (an update of entity id) changed, as they were
 * before it: a JSON object text to write back; caller frees *out.
 * ENOTFOUND, or EINVAL when seq is not an update of the record's row. */
int pl_audit_undo(parley_db *db, const char *entity, const char *id, long seq, char **out,
                  parley_err *err);

/* The companions (role 'companion') of the visits person led, and (unless
 * led_only) person's own places as a companion, by visit and order on the
 * record: what `parley companions` reads (led_only: what the person page
 * shows).  Caller frees *out with parley_facts_free. */
int pl_companion_facts(parley_db *db, const char *person, bool led_only,
                       parley_member_facts **out, parley_err *err);

#endif /* PARLEY_INTERNAL_H */
