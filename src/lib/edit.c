/*
 * edit.c - correcting and removing single records (parley edit, delete).
 *
 * An edit is an upsert of the record with some fields changed, so it passes
 * through exactly the validation an import applies (pl_import_put) and is
 * logged by the same audit triggers, with the reason given.  A delete
 * removes a record and, through ON DELETE CASCADE, what belongs to it (a
 * visit's delegation, places, activities, source links); the audit log keeps
 * every removed row in full, so nothing is lost.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* Splits key ("a|b|c", the audit log's spelling) over the concept's key
 * columns; vals[i] points into buf.  Returns the number of key columns, or
 * -1 when the key has the wrong number of parts. */
static int split_key(const pl_concept *c, const char *key, char *buf, size_t cap,
                     const char **vals)
{
	if (pl_strlcpy(buf, key, cap) >= cap)
		return -1;
	int nkeys = 0;
	for (size_t i = 0; i < c->ncols; i++)
		nkeys += c->cols[i].key;
	char *p = buf;
	int k = 0;
	for (size_t i = 0; i < c->ncols; i++) {
		if (!c->cols[i].key)
			continue;
		if (!p)
			return -1;
		char *bar = k + 1 < nkeys ? strchr(p, '|') : NULL;
		if (bar)
			*bar = '\0';
		vals[i] = p;
		p = bar ? bar + 1 : NULL;
		k++;
	}
	return p ? -1 : k;
}

/* Prepares "<head> WHERE <key>" for concept c and binds the key values. */
static int prepare_by_key(parley_db *db, const pl_concept *c, pl_buf *sql, const char **vals,
                          sqlite3_stmt **st, parley_err *err)
{
	int rc = pl_key_where(sql, c);
	if (rc)
		rc = parley_err_set(err, rc, "building the query: %s", parley_strstatus(rc));
	else if (!(rc = pl_prepare(db, sql->data, st, err)))
		pl_bind_keys(*st, c, vals);
	pl_buf_free(sql);
	return rc;
}

static const pl_concept *concept_or_err(const char *concept, parley_err *err)
{
	const pl_concept *c = pl_concept_find(concept);
	if (!c)
		parley_err_set(err, PARLEY_EINVAL, "unknown concept '%s'", concept ? concept : "");
	return c;
}

int parley_update(parley_db *db, const char *concept, const char *key,
                  const char *const *fields, const char *const *values, size_t n,
                  const char *reason, parley_report *rep, parley_err *err)
{
	const pl_concept *c = concept_or_err(concept, err);
	if (!c)
		return PARLEY_EINVAL;
	if (!key || !n)
		return parley_err_set(err, PARLEY_EINVAL, "nothing to change");
	if (!reason || !*reason) /* the audit log must say why, as for a deletion */
		return parley_err_set(err, PARLEY_EINVAL, "a correction needs a reason for the audit log");
	char keybuf[1024];
	const char *vals[32] = {0};
	if (split_key(c, key, keybuf, sizeof keybuf, vals) < 0)
		return parley_err_set(err, PARLEY_EINVAL,
		                      "'%s' is not a %s key (parts joined with '|')", key, c->name);
	/* The record as it is now. */
	pl_buf sql;
	pl_buf_init(&sql, 8192);
	int rc = pl_buf_puts(&sql, "SELECT ");
	for (size_t i = 0; i < c->ncols; i++)
		if (!rc) rc = pl_buf_printf(&sql, "%s%s", i ? ", " : "", c->cols[i].name);
	if (!rc) rc = pl_buf_printf(&sql, " FROM %s", c->name);
	sqlite3_stmt *st = NULL;
	if (rc) {
		pl_buf_free(&sql);
		return parley_err_set(err, rc, "building the query: %s", parley_strstatus(rc));
	}
	if ((rc = prepare_by_key(db, c, &sql, vals, &st, err)))
		return rc;
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return parley_err_set(err, PARLEY_ENOTFOUND, "no %s '%s'", c->name, key);
	}
	char *cur[32] = {0};
	for (size_t i = 0; i < c->ncols; i++)
		cur[i] = pl_strdup((const char *)sqlite3_column_text(st, (int)i));
	sqlite3_finalize(st);
	for (size_t k = 0; k < n && !rc; k++) {
		int i = pl_concept_col(c, fields[k]);
		if (i < 0)
			rc = parley_err_set(err, PARLEY_EINVAL, "%s has no field '%s'", c->name, fields[k]);
		else if (c->cols[i].key)
			rc = parley_err_set(err, PARLEY_EINVAL,
			                    "%s is part of the key; a record with another key is another record",
			                    fields[k]);
		else {
			free(cur[i]);
			cur[i] = pl_strdup(values[k] ? values[k] : "");
		}
	}
	pl_import *imp;
	if (!rc)
		rc = pl_import_open_reason(db, reason, rep, &imp, err);
	if (!rc) {
		char where[64];
		snprintf(where, sizeof where, "parley edit");
		pl_import_put(imp, c, (const char *const *)cur, where, 0);
		rc = pl_import_close(imp, err);
	}
	parley_set_reason(db, NULL, NULL);
	for (size_t i = 0; i < c->ncols; i++)
		free(cur[i]);
	return rc;
}

int parley_delete(parley_db *db, const char *concept, const char *key, const char *reason,
                  parley_err *err)
{
	const pl_concept *c = concept_or_err(concept, err);
	if (!c)
		return PARLEY_EINVAL;
	if (!reason || !*reason)
		return parley_err_set(err, PARLEY_EINVAL, "a deletion needs a reason for the audit log");
	char keybuf[1024];
	const char *vals[32] = {0};
	if (!key || split_key(c, key, keybuf, sizeof keybuf, vals) < 0)
		return parley_err_set(err, PARLEY_EINVAL,
		                      "'%s' is not a %s key (parts joined with '|')", key ? key : "",
		                      c->name);
	pl_buf sql;
	pl_buf_init(&sql, 8192);
	sqlite3_stmt *st = NULL;
	int rc = pl_buf_printf(&sql, "DELETE FROM %s", c->name);
	if (rc) {
		pl_buf_free(&sql);
		return parley_err_set(err, rc, "building the query: %s", parley_strstatus(rc));
	}
	if ((rc = prepare_by_key(db, c, &sql, vals, &st, err)))
		return rc;
	if ((rc = pl_begin_reason(db, reason, err))) {
		sqlite3_finalize(st);
		return rc;
	}
	int r = sqlite3_step(st);
	int changed = sqlite3_changes(db->sql);
	sqlite3_finalize(st);
	if (r != SQLITE_DONE) {
		int ext = sqlite3_extended_errcode(db->sql);
		rc = ext == SQLITE_CONSTRAINT_FOREIGNKEY
		         ? parley_err_set(err, PARLEY_ECONFLICT,
		                          "%s '%s' is still referred to by other records; change or "
		                          "delete those first", c->name, key)
		         : pl_db_error(db, err, "deleting");
	} else if (!changed) {
		rc = parley_err_set(err, PARLEY_ENOTFOUND, "no %s '%s'", c->name, key);
	} else {
		rc = pl_commit(db, err);
	}
	if (rc)
		pl_rollback(db);
	parley_set_reason(db, NULL, NULL);
	return rc;
}
