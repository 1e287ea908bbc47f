/*
 * visit_write.c - writing one visit with everything attached, in the shape
 * GET /api/v1/visits/ID reads (the server's JSON write API and forms).
 *
 * Every row goes through pl_import_put, the validating upsert every import
 * reader writes into, so a visit written here obeys exactly the rules (and
 * gets exactly the messages) of `parley import`.  One call is one
 * transaction: the If-Match check, the visit and its lists commit together
 * or not at all, and the audit triggers log each row with actor and reason.
 *
 * A visit's version (its ETag) is a hash of its own rows and those of its
 * lists, read inside the write transaction, so two editors who both read
 * version X cannot both write over it: the second sees another version and
 * gets PARLEY_ECONFLICT.
 */
#include "internal.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* Keys of GET /api/v1/visits/ID that are derived (names, links, counts,
 * neighbours): accepted and ignored, so what was read can be sent back. */
static const char *const derived[] = {
    "precision", "year", "from_name", "to_name", "visitor_name", "office", "office_name",
    "visitor_office_name", "url", "visitor_url", "previous", "next", "context",
    "external_ids", "place_list", "source_list", "level_label", "type_label",
    "status_label", "etag", NULL};

static int is_derived(const char *k)
{
	for (const char *const *d = derived; *d; d++)
		if (strcmp(*d, k) == 0)
			return 1;
	return 0;
}

/* Lists of a visit: the JSON key, its concept and the role (visit_person). */
typedef struct list_desc {
	const char *key, *concept, *role;
} list_desc;

static const list_desc lists[] = {
    {"delegation", "visit_person", "companion"},
    {"hosts", "visit_person", "host"},
    {"places", "place", NULL},
    {"activities", "activity", NULL},
    {"sources", "visit_source", NULL},
};

/* ------------------------------------------------------------------ */
/* Versions                                                           */
/* ------------------------------------------------------------------ */

static void fnv_add(uint64_t *h, const void *p, size_t n)
{
	for (const unsigned char *c = p; n--; c++)
		*h = (*h ^ *c) * 1099511628211ull;
}

static const char *const version_sql[] = {
    "SELECT * FROM visit WHERE id = ?1",
    "SELECT * FROM visit_person WHERE visit = ?1 ORDER BY role, seq",
    "SELECT * FROM activity WHERE visit = ?1 ORDER BY seq",
    "SELECT * FROM place WHERE visit = ?1 ORDER BY seq",
    "SELECT * FROM visit_source WHERE visit = ?1 ORDER BY source",
};

int pl_rows_etag(parley_db *db, const char *const *sqls, size_t n, const char *id,
                 const char *tag, const char *noun, char *out, size_t cap, parley_err *err)
{
	uint64_t h = 1469598103934665603ull;
	int found = 0;
	for (size_t q = 0; q < n; q++) {
		sqlite3_stmt *st;
		int rc = pl_prepare_cached(db, sqls[q], &st, err);
		if (rc)
			return rc;
		sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
		int r;
		while ((r = sqlite3_step(st)) == SQLITE_ROW) {
			found |= q == 0;
			for (int i = 0; i < sqlite3_column_count(st); i++) {
				const unsigned char *v = sqlite3_column_text(st, i);
				fnv_add(&h, v ? (const char *)v : "\x01", v ? (size_t)sqlite3_column_bytes(st, i) : 1);
				fnv_add(&h, "\x1f", 1);
			}
			fnv_add(&h, "\x1e", 1);
		}
		pl_release(db, st);
		if (r != SQLITE_DONE)
			return pl_db_error(db, err, "reading a record's version");
		fnv_add(&h, "\x1d", 1);
	}
	if (!found)
		return parley_err_set(err, PARLEY_ENOTFOUND, "no %s '%s'", noun, id);
	snprintf(out, cap, "\"%s-%016llx\"", tag, (unsigned long long)h);
	return PARLEY_OK;
}

int parley_visit_etag(parley_db *db, const char *id, char *out, size_t cap, parley_err *err)
{
	return pl_rows_etag(db, version_sql, PL_ARRAY_LEN(version_sql), id, "v", "visit", out, cap,
	                    err);
}

/* ------------------------------------------------------------------ */
/* Rows from JSON                                                     */
/* ------------------------------------------------------------------ */

/* The text of a JSON value for a column: strings as they are, whole
 * numbers written out, null and "" as unknown (NULL).  Other types are an
 * error reported on field. */
int pl_json_cell(pl_import *imp, json_t *v, const char *where, const char *field, char *num,
                 size_t cap, const char **out)
{
	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (json_is_string(v)) {
		*out = json_string_value(v);
		return 0;
	}
	if (json_is_integer(v)) {
		snprintf(num, cap, "%lld", (long long)json_integer_value(v));
		*out = num;
		return 0;
	}
	pl_import_report(imp, PARLEY_ERROR, where, 0, 0, where, field, "bad-type",
	                 "%s must be a string or null", field);
	return 1;
}

/* Puts one row of a visit's list.  item: the JSON object; fixed columns
 * (visit, role, seq) come from the caller. */
static int put_item(pl_import *imp, const pl_concept *c, json_t *item, const char *visit,
                    const char *role, long seq, const char *where)
{
	const char *vals[32] = {0};
	char nums[32][24];
	char seqs[24];
	int bad = 0;
	if (!json_is_object(item)) {
		pl_import_report(imp, PARLEY_ERROR, where, 0, 0, where, NULL, "bad-json",
		                 "expected an object");
		return 1;
	}
	snprintf(seqs, sizeof seqs, "%ld", seq);
	const char *k;
	json_t *v;
	json_object_foreach(item, k, v) {
		if (strcmp(k, "seq") == 0 || strcmp(k, "url") == 0 || strcmp(k, "visit") == 0 ||
		    strcmp(k, "role") == 0)
			continue; /* given by position and by the visit */
		int is_link = strcmp(c->name, "visit_source") == 0;
		/* a source is named by its "id", as GET shows it */
		int i = pl_concept_col(c, is_link && strcmp(k, "id") == 0 ? "source" : k);
		if (i < 0) {
			if (is_link && pl_concept_col(pl_concept_find("source"), k) >= 0)
				continue; /* the source's own fields: put by put_source */
			if (strcmp(k, "weak") == 0 || strcmp(k, "link") == 0 || strcmp(k, "archive_link") == 0)
				continue; /* derived flags of the page */
			pl_import_report(imp, PARLEY_ERROR, where, 0, 0, where, k, "unknown-field",
			                 "%s has no field '%.60s'", c->name, k);
			bad = 1;
			continue;
		}
		bad |= pl_json_cell(imp, v, where, k, nums[i], sizeof nums[i], &vals[i]);
	}
	int i;
	if ((i = pl_concept_col(c, "visit")) >= 0)
		vals[i] = visit;
	if ((i = pl_concept_col(c, "role")) >= 0)
		vals[i] = role;
	if ((i = pl_concept_col(c, "seq")) >= 0)
		vals[i] = seqs;
	if (bad)
		return 1;
	/* findings name the item ("delegation[0]") as their file, so a form
	 * can put each message next to its field */
	return pl_import_put(imp, c, vals, where, 0) != PARLEY_OK;
}

/* A source named by a visit: linked when it exists; created from the
 * object's source fields when it does not (an existing source is changed
 * through its own record, not through every visit that cites it). */
static int put_source(pl_import *imp, json_t *item, const char *where)
{
	const pl_concept *c = pl_concept_find("source");
	const char *id = json_string_value(json_object_get(item, "id"));
	if (!id || !*id) {
		pl_import_report(imp, PARLEY_ERROR, where, 0, 0, where, "id", "required",
		                 "id is required");
		return 1;
	}
	sqlite3_stmt *st;
	if (pl_prepare(pl_import_db(imp), "SELECT 1 FROM source WHERE id = ?1", &st, NULL))
		return 1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	int exists = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (exists)
		return 0;
	const char *vals[32] = {0};
	char nums[32][24];
	int bad = 0;
	for (size_t i = 0; i < c->ncols; i++)
		bad |= pl_json_cell(imp, json_object_get(item, c->cols[i].name), where, c->cols[i].name,
		                nums[i], sizeof nums[i], &vals[i]);
	if (bad)
		return 1;
	return pl_import_put(imp, c, vals, where, 0) != PARLEY_OK;
}

int pl_exec_ids(parley_db *db, const char *sql, const char *id, const char *role,
                const char *arg3, parley_err *err)
{
	sqlite3_stmt *st;
	int rc = pl_prepare(db, sql, &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	if (role)
		sqlite3_bind_text(st, 2, role, -1, SQLITE_TRANSIENT);
	if (arg3)
		sqlite3_bind_text(st, 3, arg3, -1, SQLITE_TRANSIENT);
	int r = sqlite3_step(st);
	sqlite3_finalize(st);
	return r == SQLITE_DONE ? PARLEY_OK : pl_db_error(db, err, "replacing a record's list");
}

/* Replaces one list of visit id with the JSON array arr: rows are put by
 * position (an unchanged row writes nothing, so the history shows only
 * what changed), then the rows past the new end are removed. */
static int put_list(pl_import *imp, const list_desc *L, json_t *arr, const char *id,
                    parley_err *err)
{
	parley_db *db = pl_import_db(imp);
	if (!json_is_array(arr)) {
		pl_import_report(imp, PARLEY_ERROR, "visit", 0, 0, NULL, L->key, "bad-json",
		                 "%s must be a list", L->key);
		return PARLEY_OK;
	}
	char sql[200], keep[32];
	int rc;
	if (strcmp(L->concept, "visit_source") == 0) {
		json_t *ids = json_array();
		size_t i;
		json_t *item;
		json_array_foreach(arr, i, item)
			if (json_is_string(json_object_get(item, "id")))
				json_array_append(ids, json_object_get(item, "id"));
		char *list = json_dumps(ids, JSON_COMPACT);
		json_decref(ids);
		rc = pl_exec_ids(db, "DELETE FROM visit_source WHERE visit = ?1 AND source NOT IN"
		                 " (SELECT value FROM json_each(?3))", id, NULL, list ? list : "[]", err);
		free(list);
	} else {
		snprintf(keep, sizeof keep, "%zu", json_array_size(arr));
		snprintf(sql, sizeof sql, "DELETE FROM %s WHERE visit = ?1%s AND seq > CAST(?3 AS INTEGER)",
		         L->concept, L->role ? " AND role = ?2" : "");
		rc = pl_exec_ids(db, sql, id, L->role, keep, err);
	}
	if (rc)
		return rc;
	const pl_concept *c = pl_concept_find(L->concept);
	size_t i;
	json_t *item;
	json_array_foreach(arr, i, item) {
		char where[64];
		snprintf(where, sizeof where, "%s[%zu]", L->key, i);
		if (strcmp(L->key, "sources") == 0 && json_is_object(item) && put_source(imp, item, where))
			continue;
		put_item(imp, c, item, id, L->role, (long)i + 1, where);
	}
	return PARLEY_OK;
}

int pl_row_read(parley_db *db, const pl_concept *c, const char *col, const char *val,
                char **cur, parley_err *err)
{
	pl_buf sql;
	pl_buf_init(&sql, 4096);
	int rc = pl_buf_puts(&sql, "SELECT ");
	for (size_t i = 0; i < c->ncols; i++)
		if (!rc) rc = pl_buf_printf(&sql, "%s%s", i ? ", " : "", c->cols[i].name);
	if (!rc) rc = pl_buf_printf(&sql, " FROM %s WHERE %s = ?1", c->name, col);
	sqlite3_stmt *st = NULL;
	if (rc)
		rc = parley_err_set(err, rc, "building the query");
	else
		rc = pl_prepare(db, sql.data, &st, err);
	pl_buf_free(&sql);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, val, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return parley_err_set(err, PARLEY_ENOTFOUND, "no %s '%s'", c->name, val);
	}
	for (size_t i = 0; i < c->ncols; i++) {
		const unsigned char *v = sqlite3_column_text(st, (int)i);
		cur[i] = v ? pl_strdup((const char *)v) : NULL;
	}
	sqlite3_finalize(st);
	return PARLEY_OK;
}

int pl_version_matches(const char *if_match, const char *now)
{
	/* the version without its quotes: a GET answer's ETag may carry more
	 * after it (a person's: the hash of the page around the record) */
	char core[48];
	size_t n = strlen(now);
	snprintf(core, sizeof core, "%.*s", n >= 2 ? (int)n - 2 : 0, now + (n >= 2));
	return if_match && (strcmp(if_match, "*") == 0 || (*core && strstr(if_match, core)));
}

int pl_check_version(parley_db *db, const pl_record_io *io, const char *id,
                     const char *if_match, parley_err *err)
{
	char now[48];
	int rc = io->etag(db, io->noun, id, now, sizeof now, err);
	if (rc || !if_match)
		return rc;
	if (!pl_version_matches(if_match, now))
		return parley_err_set(err, PARLEY_ECONFLICT,
		                      "%s '%s' was changed by someone else (now %s, you had %s)",
		                      io->noun, id, now, if_match);
	return PARLEY_OK;
}

int pl_record_put(parley_db *db, const pl_record_io *io, const char *id, const char *json,
                  size_t len, const char *if_match, const char *reason, char *out_id,
                  size_t id_cap, parley_report *rep, int commit, parley_err *err)
{
	if (!reason || !*reason)
		return parley_err_set(err, PARLEY_EINVAL, "a change needs a reason for the audit log");
	json_error_t je;
	json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return parley_err_set(err, PARLEY_EDATA, "request body, line %d column %d: %s", je.line,
		                      je.column, je.text);
	if (!json_is_object(root)) {
		json_decref(root);
		return parley_err_set(err, PARLEY_EDATA, "request body: expected a %s object", io->noun);
	}
	const pl_concept *c = pl_concept_find(io->noun);
	const char *body_id = json_string_value(json_object_get(root, "id"));
	if (id && body_id && strcmp(id, body_id) != 0) {
		json_decref(root);
		return parley_err_set(err, PARLEY_EINVAL,
		                      "id is part of the key; a %s with another id is another %s",
		                      io->noun, io->noun);
	}
	char made[256] = "";
	const char *rid = id ? id : body_id;
	if ((!rid || !*rid) && io->new_id) {
		io->new_id(root, made, sizeof made);
		rid = made;
	}
	if (!rid || !*rid) {
		json_decref(root);
		if (rep)
			parley_report_add(rep, PARLEY_ERROR, io->noun, 0, 0, NULL, "id", "required",
			                  "id is required");
		return parley_err_set(err, PARLEY_EDATA, "1 error; the store is unchanged");
	}
	char *cur[32] = {0};
	char nums[32][24];
	pl_import *imp;
	int rc = pl_import_open_reason(db, reason, rep, &imp, err);
	if (rc) {
		json_decref(root);
		return rc;
	}
	parley_err inner = {0, ""};
	if (id) { /* a change: the current record, at the version the client had */
		rc = pl_check_version(db, io, rid, if_match, &inner);
		if (!rc)
			rc = pl_row_read(db, c, "id", rid, cur, &inner);
	} else { /* new: the id must be free */
		char v[48];
		rc = io->etag(db, io->noun, rid, v, sizeof v, &inner);
		rc = rc == PARLEY_ENOTFOUND ? PARLEY_OK
		   : rc ? rc : parley_err_set(&inner, PARLEY_ECONFLICT, "%s '%s' exists already",
		                              io->noun, rid);
		cur[0] = pl_strdup(rid);
	}
	const char *vals[32] = {0};
	char where[160];
	snprintf(where, sizeof where, "%s:%.140s", io->noun, rid);
	if (!rc) {
		for (size_t i = 0; i < c->ncols; i++)
			vals[i] = cur[i];
		const char *k;
		json_t *v;
		json_object_foreach(root, k, v) {
			int i = pl_concept_col(c, k);
			if (i >= 0 && (!id || strcmp(k, "id") != 0))
				pl_json_cell(imp, v, where, k, nums[i], sizeof nums[i], &vals[i]);
			else if (i < 0 && !io->extra(k))
				pl_import_report(imp, PARLEY_ERROR, io->noun, 0, 0, where, k, "unknown-field",
				                 "%s has no field '%.60s'", io->noun, k);
		}
		vals[0] = rid; /* a new record's id may have been made here */
		pl_import_put(imp, c, vals, io->noun, 0);
		rc = io->lists(imp, root, rid, &inner);
	}
	if (rc) { /* a failure before validation: roll back, report it as it is */
		pl_import_report(imp, PARLEY_ERROR, io->noun, 0, 0, where, NULL, "conflict", "%s",
		                 inner.msg);
		pl_import_close(imp, NULL);
		parley_err_set(err, rc, "%s", inner.msg);
	} else {
		if (!commit) /* a check: validated and written inside the transaction, then undone */
			pl_import_discard(imp);
		rc = pl_import_close(imp, err);
	}
	if (!rc && out_id)
		pl_strlcpy(out_id, rid, id_cap);
	parley_set_reason(db, NULL, NULL);
	for (size_t i = 0; i < c->ncols; i++)
		free(cur[i]);
	json_decref(root);
	return rc;
}

/* A visit's keys that are no column: its lists, and what GET derives. */
static int visit_extra(const char *k)
{
	for (size_t l = 0; l < PL_ARRAY_LEN(lists); l++)
		if (strcmp(lists[l].key, k) == 0)
			return 1;
	return is_derived(k) || strstr(k, "_label") != NULL;
}

static int visit_lists(pl_import *imp, json_t *root, const char *id, parley_err *inner)
{
	int rc = PARLEY_OK;
	for (size_t l = 0; l < PL_ARRAY_LEN(lists) && !rc; l++) {
		json_t *arr = json_object_get(root, lists[l].key);
		if (arr) /* a change leaves lists it does not name as they are */
			rc = put_list(imp, &lists[l], arr, id, inner);
	}
	return rc;
}

static int visit_etag(parley_db *db, const char *noun, const char *id, char *out, size_t cap,
                      parley_err *err)
{
	(void)noun;
	return parley_visit_etag(db, id, out, cap, err);
}

static const pl_record_io visit_io = {"visit", visit_etag, NULL, visit_extra, visit_lists};

static int write_visit(parley_db *db, const char *id, const char *json, size_t len,
                       const char *if_match, const char *reason, char *out_id, size_t id_cap,
                       parley_report *rep, int commit, parley_err *err)
{
	return pl_record_put(db, &visit_io, id, json, len, if_match, reason, out_id, id_cap, rep,
	                     commit, err);
}

int parley_visit_write(parley_db *db, const char *id, const char *json, size_t len,
                       const char *if_match, const char *reason, char *out_id, size_t id_cap,
                       parley_report *rep, parley_err *err)
{
	return write_visit(db, id, json, len, if_match, reason, out_id, id_cap, rep, 1, err);
}

int parley_visit_check(parley_db *db, const char *id, const char *json, size_t len,
                       const char *if_match, const char *reason, char *out_id, size_t id_cap,
                       parley_report *rep, parley_err *err)
{
	return write_visit(db, id, json, len, if_match, reason, out_id, id_cap, rep, 0, err);
}

/* Refuses to remove a record others still name: EINVAL saying who. */
static int still_named(parley_db *db, const char *noun, const char *const *refs, const char *id,
                       parley_err *err)
{
	for (const char *const *q = refs; q && *q; q++) {
		const char *bar = strchr(*q, '|');
		char sql[400];
		snprintf(sql, sizeof sql, "%.*s", (int)(bar - *q), *q);
		sqlite3_stmt *st;
		int rc = pl_prepare(db, sql, &st, err);
		if (rc)
			return rc;
		sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
		long n = sqlite3_step(st) == SQLITE_ROW ? (long)sqlite3_column_int64(st, 0) : -1;
		sqlite3_finalize(st);
		if (n < 0)
			return pl_db_error(db, err, "looking for what names the record");
		if (n > 0)
			return parley_err_set(err, PARLEY_EINVAL,
			                      "%s '%s' is not deleted: %ld %s; change those first",
			                      noun, id, n, bar + 1);
	}
	return PARLEY_OK;
}

int pl_record_drop(parley_db *db, const pl_record_io *io, const char *id, const char *if_match,
                   const char *reason, const char *const *refs, const char *const *drop,
                   parley_err *err)
{
	if (!reason || !*reason)
		return parley_err_set(err, PARLEY_EINVAL, "a deletion needs a reason for the audit log");
	int rc = pl_begin_reason(db, reason, err);
	if (rc)
		return rc;
	rc = pl_check_version(db, io, id, if_match, err);
	if (!rc)
		rc = still_named(db, io->noun, refs, id, err);
	for (const char *const *d = drop; !rc && *d; d++)
		rc = pl_exec_ids(db, *d, id, NULL, NULL, err);
	rc = pl_end(db, rc, err);
	parley_set_reason(db, NULL, NULL);
	return rc;
}

int parley_visit_remove(parley_db *db, const char *id, const char *if_match, const char *reason,
                        parley_err *err)
{
	static const char *const drop[] = {"DELETE FROM visit WHERE id = ?1", NULL}; /* lists cascade */
	return pl_record_drop(db, &visit_io, id, if_match, reason, NULL, drop, err);
}

/* ------------------------------------------------------------------ */
/* History and revert                                                 */
/* ------------------------------------------------------------------ */

int pl_audit_rows(parley_db *db, const char *where, const char *id, char **out, parley_err *err)
{
	*out = NULL;
	pl_buf sql;
	pl_buf_init(&sql, 4096);
	sqlite3_stmt *st = NULL;
	int rc = pl_buf_printf(&sql, "SELECT seq, at, actor, action, entity, entity_key, before, after,"
	                             " reason FROM audit WHERE %s ORDER BY seq DESC LIMIT 1000", where);
	rc = rc ? parley_err_set(err, rc, "building the query") : pl_prepare(db, sql.data, &st, err);
	pl_buf_free(&sql);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	return pl_audit_rows_json(db, st, out, err);
}

int pl_audit_rows_json(parley_db *db, sqlite3_stmt *st, char **out, parley_err *err)
{
	static const char *const names[] = {"seq", "at", "actor", "action", "entity",
	                                    "entity_key", "before", "after", "reason"};
	return pl_rows_json(db, st, names, "isssssjjs", "reading the audit log", out, err);
}

int parley_visit_history(parley_db *db, const char *id, char **out, parley_err *err)
{
	/* the visit's row and the rows of its lists (keys 'ID|...'); the
	 * audit_by_entity index serves both */
	return pl_audit_rows(db,
	    "(entity = 'visit' AND entity_key = ?1)"
	    " OR (entity IN ('visit_person', 'activity', 'place', 'visit_source')"
	    "     AND entity_key >= ?1 || '|' AND entity_key < ?1 || '}')", id, out, err);
}

int pl_audit_undo(parley_db *db, const char *entity, const char *id, long seq, char **out,
                  parley_err *err)
{
	*out = NULL;
	sqlite3_stmt *st;
	int rc = pl_prepare(db, "SELECT action, before, after FROM audit WHERE seq = ?1 AND"
	                        " entity = ?3 AND entity_key = ?2", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, seq);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, entity, -1, SQLITE_TRANSIENT);
	int found = sqlite3_step(st) == SQLITE_ROW;
	if (found && strcmp((const char *)sqlite3_column_text(st, 0), "update") == 0) {
		/* only the fields that change changed go back: later changes to
		 * other fields stay */
		json_t *b = json_loads((const char *)sqlite3_column_text(st, 1), 0, NULL);
		json_t *a = json_loads((const char *)sqlite3_column_text(st, 2), 0, NULL);
		json_t *undo = json_object();
		const char *k;
		json_t *v;
		json_object_foreach(b, k, v) {
			json_t *now = json_object_get(a, k);
			if (!json_equal(v, now ? now : json_null()))
				json_object_set(undo, k, v);
		}
		*out = json_dumps(undo, JSON_COMPACT);
		json_decref(undo);
		json_decref(a);
		json_decref(b);
	}
	sqlite3_finalize(st);
	if (!found)
		return parley_err_set(err, PARLEY_ENOTFOUND, "no change #%ld to %s '%s'", seq, entity, id);
	if (!*out)
		return parley_err_set(err, PARLEY_EINVAL,
		                      "change #%ld is not a correction of the %s's fields; only those "
		                      "are reverted here", seq, entity);
	return PARLEY_OK;
}

int parley_visit_revert(parley_db *db, const char *id, long seq, const char *if_match,
                        const char *reason, parley_err *err)
{
	if (!reason || !*reason)
		return parley_err_set(err, PARLEY_EINVAL, "a revert needs a reason for the audit log");
	char *before = NULL;
	int rc = pl_audit_undo(db, "visit", id, seq, &before, err);
	if (rc)
		return rc;
	char why[600];
	snprintf(why, sizeof why, "revert of change #%ld: %s", seq, reason);
	rc = parley_visit_write(db, id, before, strlen(before), if_match, why, NULL, 0, NULL, err);
	free(before);
	return rc;
}
