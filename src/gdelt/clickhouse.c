/*
 * clickhouse.c - the ClickHouse engine: its URL, its HTTP client (libcurl's
 * POST, in the module parley-http.so: http_module.h) and the query side.  Loading is in clickhouse_load.c; the table layout is
 * described in clickhouse.h.
 *
 * Counting (ch_count) is a GROUP BY on the cluster with count.c's row
 * checks written as SQL, so only the groups come back.  Candidates need
 * whole events: the Distributed table gives back the rows of the pair with
 * the query's event codes and days as their original lines (FORMAT
 * TabSeparatedRaw), fed to the scan's own line loop and sink (ch_scan), so
 * folding and storing stay the code a local scan runs.  Either way the
 * output is byte-identical to a scan of the loaded files.  Every request carries
 * wait_end_of_query=1 so that an error met half-way (a shard that goes
 * away) arrives as an HTTP error, not as the tail of a 200 answer.
 */
#include "clickhouse.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* HTTP                                                                 */
/* ------------------------------------------------------------------ */

/* Error text kept from a failed request. */
#define ERR_TEXT_MAX 4096

typedef struct ch_resp {
	const ch_call *call;
	pl_buf errtext; /* body of a non-200 answer, bounded */
	int sink_rc;    /* what stopped the sink, or 0 */
	int nomem;
} ch_resp;

/* Takes a piece of the answer (http_module.h); non-zero stops it. */
static int on_body(void *user, long code, const char *p, size_t n)
{
	ch_resp *r = user;
	if (code != 200) {
		size_t room = ERR_TEXT_MAX > r->errtext.len ? ERR_TEXT_MAX - r->errtext.len : 0;
		if (room)
			pl_buf_add(&r->errtext, p, n < room ? n : room);
		return 0;
	}
	if (r->call->sink) {
		r->sink_rc = r->call->sink(r->call->sink_ctx, p, n);
		return r->sink_rc;
	}
	if (r->call->out && pl_buf_append(r->call->out, p, n) != PARLEY_OK) {
		r->nomem = 1;
		return 1;
	}
	return 0;
}

int ch_http(const pl_http_module **m, parley_err *err)
{
	const void *t = NULL;
	int rc = pl_module_table(PL_HTTP_MODULE_FILE, PL_HTTP_MODULE_SYMBOL, PL_HTTP_MODULE_ABI,
	                         "the ClickHouse engine", &t, err);
	*m = t;
	return rc;
}

/* Appends s to b as a URL query value: every byte but RFC 3986's
 * unreserved ones as %XX (what curl_easy_escape does). */
static int url_escape(pl_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	int rc = PARLEY_OK;
	for (const unsigned char *p = (const unsigned char *)s; *p && rc == PARLEY_OK; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '.' || *p == '_' || *p == '~') {
			rc = pl_buf_append(b, p, 1);
		} else {
			char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
			rc = pl_buf_append(b, e, 3);
		}
	}
	return rc;
}

/* The server's error text on one line: distinct lines joined by spaces,
 * without the ", e.what() = DB::..." tails (the same fact twice).  A
 * failed Distributed query lists the unreachable shard ("Connection
 * refused (127.0.0.1:19001)"), so the message names it. */
static void tidy_error(const char *in, char *out, size_t cap)
{
	size_t o = 0;
	const char *p = in;
	char seen[8][160];
	int nseen = 0;
	while (*p && o + 1 < cap) {
		size_t n = strcspn(p, "\n");
		char line[160];
		size_t ln = n < sizeof line - 1 ? n : sizeof line - 1;
		memcpy(line, p, ln);
		line[ln] = '\0';
		char *tail = strstr(line, ", e.what() = ");
		if (tail)
			*tail = '\0';
		char *t = pl_trim(line);
		int dup = 0;
		for (int i = 0; i < nseen; i++)
			dup |= strcmp(seen[i], t) == 0;
		if (*t && !dup) {
			if (nseen < 8)
				pl_strlcpy(seen[nseen++], t, sizeof seen[0]);
			int w = snprintf(out + o, cap - o, "%s%s", o ? " " : "", t);
			if (w < 0)
				break;
			o += (size_t)w < cap - o ? (size_t)w : cap - o - 1;
		}
		p += n;
		if (*p)
			p++;
	}
	out[o] = '\0';
}

int ch_request(void *c, const ch_call *call, const char *what, parley_err *err)
{
	const pl_http_module *m = NULL;
	int rc = ch_http(&m, err);
	if (rc != PARLEY_OK)
		return rc;
	int own = c == NULL;
	if (own)
		c = m->open();
	if (!c)
		return parley_err_set(err, PARLEY_ENOMEM, "%s: out of memory", what);
	pl_buf url;
	pl_buf_init(&url, 0);
	rc = pl_buf_printf(&url, "http://%s:%d/?wait_end_of_query=1", call->host, call->port);
	if (rc == PARLEY_OK && call->body) {
		rc = pl_buf_puts(&url, "&query=");
		if (rc == PARLEY_OK)
			rc = url_escape(&url, call->sql);
	}
	ch_resp r = {.call = call};
	pl_buf_init(&r.errtext, 0);
	char cerr[1024] = "";
	long code = 0;
	int failed = 0;
	if (rc == PARLEY_OK) {
		const char *body = call->body ? call->body : call->sql;
		size_t blen = call->body ? call->body_len : strlen(call->sql);
		failed = m->post(c, url.data, body, blen, on_body, &r, &code, cerr, sizeof cerr) != 0;
	}
	if (rc == PARLEY_OK) {
		if (r.nomem)
			rc = parley_err_set(err, PARLEY_ENOMEM, "%s: out of memory", what);
		else if (r.sink_rc)
			rc = parley_err_set(err, r.sink_rc, "%s: reading the answer of %s:%d: %s", what,
			                    call->host, call->port,
			                    r.sink_rc == PARLEY_ENOMEM ? "out of memory" : "stopped");
		else if (failed && code == 0)
			rc = parley_err_set(err, PARLEY_EIO, "%s: cannot reach the server %s:%d (%s)", what,
			                    call->host, call->port, cerr);
		else if (code != 200) {
			char text[1024], shard[160] = "";
			tidy_error(r.errtext.data ? r.errtext.data : "", text, sizeof text);
			/* A Distributed query names the shard it could not reach. */
			const char *refused = strstr(text, "Connection refused (");
			if (refused) {
				refused += strlen("Connection refused (");
				int n = (int)strcspn(refused, ")");
				snprintf(shard, sizeof shard, "shard %.*s (native port) is down or unreachable; ", n,
				         refused);
			}
			rc = parley_err_set(err, PARLEY_EIO, "%s: %sthe server %s:%d answered HTTP %ld: %s", what,
			                    shard, call->host, call->port, code, text[0] ? text : "no message");
		} else if (failed)
			rc = parley_err_set(err, PARLEY_EIO, "%s: the answer of %s:%d broke off (%s)", what,
			                    call->host, call->port, cerr);
	} else {
		rc = parley_err_set(err, PARLEY_ENOMEM, "%s: out of memory", what);
	}
	pl_buf_free(&r.errtext);
	pl_buf_free(&url);
	if (own)
		m->close(c);
	return rc;
}

int ch_query(const char *host, int port, const char *sql, pl_buf *out, const char *what,
             parley_err *err)
{
	ch_call call = {.host = host, .port = port, .sql = sql, .out = out};
	return ch_request(NULL, &call, what, err);
}

int ch_quote(pl_buf *b, const char *s, size_t n)
{
	int rc = pl_buf_putc(b, '\'');
	for (size_t i = 0; rc == PARLEY_OK && i < n; i++) {
		if (s[i] == '\'' || s[i] == '\\')
			rc = pl_buf_putc(b, '\\');
		if (rc == PARLEY_OK)
			rc = pl_buf_putc(b, s[i]);
	}
	return rc == PARLEY_OK ? pl_buf_putc(b, '\'') : rc;
}

/* ------------------------------------------------------------------ */
/* The engine                                                           */
/* ------------------------------------------------------------------ */

/* Copies an identifier (letters, digits, _) of p into out; returns its
 * length, or 0 when empty, too long or followed by another character than
 * one of `stop`. */
static size_t ident(const char *p, char *out, size_t cap, const char *stop)
{
	size_t n = 0;
	while ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= 'A' && p[n] <= 'Z') ||
	       (p[n] >= '0' && p[n] <= '9') || p[n] == '_')
		n++;
	if (n == 0 || n >= cap || !strchr(stop, p[n]))
		return 0;
	memcpy(out, p, n);
	out[n] = '\0';
	return n;
}

static int ch_scan(parley_gdelt_engine *base, pl_gdelt_scan *s, parley_err *err);
static int ch_count(parley_gdelt_engine *base, const parley_gdelt_query *q,
                    const char *const *fields, int nfields,
                    int (*add)(void *ctx, const char *key, size_t n, long count), void *ctx,
                    long *matched, parley_err *err);

static void ch_free(parley_gdelt_engine *base)
{
	free(base);
}

int parley_gdelt_engine_open(const char *url, parley_gdelt_engine **out, parley_err *err)
{
	*out = NULL;
	static const char scheme[] = "clickhouse://";
	const char *bad = "expected clickhouse://HOST:PORT/DB[?cluster=NAME]";
	if (!url || strncmp(url, scheme, sizeof scheme - 1) != 0)
		return parley_err_set(err, PARLEY_EINVAL, "engine '%s': %s", url ? url : "", bad);
	ch_engine *e = calloc(1, sizeof *e);
	if (!e)
		return parley_err_set(err, PARLEY_ENOMEM, "engine: out of memory");
	const char *p = url + sizeof scheme - 1;
	size_t hn = strcspn(p, ":/");
	char *end = NULL;
	long port = 0;
	if (hn > 0 && hn < sizeof e->host && p[hn] == ':')
		port = strtol(p + hn + 1, &end, 10);
	if (port < 1 || port > 65535 || !end || *end != '/') {
		free(e);
		return parley_err_set(err, PARLEY_EINVAL, "engine '%s': %s", url, bad);
	}
	memcpy(e->host, p, hn);
	e->port = (int)port;
	p = end + 1;
	size_t dn = ident(p, e->db, sizeof e->db, "?");
	pl_strlcpy(e->cluster, "parley", sizeof e->cluster);
	int ok = dn > 0;
	if (ok && p[dn] == '?')
		ok = strncmp(p + dn, "?cluster=", 9) == 0 && ident(p + dn + 9, e->cluster, sizeof e->cluster, "") > 0;
	if (!ok) {
		free(e);
		return parley_err_set(err, PARLEY_EINVAL, "engine '%s': %s (DB and NAME: letters, digits, _)",
		                      url, bad);
	}
	pl_strlcpy(e->base.name, url, sizeof e->base.name);
	e->base.scan = ch_scan;
	e->base.count = ch_count;
	e->base.free = ch_free;
	*out = &e->base;
	return PARLEY_OK;
}

void parley_gdelt_engine_free(parley_gdelt_engine *e)
{
	if (e)
		e->free(e);
}

int ch_find_shards(ch_engine *e, parley_err *err)
{
	pl_buf sql, out;
	pl_buf_init(&sql, 0);
	pl_buf_init(&out, 0);
	int rc = pl_buf_puts(&sql, "SELECT host_address, port FROM system.clusters WHERE cluster = ");
	if (rc == PARLEY_OK)
		rc = ch_quote(&sql, e->cluster, strlen(e->cluster));
	if (rc == PARLEY_OK)
		rc = pl_buf_puts(&sql, " AND replica_num = 1 ORDER BY shard_num FORMAT TabSeparated");
	if (rc != PARLEY_OK)
		rc = parley_err_set(err, PARLEY_ENOMEM, "engine: out of memory");
	else
		rc = ch_query(e->host, e->port, sql.data, &out, e->base.name, err);
	e->nshards = 0;
	const char *p = out.data ? out.data : "";
	while (rc == PARLEY_OK && *p) {
		size_t n = strcspn(p, "\n");
		const char *tab = memchr(p, '\t', n);
		if (tab && e->nshards < CH_MAX_SHARDS && (size_t)(tab - p) < sizeof e->shards[0].host) {
			ch_shard *sh = &e->shards[e->nshards++];
			memcpy(sh->host, p, (size_t)(tab - p));
			sh->host[tab - p] = '\0';
			sh->port = atoi(tab + 1) - 877;
		}
		p += n;
		if (*p)
			p++;
	}
	if (rc == PARLEY_OK && e->nshards == 0)
		rc = parley_err_set(err, PARLEY_EIO,
		                    "%s: clickhouse %s:%d has no cluster '%s' in its remote_servers", e->base.name,
		                    e->host, e->port, e->cluster);
	pl_buf_free(&sql);
	pl_buf_free(&out);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Queries                                                              */
/* ------------------------------------------------------------------ */

/* Appends " FROM DB.events WHERE ..." for the rows of the pair a:c with
 * the query's event codes and days.  It may select more rows than the
 * query counts, never fewer: the sink (or ch_count) applies the rest. */
static int put_where(pl_buf *b, const ch_engine *e, const char *a, const char *c,
                     const parley_gdelt_query *q, parley_err *err)
{
	pl_gdelt_filter f;
	static const parley_gdelt_query none = {0};
	int rc = pl_gdelt_filter_init(&f, q ? q : &none, err);
	if (rc)
		return rc;
	rc = pl_buf_printf(b, " FROM %s.events WHERE ((c7 = ", e->db);
	if (rc == PARLEY_OK) rc = ch_quote(b, a, strlen(a));
	if (rc == PARLEY_OK) rc = pl_buf_puts(b, " AND c17 = ");
	if (rc == PARLEY_OK) rc = ch_quote(b, c, strlen(c));
	if (rc == PARLEY_OK) rc = pl_buf_puts(b, ") OR (c7 = ");
	if (rc == PARLEY_OK) rc = ch_quote(b, c, strlen(c));
	if (rc == PARLEY_OK) rc = pl_buf_puts(b, " AND c17 = ");
	if (rc == PARLEY_OK) rc = ch_quote(b, a, strlen(a));
	if (rc == PARLEY_OK) rc = pl_buf_puts(b, ")) AND c26 IN (");
	for (int i = 0; rc == PARLEY_OK && i < f.codes.n; i++) {
		if (i)
			rc = pl_buf_putc(b, ',');
		if (rc == PARLEY_OK)
			rc = ch_quote(b, f.codes.code[i], strlen(f.codes.code[i]));
	}
	if (rc == PARLEY_OK)
		rc = pl_buf_putc(b, ')');
	if (rc == PARLEY_OK && f.since_day != LONG_MIN)
		rc = pl_buf_printf(b, " AND day >= %ld", f.since_day);
	if (rc == PARLEY_OK && f.until_day != LONG_MAX)
		rc = pl_buf_printf(b, " AND day <= %ld", f.until_day);
	return rc ? parley_err_set(err, PARLEY_ENOMEM, "%s: out of memory", e->base.name) : PARLEY_OK;
}

/* The SELECT for the scan's query: the rows of the pair as their lines. */
static int build_select(const ch_engine *e, const pl_gdelt_scan *s, pl_buf *b, parley_err *err)
{
	int rc = pl_buf_puts(b, "SELECT arrayStringConcat(arraySlice([");
	for (int i = 0; rc == PARLEY_OK && i < PL_GDELT_MAX_FIELDS; i++)
		rc = pl_buf_printf(b, "%sc%d", i ? "," : "", i);
	if (rc == PARLEY_OK)
		rc = pl_buf_puts(b, "], 1, nfields), '\\t')");
	if (rc)
		return parley_err_set(err, PARLEY_ENOMEM, "%s: out of memory", e->base.name);
	rc = put_where(b, e, s->o.a, s->o.b, s->o.query, err);
	if (rc == PARLEY_OK && pl_buf_puts(b, " FORMAT TabSeparatedRaw") != PARLEY_OK)
		rc = parley_err_set(err, PARLEY_ENOMEM, "%s: out of memory", e->base.name);
	return rc;
}

/* The --count-by fields as columns, and the checks count.c makes of them
 * (a row failing one is malformed there, so not counted). */
static const struct {
	const char *name, *expr, *check;
} count_fields[] = {
    {"year", "c3", "match(c3, '^[0-9]{4}$')"},
    {"month", "c2", "match(c2, '^[0-9]{6}$')"},
    {"date", "c1", NULL},
    {"eventcode", "c26", NULL},
    {"basecode", "c27", NULL},
    {"rootcode", "c28", NULL},
    {"quadclass", "c29", NULL},
    {"actor1country", "c7", NULL},
    {"actor2country", "c17", NULL},
    {"place", "if(nfields = 61, c53, c51)", NULL}, /* pl_gdelt_action_country_field */
};

/* Counting on the cluster: GROUP BY the fields with count.c's row checks
 * in the WHERE (a real SQLDATE day; Year and MonthYear digits when grouped
 * by; the joined key under count.c's 256 bytes), so only the groups come
 * back.  count.c sorts them as it sorts its own. */
static int ch_count(parley_gdelt_engine *base, const parley_gdelt_query *q,
                    const char *const *fields, int nfields,
                    int (*add)(void *ctx, const char *key, size_t n, long count), void *ctx,
                    long *matched, parley_err *err)
{
	ch_engine *e = (ch_engine *)base;
	*matched = 0;
	int idx[16];
	if (nfields < 1 || nfields > (int)PL_ARRAY_LEN(idx))
		return parley_err_set(err, PARLEY_EINVAL, "--count-by: 1 to 16 fields");
	for (int k = 0; k < nfields; k++) {
		idx[k] = -1;
		for (size_t i = 0; i < PL_ARRAY_LEN(count_fields); i++)
			if (strcmp(fields[k], count_fields[i].name) == 0)
				idx[k] = (int)i;
		if (idx[k] < 0)
			return parley_err_set(err, PARLEY_EINVAL, "--count-by: unknown field '%s'", fields[k]);
	}
	pl_buf sql, out;
	pl_buf_init(&sql, 0);
	pl_buf_init(&out, 0);
	int rc = pl_buf_puts(&sql, "SELECT ");
	for (int k = 0; rc == PARLEY_OK && k < nfields; k++)
		rc = pl_buf_printf(&sql, "%s, ", count_fields[idx[k]].expr);
	if (rc == PARLEY_OK)
		rc = pl_buf_puts(&sql, "count()");
	rc = rc ? parley_err_set(err, PARLEY_ENOMEM, "%s: out of memory", e->base.name)
	        : put_where(&sql, e, q->country_a, q->country_b, q, err);
	if (rc == PARLEY_OK)
		rc = pl_buf_puts(&sql, " AND day != " CH_NO_DAY " AND ");
	for (int k = 0; rc == PARLEY_OK && k < nfields; k++)
		rc = pl_buf_printf(&sql, "length(%s) + ", count_fields[idx[k]].expr);
	/* count.c: the fields joined by 0x1f, plus a NUL, fit in 256 bytes */
	if (rc == PARLEY_OK)
		rc = pl_buf_printf(&sql, "%d < 256", nfields > 2 ? nfields - 1 : 1);
	for (int k = 0; rc == PARLEY_OK && k < nfields; k++)
		if (count_fields[idx[k]].check)
			rc = pl_buf_printf(&sql, " AND %s", count_fields[idx[k]].check);
	if (rc == PARLEY_OK)
		rc = pl_buf_puts(&sql, " GROUP BY ");
	for (int k = 0; rc == PARLEY_OK && k < nfields; k++)
		rc = pl_buf_printf(&sql, "%s%s", k ? ", " : "", count_fields[idx[k]].expr);
	if (rc == PARLEY_OK)
		rc = pl_buf_puts(&sql, " FORMAT TabSeparatedRaw");
	if (rc == PARLEY_ENOMEM)
		rc = parley_err_set(err, PARLEY_ENOMEM, "%s: out of memory", e->base.name);
	if (rc == PARLEY_OK)
		rc = ch_query(e->host, e->port, sql.data, &out, e->base.name, err);
	/* Each line: the fields, then the count, tab-separated (no value holds
	 * a tab: the rows were split at tabs). */
	char *p = out.data;
	while (rc == PARLEY_OK && p && *p) {
		char *nl = strchr(p, '\n');
		if (!nl)
			break;
		*nl = '\0';
		char *last = strrchr(p, '\t');
		if (!last) {
			rc = parley_err_set(err, PARLEY_EIO, "%s: an answer line without a count", e->base.name);
			break;
		}
		*last = '\0';
		for (char *t = p; *t; t++)
			if (*t == '\t')
				*t = 0x1f;
		long n = strtol(last + 1, NULL, 10);
		if (add(ctx, p, (size_t)(last - p), n) != PARLEY_OK)
			rc = parley_err_set(err, PARLEY_ENOMEM, "%s: out of memory", e->base.name);
		*matched += n;
		p = nl + 1;
	}
	pl_buf_free(&sql);
	pl_buf_free(&out);
	return rc;
}

/* The answer's lines go through the line assembler to the scan loop, as
 * a stream's do (input.c). */
static int answer_sink(void *ctx, const char *p, size_t n)
{
	pl_gdelt_lines *L = ctx;
	pl_gdelt_worker *w = L->ctx;
	atomic_fetch_add_explicit(&w->scan->done_bytes, (uint64_t)n, memory_order_relaxed);
	return pl_gdelt_lines_feed(L, p, n);
}

static int ch_scan(parley_gdelt_engine *base, pl_gdelt_scan *s, parley_err *err)
{
	ch_engine *e = (ch_engine *)base;
	pl_gdelt_worker *w = &s->workers[0];
	int idx = pl_gdelt_add_name(s, e->base.name);
	if (idx < 0)
		return parley_err_set(err, PARLEY_ENOMEM, "%s: out of memory", e->base.name);
	w->file = idx;
	w->chunk = 0;
	w->lines = 0;
	pl_buf sql;
	pl_buf_init(&sql, 0);
	int rc = build_select(e, s, &sql, err);
	pl_gdelt_lines L;
	if (rc == PARLEY_OK && pl_gdelt_lines_init(&L, pl_gdelt_worker_block, pl_gdelt_worker_long, w) != PARLEY_OK)
		rc = parley_err_set(err, PARLEY_ENOMEM, "%s: out of memory", e->base.name);
	else if (rc == PARLEY_OK) {
		ch_call call = {.host = e->host, .port = e->port, .sql = sql.data, .sink = answer_sink,
		                .sink_ctx = &L};
		rc = ch_request(NULL, &call, e->base.name, err);
		int unterminated = 0;
		if (rc == PARLEY_OK && pl_gdelt_lines_finish(&L, &unterminated) != PARLEY_OK)
			rc = parley_err_set(err, PARLEY_ENOMEM, "%s: out of memory", e->base.name);
		pl_gdelt_lines_free(&L);
	}
	if (rc == PARLEY_OK && w->status)
		rc = parley_err_set(err, w->status, "%s: out of memory", e->base.name);
	pl_buf_free(&sql);
	return rc;
}
