/* test_web_request.c - what the server checks before any page runs
 * (request.c: methods, Host, UTF-8, NUL, dot segments, sizes, the cache
 * key) and what no answer may show: a 5xx's detail (SQL, paths), "(null)"
 * for a value the store holds as invalid UTF-8, or an error message cut
 * inside a UTF-8 character.
 *
 * The store for the page checks is hand-made: countries AAA and BBB and a
 * visit whose visitor name is not valid UTF-8 (as older stores can hold). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/web/request.h"
#include "test_web_store.h"

static const pl_http_header host[] = {{"Host", "127.0.0.1"}};

/* Parses a GET of target with one Host; the status (200 when accepted). */
static int parse_status(const char *target, pl_http_req *hr)
{
	pl_http_in in = {.method = "GET", .version = "HTTP/1.1", .target = target, .headers = host,
	                 .nheaders = 1};
	pl_web_resp rs;
	memset(&rs, 0, sizeof rs);
	if (pl_http_parse(&in, hr, &rs) == PARLEY_OK)
		return 200;
	/* every rejection is a JSON error body that says what was wrong */
	assert_non_null(rs.body.data);
	json_t *v = json_loads(rs.body.data, 0, NULL);
	assert_non_null(v);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(v, "error"), "status")), rs.status);
	json_decref(v);
	pl_buf_free(&rs.body);
	return rs.status;
}

static int status_of(const char *target)
{
	pl_http_req hr;
	int s = parse_status(target, &hr);
	pl_http_req_free(&hr);
	return s;
}

static void targets_are_decoded_once(void **s)
{
	(void)s;
	pl_http_req hr;
	assert_int_equal(parse_status("/visits?q=Kim+Il&between=CHN%3APRK&q2=%E9%87%91&flag", &hr), 200);
	assert_string_equal(hr.rq.path, "/visits");
	assert_int_equal(hr.rq.nparams, 4);
	assert_string_equal(hr.rq.params[0].key, "q");
	assert_string_equal(hr.rq.params[0].value, "Kim Il");
	assert_string_equal(hr.rq.params[1].value, "CHN:PRK");
	assert_string_equal(hr.rq.params[2].value, "\xE9\x87\x91");
	assert_string_equal(hr.rq.params[3].key, "flag");
	assert_string_equal(hr.rq.params[3].value, "");
	/* one canonical key: the same parameters spelt differently share it */
	assert_string_equal(hr.key.data, "/visits?q=Kim%20Il&between=CHN%3APRK&q2=%E9%87%91&flag=");
	pl_http_req_free(&hr);
	/* in a path '+' is itself, and a decoded '?' cannot pose as a query */
	assert_int_equal(parse_status("/person/a+b%3Fx=1", &hr), 200);
	assert_string_equal(hr.rq.path, "/person/a+b?x=1");
	assert_int_equal(hr.rq.nparams, 0);
	assert_string_equal(hr.key.data, "/person/a+b%3Fx=1");
	pl_http_req_free(&hr);
}

static void bad_bytes_are_400(void **s)
{
	(void)s;
	assert_int_equal(status_of("/visit/a%00b"), 400);     /* NUL in the path */
	assert_int_equal(status_of("/visits?q=a%00b"), 400);  /* NUL in a value */
	assert_int_equal(status_of("/visits?q%00=1"), 400);   /* NUL in a key */
	assert_int_equal(status_of("/visit/%FF"), 400);       /* invalid UTF-8 */
	assert_int_equal(status_of("/visits?q=%C3%28"), 400);
	assert_int_equal(status_of("/visits?q=%ED%A0%80"), 400); /* a surrogate */
	assert_int_equal(status_of("/visit/%0Aabc"), 400);    /* a control character */
	assert_int_equal(status_of("/visits?q=%G1"), 400);    /* a bad escape */
	assert_int_equal(status_of("/visits?q=%4"), 400);
	assert_int_equal(status_of("/static/%2e%2e/x"), 400); /* dot segments, however spelt */
	assert_int_equal(status_of("/static/./x"), 400);
	assert_int_equal(status_of("/a/.."), 400);
	assert_int_equal(status_of("visits"), 400);           /* not a path */
	assert_int_equal(status_of("/static/a..b.css"), 200); /* dots inside a name are fine */
}

static void sizes_are_bounded(void **s)
{
	(void)s;
	char t[PL_HTTP_MAX_TARGET + 64];
	/* 25 parameters: one too many */
	pl_buf b;
	pl_buf_init(&b, 0);
	pl_buf_adds(&b, "/visits?");
	for (int i = 0; i < PL_MAX_PARAMS + 1; i++)
		pl_buf_addf(&b, "%sk%d=v", i ? "&" : "", i);
	assert_int_equal(pl_buf_failed(&b), PARLEY_OK);
	assert_int_equal(status_of(b.data), 400);
	pl_buf_free(&b);
	/* a path longer than the limit */
	t[0] = '/';
	memset(t + 1, 'a', PL_HTTP_MAX_PATH + 1);
	t[PL_HTTP_MAX_PATH + 2] = '\0';
	assert_int_equal(status_of(t), 414);
	/* a raw target longer than the limit */
	memcpy(t, "/visits?q=", 10);
	memset(t + 10, 'a', PL_HTTP_MAX_TARGET);
	t[PL_HTTP_MAX_TARGET + 10] = '\0';
	assert_int_equal(status_of(t), 414);
	/* decoded parameters over their limit (each %41 decodes to one byte) */
	pl_buf_init(&b, 0);
	pl_buf_adds(&b, "/visits?q=");
	for (int i = 0; i < PL_HTTP_MAX_QUERY; i++)
		pl_buf_addc(&b, 'a');
	assert_int_equal(pl_buf_failed(&b), PARLEY_OK);
	assert_int_equal(status_of(b.data), 414);
	pl_buf_free(&b);
}

static int parse_with(const char *method, const char *version, const pl_http_header *hs, size_t n)
{
	pl_http_in in = {.method = method, .version = version, .target = "/", .headers = hs, .nheaders = n};
	pl_http_req hr;
	pl_web_resp rs;
	memset(&rs, 0, sizeof rs);
	int rc = pl_http_parse(&in, &hr, &rs);
	pl_http_req_free(&hr);
	if (rc == PARLEY_OK)
		return 200;
	pl_buf_free(&rs.body);
	return rs.status;
}

static void methods_and_headers(void **s)
{
	(void)s;
	static const pl_http_header two[] = {{"Host", "a"}, {"host", "b"}};
	static const pl_http_header bad[] = {{"Host", "a"}, {"X-Name", "\xFF"}};
	static const pl_http_header badname[] = {{"Host", "a"}, {"X-\xC3", "1"}};
	assert_int_equal(parse_with("GET", "HTTP/1.1", host, 1), 200);
	assert_int_equal(parse_with("HEAD", "HTTP/1.1", host, 1), 200);
	assert_int_equal(parse_with("POST", "HTTP/1.1", host, 1), 405);
	assert_int_equal(parse_with("DELETE", "HTTP/1.1", host, 1), 405);
	assert_int_equal(parse_with("get", "HTTP/1.1", host, 1), 405);
	assert_int_equal(parse_with("GET", "HTTP/1.1", NULL, 0), 400);  /* no Host */
	assert_int_equal(parse_with("GET", "HTTP/1.1", two, 2), 400);   /* two */
	assert_int_equal(parse_with("GET", "HTTP/1.0", NULL, 0), 200);  /* 1.0 needs none */
	assert_int_equal(parse_with("GET", "HTTP/1.0", two, 2), 400);   /* but not two */
	assert_int_equal(parse_with("GET", "HTTP/1.1", bad, 2), 400);
	assert_int_equal(parse_with("GET", "HTTP/1.1", badname, 2), 400);
}

/* ---- answers over a store ------------------------------------------ */

static int setup(void **s)
{
	(void)s;
	/* the visitor's name is Latin-1 bytes, not UTF-8 ("Jos\xE9") */
	const char *sql =
	    "INSERT OR IGNORE INTO country(code, name) VALUES('AAA','Aland'),('BBB','Bland');"
	    "INSERT INTO person(id, name, country) VALUES('jose', CAST(X'4A6F73E9' AS TEXT), 'AAA');"
	    "INSERT INTO visit(id, visitor, level, from_country, to_country, start_date, type, status) VALUES"
	    " ('v1','jose','ministerial','AAA','BBB','2001-03-04','official','confirmed');";
	return web_store_open("web-request", sql);
}

static void invalid_text_in_the_store_is_never_null(void **s)
{
	(void)s;
	pl_web_resp rs;
	get(&rs, "/visit/v1", NULL);
	assert_int_equal(rs.status, 200);
	assert_non_null(rs.body.data);
	assert_null(strstr(rs.body.data, "(null)"));
	assert_non_null(strstr(rs.body.data, "Aland to Bland, 2001-03-04"));
	pl_buf_free(&rs.body);
}

static void pairs_are_checked(void **s)
{
	(void)s;
	pl_web_resp rs;
	get(&rs, "/pair/AAA-BBB", NULL);
	assert_int_equal(rs.status, 200);
	pl_buf_free(&rs.body);
	get(&rs, "/pair/AAA-AAA", NULL);
	assert_int_equal(rs.status, 404);
	pl_buf_free(&rs.body);
	get(&rs, "/pair/AAA-%x%x", NULL);
	assert_int_equal(rs.status, 404);
	pl_buf_free(&rs.body);
}

/* A server error says only that it was one: the detail goes to the log. */
static void server_errors_hide_their_detail(void **s)
{
	(void)s;
	for (int api = 0; api < 2; api++) {
		pl_web_resp rs;
		pl_buf_init(&rs.body, 0);
		pl_web_req rq = {.path = api ? "/api/v1/visits" : "/visits", .root = "/"};
		pl_page pg = {.w = &web, .rq = &rq, .rs = &rs};
		pl_send_error(&pg, 500, NULL, "SELECT * FROM visit: no such table in /srv/parley/store.db");
		assert_int_equal(rs.status, 500);
		assert_non_null(rs.body.data);
		assert_null(strstr(rs.body.data, "SELECT"));
		assert_null(strstr(rs.body.data, "/srv/parley"));
		assert_non_null(strstr(rs.body.data, "internal error"));
		pl_buf_free(&rs.body);
	}
}

/* An error message cut short ends on a whole character, so it stays
 * valid text (a long Hanzi value once made it invalid, and the error
 * page empty). */
static void long_messages_end_on_a_character(void **s)
{
	(void)s;
	char v[3 * 400 + 1];
	for (int i = 0; i < 400; i++)
		memcpy(v + 3 * i, "\xE9\x87\x91", 3); /* 金 */
	v[3 * 400] = '\0';
	for (int shift = 0; shift < 3; shift++) {
		parley_err err = {0};
		parley_err_set(&err, PARLEY_EDATA, "%.*sparameter 'q': too long (got '%s')", shift, "xx", v);
		assert_true(pl_utf8_invalid_at(err.msg, strlen(err.msg)) < 0);
		assert_true(strlen(err.msg) + 4 >= sizeof err.msg - 1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(targets_are_decoded_once),
	    cmocka_unit_test(bad_bytes_are_400),
	    cmocka_unit_test(sizes_are_bounded),
	    cmocka_unit_test(methods_and_headers),
	    cmocka_unit_test(long_messages_end_on_a_character),
	    cmocka_unit_test_setup_teardown(invalid_text_in_the_store_is_never_null, setup, teardown),
	    cmocka_unit_test_setup_teardown(pairs_are_checked, setup, teardown),
	    cmocka_unit_test_setup_teardown(server_errors_hide_their_detail, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
