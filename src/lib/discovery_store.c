/*
 * discovery_store.c - what GDELT discovery (src/gdelt/discover.c) reads and
 * writes in the store: the country a FIPS code names, the stored visits a
 * candidate matches, and the new candidates stored with their sources and
 * event ids.  In the query layer (issue 8: no SQL outside src/lib).
 */
#include "internal.h"
#include "../gdelt/gdelt.h"

#include <string.h>

int pl_store_has_table(parley_db *db, const char *name)
{
	sqlite3_stmt *st;
	if (pl_prepare(db, "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", &st, NULL))
		return 0;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	int found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

int pl_country_by_fips(parley_db *db, const char *fips, char *out, size_t cap)
{
	sqlite3_stmt *st;
	if (pl_prepare_cached(db, "SELECT code FROM country WHERE fips=? LIMIT 2", &st, NULL))
		return 0;
	sqlite3_bind_text(st, 1, fips, -1, SQLITE_STATIC);
	int found = 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *code = (const char *)sqlite3_column_text(st, 0);
		char copy[8];
		pl_strlcpy(copy, code ? code : "", sizeof copy);
		/* only one country with this code is an answer */
		if (copy[0] && sqlite3_step(st) == SQLITE_DONE) {
			pl_strlcpy(out, copy, cap);
			found = 1;
		}
	}
	pl_release(db, st);
	return found;
}

static long day_of(const char *date, int last)
{
	parley_date d;
	if (!date || parley_date_parse(date, strlen(date), &d, NULL) != PARLEY_OK)
		return last ? -2147483647L : 2147483647L; /* an unreadable date overlaps nothing */
	return last ? parley_date_last_day(d) : parley_date_first_day(d);
}

static long cand_day(const char *ymd)
{
	parley_date d;
	if (parley_date_parse(ymd, strlen(ymd), &d, NULL) != PARLEY_OK)
		return 0;
	return parley_date_first_day(d);
}

/* Sets c->match from the visits of the same pair (either direction). */
int pl_candidate_match(parley_db *db, parley_candidate *c, parley_err *err)
{
	sqlite3_stmt *st;
	int rc = pl_prepare_cached(db, "SELECT id, status, start_date, end_date FROM visit WHERE"
	                               " (from_country=?1 AND to_country=?2) OR (from_country=?2 AND to_country=?1)"
	                               " ORDER BY start_date, id", &st, err);
	if (rc)
		return rc;
	long first = cand_day(c->start) - 1, last = cand_day(c->end) + 1;
	sqlite3_bind_text(st, 1, c->from, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, c->to, -1, SQLITE_STATIC);
	int best = 0; /* 3 known, 2 rejected, 1 stored */
	int r;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		const char *status = (const char *)sqlite3_column_text(st, 1);
		const char *start = (const char *)sqlite3_column_text(st, 2);
		const char *end = (const char *)sqlite3_column_text(st, 3);
		long vs = day_of(start, 0), ve = end ? day_of(end, 1) : day_of(start, 1);
		int same_id = id && strcmp(id, c->id) == 0;
		if (!same_id && (ve < first || vs > last))
			continue;
		int rank = status && (strcmp(status, "confirmed") == 0 || strcmp(status, "reported") == 0) ? 3
		           : status && strcmp(status, "rejected") == 0                                   ? 2
		                                                                                          : 1;
		if (rank > best) {
			best = rank;
			pl_strlcpy(c->match, rank == 3 ? "known" : rank == 2 ? "rejected" : "stored", sizeof c->match);
			pl_strlcpy(c->match_id, id ? id : "", sizeof c->match_id);
		}
	}
	rc = r == SQLITE_DONE ? PARLEY_OK : pl_db_error(db, err, "discover gdelt: matching visits");
	pl_release(db, st);
	if (rc)
		return rc;
	if (!best)
		pl_strlcpy(c->match, "new", sizeof c->match);
	return PARLEY_OK;
}

static int exec_bound(parley_db *db, sqlite3_stmt *st, parley_err *err, const char *what)
{
	int r = sqlite3_step(st);
	sqlite3_reset(st);
	if (r != SQLITE_DONE)
		return pl_db_error(db, err, what);
	return PARLEY_OK;
}

/* Makes sure a country row exists; a missing one is added from the FIPS
 * table's name (standard reference data, never a guess). */
static int ensure_country(parley_db *db, const char *code, parley_report *rep, parley_err *err)
{
	sqlite3_stmt *st;
	int rc = pl_prepare(db, "SELECT 1 FROM country WHERE code=?", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	int found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (found)
		return PARLEY_OK;
	const char *name = pl_iso3_name(code);
	if (!name)
		return PARLEY_ENOTFOUND;
	rc = pl_prepare(db, "INSERT INTO country(code, name) VALUES(?, ?)", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	rc = exec_bound(db, st, err, "discover gdelt: adding a country");
	sqlite3_finalize(st);
	if (rc == PARLEY_OK && rep)
		parley_report_add(rep, PARLEY_INFO, NULL, 0, 0, NULL, "country", "gdelt-country-added",
		                  "added country %s (%s) to the store for GDELT candidates", code, name);
	return rc;
}

int pl_candidates_store(parley_db *db, parley_candidates *cs, const char *actor, parley_report *rep,
                        parley_err *err)
{
	int rc = parley_set_actor(db, actor, err);
	if (rc)
		return rc;
	rc = pl_begin(db, err);
	if (rc)
		return rc;
	sqlite3_stmt *sv = NULL, *ss = NULL, *svs = NULL, *sx = NULL;
	rc = pl_prepare(db,
	                "INSERT INTO visit(id, visitor_label, level, from_country, to_country, start_date,"
	                " end_date, type, summary, confidence, status) VALUES(?,?,'unknown',?,?,?,?,"
	                "'unknown',?,'low','candidate')",
	                &sv, err);
	if (!rc)
		rc = pl_prepare(db, "INSERT OR IGNORE INTO source(id, url) VALUES(?, ?)", &ss, err);
	if (!rc)
		rc = pl_prepare(db, "INSERT OR IGNORE INTO visit_source(visit, source) VALUES(?, ?)", &svs, err);
	if (!rc)
		rc = pl_prepare(db,
		                "INSERT OR IGNORE INTO external_id(entity, entity_id, scheme, value)"
		                " VALUES('visit', ?, 'gdelt', ?)",
		                &sx, err);
	for (size_t i = 0; rc == PARLEY_OK && i < cs->n; i++) {
		parley_candidate *c = &cs->v[i];
		if (strcmp(c->match, "new") != 0)
			continue;
		int crc = ensure_country(db, c->from, rep, err);
		if (crc == PARLEY_OK)
			crc = ensure_country(db, c->to, rep, err);
		if (crc == PARLEY_ENOTFOUND) {
			if (rep)
				parley_report_add(rep, PARLEY_WARNING, NULL, 0, 0, c->id, "from_country",
				                  "gdelt-unknown-country",
				                  "candidate not stored: country %s/%s is not in the store", c->from,
				                  c->to);
			pl_strlcpy(c->match, "not-stored", sizeof c->match);
			continue;
		}
		if ((rc = crc))
			break;
		char summary[512];
		snprintf(summary, sizeof summary,
		         "GDELT candidate: %ld events (%s) on %d day(s); %ld sources, %ld articles, %ld "
		         "mentions; score %.2f%s",
		         c->events, c->codes, c->days, c->sources, c->articles, c->mentions, c->score,
		         c->mirrored ? "; mirrored 042/043" : "");
		sqlite3_bind_text(sv, 1, c->id, -1, SQLITE_STATIC);
		pl_bind_text_or_null(sv, 2, c->label);
		sqlite3_bind_text(sv, 3, c->from, -1, SQLITE_STATIC);
		sqlite3_bind_text(sv, 4, c->to, -1, SQLITE_STATIC);
		sqlite3_bind_text(sv, 5, c->start, -1, SQLITE_STATIC);
		pl_bind_text_or_null(sv, 6, strcmp(c->start, c->end) ? c->end : NULL);
		sqlite3_bind_text(sv, 7, summary, -1, SQLITE_TRANSIENT);
		if ((rc = exec_bound(db, sv, err, "discover gdelt: storing a candidate")))
			break;
		for (size_t k = 0; rc == PARLEY_OK && k < c->nurls; k++) {
			char sid[32];
			pl_source_id(c->urls[k], sid, sizeof sid);
			sqlite3_bind_text(ss, 1, sid, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(ss, 2, c->urls[k], -1, SQLITE_STATIC);
			rc = exec_bound(db, ss, err, "discover gdelt: storing a source");
			if (rc)
				break;
			sqlite3_bind_text(svs, 1, c->id, -1, SQLITE_STATIC);
			sqlite3_bind_text(svs, 2, sid, -1, SQLITE_TRANSIENT);
			rc = exec_bound(db, svs, err, "discover gdelt: linking a source");
		}
		for (size_t k = 0; rc == PARLEY_OK && k < c->nevent_ids; k++) {
			sqlite3_bind_text(sx, 1, c->id, -1, SQLITE_STATIC);
			sqlite3_bind_text(sx, 2, c->event_ids[k], -1, SQLITE_STATIC);
			rc = exec_bound(db, sx, err, "discover gdelt: storing an event id");
		}
	}
	sqlite3_finalize(sv);
	sqlite3_finalize(ss);
	sqlite3_finalize(svs);
	sqlite3_finalize(sx);
	if (rc) {
		pl_rollback(db);
		return rc;
	}
	return pl_commit(db, err);
}
