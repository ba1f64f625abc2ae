/*
 * bench_guest.c - guest execution benchmarks: how fast the vCPU runs the
 * real domain image, and how that compares with the same code compiled
 * for the host.
 *
 * guest/<wl>            HS_EV_WORKLOAD on a vCPU of the "little" core type
 *                       with the domain image booted, run to completion;
 *                       instruction and cycle accounting are always on.
 *                       items_per_second is guest instructions per CPU
 *                       second (MIPS counter = the same / 10^6); sim_x is
 *                       simulated seconds (cycle accounting at the core's
 *                       clock) per CPU second.
 * native/<wl>           the same workload loop from libguestref.a (the
 *                       guest/lib sources compiled for the host): time per
 *                       iteration is the native reference time.
 * guest_bare/<wl>       the guest passes again on a vCPU without accounting
 *                       (VcpuConfig.uncounted: no block hook): what the
 *                       engine alone costs, the ceiling that instruction
 *                       counting leaves room for. The instructions per pass
 *                       come from a counted pass on another vCPU (the code
 *                       is deterministic); items_per_second and MIPS are
 *                       computed from them as in guest/<wl>, so the two
 *                       are directly comparable.
 * guest_vs_native/<wl>  both in one run: every iteration runs the guest
 *                       pass, one untimed native pass (to warm the caches
 *                       the guest pass took over) and a timed native pass,
 *                       each timed with the thread's CPU clock;
 *                       guest_over_native is the ratio of the two sums
 *                       (guest time / native time for the same work), so
 *                       both sides see the same machine state and the
 *                       ratio needs no second run.
 *
 * <wl> is crypto, voice, mail, ui, or mix (all four in turn, each with
 * its own count, about 3 M guest instructions apiece). A pass runs every
 * part once with the counts below: milliseconds of guest time, so the
 * cache refill after a native pass is small against a guest pass.
 *
 * Checks: every guest pass returns the check value of the host reference
 * (computed before timing) and executes exactly as many instructions as
 * the untimed warm-up pass; every native pass returns the same value. A
 * wrong value, a fault or a missing guest image is reported with
 * gbench_skip_with_error instead of a figure.
 *
 * The image is $HANDSET_GUEST_IMAGE, else guest/domain.elf in the parent
 * of the executable's directory (build/guest/domain.elf for
 * build/bench/handset-bench), else the installed copy.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench/gbench.h"
#include "cpu/elf_load.h"
#include "cpu/vcpu.h"
#include "guest/lib/wl.h"
#include "platform.h"

/* Slice per vcpu_run: a whole pass fits, so a pass is one uninterrupted
 * run as in `handset guest` (the loop still resumes if it is not). */
#define SLICE_INSNS (1ULL << 26)
/* Most parts in one case (the mix). */
#define MAX_PARTS 4

/* One guest workload and how much of it a pass runs. */
typedef struct BenchWl {
    const char *name;     /* "crypto" */
    uint32_t id;          /* HS_WL_* */
    uint32_t n;           /* workload iterations per pass */
    const char *unit;     /* what one workload iteration is */
    size_t scratch_bytes; /* the native loop's scratch */
    uint64_t (*native)(uint32_t n, void *scratch); /* host build */
} BenchWl;

/* Counts give each part about 3 M guest instructions per pass (36 k,
 * 185 k, 355 k and 966 k instructions per workload iteration). */
static const BenchWl wl_crypto_desc = {
    "crypto", HS_WL_CRYPTO, 80, "packets", WL_CRYPTO_SCRATCH_BYTES, wl_crypto,
};
static const BenchWl wl_voice_desc = {
    "voice", HS_WL_VOICE, 16, "frames", WL_VOICE_SCRATCH_BYTES, wl_voice,
};
static const BenchWl wl_mail_desc = {
    "mail", HS_WL_MAIL, 8, "messages", WL_MAIL_SCRATCH_BYTES, wl_mail,
};
static const BenchWl wl_ui_desc = {
    "ui", HS_WL_UI, 3, "frames", WL_UI_FB_BYTES, wl_ui,
};

/* What one benchmark runs per pass: one workload, or the mix. */
typedef struct BenchCase {
    const char *name;                /* "crypto", "mix" */
    const BenchWl *parts[MAX_PARTS]; /* run in this order */
    size_t n_parts;                  /* entries used */
} BenchCase;

static const BenchCase cases[] = {
    {"crypto", {&wl_crypto_desc}, 1},
    {"voice", {&wl_voice_desc}, 1},
    {"mail", {&wl_mail_desc}, 1},
    {"ui", {&wl_ui_desc}, 1},
    {"mix", {&wl_crypto_desc, &wl_voice_desc, &wl_mail_desc, &wl_ui_desc}, 4},
};

/* Everything one benchmark run owns. */
typedef struct GuestRun {
    const BenchCase *bc;        /* what runs */
    GuestMem *mem;              /* the domain's memory */
    ElfImage img;               /* the loaded image */
    bool img_loaded;            /* img needs freeing */
    Vcpu *vcpu;                 /* one vCPU, booted */
    VcpuStdCalls std;           /* its platform calls */
    void *scratch[MAX_PARTS];   /* native scratch per part */
    uint64_t expect[MAX_PARTS]; /* reference check values */
    uint64_t insns[MAX_PARTS];  /* guest instructions per part */
    char err[512];              /* why the run failed */
} GuestRun;

/* Finds the domain image; returns 0 with the path in buf, or -1 with
 * the last place tried in buf. */
static int find_image(char *buf, size_t size)
{
    const char *env = getenv("HANDSET_GUEST_IMAGE");
    if (env && *env) {
        snprintf(buf, size, "%s", env);
        return access(buf, R_OK) == 0 ? 0 : -1;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            snprintf(buf, size, "%s/../guest/domain.elf", exe);
            if (access(buf, R_OK) == 0)
                return 0;
        }
    }
    snprintf(buf, size, "%s/guest/domain.elf", HS_DATADIR);
    return access(buf, R_OK) == 0 ? 0 : -1;
}

/* Runs the entered handler to its end. Returns 0, or -1 with a message
 * naming what (a fault with its PC, an exit, an API error). */
static int run_to_end(GuestRun *r, const char *what)
{
    for (;;) {
        VcpuRunResult res = vcpu_run(r->vcpu, SLICE_INSNS);
        if (res == VCPU_RUN_DONE)
            return 0;
        if (res == VCPU_RUN_PREEMPTED || res == VCPU_RUN_BLOCKED)
            continue; /* nothing else waits for the CPU */
        if (res == VCPU_RUN_FAULT) {
            char line[256];
            vcpu_fault_format(vcpu_fault(r->vcpu), line, sizeof line);
            snprintf(r->err, sizeof r->err, "%s: guest fault: %s", what, line);
        } else if (res == VCPU_RUN_EXITED) {
            snprintf(r->err, sizeof r->err, "%s: the guest exited (%llu)", what,
                     (unsigned long long)vcpu_exit_status(r->vcpu));
        } else {
            snprintf(r->err, sizeof r->err, "%s: %s", what,
                     vcpu_last_error(r->vcpu));
        }
        return -1;
    }
}

/* Runs part i on the vCPU; returns 0 with its check value, or -1. */
static int guest_part(GuestRun *r, size_t i, uint64_t *check)
{
    const BenchWl *w = r->bc->parts[i];
    if (vcpu_enter(r->vcpu, HS_EV_WORKLOAD, w->id, w->n) < 0) {
        snprintf(r->err, sizeof r->err, "%s: %s", w->name,
                 vcpu_last_error(r->vcpu));
        return -1;
    }
    if (run_to_end(r, w->name) < 0)
        return -1;
    *check = vcpu_result(r->vcpu);
    return 0;
}

/* One guest pass, checked against the reference values and the warm-up
 * instruction counts. Returns 0, or -1 with a message in r->err. */
static int guest_pass(GuestRun *r)
{
    for (size_t i = 0; i < r->bc->n_parts; i++) {
        const BenchWl *w = r->bc->parts[i];
        uint64_t check;
        if (guest_part(r, i, &check) < 0)
            return -1;
        if (check != r->expect[i]) {
            snprintf(r->err, sizeof r->err,
                     "%s: guest check 0x%016llx, host reference 0x%016llx",
                     w->name, (unsigned long long)check,
                     (unsigned long long)r->expect[i]);
            return -1;
        }
        uint64_t insns = vcpu_handler_instructions(r->vcpu);
        if (insns != r->insns[i]) {
            snprintf(r->err, sizeof r->err,
                     "%s: %llu guest instructions, %llu in the warm-up pass",
                     w->name, (unsigned long long)insns,
                     (unsigned long long)r->insns[i]);
            return -1;
        }
    }
    return 0;
}

/* One native pass; every check value must equal the reference. Returns 0
 * or -1 with a message in r->err. */
static int native_pass(GuestRun *r)
{
    for (size_t i = 0; i < r->bc->n_parts; i++) {
        const BenchWl *w = r->bc->parts[i];
        uint64_t check = w->native(w->n, r->scratch[i]);
        if (check != r->expect[i]) {
            snprintf(r->err, sizeof r->err,
                     "%s: native check 0x%016llx, first run 0x%016llx", w->name,
                     (unsigned long long)check,
                     (unsigned long long)r->expect[i]);
            return -1;
        }
    }
    return 0;
}

static void run_close(GuestRun *r)
{
    if (r->vcpu)
        vcpu_free(r->vcpu);
    if (r->img_loaded)
        elf_image_free(&r->img);
    if (r->mem)
        guest_mem_unref(r->mem);
    vcpu_std_calls_free(&r->std);
    for (size_t i = 0; i < MAX_PARTS; i++)
        free(r->scratch[i]);
}

/*
 * Sets up a run of bc: native scratch and reference values (one native
 * pass), and, if with_guest, the domain booted on a vCPU (uncounted: one
 * without accounting) and one untimed guest pass (translates the code,
 * checks the values, records the instruction counts, all 0 uncounted).
 * Returns 0, or -1 with a message in r->err; call run_close either way.
 */
static int run_open(GuestRun *r, const BenchCase *bc, bool with_guest,
                    bool uncounted)
{
    memset(r, 0, sizeof *r);
    r->bc = bc;
    vcpu_std_calls_init(&r->std);
    for (size_t i = 0; i < bc->n_parts; i++) {
        const BenchWl *w = bc->parts[i];
        r->scratch[i] = aligned_alloc(16, (w->scratch_bytes + 15) & ~15ul);
        if (!r->scratch[i]) {
            snprintf(r->err, sizeof r->err, "out of memory");
            return -1;
        }
        r->expect[i] = w->native(w->n, r->scratch[i]);
    }
    if (!with_guest)
        return 0;

    char path[PATH_MAX + 32];
    if (find_image(path, sizeof path) < 0) {
        snprintf(r->err, sizeof r->err,
                 "no guest image (%.300s): build it with make, or set "
                 "HANDSET_GUEST_IMAGE",
                 path);
        return -1;
    }
    r->mem = guest_mem_new(NULL);
    if (!r->mem) {
        snprintf(r->err, sizeof r->err, "out of memory");
        return -1;
    }
    if (elf_load_domain(path, r->mem, &r->img, r->err, sizeof r->err) < 0)
        return -1;
    r->img_loaded = true;
    uint64_t entry = r->img.entry;
    elf_symbol(&r->img, "hs_entry", &entry);
    VcpuConfig cfg = {.core = vcpu_core_type_find("little"),
                      .entry_pc = entry,
                      .uncounted = uncounted};
    r->vcpu = vcpu_new(r->mem, &cfg, r->err, sizeof r->err);
    if (!r->vcpu)
        return -1;
    vcpu_set_trap(r->vcpu, vcpu_std_trap, &r->std);
    if (vcpu_enter(r->vcpu, HS_EV_BOOT, 0, 0) < 0) {
        snprintf(r->err, sizeof r->err, "boot: %s", vcpu_last_error(r->vcpu));
        return -1;
    }
    if (run_to_end(r, "boot") < 0)
        return -1;
    if (vcpu_result(r->vcpu) != 0) {
        snprintf(r->err, sizeof r->err, "boot returned %lld",
                 (long long)vcpu_result(r->vcpu));
        return -1;
    }
    for (size_t i = 0; i < bc->n_parts; i++) {
        uint64_t check;
        if (guest_part(r, i, &check) < 0)
            return -1;
        r->insns[i] = vcpu_handler_instructions(r->vcpu);
    }
    return guest_pass(r);
}

/* "80 packets", or "mix" for several parts. */
static void set_label(GbenchState *st, const BenchCase *bc)
{
    char label[64];
    const BenchWl *w = bc->parts[0];
    if (bc->n_parts == 1)
        snprintf(label, sizeof label, "%u %s", w->n, w->unit);
    else
        snprintf(label, sizeof label, "%zu workloads", bc->n_parts);
    gbench_set_label(st, label);
}

static void bm_guest(GbenchState *st, void *ctx)
{
    GuestRun r;
    if (run_open(&r, ctx, true, false) < 0) {
        gbench_skip_with_error(st, r.err);
        run_close(&r);
        return;
    }
    uint64_t insns0 = vcpu_instructions(r.vcpu);
    uint64_t cycles0 = vcpu_cycles(r.vcpu);
    hs_time t0 = vcpu_local_time(r.vcpu);
    while (gbench_keep_running(st)) {
        if (guest_pass(&r) < 0) {
            gbench_skip_with_error(st, r.err);
            break;
        }
    }
    if (!gbench_error_occurred(st)) {
        uint64_t insns = vcpu_instructions(r.vcpu) - insns0;
        uint64_t cycles = vcpu_cycles(r.vcpu) - cycles0;
        hs_time sim_ps = vcpu_local_time(r.vcpu) - t0;
        if (cycles < insns || sim_ps == 0) { /* CPI >= 1 on every core */
            gbench_skip_with_error(st, "cycle accounting is off");
            run_close(&r);
            return;
        }
        gbench_set_items_processed(st, (int64_t)insns);
        gbench_counter(st, "MIPS", (double)insns / 1e6, GBENCH_COUNTER_RATE);
        gbench_counter(st, "sim_x", (double)sim_ps / (double)HS_S,
                       GBENCH_COUNTER_RATE);
        set_label(st, r.bc);
    }
    run_close(&r);
}

static void bm_guest_bare(GbenchState *st, void *ctx)
{
    GuestRun r;
    uint64_t per_pass = 0;
    if (run_open(&r, ctx, true, false) < 0) {
        gbench_skip_with_error(st, r.err);
        run_close(&r);
        return;
    }
    for (size_t i = 0; i < r.bc->n_parts; i++)
        per_pass += r.insns[i];
    run_close(&r);
    if (run_open(&r, ctx, true, true) < 0) {
        gbench_skip_with_error(st, r.err);
        run_close(&r);
        return;
    }
    while (gbench_keep_running(st)) {
        if (guest_pass(&r) < 0) {
            gbench_skip_with_error(st, r.err);
            break;
        }
    }
    if (!gbench_error_occurred(st)) {
        if (vcpu_instructions(r.vcpu) != 0) { /* the hook would be there */
            gbench_skip_with_error(st, "the uncounted vCPU counted");
            run_close(&r);
            return;
        }
        double insns = (double)per_pass * (double)gbench_iterations(st);
        gbench_set_items_processed(st, (int64_t)insns);
        gbench_counter(st, "MIPS", insns / 1e6, GBENCH_COUNTER_RATE);
        set_label(st, r.bc);
    }
    run_close(&r);
}

static void bm_native(GbenchState *st, void *ctx)
{
    GuestRun r;
    if (run_open(&r, ctx, false, false) < 0) {
        gbench_skip_with_error(st, r.err);
        run_close(&r);
        return;
    }
    while (gbench_keep_running(st)) {
        if (native_pass(&r) < 0) {
            gbench_skip_with_error(st, r.err);
            break;
        }
    }
    if (!gbench_error_occurred(st))
        set_label(st, r.bc);
    run_close(&r);
}

/* CPU time of the calling thread, nanoseconds (Google Benchmark's CPU
 * time is per thread too). */
static uint64_t thread_cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void bm_guest_vs_native(GbenchState *st, void *ctx)
{
    GuestRun r;
    if (run_open(&r, ctx, true, false) < 0) {
        gbench_skip_with_error(st, r.err);
        run_close(&r);
        return;
    }
    uint64_t guest_ns = 0, native_ns = 0;
    while (gbench_keep_running(st)) {
        uint64_t t0 = thread_cpu_ns();
        if (guest_pass(&r) < 0) {
            gbench_skip_with_error(st, r.err);
            break;
        }
        uint64_t t1 = thread_cpu_ns();
        /* untimed: brings the native data back into the caches the
         * guest pass used, as in native/<wl> */
        if (native_pass(&r) < 0) {
            gbench_skip_with_error(st, r.err);
            break;
        }
        t1 = thread_cpu_ns();
        if (native_pass(&r) < 0) {
            gbench_skip_with_error(st, r.err);
            break;
        }
        uint64_t t2 = thread_cpu_ns();
        guest_ns += t1 - t0;
        native_ns += t2 - t1;
    }
    if (!gbench_error_occurred(st)) {
        if (native_ns == 0) {
            gbench_skip_with_error(st, "native time not measurable");
        } else {
            gbench_counter(st, "guest_over_native",
                           (double)guest_ns / (double)native_ns,
                           GBENCH_COUNTER_PLAIN);
            gbench_counter(st, "guest_ms", (double)guest_ns / 1e6,
                           GBENCH_COUNTER_PER_ITERATION);
            gbench_counter(st, "native_ms", (double)native_ns / 1e6,
                           GBENCH_COUNTER_PER_ITERATION);
            set_label(st, r.bc);
        }
    }
    run_close(&r);
}

GBENCH_INIT(register_guest)
{
    static const struct {
        const char *area;
        GbenchFunc fn;
        GbenchUnit unit;
        double min_time_s; /* 0: --benchmark_min_time */
    } kinds[] = {
        {"guest", bm_guest, GBENCH_MS, 0},
        {"guest_bare", bm_guest_bare, GBENCH_MS, 0},
        {"native", bm_native, GBENCH_US, 0},
        /* repeats the other two's work: a shorter run keeps make bench
         * under two minutes, and the ratio's cv stays about 1 % */
        {"guest_vs_native", bm_guest_vs_native, GBENCH_MS, 0.25},
    };
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            char name[64];
            snprintf(name, sizeof name, "%s/%s", kinds[k].area, cases[i].name);
            /* the context is read-only: every run builds its own state */
            GbenchBenchmark *b =
                gbench_register(name, kinds[k].fn, (void *)&cases[i]);
            gbench_unit(b, kinds[k].unit);
            if (kinds[k].min_time_s > 0)
                gbench_min_time(b, kinds[k].min_time_s);
        }
    }
}
