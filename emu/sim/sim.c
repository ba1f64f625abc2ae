/*
 * sim.c - event queue (8-ary heap with handles), clock, pooled one-shot
 * events and the per-run registry of random streams.
 *
 * The queue is an implicit 8-ary min-heap kept in two parallel arrays: the
 * ordering keys, and the event in each slot (whose heap_index mirrors its
 * slot, so cancel and reschedule find it in O(1) and fix the heap in
 * O(log n)). A key is one unsigned 128-bit number, time in the high word
 * and (priority, insertion sequence) in the low word, so one compare
 * decides "fires first" and sifting never reads an event.
 *
 * Removal (and so every pop) walks down the path of smallest children: a
 * chain of dependent loads, one per level, which is what the queue's speed
 * comes down to. Hence the choices, each measured with bench/bench_sim.c:
 *  - 8 children per node: log8 n levels instead of log4 n, and the eight
 *    16-byte keys of a node's children fill one aligned pair of cache
 *    lines; the smallest of eight is picked without branches (which child
 *    wins is data, so a branch would mispredict about half the time).
 *  - Floyd's removal: the hole sinks to a leaf without comparing against
 *    the moved-up last event, which then rises from there; the last event
 *    almost always belongs near the bottom.
 *  - Slots past the last event hold a sentinel key larger than any real
 *    one, so every node has eight children to compare and the inner loop
 *    has no bounds test.
 * Tried and slower: keys and event pointers interleaved in one array,
 * prefetching grandchildren, and a 4-ary heap (branch-free or not).
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

/* A heap key: time in the high word, then order = (priority + 2^15) << 48
 * | insertion sequence, so one unsigned 128-bit compare orders events. */
typedef unsigned __int128 HeapKey;

#define SEQ_BITS 48
#define PRIORITY_BIAS 32768
/* Larger than any real key (whose sequence is below 2^48 - 1). */
#define KEY_SENTINEL (~(HeapKey)0)

#define ARITY 8
/* Sentinel slots kept past the last event: the children of any node with
 * one real child always exist in the array. */
#define PAD (ARITY - 1)
/* Key slots allocated before keys[0]: with ARITY - 1 of them, keys[1] and
 * with it every group of children (ARITY*i+1 ..) starts a cache line. */
#define LEAD (ARITY - 1)
#define LINE 64

struct Sim {
    hs_time now;       /* current simulated time */
    uint64_t seed;     /* run seed all streams derive from */
    uint64_t next_seq; /* insertion counter for tie-breaks */
    uint64_t fired;    /* events fired so far */
    bool stop;         /* set by sim_stop, cleared by each run call */
    HeapKey *keys;     /* 8-ary min-heap of pending events' keys */
    SimEvent **evs;    /* the event in each heap slot, beside its key */
    void *key_block;   /* allocation keys points into (cache-aligned) */
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
    free(sim->key_block);
    free(sim->evs);
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

static inline HeapKey event_key(const SimEvent *ev)
{
    uint64_t order =
        (uint64_t)(ev->priority + PRIORITY_BIAS) << SEQ_BITS | ev->seq;
    return (HeapKey)ev->when << 64 | order;
}

static inline void heap_put(Sim *sim, size_t i, HeapKey key, SimEvent *ev)
{
    sim->keys[i] = key;
    sim->evs[i] = ev;
    ev->heap_index = i;
}

/* The earliest of the four keys from first on, as a tournament without
 * branches. On equal keys (only sentinels are equal) the lower index wins,
 * so a real child always beats the padding after it. */
static inline size_t min_of_4(const HeapKey *keys, size_t first)
{
    size_t a = first + (keys[first + 1] < keys[first]);
    size_t b = first + 2 + (keys[first + 3] < keys[first + 2]);
    return keys[b] < keys[a] ? b : a;
}

/* The earliest of the ARITY children starting at slot first. */
_Static_assert(ARITY == 8, "min_child compares two groups of four");
static inline size_t min_child(const HeapKey *keys, size_t first)
{
    size_t a = min_of_4(keys, first), b = min_of_4(keys, first + 4);
    return keys[b] < keys[a] ? b : a;
}

static void sift_up(Sim *sim, size_t i, HeapKey key, SimEvent *ev)
{
    while (i > 0) {
        size_t parent = (i - 1) / ARITY;
        if (!(key < sim->keys[parent]))
            break;
        heap_put(sim, i, sim->keys[parent], sim->evs[parent]);
        i = parent;
    }
    heap_put(sim, i, key, ev);
}

/*
 * Removes ev (pop is removal at slot 0). Floyd's method: the hole left by
 * ev sinks to a leaf along the smallest children and the last event then
 * rises from that leaf. This is also right when ev is not the root: after
 * the hole sinks, every slot but the leaf satisfies the heap order, so the
 * rise is an ordinary insertion (it may climb above ev's old slot).
 */
static void heap_remove(Sim *sim, SimEvent *ev)
{
    size_t i = ev->heap_index, n = --sim->heap_len;
    HeapKey last_key = sim->keys[n];
    SimEvent *last = sim->evs[n];
    ev->heap_index = SIM_NOT_PENDING;
    sim->keys[n] = KEY_SENTINEL; /* every slot from heap_len on */
    if (i == n)
        return;
    while (ARITY * i + 1 < n) {
        size_t c = min_child(sim->keys, ARITY * i + 1);
        heap_put(sim, i, sim->keys[c], sim->evs[c]);
        i = c;
    }
    sift_up(sim, i, last_key, last);
}

/* Doubles the heap. Key slots past the events hold KEY_SENTINEL. */
static int heap_grow(Sim *sim)
{
    size_t cap = sim->heap_cap ? sim->heap_cap * 2 : 64;
    size_t bytes = (LEAD + cap + PAD) * sizeof(HeapKey);
    HeapKey *block = aligned_alloc(LINE, (bytes + LINE - 1) / LINE * LINE);
    SimEvent **evs = realloc(sim->evs, cap * sizeof *evs);
    if (evs)
        sim->evs = evs;
    if (!block || !evs) {
        free(block);
        return -1;
    }
    HeapKey *keys = block + LEAD;
    for (size_t i = 0; i < cap + PAD; i++)
        keys[i] = i < sim->heap_len ? sim->keys[i] : KEY_SENTINEL;
    free(sim->key_block);
    sim->key_block = block;
    sim->keys = keys;
    sim->heap_cap = cap;
    return 0;
}

int sim_schedule_at(Sim *sim, SimEvent *ev, hs_time when)
{
    assert(ev->fn && "sim_schedule_at: event not initialised");
    assert(when >= sim->now && "sim_schedule_at: time in the past");
    assert(ev->priority >= -PRIORITY_BIAS && ev->priority < PRIORITY_BIAS);
    if (sim_event_pending(ev))
        heap_remove(sim, ev);
    if (sim->heap_len == sim->heap_cap && heap_grow(sim) < 0)
        return -1;
    /* 2^48 insertions is over 3 years of events at 1 GHz of scheduling;
     * staying below 2^48 - 1 also keeps every key below KEY_SENTINEL. */
    assert(sim->next_seq < ((uint64_t)1 << SEQ_BITS) - 1);
    ev->when = when;
    ev->seq = sim->next_seq++;
    sift_up(sim, sim->heap_len++, event_key(ev), ev);
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

/* The earliest time, read from the key so no event is touched. */
static inline hs_time heap_top_time(const Sim *sim)
{
    return (hs_time)(sim->keys[0] >> 64);
}

hs_time sim_next_time(const Sim *sim)
{
    return sim->heap_len ? heap_top_time(sim) : HS_TIME_MAX;
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
    while (sim->heap_len && heap_top_time(sim) <= until && !sim->stop) {
        SimEvent *ev = sim->evs[0];
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
        fired += sim_run_until(sim, heap_top_time(sim));
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
