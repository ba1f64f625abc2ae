/*
 * test_power.c - the energy meter: hand-computed energies for the ref-2013
 * (Nexus 5 hammerhead power_profile, 3.8 V) figures, exact attribution,
 * observers, battery projection and 24 h / 213-day integration.
 */
#include "harness.h"

#include "power/meter.h"

/* ref-2013 figures: power_profile.xml of hammerhead, currents in uA. */
#define REF_MV 3800
#define REF_AWAKE_IDLE_UA 17400 /* cpu.idle 17.4 mA */
#define REF_SUSPEND_UA 3200     /* cpu.suspend 3.2 mA */

static void test_awake_idle_60s(void **state)
{
    (void)state;
    PowerMeter *m = power_meter_new(2);
    assert_non_null(m);
    int ap = power_component_add(m, "ap");
    int awake = power_state_add(m, ap, "awake-idle",
                                power_uw_from_ua(REF_AWAKE_IDLE_UA, REF_MV));
    assert_int_equal(power_component_power_uw(m, ap), 66120);
    power_energy e = power_energy_total(m, 60 * HS_S);
    /* 60 s x 17.4 mA x 3.8 V = 3,967.2 mJ, exactly */
    assert_true(e == (power_energy)39672 * POWER_UWPS_PER_MJ / 10);
    assert_true(power_energy_to_mj(e) > 3967.2 * 0.999);
    assert_true(power_energy_to_mj(e) < 3967.2 * 1.001);
    assert_int_equal(power_residency_ps(m, ap, awake, 60 * HS_S), 60 * HS_S);
    power_meter_free(m);
}

static void test_suspended_60s(void **state)
{
    (void)state;
    PowerMeter *m = power_meter_new(1);
    int ap = power_component_add(m, "ap");
    power_state_add(m, ap, "awake-idle",
                    power_uw_from_ua(REF_AWAKE_IDLE_UA, REF_MV));
    int susp = power_state_add(m, ap, "suspended",
                               power_uw_from_ua(REF_SUSPEND_UA, REF_MV));
    assert_int_equal(power_set_state(m, ap, susp, NULL, 0), 0);
    power_energy e = power_energy_component(m, ap, 60 * HS_S);
    /* 60 s x 3.2 mA x 3.8 V = 729.6 mJ */
    assert_true(e == (power_energy)7296 * POWER_UWPS_PER_MJ / 10);
    assert_true(power_energy_domain(m, POWER_UNATTRIBUTED, 60 * HS_S) == e);
    power_meter_free(m);
}

static void test_attribution_sums(void **state)
{
    (void)state;
    PowerMeter *m = power_meter_new(3);
    int radio = power_component_add(m, "radio");
    power_state_add(m, radio, "idle", 1000);
    int tail = power_state_add(m, radio, "tail", 1060000);
    int cpu = power_component_add(m, "cpu0");
    power_state_add(m, cpu, "idle", 0);
    int act = power_state_add(m, cpu, "active", 220020);

    PowerAttr shared = power_attr_none();
    assert_int_equal(power_attr_add(&shared, 0, 1), 0);
    assert_int_equal(power_attr_add(&shared, 2, 2), 0);
    assert_int_equal(power_attr_add(&shared, 99, 1), -1);
    power_set_state(m, radio, tail, &shared, 1 * HS_S);
    PowerAttr d1 = power_attr_domain(1);
    power_set_state(m, cpu, act, &d1, 2 * HS_S);
    power_set_state(m, radio, 0, NULL, 11 * HS_S);
    /* an odd interval so the 1:2 split leaves a remainder */
    power_set_state(m, cpu, 0, NULL, 2 * HS_S + 7);
    power_set_state(m, radio, tail, &shared, 12 * HS_S);
    power_set_state(m, radio, 0, NULL, 12 * HS_S + 1);

    hs_time end = 20 * HS_S;
    power_energy total = power_energy_total(m, end);
    power_energy sum = power_energy_domain(m, POWER_UNATTRIBUTED, end);
    for (int d = 0; d < 3; d++)
        sum += power_energy_domain(m, d, end);
    assert_true(sum == total);
    /* radio tail: 10 s + 1 ps at 1.06 W, split 1:2 between domains 0, 2 */
    power_energy tail_e = (power_energy)1060000 * (10 * HS_S + 1);
    power_energy d0 = power_energy_component_domain(m, radio, 0, end);
    power_energy d2 = power_energy_component_domain(m, radio, 2, end);
    assert_true(d0 + d2 == tail_e);
    assert_true(d0 == tail_e / 3);
    assert_true(power_energy_component_domain(m, cpu, 1, end) ==
                (power_energy)220020 * 7);
    assert_true(power_energy_state(m, radio, tail, end) == tail_e);
    power_meter_free(m);
}

typedef struct Seen {
    int n;
    int last_old, last_new;
    uint64_t last_uw;
    hs_time last_when;
} Seen;

static void observe(void *ctx, const PowerChange *c)
{
    Seen *s = ctx;
    s->n++;
    s->last_old = c->old_state;
    s->last_new = c->new_state;
    s->last_uw = c->power_uw;
    s->last_when = c->when;
}

static void test_observers_and_lumps(void **state)
{
    (void)state;
    PowerMeter *m = power_meter_new(1);
    Seen seen = {0};
    assert_int_equal(power_add_observer(m, observe, &seen), 0);
    int gpu = power_component_add(m, "gpu");
    power_state_add(m, gpu, "idle", 10);
    int act = power_state_add(m, gpu, "active", 500000);
    power_set_state(m, gpu, act, NULL, 5 * HS_MS);
    assert_int_equal(seen.n, 1);
    assert_int_equal(seen.last_old, 0);
    assert_int_equal(seen.last_new, act);
    assert_int_equal(seen.last_uw, 500000);
    assert_int_equal(seen.last_when, 5 * HS_MS);
    power_set_state(m, gpu, act, NULL, 6 * HS_MS); /* no change: silent */
    assert_int_equal(seen.n, 1);
    /* a time before the last change is taken as the last change */
    power_set_state(m, gpu, 0, NULL, 1 * HS_MS);
    assert_int_equal(seen.last_when, 6 * HS_MS);
    power_add_energy(m, gpu, 3 * POWER_UWPS_PER_UJ, NULL, 6 * HS_MS);
    power_energy e = power_energy_total(m, 6 * HS_MS);
    assert_true(e == (power_energy)10 * 5 * HS_MS +
                         (power_energy)500000 * HS_MS + 3 * POWER_UWPS_PER_UJ);
    assert_int_equal(power_set_state(m, gpu, 7, NULL, 7 * HS_MS), -1);
    assert_int_equal(power_state_add(m, gpu, "absurd", POWER_MAX_UW + 1), -1);
    power_meter_free(m);
}

static void test_24h_no_drift(void **state)
{
    (void)state;
    PowerMeter *m = power_meter_new(2);
    int ap = power_component_add(m, "ap");
    int idle = power_state_add(m, ap, "awake-idle", 66120);
    int susp = power_state_add(m, ap, "suspended", 12160);
    /* alternate every 1 s + 3 ps (a period that is no round number) */
    hs_time t = 0, step = HS_S + 3, in_idle = 0, in_susp = 0;
    int cur = idle;
    while (t + step <= HS_DAY) {
        t += step;
        if (cur == idle)
            in_idle += step;
        else
            in_susp += step;
        cur = cur == idle ? susp : idle;
        power_set_state(m, ap, cur, NULL, t);
    }
    if (cur == idle)
        in_idle += HS_DAY - t;
    else
        in_susp += HS_DAY - t;
    power_energy want =
        (power_energy)66120 * in_idle + (power_energy)12160 * in_susp;
    assert_true(power_energy_total(m, HS_DAY) == want);
    assert_int_equal(power_residency_ps(m, ap, idle, HS_DAY) +
                         power_residency_ps(m, ap, susp, HS_DAY),
                     HS_DAY);
    power_meter_free(m);

    /* the whole range of hs_time at the largest power: no overflow */
    m = power_meter_new(1);
    int big = power_component_add(m, "big");
    power_state_add(m, big, "max", POWER_MAX_UW);
    power_energy e = power_energy_total(m, HS_TIME_MAX);
    assert_true(e == (power_energy)POWER_MAX_UW * HS_TIME_MAX);
    assert_true(e / HS_TIME_MAX == POWER_MAX_UW);
    power_meter_free(m);
}

static void test_battery_projection(void **state)
{
    (void)state;
    /* 2300 mAh x 3.8 V / 66.12 mW = 132.18 h */
    double h = power_battery_life_h(2300, 3800, 66120);
    assert_true(h > 132.18 * 0.999 && h < 132.18 * 1.001);
    assert_true(power_battery_life_h(2300, 3800, 0) == 0.0);
    PowerMeter *m = power_meter_new(1);
    int ap = power_component_add(m, "ap");
    power_state_add(m, ap, "awake-idle", 66120);
    int s = power_state_add(m, ap, "suspended", 12160);
    power_set_state(m, ap, s, NULL, HS_HOUR);
    /* 1 h at 66.12 mW + 3 h at 12.16 mW: average 25.65 mW */
    assert_int_equal(power_avg_power_uw(m, 4 * HS_HOUR), 25650);
    power_meter_free(m);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_awake_idle_60s),
    cmocka_unit_test(test_suspended_60s),
    cmocka_unit_test(test_attribution_sums),
    cmocka_unit_test(test_observers_and_lumps),
    cmocka_unit_test(test_24h_no_drift),
    cmocka_unit_test(test_battery_projection),
};
HS_TEST_GROUP(power_meter, tests)
