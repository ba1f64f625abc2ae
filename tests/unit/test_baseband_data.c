/*
 * test_baseband_data.c - the data bearer end to end: a domain's TCP
 * segments leave through the net device, the AP's modem driver, the
 * mailbox, the firmware and the radio; the IMAP server (the runs' own,
 * net/netpeer.h) behind a seeded core-network delay answers; the replies come
 * back the same way. The domain logs in and fetches a message whose bytes must
 * equal the server's.
 */
#include "harness.h"

#include <stdlib.h>
#include <string.h>

#include "baseband/baseband.h"
#include "phone/bearer.h"
#include "net/netpeer.h"
#include "config/soc.h"

#define AP_BUF 0x40000000ULL
#define MSG_BYTES 6000
/* One-way core-network delay between the cell and the server: 25 ms plus
 * a seeded share of 10 ms, never overtaking the previous packet of its
 * direction (the test's own figure). */
#define CORE_BASE_PS (25 * HS_MS)
#define CORE_JITTER_PS (10 * HS_MS)
#define CORE_SLOTS 64

struct Rig;

/* A packet in the core network. */
typedef struct CoreSlot {
    struct Rig *r;
    bool used, up;
    uint32_t len;
    uint8_t pkt[1600];
} CoreSlot;

typedef struct Rig {
    SocModel *soc;
    Sim *sim;
    PowerMeter *meter;
    MicState mic;
    AudioState audio;
    uint8_t mic_mem[4096];
    DmaBuffer mic_buf;
    GuestDma mic_dma;
    IpcMailbox mb;
    NetState net;
    Bus ap_bus;
    uint8_t ap_mem[16384];
    DmaBuffer ap_buf;
    GuestDma ap_dma;
    BbBearer bearer;
    Baseband *bb;
    IpTcpFlow flow;
    NetServer mail;             /* the server behind the cell */
    SimRng *core_rng;           /* its delay draws */
    hs_time last_up, last_down; /* latest arrival each way */
    CoreSlot core[CORE_SLOTS];  /* packets on the way */
    unsigned errors;            /* refused or lost packets */
    char last_error[160];       /* the last reason */
    SimEvent client_ev;
    /* the domain's mail client */
    char text[16384];
    size_t text_len;
    int step;
    bool established;
    hs_time syn_at, synack_at;
    int signals;
} Rig;

static hs_time core_arrival(Rig *r, hs_time t, bool up)
{
    hs_time at = t + CORE_BASE_PS +
                 (hs_time)sim_rng_below(r->core_rng, CORE_JITTER_PS + 1);
    hs_time *last = up ? &r->last_up : &r->last_down;
    if (at < *last)
        at = *last;
    *last = at;
    return at;
}

static void on_core(Sim *sim, void *ctx, hs_time now);

/* Puts a packet on the way (up: to the server; down: to the cell). */
static int core_send(Rig *r, const uint8_t *pkt, size_t len, hs_time t, bool up)
{
    CoreSlot *s = NULL;
    for (unsigned i = 0; i < CORE_SLOTS && !s; i++)
        if (!r->core[i].used)
            s = &r->core[i];
    if (!s || len > sizeof s->pkt) {
        r->errors++;
        return -1;
    }
    *s = (CoreSlot){.r = r, .used = true, .up = up, .len = (uint32_t)len};
    memcpy(s->pkt, pkt, len);
    sim_call_at(r->sim, core_arrival(r, t, up), up ? "mail-rx" : "mail-tx",
                on_core, s, 0);
    return 0;
}

static int server_segment_out(void *ctx, IpTcpSide from, const uint8_t *pkt,
                              size_t len)
{
    Rig *r = ctx;
    (void)from;
    return core_send(r, pkt, len, sim_now(r->sim), false);
}

static void on_core(Sim *sim, void *ctx, hs_time now)
{
    CoreSlot *s = ctx;
    Rig *r = s->r;
    (void)sim;
    s->used = false;
    if (!s->up) {
        if (bb_radio_deliver(bb_radio(r->bb), s->pkt, s->len, now) < 0)
            r->errors++;
    } else if (netpeer_segment(&r->mail, &r->flow, s->pkt, s->len,
                               server_segment_out, r, r->last_error,
                               sizeof r->last_error) < 0) {
        r->errors++;
    }
}

/* BbRadioNetFunc: the mail server's packets go into the core network. */
static void uplink(void *ctx, const uint8_t *pkt, size_t len, hs_time sent,
                   hs_time through)
{
    Rig *r = ctx;
    (void)sent;
    IpPacketView v;
    char err[128];
    if (ip_parse(pkt, len, &v, err, sizeof err) < 0 ||
        v.protocol != IP_PROTO_TCP || v.dst != r->flow.cfg.server.addr ||
        v.dst_port != r->flow.cfg.server.port)
        return;
    core_send(r, pkt, len, through, true);
}

static void ril(void *ctx, const uint8_t *msg, uint32_t len, hs_time when)
{
    Rig *r = ctx;
    (void)when;
    r->signals += ipc_msg_type(msg, len) == HS_BBMSG_SIGNAL;
}

static void net_wr(Rig *r, uint64_t off, uint64_t v, unsigned size)
{
    BusAccess acc = {.when = sim_now(r->sim), .domain = 0};
    assert_true(bus_write(&r->ap_bus, HS_MMIO_NET + off, v, size, &acc));
}

static uint64_t net_rd(Rig *r, uint64_t off)
{
    BusAccess acc = {.when = sim_now(r->sim), .domain = 0};
    uint64_t v = 0;
    assert_true(bus_read(&r->ap_bus, HS_MMIO_NET + off, 4, &acc, &v));
    return v;
}

/* The domain sends one packet on the net device. */
static int seg_out(void *ctx, IpTcpSide from, const uint8_t *pkt, size_t len)
{
    Rig *r = ctx;
    (void)from;
    memcpy(r->ap_mem, pkt, len);
    net_wr(r, HS_NET_TX_ADDR, AP_BUF, 8);
    net_wr(r, HS_NET_TX_LEN, len, 4);
    return 0;
}

static void client_send(Rig *r, const char *line)
{
    char err[160];
    assert_true(ip_tcp_send(&r->flow, IP_TCP_CLIENT, (const uint8_t *)line,
                            strlen(line), seg_out, r, err, sizeof err) > 0);
}

static void client_control(Rig *r, uint8_t flags)
{
    uint8_t buf[128];
    char err[160];
    int n = ip_tcp_control(&r->flow, IP_TCP_CLIENT, flags, buf, sizeof buf, err,
                           sizeof err);
    assert_true(n > 0);
    seg_out(r, IP_TCP_CLIENT, buf, (size_t)n);
}

static const char *const script[] = {
    "a1 LOGIN alice secret\r\n",
    "a2 SELECT INBOX\r\n",
    "a3 FETCH 1 BODY[]\r\n",
    "a4 LOGOUT\r\n",
};

/* The mail client: takes every packet waiting for domain 0. */
static void on_client(Sim *sim, void *ctx, hs_time now)
{
    Rig *r = ctx;
    (void)sim;
    while (net_rd(r, HS_NET_RX_PENDING) > 0) {
        net_wr(r, HS_NET_RX_ADDR, AP_BUF + 8192, 8);
        net_wr(r, HS_NET_RX_CAP, 8192, 4);
        net_wr(r, HS_NET_RX_POP, 1, 4);
        uint32_t len = (uint32_t)net_rd(r, HS_NET_RX_POP);
        const uint8_t *data;
        size_t n;
        char err[160];
        int rc = ip_tcp_receive(&r->flow, IP_TCP_CLIENT, r->ap_mem + 8192, len,
                                &data, &n, err, sizeof err);
        if (rc < 0)
            print_error("client: %s\n", err);
        assert_int_equal(rc, 0);
        if (!r->established) { /* the SYN-ACK */
            r->established = true;
            r->synack_at = now;
            client_control(r, IP_TCP_ACK);
            continue;
        }
        if (n + r->text_len < sizeof r->text) {
            memcpy(r->text + r->text_len, data, n);
            r->text_len += n;
            r->text[r->text_len] = 0;
        }
        char tag[8];
        snprintf(tag, sizeof tag, "a%d OK", r->step);
        bool go = r->step == 0 ? strstr(r->text, "* OK") != NULL
                               : strstr(r->text, tag) != NULL;
        if (go && r->step < 4) {
            client_send(r, script[r->step]);
            r->step++;
        } else if (n == 0 && r->flow.end[IP_TCP_CLIENT].fin_received &&
                   !r->flow.end[IP_TCP_CLIENT].fin_sent) {
            client_control(r, IP_TCP_FIN);
        } else if (n > 0) {
            client_control(r, IP_TCP_ACK);
        }
        if (r->step == 4 && strstr(r->text, "a4 OK") &&
            !r->flow.end[IP_TCP_CLIENT].fin_sent) {
            r->step = 5;
            client_control(r, IP_TCP_FIN);
        }
    }
}

static void on_net_irq(void *ctx, int line, bool level)
{
    Rig *r = ctx;
    (void)line;
    if (level && !sim_event_pending(&r->client_ev))
        sim_schedule_at(r->sim, &r->client_ev, sim_now(r->sim));
}

static void rig_init(Rig *r)
{
    char path[512], err[256];
    memset(r, 0, sizeof *r);
    r->soc =
        soc_load(hs_test_path("soc_models/ref-2013.json", path, sizeof path),
                 err, sizeof err);
    assert_non_null(r->soc);
    r->sim = sim_new(5);
    r->meter = power_meter_new(2);
    r->mic_buf = (DmaBuffer){AP_BUF, r->mic_mem, sizeof r->mic_mem};
    dma_buffer_init(&r->mic_dma, &r->mic_buf);
    MicConfig mc = {.fifo_frames = 2, .tone_hz = 440, .tone_amplitude = 100};
    assert_int_equal(
        mic_init(&r->mic, "mic", &mc, &r->mic_dma, NULL, err, sizeof err), 0);
    assert_int_equal(r->mic.dev.ops->realize(&r->mic.dev, r->sim), 0);
    AudioConfig ac = {.on_uw = 380};
    audio_init(&r->audio, "audio", &ac, NULL);
    ipc_mailbox_init(&r->mb);
    r->ap_buf = (DmaBuffer){AP_BUF, r->ap_mem, sizeof r->ap_mem};
    dma_buffer_init(&r->ap_dma, &r->ap_buf);
    NetConfig nc = {.rx_queue_packets = 64};
    assert_int_equal(net_init(&r->net, "net", &nc, &r->ap_dma, err, sizeof err),
                     0);
    bus_init(&r->ap_bus);
    assert_int_equal(
        bus_map(&r->ap_bus, &r->net.dev, HS_MMIO_NET, HS_MMIO_WINDOW), 0);
    irq_connect(&r->net.irq, on_net_irq, r, HS_IRQ_NET);
    sim_event_init(&r->client_ev, "mail-client", on_client, r, 2);
    bearer_init(&r->bearer, r->sim, &r->mb, &r->net, ril, r);
    BbConfig cfg = {
        .firmware =
            hs_test_path("build/baseband/firmware.elf", path, sizeof path),
        .wiring = SOC_MIC_AP_CODEC,
    };
    rrc_config_from_soc(&cfg.rrc, r->soc);
    r->bb = bb_new(r->sim, r->meter, &r->mb, &r->mic, &r->audio, &cfg, err,
                   sizeof err);
    assert_non_null(r->bb);
    IpTcpConfig tc = {.client = {IP_PHONE_ADDR, IP_PHONE_TCP_PORT_MIN},
                      .server = {IP_MAIL_ADDR, IP_IMAP_PORT},
                      .mss_bytes = 1400,
                      .window_bytes = 65535};
    assert_int_equal(
        ip_tcp_init(&r->flow, &tc, sim_rng(r->sim, "tcp"), err, sizeof err), 0);
    static const uint32_t sizes[1] = {MSG_BYTES};
    ImapPeerConfig ic = {.seed = 5,
                         .user = "alice",
                         .password = "secret",
                         .messages = 1,
                         .message_bytes = sizes};
    assert_int_equal(
        netpeer_init(&r->mail, NET_SERVER_IMAP, &ic, 5, err, sizeof err), 0);
    r->core_rng = sim_rng(r->sim, "data-peer");
    bb_radio_set_net(bb_radio(r->bb), uplink, r);
    assert_int_equal(bb_boot(r->bb, 0), 0);
}

static void rig_free(Rig *r)
{
    sim_cancel(r->sim, &r->client_ev);
    netpeer_free(&r->mail);
    ip_tcp_free(&r->flow);
    bb_free(r->bb);
    bearer_free(&r->bearer);
    r->net.dev.ops->destroy(&r->net.dev);
    r->mic.dev.ops->destroy(&r->mic.dev);
    bus_free(&r->ap_bus);
    power_meter_free(r->meter);
    sim_free(r->sim);
    soc_free(r->soc);
}

static void test_imap_fetch_over_the_bearer(void **state)
{
    (void)state;
    Rig r;
    rig_init(&r);
    sim_run_until(r.sim, 2 * HS_S);
    assert_int_equal(r.signals, 1); /* the RIL side got SIGNAL */
    r.syn_at = sim_now(r.sim);
    client_control(&r, IP_TCP_SYN);
    sim_run_until(r.sim, 30 * HS_S);
    if (r.errors)
        print_error("server: %s\n", r.last_error);
    assert_int_equal(r.errors, 0);
    assert_true(r.established);
    /* SYN from idle: promotion 260 ms + two core crossings of 25-35 ms */
    hs_time rtt = r.synack_at - r.syn_at;
    print_message("data: SYN->SYN-ACK %.3f ms from RRC_IDLE; %zu bytes "
                  "received, %llu segments up, %llu down\n",
                  (double)rtt / HS_MS, r.text_len,
                  (unsigned long long)r.mail.segments_in,
                  (unsigned long long)r.mail.segments_out);
    assert_true(rtt >= 310 * HS_MS && rtt <= 335 * HS_MS);
    assert_int_equal(r.step, 5);
    assert_true(ip_tcp_closed(&r.flow));
    /* the message arrived intact */
    char *msg = NULL;
    char err[160];
    assert_int_equal(imap_message(5, 0, MSG_BYTES, &msg, err, sizeof err), 0);
    assert_non_null(strstr(r.text, msg));
    free(msg);
    assert_true(r.bearer.tx_packets >= 8);
    assert_int_equal(r.bearer.tx_packets, r.mail.segments_in);
    assert_int_equal(r.bearer.rx_packets, r.mail.segments_out);
    /* the radio's connected energy (promotion, transfers, tails) is the
     * mail domain's: more than the 11.35 J one packet costs */
    int comp = bb_rrc(r.bb)->comp;
    double mine = power_energy_to_mj(
        power_energy_component_domain(r.meter, comp, 0, 30 * HS_S));
    double other = power_energy_to_mj(
        power_energy_component_domain(r.meter, comp, 1, 30 * HS_S));
    print_message("data: radio energy booked to the mail domain %.1f mJ\n",
                  mine);
    assert_true(mine > 11353.0);
    assert_true(other == 0.0);
    rig_free(&r);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_imap_fetch_over_the_bearer),
};

HS_TEST_GROUP(baseband_data, tests)
