/*
 * brief_fm.c - a brief's front matter: a block between two "---" lines at
 * the top of the file, one "key: value" a line.  A value is plain text to
 * the end of the line, or "double quoted", or a list: [a, b, c] on the
 * line, or "- item" lines below the key.  Only the keys below are known;
 * anything else is an error with file:line:column, so a typo never
 * publishes silently.
 */
#include "brief.h"

#include <stdlib.h>
#include <string.h>

typedef struct fm_key {
	const char *name;
	int list;        /* 1: a list of strings */
	int date;        /* 1: a date YYYY-MM-DD */
	int required;
	size_t off;      /* offsetof into pl_brief_meta */
} fm_key;

static const fm_key keys[] = {
    {"id", 0, 0, 1, offsetof(pl_brief_meta, id)},
    {"title", 0, 0, 1, offsetof(pl_brief_meta, title)},
    {"series", 0, 0, 0, offsetof(pl_brief_meta, series)},
    {"date", 0, 1, 1, offsetof(pl_brief_meta, date)},
    {"as_of", 0, 1, 1, offsetof(pl_brief_meta, as_of)},
    {"summary", 0, 0, 1, offsetof(pl_brief_meta, summary)},
    {"image", 0, 0, 0, offsetof(pl_brief_meta, image)},
    {"image_credit", 0, 0, 0, offsetof(pl_brief_meta, image_credit)},
    {"image_alt", 0, 0, 0, offsetof(pl_brief_meta, image_alt)},
    {"authors", 1, 0, 1, offsetof(pl_brief_meta, authors)},
    {"topics", 1, 0, 0, offsetof(pl_brief_meta, topics)},
    {"regions", 1, 0, 0, offsetof(pl_brief_meta, regions)},
    {"related", 1, 0, 0, offsetof(pl_brief_meta, related)},
};

static void list_free(pl_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

void pl_brief_meta_free(pl_brief_meta *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < PL_ARRAY_LEN(keys); i++) {
		if (keys[i].list)
			list_free((pl_strlist *)((char *)m + keys[i].off));
		else
			free(*(char **)((char *)m + keys[i].off));
	}
	memset(m, 0, sizeof *m);
}

static int list_add(pl_strlist *l, const char *s, size_t n)
{
	char **v = realloc(l->v, (l->n + 1) * sizeof *v);
	if (!v)
		return PARLEY_ENOMEM;
	l->v = v;
	if (!(v[l->n] = pl_strndup(s, n)))
		return PARLEY_ENOMEM;
	l->n++;
	return PARLEY_OK;
}

static int is_id_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

typedef struct fm_ctx {
	const char *name, *text;
	size_t len;
	parley_err *err;
} fm_ctx;

static int at(const fm_ctx *c, const char *p, const char *fmt, const char *arg)
{
	long line, col;
	pl_line_col(c->text, (size_t)(p - c->text), &line, &col);
	return parley_err_set(c->err, PARLEY_EDATA, "%s:%ld:%ld: %s%s", c->name, line, col, fmt,
	                      arg ? arg : "");
}

/* Strips spaces around [b, e) and one pair of double quotes; returns the
 * new string (caller frees) or NULL with err set. */
static char *scalar(const fm_ctx *c, const char *b, const char *e)
{
	while (b < e && (*b == ' ' || *b == '\t'))
		b++;
	while (e > b && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	if (b < e && *b == '"') {
		if (e - b < 2 || e[-1] != '"') {
			at(c, b, "unclosed quote", NULL);
			return NULL;
		}
		b++;
		e--;
	}
	return pl_strndup(b, (size_t)(e - b));
}

int pl_brief_meta_parse(const char *name, const char *text, size_t len, pl_brief_meta *m,
                        parley_err *err)
{
	memset(m, 0, sizeof *m);
	fm_ctx c = {name, text, len, err};
	if (pl_utf8_invalid_at(text, len) >= 0)
		return at(&c, text + pl_utf8_invalid_at(text, len), "invalid UTF-8", NULL);
	if (memchr(text, '\0', len))
		return at(&c, (const char *)memchr(text, '\0', len), "NUL byte in the file", NULL);
	/* "---" then LF or CRLF (a CR alone is not a line end here: found by
	 * fuzz_brief_expr) */
	size_t first = len >= 4 && text[3] == '\n' ? 4 : len >= 5 && text[3] == '\r' && text[4] == '\n' ? 5 : 0;
	if (!first || strncmp(text, "---", 3) != 0)
		return at(&c, text, "expected the front matter to start with a line '---'", NULL);
	const char *p = text + first, *end = text + len;
	const fm_key *cur = NULL; /* a list key awaiting "- item" lines */
	int seen[PL_ARRAY_LEN(keys)] = {0};
	int rc = PARLEY_OK, closed = 0;
	while (p < end && !rc) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		const char *next = eol < end ? eol + 1 : end;
		size_t ll = (size_t)(eol - p);
		if (ll && p[ll - 1] == '\r')
			ll--;
		if (ll == 3 && strncmp(p, "---", 3) == 0) {
			closed = 1;
			p = next;
			break;
		}
		const char *q = p;
		while (q < p + ll && (*q == ' ' || *q == '\t'))
			q++;
		if (q == p + ll || *q == '#') { /* blank or comment */
			p = next;
			continue;
		}
		if (*q == '-' && (q + 1 == p + ll || q[1] == ' ')) {
			if (!cur || q == p) {
				rc = at(&c, q, "a '- item' line must be indented under a list key", NULL);
				break;
			}
			char *s = scalar(&c, q + 1, p + ll);
			if (!s || !*s) {
				rc = s ? at(&c, q, "empty list item", NULL) : PARLEY_EDATA;
				free(s);
				break;
			}
			rc = list_add((pl_strlist *)((char *)m + cur->off), s, strlen(s));
			free(s);
			p = next;
			continue;
		}
		if (q != p) {
			rc = at(&c, q, "unexpected indentation", NULL);
			break;
		}
		const char *colon = memchr(p, ':', ll);
		if (!colon) {
			rc = at(&c, p, "expected 'key: value'", NULL);
			break;
		}
		size_t k;
		for (k = 0; k < PL_ARRAY_LEN(keys); k++)
			if (strlen(keys[k].name) == (size_t)(colon - p) &&
			    strncmp(keys[k].name, p, (size_t)(colon - p)) == 0)
				break;
		if (k == PL_ARRAY_LEN(keys)) {
			char key[64];
			snprintf(key, sizeof key, "%.*s", (int)(colon - p) < 60 ? (int)(colon - p) : 60, p);
			rc = at(&c, p, "unknown key: ", key);
			break;
		}
		if (seen[k]++) {
			rc = at(&c, p, "key given twice: ", keys[k].name);
			break;
		}
		cur = NULL;
		const char *v = colon + 1;
		while (v < p + ll && (*v == ' ' || *v == '\t'))
			v++;
		if (keys[k].list) {
			pl_strlist *l = (pl_strlist *)((char *)m + keys[k].off);
			if (v == p + ll) {
				cur = &keys[k];
			} else if (*v == '[') {
				const char *close = memchr(v, ']', (size_t)(p + ll - v));
				if (!close) {
					rc = at(&c, v, "expected ']' to close the list", NULL);
					break;
				}
				const char *it = v + 1;
				while (it < close && !rc) {
					const char *comma = memchr(it, ',', (size_t)(close - it));
					if (!comma)
						comma = close;
					char *s = scalar(&c, it, comma);
					if (!s) {
						rc = PARLEY_EDATA;
					} else if (*s) {
						rc = list_add(l, s, strlen(s));
					} else if (comma != close || it != v + 1) {
						rc = at(&c, it, "empty list item", NULL);
					}
					free(s);
					it = comma + 1;
				}
			} else {
				rc = at(&c, v, "expected a list: [a, b] or '- item' lines below", NULL);
			}
		} else {
			char *s = scalar(&c, v, p + ll);
			if (!s) {
				rc = PARLEY_EDATA;
				break;
			}
			*(char **)((char *)m + keys[k].off) = s;
			if (keys[k].date) {
				parley_date d;
				if (strlen(s) != 10 || parley_date_parse(s, 10, &d, NULL) != PARLEY_OK) {
					rc = at(&c, v, "expected a date YYYY-MM-DD for ", keys[k].name);
					break;
				}
			}
		}
		p = next;
	}
	if (!rc && !closed)
		rc = at(&c, end, "the front matter has no closing line '---'", NULL);
	for (size_t k = 0; !rc && k < PL_ARRAY_LEN(keys); k++) {
		if (!keys[k].required)
			continue;
		int empty = keys[k].list ? ((pl_strlist *)((char *)m + keys[k].off))->n == 0
		                         : !*(char **)((char *)m + keys[k].off) ||
		                               !**(char **)((char *)m + keys[k].off);
		if (empty)
			rc = at(&c, text, "missing required key: ", keys[k].name);
	}
	if (!rc) {
		for (const char *s = m->id; *s; s++)
			if (!is_id_char(*s)) {
				rc = at(&c, text, "id must be lower-case letters, digits and '-': ", m->id);
				break;
			}
	}
	if (rc) {
		pl_brief_meta_free(m);
		return rc;
	}
	m->body_off = (size_t)(p - text);
	long col;
	pl_line_col(text, m->body_off, &m->body_line, &col);
	return PARLEY_OK;
}
