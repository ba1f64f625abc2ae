/*
 * test_run_display.c - the display part on its own: a notification from
 * the domain behind reaches the panel as an upward flow; one from a
 * higher domain is a violation where nothing mediates (native), blocked
 * by the gfx VM's policy (hyp-mils) and refused at the MMIO path
 * (containers); a stored document is written by guest code and shown.
 */
#include "test_machine_rig.h"

#include <stdlib.h>
#include <string.h>

#include "flow/monitor.h"
#include "phone/display.h"
#include "phone/part.h"

#define MAX_NAMES 8

/* The scenario names its SoC ("ref-2013"), found through the data
 * directory: point HANDSET_DATA at the source tree for each test. */
static int data_setup(void **state)
{
    char data[512];
    const char *old = getenv("HANDSET_DATA");
    *state = old ? strdup(old) : NULL;
    setenv("HANDSET_DATA", hs_test_path("", data, sizeof data), 1);
    return 0;
}

static int data_teardown(void **state)
{
    if (*state)
        setenv("HANDSET_DATA", *state, 1);
    else
        unsetenv("HANDSET_DATA");
    free(*state);
    return 0;
}

typedef struct Latencies {
    const char *name[MAX_NAMES];
    unsigned count[MAX_NAMES];
    hs_time max[MAX_NAMES];
    size_t n;
} Latencies;

static void on_latency(void *ctx, const char *name, hs_time sample)
{
    Latencies *l = ctx;
    assert_true(sample > 0);
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->name[i], name) == 0) {
            l->count[i]++;
            if (sample > l->max[i])
                l->max[i] = sample;
            return;
        }
    assert_true(l->n < MAX_NAMES);
    l->name[l->n] = name;
    l->max[l->n] = sample;
    l->count[l->n++] = 1;
}

static unsigned count_of(const Latencies *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->name[i], name) == 0)
            return l->count[i];
    return 0;
}

static hs_time max_of(const Latencies *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->name[i], name) == 0)
            return l->max[i];
    return 0;
}

static void *no_part(void *ctx, const char *name)
{
    (void)ctx;
    (void)name;
    return NULL;
}

/* The display part on the rig's phone (secret, unclass) with the test
 * scenario's ui apps, no keystrokes: frames come only from the test. */
typedef struct DisplayRig {
    Rig rig;
    Scenario *sc;
    FlowMonitor *flows;
    Latencies lat;
    RunEnv env;
    void *part;
} DisplayRig;

static void display_rig(DisplayRig *d, const char *approach, int foreground)
{
    char path[1024], err[512];
    memset(d, 0, sizeof *d);
    d->sc = scenario_load(
        hs_test_path("tests/data/run/display.json", path, sizeof path), err,
        sizeof err);
    if (!d->sc)
        fail_msg("%s", err);
    d->sc->user.keystroke.present = false;
    Machine *m =
        rig_must_devices(&d->rig, approach, phone_part_display.devices);
    machine_set_foreground(m, foreground);
    d->flows = flow_monitor_new();
    assert_non_null(d->flows);
    d->env = (RunEnv){.sc = d->sc,
                      .soc = d->rig.soc,
                      .m = m,
                      .flows = d->flows,
                      .latency = on_latency,
                      .latency_ctx = &d->lat,
                      .part = no_part};
    d->part = phone_part_display.create(&d->env, err, sizeof err);
    if (!d->part)
        fail_msg("%s: %s", approach, err);
}

static void display_rig_free(DisplayRig *d)
{
    phone_part_display.destroy(d->part);
    rig_free(&d->rig);
    flow_monitor_free(d->flows);
    scenario_free(d->sc);
}

/* One notification from domain `from` while `fg` is in front. */
static void notify_once(DisplayRig *d, int from)
{
    char err[256];
    Machine *m = d->rig.m;
    machine_run_until(m, 100 * HS_MS);
    assert_int_equal(phone_display_notify(
                         d->part, from, "test.notify", sim_now(machine_sim(m)),
                         sim_now(machine_sim(m)), err, sizeof err),
                     0);
    machine_run_until(m, 600 * HS_MS);
    assert_int_equal(machine_fault_count(m), 0);
}

static void test_upward_notification_is_shown(void **state)
{
    (void)state;
    static const char *const approaches[] = {"native", "hyp-mils"};
    for (size_t i = 0; i < 2; i++) {
        DisplayRig d;
        display_rig(&d, approaches[i], 0); /* secret in front */
        notify_once(&d, 1);                /* unclassified notifies */
        assert_int_equal(count_of(&d.lat, "test.notify"), 1);
        assert_int_equal(count_of(&d.lat, "display.frame"), 1);
        assert_int_equal(flow_record_count(d.flows), 1);
        const FlowRecord *fr = flow_record_at(d.flows, 0);
        assert_string_equal(fr->to, "panel");
        assert_int_equal(fr->label, FLOW_UNCLASSIFIED);
        assert_int_equal(fr->clearance, FLOW_SECRET);
        assert_int_equal(fr->verdict, FLOW_ALLOWED);
        display_rig_free(&d);
    }
}

static void test_downward_notification(void **state)
{
    (void)state;
    static const struct {
        const char *approach;
        size_t records;      /* flow records */
        FlowVerdict verdict; /* of the one record */
        unsigned shown;      /* notifications on the panel */
    } cases[] = {
        {"native", 1, FLOW_VIOLATION, 1},
        {"hyp-mils", 1, FLOW_BLOCKED, 0},
        {"containers", 0, FLOW_ALLOWED, 0}, /* the FLIP never leaves */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        DisplayRig d;
        display_rig(&d, cases[i].approach, 1); /* unclassified in front */
        notify_once(&d, 0);                    /* secret notifies */
        if (count_of(&d.lat, "test.notify") != cases[i].shown ||
            flow_record_count(d.flows) != cases[i].records)
            fail_msg("%s: shown %u, records %zu", cases[i].approach,
                     count_of(&d.lat, "test.notify"),
                     flow_record_count(d.flows));
        if (cases[i].records)
            assert_int_equal(flow_record_at(d.flows, 0)->verdict,
                             cases[i].verdict);
        display_rig_free(&d);
    }
}

/* A frame refused at the MMIO path is lost, not mistaken for the next
 * one: when the domain is in front again its next frame is measured
 * from its own trigger. */
static void test_refused_frame_is_lost(void **state)
{
    (void)state;
    DisplayRig d;
    display_rig(&d, "containers", 1);
    notify_once(&d, 0); /* refused: secret is behind */
    assert_int_equal(count_of(&d.lat, "test.notify"), 0);
    machine_set_foreground(d.rig.m, 0);
    char err[256];
    Machine *m = d.rig.m;
    assert_int_equal(
        phone_display_notify(d.part, 0, "test.notify", sim_now(machine_sim(m)),
                             sim_now(machine_sim(m)), err, sizeof err),
        0);
    machine_run_until(m, 1200 * HS_MS);
    assert_int_equal(count_of(&d.lat, "test.notify"), 1);
    assert_true(max_of(&d.lat, "test.notify") < 500 * HS_MS);
    assert_true(max_of(&d.lat, "display.frame") < 500 * HS_MS);
    display_rig_free(&d);
}

static void test_store_then_display(void **state)
{
    (void)state;
    char err[256];
    DisplayRig d;
    display_rig(&d, "native", 0);
    Machine *m = d.rig.m;
    machine_run_until(m, 10 * HS_MS);
    assert_int_equal(phone_display_store(d.part, 0, 3u << 20, "test.store",
                                         sim_now(machine_sim(m)), err,
                                         sizeof err),
                     0);
    /* A second store while the first is writing is refused. */
    assert_int_equal(phone_display_store(d.part, 0, 4096, NULL,
                                         sim_now(machine_sim(m)), err,
                                         sizeof err),
                     -1);
    assert_non_null(strstr(err, "still storing"));
    machine_run_until(m, 1 * HS_S);
    assert_int_equal(count_of(&d.lat, "test.store"), 1);
    ScenarioEvent ev = {.action = SCENARIO_ACTION_DISPLAY_DOCUMENT,
                        .domain = 0,
                        .bytes = 3u << 20};
    assert_int_equal(phone_part_display.action(d.part, &ev, 0,
                                               sim_now(machine_sim(m)), err,
                                               sizeof err),
                     0);
    machine_run_until(m, 2 * HS_S);
    assert_int_equal(machine_fault_count(m), 0);
    assert_int_equal(count_of(&d.lat, "display.document"), 1);
    /* Larger than the domain's document area: a clear error. */
    ev.bytes = 1ULL << 32;
    assert_int_equal(phone_part_display.action(d.part, &ev, 0,
                                               sim_now(machine_sim(m)), err,
                                               sizeof err),
                     -1);
    assert_non_null(strstr(err, "document area"));
    display_rig_free(&d);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_upward_notification_is_shown,
                                    data_setup, data_teardown),
    cmocka_unit_test_setup_teardown(test_downward_notification, data_setup,
                                    data_teardown),
    cmocka_unit_test_setup_teardown(test_refused_frame_is_lost, data_setup,
                                    data_teardown),
    cmocka_unit_test_setup_teardown(test_store_then_display, data_setup,
                                    data_teardown),
};
HS_TEST_GROUP(run_display, tests)
