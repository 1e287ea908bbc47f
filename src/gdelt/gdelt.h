/*
 * gdelt.h - what the files of the GDELT module share (not public).
 *
 * The module reads GDELT event files (1.0 with 57 or 58 columns, 2.0 with
 * 61), tab-separated with no quoting, from plain files (split among
 * threads), from zip and gzip files (one member per thread, inflate.c),
 * from .bz2/.xz files, FIFOs and standard input (streamed through
 * libarchive).  A scan rejects most rows at
 * the actor-country fields (0-based 7 and 17) before splitting the rest of
 * the line; the rows that pass are split fully and handed to a "sink": the
 * count-by aggregation (count.c) or candidate discovery (discover.c).
 * docs/gdelt.md describes the reader, the folding rule and the scoring.
 */
#ifndef PL_GDELT_H
#define PL_GDELT_H

#include "internal.h"

#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

/* Lines longer than this are malformed (the longest real line is 679 bytes). */
#define PL_GDELT_MAX_LINE (64 * 1024)
/* The reason given for such a line (kept in step with PL_GDELT_MAX_LINE). */
#define PL_GDELT_TOO_LONG "line longer than 65536 bytes"
/* The widest layout; a line with more fields is malformed. */
#define PL_GDELT_MAX_FIELDS 61
/* Malformed lines whose details are kept (all are counted). */
#define PL_GDELT_MAX_BAD_KEPT 200

/* 0-based field positions common to all layouts. */
enum {
	PL_GD_ID = 0,
	PL_GD_SQLDATE = 1,
	PL_GD_MONTHYEAR = 2,
	PL_GD_YEAR = 3,
	PL_GD_A1NAME = 6,
	PL_GD_A1COUNTRY = 7,
	PL_GD_A1TYPE1 = 12, /* 12, 13, 14: Type1..3Code */
	PL_GD_A2NAME = 16,
	PL_GD_A2COUNTRY = 17,
	PL_GD_A2TYPE1 = 22, /* 22, 23, 24 */
	PL_GD_EVENTCODE = 26,
	PL_GD_BASECODE = 27,
	PL_GD_ROOTCODE = 28,
	PL_GD_QUADCLASS = 29,
	PL_GD_NUMMENTIONS = 31,
	PL_GD_NUMSOURCES = 32,
	PL_GD_NUMARTICLES = 33
};

/* Layout-dependent positions: ActionGeo_CountryCode and SOURCEURL (-1 when
 * the layout has none).  nfields is 57, 58 or 61. */
int pl_gdelt_action_country_field(int nfields);
int pl_gdelt_url_field(int nfields);
/* True when n is the field count of a known layout. */
static inline int pl_gdelt_layout_ok(int n)
{
	return n == 57 || n == 58 || n == 61;
}

/* One fully split line.  Pointers borrow the line's bytes; field i is
 * f[i] with length n[i] (not NUL-terminated). */
typedef struct pl_gdelt_row {
	const char *line;
	size_t len;
	int nfields; /* fields counted; may exceed PL_GDELT_MAX_FIELDS (then malformed) */
	const char *f[PL_GDELT_MAX_FIELDS];
	uint32_t n[PL_GDELT_MAX_FIELDS];
} pl_gdelt_row;

/* Splits line (len bytes, without the newline; a final CR is dropped) at
 * every tab.  Returns 1 when the field count is a known layout, else 0 and
 * sets *why (static text). */
int pl_gdelt_split(const char *line, size_t len, pl_gdelt_row *r, const char **why);

/* Field i as a NUL-terminated copy in buf (truncated to cap-1). */
const char *pl_gdelt_field(const pl_gdelt_row *r, int i, char *buf, size_t cap);
/* Field i as a non-negative integer; -1 when empty or not digits. */
long pl_gdelt_field_long(const pl_gdelt_row *r, int i);

/* ------------------------------------------------------------------ */
/* Line assembly for streams (lines.c)                                 */
/* ------------------------------------------------------------------ */
/* Cuts a byte stream arriving in arbitrary chunks into runs of complete
 * lines.  Complete lines inside a chunk are passed in place (no copy); only
 * a line that straddles chunks is copied into a bounded carry buffer.  The
 * callback gets a run of whole lines, each ending in '\n', and the 1-based
 * number of its first line.  A line longer than PL_GDELT_MAX_LINE is not
 * passed: it is reported through on_long and skipped. */
/* Returns the number of lines in the run (>= 0) or a negative status. */
typedef long (*pl_gdelt_block_fn)(void *ctx, const char *p, size_t n, long first_line);
typedef void (*pl_gdelt_long_fn)(void *ctx, long line, const char *why);

typedef struct pl_gdelt_lines {
	pl_gdelt_block_fn on_block;
	pl_gdelt_long_fn on_long;
	void *ctx;
	char *carry;      /* PL_GDELT_MAX_LINE + 1 bytes */
	size_t carry_len;
	int skipping;     /* inside an overlong line */
	long line;        /* number of the next line to start */
	uint64_t bytes;   /* bytes fed */
} pl_gdelt_lines;

int pl_gdelt_lines_init(pl_gdelt_lines *L, pl_gdelt_block_fn on_block,
                        pl_gdelt_long_fn on_long, void *ctx);
/* Feeds n bytes; returns the first non-zero callback status, else 0. */
int pl_gdelt_lines_feed(pl_gdelt_lines *L, const char *p, size_t n);
/* Passes a final line that lacks its newline (with a newline appended);
 * *unterminated is set to 1 when there was one. */
int pl_gdelt_lines_finish(pl_gdelt_lines *L, int *unterminated);
void pl_gdelt_lines_free(pl_gdelt_lines *L);

/* ------------------------------------------------------------------ */
/* The scan engine (scan.c)                                             */
/* ------------------------------------------------------------------ */
typedef struct pl_gdelt_bad {
	int file;    /* index into the scan's file names */
	int chunk;   /* chunk of the file the line was found in */
	long line;   /* line number within the chunk until fixed up, then in the file */
	char why[96];
} pl_gdelt_bad;

typedef struct pl_gdelt_scan pl_gdelt_scan;
/* One zip member or gzip file to be inflated by a worker (inflate.c). */
typedef struct pl_gdelt_member pl_gdelt_member;

/* Members up to this size (inflated, as declared) are inflated in one call
 * into a buffer per worker; larger ones are streamed (inflate.c). */
#define PL_GDELT_MAX_MEMBER ((uint64_t)64 << 20)

/* One thread's state.  The sink keeps its own per-thread data in `user`. */
typedef struct pl_gdelt_worker {
	pl_gdelt_scan *scan;
	void *user;
	int index;
	int file, chunk;     /* where the worker is reading now */
	long lines;          /* lines read in the current chunk */
	long rows[3];        /* good rows by layout: 57, 58, 61 */
	long malformed;
	long passed;         /* rows that passed the actor-country filter */
	pl_gdelt_bad *bad;   /* the first PL_GDELT_MAX_BAD_KEPT malformed lines */
	size_t nbad;
	int status;          /* first failure (PARLEY_ENOMEM, PARLEY_EIO) */
	int sys_errno;       /* errno of an EIO failure, taken in the worker's own
	                        thread (errno is per thread); 0 = the file shrank */
	pl_gdelt_row row;    /* scratch */
} pl_gdelt_worker;

/* The sink: called for every row whose actor countries are the pair (either
 * order) and whose layout is known.  Returns 0, or a reason (static text)
 * that makes the line malformed, or sets w->status on a hard failure. */
typedef const char *(*pl_gdelt_row_fn)(pl_gdelt_worker *w, const pl_gdelt_row *r);

typedef struct pl_gdelt_scan_opts {
	char a[4], b[4];        /* actor country codes, 3 letters each */
	int threads;            /* 0 = online CPUs */
	int progress;           /* draw a progress line on stderr */
	pl_gdelt_row_fn row;
	void *(*user_new)(void *sink_ctx); /* per-worker sink state; NULL = none */
	void *sink_ctx;
	int all_rows;           /* hand every well-formed row to the sink (loading) */
	parley_gdelt_engine *engine;     /* rows come from an engine, not paths (engine.h) */
	const parley_gdelt_query *query; /* the whole query, for an engine to push down */
} pl_gdelt_scan_opts;

struct pl_gdelt_scan {
	pl_gdelt_scan_opts o;
	uint32_t a32, b32;      /* "AAA\t" and "BBB\t" as little-endian words */
	char **files;           /* expanded input names ("-" is stdin) */
	size_t nfiles, cap_files;
	pl_gdelt_worker *workers;
	int nworkers;
	parley_report *rep;
	_Atomic uint64_t done_bytes;
	_Atomic uint64_t done_lines;
	uint64_t total_bytes;   /* of plain files and archives as stored */
	long files_read;
	long unterminated;
	_Atomic int limit_hit;  /* a sink reached a documented limit ... */
	char limit_msg[256];    /* ... and said so here (pl_gdelt_scan_limit) */
	int *arch;              /* zip and gzip files (indexes in files) ... */
	size_t narch, cap_arch;
	pl_gdelt_member *jobs;  /* ... and their members, read in parallel */
	size_t njobs, cap_jobs;
};

/* Expands paths (files, folders, globs, "-") into s->files; every problem
 * (missing file) is a finding.  Returns PARLEY_OK or a failure status. */
int pl_gdelt_expand(pl_gdelt_scan *s, const char *const *paths, size_t npaths,
                    parley_err *err);

/* Appends a copy of name to s->files; returns its index or -1 (no memory). */
int pl_gdelt_add_name(pl_gdelt_scan *s, const char *name);

/* The options of a scan that answers the query q (its pair, threads,
 * progress, engine) with the given sink. */
void pl_gdelt_scan_opts_for(pl_gdelt_scan_opts *o, const parley_gdelt_query *q,
                            pl_gdelt_row_fn row, void *(*user_new)(void *sink_ctx),
                            void *sink_ctx);
/* Runs the scan over paths.  Findings (malformed lines with file, line and
 * why; unreadable files) go to rep, which may be NULL.  On success the
 * workers stay available in s->workers for the sink to merge; free with
 * pl_gdelt_scan_free(). */
int pl_gdelt_scan_run(pl_gdelt_scan *s, const pl_gdelt_scan_opts *o,
                      const char *const *paths, size_t npaths, parley_report *rep,
                      parley_err *err);
void pl_gdelt_scan_free(pl_gdelt_scan *s);
/* Totals over workers. */
void pl_gdelt_scan_totals(const pl_gdelt_scan *s, parley_gdelt_stats *st);
/* The totals plus matched and the seconds from t0 to t1: what count and
 * discover report. */
void pl_gdelt_scan_stats(const pl_gdelt_scan *s, parley_gdelt_stats *st, long matched,
                         const struct timespec *t0, const struct timespec *t1);

/* Stops the worker with PARLEY_ELIMIT and the message (the first of all
 * workers' is kept), for a sink past a documented limit. */
void pl_gdelt_scan_limit(pl_gdelt_worker *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Sets err for a worker's failure status: the limit's message, out of
 * memory, or a read error on name.  Returns status. */
int pl_gdelt_status_err(const pl_gdelt_scan *s, int status, int sys_errno, const char *name,
                        parley_err *err);

/* Processes whole lines (each ending '\n') in [p, p+n) (scan.c); used by the
 * file and stream readers and by the fuzz target. */
long pl_gdelt_scan_lines(pl_gdelt_worker *w, const char *p, size_t n);
/* Records a malformed line for the worker's current chunk. */
void pl_gdelt_worker_bad(pl_gdelt_worker *w, long line, const char *why);
/* The line assembler's callbacks (lines.c) for a worker ctx: scan a block
 * of whole lines, report an over-long one (input.c). */
long pl_gdelt_worker_block(void *ctx, const char *p, size_t n, long first_line);
void pl_gdelt_worker_long(void *ctx, long line, const char *why);

/* Reads one input through libarchive and feeds w (input.c): standard input
 * when name is "-", else fd when it is >= 0 (a FIFO; the caller closes it),
 * else the named file. */
int pl_gdelt_read_stream(pl_gdelt_worker *w, const char *name, int fd, parley_err *err);
/* Seconds a scan waits for the first bytes from a FIFO before it gives up
 * (a FIFO nobody writes to would block for ever); PARLEY_GDELT_FIFO_WAIT
 * in the environment overrides it. */
#define PL_GDELT_FIFO_WAIT 10

/* Adds the zip or gzip file s->files[file] to those pl_gdelt_run_members
 * reads (inflate.c).  Returns PARLEY_OK or PARLEY_ENOMEM. */
int pl_gdelt_plan_archive(pl_gdelt_scan *s, int file);
/* Lists the members of those archives (their central directories are read
 * in parallel), then reads the members, one per worker at a time, and
 * reports what they found; archives it does not handle go to
 * pl_gdelt_read_stream.  Returns PARLEY_OK or a failure status. */
int pl_gdelt_run_members(pl_gdelt_scan *s, parley_err *err);

/* ------------------------------------------------------------------ */
/* Progress line (progress.c)                                          */
/* ------------------------------------------------------------------ */
typedef struct pl_gdelt_progress pl_gdelt_progress;
/* Starts a thread that redraws a progress line on stderr every 200 ms from
 * s->done_bytes / s->done_lines; NULL when not started.  Stop with
 * pl_gdelt_progress_stop(), which erases the line and frees. */
pl_gdelt_progress *pl_gdelt_progress_start(pl_gdelt_scan *s);
void pl_gdelt_progress_stop(pl_gdelt_progress *p);

/* ------------------------------------------------------------------ */
/* Codes (codes.c) and countries (fips.c)                              */
/* ------------------------------------------------------------------ */
/* A set of CAMEO event codes parsed from "036,040-046" (ranges of codes of
 * equal width).  Codes are compared as written. */
typedef struct pl_gdelt_codes {
	char code[256][5];
	int n;
} pl_gdelt_codes;

int pl_gdelt_codes_parse(const char *spec, pl_gdelt_codes *c, parley_err *err);
int pl_gdelt_codes_has(const pl_gdelt_codes *c, const char *s, size_t n);

/* ISO 3166-1 alpha-3 code (static) for a FIPS 10-4 country code as used in
 * GDELT's geo fields, or NULL when unknown or not a country. */
const char *pl_fips_to_iso3(const char *fips, size_t n);
/* English short name for a FIPS code (static) or NULL. */
const char *pl_fips_name(const char *fips, size_t n);
/* The name of an ISO3 code from the same table, or NULL. */
const char *pl_iso3_name(const char *iso3);
/* Number of entries and the i-th entry (for tests and docs). */
size_t pl_fips_count(void);
void pl_fips_at(size_t i, const char **fips, const char **iso3, const char **name);

/* The part of a query every sink applies to a row of the pair (filter.c). */
typedef struct pl_gdelt_filter {
	pl_gdelt_codes codes;
	long since_day, until_day; /* day numbers; LONG_MIN / LONG_MAX when open */
} pl_gdelt_filter;

int pl_gdelt_filter_init(pl_gdelt_filter *f, const parley_gdelt_query *q, parley_err *err);
/* 1 when the row meets the filter, 0 when not, -1 when a field it needs is
 * malformed (*why set, static).  *day gets SQLDATE as a day number. */
int pl_gdelt_filter_row(const pl_gdelt_filter *f, const pl_gdelt_row *r, long *day,
                        const char **why);

/* Distinct candidate events one discovery keeps in memory (about 560 bytes
 * each while folding); past it discovery stops with a clear error. */
#define PL_GDELT_MAX_EVENTS 400000L

/* ------------------------------------------------------------------ */
/* Events and folding (candidate.c)                                    */
/* ------------------------------------------------------------------ */
/* The parts of one event row discovery needs. */
typedef struct pl_gdelt_event {
	char id[24];          /* GLOBALEVENTID */
	long day;             /* SQLDATE as a day number */
	char code[5];         /* EventCode as written */
	char a1[4], a2[4];    /* actor country codes */
	char place_fips[3];   /* ActionGeo_CountryCode, "" when empty */
	char place[8];        /* its ISO3 (set by the caller), "" when unknown */
	char from[4], to[4];  /* direction, "" when unknown (pl_gdelt_event_direct) */
	int third;            /* the place is neither country */
	long sources, articles, mentions;
	char label1[64], label2[64]; /* Actor1Name, Actor2Name */
	char *url;            /* SOURCEURL, malloc'd, or NULL */
} pl_gdelt_event;

/* Fills ev from a split row of a known layout; the URL is a malloc'd copy
 * the caller frees (pl_gdelt_event_clear). */
int pl_gdelt_event_from_row(const pl_gdelt_row *r, long day, pl_gdelt_event *ev);
void pl_gdelt_event_clear(pl_gdelt_event *ev);
/* True when one actor has one of the types (comma-separated, e.g. "GOV,LEG")
 * among its Type1..3Code fields. */
int pl_gdelt_row_has_type(const pl_gdelt_row *r, const char *types);
/* Sets from/to (or third) from ev->place and the event code; see
 * docs/gdelt.md "Who hosts". */
void pl_gdelt_event_direct(pl_gdelt_event *ev, const char *a, const char *b);
/* Folds events into candidates (docs/gdelt.md "Folding"); takes the events'
 * URLs (ev[i].url becomes NULL).  *out is freed with parley_candidates_free(). */
int pl_gdelt_fold(pl_gdelt_event *ev, size_t n, parley_candidates **out, parley_err *err);
/* Frees what one candidate owns (event ids, URLs) and empties those lists;
 * the candidate itself stays (it lives in a parley_candidates array). */
void pl_gdelt_candidate_clear(parley_candidate *c);

/* ---- The store's side of discovery (src/lib/discovery_store.c) ---- */
/* 1 when the store has table name (a store made before countries had
 * FIPS codes is read without them). */
int pl_store_has_table(parley_db *db, const char *name);
/* The one country whose FIPS code is fips into out (cap bytes): 1 when
 * exactly one has it, else 0 (none, several, or the store cannot say). */
int pl_country_by_fips(parley_db *db, const char *fips, char *out, size_t cap);
/* Sets c->match ("known", "rejected", "stored" or "new") and c->match_id
 * from the stored visits of its pair, either direction, whose dates meet
 * its days (a day of slack each side). */
int pl_candidate_match(parley_db *db, parley_candidate *c, parley_err *err);
/* Stores every candidate matched "new" as a visit of status candidate with
 * its sources and GDELT event ids, as actor, in one transaction; a country
 * missing from the store is added from the FIPS table's name (an INFO in
 * rep), or the candidate is left out ("not-stored", a WARNING). */
int pl_candidates_store(parley_db *db, parley_candidates *cs, const char *actor, parley_report *rep,
                        parley_err *err);
/* The score of a candidate from its totals (docs/gdelt.md "Score"). */
double pl_gdelt_score(long sources, long articles, long mentions, int days, int mirrored);

/* Parses a YYYYMMDD day into a day number; returns 0 when malformed. */
int pl_gdelt_day(const char *s, size_t n, long *day);

#endif /* PL_GDELT_H */
