/*
 * page_source.c - GET /api/v1/sources/ID: a source as the write API takes
 * it back (its columns, and the visits and tenures citing it), with the
 * source's version as its ETag, the If-Match of a change.
 */
#include "webq.h"

#include <stdlib.h>
#include <string.h>

void pl_page_source(pl_page *pg, const char *id)
{
	/* body and version from the same state: read the version around the
	 * body, again when a write came in between */
	char before[48] = "";
	char *text = NULL;
	for (int tries = 0; tries < 8; tries++) {
		if (parley_record_etag(pg->w->db, "source", id, before, sizeof before, NULL) ||
		    parley_source_json(pg->w->db, id, &text, NULL))
			break;
		parley_record_etag(pg->w->db, "source", id, pg->rs->etag, sizeof pg->rs->etag, NULL);
		if (strcmp(before, pg->rs->etag) == 0)
			break;
		free(text);
		text = NULL;
		pg->rs->etag[0] = '\0';
	}
	json_t *v = text ? json_loads(text, 0, NULL) : NULL;
	free(text);
	if (!v) {
		pg->rs->etag[0] = '\0';
		pl_send_error(pg, 404, NULL, "no source with that id");
		return;
	}
	pl_versioned_etag(pg, v);
	pl_send_json(pg, v);
}

void pl_versioned_etag(pl_page *pg, json_t *v)
{
	/* the record's version (what If-Match names) and the hash of the whole
	 * answer, which also holds what is derived from other records (a
	 * person's trips, a source's citing visits): a revalidation sees those
	 * change too, and a write still finds its version in the tag */
	char *text = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
	size_t n = strlen(pg->rs->etag);
	if (!text || n < 3) {
		free(text);
		pg->rs->etag[0] = '\0'; /* the server hashes the body */
		return;
	}
	char core[24]; /* "p-" and 16 hex digits */
	snprintf(core, sizeof core, "%.*s", (int)n - 2, pg->rs->etag + 1);
	snprintf(pg->rs->etag, sizeof pg->rs->etag, "\"%s.%016llx\"", core,
	         (unsigned long long)pl_hash(text, strlen(text)));
	free(text);
}
