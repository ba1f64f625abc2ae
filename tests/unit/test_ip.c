/*
 * test_ip.c - IPv4/UDP/TCP packets: checksums against known values and an
 * independent recomputation, round trips, corruption and bad input, and
 * the TCP flow model's sequence numbers.
 */
#include "harness.h"

#include <string.h>

#include "net/ip.h"

/* Reference checksum: a plain 64-bit sum of 16-bit words, folded at the
 * end (RFC 1071 section 4.1 done the slow way). */
static uint16_t ref_checksum(const uint8_t *a, size_t n, const uint8_t *b,
                             size_t m)
{
    uint64_t sum = 0;
    uint8_t all[70000];
    if (n > 0)
        memcpy(all, a, n);
    if (m > 0)
        memcpy(all + n, b, m);
    size_t len = n + m;
    if (len % 2)
        all[len++] = 0;
    for (size_t i = 0; i < len; i += 2)
        sum += (uint64_t)(all[i] << 8 | all[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

static void test_checksum_known_values(void **state)
{
    (void)state;
    /* RFC 1071 section 3 example: the sum is 0xddf2. */
    const uint8_t rfc[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    assert_int_equal(ip_checksum_finish(ip_checksum_partial(0, rfc, 8)),
                     (uint16_t)~0xddf2);
    /* A classic IPv4 header whose checksum is 0xb861. */
    const uint8_t hdr[] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40,
                           0x00, 0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8,
                           0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
    assert_int_equal(ip_checksum_finish(ip_checksum_partial(0, hdr, 20)),
                     0xb861);
    /* Odd length: the last byte is padded with zero. */
    const uint8_t odd[] = {0x12, 0x34, 0x56};
    assert_int_equal(ip_checksum_finish(ip_checksum_partial(0, odd, 3)),
                     (uint16_t) ~(0x1234 + 0x5600));
}

/* ref_checksum with a running sum carried in. */
static uint16_t ref_from(uint32_t start, const uint8_t *d, size_t len)
{
    uint64_t sum = start;
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)(d[i] << 8 | d[i + 1]);
    if (len & 1)
        sum += (uint32_t)d[len - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

/* Every length 0..300 and offset, zero and 0xff runs, chained sums. */
static void test_checksum_against_reference(void **state)
{
    (void)state;
    uint8_t buf[304];
    uint64_t x = 99;
    for (int fill = 0; fill < 3; fill++) {
        for (size_t i = 0; i < sizeof buf; i++) {
            x = x * 6364136223846793005u + 1442695040888963407u;
            buf[i] = fill == 0 ? 0 : fill == 1 ? 0xff : (uint8_t)(x >> 56);
        }
        for (size_t off = 0; off < 4; off++)
            for (size_t len = 0; len <= 300; len++) {
                const uint8_t *d = buf + off;
                assert_int_equal(
                    ip_checksum_finish(ip_checksum_partial(0, d, len)),
                    ref_from(0, d, len));
                /* a running sum carried in, as the pseudo-header's */
                uint32_t start = ip_checksum_partial(0, buf, 12);
                assert_int_equal(
                    ip_checksum_finish(ip_checksum_partial(start, d, len)),
                    ref_from(start, d, len));
            }
    }
}

static void test_udp_round_trip_and_recomputed_checksums(void **state)
{
    (void)state;
    uint8_t payload[333], pkt[512];
    for (size_t i = 0; i < sizeof payload; i++)
        payload[i] = (uint8_t)(i * 7 + 3);
    IpEndpoint src = {IP_PHONE_ADDR, 5060}, dst = {IP_IMS_ADDR, 5060};
    char err[128];
    int n = ip_build_udp(pkt, sizeof pkt, src, dst, 0x1234, IP_DSCP_SIGNALLING,
                         payload, sizeof payload, err, sizeof err);
    assert_int_equal(n, 20 + 8 + 333);
    /* Header checksum by the reference. */
    uint8_t h[20];
    memcpy(h, pkt, 20);
    h[10] = h[11] = 0;
    assert_int_equal(ref_checksum(h, 20, NULL, 0), pkt[10] << 8 | pkt[11]);
    /* UDP checksum over pseudo-header + datagram with its field zeroed. */
    uint8_t ph[12] = {192, 0, 2, 10, 198, 51, 100, 10, 0, 17, 0, 0};
    ph[10] = (uint8_t)((n - 20) >> 8);
    ph[11] = (uint8_t)(n - 20);
    uint8_t u[400];
    memcpy(u, pkt + 20, (size_t)n - 20);
    u[6] = u[7] = 0;
    assert_int_equal(ref_checksum(ph, 12, u, (size_t)n - 20),
                     pkt[26] << 8 | pkt[27]);

    IpPacketView v;
    assert_int_equal(ip_parse(pkt, (size_t)n, &v, err, sizeof err), 0);
    assert_int_equal(v.src, IP_PHONE_ADDR);
    assert_int_equal(v.dst, IP_IMS_ADDR);
    assert_int_equal(v.protocol, IP_PROTO_UDP);
    assert_int_equal(v.dscp, IP_DSCP_SIGNALLING);
    assert_int_equal(v.id, 0x1234);
    assert_int_equal(v.ttl, IP_DEFAULT_TTL);
    assert_int_equal(v.payload_bytes, sizeof payload);
    assert_memory_equal(v.payload, payload, sizeof payload);
}

static void test_any_flipped_bit_is_caught(void **state)
{
    (void)state;
    uint8_t pkt[128];
    const char *msg = "hello, network";
    int n = ip_build_udp(pkt, sizeof pkt, (IpEndpoint){IP_PHONE_ADDR, 49152},
                         (IpEndpoint){IP_CALLER_ADDR, 50000}, 1, 0,
                         (const uint8_t *)msg, strlen(msg), NULL, 0);
    assert_true(n > 0);
    IpPacketView v;
    for (int i = 0; i < n; i++) {
        for (int bit = 0; bit < 8; bit++) {
            pkt[i] ^= (uint8_t)(1 << bit);
            char err[128] = "";
            assert_int_equal(ip_parse(pkt, (size_t)n, &v, err, sizeof err), -1);
            assert_true(err[0] != '\0');
            pkt[i] ^= (uint8_t)(1 << bit);
        }
    }
    assert_int_equal(ip_parse(pkt, (size_t)n, &v, NULL, 0), 0);
}

static void test_bad_input(void **state)
{
    (void)state;
    static uint8_t big[70000], pkt[70000];
    char err[128];
    IpEndpoint a = {IP_PHONE_ADDR, 1}, b = {IP_MAIL_ADDR, 2};
    assert_int_equal(ip_build_udp(pkt, sizeof pkt, a, b, 0, 0, big, 65535 - 27,
                                  err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "does not fit"));
    assert_int_equal(
        ip_build_udp(pkt, 40, a, b, 0, 0, big, 100, err, sizeof err), -1);
    assert_int_equal(
        ip_build_udp(pkt, sizeof pkt, a, b, 0, 64, big, 1, err, sizeof err),
        -1);
    /* The largest datagram fits exactly. */
    assert_int_equal(ip_build_udp(pkt, sizeof pkt, a, b, 0, 0, big, 65535 - 28,
                                  err, sizeof err),
                     65535);
    IpPacketView v;
    assert_int_equal(ip_parse(pkt, 19, &v, err, sizeof err), -1);
    assert_int_equal(ip_parse(pkt, 65534, &v, err, sizeof err), -1);
    assert_non_null(strstr(err, "total length"));
}

static IpTcpConfig tcp_cfg(void)
{
    IpTcpConfig c = {{IP_PHONE_ADDR, IP_PHONE_TCP_PORT_MIN},
                     {IP_MAIL_ADDR, IP_IMAP_PORT},
                     1400,
                     65535,
                     IP_DSCP_DEFAULT};
    return c;
}

typedef struct Seg {
    uint8_t pkt[1500];
    size_t len;
} Seg;

typedef struct Sink {
    Seg seg[16];
    int n;
} Sink;

static int collect(void *ctx, IpTcpSide from, const uint8_t *pkt, size_t len)
{
    (void)from;
    Sink *s = ctx;
    if (s->n == 16)
        return -1;
    memcpy(s->seg[s->n].pkt, pkt, len);
    s->seg[s->n++].len = len;
    return 0;
}

static void handshake(IpTcpFlow *f)
{
    uint8_t pkt[128];
    char err[128];
    int n = ip_tcp_control(f, IP_TCP_CLIENT, IP_TCP_SYN, pkt, sizeof pkt, err,
                           sizeof err);
    assert_int_equal(n, 44); /* 20 + 20 + MSS option */
    IpPacketView v;
    assert_int_equal(ip_parse(pkt, (size_t)n, &v, NULL, 0), 0);
    assert_int_equal(v.tcp_flags, IP_TCP_SYN);
    assert_int_equal(v.mss_bytes, 1400);
    assert_int_equal(v.seq, f->end[IP_TCP_CLIENT].isn);
    assert_int_equal(ip_tcp_receive(f, IP_TCP_SERVER, pkt, (size_t)n, NULL,
                                    NULL, err, sizeof err),
                     0);
    n = ip_tcp_control(f, IP_TCP_SERVER, IP_TCP_SYN, pkt, sizeof pkt, err,
                       sizeof err);
    assert_int_equal(ip_parse(pkt, (size_t)n, &v, NULL, 0), 0);
    assert_int_equal(v.tcp_flags, IP_TCP_SYN | IP_TCP_ACK);
    assert_int_equal(v.ack, f->end[IP_TCP_CLIENT].isn + 1);
    assert_int_equal(ip_tcp_receive(f, IP_TCP_CLIENT, pkt, (size_t)n, NULL,
                                    NULL, err, sizeof err),
                     0);
    n = ip_tcp_control(f, IP_TCP_CLIENT, IP_TCP_ACK, pkt, sizeof pkt, err,
                       sizeof err);
    assert_int_equal(n, 40);
    assert_int_equal(ip_tcp_receive(f, IP_TCP_SERVER, pkt, (size_t)n, NULL,
                                    NULL, err, sizeof err),
                     0);
}

static void test_tcp_flow_sequence_numbers(void **state)
{
    (void)state;
    IpTcpFlow f;
    SimRng r;
    sim_rng_init(&r, 5, "tcp");
    IpTcpConfig cfg = tcp_cfg();
    char err[128];
    assert_int_equal(ip_tcp_init(&f, &cfg, &r, err, sizeof err), 0);
    handshake(&f);
    uint32_t s_isn = f.end[IP_TCP_SERVER].isn;

    static uint8_t data[5000];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)i;
    Sink sink = {0};
    assert_int_equal(ip_tcp_send(&f, IP_TCP_SERVER, data, sizeof data, collect,
                                 &sink, err, sizeof err),
                     4);
    const size_t sizes[] = {1400, 1400, 1400, 800};
    uint32_t seq = s_isn + 1;
    for (int i = 0; i < 4; i++) {
        IpPacketView v;
        assert_int_equal(
            ip_parse(sink.seg[i].pkt, sink.seg[i].len, &v, err, sizeof err), 0);
        assert_int_equal(v.payload_bytes, sizes[i]);
        assert_int_equal(v.seq, seq);
        assert_int_equal(v.ack, f.end[IP_TCP_CLIENT].isn + 1);
        assert_int_equal(v.tcp_flags, IP_TCP_ACK | (i == 3 ? IP_TCP_PSH : 0));
        assert_memory_equal(v.payload, data + (seq - s_isn - 1), sizes[i]);
        seq += (uint32_t)sizes[i];
    }
    assert_int_equal(ip_tcp_in_flight(&f, IP_TCP_SERVER), 5000);
    /* Out of order: the second segment before the first is kept, not
     * delivered, and calls for an ACK at once; the first then delivers
     * both, in order. */
    const uint8_t *p;
    size_t got;
    assert_int_equal(ip_tcp_receive(&f, IP_TCP_CLIENT, sink.seg[1].pkt,
                                    sink.seg[1].len, &p, &got, err, sizeof err),
                     IP_TCP_RX_DUP);
    assert_int_equal(got, 0);
    assert_int_equal(f.end[IP_TCP_CLIENT].rcv_nxt, s_isn + 1);
    assert_int_equal(ip_tcp_receive(&f, IP_TCP_CLIENT, sink.seg[0].pkt,
                                    sink.seg[0].len, &p, &got, err, sizeof err),
                     IP_TCP_RX_OK);
    assert_int_equal(got, 2800);
    assert_true(f.end[IP_TCP_CLIENT].ack_now);
    assert_memory_equal(p, data, 2800);
    /* the second again: a duplicate */
    assert_int_equal(ip_tcp_receive(&f, IP_TCP_CLIENT, sink.seg[1].pkt,
                                    sink.seg[1].len, &p, &got, err, sizeof err),
                     IP_TCP_RX_DUP);
    for (int i = 2; i < 4; i++) {
        assert_int_equal(ip_tcp_receive(&f, IP_TCP_CLIENT, sink.seg[i].pkt,
                                        sink.seg[i].len, &p, &got, err,
                                        sizeof err),
                         IP_TCP_RX_OK);
        assert_int_equal(got, sizes[i]);
        assert_memory_equal(p, data + 1400 * i, sizes[i]);
    }
    assert_int_equal(f.end[IP_TCP_CLIENT].duplicates, 2);
    /* The client's ACK covers exactly the 5000 bytes. */
    uint8_t pkt[128];
    int n = ip_tcp_control(&f, IP_TCP_CLIENT, IP_TCP_ACK, pkt, sizeof pkt, err,
                           sizeof err);
    IpPacketView v;
    assert_int_equal(ip_parse(pkt, (size_t)n, &v, NULL, 0), 0);
    assert_int_equal(v.ack, s_isn + 1 + 5000);
    assert_int_equal(ip_tcp_receive(&f, IP_TCP_SERVER, pkt, (size_t)n, NULL,
                                    NULL, err, sizeof err),
                     0);
    assert_int_equal(ip_tcp_in_flight(&f, IP_TCP_SERVER), 0);

    /* Close: FIN from each side, each taking one sequence number. */
    n = ip_tcp_control(&f, IP_TCP_SERVER, IP_TCP_FIN, pkt, sizeof pkt, err,
                       sizeof err);
    assert_int_equal(ip_tcp_receive(&f, IP_TCP_CLIENT, pkt, (size_t)n, NULL,
                                    NULL, err, sizeof err),
                     0);
    assert_int_equal(ip_tcp_send(&f, IP_TCP_SERVER, data, 1, collect, &sink,
                                 err, sizeof err),
                     -1);
    n = ip_tcp_control(&f, IP_TCP_CLIENT, IP_TCP_FIN, pkt, sizeof pkt, err,
                       sizeof err);
    assert_int_equal(ip_parse(pkt, (size_t)n, &v, NULL, 0), 0);
    assert_int_equal(v.ack, s_isn + 1 + 5000 + 1);
    assert_false(ip_tcp_closed(&f));
    assert_int_equal(ip_tcp_receive(&f, IP_TCP_SERVER, pkt, (size_t)n, NULL,
                                    NULL, err, sizeof err),
                     0);
    assert_true(ip_tcp_closed(&f));
    ip_tcp_free(&f);
}

static void test_tcp_misuse(void **state)
{
    (void)state;
    IpTcpFlow f;
    SimRng r;
    sim_rng_init(&r, 5, "tcp");
    IpTcpConfig cfg = tcp_cfg();
    char err[128];
    uint8_t pkt[128];
    cfg.mss_bytes = 0;
    assert_int_equal(ip_tcp_init(&f, &cfg, &r, err, sizeof err), -1);
    cfg = tcp_cfg();
    assert_int_equal(ip_tcp_init(&f, &cfg, &r, err, sizeof err), 0);
    Sink sink = {0};
    assert_int_equal(
        ip_tcp_send(&f, IP_TCP_CLIENT, pkt, 1, collect, &sink, err, sizeof err),
        -1);
    assert_non_null(strstr(err, "handshake"));
    assert_int_equal(ip_tcp_control(&f, IP_TCP_SERVER, IP_TCP_SYN, pkt,
                                    sizeof pkt, err, sizeof err),
                     -1);
    assert_int_equal(ip_tcp_control(&f, IP_TCP_CLIENT, IP_TCP_RST, pkt,
                                    sizeof pkt, err, sizeof err),
                     -1);
    assert_int_equal(
        ip_tcp_control(&f, IP_TCP_CLIENT, IP_TCP_SYN, pkt, 30, err, sizeof err),
        -1); /* buffer too small */
    handshake(&f);
    /* An ACK for bytes never sent is refused. */
    IpTcpHeader h = {.src = cfg.server,
                     .dst = cfg.client,
                     .seq = f.end[IP_TCP_SERVER].snd_nxt,
                     .ack = f.end[IP_TCP_CLIENT].snd_nxt + 10,
                     .flags = IP_TCP_ACK,
                     .window = 100};
    int n = ip_build_tcp(pkt, sizeof pkt, &h, NULL, 0, err, sizeof err);
    assert_int_equal(ip_tcp_receive(&f, IP_TCP_CLIENT, pkt, (size_t)n, NULL,
                                    NULL, err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "never sent"));
    /* A segment of another flow is refused. */
    h.ack = f.end[IP_TCP_CLIENT].snd_nxt;
    h.src.port = 144;
    n = ip_build_tcp(pkt, sizeof pkt, &h, NULL, 0, err, sizeof err);
    assert_int_equal(ip_tcp_receive(&f, IP_TCP_CLIENT, pkt, (size_t)n, NULL,
                                    NULL, err, sizeof err),
                     -1);
    /* A sink that refuses stops the send with an error. */
    Sink full = {.n = 16};
    assert_int_equal(ip_tcp_send(&f, IP_TCP_CLIENT, pkt, 10, collect, &full,
                                 err, sizeof err),
                     -1);
    ip_tcp_free(&f);
}

/* The client ACKs what it holds (a pure ACK built now). */
static void client_ack(IpTcpFlow *f)
{
    uint8_t pkt[128];
    char err[128];
    int n = ip_tcp_control(f, IP_TCP_CLIENT, IP_TCP_ACK, pkt, sizeof pkt, err,
                           sizeof err);
    assert_true(n > 0);
    assert_int_equal(ip_tcp_receive(f, IP_TCP_SERVER, pkt, (size_t)n, NULL,
                                    NULL, err, sizeof err),
                     IP_TCP_RX_OK);
}

/* One segment of five lost: the three segments after it each draw a
 * duplicate ACK, the third starts a fast retransmission (RFC 5681), the
 * retransmitted segment releases everything the client kept, and the
 * ACK of it ends the recovery with cwnd = ssthresh. */
static void test_tcp_fast_retransmit(void **state)
{
    (void)state;
    IpTcpFlow f;
    SimRng r;
    sim_rng_init(&r, 5, "tcp");
    IpTcpConfig cfg = tcp_cfg();
    char err[128];
    assert_int_equal(ip_tcp_init(&f, &cfg, &r, err, sizeof err), 0);
    handshake(&f);
    static uint8_t data[7000];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 7);
    Sink sink = {0};
    assert_int_equal(ip_tcp_send(&f, IP_TCP_SERVER, data, sizeof data, collect,
                                 &sink, err, sizeof err),
                     5);
    IpTcpEnd *srv = &f.end[IP_TCP_SERVER];
    assert_int_equal(srv->rtx.n, 5);
    assert_int_equal(ip_tcp_receive(&f, IP_TCP_CLIENT, sink.seg[0].pkt,
                                    sink.seg[0].len, NULL, NULL, err,
                                    sizeof err),
                     IP_TCP_RX_OK);
    client_ack(&f);
    assert_int_equal(srv->rtx.n, 4);
    for (int i = 2; i < 5; i++) {
        assert_int_equal(ip_tcp_receive(&f, IP_TCP_CLIENT, sink.seg[i].pkt,
                                        sink.seg[i].len, NULL, NULL, err,
                                        sizeof err),
                         IP_TCP_RX_DUP);
        assert_false(srv->rtx_due);
        client_ack(&f);
        assert_int_equal(srv->dupacks, (unsigned)(i - 1));
    }
    assert_true(srv->rtx_due);
    assert_true(srv->recovering);
    assert_int_equal(srv->fast_retransmits, 1);
    assert_int_equal(srv->ssthresh, 2 * 1400); /* half of 4 x 1400 */
    Sink again = {0};
    assert_int_equal(
        ip_tcp_retransmit(&f, IP_TCP_SERVER, collect, &again, err, sizeof err),
        1);
    assert_false(srv->rtx_due);
    assert_int_equal(srv->retransmits, 1);
    IpPacketView v;
    assert_int_equal(ip_parse(again.seg[0].pkt, again.seg[0].len, &v, NULL, 0),
                     0);
    assert_int_equal(v.seq, srv->isn + 1 + 1400);
    assert_int_equal(v.payload_bytes, 1400);
    const uint8_t *p;
    size_t got;
    assert_int_equal(ip_tcp_receive(&f, IP_TCP_CLIENT, again.seg[0].pkt,
                                    again.seg[0].len, &p, &got, err,
                                    sizeof err),
                     IP_TCP_RX_OK);
    assert_int_equal(got, 7000 - 1400);
    assert_memory_equal(p, data + 1400, got);
    client_ack(&f);
    assert_int_equal(ip_tcp_in_flight(&f, IP_TCP_SERVER), 0);
    assert_false(srv->recovering);
    assert_int_equal(srv->cwnd, srv->ssthresh);
    assert_int_equal(srv->rto_at, 0); /* nothing outstanding: stopped */
    ip_tcp_free(&f);
}

/* RFC 6298: the first RTT sample sets SRTT and RTTVAR, RTO = SRTT + 4
 * RTTVAR (at least IP_TCP_RTO_MIN); an expiry doubles RTO, shrinks cwnd
 * to one segment and retransmits; after IP_TCP_RETRIES expiries in a row
 * the side gives up. */
static void test_tcp_retransmission_timer(void **state)
{
    (void)state;
    IpTcpFlow f;
    SimRng r;
    sim_rng_init(&r, 5, "tcp");
    IpTcpConfig cfg = tcp_cfg();
    char err[128];
    assert_int_equal(ip_tcp_init(&f, &cfg, &r, err, sizeof err), 0);
    IpTcpEnd *cli = &f.end[IP_TCP_CLIENT];
    assert_int_equal(cli->rto, IP_TCP_RTO_INIT);
    f.clock = 0;
    handshake(&f); /* the SYN's ACK at clock 0: a sample of 0 */
    assert_int_equal(cli->rto, IP_TCP_RTO_MIN);
    uint8_t byte = 'x';
    Sink sink = {0};
    f.clock = 10 * HS_S;
    assert_int_equal(ip_tcp_send(&f, IP_TCP_CLIENT, &byte, 1, collect, &sink,
                                 err, sizeof err),
                     1);
    assert_int_equal(cli->rto_at, 10 * HS_S + IP_TCP_RTO_MIN);
    /* an ACK 300 ms later: SRTT moves an eighth of the way (RFC 6298) */
    assert_int_equal(ip_tcp_receive(&f, IP_TCP_SERVER, sink.seg[0].pkt,
                                    sink.seg[0].len, NULL, NULL, err,
                                    sizeof err),
                     IP_TCP_RX_OK);
    f.clock = 10 * HS_S + 300 * HS_MS;
    uint8_t pkt[128];
    int n = ip_tcp_control(&f, IP_TCP_SERVER, IP_TCP_ACK, pkt, sizeof pkt, err,
                           sizeof err);
    assert_int_equal(ip_tcp_receive(&f, IP_TCP_CLIENT, pkt, (size_t)n, NULL,
                                    NULL, err, sizeof err),
                     IP_TCP_RX_OK);
    assert_int_equal(cli->srtt, 300 * HS_MS / 8);
    assert_int_equal(cli->rttvar, (300 * HS_MS) / 4);
    assert_int_equal(cli->rto, cli->srtt + 4 * cli->rttvar);
    assert_int_equal(cli->rto_at, 0);
    hs_time rto = cli->rto;
    /* a lost segment: each expiry retransmits and doubles the timeout */
    f.clock = 20 * HS_S;
    assert_int_equal(ip_tcp_send(&f, IP_TCP_CLIENT, &byte, 1, collect, &sink,
                                 err, sizeof err),
                     1);
    for (unsigned k = 1; k <= IP_TCP_RETRIES; k++) {
        f.clock = cli->rto_at;
        Sink again = {0};
        assert_int_equal(
            ip_tcp_timeout(&f, IP_TCP_CLIENT, collect, &again, err, sizeof err),
            1);
        assert_int_equal(again.n, 1);
        assert_int_equal(cli->backoff, k);
        assert_int_equal(cli->cwnd, 1400);
        hs_time want = rto << k;
        assert_int_equal(cli->rto,
                         want > IP_TCP_RTO_MAX ? IP_TCP_RTO_MAX : want);
    }
    assert_int_equal(cli->timeouts, IP_TCP_RETRIES);
    Sink again = {0};
    assert_int_equal(
        ip_tcp_timeout(&f, IP_TCP_CLIENT, collect, &again, err, sizeof err),
        -2);
    assert_int_equal(again.n, 0);
    ip_tcp_free(&f);
}

static void test_tcp_deterministic(void **state)
{
    (void)state;
    IpTcpFlow a, b, c;
    SimRng ra, rb, rc;
    sim_rng_init(&ra, 9, "tcp");
    sim_rng_init(&rb, 9, "tcp");
    sim_rng_init(&rc, 10, "tcp");
    IpTcpConfig cfg = tcp_cfg();
    assert_int_equal(ip_tcp_init(&a, &cfg, &ra, NULL, 0), 0);
    assert_int_equal(ip_tcp_init(&b, &cfg, &rb, NULL, 0), 0);
    assert_int_equal(ip_tcp_init(&c, &cfg, &rc, NULL, 0), 0);
    for (int s = 0; s < 2; s++) {
        assert_int_equal(a.end[s].isn, b.end[s].isn);
        assert_int_equal(a.end[s].ip_id, b.end[s].ip_id);
    }
    assert_int_not_equal(a.end[0].isn, c.end[0].isn);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_checksum_known_values),
    cmocka_unit_test(test_checksum_against_reference),
    cmocka_unit_test(test_udp_round_trip_and_recomputed_checksums),
    cmocka_unit_test(test_any_flipped_bit_is_caught),
    cmocka_unit_test(test_bad_input),
    cmocka_unit_test(test_tcp_flow_sequence_numbers),
    cmocka_unit_test(test_tcp_misuse),
    cmocka_unit_test(test_tcp_fast_retransmit),
    cmocka_unit_test(test_tcp_retransmission_timer),
    cmocka_unit_test(test_tcp_deterministic),
};

HS_TEST_GROUP(ip, tests)
