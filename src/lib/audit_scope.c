/*
 * audit_scope.c - what a run of changes can have touched, from the audit
 * log, so the server empties only the cached answers that may show them.
 *
 * Every record table is audited (a row per insert, update and delete,
 * with the record before and after), so the audit log's newest sequence
 * number moves whenever something a page shows changes.  Most team edits
 * correct the free text of one visit (its note or summary):
 * - the note is shown only by the visit's own record (page and API,
 *   page_record.c) and found by searches (visit_search_text): lists,
 *   CSV, figures and other records do not show it;
 * - the summary is also in lists, CSV and people's and countries' pages,
 *   but never in another visit's record (whose previous/next name only id,
 *   date and visitor, and whose context sentences are counted from dates,
 *   levels and people).
 * Anything else (another field, a list of the visit, another table, an
 * insert or a delete) can change any answer.  A new answer that shows a
 * visit's note or summary elsewhere must be added to these rules
 * (server.c, cache_sync).
 */
#include "internal.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* More changes than this since the cache last looked: empty it all. */
#define SCOPE_MAX_ROWS 256

long long parley_audit_head(parley_db *db)
{
	sqlite3_stmt *st;
	/* cached: every reader thread asks after every save */
	if (pl_prepare_cached(db, "SELECT coalesce(max(seq), 0) FROM audit", &st, NULL))
		return -1;
	long long v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	pl_release(db, st);
	return v;
}

/* Appends the folded words of obj's note and a newline (an empty line for
 * no note) to out: what a search can have matched in it. */
static int note_words(json_t *obj, pl_buf *out)
{
	const char *n = json_string_value(json_object_get(obj, "note"));
	char *w = n ? parley_fold_words(n) : NULL;
	int rc = n && !w ? PARLEY_ENOMEM : pl_buf_puts(out, w ? w : "");
	free(w);
	return rc ? rc : pl_buf_putc(out, '\n');
}

/* 1 when before and after differ only in note and summary; *note_only
 * cleared when the summary differs.  notes gets the folded note before and
 * after (note_words); a failure there is a 0 (the caller then empties
 * everything). */
static int text_only(const char *before, const char *after, int *note_only, pl_buf *notes)
{
	json_t *b = json_loads(before ? before : "", 0, NULL);
	json_t *a = json_loads(after ? after : "", 0, NULL);
	int ok = json_is_object(a) && json_is_object(b) && json_object_size(a) == json_object_size(b);
	const char *k;
	json_t *v;
	json_object_foreach(a, k, v) {
		if (!ok)
			break;
		json_t *w = json_object_get(b, k);
		if (!w)
			ok = 0;
		else if (!json_equal(v, w) && strcmp(k, "note"))
			ok = strcmp(k, "summary") == 0 ? (*note_only = 0, 1) : 0;
	}
	if (ok && (note_words(b, notes) || note_words(a, notes)))
		ok = 0;
	json_decref(a);
	json_decref(b);
	return ok;
}

int parley_audit_scope(parley_db *db, long long after, long long *head, char **visits,
                       int *note_only, char **notes, parley_err *err)
{
	*visits = NULL;
	*note_only = 1;
	if (notes)
		*notes = NULL;
	if ((*head = parley_audit_head(db)) < 0)
		return pl_db_error(db, err, "reading the audit log's head");
	if (*head <= after || after < 0 || *head - after > SCOPE_MAX_ROWS)
		return PARLEY_OK;
	sqlite3_stmt *st;
	int rc = pl_prepare_cached(db, "SELECT entity, action, entity_key, before, after FROM audit"
	                        " WHERE seq > ?1 AND seq <= ?2 ORDER BY seq", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int64(st, 2, *head);
	pl_buf ids, words;
	pl_buf_init(&ids, 0);
	pl_buf_init(&words, 0);
	int local = 1, r;
	while (local && (r = sqlite3_step(st)) == SQLITE_ROW) {
		const char *entity = (const char *)sqlite3_column_text(st, 0);
		const char *action = (const char *)sqlite3_column_text(st, 1);
		const char *key = (const char *)sqlite3_column_text(st, 2);
		local = entity && action && key && strcmp(entity, "visit") == 0 &&
		        strcmp(action, "update") == 0 && !strchr(key, '\n') &&
		        text_only((const char *)sqlite3_column_text(st, 3),
		                  (const char *)sqlite3_column_text(st, 4), note_only, &words);
		if (local && (pl_buf_puts(&ids, key) || pl_buf_putc(&ids, '\n')))
			local = 0;
	}
	pl_release(db, st);
	if (local && ids.len && notes && !(*notes = pl_buf_take(&words)))
		local = 0; /* no memory for the notes: as if anything changed */
	if (local && ids.len)
		*visits = pl_buf_take(&ids);
	pl_buf_free(&ids);
	pl_buf_free(&words);
	return PARLEY_OK;
}
