/*
 * data_peer.c - the mail server behind the data bearer (data_peer.h).
 */
#include "net/data_peer.h"

#include <stdio.h>
#include <string.h>

/* When a packet leaving at t arrives: a drawn delay, but never before
 * the previous packet of the same direction (the core keeps a flow's
 * order, which the TCP model relies on). */
static hs_time arrival(BbDataPeer *p, hs_time t, bool up)
{
    hs_time at =
        t + p->base_ps + (hs_time)sim_rng_below(p->rng, p->jitter_ps + 1);
    hs_time *last = up ? &p->last_up : &p->last_down;
    if (at < *last)
        at = *last;
    *last = at;
    return at;
}

static BbDataSlot *slot_get(BbDataPeer *p)
{
    for (unsigned i = 0; i < BB_DATA_SLOTS; i++)
        if (!p->slot[i].used)
            return &p->slot[i];
    p->errors++;
    return NULL;
}

static void on_slot(Sim *sim, void *ctx, hs_time now);

static int send_segment(void *ctx, IpTcpSide from, const uint8_t *pkt,
                        size_t len)
{
    BbDataPeer *p = ctx;
    (void)from;
    BbDataSlot *s = slot_get(p);
    if (!s || len > sizeof s->pkt)
        return -1;
    *s = (BbDataSlot){.p = p, .used = true, .up = false};
    memcpy(s->pkt, pkt, len);
    s->len = (uint32_t)len;
    p->segments_out++;
    sim_call_at(p->sim, arrival(p, sim_now(p->sim), false), "mail-tx", on_slot,
                s, 0);
    return 0;
}

static void refuse(BbDataPeer *p, const char *err)
{
    p->errors++;
    snprintf(p->last_error, sizeof p->last_error, "%s", err);
}

/* A segment reaches the server. */
static void server_rx(BbDataPeer *p, const uint8_t *pkt, size_t len)
{
    char err[160];
    const uint8_t *data;
    size_t n;
    if (ip_tcp_receive(p->flow, IP_TCP_SERVER, pkt, len, &data, &n, err,
                       sizeof err) < 0) {
        refuse(p, err);
        return;
    }
    p->segments_in++;
    IpPacketView v;
    if (ip_parse(pkt, len, &v, err, sizeof err) < 0)
        return;
    uint8_t buf[1600];
    int out = 0;
    if (v.tcp_flags & IP_TCP_SYN) {
        out = ip_tcp_control(p->flow, IP_TCP_SERVER, IP_TCP_SYN, buf,
                             sizeof buf, err, sizeof err);
    } else if (n > 0) {
        if (imap_peer_input(&p->imap, data, n, err, sizeof err) < 0) {
            refuse(p, err);
            return;
        }
        size_t olen;
        const uint8_t *o = imap_peer_output(&p->imap, &olen);
        if (olen > 0) {
            if (ip_tcp_send(p->flow, IP_TCP_SERVER, o, olen, send_segment, p,
                            err, sizeof err) < 0)
                refuse(p, err);
            imap_peer_take(&p->imap, olen);
            return;
        }
        out = ip_tcp_control(p->flow, IP_TCP_SERVER, IP_TCP_ACK, buf,
                             sizeof buf, err, sizeof err);
    } else if (v.tcp_flags & IP_TCP_FIN) {
        out = ip_tcp_control(p->flow, IP_TCP_SERVER, IP_TCP_FIN, buf,
                             sizeof buf, err, sizeof err);
    } else if (v.tcp_flags & IP_TCP_ACK &&
               p->flow->end[IP_TCP_SERVER].syn_sent && p->segments_in == 2) {
        /* the handshake is complete: the server greets */
        size_t olen;
        const uint8_t *o = imap_peer_output(&p->imap, &olen);
        if (olen > 0 && ip_tcp_send(p->flow, IP_TCP_SERVER, o, olen,
                                    send_segment, p, err, sizeof err) < 0)
            refuse(p, err);
        imap_peer_take(&p->imap, olen);
        return;
    }
    if (out < 0)
        refuse(p, err);
    else if (out > 0)
        send_segment(p, IP_TCP_SERVER, buf, (size_t)out);
}

static void on_slot(Sim *sim, void *ctx, hs_time now)
{
    BbDataSlot *s = ctx;
    BbDataPeer *p = s->p;
    (void)sim;
    s->used = false;
    if (s->up)
        server_rx(p, s->pkt, s->len);
    else if (bb_radio_deliver(p->radio, s->pkt, s->len, now) < 0)
        p->errors++;
}

void bb_data_peer_uplink(void *ctx, const uint8_t *pkt, size_t len,
                         hs_time sent, hs_time through)
{
    BbDataPeer *p = ctx;
    (void)sent;
    IpPacketView v;
    char err[128];
    if (ip_parse(pkt, len, &v, err, sizeof err) < 0 ||
        v.protocol != IP_PROTO_TCP || v.dst != p->flow->cfg.server.addr ||
        v.dst_port != p->flow->cfg.server.port)
        return;
    BbDataSlot *s = slot_get(p);
    if (!s || len > sizeof s->pkt)
        return;
    *s = (BbDataSlot){.p = p, .used = true, .up = true};
    memcpy(s->pkt, pkt, len);
    s->len = (uint32_t)len;
    sim_call_at(p->sim, arrival(p, through, true), "mail-rx", on_slot, s, 0);
}

int bb_data_peer_init(BbDataPeer *p, Sim *sim, BbRadio *radio, IpTcpFlow *flow,
                      const ImapPeerConfig *imap_cfg, char *err,
                      size_t err_size)
{
    memset(p, 0, sizeof *p);
    if (!sim || !radio || !flow || !imap_cfg) {
        snprintf(err, err_size, "data peer: missing Sim, radio or flow");
        return -1;
    }
    p->sim = sim;
    p->radio = radio;
    p->flow = flow;
    p->rng = sim_rng(sim, "data-peer");
    p->base_ps = BB_DATA_BASE_PS;
    p->jitter_ps = BB_DATA_JITTER_PS;
    return imap_peer_init(&p->imap, imap_cfg, err, err_size);
}

void bb_data_peer_free(BbDataPeer *p)
{
    imap_peer_free(&p->imap);
}
