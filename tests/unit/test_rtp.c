/*
 * test_rtp.c - RTP headers: version 2, payload type 9, sequence +1 and
 * G.722 timestamp +160 per 20 ms frame, marker on the first packet of a
 * talkspurt, wrap-around, seeded identifiers, parse checks.
 */
#include "harness.h"

#include <string.h>

#include "net/rtp.h"

static void test_g722_frames(void **state)
{
    (void)state;
    SimRng r;
    sim_rng_init(&r, 1, "rtp");
    RtpStream s;
    char err[128];
    assert_int_equal(rtp_stream_init(&s, &r, RTP_PT_G722, RTP_G722_CLOCK_HZ,
                                     err, sizeof err),
                     0);
    uint16_t seq0 = s.seq;
    uint32_t ts0 = s.timestamp, ssrc = s.ssrc;
    uint8_t frame[RTP_G722_FRAME_BYTES], pkt[256];
    for (size_t i = 0; i < sizeof frame; i++)
        frame[i] = (uint8_t)(i ^ 0x5a);
    for (int k = 0; k < 50; k++) {
        if (k == 30)
            rtp_talkspurt(&s);
        int n = rtp_build(&s, frame, sizeof frame, RTP_FRAME_PS, pkt,
                          sizeof pkt, err, sizeof err);
        assert_int_equal(n, RTP_HEADER_BYTES + RTP_G722_FRAME_BYTES);
        /* Wire bytes by hand: V=2, no P/X/CC. */
        assert_int_equal(pkt[0], 0x80);
        assert_int_equal(pkt[1] & 0x7f, 9);
        assert_int_equal((pkt[1] & 0x80) != 0, k == 0 || k == 30);
        RtpHeader h;
        assert_int_equal(rtp_parse(pkt, (size_t)n, &h, err, sizeof err), 0);
        assert_int_equal(h.version, 2);
        assert_int_equal(h.payload_type, RTP_PT_G722);
        assert_int_equal(h.seq, (uint16_t)(seq0 + k));
        assert_int_equal(h.timestamp, (uint32_t)(ts0 + 160u * (uint32_t)k));
        assert_int_equal(h.ssrc, ssrc);
        assert_int_equal(h.payload_bytes, sizeof frame);
        assert_memory_equal(h.payload, frame, sizeof frame);
    }
    assert_int_equal(s.packets, 50);
}

static void test_wrap_and_other_durations(void **state)
{
    (void)state;
    SimRng r;
    sim_rng_init(&r, 2, "rtp");
    RtpStream s;
    assert_int_equal(rtp_stream_init(&s, &r, RTP_PT_G722, 8000, NULL, 0), 0);
    s.seq = 0xffff;
    s.timestamp = 0xffffffffu - 100;
    uint8_t p[64], pkt[128];
    memset(p, 1, sizeof p);
    assert_true(rtp_build(&s, p, 10, RTP_FRAME_PS, pkt, sizeof pkt, NULL, 0) >
                0);
    assert_int_equal(s.seq, 0);
    assert_int_equal(s.timestamp, 59); /* 160 - 101 */
    /* 10 ms = 80 ticks, 2 s = 16000 ticks. */
    uint32_t t = s.timestamp;
    assert_true(rtp_build(&s, p, 10, 10 * HS_MS, pkt, sizeof pkt, NULL, 0) > 0);
    assert_int_equal(s.timestamp - t, 80);
    t = s.timestamp;
    assert_true(rtp_build(&s, p, 10, 2 * HS_S, pkt, sizeof pkt, NULL, 0) > 0);
    assert_int_equal(s.timestamp - t, 16000);
}

static void test_bad_input(void **state)
{
    (void)state;
    SimRng r;
    sim_rng_init(&r, 2, "rtp");
    RtpStream s;
    char err[128];
    assert_int_equal(rtp_stream_init(&s, &r, 128, 8000, err, sizeof err), -1);
    assert_int_equal(rtp_stream_init(&s, &r, 9, 0, err, sizeof err), -1);
    assert_int_equal(rtp_stream_init(&s, &r, 9, 8000, err, sizeof err), 0);
    uint8_t p[200], pkt[100];
    memset(p, 0, sizeof p);
    uint16_t seq = s.seq;
    /* Too big for the buffer, empty, not whole ticks (100 us at 8 kHz). */
    assert_int_equal(
        rtp_build(&s, p, 160, RTP_FRAME_PS, pkt, sizeof pkt, err, sizeof err),
        -1);
    assert_int_equal(
        rtp_build(&s, p, 0, RTP_FRAME_PS, pkt, sizeof pkt, err, sizeof err),
        -1);
    assert_int_equal(
        rtp_build(&s, p, 10, 100 * HS_US, pkt, sizeof pkt, err, sizeof err),
        -1);
    assert_non_null(strstr(err, "whole number"));
    assert_int_equal(s.seq, seq); /* failures do not advance the stream */
    RtpHeader h;
    assert_int_equal(rtp_parse(pkt, 11, &h, err, sizeof err), -1);
    uint8_t v1[12] = {0x40};
    assert_int_equal(rtp_parse(v1, 12, &h, err, sizeof err), -1);
    uint8_t cc[12] = {0x81}; /* one CSRC promised, none present */
    assert_int_equal(rtp_parse(cc, 12, &h, err, sizeof err), -1);
    uint8_t pad[16] = {0xa0};
    pad[15] = 9; /* 9 bytes of padding in a 4-byte payload */
    assert_int_equal(rtp_parse(pad, 16, &h, err, sizeof err), -1);
    pad[15] = 2;
    assert_int_equal(rtp_parse(pad, 16, &h, err, sizeof err), 0);
    assert_int_equal(h.payload_bytes, 2);
}

static void test_seeded_identifiers(void **state)
{
    (void)state;
    SimRng a, b, c;
    sim_rng_init(&a, 4, "rtp-uplink");
    sim_rng_init(&b, 4, "rtp-uplink");
    sim_rng_init(&c, 4, "rtp-downlink");
    RtpStream sa, sb, sc;
    rtp_stream_init(&sa, &a, 9, 8000, NULL, 0);
    rtp_stream_init(&sb, &b, 9, 8000, NULL, 0);
    rtp_stream_init(&sc, &c, 9, 8000, NULL, 0);
    assert_int_equal(sa.ssrc, sb.ssrc);
    assert_int_equal(sa.seq, sb.seq);
    assert_int_equal(sa.timestamp, sb.timestamp);
    assert_int_not_equal(sa.ssrc, sc.ssrc);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_g722_frames),
    cmocka_unit_test(test_wrap_and_other_durations),
    cmocka_unit_test(test_bad_input),
    cmocka_unit_test(test_seeded_identifiers),
};

HS_TEST_GROUP(rtp, tests)
