/*
 * newsletter.c - `parley brief newsletter --since DATE`: a digest of the
 * briefs published since a date, as e-mail takes it.
 *
 * E-mail clients strip <style> blocks and scripts and block remote images
 * by default, and none shows SVG; so the HTML has inline styles only, a
 * single 600 px table column, no script and no remote resource, and each
 * chart is a PNG file beside it (drawn in process, src/web/png.c) linked by
 * its relative name, which a mailer attaches or a host serves.  The plain
 * text part says the same in words.  Everything comes from the published
 * briefs' ledgers, so the digest shows what the pages show.
 */
#include "brief.h"
#include "../web/web.h"
#include "../web/png.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define NL_FONT "font-family:Georgia,'Times New Roman',serif;"
#define NL_SANS "font-family:Arial,Helvetica,sans-serif;"

static int mkdir_p(const char *dir, parley_err *err)
{
	char tmp[4096];
	if (pl_strlcpy(tmp, dir, sizeof tmp) >= sizeof tmp)
		return parley_err_set(err, PARLEY_ELIMIT, "newsletter: path too long: %s", dir);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
			return parley_err_set(err, PARLEY_EIO, "newsletter: cannot create %s: %s", tmp, strerror(errno));
		*p = '/';
	}
	if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
		return parley_err_set(err, PARLEY_EIO, "newsletter: cannot create %s: %s", tmp, strerror(errno));
	return PARLEY_OK;
}

static int write_out(const char *dir, const char *name, const char *data, size_t n, parley_err *err)
{
	char path[4096];
	if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
		return parley_err_set(err, PARLEY_ELIMIT, "newsletter: path too long: %s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f)
		return parley_err_set(err, PARLEY_EIO, "newsletter: cannot write %s: %s", path, strerror(errno));
	size_t w = fwrite(data, 1, n, f);
	if (fclose(f) != 0 || w != n)
		return parley_err_set(err, PARLEY_EIO, "newsletter: writing %s failed", path);
	return PARLEY_OK;
}

/* "Mira Han and Tomas Reyes" into b (plain text). */
static void byline(parley_db *db, const pl_brief *b, pl_buf *out)
{
	for (size_t i = 0; i < b->meta.authors.n; i++) {
		char *n = NULL, *r = NULL, *bio = NULL;
		const char *name = b->meta.authors.v[i];
		if (pl_brief_author_get(db, name, &n, &r, &bio, NULL) == PARLEY_OK && n)
			name = n;
		pl_buf_printf(out, "%s%s", i == 0 ? "" : i + 1 == b->meta.authors.n ? " and " : ", ", name);
		free(n);
		free(r);
		free(bio);
	}
}

/* Plain text wrapped at 72 columns. */
static void wrap(pl_buf *o, const char *s)
{
	size_t col = 0;
	while (*s) {
		while (*s == ' ')
			s++;
		size_t w = strcspn(s, " ");
		if (!w)
			break;
		if (col && col + 1 + w > 72) {
			pl_buf_putc(o, '\n');
			col = 0;
		} else if (col) {
			pl_buf_putc(o, ' ');
			col++;
		}
		pl_buf_append(o, s, w);
		col += w;
		s += w;
	}
	pl_buf_putc(o, '\n');
}

/* One brief into the HTML (h) and text (t) parts, and its charts as PNG
 * files in dir. */
static int one_brief(parley_db *db, const pl_brief *b, const char *dir, const char *base,
                     pl_buf *h, pl_buf *t, parley_err *err)
{
	const pl_brief_meta *m = &b->meta;
	char dw[40], url[1200];
	pl_date_words(b->published ? b->published : m->date, dw, sizeof dw);
	pl_buf u;
	pl_buf_init(&u, 0);
	pl_buf_printf(&u, "%sbriefs/", base ? base : "/");
	pl_esc_url(&u, b->id);
	if (base)
		pl_buf_puts(&u, ".html");
	pl_strlcpy(url, u.data ? u.data : "", sizeof url);
	pl_buf_free(&u);
	pl_buf by;
	pl_buf_init(&by, 0);
	pl_buf_puts(&by, "");
	byline(db, b, &by);

	pl_buf_puts(h, "<tr><td style=\"padding:24px 0;border-top:1px solid #d9d9d9;\">\n<p style=\"" NL_SANS
	               "font-size:12px;letter-spacing:.04em;text-transform:uppercase;color:#595959;margin:0 0 6px;\">");
	if (m->series) {
		pl_esc_html(h, m->series);
		pl_buf_puts(h, " &middot; ");
	}
	pl_esc_html(h, dw);
	pl_buf_puts(h, "</p>\n<h2 style=\"" NL_FONT "font-size:24px;line-height:1.25;margin:0 0 8px;\"><a href=\"");
	pl_esc_html(h, url);
	pl_buf_puts(h, "\" style=\"color:#1a1a1a;text-decoration:none;\">");
	pl_esc_html(h, m->title);
	pl_buf_puts(h, "</a></h2>\n<p style=\"" NL_SANS "font-size:13px;color:#595959;margin:0 0 12px;\">By ");
	pl_esc_html(h, by.data);
	pl_buf_puts(h, "</p>\n<p style=\"" NL_FONT "font-size:17px;line-height:1.5;color:#1a1a1a;margin:0 0 16px;\">");
	pl_esc_html(h, m->summary);
	pl_buf_puts(h, "</p>\n");

	if (m->series)
		pl_buf_printf(t, "%s · ", m->series);
	pl_buf_printf(t, "%s\n%s\nBy %s\n\n", dw, m->title, by.data);
	wrap(t, m->summary);
	pl_buf_free(&by);

	int rc = PARLEY_OK;
	long k = 0;
	for (size_t i = 0; i < b->nfigs && rc == PARLEY_OK; i++) {
		const pl_figure *f = &b->figs[i];
		if (!f->svg)
			continue;
		char name[300];
		snprintf(name, sizeof name, "%s-chart-%ld.png", b->id, ++k);
		pl_buf png;
		pl_buf_init(&png, 64u << 20);
		rc = pl_svg_png(f->svg, strlen(f->svg), PL_PNG_WIDTH, &png, err);
		if (rc == PARLEY_OK)
			rc = write_out(dir, name, png.data, png.len, err);
		pl_buf_free(&png);
		pl_buf_puts(h, "<p style=\"margin:0 0 16px;\"><img src=\"");
		pl_esc_html(h, name);
		pl_buf_puts(h, "\" width=\"600\" alt=\"");
		pl_esc_html(h, f->value);
		pl_buf_puts(h, "\" style=\"display:block;width:100%;max-width:600px;height:auto;border:0;\"></p>\n");
		pl_buf_printf(t, "\nChart: %s (%s)\n", f->value, name);
	}
	pl_buf_puts(h, "<p style=\"" NL_SANS "font-size:15px;margin:0;\"><a href=\"");
	pl_esc_html(h, url);
	pl_buf_puts(h, "\" style=\"color:#0b5cad;\">Read the brief, with every figure linked to its visits</a></p>\n</td></tr>\n");
	pl_buf_printf(t, "\nRead it: %s\n\n", url);
	return rc;
}

int parley_brief_newsletter(parley_db *db, const char *since, const char *out_dir,
                            const char *base_url, long *count, parley_err *err)
{
	parley_date d;
	if (!since || strlen(since) > 10 || parley_date_parse(since, strlen(since), &d, NULL) != PARLEY_OK)
		return parley_err_set(err, PARLEY_EINVAL,
		                      "newsletter: --since '%.40s' is not a date (expected YYYY-MM-DD, YYYY-MM or YYYY)",
		                      since ? since : "");
	char from[11];
	parley_date_format(parley_date_from_day(parley_date_first_day(d)), from, sizeof from);
	if (base_url && (!*base_url || base_url[strlen(base_url) - 1] != '/'))
		return parley_err_set(err, PARLEY_EINVAL, "newsletter: --url '%.200s' must end with '/'", base_url);
	if (!out_dir || !*out_dir)
		return parley_err_set(err, PARLEY_EINVAL, "newsletter: an output folder is needed");
	pl_strlist ids;
	int rc = pl_brief_published(db, &ids, err);
	if (rc)
		return rc;
	rc = mkdir_p(out_dir, err);
	pl_buf h, t;
	pl_buf_init(&h, 64u << 20);
	pl_buf_init(&t, 64u << 20);
	char fw[40];
	pl_date_words(from, fw, sizeof fw);
	pl_buf_puts(&h, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	                "<meta name=\"viewport\" content=\"width=device-width\">\n<title>Briefs since ");
	pl_esc_html(&h, fw);
	pl_buf_puts(&h, "</title></head>\n<body style=\"margin:0;padding:0;background:#f4f4f4;\">\n"
	                "<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" "
	                "style=\"background:#f4f4f4;\"><tr><td align=\"center\" style=\"padding:24px 12px;\">\n"
	                "<table role=\"presentation\" width=\"600\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" "
	                "style=\"width:100%;max-width:600px;background:#ffffff;padding:0 24px;\">\n"
	                "<tr><td style=\"padding:24px 0 8px;\"><h1 style=\"" NL_FONT
	                "font-size:28px;margin:0;color:#1a1a1a;\">Briefs</h1><p style=\"" NL_SANS
	                "font-size:14px;color:#595959;margin:4px 0 0;\">Published since ");
	pl_esc_html(&h, fw);
	pl_buf_puts(&h, "</p></td></tr>\n");
	pl_buf_printf(&t, "Briefs published since %s\n\n", fw);
	long n = 0;
	for (size_t i = 0; i < ids.n; i++) {
		pl_brief b;
		if (rc == PARLEY_OK && (rc = pl_brief_load(db, ids.v[i], 1, &b, err)) == PARLEY_OK) {
			if (b.published && strcmp(b.published, from) >= 0) {
				rc = one_brief(db, &b, out_dir, base_url, &h, &t, err);
				n++;
			}
			pl_brief_free(&b);
		}
		free(ids.v[i]);
	}
	free(ids.v);
	if (n == 0) {
		pl_buf_puts(&h, "<tr><td style=\"padding:24px 0;" NL_SANS "font-size:15px;\">No brief has been published since then.</td></tr>\n");
		pl_buf_puts(&t, "No brief has been published since then.\n");
	}
	pl_buf_printf(&h, "<tr><td style=\"padding:16px 0 24px;border-top:1px solid #d9d9d9;" NL_SANS
	                  "font-size:12px;color:#595959;\">%ld brief%s. Every figure in a brief is computed from the "
	                  "records as of its date; corrections are shown at the foot of its page.</td></tr>\n"
	                  "</table>\n</td></tr></table>\n</body></html>\n",
	              n, n == 1 ? "" : "s");
	pl_buf_printf(&t, "-- \n%ld brief%s. Every figure in a brief is computed from the records as of\n"
	                  "its date; corrections are shown at the foot of its page.\n",
	              n, n == 1 ? "" : "s");
	if (rc == PARLEY_OK && (!h.data || !t.data))
		rc = parley_err_set(err, PARLEY_ENOMEM, "newsletter: out of memory");
	if (rc == PARLEY_OK)
		rc = write_out(out_dir, "newsletter.html", h.data, h.len, err);
	if (rc == PARLEY_OK)
		rc = write_out(out_dir, "newsletter.txt", t.data, t.len, err);
	pl_buf_free(&h);
	pl_buf_free(&t);
	if (count)
		*count = n;
	return rc;
}
