/*
 * mic_path.h - how microphone frames reach the baseband, and the record
 * of every frame it reads.
 *
 * The BB_MMIO_MIC device of the baseband's bus. The firmware asks for
 * frames with BB_MIC_CTRL; what it gets depends on the SoC's wiring:
 *   baseband-direct  the baseband taps the microphone itself: asking
 *                    turns capture on (if nobody had) and every frame
 *                    the mic completes is queued for the baseband, in
 *                    addition to wherever else the mic sends it;
 *   ap-codec         no frame reaches BB_MIC: the call's audio goes
 *                    through the AP (the called domain's voice app
 *                    encodes it) and reaches the firmware as RIL
 *                    messages; asking changes nothing. Each such frame
 *                    is recorded with bb_mic_voice_frame when it is
 *                    handed to the baseband.
 * BB_MIC_POP copies the oldest frame (640 bytes, int16 little-endian)
 * into the baseband's memory and appends a flow record: the frame's
 * ambient label, its bytes, the path and the time (read them with
 * bb_mic_flows) and, when a flow monitor is attached, reports the same
 * transfer to it: from "mic" to "baseband", whose clearance is
 * unclassified (its firmware is outside every domain's control), allowed
 * (nothing of the AP stands between the wiring and the baseband's read,
 * so no mic_policy reaches it), so a frame labelled above unclassified
 * is a violation.
 *
 * BB_IRQ_MIC (level) is high while frames wait. A full queue drops the
 * oldest frame (counted).
 */
#ifndef HS_BASEBAND_MIC_PATH_H
#define HS_BASEBAND_MIC_PATH_H

#include <stdbool.h>
#include <stdint.h>

#include "bus/bus.h"
#include "bus/dma.h"
#include "flow/monitor.h"
#include "config/soc.h"
#include "soc_models/devices/audio.h"
#include "soc_models/devices/mic.h"

#define BB_MIC_QUEUE 8

/* One transfer of labelled data across a boundary. */
typedef struct BbFlowRecord {
    uint8_t label;    /* source label (the frame's ambient label) */
    uint32_t bytes;   /* bytes moved */
    const char *path; /* "mic->baseband (baseband-direct)", ... (static) */
    hs_time when;     /* time of the read */
    hs_time capture;  /* when the frame's first sample was captured */
    uint64_t seq;     /* the mic's frame number */
} BbFlowRecord;

typedef struct BbMic {
    Device dev;                   /* base: must stay first */
    SocMicWiring wiring;          /* from the SoC file */
    MicState *mic;                /* the microphone (not owned) */
    AudioState *audio;            /* the router (ap-codec; not owned) */
    const GuestDma *dma;          /* the baseband's memory */
    MicFrameFunc prev_out;        /* baseband-direct: the mic's own output */
    void *prev_ctx;               /* its context */
    bool want;                    /* BB_MIC_CTRL bit 0 */
    bool started_capture;         /* the baseband turned capture on */
    MicFrame queue[BB_MIC_QUEUE]; /* frames waiting */
    unsigned head, count;         /* queue position and fill */
    uint32_t addr;                /* BB_MIC_ADDR */
    uint8_t last_label;           /* BB_MIC_LABEL */
    IrqLine irq;                  /* BB_IRQ_MIC */
    BbFlowRecord *flows;          /* records, in order (owned) */
    size_t n_flows, cap_flows;    /* used, allocated */
    uint64_t frames_in;           /* frames that reached the baseband */
    uint64_t overruns;            /* dropped on a full queue */
    FlowMonitor *monitor;         /* may be NULL (not owned) */
} BbMic;

/* Wires the baseband to mic according to wiring (audio is needed for
 * ap-codec and may be NULL for baseband-direct). Returns 0, or -1 with a
 * reason. */
int bb_mic_init(BbMic *m, const char *name, SocMicWiring wiring, MicState *mic,
                AudioState *audio, const GuestDma *dma, char *err,
                size_t err_size);
/* ap-codec: one uplink frame of the call, encoded by the AP, handed to
 * the baseband at `when` (its label and capture time from the mic). The
 * transfer itself was reported at the AP's check. Returns 0, or -1 on
 * out of memory. */
int bb_mic_voice_frame(BbMic *m, uint8_t label, hs_time capture, uint64_t seq,
                       hs_time when);
/* Reports every frame read to monitor from now on (NULL: stop). */
void bb_mic_set_monitor(BbMic *m, FlowMonitor *monitor);
/* The flow records so far. */
const BbFlowRecord *bb_mic_flows(const BbMic *m, size_t *n);
/* Stops taking frames (the baseband died): the request is dropped and a
 * capture the baseband started is turned off. */
void bb_mic_shutdown(BbMic *m, hs_time when);

extern const DeviceOps bb_mic_ops;

#endif /* HS_BASEBAND_MIC_PATH_H */
