/*
 * request.h - an HTTP request as the server received it (method, version,
 * raw target, headers), checked and decoded into a pl_web_req before any
 * page code sees it.
 *
 * server.c calls this for every request, and the fuzz target
 * fuzz_web_request calls the same functions with no socket in between, so
 * what the fuzzer reaches is what a client reaches.  The rules:
 *   - only GET and HEAD (405 otherwise; the server adds Allow)
 *   - HTTP/1.1 carries exactly one Host header, HTTP/1.0 at most one (400)
 *   - every header name and value is valid UTF-8 (400)
 *   - the target starts with '/', is at most PL_HTTP_MAX_TARGET bytes
 *     (414); its path decodes (%XX) to at most PL_HTTP_MAX_PATH bytes of
 *     valid UTF-8 with no control character (so no %00) and no '.' or
 *     '..' segment (400)
 *   - the query's parameters decode (%XX, '+') to valid UTF-8 without NUL
 *     (400), at most PL_MAX_PARAMS of them (400) and PL_HTTP_MAX_QUERY
 *     bytes in all (414)
 * A rejected request gets a JSON error body naming what was wrong, and
 * never echoes the request's bytes back.
 */
#ifndef PARLEY_WEB_REQUEST_H
#define PARLEY_WEB_REQUEST_H

#include "webq.h"

#define PL_HTTP_MAX_PATH 2048    /* decoded path, bytes */
#define PL_HTTP_MAX_QUERY 4096   /* decoded parameters, bytes in all */
#define PL_HTTP_MAX_TARGET (PL_HTTP_MAX_PATH + 3 * PL_HTTP_MAX_QUERY) /* raw target */

/* The methods the server answers, as an Allow header's value. */
#define PL_HTTP_ALLOW "GET, HEAD"

typedef struct pl_http_header {
	const char *name, *value;
} pl_http_header;

/* A request as received.  Strings are NUL-terminated; the target is the
 * raw request target (path and query, still %-encoded). */
typedef struct pl_http_in {
	const char *method;      /* "GET" */
	const char *version;     /* "HTTP/1.1" */
	const char *target;      /* "/visits?q=Kim%20Il" */
	const pl_http_header *headers;
	size_t nheaders;
} pl_http_in;

/* A checked request: rq for pl_web_handle, key for the response cache
 * (the path and the parameters, re-encoded in one canonical way). */
typedef struct pl_http_req {
	pl_web_req rq;           /* path and params point into mem */
	char *mem;               /* the decoded path and parameters */
	pl_buf key;
} pl_http_req;

/* Checks and decodes in into out.  PARLEY_OK: out is ready.  Otherwise a
 * negative status, and rs holds the error response (status 400, 405 or
 * 414, or 500 when memory ran out; a JSON body; rs->no_store set): the
 * caller sends it and frees rs->body with pl_buf_free.  Either way free
 * out with pl_http_req_free. */
int pl_http_parse(const pl_http_in *in, pl_http_req *out, pl_web_resp *rs);
void pl_http_req_free(pl_http_req *r);

/* A JSON error response {"error":{"status":N,"message":M}} into rs
 * (rs->body initialised here; caller frees it). */
void pl_http_error(pl_web_resp *rs, int status, const char *msg);

#endif /* PARLEY_WEB_REQUEST_H */
