/*
 * runner.c - what `handset run` and `handset compare` share: the option
 * parser, the list of jobs (approach x variant), running them serially or
 * in child processes, and the side-by-side table.
 *
 * Parallel jobs are separate processes (fork): runs share no state, each
 * writes only its own directory, and a run's results do not depend on
 * what else runs beside it, so `-j 2` gives the same files as `-j 1`.
 */
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/cli.h"
#include "out/compare.h"
#include "scenario/run.h"
#include "scenario/scenario.h"
#include "sim/time.h"
#include "virt/approach.h"

#define MAX_JOBS (SCENARIO_APPROACH_COUNT * 8)

typedef struct Job {
    const char *approach;
    int variant;
    char dir[PATH_MAX];
} Job;

typedef struct Opts {
    const char *scenario;
    const char *approaches; /* "-a" list, or NULL: the scenario's */
    const char *variants;   /* "--variant" list, or NULL: all */
    const char *soc;
    const char *seed;
    const char *out;
    const char *sets[64];
    size_t n_sets;
    unsigned jobs; /* parallel processes */
    bool trace, pcap, quiet;
    bool trace_gzip;    /* --trace-gzip */
    uint64_t trace_max; /* --trace-max N, 0: the default */
    int record_frames;  /* --record-frames 1, --no-frames 0, -1 default */
    bool view;          /* --view */
} Opts;

/* source: measured. Frames are recorded by default up to this much
 * simulated time: incoming-call-secret (3 min 30 s) records 1.7 MB per
 * approach (results/README.md), so ten minutes stay a few MB; a day of
 * standby is left to --record-frames. */
#define FRAMES_DEFAULT_MAX_PS (600 * HS_S)

/* snprintf for paths: a path too long is cut (and then not found). */
static void path_fmt(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void path_fmt(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, size, fmt, ap);
    va_end(ap);
}

static int parse_opts(const CliCommand *cmd, int argc, char **argv, Opts *o)
{
    memset(o, 0, sizeof *o);
    o->trace = o->pcap = true;
    o->record_frames = -1;
    o->jobs = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = NULL;
        if (!strcmp(a, "-a") || !strcmp(a, "--approach"))
            slot = &o->approaches;
        else if (!strcmp(a, "--variant"))
            slot = &o->variants;
        else if (!strcmp(a, "--soc"))
            slot = &o->soc;
        else if (!strcmp(a, "--seed"))
            slot = &o->seed;
        else if (!strcmp(a, "-o") || !strcmp(a, "--output"))
            slot = &o->out;
        if (slot) {
            if (i + 1 >= argc)
                return cli_usage_error(cmd, "%s needs a value", a);
            *slot = argv[++i];
            continue;
        }
        if (!strcmp(a, "--set")) {
            if (i + 1 >= argc)
                return cli_usage_error(cmd, "--set needs KEY=VALUE");
            if (o->n_sets >= sizeof o->sets / sizeof o->sets[0])
                return cli_usage_error(cmd, "too many --set options");
            o->sets[o->n_sets++] = argv[++i];
        } else if (!strcmp(a, "-j") || !strcmp(a, "--jobs")) {
            if (i + 1 >= argc)
                return cli_usage_error(cmd, "%s needs a number", a);
            char *end;
            unsigned long v = strtoul(argv[++i], &end, 10);
            if (*end || v < 1 || v > 64)
                return cli_usage_error(cmd, "%s: expected 1..64, got '%s'", a,
                                       argv[i]);
            o->jobs = (unsigned)v;
        } else if (!strcmp(a, "--no-trace")) {
            o->trace = false;
        } else if (!strcmp(a, "--no-pcap")) {
            o->pcap = false;
        } else if (!strcmp(a, "--trace-gzip")) {
            o->trace_gzip = true;
        } else if (!strcmp(a, "--trace-max")) {
            if (i + 1 >= argc)
                return cli_usage_error(cmd, "--trace-max needs a number");
            char *end;
            errno = 0;
            unsigned long long v = strtoull(argv[++i], &end, 10);
            if (*end || errno || v < 100 || argv[i][0] == '-')
                return cli_usage_error(
                    cmd,
                    "--trace-max: expected a number of events >= 100, "
                    "got '%s'",
                    argv[i]);
            o->trace_max = v;
        } else if (!strcmp(a, "--record-frames")) {
            o->record_frames = 1;
        } else if (!strcmp(a, "--no-frames")) {
            o->record_frames = 0;
        } else if (!strcmp(a, "--view")) {
            o->view = true;
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            o->quiet = true;
        } else if (a[0] == '-' && a[1]) {
            return cli_usage_error(cmd, "unknown option '%s'", a);
        } else if (!o->scenario) {
            o->scenario = a;
        } else {
            return cli_usage_error(cmd, "one scenario at a time ('%s')", a);
        }
    }
    if (!o->scenario)
        return cli_usage_error(cmd, "which scenario? (handset list scenarios)");
    return HS_EXIT_OK;
}

/* Applies --seed, --soc and --set to the loaded scenario. */
static int apply_opts(const Opts *o, Scenario *sc)
{
    char err[512];
    if (o->seed) {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(o->seed, &end, 10);
        if (*end || errno || o->seed[0] == '-' || !o->seed[0]) {
            fprintf(stderr,
                    "--seed: expected a non-negative integer, got "
                    "'%s'\n",
                    o->seed);
            return -1;
        }
        sc->seed = v;
    }
    if (o->soc)
        for (size_t v = 0; v < sc->n_variants; v++) {
            sc->variants[v].soc = o->soc;
            sc->variants[v].soc_path = o->soc;
        }
    for (size_t i = 0; i < o->n_sets; i++) {
        if (scenario_apply_set(sc, o->sets[i], err, sizeof err) < 0 ||
            approach_check_set(o->sets[i], err, sizeof err) < 0) {
            fprintf(stderr, "%s\n", err);
            return -1;
        }
    }
    return 0;
}

static bool in_list(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == n && strncmp(p, name, n) == 0)
            return true;
        p += len + (comma ? 1 : 0);
    }
    return false;
}

/* Checks every name of a comma list against a table. */
static int check_list(const char *what, const char *list,
                      const char *const *names, size_t n)
{
    for (const char *p = list; *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        bool ok = len == 3 && strncmp(p, "all", 3) == 0;
        for (size_t i = 0; i < n && !ok; i++)
            ok = strlen(names[i]) == len && strncmp(p, names[i], len) == 0;
        if (!ok) {
            fprintf(stderr, "%s '%.*s' is not one of:", what, (int)len, p);
            for (size_t i = 0; i < n; i++)
                fprintf(stderr, " %s", names[i]);
            fprintf(stderr, "\n");
            return -1;
        }
        p += len + (comma ? 1 : 0);
    }
    return 0;
}

static void default_out(const Scenario *sc, char *buf, size_t size)
{
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    snprintf(buf, size, "results/runs/%s-%s", sc->name, stamp);
}

static int plan_jobs(const Opts *o, const Scenario *sc, const char *out,
                     Job *jobs, size_t *n_jobs)
{
    const char *vnames[64] = {NULL};
    size_t nv = sc->n_variants < 64 ? sc->n_variants : 64;
    for (size_t v = 0; v < nv; v++)
        vnames[v] = sc->variants[v].name;
    if (o->variants && check_list("variant", o->variants, vnames, nv) < 0)
        return -1;
    const char *anames[SCENARIO_APPROACH_COUNT];
    for (size_t a = 0; a < SCENARIO_APPROACH_COUNT; a++)
        anames[a] = scenario_approach_names[a];
    if (o->approaches && check_list("approach", o->approaches, anames,
                                    SCENARIO_APPROACH_COUNT) < 0)
        return -1;
    bool all_a = !o->approaches || in_list(o->approaches, "all");
    bool all_v = !o->variants || in_list(o->variants, "all");
    *n_jobs = 0;
    for (size_t v = 0; v < nv; v++) {
        if (!all_v && !in_list(o->variants, vnames[v]))
            continue;
        for (size_t a = 0; a < SCENARIO_APPROACH_COUNT; a++) {
            bool want = !o->approaches ? sc->approaches[a]
                        : all_a        ? true
                                       : in_list(o->approaches, anames[a]);
            if (!want || *n_jobs >= MAX_JOBS)
                continue;
            Job *j = &jobs[(*n_jobs)++];
            j->approach = anames[a];
            j->variant = (int)v;
            if (nv > 1)
                path_fmt(j->dir, sizeof j->dir, "%s/%s/%s", out, vnames[v],
                         anames[a]);
            else
                path_fmt(j->dir, sizeof j->dir, "%s/%s", out, anames[a]);
        }
    }
    if (*n_jobs == 0) {
        fprintf(stderr, "%s: nothing to run (no approach selected)\n",
                sc->file);
        return -1;
    }
    return 0;
}

typedef struct Ctx {
    const Opts *o;
    const Scenario *sc;
    char image[PATH_MAX];
    char firmware[PATH_MAX];
} Ctx;

/* Runs one job; returns its exit code. */
static int run_job(const Ctx *c, const Job *j, bool progress)
{
    char label[96];
    if (c->sc->n_variants > 1)
        snprintf(label, sizeof label, "%s/%s", c->sc->variants[j->variant].name,
                 j->approach);
    else
        snprintf(label, sizeof label, "%s", j->approach);
    RunOptions ro = {
        .sc = c->sc,
        .variant = j->variant,
        .approach = j->approach,
        .out_dir = j->dir,
        .image = c->image,
        .firmware = c->firmware,
        .trace = c->o->trace,
        .trace_gzip = c->o->trace_gzip,
        .trace_max = c->o->trace_max,
        .record_frames = c->o->record_frames < 0
                             ? c->sc->duration_ps <= FRAMES_DEFAULT_MAX_PS
                             : c->o->record_frames == 1,
        .pcap = c->o->pcap,
        .progress = progress,
        .label = label,
    };
    RunSummary sum;
    char err[1024];
    RunStatus st = run_scenario(&ro, &sum, err, sizeof err);
    if (st != RUN_OK) {
        fprintf(stderr, "%s: %s\n", label, err);
        return st == RUN_HOST_ERROR ? HS_EXIT_FAIL : HS_EXIT_USAGE;
    }
    if (*sum.trace_note) /* even with -q: the trace is not whole */
        fprintf(stderr, "%s: %s\n", label, sum.trace_note);
    if (!c->o->quiet) {
        fprintf(stderr, "%s: done in %.1f s wall (%.0fx real time) -> %s\n",
                label, sum.wall_s, sum.speedup, j->dir);
        if (sum.faults)
            fprintf(stderr, "%s: %u fault(s), first: %s\n", label, sum.faults,
                    sum.first_fault);
    }
    return HS_EXIT_OK;
}

static int run_jobs(const Ctx *c, const Job *jobs, size_t n)
{
    bool progress = !c->o->quiet;
    if (c->o->jobs <= 1 || n == 1) {
        int worst = HS_EXIT_OK;
        for (size_t i = 0; i < n; i++) {
            int rc = run_job(c, &jobs[i], progress);
            if (rc > worst)
                worst = rc;
        }
        return worst;
    }
    fflush(NULL);
    pid_t pids[MAX_JOBS];
    size_t next = 0, running = 0;
    int worst = HS_EXIT_OK;
    while (next < n || running > 0) {
        while (next < n && running < c->o->jobs) {
            pid_t pid = fork();
            if (pid < 0) {
                fprintf(stderr, "cannot start a job: %s\n", strerror(errno));
                return HS_EXIT_FAIL;
            }
            if (pid == 0)
                _exit(run_job(c, &jobs[next], progress));
            pids[next++] = pid;
            running++;
        }
        int status;
        pid_t done = wait(&status);
        if (done < 0)
            break;
        running--;
        int rc = WIFEXITED(status) ? WEXITSTATUS(status) : HS_EXIT_FAIL;
        if (!WIFEXITED(status)) {
            for (size_t i = 0; i < next; i++)
                if (pids[i] == done)
                    fprintf(stderr, "%s: the run died (signal %d)\n",
                            jobs[i].approach, WTERMSIG(status));
        }
        if (rc > worst)
            worst = rc;
    }
    return worst;
}

/* The side-by-side table of the runs of one variant. */
static int write_table(const Scenario *sc, const Job *jobs, size_t n,
                       int variant, const char *dir, bool print)
{
    json_t *trees[MAX_JOBS];
    size_t nt = 0;
    int rc = HS_EXIT_OK;
    for (size_t i = 0; i < n; i++) {
        if (jobs[i].variant != variant)
            continue;
        char path[PATH_MAX + 16];
        snprintf(path, sizeof path, "%s/results.json", jobs[i].dir);
        json_error_t je;
        json_t *t = json_load_file(path, 0, &je);
        if (!t) {
            fprintf(stderr, "%s: %s\n", path, je.text);
            rc = HS_EXIT_FAIL;
            continue;
        }
        trees[nt++] = t;
    }
    if (nt > 0 && rc == HS_EXIT_OK) {
        char err[512], csv[PATH_MAX + 16], md[PATH_MAX + 16];
        CompareTable *t =
            compare_build((const json_t *const *)trees, nt, err, sizeof err);
        path_fmt(csv, sizeof csv, "%s/compare.csv", dir);
        path_fmt(md, sizeof md, "%s/compare.md", dir);
        if (!t || compare_write_csv(t, csv, err, sizeof err) < 0 ||
            compare_write_md(t, md, err, sizeof err) < 0) {
            fprintf(stderr, "%s: %s\n", dir, err);
            rc = HS_EXIT_FAIL;
        } else if (print) {
            if (sc->n_variants > 1)
                printf("\n%s, variant %s:\n", sc->name,
                       sc->variants[variant].name);
            compare_print(t, stdout);
            printf("\n(%s and compare.md in %s)\n", "compare.csv", dir);
        }
        compare_free(t);
    }
    for (size_t i = 0; i < nt; i++)
        json_decref(trees[i]);
    return rc;
}

int cli_run_scenario(const CliCommand *cmd, int argc, char **argv, bool compare)
{
    Opts o;
    int rc = parse_opts(cmd, argc, argv, &o);
    if (rc != HS_EXIT_OK)
        return rc;
    if (o.view) {
        fprintf(stderr,
                "%s --view: the live view is not built yet in this handset "
                "(nothing was run); run with --record-frames, then replay "
                "the run with `handset view DIR/APPROACH`\n",
                cmd->name);
        return HS_EXIT_USAGE;
    }
    if (compare && o.jobs == 1 && !getenv("HANDSET_SERIAL")) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        o.jobs = cpus > 1 ? (unsigned)(cpus < 64 ? cpus : 64) : 1;
    }
    char err[1024];
    Scenario *sc = scenario_load(o.scenario, err, sizeof err);
    if (!sc) {
        fprintf(stderr, "%s\n", err);
        return HS_EXIT_USAGE;
    }
    Ctx c = {.o = &o, .sc = sc};
    static Job jobs[MAX_JOBS];
    size_t n_jobs = 0;
    char out[PATH_MAX];
    if (apply_opts(&o, sc) < 0) {
        rc = HS_EXIT_USAGE;
        goto done;
    }
    if (run_check_built(sc, err, sizeof err) != RUN_OK) {
        fprintf(stderr, "%s\n", err);
        rc = HS_EXIT_USAGE;
        goto done;
    }
    if (cli_find_build_file("HANDSET_GUEST_IMAGE", "guest/domain.elf",
                            "domain.elf", c.image, sizeof c.image) < 0) {
        fprintf(stderr,
                "cannot find the guest image (%s): build it with "
                "make, or set HANDSET_GUEST_IMAGE\n",
                c.image);
        rc = HS_EXIT_USAGE;
        goto done;
    }
    if (cli_find_build_file("HANDSET_FIRMWARE", "baseband/firmware.elf",
                            "firmware.elf", c.firmware,
                            sizeof c.firmware) < 0) {
        fprintf(stderr,
                "cannot find the baseband firmware (%s): build it "
                "with make, or set HANDSET_FIRMWARE\n",
                c.firmware);
        rc = HS_EXIT_USAGE;
        goto done;
    }
    if (o.out)
        snprintf(out, sizeof out, "%s", o.out);
    else
        default_out(sc, out, sizeof out);
    if (plan_jobs(&o, sc, out, jobs, &n_jobs) < 0) {
        rc = HS_EXIT_USAGE;
        goto done;
    }
    if (!o.quiet) {
        char dur[32];
        sim_format_duration(sc->duration_ps, dur, sizeof dur);
        fprintf(stderr,
                "%s: %zu run(s) of %s simulated, %u at a time, "
                "into %s\n",
                sc->name, n_jobs, dur,
                o.jobs < n_jobs ? o.jobs : (unsigned)n_jobs, out);
    }
    rc = run_jobs(&c, jobs, n_jobs);
    if (rc == HS_EXIT_OK && (compare || n_jobs > 1)) {
        for (size_t v = 0; v < sc->n_variants; v++) {
            bool any = false;
            for (size_t i = 0; i < n_jobs; i++)
                any |= jobs[i].variant == (int)v;
            if (!any)
                continue;
            char dir[PATH_MAX + 64];
            if (sc->n_variants > 1)
                snprintf(dir, sizeof dir, "%s/%s", out, sc->variants[v].name);
            else
                snprintf(dir, sizeof dir, "%s", out);
            int trc = write_table(sc, jobs, n_jobs, (int)v, dir, compare);
            if (trc > rc)
                rc = trc;
        }
    }
done:
    scenario_free(sc);
    return rc;
}
