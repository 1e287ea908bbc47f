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
	memset(l, 0, sizeof *l);
	sqlite3_stmt *st;
	int rc = pl_prepare(db, "SELECT id, source, published, updated FROM brief"
	                        " WHERE status = 'published' ORDER BY published DESC, id", &st, err);
	if (rc)
		return rc;
	while (!rc && sqlite3_step(st) == SQLITE_ROW) {
		pl_brief *v = realloc(l->v, (l->n + 1) * sizeof *v);
		if (!v) {
			rc = parley_err_set(err, PARLEY_ENOMEM, "out of memory");
			break;
		}
		l->v = v;
		pl_brief *b = memset(&v[l->n], 0, sizeof *b);
		const char *id = (const char *)sqlite3_column_text(st, 0);
		const char *src = (const char *)sqlite3_column_text(st, 1);
		const char *pub = (const char *)sqlite3_column_text(st, 2);
		const char *upd = (const char *)sqlite3_column_text(st, 3);
		b->id = pl_strdup(id);
		b->status = pl_strdup("published");
		b->published = pub ? pl_strdup(pub) : NULL;
		b->updated = upd ? pl_strdup(upd) : NULL;
		char name[96];
		snprintf(name, sizeof name, "%.80s.md", id);
		/* the source stays out of the list: the pages need the front matter only */
		if (!b->id || !b->status || (pub && !b->published) || (upd && !b->updated))
			rc = parley_err_set(err, PARLEY_ENOMEM, "out of memory");
		else
			rc = pl_brief_meta_parse(name, src, strlen(src), &b->meta, err);
		if (rc)
			pl_brief_free(b);
		else
			l->n++;
	}
	sqlite3_finalize(st);
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

int pl_brief_search(parley_db *db, const char *text, pl_strlist *ids, parley_err *err)
{
	memset(ids, 0, sizeof *ids);
	char *w = parley_fold_words(text ? text : "");
	if (!w)
		return parley_err_set(err, PARLEY_ENOMEM, "out of memory");
	if (!*w) { /* nothing to search for: no brief */
		free(w);
		return PARLEY_OK;
	}
	/* folded text is letters, digits and single spaces: never FTS syntax */
	pl_buf m;
	pl_buf_init(&m, 0);
	int rc = pl_buf_printf(&m, "\"%s\"*", w);
	free(w);
	sqlite3_stmt *st = NULL;
	if (!rc)
		rc = pl_prepare(db, "SELECT b.id FROM brief_fts f JOIN brief b ON b.id = f.brief"
		                    " WHERE brief_fts MATCH ?1 AND b.status = 'published'"
		                    " ORDER BY bm25(brief_fts), b.published DESC, b.id", &st, err);
	if (!rc)
		sqlite3_bind_text(st, 1, m.data, -1, SQLITE_STATIC);
	while (!rc && sqlite3_step(st) == SQLITE_ROW) {
		char **v = realloc(ids->v, (ids->n + 1) * sizeof *v);
		if (!v) {
			rc = parley_err_set(err, PARLEY_ENOMEM, "out of memory");
			break;
		}
		ids->v = v;
		if (!(v[ids->n] = pl_strdup((const char *)sqlite3_column_text(st, 0))))
			rc = parley_err_set(err, PARLEY_ENOMEM, "out of memory");
		else
			ids->n++;
	}
	sqlite3_finalize(st);
	pl_buf_free(&m);
	if (rc) {
		for (size_t i = 0; i < ids->n; i++)
			free(ids->v[i]);
		free(ids->v);
		memset(ids, 0, sizeof *ids);
	}
	return rc;
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

void pl_brief_sql_text(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const char *src = (const char *)sqlite3_value_text(argv[0]);
	if (!src) {
		sqlite3_result_null(ctx);
		return;
	}
	char *f = pl_brief_search_text(src);
	if (!f) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	sqlite3_result_text(ctx, f, -1, free);
}
