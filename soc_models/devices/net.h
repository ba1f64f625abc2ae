/*
 * net.h - the AP side of the network ring: IP packets between each domain
 * and the baseband.
 *
 * Each domain sees its own register set (selected by BusAccess.domain):
 * TX_ADDR + writing TX_LEN copies a packet (1 .. HS_NET_MTU bytes) from
 * the domain's memory and hands it to the peer callback (the baseband
 * side installs it with net_set_peer). RX packets are pushed by the host
 * side with net_rx_push into that domain's queue; RX_POP (write) copies
 * the next one into RX_ADDR if it fits RX_CAP, and RX_POP (read) returns
 * the length of the packet last popped. HS_IRQ_NET (level) is high while
 * any domain has packets waiting. Bytes and packets are counted per
 * domain in both directions. A packet sent with no peer installed is
 * counted in tx_dropped (the run reports it); a full RX queue drops the
 * arriving packet (rx_dropped). The ring draws no power of its own: the
 * radio's power belongs to the baseband model.
 */
#ifndef HS_DEVICES_NET_H
#define HS_DEVICES_NET_H

#include "bus/bus.h"
#include "bus/dma.h"
#include "platform.h"
#include "power/meter.h"

#define NET_SLOTS (POWER_MAX_DOMAINS + 1) /* domains + the host */

/* Receives a packet from domain; returns 0 if taken, -1 if dropped. The
 * packet buffer is only valid during the call. */
typedef int (*NetPeerFunc)(void *ctx, int domain, const uint8_t *pkt,
                           size_t len, hs_time when);

typedef struct NetConfig {
    unsigned rx_queue_packets; /* per-domain RX queue depth, >= 1 */
} NetConfig;

typedef struct NetPacket {
    uint8_t *data; /* owned copy */
    uint32_t len;  /* bytes */
} NetPacket;

typedef struct NetSlot {
    uint64_t tx_addr, rx_addr; /* HS_NET_TX_ADDR, HS_NET_RX_ADDR */
    uint32_t rx_cap;           /* HS_NET_RX_CAP */
    uint32_t last_rx_len;      /* HS_NET_RX_POP read value */
    NetPacket *rxq;            /* ring of cfg.rx_queue_packets */
    unsigned head, count;      /* ring position and fill */
    uint64_t tx_bytes, tx_packets, rx_bytes, rx_packets; /* counters */
    uint64_t tx_dropped, rx_dropped;                     /* drops */
} NetSlot;

typedef struct NetState {
    Device dev;              /* base: must stay first */
    NetConfig cfg;           /* copied at init */
    const GuestDma *dma;     /* guest memory (may be NULL) */
    NetSlot slot[NET_SLOTS]; /* per domain; last is the host */
    unsigned pending;        /* packets waiting over all domains */
    NetPeerFunc peer;        /* the baseband side, may be NULL */
    void *peer_ctx;          /* its context */
    IrqLine irq;             /* HS_IRQ_NET */
} NetState;

/* Returns 0, or -1 with a reason in err. */
int net_init(NetState *s, const char *name, const NetConfig *cfg,
             const GuestDma *dma, char *err, size_t err_size);
void net_set_peer(NetState *s, NetPeerFunc fn, void *ctx);
/* Queues a packet (copied) for domain. Returns 0, or -1 if len is 0 or
 * above HS_NET_MTU, the domain is out of range, the queue is full
 * (counted in rx_dropped) or memory runs out. */
int net_rx_push(NetState *s, int domain, const uint8_t *pkt, size_t len,
                hs_time when);
/* Takes the next packet queued for domain into buf, as RX_POP does for
 * a guest, for a host-side consumer (the kernels' network stack that the
 * runner models on the host). Returns its length, 0 when none waits, or
 * -1 for a bad domain or a packet larger than cap (it stays queued). */
int net_rx_take(NetState *s, int domain, uint8_t *buf, size_t cap);
/* Counters of a domain (BUS_DOMAIN_HOST for the host slot). */
const NetSlot *net_slot(const NetState *s, int domain);

extern const DeviceOps net_ops;

#endif /* HS_DEVICES_NET_H */
