/*
 * timer.h - the platform clock and one compare timer.
 *
 * The clock reads nanoseconds since boot at the local time of the access
 * (BusAccess.when), so a vCPU running ahead of the event kernel inside its
 * quantum sees time advance with its own cycles. The compare timer raises
 * its IRQ line (level) when the clock reaches CMP64 while enabled; the
 * guest clears it by writing 1 to CTRL bit 1. Registers: HS_TIMER_* in
 * platform.h. A machine gives each domain its own instance when domains
 * need separate compare timers.
 */
#ifndef HS_DEVICES_TIMER_H
#define HS_DEVICES_TIMER_H

#include "bus/bus.h"
#include "power/meter.h"

typedef struct TimerState {
    Device dev;      /* base: must stay first */
    Sim *sim;        /* set by realize */
    SimEvent fire;   /* compare match */
    IrqLine irq;     /* to the interrupt controller (HS_IRQ_TIMER) */
    uint64_t cmp_ns; /* compare value, ns */
    bool enabled;    /* CTRL bit 0 */
    bool pending;    /* CTRL bit 1 */
    uint32_t hi_latch[POWER_MAX_DOMAINS + 1]; /* NOW_HI per domain (+host) */
    uint64_t fired;                           /* compare matches so far */
} TimerState;

/* Prepares the device; name must outlive it. */
void timer_init(TimerState *s, const char *name);

extern const DeviceOps timer_ops;

#endif /* HS_DEVICES_TIMER_H */
