/*
 * sim.c - event queue (a calendar queue with handles), clock, pooled
 * one-shot events and the per-run registry of random streams.
 *
 * The queue is Brown's calendar queue (CACM 31(10), 1988). Time is cut
 * into days of 2^shift picoseconds; day d belongs to bucket d mod nb (nb a
 * power of two), and a year is nb days. Each bucket is a circular doubly
 * linked list through the events' next/prev fields, sorted by the full
 * key (time, priority, insertion order), so
 *  - pop looks at the bucket of the current day: if its head falls in that
 *    day it is the earliest event (no pending event lies in an earlier
 *    day); otherwise it steps to the next day. A year without one falls
 *    back to the smallest of the bucket heads, the earliest event.
 *  - schedule walks its bucket from the tail (a later insertion of an
 *    equal key belongs at the back, so a storm of events at one time costs
 *    nothing), cancel unlinks in O(1) (the bucket is found from the time).
 * Both stay O(1) while a day holds a few events: the queue resizes (nb
 * doubles when the queue holds more than nb / 4 events, halves below
 * nb / 16) and re-derives the day length from the separations of the
 * earliest events. Work that a badly fitting day length causes (empty
 * days stepped over, list entries walked past) is counted, and when it
 * averages more than COST_LIMIT per operation (cq_account) the calendar
 * is rebuilt with a fresh day length, so a run whose events change their
 * spacing (a boot burst, then a day of standby) adapts.
 *
 * Brown sizes for few steps: nb about the number of events and a day of
 * three mean separations. What the queue's speed comes down to here is
 * cache misses, not steps, so the calendar is sparser: 4 to 16 buckets
 * per event and a day of half a separation. Then most buckets hold no
 * event or one, a schedule and a pop mostly touch only the event they
 * move and one bucket pointer, and the days stepped over are a sequential
 * read the hardware prefetches. Measured with bench/bench_sim.c (the hold
 * model at 10,000 pending, M events per CPU second on a loaded machine;
 * the 8-ary heap this replaced measured 9.5-13.8 in the same runs):
 * Brown's sizing 12.6-14.8; day 1 separation with 2-8 buckets per event
 * 12.7-19.4, with 4-16 14.3-21.4, with 8-32 13.7-17.0; day 1/2 separation
 * with 4-16 buckets per event 20.5-20.7 (this); day 3/4 with 4-16
 * 13.9-16.1; day 2 separations with 4-16 15.4-16.7. bench/README.md has
 * the figures of the kernel as built, instruction counts included.
 *
 * The order events fire in is the key order whatever the day length or
 * bucket count, so resizing never changes a run: only the speed.
 */
#include "sim/sim.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* A pooled one-shot event: the SimEvent must stay first so the pool's
 * trampoline can recover the node from the event's context. */
typedef struct PoolEvent {
    SimEvent ev;
    SimEventFunc fn;        /* the caller's callback */
    void *ctx;              /* the caller's context */
    struct PoolEvent *next; /* free-list link */
} PoolEvent;

#define POOL_CHUNK 256

typedef struct PoolChunk {
    struct PoolChunk *next;
    PoolEvent events[POOL_CHUNK];
} PoolChunk;

typedef struct NamedRng {
    char *name; /* owned copy */
    uint64_t hash;
    SimRng rng;
} NamedRng;

/* An ordering key: time in the high word, then order = (priority + 2^15)
 * << 48 | insertion sequence, so one unsigned 128-bit compare orders
 * events. */
typedef unsigned __int128 EventKey;

#define SEQ_BITS 48
#define PRIORITY_BIAS 32768

/* Fewest buckets; with few events a year is short to step through. */
#define NB_MIN 16
/* Earliest events whose separations set the day length. */
#define SAMPLE 64
/* Rebuild when stepping costs more than this per operation on average. */
#define COST_LIMIT 4
/* Longest stretch of operations between two such checks. */
#define WINDOW_MAX ((uint64_t)1 << 24)

struct Sim {
    hs_time now;            /* current simulated time */
    uint64_t seed;          /* run seed all streams derive from */
    uint64_t next_seq;      /* insertion counter for tie-breaks */
    uint64_t fired;         /* events fired so far */
    hs_time limit;          /* until of the sim_run_until in progress */
    bool stop;              /* set by sim_stop, cleared by each run call */
    SimEvent **buckets;     /* nb bucket heads (NULL when empty) */
    size_t nb;              /* bucket count, a power of two (0: none yet) */
    unsigned shift;         /* a day is 2^shift picoseconds */
    uint64_t day;           /* current day: no pending event is earlier */
    size_t len;             /* pending events */
    uint64_t cost, ops;     /* steps and operations since the last check */
    uint64_t window;        /* operations between checks */
    PoolChunk *chunks;      /* storage of pooled one-shot events */
    PoolEvent *free_events; /* free list over the chunks */
    NamedRng **rngs;        /* streams created by sim_rng */
    size_t rng_len, rng_cap;
    SimObserverFunc observer;
    void *observer_ctx;
};

Sim *sim_new(uint64_t seed)
{
    Sim *sim = calloc(1, sizeof *sim);
    if (!sim)
        return NULL;
    sim->seed = seed;
    sim->limit = HS_TIME_MAX;
    return sim;
}

void sim_free(Sim *sim)
{
    if (!sim)
        return;
    free(sim->buckets);
    for (PoolChunk *c = sim->chunks, *n; c; c = n) {
        n = c->next;
        free(c);
    }
    for (size_t i = 0; i < sim->rng_len; i++) {
        free(sim->rngs[i]->name);
        free(sim->rngs[i]);
    }
    free(sim->rngs);
    free(sim);
}

hs_time sim_now(const Sim *sim)
{
    return sim->now;
}
uint64_t sim_seed(const Sim *sim)
{
    return sim->seed;
}
uint64_t sim_events_fired(const Sim *sim)
{
    return sim->fired;
}
size_t sim_pending(const Sim *sim)
{
    return sim->len;
}

void sim_event_init(SimEvent *ev, const char *name, SimEventFunc fn, void *ctx,
                    int priority)
{
    memset(ev, 0, sizeof *ev);
    ev->fn = fn;
    ev->ctx = ctx;
    ev->name = name;
    ev->priority = priority;
    ev->next = ev->prev = NULL;
}

/* ---- calendar queue ------------------------------------------------------ */

static inline EventKey event_key(const SimEvent *ev)
{
    uint64_t order =
        (uint64_t)(ev->priority + PRIORITY_BIAS) << SEQ_BITS | ev->seq;
    return (EventKey)ev->when << 64 | order;
}

static inline SimEvent **bucket_of(const Sim *sim, uint64_t day)
{
    return &sim->buckets[day & (sim->nb - 1)];
}

/* Puts ev after p in p's circular list. */
static inline void link_after(SimEvent *p, SimEvent *ev)
{
    ev->prev = p;
    ev->next = p->next;
    p->next->prev = ev;
    p->next = ev;
}

/* Inserts ev into its bucket; returns the list entries walked past. */
static size_t cq_insert(Sim *sim, SimEvent *ev)
{
    uint64_t day = ev->when >> sim->shift;
    SimEvent **b = bucket_of(sim, day), *head = *b;
    if (day < sim->day) /* before the day the last search stopped at */
        sim->day = day;
    if (!head) {
        ev->next = ev->prev = ev;
        *b = ev;
        return 0;
    }
    EventKey key = event_key(ev);
    SimEvent *p = head->prev; /* the tail */
    size_t steps = 0;
    while (key < event_key(p)) {
        if (p == head) { /* earliest of its bucket: the new head */
            link_after(head->prev, ev);
            *b = ev;
            return steps;
        }
        p = p->prev;
        steps++;
    }
    link_after(p, ev);
    return steps;
}

static void cq_unlink(Sim *sim, SimEvent *ev)
{
    SimEvent **b = bucket_of(sim, ev->when >> sim->shift);
    if (ev->next == ev) {
        *b = NULL;
    } else {
        ev->prev->next = ev->next;
        ev->next->prev = ev->prev;
        if (*b == ev)
            *b = ev->next;
    }
    ev->next = ev->prev = NULL;
}

/* The earliest pending event (the queue is not empty): the first day from
 * sim->day on whose bucket starts with an event of that day, or after a
 * year of empty days the smallest bucket head. Sets *day to its day and
 * *steps to the work done beyond looking at one bucket. The queue must
 * not be empty (callers check sim->len). */
static SimEvent *cq_first(const Sim *sim, uint64_t *day, size_t *steps)
{
    uint64_t d = sim->day;
    for (size_t i = 0; i < sim->nb; i++, d++) {
        SimEvent *h = *bucket_of(sim, d);
        if (h && h->when >> sim->shift == d) {
            *day = d;
            *steps = i;
            return h;
        }
    }
    SimEvent *best = NULL;
    for (size_t i = 0; i < sim->nb; i++) {
        SimEvent *h = sim->buckets[i];
        if (h && (!best || event_key(h) < event_key(best)))
            best = h;
    }
    assert(best); /* a non-empty queue has a bucket head */
    *day = best->when >> sim->shift;
    *steps = 2 * sim->nb;
    return best;
}

static int cmp_events(const void *a, const void *b)
{
    EventKey x = event_key(*(SimEvent *const *)a);
    EventKey y = event_key(*(SimEvent *const *)b);
    return (x > y) - (x < y);
}

/* log2 of the day length for events sorted earliest first: half the mean
 * separation of the earliest SAMPLE events once separations over twice
 * the first mean are left out (Brown's sampling; his day is three times
 * that mean, see the top of the file), rounded down to a power of two.
 * With no separation there (all at one time) the mean over the whole
 * queue stands in. */
static unsigned day_shift(SimEvent *const *evs, size_t n)
{
    size_t k = n < SAMPLE ? n : SAMPLE;
    if (k < 2)
        return 0;
    hs_time mean = (evs[k - 1]->when - evs[0]->when) / (k - 1), sum = 0;
    size_t used = 0;
    for (size_t i = 1; i < k; i++) {
        hs_time gap = evs[i]->when - evs[i - 1]->when;
        if (gap / 2 <= mean) {
            sum += gap;
            used++;
        }
    }
    hs_time width = used ? sum / used : 0;
    if (width == 0)
        width = (evs[n - 1]->when - evs[0]->when) / n;
    width /= 2;
    unsigned shift = 0;
    while (shift < 63 && ((hs_time)1 << (shift + 1)) <= width)
        shift++;
    return shift;
}

/* Rebuilds the calendar with nb buckets and a day length fitted to the
 * pending events. On out of memory the old calendar stays (still right,
 * only slower). */
static int cq_build(Sim *sim, size_t nb)
{
    SimEvent **buckets = calloc(nb, sizeof *buckets);
    SimEvent **evs = malloc((sim->len ? sim->len : 1) * sizeof *evs);
    if (!buckets || !evs) {
        free(buckets);
        free(evs);
        return -1;
    }
    size_t n = 0;
    for (size_t i = 0; i < sim->nb; i++) {
        SimEvent *h = sim->buckets[i], *e = h;
        if (h)
            do {
                evs[n++] = e;
                e = e->next;
            } while (e != h);
    }
    qsort(evs, n, sizeof *evs, cmp_events);
    free(sim->buckets);
    sim->buckets = buckets;
    sim->nb = nb;
    sim->shift = n ? day_shift(evs, n) : sim->shift;
    sim->day = sim->now >> sim->shift;
    for (size_t i = 0; i < n; i++) /* in key order: each goes at a tail */
        cq_insert(sim, evs[i]);
    free(evs);
    sim->cost = sim->ops = 0;
    sim->window = nb;
    return 0;
}

/* Books one operation's extra steps. When they have averaged more than
 * COST_LIMIT over a window of operations (at first nb) the calendar is
 * rebuilt with a fresh day length, and the window doubles each time that
 * does not cure it, so spacings no day length fits (a burst beside a day
 * of sparse timers) cost at most a rebuild per ever longer stretch. */
static inline void cq_account(Sim *sim, size_t steps)
{
    sim->cost += steps;
    if (++sim->ops < sim->window)
        return;
    if (sim->cost > COST_LIMIT * sim->ops) {
        uint64_t window = sim->window;
        cq_build(sim, sim->nb);
        sim->window = window < WINDOW_MAX ? 2 * window : window;
    } else {
        sim->window = sim->nb;
    }
    sim->cost = sim->ops = 0;
}

static void cq_remove(Sim *sim, SimEvent *ev)
{
    cq_unlink(sim, ev);
    if (--sim->len < sim->nb / 16 && sim->nb > NB_MIN)
        cq_build(sim, sim->nb / 2);
}

/* Removes and returns the earliest event if it is due by until. */
static SimEvent *cq_pop_first(Sim *sim, hs_time until)
{
    uint64_t day;
    size_t steps;
    SimEvent *ev = cq_first(sim, &day, &steps);
    sim->day = day;
    if (ev->when > until)
        return NULL;
    cq_remove(sim, ev);
    cq_account(sim, steps);
    return ev;
}

int sim_schedule_at(Sim *sim, SimEvent *ev, hs_time when)
{
    assert(ev->fn && "sim_schedule_at: event not initialised");
    assert(when >= sim->now && "sim_schedule_at: time in the past");
    assert(ev->priority >= -PRIORITY_BIAS && ev->priority < PRIORITY_BIAS);
    if (sim_event_pending(ev)) {
        cq_unlink(sim, ev);
        sim->len--;
    }
    if (!sim->nb && cq_build(sim, NB_MIN) < 0)
        return -1;
    /* 2^48 insertions is over 3 years of events at 1 GHz of scheduling. */
    assert(sim->next_seq < ((uint64_t)1 << SEQ_BITS) - 1);
    ev->when = when;
    ev->seq = sim->next_seq++;
    size_t steps = cq_insert(sim, ev);
    if (++sim->len > sim->nb / 4)
        cq_build(sim, 2 * sim->nb);
    else
        cq_account(sim, steps);
    return 0;
}

int sim_schedule_in(Sim *sim, SimEvent *ev, hs_time delay)
{
    hs_time when;
    if (__builtin_add_overflow(sim->now, delay, &when))
        when = HS_TIME_MAX;
    return sim_schedule_at(sim, ev, when);
}

bool sim_cancel(Sim *sim, SimEvent *ev)
{
    if (!sim_event_pending(ev))
        return false;
    cq_remove(sim, ev);
    return true;
}

hs_time sim_next_time(const Sim *sim)
{
    uint64_t day;
    size_t steps;
    return sim->len ? cq_first(sim, &day, &steps)->when : HS_TIME_MAX;
}

static bool skipped(const SimEvent *e, const SimEvent *const *skip, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (skip[k] == e)
            return true;
    return false;
}

hs_time sim_next_time_except(const Sim *sim, const SimEvent *const *skip,
                             size_t n)
{
    /* As cq_first, day by day from the current one: the first event not
     * skipped in a day's own run of its bucket is the earliest. After a
     * year without one, every event is looked at. */
    uint64_t d = sim->day;
    for (size_t i = 0; i < sim->nb; i++, d++) {
        SimEvent *h = *bucket_of(sim, d), *e = h;
        if (!h)
            continue;
        do {
            if (e->when >> sim->shift != d)
                break;
            if (!skipped(e, skip, n))
                return e->when;
            e = e->next;
        } while (e != h);
    }
    hs_time best = HS_TIME_MAX;
    for (size_t i = 0; i < sim->nb; i++) {
        SimEvent *h = sim->buckets[i], *e = h;
        if (!h)
            continue;
        do {
            if (!skipped(e, skip, n) && e->when < best)
                best = e->when;
            e = e->next;
        } while (e != h);
    }
    return best;
}

hs_time sim_run_limit(const Sim *sim)
{
    return sim->limit;
}

bool sim_observed(const Sim *sim)
{
    return sim->observer != NULL;
}

/* ---- pooled one-shot events ------------------------------------------- */

static void pool_trampoline(Sim *sim, void *ctx, hs_time now)
{
    PoolEvent *pe = ctx;
    SimEventFunc fn = pe->fn;
    void *user = pe->ctx;
    /* Recycle first so the callback may post more one-shots. */
    pe->next = sim->free_events;
    sim->free_events = pe;
    fn(sim, user, now);
}

int sim_call_at(Sim *sim, hs_time when, const char *name, SimEventFunc fn,
                void *ctx, int priority)
{
    if (!sim->free_events) {
        PoolChunk *c = malloc(sizeof *c);
        if (!c)
            return -1;
        c->next = sim->chunks;
        sim->chunks = c;
        for (size_t i = 0; i < POOL_CHUNK; i++) {
            c->events[i].next = sim->free_events;
            sim->free_events = &c->events[i];
        }
    }
    PoolEvent *pe = sim->free_events;
    sim_event_init(&pe->ev, name, pool_trampoline, pe, priority);
    pe->fn = fn;
    pe->ctx = ctx;
    if (sim_schedule_at(sim, &pe->ev, when) < 0)
        return -1; /* pe stays on the free list */
    sim->free_events = pe->next;
    return 0;
}

/* ---- running ------------------------------------------------------------ */

uint64_t sim_run_until(Sim *sim, hs_time until)
{
    uint64_t fired = 0;
    hs_time outer = sim->limit; /* sim_run calls this */
    sim->stop = false;
    sim->limit = until;
    while (sim->len && !sim->stop) {
        SimEvent *ev = cq_pop_first(sim, until);
        if (!ev)
            break;
        sim->now = ev->when;
        if (sim->observer)
            sim->observer(sim->observer_ctx, ev->name, sim->now);
        sim->fired++;
        fired++;
        ev->fn(sim, ev->ctx, sim->now);
    }
    sim->limit = outer;
    if (!sim->stop && sim->now < until)
        sim->now = until;
    return fired;
}

uint64_t sim_run(Sim *sim)
{
    uint64_t fired = 0;
    sim->stop = false;
    while (sim->len && !sim->stop)
        fired += sim_run_until(sim, sim_next_time(sim));
    return fired;
}

void sim_stop(Sim *sim)
{
    sim->stop = true;
}

bool sim_stopped(const Sim *sim)
{
    return sim->stop;
}

void sim_set_observer(Sim *sim, SimObserverFunc fn, void *ctx)
{
    sim->observer = fn;
    sim->observer_ctx = ctx;
}

/* ---- random streams ------------------------------------------------------ */

SimRng *sim_rng(Sim *sim, const char *name)
{
    uint64_t h = sim_hash_name(name);
    for (size_t i = 0; i < sim->rng_len; i++)
        if (sim->rngs[i]->hash == h && strcmp(sim->rngs[i]->name, name) == 0)
            return &sim->rngs[i]->rng;
    if (sim->rng_len == sim->rng_cap) {
        size_t cap = sim->rng_cap ? sim->rng_cap * 2 : 16;
        NamedRng **r = realloc(sim->rngs, cap * sizeof *r);
        if (!r)
            return NULL;
        sim->rngs = r;
        sim->rng_cap = cap;
    }
    NamedRng *nr = malloc(sizeof *nr);
    char *copy = nr ? strdup(name) : NULL;
    if (!copy) {
        free(nr);
        return NULL;
    }
    nr->name = copy;
    nr->hash = h;
    sim_rng_init(&nr->rng, sim->seed, name);
    sim->rngs[sim->rng_len++] = nr;
    return &nr->rng;
}
