/*
 * rrc.c - the LTE RRC state machine and its power (see rrc.h).
 *
 * One event, `next`, always sits at the next boundary: the end of the
 * promotion or of the transfer on the link, the next DRX or paging edge,
 * the end of the tail, or the start of a queued transfer. At each firing
 * the state is recomputed from the clock, so boundaries are exact.
 */
#include "baseband/rrc.h"

#include <stdio.h>
#include <string.h>

static const char *const state_names[RRC_STATE_COUNT] = {
    [RRC_IDLE] = "idle",
    [RRC_IDLE_PAGING] = "idle-paging",
    [RRC_PROMOTION] = "promotion",
    [RRC_XFER_UP] = "xfer-up",
    [RRC_XFER_DOWN] = "xfer-down",
    [RRC_TAIL] = "tail",
    [RRC_SHORT_DRX_ON] = "short-drx-on",
    [RRC_SHORT_DRX_OFF] = "short-drx-off",
    [RRC_LONG_DRX_ON] = "long-drx-on",
    [RRC_LONG_DRX_OFF] = "long-drx-off",
    [RRC_DEAD] = "dead",
};

const char *rrc_state_name(RrcState s)
{
    return (unsigned)s < RRC_STATE_COUNT ? state_names[s] : "?";
}

static uint64_t rate_kbps(const Rrc *r, RrcDir dir)
{
    return dir == RRC_UP ? r->cfg.up_kbps : r->cfg.down_kbps;
}

hs_time rrc_xfer_ps(const Rrc *r, uint64_t bytes, RrcDir dir)
{
    /* bits / (kbit/s * 1000) s = bits * 1e9 / kbps ps */
    unsigned __int128 ps = (unsigned __int128)bytes * 8u * 1000000000u;
    return (hs_time)(ps / rate_kbps(r, dir));
}

uint64_t rrc_xfer_uw(const Rrc *r, RrcDir dir)
{
    uint64_t alpha = dir == RRC_UP ? r->cfg.lte.alpha_up_uw_per_mbps
                                   : r->cfg.lte.alpha_down_uw_per_mbps;
    return r->cfg.lte.beta_uw + alpha * rate_kbps(r, dir) / 1000u;
}

static uint64_t state_uw(const Rrc *r, RrcState s)
{
    const SocLte *l = &r->cfg.lte;
    switch (s) {
    case RRC_IDLE:
        return r->cfg.idle_uw;
    case RRC_IDLE_PAGING:
        return l->idle_ping_uw;
    case RRC_PROMOTION:
        return l->promotion_uw;
    case RRC_XFER_UP:
        return rrc_xfer_uw(r, RRC_UP);
    case RRC_XFER_DOWN:
        return rrc_xfer_uw(r, RRC_DOWN);
    case RRC_SHORT_DRX_ON:
    case RRC_LONG_DRX_ON:
        return l->drx_ping_uw;
    case RRC_TAIL:
    case RRC_SHORT_DRX_OFF:
    case RRC_LONG_DRX_OFF:
        return l->tail_uw;
    default:
        return 0;
    }
}

void rrc_config_from_soc(RrcConfig *cfg, const SocModel *soc)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->lte = soc->radio.lte;
    cfg->idle_uw = soc->radio.idle_uw;
}

static bool is_idle(RrcState s)
{
    return s == RRC_IDLE || s == RRC_IDLE_PAGING;
}

bool rrc_connected(const Rrc *r)
{
    return !is_idle(r->state) && r->state != RRC_DEAD;
}

static void set_state(Rrc *r, RrcState s, const PowerAttr *attr, hs_time t)
{
    RrcState old = r->state;
    r->state = s;
    if (r->comp >= 0)
        power_set_state(r->meter, r->comp, (int)s, attr, t);
    if (old != s && r->observer)
        r->observer(r->observer_ctx, old, s, t);
}

hs_time rrc_next_paging(const Rrc *r, hs_time t)
{
    hs_time p = r->cfg.lte.idle_period_ps;
    return (t + p - 1) / p * p;
}

/* The tail/DRX/idle state at t, given the tail started at tail_from;
 * *until is when it ends. */
static RrcState tail_state(const Rrc *r, hs_time t, hs_time *until)
{
    const SocLte *l = &r->cfg.lte;
    hs_time e = t - r->tail_from;
    hs_time t_short = l->inactivity_ps;
    hs_time t_long = t_short + l->short_drx_ps;
    hs_time t_idle = t_long + l->long_drx_tail_ps;
    if (e < t_short) {
        *until = r->tail_from + t_short;
        return RRC_TAIL;
    }
    if (e < t_idle) {
        bool sh = e < t_long;
        hs_time from = sh ? t_short : t_long;
        hs_time end = sh ? t_long : t_idle;
        hs_time period = sh ? l->drx_short_period_ps : l->drx_long_period_ps;
        hs_time pos = (e - from) % period;
        hs_time cyc = e - pos; /* cycle start, relative */
        hs_time edge =
            pos < l->drx_ping_ps ? cyc + l->drx_ping_ps : cyc + period;
        *until = r->tail_from + (edge < end ? edge : end);
        if (pos < l->drx_ping_ps)
            return sh ? RRC_SHORT_DRX_ON : RRC_LONG_DRX_ON;
        return sh ? RRC_SHORT_DRX_OFF : RRC_LONG_DRX_OFF;
    }
    *until = HS_TIME_MAX;
    return RRC_IDLE;
}

static RrcState idle_state(const Rrc *r, hs_time t, hs_time *until)
{
    const SocLte *l = &r->cfg.lte;
    hs_time pos = t % l->idle_period_ps;
    if (pos < l->idle_ping_ps) {
        *until = t - pos + l->idle_ping_ps;
        return RRC_IDLE_PAGING;
    }
    *until = t - pos + l->idle_period_ps;
    return RRC_IDLE;
}

static PowerAttr xfer_attr(int domain)
{
    return power_attr_domain(domain >= 0 ? domain : POWER_UNATTRIBUTED);
}

static void schedule(Rrc *r, hs_time when)
{
    if (when != HS_TIME_MAX)
        sim_schedule_at(r->sim, &r->next, when);
    else
        sim_cancel(r->sim, &r->next);
}

/* Brings the machine to time t (an event time) and arms the next one. */
static void step(Rrc *r, hs_time t)
{
    if (r->state == RRC_DEAD)
        return;
    RrcXfer *x = r->count ? &r->queue[r->head] : NULL;
    /* a finished transfer leaves the queue; the tail starts behind it */
    while (x && x->end <= t &&
           (r->state == RRC_XFER_UP || r->state == RRC_XFER_DOWN)) {
        r->tail_from = x->end;
        r->head = (r->head + 1) % RRC_QUEUE;
        r->count--;
        x = r->count ? &r->queue[r->head] : NULL;
        set_state(r, RRC_TAIL, &r->session, r->tail_from);
    }
    if (r->state == RRC_PROMOTION && t >= r->promo_end) {
        r->tail_from = r->promo_end;
        set_state(r, RRC_TAIL, &r->session, r->promo_end);
    }
    if (r->state == RRC_PROMOTION) {
        schedule(r, r->promo_end);
        return;
    }
    if (x && x->start <= t && !is_idle(r->state) && r->state != RRC_XFER_UP &&
        r->state != RRC_XFER_DOWN) {
        if (x->start < t) { /* late (a promotion ran long): slide it */
            hs_time late = t - x->start;
            x->start += late;
            x->end += late;
            if (r->link_free < x->end)
                r->link_free = x->end;
        }
        PowerAttr a = xfer_attr(x->domain);
        set_state(r, x->dir == RRC_UP ? RRC_XFER_UP : RRC_XFER_DOWN, &a,
                  x->start);
    }
    if (r->state == RRC_XFER_UP || r->state == RRC_XFER_DOWN) {
        schedule(r, x->end);
        return;
    }
    hs_time until;
    RrcState s;
    if (is_idle(r->state)) {
        s = idle_state(r, t, &until);
        if (s != r->state)
            set_state(r, s, NULL, t);
    } else {
        s = tail_state(r, t, &until);
        if (s == RRC_IDLE) {
            hs_time at = r->tail_from + r->cfg.lte.inactivity_ps +
                         r->cfg.lte.short_drx_ps + r->cfg.lte.long_drx_tail_ps;
            r->demotions++;
            r->session = power_attr_none();
            s = idle_state(r, at, &until);
            set_state(r, s, NULL, at);
            if (until <= t)
                s = idle_state(r, t, &until);
            if (s != r->state)
                set_state(r, s, NULL, t);
        } else if (s != r->state) {
            set_state(r, s, &r->session, t);
        }
    }
    if (x && is_idle(r->state)) {
        /* idle with a transfer waiting: promote so that it can start */
        hs_time at = x->start - r->cfg.lte.promotion_ps;
        if (at <= t) {
            r->promotions++;
            r->promo_end = t + r->cfg.lte.promotion_ps;
            PowerAttr a = xfer_attr(x->domain);
            set_state(r, RRC_PROMOTION, &a, t);
            schedule(r, r->promo_end);
            return;
        }
        until = at < until ? at : until;
    } else if (x && x->start < until) {
        until = x->start;
    }
    schedule(r, until);
}

static void on_next(Sim *sim, void *ctx, hs_time now)
{
    (void)sim;
    step(ctx, now);
}

int rrc_init(Rrc *r, Sim *sim, PowerMeter *meter, const RrcConfig *cfg,
             char *err, size_t err_size)
{
    memset(r, 0, sizeof *r);
    r->cfg = *cfg;
    if (!r->cfg.up_kbps)
        r->cfg.up_kbps = RRC_DEFAULT_UP_KBPS;
    if (!r->cfg.down_kbps)
        r->cfg.down_kbps = RRC_DEFAULT_DOWN_KBPS;
    const SocLte *l = &r->cfg.lte;
    if (!l->promotion_ps || !l->inactivity_ps || !l->drx_short_period_ps ||
        !l->drx_long_period_ps || !l->idle_period_ps ||
        l->drx_ping_ps > l->drx_short_period_ps ||
        l->drx_ping_ps > l->drx_long_period_ps ||
        l->idle_ping_ps > l->idle_period_ps) {
        snprintf(err, err_size,
                 "rrc: LTE timers must be non-zero and each "
                 "on-duration no longer than its cycle");
        return -1;
    }
    r->sim = sim;
    r->meter = meter;
    r->comp = -1;
    r->state = RRC_IDLE;
    r->session = power_attr_none();
    sim_event_init(&r->next, "rrc", on_next, r, 0);
    if (meter) {
        r->comp = power_component_add(meter, "radio");
        for (int s = 0; r->comp >= 0 && s < RRC_STATE_COUNT; s++)
            if (power_state_add(meter, r->comp, state_names[s],
                                state_uw(r, (RrcState)s)) != s) {
                r->comp = -1;
                break;
            }
        if (r->comp < 0) {
            snprintf(err, err_size,
                     "rrc: cannot register the radio's "
                     "power states");
            return -1;
        }
    }
    step(r, 0);
    return 0;
}

void rrc_set_observer(Rrc *r, RrcObserverFunc fn, void *ctx)
{
    r->observer = fn;
    r->observer_ctx = ctx;
}

hs_time rrc_transfer(Rrc *r, hs_time when, uint64_t bytes, RrcDir dir,
                     int domain)
{
    if (r->state == RRC_DEAD || r->count == RRC_QUEUE) {
        r->dropped++;
        return HS_TIME_MAX;
    }
    if (when < sim_now(r->sim))
        when = sim_now(r->sim);
    hs_time start;
    if (r->state == RRC_PROMOTION) {
        start = r->promo_end;
    } else if (rrc_connected(r)) {
        start = when;
    } else if (r->count) {
        start = when; /* a promotion is already due for an earlier one */
    } else {
        hs_time arrive = dir == RRC_UP ? when : rrc_next_paging(r, when);
        start = arrive + r->cfg.lte.promotion_ps;
    }
    if (start < r->link_free)
        start = r->link_free;
    if (r->count && start < r->queue[(r->head + r->count - 1) % RRC_QUEUE].end)
        start = r->queue[(r->head + r->count - 1) % RRC_QUEUE].end;
    hs_time end = start + rrc_xfer_ps(r, bytes, dir);
    r->queue[(r->head + r->count) % RRC_QUEUE] =
        (RrcXfer){.start = start, .end = end, .dir = dir, .domain = domain};
    r->count++;
    r->link_free = end;
    r->bytes[dir] += bytes;
    if (domain >= 0)
        power_attr_add(&r->session, domain,
                       bytes > UINT32_MAX ? UINT32_MAX
                                          : (uint32_t)(bytes ? bytes : 1));
    hs_time now = sim_now(r->sim);
    if (!sim_event_pending(&r->next) || r->next.when > now)
        step(r, now);
    return end;
}

void rrc_set_dead(Rrc *r, hs_time when)
{
    if (r->state == RRC_DEAD)
        return;
    sim_cancel(r->sim, &r->next);
    r->dropped += r->count;
    r->count = 0;
    set_state(r, RRC_DEAD, NULL, when);
}

RrcState rrc_state(const Rrc *r)
{
    return r->state;
}
