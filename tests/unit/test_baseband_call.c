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

/* ap-codec: answered after 2 s, 10 s of conversation, the caller hangs
 * up. */
static void test_call_answered_caller_hangs_up(void **state)
{
    (void)state;
    BbRig r;
    rig(&r, SOC_MIC_AP_CODEC);
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

/* The caller gives up 3 s after the INVITE, before the AP answers (10
 * s): CANCEL, the firmware's 200 and 487, the caller's ACK; the AP is
 * told IDLE and the call never becomes active. */
static void test_caller_cancels(void **state)
{
    (void)state;
    BbRig r;
    rig(&r, SOC_MIC_AP_CODEC);
    r.answer_after_ps = 10 * HS_S;
    char err[160];
    assert_int_equal(peers_call(&r.peers, HS_S, 0, err, sizeof err), 0);
    assert_int_equal(peers_cancel(&r.peers, 4 * HS_S), 0);
    sim_run_until(r.sim, 20 * HS_S);
    assert_int_equal(r.rings, 1);
    assert_int_equal(r.actives, 0);
    assert_int_equal(r.idles, 1);
    assert_int_equal(r.peers.state, BB_PEER_ENDED);
    assert_int_equal(r.peers.cancels_sent, 1);
    /* 100, 180, then 200 to the CANCEL and 487 to the INVITE */
    assert_int_equal(r.peers.n_status, 4);
    assert_int_equal(r.peers.sip_status[2], 200);
    assert_int_equal(r.peers.sip_status[3], 487);
    assert_int_equal(r.peers.rtp_to_phone, 0);
    done(&r);
}

/* Residency of the baseband core's run state and its energy after t. */
static double bb_run_ms(BbRig *r, hs_time t, double *mj)
{
    int comp = power_component_find(r->meter, "baseband-cpu");
    assert_true(comp >= 0);
    *mj = power_energy_to_mj(power_energy_component(r->meter, comp, t));
    return (double)power_residency_ps(r->meter, comp, 2, t) / HS_MS;
}

/* The baseband core's energy is its firmware's running time at its run
 * power: a call (SIP, 50 frames a second each way) costs far more than
 * the same time idle. */
static void test_baseband_energy_follows_work(void **state)
{
    (void)state;
    BbRig idle, call;
    rig(&idle, SOC_MIC_AP_CODEC);
    rig(&call, SOC_MIC_AP_CODEC);
    call.answer_after_ps = 2 * HS_S;
    char err[160];
    assert_int_equal(peers_call(&call.peers, HS_S, 10 * HS_S, err, sizeof err),
                     0);
    sim_run_until(idle.sim, 15 * HS_S);
    sim_run_until(call.sim, 15 * HS_S);
    double e_idle, e_call;
    double run_idle = bb_run_ms(&idle, 15 * HS_S, &e_idle);
    double run_call = bb_run_ms(&call, 15 * HS_S, &e_call);
    print_message("baseband-cpu: idle %.3f ms running, %.4f mJ; call %.3f "
                  "ms running, %.4f mJ\n",
                  run_idle, e_idle, run_call, e_call);
    assert_true(e_call > 0);
    assert_true(run_call > 10 * run_idle);
    assert_true(e_call > 10 * e_idle);
    /* energy = running time x run power (the sleep power is 0) */
    double want = run_call * (double)call.soc->devices.baseband.run_uw / 1e6;
    assert_true(e_call > want * 0.999 && e_call < want * 1.001);
    done(&idle);
    done(&call);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_caller_cancels),
    cmocka_unit_test(test_baseband_energy_follows_work),
    cmocka_unit_test(test_call_answered_caller_hangs_up),
    cmocka_unit_test(test_ap_hangs_up),
    cmocka_unit_test(test_ap_rejects),
};

HS_TEST_GROUP(baseband_call, tests)
