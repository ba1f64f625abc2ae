/*
 * port.c - a register window served by an OS service (port.h).
 */
#include "soc_models/devices/port.h"

static uint64_t port_read(Device *dev, uint64_t offset, unsigned size,
                          const BusAccess *acc)
{
    PortState *s = (PortState *)dev;
    if (!s->read) {
        device_guest_error(dev, "read of 0x%llx: no service behind the port",
                           (unsigned long long)offset);
        return 0;
    }
    return s->read(s->ctx, offset, size, acc);
}

static void port_write(Device *dev, uint64_t offset, uint64_t value,
                       unsigned size, const BusAccess *acc)
{
    PortState *s = (PortState *)dev;
    if (!s->write) {
        device_guest_error(dev, "write of 0x%llx: no service behind the port",
                           (unsigned long long)offset);
        return;
    }
    s->write(s->ctx, offset, value, size, acc);
}

const DeviceOps port_ops = {
    .type = "port",
    .read = port_read,
    .write = port_write,
};

void port_init(PortState *s, const char *name)
{
    *s = (PortState){0};
    device_init(&s->dev, &port_ops, name);
}

void port_bind(PortState *s, PortReadFunc rd, PortWriteFunc wr, void *ctx)
{
    s->read = rd;
    s->write = wr;
    s->ctx = ctx;
}
