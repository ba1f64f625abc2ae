/*
 * netstack.c - the domains' kernels' TCP, the socket device, the peers'
 * links and the mail-sync / download actions (netstack.h).
 */
#include "phone/netstack_int.h"

#include <math.h>

#include "phone/display.h"
#include "phone/part.h"

/* ---- packets in flight ------------------------------------------------- */

static void on_pkt(Sim *sim, void *ctx, hs_time now);

/* ---- small helpers ----------------------------------------------------- */

void netstack_note_error(NetStack *ns, const char *what, const char *why)
{
    ns->st.errors++;
    snprintf(ns->st.last_error, sizeof ns->st.last_error, "%s: %s", what, why);
}

/* The lossy link (net.loss_ppm): whether this packet is lost, drawn
 * from the run's stream "net.loss" (nothing is drawn without loss). */
bool netstack_lost(NetStack *ns)
{
    if (ns->loss_ppm == 0 ||
        sim_rng_uniform(ns->loss_rng) * 1e6 >= (double)ns->loss_ppm)
        return false;
    ns->st.lost++;
    return true;
}

hs_time netstack_later(hs_time a, hs_time b)
{
    return a > b ? a : b;
}

/* Time to put len bytes on a link of bps bit/s. */
hs_time netstack_serialise(size_t len, double bps)
{
    return (hs_time)((double)len * 8.0 * (double)HS_S / bps);
}

/* A draw of a scenario distribution (values in the field's unit). */
static double dist_draw(const ScenarioDist *d, SimRng *r)
{
    switch (d->kind) {
    case SCENARIO_DIST_UNIFORM:
        return (double)d->a + (double)(d->b - d->a) * sim_rng_uniform(r);
    case SCENARIO_DIST_EXPONENTIAL:
        return sim_rng_exponential(r, (double)d->a);
    case SCENARIO_DIST_LOGNORMAL:
        return sim_rng_lognormal(r, log((double)d->a),
                                 (double)d->sigma_ppm / 1e6);
    default:
        return (double)d->a;
    }
}

static const ScenarioPeer *peer_at(const NetStack *ns, int p)
{
    if (p < 0 || (size_t)p >= ns->env.sc->n_peers)
        return NULL;
    return &ns->env.sc->peers[p];
}

bool netstack_peer_endpoint(const NetStack *ns, int p, uint32_t *addr,
                            uint16_t *port)
{
    const ScenarioPeer *peer = peer_at(ns, p);
    if (!peer || (peer->kind != SCENARIO_PEER_MAIL_SERVER &&
                  peer->kind != SCENARIO_PEER_WEB_SERVER))
        return false;
    unsigned k = 0;
    for (int i = 0; i < p; i++)
        k += ns->env.sc->peers[i].kind == peer->kind;
    bool mail = peer->kind == SCENARIO_PEER_MAIL_SERVER;
    *addr = (mail ? IP_MAIL_ADDR : IP_WEB_ADDR) + k;
    *port = mail ? IP_IMAP_PORT : NET_HTTP_PORT;
    return true;
}

uint64_t netstack_mail_seed(const NetStack *ns, int domain)
{
    if (domain < 0 || (size_t)domain >= ns->n_domains)
        return 0;
    return ns->dom[domain].mail_seed;
}

static void sock_event(NsSock *s)
{
    NetStack *ns = s->ns;
    NsDomain *d = &ns->dom[s->domain];
    bool was = d->events != 0;
    d->events |= 1u << s->index;
    if (!was)
        machine_raise_irq(ns->env.m, s->domain, 1u << HS_IRQ_SOCK);
}

void netstack_sock_fail(NsSock *s)
{
    s->state = HS_SOCK_ST_FAILED;
    /* abandoned: its retransmission timers stop (timer_sync) */
    sim_cancel(s->ns->sim, &s->rto[IP_TCP_CLIENT]);
    sim_cancel(s->ns->sim, &s->rto[IP_TCP_SERVER]);
    sim_cancel(s->ns->sim, &s->delack);
    sock_event(s);
}

/* Puts a packet in flight for socket s (or, with s NULL, the tunnel of
 * domain) on leg, arriving at when. */
int netstack_pkt_send(NetStack *ns, NsSock *s, int domain, NsLeg leg,
                      bool tunnel, const uint8_t *data, size_t len,
                      hs_time when)
{
    if (len > NS_PKT_BYTES) {
        netstack_note_error(ns, "packet", "longer than a slot");
        return -1;
    }
    for (size_t i = 0; i < NS_PKT_SLOTS; i++) {
        NsPkt *p = &ns->pkt[i];
        if (p->used)
            continue;
        p->used = true;
        p->ns = ns;
        p->sock = s;
        p->domain = domain;
        p->tunnel = tunnel;
        p->gen = s ? s->gen : 0;
        p->leg = leg;
        p->len = (uint32_t)len;
        memcpy(p->data, data, len);
        return sim_call_at(ns->sim, netstack_later(when, sim_now(ns->sim)),
                           "net-pkt", on_pkt, p, 0);
    }
    /* every slot is taken: the guest sent faster than the model carries
     * (a flood); the packet is lost and its socket fails */
    ns->st.slots_full++;
    if (s)
        netstack_sock_fail(s);
    return -1;
}

int netstack_pkt_schedule(NsSock *s, NsLeg leg, const uint8_t *data, size_t len,
                          hs_time when)
{
    return netstack_pkt_send(s->ns, s, s->domain, leg, false, data, len, when);
}

/* The flow label of a packet leaving domain along hops, and whether the
 * approach lets it go; reported to the flow monitor. sealer names the
 * domain's own app that sealed it first, or is NULL. */
static bool label_and_check(NetStack *ns, int domain, const char *sealer,
                            const VirtHop *hops, size_t n_hops, size_t len,
                            hs_time when)
{
    Machine *m = ns->env.m;
    char path[256];
    int at = snprintf(path, sizeof path, "%s", machine_domain_name(m, domain));
    bool encrypted = sealer != NULL;
    if (sealer)
        at += snprintf(path + at, sizeof path - (size_t)at, ">%s", sealer);
    for (size_t i = 0; i < n_hops && at < (int)sizeof path; i++) {
        encrypted |= hops[i].encrypts;
        at += snprintf(path + at, sizeof path - (size_t)at, ">%s",
                       hops[i].component);
    }
    if (at < (int)sizeof path)
        snprintf(path + at, sizeof path - (size_t)at, ">network");
    int level = encrypted ? FLOW_UNCLASSIFIED : machine_domain_level(m, domain);
    bool allowed =
        machine_approach(m)->flow_allowed(m, level, FLOW_UNCLASSIFIED);
    FlowTransfer t = {
        .from = machine_domain_name(m, domain),
        .label = (FlowLabel)level,
        .to = "network",
        .clearance = FLOW_UNCLASSIFIED,
        .bytes = len,
        .path = path,
        .allowed = allowed,
        .when = when,
    };
    flow_report(ns->env.flows, &t);
    return allowed;
}

static void io_done(void *ctx, hs_time done, bool ok)
{
    NsIo *io = ctx;
    NetStack *ns = io->ns;
    if (!ok || (io->s && (io->s->gen != io->gen || !io->s->live)))
        ns->st.dropped++;
    else
        io->then(io, done);
    free(io);
}

int netstack_io(NetStack *ns, NsSock *s, int domain, MachineIoDir dir,
                bool tunnel, const uint8_t *pkt, size_t len, hs_time when,
                NsIoThen then, VirtHop *hops, size_t *n_hops)
{
    NsIo *io = len <= NS_PKT_BYTES ? malloc(sizeof *io) : NULL;
    if (!io) {
        ns->st.dropped++;
        return -1;
    }
    io->ns = ns;
    io->s = s;
    io->domain = domain;
    io->gen = s ? s->gen : 0;
    io->tunnel = tunnel;
    io->then = then;
    io->len = len;
    memcpy(io->data, pkt, len);
    /* the name its kernel work carries in the trace */
    const char *what =
        tunnel ? (dir == MACHINE_IO_IN ? "vpn in" : "vpn out")
               : (dir == MACHINE_IO_IN ? "tcp/ip in" : "tcp/ip out");
    if (machine_io_named(ns->env.m, what, domain, VIRT_IO_NET, dir, len, when,
                         io_done, io, hops, n_hops) < 0) {
        free(io);
        ns->st.dropped++;
        return -1;
    }
    return 0;
}

/* The packet is through the path: on to the bearer. */
static void out_done(NsIo *io, hs_time done)
{
    netstack_pkt_send(io->ns, io->s, io->domain, NS_LEG_TX, io->tunnel,
                      io->data, io->len, done);
}

/* A packet leaves the domain's kernel (a segment, or a tunnel packet:
 * sealed by the domain's app `sealer`, or with sealer NULL by the crypto
 * VM on the path): down the approach's path, each hop done by whoever
 * does it when the approach runs them, then to the bearer. */
int netstack_path_out(NsSock *s, const char *sealer, bool tunnel,
                      const uint8_t *pkt, size_t len, hs_time at)
{
    NetStack *ns = s->ns;
    Machine *m = ns->env.m;
    VirtHop hops[VIRT_MAX_HOPS];
    size_t n_hops = machine_io_path(m, s->domain, VIRT_IO_NET, len, hops);
    hs_time t0 =
        netstack_later(s->tx_last, netstack_later(at, sim_now(ns->sim)));
    if (!label_and_check(ns, s->domain, sealer, hops, n_hops, len, t0)) {
        ns->st.blocked++;
        netstack_sock_fail(s);
        return -1;
    }
    s->tx_last = t0;
    return netstack_io(ns, s, s->domain, MACHINE_IO_OUT, tunnel, pkt, len, t0,
                       out_done, NULL, NULL);
}

/* A segment the domain's kernel sends: to the crypto VM's tunnel or the
 * VPN app's tun when the domain has one, else straight out. */
static int kernel_out(void *ctx, IpTcpSide from, const uint8_t *pkt, size_t len)
{
    NsSock *s = ctx;
    (void)from;
    const NsTun *t = &s->ns->dom[s->domain].tun;
    if (t->on)
        return t->vm ? netstack_tun_vm_seal(s, pkt, len)
                     : netstack_tun_seal_submit(s, pkt, len);
    return netstack_path_out(s, NULL, false, pkt, len, 0);
}

static int kernel_control(NsSock *s, uint8_t flags)
{
    uint8_t buf[128];
    char err[160];
    int n = ip_tcp_control(&s->flow, IP_TCP_CLIENT, flags, buf, sizeof buf, err,
                           sizeof err);
    if (n < 0) {
        netstack_note_error(s->ns, "client control", err);
        return -1;
    }
    return kernel_out(s, IP_TCP_CLIENT, buf, (size_t)n);
}

/* The server sends a segment: through the domain's VPN gateway if it has
 * one, its downlink, then half the round trip. */
static int server_out(void *ctx, IpTcpSide from, const uint8_t *pkt, size_t len)
{
    NsSock *s = ctx;
    (void)from;
    uint8_t sealed[NS_PKT_BYTES];
    if (s->ns->dom[s->domain].tun.on) {
        int n = netstack_gateway_seal(s, pkt, len, sealed, sizeof sealed);
        if (n < 0)
            return -1;
        pkt = sealed;
        len = (size_t)n;
    }
    s->down_free = netstack_later(s->down_free, sim_now(s->ns->sim)) +
                   netstack_serialise(len, s->down_bps);
    return netstack_pkt_schedule(s, NS_LEG_CELL, pkt, len,
                                 s->down_free + s->one_way);
}

/* ---- retransmission and delayed-ACK timers ---------------------------- */

/* Keeps end side's retransmission timer at the flow's deadline. A
 * failed socket (its packet refused by the policy or a full slot table,
 * the app told) is abandoned: nothing of it is sent again. */
static void timer_sync(NsSock *s, IpTcpSide side)
{
    NetStack *ns = s->ns;
    SimEvent *ev = &s->rto[side];
    bool on = s->live && s->state != HS_SOCK_ST_FAILED;
    hs_time at = on ? s->flow.end[side].rto_at : 0;
    if (at == 0) {
        sim_cancel(ns->sim, ev);
        return;
    }
    at = netstack_later(at, sim_now(ns->sim));
    if (sim_event_pending(ev) && ev->when == at)
        return;
    sim_schedule_at(ns->sim, ev, at);
}

static void timers_sync(NsSock *s)
{
    timer_sync(s, IP_TCP_CLIENT);
    timer_sync(s, IP_TCP_SERVER);
    if (!s->live || s->unacked == 0)
        sim_cancel(s->ns->sim, &s->delack);
}

/* Adds a connection's retransmissions to the closed connections' sums. */
static void tcp_totals_add(NetStack *ns, const NsSock *s, uint64_t *phone,
                           uint64_t *peers)
{
    (void)ns;
    *phone += s->flow.end[IP_TCP_CLIENT].retransmits;
    *peers += s->flow.end[IP_TCP_SERVER].retransmits;
}

static void sock_drop(NsSock *s);

/* A side gave up after IP_TCP_RETRIES timeouts: the connection is dead
 * (as after a reset) and the app sees its socket fail. */
static void give_up(NsSock *s)
{
    s->ns->st.gave_up++;
    sock_drop(s);
    netstack_sock_fail(s);
}

static void on_rto(NsSock *s, IpTcpSide side, hs_time now)
{
    char err[160];
    if (!s->live || s->state == HS_SOCK_ST_FAILED)
        return;
    s->flow.clock = now;
    int rc = ip_tcp_timeout(&s->flow, side,
                            side == IP_TCP_CLIENT ? kernel_out : server_out, s,
                            err, sizeof err);
    if (rc == -2) {
        give_up(s);
        return;
    }
    if (rc < 0 && s->state != HS_SOCK_ST_FAILED)
        netstack_note_error(
            s->ns, side == IP_TCP_CLIENT ? "client timeout" : "server timeout",
            err);
    timers_sync(s);
}

static void on_rto_client(Sim *sim, void *ctx, hs_time now)
{
    (void)sim;
    on_rto(ctx, IP_TCP_CLIENT, now);
}

static void on_rto_server(Sim *sim, void *ctx, hs_time now)
{
    (void)sim;
    on_rto(ctx, IP_TCP_SERVER, now);
}

/* The ACK the client held back for a second segment goes out now. */
static void on_delack(Sim *sim, void *ctx, hs_time now)
{
    NsSock *s = ctx;
    (void)sim;
    if (!s->live || s->unacked == 0)
        return;
    s->flow.clock = now;
    s->unacked = 0;
    kernel_control(s, IP_TCP_ACK);
    timers_sync(s);
}

static void rx_append(NsSock *s, const uint8_t *data, size_t n)
{
    if (s->rx_off == s->rx_len)
        s->rx_off = s->rx_len = 0;
    if (s->rx_len + n > s->rx_cap) {
        size_t cap = s->rx_cap ? s->rx_cap : 16384;
        while (cap < s->rx_len + n)
            cap *= 2;
        uint8_t *p = realloc(s->rx, cap);
        if (!p) {
            netstack_note_error(s->ns, "socket", "out of memory");
            return;
        }
        s->rx = p;
        s->rx_cap = cap;
    }
    memcpy(s->rx + s->rx_len, data, n);
    s->rx_len += n;
}

/* A segment reaches the domain's TCP. */
static void kernel_in(NsSock *s, const uint8_t *pkt, size_t len, hs_time now)
{
    NetStack *ns = s->ns;
    const uint8_t *data;
    size_t n;
    char err[160];
    IpTcpEnd *e = &s->flow.end[IP_TCP_CLIENT];
    s->flow.clock = now;
    int rc = ip_tcp_receive(&s->flow, IP_TCP_CLIENT, pkt, len, &data, &n, err,
                            sizeof err);
    if (rc < 0) {
        netstack_note_error(ns, "client receive", err);
        return;
    }
    ns->st.packets_in++;
    ns->st.bytes_in += len;
    if (ns->capture)
        ns->capture(ns->capture_ctx, s->domain, false, pkt, len, now);
    /* the server's ACKs called for a fast or NewReno retransmission */
    if (e->rtx_due &&
        ip_tcp_retransmit(&s->flow, IP_TCP_CLIENT, kernel_out, s, err,
                          sizeof err) < 0 &&
        s->state != HS_SOCK_ST_FAILED)
        netstack_note_error(ns, "client retransmit", err);
    if (rc == IP_TCP_RX_DUP) {
        /* a duplicate or a segment beyond a hole: ACK at once (RFC 5681
         * 4.2), the server counts duplicate ACKs */
        s->unacked = 0;
        kernel_control(s, IP_TCP_ACK);
    } else if (e->rx_flags & IP_TCP_SYN) {
        s->state = HS_SOCK_ST_OPEN;
        kernel_control(s, IP_TCP_ACK);
        sock_event(s);
    } else {
        if (n > 0) {
            rx_append(s, data, n);
            s->unacked++;
            if (s->unacked >= 2 || (e->rx_flags & IP_TCP_PSH) || e->ack_now) {
                s->unacked = 0;
                if (!(e->rx_flags & IP_TCP_FIN))
                    kernel_control(s, IP_TCP_ACK);
            }
            sock_event(s);
        }
        if (e->rx_flags & IP_TCP_FIN) {
            s->unacked = 0;
            kernel_control(s, IP_TCP_ACK);
            s->state = ip_tcp_closed(&s->flow) ? HS_SOCK_ST_CLOSED
                                               : HS_SOCK_ST_PEER_CLOSED;
            sock_event(s);
        }
    }
    if (s->live && s->unacked > 0 && !sim_event_pending(&s->delack))
        sim_schedule_at(ns->sim, &s->delack, now + NS_DELACK);
    timers_sync(s);
}

static void server_in(NsSock *s, const uint8_t *pkt, size_t len, hs_time now)
{
    char err[160];
    s->flow.clock = now;
    if (netpeer_segment(&s->srv, &s->flow, pkt, len, server_out, s, err,
                        sizeof err) < 0)
        netstack_note_error(s->ns, "server", err);
    timers_sync(s);
}

static void on_pkt(Sim *sim, void *ctx, hs_time now)
{
    NsPkt *p = ctx;
    NsSock *s = p->sock;
    NetStack *ns = p->ns;
    (void)sim;
    p->used = false;
    if (p->leg == NS_LEG_TUN) {
        netstack_tun_in(ns, p->domain, p->data, p->len);
        return;
    }
    if (p->gen != s->gen || !s->live) {
        ns->st.dropped++;
        return;
    }
    switch (p->leg) {
    case NS_LEG_TX:
        if (p->tunnel) {
            ns->st.tun_packets_out++;
            ns->st.tun_bytes_out += p->len;
        } else {
            ns->st.packets_out++;
            ns->st.bytes_out += p->len;
            if (ns->capture)
                ns->capture(ns->capture_ctx, s->domain, true, p->data, p->len,
                            now);
        }
        if (ns->links.tx(ns->links.tx_ctx, s->domain, p->data, p->len, now) < 0)
            ns->st.dropped++;
        break;
    case NS_LEG_SERVER:
        server_in(s, p->data, p->len, now);
        break;
    case NS_LEG_CELL:
        if (netstack_lost(ns))
            break; /* lost between the peer and the cell */
        if (ns->links.down(ns->links.down_ctx, p->data, p->len, now) < 0)
            ns->st.cell_full++; /* the radio's queue is full (or dead) */
        break;
    case NS_LEG_KERNEL:
        kernel_in(s, p->data, p->len, now);
        break;
    case NS_LEG_TUN:
        break;
    }
}

/* ---- the links to and from the bearer ---------------------------------- */

NsSock *netstack_sock_by_port(NetStack *ns, uint16_t local)
{
    for (size_t d = 0; d < ns->n_domains; d++)
        for (int i = 0; i < HS_SOCK_MAX; i++) {
            NsSock *s = &ns->dom[d].sock[i];
            if (s->live && s->flow.cfg.client.port == local)
                return s;
        }
    return NULL;
}

/* A segment is up the path: the domain's TCP takes it. */
static void in_done(NsIo *io, hs_time done)
{
    netstack_pkt_schedule(io->s, NS_LEG_KERNEL, io->data, io->len, done);
}

void netstack_rx(NetStack *ns, const uint8_t *pkt, size_t len, hs_time when)
{
    IpPacketView v;
    char err[128];
    if (ip_parse(pkt, len, &v, err, sizeof err) < 0) {
        ns->st.dropped++;
        return;
    }
    if (v.protocol == IP_PROTO_UDP && v.src_port == NS_TUN_PORT) {
        netstack_tun_rx(ns, pkt, len, &v, when);
        return;
    }
    if (v.protocol != IP_PROTO_TCP) {
        ns->st.dropped++;
        return;
    }
    NsSock *s = netstack_sock_by_port(ns, v.dst_port);
    if (!s || v.src != s->flow.cfg.server.addr) {
        ns->st.dropped++;
        return;
    }
    netstack_io(ns, s, s->domain, MACHINE_IO_IN, false, pkt, len, when, in_done,
                NULL, NULL);
}

bool netstack_uplink(NetStack *ns, const uint8_t *pkt, size_t len, hs_time sent,
                     hs_time through)
{
    IpPacketView v;
    char err[128];
    (void)sent;
    if (ip_parse(pkt, len, &v, err, sizeof err) < 0)
        return false;
    if (v.protocol == IP_PROTO_UDP && v.dst_port == NS_TUN_PORT)
        return netstack_lost(ns) ||
               netstack_gateway_uplink(ns, len, &v, through);
    if (v.protocol != IP_PROTO_TCP)
        return false;
    NsSock *s = netstack_sock_by_port(ns, v.src_port);
    if (!s || v.dst != s->flow.cfg.server.addr ||
        v.dst_port != s->flow.cfg.server.port)
        return false;
    if (netstack_lost(ns))
        return true; /* lost between the cell and the peer */
    s->up_free = netstack_later(s->up_free, through) +
                 netstack_serialise(len, s->up_bps);
    netstack_pkt_schedule(s, NS_LEG_SERVER, pkt, len, s->up_free + s->one_way);
    return true;
}

/* ---- socket commands --------------------------------------------------- */

static void sock_drop(NsSock *s)
{
    NetStack *ns = s->ns;
    if (s->live) {
        netpeer_free(&s->srv);
        tcp_totals_add(ns, s, &ns->st.rtx_phone, &ns->st.rtx_peers);
        ip_tcp_free(&s->flow);
    }
    sim_cancel(ns->sim, &s->rto[IP_TCP_CLIENT]);
    sim_cancel(ns->sim, &s->rto[IP_TCP_SERVER]);
    sim_cancel(ns->sim, &s->delack);
    s->live = false;
    s->gen++;
    s->rx_len = s->rx_off = 0;
    s->unacked = 0;
}

static int server_start(NsSock *s, const ScenarioPeer *peer, char *err,
                        size_t err_size)
{
    NetStack *ns = s->ns;
    NsDomain *d = &ns->dom[s->domain];
    ImapPeerConfig ic = {
        .seed = d->mail_seed,
        .user = machine_domain_name(ns->env.m, s->domain),
        .password = NS_PASSWORD,
        .messages = d->mail ? d->mail->mail.messages : 0,
        .message_bytes = d->sizes,
        .cache = &d->mail_cache,
    };
    if (peer->kind == SCENARIO_PEER_MAIL_SERVER)
        return netpeer_init(&s->srv, NET_SERVER_IMAP, &ic, d->mail_seed, err,
                            err_size);
    return netpeer_init(&s->srv, NET_SERVER_HTTP, &ic,
                        ns->env.sc->seed ^ sim_hash_name(peer->name), err,
                        err_size);
}

/* Draws the connection's path beyond the radio from the peer's
 * distributions. */
static void draw_path(NsSock *s, const ScenarioPeer *peer)
{
    char name[64];
    snprintf(name, sizeof name, "net.%s", peer->name);
    SimRng *r = sim_rng(s->ns->sim, name);
    double rtt = dist_draw(&peer->rtt, r);
    double down = dist_draw(&peer->down, r), up = dist_draw(&peer->up, r);
    s->one_way = (hs_time)(rtt > 0 ? rtt / 2 : 0);
    s->down_bps = down >= 1 ? down * 1000.0 : 1000.0;
    s->up_bps = up >= 1 ? up * 1000.0 : 1000.0;
}

static int32_t sock_connect(NsSock *s)
{
    NetStack *ns = s->ns;
    const ScenarioPeer *peer = peer_at(ns, (int)s->peer_reg);
    IpTcpConfig tc = {.mss_bytes = NS_MSS, .window_bytes = NS_WINDOW};
    char err[160];
    sock_drop(s);
    if (!netstack_peer_endpoint(ns, (int)s->peer_reg, &tc.server.addr,
                                &tc.server.port)) {
        netstack_sock_fail(s);
        return HS_EINVAL;
    }
    tc.client = (IpEndpoint){IP_PHONE_ADDR, ns->next_port};
    ns->next_port = ns->next_port == 65535 ? IP_PHONE_TCP_PORT_MIN
                                           : (uint16_t)(ns->next_port + 1);
    if (ip_tcp_init(&s->flow, &tc, ns->tcp_rng, err, sizeof err) < 0 ||
        server_start(s, peer, err, sizeof err) < 0) {
        netstack_note_error(ns, "connect", err);
        netstack_sock_fail(s);
        return HS_EIO;
    }
    s->live = true;
    s->peer = (int)s->peer_reg;
    draw_path(s, peer);
    s->up_free = s->down_free = 0;
    s->state = HS_SOCK_ST_CONNECTING;
    ns->st.connections++;
    s->flow.clock = netstack_later(s->tx_last, sim_now(ns->sim));
    int rc = kernel_control(s, IP_TCP_SYN);
    timers_sync(s);
    return rc < 0 ? HS_EIO : 0;
}

static int32_t sock_send(NsSock *s, const BusAccess *acc)
{
    NetStack *ns = s->ns;
    /* after CLOSE the FIN is out: sending is the guest's mistake */
    if ((s->state != HS_SOCK_ST_OPEN && s->state != HS_SOCK_ST_PEER_CLOSED) ||
        !s->live || s->flow.end[IP_TCP_CLIENT].fin_sent)
        return HS_EINVAL;
    if (s->len_reg == 0 || s->len_reg > NS_SEND_MAX)
        return HS_EINVAL;
    uint8_t *buf = malloc(s->len_reg);
    char err[160];
    if (!buf)
        return HS_EIO;
    int32_t rc = (int32_t)s->len_reg;
    s->tx_last = netstack_later(s->tx_last, acc->when);
    s->flow.clock = netstack_later(acc->when, sim_now(ns->sim));
    if (dma_read(&ns->dma, s->domain, s->addr_reg, buf, s->len_reg) < 0)
        rc = HS_EINVAL;
    else if (ip_tcp_send(&s->flow, IP_TCP_CLIENT, buf, s->len_reg, kernel_out,
                         s, err, sizeof err) < 0) {
        if (s->state != HS_SOCK_ST_FAILED)
            netstack_note_error(ns, "client send", err);
        rc = HS_EIO;
    }
    free(buf);
    timers_sync(s);
    return rc;
}

static int32_t sock_recv(NsSock *s)
{
    size_t avail = s->rx_len - s->rx_off;
    size_t n = avail < s->len_reg ? avail : s->len_reg;
    if (n == 0)
        return 0;
    if (dma_write(&s->ns->dma, s->domain, s->addr_reg, s->rx + s->rx_off, n) <
        0)
        return HS_EINVAL;
    s->rx_off += n;
    return (int32_t)n;
}

static int32_t sock_close(NsSock *s, const BusAccess *acc)
{
    if (!s->live || s->flow.end[IP_TCP_CLIENT].fin_sent ||
        !s->flow.end[IP_TCP_CLIENT].syn_received)
        return 0;
    s->tx_last = netstack_later(s->tx_last, acc->when);
    s->flow.clock = netstack_later(acc->when, sim_now(s->ns->sim));
    int rc = kernel_control(s, IP_TCP_FIN);
    timers_sync(s);
    if (ip_tcp_closed(&s->flow))
        s->state = HS_SOCK_ST_CLOSED;
    return rc < 0 ? HS_EIO : 0;
}

/* ---- app milestones ---------------------------------------------------- */

/* The user asked for the sync (mail-sync with show): the mail app draws
 * its inbox, a page of its domain's screen, when its domain is in front
 * (a domain behind draws nothing, counted). mail.inbox is from the
 * user's action to the vsync that shows it. */
static void show_inbox(NetStack *ns, int domain, hs_time when)
{
    NsDomain *d = &ns->dom[domain];
    const RunEnv *env = &ns->env;
    void *disp = env->part ? env->part(env->part_ctx, "display") : NULL;
    char err[160];
    d->sync_show = false;
    if (!disp || machine_foreground(env->m) != domain) {
        ns->st.inbox_behind++;
        return;
    }
    hs_time now = sim_now(ns->sim);
    if (phone_display_page(disp, domain, "mail.inbox", d->show_at,
                           when > now ? when : now, err, sizeof err) < 0)
        netstack_note_error(ns, "inbox", err);
}

static void mark(NsSock *s, int32_t status, hs_time when)
{
    NetStack *ns = s->ns;
    NsDomain *d = &ns->dom[s->domain];
    if (s->index == HS_SOCK_MAIL && d->syncing) {
        d->syncing = false;
        if (status == 0) {
            ns->st.syncs_done++;
            ns->env.latency(ns->env.latency_ctx, "mail.sync",
                            when - d->sync_at);
            if (d->sync_show)
                show_inbox(ns, s->domain, when);
        } else {
            ns->st.syncs_failed++;
        }
    } else if (s->index == HS_SOCK_GET && d->getting) {
        d->getting = false;
        if (status == 0) {
            ns->st.gets_done++;
            ns->env.latency(ns->env.latency_ctx, "download", when - d->get_at);
        } else {
            ns->st.gets_failed++;
        }
        if (ns->get_hook)
            ns->get_hook(ns->get_ctx, s->domain, d->get_bytes, status, when);
    }
}

/* ---- the socket device ------------------------------------------------- */

static NsSock *reg_sock(NetStack *ns, const BusAccess *acc, uint64_t off)
{
    if (acc->domain < 0 || (size_t)acc->domain >= ns->n_domains ||
        off / HS_SOCK_STRIDE >= HS_SOCK_MAX)
        return NULL;
    return &ns->dom[acc->domain].sock[off / HS_SOCK_STRIDE];
}

static uint64_t sock_read(void *ctx, uint64_t off, unsigned size,
                          const BusAccess *acc)
{
    NetStack *ns = ctx;
    (void)size;
    if (off == HS_SOCK_EVENTS)
        return acc->domain >= 0 && (size_t)acc->domain < ns->n_domains
                   ? ns->dom[acc->domain].events
                   : 0;
    NsSock *s = reg_sock(ns, acc, off);
    if (!s)
        return 0;
    switch (off % HS_SOCK_STRIDE) {
    case HS_SOCK_PEER:
        return s->peer_reg;
    case HS_SOCK_ADDR:
        return s->addr_reg;
    case HS_SOCK_LEN:
        return s->len_reg;
    case HS_SOCK_RESULT:
        return (uint32_t)s->result;
    case HS_SOCK_STATE:
        return s->state;
    case HS_SOCK_AVAIL:
        return s->rx_len - s->rx_off;
    default:
        return 0;
    }
}

static void sock_command(NsSock *s, uint32_t cmd, const BusAccess *acc)
{
    switch (cmd) {
    case HS_SOCK_CMD_CONNECT:
        s->tx_last = netstack_later(s->tx_last, acc->when);
        s->result = sock_connect(s);
        break;
    case HS_SOCK_CMD_SEND:
        s->result = sock_send(s, acc);
        break;
    case HS_SOCK_CMD_RECV:
        s->result = sock_recv(s);
        break;
    case HS_SOCK_CMD_CLOSE:
        s->result = sock_close(s, acc);
        break;
    default:
        s->result = HS_EINVAL;
    }
}

static void sock_write(void *ctx, uint64_t off, uint64_t value, unsigned size,
                       const BusAccess *acc)
{
    NetStack *ns = ctx;
    if (off == HS_SOCK_EVENTS) {
        if (acc->domain >= 0 && (size_t)acc->domain < ns->n_domains)
            ns->dom[acc->domain].events &= ~(uint32_t)value;
        return;
    }
    if (off == HS_SOCK_TUN_DONE) {
        if (acc->domain >= 0 && (size_t)acc->domain < ns->n_domains)
            netstack_tun_done(ns, acc->domain, acc->when);
        return;
    }
    NsSock *s = reg_sock(ns, acc, off);
    if (!s)
        return;
    switch (off % HS_SOCK_STRIDE) {
    case HS_SOCK_PEER:
        s->peer_reg = (uint32_t)value;
        break;
    case HS_SOCK_ADDR:
        s->addr_reg = value;
        break;
    case HS_SOCK_ADDR + 4: /* high half of a 32-bit pair */
        if (size == 4)
            s->addr_reg = (s->addr_reg & 0xffffffffu) | (value << 32);
        break;
    case HS_SOCK_LEN:
        s->len_reg = (uint32_t)value;
        break;
    case HS_SOCK_CMD:
        sock_command(s, (uint32_t)value, acc);
        break;
    case HS_SOCK_MARK:
        mark(s, (int32_t)(uint32_t)value, acc->when);
        break;
    default:
        break;
    }
}

/* ---- actions ----------------------------------------------------------- */

bool netstack_handles(ScenarioAction a)
{
    return a == SCENARIO_ACTION_MAIL_SYNC || a == SCENARIO_ACTION_DOWNLOAD;
}

static int guest_write(NetStack *ns, int domain, uint64_t addr, const void *buf,
                       size_t len, char *err, size_t err_size)
{
    if (dma_write(&ns->dma, domain, addr, buf, len) < 0)
        return hs_errorf(err, err_size,
                         "netstack: cannot write the request "
                         "into domain %d's memory",
                         domain);
    return 0;
}

/* Starts a sync of domain's mailbox at now. */
static int sync_start(NetStack *ns, int domain, hs_time now, char *err,
                      size_t err_size)
{
    NsDomain *d = &ns->dom[domain];
    if (!d->mail)
        return hs_errorf(err, err_size, "mail-sync: domain %s runs no mail app",
                         machine_domain_name(ns->env.m, domain));
    if (d->syncing) {
        ns->st.syncs_skipped++;
        return 0;
    }
    HsMailSyncIo io;
    memset(&io, 0, offsetof(HsMailSyncIo, parser));
    io.peer = (uint32_t)d->mail->mail.server;
    io.messages = d->mail->mail.messages;
    snprintf(io.user, sizeof io.user, "%s",
             machine_domain_name(ns->env.m, domain));
    snprintf(io.password, sizeof io.password, "%s", NS_PASSWORD);
    io.phase = HS_MAIL_PH_IDLE;
    /* the counters the guest keeps across syncs stay as they are */
    if (guest_write(ns, domain, HS_MAIL_SYNC_IO_ADDR, &io,
                    offsetof(HsMailSyncIo, status), err, err_size) < 0)
        return -1;
    d->syncing = true;
    d->sync_at = now;
    ns->st.syncs_started++;
    machine_inject(ns->env.m, domain, HS_EV_CALL, HS_CALL_MAIL_SYNC,
                   HS_MAIL_SYNC_IO_ADDR);
    return 0;
}

static int get_start(NetStack *ns, const ScenarioEvent *ev, hs_time now,
                     char *err, size_t err_size)
{
    NsDomain *d = &ns->dom[ev->domain];
    if (d->getting) {
        ns->st.gets_skipped++;
        return 0;
    }
    HsNetGetIo io;
    memset(&io, 0, sizeof io);
    io.bytes = ev->bytes;
    io.peer = (uint32_t)ev->peer;
    io.phase = HS_NET_GET_PH_IDLE;
    if (guest_write(ns, ev->domain, HS_NET_GET_IO_ADDR, &io,
                    offsetof(HsNetGetIo, status), err, err_size) < 0)
        return -1;
    d->getting = true;
    d->get_at = now;
    d->get_bytes = ev->bytes;
    ns->st.gets_started++;
    machine_inject(ns->env.m, ev->domain, HS_EV_CALL, HS_CALL_NET_GET,
                   HS_NET_GET_IO_ADDR);
    return 0;
}

int netstack_action(NetStack *ns, const ScenarioEvent *ev, int index,
                    hs_time now, char *err, size_t err_size)
{
    (void)index;
    if (ev->domain < 0 || (size_t)ev->domain >= ns->n_domains)
        return hs_errorf(err, err_size, "netstack: event for no domain");
    if (ev->action == SCENARIO_ACTION_MAIL_SYNC) {
        if (sync_start(ns, ev->domain, now, err, err_size) < 0)
            return -1;
        if (ev->show && !ns->dom[ev->domain].sync_show) {
            /* the running sync, or the one just started, ends in it */
            ns->dom[ev->domain].sync_show = true;
            ns->dom[ev->domain].show_at = now;
        }
        return 0;
    }
    if (ev->action == SCENARIO_ACTION_DOWNLOAD)
        return get_start(ns, ev, now, err, err_size);
    return hs_errorf(err, err_size, "netstack: action %d is not mine",
                     (int)ev->action);
}

static void on_sync_timer(Sim *sim, void *ctx, hs_time now)
{
    NsDomain *d = ctx;
    NetStack *ns = d->sock[0].ns;
    int domain = (int)(d - ns->dom);
    char err[160];
    if (sync_start(ns, domain, now, err, sizeof err) < 0)
        netstack_note_error(ns, "mail timer", err);
    sim_schedule_at(sim, &d->sync_timer, now + d->mail->mail.sync_interval_ps);
}

int netstack_start(NetStack *ns, char *err, size_t err_size)
{
    (void)err;
    (void)err_size;
    for (size_t i = 0; i < ns->n_domains; i++) {
        NsDomain *d = &ns->dom[i];
        if (d->mail && d->mail->mail.sync_interval_ps > 0)
            sim_schedule_at(ns->sim, &d->sync_timer,
                            sim_now(ns->sim) + d->mail->mail.sync_interval_ps);
    }
    return 0;
}

/* ---- construction ------------------------------------------------------ */

/* Checks the domain's mailbox fits the peer and the guest's buffers. */
static int mail_setup(NetStack *ns, int i, char *err, size_t err_size)
{
    const Scenario *sc = ns->env.sc;
    NsDomain *d = &ns->dom[i];
    d->mail = scenario_domain_app(sc, i, SCENARIO_APP_MAIL);
    d->mail_seed = sc->seed ^ sim_hash_name(sc->domains[i].name);
    if (!d->mail)
        return 0;
    const ScenarioMailParams *mp = &d->mail->mail;
    const char *key = "apps.mail.params";
    if (mp->messages == 0 || mp->messages > IMAP_MAX_MESSAGES)
        return hs_errorf(err, err_size,
                         "%s: domains[%d].%s.messages: %u is not built: the "
                         "mail server holds 1 to %d messages",
                         sc->file, i, key, mp->messages, IMAP_MAX_MESSAGES);
    uint64_t max = HS_MAIL_SYNC_LIT_CAP;
    if (mp->message_bytes < IMAP_MIN_MESSAGE_BYTES || mp->message_bytes > max)
        return hs_errorf(err, err_size,
                         "%s: domains[%d].%s.message_bytes: %llu is not "
                         "built: the mail server and the guest's literal "
                         "buffer take %d to %llu bytes",
                         sc->file, i, key,
                         (unsigned long long)mp->message_bytes,
                         IMAP_MIN_MESSAGE_BYTES, (unsigned long long)max);
    for (unsigned k = 0; k < mp->messages; k++)
        d->sizes[k] = (uint32_t)mp->message_bytes;
    return 0;
}

static void domain_init(NetStack *ns, int i)
{
    NsDomain *d = &ns->dom[i];
    for (int k = 0; k < HS_SOCK_MAX; k++) {
        NsSock *s = &d->sock[k];
        s->ns = ns;
        s->domain = i;
        s->index = k;
        sim_event_init(&s->rto[IP_TCP_CLIENT], "tcp-rto-phone", on_rto_client,
                       s, 0);
        sim_event_init(&s->rto[IP_TCP_SERVER], "tcp-rto-peer", on_rto_server, s,
                       0);
        sim_event_init(&s->delack, "tcp-delack", on_delack, s, 0);
    }
    sim_event_init(&d->sync_timer, "mail-timer", on_sync_timer, d, 0);
}

NetStack *netstack_new(const RunEnv *env, const NetStackLinks *links, char *err,
                       size_t err_size)
{
    if (!env || !env->m || !env->sc || !links || !links->tx || !links->down) {
        hs_errorf(err, err_size,
                  "netstack: missing machine, scenario or links");
        return NULL;
    }
    NetStack *ns = calloc(1, sizeof *ns);
    if (!ns) {
        hs_errorf(err, err_size, "netstack: out of memory");
        return NULL;
    }
    ns->env = *env;
    ns->links = *links;
    ns->sim = machine_sim(env->m);
    ns->dma = machine_dma(env->m);
    ns->n_domains = machine_domain_count(env->m);
    ns->next_port = IP_PHONE_TCP_PORT_MIN;
    ns->tcp_rng = sim_rng(ns->sim, "net.tcp");
    ns->loss_rng = sim_rng(ns->sim, "net.loss");
    if (machine_param(env->m, "machine.net_loss_ppm", &ns->loss_ppm) < 0)
        ns->loss_ppm = 0;
    if (ns->loss_ppm > 1000000) {
        hs_errorf(err, err_size,
                  "--set machine.net_loss_ppm=%llu: a chance in parts per "
                  "million is 0 to 1000000",
                  (unsigned long long)ns->loss_ppm);
        free(ns);
        return NULL;
    }
    ns->port = (PortState *)machine_device(env->m, "sock");
    if (!ns->port) {
        hs_errorf(err, err_size, "netstack: the machine has no socket port");
        free(ns);
        return NULL;
    }
    for (size_t i = 0; i < ns->n_domains; i++) {
        domain_init(ns, (int)i);
        if (i < env->sc->n_domains &&
            (mail_setup(ns, (int)i, err, err_size) < 0 ||
             netstack_tun_setup(ns, (int)i, err, err_size) < 0)) {
            netstack_free(ns);
            return NULL;
        }
    }
    port_bind(ns->port, sock_read, sock_write, ns);
    return ns;
}

int netstack_finish(NetStack *ns, Results *r, char *err, size_t err_size)
{
    if (results_latency_declare(r, "mail.sync", err, err_size) < 0 ||
        results_latency_declare(r, "download", err, err_size) < 0)
        return -1;
    bool show = false;
    for (size_t e = 0; e < ns->env.sc->n_events; e++)
        show |= ns->env.sc->events[e].action == SCENARIO_ACTION_MAIL_SYNC &&
                ns->env.sc->events[e].show;
    if (show && (results_latency_declare(r, "mail.inbox", err, err_size) < 0 ||
                 results_count_dropped(r, "mail.inbox", ns->st.inbox_behind,
                                       err, err_size) < 0))
        return -1;
    uint64_t phone = ns->st.rtx_phone, peers = ns->st.rtx_peers;
    for (size_t i = 0; i < ns->n_domains; i++)
        for (int k = 0; k < HS_SOCK_MAX; k++)
            if (ns->dom[i].sock[k].live)
                tcp_totals_add(ns, &ns->dom[i].sock[k], &phone, &peers);
    if (results_count_dropped(r, "net.in_flight", ns->st.slots_full, err,
                              err_size) < 0 ||
        results_count_dropped(r, "vpn.queue", ns->st.tun_full, err, err_size) <
            0 ||
        results_count_dropped(r, "net.loss", ns->st.lost, err, err_size) < 0 ||
        results_count_dropped(r, "radio.downlink", ns->st.cell_full, err,
                              err_size) < 0 ||
        results_count_retransmits(r, "tcp.phone", phone, err, err_size) < 0 ||
        results_count_retransmits(r, "tcp.peers", peers, err, err_size) < 0)
        return -1;
    if (ns->st.errors > 0) {
        hs_errorf(err, err_size,
                  "model error: netstack: %llu TCP model errors, the latest: "
                  "%s",
                  (unsigned long long)ns->st.errors, ns->st.last_error);
        return PART_MODEL_ERROR;
    }
    /* a domain's own VPN app declassifies its packets by encryption, so
     * it is trusted by the run (a crypto VM already is a machine kernel) */
    for (size_t i = 0; i < ns->n_domains; i++) {
        if (!ns->dom[i].tun.on || ns->dom[i].tun.vm)
            continue;
        char name[80];
        snprintf(name, sizeof name, "%s (%s)", NS_TUN_APP,
                 machine_domain_name(ns->env.m, (int)i));
        if (results_add_tcb(r, name, err, err_size) < 0)
            return -1;
    }
    return 0;
}

void netstack_free(NetStack *ns)
{
    if (!ns)
        return;
    if (ns->port)
        port_bind(ns->port, NULL, NULL, NULL);
    for (size_t i = 0; i < ns->n_domains; i++) {
        NsDomain *d = &ns->dom[i];
        sim_cancel(ns->sim, &d->sync_timer);
        for (int k = 0; k < HS_SOCK_MAX; k++) {
            sock_drop(&d->sock[k]);
            free(d->sock[k].rx);
        }
        free(d->tun.q);
        imap_cache_free(&d->mail_cache);
    }
    free(ns);
}

void netstack_set_capture(NetStack *ns, NetStackCaptureFunc fn, void *ctx)
{
    ns->capture = fn;
    ns->capture_ctx = ctx;
}

void netstack_set_get_hook(NetStack *ns, NetStackGetFunc fn, void *ctx)
{
    ns->get_hook = fn;
    ns->get_ctx = ctx;
}

const NetStackStats *netstack_stats(const NetStack *ns)
{
    return &ns->st;
}
