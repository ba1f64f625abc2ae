/*
 * mmio.c - the MMIO proxy: every device window on the domains' bus is
 * reached through the approach, which prices and may refuse each access;
 * DMA into the domains' memories (machine.h).
 */
#include "machine/machine_int.h"

static uint64_t proxy_read(Device *dev, uint64_t off, unsigned size,
                           const BusAccess *acc)
{
    MachineProxy *p = (MachineProxy *)dev;
    Machine *m = p->m;
    VirtCharge ch = {0};
    bool ok = true;
    if (acc->domain >= 0)
        m->ops->mmio(m, acc->domain, p->base, false, &ch, &ok);
    machine_charge_vcpu(m, m->current, &ch);
    if (!ok) {
        m->counts.denied++;
        return 0;
    }
    return p->target->ops->read(p->target, off, size, acc);
}

static void proxy_write(Device *dev, uint64_t off, uint64_t value,
                        unsigned size, const BusAccess *acc)
{
    MachineProxy *p = (MachineProxy *)dev;
    Machine *m = p->m;
    VirtCharge ch = {0};
    bool ok = true;
    if (acc->domain >= 0)
        m->ops->mmio(m, acc->domain, p->base, true, &ch, &ok);
    machine_charge_vcpu(m, m->current, &ch);
    if (!ok) {
        m->counts.denied++;
        return;
    }
    p->target->ops->write(p->target, off, value, size, acc);
}

static const DeviceOps proxy_ops = {
    .type = "approach-mmio",
    .read = proxy_read,
    .write = proxy_write,
};

int machine_map_proxy(Machine *m, Device *target, uint64_t base)
{
    if (m->n_proxies >= MACHINE_MAX_DEVICES)
        return -1;
    MachineProxy *p = &m->proxies[m->n_proxies++];
    device_init(&p->dev, &proxy_ops, target->name);
    p->m = m;
    p->target = target;
    p->base = base;
    return bus_map(&m->bus, &p->dev, base, HS_MMIO_WINDOW);
}

static int dma_read_dom(void *ctx, int domain, uint64_t addr, void *buf,
                        size_t len)
{
    Machine *m = ctx;
    if (domain < 0 || (size_t)domain >= m->n_domains)
        return -1;
    return guest_mem_read(m->domains[domain].mem, addr, buf, len);
}

static int dma_write_dom(void *ctx, int domain, uint64_t addr, const void *buf,
                         size_t len)
{
    Machine *m = ctx;
    if (domain < 0 || (size_t)domain >= m->n_domains)
        return -1;
    return guest_mem_write(m->domains[domain].mem, addr, buf, len);
}

static int dma_check_dom(void *ctx, int domain, uint64_t addr, size_t len)
{
    Machine *m = ctx;
    if (domain < 0 || (size_t)domain >= m->n_domains)
        return -1;
    /* what guest_mem_read and guest_mem_write accept (len 0 succeeds) */
    return len == 0 || guest_mem_region(m->domains[domain].mem, addr, len) ? 0
                                                                           : -1;
}

GuestDma machine_dma(Machine *m)
{
    GuestDma d = {.read = dma_read_dom,
                  .write = dma_write_dom,
                  .check = dma_check_dom,
                  .ctx = m};
    return d;
}
