/*
 * server.c - `parley serve`: the pages and API over HTTP with libmicrohttpd.
 *
 * Requests are answered by pl_web_handle; this file adds what HTTP needs:
 * limits (URL length, query size, connections, timeouts), security headers
 * (Content-Security-Policy and friends), ETag/304, gzip, and a cache of
 * finished responses.  The store is read-only here, so a response depends
 * only on its URL until the store file changes; SQLite's data_version
 * tells each connection when that happens and the cache is emptied.
 *
 * Responses are queued on the access handler's second call, not its first:
 * queueing on the first call makes libmicrohttpd close every connection
 * after one request (FIELD-NOTES: ~40k vs ~126k requests/s).
 */
#include "cache_scope.h"
#include "request.h"
#include "team.h"

#include <errno.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/socket.h>

/* Each connection's memory for its request line, headers and response
 * headers: a request of the largest target request.h accepts (14 KiB) and
 * some KiB of headers fit.  libmicrohttpd zeroes the whole of it after
 * every request, so it is no larger: at 64 KiB that memset was a tenth of
 * the server's CPU under bench/teams (a cached read: 14.3 -> 12.9 us). */
#define CONNECTION_MEMORY (32u * 1024)

#define CACHE_MAX_ENTRIES 4096
#define CACHE_MAX_BYTES (128u << 20)

static const char *const csp =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/* ------------------------------------------------------------------ */
/* Response cache                                                      */
/* ------------------------------------------------------------------ */

typedef struct entry {
	char *key;
	char *words;  /* its request's search words (pl_cache_words), or NULL */
	char etag[48];
	struct MHD_Response *plain, *gz, *not_modified;
	size_t bytes;
	struct entry *next;
} entry;

#define NBUCKETS 8192
static entry *buckets[NBUCKETS];
static size_t cache_entries, cache_bytes;
/* Counts the drops (a write came in): a page rendered across a drop may
 * show the old data, so it is put in the cache only when none of the drops
 * since its render began touches it (drop_log). */
static unsigned long cache_gen;
static pthread_rwlock_t cache_lock = PTHREAD_RWLOCK_INITIALIZER;
/* PARLEY_NO_RESPONSE_CACHE=1 (set before serve starts): every request is
 * rendered from the store, so benches measure the uncached latency
 * (bench/scale/run, docs/performance.md). */
static int g_no_cache;
/* PARLEY_BODY_MAX=N (a test hook, like PARLEY_SITE_LIST_MAX): the body cap
 * of every answer, so a test sees a small store's CSV go out through a
 * temp file as a whole-store CSV of a million visits does. 0: PL_BODY_MAX. */
static size_t g_body_max;

static void entry_free(entry *e)
{
	if (!e)
		return;
	free(e->key);
	free(e->words);
	if (e->plain)
		MHD_destroy_response(e->plain);
	if (e->gz)
		MHD_destroy_response(e->gz);
	if (e->not_modified)
		MHD_destroy_response(e->not_modified);
	free(e);
}

/* The last DROP_LOG drops, by generation: the drop that made cache_gen g
 * is drops[g % DROP_LOG] (when its gen is g).  Under cache_lock. */
#define DROP_LOG 64
typedef struct drop_rec {
	unsigned long gen;
	char *visits, *notes; /* pl_cache_change's, owned; visits NULL: everything */
	int note_only;
} drop_rec;
static drop_rec drops[DROP_LOG];

/* Caller holds the write lock: counts a drop of what c touches (takes
 * visits and notes), so renders in flight that it touches are not kept. */
static void drop_log_add(char *visits, int note_only, char *notes)
{
	drop_rec *d = &drops[++cache_gen % DROP_LOG];
	free(d->visits);
	free(d->notes);
	*d = (drop_rec){.gen = cache_gen, .visits = visits, .notes = notes, .note_only = note_only};
}

/* Caller holds the lock: 1 when a drop since generation gen touches the
 * answer under key (words: its search words), or is no longer known. */
static int dropped_since(unsigned long gen, const char *key, const char *words)
{
	if (cache_gen - gen >= DROP_LOG)
		return 1;
	for (unsigned long g = gen + 1; g <= cache_gen; g++) {
		const drop_rec *d = &drops[g % DROP_LOG];
		pl_cache_change c = {.visits = d->visits, .note_only = d->note_only, .notes = d->notes};
		if (d->gen != g || pl_cache_touched(key, words, &c))
			return 1;
	}
	return 0;
}

/* Caller holds the write lock: empties the cache; stale: because the
 * store changed (renders in flight are not kept), else to make room. */
static void cache_clear_locked(int stale)
{
	for (size_t i = 0; i < NBUCKETS; i++) {
		entry *e = buckets[i];
		while (e) {
			entry *n = e->next;
			entry_free(e);
			e = n;
		}
		buckets[i] = NULL;
	}
	cache_entries = cache_bytes = 0;
	if (stale)
		drop_log_add(NULL, 0, NULL);
}

/* The audit entry the cache reflects: answers were rendered from a store
 * whose audit log ended there (-1: unknown).  Under cache_lock. */
static long long g_cache_seq = -1;

/* Caller holds the write lock: drops every entry a change to the text of
 * the visits in ids can touch (note_only: to their notes alone, which were
 * and became notes; cache_scope.c), and logs the drop (takes ids and
 * notes). */
static void cache_drop_locked(char *ids, int note_only, char *notes)
{
	pl_cache_change c = {.visits = ids, .note_only = note_only, .notes = notes};
	for (size_t i = 0; i < NBUCKETS; i++) {
		entry **pp = &buckets[i];
		while (*pp) {
			entry *e = *pp;
			if (!pl_cache_touched(e->key, e->words, &c)) {
				pp = &e->next;
				continue;
			}
			*pp = e->next;
			cache_entries--;
			cache_bytes -= e->bytes;
			entry_free(e);
		}
	}
	drop_log_add(ids, note_only, notes);
}

/* Brings the cache up to the store as db (the caller's connection) sees
 * it, after its data_version moved: nothing when the audit log has not
 * moved (a login, a held change), the answers a text-only edit can touch
 * when that is all that happened, else everything.  Every change to a
 * record is audited, so a team write always moves the audit log. */
static void cache_sync(parley_db *db)
{
	/* the audit log is read outside the write lock, so readers of the
	 * cache are not held up; if another thread synced meanwhile, again */
	for (int tries = 0;; tries++) {
		pthread_rwlock_rdlock(&cache_lock);
		long long from = g_cache_seq;
		pthread_rwlock_unlock(&cache_lock);
		long long head = -1;
		char *ids = NULL, *notes = NULL;
		int note_only = 0;
		int rc = parley_audit_scope(db, from, &head, &ids, &note_only, &notes, NULL);
		if (rc == PARLEY_OK && head >= 0 && head == from)
			return; /* the cache is where this connection sees the store (the
			         * team thread synced after its save): nothing to lock */
		pthread_rwlock_wrlock(&cache_lock);
		if (g_cache_seq != from && tries < 3) {
			pthread_rwlock_unlock(&cache_lock);
			free(ids);
			free(notes);
			continue;
		}
		if (rc != PARLEY_OK || head < 0 || g_cache_seq != from) {
			cache_clear_locked(1);
			g_cache_seq = -1;
		} else if (head > from || from < 0) { /* lower: this connection's view is older */
			if (ids) {
				cache_drop_locked(ids, note_only, notes);
				ids = notes = NULL; /* the drop log has them */
			} else {
				cache_clear_locked(1);
			}
			g_cache_seq = head;
		}
		pthread_rwlock_unlock(&cache_lock);
		free(ids);
		free(notes);
		return;
	}
}

static void add_headers(struct MHD_Response *r, const char *type, const char *etag, int gz)
{
	MHD_add_response_header(r, "Content-Type", type);
	MHD_add_response_header(r, "Content-Security-Policy", csp);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "Cache-Control", "no-cache");
	MHD_add_response_header(r, "Vary", "Accept-Encoding");
	if (etag)
		MHD_add_response_header(r, "ETag", etag);
	if (gz)
		MHD_add_response_header(r, "Content-Encoding", "gzip");
}

/* gzip of data (at zlib level) into a new malloc'd buffer; NULL when it
 * does not help. */
static char *gzip(const char *data, size_t n, int level, size_t *out_n)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	if (deflateInit2(&z, level, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return NULL;
	size_t cap = deflateBound(&z, n);
	char *out = malloc(cap);
	if (!out) {
		deflateEnd(&z);
		return NULL;
	}
	z.next_in = (Bytef *)data;
	z.avail_in = (uInt)n;
	z.next_out = (Bytef *)out;
	z.avail_out = (uInt)cap;
	int rc = deflate(&z, Z_FINISH);
	*out_n = z.total_out;
	deflateEnd(&z);
	if (rc != Z_STREAM_END || *out_n >= n) {
		free(out);
		return NULL;
	}
	return out;
}

/* The one response of an answer in a temp file (a visit CSV past the
 * body cap, pl_web_resp.file): MHD reads the file as it sends and closes
 * it with the response.  Never gzipped (sent once, and a 164 MB deflate
 * would hold the render thread); its ETag is the hash the body would
 * have.  Takes (closes) rs->file, whatever the outcome. */
static entry *entry_from_file(const char *key, pl_web_resp *rs)
{
	entry *e = calloc(1, sizeof *e);
	int fd = rs->file ? dup(fileno(rs->file)) : -1;
	uint64_t len = rs->file_len, hash = rs->file_hash;
	pl_web_resp_file_close(rs);
	if (!e || fd < 0 || !(e->key = pl_strdup(key))) {
		if (fd >= 0)
			close(fd);
		entry_free(e);
		return NULL;
	}
	snprintf(e->etag, sizeof e->etag, "\"%016llx\"", (unsigned long long)hash);
	e->plain = MHD_create_response_from_fd64(len, fd);
	if (!e->plain) {
		close(fd);
		entry_free(e);
		return NULL;
	}
	add_headers(e->plain, rs->type, e->etag, 0);
	e->bytes = strlen(key) + sizeof *e;
	return e;
}

/* Builds the responses of a rendered page; takes body's memory.  gz: 0 no
 * gzip (a response sent once to a client that does not take it), 1 fast
 * (sent once), 2 small (kept in the cache and sent many times). */
static entry *entry_new(const char *key, pl_web_resp *rs, int gz_mode)
{
	if (rs->file)
		return entry_from_file(key, rs);
	entry *e = calloc(1, sizeof *e);
	if (!e)
		return NULL;
	e->key = pl_strdup(key);
	size_t n = rs->body.len;
	char *body = pl_buf_take(&rs->body);
	if (!e->key || !body) {
		free(body);
		entry_free(e);
		return NULL;
	}
	if (rs->etag[0])
		pl_strlcpy(e->etag, rs->etag, sizeof e->etag);
	else
		snprintf(e->etag, sizeof e->etag, "\"%016llx\"", (unsigned long long)pl_hash(body, n));
	size_t gn = 0;
	char *gz = n > 512 && gz_mode ? gzip(body, n, gz_mode == 2 ? 6 : 1, &gn) : NULL;
	e->plain = MHD_create_response_from_buffer(n, body, MHD_RESPMEM_MUST_FREE);
	if (!e->plain) {
		free(body);
		free(gz);
		entry_free(e);
		return NULL;
	}
	add_headers(e->plain, rs->type, e->etag, 0);
	if (rs->location[0]) /* a renamed record's old address (301) */
		MHD_add_response_header(e->plain, "Location", rs->location);
	if (gz) {
		e->gz = MHD_create_response_from_buffer(gn, gz, MHD_RESPMEM_MUST_FREE);
		if (e->gz)
			add_headers(e->gz, rs->type, e->etag, 1);
		else
			free(gz);
		if (e->gz && rs->location[0])
			MHD_add_response_header(e->gz, "Location", rs->location);
	}
	e->not_modified = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	if (e->not_modified) {
		MHD_add_response_header(e->not_modified, "ETag", e->etag);
		MHD_add_response_header(e->not_modified, "Cache-Control", "no-cache");
		MHD_add_response_header(e->not_modified, "Vary", "Accept-Encoding");
	}
	e->bytes = n + gn + strlen(key) + sizeof *e;
	return e;
}

/* ------------------------------------------------------------------ */
/* Per-thread store handles                                            */
/* ------------------------------------------------------------------ */

typedef struct worker {
	parley_db *db;
	pl_web web;
	long long seen_version;
	struct worker *next;
} worker;

static const char *g_db_path;
static worker *g_workers;
static pthread_mutex_t g_workers_lock = PTHREAD_MUTEX_INITIALIZER;
static _Thread_local worker *tl_worker;

static long long data_version(worker *w)
{
	return parley_change_counter(w->db);
}

static worker *get_worker(void)
{
	if (tl_worker)
		return tl_worker;
	worker *w = calloc(1, sizeof *w);
	if (!w)
		return NULL;
	parley_err err = {0};
	if (parley_open(g_db_path, PARLEY_OPEN_READONLY, &w->db, &err) != PARLEY_OK ||
	    pl_web_init(&w->web, w->db, 0, &err) != PARLEY_OK) {
		fprintf(stderr, "parley serve: %s\n", err.msg);
		if (w->db)
			parley_close(w->db);
		free(w);
		return NULL;
	}
	w->seen_version = data_version(w);
	w->web.spill = 1; /* a visit CSV past the cap goes out from a temp file */
	w->web.body_max = g_body_max;
	pthread_mutex_lock(&g_workers_lock);
	w->next = g_workers;
	g_workers = w;
	pthread_mutex_unlock(&g_workers_lock);
	tl_worker = w;
	return w;
}

/* ------------------------------------------------------------------ */
/* Slow clients                                                        */
/* ------------------------------------------------------------------ */

/* libmicrohttpd resets a connection's timeout on every byte, so a client
 * that drips one header line every few seconds would hold its connection
 * (and, with enough of them, the server) for ever (FIELD-NOTES).  Each
 * connection is therefore tracked from the moment it is ready for a
 * request (accepted, or its previous response sent): a reaper thread shuts
 * down the socket of any connection whose request headers are not all in
 * HEADER_DEADLINE_S later.  libmicrohttpd then sees the closed socket and
 * frees the connection itself.  Idle keep-alive connections fall under the
 * same rule. */
#define HEADER_DEADLINE_S 10.0
#define DEFAULT_MAX_CONNECTIONS 4096u

typedef struct conn {
	int fd;
	double ready_at;     /* when the connection began waiting for a request */
	int busy;            /* headers are in: a request is being answered */
	int shut;            /* the reaper has shut it down */
	struct conn *prev, *next;
} conn;

static conn g_conns;     /* list head (a ring) */
static pthread_mutex_t g_conns_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_reaper_wake = PTHREAD_COND_INITIALIZER;
static int g_reaper_stop;
static double g_deadline_s = HEADER_DEADLINE_S;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
	(void)cls;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		conn *k = ci ? calloc(1, sizeof *k) : NULL;
		*socket_context = k;
		if (!k)
			return; /* untracked: the idle timeout still applies */
		k->fd = ci->connect_fd;
		k->ready_at = now_s();
		pthread_mutex_lock(&g_conns_lock);
		k->next = g_conns.next;
		k->prev = &g_conns;
		g_conns.next->prev = k;
		g_conns.next = k;
		pthread_mutex_unlock(&g_conns_lock);
	} else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
		/* Called before libmicrohttpd closes the socket, so the reaper
		 * never shuts down a descriptor that was reused. */
		conn *k = *socket_context;
		if (!k)
			return;
		pthread_mutex_lock(&g_conns_lock);
		k->prev->next = k->next;
		k->next->prev = k->prev;
		pthread_mutex_unlock(&g_conns_lock);
		free(k);
		*socket_context = NULL;
	}
}

/* busy: 1 when a request's headers are in, 0 when its response is sent. */
static void conn_mark(struct MHD_Connection *c, int busy)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	conn *k = ci ? ci->socket_context : NULL;
	if (!k)
		return;
	pthread_mutex_lock(&g_conns_lock);
	k->busy = busy;
	if (!busy)
		k->ready_at = now_s();
	pthread_mutex_unlock(&g_conns_lock);
}

static void *reaper(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&g_conns_lock);
	while (!g_reaper_stop) {
		double t = now_s();
		for (conn *k = g_conns.next; k != &g_conns; k = k->next)
			if (!k->busy && !k->shut && t - k->ready_at > g_deadline_s) {
				shutdown(k->fd, SHUT_RDWR);
				k->shut = 1;
			}
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 250 * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&g_reaper_wake, &g_conns_lock, &until);
	}
	pthread_mutex_unlock(&g_conns_lock);
	return NULL;
}

/* libmicrohttpd's messages, at most one a second: a crowd of slow or
 * broken clients must not turn into a flood on stderr. */
__attribute__((format(printf, 2, 0)))
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	static double last = -10;
	static unsigned long dropped;
	pthread_mutex_lock(&lock);
	double t = now_s();
	if (t - last >= 1.0) {
		if (dropped)
			fprintf(stderr, "parley serve: (%lu more messages)\n", dropped);
		fputs("parley serve: ", stderr);
		vfprintf(stderr, fmt, ap);
		last = t;
		dropped = 0;
	} else {
		dropped++;
	}
	pthread_mutex_unlock(&lock);
}

/* ------------------------------------------------------------------ */
/* The access handler                                                  */
/* ------------------------------------------------------------------ */

/* A team request's body (team.c), gathered over the access handler's calls. */
typedef struct team_body {
	char *data;
	size_t len, cap;
	int too_big;
} team_body;

/* What one request carries between the handler's calls; allocated in
 * uri_logger, freed in on_completed. */
typedef struct team_job team_job;
/* A miss rendered on a render thread; freed by render_job_free. */
typedef struct render_job render_job;
static void render_job_free(render_job *j);

typedef struct req_state {
	char *target;        /* the raw request target, from uri_logger */
	int seen;            /* the first call (headers only) has been made */
	team_body *body;     /* a team route's body, or NULL on the read path */
	team_job *job;       /* a team request handed to the team thread, or NULL */
	render_job *render;  /* a miss handed to a render thread, or NULL */
} req_state;

#define MAX_HEADERS 100

typedef struct headers {
	pl_http_header h[MAX_HEADERS];
	size_t n;
	int too_many;
} headers;

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
	(void)kind;
	headers *hs = cls;
	if (hs->n >= MAX_HEADERS) {
		hs->too_many = 1;
		return MHD_NO;
	}
	hs->h[hs->n].name = key;
	hs->h[hs->n].value = value ? value : "";
	hs->n++;
	return MHD_YES;
}

/* An answer that is not cached (errors); frees rs->body. */
static enum MHD_Result send_uncached(struct MHD_Connection *c, pl_web_resp *rs)
{
	static const char oom[] = "{\"error\":{\"status\":500,\"message\":\"out of memory\"}}\n";
	if (pl_buf_failed(&rs->body) != PARLEY_OK) { /* half a body: the literal instead */
		pl_buf_free(&rs->body);
		rs->status = 500;
	}
	size_t n = rs->body.data ? rs->body.len : sizeof oom - 1;
	char *body = rs->body.data ? pl_buf_take(&rs->body) : NULL;
	struct MHD_Response *r = body ? MHD_create_response_from_buffer(n, body, MHD_RESPMEM_MUST_FREE)
	                              : MHD_create_response_from_buffer(n, (void *)oom, MHD_RESPMEM_PERSISTENT);
	if (!r) {
		free(body);
		return MHD_NO;
	}
	add_headers(r, rs->type ? rs->type : "application/json; charset=utf-8", NULL, 0);
	if (rs->status == 405)
		MHD_add_response_header(r, "Allow", PL_HTTP_ALLOW);
	if (rs->location[0]) /* a renamed record's old address (301) */
		MHD_add_response_header(r, "Location", rs->location);
	enum MHD_Result ret = MHD_queue_response(c, (unsigned)rs->status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result send_error(struct MHD_Connection *c, int status, const char *msg)
{
	pl_web_resp rs;
	pl_http_error(&rs, status, msg);
	return send_uncached(c, &rs);
}

static int accepts_gzip(struct MHD_Connection *c)
{
	const char *ae = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Encoding");
	return ae && strstr(ae, "gzip") != NULL;
}

static enum MHD_Result queue_entry(struct MHD_Connection *c, entry *e, unsigned status)
{
	const char *inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match");
	if (status == 200 && inm && e->not_modified && strstr(inm, e->etag))
		return MHD_queue_response(c, MHD_HTTP_NOT_MODIFIED, e->not_modified);
	struct MHD_Response *r = e->gz && accepts_gzip(c) ? e->gz : e->plain;
	return MHD_queue_response(c, status, r);
}

/* Sees the raw request target (path and query, still %-encoded) before
 * anything else; request.c decodes it. */
static void *uri_logger(void *cls, const char *uri, struct MHD_Connection *c)
{
	(void)cls;
	(void)c;
	req_state *st = calloc(1, sizeof *st);
	if (st && !(st->target = pl_strdup(uri ? uri : ""))) {
		free(st);
		st = NULL;
	}
	return st;
}

/* The one completion callback: frees what uri_logger and the team routes
 * allocated, and starts the connection's wait for its next request. */
static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)toe;
	req_state *st = *con_cls;
	if (st) {
		team_body *b = st->body;
		if (b) {
			if (b->data) /* may hold a password: wipe before freeing */
				memset(b->data, 0, b->len);
			free(b->data);
			free(b);
		}
		free(st->job); /* answered: the team thread is done with it */
		render_job_free(st->render);
		free(st->target);
		free(st);
		*con_cls = NULL;
	}
	conn_mark(c, 0);
}

/* ------------------------------------------------------------------ */
/* The team routes (team.c): requests with a body, sessions            */
/* ------------------------------------------------------------------ */

static int g_editing;            /* 1: the team routes answer */
static int g_tls;                /* 1: libmicrohttpd serves HTTPS itself */
static struct in_addr g_proxy;   /* --trust-proxy, or 0.0.0.0 */

static int body_add(team_body *b, const char *p, size_t n)
{
	if (b->len + n + 1 > PL_TEAM_BODY_MAX) {
		b->too_big = 1;
		return 0;
	}
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *d = realloc(b->data, cap);
		if (!d)
			return -1;
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

static const char *header(struct MHD_Connection *c, const char *name)
{
	return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

/* The client's address and whether the request came over TLS: the peer's,
 * or, from the trusted proxy only, what its X-Forwarded-* headers say. */
static void client_of(struct MHD_Connection *c, char *addr, size_t cap, int *secure)
{
	*secure = g_tls;
	pl_strlcpy(addr, "unknown", cap);
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (!ci || !ci->client_addr || ci->client_addr->sa_family != AF_INET)
		return;
	const struct sockaddr_in *in = (const struct sockaddr_in *)ci->client_addr;
	inet_ntop(AF_INET, &in->sin_addr, addr, (socklen_t)cap);
	if (!g_proxy.s_addr || in->sin_addr.s_addr != g_proxy.s_addr)
		return;
	const char *proto = header(c, "X-Forwarded-Proto");
	if (proto && strcmp(proto, "https") == 0)
		*secure = 1;
	const char *xff = header(c, "X-Forwarded-For");
	if (xff && *xff) { /* the proxy appends the address it saw: the last one */
		const char *last = strrchr(xff, ',');
		last = last ? last + 1 : xff;
		while (*last == ' ')
			last++;
		pl_strlcpy(addr, last, cap);
	}
}

/* ------------------------------------------------------------------ */
/* The team thread                                                     */
/* ------------------------------------------------------------------ */
/* Team requests (writes, logins: one at a time, behind the team's lock,
 * tens of milliseconds for an Argon2id check) are answered on a thread of
 * their own, not on libmicrohttpd's: a worker thread waiting for the
 * writer would stall every reader whose connection it also serves (the
 * bench/teams profile: readers at 1% of their throughput, the server
 * idle).  The connection is suspended meanwhile and resumed with the
 * answer; its request's strings (URL, headers, body) stay valid until the
 * request completes, so the job points at them. */
struct team_job {
	struct MHD_Connection *c;
	pl_team_req rq;
	char addr[64];
	pl_team_resp rs;
	team_job *next;
};

static pthread_mutex_t g_jobs_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_jobs_wake = PTHREAD_COND_INITIALIZER;
static team_job *g_jobs_head, *g_jobs_tail;
static int g_jobs_running; /* 1 while the team thread takes jobs */
static pthread_t g_jobs_thread;

/* How much the team thread yields to readers: a nice value for that one
 * thread (Linux schedules threads alone).  Under a stream of saves the
 * readers keep the CPU (bench/teams: readers at 37% of their read-only
 * throughput with the thread at 0, about twice that at 10) and the writes
 * still commit in the gaps, a few hundred a second; a team saves far less. */
#define TEAM_THREAD_NICE 10

/* Answers one job; a change empties the cache before the answer goes out,
 * so every page and figure the client asks for next shows it.  (Leaving
 * that to the readers' own data_version check let a reader's answer from
 * before a revert be served after it, once, in CI: tests/http/teams-records.) */
static void team_run(team_job *j)
{
	pl_team_handle(&j->rq, &j->rs);
	if (j->rs.changed)
		cache_sync(pl_team_db());
}

static void *team_thread(void *arg)
{
	(void)arg;
	/* nicer than the server by TEAM_THREAD_NICE (the server may itself run
	 * niced); best effort: where it is refused, writes run at the readers'
	 * priority, which is only slower for the readers */
	id_t tid = (id_t)syscall(SYS_gettid);
	errno = 0;
	int base = getpriority(PRIO_PROCESS, tid);
	if (errno == 0)
		(void)setpriority(PRIO_PROCESS, tid, base + TEAM_THREAD_NICE > 19 ? 19 : base + TEAM_THREAD_NICE);
	pthread_mutex_lock(&g_jobs_lock);
	for (;;) {
		team_job *j = g_jobs_head;
		if (!j) {
			if (!g_jobs_running)
				break;
			pthread_cond_wait(&g_jobs_wake, &g_jobs_lock);
			continue;
		}
		g_jobs_head = j->next;
		if (!g_jobs_head)
			g_jobs_tail = NULL;
		pthread_mutex_unlock(&g_jobs_lock);
		team_run(j);
		MHD_resume_connection(j->c);
		pthread_mutex_lock(&g_jobs_lock);
	}
	pthread_mutex_unlock(&g_jobs_lock);
	return NULL;
}

/* Hands j to the team thread (the connection suspended until it is
 * answered): 1; or 0 when the thread has stopped (the caller answers). */
static int team_submit(team_job *j)
{
	pthread_mutex_lock(&g_jobs_lock);
	int ok = g_jobs_running;
	if (ok) {
		MHD_suspend_connection(j->c);
		j->next = NULL;
		if (g_jobs_tail)
			g_jobs_tail->next = j;
		else
			g_jobs_head = j;
		g_jobs_tail = j;
		pthread_cond_signal(&g_jobs_wake);
	}
	pthread_mutex_unlock(&g_jobs_lock);
	return ok;
}

/* Stops the team thread once every job it holds is answered (their
 * connections resumed: libmicrohttpd stops only with none suspended). */
static void team_thread_stop(void)
{
	pthread_mutex_lock(&g_jobs_lock);
	int was = g_jobs_running;
	g_jobs_running = 0;
	pthread_cond_signal(&g_jobs_wake);
	pthread_mutex_unlock(&g_jobs_lock);
	if (was)
		pthread_join(g_jobs_thread, NULL);
}

static enum MHD_Result team_send(struct MHD_Connection *c, pl_team_resp *rs);

static enum MHD_Result team_answer(struct MHD_Connection *c, const char *url, const char *method,
                                   req_state *st)
{
	team_job *j = st->job;
	if (j) { /* resumed: the team thread has answered */
		enum MHD_Result ret = team_send(c, &j->rs);
		free(j);
		st->job = NULL;
		return ret;
	}
	team_body *b = st->body;
	if (b->too_big)
		return send_error(c, 413, "request body too large");
	if (!(j = calloc(1, sizeof *j)))
		return send_error(c, 500, "out of memory");
	j->c = c;
	j->rq = (pl_team_req){
	    .method = strcmp(method, "HEAD") == 0 ? "GET" : method, .path = url,
	    .body = b->data ? b->data : "", .len = b->len,
	    .content_type = header(c, "Content-Type"), .cookie = header(c, "Cookie"),
	    .csrf_header = header(c, "X-CSRF-Token"), .if_match = header(c, "If-Match"),
	    .reason_header = header(c, "X-Reason")};
	client_of(c, j->addr, sizeof j->addr, &j->rq.secure);
	j->rq.address = j->addr;
	st->job = j;
	if (team_submit(j))
		return MHD_YES;
	team_run(j); /* shutting down: answer here */
	return team_answer(c, url, method, st);
}

static enum MHD_Result team_send(struct MHD_Connection *c, pl_team_resp *rs)
{
	size_t n = rs->body.len;
	char *data = pl_buf_take(&rs->body); /* NULL for a failed body */
	if (!data) {
		pl_web_resp er = {.status = 500, .type = NULL};
		pl_buf_init(&er.body, 0);
		return send_uncached(c, &er); /* the literal: nothing left to fail */
	}
	struct MHD_Response *r = MHD_create_response_from_buffer(n, data, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(data);
		return MHD_NO;
	}
	add_headers(r, rs->type, rs->etag[0] ? rs->etag : NULL, 0);
	MHD_del_response_header(r, "Cache-Control", "no-cache");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	if (rs->location[0])
		MHD_add_response_header(r, "Location", rs->location);
	if (rs->set_cookie[0])
		MHD_add_response_header(r, "Set-Cookie", rs->set_cookie);
	if (rs->set_cookie2[0])
		MHD_add_response_header(r, "Set-Cookie", rs->set_cookie2);
	enum MHD_Result ret = MHD_queue_response(c, (unsigned)rs->status, r);
	MHD_destroy_response(r);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Renders off the connection threads                                  */
/* ------------------------------------------------------------------ */
/* Each of libmicrohttpd's threads serves many connections, one request at
 * a time.  A cached answer takes microseconds; a miss is rendered from
 * the store, a millisecond or more (a visit's record with its context),
 * and every other connection of that thread waits meanwhile.  With editors
 * saving, each save makes one such miss (the saved visit's record), and
 * those waits were the readers' tail (bench/teams: p99 9 ms against 4 ms
 * without writers, while a hit is answered in under 10 us).  So with
 * editing on, a miss is rendered on a render thread: the connection is
 * suspended, the thread renders and resumes it, and its own thread goes on
 * answering hits.  Read-only, nothing changes the store, misses are rare
 * after the first requests, and requests stay on their own thread. */
struct render_job {
	struct MHD_Connection *c;
	pl_http_req hr;        /* the request (owned) */
	unsigned long gen;     /* cache_gen when the cache missed */
	int client_gz;         /* the client takes gzip */
	int again;             /* resumed to look in the cache again */
	int tries;             /* misses of this request so far */
	pl_web_resp rs;        /* the answer (its body moves to e for a 200) */
	entry *e;              /* a 200's responses when not in the cache, or NULL */
	int keep;              /* e may go into the cache */
	render_job *next;      /* the queue, or a rendering job's waiters */
	render_job *waiters;   /* misses of the same key waiting for this render */
	render_job *flight;    /* the next job being rendered or queued */
};

#define RENDER_THREADS 2
/* A request that misses this often (each time a drop came in while its
 * answer was rendered) is rendered on its connection's thread. */
#define RENDER_TRIES 3

static pthread_mutex_t g_render_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_render_wake = PTHREAD_COND_INITIALIZER;
static render_job *g_render_head, *g_render_tail;
/* The jobs queued or being rendered: a miss of the same key waits for
 * that render and then looks in the cache again, instead of rendering the
 * same answer once more (under saves, every reader of the saved visit
 * missed at once).  A handful at a time: a list. */
static render_job *g_flight;
static int g_render_running; /* 1 while the render threads take jobs */
static unsigned g_render_n;
static pthread_t g_render_threads[RENDER_THREADS];

static const char *job_key(const render_job *j)
{
	return j->hr.key.data ? j->hr.key.data : "/";
}

/* Renders j's request with this thread's store handle (any thread). */
static void render_run(render_job *j)
{
	worker *w = get_worker();
	if (!w) {
		pl_http_error(&j->rs, 503, "store unavailable");
		return;
	}
	pl_web_handle(&w->web, &j->hr.rq, &j->rs);
	if (j->rs.status != 200)
		return;
	/* a response the cache will not keep is compressed only for a client
	 * that takes gzip, and then fast: wrk and API scripts send no
	 * Accept-Encoding, and a 180 KB search page took a seventh of its CPU
	 * in deflate at level 6 */
	int may_keep = !j->rs.no_store && !g_no_cache;
	j->e = entry_new(job_key(j), &j->rs, may_keep ? 2 : j->client_gz ? 1 : 0);
	pl_buf_free(&j->rs.body);
	if (!j->e) {
		pl_http_error(&j->rs, 500, "out of memory");
		return;
	}
	j->keep = may_keep && pl_cache_words(&j->hr.rq, &j->e->words) == PARLEY_OK;
}

/* Puts j's rendered answer into the cache unless a drop since its miss
 * touches it (maybe stale) or the key is there already: 1, and the cache
 * owns it; else 0, and j still does. */
static int cache_put(render_job *j)
{
	const char *k = job_key(j);
	entry *e = j->e;
	size_t bi = (size_t)(pl_hash(k, strlen(k)) % NBUCKETS);
	pthread_rwlock_wrlock(&cache_lock);
	int dup = j->gen != cache_gen && dropped_since(j->gen, k, e->words);
	for (entry *x = buckets[bi]; x; x = x->next)
		dup |= strcmp(x->key, k) == 0;
	if (!dup) {
		if (cache_entries >= CACHE_MAX_ENTRIES || cache_bytes + e->bytes > CACHE_MAX_BYTES)
			cache_clear_locked(0);
		e->next = buckets[bi];
		buckets[bi] = e;
		cache_entries++;
		cache_bytes += e->bytes;
		j->e = NULL;
	}
	pthread_rwlock_unlock(&cache_lock);
	return !dup;
}

/* Sends j's own answer on its connection's thread, after keeping it in
 * the cache when it may; frees what j holds (not j). */
static enum MHD_Result render_finish(struct MHD_Connection *c, render_job *j)
{
	enum MHD_Result ret = j->e ? queue_entry(c, j->e, 200) : send_uncached(c, &j->rs);
	/* MHD keeps its own reference to a queued response: the cache's copy
	 * may go at the next drop */
	if (j->e && j->keep)
		cache_put(j);
	entry_free(j->e);
	j->e = NULL;
	pl_http_req_free(&j->hr);
	return ret;
}

/* Frees a job whose answer was never sent (its connection closed). */
static void render_job_free(render_job *j)
{
	if (!j)
		return;
	entry_free(j->e);
	pl_buf_free(&j->rs.body);
	pl_web_resp_file_close(&j->rs);
	pl_http_req_free(&j->hr);
	free(j);
}

static void *render_thread(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&g_render_lock);
	for (;;) {
		render_job *j = g_render_head;
		if (!j) {
			if (!g_render_running)
				break;
			pthread_cond_wait(&g_render_wake, &g_render_lock);
			continue;
		}
		g_render_head = j->next;
		if (!g_render_head)
			g_render_tail = NULL;
		pthread_mutex_unlock(&g_render_lock);
		render_run(j);
		/* in the cache: the request (and its waiters) find it there;
		 * else it answers with its own copy */
		if (j->e && j->keep && cache_put(j)) {
			j->again = 1;
			j->rs.status = 0; /* no answer of its own: the cache's */
		}
		j->keep = 0;
		pthread_mutex_lock(&g_render_lock);
		for (render_job **pp = &g_flight; *pp; pp = &(*pp)->flight)
			if (*pp == j) {
				*pp = j->flight;
				break;
			}
		render_job *wt = j->waiters;
		j->waiters = j->flight = NULL; /* it may miss again and be queued anew */
		pthread_mutex_unlock(&g_render_lock);
		/* each resumed job may be freed at once by its connection's
		 * thread: read what is needed first */
		while (wt) {
			render_job *n = wt->next;
			wt->again = 1;
			MHD_resume_connection(wt->c);
			wt = n;
		}
		MHD_resume_connection(j->c);
		pthread_mutex_lock(&g_render_lock);
	}
	pthread_mutex_unlock(&g_render_lock);
	return NULL;
}

/* Hands j to a render thread, or to the render of the same key already
 * queued or under way (the connection suspended until then): 1; or 0 when
 * no render thread runs (the caller renders). */
static int render_submit(render_job *j)
{
	pthread_mutex_lock(&g_render_lock);
	int ok = g_render_running;
	if (ok) {
		MHD_suspend_connection(j->c);
		render_job *f = g_flight;
		while (f && strcmp(job_key(f), job_key(j)) != 0)
			f = f->flight;
		j->next = NULL;
		if (f) {
			j->next = f->waiters;
			f->waiters = j;
		} else {
			if (g_render_tail)
				g_render_tail->next = j;
			else
				g_render_head = j;
			g_render_tail = j;
			j->flight = g_flight;
			g_flight = j;
			pthread_cond_signal(&g_render_wake);
		}
	}
	pthread_mutex_unlock(&g_render_lock);
	return ok;
}

/* Starts up to RENDER_THREADS render threads; none started: misses are
 * rendered on the connection's thread, as read-only. */
static void render_threads_start(void)
{
	pthread_mutex_lock(&g_render_lock);
	g_render_running = 1;
	for (g_render_n = 0; g_render_n < RENDER_THREADS; g_render_n++)
		if (pthread_create(&g_render_threads[g_render_n], NULL, render_thread, NULL) != 0)
			break;
	g_render_running = g_render_n > 0;
	pthread_mutex_unlock(&g_render_lock);
}

/* Stops the render threads once every job is rendered and its connection
 * resumed (libmicrohttpd stops only with none suspended). */
static void render_threads_stop(void)
{
	pthread_mutex_lock(&g_render_lock);
	g_render_running = 0;
	pthread_cond_broadcast(&g_render_wake);
	pthread_mutex_unlock(&g_render_lock);
	for (unsigned i = 0; i < g_render_n; i++)
		pthread_join(g_render_threads[i], NULL);
	g_render_n = 0;
}

/* Queues the cached answer to key on c: 1 (ret set), else 0 and *gen the
 * cache's generation (the drops so far) when it missed. */
static int cache_answer(struct MHD_Connection *c, const char *k, enum MHD_Result *ret, unsigned long *gen)
{
	size_t bi = (size_t)(pl_hash(k, strlen(k)) % NBUCKETS);
	int hit = 0;
	pthread_rwlock_rdlock(&cache_lock);
	*gen = cache_gen;
	for (entry *e = g_no_cache ? NULL : buckets[bi]; e; e = e->next)
		if (strcmp(e->key, k) == 0) {
			*ret = queue_entry(c, e, 200);
			hit = 1;
			break;
		}
	pthread_rwlock_unlock(&cache_lock);
	return hit;
}

/* Answers job j (a miss, or resumed to look again): from the cache, else
 * on a render thread (st->render = j, the connection suspended), else
 * here.  Frees j unless a render thread has it. */
static enum MHD_Result answer_job(struct MHD_Connection *c, render_job *j, req_state *st)
{
	enum MHD_Result ret = MHD_NO;
	if (j->again) { /* its render, or the one it waited for, is done */
		j->again = 0;
		if (cache_answer(c, job_key(j), &ret, &j->gen)) {
			render_job_free(j);
			return ret;
		}
	}
	if (j->e || (j->rs.status && j->rs.status != 200)) { /* its own answer */
		ret = render_finish(c, j);
		free(j);
		return ret;
	}
	st->render = j;
	if (!g_no_cache && ++j->tries <= RENDER_TRIES && render_submit(j))
		return MHD_YES;
	st->render = NULL;
	render_run(j);
	ret = render_finish(c, j);
	free(j);
	return ret;
}

/* The cached or freshly rendered answer to a checked request (takes hr's
 * memory). */
static enum MHD_Result answer(struct MHD_Connection *c, pl_http_req *hr, req_state *st)
{
	worker *w = get_worker();
	if (!w)
		return send_error(c, 503, "store unavailable");
	/* A change to the store file empties the cache (the search index is
	 * the store's own, kept by its triggers: nothing to rebuild). */
	long long v = data_version(w);
	if (v != w->seen_version) {
		w->seen_version = v;
		cache_sync(w->db);
	}
	const char *k = hr->key.data ? hr->key.data : "/";
	enum MHD_Result ret = MHD_NO;
	unsigned long gen;
	if (cache_answer(c, k, &ret, &gen))
		return ret;
	render_job *j = calloc(1, sizeof *j);
	if (!j)
		return send_error(c, 500, "out of memory");
	*j = (render_job){.c = c, .hr = *hr, .gen = gen, .client_gz = accepts_gzip(c)};
	*hr = (pl_http_req){.mem = NULL}; /* the job has it */
	return answer_job(c, j, st);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_size, void **con_cls)
{
	(void)cls;
	req_state *st = *con_cls;
	if (!st)
		return send_error(c, 500, "out of memory");
	if (st->render) { /* resumed: its render, or the one it waited for, is done */
		render_job *j = st->render;
		st->render = NULL;
		return answer_job(c, j, st);
	}
	if (!st->seen) { /* first call, headers only: answer on the next */
		st->seen = 1;
		conn_mark(c, 1);
		/* url is libmicrohttpd's decoded path: team.c routes on it, and
		 * request.c still checks the raw target before it is answered. */
		if (g_editing && pl_team_owns(method, url) && !(st->body = calloc(1, sizeof *st->body)))
			return MHD_NO;
		return MHD_YES;
	}
	if (*upload_size) {
		/* a team route gathers its body; the read path ignores one */
		if (st->body && !st->body->too_big && body_add(st->body, upload_data, *upload_size) < 0)
			return MHD_NO;
		*upload_size = 0;
		return MHD_YES;
	}
	headers hs = {.n = 0};
	MHD_get_connection_values(c, MHD_HEADER_KIND, collect_header, &hs);
	if (hs.too_many)
		return send_error(c, 400, "too many headers");
	/* A team route's method (POST, PATCH, DELETE...) is team.c's to judge;
	 * every other check (Host, UTF-8, %00, dot segments, sizes) applies to
	 * it as to a read, so it is checked as a GET. */
	pl_http_in in = {.method = st->body ? "GET" : method, .version = version, .target = st->target,
	                 .headers = hs.h, .nheaders = hs.n};
	pl_http_req hr;
	pl_web_resp rs;
	enum MHD_Result ret;
	if (pl_http_parse(&in, &hr, &rs) != PARLEY_OK)
		ret = send_uncached(c, &rs);
	else if (st->body)
		ret = team_answer(c, url, method, st);
	else
		ret = answer(c, &hr, st);
	pl_http_req_free(&hr);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Start and stop                                                      */
/* ------------------------------------------------------------------ */

static int parse_listen(const char *s, struct sockaddr_in *sa, parley_err *err)
{
	memset(sa, 0, sizeof *sa);
	sa->sin_family = AF_INET;
	const char *colon = strrchr(s, ':');
	if (!colon)
		return parley_err_set(err, PARLEY_EINVAL, "--listen '%s': expected HOST:PORT", s);
	char host[64];
	size_t hn = (size_t)(colon - s);
	if (hn >= sizeof host)
		return parley_err_set(err, PARLEY_EINVAL, "--listen '%s': host too long", s);
	memcpy(host, s, hn);
	host[hn] = '\0';
	if (!host[0] || strcmp(host, "localhost") == 0)
		pl_strlcpy(host, "127.0.0.1", sizeof host);
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (*end || colon[1] == '\0' || port < 0 || port > 65535)
		return parley_err_set(err, PARLEY_EINVAL, "--listen '%s': bad port", s);
	if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
		return parley_err_set(err, PARLEY_EINVAL, "--listen '%s': expected an IPv4 address", s);
	sa->sin_port = htons((uint16_t)port);
	return PARLEY_OK;
}

int parley_serve(const char *db_path, const parley_serve_opts *opts, parley_err *err)
{
	parley_serve_opts o = {0};
	if (opts)
		o = *opts;
	const char *listen = o.listen ? o.listen : "127.0.0.1:8080";
	struct sockaddr_in sa;
	int rc = parse_listen(listen, &sa, err);
	if (rc != PARLEY_OK)
		return rc;
	/* Fail early, in this thread, when the store cannot be opened. */
	parley_db *probe;
	if ((rc = parley_open(db_path, PARLEY_OPEN_READONLY, &probe, err)) != PARLEY_OK)
		return rc;
	long users = 0;
	rc = parley_user_count(probe, &users, err);
	g_cache_seq = parley_audit_head(probe); /* the (empty) cache reflects the store as it is */
	parley_close(probe);
	if (rc != PARLEY_OK)
		return rc;
	g_editing = users > 0 || o.editable;
	const char *nc = getenv("PARLEY_NO_RESPONSE_CACHE");
	g_no_cache = nc && *nc && strcmp(nc, "0") != 0;
	const char *bm = getenv("PARLEY_BODY_MAX");
	g_body_max = bm && *bm ? (size_t)strtoull(bm, NULL, 10) : 0;
	g_proxy.s_addr = 0;
	if (o.trust_proxy && inet_pton(AF_INET, o.trust_proxy, &g_proxy) != 1)
		return parley_err_set(err, PARLEY_EINVAL, "--trust-proxy '%s': expected an IPv4 address",
		                      o.trust_proxy);
	if (!o.tls_cert != !o.tls_key)
		return parley_err_set(err, PARLEY_EINVAL, "--tls-cert and --tls-key go together");
	char *cert = NULL, *key = NULL;
	size_t cn = 0, kn = 0;
	if (o.tls_cert && ((rc = pl_read_file(o.tls_cert, 1 << 20, &cert, &cn, err)) ||
	                   (rc = pl_read_file(o.tls_key, 1 << 20, &key, &kn, err)))) {
		free(cert);
		return rc;
	}
	g_tls = cert != NULL;
	if (g_editing && (rc = pl_team_open(db_path, o.review_required, err)) != PARLEY_OK) {
		free(cert);
		free(key);
		return rc;
	}
	g_db_path = db_path;
	unsigned threads = o.threads;
	if (!threads) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n < 1 ? 1 : n > 8 ? 8 : (unsigned)n;
	}
	/* Many open connections are the normal case under slow clients: take
	 * every descriptor the system allows, and keep some for the store. */
	struct rlimit nofile;
	unsigned max_conn = o.max_connections ? o.max_connections : DEFAULT_MAX_CONNECTIONS;
	if (getrlimit(RLIMIT_NOFILE, &nofile) == 0) {
		if (nofile.rlim_cur < nofile.rlim_max) {
			nofile.rlim_cur = nofile.rlim_max;
			setrlimit(RLIMIT_NOFILE, &nofile);
			getrlimit(RLIMIT_NOFILE, &nofile);
		}
		rlim_t room = nofile.rlim_cur > 64 + 4 * threads ? nofile.rlim_cur - 64 - 4 * threads : 16;
		if (nofile.rlim_cur != RLIM_INFINITY && max_conn > room)
			max_conn = (unsigned)room;
	}
	unsigned timeout = o.timeout_s ? o.timeout_s : (unsigned)HEADER_DEADLINE_S;
	g_deadline_s = timeout;
	g_conns.next = g_conns.prev = &g_conns;
	g_reaper_stop = 0;
	/* The workers inherit a mask without SIGINT/SIGTERM; this thread waits for them. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* poll, not epoll: with epoll a worker accepts up to ten waiting
	 * connections in one go (libmicrohttpd 0.9.75), and a connection stays
	 * with the worker that accepted it, so 16 clients connecting at once
	 * could all land on one worker and leave the other cores idle (wrk at
	 * 16 connections: one worker with 153 CPU ticks, the other 1; with
	 * poll each worker accepts one per turn: 124 and 136) */
	struct MHD_Daemon *d = MHD_start_daemon(
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_ERROR_LOG | (g_tls ? MHD_USE_TLS : 0) |
	        (g_editing ? MHD_ALLOW_SUSPEND_RESUME : 0),
	    ntohs(sa.sin_port), NULL, NULL, on_request, NULL,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, /* first, so that it takes every message */
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	    MHD_OPTION_URI_LOG_CALLBACK, uri_logger, NULL,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
	    MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL,
	    MHD_OPTION_THREAD_POOL_SIZE, threads,
	    MHD_OPTION_CONNECTION_LIMIT, max_conn,
	    MHD_OPTION_CONNECTION_TIMEOUT, timeout,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY,
	    MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
	    /* the key and certificate come last: without TLS the list ends here */
	    g_tls ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, key,
	    MHD_OPTION_HTTPS_MEM_CERT, cert,
	    MHD_OPTION_END);
	if (key) /* libmicrohttpd has its own copy now */
		memset(key, 0, kn);
	free(key);
	free(cert);
	if (!d) {
		pthread_sigmask(SIG_UNBLOCK, &set, NULL);
		if (g_editing)
			pl_team_close();
		return parley_err_set(err, PARLEY_EIO, "serve: cannot listen on %s (in use, or not allowed%s)",
		                      listen, g_tls ? ", or the TLS key and certificate are not usable" : "");
	}
	pthread_mutex_lock(&g_jobs_lock);
	g_jobs_running = g_editing && pthread_create(&g_jobs_thread, NULL, team_thread, NULL) == 0;
	pthread_mutex_unlock(&g_jobs_lock);
	if (g_editing && !g_no_cache)
		render_threads_start();
	pthread_t reaper_thread;
	if (pthread_create(&reaper_thread, NULL, reaper, NULL) != 0) {
		team_thread_stop();
		render_threads_stop();
		MHD_stop_daemon(d);
		pthread_sigmask(SIG_UNBLOCK, &set, NULL);
		if (g_editing)
			pl_team_close();
		return parley_err_set(err, PARLEY_ENOMEM, "serve: cannot start the slow-client reaper");
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	if (!o.quiet)
		fprintf(stderr, "parley serve: %s://%s:%u/ (store %s, %u threads, %u connections, %s)\n",
		        g_tls ? "https" : "http", inet_ntoa(sa.sin_addr),
		        info ? info->port : ntohs(sa.sin_port), db_path, threads, max_conn,
		        !g_editing ? "read-only" : o.review_required ? "editing on, review required" : "editing on");
	int sig = 0;
	sigwait(&set, &sig);
	pthread_mutex_lock(&g_conns_lock);
	g_reaper_stop = 1;
	pthread_cond_signal(&g_reaper_wake);
	pthread_mutex_unlock(&g_conns_lock);
	pthread_join(reaper_thread, NULL);
	team_thread_stop();
	render_threads_stop();
	MHD_stop_daemon(d);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	pthread_rwlock_wrlock(&cache_lock);
	cache_clear_locked(0);
	for (size_t i = 0; i < DROP_LOG; i++) {
		free(drops[i].visits);
		free(drops[i].notes);
		drops[i] = (drop_rec){.gen = 0};
	}
	pthread_rwlock_unlock(&cache_lock);
	pthread_mutex_lock(&g_workers_lock);
	while (g_workers) {
		worker *w = g_workers;
		g_workers = w->next;
		parley_close(w->db);
		free(w);
	}
	pthread_mutex_unlock(&g_workers_lock);
	if (g_editing)
		pl_team_close();
	if (!o.quiet)
		fprintf(stderr, "parley serve: stopped\n");
	return PARLEY_OK;
}
