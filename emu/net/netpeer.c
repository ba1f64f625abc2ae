/*
 * netpeer.c - the IMAP and HTTP servers behind the bearer (netpeer.h).
 */
#include "net/netpeer.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sim/error.h"

#define SEND_CHUNK 65536 /* largest window, bytes */

int netpeer_init(NetServer *s, NetServerProto proto, const ImapPeerConfig *imap,
                 uint64_t seed, char *err, size_t err_size)
{
    memset(s, 0, sizeof *s);
    s->proto = proto;
    s->seed = seed;
    if (proto == NET_SERVER_IMAP)
        return imap_peer_init(&s->imap, imap, err, err_size);
    return 0;
}

void netpeer_free(NetServer *s)
{
    if (s->proto == NET_SERVER_IMAP)
        imap_peer_free(&s->imap);
    free(s->out);
    s->out = NULL;
}

/* splitmix64 of the seed and the 8-byte block: any byte from its index
 * alone, so the body needs no buffer. */
uint8_t netpeer_web_body_byte(uint64_t seed, uint64_t i)
{
    uint64_t z = seed + (i >> 3) * 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return (uint8_t)(z >> ((i & 7) * 8));
}

static int out_append(NetServer *s, const char *text, size_t n)
{
    if (s->out_len + n > s->out_cap) {
        size_t cap = s->out_cap ? s->out_cap * 2 : 1024;
        while (cap < s->out_len + n)
            cap *= 2;
        uint8_t *p = realloc(s->out, cap);
        if (!p)
            return -1;
        s->out = p;
        s->out_cap = cap;
    }
    memcpy(s->out + s->out_len, text, n);
    s->out_len += n;
    return 0;
}

/* The size N of "GET /doc/N HTTP/1.1", or 0 for any other request. */
static uint64_t doc_size(const char *req)
{
    static const char pre[] = "GET /doc/", ver[] = " HTTP/1.1\r\n";
    const char *num = req + sizeof pre - 1;
    char *end;
    if (strncmp(req, pre, sizeof pre - 1) != 0 || *num < '0' || *num > '9')
        return 0;
    unsigned long long n = strtoull(num, &end, 10);
    if (strncmp(end, ver, sizeof ver - 1) != 0)
        return 0;
    return (uint64_t)n;
}

/* Queues the response to a complete request head. */
static int http_answer(NetServer *s)
{
    char head[256];
    uint64_t n = doc_size(s->req);
    s->answered = true;
    int len = snprintf(head, sizeof head,
                       "HTTP/1.1 %s\r\nContent-Type: "
                       "application/octet-stream\r\nContent-Length: %" PRIu64
                       "\r\nConnection: close\r\n\r\n",
                       n > 0 ? "200 OK" : "404 Not Found", n);
    s->body_left = n;
    return out_append(s, head, (size_t)len);
}

static int http_input(NetServer *s, const uint8_t *data, size_t n)
{
    if (s->answered)
        return 0; /* one request per connection */
    size_t room = NET_HTTP_MAX_REQUEST - s->req_len;
    size_t take = n < room ? n : room;
    memcpy(s->req + s->req_len, data, take);
    s->req_len += take;
    s->req[s->req_len] = 0;
    if (strstr(s->req, "\r\n\r\n"))
        return http_answer(s);
    if (s->req_len == NET_HTTP_MAX_REQUEST) {
        s->answered = true;
        static const char bad[] = "HTTP/1.1 400 Bad Request\r\n"
                                  "Content-Length: 0\r\n\r\n";
        return out_append(s, bad, sizeof bad - 1);
    }
    return 0;
}

/* Moves what the IMAP session has to say (the greeting first) to the
 * send queue. */
static int imap_collect(NetServer *s, char *err, size_t err_size)
{
    size_t olen;
    const uint8_t *o = imap_peer_output(&s->imap, &olen);
    if (olen > 0 && out_append(s, (const char *)o, olen) < 0)
        return hs_errorf(err, err_size, "mail server: out of memory");
    imap_peer_take(&s->imap, olen);
    return 0;
}

static int app_input(NetServer *s, const uint8_t *data, size_t n, char *err,
                     size_t err_size)
{
    if (s->proto == NET_SERVER_HTTP)
        return http_input(s, data, n) < 0
                   ? hs_errorf(err, err_size, "web server: out of memory")
                   : 0;
    if (imap_peer_input(&s->imap, data, n, err, err_size) < 0)
        return -1;
    return imap_collect(s, err, err_size);
}

static uint64_t pending(const NetServer *s)
{
    return (uint64_t)(s->out_len - s->out_off) + s->body_left;
}

/* Fills buf with up to n pending bytes: the head first, then the body. */
static size_t take(NetServer *s, uint8_t *buf, size_t n)
{
    size_t k = 0;
    while (k < n && s->out_off < s->out_len)
        buf[k++] = s->out[s->out_off++];
    while (k < n && s->body_left > 0) {
        buf[k++] = netpeer_web_body_byte(s->seed, s->body_pos++);
        s->body_left--;
    }
    if (s->out_off == s->out_len)
        s->out_off = s->out_len = 0;
    return k;
}

/* Sends as much as the client's window allows, in one burst cut at the
 * MSS. Returns the segments sent, or -1. */
static int push(NetServer *s, IpTcpFlow *f, IpSegmentFunc sink, void *ctx,
                char *err, size_t err_size)
{
    uint64_t room = ip_tcp_send_room(f, IP_TCP_SERVER);
    uint64_t want = pending(s);
    if (want == 0 || room == 0 || f->end[IP_TCP_SERVER].fin_sent)
        return 0;
    /* no silly windows: wait for a full segment unless the rest is less */
    if (room < f->cfg.mss_bytes && room < want)
        return 0;
    uint8_t buf[SEND_CHUNK];
    size_t n = take(s, buf, (size_t)(want < room ? want : room));
    int segs = ip_tcp_send(f, IP_TCP_SERVER, buf, n, sink, ctx, err, err_size);
    if (segs > 0)
        s->segments_out += (uint64_t)segs;
    return segs;
}

static int control(NetServer *s, IpTcpFlow *f, uint8_t flags,
                   IpSegmentFunc sink, void *ctx, char *err, size_t err_size)
{
    uint8_t buf[128];
    int n =
        ip_tcp_control(f, IP_TCP_SERVER, flags, buf, sizeof buf, err, err_size);
    if (n < 0)
        return -1;
    s->segments_out++;
    return sink(ctx, IP_TCP_SERVER, buf, (size_t)n) < 0 ? -1 : 0;
}

static bool pkt_is_syn(const uint8_t *pkt, size_t len)
{
    IpPacketView v;
    return ip_parse(pkt, len, &v, NULL, 0) == 0 &&
           (v.tcp_flags & IP_TCP_SYN) != 0;
}

int netpeer_segment(NetServer *s, IpTcpFlow *f, const uint8_t *pkt, size_t len,
                    IpSegmentFunc sink, void *ctx, char *err, size_t err_size)
{
    const uint8_t *data;
    size_t n;
    IpTcpEnd *e = &f->end[IP_TCP_SERVER];
    int rc =
        ip_tcp_receive(f, IP_TCP_SERVER, pkt, len, &data, &n, err, err_size);
    if (rc < 0)
        return -1;
    s->segments_in++;
    if (e->rtx_due &&
        ip_tcp_retransmit(f, IP_TCP_SERVER, sink, ctx, err, err_size) < 0)
        return -1;
    if (rc == IP_TCP_RX_DUP) {
        /* the client's SYN again: our SYN-ACK was lost, send it again;
         * any other duplicate or early segment: an ACK at once */
        if (pkt_is_syn(pkt, len))
            return ip_tcp_retransmit(f, IP_TCP_SERVER, sink, ctx, err,
                                     err_size) < 0
                       ? -1
                       : 0;
        return control(s, f, IP_TCP_ACK, sink, ctx, err, err_size);
    }
    if (e->rx_flags & IP_TCP_SYN)
        return control(s, f, IP_TCP_SYN, sink, ctx, err, err_size);
    if (n > 0 && app_input(s, data, n, err, err_size) < 0)
        return -1;
    if (s->proto == NET_SERVER_IMAP && imap_collect(s, err, err_size) < 0)
        return -1;
    int sent = push(s, f, sink, ctx, err, err_size);
    if (sent < 0)
        return -1;
    if (e->rx_flags & IP_TCP_FIN) {
        if (!f->end[IP_TCP_SERVER].fin_sent)
            return control(s, f, IP_TCP_FIN, sink, ctx, err, err_size);
        return control(s, f, IP_TCP_ACK, sink, ctx, err, err_size);
    }
    if (n > 0 && sent == 0)
        return control(s, f, IP_TCP_ACK, sink, ctx, err, err_size);
    return 0;
}
