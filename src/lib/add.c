/*
 * add.c - adding one visit with everything that belongs to it (parley add
 * visit, and the team-editing front ends to come).
 *
 * A visit is the visit row, its source and the link to it, its companions
 * and hosts, places and activities: up to ten rows of four concepts.  They
 * are built here from one parley_visit_input and written through the
 * import's own sink (pl_import_put), in one transaction, so every value is
 * checked exactly as an import checks it and reported with the same codes;
 * on any error nothing is written.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#define WHERE "parley add visit"

/* Splits "A|B|C" into at most n parts (pointers into buf); returns the count. */
static size_t split_bar(const char *s, char *buf, size_t cap, const char **parts, size_t n)
{
	pl_strlcpy(buf, s ? s : "", cap);
	size_t k = 0;
	char *p = buf;
	while (k < n) {
		parts[k++] = pl_trim(p);
		char *bar = k < n ? strchr(p, '|') : NULL;
		if (!bar)
			break;
		*bar = '\0';
		p = bar + 1;
	}
	return k;
}

/* Puts one row of concept `name` given as (column, value) pairs. */
static int put(pl_import *imp, const char *name, const char *const *kv, size_t npairs)
{
	const pl_concept *c = pl_concept_find(name);
	const char *vals[32] = {0};
	for (size_t i = 0; i < npairs; i++) {
		int col = pl_concept_col(c, kv[2 * i]);
		if (col >= 0)
			vals[col] = kv[2 * i + 1];
	}
	return pl_import_put(imp, c, vals, WHERE, 0);
}

/* A person id for text that is an id or a name or alias; the text itself
 * when nothing matches (the import then reports the unknown person). */
static const char *person_of(pl_import *imp, const char *text)
{
	if (!text || !*text)
		return NULL;
	const char *p = pl_import_find_person(imp, text);
	return p ? p : text;
}

static int person_exists(parley_db *db, const char *id)
{
	sqlite3_stmt *st;
	if (pl_prepare(db, "SELECT 1 FROM person WHERE id = ?1", &st, NULL))
		return 0;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	int hit = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return hit;
}

/* The row of source id, with the caller's non-empty fields over the stored
 * ones, so that naming a known URL again never blanks its title. */
static int put_source(pl_import *imp, const parley_visit_input *in, const char *sid)
{
	const pl_concept *c = pl_concept_find("source");
	char *cur[16] = {0};
	sqlite3_stmt *st;
	if (!pl_prepare(pl_import_db(imp),
	                "SELECT id, url, citation, title, publisher, published, accessed"
	                " FROM source WHERE id = ?1", &st, NULL)) {
		sqlite3_bind_text(st, 1, sid, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) == SQLITE_ROW)
			for (size_t i = 0; i < c->ncols && i < 16; i++)
				cur[i] = pl_strdup((const char *)sqlite3_column_text(st, (int)i));
		sqlite3_finalize(st);
	}
	const char *given[] = {"id", sid, "url", in->source_url, "citation", in->source_citation,
	                       "title", in->source_title, "publisher", in->source_publisher,
	                       "published", in->source_published, "accessed", in->source_accessed};
	const char *vals[32] = {0};
	for (size_t i = 0; i < PL_ARRAY_LEN(given) / 2; i++) {
		int col = pl_concept_col(c, given[2 * i]);
		const char *v = given[2 * i + 1];
		vals[col] = v && *v ? v : (col < 16 ? cur[col] : NULL);
	}
	int rc = pl_import_put(imp, c, vals, WHERE, 0);
	for (size_t i = 0; i < 16; i++)
		free(cur[i]);
	return rc;
}

/* The id a visit gets when none is given: START-FROM-TO-VISITOR, as the
 * bundled data and the readers name theirs. */
static void derive_id(const parley_visit_input *in, const char *visitor, char *buf, size_t cap)
{
	char slug[128], from[8], to[8];
	pl_slug(visitor ? visitor
	                : (in->visitor_label && *in->visitor_label ? in->visitor_label : "unidentified"),
	        slug, sizeof slug);
	pl_strlcpy(from, in->from ? in->from : "", sizeof from);
	pl_strlcpy(to, in->to ? in->to : "", sizeof to);
	for (char *p = from; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	for (char *p = to; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	snprintf(buf, cap, "%s-%s-%s-%s", in->start ? in->start : "", from, to, slug);
}

static int visit_exists(parley_db *db, const char *id)
{
	sqlite3_stmt *st;
	if (pl_prepare(db, "SELECT 1 FROM visit WHERE id = ?1", &st, NULL))
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	int hit = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return hit;
}

/* Companions or hosts: "NAME" or "NAME|DETAIL", numbered from 1. */
static void put_people(pl_import *imp, const char *vid, const char *role,
                       const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char buf[1024], seq[24];
		const char *part[2] = {NULL, NULL};
		split_bar(list[i], buf, sizeof buf, part, 2);
		snprintf(seq, sizeof seq, "%zu", i + 1);
		const char *pid = pl_import_find_person(imp, part[0]);
		const char *kv[] = {"visit", vid, "role", role, "seq", seq, "person", pid,
		                    "name", part[0], "detail", part[1]};
		put(imp, "visit_person", kv, PL_ARRAY_LEN(kv) / 2);
	}
}

int parley_add_visit(parley_db *db, const parley_visit_input *in, const char *reason,
                     parley_report *rep, char *id_out, size_t id_cap, parley_err *err)
{
	if (!db || !in)
		return parley_err_set(err, PARLEY_EINVAL, "parley_add_visit: no store or visit");
	/* The source rule (a visit has a source unless it is a candidate) is
	 * the import's own, checked when the import closes, as for every other
	 * writer (parley_visit_write, imports): one rule, one message. */
	int has_source = (in->source_url && *in->source_url) ||
	                 (in->source_citation && *in->source_citation);
	int rc = parley_set_reason(db, reason, err);
	pl_import *imp = NULL;
	if (!rc)
		rc = pl_import_open(db, rep, &imp, err);
	if (rc) {
		parley_set_reason(db, NULL, NULL);
		return rc;
	}
	const char *visitor = person_of(imp, in->visitor);
	char vid[256];
	if (in->id && *in->id)
		pl_strlcpy(vid, in->id, sizeof vid);
	else
		derive_id(in, visitor && person_exists(db, visitor) ? visitor : in->visitor, vid,
		          sizeof vid);
	int exists = visit_exists(db, vid);
	if (exists) {
		pl_import_report(imp, PARLEY_ERROR, WHERE, 0, 0, NULL, "id",
		                 exists > 0 ? "exists" : "database",
		                 exists > 0 ? "visit '%s' already exists: correct it with 'parley edit', "
		                              "or give another --id"
		                            : "cannot look up visit '%s'",
		                 vid);
	} else {
		const char *kv[] = {"id", vid, "visitor", visitor, "visitor_label", in->visitor_label,
		                    "visitor_office", in->visitor_office, "visitor_title", in->visitor_title,
		                    "level", in->level && *in->level ? in->level : "unknown",
		                    "from_country", in->from, "to_country", in->to,
		                    "start_date", in->start, "end_date", in->end,
		                    "type", in->type && *in->type ? in->type : "unknown",
		                    "summary", in->summary, "confidence", in->confidence,
		                    "status", in->status && *in->status ? in->status : "confirmed",
		                    "note", in->note};
		int bad = put(imp, "visit", kv, PL_ARRAY_LEN(kv) / 2) != PARLEY_OK;
		if (has_source) {
			char sid[32];
			pl_source_id(in->source_url && *in->source_url ? in->source_url : in->source_citation,
			             sid, sizeof sid);
			bad |= put_source(imp, in, sid) != PARLEY_OK;
			const char *ls[] = {"visit", vid, "source", sid, "passage", in->source_passage};
			if (!bad)
				put(imp, "visit_source", ls, PL_ARRAY_LEN(ls) / 2);
		}
		if (!bad) {
			put_people(imp, vid, "companion", in->companions, in->ncompanions);
			put_people(imp, vid, "host", in->hosts, in->nhosts);
			for (size_t i = 0; i < in->nplaces; i++) {
				char buf[1024], seq[24];
				const char *part[2] = {NULL, NULL};
				split_bar(in->places[i], buf, sizeof buf, part, 2);
				snprintf(seq, sizeof seq, "%zu", i + 1);
				const char *kp[] = {"visit", vid, "seq", seq, "name", part[0], "country",
				                    part[1] && *part[1] ? part[1] : in->to};
				put(imp, "place", kp, PL_ARRAY_LEN(kp) / 2);
			}
			for (size_t i = 0; i < in->nactivities; i++) {
				char buf[2048], seq[24];
				const char *part[3] = {NULL, NULL, NULL};
				size_t n = split_bar(in->activities[i], buf, sizeof buf, part, 3);
				snprintf(seq, sizeof seq, "%zu", i + 1);
				/* "DESCRIPTION", "KIND|DESCRIPTION" or "KIND|DESCRIPTION|DATE" */
				const char *kind = n > 1 ? part[0] : "other";
				const char *desc = n > 1 ? part[1] : part[0];
				const char *ka[] = {"visit", vid, "seq", seq, "kind", kind, "date",
				                    n > 2 ? part[2] : NULL, "description", desc};
				put(imp, "activity", ka, PL_ARRAY_LEN(ka) / 2);
			}
		}
	}
	rc = pl_import_close(imp, err);
	parley_set_reason(db, NULL, NULL);
	if (!rc && id_out)
		pl_strlcpy(id_out, vid, id_cap);
	return rc;
}
