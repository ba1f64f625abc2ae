/*
 * test_baseband_call.c - incoming calls end to end: the IMS peer pages
 * the phone and sends INVITE, the firmware rings the AP, the AP answers
 * or rejects, G.722 RTP flows both ways every 20 ms, hang-up from either
 * side tears the call down.
 */
#include "harness.h"

#include <string.h>

#include "bb_rig.h"

static void rig(BbRig *r, SocMicWiring wiring)
{
    char fw[512], soc[512], err[256];
    int rc = bb_rig_init(
        r, wiring, hs_test_path("build/baseband/firmware.elf", fw, sizeof fw),
        hs_test_path("soc_models/ref-2013.json", soc, sizeof soc), NULL, err,
        sizeof err);
    if (rc < 0)
        print_error("rig: %s\n", err);
    assert_int_equal(rc, 0);
}

static void done(BbRig *r)
{
    char err[256];
    assert_int_equal(bb_rig_free(r, err, sizeof err), 0);
}

/* baseband-direct (the firmware encodes the uplink): answered after 2 s,
 * 10 s of conversation, the caller hangs up. */
static void test_call_answered_caller_hangs_up(void **state)
{
    (void)state;
    BbRig r;
    rig(&r, SOC_MIC_BASEBAND_DIRECT);
    r.answer_after_ps = 2 * HS_S;
    char err[160];
    assert_int_equal(peers_call(&r.peers, HS_S, 10 * HS_S, err, sizeof err), 0);
    sim_run_until(r.sim, 20 * HS_S);
    assert_int_equal(r.rings, 1);
    assert_string_equal(r.caller, "+15555550100");
    /* page waits for the paging occasion (1.28 s), then promotion */
    assert_true(r.ring_at > 1280 * HS_MS && r.ring_at < 1700 * HS_MS);
    assert_int_equal(r.actives, 1);
    assert_int_equal(r.idles, 1);
    assert_int_equal(r.peers.state, BB_PEER_ENDED);
    /* 100, 180, 200 to the INVITE, 200 to the BYE */
    assert_int_equal(r.peers.n_status, 4);
    assert_int_equal(r.peers.sip_status[0], 100);
    assert_int_equal(r.peers.sip_status[1], 180);
    assert_int_equal(r.peers.sip_status[2], 200);
    assert_int_equal(r.peers.sip_status[3], 200);
    double secs = (double)(r.peers.ended_at - r.peers.active_at) / HS_S;
    double up = (double)r.peers.rtp_from_phone / secs;
    double down = (double)r.peers.rtp_to_phone / secs;
    print_message("call: %.3f s active, RTP up %.2f/s, down %.2f/s, "
                  "%zu mouth-to-ear samples, first %.1f ms\n",
                  secs, up, down, r.peers.n_m2e,
                  r.peers.n_m2e ? (double)r.peers.m2e_ps[0] / HS_MS : 0.0);
    assert_true(up > 49 && up < 51);
    assert_true(down > 49 && down < 51);
    /* mouth-to-ear: framing 20 ms + core 20 ms + playout 40 ms + radio */
    assert_true(r.peers.n_m2e > 400);
    for (size_t i = 0; i < r.peers.n_m2e; i++) {
        assert_true(r.peers.m2e_ps[i] >= 80 * HS_MS);
        assert_true(r.peers.m2e_ps[i] < 150 * HS_MS);
    }
    /* the firmware decoded the caller's frames (playout log) */
    size_t n, played = 0;
    const BbLogEntry *log = bb_log(r.bb, &n);
    for (size_t i = 0; i < n; i++)
        played += (log[i].value & 0xff000000u) == 0x9a000000u;
    assert_true(played > 490);
    assert_false(r.mic.capturing);
    done(&r);
}

/* The AP hangs up after 3 s: the firmware sends BYE. */
static void test_ap_hangs_up(void **state)
{
    (void)state;
    BbRig r;
    rig(&r, SOC_MIC_AP_CODEC);
    r.answer_after_ps = HS_S;
    r.hangup_after_ps = 3 * HS_S;
    char err[160];
    assert_int_equal(peers_call(&r.peers, 0, 0, err, sizeof err), 0);
    sim_run_until(r.sim, 10 * HS_S);
    assert_int_equal(r.actives, 1);
    assert_int_equal(r.idles, 1);
    assert_true(r.peers.saw_bye_from_phone);
    assert_int_equal(r.peers.state, BB_PEER_ENDED);
    done(&r);
}

/* The AP rejects: 603 Decline, no media. */
static void test_ap_rejects(void **state)
{
    (void)state;
    BbRig r;
    rig(&r, SOC_MIC_AP_CODEC);
    r.answer_after_ps = 0;
    char err[160];
    assert_int_equal(peers_call(&r.peers, 0, 0, err, sizeof err), 0);
    sim_run_until(r.sim, 5 * HS_S);
    assert_int_equal(r.rings, 1);
    assert_int_equal(r.actives, 0);
    assert_int_equal(r.peers.state, BB_PEER_ENDED);
    assert_int_equal(r.peers.sip_status[r.peers.n_status - 1], 603);
    assert_int_equal(r.peers.rtp_from_phone, 0);
    done(&r);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_call_answered_caller_hangs_up),
    cmocka_unit_test(test_ap_hangs_up),
    cmocka_unit_test(test_ap_rejects),
};

HS_TEST_GROUP(baseband_call, tests)
