/* fuzz_web_request.c - the server's real request handling over the bundled
 * store: the checks and decoding of request.c (method, version, raw target,
 * headers), then the router and every page of pages.c, as `parley serve`
 * runs them, without the socket.
 *
 * The input is a request as a client writes it:
 *   METHOD TARGET VERSION\n
 *   Name: value\n            (any number of headers)
 * (a missing version is HTTP/1.1; bytes after the first empty line are
 * ignored).  What must hold for every request:
 *   - no crash, leak or undefined behaviour (the sanitizers);
 *   - a status from the set the server uses, and a body;
 *   - never a 5xx: no request can make the server fail on a good store;
 *   - an API answer (application/json) parses as JSON;
 *   - every answer is valid UTF-8, but a PNG chart, which must be a PNG. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/web/request.h"

#define MAX_FUZZ_HEADERS 32

static pl_web g_web;

static void setup(void)
{
	parley_db *db = NULL;
	parley_err err = {0};
	if (parley_open(":memory:", PARLEY_OPEN_CREATE, &db, &err) != PARLEY_OK ||
	    parley_load_bundled(db, NULL, NULL, &err) != PARLEY_OK ||
	    pl_web_init(&g_web, db, 0, &err) != PARLEY_OK) {
		fprintf(stderr, "fuzz_web_request: cannot set up the bundled store: %s\n", err.msg);
		abort();
	}
}

static int status_known(int s)
{
	static const int ok[] = {200, 301, 304, 400, 404, 405, 414};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		if (s == ok[i])
			return 1;
	return 0;
}

static void check(const pl_web_resp *rs)
{
	if (!status_known(rs->status) || !rs->body.data) {
		fprintf(stderr, "status %d, body %s\n", rs->status, rs->body.data ? "present" : "missing");
		abort();
	}
	/* a chart drawn as PNG (the PNG module, built beside the fuzz targets
	 * by tests/fuzz-run) is binary: it must be a PNG, not text */
	if (rs->type && strcmp(rs->type, "image/png") == 0) {
		if (rs->body.len < 8 || memcmp(rs->body.data, "\x89PNG\r\n\x1a\n", 8) != 0) {
			fprintf(stderr, "status %d: an image/png body that is not a PNG\n", rs->status);
			abort();
		}
		return;
	}
	if (pl_utf8_invalid_at(rs->body.data, rs->body.len) >= 0) {
		fprintf(stderr, "status %d: the body is not valid UTF-8\n", rs->status);
		abort();
	}
	if (rs->type && strncmp(rs->type, "application/json", 16) == 0) {
		json_error_t je;
		json_t *v = json_loadb(rs->body.data, rs->body.len, 0, &je);
		if (!v) {
			fprintf(stderr, "status %d: the JSON body does not parse: %s\n", rs->status, je.text);
			abort();
		}
		json_decref(v);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 16384)
		return 0;
	if (!g_web.db)
		setup();
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	/* The request line: METHOD TARGET [VERSION] */
	char *save = NULL;
	char *line = strtok_r(text, "\n", &save);
	char *method = line ? line : "";
	char *target = strchr(method, ' ');
	char *version = NULL;
	if (target) {
		*target++ = '\0';
		version = strrchr(target, ' ');
		if (version)
			*version++ = '\0';
	}
	pl_http_header hs[MAX_FUZZ_HEADERS];
	size_t nh = 0;
	for (char *h = line ? strtok_r(NULL, "\n", &save) : NULL; h && nh < MAX_FUZZ_HEADERS;
	     h = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(h, ':');
		if (!colon)
			break;
		*colon = '\0';
		char *v = colon + 1;
		while (*v == ' ')
			v++;
		hs[nh].name = h;
		hs[nh].value = v;
		nh++;
	}
	pl_http_in in = {.method = method, .version = version ? version : "HTTP/1.1",
	                 .target = target ? target : "/", .headers = hs, .nheaders = nh};
	pl_http_req hr;
	pl_web_resp rs;
	if (pl_http_parse(&in, &hr, &rs) == PARLEY_OK)
		pl_web_handle(&g_web, &hr.rq, &rs);
	check(&rs);
	pl_buf_free(&rs.body);
	pl_http_req_free(&hr);
	free(text);
	return 0;
}
