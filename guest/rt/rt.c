/*
 * rt.c - the guest's entry point and the freestanding memory functions.
 *
 * hs_entry() is where the host starts every event (entry convention in
 * platform.h): it dispatches HS_EV_* to the runtime or to the app tables
 * of guest/apps/apps.c and returns the result in x0. Handlers keep their
 * per-call state on the stack or in the caller's request, never in
 * globals, because several vCPUs may run this image at once.
 */
#include "rt/rt.h"

#include "apps/apps.h"
#include "apps/phone.h"

extern char __image_start[];

uint64_t hs_entry(uint64_t event, uint64_t a0, uint64_t a1)
{
    switch (event) {
    case HS_EV_BOOT:
        /* The linker script cannot include platform.h: check that the
         * image really sits where the host loads it. */
        if ((uintptr_t)__image_start != HS_RAM_BASE)
            return (uint64_t)(int64_t)HS_EINVAL;
        return 0;
    case HS_EV_WORKLOAD:
        return app_workload(a0, a1);
    case HS_EV_CALL:
        return (uint64_t)app_call(a0, a1);
    case HS_EV_IRQ: {
        /* the phone app serves the baseband mailbox; acknowledge what was
         * delivered so edge-latched lines do not stay pending */
        uint64_t r = 0;
        if (a0 & (1u << HS_IRQ_BBIPC))
            r = phone_on_irq();
        if (a0 & (1u << HS_IRQ_SOCK)) {
            /* clear the news first: whatever arrives after the reads
             * below raises the line again */
            uint32_t ev = rt_sock_events();
            if (ev & (1u << HS_SOCK_MAIL))
                r += mail_on_sock();
            if (ev & (1u << HS_SOCK_GET))
                r += net_get_on_sock();
        }
        rt_intc_ack((uint32_t)a0);
        return r;
    }
    case HS_EV_TIMER:
    case HS_EV_MESSAGE:
        return 0;
    default:
        return (uint64_t)(int64_t)HS_EINVAL;
    }
}

/* ---- memory functions ------------------------------------------------------
 * Word-at-a-time when both pointers share 8-byte alignment, bytes
 * otherwise. Built with -fno-builtin, so the loops are not turned back
 * into calls to themselves. */

void *memcpy(void *dst, const void *src, size_t n)
{
    uint8_t *d = (uint8_t *)dst;
    const uint8_t *s = (const uint8_t *)src;
    if ((((uintptr_t)d | (uintptr_t)s) & 7) == 0) {
        for (; n >= 8; n -= 8, d += 8, s += 8)
            *(uint64_t *)(void *)d = *(const uint64_t *)(const void *)s;
    }
    while (n--)
        *d++ = *s++;
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    uint8_t *d = (uint8_t *)dst;
    const uint8_t *s = (const uint8_t *)src;
    if (d == s || n == 0)
        return dst;
    if (d < s || d >= s + n)
        return memcpy(dst, src, n);
    while (n--) /* overlapping, destination above: copy backwards */
        d[n] = s[n];
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    uint8_t *d = (uint8_t *)dst;
    uint8_t b = (uint8_t)c;
    if (((uintptr_t)d & 7) == 0) {
        uint64_t w = 0x0101010101010101ULL * b;
        for (; n >= 8; n -= 8, d += 8)
            *(uint64_t *)(void *)d = w;
    }
    while (n--)
        *d++ = b;
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *p = (const uint8_t *)a;
    const uint8_t *q = (const uint8_t *)b;
    for (size_t i = 0; i < n; i++)
        if (p[i] != q[i])
            return p[i] < q[i] ? -1 : 1;
    return 0;
}
