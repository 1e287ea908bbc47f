/* test_gdelt_scan.c - the GDELT scan on the real sample files in
 * tests/real/data/gdelt (PARLEY_GDELT_DATA overrides): counts checked
 * against the README's GBR/USA figures and against gawk run by the test
 * itself on the same files ($PARLEY_SHARED/data/gdelt), both layouts, mixed 57/58 input, zip and gzip,
 * threads, and truncated and malformed lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/gdelt/gdelt.h"

static const char *data_dir(void)
{
	static char buf[512];
	const char *d = getenv("PARLEY_GDELT_DATA");
	if (d)
		return d;
	d = getenv("PARLEY_SHARED"); /* set by tests/meson.build */
	if (!d)
		return PARLEY_TEST_SOURCE_DIR "/tests/real/data/gdelt";
	snprintf(buf, sizeof buf, "%s/data/gdelt", d);
	return buf;
}

static char *data_path(const char *name)
{
	static char buf[8][1024];
	static int k;
	k = (k + 1) % 8;
	snprintf(buf[k], sizeof buf[k], "%s/%s", data_dir(), name);
	return buf[k];
}

#define F2018 "20180326044500.export.CSV"
#define F2019 "20190121220000.export.CSV"
#define F2019Z "20190121220000.export.CSV.zip"
#define F2019B "20191024143000.export.CSV"
#define FMIX "gdelt1_sample_events_mixed_57_58.tsv"

/* Runs the count and renders it as "month code n" lines. */
static char *count_text(const char *const *paths, size_t n, const char *a, const char *b,
                        const char *codes, int threads, parley_gdelt_stats *st, parley_report *rep)
{
	parley_gdelt_query q = {.country_a = a, .country_b = b, .codes = codes, .threads = threads};
	parley_gdelt_counts *c = NULL;
	parley_err err;
	parley_err_clear(&err);
	int rc = parley_gdelt_count(paths, n, &q, "month,eventcode", rep, st, &c, &err);
	if (rc)
		fprintf(stderr, "count failed: %s\n", err.msg);
	assert_int_equal(rc, PARLEY_OK);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_int_equal(parley_gdelt_counts_print(c, "table", f, &err), PARLEY_OK);
	fclose(f);
	parley_gdelt_counts_free(c);
	return buf;
}

/* The independent computation: gawk over the same files, sorted. */
static char *awk_text(const char *const *paths, size_t n, const char *a, const char *b)
{
	char cmd[4096];
	int k = snprintf(cmd, sizeof cmd,
	                 "gawk -F'\\t' '(($8==\"%s\"&&$18==\"%s\")||($8==\"%s\"&&$18==\"%s\")) && "
	                 "($27==\"036\"||$27==\"040\"||$27==\"041\"||$27==\"042\"||$27==\"043\"||"
	                 "$27==\"044\"||$27==\"045\"||$27==\"046\") {c[$3\" \"$27]++} "
	                 "END{for(x in c) print x, c[x]}'",
	                 a, b, b, a);
	for (size_t i = 0; i < n; i++)
		k += snprintf(cmd + k, sizeof cmd - (size_t)k, " '%s'", paths[i]);
	snprintf(cmd + k, sizeof cmd - (size_t)k, " | LC_ALL=C sort");
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	char *buf = calloc(1, 65536);
	size_t got = fread(buf, 1, 65535, p);
	buf[got] = '\0';
	assert_int_equal(pclose(p), 0);
	return buf;
}

static void test_readme_gbr_usa(void **state)
{
	(void)state;
	const char *paths[] = {data_path(F2018), data_path(F2019), data_path(F2019B)};
	parley_gdelt_stats st;
	char *t = count_text(paths, 3, "GBR", "USA", NULL, 0, &st, NULL);
	/* The figures stated in the data README. */
	assert_string_equal(t, "201901 042 3\n201901 043 5\n201910 042 1\n201910 043 1\n201910 046 8\n");
	assert_int_equal(st.rows61, 1540 + 1629 + 2111);
	assert_int_equal(st.rows57 + st.rows58, 0);
	assert_int_equal(st.malformed, 0);
	assert_int_equal(st.matched, 18);
	free(t);
	/* Either order gives the same rows. */
	t = count_text(paths, 3, "USA", "GBR", NULL, 0, NULL, NULL);
	assert_string_equal(t, "201901 042 3\n201901 043 5\n201910 042 1\n201910 043 1\n201910 046 8\n");
	free(t);
}

static void test_against_awk(void **state)
{
	(void)state;
	const char *paths[] = {data_path(F2018), data_path(F2019), data_path(F2019B), data_path(FMIX)};
	static const char *pairs[][2] = {{"USA", "GBR"}, {"USA", "CHN"}, {"USA", "RUS"},
	                                 {"CHN", "PRK"}, {"USA", "ISR"}, {"GBR", "FRA"},
	                                 {"USA", "USA"}, {"IND", "PAK"}};
	int nonempty = 0;
	for (size_t i = 0; i < PL_ARRAY_LEN(pairs); i++) {
		for (int threads = 1; threads <= 3; threads += 2) {
			char *t = count_text(paths, 4, pairs[i][0], pairs[i][1], NULL, threads, NULL, NULL);
			char *w = awk_text(paths, 4, pairs[i][0], pairs[i][1]);
			if (strcmp(t, w) != 0)
				fprintf(stderr, "%s:%s\nparley:\n%sgawk:\n%s", pairs[i][0], pairs[i][1], t, w);
			assert_string_equal(t, w);
			nonempty += t[0] != '\0';
			free(t);
			free(w);
		}
	}
	assert_true(nonempty >= 8); /* the comparison is not all empty results */
	/* CHN-PRK has no rows in these files (README). */
	char *t = count_text(paths, 4, "CHN", "PRK", NULL, 0, NULL, NULL);
	assert_string_equal(t, "");
	free(t);
}

static void test_mixed_layouts(void **state)
{
	(void)state;
	const char *paths[] = {data_path(FMIX)};
	parley_gdelt_stats st;
	/* 1.0 rows dated 2016-07 between USA and CHN: computed with gawk, see
	 * test_against_awk for the general comparison. */
	char *t = count_text(paths, 1, "CHN", "USA", NULL, 0, &st, NULL);
	char *w = awk_text(paths, 1, "CHN", "USA");
	assert_string_equal(t, w);
	assert_string_equal(t, "201607 043 1\n");
	free(t);
	free(w);
	assert_int_equal(st.rows57, 201);
	assert_int_equal(st.rows58, 509);
	assert_int_equal(st.rows61, 0);
	assert_int_equal(st.malformed, 0);
	/* All codes 01-20 for a busier comparison over the mixed file. */
	t = count_text(paths, 1, "USA", "USA", "010-020,030-046,050-057", 0, NULL, NULL);
	assert_true(strlen(t) > 0);
	free(t);
}

static void test_zip_and_gzip(void **state)
{
	(void)state;
	const char *plain[] = {data_path(F2019)}, *zip[] = {data_path(F2019Z)};
	parley_gdelt_stats st;
	char *a = count_text(plain, 1, "USA", "GBR", NULL, 0, NULL, NULL);
	char *b = count_text(zip, 1, "USA", "GBR", NULL, 0, &st, NULL);
	assert_string_equal(a, b);
	assert_string_equal(b, "201901 042 3\n201901 043 5\n");
	assert_int_equal(st.rows61, 1629);
	free(b);
	char gz[] = "/tmp/test_gdelt_XXXXXX";
	int fd = mkstemp(gz);
	assert_true(fd >= 0);
	close(fd);
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "gzip -c '%s' > '%s'", data_path(F2019), gz);
	assert_int_equal(system(cmd), 0);
	const char *gzp[] = {gz};
	b = count_text(gzp, 1, "USA", "GBR", NULL, 0, &st, NULL);
	assert_string_equal(a, b);
	assert_int_equal(st.rows61, 1629);
	free(a);
	free(b);
	unlink(gz);
}

/* Appends src to the string dst of capacity cap (the tests' strcat). */
static void append(char *dst, size_t cap, const char *src, size_t n)
{
	size_t len = strlen(dst);
	assert_true(len + n < cap);
	memcpy(dst + len, src, n);
	dst[len + n] = '\0';
}

static void write_text(const char *path, const char *text, size_t n)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, n, f), n);
	fclose(f);
}

/* Reads lines [from, to) (1-based) of a file into one string. */
static char *lines_of(const char *path, int from, int to)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	size_t cap = 1 << 20;
	char *out = calloc(1, cap), line[4096];
	int k = 0;
	while (fgets(line, sizeof line, f)) {
		k++;
		if (k >= from && k < to)
			append(out, cap, line, strlen(line));
	}
	fclose(f);
	return out;
}

static void test_malformed_lines(void **state)
{
	(void)state;
	/* Line numbers of the GBR/USA rows in the 2019-01 file, found with gawk. */
	char cmd[1024];
	snprintf(cmd, sizeof cmd,
	         "gawk -F'\\t' '$8==\"GBR\"&&$18==\"USA\"&&$27==\"042\"{print NR; exit}' '%s'",
	         data_path(F2019));
	FILE *p = popen(cmd, "r");
	int nr = 0;
	assert_int_equal(fscanf(p, "%d", &nr), 1);
	pclose(p);
	assert_true(nr > 1);
	char *good = lines_of(data_path(F2019), 1, 1630);
	char *row = lines_of(data_path(F2019), nr, nr + 1);
	/* A truncated copy of a matching row: cut inside field 30. */
	char trunc[512];
	const char *q = row;
	for (int tabs = 0; *q && tabs < 30; q++)
		tabs += *q == '\t';
	snprintf(trunc, sizeof trunc, "%.*s\n", (int)(q - row), row);
	size_t cap = strlen(good) * 2 + 4096;
	char *text = calloc(1, cap);
	/* line 1: 3 fields; 2: empty; 3..1631: the real file; 1632: truncated
	 * matching row; 1633: the matching row again; 1634: no final newline. */
	append(text, cap, "a\tb\tc\n\n", 7);
	append(text, cap, good, strlen(good));
	append(text, cap, trunc, strlen(trunc));
	append(text, cap, row, strlen(row));
	append(text, cap, row, strlen(row) - 1);
	char path[] = "/tmp/test_gdelt_bad_XXXXXX";
	int fd = mkstemp(path);
	close(fd);
	write_text(path, text, strlen(text));
	const char *paths[] = {path};
	parley_report *rep = parley_report_new();
	parley_gdelt_stats st;
	char *t = count_text(paths, 1, "GBR", "USA", NULL, 0, &st, rep);
	/* 3 + 1 (the repeated row) + 1 (the unterminated copy, still 61 fields). */
	assert_string_equal(t, "201901 042 5\n201901 043 5\n");
	assert_int_equal(st.malformed, 3);
	assert_int_equal(st.rows61, 1629 + 2);
	long want_lines[] = {1, 2, 1632};
	int seen = 0, eof_warned = 0;
	for (size_t i = 0; i < parley_report_count(rep); i++) {
		const parley_finding *f = parley_report_get(rep, i);
		if (f->code && strcmp(f->code, "gdelt-malformed") == 0 && f->line > 0) {
			assert_string_equal(f->file, path);
			assert_int_equal(f->line, want_lines[seen]);
			seen++;
		}
		if (f->code && strcmp(f->code, "gdelt-no-final-newline") == 0)
			eof_warned = 1;
	}
	assert_int_equal(seen, 3);
	assert_true(eof_warned);
	parley_report_free(rep);
	free(t);
	/* The same bytes through the stream reader (gzip) give the same. */
	char gz[128];
	snprintf(gz, sizeof gz, "%s.gz", path);
	snprintf(cmd, sizeof cmd, "gzip -c '%s' > '%s'", path, gz);
	assert_int_equal(system(cmd), 0);
	const char *gzp[] = {gz};
	rep = parley_report_new();
	t = count_text(gzp, 1, "GBR", "USA", NULL, 0, &st, rep);
	assert_string_equal(t, "201901 042 5\n201901 043 5\n");
	assert_int_equal(st.malformed, 3);
	seen = 0;
	for (size_t i = 0; i < parley_report_count(rep); i++) {
		const parley_finding *f = parley_report_get(rep, i);
		if (f->code && strcmp(f->code, "gdelt-malformed") == 0 && f->line > 0)
			assert_int_equal(f->line, want_lines[seen++]);
	}
	assert_int_equal(seen, 3);
	parley_report_free(rep);
	free(t);
	unlink(gz);
	unlink(path);
	free(text);
	free(good);
	free(row);
}

/* A file big enough to be split among threads: counts and malformed line
 * numbers must not depend on the number of threads. */
static void test_threads_agree(void **state)
{
	(void)state;
	char path[] = "/tmp/test_gdelt_big_XXXXXX";
	int fd = mkstemp(path);
	close(fd);
	char cmd[2048];
	snprintf(cmd, sizeof cmd,
	         "for i in 1 2 3; do cat '%s' '%s' '%s'; printf 'x\\ty\\n'; done > '%s'",
	         data_path(F2018), data_path(F2019), data_path(F2019B), path);
	assert_int_equal(system(cmd), 0);
	const char *paths[] = {path};
	char *base = NULL;
	long lines1[3] = {0};
	for (int threads = 1; threads <= 7; threads += 3) {
		parley_report *rep = parley_report_new();
		parley_gdelt_stats st;
		char *t = count_text(paths, 1, "USA", "GBR", NULL, threads, &st, rep);
		assert_int_equal(st.rows61, 3 * 5280);
		assert_int_equal(st.malformed, 3);
		int k = 0;
		for (size_t i = 0; i < parley_report_count(rep); i++) {
			const parley_finding *f = parley_report_get(rep, i);
			if (f->code && strcmp(f->code, "gdelt-malformed") == 0 && f->line > 0) {
				if (threads == 1)
					lines1[k] = f->line;
				else
					assert_int_equal(f->line, lines1[k]);
				k++;
			}
		}
		assert_int_equal(k, 3);
		assert_int_equal(lines1[0], 5281);
		assert_int_equal(lines1[2], 3 * 5281);
		if (!base)
			base = t;
		else {
			assert_string_equal(base, t);
			free(t);
		}
		parley_report_free(rep);
	}
	assert_string_equal(base, "201901 042 9\n201901 043 15\n201910 042 3\n201910 043 3\n201910 046 24\n");
	free(base);
	unlink(path);
}

static void test_folder_glob_and_errors(void **state)
{
	(void)state;
	/* A folder reads its data files (README.md is skipped): with the zip
	 * the 2019-01 rows are read twice, as the files are. */
	const char *dir[] = {data_dir()};
	parley_gdelt_stats st;
	char *t = count_text(dir, 1, "GBR", "USA", NULL, 0, &st, NULL);
	assert_string_equal(t, "201901 042 6\n201901 043 10\n201910 042 1\n201910 043 1\n201910 046 8\n");
	assert_int_equal(st.files, 5);
	assert_int_equal(st.malformed, 0);
	free(t);
	char pat[1024];
	snprintf(pat, sizeof pat, "%s/2019*.export.CSV", data_dir());
	const char *g[] = {pat};
	t = count_text(g, 1, "GBR", "USA", NULL, 0, &st, NULL);
	assert_string_equal(t, "201901 042 3\n201901 043 5\n201910 042 1\n201910 043 1\n201910 046 8\n");
	assert_int_equal(st.files, 2);
	free(t);
	/* Errors: a missing file, bad codes, a bad count-by field. */
	parley_gdelt_query q = {.country_a = "USA", .country_b = "GBR"};
	parley_gdelt_counts *c = NULL;
	parley_err err;
	const char *missing[] = {"/nonexistent/file.CSV"};
	assert_int_equal(parley_gdelt_count(missing, 1, &q, "month", NULL, NULL, &c, &err), PARLEY_EIO);
	assert_non_null(strstr(err.msg, "/nonexistent/file.CSV"));
	q.codes = "04x";
	assert_int_equal(parley_gdelt_count(dir, 1, &q, "month", NULL, NULL, &c, &err), PARLEY_EINVAL);
	q.codes = NULL;
	assert_int_equal(parley_gdelt_count(dir, 1, &q, "month,colour", NULL, NULL, &c, &err),
	                 PARLEY_EINVAL);
	assert_null(c);
}

static void test_codes_and_split(void **state)
{
	(void)state;
	pl_gdelt_codes c;
	assert_int_equal(pl_gdelt_codes_parse(NULL, &c, NULL), PARLEY_OK);
	assert_int_equal(c.n, 8);
	assert_true(pl_gdelt_codes_has(&c, "036", 3));
	assert_true(pl_gdelt_codes_has(&c, "044", 3));
	assert_false(pl_gdelt_codes_has(&c, "36", 2));
	assert_false(pl_gdelt_codes_has(&c, "0360", 4));
	assert_false(pl_gdelt_codes_has(&c, "047", 3));
	assert_int_equal(pl_gdelt_codes_parse("0831,040-042", &c, NULL), PARLEY_OK);
	assert_true(pl_gdelt_codes_has(&c, "0831", 4));
	assert_false(pl_gdelt_codes_has(&c, "083", 3));
	assert_int_equal(pl_gdelt_codes_parse("046-040", &c, NULL), PARLEY_EINVAL);
	assert_int_equal(pl_gdelt_codes_parse("04-046", &c, NULL), PARLEY_EINVAL);
	/* Runs of tabs are empty fields, never merged. */
	char line[256] = "1\t\t\t";
	pl_gdelt_row r;
	const char *why = NULL;
	assert_int_equal(pl_gdelt_split(line, strlen(line), &r, &why), 0);
	assert_int_equal(r.nfields, 4);
	assert_int_equal(r.n[1], 0);
	char l61[256] = "";
	for (int i = 0; i < 60; i++)
		append(l61, sizeof l61, i == 26 ? "036\t" : "\t", i == 26 ? 4 : 1);
	assert_int_equal(pl_gdelt_split(l61, strlen(l61), &r, &why), 1);
	assert_int_equal(r.nfields, 61);
	assert_int_equal(r.n[26], 3);
	assert_memory_equal(r.f[26], "036", 3);
	long day;
	assert_true(pl_gdelt_day("20190121", 8, &day));
	assert_int_equal(day, 17917);
	assert_false(pl_gdelt_day("20190229", 8, &day));
	assert_true(pl_gdelt_day("20200229", 8, &day));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_readme_gbr_usa),  cmocka_unit_test(test_against_awk),
	    cmocka_unit_test(test_mixed_layouts),   cmocka_unit_test(test_zip_and_gzip),
	    cmocka_unit_test(test_malformed_lines), cmocka_unit_test(test_threads_agree),
	    cmocka_unit_test(test_folder_glob_and_errors), cmocka_unit_test(test_codes_and_split),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
