/*
 * test_sip.c - SIP call messages: every message parses with an exact
 * Content-Length, dialog identifiers line up across the call, the SDP
 * offer and answer carry G.722, order and sender are enforced, and the
 * same seed gives the same text.
 */
#include "harness.h"

#include <stdio.h>
#include <string.h>

#include "net/sip.h"

static SipCallConfig call_cfg(bool amr)
{
    SipCallConfig c = {
        .caller = {"+15555550100",
                   "ims.example.net",
                   {IP_IMS_ADDR, IP_SIP_PORT},
                   {IP_CALLER_ADDR, 50000}},
        .callee = {"+15555550123",
                   "ims.example.net",
                   {IP_PHONE_ADDR, IP_SIP_PORT},
                   {IP_PHONE_ADDR, 49152}},
        .offer_amr_wb = amr,
    };
    return c;
}

typedef struct Msg {
    char text[SIP_MAX_MESSAGE_BYTES + 1];
    int len;
    SipView v;
} Msg;

static void build(SipCall *c, SipMsg m, SipSide from, Msg *out)
{
    char err[128];
    out->len =
        sip_build(c, m, from, out->text, sizeof out->text - 1, err, sizeof err);
    if (out->len < 0)
        fail_msg("sip_build: %s", err);
    out->text[out->len] = '\0';
    if (sip_parse(out->text, (size_t)out->len, &out->v, err, sizeof err) < 0)
        fail_msg("sip_parse: %s\n%s", err, out->text);
}

static void header(const Msg *m, const char *name, char *out, size_t cap)
{
    if (sip_header(&m->v, name, out, cap) < 0)
        fail_msg("no %s header in\n%s", name, m->text);
}

static void test_whole_call(void **state)
{
    (void)state;
    SimRng r;
    sim_rng_init(&r, 3, "sip");
    SipCallConfig cfg = call_cfg(true);
    SipCall c;
    char err[128];
    assert_int_equal(sip_call_init(&c, &cfg, &r, err, sizeof err), 0);
    static Msg m[SIP_MSG_COUNT];
    build(&c, SIP_INVITE, SIP_CALLER, &m[SIP_INVITE]);
    build(&c, SIP_100_TRYING, SIP_CALLEE, &m[SIP_100_TRYING]);
    build(&c, SIP_180_RINGING, SIP_CALLEE, &m[SIP_180_RINGING]);
    build(&c, SIP_200_INVITE, SIP_CALLEE, &m[SIP_200_INVITE]);
    build(&c, SIP_ACK, SIP_CALLER, &m[SIP_ACK]);
    build(&c, SIP_BYE, SIP_CALLEE, &m[SIP_BYE]);
    build(&c, SIP_200_BYE, SIP_CALLER, &m[SIP_200_BYE]);

    assert_string_equal(m[SIP_INVITE].v.method, "INVITE");
    assert_int_equal(m[SIP_100_TRYING].v.status, 100);
    assert_int_equal(m[SIP_180_RINGING].v.status, 180);
    assert_int_equal(m[SIP_200_INVITE].v.status, 200);
    assert_string_equal(m[SIP_ACK].v.method, "ACK");
    assert_string_equal(m[SIP_BYE].v.method, "BYE");
    assert_int_equal(m[SIP_200_BYE].v.status, 200);
    assert_non_null(strstr(m[SIP_INVITE].text,
                           "INVITE sip:+15555550123@192.0.2.10:5060 SIP/2.0"
                           "\r\n"));

    char a[128], b[128];
    /* One Call-ID throughout. */
    header(&m[SIP_INVITE], "Call-ID", a, sizeof a);
    for (int i = 0; i <= SIP_200_BYE; i++) {
        header(&m[i], "Call-ID", b, sizeof b);
        assert_string_equal(a, b);
        /* Content-Length is the body's length (sip_parse checked it);
         * every line ends in CRLF. */
        for (int k = 0; k < m[i].len; k++)
            if (m[i].text[k] == '\n')
                assert_int_equal(m[i].text[k - 1], '\r');
    }
    /* Responses to the INVITE carry its Via (same branch) and CSeq. */
    header(&m[SIP_INVITE], "Via", a, sizeof a);
    assert_non_null(strstr(a, "SIP/2.0/UDP 198.51.100.10:5060;branch=z9hG4bK"));
    for (int i = SIP_100_TRYING; i <= SIP_200_INVITE; i++) {
        header(&m[i], "Via", b, sizeof b);
        assert_string_equal(a, b);
    }
    header(&m[SIP_ACK], "Via", b, sizeof b);
    assert_string_not_equal(a, b); /* the 2xx ACK is its own transaction */
    header(&m[SIP_INVITE], "CSeq", a, sizeof a);
    header(&m[SIP_200_INVITE], "CSeq", b, sizeof b);
    assert_string_equal(a, b);
    unsigned cseq;
    assert_int_equal(sscanf(a, "%u INVITE", &cseq), 1);
    header(&m[SIP_ACK], "CSeq", b, sizeof b);
    snprintf(a, sizeof a, "%u ACK", cseq);
    assert_string_equal(a, b);

    /* To: no tag in the INVITE or 100; the same tag from 180 on. */
    header(&m[SIP_INVITE], "To", a, sizeof a);
    assert_null(strstr(a, "tag="));
    header(&m[SIP_100_TRYING], "To", a, sizeof a);
    assert_null(strstr(a, "tag="));
    header(&m[SIP_180_RINGING], "To", a, sizeof a);
    assert_non_null(strstr(a, ";tag="));
    header(&m[SIP_ACK], "To", b, sizeof b);
    assert_string_equal(a, b);
    /* The phone hung up: its BYE is From the callee, To the caller. */
    header(&m[SIP_BYE], "From", b, sizeof b);
    assert_string_equal(a, b);
    header(&m[SIP_INVITE], "From", a, sizeof a);
    header(&m[SIP_BYE], "To", b, sizeof b);
    assert_string_equal(a, b);
    header(&m[SIP_BYE], "CSeq", a, sizeof a);
    header(&m[SIP_200_BYE], "CSeq", b, sizeof b);
    assert_string_equal(a, b);
    assert_non_null(strstr(a, " BYE"));
    header(&m[SIP_180_RINGING], "Contact", a, sizeof a);
    assert_string_equal(a, "<sip:+15555550123@192.0.2.10:5060>");

    /* SDP: the offer has G.722 then AMR-WB; the answer G.722 only. */
    header(&m[SIP_INVITE], "Content-Type", a, sizeof a);
    assert_string_equal(a, "application/sdp");
    const SipView *o = &m[SIP_INVITE].v, *ans = &m[SIP_200_INVITE].v;
    uint32_t addr;
    uint16_t port;
    int pt;
    assert_int_equal(sip_sdp_audio(o->body, o->body_len, &addr, &port, &pt), 0);
    assert_int_equal(addr, IP_CALLER_ADDR);
    assert_int_equal(port, 50000);
    assert_int_equal(pt, 9);
    assert_non_null(strstr(o->body, "m=audio 50000 RTP/AVP 9 96\r\n"));
    assert_non_null(strstr(o->body, "a=rtpmap:9 G722/8000\r\n"));
    assert_non_null(strstr(o->body, "a=rtpmap:96 AMR-WB/16000\r\n"));
    assert_int_equal(sip_sdp_audio(ans->body, ans->body_len, &addr, &port, &pt),
                     0);
    assert_int_equal(addr, IP_PHONE_ADDR);
    assert_int_equal(port, 49152);
    assert_int_equal(pt, 9);
    assert_non_null(strstr(ans->body, "m=audio 49152 RTP/AVP 9\r\n"));
    assert_null(strstr(ans->body, "AMR"));
    assert_int_equal(m[SIP_ACK].v.body_len, 0);
}

static void test_order_and_sender_enforced(void **state)
{
    (void)state;
    SimRng r;
    sim_rng_init(&r, 3, "sip");
    SipCallConfig cfg = call_cfg(false);
    SipCall c;
    char buf[SIP_MAX_MESSAGE_BYTES], err[128];
    assert_int_equal(sip_call_init(&c, &cfg, &r, err, sizeof err), 0);
    assert_int_equal(
        sip_build(&c, SIP_ACK, SIP_CALLER, buf, sizeof buf, err, sizeof err),
        -1);
    assert_non_null(strstr(err, "out of order"));
    assert_int_equal(
        sip_build(&c, SIP_INVITE, SIP_CALLEE, buf, sizeof buf, err, sizeof err),
        -1);
    /* Too small a buffer fails and can be retried. */
    assert_int_equal(
        sip_build(&c, SIP_INVITE, SIP_CALLER, buf, 100, err, sizeof err), -1);
    assert_non_null(strstr(err, "does not fit"));
    int n = sip_build(&c, SIP_INVITE, SIP_CALLER, buf, sizeof buf - 1, err,
                      sizeof err);
    assert_true(n > 0);
    buf[n] = '\0';
    assert_null(strstr(buf, "AMR"));
    assert_int_equal(
        sip_build(&c, SIP_INVITE, SIP_CALLER, buf, sizeof buf, err, sizeof err),
        -1);
    /* 100 and 180 are optional; after the 200 neither may come. */
    assert_true(sip_build(&c, SIP_200_INVITE, SIP_CALLEE, buf, sizeof buf, err,
                          sizeof err) > 0);
    assert_int_equal(sip_build(&c, SIP_180_RINGING, SIP_CALLEE, buf, sizeof buf,
                               err, sizeof err),
                     -1);
    assert_int_equal(
        sip_build(&c, SIP_BYE, SIP_CALLER, buf, sizeof buf, err, sizeof err),
        -1);
    assert_true(sip_build(&c, SIP_ACK, SIP_CALLER, buf, sizeof buf, err,
                          sizeof err) > 0);
    assert_true(sip_build(&c, SIP_BYE, SIP_CALLER, buf, sizeof buf, err,
                          sizeof err) > 0);
    assert_int_equal(sip_sender(&c, SIP_200_BYE), SIP_CALLEE);
    assert_int_equal(sip_build(&c, SIP_200_BYE, SIP_CALLER, buf, sizeof buf,
                               err, sizeof err),
                     -1);
    assert_true(sip_build(&c, SIP_200_BYE, SIP_CALLEE, buf, sizeof buf, err,
                          sizeof err) > 0);
}

static void test_bad_config(void **state)
{
    (void)state;
    SimRng r;
    sim_rng_init(&r, 3, "sip");
    SipCall c;
    char err[128];
    SipCallConfig cfg = call_cfg(true);
    cfg.callee.rtp.port = 49153;
    assert_int_equal(sip_call_init(&c, &cfg, &r, err, sizeof err), -1);
    assert_non_null(strstr(err, "not even"));
    cfg = call_cfg(true);
    cfg.caller.user = "bob\r\nVia: x";
    assert_int_equal(sip_call_init(&c, &cfg, &r, err, sizeof err), -1);
    cfg = call_cfg(true);
    cfg.callee.domain = "";
    assert_int_equal(sip_call_init(&c, &cfg, &r, err, sizeof err), -1);
}

static void test_parse_rejects_wrong_length(void **state)
{
    (void)state;
    SipView v;
    char err[128];
    const char *ok = "OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 2\r\n\r\nhi";
    assert_int_equal(sip_parse(ok, strlen(ok), &v, err, sizeof err), 0);
    assert_string_equal(v.method, "OPTIONS");
    const char *bad = "OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 3\r\n\r\nhi";
    assert_int_equal(sip_parse(bad, strlen(bad), &v, err, sizeof err), -1);
    const char *nolen = "SIP/2.0 200 OK\r\nCall-ID: x\r\n\r\n";
    assert_int_equal(sip_parse(nolen, strlen(nolen), &v, err, sizeof err), -1);
    const char *noend = "SIP/2.0 200 OK\r\nContent-Length: 0\r\n";
    assert_int_equal(sip_parse(noend, strlen(noend), &v, err, sizeof err), -1);
}

static void test_same_seed_same_text(void **state)
{
    (void)state;
    char t[3][SIP_MAX_MESSAGE_BYTES];
    int n[3];
    const uint64_t seeds[3] = {11, 11, 12};
    for (int i = 0; i < 3; i++) {
        SimRng r;
        sim_rng_init(&r, seeds[i], "sip");
        SipCallConfig cfg = call_cfg(true);
        SipCall c;
        assert_int_equal(sip_call_init(&c, &cfg, &r, NULL, 0), 0);
        n[i] =
            sip_build(&c, SIP_INVITE, SIP_CALLER, t[i], sizeof t[i], NULL, 0);
        assert_true(n[i] > 0);
    }
    assert_int_equal(n[0], n[1]);
    assert_memory_equal(t[0], t[1], (size_t)n[0]);
    assert_true(n[0] != n[2] || memcmp(t[0], t[2], (size_t)n[0]) != 0);
}

/* The caller gives up: CANCEL in the INVITE's transaction, 200 to it,
 * 487 to the INVITE, ACK of the 487; no answer after that. */
static void test_cancel(void **state)
{
    (void)state;
    SimRng r;
    sim_rng_init(&r, 5, "sip");
    SipCallConfig cfg = call_cfg(false);
    SipCall c;
    char err[128], a[128], b[128];
    assert_int_equal(sip_call_init(&c, &cfg, &r, err, sizeof err), 0);
    static Msg m[SIP_MSG_COUNT];
    build(&c, SIP_INVITE, SIP_CALLER, &m[SIP_INVITE]);
    build(&c, SIP_180_RINGING, SIP_CALLEE, &m[SIP_180_RINGING]);
    /* the 487 needs a CANCEL first */
    assert_true(sip_build(&c, SIP_487, SIP_CALLEE, m[0].text, 1300, err,
                          sizeof err) < 0);
    build(&c, SIP_CANCEL, SIP_CALLER, &m[SIP_CANCEL]);
    build(&c, SIP_200_CANCEL, SIP_CALLEE, &m[SIP_200_CANCEL]);
    build(&c, SIP_487, SIP_CALLEE, &m[SIP_487]);
    build(&c, SIP_ACK_487, SIP_CALLER, &m[SIP_ACK_487]);
    assert_string_equal(m[SIP_CANCEL].v.method, "CANCEL");
    assert_int_equal(m[SIP_200_CANCEL].v.status, 200);
    assert_int_equal(m[SIP_487].v.status, 487);
    assert_string_equal(m[SIP_ACK_487].v.method, "ACK");
    assert_true(sip_build(&c, SIP_200_INVITE, SIP_CALLEE, m[0].text, 1300, err,
                          sizeof err) < 0);
    /* CANCEL and the 487's ACK share the INVITE's branch (RFC 3261 9.1,
     * 17.1.1.3) and its CSeq number */
    header(&m[SIP_INVITE], "Via", a, sizeof a);
    for (int i = SIP_CANCEL; i <= SIP_ACK_487; i++) {
        header(&m[i], "Via", b, sizeof b);
        assert_string_equal(a, b);
    }
    unsigned n;
    header(&m[SIP_INVITE], "CSeq", a, sizeof a);
    assert_int_equal(sscanf(a, "%u INVITE", &n), 1);
    snprintf(a, sizeof a, "%u CANCEL", n);
    header(&m[SIP_CANCEL], "CSeq", b, sizeof b);
    assert_string_equal(a, b);
    header(&m[SIP_200_CANCEL], "CSeq", b, sizeof b);
    assert_string_equal(a, b);
    snprintf(a, sizeof a, "%u INVITE", n);
    header(&m[SIP_487], "CSeq", b, sizeof b);
    assert_string_equal(a, b);
    snprintf(a, sizeof a, "%u ACK", n);
    header(&m[SIP_ACK_487], "CSeq", b, sizeof b);
    assert_string_equal(a, b);
    /* the CANCEL's To has no tag; the ACK carries the 487's */
    header(&m[SIP_CANCEL], "To", a, sizeof a);
    assert_null(strstr(a, "tag="));
    header(&m[SIP_487], "To", a, sizeof a);
    header(&m[SIP_ACK_487], "To", b, sizeof b);
    assert_string_equal(a, b);
}

/* A reply to someone else's request copies its headers and tags To. */
static void test_reply(void **state)
{
    (void)state;
    static const char inv[] =
        "INVITE sip:+15555550100@198.51.100.10:5060 SIP/2.0\r\n"
        "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKbb1\r\n"
        "From: <sip:phone@ims.example.net>;tag=bb1\r\n"
        "To: <sip:+15555550100@ims.example.net>\r\n"
        "Call-ID: bb1@192.0.2.10\r\n"
        "CSeq: 1 INVITE\r\n"
        "Content-Length: 0\r\n\r\n";
    SipView req;
    char err[128], a[128];
    assert_int_equal(sip_parse(inv, strlen(inv), &req, err, sizeof err), 0);
    Msg m;
    IpEndpoint rtp = {IP_CALLER_ADDR, 49170};
    m.len =
        sip_build_reply(&req, 200, "OK", "abc", "x@198.51.100.10:5060", &rtp,
                        1234567890, m.text, sizeof m.text - 1, err, sizeof err);
    assert_true(m.len > 0);
    m.text[m.len] = 0;
    assert_int_equal(sip_parse(m.text, (size_t)m.len, &m.v, err, sizeof err),
                     0);
    assert_int_equal(m.v.status, 200);
    header(&m, "To", a, sizeof a);
    assert_string_equal(a, "<sip:+15555550100@ims.example.net>;tag=abc");
    header(&m, "CSeq", a, sizeof a);
    assert_string_equal(a, "1 INVITE");
    header(&m, "Via", a, sizeof a);
    assert_string_equal(a, "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKbb1");
    uint32_t addr;
    uint16_t port;
    int pt;
    assert_int_equal(sip_sdp_audio(m.v.body, m.v.body_len, &addr, &port, &pt),
                     0);
    assert_int_equal(port, 49170);
    assert_int_equal(pt, 9);
    assert_true(sip_build_reply(&req, 99, "X", NULL, NULL, NULL, 0, m.text,
                                sizeof m.text, err, sizeof err) < 0);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_cancel),
    cmocka_unit_test(test_reply),
    cmocka_unit_test(test_whole_call),
    cmocka_unit_test(test_order_and_sender_enforced),
    cmocka_unit_test(test_bad_config),
    cmocka_unit_test(test_parse_rejects_wrong_length),
    cmocka_unit_test(test_same_seed_same_text),
};

HS_TEST_GROUP(sip, tests)
