/*
 * level.c - office ranks and visit levels, and how they compare.
 *
 * The order follows how analysts count "Foreign Minister or above": every
 * senior post above a minister (a vice president, a legislature chief, a
 * Politburo member) counts as at least ministerial.
 */
#include "internal.h"

#include <string.h>

static const struct {
	const char *name;
	int rank;
} levels[] = {
    {"paramount_leader", 7}, {"head_of_state", 6}, {"head_of_government", 5},
    {"deputy", 4}, {"other_senior", 3}, {"ministerial", 2},
    {"vice_ministerial", 1}, {"at_least_ministerial", 2}, {"unknown", 0},
};

int parley_level_rank(const char *level)
{
	if (!level)
		return -1;
	for (size_t i = 0; i < PL_ARRAY_LEN(levels); i++)
		if (strcmp(levels[i].name, level) == 0)
			return levels[i].rank;
	return -1;
}

const char *pl_level_name(size_t i)
{
	return i < PL_ARRAY_LEN(levels) ? levels[i].name : NULL;
}

int parley_level_at_least(const char *level, const char *min_level)
{
	int r = parley_level_rank(level), m = parley_level_rank(min_level);
	if (r < 0 || m < 0)
		return 0;
	if (m == 0)
		return 1; /* "unknown" as a minimum admits everything */
	return r >= m;
}
