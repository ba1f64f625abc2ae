/*
 * native.c - the baseline: one OS, every domain a plain process, no
 * policy. Platform calls and device accesses are syscalls into the one
 * kernel; messages are one kernel copy; every wakelock counts (the plain
 * Linux rule); the scheduler is a work-conserving round robin with a
 * CFS-sized slice.
 */
#include "virt/virt_common.h"

static const VirtParam native_params[] = {
    {"syscall_cycles", 200, "cycles",
     "estimate: null syscall of about 100 ns on a 2 GHz Cortex-A class core "
     "(lmbench lat_syscall magnitude; recalled; re-check)"},
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

static int native_build(Machine *m, char *err, size_t err_size)
{
    return virt_one_kernel_build(m, "linux", err, err_size);
}

static VirtPick native_schedule(Machine *m, unsigned core, hs_time now)
{
    hs_time slice = (hs_time)machine_vparam(m, "timeslice_ms") * HS_MS;
    return machine_pick_rr(m, core, now, slice ? slice : 1, NULL, NULL);
}

static void native_call(Machine *m, int domain, unsigned call,
                        const uint64_t args[4], VirtCharge *c, bool *allowed)
{
    (void)m;
    (void)domain;
    (void)allowed;
    c->syscalls = 1;
    if (call == HS_PC_SEND)
        c->copies_bytes = args[2];
}

static void native_mmio(Machine *m, int domain, uint64_t window, bool write,
                        VirtCharge *c, bool *allowed)
{
    (void)m;
    (void)domain;
    (void)window;
    (void)write;
    (void)allowed;
    c->syscalls = 1; /* the kernel's driver does the access */
}

static void native_switch(Machine *m, int from, int to, VirtCharge *c)
{
    (void)m;
    (void)from;
    (void)to;
    (void)c; /* one kernel: a process switch, not priced here */
}

static void native_deliver(Machine *m, int domain, VirtCharge *c)
{
    (void)m;
    (void)domain;
    (void)c;
}

static size_t native_io(Machine *m, int domain, VirtIoKind kind, uint64_t bytes,
                        VirtHop *hops)
{
    return virt_one_kernel_io_path(m, domain, kind, bytes, hops, 0);
}

static bool native_flow(const Machine *m, int src_level, int sink_level)
{
    (void)m;
    (void)src_level;
    (void)sink_level;
    return true;
}

/* One kernel: every domain's apps get contexts on the shared GPU. */
static VirtGpuMode native_gpu_mode(const Machine *m, int domain)
{
    (void)m;
    (void)domain;
    return VIRT_GPU_SHARED;
}

/* One kernel, no policy: the window manager moves focus. */
static size_t native_switch_domain(Machine *m, int from, int to, uint64_t bytes,
                                   VirtHop *hops)
{
    (void)from;
    (void)bytes;
    return virt_one_kernel_switch(m, to, 0, hops);
}

const ApproachOps virt_native = {
    .id = SCENARIO_APPROACH_NATIVE,
    .built = true,
    .params = native_params,
    .n_params = sizeof native_params / sizeof native_params[0],
    .build = native_build,
    .schedule = native_schedule,
    .platform_call = native_call,
    .mmio = native_mmio,
    .switch_cost = native_switch,
    .deliver = native_deliver,
    .io_path = native_io,
    .flow_allowed = native_flow,
    .pmic_policy = &pmic_policy_linux,
    .switch_domain = native_switch_domain,
    .gpu_mode = native_gpu_mode,
};
