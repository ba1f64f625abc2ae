/*
 * results.h - the results of one run (one scenario x one approach x one
 * SoC x one seed) and their writers: results.json (schema
 * handset-results/1, documented in results/README.md) and host.json.
 *
 * The runner, the power meter and the flow monitor fill a Results with
 * what they measured; the writer writes exactly that, in a fixed order
 * and number format, so the same run gives a byte-identical file:
 *   - object keys in schema order; maps keyed by names (latency,
 *     by_component_mj, by_domain_mj, instructions) sorted by name (strcmp);
 *     lists (flows, covert channels, tcb) in the order they were added;
 *   - integers as integers; reals with 12 significant digits (jansson's
 *     JSON_REAL_PRECISION(12), i.e. printf "%.12g", ".0" added when the
 *     text would read as an integer); a non-finite real (no value, e.g. a
 *     battery life with zero power) is written as null;
 *   - two-space indentation, a newline at the end.
 *
 * Latency percentiles use the nearest-rank rule on the exact picosecond
 * samples: with n samples sorted ascending, pP is the sample of rank
 * ceil(P/100 * n) (1-based), so p50 of {1,2,3,4} is 2 and p99 of 100
 * samples is the 99th. A declared latency with no samples has count 0
 * and null percentiles. Samples are kept (8 bytes each) until the writer
 * runs.
 *
 * Host-side figures (wall time, speed-up, memory) never enter
 * results.json; they go to host.json through results_write_host.
 *
 * Errors: functions that can fail return -1 and write a message into err
 * (out of memory, an empty name, a write failure). Nothing prints.
 */
#ifndef HS_OUT_RESULTS_H
#define HS_OUT_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "sim/time.h"

#define RESULTS_FORMAT "handset-results/1"

/* One run's results (opaque). */
typedef struct Results Results;

/* Energy totals, from the power meter and battery projection. */
typedef struct ResultsEnergy {
    double total_mj;       /* energy over the whole run, millijoules */
    double avg_power_mw;   /* total_mj / sim_time, milliwatts */
    double battery_life_h; /* projected battery life, hours (inf: none) */
    double ap_awake_pct;   /* share of time the AP was not suspended, % */
} ResultsEnergy;

/* What the approach's policy did with an explicit flow. */
typedef enum ResultsVerdict {
    RESULTS_ALLOWED,      /* allowed, and not from a higher to a lower label */
    RESULTS_BLOCKED,      /* blocked by the policy */
    RESULTS_VIOLATION,    /* allowed from a higher label to a lower sink */
    RESULTS_DECLASSIFIED, /* downwards, released by a trusted path */
} ResultsVerdict;

/* One transfer across a boundary, as the flow monitor reports it. */
typedef struct ResultsFlow {
    const char *from;       /* source (device, domain, baseband) */
    const char *label;      /* label of the data, e.g. "secret" */
    const char *to;         /* sink */
    const char *clearance;  /* the sink's clearance */
    uint64_t bytes;         /* bytes transferred */
    const char *path;       /* hops, e.g. "mic>baseband>network" */
    ResultsVerdict verdict; /* policy outcome */
    uint64_t transfers;     /* transfers this entry stands for (0: 1) */
} ResultsFlow;

/* A measured covert channel, as the estimator reports it. */
typedef struct ResultsCovert {
    const char *channel;     /* shared resource, e.g. "wakelock" */
    const char *sender;      /* sending domain */
    const char *receiver;    /* receiving domain */
    uint64_t symbols;        /* symbols sent */
    hs_time symbol_period;   /* time per symbol, picoseconds */
    double bit_error_rate;   /* decoded bits in error / bits sent */
    double mutual_info_bits; /* mutual information per symbol, bits */
    double bits_per_s;       /* capacity estimate, bits per second */
} ResultsCovert;

/* Event counters of the run (counts.<name> in results.json). */
typedef enum ResultsCount {
    RESULTS_SYSCALLS,
    RESULTS_HYPERCALLS,
    RESULTS_SMCS,
    RESULTS_MMIO_TRAPS,
    RESULTS_VM_SWITCHES,
    RESULTS_WORLD_SWITCHES,
    RESULTS_COPIES_BYTES,
    RESULTS_TASK_SWITCHES,
    RESULTS_VOICE_UP_FRAMES,   /* call audio frames sent to the far end */
    RESULTS_VOICE_DOWN_FRAMES, /* call audio frames played to the user */
    RESULTS_N_COUNTS,
} ResultsCount;

/* Latency summary computed by results_latency_stats. */
typedef struct ResultsLatencyStats {
    uint64_t count; /* number of samples */
    hs_time p50;    /* nearest-rank percentiles, ps (0 when count is 0) */
    hs_time p95;    /* idem */
    hs_time p99;    /* idem */
    hs_time max;    /* largest sample, ps */
} ResultsLatencyStats;

/* Host-side figures of one run (host.json). */
typedef struct ResultsHost {
    double wall_s;         /* wall-clock seconds the run took */
    hs_time sim_time;      /* simulated time reached, ps */
    uint64_t peak_rss_kib; /* peak resident memory, KiB */
} ResultsHost;

/*
 * A new, empty Results of the scenario's variant (its name, "default"
 * when the scenario has none) under approach. Strings are copied. Returns NULL
 * when out of memory. sim_time starts at 0; energy figures start as "no value"
 * (written as null) until results_set_energy.
 */
Results *results_new(const char *scenario, const char *variant,
                     const char *approach, const char *soc, uint64_t seed);

/* Frees r. NULL is allowed. */
void results_free(Results *r);

/* Records what the run read (provenance.h), written as "inputs" after
 * "seed". Takes a reference of inputs. */
void results_set_inputs(Results *r, json_t *inputs);

/* Simulated time the run covered. */
void results_set_sim_time(Results *r, hs_time t);

/* Makes latency `name` appear even if it gets no samples. */
int results_latency_declare(Results *r, const char *name, char *err,
                            size_t err_size);

/* Records one latency sample (picoseconds) under name, e.g. "call.ring". */
int results_latency_add(Results *r, const char *name, hs_time sample, char *err,
                        size_t err_size);

/* Summary of latency name; returns -1 if it was never declared or added.
 * May reorder the stored samples. */
int results_latency_stats(Results *r, const char *name,
                          ResultsLatencyStats *out);

/* Sets the energy totals. */
void results_set_energy(Results *r, const ResultsEnergy *e);

/* Adds energy (mJ) to a component's / a domain's total. */
int results_energy_component(Results *r, const char *component, double mj,
                             char *err, size_t err_size);
int results_energy_domain(Results *r, const char *domain, double mj, char *err,
                          size_t err_size);

/*
 * Adds a transfer. Transfers with the same from, label, to, clearance,
 * path and verdict are merged into one entry (bytes summed, transfers
 * counted), in first-seen order, so a long run stays small.
 * flows.violations counts the transfers with RESULTS_VIOLATION,
 * flows.blocked those with RESULTS_BLOCKED and flows.declassified those
 * with RESULTS_DECLASSIFIED.
 */
int results_add_flow(Results *r, const ResultsFlow *f, char *err,
                     size_t err_size);

/* Adds a measured covert channel (strings copied). */
int results_add_covert(Results *r, const ResultsCovert *c, char *err,
                       size_t err_size);

/* Adds n to a counter. */
void results_count(Results *r, ResultsCount which, uint64_t n);
/* Adds n segments sent again by `what` (counts.retransmits.<what>, only
 * when n > 0, like counts.dropped). Returns 0, or -1 with a message. */
int results_count_retransmits(Results *r, const char *what, uint64_t n,
                              char *err, size_t err_size);

/* Adds n to counts.phone.<what>, the outcome of the run's calls and
 * messages (emu/phone/modem.h ModemStats). Unlike dropped, n == 0 adds
 * the key: the object exists in every run whose scenario places calls,
 * dials or SMS, with all its keys. Returns 0, or -1 with a message. */
int results_count_phone(Results *r, const char *what, uint64_t n, char *err,
                        size_t err_size);

/* Adds n instructions run by domain. */
int results_count_instructions(Results *r, const char *domain, uint64_t n,
                               char *err, size_t err_size);

/* Adds n GPU work units of jobs domain submitted (counts.gpu_units,
 * which exists only when the GPU ran some job). n == 0 adds nothing.
 * Returns 0 or -1 (out of memory). */
int results_count_gpu_units(Results *r, const char *domain, uint64_t n,
                            char *err, size_t err_size);

/* Adds n items a bounded queue had to drop (counts.dropped.<what>, which
 * exists only when some count is non-zero: a guest filled a queue, ring
 * or table). n == 0 adds nothing. Returns 0 or -1 (out of memory). */
int results_count_dropped(Results *r, const char *what, uint64_t n, char *err,
                          size_t err_size);

/* Adds one line about a guest or firmware fault ("faults": the domain,
 * PC and address; the run went on without the faulting vCPU or radio).
 * Returns 0 or -1 (out of memory). */
int results_add_fault(Results *r, const char *line, char *err, size_t err_size);

/* Adds a trusted component to the TCB list (a name added twice is kept
 * once). */
int results_add_tcb(Results *r, const char *component, char *err,
                    size_t err_size);

/* The results as a new JSON tree (the caller owns the reference), in the
 * order the writer uses. Returns NULL when out of memory. */
json_t *results_to_json(Results *r);

/* Writes results.json to path atomically (see out/atomic.h). */
int results_write(Results *r, const char *path, char *err, size_t err_size);

/* Writes host.json to path atomically: wall_s, sim_time_s, speedup
 * (simulated seconds per wall second, null when wall_s is 0),
 * peak_rss_kib. */
int results_write_host(const ResultsHost *h, const char *path, char *err,
                       size_t err_size);

/* Peak resident memory of this process so far, KiB (getrusage). */
uint64_t results_peak_rss_kib(void);

/* Dump flags every handset JSON output uses for its numbers. */
#define RESULTS_DUMP_FLAGS (JSON_INDENT(2) | JSON_REAL_PRECISION(12))

/* Writes tree with RESULTS_DUMP_FLAGS and a final newline to path,
 * atomically. */
int results_write_json(const json_t *tree, const char *path, char *err,
                       size_t err_size);

#endif /* HS_OUT_RESULTS_H */
