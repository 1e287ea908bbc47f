/*
 * map.c - the one hash map: string keys (any bytes, with a length), open
 * addressing with linear probing, a power-of-two table at most half full.
 *
 * Every module that counts or deduplicates by a string key uses it (the
 * readers' seen-sets, the GDELT group counts), so growth, probing and the
 * hash are written and tested once (tests/unit/test_core_map.c).
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* FNV-1a, 64 bits: small, stable across runs (ETags depend on it) and good
 * enough for the key sets here (short ids and codes). */
uint64_t pl_hash_more(uint64_t h, const void *p, size_t n)
{
	for (const unsigned char *c = p; n--; c++)
		h = (h ^ *c) * 1099511628211ULL;
	return h;
}

uint64_t pl_hash(const void *p, size_t n)
{
	return pl_hash_more(PL_HASH_START, p, n); /* the FNV offset basis (the old copies lacked its last digit) */
}

static pl_map_slot *probe(const pl_map *m, const char *key, size_t n, uint64_t h)
{
	for (size_t i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		pl_map_slot *s = &m->slot[i];
		if (!s->key || (s->hash == h && s->len == n && memcmp(s->key, key, n) == 0))
			return s;
	}
}

pl_map_slot *pl_map_find(const pl_map *m, const char *key, size_t n)
{
	if (!m->cap)
		return NULL;
	pl_map_slot *s = probe(m, key, n, pl_hash(key, n));
	return s->key ? s : NULL;
}

static int grow(pl_map *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64;
	pl_map_slot *ns = calloc(cap, sizeof *ns);
	if (!ns)
		return PARLEY_ENOMEM;
	pl_map old = *m;
	m->slot = ns;
	m->cap = cap;
	for (size_t i = 0; i < old.cap; i++)
		if (old.slot[i].key)
			*probe(m, old.slot[i].key, old.slot[i].len, old.slot[i].hash) = old.slot[i];
	free(old.slot);
	return PARLEY_OK;
}

pl_map_slot *pl_map_put(pl_map *m, const char *key, size_t n, int *added)
{
	*added = 0;
	if ((m->n + 1) * 2 > m->cap && grow(m))
		return NULL;
	uint64_t h = pl_hash(key, n);
	pl_map_slot *s = probe(m, key, n, h);
	if (s->key)
		return s;
	char *k = pl_strndup(key, n);
	if (!k)
		return NULL;
	*s = (pl_map_slot){.key = k, .len = n, .hash = h};
	m->n++;
	*added = 1;
	return s;
}

void pl_map_free(pl_map *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->slot[i].key);
	free(m->slot);
	memset(m, 0, sizeof *m);
}
