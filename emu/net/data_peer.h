/*
 * data_peer.h - a mail server behind the data bearer: the IMAP peer
 * (imap_peer.h) over the TCP flow model (ip.h), reached over the radio.
 *
 * Uplink TCP segments to the server (IP_MAIL_ADDR:143) arrive after a
 * one-way core-network delay drawn per packet from the run's stream
 * "data-peer": base_ps + a uniform share of jitter_ps, never overtaking
 * the previous packet of its direction. The server takes
 * them in (ip_tcp_receive as the SERVER side of the shared flow), answers
 * a SYN with SYN-ACK, feeds data to the IMAP session, sends its responses
 * (cut at the MSS) and a pure ACK otherwise, and answers a FIN with its
 * own. Its segments reach the cell after another drawn delay and cross
 * the air through bb_radio_deliver, so radio.pcap holds both directions.
 *
 * The flow object is shared with the client (the phone's side), as the
 * flow model wants; the model keeps both ends' sequence state.
 */
#ifndef HS_BASEBAND_DATA_PEER_H
#define HS_BASEBAND_DATA_PEER_H

#include <stdbool.h>
#include <stdint.h>

#include "net/imap_peer.h"
#include "net/ip.h"
#include "baseband/radio.h"

#define BB_DATA_SLOTS 64
/* One-way core delay to the mail server: estimates. */
#define BB_DATA_BASE_PS (25 * HS_MS)
#define BB_DATA_JITTER_PS (10 * HS_MS)
#define BB_DATA_DELAY_SOURCE                                                   \
    "estimates: 25 ms one way plus up to 10 ms of uniform jitter from the "    \
    "run's seeded stream"

typedef struct BbDataPeer BbDataPeer;

typedef struct BbDataSlot {
    BbDataPeer *p;     /* owner */
    bool used;         /* in flight */
    bool up;           /* towards the server (else towards the cell) */
    uint32_t len;      /* bytes */
    uint8_t pkt[1600]; /* the IPv4 packet */
} BbDataSlot;

struct BbDataPeer {
    Sim *sim;                           /* event kernel */
    BbRadio *radio;                     /* the phone's air interface */
    SimRng *rng;                        /* delays */
    IpTcpFlow *flow;                    /* shared with the client */
    ImapPeer imap;                      /* the server's session */
    hs_time base_ps, jitter_ps;         /* one-way delay */
    hs_time last_up, last_down;         /* latest arrival per direction */
    BbDataSlot slot[BB_DATA_SLOTS];     /* packets in the core network */
    uint64_t segments_in, segments_out; /* at the server */
    uint64_t errors;                    /* refused segments, full slots */
    char last_error[160];               /* the latest refusal */
};

/* flow must be initialised (ip_tcp_init) with the server at
 * IP_MAIL_ADDR:143; imap_cfg configures the mailbox. Returns 0, or -1
 * with a reason. */
int bb_data_peer_init(BbDataPeer *p, Sim *sim, BbRadio *radio, IpTcpFlow *flow,
                      const ImapPeerConfig *imap_cfg, char *err,
                      size_t err_size);
void bb_data_peer_free(BbDataPeer *p);
/* BbRadioNetFunc for uplink packets (others are ignored). */
void bb_data_peer_uplink(void *ctx, const uint8_t *pkt, size_t len,
                         hs_time sent, hs_time through);

#endif /* HS_BASEBAND_DATA_PEER_H */
