/*
 * ip.c - IPv4/UDP/TCP packet building and parsing, and the deterministic
 * TCP flow model (see ip.h for the contracts).
 */
#include "net/ip.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sim/error.h"

#define IP_FLAG_DF 0x4000
#define IP_FLAG_MF 0x2000
#define IP_FRAG_MASK 0x1fff
#define TCP_OPT_MSS 2
#define TCP_OPT_MSS_BYTES 4

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
           ((uint32_t)p[2] << 8) | p[3];
}

uint32_t ip_checksum_partial(uint32_t sum, const uint8_t *data, size_t len)
{
    /* 32-bit big-endian words summed in 64 bits (2^16 = 1 modulo 2^16 - 1,
     * so this is the sum of the 16-bit words in one's complement), then
     * folded to 16 bits: the same checksum as word by word in a fraction
     * of the instructions. A sum that is not zero stays not zero. */
    uint64_t acc = sum;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) { /* two words per load */
        uint64_t w;
        memcpy(&w, data + i, sizeof w);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        w = __builtin_bswap64(w);
#endif
        acc += (w >> 32) + (w & 0xffffffffu);
    }
    for (; i + 4 <= len; i += 4)
        acc += (uint32_t)data[i] << 24 | (uint32_t)data[i + 1] << 16 |
               (uint32_t)data[i + 2] << 8 | data[i + 3];
    if (i + 2 <= len) {
        acc += (uint32_t)data[i] << 8 | data[i + 1];
        i += 2;
    }
    if (i < len)
        acc += (uint32_t)data[i] << 8; /* odd byte, padded with zero */
    while (acc >> 16)
        acc = (acc & 0xffff) + (acc >> 16);
    return (uint32_t)acc;
}

uint16_t ip_checksum_finish(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

/* Sum of the pseudo-header UDP and TCP checksums cover (RFC 768/793). */
static uint32_t pseudo_sum(uint32_t src, uint32_t dst, uint8_t proto,
                           size_t transport_bytes)
{
    uint8_t ph[12];
    put32(ph, src);
    put32(ph + 4, dst);
    ph[8] = 0;
    ph[9] = proto;
    put16(ph + 10, (uint16_t)transport_bytes);
    return ip_checksum_partial(0, ph, sizeof ph);
}

static void write_ip_header(uint8_t *p, size_t total, uint16_t id, uint8_t dscp,
                            uint8_t proto, uint32_t src, uint32_t dst)
{
    p[0] = 0x45; /* version 4, 5 words */
    p[1] = (uint8_t)(dscp << 2);
    put16(p + 2, (uint16_t)total);
    put16(p + 4, id);
    put16(p + 6, IP_FLAG_DF); /* path MTU discovery, never fragmented */
    p[8] = IP_DEFAULT_TTL;
    p[9] = proto;
    put16(p + 10, 0);
    put32(p + 12, src);
    put32(p + 16, dst);
    put16(p + 10, ip_checksum_finish(ip_checksum_partial(0, p, 20)));
}

int ip_build_udp(uint8_t *buf, size_t cap, IpEndpoint src, IpEndpoint dst,
                 uint16_t id, uint8_t dscp, const uint8_t *payload,
                 size_t payload_bytes, char *err, size_t err_size)
{
    size_t udp_len = IP_UDP_HEADER_BYTES + payload_bytes;
    size_t total = IP_HEADER_BYTES + udp_len;
    if (payload_bytes > IP_MAX_PACKET_BYTES || total > IP_MAX_PACKET_BYTES)
        return hs_errorf(
            err, err_size,
            "UDP payload of %zu bytes does not fit in an IPv4 packet",
            payload_bytes);
    if (total > cap)
        return hs_errorf(
            err, err_size,
            "UDP packet of %zu bytes does not fit the %zu-byte buffer", total,
            cap);
    if (dscp > 63)
        return hs_errorf(err, err_size, "DSCP %u is above 63", dscp);
    write_ip_header(buf, total, id, dscp, IP_PROTO_UDP, src.addr, dst.addr);
    uint8_t *u = buf + IP_HEADER_BYTES;
    put16(u, src.port);
    put16(u + 2, dst.port);
    put16(u + 4, (uint16_t)udp_len);
    put16(u + 6, 0);
    if (payload_bytes > 0)
        memmove(u + IP_UDP_HEADER_BYTES, payload, payload_bytes);
    uint32_t sum = pseudo_sum(src.addr, dst.addr, IP_PROTO_UDP, udp_len);
    uint16_t c = ip_checksum_finish(ip_checksum_partial(sum, u, udp_len));
    put16(u + 6, c == 0 ? 0xffff : c); /* 0 would mean "no checksum" */
    return (int)total;
}

int ip_build_tcp(uint8_t *buf, size_t cap, const IpTcpHeader *h,
                 const uint8_t *payload, size_t payload_bytes, char *err,
                 size_t err_size)
{
    size_t hdr = IP_TCP_HEADER_BYTES + (h->mss_bytes ? TCP_OPT_MSS_BYTES : 0);
    size_t tcp_len = hdr + payload_bytes;
    size_t total = IP_HEADER_BYTES + tcp_len;
    if (payload_bytes > IP_MAX_PACKET_BYTES || total > IP_MAX_PACKET_BYTES)
        return hs_errorf(
            err, err_size,
            "TCP payload of %zu bytes does not fit in an IPv4 packet",
            payload_bytes);
    if (total > cap)
        return hs_errorf(
            err, err_size,
            "TCP packet of %zu bytes does not fit the %zu-byte buffer", total,
            cap);
    if (h->dscp > 63)
        return hs_errorf(err, err_size, "DSCP %u is above 63", h->dscp);
    write_ip_header(buf, total, h->id, h->dscp, IP_PROTO_TCP, h->src.addr,
                    h->dst.addr);
    uint8_t *t = buf + IP_HEADER_BYTES;
    put16(t, h->src.port);
    put16(t + 2, h->dst.port);
    put32(t + 4, h->seq);
    put32(t + 8, h->ack);
    t[12] = (uint8_t)((hdr / 4) << 4);
    t[13] = h->flags;
    put16(t + 14, h->window);
    put16(t + 16, 0); /* checksum, below */
    put16(t + 18, 0); /* urgent pointer */
    if (h->mss_bytes) {
        t[20] = TCP_OPT_MSS;
        t[21] = TCP_OPT_MSS_BYTES;
        put16(t + 22, h->mss_bytes);
    }
    if (payload_bytes > 0)
        memmove(t + hdr, payload, payload_bytes);
    uint32_t sum = pseudo_sum(h->src.addr, h->dst.addr, IP_PROTO_TCP, tcp_len);
    put16(t + 16, ip_checksum_finish(ip_checksum_partial(sum, t, tcp_len)));
    return (int)total;
}

static int parse_tcp_options(const uint8_t *o, size_t n, IpPacketView *v,
                             char *err, size_t err_size)
{
    size_t i = 0;
    while (i < n) {
        if (o[i] == 0) /* end of options */
            break;
        if (o[i] == 1) { /* no-operation */
            i++;
            continue;
        }
        if (i + 1 >= n || o[i + 1] < 2 || i + o[i + 1] > n)
            return hs_errorf(err, err_size, "TCP option %u at %zu is malformed",
                             o[i], i);
        if (o[i] == TCP_OPT_MSS && o[i + 1] == TCP_OPT_MSS_BYTES)
            v->mss_bytes = get16(o + i + 2);
        i += o[i + 1];
    }
    return 0;
}

int ip_parse(const uint8_t *pkt, size_t len, IpPacketView *v, char *err,
             size_t err_size)
{
    memset(v, 0, sizeof *v);
    if (len < IP_HEADER_BYTES)
        return hs_errorf(err, err_size,
                         "%zu bytes is shorter than an IPv4 header", len);
    if (pkt[0] >> 4 != 4)
        return hs_errorf(err, err_size, "IP version %u, expected 4",
                         pkt[0] >> 4);
    size_t ihl = (size_t)(pkt[0] & 0x0f) * 4;
    if (ihl < IP_HEADER_BYTES || ihl > len)
        return hs_errorf(err, err_size, "IPv4 header length %zu is invalid",
                         ihl);
    if (get16(pkt + 2) != len)
        return hs_errorf(err, err_size, "IPv4 total length %u but %zu bytes",
                         get16(pkt + 2), len);
    if (get16(pkt + 6) & (IP_FLAG_MF | IP_FRAG_MASK))
        return hs_errorf(err, err_size, "IPv4 fragments are not supported");
    if (ip_checksum_finish(ip_checksum_partial(0, pkt, ihl)) != 0)
        return hs_errorf(err, err_size, "bad IPv4 header checksum");
    v->dscp = pkt[1] >> 2;
    v->id = get16(pkt + 4);
    v->ttl = pkt[8];
    v->protocol = pkt[9];
    v->src = get32(pkt + 12);
    v->dst = get32(pkt + 16);
    const uint8_t *t = pkt + ihl;
    size_t tlen = len - ihl;
    uint32_t sum = pseudo_sum(v->src, v->dst, v->protocol, tlen);
    if (v->protocol == IP_PROTO_UDP) {
        if (tlen < IP_UDP_HEADER_BYTES || get16(t + 4) != tlen)
            return hs_errorf(err, err_size,
                             "UDP length does not match the packet");
        if (get16(t + 6) != 0 &&
            ip_checksum_finish(ip_checksum_partial(sum, t, tlen)) != 0)
            return hs_errorf(err, err_size, "bad UDP checksum");
        v->src_port = get16(t);
        v->dst_port = get16(t + 2);
        v->payload = t + IP_UDP_HEADER_BYTES;
        v->payload_bytes = tlen - IP_UDP_HEADER_BYTES;
        return 0;
    }
    if (v->protocol == IP_PROTO_TCP) {
        if (tlen < IP_TCP_HEADER_BYTES)
            return hs_errorf(err, err_size, "truncated TCP header");
        size_t off = (size_t)(t[12] >> 4) * 4;
        if (off < IP_TCP_HEADER_BYTES || off > tlen)
            return hs_errorf(err, err_size, "TCP data offset %zu is invalid",
                             off);
        if (ip_checksum_finish(ip_checksum_partial(sum, t, tlen)) != 0)
            return hs_errorf(err, err_size, "bad TCP checksum");
        v->src_port = get16(t);
        v->dst_port = get16(t + 2);
        v->seq = get32(t + 4);
        v->ack = get32(t + 8);
        v->tcp_flags = t[13];
        v->window = get16(t + 14);
        if (parse_tcp_options(t + IP_TCP_HEADER_BYTES,
                              off - IP_TCP_HEADER_BYTES, v, err, err_size) < 0)
            return -1;
        v->payload = t + off;
        v->payload_bytes = tlen - off;
        return 0;
    }
    return hs_errorf(err, err_size, "IP protocol %u is neither UDP nor TCP",
                     v->protocol);
}

/* ---- TCP flow model ---------------------------------------------------- */

/* Sequence comparisons modulo 2^32 (RFC 793 3.3). */
static bool seq_lt(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) < 0;
}

static bool seq_leq(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) <= 0;
}

/* Sequence space a segment takes: payload, plus one for SYN and FIN. */
static uint32_t seg_span(const IpTcpSeg *g)
{
    return g->len + ((g->flags & IP_TCP_SYN) ? 1u : 0u) +
           ((g->flags & IP_TCP_FIN) ? 1u : 0u);
}

static void segs_free(IpTcpSegs *q)
{
    for (size_t i = 0; i < q->n; i++)
        free(q->seg[i].data);
    free(q->seg);
    memset(q, 0, sizeof *q);
}

/* Inserts a copy of data at position at. Returns 0, or -1 (no memory). */
static int segs_insert(IpTcpSegs *q, size_t at, uint32_t seq, uint8_t flags,
                       const uint8_t *data, uint32_t len, hs_time when)
{
    if (q->n == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 16;
        IpTcpSeg *p = realloc(q->seg, cap * sizeof *p);
        if (!p)
            return -1;
        q->seg = p;
        q->cap = cap;
    }
    uint8_t *copy = NULL;
    if (len > 0) {
        copy = malloc(len);
        if (!copy)
            return -1;
        memcpy(copy, data, len);
    }
    memmove(&q->seg[at + 1], &q->seg[at], (q->n - at) * sizeof q->seg[0]);
    q->seg[at] = (IpTcpSeg){
        .seq = seq, .flags = flags, .len = len, .data = copy, .sent_at = when};
    q->n++;
    return 0;
}

static void segs_remove(IpTcpSegs *q, size_t at)
{
    free(q->seg[at].data);
    memmove(&q->seg[at], &q->seg[at + 1], (q->n - at - 1) * sizeof q->seg[0]);
    q->n--;
}

void ip_tcp_free(IpTcpFlow *f)
{
    for (int s = 0; s < 2; s++) {
        segs_free(&f->end[s].rtx);
        segs_free(&f->end[s].ooo);
        free(f->end[s].ready);
        f->end[s].ready = NULL;
        f->end[s].ready_cap = 0;
    }
}

int ip_tcp_init(IpTcpFlow *f, const IpTcpConfig *cfg, SimRng *rng, char *err,
                size_t err_size)
{
    memset(f, 0, sizeof *f);
    if (cfg->mss_bytes == 0 || cfg->mss_bytes > IP_MAX_PACKET_BYTES -
                                                    IP_HEADER_BYTES -
                                                    IP_TCP_HEADER_BYTES)
        return hs_errorf(err, err_size, "TCP MSS of %u bytes is out of range",
                         cfg->mss_bytes);
    if (cfg->window_bytes == 0)
        return hs_errorf(err, err_size, "TCP window must be greater than 0");
    if (cfg->dscp > 63)
        return hs_errorf(err, err_size, "DSCP %u is above 63", cfg->dscp);
    f->cfg = *cfg;
    for (int s = 0; s < 2; s++) {
        IpTcpEnd *e = &f->end[s];
        e->isn = (uint32_t)sim_rng_u64(rng);
        e->snd_nxt = e->snd_una = e->isn;
        e->ip_id = (uint16_t)sim_rng_u64(rng);
        e->rto = IP_TCP_RTO_INIT;
        e->cwnd = (uint32_t)IP_TCP_INIT_CWND * cfg->mss_bytes;
        e->ssthresh = UINT32_MAX; /* RFC 5681 3.1: arbitrarily high */
    }
    return 0;
}

static IpTcpHeader header_for(IpTcpFlow *f, IpTcpSide side, uint8_t flags)
{
    IpTcpEnd *e = &f->end[side];
    IpTcpHeader h = {
        .src = side == IP_TCP_CLIENT ? f->cfg.client : f->cfg.server,
        .dst = side == IP_TCP_CLIENT ? f->cfg.server : f->cfg.client,
        .seq = e->snd_nxt,
        .ack = e->syn_received ? e->rcv_nxt : 0,
        .flags = (uint8_t)(flags | (e->syn_received ? IP_TCP_ACK : 0)),
        .window = f->cfg.window_bytes,
        .id = e->ip_id,
        .dscp = f->cfg.dscp,
    };
    return h;
}

static const char *side_name(IpTcpSide side)
{
    return side == IP_TCP_CLIENT ? "client" : "server";
}

/* Keeps a segment just sent for retransmission and starts the timer if
 * it is not running (RFC 6298 5.1). */
static int keep_sent(IpTcpFlow *f, IpTcpEnd *e, uint32_t seq, uint8_t flags,
                     const uint8_t *data, uint32_t len, char *err,
                     size_t err_size)
{
    if (segs_insert(&e->rtx, e->rtx.n, seq, flags, data, len, f->clock) < 0)
        return hs_errorf(err, err_size, "out of memory");
    if (e->rto_at == 0)
        e->rto_at = f->clock + e->rto;
    return 0;
}

int ip_tcp_control(IpTcpFlow *f, IpTcpSide side, uint8_t flags, uint8_t *buf,
                   size_t cap, char *err, size_t err_size)
{
    if (side != IP_TCP_CLIENT && side != IP_TCP_SERVER)
        return hs_errorf(err, err_size, "invalid TCP side %d", (int)side);
    IpTcpEnd *e = &f->end[side];
    IpTcpHeader h;
    int n;
    switch (flags) {
    case IP_TCP_SYN:
        if (e->syn_sent)
            return hs_errorf(err, err_size, "TCP %s has already sent its SYN",
                             side_name(side));
        if (side == IP_TCP_SERVER && !e->syn_received)
            return hs_errorf(
                err, err_size,
                "TCP server cannot answer before the client's SYN");
        if (side == IP_TCP_CLIENT && e->syn_received)
            return hs_errorf(err, err_size,
                             "TCP simultaneous open is not modelled");
        h = header_for(f, side, IP_TCP_SYN);
        h.mss_bytes = f->cfg.mss_bytes;
        n = ip_build_tcp(buf, cap, &h, NULL, 0, err, err_size);
        if (n < 0 ||
            keep_sent(f, e, e->snd_nxt, IP_TCP_SYN, NULL, 0, err, err_size) < 0)
            return -1;
        e->syn_sent = true;
        e->snd_nxt++; /* the SYN takes one sequence number */
        break;
    case IP_TCP_ACK:
        if (!e->syn_sent || !e->syn_received)
            return hs_errorf(err, err_size,
                             "TCP %s cannot acknowledge before the handshake",
                             side_name(side));
        h = header_for(f, side, 0);
        n = ip_build_tcp(buf, cap, &h, NULL, 0, err, err_size);
        if (n < 0)
            return -1;
        break;
    case IP_TCP_FIN:
        if (!e->syn_sent || !e->syn_received)
            return hs_errorf(err, err_size,
                             "TCP %s cannot close before the handshake",
                             side_name(side));
        if (e->fin_sent)
            return hs_errorf(err, err_size, "TCP %s has already sent its FIN",
                             side_name(side));
        h = header_for(f, side, IP_TCP_FIN);
        n = ip_build_tcp(buf, cap, &h, NULL, 0, err, err_size);
        if (n < 0 ||
            keep_sent(f, e, e->snd_nxt, IP_TCP_FIN, NULL, 0, err, err_size) < 0)
            return -1;
        e->fin_sent = true;
        e->snd_nxt++; /* the FIN takes one sequence number */
        break;
    default:
        return hs_errorf(err, err_size,
                         "TCP control flags 0x%02x: expected SYN, ACK or FIN",
                         flags);
    }
    e->ip_id++;
    return n;
}

int ip_tcp_send(IpTcpFlow *f, IpTcpSide side, const uint8_t *data, size_t len,
                IpSegmentFunc sink, void *ctx, char *err, size_t err_size)
{
    if (side != IP_TCP_CLIENT && side != IP_TCP_SERVER)
        return hs_errorf(err, err_size, "invalid TCP side %d", (int)side);
    IpTcpEnd *e = &f->end[side];
    if (!e->syn_sent || !e->syn_received)
        return hs_errorf(err, err_size,
                         "TCP %s cannot send data before the handshake",
                         side_name(side));
    if (e->fin_sent)
        return hs_errorf(err, err_size, "TCP %s cannot send data after its FIN",
                         side_name(side));
    if (len == 0)
        return hs_errorf(err, err_size, "TCP send of 0 bytes");
    size_t cap = IP_HEADER_BYTES + IP_TCP_HEADER_BYTES + f->cfg.mss_bytes;
    uint8_t *buf = malloc(cap);
    if (buf == NULL)
        return hs_errorf(err, err_size, "out of memory");
    int segments = 0;
    size_t off = 0;
    while (off < len) {
        size_t chunk = len - off;
        if (chunk > f->cfg.mss_bytes)
            chunk = f->cfg.mss_bytes;
        bool last = off + chunk == len;
        uint8_t fl = last ? IP_TCP_PSH : 0;
        IpTcpHeader h = header_for(f, side, fl);
        int n = ip_build_tcp(buf, cap, &h, data + off, chunk, err, err_size);
        if (n < 0 || keep_sent(f, e, e->snd_nxt, fl, data + off,
                               (uint32_t)chunk, err, err_size) < 0) {
            free(buf);
            return -1;
        }
        e->snd_nxt += (uint32_t)chunk;
        e->bytes_sent += chunk;
        e->ip_id++;
        off += chunk;
        segments++;
        if (sink(ctx, side, buf, (size_t)n) < 0) {
            free(buf);
            return hs_errorf(err, err_size,
                             "TCP segment %d was refused by the sink",
                             segments);
        }
    }
    free(buf);
    return segments;
}

int ip_tcp_retransmit(IpTcpFlow *f, IpTcpSide side, IpSegmentFunc sink,
                      void *ctx, char *err, size_t err_size)
{
    if (side != IP_TCP_CLIENT && side != IP_TCP_SERVER)
        return hs_errorf(err, err_size, "invalid TCP side %d", (int)side);
    IpTcpEnd *e = &f->end[side];
    e->rtx_due = false;
    if (e->rtx.n == 0)
        return 0;
    IpTcpSeg *g = &e->rtx.seg[0];
    IpTcpHeader h = header_for(f, side, g->flags);
    h.seq = g->seq;
    if (g->flags & IP_TCP_SYN)
        h.mss_bytes = f->cfg.mss_bytes;
    size_t cap = IP_HEADER_BYTES + IP_TCP_HEADER_BYTES + 4 + g->len;
    uint8_t *buf = malloc(cap);
    if (!buf)
        return hs_errorf(err, err_size, "out of memory");
    int n = ip_build_tcp(buf, cap, &h, g->data, g->len, err, err_size);
    if (n < 0) {
        free(buf);
        return -1;
    }
    g->retransmitted = true;
    e->ip_id++;
    e->retransmits++;
    int rc = sink(ctx, side, buf, (size_t)n);
    free(buf);
    if (rc < 0)
        return hs_errorf(err, err_size,
                         "TCP retransmission was refused by the sink");
    return 1;
}

/* Loss: the slow-start threshold falls to half what is in flight, at
 * least two segments (RFC 5681 (4)). */
static void halve(IpTcpFlow *f, IpTcpEnd *e)
{
    uint32_t flight = e->snd_nxt - e->snd_una;
    uint32_t two = 2u * f->cfg.mss_bytes;
    e->ssthresh = flight / 2 > two ? flight / 2 : two;
}

int ip_tcp_timeout(IpTcpFlow *f, IpTcpSide side, IpSegmentFunc sink, void *ctx,
                   char *err, size_t err_size)
{
    if (side != IP_TCP_CLIENT && side != IP_TCP_SERVER)
        return hs_errorf(err, err_size, "invalid TCP side %d", (int)side);
    IpTcpEnd *e = &f->end[side];
    if (e->rtx.n == 0) {
        e->rto_at = 0;
        return 0;
    }
    if (e->backoff >= IP_TCP_RETRIES) {
        e->rto_at = 0;
        return -2;
    }
    e->backoff++;
    e->timeouts++;
    /* RFC 6298 5.5 and 5.6: back off and restart; RFC 5681 (4) and the
     * loss window of one segment; every segment sent so far is in the
     * recovery that the partial ACKs walk through (RFC 6582). */
    e->rto = e->rto * 2 > IP_TCP_RTO_MAX ? IP_TCP_RTO_MAX : e->rto * 2;
    e->rto_at = f->clock + e->rto;
    halve(f, e);
    e->cwnd = f->cfg.mss_bytes;
    e->dupacks = 0;
    e->recovering = true;
    e->recover = e->snd_nxt;
    return ip_tcp_retransmit(f, side, sink, ctx, err, err_size);
}

uint32_t ip_tcp_send_room(const IpTcpFlow *f, IpTcpSide side)
{
    const IpTcpEnd *e = &f->end[side];
    uint32_t wnd =
        f->cfg.window_bytes < e->cwnd ? f->cfg.window_bytes : e->cwnd;
    uint32_t flight = e->snd_nxt - e->snd_una;
    return flight >= wnd ? 0 : wnd - flight;
}

/* An RTT sample r (RFC 6298 2.2 and 2.3, alpha 1/8, beta 1/4). */
static void rtt_sample(IpTcpEnd *e, hs_time r)
{
    if (!e->rtt_valid) {
        e->srtt = r;
        e->rttvar = r / 2;
        e->rtt_valid = true;
    } else {
        hs_time d = e->srtt > r ? e->srtt - r : r - e->srtt;
        e->rttvar = (3 * e->rttvar + d) / 4;
        e->srtt = (7 * e->srtt + r) / 8;
    }
    hs_time k = 4 * e->rttvar;
    hs_time rto =
        e->srtt + (k > IP_TCP_RTO_GRANULARITY ? k : IP_TCP_RTO_GRANULARITY);
    if (rto < IP_TCP_RTO_MIN)
        rto = IP_TCP_RTO_MIN;
    if (rto > IP_TCP_RTO_MAX)
        rto = IP_TCP_RTO_MAX;
    e->rto = rto;
}

/* An ACK that acknowledges new data up to ack. */
static void new_ack(IpTcpFlow *f, IpTcpEnd *e, uint32_t ack)
{
    uint32_t acked = ack - e->snd_una;
    bool karn = false;
    hs_time sent_at = 0;
    size_t done = 0;
    while (done < e->rtx.n) {
        const IpTcpSeg *g = &e->rtx.seg[done];
        if (!seq_leq(g->seq + seg_span(g), ack))
            break;
        karn |= g->retransmitted;
        sent_at = g->sent_at;
        done++;
    }
    for (size_t i = 0; i < done; i++)
        segs_remove(&e->rtx, 0);
    if (done > 0 && !karn && f->clock >= sent_at)
        rtt_sample(e, f->clock - sent_at); /* Karn: sent once only */
    if (done > 0)
        e->backoff = 0; /* progress: the give-up count starts again */
    e->snd_una = ack;
    e->dupacks = 0;
    /* RFC 6298 5.2 and 5.3 */
    e->rto_at = e->rtx.n > 0 ? f->clock + e->rto : 0;
    if (e->recovering) {
        if (seq_leq(e->recover, ack)) {
            e->recovering = false;
            e->cwnd = e->ssthresh;
        } else {
            e->rtx_due = true; /* partial ACK: the next hole (RFC 6582) */
        }
        return;
    }
    uint32_t mss = f->cfg.mss_bytes;
    if (e->cwnd < e->ssthresh)
        e->cwnd += acked < mss ? acked : mss; /* slow start, RFC 5681 3.1 */
    else
        e->cwnd += (uint32_t)((uint64_t)mss * mss / e->cwnd) > 0
                       ? (uint32_t)((uint64_t)mss * mss / e->cwnd)
                       : 1; /* congestion avoidance, RFC 5681 (3) */
}

/* A duplicate ACK (RFC 5681 2): the third starts a fast retransmit. */
static void dup_ack(IpTcpFlow *f, IpTcpEnd *e)
{
    if (++e->dupacks != IP_TCP_DUPACK_THRESHOLD || e->recovering)
        return;
    halve(f, e);
    e->cwnd = e->ssthresh;
    e->recovering = true;
    e->recover = e->snd_nxt;
    e->rtx_due = true;
    e->fast_retransmits++;
}

/* Appends n bytes to the side's in-order delivery buffer at *at. */
static int ready_put(IpTcpEnd *e, size_t *at, const uint8_t *data, size_t n)
{
    if (*at + n > e->ready_cap) {
        size_t cap = e->ready_cap ? e->ready_cap : 4096;
        while (cap < *at + n)
            cap *= 2;
        uint8_t *p = realloc(e->ready, cap);
        if (!p)
            return -1;
        e->ready = p;
        e->ready_cap = cap;
    }
    if (n > 0)
        memcpy(e->ready + *at, data, n);
    *at += n;
    return 0;
}

/* Takes segment [seq, seq + n (+ FIN)) whose start is at or before
 * rcv_nxt into the in-order stream. */
static int take_in_order(IpTcpEnd *e, uint32_t seq, uint8_t flags,
                         const uint8_t *data, size_t n, size_t *at)
{
    uint32_t skip = e->rcv_nxt - seq;
    if (skip > n) /* only the FIN is new */
        skip = (uint32_t)n;
    if (ready_put(e, at, data + skip, n - skip) < 0)
        return -1;
    e->rcv_nxt += (uint32_t)(n - skip);
    e->bytes_received += n - skip;
    if (flags & IP_TCP_FIN) {
        e->fin_received = true;
        e->rcv_nxt++;
    }
    e->rx_flags |= flags & (IP_TCP_FIN | IP_TCP_PSH);
    return 0;
}

int ip_tcp_receive(IpTcpFlow *f, IpTcpSide side, const uint8_t *pkt, size_t len,
                   const uint8_t **payload, size_t *payload_bytes, char *err,
                   size_t err_size)
{
    if (side != IP_TCP_CLIENT && side != IP_TCP_SERVER)
        return hs_errorf(err, err_size, "invalid TCP side %d", (int)side);
    IpPacketView v;
    if (ip_parse(pkt, len, &v, err, err_size) < 0)
        return -1;
    IpEndpoint me = side == IP_TCP_CLIENT ? f->cfg.client : f->cfg.server;
    IpEndpoint peer = side == IP_TCP_CLIENT ? f->cfg.server : f->cfg.client;
    if (v.protocol != IP_PROTO_TCP || v.src != peer.addr || v.dst != me.addr ||
        v.src_port != peer.port || v.dst_port != me.port)
        return hs_errorf(err, err_size, "segment does not belong to this flow");
    IpTcpEnd *e = &f->end[side];
    if (payload != NULL)
        *payload = v.payload;
    if (payload_bytes != NULL)
        *payload_bytes = 0;
    e->rx_flags = 0;
    e->ack_now = false;
    if (v.tcp_flags & IP_TCP_RST)
        return hs_errorf(err, err_size, "TCP reset is not modelled");
    bool syn = (v.tcp_flags & IP_TCP_SYN) != 0;
    bool fin = (v.tcp_flags & IP_TCP_FIN) != 0;
    if (syn && (v.payload_bytes > 0 || fin))
        return hs_errorf(err, err_size, "SYN with data or FIN");
    if (syn && e->syn_received) {
        if (v.seq + 1 != e->rcv_nxt)
            return hs_errorf(err, err_size,
                             "TCP %s received a second SYN, of another "
                             "connection",
                             side_name(side));
        /* its SYN again: ours (or our ACK of it) was lost */
        e->duplicates++;
        return IP_TCP_RX_DUP;
    }
    if (!syn && !e->syn_received)
        return hs_errorf(err, err_size, "TCP %s received data before a SYN",
                         side_name(side));
    if (!syn && !(v.tcp_flags & IP_TCP_ACK))
        return hs_errorf(err, err_size, "TCP segment without ACK");
    if (v.tcp_flags & IP_TCP_ACK) {
        /* acceptable: snd_una <= ACK <= snd_nxt; older ones are stale */
        if (seq_lt(e->snd_nxt, v.ack))
            return hs_errorf(err, err_size,
                             "TCP %s received an ACK (%u) for data never sent",
                             side_name(side), v.ack);
        if (seq_lt(e->snd_una, v.ack))
            new_ack(f, e, v.ack);
        else if (v.ack == e->snd_una && v.payload_bytes == 0 && !syn && !fin &&
                 e->snd_nxt != e->snd_una)
            dup_ack(f, e);
    }
    if (syn) {
        e->syn_received = true;
        e->rcv_nxt = v.seq + 1;
        e->rx_flags = IP_TCP_SYN;
        return IP_TCP_RX_OK;
    }
    size_t n = v.payload_bytes;
    if (n == 0 && !fin)
        return IP_TCP_RX_OK; /* a pure ACK takes no sequence space */
    uint32_t span = (uint32_t)n + (fin ? 1u : 0u);
    if (seq_leq(v.seq + span, e->rcv_nxt)) {
        e->duplicates++; /* all of it arrived before */
        return IP_TCP_RX_DUP;
    }
    if (seq_lt(e->rcv_nxt, v.seq)) {
        /* beyond a hole: keep it (once), within the window */
        e->duplicates++;
        if (v.seq - e->rcv_nxt >= f->cfg.window_bytes)
            return IP_TCP_RX_DUP;
        size_t at = 0;
        while (at < e->ooo.n && seq_lt(e->ooo.seg[at].seq, v.seq))
            at++;
        if (at < e->ooo.n && e->ooo.seg[at].seq == v.seq)
            return IP_TCP_RX_DUP;
        if (segs_insert(&e->ooo, at, v.seq,
                        (uint8_t)(v.tcp_flags & (IP_TCP_FIN | IP_TCP_PSH)),
                        v.payload, (uint32_t)n, f->clock) < 0)
            return hs_errorf(err, err_size, "out of memory");
        return IP_TCP_RX_DUP;
    }
    if (e->fin_received)
        return hs_errorf(err, err_size, "TCP %s received data after a FIN",
                         side_name(side));
    size_t got = 0;
    e->ack_now = e->ooo.n > 0;
    if (take_in_order(e, v.seq, v.tcp_flags, v.payload, n, &got) < 0)
        return hs_errorf(err, err_size, "out of memory");
    /* what waited beyond the hole follows, in order */
    while (e->ooo.n > 0 && !e->fin_received &&
           seq_leq(e->ooo.seg[0].seq, e->rcv_nxt)) {
        IpTcpSeg *g = &e->ooo.seg[0];
        if (seq_lt(e->rcv_nxt, g->seq + seg_span(g)) &&
            take_in_order(e, g->seq, g->flags, g->data, g->len, &got) < 0)
            return hs_errorf(err, err_size, "out of memory");
        segs_remove(&e->ooo, 0);
    }
    if (payload != NULL)
        *payload = e->ready;
    if (payload_bytes != NULL)
        *payload_bytes = got;
    return IP_TCP_RX_OK;
}

uint32_t ip_tcp_in_flight(const IpTcpFlow *f, IpTcpSide side)
{
    const IpTcpEnd *e = &f->end[side];
    return e->snd_nxt - e->snd_una;
}

bool ip_tcp_closed(const IpTcpFlow *f)
{
    return f->end[0].fin_sent && f->end[0].fin_received && f->end[1].fin_sent &&
           f->end[1].fin_received;
}

const char *ip_addr_str(uint32_t addr, char *buf, size_t size)
{
    snprintf(buf, size, "%u.%u.%u.%u", addr >> 24, (addr >> 16) & 0xff,
             (addr >> 8) & 0xff, addr & 0xff);
    return buf;
}
