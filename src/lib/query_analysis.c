/*
 * query_analysis.c - the visits a figure counts, lean: the query layer's
 * filter (query_visits.c's one WHERE clause, so a figure counts the visits
 * its list shows) with only the columns the analyses read.  Every one of
 * them is in the index visit_by_dir_cover (schema.c, migration_analysis),
 * so the eras of a 100,000-visit pair read two index ranges (one per
 * direction, merged here in list order) and never the table rows: the
 * pair_key index orders a pair but holds no level or visitor (issue 13).
 */
#include "internal.h"
#include "pl_query.h"
#include "../analysis/an.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define COLS(from, to, type)                                                                \
	"SELECT v.start_key, v.id, " from ", " to ", v.level, " type ", v.status,"              \
	" v.visitor, v.visitor_label FROM visit v"
#define FACT_COLS COLS("v.from_country", "v.to_country", "v.type")
/* The same for one direction, whose countries the query names: a column
 * not read is one SQLite does not decode, 100,000 times for a large pair
 * (read_fact takes the countries from the query).  Without the type when
 * the caller reads none (pl_visit_facts). */
#define DIR_COLS COLS("NULL", "NULL", "v.type")
#define DIR_COLS_UNTYPED COLS("NULL", "NULL", "NULL")

static const char *col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* The stored start_date from start_key: the key is the date with a suffix
 * that names its precision (schema.c, migration_query: '0' after a day,
 * '-011' after a month, '-01-012' after a year), so dropping the suffix
 * its last character names gives the stored text back, whatever it is. */
static void start_date(const char *key, int n, char *out, size_t cap)
{
	size_t len = key && n > 0 ? (size_t)n : 0;
	size_t cut = !len ? 0 : key[len - 1] == '0' ? 1 : key[len - 1] == '1' ? 4 : 7;
	len = len >= cut ? len - cut : 0;
	if (len >= cap)
		len = cap - 1;
	if (len)
		memcpy(out, key, len);
	out[len] = '\0';
}

/* The current row of st (FACT_COLS, or DIR_COLS with the direction's
 * countries in dir) as a fact; date holds its start. */
static void read_fact(sqlite3_stmt *st, const char *const dir[2], char *date, size_t cap,
                      parley_visit_fact *f)
{
	start_date(col(st, 0), sqlite3_column_bytes(st, 0), date, cap);
	f->start_date = date;
	f->id = col(st, 1);
	f->from_country = dir ? dir[0] : col(st, 2);
	f->to_country = dir ? dir[1] : col(st, 3);
	f->level = col(st, 4);
	f->type = col(st, 5);
	f->status = col(st, 6);
	f->visitor = col(st, 7);
	f->visitor_label = col(st, 8);
}

/* Steps st; *has says whether it stands on a row. */
static int step(parley_db *db, sqlite3_stmt *st, int *has, parley_err *err)
{
	int s = sqlite3_step(st);
	*has = s == SQLITE_ROW;
	if (s == SQLITE_ROW || s == SQLITE_DONE)
		return PARLEY_OK;
	return pl_db_error(db, err, "reading visits");
}

/* The first two columns of st's current row (start_key and id, or from
 * and to), "" for NULL: the merge order.  They stay good until st steps
 * again, so each row's are read once, not at every comparison. */
static void sort_key(sqlite3_stmt *st, int has, const char *key[2])
{
	for (int i = 0; i < 2; i++)
		key[i] = has && col(st, i) ? col(st, i) : "";
}

/* Order of two rows by their sort keys, BINARY as SQLite. */
static int row_cmp(const char *const x[2], const char *const y[2])
{
	int c = strcmp(x[0], y[0]);
	return c ? c : strcmp(x[1], y[1]);
}

/* Hands on the rows of two statements, each ordered by row_cmp, as one
 * ordered stream (a statement with no row, or none prepared, adds
 * nothing), then frees both and the arena: a callback's nonzero return
 * stops it and is returned. */
static int merge_two(parley_db *db, sqlite3_stmt *st[2], int has[2], int rc, an_arena *arena,
                     int (*row)(sqlite3_stmt *, size_t, void *, parley_err *), void *ctx,
                     parley_err *err)
{
	const char *key[2][2];
	for (size_t k = 0; k < 2; k++)
		sort_key(st[k], has[k], key[k]);
	while (!rc && (has[0] || has[1])) {
		size_t k = !has[0] ? 1 : !has[1] ? 0 : row_cmp(key[0], key[1]) <= 0 ? 0 : 1;
		rc = row(st[k], k, ctx, err);
		if (!rc)
			rc = step(db, st[k], &has[k], err);
		if (!rc)
			sort_key(st[k], has[k], key[k]);
	}
	pl_release(db, st[0]); /* finalized unless it came from the statement cache */
	pl_release(db, st[1]);
	an_arena_free(arena);
	return rc;
}

struct fact_emit {
	parley_visit_fact_fn fn;
	void *ud;
	const char *dir[2][2]; /* each stream's from and to (DIR_COLS), or NULL */
	/* with by_level, the levels min_level= lets through (the list of
	 * pl_bind_min_level, tested here: see pl_visit_facts), NULL-terminated */
	const char *levels[16];
	int by_level;
};

/* q as the queries of its directions: between=A:B (without direction= or
 * top=, which needs the pair) as A->B and B->A in h[0] and h[1] (2
 * returned), else q itself in h[0] (1). */
static size_t split_pair(const parley_query *q, parley_query h[2])
{
	h[0] = h[1] = *q;
	if (!q->a[0] || q->dir_from[0] || q->top)
		return 1;
	for (size_t i = 0; i < 2; i++) {
		h[i].a[0] = h[i].b[0] = '\0';
		pl_strlcpy(h[i].dir_from, i ? q->b : q->a, sizeof h[i].dir_from);
		pl_strlcpy(h[i].dir_to, i ? q->a : q->b, sizeof h[i].dir_to);
	}
	return 2;
}

/* True when level is one of c's levels. */
static int level_ok(const struct fact_emit *c, const char *level)
{
	for (size_t i = 0; level && c->levels[i]; i++)
		if (c->levels[i][0] == level[0] && strcmp(c->levels[i], level) == 0)
			return 1;
	return 0;
}

static int emit_fact(sqlite3_stmt *s, size_t k, void *ctx, parley_err *err)
{
	struct fact_emit *c = ctx;
	char date[32];
	parley_visit_fact f;
	read_fact(s, c->dir[k][0] ? c->dir[k] : NULL, date, sizeof date, &f);
	if (c->by_level && !level_ok(c, f.level))
		return PARLEY_OK;
	return c->fn(c->ud, &f, err);
}

struct direction_emit {
	parley_direction_fn fn;
	void *ud;
};

static int emit_direction(sqlite3_stmt *s, size_t k, void *ctx, parley_err *err)
{
	(void)k;
	struct direction_emit *c = ctx;
	return c->fn(c->ud, col(s, 0), col(s, 1), (long)sqlite3_column_int64(s, 2), err);
}

int parley_visit_facts(parley_db *db, const parley_query *q, parley_visit_fact_fn fn, void *ud,
                       parley_err *err)
{
	return pl_visit_facts(db, q, 0, fn, ud, err);
}

int pl_visit_facts(parley_db *db, const parley_query *q, int untyped, parley_visit_fact_fn fn,
                   void *ud, parley_err *err)
{
	static const parley_query none;
	if (!db || !fn)
		return parley_err_set(err, PARLEY_EINVAL, "parley_visit_facts: no store or no callback");
	if (!q)
		q = &none;
	/* between=A:B is its two directions, each one range of the covering
	 * index; with direction= or top= it stays one query (top needs the pair) */
	parley_query h[2];
	size_t n = split_pair(q, h);
	struct fact_emit c = {fn, ud, {{NULL, NULL}, {NULL, NULL}}, {NULL}, 0};
	if (n == 2) {
		/* min_level= is tested on each row read, not in SQL: its
		 * "level IN (7 levels)" is a lookup in a temporary b-tree per row
		 * (SQLite's plan for a constant list of more than two terms), a
		 * tenth of the eras of a 100,000-visit pair (issue 13) */
		size_t k = 0;
		const char *l;
		for (size_t i = 0; q->min_level && (l = pl_level_name(i)) != NULL && k != SIZE_MAX; i++)
			if (parley_level_at_least(l, q->min_level))
				k = k + 1 < sizeof c.levels / sizeof c.levels[0] ? (c.levels[k] = l, k + 1)
				                                                  : SIZE_MAX; /* no room: SQL filters */
		c.by_level = q->min_level && k != SIZE_MAX;
		if (c.by_level)
			h[0].min_level = h[1].min_level = NULL;
	}
	an_arena arena = {0};
	sqlite3_stmt *st[2] = {NULL, NULL};
	int has[2] = {0, 0}, rc = PARLEY_OK;
	for (size_t i = 0; !rc && i < n; i++) {
		if (n == 2) {
			c.dir[i][0] = h[i].dir_from;
			c.dir[i][1] = h[i].dir_to;
		}
		rc = pl_query_prepare_where_cached(db, &h[i], n == 1 ? FACT_COLS : untyped ? DIR_COLS_UNTYPED : DIR_COLS,
		                                   " ORDER BY v.start_key, v.id", &arena, &st[i], err);
		if (!rc)
			rc = step(db, st[i], &has[i], err);
	}
	return merge_two(db, st, has, rc, &arena, emit_fact, &c, err);
}

int pl_visit_facts_by_direction(parley_db *db, const parley_query *q, parley_visit_fact_fn fn,
                                void *ud, parley_err *err)
{
	static const parley_query none;
	if (!db || !fn)
		return parley_err_set(err, PARLEY_EINVAL, "parley_visit_facts: no store or no callback");
	/* the order of visit_by_dir_cover, which holds every column read: one
	 * pass over that index.  In list order (visit_by_key_cover, which
	 * holds no visitor) each row was a lookup of the table by rowid in
	 * random order: at a million visits the table (205 MB) outgrew the
	 * page cache and every lookup went to the file, 4.4 s of CPU against
	 * 0.7 s this way (issue 13, compare) */
	an_arena arena = {0};
	sqlite3_stmt *st[2] = {NULL, NULL};
	int has[2] = {0, 0};
	int rc = pl_query_prepare_where_cached(db, q ? q : &none, FACT_COLS,
	                                       " ORDER BY v.from_country, v.to_country, v.start_key, v.id",
	                                       &arena, &st[0], err);
	if (!rc)
		rc = step(db, st[0], &has[0], err);
	struct fact_emit c = {fn, ud, {{NULL, NULL}, {NULL, NULL}}, {NULL}, 0};
	return merge_two(db, st, has, rc, &arena, emit_fact, &c, err);
}

/* The last row of a filter: its index read backwards, one entry. */
#define LAST_TAIL " ORDER BY v.start_key DESC, v.id DESC LIMIT 1"

int pl_visit_fact_last(parley_db *db, const parley_query *q, parley_visit_fact_fn fn, void *ud,
                       parley_err *err)
{
	if (!db || !q || !fn)
		return parley_err_set(err, PARLEY_EINVAL, "pl_visit_fact_last: NULL argument");
	/* between=A:B is its two directions, each read backwards from the
	 * as-of date for one row of the covering index; the later of the two
	 * is the pair's.  min_level= stays in SQL here: the first row read
	 * must be the answer. */
	parley_query h[2];
	size_t n = split_pair(q, h);
	an_arena arena = {0};
	sqlite3_stmt *st[2] = {NULL, NULL};
	int has[2] = {0, 0}, rc = PARLEY_OK;
	for (size_t i = 0; !rc && i < n; i++) {
		rc = pl_query_prepare_where_cached(db, &h[i], FACT_COLS, LAST_TAIL, &arena, &st[i], err);
		if (!rc)
			rc = step(db, st[i], &has[i], err);
	}
	if (!rc && (has[0] || has[1])) {
		const char *key[2][2];
		for (size_t k = 0; k < 2; k++)
			sort_key(st[k], has[k], key[k]);
		size_t k = !has[0] ? 1 : !has[1] ? 0 : row_cmp(key[0], key[1]) >= 0 ? 0 : 1;
		char date[32];
		parley_visit_fact f;
		read_fact(st[k], NULL, date, sizeof date, &f);
		rc = fn(ud, &f, err);
	}
	pl_release(db, st[0]);
	pl_release(db, st[1]);
	an_arena_free(&arena);
	return rc;
}

/* q as one query of the statement cache (between=A:B is two: refused). */
static int one_query(parley_db *db, const parley_query *q, const char *head, const char *tail,
                     an_arena *arena, sqlite3_stmt **st, const char *who, parley_err *err)
{
	parley_query h[2];
	if (split_pair(q, h) != 1)
		return parley_err_set(err, PARLEY_EINVAL, "%s: between= is two directions; give one", who);
	return pl_query_prepare_where_cached(db, q, head, tail, arena, st, err);
}

int pl_visit_facts_back(parley_db *db, const parley_query *q, parley_visit_fact_fn fn, void *ud,
                        parley_err *err)
{
	if (!db || !q || !fn)
		return parley_err_set(err, PARLEY_EINVAL, "pl_visit_facts_back: NULL argument");
	an_arena arena = {0};
	sqlite3_stmt *st = NULL;
	int has = 0;
	/* the index of the filter read backwards from its end: a walk that
	 * stops after the rows it wants reads only those */
	int rc = one_query(db, q, FACT_COLS, " ORDER BY v.start_key DESC, v.id DESC", &arena, &st,
	                   "pl_visit_facts_back", err);
	if (!rc)
		rc = step(db, st, &has, err);
	while (!rc && has) {
		char date[32];
		parley_visit_fact f;
		read_fact(st, NULL, date, sizeof date, &f);
		rc = fn(ud, &f, err);
		if (!rc)
			rc = step(db, st, &has, err);
	}
	pl_release(db, st);
	an_arena_free(&arena);
	return rc == PL_WALK_STOP ? PARLEY_OK : rc;
}

/* One pass over the visitor's range of visit_by_visitor_cover up to the
 * visit's day (?2: its day and '9', above every key of that day), every
 * figure a conditional count of it: ?3 the visit's day (a key below it is
 * an earlier day), ?4 and ?5 its countries, ?6 the office's first day,
 * ?7.. the statuses (NULL: unused).  A GROUP BY sorted the range per
 * visit: this counts it in place. */
#define VISITOR_COUNTS                                                                         \
	"SELECT count(CASE WHEN v.start_key < ?3 AND v.from_country = ?4 AND v.to_country = ?5"   \
	" THEN 1 END), min(CASE WHEN v.start_key < ?3 AND v.from_country = ?4 AND"                 \
	" v.to_country = ?5 THEN v.start_key END), group_concat(DISTINCT CASE WHEN"               \
	" v.start_key < ?3 AND v.from_country = ?4 AND v.to_country = ?5 THEN v.level END),"      \
	" count(CASE WHEN v.start_key < ?3 AND v.start_key >= ?6 AND v.from_country = ?4"         \
	" THEN 1 END), count(CASE WHEN v.start_key < ?3 AND v.start_key >= ?6 AND"                \
	" v.from_country = ?4 AND v.to_country = ?5 THEN 1 END), count(CASE WHEN NOT"             \
	" ((v.from_country = ?4 AND v.to_country = ?5) OR (v.from_country = ?5 AND"               \
	" v.to_country = ?4)) THEN 1 END) FROM visit v WHERE v.visitor = ?1 AND"                  \
	" v.start_key <= ?2 AND +v.status IN (?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"

/* A visitor's visits of some statuses as the counts read them, in list
 * order: the first possible day (the start_key's first 10 characters),
 * the countries and the level's rank. */
typedef struct vm_row {
	char day[11], from[16], to[16];
	int rank;
} vm_row;

#define VM_SLOTS 8

struct pl_visitor_memo {
	struct vm_slot {
		char visitor[256], status[128]; /* the key: id and statuses, comma-joined */
		long long version, changes;     /* the store they were read at */
		unsigned long used;
		int loaded;                     /* 0: asked about once (counted in SQL) */
		vm_row *r;
		size_t n;
	} slot[VM_SLOTS];
	unsigned long tick;
};

void pl_visitor_memo_free(parley_db *db)
{
	if (!db || !db->visitor_memo)
		return;
	for (size_t i = 0; i < VM_SLOTS; i++)
		free(db->visitor_memo->slot[i].r);
	free(db->visitor_memo);
	db->visitor_memo = NULL;
}

#define VISITOR_ROWS                                                                           \
	"SELECT v.start_key, v.from_country, v.to_country, v.level FROM visit v WHERE"            \
	" v.visitor = ?1 AND +v.status IN (?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"                  \
	" ORDER BY v.start_key, v.id"

/* Binds q to st: the visitor, the day and what VISITOR_COUNTS reads. */
static void bind_counts(sqlite3_stmt *st, const pl_visitor_counts_q *q, const char *upto, int all)
{
	const char *text[] = {q->visitor, upto, q->day, q->from, q->to, q->since};
	for (int i = 0; i < (all ? 6 : 1); i++)
		sqlite3_bind_text(st, i + 1, text[i], -1, SQLITE_STATIC);
	for (int i = 0; i < 8; i++)
		if (i < (int)q->nstatus)
			sqlite3_bind_text(st, 7 + i, q->statuses[i], -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 7 + i);
}

/* The slot of q's visitor and statuses, found or taken (the least recent
 * goes); NULL without memory. */
static struct vm_slot *memo_slot(parley_db *db, const pl_visitor_counts_q *q, const char *status)
{
	if (!db->visitor_memo && !(db->visitor_memo = calloc(1, sizeof *db->visitor_memo)))
		return NULL;
	struct pl_visitor_memo *m = db->visitor_memo;
	long long version = parley_change_counter(db), changes = sqlite3_total_changes64(db->sql);
	struct vm_slot *hit = NULL, *old = &m->slot[0];
	for (size_t i = 0; i < VM_SLOTS && !hit; i++) {
		struct vm_slot *x = &m->slot[i];
		if (x->visitor[0] && strcmp(x->visitor, q->visitor) == 0 && strcmp(x->status, status) == 0)
			hit = x;
		else if (x->used < old->used)
			old = x;
	}
	if (hit && (hit->version != version || hit->changes != changes)) {
		/* the store changed: asked about once more, from now */
		free(hit->r);
		hit->r = NULL;
		hit->n = 0;
		hit->loaded = -1;
	}
	if (!hit) {
		hit = old;
		free(hit->r);
		*hit = (struct vm_slot){0};
		pl_strlcpy(hit->visitor, q->visitor, sizeof hit->visitor);
		pl_strlcpy(hit->status, status, sizeof hit->status);
		hit->loaded = -1;
	}
	hit->version = version;
	hit->changes = changes;
	hit->used = ++m->tick;
	hit->loaded++; /* -1 -> 0 the first time; 0 -> 1: read the rows now */
	return hit;
}

/* Reads the slot's rows (loaded 1); PARLEY_OK or an error. */
static int memo_load(parley_db *db, const pl_visitor_counts_q *q, struct vm_slot *x, parley_err *err)
{
	sqlite3_stmt *st;
	int rc = pl_prepare_cached(db, VISITOR_ROWS, &st, err);
	if (rc)
		return rc;
	bind_counts(st, q, NULL, 0);
	size_t cap = 0;
	int s;
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		if (x->n == cap) {
			vm_row *p = pl_grow(x->r, &cap, x->n + 1, sizeof *p, 256);
			if (!p) {
				rc = parley_err_set(err, PARLEY_ENOMEM, "counting the visitor's visits: out of memory");
				break;
			}
			x->r = p;
		}
		vm_row *r = &x->r[x->n++];
		pl_strlcpy(r->day, col(st, 0) ? col(st, 0) : "", sizeof r->day);
		pl_strlcpy(r->from, col(st, 1) ? col(st, 1) : "", sizeof r->from);
		pl_strlcpy(r->to, col(st, 2) ? col(st, 2) : "", sizeof r->to);
		r->rank = parley_level_rank(col(st, 3) ? col(st, 3) : "unknown");
	}
	if (!rc && s != SQLITE_DONE)
		rc = pl_db_error(db, err, "reading the visitor's visits");
	pl_release(db, st);
	if (rc) {
		free(x->r);
		x->r = NULL;
		x->n = 0;
		x->loaded = 0;
	}
	return rc;
}

/* VISITOR_COUNTS over the slot's rows: the same figures. */
static void memo_count(const struct vm_slot *x, const pl_visitor_counts_q *q, pl_visitor_counts_r *r)
{
	for (size_t i = 0; i < x->n; i++) {
		const vm_row *w = &x->r[i];
		int c = strcmp(w->day, q->day);
		if (c > 0)
			break; /* in list order: the rest lie after the visit's day */
		int from = strcmp(w->from, q->from) == 0, to = strcmp(w->to, q->to) == 0;
		if (!((from && to) || (strcmp(w->from, q->to) == 0 && strcmp(w->to, q->from) == 0)))
			r->outside = 1;
		if (c == 0 || !from)
			continue;
		int since = strcmp(w->day, q->since) >= 0;
		r->abroad += since;
		if (!to)
			continue;
		r->to_host += since;
		if (!r->nth++)
			pl_strlcpy(r->nth_first, w->day, sizeof r->nth_first);
		if (w->rank < r->nth_minrank)
			r->nth_minrank = w->rank;
	}
}

int pl_visitor_counts(parley_db *db, const pl_visitor_counts_q *q, pl_visitor_counts_r *r,
                      parley_err *err)
{
	if (!db || !q || !q->visitor || !q->from || !q->to || !q->day || !q->since || !r)
		return parley_err_set(err, PARLEY_EINVAL, "pl_visitor_counts: NULL argument");
	memset(r, 0, sizeof *r);
	r->nth_minrank = INT_MAX;
	char status[128] = "";
	size_t len = 0;
	for (size_t i = 0; i < q->nstatus && i < 8 && len < sizeof status; i++)
		len += (size_t)snprintf(status + len, sizeof status - len, "%s%s", i ? "," : "", q->statuses[i]);
	struct vm_slot *x = memo_slot(db, q, status);
	if (x && x->loaded == 1 && memo_load(db, q, x, err) != PARLEY_OK)
		return err ? err->code : PARLEY_EDB;
	if (x && x->loaded >= 1) {
		memo_count(x, q, r);
		return PARLEY_OK;
	}
	char upto[16];
	snprintf(upto, sizeof upto, "%s9", q->day);
	sqlite3_stmt *st;
	int rc = pl_prepare_cached(db, VISITOR_COUNTS, &st, err);
	if (rc)
		return rc;
	bind_counts(st, q, upto, 1);
	if (sqlite3_step(st) == SQLITE_ROW) {
		r->nth = (long)sqlite3_column_int64(st, 0);
		const char *first = col(st, 1);
		if (first && strlen(first) >= 10)
			pl_strlcpy(r->nth_first, first, sizeof r->nth_first);
		/* the distinct levels, comma-joined (no level holds a comma) */
		for (const char *p = col(st, 2); p && *p;) {
			size_t n = strcspn(p, ",");
			char level[64];
			pl_strlcpy(level, p, n + 1 < sizeof level ? n + 1 : sizeof level);
			int k = parley_level_rank(level);
			if (k < r->nth_minrank)
				r->nth_minrank = k;
			p += n + (p[n] == ',');
		}
		r->abroad = (long)sqlite3_column_int64(st, 3);
		r->to_host = (long)sqlite3_column_int64(st, 4);
		r->outside = sqlite3_column_int64(st, 5) > 0;
	} else {
		rc = pl_db_error(db, err, "counting the visitor's visits");
	}
	pl_release(db, st);
	return rc;
}

int parley_visit_fact_get(parley_db *db, const char *id, parley_visit_fact_fn fn, void *ud,
                          parley_err *err)
{
	if (!db || !id || !fn)
		return parley_err_set(err, PARLEY_EINVAL, "parley_visit_fact_get: NULL argument");
	sqlite3_stmt *st;
	/* from the statement cache: a visit page reads one fact per miss */
	int rc = pl_prepare_cached(db, FACT_COLS " WHERE v.id = ?1", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	int has = 0;
	rc = step(db, st, &has, err);
	if (!rc && !has) {
		char v[80];
		pl_strlcpy(v, id, sizeof v);
		rc = parley_err_set(err, PARLEY_ENOTFOUND, "no visit '%s'", v);
	}
	if (!rc) {
		char date[32];
		parley_visit_fact f;
		read_fact(st, NULL, date, sizeof date, &f);
		rc = fn(ud, &f, err);
	}
	pl_release(db, st);
	return rc;
}

int pl_visit_facts_plan(parley_db *db, const parley_query *q, char *out, size_t cap,
                        parley_err *err)
{
	an_arena arena = {0};
	sqlite3_stmt *st = NULL;
	int rc = pl_query_prepare_where(db, q, "EXPLAIN QUERY PLAN " FACT_COLS,
	                                " ORDER BY v.start_key, v.id", &arena, &st, err);
	if (!rc)
		rc = pl_plan_text(st, out, cap);
	an_arena_free(&arena);
	return rc;
}

int pl_visit_fact_last_plan(parley_db *db, const parley_query *q, char *out, size_t cap,
                            parley_err *err)
{
	an_arena arena = {0};
	sqlite3_stmt *st = NULL;
	int rc = pl_query_prepare_where(db, q, "EXPLAIN QUERY PLAN " FACT_COLS, LAST_TAIL, &arena, &st, err);
	if (!rc)
		rc = pl_plan_text(st, out, cap);
	an_arena_free(&arena);
	return rc;
}

/* The grouped counts of q, one row per (from, to) in that order: "tail"
 * narrows it further (":country" bound to country when tail names it) and
 * groups.  From the tallies the store keeps (query_tally.c) when they
 * cover q: per direction and status (a few thousand rows however many
 * visits) for a status filter, else per pair, year, level, type and
 * status; else from the visits.  The home pair of every page and a
 * country's partners do not read a million visits. */
static int prepare_groups(parley_db *db, const parley_query *q, int tally, const char *tail,
                          const char *country, an_arena *arena, sqlite3_stmt **st,
                          parley_err *err)
{
	int rc;
	if (tally) {
		int dir = pl_tally_dir_covers(q);
		pl_binds b = {.n = 0, .arena = arena};
		pl_buf sql;
		pl_buf_init(&sql, 8192);
		rc = pl_buf_puts(&sql, dir ? "SELECT t.from_country, t.to_country, sum(t.n) FROM visit_tally_dir t"
		                           : "SELECT t.from_country, t.to_country, sum(t.n) FROM visit_tally t");
		if (!rc)
			rc = dir ? pl_tally_dir_where(q, &sql, &b) : pl_tally_where(q, 1, &sql, &b);
		if (!rc)
			rc = pl_buf_puts(&sql, tail);
		*st = NULL;
		if (!rc)
			rc = pl_prepare_bound(db, sql.data, &b, st, err);
		else
			rc = parley_err_set(err, rc, "reading visits: %s", parley_strstatus(rc));
		pl_buf_free(&sql);
	} else {
		rc = pl_query_prepare_where(db, q, "SELECT v.from_country, v.to_country, count(*) FROM visit v",
		                            tail, arena, st, err);
	}
	int k = rc ? 0 : sqlite3_bind_parameter_index(*st, ":country");
	if (k > 0 && sqlite3_bind_text(*st, k, country, -1, SQLITE_STATIC) != SQLITE_OK)
		rc = pl_db_error(db, err, "binding a filter");
	return rc;
}

/* GROUP BY and the sides of country=X, over the visits (v) or the tally (t) */
#define GROUPS(t) " GROUP BY " t ".from_country, " t ".to_country ORDER BY " t ".from_country, " t ".to_country"
#define MADE(t) " AND " t ".from_country = :country" GROUPS(t)
#define HOSTED(t)                                                                                  \
	" AND " t ".to_country = :country AND " t ".from_country IN (SELECT code FROM country)"      \
	" AND " t ".from_country <> :country" GROUPS(t)

int parley_visits_by_direction(parley_db *db, const parley_query *q, parley_direction_fn fn,
                               void *ud, parley_err *err)
{
	static const parley_query none;
	if (!db || !fn)
		return parley_err_set(err, PARLEY_EINVAL, "parley_visits_by_direction: no store or no callback");
	if (!q)
		q = &none;
	/* one pass, grouped in the order of visit_by_dir_cover (from, to):
	 * memory for one group at a time, whatever the store holds.  country=X
	 * is its two sides, each ranges of that index (the visits made: from X;
	 * those hosted: to X from each other country), as an OR of two indexes
	 * would read the table row of every one of X's visits to group it. */
	parley_query h = *q;
	int tally = pl_tally_covers(q);
	const char *tails[2] = {tally ? GROUPS("t") : GROUPS("v"), NULL};
	if (q->country[0]) {
		h.country[0] = '\0';
		tails[0] = tally ? MADE("t") : MADE("v");
		tails[1] = tally ? HOSTED("t") : HOSTED("v");
	}
	an_arena arena = {0};
	sqlite3_stmt *st[2] = {NULL, NULL};
	int has[2] = {0, 0}, rc = PARLEY_OK;
	for (size_t i = 0; !rc && i < 2 && tails[i]; i++) {
		rc = prepare_groups(db, &h, tally, tails[i], q->country, &arena, &st[i], err);
		if (!rc)
			rc = step(db, st[i], &has[i], err);
	}
	struct direction_emit c = {fn, ud};
	return merge_two(db, st, has, rc, &arena, emit_direction, &c, err);
}

int parley_country_name(parley_db *db, const char *code, char *name, size_t cap, parley_err *err)
{
	if (!db || !code || !name || !cap)
		return parley_err_set(err, PARLEY_EINVAL, "parley_country_name: NULL argument");
	name[0] = '\0';
	sqlite3_stmt *st;
	/* cached: a list page names each country of its facets and rows, a
	 * statement prepared for each cost more than the lookup */
	int rc = pl_prepare_cached(db, "SELECT name FROM country WHERE code = ?1", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	int has = 0;
	rc = step(db, st, &has, err);
	if (!rc && has)
		pl_strlcpy(name, col(st, 0) ? col(st, 0) : code, cap);
	else if (!rc) {
		char v[40];
		pl_strlcpy(v, code, sizeof v);
		rc = parley_err_set(err, PARLEY_ENOTFOUND, "no country '%s'", v);
	}
	pl_release(db, st);
	return rc;
}
