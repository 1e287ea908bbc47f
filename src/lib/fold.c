/*
 * fold.c - the one fold by which names and search text are matched, built
 * on libutf8proc.
 *
 * Each character is decomposed with compatibility mappings (NFKD), loses
 * its marks (accents, McCune-Reischauer breves, tone marks of pinyin),
 * is case-folded, and what is not a letter or a digit becomes a word
 * break; the result is recomposed (NFC) so that Hangul syllables, which
 * NFKD splits into jamo, come back whole.  A few Latin letters have no
 * decomposition in Unicode (ł, đ, ø, ħ, ı, ŧ) and are mapped by hand.
 *
 *   'Dèng Xiǎopíng' -> "deng xiaoping"   'Kim Jŏng-ŭn' -> "kim jong un"
 *   '김정은' -> "김정은"                    '邓小平' -> "邓小平"
 *
 * parley_fold_words() keeps the word breaks (one space): it is the text
 * the store's search index holds and the JavaScript filter of the static
 * site compares (web/static/app.js, fold(), mirrors this file).
 * parley_fold() drops them: the key by which a name is matched to a
 * person ('Kim Jong-un' = 'KIM JONG UN' = 'kimjongun').
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* Letters that keep a stroke instead of a mark, after case folding. */
static utf8proc_int32_t unstroke(utf8proc_int32_t c)
{
	switch (c) {
	case 0x142: return 'l'; /* ł */
	case 0x111: return 'd'; /* đ */
	case 0xF8: return 'o';  /* ø */
	case 0x127: return 'h'; /* ħ */
	case 0x131: return 'i'; /* ı */
	case 0x167: return 't'; /* ŧ */
	default: return c;
	}
}

static int is_word_char(utf8proc_int32_t c)
{
	switch (utf8proc_category(c)) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
		return 1;
	default:
		return 0;
	}
}

/* Appends cp to the growing code-point array; 0 on success. */
static int push(utf8proc_int32_t **v, size_t *n, size_t *cap, utf8proc_int32_t cp)
{
	utf8proc_int32_t *p = pl_grow(*v, cap, *n + 1, sizeof *p, 64);
	if (!p)
		return -1;
	*v = p;
	(*v)[(*n)++] = cp;
	return 0;
}

/* The fold of ASCII text, which the general path below gives too: in
 * ASCII only letters and digits are word characters, a letter folds to
 * its lower case, nothing decomposes, carries a mark or is ignored, and
 * nothing recomposes (tests/unit/test_core_fold.c compares the two on
 * every ASCII character).  Search text is mostly ASCII, and a bulk import
 * folds every visit's (issue 13: a million visits, 2.9 s of 12 in the
 * general path).  NULL with *ascii 0 when s is not ASCII; else the fold
 * (caller frees), or NULL when out of memory. */
static char *fold_ascii(const char *s, int spaces, int *ascii)
{
	size_t len = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++, len++)
		if (*p >= 0x80) {
			*ascii = 0;
			return NULL;
		}
	*ascii = 1;
	char *out = malloc(len + 1);
	if (!out)
		return NULL;
	size_t o = 0;
	int pending = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		unsigned char c = *p;
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
			pending = o > 0;
			continue;
		}
		if (pending && spaces)
			out[o++] = ' ';
		pending = 0;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return out;
}

/* The folded text of s through libutf8proc; spaces: 1 keeps one space
 * between words.  Caller frees with free(); NULL when out of memory. */
char *pl_fold_general(const char *s, int spaces)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t left = (utf8proc_ssize_t)strlen(s);
	utf8proc_int32_t *v = NULL;
	size_t n = 0, cap = 0;
	const utf8proc_option_t opt = UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
	                              UTF8PROC_STRIPMARK | UTF8PROC_IGNORE;
	int fail = 0;
	while (left > 0 && !fail) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t len = utf8proc_iterate(p, left, &cp);
		if (len < 1) { /* an invalid byte breaks a word, like punctuation */
			len = 1;
			cp = ' ';
		}
		p += len;
		left -= len;
		utf8proc_int32_t d[32];
		int bound = 0;
		utf8proc_ssize_t k = utf8proc_decompose_char(cp, d, 32, opt, &bound);
		if (k < 0 || k > 32) {
			d[0] = ' ';
			k = 1;
		}
		for (utf8proc_ssize_t j = 0; j < k && !fail; j++) {
			utf8proc_int32_t c = unstroke(d[j]);
			fail = push(&v, &n, &cap, is_word_char(c) ? c : ' ');
		}
	}
	if (!fail && n) { /* recomposition shortens the array */
		utf8proc_ssize_t m = utf8proc_normalize_utf32(v, (utf8proc_ssize_t)n,
		                                              UTF8PROC_COMPOSE | UTF8PROC_STABLE);
		fail = m < 0;
		if (!fail)
			n = (size_t)m;
	}
	char *out = NULL;
	if (!fail) {
		out = malloc(n * 4 + 1);
		fail = !out;
	}
	if (!fail) {
		size_t o = 0;
		int pending = 0;
		for (size_t i = 0; i < n; i++) {
			if (v[i] == ' ') {
				pending = o > 0;
				continue;
			}
			if (pending && spaces)
				out[o++] = ' ';
			pending = 0;
			o += (size_t)utf8proc_encode_char(v[i], (utf8proc_uint8_t *)out + o);
		}
		out[o] = '\0';
	}
	free(v);
	return fail ? NULL : out;
}

/* The folded text of s (see pl_fold_general); caller frees. */
static char *fold(const char *s, int spaces)
{
	int ascii;
	char *out = fold_ascii(s, spaces, &ascii);
	return ascii ? out : pl_fold_general(s, spaces);
}

char *parley_fold(const char *s)
{
	return s ? fold(s, 0) : NULL;
}

char *parley_fold_words(const char *s)
{
	return s ? fold(s, 1) : NULL;
}
