/*
 * query_filter.c - the one visit filter: every parameter by name, checked
 * once here, so the CLI's options and the API's query string take the same
 * names and fail with the same messages (docs/queries.md).
 */
#include "internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const char *const params[] = {
    "between", "direction", "country", "from", "to", "year", "as_of", "since", "level", "min_level",
    "type", "status", "office", "person", "visitor", "companion", "host", "top", "q", "sort",
    "limit", "offset", "page", "per_page", "after", "ids", NULL};

const char *const *parley_query_params(void)
{
	return params;
}

void parley_query_init(parley_query *q)
{
	memset(q, 0, sizeof *q);
}

/* The canonical name of parameter name ('-' read as '_'), static, or NULL. */
static const char *param_name(const char *name)
{
	char n[32];
	size_t i;
	for (i = 0; name[i] && i + 1 < sizeof n; i++)
		n[i] = name[i] == '-' ? '_' : name[i];
	n[i] = '\0';
	if (name[i])
		return NULL;
	for (const char *const *p = params; *p; p++)
		if (strcmp(*p, n) == 0)
			return *p;
	return NULL;
}

static int bad(parley_query *q, parley_err *err, const char *param, const char *what,
               const char *val)
{
	q->bad_param = param;
	char v[80];
	pl_strlcpy(v, val ? val : "", sizeof v);
	return parley_err_set(err, PARLEY_EINVAL, "parameter '%s': %s (got '%s')", param, what, v);
}

static int is_code(const char *s)
{
	size_t n = strlen(s);
	if (n < 2 || n >= PARLEY_QUERY_CODE)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isupper((unsigned char)s[i]) && !isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/* 'CHN:PRK' or 'CHN-PRK' into two different codes. */
static int parse_pair(const char *v, char *a, char *b)
{
	const char *sep = strpbrk(v, ":-");
	if (!sep || (size_t)(sep - v) >= PARLEY_QUERY_CODE || strlen(sep + 1) >= PARLEY_QUERY_CODE)
		return 0;
	memcpy(a, v, (size_t)(sep - v));
	a[sep - v] = '\0';
	pl_strlcpy(b, sep + 1, PARLEY_QUERY_CODE);
	return is_code(a) && is_code(b) && strcmp(a, b) != 0;
}

static int in_list(const char *v, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(v, *list) == 0)
			return 1;
	return 0;
}

/* Every item of a comma list is in allowed (NULL allowed: a level name). */
static int check_list(const char *v, const char *const *allowed)
{
	char item[64];
	const char *p = v;
	if (!*v || strlen(v) > 400)
		return 0;
	while (*p) {
		size_t n = strcspn(p, ",");
		if (n == 0 || n >= sizeof item)
			return 0;
		memcpy(item, p, n);
		item[n] = '\0';
		if (allowed ? !in_list(item, allowed) : parley_level_rank(item) < 0)
			return 0;
		p += n;
		if (*p == ',' && !*++p)
			return 0;
	}
	return 1;
}

static const char *const *enum_values(const char *col)
{
	const pl_concept *c = pl_concept_find("visit");
	int i = c ? pl_concept_col(c, col) : -1;
	return i >= 0 ? c->cols[i].values : NULL;
}

static int parse_long(const char *v, long lo, long hi, long *out)
{
	char *end;
	if (!*v || strlen(v) > 9)
		return 0;
	long x = strtol(v, &end, 10);
	if (*end || x < lo || x > hi)
		return 0;
	*out = x;
	return 1;
}

/* A person id or free text: bounded and valid UTF-8. */
static int text_ok(const char *v, size_t max)
{
	size_t n = strlen(v);
	return n <= max && pl_utf8_invalid_at(v, n) < 0;
}

/* from/to/year/as_of/since: the first or last day of the date into out. */
static int set_date(parley_query *q, const char *k, const char *v, parley_err *err)
{
	parley_date d;
	if (strlen(v) > 10 || parley_date_parse(v, strlen(v), &d, NULL) != PARLEY_OK)
		return bad(q, err, k, "expected a date YYYY, YYYY-MM or YYYY-MM-DD", v);
	if (strcmp(k, "year") == 0 && d.precision != PARLEY_YEAR)
		return bad(q, err, k, "expected a year YYYY", v);
	char first[16], last[16];
	parley_date_format(parley_date_from_day(parley_date_first_day(d)), first, sizeof first);
	parley_date_format(parley_date_from_day(parley_date_last_day(d)), last, sizeof last);
	if (strcmp(k, "as_of") == 0) {
		pl_strlcpy(q->as_of, last, sizeof q->as_of);
		return PARLEY_OK;
	}
	if (strcmp(k, "since") == 0) {
		pl_strlcpy(q->since, first, sizeof q->since);
		return PARLEY_OK;
	}
	/* year= narrows from= and to=, whichever order they come in */
	if (k[0] != 't' && (!q->from[0] || strcmp(first, q->from) > 0))
		pl_strlcpy(q->from, first, sizeof q->from);
	if (k[0] != 'f' && (!q->to[0] || strcmp(last, q->to) < 0))
		pl_strlcpy(q->to, last, sizeof q->to);
	return PARLEY_OK;
}

/* top=A or top=A,B: each a country of the between= pair, once. */
static int check_top(parley_query *q, parley_err *err)
{
	const char *p = q->top;
	int seen_a = 0, seen_b = 0;
	static const char *const what =
	    "expected one or both country codes of between=, separated by a comma";
	if (!q->a[0])
		return bad(q, err, "top", "needs between=A:B (the pair whose eras define the leaders)", q->top);
	while (*p) {
		size_t n = strcspn(p, ",");
		int is_a = n == strlen(q->a) && strncmp(p, q->a, n) == 0;
		int is_b = n == strlen(q->b) && strncmp(p, q->b, n) == 0;
		if ((!is_a && !is_b) || (is_a && seen_a) || (is_b && seen_b))
			return bad(q, err, "top", what, q->top);
		seen_a |= is_a;
		seen_b |= is_b;
		p += n;
		if (*p == ',' && *++p == '\0')
			return bad(q, err, "top", what, q->top);
	}
	return PARLEY_OK;
}

/* ids=A,B,...: non-empty ids of valid UTF-8,
 * at most PARLEY_QUERY_IDS_MAX of them, each of at most 200 bytes. */
static int ids_ok(const char *v)
{
	size_t n = 0;
	for (const char *p = v;; n++) {
		size_t len = strcspn(p, ",");
		char one[201];
		if (len == 0 || len > 200 || n >= PARLEY_QUERY_IDS_MAX)
			return 0;
		memcpy(one, p, len);
		one[len] = '\0';
		if (!text_ok(one, 200))
			return 0;
		if (!p[len])
			return 1;
		p += len + 1;
	}
}

int parley_query_set(parley_query *q, const char *name, const char *v, parley_err *err)
{
	const char *k = name ? param_name(name) : NULL;
	if (!k)
		return bad(q, err, name ? name : "", "unknown parameter", v);
	if (!v || !*v)
		return PARLEY_OK; /* an empty form field means no filter */
	if (strcmp(k, "between") == 0) {
		if (!parse_pair(v, q->a, q->b))
			return bad(q, err, k, "expected two country codes like CHN:PRK", v);
		if (q->top)
			return check_top(q, err);
	} else if (strcmp(k, "direction") == 0) {
		if (!parse_pair(v, q->dir_from, q->dir_to))
			return bad(q, err, k, "expected FROM:TO country codes like PRK:CHN", v);
	} else if (strcmp(k, "country") == 0) {
		if (!is_code(v))
			return bad(q, err, k, "expected a country code like PRK", v);
		pl_strlcpy(q->country, v, sizeof q->country);
	} else if (strcmp(k, "from") == 0 || strcmp(k, "to") == 0 || strcmp(k, "year") == 0 ||
	           strcmp(k, "as_of") == 0 || strcmp(k, "since") == 0) {
		return set_date(q, k, v, err);
	} else if (strcmp(k, "level") == 0) {
		if (!check_list(v, NULL))
			return bad(q, err, k, "expected level names separated by commas", v);
		q->level = v;
	} else if (strcmp(k, "min_level") == 0) {
		if (parley_level_rank(v) < 0)
			return bad(q, err, k, "expected a level name such as head_of_government", v);
		q->min_level = v;
	} else if (strcmp(k, "status") == 0 && strcmp(v, "all") == 0) {
		q->status = v; /* every status: candidates and rejected visits too */
	} else if (strcmp(k, "type") == 0 || strcmp(k, "status") == 0) {
		const char *const *ok = enum_values(k);
		if (!ok || !check_list(v, ok))
			return bad(q, err, k, k[0] == 't' ? "expected visit types separated by commas"
			                                  : "expected statuses separated by commas", v);
		*(k[0] == 't' ? &q->type : &q->status) = v;
	} else if (strcmp(k, "after") == 0) {
		if (!text_ok(v, 200))
			return bad(q, err, k, "expected a visit id of at most 200 bytes of UTF-8", v);
		q->after = v;
	} else if (strcmp(k, "ids") == 0) {
		if (!ids_ok(v))
			return bad(q, err, k, "expected visit ids separated by commas (at most 10000, each "
			                      "of at most 200 bytes of UTF-8)", v);
		q->ids = v;
	} else if (strcmp(k, "office") == 0 || strcmp(k, "person") == 0 || strcmp(k, "visitor") == 0 ||
	           strcmp(k, "companion") == 0 || strcmp(k, "host") == 0) {
		if (!text_ok(v, 200))
			return bad(q, err, k, "expected an id of at most 200 bytes of UTF-8", v);
		const char **slot = k[0] == 'o' ? &q->office : k[0] == 'p' ? &q->person
		                  : k[0] == 'v' ? &q->visitor : k[0] == 'c' ? &q->companion : &q->host;
		*slot = v;
	} else if (strcmp(k, "top") == 0) {
		q->top = v;
		if (q->a[0])
			return check_top(q, err);
	} else if (strcmp(k, "q") == 0) {
		if (!text_ok(v, 200))
			return bad(q, err, k, "expected search text of at most 200 bytes of UTF-8", v);
		q->text = v;
	} else if (strcmp(k, "sort") == 0) {
		static const char *const sorts[] = {"date", "-date", "level", "visitor", NULL};
		if (!in_list(v, sorts))
			return bad(q, err, k, "expected date, -date, level or visitor", v);
		q->sort = v;
	} else if (strcmp(k, "limit") == 0 || strcmp(k, "offset") == 0) {
		if (!parse_long(v, 0, 999999999, k[0] == 'l' ? &q->limit : &q->offset))
			return bad(q, err, k, "expected a whole number >= 0", v);
	} else if (strcmp(k, "page") == 0) {
		if (!parse_long(v, 1, 100000, &q->page))
			return bad(q, err, k, "expected a page number from 1", v);
	} else if (strcmp(k, "per_page") == 0) {
		if (!parse_long(v, 1, 1000, &q->per_page))
			return bad(q, err, k, "expected a number from 1 to 1000", v);
	}
	return PARLEY_OK;
}

/* The rows q asks for: page/per_page when given, else limit/offset. */
void pl_query_window(const parley_query *q, long *limit, long *offset)
{
	if (q->page || q->per_page) {
		long per = q->per_page ? q->per_page : 50;
		*limit = per;
		*offset = ((q->page ? q->page : 1) - 1) * per;
	} else {
		*limit = q->limit;
		*offset = q->offset;
	}
}
