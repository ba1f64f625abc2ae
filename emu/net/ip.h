/*
 * ip.h - IPv4, UDP and TCP packets as they cross the air interface.
 *
 * Builds and parses IPv4 packets (no options) carrying UDP or TCP with
 * correct header and transport checksums (RFC 791, 768, 793, 1071), and
 * models one TCP connection deterministically: initial sequence numbers
 * from a seeded stream, SYN / SYN-ACK / ACK, data cut at the MSS, ACKs
 * for exactly the bytes received, FIN in both directions. The caller
 * decides when each segment crosses the air (and whether it arrives) and
 * tells the flow when a side has received one.
 *
 * Loss. Each side keeps what it sent until it is acknowledged (its
 * retransmission queue) and what arrived ahead of a hole (out of order,
 * delivered once the hole is filled). A side retransmits:
 *   - on its retransmission timer (RFC 6298): SRTT/RTTVAR from RTT
 *     samples of segments sent once (Karn), RTO = SRTT + max(G, 4 RTTVAR)
 *     with G the 1 ms clock granularity of Linux's jiffies at HZ=1000,
 *     initial 1 s (RFC 6298 2.1), minimum IP_TCP_RTO_MIN (Linux's 200 ms
 *     TCP_RTO_MIN, include/net/tcp.h, rather than RFC 6298's 1 s: the
 *     phone's kernel is Linux), maximum IP_TCP_RTO_MAX, doubled on each
 *     expiry (RFC 6298 5.5); after IP_TCP_RETRIES the side gives up;
 *   - on the third duplicate ACK (fast retransmit, RFC 5681 3.2), then
 *     on each partial ACK of the recovery (NewReno, RFC 6582), so several
 *     holes of one window are filled one round trip each.
 * Congestion control (RFC 5681): initial window IP_TCP_INIT_CWND segments
 * (RFC 6928), slow start, congestion avoidance, ssthresh = max(FlightSize
 * / 2, 2 MSS) on loss, cwnd = ssthresh after a fast retransmit (no
 * window inflation) and 1 MSS after a timeout. ip_tcp_send_room gives
 * what the side may send now (the smaller of the peer's window and
 * cwnd); the flow does not hold data back itself. The flow has no clock
 * of its own: the caller sets f->clock before each call and arms a timer
 * at ip_tcp_rto_deadline. Addresses are host-order uint32_t
 * (IP_ADDR(192, 0, 2, 10)); wire bytes are network order.
 *
 * Address plan (baseband/README.md): documentation ranges of RFC 5737
 * only, so a capture can never be mistaken for real traffic.
 */
#ifndef HS_NET_IP_H
#define HS_NET_IP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/rng.h"
#include "sim/time.h"

#define IP_ADDR(a, b, c, d)                                                    \
    (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) |    \
     (uint32_t)(d))

/* The address plan. */
#define IP_PHONE_ADDR IP_ADDR(192, 0, 2, 10)     /* the phone's bearer */
#define IP_IMS_ADDR IP_ADDR(198, 51, 100, 10)    /* IMS core (P-CSCF) */
#define IP_CALLER_ADDR IP_ADDR(198, 51, 100, 20) /* the remote party */
#define IP_MAIL_ADDR IP_ADDR(203, 0, 113, 25)    /* IMAP server */
#define IP_WEB_ADDR IP_ADDR(203, 0, 113, 80)     /* web server */
#define IP_SIP_PORT 5060                         /* SIP over UDP */
#define IP_RTP_PORT_MIN 49152                    /* RTP: even ports */
#define IP_IMAP_PORT 143                         /* IMAP over TCP */
#define IP_PHONE_TCP_PORT_MIN 40000              /* phone's TCP ports */

#define IP_PROTO_TCP 6
#define IP_PROTO_UDP 17
#define IP_HEADER_BYTES 20
#define IP_UDP_HEADER_BYTES 8
#define IP_TCP_HEADER_BYTES 20
#define IP_MAX_PACKET_BYTES 65535
#define IP_DEFAULT_TTL 64

/* DSCP values (RFC 4594) the baseband marks its traffic with. */
#define IP_DSCP_DEFAULT 0
#define IP_DSCP_SIGNALLING 24 /* CS3 */
#define IP_DSCP_VOICE 46      /* EF */

/* TCP flags. */
#define IP_TCP_FIN 0x01
#define IP_TCP_SYN 0x02
#define IP_TCP_RST 0x04
#define IP_TCP_PSH 0x08
#define IP_TCP_ACK 0x10

/* One end of a UDP datagram or TCP segment. */
typedef struct IpEndpoint {
    uint32_t addr; /* host order */
    uint16_t port; /* host order */
} IpEndpoint;

/* A parsed packet: views into the caller's buffer, fields in host order. */
typedef struct IpPacketView {
    uint32_t src, dst;      /* addresses */
    uint8_t protocol;       /* IP_PROTO_UDP or IP_PROTO_TCP */
    uint8_t ttl;            /* time to live */
    uint8_t dscp;           /* differentiated services code point */
    uint16_t id;            /* identification */
    uint16_t src_port;      /* transport source port */
    uint16_t dst_port;      /* transport destination port */
    uint32_t seq, ack;      /* TCP only */
    uint8_t tcp_flags;      /* TCP only */
    uint16_t window;        /* TCP only, unscaled */
    uint16_t mss_bytes;     /* TCP MSS option, 0 if absent */
    const uint8_t *payload; /* transport payload */
    size_t payload_bytes;   /* its length */
} IpPacketView;

/*
 * The Internet checksum (RFC 1071) of len bytes, folded and complemented,
 * ready to store in network order. sum is a running sum from
 * ip_checksum_partial (0 to start).
 */
uint32_t ip_checksum_partial(uint32_t sum, const uint8_t *data, size_t len);
uint16_t ip_checksum_finish(uint32_t sum);

/*
 * Builds an IPv4 packet carrying a UDP datagram into buf (cap bytes).
 * id is the IPv4 identification (the sender keeps a counter); dscp one of
 * the IP_DSCP_ values. Returns the packet length, or -1 with a reason in
 * err if it does not fit in cap or in IP_MAX_PACKET_BYTES.
 */
int ip_build_udp(uint8_t *buf, size_t cap, IpEndpoint src, IpEndpoint dst,
                 uint16_t id, uint8_t dscp, const uint8_t *payload,
                 size_t payload_bytes, char *err, size_t err_size);

/* Fields of a TCP segment for ip_build_tcp. */
typedef struct IpTcpHeader {
    IpEndpoint src, dst; /* ends */
    uint32_t seq, ack;   /* sequence and acknowledgement numbers */
    uint8_t flags;       /* IP_TCP_ */
    uint16_t window;     /* advertised window, unscaled */
    uint16_t mss_bytes;  /* MSS option when non-zero (SYN segments) */
    uint16_t id;         /* IPv4 identification */
    uint8_t dscp;        /* IP_DSCP_ */
} IpTcpHeader;

/* Builds an IPv4 packet carrying one TCP segment; same contract as
 * ip_build_udp. */
int ip_build_tcp(uint8_t *buf, size_t cap, const IpTcpHeader *h,
                 const uint8_t *payload, size_t payload_bytes, char *err,
                 size_t err_size);

/*
 * Parses and verifies an IPv4 packet of len bytes: version, header
 * length, total length equal to len, not fragmented, header checksum,
 * UDP or TCP with a correct checksum (a UDP checksum of 0, "none" in
 * IPv4, is accepted). Fills *v (views into pkt). Returns
 * 0, or -1 with a reason in err.
 */
int ip_parse(const uint8_t *pkt, size_t len, IpPacketView *v, char *err,
             size_t err_size);

/* ---- TCP flow model -------------------------------------------------- */

typedef enum IpTcpSide {
    IP_TCP_CLIENT = 0, /* opens the connection (the phone) */
    IP_TCP_SERVER = 1, /* accepts it (a peer model) */
} IpTcpSide;

typedef struct IpTcpConfig {
    IpEndpoint client, server; /* the two ends */
    uint16_t mss_bytes;        /* both sides' MSS, 1 .. 65495 */
    uint16_t window_bytes;     /* advertised receive window, > 0 */
    uint8_t dscp;              /* IP_DSCP_ for every segment */
} IpTcpConfig;

/* Retransmission and congestion control constants (see the top). */
#define IP_TCP_RTO_INIT (1 * HS_S)   /* RFC 6298 2.1 */
#define IP_TCP_RTO_MIN (200 * HS_MS) /* Linux TCP_RTO_MIN (HZ/5) */
#define IP_TCP_RTO_MAX (120 * HS_S)  /* Linux TCP_RTO_MAX; RFC 6298 2.5 */
#define IP_TCP_RTO_GRANULARITY HS_MS /* G: a jiffy at HZ=1000 */
#define IP_TCP_RETRIES 15            /* Linux net.ipv4.tcp_retries2 */
#define IP_TCP_DUPACK_THRESHOLD 3    /* RFC 5681 3.2 */
#define IP_TCP_INIT_CWND 10          /* segments, RFC 6928 */

/* ip_tcp_receive's results besides -1. */
#define IP_TCP_RX_OK 0  /* in order: new bytes (maybe none) delivered */
#define IP_TCP_RX_DUP 1 /* a duplicate or out of order: ACK at once */

/* A segment a side sent and the peer has not acknowledged, or one that
 * arrived out of order. */
typedef struct IpTcpSeg {
    uint32_t seq;       /* its first sequence number */
    uint8_t flags;      /* IP_TCP_SYN, IP_TCP_FIN, IP_TCP_PSH */
    uint32_t len;       /* payload bytes */
    uint8_t *data;      /* payload (owned) */
    hs_time sent_at;    /* clock when first sent */
    bool retransmitted; /* sent more than once: no RTT sample (Karn) */
} IpTcpSeg;

/* A growable list of segments, oldest (lowest sequence) first. */
typedef struct IpTcpSegs {
    IpTcpSeg *seg;
    size_t n, cap;
} IpTcpSegs;

/* Per-side state: what it has sent and received. */
typedef struct IpTcpEnd {
    uint32_t isn;      /* initial sequence number */
    uint32_t snd_nxt;  /* next sequence number to send */
    uint32_t snd_una;  /* oldest byte not acknowledged by the peer */
    uint32_t rcv_nxt;  /* next sequence number expected from the peer */
    uint16_t ip_id;    /* next IPv4 identification */
    bool syn_sent;     /* its SYN is out */
    bool syn_received; /* the peer's SYN has arrived */
    bool fin_sent;     /* its FIN is out: no more data */
    bool fin_received; /* the peer's FIN has arrived */
    uint64_t bytes_sent, bytes_received; /* payload bytes */
    /* sender: retransmission and congestion control */
    IpTcpSegs rtx;        /* sent, not yet acknowledged */
    hs_time srtt, rttvar; /* RFC 6298 estimators (valid after a sample) */
    hs_time rto;          /* current timeout, backed off */
    bool rtt_valid;       /* a sample has been taken */
    hs_time rto_at;       /* timer deadline, 0 when stopped */
    unsigned backoff;     /* expiries since the last new ACK */
    unsigned dupacks;     /* duplicate ACKs in a row */
    uint32_t cwnd;        /* congestion window, bytes */
    uint32_t ssthresh;    /* slow-start threshold, bytes */
    bool recovering;      /* in loss recovery (RFC 6582) */
    uint32_t recover;     /* snd_nxt when recovery began */
    bool rtx_due;         /* a fast / NewReno retransmission is due */
    uint64_t retransmits; /* segments sent again (all causes) */
    uint64_t fast_retransmits, timeouts; /* of which: causes */
    /* receiver */
    IpTcpSegs ooo;       /* arrived beyond a hole */
    uint8_t *ready;      /* in-order bytes the last receive delivered */
    size_t ready_cap;    /* its capacity */
    uint8_t rx_flags;    /* SYN, FIN, PSH of the segments delivered */
    bool ack_now;        /* the last receive filled (part of) a hole */
    uint64_t duplicates; /* segments received again or out of order */
} IpTcpEnd;

typedef struct IpTcpFlow {
    IpTcpConfig cfg; /* copied at init */
    IpTcpEnd end[2]; /* indexed by IpTcpSide */
    hs_time clock;   /* the caller's time, set before each call */
} IpTcpFlow;

/* Receives each segment a flow builds, in order. Returns 0, or -1 to stop
 * (the error is passed back to the caller). */
typedef int (*IpSegmentFunc)(void *ctx, IpTcpSide from, const uint8_t *pkt,
                             size_t len);

/* Starts a closed flow; initial sequence numbers and IPv4 ids are drawn
 * from rng. Returns 0, or -1 with a reason if cfg is invalid. A flow that
 * sent or received anything holds memory: ip_tcp_free it. */
int ip_tcp_init(IpTcpFlow *f, const IpTcpConfig *cfg, SimRng *rng, char *err,
                size_t err_size);
/* Frees the flow's queues (the flow itself is the caller's). */
void ip_tcp_free(IpTcpFlow *f);

/*
 * Builds the next control segment of side: a SYN (client, first), a
 * SYN-ACK (server, after the client's SYN arrived), a pure ACK of all
 * bytes received, or a FIN-ACK (flags IP_TCP_FIN). flags is one of
 * IP_TCP_SYN, IP_TCP_ACK, IP_TCP_FIN; the ACK flag is added whenever the
 * peer's SYN has arrived. Returns the packet length written to buf, or -1
 * with a reason if the flow's state does not allow it.
 */
int ip_tcp_control(IpTcpFlow *f, IpTcpSide side, uint8_t flags, uint8_t *buf,
                   size_t cap, char *err, size_t err_size);

/*
 * Sends len payload bytes from side, cut into segments of at most the
 * MSS, PSH on the last, each acknowledging everything side has received;
 * calls sink once per segment. The connection must be established (side
 * has sent its SYN and received the peer's) and side must not have sent
 * its FIN. Returns the number of segments, or -1 with a reason. If the
 * sink refuses a segment, the segments built so far (that one included)
 * count as sent: the flow is then out of step and should be dropped.
 */
int ip_tcp_send(IpTcpFlow *f, IpTcpSide side, const uint8_t *data, size_t len,
                IpSegmentFunc sink, void *ctx, char *err, size_t err_size);

/*
 * Delivers a segment built by the other side to side: verifies it
 * (checksums, ports, acknowledgement not beyond what side has sent),
 * takes its ACK (RTT sample, retransmission queue, congestion window,
 * duplicate-ACK count) and its data. Returns IP_TCP_RX_OK when the
 * segment was in order (or carries no sequence space): *payload /
 * *payload_bytes then point at the bytes now delivered in order (with
 * what it released from the out-of-order queue; valid until the next
 * call), end[side].rx_flags holds their SYN/FIN/PSH and end[side].ack_now
 * says a hole was filled (ACK at once, RFC 5681 4.2). Returns
 * IP_TCP_RX_DUP for a segment received before or beyond a hole (kept):
 * nothing is delivered and the side should ACK at once. -1 with a reason
 * for a segment that cannot belong to the connection.
 */
int ip_tcp_receive(IpTcpFlow *f, IpTcpSide side, const uint8_t *pkt, size_t len,
                   const uint8_t **payload, size_t *payload_bytes, char *err,
                   size_t err_size);

/* Bytes side may send now: the smaller of the peer's window and the
 * congestion window, less what is in flight (0 when none). */
uint32_t ip_tcp_send_room(const IpTcpFlow *f, IpTcpSide side);

/* Sends the oldest unacknowledged segment of side again (rebuilt with
 * the current ACK and a new IPv4 id) through sink. Returns 1 if one was
 * sent, 0 if nothing is outstanding, -1 with a reason. Clears rtx_due. */
int ip_tcp_retransmit(IpTcpFlow *f, IpTcpSide side, IpSegmentFunc sink,
                      void *ctx, char *err, size_t err_size);

/* side's retransmission timer expired (the caller's timer at
 * end[side].rto_at): backs the timer off, shrinks the congestion window
 * and retransmits the oldest segment. Returns 1 if it retransmitted, 0 if
 * nothing was outstanding, -1 with a reason, or -2 after IP_TCP_RETRIES
 * expiries in a row (the side gives up: the connection is dead). */
int ip_tcp_timeout(IpTcpFlow *f, IpTcpSide side, IpSegmentFunc sink, void *ctx,
                   char *err, size_t err_size);

/* Sequence space side has sent that the peer has not yet acknowledged
 * (payload bytes, plus one for an unacknowledged SYN or FIN). */
uint32_t ip_tcp_in_flight(const IpTcpFlow *f, IpTcpSide side);

/* True when both FINs have been sent and received. */
bool ip_tcp_closed(const IpTcpFlow *f);

/* Formats addr as dotted quad into buf (at least 16 bytes). */
const char *ip_addr_str(uint32_t addr, char *buf, size_t size);

#endif /* HS_NET_IP_H */
