/*
 * brief_expr.c - the live-figure expression language, tokenized by hand.
 *
 *   expr  := ws fn [ws word] (ws arg)* ws
 *   fn    := name                      count | rate | first | gap | sentence | chart
 *   word  := name                      a bare word ("eras" in `chart eras`)
 *   arg   := key '=' value
 *   key   := [a-z] [a-z0-9_-]*
 *   value := bare | '"' { char | '\"' | '\\' } '"'
 *   bare  := one or more of [A-Za-z0-9] and : . , / _ - +
 *
 * Everything else is an error naming the byte where it happened, so a
 * brief's author is told "kim.md:12:31: expected '=' after 'pair'".
 */
#include "brief.h"

#include <stdlib.h>
#include <string.h>

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
static int is_lower(char c) { return c >= 'a' && c <= 'z'; }
static int is_alnum(char c)
{
	return is_lower(c) || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
static int is_name(char c) { return is_lower(c) || (c >= '0' && c <= '9') || c == '_' || c == '-'; }
static int is_bare(char c)
{
	return is_alnum(c) || c == ':' || c == '.' || c == ',' || c == '/' || c == '_' || c == '-' ||
	       c == '+';
}

void pl_expr_free(pl_expr *e)
{
	if (!e)
		return;
	free(e->fn);
	free(e->word);
	for (size_t i = 0; i < e->nargs; i++) {
		free(e->keys[i]);
		free(e->values[i]);
	}
	memset(e, 0, sizeof *e);
}

const char *pl_expr_get(const pl_expr *e, const char *key)
{
	for (size_t i = 0; i < e->nargs; i++)
		if (strcmp(e->keys[i], key) == 0)
			return e->values[i];
	return NULL;
}

/* Frees e, notes where the error is and sets err; every caller's format
 * takes exactly one %s (a literal, checked by the compiler at each call). */
#define fail(e, at, err_col, err, fmt, arg) \
	(pl_expr_free(e), ((err_col) ? (void)(*(err_col) = (at)) : (void)0), \
	 parley_err_set((err), PARLEY_EDATA, fmt, (arg) ? (const char *)(arg) : ""))

/* Reads a name at s[*i]; returns a new string or NULL when none is there. */
static char *name_at(const char *s, size_t n, size_t *i)
{
	size_t b = *i;
	if (b >= n || !is_lower(s[b]))
		return NULL;
	while (*i < n && is_name(s[*i]))
		(*i)++;
	return pl_strndup(s + b, *i - b);
}

int pl_expr_parse(const char *s, size_t n, pl_expr *e, size_t *err_col, parley_err *err)
{
	memset(e, 0, sizeof *e);
	if (n > PL_EXPR_MAX)
		return fail(e, PL_EXPR_MAX, err_col, err, "expression longer than 1024 bytes%s", NULL);
	size_t i = 0;
	while (i < n && is_space(s[i]))
		i++;
	if (i >= n)
		return fail(e, i, err_col, err, "empty expression: expected a function name (count, rate, first, gap, sentence, chart)%s", NULL);
	e->fn = name_at(s, n, &i);
	if (!e->fn)
		return fail(e, i, err_col, err, "expected a function name in lower case%s", NULL);
	for (;;) {
		size_t ws = i;
		while (i < n && is_space(s[i]))
			i++;
		if (i >= n)
			break;
		if (i == ws)
			return fail(e, i, err_col, err, "expected a space before '%.1s'", s + i);
		size_t kstart = i;
		char *key = name_at(s, n, &i);
		if (!key)
			return fail(e, i, err_col, err, "expected a name (key=value), not '%.1s'", s + i);
		if (i >= n || s[i] != '=') {
			if (i < n && !is_space(s[i])) {
				free(key);
				return fail(e, i, err_col, err, "unexpected '%.1s' in a name", s + i);
			}
			/* a bare word: only one, right after the function */
			if (e->word || e->nargs) {
				pl_expr_free(e);
				if (err_col)
					*err_col = kstart;
				int rc = parley_err_set(err, PARLEY_EDATA, "expected '=' after '%s'", key);
				free(key);
				return rc;
			}
			e->word = key;
			continue;
		}
		if (pl_expr_get(e, key)) {
			pl_expr_free(e);
			if (err_col)
				*err_col = kstart;
			int rc = parley_err_set(err, PARLEY_EDATA, "'%s' given twice", key);
			free(key);
			return rc;
		}
		if (e->nargs >= PL_EXPR_MAX_ARGS) {
			free(key);
			return fail(e, kstart, err_col, err, "more than 16 arguments%s", NULL);
		}
		i++; /* '=' */
		pl_buf v;
		pl_buf_init(&v, PL_EXPR_VALUE_MAX + 1);
		size_t vstart = i;
		int rc = 0;
		if (i < n && s[i] == '"') {
			i++;
			for (;;) {
				if (i >= n) {
					pl_buf_free(&v);
					free(key);
					return fail(e, vstart, err_col, err, "unclosed quote%s", NULL);
				}
				char c = s[i];
				if (c == '"')
					break;
				if (c == '\\') {
					if (i + 1 >= n || (s[i + 1] != '"' && s[i + 1] != '\\')) {
						pl_buf_free(&v);
						free(key);
						return fail(e, i, err_col, err, "bad escape: only \\\" and \\\\ are allowed%s", NULL);
					}
					c = s[++i];
				} else if ((unsigned char)c < 0x20) {
					pl_buf_free(&v);
					free(key);
					return fail(e, i, err_col, err, "control character in a quoted value%s", NULL);
				}
				if (!rc) rc = pl_buf_putc(&v, c);
				i++;
			}
			i++; /* closing quote */
			if (i < n && !is_space(s[i])) {
				pl_buf_free(&v);
				free(key);
				return fail(e, i, err_col, err, "expected a space after the closing quote, not '%.1s'", s + i);
			}
		} else {
			while (i < n && is_bare(s[i])) {
				if (!rc) /* past the limit: keep reading, the length check below reports it */
					rc = pl_buf_putc(&v, s[i]);
				i++;
			}
			if (i == vstart || (i < n && !is_space(s[i]))) {
				pl_buf_free(&v);
				free(key);
				return fail(e, i, err_col, err,
				            i < n ? "unexpected '%.1s' in a value (quote it)" : "expected a value%s",
				            i < n ? s + i : NULL);
			}
		}
		if (rc || v.len > PL_EXPR_VALUE_MAX) {
			pl_buf_free(&v);
			free(key);
			return fail(e, vstart, err_col, err, "value longer than 256 bytes%s", NULL);
		}
		if (pl_utf8_invalid_at(v.data ? v.data : "", v.len) >= 0) {
			pl_buf_free(&v);
			free(key);
			return fail(e, vstart, err_col, err, "value is not valid UTF-8%s", NULL);
		}
		e->keys[e->nargs] = key;
		e->values[e->nargs] = v.data ? v.data : pl_strdup("");
		e->nargs++;
	}
	return PARLEY_OK;
}

int pl_expr_next(const char *text, size_t len, size_t *pos, size_t *start, size_t *end)
{
	const char *p = text + *pos, *lim = text + len;
	while (p + 1 < lim && !(p[0] == '{' && p[1] == '{'))
		p++;
	if (p + 1 >= lim) {
		*pos = len;
		return 0;
	}
	*start = (size_t)(p - text);
	int quoted = 0;
	for (const char *q = p + 2; q < lim; q++) {
		if (quoted && *q == '\\' && q + 1 < lim) {
			q++;
		} else if (*q == '"') {
			quoted = !quoted;
		} else if (!quoted && *q == '}' && q + 1 < lim && q[1] == '}') {
			*end = (size_t)(q + 2 - text);
			*pos = *end;
			return 1;
		} else if (*q == '\n' && q + 1 < lim && q[1] == '\n') {
			break; /* an expression never spans a blank line */
		}
	}
	*pos = len;
	return PARLEY_EDATA;
}

