/*
 * approach.c - the approach contract's pure helpers (approach.h): names,
 * parameter lookup and the pricing of charges.
 */
#include "machine/approach.h"

#include <string.h>

const char *approach_name(const ApproachOps *ops)
{
    return scenario_approach_names[ops->id];
}

const VirtParam *approach_param(const ApproachOps *ops, const char *key)
{
    for (size_t i = 0; i < ops->n_params; i++)
        if (strcmp(ops->params[i].key, key) == 0)
            return &ops->params[i];
    return NULL;
}

const char *const approach_op_keys[VIRT_OP_COUNT] = {
    [VIRT_OP_SYSCALL] = "syscall_cycles",
    [VIRT_OP_HYPERCALL] = "hypercall_cycles",
    [VIRT_OP_SMC] = "smc_cycles",
    [VIRT_OP_MMIO_TRAP] = "mmio_trap_cycles",
    [VIRT_OP_VM_SWITCH] = "vm_switch_cycles",
    [VIRT_OP_WORLD_SWITCH] = "world_switch_cycles",
    [VIRT_OP_MAC_CHECK] = "mac_check_cycles",
    [VIRT_OP_VIRQ] = "virq_cycles",
    [VIRT_OP_COPY_KIB] = "copy_cycles_per_kib",
};

void approach_price(const uint64_t op_cycles[VIRT_OP_COUNT], VirtCharge *c)
{
    const uint64_t *p = op_cycles;
    /* saturating: a cost parameter may be set to 2^64-1 */
    const uint64_t n[] = {
        [VIRT_OP_SYSCALL] = c->syscalls,
        [VIRT_OP_HYPERCALL] = c->hypercalls,
        [VIRT_OP_SMC] = c->smcs,
        [VIRT_OP_MMIO_TRAP] = c->mmio_traps,
        [VIRT_OP_VM_SWITCH] = c->vm_switches,
        [VIRT_OP_WORLD_SWITCH] = c->world_switches,
        [VIRT_OP_MAC_CHECK] = c->mac_checks,
        [VIRT_OP_VIRQ] = c->virq,
    };
    for (size_t i = 0; i < sizeof n / sizeof n[0]; i++)
        c->cycles = hs_add_sat(c->cycles, hs_mul_sat(n[i], p[i]));
    c->cycles = hs_add_sat(
        c->cycles, hs_muldiv_sat(c->copies_bytes, p[VIRT_OP_COPY_KIB], 1024));
}

const char *virt_gpu_mode_name(VirtGpuMode mode)
{
    static const char *const names[VIRT_GPU_MODE_COUNT] = {
        [VIRT_GPU_SHARED] = "shared",
        [VIRT_GPU_NONE] = "none",
        [VIRT_GPU_OWNER_VM] = "owner-vm",
        [VIRT_GPU_PARAVIRT] = "paravirt",
        [VIRT_GPU_SECURE_OVERLAY] = "secure-overlay",
        [VIRT_GPU_PASSTHROUGH] = "passthrough",
    };
    return mode < VIRT_GPU_MODE_COUNT ? names[mode] : "?";
}
