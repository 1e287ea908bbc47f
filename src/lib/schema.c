/*
 * schema.c - the store's tables, and the migrations that create them.
 *
 * The schema is versioned with SQLite's user_version.  Each migration is a
 * block of SQL applied in one transaction; a store is never left half
 * migrated.  Append a migration to add a table or a column; never edit one
 * that has shipped, since stores in the field were built from it.
 *
 * Dates are TEXT in one of three precisions: 'YYYY', 'YYYY-MM' or
 * 'YYYY-MM-DD' (see date.c).  NULL means unknown; for an end date it means
 * "still open" on a tenure and "not reported" on a visit.
 *
 * Every row in the record tables has a TEXT primary key that is stable across
 * export and import: it is the natural key that upserts match on.
 */
#include "internal.h"

static const char *const migration_1 =
    "CREATE TABLE country("
    " code TEXT PRIMARY KEY,"        /* ISO 3166-1 alpha-3, or a project code for a defunct state */
    " name TEXT NOT NULL,"           /* short English name used in tables */
    " iso2 TEXT, cow_code INTEGER, cow_abb TEXT, fips TEXT, cameo TEXT,"
    " start_date TEXT, end_date TEXT," /* existence as a state, where relevant */
    " note TEXT"
    ") STRICT;"

    /* Names valid over periods ("U.S.S.R." until 1991) and in other languages. */
    "CREATE TABLE country_name("
    " country TEXT NOT NULL REFERENCES country(code) ON DELETE CASCADE,"
    " name TEXT NOT NULL,"
    " lang TEXT NOT NULL DEFAULT 'en',"
    " start_date TEXT, end_date TEXT,"
    " PRIMARY KEY(country, lang, name)"
    ") STRICT;"

    "CREATE TABLE person("
    " id TEXT PRIMARY KEY,"          /* slug: 'kim-jong-un' */
    " name TEXT NOT NULL,"           /* romanised display name */
    " native_name TEXT,"             /* native script */
    " country TEXT REFERENCES country(code),"
    " birth_date TEXT, death_date TEXT,"
    " note TEXT"
    ") STRICT;"

    "CREATE TABLE person_alias("
    " person TEXT NOT NULL REFERENCES person(id) ON DELETE CASCADE,"
    " alias TEXT NOT NULL,"
    " kind TEXT NOT NULL DEFAULT 'romanisation'," /* romanisation | native | other */
    " PRIMARY KEY(person, alias)"
    ") STRICT;"

    "CREATE TABLE office("
    " id TEXT PRIMARY KEY,"          /* 'chn-paramount-leader' */
    " country TEXT NOT NULL REFERENCES country(code),"
    " name TEXT NOT NULL,"
    " rank TEXT NOT NULL"            /* see level.c for the ranks */
    ") STRICT;"

    "CREATE TABLE tenure("
    " id TEXT PRIMARY KEY,"          /* office/person/start */
    " person TEXT NOT NULL REFERENCES person(id),"
    " office TEXT NOT NULL REFERENCES office(id),"
    " start_date TEXT NOT NULL,"
    " end_date TEXT,"                /* NULL = still in office */
    " start_rule TEXT,"
    " confidence TEXT,"
    " note TEXT"
    ") STRICT;"

    "CREATE TABLE source("
    " id TEXT PRIMARY KEY,"          /* 's-' + hash of url or citation */
    " url TEXT, citation TEXT, title TEXT, publisher TEXT,"
    " published TEXT, accessed TEXT,"
    " CHECK(url IS NOT NULL OR citation IS NOT NULL)"
    ") STRICT;"

    "CREATE TABLE tenure_source("
    " tenure TEXT NOT NULL REFERENCES tenure(id) ON DELETE CASCADE,"
    " source TEXT NOT NULL REFERENCES source(id),"
    " PRIMARY KEY(tenure, source)"
    ") STRICT;"

    "CREATE TABLE visit("
    " id TEXT PRIMARY KEY,"
    " visitor TEXT REFERENCES person(id),"    /* NULL = unidentified */
    " visitor_label TEXT,"           /* the visitor as the source names them, when not a person id */
    " visitor_office TEXT REFERENCES office(id)," /* stated office; NULL = derive from tenures */
    " visitor_title TEXT,"           /* title at the time, as written */
    " level TEXT NOT NULL DEFAULT 'unknown',"
    " from_country TEXT NOT NULL REFERENCES country(code),"
    " to_country TEXT NOT NULL REFERENCES country(code),"
    " start_date TEXT NOT NULL,"
    " end_date TEXT,"
    " type TEXT NOT NULL DEFAULT 'unknown',"
    " summary TEXT,"
    " confidence TEXT,"              /* high | medium | low */
    " status TEXT NOT NULL DEFAULT 'confirmed',"
    " disputed TEXT,"                /* what is disputed and why; NULL when nothing is */
    " note TEXT"
    ") STRICT;"

    /* Named people on a visit: the delegation (companions) and hosts met. */
    "CREATE TABLE visit_person("
    " visit TEXT NOT NULL REFERENCES visit(id) ON DELETE CASCADE,"
    " role TEXT NOT NULL,"           /* companion | host */
    " seq INTEGER NOT NULL,"
    " person TEXT REFERENCES person(id),"
    " name TEXT NOT NULL,"           /* as written, kept even when person is known */
    " detail TEXT,"                  /* 'spouse', 'Foreign Minister' */
    " PRIMARY KEY(visit, role, seq)"
    ") STRICT;"

    "CREATE TABLE activity("
    " visit TEXT NOT NULL REFERENCES visit(id) ON DELETE CASCADE,"
    " seq INTEGER NOT NULL,"
    " kind TEXT NOT NULL DEFAULT 'other',"
    " date TEXT,"
    " description TEXT NOT NULL,"
    " PRIMARY KEY(visit, seq)"
    ") STRICT;"

    "CREATE TABLE place("
    " visit TEXT NOT NULL REFERENCES visit(id) ON DELETE CASCADE,"
    " seq INTEGER NOT NULL,"
    " name TEXT NOT NULL,"
    " country TEXT REFERENCES country(code),"
    " PRIMARY KEY(visit, seq)"
    ") STRICT;"

    "CREATE TABLE visit_source("
    " visit TEXT NOT NULL REFERENCES visit(id) ON DELETE CASCADE,"
    " source TEXT NOT NULL REFERENCES source(id),"
    " passage TEXT,"                 /* the words that support the record */
    " PRIMARY KEY(visit, source)"
    ") STRICT;"

    /* Identifiers of any record in other datasets (Beyond Parallel line, GDELT event). */
    "CREATE TABLE external_id("
    " entity TEXT NOT NULL,"         /* table name: visit, person, country, ... */
    " entity_id TEXT NOT NULL,"
    " scheme TEXT NOT NULL,"
    " value TEXT NOT NULL,"
    " PRIMARY KEY(entity, entity_id, scheme, value)"
    ") STRICT;"

    /* What a dataset records completely, so that "first" and "only" can be
     * claimed (analysis).  countries: 'CHN:PRK' style pair or one code. */
    "CREATE TABLE coverage("
    " id TEXT PRIMARY KEY,"
    " description TEXT NOT NULL,"
    " from_country TEXT REFERENCES country(code),"
    " to_country TEXT REFERENCES country(code),"
    " min_level TEXT NOT NULL,"
    " start_date TEXT NOT NULL,"
    " end_date TEXT,"
    " person TEXT REFERENCES person(id),"
    " source TEXT"
    ") STRICT;"

    /* Every change to a record table, written by triggers (audit.c). */
    "CREATE TABLE audit("
    " seq INTEGER PRIMARY KEY,"
    " at TEXT NOT NULL,"
    " actor TEXT NOT NULL,"
    " action TEXT NOT NULL,"         /* insert | update | delete */
    " entity TEXT NOT NULL,"
    " entity_key TEXT NOT NULL,"
    " before TEXT,"                  /* JSON object, NULL for insert */
    " after TEXT,"                   /* JSON object, NULL for delete */
    " reason TEXT"
    ") STRICT;"

    "CREATE INDEX visit_by_start ON visit(start_date);"
    "CREATE INDEX visit_by_pair ON visit(from_country, to_country, start_date);"
    "CREATE INDEX visit_by_visitor ON visit(visitor, start_date);"
    "CREATE INDEX tenure_by_person ON tenure(person, start_date);"
    "CREATE INDEX tenure_by_office ON tenure(office, start_date);"
    "CREATE INDEX visit_person_by_person ON visit_person(person);"
    "CREATE INDEX audit_by_entity ON audit(entity, entity_key);";

/* Accounts of a team server (account.c, session.c).  Not concepts: they are
 * never exported with the records, and the audit log names changes to them
 * without the password hash. */
static const char *const migration_accounts =
    "CREATE TABLE user("
    " name TEXT PRIMARY KEY,"
    " role TEXT NOT NULL CHECK(role IN ('reader','editor','reviewer','admin')),"
    " pwhash TEXT NOT NULL,"         /* crypto_pwhash_str: Argon2id with its salt and limits */
    " disabled INTEGER NOT NULL DEFAULT 0,"
    " created TEXT NOT NULL,"
    " last_login TEXT"
    ") STRICT;"
    /* id is the hex BLAKE2b hash of the token the browser holds. */
    "CREATE TABLE session("
    " id TEXT PRIMARY KEY,"
    " user TEXT NOT NULL REFERENCES user(name) ON DELETE CASCADE,"
    " csrf TEXT NOT NULL,"
    " created TEXT NOT NULL,"
    " expires TEXT NOT NULL,"
    " ended TEXT,"
    " address TEXT"
    ") STRICT;"
    "CREATE INDEX session_by_user ON session(user, expires);"
    /* Failed logins, kept for the rate-limit window. */
    "CREATE TABLE login_failure("
    " at INTEGER NOT NULL,"          /* unix seconds */
    " user TEXT NOT NULL,"
    " address TEXT NOT NULL"
    ") STRICT;"
    "CREATE INDEX login_failure_by_user ON login_failure(user, at);"
    "CREATE INDEX login_failure_by_address ON login_failure(address, at);";

static const char *const migrations[] = {
    migration_1,
    migration_accounts,
};

int pl_schema_migration_count(void)
{
	return (int)(sizeof migrations / sizeof migrations[0]);
}

const char *pl_schema_migration(int i)
{
	if (i < 0 || i >= pl_schema_migration_count())
		return NULL;
	return migrations[i];
}
