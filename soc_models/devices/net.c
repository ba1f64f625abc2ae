/*
 * net.c - per-domain TX to a peer callback and RX queues with an IRQ.
 */
#include "soc_models/devices/net.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int slot_of(int domain)
{
    if (domain == BUS_DOMAIN_HOST)
        return POWER_MAX_DOMAINS;
    return domain >= 0 && domain < POWER_MAX_DOMAINS ? domain : -1;
}

const NetSlot *net_slot(const NetState *s, int domain)
{
    int i = slot_of(domain);
    return i < 0 ? NULL : &s->slot[i];
}

static void update_irq(NetState *s)
{
    irq_set(&s->irq, s->pending > 0);
}

void net_set_peer(NetState *s, NetPeerFunc fn, void *ctx)
{
    s->peer = fn;
    s->peer_ctx = ctx;
}

int net_rx_push(NetState *s, int domain, const uint8_t *pkt, size_t len,
                hs_time when)
{
    (void)when;
    int i = slot_of(domain);
    if (i < 0 || len == 0 || len > HS_NET_MTU)
        return -1;
    NetSlot *sl = &s->slot[i];
    if (sl->count == s->cfg.rx_queue_packets) {
        sl->rx_dropped++;
        return -1;
    }
    uint8_t *copy = malloc(len);
    if (!copy)
        return -1;
    memcpy(copy, pkt, len);
    sl->rxq[(sl->head + sl->count) % s->cfg.rx_queue_packets] =
        (NetPacket){copy, (uint32_t)len};
    sl->count++;
    s->pending++;
    update_irq(s);
    /* the copy is owned by the queue now */
    // cppcheck-suppress memleak
    return 0;
}

static void net_tx(NetState *s, NetSlot *sl, uint64_t len, const BusAccess *acc)
{
    if (len == 0 || len > HS_NET_MTU) {
        device_guest_error(&s->dev, "TX length %llu (MTU %d)",
                           (unsigned long long)len, HS_NET_MTU);
        return;
    }
    uint8_t pkt[HS_NET_MTU];
    if (dma_read(s->dma, acc->domain, sl->tx_addr, pkt, (size_t)len)) {
        device_guest_error(&s->dev, "TX buffer 0x%llx unreadable",
                           (unsigned long long)sl->tx_addr);
        return;
    }
    if (!s->peer ||
        s->peer(s->peer_ctx, acc->domain, pkt, (size_t)len, acc->when)) {
        sl->tx_dropped++;
        return;
    }
    sl->tx_bytes += len;
    sl->tx_packets++;
}

static void net_rx_pop(NetState *s, NetSlot *sl, const BusAccess *acc)
{
    if (sl->count == 0) {
        device_guest_error(&s->dev, "RX_POP with nothing waiting");
        return;
    }
    NetPacket *p = &sl->rxq[sl->head];
    if (p->len > sl->rx_cap) {
        /* stays queued: the guest can offer a larger buffer */
        device_guest_error(&s->dev, "RX packet of %u bytes, buffer %u", p->len,
                           sl->rx_cap);
        return;
    }
    if (dma_write(s->dma, acc->domain, sl->rx_addr, p->data, p->len)) {
        device_guest_error(&s->dev, "RX buffer 0x%llx unwritable",
                           (unsigned long long)sl->rx_addr);
        return;
    }
    sl->last_rx_len = p->len;
    sl->rx_bytes += p->len;
    sl->rx_packets++;
    free(p->data);
    p->data = NULL;
    sl->head = (sl->head + 1) % s->cfg.rx_queue_packets;
    sl->count--;
    s->pending--;
    update_irq(s);
}

int net_rx_take(NetState *s, int domain, uint8_t *buf, size_t cap)
{
    int i = slot_of(domain);
    if (i < 0)
        return -1;
    NetSlot *sl = &s->slot[i];
    if (sl->count == 0)
        return 0;
    NetPacket *p = &sl->rxq[sl->head];
    if (p->len > cap)
        return -1;
    int len = (int)p->len;
    memcpy(buf, p->data, p->len);
    sl->last_rx_len = p->len;
    sl->rx_bytes += p->len;
    sl->rx_packets++;
    free(p->data);
    p->data = NULL;
    sl->head = (sl->head + 1) % s->cfg.rx_queue_packets;
    sl->count--;
    s->pending--;
    update_irq(s);
    return len;
}

static void drain(NetState *s)
{
    for (int i = 0; i < NET_SLOTS; i++) {
        NetSlot *sl = &s->slot[i];
        while (sl->count) {
            free(sl->rxq[sl->head].data);
            sl->rxq[sl->head].data = NULL;
            sl->head = (sl->head + 1) % s->cfg.rx_queue_packets;
            sl->count--;
        }
        sl->head = 0;
    }
    s->pending = 0;
    update_irq(s);
}

static void net_reset(Device *dev)
{
    NetState *s = (NetState *)dev;
    drain(s);
    for (int i = 0; i < NET_SLOTS; i++) {
        NetSlot *sl = &s->slot[i];
        sl->tx_addr = sl->rx_addr = 0;
        sl->rx_cap = sl->last_rx_len = 0;
    }
}

static uint64_t set64(uint64_t old, uint64_t value, unsigned size, bool hi)
{
    if (hi)
        return (old & 0xffffffffULL) | (value << 32);
    if (size == 8)
        return value;
    return (old & ~0xffffffffULL) | (uint32_t)value;
}

static uint64_t net_read(Device *dev, uint64_t offset, unsigned size,
                         const BusAccess *acc)
{
    NetState *s = (NetState *)dev;
    int i = slot_of(acc->domain);
    if (i < 0) {
        device_guest_error(dev, "access by unknown domain %d", acc->domain);
        return 0;
    }
    NetSlot *sl = &s->slot[i];
    switch (offset) {
    case HS_NET_TX_ADDR: /* packet to send (low half if 32-bit) */
        return size == 8 ? sl->tx_addr : (uint32_t)sl->tx_addr;
    case HS_NET_TX_ADDR + 4: /* packet to send, high half */
        return (uint32_t)(sl->tx_addr >> 32);
    case HS_NET_RX_ADDR: /* RX buffer (low half if 32-bit) */
        return size == 8 ? sl->rx_addr : (uint32_t)sl->rx_addr;
    case HS_NET_RX_ADDR + 4: /* RX buffer, high half */
        return (uint32_t)(sl->rx_addr >> 32);
    case HS_NET_RX_CAP: /* RX buffer capacity */
        return sl->rx_cap;
    case HS_NET_RX_POP: /* length of the packet last popped */
        return sl->last_rx_len;
    case HS_NET_RX_PENDING: /* packets waiting for this domain */
        return sl->count;
    default:
        device_guest_error(dev, "read of unknown offset 0x%llx",
                           (unsigned long long)offset);
        return 0;
    }
}

static void net_write(Device *dev, uint64_t offset, uint64_t value,
                      unsigned size, const BusAccess *acc)
{
    NetState *s = (NetState *)dev;
    int i = slot_of(acc->domain);
    if (i < 0) {
        device_guest_error(dev, "access by unknown domain %d", acc->domain);
        return;
    }
    NetSlot *sl = &s->slot[i];
    switch (offset) {
    case HS_NET_TX_ADDR: /* packet to send (low half if 32-bit) */
        sl->tx_addr = set64(sl->tx_addr, value, size, false);
        break;
    case HS_NET_TX_ADDR + 4: /* packet to send, high half */
        sl->tx_addr = set64(sl->tx_addr, value, size, true);
        break;
    case HS_NET_TX_LEN: /* length; writing it sends */
        net_tx(s, sl, value, acc);
        break;
    case HS_NET_RX_ADDR: /* RX buffer (low half if 32-bit) */
        sl->rx_addr = set64(sl->rx_addr, value, size, false);
        break;
    case HS_NET_RX_ADDR + 4: /* RX buffer, high half */
        sl->rx_addr = set64(sl->rx_addr, value, size, true);
        break;
    case HS_NET_RX_CAP: /* RX buffer capacity */
        sl->rx_cap = (uint32_t)value;
        break;
    case HS_NET_RX_POP: /* copy the next packet */
        net_rx_pop(s, sl, acc);
        break;
    default:
        device_guest_error(dev, "write of unknown offset 0x%llx",
                           (unsigned long long)offset);
    }
}

static void net_destroy(Device *dev)
{
    NetState *s = (NetState *)dev;
    drain(s);
    for (int i = 0; i < NET_SLOTS; i++) {
        free(s->slot[i].rxq);
        s->slot[i].rxq = NULL;
    }
}

const DeviceOps net_ops = {
    .type = "net",
    .reset = net_reset,
    .read = net_read,
    .write = net_write,
    .destroy = net_destroy,
};

int net_init(NetState *s, const char *name, const NetConfig *cfg,
             const GuestDma *dma, char *err, size_t err_size)
{
    memset(s, 0, sizeof *s);
    if (cfg->rx_queue_packets < 1 || cfg->rx_queue_packets > 65536) {
        if (err && err_size)
            snprintf(err, err_size, "net: rx_queue_packets must be 1..65536");
        return -1;
    }
    for (int i = 0; i < NET_SLOTS; i++) {
        s->slot[i].rxq = calloc(cfg->rx_queue_packets, sizeof(NetPacket));
        if (!s->slot[i].rxq) {
            for (int j = 0; j < i; j++)
                free(s->slot[j].rxq);
            if (err && err_size)
                snprintf(err, err_size, "net: out of memory");
            return -1;
        }
    }
    device_init(&s->dev, &net_ops, name);
    s->cfg = *cfg;
    s->dma = dma;
    return 0;
}
