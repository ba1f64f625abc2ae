/*
 * test_dvfs.c - the schedutil-like governor under sustained, partial and
 * no load, the frequency register, listeners, and CPU energy booked per
 * domain at each OPP. OPP table: Nexus S (crespo) power_profile,
 * cpu.active 55.4 / 82.1 / 113.7 / 205.4 / 259.0 mA at 100 / 200 / 400 /
 * 800 / 1000 MHz, 3.8 V.
 */
#include "harness.h"

#include <string.h>

#include "platform.h"
#include "soc_models/devices/dvfs.h"

typedef struct Changes {
    int n;
    uint32_t khz[32];
    hs_time at[32];
} Changes;

static void on_change(void *ctx, unsigned cluster, uint32_t old_khz,
                      uint32_t new_khz, hs_time when)
{
    (void)cluster;
    (void)old_khz;
    Changes *c = ctx;
    if (c->n < 32) {
        c->khz[c->n] = new_khz;
        c->at[c->n++] = when;
    }
}

typedef struct Rig {
    Sim *sim;
    Bus bus;
    PowerMeter *meter;
    DvfsState dvfs;
    Changes ch;
} Rig;

static uint64_t ua(uint64_t x)
{
    return power_uw_from_ua(x, 3800);
}

static void rig_init(Rig *r)
{
    memset(r, 0, sizeof *r);
    r->sim = sim_new(1);
    r->meter = power_meter_new(2);
    bus_init(&r->bus);
    DvfsConfig cfg = {
        .n_clusters = 1,
        .rate_limit_ps = 10 * HS_MS,
        .headroom_pct = 125,
    };
    DvfsClusterConfig *c = &cfg.clusters[0];
    c->name = "cpu";
    c->n_cores = 2;
    c->n_opps = 5;
    const uint32_t mhz[5] = {100, 200, 400, 800, 1000};
    const uint64_t mua[5] = {55400, 82100, 113700, 205400, 259000};
    for (int i = 0; i < 5; i++)
        c->opps[i] = (DvfsOpp){mhz[i] * 1000, ua(mua[i])};
    char err[128];
    assert_int_equal(
        dvfs_init(&r->dvfs, "dvfs", &cfg, r->meter, err, sizeof err), 0);
    assert_int_equal(
        bus_map(&r->bus, &r->dvfs.dev, HS_MMIO_DVFS, HS_MMIO_WINDOW), 0);
    assert_int_equal(r->dvfs.dev.ops->realize(&r->dvfs.dev, r->sim), 0);
    dvfs_add_listener(&r->dvfs, on_change, &r->ch);
}

static void rig_free(Rig *r)
{
    bus_free(&r->bus);
    power_meter_free(r->meter);
    sim_free(r->sim);
}

static uint64_t cur_khz(Rig *r)
{
    BusAccess acc = {.when = sim_now(r->sim), .domain = 0};
    uint64_t v;
    assert_true(bus_read(&r->bus, HS_MMIO_DVFS + HS_DVFS_CUR_KHZ, 4, &acc, &v));
    return v;
}

static void test_governor_up_and_down(void **state)
{
    (void)state;
    Rig r;
    rig_init(&r);
    assert_int_equal(cur_khz(&r), 100000);
    assert_int_equal(sim_pending(r.sim), 0); /* idle: no governor ticks */
    assert_int_equal(dvfs_core_run(&r.dvfs, 0, 0, 1, 0), 0);
    sim_run_until(r.sim, 200 * HS_MS);
    /* fully busy: each window asks for 1.25 x the current frequency */
    const uint32_t up[4] = {200000, 400000, 800000, 1000000};
    assert_int_equal(r.ch.n, 4);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(r.ch.khz[i], up[i]);
        assert_int_equal(r.ch.at[i], (hs_time)(i + 1) * 10 * HS_MS);
    }
    assert_int_equal(cur_khz(&r), 1000000);
    /* idle: the first window without work drops to the lowest OPP */
    assert_int_equal(dvfs_core_stop(&r.dvfs, 0, 0, 200 * HS_MS), 0);
    sim_run_until(r.sim, 220 * HS_MS);
    assert_int_equal(cur_khz(&r), 100000);
    assert_int_equal(r.ch.at[4], 210 * HS_MS);
    assert_int_equal(sim_pending(r.sim), 0); /* and the governor rests */
    assert_int_equal(dvfs_core_stop(&r.dvfs, 0, 0, 220 * HS_MS), -1);
    rig_free(&r);
}

static void test_governor_partial_load(void **state)
{
    (void)state;
    Rig r;
    rig_init(&r);
    dvfs_set_opp(&r.dvfs, 0, 4, 0); /* start at 1 GHz */
    /* 50 % busy on core 1, reported at local times ahead of the kernel
     * (as a vCPU running a quantum does) */
    for (int w = 0; w < 10; w++) {
        hs_time t = (hs_time)w * 10 * HS_MS;
        sim_run_until(r.sim, t);
        assert_int_equal(dvfs_core_run(&r.dvfs, 0, 1, 0, t), 0);
        assert_int_equal(dvfs_core_stop(&r.dvfs, 0, 1, t + 5 * HS_MS), 0);
    }
    /* 1.25 x 1 GHz x 0.5 = 625 MHz -> 800; at 800: 500 MHz -> stays 800 */
    assert_int_equal(dvfs_cur_khz(&r.dvfs, 0), 800000);
    rig_free(&r);
}

static void test_energy_per_domain_per_opp(void **state)
{
    (void)state;
    Rig r;
    rig_init(&r);
    dvfs_set_governor(&r.dvfs, 0, DVFS_GOV_FIXED, 0);
    dvfs_set_opp(&r.dvfs, 0, 2, 0); /* 400 MHz */
    dvfs_core_run(&r.dvfs, 0, 0, 1, 0);
    dvfs_core_run(&r.dvfs, 0, 1, 0, 2 * HS_MS);
    dvfs_set_opp(&r.dvfs, 0, 4, 5 * HS_MS); /* both cores now at 1 GHz */
    dvfs_core_stop(&r.dvfs, 0, 0, 10 * HS_MS);
    dvfs_core_stop(&r.dvfs, 0, 1, 12 * HS_MS);
    sim_run_until(r.sim, 20 * HS_MS);
    hs_time end = 20 * HS_MS;
    power_energy d1 = (power_energy)ua(113700) * 5 * HS_MS +
                      (power_energy)ua(259000) * 5 * HS_MS;
    power_energy d0 = (power_energy)ua(113700) * 3 * HS_MS +
                      (power_energy)ua(259000) * 7 * HS_MS;
    assert_true(power_energy_domain(r.meter, 1, end) == d1);
    assert_true(power_energy_domain(r.meter, 0, end) == d0);
    assert_true(power_energy_total(r.meter, end) == d0 + d1);
    assert_int_equal(sim_pending(r.sim), 0); /* fixed: no governor ticks */
    /* bad reports are refused */
    assert_int_equal(dvfs_core_run(&r.dvfs, 1, 0, 0, end), -1);
    assert_int_equal(dvfs_core_run(&r.dvfs, 0, 2, 0, end), -1);
    assert_int_equal(dvfs_core_run(&r.dvfs, 0, 0, 5, end), -1);
    /* the register is read-only */
    BusAccess acc = {.when = end, .domain = 0};
    bus_write(&r.bus, HS_MMIO_DVFS + HS_DVFS_CUR_KHZ, 1, 4, &acc);
    assert_int_equal(r.dvfs.dev.guest_errors, 1);
    rig_free(&r);
}

static void test_config_rejected(void **state)
{
    (void)state;
    DvfsState s;
    DvfsConfig cfg = {
        .n_clusters = 1, .rate_limit_ps = HS_MS, .headroom_pct = 125};
    cfg.clusters[0] =
        (DvfsClusterConfig){.name = "c", .n_cores = 1, .n_opps = 2};
    cfg.clusters[0].opps[0] = (DvfsOpp){500000, 1};
    cfg.clusters[0].opps[1] = (DvfsOpp){400000, 1};
    char err[128] = "";
    assert_int_equal(dvfs_init(&s, "d", &cfg, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "clusters[0]"));
    cfg.clusters[0].opps[1].freq_khz = 600000;
    assert_int_equal(dvfs_init(&s, "d", &cfg, NULL, err, sizeof err), 0);
    cfg.rate_limit_ps = 0;
    assert_int_equal(dvfs_init(&s, "d", &cfg, NULL, err, sizeof err), -1);
}

/* dvfs_idle_pulses against the rounds run one by one: a round event at
 * priority 1 (before the governor's 20, as a slice timer) runs every core
 * for width at first + i x period. */
typedef struct Rounds {
    Rig *r;
    SimEvent ev;
    hs_time period, width;
    uint64_t left; /* rounds still to run one by one */
    bool batch;    /* after the first round, book the rest at once */
    uint64_t n;    /* rounds after the first */
    int rc;        /* dvfs_idle_pulses's answer */
} Rounds;

static void round_fire(Sim *sim, void *ctx, hs_time now)
{
    Rounds *ro = ctx;
    for (unsigned k = 0; k < 2; k++) {
        assert_int_equal(dvfs_core_run(&ro->r->dvfs, 0, k, 1, now), 0);
        assert_int_equal(dvfs_core_stop(&ro->r->dvfs, 0, k, now + ro->width),
                         0);
    }
    if (ro->batch) {
        hs_time w[DVFS_MAX_CLUSTERS] = {ro->width};
        DvfsCluster before = ro->r->dvfs.cl[0];
        power_energy e = power_energy_total(ro->r->meter, now);
        size_t pending = sim_pending(sim);
        ro->rc = dvfs_idle_pulses(&ro->r->dvfs, 1, now + ro->period, ro->period,
                                  ro->n, w);
        ro->batch = false;
        if (ro->rc < 0) { /* refused: nothing changed */
            const DvfsCluster *after = &ro->r->dvfs.cl[0];
            assert_int_equal(after->window_start, before.window_start);
            assert_int_equal(after->tick.when, before.tick.when);
            assert_int_equal(sim_pending(sim), pending);
            for (unsigned k = 0; k < 2; k++)
                assert_int_equal(after->cores[k].busy_work,
                                 before.cores[k].busy_work);
            assert_true(power_energy_total(ro->r->meter, now) == e);
        }
        return;
    }
    if (ro->left-- > 0)
        sim_schedule_at(sim, &ro->ev, now + ro->period);
}

static void run_rounds(Rig *r, Rounds *ro, hs_time t0, hs_time end)
{
    ro->r = r;
    sim_event_init(&ro->ev, "round", round_fire, ro, 1);
    sim_schedule_at(r->sim, &ro->ev, t0);
    sim_run_until(r->sim, end);
}

static void check_pulses(hs_time period, hs_time width, unsigned start_opp,
                         uint64_t n, bool alike)
{
    Rig a, b;
    rig_init(&a);
    rig_init(&b);
    Rig *rigs[2] = {&a, &b};
    for (int i = 0; i < 2; i++) {
        dvfs_set_opp(&rigs[i]->dvfs, 0, start_opp, 0);
        /* a non-zero idle power, so the rests between rounds count */
        for (unsigned k = 0; k < 2; k++)
            power_state_set_power(rigs[i]->meter, (int)k, 0, 7, 0);
    }
    hs_time t0 = 3 * HS_MS, end = t0 + (n + 3) * period;
    Rounds ra = {.period = period, .width = width, .left = n};
    Rounds rb = {.period = period, .width = width, .batch = true, .n = n};
    run_rounds(&a, &ra, t0, end);
    run_rounds(&b, &rb, t0, end);
    if (!alike) {
        assert_int_equal(rb.rc, -1); /* round_fire checked nothing changed */
        rig_free(&a);
        rig_free(&b);
        return;
    }
    assert_int_equal(rb.rc, 0);
    assert_int_equal(a.ch.n, b.ch.n);
    assert_int_equal(dvfs_cur_opp(&a.dvfs, 0), dvfs_cur_opp(&b.dvfs, 0));
    assert_int_equal(a.dvfs.cl[0].window_start, b.dvfs.cl[0].window_start);
    assert_int_equal(sim_pending(a.sim), sim_pending(b.sim));
    assert_int_equal(sim_next_time(a.sim), sim_next_time(b.sim));
    for (unsigned k = 0; k < 2; k++) {
        const DvfsCore *ca = &a.dvfs.cl[0].cores[k];
        const DvfsCore *cb = &b.dvfs.cl[0].cores[k];
        assert_int_equal(ca->busy_work, cb->busy_work);
        assert_int_equal(ca->run_start, cb->run_start);
        for (int st = 0; st < 6; st++) {
            assert_true(power_energy_state(a.meter, (int)k, st, end) ==
                        power_energy_state(b.meter, (int)k, st, end));
            assert_int_equal(power_residency_ps(a.meter, (int)k, st, end),
                             power_residency_ps(b.meter, (int)k, st, end));
        }
        for (int d = 0; d < 2; d++)
            assert_true(
                power_energy_component_domain(a.meter, (int)k, d, end) ==
                power_energy_component_domain(b.meter, (int)k, d, end));
        assert_true(power_energy_component_domain(a.meter, (int)k,
                                                  POWER_UNATTRIBUTED, end) ==
                    power_energy_component_domain(b.meter, (int)k,
                                                  POWER_UNATTRIBUTED, end));
    }
    assert_true(power_energy_total(a.meter, end) > 0);
    rig_free(&a);
    rig_free(&b);
}

static void test_idle_pulses_exact(void **state)
{
    (void)state;
    /* the governor's period (10 ms) equal to, a multiple of, shorter and
     * longer than the rounds' and not commensurate with it */
    check_pulses(10 * HS_MS, 23 * HS_US, 0, 500, true);
    check_pulses(5 * HS_MS, 23 * HS_US, 0, 333, true);
    check_pulses(3 * HS_MS + 7, 1 * HS_MS, 0, 1000, true);
    check_pulses(25 * HS_MS, 2 * HS_MS, 0, 100, true);
    check_pulses(10 * HS_MS, 1 * HS_MS, 0, 50, true);
    /* long runs, their repeating cycles skipped: of 2 and 3 rounds, of
     * 10 rounds of 1 ms + 1 ps (the idle ticks fall at a different place
     * in the round each time) and with OPP 1's work carried over */
    check_pulses(10 * HS_MS, 40 * HS_US, 0, 100001, true);
    check_pulses(4 * HS_MS, 40 * HS_US, 0, 20000, true);
    check_pulses(HS_MS + 1, 40 * HS_US, 0, 20000, true);
    check_pulses(9 * HS_MS + 1, 4 * HS_MS, 0, 20000, true);
    /* the governor would move the OPP: at 1 GHz with little work, or at
     * 100 MHz fully busy or with 24 ms of work in 25: refused */
    check_pulses(HS_MS, HS_MS, 0, 50, false);
    check_pulses(10 * HS_MS, 23 * HS_US, 4, 50, false);
    check_pulses(25 * HS_MS, 24 * HS_MS, 0, 100, false);
    /* width 0 or beyond the period: refused */
    check_pulses(10 * HS_MS, 11 * HS_MS, 0, 50, false);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_idle_pulses_exact),
    cmocka_unit_test(test_governor_up_and_down),
    cmocka_unit_test(test_governor_partial_load),
    cmocka_unit_test(test_energy_per_domain_per_opp),
    cmocka_unit_test(test_config_rejected),
};
HS_TEST_GROUP(dev_dvfs, tests)
