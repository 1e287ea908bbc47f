/*
 * engine.h - what the scan needs of a database engine (not public).
 *
 * An engine answers a query by handing the scan the rows of the pair, as
 * GDELT lines, and the scan's own line loop and sinks do the rest: so a
 * count or a candidate list from an engine is the same as from the files
 * the engine was loaded with.  The only engine is ClickHouse
 * (clickhouse.c), whose HTTP client is the module parley-http.so
 * (http_module.h); the scan reaches it through this table of functions.
 */
#ifndef PL_GDELT_ENGINE_H
#define PL_GDELT_ENGINE_H

#include "gdelt.h"

struct parley_gdelt_engine {
	char name[256]; /* the URL, for messages */
	/* Feeds the rows of s->o.query's pair (at least every row the query
	 * counts) through the scan's workers, as a stream named after the
	 * engine.  Returns PARLEY_OK or a failure status with err naming the
	 * host. */
	int (*scan)(parley_gdelt_engine *e, pl_gdelt_scan *s, parley_err *err);
	/* Counts the rows of the query q grouped by the --count-by fields
	 * (their names, nfields of them) on the engine, applying every check
	 * count.c applies to a row, and calls add with each group's key (the
	 * values joined by 0x1f, as count.c builds it) and count.  *matched
	 * gets the rows counted.  NULL when the engine cannot group: count.c
	 * then runs scan() with its own sink. */
	int (*count)(parley_gdelt_engine *e, const parley_gdelt_query *q, const char *const *fields,
	             int nfields, int (*add)(void *ctx, const char *key, size_t n, long count),
	             void *ctx, long *matched, parley_err *err);
	void (*free)(parley_gdelt_engine *e);
};

#endif /* PL_GDELT_ENGINE_H */
