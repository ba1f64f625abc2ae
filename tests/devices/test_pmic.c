/*
 * test_pmic.c - wakelock counting, suspend/resume sequencing, the policy
 * hook and the ref-2013 awake-idle / suspend energies (Nexus 5 hammerhead
 * power_profile at 3.8 V), all through the bus with no CPU.
 */
#include "harness.h"

#include <string.h>

#include "platform.h"
#include "soc_models/devices/pmic.h"

#define MV 3800
/* Test transition figures (inputs, not claims about a phone). */
#define ENTRY_PS (110 * HS_US)
#define EXIT_PS (15 * HS_US)
#define ENTRY_NJ 250000 /* 250 uJ */
#define EXIT_NJ 180000  /* 180 uJ */

typedef struct Log {
    int n;
    int states[16];
    hs_time times[16];
} Log;

static void listen(void *ctx, int old_state, int new_state, hs_time when)
{
    (void)old_state;
    Log *l = ctx;
    if (l->n < 16) {
        l->states[l->n] = new_state;
        l->times[l->n++] = when;
    }
}

typedef struct Rig {
    Sim *sim;
    Bus bus;
    PowerMeter *meter;
    PmicState pmic;
    Log log;
} Rig;

static void rig_init(Rig *r, hs_time autosleep)
{
    memset(r, 0, sizeof *r);
    r->sim = sim_new(1);
    r->meter = power_meter_new(2);
    bus_init(&r->bus);
    PmicConfig cfg = {
        .awake_idle_uw = power_uw_from_ua(17400, MV), /* cpu.idle */
        .suspend_uw = power_uw_from_ua(3200, MV),     /* cpu.suspend */
        .suspend_entry_ps = ENTRY_PS,
        .resume_exit_ps = EXIT_PS,
        .suspend_entry_nj = ENTRY_NJ,
        .resume_exit_nj = EXIT_NJ,
        .autosleep_delay_ps = autosleep,
    };
    pmic_init(&r->pmic, "pmic", &cfg, r->meter);
    assert_int_equal(
        bus_map(&r->bus, &r->pmic.dev, HS_MMIO_PMIC, HS_MMIO_WINDOW), 0);
    pmic_add_listener(&r->pmic, listen, &r->log);
}

static void rig_realize(Rig *r)
{
    assert_int_equal(r->pmic.dev.ops->realize(&r->pmic.dev, r->sim), 0);
}

static void rig_free(Rig *r)
{
    r->pmic.dev.ops->destroy(&r->pmic.dev);
    bus_free(&r->bus);
    power_meter_free(r->meter);
    sim_free(r->sim);
}

static void wr(Rig *r, int domain, uint64_t off, uint64_t v)
{
    BusAccess acc = {.when = sim_now(r->sim), .domain = domain};
    assert_true(bus_write(&r->bus, HS_MMIO_PMIC + off, v, 4, &acc));
}

static uint64_t rd(Rig *r, int domain, uint64_t off)
{
    BusAccess acc = {.when = sim_now(r->sim), .domain = domain};
    uint64_t v;
    assert_true(bus_read(&r->bus, HS_MMIO_PMIC + off, 4, &acc, &v));
    return v;
}

static void test_wakelock_counting(void **state)
{
    (void)state;
    Rig r;
    rig_init(&r, 0);
    rig_realize(&r);
    wr(&r, 0, HS_PMIC_WL_ACQUIRE, 3);
    wr(&r, 0, HS_PMIC_WL_ACQUIRE, 3);
    wr(&r, 0, HS_PMIC_WL_ACQUIRE, 5);
    wr(&r, 1, HS_PMIC_WL_ACQUIRE, 3);
    assert_int_equal(rd(&r, 0, HS_PMIC_WL_HELD), 2);
    assert_int_equal(rd(&r, 1, HS_PMIC_WL_HELD), 1);
    wr(&r, 0, HS_PMIC_WL_RELEASE, 3); /* still held once */
    assert_int_equal(rd(&r, 0, HS_PMIC_WL_HELD), 2);
    wr(&r, 0, HS_PMIC_WL_RELEASE, 5);
    wr(&r, 0, HS_PMIC_WL_RELEASE, 5);              /* not held: guest error */
    wr(&r, 0, HS_PMIC_WL_ACQUIRE, HS_PMIC_WL_MAX); /* bad id */
    assert_int_equal(r.pmic.dev.guest_errors, 2);
    assert_int_equal(rd(&r, 0, HS_PMIC_WL_HELD), 1);
    assert_int_equal(pmic_counted_holds(&r.pmic), 2);
    /* named host locks are counted too */
    assert_int_equal(pmic_host_acquire(&r.pmic, "radio", 0), 0);
    assert_int_equal(pmic_host_acquire(&r.pmic, "radio", 0), 0);
    assert_int_equal(pmic_held(&r.pmic, BUS_DOMAIN_HOST), 1);
    assert_int_equal(pmic_host_release(&r.pmic, "radio", 0), 0);
    assert_int_equal(pmic_host_release(&r.pmic, "radio", 0), 0);
    assert_int_equal(pmic_host_release(&r.pmic, "radio", 0), -1);
    /* held locks keep the AP awake */
    sim_run_until(r.sim, HS_S);
    assert_int_equal(rd(&r, 0, HS_PMIC_STATE), HS_PMIC_ST_AWAKE);
    rig_free(&r);
}

static void test_awake_idle_60s(void **state)
{
    (void)state;
    Rig r;
    rig_init(&r, 0);
    rig_realize(&r);
    wr(&r, 0, HS_PMIC_WL_ACQUIRE, 1);
    sim_run_until(r.sim, 60 * HS_S);
    assert_int_equal(pmic_state(&r.pmic), HS_PMIC_ST_AWAKE);
    power_energy e = power_energy_total(r.meter, 60 * HS_S);
    /* 60 s x 17.4 mA x 3.8 V = 3,967.2 mJ; the holder pays it */
    assert_true(e == (power_energy)39672 * POWER_UWPS_PER_MJ / 10);
    assert_true(power_energy_domain(r.meter, 0, 60 * HS_S) == e);
    double mj = power_energy_to_mj(e);
    assert_true(mj > 3967.2 * 0.999 && mj < 3967.2 * 1.001);
    rig_free(&r);
}

static void test_suspended_60s(void **state)
{
    (void)state;
    Rig r;
    rig_init(&r, 0);
    rig_realize(&r); /* no lock: autosleep starts entry at once */
    sim_run_until(r.sim, ENTRY_PS);
    assert_int_equal(pmic_state(&r.pmic), HS_PMIC_ST_SUSPENDED);
    hs_time end = ENTRY_PS + 60 * HS_S;
    sim_run_until(r.sim, end);
    int ap = power_component_find(r.meter, "ap");
    /* 60 s x 3.2 mA x 3.8 V = 729.6 mJ in the suspended state */
    power_energy susp =
        power_energy_state(r.meter, ap, HS_PMIC_ST_SUSPENDED, end);
    assert_true(susp == (power_energy)7296 * POWER_UWPS_PER_MJ / 10);
    /* plus exactly the entry energy; all of it unattributed */
    power_energy total = power_energy_total(r.meter, end);
    assert_true(total == susp + (power_energy)ENTRY_NJ * 1000000000u);
    assert_true(power_energy_domain(r.meter, POWER_UNATTRIBUTED, end) == total);
    assert_int_equal(rd(&r, 0, HS_PMIC_SUSPENDS), 1);
    rig_free(&r);
}

static void test_suspend_resume_cycle(void **state)
{
    (void)state;
    Rig r;
    hs_time delay = 2 * HS_S;
    rig_init(&r, delay);
    rig_realize(&r);
    IrqLine *irq = &r.pmic.irq;
    wr(&r, 0, HS_PMIC_WL_ACQUIRE, 7);
    sim_run_until(r.sim, 10 * HS_S);
    wr(&r, 0, HS_PMIC_WL_RELEASE, 7); /* t = 10 s */
    sim_run_until(r.sim, 10 * HS_S + delay - 1);
    assert_int_equal(pmic_state(&r.pmic), HS_PMIC_ST_AWAKE);
    sim_run_until(r.sim, 10 * HS_S + delay);
    assert_int_equal(rd(&r, 0, HS_PMIC_STATE), HS_PMIC_ST_SUSPENDING);
    sim_run_until(r.sim, 30 * HS_S);
    assert_int_equal(rd(&r, 0, HS_PMIC_STATE), HS_PMIC_ST_SUSPENDED);
    pmic_wake(&r.pmic, 30 * HS_S); /* e.g. an incoming page */
    assert_int_equal(rd(&r, 0, HS_PMIC_STATE), HS_PMIC_ST_RESUMING);
    sim_run_until(r.sim, 30 * HS_S + EXIT_PS - 1);
    assert_int_equal(irq->edges, 0);
    sim_run_until(r.sim, 30 * HS_S + EXIT_PS);
    assert_int_equal(pmic_state(&r.pmic), HS_PMIC_ST_AWAKE);
    assert_int_equal(irq->edges, 1);

    /* the sequence and its timing */
    const int want[4] = {HS_PMIC_ST_SUSPENDING, HS_PMIC_ST_SUSPENDED,
                         HS_PMIC_ST_RESUMING, HS_PMIC_ST_AWAKE};
    const hs_time at[4] = {12 * HS_S, 12 * HS_S + ENTRY_PS, 30 * HS_S,
                           30 * HS_S + EXIT_PS};
    assert_int_equal(r.log.n, 4);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(r.log.states[i], want[i]);
        assert_int_equal(r.log.times[i], at[i]);
    }

    /* energy: awake + suspended time at their powers + both lumps */
    hs_time end = 31 * HS_S;
    sim_run_until(r.sim, end - 1); /* autosleep is pending again at 32+ s */
    hs_time awake = 12 * HS_S + (end - at[3]);
    hs_time asleep = at[2] - at[1];
    power_energy want_e = (power_energy)66120 * awake +
                          (power_energy)12160 * asleep +
                          (power_energy)(ENTRY_NJ + EXIT_NJ) * 1000000000u;
    assert_true(power_energy_total(r.meter, end) == want_e);
    /* the cycle added exactly the configured transition energy */
    power_energy no_cycle =
        (power_energy)66120 * awake + (power_energy)12160 * asleep;
    assert_true(want_e - no_cycle ==
                (power_energy)(ENTRY_NJ + EXIT_NJ) * 1000000000u);
    /* domain 0 paid for the 10 s it held its lock */
    assert_true(power_energy_domain(r.meter, 0, end) ==
                (power_energy)66120 * 10 * HS_S);
    /* a removed listener hears no more (the next autosleep suspends) */
    pmic_remove_listener(&r.pmic, listen, &r.log);
    sim_run_until(r.sim, 60 * HS_S);
    assert_int_equal(pmic_state(&r.pmic), HS_PMIC_ST_SUSPENDED);
    assert_int_equal(r.log.n, 4);
    rig_free(&r);
}

static void test_wake_during_entry(void **state)
{
    (void)state;
    Rig r;
    rig_init(&r, 0);
    rig_realize(&r);
    sim_run_until(r.sim, ENTRY_PS / 2);
    assert_int_equal(pmic_state(&r.pmic), HS_PMIC_ST_SUSPENDING);
    wr(&r, 1, HS_PMIC_WL_ACQUIRE, 0); /* a lock taken mid-entry */
    sim_run_until(r.sim, ENTRY_PS);
    assert_int_equal(pmic_state(&r.pmic), HS_PMIC_ST_RESUMING);
    sim_run_until(r.sim, ENTRY_PS + EXIT_PS);
    assert_int_equal(pmic_state(&r.pmic), HS_PMIC_ST_AWAKE);
    sim_run_until(r.sim, HS_S);
    assert_int_equal(pmic_state(&r.pmic), HS_PMIC_ST_AWAKE);
    assert_int_equal(r.pmic.suspends, 1);
    assert_int_equal(r.pmic.resumes, 1);
    rig_free(&r);
}

/* An approach that lets only domain 0 keep the AP awake. */
static bool only_d0(void *ctx, const PmicState *p, int domain)
{
    (void)ctx;
    (void)p;
    return domain == 0;
}

static const PmicPolicy policy_d0 = {.name = "d0-only",
                                     .holder_counts = only_d0};

static void test_policy_hook(void **state)
{
    (void)state;
    Rig r;
    rig_init(&r, 0);
    rig_realize(&r);
    wr(&r, 1, HS_PMIC_WL_ACQUIRE, 0);
    sim_run_until(r.sim, HS_S);
    assert_int_equal(pmic_state(&r.pmic), HS_PMIC_ST_AWAKE);
    pmic_set_policy(&r.pmic, &policy_d0, NULL, HS_S);
    sim_run_until(r.sim, 2 * HS_S);
    assert_int_equal(pmic_state(&r.pmic), HS_PMIC_ST_SUSPENDED);
    wr(&r, 0, HS_PMIC_WL_ACQUIRE, 0); /* a counted holder wakes it */
    sim_run_until(r.sim, 3 * HS_S);
    assert_int_equal(pmic_state(&r.pmic), HS_PMIC_ST_AWAKE);
    /* domain 1's lock is not counted, so it is not charged either */
    hs_time t0 = 3 * HS_S;
    power_energy d1 = power_energy_domain(r.meter, 1, t0);
    sim_run_until(r.sim, 4 * HS_S);
    assert_true(power_energy_domain(r.meter, 1, 4 * HS_S) == d1);
    assert_true(power_energy_domain(r.meter, 0, 4 * HS_S) > 0);
    rig_free(&r);
}

static void test_wake_restarts_autosleep(void **state)
{
    (void)state;
    Rig r;
    rig_init(&r, HS_S);
    rig_realize(&r);
    sim_run_until(r.sim, HS_S / 2);
    pmic_wake(&r.pmic, HS_S / 2); /* activity while awake */
    sim_run_until(r.sim, 3 * HS_S / 2 - 1);
    assert_int_equal(pmic_state(&r.pmic), HS_PMIC_ST_AWAKE);
    sim_run_until(r.sim, 3 * HS_S / 2);
    assert_int_equal(pmic_state(&r.pmic), HS_PMIC_ST_SUSPENDING);
    assert_int_equal(r.log.times[0], 3 * HS_S / 2);
    /* a host lock wakes the AP and keeps it up, unattributed */
    sim_run_until(r.sim, 2 * HS_S);
    assert_int_equal(pmic_host_acquire(&r.pmic, "modem", 2 * HS_S), 0);
    sim_run_until(r.sim, 3 * HS_S);
    assert_int_equal(pmic_state(&r.pmic), HS_PMIC_ST_AWAKE);
    assert_true(power_energy_domain(r.meter, 0, 3 * HS_S) == 0);
    assert_true(power_energy_domain(r.meter, 1, 3 * HS_S) == 0);
    rig_free(&r);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_wake_restarts_autosleep),
    cmocka_unit_test(test_wakelock_counting),
    cmocka_unit_test(test_awake_idle_60s),
    cmocka_unit_test(test_suspended_60s),
    cmocka_unit_test(test_suspend_resume_cycle),
    cmocka_unit_test(test_wake_during_entry),
    cmocka_unit_test(test_policy_hook),
};
HS_TEST_GROUP(dev_pmic, tests)
