/*
 * bus.h - the device base, the MMIO bus and interrupt lines.
 *
 * Following QEMU's MemoryRegionOps and TinyEMU's cpu_register_device, a
 * device is a state struct whose first member is a Device, plus one const
 * DeviceOps table. Devices are mapped on a Bus by base and size and see
 * only offsets from their base. They raise interrupts through IrqLine
 * objects and schedule their own named events on the Sim; they never call
 * each other directly.
 *
 * Every access carries a BusAccess: when it happened (the vCPU's local
 * time, which may run ahead of the Sim's clock within a quantum) and which
 * domain made it (for policy, attribution and flow records).
 */
#ifndef HS_BUS_BUS_H
#define HS_BUS_BUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/sim.h"

typedef struct Device Device;

/* Who touched the device, and when. */
typedef struct BusAccess {
    hs_time when; /* local time of the access (>= sim_now of the run) */
    int domain;   /* domain index, or BUS_DOMAIN_HOST for host/tests */
} BusAccess;

#define BUS_DOMAIN_HOST (-1)

typedef struct DeviceOps {
    const char *type; /* device type name, e.g. "timer" */
    /* Called once after the device is mapped; may schedule events.
     * Returns 0 or -1 (host failure, message through the device). */
    int (*realize)(Device *dev, Sim *sim);
    /* Returns the device to its power-on state. */
    void (*reset)(Device *dev);
    /* size is 1, 2, 4 or 8 bytes; offset is relative to the device. A
     * guest mistake (bad offset) is logged and reads as 0. */
    uint64_t (*read)(Device *dev, uint64_t offset, unsigned size,
                     const BusAccess *acc);
    void (*write)(Device *dev, uint64_t offset, uint64_t value, unsigned size,
                  const BusAccess *acc);
    /* Frees the device's own allocations (not the Device itself when it is
     * embedded); may be NULL. */
    void (*destroy)(Device *dev);
} DeviceOps;

struct Device {
    const DeviceOps *ops;  /* behaviour */
    const char *name;      /* instance name, e.g. "gpu0" (static or owned) */
    uint64_t base;         /* bus address, set by bus_map */
    uint64_t size;         /* window size in bytes, set by bus_map */
    uint64_t guest_errors; /* count of logged guest mistakes */
};

/* Initialises the Device header of a device state struct. */
void device_init(Device *dev, const DeviceOps *ops, const char *name);

/* Calls the device's destroy op if it has one. */
void device_destroy(Device *dev);

/* Logs a guest mistake (bad register, bad value) under the device's name
 * to stderr when HS_GUEST_ERRORS is set, and counts it. Never fatal. */
void device_guest_error(Device *dev, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

typedef struct BusMapping {
    uint64_t base, size;
    Device *dev;
} BusMapping;

/* An MMIO address space: sorted, non-overlapping device windows. */
typedef struct Bus {
    BusMapping *maps;
    size_t len, cap;
} Bus;

void bus_init(Bus *bus);
/* Frees the mapping table (not the devices). */
void bus_free(Bus *bus);
/* Maps dev at [base, base+size). Returns 0, or -1 if it overlaps another
 * window, size is 0, or memory runs out. */
int bus_map(Bus *bus, Device *dev, uint64_t base, uint64_t size);
/* Finds the device at addr; stores the offset. NULL if unmapped. */
Device *bus_find(const Bus *bus, uint64_t addr, uint64_t *offset);
/* Dispatch an access. Returns false if addr is unmapped (the caller
 * decides whether that is a guest fault); reads of unmapped return 0. */
bool bus_read(const Bus *bus, uint64_t addr, unsigned size,
              const BusAccess *acc, uint64_t *value);
bool bus_write(const Bus *bus, uint64_t addr, uint64_t value, unsigned size,
               const BusAccess *acc);

/* ---- interrupt lines --------------------------------------------------- */

/* Called when a line's level changes. */
typedef void (*IrqFunc)(void *ctx, int line, bool level);

/* One interrupt wire from a device to a controller. Unconnected lines
 * (handler NULL) remember their level and do nothing else. */
typedef struct IrqLine {
    IrqFunc handler; /* the controller's input */
    void *ctx;       /* controller state */
    int line;        /* input number at the controller */
    bool level;      /* current level */
    uint64_t edges;  /* rising edges seen (tests, traces) */
} IrqLine;

void irq_connect(IrqLine *irq, IrqFunc handler, void *ctx, int line);
void irq_set(IrqLine *irq, bool level);
static inline void irq_raise(IrqLine *irq)
{
    irq_set(irq, true);
}
static inline void irq_lower(IrqLine *irq)
{
    irq_set(irq, false);
}
/* Raise then lower: an edge-triggered notification. */
void irq_pulse(IrqLine *irq);

#endif /* HS_BUS_BUS_H */
