/*
 * test_web_store.h - what the web unit tests share: a store in a temporary
 * file filled by the test's SQL, and the pl_web over it.  Each test file
 * includes it once and names its SQL in its setup.
 */
#ifndef TEST_WEB_STORE_H
#define TEST_WEB_STORE_H

#include "../../src/web/webq.h"

#include <stdio.h>
#include <unistd.h>

static char dbpath[64];
static parley_db *db;
static pl_web web;

/* Creates the store (named after tag and the process), runs sql on it and
 * sets web up over it: 0, or -1 for cmocka's setup to fail. */
static int web_store_open(const char *tag, const char *sql)
{
	snprintf(dbpath, sizeof dbpath, "/tmp/parley-test-%s-%ld.db", tag, (long)getpid());
	unlink(dbpath);
	if (parley_open(dbpath, PARLEY_OPEN_CREATE, &db, NULL) != PARLEY_OK)
		return -1;
	/* raw SQL: index it as the library's own writes are at commit */
	if (pl_exec(db, sql, NULL) != PARLEY_OK || parley_search_sync(db, NULL) != PARLEY_OK)
		return -1;
	return pl_web_init(&web, db, 0, NULL) == PARLEY_OK ? 0 : -1;
}

static int teardown(void **s)
{
	(void)s;
	parley_close(db);
	unlink(dbpath);
	return 0;
}

/* GET path with parameters kv ("k1", "v1", ..., NULL; kv may be NULL)
 * through the router; status and body in rs (free rs->body). */
static void get(pl_web_resp *rs, const char *path, const char *const *kv)
{
	pl_web_req rq = {.path = path, .root = "/"};
	for (size_t i = 0; kv && kv[i]; i += 2) {
		rq.params[rq.nparams].key = kv[i];
		rq.params[rq.nparams].value = kv[i + 1];
		rq.nparams++;
	}
	pl_web_handle(&web, &rq, rs);
}

#endif /* TEST_WEB_STORE_H */
