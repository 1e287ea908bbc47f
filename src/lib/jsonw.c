/*
 * jsonw.c - writing JSON text into a pl_buf.
 *
 * Escapes what JSON requires plus '<', '>' and '&' as \u escapes, so that
 * JSON embedded in an HTML page can never close a script element.
 */
#include "internal.h"

int pl_json_str(pl_buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	int rc = pl_buf_putc(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; !rc && *p; p++) {
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
			} else {
				rc = pl_buf_putc(b, (char)c);
			}
		}
	}
	return rc ? rc : pl_buf_putc(b, '"');
}
