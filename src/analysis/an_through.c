/*
 * an_through.c - where the data ends.
 *
 * A dataset records visits only as far as someone searched for them.  Past
 * that day a missing visit means "not searched", not "none happened", so a
 * figure that runs past it (a gap "to today", a timeline year of zeros, a
 * quiet period, "the first in N years") would claim what the data cannot
 * know.  The rule (docs/analysis.md, "Where the data ends"), for visits
 * from -> to counted at some minimum level:
 *
 *   1. the latest data_through of the coverage rows that cover that
 *      direction (their countries empty or equal) at that level;
 *   2. else the data-through date of the store's data version (its newest
 *      data release);
 *   3. else the latest start date of any visit in the store.
 *
 * A pair's data-through is the earlier of its two directions': a count of
 * both directions is only complete where both are.
 */
#include "an.h"
#include "internal.h" /* pl_json_text */

#include <string.h>

int an_set_release(an_data *d, const char *name, const char *released, const char *through,
                   parley_err *err)
{
	parley_date t;
	if (!name || !through || parley_date_parse(through, strlen(through), &t, NULL) != PARLEY_OK)
		return parley_err_set(err, PARLEY_EDATA, "analysis: data release '%s': bad data_through '%s'",
		                      name ? name : "?", through ? through : "");
	d->release = an_strdup(&d->arena, name);
	d->released = an_strdup(&d->arena, released ? released : "");
	if (!d->release || !d->released)
		return parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory");
	d->release_through = parley_date_last_day(t);
	return PARLEY_OK;
}

long an_cover_through(const an_data *d, const an_cover *c)
{
	if (c->through != AN_OPEN)
		return c->through;
	return d->release ? d->release_through : d->latest;
}

long an_dir_through(an_data *d, const char *from, const char *to, const char *min_level,
                    const char **rule)
{
	long best = LONG_MIN;
	const an_cover *by = NULL;
	int want = parley_level_rank(min_level ? min_level : "ministerial");
	for (size_t i = 0; i < d->nc; i++) {
		const an_cover *c = &d->c[i];
		if (c->through == AN_OPEN || c->person)
			continue; /* a row about one person says nothing about everyone's visits */
		if ((c->from && strcmp(c->from, from) != 0) || (c->to && strcmp(c->to, to) != 0))
			continue;
		/* the row must record every level counted: its minimum at or below ours */
		int m = parley_level_rank(c->min_level);
		if (m < 0 || (want >= 0 && m > want))
			continue;
		if (c->through > best) {
			best = c->through;
			by = c;
		}
	}
	if (by) {
		*rule = an_fmt(&d->arena, "coverage '%s'", by->id);
		return best;
	}
	if (d->release) {
		*rule = an_fmt(&d->arena, "data version %s", d->release);
		return d->release_through;
	}
	*rule = d->latest == AN_OPEN ? NULL : "latest recorded visit";
	return d->latest;
}

void an_cut(an_data *d, an_opts *o)
{
	const char *rule = NULL, *r2 = NULL;
	long t;
	o->asked = o->as_of;
	memset(&o->th, 0, sizeof o->th);
	snprintf(o->th.as_of, sizeof o->th.as_of, "%s", o->as_of_text);
	if (o->a[0] && o->b[0]) {
		t = an_dir_through(d, o->a, o->b, o->min_level, &rule);
		long t2 = an_dir_through(d, o->b, o->a, o->min_level, &r2);
		if (t2 < t) {
			t = t2;
			rule = r2;
		}
	} else if (d->release) {
		t = d->release_through;
		rule = an_fmt(&d->arena, "data version %s", d->release);
	} else {
		t = d->latest;
		rule = t == AN_OPEN ? NULL : "latest recorded visit";
	}
	o->through = t;
	if (t == AN_OPEN || t == LONG_MIN)
		return; /* nothing says where the data ends (a fixture, or an empty store) */
	an_day_text(t, o->th.date);
	o->th.rule = rule;
	if (o->as_of > t) {
		o->as_of = t;
		o->th.cut = 1;
	}
}

void an_through_line(FILE *out, const parley_through *t, const char *as_of)
{
	if (!t->cut)
		return;
	fprintf(out, "data through %s: figures stop there, not at the as-of date %s (%s)\n", t->date,
	        as_of, t->rule ? t->rule : "declared");
}

json_t *an_through_json(json_t *o, const parley_through *t)
{
	return pl_json_merge(o, json_pack("{s:o,s:o,s:b}", "data_through",
	                                  pl_json_text(t->date[0] ? t->date : NULL),
	                                  "data_through_rule", pl_json_text(t->rule), "cut", t->cut));
}
