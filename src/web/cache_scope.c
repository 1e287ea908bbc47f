/*
 * cache_scope.c - which cached answers a change can have touched.
 *
 * What each answer shows (audit_scope.c has the store's side):
 * - a visit's note is shown only by that visit's own record (its page, its
 *   API answer, its context) and is found by searches (the q parameter of
 *   lists, CSV, the people and search pages: visit_search_text);
 * - its summary is also in lists, CSV and people's and countries' pages,
 *   never in another visit's record;
 * - anything else can change any answer.
 * So after a note edit a search is kept unless it could match the note
 * before or after.  A search is a phrase of folded words, each an exact
 * word and the last a prefix (pl_fts_phrase; people: the same rule by
 * instr): a match that involves the note holds one of the search's words
 * inside the folded note, so a search none of whose words occurs in the
 * old or the new note matches the visit either both times or neither.
 * One exception: a phrase of several words can run across the place of an
 * empty note (the words on either side of it become neighbours), so a
 * search of several words goes whenever a note was or becomes empty.
 * Results are ordered by date, level or name, never by relevance, so a
 * visit that matches both times keeps its place.
 */
#include "cache_scope.h"

#include <stdlib.h>
#include <string.h>

int pl_cache_words(const pl_web_req *rq, char **out)
{
	*out = NULL;
	pl_buf w;
	pl_buf_init(&w, 0);
	for (size_t i = 0; i < rq->nparams; i++) {
		if (strcmp(rq->params[i].key, "q") != 0)
			continue;
		char *f = parley_fold_words(rq->params[i].value);
		if (!f) {
			pl_buf_free(&w);
			return PARLEY_ENOMEM;
		}
		int rc = *f && w.len ? pl_buf_putc(&w, ' ') : PARLEY_OK;
		if (!rc)
			rc = pl_buf_puts(&w, f);
		free(f);
		if (rc) {
			pl_buf_free(&w);
			return PARLEY_ENOMEM;
		}
	}
	if (w.len && !(*out = pl_buf_take(&w)))
		return PARLEY_ENOMEM;
	pl_buf_free(&w);
	return PARLEY_OK;
}

/* The visit id a record answer is named after (/visit/ID,
 * /api/v1/visits/ID, /api/v1/context/ID and anything below or beside
 * them), or NULL for another answer. */
static const char *record_id(const char *key)
{
	static const char *const prefixes[] = {"/visit/", "/api/v1/visits/", "/api/v1/context/"};
	for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
		if (strncmp(key, prefixes[i], strlen(prefixes[i])) == 0)
			return key + strlen(prefixes[i]);
	return NULL;
}

/* 1 when key is the plain record answer (no parameters, nothing below) of
 * a visit not in ids (one a line). */
static int other_visit_record(const char *key, const char *ids)
{
	const char *id = record_id(key);
	if (!id || !*id || strpbrk(id, "/?%"))
		return 0;
	for (const char *p = ids; *p;) {
		size_t n = strcspn(p, "\n");
		if (strncmp(id, p, n) == 0) /* that visit, or an answer named after it */
			return 0;
		p += n + (p[n] == '\n');
	}
	return 1;
}

/* 1 when a search for words can match differently across notes (the
 * folded notes before and after, one a line). */
static int words_meet(const char *words, const char *notes)
{
	if (!words)
		return 0;
	if (!notes)
		return 1;
	if (strchr(words, ' ') && (notes[0] == '\n' || strstr(notes, "\n\n")))
		return 1; /* several words, and a note was or becomes empty */
	size_t nn = strlen(notes);
	for (const char *w = words; *w;) {
		size_t n = strcspn(w, " ");
		if (n && memmem(notes, nn, w, n))
			return 1;
		w += n + (w[n] == ' ');
	}
	return 0;
}

int pl_cache_touched(const char *key, const char *words, const pl_cache_change *c)
{
	if (!c->visits)
		return 1;
	if (!c->note_only || record_id(key))
		return !other_visit_record(key, c->visits);
	return words_meet(words, c->notes);
}
