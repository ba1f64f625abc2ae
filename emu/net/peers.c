/*
 * peers.c - the IMS core and the remote party of a call (peers.h).
 */
#include "net/peers.h"

#include <stdio.h>
#include <string.h>

#include "net/ip.h"
#include "net/sms.h"

#define PHONE_RTP_DEFAULT 49152
#define CALLER_RTP 49170

static hs_time core(const BbPeers *p)
{
    return p->cfg.core_delay_ps;
}

/* ---- the core network ------------------------------------------------------
 */

static void on_arrive(Sim *sim, void *ctx, hs_time now)
{
    BbPeerSlot *s = ctx;
    (void)sim;
    if (s->p->cell.deliver(s->p->cell.ctx, s->pkt, s->len, now) < 0)
        s->p->dropped++;
    s->used = false;
}

/* Sends a UDP datagram from the network side at now; it reaches the cell
 * `delay` later. */
static void send_down_after(BbPeers *p, IpEndpoint src, IpEndpoint dst,
                            uint8_t dscp, const uint8_t *payload, size_t n,
                            hs_time delay)
{
    BbPeerSlot *s = NULL;
    for (unsigned i = 0; i < BB_PEERS_SLOTS && !s; i++) {
        BbPeerSlot *c = &p->slot[(p->next_slot + i) % BB_PEERS_SLOTS];
        if (!c->used)
            s = c;
    }
    char err[128];
    int len = s ? ip_build_udp(s->pkt, sizeof s->pkt, src, dst, p->ip_id++,
                               dscp, payload, n, err, sizeof err)
                : -1;
    if (len < 0) {
        p->dropped++;
        return;
    }
    s->p = p;
    s->used = true;
    s->len = (uint32_t)len;
    p->next_slot = (unsigned)(s - p->slot + 1) % BB_PEERS_SLOTS;
    sim_call_at(p->sim, sim_now(p->sim) + delay, "core-net", on_arrive, s, 0);
}

/* ... core_delay_ps later. */
static void send_down(BbPeers *p, IpEndpoint src, IpEndpoint dst, uint8_t dscp,
                      const uint8_t *payload, size_t n)
{
    send_down_after(p, src, dst, dscp, payload, n, core(p));
}

static void send_sip(BbPeers *p, SipMsg msg)
{
    char text[SIP_MAX_MESSAGE_BYTES], err[160];
    int n = sip_build(&p->call, msg, SIP_CALLER, text, sizeof text, err,
                      sizeof err);
    if (n < 0) {
        p->dropped++;
        return;
    }
    send_down(p, p->call.party[SIP_CALLER].sip, p->call.party[SIP_CALLEE].sip,
              IP_DSCP_SIGNALLING, (const uint8_t *)text, (size_t)n);
}

/* ---- media
 * ------------------------------------------------------------------- */

static void on_rtp_tick(Sim *sim, void *ctx, hs_time now)
{
    BbPeers *p = ctx;
    (void)sim;
    if (p->state != BB_PEER_ACTIVE)
        return;
    int16_t pcm[G722_FRAME_SAMPLES];
    /* 300 Hz square-ish talker: integer only, like the mic model */
    for (int i = 0; i < G722_FRAME_SAMPLES; i++, p->tone_phase++)
        pcm[i] = (int16_t)((p->tone_phase / 27) % 2 ? 6000 : -6000);
    uint8_t codes[G722_FRAME_BYTES], pkt[RTP_HEADER_BYTES + G722_FRAME_BYTES];
    g722_encode(&p->enc, pcm, G722_FRAME_SAMPLES, codes);
    char err[128];
    int n = rtp_build(&p->rtp, codes, sizeof codes, RTP_FRAME_PS, pkt,
                      sizeof pkt, err, sizeof err);
    if (n > 0) {
        IpEndpoint dst = {IP_PHONE_ADDR, p->phone_rtp_port};
        send_down(p, p->remote_rtp, dst, IP_DSCP_VOICE, pkt, (size_t)n);
        p->rtp_to_phone++;
    }
    sim_schedule_at(p->sim, &p->rtp_tick, now + RTP_FRAME_PS);
}

static void end_call(BbPeers *p, hs_time when)
{
    p->state = BB_PEER_ENDED;
    p->ended_at = when;
    sim_cancel(p->sim, &p->rtp_tick);
    sim_cancel(p->sim, &p->hangup);
    sim_cancel(p->sim, &p->cancel);
    sim_cancel(p->sim, &p->answer);
}

/* The media of an answered call starts at `at`. */
static void start_media(BbPeers *p, hs_time at)
{
    p->state = BB_PEER_ACTIVE;
    p->active_at = at;
    sim_schedule_at(p->sim, &p->rtp_tick, at);
}

static void on_cancel(Sim *sim, void *ctx, hs_time now)
{
    BbPeers *p = ctx;
    (void)sim;
    (void)now;
    if (p->outgoing ||
        (p->state != BB_PEER_INVITED && p->state != BB_PEER_RINGING))
        return;
    send_sip(p, SIP_CANCEL);
    p->cancels_sent++;
    p->state = BB_PEER_CANCELLING;
}

static void on_invite(Sim *sim, void *ctx, hs_time now)
{
    BbPeers *p = ctx;
    (void)sim;
    (void)now;
    send_sip(p, SIP_INVITE);
}

static void send_remote_bye(BbPeers *p);

static void on_hangup(Sim *sim, void *ctx, hs_time now)
{
    BbPeers *p = ctx;
    (void)sim;
    if (p->state != BB_PEER_ACTIVE)
        return;
    if (p->outgoing)
        send_remote_bye(p);
    else
        send_sip(p, SIP_BYE);
    end_call(p, now);
}

/* ---- what the phone sends --------------------------------------------------
 */

static void take_tag(BbPeers *p, const SipView *v)
{
    char to[256];
    if (sip_header(v, "To", to, sizeof to) < 0)
        return;
    const char *t = strstr(to, ";tag=");
    if (!t)
        return;
    snprintf(p->call.party[SIP_CALLEE].tag,
             sizeof p->call.party[SIP_CALLEE].tag, "%s", t + 5);
}

/* A response to one of the short messages: its CSeq names MESSAGE. */
static bool on_sms_response(BbPeers *p, const SipView *v)
{
    char cseq[64];
    unsigned n;
    char method[16];
    if (sip_header(v, "CSeq", cseq, sizeof cseq) < 0 ||
        sscanf(cseq, "%u %15s", &n, method) != 2 ||
        strcmp(method, "MESSAGE") != 0)
        return false;
    if (v->status < 200)
        return true; /* provisional */
    for (size_t i = 0; i < 256; i++) {
        BbPeerSms *m = &p->sms[i];
        if (!m->used || m->cseq != n || m->status)
            continue;
        m->status = v->status;
        if (v->status < 300)
            p->sms_ok++;
        else
            p->sms_failed++;
        break;
    }
    return true;
}

/* ---- the phone's own calls (the remote party is the UAS) ---------------
 */

/* A SIP message from the IMS core to the phone's SIP port. */
static void sip_to_phone(BbPeers *p, const char *text, size_t len)
{
    IpEndpoint ims = {IP_IMS_ADDR, IP_SIP_PORT};
    IpEndpoint phone = {IP_PHONE_ADDR, IP_SIP_PORT};
    send_down(p, ims, phone, IP_DSCP_SIGNALLING, (const uint8_t *)text, len);
}

static void reply(BbPeers *p, const SipView *req, int status,
                  const char *reason, bool tag, bool sdp)
{
    char text[SIP_MAX_MESSAGE_BYTES], err[160], contact[64], a[16];
    snprintf(contact, sizeof contact, "%s@%s:%u", BB_PEERS_SMS_FROM,
             ip_addr_str(IP_IMS_ADDR, a, sizeof a), (unsigned)IP_SIP_PORT);
    int n = sip_build_reply(req, status, reason, tag ? p->remote_tag : NULL,
                            tag ? contact : NULL, sdp ? &p->remote_rtp : NULL,
                            p->active_at / HS_US + 1000000000ULL, text,
                            sizeof text, err, sizeof err);
    if (n < 0) {
        p->dropped++;
        return;
    }
    sip_to_phone(p, text, (size_t)n);
}

/* The phone's INVITE as a view (it is kept for the later replies). */
static bool invite_view(BbPeers *p, SipView *v)
{
    char err[160];
    return p->invite_len > 0 &&
           sip_parse(p->invite_text, p->invite_len, v, err, sizeof err) == 0;
}

/* The remote party of the phone's call hangs up: a BYE in the dialog
 * (RFC 3261 15.1.1): From its To with its tag, To the phone's From (with
 * the phone's tag), the INVITE's Call-ID, a CSeq of its own. */
static void send_remote_bye(BbPeers *p)
{
    SipView inv;
    char from[256], to[256], cid[128], branch[13], a[16], b[16];
    char text[SIP_MAX_MESSAGE_BYTES];
    if (!invite_view(p, &inv) ||
        sip_header(&inv, "From", from, sizeof from) < 0 ||
        sip_header(&inv, "To", to, sizeof to) < 0 ||
        sip_header(&inv, "Call-ID", cid, sizeof cid) < 0) {
        p->dropped++;
        return;
    }
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 12; i++)
        branch[i] = hex[sim_rng_below(p->rng, 16)];
    branch[12] = '\0';
    int n =
        snprintf(text, sizeof text,
                 "BYE sip:phone@%s:%u SIP/2.0\r\n"
                 "Via: SIP/2.0/UDP %s:%u;branch=z9hG4bK%s\r\n"
                 "Max-Forwards: 70\r\n"
                 "From: %s;tag=%s\r\n"
                 "To: %s\r\n"
                 "Call-ID: %s\r\n"
                 "CSeq: 1 BYE\r\n"
                 "Content-Length: 0\r\n\r\n",
                 ip_addr_str(IP_PHONE_ADDR, a, sizeof a), (unsigned)IP_SIP_PORT,
                 ip_addr_str(IP_IMS_ADDR, b, sizeof b), (unsigned)IP_SIP_PORT,
                 branch, to, p->remote_tag, from, cid);
    if (n < 0 || (size_t)n >= sizeof text) {
        p->dropped++;
        return;
    }
    sip_to_phone(p, text, (size_t)n);
}

static void on_answer(Sim *sim, void *ctx, hs_time now)
{
    BbPeers *p = ctx;
    (void)sim;
    SipView inv;
    if (!p->outgoing || p->state != BB_PEER_RINGING || !invite_view(p, &inv))
        return;
    p->active_at = now; /* the SDP session id; media starts at the ACK */
    reply(p, &inv, 200, "OK", true, true);
    p->state = BB_PEER_ANSWERED;
}

static void on_phone_invite(BbPeers *p, const SipView *v, hs_time at)
{
    if (p->state != BB_PEER_NONE && p->state != BB_PEER_ENDED) {
        reply(p, v, 486, "Busy Here", true, false);
        return;
    }
    char err[128];
    uint32_t addr;
    uint16_t port;
    int pt;
    if (v->len > sizeof p->invite_text ||
        sip_sdp_audio(v->body, v->body_len, &addr, &port, &pt) < 0 ||
        rtp_stream_init(&p->rtp, p->rng, RTP_PT_G722, RTP_G722_CLOCK_HZ, err,
                        sizeof err) < 0) {
        reply(p, v, 400, "Bad Request", false, false);
        return;
    }
    memcpy(p->invite_text, v->text, v->len);
    p->invite_len = v->len;
    p->phone_rtp_port = port;
    p->remote_rtp = (IpEndpoint){IP_CALLER_ADDR, CALLER_RTP};
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 8; i++)
        p->remote_tag[i] = hex[sim_rng_below(p->rng, 16)];
    p->remote_tag[8] = '\0';
    g722_init(&p->enc);
    p->outgoing = true;
    p->ack_seen = false;
    p->hold_ps = 0;
    p->n_status = 0;
    p->invites_seen++;
    p->invite_at = at;
    p->state = BB_PEER_RINGING;
    reply(p, v, 100, "Trying", false, false);
    reply(p, v, 180, "Ringing", true, false);
    if (p->answer_after_ps)
        sim_schedule_at(p->sim, &p->answer, at + p->answer_after_ps);
}

/* A request from the phone about its own call. Returns true if taken. */
static bool p_outgoing_request(BbPeers *p, const SipView *v, hs_time at)
{
    if (strcmp(v->method, "INVITE") == 0) {
        on_phone_invite(p, v, at);
        return true;
    }
    if (!p->outgoing)
        return false;
    SipView inv;
    if (strcmp(v->method, "CANCEL") == 0) {
        p->cancels_seen++;
        reply(p, v, 200, "OK", true, false);
        if (p->state == BB_PEER_RINGING && invite_view(p, &inv)) {
            reply(p, &inv, 487, "Request Terminated", true, false);
            end_call(p, at);
        }
    } else if (strcmp(v->method, "ACK") == 0) {
        if (p->state == BB_PEER_ANSWERED) {
            p->ack_seen = true;
            start_media(p, at);
        }
    } else if (strcmp(v->method, "BYE") == 0) {
        reply(p, v, 200, "OK", false, false);
        if (p->state == BB_PEER_ACTIVE || p->state == BB_PEER_ANSWERED) {
            p->saw_bye_from_phone = true;
            end_call(p, at);
        }
    }
    return true;
}

static void on_sip(BbPeers *p, const uint8_t *payload, size_t n, hs_time at)
{
    SipView v;
    char err[160];
    if (sip_parse((const char *)payload, n, &v, err, sizeof err) < 0) {
        p->dropped++;
        return;
    }
    if (v.status && on_sms_response(p, &v))
        return; /* not about the call */
    if (!v.status && p_outgoing_request(p, &v, at))
        return; /* the phone's own call */
    if (v.status) {
        if (p->n_status < 16)
            p->sip_status[p->n_status++] = v.status;
        char cseq[64];
        if (sip_header(&v, "CSeq", cseq, sizeof cseq) > 0 &&
            strstr(cseq, "CANCEL"))
            return; /* the 200 to our CANCEL: the 487 ends the call */
        if (v.status == 180 && p->state == BB_PEER_INVITED) {
            take_tag(p, &v);
            p->state = BB_PEER_RINGING;
        } else if (v.status == 487 && p->state == BB_PEER_CANCELLING) {
            take_tag(p, &v);
            p->call.sent[SIP_487] = true;
            send_sip(p, SIP_ACK_487);
            end_call(p, at);
        } else if (v.status == 200 && (p->state == BB_PEER_INVITED ||
                                       p->state == BB_PEER_RINGING ||
                                       p->state == BB_PEER_CANCELLING)) {
            bool gave_up = p->state == BB_PEER_CANCELLING;
            take_tag(p, &v);
            uint32_t addr;
            uint16_t port;
            int pt;
            if (sip_sdp_audio(v.body, v.body_len, &addr, &port, &pt) == 0)
                p->phone_rtp_port = port;
            /* the dialog has its 200: the caller's side may ACK */
            p->call.sent[SIP_200_INVITE] = true;
            send_sip(p, SIP_ACK);
            start_media(p, at);
            if (gave_up) /* answered as the caller gave up */
                sim_schedule_at(p->sim, &p->hangup, at);
            else if (p->hold_ps)
                sim_schedule_at(p->sim, &p->hangup, at + p->hold_ps);
        } else if (v.status >= 300 && p->state != BB_PEER_ENDED) {
            end_call(p, at); /* declined */
        }
        return;
    }
    if (strcmp(v.method, "BYE") == 0 && p->state == BB_PEER_ACTIVE) {
        p->saw_bye_from_phone = true;
        p->call.sent[SIP_BYE] = true;
        p->call.bye_from = SIP_CALLEE;
        send_sip(p, SIP_200_BYE);
        end_call(p, at);
    }
}

/* The frame the phone encoded into a packet sent at `sent`: the last one
 * its firmware read before. */
static void record_m2e(BbPeers *p, hs_time sent, hs_time heard)
{
    if (!p->cell.mic_frame || p->n_m2e == BB_PEERS_MAX_DELAYS)
        return;
    void *c = p->cell.ctx;
    hs_time read, capture;
    while (p->cell.mic_frame(c, p->flow_cursor + 1, &read, &capture) == 0 &&
           read <= sent)
        p->flow_cursor++;
    if (p->cell.mic_frame(c, p->flow_cursor, &read, &capture) == 0 &&
        read <= sent)
        p->m2e_ps[p->n_m2e++] = heard - capture;
}

static void on_up_arrive(Sim *sim, void *ctx, hs_time now)
{
    BbPeerSlot *s = ctx;
    (void)sim;
    IpPacketView v;
    char err[128];
    if (ip_parse(s->pkt, s->len, &v, err, sizeof err) == 0)
        on_sip(s->p, v.payload, v.payload_bytes, now);
    s->used = false;
}

void peers_uplink(void *ctx, const uint8_t *pkt, size_t len, hs_time sent,
                  hs_time through)
{
    BbPeers *p = ctx;
    IpPacketView v;
    char err[128];
    if (ip_parse(pkt, len, &v, err, sizeof err) < 0 ||
        v.protocol != IP_PROTO_UDP)
        return; /* other peers (mail, web) are not modelled here */
    hs_time at = through + core(p);
    if (v.dst_port == IP_SIP_PORT) {
        /* the IMS core acts on it when it arrives */
        BbPeerSlot *s = NULL;
        for (unsigned i = 0; i < BB_PEERS_UP_SLOTS && !s; i++)
            if (!p->up[i].used)
                s = &p->up[i];
        if (!s || len > sizeof s->pkt) {
            p->dropped++;
            return;
        }
        memcpy(s->pkt, pkt, len);
        s->len = (uint32_t)len;
        s->p = p;
        s->used = true;
        sim_call_at(p->sim, at, "ims-rx", on_up_arrive, s, 0);
    } else if (v.dst_port == CALLER_RTP && p->state == BB_PEER_ACTIVE) {
        p->rtp_from_phone++;
        record_m2e(p, sent, at + p->cfg.playout_delay_ps);
    }
}

int peers_init(BbPeers *p, Sim *sim, const NetCell *cell,
               const BbPeersConfig *cfg, char *err, size_t err_size)
{
    memset(p, 0, sizeof *p);
    if (!sim || !cell || !cell->deliver || !cell->page) {
        snprintf(err, err_size, "peers: no Sim or radio");
        return -1;
    }
    if (cfg)
        p->cfg = *cfg;
    if (!p->cfg.core_delay_ps)
        p->cfg.core_delay_ps = BB_PEERS_CORE_DELAY_PS;
    if (!p->cfg.playout_delay_ps)
        p->cfg.playout_delay_ps = BB_PEERS_PLAYOUT_PS;
    p->sim = sim;
    p->cell = *cell;
    p->rng = sim_rng(sim, "peers");
    p->phone_rtp_port = PHONE_RTP_DEFAULT;
    sim_event_init(&p->rtp_tick, "caller-rtp", on_rtp_tick, p, 0);
    sim_event_init(&p->hangup, "caller-bye", on_hangup, p, 0);
    sim_event_init(&p->invite, "ims-invite", on_invite, p, 0);
    sim_event_init(&p->cancel, "caller-cancel", on_cancel, p, 0);
    sim_event_init(&p->answer, "remote-answer", on_answer, p, 0);
    p->sms_rng = sim_rng(sim, "peers.sms");
    return 0;
}

void peers_free(BbPeers *p)
{
    sim_cancel(p->sim, &p->invite);
    sim_cancel(p->sim, &p->rtp_tick);
    sim_cancel(p->sim, &p->hangup);
    sim_cancel(p->sim, &p->cancel);
    sim_cancel(p->sim, &p->answer);
}

int peers_call(BbPeers *p, hs_time when, hs_time hold_ps, char *err,
               size_t err_size)
{
    if (p->state != BB_PEER_NONE && p->state != BB_PEER_ENDED) {
        snprintf(err, err_size, "peers: a call is under way");
        return -1;
    }
    SipCallConfig cc = {
        .caller = {.user = "+15555550100",
                   .domain = "ims.example.net",
                   .sip = {IP_IMS_ADDR, IP_SIP_PORT},
                   .rtp = {IP_CALLER_ADDR, CALLER_RTP}},
        .callee = {.user = "+15555550123",
                   .domain = "ims.example.net",
                   .sip = {IP_PHONE_ADDR, IP_SIP_PORT},
                   .rtp = {IP_PHONE_ADDR, PHONE_RTP_DEFAULT}},
    };
    if (sip_call_init(&p->call, &cc, p->rng, err, err_size) < 0 ||
        rtp_stream_init(&p->rtp, p->rng, RTP_PT_G722, RTP_G722_CLOCK_HZ, err,
                        err_size) < 0)
        return -1;
    g722_init(&p->enc);
    p->hold_ps = hold_ps;
    p->n_status = 0;
    p->outgoing = false;
    p->remote_rtp = cc.caller.rtp;
    p->state = BB_PEER_INVITED;
    /* the IMS core sends the INVITE at when; the network pages the
     * phone and delivers it on the bearer the page brings up (the RRC
     * model waits for the paging occasion) */
    if (when < sim_now(p->sim))
        when = sim_now(p->sim);
    p->cell.page(p->cell.ctx, 1, when + core(p));
    p->invite_at = when;
    sim_schedule_at(p->sim, &p->invite, when);
    return 0;
}

int peers_cancel(BbPeers *p, hs_time when)
{
    if (p->outgoing ||
        (p->state != BB_PEER_INVITED && p->state != BB_PEER_RINGING))
        return -1;
    if (when < sim_now(p->sim))
        when = sim_now(p->sim);
    sim_cancel(p->sim, &p->cancel);
    return sim_schedule_at(p->sim, &p->cancel, when);
}

void peers_answer_after(BbPeers *p, hs_time answer_after_ps)
{
    p->answer_after_ps = answer_after_ps;
}

int peers_hangup(BbPeers *p, hs_time when)
{
    if (p->state != BB_PEER_ACTIVE)
        return -1;
    if (when < sim_now(p->sim))
        when = sim_now(p->sim);
    sim_cancel(p->sim, &p->hangup);
    return sim_schedule_at(p->sim, &p->hangup, when);
}

/* ---- short messages --------------------------------------------------------
 */

/* Words of a message: plain text, as a person would type it. */
static void sms_text(BbPeers *p, uint8_t *ud, uint32_t bytes)
{
    static const char *const words[] = {
        "running", "late", "meet",    "at",     "the", "station",
        "in",      "ten",  "minutes", "call",   "me",  "when",
        "you",     "are",  "free",    "thanks", "see", "you",
        "tonight", "ok",   "on",      "my",     "way", "lunch",
    };
    uint32_t n = 0;
    while (n < bytes) {
        const char *w =
            words[sim_rng_below(p->sms_rng, sizeof words / sizeof words[0])];
        if (n)
            ud[n++] = ' ';
        for (; *w && n < bytes; w++)
            ud[n++] = (uint8_t)*w;
    }
}

int peers_sms(BbPeers *p, const char *to_user, uint32_t bytes,
              hs_time core_delay_ps, char *err, size_t err_size)
{
    if (bytes == 0 || bytes > SMS_MAX_UD) {
        snprintf(err, err_size, "peers: a short message has 1-140 octets");
        return -1;
    }
    uint8_t ud[SMS_MAX_UD], rp[SMS_RP_MAX_BYTES];
    sms_text(p, ud, bytes);
    uint8_t mr = p->sms_next_mr;
    SmsDeliver d = {.mr = mr,
                    .smsc = BB_PEERS_SMSC,
                    .originator = BB_PEERS_SMS_FROM,
                    .at = sim_now(p->sim),
                    .ud = ud,
                    .ud_len = bytes};
    int rp_len = sms_rp_data(&d, rp, sizeof rp, err, err_size);
    if (rp_len < 0)
        return -1;
    SipMessageConfig mc = {.from_user = BB_PEERS_SMSC,
                           .from_domain = "ims.example.net",
                           .from_sip = {IP_IMS_ADDR, IP_SIP_PORT},
                           .to_user = to_user,
                           .to_domain = "ims.example.net",
                           .to_sip = {IP_PHONE_ADDR, IP_SIP_PORT},
                           .content_type = SMS_CONTENT_TYPE,
                           .body = rp,
                           .body_len = (size_t)rp_len};
    char text[SIP_MAX_MESSAGE_BYTES];
    int n =
        sip_build_message(&mc, p->sms_rng, text, sizeof text, err, err_size);
    if (n < 0)
        return -1;
    SipView v;
    char cseq[32];
    unsigned cseq_n = 0;
    if (sip_parse(text, (size_t)n, &v, err, err_size) < 0 ||
        sip_header(&v, "CSeq", cseq, sizeof cseq) < 0 ||
        sscanf(cseq, "%u", &cseq_n) != 1) {
        snprintf(err, err_size, "peers: the MESSAGE built is not SIP");
        return -1;
    }
    p->sms[mr] = (BbPeerSms){.sent_at = sim_now(p->sim),
                             .cseq = cseq_n,
                             .bytes = bytes,
                             .used = true};
    p->sms_next_mr = (uint8_t)(mr + 1);
    p->sms_sent++;
    send_down_after(p, mc.from_sip, mc.to_sip, IP_DSCP_SIGNALLING,
                    (const uint8_t *)text, (size_t)n,
                    core_delay_ps ? core_delay_ps : core(p));
    return mr;
}

const BbPeerSms *peers_sms_sent(const BbPeers *p, uint8_t mr)
{
    return p->sms[mr].used ? &p->sms[mr] : NULL;
}
