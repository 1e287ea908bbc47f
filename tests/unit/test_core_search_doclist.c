/* test_core_search_doclist.c - a one-word search's rowids read from the
 * FTS5 index's records (query_search_doclist.c) are exactly those FTS5
 * gives for the same prefix query: on stores written in many
 * transactions (many segments, merges left half done), with updates and
 * deletes (entries that cancel older ones), small leaves (doclists and
 * position lists running over several leaves) and terms that share a
 * prefix.  The reader must answer (not fall back) on these stores. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>

#include "parley.h"
#include "internal.h"
#include "pl_query.h"

static char dir[64];
#include "test_tmpdir.h"

static const char *const vocab[] = {"visit", "visits", "visited", "visitor", "vis", "visa",
                                    "treaty", "trade", "talks", "t", "summit", "sum", "a",
                                    "ab", "abc", "x9", "1999", "19", "zulu", "visitations"};
#define NVOCAB (sizeof vocab / sizeof vocab[0])

/* prefixes asked: every word, and shorter ones */
static const char *const asked[] = {"v", "vi", "vis", "visi", "visit", "visits", "visited",
                                    "visitor", "visa", "t", "tr", "treaty", "s", "sum", "a",
                                    "ab", "abc", "abcd", "x", "x9", "1", "19", "1999", "z",
                                    "zulu", "q", "visitations", "0"};

static unsigned long long rng = 88172645463325252ULL;
static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static void exec(parley_db *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(parley_sqlite(db), sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
}

/* A body of n words from the vocabulary. */
static char *body(unsigned n)
{
	pl_buf b;
	pl_buf_init(&b, (size_t)1 << 20);
	for (unsigned i = 0; i < n; i++)
		pl_buf_addf(&b, "%s%s", i ? " " : "", vocab[rnd(NVOCAB)]);
	char *s = pl_buf_take(&b);
	assert_non_null(s);
	return s;
}

/* The reader's rowids for w against FTS5's own, one by one. */
static void compare(parley_db *db, const char *w)
{
	uint64_t *bits = NULL;
	size_t nw = 0;
	parley_err err = {0};
	int rc = pl_fts_prefix_rowids(db, w, &bits, &nw, &err);
	if (rc != PARLEY_OK)
		fail_msg("'%s': the reader did not answer (%d)", w, rc);
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT rowid FROM visit_fts WHERE visit_fts MATCH '\"%s\"*'", w);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(parley_sqlite(db), sql, -1, &st, NULL), SQLITE_OK);
	size_t n = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0);
		if (id < 0 || (size_t)id / 64 >= nw || !(bits[id / 64] >> (id % 64) & 1))
			fail_msg("'%s': FTS5 matches rowid %lld, the reader does not", w, id);
		n++;
	}
	sqlite3_finalize(st);
	size_t set = 0;
	for (size_t i = 0; i < nw; i++)
		set += (size_t)__builtin_popcountll(bits[i]);
	if (set != n)
		fail_msg("'%s': FTS5 matches %zu rowids, the reader %zu", w, n, set);
	free(bits);
}

/* Rounds of inserts, updates and deletes, each its own transaction (a
 * segment each), compared after every few. */
static void rounds(parley_db *db, int nround, unsigned rows, unsigned longest)
{
	sqlite3_stmt *ins, *upd, *del;
	sqlite3 *s = parley_sqlite(db);
	assert_int_equal(sqlite3_prepare_v2(s, "INSERT INTO visit_search(visit, body) VALUES (?1, ?2)", -1, &ins, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(s, "UPDATE visit_search SET body = ?2 WHERE n = ?1", -1, &upd, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(s, "DELETE FROM visit_search WHERE n = ?1", -1, &del, NULL), SQLITE_OK);
	static int serial;
	for (int r = 0; r < nround; r++) {
		exec(db, "BEGIN");
		for (unsigned i = 0; i < rows; i++) {
			char id[32];
			snprintf(id, sizeof id, "v%d", serial++);
			/* now and then a long body: its positions run over leaves */
			char *b = body(rnd(50) == 0 ? longest : 1 + rnd(12));
			sqlite3_bind_text(ins, 1, id, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(ins, 2, b, -1, SQLITE_TRANSIENT);
			assert_int_equal(sqlite3_step(ins), SQLITE_DONE);
			sqlite3_reset(ins);
			free(b);
		}
		long long max = 0;
		sqlite3_stmt *m;
		sqlite3_prepare_v2(s, "SELECT max(n) FROM visit_search", -1, &m, NULL);
		if (sqlite3_step(m) == SQLITE_ROW)
			max = sqlite3_column_int64(m, 0);
		sqlite3_finalize(m);
		for (unsigned i = 0; max && i < rows / 6; i++) {
			char *b = body(1 + rnd(8));
			sqlite3_bind_int64(upd, 1, 1 + rnd((unsigned)max));
			sqlite3_bind_text(upd, 2, b, -1, SQLITE_TRANSIENT);
			assert_int_equal(sqlite3_step(upd), SQLITE_DONE);
			sqlite3_reset(upd);
			free(b);
			sqlite3_bind_int64(del, 1, 1 + rnd((unsigned)max));
			assert_int_equal(sqlite3_step(del), SQLITE_DONE);
			sqlite3_reset(del);
		}
		exec(db, "COMMIT");
		if (r % 5 == 4 || r == nround - 1)
			for (size_t k = 0; k < sizeof asked / sizeof asked[0]; k++)
				compare(db, asked[k]);
	}
	sqlite3_finalize(ins);
	sqlite3_finalize(upd);
	sqlite3_finalize(del);
}

/* The structure's segments and whether a merge is left half done. */
static void shape(parley_db *db, int *segs)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(parley_sqlite(db),
	                                    "SELECT count(DISTINCT segid) FROM visit_fts_idx", -1, &st, NULL),
	                 SQLITE_OK);
	*segs = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
}

/* An SQLite varint at *p (the structure record is well formed: FTS5 wrote it). */
static uint64_t get_varint(const unsigned char **p)
{
	uint64_t x = 0;
	for (int i = 0; i < 8; i++) {
		unsigned char c = *(*p)++;
		x = x << 7 | (c & 0x7f);
		if (!(c & 0x80))
			return x;
	}
	return x << 8 | *(*p)++;
}

/* Whether a level of the index holds a merge left half done (its count of
 * input segments, in the structure record, above 0). */
static int merge_under_way(parley_db *db)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(parley_sqlite(db), "SELECT block FROM visit_fts_data WHERE id = 10",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	const unsigned char *p = (const unsigned char *)sqlite3_column_blob(st, 0) + 4;
	uint64_t levels = get_varint(&p), any = 0;
	(void)get_varint(&p); /* segments */
	(void)get_varint(&p); /* write counter */
	for (uint64_t l = 0; l < levels; l++) {
		any |= get_varint(&p); /* inputs of a merge under way */
		uint64_t segs = get_varint(&p);
		for (uint64_t k = 0; k < 3 * segs; k++)
			(void)get_varint(&p);
	}
	sqlite3_finalize(st);
	return any != 0;
}

static void reader_equals_fts5_on_default_leaves(void **state)
{
	(void)state;
	parley_db *db = fresh_store();
	rounds(db, 40, 300, 3000);
	int segs;
	shape(db, &segs);
	assert_true(segs > 1);
	parley_close(db);
}

static void reader_equals_fts5_on_small_leaves(void **state)
{
	(void)state;
	parley_db *db = fresh_store();
	/* 64-byte leaves: nearly every doclist and many position lists run
	 * over leaves; merges of 2 segments at a time, done in small steps */
	exec(db, "INSERT INTO visit_fts(visit_fts, rank) VALUES ('pgsz', 64);"
	         "INSERT INTO visit_fts(visit_fts, rank) VALUES ('automerge', 2);"
	         "INSERT INTO visit_fts(visit_fts, rank) VALUES ('usermerge', 2);");
	rounds(db, 30, 120, 400);
	/* a merge in small steps leaves one half done */
	exec(db, "INSERT INTO visit_fts(visit_fts, rank) VALUES ('merge', 3)");
	assert_true(merge_under_way(db));
	for (size_t k = 0; k < sizeof asked / sizeof asked[0]; k++)
		compare(db, asked[k]);
	exec(db, "INSERT INTO visit_fts(visit_fts) VALUES ('optimize')");
	for (size_t k = 0; k < sizeof asked / sizeof asked[0]; k++)
		compare(db, asked[k]);
	parley_close(db);
}

static void reader_declines_what_it_cannot_read(void **state)
{
	(void)state;
	parley_db *db = fresh_store();
	rounds(db, 1, 50, 10);
	uint64_t *bits = NULL;
	size_t nw = 0;
	parley_err err = {0};
	/* more than one word, a letter FTS5 folds, an empty word */
	assert_int_equal(pl_fts_prefix_rowids(db, "visit summit", &bits, &nw, &err), PARLEY_ELIMIT);
	assert_int_equal(pl_fts_prefix_rowids(db, "Visit", &bits, &nw, &err), PARLEY_ELIMIT);
	assert_int_equal(pl_fts_prefix_rowids(db, "vis\xc3\xa9", &bits, &nw, &err), PARLEY_ELIMIT);
	assert_int_equal(pl_fts_prefix_rowids(db, "", &bits, &nw, &err), PARLEY_ELIMIT);
	/* inside a transaction, pending rows are in FTS5's memory */
	exec(db, "BEGIN");
	assert_int_equal(pl_fts_prefix_rowids(db, "visit", &bits, &nw, &err), PARLEY_ELIMIT);
	exec(db, "COMMIT");
	assert_null(bits);
	assert_int_equal(err.code, 0);
	parley_close(db);
}

/* what agree() reports with its verdict: the change made to the store */
static char changed[600];

/* When the reader answers and FTS5 answers without reporting corruption,
 * the reader gives no rowid FTS5 does not, and (exact) misses none (on a
 * store whose records were altered, either may decline; on a corrupted
 * position list FTS5's own prefix merge may lose rowids, so there only
 * the first holds). */
static void agree(parley_db *db, const char *w, int exact)
{
	uint64_t *bits = NULL;
	size_t nw = 0;
	parley_err err = {0};
	if (pl_fts_prefix_rowids(db, w, &bits, &nw, &err) != PARLEY_OK)
		return;
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT rowid FROM visit_fts WHERE visit_fts MATCH '\"%s\"*'", w);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(parley_sqlite(db), sql, -1, &st, NULL), SQLITE_OK);
	size_t n = 0, missed = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0);
		if (id < 0 || (size_t)id / 64 >= nw || !(bits[id / 64] >> (id % 64) & 1))
			missed++;
		n++;
	}
	sqlite3_finalize(st);
	size_t set = 0;
	for (size_t i = 0; i < nw; i++)
		set += (size_t)__builtin_popcountll(bits[i]);
	free(bits);
	/* every rowid FTS5 gives is counted once: the reader's extra ones are
	 * set - (n - missed) */
	if (rc == SQLITE_DONE && (set > n - missed || (exact && missed)))
		fail_msg("'%s' (%s): FTS5 matches %zu rowids, the reader %zu (%zu of FTS5's missing)", w,
		         changed, n, set, missed);
}

/* Each %_idx row in turn removed, or pointed past its segment's last
 * leaf: FTS5 then seeks to another leaf and reads what it finds there (a
 * seek that lands before a prefix's terms takes the next leaf's first term
 * as its answer; one past the last leaf finds nothing).  The reader must
 * give FTS5's answer or decline, never rowids FTS5 does not give (found
 * by fuzz_search_doclist). */
static void reader_never_answers_otherwise_than_fts5_on_a_broken_idx(void **state)
{
	(void)state;
	parley_db *db = fresh_store();
	exec(db, "INSERT INTO visit_fts(visit_fts, rank) VALUES ('pgsz', 64);"
	         "INSERT INTO visit_fts(visit_fts, rank) VALUES ('automerge', 0);");
	rounds(db, 3, 40, 60);
	sqlite3 *s = parley_sqlite(db);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(s, "SELECT segid, term, pgno FROM visit_fts_idx", -1, &st, NULL),
	                 SQLITE_OK);
	sqlite3_stmt *del, *put;
	assert_int_equal(sqlite3_prepare_v2(s, "DELETE FROM visit_fts_idx WHERE segid = ?1 AND term = ?2", -1,
	                                    &del, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(s, "INSERT INTO visit_fts_idx(segid, term, pgno) VALUES (?1, ?2, ?3)",
	                                    -1, &put, NULL),
	                 SQLITE_OK);
	/* the rows first (the loop changes the table) */
	size_t n = 0, cap = 0;
	struct idxrow {
		long long seg, pgno;
		unsigned char term[256];
		int len;
	} *rows = NULL;
	while (sqlite3_step(st) == SQLITE_ROW) {
		rows = pl_grow(rows, &cap, n + 1, sizeof *rows, 64);
		assert_non_null(rows);
		rows[n].seg = sqlite3_column_int64(st, 0);
		rows[n].len = sqlite3_column_bytes(st, 1);
		assert_true(rows[n].len < 256);
		if (rows[n].len)
			memcpy(rows[n].term, sqlite3_column_blob(st, 1), (size_t)rows[n].len);
		rows[n].pgno = sqlite3_column_int64(st, 2);
		n++;
	}
	sqlite3_finalize(st);
	assert_true(n > 4);
	for (size_t i = 0; i < n; i++)
		for (int way = 0; way < 2; way++) {
			sqlite3_bind_int64(del, 1, rows[i].seg);
			sqlite3_bind_blob(del, 2, rows[i].term, rows[i].len, SQLITE_STATIC);
			assert_int_equal(sqlite3_step(del), SQLITE_DONE);
			sqlite3_reset(del);
			if (way == 1) { /* a page far past the segment */
				sqlite3_bind_int64(put, 1, rows[i].seg);
				sqlite3_bind_blob(put, 2, rows[i].term, rows[i].len, SQLITE_STATIC);
				sqlite3_bind_int64(put, 3, (long long)1000 << 1);
				assert_int_equal(sqlite3_step(put), SQLITE_DONE);
				sqlite3_reset(put);
			}
			snprintf(changed, sizeof changed, "idx row %zu %s", i, way ? "past the segment" : "removed");
			for (size_t k = 0; k < sizeof asked / sizeof asked[0]; k++)
				agree(db, asked[k], 1);
			if (way == 1) {
				sqlite3_bind_int64(del, 1, rows[i].seg);
				sqlite3_bind_blob(del, 2, rows[i].term, rows[i].len, SQLITE_STATIC);
				assert_int_equal(sqlite3_step(del), SQLITE_DONE);
				sqlite3_reset(del);
			}
			sqlite3_bind_int64(put, 1, rows[i].seg);
			sqlite3_bind_blob(put, 2, rows[i].term, rows[i].len, SQLITE_STATIC);
			sqlite3_bind_int64(put, 3, rows[i].pgno);
			assert_int_equal(sqlite3_step(put), SQLITE_DONE);
			sqlite3_reset(put);
		}
	sqlite3_finalize(del);
	sqlite3_finalize(put);
	free(rows);
	/* the rows back as they were: the reader answers again */
	for (size_t k = 0; k < sizeof asked / sizeof asked[0]; k++)
		compare(db, asked[k]);
	parley_close(db);
}

/* Each byte of the structure record changed in turn (by a second
 * connection, whose commit makes FTS5 read the record again): a segment
 * whose first leaf reads 0 is still read by FTS5 when its last leaf is
 * not 0, so the reader must agree or decline, not skip it as merged away
 * (found by fuzz_search_doclist). */
static void reader_never_answers_otherwise_than_fts5_on_a_changed_structure(void **state)
{
	(void)state;
	parley_db *db = fresh_store();
	exec(db, "INSERT INTO visit_fts(visit_fts, rank) VALUES ('pgsz', 64);"
	         "INSERT INTO visit_fts(visit_fts, rank) VALUES ('automerge', 0);");
	rounds(db, 3, 40, 60);
	sqlite3 *w;
	assert_int_equal(sqlite3_open(sqlite3_db_filename(parley_sqlite(db), "main"), &w), SQLITE_OK);
	sqlite3_busy_timeout(w, 5000);
	sqlite3_stmt *st, *put;
	assert_int_equal(sqlite3_prepare_v2(w, "SELECT block FROM visit_fts_data WHERE id = 10", -1, &st, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int n = sqlite3_column_bytes(st, 0);
	assert_true(n > 8 && n < 1024);
	unsigned char orig[1024], b[1024];
	memcpy(orig, sqlite3_column_blob(st, 0), (size_t)n);
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_prepare_v2(w, "UPDATE visit_fts_data SET block = ?1 WHERE id = 10", -1, &put, NULL),
	                 SQLITE_OK);
	for (int i = 4; i < n; i++)
		for (int v = 0; v < 3; v++) {
			memcpy(b, orig, (size_t)n);
			b[i] = v == 0 ? 0 : v == 1 ? 1 : b[i] ^ 1;
			snprintf(changed, sizeof changed, "structure byte %d = %d", i, b[i]);
			sqlite3_bind_blob(put, 1, b, n, SQLITE_STATIC);
			assert_int_equal(sqlite3_step(put), SQLITE_DONE);
			sqlite3_reset(put);
			for (size_t k = 0; k < sizeof asked / sizeof asked[0]; k++)
				agree(db, asked[k], 1);
		}
	sqlite3_bind_blob(put, 1, orig, n, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(put), SQLITE_DONE);
	sqlite3_finalize(put);
	sqlite3_close(w);
	for (size_t k = 0; k < sizeof asked / sizeof asked[0]; k++)
		compare(db, asked[k]);
	parley_close(db);
}

/* Each byte of each leaf changed in turn (a bit flipped, the top bit
 * flipped): a term made larger than the ones after it breaks FTS5's
 * pairing of an entry with the delete that cancels it in a newer
 * segment, so FTS5 gives the deleted rowid; the reader must agree or
 * decline (found by fuzz_search_doclist). */
static void reader_never_answers_otherwise_than_fts5_on_changed_leaves(void **state)
{
	(void)state;
	static const char *const few[] = {"v", "vis", "visit", "visits", "t", "a", "s", "1"};
	parley_db *db = fresh_store();
	exec(db, "INSERT INTO visit_fts(visit_fts, rank) VALUES ('pgsz', 64);"
	         "INSERT INTO visit_fts(visit_fts, rank) VALUES ('automerge', 0);");
	rounds(db, 3, 12, 30);
	sqlite3 *s = parley_sqlite(db);
	sqlite3_stmt *st, *put;
	assert_int_equal(sqlite3_prepare_v2(s, "SELECT id, block FROM visit_fts_data WHERE id > 10", -1, &st, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(s, "UPDATE visit_fts_data SET block = ?2 WHERE id = ?1", -1, &put, NULL),
	                 SQLITE_OK);
	size_t nleaf = 0, cap = 0;
	struct leafrow {
		long long id;
		unsigned char b[1024];
		int n;
	} *rows = NULL;
	while (sqlite3_step(st) == SQLITE_ROW) {
		rows = pl_grow(rows, &cap, nleaf + 1, sizeof *rows, 16);
		assert_non_null(rows);
		rows[nleaf].id = sqlite3_column_int64(st, 0);
		rows[nleaf].n = sqlite3_column_bytes(st, 1);
		assert_true(rows[nleaf].n < 1024);
		memcpy(rows[nleaf].b, sqlite3_column_blob(st, 1), (size_t)rows[nleaf].n);
		nleaf++;
	}
	sqlite3_finalize(st);
	assert_true(nleaf > 3);
	unsigned char b[1024];
	for (size_t i = 0; i < nleaf; i++)
		for (int at = 4; at < rows[i].n; at++)
			for (int v = 0; v < 2; v++) {
				memcpy(b, rows[i].b, (size_t)rows[i].n);
				b[at] ^= v ? 0x80 : 1;
				snprintf(changed, sizeof changed, "leaf %lld byte %d ^ %d", rows[i].id, at, v ? 0x80 : 1);
				for (int h = 0; h < rows[i].n && getenv("DBG"); h++)
					snprintf(changed + strlen(changed), sizeof changed - strlen(changed), "%02x", b[h]);
				sqlite3_bind_int64(put, 1, rows[i].id);
				sqlite3_bind_blob(put, 2, b, rows[i].n, SQLITE_STATIC);
				assert_int_equal(sqlite3_step(put), SQLITE_DONE);
				sqlite3_reset(put);
				for (size_t k = 0; k < sizeof few / sizeof few[0]; k++)
					agree(db, few[k], 0);
				sqlite3_bind_blob(put, 2, rows[i].b, rows[i].n, SQLITE_STATIC);
				assert_int_equal(sqlite3_step(put), SQLITE_DONE);
				sqlite3_reset(put);
			}
	sqlite3_finalize(put);
	free(rows);
	for (size_t k = 0; k < sizeof asked / sizeof asked[0]; k++)
		compare(db, asked[k]);
	parley_close(db);
}

/* An empty structure record (its blob NULL to SQLite) is declined, with
 * no pointer arithmetic on NULL (UBSan; found by fuzz_search_doclist). */
static void reader_declines_an_empty_structure_record(void **state)
{
	(void)state;
	parley_db *db = fresh_store();
	rounds(db, 1, 20, 10);
	exec(db, "UPDATE visit_fts_data SET block = x'' WHERE id = 10");
	uint64_t *bits = NULL;
	size_t nw = 0;
	parley_err err = {0};
	assert_int_equal(pl_fts_prefix_rowids(db, "visit", &bits, &nw, &err), PARLEY_ELIMIT);
	assert_null(bits);
	parley_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(reader_equals_fts5_on_default_leaves),
	    cmocka_unit_test(reader_equals_fts5_on_small_leaves),
	    cmocka_unit_test(reader_declines_what_it_cannot_read),
	    cmocka_unit_test(reader_never_answers_otherwise_than_fts5_on_a_broken_idx),
	    cmocka_unit_test(reader_never_answers_otherwise_than_fts5_on_a_changed_structure),
	    cmocka_unit_test(reader_never_answers_otherwise_than_fts5_on_changed_leaves),
	    cmocka_unit_test(reader_declines_an_empty_structure_record),
	};
	return RUN_IN_TMPDIR("search_doclist", tests);
}
