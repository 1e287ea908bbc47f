/* test_web_csv_stream.c - the visit list's CSV written as it is read
 * (pl_visits_csv_write, the static site's whole-store files): the same
 * bytes as the server's answer for every filter and sort, chunk sizes from
 * one row up, past the body cap that stops the server's answer, through a
 * bounded buffer; a bad filter writes nothing and names its parameter; a
 * failing writer stops it.
 *
 * The store is hand-made and synthetic: countries AAA, BBB and CCC, three
 * people, 2,400 visits over 60 years whose dates repeat (ties go by id),
 * a fifth of them dated to the year, a fifth to the month, every status,
 * and summaries with commas, quotes and line breaks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/web/webq.h"
#include "test_web_store.h"

#define NVISITS 2400

static int setup(void **s)
{
	(void)s;
	const char *sql =
	    "INSERT OR IGNORE INTO country(code, name) VALUES('AAA','Aland'),('BBB','Bland'),('CCC','Cland');"
	    "INSERT INTO person(id, name, country) VALUES('ann','Ann','AAA'),('xav','Xav','AAA'),"
	    " ('ben','Ben','BBB');"
	    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2400)"
	    " INSERT INTO visit(id, visitor, level, from_country, to_country, start_date, type, status, summary)"
	    " SELECT printf('v%04d', i),"
	    "  CASE i % 3 WHEN 0 THEN 'ann' WHEN 1 THEN 'xav' ELSE 'ben' END,"
	    "  CASE i % 3 WHEN 0 THEN 'paramount_leader' ELSE 'ministerial' END,"
	    "  CASE i % 3 WHEN 2 THEN 'BBB' ELSE 'AAA' END,"
	    "  CASE i % 3 WHEN 0 THEN 'BBB' WHEN 1 THEN 'CCC' ELSE 'AAA' END,"
	    "  CASE i % 5 WHEN 0 THEN printf('%04d', 1950 + (i * 7) % 60)"
	    "   WHEN 1 THEN printf('%04d-%02d', 1950 + (i * 7) % 60, 1 + i % 12)"
	    "   ELSE printf('%04d-%02d-%02d', 1950 + (i * 7) % 60, 1 + i % 12, 1 + i % 28) END,"
	    "  CASE i % 4 WHEN 0 THEN 'state' WHEN 1 THEN 'official' ELSE 'working' END,"
	    "  CASE WHEN i % 23 = 0 THEN 'rejected' WHEN i % 17 = 0 THEN 'candidate'"
	    "   WHEN i % 10 = 0 THEN 'reported' ELSE 'confirmed' END,"
	    "  CASE WHEN i % 50 = 0 THEN 'Talks, \"round\" ' || i || char(10) || 'second line'"
	    "   WHEN i % 9 = 0 THEN 'A treaty signed, ' || i ELSE 'Talks ' || i END"
	    " FROM n;";
	return web_store_open("web-csv-stream", sql);
}

/* What pl_visits_csv_write handed over: every byte, how many writes and
 * the largest; fail_at: the write that fails (0: none). */
typedef struct sink {
	pl_buf out;
	size_t writes, largest, fail_at;
} sink;

static int sink_put(void *ctx, const char *data, size_t n)
{
	sink *k = ctx;
	k->writes++;
	if (n > k->largest)
		k->largest = n;
	if (k->fail_at && k->writes >= k->fail_at)
		return PARLEY_EIO;
	return pl_buf_append(&k->out, data, n);
}

static pl_web_req req(const char *path, const char *const *kv)
{
	pl_web_req rq = {.path = path, .root = "/"};
	for (size_t i = 0; kv && kv[i]; i += 2) {
		rq.params[rq.nparams].key = kv[i];
		rq.params[rq.nparams].value = kv[i + 1];
		rq.nparams++;
	}
	return rq;
}

/* Streams path?kv in chunks of chunk rows into k; the status. */
static int stream(const char *path, const char *const *kv, long chunk, sink *k, int *rc,
                  parley_err *err)
{
	pl_web_req rq = req(path, kv);
	int status = -1;
	pl_buf_init(&k->out, 0);
	*rc = pl_visits_csv_write(&web, &rq, chunk, sink_put, k, &status, err);
	return status;
}

/* The streamed CSV of path?kv is the server's body byte for byte, for
 * chunks of a few rows, many and the site's own; the lines it holds. */
static size_t same_as_server(const char *path, const char *const *kv)
{
	pl_web_resp rs;
	web.body_max = 0;
	get(&rs, path, kv);
	if (rs.status != 200)
		fail_msg("%s (%s=%s): the server answers %d: %s", path, kv ? kv[0] : "", kv ? kv[1] : "",
		         rs.status, rs.body.data);
	static const long chunks[] = {3, 7, 1000, PL_CSV_CHUNK};
	for (size_t c = 0; c < PL_ARRAY_LEN(chunks); c++) {
		sink k = {0};
		int rc;
		parley_err e = {0};
		int status = stream(path, kv, chunks[c], &k, &rc, &e);
		if (status != 200 || rc != PARLEY_OK)
			fail_msg("%s (%s=%s) in chunks of %ld: status %d, %s", path, kv ? kv[0] : "",
			         kv ? kv[1] : "", chunks[c], status, e.msg);
		if (k.out.len != rs.body.len || memcmp(k.out.data, rs.body.data, rs.body.len) != 0)
			fail_msg("%s (%s=%s) in chunks of %ld: %zu bytes streamed, the server answers %zu", path,
			         kv ? kv[0] : "", kv ? kv[1] : "", chunks[c], k.out.len, rs.body.len);
		pl_buf_free(&k.out);
	}
	size_t lines = 0;
	for (size_t i = 0; i + 1 < rs.body.len; i++)
		lines += rs.body.data[i] == '\r' && rs.body.data[i + 1] == '\n';
	pl_buf_free(&rs.body);
	return lines;
}

static void every_filter_and_sort_gives_the_servers_bytes(void **s)
{
	(void)s;
	/* the whole list: confirmed and reported visits, a header line more */
	long shown = 0;
	for (int i = 1; i <= NVISITS; i++)
		shown += !(i % 23 == 0) && !(i % 17 == 0);
	assert_int_equal(same_as_server("/api/v1/visits.csv", NULL), (size_t)shown + 1);
	assert_int_equal(same_as_server("/visits.csv", NULL), (size_t)shown + 1);
	const char *all[] = {"status", "all", NULL};
	assert_int_equal(same_as_server("/api/v1/visits.csv", all), NVISITS + 1);
	/* each sort: the date sorts go on by key, level and visitor by offset */
	const char *sorts[] = {"-date", "level", "visitor"};
	for (size_t i = 0; i < PL_ARRAY_LEN(sorts); i++) {
		const char *kv[] = {"sort", sorts[i], "status", "all", NULL};
		assert_int_equal(same_as_server("/api/v1/visits.csv", kv), NVISITS + 1);
	}
	/* filters, a search, a cursor of the request's own, and an empty list */
	const char *between[] = {"between", "AAA:BBB", NULL};
	assert_true(same_as_server("/visits.csv", between) > 1000);
	const char *dir[] = {"direction", "AAA:CCC", "sort", "-date", NULL};
	assert_true(same_as_server("/visits.csv", dir) > 500);
	const char *years[] = {"from", "1960", "to", "1969", NULL};
	assert_true(same_as_server("/visits.csv", years) > 300);
	const char *text[] = {"q", "treaty", NULL};
	assert_true(same_as_server("/api/v1/visits.csv", text) > 200);
	const char *after[] = {"after", "v0100", NULL};
	assert_true(same_as_server("/api/v1/visits.csv", after) > 100);
	const char *host[] = {"visitor", "ann", "level", "paramount_leader", NULL};
	assert_true(same_as_server("/api/v1/visits.csv", host) > 500);
	const char *none[] = {"year", "1700", NULL};
	assert_int_equal(same_as_server("/api/v1/visits.csv", none), 1);
}

static void a_list_past_the_body_cap_is_written_whole(void **s)
{
	(void)s;
	pl_web_resp rs;
	web.body_max = 0;
	const char *all[] = {"status", "all", NULL};
	get(&rs, "/api/v1/visits.csv", all);
	assert_int_equal(rs.status, 200);
	/* a cap an eighth of the list: the server's answer fails */
	web.body_max = rs.body.len / 8;
	pl_web_resp capped;
	get(&capped, "/api/v1/visits.csv", all);
	assert_int_equal(capped.status, 500);
	pl_buf_free(&capped.body);
	/* the stream under the same cap writes every byte, through a buffer
	 * of about PL_CSV_FLUSH (no row here is near 2 KiB) */
	sink k = {0};
	int rc;
	parley_err e = {0};
	assert_int_equal(stream("/api/v1/visits.csv", all, PL_CSV_CHUNK, &k, &rc, &e), 200);
	assert_int_equal(rc, PARLEY_OK);
	assert_true(rs.body.len > 2 * PL_CSV_FLUSH);
	assert_int_equal(k.out.len, rs.body.len);
	assert_memory_equal(k.out.data, rs.body.data, rs.body.len);
	assert_true(k.writes >= rs.body.len / (PL_CSV_FLUSH + 2048));
	assert_true(k.largest < PL_CSV_FLUSH + 2048);
	pl_buf_free(&k.out);
	pl_buf_free(&rs.body);
	web.body_max = 0;
}

/* A bad filter: 400, err names the parameter, and nothing is written. */
static void refused(const char *key, const char *value, const char *named)
{
	const char *kv[] = {key, value, NULL};
	sink k = {0};
	int rc;
	parley_err e = {0};
	assert_int_equal(stream("/api/v1/visits.csv", kv, PL_CSV_CHUNK, &k, &rc, &e), 400);
	assert_int_equal(rc, PARLEY_EDATA);
	assert_int_equal(k.writes, 0);
	if (!strstr(e.msg, named))
		fail_msg("%s=%s: the error '%s' does not name '%s'", key, value, e.msg, named);
	pl_buf_free(&k.out);
	/* and the server refuses it too */
	pl_web_resp rs;
	get(&rs, "/api/v1/visits.csv", kv);
	assert_int_equal(rs.status, 400);
	pl_buf_free(&rs.body);
}

static void a_bad_filter_writes_nothing(void **s)
{
	(void)s;
	refused("bogus", "1", "parameter 'bogus'");
	refused("person", "nobody", "parameter 'person'");
	refused("after", "no-such-visit", "parameter 'after'");
	refused("sort", "sideways", "parameter 'sort'");
	refused("from", "1960-13-01", "parameter 'from'");
}

static void a_failing_writer_stops_it(void **s)
{
	(void)s;
	const char *all[] = {"status", "all", NULL};
	sink k = {.fail_at = 2};
	int rc;
	parley_err e = {0};
	int status = stream("/api/v1/visits.csv", all, PL_CSV_CHUNK, &k, &rc, &e);
	assert_int_equal(rc, PARLEY_EIO);
	assert_int_equal(status, 500);
	assert_int_equal(k.writes, 2);
	pl_buf_free(&k.out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_filter_and_sort_gives_the_servers_bytes),
	    cmocka_unit_test(a_list_past_the_body_cap_is_written_whole),
	    cmocka_unit_test(a_bad_filter_writes_nothing),
	    cmocka_unit_test(a_failing_writer_stops_it),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
