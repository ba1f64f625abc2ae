/*
 * sim.h - the discrete-event kernel every handset model schedules on.
 *
 * A Sim owns the clock, the pending-event queue and the random streams of
 * one run; nothing is global, so several Sims can run side by side in one
 * process (tests and parallel `compare` do this).
 *
 * Events are owned by the components that schedule them (mGBA's mTiming
 * idea): a device embeds a SimEvent in its state, initialises it once with
 * a name, callback and priority, and schedules, reschedules or cancels it
 * as often as it likes; no allocation happens on the hot path. Events at
 * equal times run by priority (lower first), then in the order they were
 * (re)scheduled. The queue is a calendar queue (Brown 1988) whose
 * buckets are intrusive lists through the events, so pop and cancel are
 * O(1) and schedule and reschedule O(1) on average (sim.c says when).
 *
 * For fire-and-forget work (a packet arriving with a payload) sim_call_at
 * schedules a pooled one-shot event that cannot be cancelled.
 */
#ifndef HS_SIM_SIM_H
#define HS_SIM_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/rng.h"
#include "sim/time.h"

typedef struct Sim Sim;

/* Event callback: now is the simulated time the event fires at. */
typedef void (*SimEventFunc)(Sim *sim, void *ctx, hs_time now);

/* Observer called before every event fires (trace writers); never steers. */
typedef void (*SimObserverFunc)(void *ctx, const char *event_name, hs_time now);

typedef struct SimEvent {
    SimEventFunc fn;  /* callback */
    void *ctx;        /* callback context, owned by the scheduler */
    const char *name; /* static string, shown in traces */
    int priority;     /* tie-break at equal times: lower runs first */
    hs_time when;     /* firing time while pending */
    uint64_t seq;     /* insertion order, tie-break after priority */
    /* Neighbours in the event's calendar bucket (a circular list); next is
     * NULL while the event is idle. Private to the kernel. */
    struct SimEvent *next, *prev;
} SimEvent;

/* Creates a simulation at time 0 whose random streams derive from seed.
 * Returns NULL on allocation failure. */
Sim *sim_new(uint64_t seed);
/* Frees the Sim, its queue, pooled events and streams. Pending owned
 * events are simply forgotten (their memory belongs to their owners). */
void sim_free(Sim *sim);

hs_time sim_now(const Sim *sim);
uint64_t sim_seed(const Sim *sim);
/* Number of events fired so far. */
uint64_t sim_events_fired(const Sim *sim);
/* Number of events waiting. */
size_t sim_pending(const Sim *sim);

/* Prepares an owned event; it starts idle. name must outlive the event. */
void sim_event_init(SimEvent *ev, const char *name, SimEventFunc fn, void *ctx,
                    int priority);
static inline bool sim_event_pending(const SimEvent *ev)
{
    return ev->next != NULL;
}

/* Schedules ev at absolute time when (>= now). A pending event is moved
 * (rescheduled) and takes a new insertion order. Returns 0, or -1 if the
 * queue could not grow (out of memory). Scheduling in the past is a
 * programmer error and asserts. */
int sim_schedule_at(Sim *sim, SimEvent *ev, hs_time when);
/* Schedules ev at now + delay (saturating at HS_TIME_MAX). */
int sim_schedule_in(Sim *sim, SimEvent *ev, hs_time delay);
/* Removes a pending event; returns true if it was pending. Safe to call
 * from any callback, including on an event that is about to fire. */
bool sim_cancel(Sim *sim, SimEvent *ev);

/* Schedules a pooled one-shot event at absolute time when; the pool entry
 * is recycled after it fires. Returns 0 or -1 on out of memory. */
int sim_call_at(Sim *sim, hs_time when, const char *name, SimEventFunc fn,
                void *ctx, int priority);

/* Fires every event with time <= until in order, then sets the clock to
 * until (unless stopped earlier). Returns the number of events fired. */
uint64_t sim_run_until(Sim *sim, hs_time until);
/* Fires events until the queue is empty or sim_stop is called. */
uint64_t sim_run(Sim *sim);
/* Makes sim_run/sim_run_until return after the current event. */
void sim_stop(Sim *sim);
bool sim_stopped(const Sim *sim);

/* Time of the earliest pending event, or HS_TIME_MAX if none. */
hs_time sim_next_time(const Sim *sim);
/* Time of the earliest pending event that is none of skip[0..n-1], or
 * HS_TIME_MAX. Walks the calendar's days from the current one (each
 * event met is compared with every skip entry), the whole queue when a
 * year of days has none: for callers that then skip much work (an idle
 * stretch fast-forwarded), not for every event. */
hs_time sim_next_time_except(const Sim *sim, const SimEvent *const *skip,
                             size_t n);
/* The until of the sim_run_until in progress (HS_TIME_MAX outside one):
 * no event later than it fires before that call returns. */
hs_time sim_run_limit(const Sim *sim);
/* Whether an event observer is installed (sim_set_observer). */
bool sim_observed(const Sim *sim);

/* Installs (or clears with fn NULL) the one event observer. */
void sim_set_observer(Sim *sim, SimObserverFunc fn, void *ctx);

/* Returns the run's random stream for a component name, creating it on
 * first use. The stream depends only on the Sim's seed and the name, so
 * adding a component never changes another's stream. Owned by the Sim;
 * NULL on out of memory. */
SimRng *sim_rng(Sim *sim, const char *name);

#endif /* HS_SIM_SIM_H */
