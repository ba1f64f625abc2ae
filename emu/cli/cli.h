/*
 * cli.h - the handset command line: one CliCommand descriptor per
 * subcommand, each in its own cmd_<name>.c, found by name in main.c.
 *
 * Exit codes (DESIGN.md section 5): 0 ok, 1 check failed or regression,
 * 2 bad input or usage.
 */
#ifndef HS_CLI_CLI_H
#define HS_CLI_CLI_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    HS_EXIT_OK = 0,
    HS_EXIT_FAIL = 1,
    HS_EXIT_USAGE = 2,
    HS_EXIT_MODEL = 3, /* a run failed for a reason in handset's model */
};

typedef struct CliCommand {
    const char *name;    /* subcommand word */
    const char *summary; /* one line for `handset --help` */
    const char *usage;   /* full help text for `handset help NAME` */
    /* argv[0] is the subcommand name; returns an exit code. */
    int (*main)(int argc, char **argv);
} CliCommand;

/* The subcommands, in `handset --help` order: one line each here and in
 * main.c's table. */
extern const CliCommand cli_cmd_run;
extern const CliCommand cli_cmd_compare;
extern const CliCommand cli_cmd_sweep;
extern const CliCommand cli_cmd_check;
extern const CliCommand cli_cmd_validate;
extern const CliCommand cli_cmd_list;
extern const CliCommand cli_cmd_guest;
extern const CliCommand cli_cmd_view;
extern const CliCommand cli_cmd_report;

/* Prints "handset NAME: MESSAGE" and the usage line to stderr; returns
 * HS_EXIT_USAGE so callers can `return cli_usage_error(...)`. */
int cli_usage_error(const CliCommand *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* For a subcommand whose only option is --help: parses argv with
 * getopt_long. Returns HS_EXIT_OK with *first the index of the first
 * operand, CLI_HELP_SHOWN after printing the help, or HS_EXIT_USAGE
 * after naming an unknown option. */
int cli_parse_help_only(const CliCommand *cmd, int argc, char **argv,
                        int *first);

/* ---- options (opts.c) ---- */

#define CLI_SEED_MAX 9223372036854775807ULL /* 2^63 - 1, scenarios/README */
#define CLI_MAX_SEEDS 10000
#define CLI_MAX_SETS 64
/* --speed range: source: estimate. Below 0.01x a 40 s scenario takes over
 * an hour; above a million x nothing paces (a run is slower). */
#define CLI_SPEED_MIN 0.01
#define CLI_SPEED_MAX 1e6
/* cli_parse_run_opts printed the help: exit 0 */
#define CLI_HELP_SHOWN (-1)

/* Which subcommand parses (an option belongs to some of them). */
enum {
    CLI_FOR_RUN = 1,
    CLI_FOR_COMPARE = 2,
    CLI_FOR_SWEEP = 4,
};

/* The options of run, compare and sweep. */
typedef struct CliRunOpts {
    const char *scenario;           /* as given (a name or a path) */
    char scenario_path[PATH_MAX];   /* the file */
    const char *approaches;         /* -a list, or NULL: the scenario's */
    const char *variants;           /* --variant list, or NULL: all */
    const char *soc;                /* --soc name or path, or NULL */
    char soc_path[PATH_MAX];        /* its file */
    bool has_seed;                  /* --seed given */
    uint64_t seed;                  /* its value */
    uint64_t *seeds;                /* --seeds (owned), or NULL */
    size_t n_seeds;                 /* entries */
    const char *out;                /* -o, or NULL: a fresh default */
    const char *sets[CLI_MAX_SETS]; /* --set arguments */
    size_t n_sets;                  /* entries */
    unsigned jobs;                  /* -j */
    bool jobs_given;                /* -j was given */
    bool trace, pcap, quiet, force; /* output switches */
    bool trace_gzip;                /* --trace-gzip */
    uint64_t trace_max;             /* --trace-max N, 0: the default */
    int record_frames;              /* --record-frames 1, --no-frames 0,
                                     * -1: by the scenario's duration */
    bool view;                      /* --view: the live window */
    double speed;                   /* --speed: simulated s per wall s,
                                     * 0 unpaced (default 1) */
    bool speed_given;               /* --speed was given */
    const char *view_png;           /* --view-png FILE, or NULL */
    unsigned shard, n_shards;       /* --shard I/N (sweep), 0: all */
    bool slurm;                     /* --slurm (sweep) */
    unsigned slurm_shards;          /* --shards (sweep --slurm) */
    const char *collect;            /* --collect DIR (sweep) */
} CliRunOpts;

/* Parses argv with getopt_long (--opt=value, -j2, --) for the command
 * `who` (CLI_FOR_*). Returns HS_EXIT_OK, CLI_HELP_SHOWN, or
 * HS_EXIT_USAGE after printing the error. Free with cli_run_opts_free. */
int cli_parse_run_opts(const CliCommand *cmd, unsigned who, int argc,
                       char **argv, CliRunOpts *o);
void cli_run_opts_free(CliRunOpts *o);

/* A decimal integer 0..max; ERANGE and trailing text are errors.
 * Returns 0, or -1 with a message in err. */
int cli_parse_u64(const char *text, uint64_t max, uint64_t *out, char *err,
                  size_t err_size);

/* "1-8,10,12-14": distinct seeds in the order given, each 0..2^63-1.
 * *out is malloc'ed. Returns 0, or -1 with a message in err. */
int cli_parse_seeds(const char *text, uint64_t **out, size_t *n, char *err,
                    size_t err_size);

/* SCENARIO as a file: an existing path or one with '/' or ".json" as is,
 * else a shipped name (DATADIR/scenarios/NAME.json). Returns 0, or -1
 * with a message in err. */
int cli_scenario_path(const char *arg, char *buf, size_t size, char *err,
                      size_t err_size);

/* Checks that -o names a usable directory (not empty, not a file).
 * Returns 0, or -1 with a message in err. */
int cli_check_out_dir(const char *dir, char *err, size_t err_size);

/* ---- runs (runner.c) ---- */

/* `handset run` (compare false) and `handset compare` (true): parses the
 * options, runs the jobs and, for compare or several runs, writes the
 * side-by-side table (runner.c). Returns an exit code. */
int cli_run_scenario(const CliCommand *cmd, int argc, char **argv,
                     bool compare);

/* Finds a build product (the guest image, the baseband firmware): the
 * path in $env when set (the caller's loader reports what is wrong with
 * it), else rel next to the executable (the build tree: build/REL), else
 * HS_DATADIR/guest/NAME. Returns 0 with the path in buf, or -1 with the
 * last place tried in buf. */
int cli_find_build_file(const char *env, const char *rel, const char *name,
                        char *buf, size_t size);

/* Prints cmd->usage to stdout and returns HS_EXIT_OK. */
int cli_print_help(const CliCommand *cmd);

#endif
