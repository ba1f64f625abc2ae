/*
 * vpn.c - the domains' VPN tunnels (netstack.h): a domain's packets sealed
 * with ChaCha20-Poly1305 in WireGuard's transport framing, by its crypto
 * app on its own vCPU or by a crypto VM on the approach's path, to a
 * gateway in front of the peers, and opened the same way coming back.
 */
#include "phone/netstack_int.h"

static void tun_next(NetStack *ns, int domain);

/* ---- the domains' VPN tunnels ------------------------------------------ */

static void put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put_le64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/* WireGuard's nonce: 32 zero bits, then the counter, little-endian. */
static void tun_nonce(uint64_t counter, uint8_t nonce[12])
{
    memset(nonce, 0, 12);
    put_le64(nonce + 4, counter);
}

/* Builds a tunnel packet: the UDP datagram src -> dst carrying the
 * header, the sealed bytes and the tag. Returns its length or -1. */
static int tun_packet(NetStack *ns, IpEndpoint src, IpEndpoint dst, int domain,
                      uint16_t id, uint64_t counter, const uint8_t *sealed,
                      size_t len, const uint8_t tag[NS_TUN_TAG], uint8_t *out,
                      size_t cap)
{
    uint8_t payload[NS_TUN_HDR + NS_PKT_BYTES + NS_TUN_TAG];
    char err[160];
    if (len > NS_PKT_BYTES) {
        netstack_note_error(ns, "tunnel", "packet longer than a slot");
        return -1;
    }
    put_le32(payload, NS_TUN_TYPE_DATA);
    put_le32(payload + 4, (uint32_t)domain); /* the receiver's index */
    put_le64(payload + 8, counter);
    memcpy(payload + NS_TUN_HDR, sealed, len);
    memcpy(payload + NS_TUN_HDR + len, tag, NS_TUN_TAG);
    int n = ip_build_udp(out, cap, src, dst, id, IP_DSCP_DEFAULT, payload,
                         NS_TUN_HDR + len + NS_TUN_TAG, err, sizeof err);
    if (n < 0)
        netstack_note_error(ns, "tunnel", err);
    return n;
}

/* The sealed bytes of a tunnel packet's UDP payload, or false for one
 * that is not a data message of domain's tunnel. */
static bool tun_view(const IpPacketView *v, const uint8_t **sealed, size_t *len,
                     uint64_t *counter, const uint8_t **tag)
{
    const uint8_t *p = v->payload;
    if (v->payload_bytes < NS_TUN_HDR + NS_TUN_TAG ||
        p[0] != NS_TUN_TYPE_DATA || p[1] || p[2] || p[3])
        return false;
    *counter = get_le64(p + 8);
    *sealed = p + NS_TUN_HDR;
    *len = v->payload_bytes - NS_TUN_HDR - NS_TUN_TAG;
    *tag = *sealed + *len;
    return true;
}

static int tun_domain(const NetStack *ns, uint16_t local_port)
{
    int d = (int)local_port - NS_TUN_LOCAL;
    if (d < 0 || (size_t)d >= ns->n_domains || !ns->dom[d].tun.on)
        return -1;
    return d;
}

/* Hands the first waiting packet to the app (HS_CALL_TUN_SEAL/OPEN),
 * unless it is busy with one: it finishes with HS_SOCK_TUN_DONE. */
static void tun_next(NetStack *ns, int domain)
{
    NsTun *t = &ns->dom[domain].tun;
    if (t->busy || t->n == 0)
        return;
    NsTunJob *j = &t->q[t->head];
    HsAeadRequest req;
    memset(&req, 0, sizeof req);
    memcpy(req.key, j->seal ? t->key_up : t->key_down, sizeof req.key);
    tun_nonce(j->counter, req.nonce);
    req.in_addr = req.out_addr = HS_TUN_BUF_ADDR;
    req.len = j->len;
    req.status = 1; /* not done */
    memcpy(req.tag, j->tag, sizeof req.tag);
    if (dma_write(&ns->dma, domain, HS_TUN_BUF_ADDR, j->data, j->len) < 0 ||
        dma_write(&ns->dma, domain, HS_TUN_IO_ADDR, &req, sizeof req) < 0) {
        netstack_note_error(ns, "tunnel",
                            "cannot write the request into the domain");
        return;
    }
    t->busy = true;
    machine_inject(ns->env.m, domain, HS_EV_CALL,
                   j->seal ? HS_CALL_TUN_SEAL : HS_CALL_TUN_OPEN,
                   HS_TUN_IO_ADDR);
}

/* A slot at the tail of domain's tun queue, or NULL when it is full:
 * the app does not keep up (or never finishes, a flood), and the packet
 * is dropped as a full tun device drops it. */
static NsTunJob *tun_push(NetStack *ns, int domain)
{
    NsTun *t = &ns->dom[domain].tun;
    if (t->n == NS_TUN_QUEUE) {
        ns->st.tun_full++;
        return NULL;
    }
    NsTunJob *j = &t->q[(t->head + t->n) % NS_TUN_QUEUE];
    t->n++;
    return j;
}

/* The kernel routes a segment of s to the domain's VPN app. */
int netstack_tun_seal_submit(NsSock *s, const uint8_t *pkt, size_t len)
{
    NetStack *ns = s->ns;
    NsTun *t = &ns->dom[s->domain].tun;
    NsTunJob *j = tun_push(ns, s->domain);
    if (!j) {
        netstack_sock_fail(s);
        return -1;
    }
    j->sock = s;
    j->gen = s->gen;
    j->seal = true;
    j->counter = t->ctr_up++;
    j->len = (uint32_t)len;
    memcpy(j->data, pkt, len);
    tun_next(ns, s->domain);
    return 0;
}

/* The kernel's segment as it enters the tunnel: counted and captured
 * in its plain form, as the domain's kernel sent it. */
static void tun_inner_out(NetStack *ns, int domain, const uint8_t *pkt,
                          size_t len, hs_time when)
{
    ns->st.packets_out++;
    ns->st.bytes_out += len;
    if (ns->capture)
        ns->capture(ns->capture_ctx, domain, true, pkt, len, when);
}

/* The crypto VM on the domain's path seals the kernel's segment as it
 * passes: the tunnel's bytes are sealed here by host code (the guest's
 * AEAD, its host build) with the tunnel's real keys, while the crypto
 * VM's hop on the path runs the same ChaCha20-Poly1305 in the service
 * image on its own vCPU (its instructions are the hop's time and
 * energy). The tunnel packet then takes the path like any. */
int netstack_tun_vm_seal(NsSock *s, const uint8_t *pkt, size_t len)
{
    NetStack *ns = s->ns;
    NsTun *t = &ns->dom[s->domain].tun;
    uint8_t sealed[NS_PKT_BYTES], tag[NS_TUN_TAG], nonce[12];
    uint8_t out[NS_PKT_BYTES];
    if (len > NS_PKT_BYTES) {
        netstack_note_error(ns, "tunnel", "segment longer than a slot");
        return -1;
    }
    uint64_t counter = t->ctr_up++;
    tun_nonce(counter, nonce);
    aead_seal(t->key_up, nonce, NULL, 0, pkt, len, sealed, tag);
    ns->st.tun_sealed++;
    ns->st.tun_vm_sealed++;
    tun_inner_out(ns, s->domain, pkt, len, sim_now(ns->sim));
    IpEndpoint src = {IP_PHONE_ADDR, (uint16_t)(NS_TUN_LOCAL + s->domain)};
    IpEndpoint dst = {s->flow.cfg.server.addr, NS_TUN_PORT};
    int n = tun_packet(ns, src, dst, s->domain, t->ip_id++, counter, sealed,
                       len, tag, out, sizeof out);
    if (n < 0)
        return -1;
    return netstack_path_out(s, NULL, true, out, (size_t)n, 0);
}

/* The crypto VM opens a tunnel packet on its way up the path (host
 * code, at once, as netstack_tun_vm_seal): the segment goes on to the domain's
 * TCP when the path's time is over. A bad tag stops it at the VM. */
static void tun_vm_open(NetStack *ns, int domain, const IpPacketView *v,
                        hs_time at)
{
    const uint8_t *sealed, *tag;
    size_t n;
    uint64_t counter;
    uint8_t inner[NS_PKT_BYTES], nonce[12];
    if (!tun_view(v, &sealed, &n, &counter, &tag) || n > NS_PKT_BYTES) {
        ns->st.dropped++;
        return;
    }
    tun_nonce(counter, nonce);
    if (aead_open(ns->dom[domain].tun.key_down, nonce, NULL, 0, sealed, n, tag,
                  inner) != 0) {
        ns->st.tun_rejected++;
        return;
    }
    ns->st.tun_opened++;
    ns->st.tun_vm_opened++;
    IpPacketView iv;
    char err[128];
    NsSock *s = NULL;
    if (ip_parse(inner, n, &iv, err, sizeof err) == 0 &&
        iv.protocol == IP_PROTO_TCP)
        s = netstack_sock_by_port(ns, iv.dst_port);
    if (!s || s->domain != domain || iv.src != s->flow.cfg.server.addr) {
        ns->st.dropped++;
        return;
    }
    s->kernel_last = netstack_later(s->kernel_last, at);
    netstack_pkt_schedule(s, NS_LEG_KERNEL, inner, n, s->kernel_last);
}

/* The tunnel packet is up the path through the crypto VM: opened. */
static void tun_vm_up(NsIo *io, hs_time done)
{
    IpPacketView v;
    char err[128];
    if (ip_parse(io->data, io->len, &v, err, sizeof err) < 0) {
        io->ns->st.dropped++;
        return;
    }
    tun_vm_open(io->ns, io->domain, &v, done);
}

/* The tunnel packet reached the domain's kernel: on to the VPN app. */
static void tun_kernel_up(NsIo *io, hs_time done)
{
    netstack_pkt_send(io->ns, NULL, io->domain, NS_LEG_TUN, true, io->data,
                      io->len, done);
}

/* A tunnel packet from the bearer for domain: up the approach's path,
 * through the crypto VM that opens it, or to the kernel, which hands it
 * to the VPN app in arrival order. */
void netstack_tun_rx(NetStack *ns, const uint8_t *pkt, size_t len,
                     const IpPacketView *v, hs_time when)
{
    int d = tun_domain(ns, v->dst_port);
    if (d < 0) {
        ns->st.dropped++;
        return;
    }
    NsTun *t = &ns->dom[d].tun;
    (void)v;
    ns->st.tun_packets_in++;
    ns->st.tun_bytes_in += len;
    netstack_io(ns, NULL, d, MACHINE_IO_IN, true, pkt, len, when,
                t->vm ? tun_vm_up : tun_kernel_up, NULL, NULL);
}

/* The tunnel packet reached the domain's kernel: queue it for the app. */
void netstack_tun_in(NetStack *ns, int domain, const uint8_t *pkt, size_t len)
{
    IpPacketView v;
    char err[128];
    const uint8_t *sealed, *tag;
    size_t n;
    uint64_t counter;
    if (ip_parse(pkt, len, &v, err, sizeof err) < 0 ||
        !tun_view(&v, &sealed, &n, &counter, &tag)) {
        ns->st.dropped++;
        return;
    }
    NsTunJob *j = tun_push(ns, domain);
    if (!j)
        return;
    j->sock = NULL;
    j->gen = 0;
    j->seal = false;
    j->counter = counter;
    j->len = (uint32_t)n;
    memcpy(j->data, sealed, n);
    memcpy(j->tag, tag, NS_TUN_TAG);
    tun_next(ns, domain);
}

/* The app sealed j: the tunnel packet leaves through the kernel's path. */
static void tun_sealed(NetStack *ns, int domain, const NsTunJob *j,
                       const HsAeadRequest *req, const uint8_t *out,
                       hs_time when)
{
    NsSock *s = j->sock;
    NsTun *t = &ns->dom[domain].tun;
    if (j->gen != s->gen || !s->live) {
        ns->st.dropped++;
        return;
    }
    if (req->status != 0) {
        ns->st.tun_failed++;
        netstack_sock_fail(s);
        return;
    }
    tun_inner_out(ns, domain, j->data, j->len, when);
    uint8_t pkt[NS_PKT_BYTES];
    IpEndpoint src = {IP_PHONE_ADDR, (uint16_t)(NS_TUN_LOCAL + domain)};
    IpEndpoint dst = {s->flow.cfg.server.addr, NS_TUN_PORT};
    int n = tun_packet(ns, src, dst, domain, t->ip_id++, j->counter, out,
                       j->len, req->tag, pkt, sizeof pkt);
    if (n >= 0)
        netstack_path_out(s, NS_TUN_APP, true, pkt, (size_t)n, when);
}

/* The app opened j: the segment goes on to the domain's TCP. */
static void tun_opened(NetStack *ns, int domain, const NsTunJob *j,
                       const HsAeadRequest *req, const uint8_t *out,
                       hs_time when)
{
    IpPacketView v;
    char err[128];
    if (req->status != 0) {
        ns->st.tun_rejected++; /* a bad tag: the gateway's seal is wrong */
        return;
    }
    if (ip_parse(out, j->len, &v, err, sizeof err) < 0 ||
        v.protocol != IP_PROTO_TCP) {
        ns->st.dropped++;
        return;
    }
    NsSock *s = netstack_sock_by_port(ns, v.dst_port);
    if (!s || s->domain != domain || v.src != s->flow.cfg.server.addr) {
        ns->st.dropped++;
        return;
    }
    s->kernel_last = netstack_later(s->kernel_last, when);
    netstack_pkt_schedule(s, NS_LEG_KERNEL, out, j->len, s->kernel_last);
}

/* HS_SOCK_TUN_DONE: the app is done with the packet it was given. */
void netstack_tun_done(NetStack *ns, int domain, hs_time when)
{
    NsTun *t = &ns->dom[domain].tun;
    if (!t->busy)
        return;
    NsTunJob *j = &t->q[t->head];
    HsAeadRequest req;
    uint8_t out[NS_PKT_BYTES];
    if (dma_read(&ns->dma, domain, HS_TUN_IO_ADDR, &req, sizeof req) < 0 ||
        dma_read(&ns->dma, domain, HS_TUN_BUF_ADDR, out, j->len) < 0) {
        netstack_note_error(ns, "tunnel", "cannot read the app's result");
        return;
    }
    t->busy = false;
    t->head = (t->head + 1) % NS_TUN_QUEUE;
    t->n--;
    if (j->seal) {
        ns->st.tun_sealed++;
        tun_sealed(ns, domain, j, &req, out, when);
    } else {
        ns->st.tun_opened++;
        tun_opened(ns, domain, j, &req, out, when);
    }
    tun_next(ns, domain);
}

/* The VPN gateway in front of the server (the peer's address, port
 * NS_TUN_PORT) opens the phone's tunnel packets with the host reference
 * build of the guest's AEAD: a wrong seal never reaches the server. */
bool netstack_gateway_uplink(NetStack *ns, size_t len, const IpPacketView *v,
                             hs_time through)
{
    int d = tun_domain(ns, v->src_port);
    const uint8_t *sealed, *tag;
    size_t n;
    uint64_t counter;
    if (d < 0 || v->src != IP_PHONE_ADDR ||
        !tun_view(v, &sealed, &n, &counter, &tag) || n > NS_PKT_BYTES)
        return false;
    uint8_t inner[NS_PKT_BYTES], nonce[12];
    tun_nonce(counter, nonce);
    if (aead_open(ns->dom[d].tun.key_up, nonce, NULL, 0, sealed, n, tag,
                  inner) != 0) {
        ns->st.tun_rejected++;
        return true;
    }
    IpPacketView iv;
    char err[128];
    NsSock *s = NULL;
    if (ip_parse(inner, n, &iv, err, sizeof err) == 0 &&
        iv.protocol == IP_PROTO_TCP)
        s = netstack_sock_by_port(ns, iv.src_port);
    if (!s || s->domain != d || iv.dst != s->flow.cfg.server.addr ||
        iv.dst_port != s->flow.cfg.server.port || v->dst != iv.dst) {
        ns->st.dropped++;
        return true;
    }
    /* the wire carries the tunnel packet; the server gets what is in it */
    s->up_free = netstack_later(s->up_free, through) +
                 netstack_serialise(len, s->up_bps);
    netstack_pkt_schedule(s, NS_LEG_SERVER, inner, n, s->up_free + s->one_way);
    return true;
}

/* The gateway seals the server's segment for the phone. Returns the
 * tunnel packet's length in out, or -1. */
int netstack_gateway_seal(NsSock *s, const uint8_t *pkt, size_t len,
                          uint8_t *out, size_t cap)
{
    NetStack *ns = s->ns;
    NsTun *t = &ns->dom[s->domain].tun;
    uint8_t sealed[NS_PKT_BYTES], tag[NS_TUN_TAG], nonce[12];
    if (len > NS_PKT_BYTES) {
        netstack_note_error(ns, "tunnel", "server segment longer than a slot");
        return -1;
    }
    uint64_t counter = t->ctr_down++;
    tun_nonce(counter, nonce);
    aead_seal(t->key_down, nonce, NULL, 0, pkt, len, sealed, tag);
    IpEndpoint src = {s->flow.cfg.server.addr, NS_TUN_PORT};
    IpEndpoint dst = {IP_PHONE_ADDR, (uint16_t)(NS_TUN_LOCAL + s->domain)};
    return tun_packet(ns, src, dst, s->domain, (uint16_t)counter, counter,
                      sealed, len, tag, out, cap);
}

/* Whether the approach's path for domain has a hop that seals (a crypto
 * service VM). */
static bool path_has_crypto_vm(Machine *m, int domain)
{
    VirtHop hops[VIRT_MAX_HOPS];
    size_t n = machine_io_path(m, domain, VIRT_IO_NET, 0, hops);
    for (size_t k = 0; k < n; k++)
        if (hops[k].encrypts)
            return true;
    return false;
}

/* A domain whose path has a crypto service VM gets a VPN tunnel sealed
 * by that VM (the trusted encryptor there: the domain's own app, if it
 * runs one, is not on the path); else a domain that runs the crypto app
 * gets one sealed by the app. Keys: from the run's seed and the domain's
 * name, shared with the gateway. */
int netstack_tun_setup(NetStack *ns, int i, char *err, size_t err_size)
{
    Machine *m = ns->env.m;
    NsTun *t = &ns->dom[i].tun;
    t->vm = path_has_crypto_vm(m, i);
    if (!t->vm && !scenario_domain_app(ns->env.sc, i, SCENARIO_APP_CRYPTO))
        return 0;
    if (!t->vm) {
        t->q = calloc(NS_TUN_QUEUE, sizeof *t->q);
        if (!t->q)
            return hs_errorf(err, err_size, "netstack: out of memory");
    }
    char name[64];
    snprintf(name, sizeof name, "vpn.%s", machine_domain_name(m, i));
    SimRng *r = sim_rng(ns->sim, name);
    for (size_t k = 0; k < sizeof t->key_up; k += 8) {
        put_le64(t->key_up + k, sim_rng_u64(r));
        put_le64(t->key_down + k, sim_rng_u64(r));
    }
    t->on = true;
    return 0;
}
