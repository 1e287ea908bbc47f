/*
 * buf.c - growable bounded buffers and small string helpers.
 *
 * A pl_buf grows by doubling up to the maximum fixed when it was created;
 * an append that would pass the maximum fails with PARLEY_ELIMIT and leaves
 * the buffer as it was.  This is how every piece of text built at run time
 * (SQL, JSON, HTML, reports) stays bounded.
 */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <utf8proc.h>

void pl_buf_init(pl_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
	b->err = PARLEY_OK;
}

void pl_buf_free(pl_buf *b)
{
	free(b->data);
	pl_buf_init(b, b->max);
}

void pl_buf_reset(pl_buf *b)
{
	b->len = 0;
	b->err = PARLEY_OK; /* what was lost went with the text */
	if (b->data)
		b->data[0] = '\0';
}

static int grow(pl_buf *b, size_t need)
{
	if (need < b->len) /* overflow of len + n */
		return PARLEY_ELIMIT;
	if (b->max && need > b->max)
		return PARLEY_ELIMIT;
	if (need + 1 <= b->cap)
		return PARLEY_OK;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need + 1) {
		if (cap > SIZE_MAX / 2)
			return PARLEY_ELIMIT;
		cap *= 2;
	}
	if (b->max && cap > b->max + 1)
		cap = b->max + 1;
	char *p = realloc(b->data, cap);
	if (!p)
		return PARLEY_ENOMEM;
	b->data = p;
	b->cap = cap;
	return PARLEY_OK;
}

void *pl_grow(void *arr, size_t *cap, size_t need, size_t size, size_t first)
{
	if (need <= *cap && arr)
		return arr;
	size_t nc = *cap ? *cap : (first ? first : 1);
	while (nc < need) {
		if (nc > SIZE_MAX / 2)
			return NULL;
		nc *= 2;
	}
	if (size && nc > SIZE_MAX / size)
		return NULL;
	void *p = realloc(arr, nc * size);
	if (!p)
		return NULL;
	*cap = nc;
	return p;
}

int pl_buf_append(pl_buf *b, const void *p, size_t n)
{
	if (b->err)
		return b->err;
	int rc = grow(b, b->len + n);
	if (rc)
		return rc;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return PARLEY_OK;
}

int pl_buf_puts(pl_buf *b, const char *s)
{
	return pl_buf_append(b, s, strlen(s));
}

int pl_buf_putc(pl_buf *b, char c)
{
	return pl_buf_append(b, &c, 1);
}

int pl_buf_vprintf(pl_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return PARLEY_EINVAL;
	if (b->err)
		return b->err;
	int rc = grow(b, b->len + (size_t)n);
	if (rc)
		return rc;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return PARLEY_OK;
}

int pl_buf_printf(pl_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = pl_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

/* The sticky family: the checked appends remember their first failure, so
 * a page of a hundred appends is checked once (pl_buf_failed). */
void pl_buf_add(pl_buf *b, const void *p, size_t n)
{
	int rc = pl_buf_append(b, p, n);
	if (rc)
		b->err = rc;
}

void pl_buf_adds(pl_buf *b, const char *s)
{
	pl_buf_add(b, s, strlen(s));
}

void pl_buf_addc(pl_buf *b, char c)
{
	pl_buf_add(b, &c, 1);
}

void pl_buf_addf(pl_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = pl_buf_vprintf(b, fmt, ap);
	va_end(ap);
	if (rc)
		b->err = rc;
}

int pl_buf_failed(const pl_buf *b)
{
	return b->err;
}

int pl_buf_stick(pl_buf *b, int rc)
{
	if (rc != PARLEY_OK && b->err == PARLEY_OK)
		b->err = rc;
	return rc;
}

char *pl_buf_take(pl_buf *b)
{
	if (b->err) { /* half a page is no page */
		pl_buf_free(b);
		return NULL;
	}
	char *p = b->data;
	if (!p) {
		p = malloc(1);
		if (p)
			p[0] = '\0';
	}
	pl_buf_init(b, b->max);
	return p;
}

int pl_read_file(const char *path, size_t max, char **out, size_t *len, parley_err *err)
{
	if (max == 0)
		max = (size_t)1 << 30;
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!f)
		return parley_err_set(err, PARLEY_EIO, "%s: cannot open: %s", path, strerror(errno));
	pl_buf b;
	pl_buf_init(&b, max);
	char chunk[65536];
	size_t n;
	int rc = PARLEY_OK;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		rc = pl_buf_append(&b, chunk, n);
		if (rc)
			break;
	}
	if (!rc && ferror(f))
		rc = parley_err_set(err, PARLEY_EIO, "%s: read failed: %s", path, strerror(errno));
	else if (rc == PARLEY_ELIMIT)
		parley_err_set(err, rc, "%s: file larger than %zu bytes", path, max);
	else if (rc)
		parley_err_set(err, rc, "%s: %s", path, parley_strstatus(rc));
	if (f != stdin)
		fclose(f);
	if (rc) {
		pl_buf_free(&b);
		return rc;
	}
	*len = b.len;
	*out = pl_buf_take(&b);
	return *out ? PARLEY_OK : parley_err_set(err, PARLEY_ENOMEM, "out of memory");
}

char *pl_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

char *pl_strndup(const char *s, size_t n)
{
	return s ? strndup(s, n) : NULL;
}

size_t pl_strlcpy(char *dst, const char *src, size_t cap)
{
	size_t n = strlen(src);
	if (cap) {
		size_t k = n < cap - 1 ? n : cap - 1;
		memcpy(dst, src, k);
		dst[k] = '\0';
	}
	return n;
}

/* The one UTF-8 decoder is libutf8proc's (as for the fold and the display
 * widths): it rejects overlong forms, surrogates and code points past
 * U+10FFFF.  ASCII takes the short path, since imports validate every byte. */
long pl_utf8_invalid_at(const char *s, size_t n)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	size_t i = 0;
	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp);
		if (k < 1)
			return (long)i;
		i += (size_t)k;
	}
	return -1;
}

size_t pl_utf8_whole(const char *s, size_t n)
{
	size_t lead = n;
	while (lead > 0 && n - lead < 4 && ((unsigned char)s[lead - 1] & 0xC0) == 0x80)
		lead--;
	if (lead == 0 || (unsigned char)s[lead - 1] < 0x80)
		return n;
	lead--;
	utf8proc_int32_t cp;
	utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + lead, (utf8proc_ssize_t)(n - lead), &cp);
	return k == (utf8proc_ssize_t)(n - lead) ? n : lead;
}

char *pl_trim(char *s)
{
	char *a = s;
	while (*a == ' ' || *a == '\t' || *a == '\n' || *a == '\r')
		a++;
	size_t n = strlen(a);
	while (n && (a[n - 1] == ' ' || a[n - 1] == '\t' || a[n - 1] == '\n' || a[n - 1] == '\r'))
		n--;
	memmove(s, a, n);
	s[n] = '\0';
	return s;
}

char *pl_slug(const char *s, char *buf, size_t cap)
{
	size_t o = 0;
	int dash = 0;
	if (!cap)
		return buf;
	for (const unsigned char *p = (const unsigned char *)s; *p && o + 1 < cap; p++) {
		unsigned char c = *p;
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (dash && o)
				buf[o++] = '-';
			dash = 0;
			if (o + 1 < cap)
				buf[o++] = (char)c;
		} else if (c < 0x80) {
			dash = 1;
		} /* non-ASCII bytes are dropped; callers fold first when they care */
	}
	buf[o] = '\0';
	return buf;
}
