/*
 * import_match.c - which incoming visits of an import are visits the store
 * already holds (import --match).  The import's first pass puts every row;
 * this module then compares each visit that pass added with the visits that
 * were there before, by parley_visit_match(), and returns the links the
 * second pass applies (import.c).
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct vdesc {
	char *id;
	char *from, *to, *start, *visitor, *label, *level;
	char **ext; /* NULL-terminated "scheme:value" */
	size_t next, ext_cap;
	int incoming;
} vdesc;

static void vdesc_free(vdesc *v)
{
	free(v->id);
	free(v->from);
	free(v->to);
	free(v->start);
	free(v->visitor);
	free(v->label);
	free(v->level);
	for (size_t i = 0; i < v->next; i++)
		free(v->ext[i]);
	free(v->ext);
}

static char *col(sqlite3_stmt *st, int i)
{
	return pl_strdup((const char *)sqlite3_column_text(st, i));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One external id of a stored visit (v[idx]), for finding shared ones. */
typedef struct ext_ref {
	const char *ext;
	size_t idx;
} ext_ref;

static int by_ext(const void *a, const void *b)
{
	return strcmp(((const ext_ref *)a)->ext, ((const ext_ref *)b)->ext);
}

static int by_from(const void *a, const void *b)
{
	return strcmp(((const pl_link *)a)->from, ((const pl_link *)b)->from);
}

static parley_visit_desc desc_of(const vdesc *v)
{
	return (parley_visit_desc){v->from, v->to, v->start, v->visitor, v->label, v->level,
	                           (const char *const *)v->ext};
}

/* Every visit with its external ids, sorted by id; incoming ones marked. */
static int load(parley_db *db, char *const *incoming, size_t nin, parley_link_mode mode,
                vdesc **out, size_t *nout, parley_err *err)
{
	sqlite3_stmt *st = NULL, *ex = NULL;
	vdesc *v = NULL;
	size_t n = 0, cap = 0;
	/* By external id only visits that have one can match: only those are
	 * loaded, not the whole store (issue 13). */
	int rc = pl_prepare(db,
	                    mode == PARLEY_LINK_RULE
	                        ? "SELECT id, from_country, to_country, start_date, visitor,"
	                          " visitor_label, level FROM visit ORDER BY id"
	                        : "SELECT id, from_country, to_country, start_date, visitor,"
	                          " visitor_label, level FROM visit WHERE id IN (SELECT entity_id"
	                          " FROM external_id WHERE entity = 'visit') ORDER BY id",
	                    &st, err);
	if (!rc)
		rc = pl_prepare(db,
		                "SELECT entity_id, scheme || ':' || value FROM external_id"
		                " WHERE entity = 'visit' ORDER BY entity_id",
		                &ex, err);
	while (!rc && sqlite3_step(st) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			vdesc *v2 = realloc(v, cap * sizeof *v2);
			if (!v2) {
				rc = parley_err_set(err, PARLEY_ENOMEM, "out of memory");
				break;
			}
			v = v2;
		}
		vdesc *d = &v[n++];
		memset(d, 0, sizeof *d);
		d->id = col(st, 0);
		d->from = col(st, 1);
		d->to = col(st, 2);
		d->start = col(st, 3);
		d->visitor = col(st, 4);
		d->label = col(st, 5);
		d->level = col(st, 6);
		d->ext = calloc(1, sizeof *d->ext);
		d->ext_cap = 1;
		if (!d->id || !d->ext)
			rc = parley_err_set(err, PARLEY_ENOMEM, "out of memory");
		else
			d->incoming = bsearch(&d->id, incoming, nin, sizeof *incoming, cmp_str) != NULL;
	}
	/* Both lists are in id order: walk them together. */
	size_t j = 0;
	while (!rc && sqlite3_step(ex) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(ex, 0);
		while (j < n && strcmp(v[j].id, id) < 0)
			j++;
		if (j == n || strcmp(v[j].id, id) != 0)
			continue;
		vdesc *d = &v[j];
		if (d->next + 1 >= d->ext_cap) {
			size_t c2 = d->ext_cap * 2 + 2;
			char **e2 = realloc(d->ext, c2 * sizeof *e2);
			if (!e2) {
				rc = parley_err_set(err, PARLEY_ENOMEM, "out of memory");
				break;
			}
			d->ext = e2;
			d->ext_cap = c2;
		}
		if (!(d->ext[d->next] = col(ex, 1))) {
			rc = parley_err_set(err, PARLEY_ENOMEM, "out of memory");
			break;
		}
		d->ext[++d->next] = NULL;
	}
	sqlite3_finalize(st);
	sqlite3_finalize(ex);
	*out = v;
	*nout = n;
	return rc;
}

static long first_day(const char *s)
{
	parley_date d;
	if (!s || parley_date_parse(s, strlen(s), &d, NULL))
		return 0;
	return parley_date_first_day(d);
}

/* Of several rule candidates, keeps those whose start is nearest to a's
 * (moved to the front of cand); returns how many there are.  Two visits of
 * one direction days apart (a leader's trip and an aide's) are told apart
 * by their dates when nothing else does. */
static size_t closest(const vdesc *a, const vdesc *v, size_t *cand, size_t nc)
{
	long day = first_day(a->start), best = -1;
	size_t nbest = 0;
	for (size_t k = 0; k < nc; k++) {
		long g = labs(first_day(v[cand[k]].start) - day);
		if (best < 0 || g < best) {
			best = g;
			nbest = 0;
		}
		if (g == best)
			cand[nbest++] = cand[k];
	}
	return nbest;
}

void pl_links_free(pl_link *l, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(l[i].from);
		free(l[i].to);
	}
	free(l);
}

int pl_match_links(parley_db *db, char **incoming, size_t nin, parley_link_mode mode,
                   int days, parley_report *rep, pl_link **out, size_t *nout, parley_err *err)
{
	*out = NULL;
	*nout = 0;
	if (mode == PARLEY_LINK_NONE || !nin)
		return PARLEY_OK;
	qsort(incoming, nin, sizeof *incoming, cmp_str);
	vdesc *v = NULL;
	size_t n = 0;
	int rc = load(db, incoming, nin, mode, &v, &n, err);
	pl_link *links = NULL;
	size_t nl = 0;
	size_t *cand = rc ? NULL : calloc(n ? n : 1, sizeof *cand);
	if (!rc && !cand)
		rc = parley_err_set(err, PARLEY_ENOMEM, "out of memory");
	if (!rc && !(links = calloc(nin, sizeof *links)))
		rc = parley_err_set(err, PARLEY_ENOMEM, "out of memory");
	/* The external ids of the visits already stored, sorted. */
	ext_ref *ix = NULL;
	size_t nix = 0;
	for (size_t j = 0; !rc && j < n; j++)
		nix += v[j].incoming ? 0 : v[j].next;
	if (!rc && !(ix = calloc(nix ? nix : 1, sizeof *ix)))
		rc = parley_err_set(err, PARLEY_ENOMEM, "out of memory");
	for (size_t j = 0, k = 0; !rc && j < n; j++)
		for (size_t e = 0; !v[j].incoming && e < v[j].next; e++)
			ix[k++] = (ext_ref){v[j].ext[e], j};
	if (!rc)
		qsort(ix, nix, sizeof *ix, by_ext);
	for (size_t i = 0; !rc && i < n; i++) {
		if (!v[i].incoming)
			continue;
		parley_visit_desc a = desc_of(&v[i]);
		parley_match_how how = PARLEY_MATCH_NONE;
		size_t nc = 0;
		/* An external id is identity: it wins over any rule match.  The
		 * index finds the visits sharing one without comparing every pair;
		 * parley_visit_match still decides. */
		how = PARLEY_MATCH_EXTERNAL_ID;
		for (size_t e = 0; e < v[i].next; e++) {
			ext_ref key = {v[i].ext[e], 0};
			ext_ref *hit = bsearch(&key, ix, nix, sizeof *ix, by_ext);
			while (hit && hit > ix && strcmp(hit[-1].ext, key.ext) == 0)
				hit--;
			for (; hit && hit < ix + nix && strcmp(hit->ext, key.ext) == 0; hit++) {
				parley_visit_desc b = desc_of(&v[hit->idx]);
				int dup = 0;
				for (size_t k = 0; k < nc; k++)
					dup |= cand[k] == hit->idx;
				if (!dup && parley_visit_match(&a, &b, days) == how)
					cand[nc++] = hit->idx;
			}
		}
		if (!nc && mode == PARLEY_LINK_RULE) {
			how = PARLEY_MATCH_RULE;
			for (size_t j = 0; j < n; j++) {
				if (v[j].incoming)
					continue;
				parley_visit_desc b = desc_of(&v[j]);
				if (parley_visit_match(&a, &b, days) == how)
					cand[nc++] = j;
			}
		}
		if (nc > 1 && how == PARLEY_MATCH_RULE)
			nc = closest(&v[i], v, cand, nc);
		if (nc > 1) {
			pl_buf names;
			pl_buf_init(&names, 4096);
			for (size_t k = 0; k < nc && k < 8; k++)
				pl_buf_printf(&names, "%s%s", k ? ", " : "", v[cand[k]].id);
			parley_report_add(rep, PARLEY_WARNING, NULL, 0, 0, v[i].id, NULL, "ambiguous-match",
			                  "matches %zu existing visits (%s%s); added, not linked", nc,
			                  names.data ? names.data : "", nc > 8 ? ", ..." : "");
			pl_buf_free(&names);
			continue;
		}
		if (nc == 1) {
			links[nl].from = pl_strdup(v[i].id);
			links[nl].to = pl_strdup(v[cand[0]].id);
			links[nl].how = how;
			if (!links[nl].from || !links[nl].to)
				rc = parley_err_set(err, PARLEY_ENOMEM, "out of memory");
			nl++;
		}
	}
	free(cand);
	free(ix);
	for (size_t i = 0; i < n; i++)
		vdesc_free(&v[i]);
	free(v);
	if (rc) {
		pl_links_free(links, nl);
		return rc;
	}
	qsort(links, nl, sizeof *links, by_from);
	*out = links;
	*nout = nl;
	return PARLEY_OK;
}

const pl_link *pl_link_find(const pl_link *links, size_t n, const char *from)
{
	if (!from || !n)
		return NULL;
	pl_link key = {(char *)from, NULL, PARLEY_MATCH_NONE};
	return bsearch(&key, links, n, sizeof *links, by_from);
}
