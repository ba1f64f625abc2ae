/*
 * port.h - a service port: a register window of the SoC whose registers
 * an OS service of the run serves (the kernels' sockets).
 *
 * The machine creates and maps the port with the other devices before
 * boot (it is one more window behind the approach's MMIO path); the
 * service that owns its registers binds its read and write handlers when
 * it is built. A port nobody serves is a guest error on every access
 * (reads as 0), never a host crash.
 */
#ifndef HS_SOC_MODELS_DEVICES_PORT_H
#define HS_SOC_MODELS_DEVICES_PORT_H

#include "bus/bus.h"

typedef uint64_t (*PortReadFunc)(void *ctx, uint64_t offset, unsigned size,
                                 const BusAccess *acc);
typedef void (*PortWriteFunc)(void *ctx, uint64_t offset, uint64_t value,
                              unsigned size, const BusAccess *acc);

typedef struct PortState {
    Device dev;          /* base: must stay first */
    PortReadFunc read;   /* the service's handlers, NULL until bound */
    PortWriteFunc write; /* ... */
    void *ctx;           /* their context */
} PortState;

void port_init(PortState *s, const char *name);
/* Hands the port's registers to a service (NULLs unbind it). */
void port_bind(PortState *s, PortReadFunc rd, PortWriteFunc wr, void *ctx);

extern const DeviceOps port_ops;

#endif /* HS_SOC_MODELS_DEVICES_PORT_H */
