/* test_web_cache_scope.c - which cached answers a change empties
 * (cache_scope.c): a note edit keeps lists, figures, other visits' records
 * and the searches that could match neither the old nor the new note; it
 * drops the visit's own answers and every search that could; a summary
 * edit drops everything but other visits' records; anything else drops
 * everything.  And the search words of a request, folded as the index
 * folds text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/web/cache_scope.h"
#include "../../src/web/request.h"

static const pl_http_header host[] = {{"Host", "127.0.0.1"}};

/* The cache key and search words of a GET of target (caller frees both). */
static void key_words(const char *target, char **key, char **words)
{
	pl_http_in in = {.method = "GET", .version = "HTTP/1.1", .target = target, .headers = host,
	                 .nheaders = 1};
	pl_http_req hr;
	pl_web_resp rs;
	memset(&rs, 0, sizeof rs);
	assert_int_equal(pl_http_parse(&in, &hr, &rs), PARLEY_OK);
	assert_int_equal(pl_cache_words(&hr.rq, words), PARLEY_OK);
	*key = pl_strdup(hr.key.data);
	assert_non_null(*key);
	pl_http_req_free(&hr);
}

/* pl_cache_touched for a GET of target. */
static int touched(const char *target, const pl_cache_change *c)
{
	char *key, *words;
	key_words(target, &key, &words);
	int t = pl_cache_touched(key, words, c);
	free(key);
	free(words);
	return t;
}

static void words_of_requests(void **state)
{
	(void)state;
	char *key, *words;
	key_words("/api/v1/visits?between=CHN:PRK&q=Kim%20J%C5%8Fng-il&per_page=20", &key, &words);
	assert_string_equal(words, "kim jong il");
	free(key);
	free(words);
	key_words("/people?q=Zhou", &key, &words);
	assert_string_equal(words, "zhou");
	free(key);
	free(words);
	/* no q, or a q that folds to nothing: no text filter */
	key_words("/api/v1/visits?between=CHN:PRK", &key, &words);
	assert_null(words);
	free(key);
	key_words("/api/v1/visits?q=--%20!", &key, &words);
	assert_null(words);
	free(key);
	/* a parameter that merely ends in q is not q */
	key_words("/api/v1/visits?xq=kim", &key, &words);
	assert_null(words);
	free(key);
}

static void note_edit(void **state)
{
	(void)state;
	/* the note of V1 went from "Met at the Summit." to "bench w3 #12" */
	pl_cache_change c = {.visits = "1953-v1\n", .note_only = 1,
	                     .notes = "met at the summit\nbench w3 12\n"};
	/* its own answers */
	assert_true(touched("/api/v1/visits/1953-v1", &c));
	assert_true(touched("/visit/1953-v1", &c));
	assert_true(touched("/api/v1/context/1953-v1", &c));
	assert_true(touched("/api/v1/context/1953-v1.csv", &c));
	assert_true(touched("/api/v1/visits/1953-v1?fields=note", &c));
	/* another visit's record, lists, figures, countries: kept */
	assert_false(touched("/api/v1/visits/1953-v2", &c));
	assert_false(touched("/visit/1953-v2", &c));
	assert_false(touched("/api/v1/visits?between=CHN:PRK&from=1953", &c));
	assert_false(touched("/api/v1/visits.csv?between=CHN:PRK", &c));
	assert_false(touched("/api/v1/timeline?between=CHN:PRK", &c));
	assert_false(touched("/api/v1/countries/CHN", &c));
	/* searches: kept when no word is in either note */
	assert_false(touched("/api/v1/visits?q=kim&per_page=20", &c));
	assert_false(touched("/api/v1/people?q=zhou", &c));
	assert_false(touched("/visits?q=Kim%20Il-sung", &c));
	/* dropped when a word is in the old note or the new one, as a word,
	 * a prefix (the last word of a phrase) or anywhere inside */
	assert_true(touched("/api/v1/visits?q=Summit", &c));
	assert_true(touched("/api/v1/visits?q=SUMM", &c));
	assert_true(touched("/api/v1/visits?q=bench", &c));
	assert_true(touched("/api/v1/people?q=ench", &c));
	assert_true(touched("/visits?q=kim%20w3", &c));
	assert_true(touched("/search?q=12", &c));
	/* an empty note, before or after: a phrase of several words can run
	 * across its place, so those searches go; one word cannot */
	pl_cache_change emptied = {.visits = "1953-v1\n", .note_only = 1, .notes = "\nbench w3 12\n"};
	assert_true(touched("/visits?q=Kim%20Il-sung", &emptied));
	assert_false(touched("/visits?q=Kim", &emptied));
	pl_cache_change cleared = {.visits = "1953-v1\n", .note_only = 1, .notes = "old\n\n"};
	assert_true(touched("/visits?q=Kim%20Il-sung", &cleared));
	/* notes not known: every search goes */
	pl_cache_change unknown = {.visits = "1953-v1\n", .note_only = 1, .notes = NULL};
	assert_true(touched("/api/v1/visits?q=kim", &unknown));
	assert_false(touched("/api/v1/visits?between=CHN:PRK", &unknown));
}

static void summary_and_other_edits(void **state)
{
	(void)state;
	pl_cache_change c = {.visits = "1953-v1\n1960-v3\n", .note_only = 0, .notes = "a\nb\n"};
	assert_true(touched("/api/v1/visits/1953-v1", &c));
	assert_true(touched("/visit/1960-v3", &c));
	assert_false(touched("/api/v1/visits/1953-v2", &c));
	assert_true(touched("/api/v1/visits/1953-v2?x=1", &c));
	assert_true(touched("/api/v1/visits?between=CHN:PRK", &c));
	assert_true(touched("/api/v1/visits?q=zzz", &c));
	assert_true(touched("/api/v1/countries/CHN", &c));
	/* anything else: everything */
	pl_cache_change all = {.visits = NULL};
	assert_true(touched("/api/v1/visits/1953-v2", &all));
	assert_true(touched("/api/v1/countries", &all));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(words_of_requests),
	    cmocka_unit_test(note_edit),
	    cmocka_unit_test(summary_and_other_edits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
