/*
 * bbipc.h - the AP's baseband mailbox window (HS_MMIO_BBIPC): one RIL
 * mailbox per domain between that domain and the AP's modem driver, whose
 * AP end each domain reaches at the same window.
 *
 * An access goes to the accessing domain's mailbox end (ipc.h); an access
 * from outside the domains reads zeros and is counted (foreign). The
 * driver side of each mailbox (its BB end: ipc_send / ipc_recv and the
 * doorbell towards the driver) belongs to the modem driver, which also
 * sees every message a domain takes (bbipc_set_pop_observer: its type and
 * argument, after the RX_POP that took it). The machine builds it with the
 * other SoC devices (realize.c); it lives here, not under
 * soc_models/devices, because it is made of the baseband's mailboxes.
 */
#ifndef HS_MACHINE_BBIPC_H
#define HS_MACHINE_BBIPC_H

#include <stddef.h>
#include <stdint.h>

#include "baseband/ipc.h"
#include "machine/host.h"

/* A domain took a message of type with argument arg at when. */
typedef void (*BbipcPopFunc)(void *ctx, int domain, uint16_t type, uint32_t arg,
                             hs_time when);

typedef struct BbipcState {
    Device dev;                          /* base: must stay first */
    IpcMailbox ril[MACHINE_MAX_DOMAINS]; /* driver <-> each domain */
    IpcEnd end[MACHINE_MAX_DOMAINS];     /* their AP ends */
    size_t n_domains;                    /* mailboxes in use */
    uint64_t foreign;                    /* accesses from no domain */
    BbipcPopFunc pop_fn;                 /* the driver's observer */
    void *pop_ctx;                       /* its context */
} BbipcState;

/* One mailbox per domain (n_domains <= MACHINE_MAX_DOMAINS), the AP ends
 * reaching the domains' memories through dma (which must outlive it). */
void bbipc_init(BbipcState *s, const char *name, size_t n_domains,
                const GuestDma *dma);
void bbipc_set_pop_observer(BbipcState *s, BbipcPopFunc fn, void *ctx);

extern const DeviceOps bbipc_ops;

#endif /* HS_MACHINE_BBIPC_H */
