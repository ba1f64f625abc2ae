/*
 * pmic.h - the PMIC: wakelocks, AP suspend and resume, the AP's base power.
 *
 * Wakelocks are counted per (domain, id), ids 0 .. HS_PMIC_WL_MAX-1, taken
 * and dropped by guests through HS_PMIC_WL_ACQUIRE/RELEASE (the domain is
 * BusAccess.domain). Host components (the baseband side, the approach)
 * take named, counted locks with pmic_host_acquire/release.
 *
 * Who may keep the AP awake is the approach's decision: a PmicPolicy says
 * which holders count and whether the AP may suspend now. The default is
 * the plain Linux rule: every holder counts, and the AP may suspend when
 * no counted wakelock is held (autosleep).
 *
 * States (HS_PMIC_ST_* in platform.h) and what the meter sees for the
 * component "ap":
 *   AWAKE       the AP is up: awake_idle_uw (power_profile cpu.idle; core
 *               activity is added by the DVFS device's per-core states).
 *               Attributed to the domains holding counted wakelocks,
 *               weighted by the number of ids each holds; unattributed
 *               when nobody (or only the host) holds one.
 *   SUSPENDING  entry in progress for suspend_entry_ps; its whole energy
 *               (suspend_entry_nj) is added as one lump when entry starts.
 *   SUSPENDED   suspend_uw (power_profile cpu.suspend), unattributed.
 *   RESUMING    exit in progress for resume_exit_ps; resume_exit_nj is
 *               added as one lump when exit starts.
 * Sequencing: AWAKE --(policy allows suspend for autosleep_delay_ps)-->
 * SUSPENDING --(entry latency)--> SUSPENDED --(wake source)--> RESUMING
 * --(exit latency)--> AWAKE (SUSPENDS counts up, HS_IRQ_PMIC pulses). A
 * wake source is pmic_wake() (host request, timer), the wake input from
 * the interrupt controller, or a counted wakelock taken while asleep. A
 * wake that arrives during SUSPENDING cannot abort the entry: the entry
 * completes and the exit starts at once (the full cycle's energy and
 * latency are paid, which is what an aborted late suspend costs).
 */
#ifndef HS_DEVICES_PMIC_H
#define HS_DEVICES_PMIC_H

#include "bus/bus.h"
#include "platform.h"
#include "power/meter.h"

typedef struct PmicConfig {
    uint64_t awake_idle_uw;     /* AP awake, no work (cpu.idle) */
    uint64_t suspend_uw;        /* AP suspended (cpu.suspend) */
    hs_time suspend_entry_ps;   /* suspend entry latency */
    hs_time resume_exit_ps;     /* resume exit latency */
    uint64_t suspend_entry_nj;  /* energy of one suspend entry */
    uint64_t resume_exit_nj;    /* energy of one resume exit */
    hs_time autosleep_delay_ps; /* no counted lock this long: suspend */
} PmicConfig;

typedef struct PmicState PmicState;

/* The approach's hook on who may keep the AP awake. */
typedef struct PmicPolicy {
    const char *name; /* e.g. "linux" */
    /* Does a lock held by domain (BUS_DOMAIN_HOST for host locks) count
     * towards keeping the AP awake? NULL: every holder counts. */
    bool (*holder_counts)(void *ctx, const PmicState *p, int domain);
    /* May the AP start suspending now? NULL: when no counted lock is
     * held (pmic_counted_holds(p) == 0). */
    bool (*may_suspend)(void *ctx, const PmicState *p, hs_time now);
} PmicPolicy;

/* Called on every state change (after it happened). */
typedef void (*PmicListenerFunc)(void *ctx, int old_state, int new_state,
                                 hs_time when);

#define PMIC_MAX_HOST_LOCKS 32
#define PMIC_MAX_LISTENERS 8

typedef struct PmicHostLock {
    char *name;     /* owned copy, NULL if the slot is free */
    uint32_t count; /* acquisitions not yet released */
} PmicHostLock;

struct PmicState {
    Device dev;               /* base: must stay first */
    PmicConfig cfg;           /* copied at init */
    Sim *sim;                 /* set by realize */
    PowerMeter *meter;        /* may be NULL */
    int comp;                 /* meter component "ap", -1 without meter */
    int st_power[4];          /* meter state per HS_PMIC_ST_* */
    const PmicPolicy *policy; /* current policy (default: linux) */
    void *policy_ctx;         /* its context */
    int state;                /* HS_PMIC_ST_* */
    bool wake_pending;        /* a wake arrived during SUSPENDING */
    uint64_t suspends;        /* completed suspend cycles */
    uint64_t resumes;         /* completed resumes */
    hs_time last_change;      /* time of the last state change */
    uint32_t wl[POWER_MAX_DOMAINS][HS_PMIC_WL_MAX]; /* counts per id */
    PmicHostLock host[PMIC_MAX_HOST_LOCKS];         /* named host locks */
    /* Ids held per domain and host locks held: pmic_held's answers, kept
     * as wl and host change (the suspend check asks on every wakeup). */
    unsigned held_ids[POWER_MAX_DOMAINS];
    unsigned held_host;
    SimEvent autosleep;  /* start suspend entry */
    SimEvent transition; /* entry or exit finished */
    IrqLine irq;         /* HS_IRQ_PMIC: pulsed on resume */
    PmicListenerFunc listeners[PMIC_MAX_LISTENERS]; /* state listeners */
    void *listener_ctx[PMIC_MAX_LISTENERS];         /* their contexts */
    int n_listeners;                                /* listeners installed */
};

/* Prepares the PMIC with cfg (copied). meter may be NULL; the component
 * "ap" is registered at realize. */
void pmic_init(PmicState *s, const char *name, const PmicConfig *cfg,
               PowerMeter *meter);

/* The plain Linux rule. */
extern const PmicPolicy pmic_policy_linux;
/* Replaces the policy (NULL restores linux) and re-evaluates at when. */
void pmic_set_policy(PmicState *s, const PmicPolicy *policy, void *ctx,
                     hs_time when);
/* Re-applies the policy at when (call after anything it reads changed). */
void pmic_evaluate(PmicState *s, hs_time when);

/* Host-side named locks. Returns 0, or -1 if the table is full/out of
 * memory (acquire) or the name is not held (release). */
int pmic_host_acquire(PmicState *s, const char *name, hs_time when);
int pmic_host_release(PmicState *s, const char *name, hs_time when);

/* Domain locks, as the HVC path of the approaches takes them. Return 0,
 * or -1 on a bad domain/id or a release of an id not held. */
int pmic_domain_acquire(PmicState *s, int domain, unsigned id, hs_time when);
int pmic_domain_release(PmicState *s, int domain, unsigned id, hs_time when);

/* A wake source fired (host request, timer, IRQ): resumes a suspended
 * AP; while awake it restarts the autosleep delay. */
void pmic_wake(PmicState *s, hs_time when);
/* IrqFunc for the interrupt controller's wake output. */
void pmic_wake_irq(void *pmic, int line, bool level);

int pmic_add_listener(PmicState *s, PmicListenerFunc fn, void *ctx);
/* Removes the listener added with fn and ctx (nothing if there is none). */
void pmic_remove_listener(PmicState *s, PmicListenerFunc fn, void *ctx);

/* Queries. */
int pmic_state(const PmicState *s);
/* Ids held by domain (BUS_DOMAIN_HOST: named host locks held). */
unsigned pmic_held(const PmicState *s, int domain);
/* Held locks (ids or host names) whose holder counts under the policy. */
unsigned pmic_counted_holds(const PmicState *s);

extern const DeviceOps pmic_ops;

#endif /* HS_DEVICES_PMIC_H */
