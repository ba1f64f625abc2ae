/*
 * dma.h - how device models reach guest memory without knowing what backs
 * it.
 *
 * A device that moves data to or from a domain's memory (microphone
 * frames, GPU command lists, storage buffers, network packets) calls
 * through a GuestDma. The vCPU side implements it over the domain's RAM;
 * tests and host tools use the flat-buffer implementation below. The
 * domain argument is the BusAccess.domain of the access that started the
 * transfer, so one device can serve several domains' memories.
 */
#ifndef HS_BUS_DMA_H
#define HS_BUS_DMA_H

#include <stddef.h>
#include <stdint.h>

typedef struct GuestDma {
    /* Copies len bytes at guest address addr of domain into buf.
     * Returns 0, or -1 if any byte is out of range (nothing copied). */
    int (*read)(void *ctx, int domain, uint64_t addr, void *buf, size_t len);
    /* Copies len bytes from buf to guest address addr of domain.
     * Returns 0, or -1 if any byte is out of range (nothing copied). */
    int (*write)(void *ctx, int domain, uint64_t addr, const void *buf,
                 size_t len);
    /* Optional: 0 if read and write of the range would succeed, else -1
     * (nothing copied). NULL: not known without copying. */
    int (*check)(void *ctx, int domain, uint64_t addr, size_t len);
    void *ctx; /* the implementation's state */
} GuestDma;

/* Wrappers that treat a missing GuestDma or callback as out of range. */
int dma_read(const GuestDma *dma, int domain, uint64_t addr, void *buf,
             size_t len);
int dma_write(const GuestDma *dma, int domain, uint64_t addr, const void *buf,
              size_t len);
/* 0 if the range is readable and writable, -1 if not, 1 if the GuestDma
 * cannot tell without copying (no check callback). */
int dma_check(const GuestDma *dma, int domain, uint64_t addr, size_t len);

/* One flat window of memory at a guest address, shared by every domain
 * (tests, host tools). The caller owns mem. */
typedef struct DmaBuffer {
    uint64_t base; /* guest address of mem[0] */
    uint8_t *mem;  /* backing bytes (not owned) */
    size_t size;   /* bytes */
} DmaBuffer;

/* Fills dma with callbacks over buf; buf must outlive dma. */
void dma_buffer_init(GuestDma *dma, DmaBuffer *buf);

#endif /* HS_BUS_DMA_H */
