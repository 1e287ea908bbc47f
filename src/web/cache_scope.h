/*
 * cache_scope.h - which of the server's cached answers a change to the
 * store can have touched (server.c empties only those).
 *
 * The changes come from the audit log (parley_audit_scope): a run of edits
 * to the note or summary of some visits, or anything else.  The rules, and
 * why they hold, are in cache_scope.c.
 */
#ifndef PARLEY_WEB_CACHE_SCOPE_H
#define PARLEY_WEB_CACHE_SCOPE_H

#include "webq.h"

/* A run of changes, as parley_audit_scope reads them; borrowed strings. */
typedef struct pl_cache_change {
	const char *visits; /* the visits whose text alone changed, one a line;
	                       NULL: anything may have changed */
	int note_only;      /* their notes alone */
	const char *notes;  /* with note_only: their notes before and after, folded,
	                       one a line (NULL: unknown) */
} pl_cache_change;

/* The search words of a request: the values of its q parameters folded as
 * the search index folds text (parley_fold_words), one space between
 * words, into *out (caller frees); *out NULL when it has none or they fold
 * to nothing (no text filter).  PARLEY_ENOMEM: do not cache the answer. */
int pl_cache_words(const pl_web_req *rq, char **out);

/* 1 when the answer cached under key (words: pl_cache_words of its
 * request) may read differently after change c; 0 when it cannot. */
int pl_cache_touched(const char *key, const char *words, const pl_cache_change *c);

#endif
