/* fuzz_gdelt_lines.c - the GDELT line splitter and scan loop under random
 * chunk boundaries.
 *
 * The first two bytes seed the chunk sizes; the rest is the text.  The text
 * is scanned twice: whole (with a final newline added when missing), and
 * fed through the stream line assembler in random chunks.  Both must see
 * the same lines, rows per layout, malformed lines and rows of the pair,
 * with the same line numbers; and the scan must never read out of bounds
 * (ASan).  Inputs stay below the assembler's line limit, so both paths
 * treat every line alike. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../src/gdelt/gdelt.h"

typedef struct tally {
	long rows_seen;
	long line_sum;
} tally;

static const char *sink(pl_gdelt_worker *w, const pl_gdelt_row *r)
{
	tally *t = w->user;
	t->rows_seen++;
	t->line_sum += w->lines * (long)r->nfields;
	/* Exercise the full splitter's outputs on what it was given. */
	for (int i = 0; i < r->nfields && i < PL_GDELT_MAX_FIELDS; i++)
		if (r->n[i] && (r->f[i] < r->line || r->f[i] + r->n[i] > r->line + r->len))
			abort();
	return r->n[PL_GD_EVENTCODE] == 0 ? "empty EventCode" : NULL;
}

static void init(pl_gdelt_scan *s, pl_gdelt_worker *w, tally *t)
{
	memset(s, 0, sizeof *s);
	memset(w, 0, sizeof *w);
	memset(t, 0, sizeof *t);
	memcpy(&s->a32, "USA\t", 4);
	memcpy(&s->b32, "GBR\t", 4);
	s->o.row = sink;
	s->workers = w;
	s->nworkers = 1;
	w->scan = s;
	w->user = t;
}

static long block(void *ctx, const char *p, size_t n, long first_line)
{
	pl_gdelt_worker *w = ctx;
	w->lines = first_line - 1;
	return pl_gdelt_scan_lines(w, p, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2 || size > 60000)
		return 0;
	unsigned seed = (unsigned)data[0] << 8 | data[1];
	const char *text = (const char *)data + 2;
	size_t n = size - 2;

	/* Whole. */
	pl_gdelt_scan s1;
	pl_gdelt_worker w1;
	tally t1;
	init(&s1, &w1, &t1);
	char *copy = malloc(n + 1);
	if (!copy)
		return 0;
	memcpy(copy, text, n);
	size_t m = n;
	if (m > 0 && copy[m - 1] != '\n')
		copy[m++] = '\n';
	long lines1 = m ? pl_gdelt_scan_lines(&w1, copy, m) : 0;

	/* Chunked. */
	pl_gdelt_scan s2;
	pl_gdelt_worker w2;
	tally t2;
	init(&s2, &w2, &t2);
	pl_gdelt_lines L;
	if (pl_gdelt_lines_init(&L, block, NULL, &w2) != PARLEY_OK) {
		free(copy);
		return 0;
	}
	size_t off = 0;
	while (off < n) {
		seed = seed * 1103515245u + 12345u;
		size_t k = 1 + (seed >> 16) % 97;
		if (k > n - off)
			k = n - off;
		pl_gdelt_lines_feed(&L, text + off, k);
		off += k;
	}
	int unterminated = 0;
	pl_gdelt_lines_finish(&L, &unterminated);
	long lines2 = L.line - 1;
	pl_gdelt_lines_free(&L);

	if (lines1 != lines2 || w1.rows[0] != w2.rows[0] || w1.rows[1] != w2.rows[1] ||
	    w1.rows[2] != w2.rows[2] || w1.malformed != w2.malformed || w1.passed != w2.passed ||
	    t1.rows_seen != t2.rows_seen || t1.line_sum != t2.line_sum || w1.nbad != w2.nbad)
		abort();
	for (size_t i = 0; i < w1.nbad; i++)
		if (w1.bad[i].line != w2.bad[i].line || strcmp(w1.bad[i].why, w2.bad[i].why) != 0)
			abort();
	if (unterminated != (n > 0 && text[n - 1] != '\n'))
		abort();
	free(w1.bad);
	free(w2.bad);
	free(copy);
	return 0;
}
