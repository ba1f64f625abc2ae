/*
 * uc_pagelock.c - takes Unicorn 2.0.1's page-collection allocation out of
 * every guest store to RAM.
 *
 * Unicorn 2.0.1 stubs out QEMU's dirty-memory bitmap, so every writable
 * RAM page is "clean" for ever: its TLB entry keeps TLB_NOTDIRTY and every
 * guest store leaves the inline fast path for store_helper ->
 * notdirty_write, which checks the page for translated code to invalidate
 * (self-modifying code). That check brackets tb_invalidate_phys_page_fast
 * with page_collection_lock/unlock, which allocate a GLib tree and its
 * entries and free them again: per store, several mallocs and frees. In
 * perf profiles of the guest workloads that allocation was 35-40 % of all
 * time. The page locks the collection takes are no-ops in Unicorn (it
 * runs one vCPU per engine, under no lock), and on the Arm targets
 * (no TARGET_HAS_PRECISE_SMC) nothing but page_collection_unlock looks at
 * the collection, so the allocation does nothing. Upstream Unicorn made
 * page_collection_lock return NULL and unlock a no-op after 2.0.1
 * (pull requests #1838 and #1970); this file does the same for the
 * packaged 2.0.1 by interposition.
 *
 * How: libunicorn exports page_collection_lock_<arch> and
 * page_collection_unlock_<arch> and calls them through its PLT (checked
 * in the 2.0.1 disassembly: every call site, no direct call), so the
 * definitions below, exported by the executable, are the ones its calls
 * bind to. The dirty-page check itself (tb_invalidate_phys_page_fast,
 * which finds the page's TBs and invalidates those a store overlaps) is
 * untouched, so stores over translated code still invalidate it
 * (tests/unit/test_vcpu.c, self-modifying code).
 *
 * The bypass is limited to the release it was checked against: with any
 * other Unicorn (uc_version() not 2.0.1) every call is forwarded to the
 * library's own function, found with dlsym(RTLD_NEXT), resolved once in a
 * constructor before any thread runs.
 */
#define _GNU_SOURCE
#include "cpu/uc_pagelock.h"

#include <dlfcn.h>
#include <stddef.h>
#include <stdint.h>
#include <unicorn/unicorn.h>

/* QEMU's tb_page_addr_t is a ram_addr_t: uintptr_t on 64-bit hosts. */
typedef void *(*PageLockFunc)(void *uc, uintptr_t start, uintptr_t end);
typedef void (*PageUnlockFunc)(void *set);

/* Library functions to forward to when the bypass is off. Written once
 * by the constructor, read-only afterwards. */
static bool pagelock_bypass;
static PageLockFunc lock_a64, lock_a32;
static PageUnlockFunc unlock_a64, unlock_a32;

static bool unicorn_is_2_0_1(void)
{
    unsigned major = 0, minor = 0;
    unsigned v = uc_version(&major, &minor);
    return major == 2 && minor == 0 && ((v >> 8) & 0xff) == 1;
}

__attribute__((constructor)) static void pagelock_init(void)
{
    pagelock_bypass = unicorn_is_2_0_1();
    if (pagelock_bypass)
        return;
    /* casts through uintptr_t: ISO C has no object-to-function cast */
    lock_a64 = (PageLockFunc)(uintptr_t)dlsym(RTLD_NEXT,
                                              "page_collection_lock_aarch64");
    lock_a32 =
        (PageLockFunc)(uintptr_t)dlsym(RTLD_NEXT, "page_collection_lock_arm");
    unlock_a64 = (PageUnlockFunc)(uintptr_t)dlsym(
        RTLD_NEXT, "page_collection_unlock_aarch64");
    unlock_a32 = (PageUnlockFunc)(uintptr_t)dlsym(RTLD_NEXT,
                                                  "page_collection_unlock_arm");
}

bool vcpu_pagelock_bypassed(void)
{
    return pagelock_bypass;
}

/* The interposed functions: exported under libunicorn's names, so they
 * are declared here only to satisfy -Wmissing-prototypes style checks. */
void *page_collection_lock_aarch64(void *uc, uintptr_t start, uintptr_t end);
void page_collection_unlock_aarch64(void *set);
void *page_collection_lock_arm(void *uc, uintptr_t start, uintptr_t end);
void page_collection_unlock_arm(void *set);

void *page_collection_lock_aarch64(void *uc, uintptr_t start, uintptr_t end)
{
    if (pagelock_bypass || !lock_a64)
        return NULL;
    return lock_a64(uc, start, end);
}

void page_collection_unlock_aarch64(void *set)
{
    if (!pagelock_bypass && unlock_a64 && set)
        unlock_a64(set);
}

void *page_collection_lock_arm(void *uc, uintptr_t start, uintptr_t end)
{
    if (pagelock_bypass || !lock_a32)
        return NULL;
    return lock_a32(uc, start, end);
}

void page_collection_unlock_arm(void *set)
{
    if (!pagelock_bypass && unlock_a32 && set)
        unlock_a32(set);
}
