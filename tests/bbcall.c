/*
 * bbcall.c - writes the radio.pcap of one incoming call through the
 * baseband with its firmware in the loop (tests/e2e/baseband.sh reads it
 * with tshark).
 *
 * Usage: bbcall OUT.pcap [HOLD_S]
 * One call from the IMS peer at 1 s, answered by the AP after 2 s over
 * the baseband-direct wiring (the firmware codes the audio; under
 * ap-codec the AP's voice app does, which this rig has not), HOLD_S seconds
 * (default 10) of conversation, then the caller hangs up; the run ends 5 s
 * later. Prints one line per fact the script checks: "active_s", "rtp_up",
 * "rtp_down", "m2e_ms_max".
 */
#include <stdio.h>
#include <stdlib.h>

#include "unit/bb_rig.h"

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: bbcall OUT.pcap [HOLD_S]\n");
        return 2;
    }
    long hold = argc == 3 ? strtol(argv[2], NULL, 10) : 10;
    if (hold < 1 || hold > 3600) {
        fprintf(stderr, "bbcall: HOLD_S must be 1..3600\n");
        return 2;
    }
    BbRig r;
    char err[256];
    if (bb_rig_init(&r, SOC_MIC_BASEBAND_DIRECT, "build/baseband/firmware.elf",
                    "soc_models/ref-2013.json", argv[1], err, sizeof err) < 0) {
        fprintf(stderr, "bbcall: %s\n", err);
        bb_rig_free(&r, err, sizeof err);
        return 1;
    }
    r.answer_after_ps = 2 * HS_S;
    if (peers_call(&r.peers, HS_S, (hs_time)hold * HS_S, err, sizeof err) < 0) {
        fprintf(stderr, "bbcall: %s\n", err);
        bb_rig_free(&r, err, sizeof err);
        return 1;
    }
    sim_run_until(r.sim, (hs_time)(hold + 10) * HS_S);
    hs_time m2e_max = 0;
    for (size_t i = 0; i < r.peers.n_m2e; i++)
        if (r.peers.m2e_ps[i] > m2e_max)
            m2e_max = r.peers.m2e_ps[i];
    printf("rings %d\n", r.rings);
    printf("active_s %.6f\n",
           (double)(r.peers.ended_at - r.peers.active_at) / HS_S);
    printf("rtp_up %llu\n", (unsigned long long)r.peers.rtp_from_phone);
    printf("rtp_down %llu\n", (unsigned long long)r.peers.rtp_to_phone);
    printf("m2e_ms_max %.3f\n", (double)m2e_max / HS_MS);
    printf("baseband_dead %d\n", bb_dead(r.bb) ? 1 : 0);
    if (bb_rig_free(&r, err, sizeof err) < 0) {
        fprintf(stderr, "bbcall: %s\n", err);
        return 1;
    }
    return 0;
}
