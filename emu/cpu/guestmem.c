/*
 * guestmem.c - host buffers behind a domain's guest memory, and bounds-
 * checked host access to them by guest address.
 *
 * The buffers are anonymous private mappings: the kernel supplies zero
 * pages on first touch, so a region costs only the pages the guest (or the
 * host on its behalf) actually uses. A run maps 33 MiB per domain (RAM,
 * framebuffer, shared page area) of which a call scenario touches a few
 * MiB; zeroing them all with memset was 5 % of a run's time, and the page
 * faults it took as many again.
 */
#include "cpu/guestmem.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "platform.h"

/* Zeroed, page-aligned memory of size bytes, or NULL. */
static uint8_t *alloc_pages(uint64_t size)
{
    void *p = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

static void free_pages(uint8_t *p, uint64_t size)
{
    if (p)
        munmap(p, (size_t)size);
}

GuestShm *guest_shm_new(void)
{
    GuestShm *shm = calloc(1, sizeof *shm);
    if (!shm)
        return NULL;
    shm->size = HS_SHM_SIZE;
    shm->bytes = alloc_pages(shm->size);
    if (!shm->bytes) {
        free(shm);
        return NULL;
    }
    shm->refs = 1;
    return shm;
}

GuestShm *guest_shm_ref(GuestShm *shm)
{
    shm->refs++;
    return shm;
}

void guest_shm_unref(GuestShm *shm)
{
    if (!shm || --shm->refs > 0)
        return;
    free_pages(shm->bytes, shm->size);
    free(shm);
}

GuestMem *guest_mem_new(GuestShm *shm)
{
    GuestMem *mem = calloc(1, sizeof *mem);
    if (!mem)
        return NULL;
    mem->refs = 1;
    mem->shm = shm ? guest_shm_ref(shm) : guest_shm_new();
    GuestRegion *r = mem->regions;
    r[GUEST_REGION_RAM] = (GuestRegion){"ram", HS_RAM_BASE, HS_RAM_SIZE,
                                        alloc_pages(HS_RAM_SIZE)};
    r[GUEST_REGION_FB] =
        (GuestRegion){"fb", HS_FB_BASE, HS_FB_SIZE, alloc_pages(HS_FB_SIZE)};
    if (mem->shm)
        r[GUEST_REGION_SHM] =
            (GuestRegion){"shm", HS_SHM_BASE, mem->shm->size, mem->shm->bytes};
    if (!mem->shm || !r[GUEST_REGION_RAM].host || !r[GUEST_REGION_FB].host) {
        guest_mem_unref(mem);
        return NULL;
    }
    return mem;
}

GuestMem *guest_mem_new_ram(uint64_t base, uint64_t size)
{
    GuestMem *mem = calloc(1, sizeof *mem);
    if (!mem)
        return NULL;
    mem->refs = 1;
    mem->regions[GUEST_REGION_RAM] =
        (GuestRegion){"ram", base, size, alloc_pages(size)};
    mem->regions[GUEST_REGION_FB] = (GuestRegion){"fb", 0, 0, NULL};
    mem->regions[GUEST_REGION_SHM] = (GuestRegion){"shm", 0, 0, NULL};
    if (!mem->regions[GUEST_REGION_RAM].host) {
        free(mem);
        return NULL;
    }
    return mem;
}

GuestMem *guest_mem_ref(GuestMem *mem)
{
    mem->refs++;
    return mem;
}

void guest_mem_unref(GuestMem *mem)
{
    if (!mem || --mem->refs > 0)
        return;
    free_pages(mem->regions[GUEST_REGION_RAM].host,
               mem->regions[GUEST_REGION_RAM].size);
    free_pages(mem->regions[GUEST_REGION_FB].host,
               mem->regions[GUEST_REGION_FB].size);
    guest_shm_unref(mem->shm);
    free(mem);
}

const GuestRegion *guest_mem_region(const GuestMem *mem, uint64_t addr,
                                    uint64_t len)
{
    if (len == 0 || addr + len < addr)
        return NULL;
    for (int i = 0; i < GUEST_REGIONS; i++) {
        const GuestRegion *r = &mem->regions[i];
        if (r->host && addr >= r->base && addr - r->base <= r->size &&
            len <= r->size - (addr - r->base))
            return r;
    }
    return NULL;
}

void *guest_mem_ptr(GuestMem *mem, uint64_t addr, uint64_t len)
{
    const GuestRegion *r = guest_mem_region(mem, addr, len);
    return r ? r->host + (addr - r->base) : NULL;
}

int guest_mem_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
    if (len == 0)
        return 0;
    const void *p = guest_mem_ptr(ctx, addr, len);
    if (!p)
        return -1;
    memcpy(buf, p, len);
    return 0;
}

int guest_mem_write(void *ctx, uint64_t addr, const void *buf, size_t len)
{
    if (len == 0)
        return 0;
    void *p = guest_mem_ptr(ctx, addr, len);
    if (!p)
        return -1;
    memcpy(p, buf, len);
    return 0;
}
