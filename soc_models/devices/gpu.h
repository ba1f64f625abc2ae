/*
 * gpu.h - the GPU: a FIFO command queue of jobs measured in work units.
 *
 * A job's work is the SUBMIT value plus, if HS_GPU_CMDLEN is non-zero,
 * the sum of the command list at HS_GPU_CMDBUF: little-endian uint32
 * words, each the work units of one draw, read by DMA from the submitting
 * domain's memory (SUBMIT consumes the list and clears CMDLEN). A job
 * takes units x cycles_per_unit / units_per_cycle GPU cycles (rounded up:
 * a wide GPU completes several units a cycle); its run time follows the
 * current OPP (time = cycles / frequency, rounded up to 1 ps), and an
 * OPP change mid-job rescales the cycles left. Jobs run one at a time in
 * submission order; completion counts DONE and pulses HS_IRQ_GPU.
 *
 * Power: component "<name>" is "idle" (idle_uw, unattributed) or
 * "opp<K>" (that OPP's active_uw) attributed to the running job's
 * domain, so GPU energy follows work units. No phone publishes GPU power
 * per OPP; SoC files derive it from OPP tables and say so.
 */
#ifndef HS_DEVICES_GPU_H
#define HS_DEVICES_GPU_H

#include "bus/bus.h"
#include "bus/dma.h"
#include "power/meter.h"

#define GPU_MAX_OPPS 16
#define GPU_MAX_QUEUE 64

typedef struct GpuOpp {
    uint32_t freq_khz;  /* GPU clock */
    uint64_t active_uw; /* power while running a job */
} GpuOpp;

typedef struct GpuConfig {
    GpuOpp opps[GPU_MAX_OPPS]; /* strictly ascending frequency */
    unsigned n_opps;           /* 1 .. GPU_MAX_OPPS */
    unsigned initial_opp;      /* index at reset */
    uint64_t idle_uw;          /* power with no job */
    uint32_t cycles_per_unit;  /* GPU cycles per work unit, > 0 */
    uint32_t units_per_cycle;  /* work units completed per cycle, > 0 */
    unsigned queue_depth;      /* jobs queued or running, 1 .. MAX */
    uint32_t max_cmd_bytes;    /* largest command list accepted */
} GpuConfig;

typedef struct GpuJob {
    uint64_t units;    /* work units */
    int domain;        /* submitter */
    hs_time submit_ps; /* submission time */
} GpuJob;

/* Told when a job completes (latency metrics). */
typedef void (*GpuDoneFunc)(void *ctx, const GpuJob *job, hs_time done);

typedef struct GpuState {
    Device dev;                  /* base: must stay first */
    GpuConfig cfg;               /* copied at init */
    Sim *sim;                    /* set by realize */
    const GuestDma *dma;         /* command lists (may be NULL) */
    PowerMeter *meter;           /* may be NULL */
    int comp;                    /* meter component, -1 without */
    unsigned opp;                /* current OPP */
    GpuJob queue[GPU_MAX_QUEUE]; /* ring: head is the running job */
    unsigned head, count;        /* ring position and fill */
    uint64_t cycles_left;        /* of the running job at run_since */
    hs_time run_since;           /* when cycles_left was last computed */
    SimEvent done_ev;            /* running job completes */
    uint64_t cmdbuf;             /* HS_GPU_CMDBUF */
    uint32_t cmdlen;             /* HS_GPU_CMDLEN */
    uint64_t done;               /* jobs completed (HS_GPU_DONE) */
    uint64_t full;               /* jobs refused: the queue was full */
    uint64_t units_done[POWER_MAX_DOMAINS + 1]; /* per domain (+host) */
    GpuDoneFunc on_done; /* completion observer, may be NULL */
    void *on_done_ctx;   /* its context */
    IrqLine irq;         /* HS_IRQ_GPU */
} GpuState;

/* Returns 0, or -1 with a reason in err. */
int gpu_init(GpuState *s, const char *name, const GpuConfig *cfg,
             const GuestDma *dma, PowerMeter *meter, char *err,
             size_t err_size);

/* Queues a job of units for domain at when (the approach's host path).
 * Returns 0, or -1 if the queue is full or units is 0. */
int gpu_submit(GpuState *s, int domain, uint64_t units, hs_time when);
/* Changes the OPP at when. Returns 0 or -1 on a bad index. */
int gpu_set_opp(GpuState *s, unsigned opp, hs_time when);
/* Run time of units at OPP opp (ps, rounded up). */
hs_time gpu_job_time_ps(const GpuState *s, uint64_t units, unsigned opp);
void gpu_set_done_observer(GpuState *s, GpuDoneFunc fn, void *ctx);

extern const DeviceOps gpu_ops;

#endif /* HS_DEVICES_GPU_H */
