/*
 * netstack.h - the AP kernels' network stack and the data side of a
 * scenario: mail syncs and downloads run by guest code, over TCP, through
 * the approach's I/O path, the baseband's data bearer and the radio, to
 * the scenario's network peers.
 *
 * The domains' kernels are host-modelled, so their TCP is host code
 * playing each domain's kernel. Guest apps reach it through the socket
 * device (HS_MMIO_SOCK, platform.h: the machine's "sock" service port,
 * whose registers the stack serves; every register access pays the
 * approach's MMIO cost): CONNECT, SEND,
 * RECV, CLOSE, and HS_SOCK_MARK when an app reached its goal. TCP is the
 * flow model of net/ip.h: real IPv4/TCP headers and checksums,
 * sequence numbers that count exactly the bytes the guest sent, the MSS,
 * the peer's window and the server's congestion window. The client ACKs
 * every second data segment, every segment with PSH and every segment
 * that fills a hole, a duplicate or out-of-order one at once, and any
 * other within NS_DELACK; its FIN exchange closes the connection.
 *
 * Loss. A packet can be lost between the cell and a data peer (the
 * lossy link: machine.net_loss_ppm, each packet in both directions with
 * that chance, drawn from the stream "net.loss"; counts.dropped
 * "net.loss"), or refused by a full queue on the way (the radio's
 * downlink queue: "radio.downlink"; the net device: "net.tx",
 * "net.rx_queue"). Both ends recover (ip.h): each runs its RFC 6298
 * retransmission timer here as a SimEvent at the flow's deadline, and
 * retransmits on three duplicate ACKs. An end that gives up after
 * IP_TCP_RETRIES expiries kills the connection and the app's socket
 * fails (gave_up); counts.retransmits "tcp.phone" / "tcp.peers" count
 * the segments sent again. Loss never fails a run.
 *
 * A packet's life. Uplink: a segment the kernel builds crosses the
 * approach's path (machine_io: each hop done by whoever does it when the
 * approach runs it, the domain's kernel in the domain's turn, a driver
 * or crypto VM on its own vCPU; it leaves when the last hop is done),
 * is labelled into the flow
 * monitor, and goes to links.tx (the modem driver: DATA_TX, firmware,
 * radio). The radio hands it to netstack_uplink, which takes it to the
 * peer after the peer's uplink serialisation and half its round trip.
 * Downlink: the server's segments leave at its downlink rate, reach the
 * cell half a round trip later (links.down: the radio, RRC promotion if
 * idle), come back through the firmware and the modem driver to
 * netstack_rx, cross the approach's path again and reach the domain's
 * kernel, which raises HS_IRQ_SOCK through machine_raise_irq, so a
 * partition waits for its slice. Each direction keeps its order.
 *
 * Peers. Every connection draws its round-trip time and down/up rates
 * from the peer's distributions (scenario network.peers) on the stream
 * "net.<peer name>". Addresses: the k-th mail-server peer is
 * 203.0.113.(25 + k), port 143; the k-th web-server 203.0.113.(80 + k),
 * port 80. A mail server serves the connecting domain's mailbox: its mail
 * app's `messages` of `message_bytes` (generated from the run seed and
 * the domain's name), user = the domain's name, password "handset".
 *
 * VPN (Android's VpnService model). A domain that runs the `crypto` app
 * has a tunnel, unless the approach's path has a crypto service VM (the
 * hypervisor approaches: that VM is the trusted encryptor there, and the
 * domain's app is not on the path; see below). The kernel routes each of the
 * domain's segments to its tun: the segment waits in a per-domain FIFO,
 * and the head is handed to the app as HS_EV_CALL HS_CALL_TUN_SEAL with
 * an HsAeadRequest at HS_TUN_IO_ADDR (guest/include/abi/crypto.h). The guest
 * seals it (ChaCha20-Poly1305) on the domain's own vCPU and writes
 * HS_SOCK_TUN_DONE on this device; from that moment (the write's time)
 * the kernel carries on: the sealed segment leaves as a WireGuard
 * transport data message (16-byte header, the sealed bytes, the 16-byte
 * tag) in UDP from port 39000 + domain to the peer's port 51820, and
 * crosses the approach's path as that packet. One packet is with the
 * app at a time, so each direction keeps its order. The gateway in
 * front of each peer opens it with the host build of the same AEAD
 * (keys from the stream "vpn.<domain>" of the run seed, one per
 * direction; nonce = the header's counter), so a wrong seal never
 * reaches the server (tun_rejected); the server's segments come back
 * sealed, and the kernel hands each to the app (HS_CALL_TUN_OPEN) before
 * its TCP sees it. The inner TCP is the same flow as without the tunnel;
 * the wire carries 60 bytes more per segment (IPv4, UDP, header, tag).
 *
 * Crypto VM tunnel. A domain whose path has a crypto service VM has the
 * same tunnel (wire format, gateway, keys, nonces), with that VM as the
 * phone's end, whether the domain runs the crypto app or not: the VM
 * seals each segment as it passes down the path and opens each tunnel
 * packet on its way up. The tunnel's bytes are sealed and opened by
 * host code (the host build of the same AEAD, with the tunnel's keys);
 * the path's crypto VM hop (machine_io) runs ChaCha20-Poly1305 over the
 * packet's length in the service image on the VM's own vCPU, which is
 * the hop's time and energy. tun_vm_sealed / tun_vm_opened count it.
 *
 * Labels. A transfer domain -> network is reported with the domain's
 * level, sink "network" cleared unclassified, path = the hops, and the
 * approach's flow_allowed(label, unclassified) deciding. A path with a
 * hop that encrypts (VirtHop.encrypts: the approach's crypto service
 * VM) is encrypted there: that VM declassifies by encryption, so what
 * leaves it is labelled unclassified and is not a violation. A tunnel packet
 * was encrypted by the domain's own app: it is labelled unclassified, its path
 * starts
 * "<domain>>crypto app>", and the app is added to the run's TCB
 * ("crypto app (<domain>)") at finish. A refused packet is not sent: the
 * socket fails and the app reports the failure. Replies (network ->
 * domain) are reads up and are not reported.
 *
 * Wiring (tests/unit/test_netstack.c does it over a real Baseband):
 * links.tx hands the packet to the modem driver as the net device would
 * (bb_bearer's DATA_TX); DATA_RX packets the driver queues on the net
 * device go to netstack_rx; the radio's BbRadioNetFunc calls
 * netstack_uplink (false: not for these peers, e.g. the IMS core's);
 * links.down is bb_radio_deliver. Packets in flight are the stack's, so
 * free it only after the last machine_run_until. The capture sees the
 * kernel's segments (inside the tunnel, when there is one).
 *
 * Bounds. A guest fills nothing without limit: packets in flight share
 * NS_PKT_SLOTS slots and each tun queue holds NS_TUN_QUEUE packets
 * (model bounds, not network queues: a window of 64 KiB per connection
 * is at most 47 segments, so only a flood fills them). A
 * packet that finds them full is dropped, its socket fails, and the
 * drop is counted (results counts.dropped "net.in_flight", "vpn.queue");
 * a flood is a guest's mistake, never a host error.
 *
 * Latencies (env->latency): "mail.sync", from the sync's start (event or
 * the app's timer) to the guest's HS_SOCK_MARK after it parsed the last
 * message; "download", from the event to the mark after the last body
 * byte. Failed or skipped ones are counted in NetStackStats, not timed.
 */
#ifndef HS_PHONE_NETSTACK_H
#define HS_PHONE_NETSTACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "phone/env.h"

/* Sends an IPv4 packet from domain toward the baseband bearer at when.
 * Returns 0, or -1 if it was dropped. */
typedef int (*NetStackTxFunc)(void *ctx, int domain, const uint8_t *pkt,
                              size_t len, hs_time when);
/* Delivers a packet from the network to the phone's cell at when (the
 * radio's downlink). Returns 0, or -1 if it was dropped. */
typedef int (*NetStackDownFunc)(void *ctx, const uint8_t *pkt, size_t len,
                                hs_time when);
/* Observes a segment at a domain's kernel: uplink as it leaves for the
 * bearer, downlink as the kernel takes it in (tests, captures). */
typedef void (*NetStackCaptureFunc)(void *ctx, int domain, bool uplink,
                                    const uint8_t *pkt, size_t len,
                                    hs_time when);
/* A download finished in the guest (status 0 or HS_E*): the hook for
 * the stages after it (storing, displaying). */
typedef void (*NetStackGetFunc)(void *ctx, int domain, uint64_t bytes,
                                int status, hs_time when);

typedef struct NetStackLinks {
    NetStackTxFunc tx;     /* AP -> bearer (required) */
    void *tx_ctx;          /* its context */
    NetStackDownFunc down; /* network -> cell (required) */
    void *down_ctx;        /* its context */
} NetStackLinks;

typedef struct NetStackStats {
    uint64_t syncs_started, syncs_done, syncs_failed;
    uint64_t syncs_skipped; /* asked for while the domain's last ran */
    uint64_t inbox_behind;  /* inboxes not drawn: the domain was behind */
    uint64_t gets_started, gets_done, gets_failed, gets_skipped;
    uint64_t connections;                    /* TCP connections opened */
    uint64_t packets_out, bytes_out;         /* segments the kernels sent */
    uint64_t packets_in, bytes_in;           /* segments the kernels took in */
    uint64_t blocked;                        /* packets the policy refused */
    uint64_t dropped;                        /* refused by the links, stale */
    uint64_t tun_sealed, tun_opened;         /* by the phone's tunnel ends */
    uint64_t tun_vm_sealed, tun_vm_opened;   /* of those, by crypto VMs */
    uint64_t tun_packets_out, tun_bytes_out; /* tunnel packets sent */
    uint64_t tun_packets_in, tun_bytes_in;   /* tunnel packets received */
    uint64_t tun_rejected; /* bad tag: at the gateway or the app */
    uint64_t tun_failed;   /* the app refused a seal (HS_E*) */
    uint64_t slots_full;   /* packets lost: every in-flight slot taken */
    uint64_t tun_full;     /* packets lost: the VPN app's queue was full */
    uint64_t lost;         /* packets the lossy link lost (net.loss_ppm) */
    uint64_t cell_full;    /* downlink packets the radio refused (full) */
    uint64_t gave_up;      /* connections a side gave up (IP_TCP_RETRIES) */
    /* of connections already closed or replaced (netstack_tcp_totals
     * adds the live ones) */
    uint64_t rtx_phone, rtx_peers; /* segments sent again, by end */
    uint64_t errors;               /* TCP model errors (host bugs) */
    char last_error[200];          /* the latest of those */
} NetStackStats;

typedef struct NetStack NetStack;

/* Builds the stack for env's machine and scenario and attaches the
 * socket device. Returns NULL with a message naming the scenario key for
 * a mailbox the peers or the guest cannot hold, or a device window that
 * is taken. */
NetStack *netstack_new(const RunEnv *env, const NetStackLinks *links, char *err,
                       size_t err_size);
void netstack_free(NetStack *ns);

/* The actions this module runs: mail-sync, download. */
bool netstack_handles(ScenarioAction a);
/* Runs occurrence `index` of event rule ev at now (the runner's jittered
 * time). Returns 0, or -1 with a message. */
int netstack_action(NetStack *ns, const ScenarioEvent *ev, int index,
                    hs_time now, char *err, size_t err_size);
/* Starts the apps' own periodic syncs (mail sync_interval). */
int netstack_start(NetStack *ns, char *err, size_t err_size);
/* Declares the latencies this module reports and its counts (dropped
 * "net.in_flight", "vpn.queue", "net.loss"; retransmits "tcp.phone",
 * "tcp.peers"). Returns 0, -1 with a message (no memory), or
 * PART_MODEL_ERROR with a one-line message if the TCP model met a state
 * it cannot carry on from (a bug in the model, never the guest's or the
 * network's doing). */
int netstack_finish(NetStack *ns, Results *r, char *err, size_t err_size);

/* A packet from the bearer for the phone (DATA_RX). */
void netstack_rx(NetStack *ns, const uint8_t *pkt, size_t len, hs_time when);
/* A packet leaving the phone's radio (BbRadioNetFunc's arguments).
 * Returns true if it was for one of this stack's peers. */
bool netstack_uplink(NetStack *ns, const uint8_t *pkt, size_t len, hs_time sent,
                     hs_time through);

void netstack_set_capture(NetStack *ns, NetStackCaptureFunc fn, void *ctx);
void netstack_set_get_hook(NetStack *ns, NetStackGetFunc fn, void *ctx);
const NetStackStats *netstack_stats(const NetStack *ns);
/* The address and port of peer p (index in the scenario's peers), or
 * false for a peer kind this stack does not serve. */
bool netstack_peer_endpoint(const NetStack *ns, int p, uint32_t *addr,
                            uint16_t *port);
/* The content seed of domain's mailbox (imap_message's seed). */
uint64_t netstack_mail_seed(const NetStack *ns, int domain);

#endif /* HS_PHONE_NETSTACK_H */
