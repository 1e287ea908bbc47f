/*
 * brief_render.c - a brief's body as HTML: each expression becomes its
 * figure (a link to the visits behind it) or its chart, then md4c renders
 * the Markdown (CommonMark, raw HTML allowed for the figures we insert;
 * the author's own text is Markdown).
 */
#include "brief.h"
#include "../web/web.h"

#include <md4c-html.h>
#include <stdlib.h>
#include <string.h>

static void md_out(const MD_CHAR *text, MD_SIZE size, void *ud)
{
	pl_buf_append((pl_buf *)ud, text, size);
}

int pl_md_html(pl_buf *out, const char *md, size_t len)
{
	if (md_html(md, (MD_SIZE)len, md_out, out, MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH, 0) != 0)
		return PARLEY_EDATA;
	return PARLEY_OK;
}

int pl_brief_body_html(const pl_brief *b, const char *root, int site, pl_buf *out,
                       parley_err *err)
{
	const char *text = b->source;
	size_t len = strlen(text), pos = b->meta.body_off, s, e, last = pos, k = 0;
	long charts = 0;
	pl_buf md;
	pl_buf_init(&md, 16u << 20);
	int rc = 0;
	while (pl_expr_next(text, len, &pos, &s, &e) == 1) {
		if (!rc) rc = pl_buf_append(&md, text + last, s - last);
		last = e;
		if (k >= b->nfigs) {
			pl_buf_free(&md);
			return parley_err_set(err, PARLEY_EDATA, "brief '%s': more expressions than figures", b->id);
		}
		const pl_figure *f = &b->figs[k++];
		if (f->svg) {
			/* an HTML block: its own paragraph, no blank line inside */
			if (!rc) rc = pl_buf_printf(&md, "<figure class=\"brief-chart\" id=\"figure-%ld\">", f->n);
			for (const char *p = f->svg; *p; p++)
				if (*p != '\n')
					if (!rc) rc = pl_buf_putc(&md, *p);
			if (!rc) rc = pl_buf_puts(&md, "<figcaption><a class=\"figure-data\" href=\"");
			if (!rc) rc = pl_esc_html(&md, root);
			if (!rc) rc = pl_buf_puts(&md, site ? "visits.html?" : "visits?");
			if (!rc) rc = pl_esc_html(&md, f->query);
			if (!rc) rc = pl_buf_puts(&md, "\">The visits behind this chart</a>");
			/* its PNG twin (page_figures.c), for slides and e-mail */
			char *png = pl_brief_chart_url(root, b->id, ++charts);
			if (!rc) rc = png ? pl_buf_puts(&md, " · <a class=\"figure-png\" href=\"") : PARLEY_ENOMEM;
			if (!rc) rc = pl_esc_html(&md, png);
			if (!rc) rc = pl_buf_puts(&md, "\">PNG</a></figcaption></figure>");
			free(png);
			continue;
		}
		if (!rc) rc = pl_buf_printf(&md, "<a class=\"figure\" id=\"figure-%ld\" data-expr=\"", f->n);
		if (!rc) rc = pl_esc_html(&md, f->expr);
		if (!rc) rc = pl_buf_puts(&md, "\" href=\"");
		if (!rc) rc = pl_esc_html(&md, root);
		if (f->link && *f->link) {
			if (!rc) rc = pl_esc_html(&md, f->link);
			if (site)
				if (!rc) rc = pl_buf_puts(&md, ".html");
		} else {
			if (!rc) rc = pl_buf_puts(&md, site ? "visits.html?" : "visits?");
			if (!rc) rc = pl_esc_html(&md, f->query);
		}
		if (!rc) rc = pl_buf_puts(&md, "\">");
		if (!rc) rc = pl_esc_html(&md, f->value);
		if (!rc) rc = pl_buf_puts(&md, "</a>");
	}
	if (!rc) rc = pl_buf_append(&md, text + last, len - last);
	if (!rc)
		rc = pl_md_html(out, md.data ? md.data : "", md.len);
	pl_buf_free(&md);
	return rc ? parley_err_set(err, PARLEY_EDATA, "rendering brief '%s' failed", b->id) : PARLEY_OK;
}
