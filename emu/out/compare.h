/*
 * compare.h - the side-by-side comparison of one scenario's runs:
 * approaches as columns, key metrics as rows. Printed aligned for the
 * terminal, and written as compare.csv and compare.md beside the runs.
 *
 * Every row's label ends with its unit in parentheses.
 * Built from results.json trees (schema handset-results/1, as written by
 * out/results or read back from files), one per approach, in the column
 * order given. Rows, in this order, each kept only when at least one
 * approach has a value:
 *   latency.<name>.p50_ms, .p95_ms and .count (the samples the
 *   percentiles come from) for every latency name (sorted);
 *   energy.total_mj, avg_power_mw, battery_life_h, ap_awake_pct;
 *   flows.violations; flows.covert[i].bits_per_s and bit_error_rate per
 *   channel (labelled by the channel name of the first run having it);
 *   counts.syscalls ... copies_bytes, task_switches, and the sum of
 *   instructions;
 *   tcb (the number of trusted components).
 * The CSV's first column is the row's metric path (check.h's form, so a
 * value can be turned into an expect assertion); "counts.instructions"
 * and "tcb" are the two rows that are sums or lengths.
 *
 * Numbers: the terminal and Markdown show integers as they are and reals
 * rounded for reading (>= 1e5: no decimals; >= 100: 1; >= 1: 2; smaller:
 * 3 significant digits); the CSV keeps 12 significant digits. A missing
 * or null value is "-" (terminal, Markdown) or an empty field (CSV).
 * Nothing prints except compare_print to the stream it is given.
 */
#ifndef HS_OUT_COMPARE_H
#define HS_OUT_COMPARE_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

/* A built comparison (opaque). */
typedef struct CompareTable CompareTable;

/*
 * Builds the table from n results trees (each must have an "approach"
 * string; the trees are only read during the call). Returns NULL with a
 * message in err when one is not a results object or out of memory.
 */
CompareTable *compare_build(const json_t *const results[], size_t n, char *err,
                            size_t err_size);

/*
 * The same over seeds: results[c * per_col + s] is column c's run with
 * its s-th seed (columns in order, per_col runs each). A cell holds the
 * mean over the seeds that have a value, shown as "MEAN ± HALF (n=N)"
 * with HALF the half-width of its 95 % Student-t confidence interval
 * (out/stats.h); the CSV gives each column's mean, "<approach> ci95" and
 * "<approach> n". per_col 1 is compare_build.
 */
CompareTable *compare_build_seeds(const json_t *const results[], size_t n,
                                  size_t per_col, char *err, size_t err_size);

/* Frees the table. NULL is allowed. */
void compare_free(CompareTable *t);

/* Number of rows / columns (approaches). */
size_t compare_rows(const CompareTable *t);
size_t compare_columns(const CompareTable *t);

/* Metric path, label and display text of a cell ("-" if none). */
const char *compare_row_metric(const CompareTable *t, size_t row);
const char *compare_row_label(const CompareTable *t, size_t row);
const char *compare_cell(const CompareTable *t, size_t row, size_t col);

/* Prints the aligned table to out. Returns 0, or -1 on a write error. */
int compare_print(const CompareTable *t, FILE *out);

/* Writes the CSV / Markdown table to path atomically. */
int compare_write_csv(const CompareTable *t, const char *path, char *err,
                      size_t err_size);
int compare_write_md(const CompareTable *t, const char *path, char *err,
                     size_t err_size);

#endif /* HS_OUT_COMPARE_H */
