/*
 * session.c - logins and sessions of a team server.
 *
 * The browser holds a random 256-bit token; the store keeps its BLAKE2b
 * hash as the session id, so reading the store does not let anyone log in.
 * A login checks the password against the stored Argon2id hash; for a name
 * that does not exist it checks against a dummy hash made once per process,
 * so that both answers take the same time and say the same thing.  Failed
 * attempts are kept for PARLEY_LOGIN_WINDOW seconds and limit further
 * attempts per account and per address.
 */
#include "internal.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy(void)
{
	unsigned char pw[24];
	char hex[sizeof pw * 2 + 1];
	randombytes_buf(pw, sizeof pw);
	sodium_bin2hex(hex, sizeof hex, pw, sizeof pw);
	if (crypto_pwhash_str(dummy_hash, hex, strlen(hex), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		dummy_hash[0] = '\0';
}

/* Random token of PARLEY_TOKEN_LEN hex digits into out. */
static void random_token(char *out)
{
	unsigned char raw[PARLEY_TOKEN_LEN / 2];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(out, PARLEY_TOKEN_LEN + 1, raw, sizeof raw);
}

/* The stored id of a token: hex BLAKE2b-256; PARLEY_EDENIED for a token
 * that is not PARLEY_TOKEN_LEN hex digits. */
static int token_id(const char *token, char *id, parley_err *err)
{
	size_t n = token ? strlen(token) : 0;
	if (n != PARLEY_TOKEN_LEN || strspn(token, "0123456789abcdef") != n)
		return parley_err_set(err, PARLEY_EDENIED, "no such session");
	unsigned char h[32];
	crypto_generichash(h, sizeof h, (const unsigned char *)token, n, NULL, 0);
	sodium_bin2hex(id, PARLEY_TOKEN_LEN + 1, h, sizeof h);
	return PARLEY_OK;
}

static long count_failures(parley_db *db, const char *column, const char *value, long since)
{
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM login_failure WHERE %s = ?1 AND at > ?2",
	         strcmp(column, "user") == 0 ? "user" : "address");
	sqlite3_stmt *st;
	if (pl_prepare(db, sql, &st, NULL))
		return -1;
	sqlite3_bind_text(st, 1, value, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, since);
	long n = sqlite3_step(st) == SQLITE_ROW ? (long)sqlite3_column_int64(st, 0) : -1;
	sqlite3_finalize(st);
	return n;
}

static int record_failure(parley_db *db, const char *name, const char *address, long now,
                          parley_err *err)
{
	sqlite3_stmt *st;
	int rc = pl_prepare(db, "INSERT INTO login_failure(at, user, address) VALUES (?1, ?2, ?3)",
	                    &st, err);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, address, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = pl_db_error(db, err, "recording a failed login");
	sqlite3_finalize(st);
	return rc;
}

#define SESSION_SELECT                                                                          \
	"SELECT s.id, s.user, u.role, s.csrf, s.created, s.expires, coalesce(s.address, '')"    \
	" FROM session s JOIN user u ON u.name = s.user"                                        \
	" WHERE s.ended IS NULL AND u.disabled = 0"                                             \
	" AND s.expires > strftime('%Y-%m-%dT%H:%M:%SZ','now')"

static void read_session(sqlite3_stmt *st, parley_session *s)
{
	memset(s, 0, sizeof *s);
	pl_strlcpy(s->id, (const char *)sqlite3_column_text(st, 0), sizeof s->id);
	pl_strlcpy(s->user, (const char *)sqlite3_column_text(st, 1), sizeof s->user);
	parley_role_parse((const char *)sqlite3_column_text(st, 2), &s->role, NULL);
	pl_strlcpy(s->csrf, (const char *)sqlite3_column_text(st, 3), sizeof s->csrf);
	pl_strlcpy(s->created, (const char *)sqlite3_column_text(st, 4), sizeof s->created);
	pl_strlcpy(s->expires, (const char *)sqlite3_column_text(st, 5), sizeof s->expires);
	pl_strlcpy(s->address, (const char *)sqlite3_column_text(st, 6), sizeof s->address);
}

static int open_session(parley_db *db, const char *name, const char *address, long ttl,
                        char *token, parley_session *out, parley_err *err)
{
	char id[PARLEY_TOKEN_LEN + 1], csrf[PARLEY_TOKEN_LEN + 1], mod[40];
	random_token(token);
	random_token(csrf);
	token_id(token, id, NULL);
	snprintf(mod, sizeof mod, "+%ld seconds", ttl);
	sqlite3_stmt *st;
	int rc = pl_prepare(db,
	                    "INSERT INTO session(id, user, csrf, created, expires, address) VALUES"
	                    " (?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%SZ','now'),"
	                    " strftime('%Y-%m-%dT%H:%M:%SZ','now', ?4), ?5)",
	                    &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, csrf, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, mod, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, address, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = pl_db_error(db, err, "opening a session");
	sqlite3_finalize(st);
	if (!rc) {
		rc = pl_prepare(db, "UPDATE user SET last_login = strftime('%Y-%m-%dT%H:%M:%SZ','now')"
		                    " WHERE name = ?1", &st, err);
		if (!rc) {
			sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
			if (sqlite3_step(st) != SQLITE_DONE)
				rc = pl_db_error(db, err, "recording the login");
			sqlite3_finalize(st);
		}
	}
	if (!rc && out)
		rc = parley_session_get(db, token, out, err);
	return rc;
}

int parley_login(parley_db *db, const char *name, const char *password, const char *address,
                 long ttl, char *token, parley_session *out, parley_err *err)
{
	int rc = pl_sodium_ready(err);
	if (rc)
		return rc;
	if (!name || !password || !token || ttl <= 0)
		return parley_err_set(err, PARLEY_EINVAL, "parley_login: name, password, token and ttl needed");
	if (!address || !*address)
		address = "unknown";
	size_t pwlen = strlen(password);
	if (pwlen > PARLEY_PASSWORD_MAX)
		pwlen = PARLEY_PASSWORD_MAX; /* bounded work for a hostile length */
	long now = (long)time(NULL), since = now - PARLEY_LOGIN_WINDOW;
	if ((rc = pl_begin(db, err)))
		return rc;
	long by_user = count_failures(db, "user", name, since);
	long by_addr = count_failures(db, "address", address, since);
	if (by_user < 0 || by_addr < 0) {
		pl_rollback(db);
		return pl_db_error(db, err, "reading failed logins");
	}
	if (by_user >= PARLEY_LOGIN_MAX_FAILURES || by_addr >= PARLEY_LOGIN_MAX_ADDR_FAILURES) {
		pl_rollback(db);
		return parley_err_set(err, PARLEY_ELIMIT,
		                      "too many failed logins; try again in %d minutes",
		                      PARLEY_LOGIN_WINDOW / 60);
	}
	char hash[crypto_pwhash_STRBYTES] = "";
	int disabled = 1, exists = 0;
	sqlite3_stmt *st;
	rc = pl_prepare(db, "SELECT pwhash, disabled FROM user WHERE name = ?1", &st, err);
	if (!rc) {
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW) {
			exists = 1;
			pl_strlcpy(hash, (const char *)sqlite3_column_text(st, 0), sizeof hash);
			disabled = sqlite3_column_int(st, 1);
		}
		sqlite3_finalize(st);
	}
	if (rc) {
		pl_rollback(db);
		return rc;
	}
	if (!exists) {
		pthread_once(&dummy_once, make_dummy);
		pl_strlcpy(hash, dummy_hash, sizeof hash);
	}
	int good = crypto_pwhash_str_verify(hash, password, pwlen) == 0 && exists && !disabled;
	sodium_memzero(hash, sizeof hash);
	if (good) {
		rc = open_session(db, name, address, ttl, token, out, err);
	} else {
		rc = record_failure(db, name, address, now, err);
		if (!rc) {
			/* Old failures are no longer needed for any limit. */
			rc = pl_prepare(db, "DELETE FROM login_failure WHERE at <= ?1", &st, err);
			if (!rc) {
				sqlite3_bind_int64(st, 1, since);
				sqlite3_step(st);
				sqlite3_finalize(st);
			}
		}
	}
	if (!rc)
		rc = pl_commit(db, err);
	if (rc) {
		pl_rollback(db);
		return rc;
	}
	if (!good)
		return parley_err_set(err, PARLEY_EDENIED, "wrong user name or password");
	return PARLEY_OK;
}

int parley_session_get(parley_db *db, const char *token, parley_session *out, parley_err *err)
{
	char id[PARLEY_TOKEN_LEN + 1];
	int rc = pl_sodium_ready(err);
	if (rc || (rc = token_id(token, id, err)))
		return rc;
	sqlite3_stmt *st;
	rc = pl_prepare_cached(db, SESSION_SELECT " AND s.id = ?1", &st, err); /* every team request */
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		read_session(st, out);
		/* the full hash identifies the row; the public id is its first 16 digits */
		out->id[16] = '\0';
	} else if (s == SQLITE_DONE) {
		rc = parley_err_set(err, PARLEY_EDENIED, "no such session");
	} else {
		rc = pl_db_error(db, err, "reading the session");
	}
	pl_release(db, st);
	return rc;
}

static int end_where(parley_db *db, const char *sql, const char *arg, parley_err *err)
{
	sqlite3_stmt *st;
	int rc = pl_prepare(db, sql, &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = pl_db_error(db, err, "ending the session");
	sqlite3_finalize(st);
	return rc;
}

int parley_session_end(parley_db *db, const char *token, parley_err *err)
{
	char id[PARLEY_TOKEN_LEN + 1];
	int rc = pl_sodium_ready(err);
	if (rc)
		return rc;
	if (token_id(token, id, NULL))
		return PARLEY_OK;
	return end_where(db, "UPDATE session SET ended = strftime('%Y-%m-%dT%H:%M:%SZ','now')"
	                     " WHERE id = ?1 AND ended IS NULL", id, err);
}

int parley_session_revoke(parley_db *db, const char *id, parley_err *err)
{
	if (!id || strlen(id) != 16 || strspn(id, "0123456789abcdef") != 16)
		return parley_err_set(err, PARLEY_EINVAL, "a session id is 16 hex digits (see 'parley user sessions')");
	char pat[32];
	snprintf(pat, sizeof pat, "%s*", id);
	int rc = end_where(db, "UPDATE session SET ended = strftime('%Y-%m-%dT%H:%M:%SZ','now')"
	                       " WHERE id GLOB ?1 AND ended IS NULL", pat, err);
	if (!rc && sqlite3_changes(db->sql) == 0)
		rc = parley_err_set(err, PARLEY_ENOTFOUND, "no live session %s", id);
	return rc;
}

/* A session as a listing shows it: a short id, never its tokens. */
static void listed_session(sqlite3_stmt *st, void *elem)
{
	parley_session *s = elem;
	read_session(st, s);
	s->id[16] = '\0';
	memset(s->csrf, 0, sizeof s->csrf);
}

int parley_session_list(parley_db *db, const char *user, parley_session **out, size_t *n,
                        parley_err *err)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st;
	int rc = pl_prepare(db, SESSION_SELECT " AND (?1 IS NULL OR s.user = ?1) ORDER BY s.user, s.created",
	                    &st, err);
	if (rc)
		return rc;
	pl_bind_text_or_null(st, 1, user);
	void *v;
	rc = pl_rows_collect(db, st, sizeof **out, listed_session, &v, n, "listing sessions", err);
	*out = v;
	return rc;
}
