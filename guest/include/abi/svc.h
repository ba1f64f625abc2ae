/*
 * svc.h - the request ring of a driver or service VM (guest/svc), shared
 * by host and guest.
 *
 * A driver VM (net, gfx) or service VM (crypto) runs the service image
 * (build/guest/service.elf) on its own vCPU. Its I/O area (HS_IO_BASE of
 * the VM's RAM, the memory a front end shares with it) holds a ring of
 * HS_SVC_RING_SLOTS request descriptors and a data window of
 * HS_SVC_WINDOW bytes. The front end (the machine, for the domain that
 * made the I/O request) fills a descriptor and enters the VM with
 * HS_SVC_EV_REQUEST, a0 = the slot. It does not copy the request's bytes
 * in yet (emu/virt/README.md): the VM does the hop's work (HS_SVC_OP_*)
 * on what the window holds, window by window over the request's length,
 * writes the completion into the descriptor (status HS_SVC_DONE, bytes
 * done) and returns the bytes done.
 */
#ifndef HS_ABI_SVC_H
#define HS_ABI_SVC_H

#include <stdint.h>

#include "platform.h"

/* Event a driver/service VM is entered with (beside HS_EV_BOOT). */
#define HS_SVC_EV_REQUEST 16

/* What the hop does with the bytes: COPY moves them from the shared
 * window into the device's buffer (net driver); SEAL runs
 * ChaCha20-Poly1305 over them (crypto VM; an open is the same two
 * passes); COMPOSE blends them as 32-bit pixels over the VM's screen
 * buffer (gfx driver); MOVE copies them block by block (HS_SVC_BLOCK)
 * between the window and the VM's block buffer (storage driver). */
#define HS_SVC_OP_COPY 1
#define HS_SVC_OP_SEAL 2
#define HS_SVC_OP_COMPOSE 3
#define HS_SVC_OP_MOVE 4 /* storage driver: 4 KiB blocks into its buffer */
#define HS_SVC_BLOCK 4096ULL

#define HS_SVC_POSTED 1 /* descriptor filled by the front end */
#define HS_SVC_DONE 2   /* completed by the VM */
#define HS_SVC_BAD 3    /* refused: unknown op */

typedef struct HsSvcReq {
    uint32_t op;     /* HS_SVC_OP_* */
    uint32_t status; /* HS_SVC_POSTED, then HS_SVC_DONE / HS_SVC_BAD */
    uint64_t bytes;  /* the request's length */
    uint64_t seq;    /* request number (the crypto VM's nonce) */
    uint64_t done;   /* bytes the VM processed */
} HsSvcReq;

#define HS_SVC_RING_SLOTS 64
#define HS_SVC_RING_BASE HS_IO_BASE
#define HS_SVC_WINDOW 0x10000ULL /* 64 KiB */
#define HS_SVC_WINDOW_BASE (HS_IO_BASE + 0x1000ULL)
#define HS_SVC_OUT_BASE (HS_SVC_WINDOW_BASE + HS_SVC_WINDOW)

#endif /* HS_ABI_SVC_H */
