/*
 * template.c - a small Mustache-style renderer over jansson values.
 *
 * Pages are built as JSON values first (the same values the API returns)
 * and then rendered through templates, so what a page shows and what the
 * API says cannot drift apart.  Debian has no C Mustache library, and the
 * subset needed here is small: variables (escaped by default), sections,
 * inverted sections, partials and comments.  See web.h for the syntax.
 *
 * The renderer works directly on the template text (no compile step); the
 * server caches whole responses, so templates are not on the hot path.
 */
#include "web.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TPL_MAX_STACK 64   /* nested sections */
#define TPL_MAX_PARTIAL 16 /* nested partials */
#define TPL_MAX_NAME 128

typedef struct tpl_state {
	pl_buf *out;
	json_t *stack[TPL_MAX_STACK];
	int depth;
	int partial_depth;
	pl_tpl_partial_fn partial;
	void *ud;
	parley_err *err;
} tpl_state;

/* Looks a dotted name up from the innermost context outwards. */
static json_t *lookup(tpl_state *st, const char *name)
{
	if (strcmp(name, ".") == 0)
		return st->depth ? st->stack[st->depth - 1] : NULL;
	char first[TPL_MAX_NAME];
	const char *dot = strchr(name, '.');
	size_t n = dot ? (size_t)(dot - name) : strlen(name);
	if (n >= sizeof first)
		return NULL;
	memcpy(first, name, n);
	first[n] = '\0';
	json_t *v = NULL;
	for (int i = st->depth - 1; i >= 0 && !v; i--)
		if (json_is_object(st->stack[i]))
			v = json_object_get(st->stack[i], first);
	while (v && dot) {
		const char *seg = dot + 1;
		dot = strchr(seg, '.');
		n = dot ? (size_t)(dot - seg) : strlen(seg);
		if (n >= sizeof first)
			return NULL;
		memcpy(first, seg, n);
		first[n] = '\0';
		if (json_is_array(v)) {
			/* list.0 is the first item: lets a template test for a non-empty list */
			char *end;
			long k = strtol(first, &end, 10);
			if (*end || end == first || k < 0)
				return NULL;
			v = json_array_get(v, (size_t)k);
		} else if (json_is_object(v)) {
			v = json_object_get(v, first);
		} else {
			return NULL;
		}
	}
	return v;
}

static int truthy(json_t *v)
{
	if (!v || json_is_null(v) || json_is_false(v))
		return 0;
	if (json_is_string(v))
		return json_string_length(v) > 0;
	if (json_is_integer(v))
		return json_integer_value(v) != 0;
	if (json_is_real(v))
		return json_real_value(v) != 0.0;
	if (json_is_array(v))
		return json_array_size(v) > 0;
	return 1;
}

/* The text of a scalar; numbers are written into tmp. */
static const char *scalar_text(json_t *v, char *tmp, size_t cap)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(tmp, cap, "%lld", (long long)json_integer_value(v));
		return tmp;
	}
	if (json_is_real(v)) {
		snprintf(tmp, cap, "%g", json_real_value(v));
		return tmp;
	}
	if (json_is_true(v))
		return "true";
	return "";
}

static int emit_var(tpl_state *st, const char *name, int raw)
{
	char nm[TPL_MAX_NAME];
	pl_strlcpy(nm, name, sizeof nm);
	char *filter = strchr(nm, '|');
	if (filter)
		*filter++ = '\0';
	pl_trim(nm);
	json_t *v = lookup(st, nm);
	if (filter && strcmp(filter, "json") == 0) {
		char *txt = v ? json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
		int rc = pl_esc_html(st->out, txt ? txt : "null");
		free(txt);
		return rc;
	}
	if (!v)
		return PARLEY_OK;
	char tmp[64];
	const char *s = scalar_text(v, tmp, sizeof tmp);
	if (filter && strcmp(filter, "url") == 0) {
		pl_buf u;
		pl_buf_init(&u, 0);
		int rc = pl_esc_url(&u, s);
		if (rc == PARLEY_OK)
			rc = pl_esc_html(st->out, u.data ? u.data : "");
		pl_buf_free(&u);
		return rc;
	}
	if (filter)
		return parley_err_set(st->err, PARLEY_EDATA, "template: unknown filter '%s'", filter);
	return raw ? pl_buf_puts(st->out, s) : pl_esc_html(st->out, s);
}

/* A parsed tag: [open, close) is the whole {{...}}; name is its content. */
typedef struct tag {
	const char *open, *close;
	char kind; /* 0 variable, '{' or '&' raw, '#', '^', '/', '>', '!' */
	char name[TPL_MAX_NAME];
} tag;

/* Finds the next tag at or after p (before end).  Returns 0 when none, 1
 * when found, a negative status on an unterminated tag. */
static int next_tag(tpl_state *st, const char *base, const char *p, const char *end, tag *t)
{
	const char *o = NULL;
	for (const char *q = p; q + 1 < end; q++)
		if (q[0] == '{' && q[1] == '{') {
			o = q;
			break;
		}
	if (!o)
		return 0;
	const char *in = o + 2;
	const char *c = NULL;
	int triple = in < end && *in == '{';
	for (const char *q = in; q + 1 < end; q++)
		if (q[0] == '}' && q[1] == '}') {
			c = q;
			break;
		}
	if (!c)
		return parley_err_set(st->err, PARLEY_EDATA, "template: unterminated tag at byte %ld",
		                      (long)(o - base));
	t->open = o;
	t->close = c + 2;
	if (triple) {
		if (c + 2 >= end || c[2] != '}')
			return parley_err_set(st->err, PARLEY_EDATA,
			                      "template: '{{{' not closed by '}}}' at byte %ld", (long)(o - base));
		t->close = c + 3;
		t->kind = '{';
		in++;
	} else if (strchr("&#^/>!", *in) && *in) {
		t->kind = *in++;
	} else {
		t->kind = 0;
	}
	size_t n = (size_t)(c - in);
	if (n >= sizeof t->name)
		return parley_err_set(st->err, PARLEY_EDATA, "template: tag name too long at byte %ld",
		                      (long)(o - base));
	memcpy(t->name, in, n);
	t->name[n] = '\0';
	pl_trim(t->name);
	return 1;
}

static int render(tpl_state *st, const char *base, const char *p, const char *end);

/* Finds the {{/name}} closing the section whose body starts at p. */
static int find_close(tpl_state *st, const char *base, const char *p, const char *end,
                      const char *name, tag *close)
{
	int level = 1;
	tag t = {0};
	int rc;
	while ((rc = next_tag(st, base, p, end, &t)) == 1) {
		if ((t.kind == '#' || t.kind == '^') && strcmp(t.name, name) == 0)
			level++;
		else if (t.kind == '/' && strcmp(t.name, name) == 0 && --level == 0) {
			*close = t;
			return PARLEY_OK;
		}
		p = t.close;
	}
	if (rc < 0)
		return rc;
	return parley_err_set(st->err, PARLEY_EDATA, "template: section '%s' is not closed", name);
}

static int push(tpl_state *st, json_t *v)
{
	if (st->depth >= TPL_MAX_STACK)
		return parley_err_set(st->err, PARLEY_ELIMIT, "template: sections nested too deep");
	st->stack[st->depth++] = v;
	return PARLEY_OK;
}

static int section(tpl_state *st, const char *base, const tag *t, const char *body,
                   const char *body_end)
{
	json_t *v = lookup(st, t->name);
	int on = truthy(v);
	if (t->kind == '^')
		return on ? PARLEY_OK : render(st, base, body, body_end);
	if (!on)
		return PARLEY_OK;
	if (json_is_array(v)) {
		size_t i;
		json_t *item;
		json_array_foreach(v, i, item) {
			int rc = push(st, item);
			if (rc != PARLEY_OK)
				return rc;
			rc = render(st, base, body, body_end);
			st->depth--;
			if (rc != PARLEY_OK)
				return rc;
		}
		return PARLEY_OK;
	}
	int rc = push(st, v);
	if (rc != PARLEY_OK)
		return rc;
	rc = render(st, base, body, body_end);
	st->depth--;
	return rc;
}

static int render(tpl_state *st, const char *base, const char *p, const char *end)
{
	tag t = {0};
	int rc;
	while ((rc = next_tag(st, base, p, end, &t)) == 1) {
		if ((rc = pl_buf_append(st->out, p, (size_t)(t.open - p))) != PARLEY_OK)
			return rc;
		p = t.close;
		switch (t.kind) {
		case '!':
			break;
		case '/':
			return parley_err_set(st->err, PARLEY_EDATA,
			                      "template: '{{/%s}}' closes no section (byte %ld)", t.name,
			                      (long)(t.open - base));
		case '#':
		case '^': {
			tag close = {0};
			if ((rc = find_close(st, base, p, end, t.name, &close)) != PARLEY_OK)
				return rc;
			if ((rc = section(st, base, &t, p, close.open)) != PARLEY_OK)
				return rc;
			p = close.close;
			break;
		}
		case '>': {
			const char *part = st->partial ? st->partial(t.name, st->ud) : NULL;
			if (!part)
				return parley_err_set(st->err, PARLEY_EDATA, "template: unknown partial '%s'",
				                      t.name);
			if (st->partial_depth >= TPL_MAX_PARTIAL)
				return parley_err_set(st->err, PARLEY_ELIMIT,
				                      "template: partials nested too deep at '%s'", t.name);
			st->partial_depth++;
			rc = render(st, part, part, part + strlen(part));
			st->partial_depth--;
			if (rc != PARLEY_OK)
				return rc;
			break;
		}
		default:
			if ((rc = emit_var(st, t.name, t.kind == '{' || t.kind == '&')) != PARLEY_OK)
				return rc;
		}
	}
	if (rc < 0)
		return rc;
	return pl_buf_append(st->out, p, (size_t)(end - p));
}

int pl_tpl_render(pl_buf *out, const char *tpl, json_t *ctx, pl_tpl_partial_fn partial,
                  void *ud, parley_err *err)
{
	if (!out || !tpl)
		return parley_err_set(err, PARLEY_EINVAL, "pl_tpl_render: NULL argument");
	tpl_state st = {.out = out, .partial = partial, .ud = ud, .err = err};
	if (ctx)
		st.stack[st.depth++] = ctx;
	int rc = render(&st, tpl, tpl, tpl + strlen(tpl));
	if (rc != PARLEY_OK && err && err->code == 0)
		parley_err_set(err, rc, "template: output too large");
	return rc;
}
