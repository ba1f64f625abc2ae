/*
 * test_netstack.c - mail syncs through the whole phone: guest code on the
 * AArch64 domains of a two-domain machine (secret, unclass) on ref-2013,
 * the kernels' TCP (netstack), the approach's I/O path, the AP's modem
 * driver, the mailbox, the baseband firmware on its ARMv7 core, the
 * radio's RRC model, and the IMAP server behind the core network.
 */
#include "harness.h"

#include <stdlib.h>
#include <string.h>

#include "baseband/baseband.h"
#include "phone/bearer.h"
#include "abi/covert.h"
#include "abi/mail.h"
#include "abi/netget.h"
#include "guest/lib/mime.h"
#include "net/netpeer.h"
#include "phone/netstack.h"
#include "phone/part.h"
#include "test_machine_rig.h"

#define AP_BUF 0x40000000ULL
#define MSG_BYTES 6000
#define N_MSGS 3
#define MAX_SYNCS 8

/* Sequence bookkeeping of one direction of a domain's connections. */
typedef struct SeqTrack {
    bool started;  /* a SYN was seen */
    uint32_t next; /* next sequence number expected */
    uint64_t data; /* payload bytes */
    unsigned bad;  /* segments out of sequence */
} SeqTrack;

typedef struct NetRig {
    Rig mr;
    Machine *m;
    Sim *sim;
    Scenario sc;
    ScenarioPeer peers[2];
    FlowMonitor *flows;
    MicState mic;
    AudioState audio;
    uint8_t mic_mem[4096];
    DmaBuffer mic_buf;
    GuestDma mic_dma;
    IpcMailbox mb;
    NetState net;
    Bus ap_bus;
    uint8_t ap_mem[4096];
    DmaBuffer ap_buf;
    GuestDma ap_dma;
    BbBearer bearer;
    Baseband *bb;
    SimEvent rx_ev;
    NetStack *ns;
    hs_time lat[MAX_SYNCS];
    unsigned n_lat;
    SeqTrack seq[2][2]; /* [domain][uplink] */
    uint64_t get_done;
} NetRig;

static void on_latency(void *ctx, const char *name, hs_time sample)
{
    NetRig *r = ctx;
    if (strcmp(name, "mail.sync") == 0 && r->n_lat < MAX_SYNCS)
        r->lat[r->n_lat++] = sample;
}

/* Checks every segment continues its direction's sequence space. */
static void on_capture(void *ctx, int domain, bool uplink, const uint8_t *pkt,
                       size_t len, hs_time when)
{
    NetRig *r = ctx;
    IpPacketView v;
    char err[128];
    (void)when;
    assert_int_equal(ip_parse(pkt, len, &v, err, sizeof err), 0);
    SeqTrack *t = &r->seq[domain][uplink];
    if (v.tcp_flags & IP_TCP_SYN) {
        t->started = true;
        t->next = v.seq + 1;
        return;
    }
    if (!t->started || v.seq != t->next)
        t->bad++;
    t->next = v.seq + (uint32_t)v.payload_bytes +
              ((v.tcp_flags & IP_TCP_FIN) ? 1 : 0);
    t->data += v.payload_bytes;
}

/* The kernel's packets toward the bearer: the modem driver's entry. */
static int link_tx(void *ctx, int domain, const uint8_t *pkt, size_t len,
                   hs_time when)
{
    NetRig *r = ctx;
    return r->net.peer(r->net.peer_ctx, domain, pkt, len, when);
}

static int link_down(void *ctx, const uint8_t *pkt, size_t len, hs_time when)
{
    NetRig *r = ctx;
    return bb_radio_deliver(bb_radio(r->bb), pkt, len, when);
}

static void radio_up(void *ctx, const uint8_t *pkt, size_t len, hs_time sent,
                     hs_time through)
{
    NetRig *r = ctx;
    netstack_uplink(r->ns, pkt, len, sent, through);
}

static uint64_t net_reg(NetRig *r, int domain, uint64_t off, bool wr,
                        uint64_t v)
{
    BusAccess acc = {.when = sim_now(r->sim), .domain = domain};
    if (wr) {
        assert_true(bus_write(&r->ap_bus, HS_MMIO_NET + off, v, 4, &acc));
        return 0;
    }
    assert_true(bus_read(&r->ap_bus, HS_MMIO_NET + off, 4, &acc, &v));
    return v;
}

/* DATA_RX packets the modem driver queued: to the stack. */
static void on_rx(Sim *sim, void *ctx, hs_time now)
{
    NetRig *r = ctx;
    (void)sim;
    for (int d = 0; d < 2; d++)
        while (net_reg(r, d, HS_NET_RX_PENDING, false, 0) > 0) {
            net_reg(r, d, HS_NET_RX_ADDR, true, AP_BUF);
            net_reg(r, d, HS_NET_RX_CAP, true, sizeof r->ap_mem);
            net_reg(r, d, HS_NET_RX_POP, true, 1);
            uint32_t len = (uint32_t)net_reg(r, d, HS_NET_RX_POP, false, 0);
            netstack_rx(r->ns, r->ap_mem, len, now);
        }
}

static void on_net_irq(void *ctx, int line, bool level)
{
    NetRig *r = ctx;
    (void)line;
    if (level && !sim_event_pending(&r->rx_ev))
        sim_schedule_at(r->sim, &r->rx_ev, sim_now(r->sim));
}

/* vpn: the secret domain also runs the crypto app (its VPN). */
static void scenario_init(NetRig *r, uint32_t messages, bool vpn)
{
    Scenario *sc = &r->sc;
    memset(sc, 0, sizeof *sc);
    sc->file = "test_netstack";
    sc->seed = 7;
    sc->n_domains = 2;
    static const char *const names[] = {"secret", "unclass"};
    for (int d = 0; d < 2; d++) {
        sc->domains[d].name = names[d];
        sc->domains[d].n_apps = 1;
        ScenarioApp *a = &sc->domains[d].apps[0];
        a->kind = SCENARIO_APP_MAIL;
        a->mail.server = 0;
        a->mail.messages = messages;
        a->mail.message_bytes = MSG_BYTES;
    }
    if (vpn) {
        sc->domains[0].n_apps = 2;
        sc->domains[0].apps[1].kind = SCENARIO_APP_CRYPTO;
    }
    ScenarioDist rtt = {.kind = SCENARIO_DIST_LOGNORMAL,
                        .a = 70 * HS_MS,
                        .sigma_ppm = 300000,
                        .present = true};
    ScenarioDist down = {.kind = SCENARIO_DIST_FIXED, .a = 12740};
    ScenarioDist up = {.kind = SCENARIO_DIST_FIXED, .a = 5640};
    r->peers[0] =
        (ScenarioPeer){"imap", SCENARIO_PEER_MAIL_SERVER, rtt, down, up};
    r->peers[1] =
        (ScenarioPeer){"web", SCENARIO_PEER_WEB_SERVER, rtt, down, up};
    sc->n_peers = 2;
    sc->peers = r->peers;
}

static void baseband_init(NetRig *r)
{
    char path[512], err[256];
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
    NetConfig nc = {.rx_queue_packets = 256};
    assert_int_equal(net_init(&r->net, "net", &nc, &r->ap_dma, err, sizeof err),
                     0);
    bus_init(&r->ap_bus);
    assert_int_equal(
        bus_map(&r->ap_bus, &r->net.dev, HS_MMIO_NET, HS_MMIO_WINDOW), 0);
    irq_connect(&r->net.irq, on_net_irq, r, HS_IRQ_NET);
    sim_event_init(&r->rx_ev, "test-net-rx", on_rx, r, 2);
    bearer_init(&r->bearer, r->sim, &r->mb, &r->net, NULL, NULL);
    BbConfig cfg = {
        .firmware =
            hs_test_path("build/baseband/firmware.elf", path, sizeof path),
        .wiring = SOC_MIC_AP_CODEC,
    };
    rrc_config_from_soc(&cfg.rrc, r->mr.soc);
    r->bb = bb_new(r->sim, machine_meter(r->m), &r->mb, &r->mic, &r->audio,
                   &cfg, err, sizeof err);
    if (!r->bb)
        fail_msg("%s", err);
    bb_radio_set_net(bb_radio(r->bb), radio_up, r);
    assert_int_equal(bb_boot(r->bb, 0), 0);
}

static void netrig_open(NetRig *r, const char *approach, uint32_t messages,
                        bool vpn)
{
    char err[512];
    memset(r, 0, sizeof *r);
    r->m = rig_must_devices(&r->mr, approach, phone_part_netstack.devices);
    r->sim = machine_sim(r->m);
    scenario_init(r, messages, vpn);
    r->flows = flow_monitor_new();
    assert_non_null(r->flows);
    baseband_init(r);
    RunEnv env = {.sc = &r->sc,
                  .soc = r->mr.soc,
                  .m = r->m,
                  .flows = r->flows,
                  .latency = on_latency,
                  .latency_ctx = r};
    NetStackLinks links = {
        .tx = link_tx, .tx_ctx = r, .down = link_down, .down_ctx = r};
    r->ns = netstack_new(&env, &links, err, sizeof err);
    if (!r->ns)
        fail_msg("%s", err);
    netstack_set_capture(r->ns, on_capture, r);
    assert_int_equal(netstack_start(r->ns, err, sizeof err), 0);
}

static void netrig_init(NetRig *r, const char *approach, uint32_t messages)
{
    netrig_open(r, approach, messages, false);
}

static void netrig_free(NetRig *r)
{
    sim_cancel(r->sim, &r->rx_ev);
    netstack_free(r->ns);
    bb_free(r->bb);
    bearer_free(&r->bearer);
    r->net.dev.ops->destroy(&r->net.dev);
    r->mic.dev.ops->destroy(&r->mic.dev);
    bus_free(&r->ap_bus);
    flow_monitor_free(r->flows);
    rig_free(&r->mr);
}

/* Fails with the first guest fault, if any. */
static void no_faults(NetRig *r)
{
    if (machine_fault_count(r->m) > 0) {
        char buf[256];
        vcpu_fault_format(machine_fault(r->m, 0), buf, sizeof buf);
        fail_msg("guest fault: %s", buf);
    }
}

static void sync_at(NetRig *r, int domain, hs_time t)
{
    char err[256];
    assert_int_equal(machine_run_until(r->m, t), 0);
    ScenarioEvent ev = {.action = SCENARIO_ACTION_MAIL_SYNC,
                        .domain = domain,
                        .peer = SCENARIO_NONE};
    assert_int_equal(netstack_action(r->ns, &ev, 0, t, err, sizeof err), 0);
}

static HsMailSyncIo read_io(NetRig *r, int domain)
{
    HsMailSyncIo io;
    GuestDma dma = machine_dma(r->m);
    assert_int_equal(
        dma_read(&dma, domain, HS_MAIL_SYNC_IO_ADDR, &io, sizeof io), 0);
    return io;
}

/* Decoded body bytes of the server's messages, by the host build of the
 * guest's MIME library. */
static void count_part(void *ctx, const MimePart *p)
{
    *(uint64_t *)ctx += p->len;
}

static uint64_t expected_decoded(uint64_t seed, unsigned n)
{
    uint64_t total = 0;
    static uint8_t out[MSG_BYTES * 2];
    for (unsigned i = 0; i < n; i++) {
        char *msg = NULL, err[160];
        assert_int_equal(
            imap_message(seed, i, MSG_BYTES, &msg, err, sizeof err), 0);
        assert_true(mime_parse((const uint8_t *)msg, MSG_BYTES, out, sizeof out,
                               count_part, &total) >= 0);
        free(msg);
    }
    return total;
}

static void test_mail_sync_native(void **state)
{
    (void)state;
    NetRig r;
    netrig_init(&r, "native", N_MSGS);
    sync_at(&r, 0, 2 * HS_S);
    assert_int_equal(machine_run_until(r.m, 20 * HS_S), 0);
    const NetStackStats *st = netstack_stats(r.ns);
    if (st->errors)
        print_error("netstack: %s\n", st->last_error);
    assert_int_equal(st->errors, 0);
    no_faults(&r);
    assert_int_equal(st->syncs_done, 1);
    assert_int_equal(r.n_lat, 1);
    HsMailSyncIo io = read_io(&r, 0);
    assert_int_equal(io.phase, HS_MAIL_PH_DONE);
    assert_int_equal(io.status, 0);
    assert_int_equal(io.literals, N_MSGS);
    /* every byte the server sent reached the guest, and its MIME bodies
     * decode to what the host decodes from the server's messages */
    assert_int_equal(io.bytes_in, r.seq[0][0].data);
    assert_true(io.bytes_in > N_MSGS * MSG_BYTES);
    assert_int_equal(io.decoded_bytes,
                     expected_decoded(netstack_mail_seed(r.ns, 0), N_MSGS));
    /* sequence numbers continue exactly, both ways */
    assert_int_equal(r.seq[0][0].bad, 0);
    assert_int_equal(r.seq[0][1].bad, 0);
    assert_true(r.seq[0][1].data > 0);
    /* the sync started from RRC_IDLE and promoted the radio; the radio's
     * energy is the secret domain's */
    Rrc *rrc = bb_rrc(r.bb);
    assert_true(rrc->promotions >= 1);
    PowerMeter *pm = machine_meter(r.m);
    double mine = power_energy_to_mj(
        power_energy_component_domain(pm, rrc->comp, 0, 20 * HS_S));
    double other = power_energy_to_mj(
        power_energy_component_domain(pm, rrc->comp, 1, 20 * HS_S));
    print_message("netstack: native sync %.1f ms, %llu bytes in, radio "
                  "%.1f mJ for the secret domain, %llu instructions\n",
                  (double)r.lat[0] / HS_MS, (unsigned long long)io.bytes_in,
                  mine, (unsigned long long)machine_instructions(r.m, 0));
    assert_true(mine > 1000.0);
    assert_true(other == 0.0);
    /* native: the secret domain's cleartext reaches the network */
    assert_true(flow_violations(r.flows) > 0);
    netrig_free(&r);
}

/* What a run of a few secret syncs shows. */
typedef struct SyncRun {
    hs_time lat[MAX_SYNCS];
    unsigned n;
    uint64_t done, failed, blocked;
    MachineCounts counts;
    uint64_t instructions;
    uint64_t violations;
    double radio_mj;
    uint64_t promotions;
    bool crypto_path; /* a flow record went through a crypto VM */
    bool app_path;    /* a flow record went through the domain's VPN app */
    NetStackStats st;
    unsigned seq_bad; /* segments out of sequence, both ways */
} SyncRun;

#define RUN_SYNCS 3

/* n_syncs secret syncs 20 s apart (0: the same run without them, the
 * baseline of what the approach costs anyway); vpn: the secret domain
 * runs its crypto app. */
static void run_syncs_vpn(const char *approach, int n_syncs, bool vpn,
                          SyncRun *out)
{
    NetRig r;
    netrig_open(&r, approach, N_MSGS, vpn);
    for (int k = 0; k < n_syncs; k++)
        sync_at(&r, 0, (2 + 20 * (hs_time)k) * HS_S);
    hs_time end = (2 + 20 * RUN_SYNCS) * HS_S;
    assert_int_equal(machine_run_until(r.m, end), 0);
    const NetStackStats *st = netstack_stats(r.ns);
    if (st->errors)
        print_error("netstack: %s\n", st->last_error);
    assert_int_equal(st->errors, 0);
    no_faults(&r);
    memset(out, 0, sizeof *out);
    memcpy(out->lat, r.lat, sizeof r.lat);
    out->n = r.n_lat;
    out->done = st->syncs_done;
    out->failed = st->syncs_failed;
    out->blocked = st->blocked;
    out->counts = *machine_counts(r.m);
    out->instructions = machine_instructions(r.m, 0);
    out->violations = flow_violations(r.flows);
    Rrc *rrc = bb_rrc(r.bb);
    out->promotions = rrc->promotions;
    out->radio_mj = power_energy_to_mj(
        power_energy_component_domain(machine_meter(r.m), rrc->comp, 0, end));
    for (size_t i = 0; i < flow_record_count(r.flows); i++) {
        const FlowRecord *fr = flow_record_at(r.flows, i);
        if (strstr(fr->path, "crypto-") && fr->label == FLOW_UNCLASSIFIED &&
            fr->verdict == FLOW_ALLOWED)
            out->crypto_path = true;
        if (strncmp(fr->path, "secret>crypto app>", 18) == 0 &&
            fr->label == FLOW_UNCLASSIFIED && fr->verdict == FLOW_ALLOWED)
            out->app_path = true;
    }
    out->st = *st;
    out->seq_bad = r.seq[0][0].bad + r.seq[0][1].bad;
    netrig_free(&r);
}

static void run_syncs(const char *approach, int n_syncs, SyncRun *out)
{
    run_syncs_vpn(approach, n_syncs, false, out);
}

static hs_time pct(const SyncRun *s, unsigned p)
{
    hs_time v[MAX_SYNCS];
    if (s->n == 0)
        return 0;
    memcpy(v, s->lat, sizeof v);
    for (unsigned i = 0; i < s->n; i++) /* insertion sort, a few samples */
        for (unsigned j = i; j > 0 && v[j - 1] > v[j]; j--) {
            hs_time t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    unsigned rank = (p * s->n + 99) / 100; /* nearest rank */
    return v[rank - 1];
}

static hs_time p95(const SyncRun *s)
{
    return pct(s, 95);
}

/* Prints the figures of s against the run without syncs. */
static void show(const char *approach, const SyncRun *s, const SyncRun *base)
{
    double n = s->n ? (double)s->n : 1.0;
    print_message(
        "netstack: %-11s syncs %u/%d p50 %.1f ms p95 %.1f ms; per sync: "
        "vm_switches %.0f, copies %.0f B, syscalls %.0f, radio %.1f mJ\n",
        approach, s->n, RUN_SYNCS, (double)pct(s, 50) / HS_MS,
        (double)p95(s) / HS_MS,
        (double)(s->counts.ops.vm_switches - base->counts.ops.vm_switches) / n,
        (double)(s->counts.ops.copies_bytes - base->counts.ops.copies_bytes) /
            n,
        (double)(s->counts.ops.syscalls - base->counts.ops.syscalls) / n,
        (s->radio_mj - base->radio_mj) / n);
}

static void test_mail_sync_hyp_mils_vs_native(void **state)
{
    (void)state;
    SyncRun nat, mils, nat0, mils0;
    run_syncs("native", RUN_SYNCS, &nat);
    run_syncs("hyp-mils", RUN_SYNCS, &mils);
    run_syncs("native", 0, &nat0);
    run_syncs("hyp-mils", 0, &mils0);
    show("native", &nat, &nat0);
    show("hyp-mils", &mils, &mils0);
    assert_int_equal(nat.n, RUN_SYNCS);
    assert_int_equal(mils.n, RUN_SYNCS);
    /* the secret domain's packets take the crypto VM and the net VM */
    assert_int_equal(nat.counts.ops.vm_switches, 0);
    /* (VM switches under hyp-mils are the table's own, at every slice
     * boundary, with or without syncs: the hops are hypercalls) */
    assert_int_equal(nat.counts.ops.hypercalls, 0);
    assert_true(mils.counts.ops.hypercalls - mils0.counts.ops.hypercalls > 0);
    assert_true(mils.counts.ops.copies_bytes - mils0.counts.ops.copies_bytes >
                nat.counts.ops.copies_bytes - nat0.counts.ops.copies_bytes);
    assert_true(mils.crypto_path);
    /* encrypted by the crypto VM: not a violation; native sends cleartext */
    assert_int_equal(mils.violations, 0);
    assert_true(nat.violations > 0);
    /* slices, switches and copies cost time */
    assert_true(p95(&mils) > p95(&nat));
    /* every sync (from idle after 20 s) promotes the radio */
    assert_true(nat.promotions >= RUN_SYNCS);
    assert_true(nat.radio_mj > 0.0 && mils.radio_mj > 0.0);
}

static void test_mail_sync_deterministic(void **state)
{
    (void)state;
    SyncRun a, b;
    run_syncs("hyp-mils", RUN_SYNCS, &a);
    run_syncs("hyp-mils", RUN_SYNCS, &b);
    assert_int_equal(a.n, b.n);
    assert_memory_equal(a.lat, b.lat, sizeof a.lat);
    assert_memory_equal(&a.counts, &b.counts, sizeof a.counts);
    assert_int_equal(a.instructions, b.instructions);
}

/* The secret domain's syncs under every approach: where no crypto VM
 * encrypts on the path, the policy decides whether its cleartext may
 * reach the unclassified network. */
static void test_mail_sync_every_approach(void **state)
{
    (void)state;
    static const char *const names[] = {"native", "selinux-mls", "hyp-mils",
                                        "hyp-pv", "trustzone",   "containers"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        SyncRun s, base;
        run_syncs(names[i], RUN_SYNCS, &s);
        run_syncs(names[i], 0, &base);
        show(names[i], &s, &base);
        bool mls = strcmp(names[i], "selinux-mls") == 0 ||
                   strcmp(names[i], "containers") == 0;
        bool crypto_vm = strncmp(names[i], "hyp-", 4) == 0;
        if (mls) { /* no write down: the SYN never leaves */
            assert_int_equal(s.done, 0);
            assert_int_equal(s.failed, RUN_SYNCS);
            assert_true(s.blocked >= RUN_SYNCS);
            assert_int_equal(s.violations, 0);
            assert_true(s.radio_mj == 0.0);
        } else {
            assert_int_equal(s.done, RUN_SYNCS);
            assert_int_equal(s.violations > 0, !crypto_vm);
            assert_int_equal(s.crypto_path, crypto_vm);
        }
    }
}

/* More messages, more guest instructions: the parsing is real work. */
static void test_mail_work_scales_with_bytes(void **state)
{
    (void)state;
    uint64_t ins[2];
    for (int k = 0; k < 2; k++) {
        NetRig r;
        netrig_init(&r, "native", k == 0 ? 1 : 4);
        sync_at(&r, 0, 2 * HS_S);
        assert_int_equal(machine_run_until(r.m, 20 * HS_S), 0);
        assert_int_equal(netstack_stats(r.ns)->syncs_done, 1);
        ins[k] = machine_instructions(r.m, 0);
        netrig_free(&r);
    }
    print_message("netstack: instructions 1 message %llu, 4 messages %llu\n",
                  (unsigned long long)ins[0], (unsigned long long)ins[1]);
    assert_true(ins[1] > ins[0] + 2 * (ins[0] / 2));
}

/* The download: guest code fetches `bytes` over HTTP and hashes them. */
static void test_download(void **state)
{
    (void)state;
    NetRig r;
    char err[256];
    netrig_init(&r, "native", 1);
    assert_int_equal(machine_run_until(r.m, 2 * HS_S), 0);
    const uint64_t bytes = 300000;
    ScenarioEvent ev = {.action = SCENARIO_ACTION_DOWNLOAD,
                        .domain = 1,
                        .peer = 1,
                        .bytes = bytes};
    assert_int_equal(netstack_action(r.ns, &ev, 0, 2 * HS_S, err, sizeof err),
                     0);
    assert_int_equal(machine_run_until(r.m, 20 * HS_S), 0);
    const NetStackStats *st = netstack_stats(r.ns);
    if (st->errors)
        print_error("netstack: %s\n", st->last_error);
    assert_int_equal(st->errors, 0);
    assert_int_equal(st->gets_done, 1);
    HsNetGetIo io;
    GuestDma dma = machine_dma(r.m);
    assert_int_equal(dma_read(&dma, 1, HS_NET_GET_IO_ADDR, &io, sizeof io), 0);
    assert_int_equal(io.status, 0);
    assert_int_equal(io.http_status, 200);
    assert_int_equal(io.body_bytes, bytes);
    uint64_t h = HS_NET_GET_FNV_OFFSET;
    uint64_t seed = r.sc.seed ^ sim_hash_name("web");
    for (uint64_t i = 0; i < bytes; i++)
        h = (h ^ netpeer_web_body_byte(seed, i)) * HS_NET_GET_FNV_PRIME;
    assert_true(io.hash == h);
    assert_int_equal(r.seq[1][0].bad, 0);
    assert_int_equal(r.seq[1][1].bad, 0);
    /* the unclassified domain's download is no violation */
    assert_int_equal(flow_violations(r.flows), 0);
    netrig_free(&r);
}

/* The covert channel through the radio's RRC state: the secret sender
 * opens a connection (or not) at the start of each 12 s symbol; the
 * unclassified receiver times its own handshake in the middle of it: an
 * RRC promotion (0.26 s) means the radio had gone idle, so the sender
 * sent nothing. */
#define COVERT_REQ_ADDR (HS_IO_BASE + 0xd0000)
#define COVERT_SYMBOLS 16
#define COVERT_PERIOD_NS (12ULL * 1000000000ULL)

static void covert_start_at(NetRig *r, int domain, uint32_t call,
                            uint32_t symbols, uint64_t period_ns,
                            uint64_t threshold_ns)
{
    HsCovertRequest req = {
        .seed = 11,
        .period_ns = period_ns,
        .start_ns = 10ULL * 1000000000ULL,
        .threshold_ns = threshold_ns,
        .symbols = symbols,
        .mode = HS_COVERT_RADIO,
        .wakelock_id = 1, /* the web peer */
    };
    GuestDma dma = machine_dma(r->m);
    assert_int_equal(dma_write(&dma, domain, COVERT_REQ_ADDR, &req, sizeof req),
                     0);
    assert_int_equal(
        machine_inject(r->m, domain, HS_EV_CALL, call, COVERT_REQ_ADDR), 0);
}

static void covert_start(NetRig *r, int domain, uint32_t call)
{
    covert_start_at(r, domain, call, COVERT_SYMBOLS, COVERT_PERIOD_NS,
                    130ULL * 1000000ULL);
}

static HsCovertRequest covert_result(NetRig *r, int domain)
{
    HsCovertRequest req;
    GuestDma dma = machine_dma(r->m);
    assert_int_equal(dma_read(&dma, domain, COVERT_REQ_ADDR, &req, sizeof req),
                     0);
    return req;
}

static void test_covert_radio(void **state)
{
    (void)state;
    NetRig r;
    netrig_init(&r, "native", 1);
    assert_int_equal(machine_run_until(r.m, 1 * HS_S), 0);
    covert_start(&r, 0, HS_CALL_COVERT_TX);
    covert_start(&r, 1, HS_CALL_COVERT_RX);
    hs_time end = (10 + 12 * (COVERT_SYMBOLS + 1)) * HS_S;
    assert_int_equal(machine_run_until(r.m, end), 0);
    no_faults(&r);
    assert_int_equal(netstack_stats(r.ns)->errors, 0);
    HsCovertRequest tx = covert_result(&r, 0), rx = covert_result(&r, 1);
    print_message("netstack: covert radio: %u ones sent, %u decoded, %u "
                  "errors in %u symbols\n",
                  tx.ones, rx.ones, rx.errors, COVERT_SYMBOLS);
    assert_int_equal(tx.status, 0);
    assert_int_equal(rx.status, 0);
    /* both symbols occur, and the receiver beats a coin by far */
    assert_true(tx.ones > 0 && tx.ones < COVERT_SYMBOLS);
    assert_true(rx.errors * 4 < COVERT_SYMBOLS);
    netrig_free(&r);
}

/* The secret domain runs its crypto app: under every approach without a
 * crypto VM its packets go through the app's tunnel, sealed by guest
 * code on its own vCPU, so its syncs complete with no violation even
 * where the MLS policy refused its cleartext. */
static void test_vpn_one_kernel_approaches(void **state)
{
    (void)state;
    static const char *const names[] = {"native", "selinux-mls", "trustzone",
                                        "containers"};
    SyncRun plain;
    run_syncs("native", RUN_SYNCS, &plain);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        SyncRun v;
        run_syncs_vpn(names[i], RUN_SYNCS, true, &v);
        const NetStackStats *st = &v.st;
        print_message("netstack: vpn %-11s syncs %u/%d p50 %.1f ms p95 %.1f "
                      "ms; sealed %llu opened %llu; %llu instructions "
                      "(native without vpn %llu)\n",
                      names[i], v.n, RUN_SYNCS, (double)pct(&v, 50) / HS_MS,
                      (double)p95(&v) / HS_MS,
                      (unsigned long long)st->tun_sealed,
                      (unsigned long long)st->tun_opened,
                      (unsigned long long)v.instructions,
                      (unsigned long long)plain.instructions);
        assert_int_equal(v.done, RUN_SYNCS);
        assert_int_equal(v.failed, 0);
        assert_int_equal(v.blocked, 0);
        assert_int_equal(v.violations, 0);
        assert_true(v.app_path);
        assert_false(v.crypto_path);
        assert_int_equal(v.seq_bad, 0);
        assert_int_equal(st->tun_rejected, 0);
        assert_int_equal(st->tun_failed, 0);
        /* every segment the kernel sent went sealed, 60 bytes longer */
        assert_true(st->tun_sealed > 0 && st->tun_opened > 0);
        assert_int_equal(st->tun_vm_sealed, 0); /* all the app's */
        assert_int_equal(st->tun_vm_opened, 0);
        assert_int_equal(st->tun_packets_out, st->packets_out);
        assert_int_equal(st->tun_bytes_out,
                         st->bytes_out + 60 * st->packets_out);
        assert_true(st->tun_opened >= st->packets_in);
        /* the AEAD is guest work: well over a ChaCha20 block and a
         * Poly1305 block per packet on top of the plain syncs */
        assert_true(v.instructions >
                    plain.instructions +
                        1000 * (st->tun_sealed + st->tun_opened));
    }
}

/* Under hyp-mils the crypto VM is the tunnel's end: it seals and opens
 * every packet of the secret domain, so the domain's app is not on the
 * path and the run is the same with it as without it. */
static void test_vpn_hyp_mils_crypto_vm_seals(void **state)
{
    (void)state;
    SyncRun with, without;
    run_syncs_vpn("hyp-mils", RUN_SYNCS, true, &with);
    run_syncs("hyp-mils", RUN_SYNCS, &without);
    const NetStackStats *st = &with.st;
    assert_true(st->tun_sealed > 0 && st->tun_opened > 0);
    /* the VM's, none the guest app's */
    assert_int_equal(st->tun_vm_sealed, st->tun_sealed);
    assert_int_equal(st->tun_vm_opened, st->tun_opened);
    assert_int_equal(with.n, without.n);
    assert_memory_equal(with.lat, without.lat, sizeof with.lat);
    assert_memory_equal(&with.counts, &without.counts, sizeof with.counts);
    assert_int_equal(with.instructions, without.instructions);
    assert_memory_equal(&with.st, &without.st, sizeof with.st);
    assert_int_equal(with.violations, 0);
    assert_true(with.crypto_path);
    assert_false(with.app_path);
}

/* Under hyp-mils, with no crypto app at all, the secret domain's syncs
 * complete and every segment leaves in the tunnel, 60 bytes longer
 * (IPv4, UDP, WireGuard header, tag), as under the one-kernel approaches
 * with the app; the gateway accepts every seal and the VM every reply. */
static void test_vpn_hyp_mils_wire(void **state)
{
    (void)state;
    SyncRun s;
    run_syncs("hyp-mils", RUN_SYNCS, &s);
    const NetStackStats *st = &s.st;
    print_message("netstack: hyp-mils tunnel: %llu segments, %llu B inside, "
                  "%llu B on the wire; %llu opened\n",
                  (unsigned long long)st->packets_out,
                  (unsigned long long)st->bytes_out,
                  (unsigned long long)st->tun_bytes_out,
                  (unsigned long long)st->tun_opened);
    assert_int_equal(s.done, RUN_SYNCS);
    assert_int_equal(s.failed, 0);
    assert_int_equal(s.n, RUN_SYNCS);
    assert_int_equal(s.seq_bad, 0);
    assert_true(st->packets_out > 0);
    assert_int_equal(st->tun_packets_out, st->packets_out);
    assert_int_equal(st->tun_vm_sealed, st->packets_out);
    assert_int_equal(st->tun_bytes_out, st->bytes_out + 60 * st->packets_out);
    assert_int_equal(st->tun_rejected, 0);
    assert_int_equal(st->tun_vm_opened, st->packets_in);
    assert_int_equal(st->tun_bytes_in, st->bytes_in + 60 * st->tun_packets_in);
    assert_int_equal(st->dropped, 0);
    assert_int_equal(s.violations, 0);
}

static void test_vpn_deterministic(void **state)
{
    (void)state;
    SyncRun a, b;
    run_syncs_vpn("selinux-mls", RUN_SYNCS, true, &a);
    run_syncs_vpn("selinux-mls", RUN_SYNCS, true, &b);
    assert_int_equal(a.n, RUN_SYNCS);
    assert_memory_equal(a.lat, b.lat, sizeof a.lat);
    assert_memory_equal(&a.counts, &b.counts, sizeof a.counts);
    assert_int_equal(a.instructions, b.instructions);
    assert_int_equal(a.st.tun_bytes_in, b.st.tun_bytes_in);
}

/* The gateway opens what reaches it: a tunnel packet with a wrong tag
 * never reaches the server. */
static void test_vpn_gateway_rejects_bad_seal(void **state)
{
    (void)state;
    NetRig r;
    char err[128];
    netrig_open(&r, "native", N_MSGS, true);
    uint8_t payload[16 + 100 + 16] = {4}; /* type 4, receiver 0, counter 0 */
    uint8_t pkt[256];
    IpEndpoint src = {IP_PHONE_ADDR, 39000}, dst = {IP_MAIL_ADDR, 51820};
    int n = ip_build_udp(pkt, sizeof pkt, src, dst, 1, IP_DSCP_DEFAULT, payload,
                         sizeof payload, err, sizeof err);
    assert_true(n > 0);
    assert_true(netstack_uplink(r.ns, pkt, (size_t)n, 0, 0));
    assert_int_equal(netstack_stats(r.ns)->tun_rejected, 1);
    /* the unclassified domain has no tunnel: not the stack's packet */
    src.port = 39001;
    n = ip_build_udp(pkt, sizeof pkt, src, dst, 2, IP_DSCP_DEFAULT, payload,
                     sizeof payload, err, sizeof err);
    assert_false(netstack_uplink(r.ns, pkt, (size_t)n, 0, 0));
    netrig_free(&r);
}

/* Many more connections than the modem driver has port entries, one
 * after another on fresh ports (the receiver's probes, alone): every
 * handshake still completes. A probe times out a quarter period after it
 * starts (0.5 s here), and the threshold sits below that, so a decoded 1
 * is a SYN-ACK that reached the kernel. The driver's port table once
 * filled after 64 ports and sent every later reply to no domain, which
 * left the radio channel at a bit error rate of 0.25 over 100 symbols. */
#define MANY_CONNECTIONS 150

static void test_many_connections(void **state)
{
    (void)state;
    NetRig r;
    netrig_init(&r, "native", 1);
    assert_int_equal(machine_run_until(r.m, 1 * HS_S), 0);
    covert_start_at(&r, 1, HS_CALL_COVERT_RX, MANY_CONNECTIONS,
                    2ULL * 1000000000ULL, 450ULL * 1000000ULL);
    hs_time end = (10 + 2 * (MANY_CONNECTIONS + 1)) * HS_S;
    assert_int_equal(machine_run_until(r.m, end), 0);
    no_faults(&r);
    const NetStackStats *st = netstack_stats(r.ns);
    assert_int_equal(st->errors, 0);
    assert_int_equal(st->connections, MANY_CONNECTIONS);
    HsCovertRequest rx = covert_result(&r, 1);
    assert_int_equal(rx.status, 0);
    assert_int_equal(rx.ones, MANY_CONNECTIONS);
    assert_int_equal(r.bearer.dropped, 0);
    assert_true(r.bearer.ports.replaced > 0);
    netrig_free(&r);
}

/* A segment that cannot belong to its connection (an ACK of bytes the
 * phone never sent) is a TCP model error: netstack_finish says so in one
 * line and returns PART_MODEL_ERROR (the run's own exit status), not a
 * host error; without one it returns 0 and counts nothing retransmitted
 * on a loss-free link. */
static void test_model_error_is_a_model_failure(void **state)
{
    (void)state;
    NetRig r;
    char err[512];
    netrig_init(&r, "native", N_MSGS);
    sync_at(&r, 0, 2 * HS_S);
    assert_int_equal(machine_run_until(r.m, 2 * HS_S + 500 * HS_MS), 0);
    assert_true(r.seq[0][1].started);
    Results *res = results_new("t", "default", "native", "ref", 1);
    assert_non_null(res);
    assert_int_equal(netstack_finish(r.ns, res, err, sizeof err), 0);
    uint32_t addr;
    uint16_t port;
    assert_true(netstack_peer_endpoint(r.ns, 0, &addr, &port));
    IpTcpHeader h = {.src = {addr, port},
                     .dst = {IP_PHONE_ADDR, IP_PHONE_TCP_PORT_MIN},
                     .seq = 1,
                     .ack = r.seq[0][1].next + 100000,
                     .flags = IP_TCP_ACK,
                     .window = 100};
    uint8_t pkt[64];
    int n = ip_build_tcp(pkt, sizeof pkt, &h, NULL, 0, err, sizeof err);
    assert_true(n > 0);
    netstack_rx(r.ns, pkt, (size_t)n, sim_now(r.sim));
    assert_int_equal(machine_run_until(r.m, 3 * HS_S), 0);
    assert_int_equal(netstack_stats(r.ns)->errors, 1);
    Results *res2 = results_new("t", "default", "native", "ref", 1);
    assert_non_null(res2);
    assert_int_equal(netstack_finish(r.ns, res2, err, sizeof err),
                     PART_MODEL_ERROR);
    assert_non_null(strstr(err, "model error: "));
    assert_non_null(strstr(err, "never sent"));
    assert_null(strchr(err, '\n'));
    results_free(res);
    results_free(res2);
    netrig_free(&r);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_mail_sync_native),
    cmocka_unit_test(test_mail_sync_hyp_mils_vs_native),
    cmocka_unit_test(test_mail_sync_deterministic),
    cmocka_unit_test(test_mail_sync_every_approach),
    cmocka_unit_test(test_mail_work_scales_with_bytes),
    cmocka_unit_test(test_download),
    cmocka_unit_test(test_covert_radio),
    cmocka_unit_test(test_vpn_one_kernel_approaches),
    cmocka_unit_test(test_vpn_hyp_mils_crypto_vm_seals),
    cmocka_unit_test(test_vpn_hyp_mils_wire),
    cmocka_unit_test(test_vpn_deterministic),
    cmocka_unit_test(test_vpn_gateway_rejects_bad_seal),
    cmocka_unit_test(test_many_connections),
    cmocka_unit_test(test_model_error_is_a_model_failure),
};

HS_TEST_GROUP(netstack, tests)
