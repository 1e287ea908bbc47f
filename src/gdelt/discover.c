/*
 * discover.c - `discover gdelt --between A:B`: candidate visits.
 *
 * The scan hands over rows of the pair; this sink keeps those with the
 * meeting/visit codes and a government or leadership actor type as events.
 * After the scan the places are mapped to ISO3 (the store's country.fips
 * first, then the table in fips.c), the events are folded (candidate.c),
 * compared with the visits in the store and, when asked, the new ones are
 * stored as visits with status 'candidate' in one transaction, with their
 * URLs as sources and their event ids as external_id rows (scheme 'gdelt').
 */
#include "gdelt.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct disc_ctx {
	pl_gdelt_filter filter;
	const char *types;
	char a[4], b[4];
	_Atomic long kept;  /* distinct events kept by all workers */
} disc_ctx;

/* Events kept by one worker, made unique by GLOBALEVENTID as they come (an
 * open-addressing table of indexes into ev), so a file of one event
 * repeated millions of times keeps one event, not millions. */
typedef struct disc_worker {
	disc_ctx *ctx;
	pl_gdelt_event *ev;
	size_t n, cap;
	long matched;       /* rows kept, duplicates included (the summary's count) */
	uint32_t *slot;     /* index + 1 into ev; 0 = empty */
	size_t nslots;      /* a power of two, at least twice n */
} disc_worker;

static void *disc_user_new(void *ctx)
{
	disc_worker *d = calloc(1, sizeof *d);
	if (d)
		d->ctx = ctx;
	return d;
}

static uint64_t id_hash(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ULL;
	return h;
}

/* The slot for the id: the one holding it, or the empty one where it goes. */
static size_t id_slot(const disc_worker *d, const char *id, size_t n)
{
	size_t mask = d->nslots - 1, i = (size_t)id_hash(id, n) & mask;
	while (d->slot[i]) {
		const char *have = d->ev[d->slot[i] - 1].id;
		if (strlen(have) == n && memcmp(have, id, n) == 0)
			return i;
		i = (i + 1) & mask;
	}
	return i;
}

static int id_table_grow(disc_worker *d)
{
	size_t ns = d->nslots ? d->nslots * 2 : 1024;
	uint32_t *v = calloc(ns, sizeof *v);
	if (!v)
		return PARLEY_ENOMEM;
	free(d->slot);
	d->slot = v;
	d->nslots = ns;
	for (size_t k = 0; k < d->n; k++)
		d->slot[id_slot(d, d->ev[k].id, strlen(d->ev[k].id))] = (uint32_t)(k + 1);
	return PARLEY_OK;
}

/* Why a text field may not be stored: invalid UTF-8 or a NUL byte (static
 * text naming the field), or NULL when it is fine. */
static const char *bad_text(const pl_gdelt_row *r, int i, const char *nul, const char *utf8)
{
	if (r->n[i] == 0)
		return NULL;
	if (memchr(r->f[i], '\0', r->n[i]))
		return nul;
	if (pl_utf8_invalid_at(r->f[i], r->n[i]) >= 0)
		return utf8;
	return NULL;
}

static const char *disc_row(pl_gdelt_worker *w, const pl_gdelt_row *r)
{
	disc_worker *d = w->user;
	long day;
	const char *why = NULL;
	int ok = pl_gdelt_filter_row(&d->ctx->filter, r, &day, &why);
	if (ok <= 0)
		return ok < 0 ? why : NULL;
	if (!pl_gdelt_row_has_type(r, d->ctx->types))
		return NULL;
	if (r->n[PL_GD_ID] == 0 || r->n[PL_GD_ID] >= sizeof d->ev[0].id)
		return "GLOBALEVENTID empty or too long";
	/* Text that would be stored (the visitor label, source URLs) must be
	 * UTF-8 without NUL bytes, like everything else in the store. */
	int uf = pl_gdelt_url_field(r->nfields);
	if ((why = bad_text(r, PL_GD_A1NAME, "Actor1Name contains a NUL byte",
	                    "Actor1Name is not valid UTF-8")) ||
	    (why = bad_text(r, PL_GD_A2NAME, "Actor2Name contains a NUL byte",
	                    "Actor2Name is not valid UTF-8")) ||
	    (uf >= 0 && (why = bad_text(r, uf, "SOURCEURL contains a NUL byte",
	                                "SOURCEURL is not valid UTF-8"))))
		return why;
	if (2 * (d->n + 1) > d->nslots && id_table_grow(d) != PARLEY_OK) {
		w->status = PARLEY_ENOMEM;
		return NULL;
	}
	d->matched++;
	size_t at = id_slot(d, r->f[PL_GD_ID], r->n[PL_GD_ID]);
	if (d->slot[at])
		return NULL; /* an event already kept (the same file read twice) */
	if (atomic_fetch_add(&d->ctx->kept, 1) >= PL_GDELT_MAX_EVENTS) {
		pl_gdelt_scan_limit(w, "discover gdelt: more than %ld distinct candidate events between "
		                       "%s and %s (the limit); narrow the query (--since/--until, "
		                       "--codes, --types) or scan fewer files at a time",
		                    (long)PL_GDELT_MAX_EVENTS, d->ctx->a, d->ctx->b);
		return NULL;
	}
	pl_gdelt_event *v = pl_grow(d->ev, &d->cap, d->n + 1, sizeof *v, 64);
	if (!v) {
		w->status = PARLEY_ENOMEM;
		return NULL;
	}
	d->ev = v;
	if (pl_gdelt_event_from_row(r, day, &d->ev[d->n]) != PARLEY_OK) {
		w->status = PARLEY_ENOMEM;
		return NULL;
	}
	d->n++;
	d->slot[at] = (uint32_t)d->n;
	return NULL;
}

/* ------------------------------------------------------------------ */
/* The store: places, matching, storing                                 */
/* ------------------------------------------------------------------ */

static int table_exists(sqlite3 *sql, const char *name)
{
	sqlite3_stmt *st;
	int found = 0;
	if (sqlite3_prepare_v2(sql, "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", -1,
	                       &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

/* Maps every event's FIPS place to ISO3: the store's country.fips first. */
static void map_places(parley_db *db, pl_gdelt_event *ev, size_t n)
{
	sqlite3_stmt *st = NULL;
	if (db)
		sqlite3_prepare_v2(parley_sqlite(db), "SELECT code FROM country WHERE fips=? LIMIT 2", -1,
		                   &st, NULL);
	for (size_t i = 0; i < n; i++) {
		ev[i].place[0] = '\0';
		if (!ev[i].place_fips[0])
			continue;
		if (st) {
			sqlite3_reset(st);
			sqlite3_bind_text(st, 1, ev[i].place_fips, -1, SQLITE_STATIC);
			if (sqlite3_step(st) == SQLITE_ROW) {
				const char *code = (const char *)sqlite3_column_text(st, 0);
				char copy[8];
				pl_strlcpy(copy, code ? code : "", sizeof copy);
				/* Only an unambiguous answer overrides the table. */
				if (copy[0] && sqlite3_step(st) == SQLITE_DONE) {
					pl_strlcpy(ev[i].place, copy, sizeof ev[i].place);
					continue;
				}
			}
		}
		const char *iso = pl_fips_to_iso3(ev[i].place_fips, 2);
		if (iso)
			pl_strlcpy(ev[i].place, iso, sizeof ev[i].place);
	}
	sqlite3_finalize(st);
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
static int match_one(parley_db *db, sqlite3_stmt *st, parley_candidate *c, parley_err *err)
{
	(void)db;
	long first = cand_day(c->start) - 1, last = cand_day(c->end) + 1;
	sqlite3_reset(st);
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
	if (r != SQLITE_DONE)
		return pl_db_error(db, err, "discover gdelt: matching visits");
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

static int store_candidates(parley_db *db, parley_candidates *cs, const char *actor,
                            parley_report *rep, parley_err *err)
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

int parley_gdelt_discover(parley_db *db, const char *const *paths, size_t npaths,
                          const parley_gdelt_query *q, const parley_discover_opts *o,
                          parley_report *rep, parley_gdelt_stats *stats,
                          parley_candidates **out, parley_err *err)
{
	*out = NULL;
	if (!q || !q->country_a || !q->country_b || strlen(q->country_a) != 3 ||
	    strlen(q->country_b) != 3)
		return parley_err_set(err, PARLEY_EINVAL,
		                      "discover gdelt: --between A:B with 3-letter codes is required");
	parley_discover_opts defaults = {0};
	if (!o)
		o = &defaults;
	disc_ctx ctx;
	memset(&ctx, 0, sizeof ctx);
	ctx.types = o->types && *o->types ? o->types : "GOV,LEG,MIL";
	pl_strlcpy(ctx.a, q->country_a, sizeof ctx.a);
	pl_strlcpy(ctx.b, q->country_b, sizeof ctx.b);
	int rc = pl_gdelt_filter_init(&ctx.filter, q, err);
	if (rc)
		return rc;
	pl_gdelt_scan_opts so;
	pl_gdelt_scan_opts_for(&so, q, disc_row, disc_user_new, &ctx);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pl_gdelt_scan s;
	rc = pl_gdelt_scan_run(&s, &so, paths, npaths, rep, err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	pl_gdelt_event *all = NULL;
	size_t n = 0, cap = 0;
	long matched = 0;
	for (int i = 0; s.workers && i < s.nworkers; i++) {
		disc_worker *d = s.workers[i].user;
		if (!d)
			continue;
		matched += d->matched;
		if (s.workers[i].status && rc == PARLEY_OK)
			rc = pl_gdelt_status_err(&s, s.workers[i].status, 0, "discover gdelt", err);
		if (rc == PARLEY_OK && n + d->n > cap) {
			size_t nc = (n + d->n) * 2;
			pl_gdelt_event *v = realloc(all, nc * sizeof *v);
			if (!v)
				rc = parley_err_set(err, PARLEY_ENOMEM, "discover gdelt: out of memory");
			else {
				all = v;
				cap = nc;
			}
		}
		for (size_t k = 0; k < d->n; k++) {
			if (rc == PARLEY_OK)
				all[n++] = d->ev[k];
			else
				pl_gdelt_event_clear(&d->ev[k]);
		}
		free(d->ev);
		free(d->slot);
		free(d);
		s.workers[i].user = NULL;
	}
	if (stats)
		pl_gdelt_scan_stats(&s, stats, matched, &t0, &t1);
	pl_gdelt_scan_free(&s);
	parley_candidates *cs = NULL;
	if (rc == PARLEY_OK) {
		if (db && !table_exists(parley_sqlite(db), "country"))
			db = NULL;
		map_places(db, all, n);
		for (size_t i = 0; i < n; i++)
			pl_gdelt_event_direct(&all[i], q->country_a, q->country_b);
		rc = pl_gdelt_fold(all, n, &cs, err);
	}
	for (size_t i = 0; i < n; i++)
		pl_gdelt_event_clear(&all[i]);
	free(all);
	if (rc)
		return rc;
	/* Drop the candidates below the minimum score. */
	size_t keep = 0;
	for (size_t i = 0; i < cs->n; i++) {
		if (cs->v[i].score + 1e-9 < o->min_score) {
			pl_gdelt_candidate_clear(&cs->v[i]);
			continue;
		}
		cs->v[keep++] = cs->v[i];
	}
	cs->n = keep;
	if (db) {
		sqlite3_stmt *st = NULL;
		rc = pl_prepare(db,
		                "SELECT id, status, start_date, end_date FROM visit WHERE"
		                " (from_country=?1 AND to_country=?2) OR (from_country=?2 AND to_country=?1)"
		                " ORDER BY start_date, id",
		                &st, err);
		for (size_t i = 0; rc == PARLEY_OK && i < cs->n; i++)
			if (strcmp(cs->v[i].match, "not-stored") == 0)
				rc = match_one(db, st, &cs->v[i], err);
		sqlite3_finalize(st); /* also when a match failed: a live statement blocks close */
		st = NULL;
		if (rc == PARLEY_OK && o->store)
			rc = store_candidates(db, cs, o->actor ? o->actor : "discover:gdelt", rep, err);
		if (rc == PARLEY_OK && !o->store)
			for (size_t i = 0; i < cs->n; i++)
				if (strcmp(cs->v[i].match, "new") == 0)
					pl_strlcpy(cs->v[i].match, "not-stored", sizeof cs->v[i].match);
	}
	if (rc) {
		parley_candidates_free(cs);
		return rc;
	}
	*out = cs;
	return PARLEY_OK;
}

/* ------------------------------------------------------------------ */
/* Output                                                               */
/* ------------------------------------------------------------------ */

static int print_json(const parley_candidates *cs, FILE *out, parley_err *err)
{
	pl_buf b;
	pl_buf_init(&b, 0);
	int rc = pl_buf_puts(&b, "[");
	for (size_t i = 0; rc == PARLEY_OK && i < cs->n; i++) {
		const parley_candidate *c = &cs->v[i];
		json_t *o = json_pack(
		    "{s:o,s:o,s:o,s:o,s:s,s:s,s:i,s:I,s:I,s:I,s:I,s:b,s:f,s:o,s:o,s:o,s:o,s:o,s:o}", "id",
		    pl_json_text(c->id), "from", pl_json_text(c->from), "to", pl_json_text(c->to), "place",
		    pl_json_text(c->place), "start", c->start, "end", c->end, "days", c->days, "events",
		    (json_int_t)c->events, "sources", (json_int_t)c->sources, "articles",
		    (json_int_t)c->articles, "mentions", (json_int_t)c->mentions, "mirrored", c->mirrored,
		    "score", pl_json_round(c->score, 2), "match", pl_json_text(c->match), "match_id",
		    pl_json_text(c->match_id), "label", pl_json_text(c->label), "codes",
		    pl_json_text(c->codes), "event_ids",
		    pl_json_ids((const char *const *)c->event_ids, c->nevent_ids), "urls",
		    pl_json_ids((const char *const *)c->urls, c->nurls));
		rc = pl_json_item(&b, i, "\n ", o);
	}
	if (!rc)
		rc = pl_buf_puts(&b, "\n]\n");
	if (!rc)
		fputs(b.data, out);
	pl_buf_free(&b);
	return rc ? parley_err_set(err, rc, "discover gdelt: out of memory writing JSON") : PARLEY_OK;
}

int parley_candidates_print(const parley_candidates *cs, const char *format, FILE *out,
                            parley_err *err)
{
	if (!format || strcmp(format, "table") == 0) {
		fprintf(out, "%-10s %-10s %-4s %-4s %-5s %4s %6s %7s %8s %6s  %-17s %s\n", "start", "end",
		        "from", "to", "place", "days", "events", "sources", "articles", "score", "match",
		        "id");
		for (size_t i = 0; i < cs->n; i++) {
			const parley_candidate *c = &cs->v[i];
			fprintf(out, "%-10s %-10s %-4s %-4s %-5s %4d %6ld %7ld %8ld %6.2f  %-17s %s\n", c->start,
			        c->end, c->from[0] ? c->from : "?", c->to[0] ? c->to : "?",
			        c->place[0] ? c->place : "?", c->days, c->events, c->sources, c->articles,
			        c->score, c->match, c->match_id[0] ? c->match_id : c->id);
		}
	} else if (strcmp(format, "csv") == 0) {
		fputs("id,from,to,place,start,end,days,events,sources,articles,mentions,mirrored,score,"
		      "match,match_id,label,codes,event_ids,urls\n",
		      out);
		for (size_t i = 0; i < cs->n; i++) {
			const parley_candidate *c = &cs->v[i];
			fprintf(out, "%s,%s,%s,%s,%s,%s,%d,%ld,%ld,%ld,%ld,%d,%.2f,%s,%s,", c->id, c->from, c->to,
			        c->place, c->start, c->end, c->days, c->events, c->sources, c->articles,
			        c->mentions, c->mirrored, c->score, c->match, c->match_id);
			pl_csv_write_field(out, c->label);
			fputc(',', out);
			pl_csv_write_field(out, c->codes);
			fputc(',', out);
			pl_buf b;
			pl_buf_init(&b, 0);
			for (size_t k = 0; k < c->nevent_ids; k++)
				pl_buf_addf(&b, "%s%s", k ? " " : "", c->event_ids[k]);
			int lost = pl_buf_failed(&b);
			pl_csv_write_field(out, b.data ? b.data : "");
			fputc(',', out);
			pl_buf_free(&b);
			pl_buf_init(&b, 0);
			for (size_t k = 0; k < c->nurls; k++)
				pl_buf_addf(&b, "%s%s", k ? " " : "", c->urls[k]);
			lost = lost ? lost : pl_buf_failed(&b);
			pl_csv_write_field(out, b.data ? b.data : "");
			pl_buf_free(&b);
			fputc('\n', out);
			if (lost) /* a row without all its ids is no row */
				return parley_err_set(err, lost, "discover gdelt: %s", parley_strstatus(lost));
		}
	} else if (strcmp(format, "json") == 0) {
		int rc = print_json(cs, out, err);
		if (rc)
			return rc;
	} else {
		return parley_err_set(err, PARLEY_EINVAL, "--format: '%s' is not table, csv or json", format);
	}
	return ferror(out) ? parley_err_set(err, PARLEY_EIO, "discover gdelt: write failed") : PARLEY_OK;
}
