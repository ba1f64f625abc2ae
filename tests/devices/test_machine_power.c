/*
 * test_machine_power.c - several devices on one meter, wired the way a
 * machine wires them: the timer wakes a suspended AP through the
 * interrupt controller's wake output, CPU, GPU, display and AP power are
 * attributed per domain, the sums equal the total exactly, and two runs
 * with the same inputs give identical energies. Figures: ref-2013 (Nexus 5
 * hammerhead power_profile at 3.8 V; the two published ends of its CPU
 * table, 57.9 mA at 300 MHz and 386.2 mA at 2265.6 MHz).
 */
#include "harness.h"

#include <string.h>

#include "platform.h"
#include "soc_models/devices/display.h"
#include "soc_models/devices/dvfs.h"
#include "soc_models/devices/gpu.h"
#include "soc_models/devices/intc.h"
#include "soc_models/devices/pmic.h"
#include "soc_models/devices/timer.h"

#define MV 3800

typedef struct Machine {
    Sim *sim;
    Bus bus;
    PowerMeter *meter;
    IntcState intc;
    TimerState timer;
    PmicState pmic;
    DvfsState dvfs;
    GpuState gpu;
    DisplayState disp;
} Machine;

static void machine_init(Machine *m)
{
    memset(m, 0, sizeof *m);
    m->sim = sim_new(42);
    m->meter = power_meter_new(2);
    bus_init(&m->bus);
    char err[128];
    intc_init(&m->intc, "intc");
    timer_init(&m->timer, "timer");
    PmicConfig pc = {
        .awake_idle_uw = power_uw_from_ua(17400, MV),
        .suspend_uw = power_uw_from_ua(3200, MV),
        .suspend_entry_ps = 110 * HS_US,
        .resume_exit_ps = 15 * HS_US,
        .suspend_entry_nj = 2000,
        .resume_exit_nj = 1000,
        .autosleep_delay_ps = 100 * HS_MS,
    };
    pmic_init(&m->pmic, "pmic", &pc, m->meter);
    DvfsConfig dc = {
        .n_clusters = 1, .rate_limit_ps = 10 * HS_MS, .headroom_pct = 125};
    dc.clusters[0] =
        (DvfsClusterConfig){.name = "cpu", .n_cores = 4, .n_opps = 2};
    dc.clusters[0].opps[0] = (DvfsOpp){300000, power_uw_from_ua(57900, MV)};
    dc.clusters[0].opps[1] = (DvfsOpp){2265600, power_uw_from_ua(386200, MV)};
    assert_int_equal(
        dvfs_init(&m->dvfs, "dvfs", &dc, m->meter, err, sizeof err), 0);
    GpuConfig gc = {.n_opps = 1,
                    .idle_uw = 0,
                    .cycles_per_unit = 1000,
                    .units_per_cycle = 1,
                    .queue_depth = 4,
                    .max_cmd_bytes = 0};
    gc.opps[0] = (GpuOpp){450000, 600000};
    assert_int_equal(
        gpu_init(&m->gpu, "gpu", &gc, NULL, m->meter, err, sizeof err), 0);
    DisplayConfig disp = {.width = 1080,
                          .height = 1920,
                          .refresh_hz = 60,
                          .on_uw = power_uw_from_ua(82750, MV),
                          .full_uw = power_uw_from_ua(201160, MV)};
    assert_int_equal(
        display_init(&m->disp, "display", &disp, m->meter, err, sizeof err), 0);
    Device *devs[6] = {&m->intc.dev, &m->timer.dev, &m->pmic.dev,
                       &m->dvfs.dev, &m->gpu.dev,   &m->disp.dev};
    const uint64_t bases[6] = {HS_MMIO_INTC, HS_MMIO_TIMER, HS_MMIO_PMIC,
                               HS_MMIO_DVFS, HS_MMIO_GPU,   HS_MMIO_DISPLAY};
    for (int i = 0; i < 6; i++) {
        assert_int_equal(bus_map(&m->bus, devs[i], bases[i], HS_MMIO_WINDOW),
                         0);
        if (devs[i]->ops->realize)
            assert_int_equal(devs[i]->ops->realize(devs[i], m->sim), 0);
    }
    irq_connect(&m->timer.irq, intc_set_irq, &m->intc, HS_IRQ_TIMER);
    irq_connect(&m->gpu.irq, intc_set_irq, &m->intc, HS_IRQ_GPU);
    irq_connect(&m->pmic.irq, intc_set_irq, &m->intc, HS_IRQ_PMIC);
    irq_connect(&m->intc.wake, pmic_wake_irq, &m->pmic, 0);
}

static void machine_free(Machine *m)
{
    m->pmic.dev.ops->destroy(&m->pmic.dev);
    bus_free(&m->bus);
    power_meter_free(m->meter);
    sim_free(m->sim);
}

static void wr(Machine *m, int d, uint64_t addr, uint64_t v, unsigned size)
{
    BusAccess acc = {.when = sim_now(m->sim), .domain = d};
    assert_true(bus_write(&m->bus, addr, v, size, &acc));
}

/* The scenario; returns per-component energies at the end. */
static void run(Machine *m, power_energy out[8], hs_time end)
{
    wr(m, 0, HS_MMIO_INTC + HS_INTC_ENABLE, 1u << HS_IRQ_TIMER, 4);
    wr(m, 0, HS_MMIO_PMIC + HS_PMIC_WL_ACQUIRE, 2, 4);
    dvfs_core_run(&m->dvfs, 0, 0, 0, 0);
    dvfs_core_stop(&m->dvfs, 0, 0, 100 * HS_MS);
    display_set_foreground(&m->disp, 1, 0);
    wr(m, 1, HS_MMIO_DISPLAY + HS_DISPLAY_CTRL, 1, 4);
    wr(m, 1, HS_MMIO_GPU + HS_GPU_SUBMIT, 4500, 4); /* 10 ms at 450 MHz */
    sim_run_until(m->sim, HS_S);
    wr(m, 1, HS_MMIO_DISPLAY + HS_DISPLAY_CTRL, 0, 4);
    sim_run_until(m->sim, 2 * HS_S);
    wr(m, 0, HS_MMIO_TIMER + HS_TIMER_CMP64, 10000000000ULL, 8); /* 10 s */
    wr(m, 0, HS_MMIO_TIMER + HS_TIMER_CTRL, 1, 4);
    wr(m, 0, HS_MMIO_PMIC + HS_PMIC_WL_RELEASE, 2, 4);
    sim_run_until(m->sim, 2 * HS_S + 100 * HS_MS + 110 * HS_US);
    assert_int_equal(pmic_state(&m->pmic), HS_PMIC_ST_SUSPENDED);
    sim_run_until(m->sim, 10 * HS_S + 15 * HS_US);
    /* the timer's IRQ woke the AP through the controller */
    assert_int_equal(pmic_state(&m->pmic), HS_PMIC_ST_AWAKE);
    assert_int_equal(m->pmic.resumes, 1);
    sim_run_until(m->sim, end);
    for (int c = 0; c < power_component_count(m->meter) && c < 8; c++)
        out[c] = power_energy_component(m->meter, c, end);
}

static void test_attribution_sums_across_devices(void **state)
{
    (void)state;
    Machine m;
    machine_init(&m);
    power_energy a[8] = {0}, b[8] = {0};
    hs_time end = 12 * HS_S;
    run(&m, a, end);
    power_energy total = power_energy_total(m.meter, end);
    power_energy sum = power_energy_domain(m.meter, POWER_UNATTRIBUTED, end);
    for (int d = 0; d < 2; d++)
        sum += power_energy_domain(m.meter, d, end);
    assert_true(sum == total);
    /* domain 0: its wakelock (2 s of awake-idle) and 100 ms on a core at
     * 300 MHz (reported as one quantum at the frequency in force when it
     * started, as a vCPU reports it) */
    power_energy d0 = (power_energy)66120 * 2 * HS_S +
                      (power_energy)power_uw_from_ua(57900, MV) * 100 * HS_MS;
    assert_true(power_energy_domain(m.meter, 0, end) == d0);
    /* domain 1: the display for 1 s and its GPU job */
    power_energy d1 =
        (power_energy)314450 * HS_S + (power_energy)600000 * 10 * HS_MS;
    assert_true(power_energy_domain(m.meter, 1, end) == d1);
    machine_free(&m);

    /* same inputs, same energies, to the uW*ps */
    machine_init(&m);
    run(&m, b, end);
    for (int c = 0; c < 8; c++)
        assert_true(a[c] == b[c]);
    machine_free(&m);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_attribution_sums_across_devices),
};
HS_TEST_GROUP(dev_machine_power, tests)
