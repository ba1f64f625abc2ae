/*
 * meter.h - power states, the energy meter and per-domain attribution.
 *
 * Components (the AP, each CPU core, the GPU, the display, ...) register
 * named power states, each with a power in microwatts. Whenever a
 * component changes state the meter integrates the energy of the interval
 * that just ended, exactly, and books it to the component, to the state
 * and to the domain(s) the interval was attributed to.
 *
 * Units (exact integers, no drift):
 *   power   uint64_t microwatts (uW)
 *   time    hs_time picoseconds (ps)
 *   energy  power_energy = unsigned __int128 in uW*ps (1 uW*ps = 1e-18 J;
 *           1 mJ = 1e15 uW*ps). The longest run (HS_TIME_MAX ~ 1.8e19 ps,
 *           213 days) at 1 kW (1e9 uW) is 1.8e28, far below 2^128 ~ 3.4e38,
 *           so sums never overflow; a power above POWER_MAX_UW is refused.
 *
 * Attribution: each interval is attributed to one domain, to several
 * domains with integer weights (shared radio tails, a wakelock held by two
 * domains), or to nobody (POWER_UNATTRIBUTED: idle, suspend). A weighted
 * split gives each domain floor(E * w / W) and the rounding remainder
 * (fewer uW*ps than there are domains) to the domain with the largest
 * weight (lowest index on ties), so the per-domain sums plus unattributed
 * equal the total exactly.
 *
 * Time: every call takes the time of the change. Times must not go
 * backwards for one component; a time earlier than the component's last
 * change (a device touched at a vCPU's local time, then again by an event
 * at an earlier sim time) is taken as that last change. Queries at time t
 * integrate every component up to t; a component whose last change is
 * later than t is counted up to its last change.
 *
 * Observers (trace writers) subscribe to state changes; they read, never
 * steer.
 *
 * Who books what: the PMIC books the AP's awake-idle/suspend power (to
 * the wakelock holders), the DVFS device books each core's active power
 * at its OPP to the domain running there (dvfs_core_run/stop, called by
 * the vCPU scheduler), and each device books its own states (GPU to the
 * job's submitter, display to the foreground domain, storage to the
 * issuer). Radio tails use weighted attributions (power_attr_add).
 */
#ifndef HS_POWER_METER_H
#define HS_POWER_METER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/time.h"

typedef unsigned __int128 power_energy; /* uW*ps */

#define POWER_UWPS_PER_MJ ((power_energy)1000000000000000ULL) /* 1e15 */
#define POWER_UWPS_PER_UJ ((power_energy)1000000000000ULL)    /* 1e12 */
#define POWER_MAX_UW 1000000000ULL /* 1 kW: anything above is an input bug */
#define POWER_MAX_DOMAINS 16       /* domains 0 .. POWER_MAX_DOMAINS-1 */
#define POWER_UNATTRIBUTED (-1)    /* idle, suspend: nobody's fault */

/* Who an interval's energy is booked to. */
typedef struct PowerAttr {
    int n;                              /* 0: unattributed; else entries */
    int domain[POWER_MAX_DOMAINS];      /* domain indexes, distinct */
    uint32_t weight[POWER_MAX_DOMAINS]; /* integer weights, > 0 */
} PowerAttr;

/* Attribution helpers: nobody, one domain (POWER_UNATTRIBUTED or a domain
 * index), or a weighted set (duplicates are merged, zero weights ignored;
 * returns -1 on a bad domain). */
PowerAttr power_attr_none(void);
PowerAttr power_attr_domain(int domain);
int power_attr_add(PowerAttr *a, int domain, uint32_t weight);

/* A state change as seen by observers. */
typedef struct PowerChange {
    int component;          /* component id */
    const char *name;       /* component name */
    int old_state;          /* previous state index */
    int new_state;          /* new state index */
    const char *state_name; /* name of the new state */
    uint64_t power_uw;      /* power from now on */
    const PowerAttr *attr;  /* attribution from now on */
    hs_time when;           /* time of the change */
} PowerChange;

typedef void (*PowerObserverFunc)(void *ctx, const PowerChange *change);

typedef struct PowerMeter PowerMeter;

/* Creates a meter for domains 0 .. n_domains-1 (1..POWER_MAX_DOMAINS).
 * Returns NULL on a bad count or out of memory. */
PowerMeter *power_meter_new(int n_domains);
void power_meter_free(PowerMeter *m);
int power_meter_domains(const PowerMeter *m);

/* Registers a component (name copied). Returns its id, or -1 on out of
 * memory. It starts in no state (0 uW) until its first state is added,
 * then in state 0 at time 0, unattributed. */
int power_component_add(PowerMeter *m, const char *name);
/* Adds a named state (name copied) with its power. Returns the state
 * index (0, 1, ...), or -1 on a bad component, power above POWER_MAX_UW
 * or out of memory. */
int power_state_add(PowerMeter *m, int comp, const char *name,
                    uint64_t power_uw);
/* Changes the registered power of a state. If the component is in that
 * state the old power is integrated up to when first. Returns 0 or -1. */
int power_state_set_power(PowerMeter *m, int comp, int state, uint64_t power_uw,
                          hs_time when);

/* Moves a component into state at time when, attributed to attr (NULL =
 * unattributed). Integrates the interval that ends. Observers are called
 * when the state, power or attribution changes. Returns 0, or -1 on a bad
 * component/state/attribution. */
int power_set_state(PowerMeter *m, int comp, int state, const PowerAttr *attr,
                    hs_time when);
/* Adds a lump of energy (a transition cost) to a component at time when,
 * attributed to attr (NULL = unattributed). Returns 0 or -1. */
int power_add_energy(PowerMeter *m, int comp, power_energy energy,
                     const PowerAttr *attr, hs_time when);

/* Subscribes an observer (up to 16). Returns 0 or -1. */
int power_add_observer(PowerMeter *m, PowerObserverFunc fn, void *ctx);
/* Number of observers subscribed. */
int power_observer_count(const PowerMeter *m);

/* Whether the component's current interval books to at most one domain,
 * so integrating it in one step or in many books the same energy (a split
 * between domains rounds per interval). */
bool power_integration_additive(const PowerMeter *m, int comp);

/* Books n pulses at once, exactly as n pairs of power_set_state calls
 * would: pulse i moves the component into state (attributed to domain, or
 * unattributed for POWER_UNATTRIBUTED) at first + i x period and back into
 * state 0, unattributed, width later. The component must rest in state 0,
 * unattributed, since no later than first, width <= period and no
 * observer may be subscribed (nobody sees the changes). Returns 0, or -1
 * with nothing booked when a condition does not hold; with commit false
 * it only checks. */
int power_pulses(PowerMeter *m, int comp, int state, int domain, hs_time first,
                 hs_time period, uint64_t n, hs_time width, bool commit);

/* ---- queries (integrate up to `at`) ------------------------------------ */
int power_component_count(const PowerMeter *m);
const char *power_component_name(const PowerMeter *m, int comp);
int power_component_find(const PowerMeter *m, const char *name);
int power_component_state(const PowerMeter *m, int comp);
uint64_t power_component_power_uw(const PowerMeter *m, int comp);
const char *power_state_name(const PowerMeter *m, int comp, int state);
int power_state_count(const PowerMeter *m, int comp);

/* Brings every component's integral up to `at` (see the time rule). The
 * query functions below call it; it changes no state. */
void power_meter_sync(PowerMeter *m, hs_time at);

power_energy power_energy_total(PowerMeter *m, hs_time at);
power_energy power_energy_component(PowerMeter *m, int comp, hs_time at);
/* domain may be POWER_UNATTRIBUTED. */
power_energy power_energy_domain(PowerMeter *m, int domain, hs_time at);
power_energy power_energy_component_domain(PowerMeter *m, int comp, int domain,
                                           hs_time at);
/* Energy and time spent in one state of a component (lumps added with
 * power_add_energy are booked to the state the component was in). */
power_energy power_energy_state(PowerMeter *m, int comp, int state, hs_time at);
hs_time power_residency_ps(PowerMeter *m, int comp, int state, hs_time at);

/* Average total power over [0, at] in uW (0 at time 0). */
uint64_t power_avg_power_uw(PowerMeter *m, hs_time at);

/* Conversions for reporting. */
double power_energy_to_mj(power_energy e);
/* Whole microjoules, rounded down. */
uint64_t power_energy_to_uj(power_energy e);

/* Battery projection: battery_life_h = capacity_mah * voltage_v /
 * avg_power_mw, written in integer-friendly units (mAh * mV / uW).
 * Returns 0 when avg_power_uw is 0 (no meaningful projection). */
double power_battery_life_h(uint64_t capacity_mah, uint64_t voltage_mv,
                            uint64_t avg_power_uw);

/* Power of a current at the battery's voltage: uA * mV / 1000 = uW
 * (17,400 uA at 3,800 mV = 66,120 uW). */
static inline uint64_t power_uw_from_ua(uint64_t current_ua,
                                        uint64_t voltage_mv)
{
    return current_ua * voltage_mv / 1000;
}

#endif /* HS_POWER_METER_H */
