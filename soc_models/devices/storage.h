/*
 * storage.h - block storage: reads and writes against a guest buffer with
 * configured latency and power.
 *
 * The guest sets HS_STORAGE_LBA (first 4 KiB block), ADDR (its buffer)
 * and COUNT (bytes), then writes HS_STORAGE_CMD (HS_STORAGE_CMD_READ or
 * _WRITE). STATUS goes BUSY; the command takes
 *     cmd_latency_ps + ceil(COUNT x {read,write}_ps_per_kib / 1024)
 * after which STATUS is DONE (or ERROR) and HS_IRQ_STORAGE pulses. A
 * write's data is taken from guest memory when the command is issued and
 * lands on the medium at completion; a read's data is copied into guest
 * memory at completion. Blocks never written read as zeros. A command
 * while BUSY is a guest error and is ignored; a command outside the
 * medium, of 0 bytes or above max_transfer_bytes, or whose buffer is not
 * in guest memory ends at once with ERROR (IRQ pulsed). A hook
 * (storage_set_hook) may put the issuer's I/O path between the command
 * and the medium, and between a read's medium and the issuer's buffer;
 * the latency above is then the medium's part.
 *
 * Power: component "<name>" is "idle" (idle_uw), "read" or "write"
 * (read_uw / write_uw, attributed to the issuing domain). SoC files that
 * give energy per KiB convert it to power over the per-KiB latency.
 */
#ifndef HS_DEVICES_STORAGE_H
#define HS_DEVICES_STORAGE_H

#include "bus/bus.h"
#include "bus/dma.h"
#include "power/meter.h"

typedef struct StorageConfig {
    uint64_t capacity_bytes;     /* medium size, multiple of 4 KiB */
    hs_time cmd_latency_ps;      /* fixed cost of any command */
    hs_time read_ps_per_kib;     /* read latency per KiB */
    hs_time write_ps_per_kib;    /* write latency per KiB */
    uint64_t idle_uw;            /* power with no command */
    uint64_t read_uw;            /* power while reading */
    uint64_t write_uw;           /* power while writing */
    uint32_t max_transfer_bytes; /* largest COUNT accepted, > 0 */
} StorageConfig;

typedef struct StorageState StorageState;

/* Where a command stands when the hook is called. */
typedef enum StorageHookPoint {
    STORAGE_HOOK_ISSUE,     /* issued: the command has not reached the
                               medium yet */
    STORAGE_HOOK_READ_DONE, /* a read's data is off the medium, not yet in
                               the issuer's buffer */
} StorageHookPoint;

/* The command's way between the issuer and the medium (an I/O path of
 * the issuer's kernels): the hook is called at each point and calls
 * storage_continue(s, seq, ok, when) when the command may go on. */
typedef void (*StorageHookFunc)(void *ctx, StorageState *s,
                                StorageHookPoint point, uint64_t seq,
                                hs_time when);

struct StorageState {
    Device dev;               /* base: must stay first */
    StorageConfig cfg;        /* copied at init */
    Sim *sim;                 /* set by realize */
    const GuestDma *dma;      /* guest buffers (may be NULL) */
    PowerMeter *meter;        /* may be NULL */
    int comp;                 /* meter component, -1 without */
    uint8_t **blocks;         /* lazily allocated 4 KiB blocks */
    uint64_t n_blocks;        /* capacity / 4 KiB */
    uint64_t lba, addr;       /* HS_STORAGE_LBA, HS_STORAGE_ADDR */
    uint32_t count;           /* HS_STORAGE_COUNT */
    uint32_t status;          /* HS_STORAGE_ST_* */
    uint32_t op;              /* command in flight */
    int op_domain;            /* its issuer */
    uint64_t op_lba, op_addr; /* its block and guest buffer */
    uint32_t op_count;        /* its bytes */
    uint8_t *op_data;         /* write data taken at issue (owned) */
    SimEvent done_ev;         /* command completes */
    uint64_t bytes_read[POWER_MAX_DOMAINS + 1];    /* per domain (+host) */
    uint64_t bytes_written[POWER_MAX_DOMAINS + 1]; /* per domain (+host) */
    IrqLine irq;                                   /* HS_IRQ_STORAGE */
    bool on_medium;       /* the command is on the medium */
    uint64_t op_seq;      /* the command's number (storage_continue) */
    StorageHookFunc hook; /* may be NULL: straight to the medium */
    void *hook_ctx;
};

/* Returns 0, or -1 with a reason in err (bad config, out of memory). */
int storage_init(StorageState *s, const char *name, const StorageConfig *cfg,
                 const GuestDma *dma, PowerMeter *meter, char *err,
                 size_t err_size);

/* Latency of a command of count bytes (op: HS_STORAGE_CMD_*). */
hs_time storage_latency_ps(const StorageState *s, uint32_t op, uint32_t count);

/* Sets (fn NULL: removes) the hook. Without one a command goes to the
 * medium when issued and a read's data to the issuer at once. */
void storage_set_hook(StorageState *s, StorageHookFunc fn, void *ctx);
/* The command numbered seq goes on at when (>= now): to the medium after
 * STORAGE_HOOK_ISSUE, into the issuer's buffer (STATUS DONE, IRQ) after
 * STORAGE_HOOK_READ_DONE; ok false: the path failed, the command ends
 * with ERROR (IRQ pulsed). Ignored when the device was reset or the
 * command is no longer the one in flight. */
void storage_continue(StorageState *s, uint64_t seq, bool ok, hs_time when);

extern const DeviceOps storage_ops;

#endif /* HS_DEVICES_STORAGE_H */
