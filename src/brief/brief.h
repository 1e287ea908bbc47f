/*
 * brief.h - what the brief module's files share (not public; tests and
 * fuzzers may include it).
 *
 *   brief_expr.c    the live-figure expression tokenizer and parser
 *   brief_fm.c      the front matter block
 *   brief_eval.c    figures and charts, through the query layer and the analysis
 *   brief_store.c   briefs, authors, the figure ledger and corrections in the store
 *   brief_render.c  Markdown (md4c) to the HTML of a brief
 * docs/briefs.md describes the format and the expression language.
 */
#ifndef PARLEY_BRIEF_H
#define PARLEY_BRIEF_H

#include "internal.h"

#define PL_EXPR_MAX 1024     /* bytes between {{ and }} */
#define PL_EXPR_MAX_ARGS 16
#define PL_EXPR_VALUE_MAX 256

/* One parsed expression: `{{ fn [word] key=value key="quoted value" }}`.
 * Strings are owned by the struct; free with pl_expr_free(). */
typedef struct pl_expr {
	char *fn;            /* count, rate, first, gap, sentence, chart */
	char *word;          /* a bare word after fn ("eras" in chart eras), or NULL */
	size_t nargs;
	char *keys[PL_EXPR_MAX_ARGS];
	char *values[PL_EXPR_MAX_ARGS];
} pl_expr;

/* Parses the text between "{{" and "}}" (n bytes, not NUL-terminated).
 * On error returns PARLEY_EDATA, sets *err_col to the 0-based byte offset
 * in s of the fault and err to what was expected; e is then empty. */
int pl_expr_parse(const char *s, size_t n, pl_expr *e, size_t *err_col, parley_err *err);
void pl_expr_free(pl_expr *e);
/* The value of key, or NULL. */
const char *pl_expr_get(const pl_expr *e, const char *key);

/* Finds the next expression at or after *pos in text (len bytes): on 1,
 * *start is the offset of "{{" and *end the offset just past "}}".  0 when
 * there is none; PARLEY_EDATA for "{{" without its "}}" (*start set).
 * Quoted values may hold "}}". */
int pl_expr_next(const char *text, size_t len, size_t *pos, size_t *start, size_t *end);

/* "25 March 2018" ("March 2018", "2018" for a partial date) into out. */
void pl_date_words(const char *d, char *out, size_t n);


/* ---- Front matter -------------------------------------------------- */
typedef struct pl_strlist {
	size_t n;
	char **v;
} pl_strlist;

typedef struct pl_brief_meta {
	char *id, *title, *series, *date, *as_of, *summary;
	char *image, *image_credit, *image_alt;
	pl_strlist authors, topics, regions, related;
	size_t body_off;     /* where the Markdown body starts in the file */
	long body_line;      /* its 1-based line */
} pl_brief_meta;

/* Parses the front matter of a brief file (text, len bytes).  name is the
 * file's name for errors ("kim.md:3:1: ...").  PARLEY_EDATA with
 * file:line:column for a malformed block, an unknown or repeated key, a
 * bad date or a missing required field (id, title, date, as_of, authors,
 * summary).  On success free with pl_brief_meta_free(). */
int pl_brief_meta_parse(const char *name, const char *text, size_t len, pl_brief_meta *m,
                        parley_err *err);
void pl_brief_meta_free(pl_brief_meta *m);

/* ---- Figures ------------------------------------------------------- */
/* One evaluated figure or chart, as the ledger keeps it. */
typedef struct pl_figure {
	long n;              /* its order in the brief, from 0 */
	long line, col;      /* of its "{{" in the file */
	char *expr;          /* the text between {{ and }}, trimmed */
	char *kind;          /* fn */
	char *value;         /* the text shown (a number, a date, words, a sentence); chart: its title */
	char *as_of;
	char *ids;           /* the visit ids behind it, space-separated */
	char *query;         /* the visit list's query string (total = the figure for count), or "" */
	char *link;          /* "visit/ID" for a sentence, else NULL: the list of query */
	char *svg;           /* charts: the SVG, else NULL */
} pl_figure;

void pl_figure_free(pl_figure *f);
/* Evaluates expression e as of as_of.  On success *f is filled (caller
 * frees with pl_figure_free; it sets n's other fields, the caller sets
 * line, col and expr).  On error err says what (the caller adds
 * file:line:column): unknown function, person or era, no data, as-of past
 * the data-through date. */
int pl_figure_eval(parley_db *db, const pl_expr *e, const char *as_of, pl_figure *f,
                   parley_err *err);

/* Renders Markdown body (with its figures already substituted as HTML)
 * into out (md4c).  EDATA when md4c fails. */
int pl_md_html(pl_buf *out, const char *md, size_t len);

/* ---- Stored briefs (brief_store.c, over query_briefs.c) ------------- */
typedef struct pl_correction {
	char *at, *note;
} pl_correction;

typedef struct pl_brief {
	char *id, *source, *status, *published, *updated; /* published/updated NULL when not */
	pl_brief_meta meta;
	pl_figure *figs;     /* published: from the ledger; draft: evaluated now */
	size_t nfigs;
	pl_correction *corr; /* oldest first */
	size_t ncorr;
} pl_brief;

/* Loads brief id.  figures: 1 = also its figures (a draft's are evaluated
 * now, and an expression that fails fails the load with file:line:col).
 * Free with pl_brief_free(). */
int pl_brief_load(parley_db *db, const char *id, int figures, pl_brief *b, parley_err *err);
void pl_brief_free(pl_brief *b);
/* The ids of the published briefs, newest publication date first.  Free
 * the list's strings and array with free(). */
int pl_brief_published(parley_db *db, pl_strlist *ids, parley_err *err);
/* An author's name, role and bio (each a new string, caller frees);
 * ENOTFOUND for an unknown id. */
int pl_brief_author_get(parley_db *db, const char *id, char **name, char **role, char **bio,
                        parley_err *err);
/* Evaluates every expression of a brief file (text, with meta parsed) into
 * *figs (caller frees each with pl_figure_free, then the array).  Errors
 * are "NAME:LINE:COL: what". */
int pl_brief_eval_all(parley_db *db, const char *name, const char *text, const pl_brief_meta *m,
                      pl_figure **figs, size_t *n, parley_err *err);
/* The body's Markdown with every expression replaced by its figure's HTML:
 * a link (root + "visits?" + query, or root + link; the static site adds
 * ".html" to a visit link when site is 1) around the escaped value, or a
 * chart's <figure>.  Then rendered by md4c into out. */
int pl_brief_body_html(const pl_brief *b, const char *root, int site, pl_buf *out,
                       parley_err *err);
/* The visit ids behind every figure and chart of b (its ledger, once
 * published), each once in order of first use, comma-separated ("" when
 * none).  New string, caller frees (src/web/page_figures.c). */
char *pl_brief_data_ids(const pl_brief *b);
/* root + "briefs/ID/chart-N.png": the URL of a brief's Nth chart (from 1)
 * as PNG, the same in the server and the static site.  Caller frees. */
char *pl_brief_chart_url(const char *root, const char *id, long n);

/* ---- The published briefs as a list (brief_catalog.c) -------------- */
typedef struct pl_brief_list {
	pl_brief *v;         /* front matter, published and updated dates; no source, figures or corrections */
	size_t n;
} pl_brief_list;

/* ---- The brief tables (src/lib/query_briefs.c: no SQL in src/brief) -- */
/* Inserts or changes author id (no audit row when nothing changes). */
int pl_brief_author_put(parley_db *db, const char *id, const char *name, const char *role,
                        const char *bio, parley_err *err);
/* Brief id's status ("draft", "published") into status, "" when there is
 * no such brief. */
int pl_brief_status(parley_db *db, const char *id, char status[16], parley_err *err);
/* Inserts draft id with source, or replaces the source of draft id. */
int pl_brief_put_draft(parley_db *db, const char *id, const char *source, parley_err *err);
/* Brief id's row into b's id, source, status, published and updated (new
 * strings, freed by pl_brief_free); ENOTFOUND naming it. */
int pl_brief_row(parley_db *db, const char *id, pl_brief *b, parley_err *err);
/* Every brief's row (published_only: the published ones), newest
 * publication first, then by id: each with its source, no front matter,
 * figures or corrections.  Free with pl_brief_list_free(). */
int pl_brief_rows(parley_db *db, int published_only, pl_brief_list *l, parley_err *err);
/* The published figures of brief b->id (its ledger) appended to b->figs. */
int pl_brief_ledger_read(parley_db *db, pl_brief *b, parley_err *err);
/* The corrections of brief b->id, oldest first, appended to b->corr. */
int pl_brief_corrections_read(parley_db *db, pl_brief *b, parley_err *err);
/* Writes figs[0..n) as brief id's ledger and marks it published on day,
 * inside the caller's transaction. */
int pl_brief_ledger_write(parley_db *db, const char *id, const pl_figure *figs, size_t n,
                          const char *day, parley_err *err);
/* Records a correction of published brief id on day, in one transaction
 * of its own; ENOTFOUND when no published brief has that id. */
int pl_brief_correction_add(parley_db *db, const char *id, const char *day, const char *note,
                            parley_err *err);


/* The published briefs, newest publication date first, each read once.
 * Free with pl_brief_list_free(). */
int pl_brief_catalog(parley_db *db, pl_brief_list *l, parley_err *err);
void pl_brief_list_free(pl_brief_list *l);
/* The URL slug of a series, topic or region: its words by the one fold,
 * joined by '-' ("Korea Snapshot" -> "korea-snapshot").  Caller frees;
 * NULL when out of memory. */
char *pl_brief_slug(const char *s);
/* 1 when label's slug is slug. */
int pl_brief_slug_is(const char *label, const char *slug);
/* The ids of the published briefs whose text (title, series, summary,
 * topics, regions, body) holds the words of text (folded; the last word a
 * prefix), best match first.  No words: no brief.  Free the strings and
 * the array with free(). */
int pl_brief_search(parley_db *db, const char *text, pl_strlist *ids, parley_err *err);
/* The folded text the search index holds for a brief file (its title,
 * series, summary, topics, regions and body without expressions): what the
 * static site's search page filters in the browser.  Caller frees; NULL
 * when out of memory. */
char *pl_brief_search_text(const char *source);

#endif
