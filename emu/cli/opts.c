/*
 * opts.c - what the subcommands share on the command line: numbers with
 * their ranges, seed lists, scenario names, output directories, and the
 * getopt_long parser of the options run, compare and sweep take.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "config/datadir.h"
#include "config/soc.h"
#include "sim/error.h"

int cli_parse_u64(const char *text, uint64_t max, uint64_t *out, char *err,
                  size_t err_size)
{
    if (*text < '0' || *text > '9')
        return hs_errorf(err, err_size, "'%s' is not a non-negative integer",
                         text);
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (*end)
        return hs_errorf(err, err_size, "'%s' is not a non-negative integer",
                         text);
    if (errno == ERANGE || v > max)
        return hs_errorf(err, err_size, "%s is out of range (0 to %llu)", text,
                         (unsigned long long)max);
    *out = v;
    return 0;
}

int cli_parse_seeds(const char *text, uint64_t **out, size_t *n, char *err,
                    size_t err_size)
{
    uint64_t *list = NULL;
    size_t cnt = 0, cap = 0;
    char *copy = strdup(text), *save = NULL;
    if (!copy)
        return hs_errorf(err, err_size, "out of memory");
    int rc = 0;
    if (!*copy)
        rc = hs_errorf(err, err_size, "--seeds: an empty list");
    for (char *tok = strtok_r(copy, ",", &save); tok && rc == 0;
         tok = strtok_r(NULL, ",", &save)) {
        char why[160];
        uint64_t lo, hi;
        char *dash = strchr(tok, '-');
        if (dash)
            *dash = '\0';
        if (cli_parse_u64(tok, CLI_SEED_MAX, &lo, why, sizeof why) < 0 ||
            (dash &&
             cli_parse_u64(dash + 1, CLI_SEED_MAX, &hi, why, sizeof why) < 0)) {
            rc = hs_errorf(err, err_size, "--seeds: %s", why);
            break;
        }
        if (!dash)
            hi = lo;
        if (hi < lo) {
            rc = hs_errorf(err, err_size, "--seeds: %s-%s is an empty range",
                           tok, dash + 1);
            break;
        }
        for (uint64_t s = lo;; s++) {
            if (cnt == CLI_MAX_SEEDS) {
                rc = hs_errorf(err, err_size, "--seeds: more than %d seeds",
                               CLI_MAX_SEEDS);
                break;
            }
            for (size_t i = 0; i < cnt; i++)
                if (list[i] == s) {
                    rc = hs_errorf(err, err_size,
                                   "--seeds: seed %llu is listed twice",
                                   (unsigned long long)s);
                    break;
                }
            if (rc < 0)
                break;
            if (cnt == cap) {
                cap = cap ? cap * 2 : 16;
                uint64_t *p = realloc(list, cap * sizeof *p);
                if (!p) {
                    rc = hs_errorf(err, err_size, "out of memory");
                    break;
                }
                list = p;
            }
            list[cnt++] = s;
            if (s == hi)
                break;
        }
    }
    free(copy);
    if (rc < 0) {
        free(list);
        return -1;
    }
    *out = list;
    *n = cnt;
    return 0;
}

/* A shipped name has no '/' and no ".json" ending (soc_resolve_path's
 * rule, for scenarios too). */
static bool is_path(const char *arg)
{
    size_t n = strlen(arg);
    return strchr(arg, '/') || (n >= 5 && strcmp(arg + n - 5, ".json") == 0);
}

int cli_scenario_path(const char *arg, char *buf, size_t size, char *err,
                      size_t err_size)
{
    if (is_path(arg) || access(arg, F_OK) == 0) {
        if ((size_t)snprintf(buf, size, "%s", arg) >= size)
            return hs_errorf(err, err_size, "%s: path too long", arg);
        return 0;
    }
    char dir[PATH_MAX];
    if (datadir_path("scenarios", dir, sizeof dir, err, err_size) < 0)
        return -1;
    if ((size_t)snprintf(buf, size, "%s/%s.json", dir, arg) >= size)
        return hs_errorf(err, err_size, "%s: path too long", arg);
    if (access(buf, R_OK) < 0)
        return hs_errorf(err, err_size,
                         "%s: no such file, and no shipped scenario of that "
                         "name (handset list scenarios)",
                         arg);
    return 0;
}

int cli_check_out_dir(const char *dir, char *err, size_t err_size)
{
    if (!*dir)
        return hs_errorf(err, err_size,
                         "-o: an empty directory name (give a directory)");
    if (strlen(dir) > PATH_MAX - 256)
        return hs_errorf(err, err_size, "-o %s: path too long", dir);
    struct stat st;
    if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode))
        return hs_errorf(err, err_size, "-o %s: exists and is not a directory",
                         dir);
    return 0;
}

/* ---- run, compare and sweep options ------------------------------------ */

enum {
    OPT_VARIANT = 256,
    OPT_SOC,
    OPT_SEED,
    OPT_SEEDS,
    OPT_SET,
    OPT_NO_TRACE,
    OPT_NO_PCAP,
    OPT_TRACE,
    OPT_PCAP,
    OPT_FORCE,
    OPT_SHARD,
    OPT_SLURM,
    OPT_SHARDS,
    OPT_COLLECT,
    OPT_TRACE_GZIP,
    OPT_TRACE_MAX,
    OPT_RECORD_FRAMES,
    OPT_NO_FRAMES,
    OPT_VIEW,
    OPT_SPEED,
    OPT_VIEW_PNG,
};

/* Which command takes an option (CLI_RUN_* bits). */
typedef struct OptUse {
    int val;
    unsigned who;
} OptUse;

#define ALL (CLI_FOR_RUN | CLI_FOR_COMPARE | CLI_FOR_SWEEP)
static const OptUse uses[] = {
    {'a', ALL},
    {OPT_VARIANT, ALL},
    {OPT_SOC, ALL},
    {OPT_SEED, CLI_FOR_RUN | CLI_FOR_COMPARE},
    {OPT_SEEDS, CLI_FOR_COMPARE | CLI_FOR_SWEEP},
    {'o', ALL},
    {OPT_SET, ALL},
    {'j', ALL},
    {OPT_NO_TRACE, CLI_FOR_RUN | CLI_FOR_COMPARE},
    {OPT_NO_PCAP, CLI_FOR_RUN | CLI_FOR_COMPARE},
    {OPT_TRACE, CLI_FOR_SWEEP},
    {OPT_PCAP, CLI_FOR_SWEEP},
    {'q', ALL},
    {OPT_FORCE, ALL},
    {OPT_SHARD, CLI_FOR_SWEEP},
    {OPT_SLURM, CLI_FOR_SWEEP},
    {OPT_SHARDS, CLI_FOR_SWEEP},
    {OPT_COLLECT, CLI_FOR_SWEEP},
    {OPT_TRACE_GZIP, CLI_FOR_RUN | CLI_FOR_COMPARE},
    {OPT_TRACE_MAX, CLI_FOR_RUN | CLI_FOR_COMPARE},
    {OPT_RECORD_FRAMES, CLI_FOR_RUN | CLI_FOR_COMPARE},
    {OPT_NO_FRAMES, CLI_FOR_RUN | CLI_FOR_COMPARE},
    {OPT_VIEW, CLI_FOR_RUN},
    {OPT_SPEED, CLI_FOR_RUN},
    {OPT_VIEW_PNG, CLI_FOR_RUN},
};

static const struct option long_opts[] = {
    {"approach", required_argument, NULL, 'a'},
    {"variant", required_argument, NULL, OPT_VARIANT},
    {"soc", required_argument, NULL, OPT_SOC},
    {"seed", required_argument, NULL, OPT_SEED},
    {"seeds", required_argument, NULL, OPT_SEEDS},
    {"output", required_argument, NULL, 'o'},
    {"set", required_argument, NULL, OPT_SET},
    {"jobs", required_argument, NULL, 'j'},
    {"no-trace", no_argument, NULL, OPT_NO_TRACE},
    {"no-pcap", no_argument, NULL, OPT_NO_PCAP},
    {"trace", no_argument, NULL, OPT_TRACE},
    {"pcap", no_argument, NULL, OPT_PCAP},
    {"quiet", no_argument, NULL, 'q'},
    {"force", no_argument, NULL, OPT_FORCE},
    {"shard", required_argument, NULL, OPT_SHARD},
    {"slurm", no_argument, NULL, OPT_SLURM},
    {"shards", required_argument, NULL, OPT_SHARDS},
    {"collect", required_argument, NULL, OPT_COLLECT},
    {"trace-gzip", no_argument, NULL, OPT_TRACE_GZIP},
    {"trace-max", required_argument, NULL, OPT_TRACE_MAX},
    {"record-frames", no_argument, NULL, OPT_RECORD_FRAMES},
    {"no-frames", no_argument, NULL, OPT_NO_FRAMES},
    {"view", no_argument, NULL, OPT_VIEW},
    {"speed", required_argument, NULL, OPT_SPEED},
    {"view-png", required_argument, NULL, OPT_VIEW_PNG},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static const char *opt_name(int val)
{
    for (const struct option *o = long_opts; o->name; o++)
        if (o->val == val)
            return o->name;
    return "?";
}

/* --speed: a number of simulated seconds per wall second, or "max"
 * (0: unpaced). */
static int parse_speed(const char *text, double *out)
{
    if (strcmp(text, "max") == 0) {
        *out = 0;
        return 0;
    }
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end || errno == ERANGE || !(v >= CLI_SPEED_MIN) ||
        !(v <= CLI_SPEED_MAX))
        return -1;
    *out = v;
    return 0;
}

/* "I/N" with 1 <= I <= N. */
static int parse_shard(const char *text, unsigned *i, unsigned *n)
{
    uint64_t a, b;
    char buf[64], why[160];
    const char *slash = strchr(text, '/');
    if (!slash || (size_t)(slash - text) >= sizeof buf)
        return -1;
    memcpy(buf, text, (size_t)(slash - text));
    buf[slash - text] = '\0';
    if (cli_parse_u64(buf, 100000, &a, why, sizeof why) < 0 ||
        cli_parse_u64(slash + 1, 100000, &b, why, sizeof why) < 0 || a < 1 ||
        a > b)
        return -1;
    *i = (unsigned)a;
    *n = (unsigned)b;
    return 0;
}

int cli_parse_run_opts(const CliCommand *cmd, unsigned who, int argc,
                       char **argv, CliRunOpts *o)
{
    memset(o, 0, sizeof *o);
    o->trace = o->pcap = !(who & CLI_FOR_SWEEP);
    o->record_frames = (who & CLI_FOR_SWEEP) ? 0 : -1;
    o->jobs = 1;
    o->speed = 1;
    char why[256];
    optind = 0; /* glibc: start afresh */
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":a:o:j:qh", long_opts, NULL)) != -1) {
        if (c == '?') {
            if (optopt)
                return cli_usage_error(cmd, "unknown option '-%c'", optopt);
            return cli_usage_error(cmd, "unknown option '%s'",
                                   argv[optind - 1]);
        }
        if (c == ':')
            return cli_usage_error(cmd, "%s needs a value", argv[optind - 1]);
        bool allowed = c == 'h';
        for (size_t i = 0; i < sizeof uses / sizeof uses[0]; i++)
            if (uses[i].val == c)
                allowed = (uses[i].who & who) != 0;
        if (!allowed)
            return cli_usage_error(cmd, "--%s is not an option of %s",
                                   opt_name(c), cmd->name);
        uint64_t v;
        switch (c) {
        case 'a':
            o->approaches = optarg;
            break;
        case OPT_VARIANT:
            o->variants = optarg;
            break;
        case OPT_SOC:
            o->soc = optarg;
            if (soc_resolve_path(optarg, o->soc_path, sizeof o->soc_path, why,
                                 sizeof why) < 0)
                return cli_usage_error(cmd, "--soc: %s", why);
            break;
        case OPT_SEED:
            if (cli_parse_u64(optarg, CLI_SEED_MAX, &v, why, sizeof why) < 0)
                return cli_usage_error(cmd, "--seed: %s", why);
            o->has_seed = true;
            o->seed = v;
            break;
        case OPT_SEEDS:
            free(o->seeds);
            if (cli_parse_seeds(optarg, &o->seeds, &o->n_seeds, why,
                                sizeof why) < 0)
                return cli_usage_error(cmd, "%s", why);
            break;
        case 'o':
            o->out = optarg;
            if (cli_check_out_dir(optarg, why, sizeof why) < 0)
                return cli_usage_error(cmd, "%s", why);
            break;
        case OPT_SET:
            if (o->n_sets == CLI_MAX_SETS)
                return cli_usage_error(cmd, "more than %d --set options",
                                       CLI_MAX_SETS);
            o->sets[o->n_sets++] = optarg;
            break;
        case 'j':
            if (cli_parse_u64(optarg, 64, &v, why, sizeof why) < 0 || v < 1)
                return cli_usage_error(cmd, "-j: expected 1..64, got '%s'",
                                       optarg);
            o->jobs = (unsigned)v;
            o->jobs_given = true;
            break;
        case OPT_NO_TRACE:
            o->trace = false;
            break;
        case OPT_NO_PCAP:
            o->pcap = false;
            break;
        case OPT_TRACE:
            o->trace = true;
            break;
        case OPT_PCAP:
            o->pcap = true;
            break;
        case 'q':
            o->quiet = true;
            break;
        case OPT_TRACE_GZIP:
            o->trace_gzip = true;
            break;
        case OPT_TRACE_MAX:
            if (cli_parse_u64(optarg, UINT64_MAX, &v, why, sizeof why) < 0 ||
                v < 100)
                return cli_usage_error(cmd,
                                       "--trace-max: expected a number of "
                                       "events >= 100, got '%s'",
                                       optarg);
            o->trace_max = v;
            break;
        case OPT_RECORD_FRAMES:
            o->record_frames = 1;
            break;
        case OPT_NO_FRAMES:
            o->record_frames = 0;
            break;
        case OPT_VIEW:
            o->view = true;
            break;
        case OPT_SPEED:
            if (parse_speed(optarg, &o->speed) < 0)
                return cli_usage_error(cmd,
                                       "--speed: expected a number from %g "
                                       "to %g (simulated seconds per second) "
                                       "or max, got '%s'",
                                       CLI_SPEED_MIN, CLI_SPEED_MAX, optarg);
            o->speed_given = true;
            break;
        case OPT_VIEW_PNG:
            if (!*optarg)
                return cli_usage_error(cmd, "--view-png: an empty file name");
            o->view_png = optarg;
            break;
        case OPT_FORCE:
            o->force = true;
            break;
        case OPT_SHARD:
            if (parse_shard(optarg, &o->shard, &o->n_shards) < 0)
                return cli_usage_error(cmd,
                                       "--shard: expected I/N with 1 <= I "
                                       "<= N, got '%s'",
                                       optarg);
            break;
        case OPT_SLURM:
            o->slurm = true;
            break;
        case OPT_SHARDS:
            if (cli_parse_u64(optarg, 100000, &v, why, sizeof why) < 0 || v < 1)
                return cli_usage_error(cmd,
                                       "--shards: expected 1..100000, "
                                       "got '%s'",
                                       optarg);
            o->slurm_shards = (unsigned)v;
            break;
        case OPT_COLLECT:
            o->collect = optarg;
            break;
        case 'h':
            return cli_print_help(cmd) == HS_EXIT_OK ? CLI_HELP_SHOWN
                                                     : HS_EXIT_USAGE;
        }
    }
    for (int i = optind; i < argc; i++) {
        if (o->scenario)
            return cli_usage_error(cmd, "one scenario at a time ('%s')",
                                   argv[i]);
        o->scenario = argv[i];
    }
    if ((o->speed_given || o->view_png) && !o->view)
        return cli_usage_error(cmd, "--%s is an option of --view",
                               o->view_png ? "view-png" : "speed");
    if (!o->scenario && !o->collect)
        return cli_usage_error(cmd, "which scenario? (handset list scenarios)");
    if (o->scenario &&
        cli_scenario_path(o->scenario, o->scenario_path,
                          sizeof o->scenario_path, why, sizeof why) < 0) {
        fprintf(stderr, "handset %s: %s\n", cmd->name, why);
        return HS_EXIT_USAGE;
    }
    return HS_EXIT_OK;
}

void cli_run_opts_free(CliRunOpts *o)
{
    free(o->seeds);
    o->seeds = NULL;
}
