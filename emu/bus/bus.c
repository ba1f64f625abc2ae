/*
 * bus.c - MMIO dispatch by binary search over sorted device windows, and
 * interrupt lines.
 */
#include "bus/bus.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void device_init(Device *dev, const DeviceOps *ops, const char *name)
{
    memset(dev, 0, sizeof *dev);
    dev->ops = ops;
    dev->name = name;
}

void device_destroy(Device *dev)
{
    if (dev->ops->destroy)
        dev->ops->destroy(dev);
}

void device_guest_error(Device *dev, const char *fmt, ...)
{
    dev->guest_errors++;
    const char *env = getenv("HS_GUEST_ERRORS");
    if (!env || !*env || strcmp(env, "0") == 0)
        return;
    va_list ap;
    fprintf(stderr, "guest error: %s (%s): ", dev->name, dev->ops->type);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void bus_init(Bus *bus)
{
    memset(bus, 0, sizeof *bus);
}

void bus_free(Bus *bus)
{
    free(bus->maps);
    memset(bus, 0, sizeof *bus);
}

int bus_map(Bus *bus, Device *dev, uint64_t base, uint64_t size)
{
    uint64_t end;
    if (size == 0 || __builtin_add_overflow(base, size - 1, &end))
        return -1;
    size_t i = 0;
    while (i < bus->len && bus->maps[i].base < base)
        i++;
    if (i > 0 && bus->maps[i - 1].base + bus->maps[i - 1].size - 1 >= base)
        return -1;
    if (i < bus->len && bus->maps[i].base <= end)
        return -1;
    if (bus->len == bus->cap) {
        size_t cap = bus->cap ? bus->cap * 2 : 16;
        BusMapping *m = realloc(bus->maps, cap * sizeof *m);
        if (!m)
            return -1;
        bus->maps = m;
        bus->cap = cap;
    }
    memmove(&bus->maps[i + 1], &bus->maps[i],
            (bus->len - i) * sizeof bus->maps[0]);
    bus->maps[i] = (BusMapping){base, size, dev};
    bus->len++;
    dev->base = base;
    dev->size = size;
    return 0;
}

Device *bus_find(const Bus *bus, uint64_t addr, uint64_t *offset)
{
    size_t lo = 0, hi = bus->len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const BusMapping *m = &bus->maps[mid];
        if (addr < m->base)
            hi = mid;
        else if (addr - m->base >= m->size)
            lo = mid + 1;
        else {
            *offset = addr - m->base;
            return m->dev;
        }
    }
    return NULL;
}

bool bus_read(const Bus *bus, uint64_t addr, unsigned size,
              const BusAccess *acc, uint64_t *value)
{
    uint64_t off;
    Device *dev = bus_find(bus, addr, &off);
    if (!dev || !dev->ops->read) {
        *value = 0;
        return dev != NULL;
    }
    *value = dev->ops->read(dev, off, size, acc);
    return true;
}

bool bus_write(const Bus *bus, uint64_t addr, uint64_t value, unsigned size,
               const BusAccess *acc)
{
    uint64_t off;
    Device *dev = bus_find(bus, addr, &off);
    if (!dev)
        return false;
    if (dev->ops->write)
        dev->ops->write(dev, off, value, size, acc);
    return true;
}

void irq_connect(IrqLine *irq, IrqFunc handler, void *ctx, int line)
{
    irq->handler = handler;
    irq->ctx = ctx;
    irq->line = line;
}

void irq_set(IrqLine *irq, bool level)
{
    if (irq->level == level)
        return;
    irq->level = level;
    if (level)
        irq->edges++;
    if (irq->handler)
        irq->handler(irq->ctx, irq->line, level);
}

void irq_pulse(IrqLine *irq)
{
    irq_set(irq, true);
    irq_set(irq, false);
}
