/*
 * jobs.c - running the runs of run, compare and sweep: see jobs.h.
 *
 * Parallel jobs are separate processes (fork): runs share no state, each
 * writes only its own directory, and a run's results do not depend on
 * what else runs beside it, so -j 2 gives the same files as -j 1, which
 * runs them one after another in this process.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/jobs.h"
#include "out/outdir.h"
#include "run/run.h"
#include "config/scenario.h"
#include "sim/text.h"
#include "sim/time.h"
#include "viewer/viewer.h"
#include "virt/virt.h"

/* The signal that asked us to stop (SIGINT, SIGTERM), or 0. The one
 * piece of process state here: a signal handler can reach nothing else. */
static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
    stop_signal = sig;
}

/* Applies one KEY=VALUE: the scenario's syntax, then the owner's key and
 * range (approach.h). */
static int apply_set(Scenario *sc, const char *kv)
{
    char err[512];
    if (scenario_apply_set(sc, kv, err, sizeof err) < 0 ||
        virt_check_set(kv, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    return 0;
}

Scenario *cli_load_scenario(const CliRunOpts *o, const CliJob *job)
{
    char err[1024];
    Scenario *sc = scenario_load(o->scenario_path, err, sizeof err);
    if (!sc) {
        fprintf(stderr, "%s\n", err);
        return NULL;
    }
    if (o->soc)
        for (size_t v = 0; v < sc->n_variants; v++) {
            sc->variants[v].soc = o->soc;
            sc->variants[v].soc_path = o->soc_path;
        }
    if (o->has_seed)
        sc->seed = o->seed;
    for (size_t i = 0; i < o->n_sets; i++)
        if (apply_set(sc, o->sets[i]) < 0)
            goto fail;
    if (job) {
        if (job->has_seed)
            sc->seed = job->seed;
        for (size_t i = 0; i < job->n_sets; i++)
            if (apply_set(sc, job->sets[i]) < 0)
                goto fail;
    }
    if (run_check_built(sc, err, sizeof err) != RUN_OK) {
        fprintf(stderr, "%s\n", err);
        goto fail;
    }
    return sc;
fail:
    scenario_free(sc);
    return NULL;
}

static bool cli_in_list(const char *list, const char *name)
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

/* Checks a comma list of names against names (or "all"), printing a
 * did-you-mean for one that is not there. */
static int cli_check_names(const char *what, const char *list,
                           const char *const *names, size_t n)
{
    for (const char *p = list; *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        bool ok = len == 3 && strncmp(p, "all", 3) == 0;
        for (size_t i = 0; i < n && !ok; i++)
            ok = strlen(names[i]) == len && strncmp(p, names[i], len) == 0;
        if (!ok) {
            char given[128];
            snprintf(given, sizeof given, "%.*s", (int)len, p);
            const char *best = hs_nearest(given, names, n);
            fprintf(stderr, "%s '%s' is not one of:", what, given);
            for (size_t i = 0; i < n; i++)
                fprintf(stderr, " %s", names[i]);
            if (best)
                fprintf(stderr, " (did you mean \"%s\"?)", best);
            fprintf(stderr, "\n");
            return -1;
        }
        p += len + (comma ? 1 : 0);
    }
    return 0;
}

int cli_select(const CliRunOpts *o, const Scenario *sc, bool *want_v,
               bool *want_a)
{
    const char *vnames[64], *anames[SCENARIO_APPROACH_COUNT];
    size_t nv = sc->n_variants < 64 ? sc->n_variants : 64;
    for (size_t v = 0; v < nv; v++)
        vnames[v] = sc->variants[v].name;
    for (size_t a = 0; a < SCENARIO_APPROACH_COUNT; a++)
        anames[a] = scenario_approach_names[a];
    if ((o->variants &&
         cli_check_names("variant", o->variants, vnames, nv) < 0) ||
        (o->approaches && cli_check_names("approach", o->approaches, anames,
                                          SCENARIO_APPROACH_COUNT) < 0))
        return -1;
    bool all_a = !o->approaches || cli_in_list(o->approaches, "all");
    bool all_v = !o->variants || cli_in_list(o->variants, "all");
    for (size_t v = 0; v < sc->n_variants; v++)
        want_v[v] = v < nv && (all_v || cli_in_list(o->variants, vnames[v]));
    for (size_t a = 0; a < SCENARIO_APPROACH_COUNT; a++)
        want_a[a] = !o->approaches ? sc->approaches[a]
                    : all_a        ? true
                                   : cli_in_list(o->approaches, anames[a]);
    return 0;
}

int cli_make_out_dir(const CliRunOpts *o, const char *name, char *buf,
                     size_t size)
{
    char err[512];
    if (o->out) {
        snprintf(buf, size, "%s", o->out);
        if (outdir_make_dirs(o->out, err, sizeof err) < 0) {
            fprintf(stderr, "-o %s: %s\n", o->out, err);
            return -1;
        }
        return 0;
    }
    if (outdir_make_dirs("results/runs", err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    /* the PID keeps two processes started in the same second apart; the
     * exclusive mkdir keeps out anything else that took the name */
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    for (int k = 0; k < 1000; k++) {
        if (k == 0)
            snprintf(buf, size, "results/runs/%s-%s-%ld", name, stamp,
                     (long)getpid());
        else
            snprintf(buf, size, "results/runs/%s-%s-%ld-%d", name, stamp,
                     (long)getpid(), k);
        if (mkdir(buf, 0777) == 0)
            return 0;
        if (errno != EEXIST)
            break;
    }
    fprintf(stderr, "cannot create %s: %s\n", buf, strerror(errno));
    return -1;
}

int cli_jobs_prepare(CliJobSet *js)
{
    size_t existing = 0;
    for (size_t i = 0; i < js->n; i++) {
        CliJob *j = &js->jobs[i];
        outdir_clean_stale(j->dir, stderr);
        struct stat st;
        j->skip = false;
        if (stat(j->dir, &st) != 0)
            continue;
        if (js->resume) {
            j->skip = true; /* a directory appears only when complete */
            continue;
        }
        if (!js->o->force) {
            if (existing++ < 5)
                fprintf(stderr, "%s exists (a finished run)\n", j->dir);
        }
    }
    if (existing) {
        fprintf(stderr,
                "%zu result(s) would be replaced: use --force to replace "
                "them, or another -o\n",
                existing);
        return HS_EXIT_USAGE;
    }
    return HS_EXIT_OK;
}

/* source: measured. Frames are recorded by default up to this much
 * simulated time: incoming-call-secret (3 min 30 s) records 1.7 MB per
 * approach (results/README.md), so ten minutes stay a few MB; a day of
 * standby is left to --record-frames. */
#define FRAMES_DEFAULT_MAX_PS (600 * HS_S)

/* The driver and service VMs' image, found once by cli_jobs_run (every
 * job and forked child reads it). */
static char service_image[PATH_MAX];

/* Runs one job in this process, told to obs when not NULL (the live
 * view); returns its exit code. */
static int run_job(const CliJobSet *js, const CliJob *j, const char *image,
                   const char *firmware, const RunObserver *obs)
{
    const CliRunOpts *o = js->o;
    Scenario *sc = cli_load_scenario(o, j);
    if (!sc)
        return HS_EXIT_USAGE;
    RunOptions ro = {
        .sc = sc,
        .variant = j->variant,
        .approach = j->approach,
        .out_dir = j->dir,
        .image = image,
        .service = service_image,
        .firmware = firmware,
        .trace = o->trace,
        .pcap = o->pcap,
        .trace_gzip = o->trace_gzip,
        .trace_max = o->trace_max,
        .record_frames = o->record_frames < 0
                             ? sc->duration_ps <= FRAMES_DEFAULT_MAX_PS
                             : o->record_frames == 1,
        .progress = !o->quiet,
        .label = j->label,
        .force = o->force,
        .stop = &stop_signal,
        .observer = obs,
    };
    RunSummary sum;
    char err[1024];
    RunStatus st = run_scenario(&ro, &sum, err, sizeof err);
    scenario_free(sc);
    if (st == RUN_OK && *sum.trace_note) /* even with -q: trace not whole */
        fprintf(stderr, "%s: %s\n", j->label, sum.trace_note);
    if (st != RUN_OK) {
        if (stop_signal)
            fprintf(stderr, "%s: interrupted; nothing written at %s\n",
                    j->label, j->dir);
        else
            fprintf(stderr, "%s: %s\n", j->label, err);
        return stop_signal             ? 128 + stop_signal
               : st == RUN_HOST_ERROR  ? HS_EXIT_FAIL
               : st == RUN_MODEL_ERROR ? HS_EXIT_MODEL
                                       : HS_EXIT_USAGE;
    }
    if (!o->quiet) {
        fprintf(stderr, "%s: done in %.1f s wall (%.0fx real time) -> %s\n",
                j->label, sum.wall_s, sum.speedup, j->dir);
        if (sum.faults)
            fprintf(stderr, "%s: %u fault(s), first: %s\n", j->label,
                    sum.faults, sum.first_fault);
    }
    return HS_EXIT_OK;
}

/* The one job of `handset run --view`, run on the live view's thread. */
typedef struct ViewedJob {
    const CliJobSet *js;
    const CliJob *j;
    const char *image, *firmware;
} ViewedJob;

static int run_viewed(void *arg, const RunObserver *obs)
{
    const ViewedJob *vj = arg;
    return run_job(vj->js, vj->j, vj->image, vj->firmware, obs);
}

static void install_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop; /* no SA_RESTART: wait() returns EINTR */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int cli_jobs_run(const CliJobSet *js)
{
    char image[PATH_MAX], firmware[PATH_MAX];
    if (cli_find_build_file("HANDSET_GUEST_IMAGE", "guest/domain.elf",
                            "domain.elf", image, sizeof image) < 0) {
        fprintf(stderr,
                "cannot find the guest image (%s): build it with make, or "
                "set HANDSET_GUEST_IMAGE\n",
                image);
        return HS_EXIT_USAGE;
    }
    if (cli_find_build_file("HANDSET_SERVICE_IMAGE", "guest/service.elf",
                            "service.elf", service_image,
                            sizeof service_image) < 0) {
        fprintf(stderr,
                "cannot find the driver and service VMs' image (%s): build "
                "it with make, or set HANDSET_SERVICE_IMAGE\n",
                service_image);
        return HS_EXIT_USAGE;
    }
    if (cli_find_build_file("HANDSET_FIRMWARE", "baseband/firmware.elf",
                            "firmware.elf", firmware, sizeof firmware) < 0) {
        fprintf(stderr,
                "cannot find the baseband firmware (%s): build it with make, "
                "or set HANDSET_FIRMWARE\n",
                firmware);
        return HS_EXIT_USAGE;
    }
    install_handlers();
    size_t todo = 0;
    for (size_t i = 0; i < js->n; i++)
        todo += !js->jobs[i].skip;
    if (js->o->view) { /* one job (runner.c) in the window's care */
        for (size_t i = 0; i < js->n; i++) {
            if (js->jobs[i].skip)
                continue;
            ViewedJob vj = {js, &js->jobs[i], image, firmware};
            ViewerLive lv = {.out_dir = js->jobs[i].dir,
                             .run = run_viewed,
                             .arg = &vj,
                             .speed = js->o->speed,
                             .png = js->o->view_png,
                             .stop = &stop_signal,
                             .quiet = js->o->quiet};
            int rc = viewer_live(&lv);
            return stop_signal ? 128 + stop_signal : rc;
        }
        return HS_EXIT_OK;
    }
    int worst = HS_EXIT_OK;
    if (js->parallel <= 1 || todo <= 1) {
        for (size_t i = 0; i < js->n && !stop_signal; i++) {
            if (js->jobs[i].skip)
                continue;
            int rc = run_job(js, &js->jobs[i], image, firmware, NULL);
            if (rc > worst)
                worst = rc;
        }
        return stop_signal ? 128 + stop_signal : worst;
    }
    fflush(NULL);
    pid_t *pids = calloc(js->n, sizeof *pids);
    if (!pids) {
        fprintf(stderr, "out of memory\n");
        return HS_EXIT_FAIL;
    }
    size_t next = 0, running = 0;
    int forwarded = 0;
    while (running > 0 || (next < js->n && !stop_signal)) {
        while (!stop_signal && next < js->n && running < js->parallel) {
            if (js->jobs[next].skip) {
                next++;
                continue;
            }
            pid_t pid = fork();
            if (pid < 0) {
                fprintf(stderr, "cannot start a job: %s\n", strerror(errno));
                worst = HS_EXIT_FAIL;
                stop_signal = SIGTERM;
                break;
            }
            if (pid == 0)
                _exit(run_job(js, &js->jobs[next], image, firmware, NULL));
            pids[next++] = pid;
            running++;
        }
        if (running == 0)
            break;
        if (stop_signal && forwarded != stop_signal) {
            /* a SIGTERM sent to us alone reaches the runs too */
            for (size_t i = 0; i < next; i++)
                if (pids[i] > 0)
                    kill(pids[i], stop_signal);
            forwarded = stop_signal;
        }
        int status;
        pid_t done = wait(&status);
        if (done < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        running--;
        for (size_t i = 0; i < next; i++) {
            if (pids[i] != done)
                continue;
            pids[i] = 0;
            if (!WIFEXITED(status))
                fprintf(stderr, "%s: the run died (signal %d)\n",
                        js->jobs[i].label, WTERMSIG(status));
        }
        int rc = WIFEXITED(status) ? WEXITSTATUS(status) : HS_EXIT_FAIL;
        if (rc > worst && rc < 128)
            worst = rc;
    }
    free(pids);
    return stop_signal ? 128 + stop_signal : worst;
}
