/*
 * tally_fill.c - the visit tallies refilled after a bulk import
 * (import_bulk.c) from one read of the visits, counted in memory.
 *
 * The tallies (schema.c, migration_tally, migration_tally_dir) count visits
 * per pair, year, direction, level, type and status; their first fill is a
 * GROUP BY over the visits, which sorts every visit by seven text columns:
 * 5.6 s of CPU at a million visits, and 2.4 s more for the tallies summed
 * from it (issue 13: 1M visits in 60 s).  Here each distinct value (a
 * country, a year, a level, a type, a status) gets a small number as the
 * visits are read, a visit's seven columns pack into one 64-bit key, and
 * the counts are summed in a hash table: one pass, no sort of the visits.
 * The tallies derived from the first (per year; per country; per
 * direction) are summed from its rows the same way.  Each is then written
 * in its primary key's order (the values' BINARY order), so every insert
 * appends.
 *
 * The counts are the GROUP BY's: the same groups (a value is its exact
 * bytes; the year is substr(start_date, 1, 4), four characters), the same
 * sums.  tests/unit/test_core_tally.c compares the two after every kind of
 * write, and test_core_import_bulk the bulk import's tallies with the row
 * by row ones.  A store whose values do not fit the key (more than 16,383
 * countries or years, 127 levels or types, 255 statuses) or hold a NUL is
 * refilled by the GROUP BY, as before.  The people's tally is the
 * migration's SQL (a few thousand rows).
 */
#include "internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The values of one kind, numbered from 0 as first seen. */
typedef struct dict {
	pl_map map; /* value -> slot.n = its number */
	const char **val; /* [number] = the value (the map's key) */
	size_t *len;
	unsigned *rank; /* [number] = its place in BINARY order */
	unsigned n, cap, max;
} dict;

/* Counts by 64-bit key: open addressing, n = 0 marks an empty slot (every
 * count is at least 1). */
typedef struct agg {
	uint64_t *key;
	long long *n;
	size_t cap, used;
} agg;

enum { D_COUNTRY, D_YEAR, D_LEVEL, D_TYPE, D_STATUS, ND };
/* how many values of each kind the keys hold (14, 14, 7, 7 and 8 bits) */
static const unsigned most[ND] = {16384, 16384, 128, 128, 256};

/* The key layouts (most significant first):
 *   visit_tally    from, to, year, level, type, status  (64 bits)
 *   per year       year, level, type, status
 *   per country    country (where visit_tally has to), year, level, type, status
 *   per direction  from, to, status (where visit_tally has them) */
#define F_STATUS(k) ((unsigned)(k) & 255u)
#define F_TYPE(k) ((unsigned)((k) >> 8) & 127u)
#define F_LEVEL(k) ((unsigned)((k) >> 15) & 127u)
#define F_YEAR(k) ((unsigned)((k) >> 22) & 16383u)
#define F_TO(k) ((unsigned)((k) >> 36) & 16383u)
#define F_FROM(k) ((unsigned)((k) >> 50) & 16383u)
#define K_YLTS(y, l, t, s) ((uint64_t)(y) << 22 | (uint64_t)(l) << 15 | (uint64_t)(t) << 8 | (s))

static void dict_free(dict *d)
{
	pl_map_free(&d->map);
	free(d->val);
	free(d->len);
	free(d->rank);
}

/* The number of s (n bytes) in d, added when new.  PARLEY_ELIMIT when it
 * would not fit the key, or holds a NUL (the map's keys are strings). */
static int dict_id(dict *d, const char *s, size_t n, unsigned *id)
{
	if (!s || memchr(s, 0, n))
		return PARLEY_ELIMIT;
	int added;
	pl_map_slot *slot = pl_map_put(&d->map, s, n, &added);
	if (!slot)
		return PARLEY_ENOMEM;
	if (!added) {
		*id = (unsigned)slot->n;
		return PARLEY_OK;
	}
	if (d->n >= d->max)
		return PARLEY_ELIMIT;
	if (d->n == d->cap) {
		size_t cap = d->cap;
		const char **v = pl_grow(d->val, &cap, d->n + 1, sizeof *v, 64);
		if (!v)
			return PARLEY_ENOMEM;
		d->val = v;
		cap = d->cap;
		size_t *l = pl_grow(d->len, &cap, d->n + 1, sizeof *l, 64);
		if (!l)
			return PARLEY_ENOMEM;
		d->len = l;
		d->cap = (unsigned)cap;
	}
	slot->n = d->n;
	d->val[d->n] = slot->key;
	d->len[d->n] = n;
	*id = d->n++;
	return PARLEY_OK;
}

typedef struct ranked {
	const char *v;
	size_t n;
	unsigned id;
} ranked;

static int by_value(const void *x, const void *y)
{
	const ranked *a = x, *b = y;
	return pl_bincmp(a->v, a->n, b->v, b->n);
}

/* d->rank, from the values' order. */
static int dict_rank(dict *d)
{
	ranked *order = malloc((d->n ? d->n : 1) * sizeof *order);
	d->rank = malloc((d->n ? d->n : 1) * sizeof *d->rank);
	if (!order || !d->rank) {
		free(order);
		return PARLEY_ENOMEM;
	}
	for (unsigned i = 0; i < d->n; i++)
		order[i] = (ranked){d->val[i], d->len[i], i};
	qsort(order, d->n, sizeof *order, by_value);
	for (unsigned i = 0; i < d->n; i++)
		d->rank[order[i].id] = i;
	free(order);
	return PARLEY_OK;
}

static uint64_t mix(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return k;
}

static size_t agg_slot(const agg *a, uint64_t k)
{
	size_t i = mix(k) & (a->cap - 1);
	while (a->n[i] && a->key[i] != k)
		i = (i + 1) & (a->cap - 1);
	return i;
}

static int agg_add(agg *a, uint64_t k, long long by)
{
	if ((a->used + 1) * 4 > a->cap * 3) { /* at most 3/4 full: linear probing copes */
		agg g = {.cap = a->cap ? a->cap * 2 : 1024};
		g.key = malloc(g.cap * sizeof *g.key);
		g.n = calloc(g.cap, sizeof *g.n);
		if (!g.key || !g.n) {
			free(g.key);
			free(g.n);
			return PARLEY_ENOMEM;
		}
		for (size_t i = 0; i < a->cap; i++)
			if (a->n[i]) {
				size_t j = agg_slot(&g, a->key[i]);
				g.key[j] = a->key[i];
				g.n[j] = a->n[i];
			}
		g.used = a->used;
		free(a->key);
		free(a->n);
		*a = g;
	}
	size_t i = agg_slot(a, k);
	if (!a->n[i]) {
		a->key[i] = k;
		a->used++;
	}
	a->n[i] += by;
	return PARLEY_OK;
}

static void agg_free(agg *a)
{
	free(a->key);
	free(a->n);
}

/* The year of a start_date as substr(start_date, 1, 4) gives it: four
 * characters (a character of UTF-8 is its lead byte and what follows). */
static size_t year_len(const char *s, size_t n)
{
	size_t i = 0;
	for (int c = 0; c < 4 && i < n; c++) {
		unsigned char b = (unsigned char)s[i++];
		if (b >= 0xc0)
			while (i < n && ((unsigned char)s[i] & 0xc0) == 0x80)
				i++;
	}
	return i;
}

/* A row to write: its key and count, and where it sorts. */
typedef struct row {
	uint64_t key, order_hi, order_lo;
	long long n;
} row;

static int by_order(const void *x, const void *y)
{
	const row *a = x, *b = y;
	if (a->order_hi != b->order_hi)
		return a->order_hi < b->order_hi ? -1 : 1;
	return (a->order_lo > b->order_lo) - (a->order_lo < b->order_lo);
}

typedef struct fill {
	parley_db *db;
	dict d[ND];
	agg tally, year, country, dir;
} fill;

/* Reads every visit into f->tally. */
static int count_visits(fill *f, parley_err *err)
{
	sqlite3_stmt *st;
	int rc = pl_prepare(f->db, "SELECT from_country, to_country, start_date, level, type, status FROM visit",
	                    &st, err);
	int s = SQLITE_DONE;
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		unsigned id[6];
		static const int kind[6] = {D_COUNTRY, D_COUNTRY, D_YEAR, D_LEVEL, D_TYPE, D_STATUS};
		for (int i = 0; !rc && i < 6; i++) {
			const char *v = (const char *)sqlite3_column_text(st, i);
			size_t n = (size_t)sqlite3_column_bytes(st, i);
			if (i == 2 && v)
				n = year_len(v, n);
			rc = dict_id(&f->d[kind[i]], v, n, &id[i]);
		}
		if (!rc)
			rc = agg_add(&f->tally, (uint64_t)id[0] << 50 | (uint64_t)id[1] << 36 |
			                            K_YLTS(id[2], id[3], id[4], id[5]), 1);
	}
	if (!rc && s != SQLITE_DONE)
		rc = pl_db_error(f->db, err, "reading visits for the tallies");
	sqlite3_finalize(st);
	return rc;
}

/* The tallies summed from visit_tally's rows. */
static int sum_tallies(fill *f)
{
	int rc = PARLEY_OK;
	for (size_t i = 0; !rc && i < f->tally.cap; i++) {
		if (!f->tally.n[i])
			continue;
		uint64_t k = f->tally.key[i];
		long long n = f->tally.n[i];
		uint64_t ylts = K_YLTS(F_YEAR(k), F_LEVEL(k), F_TYPE(k), F_STATUS(k));
		rc = agg_add(&f->year, ylts, n);
		if (!rc)
			rc = agg_add(&f->country, (uint64_t)F_FROM(k) << 36 | ylts, n);
		/* the other country too, unless it is the same (to <> from) */
		if (!rc && F_TO(k) != F_FROM(k))
			rc = agg_add(&f->country, (uint64_t)F_TO(k) << 36 | ylts, n);
		if (!rc)
			rc = agg_add(&f->dir, (uint64_t)F_FROM(k) << 50 | (uint64_t)F_TO(k) << 36 | F_STATUS(k), n);
	}
	return rc;
}

/* The rows of a, each with its place in the table's key order, sorted;
 * *out (caller frees). */
static int sorted(const fill *f, const agg *a, int table, row **out)
{
	row *r = malloc((a->used ? a->used : 1) * sizeof *r);
	if (!r)
		return PARLEY_ENOMEM;
	size_t n = 0;
	const unsigned *rk = f->d[D_COUNTRY].rank, *ry = f->d[D_YEAR].rank, *rl = f->d[D_LEVEL].rank,
	               *rt = f->d[D_TYPE].rank, *rs = f->d[D_STATUS].rank;
	for (size_t i = 0; i < a->cap; i++) {
		if (!a->n[i])
			continue;
		uint64_t k = a->key[i];
		row *w = &r[n++];
		w->key = k;
		w->n = a->n[i];
		uint64_t ylts = K_YLTS(ry[F_YEAR(k)], rl[F_LEVEL(k)], rt[F_TYPE(k)], rs[F_STATUS(k)]);
		switch (table) {
		case 0: { /* (pair_key, year, from, to, level, type, status): the
			   * pair's two countries in order first (the pair key's
			   * order where the codes are of one length, as ISO's are;
			   * any order would give the same table) */
			unsigned a1 = rk[F_FROM(k)], b1 = rk[F_TO(k)];
			unsigned lo = a1 < b1 ? a1 : b1, hi = a1 < b1 ? b1 : a1;
			w->order_hi = (uint64_t)lo << 42 | (uint64_t)hi << 28 | (uint64_t)ry[F_YEAR(k)] << 14 | a1;
			w->order_lo = (uint64_t)b1 << 22 | (ylts & ((1u << 22) - 1));
			break;
		}
		case 1: /* (year, level, type, status) */
			w->order_hi = 0;
			w->order_lo = ylts;
			break;
		case 2: /* (country, year, level, type, status) */
			w->order_hi = 0;
			w->order_lo = (uint64_t)rk[F_TO(k)] << 36 | ylts;
			break;
		default: /* (from, to, status) */
			w->order_hi = 0;
			w->order_lo = (uint64_t)rk[F_FROM(k)] << 36 | (uint64_t)rk[F_TO(k)] << 22 | rs[F_STATUS(k)];
			break;
		}
	}
	qsort(r, n, sizeof *r, by_order);
	*out = r;
	return PARLEY_OK;
}

static void bind_value(sqlite3_stmt *st, int i, const dict *d, unsigned id)
{
	sqlite3_bind_text(st, i, d->val[id], (int)d->len[id], SQLITE_STATIC);
}

/* Writes the rows of a into table (0 visit_tally, 1 per year, 2 per
 * country, 3 per direction). */
static int write_table(fill *f, agg *a, int table, parley_err *err)
{
	static const char *const sql[] = {
	    "INSERT INTO visit_tally VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	    "INSERT INTO visit_tally_year VALUES (?1, ?2, ?3, ?4, ?5)",
	    "INSERT INTO visit_tally_country VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	    "INSERT INTO visit_tally_dir VALUES (?1, ?2, ?3, ?4)"};
	row *r = NULL;
	int rc = sorted(f, a, table, &r);
	if (rc)
		return parley_err_set(err, rc, "tallies: out of memory");
	/* the counts are in r now: the table's memory (half a million rows at
	 * 1M visits) is not held while they are written */
	size_t nrows = a->used;
	agg_free(a);
	memset(a, 0, sizeof *a);
	sqlite3_stmt *st;
	rc = pl_prepare(f->db, sql[table], &st, err);
	pl_buf pair;
	pl_buf_init(&pair, 0);
	const dict *dc = &f->d[D_COUNTRY];
	for (size_t i = 0; !rc && i < nrows; i++) {
		uint64_t k = r[i].key;
		int p = 1;
		if (table == 0) {
			unsigned x = F_FROM(k), y = F_TO(k);
			/* CASE WHEN from < to THEN from:to ELSE to:from */
			int fwd = pl_bincmp(dc->val[x], dc->len[x], dc->val[y], dc->len[y]) < 0;
			pl_buf_reset(&pair);
			pl_buf_add(&pair, dc->val[fwd ? x : y], dc->len[fwd ? x : y]);
			pl_buf_addc(&pair, ':');
			pl_buf_add(&pair, dc->val[fwd ? y : x], dc->len[fwd ? y : x]);
			if (pl_buf_failed(&pair)) {
				rc = parley_err_set(err, PARLEY_ENOMEM, "tallies: out of memory");
				break;
			}
			sqlite3_bind_text(st, p++, pair.data, (int)pair.len, SQLITE_STATIC);
		}
		if (table == 2)
			bind_value(st, p++, dc, F_TO(k)); /* the country, where the key has to */
		if (table != 3) {
			bind_value(st, p++, &f->d[D_YEAR], F_YEAR(k));
			if (table == 0) {
				bind_value(st, p++, dc, F_FROM(k));
				bind_value(st, p++, dc, F_TO(k));
			}
			bind_value(st, p++, &f->d[D_LEVEL], F_LEVEL(k));
			bind_value(st, p++, &f->d[D_TYPE], F_TYPE(k));
		} else {
			bind_value(st, p++, dc, F_FROM(k));
			bind_value(st, p++, dc, F_TO(k));
		}
		bind_value(st, p++, &f->d[D_STATUS], F_STATUS(k));
		sqlite3_bind_int64(st, p, r[i].n);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = pl_db_error(f->db, err, "writing the tallies");
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	pl_buf_free(&pair);
	free(r);
	return rc;
}

int pl_tally_refill(parley_db *db, parley_err *err)
{
	fill f;
	memset(&f, 0, sizeof f);
	f.db = db;
	for (int i = 0; i < ND; i++)
		f.d[i].max = most[i];
	int rc = count_visits(&f, err);
	if (!rc)
		rc = sum_tallies(&f);
	for (int i = 0; !rc && i < ND; i++)
		rc = dict_rank(&f.d[i]);
	if (rc == PARLEY_ENOMEM)
		rc = parley_err_set(err, rc, "tallies: out of memory");
	int fallback = rc == PARLEY_ELIMIT;
	if (!rc)
		rc = pl_exec(db, "DELETE FROM visit_tally; DELETE FROM visit_tally_year;"
		                 " DELETE FROM visit_tally_country; DELETE FROM visit_tally_dir;", err);
	for (int t = 0; !rc && t < 4; t++)
		rc = write_table(&f, t == 0 ? &f.tally : t == 1 ? &f.year : t == 2 ? &f.country : &f.dir, t, err);
	for (int i = 0; i < ND; i++)
		dict_free(&f.d[i]);
	agg_free(&f.tally);
	agg_free(&f.year);
	agg_free(&f.country);
	agg_free(&f.dir);
	if (fallback) /* values the key cannot hold: the GROUP BY's own SQL */
		return pl_exec(db, pl_schema_tally_refill(), err);
	return rc ? rc : pl_exec(db, pl_schema_person_tally_refill(), err);
}
