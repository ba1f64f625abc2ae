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
 * An assertion (a scenario's `expect` item, scenarios/README.md, which
 * the CLI converts; nothing here reads scenario files) is absolute,
 * metric(approach, variant) OP value, or relative,
 * metric(approach, variant) OP factor x than_metric(than_approach,
 * than_variant). op is one of <, <=, >, >=, ==, !=. approach "*" means
 * every approach in the results (for the relative form every one except
 * a named than_approach); than_approach "*" compares with every other
 * approach in turn. variant NULL means every variant in the results;
 * than_variant NULL means the left run's own variant. An assertion whose
 * approach or variant has no results, a missing other side, a value
 * missing from a file or a null value fails.
 *
 * Runs are told apart by (variant, approach): a results.json without a
 * "variant" key counts as variant "default". Outcome lines name a run by
 * its approach, or "variant/approach" when the variant is not "default".
 *
 * Baseline comparison walks every leaf of each baseline file and finds
 * the results file of the same variant and approach: numbers must be within
 * tolerance_pct percent of the baseline value (|new - old| <= pct/100 *
 * |old|; a baseline 0 must stay exactly 0); strings, booleans and nulls
 * must be equal; keys and array elements missing from the new file or
 * new in it fail, and so does a baseline run with no new results.
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

#define CHECK_ERR_MAX 512 /* size for error buffers */

/* One loaded results.json. */
typedef struct CheckRun {
    char *file;     /* path it was read from (owned) */
    char *variant;  /* its "variant" value, "default" if none (owned) */
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

#define CHECK_ANY "*"                   /* approach wildcard */
#define CHECK_DEFAULT_VARIANT "default" /* a scenario without variants */

/* One assertion. In a CheckExpectList every string is owned by it. */
typedef struct CheckExpect {
    const char *where;         /* "FILE:LINE:COLUMN" of the item */
    const char *metric;        /* metric path */
    const char *approach;      /* approach name or "*" */
    const char *variant;       /* variant name, NULL: every variant */
    CheckOp op;                /* comparison */
    bool relative;             /* true: compare with another run */
    double value;              /* absolute form: the bound */
    const char *than_metric;   /* relative: metric on the right */
    const char *than_approach; /* relative: approach name or "*" */
    const char *than_variant;  /* relative: NULL: the left run's variant */
    double factor;             /* relative form: multiplier of its value */
} CheckExpect;

/* A list of assertions. */
typedef struct CheckExpectList {
    CheckExpect *items; /* (owned) */
    size_t n;           /* number of assertions */
    size_t cap;         /* allocated */
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
void check_expect_list_init(CheckExpectList *l);
void check_expect_list_free(CheckExpectList *l);

/*
 * Adds a results.json file, or a run directory as `handset run/compare
 * -o DIR` writes it: its own results.json if it has one, and for each
 * subdirectory (in name order) <sub>/results.json, or when there is none
 * <sub>/<sub2>/results.json (DIR/<variant>/<approach>/ of a scenario with
 * several variants). Each file must parse and have "format":
 * "handset-results/1" and an "approach" ("variant" is optional); a
 * variant and approach already in the set is an error. Returns 0 or
 * -1 with "FILE:LINE:COLUMN: ..." in err.
 */
int check_set_add(CheckSet *s, const char *path, char *err, size_t err_size);

/* The run of variant and approach, or NULL. */
const CheckRun *check_set_find(const CheckSet *s, const char *variant,
                               const char *approach);

/* 0 if metric is a numeric path of handset-results/1; else -1 with the
 * reason and the valid names at the point it went wrong in err. */
int check_metric_valid(const char *metric, char *err, size_t err_size);

/* Finds metric in a results tree: 0 and *out, or -1 with what is missing
 * in err. */
int check_resolve(const json_t *root, const char *metric, const json_t **out,
                  char *err, size_t err_size);

/* Appends a copy of e: its strings are copied, NULL stays NULL except
 * approach (NULL: "*") and than_metric (NULL: metric). Returns 0, or -1
 * when out of memory or when e has no metric (or, relative, no
 * than_approach). */
int check_expect_add(CheckExpectList *l, const CheckExpect *e);

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
