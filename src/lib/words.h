/*
 * words.h - numbers, durations and offices as a reader writes them in prose
 * ("six years", "the fifth", "premier"): the brief-ready sentences
 * (docs/briefs.md) and the brief's figures share them.
 */
#ifndef PL_WORDS_H
#define PL_WORDS_H

#include <stddef.h>

/* A duration of days in words: under 60 days "12 days", up to two years
 * "four months" (rounded), else whole years, rounded down ("six years" for
 * 6.6: "the first in six years" never overstates); numbers up to twenty in
 * words. */
void pl_duration_words(long days, char *out, size_t n);
/* "first" .. "tenth", then "11th", "22nd", "103rd". */
void pl_ordinal_words(size_t k, char *out, size_t n);
/* An office as prose names it, from its id and its stored name: the id's
 * words without the country prefix when each is a word of the name
 * ("chn-premier", "Premier of the State Council (GAC Premier 1949-54)" ->
 * "premier"; "chn-foreign-minister", "Minister of Foreign Affairs" ->
 * "foreign minister"; acronyms keep the name's capitals: "CPC general
 * secretary"), else the name without parentheses or what follows ';' or
 * " / ", its first word in lower case unless an acronym. */
void pl_office_plain(const char *id, const char *name, char *out, size_t n);

#endif
