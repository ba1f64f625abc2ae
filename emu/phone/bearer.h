/*
 * bearer.h - the AP's end of the data bearer: the modem driver of the
 * AP's kernel, between the net device (the domains' packet rings) and the
 * AP end of the mailbox.
 *
 * A packet a domain sends on the net device becomes a DATA_TX message to
 * the baseband, tagged with the domain + 1 (the radio books its energy
 * by the tag; the firmware only passes it on), its source port
 * remembered as that domain's. The AP's
 * doorbell is served here: DATA_RX messages go back to the net device
 * for the domain that owns the destination port (the host slot if none),
 * every other message (RING, CALL_STATE, SIGNAL) to a callback, the phone
 * app's side. Where a virtualisation approach puts this driver (a driver
 * VM, the kernel) is its business; the bytes are the same.
 */
#ifndef HS_PHONE_BEARER_H
#define HS_PHONE_BEARER_H

#include "baseband/ipc.h"
#include "baseband/port_map.h"
#include "soc_models/devices/net.h"

/* A non-data message for the AP (copied by the receiver if kept). */
typedef void (*BbRilFunc)(void *ctx, const uint8_t *msg, uint32_t len,
                          hs_time when);

typedef struct BbBearer {
    Sim *sim;                        /* event kernel */
    IpcMailbox *mb;                  /* the mailbox (not owned) */
    NetState *net;                   /* the net device (not owned) */
    BbRilFunc ril;                   /* other messages, may be NULL */
    void *ril_ctx;                   /* its context */
    SimEvent rx_ev;                  /* serves the AP's doorbell */
    BbPortMap ports;                 /* local ports seen in DATA_TX */
    uint64_t tx_packets, rx_packets; /* data messages */
    uint64_t dropped;                /* refused by the mailbox or net */
} BbBearer;

/* Takes over net's peer and the AP doorbell of mb. */
void bearer_init(BbBearer *b, Sim *sim, IpcMailbox *mb, NetState *net,
                 BbRilFunc ril, void *ril_ctx);
void bearer_free(BbBearer *b);

#endif /* HS_PHONE_BEARER_H */
