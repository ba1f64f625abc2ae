/*
 * sched.c - the per-core scheduler loop: each core a self-rescheduling
 * event that asks the approach for a vCPU and runs it one quantum; kernel
 * work, the busy lock that keeps the AP awake, wake sources (machine.h).
 */
#include "machine/machine_int.h"

#include "sim/error.h"

void machine_counts_add(Machine *m, const VirtCharge *c)
{
    m->counts.ops.syscalls += c->syscalls;
    m->counts.ops.hypercalls += c->hypercalls;
    m->counts.ops.smcs += c->smcs;
    m->counts.ops.mmio_traps += c->mmio_traps;
    m->counts.ops.vm_switches += c->vm_switches;
    m->counts.ops.world_switches += c->world_switches;
    m->counts.ops.mac_checks += c->mac_checks;
    m->counts.ops.virq += c->virq;
    m->counts.ops.copies_bytes += c->copies_bytes;
}

void machine_note_switch(Machine *m, unsigned core, const char *into,
                         bool window, const VirtCharge *c, hs_time when)
{
    if (!m->switch_fn || (!c->vm_switches && !c->world_switches))
        return;
    VirtCharge only = {.vm_switches = c->vm_switches,
                       .world_switches = c->world_switches};
    approach_price(m->op_cycles, &only);
    MachineCore *mc = &m->cores[core % m->n_cores];
    MachineSwitch s = {
        .core = mc->index,
        .into = into,
        .window = window,
        .vm_switches = c->vm_switches,
        .world_switches = c->world_switches,
        .when = when,
        .dur_ps =
            cycles_to_ps(only.cycles, dvfs_cur_khz(&m->dvfs, mc->cluster)),
    };
    m->switch_fn(m->switch_ctx, &s);
}

/* Prices c, counts it and charges its time to the vCPU (if any). */
void machine_charge_vcpu(Machine *m, MachineVcpu *mv, VirtCharge *c)
{
    approach_price(m->op_cycles, c);
    machine_counts_add(m, c);
    if (mv && mv->kernel < 0)
        machine_label(m, -1, machine_domain_label(m, mv->domain), c);
    if (mv)
        machine_note_switch(m, mv->core,
                            m->kernels[machine_vcpu_kernel_of(m, mv)].name,
                            false, c, vcpu_local_time(mv->v));
    if (mv && c->cycles) {
        Vcpu *v = mv->v;
        vcpu_set_time(v, hs_add_sat(vcpu_local_time(v),
                                    cycles_to_ps(c->cycles, vcpu_freq_khz(v))));
    }
}

/* The vCPU's own code has work: entered or preempted, blocked but not
 * sleeping, or idle with a queued event (a VM's: a queued request). */
static bool guest_runnable(const Machine *m, const MachineVcpu *mv)
{
    if (mv->kernel < 0)
        return machine_tasks_runnable(m, mv);
    switch (vcpu_state(mv->v)) { /* a VM's service vCPU */
    case VCPU_READY:
        return true;
    case VCPU_IDLE:
        return machine_io_pending(m, mv);
    default:
        return false;
    }
}

bool machine_runnable(const Machine *m, int vcpu)
{
    const MachineVcpu *mv = &m->vcpus[vcpu];
    if (machine_io_kernel_pending(m, mv))
        return true; /* kernel work waits for the vCPU's turn */
    return guest_runnable(m, mv);
}

/* Under migration: vCPU i may move to core, which has nothing of its
 * own: it has work, is pinned to another core of the cluster that is in
 * the middle of a quantum of something else, and is not running itself
 * (its local time is not ahead of now). */
static bool stealable(const Machine *m, unsigned core, int i, hs_time now)
{
    const MachineVcpu *mv = &m->vcpus[i];
    const MachineCore *home = &m->cores[mv->core];
    return m->migrate && mv->core != core &&
           home->cluster == m->cores[core].cluster && home->free_at > now &&
           vcpu_local_time(mv->v) <= now && machine_runnable(m, i);
}

static bool core_has_work(const Machine *m, unsigned core)
{
    for (size_t i = 0; i < m->n_vcpus; i++)
        if (m->vcpus[i].core == core && machine_runnable(m, (int)i))
            return true;
    hs_time now = sim_now(m->sim);
    for (size_t i = 0; m->migrate && i < m->n_vcpus; i++)
        if (stealable(m, core, (int)i, now))
            return true;
    return false;
}

/* Holds or lets go of the run lock as busy says. */
static void set_busy(Machine *m, bool busy, hs_time now)
{
    if (busy == m->run_lock)
        return;
    m->run_lock = busy;
    if (busy)
        pmic_host_acquire(&m->pmic, MACHINE_RUN_LOCK, now);
    else
        pmic_host_release(&m->pmic, MACHINE_RUN_LOCK, now);
}

static void update_busy(Machine *m, hs_time now)
{
    bool busy = false;
    for (unsigned c = 0; c < m->n_cores && !busy; c++)
        busy = sim_event_pending(&m->cores[c].dispatch) || core_has_work(m, c);
    set_busy(m, busy, now);
}

void machine_kick(Machine *m)
{
    hs_time now = sim_now(m->sim);
    if (pmic_state(&m->pmic) != HS_PMIC_ST_AWAKE) {
        update_busy(m, now);
        return;
    }
    /* busy as update_busy would find it after the loop: a core is busy
     * when its dispatch is pending, before or from here on (scheduling
     * changes no core's work) */
    bool busy = false;
    for (unsigned c = 0; c < m->n_cores; c++) {
        MachineCore *core = &m->cores[c];
        if (sim_event_pending(&core->dispatch)) {
            busy = true;
            continue;
        }
        if (!core_has_work(m, c))
            continue;
        sim_schedule_at(m->sim, &core->dispatch,
                        core->free_at > now ? core->free_at : now);
        busy = true;
    }
    set_busy(m, busy, now);
}

void machine_wake(Machine *m, hs_time now)
{
    pmic_wake(&m->pmic, now);
}

/* Books kernel cycles on a core now (the AP is awake). */
void machine_book_kernel(Machine *m, MachineCore *core, uint64_t cycles)
{
    hs_time now = sim_now(m->sim);
    hs_time w = cycles_to_ps(cycles, dvfs_cur_khz(&m->dvfs, core->cluster));
    if (w == 0)
        return;
    hs_time start = core->free_at > now ? core->free_at : now;
    int kd = (int)m->n_domains;
    dvfs_core_run(&m->dvfs, core->cluster, core->core_in, kd, start);
    dvfs_core_stop(&m->dvfs, core->cluster, core->core_in,
                   hs_add_sat(start, w));
    core->free_at = hs_add_sat(start, w);
}

void machine_kernel_work(Machine *m, unsigned core, const VirtCharge *c)
{
    machine_window_switch(m, core, -1, c);
}

/* machine_window_switch with the charge already priced. */
static void window_switch_priced(Machine *m, unsigned core, int kernel,
                                 const VirtCharge *ch)
{
    machine_counts_add(m, ch);
    machine_note_switch(m, core, kernel >= 0 ? m->kernels[kernel].name : NULL,
                        kernel >= 0, ch, sim_now(m->sim));
    MachineCore *mc = &m->cores[core % m->n_cores];
    if (pmic_state(&m->pmic) != HS_PMIC_ST_AWAKE)
        mc->deferred = hs_add_sat(mc->deferred, ch->cycles);
    else
        machine_book_kernel(m, mc, ch->cycles);
}

void machine_window_switch(Machine *m, unsigned core, int kernel,
                           const VirtCharge *c)
{
    VirtCharge ch = *c;
    approach_price(m->op_cycles, &ch);
    window_switch_priced(m, core, kernel, &ch);
}

void machine_window_switch_all(Machine *m, int kernel, const VirtCharge *c)
{
    VirtCharge ch = *c;
    approach_price(m->op_cycles, &ch); /* the same price for every core */
    for (unsigned i = 0; i < m->n_cores; i++)
        window_switch_priced(m, i, kernel, &ch);
}

/* Most boundaries one machine_idle_windows call accounts (bounds its
 * replay of the governor when no other event is pending). */
#define IDLE_WINDOWS_MAX ((uint64_t)1 << 24)

uint64_t machine_idle_windows(Machine *m, hs_time first, hs_time period,
                              const VirtCharge *c)
{
    DvfsState *dv = &m->dvfs;
    PmicState *pm = &m->pmic;
    if (period == 0 || first < sim_now(m->sim) || m->switch_fn ||
        sim_observed(m->sim) || (m->meter && power_observer_count(m->meter)) ||
        pmic_state(pm) != HS_PMIC_ST_AWAKE || m->run_lock ||
        pm->policy->may_suspend ||
        (pm->meter && pm->comp >= 0 &&
         !power_integration_additive(pm->meter, pm->comp)))
        return 0;
    /* the autosleep timer, restarted at every boundary, must not fire */
    if (sim_event_pending(&pm->autosleep) &&
        (pm->autosleep.when < first || pm->cfg.autosleep_delay_ps < period))
        return 0;
    /* every core idle and free, each DVFS core exactly one machine core */
    unsigned seen[DVFS_MAX_CLUSTERS] = {0}, n_dvfs = 0;
    for (unsigned i = 0; i < dv->cfg.n_clusters; i++)
        n_dvfs += dv->cfg.clusters[i].n_cores;
    if (n_dvfs != m->n_cores)
        return 0;
    /* no core has work: no vCPU can run (every vCPU's core is one of
     * the machine's, and one that could be stolen can run) */
    for (size_t i = 0; i < m->n_vcpus; i++)
        if (machine_runnable(m, (int)i))
            return 0;
    for (unsigned i = 0; i < m->n_cores; i++) {
        const MachineCore *mc = &m->cores[i];
        if (sim_event_pending(&mc->dispatch) || mc->free_at > first ||
            mc->cluster >= dv->cfg.n_clusters ||
            (seen[mc->cluster] >> mc->core_in & 1))
            return 0;
        seen[mc->cluster] |= 1u << mc->core_in;
    }
    /* the boundaries before any other event, within the run */
    const SimEvent *skip[1 + DVFS_MAX_CLUSTERS] = {&pm->autosleep};
    for (unsigned i = 0; i < dv->cfg.n_clusters; i++)
        skip[1 + i] = &dv->cl[i].tick;
    hs_time next = sim_next_time_except(m->sim, skip, 1 + dv->cfg.n_clusters);
    hs_time limit = sim_run_limit(m->sim);
    if (next <= first || limit < first)
        return 0;
    uint64_t n = (next - 1 - first) / period + 1;
    if ((limit - first) / period + 1 < n)
        n = (limit - first) / period + 1;
    if (n > IDLE_WINDOWS_MAX)
        n = IDLE_WINDOWS_MAX;
    if (n < 2)
        return 0;
    VirtCharge ch = *c;
    approach_price(m->op_cycles, &ch);
    hs_time width[DVFS_MAX_CLUSTERS];
    for (unsigned i = 0; i < dv->cfg.n_clusters; i++)
        width[i] = cycles_to_ps(ch.cycles, dvfs_cur_khz(dv, i));
    if (dvfs_idle_pulses(dv, (int)m->n_domains, first, period, n, width) < 0)
        return 0;
    uint64_t k = n * m->n_cores;
    VirtCharge all = {
        .syscalls = ch.syscalls * k,
        .hypercalls = ch.hypercalls * k,
        .smcs = ch.smcs * k,
        .mmio_traps = ch.mmio_traps * k,
        .vm_switches = ch.vm_switches * k,
        .world_switches = ch.world_switches * k,
        .mac_checks = ch.mac_checks * k,
        .virq = ch.virq * k,
        .copies_bytes = ch.copies_bytes * k,
    };
    machine_counts_add(m, &all);
    hs_time last = first + (n - 1) * period;
    for (unsigned i = 0; i < m->n_cores; i++)
        m->cores[i].free_at = last + width[m->cores[i].cluster];
    pmic_wake(pm, last);
    return n;
}

static void record_fault(Machine *m, MachineVcpu *mv)
{
    const VcpuFault *f = vcpu_fault(mv->v);
    if (!f || mv->faulted)
        return;
    mv->faulted = true;
    if (m->n_faults < MACHINE_MAX_FAULTS)
        m->faults[m->n_faults++] = *f;
}

void machine_core_dispatch(Sim *sim, void *ctx, hs_time now)
{
    (void)sim;
    MachineCore *c = ctx;
    Machine *m = c->m;
    if (pmic_state(&m->pmic) != HS_PMIC_ST_AWAKE) {
        update_busy(m, now);
        return;
    }
    hs_time start = c->free_at > now ? c->free_at : now;
    VirtPick pick = m->ops->schedule(m, c->index, start);
    if (pick.vcpu < 0 || !machine_runnable(m, pick.vcpu)) {
        update_busy(m, now);
        return;
    }
    MachineVcpu *mv = &m->vcpus[pick.vcpu];
    Vcpu *v = mv->v;
    int kernel = machine_vcpu_kernel_of(m, mv);
    /* a VM's own code is the kernel's work: booked to the kernel
     * pseudo-domain */
    int meter_dom = mv->kernel >= 0 ? (int)m->n_domains : mv->domain;
    VirtCharge ch = {0};
    if (c->last_kernel != kernel) {
        m->ops->switch_cost(m, c->last_kernel, kernel, &ch);
        c->last_kernel = kernel;
    }
    if (mv->kernel < 0)
        machine_label(m, kernel, machine_domain_label(m, mv->domain), NULL);
    uint64_t khz = dvfs_cur_khz(&m->dvfs, c->cluster);
    vcpu_set_freq_khz(v, khz);
    vcpu_set_time(v, start);
    if (machine_io_kernel_pending(m, mv)) {
        /* the kernel's work first: it preempts the domain's (or VM's) own
         * code, within the turn the approach gave it */
        machine_charge_vcpu(m, mv, &ch);
        memset(&ch, 0, sizeof ch);
        hs_time t =
            machine_io_kernel_run(m, c, mv, vcpu_local_time(v), pick.until);
        vcpu_set_time(v, t);
        if (t >= pick.until || !guest_runnable(m, mv)) {
            hs_time end = t > start ? t : start + 1;
            c->free_at = end;
            sim_schedule_at(m->sim, &c->dispatch, end);
            update_busy(m, now);
            return;
        }
        start = t;
    }
    dvfs_core_run(&m->dvfs, c->cluster, c->core_in, meter_dom, start);
    hs_time task_slice =
        mv->kernel >= 0 ? HS_TIME_MAX : machine_task_select(m, mv);
    m->current = mv;
    MachineEvent ev;
    if (vcpu_state(v) == VCPU_IDLE && mv->kernel >= 0) {
        machine_charge_vcpu(m, mv, &ch);
        machine_io_vm_enter(m, mv);
    } else if (vcpu_state(v) == VCPU_IDLE &&
               machine_task_take_event(m, mv, &ev)) {
        m->ops->deliver(m, mv->domain, &ch);
        machine_charge_vcpu(m, mv, &ch);
        vcpu_enter(v, ev.event, ev.a0, ev.a1);
        vcpu_set_reg(v, VCPU_REG_SP, mv->tasks[mv->task].stack_top);
        if (m->lat_fn)
            m->lat_fn(m->lat_ctx, mv->domain, ev.event, ev.injected,
                      vcpu_local_time(v));
    } else {
        /* a task woken by its device's completion IRQ: delivered to it */
        if (mv->kernel < 0 && machine_task_take_irq(mv))
            m->ops->deliver(m, mv->domain, &ch);
        machine_charge_vcpu(m, mv, &ch);
    }
    hs_time t0 = vcpu_local_time(v);
    hs_time limit = pick.until > t0 ? pick.until - t0 : 1;
    hs_time span = machine_quantum_ps(m);
    if (limit < span)
        span = limit;
    if (task_slice < span) /* another task waits for this slice's end */
        span = task_slice > 0 ? task_slice : 1;
    const VcpuCoreType *ct = vcpu_core(v);
    unsigned __int128 ins =
        (unsigned __int128)span * khz / (1000000u * (uint64_t)ct->cpi_milli);
    uint64_t budget = ins > 0 ? (uint64_t)ins : 1;
    VcpuRunResult r = vcpu_run(v, budget);
    m->current = NULL;
    hs_time end = vcpu_local_time(v);
    if (end <= start)
        end = start + 1;
    dvfs_core_stop(&m->dvfs, c->cluster, c->core_in, end);
    if (m->run_fn)
        m->run_fn(m->run_ctx, c->index, pick.vcpu, meter_dom, start, end);
    c->free_at = end;
    m->counts.dispatches++;
    if (mv->kernel >= 0 && r != VCPU_RUN_PREEMPTED) {
        /* a VM's request is over: done, or the VM died in it */
        if (r == VCPU_RUN_FAULT)
            record_fault(m, mv);
        machine_io_vm_done(m, mv, r == VCPU_RUN_DONE, end);
        sim_schedule_at(m->sim, &c->dispatch, end);
        update_busy(m, now);
        return;
    }
    if (mv->kernel < 0)
        machine_task_ran(m, mv, t0, end, r);
    if (r == VCPU_RUN_FAULT)
        record_fault(m, mv);
    sim_schedule_at(m->sim, &c->dispatch, end);
    update_busy(m, now);
}

void machine_kernel_wake_fire(Sim *sim, void *ctx, hs_time now)
{
    MachineKernel *k = ctx;
    Machine *m = k->m;
    m->counts.kernel_wakes++;
    machine_wake(m, now);
    /* a VM's or a domain's own kernel: its work in its own turn */
    if (machine_io_housekeeping(m, k->index,
                                machine_mparam(m, "kernel_wake_cycles")) == 0) {
        machine_kick(m);
        hs_time period = (hs_time)machine_mparam(m, "kernel_wake_ms") * HS_MS;
        if (period > 0)
            sim_schedule_in(sim, &k->wake, period);
        return;
    }
    MachineCore *core = &m->cores[(unsigned)k->index % m->n_cores];
    VirtCharge ch = {0};
    if (core->last_kernel != k->index) {
        m->ops->switch_cost(m, core->last_kernel, k->index, &ch);
        core->last_kernel = k->index;
    }
    ch.cycles = 0;
    approach_price(m->op_cycles, &ch);
    ch.cycles += machine_mparam(m, "kernel_wake_cycles");
    machine_counts_add(m, &ch);
    machine_note_switch(m, core->index, k->name, false, &ch, now);
    if (pmic_state(&m->pmic) != HS_PMIC_ST_AWAKE)
        core->deferred += ch.cycles;
    else
        machine_book_kernel(m, core, ch.cycles);
    hs_time period = (hs_time)machine_mparam(m, "kernel_wake_ms") * HS_MS;
    if (period > 0)
        sim_schedule_in(sim, &k->wake, period);
}

void machine_pmic_changed(void *ctx, int old_state, int new_state, hs_time when)
{
    (void)old_state;
    (void)when;
    Machine *m = ctx;
    if (new_state != HS_PMIC_ST_AWAKE)
        return;
    for (unsigned c = 0; c < m->n_cores; c++) {
        MachineCore *core = &m->cores[c];
        if (core->deferred) {
            uint64_t cy = core->deferred;
            core->deferred = 0;
            machine_book_kernel(m, core, cy);
        }
    }
    machine_kick(m);
}

/* Gives core c's next slice, to end, to vCPU i. */
static VirtPick start_slice(MachineCore *c, int i, hs_time end)
{
    c->rr = i;
    c->slice_vcpu = i;
    c->slice_end = end;
    return (VirtPick){i, end};
}

VirtPick machine_pick_rr(Machine *m, unsigned core, hs_time now,
                         hs_time slice_ps,
                         bool (*keep)(const Machine *, int, const void *),
                         const void *ctx)
{
    MachineCore *c = &m->cores[core];
    VirtPick p = {-1, HS_TIME_MAX};
    /* The slice holder keeps the core while it has work and time. */
    if (c->slice_vcpu >= 0 && now < c->slice_end &&
        m->vcpus[c->slice_vcpu].core == core &&
        machine_runnable(m, c->slice_vcpu) &&
        (!keep || keep(m, c->slice_vcpu, ctx))) {
        p.vcpu = c->slice_vcpu;
        p.until = c->slice_end;
        return p;
    }
    size_t n = m->n_vcpus;
    for (size_t k = 1; k <= n; k++) {
        int i = (int)(((size_t)c->rr + k) % n);
        if (m->vcpus[i].core != core || !machine_runnable(m, i) ||
            (keep && !keep(m, i, ctx)))
            continue;
        return start_slice(c, i, now + slice_ps);
    }
    /* nothing of its own: take a waiting vCPU from a busy core */
    for (size_t k = 1; m->migrate && k <= n; k++) {
        int i = (int)(((size_t)c->rr + k) % n);
        if (!stealable(m, core, i, now) || (keep && !keep(m, i, ctx)))
            continue;
        m->vcpus[i].core = core;
        m->counts.migrations++;
        return start_slice(c, i, now + slice_ps);
    }
    return p;
}

int machine_run_until(Machine *m, hs_time t)
{
    if (t < sim_now(m->sim)) {
        hs_errorf(m->error, sizeof m->error,
                  "machine_run_until: %" PRIu64 " ps is in the past", t);
        return -1;
    }
    sim_run_until(m->sim, t);
    return 0;
}
