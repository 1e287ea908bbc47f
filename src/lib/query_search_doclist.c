/*
 * query_search_doclist.c - the rowids of a one-word prefix search, read
 * from the FTS5 index's own records.
 *
 * A common word's search ("visit"*: 174,000 of a million visits) spent two
 * thirds of its CPU stepping FTS5 one row at a time (about 1,000
 * instructions per match: the virtual table's cursor, the merge of every
 * term the prefix covers, each match's positions walked).  The search pack
 * (query_search_pack.c) needs only the rowids, so this file reads them from
 * visit_fts_data the way FTS5 stores them (the format is documented at the
 * top of SQLite's ext/fts5/fts5_index.c): the structure record lists the
 * segments; in each, the %_idx b-tree names the leaf where the prefix's
 * terms begin; each term's doclist is a list of rowid deltas, each with a
 * position list that is skipped by its size.  Across segments the newest
 * entry of a (term, rowid) wins, and an entry with no positions is a delete
 * (FTS5's own rule when it merges segment iterators).
 *
 * Anything this reader does not know (a V2 structure, an incremental merge
 * under way, a record of another shape, a rowid out of range) answers
 * PARLEY_ELIMIT and the caller asks FTS5 as before: never a wrong rowid.
 * test_core_search_doclist compares the two on stores of many segments,
 * updates and deletes.
 */
#include "internal.h"
#include "pl_query.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SEG_ROWID(seg, pg) (((int64_t)(seg) << 37) + (int64_t)(pg))
#define MAX_TERM 4096
#define MAX_ROWID ((int64_t)1 << 32) /* the bitmap's bound: past it FTS5 answers */
#define MAX_SEGS 4096

/* An SQLite varint at p (before end): its byte count, 0 when it runs past
 * end. */
static inline int varint(const unsigned char *p, const unsigned char *end, uint64_t *v)
{
	if (p < end && !(*p & 0x80)) { /* most: a rowid delta, a size */
		*v = *p;
		return 1;
	}
	uint64_t x = 0;
	for (int i = 0; i < 8; i++) {
		if (p + i >= end)
			return 0;
		x = x << 7 | (p[i] & 0x7f);
		if (!(p[i] & 0x80)) {
			*v = x;
			return i + 1;
		}
	}
	if (p + 8 >= end)
		return 0;
	*v = x << 8 | p[8];
	return 9;
}

/* One leaf record: its bytes, the offset where its footer starts, the
 * offset of its first rowid (0: none before the first term) and its
 * terms' offsets. */
typedef struct leaf {
	unsigned char *p;
	int n, cap, sz, rowid_off;
	int *term;
	int nterm, term_cap;
} leaf;

typedef struct seg {
	int id, first, last;
} seg;

/* The reader's state: the blob handle, the leaf at hand, the entries of
 * the current (segment, term) run. */
typedef struct reader {
	parley_db *db;
	sqlite3_blob *blob;
	leaf l;
	int seg, pg, last; /* the segment, its leaf at hand and its last leaf */
	/* the result: bit n of bits set for each match n */
	uint64_t *bits, *scratch;
	size_t nwords;
	/* every entry read, as (rowid << 1 | live), and the runs over them */
	uint64_t *e;
	size_t ne, ecap;
	struct run {
		char *term;
		size_t tlen, start, len;
		int age; /* 0 = the newest segment */
	} *run;
	size_t nrun, runcap;
} reader;

/* Loads leaf pg of segment r->seg; ELIMIT when it is not there or not of
 * the leaf shape. */
static int leaf_load(reader *r, int pg)
{
	int64_t id = SEG_ROWID(r->seg, pg);
	int rc = r->blob ? sqlite3_blob_reopen(r->blob, id)
	                 : sqlite3_blob_open(r->db->sql, "main", "visit_fts_data", "block", id, 0, &r->blob);
	if (rc != SQLITE_OK)
		return PARLEY_ELIMIT;
	leaf *l = &r->l;
	int n = sqlite3_blob_bytes(r->blob);
	if (n < 4 || n > (1 << 20))
		return PARLEY_ELIMIT;
	if (n > l->cap) {
		unsigned char *g = realloc(l->p, (size_t)n);
		if (!g)
			return PARLEY_ENOMEM;
		l->p = g;
		l->cap = n;
	}
	if (sqlite3_blob_read(r->blob, l->p, n, 0) != SQLITE_OK)
		return PARLEY_ELIMIT;
	l->n = n;
	l->rowid_off = l->p[0] << 8 | l->p[1];
	l->sz = l->p[2] << 8 | l->p[3];
	if (l->sz < 4 || l->sz > n || (l->rowid_off && (l->rowid_off < 4 || l->rowid_off >= l->sz)))
		return PARLEY_ELIMIT;
	/* the footer: each term's offset, delta-coded */
	l->nterm = 0;
	const unsigned char *q = l->p + l->sz, *end = l->p + n;
	uint64_t off = 0;
	while (q < end) {
		uint64_t d;
		int k = varint(q, end, &d);
		if (!k)
			return PARLEY_ELIMIT;
		q += k;
		off += d;
		if (off < 4 || off >= (uint64_t)l->sz || (l->nterm && (int)off <= l->term[l->nterm - 1]))
			return PARLEY_ELIMIT;
		if (l->nterm == l->term_cap) {
			size_t c = (size_t)l->term_cap;
			int *g = pl_grow(l->term, &c, (size_t)l->nterm + 1, sizeof *g, 64);
			if (!g)
				return PARLEY_ENOMEM;
			l->term = g;
			l->term_cap = (int)c;
		}
		l->term[l->nterm++] = (int)off;
	}
	/* FTS5 writes a leaf's first rowid before its first term; it reads a
	 * doclist running on to the leaf from the header's offset, the reader
	 * up to the footer's first term */
	if (l->nterm && l->rowid_off && l->rowid_off >= l->term[0])
		return PARLEY_ELIMIT;
	r->pg = pg;
	return PARLEY_OK;
}

/* Appends entry (rowid, live) to the current run. */
static int entry(reader *r, uint64_t rowid, int live)
{
	if (rowid >= (uint64_t)MAX_ROWID)
		return PARLEY_ELIMIT;
	if (r->ne == r->ecap) {
		uint64_t *g = pl_grow(r->e, &r->ecap, r->ne + 1, sizeof *g, 4096);
		if (!g)
			return PARLEY_ENOMEM;
		r->e = g;
	}
	r->e[r->ne++] = rowid << 1 | (uint64_t)(live != 0);
	return PARLEY_OK;
}

/* Moves to the segment's next leaf; *done when there is none. */
static int next_leaf(reader *r, int *done)
{
	if (r->pg >= r->last) {
		*done = 1;
		return PARLEY_OK;
	}
	return leaf_load(r, r->pg + 1);
}

/* Reads the doclist that starts at offset o of the leaf at hand (just
 * after its term) to its end: the next term, on this leaf or a later one
 * (*ti: its index on the leaf then at hand), or the segment's end (*done).
 * A doclist is a first rowid, then deltas; the first rowid on a leaf the
 * doclist runs on to is whole (the leaf's header points at it). */
static int doclist(reader *r, int o, int *ti, int *done)
{
	leaf *l = &r->l;
	uint64_t rowid = 0;
	int first = 1, fresh = 0, t = *ti;
	while (t < l->nterm && l->term[t] < o)
		t++; /* past the doclist's own term */
	for (;;) {
		/* an entry that ran over the next term's start: FTS5 ends the
		 * doclist there (the footer says where each term begins) */
		if (t < l->nterm && l->term[t] < o)
			return PARLEY_ELIMIT;
		if (t < l->nterm && l->term[t] == o) {
			if (first)
				return PARLEY_ELIMIT;
			break; /* the next term begins */
		}
		if (o == l->sz) {
			int rc = next_leaf(r, done);
			if (rc || *done)
				return rc ? rc : first ? PARLEY_ELIMIT : PARLEY_OK;
			o = 4;
			t = 0;
			fresh = 1;
			if (!l->rowid_off) { /* a term first: the doclist ended */
				if (first || !l->nterm || l->term[0] != 4)
					return PARLEY_ELIMIT;
				break;
			}
			continue;
		}
		if (o > l->sz)
			return PARLEY_ELIMIT;
		uint64_t v;
		int k = varint(l->p + o, l->p + l->sz, &v);
		if (!k || (fresh && o != l->rowid_off))
			return PARLEY_ELIMIT;
		rowid = first || fresh ? v : rowid + v;
		first = fresh = 0;
		o += k;
		/* the position list's size (times 2, plus the delete flag), on the
		 * rowid's leaf; its bytes may run on to later leaves */
		k = varint(l->p + o, l->p + l->sz, &v);
		if (!k)
			return PARLEY_ELIMIT;
		o += k;
		uint64_t skip = v >> 1;
		int rc = entry(r, rowid, skip > 0);
		if (rc)
			return rc;
		/* the positions are walked, not only skipped: FTS5 merges a
		 * prefix's position lists and, on a malformed one, gives rowids
		 * its records do not hold.  One column (body), so each is a
		 * varint of at least 2 (a position delta plus 2; 1 would be a
		 * column change, 0 nothing FTS5 writes), whole on its leaf (FTS5
		 * splits position lists between varints) */
		while (skip) {
			if (o == l->sz) {
				rc = next_leaf(r, done);
				if (rc || *done)
					return rc ? rc : PARLEY_ELIMIT; /* positions past the segment */
				o = 4;
				t = 0;
				fresh = 1;
				continue;
			}
			int take = skip < (uint64_t)(l->sz - o) ? (int)skip : l->sz - o;
			const unsigned char *q = l->p + o, *qe = q + take;
			while (q < qe) {
				uint64_t pv;
				int n = varint(q, qe, &pv);
				if (!n || pv < 2)
					return PARLEY_ELIMIT;
				q += n;
			}
			o += take;
			skip -= (uint64_t)take;
		}
	}
	*ti = t;
	return PARLEY_OK;
}

/* Starts a run: the entries of one term in one segment. */
static int run_start(reader *r, const unsigned char *term, size_t tlen, int age)
{
	if (r->nrun == r->runcap) {
		struct run *g = pl_grow(r->run, &r->runcap, r->nrun + 1, sizeof *g, 64);
		if (!g)
			return PARLEY_ENOMEM;
		r->run = g;
	}
	char *c = malloc(tlen ? tlen : 1);
	if (!c)
		return PARLEY_ENOMEM;
	memcpy(c, term, tlen);
	r->run[r->nrun++] = (struct run){.term = c, .tlen = tlen, .start = r->ne, .age = age};
	return PARLEY_OK;
}

/* Whether the term that keeps pre bytes of old (ol bytes) and adds
 * add[0..n) comes after old. */
static int rises(const unsigned char *old, size_t ol, size_t pre, const unsigned char *add, size_t n)
{
	size_t rest = ol - pre, m = n < rest ? n : rest;
	int c = memcmp(add, old + pre, m);
	return c > 0 || (c == 0 && n > rest);
}

/* Reads the terms of segment s that begin with pfx (plen bytes, FTS5's
 * index byte first), each a run of age age. */
static int scan_segment(reader *r, const seg *s, const unsigned char *pfx, size_t plen, int age)
{
	if (s->first == 0 && s->last == 0)
		return PARLEY_OK; /* an empty segment (all merged away) */
	if (s->first <= 0 || s->last < s->first)
		return PARLEY_ELIMIT; /* not FTS5's shape; FTS5 may still read a leaf */
	r->seg = s->id;
	r->last = s->last;
	/* the leaf where terms >= pfx begin: the %_idx b-tree, as FTS5 seeks */
	int start = s->first;
	sqlite3_stmt *st;
	int rc = pl_prepare_cached(r->db, "SELECT pgno FROM visit_fts_idx WHERE segid = ?1 AND term <= ?2"
	                                  " ORDER BY term DESC LIMIT 1", &st, NULL);
	if (rc)
		return PARLEY_ELIMIT;
	sqlite3_bind_int(st, 1, s->id);
	sqlite3_bind_blob(st, 2, pfx, (int)plen, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		sqlite3_int64 pg = sqlite3_column_int64(st, 0) >> 1;
		if (pg > s->last)
			rc = PARLEY_ELIMIT; /* FTS5 would find no leaf there */
		else if (pg > start)
			start = (int)pg;
	}
	pl_release(r->db, st);
	if (!rc)
		rc = leaf_load(r, start);
	unsigned char tb[MAX_TERM];
	size_t tl = 0;
	int ti = 0, done = 0, matched = 0, seen = 0;
	while (!rc) {
		leaf *l = &r->l;
		if (ti >= l->nterm) {
			rc = next_leaf(r, &done);
			if (rc || done)
				break;
			ti = 0;
			continue;
		}
		/* the term: whole when first on its leaf, else after the bytes it
		 * shares with the one before */
		const unsigned char *p = l->p + l->term[ti], *end = l->p + l->sz;
		uint64_t pre = 0, n;
		int k = ti ? varint(p, end, &pre) : 0;
		if (ti && !k) {
			rc = PARLEY_ELIMIT;
			break;
		}
		p += k;
		k = varint(p, end, &n);
		if (!k || pre > tl || n > MAX_TERM - pre || n > (uint64_t)(end - p - k)) {
			rc = PARLEY_ELIMIT;
			break;
		}
		p += k;
		/* FTS5 writes a segment's terms in strictly rising order and its
		 * scan across segments relies on it (an entry and the delete that
		 * cancels it are paired by term): out of order, decline */
		if (seen && !rises(tb, tl, (size_t)pre, p, (size_t)n)) {
			rc = PARLEY_ELIMIT;
			break;
		}
		seen = 1;
		memcpy(tb + pre, p, n);
		tl = pre + n;
		p += n;
		int c = memcmp(tb, pfx, tl < plen ? tl : plen);
		if (c > 0)
			break; /* past every term of the prefix */
		if (c < 0 || tl < plen) {
			/* a term before the prefix: only on the leaf the %_idx
			 * b-tree named, before the prefix's terms.  Anywhere else the
			 * records are out of order, and FTS5 (which takes the first
			 * term past that leaf as the seek's answer) reads them
			 * otherwise */
			if (matched || r->pg != start) {
				rc = PARLEY_ELIMIT;
				break;
			}
			ti++;
			continue;
		}
		matched = 1;
		rc = run_start(r, tb, tl, age);
		if (!rc)
			rc = doclist(r, (int)(p - l->p), &ti, &done);
		if (!rc)
			r->run[r->nrun - 1].len = r->ne - r->run[r->nrun - 1].start;
		if (done)
			break;
	}
	return rc;
}

/* Reads the structure record: the segments, newest first. */
static int segments(parley_db *db, seg **out, int *n)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st;
	int rc = pl_prepare_cached(db, "SELECT block FROM visit_fts_data WHERE id = 10", &st, NULL);
	if (rc)
		return PARLEY_ELIMIT;
	rc = PARLEY_ELIMIT;
	seg *s = NULL;
	int ns = 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *p = sqlite3_column_blob(st, 0);
		/* an empty record's blob is NULL, where no offset may be added */
		const unsigned char *end = p ? p + sqlite3_column_bytes(st, 0) : NULL;
		uint64_t nlevel, nseg, wc;
		int k;
		/* a V2 record (contentless_delete tables) is not read here */
		if (p && end - p >= 8 && memcmp(p + 4, "\xff\x00\x00\x01", 4) != 0 &&
		    (k = varint(p += 4, end, &nlevel)) && (k = varint(p += k, end, &nseg)) &&
		    (k = varint(p += k, end, &wc)) && nseg <= MAX_SEGS && nlevel <= 64 &&
		    (s = calloc(nseg ? nseg : 1, sizeof *s)) != NULL) {
			p += k;
			rc = PARLEY_OK;
			int ok = 1;
			for (uint64_t lv = 0; ok && lv < nlevel; lv++) {
				uint64_t merge, cnt, v[3];
				ok = (k = varint(p, end, &merge)) && (p += k, k = varint(p, end, &cnt)) &&
				     (p += k, cnt <= nseg - (uint64_t)ns);
				/* oldest first in the record: stored so, then each level
				 * reversed (FTS5 reads the newest first) */
				int lo = ns;
				for (uint64_t i = 0; ok && i < cnt; i++) {
					for (int j = 0; ok && j < 3; j++)
						ok = (k = varint(p, end, &v[j])) && (p += k, v[j] <= INT32_MAX);
					if (ok)
						s[ns++] = (seg){(int)v[0], (int)v[1], (int)v[2]};
				}
				for (int i = lo, j = ns - 1; ok && i < j; i++, j--) {
					seg t = s[i];
					s[i] = s[j];
					s[j] = t;
				}
			}
			if (!ok || (uint64_t)ns != nseg)
				rc = PARLEY_ELIMIT;
		}
	}
	pl_release(db, st);
	if (rc)
		free(s);
	else {
		*out = s;
		*n = ns;
	}
	return rc;
}

static int set_size(uint64_t **b, size_t *nw, uint64_t maxrow)
{
	size_t need = (size_t)(maxrow / 64 + 1);
	uint64_t *g = calloc(need, sizeof *g);
	if (!g)
		return PARLEY_ENOMEM;
	*b = g;
	*nw = need;
	return PARLEY_OK;
}

static int by_term_oldest(const void *x, const void *y)
{
	const struct run *a = x, *b = y;
	size_t n = a->tlen < b->tlen ? a->tlen : b->tlen;
	int c = memcmp(a->term, b->term, n);
	if (c)
		return c;
	if (a->tlen != b->tlen)
		return a->tlen < b->tlen ? -1 : 1;
	return b->age - a->age; /* the oldest first */
}

/* The runs as one set: per (term, rowid) the newest entry, kept when it
 * has positions; a rowid matches when any term keeps it. */
static int combine(reader *r)
{
	uint64_t maxrow = 0;
	for (size_t i = 0; i < r->ne; i++)
		if (r->e[i] >> 1 > maxrow)
			maxrow = r->e[i] >> 1;
	int rc = set_size(&r->bits, &r->nwords, maxrow);
	if (rc)
		return rc;
	if (r->nrun > 1)
		qsort(r->run, r->nrun, sizeof *r->run, by_term_oldest);
	for (size_t i = 0; i < r->nrun;) {
		size_t j = i + 1;
		while (j < r->nrun && r->run[j].tlen == r->run[i].tlen &&
		       memcmp(r->run[j].term, r->run[i].term, r->run[i].tlen) == 0)
			j++;
		if (j == i + 1) { /* one segment holds the term: its live entries */
			const uint64_t *e = r->e + r->run[i].start;
			for (size_t k = 0; k < r->run[i].len; k++)
				if (e[k] & 1)
					r->bits[e[k] >> 7] |= (uint64_t)1 << (e[k] >> 1 & 63);
		} else {
			/* oldest to newest: each entry sets or clears its rowid */
			if (!r->scratch && (rc = set_size(&r->scratch, &r->nwords, maxrow)) != 0)
				return rc;
			for (size_t g = i; g < j; g++) {
				const uint64_t *e = r->e + r->run[g].start;
				for (size_t k = 0; k < r->run[g].len; k++) {
					uint64_t w = e[k] >> 7, bit = (uint64_t)1 << (e[k] >> 1 & 63);
					r->scratch[w] = e[k] & 1 ? r->scratch[w] | bit : r->scratch[w] & ~bit;
				}
			}
			for (size_t g = i; g < j; g++) {
				const uint64_t *e = r->e + r->run[g].start;
				for (size_t k = 0; k < r->run[g].len; k++) {
					uint64_t w = e[k] >> 7, bit = (uint64_t)1 << (e[k] >> 1 & 63);
					r->bits[w] |= r->scratch[w] & bit;
				}
			}
			for (size_t g = i; g < j; g++) {
				const uint64_t *e = r->e + r->run[g].start;
				for (size_t k = 0; k < r->run[g].len; k++)
					r->scratch[e[k] >> 7] = 0;
			}
		}
		i = j;
	}
	return PARLEY_OK;
}

/* Whether the store's FTS5 index is of the format this file reads. */
static int format_known(parley_db *db)
{
	sqlite3_stmt *st;
	if (pl_prepare_cached(db, "SELECT v FROM visit_fts_config WHERE k = 'version'", &st, NULL))
		return 0;
	int ok = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 4;
	pl_release(db, st);
	return ok;
}

int pl_fts_prefix_rowids(parley_db *db, const char *word, uint64_t **bits, size_t *nwords,
                         parley_err *err)
{
	*bits = NULL;
	*nwords = 0;
	/* one word of ASCII letters and digits: what unicode61 makes of it is
	 * itself, so the term is the word (anything else: FTS5 tokenizes) */
	size_t wl = strlen(word);
	if (!wl || wl > 200 || strspn(word, "abcdefghijklmnopqrstuvwxyz0123456789") != wl)
		return PARLEY_ELIMIT;
	/* pending writes of an open transaction live in FTS5's memory, not in
	 * its records */
	if (!sqlite3_get_autocommit(db->sql))
		return PARLEY_ELIMIT;
	unsigned char pfx[256];
	pfx[0] = '0'; /* the main index's byte before every term */
	memcpy(pfx + 1, word, wl);
	reader r = {.db = db};
	seg *s = NULL;
	int ns = 0;
	/* one snapshot for the structure and every leaf */
	int rc = sqlite3_exec(db->sql, "BEGIN", NULL, NULL, NULL) == SQLITE_OK ? PARLEY_OK : PARLEY_ELIMIT;
	int began = !rc;
	if (!rc && !format_known(db))
		rc = PARLEY_ELIMIT;
	if (!rc)
		rc = segments(db, &s, &ns);
	for (int i = 0; !rc && i < ns; i++)
		rc = scan_segment(&r, &s[i], pfx, wl + 1, i);
	if (r.blob)
		sqlite3_blob_close(r.blob);
	/* a read transaction: its end never fails for want of a write; if
	 * it did, the connection must not stay inside it */
	if (began && sqlite3_exec(db->sql, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
	if (!rc)
		rc = combine(&r);
	free(s);
	free(r.l.p);
	free(r.l.term);
	free(r.e);
	free(r.scratch);
	for (size_t i = 0; i < r.nrun; i++)
		free(r.run[i].term);
	free(r.run);
	if (rc) {
		free(r.bits);
		return rc == PARLEY_ENOMEM ? parley_err_set(err, rc, "search: out of memory") : rc;
	}
	*bits = r.bits;
	*nwords = r.nwords;
	return PARLEY_OK;
}
