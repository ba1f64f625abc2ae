/*
 * gpu.h - the GPU: executes command lists (guest/include/abi/gpu.h) from
 * each domain's context ring, and jobs of plain work units.
 *
 * Contexts. Each domain has one context: a ring of HsGpuRingEntry in its
 * memory (HS_GPU_RING_BASE/SIZE), a TAIL the guest advances and a HEAD
 * the GPU advances when an entry's job has completed. A context exists
 * only for a domain the host granted 3D to (gpu_set_access; HS_GPU_CAPS
 * tells the guest); any other domain's ring writes are refused as device
 * errors. Entries are fetched in order into the job queue while it has
 * room (when TAIL is written and whenever a job completes). A forwarded
 * context (a paravirtual GPU, gpu_set_forwarding) fetches an entry only
 * once the host released it (gpu_forward_done), after its way through
 * the gfx VM.
 *
 * The GPU MMU. Each context has its own table of up to GPU_MMU_ENTRIES
 * mapped buffers (HS_GPU_MAP_ADDR/SIZE/CTRL: the driver maps a buffer
 * readable, or readable and writable, into the context; CTRL 0 unmaps
 * the buffer starting at ADDR). The ring itself is the driver's and
 * needs no entry. A command job's list must lie inside one readable
 * buffer of its context, every surface it binds inside one buffer
 * (writable for the target); anything else is a fault for that context
 * (HS_GPU_ERR_FAULT in its STATUS, counted in `faults` and
 * HS_GPU_FAULTS): the list is rejected whole and nothing is written, as
 * for any bad list. Addresses are the context's domain's: one context
 * can never name another's memory.
 *
 * Scheduling. The queue holds the jobs of every context (and the host's
 * plain jobs) in arrival order; each context's jobs run in that order.
 * When a job completes the next runs from the next context in turn
 * (round robin over the domains, the host last). With timeslice_ps > 0
 * a running job that has run for a slice while another context has a job
 * waiting is preempted: its cycles left are kept, its surfaces stay
 * mapped, and it resumes in its context's next turn (counted in
 * `preemptions`). Context switches cost no GPU time (not modelled).
 *
 * A command job executes its list when it starts (gpu_raster.c: what the
 * reference rasteriser guest/lib/raster.c draws, pixel for pixel), on
 * copies of the surfaces read by DMA from the submitting domain's memory; the
 * target's pixels are written back when the job completes. Its work units are
 * those of the work the list did: units_per_command x commands +
 * units_per_triangle x triangles + units_per_fragment x pixels written +
 * units_per_texel x texels read. A bad list (abi/gpu.h's errors) is a device
 * error: the context's HS_GPU_STATUS says which, nothing is written, and the
 * job costs its commands' units only. A plain job (HS_GPU_SUBMIT, or gpu_submit
 * from the host) is `units` of work and draws nothing.
 *
 * Time. A job takes units x cycles_per_unit / units_per_cycle GPU cycles
 * (rounded up: a wide GPU completes several units a cycle); its run time
 * follows the current OPP (time = cycles / frequency, rounded up to 1
 * ps), and an OPP change mid-job rescales the cycles left. Jobs run one
 * at a time (Scheduling above); completion counts DONE and pulses
 * HS_IRQ_GPU.
 *
 * Power: component "<name>" is "idle" (idle_uw, unattributed), "opp<K>"
 * (that OPP's active_uw) attributed to the running job's domain, so GPU
 * energy follows work, or "collapsed" (collapsed_uw, unattributed): the
 * GPU's power rail is off. It starts collapsed, collapses when it has
 * been idle for collapse_delay_ps and at once when the AP suspends
 * (gpu_ap_state, a PMIC listener), and a job that finds it collapsed
 * first wakes it: wake_ps later the job starts, and wake_nj is added as
 * one lump attributed to the job's domain. No phone publishes GPU power
 * per OPP; SoC files derive it from OPP tables and say so.
 */
#ifndef HS_DEVICES_GPU_H
#define HS_DEVICES_GPU_H

#include "bus/bus.h"
#include "bus/dma.h"
#include "guest/lib/raster.h"
#include "power/meter.h"

#define GPU_MAX_OPPS 16
#define GPU_MAX_QUEUE 64
#define GPU_MAX_MAPS 8     /* surfaces one command list may bind */
#define GPU_MMU_ENTRIES 16 /* buffers mapped into one context */
#define GPU_SPARE_BUFS 16  /* surface copy buffers kept for reuse */
#define GPU_SPARE_BYTES ((size_t)64 << 20) /* and their bytes at most */

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
    /* Work units of what a command list did (abi/gpu.h). */
    uint32_t units_per_command;
    uint32_t units_per_triangle;
    uint32_t units_per_fragment;
    uint32_t units_per_texel;
    /* Power collapse. */
    hs_time collapse_delay_ps; /* idle this long: collapse */
    uint64_t collapsed_uw;     /* power while collapsed */
    hs_time wake_ps;           /* collapsed -> ready */
    uint64_t wake_nj;          /* energy of one wake */
    /* Scheduling. */
    hs_time timeslice_ps; /* a context's turn while others wait, 0: none */
} GpuConfig;

/* A surface copy of a command job. */
typedef struct GpuMap {
    uint64_t addr, bytes;
    uint32_t *buf; /* host copy */
    size_t cap;    /* its allocated bytes (>= bytes) */
    bool write;    /* written back at completion */
} GpuMap;

/* A host buffer kept for the next surface copy. */
typedef struct GpuBuf {
    uint32_t *buf;
    size_t cap; /* bytes */
} GpuBuf;

typedef struct GpuJob {
    uint64_t units;       /* work units (a command job: set when it starts) */
    int domain;           /* submitter */
    hs_time submit_ps;    /* submission time */
    uint64_t cmd_addr;    /* command list, 0 for a plain job */
    uint32_t cmd_len;     /* its bytes */
    RasterStats stats;    /* what the list did (command jobs) */
    bool started;         /* has run (a preempted job resumes) */
    uint64_t cycles_left; /* of a preempted job */
    GpuMap maps[GPU_MAX_MAPS]; /* its surfaces until it completes */
    unsigned n_maps;
} GpuJob;

/* One buffer mapped into a context (the GPU MMU). */
typedef struct GpuMmuEntry {
    uint64_t addr, bytes; /* in the context's domain's memory */
    bool write;           /* writable too */
} GpuMmuEntry;

/* A domain's GPU context (HS_GPU_RING_*). */
typedef struct GpuContext {
    bool granted;       /* the host gave this domain 3D (HS_GPU_CAPS) */
    uint64_t ring_base; /* guest address of the ring */
    uint32_t ring_size; /* entries, a power of two, 0 = no ring */
    uint32_t tail;      /* written by the guest */
    uint32_t fetched;   /* entries taken into the queue */
    uint32_t head;      /* entries completed */
    uint32_t status;    /* HS_GPU_ERR_* of the last failed entry */
    uint64_t jobs;      /* command jobs completed */
    bool forwarded;     /* entries wait for gpu_forward_done */
    uint32_t released;  /* entries the GPU may fetch (forwarded contexts) */
    uint32_t refused;   /* released entries to skip (their way failed) */
    GpuMmuEntry mmu[GPU_MMU_ENTRIES]; /* its mapped buffers */
    unsigned n_mmu;
    uint64_t map_addr, map_size; /* HS_GPU_MAP_ADDR / SIZE */
    uint64_t faults;             /* MMU faults of its jobs */
} GpuContext;

/* A forwarded context's TAIL moved from old_tail to new_tail at when. */
typedef void (*GpuForwardFunc)(void *ctx, int domain, uint32_t old_tail,
                               uint32_t new_tail, hs_time when);

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
    GpuJob queue[GPU_MAX_QUEUE]; /* arrival order; head is running */
    unsigned head, count;        /* running job's index, and fill */
    uint64_t cycles_left;        /* of the running job at run_since */
    hs_time run_since;           /* when cycles_left was last computed */
    SimEvent done_ev;            /* running job completes */
    uint64_t cmdbuf;             /* HS_GPU_CMDBUF */
    uint32_t cmdlen;             /* HS_GPU_CMDLEN */
    uint64_t done;               /* jobs completed (HS_GPU_DONE) */
    uint64_t full;               /* jobs refused: the queue was full */
    uint64_t units_done[POWER_MAX_DOMAINS + 1]; /* per domain (+host) */
    GpuDoneFunc on_done;       /* completion observer, may be NULL */
    GpuForwardFunc on_forward; /* forwarded contexts' doorbell */
    void *on_forward_ctx;      /* its context */
    void *on_done_ctx;         /* its context */
    IrqLine irq;               /* HS_IRQ_GPU */
    int irq_domain; /* whose job the last HS_IRQ_GPU edge completed */
    GpuContext ctx[POWER_MAX_DOMAINS]; /* one per domain */
    unsigned fetch_next;               /* context fetched from first */
    GpuJob *mapping;      /* the job whose surfaces are being mapped */
    int map_error;        /* a map failed (DMA, overlap, size) */
    int map_fault;        /* a map fell outside the context's buffers */
    bool powered;         /* not collapsed */
    bool ap_asleep;       /* the AP is suspending or suspended */
    hs_time ready_at;     /* a wake in progress completes then */
    SimEvent collapse_ev; /* idle long enough */
    uint64_t wakes;       /* collapsed -> powered */
    uint64_t cmd_errors;  /* command lists rejected */
    uint64_t mmu_faults;  /* command lists rejected by the GPU MMU */
    uint64_t preemptions; /* jobs preempted at the end of a slice */
    SimEvent slice_ev;    /* the running job's slice ends */
    RasterStats work[POWER_MAX_DOMAINS + 1]; /* per domain (+host) */
    /* Host buffers kept from job to job (a frame's surface copies are
     * megabytes: fresh ones cost a page fault per 4 KiB each time). */
    GpuBuf spare[GPU_SPARE_BUFS]; /* surface copies not in use */
    unsigned n_spare;
    size_t spare_bytes; /* their capacities summed */
    uint32_t *words;    /* the running job's command list copy */
    size_t words_cap;   /* its allocated bytes */
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
/* Grants (or withdraws) domain a GPU context (HS_GPU_CAPS_3D). */
void gpu_set_access(GpuState *s, int domain, bool granted);
/* Forwarded contexts (a paravirtual GPU): the domain's TAIL writes call
 * fn instead of letting the GPU fetch; each entry is fetched only when
 * gpu_forward_done releases it (in ring order; ok false: the entry is
 * skipped as a ring error, as if it had completed). */
void gpu_set_forwarding(GpuState *s, int domain, bool forwarded,
                        GpuForwardFunc fn, void *ctx);
void gpu_forward_done(GpuState *s, int domain, bool ok, hs_time when);
/* Work units of what a command list did. */
uint64_t gpu_work_units(const GpuState *s, const RasterStats *st);
/* PmicListenerFunc (ctx = the GpuState): the AP's suspend collapses an
 * idle GPU at once. */
void gpu_ap_state(void *ctx, int old_state, int new_state, hs_time when);

extern const DeviceOps gpu_ops;

#endif /* HS_DEVICES_GPU_H */
