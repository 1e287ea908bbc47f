/*
 * rename.c - giving a record a new key (parley rename), e.g. a visit whose
 * id carried a start date that a correction changed.
 *
 * Keys are natural keys and other records refer to them, so a rename is:
 * copy the record under the new key, point every reference at it (the
 * columns the concept descriptors declare as references, and external ids),
 * delete the old record, all in one transaction.  The audit triggers log
 * each step with the reason, so the old key's history stays in the audit
 * log under the old key, and the key_rename table remembers old -> new so that
 * the web answers the old address with a redirect (301) to the new one.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

static int key_col(const pl_concept *c)
{
	int k = -1, n = 0;
	for (size_t i = 0; i < c->ncols; i++)
		if (c->cols[i].key) {
			k = (int)i;
			n++;
		}
	return n == 1 ? k : -1;
}

/* Runs sql with ?1 = a, ?2 = b, ?3 = c (NULL leaves a parameter unbound). */
static int run(parley_db *db, const char *sql, const char *a, const char *b, const char *c,
               parley_err *err)
{
	sqlite3_stmt *st;
	int rc = pl_prepare(db, sql, &st, err);
	if (rc)
		return rc;
	const char *v[] = {a, b, c};
	for (int i = 0; i < 3; i++)
		if (v[i])
			sqlite3_bind_text(st, i + 1, v[i], -1, SQLITE_TRANSIENT);
	int r = sqlite3_step(st);
	if (r != SQLITE_DONE && r != SQLITE_ROW)
		rc = pl_db_error(db, err, "renaming");
	sqlite3_finalize(st);
	return rc;
}

static int exists(parley_db *db, const pl_concept *c, int k, const char *key)
{
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT 1 FROM %s WHERE %s = ?1", c->name, c->cols[k].name);
	sqlite3_stmt *st;
	if (pl_prepare(db, sql, &st, NULL))
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	int r = sqlite3_step(st);
	sqlite3_finalize(st);
	return r == SQLITE_ROW ? 1 : r == SQLITE_DONE ? 0 : -1;
}

/* Copies the record under the new key and moves every reference to it. */
static int move(parley_db *db, const pl_concept *c, int k, const char *old_key,
                const char *new_key, long *refs, parley_err *err)
{
	pl_buf sql;
	pl_buf_init(&sql, 8192);
	int b = pl_buf_printf(&sql, "INSERT INTO %s(", c->name);
	for (size_t i = 0; i < c->ncols; i++)
		b |= pl_buf_printf(&sql, "%s%s", i ? ", " : "", c->cols[i].name);
	b |= pl_buf_puts(&sql, ") SELECT ");
	for (size_t i = 0; i < c->ncols; i++)
		b |= pl_buf_printf(&sql, "%s%s", i ? ", " : "", (int)i == k ? "?2" : c->cols[i].name);
	b |= pl_buf_printf(&sql, " FROM %s WHERE %s = ?1", c->name, c->cols[k].name);
	int rc = b ? parley_err_set(err, PARLEY_ENOMEM, "out of memory")
	           : run(db, sql.data, old_key, new_key, NULL, err);
	pl_buf_free(&sql);
	for (size_t d = 0; d < pl_concept_count() && !rc; d++) {
		const pl_concept *dc = pl_concept_at(d);
		for (size_t i = 0; i < dc->ncols && !rc; i++) {
			if (!dc->cols[i].ref || strcmp(dc->cols[i].ref, c->name) != 0)
				continue;
			char u[256];
			snprintf(u, sizeof u, "UPDATE %s SET %s = ?2 WHERE %s = ?1", dc->name,
			         dc->cols[i].name, dc->cols[i].name);
			rc = run(db, u, old_key, new_key, NULL, err);
			*refs += sqlite3_changes(db->sql);
		}
	}
	if (!rc) {
		rc = run(db, "UPDATE external_id SET entity_id = ?2 WHERE entity = ?3 AND entity_id = ?1",
		         old_key, new_key, c->name, err);
		*refs += sqlite3_changes(db->sql);
	}
	if (!rc) {
		char del[256];
		snprintf(del, sizeof del, "DELETE FROM %s WHERE %s = ?1", c->name, c->cols[k].name);
		rc = run(db, del, old_key, NULL, NULL, err);
	}
	return rc;
}

/* Remembers old -> new for redirects; earlier names of old now lead to new,
 * and a name taken again by a record is no longer redirected. */
static int remember(parley_db *db, const char *entity, const char *old_key, const char *new_key,
                    parley_err *err)
{
	int rc = run(db, "UPDATE key_rename SET new_key = ?2 WHERE entity = ?3 AND new_key = ?1",
	             old_key, new_key, entity, err);
	if (!rc)
		rc = run(db, "DELETE FROM key_rename WHERE entity = ?2 AND old_key = ?1", new_key, entity,
		         NULL, err);
	if (!rc)
		rc = run(db, "INSERT OR REPLACE INTO key_rename(entity, old_key, new_key, at, reason)"
		             " VALUES (?3, ?1, ?2, strftime('%Y-%m-%dT%H:%M:%SZ','now'), parley_reason())",
		         old_key, new_key, entity, err);
	return rc;
}

int parley_rename(parley_db *db, const char *concept, const char *old_key, const char *new_key,
                  const char *reason, long *refs, parley_err *err)
{
	long nrefs = 0;
	if (refs)
		*refs = 0;
	const pl_concept *c = pl_concept_find(concept);
	if (!db || !c)
		return parley_err_set(err, PARLEY_EINVAL, "unknown concept '%s'", concept ? concept : "");
	int k = key_col(c);
	if (k < 0)
		return parley_err_set(err, PARLEY_EINVAL,
		                      "%s has a key of several columns; rename the record it belongs to "
		                      "or edit it", c->name);
	if (!reason || !*reason)
		return parley_err_set(err, PARLEY_EINVAL, "a rename needs a reason for the audit log");
	if (!old_key || !new_key || !*new_key)
		return parley_err_set(err, PARLEY_EINVAL, "a rename needs the old and the new %s",
		                      c->cols[k].name);
	for (const char *p = new_key; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == '|')
			return parley_err_set(err, PARLEY_EINVAL,
			                      "new %s '%s': no control characters or '|' in a key",
			                      c->cols[k].name, new_key);
	if (pl_utf8_invalid_at(new_key, strlen(new_key)) >= 0)
		return parley_err_set(err, PARLEY_EINVAL, "new %s: invalid UTF-8", c->cols[k].name);
	if (strcmp(old_key, new_key) == 0)
		return parley_err_set(err, PARLEY_EINVAL, "the new %s is the old one", c->cols[k].name);
	if (db->readonly)
		return parley_err_set(err, PARLEY_EINVAL, "%s: store opened read-only", db->path);
	int rc = pl_begin_reason(db, reason, err);
	if (rc)
		return rc;
	int have_old = exists(db, c, k, old_key), have_new = exists(db, c, k, new_key);
	if (have_old < 0 || have_new < 0)
		rc = pl_db_error(db, err, "looking up the keys");
	else if (!have_old)
		rc = parley_err_set(err, PARLEY_ENOTFOUND, "no %s '%s'", c->name, old_key);
	else if (have_new)
		rc = parley_err_set(err, PARLEY_ECONFLICT, "%s '%s' already exists", c->name, new_key);
	if (!rc)
		rc = move(db, c, k, old_key, new_key, &nrefs, err);
	if (!rc)
		rc = remember(db, c->name, old_key, new_key, err);
	rc = pl_end(db, rc, err);
	parley_set_reason(db, NULL, NULL);
	if (!rc && refs)
		*refs = nrefs;
	return rc;
}

int parley_renamed_to(parley_db *db, const char *concept, const char *old_key, char *buf,
                      size_t cap, parley_err *err)
{
	sqlite3_stmt *st;
	int rc = pl_prepare(db, "SELECT new_key FROM key_rename WHERE entity = ?1 AND old_key = ?2",
	                    &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, concept, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, old_key, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW)
		pl_strlcpy(buf, (const char *)sqlite3_column_text(st, 0), cap);
	else
		rc = parley_err_set(err, PARLEY_ENOTFOUND, "%s '%s' was not renamed", concept, old_key);
	sqlite3_finalize(st);
	return rc;
}

void parley_renamed_free(parley_renamed *r, size_t n)
{
	for (size_t i = 0; r && i < n; i++) {
		free(r[i].concept);
		free(r[i].old_key);
		free(r[i].new_key);
	}
	free(r);
}

int parley_renamed_list(parley_db *db, parley_renamed **out, size_t *n, parley_err *err)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st;
	int rc = pl_prepare(db, "SELECT entity, old_key, new_key FROM key_rename ORDER BY 1, 2", &st,
	                    err);
	if (rc)
		return rc;
	parley_renamed *v = NULL;
	size_t cnt = 0, cap = 0;
	while (!rc && sqlite3_step(st) == SQLITE_ROW) {
		const char *entity = (const char *)sqlite3_column_text(st, 0);
		const char *old = (const char *)sqlite3_column_text(st, 1);
		const pl_concept *c = pl_concept_find(entity);
		int k = c ? key_col(c) : -1;
		if (k < 0 || exists(db, c, k, old) != 0) /* held again: the record answers */
			continue;
		parley_renamed *nv = pl_grow(v, &cap, cnt + 1, sizeof *nv, 16);
		if (!nv) {
			rc = parley_err_set(err, PARLEY_ENOMEM, "out of memory");
			break;
		}
		v = nv;
		v[cnt].concept = pl_strdup(entity);
		v[cnt].old_key = pl_strdup(old);
		v[cnt].new_key = pl_strdup((const char *)sqlite3_column_text(st, 2));
		cnt++;
		if (!v[cnt - 1].concept || !v[cnt - 1].old_key || !v[cnt - 1].new_key)
			rc = parley_err_set(err, PARLEY_ENOMEM, "out of memory");
	}
	sqlite3_finalize(st);
	if (rc) {
		parley_renamed_free(v, cnt);
		return rc;
	}
	*out = v;
	*n = cnt;
	return PARLEY_OK;
}
