/*
 * concept.c - the descriptors of the record concepts.
 *
 * Import, export and check are generic over these tables, so a concept's
 * columns are stated once, here, in the order they appear in its canonical
 * CSV file and JSON object.  They must match the tables in schema.c.
 * The concepts are listed in dependency order: a concept only refers to
 * concepts above it, so importing in this order satisfies foreign keys.
 */
#include "internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static const char *const visit_types[] = {
    "state", "official", "unofficial", "working", "transit", "multilateral",
    "private", "unknown", NULL};
static const char *const statuses[] = {"confirmed", "reported", "candidate", "rejected", NULL};
static const char *const confidences[] = {"high", "medium", "low", NULL};
static const char *const roles[] = {"companion", "host", NULL};
static const char *const activity_kinds[] = {
    "talks", "banquet", "performance", "site_visit", "agreement", "ceremony",
    "meeting", "other", NULL};
static const char *const alias_kinds[] = {"romanisation", "native", "other", NULL};
/* How a cited page relates to the publication (docs/formats.md): NULL = not
 * assessed. */
static const char *const source_qualities[] = {"original", "copy", "mirror", "proxy", NULL};

#define COL(n, t) {n, t, false, false, NULL, NULL}
#define REQ(n, t) {n, t, true, false, NULL, NULL}
#define KEY(n, t) {n, t, true, true, NULL, NULL}
#define KEYREF(n, r) {n, PL_TEXT, true, true, r, NULL}
#define REF(n, r) {n, PL_TEXT, false, false, r, NULL}
#define REQREF(n, r) {n, PL_TEXT, true, false, r, NULL}
#define ENUM(n, v) {n, PL_ENUM, false, false, NULL, v}
#define REQENUM(n, v) {n, PL_ENUM, true, false, NULL, v}
#define KEYENUM(n, v) {n, PL_ENUM, true, true, NULL, v}

static const pl_column country_cols[] = {
    KEY("code", PL_TEXT), REQ("name", PL_TEXT), COL("iso2", PL_TEXT),
    COL("cow_code", PL_INT), COL("cow_abb", PL_TEXT), COL("fips", PL_TEXT),
    COL("cameo", PL_TEXT), COL("start_date", PL_DATE), COL("end_date", PL_DATE),
    COL("note", PL_TEXT)};

static const pl_column country_name_cols[] = {
    KEYREF("country", "country"), KEY("lang", PL_TEXT), KEY("name", PL_TEXT),
    COL("start_date", PL_DATE), COL("end_date", PL_DATE)};

static const pl_column person_cols[] = {
    KEY("id", PL_TEXT), REQ("name", PL_TEXT), COL("native_name", PL_TEXT),
    REF("country", "country"), COL("birth_date", PL_DATE), COL("death_date", PL_DATE),
    COL("note", PL_TEXT)};

static const pl_column person_alias_cols[] = {
    KEYREF("person", "person"), KEY("alias", PL_TEXT), REQENUM("kind", alias_kinds)};

static const pl_column office_cols[] = {
    KEY("id", PL_TEXT), REQREF("country", "country"), REQ("name", PL_TEXT),
    {"rank", PL_LEVEL, true, false, NULL, NULL}, COL("rank_order", PL_INT)};

static const pl_column tenure_cols[] = {
    KEY("id", PL_TEXT), REQREF("person", "person"), REQREF("office", "office"),
    REQ("start_date", PL_DATE), COL("end_date", PL_DATE), COL("start_rule", PL_TEXT),
    ENUM("confidence", confidences), COL("note", PL_TEXT)};

static const pl_column source_cols[] = {
    KEY("id", PL_TEXT), COL("url", PL_TEXT), COL("citation", PL_TEXT),
    COL("title", PL_TEXT), COL("publisher", PL_TEXT), COL("published", PL_DATE),
    COL("accessed", PL_DATE), COL("archive_url", PL_TEXT), ENUM("quality", source_qualities)};

static const pl_column tenure_source_cols[] = {
    KEYREF("tenure", "tenure"), KEYREF("source", "source")};

static const pl_column visit_cols[] = {
    KEY("id", PL_TEXT), REF("visitor", "person"), COL("visitor_label", PL_TEXT),
    REF("visitor_office", "office"), COL("visitor_title", PL_TEXT),
    {"level", PL_LEVEL, true, false, NULL, NULL},
    REQREF("from_country", "country"), REQREF("to_country", "country"),
    REQ("start_date", PL_DATE), COL("end_date", PL_DATE),
    REQENUM("type", visit_types), COL("summary", PL_TEXT),
    ENUM("confidence", confidences), REQENUM("status", statuses),
    COL("disputed", PL_TEXT), COL("note", PL_TEXT)};

static const pl_column visit_person_cols[] = {
    KEYREF("visit", "visit"), KEYENUM("role", roles), KEY("seq", PL_INT),
    REF("person", "person"), REQ("name", PL_TEXT), COL("detail", PL_TEXT)};

static const pl_column activity_cols[] = {
    KEYREF("visit", "visit"), KEY("seq", PL_INT), REQENUM("kind", activity_kinds),
    COL("date", PL_DATE), REQ("description", PL_TEXT)};

static const pl_column place_cols[] = {
    KEYREF("visit", "visit"), KEY("seq", PL_INT), REQ("name", PL_TEXT),
    REF("country", "country")};

static const pl_column visit_source_cols[] = {
    KEYREF("visit", "visit"), KEYREF("source", "source"), COL("passage", PL_TEXT)};

static const pl_column external_id_cols[] = {
    KEY("entity", PL_TEXT), KEY("entity_id", PL_TEXT), KEY("scheme", PL_TEXT),
    KEY("value", PL_TEXT)};

static const pl_column coverage_cols[] = {
    KEY("id", PL_TEXT), REQ("description", PL_TEXT), REF("from_country", "country"),
    REF("to_country", "country"), {"min_level", PL_LEVEL, true, false, NULL, NULL},
    REQ("start_date", PL_DATE), COL("end_date", PL_DATE), REF("person", "person"),
    COL("source", PL_TEXT), COL("data_through", PL_DATE)};

/* A data release: the store's data version (newest `released` wins). */
static const pl_column data_release_cols[] = {
    KEY("name", PL_TEXT), REQ("released", PL_DATE), REQ("data_through", PL_DATE),
    COL("note", PL_TEXT)};

#define CONCEPT(n, p, cols) {n, p, cols, PL_ARRAY_LEN(cols)}

static const pl_concept concepts[] = {
    CONCEPT("country", "countries", country_cols),
    CONCEPT("country_name", "country_names", country_name_cols),
    CONCEPT("person", "people", person_cols),
    CONCEPT("person_alias", "person_aliases", person_alias_cols),
    CONCEPT("office", "offices", office_cols),
    CONCEPT("tenure", "tenures", tenure_cols),
    CONCEPT("source", "sources", source_cols),
    CONCEPT("tenure_source", "tenure_sources", tenure_source_cols),
    CONCEPT("visit", "visits", visit_cols),
    CONCEPT("visit_person", "visit_people", visit_person_cols),
    CONCEPT("activity", "activities", activity_cols),
    CONCEPT("place", "places", place_cols),
    CONCEPT("visit_source", "visit_sources", visit_source_cols),
    CONCEPT("external_id", "external_ids", external_id_cols),
    CONCEPT("coverage", "coverage", coverage_cols),
    CONCEPT("data_release", "data_releases", data_release_cols),
};

static const char *concept_names[PL_ARRAY_LEN(concepts) + 1];
/* Column name lists for parley_concept_columns(); sized for the widest concept. */
static const char *column_names[PL_ARRAY_LEN(concepts)][20];

size_t pl_concept_count(void)
{
	return PL_ARRAY_LEN(concepts);
}

const pl_concept *pl_concept_at(size_t i)
{
	return i < PL_ARRAY_LEN(concepts) ? &concepts[i] : NULL;
}

const pl_concept *pl_concept_find(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < PL_ARRAY_LEN(concepts); i++)
		if (strcmp(concepts[i].name, name) == 0 || strcmp(concepts[i].plural, name) == 0)
			return &concepts[i];
	return NULL;
}

int pl_concept_col(const pl_concept *c, const char *name)
{
	for (size_t i = 0; i < c->ncols; i++)
		if (strcmp(c->cols[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* The name tables are filled once from the descriptors, so that the names
 * are written in one place only; pthread_once keeps that thread-safe. */
static pthread_once_t names_once = PTHREAD_ONCE_INIT;

static void fill_names(void)
{
	for (size_t i = 0; i < PL_ARRAY_LEN(concepts); i++) {
		const pl_concept *c = &concepts[i];
		concept_names[i] = c->name;
		size_t n = c->ncols < 19 ? c->ncols : 19;
		for (size_t j = 0; j < n; j++)
			column_names[i][j] = c->cols[j].name;
		column_names[i][n] = NULL;
	}
	concept_names[PL_ARRAY_LEN(concepts)] = NULL;
}

const char *const *parley_concepts(void)
{
	pthread_once(&names_once, fill_names);
	return concept_names;
}

const char *const *parley_concept_columns(const char *concept)
{
	const pl_concept *c = pl_concept_find(concept);
	if (!c)
		return NULL;
	pthread_once(&names_once, fill_names);
	return column_names[c - concepts];
}

int pl_key_where(pl_buf *b, const pl_concept *c)
{
	int rc = pl_buf_puts(b, " WHERE ");
	int first = 1;
	for (size_t i = 0; i < c->ncols; i++) {
		if (!c->cols[i].key)
			continue;
		rc |= pl_buf_printf(b, "%s%s = ?%zu", first ? "" : " AND ", c->cols[i].name, i + 1);
		first = 0;
	}
	return rc;
}

void pl_bind_keys(sqlite3_stmt *st, const pl_concept *c, const char *const *values)
{
	for (size_t i = 0; i < c->ncols; i++) {
		if (!c->cols[i].key)
			continue;
		if (c->cols[i].type == PL_INT)
			sqlite3_bind_int64(st, (int)i + 1, strtoll(values[i], NULL, 10));
		else
			sqlite3_bind_text(st, (int)i + 1, values[i], -1, SQLITE_TRANSIENT);
	}
}
