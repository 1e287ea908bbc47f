/*
 * table.h - aligned text tables for the terminal, and capturing a library
 * call's JSON output so a command can render it.
 */
#ifndef PARLEY_CLI_TABLE_H
#define PARLEY_CLI_TABLE_H

#include <jansson.h>
#include <stdio.h>

typedef struct cli_table cli_table;

/* A table with ncols columns named by headers (copied).  Free with
 * cli_table_free().  NULL when out of memory. */
cli_table *cli_table_new(size_t ncols, const char *const *headers);
void cli_table_free(cli_table *t);
/* Adds a row of ncols cells (copied; NULL prints as empty). */
int cli_table_add(cli_table *t, const char *const *cells);
/* Writes the table with columns padded to their widest cell (by display
 * width: Hangul and Hanzi take two columns); cells wider than max_width are cut with an ellipsis. */
void cli_table_print(const cli_table *t, FILE *out, size_t max_width);

/* Runs fn, which writes JSON to a FILE, and parses what it wrote.
 * Returns the parsed value (caller json_decref()s) or NULL with err set. */
typedef int (*cli_json_fn)(void *ctx, FILE *out, parley_err *err);
json_t *cli_capture_json(cli_json_fn fn, void *ctx, parley_err *err);

/* The string value of key in obj, or "" (borrowed from obj). */
const char *cli_str(json_t *obj, const char *key);

#endif
