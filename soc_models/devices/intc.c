/*
 * intc.c - edge-latched, level-visible interrupt controller.
 */
#include "soc_models/devices/intc.h"

#include <string.h>

#include "platform.h"

uint32_t intc_pending(const IntcState *s)
{
    return (s->latched | s->raw) & s->enable;
}

static void intc_update(IntcState *s)
{
    bool level = intc_pending(s) != 0;
    irq_set(&s->cpu_irq, level);
    irq_set(&s->wake, level);
}

void intc_set_irq(void *ctx, int line, bool level)
{
    IntcState *s = ctx;
    if (line < 0 || line >= HS_IRQ_COUNT)
        return;
    uint32_t bit = 1u << line;
    if (level) {
        if (!(s->raw & bit))
            s->latched |= bit;
        s->raw |= bit;
    } else {
        s->raw &= ~bit;
    }
    intc_update(s);
}

static void intc_reset(Device *dev)
{
    IntcState *s = (IntcState *)dev;
    s->latched = 0;
    s->enable = 0;
    intc_update(s);
}

static uint64_t intc_read(Device *dev, uint64_t offset, unsigned size,
                          const BusAccess *acc)
{
    (void)size;
    (void)acc;
    IntcState *s = (IntcState *)dev;
    switch (offset) {
    case HS_INTC_PENDING: /* pending & enabled */
        return intc_pending(s);
    case HS_INTC_ENABLE: /* enable mask */
        return s->enable;
    case HS_INTC_RAW: /* raw line levels */
        return s->raw;
    default:
        device_guest_error(dev, "read of unknown offset 0x%llx",
                           (unsigned long long)offset);
        return 0;
    }
}

static void intc_write(Device *dev, uint64_t offset, uint64_t value,
                       unsigned size, const BusAccess *acc)
{
    (void)size;
    (void)acc;
    IntcState *s = (IntcState *)dev;
    switch (offset) {
    case HS_INTC_ENABLE: /* enable mask */
        s->enable = (uint32_t)value;
        break;
    case HS_INTC_ACK: /* clear edge latches */
        s->latched &= ~(uint32_t)value;
        break;
    default:
        device_guest_error(dev, "write of unknown offset 0x%llx",
                           (unsigned long long)offset);
        return;
    }
    intc_update(s);
}

const DeviceOps intc_ops = {
    .type = "intc",
    .reset = intc_reset,
    .read = intc_read,
    .write = intc_write,
};

void intc_init(IntcState *s, const char *name)
{
    memset(s, 0, sizeof *s);
    device_init(&s->dev, &intc_ops, name);
}
