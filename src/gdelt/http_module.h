/*
 * http_module.h - the table of parley-http.so (module.h): libcurl's HTTP
 * POST, the one thing the ClickHouse engine (clickhouse.c) needs of it, in
 * a module so that only an --engine / --into run maps libcurl and the ~40
 * libraries under it.  Self-contained: the module needs nothing of
 * libparley.
 */
#ifndef PL_GDELT_HTTP_MODULE_H
#define PL_GDELT_HTTP_MODULE_H

#include <stddef.h>

#define PL_HTTP_MODULE_FILE "parley-http.so"
#define PL_HTTP_MODULE_SYMBOL "parley_http_module"
#define PL_HTTP_MODULE_ABI 1u

typedef struct pl_http_module {
	unsigned abi; /* PL_HTTP_MODULE_ABI: first, checked before anything else */
	/* A connection handle (it keeps its connections between posts), or
	 * NULL when out of memory.  Freed with close. */
	void *(*open)(void);
	void (*close)(void *h);
	/* POSTs body (n bytes) to url with no "Expect: 100-continue", a 10 s
	 * connect timeout and no signals.  Each piece of the answer's body goes
	 * to on_body with the HTTP status; it returns non-zero to stop the
	 * transfer.  *code gets the HTTP status (0: no answer).  Returns 0 when
	 * the transfer completed, -1 otherwise with the reason in msg (cap
	 * bytes). */
	int (*post)(void *h, const char *url, const char *body, size_t n,
	            int (*on_body)(void *ctx, long code, const char *p, size_t n), void *ctx,
	            long *code, char *msg, size_t cap);
} pl_http_module;

#endif /* PL_GDELT_HTTP_MODULE_H */
