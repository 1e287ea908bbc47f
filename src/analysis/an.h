/*
 * an.h - the analysis module's private header.
 *
 * The analyses are pure computations over an in-memory dataset (an_data):
 * visits, tenures, coverage and delegation members, each with its dates
 * already turned into day numbers.  The loader (an_load.c) fills an an_data
 * from the store; the unit tests fill one by hand.  Keeping the arithmetic
 * away from SQL lets hand-computed fixtures test it without a store.
 */
#ifndef PL_AN_H
#define PL_AN_H

#include "parley.h"

#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define AN_OPEN LONG_MAX /* an open end: still in office, coverage to date */

/* A bump allocator for the strings of a dataset and its results: everything
 * is freed at once with the dataset. */
typedef struct an_chunk an_chunk;
typedef struct an_arena {
	an_chunk *head;
} an_arena;

/* What compare attaches to a visit (an_load_compare), in the arena. */
struct an_visit_more {
	const char **ext;      /* "scheme:value" ids, NULL-terminated (parley_visit_desc) */
	const char *period;    /* the source's own era label, or NULL */
};

typedef struct an_visit {
	const char *id;
	const char *visitor;   /* person id, NULL = unidentified */
	const char *name;      /* display name: person name, visitor label, or NULL */
	const char *from, *to; /* country codes */
	const char *level, *type, *status;
	parley_date start;
	/* days fit in 32 bits (year 9999 is day 2.9 million): a visit is
	 * 16 bytes smaller with these and compare's two fields apart */
	int32_t day;           /* first possible day of start */
	int32_t day_last;      /* last possible day of start */
	struct an_visit_more *more; /* compare only (an_load_compare), else NULL */
	/* small numbers in bytes: a pair's 100,000 visits are 100,000 of these
	 * (each byte of it 100 KB of fresh memory to fault in) */
	signed char top;       /* the visitor was from's paramount leader (an_prepare) */
	signed char unidentified; /* no person id, and no name or a name saying it is unknown */
	signed char rank;      /* parley_level_rank(level), once (an_add_visit) */
	signed char level_ix;  /* an_level_index(level), once */
	signed char label_name; /* name is the record's label: the visitor's own name,
	                        * when the person is known, wins (an_prepare) */
} an_visit;

typedef struct an_tenure {
	const char *person, *name, *office, *office_name, *country, *rank;
	long first;            /* first possible day of start */
	long end;              /* first possible day of end (exclusive); AN_OPEN */
	const char *start_text;
} an_tenure;

typedef struct an_cover {
	const char *id, *desc, *from, *to, *min_level, *person;
	long first;            /* first possible day of start */
	long last;             /* last possible day of end (inclusive); AN_OPEN */
	const char *start_text, *end_text;
	long through;          /* last possible day of data_through; AN_OPEN when not declared */
} an_cover;

typedef struct an_member {    /* a named person on a visit (visit_person) */
	const char *visit, *role, *person, *name;
} an_member;

typedef struct an_person {
	const char *id, *name, *country;
	long birth;            /* first possible day, or LONG_MIN when unknown */
} an_person;

typedef struct an_data {
	an_arena arena;
	an_visit *v; size_t nv, capv;
	an_tenure *t; size_t nt, capt;
	an_cover *c; size_t nc, capc;
	an_member *m; size_t nm, capm;
	an_person *p; size_t np, capp;
	an_person *k; size_t nk, capk; /* countries: id = code, name */
	const char *vocab[32]; /* the few distinct codes, levels, types and statuses
	                        * of the visits, each copied once (an_add_visit) */
	size_t nvocab;
	int vocab_rank[32];    /* parley_level_rank and an_level_index of each entry */
	int vocab_level[32];
	size_t vocab_hint[5];  /* the entry each field of a visit found last (an_add_visit) */
	struct an_last_start { /* the start an_add_visit parsed last ("": none yet) */
		char text[16];
		parley_date start;
		long day, day_last;
	} last_start;
	/* set by an_prepare, so lookups cost a binary search, not a pass over
	 * every person or tenure for every visit (issue 13) */
	size_t *p_by_id;       /* indexes of p, by id; NULL before an_prepare */
	size_t *top_by_person; /* indexes of paramount-leader tenures, by person */
	size_t ntop;
	/* where the data ends (docs/analysis.md, "Where the data ends") */
	const char *release;   /* the store's data version (newest release), or NULL */
	const char *released;  /* its date */
	long release_through;  /* its data-through day; AN_OPEN without a release */
	long latest;           /* the loader's fallback: last possible day of the latest
	                        * visit in the store; AN_OPEN (no cut) for fixtures */
	struct pl_map *names;  /* visitor ids and labels, each copied once (an_add_visit);
	                        * a visitor id's slot has AN_NAME_VISITOR in its n */
	int refs;              /* results sharing it beyond the first: an_data_free
	                        * drops one of them before freeing (an_pair.c) */
	/* A visit's context (an_load_visit): its visitor's earlier visits
	 * counted in the store, where v holds only the latest of each list
	 * a sentence gives (issue 13).  set 0: the sentences count v (fixtures). */
	struct an_visitor_counts {
		int set;
		long abroad, to_host; /* from the visit's country since the office began; of them to its host */
		long nth;             /* from its country to its host, ever */
		long nth_first;       /* the first possible day of the first of those (0: none) */
		int nth_minrank;      /* the lowest level rank among them (INT_MAX: none) */
		int outside;          /* a visit up to its day lies outside its pair */
	} vc;
} an_data;

/* Parsed options shared by the analyses. */
typedef struct an_opts {
	char a[8], b[8];
	long as_of;            /* day number */
	char as_of_text[11];
	long from;             /* LONG_MIN = no lower bound */
	char min_level[32];
	char status[64];
	const char *statuses[8];
	size_t nstatus;
	/* set by an_cut(): as_of above becomes min(asked, through) */
	long asked;            /* the as-of day asked for */
	long through;          /* data-through day of what is counted; AN_OPEN = unknown */
	parley_through th;     /* the same for the results */
} an_opts;

#define AN_NAME_VISITOR 1L

/* strcmp(a, b) == 0 for the country codes compared once a visit: the
 * same pointer (the dataset's one copy) or a byte loop inlined, where a
 * call per comparison cost more than the comparison of three letters at
 * 100,000 visits (longer texts: strcmp). */
static inline bool an_same(const char *a, const char *b)
{
	if (a == b)
		return true;
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* -- an_data.c ---------------------------------------------------------- */
void *an_alloc(an_arena *a, size_t n);     /* zeroed; freed with the arena */
const char *an_strdup(an_arena *a, const char *s); /* NULL for NULL */
void an_arena_free(an_arena *a);

/* A fresh dataset; free with an_data_free().  NULL when out of memory. */
an_data *an_data_new(void);
void an_data_free(an_data *d);
/* Each add copies its strings.  Dates are text; an unparsable or missing
 * required date is PARLEY_EDATA naming the record. */
int an_add_visit(an_data *d, const char *id, const char *visitor, const char *name,
                 const char *from, const char *to, const char *level, const char *type,
                 const char *status, const char *start, parley_err *err);
int an_add_tenure(an_data *d, const char *person, const char *name, const char *office,
                  const char *office_name, const char *country, const char *rank, const char *start, const char *end,
                  parley_err *err);
int an_add_cover(an_data *d, const char *id, const char *desc, const char *from,
                 const char *to, const char *min_level, const char *start, const char *end,
                 const char *person, parley_err *err);
/* Sets the data_through of the coverage row added last ("" or NULL: none). */
int an_cover_set_through(an_data *d, const char *through, parley_err *err);
int an_add_member(an_data *d, const char *visit, const char *role, const char *person,
                  const char *name, parley_err *err);
int an_add_person(an_data *d, const char *id, const char *name, const char *country,
                  const char *birth, parley_err *err);
/* Sorts visits by first possible start day, then id, and tenures by start;
 * marks top visits.  Call after the last add, before any analysis. */
void an_prepare(an_data *d);
int an_add_country(an_data *d, const char *code, const char *name, parley_err *err);
/* The country's name, or its code when unknown. */
const char *an_country_name(const an_data *d, const char *code);
const an_person *an_person_find(const an_data *d, const char *id);
/* The name of a person id (or the id itself when unknown). */
const char *an_person_name(const an_data *d, const char *id);

/* -- an_through.c --------------------------------------------------------- */
/* Records the store's data version on d (strings copied). */
int an_set_release(an_data *d, const char *name, const char *released, const char *through,
                   parley_err *err);
/* The data-through day of visits from -> to at min_level and above (the
 * rule in docs/analysis.md); *rule (arena) says where it came from. */
long an_dir_through(an_data *d, const char *from, const char *to, const char *min_level,
                    const char **rule);
/* The data-through day a coverage row's period is good for. */
long an_cover_through(const an_data *d, const an_cover *c);
/* Finds the data-through of what o counts (the pair, or the whole store
 * when o has no pair) and cuts o->as_of there; fills o->th. */
void an_cut(an_data *d, an_opts *o);
/* The one line the CLI prints when figures were cut, or nothing. */
void an_through_line(FILE *out, const parley_through *t, const char *as_of);
/* Sets "data_through":"DATE"|null, "data_through_rule", "cut":bool on o;
 * returns o, or NULL (o released) when out of memory. */
json_t *an_through_json(json_t *o, const parley_through *t);

/* -- an_opts.c ---------------------------------------------------------- */
/* Fills o from the public options; need_b says whether b is required. */
int an_opts_parse(const parley_analysis_opts *in, bool need_b, an_opts *o, parley_err *err);
/* True when v passes status, level and as-of (not the pair). */
bool an_counts(const an_opts *o, const an_visit *v);
/* True when v is between o->a and o->b in either direction. */
bool an_in_pair(const an_opts *o, const an_visit *v);
/* Index of a level name in parley_analysis_level order, or 8 (unknown). */
int an_level_index(const char *level);
/* "YYYY-MM-DD" of a day number into buf (11 bytes). */
char *an_day_text(long day, char *buf);
/* "2018-03-25 Kim Jong-un PRK->CHN" into the arena. */
const char *an_visit_label(an_arena *a, const an_visit *v);

/* A growable list of visit ids, turned into a parley_ids at the end. */
typedef struct an_idlist {
	const char **ids;
	size_t n, cap;
} an_idlist;
int an_ids_push(an_arena *a, an_idlist *l, const char *id);
/* The same in two passes over the same ids, so that a list of 100,000
 * ids is one array of its size, not a series of doublings each copied
 * into the arena: with counting set it only counts (into cap); the first
 * push after that allocates the count (an_ids_first).  Inline: it runs
 * several times a visit. */
int an_ids_first(an_arena *a, an_idlist *l, const char *id);
static inline int an_ids_add(an_arena *a, an_idlist *l, const char *id, int counting)
{
	if (counting)
		l->cap++;
	else if (l->n < l->cap && l->ids)
		l->ids[l->n++] = id;
	else
		return an_ids_first(a, l, id);
	return PARLEY_OK;
}
parley_ids an_ids_done(const an_idlist *l);

/* -- the pure analyses (each takes ownership of d, also on failure) ------ */
int an_eras(an_data *d, const an_opts *o, parley_era_by by, parley_eras **out, parley_err *err);
int an_timeline(an_data *d, const an_opts *o, int by_month, parley_split split,
                parley_timeline **out, parley_err *err);
int an_gaps(an_data *d, const an_opts *o, size_t top, double window_years, double ratio,
            parley_gaps **out, parley_err *err);
int an_context(an_data *d, const an_opts *o, const char *visit_id, parley_context **out,
               parley_err *err);
/* Brief-ready phrases about one visit (an_phrase.c, docs/briefs.md): kind
 * first-in-years, first-office-since, highest-since, nth-trip-in-office or
 * gap-before; *out holds one sentence. */
int an_phrase(an_data *d, const an_opts *o, const char *visit_id, const char *kind,
              parley_context **out, parley_err *err);
/* The same from the store (an_load): min_level (NULL: ministerial) is
 * gap-before's floor. */
int pl_phrase_compute(parley_db *db, const char *visit_id, const char *kind,
                      const char *min_level, parley_context **out, parley_err *err);
/* The kinds an_phrase knows, NULL-terminated. */
extern const char *const an_phrase_kinds[];

/* Shared by the context sentences and the phrases (an_context.c). */
/* True when v's status is one o counts. */
int an_status_ok(const an_opts *o, const an_visit *v);
/* The coverage row that declares complete the visits from -> to (to NULL:
 * to every country) at level_rank, by person (NULL: anyone), over the days
 * first..last; the most specific one, or NULL. */
const an_cover *an_find_cover(const an_data *d, const char *from, const char *to,
                              const char *person, int level_rank, long first, long last);
/* person's highest-ranked tenure running on day, or NULL. */
const an_tenure *an_office_at(const an_data *d, const char *person, long day);
/* True when the store's visits are all between two countries and no
 * coverage row declares from's trips abroad: "trip abroad" claims then
 * mean nothing (the data cannot see other destinations). */
int an_one_pair(const an_data *d, const char *from);
int an_companions(an_data *d, const an_opts *o, const char *person, parley_companions **out,
                  parley_err *err);

/* The eras of one country (by A / by B) or a pair, as an array in the arena;
 * used by eras, timeline and gaps.  end is exclusive; open eras end at
 * as_of + 1. */
typedef struct an_era {
	const char *name, *leader_a, *leader_b;
	long start, end;
	int open;
} an_era;
int an_era_list(an_data *d, const an_opts *o, parley_era_by by, an_era **out, size_t *n,
                parley_err *err);
/* The era containing day, or NULL. */
const an_era *an_era_at(const an_era *e, size_t n, long day);

/* -- an_load.c ------------------------------------------------------------ */
/* Loads every visit (any status), all tenures with their office ranks,
 * coverage, people and (when members) the delegation members: compare's
 * whole store.  On success *out is prepared; free with an_data_free.  The
 * loaders below read only what one question needs (issue 13). */
int an_load(parley_db *db, bool members, an_data **out, parley_err *err);
/* For eras, timeline and gaps of o's pair: the visits they count (status,
 * level, started by the as-of date asked) through the query layer
 * (parley_visit_facts), the tenures of the two countries' offices and the
 * visitors' names.  Without types, every visit's type is "unknown" (one
 * column fewer to read, for the analyses that never look at it). */
int an_load_pair(parley_db *db, const an_opts *o, bool types, an_data **out, parley_err *err);
/* For the context of visit id: it, the earlier visits of its pair (any
 * level) and of its visitor counted by o's statuses, the visitor's tenures. */
int an_load_visit(parley_db *db, const an_opts *o, const char *id, an_data **out,
                  parley_err *err);
/* For companions: every person (a name or alias is resolved among them) ... */
int an_load_people(parley_db *db, an_data **out, parley_err *err);
/* ... then person's visits as visitor or in a delegation counted by o's
 * statuses to its as-of date, with their delegations, added to d (and d
 * prepared again); led_only: only the visits person led and their
 * companions (what `with` reads; `accompanied` then stays empty). */
int an_load_person_visits(parley_db *db, const an_opts *o, const char *person, bool led_only,
                          an_data *d, parley_err *err);

/* For compare: also each visit's external ids, and the source's own era
 * label where its note keeps one ("period '...'", as the Beyond Parallel
 * reader writes it).  Call after an_load. */
int an_load_compare(parley_db *db, an_data *d, parley_err *err);

/* -- an_match.c ----------------------------------------------------------- */
/* Which part of the one rule (parley_visit_match) two records matched by. */
typedef enum an_match_by {
	AN_BY_NONE = 0, AN_BY_EXTID, AN_BY_VISITOR, AN_BY_NAME, AN_BY_LEVEL
} an_match_by;
const char *an_match_by_name(an_match_by by); /* static */
/* Matches a against b one-to-one by parley_visit_match: external ids first,
 * then the closest starts.  a_to_b[i] receives b's index or -1, by[i] the
 * part of the rule (both arrays of na, caller-owned). */
int an_match_lists(const parley_visit_desc *a, size_t na, const parley_visit_desc *b, size_t nb,
                   int tolerance_days, long *a_to_b, an_match_by *by, parley_err *err);

/* -- an_out.c ------------------------------------------------------------- */
/* A table of text cells printed as table, csv or md. */
typedef struct an_table {
	size_t ncols;
	const char *const *head;
	const bool *right;     /* right-align column i in table format */
	const char **cells;    /* rows * ncols, row-major */
	size_t nrows, caprows;
	an_arena *arena;
} an_table;
int an_table_row(an_table *t, const char *const *cells);
/* Like printf into the arena. */
const char *an_fmt(an_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int an_table_write(const an_table *t, const char *format, FILE *out, parley_err *err);
/* JSON values (new references; NULL when out of memory): the ids as an
 * array, and {"count":n,"ids":[...]}. */
json_t *an_json_ids(parley_ids ids);
json_t *an_json_count(parley_ids ids);
/* Writes j and a newline with the one JSON writer and takes j (decref);
 * a NULL j (a failed build) is ENOMEM, a failed write EIO. */
int an_json_write(json_t *j, FILE *out, parley_err *err);
/* The ids joined by single spaces, in the arena ("" for none); NULL when
 * out of memory.  Used for the id cells of CSV and table output. */
const char *an_ids_join(an_arena *a, parley_ids ids);
/* Writes "  label: id, id, ..." for --explain. */
void an_explain(FILE *out, const char *label, parley_ids ids);
/* True for table|csv|json|md; EINVAL otherwise. */
int an_check_format(const char *format, parley_err *err);
/* The start of every parley_*_write (fn names it in the error): obj and out
 * must not be NULL; *format defaults to "table" and must be one we print. */
int an_write_begin(const void *obj, const FILE *out, const char *fn, const char **format,
                   parley_err *err);

#endif
