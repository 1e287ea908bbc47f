/*
 * query_import.c - the lookups the dataset readers (src/readers) make
 * while they import: does a country or person exist, which person a
 * dataset's own id was given to, which country a Correlates of War state
 * number stands for on a date, a country's stored fields.  In the query
 * layer (issue 8: no SQL outside src/lib).  Each answers 1 when found and
 * 0 when not, or when the store cannot say (the reader then creates or
 * reports the record, and the import's own checks catch a store error).
 */
#include "internal.h"

#include <string.h>

/* Runs sql bound to text ?1 (and ?2 when b is not NULL) and copies column
 * 0 of its first row into out (when out is not NULL); 1 when there is one. */
static int first_row(parley_db *db, const char *sql, const char *a, const char *b, char *out,
                     size_t cap)
{
	sqlite3_stmt *st = NULL;
	if (pl_prepare_cached(db, sql, &st, NULL))
		return 0;
	sqlite3_bind_text(st, 1, a, -1, SQLITE_TRANSIENT);
	if (b)
		sqlite3_bind_text(st, 2, b, -1, SQLITE_TRANSIENT);
	int found = sqlite3_step(st) == SQLITE_ROW;
	if (found && out && cap) {
		const char *v = (const char *)sqlite3_column_text(st, 0);
		pl_strlcpy(out, v ? v : "", cap);
	}
	pl_release(db, st);
	return found;
}

int pl_country_exists(parley_db *db, const char *code)
{
	return first_row(db, "SELECT 1 FROM country WHERE code = ?1", code, NULL, NULL, 0);
}

int pl_person_exists(parley_db *db, const char *id)
{
	return first_row(db, "SELECT 1 FROM person WHERE id = ?1", id, NULL, NULL, 0);
}

int pl_person_by_external_id(parley_db *db, const char *scheme, const char *value, char *out,
                             size_t cap)
{
	return first_row(db,
	                 "SELECT entity_id FROM external_id WHERE entity = 'person'"
	                 " AND value = ?1 AND scheme = ?2 ORDER BY entity_id LIMIT 1",
	                 value, scheme, out, cap);
}

int pl_country_by_cow_code(parley_db *db, long ccode, const char *date, char *out, size_t cap)
{
	sqlite3_stmt *st = NULL;
	int found = 0;
	/* Among the rows with this number: one whose period covers the date
	 * (latest start first), else one without a period, else any. */
	if (pl_prepare(db,
	               "SELECT code FROM country WHERE cow_code = ?1 ORDER BY "
	               " CASE WHEN ?2 IS NOT NULL AND start_date IS NOT NULL AND start_date <= ?2"
	               "  AND (end_date IS NULL OR ?2 <= end_date || '-99') THEN 0"
	               " WHEN ?2 IS NOT NULL AND start_date IS NULL AND end_date IS NOT NULL"
	               "  AND ?2 <= end_date || '-99' THEN 0"
	               " WHEN start_date IS NULL AND end_date IS NULL THEN 1 ELSE 2 END,"
	               " start_date DESC, code LIMIT 1",
	               &st, NULL) == PARLEY_OK) {
		sqlite3_bind_int64(st, 1, ccode);
		if (date && *date)
			sqlite3_bind_text(st, 2, date, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) == SQLITE_ROW) {
			pl_strlcpy(out, (const char *)sqlite3_column_text(st, 0), cap);
			found = 1;
		}
		sqlite3_finalize(st);
	}
	return found;
}

int pl_country_fields(parley_db *db, const char *code, pl_field_fn fn, void *ud)
{
	static const char *const cols[] = {"code", "name", "iso2", "cow_code", "cow_abb", "fips",
	                                   "cameo", "start_date", "end_date", "note"};
	sqlite3_stmt *st = NULL;
	int found = 0;
	if (pl_prepare(db,
	               "SELECT code,name,iso2,cow_code,cow_abb,fips,cameo,start_date,end_date,note"
	               " FROM country WHERE code = ?1", &st, NULL) == PARLEY_OK) {
		sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) == SQLITE_ROW) {
			found = 1;
			for (int i = 0; i < 10; i++)
				fn(ud, cols[i], (const char *)sqlite3_column_text(st, i));
		}
		sqlite3_finalize(st);
	}
	return found;
}
