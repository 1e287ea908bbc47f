/*
 * request.c - checks and decodes an HTTP request (request.h).
 *
 * The server's HTTP library hands over the raw request target; decoding
 * it here, once, means the rules (no NUL, valid UTF-8, bounded sizes) are
 * one piece of code that the fuzzer drives directly.
 */
#include "request.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void pl_http_error(pl_web_resp *rs, int status, const char *msg)
{
	pl_buf_init(&rs->body, 4096);
	rs->status = status;
	rs->type = "application/json; charset=utf-8";
	rs->no_store = 1;
	rs->location[0] = '\0';
	rs->file = NULL;
	rs->file_len = rs->file_hash = 0;
	json_t *v = json_pack("{s:{s:i,s:s}}", "error", "status", status, "message", msg);
	char *s = v ? json_dumps(v, JSON_ENSURE_ASCII) : NULL;
	json_decref(v);
	/* The fallback is a literal: no allocation left to fail. */
	if (!s || pl_buf_puts(&rs->body, s) != PARLEY_OK || pl_buf_putc(&rs->body, '\n') != PARLEY_OK) {
		pl_buf_free(&rs->body);
		rs->status = 500;
		rs->body.data = NULL;
	}
	free(s);
}

/* rc is the error status; rs gets the body. */
static int reject(pl_web_resp *rs, int status, const char *msg)
{
	pl_http_error(rs, status, msg);
	return status == 500 ? PARLEY_ENOMEM : PARLEY_EDATA;
}

static int valid_text(const char *s)
{
	return pl_utf8_invalid_at(s, strlen(s)) < 0;
}

/* A decoded path: valid UTF-8, no control characters, no dot segments. */
static const char *path_problem(const char *p)
{
	if (!valid_text(p))
		return "the path is not valid UTF-8";
	for (const unsigned char *c = (const unsigned char *)p; *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			return "the path holds a control character";
	for (const char *s = p; (s = strchr(s, '/')) != NULL; s++) {
		const char *e = s + 1;
		if (e[0] == '.' && (e[1] == '/' || e[1] == '\0' ||
		                    (e[1] == '.' && (e[2] == '/' || e[2] == '\0'))))
			return "the path has a '.' or '..' segment";
	}
	return NULL;
}

/* The cache key's path: '%', '?', '&' and '#' escaped, so that no decoded
 * path can look like another path with parameters. */
static int key_path(pl_buf *k, const char *p)
{
	int rc = PARLEY_OK;
	for (; *p && rc == PARLEY_OK; p++)
		rc = strchr("%?&#", *p) ? pl_buf_printf(k, "%%%02X", (unsigned char)*p) : pl_buf_putc(k, *p);
	return rc;
}

int pl_http_parse(const pl_http_in *in, pl_http_req *out, pl_web_resp *rs)
{
	memset(out, 0, sizeof *out);
	pl_buf_init(&out->key, PL_HTTP_MAX_PATH * 3 + PL_HTTP_MAX_QUERY * 3 + 64);
	const char *method = in->method ? in->method : "";
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return reject(rs, 405, "only GET and HEAD");
	size_t hosts = 0;
	for (size_t i = 0; i < in->nheaders; i++) {
		const char *n = in->headers[i].name ? in->headers[i].name : "";
		const char *v = in->headers[i].value ? in->headers[i].value : "";
		if (!valid_text(n) || !valid_text(v))
			return reject(rs, 400, "a header is not valid UTF-8");
		hosts += strcasecmp(n, "Host") == 0;
	}
	int http11 = in->version && strcmp(in->version, "HTTP/1.1") == 0;
	if (hosts > 1 || (http11 && hosts != 1))
		return reject(rs, 400, "HTTP/1.1 needs exactly one Host header");
	const char *t = in->target ? in->target : "";
	size_t tn = strlen(t);
	if (tn > PL_HTTP_MAX_TARGET)
		return reject(rs, 414, "URL too long");
	if (t[0] != '/')
		return reject(rs, 400, "the path must start with '/'");

	/* One copy of the target, cut in place into path and parameters. */
	out->mem = malloc(tn + 1);
	if (!out->mem)
		return reject(rs, 500, "out of memory");
	memcpy(out->mem, t, tn + 1);
	char *hash = strchr(out->mem, '#'); /* a fragment is the client's own */
	if (hash)
		*hash = '\0';
	char *query = strchr(out->mem, '?');
	if (query)
		*query++ = '\0';
	char *path = out->mem;
	if (pl_url_decode_path(path) != PARLEY_OK)
		return reject(rs, 400, "the path has a bad %-escape or a NUL byte");
	if (strlen(path) > PL_HTTP_MAX_PATH)
		return reject(rs, 414, "URL too long");
	const char *why = path_problem(path);
	if (why)
		return reject(rs, 400, why);
	out->rq.path = path;
	out->rq.root = "/";
	int rc = key_path(&out->key, path);

	size_t bytes = 0;
	char sep = '?';
	char *save = NULL;
	for (char *part = query ? strtok_r(query, "&", &save) : NULL; part; part = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(part, '=');
		char *val = eq ? eq + 1 : part + strlen(part);
		if (eq)
			*eq = '\0';
		if (pl_url_decode(part) != PARLEY_OK || pl_url_decode(val) != PARLEY_OK)
			return reject(rs, 400, "a parameter has a bad %-escape or a NUL byte");
		if (!valid_text(part) || !valid_text(val))
			return reject(rs, 400, "a parameter is not valid UTF-8");
		bytes += strlen(part) + strlen(val) + 2;
		if (bytes > PL_HTTP_MAX_QUERY)
			return reject(rs, 414, "query too long");
		if (out->rq.nparams >= PL_MAX_PARAMS)
			return reject(rs, 400, "too many parameters");
		out->rq.params[out->rq.nparams].key = part;
		out->rq.params[out->rq.nparams].value = val;
		out->rq.nparams++;
		if (rc == PARLEY_OK)
			rc = pl_buf_putc(&out->key, sep);
		if (rc == PARLEY_OK)
			rc = pl_esc_url(&out->key, part);
		if (rc == PARLEY_OK)
			rc = pl_buf_putc(&out->key, '=');
		if (rc == PARLEY_OK)
			rc = pl_esc_url(&out->key, val);
		sep = '&';
	}
	if (rc != PARLEY_OK)
		return reject(rs, 500, "out of memory");
	return PARLEY_OK;
}

void pl_http_req_free(pl_http_req *r)
{
	free(r->mem);
	r->mem = NULL;
	pl_buf_free(&r->key);
}
