/*
 * pmic.c - wakelock counting, the suspend policy hook and the
 * suspend/resume sequence with its latencies and energies.
 */
#include "soc_models/devices/pmic.h"

#include <stdlib.h>
#include <string.h>

static const char *const state_names[4] = {"awake-idle", "suspending",
                                           "suspended", "resuming"};

static bool counts(const PmicState *s, int domain)
{
    if (!s->policy->holder_counts)
        return true;
    return s->policy->holder_counts(s->policy_ctx, s, domain);
}

unsigned pmic_held(const PmicState *s, int domain)
{
    if (domain == BUS_DOMAIN_HOST)
        return s->held_host;
    if (domain < 0 || domain >= POWER_MAX_DOMAINS)
        return 0;
    return s->held_ids[domain];
}

unsigned pmic_counted_holds(const PmicState *s)
{
    unsigned n = 0;
    for (int d = 0; d < POWER_MAX_DOMAINS; d++) {
        unsigned h = pmic_held(s, d);
        if (h && counts(s, d))
            n += h;
    }
    unsigned h = pmic_held(s, BUS_DOMAIN_HOST);
    if (h && counts(s, BUS_DOMAIN_HOST))
        n += h;
    return n;
}

static bool linux_holder_counts(void *ctx, const PmicState *p, int domain)
{
    (void)ctx;
    (void)p;
    (void)domain;
    return true;
}

static bool linux_may_suspend(void *ctx, const PmicState *p, hs_time now)
{
    (void)ctx;
    (void)now;
    return pmic_counted_holds(p) == 0;
}

const PmicPolicy pmic_policy_linux = {
    .name = "linux",
    .holder_counts = linux_holder_counts,
    .may_suspend = linux_may_suspend,
};

static bool may_suspend(const PmicState *s, hs_time now)
{
    if (!s->policy->may_suspend)
        return pmic_counted_holds(s) == 0;
    return s->policy->may_suspend(s->policy_ctx, s, now);
}

static hs_time at_least_now(const PmicState *s, hs_time when)
{
    hs_time now = s->sim ? sim_now(s->sim) : 0;
    return when < now ? now : when;
}

/* Tells the meter the current state and who it is attributed to. */
static void meter_update(PmicState *s, hs_time when)
{
    if (!s->meter || s->comp < 0)
        return;
    PowerAttr a = power_attr_none();
    if (s->state == HS_PMIC_ST_AWAKE) {
        int n = power_meter_domains(s->meter);
        for (int d = 0; d < n && d < POWER_MAX_DOMAINS; d++) {
            unsigned h = pmic_held(s, d);
            if (h && counts(s, d))
                power_attr_add(&a, d, h);
        }
    }
    power_set_state(s->meter, s->comp, s->st_power[s->state], &a, when);
}

static void set_state(PmicState *s, int state, hs_time when)
{
    int old = s->state;
    s->state = state;
    s->last_change = when;
    meter_update(s, when);
    for (int i = 0; i < s->n_listeners; i++)
        s->listeners[i](s->listener_ctx[i], old, state, when);
}

static void start_resume(PmicState *s, hs_time when)
{
    s->wake_pending = false;
    set_state(s, HS_PMIC_ST_RESUMING, when);
    if (s->meter && s->comp >= 0)
        power_add_energy(s->meter, s->comp,
                         (power_energy)s->cfg.resume_exit_nj * 1000000000u,
                         NULL, when);
    sim_schedule_at(s->sim, &s->transition, when + s->cfg.resume_exit_ps);
}

void pmic_evaluate(PmicState *s, hs_time when)
{
    if (!s->sim)
        return;
    when = at_least_now(s, when);
    switch (s->state) {
    case HS_PMIC_ST_AWAKE:
        meter_update(s, when); /* holders may have changed */
        if (may_suspend(s, when)) {
            if (!sim_event_pending(&s->autosleep))
                sim_schedule_at(s->sim, &s->autosleep,
                                when + s->cfg.autosleep_delay_ps);
        } else {
            sim_cancel(s->sim, &s->autosleep);
        }
        break;
    case HS_PMIC_ST_SUSPENDING:
        if (!may_suspend(s, when))
            s->wake_pending = true;
        break;
    case HS_PMIC_ST_SUSPENDED:
        if (!may_suspend(s, when))
            start_resume(s, when);
        break;
    default: /* RESUMING: re-evaluated when the exit completes */
        break;
    }
}

static void pmic_autosleep(Sim *sim, void *ctx, hs_time now)
{
    (void)sim;
    PmicState *s = ctx;
    if (s->state != HS_PMIC_ST_AWAKE || !may_suspend(s, now))
        return;
    set_state(s, HS_PMIC_ST_SUSPENDING, now);
    if (s->meter && s->comp >= 0)
        power_add_energy(s->meter, s->comp,
                         (power_energy)s->cfg.suspend_entry_nj * 1000000000u,
                         NULL, now);
    sim_schedule_at(s->sim, &s->transition, now + s->cfg.suspend_entry_ps);
}

static void pmic_transition(Sim *sim, void *ctx, hs_time now)
{
    (void)sim;
    PmicState *s = ctx;
    if (s->state == HS_PMIC_ST_SUSPENDING) {
        s->suspends++;
        set_state(s, HS_PMIC_ST_SUSPENDED, now);
        if (s->wake_pending || !may_suspend(s, now))
            start_resume(s, now);
    } else if (s->state == HS_PMIC_ST_RESUMING) {
        s->resumes++;
        set_state(s, HS_PMIC_ST_AWAKE, now);
        irq_pulse(&s->irq);
        pmic_evaluate(s, now);
    }
}

void pmic_wake(PmicState *s, hs_time when)
{
    if (!s->sim)
        return;
    when = at_least_now(s, when);
    if (s->state == HS_PMIC_ST_SUSPENDED)
        start_resume(s, when);
    else if (s->state == HS_PMIC_ST_SUSPENDING)
        s->wake_pending = true;
    else if (s->state == HS_PMIC_ST_AWAKE && sim_event_pending(&s->autosleep)) {
        /* Activity restarts the autosleep delay. */
        sim_cancel(s->sim, &s->autosleep);
        pmic_evaluate(s, when);
    }
}

void pmic_wake_irq(void *ctx, int line, bool level)
{
    (void)line;
    PmicState *s = ctx;
    if (level && s->sim)
        pmic_wake(s, sim_now(s->sim));
}

void pmic_set_policy(PmicState *s, const PmicPolicy *policy, void *ctx,
                     hs_time when)
{
    s->policy = policy ? policy : &pmic_policy_linux;
    s->policy_ctx = ctx;
    pmic_evaluate(s, when);
}

int pmic_domain_acquire(PmicState *s, int domain, unsigned id, hs_time when)
{
    if (domain < 0 || domain >= POWER_MAX_DOMAINS || id >= HS_PMIC_WL_MAX)
        return -1;
    if (s->wl[domain][id] == UINT32_MAX)
        return -1;
    if (s->wl[domain][id]++ == 0)
        s->held_ids[domain]++;
    pmic_evaluate(s, when);
    return 0;
}

int pmic_domain_release(PmicState *s, int domain, unsigned id, hs_time when)
{
    if (domain < 0 || domain >= POWER_MAX_DOMAINS || id >= HS_PMIC_WL_MAX ||
        s->wl[domain][id] == 0)
        return -1;
    if (--s->wl[domain][id] == 0)
        s->held_ids[domain]--;
    pmic_evaluate(s, when);
    return 0;
}

int pmic_host_acquire(PmicState *s, const char *name, hs_time when)
{
    int free_slot = -1;
    for (int i = 0; i < PMIC_MAX_HOST_LOCKS; i++) {
        if (s->host[i].name && strcmp(s->host[i].name, name) == 0) {
            s->host[i].count++;
            pmic_evaluate(s, when);
            return 0;
        }
        if (!s->host[i].name && free_slot < 0)
            free_slot = i;
    }
    if (free_slot < 0)
        return -1;
    s->host[free_slot].name = strdup(name);
    if (!s->host[free_slot].name)
        return -1;
    s->host[free_slot].count = 1;
    s->held_host++;
    pmic_evaluate(s, when);
    return 0;
}

int pmic_host_release(PmicState *s, const char *name, hs_time when)
{
    for (int i = 0; i < PMIC_MAX_HOST_LOCKS; i++) {
        PmicHostLock *l = &s->host[i];
        if (l->name && strcmp(l->name, name) == 0 && l->count) {
            if (--l->count == 0) {
                free(l->name);
                l->name = NULL;
                s->held_host--;
            }
            pmic_evaluate(s, when);
            return 0;
        }
    }
    return -1;
}

int pmic_add_listener(PmicState *s, PmicListenerFunc fn, void *ctx)
{
    if (!fn || s->n_listeners == PMIC_MAX_LISTENERS)
        return -1;
    s->listeners[s->n_listeners] = fn;
    s->listener_ctx[s->n_listeners++] = ctx;
    return 0;
}

void pmic_remove_listener(PmicState *s, PmicListenerFunc fn, void *ctx)
{
    for (int i = 0; i < s->n_listeners; i++) {
        if (s->listeners[i] != fn || s->listener_ctx[i] != ctx)
            continue;
        for (int k = i + 1; k < s->n_listeners; k++) {
            s->listeners[k - 1] = s->listeners[k];
            s->listener_ctx[k - 1] = s->listener_ctx[k];
        }
        s->n_listeners--;
        return;
    }
}

int pmic_state(const PmicState *s)
{
    return s->state;
}

static int pmic_realize(Device *dev, Sim *sim)
{
    PmicState *s = (PmicState *)dev;
    s->sim = sim;
    sim_event_init(&s->autosleep, "pmic.autosleep", pmic_autosleep, s, 10);
    sim_event_init(&s->transition, "pmic.transition", pmic_transition, s, 0);
    if (s->meter) {
        s->comp = power_component_add(s->meter, "ap");
        if (s->comp < 0)
            return -1;
        const uint64_t uw[4] = {s->cfg.awake_idle_uw, 0, s->cfg.suspend_uw, 0};
        for (int i = 0; i < 4; i++) {
            s->st_power[i] =
                power_state_add(s->meter, s->comp, state_names[i], uw[i]);
            if (s->st_power[i] < 0)
                return -1;
        }
    }
    pmic_evaluate(s, sim_now(sim));
    return 0;
}

static void pmic_reset(Device *dev)
{
    PmicState *s = (PmicState *)dev;
    memset(s->wl, 0, sizeof s->wl);
    memset(s->held_ids, 0, sizeof s->held_ids);
    s->wake_pending = false;
    if (s->sim) {
        sim_cancel(s->sim, &s->autosleep);
        sim_cancel(s->sim, &s->transition);
        if (s->state != HS_PMIC_ST_AWAKE)
            set_state(s, HS_PMIC_ST_AWAKE, sim_now(s->sim));
        pmic_evaluate(s, sim_now(s->sim));
    }
}

static uint64_t pmic_read(Device *dev, uint64_t offset, unsigned size,
                          const BusAccess *acc)
{
    (void)size;
    PmicState *s = (PmicState *)dev;
    switch (offset) {
    case HS_PMIC_WL_HELD: /* ids held by the reading domain */
        return pmic_held(s, acc->domain);
    case HS_PMIC_STATE: /* HS_PMIC_ST_* */
        return (uint64_t)s->state;
    case HS_PMIC_SUSPENDS: /* completed suspend cycles */
        return (uint32_t)s->suspends;
    default:
        device_guest_error(dev, "read of unknown offset 0x%llx",
                           (unsigned long long)offset);
        return 0;
    }
}

static void pmic_write(Device *dev, uint64_t offset, uint64_t value,
                       unsigned size, const BusAccess *acc)
{
    (void)size;
    PmicState *s = (PmicState *)dev;
    switch (offset) {
    case HS_PMIC_WL_ACQUIRE: /* take wakelock id */
        if (pmic_domain_acquire(s, acc->domain, (unsigned)value, acc->when))
            device_guest_error(dev, "acquire of id %llu by domain %d",
                               (unsigned long long)value, acc->domain);
        break;
    case HS_PMIC_WL_RELEASE: /* drop wakelock id */
        if (pmic_domain_release(s, acc->domain, (unsigned)value, acc->when))
            device_guest_error(dev, "release of id %llu not held by %d",
                               (unsigned long long)value, acc->domain);
        break;
    default:
        device_guest_error(dev, "write of unknown offset 0x%llx",
                           (unsigned long long)offset);
    }
}

static void pmic_destroy(Device *dev)
{
    PmicState *s = (PmicState *)dev;
    for (int i = 0; i < PMIC_MAX_HOST_LOCKS; i++) {
        free(s->host[i].name);
        s->host[i].name = NULL;
    }
}

const DeviceOps pmic_ops = {
    .type = "pmic",
    .realize = pmic_realize,
    .reset = pmic_reset,
    .read = pmic_read,
    .write = pmic_write,
    .destroy = pmic_destroy,
};

void pmic_init(PmicState *s, const char *name, const PmicConfig *cfg,
               PowerMeter *meter)
{
    memset(s, 0, sizeof *s);
    device_init(&s->dev, &pmic_ops, name);
    s->cfg = *cfg;
    s->meter = meter;
    s->comp = -1;
    s->policy = &pmic_policy_linux;
    s->state = HS_PMIC_ST_AWAKE;
}
