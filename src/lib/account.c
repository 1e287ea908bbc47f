/*
 * account.c - the users of a team server: names, roles, Argon2id password
 * hashes.  Sessions and logins are in session.c.
 *
 * Accounts are not records: they are not exported, and a change to one is
 * written to the audit log by hand here (entity 'user'), with the role and
 * the disabled flag but never the hash.
 */
#include "internal.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const role_names[] = {"reader", "editor", "reviewer", "admin"};

const char *parley_role_name(parley_role role)
{
	return (unsigned)role < PL_ARRAY_LEN(role_names) ? role_names[role] : "reader";
}

int parley_role_parse(const char *name, parley_role *out, parley_err *err)
{
	for (size_t i = 0; name && i < PL_ARRAY_LEN(role_names); i++)
		if (strcmp(name, role_names[i]) == 0) {
			*out = (parley_role)i;
			return PARLEY_OK;
		}
	return parley_err_set(err, PARLEY_EINVAL,
	                      "role '%s' is not one of reader, editor, reviewer, admin",
	                      name ? name : "");
}

int pl_sodium_ready(parley_err *err)
{
	if (sodium_init() < 0)
		return parley_err_set(err, PARLEY_EIO, "libsodium could not start");
	return PARLEY_OK;
}

static int valid_name(const char *name, parley_err *err)
{
	size_t n = name ? strlen(name) : 0;
	if (n == 0 || n >= PARLEY_NAME_MAX)
		return parley_err_set(err, PARLEY_EINVAL, "user name: 1 to %d characters",
		                      PARLEY_NAME_MAX - 1);
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return parley_err_set(err, PARLEY_EINVAL,
			                      "user name: only letters, digits, '.', '_' and '-' (got a '%c' at %zu)",
			                      (c > 32 && c < 127) ? c : '?', i + 1);
	}
	return PARLEY_OK;
}

/* Hashes password into out (crypto_pwhash_STRBYTES). */
int pl_password_hash(const char *password, char *out, parley_err *err)
{
	size_t n = password ? strlen(password) : 0;
	if (n < PARLEY_PASSWORD_MIN)
		return parley_err_set(err, PARLEY_EINVAL, "password: at least %d characters",
		                      PARLEY_PASSWORD_MIN);
	if (n > PARLEY_PASSWORD_MAX)
		return parley_err_set(err, PARLEY_EINVAL, "password: at most %d characters",
		                      PARLEY_PASSWORD_MAX);
	int rc = pl_sodium_ready(err);
	if (rc)
		return rc;
	if (crypto_pwhash_str(out, password, n, crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return parley_err_set(err, PARLEY_ENOMEM, "hashing the password ran out of memory");
	return PARLEY_OK;
}

void pl_utc_now(char *buf, size_t cap)
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The audit log's after-image of a user change: o (taken) as JSON text;
 * caller frees.  NULL when out of memory. */
static char *user_json(json_t *o)
{
	pl_buf b;
	pl_buf_init(&b, 0);
	int rc = o ? pl_json_write(&b, o) : PARLEY_ENOMEM;
	json_decref(o);
	if (rc) {
		pl_buf_free(&b);
		return NULL;
	}
	return pl_buf_take(&b);
}

/* Writes one audit row for an account change: after is a JSON object
 * (without the hash), or NULL. */
static int audit_user(parley_db *db, const char *action, const char *name, const char *after,
                      parley_err *err)
{
	sqlite3_stmt *st;
	int rc = pl_prepare(db,
	                    "INSERT INTO audit(at, actor, action, entity, entity_key, before, after, reason)"
	                    " VALUES (strftime('%Y-%m-%dT%H:%M:%fZ','now'), parley_actor(), ?1, 'user', ?2,"
	                    " NULL, ?3, parley_reason())",
	                    &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	pl_bind_text_or_null(st, 3, after);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = pl_db_error(db, err, "writing the audit log");
	sqlite3_finalize(st);
	return rc;
}

/* Runs one UPDATE on user name (bound as ?1; extra text bound as ?2) in a
 * transaction with its audit row; PARLEY_ENOTFOUND when no such user. */
static int update_user(parley_db *db, const char *name, const char *sql, const char *arg,
                       const char *audit_after, int end_sessions, parley_err *err)
{
	int rc = valid_name(name, err);
	if (rc)
		return rc;
	if ((rc = pl_begin(db, err)))
		return rc;
	sqlite3_stmt *st;
	rc = pl_prepare(db, sql, &st, err);
	if (!rc) {
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
		if (arg)
			sqlite3_bind_text(st, 2, arg, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = pl_db_error(db, err, "updating the user");
		else if (sqlite3_changes(db->sql) == 0)
			rc = parley_err_set(err, PARLEY_ENOTFOUND, "no user named '%s'", name);
		sqlite3_finalize(st);
	}
	if (!rc && end_sessions) {
		rc = pl_prepare(db, "UPDATE session SET ended = strftime('%Y-%m-%dT%H:%M:%SZ','now')"
		                    " WHERE user = ?1 AND ended IS NULL", &st, err);
		if (!rc) {
			sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
			if (sqlite3_step(st) != SQLITE_DONE)
				rc = pl_db_error(db, err, "ending the user's sessions");
			sqlite3_finalize(st);
		}
	}
	if (!rc)
		rc = audit_user(db, "update", name, audit_after, err);
	return pl_end(db, rc, err);
}

int parley_user_add(parley_db *db, const char *name, parley_role role, const char *password,
                    parley_err *err)
{
	int rc = valid_name(name, err);
	if (rc)
		return rc;
	char hash[crypto_pwhash_STRBYTES];
	if ((rc = pl_password_hash(password, hash, err)))
		return rc;
	char now[24];
	pl_utc_now(now, sizeof now);
	char *after = user_json(
	    json_pack("{s:s,s:s,s:i}", "name", name, "role", parley_role_name(role), "disabled", 0));
	if (!after)
		return parley_err_set(err, PARLEY_ENOMEM, "out of memory");
	if ((rc = pl_begin(db, err))) {
		free(after);
		return rc;
	}
	sqlite3_stmt *st;
	rc = pl_prepare(db, "INSERT INTO user(name, role, pwhash, created) VALUES (?1, ?2, ?3, ?4)",
	                &st, err);
	if (!rc) {
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, parley_role_name(role), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, hash, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
		int s = sqlite3_step(st);
		if (s == SQLITE_CONSTRAINT_PRIMARYKEY)
			rc = parley_err_set(err, PARLEY_ECONFLICT, "a user named '%s' exists already", name);
		else if (s != SQLITE_DONE)
			rc = pl_db_error(db, err, "adding the user");
		sqlite3_finalize(st);
	}
	if (!rc)
		rc = audit_user(db, "insert", name, after, err);
	rc = pl_end(db, rc, err);
	sodium_memzero(hash, sizeof hash);
	free(after);
	return rc;
}

int parley_user_set_password(parley_db *db, const char *name, const char *password,
                             parley_err *err)
{
	char hash[crypto_pwhash_STRBYTES];
	int rc = pl_password_hash(password, hash, err);
	if (rc)
		return rc;
	rc = update_user(db, name, "UPDATE user SET pwhash = ?2 WHERE name = ?1", hash,
	                 "{\"password\":\"changed\"}", 1, err);
	sodium_memzero(hash, sizeof hash);
	return rc;
}

int parley_user_set_role(parley_db *db, const char *name, parley_role role, parley_err *err)
{
	char *after = user_json(json_pack("{s:s}", "role", parley_role_name(role)));
	if (!after)
		return parley_err_set(err, PARLEY_ENOMEM, "out of memory");
	int rc = update_user(db, name, "UPDATE user SET role = ?2 WHERE name = ?1",
	                     parley_role_name(role), after, 0, err);
	free(after);
	return rc;
}

int parley_user_set_disabled(parley_db *db, const char *name, int disabled, parley_err *err)
{
	return update_user(db, name,
	                   disabled ? "UPDATE user SET disabled = 1 WHERE name = ?1"
	                            : "UPDATE user SET disabled = 0 WHERE name = ?1",
	                   NULL, disabled ? "{\"disabled\":1}" : "{\"disabled\":0}", disabled, err);
}

static void read_user(sqlite3_stmt *st, parley_user *u)
{
	memset(u, 0, sizeof *u);
	pl_strlcpy(u->name, (const char *)sqlite3_column_text(st, 0), sizeof u->name);
	parley_role_parse((const char *)sqlite3_column_text(st, 1), &u->role, NULL);
	u->disabled = sqlite3_column_int(st, 2);
	pl_strlcpy(u->created, (const char *)sqlite3_column_text(st, 3), sizeof u->created);
	if (sqlite3_column_type(st, 4) != SQLITE_NULL)
		pl_strlcpy(u->last_login, (const char *)sqlite3_column_text(st, 4), sizeof u->last_login);
}

#define USER_COLUMNS "SELECT name, role, disabled, created, last_login FROM user"

int parley_user_get(parley_db *db, const char *name, parley_user *out, parley_err *err)
{
	sqlite3_stmt *st;
	int rc = pl_prepare(db, USER_COLUMNS " WHERE name = ?1", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, name ? name : "", -1, SQLITE_STATIC);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW)
		read_user(st, out);
	else if (s == SQLITE_DONE)
		rc = parley_err_set(err, PARLEY_ENOTFOUND, "no user named '%s'", name ? name : "");
	else
		rc = pl_db_error(db, err, "reading the user");
	sqlite3_finalize(st);
	return rc;
}

static void user_row(sqlite3_stmt *st, void *u)
{
	read_user(st, u);
}

int parley_user_list(parley_db *db, parley_user **out, size_t *n, parley_err *err)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st;
	int rc = pl_prepare(db, USER_COLUMNS " ORDER BY name", &st, err);
	if (rc)
		return rc;
	void *v;
	rc = pl_rows_collect(db, st, sizeof **out, user_row, &v, n, "listing users", err);
	*out = v;
	return rc;
}

int parley_user_count(parley_db *db, long *n, parley_err *err)
{
	sqlite3_stmt *st;
	int rc = pl_prepare(db, "SELECT count(*) FROM user", &st, err);
	if (rc)
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	else
		rc = pl_db_error(db, err, "counting users");
	sqlite3_finalize(st);
	return rc;
}
