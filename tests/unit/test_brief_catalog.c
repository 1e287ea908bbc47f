/* test_brief_catalog.c - slugs of series, topics and regions; the search
 * index of briefs (brief_fts), kept by triggers as briefs are added,
 * replaced, published and deleted, and folded by the one fold. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/brief/brief.h"

static void slugs_fold_words(void **state)
{
	(void)state;
	const char *cases[][2] = {
	    {"Korea Snapshot", "korea-snapshot"},
	    {"China-North Korea relations", "china-north-korea-relations"},
	    {"  East  Asia ", "east-asia"},
	    {"Xí Jìnpíng \u2013 diplomacy", "xi-jinping-diplomacy"},
	    {"Łódź", "lodz"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *s = pl_brief_slug(cases[i][0]);
		assert_non_null(s);
		assert_string_equal(s, cases[i][1]);
		assert_true(pl_brief_slug_is(cases[i][0], cases[i][1]));
		free(s);
	}
	assert_false(pl_brief_slug_is("Korea Snapshot", "korea"));
}

static parley_db *store(char *path)
{
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	parley_db *db = NULL;
	parley_err err = {0};
	assert_int_equal(parley_open(path, PARLEY_OPEN_CREATE, &db, &err), PARLEY_OK);
	assert_int_equal(parley_brief_author_set(db, "ann-lee", "Ann Lee", "Analyst", NULL, &err), PARLEY_OK);
	return db;
}

static void add(parley_db *db, const char *id, const char *title, const char *body, int replace)
{
	char text[1024];
	snprintf(text, sizeof text,
	         "---\nid: %s\ntitle: \"%s\"\nseries: Test Series\ndate: 2018-03-29\nas_of: 2018-03-28\n"
	         "summary: \"A summary.\"\nauthors: [ann-lee]\ntopics: [Summitry]\n---\n%s\n",
	         id, title, body);
	parley_err err = {0};
	char got[64];
	int rc = parley_brief_add(db, "t.md", text, strlen(text), replace, got, &err);
	if (rc)
		fprintf(stderr, "%s\n", err.msg);
	assert_int_equal(rc, PARLEY_OK);
}

/* The number of briefs the index holds for an FTS query. */
static long indexed(parley_db *db, const char *match)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(parley_sqlite(db), "SELECT count(*) FROM brief_fts WHERE brief_fts MATCH ?1",
	                                    -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	long n = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* The ids pl_brief_search finds, space-separated, into out. */
static const char *found(parley_db *db, const char *text, char *out, size_t cap)
{
	pl_strlist ids;
	parley_err err = {0};
	assert_int_equal(pl_brief_search(db, text, &ids, &err), PARLEY_OK);
	out[0] = '\0';
	for (size_t i = 0; i < ids.n; i++) {
		size_t n = strlen(out);
		snprintf(out + n, cap - n, "%s%s", i ? " " : "", ids.v[i]);
		free(ids.v[i]);
	}
	free(ids.v);
	return out;
}

static void search_index_follows_the_briefs(void **state)
{
	(void)state;
	char path[] = "/tmp/parley-brief-cat-XXXXXX", ids[512];
	parley_db *db = store(path);
	parley_err err = {0};
	add(db, "deng-1978", "Dèng Xiǎopíng goes abroad", "Body text about Pyongyang.", 0);
	/* indexed as a draft (title, series, topics and body, folded) ... */
	assert_int_equal(indexed(db, "xiaoping"), 1);
	assert_int_equal(indexed(db, "pyongyang"), 1);
	assert_int_equal(indexed(db, "\"test series\""), 1);
	assert_int_equal(indexed(db, "summitry"), 1);
	/* ... but a search finds published briefs only */
	assert_string_equal(found(db, "Xiǎopíng", ids, sizeof ids), "");
	/* a draft replaced: the index follows (the update trigger) */
	add(db, "deng-1978", "Dèng Xiǎopíng goes abroad", "Body text about Hanoi.", 1);
	assert_int_equal(indexed(db, "pyongyang"), 0);
	assert_int_equal(indexed(db, "hanoi"), 1);
	assert_int_equal(parley_brief_publish(db, "deng-1978", "2018-03-29", &err), PARLEY_OK);
	/* found by the words with or without tone marks, any case, the last a prefix */
	assert_string_equal(found(db, "Xiǎopíng", ids, sizeof ids), "deng-1978");
	assert_string_equal(found(db, "DENG XIAOP", ids, sizeof ids), "deng-1978");
	assert_string_equal(found(db, "Hanoi", ids, sizeof ids), "deng-1978");
	assert_string_equal(found(db, "Pyongyang", ids, sizeof ids), "");
	assert_string_equal(found(db, "  ", ids, sizeof ids), "");
	/* FTS syntax in the query is only words */
	assert_string_equal(found(db, "\"deng\" OR NEAR(", ids, sizeof ids), "");
	/* the catalog reads it back, newest first */
	add(db, "kim-2019", "Kim in Hanoi", "Hanoi again.", 0);
	assert_int_equal(parley_brief_publish(db, "kim-2019", "2019-02-28", &err), PARLEY_OK);
	assert_string_equal(found(db, "hanoi", ids, sizeof ids), "kim-2019 deng-1978");
	pl_brief_list l;
	assert_int_equal(pl_brief_catalog(db, &l, &err), PARLEY_OK);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].id, "kim-2019");
	assert_string_equal(l.v[1].meta.title, "Dèng Xiǎopíng goes abroad");
	assert_string_equal(l.v[1].published, "2018-03-29");
	pl_brief_list_free(&l);
	/* a deleted brief leaves the index (the delete trigger) */
	assert_int_equal(sqlite3_exec(parley_sqlite(db), "DELETE FROM brief WHERE id = 'kim-2019'", NULL, NULL, NULL), SQLITE_OK);
	assert_string_equal(found(db, "hanoi", ids, sizeof ids), "deng-1978");
	assert_int_equal(indexed(db, "again"), 0);
	parley_close(db);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(slugs_fold_words),
	    cmocka_unit_test(search_index_follows_the_briefs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
