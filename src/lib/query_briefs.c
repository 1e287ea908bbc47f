/*
 * query_briefs.c - the brief tables in the query layer (issue 8: no SQL
 * outside src/lib): briefs and their status, authors, the figure ledger,
 * corrections, and the search index of briefs with the SQL function its
 * triggers call.  What a brief means (its front matter, its figures, the
 * check against today's data) stays in src/brief, which reads and writes
 * the tables only through these.  The writers run inside the caller's
 * transaction unless they say otherwise.
 */
#include "internal.h"
#include "../brief/brief.h"

#include <stdlib.h>
#include <string.h>

static char *col_dup(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);
	return s ? pl_strdup(s) : NULL;
}

/* Steps st once for a write; EDB saying what on failure.  Finalizes st. */
static int write_once(parley_db *db, sqlite3_stmt *st, const char *what, parley_err *err)
{
	int rc = sqlite3_step(st) == SQLITE_DONE ? PARLEY_OK : pl_db_error(db, err, what);
	sqlite3_finalize(st);
	return rc;
}

int pl_brief_author_put(parley_db *db, const char *id, const char *name, const char *role,
                        const char *bio, parley_err *err)
{
	sqlite3_stmt *st;
	int rc = pl_prepare(db, "INSERT INTO brief_author(id, name, role, bio) VALUES (?1, ?2, ?3, ?4)"
	                        " ON CONFLICT(id) DO UPDATE SET name = ?2, role = ?3, bio = ?4"
	                        " WHERE name IS NOT ?2 OR role IS NOT ?3 OR bio IS NOT ?4", /* unchanged: no audit row */
	                    &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, role, -1, SQLITE_STATIC);
	pl_bind_text_or_null(st, 4, bio);
	return write_once(db, st, "saving the author", err);
}

int pl_brief_author_get(parley_db *db, const char *id, char **name, char **role, char **bio,
                        parley_err *err)
{
	sqlite3_stmt *st;
	int rc = pl_prepare(db, "SELECT name, role, bio FROM brief_author WHERE id = ?1", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*name = col_dup(st, 0);
		*role = col_dup(st, 1);
		*bio = col_dup(st, 2);
	} else {
		rc = parley_err_set(err, PARLEY_ENOTFOUND, "unknown author '%s'", id);
	}
	sqlite3_finalize(st);
	return rc;
}

int pl_brief_status(parley_db *db, const char *id, char status[16], parley_err *err)
{
	status[0] = '\0';
	sqlite3_stmt *st;
	int rc = pl_prepare(db, "SELECT status FROM brief WHERE id = ?1", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		pl_strlcpy(status, (const char *)sqlite3_column_text(st, 0), 16);
	sqlite3_finalize(st);
	return PARLEY_OK;
}

int pl_brief_put_draft(parley_db *db, const char *id, const char *source, parley_err *err)
{
	sqlite3_stmt *st;
	int rc = pl_prepare(db, "INSERT INTO brief(id, source, status) VALUES (?1, ?2, 'draft')"
	                        " ON CONFLICT(id) DO UPDATE SET source = ?2", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, source, -1, SQLITE_STATIC);
	return write_once(db, st, "saving the brief", err);
}

int parley_brief_source(parley_db *db, const char *id, char **text, parley_err *err)
{
	sqlite3_stmt *st;
	int rc = pl_prepare(db, "SELECT source FROM brief WHERE id = ?1", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		*text = col_dup(st, 0);
	else
		rc = parley_err_set(err, PARLEY_ENOTFOUND, "no brief '%s'", id);
	sqlite3_finalize(st);
	return rc;
}

/* The columns of a brief row into b (id, source, status, published,
 * updated). */
static void brief_cols(sqlite3_stmt *st, pl_brief *b)
{
	b->id = col_dup(st, 0);
	b->source = col_dup(st, 1);
	b->status = col_dup(st, 2);
	b->published = col_dup(st, 3);
	b->updated = col_dup(st, 4);
}

#define BRIEF_COLS "SELECT id, source, status, published, updated FROM brief"

int pl_brief_row(parley_db *db, const char *id, pl_brief *b, parley_err *err)
{
	sqlite3_stmt *st;
	int rc = pl_prepare(db, BRIEF_COLS " WHERE id = ?1", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		brief_cols(st, b);
	else
		rc = parley_err_set(err, PARLEY_ENOTFOUND, "no brief '%s'", id);
	sqlite3_finalize(st);
	return rc;
}

int pl_brief_rows(parley_db *db, int published_only, pl_brief_list *l, parley_err *err)
{
	memset(l, 0, sizeof *l);
	sqlite3_stmt *st = NULL;
	int rc = pl_prepare(db, published_only ? BRIEF_COLS " WHERE status = 'published'"
	                                                    " ORDER BY published DESC, id"
	                                       : BRIEF_COLS " ORDER BY published DESC, id",
	                    &st, err);
	while (!rc && sqlite3_step(st) == SQLITE_ROW) {
		pl_brief *v = realloc(l->v, (l->n + 1) * sizeof *v);
		if (!v) {
			rc = parley_err_set(err, PARLEY_ENOMEM, "out of memory");
			break;
		}
		l->v = v;
		pl_brief *b = memset(&v[l->n++], 0, sizeof *b);
		brief_cols(st, b);
		if (!b->id || !b->source || !b->status)
			rc = parley_err_set(err, PARLEY_ENOMEM, "out of memory");
	}
	sqlite3_finalize(st);
	if (rc)
		pl_brief_list_free(l);
	return rc;
}

int pl_brief_ledger_read(parley_db *db, pl_brief *b, parley_err *err)
{
	sqlite3_stmt *st;
	int rc = pl_prepare(db, "SELECT n, line, col, expr, kind, value, as_of, ids, query, link, svg"
	                        " FROM brief_figure WHERE brief = ?1 ORDER BY n", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, b->id, -1, SQLITE_STATIC);
	while (!rc && sqlite3_step(st) == SQLITE_ROW) {
		pl_figure *g = realloc(b->figs, (b->nfigs + 1) * sizeof *g);
		if (!g) {
			rc = parley_err_set(err, PARLEY_ENOMEM, "out of memory");
			break;
		}
		b->figs = g;
		pl_figure *f = &g[b->nfigs++];
		f->n = sqlite3_column_int64(st, 0);
		f->line = sqlite3_column_int64(st, 1);
		f->col = sqlite3_column_int64(st, 2);
		char **s[] = {&f->expr, &f->kind, &f->value, &f->as_of, &f->ids, &f->query, &f->link, &f->svg};
		for (int i = 0; i < 8; i++)
			*s[i] = col_dup(st, 3 + i);
	}
	sqlite3_finalize(st);
	return rc;
}

int pl_brief_corrections_read(parley_db *db, pl_brief *b, parley_err *err)
{
	sqlite3_stmt *st;
	int rc = pl_prepare(db, "SELECT at, note FROM brief_correction WHERE brief = ?1 ORDER BY at, rowid",
	                    &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, b->id, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		pl_correction *c = realloc(b->corr, (b->ncorr + 1) * sizeof *c);
		if (!c)
			break;
		b->corr = c;
		c[b->ncorr].at = col_dup(st, 0);
		c[b->ncorr].note = col_dup(st, 1);
		b->ncorr++;
	}
	sqlite3_finalize(st);
	return PARLEY_OK;
}

/* The first column of st's rows appended to ids (new strings). */
static int id_rows(sqlite3_stmt *st, pl_strlist *ids, parley_err *err)
{
	int rc = PARLEY_OK;
	while (!rc && sqlite3_step(st) == SQLITE_ROW) {
		char **v = realloc(ids->v, (ids->n + 1) * sizeof *v);
		if (!v) {
			rc = parley_err_set(err, PARLEY_ENOMEM, "out of memory");
			break;
		}
		ids->v = v;
		if (!(v[ids->n] = col_dup(st, 0)))
			rc = parley_err_set(err, PARLEY_ENOMEM, "out of memory");
		else
			ids->n++;
	}
	return rc;
}

int pl_brief_published(parley_db *db, pl_strlist *ids, parley_err *err)
{
	memset(ids, 0, sizeof *ids);
	sqlite3_stmt *st = NULL;
	int rc = pl_prepare(db, "SELECT id FROM brief WHERE status = 'published' ORDER BY published DESC, id",
	                    &st, err);
	if (!rc)
		rc = id_rows(st, ids, err);
	sqlite3_finalize(st);
	return rc;
}

int pl_brief_ledger_write(parley_db *db, const char *id, const pl_figure *figs, size_t n,
                          const char *day, parley_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = pl_prepare(db, "INSERT INTO brief_figure(brief, n, line, col, expr, kind, value, as_of,"
	                        " ids, query, link, svg) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)",
	                    &st, err);
	for (size_t i = 0; !rc && i < n; i++) {
		const pl_figure *f = &figs[i];
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, f->n);
		sqlite3_bind_int64(st, 3, f->line);
		sqlite3_bind_int64(st, 4, f->col);
		sqlite3_bind_text(st, 5, f->expr, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, f->kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 7, f->value, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 8, f->as_of, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 9, f->ids, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 10, f->query ? f->query : "", -1, SQLITE_STATIC);
		pl_bind_text_or_null(st, 11, f->link);
		pl_bind_text_or_null(st, 12, f->svg);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = pl_db_error(db, err, "writing the figure ledger");
	}
	sqlite3_finalize(st);
	if (!rc)
		rc = pl_prepare(db, "UPDATE brief SET status = 'published', published = ?2 WHERE id = ?1", &st, err);
	if (!rc) {
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, day, -1, SQLITE_STATIC);
		rc = write_once(db, st, "publishing the brief", err);
	}
	return rc;
}

int pl_brief_correction_add(parley_db *db, const char *id, const char *day, const char *note,
                            parley_err *err)
{
	int rc = pl_begin(db, err);
	if (rc)
		return rc;
	sqlite3_stmt *st;
	rc = pl_prepare(db, "UPDATE brief SET updated = ?2 WHERE id = ?1 AND status = 'published'", &st, err);
	if (!rc) {
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, day, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = pl_db_error(db, err, "correcting the brief");
		else if (sqlite3_changes(db->sql) == 0)
			rc = parley_err_set(err, PARLEY_ENOTFOUND, "no published brief '%s'", id);
		sqlite3_finalize(st);
	}
	if (!rc)
		rc = pl_prepare(db, "INSERT INTO brief_correction(brief, at, note) VALUES (?1, ?2, ?3)", &st, err);
	if (!rc) {
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, day, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, note, -1, SQLITE_STATIC);
		rc = write_once(db, st, "saving the correction", err);
	}
	if (!rc)
		rc = pl_commit(db, err);
	else
		pl_rollback(db);
	return rc;
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
	if (!rc) {
		sqlite3_bind_text(st, 1, m.data, -1, SQLITE_STATIC);
		rc = id_rows(st, ids, err);
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
