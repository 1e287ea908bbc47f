/*
 * fuzz_search_doclist.c - the reader of FTS5's own index records
 * (query_search_doclist.c, pl_fts_prefix_rowids) on a store whose
 * visit_fts_data and visit_fts_idx rows are corrupted by the input.
 *
 * Once per process: a real store file in $TMPDIR (removed at exit) with
 * visits written in a few transactions on 64-byte leaves, so FTS5 writes
 * a structure record, several segments, doclists and position lists that
 * run over leaves, and %_idx rows.  Its rows are kept as read.
 *
 * Per input: a second connection writes the input's changes to those rows
 * and commits (the reader refuses to run inside a transaction, and a
 * commit by another connection makes FTS5 on parley's connection read its
 * structure again), the reader and FTS5 answer a few prefixes, then the
 * original rows are written back.  The input is a list of chunks:
 *   ROW OP LEN PAYLOAD[LEN]
 * ROW picks a visit_fts_data row (by id order), a visit_fts_idx row, or a
 * new data row (payload: segment, leaf, then its bytes); OP is what the
 * payload does to it: 0 replaces its bytes, 1 flips bytes of the original
 * (pairs: offset, xor; for an idx row the first pair changes its page
 * number), 2 truncates it to LEN bytes, 3 deletes it.  Flips keep the
 * fuzzer near records FTS5 wrote.
 *
 * What must hold, whatever the records hold:
 *   - no crash, out-of-bounds read, leak or hang (the sanitizers, -timeout);
 *   - when no leaf was changed (only the structure record, %_idx rows),
 *     the reader answers PARLEY_OK and FTS5 answers the same prefix query
 *     without an error, the two sets of rowids are equal (the caller
 *     trusts the reader instead of FTS5).  When FTS5 itself reports the
 *     index corrupt there is no answer to compare with; the reader may
 *     then answer or decline.
 * On a changed leaf the comparison is made only with FUZZ_DOCLIST_STRICT=1
 * (the reader must then give no rowid FTS5 does not): FTS5 answers from
 * some malformed leaves without reporting them (its prefix merge then
 * gives a rowid more or fewer than the records hold), and the reader does
 * not yet decline every such leaf: fuzz/corpus/search_doclist/leaf-
 * divergence-* are inputs where the two still differ.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "internal.h"
#include "parley.h"
#include "pl_query.h"

static parley_db *g_db;   /* the reader's connection (parley's) */
static sqlite3 *g_w;      /* the connection that corrupts and restores */
static char g_path[512];

typedef struct blobrow {
	sqlite3_int64 id; /* data: the row id; idx: segid */
	unsigned char *b; /* data: block; idx: term */
	int n;
	sqlite3_int64 pgno; /* idx only */
} blobrow;

static blobrow *g_data, *g_idx;
static int g_leaf_changed; /* this input changed or added a leaf */
static int g_strict;       /* FUZZ_DOCLIST_STRICT: compare on changed leaves too */
static int g_ndata, g_nidx;

static const char *const g_asked[] = {"v", "vis", "visit", "visits", "t", "tr", "a", "ab", "1", "z"};
#define NASKED (sizeof g_asked / sizeof g_asked[0])

static void cleanup(void)
{
	char p[600];
	if (g_w)
		sqlite3_close(g_w);
	if (g_db)
		parley_close(g_db);
	for (int i = 0; i < g_ndata; i++)
		free(g_data[i].b);
	for (int i = 0; i < g_nidx; i++)
		free(g_idx[i].b);
	free(g_data);
	free(g_idx);
	unlink(g_path);
	snprintf(p, sizeof p, "%s-wal", g_path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", g_path);
	unlink(p);
}

static void must(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_search_doclist setup: %s: %s\n", what, g_w ? sqlite3_errmsg(g_w) : "");
		abort();
	}
}

static void wexec(const char *sql)
{
	must(sqlite3_exec(g_w, sql, NULL, NULL, NULL) == SQLITE_OK, sql);
}

/* On parley's connection: the store's triggers may call its functions. */
static void pexec(const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(parley_sqlite(g_db), sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "fuzz_search_doclist setup: %s: %s\n", sql, msg);
		abort();
	}
}

/* The rows of one of the two tables, as they are now. */
static int load_rows(const char *sql, blobrow **out, int idx)
{
	sqlite3_stmt *st;
	must(sqlite3_prepare_v2(g_w, sql, -1, &st, NULL) == SQLITE_OK, sql);
	int n = 0, cap = 0;
	blobrow *v = NULL;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			v = realloc(v, (size_t)cap * sizeof *v);
			must(v != NULL, "out of memory");
		}
		blobrow *r = &v[n++];
		r->id = sqlite3_column_int64(st, 0);
		r->n = sqlite3_column_bytes(st, 1);
		r->b = malloc(r->n ? (size_t)r->n : 1);
		must(r->b != NULL, "out of memory");
		if (r->n)
			memcpy(r->b, sqlite3_column_blob(st, 1), (size_t)r->n);
		r->pgno = idx ? sqlite3_column_int64(st, 2) : 0;
	}
	sqlite3_finalize(st);
	*out = v;
	return n;
}

static void check(const char *w, int must_answer);

static void setup(void)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(g_path, sizeof g_path, "%s/fuzz-search-doclist-%ld.db", tmp && *tmp ? tmp : "/tmp",
	         (long)getpid());
	unlink(g_path);
	atexit(cleanup);
	const char *strict = getenv("FUZZ_DOCLIST_STRICT");
	g_strict = strict && *strict == '1';
	parley_err err = {0};
	if (parley_open(g_path, PARLEY_OPEN_CREATE, &g_db, &err) != PARLEY_OK) {
		fprintf(stderr, "fuzz_search_doclist setup: %s\n", err.msg);
		abort();
	}
	must(sqlite3_open_v2(g_path, &g_w, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK, "open");
	sqlite3_busy_timeout(g_w, 5000);
	wexec("PRAGMA synchronous = OFF");
	/* 64-byte leaves: doclists and position lists run over leaves, and
	 * the %_idx b-tree has rows; no automatic merge, so several segments
	 * stay, one of them holding deletes that cancel older entries */
	pexec("INSERT INTO visit_fts(visit_fts, rank) VALUES ('pgsz', 64);"
	      "INSERT INTO visit_fts(visit_fts, rank) VALUES ('automerge', 0);"
	      "INSERT INTO visit_fts(visit_fts, rank) VALUES ('crisismerge', 64);");
	static const char *const txn[] = {
	    "INSERT INTO visit_search(visit, body) VALUES ('v1', 'visit treaty talks'),"
	    " ('v2', 'visits trade summit a ab'), ('v3', 'visited visitor vis visa 1999 19'),"
	    " ('v4', 'zulu t treaty visit visit visit visit visit visit visit visit visit visit"
	    " visit visit visit visit visit visit visit visit visit visit visit visit')",
	    "INSERT INTO visit_search(visit, body) VALUES ('v5', 'visitations abc sum'),"
	    " ('v6', 'trade talks visit'), ('v7', 'a ab abc x9 1999 visits')",
	    "UPDATE visit_search SET body = 'summit zulu' WHERE visit = 'v2';"
	    "DELETE FROM visit_search WHERE visit = 'v3';"
	    "INSERT INTO visit_search(visit, body) VALUES ('v8', 'visitor trade vis 19')",
	};
	for (size_t i = 0; i < sizeof txn / sizeof txn[0]; i++) {
		pexec("BEGIN");
		pexec(txn[i]);
		pexec("COMMIT");
	}
	g_ndata = load_rows("SELECT id, block FROM visit_fts_data ORDER BY id", &g_data, 0);
	g_nidx = load_rows("SELECT segid, term, pgno FROM visit_fts_idx ORDER BY segid, term", &g_idx, 1);
	must(g_ndata > 3 && g_nidx > 0, "the store has too few FTS5 records");
	int segs = 0;
	sqlite3_stmt *st;
	must(sqlite3_prepare_v2(g_w, "SELECT count(DISTINCT segid) FROM visit_fts_idx", -1, &st, NULL) == SQLITE_OK,
	     "segments");
	if (sqlite3_step(st) == SQLITE_ROW)
		segs = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	must(segs > 1, "the store has one segment");
	/* the reader answers, and as FTS5 does, on the records FTS5 wrote */
	for (size_t i = 0; i < NASKED; i++)
		check(g_asked[i], 1);
}

static void bind_bytes(sqlite3_stmt *st, int col, const unsigned char *b, int n)
{
	sqlite3_bind_blob(st, col, n ? (const void *)b : "", n, SQLITE_TRANSIENT);
}

static void put_data(sqlite3_int64 id, const unsigned char *b, int n)
{
	sqlite3_stmt *st;
	must(sqlite3_prepare_v2(g_w, "INSERT OR REPLACE INTO visit_fts_data(id, block) VALUES (?1, ?2)", -1,
	                        &st, NULL) == SQLITE_OK,
	     "put data");
	sqlite3_bind_int64(st, 1, id);
	bind_bytes(st, 2, b, n);
	must(sqlite3_step(st) == SQLITE_DONE, "put data");
	sqlite3_finalize(st);
}

static void del_data(sqlite3_int64 id)
{
	char sql[96];
	snprintf(sql, sizeof sql, "DELETE FROM visit_fts_data WHERE id = %lld", (long long)id);
	wexec(sql);
}

/* An idx row replaced: the old (segid, term) removed, the new one put. */
static void put_idx(const blobrow *old, const unsigned char *term, int n, sqlite3_int64 pgno)
{
	sqlite3_stmt *st;
	must(sqlite3_prepare_v2(g_w, "DELETE FROM visit_fts_idx WHERE segid = ?1 AND term = ?2", -1, &st,
	                        NULL) == SQLITE_OK,
	     "del idx");
	sqlite3_bind_int64(st, 1, old->id);
	bind_bytes(st, 2, old->b, old->n);
	must(sqlite3_step(st) == SQLITE_DONE, "del idx");
	sqlite3_finalize(st);
	if (!term)
		return;
	must(sqlite3_prepare_v2(g_w, "INSERT OR REPLACE INTO visit_fts_idx(segid, term, pgno) VALUES (?1, ?2, ?3)",
	                        -1, &st, NULL) == SQLITE_OK,
	     "put idx");
	sqlite3_bind_int64(st, 1, old->id);
	bind_bytes(st, 2, term, n);
	sqlite3_bind_int64(st, 3, pgno);
	must(sqlite3_step(st) == SQLITE_DONE, "put idx");
	sqlite3_finalize(st);
}

/* The input's chunks written to the store, in one committed transaction. */
static void corrupt(const uint8_t *d, size_t size)
{
	unsigned char buf[1024];
	wexec("BEGIN");
	g_leaf_changed = 0;
	size_t i = 0;
	while (i + 3 <= size) {
		unsigned sel = d[i] % (unsigned)(g_ndata + g_nidx + 1), op = d[i + 1] & 3;
		size_t len = d[i + 2];
		i += 3;
		if (len > size - i)
			len = size - i;
		const uint8_t *pl = d + i;
		i += len;
		if (sel == (unsigned)(g_ndata + g_nidx)) { /* a new data row */
			if (len < 2)
				continue;
			put_data(((sqlite3_int64)(pl[0] % 8) << 37) + pl[1], pl + 2, (int)len - 2);
			g_leaf_changed = 1;
			continue;
		}
		int isidx = sel >= (unsigned)g_ndata;
		const blobrow *r = isidx ? &g_idx[sel - (unsigned)g_ndata] : &g_data[sel];
		if (!isidx && r->id > 10)
			g_leaf_changed = 1;
		int n = r->n < (int)sizeof buf ? r->n : (int)sizeof buf;
		sqlite3_int64 pgno = r->pgno;
		const unsigned char *b = buf;
		memcpy(buf, r->b, (size_t)n);
		if (op == 0) { /* replace */
			b = pl;
			n = (int)len;
		} else if (op == 1) { /* flips */
			size_t k = 0;
			if (isidx && len >= 2) {
				pgno ^= (sqlite3_int64)(pl[0] | pl[1] << 8);
				k = 2;
			}
			for (; k + 1 < len && n; k += 2)
				buf[pl[k] % n] ^= pl[k + 1];
		} else if (op == 2) { /* truncate */
			if ((int)len < n)
				n = (int)len;
		}
		if (isidx)
			put_idx(r, op == 3 ? NULL : b, n, pgno);
		else if (op == 3)
			del_data(r->id);
		else
			put_data(r->id, b, n);
	}
	wexec("COMMIT");
}

/* Every row as FTS5 wrote it, again. */
static void restore(void)
{
	wexec("BEGIN");
	wexec("DELETE FROM visit_fts_data; DELETE FROM visit_fts_idx");
	for (int i = 0; i < g_ndata; i++)
		put_data(g_data[i].id, g_data[i].b, g_data[i].n);
	sqlite3_stmt *st;
	must(sqlite3_prepare_v2(g_w, "INSERT INTO visit_fts_idx(segid, term, pgno) VALUES (?1, ?2, ?3)", -1, &st,
	                        NULL) == SQLITE_OK,
	     "restore idx");
	for (int i = 0; i < g_nidx; i++) {
		sqlite3_bind_int64(st, 1, g_idx[i].id);
		bind_bytes(st, 2, g_idx[i].b, g_idx[i].n);
		sqlite3_bind_int64(st, 3, g_idx[i].pgno);
		must(sqlite3_step(st) == SQLITE_DONE, "restore idx");
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	wexec("COMMIT");
}

/* The reader's answer for w against FTS5's, when both answer; must: the
 * reader must answer (the store as FTS5 wrote it). */
static void check(const char *w, int must_answer)
{
	uint64_t *bits = NULL;
	size_t nw = 0;
	parley_err err = {0};
	int rc = pl_fts_prefix_rowids(g_db, w, &bits, &nw, &err);
	if (rc != PARLEY_OK && rc != PARLEY_ELIMIT) {
		fprintf(stderr, "'%s': the reader failed with %d (%s)\n", w, rc, err.msg);
		abort();
	}
	if (!sqlite3_get_autocommit(parley_sqlite(g_db))) {
		fprintf(stderr, "'%s': the reader left its transaction open\n", w);
		abort();
	}
	if (rc != PARLEY_OK && must_answer) {
		fprintf(stderr, "'%s': the reader declines the store as FTS5 wrote it\n", w);
		abort();
	}
	if (rc != PARLEY_OK) {
		if (bits)
			abort(); /* declined, yet handed memory back */
		return;
	}
	if (g_leaf_changed && !g_strict) {
		free(bits);
		return;
	}
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT rowid FROM visit_fts WHERE visit_fts MATCH '\"%s\"*'", w);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(parley_sqlite(g_db), sql, -1, &st, NULL) != SQLITE_OK) {
		free(bits);
		return; /* FTS5 refuses the table (e.g. its config read corrupt) */
	}
	/* FTS5's rowids, checked against the reader's bits as they come; the
	 * verdict waits for the end, since FTS5 may find corruption late */
	sqlite3_int64 bad = -1;
	size_t n = 0;
	int src;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		sqlite3_int64 id = sqlite3_column_int64(st, 0);
		if (id < 0 || (uint64_t)id / 64 >= nw || !(bits[id / 64] >> (id % 64) & 1)) {
			if (bad < 0)
				bad = id;
		} else
			n++;
	}
	sqlite3_finalize(st);
	if (src == SQLITE_DONE) {
		size_t set = 0;
		for (size_t i = 0; i < nw; i++)
			set += (size_t)__builtin_popcountll(bits[i]);
		if (set > n) {
			fprintf(stderr, "'%s': the reader gives %zu rowids FTS5 does not\n", w, set - n);
			abort();
		}
		if (bad >= 0 && !g_leaf_changed) {
			fprintf(stderr, "'%s': FTS5 matches rowid %lld, the reader does not\n", w, (long long)bad);
			abort();
		}
		if (set != n && !g_leaf_changed) {
			fprintf(stderr, "'%s': FTS5 matches %zu rowids, the reader %zu\n", w, n, set);
			abort();
		}
	}
	free(bits);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!g_db)
		setup();
	corrupt(data, size);
	for (size_t i = 0; i < NASKED; i++)
		check(g_asked[i], 0);
	restore();
	return 0;
}
