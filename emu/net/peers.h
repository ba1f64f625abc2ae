/*
 * peers.h - the network side of a call: the IMS core and the remote
 * party, as one peer model behind the air interface.
 *
 * peers_call places an incoming call to the phone: the network pages
 * it (bb_radio_page) and sends the INVITE (built with sip.c, SDP offering
 * G.722) from the IMS core. The model answers what the phone's firmware
 * sends back: it reads the phone's To tag from 180/200, sends ACK after
 * 200 OK and starts its own media: every 20 ms a 320-sample frame of the
 * remote talker (a tone, as the mic model makes one) encoded with the
 * real G.722 codec and sent as RTP to the port of the phone's SDP answer.
 * It hangs up (BYE) after hold_ps of conversation if asked to, answers a
 * BYE from the phone with 200 OK, and stops on 603 Decline. peers_cancel
 * has the caller give up while the call is unanswered: CANCEL (RFC 3261
 * 9.1); the phone's 487 Request Terminated is ACKed and ends the call;
 * a 200 OK that crossed the CANCEL is ACKed and hung up at once.
 *
 * Outgoing calls: an INVITE from the phone reaches the remote party
 * through the IMS core (the phone's Request-URI names it): 100 Trying
 * and 180 Ringing at once, 200 OK with an SDP answer (G.722, the remote
 * party's media address) answer_after_ps later (peers_answer_after; 0:
 * it never answers); the phone's ACK starts the remote talker's media to
 * the port of the phone's SDP offer. A CANCEL from the phone before the
 * 200 gets 200 OK and 487 Request Terminated for the INVITE; a BYE gets
 * 200 OK; peers_hangup has the remote party send its own BYE. Replies
 * copy the phone's headers (sip_build_reply). An INVITE while a call is
 * under way gets 486 Busy Here.
 *
 * peers_sms has the IMS core (its IP-SM-GW) send a short message: a
 * SIP MESSAGE (RFC 3428) to the addressee's public user identity, body
 * application/vnd.3gpp.sms, RP-DATA carrying SMS-DELIVER (sms.h) with
 * the caller's number as originator and text drawn from the stream
 * "peers.sms". The radio pages an idle phone for it. The model keeps,
 * per message reference, when the MESSAGE left and the phone's final
 * response (matched by CSeq). The call's state is not touched: a
 * message may arrive during a call.
 *
 * Every packet crosses a core network of core_delay_ps each way between
 * the cell and the peer. For each RTP packet from the phone the model
 * records the mouth-to-ear delay: from the capture of the frame's first
 * sample (the baseband's mic flow record of the frame it encoded) to its
 * playout at the remote party (arrival + playout_delay_ps).
 */
#ifndef HS_NET_PEERS_H
#define HS_NET_PEERS_H

#include <stdbool.h>
#include <stdint.h>

#include "guest/lib/g722.h"
#include "net/rtp.h"
#include "net/sip.h"
#include "sim/sim.h"

#define BB_PEERS_SLOTS 128
#define BB_PEERS_UP_SLOTS 32
#define BB_PEERS_MAX_DELAYS 4096
/* One-way core-network delay and the remote jitter buffer: estimates
 * that keep the sum inside ITU-T G.114's 150 ms "good" budget. */
#define BB_PEERS_CORE_DELAY_PS (20 * HS_MS)
#define BB_PEERS_PLAYOUT_PS (40 * HS_MS)
#define BB_PEERS_DELAY_SOURCE                                                  \
    "estimates: 20 ms one-way core network, 40 ms remote jitter buffer, "      \
    "chosen inside ITU-T G.114's 150 ms mouth-to-ear budget"

typedef enum BbPeerCall {
    BB_PEER_NONE,       /* no call */
    BB_PEER_INVITED,    /* INVITE sent */
    BB_PEER_RINGING,    /* 180 seen */
    BB_PEER_ACTIVE,     /* 200 seen, ACK sent, media flowing */
    BB_PEER_ENDED,      /* BYE exchanged, declined or cancelled */
    BB_PEER_CANCELLING, /* CANCEL sent, waiting for the 487 */
    BB_PEER_ANSWERED,   /* outgoing: 200 OK sent, waiting for the ACK */
} BbPeerCall;

#define BB_PEERS_SMSC "+15555550001"     /* the service centre (RP-OA) */
#define BB_PEERS_SMS_FROM "+15555550100" /* TP-OA: the usual caller */

/* One short message sent, by RP-MR. */
typedef struct BbPeerSms {
    hs_time sent_at; /* the MESSAGE left the IMS core */
    uint32_t cseq;   /* its CSeq number */
    uint32_t bytes;  /* user data octets */
    int status;      /* the phone's final response, 0: none yet */
    bool used;       /* sent at least once */
} BbPeerSms;

typedef struct BbPeersConfig {
    hs_time core_delay_ps;    /* 0: BB_PEERS_CORE_DELAY_PS; p->cfg may be
                                 changed between calls */
    hs_time playout_delay_ps; /* 0: BB_PEERS_PLAYOUT_PS */
} BbPeersConfig;

/* The cell the network reaches the phone through: the baseband's radio
 * and the record of the microphone frames its firmware read
 * (baseband.h, bb_cell). */
typedef struct NetCell {
    void *ctx; /* the radio's owner */
    /* A downlink packet reaches the cell at when. Returns 0, or -1 if the
     * radio refuses it. */
    int (*deliver)(void *ctx, const uint8_t *pkt, size_t len, hs_time when);
    /* The network pages the phone for call_id (non-zero) at when. */
    int (*page)(void *ctx, uint32_t call_id, hs_time when);
    /* The i-th microphone frame the phone read: when it read it and when
     * its first sample was captured. Returns 0, or -1 past the last. May
     * be NULL (no mouth-to-ear delays). */
    int (*mic_frame)(void *ctx, size_t i, hs_time *read, hs_time *capture);
} NetCell;

typedef struct BbPeers BbPeers;

/* One packet on its way to the cell. */
typedef struct BbPeerSlot {
    BbPeers *p;        /* owner */
    bool used;         /* waiting to be delivered */
    uint32_t len;      /* bytes */
    uint8_t pkt[1500]; /* the IPv4 packet */
} BbPeerSlot;

struct BbPeers {
    BbPeersConfig cfg;       /* with defaults filled */
    Sim *sim;                /* event kernel */
    NetCell cell;            /* the phone's air interface */
    SimRng *rng;             /* the peers' stream */
    SipCall call;            /* the dialog */
    BbPeerCall state;        /* where the call is */
    hs_time hold_ps;         /* caller hangs up after this (0: never) */
    hs_time active_at;       /* ACK sent */
    hs_time ended_at;        /* BYE / decline seen */
    uint16_t phone_rtp_port; /* from the SDP answer */
    uint16_t ip_id;          /* IPv4 identification counter */
    RtpStream rtp;           /* remote talker -> phone */
    G722State enc;           /* its encoder */
    uint64_t tone_phase;     /* its tone, in samples */
    SimEvent rtp_tick;       /* every 20 ms while active */
    SimEvent hangup;         /* the caller's BYE */
    SimEvent invite;         /* the INVITE leaves the IMS core */
    SimEvent cancel;         /* the caller gives up (CANCEL) */
    SimEvent answer;         /* outgoing: the remote party picks up */
    bool outgoing;           /* the call under way is the phone's */
    hs_time answer_after_ps; /* outgoing: 200 OK this long after INVITE */
    IpEndpoint remote_rtp;   /* the remote party's media address */
    char invite_text[SIP_MAX_MESSAGE_BYTES]; /* outgoing: the phone's INVITE */
    size_t invite_len;                       /* its length */
    char remote_tag[12];                     /* outgoing: our To tag */
    uint64_t cancels_sent;                   /* CANCELs the caller sent */
    uint64_t cancels_seen;                   /* CANCELs from the phone */
    uint64_t invites_seen;                   /* INVITEs from the phone */
    bool ack_seen;                           /* outgoing: the phone's ACK */
    hs_time invite_at;                       /* when it does */
    BbPeerSlot up[BB_PEERS_UP_SLOTS]; /* SIP on its way to the IMS core */
    BbPeerSlot slot[BB_PEERS_SLOTS];  /* packets in the core network */
    unsigned next_slot;               /* where to look for a free one */
    int sip_status[16];               /* responses from the phone, in order */
    unsigned n_status;                /* entries used */
    bool saw_bye_from_phone;          /* the phone hung up */
    uint64_t rtp_from_phone;          /* RTP packets received */
    uint64_t rtp_to_phone;            /* RTP packets sent */
    hs_time m2e_ps[BB_PEERS_MAX_DELAYS]; /* mouth-to-ear per frame */
    size_t n_m2e;                        /* entries used */
    size_t flow_cursor;                  /* mic flow records already matched */
    uint64_t dropped;    /* no free slot or refused by the radio */
    SimRng *sms_rng;     /* "peers.sms": message identifiers and text */
    BbPeerSms sms[256];  /* by RP-MR */
    uint8_t sms_next_mr; /* next message reference */
    uint64_t sms_sent;   /* MESSAGE requests sent */
    uint64_t sms_ok;     /* 2xx responses to them */
    uint64_t sms_failed; /* other final responses */
};

/* Returns 0, or -1 with a reason (no deliver or page in cell). */
int peers_init(BbPeers *p, Sim *sim, const NetCell *cell,
               const BbPeersConfig *cfg, char *err, size_t err_size);
void peers_free(BbPeers *p);
/* The uplink side (a BbRadioNetFunc): install with
 * bb_radio_set_net(radio, peers_uplink, p). */
void peers_uplink(void *ctx, const uint8_t *pkt, size_t len, hs_time sent,
                  hs_time through);
/* The caller hangs up (BYE) at when (>= now) if the call is active
 * then. Returns 0, or -1 if no call is active now. */
int peers_hangup(BbPeers *p, hs_time when);
/* Places an incoming call at when; the caller hangs up hold_ps after the
 * call becomes active (0: only if the phone does). Returns 0, or -1 if a
 * call is under way or the INVITE cannot be built. */
int peers_call(BbPeers *p, hs_time when, hs_time hold_ps, char *err,
               size_t err_size);

/* The caller gives up at when (>= now) if the incoming call is still
 * unanswered then: CANCEL. Returns 0, or -1 if no incoming call is
 * ringing now. */
int peers_cancel(BbPeers *p, hs_time when);
/* The remote party of the phone's next outgoing call answers
 * answer_after_ps after the INVITE reaches the IMS core (0: never). */
void peers_answer_after(BbPeers *p, hs_time answer_after_ps);

/* Sends a short message of `bytes` octets (1 .. 140) to to_user now; it
 * reaches the cell core_delay_ps later (0: cfg.core_delay_ps). Returns
 * its RP-MR (0 .. 255), or -1 with a reason. */
int peers_sms(BbPeers *p, const char *to_user, uint32_t bytes,
              hs_time core_delay_ps, char *err, size_t err_size);
/* The message sent with RP-MR mr, or NULL if none was. */
const BbPeerSms *peers_sms_sent(const BbPeers *p, uint8_t mr);

#endif /* HS_NET_PEERS_H */
