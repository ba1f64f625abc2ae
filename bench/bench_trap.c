/*
 * bench_trap.c - trap benchmarks: what one exit from guest code to the
 * host and back costs on the vCPU.
 *
 * trap/mmio_write  guest store -> Bus -> device write callback -> resume
 * trap/mmio_read   guest load -> device read callback -> value in the
 *                  register -> resume
 * trap/hvc         platform call: HVC -> trap handler -> result in x0 ->
 *                  resume, without leaving vcpu_run (non-blocking calls
 *                  such as LOG or CLOCK)
 * trap/hvc_block   blocking platform call: HVC -> trap handler says
 *                  block -> vcpu_run returns to the host -> vcpu_run
 *                  resumes after the call (YIELD, SLEEP_UNTIL)
 * trap/event       event delivery: vcpu_enter + vcpu_run of a handler
 *                  that returns at once (what every guest event costs
 *                  before the guest does any work)
 *
 * The guests are a few hand-encoded AArch64 instructions at HS_RAM_BASE:
 * a loop of BATCH accesses or calls (2-3 plain instructions besides the
 * access itself). items_per_second is round trips per CPU second. Each
 * benchmark checks the count of callbacks and the values that went each
 * way (device sums, handler sums, the guest's returned sum) after every
 * iteration, and reports an error instead of a figure if one is wrong.
 */
#include <stdio.h>
#include <string.h>

#include "bench/gbench.h"
#include "bus/bus.h"
#include "cpu/vcpu.h"
#include "platform.h"

/* Round trips per benchmark iteration. */
#define BATCH 1000
/* Register offset the probe device is accessed at. */
#define PROBE_REG 0x10

/* ---- a few AArch64 encodings ---------------------------------------- */

static uint32_t movz(int rd, uint32_t imm16, int hw)
{
    return 0xd2800000u | (uint32_t)hw << 21 | (imm16 & 0xffff) << 5 |
           (uint32_t)rd;
}
static uint32_t movk(int rd, uint32_t imm16, int hw)
{
    return 0xf2800000u | (uint32_t)hw << 21 | (imm16 & 0xffff) << 5 |
           (uint32_t)rd;
}
static uint32_t hvc(uint32_t imm)
{
    return 0xd4000002u | (imm & 0xffff) << 5;
}
static uint32_t subs_imm(int rd, int rn, uint32_t imm)
{
    return 0xf1000000u | imm << 10 | (uint32_t)rn << 5 | (uint32_t)rd;
}
static uint32_t add_reg(int rd, int rn, int rm) /* add xd, xn, xm */
{
    return 0x8b000000u | (uint32_t)rm << 16 | (uint32_t)rn << 5 | (uint32_t)rd;
}
static uint32_t mov_reg(int rd, int rm) /* orr xd, xzr, xm */
{
    return 0xaa0003e0u | (uint32_t)rm << 16 | (uint32_t)rd;
}
static uint32_t bne(int insns) /* relative, in instructions */
{
    return 0x54000001u | ((uint32_t)insns & 0x7ffff) << 5;
}
static uint32_t str_w(int rt, int rn, uint32_t off) /* off multiple of 4 */
{
    return 0xb9000000u | (off / 4) << 10 | (uint32_t)rn << 5 | (uint32_t)rt;
}
static uint32_t ldr_w(int rt, int rn, uint32_t off)
{
    return 0xb9400000u | (off / 4) << 10 | (uint32_t)rn << 5 | (uint32_t)rt;
}
#define RET 0xd65f03c0u

/* A guest program being assembled (loaded at HS_RAM_BASE). */
typedef struct Prog {
    uint32_t w[32]; /* instruction words */
    int n;          /* words used */
} Prog;

static int emit(Prog *p, uint32_t word)
{
    p->w[p->n] = word;
    return p->n++;
}

/* Loads a 64-bit constant into rd (4 instructions). */
static void emit_const(Prog *p, int rd, uint64_t v)
{
    emit(p, movz(rd, (uint32_t)v, 0));
    for (int hw = 1; hw < 4; hw++)
        emit(p, movk(rd, (uint32_t)(v >> (16 * hw)), hw));
}

/* Closes a loop whose body starts at top: x10 -= 1, loop while not 0. */
static void emit_loop_end(Prog *p, int top)
{
    emit(p, subs_imm(10, 10, 1));
    emit(p, bne(top - p->n));
}

/* ---- the probe device ------------------------------------------------ */

/* A device that counts accesses and sums what crosses the bus. */
typedef struct Probe {
    Device dev;         /* base: must be first */
    uint64_t writes;    /* write callbacks */
    uint64_t write_sum; /* sum of the values written */
    uint64_t reads;     /* read callbacks */
    uint64_t read_sum;  /* sum of the values returned */
    uint64_t bad;       /* accesses at another offset or size */
} Probe;

static uint64_t probe_read(Device *dev, uint64_t off, unsigned size,
                           const BusAccess *acc)
{
    Probe *p = (Probe *)dev;
    (void)acc;
    if (off != PROBE_REG || size != 4)
        p->bad++;
    p->reads++;
    p->read_sum += p->reads; /* answers 1, 2, 3, ... */
    return p->reads;
}

static void probe_write(Device *dev, uint64_t off, uint64_t value,
                        unsigned size, const BusAccess *acc)
{
    Probe *p = (Probe *)dev;
    (void)acc;
    if (off != PROBE_REG || size != 4)
        p->bad++;
    p->writes++;
    p->write_sum += value;
}

static const DeviceOps probe_ops = {
    .type = "probe",
    .read = probe_read,
    .write = probe_write,
};

/* ---- the platform-call handler ---------------------------------------- */

/* What the handler saw. */
typedef struct Calls {
    VcpuTrapAction action; /* what every call answers */
    unsigned expect;       /* the HS_PC_* the guest makes */
    uint64_t n;            /* calls */
    uint64_t arg_sum;      /* sum of x0 of the calls */
    uint64_t bad;          /* calls with another number */
} Calls;

/* Counts the call and answers x0 + 1. */
static VcpuTrapAction count_trap(void *ctx, Vcpu *v, const VcpuTrap *t,
                                 uint64_t *ret)
{
    Calls *c = ctx;
    (void)v;
    if (t->call != c->expect)
        c->bad++;
    c->n++;
    c->arg_sum += t->args[0];
    *ret = t->args[0] + 1;
    return c->action;
}

/* ---- fixture ------------------------------------------------------------ */

/* One benchmark run's guest: memory, the probe on a bus, a vCPU. */
typedef struct Rig {
    GuestMem *mem;
    Bus bus;
    Probe probe;
    Calls calls;
    Vcpu *vcpu;
    char err[256]; /* why the run failed */
} Rig;

/* Loads p at HS_RAM_BASE and creates the vCPU (entry there) with the
 * probe mapped at HS_MMIO_TIMER and count_trap installed. Returns 0, or
 * -1 with a message in rig->err; call rig_close either way. */
static int rig_open(Rig *rig, const Prog *p, unsigned call,
                    VcpuTrapAction action)
{
    memset(rig, 0, sizeof *rig);
    bus_init(&rig->bus);
    device_init(&rig->probe.dev, &probe_ops, "probe");
    rig->calls = (Calls){.action = action, .expect = call};
    if (bus_map(&rig->bus, &rig->probe.dev, HS_MMIO_TIMER, 0x100) < 0) {
        snprintf(rig->err, sizeof rig->err, "cannot map the probe");
        return -1;
    }
    rig->mem = guest_mem_new(NULL);
    if (!rig->mem) {
        snprintf(rig->err, sizeof rig->err, "out of memory");
        return -1;
    }
    if (guest_mem_write(rig->mem, HS_RAM_BASE, p->w, (size_t)p->n * 4) < 0) {
        snprintf(rig->err, sizeof rig->err, "cannot load the program");
        return -1;
    }
    VcpuConfig cfg = {.core = vcpu_core_type_find("little"),
                      .entry_pc = HS_RAM_BASE,
                      .bus = &rig->bus};
    rig->vcpu = vcpu_new(rig->mem, &cfg, rig->err, sizeof rig->err);
    if (!rig->vcpu)
        return -1;
    vcpu_set_trap(rig->vcpu, count_trap, &rig->calls);
    return 0;
}

static void rig_close(Rig *rig)
{
    if (rig->vcpu)
        vcpu_free(rig->vcpu);
    if (rig->mem)
        guest_mem_unref(rig->mem);
    bus_free(&rig->bus);
}

/* Delivers an event with a0 = BATCH and runs it to the end, resuming
 * after blocking calls. Returns the number of times vcpu_run returned
 * VCPU_RUN_BLOCKED, or -1 with a message in rig->err. */
static int64_t rig_run(Rig *rig, uint64_t *result)
{
    if (vcpu_enter(rig->vcpu, HS_EV_CALL, BATCH, 0) < 0) {
        snprintf(rig->err, sizeof rig->err, "%s", vcpu_last_error(rig->vcpu));
        return -1;
    }
    int64_t blocked = 0;
    for (;;) {
        VcpuRunResult r = vcpu_run(rig->vcpu, 1u << 20);
        if (r == VCPU_RUN_DONE)
            break;
        if (r == VCPU_RUN_BLOCKED) {
            blocked++;
            continue;
        }
        if (r == VCPU_RUN_FAULT)
            vcpu_fault_format(vcpu_fault(rig->vcpu), rig->err, sizeof rig->err);
        else
            snprintf(rig->err, sizeof rig->err, "vcpu_run returned %d", r);
        return -1;
    }
    *result = vcpu_result(rig->vcpu);
    return blocked;
}

/* Runs the timed loop: one rig_run per iteration, then check(rig,
 * result, blocked, iterations so far) must return NULL (or a message). */
typedef const char *(*CheckFunc)(const Rig *rig, uint64_t result,
                                 int64_t blocked, uint64_t iterations);

static void run_batches(GbenchState *st, const Prog *p, unsigned call,
                        VcpuTrapAction action, CheckFunc check)
{
    Rig rig;
    if (rig_open(&rig, p, call, action) < 0) {
        gbench_skip_with_error(st, rig.err);
        rig_close(&rig);
        return;
    }
    uint64_t done = 0;
    while (gbench_keep_running(st)) {
        uint64_t result = 0;
        int64_t blocked = rig_run(&rig, &result);
        const char *msg =
            blocked < 0 ? rig.err : check(&rig, result, blocked, ++done);
        if (msg) {
            gbench_skip_with_error(st, msg);
            break;
        }
    }
    if (!gbench_error_occurred(st))
        gbench_set_items_processed(st, gbench_iterations(st) * BATCH);
    rig_close(&rig);
}

/* Sum 1 + 2 + ... + n. */
static uint64_t tri(uint64_t n)
{
    return n * (n + 1) / 2;
}

/* ---- the benchmarks ------------------------------------------------------ */

/* x9 = probe; for x10 = BATCH..1: store w10 to the probe. Each batch
 * writes BATCH values summing to tri(BATCH). */
static const char *check_mmio_write(const Rig *rig, uint64_t result,
                                    int64_t blocked, uint64_t it)
{
    (void)result;
    const Probe *p = &rig->probe;
    if (blocked || p->bad || p->reads || p->writes != it * BATCH ||
        p->write_sum != it * tri(BATCH))
        return "the device did not see each store once with its value";
    return NULL;
}

static void bm_mmio_write(GbenchState *st, void *ctx)
{
    (void)ctx;
    Prog p = {0};
    emit_const(&p, 9, HS_MMIO_TIMER);
    emit(&p, mov_reg(10, 1));
    int top = emit(&p, str_w(10, 9, PROBE_REG));
    emit_loop_end(&p, top);
    emit(&p, RET);
    run_batches(st, &p, 0, VCPU_TRAP_CONTINUE, check_mmio_write);
}

/* x0 = 0; for BATCH times: load w11 from the probe, x0 += x11. The probe
 * answers 1, 2, 3, ... so the guest returns what the probe handed out in
 * this batch. */
static const char *check_mmio_read(const Rig *rig, uint64_t result,
                                   int64_t blocked, uint64_t it)
{
    const Probe *p = &rig->probe;
    if (blocked || p->bad || p->writes || p->reads != it * BATCH ||
        p->read_sum != tri(it * BATCH) ||
        result != tri(it * BATCH) - tri((it - 1) * BATCH))
        return "the guest did not read each value the device returned";
    return NULL;
}

static void bm_mmio_read(GbenchState *st, void *ctx)
{
    (void)ctx;
    Prog p = {0};
    emit_const(&p, 9, HS_MMIO_TIMER);
    emit(&p, mov_reg(10, 1));
    emit(&p, movz(0, 0, 0));
    int top = emit(&p, ldr_w(11, 9, PROBE_REG));
    emit(&p, add_reg(0, 0, 11));
    emit_loop_end(&p, top);
    emit(&p, RET);
    run_batches(st, &p, 0, VCPU_TRAP_CONTINUE, check_mmio_read);
}

/* x19 = 0; for x10 = BATCH..1: x0 = x10; hvc; x19 += x0. The handler
 * answers x0 + 1, so the guest returns tri(BATCH) + BATCH. */
static const char *check_hvc(const Rig *rig, uint64_t result, int64_t blocked,
                             uint64_t it, bool blocking)
{
    const Calls *c = &rig->calls;
    if (c->bad || c->n != it * BATCH || c->arg_sum != it * tri(BATCH) ||
        result != tri(BATCH) + BATCH || blocked != (blocking ? BATCH : 0))
        return "the handler did not see each call once, or its answers "
               "did not reach the guest";
    return NULL;
}

static const char *check_hvc_continue(const Rig *rig, uint64_t result,
                                      int64_t blocked, uint64_t it)
{
    return check_hvc(rig, result, blocked, it, false);
}

static const char *check_hvc_block(const Rig *rig, uint64_t result,
                                   int64_t blocked, uint64_t it)
{
    return check_hvc(rig, result, blocked, it, true);
}

static void hvc_prog(Prog *p, unsigned call)
{
    emit(p, mov_reg(10, 1));
    emit(p, movz(19, 0, 0));
    int top = emit(p, mov_reg(0, 10));
    emit(p, hvc(call));
    emit(p, add_reg(19, 19, 0));
    emit_loop_end(p, top);
    emit(p, mov_reg(0, 19));
    emit(p, RET);
}

static void bm_hvc(GbenchState *st, void *ctx)
{
    (void)ctx;
    Prog p = {0};
    hvc_prog(&p, HS_PC_LOG);
    run_batches(st, &p, HS_PC_LOG, VCPU_TRAP_CONTINUE, check_hvc_continue);
}

static void bm_hvc_block(GbenchState *st, void *ctx)
{
    (void)ctx;
    Prog p = {0};
    hvc_prog(&p, HS_PC_YIELD);
    run_batches(st, &p, HS_PC_YIELD, VCPU_TRAP_BLOCK, check_hvc_block);
}

/* A handler that returns a0 + a1 at once, entered BATCH times per
 * iteration with different arguments. */
static void bm_event(GbenchState *st, void *ctx)
{
    (void)ctx;
    Prog p = {0};
    emit(&p, add_reg(0, 1, 2));
    emit(&p, RET);
    Rig rig;
    if (rig_open(&rig, &p, 0, VCPU_TRAP_CONTINUE) < 0) {
        gbench_skip_with_error(st, rig.err);
        rig_close(&rig);
        return;
    }
    uint64_t insns0 = vcpu_instructions(rig.vcpu);
    while (gbench_keep_running(st)) {
        uint64_t sum = 0;
        for (uint64_t i = 0; i < BATCH; i++) {
            if (vcpu_enter(rig.vcpu, HS_EV_TIMER, i, 7) < 0 ||
                vcpu_run(rig.vcpu, 100) != VCPU_RUN_DONE) {
                gbench_skip_with_error(st, "a trivial handler did not run");
                break;
            }
            sum += vcpu_result(rig.vcpu);
        }
        if (gbench_error_occurred(st))
            break;
        if (sum != tri(BATCH - 1) + 7 * BATCH) {
            gbench_skip_with_error(st, "wrong handler results");
            break;
        }
    }
    if (!gbench_error_occurred(st)) {
        uint64_t events = (uint64_t)gbench_iterations(st) * BATCH;
        if (vcpu_instructions(rig.vcpu) - insns0 != 2 * events)
            gbench_skip_with_error(st, "wrong instruction count");
        else
            gbench_set_items_processed(st, (int64_t)events);
    }
    rig_close(&rig);
}

GBENCH_INIT(register_trap)
{
    gbench_unit(gbench_register("trap/mmio_write", bm_mmio_write, NULL),
                GBENCH_US);
    gbench_unit(gbench_register("trap/mmio_read", bm_mmio_read, NULL),
                GBENCH_US);
    gbench_unit(gbench_register("trap/hvc", bm_hvc, NULL), GBENCH_US);
    gbench_unit(gbench_register("trap/hvc_block", bm_hvc_block, NULL),
                GBENCH_US);
    gbench_unit(gbench_register("trap/event", bm_event, NULL), GBENCH_US);
}
