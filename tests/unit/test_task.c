/*
 * test_task.c - the domain kernel's tasks (emu/machine/task.c) on the
 * shipped guest image: a handler's context survives many switches (its
 * AEAD output equals the host reference), round-robin slices share a
 * vCPU fairly, a task blocked in SLEEP_UNTIL or looping lets another
 * app of its domain run, a driver waiting for its device sleeps on the
 * completion interrupt (WAIT_IRQ) instead of polling, and the switch
 * count and cost are what the parameters say.
 */
#include "harness.h"

#include <string.h>

#include "abi/covert.h"
#include "abi/crypto.h"
#include "abi/mail.h"
#include "abi/ui.h"
#include "guest/lib/chacha20poly1305.h"
#include "sim/sim.h"
#include "test_machine_rig.h"

#define REQ_AEAD (HS_IO_BASE + 0x20000)
#define BUF_AEAD (HS_IO_BASE + 0x30000)
#define REQ_COVERT (HS_IO_BASE + 0x10000)
#define AEAD_BYTES 16384

/* Writes an AEAD seal request over AEAD_BYTES of a pattern into domain 0
 * and returns the host's reference ciphertext and tag. */
static void aead_setup(Machine *m, uint8_t *ref_ct, uint8_t ref_tag[16])
{
    static uint8_t pt[AEAD_BYTES];
    GuestDma dma = machine_dma(m);
    HsAeadRequest rq;
    memset(&rq, 0, sizeof rq);
    for (size_t i = 0; i < sizeof rq.key; i++)
        rq.key[i] = (uint8_t)(i * 7 + 1);
    for (size_t i = 0; i < sizeof rq.nonce; i++)
        rq.nonce[i] = (uint8_t)(0xa0 + i);
    for (size_t i = 0; i < sizeof pt; i++)
        pt[i] = (uint8_t)(i * 31 + (i >> 8));
    rq.in_addr = rq.out_addr = BUF_AEAD;
    rq.len = AEAD_BYTES;
    rq.status = 1; /* not done */
    assert_int_equal(dma_write(&dma, 0, BUF_AEAD, pt, sizeof pt), 0);
    assert_int_equal(dma_write(&dma, 0, REQ_AEAD, &rq, sizeof rq), 0);
    aead_seal(rq.key, rq.nonce, NULL, 0, pt, sizeof pt, ref_ct, ref_tag);
}

static int32_t aead_status(Machine *m)
{
    GuestDma dma = machine_dma(m);
    HsAeadRequest rq;
    assert_int_equal(dma_read(&dma, 0, REQ_AEAD, &rq, sizeof rq), 0);
    return rq.status;
}

static void aead_check(Machine *m, const uint8_t *ref_ct,
                       const uint8_t ref_tag[16])
{
    static uint8_t ct[AEAD_BYTES];
    GuestDma dma = machine_dma(m);
    HsAeadRequest rq;
    assert_int_equal(dma_read(&dma, 0, REQ_AEAD, &rq, sizeof rq), 0);
    assert_int_equal(rq.status, 0);
    assert_int_equal(dma_read(&dma, 0, BUF_AEAD, ct, sizeof ct), 0);
    assert_memory_equal(ct, ref_ct, sizeof ct);
    assert_memory_equal(rq.tag, ref_tag, 16);
}

/* A covert sender in domain 0 that sleeps through every symbol
 * (wakelock mode, 50 ms symbols): a long blocking loop. */
static void covert_sleeper(Machine *m, uint32_t symbols)
{
    GuestDma dma = machine_dma(m);
    HsCovertRequest rq;
    memset(&rq, 0, sizeof rq);
    rq.seed = 3;
    rq.period_ns = 50000000ULL;
    rq.symbols = symbols;
    rq.mode = HS_COVERT_WAKELOCK;
    rq.wakelock_id = 1;
    rq.status = 1; /* not done */
    assert_int_equal(dma_write(&dma, 0, REQ_COVERT, &rq, sizeof rq), 0);
    machine_inject(m, 0, HS_EV_CALL, HS_CALL_COVERT_TX, REQ_COVERT);
}

static int32_t covert_status(Machine *m)
{
    GuestDma dma = machine_dma(m);
    HsCovertRequest rq;
    assert_int_equal(dma_read(&dma, 0, REQ_COVERT, &rq, sizeof rq), 0);
    return rq.status;
}

/* The routing table of platform.h: each app's events to its task. */
static void test_event_routing(void **state)
{
    (void)state;
    assert_int_equal(HS_EVENT_TASK(HS_EV_CALL, HS_CALL_TUN_SEAL),
                     HS_TASK_CRYPTO);
    assert_int_equal(HS_EVENT_TASK(HS_EV_CALL, HS_CALL_AEAD_OPEN),
                     HS_TASK_CRYPTO);
    assert_int_equal(HS_EVENT_TASK(HS_EV_CALL, HS_CALL_COVERT_TX),
                     HS_TASK_COVERT);
    assert_int_equal(HS_EVENT_TASK(HS_EV_WORKLOAD, HS_WL_UI), HS_TASK_UI);
    assert_int_equal(HS_EVENT_TASK(HS_EV_WORKLOAD, HS_WL_VOICE), HS_TASK_VOICE);
    assert_int_equal(HS_EVENT_TASK(HS_EV_CALL, HS_CALL_MAIL_SYNC),
                     HS_TASK_EVENTS);
    assert_int_equal(HS_EVENT_TASK(HS_EV_IRQ, HS_WL_UI), HS_TASK_EVENTS);
    assert_int_equal(HS_EVENT_TASK(HS_EV_CALL, 999), HS_TASK_EVENTS);
    /* stacks never overlap the mail app's buffers */
    assert_true(
        HS_TASK_STACK(HS_STACKS_MAX / HS_TASK_COUNT - 1, HS_TASK_COUNT - 1) -
            HS_STACK_SIZE >=
        HS_MAIL_SYNC_OUT_ADDR + HS_MAIL_SYNC_OUT_CAP);
}

/* Two apps computing at once on a 50 us timeslice: the AEAD task is
 * switched out and back hundreds of times and still produces the host
 * reference's bytes; the loop beside it made progress meanwhile. */
static void test_context_kept_across_switches(void **state)
{
    (void)state;
    static uint8_t ref_ct[AEAD_BYTES];
    uint8_t ref_tag[16];
    static const char *const set[] = {"machine.timeslice_us=50"};
    Rig r;
    Machine *m = rig_must(&r, "native", 0, set, 1);
    machine_run_until(m, 5 * HS_MS);
    aead_setup(m, ref_ct, ref_tag);
    machine_inject(m, 0, HS_EV_WORKLOAD, HS_WL_UI, 1000000);
    machine_inject(m, 0, HS_EV_CALL, HS_CALL_AEAD_SEAL, REQ_AEAD);
    uint64_t sw0 = machine_counts(m)->task_switches;
    hs_time t = 5 * HS_MS;
    while (aead_status(m) == 1 && t < 2000 * HS_MS) {
        t += HS_MS;
        machine_run_until(m, t);
    }
    assert_int_equal(machine_fault_count(m), 0);
    aead_check(m, ref_ct, ref_tag);
    uint64_t sw = machine_counts(m)->task_switches - sw0;
    assert_true(sw >= 20);
    assert_true(machine_task_instructions(m, 0, HS_TASK_UI) > 0);
    assert_true(machine_task_instructions(m, 0, HS_TASK_CRYPTO) > 0);
    rig_free(&r);
}

/* Three loops on one vCPU with a 1 ms slice share it round robin: over
 * 30 ms each gets a third of the instructions, within one slice. */
static void test_round_robin_fairness(void **state)
{
    (void)state;
    static const char *const set[] = {"machine.timeslice_us=1000"};
    Rig r;
    Machine *m = rig_must(&r, "native", 0, set, 1);
    machine_run_until(m, 5 * HS_MS);
    static const uint32_t wl[] = {HS_WL_UI, HS_WL_VOICE, HS_WL_MAIL};
    static const unsigned task[] = {HS_TASK_UI, HS_TASK_VOICE, HS_TASK_MAIL};
    uint64_t i0[3];
    for (int k = 0; k < 3; k++) {
        i0[k] = machine_task_instructions(m, 0, task[k]);
        machine_inject(m, 0, HS_EV_WORKLOAD, wl[k], 1000000);
    }
    uint64_t sw0 = machine_counts(m)->task_switches;
    machine_run_until(m, 35 * HS_MS);
    uint64_t n[3], total = 0;
    for (int k = 0; k < 3; k++) {
        n[k] = machine_task_instructions(m, 0, task[k]) - i0[k];
        total += n[k];
    }
    uint64_t third = total / 3, slice = total / 30;
    for (int k = 0; k < 3; k++)
        if (n[k] + slice + slice / 4 < third ||
            n[k] > third + slice + slice / 4)
            fail_msg("task %u ran %llu of %llu instructions (a third is %llu, "
                     "a slice %llu)",
                     task[k], (unsigned long long)n[k],
                     (unsigned long long)total, (unsigned long long)third,
                     (unsigned long long)slice);
    /* one switch per slice, give or take the first and the last */
    uint64_t sw = machine_counts(m)->task_switches - sw0;
    assert_in_range(sw, 27, 32);
    assert_int_equal(machine_fault_count(m), 0);
    rig_free(&r);
}

/* An app blocked in SLEEP_UNTIL (the covert sender between symbols) does
 * not hold its domain: an AEAD call for the crypto app in the same
 * domain completes while the sender is still in its loop. */
static void test_blocking_call_yields(void **state)
{
    (void)state;
    static uint8_t ref_ct[AEAD_BYTES];
    uint8_t ref_tag[16];
    Rig r;
    Machine *m = rig_must(&r, "native", 0, NULL, 0);
    machine_run_until(m, 5 * HS_MS);
    covert_sleeper(m, 10); /* 500 ms of symbols after a 50 ms start */
    machine_run_until(m, 20 * HS_MS);
    aead_setup(m, ref_ct, ref_tag);
    machine_inject(m, 0, HS_EV_CALL, HS_CALL_AEAD_SEAL, REQ_AEAD);
    machine_run_until(m, 60 * HS_MS);
    assert_int_equal(covert_status(m), 1); /* still sending */
    aead_check(m, ref_ct, ref_tag);
    machine_run_until(m, 700 * HS_MS);
    assert_int_equal(covert_status(m), 0); /* and it finished too */
    assert_int_equal(machine_fault_count(m), 0);
    rig_free(&r);
}

/* An app in a long loop (the UI workload, seconds of work) does not hold
 * its domain either: the AEAD call completes within a few slices. */
static void test_loop_is_preempted(void **state)
{
    (void)state;
    static uint8_t ref_ct[AEAD_BYTES];
    uint8_t ref_tag[16];
    Rig r;
    Machine *m = rig_must(&r, "native", 0, NULL, 0);
    machine_run_until(m, 5 * HS_MS);
    machine_inject(m, 0, HS_EV_WORKLOAD, HS_WL_UI, 1000000);
    machine_run_until(m, 10 * HS_MS);
    aead_setup(m, ref_ct, ref_tag);
    machine_inject(m, 0, HS_EV_CALL, HS_CALL_AEAD_SEAL, REQ_AEAD);
    machine_run_until(m, 30 * HS_MS);
    aead_check(m, ref_ct, ref_tag);
    /* the loop is still running: its task holds a handler in progress */
    uint64_t ui = machine_task_instructions(m, 0, HS_TASK_UI);
    machine_run_until(m, 40 * HS_MS);
    assert_true(machine_task_instructions(m, 0, HS_TASK_UI) > ui);
    assert_int_equal(machine_fault_count(m), 0);
    rig_free(&r);
}

/* Each switch costs machine.task_switch_cycles on the vCPU: the same
 * work with a dearer switch ends later, by the switches times the cost. */
static hs_time seal_done_at(const char *cost, uint64_t *switches)
{
    static uint8_t ref_ct[AEAD_BYTES];
    uint8_t ref_tag[16];
    const char *const set[] = {"machine.timeslice_us=100", cost};
    Rig r;
    Machine *m = rig_must(&r, "native", 0, set, 2);
    machine_run_until(m, 5 * HS_MS);
    aead_setup(m, ref_ct, ref_tag);
    machine_inject(m, 0, HS_EV_WORKLOAD, HS_WL_UI, 1000000);
    machine_inject(m, 0, HS_EV_CALL, HS_CALL_AEAD_SEAL, REQ_AEAD);
    hs_time t = 5 * HS_MS;
    while (aead_status(m) == 1 && t < 2000 * HS_MS) {
        t += 10 * HS_US;
        machine_run_until(m, t);
    }
    aead_check(m, ref_ct, ref_tag);
    *switches = machine_counts(m)->task_switches;
    rig_free(&r);
    return t;
}

/* A document store of 64 KiB: the guest storage driver starts the
 * write (~2.6 ms on ref-2013's medium) and sleeps on HS_IRQ_STORAGE. While
 * the medium works the UI task executes nothing and makes no MMIO access
 * (a polling driver would do both), and the completion wakes it at the
 * approach's delivery cost (a virtual IRQ under hyp-pv). */
#define REQ_DOC (HS_IO_BASE + 0x40000)
#define BUF_DOC (HS_IO_BASE + 0x50000)
#define DOC_BYTES 0x10000u

static int32_t doc_status(Machine *m)
{
    GuestDma dma = machine_dma(m);
    HsUiDocRequest rq;
    assert_int_equal(dma_read(&dma, 0, REQ_DOC, &rq, sizeof rq), 0);
    return rq.status;
}

static void storage_wait(const char *approach, bool virq)
{
    static const char *const devices[] = {"storage", NULL};
    Rig r;
    Machine *m = rig_must_devices(&r, approach, devices);
    machine_run_until(m, 5 * HS_MS);
    GuestDma dma = machine_dma(m);
    HsUiDocRequest rq;
    memset(&rq, 0, sizeof rq);
    rq.buf_addr = BUF_DOC;
    rq.bytes = DOC_BYTES;
    rq.buf_bytes = DOC_BYTES;
    rq.op = HS_UI_DOC_STORE;
    rq.status = 1; /* not done */
    assert_int_equal(dma_write(&dma, 0, REQ_DOC, &rq, sizeof rq), 0);
    machine_inject(m, 0, HS_EV_CALL, HS_CALL_UI_DOCUMENT, REQ_DOC);
    machine_run_until(m, 5 * HS_MS + 500 * HS_US);
    uint64_t insns = machine_task_instructions(m, 0, HS_TASK_UI);
    MachineCounts c0 = *machine_counts(m);
    assert_true(insns > 0);
    assert_int_equal(doc_status(m), 1);
    machine_run_until(m, 5 * HS_MS + 2 * HS_MS);
    assert_int_equal(doc_status(m), 1); /* the medium is still writing */
    assert_true(machine_task_instructions(m, 0, HS_TASK_UI) == insns);
    assert_true(machine_counts(m)->ops.mmio_traps == c0.ops.mmio_traps);
    assert_true(machine_counts(m)->ops.syscalls == c0.ops.syscalls);
    machine_run_until(m, 30 * HS_MS);
    assert_int_equal(doc_status(m), 0);
    assert_true(machine_task_instructions(m, 0, HS_TASK_UI) > insns);
    if (virq) /* the completion was delivered as a virtual IRQ */
        assert_true(machine_counts(m)->ops.virq > c0.ops.virq);
    assert_int_equal(machine_fault_count(m), 0);
    rig_free(&r);
}

static void test_storage_wait_sleeps(void **state)
{
    (void)state;
    storage_wait("native", false);
    storage_wait("hyp-pv", true);
}

static void test_switch_cost(void **state)
{
    (void)state;
    uint64_t n_cheap, n_dear;
    hs_time cheap = seal_done_at("machine.task_switch_cycles=0", &n_cheap);
    hs_time dear = seal_done_at("machine.task_switch_cycles=200000", &n_dear);
    assert_true(n_cheap >= 4);
    assert_true(dear > cheap);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_event_routing),
    cmocka_unit_test(test_context_kept_across_switches),
    cmocka_unit_test(test_round_robin_fairness),
    cmocka_unit_test(test_blocking_call_yields),
    cmocka_unit_test(test_loop_is_preempted),
    cmocka_unit_test(test_storage_wait_sleeps),
    cmocka_unit_test(test_switch_cost),
};
HS_TEST_GROUP(task, tests)
