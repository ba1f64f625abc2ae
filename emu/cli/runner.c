/*
 * runner.c - `handset run` and `handset compare`: the list of jobs
 * (approach x variant, x seed with compare --seeds) and the side-by-side
 * table. Running them is jobs.c's.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/cli.h"
#include "cli/jobs.h"
#include "out/compare.h"
#include "run/run.h"
#include "config/scenario.h"
#include "sim/time.h"

#define MAX_JOBS (SCENARIO_APPROACH_COUNT * 16 * 64)

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

/* Jobs for every selected variant x approach (x seed when seeds). */
static int plan_jobs(const CliRunOpts *o, const Scenario *sc, const char *out,
                     CliJob *jobs, size_t *n_jobs)
{
    bool want_v[64] = {false}, want_a[SCENARIO_APPROACH_COUNT];
    if (cli_select(o, sc, want_v, want_a) < 0)
        return -1;
    size_t nv = sc->n_variants < 64 ? sc->n_variants : 64;
    size_t ns = o->n_seeds ? o->n_seeds : 1;
    *n_jobs = 0;
    for (size_t v = 0; v < nv; v++) {
        if (!want_v[v])
            continue;
        const char *vname = sc->variants[v].name;
        for (size_t a = 0; a < SCENARIO_APPROACH_COUNT; a++) {
            const char *aname = scenario_approach_names[a];
            bool want = want_a[a];
            for (size_t s = 0; want && s < ns && *n_jobs < MAX_JOBS; s++) {
                CliJob *j = &jobs[(*n_jobs)++];
                memset(j, 0, sizeof *j);
                j->approach = aname;
                j->variant = (int)v;
                char vpart[80] = "", spart[40] = "";
                if (nv > 1)
                    snprintf(vpart, sizeof vpart, "%s/", vname);
                if (o->n_seeds) {
                    j->has_seed = true;
                    j->seed = o->seeds[s];
                    snprintf(spart, sizeof spart, "/seed-%" PRIu64, j->seed);
                }
                path_fmt(j->dir, sizeof j->dir, "%s/%s%s%s", out, vpart, aname,
                         spart);
                snprintf(j->label, sizeof j->label, "%s%s%s", vpart, aname,
                         spart);
            }
        }
    }
    if (*n_jobs == 0) {
        fprintf(stderr, "%s: nothing to run (no approach selected)\n",
                sc->file);
        return -1;
    }
    return 0;
}

/* The side-by-side table of the runs of one variant: a column per
 * approach, each cell over the approach's seeds. */
static int write_table(const Scenario *sc, const CliJob *jobs, size_t n,
                       int variant, const char *dir, bool print)
{
    json_t **trees = calloc(n + 1, sizeof *trees);
    size_t nt = 0, per_col = 0;
    int rc = trees ? HS_EXIT_OK : HS_EXIT_FAIL;
    for (size_t i = 0; rc == HS_EXIT_OK && i < n; i++) {
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
        if (i == 0 || strcmp(jobs[i].approach, jobs[0].approach) == 0)
            per_col++;
    }
    if (nt > 0 && rc == HS_EXIT_OK) {
        char err[512], csv[PATH_MAX + 16], md[PATH_MAX + 16];
        CompareTable *t =
            compare_build_seeds((const json_t *const *)trees, nt / per_col,
                                per_col, err, sizeof err);
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
    free(trees);
    return rc;
}

/* The directory of variant v's table. */
static void table_dir(const Scenario *sc, const char *out, size_t v, char *buf,
                      size_t size)
{
    if (sc->n_variants > 1)
        path_fmt(buf, size, "%s/%s", out, sc->variants[v].name);
    else
        path_fmt(buf, size, "%s", out);
}

int cli_run_scenario(const CliCommand *cmd, int argc, char **argv, bool compare)
{
    CliRunOpts o;
    int rc = cli_parse_run_opts(cmd, compare ? CLI_FOR_COMPARE : CLI_FOR_RUN,
                                argc, argv, &o);
    if (rc != HS_EXIT_OK) {
        cli_run_opts_free(&o);
        return rc == CLI_HELP_SHOWN ? HS_EXIT_OK : rc;
    }
    if (o.has_seed && o.n_seeds) {
        cli_run_opts_free(&o);
        return cli_usage_error(cmd, "--seed and --seeds: give one");
    }
    /* compare runs as many at once as there are CPUs unless -j says */
    if (compare && !o.jobs_given) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        o.jobs = cpus > 1 ? (unsigned)(cpus < 64 ? cpus : 64) : 1;
    }
    static CliJob jobs[MAX_JOBS];
    size_t n_jobs = 0;
    char out[PATH_MAX];
    Scenario *sc = cli_load_scenario(&o, NULL);
    if (!sc) {
        cli_run_opts_free(&o);
        return HS_EXIT_USAGE;
    }
    rc = HS_EXIT_USAGE;
    if (o.out)
        snprintf(out, sizeof out, "%s", o.out);
    else
        snprintf(out, sizeof out, "(default)");
    if (plan_jobs(&o, sc, out, jobs, &n_jobs) < 0)
        goto done;
    if (o.view && n_jobs > 1) {
        fprintf(stderr,
                "handset %s --view shows one run, and these options select "
                "%zu (",
                cmd->name, n_jobs);
        for (size_t i = 0; i < n_jobs && i < 8; i++)
            fprintf(stderr, "%s%s", i ? ", " : "", jobs[i].label);
        fprintf(stderr, "%s): pick one with -a APPROACH%s; nothing was run\n",
                n_jobs > 8 ? ", ..." : "",
                sc->n_variants > 1 ? " and --variant NAME" : "");
        goto done;
    }
    if (cli_make_out_dir(&o, sc->name, out, sizeof out) < 0 ||
        plan_jobs(&o, sc, out, jobs, &n_jobs) < 0)
        goto done;
    bool table = compare || n_jobs > 1;
    for (size_t v = 0; table && v < sc->n_variants && !o.force; v++) {
        char dir[PATH_MAX + 64], csv[PATH_MAX + 80];
        table_dir(sc, out, v, dir, sizeof dir);
        path_fmt(csv, sizeof csv, "%s/compare.csv", dir);
        if (access(csv, F_OK) == 0) {
            fprintf(stderr,
                    "%s exists (an earlier comparison): use --force to "
                    "replace it, or another -o\n",
                    csv);
            goto done;
        }
    }
    CliJobSet js = {.o = &o, .jobs = jobs, .n = n_jobs, .parallel = o.jobs};
    if ((rc = cli_jobs_prepare(&js)) != HS_EXIT_OK)
        goto done;
    if (!o.quiet) {
        char dur[32];
        sim_format_duration(sc->duration_ps, dur, sizeof dur);
        fprintf(stderr,
                "%s: %zu run(s) of %s simulated, %u at a time, into %s\n",
                sc->name, n_jobs, dur,
                o.jobs < n_jobs ? o.jobs : (unsigned)n_jobs, out);
    }
    rc = cli_jobs_run(&js);
    for (size_t v = 0; rc == HS_EXIT_OK && table && v < sc->n_variants; v++) {
        bool any = false;
        for (size_t i = 0; i < n_jobs; i++)
            any |= jobs[i].variant == (int)v;
        if (!any)
            continue;
        char dir[PATH_MAX + 64];
        table_dir(sc, out, v, dir, sizeof dir);
        int trc = write_table(sc, jobs, n_jobs, (int)v, dir, compare);
        if (trc > rc)
            rc = trc;
    }
done:
    scenario_free(sc);
    cli_run_opts_free(&o);
    return rc;
}
