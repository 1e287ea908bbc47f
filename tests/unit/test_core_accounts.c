/* test_core_accounts.c - users, logins, sessions and online backups against
 * a real store: hashes never in clear, the same answer (and the same Argon2
 * work) for a wrong name and a wrong password, the rate limit, sessions
 * ended by logout, new passwords, disabling and expiry, and a backup taken
 * while another connection holds a write transaction. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "parley.h"

static char dir[64];
static const char *pw = "correct horse battery";

static const char *path_of(const char *name)
{
	static char p[4][128];
	static int k;
	k = (k + 1) % 4;
	snprintf(p[k], sizeof p[k], "%s/%s", dir, name);
	return p[k];
}

static parley_db *fresh(const char *name)
{
	parley_db *db = NULL;
	unlink(path_of(name));
	assert_int_equal(parley_open(path_of(name), PARLEY_OPEN_CREATE, &db, NULL), PARLEY_OK);
	return db;
}

static double seconds(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void users_roles_and_hashes(void **state)
{
	(void)state;
	parley_db *db = fresh("users.db");
	parley_err err;
	assert_int_equal(parley_user_add(db, "alice", PARLEY_ROLE_EDITOR, pw, &err), PARLEY_OK);
	assert_int_equal(parley_user_add(db, "alice", PARLEY_ROLE_ADMIN, pw, &err), PARLEY_ECONFLICT);
	assert_int_equal(parley_user_add(db, "bob", PARLEY_ROLE_EDITOR, "short", &err), PARLEY_EINVAL);
	assert_int_equal(parley_user_add(db, "b<o>b", PARLEY_ROLE_EDITOR, pw, &err), PARLEY_EINVAL);
	assert_int_equal(parley_user_add(db, "", PARLEY_ROLE_EDITOR, pw, &err), PARLEY_EINVAL);
	parley_user u;
	assert_int_equal(parley_user_get(db, "alice", &u, &err), PARLEY_OK);
	assert_int_equal(u.role, PARLEY_ROLE_EDITOR);
	assert_int_equal(parley_user_set_role(db, "alice", PARLEY_ROLE_REVIEWER, &err), PARLEY_OK);
	assert_int_equal(parley_user_get(db, "alice", &u, &err), PARLEY_OK);
	assert_int_equal(u.role, PARLEY_ROLE_REVIEWER);
	assert_int_equal(parley_user_set_role(db, "nobody", PARLEY_ROLE_ADMIN, &err), PARLEY_ENOTFOUND);
	long n = 0;
	assert_int_equal(parley_user_count(db, &n, &err), PARLEY_OK);
	assert_int_equal(n, 1);
	parley_role r;
	assert_int_equal(parley_role_parse("wizard", &r, &err), PARLEY_EINVAL);
	assert_non_null(strstr(err.msg, "reader, editor, reviewer, admin"));
	parley_close(db);

	/* The file holds an Argon2id hash, not the password; the audit log
	 * names the account without either. */
	sqlite3 *raw;
	assert_int_equal(sqlite3_open(path_of("users.db"), &raw), SQLITE_OK);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(raw, "SELECT pwhash FROM user", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_non_null(strstr((const char *)sqlite3_column_text(st, 0), "$argon2id$"));
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_prepare_v2(raw, "SELECT count(*) FROM audit WHERE entity = 'user'"
	                                         " AND (after LIKE '%argon%' OR after LIKE '%horse%')",
	                                    -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 0);
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_prepare_v2(raw, "SELECT count(*) FROM audit WHERE entity = 'user'", -1,
	                                    &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 2); /* add, role */
	sqlite3_finalize(st);
	sqlite3_close(raw);
}

static void login_sessions_and_logout(void **state)
{
	(void)state;
	parley_db *db = fresh("login.db");
	parley_err err;
	assert_int_equal(parley_user_add(db, "alice", PARLEY_ROLE_EDITOR, pw, &err), PARLEY_OK);
	char token[PARLEY_TOKEN_LEN + 1], token2[PARLEY_TOKEN_LEN + 1];
	parley_session s;
	assert_int_equal(parley_login(db, "alice", pw, "127.0.0.1", 3600, token, &s, &err), PARLEY_OK);
	assert_int_equal(strlen(token), PARLEY_TOKEN_LEN);
	assert_string_equal(s.user, "alice");
	assert_int_equal(strlen(s.csrf), PARLEY_TOKEN_LEN);
	assert_string_not_equal(s.csrf, token);
	/* A second login is a new session with new tokens (no fixation). */
	parley_session s2;
	assert_int_equal(parley_login(db, "alice", pw, "127.0.0.1", 3600, token2, &s2, &err), PARLEY_OK);
	assert_string_not_equal(token, token2);
	assert_string_not_equal(s.csrf, s2.csrf);
	parley_session got;
	assert_int_equal(parley_session_get(db, token, &got, &err), PARLEY_OK);
	assert_string_equal(got.csrf, s.csrf);
	assert_int_equal(got.role, PARLEY_ROLE_EDITOR);
	/* The store never holds the token itself. */
	parley_session *list;
	size_t n;
	assert_int_equal(parley_session_list(db, "alice", &list, &n, &err), PARLEY_OK);
	assert_int_equal(n, 2);
	assert_null(strstr(list[0].id, token) ? "" : NULL);
	assert_string_equal(list[0].csrf, "");
	free(list);
	/* Logout ends that session only. */
	assert_int_equal(parley_session_end(db, token, &err), PARLEY_OK);
	assert_int_equal(parley_session_get(db, token, &got, &err), PARLEY_EDENIED);
	assert_int_equal(parley_session_get(db, token2, &got, &err), PARLEY_OK);
	/* Revoke by public id. */
	assert_int_equal(parley_session_revoke(db, s2.id, &err), PARLEY_OK);
	assert_int_equal(parley_session_get(db, token2, &got, &err), PARLEY_EDENIED);
	assert_int_equal(parley_session_revoke(db, s2.id, &err), PARLEY_ENOTFOUND);
	/* Garbage tokens are simply unknown. */
	assert_int_equal(parley_session_get(db, "'; DROP TABLE user; --", &got, &err), PARLEY_EDENIED);
	assert_int_equal(parley_session_get(db, "", &got, &err), PARLEY_EDENIED);
	/* A new password and disabling end every session. */
	assert_int_equal(parley_login(db, "alice", pw, "127.0.0.1", 3600, token, NULL, &err), PARLEY_OK);
	assert_int_equal(parley_user_set_password(db, "alice", "another good password", &err), PARLEY_OK);
	assert_int_equal(parley_session_get(db, token, &got, &err), PARLEY_EDENIED);
	assert_int_equal(parley_login(db, "alice", pw, "127.0.0.1", 3600, token, NULL, &err), PARLEY_EDENIED);
	assert_int_equal(parley_login(db, "alice", "another good password", "127.0.0.1", 3600, token, NULL, &err),
	                 PARLEY_OK);
	assert_int_equal(parley_user_set_disabled(db, "alice", 1, &err), PARLEY_OK);
	assert_int_equal(parley_session_get(db, token, &got, &err), PARLEY_EDENIED);
	assert_int_equal(parley_login(db, "alice", "another good password", "127.0.0.1", 3600, token, NULL, &err),
	                 PARLEY_EDENIED);
	parley_close(db);
}

static void sessions_expire(void **state)
{
	(void)state;
	parley_db *db = fresh("expire.db");
	char token[PARLEY_TOKEN_LEN + 1];
	parley_session got;
	assert_int_equal(parley_user_add(db, "carol", PARLEY_ROLE_READER, pw, NULL), PARLEY_OK);
	/* expiry is stored to the second: a 2 s life is at least 1 s long */
	assert_int_equal(parley_login(db, "carol", pw, "10.0.0.9", 2, token, NULL, NULL), PARLEY_OK);
	assert_int_equal(parley_session_get(db, token, &got, NULL), PARLEY_OK);
	sleep(3);
	assert_int_equal(parley_session_get(db, token, &got, NULL), PARLEY_EDENIED);
	parley_close(db);
}

static void wrong_name_and_wrong_password_look_alike(void **state)
{
	(void)state;
	parley_db *db = fresh("alike.db");
	parley_err e1, e2;
	char token[PARLEY_TOKEN_LEN + 1];
	assert_int_equal(parley_user_add(db, "dave", PARLEY_ROLE_EDITOR, pw, NULL), PARLEY_OK);
	/* warm the dummy hash, made once per process */
	parley_login(db, "warm-up", pw, "192.0.2.1", 60, token, NULL, NULL);
	double t0 = seconds();
	assert_int_equal(parley_login(db, "dave", "wrong password!", "192.0.2.2", 60, token, NULL, &e1),
	                 PARLEY_EDENIED);
	double t1 = seconds();
	assert_int_equal(parley_login(db, "nobody", "wrong password!", "192.0.2.3", 60, token, NULL, &e2),
	                 PARLEY_EDENIED);
	double t2 = seconds();
	assert_string_equal(e1.msg, e2.msg);
	/* Both ran a full Argon2id verification (tens of milliseconds each); a
	 * missing user that skipped it would answer in microseconds. */
	assert_true(t1 - t0 > 0.01);
	assert_true(t2 - t1 > 0.01);
	parley_close(db);
}

static void failed_logins_are_rate_limited(void **state)
{
	(void)state;
	parley_db *db = fresh("limit.db");
	parley_err err;
	char token[PARLEY_TOKEN_LEN + 1];
	assert_int_equal(parley_user_add(db, "erin", PARLEY_ROLE_EDITOR, pw, NULL), PARLEY_OK);
	for (int i = 0; i < PARLEY_LOGIN_MAX_FAILURES; i++)
		assert_int_equal(parley_login(db, "erin", "not her password", "198.51.100.1", 60, token, NULL, &err),
		                 PARLEY_EDENIED);
	/* Even the right password is refused now, from any address. */
	assert_int_equal(parley_login(db, "erin", pw, "198.51.100.2", 60, token, NULL, &err), PARLEY_ELIMIT);
	assert_non_null(strstr(err.msg, "too many failed logins"));
	/* Per address: many names from one address. */
	char name[32];
	for (int i = 0; i < PARLEY_LOGIN_MAX_ADDR_FAILURES; i++) {
		snprintf(name, sizeof name, "guess%d", i);
		parley_login(db, name, "whatever password", "203.0.113.7", 60, token, NULL, NULL);
	}
	assert_int_equal(parley_user_add(db, "frank", PARLEY_ROLE_EDITOR, pw, NULL), PARLEY_OK);
	assert_int_equal(parley_login(db, "frank", pw, "203.0.113.7", 60, token, NULL, &err), PARLEY_ELIMIT);
	assert_int_equal(parley_login(db, "frank", pw, "203.0.113.8", 60, token, NULL, &err), PARLEY_OK);
	parley_close(db);
}

static void backup_of_a_store_being_written(void **state)
{
	(void)state;
	parley_db *db = fresh("live.db");
	parley_err err;
	assert_int_equal(parley_user_add(db, "gina", PARLEY_ROLE_ADMIN, pw, NULL), PARLEY_OK);
	/* Another connection holds an open write transaction with an uncommitted row. */
	sqlite3 *w;
	assert_int_equal(sqlite3_open(path_of("live.db"), &w), SQLITE_OK);
	assert_int_equal(sqlite3_exec(w, "BEGIN IMMEDIATE; INSERT INTO user(name, role, pwhash, created)"
	                                 " VALUES ('uncommitted', 'reader', 'x', 'now')", NULL, NULL, NULL),
	                 SQLITE_OK);
	const char *dest = path_of("copy.db");
	unlink(dest);
	assert_int_equal(parley_backup(db, dest, &err), PARLEY_OK);
	sqlite3_exec(w, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(w);
	/* The copy opens as a store and holds the committed user only. */
	parley_db *copy = NULL;
	assert_int_equal(parley_open(dest, 0, &copy, &err), PARLEY_OK);
	parley_user u;
	assert_int_equal(parley_user_get(copy, "gina", &u, &err), PARLEY_OK);
	assert_int_equal(parley_user_get(copy, "uncommitted", &u, &err), PARLEY_ENOTFOUND);
	parley_close(copy);
	/* No partial file is left; a destination in a missing folder fails cleanly. */
	char partial[160];
	snprintf(partial, sizeof partial, "%s.partial", dest);
	assert_int_not_equal(access(partial, F_OK), 0);
	assert_int_equal(parley_backup(db, path_of("no/such/dir/x.db"), &err), PARLEY_EIO);
	parley_close(db);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/parley-accounts-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(users_roles_and_hashes),
	    cmocka_unit_test(login_sessions_and_logout),
	    cmocka_unit_test(sessions_expire),
	    cmocka_unit_test(wrong_name_and_wrong_password_look_alike),
	    cmocka_unit_test(failed_logins_are_rate_limited),
	    cmocka_unit_test(backup_of_a_store_being_written),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
