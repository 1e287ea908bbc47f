/*
 * registry.c - the list of every reader import knows.
 *
 * Import asks each reader's detect function for a score and uses the best;
 * the canonical formats (csv, json, ndjson; src/lib/import.c) come first so
 * that a tie goes to them.  The readers of real public datasets follow
 * (the files of src/readers/, docs/readers.md).
 */
#include "internal.h"

extern const pl_reader pl_reader_csv, pl_reader_json, pl_reader_ndjson;
extern const pl_reader pl_reader_hos_trips, pl_reader_hos_visits, pl_reader_hos_presidents;
extern const pl_reader pl_reader_archigos_spells, pl_reader_archigos_annual;
extern const pl_reader pl_reader_cow_codes, pl_reader_cow_states;
extern const pl_reader pl_reader_beyond_parallel;
extern const pl_reader pl_reader_ref_visits, pl_reader_ref_officeholders;

const pl_reader *const pl_readers[] = {
    &pl_reader_csv,
    &pl_reader_json,
    &pl_reader_ndjson,
    &pl_reader_hos_trips,
    &pl_reader_hos_visits,
    &pl_reader_hos_presidents,
    &pl_reader_archigos_spells,
    &pl_reader_archigos_annual,
    &pl_reader_cow_codes,
    &pl_reader_cow_states,
    &pl_reader_beyond_parallel,
    &pl_reader_ref_visits,
    &pl_reader_ref_officeholders,
    NULL,
};
