/* test_core_import_stream.c - imports that stream (issue 13).  NDJSON in any
 * concept order and CSV with records over several lines import as before;
 * a file larger than the reader's first buffer streams through it with
 * errors naming the line of the whole file; a line over the documented
 * limit, a failure on the last line and a JSON document over its limit are
 * errors that leave the store exactly as it was (its export unchanged). */
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
#include "test_tmpdir.h"

/* Imports name; returns the status, with the line, code and field of the
 * first error (line -1 when none) and the error message. */
typedef struct outcome {
	int rc;
	long line;
	char code[64], field[64], file[256], msg[PARLEY_ERRMSG_MAX];
} outcome;

static outcome import1(parley_db *db, const char *name)
{
	outcome o = {0, -1, "", "", "", ""};
	parley_report *rep = parley_report_new();
	const char *p[] = {path_of(name)};
	parley_err err = {0, ""};
	o.rc = parley_import(db, p, 1, NULL, rep, NULL, &err);
	for (size_t i = 0; i < parley_report_count(rep); i++) {
		const parley_finding *f = parley_report_get(rep, i);
		if (f->severity == PARLEY_ERROR) {
			o.line = f->line;
			pl_strlcpy(o.code, f->code ? f->code : "", sizeof o.code);
			pl_strlcpy(o.field, f->field ? f->field : "", sizeof o.field);
			pl_strlcpy(o.file, f->file ? f->file : "", sizeof o.file);
			break;
		}
	}
	pl_strlcpy(o.msg, err.msg, sizeof o.msg);
	parley_report_free(rep);
	return o;
}

/* The whole store as NDJSON (malloc'd; the caller frees it). */
static char *export_all(parley_db *db)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	assert_int_equal(parley_export(db, "ndjson", NULL, f, NULL), PARLEY_OK);
	fclose(f);
	return text;
}

static const char *const countries =
    "{\"concept\":\"country\",\"code\":\"AAA\",\"name\":\"Aland\"}\n"
    "{\"concept\":\"country\",\"code\":\"BBB\",\"name\":\"Bland\"}\n";

static void ndjson_in_any_order(void **s)
{
	(void)s;
	parley_db *db = fresh_store();
	/* the visit and its source link before the visitor, the source and the
	 * countries; a line whose concept comes second among its keys (read by
	 * parsing, not by the quick look); CRLF; a BOM and a blank line */
	write_file("any.ndjson",
	           "\xEF\xBB\xBF{\"concept\":\"visit_source\",\"visit\":\"v1\",\"source\":\"s1\"}\n"
	           "{\"concept\":\"visit\",\"id\":\"v1\",\"visitor\":\"p1\",\"from_country\":\"AAA\","
	           "\"to_country\":\"BBB\",\"start_date\":\"2001-02\",\"level\":\"deputy\","
	           "\"type\":\"official\",\"status\":\"confirmed\"}\r\n\n"
	           "{\"concept\":\"source\",\"id\":\"s1\",\"citation\":\"A book, p. 1\"}\n"
	           "{\"id\":\"p1\",\"concept\":\"person\",\"name\":\"Per One\"}\n"
	           "{\"concept\":\"country\",\"code\":\"AAA\",\"name\":\"Aland\"}\n"
	           "{\"concept\":\"country\",\"code\":\"BBB\",\"name\":\"Bland\"}\n");
	outcome o = import1(db, "any.ndjson");
	assert_int_equal(o.rc, PARLEY_OK);
	assert_int_equal(parley_count(db, "visit", NULL), 1);
	assert_int_equal(parley_count(db, "person", NULL), 1);
	assert_int_equal(parley_count(db, "visit_source", NULL), 1);
	/* a duplicate key names both lines, however far apart (another pass) */
	write_file("dup.ndjson",
	           "{\"concept\":\"person\",\"id\":\"p2\",\"name\":\"Two\"}\n"
	           "{\"concept\":\"country\",\"code\":\"CCC\",\"name\":\"Cland\"}\n"
	           "{\"concept\":\"person\",\"id\":\"p2\",\"name\":\"Two again\"}\n");
	o = import1(db, "dup.ndjson");
	assert_int_equal(o.rc, PARLEY_EDATA);
	assert_int_equal(o.line, 3);
	assert_string_equal(o.code, "duplicate-key");
	parley_report *rep = parley_report_new();
	const char *p[] = {path_of("dup.ndjson")};
	parley_import(db, p, 1, NULL, rep, NULL, NULL);
	int named = 0;
	for (size_t i = 0; i < parley_report_count(rep); i++)
		named |= strstr(parley_report_get(rep, i)->message, "dup.ndjson line 1") != NULL;
	parley_report_free(rep);
	assert_true(named);
	assert_int_equal(parley_count(db, "country", NULL), 2); /* CCC not added */
	parley_close(db);
}

/* More than one buffer's worth (the reader starts with 1 MiB) of good
 * lines, then a bad one: every good line streamed, the bad one named by
 * its line in the whole file. */
static void ndjson_bigger_than_the_buffer(void **s)
{
	(void)s;
	parley_db *db = fresh_store();
	pl_buf b;
	pl_buf_init(&b, 64 << 20);
	pl_buf_adds(&b, countries);
	int n = 30000;
	for (int i = 0; i < n; i++)
		pl_buf_addf(&b, "{\"concept\":\"person\",\"id\":\"p%d\",\"name\":\"Person %d, a name "
		                  "long enough to fill the buffer sooner\",\"country\":\"AAA\"}\n",
		              i, i);
	assert_true(b.len > (size_t)2 << 20);
	assert_int_equal(pl_buf_failed(&b), PARLEY_OK);
	write_file("big.ndjson", b.data);
	outcome o = import1(db, "big.ndjson");
	assert_int_equal(o.rc, PARLEY_OK);
	assert_int_equal(parley_count(db, "person", NULL), n);
	parley_close(db);

	db = fresh_store();
	pl_buf_adds(&b, "{\"concept\":\"person\",\"id\":\"bad\",\"name\":\"x\",\"colour\":\"red\"}\n");
	assert_int_equal(pl_buf_failed(&b), PARLEY_OK);
	write_file("bad.ndjson", b.data);
	o = import1(db, "bad.ndjson");
	assert_int_equal(o.rc, PARLEY_EDATA);
	assert_int_equal(o.line, n + 3);
	assert_string_equal(o.code, "unknown-field");
	assert_int_equal(parley_count(db, "person", NULL), 0); /* all or nothing */
	/* invalid UTF-8 and a NUL deep in the file: line and field named */
	pl_buf_reset(&b);
	pl_buf_adds(&b, countries);
	for (int i = 0; i < n; i++)
		pl_buf_addf(&b, "{\"concept\":\"person\",\"id\":\"p%d\",\"name\":\"Person %d\"}\n", i, i);
	pl_buf_adds(&b, "{\"concept\":\"person\",\"id\":\"q\",\"name\":\"bad \xff byte\"}\n");
	assert_int_equal(pl_buf_failed(&b), PARLEY_OK);
	write_file("bad2.ndjson", b.data);
	o = import1(db, "bad2.ndjson");
	assert_int_equal(o.rc, PARLEY_EDATA);
	assert_int_equal(o.line, n + 3);
	assert_string_equal(o.code, "bad-utf8");
	assert_string_equal(o.field, "name");
	assert_int_equal(parley_count(db, "country", NULL), 0);
	pl_buf_free(&b);
	parley_close(db);
}

/* Each concept's pass reads from its first line to its last (the first
 * pass notes them): with the countries at the end of a file larger than
 * the reader's buffer and the people before them, every row is put, and a
 * finding after a pass began mid-file names its line and the first line of
 * the key, as in a pass over the whole file. */
static void ndjson_passes_start_at_their_concept(void **s)
{
	(void)s;
	parley_db *db = fresh_store();
	pl_buf b;
	pl_buf_init(&b, 64 << 20);
	int n = 30000;
	for (int i = 0; i < n; i++)
		pl_buf_addf(&b, "{\"concept\":\"person\",\"id\":\"p%d\",\"name\":\"Person %d, a name "
		                  "long enough to fill the buffer sooner\",\"country\":\"AAA\"}\n",
		              i, i);
	assert_true(b.len > (size_t)2 << 20);
	pl_buf_adds(&b, "{\"concept\":\"visit\",\"id\":\"v1\",\"visitor\":\"p7\",\"from_country\":"
	                "\"AAA\",\"to_country\":\"BBB\",\"start_date\":\"2001-02\",\"level\":\"deputy\","
	                "\"type\":\"official\",\"status\":\"candidate\"}\n");
	pl_buf_adds(&b, countries);
	assert_int_equal(pl_buf_failed(&b), PARLEY_OK);
	write_file("late.ndjson", b.data);
	outcome o = import1(db, "late.ndjson");
	assert_int_equal(o.rc, PARLEY_OK);
	assert_int_equal(parley_count(db, "person", NULL), n);
	assert_int_equal(parley_count(db, "visit", NULL), 1);
	assert_int_equal(parley_count(db, "country", NULL), 2);
	parley_close(db);

	/* the same with p5 (line 6) again after the countries: the people's
	 * pass ends at that line, which is named with the first */
	db = fresh_store();
	pl_buf_adds(&b, "{\"concept\":\"person\",\"id\":\"p5\",\"name\":\"Five again\"}\n");
	assert_int_equal(pl_buf_failed(&b), PARLEY_OK);
	write_file("late2.ndjson", b.data);
	o = import1(db, "late2.ndjson");
	assert_int_equal(o.rc, PARLEY_EDATA);
	assert_int_equal(o.line, n + 4);
	assert_string_equal(o.code, "duplicate-key");
	parley_report *rep = parley_report_new();
	const char *p[] = {path_of("late2.ndjson")};
	parley_import(db, p, 1, NULL, rep, NULL, NULL);
	int named = 0;
	for (size_t i = 0; i < parley_report_count(rep); i++)
		named |= strstr(parley_report_get(rep, i)->message, "late2.ndjson line 6") != NULL;
	parley_report_free(rep);
	assert_true(named);
	assert_int_equal(parley_count(db, "person", NULL), 0); /* all or nothing */
	pl_buf_free(&b);
	parley_close(db);
}

/* A line over PL_RECORD_MAX: an error naming the file and the line,
 * and the store unchanged; the same for a CSV record. */
static void line_over_the_limit(void **s)
{
	(void)s;
	parley_db *db = fresh_store();
	write_file("ok.ndjson", countries);
	assert_int_equal(import1(db, "ok.ndjson").rc, PARLEY_OK);
	char *before = export_all(db);
	FILE *f = fopen(path_of("long.ndjson"), "wb");
	assert_non_null(f);
	fputs("{\"concept\":\"country\",\"code\":\"CCC\",\"name\":\"Cland\"}\n", f);
	fputs("{\"concept\":\"person\",\"id\":\"p1\",\"name\":\"Per One\"}\n", f);
	fputs("{\"concept\":\"person\",\"id\":\"p2\",\"name\":\"", f);
	static char pad[1 << 16];
	memset(pad, 'a', sizeof pad);
	for (size_t k = 0; k <= PL_RECORD_MAX; k += sizeof pad)
		fwrite(pad, 1, sizeof pad, f);
	fputs("\"}\n{\"concept\":\"person\",\"id\":\"p3\",\"name\":\"Three\"}\n", f);
	fclose(f);
	outcome o = import1(db, "long.ndjson");
	assert_int_not_equal(o.rc, PARLEY_OK);
	assert_int_equal(o.line, 3);
	assert_string_equal(o.code, "record-too-long");
	assert_non_null(strstr(o.file, "long.ndjson"));
	char *after = export_all(db);
	assert_string_equal(before, after);
	free(after);
	unlink(path_of("long.ndjson"));

	f = fopen(path_of("long.csv"), "wb");
	assert_non_null(f);
	fputs("code,name,iso2,cow_code,cow_abb,fips,cameo,start_date,end_date,note\n"
	      "CCC,Cland,,,,,,,,\n"
	      "DDD,Dland,,,,,,,,\"",
	      f);
	for (size_t k = 0; k <= PL_RECORD_MAX; k += sizeof pad)
		fwrite(pad, 1, sizeof pad, f);
	fputs("\"\n", f);
	fclose(f);
	o = import1(db, "long.csv");
	assert_int_not_equal(o.rc, PARLEY_OK);
	assert_int_equal(o.line, 3);
	assert_string_equal(o.code, "record-too-long");
	after = export_all(db);
	assert_string_equal(before, after);
	free(after);
	unlink(path_of("long.csv"));
	free(before);
	parley_close(db);
}

/* A failure on the very last line, after thousands of good rows of every
 * kind: the store (records and audit) is exactly as before. */
static void failure_at_the_last_line(void **s)
{
	(void)s;
	parley_db *db = fresh_store();
	write_file("ok.ndjson", countries);
	assert_int_equal(import1(db, "ok.ndjson").rc, PARLEY_OK);
	char *before = export_all(db);
	long audit_before = parley_count(db, "audit", NULL);
	pl_buf b;
	pl_buf_init(&b, 64 << 20);
	pl_buf_adds(&b, "{\"concept\":\"source\",\"id\":\"s1\",\"citation\":\"A book\"}\n");
	for (int i = 0; i < 5000; i++) {
		pl_buf_addf(&b, "{\"concept\":\"person\",\"id\":\"p%d\",\"name\":\"Person %d\"}\n", i, i);
		pl_buf_addf(&b,
		              "{\"concept\":\"visit\",\"id\":\"v%d\",\"visitor\":\"p%d\",\"from_country\":"
		              "\"AAA\",\"to_country\":\"BBB\",\"start_date\":\"2001-02-%02d\",\"level\":"
		              "\"deputy\",\"type\":\"official\",\"status\":\"confirmed\"}\n",
		              i, i, i % 28 + 1);
		pl_buf_addf(&b, "{\"concept\":\"visit_source\",\"visit\":\"v%d\",\"source\":\"s1\"}\n", i);
	}
	/* the last line: a visit in a month that has no 30th day */
	pl_buf_adds(&b, "{\"concept\":\"visit\",\"id\":\"vlast\",\"level\":\"deputy\",\"from_country\":"
	                "\"AAA\",\"to_country\":\"BBB\",\"start_date\":\"2001-02-30\",\"type\":"
	                "\"official\",\"status\":\"candidate\"}");
	assert_int_equal(pl_buf_failed(&b), PARLEY_OK);
	write_file("last.ndjson", b.data);
	outcome o = import1(db, "last.ndjson");
	assert_int_equal(o.rc, PARLEY_EDATA);
	assert_int_equal(o.line, 15002);
	assert_string_equal(o.code, "bad-date");
	char *after = export_all(db);
	assert_string_equal(before, after);
	assert_int_equal(parley_count(db, "audit", NULL), audit_before);
	assert_int_equal(parley_count(db, "visit", NULL), 0);
	/* the same file without its last line imports whole */
	char *nl = strrchr(b.data, '\n');
	nl[1] = '\0';
	assert_int_equal(pl_buf_failed(&b), PARLEY_OK);
	write_file("good.ndjson", b.data);
	assert_int_equal(import1(db, "good.ndjson").rc, PARLEY_OK);
	assert_int_equal(parley_count(db, "visit", NULL), 5000);
	free(after);
	free(before);
	pl_buf_free(&b);
	parley_close(db);
}

static void csv_records_over_lines(void **s)
{
	(void)s;
	parley_db *db = fresh_store();
	/* quoted line breaks (CRLF, LF and a bare CR inside quotes), doubled
	 * quotes, a blank line, CRLF and bare CR line ends, after enough records
	 * that a multi-line one straddles the reader's first buffer */
	pl_buf b;
	pl_buf_init(&b, 64 << 20);
	pl_buf_adds(&b, "code,name,iso2,cow_code,cow_abb,fips,cameo,start_date,end_date,note\r\n");
	int n = 0;
	while (b.len < ((size_t)1 << 20) - 40)
		pl_buf_addf(&b, "C%05d,Country %d,,,,,,,,\n", n, n), n++;
	pl_buf_adds(&b, "AAA,Aland,,,,,,,,\"a note\r\nover lines,\nwith \"\"quotes\"\"\rend\"\r\n"
	                "\r\n"
	                "BBB,Bland,,,,,,,,\rCCC,Cland,,,,,,,,");
	assert_int_equal(pl_buf_failed(&b), PARLEY_OK);
	write_file("country.csv", b.data);
	outcome o = import1(db, "country.csv");
	assert_int_equal(o.rc, PARLEY_OK);
	assert_int_equal(parley_count(db, "country", NULL), n + 3);
	char *all = export_all(db);
	assert_non_null(strstr(all, "\"note\":\"a note\\r\\nover lines,\\nwith \\\"quotes\\\"\\rend\""));
	free(all);
	parley_close(db);

	db = fresh_store();
	/* a short row after a multi-line record: the line of the whole file */
	write_file("country2.csv",
	           "code,name,iso2,cow_code,cow_abb,fips,cameo,start_date,end_date,note\n"
	           "AAA,Aland,,,,,,,,\"one\ntwo\nthree\"\n"
	           "BBB,Bland\n");
	o = import1(db, "country2.csv");
	assert_int_equal(o.rc, PARLEY_EDATA);
	assert_int_equal(o.line, 5);
	assert_string_equal(o.code, "field-count");
	/* a quoted field never closed */
	write_file("country3.csv",
	           "code,name,iso2,cow_code,cow_abb,fips,cameo,start_date,end_date,note\n"
	           "AAA,Aland,,,,,,,,\n"
	           "BBB,Bland,,,,,,,,\"one\ntwo\n");
	o = import1(db, "country3.csv");
	assert_int_equal(o.rc, PARLEY_EDATA);
	assert_int_equal(o.line, 3);
	assert_string_equal(o.code, "bad-csv");
	/* a NUL byte names its field */
	FILE *f = fopen(path_of("country4.csv"), "wb");
	assert_non_null(f);
	fputs("code,name,iso2,cow_code,cow_abb,fips,cameo,start_date,end_date,note\nAAA,Al", f);
	fputc('\0', f);
	fputs("and,,,,,,,,\n", f);
	fclose(f);
	o = import1(db, "country4.csv");
	assert_int_equal(o.rc, PARLEY_EDATA);
	assert_int_equal(o.line, 2);
	assert_string_equal(o.code, "nul-byte");
	assert_string_equal(o.field, "name");
	assert_int_equal(parley_count(db, "country", NULL), 0);
	pl_buf_free(&b);
	parley_close(db);
}

static void json_document_limit(void **s)
{
	(void)s;
	parley_db *db = fresh_store();
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
	outcome o = import1(db, "big.json");
	assert_int_equal(o.rc, PARLEY_ELIMIT);
	assert_non_null(strstr(o.msg, "big.json"));
	assert_non_null(strstr(o.msg, "NDJSON"));
	assert_int_equal(parley_count(db, "country", NULL), 0);
	unlink(path_of("big.json"));
	parley_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(ndjson_in_any_order),
	    cmocka_unit_test(ndjson_bigger_than_the_buffer),
	    cmocka_unit_test(ndjson_passes_start_at_their_concept),
	    cmocka_unit_test(line_over_the_limit),
	    cmocka_unit_test(failure_at_the_last_line),
	    cmocka_unit_test(csv_records_over_lines),
	    cmocka_unit_test(json_document_limit),
	};
	return RUN_IN_TMPDIR("stream", tests);
}
