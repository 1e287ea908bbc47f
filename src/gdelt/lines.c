/*
 * lines.c - cutting a stream that arrives in arbitrary chunks into lines.
 *
 * Decompressed archives and standard input arrive in blocks whose ends fall
 * anywhere, even inside a line.  Whole lines inside a block are handed on in
 * place, so the common case copies nothing; the one line that straddles two
 * blocks is assembled in a carry buffer bounded by PL_GDELT_MAX_LINE.  A line
 * longer than that is reported and skipped up to its newline, so memory stays
 * bounded whatever the input.
 */
#include "gdelt.h"

#include <stdlib.h>
#include <string.h>

int pl_gdelt_lines_init(pl_gdelt_lines *L, pl_gdelt_block_fn on_block,
                        pl_gdelt_long_fn on_long, void *ctx)
{
	memset(L, 0, sizeof *L);
	L->on_block = on_block;
	L->on_long = on_long;
	L->ctx = ctx;
	L->line = 1;
	L->carry = malloc(PL_GDELT_MAX_LINE + 1);
	return L->carry ? PARLEY_OK : PARLEY_ENOMEM;
}

void pl_gdelt_lines_free(pl_gdelt_lines *L)
{
	free(L->carry);
	L->carry = NULL;
}

static void too_long(pl_gdelt_lines *L)
{
	if (L->on_long)
		L->on_long(L->ctx, L->line, PL_GDELT_TOO_LONG);
}

int pl_gdelt_lines_feed(pl_gdelt_lines *L, const char *p, size_t n)
{
	const char *end = p + n;
	L->bytes += n;
	/* First finish the line begun in an earlier chunk (or being skipped). */
	if (L->carry_len > 0 || L->skipping) {
		const char *nl = memchr(p, '\n', n);
		size_t take = nl ? (size_t)(nl - p) + 1 : n;
		if (L->skipping) {
			if (nl) {
				L->skipping = 0;
				L->line++;
			}
		} else if (L->carry_len + take > PL_GDELT_MAX_LINE) {
			too_long(L);
			L->carry_len = 0;
			if (nl)
				L->line++;
			else
				L->skipping = 1;
		} else {
			memcpy(L->carry + L->carry_len, p, take);
			L->carry_len += take;
			if (nl) {
				long rc = L->on_block(L->ctx, L->carry, L->carry_len, L->line);
				L->carry_len = 0;
				L->line++;
				if (rc < 0)
					return (int)rc;
			}
		}
		p += take;
		if (!nl)
			return 0;
	}
	if (p >= end)
		return 0;
	/* The run of whole lines in this chunk ends at its last newline. */
	const char *last = memrchr(p, '\n', (size_t)(end - p));
	if (last) {
		size_t run = (size_t)(last - p) + 1;
		/* The callback counts the lines it was given, which keeps the
		 * numbering right without a second pass here. */
		long rc = L->on_block(L->ctx, p, run, L->line);
		if (rc < 0)
			return (int)rc;
		L->line += rc;
		p = last + 1;
	}
	size_t rest = (size_t)(end - p);
	if (rest > PL_GDELT_MAX_LINE) {
		too_long(L);
		L->skipping = 1;
	} else if (rest > 0) {
		memcpy(L->carry, p, rest);
		L->carry_len = rest;
	}
	return 0;
}

int pl_gdelt_lines_finish(pl_gdelt_lines *L, int *unterminated)
{
	*unterminated = 0;
	if (L->skipping) {
		L->skipping = 0;
		*unterminated = 1;
		return 0;
	}
	if (L->carry_len == 0)
		return 0;
	*unterminated = 1;
	L->carry[L->carry_len++] = '\n';
	long rc = L->on_block(L->ctx, L->carry, L->carry_len, L->line);
	L->carry_len = 0;
	L->line++;
	return rc < 0 ? (int)rc : 0;
}
