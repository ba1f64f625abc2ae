/*
 * check.h - checking results.json files: metric paths, a scenario's
 * `expect` assertions, and comparison with a baseline (the CI gate behind
 * `handset check`).
 *
 * Metric paths name a numeric value of a results.json (schema
 * handset-results/1, results/README.md): `latency.call.ring.p95_ms`,
 * `energy.battery_life_h`, `energy.by_domain_mj.secret`,
 * `flows.violations`, `flows.covert[0].bits_per_s`, `counts.vm_switches`,
 * `counts.instructions.unclass`. Latency names contain dots, so a path is
 * matched against an object's keys by the longest key that fits.
 * check_metric_valid says whether a path belongs to the schema at all (an
 * error in the assertion: bad input); check_resolve finds it in one file
 * (a missing value there is a failed check).
 *
 * An assertion is {metric, approach, op, value} or, relative to another
 * approach, {metric, approach, op, than: {approach, factor}}: holds when
 * value(approach) OP factor * value(than.approach). op is one of <, <=,
 * >, >=, ==, !=. approach "*" means every approach in the results (for the
 * relative form, every one except than.approach). An assertion about an
 * approach with no results, a value missing from a file or a null value
 * fails.
 *
 * Baseline comparison walks every leaf of each baseline file and finds
 * the results file of the same approach: numbers must be within
 * tolerance_pct percent of the baseline value (|new - old| <= pct/100 *
 * |old|; a baseline 0 must stay exactly 0); strings, booleans and nulls
 * must be equal; keys and array elements missing from the new file or
 * new in it fail, and so does a baseline approach with no new results.
 *
 * Outcomes go to a CheckReport: one line per failure (and per passing
 * assertion), plus counts. Nothing here prints or exits; bad input
 * returns -1 with a message.
 */
#ifndef HS_OUT_CHECK_H
#define HS_OUT_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "scenario/json.h"

#define CHECK_ERR_MAX 512 /* size for error buffers */

/* One loaded results.json. */
typedef struct CheckRun {
    char *file;     /* path it was read from (owned) */
    char *approach; /* its "approach" value (owned) */
    json_t *root;   /* parsed tree (one reference, owned) */
} CheckRun;

/* Results files to check or to compare with. */
typedef struct CheckSet {
    CheckRun *runs; /* in the order added (owned) */
    size_t n;       /* number of runs */
    size_t cap;     /* allocated */
} CheckSet;

/* Comparison operators of an assertion. */
typedef enum CheckOp {
    CHECK_LT,
    CHECK_LE,
    CHECK_GT,
    CHECK_GE,
    CHECK_EQ,
    CHECK_NE,
} CheckOp;

/* One assertion. */
typedef struct CheckExpect {
    char *where;         /* "FILE:LINE:COLUMN" of the item (owned) */
    char *metric;        /* metric path (owned) */
    char *approach;      /* approach name or "*" (owned) */
    CheckOp op;          /* comparison */
    bool relative;       /* true: compare with than_approach */
    double value;        /* absolute form: the bound */
    char *than_approach; /* relative form: other approach (owned) */
    double factor;       /* relative form: multiplier of its value */
} CheckExpect;

/* A list of assertions. */
typedef struct CheckExpectList {
    CheckExpect *items; /* (owned) */
    size_t n;           /* number of assertions */
} CheckExpectList;

/* Outcome of checks: readable lines and counts. */
typedef struct CheckReport {
    char *text;      /* lines, each ending in '\n' ("" if none; owned) */
    size_t len;      /* bytes in text */
    size_t cap;      /* allocated */
    unsigned passed; /* checks that held */
    unsigned failed; /* checks that failed */
} CheckReport;

/* Empty set / report; free with the matching _free (which re-inits). */
void check_set_init(CheckSet *s);
void check_set_free(CheckSet *s);
void check_report_init(CheckReport *r);
void check_report_free(CheckReport *r);
void check_expect_list_free(CheckExpectList *l);

/*
 * Adds a results.json file, or a run directory: its own results.json if
 * it has one, and <dir>/<sub>/results.json for each subdirectory (in name
 * order). Each file must parse and have "format": "handset-results/1" and
 * an "approach"; an approach already in the set is an error. Returns 0 or
 * -1 with "FILE:LINE:COLUMN: ..." in err.
 */
int check_set_add(CheckSet *s, const char *path, char *err, size_t err_size);

/* The run of approach, or NULL. */
const CheckRun *check_set_find(const CheckSet *s, const char *approach);

/* 0 if metric is a numeric path of handset-results/1; else -1 with the
 * reason and the valid names at the point it went wrong in err. */
int check_metric_valid(const char *metric, char *err, size_t err_size);

/* Finds metric in a results tree: 0 and *out, or -1 with what is missing
 * in err. */
int check_resolve(const json_t *root, const char *metric, const json_t **out,
                  char *err, size_t err_size);

/*
 * Reads an `expect` array (the value at `path` of doc) into out. Checks
 * keys, types, op names and metric paths; errors go to doc (json_fail:
 * "FILE:LINE:COLUMN: expect[2].op: ..."). Returns 0 or -1.
 */
int check_expect_parse(JsonDoc *doc, const json_t *arr, const char *path,
                       CheckExpectList *out);

/* Loads a scenario file and parses its "expect" array (none: an empty
 * list). Only the expect part is validated here. Returns 0 or -1 with a
 * message in err. */
int check_expect_load(const char *scenario_file, CheckExpectList *out,
                      char *err, size_t err_size);

/* Evaluates every assertion against runs, adding lines and counts to
 * rep. Returns 0, or -1 when out of memory. */
int check_expect_eval(const CheckSet *runs, const CheckExpectList *l,
                      CheckReport *rep);

/* Compares cur with base (see above), adding failure lines and counts to
 * rep. Returns 0, or -1 when out of memory. */
int check_baseline(const CheckSet *base, const CheckSet *cur,
                   double tolerance_pct, CheckReport *rep);

/* Name of an operator ("<", ...). */
const char *check_op_name(CheckOp op);

#endif /* HS_OUT_CHECK_H */
