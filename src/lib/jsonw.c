/*
 * jsonw.c - the one way parley writes JSON text: a jansson value, dumped.
 *
 * Every JSON writer builds jansson values (a whole answer, or one record at
 * a time where the output is as large as the store) and hands them here, so
 * escaping, key order and number spelling are jansson's, written once:
 *
 * - compact, keys in the order they were set;
 * - reals with 15 significant digits (callers round to the decimals they
 *   mean, so 12.35 prints as 12.35, not 12.350000000000001);
 * - '<', '>', '&', U+2028 and U+2029 \u-escaped as well, so that the same
 *   text is safe inside an HTML <script> element and as a JavaScript
 *   literal.  This is a pass over jansson's output, not a second escaper:
 *   those bytes can only stand inside string literals there, where a \u
 *   escape means the same character.
 *
 * Text from the store or from input files goes through pl_json_text(): an
 * older store may hold bytes that are not UTF-8 (`parley check` names
 * them), and jansson refuses those; each bad byte is written as U+FFFD so
 * that the output stays JSON and the rest of the text is kept.
 */
#include "internal.h"

#include <errno.h>
#include <string.h>

#define DUMP_FLAGS (JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15))

typedef struct {
	pl_buf *b; /* one of b and f */
	FILE *f;
	int rc;
} sink;

static int put(sink *s, const char *p, size_t n)
{
	if (s->rc || !n)
		return s->rc;
	if (s->b)
		s->rc = pl_buf_append(s->b, p, n);
	else if (fwrite(p, 1, n, s->f) != n)
		s->rc = PARLEY_EIO;
	return s->rc;
}

/* jansson calls this with runs that end on whole code points, so the three
 * bytes of U+2028 never straddle two calls. */
static int script_safe(const char *buf, size_t size, void *data)
{
	sink *s = data;
	size_t run = 0;
	for (size_t i = 0; i < size; i++) {
		const unsigned char c = (unsigned char)buf[i];
		const char *e = NULL;
		size_t skip = 1;
		if (c == '<')
			e = "\\u003c";
		else if (c == '>')
			e = "\\u003e";
		else if (c == '&')
			e = "\\u0026";
		else if (c == 0xe2 && i + 2 < size && (unsigned char)buf[i + 1] == 0x80 &&
		         ((unsigned char)buf[i + 2] == 0xa8 || (unsigned char)buf[i + 2] == 0xa9)) {
			e = (unsigned char)buf[i + 2] == 0xa8 ? "\\u2028" : "\\u2029";
			skip = 3;
		}
		if (!e)
			continue;
		put(s, buf + run, i - run);
		put(s, e, 6);
		i += skip - 1;
		run = i + 1;
	}
	put(s, buf + run, size - run);
	return s->rc ? -1 : 0;
}

/* jansson fails a dump only on what it was given (a bad string it was told
 * not to check, a cycle) or on memory: EINVAL unless our sink failed. */
static int dump(const json_t *j, sink *s)
{
	if (!j)
		return PARLEY_EINVAL;
	if (json_dump_callback(j, script_safe, s, DUMP_FLAGS) != 0)
		return s->rc ? s->rc : PARLEY_EINVAL;
	return PARLEY_OK;
}

int pl_json_write(pl_buf *b, const json_t *j)
{
	sink s = {.b = b};
	size_t len = b->len;
	int rc = dump(j, &s);
	if (rc) { /* nothing half-written */
		b->len = len;
		if (b->data)
			b->data[len] = '\0';
	}
	return rc;
}

int pl_json_item(pl_buf *b, size_t i, const char *lead, json_t *item)
{
	int rc = item ? PARLEY_OK : PARLEY_ENOMEM;
	if (!rc && i)
		rc = pl_buf_putc(b, ',');
	if (!rc)
		rc = pl_buf_puts(b, lead);
	if (!rc)
		rc = pl_json_write(b, item);
	json_decref(item);
	return rc;
}

int pl_json_fwrite(FILE *out, const json_t *j)
{
	sink s = {.f = out};
	return dump(j, &s);
}

int pl_json_fwrite_line(FILE *out, json_t *j, const char *what, parley_err *err)
{
	int rc = j ? pl_json_fwrite(out, j) : PARLEY_ENOMEM;
	if (!rc && fputc('\n', out) == EOF)
		rc = PARLEY_EIO;
	json_decref(j);
	if (rc == PARLEY_EIO)
		return parley_err_set(err, rc, "%s: writing the output failed: %s", what,
		                      strerror(errno));
	if (rc)
		return parley_err_set(err, rc, "%s: out of memory building the JSON answer", what);
	return PARLEY_OK;
}

json_t *pl_json_text(const char *s)
{
	if (!s)
		return json_null();
	size_t n = strlen(s);
	long bad = pl_utf8_invalid_at(s, n);
	if (bad < 0)
		return json_stringn(s, n);
	pl_buf b;
	pl_buf_init(&b, 0);
	int rc = PARLEY_OK;
	while (!rc && bad >= 0) {
		rc = pl_buf_append(&b, s, (size_t)bad);
		if (!rc)
			rc = pl_buf_append(&b, "\xef\xbf\xbd", 3); /* U+FFFD */
		s += bad + 1;
		n -= (size_t)bad + 1;
		bad = pl_utf8_invalid_at(s, n);
	}
	if (!rc)
		rc = pl_buf_append(&b, s, n);
	json_t *v = rc ? NULL : json_stringn(b.data, b.len);
	pl_buf_free(&b);
	return v;
}

json_t *pl_json_merge(json_t *o, json_t *more)
{
	if (o && more && json_object_update(o, more) == 0) {
		json_decref(more);
		return o;
	}
	json_decref(o);
	json_decref(more);
	return NULL;
}

json_t *pl_json_ids(const char *const *ids, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < n; i++)
		if (json_array_append_new(a, pl_json_text(ids[i])) != 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

double pl_json_round(double x, int decimals)
{
	double m = 1;
	for (int i = 0; i < decimals; i++)
		m *= 10;
	return (double)(long long)(x * m + (x < 0 ? -0.5 : 0.5)) / m;
}
