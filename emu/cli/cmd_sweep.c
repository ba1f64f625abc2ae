/*
 * cmd_sweep.c - `handset sweep`: a grid of runs (variant x approach x
 * set-point x seed), resumable, on local cores, in shards, or as a Slurm
 * job array; then the summary over seeds (out/summary.h).
 *
 * DIR/sweep.json records the grid and its points; a point is the
 * directory DIR/[VARIANT/]APPROACH/SETPOINT/seed-N, which appears only
 * when its run is complete (run.h), so a rerun skips what exists and a
 * killed sweep loses no finished point. Shards (--shard I/N) run points
 * I, I+N, ... of the same list; --collect reads the points back and
 * writes the summary, the same bytes however the points were run.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/cli.h"
#include "cli/jobs.h"
#include "out/atomic.h"
#include "out/outdir.h"
#include "out/results.h"
#include "out/sha256.h"
#include "out/summary.h"
#include "config/scenario.h"
#include "sim/error.h"
#include "sim/time.h"
#include "virt/virt.h"

static int sweep_main(int argc, char **argv);

const CliCommand cli_cmd_sweep = {
    .name = "sweep",
    .summary = "a grid of runs over seeds and parameters, with a summary",
    .usage =
        "Usage: handset sweep SCENARIO [--seeds LIST] [-a APPROACH[,..]|all]\n"
        "                      [--set KEY=V1[,V2...]]... [--variant LIST]\n"
        "                      [--soc SOC] [-o DIR] [-j N] [--force] [-q]\n"
        "                      [--trace] [--pcap]\n"
        "                      [--shard I/N | --slurm [--shards N]]\n"
        "       handset sweep --collect DIR\n"
        "\n"
        "Runs SCENARIO (a shipped name or a file) for every combination of\n"
        "the selected variants, approaches, --set values and seeds, one\n"
        "directory per point: DIR/[VARIANT/]APPROACH/SETPOINT/seed-N, where\n"
        "SETPOINT is KEY=V,KEY=V over the --set options given several\n"
        "values (\"base\" when there are none). Then writes summary.json,\n"
        "summary.csv and summary.md in DIR: per variant, approach and\n"
        "set-point, every metric's n, mean, standard deviation and 95 %\n"
        "confidence interval over seeds (results/README.md, Statistics).\n"
        "\n"
        "  --seeds LIST   seeds, e.g. 1-8 or 1,2,5-7 (default: the "
        "scenario's)\n"
        "  --set K=V1,V2  a parameter axis (handset list params); one value\n"
        "                 applies to every point\n"
        "  -a LIST        approaches (default: the scenario's)\n"
        "  -o DIR         the sweep's directory (default:\n"
        "                 results/runs/<scenario>-<date>-<time>-<pid>)\n"
        "  -j N           run N points at once (results are the same)\n"
        "  --force        run finished points again, replacing them\n"
        "  --trace, --pcap  also write each point's trace.json, radio.pcap\n"
        "  --shard I/N    run only points I, I+N, I+2N, ... (1-based), no\n"
        "                 summary; the points are the same as run locally\n"
        "  --slurm        write DIR/sweep.sbatch (a job array, one task per\n"
        "                 shard), DIR/collect.sbatch (the summary, after the\n"
        "                 array) and DIR/submit.sh, which submits both\n"
        "  --shards N     shards of the Slurm array (default: one per "
        "point)\n"
        "  --collect DIR  write the summary of what DIR's points hold\n"
        "\n"
        "A rerun into the same DIR skips finished points; a sweep killed\n"
        "midway loses none. DIR/sweep.json records the grid; a different\n"
        "grid into the same DIR is refused.\n"
        "\n"
        "Exit status: the worst over the points: 0 ok, 1 a run failed on the\n"
        "host or points are missing (--collect), 2 bad input, 3 a run failed\n"
        "in handset's own model (handset help run); 128+N after signal N.\n",
    .main = sweep_main,
};

#define MAX_VALUES 64
#define MAX_POINTS 100000

/* A --set with several values. */
typedef struct Axis {
    char key[128];
    char *values[MAX_VALUES]; /* owned */
    char *kv[MAX_VALUES];     /* "KEY=VALUE" (owned) */
    size_t n;
} Axis;

typedef struct Sweep {
    CliRunOpts o;
    const char *base_sets[CLI_MAX_SETS]; /* single-valued --set */
    size_t n_base;
    Axis axes[CLI_MAX_AXES];
    size_t n_axes;
    Scenario *sc;
    char out[PATH_MAX];
    json_t *manifest;
    CliJob *jobs;
    size_t n_jobs;
} Sweep;

/* Values that name directories: letters, digits, '.', '_', '-', '+'. */
static bool value_ok(const char *v)
{
    if (!*v)
        return false;
    for (; *v; v++)
        if (!((*v >= 'a' && *v <= 'z') || (*v >= 'A' && *v <= 'Z') ||
              (*v >= '0' && *v <= '9') || *v == '.' || *v == '_' || *v == '-' ||
              *v == '+'))
            return false;
    return true;
}

/* Splits the --set options into constant ones and axes. */
static int split_sets(Sweep *w)
{
    CliRunOpts *o = &w->o;
    for (size_t i = 0; i < o->n_sets; i++) {
        const char *s = o->sets[i], *eq = strchr(s, '=');
        if (!eq || !strchr(eq, ',')) {
            w->base_sets[w->n_base++] = s;
            continue;
        }
        if (w->n_axes == CLI_MAX_AXES) {
            fprintf(stderr, "handset sweep: more than %d --set axes\n",
                    CLI_MAX_AXES);
            return -1;
        }
        Axis *a = &w->axes[w->n_axes++];
        snprintf(a->key, sizeof a->key, "%.*s", (int)(eq - s), s);
        char *copy = strdup(eq + 1), *save = NULL;
        if (!copy)
            return -1;
        for (char *tok = strtok_r(copy, ",", &save); tok;
             tok = strtok_r(NULL, ",", &save)) {
            char err[512];
            if (a->n == MAX_VALUES) {
                fprintf(stderr, "--set %s: more than %d values\n", a->key,
                        MAX_VALUES);
                free(copy);
                return -1;
            }
            size_t len = strlen(a->key) + strlen(tok) + 2;
            a->values[a->n] = strdup(tok);
            a->kv[a->n] = malloc(len);
            if (!a->values[a->n] || !a->kv[a->n]) {
                free(copy);
                return -1;
            }
            snprintf(a->kv[a->n], len, "%s=%s", a->key, tok);
            a->n++;
            if (virt_check_set(a->kv[a->n - 1], err, sizeof err) < 0) {
                fprintf(stderr, "%s\n", err);
                free(copy);
                return -1;
            }
            if (!value_ok(tok)) {
                fprintf(stderr,
                        "--set %s: value '%s' cannot name a directory (use "
                        "letters, digits, '.', '_', '-', '+')\n",
                        a->key, tok);
                free(copy);
                return -1;
            }
        }
        free(copy);
    }
    /* the jobs apply the constant ones; the axes are per point */
    memcpy(o->sets, w->base_sets, w->n_base * sizeof *o->sets);
    o->n_sets = w->n_base;
    return 0;
}

static void sweep_free(Sweep *w)
{
    for (size_t i = 0; i < w->n_axes; i++)
        for (size_t k = 0; k < w->axes[i].n; k++) {
            free(w->axes[i].values[k]);
            free(w->axes[i].kv[k]);
        }
    scenario_free(w->sc);
    json_decref(w->manifest);
    free(w->jobs);
    cli_run_opts_free(&w->o);
}

/* Whether axis i changes anything under approach: a key of another
 * approach's table ("virt.OTHER.") does not, and is left out of its
 * points rather than running the same configuration again. */
static bool axis_applies(const Sweep *w, size_t i, const char *approach)
{
    const char *key = w->axes[i].key;
    if (strncmp(key, "virt.", 5) != 0)
        return true;
    size_t n = strlen(approach);
    return strncmp(key + 5, approach, n) == 0 && key[5 + n] == '.';
}

/* Set-point k (mixed radix over the axes that apply to approach) as
 * "K=V,K=V" ("base" when none apply); its "KEY=VALUE" strings into kv,
 * their count into *n_kv. */
static void setpoint_of(const Sweep *w, const char *approach, size_t k,
                        char *buf, size_t size, const char **kv, size_t *n_kv)
{
    size_t idx[CLI_MAX_AXES] = {0};
    for (size_t i = w->n_axes; i-- > 0;) {
        if (!axis_applies(w, i, approach))
            continue;
        idx[i] = k % w->axes[i].n;
        k /= w->axes[i].n;
    }
    size_t len = 0;
    *n_kv = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < w->n_axes; i++) {
        if (!axis_applies(w, i, approach))
            continue;
        const Axis *a = &w->axes[i];
        len += (size_t)snprintf(buf + len, len < size ? size - len : 0, "%s%s",
                                *n_kv ? "," : "", a->kv[idx[i]]);
        kv[(*n_kv)++] = a->kv[idx[i]];
    }
    if (*n_kv == 0)
        snprintf(buf, size, "base");
}

/* The grid: variants x approaches x set-points x seeds, in that order,
 * with the manifest that records it. */
static int plan(Sweep *w)
{
    const Scenario *sc = w->sc;
    const CliRunOpts *o = &w->o;
    bool want_v[64] = {false}, want_a[SCENARIO_APPROACH_COUNT];
    if (cli_select(o, sc, want_v, want_a) < 0)
        return -1;
    size_t nv = sc->n_variants < 64 ? sc->n_variants : 64;
    size_t n_sp = 1; /* set-points with every axis */
    for (size_t i = 0; i < w->n_axes; i++)
        n_sp *= w->axes[i].n;
    uint64_t one_seed = sc->seed;
    const uint64_t *seeds = o->n_seeds ? o->seeds : &one_seed;
    size_t ns = o->n_seeds ? o->n_seeds : 1;
    size_t total = nv * SCENARIO_APPROACH_COUNT * n_sp * ns;
    if (n_sp > MAX_POINTS || total > MAX_POINTS * 6) {
        fprintf(stderr, "handset sweep: more than %d points\n", MAX_POINTS);
        return -1;
    }
    w->jobs = calloc(total ? total : 1, sizeof *w->jobs);
    json_t *m = json_object(), *groups = json_array(), *points = json_array();
    w->manifest = m;
    if (!w->jobs || !m || !groups || !points) {
        json_decref(groups);
        json_decref(points);
        return -1;
    }
    json_object_set_new(m, "format", json_string("handset-sweep/1"));
    json_object_set_new(m, "scenario", json_string(sc->name));
    char hex[SHA256_HEX_LEN + 1], err[512];
    if (hs_sha256_file_hex(sc->file, hex, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        json_decref(groups);
        json_decref(points);
        return -1;
    }
    json_object_set_new(m, "scenario_sha256", json_string(hex));
    json_t *base = json_object();
    for (size_t i = 0; i < w->n_base; i++) {
        const char *eq = strchr(w->base_sets[i], '=');
        char key[128];
        snprintf(key, sizeof key, "%.*s", (int)(eq ? eq - w->base_sets[i] : 0),
                 w->base_sets[i]);
        json_object_set_new(base, key, json_string(eq ? eq + 1 : ""));
    }
    json_object_set_new(m, "set", base);
    json_object_set_new(m, "soc", o->soc ? json_string(o->soc) : json_null());
    json_object_set_new(m, "groups", groups);
    json_object_set_new(m, "points", points);
    for (size_t v = 0; v < nv; v++) {
        if (!want_v[v])
            continue;
        const char *vname = sc->variants[v].name;
        for (size_t a = 0; a < SCENARIO_APPROACH_COUNT; a++) {
            if (!want_a[a])
                continue;
            const char *aname = scenario_approach_names[a];
            size_t n_ap = 1; /* set-points of the axes that apply */
            for (size_t i = 0; i < w->n_axes; i++)
                if (axis_applies(w, i, aname))
                    n_ap *= w->axes[i].n;
            for (size_t k = 0; k < n_ap; k++) {
                char sp[1024];
                const char *kv[CLI_MAX_AXES];
                size_t n_kv;
                setpoint_of(w, aname, k, sp, sizeof sp, kv, &n_kv);
                json_t *set = json_object();
                for (size_t i = 0; i < n_kv; i++) {
                    const char *eq = strchr(kv[i], '=');
                    char key[128];
                    snprintf(key, sizeof key, "%.*s", (int)(eq - kv[i]), kv[i]);
                    json_object_set_new(set, key, json_string(eq + 1));
                }
                json_array_append_new(groups,
                                      json_pack("{s:s,s:s,s:s,s:o}", "variant",
                                                vname, "approach", aname,
                                                "setpoint", sp, "set", set));
                size_t gi = json_array_size(groups) - 1;
                for (size_t s = 0; s < ns; s++) {
                    CliJob *j = &w->jobs[w->n_jobs++];
                    j->variant = (int)v;
                    j->approach = aname;
                    j->has_seed = true;
                    j->seed = seeds[s];
                    memcpy(j->sets, kv, n_kv * sizeof *kv);
                    j->n_sets = n_kv;
                    char rel[PATH_MAX];
                    snprintf(rel, sizeof rel, "%s%s%s/%s/seed-%" PRIu64,
                             nv > 1 ? vname : "", nv > 1 ? "/" : "", aname, sp,
                             seeds[s]);
                    if ((size_t)snprintf(j->dir, sizeof j->dir, "%s/%s", w->out,
                                         rel) >= sizeof j->dir ||
                        (size_t)snprintf(j->label, sizeof j->label, "%s",
                                         rel) >= sizeof j->label) {
                        fprintf(stderr, "%s/%s: path too long\n", w->out, rel);
                        return -1;
                    }
                    char seed_text[24];
                    snprintf(seed_text, sizeof seed_text, "%" PRIu64, seeds[s]);
                    json_array_append_new(
                        points, json_pack("{s:s,s:I,s:s}", "dir", rel, "group",
                                          (json_int_t)gi, "seed", seed_text));
                }
            }
        }
    }
    if (w->n_jobs == 0) {
        fprintf(stderr, "%s: nothing to run (no approach selected)\n",
                sc->file);
        return -1;
    }
    return 0;
}

/* Writes DIR/sweep.json, or checks that the one there is this grid. */
static int put_manifest(Sweep *w)
{
    char path[PATH_MAX + 16], err[512];
    snprintf(path, sizeof path, "%s/sweep.json", w->out);
    if (access(path, F_OK) == 0) {
        json_error_t je;
        json_t *old = json_load_file(path, 0, &je);
        bool same = old && json_equal(old, w->manifest);
        json_decref(old);
        if (same)
            return 0;
        fprintf(stderr,
                "%s holds a different sweep (another scenario, grid or "
                "setting): use another -o\n",
                path);
        return -1;
    }
    if (results_write_json(w->manifest, path, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    return 0;
}

/* Reads DIR's manifest and points and writes the summary. */
static int collect(const char *dir)
{
    char path[PATH_MAX + 16], err[512];
    snprintf(path, sizeof path, "%s/sweep.json", dir);
    json_error_t je;
    json_t *m = json_load_file(path, 0, &je);
    if (!m) {
        fprintf(stderr, "%s: %s (is %s a sweep's directory?)\n", path, je.text,
                dir);
        return HS_EXIT_USAGE;
    }
    const json_t *groups = json_object_get(m, "groups");
    const json_t *points = json_object_get(m, "points");
    const char *scenario = json_string_value(json_object_get(m, "scenario"));
    size_t ng = json_array_size(groups), np = json_array_size(points);
    if (!scenario || !ng || !np) {
        fprintf(stderr, "%s: not a handset-sweep/1 manifest\n", path);
        json_decref(m);
        return HS_EXIT_USAGE;
    }
    json_t **runs = calloc(np, sizeof *runs);
    const char **seeds = calloc(np, sizeof *seeds);
    SummaryGroup *g = calloc(ng, sizeof *g);
    const char **keys = calloc(ng * CLI_MAX_AXES + 1, sizeof *keys);
    const char **vals = calloc(ng * CLI_MAX_AXES + 1, sizeof *vals);
    int rc = HS_EXIT_OK;
    size_t missing = 0;
    if (!runs || !seeds || !g || !keys || !vals) {
        fprintf(stderr, "out of memory\n");
        rc = HS_EXIT_FAIL;
        goto done;
    }
    /* points are listed group by group */
    for (size_t i = 0; i < np; i++) {
        const json_t *p = json_array_get(points, i);
        size_t gi = (size_t)json_integer_value(json_object_get(p, "group"));
        const char *rel = json_string_value(json_object_get(p, "dir"));
        if (gi >= ng || !rel) {
            fprintf(stderr, "%s: points[%zu] is malformed\n", path, i);
            rc = HS_EXIT_USAGE;
            goto done;
        }
        char rp[PATH_MAX * 2];
        snprintf(rp, sizeof rp, "%s/%s/results.json", dir, rel);
        runs[i] = json_load_file(rp, 0, &je);
        if (!runs[i]) {
            if (missing++ < 5)
                fprintf(stderr, "%s: no results (%s)\n", rel, je.text);
            continue;
        }
        seeds[i] = json_string_value(json_object_get(p, "seed"));
        SummaryGroup *sg = &g[gi];
        if (!sg->runs) {
            sg->runs = (const json_t *const *)&runs[i];
            sg->seeds = &seeds[i];
        }
        sg->n_runs++;
    }
    if (missing) {
        fprintf(stderr,
                "%zu of %zu points have no results: run the sweep "
                "again to finish them\n",
                missing, np);
        rc = HS_EXIT_FAIL;
        goto done;
    }
    for (size_t gi = 0; gi < ng; gi++) {
        const json_t *gj = json_array_get(groups, gi);
        SummaryGroup *sg = &g[gi];
        sg->variant = json_string_value(json_object_get(gj, "variant"));
        sg->approach = json_string_value(json_object_get(gj, "approach"));
        sg->setpoint = json_string_value(json_object_get(gj, "setpoint"));
        sg->set_keys = &keys[gi * CLI_MAX_AXES];
        sg->set_values = &vals[gi * CLI_MAX_AXES];
        const char *k;
        json_t *v;
        json_object_foreach(json_object_get(gj, "set"), k, v)
        {
            if (sg->n_set == CLI_MAX_AXES)
                break;
            keys[gi * CLI_MAX_AXES + sg->n_set] = k;
            vals[gi * CLI_MAX_AXES + sg->n_set++] = json_string_value(v);
        }
        if (!sg->variant || !sg->approach || !sg->setpoint) {
            fprintf(stderr, "%s: groups[%zu] is malformed\n", path, gi);
            rc = HS_EXIT_USAGE;
            goto done;
        }
    }
    json_t *sum = summary_build(scenario, g, ng);
    if (!sum || summary_write(sum, dir, err, sizeof err) < 0) {
        fprintf(stderr, "%s: %s\n", dir, sum ? err : "out of memory");
        rc = HS_EXIT_FAIL;
    } else {
        fprintf(stderr, "summary of %zu points in %s/summary.{json,csv,md}\n",
                np, dir);
    }
    json_decref(sum);
done:
    for (size_t i = 0; runs && i < np; i++)
        json_decref(runs[i]);
    free(runs);
    free(seeds);
    free(g);
    free(keys);
    free(vals);
    json_decref(m);
    return rc;
}

/* One word for sh, single-quoted. */
static void sh_word(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++) {
        if (*s == '\'')
            fputs("'\\''", f);
        else
            fputc(*s, f);
    }
    fputc('\'', f);
}

/* The options that say where and how to run, which each shard is told
 * anew. */
static bool drop_opt(const char *a, bool *takes_value)
{
    static const char *const with_value[] = {"-o",     "--output", "-j",
                                             "--jobs", "--shards", "--shard"};
    static const char *const prefixes[] = {
        "--output=", "--jobs=", "--shards=", "--shard=", "-o", "-j"};
    *takes_value = false;
    for (size_t i = 0; i < sizeof with_value / sizeof *with_value; i++)
        if (strcmp(a, with_value[i]) == 0)
            return *takes_value = true;
    if (strcmp(a, "--slurm") == 0 || strcmp(a, "--force") == 0)
        return true;
    for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++)
        if (strncmp(a, prefixes[i], strlen(prefixes[i])) == 0)
            return true;
    return false;
}

/* What the Slurm scripts say. */
typedef struct SlurmCtx {
    int argc;        /* the sweep's arguments as given ... */
    char **argv;     /* ... (argv[0] is "sweep") */
    const char *exe; /* this executable, absolute */
    const char *cwd; /* the directory the sweep was written from */
    const char *out; /* the sweep's directory, absolute */
    unsigned shards; /* array tasks */
} SlurmCtx;

static int array_script(FILE *f, void *ctx, char *err, size_t err_size)
{
    const SlurmCtx *c = ctx;
    fprintf(f,
            "#!/bin/sh\n"
            "# The points of a handset sweep as a Slurm job array: task I of\n"
            "# %u runs shard I/%u (handset help sweep). Written by handset "
            "sweep --slurm.\n"
            "#SBATCH --job-name=handset-sweep\n"
            "#SBATCH --array=1-%u\n"
            "#SBATCH --ntasks=1\n"
            "#SBATCH --chdir=%s\n"
            "#SBATCH --output=%s/slurm/shard-%%a.out\n"
            "exec ",
            c->shards, c->shards, c->shards, c->cwd, c->out);
    sh_word(f, c->exe);
    for (int i = 0; i < c->argc; i++) {
        bool takes;
        if (drop_opt(c->argv[i], &takes)) {
            i += takes;
            continue;
        }
        fputc(' ', f);
        sh_word(f, c->argv[i]);
    }
    fputs(" -o ", f);
    sh_word(f, c->out);
    fprintf(f, " -q --shard \"$SLURM_ARRAY_TASK_ID/%u\"\n", c->shards);
    return ferror(f) ? hs_errorf(err, err_size, "write failed") : 0;
}

static int collect_script(FILE *f, void *ctx, char *err, size_t err_size)
{
    const SlurmCtx *c = ctx;
    fprintf(f,
            "#!/bin/sh\n"
            "# The summary of a handset sweep, once its job array is done.\n"
            "#SBATCH --job-name=handset-summary\n"
            "#SBATCH --ntasks=1\n"
            "#SBATCH --chdir=%s\n"
            "#SBATCH --output=%s/slurm/collect.out\n"
            "exec ",
            c->cwd, c->out);
    sh_word(f, c->exe);
    fputs(" sweep --collect ", f);
    sh_word(f, c->out);
    fputc('\n', f);
    return ferror(f) ? hs_errorf(err, err_size, "write failed") : 0;
}

static int submit_script(FILE *f, void *ctx, char *err, size_t err_size)
{
    const SlurmCtx *c = ctx;
    fputs("#!/bin/sh\n"
          "# Submits the sweep's job array and, after it, the summary.\n"
          "set -e\n"
          "cd ",
          f);
    sh_word(f, c->out);
    fputs("\n"
          "array=$(sbatch --parsable sweep.sbatch)\n"
          "array=${array%%;*}\n"
          "summary=$(sbatch --parsable --dependency=afterok:$array "
          "collect.sbatch)\n"
          "echo \"job array $array, summary job ${summary%%;*}\"\n",
          f);
    return ferror(f) ? hs_errorf(err, err_size, "write failed") : 0;
}

/* Writes DIR/name atomically and makes it executable. */
static int put_script(const char *dir, const char *name, AtomicWriteFunc fn,
                      SlurmCtx *c, char *err, size_t err_size)
{
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (atomic_write_file(path, fn, c, err, err_size) < 0)
        return -1;
    chmod(path, 0755);
    return 0;
}

/* DIR/sweep.sbatch, collect.sbatch and submit.sh. */
static int write_slurm(const Sweep *w, int argc, char **argv)
{
    char exe[PATH_MAX], cwd[PATH_MAX], out[PATH_MAX], err[512];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0 || !getcwd(cwd, sizeof cwd) || !realpath(w->out, out)) {
        fprintf(stderr, "handset sweep: cannot find this executable or "
                        "directory\n");
        return HS_EXIT_FAIL;
    }
    exe[n] = '\0';
    unsigned shards =
        w->o.slurm_shards ? w->o.slurm_shards : (unsigned)w->n_jobs;
    if (shards > w->n_jobs)
        shards = (unsigned)w->n_jobs;
    SlurmCtx c = {.argc = argc,
                  .argv = argv,
                  .exe = exe,
                  .cwd = cwd,
                  .out = out,
                  .shards = shards};
    char logs[PATH_MAX + 8];
    snprintf(logs, sizeof logs, "%s/slurm", out);
    if (outdir_make_dirs(logs, err, sizeof err) < 0 ||
        put_script(out, "sweep.sbatch", array_script, &c, err, sizeof err) <
            0 ||
        put_script(out, "collect.sbatch", collect_script, &c, err, sizeof err) <
            0 ||
        put_script(out, "submit.sh", submit_script, &c, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        return HS_EXIT_FAIL;
    }
    printf("%zu points in %u shards: submit with\n  sh %s/submit.sh\n",
           w->n_jobs, shards, out);
    return HS_EXIT_OK;
}

static int sweep_main(int argc, char **argv)
{
    /* getopt_long permutes argv; the Slurm script repeats it as given */
    char **orig = malloc(((size_t)argc + 1) * sizeof *orig);
    if (!orig)
        return HS_EXIT_FAIL;
    memcpy(orig, argv, ((size_t)argc + 1) * sizeof *orig);
    Sweep w;
    memset(&w, 0, sizeof w);
    int rc =
        cli_parse_run_opts(&cli_cmd_sweep, CLI_FOR_SWEEP, argc, argv, &w.o);
    if (rc != HS_EXIT_OK) {
        rc = rc == CLI_HELP_SHOWN ? HS_EXIT_OK : rc;
        goto done;
    }
    rc = HS_EXIT_USAGE;
    if (w.o.collect) {
        if (w.o.scenario || w.o.slurm || w.o.n_shards) {
            rc = cli_usage_error(&cli_cmd_sweep,
                                 "--collect DIR takes no scenario or other "
                                 "options");
            goto done;
        }
        rc = collect(w.o.collect);
        goto done;
    }
    if (w.o.slurm && w.o.n_shards) {
        rc = cli_usage_error(&cli_cmd_sweep, "--slurm or --shard: give one");
        goto done;
    }
    if (split_sets(&w) < 0)
        goto done;
    w.sc = cli_load_scenario(&w.o, NULL);
    if (!w.sc)
        goto done;
    /* The grid is planned once against the name -o gives (or a stand-in)
     * so that a bad -a, --variant or grid is refused before any
     * directory is made; then again into the directory made. */
    snprintf(w.out, sizeof w.out, "%s", w.o.out ? w.o.out : "results/runs/NEW");
    if (plan(&w) < 0)
        goto done;
    json_decref(w.manifest);
    w.manifest = NULL;
    free(w.jobs);
    w.jobs = NULL;
    w.n_jobs = 0;
    if (cli_make_out_dir(&w.o, w.sc->name, w.out, sizeof w.out) < 0)
        goto done;
    if (plan(&w) < 0 || put_manifest(&w) < 0)
        goto done;
    if (w.o.slurm) {
        rc = write_slurm(&w, argc, orig + 0);
        goto done;
    }
    /* this shard's points (all without --shard) */
    size_t k = 0;
    for (size_t i = 0; i < w.n_jobs; i++)
        if (!w.o.n_shards || i % w.o.n_shards == w.o.shard - 1)
            w.jobs[k++] = w.jobs[i];
    CliJobSet js = {.o = &w.o,
                    .jobs = w.jobs,
                    .n = k,
                    .parallel = w.o.jobs,
                    .resume = !w.o.force};
    if ((rc = cli_jobs_prepare(&js)) != HS_EXIT_OK)
        goto done;
    size_t todo = 0;
    for (size_t i = 0; i < k; i++)
        todo += !w.jobs[i].skip;
    if (!w.o.quiet) {
        char dur[32];
        sim_format_duration(w.sc->duration_ps, dur, sizeof dur);
        fprintf(stderr,
                "%s: %zu point(s) of %s simulated (%zu finished before), %u "
                "at a time, into %s\n",
                w.sc->name, k, dur, k - todo, w.o.jobs, w.out);
    }
    rc = cli_jobs_run(&js);
    if (rc == HS_EXIT_OK && !w.o.n_shards)
        rc = collect(w.out);
done:
    sweep_free(&w);
    free(orig);
    return rc;
}
