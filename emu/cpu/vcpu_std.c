/*
 * vcpu_std.c - the standard platform-call handler for runs with no
 * virtualisation approach (handset guest, tests): serves every HS_PC_*
 * call from the vCPU alone and records what the guest logged.
 */
#include <stdlib.h>
#include <string.h>

#include "cpu/vcpu.h"

/* Longest PUTS accepted in one call; longer ones are guest mistakes. */
#define STD_PUTS_MAX 4096u

void vcpu_std_calls_init(VcpuStdCalls *std)
{
    memset(std, 0, sizeof *std);
}

void vcpu_std_calls_free(VcpuStdCalls *std)
{
    free(std->log);
    free(std->text);
    memset(std, 0, sizeof *std);
}

static int std_log(VcpuStdCalls *std, const VcpuTrap *t)
{
    if (std->log_len == std->log_cap) {
        size_t cap = std->log_cap ? std->log_cap * 2 : 64;
        VcpuLogEntry *n = realloc(std->log, cap * sizeof *n);
        if (!n)
            return -1;
        std->log = n;
        std->log_cap = cap;
    }
    std->log[std->log_len++] =
        (VcpuLogEntry){.tag = t->args[0], .value = t->args[1], .when = t->when};
    return 0;
}

static int std_puts(VcpuStdCalls *std, Vcpu *v, uint64_t addr, uint64_t len)
{
    if (len > STD_PUTS_MAX)
        return -1;
    const char *p = guest_mem_ptr(vcpu_mem(v), addr, len ? len : 1);
    if (!p)
        return -1;
    if (std->text_len + len + 1 > std->text_cap) {
        size_t cap = std->text_cap ? std->text_cap : 256;
        while (cap < std->text_len + len + 1)
            cap *= 2;
        char *n = realloc(std->text, cap);
        if (!n)
            return -1;
        std->text = n;
        std->text_cap = cap;
    }
    memcpy(std->text + std->text_len, p, len);
    std->text_len += len;
    std->text[std->text_len] = '\0';
    if (std->echo)
        fwrite(p, 1, len, std->echo);
    return 0;
}

VcpuTrapAction vcpu_std_trap(void *ctx, Vcpu *v, const VcpuTrap *t,
                             uint64_t *ret)
{
    VcpuStdCalls *std = ctx;
    if (t->call < HS_PC_COUNT)
        std->calls[t->call]++;
    *ret = 0;
    switch (t->call) {
    case HS_PC_EXIT:
        return VCPU_TRAP_EXIT;
    case HS_PC_WAKELOCK_ACQUIRE:
    case HS_PC_WAKELOCK_RELEASE:
        if (t->args[0] >= HS_PMIC_WL_MAX) {
            std->bad_calls++;
            *ret = (uint64_t)(int64_t)HS_EINVAL;
        } else if (t->call == HS_PC_WAKELOCK_ACQUIRE) {
            std->wakelock_acquires++;
        } else {
            std->wakelock_releases++;
        }
        return VCPU_TRAP_CONTINUE;
    case HS_PC_SLEEP_UNTIL:
        std->sleep_until_ns = t->args[0];
        return VCPU_TRAP_BLOCK;
    case HS_PC_YIELD:
    case HS_PC_WAIT_IRQ: /* no device completes here: a yield */
        return VCPU_TRAP_BLOCK;
    case HS_PC_CLOCK:
        *ret = t->when / HS_NS;
        return VCPU_TRAP_CONTINUE;
    case HS_PC_LOG:
        if (std_log(std, t) < 0)
            *ret = (uint64_t)(int64_t)HS_EAGAIN;
        return VCPU_TRAP_CONTINUE;
    case HS_PC_PUTS:
        if (std_puts(std, v, t->args[0], t->args[1]) < 0) {
            std->bad_calls++;
            *ret = (uint64_t)(int64_t)HS_EINVAL;
        }
        return VCPU_TRAP_CONTINUE;
    case HS_PC_SEND: /* no other domain in a standalone run */
    default:
        std->bad_calls++;
        *ret = (uint64_t)(int64_t)HS_EINVAL;
        return VCPU_TRAP_CONTINUE;
    }
}
