/*
 * svg.c - the dashboard's two charts, drawn as standalone SVG.
 *
 * The charts follow the shared docs/CHARTS.md checklist: the title states the
 * finding and the subtitle the unit and as-of date (both supplied by the
 * caller, which knows the numbers); <title> and <desc> for screen readers;
 * bars from zero with the unit on the axis; horizontal text only; an
 * Okabe-Ito palette with grey for context; eras as labelled shaded bands;
 * a source line.  Every figure is a link to the visits behind it.  The SVG
 * carries its own fonts-free styling so a downloaded file prints the same.
 * All data text goes through pl_esc_html (valid for XML text and attributes).
 */
#include "web.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define W 960.0
#define COL_A "#0072B2" /* Okabe-Ito blue */
#define COL_B "#D55E00" /* Okabe-Ito vermillion */
#define GRID "#d9d9d9"
#define INK "#222222"
#define MUTED "#595959"

static const char *const dir_colour[2] = {COL_A, COL_B};

typedef struct frame {
	double x0, x1, y0, y1; /* plot area */
	int first, last;
} frame;

/* The plot area of a time chart H high whose plot starts at y0; 0 when the
 * chart's years are out of order or span more than 500 years. */
static int chart_frame(const pl_chart *c, double y0, double H, frame *f)
{
	if (c->last_year < c->first_year || c->last_year - c->first_year > 500)
		return 0;
	*f = (frame){72, W - 16, y0, H - 64, c->first_year, c->last_year};
	return 1;
}

static double xof(const frame *f, double year)
{
	double n = f->last - f->first + 1;
	return f->x0 + (year - f->first) * (f->x1 - f->x0) / n;
}

/* Width of text in px at 13px, roughly: enough to keep labels apart. */
static double text_w(const char *s, double px)
{
	size_t chars = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p & 0xc0) != 0x80)
			chars++;
	return (double)chars * px * 0.55;
}

/* Text styles as presentation attributes, not CSS: the page's
 * Content-Security-Policy forbids inline <style>, and attributes also
 * survive when the SVG is downloaded or embedded elsewhere. */
static const char *text_attrs(const char *cls)
{
	if (strcmp(cls, "ct") == 0)
		return " font-size=\"19\" font-weight=\"700\"";
	if (strcmp(cls, "cs") == 0)
		return " fill=\"" MUTED "\"";
	if (strcmp(cls, "ax") == 0)
		return " fill=\"" MUTED "\" font-size=\"12\"";
	if (strcmp(cls, "src") == 0)
		return " fill=\"" MUTED "\" font-size=\"11.5\"";
	if (strcmp(cls, "el") == 0)
		return " fill=\"#404040\" font-size=\"11.5\"";
	return "";
}

static int put_text(pl_buf *b, double x, double y, const char *cls, const char *s)
{
	int rc = pl_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" class=\"%s\"%s>", x, y, cls, text_attrs(cls));
	if (rc == PARLEY_OK)
		rc = pl_esc_html(b, s);
	if (rc == PARLEY_OK)
		rc = pl_buf_puts(b, "</text>\n");
	return rc;
}

/* Opens a link around what follows when there is one (href NULL: nothing);
 * the caller closes it with "</a>" on the same condition. */
static int link_open(pl_buf *b, const char *href)
{
	if (!href)
		return PARLEY_OK;
	int rc = pl_buf_puts(b, "<a href=\"");
	if (rc == PARLEY_OK)
		rc = pl_esc_html(b, href);
	return rc == PARLEY_OK ? pl_buf_puts(b, "\">") : rc;
}

static int open_svg(pl_buf *b, const pl_chart *c, double h)
{
	int rc = pl_buf_printf(b,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"%s\" viewBox=\"0 0 %.0f %.0f\" "
	    "aria-labelledby=\"%s-t %s-d\" preserveAspectRatio=\"xMinYMin meet\">\n",
	    c->id, W, h, c->id, c->id);
	if (rc == PARLEY_OK)
		rc = pl_buf_printf(b, "<title id=\"%s-t\">", c->id);
	if (rc == PARLEY_OK)
		rc = pl_esc_html(b, c->title);
	if (rc == PARLEY_OK)
		rc = pl_buf_printf(b, "</title>\n<desc id=\"%s-d\">", c->id);
	if (rc == PARLEY_OK)
		rc = pl_esc_html(b, c->desc);
	if (rc == PARLEY_OK)
		rc = pl_buf_puts(b,
		    "</desc>\n<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n"
		    "<g font-family=\"system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif\" "
		    "font-size=\"13\" fill=\"" INK "\">\n");
	if (rc == PARLEY_OK) {
		/* A long title gets a smaller font rather than running off the edge. */
		double px = 19;
		if (text_w(c->title, 19) * 1.08 > W - 32)
			px = (W - 32) / (text_w(c->title, 1) * 1.08);
		if (px < 13)
			px = 13;
		rc = pl_buf_printf(b, "<text x=\"16\" y=\"28\" class=\"ct\" font-size=\"%.1f\" font-weight=\"700\">", px);
		if (rc == PARLEY_OK)
			rc = pl_esc_html(b, c->title);
		if (rc == PARLEY_OK)
			rc = pl_buf_puts(b, "</text>\n");
	}
	if (rc == PARLEY_OK && c->subtitle)
		rc = put_text(b, 16, 50, "cs", c->subtitle);
	return rc;
}

static int legend(pl_buf *b, const pl_chart *c, double y, int circles)
{
	double x = 16;
	int rc = PARLEY_OK;
	for (int d = 0; d < 2 && rc == PARLEY_OK; d++) {
		const char *lab = c->dir_label[d] ? c->dir_label[d] : (d ? "B to A" : "A to B");
		if (circles)
			rc = pl_buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"6\" fill=\"%s\"/>", x + 6,
			                   y - 4, dir_colour[d]);
		else
			rc = pl_buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"%s\"/>",
			                   x, y - 10, dir_colour[d]);
		if (rc == PARLEY_OK)
			rc = put_text(b, x + 18, y, "lg", lab);
		x += 18 + text_w(lab, 13) + 24;
	}
	return rc;
}

/* Era bands: alternate light greys; labels placed greedily on two rows
 * above the plot so that narrow eras do not overprint their neighbours.
 * A label that fits nowhere is left to the band's <title> tooltip. */
/* Places era labels on two rows above the plot: the widest eras choose
 * first, and a label goes on the first row where it overlaps no label
 * already placed.  A label that fits nowhere is left to the band's
 * <title> tooltip. */
static int era_labels(pl_buf *b, const pl_chart *c, const frame *f, int counts)
{
	enum { MAXL = 64 };
	double occ[2][MAXL][2];
	int nocc[2] = {0, 0};
	int done[MAXL] = {0};
	size_t n = c->neras < MAXL ? c->neras : MAXL;
	int rc = PARLEY_OK;
	for (size_t step = 0; step < n && rc == PARLEY_OK; step++) {
		/* the widest era not yet considered */
		size_t best = n;
		double bw = -1;
		for (size_t i = 0; i < n; i++) {
			double w = c->eras[i].end - c->eras[i].start;
			if (!done[i] && w > bw) {
				bw = w;
				best = i;
			}
		}
		done[best] = 1;
		const pl_chart_era *e = &c->eras[best];
		double s = e->start < f->first ? f->first : e->start;
		double en = e->end > f->last + 1 ? f->last + 1 : e->end;
		if (en <= s)
			continue;
		char lab[256];
		if (counts)
			snprintf(lab, sizeof lab, "%s (%d)", e->label ? e->label : "", e->visits);
		else
			pl_strlcpy(lab, e->label ? e->label : "", sizeof lab);
		double xa = xof(f, s) + 3, w = text_w(lab, 11.5);
		if (xa + w > f->x1 + 8)
			xa = f->x1 + 8 - w; /* near the right edge: end-align with the plot */
		for (int r = 0; r < 2; r++) {
			int clash = 0;
			for (int k = 0; k < nocc[r] && !clash; k++)
				clash = xa < occ[r][k][1] + 8 && occ[r][k][0] < xa + w + 8;
			if (clash || nocc[r] >= MAXL)
				continue;
			occ[r][nocc[r]][0] = xa;
			occ[r][nocc[r]][1] = xa + w;
			nocc[r]++;
			rc = link_open(b, e->href);
			if (rc == PARLEY_OK)
				rc = put_text(b, xa, f->y0 - 22 + 13 * r, "el", lab);
			if (rc == PARLEY_OK && e->href)
				rc = pl_buf_puts(b, "</a>");
			break;
		}
	}
	return rc;
}

/* Era bands: alternate light greys behind the plot, then their labels. */
static int era_bands(pl_buf *b, const pl_chart *c, const frame *f, int counts)
{
	int rc = PARLEY_OK;
	for (size_t i = 0; i < c->neras && rc == PARLEY_OK; i++) {
		const pl_chart_era *e = &c->eras[i];
		double s = e->start < f->first ? f->first : e->start;
		double en = e->end > f->last + 1 ? f->last + 1 : e->end;
		if (en <= s)
			continue;
		double xa = xof(f, s), xb = xof(f, en);
		rc = pl_buf_printf(b, "<g class=\"era\"><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>",
		                   xa, f->y0 - 34, xb - xa, f->y1 - f->y0 + 34, i % 2 ? "#f4f4f4" : "#e6e6e6");
		if (rc == PARLEY_OK)
			rc = pl_buf_puts(b, "<title>");
		if (rc == PARLEY_OK)
			rc = pl_esc_html(b, e->label);
		if (rc == PARLEY_OK && counts)
			rc = pl_buf_printf(b, ": %d visit%s", e->visits, e->visits == 1 ? "" : "s");
		if (rc == PARLEY_OK)
			rc = pl_buf_puts(b, "</title></g>\n");
	}
	return rc == PARLEY_OK ? era_labels(b, c, f, counts) : rc;
}

static int year_axis(pl_buf *b, const frame *f)
{
	int n = f->last - f->first + 1;
	int step = n <= 12 ? 1 : n <= 40 ? 5 : 10;
	int rc = pl_buf_printf(b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"" INK "\"/>\n",
	                       f->x0, f->x1, f->y1, f->y1);
	for (int y = f->first; y <= f->last && rc == PARLEY_OK; y++) {
		if (y % step != 0 && !(step == 1))
			continue;
		double x = xof(f, y + 0.5);
		char t[16];
		snprintf(t, sizeof t, "%d", y);
		rc = pl_buf_printf(b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"" INK "\"/>"
		                      "<text x=\"%.1f\" y=\"%.1f\" class=\"ax\" fill=\"" MUTED "\" font-size=\"12\" text-anchor=\"middle\">%s</text>\n",
		                   x, x, f->y1, f->y1 + 5, x, f->y1 + 19, t);
	}
	return rc;
}

static int source_line(pl_buf *b, const pl_chart *c, double y)
{
	if (!c->source)
		return PARLEY_OK;
	char s[600];
	snprintf(s, sizeof s, "Source: %s", c->source);
	return put_text(b, 16, y, "src", s);
}

/* A "nice" tick step giving at most about five intervals. */
static int nice_step(int max)
{
	static const int steps[] = {1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000};
	for (size_t i = 0; i < PL_ARRAY_LEN(steps); i++)
		if (max <= steps[i] * 5)
			return steps[i];
	return (max / 5 / 1000 + 1) * 1000;
}

/* Annotation text: dark, with a white halo (paint-order) so that it stays
 * readable where it crosses a bar, a mark or an era band. */
static int note_text(pl_buf *b, double x, double y, const char *anchor, const char *s, const char *href)
{
	int rc = PARLEY_OK;
	if (href) {
		rc = pl_buf_puts(b, "<a href=\"");
		if (rc == PARLEY_OK)
			rc = pl_esc_html(b, href);
		if (rc == PARLEY_OK)
			rc = pl_buf_puts(b, "\">");
	}
	if (rc == PARLEY_OK)
		rc = pl_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" class=\"note\" text-anchor=\"%s\" font-size=\"12\" "
		                      "font-weight=\"600\" fill=\"" INK "\" stroke=\"#fff\" stroke-width=\"3\" "
		                      "paint-order=\"stroke\" stroke-linejoin=\"round\">", x, y, anchor);
	if (rc == PARLEY_OK)
		rc = pl_esc_html(b, s);
	if (rc == PARLEY_OK)
		rc = pl_buf_puts(b, href ? "</text></a>\n" : "</text>\n");
	return rc;
}

/* A bracket over an interval without visits, just above the taller bar at
 * either end, with its label centred over it (kept inside the plot). */
static int span_note(pl_buf *b, const frame *f, const pl_chart_span *sp, const pl_chart_year *years,
                     size_t nyears, double ppu)
{
	double from = sp->from < f->first ? f->first : sp->from;
	double to = sp->to > f->last + 1 ? f->last + 1 : sp->to;
	if (to <= from)
		return PARLEY_OK;
	int tallest = 0;
	for (size_t i = 0; i < nyears; i++)
		if (years[i].year >= (int)floor(from) && years[i].year <= (int)floor(to) &&
		    years[i].n[0] + years[i].n[1] > tallest)
			tallest = years[i].n[0] + years[i].n[1];
	double xa = xof(f, from), xb = xof(f, to);
	double tx = (xa + xb) / 2, w = text_w(sp->label, 12) * 1.1;
	if (tx - w / 2 < f->x0 + 2)
		tx = f->x0 + 2 + w / 2;
	if (tx + w / 2 > f->x1 - 2)
		tx = f->x1 - 2 - w / 2;
	double y = f->y1 - tallest * ppu - 12;
	/* the label (about 14 px above the bracket) also clears the bars it spans */
	for (size_t i = 0; i < nyears; i++) {
		double bx = xof(f, years[i].year), bx1 = xof(f, years[i].year + 1);
		double top = f->y1 - (years[i].n[0] + years[i].n[1]) * ppu;
		if (bx1 > tx - w / 2 && bx < tx + w / 2 && top + 3 < y)
			y = top + 3; /* the baseline (y - 6) sits 3 px above the bar */
	}
	if (y < f->y0 + 24)
		y = f->y0 + 24;
	int rc = pl_buf_printf(b, "<g class=\"span-note\"><path d=\"M%.1f %.1fV%.1fH%.1fV%.1f\" fill=\"none\" "
	                          "stroke=\"" INK "\" stroke-width=\"1.5\"/></g>\n",
	                       xa, y + 6, y, xb, y + 6);
	return rc == PARLEY_OK ? note_text(b, tx, y - 6, "middle", sp->label, sp->href) : rc;
}

/* What every time chart ends with: the year axis, the source line, and the
 * closing of the plot group and the SVG. */
static int chart_foot(pl_buf *out, const pl_chart *c, const frame *f, double H)
{
	int rc = year_axis(out, f);
	if (rc == PARLEY_OK)
		rc = source_line(out, c, H - 14);
	if (rc == PARLEY_OK)
		rc = pl_buf_puts(out, "</g></svg>\n");
	return rc;
}

int pl_svg_timeline(pl_buf *out, const pl_chart *c, const pl_chart_year *years, size_t nyears)
{
	const double H = 440;
	frame f;
	if (!chart_frame(c, 132, H, &f))
		return PARLEY_EINVAL;
	int n = f.last - f.first + 1;
	int max = 1;
	for (size_t i = 0; i < nyears; i++)
		if (years[i].n[0] + years[i].n[1] > max)
			max = years[i].n[0] + years[i].n[1];
	int step = nice_step(max);
	int top = ((max + step - 1) / step) * step;
	double ppu = (f.y1 - f.y0) / top; /* pixels per visit */

	int rc = open_svg(out, c, H);
	if (rc == PARLEY_OK)
		rc = legend(out, c, 76, 0);
	if (rc == PARLEY_OK)
		rc = era_bands(out, c, &f, 0);
	/* Grid and value axis: bars start at zero; the unit is on the top label. */
	for (int v = 0; v <= top && rc == PARLEY_OK; v += step) {
		double y = f.y1 - v * ppu;
		char t[32];
		if (v == top)
			snprintf(t, sizeof t, "%d visits", v);
		else
			snprintf(t, sizeof t, "%d", v);
		rc = pl_buf_printf(out, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>"
		                        "<text x=\"%.1f\" y=\"%.1f\" class=\"ax\" fill=\"" MUTED "\" font-size=\"12\" text-anchor=\"end\">%s</text>\n",
		                   f.x0, f.x1, y, y, v ? GRID : INK, f.x0 - 6, y + 4, t);
	}
	double bw = (f.x1 - f.x0) / n;
	double barw = bw > 3 ? bw * 0.78 : bw;
	size_t k = 0;
	for (int y = f.first; y <= f.last && rc == PARLEY_OK; y++) {
		int cnt[2] = {0, 0};
		while (k < nyears && years[k].year < y)
			k++;
		if (k < nyears && years[k].year == y) {
			cnt[0] = years[k].n[0];
			cnt[1] = years[k].n[1];
		}
		double x = xof(&f, y);
		char *href = c->year_href ? c->year_href(y, c->year_ud) : NULL;
		rc = link_open(out, href);
		if (rc == PARLEY_OK)
			rc = pl_buf_printf(out, "<g class=\"yr\" data-year=\"%d\" data-n0=\"%d\" data-n1=\"%d\">"
			                        "<title>%d: %d visit%s (",
			                   y, cnt[0], cnt[1], y, cnt[0] + cnt[1], cnt[0] + cnt[1] == 1 ? "" : "s");
		if (rc == PARLEY_OK)
			rc = pl_buf_printf(out, "%d ", cnt[0]);
		if (rc == PARLEY_OK)
			rc = pl_esc_html(out, c->dir_label[0]);
		if (rc == PARLEY_OK)
			rc = pl_buf_printf(out, ", %d ", cnt[1]);
		if (rc == PARLEY_OK)
			rc = pl_esc_html(out, c->dir_label[1]);
		if (rc == PARLEY_OK)
			rc = pl_buf_printf(out, ")</title><rect class=\"hit\" fill=\"transparent\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>",
			                   x, f.y0, bw, f.y1 - f.y0);
		double base = f.y1;
		for (int d = 0; d < 2 && rc == PARLEY_OK; d++) {
			if (!cnt[d])
				continue;
			double h = cnt[d] * ppu;
			rc = pl_buf_printf(out, "<rect class=\"bar d%d\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>",
			                   d, x + (bw - barw) / 2, base - h, barw, h, dir_colour[d]);
			base -= h;
		}
		if (rc == PARLEY_OK)
			rc = pl_buf_puts(out, href ? "</g></a>\n" : "</g>\n");
		free(href);
	}
	for (size_t i = 0; i < c->nspans && rc == PARLEY_OK; i++)
		rc = span_note(out, &f, &c->spans[i], years, nyears, ppu);
	return rc == PARLEY_OK ? chart_foot(out, c, &f, H) : rc;
}

/* Mark radius by level rank (0 unknown .. 7 paramount leader): area grows
 * with rank, and an unknown level is the smallest, never zero. */
static double radius(int rank)
{
	if (rank < 0)
		rank = 0;
	if (rank > 7)
		rank = 7;
	return 2.5 + sqrt((double)rank) * 2.2;
}

/* Mark radius of an aggregated mark: area in proportion to its count,
 * the largest count of the chart at 15 px. */
static double count_radius(long n, long max)
{
	return max > 0 ? 1.5 + 13.5 * sqrt((double)n / (double)max) : 1.5;
}

/* What the era charts share: legend, size key (levels, or counts up to
 * max_count when max_count > 0), era bands, and the two labelled lanes. */
static int era_head(pl_buf *out, const pl_chart *c, const frame *f, double lane_h, double H,
                    long max_count)
{
	int rc = open_svg(out, c, H);
	if (rc == PARLEY_OK)
		rc = legend(out, c, 76, 1);
	/* Size key: three reference levels, or three counts. */
	static const struct { int rank; const char *name; } key[] = {
	    {7, "paramount leader"}, {5, "head of government"}, {2, "ministerial"}, {0, "unknown"}};
	double kx = 16;
	if (rc == PARLEY_OK)
		rc = put_text(out, kx, 102, "lg", max_count > 0 ? "Size shows visits in the year:" : "Size shows level:");
	kx += max_count > 0 ? 196 : 122;
	long counts[3] = {max_count, max_count / 4 > 1 ? max_count / 4 : 1, 1};
	for (size_t i = 0; i < (max_count > 0 ? 3 : PL_ARRAY_LEN(key)) && rc == PARLEY_OK; i++) {
		char name[32];
		if (max_count > 0)
			snprintf(name, sizeof name, "%ld", counts[i]);
		double r = max_count > 0 ? count_radius(counts[i], max_count) : radius(key[i].rank);
		rc = pl_buf_printf(out, "<circle cx=\"%.1f\" cy=\"97\" r=\"%.1f\" fill=\"none\" stroke=\"" INK "\"/>",
		                   kx + r, r);
		const char *label = max_count > 0 ? name : key[i].name;
		if (rc == PARLEY_OK)
			rc = put_text(out, kx + 2 * r + 5, 102, "lg", label);
		kx += 2 * r + 5 + text_w(label, 13) + 18;
	}
	if (rc == PARLEY_OK)
		rc = era_bands(out, c, f, 1);
	/* Lanes, each with a direct label, so colour is not the only cue. */
	for (int d = 0; d < 2 && rc == PARLEY_OK; d++) {
		double ly = f->y0 + d * lane_h;
		rc = pl_buf_printf(out, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>",
		                   f->x0, f->x1, ly + lane_h / 2, ly + lane_h / 2, GRID);
		if (rc == PARLEY_OK)
			rc = put_text(out, f->x0 + 4, ly + 14, "lg", c->dir_label[d] ? c->dir_label[d] : "");
	}
	return rc;
}

int pl_svg_era_counts(pl_buf *out, const pl_chart *c, const pl_chart_year *years, size_t nyears)
{
	const double H = 470;
	frame f;
	if (!chart_frame(c, 150, H, &f))
		return PARLEY_EINVAL;
	double lane_h = (f.y1 - f.y0) / 2;
	long max = 0;
	for (size_t i = 0; i < nyears; i++)
		for (int d = 0; d < 2; d++)
			if (years[i].n[d] > max)
				max = years[i].n[d];
	int rc = era_head(out, c, &f, lane_h, H, max > 0 ? max : 1);
	for (size_t i = 0; i < nyears && rc == PARLEY_OK; i++)
		for (int d = 0; d < 2 && rc == PARLEY_OK; d++) {
			int n = years[i].n[d];
			if (n <= 0)
				continue;
			double x = xof(&f, years[i].year + 0.5), y = f.y0 + d * lane_h + lane_h / 2 + 6;
			char *href = c->year_href ? c->year_href(years[i].year, c->year_ud) : NULL;
			rc = link_open(out, href);
			if (rc == PARLEY_OK)
				rc = pl_buf_printf(out, "<circle class=\"mark d%d\" cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\" "
				                        "fill-opacity=\"0.7\" stroke=\"#fff\" stroke-width=\"0.8\"><title>%d: %d visit%s, ",
				                   d, x, y, count_radius(n, max), dir_colour[d], years[i].year, n, n == 1 ? "" : "s");
			if (rc == PARLEY_OK)
				rc = pl_esc_html(out, c->dir_label[d] ? c->dir_label[d] : "");
			if (rc == PARLEY_OK)
				rc = pl_buf_puts(out, href ? "</title></circle></a>\n" : "</title></circle>\n");
			free(href);
		}
	return rc == PARLEY_OK ? chart_foot(out, c, &f, H) : rc;
}

int pl_svg_era_marks(pl_buf *out, const pl_chart *c, const pl_chart_mark *marks, size_t nmarks)
{
	const double H = 470;
	frame f;
	if (!chart_frame(c, 150, H, &f))
		return PARLEY_EINVAL;
	double lane_h = (f.y1 - f.y0) / 2;
	int rc = era_head(out, c, &f, lane_h, H, 0);
	/* Marks: a simple dodge stacks marks of one lane that would overlap.
	 * Only the marks in the neighbouring columns (BUCKET px, wider than two
	 * of the largest marks) are checked, and a column so full that the lane
	 * cannot hold more stops dodging, so the cost stays linear in marks. */
	typedef struct { double x, y, r; } placed;
	enum { BUCKET = 18, NB = (int)(W / BUCKET) + 2, FULL = 160 };
	placed *pl = calloc(nmarks ? nmarks : 1, sizeof *pl);
	size_t *next = calloc(nmarks ? nmarks : 1, sizeof *next); /* chain of a column's marks */
	size_t head[2][NB], count[2][NB];
	if (!pl || !next) {
		free(pl);
		free(next);
		return PARLEY_ENOMEM;
	}
	for (int d = 0; d < 2; d++)
		for (int k = 0; k < NB; k++)
			head[d][k] = SIZE_MAX, count[d][k] = 0;
	for (size_t i = 0; i < nmarks && rc == PARLEY_OK; i++) {
		const pl_chart_mark *m = &marks[i];
		int d = m->dir ? 1 : 0;
		double r = radius(m->rank);
		double x = xof(&f, m->when);
		double mid = f.y0 + d * lane_h + lane_h / 2 + 6;
		double y = mid;
		int col = (int)(x / BUCKET);
		if (col < 1)
			col = 1;
		if (col > NB - 2)
			col = NB - 2;
		size_t near = count[d][col - 1] + count[d][col] + count[d][col + 1];
		for (int t = 0; t < 40 && near < FULL; t++) {
			double off = ((t + 1) / 2) * 5.0 * (t % 2 ? -1 : 1);
			y = mid + off;
			int hit = 0;
			for (int k = col - 1; k <= col + 1 && !hit; k++)
				for (size_t j = head[d][k]; j != SIZE_MAX && !hit; j = next[j]) {
					double dx = pl[j].x - x, dy = pl[j].y - y, rr = pl[j].r + r + 0.8;
					hit = dx * dx + dy * dy < rr * rr;
				}
			if (!hit)
				break;
		}
		next[i] = head[d][col];
		head[d][col] = i;
		count[d][col]++;
		double lo = f.y0 + d * lane_h + 20 + r, hi = f.y0 + (d + 1) * lane_h - r - 2;
		if (y < lo)
			y = lo;
		if (y > hi)
			y = hi;
		pl[i] = (placed){x, y, r};
		if (m->href) {
			rc = pl_buf_puts(out, "<a href=\"");
			if (rc == PARLEY_OK)
				rc = pl_esc_html(out, m->href);
			if (rc == PARLEY_OK)
				rc = pl_buf_puts(out, "\">");
		}
		if (rc == PARLEY_OK)
			rc = pl_buf_printf(out, "<circle class=\"mark d%d\" cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\" "
			                        "fill-opacity=\"0.8\" stroke=\"#fff\" stroke-width=\"0.8\"><title>",
			                   d, x, y, r, dir_colour[d]);
		if (rc == PARLEY_OK)
			rc = pl_esc_html(out, m->label);
		if (rc == PARLEY_OK)
			rc = pl_buf_puts(out, m->href ? "</title></circle></a>\n" : "</title></circle>\n");
	}
	/* Point annotations (firsts): a ring round the mark and a label in the
	 * lane's top rows, placed greedily so that labels do not overprint. */
	enum { MAXN = 64, ROWS = 3 };
	double occ[2][ROWS][MAXN][2];
	int nocc[2][ROWS] = {{0, 0, 0}, {0, 0, 0}};
	for (int d = 0; d < 2; d++) { /* the lane's own label holds the first row's left end */
		occ[d][0][0][0] = f.x0;
		occ[d][0][0][1] = f.x0 + 4 + text_w(c->dir_label[d] ? c->dir_label[d] : "", 13);
		nocc[d][0] = 1;
	}
	for (size_t i = 0; i < nmarks && rc == PARLEY_OK; i++) {
		const pl_chart_mark *m = &marks[i];
		if (!m->note)
			continue;
		int d = m->dir ? 1 : 0;
		double ly = f.y0 + d * lane_h;
		rc = pl_buf_printf(out, "<circle class=\"note-ring\" cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"none\" "
		                        "stroke=\"" INK "\" stroke-width=\"1.5\"/>", pl[i].x, pl[i].y, pl[i].r + 2.5);
		double w = text_w(m->note, 12) * 1.1;
		int placed_note = 0;
		/* rows top down; in each, the label starts at the mark, else ends there */
		for (int at = 0; at < 2 * ROWS && rc == PARLEY_OK && !placed_note; at++) {
			int r = at / 2;
			double tx = at % 2 ? pl[i].x + 4 - w : pl[i].x - 4;
			if (tx + w > f.x1)
				tx = f.x1 - w;
			if (tx < f.x0)
				tx = f.x0;
			int clash = 0;
			for (int k = 0; k < nocc[d][r] && !clash; k++)
				clash = tx < occ[d][r][k][1] + 6 && occ[d][r][k][0] < tx + w + 6;
			if (clash || nocc[d][r] >= MAXN)
				continue;
			occ[d][r][nocc[d][r]][0] = tx;
			occ[d][r][nocc[d][r]][1] = tx + w;
			nocc[d][r]++;
			double ty = ly + 14 + 14 * r;
			rc = pl_buf_printf(out, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"" INK "\"/>",
			                   pl[i].x, pl[i].x, ty + 3, pl[i].y - pl[i].r - 2.5);
			if (rc == PARLEY_OK)
				rc = note_text(out, tx, ty, "start", m->note, m->href);
			placed_note = 1;
		}
		/* no room: the ring stays, and the mark's tooltip names the first */
	}
	free(pl);
	free(next);
	return rc == PARLEY_OK ? chart_foot(out, c, &f, H) : rc;
}
