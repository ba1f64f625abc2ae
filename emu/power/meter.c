/*
 * meter.c - exact integration of power states into energy, per component,
 * state and domain.
 */
#include "power/meter.h"

#include <stdlib.h>
#include <string.h>

#define MAX_OBSERVERS 16

typedef struct PowerState {
    char *name;           /* owned copy */
    uint64_t power_uw;    /* power in this state */
    power_energy energy;  /* energy booked while in this state */
    hs_time residency_ps; /* time spent in this state */
} PowerState;

typedef struct PowerComponent {
    char *name;         /* owned copy */
    PowerState *states; /* registered states */
    int n_states, cap_states;
    int state;               /* current state, -1 before the first is added */
    PowerAttr attr;          /* attribution of the current interval */
    hs_time since;           /* start of the current (unintegrated) interval */
    power_energy energy;     /* total energy of this component */
    power_energy *by_domain; /* [n_domains + 1]: last slot = unattributed */
} PowerComponent;

typedef struct PowerObserver {
    PowerObserverFunc fn; /* callback */
    void *ctx;            /* its context */
} PowerObserver;

struct PowerMeter {
    int n_domains;         /* domains 0 .. n_domains-1 */
    PowerComponent *comps; /* registered components */
    int n_comps, cap_comps;
    PowerObserver obs[MAX_OBSERVERS]; /* state-change subscribers */
    int n_obs;
};

PowerAttr power_attr_none(void)
{
    PowerAttr a;
    memset(&a, 0, sizeof a);
    return a;
}

PowerAttr power_attr_domain(int domain)
{
    /* Only the first n entries are ever read, so only n is cleared: the
     * full 132-byte clear was 4 % of a hyp-mils standby run, where every
     * core's every busy interval asks for an attribution. */
    PowerAttr a;
    a.n = 0;
    if (domain != POWER_UNATTRIBUTED)
        (void)power_attr_add(&a, domain, 1);
    return a;
}

int power_attr_add(PowerAttr *a, int domain, uint32_t weight)
{
    if (domain < 0 || domain >= POWER_MAX_DOMAINS)
        return -1;
    if (weight == 0)
        return 0;
    for (int i = 0; i < a->n; i++) {
        if (a->domain[i] == domain) {
            a->weight[i] += weight;
            return 0;
        }
    }
    if (a->n == POWER_MAX_DOMAINS)
        return -1;
    a->domain[a->n] = domain;
    a->weight[a->n] = weight;
    a->n++;
    return 0;
}

PowerMeter *power_meter_new(int n_domains)
{
    if (n_domains < 1 || n_domains > POWER_MAX_DOMAINS)
        return NULL;
    PowerMeter *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->n_domains = n_domains;
    return m;
}

void power_meter_free(PowerMeter *m)
{
    if (!m)
        return;
    for (int i = 0; i < m->n_comps; i++) {
        PowerComponent *c = &m->comps[i];
        for (int s = 0; s < c->n_states; s++)
            free(c->states[s].name);
        free(c->states);
        free(c->by_domain);
        free(c->name);
    }
    free(m->comps);
    free(m);
}

int power_meter_domains(const PowerMeter *m)
{
    return m->n_domains;
}

int power_component_add(PowerMeter *m, const char *name)
{
    if (m->n_comps == m->cap_comps) {
        int cap = m->cap_comps ? m->cap_comps * 2 : 16;
        PowerComponent *c = realloc(m->comps, (size_t)cap * sizeof *c);
        if (!c)
            return -1;
        m->comps = c;
        m->cap_comps = cap;
    }
    PowerComponent *c = &m->comps[m->n_comps];
    memset(c, 0, sizeof *c);
    c->name = strdup(name);
    c->by_domain = calloc((size_t)m->n_domains + 1, sizeof *c->by_domain);
    if (!c->name || !c->by_domain) {
        free(c->name);
        free(c->by_domain);
        return -1;
    }
    c->state = -1;
    return m->n_comps++;
}

static PowerComponent *comp_get(PowerMeter *m, int comp)
{
    return comp >= 0 && comp < m->n_comps ? &m->comps[comp] : NULL;
}

static bool attr_valid(const PowerMeter *m, const PowerAttr *a)
{
    if (a->n < 0 || a->n > POWER_MAX_DOMAINS)
        return false;
    for (int i = 0; i < a->n; i++)
        if (a->domain[i] < 0 || a->domain[i] >= m->n_domains ||
            a->weight[i] == 0)
            return false;
    return true;
}

/* Books energy e of component c to its domains under attribution a. */
static void book(PowerMeter *m, PowerComponent *c, const PowerAttr *a,
                 power_energy e)
{
    c->energy += e;
    if (c->state >= 0)
        c->states[c->state].energy += e;
    if (a->n == 0) {
        c->by_domain[m->n_domains] += e;
        return;
    }
    if (a->n == 1) { /* the split below: e * w / w = e (no overflow) */
        c->by_domain[a->domain[0]] += e;
        return;
    }
    power_energy total_w = 0, given = 0;
    int big = 0;
    for (int i = 0; i < a->n; i++) {
        total_w += a->weight[i];
        if (a->weight[i] > a->weight[big] ||
            (a->weight[i] == a->weight[big] && a->domain[i] < a->domain[big]))
            big = i;
    }
    for (int i = 0; i < a->n; i++) {
        power_energy part = e * a->weight[i] / total_w;
        c->by_domain[a->domain[i]] += part;
        given += part;
    }
    c->by_domain[a->domain[big]] += e - given;
}

/* Integrates c from c->since to at (if later). */
static void integrate(PowerMeter *m, PowerComponent *c, hs_time at)
{
    if (at <= c->since)
        return;
    hs_time dt = at - c->since;
    if (c->state >= 0) {
        PowerState *s = &c->states[c->state];
        s->residency_ps += dt;
        book(m, c, &c->attr, (power_energy)s->power_uw * dt);
    }
    c->since = at;
}

int power_state_add(PowerMeter *m, int comp, const char *name,
                    uint64_t power_uw)
{
    PowerComponent *c = comp_get(m, comp);
    if (!c || power_uw > POWER_MAX_UW)
        return -1;
    if (c->n_states == c->cap_states) {
        int cap = c->cap_states ? c->cap_states * 2 : 4;
        PowerState *s = realloc(c->states, (size_t)cap * sizeof *s);
        if (!s)
            return -1;
        c->states = s;
        c->cap_states = cap;
    }
    PowerState *s = &c->states[c->n_states];
    memset(s, 0, sizeof *s);
    s->name = strdup(name);
    if (!s->name)
        return -1;
    s->power_uw = power_uw;
    if (c->state < 0)
        c->state = 0; /* the first state is the initial one, from time 0 */
    return c->n_states++;
}

static void notify(PowerMeter *m, int comp, int old_state, hs_time when)
{
    PowerComponent *c = &m->comps[comp];
    PowerChange ch = {
        .component = comp,
        .name = c->name,
        .old_state = old_state,
        .new_state = c->state,
        .state_name = c->states[c->state].name,
        .power_uw = c->states[c->state].power_uw,
        .attr = &c->attr,
        .when = when,
    };
    for (int i = 0; i < m->n_obs; i++)
        m->obs[i].fn(m->obs[i].ctx, &ch);
}

int power_state_set_power(PowerMeter *m, int comp, int state, uint64_t power_uw,
                          hs_time when)
{
    PowerComponent *c = comp_get(m, comp);
    if (!c || state < 0 || state >= c->n_states || power_uw > POWER_MAX_UW)
        return -1;
    if (c->states[state].power_uw == power_uw)
        return 0;
    integrate(m, c, when);
    c->states[state].power_uw = power_uw;
    if (state == c->state)
        notify(m, comp, state, when > c->since ? when : c->since);
    return 0;
}

static bool attr_equal(const PowerAttr *a, const PowerAttr *b)
{
    if (a->n != b->n)
        return false;
    for (int i = 0; i < a->n; i++)
        if (a->domain[i] != b->domain[i] || a->weight[i] != b->weight[i])
            return false;
    return true;
}

/* Copies the entries of attr that are in use (attr_equal and every
 * reader look at no more). */
static void attr_copy(PowerAttr *to, const PowerAttr *from)
{
    to->n = from->n;
    for (int i = 0; i < from->n; i++) {
        to->domain[i] = from->domain[i];
        to->weight[i] = from->weight[i];
    }
}

int power_set_state(PowerMeter *m, int comp, int state, const PowerAttr *attr,
                    hs_time when)
{
    static const PowerAttr none; /* nobody */
    PowerComponent *c = comp_get(m, comp);
    if (!attr)
        attr = &none;
    if (!c || state < 0 || state >= c->n_states || !attr_valid(m, attr))
        return -1;
    integrate(m, c, when);
    if (state == c->state && attr_equal(attr, &c->attr))
        return 0;
    int old = c->state;
    c->state = state;
    attr_copy(&c->attr, attr);
    notify(m, comp, old, c->since);
    return 0;
}

int power_add_energy(PowerMeter *m, int comp, power_energy energy,
                     const PowerAttr *attr, hs_time when)
{
    PowerComponent *c = comp_get(m, comp);
    PowerAttr none = power_attr_none();
    if (!attr)
        attr = &none;
    if (!c || !attr_valid(m, attr))
        return -1;
    integrate(m, c, when);
    book(m, c, attr, energy);
    return 0;
}

int power_add_observer(PowerMeter *m, PowerObserverFunc fn, void *ctx)
{
    if (!fn || m->n_obs == MAX_OBSERVERS)
        return -1;
    m->obs[m->n_obs++] = (PowerObserver){fn, ctx};
    return 0;
}

int power_observer_count(const PowerMeter *m)
{
    return m->n_obs;
}

bool power_integration_additive(const PowerMeter *m, int comp)
{
    return comp >= 0 && comp < m->n_comps && m->comps[comp].attr.n <= 1;
}

int power_pulses(PowerMeter *m, int comp, int state, int domain, hs_time first,
                 hs_time period, uint64_t n, hs_time width, bool commit)
{
    PowerComponent *c = comp_get(m, comp);
    if (!c || n == 0 || m->n_obs || state <= 0 || state >= c->n_states ||
        c->state != 0 || c->attr.n != 0 || c->since > first || width > period)
        return -1;
    /* power_attr_domain(domain) and attr_valid, without building the
     * attribution for the check: one domain when it is a domain index
     * (valid if the meter has it), nobody otherwise */
    bool one = domain >= 0 && domain < POWER_MAX_DOMAINS;
    if (one && domain >= m->n_domains)
        return -1;
    if (!commit)
        return 0;
    PowerAttr a;
    a.n = 0;
    if (one) {
        a.n = 1;
        a.domain[0] = domain;
        a.weight[0] = 1;
    }
    /* Integer energy: the sums of the n intervals of each kind are the
     * intervals' energies summed (book splits nothing for one domain). */
    hs_time last = first + (hs_time)(n - 1) * period;
    hs_time rest = last - c->since - (hs_time)(n - 1) * width;
    c->states[0].residency_ps += rest;
    book(m, c, &c->attr, (power_energy)c->states[0].power_uw * rest);
    c->state = state;
    hs_time busy = (hs_time)n * width;
    c->states[state].residency_ps += busy;
    book(m, c, &a, (power_energy)c->states[state].power_uw * width * n);
    c->state = 0;
    c->since = last + width;
    return 0;
}

int power_component_count(const PowerMeter *m)
{
    return m->n_comps;
}

const char *power_component_name(const PowerMeter *m, int comp)
{
    return comp >= 0 && comp < m->n_comps ? m->comps[comp].name : NULL;
}

int power_component_find(const PowerMeter *m, const char *name)
{
    for (int i = 0; i < m->n_comps; i++)
        if (strcmp(m->comps[i].name, name) == 0)
            return i;
    return -1;
}

int power_component_state(const PowerMeter *m, int comp)
{
    return comp >= 0 && comp < m->n_comps ? m->comps[comp].state : -1;
}

uint64_t power_component_power_uw(const PowerMeter *m, int comp)
{
    if (comp < 0 || comp >= m->n_comps || m->comps[comp].state < 0)
        return 0;
    const PowerComponent *c = &m->comps[comp];
    return c->states[c->state].power_uw;
}

const char *power_state_name(const PowerMeter *m, int comp, int state)
{
    if (comp < 0 || comp >= m->n_comps || state < 0 ||
        state >= m->comps[comp].n_states)
        return NULL;
    return m->comps[comp].states[state].name;
}

int power_state_count(const PowerMeter *m, int comp)
{
    return comp >= 0 && comp < m->n_comps ? m->comps[comp].n_states : -1;
}

void power_meter_sync(PowerMeter *m, hs_time at)
{
    for (int i = 0; i < m->n_comps; i++)
        integrate(m, &m->comps[i], at);
}

power_energy power_energy_total(PowerMeter *m, hs_time at)
{
    power_meter_sync(m, at);
    power_energy e = 0;
    for (int i = 0; i < m->n_comps; i++)
        e += m->comps[i].energy;
    return e;
}

power_energy power_energy_component(PowerMeter *m, int comp, hs_time at)
{
    PowerComponent *c = comp_get(m, comp);
    if (!c)
        return 0;
    integrate(m, c, at);
    return c->energy;
}

static int domain_slot(const PowerMeter *m, int domain)
{
    if (domain == POWER_UNATTRIBUTED)
        return m->n_domains;
    return domain >= 0 && domain < m->n_domains ? domain : -1;
}

power_energy power_energy_domain(PowerMeter *m, int domain, hs_time at)
{
    int slot = domain_slot(m, domain);
    if (slot < 0)
        return 0;
    power_meter_sync(m, at);
    power_energy e = 0;
    for (int i = 0; i < m->n_comps; i++)
        e += m->comps[i].by_domain[slot];
    return e;
}

power_energy power_energy_component_domain(PowerMeter *m, int comp, int domain,
                                           hs_time at)
{
    PowerComponent *c = comp_get(m, comp);
    int slot = domain_slot(m, domain);
    if (!c || slot < 0)
        return 0;
    integrate(m, c, at);
    return c->by_domain[slot];
}

power_energy power_energy_state(PowerMeter *m, int comp, int state, hs_time at)
{
    PowerComponent *c = comp_get(m, comp);
    if (!c || state < 0 || state >= c->n_states)
        return 0;
    integrate(m, c, at);
    return c->states[state].energy;
}

hs_time power_residency_ps(PowerMeter *m, int comp, int state, hs_time at)
{
    PowerComponent *c = comp_get(m, comp);
    if (!c || state < 0 || state >= c->n_states)
        return 0;
    integrate(m, c, at);
    return c->states[state].residency_ps;
}

uint64_t power_avg_power_uw(PowerMeter *m, hs_time at)
{
    if (at == 0)
        return 0;
    return (uint64_t)(power_energy_total(m, at) / at);
}

double power_energy_to_mj(power_energy e)
{
    /* Split so the double sees the whole millijoules exactly. */
    power_energy whole = e / POWER_UWPS_PER_MJ;
    power_energy frac = e % POWER_UWPS_PER_MJ;
    return (double)whole + (double)frac / (double)POWER_UWPS_PER_MJ;
}

uint64_t power_energy_to_uj(power_energy e)
{
    return (uint64_t)(e / POWER_UWPS_PER_UJ);
}

double power_battery_life_h(uint64_t capacity_mah, uint64_t voltage_mv,
                            uint64_t avg_power_uw)
{
    if (avg_power_uw == 0)
        return 0.0;
    /* mAh * V / mW = mAh * mV / uW */
    return (double)capacity_mah * (double)voltage_mv / (double)avg_power_uw;
}
