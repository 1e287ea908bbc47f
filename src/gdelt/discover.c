/*
 * discover.c - `discover gdelt --between A:B`: candidate visits.
 *
 * The scan hands over rows of the pair; this sink keeps those with the
 * meeting/visit codes and a government or leadership actor type as events.
 * After the scan the places are mapped to ISO3 (the store's country.fips
 * first, then the table in fips.c), the events are folded (candidate.c),
 * compared with the visits in the store and, when asked, the new ones are
 * stored as visits with status 'candidate' in one transaction, with their
 * URLs as sources and their event ids as external_id rows (scheme 'gdelt').
 */
#include "gdelt.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct disc_ctx {
	pl_gdelt_filter filter;
	const char *types;
	char a[4], b[4];
	_Atomic long kept;  /* distinct events kept by all workers */
} disc_ctx;

/* Events kept by one worker, made unique by GLOBALEVENTID as they come (an
 * open-addressing table of indexes into ev), so a file of one event
 * repeated millions of times keeps one event, not millions. */
typedef struct disc_worker {
	disc_ctx *ctx;
	pl_gdelt_event *ev;
	size_t n, cap;
	long matched;       /* rows kept, duplicates included (the summary's count) */
	uint32_t *slot;     /* index + 1 into ev; 0 = empty */
	size_t nslots;      /* a power of two, at least twice n */
} disc_worker;

static void *disc_user_new(void *ctx)
{
	disc_worker *d = calloc(1, sizeof *d);
	if (d)
		d->ctx = ctx;
	return d;
}

static uint64_t id_hash(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ULL;
	return h;
}

/* The slot for the id: the one holding it, or the empty one where it goes. */
static size_t id_slot(const disc_worker *d, const char *id, size_t n)
{
	size_t mask = d->nslots - 1, i = (size_t)id_hash(id, n) & mask;
	while (d->slot[i]) {
		const char *have = d->ev[d->slot[i] - 1].id;
		if (strlen(have) == n && memcmp(have, id, n) == 0)
			return i;
		i = (i + 1) & mask;
	}
	return i;
}

static int id_table_grow(disc_worker *d)
{
	size_t ns = d->nslots ? d->nslots * 2 : 1024;
	uint32_t *v = calloc(ns, sizeof *v);
	if (!v)
		return PARLEY_ENOMEM;
	free(d->slot);
	d->slot = v;
	d->nslots = ns;
	for (size_t k = 0; k < d->n; k++)
		d->slot[id_slot(d, d->ev[k].id, strlen(d->ev[k].id))] = (uint32_t)(k + 1);
	return PARLEY_OK;
}

/* Why a text field may not be stored: invalid UTF-8 or a NUL byte (static
 * text naming the field), or NULL when it is fine. */
static const char *bad_text(const pl_gdelt_row *r, int i, const char *nul, const char *utf8)
{
	if (r->n[i] == 0)
		return NULL;
	if (memchr(r->f[i], '\0', r->n[i]))
		return nul;
	if (pl_utf8_invalid_at(r->f[i], r->n[i]) >= 0)
		return utf8;
	return NULL;
}

static const char *disc_row(pl_gdelt_worker *w, const pl_gdelt_row *r)
{
	disc_worker *d = w->user;
	long day;
	const char *why = NULL;
	int ok = pl_gdelt_filter_row(&d->ctx->filter, r, &day, &why);
	if (ok <= 0)
		return ok < 0 ? why : NULL;
	if (!pl_gdelt_row_has_type(r, d->ctx->types))
		return NULL;
	if (r->n[PL_GD_ID] == 0 || r->n[PL_GD_ID] >= sizeof d->ev[0].id)
		return "GLOBALEVENTID empty or too long";
	/* Text that would be stored (the visitor label, source URLs) must be
	 * UTF-8 without NUL bytes, like everything else in the store. */
	int uf = pl_gdelt_url_field(r->nfields);
	if ((why = bad_text(r, PL_GD_A1NAME, "Actor1Name contains a NUL byte",
	                    "Actor1Name is not valid UTF-8")) ||
	    (why = bad_text(r, PL_GD_A2NAME, "Actor2Name contains a NUL byte",
	                    "Actor2Name is not valid UTF-8")) ||
	    (uf >= 0 && (why = bad_text(r, uf, "SOURCEURL contains a NUL byte",
	                                "SOURCEURL is not valid UTF-8"))))
		return why;
	if (2 * (d->n + 1) > d->nslots && id_table_grow(d) != PARLEY_OK) {
		w->status = PARLEY_ENOMEM;
		return NULL;
	}
	d->matched++;
	size_t at = id_slot(d, r->f[PL_GD_ID], r->n[PL_GD_ID]);
	if (d->slot[at])
		return NULL; /* an event already kept (the same file read twice) */
	if (atomic_fetch_add(&d->ctx->kept, 1) >= PL_GDELT_MAX_EVENTS) {
		pl_gdelt_scan_limit(w, "discover gdelt: more than %ld distinct candidate events between "
		                       "%s and %s (the limit); narrow the query (--since/--until, "
		                       "--codes, --types) or scan fewer files at a time",
		                    (long)PL_GDELT_MAX_EVENTS, d->ctx->a, d->ctx->b);
		return NULL;
	}
	pl_gdelt_event *v = pl_grow(d->ev, &d->cap, d->n + 1, sizeof *v, 64);
	if (!v) {
		w->status = PARLEY_ENOMEM;
		return NULL;
	}
	d->ev = v;
	if (pl_gdelt_event_from_row(r, day, &d->ev[d->n]) != PARLEY_OK) {
		w->status = PARLEY_ENOMEM;
		return NULL;
	}
	d->n++;
	d->slot[at] = (uint32_t)d->n;
	return NULL;
}

/* ------------------------------------------------------------------ */
/* The store: places, matching, storing                                 */
/* ------------------------------------------------------------------ */

/* Maps every event's FIPS place to ISO3: the store's country.fips first. */
static void map_places(parley_db *db, pl_gdelt_event *ev, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		ev[i].place[0] = '\0';
		if (!ev[i].place_fips[0])
			continue;
		/* Only an unambiguous answer overrides the table. */
		if (db && pl_country_by_fips(db, ev[i].place_fips, ev[i].place, sizeof ev[i].place))
			continue;
		const char *iso = pl_fips_to_iso3(ev[i].place_fips, 2);
		if (iso)
			pl_strlcpy(ev[i].place, iso, sizeof ev[i].place);
	}
}

int parley_gdelt_discover(parley_db *db, const char *const *paths, size_t npaths,
                          const parley_gdelt_query *q, const parley_discover_opts *o,
                          parley_report *rep, parley_gdelt_stats *stats,
                          parley_candidates **out, parley_err *err)
{
	*out = NULL;
	if (!q || !q->country_a || !q->country_b || strlen(q->country_a) != 3 ||
	    strlen(q->country_b) != 3)
		return parley_err_set(err, PARLEY_EINVAL,
		                      "discover gdelt: --between A:B with 3-letter codes is required");
	parley_discover_opts defaults = {0};
	if (!o)
		o = &defaults;
	disc_ctx ctx;
	memset(&ctx, 0, sizeof ctx);
	ctx.types = o->types && *o->types ? o->types : "GOV,LEG,MIL";
	pl_strlcpy(ctx.a, q->country_a, sizeof ctx.a);
	pl_strlcpy(ctx.b, q->country_b, sizeof ctx.b);
	int rc = pl_gdelt_filter_init(&ctx.filter, q, err);
	if (rc)
		return rc;
	pl_gdelt_scan_opts so;
	pl_gdelt_scan_opts_for(&so, q, disc_row, disc_user_new, &ctx);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pl_gdelt_scan s;
	rc = pl_gdelt_scan_run(&s, &so, paths, npaths, rep, err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	pl_gdelt_event *all = NULL;
	size_t n = 0, cap = 0;
	long matched = 0;
	for (int i = 0; s.workers && i < s.nworkers; i++) {
		disc_worker *d = s.workers[i].user;
		if (!d)
			continue;
		matched += d->matched;
		if (s.workers[i].status && rc == PARLEY_OK)
			rc = pl_gdelt_status_err(&s, s.workers[i].status, 0, "discover gdelt", err);
		if (rc == PARLEY_OK && n + d->n > cap) {
			size_t nc = (n + d->n) * 2;
			pl_gdelt_event *v = realloc(all, nc * sizeof *v);
			if (!v)
				rc = parley_err_set(err, PARLEY_ENOMEM, "discover gdelt: out of memory");
			else {
				all = v;
				cap = nc;
			}
		}
		for (size_t k = 0; k < d->n; k++) {
			if (rc == PARLEY_OK)
				all[n++] = d->ev[k];
			else
				pl_gdelt_event_clear(&d->ev[k]);
		}
		free(d->ev);
		free(d->slot);
		free(d);
		s.workers[i].user = NULL;
	}
	if (stats)
		pl_gdelt_scan_stats(&s, stats, matched, &t0, &t1);
	pl_gdelt_scan_free(&s);
	parley_candidates *cs = NULL;
	if (rc == PARLEY_OK) {
		if (db && !pl_store_has_table(db, "country"))
			db = NULL;
		map_places(db, all, n);
		for (size_t i = 0; i < n; i++)
			pl_gdelt_event_direct(&all[i], q->country_a, q->country_b);
		rc = pl_gdelt_fold(all, n, &cs, err);
	}
	for (size_t i = 0; i < n; i++)
		pl_gdelt_event_clear(&all[i]);
	free(all);
	if (rc)
		return rc;
	/* Drop the candidates below the minimum score. */
	size_t keep = 0;
	for (size_t i = 0; i < cs->n; i++) {
		if (cs->v[i].score + 1e-9 < o->min_score) {
			pl_gdelt_candidate_clear(&cs->v[i]);
			continue;
		}
		cs->v[keep++] = cs->v[i];
	}
	cs->n = keep;
	if (db) {
		for (size_t i = 0; rc == PARLEY_OK && i < cs->n; i++)
			if (strcmp(cs->v[i].match, "not-stored") == 0)
				rc = pl_candidate_match(db, &cs->v[i], err);
		if (rc == PARLEY_OK && o->store)
			rc = pl_candidates_store(db, cs, o->actor ? o->actor : "discover:gdelt", rep, err);
		if (rc == PARLEY_OK && !o->store)
			for (size_t i = 0; i < cs->n; i++)
				if (strcmp(cs->v[i].match, "new") == 0)
					pl_strlcpy(cs->v[i].match, "not-stored", sizeof cs->v[i].match);
	}
	if (rc) {
		parley_candidates_free(cs);
		return rc;
	}
	*out = cs;
	return PARLEY_OK;
}

/* ------------------------------------------------------------------ */
/* Output                                                               */
/* ------------------------------------------------------------------ */

static int print_json(const parley_candidates *cs, FILE *out, parley_err *err)
{
	pl_buf b;
	pl_buf_init(&b, 0);
	int rc = pl_buf_puts(&b, "[");
	for (size_t i = 0; rc == PARLEY_OK && i < cs->n; i++) {
		const parley_candidate *c = &cs->v[i];
		json_t *o = json_pack(
		    "{s:o,s:o,s:o,s:o,s:s,s:s,s:i,s:I,s:I,s:I,s:I,s:b,s:f,s:o,s:o,s:o,s:o,s:o,s:o}", "id",
		    pl_json_text(c->id), "from", pl_json_text(c->from), "to", pl_json_text(c->to), "place",
		    pl_json_text(c->place), "start", c->start, "end", c->end, "days", c->days, "events",
		    (json_int_t)c->events, "sources", (json_int_t)c->sources, "articles",
		    (json_int_t)c->articles, "mentions", (json_int_t)c->mentions, "mirrored", c->mirrored,
		    "score", pl_json_round(c->score, 2), "match", pl_json_text(c->match), "match_id",
		    pl_json_text(c->match_id), "label", pl_json_text(c->label), "codes",
		    pl_json_text(c->codes), "event_ids",
		    pl_json_ids((const char *const *)c->event_ids, c->nevent_ids), "urls",
		    pl_json_ids((const char *const *)c->urls, c->nurls));
		rc = pl_json_item(&b, i, "\n ", o);
	}
	if (!rc)
		rc = pl_buf_puts(&b, "\n]\n");
	if (!rc)
		fputs(b.data, out);
	pl_buf_free(&b);
	return rc ? parley_err_set(err, rc, "discover gdelt: out of memory writing JSON") : PARLEY_OK;
}

int parley_candidates_print(const parley_candidates *cs, const char *format, FILE *out,
                            parley_err *err)
{
	if (!format || strcmp(format, "table") == 0) {
		fprintf(out, "%-10s %-10s %-4s %-4s %-5s %4s %6s %7s %8s %6s  %-17s %s\n", "start", "end",
		        "from", "to", "place", "days", "events", "sources", "articles", "score", "match",
		        "id");
		for (size_t i = 0; i < cs->n; i++) {
			const parley_candidate *c = &cs->v[i];
			fprintf(out, "%-10s %-10s %-4s %-4s %-5s %4d %6ld %7ld %8ld %6.2f  %-17s %s\n", c->start,
			        c->end, c->from[0] ? c->from : "?", c->to[0] ? c->to : "?",
			        c->place[0] ? c->place : "?", c->days, c->events, c->sources, c->articles,
			        c->score, c->match, c->match_id[0] ? c->match_id : c->id);
		}
	} else if (strcmp(format, "csv") == 0) {
		fputs("id,from,to,place,start,end,days,events,sources,articles,mentions,mirrored,score,"
		      "match,match_id,label,codes,event_ids,urls\n",
		      out);
		for (size_t i = 0; i < cs->n; i++) {
			const parley_candidate *c = &cs->v[i];
			fprintf(out, "%s,%s,%s,%s,%s,%s,%d,%ld,%ld,%ld,%ld,%d,%.2f,%s,%s,", c->id, c->from, c->to,
			        c->place, c->start, c->end, c->days, c->events, c->sources, c->articles,
			        c->mentions, c->mirrored, c->score, c->match, c->match_id);
			pl_csv_write_field(out, c->label);
			fputc(',', out);
			pl_csv_write_field(out, c->codes);
			fputc(',', out);
			pl_buf b;
			pl_buf_init(&b, 0);
			for (size_t k = 0; k < c->nevent_ids; k++)
				pl_buf_addf(&b, "%s%s", k ? " " : "", c->event_ids[k]);
			int lost = pl_buf_failed(&b);
			pl_csv_write_field(out, b.data ? b.data : "");
			fputc(',', out);
			pl_buf_free(&b);
			pl_buf_init(&b, 0);
			for (size_t k = 0; k < c->nurls; k++)
				pl_buf_addf(&b, "%s%s", k ? " " : "", c->urls[k]);
			lost = lost ? lost : pl_buf_failed(&b);
			pl_csv_write_field(out, b.data ? b.data : "");
			pl_buf_free(&b);
			fputc('\n', out);
			if (lost) /* a row without all its ids is no row */
				return parley_err_set(err, lost, "discover gdelt: %s", parley_strstatus(lost));
		}
	} else if (strcmp(format, "json") == 0) {
		int rc = print_json(cs, out, err);
		if (rc)
			return rc;
	} else {
		return parley_err_set(err, PARLEY_EINVAL, "--format: '%s' is not table, csv or json", format);
	}
	return ferror(out) ? parley_err_set(err, PARLEY_EIO, "discover gdelt: write failed") : PARLEY_OK;
}
