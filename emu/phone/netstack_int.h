/*
 * netstack_int.h - the network stack's state and the functions its files
 * share: netstack.c (sockets, packets, the socket device, actions) and
 * vpn.c (the domains' VPN tunnels). Internal to emu/phone.
 */
#ifndef HS_PHONE_NETSTACK_INT_H
#define HS_PHONE_NETSTACK_INT_H

#include "phone/netstack.h"

#include "soc_models/devices/port.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/crypto.h"
#include "abi/mail.h"
#include "abi/netget.h"
#include "guest/lib/chacha20poly1305.h"
#include "net/ip.h"
#include "net/netpeer.h"
#include "sim/error.h"

#define NS_PKT_SLOTS 1024 /* packets in flight over all connections */
#define NS_PKT_BYTES 1600
#define NS_SEND_MAX 65536 /* one SEND command, bytes */
#define NS_MSS 1400       /* estimate: a 1500-byte MTU less headers, a margin */
#define NS_WINDOW 65535   /* unscaled receive window (ip.h) */
#define NS_PASSWORD "handset"
/* Linux's TCP_DELACK_MIN (HZ/25, include/net/tcp.h): an ACK held back
 * for a second segment goes out after this at the latest (RFC 1122
 * 4.2.3.2 allows up to 500 ms). */
#define NS_DELACK (40 * HS_MS)

/* The VPN tunnel's wire format: WireGuard's transport data message
 * (wireguard.com/protocol: type 4, receiver index, 64-bit counter, the
 * sealed packet, a 16-byte Poly1305 tag) in UDP to the gateway's port. */
#define NS_TUN_PORT 51820  /* WireGuard's default listen port */
#define NS_TUN_LOCAL 39000 /* + domain: the phone's end; below the TCP */
#define NS_TUN_HDR 16      /* type, receiver, counter */
#define NS_TUN_TAG 16      /* Poly1305 */
#define NS_TUN_TYPE_DATA 4 /* WireGuard's transport data type */
#define NS_TUN_QUEUE 256   /* packets waiting for the VPN app, per domain */
#define NS_TUN_APP "crypto app" /* the path's name of the domain's VPN app */

/* Where a packet in flight is going. */
typedef enum NsLeg {
    NS_LEG_TX,     /* out of the kernel path, to the bearer */
    NS_LEG_SERVER, /* through the core network, to the server */
    NS_LEG_CELL,   /* from the server, to the phone's cell */
    NS_LEG_KERNEL, /* up the kernel path, to the domain's TCP */
    NS_LEG_TUN,    /* up the kernel path, to the domain's VPN app */
} NsLeg;

typedef struct NsSock NsSock;

typedef struct NsPkt {
    NetStack *ns;
    NsSock *sock; /* its socket (NULL for NS_LEG_TUN: sealed, unknown) */
    int domain;   /* NS_LEG_TUN: the tunnel's domain */
    bool tunnel;  /* a tunnel packet (not a kernel segment) */
    uint64_t gen; /* the socket's connection it belongs to */
    NsLeg leg;    /* where it goes next */
    bool used;    /* in flight */
    uint32_t len; /* bytes */
    uint8_t data[NS_PKT_BYTES];
} NsPkt;

struct NsSock {
    NetStack *ns;
    int domain, index;          /* owner and socket number */
    uint32_t peer_reg, len_reg; /* HS_SOCK_PEER, HS_SOCK_LEN */
    uint64_t addr_reg;          /* HS_SOCK_ADDR */
    int32_t result;             /* HS_SOCK_RESULT */
    uint32_t state;             /* HS_SOCK_ST_* */
    uint64_t gen;               /* connection number (stale packets) */
    bool live;                  /* flow and server valid */
    int peer;                   /* scenario peer index */
    IpTcpFlow flow;             /* client and server state */
    NetServer srv;              /* the peer's end */
    uint8_t *rx;                /* bytes for the guest */
    size_t rx_len, rx_off, rx_cap;
    unsigned unacked;             /* data segments not yet ACKed */
    hs_time tx_last, kernel_last; /* order on the kernel path */
    hs_time up_free, down_free;   /* the peer's links busy until */
    hs_time one_way;              /* half the drawn round trip */
    double up_bps, down_bps;      /* drawn rates, bit/s */
    SimEvent rto[2];              /* each end's retransmission timer */
    SimEvent delack;              /* the client's delayed ACK */
};

/* A packet waiting for, or in, the domain's VPN app. */
typedef struct NsTunJob {
    NsSock *sock;            /* seal: the segment's socket; open: NULL */
    uint64_t gen;            /* seal: its connection */
    bool seal;               /* seal (to the tunnel) or open (from it) */
    uint64_t counter;        /* the nonce's counter */
    uint32_t len;            /* bytes of data: plaintext or ciphertext */
    uint8_t tag[NS_TUN_TAG]; /* open: the tag to check */
    uint8_t data[NS_PKT_BYTES];
} NsTunJob;

/* A domain's VPN tunnel: its app's keys and the packets on the tun. */
typedef struct NsTun {
    bool on;              /* the domain's packets go through the tunnel */
    bool vm;              /* sealed by the crypto VM, not the domain's app */
    uint8_t key_up[32];   /* phone -> gateway */
    uint8_t key_down[32]; /* gateway -> phone */
    uint64_t ctr_up;      /* next counter the app seals with */
    uint64_t ctr_down;    /* next counter the gateway seals with */
    NsTunJob *q;          /* FIFO of NS_TUN_QUEUE; q[head] is in the app */
    size_t head, n;       /* its first entry and length */
    bool busy;            /* q[head] is with the app */
    uint16_t ip_id;       /* the phone's outer IPv4 identification */
    hs_time kernel_last;  /* order on the way up to the app */
} NsTun;

/* One domain's in-flight app work. */
typedef struct NsDomain {
    bool syncing, getting;             /* a sync / download is under way */
    hs_time sync_at, get_at;           /* when it started */
    bool sync_show;                    /* the user waits for its inbox */
    hs_time show_at;                   /* ... since this action */
    uint64_t get_bytes;                /* its size */
    const ScenarioApp *mail;           /* the domain's mail app, or NULL */
    uint64_t mail_seed;                /* its mailbox's content seed */
    uint32_t sizes[IMAP_MAX_MESSAGES]; /* its message sizes */
    ImapMessageCache mail_cache;       /* its messages, made once a run */
    SimEvent sync_timer;               /* the app's own periodic sync */
    uint32_t events;                   /* HS_SOCK_EVENTS */
    NsTun tun;                         /* its VPN, when it runs one */
    NsSock sock[HS_SOCK_MAX];
} NsDomain;

struct NetStack {
    PortState *port; /* the machine's "sock" port, served by sock_read/write */
    RunEnv env;
    Sim *sim;
    GuestDma dma;
    NetStackLinks links;
    size_t n_domains;
    NsDomain dom[MACHINE_MAX_DOMAINS];
    uint16_t next_port; /* next local TCP port */
    SimRng *tcp_rng;    /* initial sequence numbers */
    SimRng *loss_rng;   /* the lossy link's draws ("net.loss") */
    uint64_t loss_ppm;  /* net.loss_ppm: each packet's chance, ppm */
    NsPkt pkt[NS_PKT_SLOTS];
    NetStackCaptureFunc capture;
    void *capture_ctx;
    NetStackGetFunc get_hook;
    void *get_ctx;
    NetStackStats st;
};

void netstack_note_error(NetStack *ns, const char *what, const char *why);
bool netstack_lost(NetStack *ns);
hs_time netstack_later(hs_time a, hs_time b);
hs_time netstack_serialise(size_t len, double bps);
void netstack_sock_fail(NsSock *s);
int netstack_pkt_send(NetStack *ns, NsSock *s, int domain, NsLeg leg,
                      bool tunnel, const uint8_t *data, size_t len,
                      hs_time when);
int netstack_pkt_schedule(NsSock *s, NsLeg leg, const uint8_t *data, size_t len,
                          hs_time when);
int netstack_path_out(NsSock *s, const char *sealer, bool tunnel,
                      const uint8_t *pkt, size_t len, hs_time at);

/* A packet on the approach's path (machine_io) for socket s (NULL: the
 * tunnel of domain), a copy carried until the path is done. */
typedef struct NsIo NsIo;
typedef void (*NsIoThen)(NsIo *io, hs_time done);
struct NsIo {
    NetStack *ns;
    NsSock *s;     /* or NULL */
    int domain;    /* the domain whose path it takes */
    uint64_t gen;  /* s's connection when it set out */
    bool tunnel;   /* a tunnel packet */
    NsIoThen then; /* what happens at the end of the path */
    size_t len;
    uint8_t data[NS_PKT_BYTES];
};
/* Sends pkt along domain's path (dir) from when; then(io, done) runs
 * when the path is done, unless s's connection changed on the way or a
 * VM on the path died (the packet is dropped). hops as machine_io.
 * Returns 0, or -1 (dropped, counted). */
int netstack_io(NetStack *ns, NsSock *s, int domain, MachineIoDir dir,
                bool tunnel, const uint8_t *pkt, size_t len, hs_time when,
                NsIoThen then, VirtHop *hops, size_t *n_hops);
NsSock *netstack_sock_by_port(NetStack *ns, uint16_t local);
int netstack_tun_seal_submit(NsSock *s, const uint8_t *pkt, size_t len);
int netstack_tun_vm_seal(NsSock *s, const uint8_t *pkt, size_t len);
void netstack_tun_rx(NetStack *ns, const uint8_t *pkt, size_t len,
                     const IpPacketView *v, hs_time when);
void netstack_tun_in(NetStack *ns, int domain, const uint8_t *pkt, size_t len);
void netstack_tun_done(NetStack *ns, int domain, hs_time when);
bool netstack_gateway_uplink(NetStack *ns, size_t len, const IpPacketView *v,
                             hs_time through);
int netstack_gateway_seal(NsSock *s, const uint8_t *pkt, size_t len,
                          uint8_t *out, size_t cap);
int netstack_tun_setup(NetStack *ns, int i, char *err, size_t err_size);

#endif /* HS_PHONE_NETSTACK_INT_H */
