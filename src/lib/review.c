/*
 * review.c - changes held for review (`parley serve --review required`).
 *
 * An editor's change is checked when it is proposed (parley_visit_check:
 * the import's validation and the version check, then rolled back) and
 * kept in pending_change; it touches no record, so no figure counts it.  A
 * reviewer's approval writes it through parley_visit_write (or _remove)
 * from the version it was made on: when the visit changed meanwhile the
 * approval is refused (PARLEY_ECONFLICT) and the change stays pending.
 * Changes to people and sources (parley_record_propose) wait in the same
 * queue, their entity named, and are written by parley_record_write.
 */
#include "internal.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* The version of record id (a visit, person or source). */
static int etag_of(parley_db *db, const char *entity, const char *id, char *out, size_t cap,
                   parley_err *err)
{
	return strcmp(entity, "visit") == 0 ? parley_visit_etag(db, id, out, cap, err)
	                                    : parley_record_etag(db, entity, id, out, cap, err);
}

static int propose(parley_db *db, const char *entity, const char *kind, const char *visit,
                   const char *json, size_t len, const char *if_match, const char *reason,
                   const char *author, long *out, parley_report *rep, parley_err *err)
{
	int is_visit = strcmp(entity, "visit") == 0;
	char id[512] = "";
	int rc;
	int del = kind && strcmp(kind, "delete") == 0;
	if (!kind || (strcmp(kind, "create") && strcmp(kind, "change") && !del))
		return parley_err_set(err, PARLEY_EINVAL, "a change is create, change or delete");
	if (!reason || !*reason)
		return parley_err_set(err, PARLEY_EINVAL, "a change needs a reason for the audit log");
	if (del) {
		char now[48];
		if ((rc = etag_of(db, entity, visit, now, sizeof now, err)))
			return rc;
		if (!pl_version_matches(if_match, now))
			return parley_err_set(err, PARLEY_ECONFLICT, "%s '%s' was changed by someone else",
			                      entity, visit);
		pl_strlcpy(id, visit, sizeof id);
	} else {
		const char *which = strcmp(kind, "change") == 0 ? visit : NULL;
		rc = is_visit ? parley_visit_check(db, which, json, len, if_match, reason, id, sizeof id,
		                                   rep, err)
		              : parley_record_check(db, entity, which, json, len, if_match, reason, id,
		                                    sizeof id, rep, err);
		if (rc)
			return rc;
	}
	sqlite3_stmt *st;
	if ((rc = pl_prepare(db,
	        "INSERT INTO pending_change(created, author, visit, kind, body, base, reason, entity)"
	        " VALUES (strftime('%Y-%m-%dT%H:%M:%SZ','now'), ?1, ?2, ?3, ?4, ?5, ?6, ?7)", &st, err)))
		return rc;
	sqlite3_bind_text(st, 1, author ? author : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
	if (del)
		sqlite3_bind_null(st, 4);
	else
		sqlite3_bind_text(st, 4, json, (int)len, SQLITE_TRANSIENT);
	if (strcmp(kind, "create") == 0 || !if_match)
		sqlite3_bind_null(st, 5);
	else
		sqlite3_bind_text(st, 5, if_match, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, reason, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 7, entity, -1, SQLITE_TRANSIENT);
	int r = sqlite3_step(st);
	sqlite3_finalize(st);
	if (r != SQLITE_DONE)
		return (r & 0xff) == SQLITE_BUSY ? parley_err_set(err, PARLEY_EBUSY, "store busy")
		                                 : pl_db_error(db, err, "keeping the change for review");
	if (out)
		*out = (long)sqlite3_last_insert_rowid(db->sql);
	return PARLEY_OK;
}

int parley_change_propose(parley_db *db, const char *kind, const char *visit, const char *json,
                          size_t len, const char *if_match, const char *reason,
                          const char *author, long *out, parley_report *rep, parley_err *err)
{
	return propose(db, "visit", kind, visit, json, len, if_match, reason, author, out, rep, err);
}

int parley_record_propose(parley_db *db, const char *entity, const char *kind, const char *id,
                          const char *json, size_t len, const char *if_match, const char *reason,
                          const char *author, long *out, parley_report *rep, parley_err *err)
{
	char v[8];
	if (!entity || (strcmp(entity, "person") && strcmp(entity, "source")))
		return parley_record_etag(db, entity, "", v, sizeof v, err); /* names the entity */
	return propose(db, entity, kind, id, json, len, if_match, reason, author, out, rep, err);
}

int parley_changes_json(parley_db *db, const char *status, char **out, parley_err *err)
{
	return parley_changes_find_json(db, status, NULL, NULL, out, err);
}

int parley_changes_find_json(parley_db *db, const char *status, const char *author,
                             const char *visit, char **out, parley_err *err)
{
	*out = NULL;
	sqlite3_stmt *st;
	/* the queue (by status) is served by its index; a user's or a visit's
	 * few changes are a scan of a table that holds only held changes */
	int rc = pl_prepare(db,
	    "SELECT id, created, author, visit, kind, body, base, reason, status, reviewer, comment,"
	    " decided, entity FROM pending_change WHERE (?1 IS NULL OR status = ?1)"
	    " AND (?2 IS NULL OR author = ?2) AND (?3 IS NULL OR (visit = ?3 AND entity = 'visit'))"
	    " ORDER BY id LIMIT 1000",
	    &st, err);
	if (rc)
		return rc;
	if (status)
		sqlite3_bind_text(st, 1, status, -1, SQLITE_TRANSIENT);
	if (author)
		sqlite3_bind_text(st, 2, author, -1, SQLITE_TRANSIENT);
	if (visit)
		sqlite3_bind_text(st, 3, visit, -1, SQLITE_TRANSIENT);
	static const char *const names[] = {"id", "created", "author", "visit", "kind", "body",
	                                    "base", "reason", "status", "reviewer", "comment",
	                                    "decided", "entity"};
	/* id a number, body parsed JSON, the rest strings */
	return pl_rows_json(db, st, names, "issssjsssssss", "reading the changes held for review",
	                    out, err);
}

int parley_change_decide(parley_db *db, long id, int approve, const char *reviewer,
                         const char *comment, parley_report *rep, parley_err *err)
{
	if (!approve && (!comment || !*comment))
		return parley_err_set(err, PARLEY_EINVAL, "a rejection needs a comment for the editor");
	sqlite3_stmt *st;
	int rc = pl_prepare(db, "SELECT author, visit, kind, body, base, reason, status, entity FROM"
	                        " pending_change WHERE id = ?1", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return parley_err_set(err, PARLEY_ENOTFOUND, "no change #%ld held for review", id);
	}
	char *col[8];
	for (int i = 0; i < 8; i++)
		col[i] = pl_strdup((const char *)sqlite3_column_text(st, i));
	sqlite3_finalize(st);
	const char *author = col[0], *visit = col[1], *kind = col[2], *body = col[3], *base = col[4],
	           *reason = col[5], *status = col[6], *entity = col[7] ? col[7] : "visit";
	if (!status || strcmp(status, "pending") != 0) {
		rc = parley_err_set(err, PARLEY_ECONFLICT, "change #%ld was %s already", id,
		                    status ? status : "decided");
	} else if (approve) {
		/* the audit log names the author and the reviewer */
		char actor[200], why[1200];
		snprintf(actor, sizeof actor, "%s, approved by %s", author ? author : "", reviewer ? reviewer : "");
		snprintf(why, sizeof why, "%s (approved by %s%s%s)", reason ? reason : "",
		         reviewer ? reviewer : "", comment && *comment ? ": " : "",
		         comment && *comment ? comment : "");
		char prev[128];
		pl_strlcpy(prev, db->actor, sizeof prev);
		parley_set_actor(db, actor, NULL);
		const char *which = strcmp(kind, "change") == 0 ? visit : NULL;
		size_t n = strlen(body ? body : "");
		if (strcmp(entity, "visit") != 0)
			rc = strcmp(kind, "delete") == 0
			   ? parley_record_remove(db, entity, visit, base, why, err)
			   : parley_record_write(db, entity, which, body, n, base, why, NULL, 0, rep, err);
		else if (strcmp(kind, "delete") == 0)
			rc = parley_visit_remove(db, visit, base, why, err);
		else
			rc = parley_visit_write(db, which, body, n, base, why, NULL, 0, rep, err);
		parley_set_actor(db, prev, NULL);
	}
	if (!rc) {
		if ((rc = pl_prepare(db, "UPDATE pending_change SET status = ?2, reviewer = ?3,"
		                         " comment = ?4, decided = strftime('%Y-%m-%dT%H:%M:%SZ','now')"
		                         " WHERE id = ?1", &st, err)) == PARLEY_OK) {
			sqlite3_bind_int64(st, 1, id);
			sqlite3_bind_text(st, 2, approve ? "approved" : "rejected", -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 3, reviewer ? reviewer : "", -1, SQLITE_TRANSIENT);
			if (comment && *comment)
				sqlite3_bind_text(st, 4, comment, -1, SQLITE_TRANSIENT);
			else
				sqlite3_bind_null(st, 4);
			if (sqlite3_step(st) != SQLITE_DONE)
				rc = pl_db_error(db, err, "recording the decision");
			sqlite3_finalize(st);
		}
	}
	for (int i = 0; i < 8; i++)
		free(col[i]);
	return rc;
}
