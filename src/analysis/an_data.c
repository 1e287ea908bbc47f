/*
 * an_data.c - the in-memory dataset the analyses compute on.
 *
 * Strings live in an arena freed with the dataset, so that results can
 * borrow visit ids and names from it without copying: a result owns its
 * dataset and frees it.  an_prepare() sorts and derives what every analysis
 * needs (first possible days, the "top visit" mark) once.
 */
#include "an.h"
#include "internal.h" /* pl_map */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct an_chunk {
	an_chunk *next;
	size_t used, cap;
	max_align_t data[];
};

#define AN_CHUNK 65536
/* Chunks double from AN_CHUNK up to AN_CHUNK_MAX: a pair of 100,000 visits
 * fills a few large chunks, not two hundred of 64 KiB. */
#define AN_CHUNK_MAX ((size_t)4 << 20)
/* The chunks and the visits array are ordinary heap memory, not mappings
 * advised MADV_HUGEPAGE (as they were in the fifth session: 5,714 page
 * faults of eras CHN USA at 1M became 1,568, some 6 ms).  A huge page is
 * a free 2 MiB block, which the kernel may have to compact memory for,
 * and which a VM whose balloon reports free pages (this machine:
 * page_reporting_order 9) has handed back to the host: clearing it then
 * faults on the host page by page.  That made one run in 10-20 of eras
 * and of a fresh server's /pair/CHN-USA take 100-250 ms more, all of it
 * kernel time in clear_page_erms or compaction (docs/performance.md,
 * "First-request outliers").  The heap also keeps what a server's request
 * freed for its next one. */

/* n bytes, not zeroed (an_strdup overwrites them all). */
static void *alloc_raw(an_arena *a, size_t n)
{
	if (n > SIZE_MAX / 2)
		return NULL; /* the rounding and the chunk header below must not wrap */
	n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
	if (n == 0)
		n = sizeof(max_align_t);
	an_chunk *c = a->head;
	if (!c || c->cap - c->used < n) {
		size_t cap = !c ? AN_CHUNK : c->cap >= AN_CHUNK_MAX / 2 ? AN_CHUNK_MAX : c->cap * 2;
		if (cap < n)
			cap = n;
		if (!(c = malloc(sizeof *c + cap)))
			return NULL;
		c->next = a->head;
		c->used = 0;
		c->cap = cap;
		a->head = c;
	}
	void *p = (char *)c->data + c->used;
	c->used += n;
	return p;
}

void *an_alloc(an_arena *a, size_t n)
{
	void *p = alloc_raw(a, n);
	if (p)
		memset(p, 0, n);
	return p;
}

const char *an_strdup(an_arena *a, const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s);
	char *p = alloc_raw(a, n + 1);
	if (p)
		memcpy(p, s, n + 1);
	return p;
}

void an_arena_free(an_arena *a)
{
	an_chunk *c = a->head;
	while (c) {
		an_chunk *n = c->next;
		free(c);
		c = n;
	}
	a->head = NULL;
}

an_data *an_data_new(void)
{
	an_data *d = calloc(1, sizeof(an_data));
	if (d)
		d->release_through = d->latest = AN_OPEN; /* nothing says where the data ends */
	return d;
}

void an_data_free(an_data *d)
{
	if (!d)
		return;
	if (d->refs > 0) { /* another result still reads it */
		d->refs--;
		return;
	}
	an_arena_free(&d->arena);
	free(d->v);
	free(d->t);
	free(d->c);
	free(d->m);
	free(d->p);
	free(d->k);
	free(d->p_by_id);
	free(d->top_by_person);
	if (d->names) {
		pl_map_free(d->names);
		free(d->names);
	}
	free(d);
}

/* Grows an array of elements of size sz to hold one more. */
static int grow(void **arr, size_t *cap, size_t n, size_t sz)
{
	if (n < *cap)
		return PARLEY_OK;
	size_t nc = *cap ? *cap * 2 : 64;
	void *p = realloc(*arr, nc * sz);
	if (!p)
		return PARLEY_ENOMEM;
	*arr = p;
	*cap = nc;
	return PARLEY_OK;
}

/* Empty strings mean "no value", as in the store's CSV. */
static const char *dup_opt(an_data *d, const char *s)
{
	return s && *s ? an_strdup(&d->arena, s) : NULL;
}

/* True when an optional value was given but its copy failed: a visitor
 * lost that way would be counted as unidentified, so it is an error. */
static bool lost(const char *in, const char *copy)
{
	return in && *in && !copy;
}

static int parse_date(const char *s, const char *what, const char *rec, parley_date *out,
                      parley_err *err)
{
	if (!s || !*s)
		return parley_err_set(err, PARLEY_EDATA, "analysis: %s %s has no date", what,
		                      rec ? rec : "?");
	parley_err e = {0};
	if (parley_date_parse(s, strlen(s), out, &e) != PARLEY_OK)
		return parley_err_set(err, PARLEY_EDATA, "analysis: %s %s: bad date '%s'", what,
		                      rec ? rec : "?", s);
	return PARLEY_OK;
}

/* The first day of start into *first and, when end is given, its first
 * day (last 0) or last day (last 1) into *stop, else AN_OPEN; what_start
 * and what_end name the dates in errors, with who. */
static int parse_span(const char *start, const char *end, const char *what_start,
                      const char *what_end, const char *who, int last, long *first, long *stop,
                      parley_err *err)
{
	parley_date s, e;
	int rc = parse_date(start, what_start, who, &s, err);
	if (rc)
		return rc;
	*first = parley_date_first_day(s);
	*stop = AN_OPEN;
	if (end && *end) {
		rc = parse_date(end, what_end, who, &e, err);
		if (rc)
			return rc;
		*stop = last ? parley_date_last_day(e) : parley_date_first_day(e);
	}
	return PARLEY_OK;
}

/* vocab() past its first guess: s among every entry, else added. */
static const char *vocab_find(an_data *d, const char *s, size_t *hint)
{
	for (size_t i = 0; i < d->nvocab; i++)
		if (d->vocab[i][0] == s[0] && strcmp(d->vocab[i], s) == 0) {
			*hint = i;
			return d->vocab[i];
		}
	const char *c = an_strdup(&d->arena, s);
	if (c && d->nvocab < sizeof d->vocab / sizeof d->vocab[0]) {
		*hint = d->nvocab;
		/* what a level text means, found once per text, not once a visit */
		d->vocab_rank[d->nvocab] = parley_level_rank(c);
		d->vocab_level[d->nvocab] = an_level_index(c);
		d->vocab[d->nvocab++] = c;
	}
	return c;
}

/* A copy of s shared by every visit with the same text: countries,
 * levels, types and statuses take few values, so a short list holds them
 * (a store of 100,000 visits copies each once, not 100,000 times). */
static inline const char *vocab(an_data *d, const char *s, size_t *hint)
{
	/* the entry this field found last is tried first, inline (five times
	 * a visit): a pair's visits come one direction at a time, most of one
	 * status, so it is the answer for their countries and statuses nearly
	 * always */
	size_t h = *hint;
	if (h < d->nvocab && d->vocab[h][0] == s[0] && strcmp(d->vocab[h], s) == 0)
		return d->vocab[h];
	return vocab_find(d, s, hint);
}

/* The one copy of a visitor id or label: a pair's 100,000 visits name a
 * few hundred people, so each text is copied once (the map's key), not
 * once a visit, and equal texts share a pointer (an_prepare's memo).
 * Empty means no value, as in dup_opt; NULL also when out of memory. */
static const char *intern(an_data *d, const char *s, long mark)
{
	if (!s || !*s)
		return NULL;
	if (!d->names && !(d->names = calloc(1, sizeof *d->names)))
		return NULL;
	int added;
	pl_map_slot *k = pl_map_put(d->names, s, strlen(s), &added);
	if (!k)
		return NULL;
	k->n |= mark; /* AN_NAME_VISITOR: the loader reads these people (an_load.c) */
	return k->key;
}

int an_add_visit(an_data *d, const char *id, const char *visitor, const char *name,
                 const char *from, const char *to, const char *level, const char *type,
                 const char *status, const char *start, parley_err *err)
{
	if (!id || !from || !to)
		return parley_err_set(err, PARLEY_EDATA, "analysis: visit without id or countries");
	if (grow((void **)&d->v, &d->capv, d->nv, sizeof *d->v))
		return parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory adding visit %s", id);
	an_visit v = {0};
	/* visits come in date order, a few on each day: a start like the
	 * previous visit's is not parsed again */
	struct an_last_start *last = &d->last_start;
	if (start && last->text[0] && strcmp(start, last->text) == 0) {
		v.start = last->start;
		v.day = last->day;
		v.day_last = last->day_last;
	} else {
		int rc = parse_date(start, "visit", id, &v.start, err);
		if (rc)
			return rc;
		v.day = parley_date_first_day(v.start);
		v.day_last = parley_date_last_day(v.start);
		size_t n = strlen(start);
		if (n < sizeof last->text) {
			memcpy(last->text, start, n + 1);
			last->start = v.start;
			last->day = v.day;
			last->day_last = v.day_last;
		}
	}
	v.id = an_strdup(&d->arena, id);
	v.visitor = intern(d, visitor, AN_NAME_VISITOR);
	v.name = intern(d, name, 0);
	v.from = vocab(d, from, &d->vocab_hint[0]);
	v.to = vocab(d, to, &d->vocab_hint[1]);
	v.level = vocab(d, level && *level ? level : "unknown", &d->vocab_hint[2]);
	v.type = vocab(d, type && *type ? type : "unknown", &d->vocab_hint[3]);
	v.status = vocab(d, status && *status ? status : "confirmed", &d->vocab_hint[4]);
	/* a label such as 'unidentified (Beyond Parallel dataset entry)' names nobody */
	v.unidentified = !v.visitor && (!v.name || strncasecmp(v.name, "unidentified", 12) == 0 ||
	                                strncasecmp(v.name, "unknown", 7) == 0);
	if (!v.id || !v.from || !v.to || !v.level || !v.type || !v.status ||
	    lost(visitor, v.visitor) || lost(name, v.name))
		return parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory adding visit %s", id);
	size_t h = d->vocab_hint[2];
	int known = h < d->nvocab && d->vocab[h] == v.level;
	v.rank = known ? d->vocab_rank[h] : parley_level_rank(v.level);
	v.level_ix = known ? d->vocab_level[h] : an_level_index(v.level);
	d->v[d->nv++] = v;
	return PARLEY_OK;
}

int an_add_tenure(an_data *d, const char *person, const char *name, const char *office,
                  const char *office_name, const char *country, const char *rank, const char *start, const char *end,
                  parley_err *err)
{
	if (!person || !office)
		return parley_err_set(err, PARLEY_EDATA, "analysis: tenure without person or office");
	if (grow((void **)&d->t, &d->capt, d->nt, sizeof *d->t))
		return parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory adding a tenure");
	an_tenure t = {0};
	/* a tenure ends on the first day its end date names */
	int rc = parse_span(start, end, "tenure of", "tenure end of", person, 0, &t.first, &t.end, err);
	if (rc)
		return rc;
	t.person = an_strdup(&d->arena, person);
	t.name = an_strdup(&d->arena, name && *name ? name : person);
	t.office = an_strdup(&d->arena, office);
	t.office_name = an_strdup(&d->arena, office_name && *office_name ? office_name : office);
	t.country = dup_opt(d, country);
	t.rank = an_strdup(&d->arena, rank && *rank ? rank : "unknown");
	t.start_text = an_strdup(&d->arena, start);
	if (!t.person || !t.name || !t.office || !t.rank || !t.start_text ||
	    lost(country, t.country))
		return parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory adding a tenure");
	d->t[d->nt++] = t;
	free(d->top_by_person); /* an_prepare builds it again */
	d->top_by_person = NULL;
	d->ntop = 0;
	return PARLEY_OK;
}

int an_add_cover(an_data *d, const char *id, const char *desc, const char *from,
                 const char *to, const char *min_level, const char *start, const char *end,
                 const char *person, parley_err *err)
{
	if (!id)
		return parley_err_set(err, PARLEY_EDATA, "analysis: coverage without id");
	if (grow((void **)&d->c, &d->capc, d->nc, sizeof *d->c))
		return parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory adding coverage");
	an_cover c = {0};
	c.through = AN_OPEN;
	/* coverage runs to the last day its end date names */
	int rc = parse_span(start, end, "coverage", "coverage end", id, 1, &c.first, &c.last, err);
	if (rc)
		return rc;
	c.id = an_strdup(&d->arena, id);
	c.desc = an_strdup(&d->arena, desc && *desc ? desc : id);
	c.from = dup_opt(d, from);
	c.to = dup_opt(d, to);
	c.min_level = an_strdup(&d->arena, min_level && *min_level ? min_level : "unknown");
	c.person = dup_opt(d, person);
	c.start_text = an_strdup(&d->arena, start);
	c.end_text = dup_opt(d, end);
	if (!c.id || !c.desc || !c.min_level || !c.start_text || lost(from, c.from) ||
	    lost(to, c.to) || lost(person, c.person) || lost(end, c.end_text))
		return parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory adding coverage");
	d->c[d->nc++] = c;
	return PARLEY_OK;
}

int an_cover_set_through(an_data *d, const char *through, parley_err *err)
{
	if (!d->nc || !through || !*through)
		return PARLEY_OK;
	an_cover *c = &d->c[d->nc - 1];
	parley_date t;
	if (parse_date(through, "coverage data_through", c->id, &t, err))
		return PARLEY_EDATA;
	c->through = parley_date_last_day(t);
	return PARLEY_OK;
}

int an_add_member(an_data *d, const char *visit, const char *role, const char *person,
                  const char *name, parley_err *err)
{
	if (!visit || !role)
		return parley_err_set(err, PARLEY_EDATA, "analysis: delegation member without visit");
	if (grow((void **)&d->m, &d->capm, d->nm, sizeof *d->m))
		return parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory adding a member");
	an_member m = {an_strdup(&d->arena, visit), an_strdup(&d->arena, role), dup_opt(d, person),
	               an_strdup(&d->arena, name && *name ? name : (person ? person : "?"))};
	if (!m.visit || !m.role || !m.name || lost(person, m.person))
		return parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory adding a member");
	d->m[d->nm++] = m;
	return PARLEY_OK;
}

int an_add_person(an_data *d, const char *id, const char *name, const char *country,
                  const char *birth, parley_err *err)
{
	if (!id)
		return parley_err_set(err, PARLEY_EDATA, "analysis: person without id");
	if (grow((void **)&d->p, &d->capp, d->np, sizeof *d->p))
		return parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory adding a person");
	an_person p = {an_strdup(&d->arena, id), an_strdup(&d->arena, name && *name ? name : id),
	               dup_opt(d, country), LONG_MIN};
	parley_date b;
	parley_err e = {0};
	if (birth && *birth && parley_date_parse(birth, strlen(birth), &b, &e) == PARLEY_OK)
		p.birth = parley_date_first_day(b);
	if (!p.id || !p.name || lost(country, p.country))
		return parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory adding a person");
	d->p[d->np++] = p;
	free(d->p_by_id); /* an_prepare builds it again */
	d->p_by_id = NULL;
	return PARLEY_OK;
}

int an_add_country(an_data *d, const char *code, const char *name, parley_err *err)
{
	if (!code)
		return parley_err_set(err, PARLEY_EDATA, "analysis: country without code");
	if (grow((void **)&d->k, &d->capk, d->nk, sizeof *d->k))
		return parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory adding a country");
	an_person k = {an_strdup(&d->arena, code), an_strdup(&d->arena, name && *name ? name : code),
	               NULL, LONG_MIN};
	if (!k.id || !k.name)
		return parley_err_set(err, PARLEY_ENOMEM, "analysis: out of memory adding a country");
	d->k[d->nk++] = k;
	return PARLEY_OK;
}

const char *an_country_name(const an_data *d, const char *code)
{
	for (size_t i = 0; code && i < d->nk; i++)
		if (strcmp(d->k[i].id, code) == 0)
			return d->k[i].name;
	return code;
}

static int visit_cmp(const void *x, const void *y)
{
	const an_visit *a = x, *b = y;
	if (a->day != b->day)
		return a->day < b->day ? -1 : 1;
	/* the ordering rule: on a tie the finer date comes first */
	if (a->start.precision != b->start.precision)
		return a->start.precision > b->start.precision ? -1 : 1;
	return strcmp(a->id, b->id);
}

static int tenure_cmp(const void *x, const void *y)
{
	const an_tenure *a = x, *b = y;
	int c = strcmp(a->office, b->office);
	if (c)
		return c;
	if (a->first != b->first)
		return a->first < b->first ? -1 : 1;
	return strcmp(a->person, b->person);
}

const an_person *an_person_find(const an_data *d, const char *id)
{
	if (!id)
		return NULL;
	if (d->p_by_id) {
		size_t lo = 0, hi = d->np;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			int c = strcmp(d->p[d->p_by_id[mid]].id, id);
			if (c == 0)
				return &d->p[d->p_by_id[mid]];
			if (c < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		return NULL;
	}
	for (size_t i = 0; i < d->np; i++)
		if (strcmp(d->p[i].id, id) == 0)
			return &d->p[i];
	return NULL;
}

const char *an_person_name(const an_data *d, const char *id)
{
	const an_person *p = an_person_find(d, id);
	if (p)
		return p->name;
	for (size_t i = 0; i < d->nt; i++)
		if (id && strcmp(d->t[i].person, id) == 0)
			return d->t[i].name;
	return id;
}

/* The first of person's paramount-leader tenures in top_by_person (a
 * binary search; ntop when none). */
static size_t top_first(const an_data *d, const char *person)
{
	size_t lo = 0, hi = d->ntop;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(d->t[d->top_by_person[mid]].person, person) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* A visit is a "top" visit when its level says so, or when its visitor held
 * the visiting country's paramount-leader office on the first possible day
 * of its start (the era rule).  lo is top_first(d, v->visitor). */
static int is_top(const an_data *d, const an_visit *v, size_t lo)
{
	if (v->level[0] == 'p' && strcmp(v->level, "paramount_leader") == 0)
		return 1;
	if (!v->visitor)
		return 0;
	if (!d->top_by_person) { /* not prepared, or no memory for the index: scan */
		for (size_t i = 0; i < d->nt; i++) {
			const an_tenure *t = &d->t[i];
			if (strcmp(t->rank, "paramount_leader") == 0 && t->country &&
			    strcmp(t->country, v->from) == 0 && strcmp(t->person, v->visitor) == 0 &&
			    t->first <= v->day && v->day < t->end)
				return 1;
		}
		return 0;
	}
	/* the visitor's paramount-leader tenures: a range of top_by_person */
	for (size_t i = lo; i < d->ntop; i++) {
		const an_tenure *t = &d->t[d->top_by_person[i]];
		if (strcmp(t->person, v->visitor) != 0)
			break;
		if (!t->country || strcmp(t->country, v->from) != 0)
			continue;
		if (t->first <= v->day && v->day < t->end)
			return 1;
	}
	return 0;
}

/* qsort_r is not C17: the arrays being sorted are named here. */
static _Thread_local const an_data *sort_data;

static int person_idx_cmp(const void *x, const void *y)
{
	size_t a = *(const size_t *)x, b = *(const size_t *)y;
	int c = strcmp(sort_data->p[a].id, sort_data->p[b].id);
	return c ? c : (a > b) - (a < b); /* the first of equal ids first, as the scan found it */
}

static int tenure_idx_cmp(const void *x, const void *y)
{
	size_t a = *(const size_t *)x, b = *(const size_t *)y;
	int c = strcmp(sort_data->t[a].person, sort_data->t[b].person);
	return c ? c : (a > b) - (a < b);
}

void an_prepare(an_data *d)
{
	/* the query layer reads visits in this order already: sort only when
	 * they are not (fixtures, merged reads), a pass instead of n log n */
	size_t k = 1;
	while (k < d->nv && visit_cmp(&d->v[k - 1], &d->v[k]) <= 0)
		k++;
	if (k < d->nv)
		qsort(d->v, d->nv, sizeof *d->v, visit_cmp);
	if (d->nt)
		qsort(d->t, d->nt, sizeof *d->t, tenure_cmp);
	/* lookup indexes; without memory for them the lookups scan, as before */
	free(d->p_by_id);
	free(d->top_by_person);
	d->p_by_id = malloc((d->np ? d->np : 1) * sizeof *d->p_by_id);
	d->top_by_person = malloc((d->nt ? d->nt : 1) * sizeof *d->top_by_person);
	d->ntop = 0;
	sort_data = d;
	if (d->p_by_id) {
		for (size_t i = 0; i < d->np; i++)
			d->p_by_id[i] = i;
		qsort(d->p_by_id, d->np, sizeof *d->p_by_id, person_idx_cmp);
	}
	if (d->top_by_person) {
		for (size_t i = 0; i < d->nt; i++)
			if (strcmp(d->t[i].rank, "paramount_leader") == 0)
				d->top_by_person[d->ntop++] = i;
		qsort(d->top_by_person, d->ntop, sizeof *d->top_by_person, tenure_idx_cmp);
	}
	sort_data = NULL;
	/* what each visitor's lookups found, by the pointer of its id: visits
	 * of one visitor share it (intern), so 100,000 visits of a few hundred
	 * people search the indexes a few hundred times; a pointer not in the
	 * memo (another copy of an id, a slot taken) searches again */
	struct {
		const char *id;
		size_t top;
		const an_person *p;
	} memo[256];
	memset(memo, 0, sizeof memo);
	for (size_t i = 0; i < d->nv; i++) {
		an_visit *v = &d->v[i];
		size_t h = ((uintptr_t)v->visitor >> 4) % (sizeof memo / sizeof memo[0]);
		if (v->visitor && memo[h].id != v->visitor) {
			memo[h].id = v->visitor;
			memo[h].top = d->top_by_person ? top_first(d, v->visitor) : 0;
			memo[h].p = an_person_find(d, v->visitor);
		}
		v->top = is_top(d, v, v->visitor ? memo[h].top : 0);
		/* the person's name, else the record's label (as COALESCE(name, label)) */
		const an_person *p = v->label_name && v->visitor ? memo[h].p : NULL;
		if (p)
			v->name = p->name;
		else if (!v->name && v->visitor)
			v->name = an_person_name(d, v->visitor);
	}
}
