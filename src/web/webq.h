/*
 * webq.h - requests, responses, filters and queries of the web module.
 *
 * A request is a decoded path and its query parameters; a response is a
 * status, a content type and a body.  pl_web_handle maps one to the other
 * with no knowledge of HTTP, so the server (server.c) and the static-site
 * writer (site.c) share every page, and tests can call it directly.
 */
#ifndef PARLEY_WEBQ_H
#define PARLEY_WEBQ_H

#include "web.h"

#include <stdio.h>

#define PL_CODE_MAX 9           /* country code + NUL */
#define PL_WQ_MAX_PER_PAGE 1000
#define PL_MAX_PARAMS 24        /* query parameters per request */
#define PL_BODY_MAX (64u << 20) /* largest response body */
/* Rows of one static list page (`parley site`): a longer list shows its
 * first PL_SITE_LIST_MAX in list order and says so; the CSV beside it
 * holds every row.  Keeps a page under PL_BODY_MAX and usable in a browser. */
#define PL_SITE_LIST_MAX 10000
/* A CSV written to a file (pl_visits_csv_write) goes out whenever this
 * much is held, and is read from the store PL_CSV_CHUNK rows at a time:
 * its memory is bounded by those two, whatever the list's length. */
#define PL_CSV_FLUSH (1u << 16)
#define PL_CSV_CHUNK 5000

typedef struct pl_param {
	const char *key, *value;
} pl_param;

/* A validated visit filter: the library's parley_query (the one filter
 * of every surface) and, for the page's own text, the values as given.
 * Strings point into the request. */
typedef struct pl_wq {
	parley_query pq;
	char a[PL_CODE_MAX], b[PL_CODE_MAX];               /* between=A:B */
	char dir_from[PL_CODE_MAX], dir_to[PL_CODE_MAX];   /* direction=FROM:TO */
	const char *from_raw, *to_raw, *year;
	const char *level, *min_level, *type, *status, *person, *q, *sort;
	const char *visitor;   /* visitor=ID: led by that person */
	const char *companion; /* companion=ID: that person was in the delegation */
	const char *host;      /* host=ID: met that person */
	const char *office;    /* office=ID: the visitor held it */
	const char *top;       /* top=A[,B]: by the paramount leader of A (and B), per the analysis */
	long page, per_page;
	long cap;              /* with all rows: at most cap of them (0 = every one); the total stays all */
	long skip;             /* with all rows: from the one after the first skip (0 = the first) */
	const char *bad_param; /* set when parsing fails */
	char next_after[256];  /* set by pl_wq_visits: after= of the next page, "" on the last */
} pl_wq;

/* The parameters the visit list accepts, NULL-terminated. */
extern const char *const pl_wq_list_params[];

/* Validates params against allowed (others are rejected) with
 * parley_query_set.  On a bad value returns PARLEY_EDATA, sets
 * q->bad_param and err ("parameter 'x': ..."). */
int pl_wq_parse(pl_wq *q, const pl_param *ps, size_t n, const char *const *allowed,
                parley_err *err);
/* Visits matching q (parley_visits_find): one page (or all rows when all),
 * capped at q->cap when set, and the total; q->next_after gets the next page's cursor.  search: each row also gets "search" (the folded text)
 * and "people" (ids of visitor, hosts and delegation) for the static
 * site's filter.  *out_rows is a new array; caller decrefs.  A filter the
 * store rejects (unknown person or office) is PARLEY_EDATA with
 * q->bad_param set. */
int pl_wq_visits(parley_db *db, pl_wq *q, int all, int search, json_t **out_rows, long *total,
                 parley_err *err);
/* [{"value":..,"n":..}] of the filtered visits by each of n fields (year,
 * direction, level, type, status), counted in one pass
 * (parley_visits_facets): out[i] for fields[i], each a new array the
 * caller decrefs (all NULL on error). */
int pl_wq_facets(parley_db *db, const pl_wq *q, const char *const *fields, size_t n,
                 json_t **out, parley_err *err);

/* Leader-pair eras of countries a and b with visit counts; caller decrefs. */
json_t *pl_web_eras(parley_db *db, const char *a, const char *b, parley_err *err);
double pl_frac_year(const char *date);
long pl_days_between(const char *a, const char *b);

/* ------------------------------------------------------------------ */
/* Requests and responses                                             */
/* ------------------------------------------------------------------ */

typedef struct pl_web {
	parley_db *db;
	int site;           /* 1: links for the static site (relative, .html) */
	char today[16];     /* as-of date of the pages (YYYY-MM-DD) */
	char home_a[PL_CODE_MAX], home_b[PL_CODE_MAX]; /* the home page's pair */
	int one_pair;       /* static site of the home pair alone (site --pair): its date lists are the pair's */
	long list_max;      /* static site: rows of a list page (PL_SITE_LIST_MAX unless a test sets it) */
	size_t body_max;    /* largest response body; 0 = PL_BODY_MAX (a test lowers it) */
	int spill;          /* 1 (the server): a visit CSV past body_max goes on in a
	                     * temp file (pl_web_resp.file); 0: it fails "CSV too large" */
	int png;            /* static site: charts also get a PNG twin (chart/NAME.png); the server always has them */
	int preview;        /* 1: /briefs/ID also shows drafts (parley brief render) */
	struct pl_brief_list *briefs; /* static site: the published briefs, read once (page_brief_index.c) */
	/* static site: the context sentences of the visit written last, as its
	 * page and then its JSON show the same ones (page_record.c); freed by
	 * pl_web_context_free */
	char *context_id;
	json_t *context;
} pl_web;

typedef struct pl_web_req {
	const char *path;   /* decoded, starts with '/' */
	pl_param params[PL_MAX_PARAMS];
	size_t nparams;
	const char *root;   /* prefix of links to the root: "/" (server), "", "../" (site) */
	const char *self;   /* static site: the page's file without extension ("visits/2018"), else NULL */
} pl_web_req;

/* The static site's list file of one facet value, relative to the site's
 * root, into out: year -> "visits/2018.html", direction (FROM:TO) ->
 * "visits/direction/FROM-TO.html", level, type and status ->
 * "visits/level/VALUE.html" etc.  PARLEY_EINVAL for another parameter or a
 * value that is not a safe file name (site.c). */
int pl_site_facet_file(const char *param, const char *value, char *out, size_t n);
/* The static site's list of an era's visits by the paramount leaders of
 * the pair (the dashboard's "by the two leaders", top=A,B): from and to
 * (inclusive, NULL: to date) -> "visits/top/A-B_FROM_TO.html" with A < B,
 * so either order of the pair names the same file.  PARLEY_EINVAL when a
 * part is not a safe file name (site.c). */
int pl_site_top_file(const char *a, const char *b, const char *from, const char *to, char *out,
                     size_t n);
/* The static site's list of one pair's visits (between=A:B, symmetric, so
 * A and B are put in alphabetical order): all of them (from and to NULL)
 * -> "visits/pair/A-B.html", a year (from == to, four digits) ->
 * "visits/pair/A-B/YEAR.html", a date range (inclusive, either NULL: open)
 * -> "visits/pair/A-B/FROM_TO.html" ("start", "now" for an open end).
 * PARLEY_EINVAL when a part is not a safe file name (site.c). */
int pl_site_pair_file(const char *a, const char *b, const char *from, const char *to, char *out,
                      size_t n);
/* The static site's list of the trips visitor led with companion in the
 * delegation (a person page's "N trip(s)"): "visits/with/VISITOR/COMPANION.html".
 * PARLEY_EINVAL when an id is not a safe file name (site.c). */
int pl_site_companion_file(const char *visitor, const char *companion, char *out, size_t n);

typedef struct pl_web_resp {
	int status;         /* HTTP status */
	const char *type;   /* content type, static */
	pl_buf body;
	int no_store;       /* 1: do not cache (errors) */
	char location[1024]; /* a redirect's Location header (renamed records), or "" */
	char etag[48];      /* the record's version (a visit's JSON), or "": the body's hash */
	/* A visit CSV past the body cap (pl_web.spill): the whole body is in
	 * this unlinked temp file, file_len bytes hashing to file_hash, and
	 * body is empty.  NULL otherwise.  Whoever sends the answer closes it
	 * (pl_web_resp_file_close when it is not sent). */
	FILE *file;
	uint64_t file_len, file_hash;
} pl_web_resp;

/* The content type of every CSV answer. */
extern const char pl_csv_type[];

/* Closes rs->file, if any (an answer not sent). */
void pl_web_resp_file_close(pl_web_resp *rs);

/* Sets up w for a store (prepares the connection, picks the home pair). */
int pl_web_init(pl_web *w, parley_db *db, int site, parley_err *err);
/* Frees the static site's remembered context sentences (pl_web.context). */
void pl_web_context_free(pl_web *w);
/* Answers one request.  rs->body is initialised here; caller frees it
 * with pl_buf_free().  Always fills a response (errors too). */
void pl_web_handle(pl_web *w, const pl_web_req *rq, pl_web_resp *rs);

/* Page helpers shared by the page files (pages.c). */
typedef struct pl_page {
	pl_web *w;
	const pl_web_req *rq;
	pl_web_resp *rs;
	parley_err err;
} pl_page;

/* Adds url, visitor_url and dir_class to each visit row (page_list.c). */
void pl_visit_links(pl_page *pg, json_t *rows);
/* URL of a record page: kind "visit", "person", "country", "pair".
 * Returns a new string; caller frees with free(). */
char *pl_url(const pl_page *pg, const char *kind, const char *id);
/* o[key] = the pl_url of kind for the id in o[idkey]; nothing when o has no such id. */
void pl_set_url(pl_page *pg, json_t *o, const char *key, const char *kind, const char *idkey);
/* The name of a country (its code when unknown).  Caller frees with free(). */
char *pl_country_name(parley_db *db, const char *code);
/* URL of the visit list for a pair and an inclusive date range (either may
 * be NULL).  Caller frees. */
char *pl_list_url(const pl_page *pg, const char *a, const char *b, const char *from,
                  const char *to);
/* Renders template name with ctx as the page's HTML body (status 200 unless
 * set).  Adds the common context (root, today, nav). */
void pl_render_page(pl_page *pg, const char *tpl, json_t *ctx);
/* JSON body from v (steals the reference). */
void pl_send_json(pl_page *pg, json_t *v);
/* Error response: JSON under /api/, an HTML page elsewhere. */
void pl_send_error(pl_page *pg, int status, const char *param, const char *msg);
/* CSV of rows (array of objects) with the given columns. */
void pl_send_csv(pl_page *pg, json_t *rows, const char *const *cols);
/* A CSV answer written row by row, without JSON rows: pl_csv_begin puts
 * the header line of cols (NULL-ended) in pg's body and sets the type;
 * pl_csv_row appends n text cells (NULL: an empty cell).  Each returns
 * PARLEY_OK or the body's error (over PL_BODY_MAX), which the caller
 * sends as a 500. */
int pl_csv_begin(pl_page *pg, const char *const *cols);
int pl_csv_row(pl_page *pg, const char *const *cells, size_t n);
/* Appends rows as CSV lines of cols to b (with head, the header line
 * first); with flush, calls flush(ctx, b) whenever b holds PL_CSV_FLUSH
 * bytes or more (flush empties b).  The first failure, b's or flush's. */
int pl_csv_rows(pl_buf *b, json_t *rows, const char *const *cols, int head,
                int (*flush)(void *ctx, pl_buf *b), void *ctx);
/* The visit list's CSV for rq (/visits.csv or /api/v1/visits.csv and
 * their parameters), byte for byte the body pl_web_handle answers, but
 * handed to write as it is read: chunk rows at a time from the store (by
 * key after the last row for the date sorts, by offset for the others),
 * out through a buffer of about PL_CSV_FLUSH bytes.  So a list of any
 * length is written whole, past w->body_max, in bounded memory (the
 * static site's whole-store files).  *status gets the status the server
 * would answer (200; 400 for a bad filter, 500) and err its message;
 * nothing is written unless the first chunk was read.  Returns
 * PARLEY_OK, the store's failure or write's. */
int pl_visits_csv_write(pl_web *w, const pl_web_req *rq, long chunk,
                        int (*write)(void *ctx, const char *data, size_t n), void *ctx,
                        int *status, parley_err *err);

/* A code as a reader sees it: "paramount_leader" -> "Paramount leader",
 * "other_senior" -> "Other senior" (underscores to spaces, first letter
 * capitalised).  Returns a new string; caller frees with free(). */
char *pl_code_label(const char *code);
/* Adds level_label, type_label and status_label (pl_code_label) to each
 * object of rows that has level, type or status (HTML pages only: the
 * codes stay in URLs, data attributes and the API). */
void pl_add_labels(json_t *rows);

/* Pages and API endpoints (page_*.c). */
void pl_page_dashboard(pl_page *pg, const char *a, const char *b);
void pl_page_visits(pl_page *pg, int fmt);      /* 0 html, 1 json, 2 csv */
void pl_page_visit(pl_page *pg, const char *id, int fmt);
void pl_page_person(pl_page *pg, const char *id, int fmt);
/* GET /api/v1/sources/ID (page_source.c). */
void pl_page_source(pl_page *pg, const char *id);
/* Makes pg's ETag (a record's version) "VERSION.HASH of v" (page_source.c). */
void pl_versioned_etag(pl_page *pg, json_t *v);
void pl_page_people(pl_page *pg, int fmt);
void pl_page_country(pl_page *pg, const char *code, int fmt);
void pl_page_countries(pl_page *pg, int fmt);
/* page_methods.c: the methods page; the footer's data version, data-through
 * date and citation (added to every page's ctx by pl_render_page); where a
 * pair's charts end: its data-through date, or today when that is earlier
 * or unknown (into out, 11 bytes; returns out). */
void pl_page_methods(pl_page *pg);
void pl_footer_ctx(pl_page *pg, json_t *ctx);
const char *pl_data_end(pl_page *pg, const char *a, const char *b, char out[11]);
void pl_api_pair(pl_page *pg, const char *what, int fmt); /* eras, timeline, gaps */
void pl_api_context(pl_page *pg, const char *id, int fmt);
void pl_chart_svg(pl_page *pg, const char *which, const char *a, const char *b);
/* page_figures.c: charts as PNG (which: "timeline.png", "eras.png"; the SVG
 * routes' parameters), a brief's Nth chart as PNG (rest "ID/chart-N.png")
 * and its data (the visit list's CSV of the ledger's visit ids). */
void pl_chart_png(pl_page *pg, const char *which);
void pl_brief_chart_png(pl_page *pg, const char *rest);
void pl_brief_data_csv(pl_page *pg, const char *id);
/* The static site's files of published brief id besides its page, through
 * write (rel is relative to the site's root): briefs/ID.csv (when it has
 * figures) and briefs/ID/chart-N.png per chart.  The first failure. */
int pl_site_brief_files(pl_web *w, const char *id,
                        int (*write)(void *ctx, const char *rel, const char *data, size_t n),
                        void *ctx, parley_err *err);
/* page_brief.c: a brief, the index of briefs, their Atom feed. */
void pl_page_brief(pl_page *pg, const char *id);
void pl_page_briefs(pl_page *pg);
void pl_page_briefs_atom(pl_page *pg);
/* The URL of brief id's page from pg (root-relative).  Caller frees. */
char *pl_brief_url(const pl_page *pg, const char *id);
/* page_brief_index.c: the indexes of briefs per series, author, topic and
 * region (kind; rest is "SLUG", "SLUG.html" or "SLUG.atom" for the feed),
 * and the search across briefs and visits (fmt 0 HTML, 1 JSON). */
void pl_page_brief_facet(pl_page *pg, const char *kind, const char *rest);
void pl_page_search(pl_page *pg, int fmt);
/* The URL of kind's index page of label (a series, topic or region as
 * written, or an author's id), ext appended (NULL: the page's).  Caller frees. */
char *pl_brief_facet_url(const pl_page *pg, const char *kind, const char *label, const char *ext);
/* The published briefs: the static site's list, read once and kept in
 * w->briefs, or (the server, whose store changes) read now into *tmp.
 * NULL with err set on failure.  Pair with pl_web_briefs_done(pg, tmp). */
const struct pl_brief_list *pl_web_briefs(pl_page *pg, struct pl_brief_list *tmp, parley_err *err);
void pl_web_briefs_done(pl_page *pg, struct pl_brief_list *tmp);
/* Frees the static site's list of briefs (site.c, when done). */
void pl_web_briefs_free(pl_web *w);

/* Shared computations for the dashboard, the API and the context lines. */
/* {"years":[{"year":Y,"from_a":n,"from_b":n,"total":n}],...}; caller decrefs. */
json_t *pl_pair_timeline(pl_page *pg, const char *a, const char *b);
/* Gaps between consecutive visits of the pair, longest first, plus the
 * current gap; caller decrefs. */
json_t *pl_pair_gaps(pl_page *pg, const char *a, const char *b);
/* Context sentences of one visit (array of strings); caller decrefs. */
json_t *pl_visit_context(pl_page *pg, json_t *visit);
/* The era chart one mark per visit (marks=visits): the years the reader
 * picked (from= and to=, 0 when not), within which it draws at most
 * PL_ERA_MARKS_MAX visits (docs/charts.md). */
typedef struct pl_marks_period {
	int from, to;
} pl_marks_period;
/* Builds the timeline and era charts' SVG for a pair into out.  The era
 * chart draws one mark per visit up to PL_ERA_MARKS_MAX visits, past it one
 * per year and direction; with per_visit, one mark per visit of the years
 * picked, or of the latest years that hold at most PL_ERA_MARKS_MAX. */
int pl_pair_charts(pl_page *pg, const char *a, const char *b, pl_buf *timeline, pl_buf *marks,
                   const pl_marks_period *per_visit, json_t *summary);

/* The analysis module's results as JSON (an_bridge.c); NULL when the
 * analysis cannot answer.  Caller decrefs. */
json_t *pl_an_eras(parley_db *db, const char *a, const char *b, const char *as_of, parley_err *err);
json_t *pl_an_gaps(pl_page *pg, const char *a, const char *b);
/* A pair's eras (as pl_an_eras; [] when it has none), gaps (as
 * pl_an_gaps) and timeline (as pl_pair_timeline) from one read of its
 * visits (parley_pair_compute); each a new reference; and, when firsts
 * is not NULL, pl_an_firsts of the same eras.  The analysis's error
 * otherwise, with pg->err set. */
int pl_an_pair(pl_page *pg, const char *a, const char *b, json_t **eras, json_t **gaps,
               json_t **timeline, json_t **firsts);
/* {"a","b","years":[{year, from_a, from_b, total, url}]} of counts per
 * year, oldest first (page_dash.c); caller decrefs. */
json_t *pl_timeline_json(pl_page *pg, const char *a, const char *b, const parley_pair_year *y,
                         size_t n);
json_t *pl_an_context(pl_page *pg, const char *visit_id);
/* The first visit by each paramount leader of the pair, as leader, from
 * the analysis module's eras (top_a_to_b / top_b_to_a): an array of
 * {"id","person","name"} in era order.  NULL when the eras cannot be
 * computed.  Caller decrefs. */
json_t *pl_an_firsts(parley_db *db, const char *a, const char *b, const char *as_of);
/* Who accompanied person on the visits they led (`parley companions`),
 * most often first: [{"name","person","trips","visit_ids","url",
 * "trips_url"}], url and trips_url only for a companion with a person id.
 * NULL when the analysis cannot answer.  Caller decrefs. */
json_t *pl_an_companions(pl_page *pg, const char *person);

#endif /* PARLEY_WEBQ_H */
