/*
 * jobs.h - running a list of runs (a job each) for run, compare and
 * sweep: one at a time in this process, or -j N at once in child
 * processes; never replacing a finished result unless forced; stopping
 * cleanly on SIGINT and SIGTERM.
 *
 * Every job loads the scenario afresh and applies, in order, the
 * command's --soc, --seed and --set, then its own seed and settings, so
 * a job's result depends on nothing but its coordinates: a point of a
 * sweep is byte-identical whether it ran alone, beside others, or in a
 * shard on another machine.
 */
#ifndef HS_CLI_JOBS_H
#define HS_CLI_JOBS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli/cli.h"
#include "config/scenario.h"

#define CLI_MAX_AXES 8 /* --set axes of a sweep */

/* One run to do. */
typedef struct CliJob {
    int variant;                    /* index into the scenario's variants */
    const char *approach;           /* approach name */
    bool has_seed;                  /* seed overrides the scenario's */
    uint64_t seed;                  /* ... with this */
    const char *sets[CLI_MAX_AXES]; /* extra "KEY=VALUE" settings */
    size_t n_sets;                  /* entries */
    char dir[PATH_MAX];             /* output directory */
    char label[192];                /* progress prefix */
    bool skip;                      /* already finished: not run */
} CliJob;

/* What the jobs share. */
typedef struct CliJobSet {
    const CliRunOpts *o; /* the command's options */
    CliJob *jobs;        /* the jobs */
    size_t n;            /* entries */
    unsigned parallel;   /* processes at once */
    bool resume;         /* a finished job's directory is skipped, not an
                          * error (sweep) */
} CliJobSet;

/* Loads the scenario of o and applies its --soc, --seed, --set, then
 * (job not NULL) the job's seed and settings. Returns the scenario, or
 * NULL after printing why (bad input). */
Scenario *cli_load_scenario(const CliRunOpts *o, const CliJob *job);

/* Checks every job's directory before anything runs: removes stale
 * partial directories beside it (saying so), marks finished ones skipped
 * when resuming, and refuses (exit 2, naming them) existing results
 * unless --force. Returns HS_EXIT_OK or HS_EXIT_USAGE. */
int cli_jobs_prepare(CliJobSet *js);

/* Runs the jobs not skipped. Returns the worst exit code; 128 + signal
 * when interrupted (the runs in progress remove their partial
 * directories first). */
int cli_jobs_run(const CliJobSet *js);

/* Creates the output directory: -o as given (mkdir -p), or a fresh
 * results/runs/NAME-DATE-TIME-PID that no other process can have.
 * Writes it into buf. Returns 0, or -1 after printing why. */
int cli_make_out_dir(const CliRunOpts *o, const char *name, char *buf,
                     size_t size);

/* The variants and approaches -a and --variant select (without -a, the
 * scenario's own approaches): want_v[variant], want_a[approach index].
 * Returns 0, or -1 after printing a name that is not one of them (with a
 * did-you-mean). */
int cli_select(const CliRunOpts *o, const Scenario *sc, bool *want_v,
               bool *want_a);

#endif
