/*
 * dvfs.h - one frequency domain per CPU cluster, a schedutil-like
 * governor, and the CPU cores' power states.
 *
 * Whoever runs work on a core (the vCPU scheduler) reports it with
 * dvfs_core_run(cluster, core, domain, t) and dvfs_core_stop(cluster,
 * core, t). From these the device
 *   - books each core's power to the meter: component
 *     "<cluster>.cpu<N>" is in state "idle" (0 uW above the AP's awake
 *     power, which the PMIC books) or "opp<K>" (the OPP's active_uw,
 *     power_profile cpu.active) attributed to the running domain, so CPU
 *     energy follows the time (hence cycles) each domain ran at each OPP;
 *   - measures utilisation for the governor.
 *
 * Governor (after Linux kernel/sched/cpufreq_schedutil.c): every
 * rate_limit_ps (schedutil's rate_limit_us; Linux defaults it from the
 * driver's transition latency x 1000, at most 10 ms -
 * drivers/cpufreq/cpufreq.c cpufreq_policy_transition_delay_us) it takes
 * the frequency-invariant utilisation of the last window,
 *     util = busy_ps x freq_at_the_time / (window_ps x max_freq),
 * the maximum over the cluster's cores (sugov_next_freq_shared), and asks
 * for next_freq = headroom x max_freq x util with headroom 1.25
 * (map_util_freq: freq + freq/4, the tipping point at util 0.8), then
 * picks the lowest OPP >= next_freq (CPUFREQ_RELATION_L). Simplification:
 * utilisation is the busy fraction of the last window, not PELT's
 * decaying average. The governor stops evaluating while every core is
 * idle at the lowest OPP, so an idle run has no periodic events.
 *
 * Listeners learn every frequency change (vCPUs change their time per
 * cycle). HS_DVFS_CUR_KHZ reads the frequency of the reading vCPU's
 * cluster (the cluster_of hook; cluster 0 without one).
 */
#ifndef HS_DEVICES_DVFS_H
#define HS_DEVICES_DVFS_H

#include "bus/bus.h"
#include "power/meter.h"

#define DVFS_MAX_CLUSTERS 4
#define DVFS_MAX_CORES 8 /* per cluster */
#define DVFS_MAX_OPPS 32

typedef struct DvfsOpp {
    uint32_t freq_khz;  /* operating frequency */
    uint64_t active_uw; /* per-core power when busy (cpu.active) */
} DvfsOpp;

typedef struct DvfsClusterConfig {
    const char *name;            /* e.g. "big"; must outlive the device */
    unsigned n_cores;            /* 1 .. DVFS_MAX_CORES */
    DvfsOpp opps[DVFS_MAX_OPPS]; /* strictly ascending frequency */
    unsigned n_opps;             /* 1 .. DVFS_MAX_OPPS */
    unsigned initial_opp;        /* index at reset */
} DvfsClusterConfig;

typedef struct DvfsConfig {
    DvfsClusterConfig clusters[DVFS_MAX_CLUSTERS]; /* frequency domains */
    unsigned n_clusters;                           /* 1 .. DVFS_MAX_CLUSTERS */
    hs_time rate_limit_ps; /* governor period (rate_limit_us) > 0 */
    uint32_t headroom_pct; /* 125 = schedutil's 1.25 */
} DvfsConfig;

typedef enum DvfsGovernor {
    DVFS_GOV_SCHEDUTIL, /* utilisation-driven (default) */
    DVFS_GOV_FIXED,     /* stays at the OPP set by dvfs_set_opp */
} DvfsGovernor;

typedef void (*DvfsListenerFunc)(void *ctx, unsigned cluster, uint32_t old_khz,
                                 uint32_t new_khz, hs_time when);
/* Which cluster the accessing vCPU runs on. */
typedef unsigned (*DvfsClusterOfFunc)(void *ctx, const BusAccess *acc);

typedef struct DvfsCore {
    bool busy;          /* running work */
    int domain;         /* domain running, when busy */
    hs_time run_start;  /* start of the unaccounted busy stretch */
    uint64_t busy_work; /* busy ps x kHz in the current window */
    int comp;           /* meter component, -1 without meter */
} DvfsCore;

struct DvfsState;

typedef struct DvfsCluster {
    struct DvfsState *owner;        /* the device (tick context) */
    unsigned index;                 /* cluster index */
    unsigned opp;                   /* current OPP index */
    DvfsGovernor gov;               /* governor */
    hs_time window_start;           /* start of the governor window */
    DvfsCore cores[DVFS_MAX_CORES]; /* per core */
    SimEvent tick;                  /* governor evaluation */
    uint64_t changes;               /* frequency changes so far */
    char names[DVFS_MAX_CORES][48]; /* meter component names */
} DvfsCluster;

#define DVFS_MAX_LISTENERS 8

typedef struct DvfsState {
    Device dev;                                     /* base: must stay first */
    DvfsConfig cfg;                                 /* copied at init */
    Sim *sim;                                       /* set by realize */
    PowerMeter *meter;                              /* may be NULL */
    DvfsCluster cl[DVFS_MAX_CLUSTERS];              /* frequency domains */
    DvfsListenerFunc listeners[DVFS_MAX_LISTENERS]; /* change listeners */
    void *listener_ctx[DVFS_MAX_LISTENERS];         /* their contexts */
    int n_listeners;                                /* listeners installed */
    DvfsClusterOfFunc cluster_of; /* vCPU -> cluster (NULL: 0) */
    void *cluster_of_ctx;         /* its context */
} DvfsState;

/* Checks and copies cfg. Returns 0, or -1 with a reason in err (bad
 * counts, OPPs not ascending, zero rate limit or headroom). */
int dvfs_init(DvfsState *s, const char *name, const DvfsConfig *cfg,
              PowerMeter *meter, char *err, size_t err_size);

/* Work reporting (the vCPU scheduler). Times are the core's local times,
 * nondecreasing per core. Return 0, or -1 on bad indexes / a domain out
 * of range / run while busy / stop while idle. */
int dvfs_core_run(DvfsState *s, unsigned cluster, unsigned core, int domain,
                  hs_time when);
int dvfs_core_stop(DvfsState *s, unsigned cluster, unsigned core, hs_time when);

uint32_t dvfs_cur_khz(const DvfsState *s, unsigned cluster);
unsigned dvfs_cur_opp(const DvfsState *s, unsigned cluster);
/* Picks the governor; FIXED keeps the current OPP until dvfs_set_opp. */
int dvfs_set_governor(DvfsState *s, unsigned cluster, DvfsGovernor gov,
                      hs_time when);
/* Sets the OPP at when (any governor; schedutil may move it again). */
int dvfs_set_opp(DvfsState *s, unsigned cluster, unsigned opp, hs_time when);

int dvfs_add_listener(DvfsState *s, DvfsListenerFunc fn, void *ctx);

/* Books n short runs on every core of every cluster at once, exactly as
 * the n rounds of dvfs_core_run/dvfs_core_stop calls would (with the
 * clock at each round's time): round i runs each core of cluster c for
 * domain from first + i x period for width[c] (0 < width[c] <= period).
 * The governor's evaluations that fall between rounds are replayed;
 * the one pending after the last round stays in the queue. For an idle
 * machine whose only work is periodic (a separation kernel's slice
 * switches). Returns 0, or -1 with nothing changed when the rounds would
 * not be alike: a core busy, the governor would change an OPP, a meter
 * observer would see the changes, a component not at rest. */
int dvfs_idle_pulses(DvfsState *s, int domain, hs_time first, hs_time period,
                     uint64_t n, const hs_time width[]);
void dvfs_set_cluster_of(DvfsState *s, DvfsClusterOfFunc fn, void *ctx);

extern const DeviceOps dvfs_ops;

#endif /* HS_DEVICES_DVFS_H */
