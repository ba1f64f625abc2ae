/*
 * hyp_mils.c - a type-1 separation kernel (MILS): a VM (partition) per
 * domain, a crypto VM per domain above unclassified and net/gfx/storage driver
 * VMs, scheduled by a fixed cyclic table. Each partition owns every core
 * for slice_ms in turn; a major frame of major_frame_ms (0: one slice per
 * partition) repeats forever, any time left after the last slice idle.
 *
 * The separation kernel's slice timer fires at every slice boundary
 * whether the next partition has work or not; at each boundary every
 * core switches partition (a VM switch of hypervisor work) and the timer
 * interrupt is a wakeup event for the PMIC. So the AP may suspend only
 * when the gap between two boundaries is longer than the autosleep delay
 * plus the suspend entry, and it is woken at the next boundary anyway;
 * with the default slices (shorter than the 100 ms autosleep delay of
 * ref-2013) it never suspends. Wakelocks stay inside the partition's own
 * kernel (there is no paravirtual wakelock interface), so they do not
 * count at the PMIC.
 *
 * Flows: partitions share nothing but configured channels; the channel
 * configuration is one-way upward (data labelled L reaches only
 * partitions cleared for L or above).
 */
#include <string.h>

#include "virt/virt_common.h"

#define XEN_SRC                                                                \
    "Dall et al., ISCA 2016, Table 2, Xen ARM, the nearest published ARM "     \
    "type-1 figure, applied to a separation kernel as an estimate "            \
    "(recalled; re-check)"

static const VirtParam mils_params[] = {
    {"syscall_cycles", 200, "cycles",
     "estimate: a guest syscall stays in the partition's kernel; null "
     "syscall magnitude as native"},
    {"hypercall_cycles", 376, "cycles", "hypercall: " XEN_SRC},
    {"mmio_trap_cycles", 1356, "cycles", "interrupt-controller trap: " XEN_SRC},
    {"vm_switch_cycles", 8799, "cycles", "VM switch: " XEN_SRC},
    {"virq_cycles", 71, "cycles", "virtual IRQ completion: " XEN_SRC},
    {"copy_cycles_per_kib", 256, "cycles/KiB",
     "estimate: channel copy at 4 bytes per cycle"},
    {"slice_ms", 10, "ms",
     "estimate: partition window of the order of a 10 ms OS tick; real "
     "separation-kernel tables are configured per system"},
    {"major_frame_ms", 0, "ms",
     "0 = slice_ms x number of partitions (no idle window)"},
    {"gpu_passthrough", 0, "domain",
     "configuration: 0 = none, the gfx VM owns the GPU and every VM draws "
     "in software; N = the GPU is passed through to the VM of the "
     "scenario's N-th domain (1-based) and the others draw in software "
     "('if you need 3D acceleration you have to lock a single VM to a "
     "video card', the design seeds)"},
};

typedef struct MilsState {
    VirtHypLayout layout; /* must stay first (virt_hyp_build) */
    Machine *m;           /* owner */
    SimEvent tick;        /* the slice timer */
    hs_time slice_ps;     /* one window */
    hs_time frame_ps;     /* the major frame */
} MilsState;

static int mils_build(Machine *m, char *err, size_t err_size)
{
    /* every device driver in a partition of its own, storage included
     * (Alves-Foss et al., "The MILS architecture for high-assurance
     * embedded systems", IJES 2006; recalled; re-check) */
    if (virt_hyp_build(m, "separation-kernel", sizeof(MilsState), true, err,
                       err_size) < 0)
        return -1;
    MilsState *s = machine_approach_state(m);
    s->m = m;
    s->slice_ps = (hs_time)machine_vparam(m, "slice_ms") * HS_MS;
    hs_time need = s->slice_ps * s->layout.n_partitions;
    s->frame_ps = (hs_time)machine_vparam(m, "major_frame_ms") * HS_MS;
    if (s->slice_ps == 0) {
        snprintf(err, err_size, "virt.hyp-mils.slice_ms must be > 0");
        return -1;
    }
    if (s->frame_ps == 0)
        s->frame_ps = need;
    uint64_t pass = machine_vparam(m, "gpu_passthrough");
    if (pass > machine_domain_count(m)) {
        snprintf(err, err_size,
                 "virt.hyp-mils.gpu_passthrough: %llu, but the scenario has "
                 "%zu domains (0 = none, 1..%zu = that domain's VM)",
                 (unsigned long long)pass, machine_domain_count(m),
                 machine_domain_count(m));
        return -1;
    }
    if (s->frame_ps < need) {
        snprintf(err, err_size,
                 "virt.hyp-mils.major_frame_ms: %llu ms cannot hold %zu "
                 "slices of %llu ms",
                 (unsigned long long)(s->frame_ps / HS_MS),
                 s->layout.n_partitions,
                 (unsigned long long)(s->slice_ps / HS_MS));
        return -1;
    }
    return 0;
}

/* Partition kernel at t (-1 in the idle window) and the window's end. */
static int mils_window(const MilsState *s, hs_time t, hs_time *end)
{
    hs_time pos = t % s->frame_ps;
    hs_time idx = pos / s->slice_ps;
    if (idx >= s->layout.n_partitions) {
        *end = t - pos + s->frame_ps;
        return -1;
    }
    *end = t - pos + (idx + 1) * s->slice_ps;
    return s->layout.partitions[idx];
}

static void mils_tick(Sim *sim, void *ctx, hs_time now)
{
    MilsState *s = ctx;
    Machine *m = s->m;
    machine_wake(m, now); /* the slice timer interrupt is a wakeup event */
    VirtCharge sw = {.vm_switches = 1};
    hs_time end;
    int part = mils_window(s, now, &end);
    for (unsigned c = 0; c < machine_core_count(m); c++)
        machine_window_switch(m, c, part, &sw);
    machine_kick(m);
    /* Idle boundaries ahead (equal windows only) are booked at once, the
     * same as one by one: the standby day is mostly these. */
    if (s->frame_ps == s->slice_ps * s->layout.n_partitions)
        end += machine_idle_windows(m, end, s->slice_ps, &sw) * s->slice_ps;
    sim_schedule_at(sim, &s->tick, end);
}

static void mils_start(Machine *m)
{
    MilsState *s = machine_approach_state(m);
    sim_event_init(&s->tick, "hyp-mils.slice", mils_tick, s, 1);
    hs_time end;
    mils_window(s, sim_now(machine_sim(m)), &end);
    sim_schedule_at(machine_sim(m), &s->tick, end);
}

static bool in_partition(const Machine *m, int vcpu, const void *ctx)
{
    int kernel = *(const int *)ctx;
    return machine_vcpu_kernel(m, vcpu) == kernel;
}

static VirtPick mils_schedule(Machine *m, unsigned core, hs_time now)
{
    MilsState *s = machine_approach_state(m);
    hs_time end;
    int part = mils_window(s, now, &end);
    VirtPick none = {-1, end};
    if (part < 0)
        return none;
    VirtPick p = machine_pick_rr(m, core, now, end - now, in_partition, &part);
    if (p.vcpu >= 0 && p.until > end)
        p.until = end;
    return p.vcpu >= 0 ? p : none;
}

static void mils_call(Machine *m, int domain, unsigned call,
                      const uint64_t args[4], VirtCharge *c, bool *allowed)
{
    (void)m;
    (void)domain;
    (void)allowed;
    c->syscalls = 1;
    if (call == HS_PC_SEND) { /* a configured inter-partition channel */
        c->hypercalls = 1;
        c->copies_bytes = args[2];
    }
}

/* Whether the GPU is passed through to domain's VM. */
static bool gpu_passed_to(const Machine *m, int domain)
{
    uint64_t pass = machine_vparam(m, "gpu_passthrough");
    return pass && domain >= 0 && (uint64_t)domain == pass - 1;
}

static void mils_mmio(Machine *m, int domain, uint64_t window, bool write,
                      VirtCharge *c, bool *allowed)
{
    (void)write;
    (void)allowed;
    /* a passed-through device's registers are mapped into the VM */
    if (window == HS_MMIO_GPU && gpu_passed_to(m, domain))
        return;
    c->mmio_traps = 1;
}

/* The partition's own switch was paid at the slice boundary. */
static void mils_switch(Machine *m, int from, int to, VirtCharge *c)
{
    (void)m;
    (void)from;
    (void)to;
    (void)c;
}

static void mils_deliver(Machine *m, int domain, VirtCharge *c)
{
    (void)m;
    (void)domain;
    c->virq = 1;
}

static bool mils_flow(const Machine *m, int src_level, int sink_level)
{
    (void)m;
    return src_level <= sink_level;
}

static bool mils_holder_counts(void *ctx, const PmicState *p, int domain)
{
    (void)ctx;
    (void)p;
    return domain == BUS_DOMAIN_HOST;
}

static const PmicPolicy mils_policy = {
    .name = "partition-local",
    .holder_counts = mils_holder_counts,
};

/* The gfx driver VM owns the GPU and composes; the other VMs render in
 * software, unless the GPU is passed through to one of them. */
static VirtGpuMode mils_gpu_mode(const Machine *m, int domain)
{
    return gpu_passed_to(m, domain) ? VIRT_GPU_PASSTHROUGH : VIRT_GPU_OWNER_VM;
}

const ApproachOps virt_hyp_mils = {
    .id = SCENARIO_APPROACH_HYP_MILS,
    .built = true,
    .params = mils_params,
    .n_params = sizeof mils_params / sizeof mils_params[0],
    .build = mils_build,
    .start = mils_start,
    .destroy = virt_hyp_destroy,
    .schedule = mils_schedule,
    .platform_call = mils_call,
    .mmio = mils_mmio,
    .switch_cost = mils_switch,
    .deliver = mils_deliver,
    .io_path = virt_hyp_io_path,
    .mic_check = virt_hyp_mic_check,
    .flow_allowed = mils_flow,
    .pmic_policy = &mils_policy,
    .switch_domain = virt_hyp_switch,
    .gpu_mode = mils_gpu_mode,
};
