/*
 * http_curl.c - parley-http.so (http_module.h): HTTP POST with libcurl for
 * the ClickHouse engine, loaded on first use (module.h).
 */
#include "http_module.h"

#include <curl/curl.h>
#include <stdio.h>

typedef struct post_ctx {
	CURL *c;
	long code;
	int (*on_body)(void *ctx, long code, const char *p, size_t n);
	void *ctx;
} post_ctx;

static size_t on_write(char *p, size_t size, size_t nmemb, void *user)
{
	post_ctx *x = user;
	size_t n = size * nmemb;
	if (!x->code)
		curl_easy_getinfo(x->c, CURLINFO_RESPONSE_CODE, &x->code);
	return x->on_body(x->ctx, x->code, p, n) ? 0 : n;
}

static void *http_open(void)
{
	return curl_easy_init();
}

static void http_close(void *h)
{
	if (h)
		curl_easy_cleanup(h);
}

static int http_post(void *h, const char *url, const char *body, size_t n,
                     int (*on_body)(void *ctx, long code, const char *p, size_t n), void *ctx,
                     long *code, char *msg, size_t cap)
{
	CURL *c = h;
	curl_easy_reset(c); /* keeps the connection cache */
	post_ctx x = {.c = c, .on_body = on_body, .ctx = ctx};
	struct curl_slist *hdr = curl_slist_append(NULL, "Expect:"); /* no 100-continue round trip */
	char cerr[CURL_ERROR_SIZE] = "";
	*code = 0;
	if (!hdr) {
		snprintf(msg, cap, "out of memory");
		return -1;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)n);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &x);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	CURLcode cc = curl_easy_perform(c);
	if (!x.code)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &x.code);
	curl_slist_free_all(hdr);
	*code = x.code;
	if (cc == CURLE_OK)
		return 0;
	snprintf(msg, cap, "%s", cerr[0] ? cerr : curl_easy_strerror(cc));
	return -1;
}

/* The one symbol parley looks up (http_module.h). */
extern const pl_http_module parley_http_module;
__attribute__((visibility("default"))) const pl_http_module parley_http_module = {
	.abi = PL_HTTP_MODULE_ABI,
	.open = http_open,
	.close = http_close,
	.post = http_post,
};
