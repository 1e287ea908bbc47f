/*
 * check.c - validation of the records (parley check).
 *
 * Rules, each with a stable code (docs/check.md):
 *  errors:   end-before-start, same-country, no-source, visitor-not-born,
 *            visitor-dead, not-in-office, unknown-reference, bad-date,
 *            bad-utf8, nul-byte (text an older store let in),
 *            duplicate-external-id
 *  warnings: likely-duplicate (same visitor and host, overlapping dates),
 *            level-without-office, source-incomplete (a source without a
 *            title or a publication date, so it cannot be cited)
 * Dates follow the precision rules of parley.h: a rule fails only when it
 * fails for every day a partial date could be, so "1953-11" never breaks
 * a rule that some day of November 1953 satisfies.
 */
#include "internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A visit with a visitor, for the likely-duplicate rule: the visitor and
 * host as their ranks among the distinct values (names: ranks in strcmp
 * order), so a million rows sort by comparing numbers, not by following
 * two string pointers each time (at 1M visits that sort was a fifth of
 * check: issue 13). */
typedef struct vrow {
	char *id;
	uint32_t visitor, to; /* ordinals while reading, ranks once sorted */
	parley_date start, end;
	int has_end;
} vrow;

/* The distinct texts of one column: each one's ordinal (order of first
 * appearance) in its slot's n, then its rank in strcmp order. */
typedef struct names {
	pl_map map;
	const char **by_rank; /* the texts in strcmp order (the map's keys) */
	uint32_t *rank;       /* rank of each ordinal */
} names;

/* The ordinal of s among nm's texts, added when new; -1 when out of memory. */
static long name_ordinal(names *nm, const char *s)
{
	int added;
	pl_map_slot *k = pl_map_put(&nm->map, s, strlen(s), &added);
	if (!k || nm->map.n > UINT32_MAX)
		return -1;
	if (added)
		k->n = (long)nm->map.n - 1;
	return k->n;
}

static int cmp_text(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Ranks of nm's texts in strcmp order (by_rank, rank); -1 when out of memory. */
static int name_ranks(names *nm)
{
	size_t n = nm->map.n;
	nm->by_rank = malloc((n ? n : 1) * sizeof *nm->by_rank);
	nm->rank = malloc((n ? n : 1) * sizeof *nm->rank);
	if (!nm->by_rank || !nm->rank)
		return -1;
	for (size_t i = 0; i < nm->map.cap; i++)
		if (nm->map.slot[i].key)
			nm->by_rank[nm->map.slot[i].n] = nm->map.slot[i].key;
	/* by_rank holds the texts by ordinal: sort copies of the pointers, then
	 * find each ordinal's rank from its text's place */
	qsort(nm->by_rank, n, sizeof *nm->by_rank, cmp_text);
	for (size_t r = 0; r < n; r++) {
		const pl_map_slot *k = pl_map_find(&nm->map, nm->by_rank[r], strlen(nm->by_rank[r]));
		nm->rank[k->n] = (uint32_t)r;
	}
	return 0;
}

static void names_free(names *nm)
{
	free(nm->by_rank);
	free(nm->rank);
	pl_map_free(&nm->map);
}

static int get_date(sqlite3_stmt *st, int col, parley_date *d)
{
	const char *s = (const char *)sqlite3_column_text(st, col);
	return s && parley_date_parse(s, strlen(s), d, NULL) == PARLEY_OK;
}

static long last_of_period(const vrow *v)
{
	return parley_date_last_day(v->has_end ? v->end : v->start);
}

/* By visitor, host (both by their texts' strcmp order, as ranks), start and id. */
static int cmp_vrow(const void *a, const void *b)
{
	const vrow *x = a, *y = b;
	if (x->visitor != y->visitor)
		return x->visitor < y->visitor ? -1 : 1;
	if (x->to != y->to)
		return x->to < y->to ? -1 : 1;
	int c = parley_date_cmp(x->start, y->start);
	return c ? c : strcmp(x->id, y->id);
}

#define ADD(rep, sev, rec, field, code, ...) \
	parley_report_add(rep, sev, NULL, 0, 0, rec, field, code, __VA_ARGS__)

static int check_dates(parley_db *db, parley_report *rep, const char *table, parley_err *err)
{
	char sql[160];
	snprintf(sql, sizeof sql, "SELECT id, start_date, end_date FROM %s ORDER BY id", table);
	sqlite3_stmt *st;
	int rc = pl_prepare(db, sql, &st, err);
	if (rc)
		return rc;
	while (sqlite3_step(st) == SQLITE_ROW) {
		char rec[256];
		snprintf(rec, sizeof rec, "%s:%s", table, (const char *)sqlite3_column_text(st, 0));
		parley_date s, e;
		int hs = get_date(st, 1, &s), he = get_date(st, 2, &e);
		if (!hs)
			ADD(rep, PARLEY_ERROR, rec, "start_date", "bad-date", "start date missing or invalid");
		if (sqlite3_column_type(st, 2) != SQLITE_NULL && !he)
			ADD(rep, PARLEY_ERROR, rec, "end_date", "bad-date", "end date invalid");
		if (hs && he && parley_date_last_day(e) < parley_date_first_day(s)) {
			char a[16], b[16];
			ADD(rep, PARLEY_ERROR, rec, "end_date", "end-before-start",
			    "end %s is before start %s", parley_date_format(e, b, sizeof b),
			    parley_date_format(s, a, sizeof a));
		}
	}
	sqlite3_finalize(st);
	return PARLEY_OK;
}

static int check_visits(parley_db *db, parley_report *rep, parley_err *err)
{
	sqlite3_stmt *st, *ten, *pl;
	int rc = pl_prepare(db,
	                    "SELECT v.id, v.visitor, v.visitor_office, v.from_country, v.to_country,"
	                    " v.start_date, v.end_date, p.birth_date, p.death_date, v.level,"
	                    " (SELECT count(*) FROM visit_source s WHERE s.visit = v.id), v.status"
	                    " FROM visit v LEFT JOIN person p ON p.id = v.visitor ORDER BY v.id",
	                    &st, err);
	if (rc)
		return rc;
	if ((rc = pl_prepare(db, "SELECT start_date, end_date FROM tenure WHERE person = ?1 AND office = ?2",
	                     &ten, err))) {
		sqlite3_finalize(st);
		return rc;
	}
	/* Paramount-leader tenures of the visiting country, for the level rule. */
	if ((rc = pl_prepare(db,
	                     "SELECT t.person, t.start_date, t.end_date FROM tenure t JOIN office o"
	                     " ON o.id = t.office WHERE o.country = ?1 AND o.rank = 'paramount_leader'",
	                     &pl, err))) {
		sqlite3_finalize(st);
		sqlite3_finalize(ten);
		return rc;
	}
	vrow *rows = NULL;
	size_t n = 0, cap = 0;
	names vis = {{0}, NULL, NULL}, hosts = {{0}, NULL, NULL};
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		const char *visitor = (const char *)sqlite3_column_text(st, 1);
		const char *office = (const char *)sqlite3_column_text(st, 2);
		const char *from = (const char *)sqlite3_column_text(st, 3);
		const char *to = (const char *)sqlite3_column_text(st, 4);
		const char *level = (const char *)sqlite3_column_text(st, 9);
		char rec[256];
		snprintf(rec, sizeof rec, "visit:%s", id);
		if (from && to && strcmp(from, to) == 0)
			ADD(rep, PARLEY_ERROR, rec, "to_country", "same-country",
			    "visiting and host country are both %s", from);
		const char *status = (const char *)sqlite3_column_text(st, 11);
		/* a candidate is not counted by any figure until accepted */
		if (sqlite3_column_int(st, 10) == 0 && !(status && strcmp(status, "candidate") == 0))
			ADD(rep, PARLEY_ERROR, rec, "visit_source", "no-source",
			    "the visit has no source");
		parley_date s, e, birth, death;
		if (!get_date(st, 5, &s))
			continue;
		int he = get_date(st, 6, &e);
		long first = parley_date_first_day(s), last = parley_date_last_day(he ? e : s);
		if (visitor && get_date(st, 7, &birth) && last < parley_date_first_day(birth)) {
			char b[16];
			ADD(rep, PARLEY_ERROR, rec, "visitor", "visitor-not-born",
			    "%s was born %s, after the visit", visitor,
			    parley_date_format(birth, b, sizeof b));
		}
		if (visitor && get_date(st, 8, &death) && first > parley_date_last_day(death)) {
			char b[16];
			ADD(rep, PARLEY_ERROR, rec, "visitor", "visitor-dead",
			    "%s died %s, before the visit", visitor,
			    parley_date_format(death, b, sizeof b));
		}
		if (visitor && office) {
			sqlite3_reset(ten);
			sqlite3_bind_text(ten, 1, visitor, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(ten, 2, office, -1, SQLITE_TRANSIENT);
			int any = 0, held = 0;
			while (sqlite3_step(ten) == SQLITE_ROW) {
				parley_date ts, te;
				any = 1;
				if (!get_date(ten, 0, &ts))
					continue;
				int open = !get_date(ten, 1, &te);
				/* held on some possible day of the visit's start */
				if (parley_date_first_day(ts) <= parley_date_last_day(s) &&
				    (open || parley_date_last_day(te) >= first))
					held = 1;
			}
			if (any && !held)
				ADD(rep, PARLEY_ERROR, rec, "visitor_office", "not-in-office",
				    "%s did not hold office %s on the visit's start date", visitor, office);
		}
		if (visitor && level && strcmp(level, "paramount_leader") == 0 && from) {
			sqlite3_reset(pl);
			sqlite3_bind_text(pl, 1, from, -1, SQLITE_TRANSIENT);
			int any = 0, held = 0;
			while (sqlite3_step(pl) == SQLITE_ROW) {
				parley_date ts, te;
				any = 1;
				const char *who = (const char *)sqlite3_column_text(pl, 0);
				if (!who || strcmp(who, visitor) != 0 || !get_date(pl, 1, &ts))
					continue;
				int open = !get_date(pl, 2, &te);
				if (parley_date_first_day(ts) <= parley_date_last_day(s) &&
				    (open || parley_date_last_day(te) >= first))
					held = 1;
			}
			if (any && !held)
				ADD(rep, PARLEY_WARNING, rec, "level", "level-without-office",
				    "level is paramount_leader but %s held no paramount-leader tenure of %s then",
				    visitor, from);
		}
		if (visitor) {
			vrow *r2 = pl_grow(rows, &cap, n + 1, sizeof *r2, 256);
			long vo = name_ordinal(&vis, visitor), to_o = name_ordinal(&hosts, to ? to : "");
			char *idc = strdup(id);
			if (!r2 || vo < 0 || to_o < 0 || !idc) {
				free(idc);
				if (r2)
					rows = r2;
				rc = parley_err_set(err, PARLEY_ENOMEM, "out of memory");
				break;
			}
			rows = r2;
			rows[n++] = (vrow){idc, (uint32_t)vo, (uint32_t)to_o, s, he ? e : s, he};
		}
	}
	sqlite3_finalize(st);
	sqlite3_finalize(ten);
	sqlite3_finalize(pl);
	/* Likely duplicates: the same visitor in the same host country on
	 * overlapping dates.  (Overlapping trips to different countries are how
	 * a journey through several countries is recorded, one row a country.) */
	if (!rc && n && (name_ranks(&vis) || name_ranks(&hosts)))
		rc = parley_err_set(err, PARLEY_ENOMEM, "out of memory");
	for (size_t i = 0; !rc && i < n; i++) {
		rows[i].visitor = vis.rank[rows[i].visitor];
		rows[i].to = hosts.rank[rows[i].to];
	}
	if (!rc && n)
		qsort(rows, n, sizeof *rows, cmp_vrow);
	for (size_t i = 0; !rc && i + 1 < n; i++) {
		for (size_t j = i + 1;
		     j < n && rows[j].visitor == rows[i].visitor && rows[j].to == rows[i].to; j++) {
			if (parley_date_first_day(rows[j].start) > last_of_period(&rows[i]))
				break;
			char rec[256];
			snprintf(rec, sizeof rec, "visit:%s", rows[j].id);
			ADD(rep, PARLEY_WARNING, rec, "start_date", "likely-duplicate",
			    "same visitor (%s) and host (%s) on overlapping dates as visit %s",
			    vis.by_rank[rows[i].visitor], hosts.by_rank[rows[i].to], rows[i].id);
		}
	}
	for (size_t i = 0; i < n; i++)
		free(rows[i].id);
	free(rows);
	names_free(&vis);
	names_free(&hosts);
	return rc;
}

/* A citation needs at least a title and a publication date; each source
 * lacking either is listed, so the maintainers know what is left to fill. */
static int check_sources(parley_db *db, parley_report *rep, parley_err *err)
{
	sqlite3_stmt *st;
	int rc = pl_prepare(db,
	                    "SELECT id, title IS NULL OR title = '', published IS NULL OR published = '',"
	                    " COALESCE(url, citation) FROM source"
	                    " WHERE title IS NULL OR title = '' OR published IS NULL OR published = ''"
	                    " ORDER BY id",
	                    &st, err);
	if (rc)
		return rc;
	while (sqlite3_step(st) == SQLITE_ROW) {
		char rec[256];
		snprintf(rec, sizeof rec, "source:%s", (const char *)sqlite3_column_text(st, 0));
		int no_title = sqlite3_column_int(st, 1), no_date = sqlite3_column_int(st, 2);
		const char *where = (const char *)sqlite3_column_text(st, 3);
		ADD(rep, PARLEY_WARNING, rec, no_title ? "title" : "published", "source-incomplete",
		    "source has no %s: %s",
		    no_title && no_date ? "title and no publication date" : no_title ? "title"
		                                                                     : "publication date",
		    where ? where : "");
	}
	sqlite3_finalize(st);
	return PARLEY_OK;
}

static int check_references(parley_db *db, parley_report *rep, parley_err *err)
{
	sqlite3_stmt *st;
	int rc = pl_prepare(db, "PRAGMA foreign_key_check", &st, err);
	if (rc)
		return rc;
	while (sqlite3_step(st) == SQLITE_ROW) {
		char rec[128];
		snprintf(rec, sizeof rec, "%s:rowid %lld", (const char *)sqlite3_column_text(st, 0),
		         (long long)sqlite3_column_int64(st, 1));
		ADD(rep, PARLEY_ERROR, rec, NULL, "unknown-reference", "refers to a missing %s",
		    (const char *)sqlite3_column_text(st, 2));
	}
	sqlite3_finalize(st);
	return PARLEY_OK;
}

/* Every text value of every concept must be valid UTF-8 without NUL bytes:
 * import refuses both now, but an older store (or a discovery run before
 * the rule) may hold them, and they break exports and pages. */
static int check_text(parley_db *db, parley_report *rep, parley_err *err)
{
	int rc = PARLEY_OK;
	for (size_t ci = 0; !rc && ci < pl_concept_count(); ci++) {
		const pl_concept *c = pl_concept_at(ci);
		pl_buf sql;
		pl_buf_init(&sql, 4096);
		int brc = pl_buf_puts(&sql, "SELECT ");
		for (size_t i = 0; i < c->ncols; i++)
			brc |= pl_buf_printf(&sql, "%s%s", i ? ", " : "", c->cols[i].name);
		brc |= pl_buf_printf(&sql, " FROM %s ORDER BY rowid", c->name);
		sqlite3_stmt *st = NULL;
		if (brc)
			rc = parley_err_set(err, PARLEY_ENOMEM, "out of memory");
		else
			rc = pl_prepare(db, sql.data, &st, err);
		pl_buf_free(&sql);
		while (!rc && sqlite3_step(st) == SQLITE_ROW) {
			char rec[256];
			size_t o = (size_t)snprintf(rec, sizeof rec, "%s:", c->name);
			for (size_t i = 0, first = 1; i < c->ncols && o < sizeof rec; i++) {
				if (!c->cols[i].key)
					continue;
				/* the key as far as it is readable text: up to a NUL */
				o += (size_t)snprintf(rec + o, sizeof rec - o, "%s%.60s", first ? "" : "/",
				                      (const char *)sqlite3_column_text(st, (int)i));
				first = 0;
			}
			for (size_t i = 0; i < c->ncols; i++) {
				if (sqlite3_column_type(st, (int)i) == SQLITE_NULL ||
				    sqlite3_column_type(st, (int)i) == SQLITE_INTEGER)
					continue;
				const char *v = (const char *)sqlite3_column_text(st, (int)i);
				size_t n = (size_t)sqlite3_column_bytes(st, (int)i);
				if (!v)
					continue;
				const char *z = memchr(v, '\0', n);
				long bad = pl_utf8_invalid_at(v, n);
				if (z)
					ADD(rep, PARLEY_ERROR, rec, c->cols[i].name, "nul-byte",
					    "%s holds a NUL byte at byte %zu of %zu", c->cols[i].name,
					    (size_t)(z - v) + 1, n);
				else if (bad >= 0)
					ADD(rep, PARLEY_ERROR, rec, c->cols[i].name, "bad-utf8",
					    "%s holds invalid UTF-8 at byte %ld (0x%02X)", c->cols[i].name,
					    bad + 1, (unsigned)(unsigned char)v[bad]);
			}
		}
		sqlite3_finalize(st);
	}
	return rc;
}

/* One external id names one record: two visits that carry the same
 * scheme:value are the same visit recorded twice (an import that added
 * instead of linking, see import --match). */
static int check_external_ids(parley_db *db, parley_report *rep, parley_err *err)
{
	sqlite3_stmt *st;
	int rc = pl_prepare(db,
	                    "SELECT entity, scheme, value, group_concat(entity_id, ', '),"
	                    " min(entity_id), count(DISTINCT entity_id)"
	                    " FROM (SELECT * FROM external_id ORDER BY entity_id)"
	                    " GROUP BY entity, scheme, value HAVING count(DISTINCT entity_id) > 1"
	                    " ORDER BY entity, scheme, value",
	                    &st, err);
	if (rc)
		return rc;
	while (sqlite3_step(st) == SQLITE_ROW) {
		char rec[256];
		snprintf(rec, sizeof rec, "%s:%s", (const char *)sqlite3_column_text(st, 0),
		         (const char *)sqlite3_column_text(st, 4));
		ADD(rep, PARLEY_ERROR, rec, "external_id", "duplicate-external-id",
		    "%s:%s is the external id of %d %s records: %s",
		    (const char *)sqlite3_column_text(st, 1), (const char *)sqlite3_column_text(st, 2),
		    sqlite3_column_int(st, 5), (const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 3));
	}
	sqlite3_finalize(st);
	return PARLEY_OK;
}

int parley_check(parley_db *db, parley_report *rep, parley_err *err)
{
	if (!db || !rep)
		return parley_err_set(err, PARLEY_EINVAL, "parley_check: no store or report");
	int rc = check_dates(db, rep, "visit", err);
	if (!rc)
		rc = check_dates(db, rep, "tenure", err);
	if (!rc)
		rc = check_visits(db, rep, err);
	if (!rc)
		rc = check_sources(db, rep, err);
	if (!rc)
		rc = check_references(db, rep, err);
	if (!rc)
		rc = check_external_ids(db, rep, err);
	if (!rc)
		rc = check_text(db, rep, err);
	return rc;
}
