/*
 * hyp_pv.c - a type-1 hypervisor with paravirtual guests (Xen-like): a
 * VM per domain, a crypto VM per domain above unclassified and net/gfx/storage
 * driver VMs. Work-conserving scheduling: a vCPU with no work blocks (a
 * hypercall) and its core goes to whoever has work, with a credit-style
 * slice. Every device window is trapped and emulated; events reach a VM
 * as virtual interrupts. Wakelocks are forwarded to the hypervisor by
 * hypercall and every VM's lock counts: the AP suspends when no VM holds
 * one. Inter-VM channels are open to every VM (no XSM policy).
 */
#include "virt/virt_common.h"

#define XEN_SRC "Dall et al., ISCA 2016, Table 2, Xen ARM (recalled; re-check)"

static const VirtParam pv_params[] = {
    {"syscall_cycles", 200, "cycles",
     "estimate: a guest syscall stays in the guest kernel (EL0 to EL1, no "
     "trap to EL2); null syscall magnitude as native"},
    {"hypercall_cycles", 376, "cycles", "hypercall: " XEN_SRC},
    {"mmio_trap_cycles", 1356, "cycles", "interrupt-controller trap: " XEN_SRC},
    {"vm_switch_cycles", 8799, "cycles", "VM switch: " XEN_SRC},
    {"virq_cycles", 71, "cycles", "virtual IRQ completion: " XEN_SRC},
    {"copy_cycles_per_kib", 256, "cycles/KiB",
     "estimate: grant copy at 4 bytes per cycle"},
    {"gpu_cmd_cycles", 5000, "cycles",
     "estimate: one virtio-gpu SUBMIT_3D in the gfx VM (virtqueue pop, "
     "context lookup, command-stream header checks) of a few thousand "
     "cycles, the magnitude of a few hypercall round trips above"},
    {"timeslice_ms", 30, "ms",
     "Xen credit scheduler default tslice 30 ms (sched_credit_tslice_ms; "
     "recalled; re-check)"},
};

static int pv_build(Machine *m, char *err, size_t err_size)
{
    /* storage in a driver domain of its own (blkback in a disk driver
     * domain: Xen wiki, "Driver Domain"; recalled; re-check) */
    if (virt_hyp_build(m, "xen", sizeof(VirtHypLayout), true, err, err_size) <
        0)
        return -1;
    /* the credit scheduler is work-conserving across pCPUs: an idle pCPU
     * steals a runnable vCPU from a peer's run queue (csched_load_balance
     * in xen/common/sched/credit.c; recalled; re-check) */
    machine_set_migration(m, true);
    return 0;
}

static VirtPick pv_schedule(Machine *m, unsigned core, hs_time now)
{
    hs_time slice = (hs_time)machine_vparam(m, "timeslice_ms") * HS_MS;
    return machine_pick_rr(m, core, now, slice ? slice : 1, NULL, NULL);
}

static void pv_call(Machine *m, int domain, unsigned call,
                    const uint64_t args[4], VirtCharge *c, bool *allowed)
{
    (void)m;
    (void)domain;
    (void)allowed;
    c->syscalls = 1;
    switch (call) {
    case HS_PC_SEND: /* event channel + grant copy into the other VM */
        c->hypercalls = 1;
        c->copies_bytes = args[2];
        break;
    case HS_PC_WAKELOCK_ACQUIRE:
    case HS_PC_WAKELOCK_RELEASE: /* paravirtual wakelock forwarded */
    case HS_PC_SLEEP_UNTIL:      /* the idle vCPU blocks (SCHEDOP_block) */
    case HS_PC_YIELD:            /* SCHEDOP_yield */
    case HS_PC_WAIT_IRQ:         /* blocks for an event channel */
        c->hypercalls = 1;
        break;
    default:
        break;
    }
}

static void pv_mmio(Machine *m, int domain, uint64_t window, bool write,
                    VirtCharge *c, bool *allowed)
{
    (void)m;
    (void)domain;
    (void)window;
    (void)write;
    (void)allowed;
    c->mmio_traps = 1;
}

static void pv_deliver(Machine *m, int domain, VirtCharge *c)
{
    (void)m;
    (void)domain;
    c->virq = 1;
}

static bool pv_flow(const Machine *m, int src_level, int sink_level)
{
    (void)m;
    (void)src_level;
    (void)sink_level;
    return true;
}

/* Every VM's forwarded lock counts; the host's too. */
static const PmicPolicy pv_policy = {.name = "pv-forwarded"};

/* A paravirtual GPU: each VM's command stream crosses to the gfx VM
 * (VIRT_IO_GPU), which submits it to the shared GPU. */
static VirtGpuMode pv_gpu_mode(const Machine *m, int domain)
{
    (void)m;
    (void)domain;
    return VIRT_GPU_PARAVIRT;
}

const ApproachOps virt_hyp_pv = {
    .id = SCENARIO_APPROACH_HYP_PV,
    .built = true,
    .params = pv_params,
    .n_params = sizeof pv_params / sizeof pv_params[0],
    .build = pv_build,
    .destroy = virt_hyp_destroy,
    .schedule = pv_schedule,
    .platform_call = pv_call,
    .mmio = pv_mmio,
    .switch_cost = virt_hyp_switch_cost,
    .deliver = pv_deliver,
    .io_path = virt_hyp_io_path,
    .mic_check = virt_hyp_mic_check,
    .flow_allowed = pv_flow,
    .pmic_policy = &pv_policy,
    .switch_domain = virt_hyp_switch,
    .gpu_mode = pv_gpu_mode,
};
