/*
 * test_socmap.c - the shipped SoC files drive the device models: energies
 * and latencies computed by the devices from ref-2013's own figures match
 * the hand-computed answers (issue figures: 60 s awake-idle = 60 x 17.4 mA
 * x 3.8 V = 3,967.2 mJ; 60 s suspended = 729.6 mJ), and every shipped file
 * maps onto device configurations the devices accept.
 */
#include "harness.h"

#include <stdlib.h>
#include <string.h>

#include "bus/dma.h"
#include "platform.h"
#include "machine/socmap.h"

static SocModel *load(const char *name)
{
    char path[512], rel[128], err[512];
    snprintf(rel, sizeof rel, "soc_models/%s.json", name);
    SocModel *soc =
        soc_load(hs_test_path(rel, path, sizeof path), err, sizeof err);
    if (!soc)
        fail_msg("%s", err);
    return soc;
}

static bool within(double got, double want, double rel)
{
    return got >= want * (1 - rel) && got <= want * (1 + rel);
}

typedef struct PmicRig {
    Sim *sim;
    PowerMeter *meter;
    PmicState pmic;
    SocModel *soc;
} PmicRig;

static void pmic_rig(PmicRig *r)
{
    char err[256];
    PmicConfig cfg;
    memset(r, 0, sizeof *r);
    r->soc = load("ref-2013");
    r->sim = sim_new(1);
    r->meter = power_meter_new(2);
    assert_int_equal(socmap_pmic(r->soc, &cfg, err, sizeof err), 0);
    pmic_init(&r->pmic, "pmic", &cfg, r->meter);
    assert_int_equal(r->pmic.dev.ops->realize(&r->pmic.dev, r->sim), 0);
}

static void pmic_rig_free(PmicRig *r)
{
    device_destroy(&r->pmic.dev);
    power_meter_free(r->meter);
    sim_free(r->sim);
    soc_free(r->soc);
}

static void test_ref2013_awake_idle_60s(void **state)
{
    (void)state;
    PmicRig r;
    pmic_rig(&r);
    assert_int_equal(pmic_domain_acquire(&r.pmic, 0, 1, 0), 0);
    sim_run_until(r.sim, 60 * HS_S);
    assert_int_equal(pmic_state(&r.pmic), HS_PMIC_ST_AWAKE);
    double mj = power_energy_to_mj(power_energy_total(r.meter, 60 * HS_S));
    if (!within(mj, 3967.2, 0.001))
        fail_msg("awake-idle 60 s: %.3f mJ, expected 3967.2", mj);
    pmic_rig_free(&r);
}

static void test_ref2013_suspended_60s(void **state)
{
    (void)state;
    PmicRig r;
    pmic_rig(&r);
    /* Nothing holds the AP: it suspends after the file's autosleep delay
     * and entry latency. */
    hs_time asleep =
        r.soc->cpu.autosleep_delay_ps + r.soc->cpu.suspend_entry_ps;
    sim_run_until(r.sim, asleep - 1);
    assert_int_not_equal(pmic_state(&r.pmic), HS_PMIC_ST_SUSPENDED);
    sim_run_until(r.sim, asleep);
    assert_int_equal(pmic_state(&r.pmic), HS_PMIC_ST_SUSPENDED);
    sim_run_until(r.sim, asleep + 60 * HS_S);
    int ap = power_component_find(r.meter, "ap");
    double mj = power_energy_to_mj(power_energy_state(
        r.meter, ap, HS_PMIC_ST_SUSPENDED, asleep + 60 * HS_S));
    if (!within(mj, 729.6, 0.001))
        fail_msg("suspended 60 s: %.3f mJ, expected 729.6", mj);
    pmic_rig_free(&r);
}

static void test_ref2013_suspend_resume_cycle(void **state)
{
    (void)state;
    PmicRig r;
    pmic_rig(&r);
    const SocCpu *c = &r.soc->cpu;
    hs_time asleep = c->autosleep_delay_ps + c->suspend_entry_ps;
    hs_time wake = asleep + 10 * HS_S;
    sim_run_until(r.sim, wake);
    pmic_wake(&r.pmic, wake);
    sim_run_until(r.sim, wake + c->resume_ps - 1);
    assert_int_equal(pmic_state(&r.pmic), HS_PMIC_ST_RESUMING);
    sim_run_until(r.sim, wake + c->resume_ps);
    assert_int_equal(pmic_state(&r.pmic), HS_PMIC_ST_AWAKE);
    /* Hold the AP so it stays awake, then total up to a later time. */
    pmic_domain_acquire(&r.pmic, 0, 1, wake + c->resume_ps);
    hs_time end = wake + c->resume_ps + HS_S;
    sim_run_until(r.sim, end);
    /* Awake-idle outside suspend, suspend power while suspended, and
     * exactly the file's transition energies on top. */
    double awake_s = sim_time_to_s(c->autosleep_delay_ps + HS_S);
    double suspended_s = 10.0;
    double expect_mj = awake_s * (double)c->awake_idle_uw / 1000.0 +
                       suspended_s * (double)c->suspend_uw / 1000.0 +
                       (double)(c->suspend_entry_nj + c->resume_nj) / 1e6;
    double mj = power_energy_to_mj(power_energy_total(r.meter, end));
    if (!within(mj, expect_mj, 0.001))
        fail_msg("cycle: %.4f mJ, expected %.4f", mj, expect_mj);
    pmic_rig_free(&r);
}

static void test_ref2013_display_on_10s(void **state)
{
    (void)state;
    char err[256];
    SocModel *soc = load("ref-2013");
    Sim *sim = sim_new(1);
    PowerMeter *meter = power_meter_new(2);
    DisplayConfig cfg;
    DisplayState disp;
    Bus bus;
    bus_init(&bus);
    assert_int_equal(socmap_display(soc, &cfg, err, sizeof err), 0);
    assert_int_equal(
        display_init(&disp, "display", &cfg, meter, err, sizeof err), 0);
    assert_int_equal(bus_map(&bus, &disp.dev, HS_MMIO_DISPLAY, HS_MMIO_WINDOW),
                     0);
    assert_int_equal(disp.dev.ops->realize(&disp.dev, sim), 0);
    BusAccess on = {.when = 0, .domain = 0}, off = {.when = 10 * HS_S};
    bus_write(&bus, HS_MMIO_DISPLAY + HS_DISPLAY_BRIGHTNESS, 0, 4, &on);
    bus_write(&bus, HS_MMIO_DISPLAY + HS_DISPLAY_CTRL, 1, 4, &on);
    sim_run_until(sim, 10 * HS_S);
    bus_write(&bus, HS_MMIO_DISPLAY + HS_DISPLAY_CTRL, 0, 4, &off);
    /* screen.on 82.75 mA x 3.8 V x 10 s = 3,144.5 mJ (plus panel-off
     * power, zero in the file, after 10 s) */
    double mj = power_energy_to_mj(power_energy_total(meter, 10 * HS_S));
    double expect = (double)soc->display.on_uw * 10 / 1000.0;
    assert_true(within(expect, 3144.5, 0.001));
    if (!within(mj, expect, 0.001))
        fail_msg("display 10 s: %.3f mJ, expected %.3f", mj, expect);
    device_destroy(&disp.dev);
    bus_free(&bus);
    power_meter_free(meter);
    sim_free(sim);
    soc_free(soc);
}

static void check_maps(const char *name)
{
    char err[256];
    uint8_t mem[4096];
    DmaBuffer buf;
    GuestDma dma;
    SocModel *soc = load(name);
    PowerMeter *meter = power_meter_new(2);
    PmicConfig pc;
    DvfsConfig dc;
    DisplayConfig disc;
    GpuConfig gc;
    StorageConfig sc;
    static DvfsState dvfs;
    static GpuState gpu;
    static StorageState st;
    static DisplayState disp;
    memset(&buf, 0, sizeof buf);
    buf.base = HS_RAM_BASE;
    buf.mem = mem;
    buf.size = sizeof mem;
    dma_buffer_init(&dma, &buf);
    assert_int_equal(socmap_pmic(soc, &pc, err, sizeof err), 0);
    if (socmap_dvfs(soc, &dc, err, sizeof err) < 0 ||
        dvfs_init(&dvfs, "dvfs", &dc, meter, err, sizeof err) < 0 ||
        socmap_gpu(soc, &gc, err, sizeof err) < 0 ||
        gpu_init(&gpu, "gpu", &gc, &dma, meter, err, sizeof err) < 0 ||
        socmap_storage(soc, &sc, err, sizeof err) < 0 ||
        storage_init(&st, "storage", &sc, &dma, meter, err, sizeof err) < 0 ||
        socmap_display(soc, &disc, err, sizeof err) < 0 ||
        display_init(&disp, "display", &disc, meter, err, sizeof err) < 0)
        fail_msg("%s: %s", name, err);
    assert_int_equal(dc.n_clusters, soc->n_clusters);
    assert_int_equal(dc.clusters[0].opps[0].freq_khz,
                     soc->clusters[0].opps[0].freq_khz);
    assert_int_equal(gc.units_per_cycle, soc->gpu.units_per_cycle);
    /* A GPU job of 128 x 200,000 units at 200 MHz with 128 lanes takes
     * 200,000 cycles = 1 ms when the first OPP is 200 MHz. */
    if (gc.opps[0].freq_khz == 200000 && gc.units_per_cycle == 128)
        assert_int_equal(gpu_job_time_ps(&gpu, 128 * 200000ULL, 0), HS_MS);
    device_destroy(&dvfs.dev);
    device_destroy(&gpu.dev);
    device_destroy(&st.dev);
    device_destroy(&disp.dev);
    power_meter_free(meter);
    soc_free(soc);
}

static void test_shipped_socs_map(void **state)
{
    (void)state;
    check_maps("ref-2013");
    check_maps("ref-2024");
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_ref2013_awake_idle_60s),
    cmocka_unit_test(test_ref2013_suspended_60s),
    cmocka_unit_test(test_ref2013_suspend_resume_cycle),
    cmocka_unit_test(test_ref2013_display_on_10s),
    cmocka_unit_test(test_shipped_socs_map),
};
HS_TEST_GROUP(socmap, tests)
