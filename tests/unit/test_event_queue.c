/*
 * test_event_queue.c - the event queue's ordering checked against a
 * reference model: a plain array kept sorted by (time, priority,
 * insertion order), searched linearly. Whatever structure the kernel uses
 * internally, every pop, cancel, reschedule, pending flag, queue size and
 * next time must agree with the reference under seeded random workloads,
 * with many ties, far-future times and events touched in every position.
 */
#include "harness.h"

#include <stdlib.h>
#include <string.h>

#include "sim/sim.h"

#define MAX_EVENTS 1024

/* Reference entry: an event id and its ordering key. */
typedef struct RefEntry {
    hs_time when;
    int priority;
    uint64_t seq;
    int id;
} RefEntry;

/* The reference queue, sorted earliest first. */
typedef struct Ref {
    RefEntry e[MAX_EVENTS];
    size_t n;
    uint64_t next_seq;
} Ref;

static bool ref_before(const RefEntry *a, const RefEntry *b)
{
    if (a->when != b->when)
        return a->when < b->when;
    if (a->priority != b->priority)
        return a->priority < b->priority;
    return a->seq < b->seq;
}

static bool ref_remove(Ref *r, int id)
{
    for (size_t i = 0; i < r->n; i++) {
        if (r->e[i].id == id) {
            memmove(&r->e[i], &r->e[i + 1], (r->n - i - 1) * sizeof r->e[0]);
            r->n--;
            return true;
        }
    }
    return false;
}

/* Schedules or reschedules (a reschedule takes a new insertion order). */
static void ref_schedule(Ref *r, int id, hs_time when, int priority)
{
    ref_remove(r, id);
    RefEntry x = {when, priority, r->next_seq++, id};
    size_t i = r->n;
    while (i > 0 && ref_before(&x, &r->e[i - 1])) {
        r->e[i] = r->e[i - 1];
        i--;
    }
    r->e[i] = x;
    r->n++;
}

/* Everything one test run shares with the callbacks. */
typedef struct Rig {
    Sim *sim;
    Ref ref;
    SimEvent ev[MAX_EVENTS];
    int prio[MAX_EVENTS];
    int nev;
    SimRng *rng;
    int fired[4 * MAX_EVENTS]; /* ids in firing order (order tests) */
    size_t nfired;
    bool checking;   /* random test: compare each firing with ref */
    bool post_ties;  /* random test: callbacks schedule at now */
    bool stop_after; /* stop after every event (one pop per run call) */
} Rig;

typedef struct Slot {
    Rig *rig;
    int id;
} Slot;

static Slot slots[MAX_EVENTS];

static void rig_schedule(Rig *r, int id, hs_time when);

static void fired_cb(Sim *sim, void *ctx, hs_time now)
{
    Slot *s = ctx;
    Rig *r = s->rig;
    if (r->nfired < sizeof r->fired / sizeof r->fired[0])
        r->fired[r->nfired++] = s->id;
    if (r->checking) {
        assert_true(r->ref.n > 0);
        assert_int_equal(r->ref.e[0].id, s->id);
        assert_int_equal(r->ref.e[0].when, now);
        ref_remove(&r->ref, s->id);
        assert_false(sim_event_pending(&r->ev[s->id]));
        assert_int_equal(sim_pending(sim), r->ref.n);
    }
    /* Post at the current time, possibly ahead of events already due now
     * (a lower priority number runs first even if scheduled later). */
    if (r->post_ties && sim_rng_below(r->rng, 3) == 0) {
        int other = (int)sim_rng_below(r->rng, (uint64_t)r->nev);
        rig_schedule(r, other, now);
    }
    if (r->stop_after)
        sim_stop(sim);
}

static void rig_init(Rig *r, int nev, uint64_t seed, const int *prio)
{
    memset(r, 0, sizeof *r);
    r->sim = sim_new(seed);
    assert_non_null(r->sim);
    r->rng = sim_rng(r->sim, "test.queue");
    r->nev = nev;
    for (int i = 0; i < nev; i++) {
        slots[i] = (Slot){r, i};
        r->prio[i] = prio ? prio[i] : 0;
        sim_event_init(&r->ev[i], "q", fired_cb, &slots[i], r->prio[i]);
    }
}

static void rig_schedule(Rig *r, int id, hs_time when)
{
    assert_int_equal(sim_schedule_at(r->sim, &r->ev[id], when), 0);
    ref_schedule(&r->ref, id, when, r->prio[id]);
}

/* Queue size, next time and every pending flag agree with the reference. */
static void rig_compare(Rig *r)
{
    assert_int_equal(sim_pending(r->sim), r->ref.n);
    assert_int_equal(sim_next_time(r->sim),
                     r->ref.n ? r->ref.e[0].when : HS_TIME_MAX);
    bool in_ref[MAX_EVENTS] = {false};
    hs_time when[MAX_EVENTS];
    for (size_t i = 0; i < r->ref.n; i++) {
        in_ref[r->ref.e[i].id] = true;
        when[r->ref.e[i].id] = r->ref.e[i].when;
    }
    for (int i = 0; i < r->nev; i++) {
        assert_int_equal(sim_event_pending(&r->ev[i]), in_ref[i]);
        if (in_ref[i]) /* callers read a pending event's time (rrc.c) */
            assert_int_equal(r->ev[i].when, when[i]);
    }
}

/* Runs the whole queue with the reference checking each firing. */
static void rig_drain(Rig *r)
{
    r->checking = true;
    r->stop_after = false;
    sim_run(r->sim);
    assert_int_equal(r->ref.n, 0);
    assert_int_equal(sim_pending(r->sim), 0);
}

/* How random_when spreads times. */
typedef enum WhenMode {
    WHEN_MIXED,   /* many exact ties, some spread, some far in the future */
    WHEN_STANDBY, /* sub-microsecond work beside timers up to a day away */
    WHEN_TIES,    /* a handful of distinct times only */
} WhenMode;

/* A time from now on, clamped so now + delay never passes HS_TIME_MAX. */
static hs_time random_when(Rig *r, WhenMode mode)
{
    hs_time now = sim_now(r->sim), d;
    uint64_t kind = sim_rng_below(r->rng, 10);
    if (mode == WHEN_TIES)
        d = sim_rng_below(r->rng, 3) * 1000;
    else if (mode == WHEN_STANDBY)
        d = kind < 7   ? sim_rng_below(r->rng, HS_US)
            : kind < 9 ? sim_rng_below(r->rng, 10 * HS_MS)
                       : sim_rng_below(r->rng, 86400 * HS_S);
    else if (kind < 5)
        d = sim_rng_below(r->rng, 4);
    else if (kind < 9)
        d = sim_rng_below(r->rng, 1000000);
    else
        d = ((hs_time)1 << 50) + sim_rng_below(r->rng, (hs_time)1 << 60);
    return d > HS_TIME_MAX - now ? HS_TIME_MAX : now + d;
}

/* steps random operations on nev events, each checked against the
 * reference: schedule or reschedule (sched_pct of them), cancel
 * (cancel_pct), else fire the earliest event. */
static void random_workload_mix(uint64_t seed, int nev, int steps,
                                WhenMode mode, int sched_pct, int cancel_pct)
{
    static Rig r;
    int prio[MAX_EVENTS];
    SimRng prng;
    sim_rng_init(&prng, seed, "test.queue.prio");
    for (int i = 0; i < nev; i++) {
        uint64_t k = sim_rng_below(&prng, 8);
        prio[i] = k == 0 ? -32768 : k == 1 ? 32767 : (int)k - 4;
    }
    rig_init(&r, nev, seed, prio);
    r.post_ties = true;
    r.checking = true;
    r.stop_after = true;
    for (int step = 0; step < steps; step++) {
        int id = (int)sim_rng_below(r.rng, (uint64_t)nev);
        int op = (int)sim_rng_below(r.rng, 100);
        if (op < sched_pct) {
            rig_schedule(&r, id, random_when(&r, mode));
        } else if (op < sched_pct + cancel_pct) {
            bool was = ref_remove(&r.ref, id);
            assert_int_equal(sim_cancel(r.sim, &r.ev[id]), was);
        } else {
            size_t before = r.ref.n;
            uint64_t n = sim_run_until(r.sim, HS_TIME_MAX);
            assert_int_equal(n, before ? 1 : 0);
        }
        rig_compare(&r);
    }
    rig_drain(&r);
    sim_free(r.sim);
}

static void random_workload(uint64_t seed, int nev, int steps)
{
    random_workload_mix(seed, nev, steps, WHEN_MIXED, 40, 20);
}

static void test_random_against_reference(void **state)
{
    (void)state;
    random_workload(1, 8, 20000);  /* few events: heavy reuse and ties */
    random_workload(2, 64, 20000); /* several levels of structure */
    random_workload(3, 256, 30000);
    random_workload(4, 256, 30000);
}

/* A day of standby: most events sub-microsecond apart, some timers up to a
 * day away, so the queue's time scale is stretched both ways at once. */
static void test_standby_spread(void **state)
{
    (void)state;
    random_workload_mix(5, 64, 20000, WHEN_STANDBY, 40, 20);
    random_workload_mix(6, MAX_EVENTS, 20000, WHEN_STANDBY, 55, 5);
}

/* Cancel and reschedule storms on a few distinct times (every key tied on
 * time, ordered by priority and insertion alone), and a queue that grows
 * to MAX_EVENTS, drains and grows again through every resize. */
static void test_cancel_reschedule_storms(void **state)
{
    (void)state;
    random_workload_mix(7, MAX_EVENTS, 20000, WHEN_TIES, 50, 45);
    random_workload_mix(8, 128, 20000, WHEN_MIXED, 45, 50);
    static Rig r;
    rig_init(&r, MAX_EVENTS, 9, NULL);
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < MAX_EVENTS; i++)
            rig_schedule(&r, i, random_when(&r, (WhenMode)round));
        rig_compare(&r);
        for (int i = 0; i < MAX_EVENTS; i += 2) /* cancel half */
            assert_true(sim_cancel(r.sim, &r.ev[i]) && ref_remove(&r.ref, i));
        rig_compare(&r);
        rig_drain(&r);
    }
    sim_free(r.sim);
}

/* Thousands of events at one time and priority fire in schedule order,
 * including ones rescheduled to that time (which go to the back). */
static void test_same_time_fifo(void **state)
{
    (void)state;
    static Rig r;
    rig_init(&r, MAX_EVENTS, 7, NULL);
    for (int i = 0; i < MAX_EVENTS; i++)
        rig_schedule(&r, i, 1000);
    /* Reschedule every third to the same time: they move to the back. */
    for (int i = 0; i < MAX_EVENTS; i += 3)
        rig_schedule(&r, i, 1000);
    rig_drain(&r);
    assert_int_equal(r.nfired, MAX_EVENTS);
    for (size_t i = 1; i < r.nfired; i++) {
        bool a_moved = r.fired[i - 1] % 3 == 0, b_moved = r.fired[i] % 3 == 0;
        /* Order: unmoved ascending, then moved ascending. */
        if (a_moved == b_moved)
            assert_true(r.fired[i - 1] < r.fired[i]);
        else
            assert_true(!a_moved && b_moved);
    }
    sim_free(r.sim);
}

/* Builds n events with distinct times (shuffled insertion), then cancels,
 * or reschedules earliest, latest or into the middle, the event of every
 * rank in turn; each variant is drained against the reference. */
static void test_every_position(void **state)
{
    (void)state;
    static Rig r;
    for (int n = 1; n <= 70; n += (n < 20 ? 1 : 7)) {
        for (int rank = 0; rank < n; rank++) {
            for (int action = 0; action < 4; action++) {
                rig_init(&r, n, (uint64_t)n, NULL);
                for (int i = 0; i < n; i++) /* time 10*(i*37 mod n) + 10 */
                    rig_schedule(&r, i, 10 + 10 * (hs_time)((i * 37) % n));
                int id = r.ref.e[rank].id;
                if (action == 0)
                    assert_true(sim_cancel(r.sim, &r.ev[id]) &&
                                ref_remove(&r.ref, id));
                else if (action == 1)
                    rig_schedule(&r, id, 0);
                else if (action == 2)
                    rig_schedule(&r, id, HS_TIME_MAX);
                else
                    rig_schedule(&r, id, 5 + 10 * (hs_time)(n / 2));
                rig_compare(&r);
                rig_drain(&r);
                sim_free(r.sim);
            }
        }
    }
}

/* Times at the top of the range order correctly with near ones, and an
 * event at HS_TIME_MAX fires (the clock then stays there). */
static void test_far_future(void **state)
{
    (void)state;
    static Rig r;
    const int prio[6] = {0, 1, -1, 0, 0, 0};
    rig_init(&r, 6, 9, prio);
    rig_schedule(&r, 0, HS_TIME_MAX);
    rig_schedule(&r, 1, HS_TIME_MAX);
    rig_schedule(&r, 2, HS_TIME_MAX);
    rig_schedule(&r, 3, HS_TIME_MAX - 1);
    rig_schedule(&r, 4, 1);
    rig_schedule(&r, 5, (hs_time)1 << 63);
    r.checking = true;
    assert_int_equal(sim_run_until(r.sim, HS_TIME_MAX - 1), 3);
    assert_int_equal(sim_now(r.sim), HS_TIME_MAX - 1);
    /* Rescheduling a far event to now puts it first. */
    rig_schedule(&r, 0, HS_TIME_MAX - 1);
    rig_drain(&r);
    const int want[6] = {4, 5, 3, 0, 2, 1};
    assert_int_equal(r.nfired, 6);
    for (int i = 0; i < 6; i++)
        assert_int_equal(r.fired[i], want[i]);
    assert_int_equal(sim_now(r.sim), HS_TIME_MAX);
    sim_free(r.sim);
}

/* A queue of constant size whose spacing changes by orders of magnitude:
 * picosecond ties, then seconds, then picoseconds again (a boot burst,
 * standby, a burst of work), so the day length fitted to one spacing is
 * wrong for the next and the queue must refit it while staying exact. */
static void test_spacing_changes(void **state)
{
    (void)state;
    static Rig r;
    const hs_time spread[4] = {16, 10 * HS_S, 1000, HS_MS};
    rig_init(&r, 256, 11, NULL);
    r.checking = true;
    r.stop_after = true;
    for (int i = 0; i < 256; i++)
        rig_schedule(&r, i, sim_rng_below(r.rng, spread[0]));
    for (int phase = 1; phase < 4; phase++) {
        for (int step = 0; step < 3000; step++) {
            int id = r.ref.e[0].id;
            assert_int_equal(sim_run_until(r.sim, HS_TIME_MAX), 1);
            rig_schedule(&r, id,
                         sim_now(r.sim) + sim_rng_below(r.rng, spread[phase]));
            if (step % 97 == 0)
                rig_compare(&r);
        }
    }
    rig_drain(&r);
    sim_free(r.sim);
}

/* sim_next_time_except skips the events named, whatever their order, and
 * sim_run_limit is the until of the run in progress. */
typedef struct LimitSeen {
    hs_time limit;
    bool observed;
} LimitSeen;

static void note_limit(Sim *sim, void *ctx, hs_time now)
{
    (void)now;
    LimitSeen *l = ctx;
    l->limit = sim_run_limit(sim);
    l->observed = sim_observed(sim);
}

static void nop_fire(Sim *sim, void *ctx, hs_time now)
{
    (void)sim;
    (void)ctx;
    (void)now;
}

static void nop_observer(void *ctx, const char *name, hs_time now)
{
    (void)ctx;
    (void)name;
    (void)now;
}

static void test_next_except_and_limit(void **state)
{
    (void)state;
    Sim *sim = sim_new(1);
    SimEvent ev[40];
    for (int i = 0; i < 40; i++) {
        sim_event_init(&ev[i], "e", nop_fire, NULL, i % 3);
        /* spread over several calendar days, some ties */
        sim_schedule_at(sim, &ev[i], (hs_time)(1000 + (i * 7919) % 40 * 50));
    }
    assert_int_equal(sim_next_time_except(sim, NULL, 0), sim_next_time(sim));
    /* skip the earliest events one after another */
    const SimEvent *skip[40] = {0};
    size_t n = 0;
    hs_time prev = 0;
    for (int round = 0; round < 40; round++) {
        hs_time best = HS_TIME_MAX;
        int who = -1;
        for (int i = 0; i < 40; i++) {
            bool skipped = false;
            for (size_t k = 0; k < n; k++)
                skipped |= skip[k] == &ev[i];
            if (!skipped && ev[i].when < best) {
                best = ev[i].when;
                who = i;
            }
        }
        assert_int_equal(sim_next_time_except(sim, skip, n), best);
        assert_true(best >= prev);
        prev = best;
        skip[n++] = &ev[who];
    }
    assert_int_equal(sim_next_time_except(sim, skip, n), HS_TIME_MAX);
    /* the limit inside and outside a run */
    LimitSeen seen = {0, true};
    SimEvent probe;
    sim_event_init(&probe, "probe", note_limit, &seen, 0);
    sim_schedule_at(sim, &probe, 500);
    assert_int_equal(sim_run_limit(sim), HS_TIME_MAX);
    sim_run_until(sim, 777);
    assert_int_equal(seen.limit, 777);
    assert_false(seen.observed);
    assert_int_equal(sim_run_limit(sim), HS_TIME_MAX);
    sim_set_observer(sim, nop_observer, NULL);
    sim_schedule_at(sim, &probe, 900);
    sim_run_until(sim, 950);
    assert_int_equal(seen.limit, 950);
    assert_true(seen.observed);
    sim_free(sim);
}

/* sim_next_time_except against a scan of every event, with times spread
 * from picoseconds to hours (far beyond a year of calendar days, the
 * same day as others, ties) and the clock moved between the checks. */
static void test_next_except_spread(void **state)
{
    (void)state;
    Sim *sim = sim_new(1);
    enum { N = 64 };
    SimEvent ev[N];
    uint64_t x = 12345;
    for (int i = 0; i < N; i++) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        sim_event_init(&ev[i], "e", nop_fire, NULL, (int)(x >> 60) % 3);
        hs_time t = (hs_time)((x >> 20) % 1000) << (x >> 58) % 44;
        sim_schedule_at(sim, &ev[i], 1000 + t);
    }
    for (int round = 0; round < 200; round++) {
        const SimEvent *skip[N];
        size_t n = 0;
        hs_time best = HS_TIME_MAX;
        for (int i = 0; i < N; i++) {
            x = x * 6364136223846793005u + 1442695040888963407u;
            if (!sim_event_pending(&ev[i]))
                continue;
            if ((x >> 61) < 3) /* skipped: 3 in 8 */
                skip[n++] = &ev[i];
            else if (ev[i].when < best)
                best = ev[i].when;
        }
        assert_int_equal(sim_next_time_except(sim, skip, n), best);
        if (round % 10 == 9 && sim_pending(sim)) /* fire a few */
            sim_run_until(sim, sim_next_time(sim));
    }
    sim_free(sim);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_next_except_and_limit),
    cmocka_unit_test(test_next_except_spread),
    cmocka_unit_test(test_random_against_reference),
    cmocka_unit_test(test_same_time_fifo),
    cmocka_unit_test(test_every_position),
    cmocka_unit_test(test_far_future),
    cmocka_unit_test(test_standby_spread),
    cmocka_unit_test(test_cancel_reschedule_storms),
    cmocka_unit_test(test_spacing_changes),
};
HS_TEST_GROUP(sim_queue, tests)
