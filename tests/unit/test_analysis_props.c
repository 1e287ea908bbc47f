/*
 * test_analysis_props.c - properties of the analyses on seeded random
 * datasets and on the bundled China-DPRK dataset:
 *  - era counts (plus visits between eras) sum to the total over the same
 *    range, directions and levels sum to each era's count;
 *  - adding visits after the as-of date changes no figure as of it
 *    (eras, timeline and gaps give byte-identical JSON);
 *  - every count in the JSON has exactly as many ids as it says.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_analysis_fixture.h"

#include <jansson.h>
#include <unistd.h>

static uint64_t rng;
static unsigned rnd(unsigned n)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)((rng >> 33) % n);
}

static void day_text(long day, int prec, char *buf)
{
	parley_date d = parley_date_from_day(day);
	if (prec == 1)
		snprintf(buf, 16, "%04d", d.year);
	else if (prec == 2)
		snprintf(buf, 16, "%04d-%02d", d.year, d.month);
	else
		snprintf(buf, 16, "%04d-%02d-%02d", d.year, d.month, d.day);
}

static long ymd(int y, int m, int dd)
{
	parley_date d = {y, m, dd, PARLEY_DAY};
	return parley_date_first_day(d);
}

static const char *const levels[] = {"paramount_leader", "head_of_state", "head_of_government",
                                     "deputy", "other_senior", "ministerial", "vice_ministerial",
                                     "at_least_ministerial", "unknown"};
static const char *const statuses[] = {"confirmed", "reported", "candidate", "rejected"};
static const char *const types[] = {"state", "official", "unofficial", "working", "unknown"};

static void tenures(an_data *d, const char *country, const char *prefix)
{
	long day = ymd(1948 + (int)rnd(5), 1 + (int)rnd(12), 1 + (int)rnd(28));
	int n = 2 + (int)rnd(5);
	for (int i = 0; i < n; i++) {
		char id[32], s[16], e[16];
		snprintf(id, sizeof id, "%s%d", prefix, i);
		assert_int_equal(an_add_person(d, id, id, country, NULL, NULL), 0);
		long end = day + 365 * (2 + (long)rnd(20)) + (long)rnd(365);
		day_text(day, rnd(4) ? 3 : 2, s);
		day_text(end, 3, e);
		bool open = i == n - 1;
		assert_int_equal(an_add_tenure(d, id, id, "top", "Top", country, "paramount_leader", s,
		                               open ? NULL : e, NULL),
		                 0);
		/* sometimes a hole between tenures */
		day = rnd(5) == 0 ? end + (long)rnd(400) : end;
	}
}

/* A random dataset; extra > 0 adds that many visits after as_of. */
static an_data *random_data(uint64_t seed, long as_of, int extra)
{
	rng = seed;
	an_data *d = an_data_new();
	assert_non_null(d);
	tenures(d, "AAA", "a");
	tenures(d, "BBB", "b");
	int nv = 50 + (int)rnd(250);
	for (int i = 0; i < nv; i++) {
		char id[32], s[16], who[8];
		snprintf(id, sizeof id, "r%04d", i);
		long day = ymd(1945, 1, 1) + (long)rnd(85 * 365);
		day_text(day, 1 + (int)rnd(3), s);
		int dir = (int)rnd(10);
		const char *from = dir < 5 ? "AAA" : dir < 9 ? "BBB" : "AAA";
		const char *to = dir < 5 ? "BBB" : dir < 9 ? "AAA" : "CCC";
		snprintf(who, sizeof who, "%c%u", from[0] == 'A' ? 'a' : 'b', rnd(7));
		bool unid = rnd(4) == 0;
		assert_int_equal(an_add_visit(d, id, unid ? NULL : who, NULL, from, to,
		                              levels[rnd(9)], types[rnd(5)], statuses[rnd(4)], s, NULL),
		                 0);
	}
	rng = seed ^ 0x9e3779b97f4a7c15ULL;
	for (int i = 0; i < extra; i++) {
		char id[32], s[16];
		snprintf(id, sizeof id, "x%04d", i);
		/* a partial date counts as of its first day: keep that after as_of */
		parley_date a = parley_date_from_day(as_of);
		int prec = 1 + (int)rnd(3);
		long day = prec == 1   ? ymd(a.year + 1 + (int)rnd(5), 1, 1)
		           : prec == 2 ? ymd(a.year + 1 + (int)rnd(5), 1 + (int)rnd(12), 1)
		                       : as_of + 1 + (long)rnd(3000);
		day_text(day, prec, s);
		assert_int_equal(an_add_visit(d, id, rnd(2) ? "a1" : NULL, NULL, rnd(2) ? "AAA" : "BBB",
		                              "BBB", "paramount_leader", "state", "confirmed", s, NULL),
		                 0);
	}
	/* the BBB->BBB rows of 'extra' are not a pair: fix their destination */
	for (size_t i = 0; i < d->nv; i++)
		if (strcmp(d->v[i].from, d->v[i].to) == 0)
			d->v[i].to = "AAA";
	an_prepare(d);
	return d;
}

/* Every {"count":N,"ids":[...]} object in j has N ids; returns how many
 * such objects were checked. */
static size_t check_counts(json_t *j)
{
	size_t n = 0;
	if (json_is_object(j)) {
		json_t *c = json_object_get(j, "count"), *ids = json_object_get(j, "ids");
		if (c && ids) {
			assert_true(json_is_array(ids));
			assert_int_equal((size_t)json_integer_value(c), json_array_size(ids));
			n++;
		}
		const char *k;
		json_t *v;
		json_object_foreach(j, k, v) n += check_counts(v);
	} else if (json_is_array(j)) {
		size_t i;
		json_t *v;
		json_array_foreach(j, i, v) n += check_counts(v);
	}
	return n;
}

static char *all_json(an_data *(*make)(uint64_t, long, int), uint64_t seed, long as_of,
                      int extra, const an_opts *o)
{
	capture c;
	FILE *f = cap_open(&c);
	for (int by = 0; by < 3; by++) {
		parley_eras *e = NULL;
		int rc = an_eras(make(seed, as_of, extra), o, (parley_era_by)by, &e, NULL);
		if (rc == PARLEY_ENOTFOUND) /* as_of before any tenure */
			continue;
		assert_int_equal(rc, 0);
		assert_int_equal(parley_eras_write(e, "json", 0, f, NULL), 0);
		parley_eras_free(e);
	}
	for (int m = 0; m < 2; m++) {
		parley_timeline *t = NULL;
		assert_int_equal(an_timeline(make(seed, as_of, extra), o, m, (parley_split)(m ? 1 : 0),
		                             &t, NULL),
		                 0);
		assert_int_equal(parley_timeline_write(t, "json", 0, f, NULL), 0);
		parley_timeline_free(t);
	}
	parley_gaps *g = NULL;
	assert_int_equal(an_gaps(make(seed, as_of, extra), o, 0, 0, 0, &g, NULL), 0);
	assert_int_equal(parley_gaps_write(g, "json", 0, f, NULL), 0);
	parley_gaps_free(g);
	return cap_close(&c);
}

static void check_eras(const parley_eras *e, const an_data *d, const an_opts *o)
{
	size_t sum = e->outside.n;
	for (size_t i = 0; i < e->n; i++) {
		const parley_era *x = &e->eras[i];
		sum += x->visits.n;
		assert_int_equal(x->a_to_b.n + x->b_to_a.n, x->visits.n);
		assert_true(x->top_a_to_b.n <= x->a_to_b.n);
		assert_true(x->top_b_to_a.n <= x->b_to_a.n);
		assert_true(x->unidentified.n <= x->visits.n);
		size_t lv = 0;
		for (int l = 0; l < PARLEY_NLEVELS; l++)
			lv += x->by_level[l].n;
		assert_int_equal(lv, x->visits.n);
		if (i)
			assert_true(strcmp(e->eras[i - 1].start, x->start) <= 0);
	}
	assert_int_equal(sum, e->total.n);
	/* the total counted independently over the same range */
	size_t want = 0;
	if (e->n) {
		parley_date s;
		assert_int_equal(parley_date_parse(e->eras[0].start, 10, &s, NULL), 0);
		long first = parley_date_first_day(s);
		for (size_t i = 0; i < d->nv; i++)
			want += an_counts(o, &d->v[i]) && an_in_pair(o, &d->v[i]) && d->v[i].day >= first;
	}
	assert_int_equal(want, e->total.n);
}

static void test_random_sums(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 60; seed++) {
		rng = seed * 7919;
		long as_of = ymd(1955, 1, 1) + (long)rnd(70 * 365);
		char asof[16];
		day_text(as_of, 3, asof);
		parley_analysis_opts po = {.a = "AAA", .b = "BBB", .as_of = asof,
		                           .min_level = seed % 3 ? "ministerial" : "unknown"};
		an_opts o;
		assert_int_equal(an_opts_parse(&po, true, &o, NULL), 0);
		for (int by = 0; by < 3; by++) {
			an_data *d = random_data(seed, as_of, 0);
			an_data *copy = random_data(seed, as_of, 0);
			parley_eras *e = NULL;
			int rc = an_eras(d, &o, (parley_era_by)by, &e, NULL);
			if (rc == PARLEY_ENOTFOUND) {
				an_data_free(copy);
				continue;
			}
			assert_int_equal(rc, 0);
			check_eras(e, copy, &o);
			parley_eras_free(e);
			an_data_free(copy);
		}
		/* timeline and gaps count the same visits */
		parley_timeline *t = NULL;
		assert_int_equal(an_timeline(random_data(seed, as_of, 0), &o, 1, PARLEY_SPLIT_DIRECTION,
		                             &t, NULL),
		                 0);
		parley_gaps *g = NULL;
		assert_int_equal(an_gaps(random_data(seed, as_of, 0), &o, 0, 0, 0, &g, NULL), 0);
		size_t sum = 0;
		for (size_t i = 0; i < t->n; i++) {
			sum += t->buckets[i].total.n;
			assert_int_equal(t->buckets[i].series[0].n + t->buckets[i].series[1].n,
			                 t->buckets[i].total.n);
		}
		assert_int_equal(sum, g->total.n);
		for (size_t i = 1; i < g->n; i++)
			assert_true(g->gaps[i - 1].days >= g->gaps[i].days);
		parley_timeline_free(t);
		parley_gaps_free(g);
	}
}

static void test_random_as_of_stable(void **state)
{
	(void)state;
	for (uint64_t seed = 100; seed < 140; seed++) {
		rng = seed * 104729;
		long as_of = ymd(1960, 1, 1) + (long)rnd(60 * 365);
		char asof[16];
		day_text(as_of, 3, asof);
		parley_analysis_opts po = {.a = "AAA", .b = "BBB", .as_of = asof};
		an_opts o;
		assert_int_equal(an_opts_parse(&po, true, &o, NULL), 0);
		char *before = all_json(random_data, seed, as_of, 0, &o);
		char *after = all_json(random_data, seed, as_of, 25, &o);
		assert_string_equal(before, after);
		json_error_t je;
		/* the JSON documents are concatenated: check each */
		size_t off = 0, len = strlen(before), checked = 0;
		while (off < len) {
			json_t *j = json_loadb(before + off, len - off, JSON_DISABLE_EOF_CHECK, &je);
			assert_non_null(j);
			checked += check_counts(j);
			off += je.position;
			while (off < len && (before[off] == '\n' || before[off] == ' '))
				off++;
			json_decref(j);
		}
		assert_true(checked > 0);
		free(before);
		free(after);
	}
}

/* The bundled dataset, through a real store. */
static void test_bundled(void **state)
{
	(void)state;
	char path[] = "/tmp/parley-an-bundled-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	parley_db *db = NULL;
	parley_err err = {0};
	assert_int_equal(parley_open(path, PARLEY_OPEN_CREATE, &db, &err), 0);
	int rc = parley_load_bundled(db, NULL, NULL, &err);
	if (rc)
		fprintf(stderr, "load bundled: %s\n", err.msg);
	assert_int_equal(rc, 0);
	const char *dates[] = {"1960-01-01", "1994-07-08", "2011-12-16", "2011-12-17", "2018-03-28",
	                       "2024-12-31"};
	for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
		parley_analysis_opts po = {.a = "CHN", .b = "PRK", .as_of = dates[i]};
		parley_eras *e = NULL;
		assert_int_equal(parley_eras_compute(db, &po, PARLEY_ERAS_PAIR, &e, &err), 0);
		size_t sum = e->outside.n;
		for (size_t k = 0; k < e->n; k++) {
			sum += e->eras[k].visits.n;
			assert_int_equal(e->eras[k].a_to_b.n + e->eras[k].b_to_a.n, e->eras[k].visits.n);
		}
		assert_int_equal(sum, e->total.n);
		capture c;
		assert_int_equal(parley_eras_write(e, "json", 0, cap_open(&c), NULL), 0);
		char *s = cap_close(&c);
		json_error_t je;
		json_t *j = json_loads(s, 0, &je);
		assert_non_null(j);
		assert_true(check_counts(j) > 0);
		json_decref(j);
		free(s);
		parley_eras_free(e);
	}
	/* as of 2018-03-28: Kim Jong-un's first trip (2018-03-25) counts, top PRK->CHN */
	parley_analysis_opts po = {.a = "CHN", .b = "PRK", .as_of = "2018-03-28"};
	parley_eras *e = NULL;
	assert_int_equal(parley_eras_compute(db, &po, PARLEY_ERAS_PAIR, &e, &err), 0);
	const parley_era *last = &e->eras[e->n - 1];
	assert_string_equal(last->name, "Xi Jinping / Kim Jong-un");
	assert_true(last->open);
	assert_true(has_id(last->top_b_to_a, "2018-03-25-prk-chn-kim-jong-un"));
	assert_int_equal(last->top_b_to_a.n, 1);
	parley_eras_free(e);
	parley_close(db);
	unlink(path);
	char side[sizeof path + 8];
	snprintf(side, sizeof side, "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", path);
	unlink(side);
}

/* A large dataset (the visits array doubling many times, arena chunks
 * doubling to their largest and allocations past it): every visit reads
 * back as it was added, every arena allocation is zeroed however its chunk
 * was made, and the eras of the whole still sum (check_eras). */
static void test_large_dataset(void **state)
{
	(void)state;
	rng = 77;
	an_data *d = an_data_new();
	assert_non_null(d);
	tenures(d, "AAA", "a");
	tenures(d, "BBB", "b");
	const int nv = 60000;
	for (int i = 0; i < nv; i++) {
		char id[32], s[16], who[8];
		snprintf(id, sizeof id, "big%06d", i);
		day_text(ymd(1950, 1, 1) + i / 3, 3, s); /* in date order, three a day */
		snprintf(who, sizeof who, "a%d", i % 7);
		assert_int_equal(an_add_visit(d, id, who, NULL, i % 2 ? "AAA" : "BBB",
		                              i % 2 ? "BBB" : "AAA", levels[i % 9], types[i % 5],
		                              statuses[i % 2], s, NULL),
		                 0);
		/* arena allocations of every size between the visits: small,
		 * chunk-sized and past the largest chunk; each fresh one is zero */
		size_t n = i % 1000 == 0 ? (size_t)(3u << 20) : i % 97 == 0 ? 70000 : 40;
		unsigned char *p = an_alloc(&d->arena, n);
		assert_non_null(p);
		for (size_t k = 0; k < n; k += n > 4096 ? 4093 : 1)
			assert_int_equal(p[k], 0);
		assert_int_equal(p[n - 1], 0);
		memset(p, 0xab, n); /* a later allocation must not see this */
	}
	assert_int_equal(d->nv, (size_t)nv);
	for (int i = 0; i < nv; i++) {
		char id[32], who[8];
		snprintf(id, sizeof id, "big%06d", i);
		snprintf(who, sizeof who, "a%d", i % 7);
		const an_visit *v = &d->v[i];
		assert_string_equal(v->id, id);
		assert_string_equal(v->visitor, who);
		assert_string_equal(v->from, i % 2 ? "AAA" : "BBB");
		assert_string_equal(v->level, levels[i % 9]);
		assert_string_equal(v->status, statuses[i % 2]);
		assert_int_equal(v->day, ymd(1950, 1, 1) + i / 3);
	}
	an_prepare(d);
	an_opts o;
	parley_analysis_opts in = {.a = "AAA", .b = "BBB", .status = "confirmed,reported", .as_of = "2030-01-01"};
	assert_int_equal(an_opts_parse(&in, false, &o, NULL), 0);
	parley_eras *e = NULL;
	assert_int_equal(an_eras(d, &o, PARLEY_ERAS_PAIR, &e, NULL), 0);
	check_eras(e, d, &o);
	assert_true(e->total.n > 0);
	parley_eras_free(e); /* frees d with it */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_random_sums),
	    cmocka_unit_test(test_random_as_of_stable),
	    cmocka_unit_test(test_bundled),
	    cmocka_unit_test(test_large_dataset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
