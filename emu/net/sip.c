/*
 * sip.c - SIP message text and SDP for one call (see sip.h).
 */
#include "net/sip.h"

#include <stdarg.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "sim/error.h"

enum { BRANCH_INVITE, BRANCH_ACK, BRANCH_BYE };

/* Text appended into a fixed buffer; overflow is remembered, not fatal
 * until the end. */
typedef struct Text {
    char *buf;
    size_t cap, len;
    bool overflow;
} Text;

static void put(Text *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void put(Text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t room = t->len < t->cap ? t->cap - t->len : 0;
    /* vsnprintf needs room for its NUL; keep one spare byte. */
    char tmp[512];
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof tmp || (size_t)n > room) {
        t->overflow = true;
        return;
    }
    memcpy(t->buf + t->len, tmp, (size_t)n);
    t->len += (size_t)n;
}

static void hex_id(SimRng *rng, char *out, size_t digits)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < digits; i++)
        out[i] = hex[sim_rng_below(rng, 16)];
    out[digits] = '\0';
}

/* RFC 3261 user and host characters we accept (a safe subset). */
static bool uri_chars_ok(const char *s)
{
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && !strchr("+-._", *s))
            return false;
    return true;
}

static int party_init(SipParty *p, const SipPartyConfig *pc, const char *role,
                      SimRng *rng, char *err, size_t err_size)
{
    if (pc->user == NULL || pc->user[0] == '\0' ||
        strlen(pc->user) >= sizeof p->user || !uri_chars_ok(pc->user))
        return hs_errorf(err, err_size,
                         "SIP %s user is empty, too long or invalid", role);
    if (pc->domain == NULL || pc->domain[0] == '\0' ||
        strlen(pc->domain) >= sizeof p->domain || !uri_chars_ok(pc->domain))
        return hs_errorf(err, err_size,
                         "SIP %s domain is empty, too long or invalid", role);
    if (pc->rtp.port % 2 != 0 || pc->rtp.port == 0)
        return hs_errorf(err, err_size, "SIP %s RTP port %u is not even", role,
                         pc->rtp.port);
    if (pc->sip.port == 0)
        return hs_errorf(err, err_size, "SIP %s signalling port is 0", role);
    strcpy(p->user, pc->user);
    strcpy(p->domain, pc->domain);
    p->sip = pc->sip;
    p->rtp = pc->rtp;
    hex_id(rng, p->tag, 8);
    p->cseq = 0;
    /* NTP-like session id, as RFC 4566 suggests; below 10^10 to stay
     * short. */
    p->sdp_session = 1000000000ULL + sim_rng_below(rng, 9000000000ULL);
    return 0;
}

int sip_call_init(SipCall *c, const SipCallConfig *cfg, SimRng *rng, char *err,
                  size_t err_size)
{
    memset(c, 0, sizeof *c);
    if (party_init(&c->party[SIP_CALLER], &cfg->caller, "caller", rng, err,
                   err_size) < 0 ||
        party_init(&c->party[SIP_CALLEE], &cfg->callee, "callee", rng, err,
                   err_size) < 0)
        return -1;
    char id[17], host[16];
    hex_id(rng, id, 16);
    snprintf(c->call_id, sizeof c->call_id, "%s@%s", id,
             ip_addr_str(cfg->caller.sip.addr, host, sizeof host));
    for (int i = 0; i < 3; i++) {
        char b[13];
        hex_id(rng, b, 12);
        snprintf(c->branch[i], sizeof c->branch[i], "z9hG4bK%s", b);
    }
    c->offer_amr_wb = cfg->offer_amr_wb;
    c->party[SIP_CALLER].cseq = 1 + (uint32_t)sim_rng_below(rng, 1000);
    c->party[SIP_CALLEE].cseq = 1 + (uint32_t)sim_rng_below(rng, 1000);
    c->bye_from = SIP_CALLER;
    return 0;
}

SipSide sip_sender(const SipCall *c, SipMsg msg)
{
    switch (msg) {
    case SIP_INVITE:
    case SIP_ACK:
    case SIP_CANCEL:
    case SIP_ACK_487:
        return SIP_CALLER;
    case SIP_BYE:
        return c->bye_from;
    case SIP_200_BYE:
        return c->bye_from == SIP_CALLER ? SIP_CALLEE : SIP_CALLER;
    default:
        return SIP_CALLEE;
    }
}

static bool in_order(const SipCall *c, SipMsg msg)
{
    const bool *s = c->sent;
    switch (msg) {
    case SIP_INVITE:
        return !s[SIP_INVITE];
    case SIP_100_TRYING:
        return s[SIP_INVITE] && !s[SIP_100_TRYING] && !s[SIP_180_RINGING] &&
               !s[SIP_200_INVITE];
    case SIP_180_RINGING:
        return s[SIP_INVITE] && !s[SIP_180_RINGING] && !s[SIP_200_INVITE];
    case SIP_200_INVITE:
        return s[SIP_INVITE] && !s[SIP_200_INVITE] && !s[SIP_487];
    case SIP_ACK:
        return s[SIP_200_INVITE] && !s[SIP_ACK];
    case SIP_BYE:
        return s[SIP_ACK] && !s[SIP_BYE];
    case SIP_200_BYE:
        return s[SIP_BYE] && !s[SIP_200_BYE];
    case SIP_CANCEL:
        return s[SIP_INVITE] && !s[SIP_CANCEL] && !s[SIP_200_INVITE];
    case SIP_200_CANCEL:
        return s[SIP_CANCEL] && !s[SIP_200_CANCEL];
    case SIP_487:
        return s[SIP_CANCEL] && !s[SIP_487] && !s[SIP_200_INVITE];
    case SIP_ACK_487:
        return s[SIP_487] && !s[SIP_ACK_487];
    default:
        return false;
    }
}

static void put_sdp(Text *t, const SipParty *p, bool offer, bool amr_wb)
{
    char a[16];
    ip_addr_str(p->rtp.addr, a, sizeof a);
    put(t, "v=0\r\n");
    put(t, "o=- %llu %llu IN IP4 %s\r\n", (unsigned long long)p->sdp_session,
        (unsigned long long)p->sdp_session, a);
    put(t, "s=-\r\n");
    put(t, "c=IN IP4 %s\r\n", a);
    put(t, "t=0 0\r\n");
    bool amr = offer && amr_wb;
    put(t, "m=audio %u RTP/AVP 9%s\r\n", p->rtp.port, amr ? " 96" : "");
    put(t, "a=rtpmap:9 G722/8000\r\n");
    if (amr) {
        put(t, "a=rtpmap:96 AMR-WB/16000\r\n");
        put(t, "a=fmtp:96 mode-change-capability=2;max-red=0\r\n");
    }
    put(t, "a=ptime:20\r\n");
    put(t, "a=sendrecv\r\n");
}

/* "<sip:user@domain>" with ";tag=" when tagged. */
static void put_aor(Text *t, const char *hname, const SipParty *p, bool tag)
{
    put(t, "%s: <sip:%s@%s>%s%s\r\n", hname, p->user, p->domain,
        tag ? ";tag=" : "", tag ? p->tag : "");
}

static void put_contact(Text *t, const SipParty *p)
{
    char a[16];
    put(t, "Contact: <sip:%s@%s:%u>\r\n", p->user,
        ip_addr_str(p->sip.addr, a, sizeof a), p->sip.port);
}

static void put_via(Text *t, const SipParty *p, const char *branch)
{
    char a[16];
    put(t, "Via: SIP/2.0/UDP %s:%u;branch=%s\r\n",
        ip_addr_str(p->sip.addr, a, sizeof a), p->sip.port, branch);
}

static void put_request_line(Text *t, const char *method, const SipParty *to)
{
    char a[16];
    put(t, "%s sip:%s@%s:%u SIP/2.0\r\n", method, to->user,
        ip_addr_str(to->sip.addr, a, sizeof a), to->sip.port);
}

/* Ends a message's headers with its SDP body b (Content-Type when there
 * is one, Content-Length, the blank line) and appends the body. */
static void put_body(Text *t, const Text *b)
{
    if (b->len > 0)
        put(t, "Content-Type: application/sdp\r\n");
    put(t, "Content-Length: %zu\r\n\r\n", b->len);
    if (t->overflow || b->len == 0)
        return;
    if (b->len > t->cap - t->len) {
        t->overflow = true;
        return;
    }
    memcpy(t->buf + t->len, b->buf, b->len);
    t->len += b->len;
}

int sip_build(SipCall *c, SipMsg msg, SipSide from, char *buf, size_t cap,
              char *err, size_t err_size)
{
    static const char *names[SIP_MSG_COUNT] = {
        "INVITE",
        "100 Trying",
        "180 Ringing",
        "200 OK (INVITE)",
        "ACK",
        "BYE",
        "200 OK (BYE)",
        "CANCEL",
        "200 OK (CANCEL)",
        "487 Request Terminated",
        "ACK (487)",
    };
    if ((unsigned)msg >= SIP_MSG_COUNT)
        return hs_errorf(err, err_size, "unknown SIP message %d", (int)msg);
    if (from != SIP_CALLER && from != SIP_CALLEE)
        return hs_errorf(err, err_size, "invalid SIP side %d", (int)from);
    if (!in_order(c, msg))
        return hs_errorf(err, err_size, "SIP %s is out of order for this call",
                         names[msg]);
    if (msg != SIP_BYE && from != sip_sender(c, msg))
        return hs_errorf(err, err_size, "SIP %s is sent by the %s", names[msg],
                         sip_sender(c, msg) == SIP_CALLER ? "caller"
                                                          : "callee");
    const SipParty *caller = &c->party[SIP_CALLER];
    const SipParty *callee = &c->party[SIP_CALLEE];

    /* The body first: Content-Length must be its exact length. */
    char body[512];
    Text b = {body, sizeof body, 0, false};
    if (msg == SIP_INVITE)
        put_sdp(&b, caller, true, c->offer_amr_wb);
    else if (msg == SIP_200_INVITE)
        put_sdp(&b, callee, false, false);
    if (b.overflow)
        return hs_errorf(err, err_size, "SIP SDP body does not fit");

    Text t = {buf, cap, 0, false};
    SipSide bye_from = msg == SIP_BYE ? from : c->bye_from;
    const SipParty *bf = &c->party[bye_from];
    const SipParty *bt = &c->party[!bye_from];
    switch (msg) {
    case SIP_INVITE:
        put_request_line(&t, "INVITE", callee);
        put_via(&t, caller, c->branch[BRANCH_INVITE]);
        put(&t, "Max-Forwards: 70\r\n");
        put_aor(&t, "From", caller, true);
        put_aor(&t, "To", callee, false);
        put(&t, "Call-ID: %s\r\n", c->call_id);
        put(&t, "CSeq: %u INVITE\r\n", caller->cseq);
        put_contact(&t, caller);
        put(&t, "Allow: INVITE, ACK, CANCEL, BYE\r\n");
        break;
    case SIP_100_TRYING:
    case SIP_180_RINGING:
    case SIP_200_INVITE:
        put(&t, "SIP/2.0 %s\r\n",
            msg == SIP_100_TRYING    ? "100 Trying"
            : msg == SIP_180_RINGING ? "180 Ringing"
                                     : "200 OK");
        put_via(&t, caller, c->branch[BRANCH_INVITE]);
        put_aor(&t, "From", caller, true);
        /* 100 comes from the transaction layer, before a dialog: no tag. */
        put_aor(&t, "To", callee, msg != SIP_100_TRYING);
        put(&t, "Call-ID: %s\r\n", c->call_id);
        put(&t, "CSeq: %u INVITE\r\n", caller->cseq);
        if (msg != SIP_100_TRYING)
            put_contact(&t, callee);
        if (msg == SIP_200_INVITE)
            put(&t, "Allow: INVITE, ACK, CANCEL, BYE\r\n");
        break;
    case SIP_ACK:
        put_request_line(&t, "ACK", callee);
        put_via(&t, caller, c->branch[BRANCH_ACK]);
        put(&t, "Max-Forwards: 70\r\n");
        put_aor(&t, "From", caller, true);
        put_aor(&t, "To", callee, true);
        put(&t, "Call-ID: %s\r\n", c->call_id);
        put(&t, "CSeq: %u ACK\r\n", caller->cseq);
        break;
    case SIP_BYE:
    case SIP_200_BYE:
        if (msg == SIP_BYE) {
            put_request_line(&t, "BYE", bt);
        } else {
            put(&t, "SIP/2.0 200 OK\r\n");
        }
        put_via(&t, bf, c->branch[BRANCH_BYE]);
        if (msg == SIP_BYE)
            put(&t, "Max-Forwards: 70\r\n");
        /* From is the BYE's sender in both the request and its reply. */
        put_aor(&t, "From", bf, true);
        put_aor(&t, "To", bt, true);
        put(&t, "Call-ID: %s\r\n", c->call_id);
        put(&t, "CSeq: %u BYE\r\n", bf->cseq + 1);
        break;
    case SIP_CANCEL:
    case SIP_ACK_487:
        /* RFC 3261 9.1 and 17.1.1.3: the INVITE's request URI, Via
         * branch and CSeq number; the ACK carries the 487's To tag */
        put_request_line(&t, msg == SIP_CANCEL ? "CANCEL" : "ACK", callee);
        put_via(&t, caller, c->branch[BRANCH_INVITE]);
        put(&t, "Max-Forwards: 70\r\n");
        put_aor(&t, "From", caller, true);
        put_aor(&t, "To", callee, msg == SIP_ACK_487);
        put(&t, "Call-ID: %s\r\n", c->call_id);
        put(&t, "CSeq: %u %s\r\n", caller->cseq,
            msg == SIP_CANCEL ? "CANCEL" : "ACK");
        break;
    case SIP_200_CANCEL:
    case SIP_487:
        put(&t, "SIP/2.0 %s\r\n",
            msg == SIP_487 ? "487 Request Terminated" : "200 OK");
        put_via(&t, caller, c->branch[BRANCH_INVITE]);
        put_aor(&t, "From", caller, true);
        put_aor(&t, "To", callee, true);
        put(&t, "Call-ID: %s\r\n", c->call_id);
        put(&t, "CSeq: %u %s\r\n", caller->cseq,
            msg == SIP_487 ? "INVITE" : "CANCEL");
        break;
    default:
        break;
    }
    put_body(&t, &b);
    if (t.overflow)
        return hs_errorf(err, err_size,
                         "SIP %s does not fit the %zu-byte buffer", names[msg],
                         cap);
    c->sent[msg] = true;
    if (msg == SIP_BYE)
        c->bye_from = from;
    if (msg == SIP_200_BYE)
        c->party[bye_from].cseq++; /* the BYE used cseq + 1 */
    return (int)t.len;
}

int sip_build_reply(const SipView *req, int status, const char *reason,
                    const char *to_tag, const char *contact,
                    const IpEndpoint *sdp_rtp, uint64_t sdp_session, char *buf,
                    size_t cap, char *err, size_t err_size)
{
    static const char *const copied[] = {"Via", "From", "To", "Call-ID",
                                         "CSeq"};
    char val[5][256];
    if (status < 100 || status > 699 || !reason || !*reason ||
        strpbrk(reason, "\r\n"))
        return hs_errorf(err, err_size, "SIP reply: bad status %d", status);
    for (size_t i = 0; i < 5; i++)
        if (sip_header(req, copied[i], val[i], sizeof val[i]) < 0)
            return hs_errorf(err, err_size, "SIP reply: the request has no %s",
                             copied[i]);
    char body[512];
    Text b = {body, sizeof body, 0, false};
    if (sdp_rtp) {
        SipParty p = {.rtp = *sdp_rtp, .sdp_session = sdp_session};
        put_sdp(&b, &p, false, false);
    }
    if (b.overflow)
        return hs_errorf(err, err_size, "SIP SDP body does not fit");
    Text t = {buf, cap, 0, false};
    put(&t, "SIP/2.0 %d %s\r\n", status, reason);
    put(&t, "Via: %s\r\n", val[0]);
    put(&t, "From: %s\r\n", val[1]);
    bool tag = to_tag && *to_tag && !strstr(val[2], ";tag=");
    put(&t, "To: %s%s%s\r\n", val[2], tag ? ";tag=" : "", tag ? to_tag : "");
    put(&t, "Call-ID: %s\r\n", val[3]);
    put(&t, "CSeq: %s\r\n", val[4]);
    if (contact)
        put(&t, "Contact: <sip:%s>\r\n", contact);
    put_body(&t, &b);
    if (t.overflow)
        return hs_errorf(err, err_size, "SIP reply does not fit %zu bytes",
                         cap);
    return (int)t.len;
}

static bool party_name_ok(const char *s, size_t max)
{
    return s && *s && strlen(s) < max && uri_chars_ok(s);
}

int sip_build_message(const SipMessageConfig *cfg, SimRng *rng, char *buf,
                      size_t cap, char *err, size_t err_size)
{
    if (!party_name_ok(cfg->from_user, 32) ||
        !party_name_ok(cfg->from_domain, 64) ||
        !party_name_ok(cfg->to_user, 32) || !party_name_ok(cfg->to_domain, 64))
        return hs_errorf(
            err, err_size,
            "SIP MESSAGE user or domain is empty, too long or invalid");
    if (!cfg->content_type || !*cfg->content_type ||
        strchr(cfg->content_type, '\r') || strchr(cfg->content_type, '\n'))
        return hs_errorf(err, err_size, "SIP MESSAGE needs a content type");
    char tag[9], id[17], branch[13], from[16], to[16];
    hex_id(rng, tag, 8);
    hex_id(rng, id, 16);
    hex_id(rng, branch, 12);
    uint32_t cseq = 1 + (uint32_t)sim_rng_below(rng, 1000);
    ip_addr_str(cfg->from_sip.addr, from, sizeof from);
    ip_addr_str(cfg->to_sip.addr, to, sizeof to);
    Text t = {buf, cap, 0, false};
    put(&t, "MESSAGE sip:%s@%s:%u SIP/2.0\r\n", cfg->to_user, to,
        cfg->to_sip.port);
    put(&t, "Via: SIP/2.0/UDP %s:%u;branch=z9hG4bK%s\r\n", from,
        cfg->from_sip.port, branch);
    put(&t, "Max-Forwards: 70\r\n");
    put(&t, "From: <sip:%s@%s>;tag=%s\r\n", cfg->from_user, cfg->from_domain,
        tag);
    put(&t, "To: <sip:%s@%s>\r\n", cfg->to_user, cfg->to_domain);
    put(&t, "Call-ID: %s@%s\r\n", id, from);
    put(&t, "CSeq: %u MESSAGE\r\n", cseq);
    put(&t, "Content-Type: %s\r\n", cfg->content_type);
    put(&t, "Content-Length: %zu\r\n\r\n", cfg->body_len);
    if (!t.overflow && cfg->body_len > cap - t.len)
        t.overflow = true;
    if (t.overflow)
        return hs_errorf(err, err_size,
                         "SIP MESSAGE does not fit the %zu-byte buffer", cap);
    if (cfg->body_len)
        memcpy(t.buf + t.len, cfg->body, cfg->body_len);
    return (int)(t.len + cfg->body_len);
}

/* ---- parsing ------------------------------------------------------------ */

static const char *find_crlf(const char *p, const char *end)
{
    for (; p + 1 < end; p++)
        if (p[0] == '\r' && p[1] == '\n')
            return p;
    return NULL;
}

int sip_header(const SipView *v, const char *name, char *out, size_t cap)
{
    size_t nlen = strlen(name);
    const char *p = v->headers, *end = v->headers + v->headers_len;
    while (p < end) {
        const char *eol = find_crlf(p, end + 2);
        if (eol == NULL)
            eol = end;
        if ((size_t)(eol - p) > nlen && strncasecmp(p, name, nlen) == 0 &&
            (p[nlen] == ':' || p[nlen] == ' ')) {
            const char *val = p + nlen;
            while (val < eol && (*val == ' ' || *val == ':'))
                val++;
            size_t n = (size_t)(eol - val);
            if (n + 1 > cap)
                return -1;
            memcpy(out, val, n);
            out[n] = '\0';
            return (int)n;
        }
        p = eol + 2;
    }
    return -1;
}

int sip_parse(const char *text, size_t len, SipView *v, char *err,
              size_t err_size)
{
    memset(v, 0, sizeof *v);
    v->text = text;
    v->len = len;
    const char *end = text + len;
    const char *eol = find_crlf(text, end);
    if (eol == NULL)
        return hs_errorf(err, err_size, "SIP: no start line");
    size_t sl = (size_t)(eol - text);
    if (sl > 12 && strncmp(text, "SIP/2.0 ", 8) == 0) {
        if (!isdigit((unsigned char)text[8]) ||
            !isdigit((unsigned char)text[9]) ||
            !isdigit((unsigned char)text[10]) || text[11] != ' ')
            return hs_errorf(err, err_size, "SIP: bad status line");
        v->status =
            (text[8] - '0') * 100 + (text[9] - '0') * 10 + (text[10] - '0');
    } else {
        const char *sp = memchr(text, ' ', sl);
        if (sp == NULL || sp == text || (size_t)(sp - text) >= sizeof v->method)
            return hs_errorf(err, err_size, "SIP: bad request line");
        if (sl < 8 || strncmp(eol - 8, " SIP/2.0", 8) != 0)
            return hs_errorf(err, err_size, "SIP: request line lacks SIP/2.0");
        memcpy(v->method, text, (size_t)(sp - text));
        v->method[sp - text] = '\0';
    }
    v->headers = eol + 2;
    const char *p = v->headers;
    for (;;) {
        const char *e = find_crlf(p, end);
        if (e == NULL)
            return hs_errorf(err, err_size, "SIP: header block not terminated");
        if (e == p)
            break; /* the empty line */
        if (memchr(p, ':', (size_t)(e - p)) == NULL)
            return hs_errorf(err, err_size, "SIP: header line without a colon");
        p = e + 2;
    }
    v->headers_len = (size_t)(p - v->headers);
    v->body = p + 2;
    v->body_len = (size_t)(end - v->body);
    char cl[16];
    if (sip_header(v, "Content-Length", cl, sizeof cl) < 0)
        return hs_errorf(err, err_size, "SIP: no Content-Length");
    char *stop;
    unsigned long n = strtoul(cl, &stop, 10);
    if (*stop != '\0' || stop == cl || n != v->body_len)
        return hs_errorf(err, err_size,
                         "SIP: Content-Length %s but the body has %zu bytes",
                         cl, v->body_len);
    return 0;
}

int sip_sdp_audio(const char *sdp, size_t len, uint32_t *addr, uint16_t *port,
                  int *first_pt)
{
    bool have_c = false, have_m = false;
    const char *p = sdp, *end = sdp + len;
    while (p < end) {
        const char *e = find_crlf(p, end);
        if (e == NULL)
            e = end;
        char line[128];
        size_t n = (size_t)(e - p);
        if (n < sizeof line) {
            memcpy(line, p, n);
            line[n] = '\0';
            unsigned a, b, c, d, pt, pn;
            if (!have_c &&
                sscanf(line, "c=IN IP4 %u.%u.%u.%u", &a, &b, &c, &d) == 4 &&
                a < 256 && b < 256 && c < 256 && d < 256) {
                *addr = IP_ADDR(a, b, c, d);
                have_c = true;
            } else if (!have_m &&
                       sscanf(line, "m=audio %u RTP/AVP %u", &pn, &pt) == 2 &&
                       pn < 65536 && pt < 128) {
                *port = (uint16_t)pn;
                *first_pt = (int)pt;
                have_m = true;
            }
        }
        p = e + 2;
    }
    return have_c && have_m ? 0 : -1;
}
