/*
 * bb_rig.h - a phone around the baseband for call tests and the radio.pcap
 * generator: microphone and audio router, the mailbox with the AP's end,
 * the baseband with its firmware, the network peers, and a host stand-in
 * for the AP's phone app (answers RING after a delay, routes the mic to
 * the baseband, hangs up when told).
 */
#ifndef HS_TESTS_BB_RIG_H
#define HS_TESTS_BB_RIG_H

#include "baseband/baseband.h"
#include "net/peers.h"
#include "config/soc.h"
#include "out/pcap.h"

typedef struct BbRig {
    SocModel *soc;
    Sim *sim;
    PowerMeter *meter;
    MicState mic;
    AudioState audio;
    uint8_t mic_mem[4096];
    DmaBuffer mic_buf;
    GuestDma mic_dma;
    IpcMailbox mb;
    IpcEnd ap;
    Bus ap_bus;
    uint8_t ap_mem[8192];
    DmaBuffer ap_buf;
    GuestDma ap_dma;
    Baseband *bb;
    BbPeers peers;
    PcapWriter *pcap;
    /* the AP's phone app */
    hs_time answer_after_ps; /* 0: reject at once */
    hs_time hangup_after_ps; /* AP hangs up after this long active (0: no) */
    SimEvent ap_ev, answer_ev, hangup_ev;
    uint32_t ringing_call;
    int rings, actives, idles;
    hs_time ring_at, active_at, idle_at;
    char caller[64];
} BbRig;

/* Builds the rig; pcap_path may be NULL. Returns 0 or -1 (err). */
int bb_rig_init(BbRig *r, SocMicWiring wiring, const char *firmware,
                const char *soc_path, const char *pcap_path, char *err,
                size_t err_size);
/* Frees it; closes the pcap (returns -1 if that failed). */
int bb_rig_free(BbRig *r, char *err, size_t err_size);

#endif
