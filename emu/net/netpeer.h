/*
 * netpeer.h - the servers behind the data bearer: the server end of one
 * TCP connection to a scenario's mail-server (IMAP4rev1, imap_peer.h) or
 * web-server (HTTP/1.1) peer.
 *
 * The connection is the TCP flow model of net/ip.h, shared with the
 * phone's kernel (the model keeps both ends' sequence state). Each
 * segment that reaches the server goes through netpeer_segment: it is
 * taken in as the SERVER side, a SYN is answered with SYN-ACK, data is
 * fed to the protocol, a FIN is answered with the server's own. What the
 * protocol has to say is sent as the client's receive window and the
 * server's congestion window allow (ip_tcp_send_room: no more than that
 * is ever on the way and an ACK releases the next data), with a pure ACK
 * when data arrived and nothing else went out. Loss (ip.h): a duplicate
 * or out-of-order segment is answered with an ACK at once, the client's
 * SYN again with the SYN-ACK again, and the retransmission the client's
 * ACKs call for (fast retransmit, NewReno) goes first; the server's
 * retransmission timer is the caller's (ip_tcp_timeout).
 *
 * HTTP: one request per connection, "GET /doc/N" answers 200 with N
 * bytes (application/octet-stream), generated on the fly from the seed
 * (netpeer_web_body_byte), so a 4 GiB document costs no memory; any other
 * request gets 404. A request longer than NET_HTTP_MAX_REQUEST is 400.
 */
#ifndef HS_NET_NETPEER_H
#define HS_NET_NETPEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/imap_peer.h"
#include "net/ip.h"

#define NET_HTTP_PORT 80
#define NET_HTTP_MAX_REQUEST 1024

typedef enum NetServerProto {
    NET_SERVER_IMAP = 0, /* a mail-server peer */
    NET_SERVER_HTTP,     /* a web-server peer */
} NetServerProto;

typedef struct NetServer {
    NetServerProto proto;
    uint64_t seed;                      /* content seed */
    ImapPeer imap;                      /* IMAP session */
    char req[NET_HTTP_MAX_REQUEST + 1]; /* HTTP request so far */
    size_t req_len;                     /* its length */
    bool answered;                      /* HTTP response queued */
    uint8_t *out;                       /* response head not yet sent */
    size_t out_len, out_off, out_cap;   /* fill, sent, capacity */
    uint64_t body_left, body_pos;       /* HTTP body still to send */
    uint64_t segments_in, segments_out; /* counters */
} NetServer;

/* Starts a server; imap (never NULL) configures NET_SERVER_IMAP. Returns 0, or
 * -1 with a reason. */
int netpeer_init(NetServer *s, NetServerProto proto, const ImapPeerConfig *imap,
                 uint64_t seed, char *err, size_t err_size);
void netpeer_free(NetServer *s);

/* A segment from the client reached the server: processes it and sends
 * (through sink, in order) what the protocol and window allow. Returns
 * 0, or -1 with a reason (a refused segment, no memory). */
int netpeer_segment(NetServer *s, IpTcpFlow *flow, const uint8_t *pkt,
                    size_t len, IpSegmentFunc sink, void *ctx, char *err,
                    size_t err_size);

/* Byte i of a web document generated from seed. */
uint8_t netpeer_web_body_byte(uint64_t seed, uint64_t i);

#endif /* HS_NET_NETPEER_H */
