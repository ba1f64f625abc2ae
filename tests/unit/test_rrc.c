/*
 * test_rrc.c - the LTE RRC model against hand-computed answers from the
 * figures of soc_models/ref-2013.json (AT&T ARO lte.conf).
 */
#include "harness.h"

#include <string.h>

#include "baseband/rrc.h"
#include "config/soc.h"

typedef struct Rig {
    SocModel *soc;
    Sim *sim;
    PowerMeter *meter;
    Rrc rrc;
} Rig;

static void rig_init(Rig *r)
{
    char path[512], err[256];
    memset(r, 0, sizeof *r);
    r->soc =
        soc_load(hs_test_path("soc_models/ref-2013.json", path, sizeof path),
                 err, sizeof err);
    assert_non_null(r->soc);
    r->sim = sim_new(1);
    r->meter = power_meter_new(2);
    RrcConfig cfg;
    rrc_config_from_soc(&cfg, r->soc);
    assert_int_equal(rrc_init(&r->rrc, r->sim, r->meter, &cfg, err, sizeof err),
                     0);
}

static void rig_free(Rig *r)
{
    sim_cancel(r->sim, &r->rrc.next);
    power_meter_free(r->meter);
    sim_free(r->sim);
    soc_free(r->soc);
}

static double radio_mj(Rig *r, hs_time at)
{
    return power_energy_to_mj(
        power_energy_component(r->meter, r->rrc.comp, at));
}

/* Within 1 % of the hand computation. */
static void assert_near(double got, double want)
{
    double d = got > want ? got - want : want - got;
    if (d > want / 100) {
        print_error("got %.4f, want %.4f (+-1 %%)\n", got, want);
        fail();
    }
}

/* Idle: 0.594 W for 43 ms every 1.28 s and nothing in between: the SoC
 * file's idle floor is 0, radio.on's camped average being the pings'
 * (19.95 mW averaged), so paging is counted once. */
static void test_idle_paging_energy(void **state)
{
    (void)state;
    Rig r;
    rig_init(&r);
    assert_int_equal(r.soc->radio.idle_uw, 0);
    sim_run_until(r.sim, 12800 * HS_MS);
    double per_cycle = 0.043 * 594; /* mJ */
    assert_near(radio_mj(&r, 12800 * HS_MS), 10 * per_cycle);
    /* the pings are where the file puts them */
    sim_run_until(r.sim, 12800 * HS_MS + 10 * HS_MS);
    assert_int_equal(rrc_state(&r.rrc), RRC_IDLE_PAGING);
    sim_run_until(r.sim, 12800 * HS_MS + 50 * HS_MS);
    assert_int_equal(rrc_state(&r.rrc), RRC_IDLE);
    rig_free(&r);
}

/* One 100-byte uplink packet from RRC_IDLE: promotion + transfer + tail,
 * then idle again after inactivity + short DRX + long-DRX tail. */
static void test_small_uplink_from_idle(void **state)
{
    (void)state;
    Rig r;
    rig_init(&r);
    hs_time t0 = 2000 * HS_MS; /* 0.72 s into a paging cycle: idle */
    sim_run_until(r.sim, t0);
    assert_int_equal(rrc_state(&r.rrc), RRC_IDLE);
    double e0 = radio_mj(&r, t0);
    hs_time through = rrc_transfer(&r.rrc, t0, 100, RRC_UP, 0);
    /* 800 bits at 5.64 Mbit/s = 141.843971... us */
    hs_time xfer = 800ULL * 1000000000ULL / 5640;
    assert_int_equal(through, t0 + 260 * HS_MS + xfer);
    assert_int_equal(rrc_state(&r.rrc), RRC_PROMOTION);

    hs_time idle_at = through + 100 * HS_MS + 20 * HS_MS + 10 * HS_S;
    sim_run_until(r.sim, idle_at - 1);
    assert_int_equal(rrc_state(&r.rrc), RRC_LONG_DRX_OFF);
    sim_run_until(r.sim, idle_at);
    assert_false(rrc_connected(&r.rrc));
    assert_int_equal(r.rrc.promotions, 1);
    assert_int_equal(r.rrc.demotions, 1);

    double promotion = 0.260 * 1210;                          /* 314.6 mJ */
    double transfer = 141.843971e-6 * (1200 + 438.39 * 5.64); /* 0.52 mJ */
    double inactivity = 0.100 * 1060;                         /* 106 mJ */
    double short_drx = 0.002 * 1680 + 0.018 * 1060;           /* 22.44 mJ */
    double long_drx = 250 * (0.002 * 1680 + 0.038 * 1060);    /* 10910 mJ */
    double want = promotion + transfer + inactivity + short_drx + long_drx;
    double got = radio_mj(&r, idle_at) - e0;
    print_message("rrc: one 100-byte uplink packet from idle: %.3f mJ "
                  "(hand: %.3f mJ), idle again after %.6f s\n",
                  got, want, (double)(idle_at - t0) / HS_S);
    assert_near(got, want);
    /* everything but idle was caused by domain 0 */
    assert_near(power_energy_to_mj(power_energy_component_domain(
                    r.meter, r.rrc.comp, 0, idle_at)),
                want);
    rig_free(&r);
}

/* Downlink in idle waits for the paging occasion, then promotes. */
static void test_downlink_waits_for_paging(void **state)
{
    (void)state;
    Rig r;
    rig_init(&r);
    sim_run_until(r.sim, 2000 * HS_MS);
    hs_time through = rrc_transfer(&r.rrc, 2000 * HS_MS, 1000, RRC_DOWN, 1);
    hs_time xfer = 8000ULL * 1000000000ULL / 12740;
    assert_int_equal(through, 2560 * HS_MS + 260 * HS_MS + xfer);
    sim_run_until(r.sim, 2559 * HS_MS);
    assert_int_equal(rrc_state(&r.rrc), RRC_IDLE);
    sim_run_until(r.sim, 2561 * HS_MS);
    assert_int_equal(rrc_state(&r.rrc), RRC_PROMOTION);
    sim_run_until(r.sim, through);
    assert_int_equal(rrc_state(&r.rrc), RRC_TAIL);
    rig_free(&r);
}

/* A packet in long DRX goes out at once and restarts the tail. */
static void test_packet_in_tail_restarts_timers(void **state)
{
    (void)state;
    Rig r;
    rig_init(&r);
    hs_time first = rrc_transfer(&r.rrc, 0, 100, RRC_UP, 0);
    hs_time t1 = first + 5 * HS_S;
    sim_run_until(r.sim, t1);
    assert_true(rrc_connected(&r.rrc));
    hs_time second = rrc_transfer(&r.rrc, t1, 100, RRC_UP, 0);
    assert_int_equal(second, t1 + 800ULL * 1000000000ULL / 5640);
    sim_run_until(r.sim, second + 10 * HS_S);
    assert_true(rrc_connected(&r.rrc)); /* the tail restarted */
    sim_run_until(r.sim, second + 10120 * HS_MS);
    assert_false(rrc_connected(&r.rrc));
    assert_int_equal(r.rrc.promotions, 1);
    rig_free(&r);
}

static void test_dead_radio(void **state)
{
    (void)state;
    Rig r;
    rig_init(&r);
    sim_run_until(r.sim, HS_S);
    rrc_set_dead(&r.rrc, HS_S);
    assert_int_equal(rrc_transfer(&r.rrc, HS_S, 100, RRC_UP, 0), HS_TIME_MAX);
    double e = radio_mj(&r, HS_S);
    sim_run_until(r.sim, 5 * HS_S);
    assert_near(radio_mj(&r, 5 * HS_S) + 1e-9, e + 1e-9);
    assert_int_equal(rrc_state(&r.rrc), RRC_DEAD);
    rig_free(&r);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_idle_paging_energy),
    cmocka_unit_test(test_small_uplink_from_idle),
    cmocka_unit_test(test_downlink_waits_for_paging),
    cmocka_unit_test(test_packet_in_tail_restarts_timers),
    cmocka_unit_test(test_dead_radio),
};

HS_TEST_GROUP(rrc, tests)
