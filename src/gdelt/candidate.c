/*
 * candidate.c - from event rows to candidate visits: direction, folding,
 * score.
 *
 * Who hosts: the place of the action (ActionGeo, a FIPS 10-4 code mapped to
 * ISO3) decides.  Held in one country of the pair, the other country is the
 * visitor.  Held in a third country, it is a meeting abroad, kept apart.
 * With no place, a 042 ("make a visit") points from Actor1 to Actor2 and a
 * 043 ("host a visit") from Actor2 to Actor1; any other code leaves the
 * direction unknown.
 *
 * Folding: events are made unique by GLOBALEVENTID, then grouped by
 * direction and sorted by day; an event on the same day as the group's last
 * day or the day after joins it, so a mirrored 042/043 pair (same direction
 * once the place decides) and a visit reported over consecutive days become
 * one candidate.  Events of unknown direction join a candidate whose days
 * they touch (within a day), else form their own.  Third-country events fold
 * the same way by place.
 */
#include "gdelt.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void pl_gdelt_event_clear(pl_gdelt_event *ev)
{
	free(ev->url);
	ev->url = NULL;
}

static void copy_field(const pl_gdelt_row *r, int i, char *dst, size_t cap)
{
	pl_gdelt_field(r, i, dst, cap);
}

int pl_gdelt_event_from_row(const pl_gdelt_row *r, long day, pl_gdelt_event *ev)
{
	memset(ev, 0, sizeof *ev);
	copy_field(r, PL_GD_ID, ev->id, sizeof ev->id);
	ev->day = day;
	copy_field(r, PL_GD_EVENTCODE, ev->code, sizeof ev->code);
	copy_field(r, PL_GD_A1COUNTRY, ev->a1, sizeof ev->a1);
	copy_field(r, PL_GD_A2COUNTRY, ev->a2, sizeof ev->a2);
	copy_field(r, PL_GD_A1NAME, ev->label1, sizeof ev->label1);
	copy_field(r, PL_GD_A2NAME, ev->label2, sizeof ev->label2);
	int pf = pl_gdelt_action_country_field(r->nfields);
	if (pf >= 0 && r->n[pf] == 2)
		copy_field(r, pf, ev->place_fips, sizeof ev->place_fips);
	long v;
	ev->mentions = (v = pl_gdelt_field_long(r, PL_GD_NUMMENTIONS)) > 0 ? v : 0;
	ev->sources = (v = pl_gdelt_field_long(r, PL_GD_NUMSOURCES)) > 0 ? v : 0;
	ev->articles = (v = pl_gdelt_field_long(r, PL_GD_NUMARTICLES)) > 0 ? v : 0;
	int uf = pl_gdelt_url_field(r->nfields);
	if (uf >= 0 && r->n[uf] > 0) {
		ev->url = pl_strndup(r->f[uf], r->n[uf]);
		if (!ev->url)
			return PARLEY_ENOMEM;
	}
	return PARLEY_OK;
}

int pl_gdelt_row_has_type(const pl_gdelt_row *r, const char *types)
{
	static const int fields[] = {PL_GD_A1TYPE1, PL_GD_A1TYPE1 + 1, PL_GD_A1TYPE1 + 2,
	                             PL_GD_A2TYPE1, PL_GD_A2TYPE1 + 1, PL_GD_A2TYPE1 + 2};
	for (size_t i = 0; i < PL_ARRAY_LEN(fields); i++) {
		size_t n = r->n[fields[i]];
		if (n == 0)
			continue;
		const char *p = types;
		while (*p) {
			size_t k = strcspn(p, ",");
			if (k == n && memcmp(p, r->f[fields[i]], n) == 0)
				return 1;
			p += k;
			if (*p == ',')
				p++;
		}
	}
	return 0;
}

void pl_gdelt_event_direct(pl_gdelt_event *ev, const char *a, const char *b)
{
	ev->from[0] = ev->to[0] = '\0';
	ev->third = 0;
	if (ev->place[0] && strcmp(ev->place, a) == 0) {
		pl_strlcpy(ev->to, a, sizeof ev->to);
		pl_strlcpy(ev->from, b, sizeof ev->from);
	} else if (ev->place[0] && strcmp(ev->place, b) == 0) {
		pl_strlcpy(ev->to, b, sizeof ev->to);
		pl_strlcpy(ev->from, a, sizeof ev->from);
	} else if (ev->place[0] || ev->place_fips[0]) {
		ev->third = 1;
	} else if (strcmp(ev->code, "042") == 0) {
		pl_strlcpy(ev->from, ev->a1, sizeof ev->from);
		pl_strlcpy(ev->to, ev->a2, sizeof ev->to);
	} else if (strcmp(ev->code, "043") == 0) {
		pl_strlcpy(ev->from, ev->a2, sizeof ev->from);
		pl_strlcpy(ev->to, ev->a1, sizeof ev->to);
	}
}

double pl_gdelt_score(long sources, long articles, long mentions, int days, int mirrored)
{
	double s = log2(1.0 + (double)sources) + log2(1.0 + (double)articles) +
	           log2(1.0 + (double)mentions) / 2.0 + (double)(days - 1) + (mirrored ? 2.0 : 0.0);
	return round(s * 100.0) / 100.0;
}

/* ------------------------------------------------------------------ */

typedef struct group {
	size_t *ev;   /* indexes of its events */
	size_t n, cap;
	long first, last;
	int kind;     /* 0 direction known, 1 unknown direction, 2 third country */
} group;

static int group_add(group *g, size_t i, long day)
{
	size_t *v = pl_grow(g->ev, &g->cap, g->n + 1, sizeof *v, 8);
	if (!v)
		return PARLEY_ENOMEM;
	g->ev = v;
	if (g->n == 0 || day < g->first)
		g->first = day;
	if (g->n == 0 || day > g->last)
		g->last = day;
	g->ev[g->n++] = i;
	return PARLEY_OK;
}

static int cmp_id(const void *a, const void *b)
{
	const pl_gdelt_event *x = a, *y = b;
	size_t lx = strlen(x->id), ly = strlen(y->id);
	if (lx != ly)
		return lx < ly ? -1 : 1; /* numeric order for digit strings */
	return strcmp(x->id, y->id);
}

/* Direction (or place), then day, then id: the folding order.  The events
 * come through qsort_r's argument, not a global, so that two folds may run
 * at once (the server's threads). */
static int cmp_fold(const void *a, const void *b, void *base)
{
	const pl_gdelt_event *ev = base;
	const pl_gdelt_event *x = &ev[*(const size_t *)a], *y = &ev[*(const size_t *)b];
	int c;
	if (x->third != y->third)
		return x->third - y->third;
	if (x->third) {
		if ((c = strcmp(x->place[0] ? x->place : x->place_fips,
		                y->place[0] ? y->place : y->place_fips)))
			return c;
	} else {
		if ((c = strcmp(x->from, y->from)) || (c = strcmp(x->to, y->to)))
			return c;
	}
	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	return cmp_id(x, y);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_idstr(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	size_t lx = strlen(x), ly = strlen(y);
	if (lx != ly)
		return lx < ly ? -1 : 1;
	return strcmp(x, y);
}

static int cmp_cand(const void *a, const void *b)
{
	const parley_candidate *x = a, *y = b;
	int c = strcmp(x->start, y->start);
	if (c)
		return c;
	return strcmp(x->id, y->id);
}

static void day_text(long day, char *buf, size_t cap)
{
	parley_date d = parley_date_from_day(day);
	snprintf(buf, cap, "%04d-%02d-%02d", d.year, d.month, d.day);
}

static void lower3(char *dst, const char *src, size_t cap)
{
	size_t i = 0;
	for (; src[i] && i + 1 < cap; i++)
		dst[i] = (char)(src[i] >= 'A' && src[i] <= 'Z' ? src[i] + 32 : src[i]);
	dst[i] = '\0';
}

/* Builds candidate c from group g. */
static int make_candidate(parley_candidate *c, const group *g, pl_gdelt_event *ev)
{
	memset(c, 0, sizeof *c);
	const pl_gdelt_event *e0 = &ev[g->ev[0]];
	if (g->kind == 0) {
		pl_strlcpy(c->from, e0->from, sizeof c->from);
		pl_strlcpy(c->to, e0->to, sizeof c->to);
	}
	pl_strlcpy(c->place, g->kind == 2 ? (e0->place[0] ? e0->place : e0->place_fips)
	                                  : (g->kind == 0 ? c->to : ""),
	           sizeof c->place);
	day_text(g->first, c->start, sizeof c->start);
	day_text(g->last, c->end, sizeof c->end);
	char f[8], t[8], p[8];
	lower3(f, c->from[0] ? c->from : "unk", sizeof f);
	lower3(t, c->to[0] ? c->to : "unk", sizeof t);
	lower3(p, c->place[0] ? c->place : "unk", sizeof p);
	if (g->kind == 2)
		snprintf(c->id, sizeof c->id, "%s-meeting-in-%s-gdelt", c->start, p);
	else
		snprintf(c->id, sizeof c->id, "%s-%s-%s-gdelt", c->start, f, t);
	pl_strlcpy(c->match, g->kind == 0 ? "not-stored" : g->kind == 1 ? "unknown-direction" : "third-country",
	           sizeof c->match);
	/* Distinct days, totals, codes, ids, urls, label. */
	c->event_ids = calloc(g->n, sizeof *c->event_ids);
	c->urls = calloc(g->n, sizeof *c->urls);
	long *days = calloc(g->n, sizeof *days);
	if (!c->event_ids || !c->urls || !days) {
		free(days);
		return PARLEY_ENOMEM;
	}
	struct { char code[5]; int n; } codes[16];
	int ncodes = 0, has042 = 0, has043 = 0;
	size_t ndays = 0;
	for (size_t k = 0; k < g->n; k++) {
		pl_gdelt_event *e = &ev[g->ev[k]];
		c->events++;
		c->sources += e->sources;
		c->articles += e->articles;
		c->mentions += e->mentions;
		has042 |= strcmp(e->code, "042") == 0;
		has043 |= strcmp(e->code, "043") == 0;
		int found = 0;
		for (int j = 0; j < ncodes; j++)
			if (strcmp(codes[j].code, e->code) == 0) {
				codes[j].n++;
				found = 1;
			}
		if (!found && ncodes < 16) {
			pl_strlcpy(codes[ncodes].code, e->code, sizeof codes[ncodes].code);
			codes[ncodes++].n = 1;
		}
		int seen = 0;
		for (size_t j = 0; j < ndays; j++)
			seen |= days[j] == e->day;
		if (!seen)
			days[ndays++] = e->day;
		c->event_ids[c->nevent_ids] = pl_strdup(e->id);
		if (!c->event_ids[c->nevent_ids]) {
			free(days);
			return PARLEY_ENOMEM;
		}
		c->nevent_ids++;
		if (e->url) {
			c->urls[c->nurls++] = e->url;
			e->url = NULL;
		}
		if (!c->label[0] && c->from[0]) {
			const char *lab = strcmp(e->a1, c->from) == 0 ? e->label1 : e->label2;
			pl_strlcpy(c->label, lab, sizeof c->label);
		}
	}
	free(days);
	c->days = (int)ndays;
	c->mirrored = has042 && has043;
	/* Codes in code order: "042x3 043x2". */
	for (int i = 0; i < ncodes; i++)
		for (int j = i + 1; j < ncodes; j++)
			if (strcmp(codes[j].code, codes[i].code) < 0) {
				__typeof__(codes[0]) tmp = codes[i];
				codes[i] = codes[j];
				codes[j] = tmp;
			}
	size_t len = 0;
	for (int i = 0; i < ncodes && len < sizeof c->codes; i++) {
		int w = snprintf(c->codes + len, sizeof c->codes - len, "%s%sx%d", i ? " " : "",
		                 codes[i].code, codes[i].n);
		if (w < 0)
			break;
		len += (size_t)w;
	}
	qsort(c->event_ids, c->nevent_ids, sizeof *c->event_ids, cmp_idstr);
	if (c->nurls)
		qsort(c->urls, c->nurls, sizeof *c->urls, cmp_str);
	size_t u = 0;
	for (size_t k = 0; k < c->nurls; k++) {
		if (u > 0 && strcmp(c->urls[u - 1], c->urls[k]) == 0) {
			free(c->urls[k]);
			continue;
		}
		c->urls[u++] = c->urls[k];
	}
	c->nurls = u;
	c->score = pl_gdelt_score(c->sources, c->articles, c->mentions, c->days, c->mirrored);
	return PARLEY_OK;
}

int pl_gdelt_fold(pl_gdelt_event *ev, size_t n, parley_candidates **out, parley_err *err)
{
	*out = NULL;
	parley_candidates *res = calloc(1, sizeof *res);
	size_t *idx = n ? malloc(n * sizeof *idx) : NULL;
	group *groups = n ? calloc(n, sizeof *groups) : NULL;
	size_t ng = 0;
	int rc = PARLEY_OK;
	if (!res || (n && (!idx || !groups))) {
		rc = PARLEY_ENOMEM;
		goto done;
	}
	/* Unique by GLOBALEVENTID (the same file read twice, or a zip and its CSV). */
	if (n)
		qsort(ev, n, sizeof *ev, cmp_id);
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		if (m > 0 && strcmp(ev[m - 1].id, ev[i].id) == 0) {
			pl_gdelt_event_clear(&ev[i]);
			continue;
		}
		if (m != i) {
			ev[m] = ev[i];
			ev[i].url = NULL;
		}
		m++;
	}
	n = m;
	/* Known directions and third-country events: runs of days. */
	size_t nk = 0, nu = 0;
	for (size_t i = 0; i < n; i++)
		if (ev[i].from[0] || ev[i].third)
			idx[nk++] = i;
	if (nk)
		qsort_r(idx, nk, sizeof *idx, cmp_fold, ev);
	for (size_t k = 0; k < nk && rc == PARLEY_OK; k++) {
		pl_gdelt_event *e = &ev[idx[k]];
		group *g = ng ? &groups[ng - 1] : NULL;
		int same = g && g->kind == (e->third ? 2 : 0);
		if (same) {
			const pl_gdelt_event *p = &ev[g->ev[0]];
			same = e->third ? strcmp(p->place[0] ? p->place : p->place_fips,
			                         e->place[0] ? e->place : e->place_fips) == 0
			                : strcmp(p->from, e->from) == 0 && strcmp(p->to, e->to) == 0;
			same = same && e->day <= g->last + 1;
		}
		if (!same) {
			g = &groups[ng++];
			g->kind = e->third ? 2 : 0;
		}
		rc = group_add(g, idx[k], e->day);
	}
	/* Unknown direction: join a directed candidate within a day, else fold
	 * among themselves by day. */
	size_t nk_groups = ng;
	for (size_t i = 0; i < n; i++)
		if (!ev[i].from[0] && !ev[i].third)
			idx[nu++] = i;
	if (nu)
		qsort_r(idx, nu, sizeof *idx, cmp_fold, ev);
	for (size_t k = 0; k < nu && rc == PARLEY_OK; k++) {
		pl_gdelt_event *e = &ev[idx[k]];
		group *hit = NULL;
		for (size_t j = 0; j < nk_groups && !hit; j++)
			if (groups[j].kind == 0 && e->day >= groups[j].first - 1 && e->day <= groups[j].last + 1)
				hit = &groups[j];
		if (!hit && ng > nk_groups && groups[ng - 1].kind == 1 && e->day <= groups[ng - 1].last + 1)
			hit = &groups[ng - 1];
		if (!hit) {
			hit = &groups[ng++];
			hit->kind = 1;
		}
		rc = group_add(hit, idx[k], e->day);
	}
	if (rc)
		goto done;
	res->v = ng ? calloc(ng, sizeof *res->v) : NULL;
	if (ng && !res->v) {
		rc = PARLEY_ENOMEM;
		goto done;
	}
	for (size_t j = 0; j < ng && rc == PARLEY_OK; j++) {
		rc = make_candidate(&res->v[j], &groups[j], ev);
		res->n++;
	}
	if (rc == PARLEY_OK && res->n)
		qsort(res->v, res->n, sizeof *res->v, cmp_cand);
done:
	for (size_t j = 0; groups && j < ng; j++)
		free(groups[j].ev);
	free(groups);
	free(idx);
	if (rc) {
		parley_candidates_free(res);
		return parley_err_set(err, rc, "discover gdelt: out of memory while folding");
	}
	*out = res;
	return PARLEY_OK;
}

void pl_gdelt_candidate_clear(parley_candidate *c)
{
	for (size_t k = 0; k < c->nevent_ids; k++)
		free(c->event_ids[k]);
	for (size_t k = 0; k < c->nurls; k++)
		free(c->urls[k]);
	free(c->event_ids);
	free(c->urls);
	c->event_ids = c->urls = NULL;
	c->nevent_ids = c->nurls = 0;
}

void parley_candidates_free(parley_candidates *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		pl_gdelt_candidate_clear(&c->v[i]);
	free(c->v);
	free(c);
}
