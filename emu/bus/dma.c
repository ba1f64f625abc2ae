/*
 * dma.c - guest-memory access wrappers and the flat-buffer implementation.
 */
#include "bus/dma.h"

#include <string.h>

int dma_read(const GuestDma *dma, int domain, uint64_t addr, void *buf,
             size_t len)
{
    if (!dma || !dma->read)
        return -1;
    return dma->read(dma->ctx, domain, addr, buf, len);
}

int dma_write(const GuestDma *dma, int domain, uint64_t addr, const void *buf,
              size_t len)
{
    if (!dma || !dma->write)
        return -1;
    return dma->write(dma->ctx, domain, addr, buf, len);
}

int dma_check(const GuestDma *dma, int domain, uint64_t addr, size_t len)
{
    if (!dma || !dma->check)
        return 1;
    return dma->check(dma->ctx, domain, addr, len) ? -1 : 0;
}

/* Offset of [addr, addr+len) inside b, or -1 if it does not fit. */
static int64_t window(const DmaBuffer *b, uint64_t addr, size_t len)
{
    if (addr < b->base)
        return -1;
    uint64_t off = addr - b->base;
    if (off > b->size || len > b->size - off)
        return -1;
    return (int64_t)off;
}

static int buffer_read(void *ctx, int domain, uint64_t addr, void *buf,
                       size_t len)
{
    (void)domain;
    DmaBuffer *b = ctx;
    int64_t off = window(b, addr, len);
    if (off < 0)
        return -1;
    memcpy(buf, b->mem + off, len);
    return 0;
}

static int buffer_write(void *ctx, int domain, uint64_t addr, const void *buf,
                        size_t len)
{
    (void)domain;
    DmaBuffer *b = ctx;
    int64_t off = window(b, addr, len);
    if (off < 0)
        return -1;
    memcpy(b->mem + off, buf, len);
    return 0;
}

static int buffer_check(void *ctx, int domain, uint64_t addr, size_t len)
{
    (void)domain;
    return window(ctx, addr, len) < 0 ? -1 : 0;
}

void dma_buffer_init(GuestDma *dma, DmaBuffer *buf)
{
    dma->read = buffer_read;
    dma->write = buffer_write;
    dma->check = buffer_check;
    dma->ctx = buf;
}
