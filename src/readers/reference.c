/*
 * reference.c - readers for the flat spreadsheets in ../shared/reference/:
 * the visits list (china-dprk-visits.csv: one row per visit, lists joined
 * by '; ', URLs by ' | ') and the office-holders list
 * (china-dprk-officeholders.csv: one row per tenure).  An analyst's sheet
 * of the same shape imports directly.
 *
 * People are matched by name (pl_import_find_person: names and aliases, any
 * case or accent) or created with a slug id.  In the office-holders file the
 * same romanised name with two different native-script names is two people
 * (the file has two men called Kim Yong-il).  Levels map as
 * supreme_leader -> paramount_leader, head_of_government, ministerial,
 * other -> other_senior, unknown -> at_least_ministerial (the think tank
 * counted only Foreign Minister and above).
 */
#include "readers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Finds each header name; -1 for a missing one. */
static void map_cols(const pl_csv *csv, const char *const *names, int n, int *pos)
{
	for (int c = 0; c < n; c++) {
		pos[c] = -1;
		for (size_t i = 0; i < csv->nfields; i++)
			if (strcmp(csv->fields[i], names[c]) == 0)
				pos[c] = (int)i;
	}
}

static const char *fld(const pl_csv *csv, const int *pos, int c)
{
	return pos[c] >= 0 && (size_t)pos[c] < csv->nfields ? csv->fields[pos[c]] : "";
}

/* Maps the header row and checks that the first `required` columns are
 * there; reports the first missing one and returns -1. */
static int read_header(pl_import *imp, const char *path, const pl_csv *csv,
                       const char *const *names, int n, int required, int *pos)
{
	map_cols(csv, names, n, pos);
	for (int c = 0; c < required; c++)
		if (pos[c] < 0) {
			pl_import_report(imp, PARLEY_ERROR, path, 1, 0, NULL, names[c], "missing-column",
			                 "the header has no '%s' column", names[c]);
			return -1;
		}
	return 0;
}

/* Checks a required start date and an optional end date of the current
 * row; reports the bad one (naming its column) and returns -1. */
static int check_dates(pl_import *imp, const char *path, const pl_csv *csv, const int *pos,
                       const char *const *names, int start_col, int end_col)
{
	const char *start = fld(csv, pos, start_col), *end = fld(csv, pos, end_col);
	int bad_start = !rd_valid_date(start);
	if (!bad_start && (!*end || rd_valid_date(end)))
		return 0;
	int c = bad_start ? start_col : end_col;
	/* a short row has no such field: then no column is named */
	long col = pos[c] >= 0 && (size_t)pos[c] < csv->nfields ? csv->field_col[pos[c]] : 0;
	pl_import_report(imp, PARLEY_ERROR, path, csv->line, col, NULL, names[c], "bad-date",
	                 "'%s' is not a valid date", bad_start ? start : end);
	return -1;
}

/* A reference CSV read row by row, the same way for both layouts: the
 * header mapped and checked once, blank rows passed over, every other row
 * counted and its dates checked, a broken CSV reported at its line. */
typedef struct ref_rows {
	pl_import *imp;
	const char *path;
	pl_csv *csv;
	const char *const *cols;
	int ncols, required, start_col, end_col;
	int *pos;
	rd_counts *n;
	int header; /* 1 until the header row is read */
} ref_rows;

/* 1 with the next row whose dates are good; 0 at the end of the file or
 * when the header lacks a required column (both reported). */
static int next_row(ref_rows *r)
{
	parley_err err;
	int rc;
	while ((rc = pl_csv_next(r->csv, &err)) == 1) {
		if (r->header) {
			r->header = 0;
			if (read_header(r->imp, r->path, r->csv, r->cols, r->ncols, r->required, r->pos) < 0)
				return 0;
			continue;
		}
		if (r->csv->nfields == 1 && !r->csv->fields[0][0])
			continue;
		r->n->records++;
		if (check_dates(r->imp, r->path, r->csv, r->pos, r->cols, r->start_col, r->end_col) < 0) {
			r->n->bad++;
			continue;
		}
		return 1;
	}
	if (rc < 0) {
		pl_import_report(r->imp, PARLEY_ERROR, r->path, r->csv->line, 0, NULL, NULL,
		                 r->csv->bad_field ? "nul-byte" : "bad-csv", "%s", err.msg);
		r->n->bad++;
	}
	return 0;
}

/* Calls fn for each trimmed, non-empty part of s split at sep. */
static void each_part(const char *s, const char *sep, void (*fn)(void *, const char *, int),
                      void *arg)
{
	char buf[4096];
	size_t k = strlen(sep);
	int seq = 0;
	while (s && *s) {
		const char *e = strstr(s, sep);
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (n >= sizeof buf)
			n = sizeof buf - 1;
		memcpy(buf, s, n);
		buf[n] = '\0';
		pl_trim(buf);
		if (*buf)
			fn(arg, buf, ++seq);
		s = e ? e + k : NULL;
	}
}

/* ------------------------------------------------------------------ */
/* Visits                                                              */
/* ------------------------------------------------------------------ */

enum { V_START, V_END, V_NAME, V_TITLE, V_FROM, V_TO, V_HOSTS, V_TYPE, V_LEVEL, V_CITIES,
       V_COMPANIONS, V_ACTIVITIES, V_URLS, V_CONF, V_NCOLS };
static const char *const v_cols[V_NCOLS] = {
    "start_date", "end_date", "visitor_name", "visitor_title_at_time", "visitor_country",
    "host_country", "host_leader_met", "visit_type", "level", "cities",
    "notable_companions", "activities", "source_url", "confidence"};

typedef struct vis_ctx {
	pl_import *imp;
	const char *path;
	long line;
	const char *visit, *host;
	rd_counts n;
	rd_seen sources, people;
	const char *role;
} vis_ctx;

static const char *map_level(const char *l)
{
	static const char *const m[][2] = {
	    {"supreme_leader", "paramount_leader"}, {"paramount_leader", "paramount_leader"},
	    {"head_of_state", "head_of_state"},     {"head_of_government", "head_of_government"},
	    {"ministerial", "ministerial"},         {"other", "other_senior"},
	    {"other_senior", "other_senior"},       {"unknown", "at_least_ministerial"},
	};
	for (size_t i = 0; i < PL_ARRAY_LEN(m); i++)
		if (strcmp(l, m[i][0]) == 0)
			return m[i][1];
	return NULL;
}

/* A person id for a name: an existing person, or a new one (created here)
 * with a slug id.  Writes into id. */
static void person_for(vis_ctx *x, const char *name, const char *country, char *id, size_t cap)
{
	const char *found = pl_import_find_person(x->imp, name);
	if (found) {
		pl_strlcpy(id, found, cap);
		return;
	}
	pl_slug(name, id, cap);
	if (!*id)
		return;
	if (rd_person_exists(x->imp, id) || rd_seen_has(&x->people, id))
		return;
	rd_row r;
	rd_row_init(&r, "person");
	rd_set(&r, "id", id);
	rd_set(&r, "name", name);
	rd_set(&r, "country", country);
	if (rd_put(x->imp, &r, x->path, x->line) == PARLEY_OK) {
		x->n.people++;
		rd_seen_add(&x->people, id);
	}
}

static void put_named(void *arg, const char *name, int seq)
{
	vis_ctx *x = arg;
	rd_row r;
	const char *pid = pl_import_find_person(x->imp, name);
	rd_row_init(&r, "visit_person");
	rd_set(&r, "visit", x->visit);
	rd_set(&r, "role", x->role);
	rd_setf(&r, "seq", "%d", seq);
	rd_set(&r, "person", pid);
	rd_set(&r, "name", name);
	rd_put(x->imp, &r, x->path, x->line);
}

static void put_city(void *arg, const char *name, int seq)
{
	vis_ctx *x = arg;
	rd_row r;
	rd_row_init(&r, "place");
	rd_set(&r, "visit", x->visit);
	rd_setf(&r, "seq", "%d", seq);
	rd_set(&r, "name", name);
	rd_set(&r, "country", x->host);
	if (rd_put(x->imp, &r, x->path, x->line) == PARLEY_OK)
		x->n.places++;
}

/* Stores the source of url (counted once per file in n->sources) and the
 * row of concept `link` tying it to the record `owner` names in column
 * `owner_col` (a visit, a tenure); -1 when the source was refused. */
static int put_source_link(pl_import *imp, const char *path, long line, rd_seen *sources,
                           rd_counts *n, const char *url, const char *link,
                           const char *owner_col, const char *owner)
{
	char sid[24];
	rd_row r;
	if (rd_put_source(imp, url, NULL, NULL, NULL, NULL, sid, sizeof sid, path, line) !=
	    PARLEY_OK)
		return -1;
	if (rd_seen_add(sources, sid) == 1)
		n->sources++;
	rd_row_init(&r, link);
	rd_set(&r, owner_col, owner);
	rd_set(&r, "source", sid);
	rd_put(imp, &r, path, line);
	return 0;
}

static void put_url(void *arg, const char *url, int seq)
{
	vis_ctx *x = arg;
	(void)seq;
	if (put_source_link(x->imp, x->path, x->line, &x->sources, &x->n, url, "visit_source",
	                    "visit", x->visit) < 0)
		return;
	/* a Beyond Parallel line link names the entry this row comes from
	 * (line n of the file holds entry n-1) */
	const char *l = strstr(url, "gates_money.csv#L");
	if (l) {
		long line = strtol(l + 17, NULL, 10);
		char v[24];
		if (line > 1) {
			snprintf(v, sizeof v, "%ld", line - 1);
			rd_put_extid(x->imp, "visit", x->visit, "beyond-parallel-2016", v, x->path,
			             x->line);
		}
	}
}

static int valid_enum(const char *concept, const char *col, const char *v)
{
	const pl_concept *c = pl_concept_find(concept);
	int i = pl_concept_col(c, col);
	for (const char *const *p = c->cols[i].values; p && *p; p++)
		if (strcmp(*p, v) == 0)
			return 1;
	return 0;
}

static int read_visits(pl_import *imp, const char *path, const char *data, size_t len)
{
	pl_csv csv;
	vis_ctx x;
	rd_seen ids = {0};
	int pos[V_NCOLS];

	memset(&x, 0, sizeof x);
	x.imp = imp;
	x.path = path;
	pl_csv_init(&csv, data, len, ',');
	ref_rows rows = {imp, path, &csv, v_cols, V_NCOLS, V_LEVEL + 1, V_START, V_END, pos, &x.n, 1};
	while (next_row(&rows)) {
		x.line = csv.line;
		const char *start = fld(&csv, pos, V_START), *end = fld(&csv, pos, V_END);
		const char *name = fld(&csv, pos, V_NAME), *from = fld(&csv, pos, V_FROM);
		const char *to = fld(&csv, pos, V_TO), *lv = fld(&csv, pos, V_LEVEL);
		const char *type = fld(&csv, pos, V_TYPE), *conf = fld(&csv, pos, V_CONF);
		const char *level = map_level(lv);
		if (!level) {
			pl_import_unmapped(imp, path, csv.line, "level",
			                   "level '%s' is not known; recorded as unknown", lv);
			x.n.unmapped++;
			level = "unknown";
		}
		if (!valid_enum("visit", "type", type)) {
			if (*type) {
				pl_import_unmapped(imp, path, csv.line, "visit_type",
				                   "visit type '%s' is not known; recorded as unknown", type);
				x.n.unmapped++;
			}
			type = "unknown";
		}
		char clean[256], pid[160] = "", slug[160], vid[256];
		int unidentified = strncmp(name, "unidentified", 12) == 0 || !*name;
		pl_strlcpy(clean, name, sizeof clean);
		char *paren = strstr(clean, " (");
		if (paren)
			*paren = '\0'; /* '(inferred)', '(delegation head)' stay in the label */
		if (!unidentified)
			person_for(&x, clean, from, pid, sizeof pid);
		pl_strlcpy(slug, unidentified ? "unidentified" : (*pid ? pid : "unknown"), sizeof slug);
		char fl[8], tl[8];
		pl_strlcpy(fl, from, sizeof fl);
		pl_strlcpy(tl, to, sizeof tl);
		snprintf(vid, sizeof vid, "%s-%s-%s-%s", start, rd_lower(fl), rd_lower(tl), slug);
		for (int k = 2; rd_seen_has(&ids, vid); k++)
			snprintf(vid, sizeof vid, "%s-%s-%s-%s-%d", start, fl, tl, slug, k);
		rd_seen_add(&ids, vid);

		rd_row r;
		rd_row_init(&r, "visit");
		rd_set(&r, "id", vid);
		rd_set(&r, "visitor", unidentified ? NULL : pid);
		rd_set(&r, "visitor_label", unidentified || paren ? name : NULL);
		rd_set(&r, "visitor_title", fld(&csv, pos, V_TITLE));
		rd_set(&r, "level", level);
		rd_set(&r, "from_country", from);
		rd_set(&r, "to_country", to);
		rd_set(&r, "start_date", start);
		rd_set(&r, "end_date", end);
		rd_set(&r, "type", type);
		rd_set(&r, "summary", fld(&csv, pos, V_ACTIVITIES));
		rd_set(&r, "confidence", valid_enum("visit", "confidence", conf) ? conf : NULL);
		rd_set(&r, "status", "confirmed");
		if (rd_put(imp, &r, path, csv.line) != PARLEY_OK) {
			x.n.bad++;
			continue;
		}
		x.n.visits++;
		x.visit = vid;
		x.host = to;
		x.role = "host";
		each_part(fld(&csv, pos, V_HOSTS), "; ", put_named, &x);
		x.role = "companion";
		each_part(fld(&csv, pos, V_COMPANIONS), "; ", put_named, &x);
		each_part(fld(&csv, pos, V_CITIES), "; ", put_city, &x);
		each_part(fld(&csv, pos, V_URLS), " | ", put_url, &x);
	}
	pl_csv_free(&csv);
	rd_report_counts(imp, path, "reference-visits", &x.n);
	rd_seen_free(&ids);
	rd_seen_free(&x.sources);
	rd_seen_free(&x.people);
	return PARLEY_OK;
}

/* ------------------------------------------------------------------ */
/* Office-holders                                                      */
/* ------------------------------------------------------------------ */

enum { O_COUNTRY, O_OFFICE, O_RANK, O_PERSON, O_NATIVE, O_ALIASES, O_START, O_END, O_RULE,
       O_URLS, O_CONF, O_NCOLS };
static const char *const o_cols[O_NCOLS] = {
    "country", "office", "rank", "person", "person_native", "aliases", "start_date",
    "end_date", "start_rule", "source_url", "confidence"};

typedef struct holder {
	char name[128], native[128], id[160];
} holder;

typedef struct off_ctx {
	pl_import *imp;
	const char *path;
	long line;
	const char *person, *tenure, *kind;
	rd_counts n;
	rd_seen sources;
} off_ctx;

static void put_alias(void *arg, const char *alias, int seq)
{
	off_ctx *x = arg;
	rd_row r;
	(void)seq;
	rd_row_init(&r, "person_alias");
	rd_set(&r, "person", x->person);
	rd_set(&r, "alias", alias);
	rd_set(&r, "kind", x->kind);
	rd_put(x->imp, &r, x->path, x->line);
}

static void put_tenure_url(void *arg, const char *url, int seq)
{
	off_ctx *x = arg;
	(void)seq;
	put_source_link(x->imp, x->path, x->line, &x->sources, &x->n, url, "tenure_source",
	                "tenure", x->tenure);
}

static int read_officeholders(pl_import *imp, const char *path, const char *data, size_t len)
{
	pl_csv csv;
	off_ctx x;
	rd_seen offices = {0}, ids = {0};
	holder *hs = NULL;
	size_t nh = 0;
	int pos[O_NCOLS];

	memset(&x, 0, sizeof x);
	x.imp = imp;
	x.path = path;
	pl_csv_init(&csv, data, len, ',');
	ref_rows rows = {imp, path, &csv, o_cols, O_NCOLS, O_START + 1, O_START, O_END, pos, &x.n, 1};
	while (next_row(&rows)) {
		x.line = csv.line;
		const char *country = fld(&csv, pos, O_COUNTRY), *office = fld(&csv, pos, O_OFFICE);
		const char *rank = fld(&csv, pos, O_RANK), *name = fld(&csv, pos, O_PERSON);
		const char *native = fld(&csv, pos, O_NATIVE), *start = fld(&csv, pos, O_START);
		const char *end = fld(&csv, pos, O_END), *conf = fld(&csv, pos, O_CONF);
		const char *level = map_level(rank);
		if (!level || strcmp(level, "at_least_ministerial") == 0) {
			pl_import_unmapped(imp, path, csv.line, "rank",
			                   "rank '%s' is not an office rank; row skipped", rank);
			x.n.unmapped++;
			continue;
		}
		if (!*name || !*office || !*country) {
			pl_import_report(imp, PARLEY_ERROR, path, csv.line, 0, NULL,
			                 !*name ? "person" : !*office ? "office" : "country", "missing",
			                 "the row needs a country, an office and a person");
			x.n.bad++;
			continue;
		}
		/* office id: country + slug of the title without its bracketed
		 * history ('President of the PRC (Chairman of ...)') */
		char title[512], oslug[200], oid[256], cl[8];
		pl_strlcpy(title, office, sizeof title);
		char *br = strstr(title, " (");
		if (br)
			*br = '\0';
		pl_slug(title, oslug, sizeof oslug);
		pl_strlcpy(cl, country, sizeof cl);
		snprintf(oid, sizeof oid, "%s-%s", rd_lower(cl), oslug);
		rd_row r;
		if (rd_seen_add(&offices, oid) == 1) {
			rd_row_init(&r, "office");
			rd_set(&r, "id", oid);
			rd_set(&r, "country", country);
			rd_set(&r, "name", office);
			rd_set(&r, "rank", level);
			if (rd_put(imp, &r, path, csv.line) == PARLEY_OK)
				x.n.offices++;
		}
		/* the person: same name and compatible native name = same person */
		holder *h = NULL;
		int same_name = 0;
		for (size_t i = 0; i < nh; i++)
			if (strcmp(hs[i].name, name) == 0) {
				same_name++;
				if (!*hs[i].native || !*native || strcmp(hs[i].native, native) == 0) {
					h = &hs[i];
					break;
				}
			}
		if (!h) {
			holder *nhs = realloc(hs, (nh + 1) * sizeof *hs);
			if (!nhs) {
				/* not a silent stop: the rows not read are said */
				pl_import_report(imp, PARLEY_ERROR, path, csv.line, 0, NULL, NULL,
				                 "out-of-memory",
				                 "out of memory; this row and the rest of the file not read");
				x.n.bad++;
				break;
			}
			hs = nhs;
			h = &hs[nh++];
			memset(h, 0, sizeof *h);
			pl_strlcpy(h->name, name, sizeof h->name);
			pl_strlcpy(h->native, native, sizeof h->native);
			const char *found = same_name ? NULL : pl_import_find_person(imp, name);
			if (found) {
				pl_strlcpy(h->id, found, sizeof h->id);
			} else {
				char s[140];
				pl_slug(name, s, sizeof s);
				pl_strlcpy(h->id, s, sizeof h->id);
				for (int k = 2; rd_seen_has(&ids, h->id) ||
				                (same_name && rd_person_exists(imp, h->id));
				     k++)
					snprintf(h->id, sizeof h->id, "%s-%d", s, k);
				if (!rd_person_exists(imp, h->id)) {
					rd_row_init(&r, "person");
					rd_set(&r, "id", h->id);
					rd_set(&r, "name", name);
					rd_set(&r, "native_name", native);
					rd_set(&r, "country", country);
					if (same_name)
						rd_setf(&r, "note", "not the same person as the other %s", name);
					if (rd_put(imp, &r, path, csv.line) == PARLEY_OK)
						x.n.people++;
				}
			}
			rd_seen_add(&ids, h->id);
			x.person = h->id;
			x.kind = "romanisation";
			each_part(fld(&csv, pos, O_ALIASES), "; ", put_alias, &x);
			x.kind = "native";
			each_part(native, " / ", put_alias, &x);
		} else if (!*h->native && *native) {
			pl_strlcpy(h->native, native, sizeof h->native);
		}
		char tid[512];
		snprintf(tid, sizeof tid, "%s/%s/%s", oid, h->id, start);
		rd_row_init(&r, "tenure");
		rd_set(&r, "id", tid);
		rd_set(&r, "person", h->id);
		rd_set(&r, "office", oid);
		rd_set(&r, "start_date", start);
		rd_set(&r, "end_date", end);
		rd_set(&r, "start_rule", fld(&csv, pos, O_RULE));
		rd_set(&r, "confidence", valid_enum("tenure", "confidence", conf) ? conf : NULL);
		if (rd_put(imp, &r, path, csv.line) != PARLEY_OK) {
			x.n.bad++;
			continue;
		}
		x.n.tenures++;
		x.tenure = tid;
		each_part(fld(&csv, pos, O_URLS), " | ", put_tenure_url, &x);
	}
	pl_csv_free(&csv);
	rd_report_counts(imp, path, "reference-officeholders", &x.n);
	free(hs);
	rd_seen_free(&offices);
	rd_seen_free(&ids);
	rd_seen_free(&x.sources);
	return PARLEY_OK;
}

static int detect_visits(const char *path, const char *head, size_t n)
{
	(void)path;
	return rd_head_starts(head, n, "start_date,end_date,visitor_name,visitor_title_at_time")
	           ? 90
	           : 0;
}

static int detect_officeholders(const char *path, const char *head, size_t n)
{
	(void)path;
	return rd_head_starts(head, n, "country,office,rank,person,person_native") ? 90 : 0;
}

const pl_reader pl_reader_ref_visits = {"reference-visits", detect_visits, read_visits, true};
const pl_reader pl_reader_ref_officeholders = {"reference-officeholders", detect_officeholders,
                                               read_officeholders, true};
