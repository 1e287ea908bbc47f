/*
 * record_write.c - writing a person (with aliases and tenures) or a source
 * whole, in the shape GET /api/v1/people/ID or /api/v1/sources/ID reads
 * (the server's JSON write API and forms), with versions, deletion,
 * history and revert: the visit's rules (visit_write.c) for the other
 * records a team edits.
 *
 * Every row goes through pl_import_put, the validating upsert every import
 * reader writes into, so a person written here obeys exactly the rules
 * (and gets exactly the messages) of `parley import`: there is no second
 * validator.  One call is one transaction: the If-Match check, the record
 * and its lists commit together or not at all, and the audit triggers log
 * each row with actor and reason.
 */
#include "internal.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* A list of a record: its JSON key, its concept, the column naming the
 * record, and the column naming an item within it. */
typedef struct rec_list {
	const char *key, *concept, *parent, *item;
	const char *const *derived; /* keys of the GET answer's items that are not columns */
} rec_list;

typedef struct rec_kind {
	const char *entity, *tag;
	const rec_list *lists;
	size_t nlists;
	const char *const *derived;   /* keys of the GET answer that are not columns */
	const char *const *version;   /* the rows of one version, each binding ?1 to the id */
	size_t nversion;
	const char *history;          /* WHERE of its audit entries (?1: the id) */
	const char *const *refs;      /* "SQL counting referrers|what refers" */
	const char *const *drop;      /* deletes, in order, of a removal */
} rec_kind;

static const char *const tenure_derived[] = {"office_name", "rank", "country", NULL};
static const rec_list person_lists[] = {
    {"aliases", "person_alias", "person", "alias", NULL},
    {"tenures", "tenure", "person", "id", tenure_derived},
};
static const char *const person_derived[] = {
    "country_name", "url", "country_url", "trips", "hosted", "accompanied", "companions",
    "trips_total", "hosted_total", "accompanied_total", "etag", NULL};
static const char *const person_version[] = {
    "SELECT * FROM person WHERE id = ?1",
    "SELECT * FROM person_alias WHERE person = ?1 ORDER BY alias",
    "SELECT * FROM tenure WHERE person = ?1 ORDER BY id",
};
static const char *const person_refs[] = {
    "SELECT count(*) FROM visit WHERE visitor = ?1|visits name them as visitor",
    "SELECT count(*) FROM visit_person WHERE person = ?1|visits name them in a delegation or "
    "as host",
    "SELECT count(*) FROM coverage WHERE person = ?1|coverage statements name them",
    NULL};
static const char *const person_drop[] = {
    "DELETE FROM tenure WHERE person = ?1", /* its tenures are part of the record */
    "DELETE FROM person WHERE id = ?1",     /* aliases go with it (ON DELETE CASCADE) */
    NULL};

static const char *const source_derived[] = {"visits", "tenures", "etag", NULL};
static const char *const source_version[] = {"SELECT * FROM source WHERE id = ?1"};
static const char *const source_refs[] = {
    "SELECT count(*) FROM visit_source WHERE source = ?1|visits cite it",
    "SELECT count(*) FROM tenure_source WHERE source = ?1|tenures cite it", NULL};
static const char *const source_drop[] = {"DELETE FROM source WHERE id = ?1", NULL};

static const rec_kind kinds[] = {
    {"person", "p", person_lists, PL_ARRAY_LEN(person_lists), person_derived, person_version,
     PL_ARRAY_LEN(person_version),
     "(entity = 'person' AND entity_key = ?1)"
     " OR (entity = 'person_alias' AND entity_key >= ?1 || '|' AND entity_key < ?1 || '}')"
     " OR (entity = 'tenure' AND coalesce(json_extract(after, '$.person'),"
     "                                    json_extract(before, '$.person')) = ?1)",
     person_refs, person_drop},
    {"source", "s", NULL, 0, source_derived, source_version, PL_ARRAY_LEN(source_version),
     "entity = 'source' AND entity_key = ?1", source_refs, source_drop},
};

static const rec_kind *kind_of(const char *entity, parley_err *err)
{
	for (size_t i = 0; entity && i < PL_ARRAY_LEN(kinds); i++)
		if (strcmp(kinds[i].entity, entity) == 0)
			return &kinds[i];
	parley_err_set(err, PARLEY_EINVAL, "records written here are person or source, not '%s'",
	               entity ? entity : "(none)");
	return NULL;
}

static int listed(const char *const *names, const char *k)
{
	for (; names && *names; names++)
		if (strcmp(*names, k) == 0)
			return 1;
	return 0;
}

int parley_record_etag(parley_db *db, const char *entity, const char *id, char *out, size_t cap,
                       parley_err *err)
{
	const rec_kind *K = kind_of(entity, err);
	if (!K)
		return PARLEY_EINVAL;
	return pl_rows_etag(db, K->version, K->nversion, id, K->tag, K->entity, out, cap, err);
}

/* Puts the items of one list of record id (JSON array arr), then removes
 * the stored items the array no longer names.  An item that names a stored
 * one (a tenure by its id) changes only the fields it gives. */
static int put_list(pl_import *imp, const rec_list *L, json_t *arr, const char *id,
                    parley_err *err)
{
	parley_db *db = pl_import_db(imp);
	if (!json_is_array(arr)) {
		pl_import_report(imp, PARLEY_ERROR, L->key, 0, 0, NULL, L->key, "bad-json",
		                 "%s must be a list", L->key);
		return PARLEY_OK;
	}
	const pl_concept *c = pl_concept_find(L->concept);
	int single_key = pl_concept_col(c, "id") >= 0; /* items with their own id: tenures */
	json_t *keys = json_array();
	size_t i;
	json_t *item;
	json_array_foreach(arr, i, item) {
		char where[64];
		snprintf(where, sizeof where, "%s[%zu]", L->key, i);
		if (!json_is_object(item)) {
			pl_import_report(imp, PARLEY_ERROR, where, 0, 0, where, NULL, "bad-json",
			                 "expected an object");
			continue;
		}
		const char *vals[32] = {0};
		char nums[32][24], made[600];
		char *cur[32] = {0};
		int bad = 0;
		const char *key = json_string_value(json_object_get(item, L->item));
		if (single_key && (!key || !*key)) {
			/* a new tenure's id, as the bundled data names them */
			const char *office = json_string_value(json_object_get(item, "office"));
			const char *start = json_string_value(json_object_get(item, "start_date"));
			if (office && *office && start && *start) {
				snprintf(made, sizeof made, "%s/%s/%s", office, id, start);
				key = made;
			}
		}
		if (single_key && key) {
			parley_err none = {0, ""};
			int pc = pl_concept_col(c, L->parent);
			if (pl_row_read(db, c, L->item, key, cur, &none) == PARLEY_OK && cur[pc] &&
			    strcmp(cur[pc], id) != 0) {
				pl_import_report(imp, PARLEY_ERROR, where, 0, 0, where, L->item, "exists",
				                 "%s '%s' belongs to another record", c->name, key);
				bad = 1;
			}
			for (size_t k = 0; k < c->ncols; k++)
				vals[k] = cur[k];
		}
		const char *k;
		json_t *v;
		json_object_foreach(item, k, v) {
			int col = pl_concept_col(c, k);
			if (col < 0) {
				if (!listed(L->derived, k)) {
					pl_import_report(imp, PARLEY_ERROR, where, 0, 0, where, k, "unknown-field",
					                 "%s has no field '%.60s'", c->name, k);
					bad = 1;
				}
				continue;
			}
			bad |= pl_json_cell(imp, v, where, k, nums[col], sizeof nums[col], &vals[col]);
		}
		vals[pl_concept_col(c, L->parent)] = id;
		if (key)
			vals[pl_concept_col(c, L->item)] = key;
		if (key)
			json_array_append_new(keys, json_string(key));
		/* findings name the item ("aliases[0]") as their file, so a form
		 * can put each message next to its field */
		if (!bad)
			pl_import_put(imp, c, vals, where, 0);
		for (size_t x = 0; x < 32; x++)
			free(cur[x]);
	}
	char *list = json_dumps(keys, JSON_COMPACT);
	json_decref(keys);
	char sql[256];
	snprintf(sql, sizeof sql, "DELETE FROM %s WHERE %s = ?1 AND %s NOT IN"
	                          " (SELECT value FROM json_each(?3))", c->name, L->parent, L->item);
	int rc = list ? pl_exec_ids(db, sql, id, NULL, list, err)
	              : parley_err_set(err, PARLEY_ENOMEM, "out of memory");
	free(list);
	return rc;
}

/* The id a new record gets when the body names none: a person's from their
 * name (as the bundled data's), a source's from its URL or citation. */
static void person_id(json_t *root, char *buf, size_t cap)
{
	const char *name = json_string_value(json_object_get(root, "name"));
	if (name && *name)
		pl_slug(name, buf, cap);
}

static void source_id(json_t *root, char *buf, size_t cap)
{
	const char *u = json_string_value(json_object_get(root, "url"));
	if (!u || !*u)
		u = json_string_value(json_object_get(root, "citation"));
	if (u && *u)
		pl_source_id(u, buf, cap);
}

static int extra_of(const rec_kind *K, const char *k)
{
	for (size_t l = 0; l < K->nlists; l++)
		if (strcmp(K->lists[l].key, k) == 0)
			return 1;
	return listed(K->derived, k);
}

static int lists_of(const rec_kind *K, pl_import *imp, json_t *root, const char *id,
                    parley_err *inner)
{
	int rc = PARLEY_OK;
	for (size_t l = 0; l < K->nlists && !rc; l++) {
		json_t *arr = json_object_get(root, K->lists[l].key);
		if (arr) /* a change leaves lists it does not name as they are */
			rc = put_list(imp, &K->lists[l], arr, id, inner);
	}
	return rc;
}

static int person_extra(const char *k)
{
	return extra_of(&kinds[0], k);
}

static int source_extra(const char *k)
{
	return extra_of(&kinds[1], k);
}

static int person_lists_put(pl_import *imp, json_t *root, const char *id, parley_err *inner)
{
	return lists_of(&kinds[0], imp, root, id, inner);
}

static int source_lists_put(pl_import *imp, json_t *root, const char *id, parley_err *inner)
{
	return lists_of(&kinds[1], imp, root, id, inner);
}

static const pl_record_io ios[] = {
    {"person", parley_record_etag, person_id, person_extra, person_lists_put},
    {"source", parley_record_etag, source_id, source_extra, source_lists_put},
};

/* The write and the check differ only in whether the transaction commits. */
static int write_record(parley_db *db, const char *entity, const char *id, const char *json,
                        size_t len, const char *if_match, const char *reason, char *out_id,
                        size_t id_cap, parley_report *rep, int commit, parley_err *err)
{
	const rec_kind *K = kind_of(entity, err);
	return K ? pl_record_put(db, &ios[K - kinds], id, json, len, if_match, reason, out_id,
	                         id_cap, rep, commit, err)
	         : PARLEY_EINVAL;
}

int parley_record_write(parley_db *db, const char *entity, const char *id, const char *json,
                        size_t len, const char *if_match, const char *reason, char *out_id,
                        size_t id_cap, parley_report *rep, parley_err *err)
{
	return write_record(db, entity, id, json, len, if_match, reason, out_id, id_cap, rep, 1, err);
}

int parley_record_check(parley_db *db, const char *entity, const char *id, const char *json,
                        size_t len, const char *if_match, const char *reason, char *out_id,
                        size_t id_cap, parley_report *rep, parley_err *err)
{
	return write_record(db, entity, id, json, len, if_match, reason, out_id, id_cap, rep, 0, err);
}

int parley_record_remove(parley_db *db, const char *entity, const char *id, const char *if_match,
                         const char *reason, parley_err *err)
{
	const rec_kind *K = kind_of(entity, err);
	return K ? pl_record_drop(db, &ios[K - kinds], id, if_match, reason, K->refs, K->drop, err)
	         : PARLEY_EINVAL;
}

int parley_record_history(parley_db *db, const char *entity, const char *id, char **out,
                          parley_err *err)
{
	*out = NULL;
	const rec_kind *K = kind_of(entity, err);
	return K ? pl_audit_rows(db, K->history, id, out, err) : PARLEY_EINVAL;
}

int parley_record_revert(parley_db *db, const char *entity, const char *id, long seq,
                         const char *if_match, const char *reason, parley_err *err)
{
	if (!kind_of(entity, err))
		return PARLEY_EINVAL;
	if (!reason || !*reason)
		return parley_err_set(err, PARLEY_EINVAL, "a revert needs a reason for the audit log");
	char *before = NULL;
	int rc = pl_audit_undo(db, entity, id, seq, &before, err);
	if (rc)
		return rc;
	char why[600];
	snprintf(why, sizeof why, "revert of change #%ld: %s", seq, reason);
	rc = parley_record_write(db, entity, id, before, strlen(before), if_match, why, NULL, 0, NULL,
	                         err);
	free(before);
	return rc;
}

/* The ids (column 0) the query returns for id, as a JSON array. */
static json_t *ids_of(parley_db *db, const char *sql, const char *id, parley_err *err)
{
	sqlite3_stmt *st;
	if (pl_prepare(db, sql, &st, err))
		return NULL;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	json_t *a = json_array();
	int r;
	while ((r = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(a, json_string((const char *)sqlite3_column_text(st, 0)));
	sqlite3_finalize(st);
	if (r != SQLITE_DONE) {
		json_decref(a);
		pl_db_error(db, err, "reading what cites a source");
		return NULL;
	}
	return a;
}

int parley_source_json(parley_db *db, const char *id, char **out, parley_err *err)
{
	*out = NULL;
	const pl_concept *c = pl_concept_find("source");
	char *cur[32] = {0};
	int rc = pl_row_read(db, c, "id", id, cur, err);
	if (rc)
		return rc == PARLEY_ENOTFOUND ? parley_err_set(err, rc, "no source '%s'", id) : rc;
	json_t *o = json_object();
	for (size_t i = 0; i < c->ncols; i++) {
		json_object_set_new(o, c->cols[i].name, cur[i] ? json_string(cur[i]) : json_null());
		free(cur[i]);
	}
	json_t *v = ids_of(db, "SELECT visit FROM visit_source WHERE source = ?1 ORDER BY visit", id, err);
	json_t *t = v ? ids_of(db, "SELECT tenure FROM tenure_source WHERE source = ?1 ORDER BY tenure",
	                       id, err) : NULL;
	if (!v || !t) {
		json_decref(v);
		json_decref(o);
		return err ? err->code : PARLEY_EDB;
	}
	json_object_set_new(o, "visits", v);
	json_object_set_new(o, "tenures", t);
	*out = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return *out ? PARLEY_OK : parley_err_set(err, PARLEY_ENOMEM, "out of memory");
}
