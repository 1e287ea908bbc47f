/*
 * store.c - opening the SQLite store, migrating it, and the small helpers
 * every module uses to talk to it.
 *
 * The store runs in WAL mode with foreign keys on.  Two SQL functions are
 * registered on every connection: parley_actor() and parley_reason(), which
 * the audit triggers call to record who made a change and why, and
 * parley_fold(text), the name-matching key of fold.c, parley_fold_words(text)
 * (the search text), parley_first_day and
 * parley_last_day (day numbers of partial dates) and parley_rank(level).
 */
#include "internal.h"

#include <pthread.h>

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#ifdef __GLIBC__
#include <malloc.h> /* malloc_trim */
#endif

static void sql_actor(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	(void)argv;
	parley_db *db = sqlite3_user_data(ctx);
	sqlite3_result_text(ctx, db->actor, -1, SQLITE_TRANSIENT);
}

static void sql_reason(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	(void)argv;
	parley_db *db = sqlite3_user_data(ctx);
	if (db->reason)
		sqlite3_result_text(ctx, db->reason, -1, SQLITE_TRANSIENT);
	else
		sqlite3_result_null(ctx);
}

static void sql_fold(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const char *s = (const char *)sqlite3_value_text(argv[0]);
	if (!s) {
		sqlite3_result_null(ctx);
		return;
	}
	/* user data set: parley_fold_words (the search text), else the key */
	char *f = sqlite3_user_data(ctx) ? parley_fold_words(s) : parley_fold(s);
	if (!f) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	sqlite3_result_text(ctx, f, -1, free);
}

/* parley_first_day(date) and parley_last_day(date): day numbers of a
 * partial date, so SQL can order and filter by the rules of parley.h. */
static void sql_day(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const char *s = (const char *)sqlite3_value_text(argv[0]);
	parley_date d;
	if (!s || parley_date_parse(s, strlen(s), &d, NULL) != PARLEY_OK) {
		sqlite3_result_null(ctx);
		return;
	}
	int last = sqlite3_user_data(ctx) != NULL;
	sqlite3_result_int64(ctx, last ? parley_date_last_day(d) : parley_date_first_day(d));
}

static void sql_rank(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	sqlite3_result_int(ctx, parley_level_rank((const char *)sqlite3_value_text(argv[0])));
}

int pl_db_error(parley_db *db, parley_err *err, const char *what)
{
	return parley_err_set(err, PARLEY_EDB, "%s: %s", what,
	                      db && db->sql ? sqlite3_errmsg(db->sql) : "no database");
}

/* pl_exec's error for step status r. */
static int exec_error(parley_db *db, int r, parley_err *err)
{
	/* SQLITE_BUSY comes only after the busy timeout (the bound) has passed */
	int code = (r & 0xff) == SQLITE_BUSY ? PARLEY_EBUSY : PARLEY_EDB;
	return parley_err_set(err, code, "database: %s%s", sqlite3_errmsg(db->sql),
	                      code == PARLEY_EBUSY ? " (another writer held the store past the 5 s bound)" : "");
}

/* The cached statement (pl_prepare_cached) that sql begins with: a whole
 * statement ending in ';', or all of sql; its length in *n.  NULL when
 * none is cached (or it is in use). */
static sqlite3_stmt *cached_head(parley_db *db, const char *sql, size_t *n)
{
	for (size_t i = 0; i < PL_STMT_CACHE; i++) {
		struct pl_stmt_slot *c = &db->stmts[i];
		size_t k = c->sql && !c->busy ? strlen(c->sql) : 0;
		if (k && strncmp(c->sql, sql, k) == 0 && (c->sql[k - 1] == ';' || !sql[k])) {
			c->busy = 1;
			c->used = ++db->stmt_tick;
			*n = k;
			return c->st;
		}
	}
	return NULL;
}

int pl_exec(parley_db *db, const char *sql, parley_err *err)
{
	/* Statement by statement through the statement cache: a team server's
	 * every save runs the same few (its transaction, the search index's
	 * refresh), and compiling them again was a fifth of a save's CPU
	 * (bench/teams).  A statement not cached yet is compiled once to find
	 * where it ends, then cached. */
	int rc = PARLEY_OK;
	for (const char *p = sql; !rc && *p;) {
		size_t n = 0;
		sqlite3_stmt *st = cached_head(db, p, &n);
		if (!st) {
			const char *tail = p;
			if (sqlite3_prepare_v2(db->sql, p, -1, &st, &tail) != SQLITE_OK)
				return exec_error(db, sqlite3_errcode(db->sql), err);
			if (!st) /* only blanks or comments left */
				break;
			sqlite3_finalize(st);
			n = (size_t)(tail - p);
			char *one = pl_strndup(p, n);
			if (!one)
				return parley_err_set(err, PARLEY_ENOMEM, "out of memory");
			rc = pl_prepare_cached(db, one, &st, err);
			free(one);
			if (rc)
				return rc;
		}
		int r;
		while ((r = sqlite3_step(st)) == SQLITE_ROW)
			;
		if (r != SQLITE_DONE)
			rc = exec_error(db, r, err);
		pl_release(db, st);
		p += n;
	}
	return rc;
}

int pl_prepare(parley_db *db, const char *sql, sqlite3_stmt **st, parley_err *err)
{
	if (sqlite3_prepare_v2(db->sql, sql, -1, st, NULL) != SQLITE_OK)
		return pl_db_error(db, err, "preparing a query");
	return PARLEY_OK;
}

int pl_rows_collect(parley_db *db, sqlite3_stmt *st, size_t size,
                    void (*read)(sqlite3_stmt *st, void *elem), void **out, size_t *n,
                    const char *what, parley_err *err)
{
	*out = NULL;
	*n = 0;
	char *v = NULL;
	size_t len = 0, cap = 0;
	int s, rc = PARLEY_OK;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		char *nv = pl_grow(v, &cap, len + 1, size, 8);
		if (!nv) {
			rc = parley_err_set(err, PARLEY_ENOMEM, "out of memory %s", what);
			break;
		}
		v = nv;
		read(st, v + len++ * size);
	}
	if (!rc && s != SQLITE_DONE)
		rc = pl_db_error(db, err, what);
	sqlite3_finalize(st);
	if (rc) {
		free(v);
		return rc;
	}
	*out = v;
	*n = len;
	return PARLEY_OK;
}

int pl_rows_json(parley_db *db, sqlite3_stmt *st, const char *const *names, const char *kinds,
                 const char *what, char **out, parley_err *err)
{
	*out = NULL;
	json_t *a = json_array();
	int r;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *o = json_object();
		for (int i = 0; kinds[i]; i++) {
			const char *v = (const char *)sqlite3_column_text(st, i);
			json_t *jv = !v ? json_null()
			           : kinds[i] == 'i' ? json_integer(sqlite3_column_int64(st, i))
			           : kinds[i] == 'j' ? json_loads(v, 0, NULL)
			           : json_string(v);
			json_object_set_new(o, names[i], jv ? jv : json_null());
		}
		json_array_append_new(a, o);
	}
	sqlite3_finalize(st);
	if (r != SQLITE_DONE) {
		json_decref(a);
		return pl_db_error(db, err, what);
	}
	*out = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return *out ? PARLEY_OK : parley_err_set(err, PARLEY_ENOMEM, "out of memory");
}

int pl_prepare_cached(parley_db *db, const char *sql, sqlite3_stmt **st, parley_err *err)
{
	struct pl_stmt_slot *victim = NULL;
	db->stmt_tick++;
	for (size_t i = 0; i < PL_STMT_CACHE; i++) {
		struct pl_stmt_slot *c = &db->stmts[i];
		if (c->sql && !c->busy && strcmp(c->sql, sql) == 0) {
			c->busy = 1;
			c->used = db->stmt_tick;
			*st = c->st;
			return PARLEY_OK;
		}
		if (!c->busy && (!victim || (victim->sql && (!c->sql || c->used < victim->used))))
			victim = c;
	}
	if (sqlite3_prepare_v3(db->sql, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK)
		return pl_db_error(db, err, "preparing a query");
	/* the slot of the least recently used statement (every slot busy, or
	 * no memory for the key: an ordinary statement, finalized on release) */
	char *key = victim ? strdup(sql) : NULL;
	if (key) {
		sqlite3_finalize(victim->st);
		free(victim->sql);
		*victim = (struct pl_stmt_slot){.sql = key, .st = *st, .busy = 1, .used = db->stmt_tick};
	}
	return PARLEY_OK;
}

void pl_release(parley_db *db, sqlite3_stmt *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < PL_STMT_CACHE; i++)
		if (db->stmts[i].st == st && db->stmts[i].sql) {
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			db->stmts[i].busy = 0;
			return;
		}
	sqlite3_finalize(st);
}

int pl_begin(parley_db *db, parley_err *err)
{
	return pl_exec(db, "BEGIN IMMEDIATE", err);
}

int pl_commit(parley_db *db, parley_err *err)
{
	/* the search index changes in the same transaction as the records */
	int rc = pl_search_flush(db, err);
	return rc ? rc : pl_exec(db, "COMMIT", err);
}

void pl_rollback(parley_db *db)
{
	if (!sqlite3_get_autocommit(db->sql))
		sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
}

int pl_end(parley_db *db, int rc, parley_err *err)
{
	if (!rc)
		rc = pl_commit(db, err);
	if (rc)
		pl_rollback(db);
	return rc;
}

int pl_bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
	if (!s || !*s)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

static int user_version(parley_db *db)
{
	sqlite3_stmt *st;
	int v = -1;
	if (sqlite3_prepare_v2(db->sql, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	return v;
}

int parley_schema_version(parley_db *db)
{
	return user_version(db);
}

int parley_schema_version_at_open(parley_db *db)
{
	return db->opened_version;
}

static int migrate(parley_db *db, parley_err *err)
{
	int have = user_version(db), want = pl_schema_migration_count();
	db->opened_version = have;
	if (have < 0)
		return pl_db_error(db, err, db->path);
	if (have > want)
		return parley_err_set(err, PARLEY_EDB,
		                      "%s: store schema version %d is newer than this parley (%d)",
		                      db->path, have, want);
	if (have == want)
		return PARLEY_OK;
	/* a reader never writes, so it names the one command that migrates
	 * (tables and indexes only; no record changes) */
	if (db->readonly)
		return parley_err_set(err, PARLEY_EDB,
		                      "%s: store schema version %d is older than this parley's (%d); "
		                      "run 'parley --db %s migrate' to bring it up to date (no record changes)",
		                      db->path, have, want, db->path);
	int rc = pl_begin(db, err);
	if (rc)
		return rc;
	for (int i = have; i < want && !rc; i++)
		rc = pl_exec(db, pl_schema_migration(i), err);
	/* a migration that marks search rows (migration_search_pack) has them
	 * packed before it commits */
	if (!rc)
		rc = pl_pack_flush(db, err);
	if (!rc)
		rc = pl_audit_install(db, err);
	if (!rc) {
		char sql[64];
		snprintf(sql, sizeof sql, "PRAGMA user_version = %d", want);
		rc = pl_exec(db, sql, err);
	}
	return pl_end(db, rc, err);
}

/* Statement journals in memory, never spilled to a temporary file: every
 * row an import writes fires triggers (audit, search), so SQLite journals
 * the pages each statement changes, and past 64 KiB (SQLite's default) a
 * statement journal spills to a file: gigabytes of writes for an import of
 * 100,000 visits (issue 13).  A statement journal holds the original of
 * each page of the store one statement changes (not the pages it adds) and
 * is emptied when the statement ends.  (A larger spill threshold is no
 * middle way: SQLite then allocates the journal in chunks of that size,
 * and a spill past 16 MiB failed with SQLITE_FULL on a disk with room.)
 * SQLite takes this only before it initialises, so a host that has already
 * used SQLite keeps its own setting. */
static pthread_once_t config_once = PTHREAD_ONCE_INIT;
static void configure_sqlite(void)
{
	sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, -1);
	pl_vfs_map_register(); /* readers map the whole file (vfs_map.c) */
}

static int open_path(const char *path, int flags, parley_db **out, parley_err *err);

int parley_open(const char *path, int flags, parley_db **out, parley_err *err)
{
	if (!path || !*path || !out)
		return parley_err_set(err, PARLEY_EINVAL, "parley_open: no store path given");
	return open_path(path, flags, out, err);
}

int pl_open_scratch(parley_db **out, parley_err *err)
{
	/* SQLite's name for "a private temporary file, deleted as the
	 * connection closes": its pages beyond the cache go to disk, so a
	 * scratch store of a million visits costs disk, not memory */
	int rc = open_path("", PARLEY_OPEN_CREATE, out, err);
	if (!rc)
		(*out)->scratch = 1;
	return rc;
}

long long pl_mmap_pause(parley_db *db)
{
	sqlite3_stmt *st;
	long long n = 0;
	if (pl_prepare(db, "PRAGMA mmap_size", &st, NULL) == PARLEY_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			n = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	if (n > 0)
		sqlite3_exec(db->sql, "PRAGMA mmap_size = 0", NULL, NULL, NULL);
	return n > 0 ? n : 0;
}

void pl_mmap_resume(parley_db *db, long long size)
{
	char pragma[64];
	if (size <= 0)
		return;
	snprintf(pragma, sizeof pragma, "PRAGMA mmap_size = %lld", size);
	sqlite3_exec(db->sql, pragma, NULL, NULL, NULL);
}

void pl_cache_release(parley_db *db)
{
	sqlite3_db_release_memory(db->sql);
#ifdef __GLIBC__
	/* handed back, not kept in the heap: the large arrays that follow are
	 * mapped apart by malloc and could not reuse those pages */
	malloc_trim(0);
#endif
}

/* open_path's own flag, beside PARLEY_OPEN_*: a hot journal was rolled back
 * already (once is enough; a second means something else is wrong). */
#define PL_OPEN_RECOVERED 0x100

static int open_path(const char *path, int flags, parley_db **out, parley_err *err)
{
	struct stat sb;
	int exists = stat(path, &sb) == 0;
	if (!exists && !(flags & PARLEY_OPEN_CREATE))
		return parley_err_set(err, PARLEY_ENOTFOUND,
		                      "%s: no store there (create one with 'parley init')", path);
	parley_db *db = calloc(1, sizeof *db);
	if (!db)
		return parley_err_set(err, PARLEY_ENOMEM, "out of memory");
	db->path = strdup(path);
	db->readonly = (flags & PARLEY_OPEN_READONLY) != 0;
	pl_strlcpy(db->actor, "parley", sizeof db->actor);
	int oflags = db->readonly ? SQLITE_OPEN_READONLY
	                          : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	int rc = PARLEY_OK;
	if (!db->path) {
		rc = parley_err_set(err, PARLEY_ENOMEM, "out of memory");
		goto fail;
	}
	pthread_once(&config_once, configure_sqlite);
	/* a reader maps the whole file, past the 2 GB Debian's SQLite maps */
	const char *vfs = db->readonly ? pl_vfs_map_name() : NULL;
	if (sqlite3_open_v2(path, &db->sql, oflags | SQLITE_OPEN_NOMUTEX, vfs) != SQLITE_OK) {
		rc = pl_db_error(db, err, path);
		goto fail;
	}
	sqlite3_extended_result_codes(db->sql, 1);
	sqlite3_busy_timeout(db->sql, 5000);
	sqlite3_create_function(db->sql, "parley_actor", 0, SQLITE_UTF8, db, sql_actor, NULL, NULL);
	sqlite3_create_function(db->sql, "parley_reason", 0, SQLITE_UTF8, db, sql_reason, NULL, NULL);
	sqlite3_create_function(db->sql, "parley_fold", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
	                        NULL, sql_fold, NULL, NULL);
	sqlite3_create_function(db->sql, "parley_fold_words", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
	                        (void *)1, sql_fold, NULL, NULL);
	sqlite3_create_function(db->sql, "parley_first_day", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
	                        NULL, sql_day, NULL, NULL);
	sqlite3_create_function(db->sql, "parley_last_day", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
	                        (void *)1, sql_day, NULL, NULL);
	sqlite3_create_function(db->sql, "parley_rank", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
	                        NULL, sql_rank, NULL, NULL);
	/* the text of a brief its search index holds (brief_catalog.c) */
	sqlite3_create_function(db->sql, "parley_brief_text", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
	                        NULL, pl_brief_sql_text, NULL, NULL);
	/* Check that the file is a database before anything writes to it. */
	rc = pl_exec(db, "SELECT count(*) FROM sqlite_schema", err);
	if (rc && db->readonly && !(flags & PL_OPEN_RECOVERED) &&
	    sqlite3_extended_errcode(db->sql) == SQLITE_READONLY_ROLLBACK) {
		/* A write was interrupted with a rollback journal (a bulk import
		 * writes with one, import_bulk.c, and can be killed): the journal is
		 * hot, and only a writer may roll it back.  A reader does that once,
		 * as any writer's open would, then reads the store as it was. */
		parley_close(db);
		parley_db *w = NULL;
		parley_err werr = {0, ""};
		if (open_path(path, flags & ~PARLEY_OPEN_READONLY, &w, &werr) != PARLEY_OK)
			return parley_err_set(err, PARLEY_EDB, "%s: an interrupted write must be rolled back "
			                      "first, and this process cannot: %s", path, werr.msg);
		parley_close(w);
		return open_path(path, flags | PL_OPEN_RECOVERED, out, err);
	}
	if (rc) {
		parley_err_set(err, PARLEY_EDB, "%s: not a parley store (%s)", path,
		               sqlite3_errmsg(db->sql));
		goto fail;
	}
	rc = pl_exec(db, "PRAGMA foreign_keys = ON", err);
	/* Reads of a large store (a pair's visits, its facets, one analysis
	 * after another) touch the same pages again: map the file instead of
	 * copying each page through SQLite's 2 MB cache (issue 13).  The mapped
	 * pages are the kernel's page cache, shared and dropped under pressure,
	 * though they count in the reader's resident size.  Writers keep the
	 * default, so an import's memory stays its own. */
	if (!rc && db->readonly)
		rc = pl_exec(db, "PRAGMA mmap_size = 4294967296", err);
	/* SQLite maps at most 2 GB (SQLITE_MAX_MMAP_SIZE, Debian's build):
	 * pages past it are copied in through the page cache, one pread each
	 * (at 1M visits, 2.8 GB, the search index's rows lie there: a third
	 * of a search's CPU went to pread).  Readers open through vfs_map.c,
	 * which maps the rest too; where it cannot, a reader's cache of 64 MiB
	 * keeps such pages; it grows only as they are read. */
	if (!rc && db->readonly)
		rc = pl_exec(db, "PRAGMA cache_size = -65536", err);
	if (!rc && !db->readonly)
		rc = pl_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL", err);
	if (!rc)
		rc = migrate(db, err);
	if (rc)
		goto fail;
	*out = db;
	return PARLEY_OK;
fail:
	parley_close(db);
	return rc;
}

void parley_close(parley_db *db)
{
	if (!db)
		return;
	sqlite3_finalize(db->changes);
	pl_search_memo_free(db);
	pl_pack_memo_free(db);
	pl_visitor_memo_free(db);
	for (size_t i = 0; i < PL_STMT_CACHE; i++) {
		sqlite3_finalize(db->stmts[i].st);
		free(db->stmts[i].sql);
	}
	if (db->sql)
		sqlite3_close_v2(db->sql);
	free(db->path);
	free(db->reason);
	free(db);
}

const char *parley_default_db_path(void)
{
	const char *p = getenv("PARLEY_DB");
	return p && *p ? p : "parley.db";
}

int parley_set_actor(parley_db *db, const char *actor, parley_err *err)
{
	if (!db || !actor || !*actor)
		return parley_err_set(err, PARLEY_EINVAL, "parley_set_actor: empty actor");
	pl_strlcpy(db->actor, actor, sizeof db->actor);
	return PARLEY_OK;
}

int parley_set_reason(parley_db *db, const char *reason, parley_err *err)
{
	if (!db)
		return parley_err_set(err, PARLEY_EINVAL, "parley_set_reason: no store");
	char *r = NULL;
	if (reason && *reason && !(r = strdup(reason)))
		return parley_err_set(err, PARLEY_ENOMEM, "out of memory");
	free(db->reason);
	db->reason = r;
	return PARLEY_OK;
}

int pl_begin_reason(parley_db *db, const char *reason, parley_err *err)
{
	int rc = parley_set_reason(db, reason, err);
	if (!rc)
		rc = pl_begin(db, err);
	if (rc)
		parley_set_reason(db, NULL, NULL);
	return rc;
}

int pl_import_open_reason(parley_db *db, const char *reason, parley_report *rep,
                          pl_import **imp, parley_err *err)
{
	*imp = NULL;
	int rc = parley_set_reason(db, reason, err);
	if (!rc)
		rc = pl_import_open(db, rep, imp, err);
	if (rc)
		parley_set_reason(db, NULL, NULL);
	return rc;
}

void *parley_sqlite(parley_db *db)
{
	return db ? db->sql : NULL;
}

long parley_count(parley_db *db, const char *table, parley_err *err)
{
	const pl_concept *c = pl_concept_find(table);
	const char *name = c ? c->name : (table && strcmp(table, "audit") == 0 ? "audit" : NULL);
	if (!name)
		return parley_err_set(err, PARLEY_EINVAL, "unknown concept '%s'", table ? table : "");
	char sql[96];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", name);
	sqlite3_stmt *st;
	int rc = pl_prepare(db, sql, &st, err);
	if (rc)
		return rc;
	long n = sqlite3_step(st) == SQLITE_ROW ? (long)sqlite3_column_int64(st, 0)
	                                        : pl_db_error(db, err, "counting");
	sqlite3_finalize(st);
	return n;
}

long long parley_change_counter(parley_db *db)
{
	if (!db || (!db->changes && sqlite3_prepare_v2(db->sql, "PRAGMA data_version", -1,
	                                                &db->changes, NULL) != SQLITE_OK))
		return -1;
	long long v = sqlite3_step(db->changes) == SQLITE_ROW ? sqlite3_column_int64(db->changes, 0) : -1;
	sqlite3_reset(db->changes);
	return v;
}
