/*
 * test_vcpu.c - the vCPU with tiny guests written as instruction words:
 * return values and the entry convention, exact instruction counts under
 * any slicing, platform calls (HVC numbers, blocking, exit), MMIO
 * dispatch with local timestamps, clock changes, FP/SIMD, and faults
 * (unmapped access, undefined instruction, missing device, watchdog).
 */
#include "harness.h"

#include <stdio.h>
#include <string.h>

#include <unicorn/unicorn.h>

#include "cpu/vcpu.h"
#include "platform.h"

/* ---- a few AArch64 encodings ----------------------------------------- */
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
static uint32_t bne(int insns) /* relative, in instructions */
{
    return 0x54000001u | ((uint32_t)insns & 0x7ffff) << 5;
}
static uint32_t b(int insns)
{
    return 0x14000000u | ((uint32_t)insns & 0x3ffffff);
}
static uint32_t str_w(int rt, int rn, uint32_t off) /* off multiple of 4 */
{
    return 0xb9000000u | (off / 4) << 10 | (uint32_t)rn << 5 | (uint32_t)rt;
}
static uint32_t ldr_w(int rt, int rn, uint32_t off)
{
    return 0xb9400000u | (off / 4) << 10 | (uint32_t)rn << 5 | (uint32_t)rt;
}
static uint32_t ldr_x(int rt, int rn, uint32_t off) /* off multiple of 8 */
{
    return 0xf9400000u | (off / 8) << 10 | (uint32_t)rn << 5 | (uint32_t)rt;
}
static uint32_t mov_x(int rd, int rm) /* orr rd, xzr, rm */
{
    return 0xaa0003e0u | (uint32_t)rm << 16 | (uint32_t)rd;
}
#define ADD_X0_X1_X2 0x8b020020u
#define ADD_X0_X0_X21 0x8b150000u
#define BLR_X1 0xd63f0020u
#define RET 0xd65f03c0u
#define UDF 0x00000000u
#define SCVTF_D0_X1 0x9e620020u
#define FADD_D0_D0_D0 0x1e602800u
#define FCVTZS_X0_D0 0x9e780000u

/* A guest program being assembled at HS_RAM_BASE. */
typedef struct Prog {
    uint32_t w[4096];
    int n;
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

/* 1500 MHz at CPI 1.5: exactly 1000 ps per instruction on "little". */
#define KHZ_1NS 1500000u

typedef struct Fixture {
    GuestMem *mem;
    Vcpu *v;
    VcpuStdCalls std;
} Fixture;

static void setup(Fixture *f, const Prog *p, const Bus *bus, uint64_t wd)
{
    f->mem = guest_mem_new(NULL);
    assert_non_null(f->mem);
    assert_int_equal(
        guest_mem_write(f->mem, HS_RAM_BASE, p->w, (size_t)p->n * 4), 0);
    VcpuConfig cfg = {.domain = 3,
                      .core = vcpu_core_type_find("little"),
                      .freq_khz = KHZ_1NS,
                      .entry_pc = HS_RAM_BASE,
                      .watchdog_insns = wd,
                      .bus = bus};
    char err[256] = "";
    f->v = vcpu_new(f->mem, &cfg, err, sizeof err);
    if (!f->v)
        fail_msg("vcpu_new: %s", err);
    vcpu_std_calls_init(&f->std);
    vcpu_set_trap(f->v, vcpu_std_trap, &f->std);
}

static void teardown(Fixture *f)
{
    vcpu_free(f->v);
    guest_mem_unref(f->mem); /* the vCPU held its own reference */
    vcpu_std_calls_free(&f->std);
}

/* x0 = a0 + a1; the entry convention sets SP and LR. */
static void test_vcpu_return_value(void **state)
{
    (void)state;
    Prog p = {0};
    emit(&p, ADD_X0_X1_X2);
    emit(&p, RET);
    Fixture f;
    setup(&f, &p, NULL, 0);
    assert_int_equal(vcpu_state(f.v), VCPU_IDLE);
    assert_int_equal(vcpu_run(f.v, 100), VCPU_RUN_ERROR); /* not entered */
    assert_int_equal(vcpu_enter(f.v, HS_EV_WORKLOAD, 40, 2), 0);
    assert_int_equal(vcpu_reg(f.v, VCPU_REG_SP), HS_STACK_TOP);
    assert_int_equal(vcpu_reg(f.v, 30), HS_SENTINEL_ADDR);
    assert_int_equal(vcpu_reg(f.v, 0), HS_EV_WORKLOAD);
    assert_int_equal(vcpu_enter(f.v, HS_EV_BOOT, 0, 0), -1); /* busy */
    assert_int_equal(vcpu_run(f.v, 100), VCPU_RUN_DONE);
    assert_int_equal(vcpu_result(f.v), 42);
    assert_int_equal(vcpu_instructions(f.v), 2);
    assert_int_equal(vcpu_state(f.v), VCPU_IDLE);
    teardown(&f);
}

/* Two handlers in progress on one vCPU through contexts: A (a loop of a0
 * iterations, then x0 = a0 + a1) is preempted and saved, B runs in a
 * fresh context to its end, and A, restored, resumes where it stopped
 * with its own registers (its loop counter in x1, a0 kept in x3). */
static void test_vcpu_contexts(void **state)
{
    (void)state;
    Prog p = {0};
    emit(&p, mov_x(3, 1));
    int top = emit(&p, subs_imm(1, 1, 1));
    emit(&p, bne(top - p.n));
    emit(&p, 0x8b020060u); /* add x0, x3, x2 */
    emit(&p, RET);
    Fixture f;
    setup(&f, &p, NULL, 0);
    char err[160];
    VcpuContext *fresh = vcpu_context_new(f.v, err, sizeof err);
    VcpuContext *a = vcpu_context_new(f.v, err, sizeof err);
    assert_non_null(fresh);
    assert_non_null(a);
    assert_int_equal(vcpu_context_state(fresh), VCPU_IDLE);
    assert_int_equal(vcpu_enter(f.v, HS_EV_WORKLOAD, 100000, 5), 0);
    assert_int_equal(vcpu_run(f.v, 1000), VCPU_RUN_PREEMPTED);
    uint64_t left = vcpu_reg(f.v, 1);
    assert_true(left < 100000 && left > 0);
    assert_int_equal(vcpu_context_save(f.v, a), 0);
    assert_int_equal(vcpu_context_state(a), VCPU_READY);
    assert_int_equal(vcpu_context_restore(f.v, fresh), 0);
    assert_int_equal(vcpu_state(f.v), VCPU_IDLE);
    assert_int_equal(vcpu_enter(f.v, HS_EV_WORKLOAD, 10, 7), 0);
    assert_int_equal(vcpu_run(f.v, 100000), VCPU_RUN_DONE);
    assert_int_equal(vcpu_result(f.v), 17);
    assert_int_equal(vcpu_context_restore(f.v, a), 0);
    assert_int_equal(vcpu_state(f.v), VCPU_READY);
    assert_int_equal(vcpu_reg(f.v, 1), left);
    assert_int_equal(vcpu_reg(f.v, 3), 100000);
    assert_int_equal(vcpu_run(f.v, 1000000), VCPU_RUN_DONE);
    assert_int_equal(vcpu_result(f.v), 100005);
    vcpu_context_free(a);
    vcpu_context_free(fresh);
    teardown(&f);
}

/* A counted loop: 1 + 2 * iterations + 1 instructions. */
static void loop_prog(Prog *p, uint32_t iterations)
{
    emit(p, movz(9, iterations, 0));
    int top = emit(p, subs_imm(9, 9, 1));
    emit(p, bne(top - p->n));
    emit(p, RET);
}

/* Totals are exact and the same however the handler is sliced. */
static void test_vcpu_count_exact_any_slicing(void **state)
{
    (void)state;
    Prog p = {0};
    loop_prog(&p, 1000);
    const uint64_t expect = 2 + 2 * 1000;
    static const uint64_t budgets[] = {1000000, 1, 2, 7, 100, 1000};
    for (size_t i = 0; i < sizeof budgets / sizeof budgets[0]; i++) {
        Fixture f;
        setup(&f, &p, NULL, 0);
        assert_int_equal(vcpu_enter(f.v, HS_EV_BOOT, 0, 0), 0);
        VcpuRunResult r;
        int slices = 0;
        while ((r = vcpu_run(f.v, budgets[i])) == VCPU_RUN_PREEMPTED) {
            slices++;
            /* a slice stops at the first block boundary at or after the
             * budget: over by less than one block (2 here... or the
             * first block of 4) */
            assert_true(vcpu_handler_instructions(f.v) <=
                        (uint64_t)slices * (budgets[i] + 4));
        }
        assert_int_equal(r, VCPU_RUN_DONE);
        assert_int_equal(vcpu_handler_instructions(f.v), expect);
        assert_int_equal(vcpu_instructions(f.v), expect);
        assert_int_equal(vcpu_local_time(f.v), expect * 1000);
        if (budgets[i] < 100)
            assert_true(slices > 10);
        teardown(&f);
    }
}

/* Straight-line code longer than a translation block can hold (QEMU cuts
 * a block at 512 instructions, and at a page end): every instruction is
 * counted, including those of the blocks a full block was cut into, run
 * whole or sliced. */
static void test_vcpu_count_long_blocks(void **state)
{
    (void)state;
    Prog p = {0};
    enum { ADDS = 3000 }; /* crosses two 4 KiB pages and several cuts */
    emit(&p, movz(0, 0, 0));
    for (int i = 0; i < ADDS; i++)
        emit(&p, 0x91000400u); /* add x0, x0, #1 */
    emit(&p, RET);
    const uint64_t expect = 1 + ADDS + 1;
    static const uint64_t budgets[] = {1000000, 700, 1};
    for (size_t i = 0; i < sizeof budgets / sizeof budgets[0]; i++) {
        Fixture f;
        setup(&f, &p, NULL, 0);
        for (int round = 0; round < 2; round++) { /* translated, then cached */
            assert_int_equal(vcpu_enter(f.v, HS_EV_WORKLOAD, 0, 0), 0);
            VcpuRunResult r;
            while ((r = vcpu_run(f.v, budgets[i])) == VCPU_RUN_PREEMPTED)
                ;
            assert_int_equal(r, VCPU_RUN_DONE);
            assert_int_equal(vcpu_result(f.v), ADDS);
            assert_int_equal(vcpu_instructions(f.v), (round + 1) * expect);
        }
        teardown(&f);
    }
}

/* Doubling the clock halves the time of the same instructions; the
 * change applies from the point where it is made. */
static void test_vcpu_frequency_change(void **state)
{
    (void)state;
    Prog p = {0};
    loop_prog(&p, 500);
    Fixture f;
    setup(&f, &p, NULL, 0);
    assert_int_equal(vcpu_enter(f.v, HS_EV_BOOT, 0, 0), 0);
    assert_int_equal(vcpu_run(f.v, 1u << 20), VCPU_RUN_DONE);
    hs_time t1 = vcpu_local_time(f.v);
    assert_int_equal(t1, 1002 * 1000);
    vcpu_set_freq_khz(f.v, 2 * KHZ_1NS);
    assert_int_equal(vcpu_local_time(f.v), t1); /* no jump */
    assert_int_equal(vcpu_enter(f.v, HS_EV_BOOT, 0, 0), 0);
    assert_int_equal(vcpu_run(f.v, 1u << 20), VCPU_RUN_DONE);
    hs_time t2 = vcpu_local_time(f.v) - t1;
    assert_int_equal(t2 * 2, t1);
    assert_int_equal(vcpu_cycles(f.v), 2004 * 3 / 2);
    vcpu_set_time(f.v, 5 * HS_MS);
    assert_int_equal(vcpu_local_time(f.v), 5 * HS_MS);
    teardown(&f);
}

/* FP/SIMD is enabled for the guest: x0 = (long)((double)a0 * 2). */
static void test_vcpu_fp_enabled(void **state)
{
    (void)state;
    Prog p = {0};
    emit(&p, SCVTF_D0_X1);
    emit(&p, FADD_D0_D0_D0);
    emit(&p, FCVTZS_X0_D0);
    emit(&p, RET);
    Fixture f;
    setup(&f, &p, NULL, 0);
    assert_int_equal(vcpu_enter(f.v, HS_EV_BOOT, 21, 0), 0);
    assert_int_equal(vcpu_run(f.v, 100), VCPU_RUN_DONE);
    assert_int_equal(vcpu_result(f.v), 42);
    teardown(&f);
}

/* A trap handler that records calls and answers call * 10 + 1. */
typedef struct TrapLog {
    VcpuTrap traps[8];
    int n;
} TrapLog;

static VcpuTrapAction record_trap(void *ctx, Vcpu *v, const VcpuTrap *t,
                                  uint64_t *ret)
{
    TrapLog *log = ctx;
    (void)v;
    if (log->n < 8)
        log->traps[log->n++] = *t;
    *ret = (uint64_t)t->call * 10 + 1;
    return VCPU_TRAP_CONTINUE;
}

/* HVC immediates reach the trap with x0..x3 and the HVC's own PC; the
 * result lands in x0. */
static void test_vcpu_hvc_numbers(void **state)
{
    (void)state;
    Prog p = {0};
    emit(&p, movz(0, 7, 0));
    emit(&p, movz(1, 99, 0));
    emit(&p, movz(2, 5, 0));
    emit(&p, movz(3, 6, 0));
    int at = emit(&p, hvc(HS_PC_LOG));
    emit(&p, mov_x(19, 0));
    emit(&p, hvc(HS_PC_WAKELOCK_RELEASE));
    emit(&p, hvc(0x1234));
    emit(&p, ADD_X0_X1_X2); /* x1, x2 survive the calls */
    emit(&p, RET);
    Fixture f;
    setup(&f, &p, NULL, 0);
    TrapLog log = {0};
    vcpu_set_trap(f.v, record_trap, &log);
    assert_int_equal(vcpu_enter(f.v, HS_EV_BOOT, 0, 0), 0);
    assert_int_equal(vcpu_run(f.v, 1000), VCPU_RUN_DONE);
    assert_int_equal(log.n, 3);
    assert_int_equal(log.traps[0].call, HS_PC_LOG);
    assert_int_equal(log.traps[0].args[0], 7);
    assert_int_equal(log.traps[0].args[1], 99);
    assert_int_equal(log.traps[0].args[2], 5);
    assert_int_equal(log.traps[0].args[3], 6);
    assert_int_equal(log.traps[0].pc, HS_RAM_BASE + 4 * (uint64_t)at);
    assert_int_equal(log.traps[0].when, (uint64_t)(at + 1) * 1000);
    assert_int_equal(vcpu_reg(f.v, 19), HS_PC_LOG * 10 + 1);
    assert_int_equal(log.traps[1].call, HS_PC_WAKELOCK_RELEASE);
    assert_int_equal(log.traps[1].args[0], HS_PC_LOG * 10 + 1);
    assert_int_equal(log.traps[2].call, 0x1234);
    assert_int_equal(vcpu_result(f.v), 99 + 5);
    assert_int_equal(vcpu_platform_calls(f.v), 3);
    assert_int_equal(vcpu_instructions(f.v), (uint64_t)p.n);
    teardown(&f);
}

/* The standard handler: LOG recorded with its time, CLOCK from local
 * time, YIELD and SLEEP_UNTIL block and resume after the call, unknown
 * calls refused, EXIT ends the domain. */
static void test_vcpu_std_calls(void **state)
{
    (void)state;
    Prog p = {0};
    emit(&p, movz(0, HS_LOG_MARK, 0));
    emit(&p, movz(1, 77, 0));
    emit(&p, hvc(HS_PC_LOG));
    emit(&p, hvc(HS_PC_YIELD));
    emit(&p, movz(0, 5000, 0));
    emit(&p, hvc(HS_PC_SLEEP_UNTIL));
    emit(&p, hvc(HS_PC_CLOCK));
    emit(&p, mov_x(20, 0));
    emit(&p, hvc(0x777));
    emit(&p, mov_x(21, 0));
    emit(&p, movz(0, 3, 0));
    emit(&p, hvc(HS_PC_EXIT));
    emit(&p, RET);
    Fixture f;
    setup(&f, &p, NULL, 0);
    assert_int_equal(vcpu_enter(f.v, HS_EV_BOOT, 0, 0), 0);
    assert_int_equal(vcpu_run(f.v, 1000), VCPU_RUN_BLOCKED);
    assert_int_equal(vcpu_blocked_call(f.v), HS_PC_YIELD);
    assert_int_equal(f.std.log_len, 1);
    assert_int_equal(f.std.log[0].tag, HS_LOG_MARK);
    assert_int_equal(f.std.log[0].value, 77);
    assert_int_equal(f.std.log[0].when, 3000);
    assert_int_equal(vcpu_run(f.v, 1000), VCPU_RUN_BLOCKED);
    assert_int_equal(vcpu_blocked_call(f.v), HS_PC_SLEEP_UNTIL);
    assert_int_equal(f.std.sleep_until_ns, 5000);
    vcpu_set_time(f.v, 9 * HS_US); /* the approach wakes it at 9 us */
    assert_int_equal(vcpu_run(f.v, 1000), VCPU_RUN_EXITED);
    assert_int_equal(vcpu_exit_status(f.v), 3);
    assert_int_equal(vcpu_reg(f.v, 20), 9000 + 1); /* ns, after the HVC */
    assert_int_equal((int64_t)vcpu_reg(f.v, 21), HS_EINVAL);
    assert_int_equal(f.std.bad_calls, 1);
    assert_int_equal(vcpu_state(f.v), VCPU_EXITED);
    /* blocking stops do not lose or repeat instructions: all but the
     * final RET ran exactly once */
    assert_int_equal(vcpu_instructions(f.v), (uint64_t)p.n - 1);
    assert_int_equal(vcpu_run(f.v, 1000), VCPU_RUN_ERROR);
    assert_non_null(strstr(vcpu_last_error(f.v), "exited"));
    teardown(&f);
}

/* A test device that records its last access. */
typedef struct Probe {
    Device dev;
    uint64_t off[4], val[4];
    unsigned size[4];
    hs_time when[4];
    int domain[4];
    int n;
} Probe;

static void probe_note(Probe *pr, uint64_t off, uint64_t val, unsigned size,
                       const BusAccess *acc)
{
    if (pr->n >= 4)
        return;
    pr->off[pr->n] = off;
    pr->val[pr->n] = val;
    pr->size[pr->n] = size;
    pr->when[pr->n] = acc->when;
    pr->domain[pr->n] = acc->domain;
    pr->n++;
}

static uint64_t probe_read(Device *dev, uint64_t off, unsigned size,
                           const BusAccess *acc)
{
    probe_note((Probe *)dev, off, 0, size, acc);
    return 0xabcd0000u + off;
}

static void probe_write(Device *dev, uint64_t off, uint64_t val, unsigned size,
                        const BusAccess *acc)
{
    probe_note((Probe *)dev, off, val, size, acc);
}

static const DeviceOps probe_ops = {
    .type = "probe", .read = probe_read, .write = probe_write};

/* MMIO reaches the device with its offset, size, value, the domain and
 * a local time that grows with the instructions executed before it. */
static void test_vcpu_mmio_dispatch(void **state)
{
    (void)state;
    Bus bus;
    bus_init(&bus);
    Probe pr = {0};
    device_init(&pr.dev, &probe_ops, "probe");
    assert_int_equal(bus_map(&bus, &pr.dev, HS_MMIO_TIMER, 0x100), 0);
    Prog p = {0};
    emit_const(&p, 2, HS_MMIO_TIMER);
    emit(&p, movz(3, 0x1234, 0));
    emit(&p, str_w(3, 2, HS_TIMER_CMP64));
    loop_prog(&p, 100);
    p.n--; /* drop the loop's RET: continue after it */
    int before = 4 + 2 + 1 + 2 * 100;
    emit(&p, ldr_w(4, 2, HS_TIMER_NOW_HI));
    emit(&p, mov_x(0, 4));
    emit(&p, RET);
    Fixture f;
    setup(&f, &p, &bus, 0);
    vcpu_set_time(f.v, 7 * HS_US);
    assert_int_equal(vcpu_enter(f.v, HS_EV_BOOT, 0, 0), 0);
    assert_int_equal(vcpu_run(f.v, 100000), VCPU_RUN_DONE);
    assert_int_equal(pr.n, 2);
    assert_int_equal(pr.off[0], HS_TIMER_CMP64);
    assert_int_equal(pr.size[0], 4);
    assert_int_equal(pr.val[0], 0x1234);
    assert_int_equal(pr.domain[0], 3);
    assert_int_equal(pr.off[1], HS_TIMER_NOW_HI);
    assert_int_equal(pr.size[1], 4);
    assert_int_equal(vcpu_result(f.v), 0xabcd0000u + HS_TIMER_NOW_HI);
    /* stamps are the local time at the start of the accessing block */
    assert_int_equal(pr.when[0], 7 * HS_US);
    assert_int_equal(pr.when[1], 7 * HS_US + (hs_time)before * 1000);
    teardown(&f);
    bus_free(&bus);
}

/* Expects a fault of `kind`; checks the vCPU is dead and refuses runs,
 * and that the formatted line names the PC. */
static const VcpuFault *expect_fault(Fixture *f, VcpuRunResult r,
                                     VcpuFaultKind kind)
{
    assert_int_equal(r, VCPU_RUN_FAULT);
    const VcpuFault *fault = vcpu_fault(f->v);
    assert_non_null(fault);
    assert_int_equal(fault->kind, kind);
    assert_int_equal(fault->domain, 3);
    assert_int_equal(vcpu_state(f->v), VCPU_DEAD);
    assert_int_equal(vcpu_run(f->v, 10), VCPU_RUN_ERROR);
    assert_int_equal(vcpu_enter(f->v, HS_EV_BOOT, 0, 0), -1);
    char line[256], pc[32];
    vcpu_fault_format(fault, line, sizeof line);
    snprintf(pc, sizeof pc, "pc 0x%llx", (unsigned long long)fault->pc);
    assert_non_null(strstr(line, pc));
    assert_non_null(strstr(line, vcpu_fault_kind_name(kind)));
    return fault;
}

/* Reading address 0 faults with the load's PC and the address. */
static void test_vcpu_unmapped_read(void **state)
{
    (void)state;
    Prog p = {0};
    emit(&p, movz(2, 0x10, 0));
    emit(&p, b(1));
    int at = emit(&p, ldr_x(3, 2, 8));
    emit(&p, RET);
    Fixture f;
    setup(&f, &p, NULL, 0);
    assert_int_equal(vcpu_enter(f.v, HS_EV_BOOT, 0, 0), 0);
    const VcpuFault *ft =
        expect_fault(&f, vcpu_run(f.v, 100), VCPU_FAULT_UNMAPPED_READ);
    assert_int_equal(ft->pc, HS_RAM_BASE + 4 * (uint64_t)at);
    assert_int_equal(ft->address, 0x18);
    teardown(&f);

    /* in the middle of a block, after a good load and a pre-indexed
     * store: the faulting load is found from the registers */
    Prog q = {0};
    emit_const(&q, 5, HS_RAM_BASE + 0x800);
    emit(&q, ldr_x(6, 5, 8));
    emit(&q, 0xf81f0fe6u); /* str x6, [sp, #-16]! */
    emit(&q, movz(2, 0x40, 0));
    at = emit(&q, ldr_w(3, 2, 4));
    emit(&q, ldr_w(4, 5, 0));
    emit(&q, RET);
    setup(&f, &q, NULL, 0);
    assert_int_equal(vcpu_enter(f.v, HS_EV_BOOT, 0, 0), 0);
    ft = expect_fault(&f, vcpu_run(f.v, 100), VCPU_FAULT_UNMAPPED_READ);
    assert_int_equal(ft->address, 0x44);
    assert_int_equal(ft->pc, HS_RAM_BASE + 4 * (uint64_t)at);
    assert_true(ft->pc_exact);
    char line[256];
    vcpu_fault_format(ft, line, sizeof line);
    assert_null(strstr(line, "start of the block"));
    teardown(&f);
}

/* A write to an MMIO page with no device, and one inside a device's page
 * but past its window, are both faults. */
static void test_vcpu_mmio_faults(void **state)
{
    (void)state;
    Bus bus;
    bus_init(&bus);
    Probe pr = {0};
    device_init(&pr.dev, &probe_ops, "probe");
    assert_int_equal(bus_map(&bus, &pr.dev, HS_MMIO_TIMER, 0x100), 0);
    for (int k = 0; k < 2; k++) {
        uint64_t addr = k == 0 ? HS_MMIO_INTC : HS_MMIO_TIMER + 0x800;
        Prog p = {0};
        emit_const(&p, 2, addr);
        emit(&p, str_w(3, 2, 0));
        emit(&p, RET);
        Fixture f;
        setup(&f, &p, &bus, 0);
        assert_int_equal(vcpu_enter(f.v, HS_EV_BOOT, 0, 0), 0);
        const VcpuFault *ft = expect_fault(&f, vcpu_run(f.v, 100),
                                           k == 0 ? VCPU_FAULT_UNMAPPED_WRITE
                                                  : VCPU_FAULT_MMIO_NO_DEVICE);
        assert_int_equal(ft->address, addr);
        assert_int_equal(ft->pc, HS_RAM_BASE + 16); /* after the const */
        assert_true(ft->pc_exact);
        teardown(&f);
    }
    assert_int_equal(pr.n, 0);
    bus_free(&bus);
}

/* An undefined instruction and a jump to nowhere are exact-PC faults. */
static void test_vcpu_undefined_and_fetch(void **state)
{
    (void)state;
    Prog p = {0};
    emit(&p, movz(1, 1, 0));
    int at = emit(&p, UDF);
    Fixture f;
    setup(&f, &p, NULL, 0);
    assert_int_equal(vcpu_enter(f.v, HS_EV_BOOT, 0, 0), 0);
    const VcpuFault *ft =
        expect_fault(&f, vcpu_run(f.v, 100), VCPU_FAULT_UNDEFINED);
    assert_int_equal(ft->pc, HS_RAM_BASE + 4 * (uint64_t)at);
    assert_true(ft->pc_exact);
    teardown(&f);

    Prog q = {0};
    emit(&q, movz(30, 0x2000, 0)); /* return to an unmapped address */
    emit(&q, RET);
    setup(&f, &q, NULL, 0);
    assert_int_equal(vcpu_enter(f.v, HS_EV_BOOT, 0, 0), 0);
    ft = expect_fault(&f, vcpu_run(f.v, 100), VCPU_FAULT_UNMAPPED_FETCH);
    assert_int_equal(ft->pc, 0x2000);
    teardown(&f);
}

/* A handler stuck in a loop is stopped by the watchdog across resumes. */
static void test_vcpu_watchdog(void **state)
{
    (void)state;
    Prog p = {0};
    emit(&p, movz(1, 1, 0));
    emit(&p, b(0)); /* b . */
    Fixture f;
    setup(&f, &p, NULL, 10000);
    assert_int_equal(vcpu_enter(f.v, HS_EV_BOOT, 0, 0), 0);
    VcpuRunResult r;
    int slices = 0;
    while ((r = vcpu_run(f.v, 1000)) == VCPU_RUN_PREEMPTED)
        slices++;
    assert_true(slices >= 9);
    const VcpuFault *ft = expect_fault(&f, r, VCPU_FAULT_WATCHDOG);
    assert_int_equal(ft->pc, HS_RAM_BASE + 4);
    assert_true(vcpu_handler_instructions(f.v) >= 10000);
    assert_true(vcpu_handler_instructions(f.v) < 10000 + 4);
    teardown(&f);
}

/* A store over code that has run invalidates its translation: the second
 * call of the function runs the rewritten instruction (x0 = 1 + 2). With
 * Unicorn 2.1 stores to RAM take the inline fast path until a page holds
 * translated code, so this checks that such pages are still caught. */
static void test_vcpu_self_modifying_code(void **state)
{
    (void)state;
    const uint64_t fn = HS_RAM_BASE + 0x2000; /* a page of its own */
    const uint32_t body[] = {movz(0, 1, 0), RET};
    Prog p = {0};
    emit(&p, mov_x(20, 30));
    emit_const(&p, 1, fn);
    emit(&p, BLR_X1);
    emit(&p, mov_x(21, 0));
    emit_const(&p, 2, movz(0, 2, 0)); /* the new first instruction */
    emit(&p, str_w(2, 1, 0));
    emit(&p, BLR_X1);
    emit(&p, ADD_X0_X0_X21);
    emit(&p, mov_x(30, 20));
    emit(&p, RET);
    Fixture f;
    setup(&f, &p, NULL, 0);
    assert_int_equal(guest_mem_write(f.mem, fn, body, sizeof body), 0);
    assert_int_equal(vcpu_enter(f.v, HS_EV_BOOT, 0, 0), 0);
    assert_int_equal(vcpu_run(f.v, 1000000), VCPU_RUN_DONE);
    assert_int_equal(vcpu_result(f.v), 3);
    teardown(&f);
}

/* The build runs on the Unicorn it requires: the loaded library, not the
 * headers, is >= 2.1 (2.0.1's stores all take the slow path), and the
 * version handset reports is that library's. */
static void test_vcpu_unicorn_version(void **state)
{
    (void)state;
    unsigned major = 0, minor = 0;
    unsigned v = uc_version(&major, &minor);
    assert_true(major > 2 || (major == 2 && minor >= 1));
    char want[32], got[32];
    snprintf(want, sizeof want, "%u.%u.%u", major, minor, (v >> 8) & 0xff);
    vcpu_unicorn_version(got, sizeof got);
    assert_string_equal(got, want);
    assert_true(vcpu_unicorn_version(got, 4) < 0);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_vcpu_return_value),
    cmocka_unit_test(test_vcpu_contexts),
    cmocka_unit_test(test_vcpu_count_exact_any_slicing),
    cmocka_unit_test(test_vcpu_count_long_blocks),
    cmocka_unit_test(test_vcpu_frequency_change),
    cmocka_unit_test(test_vcpu_fp_enabled),
    cmocka_unit_test(test_vcpu_hvc_numbers),
    cmocka_unit_test(test_vcpu_std_calls),
    cmocka_unit_test(test_vcpu_mmio_dispatch),
    cmocka_unit_test(test_vcpu_unmapped_read),
    cmocka_unit_test(test_vcpu_mmio_faults),
    cmocka_unit_test(test_vcpu_undefined_and_fetch),
    cmocka_unit_test(test_vcpu_watchdog),
    cmocka_unit_test(test_vcpu_self_modifying_code),
    cmocka_unit_test(test_vcpu_unicorn_version),
};

HS_TEST_GROUP(vcpu, tests)
