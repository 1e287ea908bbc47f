/*
 * jsonw.c - the one JSON string escaper, for the places that stream JSON
 * text into a pl_buf (exports and reports too large or too flat to build as
 * jansson trees first).
 *
 * Escapes what JSON requires plus '<', '>', '&', U+2028 and U+2029 as \u
 * escapes, so that the same text is safe inside an HTML <script> element
 * and as a JavaScript literal: one rule for the library, the web pages and
 * the analysis output.
 */
#include "internal.h"

#include <string.h>

int pl_json_esc(pl_buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	int rc = PARLEY_OK;
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); !rc && *p; p++) {
		unsigned char c = *p;
		switch (c) {
		case '"': rc = pl_buf_append(b, "\\\"", 2); break;
		case '\\': rc = pl_buf_append(b, "\\\\", 2); break;
		case '\n': rc = pl_buf_append(b, "\\n", 2); break;
		case '\r': rc = pl_buf_append(b, "\\r", 2); break;
		case '\t': rc = pl_buf_append(b, "\\t", 2); break;
		default:
			if (c < 0x20 || c == '<' || c == '>' || c == '&') {
				char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
				rc = pl_buf_append(b, e, 6);
			} else if (c == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9)) {
				/* U+2028 / U+2029 end a line in JavaScript */
				rc = pl_buf_append(b, p[2] == 0xa8 ? "\\u2028" : "\\u2029", 6);
				p += 2;
			} else {
				rc = pl_buf_putc(b, (char)c);
			}
		}
	}
	return rc;
}

int pl_json_str(pl_buf *b, const char *s)
{
	int rc = pl_buf_putc(b, '"');
	if (!rc)
		rc = pl_json_esc(b, s);
	return rc ? rc : pl_buf_putc(b, '"');
}
