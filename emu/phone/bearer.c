/*
 * bearer.c - the AP's modem data driver (bearer.h).
 */
#include "phone/bearer.h"

#include <string.h>

#include "net/ip.h"

static int domain_of(BbBearer *b, uint16_t port)
{
    int domain = BUS_DOMAIN_HOST;
    bb_port_map_find(&b->ports, port, &domain);
    return domain;
}

static int on_net_tx(void *ctx, int domain, const uint8_t *pkt, size_t len,
                     hs_time when)
{
    BbBearer *b = ctx;
    uint8_t msg[HS_BBMSG_MAX_BYTES];
    IpPacketView v;
    char err[128];
    uint32_t tag = domain >= 0 ? (uint32_t)domain + 1 : 0;
    uint32_t n = ipc_msg_build(msg, sizeof msg, HS_BBMSG_DATA_TX, 0, tag, pkt,
                               (uint32_t)len);
    if (n == 0 || ip_parse(pkt, len, &v, err, sizeof err) < 0 ||
        ipc_send(b->mb, IPC_SIDE_AP, msg, n, when) < 0) {
        b->dropped++;
        return -1;
    }
    bb_port_map_learn(&b->ports, v.src_port, domain);
    b->tx_packets++;
    return 0;
}

static void on_rx(Sim *sim, void *ctx, hs_time now)
{
    BbBearer *b = ctx;
    (void)sim;
    uint8_t msg[HS_BBMSG_MAX_BYTES];
    uint32_t len;
    while ((len = ipc_recv(b->mb, IPC_SIDE_AP, msg)) != 0) {
        if (ipc_msg_type(msg, len) != HS_BBMSG_DATA_RX) {
            if (b->ril)
                b->ril(b->ril_ctx, msg, len, now);
            continue;
        }
        const uint8_t *pkt = msg + HS_BBMSG_HEADER_BYTES;
        uint32_t n = ipc_msg_payload_bytes(msg, len);
        IpPacketView v;
        char err[128];
        if (n > len - HS_BBMSG_HEADER_BYTES ||
            ip_parse(pkt, n, &v, err, sizeof err) < 0 ||
            net_rx_push(b->net, domain_of(b, v.dst_port), pkt, n, now) < 0) {
            b->dropped++;
            continue;
        }
        b->rx_packets++;
    }
}

static void on_doorbell(void *ctx, int line, bool level)
{
    BbBearer *b = ctx;
    (void)line;
    if (level && !sim_event_pending(&b->rx_ev))
        sim_schedule_at(b->sim, &b->rx_ev, sim_now(b->sim));
}

void bearer_init(BbBearer *b, Sim *sim, IpcMailbox *mb, NetState *net,
                 BbRilFunc ril, void *ril_ctx)
{
    memset(b, 0, sizeof *b);
    b->sim = sim;
    b->mb = mb;
    b->net = net;
    b->ril = ril;
    b->ril_ctx = ril_ctx;
    sim_event_init(&b->rx_ev, "modem-rx", on_rx, b, 1);
    net_set_peer(net, on_net_tx, b);
    irq_connect(&mb->doorbell[IPC_SIDE_AP], on_doorbell, b, HS_IRQ_BBIPC);
}

void bearer_free(BbBearer *b)
{
    sim_cancel(b->sim, &b->rx_ev);
    irq_connect(&b->mb->doorbell[IPC_SIDE_AP], NULL, NULL, 0);
    net_set_peer(b->net, NULL, NULL);
}
