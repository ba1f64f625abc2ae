/*
 * sip.h - SIP (RFC 3261) message text for one voice call, with SDP
 * (RFC 4566) offering G.722 and optionally AMR-WB.
 *
 * A SipCall holds a call's dialog: the two parties, Call-ID, tags, Via
 * branches and CSeq numbers, all drawn from a seeded stream when the call
 * is set up, so the same seed gives the same bytes. sip_build writes the
 * messages of a call in order: INVITE (with the SDP offer), 100 Trying,
 * 180 Ringing, 200 OK (with the SDP answer: G.722, payload type 9), ACK,
 * BYE from either side, 200 OK to the BYE. 100 and 180 may be left out.
 * A caller giving up before the answer sends CANCEL (same Via branch and
 * CSeq number as the INVITE, RFC 3261 9.1); the callee answers 200 OK
 * to the CANCEL and 487 Request Terminated to the INVITE, which the
 * caller ACKs in the INVITE's transaction (17.1.1.3). Any other order is
 * refused. sip_build_reply answers a request someone else built (the
 * phone's), copying its Via, From, To, Call-ID and CSeq. sip_build_message
 * writes a MESSAGE outside any dialog (a short message). The text goes over UDP
 * to port 5060; the caller of this module wraps it with ip_build_udp.
 */
#ifndef HS_NET_SIP_H
#define HS_NET_SIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/ip.h"
#include "sim/rng.h"

#define SIP_MAX_MESSAGE_BYTES 1300 /* stays within one UDP datagram */

typedef enum SipSide {
    SIP_CALLER = 0, /* sends the INVITE */
    SIP_CALLEE = 1, /* answers it */
} SipSide;

typedef enum SipMsg {
    SIP_INVITE,
    SIP_100_TRYING,
    SIP_180_RINGING,
    SIP_200_INVITE, /* 200 OK to the INVITE, with the SDP answer */
    SIP_ACK,
    SIP_BYE,
    SIP_200_BYE,    /* 200 OK to the BYE */
    SIP_CANCEL,     /* the caller gives up before the answer */
    SIP_200_CANCEL, /* 200 OK to the CANCEL */
    SIP_487,        /* 487 Request Terminated, to the INVITE */
    SIP_ACK_487,    /* the caller's ACK of the 487 */
    SIP_MSG_COUNT
} SipMsg;

typedef struct SipPartyConfig {
    const char *user;   /* user part, e.g. "+15555550123" (1 .. 31 chars) */
    const char *domain; /* home domain, e.g. "ims.example.net" (< 64) */
    IpEndpoint sip;     /* signalling address and port */
    IpEndpoint rtp;     /* media address and (even) port */
} SipPartyConfig;

typedef struct SipCallConfig {
    SipPartyConfig caller, callee; /* the two ends */
    bool offer_amr_wb;             /* offer AMR-WB (PT 96) after G.722 (PT 9) */
} SipCallConfig;

typedef struct SipParty {
    char user[32];        /* user part of the URI */
    char domain[64];      /* host part of the address-of-record */
    IpEndpoint sip;       /* signalling */
    IpEndpoint rtp;       /* media */
    char tag[12];         /* From/To tag */
    uint32_t cseq;        /* last CSeq number this party used */
    uint64_t sdp_session; /* SDP o= session id and version */
} SipParty;

typedef struct SipCall {
    SipParty party[2];        /* indexed by SipSide */
    char call_id[40];         /* Call-ID */
    char branch[3][24];       /* Via branches: INVITE, ACK, BYE */
    bool offer_amr_wb;        /* from the config */
    bool sent[SIP_MSG_COUNT]; /* messages built so far */
    SipSide bye_from;         /* who sent the BYE */
} SipCall;

/* Sets up a call; identifiers come from rng. Returns 0, or -1 with a
 * reason if a user or domain is empty, too long or holds characters not
 * allowed in a SIP URI, or an RTP port is odd. */
int sip_call_init(SipCall *c, const SipCallConfig *cfg, SimRng *rng, char *err,
                  size_t err_size);

/* Who sends msg: the caller for INVITE, ACK, CANCEL and the 487's ACK,
 * the callee for the responses; bye_from for BYE, the other side for its
 * 200. */
SipSide sip_sender(const SipCall *c, SipMsg msg);

/*
 * Writes message msg, sent by from, into buf (cap bytes, not
 * NUL-terminated). Content-Length is the exact body length. Returns the
 * length, or -1 with a reason if it is out of order (see above), from is
 * the wrong side, or it does not fit in cap.
 */
int sip_build(SipCall *c, SipMsg msg, SipSide from, char *buf, size_t cap,
              char *err, size_t err_size);

/* A MESSAGE request outside any dialog (RFC 3428, pager mode): how the
 * IMS core hands a short message to the phone (3GPP TS 24.341 5.3.2).
 * The request goes to `to`'s signalling address; Call-ID, From tag, Via
 * branch and CSeq are fresh from rng; the body is sent as it is
 * (binary allowed: Content-Length counts octets). */
typedef struct SipMessageConfig {
    const char *from_user, *from_domain; /* the sender (SIP From) */
    IpEndpoint from_sip;                 /* its signalling address */
    const char *to_user, *to_domain;     /* the addressee (To) */
    IpEndpoint to_sip;                   /* where the request goes */
    const char *content_type;            /* e.g. "application/vnd.3gpp.sms" */
    const uint8_t *body;                 /* body_len octets */
    size_t body_len;
} SipMessageConfig;

/* Writes the MESSAGE into buf (cap bytes). Returns its length, or -1
 * with a reason (bad user or domain, no content type, too long). */
int sip_build_message(const SipMessageConfig *cfg, SimRng *rng, char *buf,
                      size_t cap, char *err, size_t err_size);

/* A parsed message: views into the caller's text. */
typedef struct SipView {
    const char *text;    /* whole message */
    size_t len;          /* its length */
    char method[16];     /* request method, "" for a response */
    int status;          /* response status code, 0 for a request */
    const char *headers; /* first header line */
    size_t headers_len;  /* up to the blank line */
    const char *body;    /* after the blank line */
    size_t body_len;     /* equals Content-Length */
} SipView;

/* Parses a message: start line, header block ended by an empty line,
 * Content-Length equal to the body's length. Returns 0, or -1 with a
 * reason. */
int sip_parse(const char *text, size_t len, SipView *v, char *err,
              size_t err_size);

/* Copies the value of the first header named name (case-insensitive)
 * into out (NUL-terminated). Returns its length, or -1 if absent or it
 * does not fit. */
int sip_header(const SipView *v, const char *name, char *out, size_t cap);

/*
 * Writes the response `status reason` to the parsed request req into buf
 * (cap bytes): its Via, From, Call-ID and CSeq copied, its To with
 * ";tag=" to_tag added when to_tag is non-empty and To has no tag yet
 * (RFC 3261 8.2.6.2). contact (may be NULL) is a "user@addr:port" for a
 * Contact header. sdp_rtp (may be NULL) adds an SDP answer offering G.722
 * (payload type 9) at that media address. Returns the length, or -1 with
 * a reason (req lacks a header, bad status, does not fit).
 */
int sip_build_reply(const SipView *req, int status, const char *reason,
                    const char *to_tag, const char *contact,
                    const IpEndpoint *sdp_rtp, uint64_t sdp_session, char *buf,
                    size_t cap, char *err, size_t err_size);

/* Reads the connection address, the audio port and the first payload
 * type of the first m=audio line from an SDP body. Returns 0 or -1. */
int sip_sdp_audio(const char *sdp, size_t len, uint32_t *addr, uint16_t *port,
                  int *first_pt);

#endif /* HS_NET_SIP_H */
