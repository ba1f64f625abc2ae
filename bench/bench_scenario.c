/*
 * bench_scenario.c - how much faster than real time whole scenarios run.
 *
 *   scenario/<name>/<approach>  one run of a shipped scenario under one
 *                    approach, as `handset run --no-trace --no-pcap
 *                    --no-frames` does it (machine, parts, outputs to a
 *                    temporary directory); the counter sim_per_wall is
 *                    simulated seconds per wall second, and items per
 *                    second are simulated seconds too, so the gate compares
 *                    that figure.
 *   stress/<approach>  bench/scenarios/stress-8x24h.json (8 domains, a
 *                    day, thousands of events) by `handset run` in a
 *                    process of its own; counters peak_rss_mb (host.json's
 *                    peak memory; above 256 MB is an error) and
 *                    sim_per_wall. HANDSET_BENCH_STRESS names another
 *                    scenario file to run instead (a shorter variant).
 *   compare_all      `handset compare` (both cores, no trace or pcap) over
 *                    every shipped scenario, one after the other: the wall
 *                    time of the whole set, the figure the 20 s speed
 *                    target (bench/README.md) is about.
 *
 * Runs are long (a simulated day of standby), so each repetition is one
 * run; `make bench` repeats them (medians). A scenario that needs a part
 * of handset that is not built yet reports that as the benchmark's error,
 * never a figure.
 *
 * HANDSET_BENCH_SCENARIOS=quick registers only
 * scenario/covert-wakelock/native (the test suite's smoke run);
 * HANDSET_BENCH_SCENARIOS=none registers none.
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/gbench.h"
#include "run/run.h"
#include "config/scenario.h"

typedef struct ScenarioBench {
    char scenario[64];
    char approach[32];
} ScenarioBench;

static ScenarioBench benches[64];
static size_t n_benches;

/* DIR holding the build (the bench binary is build/bench/handset-bench). */
static int build_dir(char *buf, size_t size)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return -1;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return -1;
    *slash = '\0';
    slash = strrchr(exe, '/');
    if (!slash)
        return -1;
    *slash = '\0';
    snprintf(buf, size, "%s", exe);
    return 0;
}

static void path_in(char *buf, size_t size, const char *env, const char *dir,
                    const char *rel)
{
    const char *e = getenv(env);
    if (e && *e)
        snprintf(buf, size, "%s", e);
    else
        snprintf(buf, size, "%s/%s", dir, rel);
}

static void bench_one(GbenchState *st, void *ctx)
{
    const ScenarioBench *b = ctx;
    char build[PATH_MAX], image[PATH_MAX + 32], fw[PATH_MAX + 32];
    char file[PATH_MAX + 128], err[1024];
    if (build_dir(build, sizeof build) < 0) {
        gbench_skip_with_error(st, "cannot find the build directory");
        return;
    }
    path_in(image, sizeof image, "HANDSET_GUEST_IMAGE", build,
            "guest/domain.elf");
    path_in(fw, sizeof fw, "HANDSET_FIRMWARE", build, "baseband/firmware.elf");
    snprintf(file, sizeof file, "%s/../scenarios/%s.json", build, b->scenario);
    /* The SoC files are found from the source tree (datadir.h), which the
     * bench binary, one level deeper than build/handset, does not see. */
    char data[PATH_MAX + 8];
    snprintf(data, sizeof data, "%s/..", build);
    setenv("HANDSET_DATA", data, 0);
    Scenario *sc = scenario_load(file, err, sizeof err);
    if (!sc) {
        gbench_skip_with_error(st, err);
        return;
    }
    char tmpl[] = "/tmp/handset-bench.XXXXXX";
    char *tmp = mkdtemp(tmpl);
    char out[PATH_MAX];
    snprintf(out, sizeof out, "%s/run", tmp ? tmp : "/tmp");
    RunOptions o = {
        .sc = sc,
        .variant = 0,
        .approach = b->approach,
        .out_dir = out,
        .image = image,
        .firmware = fw,
    };
    double sim_s = (double)sc->duration_ps / 1e12, total = 0;
    int64_t runs = 0;
    while (gbench_keep_running(st)) {
        RunSummary sum;
        if (!tmp || run_scenario(&o, &sum, err, sizeof err) != RUN_OK) {
            gbench_skip_with_error(st, tmp ? err : "cannot make a temp dir");
            break;
        }
        total += sum.wall_s;
        runs++;
    }
    if (runs && total > 0) {
        gbench_counter(st, "sim_per_wall", sim_s * (double)runs / total,
                       GBENCH_COUNTER_PLAIN);
        gbench_set_items_processed(st, (int64_t)(sim_s * (double)runs));
    }
    if (tmp) {
        char cmd[PATH_MAX + 32];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
        if (system(cmd) != 0)
            fprintf(stderr, "bench: could not remove %s\n", tmp);
    }
    scenario_free(sc);
}

/* `handset compare` over every shipped scenario, one after the other. */
static void bench_compare_all(GbenchState *st, void *ctx)
{
    (void)ctx;
    char build[PATH_MAX], dir[PATH_MAX + 32];
    if (build_dir(build, sizeof build) < 0) {
        gbench_skip_with_error(st, "cannot find the build directory");
        return;
    }
    snprintf(dir, sizeof dir, "%s/../scenarios", build);
    char tmpl[] = "/tmp/handset-bench.XXXXXX";
    char *tmp = mkdtemp(tmpl);
    if (!tmp) {
        gbench_skip_with_error(st, "cannot make a temp dir");
        return;
    }
    while (gbench_keep_running(st)) {
        DIR *d = opendir(dir);
        struct dirent *de;
        int failed = 0;
        while (d && (de = readdir(d))) {
            size_t len = strlen(de->d_name);
            if (len < 6 || strcmp(de->d_name + len - 5, ".json") != 0)
                continue;
            char cmd[3 * PATH_MAX];
            snprintf(cmd, sizeof cmd,
                     "'%s/handset' compare '%s/%s' -o '%s/%s' -q --no-trace "
                     "--no-pcap >/dev/null 2>'%s/err'",
                     build, dir, de->d_name, tmp, de->d_name, tmp);
            if (system(cmd) != 0)
                failed++;
        }
        if (d)
            closedir(d);
        if (failed) {
            char msg[128];
            snprintf(msg, sizeof msg,
                     "%d shipped scenario(s) did not run (not built yet or "
                     "failed; see handset compare)",
                     failed);
            gbench_skip_with_error(st, msg);
            break;
        }
    }
    char cmd[PATH_MAX + 32];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    if (system(cmd) != 0)
        fprintf(stderr, "bench: could not remove %s\n", tmp);
}

/* stress/<approach>: bench/scenarios/stress-8x24h.json (eight domains, a
 * day, thousands of events) run by `handset run` in its own process, so
 * host.json's peak_rss_kib is this run's alone. Counters: peak_rss_mb and
 * sim_per_wall; a run above STRESS_RSS_MAX_MB is the benchmark's error. */
#define STRESS_RSS_MAX_MB 256.0

static void bench_stress(GbenchState *st, void *ctx)
{
    const char *approach = ctx;
    char build[PATH_MAX], cmd[3 * PATH_MAX], path[PATH_MAX + 64];
    if (build_dir(build, sizeof build) < 0) {
        gbench_skip_with_error(st, "cannot find the build directory");
        return;
    }
    char tmpl[] = "/tmp/handset-bench.XXXXXX";
    char *tmp = mkdtemp(tmpl);
    if (!tmp) {
        gbench_skip_with_error(st, "cannot make a temp dir");
        return;
    }
    char file[PATH_MAX + 64];
    const char *alt = getenv("HANDSET_BENCH_STRESS");
    if (alt && *alt)
        snprintf(file, sizeof file, "%s", alt);
    else
        snprintf(file, sizeof file, "%s/../bench/scenarios/stress-8x24h.json",
                 build);
    double rss_mb = 0, wall = 0, sim = 0;
    int64_t runs = 0;
    while (gbench_keep_running(st)) {
        snprintf(cmd, sizeof cmd,
                 "rm -rf '%s/out' && '%s/handset' run '%s' -a '%s' -o "
                 "'%s/out' --no-trace --no-pcap >/dev/null 2>'%s/err'",
                 tmp, build, file, approach, tmp, tmp);
        snprintf(path, sizeof path, "%s/out/%s/host.json", tmp, approach);
        FILE *f = NULL;
        double kib = 0, w = 0, s_sim = 0;
        if (system(cmd) != 0 || !(f = fopen(path, "r"))) {
            gbench_skip_with_error(st, "handset run of stress-8x24h failed");
            break;
        }
        char line[256];
        while (fgets(line, sizeof line, f)) {
            sscanf(line, " \"peak_rss_kib\": %lf", &kib);
            sscanf(line, " \"wall_s\": %lf", &w);
            sscanf(line, " \"sim_time_s\": %lf", &s_sim);
        }
        fclose(f);
        if (kib / 1024.0 > rss_mb)
            rss_mb = kib / 1024.0;
        wall += w;
        sim += s_sim;
        runs++;
    }
    if (runs) {
        gbench_counter(st, "peak_rss_mb", rss_mb, GBENCH_COUNTER_PLAIN);
        if (wall > 0)
            gbench_counter(st, "sim_per_wall", sim / wall,
                           GBENCH_COUNTER_PLAIN);
        gbench_set_items_processed(st, (int64_t)sim);
        if (rss_mb > STRESS_RSS_MAX_MB) {
            char msg[128];
            snprintf(msg, sizeof msg, "peak RSS %.0f MB is above %.0f MB",
                     rss_mb, STRESS_RSS_MAX_MB);
            gbench_skip_with_error(st, msg);
        }
    }
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    if (system(cmd) != 0)
        fprintf(stderr, "bench: could not remove %s\n", tmp);
}

static void add(const char *scenario, const char *approach)
{
    if (n_benches >= sizeof benches / sizeof benches[0])
        return;
    ScenarioBench *b = &benches[n_benches++];
    snprintf(b->scenario, sizeof b->scenario, "%s", scenario);
    snprintf(b->approach, sizeof b->approach, "%s", approach);
    char name[128];
    snprintf(name, sizeof name, "scenario/%s/%s", scenario, approach);
    GbenchBenchmark *g = gbench_register(name, bench_one, b);
    gbench_use_real_time(g);
    gbench_unit(g, GBENCH_MS);
    gbench_min_time(g, 0.001); /* one run per repetition */
}

GBENCH_INIT(register_scenarios)
{
    const char *mode = getenv("HANDSET_BENCH_SCENARIOS");
    if (mode && strcmp(mode, "none") == 0)
        return;
    if (mode && strcmp(mode, "quick") == 0) {
        add("covert-wakelock", "native");
        return;
    }
    static const char *const shipped[] = {"standby-24h",
                                          "incoming-call-secret"};
    for (size_t s = 0; s < 2; s++)
        for (size_t a = 0; a < SCENARIO_APPROACH_COUNT; a++)
            add(shipped[s], scenario_approach_names[a]);
    for (size_t a = 0; a < SCENARIO_APPROACH_COUNT; a++) {
        char name[64];
        snprintf(name, sizeof name, "stress/%s", scenario_approach_names[a]);
        GbenchBenchmark *s = gbench_register(
            name, bench_stress, (void *)scenario_approach_names[a]);
        gbench_use_real_time(s);
        gbench_unit(s, GBENCH_S);
        gbench_min_time(s, 0.001); /* one run per repetition */
    }
    GbenchBenchmark *g =
        gbench_register("compare_all", bench_compare_all, NULL);
    gbench_use_real_time(g);
    gbench_unit(g, GBENCH_S);
    gbench_min_time(g, 0.001);
}
