/*
 * brief_catalog.c - the published briefs as a list (the index pages, the
 * feeds and "most recent from" each read it once, not a brief at a time),
 * the slugs of series, topics and regions, and the search index of briefs.
 *
 * The search index (brief_fts, schema.c migration_brief_search) holds each
 * brief's title, series, summary, topics, regions and body, folded by the
 * one fold (parley_fold_words, fold.c) and kept by triggers on the brief
 * table through the SQL function parley_brief_text below.
 */
#include "brief.h"

#include <stdlib.h>
#include <string.h>

void pl_brief_list_free(pl_brief_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		pl_brief_free(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

int pl_brief_catalog(parley_db *db, pl_brief_list *l, parley_err *err)
{
	int rc = pl_brief_rows(db, 1, l, err);
	for (size_t i = 0; !rc && i < l->n; i++) {
		pl_brief *b = &l->v[i];
		char name[96];
		snprintf(name, sizeof name, "%.80s.md", b->id);
		rc = pl_brief_meta_parse(name, b->source, strlen(b->source), &b->meta, err);
		/* the source stays out of the list: the pages need the front matter only */
		free(b->source);
		b->source = NULL;
	}
	if (rc)
		pl_brief_list_free(l);
	return rc;
}

char *pl_brief_slug(const char *s)
{
	char *f = parley_fold_words(s ? s : "");
	if (!f)
		return NULL;
	for (char *p = f; *p; p++)
		if (*p == ' ')
			*p = '-';
	return f;
}

int pl_brief_slug_is(const char *label, const char *slug)
{
	char *s = pl_brief_slug(label);
	int same = s && slug && strcmp(s, slug) == 0;
	free(s);
	return same;
}

/* The text a search matches in a brief file: its title, series, summary,
 * topics, regions and body with the {{ }} expressions left out (their
 * words are a query, not the brief's prose). */
static int brief_text(pl_buf *out, const char *src)
{
	pl_brief_meta m;
	if (pl_brief_meta_parse("brief.md", src, strlen(src), &m, NULL) != PARLEY_OK)
		return pl_buf_puts(out, src); /* not a brief file: all of it */
	int rc = pl_buf_printf(out, "%s\n%s\n%s\n", m.title, m.series ? m.series : "", m.summary);
	const pl_strlist *lists[] = {&m.topics, &m.regions};
	for (size_t k = 0; !rc && k < 2; k++)
		for (size_t i = 0; !rc && i < lists[k]->n; i++)
			rc = pl_buf_printf(out, "%s\n", lists[k]->v[i]);
	const char *body = src + m.body_off;
	size_t len = strlen(body), from = 0, pos = 0, start, end;
	while (!rc && pl_expr_next(body, len, &pos, &start, &end) == 1) {
		rc = pl_buf_append(out, body + from, start - from);
		if (!rc)
			rc = pl_buf_putc(out, ' ');
		from = end;
	}
	if (!rc && from < len)
		rc = pl_buf_append(out, body + from, len - from);
	pl_brief_meta_free(&m);
	return rc;
}

char *pl_brief_search_text(const char *source)
{
	pl_buf t;
	pl_buf_init(&t, 0);
	char *f = NULL;
	if (brief_text(&t, source) == PARLEY_OK)
		f = parley_fold_words(t.data ? t.data : "");
	pl_buf_free(&t);
	return f;
}
