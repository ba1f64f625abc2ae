/*
 * containers.c - Cells-style virtual phones in one kernel (Andrus et al.,
 * SOSP 2011): each domain is a virtual phone with its own device
 * namespace; the foreground phone (machine_set_foreground) owns display,
 * GPU and input.
 *
 * Mechanisms. A platform call is a syscall; device access and IPC also
 * pass a device-namespace lookup (counted as a policy check). Virtual
 * phones share no IPC, so a SEND between phones of different levels is
 * refused (the network is their only link). Wakelocks: only the
 * foreground phone's locks count, so a background phone can neither keep
 * the device awake nor stop the foreground one from sleeping (Cells).
 * One kernel, so idle costs one kernel's wake-ups; the kernel is the TCB.
 */

#include "virt/virt_common.h"

static const VirtParam cells_params[] = {
    {"syscall_cycles", 200, "cycles",
     "estimate: null syscall of about 100 ns on a 2 GHz Cortex-A class core "
     "(lmbench lat_syscall magnitude; recalled; re-check)"},
    {"mac_check_cycles", 150, "cycles",
     "estimate: device-namespace lookup on a device access; Cells reports "
     "only 'modest runtime overhead' (Andrus et al., SOSP 2011)"},
    {"copy_cycles_per_kib", 256, "cycles/KiB",
     "estimate: kernel memcpy at 4 bytes per cycle"},
    {"focus_cycles", 100000, "cycles",
     "estimate: the window manager's focus change and the input "
     "dispatcher's retarget on a user's switch, a few binder transactions "
     "of tens of microseconds at about 2 GHz (binder round-trip magnitude; "
     "recalled; re-check)"},
    {"timeslice_ms", 6, "ms",
     "Linux CFS sysctl_sched_latency default 6 ms (recalled; re-check)"},
};

static int cells_build(Machine *m, char *err, size_t err_size)
{
    return virt_one_kernel_build(m, "linux+cells", err, err_size);
}

static VirtPick cells_schedule(Machine *m, unsigned core, hs_time now)
{
    hs_time slice = (hs_time)machine_vparam(m, "timeslice_ms") * HS_MS;
    return machine_pick_rr(m, core, now, slice ? slice : 1, NULL, NULL);
}

static void cells_call(Machine *m, int domain, unsigned call,
                       const uint64_t args[4], VirtCharge *c, bool *allowed)
{
    (void)m;
    (void)domain;
    (void)allowed;
    c->syscalls = 1;
    if (call == HS_PC_SEND) {
        c->mac_checks = 1;
        c->copies_bytes = args[2];
    }
}

static void cells_mmio(Machine *m, int domain, uint64_t window, bool write,
                       VirtCharge *c, bool *allowed)
{
    (void)write;
    c->syscalls = 1;
    c->mac_checks = 1;
    /* Display and GPU (and with the display the touch input it
     * delivers) belong to the foreground phone. */
    if ((window == HS_MMIO_DISPLAY || window == HS_MMIO_GPU) &&
        domain != machine_foreground(m))
        *allowed = false;
}

static void cells_switch(Machine *m, int from, int to, VirtCharge *c)
{
    (void)m;
    (void)from;
    (void)to;
    (void)c;
}

static void cells_deliver(Machine *m, int domain, VirtCharge *c)
{
    (void)m;
    (void)domain;
    (void)c;
}

static size_t cells_io(Machine *m, int domain, VirtIoKind kind, uint64_t bytes,
                       VirtHop *hops)
{
    return virt_one_kernel_io_path(m, domain, kind, bytes, hops, 1);
}

/* The kernel's audio driver hands a frame only to a virtual phone whose
 * device namespace holds the audio device, after comparing the frame's
 * label with the phone's clearance. */
static bool cells_mic_check(Machine *m, int domain, VirtMicCheck *out)
{
    if (!virt_one_kernel_mic_check(m, domain, out))
        return false;
    out->where = "container device namespace";
    return true;
}

/* No IPC between virtual phones: only within one level. */
static bool cells_flow(const Machine *m, int src_level, int sink_level)
{
    (void)m;
    return src_level == sink_level;
}

static bool cells_holder_counts(void *ctx, const PmicState *p, int domain)
{
    (void)p;
    const Machine *m = ctx;
    return domain == BUS_DOMAIN_HOST || domain == machine_foreground(m);
}

static const PmicPolicy cells_policy = {
    .name = "cells-foreground",
    .holder_counts = cells_holder_counts,
};

/* One kernel: the phones' apps get contexts on the shared GPU; the mmio
 * hook keeps the GPU's registers for the foreground phone. */
static VirtGpuMode cells_gpu_mode(const Machine *m, int domain)
{
    (void)m;
    (void)domain;
    return VIRT_GPU_SHARED;
}

/* The foreground phone changes: display, GPU and input move to the new
 * phone's device namespace (a check each), and from then on only its
 * wakelocks count at the PMIC (cells_policy, re-applied by the machine
 * when the foreground changes). */
static size_t cells_switch_domain(Machine *m, int from, int to, uint64_t bytes,
                                  VirtHop *hops)
{
    (void)from;
    (void)bytes;
    return virt_one_kernel_switch(m, to, 3, hops);
}

const ApproachOps virt_containers = {
    .id = SCENARIO_APPROACH_CONTAINERS,
    .built = true,
    .params = cells_params,
    .n_params = sizeof cells_params / sizeof cells_params[0],
    .build = cells_build,
    .schedule = cells_schedule,
    .platform_call = cells_call,
    .mmio = cells_mmio,
    .switch_cost = cells_switch,
    .deliver = cells_deliver,
    .io_path = cells_io,
    .mic_check = cells_mic_check,
    .flow_allowed = cells_flow,
    .pmic_policy = &cells_policy,
    .switch_domain = cells_switch_domain,
    .gpu_mode = cells_gpu_mode,
};
