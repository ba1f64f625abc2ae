/*
 * test_flow.c - the MLS lattice, the flow monitor's verdicts and merging,
 * and the covert-channel estimator against closed-form answers.
 */
#include "harness.h"

#include <math.h>

#include "flow/covert.h"
#include "flow/monitor.h"

static void test_lattice(void **state)
{
    (void)state;
    FlowLabel l;
    assert_int_equal(flow_label_parse("top-secret", &l), 0);
    assert_int_equal(l, FLOW_TOP_SECRET);
    assert_int_equal(flow_label_parse("topsecret", &l), -1);
    assert_string_equal(flow_label_name(FLOW_CONFIDENTIAL), "confidential");
    assert_true(flow_label_dominates(FLOW_SECRET, FLOW_CONFIDENTIAL));
    assert_false(flow_label_dominates(FLOW_UNCLASSIFIED, FLOW_SECRET));
    assert_int_equal(flow_label_join(FLOW_SECRET, FLOW_CONFIDENTIAL),
                     FLOW_SECRET);
    /* no write down, write up allowed */
    assert_false(flow_label_may_flow(FLOW_SECRET, FLOW_UNCLASSIFIED));
    assert_true(flow_label_may_flow(FLOW_UNCLASSIFIED, FLOW_SECRET));
    assert_true(flow_label_may_flow(FLOW_SECRET, FLOW_SECRET));
}

static int observed;
static void count_obs(void *ctx, const FlowTransfer *t, FlowVerdict v)
{
    (void)ctx;
    (void)t;
    observed += v == FLOW_VIOLATION;
}

static void test_monitor_verdicts_and_merging(void **state)
{
    (void)state;
    FlowMonitor *m = flow_monitor_new();
    observed = 0;
    flow_monitor_set_observer(m, count_obs, NULL);
    FlowTransfer mic = {.from = "mic",
                        .label = FLOW_SECRET,
                        .to = "baseband",
                        .clearance = FLOW_UNCLASSIFIED,
                        .bytes = 640,
                        .path = "mic>baseband",
                        .allowed = 1};
    for (int i = 0; i < 50; i++) {
        mic.when = (hs_time)i * 20 * HS_MS;
        assert_int_equal(flow_report(m, &mic), FLOW_VIOLATION);
    }
    FlowTransfer up = mic;
    up.label = FLOW_UNCLASSIFIED;
    assert_int_equal(flow_report(m, &up), FLOW_ALLOWED);
    FlowTransfer blocked = mic;
    blocked.allowed = 0;
    assert_int_equal(flow_report(m, &blocked), FLOW_BLOCKED);

    assert_int_equal(flow_record_count(m), 3);
    const FlowRecord *r = flow_record_at(m, 0);
    assert_string_equal(r->path, "mic>baseband");
    assert_int_equal(r->verdict, FLOW_VIOLATION);
    assert_int_equal(r->transfers, 50);
    assert_int_equal(r->bytes, 50 * 640);
    assert_int_equal(r->first, 0);
    assert_int_equal(r->last, 49 * 20 * HS_MS);
    assert_int_equal(flow_violations(m), 50);
    assert_int_equal(flow_violation_bytes(m), 50 * 640);
    assert_int_equal(observed, 50);
    assert_string_equal(flow_verdict_name(FLOW_BLOCKED), "blocked");
    flow_monitor_free(m);
}

static void add_n(CovertChannel *c, unsigned x, unsigned y, int n)
{
    for (int i = 0; i < n; i++)
        assert_int_equal(covert_add(c, x, y), 0);
}

static void test_covert_perfect_channel(void **state)
{
    (void)state;
    CovertChannel c;
    assert_int_equal(covert_init(&c, 2, 10 * HS_MS), 0);
    add_n(&c, 0, 0, 500);
    add_n(&c, 1, 1, 500);
    CovertEstimate e = covert_estimate(&c);
    assert_int_equal(e.symbols, 1000);
    assert_true(fabs(e.mutual_info_bits_per_symbol - 1.0) < 1e-12);
    assert_true(e.bit_error_rate == 0.0);
    assert_true(fabs(e.bits_per_s - 100.0) < 1e-9); /* 1 bit / 10 ms */
}

static void test_covert_binary_symmetric(void **state)
{
    (void)state;
    CovertChannel c;
    assert_int_equal(covert_init(&c, 2, HS_S), 0);
    /* crossover 0.1: I = 1 - H(0.1) */
    add_n(&c, 0, 0, 450);
    add_n(&c, 0, 1, 50);
    add_n(&c, 1, 1, 450);
    add_n(&c, 1, 0, 50);
    CovertEstimate e = covert_estimate(&c);
    double h = -(0.1 * log2(0.1) + 0.9 * log2(0.9));
    assert_true(fabs(e.mutual_info_bits_per_symbol - (1 - h)) < 1e-12);
    assert_true(fabs(e.bit_error_rate - 0.1) < 1e-12);
    assert_true(fabs(e.bits_per_s - (1 - h)) < 1e-12);
}

static void test_covert_independent_and_erasures(void **state)
{
    (void)state;
    CovertChannel c;
    assert_int_equal(covert_init(&c, 4, HS_MS), 0);
    for (unsigned x = 0; x < 4; x++)
        for (unsigned y = 0; y < 4; y++)
            add_n(&c, x, y, 25);
    CovertEstimate e = covert_estimate(&c);
    assert_true(e.mutual_info_bits_per_symbol < 1e-12);
    assert_true(fabs(e.bit_error_rate - 0.5) < 1e-12);
    assert_true(e.mi_bias_bits > 0);
    /* erasures: every bit wrong, no information */
    CovertChannel d;
    assert_int_equal(covert_init(&d, 2, HS_MS), 0);
    add_n(&d, 0, COVERT_ERASURE, 10);
    add_n(&d, 1, COVERT_ERASURE, 10);
    e = covert_estimate(&d);
    assert_true(e.mutual_info_bits_per_symbol < 1e-12);
    assert_true(e.bit_error_rate == 1.0);
    /* bad input */
    assert_int_equal(covert_add(&d, 2, 0), -1);
    assert_int_equal(covert_add(&d, 0, 5), -1);
    assert_int_equal(covert_init(&d, 3, HS_MS), -1);
    assert_int_equal(covert_init(&d, 2, 0), -1);
    assert_int_equal(covert_init(&d, 32, HS_MS), -1);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_lattice),
    cmocka_unit_test(test_monitor_verdicts_and_merging),
    cmocka_unit_test(test_covert_perfect_channel),
    cmocka_unit_test(test_covert_binary_symmetric),
    cmocka_unit_test(test_covert_independent_and_erasures),
};
HS_TEST_GROUP(flow, tests)
