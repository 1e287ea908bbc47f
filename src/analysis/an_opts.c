/*
 * an_opts.c - the counting rules shared by every analysis.
 *
 * Which visits count (status, level, as-of date, country pair) is decided
 * here once, so that eras, timeline and gaps count the same visits and their
 * totals agree.  Also small helpers: id lists and labels.
 */
#include "an.h"
#include "internal.h" /* pl_strlcpy */

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static const char *const level_names[PARLEY_NLEVELS] = {
    "paramount_leader", "head_of_state", "head_of_government", "deputy", "other_senior",
    "ministerial", "vice_ministerial", "at_least_ministerial", "unknown"};

const char *parley_analysis_level(int i)
{
	return i >= 0 && i < PARLEY_NLEVELS ? level_names[i] : NULL;
}

int an_level_index(const char *level)
{
	for (int i = 0; i < PARLEY_NLEVELS; i++)
		if (level && strcmp(level, level_names[i]) == 0)
			return i;
	return PARLEY_NLEVELS - 1;
}

static int country_code(const char *in, char *out, const char *which, parley_err *err)
{
	size_t n = in ? strlen(in) : 0;
	if (n < 2 || n > 7)
		return parley_err_set(err, PARLEY_EINVAL, "analysis: country %s '%s' is not a code",
		                      which, in ? in : "");
	for (size_t i = 0; i < n; i++) {
		if (!isalnum((unsigned char)in[i]) && in[i] != '-' && in[i] != '_')
			return parley_err_set(err, PARLEY_EINVAL,
			                      "analysis: country %s '%s' is not a code", which, in);
		out[i] = (char)toupper((unsigned char)in[i]);
	}
	out[n] = '\0';
	return PARLEY_OK;
}

int an_opts_parse(const parley_analysis_opts *in, bool need_b, an_opts *o, parley_err *err)
{
	memset(o, 0, sizeof *o);
	parley_analysis_opts none = {0};
	if (!in)
		in = &none;
	int rc;
	if (in->a || need_b) {
		if ((rc = country_code(in->a, o->a, "A", err)))
			return rc;
	}
	if (in->b || need_b) {
		if ((rc = country_code(in->b, o->b, "B", err)))
			return rc;
		if (strcmp(o->a, o->b) == 0)
			return parley_err_set(err, PARLEY_EINVAL,
			                      "analysis: the two countries are the same (%s)", o->a);
	}
	parley_date d;
	if (in->as_of && *in->as_of) {
		if (parley_date_parse(in->as_of, strlen(in->as_of), &d, NULL) != PARLEY_OK)
			return parley_err_set(err, PARLEY_EINVAL,
			                      "analysis: --as-of '%s' is not a date", in->as_of);
		/* a partial as-of date stands for its last day: "as of 2018" = end of 2018 */
		o->as_of = parley_date_last_day(d);
	} else {
		o->as_of = parley_date_first_day(parley_date_today());
	}
	an_day_text(o->as_of, o->as_of_text);
	o->from = LONG_MIN;
	if (in->from && *in->from) {
		if (parley_date_parse(in->from, strlen(in->from), &d, NULL) != PARLEY_OK)
			return parley_err_set(err, PARLEY_EINVAL, "analysis: --from '%s' is not a date",
			                      in->from);
		o->from = parley_date_first_day(d);
	}
	const char *ml = in->min_level && *in->min_level ? in->min_level : "ministerial";
	if (parley_level_rank(ml) < 0)
		return parley_err_set(err, PARLEY_EINVAL, "analysis: --min-level '%s' is not a level",
		                      ml);
	snprintf(o->min_level, sizeof o->min_level, "%s", ml);
	const char *st = in->status && *in->status ? in->status : "confirmed,reported";
	if (strlen(st) >= sizeof o->status)
		return parley_err_set(err, PARLEY_EINVAL, "analysis: --status is too long");
	snprintf(o->status, sizeof o->status, "%s", st);
	/* split a private copy into the status list */
	static const char *const known[] = {"confirmed", "reported", "candidate", "rejected"};
	const char *p = st;
	while (*p) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		const char *hit = NULL;
		for (size_t i = 0; i < 4; i++)
			if (strlen(known[i]) == n && strncmp(known[i], p, n) == 0)
				hit = known[i];
		if (!hit)
			return parley_err_set(err, PARLEY_EINVAL,
			                      "analysis: --status: '%.*s' is not a status", (int)n, p);
		if (o->nstatus < 8)
			o->statuses[o->nstatus++] = hit;
		p += n;
		if (*p == ',')
			p++;
	}
	if (o->nstatus == 0)
		return parley_err_set(err, PARLEY_EINVAL, "analysis: --status is empty");
	return PARLEY_OK;
}

bool an_counts(const an_opts *o, const an_visit *v)
{
	if (v->day > o->as_of)
		return false;
	/* parley_level_at_least, with the visit's rank found once (an_add_visit)
	 * and the minimum's once per text (this runs once a visit) */
	static _Thread_local char min_text[sizeof o->min_level];
	static _Thread_local int min_rank = -1;
	if (strcmp(min_text, o->min_level) != 0) {
		pl_strlcpy(min_text, o->min_level, sizeof min_text);
		min_rank = parley_level_rank(min_text);
	}
	int m = min_rank;
	if (v->rank < 0 || m < 0 || (m > 0 && v->rank < m))
		return false;
	for (size_t i = 0; i < o->nstatus; i++)
		if (strcmp(o->statuses[i], v->status) == 0)
			return true;
	return false;
}

bool an_in_pair(const an_opts *o, const an_visit *v)
{
	return (an_same(v->from, o->a) && an_same(v->to, o->b)) ||
	       (an_same(v->from, o->b) && an_same(v->to, o->a));
}

char *an_day_text(long day, char *buf)
{
	parley_date d = parley_date_from_day(day);
	snprintf(buf, 11, "%04u-%02u-%02u", (unsigned)d.year % 10000u, (unsigned)d.month % 100u,
	         (unsigned)d.day % 100u);
	return buf;
}

const char *an_visit_label(an_arena *a, const an_visit *v)
{
	char date[16];
	parley_date_format(v->start, date, sizeof date);
	return an_fmt(a, "%s %s %s->%s", date, v->name ? v->name : "(unidentified)", v->from,
	              v->to);
}

int an_ids_push(an_arena *a, an_idlist *l, const char *id)
{
	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 8;
		const char **p = an_alloc(a, nc * sizeof *p);
		if (!p)
			return PARLEY_ENOMEM;
		if (l->n)
			memcpy(p, l->ids, l->n * sizeof *p);
		l->ids = p;
		l->cap = nc;
	}
	l->ids[l->n++] = id;
	return PARLEY_OK;
}

int an_ids_first(an_arena *a, an_idlist *l, const char *id)
{
	if (!l->ids && l->cap) { /* counted: the exact array, never grown */
		l->ids = an_alloc(a, l->cap * sizeof *l->ids);
		if (!l->ids)
			return PARLEY_ENOMEM;
	}
	return an_ids_push(a, l, id);
}

parley_ids an_ids_done(const an_idlist *l)
{
	static const char *const none[1] = {NULL};
	parley_ids r = {l->n, l->n ? l->ids : none};
	return r;
}
