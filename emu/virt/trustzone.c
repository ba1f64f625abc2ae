/*
 * trustzone.c - the highest domain in the secure world under its own
 * small OS, the others as processes of one normal-world kernel, switched
 * by the EL3 monitor.
 *
 * Mechanisms. A core changes world through the monitor (an SMC and a
 * world switch) whenever it moves between a normal-world vCPU and the
 * secure domain's vCPU. The normal-world kernel schedules (work-conserving
 * round robin); the secure OS runs only on request (no periodic alarm).
 * A platform call is a syscall into the caller's own OS; a service the
 * other world provides (SEND across worlds, a wakelock asked for by the
 * secure domain) is an RPC through the monitor: one SMC and two world
 * switches, and the bytes are copied through shared memory.
 *
 * Keeping the device awake. The secure world has no wakelocks of its own:
 * the secure domain's request is forwarded by RPC to the normal-world
 * driver, which holds a wakelock on its behalf, counted by the normal
 * kernel like any other (the plain Linux rule).
 *
 * The secure display path. The secure domain has no GPU (its gl app draws
 * in software); its frames go from the secure OS's display driver
 * straight to a protected overlay plane of the panel (TZASC-protected
 * memory the normal world cannot map; the panel's display controller
 * composes the plane over the normal world's, with no GPU job), so a
 * secure frame never passes through a normal-world component.
 *
 * Flows. The secure world is protected from the normal world by the
 * hardware; what the secure OS sends out is its trusted applications'
 * business, so no label check is made at the world boundary (as with
 * native, a flow down is not blocked). The TCB is the monitor, the secure
 * OS, and the normal-world kernel only when it separates two or more
 * domains.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/error.h"
#include "virt/virt_common.h"

#define ATF_SRC                                                                \
    "Arm Trusted Firmware docs/perf/psci-performance-juno.rst: fast SMC "      \
    "round trip 520-720 ns on a Juno R1 A57 at 900 MHz, midpoint 620 ns x "    \
    "0.9 GHz (a Juno measurement applied as an estimate)"

static const VirtParam tz_params[] = {
    {"syscall_cycles", 200, "cycles",
     "estimate: null syscall of about 100 ns on a 2 GHz Cortex-A class core "
     "(lmbench lat_syscall magnitude; recalled; re-check)"},
    {"smc_cycles", 558, "cycles", ATF_SRC},
    {"world_switch_cycles", 200, "cycles",
     "estimate: saving and restoring one world's AArch64 context, about 33 "
     "load/store pairs each way (Arm developer documentation, AArch64 "
     "virtualization), cache effects not modelled"},
    {"copy_cycles_per_kib", 256, "cycles/KiB",
     "estimate: memcpy through shared memory at 4 bytes per cycle"},
    {"focus_cycles", 100000, "cycles",
     "estimate: the window manager's focus change and the input "
     "dispatcher's retarget on a user's switch, a few binder transactions "
     "of tens of microseconds at about 2 GHz (binder round-trip magnitude; "
     "recalled; re-check)"},
    {"timeslice_ms", 6, "ms",
     "Linux CFS sysctl_sched_latency default 6 ms (recalled; re-check)"},
};

typedef struct TzState {
    int monitor, normal, secure; /* kernel indexes */
    int secure_domain;           /* the domain in the secure world */
} TzState;

static int tz_build(Machine *m, char *err, size_t err_size)
{
    if (!machine_soc(m)->platform.trustzone)
        return hs_errorf(err, err_size,
                         "approach trustzone: SoC %s has no TrustZone "
                         "(platform.trustzone is false)",
                         machine_soc(m)->name);
    TzState *s = calloc(1, sizeof *s);
    if (!s)
        return hs_errorf(err, err_size, "out of memory");
    machine_set_approach_state(m, s);
    size_t n = machine_domain_count(m);
    s->secure_domain = 0;
    for (size_t d = 1; d < n; d++)
        if (machine_domain_level(m, (int)d) >
            machine_domain_level(m, s->secure_domain))
            s->secure_domain = (int)d;
    s->monitor =
        machine_add_kernel(m, "el3-monitor", VIRT_KERNEL_HYPERVISOR, true);
    /* The normal kernel separates domains only if it holds two or more. */
    s->normal = machine_add_kernel(m, "linux", VIRT_KERNEL_OS, n - 1 >= 2);
    s->secure = machine_add_kernel(m, "secure-os", VIRT_KERNEL_SECURE_OS, true);
    if (s->monitor < 0 || s->normal < 0 || s->secure < 0)
        return hs_errorf(err, err_size, "too many kernels");
    for (size_t d = 0; d < n; d++)
        machine_map_domain(m, (int)d,
                           (int)d == s->secure_domain ? s->secure : s->normal);
    return 0;
}

static void tz_destroy(Machine *m)
{
    free(machine_approach_state(m));
    machine_set_approach_state(m, NULL);
}

static bool is_secure(const Machine *m, int kernel)
{
    return kernel >= 0 &&
           machine_kernel_kind(m, kernel) == VIRT_KERNEL_SECURE_OS;
}

static VirtPick tz_schedule(Machine *m, unsigned core, hs_time now)
{
    hs_time slice = (hs_time)machine_vparam(m, "timeslice_ms") * HS_MS;
    return machine_pick_rr(m, core, now, slice ? slice : 1, NULL, NULL);
}

/* One RPC through the monitor to the other world and back. */
static void rpc(VirtCharge *c)
{
    c->smcs += 1;
    c->world_switches += 2;
}

static void tz_call(Machine *m, int domain, unsigned call,
                    const uint64_t args[4], VirtCharge *c, bool *allowed)
{
    (void)allowed;
    const TzState *s = machine_approach_state(m);
    bool secure = domain == s->secure_domain;
    c->syscalls = 1;
    switch (call) {
    case HS_PC_SEND:
        c->copies_bytes = args[2];
        if (args[0] < machine_domain_count(m) &&
            secure != ((int)args[0] == s->secure_domain))
            rpc(c);
        break;
    case HS_PC_WAKELOCK_ACQUIRE:
    case HS_PC_WAKELOCK_RELEASE:
        if (secure)
            rpc(c); /* the normal-world driver holds it for us */
        break;
    default:
        break;
    }
}

static void tz_mmio(Machine *m, int domain, uint64_t window, bool write,
                    VirtCharge *c, bool *allowed)
{
    (void)m;
    (void)domain;
    (void)window;
    (void)write;
    (void)allowed;
    c->syscalls = 1; /* each world's OS drives its devices */
}

static void tz_switch(Machine *m, int from, int to, VirtCharge *c)
{
    if (is_secure(m, from) != is_secure(m, to)) {
        c->smcs++;
        c->world_switches++;
    }
}

static void tz_deliver(Machine *m, int domain, VirtCharge *c)
{
    (void)m;
    (void)domain;
    (void)c;
}

static size_t tz_io(Machine *m, int domain, VirtIoKind kind, uint64_t bytes,
                    VirtHop *hops)
{
    const TzState *s = machine_approach_state(m);
    size_t n = 0;
    if (kind == VIRT_IO_AUDIO) {
        /* the secure world holds the microphone: a frame for a
         * normal-world domain leaves it by RPC through the monitor and
         * shared memory, then the normal kernel hands it on */
        if (domain != s->secure_domain) {
            hops[n].kernel = s->normal;
            hops[n].component = machine_kernel_name(m, hops[n].kernel);
            hops[n].charge.syscalls = 1;
            hops[n++].charge.copies_bytes = bytes;
        }
        hops[n].kernel = s->secure;
        hops[n].component = machine_kernel_name(m, hops[n].kernel);
        if (domain != s->secure_domain)
            rpc(&hops[n].charge);
        hops[n++].charge.copies_bytes = bytes;
        hops[n].kernel = -1;
        hops[n++].component = virt_io_device(kind);
        return n;
    }
    if (domain == s->secure_domain && kind == VIRT_IO_DISPLAY) {
        /* the secure OS's display driver writes the overlay plane */
        hops[n].kernel = machine_domain_kernel(m, domain);
        hops[n].component = machine_kernel_name(m, hops[n].kernel);
        hops[n].charge.syscalls = 1;
        hops[n++].charge.copies_bytes = bytes;
        hops[n].kernel = -1;
        hops[n++].component = virt_io_device(kind);
        return n;
    }
    if (domain == s->secure_domain) {
        hops[n].kernel = machine_domain_kernel(m, domain);
        hops[n].component = machine_kernel_name(m, hops[n].kernel);
        rpc(&hops[n].charge);
        hops[n++].charge.copies_bytes = bytes;
    }
    /* the normal world's kernel drives the device for both worlds */
    hops[n].kernel = s->normal;
    hops[n].component = machine_kernel_name(m, hops[n].kernel);
    hops[n].charge.syscalls = domain == s->secure_domain ? 0 : 1;
    hops[n++].charge.copies_bytes = bytes;
    hops[n].kernel = -1;
    hops[n++].component = virt_io_device(kind);
    return n;
}

/* The secure world holds the microphone and compares each frame's label
 * with the clearance of the domain it is for. */
static bool tz_mic_check(Machine *m, int domain, VirtMicCheck *out)
{
    (void)domain;
    const TzState *s = machine_approach_state(m);
    memset(out, 0, sizeof *out);
    out->kernel = s->secure;
    out->where = "secure world";
    out->charge.mac_checks = 1;
    return true;
}

static bool tz_flow(const Machine *m, int src_level, int sink_level)
{
    (void)m;
    (void)src_level;
    (void)sink_level;
    return true;
}

/* The normal world's kernel shares the GPU among its domains; the
 * secure world draws in software to a protected overlay (tz_io's secure
 * display path). */
static VirtGpuMode tz_gpu_mode(const Machine *m, int domain)
{
    return is_secure(m, machine_domain_kernel(m, domain))
               ? VIRT_GPU_SECURE_OVERLAY
               : VIRT_GPU_SHARED;
}

/* The normal world's window manager moves focus; a switch into or out
 * of the secure domain also crosses to the secure world, which takes or
 * hands back the display and draws its secure indicator strip (bytes):
 * an SMC with its two world switches, on the domain's core. */
static size_t tz_switch_domain(Machine *m, int from, int to, uint64_t bytes,
                               VirtHop *hops)
{
    const TzState *s = machine_approach_state(m);
    size_t n = 0;
    hops[n].kernel = s->normal;
    hops[n].component = machine_kernel_name(m, s->normal);
    hops[n].charge.syscalls = 2;
    hops[n++].charge.cycles = machine_vparam(m, "focus_cycles");
    if (from == s->secure_domain || to == s->secure_domain) {
        hops[n].kernel = s->secure;
        hops[n].component = machine_kernel_name(m, s->secure);
        rpc(&hops[n].charge);
        hops[n++].charge.copies_bytes = bytes;
    }
    hops[n].kernel = -1;
    hops[n++].component = "panel";
    return n;
}

const ApproachOps virt_trustzone = {
    .id = SCENARIO_APPROACH_TRUSTZONE,
    .built = true,
    .params = tz_params,
    .n_params = sizeof tz_params / sizeof tz_params[0],
    .build = tz_build,
    .destroy = tz_destroy,
    .schedule = tz_schedule,
    .platform_call = tz_call,
    .mmio = tz_mmio,
    .switch_cost = tz_switch,
    .deliver = tz_deliver,
    .io_path = tz_io,
    .mic_check = tz_mic_check,
    .flow_allowed = tz_flow,
    .pmic_policy = &pmic_policy_linux,
    .switch_domain = tz_switch_domain,
    .gpu_mode = tz_gpu_mode,
};
