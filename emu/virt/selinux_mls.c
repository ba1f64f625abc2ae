/*
 * selinux_mls.c - SE Android with MLS levels in one kernel. Domains are
 * processes labelled with their level; the kernel mediates device access,
 * IPC and wakelocks, and at each mediation point pays one access-vector
 * check and applies Bell-LaPadula (no write down: data labelled L may
 * reach a sink cleared for L or above). Wakelocks are aggregated by the
 * one kernel (the plain Linux rule).
 */
#include "virt/virt_common.h"

static const VirtParam selinux_params[] = {
    {"syscall_cycles", 200, "cycles",
     "estimate: null syscall of about 100 ns on a 2 GHz Cortex-A class core "
     "(lmbench lat_syscall magnitude; recalled; re-check)"},
    {"mac_check_cycles", 300, "cycles",
     "estimate: SELinux avc_has_perm hit in the access vector cache, a few "
     "hundred cycles (recalled; re-check)"},
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

static int selinux_build(Machine *m, char *err, size_t err_size)
{
    return virt_one_kernel_build(m, "linux+selinux-mls", err, err_size);
}

static VirtPick selinux_schedule(Machine *m, unsigned core, hs_time now)
{
    hs_time slice = (hs_time)machine_vparam(m, "timeslice_ms") * HS_MS;
    return machine_pick_rr(m, core, now, slice ? slice : 1, NULL, NULL);
}

static void selinux_call(Machine *m, int domain, unsigned call,
                         const uint64_t args[4], VirtCharge *c, bool *allowed)
{
    (void)m;
    (void)domain;
    (void)allowed;
    c->syscalls = 1;
    switch (call) {
    case HS_PC_SEND: /* IPC: mediated; BLP applied by flow_allowed */
        c->mac_checks = 1;
        c->copies_bytes = args[2];
        break;
    case HS_PC_WAKELOCK_ACQUIRE:
    case HS_PC_WAKELOCK_RELEASE: /* the wake_lock interface is mediated */
        c->mac_checks = 1;
        break;
    default:
        break;
    }
}

static void selinux_mmio(Machine *m, int domain, uint64_t window, bool write,
                         VirtCharge *c, bool *allowed)
{
    (void)m;
    (void)domain;
    (void)window;
    (void)write;
    (void)allowed;
    c->syscalls = 1;
    c->mac_checks = 1; /* device node access is mediated */
}

static void selinux_switch(Machine *m, int from, int to, VirtCharge *c)
{
    (void)m;
    (void)from;
    (void)to;
    (void)c;
}

static void selinux_deliver(Machine *m, int domain, VirtCharge *c)
{
    (void)m;
    (void)domain;
    (void)c;
}

static size_t selinux_io(Machine *m, int domain, VirtIoKind kind,
                         uint64_t bytes, VirtHop *hops)
{
    return virt_one_kernel_io_path(m, domain, kind, bytes, hops, 1);
}

/* Bell-LaPadula *-property at a mediation point: no write down. */
static bool selinux_flow(const Machine *m, int src_level, int sink_level)
{
    (void)m;
    return src_level <= sink_level;
}

/* One kernel: every domain's apps get contexts on the shared GPU (the
 * GPU MMU keeps their address spaces apart). */
static VirtGpuMode selinux_gpu_mode(const Machine *m, int domain)
{
    (void)m;
    (void)domain;
    return VIRT_GPU_SHARED;
}

/* One kernel: the window manager moves focus, and the policy checks the
 * new foreground's access to the input channel and the framebuffer. */
static size_t selinux_switch_domain(Machine *m, int from, int to,
                                    uint64_t bytes, VirtHop *hops)
{
    (void)from;
    (void)bytes;
    return virt_one_kernel_switch(m, to, 2, hops);
}

const ApproachOps virt_selinux_mls = {
    .id = SCENARIO_APPROACH_SELINUX_MLS,
    .built = true,
    .params = selinux_params,
    .n_params = sizeof selinux_params / sizeof selinux_params[0],
    .build = selinux_build,
    .schedule = selinux_schedule,
    .platform_call = selinux_call,
    .mmio = selinux_mmio,
    .switch_cost = selinux_switch,
    .deliver = selinux_deliver,
    .io_path = selinux_io,
    .mic_check = virt_one_kernel_mic_check,
    .flow_allowed = selinux_flow,
    .pmic_policy = &pmic_policy_linux,
    .switch_domain = selinux_switch_domain,
    .gpu_mode = selinux_gpu_mode,
};
