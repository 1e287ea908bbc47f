/*
 * user_changes.c - a user's page: what one account did, read back from the
 * audit log.  The team server writes the actor of every change it makes as
 * "web:NAME"; an approved change names author and reviewer ("web:A,
 * approved by web:B") and a decided discovery candidate "review:web:NAME",
 * so one query over the actor finds all of a user's work.  Held changes
 * are not records: they are in pending_change (parley_changes_find_json).
 */
#include "internal.h"

#include <string.h>

int parley_user_changes_json(parley_db *db, const char *name, char **out, parley_err *err)
{
	*out = NULL;
	parley_user u;
	int rc = parley_user_get(db, name, &u, err);
	if (rc)
		return rc;
	/* substr comparisons, not LIKE: '_' is a wildcard there and may be in
	 * a user name */
	sqlite3_stmt *st;
	rc = pl_prepare(db,
	    "SELECT seq, at, actor, action, entity, entity_key, before, after, reason FROM audit"
	    " WHERE actor = 'web:' || ?1 OR actor = 'review:web:' || ?1"
	    " OR substr(actor, 1, length(?1) + 18) = 'web:' || ?1 || ', approved by '"
	    " OR (length(actor) > length(?1) + 18"
	    "     AND substr(actor, -(length(?1) + 18)) = ', approved by web:' || ?1)"
	    " ORDER BY seq DESC LIMIT 500", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, u.name, -1, SQLITE_TRANSIENT);
	return pl_audit_rows_json(db, st, out, err);
}
