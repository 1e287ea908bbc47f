/*
 * fold.c - the key by which names are matched: case-, accent- and
 * punctuation-insensitive.
 *
 * 'Kim Jong-un', 'KIM JONG UN' and 'Kim Jŏng-ŭn' all fold to 'kimjongun'.
 * Latin letters lose case and diacritics (Latin-1 and Latin Extended-A,
 * which covers McCune-Reischauer's breves); ASCII punctuation, spaces,
 * general punctuation and combining marks are dropped; every other script
 * (hangul, hanzi) is kept as it is, so native-script aliases match exactly.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* U+00C0..U+00FF; '.' = drop */
static const char latin1[] =
    "aaaaaaaceeeeiiii" "dnooooo.ouuuuyts" "aaaaaaaceeeeiiii" "dnooooo.ouuuuyty";
/* U+0100..U+017F */
static const char latin_ext_a[] =
    "aaaaaacccccccc" "dddd" "eeeeeeeeee" "gggggggg" "hhhh" "iiiiiiiiii" "ii" "jj"
    "kkk" "llllllllll" "nnnnnnn" "nn" "oooooo" "oo" "rrrrrr" "ssssssss" "tttttt"
    "uuuuuuuuuuuu" "ww" "yyy" "zzzzzz" "s";

/* Decodes one UTF-8 sequence at p (n bytes left); returns its length, or 1
 * with *cp = 0xFFFD for a bad byte. */
static size_t decode(const unsigned char *p, size_t n, unsigned *cp)
{
	unsigned c = p[0];
	size_t k = c < 0x80 ? 0 : c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 9;
	if (k == 9 || k >= n) {
		*cp = c < 0x80 ? c : 0xFFFD;
		return 1;
	}
	unsigned v = k ? c & (0x3F >> k) : c;
	for (size_t j = 1; j <= k; j++) {
		if ((p[j] & 0xC0) != 0x80) {
			*cp = 0xFFFD;
			return 1;
		}
		v = (v << 6) | (p[j] & 0x3F);
	}
	*cp = v;
	return k + 1;
}

char *parley_fold(const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s);
	char *out = malloc(n + 1); /* folding never lengthens the text */
	if (!out)
		return NULL;
	size_t o = 0;
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		unsigned cp;
		size_t len = decode(p + i, n - i, &cp);
		char c = 0;
		if (cp < 0x80) {
			if (cp >= 'A' && cp <= 'Z')
				c = (char)(cp - 'A' + 'a');
			else if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9'))
				c = (char)cp;
		} else if (cp >= 0xC0 && cp <= 0xFF) {
			c = latin1[cp - 0xC0] == '.' ? 0 : latin1[cp - 0xC0];
		} else if (cp >= 0x100 && cp <= 0x17F) {
			c = latin_ext_a[cp - 0x100];
		} else if ((cp >= 0x80 && cp < 0xC0) || (cp >= 0x300 && cp <= 0x36F) ||
		           (cp >= 0x2000 && cp <= 0x206F) || (cp >= 0x3000 && cp <= 0x303F) ||
		           cp == 0xFFFD) {
			c = 0; /* punctuation, spaces and combining marks */
		} else {
			memcpy(out + o, p + i, len);
			o += len;
		}
		if (c)
			out[o++] = c;
		i += len;
	}
	out[o] = '\0';
	return out;
}
