/*
 * query_search_pack.c - a search counted from its FTS5 doclist alone.
 *
 * A common word matches a sixth of a million-visit store (q=visit: 174,000
 * visits), and reading each match's row to filter, count and facet it cost
 * 0.3 to 0.8 s of CPU whatever the page (issue 13).  The store keeps, beside
 * the search index, each search row's filter columns packed into 8 bytes
 * (schema.c, migration_search_pack): the row's start_key, its two countries,
 * level, type and status, the last five as small codes (search_code), in
 * blobs of 256 rows by rowid (search_pack, chunk = rowid / 256).  A search
 * then reads its doclist's rowids (about 40 ns each), the blobs of the
 * chunks they fall in, and filters, counts and facets in C: exact, as the
 * SQL over the rows is, at a few percent of its cost.  Only the page's rows
 * (those up to the page's last key) are read from the store.
 *
 * The pack is kept by the store: a trigger on visit_search marks the chunk
 * of every row written (search_pack_dirty), and pl_pack_flush repacks the
 * marked chunks before the library commits (with pl_search_flush) and after
 * a migration.  A reader that finds a mark left (raw SQL that did not go
 * through the library), a row without a pack, or a value past the codes'
 * room answers PARLEY_ELIMIT and the caller reads the rows as before, so a
 * figure is never taken from a stale pack.
 */
#include "internal.h"
#include "pl_query.h"
#include "../analysis/an.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_ROWS 256
#define CHUNK_BYTES (CHUNK_ROWS * 8)
#define MAX_COUNTRY 1023 /* 10 bits */
#define MAX_SMALL 15     /* 4 bits: level, type, status */

/* A packed row: bit 62 set (0 = no row), then start_key as year (14 bits),
 * month (4), day (5) and precision (2), the from and to countries (10 bits
 * each), level, type and status (4 each).  The key (w >> 32) orders as the
 * start_key text does: fixed-width digits, most significant first. */
#define W_VALID ((uint64_t)1 << 62)
#define W_KEY(w) ((uint32_t)((w) >> 32) & 0x1ffffffu)
#define W_FROM(w) ((unsigned)((w) >> 22) & 1023u)
#define W_TO(w) ((unsigned)((w) >> 12) & 1023u)
#define W_LEVEL(w) ((unsigned)((w) >> 8) & 15u)
#define W_TYPE(w) ((unsigned)((w) >> 4) & 15u)
#define W_STATUS(w) ((unsigned)(w) & 15u)
#define K_YEAR(k) (((k) >> 11) & 16383u)

enum { K_COUNTRY, K_LEVEL, K_TYPE, K_STATUS, NKINDS };
static const char *const kind_name[NKINDS] = {"country", "level", "type", "status"};
static const unsigned kind_max[NKINDS] = {MAX_COUNTRY, MAX_SMALL, MAX_SMALL, MAX_SMALL};

/* The codes of the store: value -> id per kind, and id -> value. */
typedef struct codes {
	pl_map map[NKINDS];        /* slot.n = id */
	const char **name[NKINDS]; /* [id] = value (keys of map), id 1..n */
	unsigned n[NKINDS];
} codes;

static void codes_free(codes *c)
{
	for (int k = 0; k < NKINDS; k++) {
		pl_map_free(&c->map[k]);
		free(c->name[k]);
	}
}

static int kind_of(const char *s)
{
	for (int k = 0; k < NKINDS; k++)
		if (strcmp(s, kind_name[k]) == 0)
			return k;
	return -1;
}

/* Loads search_code into c (zeroed by the caller). */
static int codes_load(parley_db *db, codes *c, parley_err *err)
{
	sqlite3_stmt *st;
	int rc = pl_prepare_cached(db, "SELECT kind, value, id FROM search_code", &st, err);
	int s;
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		int k = kind_of((const char *)sqlite3_column_text(st, 0));
		const char *v = (const char *)sqlite3_column_text(st, 1);
		long long id = sqlite3_column_int64(st, 2);
		if (k < 0 || !v || id < 1 || id > (long long)kind_max[k])
			continue; /* not ours: never read */
		int added;
		pl_map_slot *slot = pl_map_put(&c->map[k], v, strlen(v), &added);
		if (!slot)
			rc = parley_err_set(err, PARLEY_ENOMEM, "search pack: out of memory");
		else {
			slot->n = (long)id;
			if ((unsigned)id > c->n[k])
				c->n[k] = (unsigned)id;
		}
	}
	if (!rc && s != SQLITE_DONE)
		rc = pl_db_error(db, err, "reading the search codes");
	pl_release(db, st);
	for (int k = 0; !rc && k < NKINDS; k++) {
		c->name[k] = calloc(c->n[k] + 1, sizeof *c->name[k]);
		if (!c->name[k])
			return parley_err_set(err, PARLEY_ENOMEM, "search pack: out of memory");
		for (size_t i = 0; i < c->map[k].cap; i++)
			if (c->map[k].slot[i].key)
				c->name[k][c->map[k].slot[i].n] = c->map[k].slot[i].key;
	}
	return rc;
}

/* The id of value v of kind k, added to the store when new (0: no room, or
 * no value: the row is left unpacked). */
static int code_of(parley_db *db, codes *c, int k, const char *v, unsigned *id, parley_err *err)
{
	*id = 0;
	if (!v)
		return PARLEY_OK;
	pl_map_slot *slot = pl_map_find(&c->map[k], v, strlen(v));
	if (slot) {
		*id = (unsigned)slot->n;
		return PARLEY_OK;
	}
	if (c->n[k] >= kind_max[k])
		return PARLEY_OK;
	sqlite3_stmt *st;
	int rc = pl_prepare_cached(db, "INSERT INTO search_code(kind, value, id) VALUES (?1, ?2, ?3)",
	                           &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, kind_name[k], -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, v, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)c->n[k] + 1);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = pl_db_error(db, err, "adding a search code");
	pl_release(db, st);
	int added;
	slot = rc ? NULL : pl_map_put(&c->map[k], v, strlen(v), &added);
	if (!rc && !slot)
		rc = parley_err_set(err, PARLEY_ENOMEM, "search pack: out of memory");
	if (!rc) {
		slot->n = (long)++c->n[k];
		*id = c->n[k];
	}
	return rc;
}

/* start_key "YYYY-MM-DDp" as the packed key's 25 bits; 0 when it is not of
 * that shape (the row is left unpacked). */
static uint32_t key_of(const char *s)
{
	static const char shape[] = "dddd-dd-ddd";
	if (!s || strlen(s) != 11)
		return 0;
	for (int i = 0; i < 11; i++)
		if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != '-')
			return 0;
	unsigned y = (unsigned)((s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0'));
	unsigned m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
	unsigned d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
	unsigned p = (unsigned)(s[10] - '0');
	if (m > 15 || d > 31 || p > 3)
		return 0;
	return (uint32_t)(y << 11 | m << 7 | d << 2 | p);
}

/* The start_key text of a packed key (12 bytes with the NUL). */
static void key_text(uint32_t k, char out[12])
{
	unsigned y = K_YEAR(k), m = (k >> 7) & 15u, d = (k >> 2) & 31u, p = k & 3u;
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = (char)('0' + p);
	out[11] = '\0';
}

static void put64(unsigned char *p, uint64_t w)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(w >> (8 * i));
}

static uint64_t get64(const unsigned char *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* put64's order is the machine's: one load per match of a search */
	uint64_t w;
	memcpy(&w, p, sizeof w);
	return w;
#else
	uint64_t w = 0;
	for (int i = 7; i >= 0; i--)
		w = w << 8 | p[i];
	return w;
#endif
}

/* Repacks chunk ch from its rows of visit_search. */
static int pack_chunk(parley_db *db, codes *c, long long ch, parley_err *err)
{
	unsigned char data[CHUNK_BYTES];
	memset(data, 0, sizeof data);
	sqlite3_stmt *st;
	int rc = pl_prepare_cached(db,
	    "SELECT n, start_key, from_country, to_country, level, type, status FROM visit_search"
	    " WHERE n BETWEEN ?1 AND ?1 + 255", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, ch * CHUNK_ROWS);
	int rows = 0, s;
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		long long n = sqlite3_column_int64(st, 0);
		uint32_t key = key_of((const char *)sqlite3_column_text(st, 1));
		unsigned id[5];
		static const int kinds[5] = {K_COUNTRY, K_COUNTRY, K_LEVEL, K_TYPE, K_STATUS};
		for (int i = 0; !rc && i < 5; i++)
			rc = code_of(db, c, kinds[i], (const char *)sqlite3_column_text(st, 2 + i), &id[i], err);
		int ok = !rc && key && id[0] && id[1] && id[2] && id[3] && id[4];
		rows++;
		if (ok)
			put64(&data[(n - ch * CHUNK_ROWS) * 8],
			      W_VALID | (uint64_t)key << 32 | (uint64_t)id[0] << 22 | (uint64_t)id[1] << 12 |
			          (uint64_t)id[2] << 8 | (uint64_t)id[3] << 4 | id[4]);
	}
	if (!rc && s != SQLITE_DONE)
		rc = pl_db_error(db, err, "packing search rows");
	pl_release(db, st);
	if (rc)
		return rc;
	rc = pl_prepare_cached(db, rows ? "INSERT OR REPLACE INTO search_pack(chunk, data) VALUES (?1, ?2)"
	                                : "DELETE FROM search_pack WHERE chunk = ?1", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, ch);
	if (rows)
		sqlite3_bind_blob(st, 2, data, sizeof data, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = pl_db_error(db, err, "writing the search pack");
	pl_release(db, st);
	return rc;
}

/* *have: 1 when the store has the search pack (its migration ran). */
static int pack_present(parley_db *db, int *have, parley_err *err)
{
	sqlite3_stmt *st;
	int rc = pl_prepare_cached(db, "SELECT 1 FROM sqlite_schema WHERE name = 'search_pack_dirty'",
	                           &st, err);
	if (rc)
		return rc;
	*have = sqlite3_step(st) == SQLITE_ROW;
	pl_release(db, st);
	return PARLEY_OK;
}

int pl_pack_flush(parley_db *db, parley_err *err)
{
	int have = 0, rc = pack_present(db, &have, err);
	if (rc || !have)
		return rc;
	sqlite3_stmt *st = NULL;
	codes c;
	memset(&c, 0, sizeof c);
	rc = codes_load(db, &c, err);
	if (!rc)
		rc = pl_prepare(db, "SELECT chunk FROM search_pack_dirty ORDER BY chunk", &st, err);
	int s = SQLITE_DONE;
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW)
		rc = pack_chunk(db, &c, sqlite3_column_int64(st, 0), err);
	if (!rc && s != SQLITE_DONE)
		rc = pl_db_error(db, err, "reading the search pack's marks");
	sqlite3_finalize(st); /* NULL when it was never prepared */
	codes_free(&c);
	return rc ? rc : pl_exec(db, "DELETE FROM search_pack_dirty", err);
}

int pl_pack_rebuild(parley_db *db, parley_err *err)
{
	int have = 0, rc = pack_present(db, &have, err);
	if (rc || !have)
		return rc;
	/* every chunk that holds a row marked, every old pack dropped (a chunk
	 * left without rows has nothing to answer) */
	rc = pl_exec(db, "DELETE FROM search_pack;"
	                 " INSERT INTO search_pack_dirty SELECT DISTINCT n >> 8 FROM visit_search"
	                 " WHERE (n >> 8) NOT IN (SELECT chunk FROM search_pack_dirty);", err);
	return rc ? rc : pl_pack_flush(db, err);
}

/* ------------------------------------------------------------------ */
/* Reading: q's filters over the packed rows                           */
/* ------------------------------------------------------------------ */

int pl_pack_text_dates;

/* q's filters in the codes' terms. */
typedef struct pfilter {
	unsigned a, b, dir_from, dir_to, country; /* country ids; 0 = none asked */
	int pair, dir, by_country, none; /* none: a country asked for is in no row */
	uint32_t level_ok, type_ok, status_ok; /* bit id set: passes */
	int dates; /* from/to given: the partial-date rule (pl_date_clause) */
	char f[16], fm[8], ty[5], tm[8], klo[16], khi[24];
	char as_of[24], since[24];
	/* the same rule as bounds on the packed key (ints = 1 when every bound
	 * is a date of the key's shape; else the text is compared) */
	int ints;
	int64_t lo, hi;       /* every row: lo <= key <= hi */
	int64_t day_lo;       /* a day: key >= day_lo */
	int64_t mon_lo, mon_hi; /* a month: mon_lo <= key <= mon_hi */
	int64_t year_hi;      /* a year: key <= year_hi */
} pfilter;

static int64_t pack_key(unsigned y, unsigned m, unsigned d, unsigned p)
{
	return (int64_t)(y << 11 | m << 7 | d << 2 | p);
}

/* A bound of 4, 7, 10 or 11 characters in the key's shape
 * ("YYYY-MM-DDp") read into *y, *m, *d, *p (0 where absent); 0 when it is
 * not of that shape or past what a key holds (month 15, day 31). */
static int bound_parts(const char *b, unsigned *y, unsigned *m, unsigned *d, unsigned *p)
{
	static const char shape[] = "dddd-dd-ddd";
	size_t n = strlen(b);
	if (n != 4 && n != 7 && n != 10 && n != 11)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (shape[i] == 'd' ? (b[i] < '0' || b[i] > '9') : b[i] != '-')
			return 0;
	*y = (unsigned)((b[0] - '0') * 1000 + (b[1] - '0') * 100 + (b[2] - '0') * 10 + (b[3] - '0'));
	*m = n >= 7 ? (unsigned)((b[5] - '0') * 10 + (b[6] - '0')) : 0;
	*d = n >= 10 ? (unsigned)((b[8] - '0') * 10 + (b[9] - '0')) : 0;
	*p = n == 11 ? (unsigned)(b[10] - '0') : 0;
	return *m <= 15 && *d <= 31;
}

/* The least key k with k >= b as text (SQLite's BINARY order: a key
 * equal to b's length of it is greater, being longer); 0 when b is not of
 * the key's shape. */
static int ge_bound(const char *b, int64_t *out)
{
	unsigned y, m, d, p;
	if (!bound_parts(b, &y, &m, &d, &p))
		return 0;
	*out = strlen(b) < 11 ? pack_key(y, m, d, 0) : p <= 3 ? pack_key(y, m, d, p) : pack_key(y, m, d, 3) + 1;
	return 1;
}

/* The greatest key k with k <= b as text. */
static int le_bound(const char *b, int64_t *out)
{
	unsigned y, m, d, p;
	if (!bound_parts(b, &y, &m, &d, &p))
		return 0;
	*out = strlen(b) < 11 ? pack_key(y, m, d, 0) - 1 : pack_key(y, m, d, p <= 3 ? p : 3);
	return 1;
}

/* The greatest key whose first len characters are <= b (of len characters). */
static int prefix_le_bound(const char *b, size_t len, int64_t *out)
{
	unsigned y, m, d, p;
	if (strlen(b) != len || !bound_parts(b, &y, &m, &d, &p))
		return 0;
	*out = len == 4 ? pack_key(y, 15, 31, 3) : pack_key(y, m, 31, 3);
	return 1;
}

/* The date bounds of f as key bounds (f->ints), when they all convert. */
static void int_bounds(pfilter *f)
{
	int64_t lo = 0, hi = INT64_MAX, v;
	int ok = 1;
	f->day_lo = f->mon_lo = 0;
	f->mon_hi = f->year_hi = INT64_MAX;
	if (f->dates) {
		ok = ge_bound(f->klo, &v) && (lo = v > lo ? v : lo, le_bound(f->khi, &v)) &&
		     (hi = v < hi ? v : hi, ge_bound(f->f, &f->day_lo)) && ge_bound(f->fm, &f->mon_lo) &&
		     prefix_le_bound(f->tm, 7, &f->mon_hi) && prefix_le_bound(f->ty, 4, &f->year_hi);
	}
	if (ok && f->as_of[0])
		ok = le_bound(f->as_of, &v) && (hi = v < hi ? v : hi, 1);
	if (ok && f->since[0])
		ok = ge_bound(f->since, &v) && (lo = v > lo ? v : lo, 1);
	f->lo = lo;
	f->hi = hi;
	f->ints = ok;
}

/* SQLite's BINARY order of a[0..an) against b (NUL-terminated). */
static int bincmp(const char *a, size_t an, const char *b)
{
	size_t bn = strlen(b), n = an < bn ? an : bn;
	int c = memcmp(a, b, n);
	return c ? c : an < bn ? -1 : an > bn ? 1 : 0;
}

/* Bit id of each code of kind k in the comma-separated list (as
 * pl_bind_in_list splits it). */
static uint32_t list_bits(const codes *c, int k, const char *list)
{
	uint32_t bits = 0;
	const char *p = list;
	while (*p) {
		size_t n = strcspn(p, ",");
		pl_map_slot *slot = pl_map_find(&c->map[k], p, n);
		if (slot)
			bits |= (uint32_t)1 << slot->n;
		p += n + (p[n] == ',');
	}
	return bits;
}

static unsigned country_id(const codes *c, const char *code, int *none)
{
	pl_map_slot *slot = pl_map_find(&c->map[K_COUNTRY], code, strlen(code));
	if (!slot)
		*none = 1;
	return slot ? (unsigned)slot->n : 0;
}

static void filter_of(const parley_query *q, const codes *c, pfilter *f)
{
	memset(f, 0, sizeof *f);
	if (q->a[0]) {
		f->pair = 1;
		f->a = country_id(c, q->a, &f->none);
		f->b = country_id(c, q->b, &f->none);
	}
	if (q->dir_from[0]) {
		f->dir = 1;
		f->dir_from = country_id(c, q->dir_from, &f->none);
		f->dir_to = country_id(c, q->dir_to, &f->none);
	}
	if (q->country[0]) {
		f->by_country = 1;
		f->country = country_id(c, q->country, &f->none);
	}
	f->level_ok = f->type_ok = f->status_ok = ~(uint32_t)0;
	if (q->level)
		f->level_ok &= list_bits(c, K_LEVEL, q->level);
	if (q->min_level) {
		uint32_t bits = 0;
		const char *l;
		for (size_t i = 0; (l = pl_level_name(i)) != NULL; i++)
			if (parley_level_at_least(l, q->min_level))
				bits |= list_bits(c, K_LEVEL, l);
		f->level_ok &= bits;
	}
	if (q->type)
		f->type_ok &= list_bits(c, K_TYPE, q->type);
	if (!(q->status && strcmp(q->status, "all") == 0))
		f->status_ok &= list_bits(c, K_STATUS, q->status ? q->status : PL_QUERY_DEFAULT_STATUS);
	if (q->from[0] || q->to[0]) {
		/* the values pl_date_clause binds for alias "s" */
		const char *from = q->from[0] ? q->from : "0001-01-01";
		const char *to = q->to[0] ? q->to : "9999-12-31";
		f->dates = 1;
		snprintf(f->f, sizeof f->f, "%s", from);
		snprintf(f->fm, sizeof f->fm, "%.7s", from);
		snprintf(f->ty, sizeof f->ty, "%.4s", to);
		snprintf(f->tm, sizeof f->tm, "%.7s", to);
		snprintf(f->klo, sizeof f->klo, "%.4s-01-01", from);
		snprintf(f->khi, sizeof f->khi, "%s9", to);
	}
	if (q->as_of[0])
		snprintf(f->as_of, sizeof f->as_of, "%s9", q->as_of);
	if (q->since[0])
		snprintf(f->since, sizeof f->since, "%s", q->since);
	int_bounds(f);
	f->ints &= !pl_pack_text_dates;
}

/* Whether a packed row passes f: pl_search_from's WHERE, in C. */
static int passes(const pfilter *f, uint64_t w)
{
	unsigned from = W_FROM(w), to = W_TO(w);
	if (!(f->level_ok >> W_LEVEL(w) & 1) || !(f->type_ok >> W_TYPE(w) & 1) ||
	    !(f->status_ok >> W_STATUS(w) & 1))
		return 0;
	if (f->pair && !((from == f->a && to == f->b) || (from == f->b && to == f->a)))
		return 0;
	if (f->dir && !(from == f->dir_from && to == f->dir_to))
		return 0;
	if (f->by_country && from != f->country && to != f->country)
		return 0;
	if (!f->dates && !f->as_of[0] && !f->since[0])
		return 1;
	if (f->ints) {
		int64_t k = (int64_t)W_KEY(w);
		if (k < f->lo || k > f->hi)
			return 0;
		if (!f->dates)
			return 1;
		switch (k & 3) {
		case 0: return k >= f->day_lo;
		case 1: return k >= f->mon_lo && k <= f->mon_hi;
		default: return k <= f->year_hi;
		}
	}
	char k[12];
	key_text(W_KEY(w), k);
	if (f->dates) {
		if (bincmp(k, 11, f->klo) < 0 || bincmp(k, 11, f->khi) > 0)
			return 0;
		if (k[10] == '0' ? bincmp(k, 11, f->f) < 0
		    : k[10] == '1' ? bincmp(k, 11, f->fm) < 0 || bincmp(k, 7, f->tm) > 0
		                   : bincmp(k, 4, f->ty) > 0)
			return 0;
	}
	if (f->as_of[0] && bincmp(k, 11, f->as_of) > 0)
		return 0;
	return !f->since[0] || bincmp(k, 11, f->since) >= 0;
}

/* One pass over a search's doclist: its matches that pass the filters,
 * counted by facet value, and each one's key and rowid for the page.  The
 * HTML list asks for its page and then for its facets: a connection keeps
 * its last pass (like pl_search_matches), keyed by the filter and the
 * store's change counters, so the page and the facets read the doclist
 * once; a write or another search replaces it, and a pass read inside a
 * transaction (which may roll back) is never reused. */
struct pl_pack_memo {
	char *key;
	long long version, changes;
	int in_txn;
	codes c;
	long total;
	long level[MAX_SMALL + 1], type[MAX_SMALL + 1], status[MAX_SMALL + 1];
	long *year; /* [16384] */
	long *dir;  /* [(nc + 1)^2]: from id * (nc + 1) + to id */
	unsigned nc;
	uint32_t *k;  /* each passing match's key (W_KEY), in rowid order */
	long long *n; /* and its rowid */
	size_t len, cap;
};

static void chunks_free(struct pl_pack_chunks *k);
static void memo_drop(struct pl_pack_memo *p);

void pl_pack_memo_free(parley_db *db)
{
	if (!db)
		return;
	if (db->pack_memo)
		memo_drop(db->pack_memo);
	db->pack_memo = NULL;
	chunks_free(db->pack_chunks);
	db->pack_chunks = NULL;
}

static void memo_drop(struct pl_pack_memo *p)
{
	free(p->key);
	codes_free(&p->c);
	free(p->year);
	free(p->dir);
	free(p->k);
	free(p->n);
	free(p);
}

/* The filter of q (all but its window, sort and after=) as one string;
 * NULL when out of memory.  Caller frees. */
static char *filter_key(const parley_query *q)
{
	const char *v[] = {q->text, q->a, q->b, q->dir_from, q->dir_to, q->country, q->from,
	                   q->to, q->as_of, q->since, q->level, q->min_level, q->type, q->status};
	pl_buf k;
	pl_buf_init(&k, PL_QUERY_MAX_SQL);
	int rc = PARLEY_OK;
	for (size_t i = 0; !rc && i < sizeof v / sizeof v[0]; i++) {
		rc = pl_buf_putc(&k, v[i] ? '=' : '-'); /* NULL apart from "" */
		if (!rc)
			rc = pl_buf_puts(&k, v[i] ? v[i] : "");
		if (!rc)
			rc = pl_buf_putc(&k, '\x1f');
	}
	if (rc) {
		pl_buf_free(&k);
		return NULL;
	}
	return pl_buf_take(&k);
}

/* Whether the pack is whole: its tables exist and no chunk is marked. */
static int pack_whole(parley_db *db, int *whole, parley_err *err)
{
	sqlite3_stmt *st;
	*whole = 0;
	int rc = pl_prepare_cached(db, "SELECT 1 FROM sqlite_schema WHERE name = 'search_pack_dirty'", &st, err);
	if (rc)
		return rc;
	int have = sqlite3_step(st) == SQLITE_ROW;
	pl_release(db, st);
	if (!have)
		return PARLEY_OK;
	rc = pl_prepare_cached(db, "SELECT 1 FROM search_pack_dirty LIMIT 1", &st, err);
	if (rc)
		return rc;
	*whole = sqlite3_step(st) != SQLITE_ROW;
	pl_release(db, st);
	return PARLEY_OK;
}

/* The chunks a connection has read, whole, for the store version it read
 * them in: the doclist of a sparse word meets a new chunk at nearly every
 * match, and a blob seek per chunk cost a search page a fifth of its CPU
 * (4,900 matches of q=summit: 3,900 chunks).  At most the pack's size (8
 * MiB at 1M visits); a write (by this connection: its change count; by
 * another: data_version) empties it, and reads inside a transaction keep
 * nothing. */
/* A word's matches: each one's rowid and packed row, in rowid order. */
struct pl_word_rows {
	char *word;
	uint64_t *w;
	uint32_t *n;
	size_t count;
};

static void word_rows_free(struct pl_word_rows *r)
{
	free(r->word);
	free(r->w);
	free(r->n);
	memset(r, 0, sizeof *r);
}

#define WORDS_KEPT 4
#define WORDS_BYTES ((size_t)16 << 20)

struct pl_pack_chunks {
	long long version, changes;
	unsigned char **c; /* [chunk]: CHUNK_BYTES, or NULL when not read yet */
	size_t n;
	/* the last one-word searches' matches (word_rows), latest first: the
	 * same word asked with other filters (the list's years, its pages, the
	 * API beside the HTML list) reads its doclist and its rows once per
	 * store version.  More than one, so that other words asked in between
	 * do not push out a common one (q=visit at 1M: 174,000 matches, 2 MiB,
	 * 40 ms of CPU to read again, 12 ms kept); at most WORDS_KEPT of them
	 * and WORDS_BYTES in all, the latest always kept. */
	struct pl_word_rows rows[WORDS_KEPT];
};

/* The kept matches of word, moved to the front; NULL when not kept. */
static const struct pl_word_rows *words_find(struct pl_pack_chunks *k, const char *word)
{
	for (int i = 0; i < WORDS_KEPT && k->rows[i].word; i++)
		if (strcmp(k->rows[i].word, word) == 0) {
			struct pl_word_rows hit = k->rows[i];
			memmove(&k->rows[1], &k->rows[0], (size_t)i * sizeof k->rows[0]);
			k->rows[0] = hit;
			return &k->rows[0];
		}
	return NULL;
}

/* Keeps r (moved into k, which owns it from now) at the front, and drops
 * the oldest past WORDS_KEPT or WORDS_BYTES. */
static const struct pl_word_rows *words_keep(struct pl_pack_chunks *k, struct pl_word_rows *r)
{
	word_rows_free(&k->rows[WORDS_KEPT - 1]);
	memmove(&k->rows[1], &k->rows[0], (WORDS_KEPT - 1) * sizeof k->rows[0]);
	k->rows[0] = *r;
	memset(r, 0, sizeof *r);
	size_t bytes = 0;
	for (int i = 0; i < WORDS_KEPT; i++) {
		bytes += k->rows[i].count * (sizeof *k->rows[i].w + sizeof *k->rows[i].n);
		if (i > 0 && bytes > WORDS_BYTES)
			word_rows_free(&k->rows[i]);
	}
	return &k->rows[0];
}

static void chunks_free(struct pl_pack_chunks *k)
{
	for (size_t i = 0; k && i < k->n; i++)
		free(k->c[i]);
	if (k) {
		free(k->c);
		for (int i = 0; i < WORDS_KEPT; i++)
			word_rows_free(&k->rows[i]);
	}
	free(k);
}

/* The connection's chunk cache for this version (emptied if it was
 * another's); NULL inside a transaction or when out of memory (then every
 * chunk is read for the pass alone). */
static struct pl_pack_chunks *chunks_for(parley_db *db, long long version, long long changes,
                                         int in_txn)
{
	struct pl_pack_chunks *k = db->pack_chunks;
	if (in_txn)
		return NULL;
	if (k && k->version == version && k->changes == changes)
		return k;
	chunks_free(k);
	db->pack_chunks = k = calloc(1, sizeof *k);
	if (k) {
		k->version = version;
		k->changes = changes;
	}
	return k;
}

/* Chunk ch whole: from the cache, else read (into the cache, or into own
 * when there is none).  NULL with *rc set (ELIMIT: no such chunk). */
static const unsigned char *chunk_read(parley_db *db, struct pl_pack_chunks *k, sqlite3_blob **b,
                                       long long ch, unsigned char *own, int *rc, parley_err *err)
{
	if (k && (size_t)ch < k->n && k->c[ch])
		return k->c[ch];
	int r = *b ? sqlite3_blob_reopen(*b, ch)
	           : sqlite3_blob_open(db->sql, "main", "search_pack", "data", ch, 0, b);
	if (r != SQLITE_OK || sqlite3_blob_bytes(*b) != CHUNK_BYTES) {
		*rc = PARLEY_ELIMIT; /* a row without its pack */
		return NULL;
	}
	unsigned char *to = own;
	if (k && (size_t)ch >= k->n) {
		size_t cap = k->n;
		unsigned char **g = pl_grow(k->c, &cap, (size_t)ch + 1, sizeof *g, 1024);
		if (g) {
			memset(g + k->n, 0, (cap - k->n) * sizeof *g);
			k->c = g;
			k->n = cap;
		}
	}
	if (k && (size_t)ch < k->n && (k->c[ch] = malloc(CHUNK_BYTES)) != NULL)
		to = k->c[ch];
	if (sqlite3_blob_read(*b, to, CHUNK_BYTES, 0) != SQLITE_OK) {
		*rc = pl_db_error(db, err, "reading the search pack");
		if (to != own) {
			free(to);
			k->c[ch] = NULL;
		}
		return NULL;
	}
	return to;
}

/* The matches of the search "word"* (pl_fts_prefix_rowids) and their
 * packed rows, into r (the caller frees it with word_rows_free; r->word is
 * left to the caller).  Each chunk is read once, into a buffer of the
 * stack: a common word meets every chunk, and a copy of each kept on the
 * heap cost its first request some 2,000 fresh pages (8 MiB at 1M visits)
 * where the rows of its matches take 12 bytes each.  PARLEY_ELIMIT when
 * the reader or the pack cannot answer. */
static int word_rows(parley_db *db, const char *word, struct pl_word_rows *r, parley_err *err)
{
	uint64_t *bits = NULL;
	size_t nbits = 0, count = 0;
	int rc = pl_fts_prefix_rowids(db, word, &bits, &nbits, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < nbits; i++)
		count += (size_t)__builtin_popcountll(bits[i]);
	r->w = malloc((count ? count : 1) * sizeof *r->w);
	r->n = malloc((count ? count : 1) * sizeof *r->n);
	if (!r->w || !r->n)
		rc = parley_err_set(err, PARLEY_ENOMEM, "search: out of memory");
	sqlite3_blob *b = NULL;
	long long cur = -1;
	unsigned char own[CHUNK_BYTES];
	const unsigned char *data = NULL;
	for (size_t i = 0; !rc && i < nbits; i++)
		for (uint64_t x = bits[i]; x && !rc; x &= x - 1) {
			size_t n = i * 64 + (size_t)__builtin_ctzll(x);
			if ((long long)(n / CHUNK_ROWS) != cur) {
				cur = (long long)(n / CHUNK_ROWS);
				data = chunk_read(db, NULL, &b, cur, own, &rc, err);
				if (!data)
					break;
			}
			r->w[r->count] = get64(&data[(n % CHUNK_ROWS) * 8]);
			r->n[r->count++] = (uint32_t)n; /* below 2^32: the reader's bound */
		}
	sqlite3_blob_close(b); /* a no-op on NULL */
	free(bits);
	if (rc) {
		free(r->w);
		free(r->n);
		memset(r, 0, sizeof *r);
	}
	return rc;
}

/* Adds one passing match to p. */
static int take(struct pl_pack_memo *p, long long n, uint64_t w)
{
	p->total++;
	p->level[W_LEVEL(w)]++;
	p->type[W_TYPE(w)]++;
	p->status[W_STATUS(w)]++;
	p->year[K_YEAR(W_KEY(w))]++;
	p->dir[W_FROM(w) * (p->nc + 1) + W_TO(w)]++;
	if (p->len == p->cap) {
		size_t c2 = p->cap ? 2 * p->cap : 1024;
		uint32_t *g = realloc(p->k, c2 * sizeof *g);
		if (!g)
			return PARLEY_ENOMEM;
		p->k = g;
		long long *h = realloc(p->n, c2 * sizeof *h);
		if (!h)
			return PARLEY_ENOMEM;
		p->n = h;
		p->cap = c2;
	}
	p->k[p->len] = W_KEY(w);
	p->n[p->len++] = n;
	return PARLEY_OK;
}

/* The pass of q: from the connection's memo when it is q's on an unchanged
 * store, else read (and kept).  ELIMIT when the pack cannot answer. */
static int pack_pass(parley_db *db, const parley_query *q, struct pl_pack_memo **out,
                     parley_err *err)
{
	*out = NULL;
	if (!pl_search_covers(q))
		return PARLEY_ELIMIT;
	char *key = filter_key(q);
	if (!key)
		return parley_err_set(err, PARLEY_ENOMEM, "search: out of memory");
	long long version = parley_change_counter(db), changes = sqlite3_total_changes64(db->sql);
	int in_txn = !sqlite3_get_autocommit(db->sql);
	struct pl_pack_memo *p = db->pack_memo;
	if (p && !in_txn && !p->in_txn && p->version == version && p->changes == changes &&
	    strcmp(p->key, key) == 0) {
		free(key);
		*out = p;
		return PARLEY_OK;
	}
	int whole = 0;
	int rc = pack_whole(db, &whole, err);
	if (!rc && !whole)
		rc = PARLEY_ELIMIT;
	p = rc ? NULL : calloc(1, sizeof *p);
	if (!rc && !p)
		rc = parley_err_set(err, PARLEY_ENOMEM, "search: out of memory");
	if (!rc)
		rc = codes_load(db, &p->c, err);
	if (!rc) {
		p->nc = p->c.n[K_COUNTRY];
		p->year = calloc(16384, sizeof *p->year);
		p->dir = calloc((size_t)(p->nc + 1) * (p->nc + 1), sizeof *p->dir);
		if (!p->year || !p->dir)
			rc = parley_err_set(err, PARLEY_ENOMEM, "search: out of memory");
	}
	pfilter f;
	if (!rc)
		filter_of(q, &p->c, &f);
	an_arena arena = {0};
	const char *phrase = NULL;
	if (!rc && !f.none) { /* none: a country no row holds, so no match */
		int nomem = 0;
		phrase = pl_fts_phrase(&arena, q->text, &nomem);
		if (!phrase)
			rc = parley_err_set(err, PARLEY_ENOMEM, "search: out of memory");
	}
	/* a one-word search's matches from the index's records
	 * (query_search_doclist.c), a few instructions each where stepping
	 * FTS5 takes about a thousand, and their packed rows kept for the next
	 * request of the word; else FTS5 lists them */
	struct pl_pack_chunks *cache = chunks_for(db, version, changes, in_txn);
	struct pl_word_rows own_rows = {0};
	const struct pl_word_rows *wr = NULL;
	char *word = !rc && phrase ? parley_fold_words(q->text) : NULL;
	if (!rc && phrase && !word)
		rc = parley_err_set(err, PARLEY_ENOMEM, "search: out of memory");
	if (!rc && phrase && cache && (wr = words_find(cache, word)) != NULL) {
		/* kept from an earlier request of the word */
	} else if (!rc && phrase) {
		int r2 = word_rows(db, word, &own_rows, err);
		if (r2 == PARLEY_OK) {
			own_rows.word = word;
			word = NULL;
			if (cache) { /* kept for the next request of the word */
				wr = words_keep(cache, &own_rows);
			} else {
				wr = &own_rows;
			}
		} else if (r2 != PARLEY_ELIMIT) {
			rc = r2;
		}
	}
	free(word);
	sqlite3_stmt *st = NULL;
	if (!rc && phrase && !wr)
		rc = pl_prepare_cached(db, "SELECT rowid FROM visit_fts WHERE visit_fts MATCH ?1", &st, err);
	if (st)
		sqlite3_bind_text(st, 1, phrase, -1, SQLITE_STATIC);
	/* each match's 8 bytes read in place (incremental blob I/O: a seek to
	 * the chunk, no statement step, no copy of its 2 KiB), the chunk kept
	 * while the doclist stays in it */
	sqlite3_blob *chunk = NULL;
	long long cur = -1;
	unsigned char own[CHUNK_BYTES];
	const unsigned char *data = NULL;
	int s = SQLITE_DONE;
	size_t wi = 0;
	while (!rc) {
		long long n;
		uint64_t w;
		if (wr) {
			if (wi == wr->count)
				break;
			n = wr->n[wi];
			w = wr->w[wi++];
		} else if (st && (s = sqlite3_step(st)) == SQLITE_ROW) {
			n = sqlite3_column_int64(st, 0);
			if (n < 0) {
				rc = PARLEY_ELIMIT;
				break;
			}
			if (n / CHUNK_ROWS != cur) {
				cur = n / CHUNK_ROWS;
				data = chunk_read(db, cache, &chunk, cur, own, &rc, err);
				if (!data)
					break;
			}
			w = get64(&data[(n % CHUNK_ROWS) * 8]);
		} else {
			break;
		}
		/* a row left unpacked, or a code past those loaded (the codes grow
		 * only in a write, never within one snapshot: checked all the same) */
		if (!(w & W_VALID) || W_FROM(w) > p->nc || W_TO(w) > p->nc)
			rc = PARLEY_ELIMIT;
		else if (passes(&f, w) && take(p, n, w))
			rc = parley_err_set(err, PARLEY_ENOMEM, "search: out of memory");
	}
	if (!rc && st && s != SQLITE_DONE)
		rc = pl_db_error(db, err, "searching visits");
	word_rows_free(&own_rows);
	sqlite3_blob_close(chunk); /* a no-op on NULL */
	if (st)
		pl_release(db, st);
	an_arena_free(&arena);
	if (rc) {
		free(key);
		if (p)
			memo_drop(p);
		return rc;
	}
	if (db->pack_memo)
		memo_drop(db->pack_memo);
	p->key = key;
	p->version = version;
	p->changes = changes;
	p->in_txn = in_txn;
	db->pack_memo = p;
	*out = p;
	return PARLEY_OK;
}

/* Adds count n to value v of map m. */
static int add(pl_map *m, const char *v, size_t len, long n, parley_err *err)
{
	if (!n)
		return PARLEY_OK;
	int added;
	pl_map_slot *slot = pl_map_put(m, v, len, &added);
	if (!slot)
		return parley_err_set(err, PARLEY_ENOMEM, "facet: out of memory");
	slot->n += n;
	return PARLEY_OK;
}

int pl_pack_facets(parley_db *db, const parley_query *q, const int *want, pl_map *maps,
                   parley_err *err)
{
	struct pl_pack_memo *p;
	int rc = pack_pass(db, q, &p, err);
	if (rc)
		return rc;
	const codes *c = &p->c;
	/* pass_fields order: direction, level, type, status, year */
	for (unsigned i = 1; !rc && want[0] && i <= p->nc; i++)
		for (unsigned j = 1; !rc && j <= p->nc; j++) {
			long n = p->dir[i * (p->nc + 1) + j];
			if (!n)
				continue;
			char dir[2 * 64 + 2];
			int len = snprintf(dir, sizeof dir, "%s:%s", c->name[K_COUNTRY][i], c->name[K_COUNTRY][j]);
			if (len < 0 || (size_t)len >= sizeof dir)
				rc = parley_err_set(err, PARLEY_ELIMIT, "facet: a country code past 64 bytes");
			else
				rc = add(&maps[0], dir, (size_t)len, n, err);
		}
	static const int kinds[3] = {K_LEVEL, K_TYPE, K_STATUS};
	for (int k = 0; !rc && k < 3; k++) {
		const long *cnt = k == 0 ? p->level : k == 1 ? p->type : p->status;
		for (unsigned i = 1; !rc && want[1 + k] && i <= c->n[kinds[k]]; i++)
			rc = add(&maps[1 + k], c->name[kinds[k]][i], strlen(c->name[kinds[k]][i]), cnt[i], err);
	}
	for (unsigned y = 0; !rc && want[4] && y < 10000; y++)
		if (p->year[y]) {
			char t[5] = {(char)('0' + y / 1000), (char)('0' + y / 100 % 10), (char)('0' + y / 10 % 10),
			             (char)('0' + y % 10), 0};
			rc = add(&maps[4], t, 4, p->year[y], err);
		}
	return rc;
}

/* The value of rank r (0-based) among a[0..n) in ascending order
 * (quickselect; a is reordered). */
static uint32_t select_rank(uint32_t *a, size_t n, size_t r)
{
	size_t lo = 0, hi = n - 1;
	while (lo < hi) {
		uint32_t pivot = a[lo + (hi - lo) / 2];
		size_t i = lo, j = hi;
		while (i <= j) {
			while (a[i] < pivot)
				i++;
			while (a[j] > pivot)
				j--;
			if (i <= j) {
				uint32_t t = a[i];
				a[i] = a[j];
				a[j] = t;
				i++;
				if (j == 0)
					break;
				j--;
			}
		}
		if (r <= j)
			hi = j;
		else if (r >= i)
			lo = i;
		else
			return a[r];
	}
	return a[r];
}

/* Whether a match of key k may stand on the page: on after='s side, and
 * of its key or up to the page's last key (all: every match). */
static int on_page(const parley_query *q, int desc, uint32_t akey, int all, uint32_t last,
                   uint32_t k)
{
	if (q->after && (desc ? k > akey : k < akey))
		return 0;
	return all || (q->after && k == akey) || (desc ? k >= last : k <= last);
}

int pl_pack_page(parley_db *db, const parley_query *q, size_t need, long *total, pl_match **out,
                 size_t *nout, an_arena *arena, parley_err *err)
{
	*out = NULL;
	*nout = 0;
	int desc = q->sort && strcmp(q->sort, "-date") == 0;
	uint32_t akey = 0;
	if (q->after) {
		/* the after visit's key, from its search row */
		sqlite3_stmt *st;
		int rc = pl_prepare_cached(db, "SELECT start_key FROM visit_search WHERE visit = ?1", &st, err);
		if (rc)
			return rc;
		sqlite3_bind_text(st, 1, q->after, -1, SQLITE_STATIC);
		akey = sqlite3_step(st) == SQLITE_ROW ? key_of((const char *)sqlite3_column_text(st, 0)) : 0;
		pl_release(db, st);
		if (!akey)
			return PARLEY_ELIMIT; /* the rows' way names what is wrong */
	}
	struct pl_pack_memo *p;
	int rc = pack_pass(db, q, &p, err);
	if (rc)
		return rc;
	/* the matches on the page's side of after= (all of them without it);
	 * those of the after visit's own key are all read (which of them
	 * follow it takes their ids) and none counts toward the page's last
	 * key: the need-th of the others in q's order.  Every match up to that
	 * key is read (its ties too), then sorted by (start_key, id). */
	size_t ranked = 0;
	uint32_t *tmp = p->len ? malloc(p->len * sizeof *tmp) : NULL;
	if (p->len && !tmp)
		return parley_err_set(err, PARLEY_ENOMEM, "search: out of memory");
	for (size_t i = 0; i < p->len; i++) {
		uint32_t k = p->k[i];
		if (!q->after || (desc ? k < akey : k > akey))
			tmp[ranked++] = k;
	}
	int all = ranked <= need || need == 0;
	uint32_t last = all ? 0 : select_rank(tmp, ranked, desc ? ranked - need : need - 1);
	free(tmp);
	size_t keep = 0;
	for (size_t i = 0; i < p->len; i++)
		keep += on_page(q, desc, akey, all, last, p->k[i]);
	pl_match *m = keep ? an_alloc(arena, keep * sizeof *m) : NULL;
	if (keep && !m)
		return parley_err_set(err, PARLEY_ENOMEM, "search: out of memory");
	sqlite3_stmt *st = NULL;
	if (keep)
		rc = pl_prepare_cached(db, "SELECT visit, start_key FROM visit_search WHERE n = ?1", &st, err);
	size_t j = 0;
	for (size_t i = 0; !rc && i < p->len && j < keep; i++) {
		if (!on_page(q, desc, akey, all, last, p->k[i]))
			continue;
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, p->n[i]);
		if (sqlite3_step(st) != SQLITE_ROW) {
			rc = pl_db_error(db, err, "reading a search's page");
			break;
		}
		int nm = 0;
		memset(&m[j], 0, sizeof m[j]);
		m[j].visit = pl_query_col(arena, st, 0, &nm);
		m[j].start_key = pl_query_col(arena, st, 1, &nm);
		if (nm)
			rc = parley_err_set(err, PARLEY_ENOMEM, "search: out of memory");
		j++;
	}
	if (st)
		pl_release(db, st);
	if (rc)
		return rc;
	*out = m;
	*nout = j;
	*total = p->total;
	return PARLEY_OK;
}
