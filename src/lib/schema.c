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

/* The bundled data releases applied to the store (bundled.c), newest last:
 * which release the bundled records come from, and what applying it did;
 * and the keys that renames gave up (rename.c). */
static const char *const migration_releases =
    "CREATE TABLE release_applied("
    " seq INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL,"           /* 'china-dprk-2026.12' (bundled/data_release.csv) */
    " released TEXT,"                /* the release's date */
    " applied TEXT NOT NULL,"        /* when it was applied to this store */
    " actor TEXT NOT NULL,"
    " inserted INTEGER NOT NULL, updated INTEGER NOT NULL, removed INTEGER NOT NULL,"
    " conflicts INTEGER NOT NULL"
    ") STRICT;"

    /* Keys given up by `parley rename` (rename.c), so that the old address
     * of a page redirects to the new one. */
    "CREATE TABLE key_rename("
    " entity TEXT NOT NULL,"         /* concept: visit, person, ... */
    " old_key TEXT NOT NULL,"
    " new_key TEXT NOT NULL,"        /* the current key (chains are followed when written) */
    " at TEXT NOT NULL,"
    " reason TEXT,"
    " PRIMARY KEY(entity, old_key)"
    ") STRICT;";

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

/* Citations (issue 9): an archived copy of the page and how the cited page
 * relates to the publication (original, copy, mirror, proxy); office
 * seniority within a country, higher = more senior (docs/bundled-dataset.md). */
static const char *const migration_sources_ranks =
    "ALTER TABLE source ADD COLUMN archive_url TEXT;"
    "ALTER TABLE source ADD COLUMN quality TEXT;"    /* original | copy | mirror | proxy */
    "ALTER TABLE office ADD COLUMN rank_order INTEGER;";

/* Where the data ends (issue 9): a coverage row may say how far its
 * recording was searched, and the store carries the data releases it was
 * loaded from, so that every figure can be cut where the data ends
 * (docs/analysis.md, "Where the data ends"). */
static const char *const migration_data_through =
    "ALTER TABLE coverage ADD COLUMN data_through TEXT;"
    "CREATE TABLE data_release("
    " name TEXT PRIMARY KEY,"        /* e.g. 'parley-bundled-2024.1' */
    " released TEXT NOT NULL,"       /* the date the release was made */
    " data_through TEXT NOT NULL,"   /* the last day its visits were searched for */
    " note TEXT"
    ") STRICT;";


/* The query layer (query_visits.c, docs/queries.md).
 *  - start_key orders visits by the rule of parley.h (first possible day,
 *    finer date first on a tie) as plain text, so an index can sort them.
 *  - indexes for the filters the query offers.
 *  - visit_search holds each visit's search text, folded by
 *    parley_fold_words (fold.c), and visit_fts indexes it (FTS5, external
 *    content).  Triggers mark the visits each write may change, and the
 *    library refreshes those once before it commits (pl_search_flush), so
 *    no reader ever rebuilds an index. */
static const char *const migration_query =
    "ALTER TABLE visit ADD COLUMN start_key TEXT GENERATED ALWAYS AS ("
    " CASE length(start_date) WHEN 10 THEN start_date || '0'"
    " WHEN 7 THEN start_date || '-011' ELSE start_date || '-01-012' END) VIRTUAL;"
    "CREATE INDEX visit_by_key ON visit(start_key, id);"
    "CREATE INDEX visit_by_pair_key ON visit(from_country, to_country, start_key);"
    "CREATE INDEX visit_by_to_key ON visit(to_country, start_key);"
    "CREATE INDEX visit_by_level_key ON visit(level, start_key);"
    "CREATE INDEX visit_by_office ON visit(visitor_office);"
    "CREATE INDEX visit_person_by_person_role ON visit_person(person, role, visit);"

    "CREATE TABLE visit_search("
    " n INTEGER PRIMARY KEY,"
    " visit TEXT NOT NULL UNIQUE,"
    " body TEXT NOT NULL"
    ");"
    "CREATE VIRTUAL TABLE visit_fts USING fts5(body, content='visit_search', content_rowid='n',"
    " tokenize='unicode61 remove_diacritics 0');"
    "CREATE TRIGGER visit_search_ai AFTER INSERT ON visit_search BEGIN"
    " INSERT INTO visit_fts(rowid, body) VALUES (new.n, new.body); END;"
    "CREATE TRIGGER visit_search_ad AFTER DELETE ON visit_search BEGIN"
    " INSERT INTO visit_fts(visit_fts, rowid, body) VALUES ('delete', old.n, old.body); END;"
    "CREATE TRIGGER visit_search_au AFTER UPDATE ON visit_search BEGIN"
    " INSERT INTO visit_fts(visit_fts, rowid, body) VALUES ('delete', old.n, old.body);"
    " INSERT INTO visit_fts(rowid, body) VALUES (new.n, new.body); END;"

    /* What a search matches: the visitor's names, aliases and title, the
     * summary, note and dispute, places, the people met and in the
     * delegation (as written, with their names, native names and aliases), activities and the two countries. */
    "CREATE VIEW visit_search_text(visit, body) AS SELECT v.id, parley_fold_words("
    " coalesce(p.name,'') || ' ' || coalesce(p.native_name,'') || ' ' || coalesce(v.visitor_label,'')"
    " || ' ' || coalesce(v.visitor_title,'') || ' ' || coalesce(v.summary,'') || ' ' || coalesce(v.note,'')"
    " || ' ' || coalesce(v.disputed,'')"
    " || ' ' || coalesce((SELECT group_concat(alias, ' ') FROM person_alias WHERE person = v.visitor),'')"
    " || ' ' || coalesce((SELECT group_concat(name, ' ') FROM place WHERE visit = v.id),'')"
    " || ' ' || coalesce((SELECT group_concat(vp.name || ' ' || coalesce(vp.detail,'') || ' ' ||"
    "   coalesce((SELECT name || ' ' || coalesce(native_name,'') FROM person WHERE id = vp.person),'') || ' ' ||"
    "   coalesce((SELECT group_concat(alias, ' ') FROM person_alias a WHERE a.person = vp.person),''), ' ')"
    "   FROM visit_person vp WHERE vp.visit = v.id),'')"
    " || ' ' || coalesce((SELECT group_concat(description, ' ') FROM activity WHERE visit = v.id),'')"
    " || ' ' || coalesce(cf.name,'') || ' ' || coalesce(ct.name,''))"
    " FROM visit v LEFT JOIN person p ON p.id = v.visitor"
    " LEFT JOIN country cf ON cf.code = v.from_country LEFT JOIN country ct ON ct.code = v.to_country;"
    "INSERT INTO visit_search(visit, body) SELECT visit, body FROM visit_search_text;"

    /* Writes only mark the visits whose text may have changed; the
     * library refreshes them once, just before its transaction commits
     * (pl_search_flush), so an import of a visit with its places, people
     * and activities indexes it once, not once per row. */
    "CREATE TABLE visit_search_dirty(visit TEXT PRIMARY KEY) WITHOUT ROWID;"
#define PL_DIRTY(SEL) " INSERT OR IGNORE INTO visit_search_dirty(visit) " SEL ";"
#define PL_BY_PERSON(P)                                                                   \
	"SELECT id FROM visit WHERE visitor = " P                                              \
	" UNION SELECT visit FROM visit_person WHERE person = " P
    "CREATE TRIGGER visit_search_visit_ai AFTER INSERT ON visit BEGIN"
    PL_DIRTY("SELECT new.id") " END;"
    "CREATE TRIGGER visit_search_visit_au AFTER UPDATE ON visit BEGIN"
    PL_DIRTY("SELECT old.id UNION SELECT new.id") " END;"
    "CREATE TRIGGER visit_search_visit_ad AFTER DELETE ON visit BEGIN"
    PL_DIRTY("SELECT old.id") " END;"
    "CREATE TRIGGER visit_search_person_au AFTER UPDATE ON person BEGIN"
    PL_DIRTY(PL_BY_PERSON("new.id")) " END;"
    "CREATE TRIGGER visit_search_alias_ai AFTER INSERT ON person_alias BEGIN"
    PL_DIRTY(PL_BY_PERSON("new.person")) " END;"
    "CREATE TRIGGER visit_search_alias_au AFTER UPDATE ON person_alias BEGIN"
    PL_DIRTY(PL_BY_PERSON("old.person") " UNION " PL_BY_PERSON("new.person")) " END;"
    "CREATE TRIGGER visit_search_alias_ad AFTER DELETE ON person_alias BEGIN"
    PL_DIRTY(PL_BY_PERSON("old.person")) " END;"
    "CREATE TRIGGER visit_search_country_au AFTER UPDATE OF name ON country BEGIN"
    PL_DIRTY("SELECT id FROM visit WHERE from_country = new.code OR to_country = new.code") " END;"
#define PL_SEARCH_CHILD(T)                                                                \
	"CREATE TRIGGER visit_search_" T "_ai AFTER INSERT ON " T " BEGIN"                   \
	PL_DIRTY("SELECT new.visit") " END;"                                                  \
	"CREATE TRIGGER visit_search_" T "_au AFTER UPDATE ON " T " BEGIN"                   \
	PL_DIRTY("SELECT old.visit UNION SELECT new.visit") " END;"                           \
	"CREATE TRIGGER visit_search_" T "_ad AFTER DELETE ON " T " BEGIN"                   \
	PL_DIRTY("SELECT old.visit") " END;"
    PL_SEARCH_CHILD("place") PL_SEARCH_CHILD("visit_person") PL_SEARCH_CHILD("activity");
#undef PL_SEARCH_CHILD
#undef PL_BY_PERSON
#undef PL_DIRTY

/* Indexes for every filter of the query layer (issue 13, docs/queries.md
 * "Indexes").  After migration_query, whose start_key it reads.
 *  - pair_key names the pair either way ("CHN:USA" for both directions), so
 *    between= is one index range already in list order, not an OR of two
 *    ranges sorted afterwards.
 *  - each filter's index ends in (start_key, id, status): the list order and
 *    the keyset cursor come from the index, and the default status filter
 *    and the count are answered from it without reading the table row.
 *  - the (start_key, id, status) index replaces visit_by_key (its prefix). */
static const char *const migration_scale =
    "ALTER TABLE visit ADD COLUMN pair_key TEXT GENERATED ALWAYS AS ("
    " CASE WHEN from_country < to_country THEN from_country || ':' || to_country"
    " ELSE to_country || ':' || from_country END) VIRTUAL;"
    "CREATE INDEX visit_by_pairk ON visit(pair_key, start_key, id, status);"
    "CREATE INDEX visit_by_dir_key ON visit(from_country, to_country, start_key, id, status);"
    "CREATE INDEX visit_by_to_key2 ON visit(to_country, start_key, id, status);"
    "CREATE INDEX visit_by_level_key2 ON visit(level, start_key, id, status);"
    "CREATE INDEX visit_by_type_key ON visit(type, start_key, id, status);"
    "CREATE INDEX visit_by_status_key ON visit(status, start_key, id);"
    "CREATE INDEX visit_by_key_status ON visit(start_key, id, status);"
    "DROP INDEX visit_by_key;"
    "DROP INDEX visit_by_pair_key;"
    "DROP INDEX visit_by_to_key;"
    "DROP INDEX visit_by_level_key;"
    "CREATE INDEX visit_by_visitor_key ON visit(visitor, start_key, id, status);"
    "CREATE INDEX visit_by_office_key ON visit(visitor_office, start_key, id);"
    "DROP INDEX visit_by_office;"
    "CREATE INDEX tenure_by_office_person ON tenure(office, person);"
    "CREATE INDEX office_by_country ON office(country);";
/* Briefs (issue 10, src/brief/): the site's own staff who write them, each
 * brief's Markdown file as written, its figure ledger (what publishing
 * computed, rendered from forever after) and its dated corrections.  Not
 * concepts (never exported with the records); audited by the triggers
 * below, which log every change with the actor and reason. */
#define PL_BRIEF_AUDIT(T, KEY, COLS)                                                       \
	"CREATE TRIGGER audit_" T "_insert AFTER INSERT ON " T " BEGIN "                       \
	"INSERT INTO audit(at, actor, action, entity, entity_key, before, after, reason) VALUES " \
	"(strftime('%Y-%m-%dT%H:%M:%fZ','now'), parley_actor(), 'insert', '" T "', NEW." KEY     \
	", NULL, json_object(" COLS("NEW") "), parley_reason()); END;"                            \
	"CREATE TRIGGER audit_" T "_update AFTER UPDATE ON " T " BEGIN "                       \
	"INSERT INTO audit(at, actor, action, entity, entity_key, before, after, reason) VALUES " \
	"(strftime('%Y-%m-%dT%H:%M:%fZ','now'), parley_actor(), 'update', '" T "', NEW." KEY     \
	", json_object(" COLS("OLD") "), json_object(" COLS("NEW") "), parley_reason()); END;"    \
	"CREATE TRIGGER audit_" T "_delete AFTER DELETE ON " T " BEGIN "                       \
	"INSERT INTO audit(at, actor, action, entity, entity_key, before, after, reason) VALUES " \
	"(strftime('%Y-%m-%dT%H:%M:%fZ','now'), parley_actor(), 'delete', '" T "', OLD." KEY     \
	", json_object(" COLS("OLD") "), NULL, parley_reason()); END;"
#define PL_AUTHOR_COLS(R) "'id'," R ".id,'name'," R ".name,'role'," R ".role,'bio'," R ".bio"
#define PL_BRIEF_COLS(R)                                                                   \
	"'id'," R ".id,'source'," R ".source,'status'," R ".status,'published'," R ".published,'updated'," R ".updated"
#define PL_CORR_COLS(R) "'brief'," R ".brief,'at'," R ".at,'note'," R ".note"
#define PL_FIG_COLS(R)                                                                     \
	"'brief'," R ".brief,'n'," R ".n,'expr'," R ".expr,'value'," R ".value,'as_of'," R ".as_of,'ids'," R ".ids"
static const char *const migration_briefs =
    "CREATE TABLE brief_author("
    " id TEXT PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " role TEXT NOT NULL,"
    " bio TEXT"
    ") STRICT;"
    "CREATE TABLE brief("
    " id TEXT PRIMARY KEY,"
    " source TEXT NOT NULL,"          /* the Markdown file, front matter and body, as written */
    " status TEXT NOT NULL CHECK(status IN ('draft','published')),"
    " published TEXT,"                /* the day it was published */
    " updated TEXT"                   /* the day of its latest correction */
    ") STRICT;"
    "CREATE TABLE brief_figure("
    " brief TEXT NOT NULL REFERENCES brief(id) ON DELETE CASCADE,"
    " n INTEGER NOT NULL,"            /* its order in the brief, from 0 */
    " line INTEGER NOT NULL, col INTEGER NOT NULL,"
    " expr TEXT NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL, as_of TEXT NOT NULL,"
    " ids TEXT NOT NULL,"             /* the visits behind it, space-separated */
    " query TEXT NOT NULL,"           /* the visit list's query string */
    " link TEXT, svg TEXT,"
    " PRIMARY KEY(brief, n)"
    ") STRICT;"
    "CREATE TABLE brief_correction("
    " brief TEXT NOT NULL REFERENCES brief(id) ON DELETE CASCADE,"
    " at TEXT NOT NULL,"
    " note TEXT NOT NULL"
    ") STRICT;"
    "CREATE INDEX brief_correction_by_brief ON brief_correction(brief, at);"
    PL_BRIEF_AUDIT("brief_author", "id", PL_AUTHOR_COLS)
    PL_BRIEF_AUDIT("brief", "id", PL_BRIEF_COLS)
    PL_BRIEF_AUDIT("brief_correction", "brief", PL_CORR_COLS)
    PL_BRIEF_AUDIT("brief_figure", "brief", PL_FIG_COLS);
#undef PL_FIG_COLS
#undef PL_CORR_COLS
#undef PL_BRIEF_COLS
#undef PL_AUTHOR_COLS
#undef PL_BRIEF_AUDIT
/* Changes held for review (`serve --review required`): an editor's
 * proposal, validated when made and written only when a reviewer approves
 * it, so it counts in no figure before.  Not a record concept: not exported,
 * and the audit log gets the change itself when it is approved. */
static const char *const migration_review =
    "CREATE TABLE pending_change("
    " id INTEGER PRIMARY KEY,"
    " created TEXT NOT NULL,"
    " author TEXT NOT NULL,"
    " visit TEXT NOT NULL,"
    " kind TEXT NOT NULL CHECK (kind IN ('create', 'change', 'delete')),"
    " body TEXT,"                    /* the write API's JSON; NULL for delete */
    " base TEXT,"                    /* the version it was made from; NULL for create */
    " reason TEXT NOT NULL,"
    " status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),"
    " reviewer TEXT, comment TEXT, decided TEXT"
    ") STRICT;"
    "CREATE INDEX pending_change_by_status ON pending_change(status, id);";

/* Changes to people and sources are reviewed in the same queue: the record
 * a change is about ("visit" names the record's id). */
static const char *const migration_review_records =
    "ALTER TABLE pending_change ADD COLUMN entity TEXT NOT NULL DEFAULT 'visit'"
    " CHECK (entity IN ('visit', 'person', 'source'));";

/* Search across briefs (issue 10, src/brief/brief_catalog.c): each brief's
 * title, series, summary, topics, regions and body (its expressions left
 * out), folded by the one fold, in an FTS5 index that the triggers keep as
 * the brief table changes; searches read published briefs only. */
static const char *const migration_brief_search =
    "CREATE VIRTUAL TABLE brief_fts USING fts5(brief UNINDEXED, body,"
    " tokenize='unicode61 remove_diacritics 0');"
    "CREATE TRIGGER brief_fts_ai AFTER INSERT ON brief BEGIN"
    " INSERT INTO brief_fts(brief, body) VALUES (new.id, parley_brief_text(new.source)); END;"
    "CREATE TRIGGER brief_fts_au AFTER UPDATE OF id, source ON brief BEGIN"
    " DELETE FROM brief_fts WHERE brief = old.id;"
    " INSERT INTO brief_fts(brief, body) VALUES (new.id, parley_brief_text(new.source)); END;"
    "CREATE TRIGGER brief_fts_ad AFTER DELETE ON brief BEGIN"
    " DELETE FROM brief_fts WHERE brief = old.id; END;"
    "INSERT INTO brief_fts(brief, body) SELECT id, parley_brief_text(source) FROM brief;";

/* The analyses' own index (issue 13, query_analysis.c): the direction
 * index of migration_scale, same prefix and order, also holding every
 * column a figure reads (level, type, visitor and label), so the eras,
 * timeline and gaps of a pair, and the dashboard's counts per year and
 * direction, read index ranges and never the table rows.  It replaces
 * visit_by_dir_key (its prefix), so lists by direction= plan as before. */
static const char *const migration_analysis =
    "CREATE INDEX visit_by_dir_cover ON visit(from_country, to_country, start_key, id, status,"
    " level, type, visitor, visitor_label);"
    "DROP INDEX visit_by_dir_key;";

/* The visit tally (issue 13, docs/queries.md "Counts"): how many visits
 * each (pair, year, direction, level, type, status) holds, kept by triggers
 * on every write to visit, so the total and the facets of a filter on those
 * columns alone sum a few tally rows instead of reading every match.  The
 * year is the start date's: a filter by whole years keeps exactly the visits
 * of those years under the partial-date rule (query_tally.c).  A row whose
 * count falls to zero is deleted, so the tally holds only what exists.
 * visit_tally_year is the same without the countries, visit_tally_country
 * per country (a visit under each of its two). */
#define PL_TALLY_KEY(R)                                                                     \
	"CASE WHEN " R ".from_country < " R ".to_country THEN " R ".from_country || ':' || "       \
	R ".to_country ELSE " R ".to_country || ':' || " R ".from_country END, substr(" R         \
	".start_date, 1, 4), " R ".from_country, " R ".to_country, " R ".level, " R ".type, " R ".status"
#define PL_TALLY_MATCH(R)                                                                   \
	"(pair_key, year, from_country, to_country, level, type, status) = (" PL_TALLY_KEY(R) ")"
#define PL_TALLY_YEAR_KEY(R)                                                                \
	"substr(" R ".start_date, 1, 4), " R ".level, " R ".type, " R ".status"
#define PL_TALLY_YEAR_MATCH(R) "(year, level, type, status) = (" PL_TALLY_YEAR_KEY(R) ")"
#define PL_TALLY_COUNTRY_MATCH(R)                                                           \
	"country IN (" R ".from_country, " R ".to_country) AND " PL_TALLY_YEAR_MATCH(R)
#define PL_TALLY_ADD(R)                                                                     \
	" INSERT INTO visit_tally VALUES (" PL_TALLY_KEY(R) ", 1)"                              \
	" ON CONFLICT DO UPDATE SET n = n + 1;"                                                  \
	" INSERT INTO visit_tally_year VALUES (" PL_TALLY_YEAR_KEY(R) ", 1)"                    \
	" ON CONFLICT DO UPDATE SET n = n + 1;"                                                  \
	" INSERT INTO visit_tally_country VALUES (" R ".from_country, " PL_TALLY_YEAR_KEY(R) ", 1)" \
	" ON CONFLICT DO UPDATE SET n = n + 1;"                                                  \
	" INSERT INTO visit_tally_country SELECT " R ".to_country, " PL_TALLY_YEAR_KEY(R) ", 1"   \
	" WHERE " R ".to_country <> " R ".from_country ON CONFLICT DO UPDATE SET n = n + 1;"
#define PL_TALLY_SUB(R)                                                                     \
	" UPDATE visit_tally SET n = n - 1 WHERE " PL_TALLY_MATCH(R) ";"                        \
	" DELETE FROM visit_tally WHERE n <= 0 AND " PL_TALLY_MATCH(R) ";"                      \
	" UPDATE visit_tally_year SET n = n - 1 WHERE " PL_TALLY_YEAR_MATCH(R) ";"              \
	" DELETE FROM visit_tally_year WHERE n <= 0 AND " PL_TALLY_YEAR_MATCH(R) ";"            \
	" UPDATE visit_tally_country SET n = n - 1 WHERE " PL_TALLY_COUNTRY_MATCH(R) ";"        \
	" DELETE FROM visit_tally_country WHERE n <= 0 AND " PL_TALLY_COUNTRY_MATCH(R) ";"
/* The tallies from the visits (their first fill, and a bulk import's
 * refill: import_bulk.c). */
#define PL_TALLY_FILL \
	"INSERT INTO visit_tally SELECT " PL_TALLY_KEY("v") ", count(*) FROM visit v GROUP BY 1, 2, 3, 4, 5, 6, 7;"
#define PL_TALLY_FILL_YEAR \
	"INSERT INTO visit_tally_year SELECT year, level, type, status, sum(n) FROM visit_tally" \
	" GROUP BY 1, 2, 3, 4;"
#define PL_TALLY_FILL_COUNTRY \
	"INSERT INTO visit_tally_country SELECT c, year, level, type, status, sum(n) FROM" \
	" (SELECT from_country AS c, year, level, type, status, n FROM visit_tally UNION ALL" \
	" SELECT to_country, year, level, type, status, n FROM visit_tally WHERE to_country <> from_country)" \
	" GROUP BY 1, 2, 3, 4, 5;"
static const char *const migration_tally =
    "CREATE TABLE visit_tally("
    " pair_key TEXT NOT NULL, year TEXT NOT NULL,"
    " from_country TEXT NOT NULL, to_country TEXT NOT NULL,"
    " level TEXT NOT NULL, type TEXT NOT NULL, status TEXT NOT NULL,"
    " n INTEGER NOT NULL,"
    " PRIMARY KEY(pair_key, year, from_country, to_country, level, type, status)"
    ") WITHOUT ROWID;"
    /* each index holds n: a sum reads the index alone.  No index by year
     * alone: a filter naming no country sums visit_tally_year, and each
     * index costs every write (the import) its update */
    "CREATE INDEX visit_tally_by_from ON visit_tally(from_country, year, n);"
    "CREATE INDEX visit_tally_by_to ON visit_tally(to_country, year, n);"
    PL_TALLY_FILL
    /* the same without the countries: a few thousand rows that answer a
     * filter naming no pair, direction or country */
    "CREATE TABLE visit_tally_year("
    " year TEXT NOT NULL, level TEXT NOT NULL, type TEXT NOT NULL, status TEXT NOT NULL,"
    " n INTEGER NOT NULL,"
    " PRIMARY KEY(year, level, type, status)"
    ") WITHOUT ROWID;"
    PL_TALLY_FILL_YEAR
    /* and per country, each visit under both its countries: a filter by
     * one country sums its own rows */
    "CREATE TABLE visit_tally_country("
    " country TEXT NOT NULL,"
    " year TEXT NOT NULL, level TEXT NOT NULL, type TEXT NOT NULL, status TEXT NOT NULL,"
    " n INTEGER NOT NULL,"
    " PRIMARY KEY(country, year, level, type, status)"
    ") WITHOUT ROWID;"
    PL_TALLY_FILL_COUNTRY
    "CREATE TRIGGER visit_tally_ai AFTER INSERT ON visit BEGIN" PL_TALLY_ADD("new") " END;"
    "CREATE TRIGGER visit_tally_ad AFTER DELETE ON visit BEGIN" PL_TALLY_SUB("old") " END;"
    "CREATE TRIGGER visit_tally_au AFTER UPDATE OF from_country, to_country, start_date, level,"
    " type, status ON visit BEGIN" PL_TALLY_SUB("old") PL_TALLY_ADD("new") " END;";
/* Visits per direction and status, kept like the tally above (issue 13):
 * which pair has the most visits (every page's home pair) and a country's
 * partners read a few thousand rows, where summing visit_tally read half a
 * million at 1M visits on every server thread's first request.  Its
 * triggers are visit_tally_*: a bulk import drops and recreates them with
 * the others and refills the table with them (pl_schema_tally_refill). */
#define PL_TALLY_DIR_MATCH(R) \
	"(from_country, to_country, status) = (" R ".from_country, " R ".to_country, " R ".status)"
#define PL_TALLY_DIR_ADD(R)                                                                 \
	" INSERT INTO visit_tally_dir VALUES (" R ".from_country, " R ".to_country, " R        \
	".status, 1) ON CONFLICT DO UPDATE SET n = n + 1;"
#define PL_TALLY_DIR_SUB(R)                                                                 \
	" UPDATE visit_tally_dir SET n = n - 1 WHERE " PL_TALLY_DIR_MATCH(R) ";"                \
	" DELETE FROM visit_tally_dir WHERE n <= 0 AND " PL_TALLY_DIR_MATCH(R) ";"
#define PL_TALLY_DIR_FILL                                                                   \
	"INSERT INTO visit_tally_dir SELECT from_country, to_country, status, sum(n)"          \
	" FROM visit_tally GROUP BY 1, 2, 3;"
static const char *const migration_tally_dir =
    "CREATE TABLE visit_tally_dir("
    " from_country TEXT NOT NULL, to_country TEXT NOT NULL, status TEXT NOT NULL,"
    " n INTEGER NOT NULL, PRIMARY KEY(from_country, to_country, status)) WITHOUT ROWID;"
    PL_TALLY_DIR_FILL
    "CREATE TRIGGER visit_tally_dir_ai AFTER INSERT ON visit BEGIN" PL_TALLY_DIR_ADD("new") " END;"
    "CREATE TRIGGER visit_tally_dir_ad AFTER DELETE ON visit BEGIN" PL_TALLY_DIR_SUB("old") " END;"
    "CREATE TRIGGER visit_tally_dir_au AFTER UPDATE OF from_country, to_country, status ON visit"
    " BEGIN" PL_TALLY_DIR_SUB("old") PL_TALLY_DIR_ADD("new") " END;";
#undef PL_TALLY_DIR_SUB
#undef PL_TALLY_DIR_ADD
#undef PL_TALLY_DIR_MATCH


/* Trips made and visits hosted per person (issue 13): the people list
 * counted each person's visits through the indexes, 1.8 million entries
 * read at 1M visits for every list of 5,000 people (0.4 s); it reads these
 * counts instead.  Every status counts, as the count did.  The triggers are
 * named visit_tally_*: a bulk import drops and refills them with the
 * others (pl_schema_tally_refill).  A row whose counts both fall to zero
 * is deleted.  A host named without a person id (visit_person.person
 * NULL) is no one's to count. */
#define PL_TALLY_PERSON_ADD(WHO, TRIPS, HOSTED, WHEN)                                       \
	" INSERT INTO person_tally SELECT " WHO ", " TRIPS ", " HOSTED " WHERE " WHEN            \
	" ON CONFLICT DO UPDATE SET trips = trips + excluded.trips, hosted = hosted + excluded.hosted;"
#define PL_TALLY_PERSON_SUB(WHO, TRIPS, HOSTED, WHEN)                                       \
	" UPDATE person_tally SET trips = trips - " TRIPS ", hosted = hosted - " HOSTED           \
	" WHERE person = " WHO " AND " WHEN ";"                                                  \
	" DELETE FROM person_tally WHERE person = " WHO " AND trips <= 0 AND hosted <= 0;"
#define PL_TALLY_PERSON_FILL                                                                \
	"INSERT INTO person_tally SELECT visitor, count(*), 0 FROM visit"                       \
	" WHERE visitor IS NOT NULL GROUP BY visitor;"                                          \
	"INSERT INTO person_tally SELECT person, 0, count(*) FROM visit_person"                 \
	" WHERE role = 'host' AND person IS NOT NULL GROUP BY person"                          \
	" ON CONFLICT DO UPDATE SET hosted = excluded.hosted;"
#define PL_VISITOR(R) R ".visitor", "1", "0", R ".visitor IS NOT NULL"
#define PL_HOST(R) R ".person", "0", "1", R ".role = 'host' AND " R ".person IS NOT NULL"
#define PL_ADD(...) PL_TALLY_PERSON_ADD(__VA_ARGS__)
#define PL_SUB(...) PL_TALLY_PERSON_SUB(__VA_ARGS__)
static const char *const migration_person_tally =
    "CREATE TABLE person_tally(person TEXT PRIMARY KEY, trips INTEGER NOT NULL,"
    " hosted INTEGER NOT NULL) WITHOUT ROWID;"
    PL_TALLY_PERSON_FILL
    "CREATE TRIGGER visit_tally_person_ai AFTER INSERT ON visit BEGIN"
    PL_ADD(PL_VISITOR("new")) " END;"
    "CREATE TRIGGER visit_tally_person_ad AFTER DELETE ON visit BEGIN"
    PL_SUB(PL_VISITOR("old")) " END;"
    "CREATE TRIGGER visit_tally_person_au AFTER UPDATE OF visitor ON visit BEGIN"
    PL_SUB(PL_VISITOR("old")) PL_ADD(PL_VISITOR("new")) " END;"
    "CREATE TRIGGER visit_tally_host_ai AFTER INSERT ON visit_person BEGIN"
    PL_ADD(PL_HOST("new")) " END;"
    "CREATE TRIGGER visit_tally_host_ad AFTER DELETE ON visit_person BEGIN"
    PL_SUB(PL_HOST("old")) " END;"
    "CREATE TRIGGER visit_tally_host_au AFTER UPDATE OF person, role ON visit_person BEGIN"
    PL_SUB(PL_HOST("old")) PL_ADD(PL_HOST("new")) " END;";
#undef PL_SUB
#undef PL_ADD
#undef PL_HOST
#undef PL_VISITOR
#undef PL_TALLY_PERSON_SUB
#undef PL_TALLY_PERSON_ADD

/* The tallies refilled from the visits (import_bulk.c): the same SQL as
 * their first fills. */
const char *pl_schema_tally_refill(void)
{
	return "DELETE FROM visit_tally; DELETE FROM visit_tally_year; DELETE FROM visit_tally_country;"
	    " DELETE FROM visit_tally_dir; DELETE FROM person_tally;" PL_TALLY_FILL PL_TALLY_FILL_YEAR
	    PL_TALLY_FILL_COUNTRY PL_TALLY_DIR_FILL PL_TALLY_PERSON_FILL;
}

/* The people's tally alone (tally_fill.c counts the others in memory). */
const char *pl_schema_person_tally_refill(void)
{
	return "DELETE FROM person_tally;" PL_TALLY_PERSON_FILL;
}
#undef PL_TALLY_PERSON_FILL
#undef PL_TALLY_DIR_FILL
#undef PL_TALLY_FILL_COUNTRY
#undef PL_TALLY_FILL_YEAR
#undef PL_TALLY_FILL
#undef PL_TALLY_SUB
#undef PL_TALLY_ADD
#undef PL_TALLY_MATCH
#undef PL_TALLY_KEY
#undef PL_TALLY_COUNTRY_MATCH
#undef PL_TALLY_YEAR_MATCH
#undef PL_TALLY_YEAR_KEY

/* The search index's rows carry the columns a search is filtered and
 * faceted by (issue 13): a search with a date, pair, level, type or status
 * counts, facets and picks its page from the index's rows alone, one read
 * per match, instead of reading each matching visit (query_search.c).
 * pl_search_flush keeps them current with the text, at every commit.  The
 * index is re-tokenised only when the text changes. */
static const char *const migration_search_dims =
    "DROP TRIGGER visit_search_au;"
    "CREATE TRIGGER visit_search_au AFTER UPDATE OF body ON visit_search BEGIN"
    " INSERT INTO visit_fts(visit_fts, rowid, body) VALUES ('delete', old.n, old.body);"
    " INSERT INTO visit_fts(rowid, body) VALUES (new.n, new.body); END;"
    "ALTER TABLE visit_search ADD COLUMN start_key TEXT;"
    "ALTER TABLE visit_search ADD COLUMN from_country TEXT;"
    "ALTER TABLE visit_search ADD COLUMN to_country TEXT;"
    "ALTER TABLE visit_search ADD COLUMN level TEXT;"
    "ALTER TABLE visit_search ADD COLUMN type TEXT;"
    "ALTER TABLE visit_search ADD COLUMN status TEXT;"
    "UPDATE visit_search SET (start_key, from_country, to_country, level, type, status) ="
    " (SELECT v.start_key, v.from_country, v.to_country, v.level, v.type, v.status FROM visit v"
    " WHERE v.id = visit_search.visit);";

/* The people search's text (the search box beside a visit search, the
 * people page), folded once per write instead of once per person per
 * request: folding every name, native name and alias of 5,000 people took
 * a quarter of a search page's CPU at 1M visits (issue 13).  Writes mark
 * the person; pl_search_flush refreshes the text before the library
 * commits.  A reader that finds marks left (raw SQL that did not go
 * through the library) folds the names itself (parley_people_find). */
static const char *const migration_people_search =
    "CREATE VIEW person_search_text(person, body) AS SELECT p.id, parley_fold_words(p.name || ' ' ||"
    " coalesce(p.native_name, '') || ' ' || coalesce((SELECT group_concat(alias, ' ')"
    " FROM person_alias WHERE person = p.id), '')) FROM person p;"
    "CREATE TABLE person_search(person TEXT PRIMARY KEY, body TEXT NOT NULL) WITHOUT ROWID;"
    "INSERT INTO person_search SELECT person, body FROM person_search_text;"
    "CREATE TABLE person_search_dirty(person TEXT PRIMARY KEY) WITHOUT ROWID;"
    "CREATE TRIGGER person_search_ai AFTER INSERT ON person BEGIN"
    " INSERT OR IGNORE INTO person_search_dirty VALUES (new.id); END;"
    "CREATE TRIGGER person_search_au AFTER UPDATE ON person BEGIN"
    " INSERT OR IGNORE INTO person_search_dirty VALUES (old.id), (new.id); END;"
    "CREATE TRIGGER person_search_ad AFTER DELETE ON person BEGIN"
    " INSERT OR IGNORE INTO person_search_dirty VALUES (old.id); END;"
    "CREATE TRIGGER person_search_alias_ai AFTER INSERT ON person_alias BEGIN"
    " INSERT OR IGNORE INTO person_search_dirty VALUES (new.person); END;"
    "CREATE TRIGGER person_search_alias_au AFTER UPDATE ON person_alias BEGIN"
    " INSERT OR IGNORE INTO person_search_dirty VALUES (old.person), (new.person); END;"
    "CREATE TRIGGER person_search_alias_ad AFTER DELETE ON person_alias BEGIN"
    " INSERT OR IGNORE INTO person_search_dirty VALUES (old.person); END;";

/* The search pack (issue 13, query_search_pack.c): each search row's
 * filter columns (start_key, countries, level, type, status) packed in 8
 * bytes, 256 rows a blob by rowid, so a search matching 174,000 visits is
 * filtered, counted and faceted from its doclist without reading a row.
 * search_code numbers the values (per kind, from 1, never renumbered).  A
 * trigger marks the chunk of every search row written; the library repacks
 * the marked chunks before it commits (pl_pack_flush), and here, after the
 * migration, every chunk. */
static const char *const migration_search_pack =
    "CREATE TABLE search_code(kind TEXT NOT NULL, value TEXT NOT NULL, id INTEGER NOT NULL,"
    " PRIMARY KEY(kind, value)) WITHOUT ROWID;"
    "CREATE TABLE search_pack(chunk INTEGER PRIMARY KEY, data BLOB NOT NULL);"
    "CREATE TABLE search_pack_dirty(chunk INTEGER PRIMARY KEY);"
    /* NOT IN, not OR IGNORE: a statement's own conflict clause (an OR
     * FAIL import) overrides its triggers' */
#define PL_PACK_MARK(SEL) " INSERT INTO search_pack_dirty SELECT c FROM (" SEL ")" \
	" WHERE c NOT IN (SELECT chunk FROM search_pack_dirty);"
    "CREATE TRIGGER search_pack_ai AFTER INSERT ON visit_search BEGIN"
    PL_PACK_MARK("SELECT new.n >> 8 AS c") " END;"
    "CREATE TRIGGER search_pack_ad AFTER DELETE ON visit_search BEGIN"
    PL_PACK_MARK("SELECT old.n >> 8 AS c") " END;"
    "CREATE TRIGGER search_pack_au AFTER UPDATE ON visit_search BEGIN"
    PL_PACK_MARK("SELECT old.n >> 8 AS c UNION SELECT new.n >> 8") " END;"
    "INSERT INTO search_pack_dirty SELECT DISTINCT n >> 8 FROM visit_search;";
#undef PL_PACK_MARK

/* The context sentences' index (issue 13, an_load_visit): the visitor
 * index of migration_scale, same prefix and order, also holding every
 * column a visit's facts read (parley_visit_facts), so a visitor's earlier
 * visits, which a visit's context lists (10,000 of them for a busy
 * synthetic foreign minister at 1M visits), are one index range and not a
 * table row each.  It replaces visit_by_visitor_key (its prefix), so lists
 * by visitor= plan as before. */
static const char *const migration_visitor_cover =
    "CREATE INDEX visit_by_visitor_cover ON visit(visitor, start_key, id, status, from_country,"
    " to_country, level, type, visitor_label);"
    "DROP INDEX visit_by_visitor_key;";

/* The person page's companions (issue 13, pl_companion_facts led_only):
 * the delegation rows of role 'companion' alone (a sixth of them), each
 * with what the page reads.  The companions of a person's trips are one
 * seek per trip; in the primary key (visit, role, seq) of every delegation
 * row that seek touched a page of its own for most of 9,787 trips at 1M
 * visits, where this index is a few hundred pages. */
static const char *const migration_companion_index =
    "CREATE INDEX visit_person_companion ON visit_person(visit, seq, person, name)"
    " WHERE role = 'companion';";

/* Four indexes widened (issue 13), each replacing its prefix, so every
 * plan that read the old one reads the new one the same way:
 *  - a pair's list sorted by level or by visitor (query_sort.c): the
 *    pair's index carries the level, the visitor's office (the rank within
 *    a level) and the visitor and label (the groups of sort=visitor), so
 *    the counts and the page are read from the index range of the pair and
 *    never from its table rows (at 1M visits the largest pair's 100,000).
 *  - a page that walks the list order (walk_first in query_visits.c: a
 *    country's deep page steps over thousands of other countries' visits)
 *    tests each row's countries, level and type in the list-order index,
 *    not in its table row.
 *  - a list sorted by level that is not a pair's (the whole store, a
 *    country) reads one level at a time from the level's index, which
 *    carries the countries and the visitor's office.
 *  - a country's list sorted by visitor groups its matches by visitor from
 *    its two indexes (visit_by_dir_cover for the visits it made, this one
 *    for those it hosted), not from their table rows. */
static const char *const migration_sort_cover =
    "CREATE INDEX visit_by_pair_cover ON visit(pair_key, start_key, id, status, level,"
    " visitor_office, visitor, visitor_label);"
    "DROP INDEX visit_by_pairk;"
    "CREATE INDEX visit_by_key_cover ON visit(start_key, id, status, from_country, to_country,"
    " level, type);"
    "DROP INDEX visit_by_key_status;"
    "CREATE INDEX visit_by_level_cover ON visit(level, start_key, id, status, from_country,"
    " to_country, visitor_office);"
    "DROP INDEX visit_by_level_key2;"
    "CREATE INDEX visit_by_to_cover ON visit(to_country, start_key, id, status, from_country,"
    " visitor, visitor_label);"
    "DROP INDEX visit_by_to_key2;";

/* A person's visits in one role, in list order (issue 13): a busy host's
 * latest 50 of 24,520 visits hosted at 1M visits, or its deep pages, were
 * every hosted visit's table row read by rowid and sorted; here they are
 * one range of this table's key, with the status beside each row for the
 * default filter and the count, and the countries, level and type for the
 * facets of the list page (query_facets.c).  One row per (person, role, visit) named
 * with a person id in visit_person; the visitor's own visits are already
 * in list order in visit_by_visitor_cover.  Kept by the triggers below;
 * a bulk import drops them and refills the table (pl_person_key_fill_sql).
 *  - visit_person rows inserted, deleted or changed: their (person, role,
 *    visit) added, or removed once no row of the visit names the person in
 *    that role any more;
 *  - a visit's id, date, status, countries, level or type changed: its
 *    rows moved to the new key, or given the new values;
 *  - a visit inserted after rows that name it: their rows added;
 *  - a visit deleted: its rows removed BEFORE, while its visit_person rows
 *    (deleted by the cascade) still say which they are. */
#define PL_PERSON_KEY_COLS "person, role, start_key, visit, status, from_country, to_country, level, type"
#define PL_PERSON_KEY_ADD(R)                                                                \
	"INSERT OR IGNORE INTO visit_person_key(" PL_PERSON_KEY_COLS ")"                        \
	" SELECT " R ".person, " R ".role, v.start_key, v.id, v.status, v.from_country,"         \
	" v.to_country, v.level, v.type FROM visit v"                                           \
	" WHERE v.id = " R ".visit AND " R ".person IS NOT NULL;"
#define PL_PERSON_KEY_STILL(R)                                                              \
	" AND NOT EXISTS (SELECT 1 FROM visit_person vp WHERE vp.visit = " R ".visit"           \
	" AND vp.role = " R ".role AND vp.person = " R ".person);"
/* one seek when the visit is there; when it is not (deleted or renamed
 * first), the person's range in the role, searched for the visit */
#define PL_PERSON_KEY_DEL(R)                                                                \
	"DELETE FROM visit_person_key WHERE person = " R ".person AND role = " R ".role"        \
	" AND start_key = (SELECT start_key FROM visit WHERE id = " R ".visit)"                 \
	" AND visit = " R ".visit" PL_PERSON_KEY_STILL(R)                                       \
	"DELETE FROM visit_person_key WHERE person = " R ".person AND role = " R ".role"        \
	" AND visit = " R ".visit AND NOT EXISTS (SELECT 1 FROM visit WHERE id = " R ".visit)"  \
	PL_PERSON_KEY_STILL(R)
/* the visits read in table order, each one's delegation rows by their key,
 * sorted once for the inserts; a person named twice in a role on one visit
 * is one row (OR IGNORE: cheaper than a DISTINCT's second temporary
 * b-tree).  0.45 -> 0.23 s of CPU at 100k visits. */
#define PL_PERSON_KEY_FILL                                                                  \
	"INSERT OR IGNORE INTO visit_person_key(" PL_PERSON_KEY_COLS ")"                        \
	" SELECT vp.person, vp.role, v.start_key, v.id, v.status, v.from_country,"              \
	" v.to_country, v.level, v.type FROM visit v CROSS JOIN visit_person vp"                \
	" ON vp.visit = v.id WHERE vp.person IS NOT NULL ORDER BY 1, 2, 3, 4;"
static const char *const migration_person_key =
    "CREATE TABLE visit_person_key("
    " person TEXT NOT NULL, role TEXT NOT NULL, start_key TEXT NOT NULL, visit TEXT NOT NULL,"
    " status TEXT NOT NULL, from_country TEXT NOT NULL, to_country TEXT NOT NULL,"
    " level TEXT NOT NULL, type TEXT NOT NULL,"
    " PRIMARY KEY(person, role, start_key, visit)) STRICT, WITHOUT ROWID;"
    PL_PERSON_KEY_FILL
    /* visit_person_by_person_role (person, role, visit) answers every
     * lookup by person this prefix answered, covering the visit too: one
     * index fewer for an import to build (0.5 s of CPU at 1M visits),
     * toward the cost of filling this table */
    "DROP INDEX IF EXISTS visit_person_by_person;"
    "CREATE TRIGGER visit_person_key_ai AFTER INSERT ON visit_person BEGIN "
    PL_PERSON_KEY_ADD("new") " END;"
    "CREATE TRIGGER visit_person_key_ad AFTER DELETE ON visit_person BEGIN "
    PL_PERSON_KEY_DEL("old") " END;"
    "CREATE TRIGGER visit_person_key_au AFTER UPDATE OF visit, role, person ON visit_person BEGIN "
    PL_PERSON_KEY_DEL("old") PL_PERSON_KEY_ADD("new") " END;"
    "CREATE TRIGGER visit_person_key_vu AFTER UPDATE OF id, start_date, status, from_country,"
    " to_country, level, type ON visit WHEN (old.id, old.start_key, old.status, old.from_country,"
    " old.to_country, old.level, old.type) IS NOT (new.id, new.start_key, new.status,"
    " new.from_country, new.to_country, new.level, new.type) BEGIN "
    "UPDATE visit_person_key SET visit = new.id, start_key = new.start_key, status = new.status,"
    " from_country = new.from_country, to_country = new.to_country, level = new.level,"
    " type = new.type"
    " WHERE (person, role, start_key, visit) IN (SELECT person, role, old.start_key, old.id"
    " FROM visit_person WHERE visit = old.id AND person IS NOT NULL);"
    /* an id changed after its delegation rows moved to it */
    "INSERT OR IGNORE INTO visit_person_key(" PL_PERSON_KEY_COLS ")"
    " SELECT person, role, new.start_key, new.id, new.status, new.from_country,"
    " new.to_country, new.level, new.type FROM visit_person"
    " WHERE visit = new.id AND person IS NOT NULL AND old.id IS NOT new.id; END;"
    "CREATE TRIGGER visit_person_key_vi AFTER INSERT ON visit BEGIN "
    "INSERT OR IGNORE INTO visit_person_key(" PL_PERSON_KEY_COLS ")"
    " SELECT person, role, new.start_key, new.id, new.status, new.from_country,"
    " new.to_country, new.level, new.type FROM visit_person"
    " WHERE visit = new.id AND person IS NOT NULL; END;"
    "CREATE TRIGGER visit_person_key_vd BEFORE DELETE ON visit BEGIN "
    "DELETE FROM visit_person_key WHERE (person, role, start_key, visit) IN"
    " (SELECT person, role, old.start_key, old.id FROM visit_person WHERE visit = old.id"
    " AND person IS NOT NULL); END;";

const char *pl_person_key_fill_sql(void)
{
	return "DELETE FROM visit_person_key;" PL_PERSON_KEY_FILL;
}

static const char *const migrations[] = {
    migration_1,
    migration_accounts,
    migration_sources_ranks,
    migration_data_through,
    migration_query,
    migration_releases,
    migration_briefs, /* appended: existing stores migrate forward */
    migration_scale, /* issue 13: reads migration_query's start_key */
    migration_review,
    migration_review_records,
    migration_brief_search, /* issue 10: appended */
    migration_analysis, /* issue 13: the analyses' covering index */
    migration_tally, /* issue 13: exact counts without reading every match */
    migration_search_dims, /* issue 13: a search costs one read per match */
    migration_people_search, /* issue 13: the people search's folded text */
    migration_tally_dir, /* issue 13: counts per direction without the tally's half million */
    migration_search_pack, /* issue 13: a search counted from its doclist */
    migration_person_tally, /* issue 13: the people list without counting visits */
    migration_visitor_cover, /* issue 13: a visit's context reads its visitor's visits from one index */
    migration_companion_index, /* issue 13: a person's companions without every delegation row */
    migration_sort_cover, /* issue 13: sorts by level or visitor, and walks, read indexes */
    migration_person_key, /* issue 13: a person's visits in one role, in list order */
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
