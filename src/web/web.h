/*
 * web.h - what the web module's files share: escaping, the template
 * renderer, the SVG charts, the page/API router and its data queries.
 *
 * The module is layered so that each layer can be tested alone:
 *   escape.c    text -> HTML / attribute / URL / JSON / CSV, nothing else
 *   template.c  Mustache-style templates rendered over a jansson value
 *   svg.c       the two charts, from plain C arrays
 *   query.c     filters parsed from a query string, SQL over the store
 *   pages.c     routes: a request (path + query) -> a response (status, type, body)
 *   request.c   an HTTP request (method, raw target, headers) checked and decoded
 *   server.c    libmicrohttpd glue (keep-alive, ETag, gzip, slow clients, cache)
 *   site.c      the same routes written to files for a static host
 * Nothing here is public; parley.h's Publishing section has the entry points.
 */
#ifndef PARLEY_WEB_H
#define PARLEY_WEB_H

#include "internal.h"

#include <jansson.h>

/* ------------------------------------------------------------------ */
/* Escaping (escape.c).  Each appends to b; returns PARLEY_OK or the   */
/* pl_buf error, which also sticks in b (pl_buf_failed), so a page of  */
/* escapes is checked once.  NULL strings append nothing.              */
/* ------------------------------------------------------------------ */
/* HTML text and quoted attribute values (also SVG/XML text): & < > " '
 * become entities; C0 control characters other than tab, CR and LF are
 * dropped, since XML forbids them. */
int pl_esc_html(pl_buf *b, const char *s);
int pl_esc_html_n(pl_buf *b, const char *s, size_t n);
/* A URL component: every byte but A-Z a-z 0-9 - . _ ~ is %XX-encoded. */
int pl_esc_url(pl_buf *b, const char *s);
/* One CSV field for a download: the one writer, pl_csv_field(), with the
 * spreadsheet formula guard (docs/formats.md, "CSV for spreadsheets"). */
int pl_esc_csv(pl_buf *b, const char *s);
/* True when s is safe as an href from the data: http:, https: or mailto:
 * URLs only (never javascript:, data:, ...). */
int pl_href_ok(const char *s);
/* Decodes %XX and '+' in place (a query-string component).  Returns
 * PARLEY_EDATA on a bad escape or a NUL byte. */
int pl_url_decode(char *s);
/* The same for a URL path, where '+' is itself. */
int pl_url_decode_path(char *s);

/* o[key] as text, or dflt when it is missing or not a string (a value
 * the store holds as invalid UTF-8 reaches JSON as null).  Never NULL when
 * dflt is not, so it is safe for %s (pages.c). */
const char *pl_text_or(json_t *o, const char *key, const char *dflt);

/* ------------------------------------------------------------------ */
/* Templates (template.c)                                              */
/* ------------------------------------------------------------------ */
/* Mustache subset over a jansson context:
 *   {{name}}        value, HTML-escaped (a.b.c looks into objects, list.0 at an item; . is the current value)
 *   {{{name}}} {{&name}}  value unescaped (only for markup the code built, e.g. SVG)
 *   {{name|url}}    value percent-encoded as a URL component, then HTML-escaped
 *   {{name|json}}   value as JSON text, HTML-escaped
 *   {{#name}}..{{/name}}  arrays: once per item; objects: once inside it;
 *                   other truthy values (true, non-empty string, non-zero
 *                   number): once.  false, null, "", 0, [] and missing: not at all
 *   {{^name}}..{{/name}}  inverted: only when the section would not render
 *   {{>name}}       a partial, looked up through the partial callback
 *   {{! comment}}
 * Names are looked up from the innermost context outwards. */
typedef const char *(*pl_tpl_partial_fn)(const char *name, void *ud);

/* Renders tpl (NUL-terminated) with ctx into out.  Errors (unclosed or
 * mismatched section, unknown partial, too deep) are PARLEY_EDATA with the
 * byte offset in err. */
int pl_tpl_render(pl_buf *out, const char *tpl, json_t *ctx, pl_tpl_partial_fn partial,
                  void *ud, parley_err *err);

/* ------------------------------------------------------------------ */
/* Charts (svg.c)                                                      */
/* ------------------------------------------------------------------ */
/* The two directions of a pair use two Okabe-Ito colours (blue #0072B2
 * and vermillion #D55E00) and are also told apart by position and label. */
typedef struct pl_chart_era {
	const char *label;   /* 'Xi Jinping / Kim Jong-un' */
	double start, end;   /* fractional years (2012.87) */
	int visits;          /* visits in the era, for the era chart */
	const char *href;    /* link to the list of those visits, or NULL */
} pl_chart_era;

typedef struct pl_chart_year {
	int year;
	int n[2];            /* visits per direction: [0] a->b, [1] b->a */
} pl_chart_year;

typedef struct pl_chart_mark {
	double when;         /* fractional year of the start date */
	int dir;             /* 0: a->b, 1: b->a */
	int rank;            /* parley_level_rank of the level, 0..7 */
	const char *label;   /* tooltip text: '1953-11-10 Kim Il-sung (head of state)' */
	const char *href;    /* the visit page */
	const char *note;    /* a point annotation drawn next to the mark ("Kim Jong-un's first"), or NULL */
} pl_chart_mark;

/* A span annotation of the timeline: an interval without visits, drawn as
 * a bracket over the years it covers, its label linked to the visits that
 * open and close it. */
typedef struct pl_chart_span {
	double from, to;     /* fractional years */
	const char *label;   /* '4.3 years without a visit' */
	const char *href;    /* list of the bounding visits, or NULL */
} pl_chart_span;

typedef struct pl_chart {
	const char *id;          /* element id prefix, e.g. 'timeline' */
	const char *title;       /* states the finding */
	const char *subtitle;    /* unit and as-of date */
	const char *desc;        /* the takeaway in words, for screen readers */
	const char *source;      /* source line */
	const char *dir_label[2];/* 'North Korea to China', 'China to North Korea' */
	/* The link to a year's list of visits: a new string the chart frees
	 * with free(), or NULL for no link.  A function, never a printf
	 * pattern, so no format is built from data (a pair code once was). */
	char *(*year_href)(int year, void *ud);
	void *year_ud;
	const pl_chart_era *eras;
	size_t neras;
	const pl_chart_span *spans; /* timeline only */
	size_t nspans;
	int first_year, last_year;
} pl_chart;

/* A bar per year from first_year to last_year (every year, zero years
 * too), stacked by direction, bars from zero, era bands behind.
 * Appends one <svg> element to out. */
int pl_svg_timeline(pl_buf *out, const pl_chart *c, const pl_chart_year *years, size_t nyears);
/* One mark per visit on a time axis, directions in two lanes, radius by
 * level, era bands with the era's visit count. */
int pl_svg_era_marks(pl_buf *out, const pl_chart *c, const pl_chart_mark *marks, size_t nmarks);
/* The era chart past PL_ERA_MARKS_MAX visits, where one mark per visit
 * would be a solid band: one mark per year and direction, its area in
 * proportion to the count, linked to the year's list (c->year_href). */
int pl_svg_era_counts(pl_buf *out, const pl_chart *c, const pl_chart_year *years, size_t nyears);
/* Most visits the era chart draws one by one (docs/charts.md). */
#define PL_ERA_MARKS_MAX 2000

/* ------------------------------------------------------------------ */
/* Embedded static files (assets.c, generated from web/ at build time) */
/* ------------------------------------------------------------------ */
typedef struct pl_asset {
	const char *name;    /* 'style.css', 'templates/visit.mustache' */
	const char *data;
	size_t len;
} pl_asset;
/* NULL when there is no such asset.  Static. */
const pl_asset *pl_asset_find(const char *name);
const pl_asset *pl_asset_at(size_t i);

#endif /* PARLEY_WEB_H */
