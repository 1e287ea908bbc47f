/* test_core_import_stream.c - imports that stream (issue 13): NDJSON in any
 * concept order and CSV with records over several lines give the same rows
 * as before, errors name the line of the whole file, and a JSON document
 * over its documented limit is refused with a message naming NDJSON,
 * leaving the store unchanged. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parley.h"
#include "internal.h"

static char dir[64];

static const char *path_of(const char *name)
{
	static char p[4][128];
	static int k;
	k = (k + 1) % 4;
	snprintf(p[k], sizeof p[k], "%s/%s", dir, name);
	return p[k];
}

static void write_file(const char *name, const char *text)
{
	FILE *f = fopen(path_of(name), "wb");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static parley_db *fresh(void)
{
	parley_db *db = NULL;
	unlink(path_of("s.db"));
	assert_int_equal(parley_open(path_of("s.db"), PARLEY_OPEN_CREATE, &db, NULL), PARLEY_OK);
	return db;
}

/* Imports name; the status; *line and *code of its first error. */
static int import1(parley_db *db, const char *name, long *line, const char **code, char *msg,
                   size_t cap)
{
	parley_report *rep = parley_report_new();
	const char *p[] = {path_of(name)};
	parley_err err = {0, ""};
	int rc = parley_import(db, p, 1, NULL, rep, NULL, &err);
	*line = -1;
	static char c[64];
	c[0] = '\0';
	for (size_t i = 0; i < parley_report_count(rep); i++) {
		const parley_finding *f = parley_report_get(rep, i);
		if (f->severity == PARLEY_ERROR) {
			*line = f->line;
			pl_strlcpy(c, f->code, sizeof c);
			break;
		}
	}
	*code = c;
	if (msg)
		pl_strlcpy(msg, err.msg, cap);
	parley_report_free(rep);
	return rc;
}

static const char *const countries =
    "{\"concept\":\"country\",\"code\":\"AAA\",\"name\":\"Aland\"}\n"
    "{\"concept\":\"country\",\"code\":\"BBB\",\"name\":\"Bland\"}\n";

static void ndjson_in_any_order(void **s)
{
	(void)s;
	parley_db *db = fresh();
	/* the visit before its visitor and countries; a line whose concept comes
	 * second in its keys (no fast path); CRLF; a BOM and a blank line */
	pl_buf b;
	pl_buf_init(&b, 1 << 20);
	pl_buf_puts(&b, "\xEF\xBB\xBF{\"concept\":\"visit\",\"id\":\"v1\",\"visitor\":\"p1\",\"from_country\":\"AAA\","
	                "\"to_country\":\"BBB\",\"start_date\":\"2001-02\",\"level\":\"deputy\",\"type\":\"official\",\"status\":\"confirmed\"}\r\n\n");
	pl_buf_puts(&b, "{\"id\":\"p1\",\"concept\":\"person\",\"name\":\"Per One\"}\n");
	pl_buf_puts(&b, countries);
	write_file("any.ndjson", b.data);
	pl_buf_free(&b);
	long line;
	const char *code;
	assert_int_equal(import1(db, "any.ndjson", &line, &code, NULL, 0), PARLEY_OK);
	assert_int_equal(parley_count(db, "visit", NULL), 1);
	assert_int_equal(parley_count(db, "person", NULL), 1);
	parley_close(db);
}

static void ndjson_errors_name_their_line(void **s)
{
	(void)s;
	parley_db *db = fresh();
	pl_buf b;
	pl_buf_init(&b, 1 << 20);
	pl_buf_puts(&b, countries);
	for (int i = 0; i < 3000; i++) /* more than one buffer's worth of lines before the error */
		pl_buf_printf(&b, "{\"concept\":\"person\",\"id\":\"p%d\",\"name\":\"Person %d with a longer name to fill the buffer some more\"}\n", i, i);
	pl_buf_puts(&b, "{\"concept\":\"person\",\"id\":\"bad\",\"name\":\"x\",\"colour\":\"red\"}\n");
	write_file("bad.ndjson", b.data);
	long line;
	const char *code;
	assert_int_equal(import1(db, "bad.ndjson", &line, &code, NULL, 0), PARLEY_EDATA);
	assert_int_equal(line, 3003);
	assert_string_equal(code, "unknown-field");
	assert_int_equal(parley_count(db, "person", NULL), 0); /* all or nothing */
	/* not JSON, and invalid UTF-8, on their lines */
	pl_buf_reset(&b);
	pl_buf_puts(&b, countries);
	pl_buf_puts(&b, "{\"concept\":\"person\",\"id\":\"p1\",\"name\":\"ok\"}\n{not json\n");
	write_file("bad2.ndjson", b.data);
	assert_int_equal(import1(db, "bad2.ndjson", &line, &code, NULL, 0), PARLEY_EDATA);
	assert_int_equal(line, 4);
	assert_string_equal(code, "bad-json");
	pl_buf_reset(&b);
	pl_buf_puts(&b, countries);
	pl_buf_puts(&b, "{\"concept\":\"person\",\"id\":\"p1\",\"name\":\"\xff\"}\n");
	write_file("bad3.ndjson", b.data);
	assert_int_equal(import1(db, "bad3.ndjson", &line, &code, NULL, 0), PARLEY_EDATA);
	assert_int_equal(line, 3);
	assert_string_equal(code, "bad-utf8");
	assert_int_equal(parley_count(db, "country", NULL), 0);
	pl_buf_free(&b);
	parley_close(db);
}

static void csv_records_over_lines(void **s)
{
	(void)s;
	parley_db *db = fresh();
	write_file("country.csv",
	           "code,name,iso2,cow_code,cow_abb,fips,cameo,start_date,end_date,note\r\n"
	           "AAA,Aland,,,,,,,,\"a note\r\nover two lines, with \"\"quotes\"\"\"\r\n"
	           "\r\n"
	           "BBB,Bland,,,,,,,,\n");
	long line;
	const char *code;
	assert_int_equal(import1(db, "country.csv", &line, &code, NULL, 0), PARLEY_OK);
	assert_int_equal(parley_count(db, "country", NULL), 2);
	parley_close(db);
	db = fresh();
	/* a short row after a multi-line record: the line of the whole file */
	write_file("country2.csv",
	           "code,name,iso2,cow_code,cow_abb,fips,cameo,start_date,end_date,note\n"
	           "AAA,Aland,,,,,,,,\"one\ntwo\nthree\"\n"
	           "BBB,Bland\n");
	assert_int_equal(import1(db, "country2.csv", &line, &code, NULL, 0), PARLEY_EDATA);
	assert_int_equal(line, 5);
	assert_string_equal(code, "field-count");
	/* a quoted field never closed */
	write_file("country3.csv",
	           "code,name,iso2,cow_code,cow_abb,fips,cameo,start_date,end_date,note\n"
	           "AAA,Aland,,,,,,,,\"one\ntwo\n");
	assert_int_equal(import1(db, "country3.csv", &line, &code, NULL, 0), PARLEY_EDATA);
	assert_string_equal(code, "bad-csv");
	assert_int_equal(parley_count(db, "country", NULL), 0);
	parley_close(db);
}

static void json_document_limit(void **s)
{
	(void)s;
	parley_db *db = fresh();
	/* a valid document, padded past the limit with spaces */
	FILE *f = fopen(path_of("big.json"), "wb");
	assert_non_null(f);
	fputs("{\"format\":\"parley\",\"version\":1,\"countries\":[{\"code\":\"AAA\",\"name\":\"Aland\"}]", f);
	static char pad[1 << 16];
	memset(pad, ' ', sizeof pad);
	for (size_t n = 0; n <= PL_JSON_DOC_MAX; n += sizeof pad)
		fwrite(pad, 1, sizeof pad, f);
	fputs("}\n", f);
	fclose(f);
	long line;
	const char *code;
	char msg[PARLEY_ERRMSG_MAX];
	assert_int_equal(import1(db, "big.json", &line, &code, msg, sizeof msg), PARLEY_ELIMIT);
	assert_non_null(strstr(msg, "big.json"));
	assert_non_null(strstr(msg, "NDJSON"));
	assert_int_equal(parley_count(db, "country", NULL), 0);
	unlink(path_of("big.json"));
	parley_close(db);
}

int main(void)
{
	snprintf(dir, sizeof dir, "/tmp/parley-test-stream-%ld", (long)getpid());
	char cmd[128];
	snprintf(cmd, sizeof cmd, "mkdir -p %s", dir);
	if (system(cmd) != 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(ndjson_in_any_order),
	    cmocka_unit_test(ndjson_errors_name_their_line),
	    cmocka_unit_test(csv_records_over_lines),
	    cmocka_unit_test(json_document_limit),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 1;
	return rc;
}
