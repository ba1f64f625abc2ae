/*
 * bbipc.c - the per-domain RIL mailbox window (bbipc.h).
 */
#include "machine/bbipc.h"

#include <string.h>

static bool own_window(const BbipcState *s, const BusAccess *acc)
{
    return acc->domain >= 0 && (size_t)acc->domain < s->n_domains;
}

static uint64_t bbipc_read(Device *dev, uint64_t off, unsigned size,
                           const BusAccess *acc)
{
    BbipcState *s = (BbipcState *)dev;
    if (!own_window(s, acc)) {
        s->foreign++;
        return 0;
    }
    return ipc_end_ops.read(&s->end[acc->domain].dev, off, size, acc);
}

static void bbipc_write(Device *dev, uint64_t off, uint64_t value,
                        unsigned size, const BusAccess *acc)
{
    BbipcState *s = (BbipcState *)dev;
    if (!own_window(s, acc)) {
        s->foreign++;
        return;
    }
    const IpcRing *r = &s->ril[acc->domain].to[IPC_SIDE_AP];
    uint16_t type = off == HS_BBIPC_RX_POP && r->count > 0
                        ? ipc_msg_type(r->slot[r->head], r->len[r->head])
                        : 0;
    uint32_t arg = type ? ipc_msg_arg(r->slot[r->head], r->len[r->head]) : 0;
    ipc_end_ops.write(&s->end[acc->domain].dev, off, value, size, acc);
    /* the domain has taken it */
    if (type && s->pop_fn)
        s->pop_fn(s->pop_ctx, acc->domain, type, arg, acc->when);
}

const DeviceOps bbipc_ops = {
    .type = "bbipc",
    .read = bbipc_read,
    .write = bbipc_write,
};

void bbipc_init(BbipcState *s, const char *name, size_t n_domains,
                const GuestDma *dma)
{
    memset(s, 0, sizeof *s);
    device_init(&s->dev, &bbipc_ops, name);
    s->n_domains =
        n_domains < MACHINE_MAX_DOMAINS ? n_domains : MACHINE_MAX_DOMAINS;
    for (size_t d = 0; d < s->n_domains; d++) {
        ipc_mailbox_init(&s->ril[d]);
        ipc_end_init(&s->end[d], name, &s->ril[d], IPC_SIDE_AP, dma);
    }
}

void bbipc_set_pop_observer(BbipcState *s, BbipcPopFunc fn, void *ctx)
{
    s->pop_fn = fn;
    s->pop_ctx = ctx;
}
