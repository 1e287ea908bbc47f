/* test_pack.h - whether the search pack itself (query_search_pack.c), not
 * its fallback to the search rows, answers a search: the store and tally
 * tests ask it before comparing the pack's figures with a recount. */
#ifndef PARLEY_TEST_PACK_H
#define PARLEY_TEST_PACK_H

#include <string.h>

#include "parley.h"
#include "pl_query.h"

/* PARLEY_OK when the pack answers q's five facets, else its error in err. */
static inline int pack_answers(parley_db *db, const parley_query *q, parley_err *err)
{
	static const int want[5] = {1, 1, 1, 1, 1};
	pl_map maps[5];
	memset(maps, 0, sizeof maps);
	int rc = pl_pack_facets(db, q, want, maps, err);
	for (int k = 0; k < 5; k++)
		pl_map_free(&maps[k]);
	return rc;
}

#endif
