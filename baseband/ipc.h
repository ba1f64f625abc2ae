/*
 * ipc.h - the AP<->baseband mailbox: shared memory holding two message
 * rings, with a doorbell interrupt towards each side.
 *
 * One IpcMailbox is the hardware; it is reached through two register
 * windows (IpcEnd devices) with the same layout (HS_BBIPC_* of
 * platform.h): the AP end at HS_MMIO_BBIPC of every domain's bus, the BB
 * end at BB_MMIO_IPC of the baseband's bus. Writing TX_LEN copies the
 * message at TX_ADDR (by DMA, from the writer's memory) into the ring
 * towards the other side and raises that side's doorbell; writing RX_POP
 * copies the oldest message to RX_ADDR, and reading RX_POP then returns
 * its length (0 if none was waiting or the copy failed, both guest
 * mistakes). A doorbell is a level: high while its ring holds
 * messages. Messages are HS_BBMSG_HEADER_BYTES .. HS_BBMSG_MAX_BYTES
 * long (format in platform.h and baseband/README.md); a bad length or a
 * full ring drops the message and counts it (a guest mistake).
 *
 * The mailbox only carries bytes; it neither parses nor steers. Once the
 * baseband is dead (ipc_mailbox_set_dead) messages from the AP are
 * dropped and counted, as real hardware would leave them unread.
 */
#ifndef HS_BASEBAND_IPC_H
#define HS_BASEBAND_IPC_H

#include <stdbool.h>
#include <stdint.h>

#include "bus/bus.h"
#include "bus/dma.h"
#include "platform.h"

#define IPC_RING_SLOTS 32

typedef enum IpcSide {
    IPC_SIDE_AP = 0, /* the application processor's end */
    IPC_SIDE_BB = 1, /* the baseband's end */
} IpcSide;

/* One direction: messages waiting for the receiving side. */
typedef struct IpcRing {
    uint8_t slot[IPC_RING_SLOTS][HS_BBMSG_MAX_BYTES]; /* message bytes */
    uint32_t len[IPC_RING_SLOTS];                     /* their lengths */
    hs_time sent[IPC_RING_SLOTS];                     /* doorbell times */
    unsigned head, count; /* oldest slot, messages waiting */
    uint64_t delivered;   /* messages accepted into the ring */
    uint64_t dropped;     /* bad length, full ring or dead receiver */
    uint64_t full;        /* of those, because the ring was full */
} IpcRing;

/* Told of every message accepted (traces, tests); never steers. */
typedef void (*IpcObserverFunc)(void *ctx, IpcSide from, const uint8_t *msg,
                                uint32_t len, hs_time when);

typedef struct IpcMailbox {
    IpcRing to[2];            /* indexed by the receiving IpcSide */
    IrqLine doorbell[2];      /* towards each side (level) */
    bool bb_dead;             /* the baseband no longer reads */
    IpcObserverFunc observer; /* may be NULL */
    void *observer_ctx;       /* its context */
} IpcMailbox;

/* One register window onto the mailbox. */
typedef struct IpcEnd {
    Device dev;          /* base: must stay first */
    IpcMailbox *mb;      /* the shared hardware (not owned) */
    IpcSide side;        /* which end this is */
    const GuestDma *dma; /* the side's memory (not owned) */
    uint64_t tx_addr;    /* HS_BBIPC_TX_ADDR */
    uint64_t rx_addr;    /* HS_BBIPC_RX_ADDR */
    uint32_t last_len;   /* HS_BBIPC_RX_POP read value */
} IpcEnd;

/* Empties the rings. Connect the doorbells with irq_connect on
 * mb->doorbell[side] (the AP's HS_IRQ_BBIPC, the baseband's BB_IRQ_IPC). */
void ipc_mailbox_init(IpcMailbox *mb);
void ipc_mailbox_set_observer(IpcMailbox *mb, IpcObserverFunc fn, void *ctx);
/* From now on, messages towards the baseband are dropped. */
void ipc_mailbox_set_dead(IpcMailbox *mb);
/* Messages waiting for side. */
unsigned ipc_pending(const IpcMailbox *mb, IpcSide side);

/* Host-side access (tests, host models): sends len bytes from side, or
 * takes the next message for side into buf (HS_BBMSG_MAX_BYTES). send
 * returns 0 or -1 (dropped); recv returns the length, 0 if none. */
int ipc_send(IpcMailbox *mb, IpcSide from, const uint8_t *msg, uint32_t len,
             hs_time when);
uint32_t ipc_recv(IpcMailbox *mb, IpcSide side, uint8_t *buf);

/* A window of side onto mb; dma reaches that side's memory. */
void ipc_end_init(IpcEnd *e, const char *name, IpcMailbox *mb, IpcSide side,
                  const GuestDma *dma);

/* Builds a message: header fields plus payload into buf (cap bytes).
 * Returns its length, or 0 if it does not fit. */
uint32_t ipc_msg_build(uint8_t *buf, uint32_t cap, uint16_t type, uint32_t call,
                       uint32_t arg, const void *payload,
                       uint32_t payload_bytes);
/* Header fields of a message (0 if len is short). */
uint16_t ipc_msg_type(const uint8_t *msg, uint32_t len);
uint32_t ipc_msg_call(const uint8_t *msg, uint32_t len);
uint32_t ipc_msg_arg(const uint8_t *msg, uint32_t len);
uint32_t ipc_msg_payload_bytes(const uint8_t *msg, uint32_t len);
/* Name of a message type ("RING", ...; "?" if unknown). */
const char *ipc_msg_name(uint16_t type);

extern const DeviceOps ipc_end_ops;

#endif /* HS_BASEBAND_IPC_H */
