/*
 * run.h - one run: a scenario under one approach on one variant (SoC and
 * microphone wiring) with one seed, from the machine's construction to
 * the files in its output directory.
 *
 * The run builds the machine with the scenario's domains and settings,
 * then the parts that model the phone around it (part.h): each part
 * owns some app kinds and event actions. A scenario that uses an app or an
 * action no part implements is refused before anything runs, naming what
 * is missing: nothing is ever approximated. Event rules fire at their
 * nominal times plus a jitter drawn from the stream "events[I]"; the run
 * then advances the machine to the scenario's duration in steps, printing
 * progress to stderr when asked.
 *
 * Outputs go to a fresh directory next to the target and are renamed
 * into place only when every file is complete: results.json (schema
 * handset-results/1, results/README.md), host.json (wall time, speed,
 * memory), and when asked trace.json and radio.pcap. A run that fails
 * or is stopped leaves nothing at the target; an existing target is
 * never replaced unless asked (RunOptions.force).
 */
#ifndef HS_RUN_RUN_H
#define HS_RUN_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <signal.h>
#include <stdint.h>

#include "config/scenario.h"
#include "sim/time.h"

typedef enum RunStatus {
    RUN_OK = 0,
    RUN_BAD_INPUT,   /* the scenario asks for something invalid here */
    RUN_NOT_BUILT,   /* it needs a part of handset that is not built */
    RUN_HOST_ERROR,  /* out of memory, a file could not be written */
    RUN_EXISTS,      /* out_dir exists and force is not set */
    RUN_MODEL_ERROR, /* a part's model met a state it cannot carry on
                      * from (PART_MODEL_ERROR): a bug in handset's
                      * model, not the scenario's or the host's doing */
} RunStatus;

struct FrameRecord;

/* What a run is when it starts, for an observer. */
typedef struct RunStart {
    const char *scenario, *variant, *approach; /* names */
    hs_time duration;                          /* the scenario's */
    size_t n_domains;                          /* domains, in index order */
    const char *const *domains;                /* their names */
} RunStart;

/* A live observer of one run (`handset run --view`): told, on the run's
 * thread and as they happen, the things trace.json and frames.hsf
 * record: each rail's power, the RRC state, the domain in front, the
 * latencies as they complete, the flows and the frames as the panel
 * shows them. It reads and may make the run's thread wait (pacing); it
 * never steers, so results.json is the same with and without it. Any
 * function may be NULL. The foreground is looked at on every power
 * change, latency, flow, frame and step, and told when it changed. */
typedef struct RunObserver {
    void *ctx;
    void (*start)(void *ctx, const RunStart *s);
    void (*power)(void *ctx, hs_time when, const char *rail, double mw);
    void (*rrc)(void *ctx, hs_time when, int state, const char *name);
    void (*foreground)(void *ctx, hs_time when, int domain);
    void (*latency)(void *ctx, hs_time when, const char *name);
    /* verdict: FLOW_ALLOWED, FLOW_BLOCKED or FLOW_VIOLATION */
    void (*flow)(void *ctx, hs_time when, int verdict);
    /* rec as frames.hsf gets it (offset 0), z its zlib data */
    void (*frame)(void *ctx, const struct FrameRecord *rec, const void *z);
    /* After each of the run's steps (200, run.c): the battery's
     * charge left, in percent. */
    void (*step)(void *ctx, hs_time now, double battery_pct);
} RunObserver;

typedef struct RunOptions {
    const Scenario *sc;   /* the scenario (settings already applied) */
    int variant;          /* index into sc->variants */
    const char *approach; /* approach name */
    const char *out_dir;  /* directory to create with the outputs */
    const char *image;    /* AP guest image (build/guest/domain.elf) */
    const char *service;  /* driver/service VMs' image (NULL: service.elf
                             beside image) */
    const char *firmware; /* baseband firmware (build/baseband/...) */
    bool trace;           /* write trace.json */
    bool trace_gzip;      /* as trace.json.gz (zlib) */
    uint64_t trace_max;   /* trace events at most (0: the default) */
    bool record_frames;   /* write frames.hsf (out/frames.h) */
    bool pcap;            /* write radio.pcap */
    bool progress;        /* progress lines on stderr */
    const char *label;    /* prefix of progress lines ("hyp-mils") */
    bool force;           /* replace an existing out_dir */
    /* When set and non-zero (a signal handler's flag), the run stops at
     * its next step, removes its partial directory and returns
     * RUN_HOST_ERROR with "interrupted". */
    const volatile sig_atomic_t *stop;
    const RunObserver *observer; /* a live observer, or NULL */
} RunOptions;

/* What the caller may print after a run. */
typedef struct RunSummary {
    double wall_s;         /* wall-clock seconds */
    double speedup;        /* simulated seconds per wall second */
    unsigned faults;       /* guest and firmware faults */
    char first_fault[256]; /* one line about the first, or "" */
    char trace_note[512];  /* what the trace dropped, or "" */
} RunSummary;

/* Runs and writes the outputs. Returns RUN_OK, or another status with a
 * message in err (nothing written at out_dir). */
RunStatus run_scenario(const RunOptions *o, RunSummary *sum, char *err,
                       size_t err_size);

/* Checks that every app and action the scenario uses is built, without
 * running. Returns RUN_OK or RUN_NOT_BUILT with the missing parts named. */
RunStatus run_check_built(const Scenario *sc, char *err, size_t err_size);

#endif /* HS_RUN_RUN_H */
