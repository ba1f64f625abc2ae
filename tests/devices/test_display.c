/*
 * test_display.c - panel power with the ref-2013 figures (Nexus 5
 * hammerhead power_profile: screen.on 82.75 mA, screen.full 201.16 mA,
 * 3.8 V), foreground attribution, and vsync-aligned flips.
 */
#include "harness.h"

#include <string.h>

#include "platform.h"
#include "soc_models/devices/display.h"

#define SCREEN_ON_UW 314450   /* 82.75 mA x 3.8 V */
#define SCREEN_FULL_UW 764408 /* 201.16 mA x 3.8 V */

typedef struct Rig {
    Sim *sim;
    Bus bus;
    PowerMeter *meter;
    DisplayState disp;
} Rig;

static void rig_init(Rig *r)
{
    memset(r, 0, sizeof *r);
    r->sim = sim_new(1);
    r->meter = power_meter_new(2);
    bus_init(&r->bus);
    DisplayConfig cfg = {
        .width = 1080,
        .height = 1920,
        .refresh_hz = 60,
        .off_uw = 0,
        .on_uw = power_uw_from_ua(82750, 3800),
        .full_uw = power_uw_from_ua(201160, 3800),
    };
    assert_int_equal(cfg.on_uw, SCREEN_ON_UW);
    assert_int_equal(cfg.full_uw, SCREEN_FULL_UW);
    char err[128];
    assert_int_equal(
        display_init(&r->disp, "display", &cfg, r->meter, err, sizeof err), 0);
    assert_int_equal(
        bus_map(&r->bus, &r->disp.dev, HS_MMIO_DISPLAY, HS_MMIO_WINDOW), 0);
    assert_int_equal(r->disp.dev.ops->realize(&r->disp.dev, r->sim), 0);
}

static void rig_free(Rig *r)
{
    bus_free(&r->bus);
    power_meter_free(r->meter);
    sim_free(r->sim);
}

static void wr(Rig *r, uint64_t off, uint64_t v, hs_time when)
{
    BusAccess acc = {.when = when, .domain = 1};
    assert_true(bus_write(&r->bus, HS_MMIO_DISPLAY + off, v, 4, &acc));
}

static uint64_t rd(Rig *r, uint64_t off)
{
    BusAccess acc = {.when = sim_now(r->sim), .domain = 1};
    uint64_t v;
    assert_true(bus_read(&r->bus, HS_MMIO_DISPLAY + off, 4, &acc, &v));
    return v;
}

static void test_display_on_10s(void **state)
{
    (void)state;
    Rig r;
    rig_init(&r);
    display_set_foreground(&r.disp, 1, 0);
    wr(&r, HS_DISPLAY_BRIGHTNESS, 0, 0);
    wr(&r, HS_DISPLAY_CTRL, 1, 0);
    wr(&r, HS_DISPLAY_CTRL, 0, 10 * HS_S);
    hs_time end = 20 * HS_S;
    power_energy e = power_energy_total(r.meter, end);
    /* 10 s x 82.75 mA x 3.8 V = 3,144.5 mJ */
    assert_true(e == (power_energy)31445 * POWER_UWPS_PER_MJ / 10);
    double mj = power_energy_to_mj(e);
    assert_true(mj > 3144.5 * 0.999 && mj < 3144.5 * 1.001);
    assert_true(power_energy_domain(r.meter, 1, end) == e);
    assert_int_equal(rd(&r, HS_DISPLAY_WIDTH), 1080);
    assert_int_equal(rd(&r, HS_DISPLAY_HEIGHT), 1920);
    rig_free(&r);
}

static void test_brightness_scaling(void **state)
{
    (void)state;
    Rig r;
    rig_init(&r);
    assert_int_equal(display_power_uw(&r.disp, false, 255), 0);
    assert_int_equal(display_power_uw(&r.disp, true, 255),
                     SCREEN_ON_UW + SCREEN_FULL_UW);
    assert_int_equal(display_power_uw(&r.disp, true, 128),
                     SCREEN_ON_UW + SCREEN_FULL_UW * 128 / 255);
    wr(&r, HS_DISPLAY_CTRL, 1, 0);
    wr(&r, HS_DISPLAY_BRIGHTNESS, 255, 0);
    wr(&r, HS_DISPLAY_BRIGHTNESS, 128, HS_S);
    wr(&r, HS_DISPLAY_BRIGHTNESS, 999, 2 * HS_S); /* clamped, logged */
    assert_int_equal(r.disp.dev.guest_errors, 1);
    assert_int_equal(rd(&r, HS_DISPLAY_BRIGHTNESS), 255);
    power_energy e = power_energy_total(r.meter, 3 * HS_S);
    power_energy want =
        (power_energy)(SCREEN_ON_UW + SCREEN_FULL_UW) * 2 * HS_S +
        (power_energy)(SCREEN_ON_UW + SCREEN_FULL_UW * 128 / 255) * HS_S;
    assert_true(e == want);
    /* no foreground: unattributed */
    assert_true(power_energy_domain(r.meter, POWER_UNATTRIBUTED, 3 * HS_S) ==
                e);
    rig_free(&r);
}

static void test_flips_at_vsync(void **state)
{
    (void)state;
    Rig r;
    rig_init(&r);
    hs_time period = HS_S / 60;
    wr(&r, HS_DISPLAY_FLIP, 1, 0); /* off: guest error */
    assert_int_equal(r.disp.dev.guest_errors, 1);
    wr(&r, HS_DISPLAY_CTRL, 1, 0);
    sim_run_until(r.sim, 5 * HS_MS);
    wr(&r, HS_DISPLAY_FLIP, 1, 5 * HS_MS);
    wr(&r, HS_DISPLAY_FLIP, 1, 6 * HS_MS); /* merged */
    sim_run_until(r.sim, period - 1);
    assert_int_equal(rd(&r, HS_DISPLAY_FRAMES), 0);
    sim_run_until(r.sim, period);
    assert_int_equal(rd(&r, HS_DISPLAY_FRAMES), 1);
    assert_int_equal(r.disp.irq.edges, 1);
    assert_int_equal(r.disp.flips_merged, 1);
    wr(&r, HS_DISPLAY_FLIP, 1, period); /* exactly at a vsync: next one */
    sim_run_until(r.sim, 3 * period);
    assert_int_equal(rd(&r, HS_DISPLAY_FRAMES), 2);
    assert_int_equal(sim_pending(r.sim), 0);
    rig_free(&r);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_display_on_10s),
    cmocka_unit_test(test_brightness_scaling),
    cmocka_unit_test(test_flips_at_vsync),
};
HS_TEST_GROUP(dev_display, tests)
