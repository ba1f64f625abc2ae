/*
 * summary.h - the summary of a sweep: per group of runs (variant x
 * approach x set-point, one run per seed) and per metric, the number of
 * seeds with a value, the mean, the standard deviation and the 95 %
 * confidence interval of the mean (out/stats.h; results/README.md,
 * "Statistics"). Written as summary.json, summary.csv and summary.md.
 *
 * Metrics are every number in a results.json under sim_time_s, latency,
 * energy, flows (but not the per-transfer list flows.explicit, whose
 * entries are not the same across seeds) and counts, named by check.h's
 * metric paths (latency.call.ring.p95_ms, flows.covert[0].bits_per_s),
 * in the order they first appear; null (no samples) is no value. Nothing
 * machine-specific goes in: the same results give the same bytes.
 */
#ifndef HS_OUT_SUMMARY_H
#define HS_OUT_SUMMARY_H

#include <stddef.h>

#include <jansson.h>

/* One group of runs: the same configuration over seeds. */
typedef struct SummaryGroup {
    const char *variant;           /* variant name */
    const char *approach;          /* approach name */
    const char *setpoint;          /* "KEY=V,KEY=V", or "base" */
    const char *const *set_keys;   /* the set-point's keys ... */
    const char *const *set_values; /* ... and values */
    size_t n_set;                  /* entries */
    const json_t *const *runs;     /* results.json trees, one per seed */
    const char *const *seeds;      /* their seeds, as decimal text */
    size_t n_runs;                 /* entries */
} SummaryGroup;

/* The unit of a metric path ("ms", "mJ", "count", ...). */
const char *summary_unit(const char *metric);

/* Builds summary.json's tree (a new reference), or NULL when out of
 * memory. */
json_t *summary_build(const char *scenario, const SummaryGroup *groups,
                      size_t n);

/* Writes DIR/summary.json, summary.csv and summary.md from the tree
 * summary_build made, each atomically. Returns 0, or -1 with a message in
 * err. */
int summary_write(const json_t *summary, const char *dir, char *err,
                  size_t err_size);

#endif /* HS_OUT_SUMMARY_H */
