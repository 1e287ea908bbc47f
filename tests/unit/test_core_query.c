/* test_core_query.c - the one query layer over a small store: the
 * partial-date rule, the search (fold, phrase, Hangul, Hanzi, people met
 * and in the delegation), the index the store keeps current on every
 * write, levels, offices, people by role, facets and paging. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>

#include "parley.h"
#include "internal.h"
#include "pl_query.h"
#include "test_sql.h"

static char path[64];
static parley_db *db;

/* Raw SQL, then the index refresh the library's own writes do at commit. */
static void exec(const char *sql)
{
	exec_synced(db, sql);
}

static int setup(void **s)
{
	(void)s;
	snprintf(path, sizeof path, "/tmp/parley-test-query-%ld.db", (long)getpid());
	unlink(path);
	if (parley_open(path, PARLEY_OPEN_CREATE, &db, NULL) != PARLEY_OK)
		return -1;
	exec("INSERT INTO country(code, name) VALUES('CHN','China'),('PRK','North Korea');"
	     "INSERT INTO person(id, name, native_name, country) VALUES"
	     " ('kim-il-sung','Kim Il-sung','김일성','PRK'),('kim-jong-il','Kim Jong-il','김정일','PRK'),"
	     " ('deng-xiaoping','Deng Xiaoping','邓小平','CHN'),('ri-sol-ju','Ri Sol-ju','리설주','PRK'),"
	     " ('zhou-enlai','Zhou Enlai','周恩来','CHN');"
	     "INSERT INTO office(id, country, name, rank) VALUES"
	     " ('chn-premier','CHN','Premier','head_of_government');"
	     "INSERT INTO tenure(id, person, office, start_date, end_date) VALUES"
	     " ('t1','zhou-enlai','chn-premier','1949-10-01','1976-01-08');"
	     "INSERT INTO visit(id, visitor, level, from_country, to_country, start_date, type, status)"
	     " VALUES"
	     " ('v-month','kim-il-sung','paramount_leader','PRK','CHN','1964-11','transit','reported'),"
	     " ('v-year','kim-jong-il','deputy','PRK','CHN','1965','official','confirmed'),"
	     " ('v-day','deng-xiaoping','head_of_government','CHN','PRK','1964-10-30','official','confirmed'),"
	     " ('v-zhou','zhou-enlai','head_of_government','CHN','PRK','1970-04-05','official','confirmed'),"
	     " ('v-rej','kim-il-sung','paramount_leader','PRK','CHN','1964-11-05','state','rejected');"
	     "INSERT INTO visit_person(visit, role, seq, person, name) VALUES"
	     " ('v-day','host',1,'kim-il-sung','Kim Il-sung'),"
	     " ('v-year','companion',1,'ri-sol-ju','Ri Sol-ju');");
	return 0;
}

static int teardown(void **s)
{
	(void)s;
	parley_close(db);
	unlink(path);
	return 0;
}

/* The ids q lists, in order, joined by spaces; the total must match. */
static const char *ids(const char *const *kv)
{
	static char out[512];
	parley_query q;
	parley_query_init(&q);
	parley_err err = {0, ""};
	for (size_t i = 0; kv[i]; i += 2)
		if (parley_query_set(&q, kv[i], kv[i + 1], &err) != PARLEY_OK)
			fail_msg("%s=%s: %s", kv[i], kv[i + 1], err.msg);
	parley_visits *r = NULL;
	if (parley_visits_find(db, &q, 1, &r, &err) != PARLEY_OK)
		fail_msg("find: %s", err.msg);
	out[0] = '\0';
	for (size_t i = 0; i < r->n; i++) {
		size_t l = strlen(out);
		snprintf(out + l, sizeof out - l, "%s%s", l ? " " : "", r->v[i].id);
	}
	if (!q.page && !q.limit)
		assert_int_equal(r->total, (long)r->n);
	parley_visits_free(r);
	return out;
}

#define IDS(...) ids((const char *const[]){__VA_ARGS__, NULL})

static void partial_dates_match_a_range_they_overlap(void **s)
{
	(void)s;
	/* issue 8: the month-precision 1964-11 visit is found by a range in November */
	assert_string_equal(IDS("from", "1964-11-01", "to", "1964-11-30"), "v-month");
	assert_string_equal(IDS("from", "1964-11-20", "to", "1964-11-21"), "v-month");
	assert_string_equal(IDS("from", "1964-11", "to", "1964-11"), "v-month");
	/* a year-precision visit matches any range inside its year */
	assert_string_equal(IDS("from", "1965-06-01", "to", "1965-06-01"), "v-year");
	assert_string_equal(IDS("to", "1964-10-30"), "v-day");
	assert_string_equal(IDS("from", "1964-10-31", "to", "1965-01"), "v-month v-year");
	assert_string_equal(IDS("year", "1964"), "v-day v-month");
	/* as of: the first possible day counts */
	assert_string_equal(IDS("as_of", "1964-11-01"), "v-day v-month");
	assert_string_equal(IDS("as_of", "1964-10-31"), "v-day");
}

static void search_folds_and_matches_a_phrase(void **s)
{
	(void)s;
	assert_string_equal(IDS("q", "Deng Xiaoping"), "v-day");
	assert_string_equal(IDS("q", "Dèng Xiǎopíng"), "v-day");
	assert_string_equal(IDS("q", "DENG xiao"), "v-day");
	assert_string_equal(IDS("q", "邓小平"), "v-day");
	/* "Kim Il" is Kim Il-sung (visitor, or host met), never Kim Jong-il */
	assert_string_equal(IDS("q", "Kim Il"), "v-day v-month");
	assert_string_equal(IDS("q", "김일성"), "v-day v-month");
	assert_string_equal(IDS("q", "Kim Jŏng-il"), "v-year");
	/* a companion's trip is found by her name */
	assert_string_equal(IDS("q", "Ri Sol-ju"), "v-year");
	assert_string_equal(IDS("q", "리설주"), "v-year");
	assert_string_equal(IDS("q", "ri sol ju", "status", "confirmed"), "v-year");
	/* text that folds to nothing filters nothing */
	assert_string_equal(IDS("q", "--", "year", "1965"), "v-year");
}

static void the_store_keeps_the_search_index(void **s)
{
	(void)s;
	/* every write updates the index through triggers: no rebuild */
	assert_string_equal(IDS("q", "Suryong"), "");
	exec("INSERT INTO person_alias(person, alias) VALUES('kim-il-sung','Suryong')");
	assert_string_equal(IDS("q", "suryong"), "v-day v-month");
	exec("DELETE FROM person_alias WHERE alias = 'Suryong'");
	assert_string_equal(IDS("q", "suryong"), "");
	exec("INSERT INTO place(visit, seq, name) VALUES('v-zhou', 1, 'Pyongyang')");
	assert_string_equal(IDS("q", "pyong"), "v-zhou");
	exec("UPDATE person SET name = 'Chou En-lai' WHERE id = 'zhou-enlai'");
	assert_string_equal(IDS("q", "Chou En-lai"), "v-zhou");
	assert_string_equal(IDS("q", "Zhou Enlai"), "");
	exec("UPDATE person SET name = 'Zhou Enlai' WHERE id = 'zhou-enlai'");
	exec("DELETE FROM place WHERE visit = 'v-zhou'");
	assert_string_equal(IDS("q", "pyong"), "");
	long n = -1;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(parley_sqlite(db),
	                                    "SELECT count(*) FROM visit_search", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	assert_int_equal(n, 5);
}

static void levels_offices_and_people(void **s)
{
	(void)s;
	assert_string_equal(IDS("min_level", "head_of_government"), "v-day v-month v-zhou");
	assert_string_equal(IDS("level", "deputy,paramount_leader"), "v-month v-year");
	/* the office from the tenures held on the day */
	assert_string_equal(IDS("office", "chn-premier"), "v-zhou");
	assert_string_equal(IDS("host", "kim-il-sung"), "v-day");
	assert_string_equal(IDS("person", "kim-il-sung"), "v-day v-month");
	assert_string_equal(IDS("visitor", "kim-il-sung"), "v-month");
	assert_string_equal(IDS("companion", "ri-sol-ju"), "v-year");
	assert_string_equal(IDS("direction", "CHN:PRK"), "v-day v-zhou");
	assert_string_equal(IDS("between", "PRK:CHN", "status", "rejected"), "v-rej");
	assert_string_equal(IDS("sort", "-date"), "v-zhou v-year v-month v-day");
	assert_string_equal(IDS("sort", "level"), "v-month v-day v-zhou v-year");
	assert_string_equal(IDS("limit", "2", "offset", "1"), "v-month v-year");
	assert_string_equal(IDS("page", "2", "per_page", "3"), "v-zhou");
	parley_visits *r = NULL;
	parley_visits_find(db, NULL, 1, &r, NULL);
	assert_non_null(r);
	assert_int_equal(r->total, 4);
	const parley_visit *z = &r->v[3];
	assert_string_equal(z->id, "v-zhou");
	assert_string_equal(z->office, "chn-premier");
	assert_string_equal(z->office_name, "Premier");
	assert_int_equal(r->v[1].precision, PARLEY_MONTH);
	assert_int_equal(r->v[0].nhosts, 1);
	assert_string_equal(r->v[0].hosts[0].person, "kim-il-sung");
	parley_visits_free(r);
}

static void facets_add_up_to_the_total(void **s)
{
	(void)s;
	parley_facet *f = NULL;
	parley_query q;
	parley_query_init(&q);
	assert_int_equal(parley_visits_facet(db, &q, "year", &f, NULL), PARLEY_OK);
	assert_int_equal(f->n, 3);
	assert_string_equal(f->values[0].value, "1970");
	long sum = 0;
	for (size_t i = 0; i < f->n; i++)
		sum += f->values[i].n;
	assert_int_equal(sum, 4);
	parley_facet_free(f);
	assert_int_equal(parley_visits_facet(db, &q, "colour", &f, NULL), PARLEY_EINVAL);
}

static void bad_filters_name_the_parameter(void **s)
{
	(void)s;
	static const char *const bad[][2] = {
	    {"from", "1964-13"}, {"year", "1964-11"}, {"between", "CHN:CHN"}, {"direction", "chn:prk"},
	    {"min_level", "emperor"}, {"level", "deputy,"}, {"type", "picnic"}, {"sort", "random"},
	    {"per_page", "0"}, {"q", "bad \xff utf-8"}, {"colour", "red"}, {"limit", "-1"}};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		parley_query q;
		parley_query_init(&q);
		parley_err err = {0, ""};
		assert_int_equal(parley_query_set(&q, bad[i][0], bad[i][1], &err), PARLEY_EINVAL);
		char want[64];
		snprintf(want, sizeof want, "parameter '%s'", bad[i][0]);
		assert_non_null(strstr(err.msg, want));
	}
	parley_query q;
	parley_query_init(&q);
	parley_err err = {0, ""};
	parley_visits *r = NULL;
	assert_int_equal(parley_query_set(&q, "visitor", "nobody", &err), PARLEY_OK);
	assert_int_equal(parley_visits_find(db, &q, 0, &r, &err), PARLEY_ENOTFOUND);
	assert_null(r);
	assert_non_null(strstr(err.msg, "parameter 'visitor'"));
	/* the CLI's spelling of a name is accepted */
	parley_query_init(&q);
	assert_int_equal(parley_query_set(&q, "min-level", "deputy", &err), PARLEY_OK);
	assert_string_equal(q.min_level, "deputy");
}

/* The plan of q (page, count, facets, tally) must not scan visit: with any filter
 * every step searches an index.  Two exceptions read what they must: when
 * the filter keeps the whole store (none, or only status=all and after=),
 * the count and facets read every row; and when status is the only filter
 * (most of a store shares one status), the page walks the list-order index,
 * which its LIMIT stops, never the table. */
static void check_plan(const char *const *kv, int walk_ok, int whole_store)
{
	parley_query q;
	parley_query_init(&q);
	char what[256] = "";
	for (int k = 0; kv[k]; k += 2) {
		assert_int_equal(parley_query_set(&q, kv[k], kv[k + 1], NULL), PARLEY_OK);
		size_t l = strlen(what);
		snprintf(what + l, sizeof what - l, "%s=%s ", kv[k], kv[k + 1]);
	}
	char plan[32768];
	parley_err err = {0, ""};
	if (pl_query_plan(db, &q, plan, sizeof plan, &err) != PARLEY_OK)
		fail_msg("plan of %s: %s", what, err.msg);
	int page = 0, tally = 0, walk = 0, search = 0;
	for (const char *l = plan; *l; l = strchr(l, '\n') + 1) {
		if (strncmp(l, "page:", 5) == 0 || strncmp(l, "count:", 6) == 0)
			page = l[0] == 'p';
		tally |= strncmp(l, "tally:", 6) == 0;
		/* the page that walks the list order: an index, in order */
		if (strncmp(l, "walk:", 5) == 0)
			walk = 1;
		int scan = strncmp(l, "SCAN v\n", 7) == 0 || strncmp(l, "SCAN v ", 7) == 0;
		int index_walk = strncmp(l, "SCAN v USING ", 13) == 0;
		if (scan && !(walk ? index_walk : page ? walk_ok && index_walk : whole_store))
			fail_msg("%sscans visit:\n%s", what, plan);
		/* it reads the list-order index */
		if (walk && (strstr(l, " USING INDEX visit_by_key_cover") ||
		             strstr(l, " USING COVERING INDEX visit_by_key_cover")))
			walk = 2;
		/* the tally: a pair, direction or country is one range of an
		 * index (two for a country), never a scan of the tally */
		if (tally && (q.a[0] || q.dir_from[0] || q.country[0]) && strncmp(l, "SCAN t", 6) == 0)
			fail_msg("%sscans the tally:\n%s", what, plan);
		/* a search reads the index's rows of its matches alone */
		search |= strncmp(l, "search:", 7) == 0;
		if (search && strncmp(l, "SCAN s", 6) == 0)
			fail_msg("%sscans the search index's rows:\n%s", what, plan);
	}
	if (walk == 1)
		fail_msg("%sa walk not in list order:\n%s", what, plan);
}

/* Every filter the API offers, alone and with every other (issue 13), in
 * both date orders: each is answered from an index. */
static void filters_use_indexes(void **s)
{
	(void)s;
	static const char *const filters[][4] = {
	    {"between", "CHN:PRK", NULL, NULL}, {"direction", "PRK:CHN", NULL, NULL},
	    {"country", "PRK", NULL, NULL}, {"from", "1964-11", "to", "1964-11"},
	    {"from", "1964", NULL, NULL}, {"to", "1970-03", NULL, NULL},
	    {"year", "1964", NULL, NULL}, {"as_of", "1965", NULL, NULL},
	    {"level", "deputy,head_of_state", NULL, NULL}, {"min_level", "head_of_government", NULL, NULL},
	    {"type", "official", NULL, NULL}, {"status", "rejected", NULL, NULL},
	    {"status", "confirmed,candidate", NULL, NULL},
	    {"office", "chn-premier", NULL, NULL}, {"person", "kim-il-sung", NULL, NULL},
	    {"visitor", "kim-il-sung", NULL, NULL}, {"companion", "ri-sol-ju", NULL, NULL},
	    {"host", "kim-il-sung", NULL, NULL}, {"top", "CHN", "between", "CHN:PRK"},
	    {"q", "Kim Il", NULL, NULL}, {"after", "v-month", NULL, NULL},
	    {"status", "all", "after", "v-day"}};
	static const char *const sorts[] = {"date", "-date", "level", "visitor"};
	size_t nf = sizeof filters / sizeof filters[0];
	for (size_t i = 0; i <= nf; i++)
		for (size_t j = i; j <= nf; j++)
			for (size_t o = 0; o < 4; o++) {
				const char *kv[12];
				int k = 0;
				for (size_t m = 0; m < 2; m++) {
					size_t f = m ? j : i;
					if (f == nf || (m && j == i))
						continue;
					for (int x = 0; x < 4 && filters[f][x]; x++)
						kv[k++] = filters[f][x];
				}
				int keyed = 0, dup = 0;
				for (int x = 0; x < k; x += 2) {
					keyed |= strcmp(kv[x], "after") == 0;
					for (int y = 0; y < x; y += 2)
						dup |= strcmp(kv[x], kv[y]) == 0;
				}
				if (dup || (keyed && o >= 2))
					continue; /* one value per name; after= pages by date only */
				kv[k++] = "sort";
				kv[k++] = sorts[o];
				kv[k] = NULL;
				/* no filter, status=all or after= alone: the whole store */
				int whole = 1, walk = 1;
				for (int x = 0; x < k - 2; x += 2) {
					int st = strcmp(kv[x], "status") == 0, af = strcmp(kv[x], "after") == 0;
					whole &= af || (st && strcmp(kv[x + 1], "all") == 0);
					walk &= af || st;
				}
				check_plan(kv, walk, whole);
			}
}

/* after= pages by (start_key, id): the same rows as offsets give, a total of
 * the whole filter, a next cursor until the last page, and rows inserted
 * before the cursor do not shift the pages after it. */
static void keyset_pages_follow_the_cursor(void **s)
{
	(void)s;
	assert_string_equal(IDS("status", "all", "limit", "2"), "v-day v-month");
	assert_string_equal(IDS("status", "all", "limit", "2", "after", "v-month"), "v-rej v-year");
	assert_string_equal(IDS("status", "all", "limit", "2", "after", "v-year"), "v-zhou");
	assert_string_equal(IDS("sort", "-date", "limit", "2", "after", "v-year"), "v-month v-day");
	parley_query q;
	parley_query_init(&q);
	parley_err err = {0, ""};
	parley_visits *r = NULL;
	assert_int_equal(parley_query_set(&q, "limit", "2", &err), PARLEY_OK);
	assert_int_equal(parley_visits_find(db, &q, 0, &r, &err), PARLEY_OK);
	assert_int_equal(r->total, 4);
	assert_string_equal(r->next_after, "v-month");
	/* a visit inserted before the cursor: the next page is unchanged, the total grows */
	exec("INSERT INTO visit(id, visitor, level, from_country, to_country, start_date, type, status)"
	     " VALUES ('v-early','kim-il-sung','deputy','PRK','CHN','1950-01-01','official','confirmed')");
	q.after = r->next_after;
	parley_visits *r2 = NULL;
	assert_int_equal(parley_visits_find(db, &q, 0, &r2, &err), PARLEY_OK);
	assert_int_equal(r2->total, 5);
	assert_int_equal(r2->n, 2);
	assert_string_equal(r2->v[0].id, "v-year");
	assert_string_equal(r2->v[1].id, "v-zhou");
	assert_null(r2->next_after);
	parley_visits_free(r2);
	parley_visits_free(r);
	exec("DELETE FROM visit WHERE id = 'v-early'");
	/* errors name the parameter */
	static const char *const bad[][4] = {{"after", "nobody", NULL, NULL},
	                                      {"after", "v-day", "sort", "level"},
	                                      {"after", "v-day", "page", "2"}};
	for (size_t i = 0; i < 3; i++) {
		parley_query_init(&q);
		for (int k = 0; k < 4 && bad[i][k]; k += 2)
			assert_int_equal(parley_query_set(&q, bad[i][k], bad[i][k + 1], &err), PARLEY_OK);
		r = NULL;
		assert_int_not_equal(parley_visits_find(db, &q, 0, &r, &err), PARLEY_OK);
		assert_null(r);
		assert_non_null(strstr(err.msg, "parameter 'after'"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(partial_dates_match_a_range_they_overlap),
	    cmocka_unit_test(search_folds_and_matches_a_phrase),
	    cmocka_unit_test(the_store_keeps_the_search_index),
	    cmocka_unit_test(levels_offices_and_people),
	    cmocka_unit_test(facets_add_up_to_the_total),
	    cmocka_unit_test(bad_filters_name_the_parameter),
	    cmocka_unit_test(filters_use_indexes),
	    cmocka_unit_test(keyset_pages_follow_the_cursor),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
