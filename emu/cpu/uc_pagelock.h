/*
 * uc_pagelock.h - takes Unicorn 2.0.1's page-collection allocation out of
 * every guest store to RAM (see uc_pagelock.c for the mechanism).
 */
#ifndef HS_CPU_UC_PAGELOCK_H
#define HS_CPU_UC_PAGELOCK_H

#include <stdbool.h>

/* True if the loaded Unicorn is the release whose page-collection locks
 * are bypassed (2.0.1); false if its own functions are in use. vcpu_new
 * calls it, which also links the bypass into every program with vCPUs. */
bool vcpu_pagelock_bypassed(void);

#endif /* HS_CPU_UC_PAGELOCK_H */
