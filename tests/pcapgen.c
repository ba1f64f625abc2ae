/*
 * pcapgen.c - writes the captures tests/e2e/pcap.sh checks with tshark:
 * an incoming VoLTE call (SIP + RTP over UDP) or a mail sync (IMAP over
 * the TCP flow model), built from the baseband packet modules and
 * stamped with simulated times. Prints each packet's time ("s.ns") on
 * stdout so the script can compare them with what tshark reads back.
 *
 * Usage: pcapgen call|imap OUT.pcap [SEED [DROP]]
 *   DROP: leave out the DROP-th packet (1-based) to prove that tshark's
 *   TCP analysis notices a gap.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/imap_peer.h"
#include "net/ip.h"
#include "net/rtp.h"
#include "net/sip.h"
#include "out/pcap.h"

typedef struct Gen {
    PcapWriter *w;
    SimRng rng;          /* jitter and payload bytes */
    unsigned long count; /* packets offered */
    unsigned long drop;  /* packet to leave out, 0 for none */
    hs_time now;         /* time of the next packet */
    char err[256];
} Gen;

static int emit(Gen *g, const uint8_t *pkt, size_t len)
{
    g->count++;
    if (g->count == g->drop)
        return 0;
    if (pcap_writer_write(g->w, g->now, pkt, len, g->err, sizeof g->err) < 0)
        return -1;
    printf("%llu.%09llu\n", (unsigned long long)(g->now / HS_S),
           (unsigned long long)(g->now % HS_S / HS_NS));
    return 0;
}

static int udp(Gen *g, IpEndpoint src, IpEndpoint dst, uint16_t *id,
               uint8_t dscp, const void *data, size_t len)
{
    uint8_t pkt[2048];
    int n = ip_build_udp(pkt, sizeof pkt, src, dst, (*id)++, dscp, data, len,
                         g->err, sizeof g->err);
    return n < 0 ? -1 : emit(g, pkt, (size_t)n);
}

static int sip(Gen *g, SipCall *c, SipMsg m, SipSide from, uint16_t ids[2])
{
    char text[SIP_MAX_MESSAGE_BYTES];
    int n = sip_build(c, m, from, text, sizeof text, g->err, sizeof g->err);
    if (n < 0)
        return -1;
    return udp(g, c->party[from].sip, c->party[!from].sip, &ids[from],
               IP_DSCP_SIGNALLING, text, (size_t)n);
}

/* An incoming call: the IMS core (caller side) invites the phone. */
static int gen_call(Gen *g, uint64_t seed)
{
    SimRng call_rng, up_rng, down_rng;
    sim_rng_init(&call_rng, seed, "sip-call");
    sim_rng_init(&up_rng, seed, "rtp-uplink");
    sim_rng_init(&down_rng, seed, "rtp-downlink");
    SipCallConfig cfg = {
        .caller = {"+15555550100",
                   "ims.example.net",
                   {IP_IMS_ADDR, IP_SIP_PORT},
                   {IP_CALLER_ADDR, 50000}},
        .callee = {"+15555550123",
                   "ims.example.net",
                   {IP_PHONE_ADDR, IP_SIP_PORT},
                   {IP_PHONE_ADDR, 49152}},
        .offer_amr_wb = true,
    };
    SipCall c;
    if (sip_call_init(&c, &cfg, &call_rng, g->err, sizeof g->err) < 0)
        return -1;
    uint16_t ids[2] = {0x1000, 0x2000};
    g->now = 1 * HS_S;
    if (sip(g, &c, SIP_INVITE, SIP_CALLER, ids) < 0)
        return -1;
    g->now += 2 * HS_MS;
    if (sip(g, &c, SIP_100_TRYING, SIP_CALLEE, ids) < 0)
        return -1;
    g->now += 30 * HS_MS;
    if (sip(g, &c, SIP_180_RINGING, SIP_CALLEE, ids) < 0)
        return -1;
    g->now += 3 * HS_S;
    if (sip(g, &c, SIP_200_INVITE, SIP_CALLEE, ids) < 0)
        return -1;
    g->now += 40 * HS_MS;
    if (sip(g, &c, SIP_ACK, SIP_CALLER, ids) < 0)
        return -1;

    /* 2 s of media both ways, one G.722 frame each 20 ms; the downlink
     * arrives with a seeded delay of 5..15 ms after its slot. */
    RtpStream up, down;
    if (rtp_stream_init(&up, &up_rng, RTP_PT_G722, RTP_G722_CLOCK_HZ, g->err,
                        sizeof g->err) < 0 ||
        rtp_stream_init(&down, &down_rng, RTP_PT_G722, RTP_G722_CLOCK_HZ,
                        g->err, sizeof g->err) < 0)
        return -1;
    hs_time start = g->now + 10 * HS_MS;
    uint16_t media_ids[2] = {0x3000, 0x4000};
    for (int k = 0; k < 100; k++) {
        /* Payload: a frame's worth of seeded test bytes (any byte string
         * is a valid G.722 frame). */
        uint8_t frame[RTP_G722_FRAME_BYTES], pkt[256];
        for (size_t i = 0; i < sizeof frame; i++)
            frame[i] = (uint8_t)sim_rng_u64(&g->rng);
        int n = rtp_build(&up, frame, sizeof frame, RTP_FRAME_PS, pkt,
                          sizeof pkt, g->err, sizeof g->err);
        g->now = start + (hs_time)k * RTP_FRAME_PS;
        if (n < 0 || udp(g, c.party[SIP_CALLEE].rtp, c.party[SIP_CALLER].rtp,
                         &media_ids[0], IP_DSCP_VOICE, pkt, (size_t)n) < 0)
            return -1;
        n = rtp_build(&down, frame, sizeof frame, RTP_FRAME_PS, pkt, sizeof pkt,
                      g->err, sizeof g->err);
        g->now +=
            5 * HS_MS + sim_rng_below(&g->rng, 10 * HS_MS / HS_US) * HS_US;
        if (n < 0 || udp(g, c.party[SIP_CALLER].rtp, c.party[SIP_CALLEE].rtp,
                         &media_ids[1], IP_DSCP_VOICE, pkt, (size_t)n) < 0)
            return -1;
    }
    g->now = start + 100 * RTP_FRAME_PS;
    if (sip(g, &c, SIP_BYE, SIP_CALLEE, ids) < 0)
        return -1;
    g->now += 45 * HS_MS;
    return sip(g, &c, SIP_200_BYE, SIP_CALLER, ids);
}

/* ---- mail sync ---------------------------------------------------------- */

typedef struct Mail {
    Gen *g;
    IpTcpFlow flow;
    ImapPeer peer;
    hs_time rtt_ps, segment_ps; /* round trip; downlink time per segment */
    unsigned unacked;           /* client segments received since an ACK */
} Mail;

/* Segments from the phone are captured when sent; segments from the
 * server when they arrive (the capture sits at the phone's radio). */
static int deliver(Mail *m, IpTcpSide to, const uint8_t *pkt, size_t len,
                   const uint8_t **data, size_t *n)
{
    if (emit(m->g, pkt, len) < 0)
        return -1;
    return ip_tcp_receive(&m->flow, to, pkt, len, data, n, m->g->err,
                          sizeof m->g->err);
}

static int control(Mail *m, IpTcpSide side, uint8_t flags)
{
    uint8_t pkt[128];
    int n = ip_tcp_control(&m->flow, side, flags, pkt, sizeof pkt, m->g->err,
                           sizeof m->g->err);
    return n < 0 ? -1 : deliver(m, !side, pkt, (size_t)n, NULL, NULL);
}

static int server_segment(void *ctx, IpTcpSide from, const uint8_t *pkt,
                          size_t len)
{
    (void)from;
    Mail *m = ctx;
    m->g->now += m->segment_ps;
    const uint8_t *data;
    size_t n;
    if (deliver(m, IP_TCP_CLIENT, pkt, len, &data, &n) < 0)
        return -1;
    /* The phone acknowledges every second full segment at once. */
    if (++m->unacked == 2) {
        m->unacked = 0;
        m->g->now += 50 * HS_US;
        return control(m, IP_TCP_CLIENT, IP_TCP_ACK);
    }
    return 0;
}

static int client_segment(void *ctx, IpTcpSide from, const uint8_t *pkt,
                          size_t len)
{
    (void)from;
    Mail *m = ctx;
    const uint8_t *data;
    size_t n;
    if (deliver(m, IP_TCP_SERVER, pkt, len, &data, &n) < 0)
        return -1;
    return imap_peer_input(&m->peer, data, n, m->g->err, sizeof m->g->err);
}

/* The server's queued response reaches the phone one round trip after
 * the request left it. */
static int server_reply(Mail *m)
{
    size_t n;
    const uint8_t *out = imap_peer_output(&m->peer, &n);
    if (n == 0)
        return 0;
    m->g->now += m->rtt_ps - m->segment_ps;
    m->unacked = 0;
    int rc = ip_tcp_send(&m->flow, IP_TCP_SERVER, out, n, server_segment, m,
                         m->g->err, sizeof m->g->err);
    imap_peer_take(&m->peer, n);
    return rc < 0 ? -1 : 0;
}

static int client_command(Mail *m, const char *line)
{
    m->g->now += 2 * HS_MS; /* the mail app's think time */
    m->unacked = 0;
    if (ip_tcp_send(&m->flow, IP_TCP_CLIENT, (const uint8_t *)line,
                    strlen(line), client_segment, m, m->g->err,
                    sizeof m->g->err) < 0)
        return -1;
    return server_reply(m);
}

static int gen_imap(Gen *g, uint64_t seed)
{
    static const uint32_t sizes[] = {1800, 24000, 6000};
    ImapPeerConfig pc = {seed, "user", "secret", 3, sizes, NULL};
    Mail m = {.g = g, .rtt_ps = 60 * HS_MS, .segment_ps = 560 * HS_US};
    if (imap_peer_init(&m.peer, &pc, g->err, sizeof g->err) < 0)
        return -1;
    SimRng flow_rng;
    sim_rng_init(&flow_rng, seed, "tcp-imap");
    IpTcpConfig tc = {{IP_PHONE_ADDR, IP_PHONE_TCP_PORT_MIN + 1},
                      {IP_MAIL_ADDR, IP_IMAP_PORT},
                      1400,
                      65535,
                      IP_DSCP_DEFAULT};
    int rc = -1;
    if (ip_tcp_init(&m.flow, &tc, &flow_rng, g->err, sizeof g->err) < 0)
        goto out;
    g->now = 2 * HS_S;
    if (control(&m, IP_TCP_CLIENT, IP_TCP_SYN) < 0)
        goto out;
    g->now += m.rtt_ps;
    if (control(&m, IP_TCP_SERVER, IP_TCP_SYN) < 0)
        goto out;
    g->now += 100 * HS_US;
    if (control(&m, IP_TCP_CLIENT, IP_TCP_ACK) < 0 || server_reply(&m) < 0)
        goto out;
    static const char *const script[] = {
        "a001 CAPABILITY\r\n",
        "a002 LOGIN user secret\r\n",
        "a003 SELECT INBOX\r\n",
        "a004 FETCH 1:3 (UID RFC822.SIZE BODY.PEEK[])\r\n",
        "a005 LOGOUT\r\n",
    };
    for (size_t i = 0; i < sizeof script / sizeof script[0]; i++)
        if (client_command(&m, script[i]) < 0)
            goto out;
    /* The server closes after LOGOUT; the phone answers with its FIN
     * and the server acknowledges it. */
    g->now += 1 * HS_MS;
    if (control(&m, IP_TCP_SERVER, IP_TCP_FIN) < 0)
        goto out;
    g->now += 200 * HS_US;
    if (control(&m, IP_TCP_CLIENT, IP_TCP_FIN) < 0)
        goto out;
    g->now += m.rtt_ps;
    if (control(&m, IP_TCP_SERVER, IP_TCP_ACK) < 0)
        goto out;
    rc = ip_tcp_closed(&m.flow) ? 0 : -1;
    if (rc < 0)
        snprintf(g->err, sizeof g->err, "TCP flow did not close");
out:
    imap_peer_free(&m.peer);
    ip_tcp_free(&m.flow);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 5 ||
        (strcmp(argv[1], "call") != 0 && strcmp(argv[1], "imap") != 0)) {
        fprintf(stderr, "usage: pcapgen call|imap OUT.pcap [SEED [DROP]]\n");
        return 2;
    }
    uint64_t seed = argc > 3 ? strtoull(argv[3], NULL, 10) : 1;
    Gen g = {0};
    g.drop = argc > 4 ? strtoul(argv[4], NULL, 10) : 0;
    sim_rng_init(&g.rng, seed, "pcapgen");
    g.w = pcap_writer_open(argv[2], PCAP_WRITER_ATOMIC, g.err, sizeof g.err);
    if (g.w == NULL) {
        fprintf(stderr, "pcapgen: %s\n", g.err);
        return 1;
    }
    int rc =
        strcmp(argv[1], "call") == 0 ? gen_call(&g, seed) : gen_imap(&g, seed);
    if (rc < 0) {
        fprintf(stderr, "pcapgen: %s\n", g.err);
        pcap_writer_abort(g.w);
        return 1;
    }
    if (pcap_writer_close(g.w, g.err, sizeof g.err) < 0) {
        fprintf(stderr, "pcapgen: %s\n", g.err);
        return 1;
    }
    return 0;
}
