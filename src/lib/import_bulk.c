/*
 * import_bulk.c - a large import without the per-row upkeep of what the
 * store derives from its records (issue 13: 1M visits in 60 s).
 *
 * Row by row, every visit written updates a dozen secondary indexes, three
 * tallies (schema.c, migration_tally) and marks its search text dirty
 * (migration_query), and each of its places, people and sources updates
 * theirs: at a million visits the indexes outgrow any page cache and most
 * of the import's time goes to them.  A bulk import instead, inside the
 * import's own single transaction:
 *  - notes the SQL of those indexes and triggers (sqlite_schema) and drops
 *    them;
 *  - lets the rows in, each still validated and audited: the updates by
 *    their audit triggers, the inserts set-based (their insert triggers
 *    are dropped too: they were about 43% of a row's insert), one
 *    INSERT ... SELECT per run of rows of one table, over the rowids the
 *    run added (pl_bulk_inserted, pl_bulk_audit_flush), written before
 *    any update and at the end.  The log is the row-by-row log, row for
 *    row and in the same order of seq, except the time: one per
 *    statement, not one per row (test_core_import_bulk compares them);
 *  - creates the indexes and triggers again from the noted SQL, refills
 *    the tallies (pl_tally_refill: the migration's GROUP BY, counted in
 *    memory, tally_fill.c), and brings every visit's search text up to
 *    date (pl_search_refresh_all: the view's text for all of them, built
 *    in one merged read, search_text.c), written only where it changed.
 * The result is the row-by-row result (tests/unit/test_core_import_bulk.c
 * compares the two).  Since it all happens in the one transaction, a
 * failure anywhere, or a rollback for a bad row, leaves the store, its
 * schema included, exactly as it was.
 *
 * The rebuild reads the whole store, not only the rows imported, so an
 * import goes in bulk only when it is large and the store small beside it
 * (pl_bulk_wanted).
 *
 * Foreign keys: the import looks up every reference a row makes itself
 * (import.c, ref_exists: each foreign key of a concept table is a column
 * with a ref), and reports an unknown one as the row's error; SQLite's own
 * check then only looked up the same parents again, one to four lookups
 * per row (and a bulk import deletes nothing, so no row loses a parent).
 * So a bulk import turns SQLite's check off for its transaction
 * (pl_bulk_checks_off, before the transaction: the pragma does nothing
 * inside one) and on again after it, whatever the outcome.
 *
 * The journal: in WAL mode every page of a large transaction is written
 * twice (to the WAL, then by the checkpoint into the store), and each page
 * read back that the cache no longer holds is looked up through every hash
 * table of the WAL, hundreds of them at a million visits: rebuilding the
 * indexes then took longer than the rows themselves.  So when no other
 * connection has the store open, a bulk import switches it to a rollback
 * journal for its transaction (pl_bulk_journal): the pages it adds go
 * straight into the file, only pages the store held before are journaled,
 * and a failure, or a crash (the journal is rolled back as the store is
 * next opened), still leaves the store as it was.  The store is in WAL mode
 * again after the import.  With another connection open, the switch is
 * refused and the import keeps the WAL.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

/* Rowids: a row inserted gets the table's largest rowid plus one, and an
 * import deletes no rows, so the rows a bulk import inserts into a table
 * are those past the largest rowid logged before them, in the order they
 * were inserted (every concept table has rowids, schema.c). */

/* Inputs of at least this many bytes may go in bulk (a few thousand
 * visits: below it the rebuild is not worth its fixed cost). */
#define BULK_MIN_BYTES ((long long)8 << 20)
/* ...when they hold at least this many bytes per visit the store holds:
 * a visit with its rows takes 400 to 700 bytes of NDJSON or CSV, so the
 * import adds about as many visits as the store has, or more. */
#define BULK_BYTES_PER_VISIT 256
/* The page cache of a bulk import (KiB), in place of the import's own
 * (IMPORT_CACHE_KIB, import.c, restored when it closes): without the
 * secondary indexes the rows touch few pages (the right edge of each table
 * and key, and the visits their items name), and the sorts that build the
 * indexes at the end take as much memory again as the cache (SQLite's
 * sorter): both count in the import's peak memory (256 MB for a million
 * visits, issue 13). */
#define BULK_CACHE_KIB 65536
/* ...lowered while the indexes and tallies are built: each build reads its
 * table once, in order, and SQLite's sorter keeps a list as large as the
 * cache before it sorts it and writes it out.  A large list cost more CPU
 * than many small ones merged (measured at 1M visits, one index: 1.7 s of
 * CPU with 40 MiB and a sorting thread, 1.3 s with 2 MiB and none; all
 * indexes and the tallies: 37 s against 25 s), and it counts in the
 * import's peak memory. */
#define BULK_SORT_CACHE_KIB 2048
/* The audit rows of inserts are written every so many rows inserted
 * (pl_bulk_inserted): a few statements per second of rows, each reading
 * back rows the cache still holds. */
#define BULK_AUDIT_BATCH 8192
int pl_bulk_audit_batch = BULK_AUDIT_BATCH;

int pl_import_bulk_mode;

/* What is dropped: every index created by SQL on the tables a large import
 * fills (their primary keys stay: they check each row's key), the tally
 * triggers, and the triggers marking search text dirty on the visit and its
 * items and on people (pl_bulk_end refreshes every visit's and person's
 * instead: their OR IGNORE would yield to the rows' OR FAIL), and those
 * marking the search pack's chunks (pl_search_refresh_all repacks them
 * all, once); and the audit triggers of inserts into the concept tables
 * (pl_bulk_begin leaves out those of other tables: their audit rows are
 * written set-based, pl_bulk_audit_flush); and those keeping
 * visit_person_key (pl_bulk_end refills it). */
static const char *const dropped =
    "SELECT type, name, sql, tbl_name FROM sqlite_schema WHERE sql IS NOT NULL AND ("
    " (type = 'index' AND tbl_name IN ('visit', 'visit_person', 'place', 'activity',"
    "  'visit_source', 'external_id', 'audit', 'visit_tally'))"
    " OR (type = 'trigger' AND (name GLOB 'visit_tally_*' OR (name GLOB 'visit_search_*'"
    "  AND tbl_name IN ('visit', 'place', 'visit_person', 'activity'))"
    "  OR name GLOB 'person_search_*' OR name GLOB 'search_pack_*' OR name GLOB 'visit_person_key_*'"
    "  OR name = 'audit_' || tbl_name || '_insert')))"
    /* the tallies' own indexes last: made after the tallies are refilled,
     * not kept up by each of their half a million rows at 1M visits */
    " ORDER BY type = 'index' AND tbl_name = 'visit_tally', rowid";

int pl_bulk_wanted(parley_db *db, long long input_bytes)
{
	if (pl_import_bulk_mode)
		return pl_import_bulk_mode > 0;
	if (input_bytes < BULK_MIN_BYTES)
		return 0;
	sqlite3_stmt *st;
	if (pl_prepare(db, "SELECT count(*) FROM visit", &st, NULL))
		return 0;
	long long visits = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_finalize(st);
	return visits >= 0 && input_bytes / BULK_BYTES_PER_VISIT >= visits;
}

void pl_bulk_free(pl_bulk *b)
{
	for (size_t i = 0; i < b->n; i++)
		free(b->sql[i]);
	free(b->sql);
	b->sql = NULL;
	b->n = b->cap = b->late = 0;
	b->on = 0;
	for (size_t i = 0; i < PL_ARRAY_LEN(b->audit); i++)
		sqlite3_finalize(b->audit[i]);
	free(b->runs);
	memset(b->logged, 0, sizeof b->logged);
	memset(b->done, 0, sizeof b->done);
	memset(b->base, 0, sizeof b->base);
	memset(b->audit, 0, sizeof b->audit);
	b->runs = NULL;
	b->nruns = b->runs_cap = b->pending = 0;
}

int pl_bulk_inserted(parley_db *db, pl_bulk *b, size_t ci, sqlite3_int64 rowid, parley_err *err)
{
	if (ci >= PL_ARRAY_LEN(b->logged) || !b->logged[ci])
		return PARLEY_OK; /* its trigger logged it */
	/* written every BULK_AUDIT_BATCH rows, while their pages are still in
	 * the cache, rather than all read back at the end */
	if (++b->pending >= (size_t)pl_bulk_audit_batch) {
		int rc = pl_bulk_audit_flush(db, b, err);
		if (rc)
			return rc;
	}
	if (b->nruns && b->runs[b->nruns - 1].concept == (int)ci) {
		b->runs[b->nruns - 1].last = rowid;
		return PARLEY_OK;
	}
	if (b->nruns == b->runs_cap) {
		size_t cap = b->runs_cap ? b->runs_cap * 2 : 64;
		struct pl_bulk_run *p = realloc(b->runs, cap * sizeof *p);
		if (!p)
			return PARLEY_ENOMEM;
		b->runs = p;
		b->runs_cap = cap;
	}
	b->runs[b->nruns++] = (struct pl_bulk_run){(int)ci, rowid};
	return PARLEY_OK;
}

int pl_bulk_audit_flush(parley_db *db, pl_bulk *b, parley_err *err)
{
	int rc = PARLEY_OK;
	size_t i = 0;
	while (!rc && i < b->nruns) {
		int ci = b->runs[i].concept;
		if (!b->audit[ci]) {
			pl_buf sql;
			pl_buf_init(&sql, 1 << 16);
			rc = pl_audit_insert_sql(&sql, pl_concept_at((size_t)ci));
			if (rc)
				rc = parley_err_set(err, rc, "out of memory");
			else
				rc = pl_prepare(db, sql.data, &b->audit[ci], err);
			pl_buf_free(&sql);
			if (rc)
				break;
		}
		sqlite3_stmt *st = b->audit[ci];
		sqlite3_bind_int64(st, 1, b->done[ci]);
		sqlite3_bind_int64(st, 2, b->runs[i].last);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = pl_db_error(db, err, "writing the audit of a bulk import");
		sqlite3_reset(st);
		if (!rc)
			b->done[ci] = b->runs[i++].last;
	}
	/* the runs written are gone; any left stay noted (after a failure the
	 * import is rolled back) */
	if (i) {
		memmove(b->runs, b->runs + i, (b->nruns - i) * sizeof *b->runs);
		b->nruns -= i;
	}
	if (!b->nruns)
		b->pending = 0;
	return rc;
}

static int note(pl_bulk *b, const char *sql)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 32;
		char **p = realloc(b->sql, cap * sizeof *p);
		if (!p)
			return PARLEY_ENOMEM;
		b->sql = p;
		b->cap = cap;
	}
	if (!(b->sql[b->n] = pl_strdup(sql)))
		return PARLEY_ENOMEM;
	b->n++;
	return PARLEY_OK;
}

int pl_bulk_begin(parley_db *db, pl_bulk *b, parley_err *err)
{
	pl_bulk_free(b);
	sqlite3_stmt *st;
	int rc = pl_prepare(db, dropped, &st, err);
	if (rc)
		return rc;
	pl_buf drop;
	pl_buf_init(&drop, 1 << 20);
	int s;
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 1);
		const char *table = (const char *)sqlite3_column_text(st, 3);
		if (strncmp(name, "audit_", 6) == 0) { /* an insert's audit trigger */
			const pl_concept *c = pl_concept_find(table);
			size_t ci = c ? (size_t)(c - pl_concept_at(0)) : PL_ARRAY_LEN(b->logged);
			if (ci >= PL_ARRAY_LEN(b->logged))
				continue; /* not a concept: no import writes it, its trigger stays */
			sqlite3_stmt *top;
			char q[128];
			snprintf(q, sizeof q, "SELECT coalesce(max(rowid), 0) FROM \"%s\"", table);
			rc = pl_prepare(db, q, &top, err);
			if (rc)
				break;
			b->done[ci] = sqlite3_step(top) == SQLITE_ROW ? sqlite3_column_int64(top, 0) : 0;
			b->base[ci] = b->done[ci];
			sqlite3_finalize(top);
			b->logged[ci] = 1;
		}
		rc = note(b, (const char *)sqlite3_column_text(st, 2));
		if (strcmp((const char *)sqlite3_column_text(st, 0), "index") == 0 &&
		    strcmp((const char *)sqlite3_column_text(st, 3), "visit_tally") == 0)
			b->late++;
		if (!rc)
			rc = pl_buf_printf(&drop, "DROP %s \"%s\";", (const char *)sqlite3_column_text(st, 0),
			                   (const char *)sqlite3_column_text(st, 1));
	}
	if (!rc && s != SQLITE_DONE)
		rc = pl_db_error(db, err, "reading the schema for a bulk import");
	sqlite3_finalize(st);
	if (rc == PARLEY_ENOMEM)
		parley_err_set(err, rc, "out of memory");
	if (!rc && drop.data)
		rc = pl_exec(db, drop.data, err);
	/* Where SQLite's foreign key checks stay on (pl_bulk_checks_off
	 * could not turn them off), checked as the transaction commits, not by
	 * each statement: with the rows written OR FAIL (import.c), no statement
	 * then needs its own journal.  The import checks every reference
	 * itself first; a violation would still fail the commit. */
	if (!rc)
		rc = pl_exec(db, "PRAGMA defer_foreign_keys = ON", err);
	char pragma[64];
	snprintf(pragma, sizeof pragma, "PRAGMA main.cache_size = -%d", BULK_CACHE_KIB);
	if (!rc)
		rc = pl_exec(db, pragma, err);
	pl_buf_free(&drop);
	if (rc)
		pl_bulk_free(b);
	else
		b->on = 1;
	return rc;
}

int pl_bulk_end(parley_db *db, pl_bulk *b, parley_err *err)
{
	if (!b->on)
		return PARLEY_OK;
	/* the sorts of the index builds and the tally in this thread (the
	 * connection's default): a second sorting thread cost more CPU than it
	 * saved on a machine whose cores are busy anyway */
	char pragma[64];
	snprintf(pragma, sizeof pragma, "PRAGMA main.cache_size = -%d", BULK_SORT_CACHE_KIB);
	int rc = pl_bulk_audit_flush(db, b, err);
	if (!rc)
		rc = pl_exec(db, pragma, err);
#ifdef __GLIBC__
	/* the pages the smaller cache let go are free in the heap, where the
	 * large arrays of the tallies and the search text (mapped apart by
	 * malloc) cannot reuse them: handed back, they do not count twice in
	 * the import's peak memory (165 MiB at 1M visits without, issue 13's
	 * limit is 256 MB) */
	malloc_trim(0);
#endif
	size_t early = b->n - b->late;
	for (size_t i = 0; !rc && i < early; i++)
		rc = pl_exec(db, b->sql[i], err);
	if (!rc)
		rc = pl_tally_refill(db, err);
	/* a person's visits by role in list order, whose triggers were dropped:
	 * refilled in one sorted pass rather than a seek per delegation row */
	if (!rc)
		rc = pl_exec(db, pl_person_key_fill_sql(), err);
	for (size_t i = early; !rc && i < b->n; i++)
		rc = pl_exec(db, b->sql[i], err);
	/* the search text with the small cache too: it reads each table once
	 * in order and appends its rows (search_text.c); at 1M visits the
	 * large cache cost 47 MiB of peak memory and saved no CPU */
	if (!rc)
		rc = pl_search_refresh_all(db, err);
	snprintf(pragma, sizeof pragma, "PRAGMA main.cache_size = -%d", BULK_CACHE_KIB);
	sqlite3_exec(db->sql, pragma, NULL, NULL, NULL);
	pl_bulk_free(b);
	return rc;
}

int pl_bulk_journal(parley_db *db)
{
	sqlite3_stmt *st;
	if (pl_prepare(db, "PRAGMA main.journal_mode = DELETE", &st, NULL))
		return 0;
	int changed = sqlite3_step(st) == SQLITE_ROW &&
	              strcmp((const char *)sqlite3_column_text(st, 0), "delete") == 0;
	sqlite3_finalize(st);
	return changed;
}

int pl_bulk_checks_off(parley_db *db)
{
	sqlite3_stmt *st;
	if (pl_prepare(db, "PRAGMA foreign_keys", &st, NULL))
		return 0;
	int on = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return on && pl_exec(db, "PRAGMA foreign_keys = OFF", NULL) == PARLEY_OK;
}

int pl_bulk_checks_restore(parley_db *db, parley_err *err)
{
	return pl_exec(db, "PRAGMA foreign_keys = ON", err);
}

int pl_bulk_journal_restore(parley_db *db, parley_err *err)
{
	return pl_exec(db, "PRAGMA main.journal_mode = WAL", err);
}
