/*
 * sim.c - event queue (4-ary heap with handles), clock, pooled one-shot
 * events and the per-run registry of random streams.
 *
 * The heap stores each event's ordering key inline (time, then priority and
 * insertion order packed into one word), so comparisons never chase event
 * pointers; a 4-ary layout halves the depth of a binary heap and keeps the
 * children of a node in one or two cache lines.
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

/* One heap slot: the key is copied from the event so sifting only touches
 * the array. order = (priority + 2^15) << 48 | insertion sequence. */
typedef struct HeapEntry {
    hs_time when;   /* firing time */
    uint64_t order; /* priority, then insertion order */
    SimEvent *ev;   /* the event (its heap_index mirrors the slot) */
} HeapEntry;

#define SEQ_BITS 48
#define PRIORITY_BIAS 32768

struct Sim {
    hs_time now;       /* current simulated time */
    uint64_t seed;     /* run seed all streams derive from */
    uint64_t next_seq; /* insertion counter for tie-breaks */
    uint64_t fired;    /* events fired so far */
    bool stop;         /* set by sim_stop, cleared by each run call */
    HeapEntry *heap;   /* 4-ary min-heap of pending events */
    size_t heap_len, heap_cap;
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
    return sim;
}

void sim_free(Sim *sim)
{
    if (!sim)
        return;
    free(sim->heap);
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
    return sim->heap_len;
}

void sim_event_init(SimEvent *ev, const char *name, SimEventFunc fn, void *ctx,
                    int priority)
{
    memset(ev, 0, sizeof *ev);
    ev->fn = fn;
    ev->ctx = ctx;
    ev->name = name;
    ev->priority = priority;
    ev->heap_index = SIM_NOT_PENDING;
}

/* ---- heap --------------------------------------------------------------- */

#define ARITY 4

static inline bool earlier(const HeapEntry *a, const HeapEntry *b)
{
    return a->when < b->when || (a->when == b->when && a->order < b->order);
}

static inline void heap_set(Sim *sim, size_t i, HeapEntry e)
{
    sim->heap[i] = e;
    e.ev->heap_index = i;
}

static void sift_up(Sim *sim, size_t i, HeapEntry e)
{
    while (i > 0) {
        size_t parent = (i - 1) / ARITY;
        if (!earlier(&e, &sim->heap[parent]))
            break;
        heap_set(sim, i, sim->heap[parent]);
        i = parent;
    }
    heap_set(sim, i, e);
}

static void sift_down(Sim *sim, size_t i, HeapEntry e)
{
    size_t n = sim->heap_len;
    for (;;) {
        size_t first = ARITY * i + 1;
        if (first >= n)
            break;
        size_t last = first + ARITY < n ? first + ARITY : n;
        size_t best = first;
        for (size_t c = first + 1; c < last; c++)
            if (earlier(&sim->heap[c], &sim->heap[best]))
                best = c;
        if (!earlier(&sim->heap[best], &e))
            break;
        heap_set(sim, i, sim->heap[best]);
        i = best;
    }
    heap_set(sim, i, e);
}

static void heap_remove(Sim *sim, SimEvent *ev)
{
    size_t i = ev->heap_index;
    HeapEntry last = sim->heap[--sim->heap_len];
    ev->heap_index = SIM_NOT_PENDING;
    if (last.ev == ev)
        return;
    if (i > 0 && earlier(&last, &sim->heap[(i - 1) / ARITY]))
        sift_up(sim, i, last);
    else
        sift_down(sim, i, last);
}

int sim_schedule_at(Sim *sim, SimEvent *ev, hs_time when)
{
    assert(ev->fn && "sim_schedule_at: event not initialised");
    assert(when >= sim->now && "sim_schedule_at: time in the past");
    assert(ev->priority >= -PRIORITY_BIAS && ev->priority < PRIORITY_BIAS);
    if (sim_event_pending(ev))
        heap_remove(sim, ev);
    if (sim->heap_len == sim->heap_cap) {
        size_t cap = sim->heap_cap ? sim->heap_cap * 2 : 64;
        HeapEntry *h = realloc(sim->heap, cap * sizeof *h);
        if (!h)
            return -1;
        sim->heap = h;
        sim->heap_cap = cap;
    }
    /* 2^48 insertions is over 3 years of events at 1 GHz of scheduling. */
    assert(sim->next_seq < ((uint64_t)1 << SEQ_BITS));
    ev->when = when;
    ev->seq = sim->next_seq++;
    HeapEntry e = {
        .when = when,
        .order = (uint64_t)(ev->priority + PRIORITY_BIAS) << SEQ_BITS | ev->seq,
        .ev = ev,
    };
    sift_up(sim, sim->heap_len++, e);
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
    heap_remove(sim, ev);
    return true;
}

hs_time sim_next_time(const Sim *sim)
{
    return sim->heap_len ? sim->heap[0].when : HS_TIME_MAX;
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
    sim->stop = false;
    while (sim->heap_len && sim->heap[0].when <= until && !sim->stop) {
        SimEvent *ev = sim->heap[0].ev;
        heap_remove(sim, ev);
        sim->now = ev->when;
        if (sim->observer)
            sim->observer(sim->observer_ctx, ev->name, sim->now);
        sim->fired++;
        fired++;
        ev->fn(sim, ev->ctx, sim->now);
    }
    if (!sim->stop && sim->now < until)
        sim->now = until;
    return fired;
}

uint64_t sim_run(Sim *sim)
{
    uint64_t fired = 0;
    sim->stop = false;
    while (sim->heap_len && !sim->stop)
        fired += sim_run_until(sim, sim->heap[0].when);
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
