/*
 * clickhouse_load.c - `parley gdelt load PATH... --into clickhouse://...`.
 *
 * Each input is read by the scan itself (scan.c, input.c) with every
 * well-formed row handed to this sink, so a malformed line is reported with
 * its file and line exactly as a local scan reports it, and never loaded.
 * The sink writes each row as TabSeparated into a buffer per shard (the
 * shard is GLOBALEVENTID mod shards, the rule of the Distributed table's
 * sharding key) and posts a full buffer straight to that shard's
 * events_local from the worker thread; the scan is far faster than an
 * insert, so nothing is gained by overlapping the two further.
 *
 * Loading an input twice adds nothing: an input is identified by its name
 * (without folders), size and CRC-32, recorded in DB.loaded on the first
 * shard once all its rows are in, and skipped when found there.  Rows are
 * tagged with that identity, so rows left by a load that was interrupted
 * before the record was written are deleted before the input is loaded
 * again.
 */
#include "clickhouse.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

/* Bytes of rows buffered per shard and worker before they are posted. */
#define FLUSH_BYTES ((size_t)8 << 20)

typedef struct load_ctx {
	ch_engine *e;
	pl_buf key;           /* the input's identity, TSV-escaped */
	pl_buf insert;        /* INSERT INTO DB.events_local FORMAT TabSeparated */
	pl_gdelt_scan *total; /* counters of the progress line over all inputs */
	uint64_t base_bytes, base_lines;
	pthread_mutex_t mu;
	int failed;           /* a post failed; ferr says why */
	parley_err ferr;
} load_ctx;

typedef struct load_worker {
	load_ctx *x;
	const pl_http_module *http;
	void *c; /* the HTTP module's handle */
	pl_buf buf[CH_MAX_SHARDS];
	long rows;
} load_worker;

static void *load_user_new(void *ctx)
{
	load_worker *lw = calloc(1, sizeof *lw);
	if (!lw)
		return NULL;
	lw->x = ctx;
	/* loaded by parley_gdelt_engine_open already */
	if (ch_http(&lw->http, NULL) == PARLEY_OK)
		lw->c = lw->http->open();
	if (!lw->c) {
		free(lw);
		return NULL;
	}
	for (int i = 0; i < CH_MAX_SHARDS; i++)
		pl_buf_init(&lw->buf[i], 0);
	return lw;
}

static void load_user_free(load_worker *lw)
{
	if (!lw)
		return;
	for (int i = 0; i < CH_MAX_SHARDS; i++)
		pl_buf_free(&lw->buf[i]);
	lw->http->close(lw->c);
	free(lw);
}

static int post_shard(load_worker *lw, int k, parley_err *err)
{
	pl_buf *b = &lw->buf[k];
	if (b->len == 0)
		return PARLEY_OK;
	const ch_shard *sh = &lw->x->e->shards[k];
	ch_call call = {.host = sh->host, .port = sh->port, .sql = lw->x->insert.data,
	                .body = b->data, .body_len = b->len};
	int rc = ch_request(lw->c, &call, lw->x->e->base.name, err);
	pl_buf_reset(b);
	return rc;
}

/* Appends n bytes of a field, escaping what TabSeparated input escapes
 * (a GDELT field holds no tab or newline, but may hold a backslash). */
static int put_escaped(pl_buf *b, const char *p, size_t n)
{
	int rc = PARLEY_OK;
	while (rc == PARLEY_OK && n > 0) {
		const char *bs = memchr(p, '\\', n);
		size_t run = bs ? (size_t)(bs - p) : n;
		rc = pl_buf_append(b, p, run);
		if (rc == PARLEY_OK && bs)
			rc = pl_buf_append(b, "\\\\", 2);
		run += bs != NULL;
		p += run;
		n -= run;
	}
	return rc;
}

/* Shard of a row: GLOBALEVENTID mod shards, like the Distributed table's
 * key toUInt64OrZero(c0) (an id that is not digits goes to shard 0). */
static int shard_of(const pl_gdelt_row *r, int nshards)
{
	uint64_t id = 0;
	for (uint32_t i = 0; i < r->n[PL_GD_ID]; i++) {
		char ch = r->f[PL_GD_ID][i];
		if (ch < '0' || ch > '9' || i >= 19)
			return 0;
		id = id * 10 + (uint64_t)(ch - '0');
	}
	return (int)(id % (uint64_t)nshards);
}

static const char *load_row(pl_gdelt_worker *w, const pl_gdelt_row *r)
{
	load_worker *lw = w->user;
	load_ctx *x = lw->x;
	int k = shard_of(r, x->e->nshards);
	pl_buf *b = &lw->buf[k];
	long day;
	int rc = pl_buf_append(b, x->key.data, x->key.len);
	if (rc == PARLEY_OK && pl_gdelt_day(r->f[PL_GD_SQLDATE], r->n[PL_GD_SQLDATE], &day))
		rc = pl_buf_printf(b, "\t%d\t%ld\t%.6s", r->nfields, day, r->f[PL_GD_SQLDATE]);
	else if (rc == PARLEY_OK)
		rc = pl_buf_printf(b, "\t%d\t%s\t0", r->nfields, CH_NO_DAY);
	for (int i = 0; rc == PARLEY_OK && i < PL_GDELT_MAX_FIELDS; i++) {
		rc = pl_buf_putc(b, '\t');
		if (rc == PARLEY_OK && i < r->nfields)
			rc = put_escaped(b, r->f[i], r->n[i]);
	}
	if (rc == PARLEY_OK)
		rc = pl_buf_putc(b, '\n');
	if (rc != PARLEY_OK) {
		w->status = PARLEY_ENOMEM;
		return NULL;
	}
	if (++lw->rows % 4096 == 0) {
		atomic_store(&x->total->done_bytes, x->base_bytes + atomic_load(&w->scan->done_bytes));
		atomic_store(&x->total->done_lines, x->base_lines + atomic_load(&w->scan->done_lines));
	}
	if (b->len >= FLUSH_BYTES) {
		parley_err e;
		parley_err_clear(&e);
		if (post_shard(lw, k, &e) != PARLEY_OK) {
			pthread_mutex_lock(&x->mu);
			if (!x->failed) {
				x->failed = 1;
				x->ferr = e;
			}
			pthread_mutex_unlock(&x->mu);
			w->status = PARLEY_EIO; /* stops this worker's reading */
		}
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Tables                                                               */
/* ------------------------------------------------------------------ */

static int run_sql(const char *host, int port, const char *what, parley_err *err, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int run_sql(const char *host, int port, const char *what, parley_err *err, const char *fmt, ...)
{
	pl_buf sql;
	pl_buf_init(&sql, 0);
	va_list ap;
	va_start(ap, fmt);
	int rc = pl_buf_vprintf(&sql, fmt, ap);
	va_end(ap);
	if (rc == PARLEY_OK)
		rc = ch_query(host, port, sql.data, NULL, what, err);
	else
		rc = parley_err_set(err, PARLEY_ENOMEM, "%s: out of memory", what);
	pl_buf_free(&sql);
	return rc;
}

/* The first number of a query's answer, or -1 on failure. */
static long query_count(const char *host, int port, const char *sql, const char *what,
                        parley_err *err)
{
	pl_buf out;
	pl_buf_init(&out, 0);
	long n = ch_query(host, port, sql, &out, what, err) == PARLEY_OK
	             ? strtol(out.data ? out.data : "0", NULL, 10)
	             : -1;
	pl_buf_free(&out);
	return n;
}

static int create_tables(ch_engine *e, parley_err *err)
{
	pl_buf cols;
	pl_buf_init(&cols, 0);
	int rc = pl_buf_puts(&cols, "(file String, nfields UInt8, day Int32, ym UInt32");
	for (int i = 0; rc == PARLEY_OK && i < PL_GDELT_MAX_FIELDS; i++)
		rc = pl_buf_printf(&cols, ", c%d String", i);
	if (rc == PARLEY_OK)
		rc = pl_buf_putc(&cols, ')');
	if (rc)
		return parley_err_set(err, PARLEY_ENOMEM, "%s: out of memory", e->base.name);
	const char *w = e->base.name;
	/* Every shard, and the server of the URL if it is not one of them. */
	int entry_is_shard = 0;
	for (int i = 0; i <= e->nshards && rc == PARLEY_OK; i++) {
		const char *host = i < e->nshards ? e->shards[i].host : e->host;
		int port = i < e->nshards ? e->shards[i].port : e->port;
		if (i < e->nshards)
			entry_is_shard |= strcmp(host, e->host) == 0 && port == e->port;
		else if (entry_is_shard)
			break;
		rc = run_sql(host, port, w, err, "CREATE DATABASE IF NOT EXISTS %s", e->db);
		if (rc == PARLEY_OK)
			rc = run_sql(host, port, w, err,
			             "CREATE TABLE IF NOT EXISTS %s.events_local %s ENGINE = MergeTree"
			             " PARTITION BY ym ORDER BY (c7, c17, c26, day)",
			             e->db, cols.data);
		if (rc == PARLEY_OK)
			rc = run_sql(host, port, w, err,
			             "CREATE TABLE IF NOT EXISTS %s.events %s ENGINE = Distributed(%s, %s,"
			             " events_local, toUInt64OrZero(c0))",
			             e->db, cols.data, e->cluster, e->db);
	}
	if (rc == PARLEY_OK)
		rc = run_sql(e->shards[0].host, e->shards[0].port, w, err,
		             "CREATE TABLE IF NOT EXISTS %s.loaded (file String, name String, size UInt64,"
		             " crc32 UInt32, rows UInt64, malformed UInt64, loaded_at DateTime)"
		             " ENGINE = MergeTree ORDER BY file",
		             e->db);
	pl_buf_free(&cols);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Inputs                                                               */
/* ------------------------------------------------------------------ */

typedef struct input_id {
	char name[256];
	uint64_t size;
	uint32_t crc;
	char key[320]; /* "NAME SIZE CRC" */
} input_id;

static int identify(const char *path, input_id *id, parley_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return parley_err_set(err, PARLEY_EIO, "%s: %s", path, strerror(e));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return parley_err_set(err, PARLEY_EINVAL, "%s: not a regular file (a load records files)", path);
	}
	enum { CHUNK = 1 << 20 };
	unsigned char *buf = malloc(CHUNK);
	if (!buf) {
		close(fd);
		return parley_err_set(err, PARLEY_ENOMEM, "%s: out of memory", path);
	}
	uLong crc = crc32(0L, Z_NULL, 0);
	ssize_t n;
	while ((n = read(fd, buf, CHUNK)) > 0)
		crc = crc32(crc, buf, (uInt)n);
	int e = errno;
	free(buf);
	close(fd);
	if (n < 0)
		return parley_err_set(err, PARLEY_EIO, "%s: %s", path, strerror(e));
	const char *slash = strrchr(path, '/');
	pl_strlcpy(id->name, slash ? slash + 1 : path, sizeof id->name);
	id->size = (uint64_t)st.st_size;
	id->crc = (uint32_t)crc;
	snprintf(id->key, sizeof id->key, "%s %llu %08x", id->name, (unsigned long long)id->size,
	         (unsigned)id->crc);
	return PARLEY_OK;
}

/* Deletes the rows an interrupted load of this input left (they carry its
 * key but the input is not in DB.loaded), waiting until the shards have
 * done it: ALTER ... DELETE runs in the background. */
static int remove_partial(ch_engine *e, const input_id *id, const char *keyq, parley_report *rep,
                          parley_err *err)
{
	pl_buf sql;
	pl_buf_init(&sql, 0);
	int rc = pl_buf_printf(&sql, "SELECT count() FROM %s.events WHERE file = %s", e->db, keyq);
	long left = rc == PARLEY_OK ? query_count(e->host, e->port, sql.data, e->base.name, err) : -1;
	pl_buf_free(&sql);
	if (left < 0)
		return rc ? parley_err_set(err, PARLEY_ENOMEM, "out of memory") : PARLEY_EIO;
	if (left == 0)
		return PARLEY_OK;
	for (int i = 0; i < e->nshards && rc == PARLEY_OK; i++)
		rc = run_sql(e->shards[i].host, e->shards[i].port, e->base.name, err,
		             "ALTER TABLE %s.events_local DELETE WHERE file = %s", e->db, keyq);
	pl_buf_init(&sql, 0);
	if (rc == PARLEY_OK)
		rc = pl_buf_printf(&sql,
		                   "SELECT count() FROM system.mutations WHERE database = '%s' AND"
		                   " table = 'events_local' AND is_done = 0",
		                   e->db);
	for (int i = 0; i < e->nshards && rc == PARLEY_OK; i++) {
		long busy;
		int waited = 0;
		while ((busy = query_count(e->shards[i].host, e->shards[i].port, sql.data, e->base.name,
		                           err)) > 0 &&
		       waited++ < 600) {
			struct timespec t = {0, 200 * 1000 * 1000};
			nanosleep(&t, NULL);
		}
		if (busy < 0)
			rc = PARLEY_EIO;
		else if (busy > 0)
			rc = parley_err_set(err, PARLEY_EIO,
			                    "%s: clickhouse %s:%d: deleting the rows of an interrupted load of"
			                    " %s took over 2 minutes",
			                    e->base.name, e->shards[i].host, e->shards[i].port, id->name);
	}
	pl_buf_free(&sql);
	if (rc == PARLEY_OK && rep)
		parley_report_add(rep, PARLEY_WARNING, id->name, 0, 0, NULL, NULL, "gdelt-load-partial",
		                  "removed %ld rows left by an interrupted load before loading it again",
		                  left);
	return rc;
}

/* Loads one input; *rows and *malformed get its counts. */
static int load_input(load_ctx *x, const char *path, int threads, parley_report *rep,
                      long *rows, long *malformed, parley_err *err)
{
	pl_gdelt_scan_opts o;
	memset(&o, 0, sizeof o);
	pl_strlcpy(o.a, "---", sizeof o.a); /* the pair is not used: all_rows */
	pl_strlcpy(o.b, "---", sizeof o.b);
	o.threads = threads;
	o.row = load_row;
	o.user_new = load_user_new;
	o.sink_ctx = x;
	o.all_rows = 1;
	pl_gdelt_scan s;
	int rc = pl_gdelt_scan_run(&s, &o, &path, 1, rep, err);
	*rows = 0;
	for (int i = 0; s.workers && i < s.nworkers; i++) {
		load_worker *lw = s.workers[i].user;
		if (!lw)
			continue;
		for (int k = 0; rc == PARLEY_OK && !x->failed && k < x->e->nshards; k++)
			rc = post_shard(lw, k, err);
		*rows += lw->rows;
		load_user_free(lw);
		s.workers[i].user = NULL;
	}
	if (x->failed) /* the message of the post that failed, not the scan's */
		rc = parley_err_set(err, x->ferr.code, "%s", x->ferr.msg);
	parley_gdelt_stats st;
	pl_gdelt_scan_totals(&s, &st);
	*malformed = st.malformed;
	x->base_bytes += atomic_load(&s.done_bytes);
	x->base_lines += atomic_load(&s.done_lines);
	atomic_store(&x->total->done_bytes, x->base_bytes);
	atomic_store(&x->total->done_lines, x->base_lines);
	pl_gdelt_scan_free(&s);
	return rc;
}

int parley_gdelt_load(parley_gdelt_engine *base, const char *const *paths, size_t npaths,
                      int threads, int progress, parley_report *rep,
                      parley_gdelt_load_stats *stats, parley_err *err)
{
	ch_engine *e = (ch_engine *)base;
	parley_gdelt_load_stats st;
	memset(&st, 0, sizeof st);
	if (stats)
		*stats = st;
	if (npaths == 0)
		return parley_err_set(err, PARLEY_EINVAL, "gdelt load: name one or more files or folders");
	for (size_t i = 0; i < npaths; i++)
		if (strcmp(paths[i], "-") == 0)
			return parley_err_set(err, PARLEY_EINVAL,
			                      "gdelt load: standard input cannot be loaded (an input is recorded"
			                      " by name, size and CRC-32 so that it is loaded once)");
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pl_gdelt_scan ex; /* only for the expansion of folders and globs */
	memset(&ex, 0, sizeof ex);
	ex.rep = rep;
	int rc = pl_gdelt_expand(&ex, paths, npaths, err);
	if (rc == PARLEY_OK)
		rc = ch_find_shards(e, err);
	if (rc == PARLEY_OK)
		rc = create_tables(e, err);
	pl_gdelt_scan total;
	memset(&total, 0, sizeof total);
	for (size_t i = 0; rc == PARLEY_OK && i < ex.nfiles; i++) {
		struct stat sb;
		if (stat(ex.files[i], &sb) == 0)
			total.total_bytes += (uint64_t)sb.st_size;
	}
	load_ctx x;
	memset(&x, 0, sizeof x);
	x.e = e;
	x.total = &total;
	pthread_mutex_init(&x.mu, NULL);
	pl_buf_init(&x.key, 0);
	pl_buf_init(&x.insert, 0);
	if (rc == PARLEY_OK &&
	    pl_buf_printf(&x.insert, "INSERT INTO %s.events_local FORMAT TabSeparated", e->db) != PARLEY_OK)
		rc = parley_err_set(err, PARLEY_ENOMEM, "gdelt load: out of memory");
	pl_gdelt_progress *prog = rc == PARLEY_OK && progress ? pl_gdelt_progress_start(&total) : NULL;
	pl_buf keyq, sql;
	pl_buf_init(&keyq, 0);
	pl_buf_init(&sql, 0);
	const ch_shard *first = &e->shards[0];
	for (size_t i = 0; rc == PARLEY_OK && i < ex.nfiles; i++) {
		input_id id;
		rc = identify(ex.files[i], &id, err);
		if (rc)
			break;
		pl_buf_reset(&keyq);
		pl_buf_reset(&sql);
		pl_buf_reset(&x.key);
		if (ch_quote(&keyq, id.key, strlen(id.key)) != PARLEY_OK ||
		    put_escaped(&x.key, id.key, strlen(id.key)) != PARLEY_OK ||
		    pl_buf_printf(&sql, "SELECT count() FROM %s.loaded WHERE file = %s", e->db, keyq.data) !=
		        PARLEY_OK) {
			rc = parley_err_set(err, PARLEY_ENOMEM, "gdelt load: out of memory");
			break;
		}
		long seen = query_count(first->host, first->port, sql.data, e->base.name, err);
		if (seen < 0) {
			rc = PARLEY_EIO;
			break;
		}
		if (seen > 0) {
			st.skipped++;
			if (rep)
				parley_report_add(rep, PARLEY_INFO, ex.files[i], 0, 0, NULL, NULL,
				                  "gdelt-already-loaded",
				                  "loaded before (same name, size and CRC-32): skipped");
			x.base_bytes += id.size;
			atomic_store(&total.done_bytes, x.base_bytes);
			continue;
		}
		if ((rc = remove_partial(e, &id, keyq.data, rep, err)))
			break;
		long rows = 0, bad = 0;
		if ((rc = load_input(&x, ex.files[i], threads, rep, &rows, &bad, err)))
			break;
		pl_buf_reset(&sql);
		if (ch_quote(&sql, id.name, strlen(id.name)) != PARLEY_OK) {
			rc = parley_err_set(err, PARLEY_ENOMEM, "gdelt load: out of memory");
			break;
		}
		rc = run_sql(first->host, first->port, e->base.name, err,
		             "INSERT INTO %s.loaded VALUES (%s, %s, %llu, %u, %ld, %ld, now())", e->db,
		             keyq.data, sql.data, (unsigned long long)id.size, (unsigned)id.crc, rows, bad);
		if (rc)
			break;
		st.files++;
		st.rows += rows;
		st.malformed += bad;
		st.bytes += id.size;
	}
	pl_gdelt_progress_stop(prog);
	pl_buf_free(&keyq);
	pl_buf_free(&sql);
	pl_buf_free(&x.key);
	pl_buf_free(&x.insert);
	pthread_mutex_destroy(&x.mu);
	pl_gdelt_scan_free(&ex);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	st.seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (stats)
		*stats = st;
	return rc;
}
