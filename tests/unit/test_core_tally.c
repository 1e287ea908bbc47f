/* test_core_tally.c - the visit tally and the search index's rows (issue
 * 13) stay exact on every write
 * path: after the bundled import, a file import, a visit written, edited
 * (pair, date, level, status), reverted, removed, deleted, renamed, a
 * review accept and reject, changes approved from the review queue and raw
 * SQL, the tally equals a GROUP BY of the visits, and every total and
 * facet the tally or a search answers equals the count of the matching
 * visits (and a page chosen with their help holds the same rows). */
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
#include "test_pack.h"
#include "test_sql.h"

static char dir[64];
static char path[128];
static parley_db *db;

/* The tally's rows and the visits grouped the same way, as text. */
static char *rows_of(const char *sql)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(parley_sqlite(db), sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(parley_sqlite(db)));
	pl_buf b;
	pl_buf_init(&b, (size_t)1 << 26);
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (int i = 0; i < sqlite3_column_count(st); i++)
			pl_buf_addf(&b, "%s%s", i ? "|" : "", (const char *)sqlite3_column_text(st, i));
		pl_buf_addc(&b, '\n');
	}
	sqlite3_finalize(st);
	char *s = pl_buf_take(&b); /* NULL when an append failed */
	assert_non_null(s);
	return s;
}

/* Each tally, and the same GROUP BY over the visits: they must agree. */
static const struct {
	const char *name, *tally, *visits;
} tallies[] = {
    {"tally",
     "SELECT pair_key, year, from_country, to_country, level, type, status, n"
     " FROM visit_tally ORDER BY 1, 2, 3, 4, 5, 6, 7",
     "SELECT pair_key, substr(start_date, 1, 4), from_country, to_country, level,"
     " type, status, count(*) FROM visit GROUP BY 1, 2, 3, 4, 5, 6, 7"
     " ORDER BY 1, 2, 3, 4, 5, 6, 7"},
    {"tally per country",
     "SELECT country, year, level, type, status, n FROM visit_tally_country ORDER BY 1, 2, 3, 4, 5",
     "SELECT c, substr(start_date, 1, 4), level, type, status, count(*) FROM"
     " (SELECT from_country AS c, * FROM visit UNION ALL"
     " SELECT to_country, * FROM visit WHERE to_country <> from_country)"
     " GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5"},
    {"tally per direction",
     "SELECT from_country, to_country, status, n FROM visit_tally_dir ORDER BY 1, 2, 3",
     "SELECT from_country, to_country, status, count(*) FROM visit GROUP BY 1, 2, 3"
     " ORDER BY 1, 2, 3"},
    {"tally per person",
     "SELECT person, trips, hosted FROM person_tally ORDER BY 1",
     "SELECT person, sum(t), sum(h) FROM (SELECT visitor AS person, 1 AS t, 0 AS h FROM visit"
     " WHERE visitor IS NOT NULL UNION ALL SELECT person, 0, 1 FROM visit_person WHERE role = 'host'"
     " AND person IS NOT NULL)"
     " GROUP BY 1 ORDER BY 1"},
    {"person key (visit_person_key)",
     "SELECT person, role, start_key, visit, status, from_country, to_country, level, type"
     " FROM visit_person_key ORDER BY 1, 2, 3, 4",
     "SELECT DISTINCT vp.person, vp.role, v.start_key, v.id, v.status, v.from_country,"
     " v.to_country, v.level, v.type FROM visit_person vp JOIN visit v ON v.id = vp.visit"
     " WHERE vp.person IS NOT NULL ORDER BY 1, 2, 3, 4"},
    {"yearly tally",
     "SELECT year, level, type, status, n FROM visit_tally_year ORDER BY 1, 2, 3, 4",
     "SELECT substr(start_date, 1, 4), level, type, status, count(*) FROM visit"
     " GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4"},
};

static void tally_is_group_by(const char *after)
{
	for (size_t i = 0; i < sizeof tallies / sizeof tallies[0]; i++) {
		char *t = rows_of(tallies[i].tally), *v = rows_of(tallies[i].visits);
		if (strcmp(t, v) != 0)
			fail_msg("after %s the %s is not the visits grouped:\ntally:\n%.2000s\nvisits:\n%.2000s",
			         after, tallies[i].name, t, v);
		free(t);
		free(v);
	}
}

/* The filters the tally answers, one per line of name=value pairs. */
static const char *const covered[][8] = {
    {NULL},
    {"between", "CHN:PRK", NULL},
    {"between", "PRK:CHN", "from", "1960", "to", "1979", NULL},
    {"direction", "PRK:CHN", NULL},
    {"country", "CHN", "status", "all", NULL},
    {"country", "USA", "year", "2019", NULL},
    {"from", "1964", NULL},
    {"to", "1970", NULL},
    {"year", "2018", "status", "all", NULL},
    {"as_of", "2000", NULL},
    {"min_level", "head_of_government", "between", "CHN:PRK", NULL},
    {"level", "head_of_state,ministerial", NULL},
    {"type", "official,state", "from", "2000", NULL},
    {"status", "candidate,rejected", NULL},
    {"status", "all", "min_level", "head_of_state", "country", "PRK", NULL},
};

static void set(parley_query *q, const char *const *kv)
{
	parley_query_init(q);
	for (int k = 0; kv[k]; k += 2)
		assert_int_equal(parley_query_set(q, kv[k], kv[k + 1], NULL), PARLEY_OK);
}

static int add_direction(void *ud, const char *from, const char *to, long n, parley_err *err)
{
	(void)err;
	pl_buf_addf(ud, " %s>%s=%ld", from ? from : "?", to ? to : "?", n);
	return PARLEY_OK;
}

/* Total, pages, five facets and the counts per direction of q as one
 * line of text. */
static char *answer(const parley_query *q)
{
	parley_err err = {0, ""};
	parley_visits *r = NULL;
	if (parley_visits_find(db, q, 0, &r, &err) != PARLEY_OK)
		fail_msg("find: %s", err.msg);
	pl_buf b;
	pl_buf_init(&b, (size_t)1 << 24);
	pl_buf_addf(&b, "total %ld;", r->total);
	long total = r->total;
	parley_visits_free(r);
	/* a page of 3 each way, one past the last page, and one from the
	 * middle each way: a walk of the list order (walk_first), a search's
	 * one pass (search_page), the filter's index or a deep offset started
	 * at the year the tally puts it in (skip_years) give the same rows and
	 * total */
	for (int d = 0; d < 5; d++) {
		parley_query p = *q;
		p.limit = 3;
		p.sort = d == 1 || d == 4 ? "-date" : NULL;
		p.offset = d == 2 ? 100000 : d >= 3 ? total / 2 + d - 3 : 0;
		if (parley_visits_find(db, &p, 0, &r, &err) != PARLEY_OK)
			fail_msg("page: %s", err.msg);
		pl_buf_adds(&b, " page:");
		for (size_t i = 0; i < r->n; i++)
			pl_buf_addf(&b, " %s", r->v[i].id);
		pl_buf_addf(&b, " next %s total %ld;", r->next_after ? r->next_after : "-", r->total);
		/* the page after the first row (keyset paging, after=): from the
		 * search's matches in memory or from SQL, the same rows */
		if (d < 2 && r->n) {
			parley_query k = p;
			k.after = r->v[0].id;
			parley_visits *ra = NULL;
			if (parley_visits_find(db, &k, 0, &ra, &err) != PARLEY_OK)
				fail_msg("page after %s: %s", k.after, err.msg);
			pl_buf_adds(&b, " after:");
			for (size_t i = 0; i < ra->n; i++)
				pl_buf_addf(&b, " %s", ra->v[i].id);
			pl_buf_addf(&b, " next %s total %ld;", ra->next_after ? ra->next_after : "-", ra->total);
			parley_visits_free(ra);
		}
		parley_visits_free(r);
	}
	static const char *const fields[] = {"direction", "level", "type", "status", "year"};
	parley_facet *f[5];
	if (parley_visits_facets(db, q, fields, 5, f, &err) != PARLEY_OK)
		fail_msg("facets: %s", err.msg);
	for (int k = 0; k < 5; k++) {
		long sum = 0;
		pl_buf_addf(&b, " %s:", fields[k]);
		for (size_t i = 0; i < f[k]->n; i++) {
			pl_buf_addf(&b, " %s=%ld", f[k]->values[i].value, f[k]->values[i].n);
			sum += f[k]->values[i].n;
		}
		pl_buf_addf(&b, " (sum %ld)", sum);
		parley_facet_free(f[k]);
	}
	pl_buf_adds(&b, " by direction:");
	if (parley_visits_by_direction(db, q, add_direction, &b, &err) != PARLEY_OK)
		fail_msg("by direction: %s", err.msg);
	pl_buf_adds(&b, " by direction:");
	if (parley_visits_by_direction(db, q, add_direction, &b, &err) != PARLEY_OK)
		fail_msg("by direction: %s", err.msg);
	char *s = pl_buf_take(&b); /* NULL when an append failed */
	assert_non_null(s);
	return s;
}

/* The searches the search index's rows answer (query_search.c). */
static const char *const searches[][10] = {
    {"q", "kim", NULL},
    {"q", "Kim Il", "status", "all", NULL},
    {"q", "kim", "from", "1964-06", "to", "1970-03-31", NULL},
    {"q", "pyongyang", "between", "CHN:PRK", "min_level", "head_of_government", NULL},
    {"q", "beijing", "direction", "PRK:CHN", "type", "official,state", "as_of", "2000-06", NULL},
    {"q", "china", "country", "USA", "level", "head_of_state,head_of_government", NULL},
    {"q", "first", "status", "reported,confirmed", "year", "2026", NULL},
    {"q", "kim", "since", "1970-02", "as_of", "1999-12-31", NULL},
    {"q", "visit", "from", "1953", "to", "1980-07-04", "status", "all", NULL},
    {"q", "kim", "from", "1961-07-11", "to", "1961-07-11", "status", "all", NULL},
    {"q", "china", "since", "1999", "as_of", "2019-05", NULL},
};

/* The answers of filter kv: from the tally or the search index's rows,
 * then from the visits themselves; they must be the same. */
static void agree(const char *after, const char *const *kv, int search)
{
	parley_query q;
	set(&q, kv);
	assert_true(search ? pl_search_covers(&q) : pl_tally_covers(&q));
	/* a search is answered by the search pack, kept current by every
	 * write (query_search_pack.c), not by its fallback to the rows */
	if (search) {
		parley_err err = {0, ""};
		int rc = pack_answers(db, &q, &err);
		if (rc != PARLEY_OK)
			fail_msg("after %s, search %s: the search pack did not answer (%d: %s)", after, kv[1],
			         rc, err.msg);
	}
	char *t = answer(&q);
	if (search) {
		/* the pack's dates as key bounds and as text: the same */
		pl_pack_text_dates = 1;
		char *x = answer(&q);
		pl_pack_text_dates = 0;
		if (strcmp(t, x) != 0)
			fail_msg("after %s, search %s: key bounds say\n%s\ntext says\n%s", after, kv[1], t, x);
		free(x);
	}
	pl_tally_off = 1;
	char *v = answer(&q);
	pl_tally_off = 0;
	if (strcmp(t, v) != 0)
		fail_msg("after %s, %s %s=%s: the %s says\n%s\nthe visits say\n%s", after,
		         search ? "search" : "filter", kv[0] ? kv[0] : "", kv[0] ? kv[1] : "",
		         search ? "search index" : "tally", t, v);
	free(t);
	free(v);
}

/* Every covered filter and search: the same answer both ways. */
static void answers_agree(const char *after)
{
	for (size_t i = 0; i < sizeof searches / sizeof searches[0]; i++)
		agree(after, searches[i], 1);
	for (size_t i = 0; i < sizeof covered / sizeof covered[0]; i++)
		agree(after, covered[i], 0);
}

/* The people search's folded text (person_search) is the names, native
 * names and aliases folded now (person_search_text). */
static void people_text_is_current(const char *after)
{
	char *t = rows_of("SELECT person, body FROM person_search ORDER BY 1");
	char *v = rows_of("SELECT person, body FROM person_search_text ORDER BY 1");
	if (strcmp(t, v) != 0)
		fail_msg("after %s the people search's text is stale:\nkept:\n%.2000s\nnow:\n%.2000s",
		         after, t, v);
	free(t);
	free(v);
}

static void check(const char *after)
{
	people_text_is_current(after);
	tally_is_group_by(after);
	answers_agree(after);
}

static long scalar(const char *sql)
{
	return sql_scalar(db, sql);
}

/* Raw SQL, then the search index refresh the library's own writes do at
 * commit (the tally needs none: its triggers run in the write itself). */
static void exec(const char *sql)
{
	exec_synced(db, sql);
}

static const char *visit_json =
    "{\"id\":\"2026-11-01-prk-chn-tally\",\"level\":\"head_of_state\",\"from_country\":\"PRK\","
    "\"to_country\":\"CHN\",\"start_date\":\"2026-11-01\",\"type\":\"official\","
    "\"status\":\"reported\",\"summary\":\"First.\","
    "\"sources\":[{\"id\":\"s-tally\",\"citation\":\"A unit test source\",\"passage\":\"p\"}]}";
static const char *vid = "2026-11-01-prk-chn-tally";

static void etag(char *v, size_t cap)
{
	visit_etag(db, vid, v, cap);
}

static void write_ok(const char *id, const char *json, const char *why)
{
	visit_write_ok(db, id, json, why);
	check(why);
}

/* The bundled store, then each write path in turn. */
static void every_write_keeps_the_tally(void **s)
{
	(void)s;
	parley_err err = {0, ""};
	check("an empty store");
	if (parley_load_bundled(db, NULL, NULL, &err) != PARLEY_OK)
		fail_msg("bundled: %s", err.msg);
	assert_true(scalar("SELECT count(*) FROM visit") > 100);
	check("the bundled import");

	/* an import of a file: a new visit and a change of a bundled one */
	char csv[160];
	snprintf(csv, sizeof csv, "%s/visit.csv", dir);
	FILE *f = fopen(csv, "w");
	assert_non_null(f);
	fputs("id,visitor,visitor_label,visitor_office,visitor_title,level,from_country,to_country,"
	      "start_date,end_date,type,summary,confidence,status,disputed,note\n"
	      "1999-tally-usa-chn,,A visitor,,,head_of_government,USA,CHN,1999,,working,An import,,"
	      "candidate,,\n", f);
	fclose(f);
	const char *paths[] = {csv};
	parley_import_options opt = {.unsourced_ok = 1};
	if (parley_import_with(db, paths, 1, &opt, NULL, NULL, &err) != PARLEY_OK)
		fail_msg("import: %s", err.msg);
	assert_int_equal(scalar("SELECT count(*) FROM visit WHERE id = '1999-tally-usa-chn'"), 1);
	check("a file import");

	/* review: accept the candidate (once it cites a source), then reject it */
	exec("INSERT INTO source(id, citation) VALUES ('s-tally-import', 'A unit test source');"
	     "INSERT INTO visit_source(visit, source) VALUES ('1999-tally-usa-chn', 's-tally-import')");
	if (parley_review_accept(db, "1999-tally-usa-chn", "rita", &err) != PARLEY_OK)
		fail_msg("review accept: %s", err.msg);
	check("a review accept");
	exec("UPDATE visit SET status = 'candidate' WHERE id = '1999-tally-usa-chn'");
	check("a raw status change");
	assert_int_equal(parley_review_reject(db, "1999-tally-usa-chn", "rita", "not so", &err),
	                 PARLEY_OK);
	check("a review reject");

	/* the write API: create, then change pair, date (precision too),
	 * level, type and status, one at a time */
	write_ok(NULL, visit_json, "a created visit");
	write_ok(vid, "{\"from_country\":\"USA\"}", "a changed country");
	write_ok(vid, "{\"start_date\":\"1971-07\"}", "a changed date");
	write_ok(vid, "{\"start_date\":\"1972\",\"level\":\"ministerial\"}", "a changed level");
	write_ok(vid, "{\"type\":\"state\",\"status\":\"confirmed\"}", "a changed status");
	write_ok(vid, "{\"summary\":\"Only the text.\"}", "a text change");

	/* revert of the level change: the history's update with that reason */
	char *h = NULL;
	assert_int_equal(parley_visit_history(db, vid, &h, &err), PARLEY_OK);
	const char *at = strstr(h, "\"a changed level\"");
	assert_non_null(at);
	const char *seqp = NULL;
	for (const char *p = h; p && p < at; p = strstr(p + 1, "\"seq\":"))
		seqp = p;
	assert_non_null(seqp);
	long seq = strtol(strchr(seqp, ':') + 1, NULL, 10);
	free(h);
	char v[64];
	etag(v, sizeof v);
	assert_int_equal(parley_visit_revert(db, vid, seq, v, "undo", &err), PARLEY_OK);
	check("a revert");

	/* rename: the id moves, the counts do not */
	assert_int_equal(parley_rename(db, "visit", vid, "1972-usa-chn-tally", "a better id", NULL,
	                               &err), PARLEY_OK);
	check("a rename");
	assert_int_equal(parley_rename(db, "visit", "1972-usa-chn-tally", vid, "back", NULL, &err),
	                 PARLEY_OK);

	/* changes held for review, approved: a change, then the deletion */
	long n = 0;
	const char *prop = "{\"to_country\":\"PRK\",\"level\":\"head_of_government\"}";
	etag(v, sizeof v);
	assert_int_equal(parley_change_propose(db, "change", vid, prop, strlen(prop), v, "proposal",
	                                       "web:eddie", &n, NULL, &err), PARLEY_OK);
	check("a proposal (nothing written)");
	assert_int_equal(parley_change_decide(db, n, 1, "web:vic", "ok", NULL, &err), PARLEY_OK);
	check("an approved change");
	etag(v, sizeof v);
	assert_int_equal(parley_change_propose(db, "delete", vid, NULL, 0, v, "gone", "web:eddie", &n,
	                                       NULL, &err), PARLEY_OK);
	assert_int_equal(parley_change_decide(db, n, 1, "web:vic", "ok", NULL, &err), PARLEY_OK);
	assert_int_equal(scalar("SELECT count(*) FROM visit WHERE id = '2026-11-01-prk-chn-tally'"), 0);
	check("an approved deletion");

	/* removal through the write API and deletion by concept */
	write_ok(NULL, visit_json, "the visit again");
	etag(v, sizeof v);
	assert_int_equal(parley_visit_remove(db, vid, v, "gone", &err), PARLEY_OK);
	check("a removal");
	assert_int_equal(parley_delete(db, "visit", "1999-tally-usa-chn", "gone too", &err), PARLEY_OK);
	check("a deletion");

	/* who made and hosted visits (person_tally): visitors and hosts
	 * moved, hosts made companions, visitors removed */
	assert_true(scalar("SELECT count(*) FROM person_tally WHERE trips > 0") > 10);
	assert_true(scalar("SELECT count(*) FROM person_tally WHERE hosted > 0") > 10);
	exec("UPDATE visit_person SET role = 'companion', seq = seq + 1000"
	     " WHERE rowid % 2 = 0 AND role = 'host'");
	check("hosts made companions");
	exec("UPDATE visit_person SET person = (SELECT min(id) FROM person) WHERE rowid % 5 = 0");
	check("hosts and companions moved to one person");
	exec("UPDATE visit_person SET person = NULL WHERE rowid % 7 = 0");
	check("hosts named without a person id");
	exec("UPDATE visit SET visitor = (SELECT max(id) FROM person) WHERE rowid % 4 = 1");
	check("visitors moved to one person");
	exec("UPDATE visit SET visitor = NULL WHERE rowid % 4 = 2");
	check("visitors removed");

	/* raw SQL in bulk: every year moved, a pair swapped, all deleted */
	exec("UPDATE visit SET start_date = '19' || substr(start_date, 3) WHERE start_date >= '2000'");
	check("a bulk date change");
	exec("UPDATE visit SET from_country = to_country, to_country = from_country"
	     " WHERE rowid % 3 = 0");
	check("swapped directions");
	exec("DELETE FROM visit_person; DELETE FROM visit_source; DELETE FROM place;"
	     " DELETE FROM activity; DELETE FROM external_id; DELETE FROM visit");
	check("deleting every visit");
	assert_int_equal(scalar("SELECT count(*) FROM visit_tally"), 0);
	assert_int_equal(scalar("SELECT count(*) FROM visit_tally_year"), 0);
	assert_int_equal(scalar("SELECT count(*) FROM visit_tally_country"), 0);
	assert_int_equal(scalar("SELECT count(*) FROM person_tally"), 0);
}

/* The ids parley_people_find returns for text, space-separated. */
static char *people_ids(const char *text)
{
	parley_people *ps = NULL;
	parley_err err = {0, ""};
	if (parley_people_find(db, text, 0, &ps, &err) != PARLEY_OK)
		fail_msg("people %s: %s", text, err.msg);
	pl_buf b;
	pl_buf_init(&b, 1u << 20);
	pl_buf_adds(&b, "");
	for (size_t i = 0; i < ps->n; i++)
		pl_buf_addf(&b, "%s ", ps->p[i].id);
	parley_people_free(ps);
	char *s = pl_buf_take(&b);
	assert_non_null(s);
	return s;
}

static void people_are(const char *text, const char *want, const char *after)
{
	char *got = people_ids(text);
	if (strcmp(got, want) != 0)
		fail_msg("after %s, people matching '%s': got '%s', want '%s'", after, text, got, want);
	free(got);
}

/* The people search reads the store's folded text: it follows a person
 * written, renamed and given an alias, and finds them by a folded name
 * even while raw SQL's marks are not yet refreshed (it folds then). */
static void people_search_follows_writes(void **s)
{
	(void)s;
	parley_err err = {0, ""};
	char *msg = NULL;
	/* raw SQL, not refreshed: the marks stay, the names are folded per person */
	if (sqlite3_exec(parley_sqlite(db), "INSERT INTO person(id, name, native_name, country)"
	                 " VALUES ('tally-zoe', 'Zoë Qwertyuiop', 'Ζωή', 'USA');"
	                 "INSERT INTO person_alias(person, alias) VALUES ('tally-zoe', 'Asdfghjkl Zed')",
	                 NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("insert: %s", msg ? msg : "");
	assert_true(scalar("SELECT count(*) FROM person_search_dirty") > 0);
	people_are("zoe qwerty", "tally-zoe ", "a raw insert (unrefreshed)");
	people_are("ASDFGHJKL", "tally-zoe ", "a raw insert (unrefreshed)");
	people_are("ζωη", "tally-zoe ", "a raw insert (unrefreshed)");
	people_are("qwertyuiop zoe", "", "a raw insert (unrefreshed)");
	/* refreshed: the same answers from the kept text */
	assert_int_equal(parley_search_sync(db, &err), PARLEY_OK);
	assert_int_equal(scalar("SELECT count(*) FROM person_search_dirty"), 0);
	people_text_is_current("a refresh");
	people_are("zoe qwerty", "tally-zoe ", "a refresh");
	people_are("ζωη", "tally-zoe ", "a refresh");
	people_are("qwertyuiop zoe", "", "a refresh");
	/* an alias changed, a rename through the library */
	exec("UPDATE person_alias SET alias = 'Lkjhgf' WHERE person = 'tally-zoe'");
	people_text_is_current("an alias change");
	people_are("asdfghjkl", "", "an alias change");
	people_are("lkjhgf", "tally-zoe ", "an alias change");
	assert_int_equal(parley_rename(db, "person", "tally-zoe", "tally-zoe-2", "a better id", NULL,
	                               &err), PARLEY_OK);
	people_text_is_current("a person renamed");
	people_are("zoe", "tally-zoe-2 ", "a person renamed");
	exec("DELETE FROM person_alias WHERE person = 'tally-zoe-2'; DELETE FROM person WHERE id = 'tally-zoe-2'");
	people_text_is_current("a person deleted");
	people_are("zoe qwerty", "", "a person deleted");
	assert_int_equal(scalar("SELECT count(*) FROM person_search WHERE person LIKE 'tally-zoe%'"), 0);
}

/* Each page of parley_people_page is the slice of the whole list at its
 * offset, in the same order, with the total of every match: for everyone
 * and for a search, read from the names folded per person (raw SQL's
 * marks) and from the kept text. */
static void pages_are_slices(const char *text, const char *after)
{
	char *whole = people_ids(text);
	size_t n = 0;
	for (const char *c = whole; *c; c++)
		n += *c == ' ';
	pl_buf b;
	pl_buf_init(&b, 1u << 20);
	pl_buf_adds(&b, "");
	for (size_t off = 0; off <= n + 3; off += 3) {
		parley_people *ps = NULL;
		parley_err err = {0, ""};
		long total = -1;
		if (parley_people_page(db, text, off, 3, &ps, &total, &err) != PARLEY_OK)
			fail_msg("people page %s at %zu: %s", text ? text : "(all)", off, err.msg);
		if (total != (long)n || ps->n != (off >= n ? 0 : n - off < 3 ? n - off : 3))
			fail_msg("after %s, people '%s' at %zu: total %ld of %zu, %zu rows", after,
			         text ? text : "(all)", off, total, n, ps->n);
		for (size_t i = 0; i < ps->n; i++)
			pl_buf_addf(&b, "%s ", ps->p[i].id);
		parley_people_free(ps);
	}
	char *paged = pl_buf_take(&b);
	assert_non_null(paged);
	if (strcmp(paged, whole) != 0)
		fail_msg("after %s, people '%s' page by page: '%s', whole: '%s'", after, text ? text : "(all)",
		         paged, whole);
	free(paged);
	free(whole);
}

static void people_pages_follow_the_list(void **s)
{
	(void)s;
	char *msg = NULL;
	if (sqlite3_exec(parley_sqlite(db), "INSERT INTO person(id, name, country) VALUES"
	                 " ('page-a', 'Pagetest Anna', 'USA'), ('page-b', 'pagetest bo', 'USA'),"
	                 " ('page-c', 'Pagetest Cy', 'USA'), ('page-d', 'Pagetest Cy', 'USA'),"
	                 " ('page-e', 'Pagetest Eve', 'USA'), ('page-f', 'Other Fay', 'USA'),"
	                 " ('page-g', 'Pagetest Gus', 'USA')", NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("insert: %s", msg ? msg : "");
	pages_are_slices(NULL, "a raw insert (unrefreshed)");
	pages_are_slices("pagetest", "a raw insert (unrefreshed)");
	people_are("pagetest", "page-a page-b page-c page-d page-e page-g ", "a raw insert (unrefreshed)");
	parley_err err = {0, ""};
	assert_int_equal(parley_search_sync(db, &err), PARLEY_OK);
	pages_are_slices(NULL, "a refresh");
	pages_are_slices("pagetest", "a refresh");
	pages_are_slices("no such name at all", "a refresh");
	exec("DELETE FROM person WHERE id LIKE 'page-%'");
}

/* The total of a search for text on this connection. */
static long search_total(const char *text)
{
	parley_query q;
	parley_query_init(&q);
	q.text = text;
	q.limit = 10;
	parley_visits *r = NULL;
	parley_err err = {0, ""};
	if (parley_visits_find(db, &q, 0, &r, &err) != PARLEY_OK)
		fail_msg("search %s: %s", text, err.msg);
	long n = r->total;
	parley_visits_free(r);
	return n;
}

/* A search's matches are kept for the next request of the same search
 * (pl_search_matches); a visit written, then rolled back, changes neither
 * the store's version nor the connection's change count back, so what a
 * transaction read is never reused. */
static void search_forgets_a_rollback(void **s)
{
	(void)s;
	assert_int_equal(search_total("Qzxrollback"), 0);
	exec("BEGIN; INSERT INTO visit(id, from_country, to_country, start_date, summary)"
	     " VALUES ('tally-rollback', 'CHN', 'PRK', '1999-01-02', 'Qzxrollback talks')");
	assert_int_equal(search_total("Qzxrollback"), 1);
	assert_int_equal(search_total("Qzxrollback"), 1);
	exec("ROLLBACK");
	assert_int_equal(search_total("Qzxrollback"), 0);
	/* outside a transaction the kept matches follow a write */
	exec("INSERT INTO visit(id, from_country, to_country, start_date, summary)"
	     " VALUES ('tally-rollback', 'CHN', 'PRK', '1999-01-02', 'Qzxrollback talks')");
	assert_int_equal(search_total("Qzxrollback"), 1);
	exec("DELETE FROM visit WHERE id = 'tally-rollback'");
	assert_int_equal(search_total("Qzxrollback"), 0);
}

/* A connection keeps the matches of its last few one-word searches
 * (query_search_pack.c, words_keep): asked in turn, five words of 1 to 5
 * matches each give their own totals whether kept, moved to the front, or
 * pushed out and read again; a write drops them all. */
static void search_keeps_words_in_turn(void **s)
{
	(void)s;
	static const char *const words[] = {"qzxwa", "qzxwb", "qzxwc", "qzxwd", "qzxwe"};
	for (int w = 0; w < 5; w++)
		for (int i = 0; i <= w; i++) {
			char sql[256];
			snprintf(sql, sizeof sql, "INSERT INTO visit(id, from_country, to_country, start_date, summary)"
			         " VALUES ('tally-w%d-%d', 'CHN', 'PRK', '1999-01-0%d', '%s talks')", w, i, i + 1,
			         words[w]);
			exec(sql);
		}
	static const int turns[] = {0, 1, 0, 2, 1, 3, 4, 0, 2, 4, 4, 1, 3, 0};
	for (size_t t = 0; t < sizeof turns / sizeof turns[0]; t++) {
		parley_query q;
		parley_query_init(&q);
		q.text = words[turns[t]];
		parley_err err = {0, ""};
		assert_int_equal(pack_answers(db, &q, &err), PARLEY_OK);
		assert_int_equal(search_total(words[turns[t]]), turns[t] + 1);
	}
	exec("INSERT INTO visit(id, from_country, to_country, start_date, summary)"
	     " VALUES ('tally-w1-9', 'CHN', 'PRK', '1999-02-01', 'qzxwb and qzxwd')");
	assert_int_equal(search_total("qzxwb"), 3);
	assert_int_equal(search_total("qzxwd"), 5);
	assert_int_equal(search_total("qzxwa"), 1);
	exec("DELETE FROM visit WHERE id LIKE 'tally-w%'");
	for (int w = 0; w < 5; w++)
		assert_int_equal(search_total(words[w]), 0);
}

/* The search pack answers only when no chunk is marked: a raw write that
 * did not go through the library (no flush) leaves its mark, and the search
 * then reads its rows, with the same, exact answer; the library's next flush
 * repacks the chunk and the pack answers again. */
static int pack_answers_text(const char *text)
{
	parley_query q;
	parley_query_init(&q);
	q.text = text;
	parley_err err = {0, ""};
	int rc = pack_answers(db, &q, &err);
	if (rc != PARLEY_OK && rc != PARLEY_ELIMIT)
		fail_msg("pack: %s", err.msg);
	return rc == PARLEY_OK;
}

static void search_pack_follows_raw_writes(void **s)
{
	(void)s;
	exec("INSERT INTO visit(id, from_country, to_country, start_date, summary)"
	     " VALUES ('tally-pack', 'CHN', 'PRK', '1999-01-02', 'Qzxpack talks')");
	assert_true(pack_answers_text("Qzxpack"));
	assert_int_equal(search_total("Qzxpack"), 1);
	/* the search row's status changed by raw SQL, no flush: marked */
	char *msg = NULL;
	if (sqlite3_exec(parley_sqlite(db), "UPDATE visit_search SET status = 'rejected' WHERE visit = 'tally-pack'",
	                 NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("update: %s", msg);
	assert_int_equal(scalar("SELECT count(*) FROM search_pack_dirty"), 1);
	assert_false(pack_answers_text("Qzxpack"));
	assert_int_equal(search_total("Qzxpack"), 0); /* rejected: not in the default statuses */
	parley_err err = {0, ""};
	assert_int_equal(parley_search_sync(db, &err), PARLEY_OK);
	assert_int_equal(scalar("SELECT count(*) FROM search_pack_dirty"), 0);
	assert_true(pack_answers_text("Qzxpack"));
	assert_int_equal(search_total("Qzxpack"), 0);
	exec("DELETE FROM visit WHERE id = 'tally-pack'");
	assert_true(pack_answers_text("Qzxpack"));
	assert_int_equal(search_total("Qzxpack"), 0);
}

/* What the tally does not answer is counted from the visits: a range that
 * is not whole years, a search, a person. */
static void other_filters_count_the_visits(void **s)
{
	(void)s;
	static const char *const others[][4] = {
	    {"from", "1964-06", NULL}, {"to", "1970-03-31", NULL}, {"as_of", "2000-06", NULL},
	    {"q", "Kim", NULL}, {"person", "kim-il-sung", NULL}, {"visitor", "kim-jong-un", NULL},
	    {"host", "xi-jinping", NULL}, {"ids", "v-1,v-2", NULL}};
	for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
		parley_query q;
		set(&q, others[i]);
		assert_false(pl_tally_covers(&q));
	}
}

static int setup(void **s)
{
	(void)s;
	snprintf(dir, sizeof dir, "/tmp/parley-tally-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/t.db", dir);
	return parley_open(path, PARLEY_OPEN_CREATE, &db, NULL) == PARLEY_OK ? 0 : -1;
}

static int teardown(void **s)
{
	(void)s;
	parley_close(db);
	const char *ext[] = {"", "-wal", "-shm"};
	char p[192];
	for (size_t i = 0; i < 3; i++) {
		snprintf(p, sizeof p, "%s%s", path, ext[i]);
		unlink(p);
	}
	snprintf(p, sizeof p, "%s/visit.csv", dir);
	unlink(p);
	rmdir(dir);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_write_keeps_the_tally),
	    cmocka_unit_test(other_filters_count_the_visits),
	    cmocka_unit_test(people_search_follows_writes),
	    cmocka_unit_test(people_pages_follow_the_list),
	    cmocka_unit_test(search_forgets_a_rollback),
	    cmocka_unit_test(search_pack_follows_raw_writes),
	    cmocka_unit_test(search_keeps_words_in_turn),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
