/*
 * dvfs.c - per-cluster frequency domains, schedutil-like governor and
 * per-core power states.
 */
#include "soc_models/devices/dvfs.h"

#include <stdio.h>
#include <string.h>

#include "platform.h"

static void set_err(char *err, size_t size, const char *msg, unsigned i)
{
    if (err && size)
        snprintf(err, size, "clusters[%u]: %s", i, msg);
}

uint32_t dvfs_cur_khz(const DvfsState *s, unsigned cluster)
{
    if (cluster >= s->cfg.n_clusters)
        return 0;
    return s->cfg.clusters[cluster].opps[s->cl[cluster].opp].freq_khz;
}

unsigned dvfs_cur_opp(const DvfsState *s, unsigned cluster)
{
    return cluster < s->cfg.n_clusters ? s->cl[cluster].opp : 0;
}

static hs_time later(hs_time a, hs_time b)
{
    return a > b ? a : b;
}

/* Books a busy core's stretch up to `to` into the window at the current
 * frequency. */
static void account(DvfsState *s, unsigned c, DvfsCore *core, hs_time to)
{
    if (!core->busy || to <= core->run_start)
        return;
    core->busy_work += (to - core->run_start) * (uint64_t)dvfs_cur_khz(s, c);
    core->run_start = to;
}

static void core_meter(DvfsState *s, unsigned c, unsigned k, hs_time when)
{
    DvfsCore *core = &s->cl[c].cores[k];
    if (!s->meter || core->comp < 0)
        return;
    if (core->busy) {
        PowerAttr a = power_attr_domain(core->domain);
        power_set_state(s->meter, core->comp, 1 + (int)s->cl[c].opp, &a, when);
    } else {
        power_set_state(s->meter, core->comp, 0, NULL, when);
    }
}

static void change_opp(DvfsState *s, unsigned c, unsigned opp, hs_time when)
{
    DvfsCluster *cl = &s->cl[c];
    if (opp == cl->opp)
        return;
    uint32_t old = dvfs_cur_khz(s, c);
    for (unsigned k = 0; k < s->cfg.clusters[c].n_cores; k++)
        account(s, c, &cl->cores[k], when);
    cl->opp = opp;
    cl->changes++;
    for (unsigned k = 0; k < s->cfg.clusters[c].n_cores; k++)
        core_meter(s, c, k, when);
    for (int i = 0; i < s->n_listeners; i++)
        s->listeners[i](s->listener_ctx[i], c, old, dvfs_cur_khz(s, c), when);
}

static void ensure_tick(DvfsState *s, unsigned c)
{
    DvfsCluster *cl = &s->cl[c];
    if (!s->sim || cl->gov != DVFS_GOV_SCHEDUTIL ||
        sim_event_pending(&cl->tick))
        return;
    cl->window_start = sim_now(s->sim);
    sim_schedule_in(s->sim, &cl->tick, s->cfg.rate_limit_ps);
}

/* The governor's choice: the lowest OPP at or above next_freq =
 * headroom x max_freq x util, util = util_work / (window x max_freq). */
static unsigned governor_opp(const DvfsState *s, const DvfsClusterConfig *cc,
                             uint64_t util_work, hs_time window)
{
    unsigned __int128 target = window ? (unsigned __int128)util_work *
                                            s->cfg.headroom_pct /
                                            (100 * (unsigned __int128)window)
                                      : 0;
    for (unsigned i = 0; i < cc->n_opps; i++)
        if (cc->opps[i].freq_khz >= target)
            return i;
    return cc->n_opps - 1;
}

static void dvfs_tick(Sim *sim, void *ctx, hs_time now)
{
    (void)sim;
    DvfsCluster *cl = ctx;
    DvfsState *s = cl->owner;
    unsigned c = cl->index;
    const DvfsClusterConfig *cc = &s->cfg.clusters[c];
    uint32_t max_khz = cc->opps[cc->n_opps - 1].freq_khz;
    hs_time window = now - cl->window_start;
    bool any_busy = false;
    uint64_t util_work = 0; /* max busy ps x kHz over the cores */
    for (unsigned k = 0; k < cc->n_cores; k++) {
        DvfsCore *core = &cl->cores[k];
        account(s, c, core, now);
        uint64_t cap = window * (uint64_t)max_khz;
        uint64_t w = core->busy_work;
        /* work reported beyond the window (local time ahead of the
         * kernel) is carried into the next one */
        core->busy_work = w > cap ? w - cap : 0;
        if (w > cap)
            w = cap;
        if (w > util_work)
            util_work = w;
        any_busy |= core->busy || core->busy_work;
    }
    unsigned opp = governor_opp(s, cc, util_work, window);
    change_opp(s, c, opp, now);
    cl->window_start = now;
    if (any_busy || cl->opp != 0)
        sim_schedule_in(s->sim, &cl->tick, s->cfg.rate_limit_ps);
}

int dvfs_core_run(DvfsState *s, unsigned cluster, unsigned core, int domain,
                  hs_time when)
{
    if (cluster >= s->cfg.n_clusters ||
        core >= s->cfg.clusters[cluster].n_cores || domain < 0 ||
        domain >= POWER_MAX_DOMAINS ||
        (s->meter && domain >= power_meter_domains(s->meter)))
        return -1;
    DvfsCore *k = &s->cl[cluster].cores[core];
    if (k->busy)
        return -1;
    k->busy = true;
    k->domain = domain;
    k->run_start = later(when, s->cl[cluster].window_start);
    core_meter(s, cluster, core, when);
    ensure_tick(s, cluster);
    return 0;
}

int dvfs_core_stop(DvfsState *s, unsigned cluster, unsigned core, hs_time when)
{
    if (cluster >= s->cfg.n_clusters ||
        core >= s->cfg.clusters[cluster].n_cores)
        return -1;
    DvfsCore *k = &s->cl[cluster].cores[core];
    if (!k->busy)
        return -1;
    account(s, cluster, k, when);
    k->busy = false;
    core_meter(s, cluster, core, when);
    return 0;
}

int dvfs_set_governor(DvfsState *s, unsigned cluster, DvfsGovernor gov,
                      hs_time when)
{
    (void)when;
    if (cluster >= s->cfg.n_clusters ||
        (gov != DVFS_GOV_SCHEDUTIL && gov != DVFS_GOV_FIXED))
        return -1;
    DvfsCluster *cl = &s->cl[cluster];
    cl->gov = gov;
    if (s->sim && gov == DVFS_GOV_FIXED)
        sim_cancel(s->sim, &cl->tick);
    else
        ensure_tick(s, cluster);
    return 0;
}

int dvfs_set_opp(DvfsState *s, unsigned cluster, unsigned opp, hs_time when)
{
    if (cluster >= s->cfg.n_clusters || opp >= s->cfg.clusters[cluster].n_opps)
        return -1;
    change_opp(s, cluster, opp, when);
    ensure_tick(s, cluster);
    return 0;
}

int dvfs_add_listener(DvfsState *s, DvfsListenerFunc fn, void *ctx)
{
    if (!fn || s->n_listeners == DVFS_MAX_LISTENERS)
        return -1;
    s->listeners[s->n_listeners] = fn;
    s->listener_ctx[s->n_listeners++] = ctx;
    return 0;
}

void dvfs_set_cluster_of(DvfsState *s, DvfsClusterOfFunc fn, void *ctx)
{
    s->cluster_of = fn;
    s->cluster_of_ctx = ctx;
}

/* A cluster's governor and cores during dvfs_idle_pulses, before they
 * are written back. */
typedef struct PulsePlan {
    hs_time ws;   /* window_start */
    hs_time g;    /* the tick's time, while pending */
    bool pending; /* the tick is pending */
    uint64_t work[DVFS_MAX_CORES];
    hs_time run_start[DVFS_MAX_CORES];
} PulsePlan;

static hs_time after(hs_time t, hs_time d)
{
    hs_time r;
    return __builtin_add_overflow(t, d, &r) ? HS_TIME_MAX : r;
}

/* dvfs_tick at p->g with no core busy; -1 if it would change the OPP. */
static int plan_tick(const DvfsState *s, unsigned c, PulsePlan *p)
{
    const DvfsClusterConfig *cc = &s->cfg.clusters[c];
    uint32_t max_khz = cc->opps[cc->n_opps - 1].freq_khz;
    hs_time window = p->g - p->ws;
    bool any_busy = false;
    uint64_t util_work = 0;
    for (unsigned k = 0; k < cc->n_cores; k++) {
        uint64_t cap = window * (uint64_t)max_khz;
        uint64_t w = p->work[k];
        p->work[k] = w > cap ? w - cap : 0;
        if (w > cap)
            w = cap;
        if (w > util_work)
            util_work = w;
        any_busy |= p->work[k] != 0;
    }
    unsigned opp = governor_opp(s, cc, util_work, window);
    if (opp != s->cl[c].opp)
        return -1;
    p->ws = p->g;
    if (any_busy || s->cl[c].opp != 0)
        p->g = after(p->g, s->cfg.rate_limit_ps);
    else
        p->pending = false;
    return 0;
}

/* A plan at a round's start relative to the round's time t: what the
 * rounds from there on depend on (run_start is rewritten every round). */
typedef struct PulseMark {
    bool pending;
    hs_time to_g;    /* g - t while pending */
    hs_time from_ws; /* t - ws */
    uint64_t work[DVFS_MAX_CORES];
} PulseMark;

static void mark_take(PulseMark *m, const PulsePlan *p, unsigned nk, hs_time t)
{
    m->pending = p->pending;
    m->to_g = p->pending ? p->g - t : 0;
    m->from_ws = t - p->ws;
    memcpy(m->work, p->work, nk * sizeof m->work[0]);
}

static bool mark_matches(const PulseMark *m, const PulsePlan *p, unsigned nk,
                         hs_time t)
{
    if (m->pending != p->pending || m->from_ws != t - p->ws ||
        (p->pending && m->to_g != p->g - t))
        return false;
    for (unsigned k = 0; k < nk; k++)
        if (m->work[k] != p->work[k])
            return false;
    return true;
}

int dvfs_idle_pulses(DvfsState *s, int domain, hs_time first, hs_time period,
                     uint64_t n, const hs_time width[])
{
    if (!s->sim || n == 0 || domain < 0 || domain >= POWER_MAX_DOMAINS ||
        (s->meter && (domain >= power_meter_domains(s->meter) ||
                      power_observer_count(s->meter))))
        return -1;
    PulsePlan plan[DVFS_MAX_CLUSTERS];
    for (unsigned c = 0; c < s->cfg.n_clusters; c++) {
        const DvfsCluster *cl = &s->cl[c];
        unsigned nk = s->cfg.clusters[c].n_cores;
        PulsePlan *p = &plan[c];
        if (width[c] == 0 || width[c] > period)
            return -1;
        p->ws = cl->window_start;
        p->pending = sim_event_pending(&cl->tick);
        p->g = cl->tick.when;
        for (unsigned k = 0; k < nk; k++) {
            const DvfsCore *core = &cl->cores[k];
            if (core->busy ||
                (s->meter && core->comp >= 0 &&
                 power_pulses(s->meter, core->comp, 1 + (int)cl->opp, domain,
                              first, period, n, width[c], false) < 0))
                return -1;
            p->work[k] = core->busy_work;
            p->run_start[k] = core->run_start;
        }
        uint64_t khz = dvfs_cur_khz(s, c);
        /* The rounds are alike up to a shift in time, so once the plan
         * at a round's start, taken relative to the round's time, equals
         * the plan at an earlier round's start, it repeats with that
         * cycle to the end: the whole cycles are skipped (Brent's cycle
         * finding, the snapshot taken at rounds 1, 2, 4, 8, ...). Only
         * while no time can saturate (after() stays exact). */
        PulseMark mark = {0};
        uint64_t mark_at = 0; /* 0: none taken yet */
        hs_time span, last;
        bool skip = !__builtin_mul_overflow(n, period, &span) &&
                    !__builtin_add_overflow(first, span, &last) &&
                    !__builtin_add_overflow(last, s->cfg.rate_limit_ps, &last);
        for (uint64_t i = 0; i < n; i++) {
            hs_time t = first + (hs_time)i * period;
            if (skip && i > 0) {
                if (mark_at && mark_matches(&mark, p, nk, t)) {
                    uint64_t len = i - mark_at;
                    hs_time d = (n - i) / len * len * period;
                    i += (n - i) / len * len;
                    t += d;
                    p->ws += d;
                    if (p->pending)
                        p->g += d;
                    for (unsigned k = 0; k < nk; k++)
                        p->run_start[k] += d;
                    skip = false;
                    if (i == n)
                        break;
                } else if (i >= 2 * mark_at) {
                    mark_take(&mark, p, nk, t);
                    mark_at = i;
                }
            }
            while (p->pending && p->g < t) /* the ticks before the round */
                if (plan_tick(s, c, p) < 0)
                    return -1;
            for (unsigned k = 0; k < nk; k++) {
                /* dvfs_core_run at t (ensure_tick with the clock at t) */
                hs_time rs = later(t, p->ws);
                if (cl->gov == DVFS_GOV_SCHEDUTIL && !p->pending) {
                    p->ws = t;
                    p->g = after(t, s->cfg.rate_limit_ps);
                    p->pending = true;
                }
                /* dvfs_core_stop width later (account) */
                hs_time end = t + width[c];
                p->run_start[k] = rs;
                if (end > rs) {
                    p->work[k] += (end - rs) * khz;
                    p->run_start[k] = end;
                }
            }
        }
    }
    for (unsigned c = 0; c < s->cfg.n_clusters; c++) {
        DvfsCluster *cl = &s->cl[c];
        const PulsePlan *p = &plan[c];
        cl->window_start = p->ws;
        for (unsigned k = 0; k < s->cfg.clusters[c].n_cores; k++) {
            DvfsCore *core = &cl->cores[k];
            core->domain = domain;
            core->busy_work = p->work[k];
            core->run_start = p->run_start[k];
            if (s->meter && core->comp >= 0)
                (void)power_pulses(s->meter, core->comp, 1 + (int)cl->opp,
                                   domain, first, period, n, width[c], true);
        }
        if (!p->pending)
            sim_cancel(s->sim, &cl->tick);
        else if (!sim_event_pending(&cl->tick) || cl->tick.when != p->g)
            sim_schedule_at(s->sim, &cl->tick, p->g);
    }
    return 0;
}

static int dvfs_realize(Device *dev, Sim *sim)
{
    DvfsState *s = (DvfsState *)dev;
    s->sim = sim;
    for (unsigned c = 0; c < s->cfg.n_clusters; c++) {
        const DvfsClusterConfig *cc = &s->cfg.clusters[c];
        DvfsCluster *cl = &s->cl[c];
        sim_event_init(&cl->tick, "dvfs.governor", dvfs_tick, cl, 20);
        for (unsigned k = 0; k < cc->n_cores; k++) {
            DvfsCore *core = &cl->cores[k];
            core->comp = -1;
            if (!s->meter)
                continue;
            snprintf(cl->names[k], sizeof cl->names[k], "%s.cpu%u", cc->name,
                     k);
            core->comp = power_component_add(s->meter, cl->names[k]);
            if (core->comp < 0 ||
                power_state_add(s->meter, core->comp, "idle", 0) < 0)
                return -1;
            for (unsigned i = 0; i < cc->n_opps; i++) {
                char st[24];
                snprintf(st, sizeof st, "opp%u", i);
                if (power_state_add(s->meter, core->comp, st,
                                    cc->opps[i].active_uw) < 0)
                    return -1;
            }
        }
    }
    return 0;
}

static void dvfs_reset(Device *dev)
{
    DvfsState *s = (DvfsState *)dev;
    hs_time now = s->sim ? sim_now(s->sim) : 0;
    for (unsigned c = 0; c < s->cfg.n_clusters; c++) {
        DvfsCluster *cl = &s->cl[c];
        for (unsigned k = 0; k < s->cfg.clusters[c].n_cores; k++)
            if (cl->cores[k].busy)
                dvfs_core_stop(s, c, k, now);
        change_opp(s, c, s->cfg.clusters[c].initial_opp, now);
        cl->gov = DVFS_GOV_SCHEDUTIL;
        ensure_tick(s, c);
    }
}

static uint64_t dvfs_read(Device *dev, uint64_t offset, unsigned size,
                          const BusAccess *acc)
{
    (void)size;
    DvfsState *s = (DvfsState *)dev;
    switch (offset) {
    case HS_DVFS_CUR_KHZ: { /* frequency of the reader's cluster */
        unsigned c = s->cluster_of ? s->cluster_of(s->cluster_of_ctx, acc) : 0;
        return dvfs_cur_khz(s, c);
    }
    default:
        device_guest_error(dev, "read of unknown offset 0x%llx",
                           (unsigned long long)offset);
        return 0;
    }
}

static void dvfs_write(Device *dev, uint64_t offset, uint64_t value,
                       unsigned size, const BusAccess *acc)
{
    (void)value;
    (void)size;
    (void)acc;
    device_guest_error(dev, "write to read-only offset 0x%llx",
                       (unsigned long long)offset);
}

const DeviceOps dvfs_ops = {
    .type = "dvfs",
    .realize = dvfs_realize,
    .reset = dvfs_reset,
    .read = dvfs_read,
    .write = dvfs_write,
};

int dvfs_init(DvfsState *s, const char *name, const DvfsConfig *cfg,
              PowerMeter *meter, char *err, size_t err_size)
{
    memset(s, 0, sizeof *s);
    if (cfg->n_clusters < 1 || cfg->n_clusters > DVFS_MAX_CLUSTERS) {
        set_err(err, err_size, "cluster count out of range", 0);
        return -1;
    }
    if (cfg->rate_limit_ps == 0 || cfg->headroom_pct == 0) {
        set_err(err, err_size, "rate limit and headroom must be > 0", 0);
        return -1;
    }
    for (unsigned c = 0; c < cfg->n_clusters; c++) {
        const DvfsClusterConfig *cc = &cfg->clusters[c];
        if (!cc->name || cc->n_cores < 1 || cc->n_cores > DVFS_MAX_CORES) {
            set_err(err, err_size, "needs a name and 1..8 cores", c);
            return -1;
        }
        if (cc->n_opps < 1 || cc->n_opps > DVFS_MAX_OPPS ||
            cc->initial_opp >= cc->n_opps) {
            set_err(err, err_size, "bad OPP count or initial OPP", c);
            return -1;
        }
        for (unsigned i = 0; i < cc->n_opps; i++) {
            if (cc->opps[i].freq_khz == 0 ||
                (i && cc->opps[i].freq_khz <= cc->opps[i - 1].freq_khz) ||
                cc->opps[i].active_uw > POWER_MAX_UW) {
                set_err(err, err_size,
                        "OPP frequencies must ascend, powers be sane", c);
                return -1;
            }
        }
    }
    device_init(&s->dev, &dvfs_ops, name);
    s->cfg = *cfg;
    s->meter = meter;
    for (unsigned c = 0; c < cfg->n_clusters; c++) {
        s->cl[c].owner = s;
        s->cl[c].index = c;
        s->cl[c].opp = cfg->clusters[c].initial_opp;
        for (unsigned k = 0; k < DVFS_MAX_CORES; k++)
            s->cl[c].cores[k].comp = -1;
    }
    return 0;
}
