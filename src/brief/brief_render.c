/*
 * brief_render.c - a brief's body as HTML: each expression becomes its
 * figure (a link to the visits behind it) or its chart, then md4c renders
 * the Markdown (CommonMark, raw HTML allowed for the figures we insert;
 * the author's own text is Markdown).
 */
#include "brief.h"
#include "../web/web.h"

#include <md4c-html.h>
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
	pl_buf md;
	pl_buf_init(&md, 16u << 20);
	int rc = 0;
	while (pl_expr_next(text, len, &pos, &s, &e) == 1) {
		rc |= pl_buf_append(&md, text + last, s - last);
		last = e;
		if (k >= b->nfigs) {
			pl_buf_free(&md);
			return parley_err_set(err, PARLEY_EDATA, "brief '%s': more expressions than figures", b->id);
		}
		const pl_figure *f = &b->figs[k++];
		if (f->svg) {
			/* an HTML block: its own paragraph, no blank line inside */
			rc |= pl_buf_printf(&md, "<figure class=\"brief-chart\" id=\"figure-%ld\">", f->n);
			for (const char *p = f->svg; *p; p++)
				if (*p != '\n')
					rc |= pl_buf_putc(&md, *p);
			rc |= pl_buf_puts(&md, "<figcaption><a class=\"figure-data\" href=\"");
			rc |= pl_esc_html(&md, root);
			rc |= pl_buf_puts(&md, site ? "visits.html?" : "visits?");
			rc |= pl_esc_html(&md, f->query);
			rc |= pl_buf_puts(&md, "\">The visits behind this chart</a></figcaption></figure>");
			continue;
		}
		rc |= pl_buf_printf(&md, "<a class=\"figure\" id=\"figure-%ld\" data-expr=\"", f->n);
		rc |= pl_esc_html(&md, f->expr);
		rc |= pl_buf_puts(&md, "\" href=\"");
		rc |= pl_esc_html(&md, root);
		if (f->link && *f->link) {
			rc |= pl_esc_html(&md, f->link);
			if (site)
				rc |= pl_buf_puts(&md, ".html");
		} else {
			rc |= pl_buf_puts(&md, site ? "visits.html?" : "visits?");
			rc |= pl_esc_html(&md, f->query);
		}
		rc |= pl_buf_puts(&md, "\">");
		rc |= pl_esc_html(&md, f->value);
		rc |= pl_buf_puts(&md, "</a>");
	}
	rc |= pl_buf_append(&md, text + last, len - last);
	if (!rc)
		rc = pl_md_html(out, md.data ? md.data : "", md.len);
	pl_buf_free(&md);
	return rc ? parley_err_set(err, PARLEY_EDATA, "rendering brief '%s' failed", b->id) : PARLEY_OK;
}
