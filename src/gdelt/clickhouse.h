/*
 * clickhouse.h - what the two files of the ClickHouse engine share (not
 * public): the engine's state, its HTTP client and its table layout.
 *
 * Layout.  Each shard holds DB.events_local, a MergeTree with every GDELT
 * field as written (c0 .. c60, empty past the row's own field count
 * `nfields`) plus what parley works out when it loads a row: `day` (SQLDATE
 * as parley's day number, CH_NO_DAY when not a real day), `ym` (its YYYYMM,
 * the partition) and `file` (the input it came from).  It is ordered by
 * (c7, c17, c26, day): Actor1 and Actor2 country and EventCode, so a pair
 * query reads only the granules of the pair.  DB.events is a Distributed
 * table over all shards; DB.loaded, on the first shard, lists the inputs
 * loaded.  Keeping the fields as written lets the engine give back each row
 * as its original line, which parley's own scan then reads.
 */
#ifndef PL_GDELT_CLICKHOUSE_H
#define PL_GDELT_CLICKHOUSE_H

#include "engine.h"
#include "http_module.h"
#include "module.h"

#define CH_MAX_SHARDS 64
/* `day` of a row whose SQLDATE is not a real day (INT32_MIN). */
#define CH_NO_DAY "-2147483648"

typedef struct ch_shard {
	char host[128];
	int port; /* HTTP */
} ch_shard;

typedef struct ch_engine {
	parley_gdelt_engine base;
	char host[128];
	int port;
	char db[64];
	char cluster[64];
	ch_shard shards[CH_MAX_SHARDS]; /* filled by ch_find_shards() */
	int nshards;
} ch_engine;

/* One request's answer.  The body of a 200 goes to sink (when set) or to
 * out; any other status's body is kept (bounded) as the error text. */
typedef struct ch_call {
	const char *host;
	int port;
	const char *sql;      /* in the URL when body is set, else the body */
	const char *body;     /* data to insert, or NULL */
	size_t body_len;
	pl_buf *out;          /* may be NULL */
	int (*sink)(void *ctx, const char *p, size_t n); /* non-zero stops */
	void *sink_ctx;
} ch_call;

/* The HTTP module's table (loaded on the first call: module.h); fails
 * with err naming parley-http.so when it is missing. */
int ch_http(const pl_http_module **m, parley_err *err);

/* Runs one request on host:port with handle c (the HTTP module's open();
 * NULL: a handle of its own).
 * Fails with PARLEY_EIO and a message naming the host: cannot connect,
 * or the server's own error text (which names a shard that is down). */
int ch_request(void *c, const ch_call *call, const char *what, parley_err *err);

/* Runs sql and gives its whole answer in *out (caller frees with
 * pl_buf_free). */
int ch_query(const char *host, int port, const char *sql, pl_buf *out, const char *what,
             parley_err *err);

/* Appends s as a quoted SQL string literal. */
int ch_quote(pl_buf *b, const char *s, size_t n);

/* Reads the shards of the engine's cluster (system.clusters, first replica
 * of each) into e->shards.  A shard's HTTP port is its native port - 877,
 * the distance between ClickHouse's defaults (9000 and 8123). */
int ch_find_shards(ch_engine *e, parley_err *err);

#endif /* PL_GDELT_CLICKHOUSE_H */
