/*
 * ipc.c - the AP<->baseband mailbox (see ipc.h).
 */
#include "baseband/ipc.h"

#include <string.h>

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static void put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

void ipc_mailbox_init(IpcMailbox *mb)
{
    memset(mb, 0, sizeof *mb);
}

void ipc_mailbox_set_observer(IpcMailbox *mb, IpcObserverFunc fn, void *ctx)
{
    mb->observer = fn;
    mb->observer_ctx = ctx;
}

void ipc_mailbox_set_dead(IpcMailbox *mb)
{
    mb->bb_dead = true;
}

unsigned ipc_pending(const IpcMailbox *mb, IpcSide side)
{
    return mb->to[side].count;
}

int ipc_send(IpcMailbox *mb, IpcSide from, const uint8_t *msg, uint32_t len,
             hs_time when)
{
    IpcSide to = from == IPC_SIDE_AP ? IPC_SIDE_BB : IPC_SIDE_AP;
    IpcRing *r = &mb->to[to];
    if (len < HS_BBMSG_HEADER_BYTES || len > HS_BBMSG_MAX_BYTES ||
        r->count == IPC_RING_SLOTS || (to == IPC_SIDE_BB && mb->bb_dead)) {
        r->dropped++;
        r->full += r->count == IPC_RING_SLOTS;
        return -1;
    }
    unsigned i = (r->head + r->count) % IPC_RING_SLOTS;
    memcpy(r->slot[i], msg, len);
    r->len[i] = len;
    r->sent[i] = when;
    r->count++;
    r->delivered++;
    if (mb->observer)
        mb->observer(mb->observer_ctx, from, msg, len, when);
    irq_raise(&mb->doorbell[to]);
    return 0;
}

uint32_t ipc_recv(IpcMailbox *mb, IpcSide side, uint8_t *buf)
{
    IpcRing *r = &mb->to[side];
    if (r->count == 0)
        return 0;
    uint32_t len = r->len[r->head];
    memcpy(buf, r->slot[r->head], len);
    r->head = (r->head + 1) % IPC_RING_SLOTS;
    if (--r->count == 0)
        irq_lower(&mb->doorbell[side]);
    return len;
}

void ipc_end_init(IpcEnd *e, const char *name, IpcMailbox *mb, IpcSide side,
                  const GuestDma *dma)
{
    memset(e, 0, sizeof *e);
    device_init(&e->dev, &ipc_end_ops, name);
    e->mb = mb;
    e->side = side;
    e->dma = dma;
}

/* 64-bit address registers written whole or as two 32-bit halves (the
 * baseband is a 32-bit processor). */
static void set_addr(uint64_t *reg, uint64_t off, uint64_t value, unsigned size)
{
    if (size == 8)
        *reg = value;
    else if (off & 4)
        *reg = (*reg & 0xffffffffULL) | (value << 32);
    else
        *reg = (*reg & ~0xffffffffULL) | (uint32_t)value;
}

static uint64_t ipc_read(Device *dev, uint64_t off, unsigned size,
                         const BusAccess *acc)
{
    IpcEnd *e = (IpcEnd *)dev;
    (void)size;
    (void)acc;
    switch (off) {
    case HS_BBIPC_TX_ADDR: /* address registers read back */
        return e->tx_addr;
    case HS_BBIPC_TX_ADDR + 4:
        return e->tx_addr >> 32;
    case HS_BBIPC_RX_ADDR:
        return e->rx_addr;
    case HS_BBIPC_RX_ADDR + 4:
        return e->rx_addr >> 32;
    case HS_BBIPC_RX_POP: /* length of the message last taken */
        return e->last_len;
    case HS_BBIPC_RX_PENDING: /* messages waiting */
        return e->mb->to[e->side].count;
    default:
        device_guest_error(dev, "read of unknown offset 0x%llx",
                           (unsigned long long)off);
        return 0;
    }
}

static void ipc_write(Device *dev, uint64_t off, uint64_t value, unsigned size,
                      const BusAccess *acc)
{
    IpcEnd *e = (IpcEnd *)dev;
    switch (off) {
    case HS_BBIPC_TX_ADDR:
    case HS_BBIPC_TX_ADDR + 4:
        set_addr(&e->tx_addr, off, value, size);
        break;
    case HS_BBIPC_RX_ADDR:
    case HS_BBIPC_RX_ADDR + 4:
        set_addr(&e->rx_addr, off, value, size);
        break;
    case HS_BBIPC_RX_POP: { /* take the next message */
        uint8_t buf[HS_BBMSG_MAX_BYTES];
        uint32_t len = ipc_recv(e->mb, e->side, buf);
        e->last_len = 0;
        if (len == 0) {
            device_guest_error(dev, "RX_POP with no message waiting");
        } else if (dma_write(e->dma, acc->domain, e->rx_addr, buf, len) < 0) {
            device_guest_error(dev, "RX_ADDR 0x%llx cannot hold %u bytes",
                               (unsigned long long)e->rx_addr, len);
        } else {
            e->last_len = len;
        }
        break;
    }
    case HS_BBIPC_TX_LEN: { /* doorbell */
        uint32_t len = (uint32_t)value;
        uint8_t buf[HS_BBMSG_MAX_BYTES];
        if (len < HS_BBMSG_HEADER_BYTES || len > HS_BBMSG_MAX_BYTES ||
            dma_read(e->dma, acc->domain, e->tx_addr, buf, len) < 0) {
            device_guest_error(dev, "bad message: %u bytes at 0x%llx", len,
                               (unsigned long long)e->tx_addr);
            IpcSide to = e->side == IPC_SIDE_AP ? IPC_SIDE_BB : IPC_SIDE_AP;
            e->mb->to[to].dropped++;
            return;
        }
        if (ipc_msg_payload_bytes(buf, len) > len - HS_BBMSG_HEADER_BYTES)
            device_guest_error(dev, "payload length beyond the message");
        ipc_send(e->mb, e->side, buf, len, acc->when);
        break;
    }
    default:
        device_guest_error(dev, "write of unknown offset 0x%llx",
                           (unsigned long long)off);
        break;
    }
}

const DeviceOps ipc_end_ops = {
    .type = "bbipc",
    .read = ipc_read,
    .write = ipc_write,
};

uint32_t ipc_msg_build(uint8_t *buf, uint32_t cap, uint16_t type, uint32_t call,
                       uint32_t arg, const void *payload,
                       uint32_t payload_bytes)
{
    uint32_t len = HS_BBMSG_HEADER_BYTES + payload_bytes;
    if (payload_bytes > HS_BBMSG_MAX_BYTES - HS_BBMSG_HEADER_BYTES || len > cap)
        return 0;
    buf[HS_BBMSG_OFF_TYPE] = (uint8_t)type;
    buf[HS_BBMSG_OFF_TYPE + 1] = (uint8_t)(type >> 8);
    buf[HS_BBMSG_OFF_FLAGS] = 0;
    buf[HS_BBMSG_OFF_FLAGS + 1] = 0;
    put_le32(buf + HS_BBMSG_OFF_CALL, call);
    put_le32(buf + HS_BBMSG_OFF_ARG, arg);
    put_le32(buf + HS_BBMSG_OFF_PAYLOAD, payload_bytes);
    if (payload_bytes)
        memcpy(buf + HS_BBMSG_HEADER_BYTES, payload, payload_bytes);
    return len;
}

uint16_t ipc_msg_type(const uint8_t *msg, uint32_t len)
{
    return len >= HS_BBMSG_HEADER_BYTES
               ? (uint16_t)(msg[0] | (unsigned)msg[1] << 8)
               : 0;
}

uint32_t ipc_msg_call(const uint8_t *msg, uint32_t len)
{
    return len >= HS_BBMSG_HEADER_BYTES ? le32(msg + HS_BBMSG_OFF_CALL) : 0;
}

uint32_t ipc_msg_arg(const uint8_t *msg, uint32_t len)
{
    return len >= HS_BBMSG_HEADER_BYTES ? le32(msg + HS_BBMSG_OFF_ARG) : 0;
}

uint32_t ipc_msg_payload_bytes(const uint8_t *msg, uint32_t len)
{
    return len >= HS_BBMSG_HEADER_BYTES ? le32(msg + HS_BBMSG_OFF_PAYLOAD) : 0;
}

const char *ipc_msg_name(uint16_t type)
{
    static const char *const names[] = {
        [HS_BBMSG_RING] = "RING",
        [HS_BBMSG_ANSWER] = "ANSWER",
        [HS_BBMSG_HANGUP] = "HANGUP",
        [HS_BBMSG_DIAL] = "DIAL",
        [HS_BBMSG_CALL_STATE] = "CALL_STATE",
        [HS_BBMSG_DATA_TX] = "DATA_TX",
        [HS_BBMSG_DATA_RX] = "DATA_RX",
        [HS_BBMSG_SIGNAL] = "SIGNAL",
        [HS_BBMSG_MIC_OPEN] = "MIC_OPEN",
        [HS_BBMSG_MIC_CLOSE] = "MIC_CLOSE",
        [HS_BBMSG_SMS] = "SMS",
    };
    if (type < sizeof names / sizeof names[0] && names[type])
        return names[type];
    return "?";
}
