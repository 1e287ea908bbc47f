/* test_gdelt_discover.c - candidate visits from constructed GDELT 2.0 rows:
 * the host rule, folding of mirrored 042/043 pairs and consecutive days,
 * the score, storing as 'candidate' with sources and event ids, matching
 * existing visits, and review accept/reject with the audit actor. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "../../src/gdelt/gdelt.h"

typedef struct ev {
	const char *id, *date, *a1, *a1type, *a2, *a2type, *code, *place, *url;
	int mentions, sources, articles;
} ev;

/* One 61-column row; the fields not given stay empty. */
static void row61(FILE *f, const ev *e)
{
	const char *v[61] = {0};
	char month[7], year[5], nm[12], ns[12], na[12];
	snprintf(month, sizeof month, "%.6s", e->date);
	snprintf(year, sizeof year, "%.4s", e->date);
	snprintf(nm, sizeof nm, "%d", e->mentions);
	snprintf(ns, sizeof ns, "%d", e->sources);
	snprintf(na, sizeof na, "%d", e->articles);
	v[0] = e->id;
	v[1] = e->date;
	v[2] = month;
	v[3] = year;
	v[5] = e->a1;
	v[6] = strcmp(e->a1, "PRK") == 0 ? "NORTH KOREA" : "CHINA";
	v[7] = e->a1;
	v[12] = e->a1type;
	v[15] = e->a2;
	v[16] = strcmp(e->a2, "PRK") == 0 ? "NORTH KOREA" : "CHINA";
	v[17] = e->a2;
	v[22] = e->a2type;
	v[25] = "1";
	v[26] = e->code;
	v[31] = nm;
	v[32] = ns;
	v[33] = na;
	v[53] = e->place;
	v[59] = "20180328000000";
	v[60] = e->url;
	for (int i = 0; i < 61; i++)
		fprintf(f, "%s%s", v[i] ? v[i] : "", i < 60 ? "\t" : "\n");
}

static const ev events[] = {
    /* Kim in Beijing: a 042 by PRK, the mirrored 043 by CHN, both placed in
     * China (CH), on consecutive days, plus a talk (040) on the second day. */
    {"1001", "20180326", "PRK", "GOV", "CHN", "", "042", "CH", "https://a.example/1", 10, 2, 8},
    {"1002", "20180326", "CHN", "GOV", "PRK", "", "043", "CH", "https://b.example/2", 6, 1, 5},
    {"1003", "20180327", "CHN", "GOV", "PRK", "GOV", "040", "CH", "https://a.example/1", 4, 1, 3},
    /* The same event id again (a file read twice) is folded away. */
    {"1001", "20180326", "PRK", "GOV", "CHN", "", "042", "CH", "https://a.example/1", 10, 2, 8},
    /* Five days later, in North Korea: a separate candidate CHN -> PRK. */
    {"1004", "20180401", "CHN", "GOV", "PRK", "", "042", "KN", "https://c.example/3", 3, 1, 2},
    /* A meeting in Singapore (SN): third country, not a visit. */
    {"1005", "20180612", "PRK", "GOV", "CHN", "GOV", "044", "SN", "https://d.example/4", 2, 1, 1},
    /* No place: the 042 itself points PRK -> CHN; the day after 1004+... */
    {"1006", "20180901", "PRK", "GOV", "CHN", "", "042", "", "", 1, 1, 1},
    /* Not counted: no government type; another code; another pair. */
    {"1007", "20180326", "PRK", "", "CHN", "", "042", "CH", "https://e.example/5", 9, 9, 9},
    {"1008", "20180326", "PRK", "GOV", "CHN", "", "051", "CH", "https://e.example/6", 9, 9, 9},
    {"1009", "20180326", "PRK", "GOV", "KOR", "", "042", "KS", "https://e.example/7", 9, 9, 9},
};

static char path[64];

static int setup(void **state)
{
	(void)state;
	snprintf(path, sizeof path, "/tmp/test_gdelt_ev_XXXXXX");
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	for (size_t i = 0; i < PL_ARRAY_LEN(events); i++)
		row61(f, &events[i]);
	fclose(f);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	return 0;
}

static parley_candidates *discover(parley_db *db, int store, double min_score)
{
	const char *paths[] = {path};
	parley_gdelt_query q = {.country_a = "CHN", .country_b = "PRK", .threads = 2};
	parley_discover_opts o = {.store = store, .min_score = min_score};
	parley_candidates *cs = NULL;
	parley_err err;
	parley_err_clear(&err);
	parley_gdelt_stats st;
	int rc = parley_gdelt_discover(db, paths, 1, &q, &o, NULL, &st, &cs, &err);
	if (rc)
		fprintf(stderr, "%s\n", err.msg);
	assert_int_equal(rc, PARLEY_OK);
	assert_int_equal(st.rows61, (long)PL_ARRAY_LEN(events));
	return cs;
}

static void test_folding(void **state)
{
	(void)state;
	parley_candidates *cs = discover(NULL, 0, 0);
	assert_int_equal(cs->n, 4);
	/* 1: the mirrored pair and the next day's talk, PRK -> CHN. */
	parley_candidate *c = &cs->v[0];
	assert_string_equal(c->from, "PRK");
	assert_string_equal(c->to, "CHN");
	assert_string_equal(c->place, "CHN");
	assert_string_equal(c->start, "2018-03-26");
	assert_string_equal(c->end, "2018-03-27");
	assert_string_equal(c->id, "2018-03-26-prk-chn-gdelt");
	assert_int_equal(c->days, 2);
	assert_int_equal(c->events, 3);
	assert_int_equal(c->sources, 4);
	assert_int_equal(c->articles, 16);
	assert_int_equal(c->mentions, 20);
	assert_true(c->mirrored);
	assert_string_equal(c->codes, "040x1 042x1 043x1");
	assert_string_equal(c->label, "NORTH KOREA");
	assert_int_equal(c->nevent_ids, 3);
	assert_string_equal(c->event_ids[0], "1001");
	assert_string_equal(c->event_ids[2], "1003");
	assert_int_equal(c->nurls, 2); /* a.example/1 twice counts once */
	assert_string_equal(c->urls[0], "https://a.example/1");
	double want = log2(5) + log2(17) + log2(21) / 2 + 1 + 2;
	assert_true(fabs(c->score - round(want * 100) / 100) < 1e-9);
	/* 2: CHN -> PRK in North Korea. */
	c = &cs->v[1];
	assert_string_equal(c->from, "CHN");
	assert_string_equal(c->to, "PRK");
	assert_string_equal(c->start, "2018-04-01");
	assert_false(c->mirrored);
	/* 3: Singapore, a third country. */
	c = &cs->v[2];
	assert_string_equal(c->match, "third-country");
	assert_string_equal(c->place, "SGP");
	/* 4: no place, a 042 from PRK. */
	c = &cs->v[3];
	assert_string_equal(c->from, "PRK");
	assert_string_equal(c->to, "CHN");
	assert_string_equal(c->start, "2018-09-01");
	parley_candidates_free(cs);
	/* --min-score keeps only the strong one. */
	cs = discover(NULL, 0, 10);
	assert_int_equal(cs->n, 1);
	assert_string_equal(cs->v[0].id, "2018-03-26-prk-chn-gdelt");
	parley_candidates_free(cs);
}

static void test_direction_rule(void **state)
{
	(void)state;
	pl_gdelt_event e;
	memset(&e, 0, sizeof e);
	pl_strlcpy(e.a1, "PRK", sizeof e.a1);
	pl_strlcpy(e.a2, "CHN", sizeof e.a2);
	pl_strlcpy(e.code, "043", sizeof e.code);
	pl_gdelt_event_direct(&e, "CHN", "PRK");
	assert_string_equal(e.from, "CHN"); /* 043: Actor1 hosts Actor2 */
	assert_string_equal(e.to, "PRK");
	pl_strlcpy(e.place, "PRK", sizeof e.place);
	pl_strlcpy(e.place_fips, "KN", sizeof e.place_fips);
	pl_gdelt_event_direct(&e, "CHN", "PRK");
	assert_string_equal(e.to, "PRK"); /* the place decides */
	pl_strlcpy(e.code, "040", sizeof e.code);
	e.place[0] = e.place_fips[0] = '\0';
	pl_gdelt_event_direct(&e, "CHN", "PRK");
	assert_string_equal(e.from, ""); /* unknown */
	assert_false(e.third);
	/* FIPS table: sorted, and the codes of the sample pairs map. */
	const char *prev = "", *f, *i, *n;
	for (size_t k = 0; k < pl_fips_count(); k++) {
		pl_fips_at(k, &f, &i, &n);
		assert_true(strcmp(prev, f) < 0);
		assert_int_equal(strlen(i), 3);
		prev = f;
	}
	assert_string_equal(pl_fips_to_iso3("CH", 2), "CHN");
	assert_string_equal(pl_fips_to_iso3("KN", 2), "PRK");
	assert_string_equal(pl_fips_to_iso3("KS", 2), "KOR");
	assert_string_equal(pl_fips_to_iso3("UK", 2), "GBR");
	assert_string_equal(pl_fips_to_iso3("GM", 2), "DEU");
	assert_null(pl_fips_to_iso3("ZZ", 2));
}

/* Every ActionGeo country code in the real sample files maps to ISO3. */
static void test_sample_places_map(void **state)
{
	(void)state;
	const char *shared = getenv("PARLEY_SHARED");
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "cd '%s/data/gdelt' && { gawk -F'\\t' 'NF==61{print $54}' *.CSV;"
	         " gawk -F'\\t' 'NF<61{print $52}' *.tsv; } | sort -u",
	         shared ? shared : PARLEY_TEST_SOURCE_DIR "/tests/real");
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	char line[64];
	int n = 0, unmapped = 0;
	while (fgets(line, sizeof line, p)) {
		line[strcspn(line, "\n")] = '\0';
		if (!line[0])
			continue;
		n++;
		/* OS (oceans) is a FIPS region, not a country: it must stay unmapped. */
		if (strcmp(line, "OS") == 0) {
			assert_null(pl_fips_to_iso3(line, 2));
			continue;
		}
		if (!pl_fips_to_iso3(line, strlen(line))) {
			fprintf(stderr, "unmapped FIPS code %s\n", line);
			unmapped++;
		}
	}
	pclose(p);
	assert_true(n > 50);
	assert_int_equal(unmapped, 0);
}

/* discover --format json: strict JSON with the keys and types of a
 * candidate, and GDELT's own text (actor names, URLs) given back whole even
 * when it is hostile; a byte that is not UTF-8 comes back as U+FFFD. */
static void test_json_output(void **state)
{
	(void)state;
	parley_candidates *cs = discover(NULL, 0, 0);
	static const char hostile[] = "N \"K\" \\ </script>&\x01 \xe2\x80\xa8 \xff";
	snprintf(cs->v[0].label, sizeof cs->v[0].label, "%s", hostile);
	free(cs->v[0].urls[0]);
	cs->v[0].urls[0] = strdup(hostile);
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	parley_err err;
	assert_int_equal(parley_candidates_print(cs, "json", m, &err), PARLEY_OK);
	fclose(m);
	assert_null(strchr(text, '<'));
	assert_null(strstr(text, "\xe2\x80\xa8"));
	json_error_t je;
	json_t *arr = json_loadb(text, len, 0, &je);
	assert_non_null(arr);
	assert_int_equal(json_array_size(arr), cs->n);
	static const char want[] = "N \"K\" \\ </script>&\x01 \xe2\x80\xa8 \xef\xbf\xbd";
	json_t *c = json_array_get(arr, 0);
	assert_string_equal(json_string_value(json_object_get(c, "label")), want);
	assert_string_equal(json_string_value(json_array_get(json_object_get(c, "urls"), 0)), want);
	assert_true(json_is_string(json_object_get(c, "id")));
	assert_true(json_is_integer(json_object_get(c, "events")));
	assert_true(json_is_real(json_object_get(c, "score")));
	assert_true(json_is_true(json_object_get(c, "mirrored")));
	assert_int_equal(json_array_size(json_object_get(c, "event_ids")), cs->v[0].nevent_ids);
	json_decref(arr);
	free(text);
	parley_candidates_free(cs);
}

static void test_store_match_review(void **state)
{
	(void)state;
	char db_path[] = "/tmp/test_gdelt_db_XXXXXX";
	int fd = mkstemp(db_path);
	close(fd);
	unlink(db_path);
	parley_db *db;
	parley_err err;
	assert_int_equal(parley_open(db_path, PARLEY_OPEN_CREATE, &db, &err), PARLEY_OK);
	sqlite3 *sql = parley_sqlite(db);
	/* A confirmed visit overlapping candidate 2 (CHN -> PRK, 2018-04-01). */
	assert_int_equal(sqlite3_exec(sql,
	                              "INSERT INTO country(code,name,fips) VALUES('CHN','China','CH'),"
	                              "('PRK','North Korea','KN');"
	                              "INSERT INTO visit(id,from_country,to_country,start_date,end_date,status)"
	                              " VALUES('known-visit','CHN','PRK','2018-03-30','2018-03-31','confirmed');",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	parley_candidates *cs = discover(db, 1, 0);
	assert_string_equal(cs->v[0].match, "new");
	assert_string_equal(cs->v[1].match, "known"); /* within a day of the visit */
	assert_string_equal(cs->v[1].match_id, "known-visit");
	assert_string_equal(cs->v[2].match, "third-country");
	assert_string_equal(cs->v[3].match, "new");
	parley_candidates_free(cs);
	assert_int_equal(parley_count(db, "visit", NULL), 3);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(sql,
	                                    "SELECT status, from_country, to_country, start_date, end_date,"
	                                    " (SELECT group_concat(value, ' ') FROM (SELECT value FROM"
	                                    " external_id WHERE entity_id=visit.id AND scheme='gdelt'"
	                                    " ORDER BY value)),"
	                                    " (SELECT count(*) FROM visit_source WHERE visit=visit.id)"
	                                    " FROM visit WHERE id='2018-03-26-prk-chn-gdelt'",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "candidate");
	assert_string_equal((const char *)sqlite3_column_text(st, 1), "PRK");
	assert_string_equal((const char *)sqlite3_column_text(st, 2), "CHN");
	assert_string_equal((const char *)sqlite3_column_text(st, 3), "2018-03-26");
	assert_string_equal((const char *)sqlite3_column_text(st, 4), "2018-03-27");
	assert_string_equal((const char *)sqlite3_column_text(st, 5), "1001 1002 1003");
	assert_int_equal(sqlite3_column_int(st, 6), 2);
	sqlite3_finalize(st);
	/* A second run stores nothing new. */
	cs = discover(db, 1, 0);
	assert_string_equal(cs->v[0].match, "stored");
	parley_candidates_free(cs);
	assert_int_equal(parley_count(db, "visit", NULL), 3);
	/* Review. */
	assert_int_equal(parley_review_accept(db, "2018-03-26-prk-chn-gdelt", "alice", &err), PARLEY_OK);
	assert_int_equal(parley_review_accept(db, "2018-03-26-prk-chn-gdelt", "alice", &err),
	                 PARLEY_ECONFLICT);
	assert_int_equal(parley_review_accept(db, "no-such", "alice", &err), PARLEY_ENOTFOUND);
	assert_int_equal(parley_review_reject(db, "2018-09-01-prk-chn-gdelt", "bob", "", &err),
	                 PARLEY_EINVAL);
	assert_int_equal(
	    parley_review_reject(db, "2018-09-01-prk-chn-gdelt", "bob", "a plan, not a visit", &err),
	    PARLEY_OK);
	assert_int_equal(sqlite3_prepare_v2(sql,
	                                    "SELECT (SELECT status FROM visit WHERE id='2018-03-26-prk-chn-gdelt'),"
	                                    " (SELECT status||'|'||note FROM visit WHERE id='2018-09-01-prk-chn-gdelt'),"
	                                    " (SELECT actor FROM audit WHERE entity='visit' AND"
	                                    "  entity_key='2018-03-26-prk-chn-gdelt' AND action='update'),"
	                                    " (SELECT actor FROM audit WHERE entity='visit' AND"
	                                    "  entity_key='2018-09-01-prk-chn-gdelt' AND action='update')",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "confirmed");
	assert_string_equal((const char *)sqlite3_column_text(st, 1), "rejected|a plan, not a visit");
	assert_string_equal((const char *)sqlite3_column_text(st, 2), "review:alice");
	assert_string_equal((const char *)sqlite3_column_text(st, 3), "review:bob");
	sqlite3_finalize(st);
	/* The rejected candidate is recognised on the next run; nothing deleted. */
	cs = discover(db, 1, 0);
	assert_string_equal(cs->v[3].match, "rejected");
	assert_string_equal(cs->v[0].match, "known");
	parley_candidates_free(cs);
	assert_int_equal(parley_count(db, "visit", NULL), 3);
	parley_close(db);
	unlink(db_path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_folding),
	    cmocka_unit_test(test_direction_rule),
	    cmocka_unit_test(test_sample_places_map),
	    cmocka_unit_test(test_json_output),
	    cmocka_unit_test(test_store_match_review),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
