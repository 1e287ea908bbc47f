/* test_core_map.c - the one hash map: insert, find, growth, binary keys. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

static void counts_and_finds_through_growth(void **state)
{
	(void)state;
	pl_map m = {0};
	char k[32];
	/* 5000 keys force many doublings; each is put (k % 7) + 1 times. */
	for (int i = 0; i < 5000; i++) {
		int len = snprintf(k, sizeof k, "key-%d", i);
		for (int r = 0; r <= i % 7; r++) {
			int added = -1;
			pl_map_slot *s = pl_map_put(&m, k, (size_t)len, &added);
			assert_non_null(s);
			assert_int_equal(added, r == 0);
			s->n++;
		}
	}
	assert_int_equal(m.n, 5000);
	assert_true(m.cap >= 2 * m.n);
	for (int i = 0; i < 5000; i++) {
		int len = snprintf(k, sizeof k, "key-%d", i);
		pl_map_slot *s = pl_map_find(&m, k, (size_t)len);
		assert_non_null(s);
		assert_string_equal(s->key, k);
		assert_int_equal(s->n, i % 7 + 1);
	}
	assert_null(pl_map_find(&m, "key-5000", 8));
	assert_null(pl_map_find(&m, "key-1", 4)); /* a prefix is another key */
	size_t seen = 0;
	for (size_t i = 0; i < m.cap; i++)
		seen += m.slot[i].key != NULL;
	assert_int_equal(seen, 5000);
	pl_map_free(&m);
	assert_int_equal(m.cap, 0);
	assert_null(pl_map_find(&m, "key-1", 5));
}

static void keys_are_bytes_with_a_length(void **state)
{
	(void)state;
	pl_map m = {0};
	int added;
	/* GDELT group keys join fields with 0x1f; the empty key is a key too. */
	assert_non_null(pl_map_put(&m, "CHN\x1fPRK", 7, &added));
	assert_int_equal(added, 1);
	assert_non_null(pl_map_put(&m, "CHN\x1fPRKX", 7, &added)); /* only 7 bytes count */
	assert_int_equal(added, 0);
	assert_non_null(pl_map_put(&m, "", 0, &added));
	assert_int_equal(added, 1);
	assert_non_null(pl_map_find(&m, "", 0));
	assert_int_equal(m.n, 2);
	/* The hash is FNV-1a 64: fixed values, since ETags are built on it. */
	assert_true(pl_hash("", 0) == 14695981039346656037ULL);
	assert_true(pl_hash("a", 1) == 0xaf63dc4c8601ec8cULL);
	pl_map_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(counts_and_finds_through_growth),
	    cmocka_unit_test(keys_are_bytes_with_a_length),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
