/*
 * discovery_decide.c - the review queue: candidates from discovery become
 * visits or are turned down, by a named person, and nothing is deleted.
 * In the query layer (issue 8: no SQL outside src/lib), beside the team
 * queue's view of the same candidates (discovery_review.c).
 *
 * Accepting sets the status to 'confirmed'; rejecting sets it to 'rejected'
 * and puts the reason in the visit's note.  The audit triggers keep the
 * before and after of each change with the reviewer as actor
 * ("review:<user>"), so the history of a candidate can always be read back.
 */
#include "internal.h"

#include <jansson.h>

#include <string.h>

static const char *col(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);
	return s ? s : "";
}

int parley_review_list(parley_db *db, const char *format, FILE *out, parley_err *err)
{
	if (!format)
		format = "table";
	if (strcmp(format, "table") && strcmp(format, "csv") && strcmp(format, "json"))
		return parley_err_set(err, PARLEY_EINVAL, "--format: '%s' is not table, csv or json", format);
	sqlite3_stmt *st;
	int rc = pl_prepare(db,
	                    "SELECT id, from_country, to_country, start_date, end_date, visitor_label,"
	                    " summary, (SELECT count(*) FROM external_id x WHERE x.entity='visit'"
	                    " AND x.entity_id=visit.id AND x.scheme='gdelt'),"
	                    " (SELECT count(*) FROM visit_source s WHERE s.visit=visit.id)"
	                    " FROM visit WHERE status='candidate' ORDER BY start_date, id",
	                    &st, err);
	if (rc)
		return rc;
	pl_buf b;
	pl_buf_init(&b, 0);
	if (strcmp(format, "table") == 0)
		fprintf(out, "%-32s %-4s %-4s %-10s %-10s %6s %7s  %s\n", "id", "from", "to", "start", "end",
		        "events", "sources", "summary");
	else if (strcmp(format, "csv") == 0)
		fputs("id,from,to,start,end,visitor_label,events,sources,summary\n", out);
	else
		rc = pl_buf_puts(&b, "[");
	int r, n = 0;
	while (rc == PARLEY_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
		if (strcmp(format, "table") == 0) {
			fprintf(out, "%-32s %-4s %-4s %-10s %-10s %6d %7d  %s\n", col(st, 0), col(st, 1),
			        col(st, 2), col(st, 3), col(st, 4), sqlite3_column_int(st, 7),
			        sqlite3_column_int(st, 8), col(st, 6));
		} else if (strcmp(format, "csv") == 0) {
			for (int i = 0; i < 6; i++) {
				pl_csv_write_field(out, col(st, i));
				fputc(',', out);
			}
			fprintf(out, "%d,%d,", sqlite3_column_int(st, 7), sqlite3_column_int(st, 8));
			pl_csv_write_field(out, col(st, 6));
			fputc('\n', out);
		} else {
			static const char *const names[] = {"id", "from", "to", "start", "end", "visitor_label",
			                                    "summary"};
			json_t *o = json_object();
			for (int i = 0; o && i < 7; i++)
				if (json_object_set_new(o, names[i],
				                        pl_json_text(sqlite3_column_type(st, i) == SQLITE_NULL
				                                         ? NULL
				                                         : col(st, i))))
					o = (json_decref(o), NULL);
			rc = pl_json_item(&b, (size_t)n,"\n ",
			                  pl_json_merge(o, json_pack("{s:i,s:i}", "events",
			                                             sqlite3_column_int(st, 7), "sources",
			                                             sqlite3_column_int(st, 8))));
		}
		n++;
	}
	if (rc == PARLEY_OK && r != SQLITE_DONE)
		rc = pl_db_error(db, err, "review: listing candidates");
	sqlite3_finalize(st);
	if (rc == PARLEY_OK && strcmp(format, "json") == 0) {
		rc = pl_buf_puts(&b, "\n]\n");
		if (rc == PARLEY_OK)
			fputs(b.data, out);
	}
	pl_buf_free(&b);
	if (rc == PARLEY_ENOMEM || rc == PARLEY_ELIMIT)
		return parley_err_set(err, rc, "review: out of memory");
	return rc;
}

/* A confirmed visit needs a source (the import's rule).  Discovery links
 * the articles GDELT cites; a candidate from a layout without SOURCEURL
 * has only its event ids, so those records become its source: a citation
 * naming the GDELT events, which anyone can look up.  PARLEY_EDATA when it
 * has neither. */
static int ensure_source(parley_db *db, const char *id, parley_err *err)
{
	sqlite3_stmt *st;
	int rc = pl_prepare(db, "SELECT (SELECT count(*) FROM visit_source WHERE visit = ?1),"
	                        " (SELECT group_concat(value, ', ') FROM (SELECT value FROM external_id"
	                        "  WHERE entity = 'visit' AND entity_id = ?1 AND scheme = 'gdelt'"
	                        "  ORDER BY value LIMIT 50))", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	char cite[1024] = "";
	int n = -1;
	if (sqlite3_step(st) == SQLITE_ROW) {
		n = sqlite3_column_int(st, 0);
		if (sqlite3_column_type(st, 1) != SQLITE_NULL)
			snprintf(cite, sizeof cite, "GDELT event records (GLOBALEVENTID) %s", col(st, 1));
	}
	sqlite3_finalize(st);
	if (n < 0)
		return pl_db_error(db, err, "review: reading the candidate's sources");
	if (n > 0)
		return PARLEY_OK;
	if (!*cite)
		return parley_err_set(err, PARLEY_EDATA,
		                      "candidate '%s' has no source and no GDELT event to cite: add a "
		                      "source before accepting it", id);
	char sid[32];
	pl_source_id(cite, sid, sizeof sid);
	if ((rc = pl_prepare(db, "INSERT OR IGNORE INTO source(id, citation) VALUES(?1, ?2)", &st, err)))
		return rc;
	sqlite3_bind_text(st, 1, sid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, cite, -1, SQLITE_STATIC);
	int r = sqlite3_step(st);
	sqlite3_finalize(st);
	if (r == SQLITE_DONE && !(rc = pl_prepare(db, "INSERT INTO visit_source(visit, source)"
	                                              " VALUES(?1, ?2)", &st, err))) {
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, sid, -1, SQLITE_STATIC);
		r = sqlite3_step(st);
		sqlite3_finalize(st);
	}
	if (rc)
		return rc;
	return r == SQLITE_DONE ? PARLEY_OK : pl_db_error(db, err, "review: citing the GDELT events");
}

/* Moves a candidate to `status` (and the note, when given) as "review:<by>". */
static int decide(parley_db *db, const char *id, const char *by, const char *status,
                  const char *note, parley_err *err)
{
	if (!id || !*id)
		return parley_err_set(err, PARLEY_EINVAL, "review: name the candidate's id");
	sqlite3_stmt *st;
	int rc = pl_prepare(db, "SELECT status FROM visit WHERE id=?", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	int r = sqlite3_step(st);
	char cur[32] = "";
	if (r == SQLITE_ROW)
		pl_strlcpy(cur, col(st, 0), sizeof cur);
	sqlite3_finalize(st);
	if (r == SQLITE_DONE)
		return parley_err_set(err, PARLEY_ENOTFOUND, "no visit '%s'", id);
	if (r != SQLITE_ROW)
		return pl_db_error(db, err, "review: reading the visit");
	if (strcmp(cur, "candidate") != 0)
		return parley_err_set(err, PARLEY_ECONFLICT,
		                      "visit '%s' is %s, not a candidate", id, cur);
	char actor[128];
	snprintf(actor, sizeof actor, "review:%s", by && *by ? by : "unknown");
	if ((rc = parley_set_actor(db, actor, err)))
		return rc;
	if ((rc = pl_begin(db, err)))
		return rc;
	if (strcmp(status, "confirmed") == 0 && (rc = ensure_source(db, id, err))) {
		pl_rollback(db);
		return rc;
	}
	rc = pl_prepare(db,
	                note ? "UPDATE visit SET status=?, note=? WHERE id=? AND status='candidate'"
	                     : "UPDATE visit SET status=? WHERE id=? AND status='candidate'",
	                &st, err);
	if (rc == PARLEY_OK) {
		int i = 1;
		sqlite3_bind_text(st, i++, status, -1, SQLITE_STATIC);
		if (note)
			sqlite3_bind_text(st, i++, note, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, i, id, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = pl_db_error(db, err, "review: updating the visit");
		sqlite3_finalize(st);
	}
	if (rc) {
		pl_rollback(db);
		return rc;
	}
	return pl_commit(db, err);
}

int parley_review_accept(parley_db *db, const char *id, const char *by, parley_err *err)
{
	return decide(db, id, by, "confirmed", NULL, err);
}

int parley_review_reject(parley_db *db, const char *id, const char *by, const char *why,
                         parley_err *err)
{
	if (!why || !*why)
		return parley_err_set(err, PARLEY_EINVAL, "review reject: --why TEXT is required");
	return decide(db, id, by, "rejected", why, err);
}
