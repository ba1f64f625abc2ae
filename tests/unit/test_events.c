/*
 * test_events.c - event queue ordering, ties, cancel, reschedule,
 * run-until boundaries, pooled one-shots and two Sims side by side.
 */
#include "harness.h"

#include <string.h>

#include "sim/sim.h"

typedef struct Log {
    char order[64];
    size_t n;
    hs_time times[64];
} Log;

typedef struct Tagged {
    Log *log;
    char tag;
} Tagged;

static void record(Sim *sim, void *ctx, hs_time now)
{
    (void)sim;
    Tagged *t = ctx;
    t->log->times[t->log->n] = now;
    t->log->order[t->log->n++] = t->tag;
}

static void test_order_and_ties(void **state)
{
    (void)state;
    Sim *sim = sim_new(1);
    Log log = {0};
    Tagged tg[6];
    SimEvent ev[6];
    /* c@5 prio0, a@1, d@5 prio0 (after c), b@5 prio -1, e@5 prio 1, f@9 */
    const char tags[] = "cadbef";
    const hs_time at[] = {5, 1, 5, 5, 5, 9};
    const int prio[] = {0, 0, 0, -1, 1, 0};
    for (int i = 0; i < 6; i++) {
        tg[i] = (Tagged){&log, tags[i]};
        sim_event_init(&ev[i], "t", record, &tg[i], prio[i]);
        assert_int_equal(sim_schedule_at(sim, &ev[i], at[i]), 0);
    }
    assert_int_equal(sim_pending(sim), 6);
    assert_int_equal(sim_run(sim), 6);
    log.order[log.n] = 0;
    assert_string_equal(log.order, "abcdef");
    assert_int_equal(log.times[0], 1);
    assert_int_equal(log.times[5], 9);
    assert_int_equal(sim_now(sim), 9);
    sim_free(sim);
}

static void test_many_ties_fifo(void **state)
{
    (void)state;
    Sim *sim = sim_new(1);
    Log log = {0};
    Tagged tg[40];
    SimEvent ev[40];
    for (int i = 0; i < 40; i++) {
        tg[i] = (Tagged){&log, (char)('0' + i)};
        sim_event_init(&ev[i], "t", record, &tg[i], 0);
        sim_schedule_at(sim, &ev[i], 100);
    }
    sim_run(sim);
    for (int i = 0; i < 40; i++)
        assert_int_equal(log.order[i], '0' + i);
    sim_free(sim);
}

static void test_cancel_and_reschedule(void **state)
{
    (void)state;
    Sim *sim = sim_new(1);
    Log log = {0};
    Tagged a = {&log, 'a'}, b = {&log, 'b'}, c = {&log, 'c'};
    SimEvent ea, eb, ec;
    sim_event_init(&ea, "a", record, &a, 0);
    sim_event_init(&eb, "b", record, &b, 0);
    sim_event_init(&ec, "c", record, &c, 0);
    sim_schedule_at(sim, &ea, 10);
    sim_schedule_at(sim, &eb, 20);
    sim_schedule_at(sim, &ec, 30);
    assert_true(sim_cancel(sim, &eb));
    assert_false(sim_cancel(sim, &eb));
    assert_false(sim_event_pending(&eb));
    sim_schedule_at(sim, &ea, 40); /* reschedule later */
    sim_schedule_at(sim, &ec, 5);  /* reschedule earlier */
    assert_int_equal(sim_pending(sim), 2);
    sim_run(sim);
    log.order[log.n] = 0;
    assert_string_equal(log.order, "ca");
    assert_int_equal(log.times[0], 5);
    assert_int_equal(log.times[1], 40);
    sim_free(sim);
}

typedef struct Canceller {
    SimEvent *victim;
    Log *log;
} Canceller;

static void cancel_other(Sim *sim, void *ctx, hs_time now)
{
    (void)now;
    Canceller *c = ctx;
    c->log->order[c->log->n++] = 'x';
    assert_true(sim_cancel(sim, c->victim));
}

static void test_cancel_from_callback(void **state)
{
    (void)state;
    Sim *sim = sim_new(1);
    Log log = {0};
    Tagged v = {&log, 'v'};
    SimEvent victim, killer;
    Canceller c = {&victim, &log};
    sim_event_init(&victim, "victim", record, &v, 1);
    sim_event_init(&killer, "killer", cancel_other, &c, 0);
    /* Same time: killer has higher priority, so it runs first. */
    sim_schedule_at(sim, &victim, 7);
    sim_schedule_at(sim, &killer, 7);
    sim_run(sim);
    log.order[log.n] = 0;
    assert_string_equal(log.order, "x");
    sim_free(sim);
}

typedef struct Repeater {
    SimEvent ev;
    int left;
    hs_time period;
} Repeater;

static void repeat(Sim *sim, void *ctx, hs_time now)
{
    (void)now;
    Repeater *r = ctx;
    if (--r->left > 0)
        sim_schedule_in(sim, &r->ev, r->period);
}

static void test_run_until_boundaries(void **state)
{
    (void)state;
    Sim *sim = sim_new(1);
    Repeater r = {.left = 10, .period = 10};
    sim_event_init(&r.ev, "rep", repeat, &r, 0);
    sim_schedule_at(sim, &r.ev, 10); /* fires at 10, 20, ..., 100 */
    assert_int_equal(sim_run_until(sim, 29), 2);
    assert_int_equal(sim_now(sim), 29);
    /* An event exactly at the boundary fires. */
    assert_int_equal(sim_run_until(sim, 30), 1);
    assert_int_equal(sim_now(sim), 30);
    assert_int_equal(sim_next_time(sim), 40);
    assert_int_equal(sim_run_until(sim, 1000), 7);
    assert_int_equal(sim_now(sim), 1000);
    assert_int_equal(sim_next_time(sim), HS_TIME_MAX);
    assert_int_equal(sim_events_fired(sim), 10);
    sim_free(sim);
}

static void stopper(Sim *sim, void *ctx, hs_time now)
{
    (void)ctx;
    (void)now;
    sim_stop(sim);
}

static void test_stop(void **state)
{
    (void)state;
    Sim *sim = sim_new(1);
    Repeater r = {.left = 100, .period = 1};
    SimEvent s;
    sim_event_init(&r.ev, "rep", repeat, &r, 0);
    sim_event_init(&s, "stop", stopper, NULL, 0);
    sim_schedule_at(sim, &r.ev, 1);
    sim_schedule_at(sim, &s, 50);
    sim_run(sim);
    assert_true(sim_stopped(sim));
    assert_int_equal(sim_now(sim), 50);
    assert_true(sim_pending(sim) > 0);
    sim_free(sim);
}

static int posted;
static void one_shot(Sim *sim, void *ctx, hs_time now)
{
    int *count = ctx;
    (*count)++;
    posted++;
    if (*count < 1000)
        sim_call_at(sim, now + 3, "again", one_shot, ctx, 0);
}

static void test_pooled_one_shots(void **state)
{
    (void)state;
    Sim *sim = sim_new(1);
    int count = 0;
    posted = 0;
    for (int i = 0; i < 300; i++) /* more than one pool chunk at once */
        assert_int_equal(sim_call_at(sim, 5, "first", one_shot, &count, 0), 0);
    sim_run(sim);
    assert_true(posted >= 1000);
    sim_free(sim);
}

typedef struct Hold {
    SimEvent ev[50];
    SimRng *rng;
    uint64_t sum;
} Hold;

static void hold_fire(Sim *sim, void *ctx, hs_time now)
{
    Hold *h = ctx;
    h->sum = h->sum * 31 + now;
    uint64_t i = sim_rng_below(h->rng, 50);
    sim_schedule_in(sim, &h->ev[i], 1 + sim_rng_below(h->rng, 1000));
}

static void setup_hold(Sim *sim, Hold *h)
{
    h->rng = sim_rng(sim, "hold");
    for (int i = 0; i < 50; i++) {
        sim_event_init(&h->ev[i], "hold", hold_fire, h, 0);
        sim_schedule_at(sim, &h->ev[i], (hs_time)i);
    }
}

static void test_two_sims_do_not_interfere(void **state)
{
    (void)state;
    Hold a = {0}, b = {0}, c = {0};
    Sim *alone = sim_new(42), *s2 = sim_new(42), *s3 = sim_new(43);
    setup_hold(alone, &a);
    sim_run_until(alone, 100000);
    /* Run two more Sims interleaved step by step in one thread. */
    setup_hold(s2, &b);
    setup_hold(s3, &c);
    for (hs_time t = 0; t <= 100000; t += 777) {
        sim_run_until(s2, t);
        sim_run_until(s3, t);
    }
    sim_run_until(s2, 100000);
    sim_run_until(s3, 100000);
    assert_int_equal(a.sum, b.sum);
    assert_int_not_equal(a.sum, c.sum);
    assert_int_equal(sim_events_fired(alone), sim_events_fired(s2));
    sim_free(alone);
    sim_free(s2);
    sim_free(s3);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_order_and_ties),
    cmocka_unit_test(test_many_ties_fifo),
    cmocka_unit_test(test_cancel_and_reschedule),
    cmocka_unit_test(test_cancel_from_callback),
    cmocka_unit_test(test_run_until_boundaries),
    cmocka_unit_test(test_stop),
    cmocka_unit_test(test_pooled_one_shots),
    cmocka_unit_test(test_two_sims_do_not_interfere),
};
HS_TEST_GROUP(sim_events, tests)
