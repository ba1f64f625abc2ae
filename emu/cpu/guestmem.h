/*
 * guestmem.h - a domain's guest memory: host buffers for RAM, the
 * framebuffer and the inter-domain shared region.
 *
 * The buffers are page-aligned host memory that every vCPU of the domain
 * maps into its Unicorn engine with uc_mem_map_ptr, so the domain's vCPUs
 * see the same bytes. The shared region (HS_SHM_*) is a separate,
 * reference-counted object so that several domains' GuestMems can map
 * one and the same ring memory.
 *
 * Host code (tests, devices doing DMA) reads and writes guest memory by
 * guest address through guest_mem_read/guest_mem_write, which check that
 * the whole range lies inside one region. Their shape (ctx, guest_addr,
 * buf, len) -> 0/-1 is the one device DMA uses.
 */
#ifndef HS_CPU_GUESTMEM_H
#define HS_CPU_GUESTMEM_H

#include <stddef.h>
#include <stdint.h>

/* Memory shared between domains; reference counted. */
typedef struct GuestShm {
    uint8_t *bytes; /* HS_SHM_SIZE bytes, page aligned, owned */
    uint64_t size;  /* bytes */
    int refs;       /* owners (GuestMems and the creator) */
} GuestShm;

/* Creates a zeroed shared region of HS_SHM_SIZE bytes with one
 * reference. Returns NULL when memory runs out. */
GuestShm *guest_shm_new(void);
/* Adds a reference and returns shm. */
GuestShm *guest_shm_ref(GuestShm *shm);
/* Drops a reference; frees the region when the last one goes. */
void guest_shm_unref(GuestShm *shm);

/* One guest-physical region backed by host memory. */
typedef struct GuestRegion {
    const char *name; /* "ram", "fb", "shm" */
    uint64_t base;    /* guest address */
    uint64_t size;    /* bytes (a multiple of the 4 KiB page) */
    uint8_t *host;    /* host bytes, page aligned */
} GuestRegion;

enum { GUEST_REGION_RAM, GUEST_REGION_FB, GUEST_REGION_SHM, GUEST_REGIONS };

/* A domain's memory. Reference counted so that vCPUs can share it. */
typedef struct GuestMem {
    GuestRegion regions[GUEST_REGIONS]; /* RAM, framebuffer, shared */
    GuestShm *shm;                      /* the shared region (one ref) */
    int refs;                           /* owners */
} GuestMem;

/* Creates zeroed RAM and framebuffer and maps shm (taking a reference);
 * with shm NULL a private shared region is created. One reference.
 * Returns NULL when memory runs out. */
GuestMem *guest_mem_new(GuestShm *shm);
/* A memory of RAM only, size bytes (a multiple of 4 KiB) at base, for a
 * processor with its own map (the baseband): the framebuffer and shared
 * regions are absent (host NULL) and are not mapped by vCPUs. */
GuestMem *guest_mem_new_ram(uint64_t base, uint64_t size);
GuestMem *guest_mem_ref(GuestMem *mem);
void guest_mem_unref(GuestMem *mem);

/* The region holding [addr, addr+len), or NULL if the range is empty,
 * wraps, or is not entirely inside one region. */
const GuestRegion *guest_mem_region(const GuestMem *mem, uint64_t addr,
                                    uint64_t len);

/* Host pointer for [addr, addr+len), or NULL (see guest_mem_region). */
void *guest_mem_ptr(GuestMem *mem, uint64_t addr, uint64_t len);

/* Copies len bytes between guest memory at addr and buf. ctx is the
 * GuestMem. Returns 0, or -1 (nothing copied) if the range is not inside
 * one region. len 0 is a no-op that succeeds. */
int guest_mem_read(void *ctx, uint64_t addr, void *buf, size_t len);
int guest_mem_write(void *ctx, uint64_t addr, const void *buf, size_t len);

#endif /* HS_CPU_GUESTMEM_H */
