/*
 * test_machine.c - the machine runs real guest code on every built
 * approach: domains boot, faults are errors of the run's inputs, unbuilt
 * approaches and bad --set keys are refused with clear messages, an idle
 * hour is event-driven, and two runs with the same inputs agree exactly.
 */
#include "test_machine_rig.h"

#include <string.h>

#include "cpu/vcpu.h"
#include "abi/ui.h"
#include "machine/socmap.h"
#include "soc_models/devices/storage.h"

static const char *const built[] = {"native",   "selinux-mls", "hyp-pv",
                                    "hyp-mils", "trustzone",   "containers"};
#define N_BUILT (sizeof built / sizeof built[0])

static void test_boot_every_approach(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_BUILT; i++) {
        Rig r;
        Machine *m = rig_must(&r, built[i], 0, NULL, 0);
        assert_int_equal(machine_run_until(m, 50 * HS_MS), 0);
        for (int d = 0; d < 2; d++)
            if (machine_instructions(m, d) == 0)
                fail_msg("%s: domain %d never booted", built[i], d);
        assert_int_equal(machine_fault_count(m), 0);
        /* A workload runs to completion in the domain. */
        assert_int_equal(machine_inject(m, 0, HS_EV_WORKLOAD, HS_WL_CRYPTO, 4),
                         0);
        uint64_t before = machine_instructions(m, 0);
        assert_int_equal(machine_run_until(m, 200 * HS_MS), 0);
        assert_true(machine_instructions(m, 0) > before + 4 * 30000);
        rig_free(&r);
    }
}

static void test_unbuilt_and_unknown(void **state)
{
    (void)state;
    char err[512];
    Rig r;
    size_t n;
    const ApproachOps *const *all = virt_approaches(&n);
    for (size_t i = 0; i < n; i++)
        assert_true(all[i]->built);
    assert_null(rig_new(&r, "hyp-xyz", 0, NULL, 0, 1, err, sizeof err));
    assert_non_null(strstr(err, "unknown approach"));
    assert_non_null(strstr(err, "hyp-mils"));
    soc_free(r.soc);
    const char *bad[] = {"virt.hyp-pv.hypercal_cycles=5"};
    assert_null(rig_new(&r, "hyp-pv", 0, bad, 1, 1, err, sizeof err));
    assert_non_null(strstr(err, "virt.hyp-pv.hypercal_cycles"));
    assert_non_null(
        strstr(err, "did you mean \"virt.hyp-pv.hypercall_cycles\""));
    soc_free(r.soc);
    const char *badv[] = {"virt.hyp-pv.hypercall_cycles=-3"};
    assert_null(rig_new(&r, "hyp-pv", 0, badv, 1, 1, err, sizeof err));
    assert_non_null(strstr(err, "not a non-negative integer"));
    soc_free(r.soc);
    /* Another approach's valid key is accepted (a scenario's set applies
     * to every approach it runs) and ignored. */
    const char *other[] = {"virt.hyp-pv.hypercall_cycles=6500"};
    Machine *m = rig_must(&r, "native", 0, other, 1);
    uint64_t v;
    assert_int_equal(machine_param(m, "virt.hyp-pv.hypercall_cycles", &v), -1);
    rig_free(&r);
}

/* Approaches that need a hardware feature refuse a SoC without it. */
static void test_platform_features_required(void **state)
{
    (void)state;
    char err[512], soc_path[1024], img[1024];
    SocModel *soc = soc_load(
        hs_test_path("soc_models/ref-2013.json", soc_path, sizeof soc_path),
        err, sizeof err);
    assert_non_null(soc);
    soc->platform.trustzone = false;
    soc->platform.virtualization_extensions = false;
    MachineDomainConfig d = {.name = "only", .level = 0};
    size_t n_approaches;
    const ApproachOps *const *approaches = virt_approaches(&n_approaches);
    MachineConfig cfg = {
        .soc = soc,
        .approach = "trustzone",
        .approaches = approaches,
        .n_approaches = n_approaches,
        .image_path = hs_test_path("build/guest/domain.elf", img, sizeof img),
        .domains = &d,
        .n_domains = 1,
    };
    assert_null(machine_new(&cfg, err, sizeof err));
    assert_non_null(strstr(err, "no TrustZone"));
    cfg.approach = "hyp-pv";
    assert_null(machine_new(&cfg, err, sizeof err));
    assert_non_null(strstr(err, "virtualization extensions"));
    cfg.approach = "native";
    Machine *m = machine_new(&cfg, err, sizeof err);
    assert_non_null(m);
    machine_free(m);
    soc_free(soc);
}

static void test_check_set_without_a_machine(void **state)
{
    (void)state;
    char err[256];
    assert_int_equal(
        virt_check_set("virt.hyp-pv.hypercall_cycles=376", err, sizeof err), 0);
    assert_int_equal(virt_check_set("machine.quantum_us=250", err, sizeof err),
                     0);
    assert_int_equal(
        virt_check_set("virt.hyp-mils.slice_msec=5", err, sizeof err), -1);
    assert_non_null(strstr(err, "did you mean \"virt.hyp-mils.slice_ms\""));
    assert_int_equal(
        virt_check_set("virt.hyp-pv.hypercall_cycles=1e3", err, sizeof err),
        -1);
    assert_non_null(strstr(err, "virt.hyp-pv.hypercall_cycles"));
    assert_int_equal(virt_check_set("frobnicate", err, sizeof err), -1);
    assert_non_null(strstr(err, "KEY=VALUE"));
}

static void test_every_param_has_a_source(void **state)
{
    (void)state;
    size_t n;
    const ApproachOps *const *all = virt_approaches(&n);
    assert_int_equal(n, SCENARIO_APPROACH_COUNT);
    for (size_t i = 0; i < n; i++) {
        const ApproachOps *o = all[i];
        assert_non_null(o);
        assert_int_equal(o->id, i);
        assert_ptr_equal(virt_find(approach_name(o)), o);
        assert_non_null(scenario_approach_descriptions[o->id]);
        for (size_t k = 0; k < o->n_params; k++) {
            assert_non_null(o->params[k].source);
            assert_true(strlen(o->params[k].source) > 8);
            assert_non_null(o->params[k].unit);
        }
    }
}

static void io_ignore(void *ctx, hs_time done, bool ok)
{
    (void)ctx;
    (void)done;
    (void)ok;
}

static bool tcb_has(const char *const *tcb, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(tcb[i], name) == 0)
            return true;
    return false;
}

/* The TCB is what data of two labels passed through, not a declaration. */
static void test_tcb_from_data(void **state)
{
    (void)state;
    Rig r;
    const char *tcb[16];
    Machine *m = rig_must(&r, "native", 0, NULL, 0);
    assert_int_equal(machine_tcb(m, tcb, 16), 0); /* nothing ran yet */
    machine_run_until(m, HS_S); /* both domains booted in linux */
    assert_int_equal(machine_tcb(m, tcb, 16), 1);
    assert_string_equal(tcb[0], "linux");
    rig_free(&r);

    m = rig_must(&r, "hyp-mils", 0, NULL, 0);
    machine_run_until(m, HS_S);
    size_t n = machine_tcb(m, tcb, 16);
    /* both VMs got virtual interrupts: the separation kernel mediates
     * both labels; no driver VM has seen data yet */
    assert_true(tcb_has(tcb, n, "separation-kernel"));
    assert_false(tcb_has(tcb, n, "net-vm"));
    /* the secret domain's packets: the crypto VM seals them, so it holds
     * both labels; the net VM beyond it sees only ciphertext */
    machine_io(m, 0, VIRT_IO_NET, MACHINE_IO_OUT, 1400, HS_S, io_ignore, NULL,
               NULL, NULL);
    machine_run_until(m, 2 * HS_S);
    n = machine_tcb(m, tcb, 16);
    assert_true(tcb_has(tcb, n, "crypto-secret-vm"));
    assert_false(tcb_has(tcb, n, "net-vm"));
    /* the unclassified domain's packets: still one label at the net VM */
    machine_io(m, 1, VIRT_IO_NET, MACHINE_IO_OUT, 1400, 2 * HS_S, io_ignore,
               NULL, NULL, NULL);
    machine_run_until(m, 3 * HS_S);
    n = machine_tcb(m, tcb, 16);
    assert_false(tcb_has(tcb, n, "net-vm"));
    assert_false(tcb_has(tcb, n, "secret-vm"));
    /* frames of both domains, in the clear, through the gfx VM */
    assert_false(tcb_has(tcb, n, "gfx-vm"));
    machine_io(m, 0, VIRT_IO_DISPLAY, MACHINE_IO_OUT, 4096, 3 * HS_S, io_ignore,
               NULL, NULL, NULL);
    machine_run_until(m, 4 * HS_S);
    n = machine_tcb(m, tcb, 16);
    assert_false(tcb_has(tcb, n, "gfx-vm"));
    machine_io(m, 1, VIRT_IO_DISPLAY, MACHINE_IO_OUT, 4096, 4 * HS_S, io_ignore,
               NULL, NULL, NULL);
    machine_run_until(m, 5 * HS_S);
    n = machine_tcb(m, tcb, 16);
    assert_true(tcb_has(tcb, n, "gfx-vm"));
    rig_free(&r);
}

/* Everything a run reports, for comparing runs. */
typedef struct Snapshot {
    MachineCounts counts;
    power_energy total;
    power_energy dom[3];
    uint64_t insns[2];
    uint64_t lat_sum;
    uint64_t lat_n;
} Snapshot;

static void lat_sum(void *ctx, int domain, uint32_t event, hs_time injected,
                    hs_time entered)
{
    (void)domain;
    (void)event;
    Snapshot *s = ctx;
    s->lat_sum += entered - injected;
    s->lat_n++;
}

static void snapshot_run(const char *approach, Snapshot *s)
{
    Rig r;
    memset(s, 0, sizeof *s);
    Machine *m = rig_must(&r, approach, 0, NULL, 0);
    machine_set_latency_hook(m, lat_sum, s);
    SimRng *rng = sim_rng(machine_sim(m), "test.irq");
    hs_time t = 0;
    for (int i = 0; i < 30; i++) {
        t += (hs_time)(sim_rng_uniform(rng) * 2e11); /* up to 200 ms */
        machine_run_until(m, t);
        machine_raise_irq(m, i % 2, 1u << HS_IRQ_NET);
        if (i % 7 == 0)
            machine_inject(m, 0, HS_EV_WORKLOAD, HS_WL_CRYPTO, 2);
    }
    machine_run_until(m, t + 2 * HS_S);
    s->counts = *machine_counts(m);
    s->total = machine_energy_total(m);
    for (int d = 0; d < 3; d++)
        s->dom[d] = machine_energy_domain(m, d);
    for (int d = 0; d < 2; d++)
        s->insns[d] = machine_instructions(m, d);
    rig_free(&r);
}

static void test_deterministic(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_BUILT; i++) {
        Snapshot a, b;
        snapshot_run(built[i], &a);
        snapshot_run(built[i], &b);
        if (memcmp(&a, &b, sizeof a) != 0)
            fail_msg("%s: two runs differ", built[i]);
        assert_true(a.lat_n >= 30);
    }
}

static void test_fault_is_a_domain_fault(void **state)
{
    (void)state;
    Rig r;
    Machine *m = rig_must(&r, "native", 0, NULL, 0);
    machine_run_until(m, 10 * HS_MS);
    /* An HS_EV_CALL with a request at an unmapped address faults the
     * guest; the other domain keeps running. */
    machine_inject(m, 0, HS_EV_CALL, HS_CALL_AEAD_SEAL, 0x1000);
    machine_run_until(m, 50 * HS_MS);
    assert_int_equal(machine_fault_count(m), 1);
    {
        assert_int_equal(machine_fault(m, 0)->domain, 0);
        uint64_t before = machine_instructions(m, 1);
        machine_inject(m, 1, HS_EV_WORKLOAD, HS_WL_CRYPTO, 1);
        machine_run_until(m, 100 * HS_MS);
        assert_true(machine_instructions(m, 1) > before);
    }
    rig_free(&r);
}

static void test_dma_reaches_each_domain(void **state)
{
    (void)state;
    Rig r;
    Machine *m = rig_must(&r, "native", 0, NULL, 0);
    GuestDma dma = machine_dma(m);
    uint8_t a = 0xa5, b = 0x5a, got = 0;
    assert_int_equal(dma_write(&dma, 0, HS_IO_BASE, &a, 1), 0);
    assert_int_equal(dma_write(&dma, 1, HS_IO_BASE, &b, 1), 0);
    assert_int_equal(dma_read(&dma, 0, HS_IO_BASE, &got, 1), 0);
    assert_int_equal(got, 0xa5);
    assert_int_equal(dma_read(&dma, 1, HS_IO_BASE, &got, 1), 0);
    assert_int_equal(got, 0x5a);
    assert_int_equal(dma_read(&dma, 2, HS_IO_BASE, &got, 1), -1);
    assert_int_equal(dma_read(&dma, 0, 0x1000, &got, 1), -1);
    rig_free(&r);
}

/* A device the run powers is realized and mapped before boot and is
 * reachable from guest code, and a driver's several register writes in
 * one block are timed sanely: the guest stores a document through the
 * storage driver and reads it back, and both commands complete within the
 * run. A device the run does not power is not there. */
static void test_realized_device_reaches_guest(void **state)
{
    (void)state;
    Rig r;
    char err[256];
    static const char *const devices[] = {"storage", NULL};
    Machine *m =
        rig_new_devices(&r, "native", 0, NULL, 0, 1, devices, err, sizeof err);
    if (!m)
        fail_msg("%s", err);
    assert_null(machine_device(m, "display"));
    assert_null(machine_device(m, "no-such-device"));
    StorageState *stp = (StorageState *)machine_device(m, "storage");
    assert_non_null(stp);
    assert_ptr_equal(stp->dev.ops, &storage_ops);
    GuestDma dma = machine_dma(m);
    static const char text[] = "minutes of the meeting";
    const uint64_t buf = HS_IO_BASE + 0x40000, req = HS_IO_BASE + 0x20000;
    assert_int_equal(dma_write(&dma, 0, buf, text, sizeof text - 1), 0);
    HsUiDocRequest rq = {.buf_addr = buf,
                         .lba = 16,
                         .bytes = 3 * 4096,
                         .buf_bytes = 8192,
                         .op = HS_UI_DOC_STORE};
    assert_int_equal(dma_write(&dma, 0, req, &rq, sizeof rq), 0);
    machine_inject(m, 0, HS_EV_CALL, HS_CALL_UI_DOCUMENT, req);
    machine_run_until(m, 200 * HS_MS);
    assert_int_equal(stp->bytes_written[0], 3 * 4096);
    rq.op = HS_UI_DOC_SHOW;
    rq.page.width = rq.page.height = 16;
    assert_int_equal(dma_write(&dma, 0, buf, "xxxx", 4), 0);
    assert_int_equal(dma_write(&dma, 0, req, &rq, sizeof rq), 0);
    machine_inject(m, 0, HS_EV_CALL, HS_CALL_UI_DOCUMENT, req);
    machine_run_until(m, 400 * HS_MS);
    assert_int_equal(machine_fault_count(m), 0);
    assert_int_equal(stp->bytes_read[0], 3 * 4096);
    assert_int_equal(dma_read(&dma, 0, req, &rq, sizeof rq), 0);
    assert_int_equal(rq.status, 0);
    assert_memory_equal(rq.page.text, text, sizeof text - 1);
    rig_free(&r);
}

/* Unknown device names are refused with the known ones listed. */
static void test_unknown_device_refused(void **state)
{
    (void)state;
    Rig r;
    char err[256];
    static const char *const devices[] = {"toaster", NULL};
    assert_null(
        rig_new_devices(&r, "native", 0, NULL, 0, 1, devices, err, sizeof err));
    assert_non_null(strstr(err, "no SoC device 'toaster'"));
    assert_non_null(strstr(err, "storage"));
    soc_free(r.soc);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_boot_every_approach),
    cmocka_unit_test(test_unbuilt_and_unknown),
    cmocka_unit_test(test_platform_features_required),
    cmocka_unit_test(test_check_set_without_a_machine),
    cmocka_unit_test(test_every_param_has_a_source),
    cmocka_unit_test(test_tcb_from_data),
    cmocka_unit_test(test_deterministic),
    cmocka_unit_test(test_fault_is_a_domain_fault),
    cmocka_unit_test(test_dma_reaches_each_domain),
    cmocka_unit_test(test_realized_device_reaches_guest),
    cmocka_unit_test(test_unknown_device_refused),
};
HS_TEST_GROUP(machine, tests)
