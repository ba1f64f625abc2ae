/*
 * timer.c - platform clock (ns since boot) and compare timer.
 */
#include "soc_models/devices/timer.h"

#include <string.h>

#include "platform.h"

static int slot(int domain)
{
    return domain >= 0 && domain < POWER_MAX_DOMAINS ? domain
                                                     : POWER_MAX_DOMAINS;
}

static void timer_fire(Sim *sim, void *ctx, hs_time now)
{
    (void)sim;
    (void)now;
    TimerState *s = ctx;
    s->fired++;
    s->pending = true;
    irq_raise(&s->irq);
}

/* (Re)arms the compare event for the current CMP64 and enable bit. */
static void timer_arm(TimerState *s)
{
    if (!s->sim)
        return; /* not realized yet: armed at the next write */
    sim_cancel(s->sim, &s->fire);
    if (!s->enabled || s->pending)
        return;
    hs_time when =
        s->cmp_ns > HS_TIME_MAX / HS_NS ? HS_TIME_MAX : s->cmp_ns * HS_NS;
    hs_time now = sim_now(s->sim);
    sim_schedule_at(s->sim, &s->fire, when < now ? now : when);
}

static int timer_realize(Device *dev, Sim *sim)
{
    TimerState *s = (TimerState *)dev;
    s->sim = sim;
    sim_event_init(&s->fire, "timer.compare", timer_fire, s, 0);
    return 0;
}

static void timer_reset(Device *dev)
{
    TimerState *s = (TimerState *)dev;
    if (s->sim)
        sim_cancel(s->sim, &s->fire);
    s->cmp_ns = 0;
    s->enabled = false;
    s->pending = false;
    irq_lower(&s->irq);
}

static uint64_t timer_read(Device *dev, uint64_t offset, unsigned size,
                           const BusAccess *acc)
{
    TimerState *s = (TimerState *)dev;
    uint64_t now_ns = acc->when / HS_NS;
    switch (offset) {
    case HS_TIMER_NOW_LO: /* low half; latches the high half */
        s->hi_latch[slot(acc->domain)] = (uint32_t)(now_ns >> 32);
        return (uint32_t)now_ns;
    case HS_TIMER_NOW_HI: /* high half latched by the last NOW_LO read */
        return s->hi_latch[slot(acc->domain)];
    case HS_TIMER_NOW64: /* whole clock */
        return size == 8 ? now_ns : (uint32_t)now_ns;
    case HS_TIMER_CMP64: /* compare value (low half for 32-bit reads) */
        return size == 8 ? s->cmp_ns : (uint32_t)s->cmp_ns;
    case HS_TIMER_CMP64 + 4: /* compare value, high half */
        return (uint32_t)(s->cmp_ns >> 32);
    case HS_TIMER_CTRL: /* enable, pending */
        return (s->enabled ? 1u : 0u) | (s->pending ? 2u : 0u);
    default:
        device_guest_error(dev, "read of unknown offset 0x%llx",
                           (unsigned long long)offset);
        return 0;
    }
}

static void timer_write(Device *dev, uint64_t offset, uint64_t value,
                        unsigned size, const BusAccess *acc)
{
    (void)acc;
    TimerState *s = (TimerState *)dev;
    switch (offset) {
    case HS_TIMER_CMP64: /* compare value (low half for 32-bit writes) */
        if (size == 8)
            s->cmp_ns = value;
        else
            s->cmp_ns = (s->cmp_ns & ~0xffffffffULL) | (uint32_t)value;
        timer_arm(s);
        break;
    case HS_TIMER_CMP64 + 4: /* compare value, high half */
        s->cmp_ns = (s->cmp_ns & 0xffffffffULL) | ((uint64_t)value << 32);
        timer_arm(s);
        break;
    case HS_TIMER_CTRL: /* bit0 enable; bit1 write-1-to-clear pending */
        if (value & ~3ULL)
            device_guest_error(dev, "CTRL reserved bits 0x%llx",
                               (unsigned long long)value);
        s->enabled = value & 1;
        if (value & 2) {
            s->pending = false;
            irq_lower(&s->irq);
        }
        timer_arm(s);
        break;
    default:
        device_guest_error(dev, "write of unknown offset 0x%llx",
                           (unsigned long long)offset);
    }
}

const DeviceOps timer_ops = {
    .type = "timer",
    .realize = timer_realize,
    .reset = timer_reset,
    .read = timer_read,
    .write = timer_write,
};

void timer_init(TimerState *s, const char *name)
{
    memset(s, 0, sizeof *s);
    device_init(&s->dev, &timer_ops, name);
}
