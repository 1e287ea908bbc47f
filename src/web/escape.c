/*
 * escape.c - making data text safe for the place it is written to.
 *
 * Every string that comes from the store passes through one of these
 * before it reaches a page, an attribute, a URL, a JSON document or a CSV
 * file.  Each context has its own rules, so each has its own function; the
 * templates pick HTML escaping unless told otherwise.
 */
#include "web.h"

#include <string.h>
#include <strings.h>

int pl_esc_html_n(pl_buf *b, const char *s, size_t n)
{
	if (!s)
		return PARLEY_OK;
	size_t run = 0; /* start of the pending run of plain bytes */
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *rep = NULL;
		switch (c) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default:
			if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
				rep = ""; /* XML forbids C0 controls: drop them */
			else if (c == 0x7f)
				rep = "";
		}
		if (!rep)
			continue;
		int rc = pl_buf_append(b, s + run, i - run);
		if (rc == PARLEY_OK)
			rc = pl_buf_puts(b, rep);
		if (rc != PARLEY_OK)
			return pl_buf_stick(b, rc);
		run = i + 1;
	}
	return pl_buf_stick(b, pl_buf_append(b, s + run, n - run));
}

int pl_esc_html(pl_buf *b, const char *s)
{
	return s ? pl_esc_html_n(b, s, strlen(s)) : PARLEY_OK;
}

int pl_esc_url(pl_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	if (!s)
		return PARLEY_OK;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		unsigned char c = *p;
		int rc;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~') {
			rc = pl_buf_putc(b, (char)c);
		} else {
			char e[3] = {'%', hex[c >> 4], hex[c & 15]};
			rc = pl_buf_append(b, e, 3);
		}
		if (rc != PARLEY_OK)
			return pl_buf_stick(b, rc);
	}
	return PARLEY_OK;
}

/* Downloads are for spreadsheets: the one CSV writer with its formula guard. */
int pl_esc_csv(pl_buf *b, const char *s)
{
	return pl_buf_stick(b, pl_csv_field(b, s, PL_CSV_SHEET));
}

int pl_href_ok(const char *s)
{
	if (!s)
		return 0;
	static const char *const ok[] = {"http://", "https://", "mailto:"};
	for (size_t i = 0; i < PL_ARRAY_LEN(ok); i++)
		if (strncasecmp(s, ok[i], strlen(ok[i])) == 0)
			return strpbrk(s, " \t\r\n\"'<>`") == NULL;
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* plus: '+' stands for a space (query strings), not in paths. */
static int url_decode(char *s, int plus)
{
	char *w = s;
	for (const char *r = s; *r; r++) {
		if (plus && *r == '+') {
			*w++ = ' ';
		} else if (*r == '%') {
			int h = r[1] ? hexval(r[1]) : -1;
			int l = h >= 0 && r[2] ? hexval(r[2]) : -1;
			if (h < 0 || l < 0 || (h == 0 && l == 0))
				return PARLEY_EDATA;
			*w++ = (char)(h * 16 + l);
			r += 2;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
	return PARLEY_OK;
}

int pl_url_decode(char *s)
{
	return url_decode(s, 1);
}

int pl_url_decode_path(char *s)
{
	return url_decode(s, 0);
}
