/*
 * words.c - numbers, durations and offices in prose (words.h).  Briefs are
 * read by people: "six years" and "premier", not "6.0 years" and
 * "Premier of the State Council (GAC Premier 1949-54)".
 */
#include "internal.h"
#include "words.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const small[] = {"zero", "one", "two", "three", "four", "five", "six",
                                    "seven", "eight", "nine", "ten", "eleven", "twelve",
                                    "thirteen", "fourteen", "fifteen", "sixteen",
                                    "seventeen", "eighteen", "nineteen", "twenty"};

void pl_duration_words(long days, char *out, size_t n)
{
	long v;
	const char *unit;
	if (days < 60) {
		v = days;
		unit = "day";
	} else if (days < 731) { /* under two full years: floor() below would say "one year" */
		v = lround(days / 30.436875); /* the mean Gregorian month */
		unit = "month";
	} else {
		v = (long)floor(days / 365.2425);
		unit = "year";
	}
	if (v >= 0 && v <= 20)
		snprintf(out, n, "%s %s%s", small[v], unit, v == 1 ? "" : "s");
	else
		snprintf(out, n, "%ld %ss", v, unit);
}

void pl_ordinal_words(size_t k, char *out, size_t n)
{
	static const char *const words[] = {"first", "second", "third", "fourth", "fifth",
	                                    "sixth", "seventh", "eighth", "ninth", "tenth"};
	if (k >= 1 && k <= 10) {
		snprintf(out, n, "%s", words[k - 1]);
		return;
	}
	const char *suf = "th";
	if (k % 100 < 11 || k % 100 > 13)
		suf = k % 10 == 1 ? "st" : k % 10 == 2 ? "nd" : k % 10 == 3 ? "rd" : "th";
	snprintf(out, n, "%zu%s", k, suf);
}

/* The word of name equal to w (case-insensitive, whole word), or NULL. */
static const char *name_word(const char *name, const char *w, size_t wn)
{
	for (const char *p = name; *p;) {
		while (*p && !isalnum((unsigned char)*p))
			p++;
		const char *s = p;
		while (*p && isalnum((unsigned char)*p))
			p++;
		if ((size_t)(p - s) == wn && strncasecmp(s, w, wn) == 0)
			return s;
	}
	return NULL;
}

static int all_caps(const char *s, size_t n)
{
	int letters = 0;
	for (size_t i = 0; i < n; i++) {
		if (islower((unsigned char)s[i]))
			return 0;
		letters += isalpha((unsigned char)s[i]) != 0;
	}
	return letters > 1;
}

/* The id's words after the country prefix, each spelled as in the name;
 * 0 when one is not a word of the name. */
static int from_id(const char *id, const char *name, char *out, size_t n)
{
	const char *p = strchr(id, '-');
	if (!p || !p[1])
		return 0;
	p++;
	pl_buf b;
	pl_buf_init(&b, n);
	int ok = 1;
	while (*p && ok) {
		size_t wn = strcspn(p, "-");
		const char *w = name_word(name, p, wn);
		if (!w || wn == 0) {
			ok = 0;
			break;
		}
		if (b.len)
			pl_buf_putc(&b, ' ');
		for (size_t i = 0; i < wn; i++)
			pl_buf_putc(&b, all_caps(w, wn) ? w[i] : (char)tolower((unsigned char)w[i]));
		p += wn + (p[wn] == '-');
	}
	if (ok && b.data && b.len < n)
		snprintf(out, n, "%s", b.data);
	else
		ok = 0;
	pl_buf_free(&b);
	return ok;
}

void pl_office_plain(const char *id, const char *name, char *out, size_t n)
{
	if (n == 0)
		return;
	out[0] = '\0';
	if (!name || !*name) {
		snprintf(out, n, "%s", id ? id : "");
		return;
	}
	if (id && from_id(id, name, out, n))
		return;
	/* the name without its notes: "(...)" anywhere, and what follows
	 * "; " or " / " */
	size_t len = strcspn(name, ";");
	const char *slash = strstr(name, " / ");
	if (slash && (size_t)(slash - name) < len)
		len = (size_t)(slash - name);
	size_t o = 0;
	int depth = 0;
	for (size_t i = 0; i < len && o + 1 < n; i++) {
		char c = name[i];
		if (c == '(')
			depth++;
		else if (c == ')' && depth > 0)
			depth--;
		else if (!depth && !(c == ' ' && (o == 0 || out[o - 1] == ' ')))
			out[o++] = c;
	}
	while (o && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
	size_t first = strcspn(out, " ");
	if (!all_caps(out, first))
		out[0] = (char)tolower((unsigned char)out[0]);
}
