/*
 * discovery_review.c - discovery candidates in the team's review queue.
 * `parley discover` stores what it finds as visits with status
 * 'candidate', with the articles GDELT cites as their sources and the
 * event ids as external ids; they count in no figure.  The queue shows
 * them beside the editors' held changes, with what a reviewer needs to
 * judge them (the sources), and parley_review_accept / _reject decide.
 */
#include "internal.h"

#include <jansson.h>
#include <stdlib.h>

/* The strings of one column of a statement bound to the visit id, as a
 * JSON array (sources: objects of id, url, citation). */
static int list_of(sqlite3_stmt *st, const char *id, int sources, json_t *into)
{
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	int r;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		const char *a = (const char *)sqlite3_column_text(st, 0);
		if (!sources) {
			json_array_append_new(into, json_string(a ? a : ""));
			continue;
		}
		const char *u = (const char *)sqlite3_column_text(st, 1);
		const char *c = (const char *)sqlite3_column_text(st, 2);
		json_array_append_new(into, json_pack("{s:s,s:o,s:o}", "id", a ? a : "", "url",
		                                      u ? json_string(u) : json_null(), "citation",
		                                      c ? json_string(c) : json_null()));
	}
	return r == SQLITE_DONE ? PARLEY_OK : PARLEY_EDB;
}

int parley_candidates_json(parley_db *db, char **out, parley_err *err)
{
	*out = NULL;
	sqlite3_stmt *st = NULL, *ss = NULL, *se = NULL;
	int rc = pl_prepare(db,
	    "SELECT id, from_country, to_country, start_date, end_date, visitor_label, summary"
	    " FROM visit WHERE status = 'candidate' ORDER BY start_date, id LIMIT 1000", &st, err);
	if (!rc)
		rc = pl_prepare(db, "SELECT s.id, s.url, s.citation FROM visit_source vs JOIN source s"
		                    " ON s.id = vs.source WHERE vs.visit = ?1 ORDER BY s.id", &ss, err);
	if (!rc)
		rc = pl_prepare(db, "SELECT value FROM external_id WHERE entity = 'visit' AND"
		                    " entity_id = ?1 AND scheme = 'gdelt' ORDER BY value", &se, err);
	json_t *a = json_array();
	static const char *const names[] = {"id", "from", "to", "start", "end", "visitor_label",
	                                    "summary"};
	int r = SQLITE_DONE;
	while (!rc && (r = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *o = json_object();
		for (int i = 0; i < 7; i++) {
			const char *v = (const char *)sqlite3_column_text(st, i);
			json_object_set_new(o, names[i], v ? json_string(v) : json_null());
		}
		const char *id = (const char *)sqlite3_column_text(st, 0);
		json_t *srcs = json_array(), *evs = json_array();
		json_object_set_new(o, "sources", srcs);
		json_object_set_new(o, "events", evs);
		json_array_append_new(a, o);
		if (list_of(ss, id, 1, srcs) || list_of(se, id, 0, evs))
			rc = pl_db_error(db, err, "reading a candidate's sources");
	}
	if (!rc && r != SQLITE_DONE)
		rc = pl_db_error(db, err, "reading the discovery candidates");
	sqlite3_finalize(st);
	sqlite3_finalize(ss);
	sqlite3_finalize(se);
	if (!rc) {
		*out = json_dumps(a, JSON_COMPACT);
		if (!*out)
			rc = parley_err_set(err, PARLEY_ENOMEM, "out of memory");
	}
	json_decref(a);
	return rc;
}
