/* test_core_person_key.c - a person's lists by role (host=, companion=,
 * person=), read from visit_person_key (query_person_key.c, issue 13),
 * stay the filter's own after every kind of write: on the bundled store,
 * then after a visit with hosts and a delegation is written, its dates
 * moved (precision too), its status, pair and level changed, a change
 * reverted from the audit log, delegation rows edited and deleted by raw
 * SQL, the visit renamed, and visits deleted.  After each, for every
 * person named on a visit, in each role, with the default statuses and
 * with all of them, every page of 8 both ways (from the first, by offset
 * and by key), the total and the five facets must equal an oracle: the
 * same question asked of visit and visit_person in SQL, which never reads
 * the key table. */
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

static char dir[64];
static parley_db *db;

#include "test_tmpdir.h"

/* The oracle's WHERE for role (host, companion, person) over visit v,
 * with ?1 the person and ?2 the status list ('' = all). */
static const char *oracle_where(const char *role)
{
	if (strcmp(role, "host") == 0)
		return " WHERE v.id IN (SELECT visit FROM visit_person WHERE person = ?1 AND role = 'host')"
		       " AND (?2 = '' OR instr(',' || ?2 || ',', ',' || v.status || ',') > 0)";
	if (strcmp(role, "companion") == 0)
		return " WHERE v.id IN (SELECT visit FROM visit_person WHERE person = ?1 AND role = 'companion')"
		       " AND (?2 = '' OR instr(',' || ?2 || ',', ',' || v.status || ',') > 0)";
	return " WHERE (v.visitor = ?1 OR v.id IN (SELECT visit FROM visit_person WHERE person = ?1))"
	       " AND (?2 = '' OR instr(',' || ?2 || ',', ',' || v.status || ',') > 0)";
}

/* The rows of sql (with ?1 person, ?2 statuses) as text, one per line. */
static void oracle_rows(const char *sql, const char *person, const char *statuses, pl_buf *out)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(parley_sqlite(db), sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(parley_sqlite(db)));
	sqlite3_bind_text(st, 1, person, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, statuses, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (int i = 0; i < sqlite3_column_count(st); i++)
			pl_buf_addf(out, "%s%s", i ? "=" : "", (const char *)sqlite3_column_text(st, i));
		pl_buf_addc(out, ' ');
	}
	sqlite3_finalize(st);
}

/* The ids of the oracle's list in date order (desc: newest first). */
static char **oracle_ids(const char *role, const char *person, const char *statuses, int desc,
                         size_t *n)
{
	char sql[1024];
	snprintf(sql, sizeof sql, "SELECT v.id FROM visit v%s ORDER BY v.start_key%s, v.id%s",
	         oracle_where(role), desc ? " DESC" : "", desc ? " DESC" : "");
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(parley_sqlite(db), sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(parley_sqlite(db)));
	sqlite3_bind_text(st, 1, person, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, statuses, -1, SQLITE_STATIC);
	size_t cap = 16;
	char **ids = malloc(cap * sizeof *ids);
	assert_non_null(ids);
	*n = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (*n == cap) {
			ids = realloc(ids, (cap *= 2) * sizeof *ids);
			assert_non_null(ids);
		}
		ids[(*n)++] = pl_strdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	return ids;
}

static void set_query(parley_query *q, const char *role, const char *person, const char *statuses,
                      int desc)
{
	parley_query_init(q);
	assert_int_equal(parley_query_set(q, role, person, NULL), PARLEY_OK);
	if (!statuses[0])
		assert_int_equal(parley_query_set(q, "status", "all", NULL), PARLEY_OK);
	q->sort = desc ? "-date" : NULL;
}

/* Every page of PAGE of one list, by offset and by key, against the oracle's
 * ids; returns how many pages were compared. */
#define PAGE 8
static int pages_agree(const char *role, const char *person, const char *statuses, int desc,
                       const char *after_what)
{
	size_t n;
	char **ids = oracle_ids(role, person, statuses, desc, &n);
	parley_query q;
	set_query(&q, role, person, statuses, desc);
	assert_true(pl_person_key_covers(&q)); /* the key answers, not the filter's WHERE */
	parley_err err = {0, ""};
	const char *after = NULL;
	char after_buf[256] = "";
	int pages = 0;
	for (size_t off = 0; off <= n; off += PAGE) {
		/* by key the walk ends with the last row; by offset one page may
		 * be past it (empty) */
		for (int by_key = 0; by_key < (off < n || off == 0 ? 2 : 1); by_key++) {
			parley_query p = q;
			p.limit = PAGE;
			p.offset = by_key ? 0 : (long)off;
			p.after = by_key ? after : NULL;
			if (by_key && off > 0 && !after)
				fail_msg("after %s: %s=%s has no next link at %zu of %zu", after_what, role, person, off, n);
			parley_visits *r = NULL;
			if (parley_visits_find(db, &p, 0, &r, &err) != PARLEY_OK)
				fail_msg("after %s: %s=%s: %s", after_what, role, person, err.msg);
			if (r->total != (long)n)
				fail_msg("after %s: %s=%s%s total %ld, the visits say %zu", after_what, role, person,
				         desc ? " (-date)" : "", r->total, n);
			size_t want = n - off < PAGE ? n - off : PAGE;
			if (r->n != want)
				fail_msg("after %s: %s=%s page at %zu has %zu rows, want %zu", after_what, role,
				         person, off, r->n, want);
			for (size_t i = 0; i < r->n; i++)
				if (strcmp(r->v[i].id, ids[off + i]) != 0)
					fail_msg("after %s: %s=%s%s row %zu is %s, the visits say %s", after_what, role,
					         person, desc ? " (-date)" : "", off + i, r->v[i].id, ids[off + i]);
			if ((off + PAGE < n) != (r->next_after != NULL))
				fail_msg("after %s: %s=%s page at %zu: next link wrong", after_what, role, person, off);
			if (by_key) {
				pl_strlcpy(after_buf, r->next_after ? r->next_after : "", sizeof after_buf);
				after = after_buf[0] ? after_buf : NULL;
			}
			parley_visits_free(r);
			pages++;
		}
	}
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	return pages;
}

/* The five facets from the library, and the same counts in SQL. */
static void facets_agree(const char *role, const char *person, const char *statuses,
                         const char *after_what)
{
	static const char *const fields[] = {"direction", "level", "type", "status", "year"};
	static const char *const exprs[] = {"v.from_country || ':' || v.to_country", "v.level",
	                                    "v.type", "v.status", "substr(v.start_key, 1, 4)"};
	parley_query q;
	set_query(&q, role, person, statuses, 0);
	parley_facet *f[5];
	parley_err err = {0, ""};
	if (parley_visits_facets(db, &q, fields, 5, f, &err) != PARLEY_OK)
		fail_msg("after %s: facets of %s=%s: %s", after_what, role, person, err.msg);
	for (int k = 0; k < 5; k++) {
		pl_buf got, want;
		pl_buf_init(&got, 1 << 20);
		pl_buf_init(&want, 1 << 20);
		/* the facet's own order: compared as the sorted set of value=n */
		char sql[1024];
		snprintf(sql, sizeof sql, "SELECT %s, count(*) FROM visit v%s GROUP BY 1 ORDER BY 1",
		         exprs[k], oracle_where(role));
		oracle_rows(sql, person, statuses, &want);
		/* sorted like the oracle: by value */
		size_t m = f[k]->n;
		for (size_t i = 0; i < m; i++)
			for (size_t j = i + 1; j < m; j++)
				if (strcmp(f[k]->values[j].value, f[k]->values[i].value) < 0) {
					parley_facet_value t = f[k]->values[i];
					f[k]->values[i] = f[k]->values[j];
					f[k]->values[j] = t;
				}
		for (size_t i = 0; i < m; i++)
			pl_buf_addf(&got, "%s=%ld ", f[k]->values[i].value, f[k]->values[i].n);
		if (strcmp(got.data ? got.data : "", want.data ? want.data : "") != 0)
			fail_msg("after %s: facet %s of %s=%s:\n got %s\nwant %s", after_what, fields[k], role,
			         person, got.data ? got.data : "", want.data ? want.data : "");
		pl_buf_free(&got);
		pl_buf_free(&want);
		parley_facet_free(f[k]);
	}
}

/* Every person named on a visit (and one named nowhere), each role, both
 * status sets, both orders. */
static void lists_agree(const char *after_what)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(parley_sqlite(db),
	                                    "SELECT person FROM visit_person WHERE person IS NOT NULL"
	                                    " UNION SELECT visitor FROM visit WHERE visitor IS NOT NULL"
	                                    " UNION SELECT min(id) FROM person ORDER BY 1",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	static const char *const roles[] = {"host", "companion", "person"};
	static const char *const statuses[] = {PL_QUERY_DEFAULT_STATUS, ""};
	int pages = 0, people = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		char person[256];
		pl_strlcpy(person, (const char *)sqlite3_column_text(st, 0), sizeof person);
		people++;
		for (size_t r = 0; r < 3; r++)
			for (size_t s = 0; s < 2; s++) {
				for (int desc = 0; desc < 2; desc++)
					pages += pages_agree(roles[r], person, statuses[s], desc, after_what);
				facets_agree(roles[r], person, statuses[s], after_what);
			}
	}
	sqlite3_finalize(st);
	assert_true(people > 20);
	assert_true(pages > 500); /* the comparisons ran */
}

static void exec(const char *sql)
{
	exec_synced(db, sql);
}

static const char *vid = "2026-11-02-prk-chn-key";
static const char *visit_json =
    "{\"id\":\"2026-11-02-prk-chn-key\",\"level\":\"head_of_state\",\"from_country\":\"PRK\","
    "\"to_country\":\"CHN\",\"start_date\":\"2026-11-02\",\"type\":\"official\","
    "\"status\":\"reported\",\"summary\":\"A visit with hosts and a delegation.\","
    "\"visitor\":\"kim-jong-un\","
    "\"hosts\":[{\"person\":\"xi-jinping\",\"name\":\"Xi Jinping\"},"
    "{\"person\":\"kim-jong-un\",\"name\":\"Kim Jong Un\"}],"
    "\"delegation\":[{\"person\":\"xi-jinping\",\"name\":\"Xi Jinping\"},"
    "{\"person\":\"choe-ryong-hae\",\"name\":\"Choe Ryong Hae\"}],"
    "\"sources\":[{\"id\":\"s-key\",\"citation\":\"A unit test source\",\"passage\":\"p\"}]}";

static void etag(char *v, size_t cap)
{
	visit_etag(db, vid, v, cap);
}

static void write_ok(const char *id, const char *json, const char *why)
{
	visit_write_ok(db, id, json, why);
	lists_agree(why);
}

static long scalar(const char *sql)
{
	return sql_scalar(db, sql);
}

/* The sequence number of the audit row of an update with reason why. */
static long history_seq(const char *why)
{
	parley_err err = {0, ""};
	char *h = NULL;
	assert_int_equal(parley_visit_history(db, vid, &h, &err), PARLEY_OK);
	char pat[128];
	snprintf(pat, sizeof pat, "\"%s\"", why);
	const char *at = strstr(h, pat);
	assert_non_null(at);
	const char *seqp = NULL;
	for (const char *p = h; p && p < at; p = strstr(p + 1, "\"seq\":"))
		seqp = p;
	assert_non_null(seqp);
	long seq = strtol(strchr(seqp, ':') + 1, NULL, 10);
	free(h);
	return seq;
}

static void every_write_keeps_the_lists(void **s)
{
	(void)s;
	db = fresh_store();
	parley_err err = {0, ""};
	if (parley_load_bundled(db, NULL, NULL, &err) != PARLEY_OK)
		fail_msg("bundled: %s", err.msg);
	assert_true(scalar("SELECT count(*) FROM visit_person_key WHERE role = 'host'") > 50);
	lists_agree("the bundled import");

	/* a visit naming the same people in two roles, then its dates moved
	 * (to a year and a month: the key is the first possible day), its
	 * status, pair and level changed */
	write_ok(NULL, visit_json, "a created visit");
	assert_int_equal(scalar("SELECT count(*) FROM visit_person_key WHERE visit = '2026-11-02-prk-chn-key'"), 4);
	write_ok(vid, "{\"start_date\":\"1958-02\"}", "an earlier date");
	write_ok(vid, "{\"start_date\":\"1958\"}", "a year alone");
	write_ok(vid, "{\"status\":\"candidate\"}", "a status outside the default");
	write_ok(vid, "{\"status\":\"confirmed\",\"to_country\":\"RUS\",\"level\":\"ministerial\"}",
	         "a changed pair and level");
	write_ok(vid, "{\"hosts\":[{\"person\":\"kim-il-sung\",\"name\":\"Kim Il Sung\"}]}",
	         "other hosts");

	/* reverts from the audit log (of the visit row): the date, then the
	 * pair, level and status */
	char v[64];
	long seq = history_seq("an earlier date");
	etag(v, sizeof v);
	if (parley_visit_revert(db, vid, seq, v, "undo the date", &err) != PARLEY_OK)
		fail_msg("revert of the date: %s", err.msg);
	lists_agree("a revert of the date");
	seq = history_seq("a changed pair and level");
	etag(v, sizeof v);
	if (parley_visit_revert(db, vid, seq, v, "undo the pair", &err) != PARLEY_OK)
		fail_msg("revert of the pair: %s", err.msg);
	lists_agree("a revert of the pair, level and status");

	/* renames: the visit, then a person */
	assert_int_equal(parley_rename(db, "visit", vid, "1958-prk-chn-key", "a better id", NULL, &err),
	                 PARLEY_OK);
	lists_agree("a visit renamed");
	assert_int_equal(parley_rename(db, "visit", "1958-prk-chn-key", vid, "back", NULL, &err),
	                 PARLEY_OK);
	assert_int_equal(parley_rename(db, "person", "xi-jinping", "xi-jinping-2", "a new id", NULL, &err),
	                 PARLEY_OK);
	lists_agree("a person renamed");

	/* raw SQL: a visit's id and date changed in one statement, hosts
	 * made companions, people moved and unnamed, one of two rows naming a
	 * person in a role deleted, years moved across the store */
	exec("PRAGMA defer_foreign_keys = ON; BEGIN;"
	     " UPDATE visit_person SET visit = 'raw-key' WHERE visit = '2026-11-02-prk-chn-key';"
	     " UPDATE visit SET id = 'raw-key', start_date = '1961-05-05'"
	     " WHERE id = '2026-11-02-prk-chn-key';"
	     " UPDATE visit_source SET visit = 'raw-key' WHERE visit = '2026-11-02-prk-chn-key'; COMMIT");
	lists_agree("a raw id change after its rows");
	exec("PRAGMA defer_foreign_keys = ON; BEGIN;"
	     " UPDATE visit SET id = '2026-11-02-prk-chn-key' WHERE id = 'raw-key';"
	     " UPDATE visit_person SET visit = '2026-11-02-prk-chn-key' WHERE visit = 'raw-key';"
	     " UPDATE visit_source SET visit = '2026-11-02-prk-chn-key' WHERE visit = 'raw-key'; COMMIT");
	lists_agree("a raw id change before its rows");
	exec("UPDATE visit_person SET role = 'companion', seq = seq + 1000 WHERE role = 'host' AND rowid % 3 = 0");
	lists_agree("hosts made companions");
	exec("UPDATE visit_person SET person = 'kim-jong-un' WHERE rowid % 5 = 0");
	lists_agree("people moved");
	exec("UPDATE visit_person SET person = NULL WHERE rowid % 7 = 0");
	lists_agree("people unnamed");
	exec("INSERT INTO visit_person(visit, role, seq, person, name) SELECT visit, role, seq + 5000,"
	     " person, name FROM visit_person WHERE person IS NOT NULL AND rowid % 4 = 0;"
	     "DELETE FROM visit_person WHERE seq >= 5000 AND rowid % 8 = 0");
	lists_agree("a person named twice in a role, once deleted");
	exec("UPDATE visit SET start_date = '19' || substr(start_date, 3) WHERE start_date >= '2000'");
	lists_agree("years moved");

	/* deletions: through the write API, by concept, and raw SQL */
	etag(v, sizeof v);
	assert_int_equal(parley_visit_remove(db, vid, v, "gone", &err), PARLEY_OK);
	lists_agree("a removal");
	char *first = NULL;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(parley_sqlite(db), "SELECT min(visit) FROM visit_person_key"
	                                    " WHERE role = 'host'", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	first = pl_strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	assert_int_equal(parley_delete(db, "visit", first, "gone too", &err), PARLEY_OK);
	free(first);
	lists_agree("a deletion");
	exec("DELETE FROM visit WHERE rowid % 3 = 0");
	lists_agree("a third of the visits deleted");
	assert_int_equal(scalar("SELECT count(*) FROM visit_person_key k WHERE NOT EXISTS"
	                        " (SELECT 1 FROM visit WHERE id = k.visit)"), 0);
	parley_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_write_keeps_the_lists),
	};
	return RUN_IN_TMPDIR("person-key", tests);
}
