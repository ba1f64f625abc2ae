/*
 * mic.h - the microphone: 16 kHz, 16-bit PCM in frames of 320 samples
 * (20 ms), each carrying the ambient label at capture time.
 *
 * While capture is on (HS_MIC_CTRL bit 0, or mic_set_capture from the
 * host side, e.g. baseband firmware opening the mic), a frame completes
 * every 20 ms and goes to the mic's output. By default the output is the
 * mic's own FIFO, from which the AP pops frames by DMA (HS_MIC_POP copies
 * 640 bytes, little-endian int16, to HS_MIC_DMA_ADDR in the popping
 * domain's memory). A machine with audio routing sets the output to
 * audio_route_frame and the router's AP sink back to mic_fifo_push.
 *
 * Labels (0 unclassified < 1 confidential < 2 secret < 3 top-secret) come
 * from a timeline of (from time, label) steps set with mic_set_label (the
 * scenario; tests directly). Rule: a frame captured over [start, end)
 * takes the HIGHEST label in force at any instant of that interval, so a
 * frame straddling a boundary is never under-labelled.
 *
 * Content: a deterministic tone plus seeded noise (the run's stream named
 * after the device), so codecs get real input and runs repeat exactly.
 * The sine is computed in integers (Bhaskara I's approximation, error
 * below 0.2 % of full scale) so no libm trigonometry enters the model.
 *
 * HS_IRQ_MIC (level) is high while the FIFO holds frames. A full FIFO
 * drops its oldest frame (counted in overruns).
 */
#ifndef HS_DEVICES_MIC_H
#define HS_DEVICES_MIC_H

#include "bus/bus.h"
#include "bus/dma.h"
#include "platform.h"
#include "power/meter.h"

#define MIC_FRAME_PS (HS_S * HS_MIC_FRAME_SAMPLES / HS_MIC_RATE_HZ)
#define MIC_SAMPLE_PS (HS_S / HS_MIC_RATE_HZ) /* 62.5 us, exact */
#define MIC_MAX_LABEL 3

typedef struct MicFrame {
    int16_t pcm[HS_MIC_FRAME_SAMPLES]; /* samples */
    uint8_t label;                     /* highest label during capture */
    hs_time start_ps;                  /* capture interval start */
    hs_time end_ps;                    /* capture interval end */
    uint64_t seq;                      /* frame number since realize */
} MicFrame;

/* Receives a finished frame (copied by the receiver if it keeps it). */
typedef void (*MicFrameFunc)(void *ctx, const MicFrame *frame, hs_time when);
/* Told when a domain pops a frame (flow monitor, traces). */
typedef void (*MicPopFunc)(void *ctx, const MicFrame *frame, int domain,
                           hs_time when);

typedef struct MicConfig {
    unsigned fifo_frames;    /* FIFO depth, >= 1 */
    uint32_t tone_hz;        /* tone frequency, < HS_MIC_RATE_HZ / 2 */
    int16_t tone_amplitude;  /* peak of the tone, >= 0 */
    int16_t noise_amplitude; /* peak of the uniform noise, >= 0 */
    uint64_t on_uw;          /* power while capturing */
} MicConfig;

typedef struct MicLabelStep {
    hs_time from;  /* label in force from this time */
    uint8_t label; /* 0 .. MIC_MAX_LABEL */
} MicLabelStep;

typedef struct MicState {
    Device dev;                  /* base: must stay first */
    MicConfig cfg;               /* copied at init */
    Sim *sim;                    /* set by realize */
    SimRng *rng;                 /* noise stream */
    const GuestDma *dma;         /* guest memory (may be NULL: pops fail) */
    PowerMeter *meter;           /* may be NULL */
    int comp;                    /* meter component, -1 without */
    bool capturing;              /* capture on */
    int capture_domain;          /* who turned it on (attribution) */
    hs_time frame_start;         /* start of the frame being captured */
    uint64_t seq;                /* frames completed */
    SimEvent frame_done;         /* end of the current frame */
    MicFrame *fifo;              /* ring of cfg.fifo_frames frames */
    unsigned head, count;        /* ring position and fill */
    uint64_t overruns;           /* frames dropped on a full FIFO */
    uint64_t dma_addr;           /* HS_MIC_DMA_ADDR */
    uint8_t last_label;          /* HS_MIC_FRAME_LABEL */
    MicLabelStep *labels;        /* label timeline, ascending from */
    size_t n_labels, cap_labels; /* steps used, allocated */
    MicFrameFunc out;            /* frame output (default: own FIFO) */
    void *out_ctx;               /* its context */
    MicPopFunc on_pop;           /* pop observer, may be NULL */
    void *on_pop_ctx;            /* its context */
    IrqLine irq;                 /* HS_IRQ_MIC */
} MicState;

/* Returns 0, or -1 with a reason in err (bad config, out of memory). */
int mic_init(MicState *s, const char *name, const MicConfig *cfg,
             const GuestDma *dma, PowerMeter *meter, char *err,
             size_t err_size);

/* Appends a step to the label timeline. Returns -1 if from is earlier
 * than the last step, the label is above MIC_MAX_LABEL or memory runs
 * out. Before the first step the label is 0. */
int mic_set_label(MicState *s, uint8_t label, hs_time from);
/* Highest label in force during [start, end) (a point if start == end). */
uint8_t mic_label_over(const MicState *s, hs_time start, hs_time end);

/* Host-side capture switch (domain for attribution, or BUS_DOMAIN_HOST). */
void mic_set_capture(MicState *s, bool on, int domain, hs_time when);

void mic_set_output(MicState *s, MicFrameFunc fn, void *ctx);
void mic_set_pop_observer(MicState *s, MicPopFunc fn, void *ctx);
/* MicFrameFunc that queues into this mic's FIFO (ctx = the MicState). */
void mic_fifo_push(void *mic, const MicFrame *frame, hs_time when);
unsigned mic_fifo_count(const MicState *s);

extern const DeviceOps mic_ops;

#endif /* HS_DEVICES_MIC_H */
