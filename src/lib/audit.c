/*
 * audit.c - the audit log: triggers on every concept table that record each
 * insert, update and delete with the row before and after (as JSON), the
 * time, the actor and the reason.
 *
 * Triggers rather than C code, so that no write path can forget to log:
 * whatever changes a record table goes through them.  They are generated
 * from the concept descriptors and recreated whenever the schema migrates.
 */
#include "internal.h"

static int json_of_row(pl_buf *b, const pl_concept *c, const char *row)
{
	int rc = pl_buf_puts(b, "json_object(");
	for (size_t i = 0; i < c->ncols; i++)
		if (!rc) rc = pl_buf_printf(b, "%s'%s', %s.%s", i ? ", " : "", c->cols[i].name, row,
		                    c->cols[i].name);
	return rc ? rc : pl_buf_putc(b, ')');
}

static int key_of_row(pl_buf *b, const pl_concept *c, const char *row)
{
	int rc = 0, first = 1;
	for (size_t i = 0; i < c->ncols; i++) {
		if (!c->cols[i].key)
			continue;
		if (!rc) rc = pl_buf_printf(b, "%s%s.%s", first ? "" : " || '|' || ", row, c->cols[i].name);
		first = 0;
	}
	return rc;
}

static int trigger(pl_buf *b, const pl_concept *c, const char *event, const char *action)
{
	int ins = action[0] == 'i', del = action[0] == 'd';
	int rc = pl_buf_printf(b,
	                       "DROP TRIGGER IF EXISTS audit_%s_%s;"
	                       "CREATE TRIGGER audit_%s_%s AFTER %s ON %s BEGIN "
	                       "INSERT INTO audit(at, actor, action, entity, entity_key, before, after, reason) "
	                       "VALUES (strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ','now'), parley_actor(), '%s', '%s', ",
	                       c->name, action, c->name, action, event, c->name, action, c->name);
	if (!rc) rc = key_of_row(b, c, del ? "OLD" : "NEW");
	if (!rc) rc = pl_buf_puts(b, ", ");
	if (!rc) rc = ins ? pl_buf_puts(b, "NULL") : json_of_row(b, c, "OLD");
	if (!rc) rc = pl_buf_puts(b, ", ");
	if (!rc) rc = del ? pl_buf_puts(b, "NULL") : json_of_row(b, c, "NEW");
	if (!rc) rc = pl_buf_puts(b, ", parley_reason()); END;");
	return rc;
}

/* The audit rows of inserts, set-based (a bulk import, import_bulk.c): the
 * row its insert trigger (trigger() above, the same key and JSON) writes
 * for each row of c whose rowid is in (?1, ?2], in rowid order, which is
 * the order they were inserted in.  The time, actor and reason are taken
 * once for the statement (uncorrelated subqueries, evaluated once), not
 * once per row: the time is then that of the statement, where each
 * trigger took its row's.  The SQL into b. */
int pl_audit_insert_sql(pl_buf *b, const pl_concept *c)
{
	int rc = pl_buf_printf(b,
	                       "INSERT INTO audit(at, actor, action, entity, entity_key, before, after, reason) "
	                       "SELECT (SELECT strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ','now')), (SELECT parley_actor()),"
	                       " 'insert', '%s', ",
	                       c->name);
	if (!rc) rc = key_of_row(b, c, "r_");
	if (!rc) rc = pl_buf_puts(b, ", NULL, ");
	if (!rc) rc = json_of_row(b, c, "r_");
	if (!rc) rc = pl_buf_printf(b, ", (SELECT parley_reason()) FROM %s AS r_"
	                               " WHERE r_.rowid > ?1 AND r_.rowid <= ?2 ORDER BY r_.rowid", c->name);
	return rc;
}

int pl_audit_install(parley_db *db, parley_err *err)
{
	pl_buf b;
	pl_buf_init(&b, 1 << 20);
	int rc = 0;
	for (size_t i = 0; i < pl_concept_count(); i++) {
		const pl_concept *c = pl_concept_at(i);
		if (!rc) rc = trigger(&b, c, "INSERT", "insert");
		if (!rc) rc = trigger(&b, c, "UPDATE", "update");
		if (!rc) rc = trigger(&b, c, "DELETE", "delete");
	}
	if (rc) {
		pl_buf_free(&b);
		return parley_err_set(err, PARLEY_ENOMEM, "out of memory building audit triggers");
	}
	rc = pl_exec(db, b.data, err);
	pl_buf_free(&b);
	return rc;
}

int parley_audit_json(parley_db *db, const char *entity, const char *key, long limit,
                      FILE *out, parley_err *err)
{
	sqlite3_stmt *st;
	int rc = pl_prepare(db,
	                    "SELECT seq, at, actor, action, entity, entity_key, before, after, reason"
	                    " FROM audit WHERE (?1 IS NULL OR entity = ?1) AND (?2 IS NULL OR entity_key = ?2)"
	                    " ORDER BY seq DESC LIMIT ?3",
	                    &st, err);
	if (rc)
		return rc;
	pl_bind_text_or_null(st, 1, entity);
	pl_bind_text_or_null(st, 2, key);
	sqlite3_bind_int64(st, 3, limit > 0 ? limit : -1);
	pl_buf b;
	pl_buf_init(&b, (size_t)256 << 20);
	rc = pl_buf_putc(&b, '[');
	int n = 0;
	static const char *names[] = {"seq", "at", "actor", "action", "entity", "entity_key",
	                              "before", "after", "reason"};
	while (!rc && sqlite3_step(st) == SQLITE_ROW) {
		json_t *row = json_object();
		for (int i = 0; row && i < 9; i++) {
			int t = sqlite3_column_type(st, i);
			const char *v = (const char *)sqlite3_column_text(st, i);
			json_t *x = t == SQLITE_NULL      ? json_null()
			            : t == SQLITE_INTEGER ? json_integer(sqlite3_column_int64(st, i))
			            /* before/after are JSON already */
			            : i == 6 || i == 7 ? json_loads(v, JSON_DECODE_ANY, NULL)
			                               : NULL;
			if (!x && t != SQLITE_NULL && t != SQLITE_INTEGER)
				x = pl_json_text(v); /* text, or a before/after that is not JSON */
			if (json_object_set_new(row, names[i], x))
				row = (json_decref(row), NULL);
		}
		rc = pl_json_item(&b, (size_t)n++, "\n", row);
	}
	sqlite3_finalize(st);
	if (!rc) rc = pl_buf_puts(&b, "]\n");
	if (rc)
		rc = parley_err_set(err, rc, "reading the audit log: %s", parley_strstatus(rc));
	else if (fwrite(b.data, 1, b.len, out) != b.len)
		rc = parley_err_set(err, PARLEY_EIO, "writing the audit log failed");
	pl_buf_free(&b);
	return rc;
}
