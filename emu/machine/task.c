/*
 * task.c - the domain kernel's tasks on each vCPU (platform.h, "tasks"):
 * every app handler in progress has its own register context (a
 * VcpuContext: Unicorn's saved CPU state and the handler's lifecycle) and
 * its own stack, and the kernel time-slices the runnable ones.
 *
 * At each dispatch of a vCPU (sched.c) the kernel picks the task to run:
 * the one it holds keeps the vCPU while it is runnable and has time left
 * of its timeslice (machine.timeslice_us); when it has none left, blocks
 * (SLEEP_UNTIL), yields (YIELD) or has nothing to do, the next runnable
 * task in round-robin order gets the vCPU with a fresh slice. A switch
 * saves the held task's context, restores the other's, counts one
 * counts.task_switches and costs machine.task_switch_cycles on the vCPU.
 * While another task is runnable a task's run is cut at the end of its
 * slice (the kernel's tick preempts it), so a task in a long loop or a
 * long sleep no longer holds its domain. A task woken while another runs
 * waits for that one's slice to end or for it to block: no wake-up
 * preemption.
 *
 * A task is runnable when its handler is ready, blocked in YIELD, in a
 * SLEEP_UNTIL whose deadline passed or in a WAIT_IRQ whose device
 * completed (machine_task_irq) or whose deadline passed, or idle with an event
 * queued for it (HS_EVENT_TASK of the event). Everything is decided from the
 * run's state in a fixed order, so runs are deterministic.
 */
#include "machine/machine_int.h"

#include "sim/error.h"

int machine_tasks_init(Machine *m, MachineVcpu *mv, unsigned in_domain,
                       char *err, size_t err_size)
{
    (void)m;
    if ((uint64_t)(in_domain + 1) * HS_TASK_COUNT > HS_STACKS_MAX)
        return hs_errorf(err, err_size,
                         "domain %d: at most %d vCPUs (%d tasks each, %d "
                         "stacks below HS_STACK_TOP)",
                         mv->domain, HS_STACKS_MAX / HS_TASK_COUNT,
                         HS_TASK_COUNT, HS_STACKS_MAX);
    for (unsigned t = 0; t < HS_TASK_COUNT; t++) {
        MachineTask *k = &mv->tasks[t];
        k->mv = mv;
        k->index = t;
        k->stack_top = HS_TASK_STACK(in_domain, t);
        k->ctx = vcpu_context_new(mv->v, err, err_size);
        if (!k->ctx)
            return -1;
        sim_event_init(&k->sleep_ev, "machine.sleep", machine_task_sleep_fire,
                       k, 5);
    }
    mv->task = HS_TASK_EVENTS;
    mv->slice_left = (hs_time)machine_mparam(m, "timeslice_us") * HS_US;
    return 0;
}

void machine_tasks_free(MachineVcpu *mv)
{
    for (unsigned t = 0; t < HS_TASK_COUNT; t++) {
        vcpu_context_free(mv->tasks[t].ctx);
        mv->tasks[t].ctx = NULL;
    }
}

static VcpuState task_state(const MachineVcpu *mv, unsigned t)
{
    if (t == mv->task)
        return vcpu_state(mv->v);
    return mv->tasks[t].ctx ? vcpu_context_state(mv->tasks[t].ctx) : VCPU_IDLE;
}

static bool task_runnable(const Machine *m, const MachineVcpu *mv, unsigned t)
{
    switch (task_state(mv, t)) {
    case VCPU_READY:
        return true;
    case VCPU_BLOCKED:
        return !mv->tasks[t].sleeping && !mv->tasks[t].irq_wait;
    case VCPU_IDLE:
        return m->domains[mv->domain].q_task[t] > 0;
    default:
        return false;
    }
}

bool machine_tasks_runnable(const Machine *m, const MachineVcpu *mv)
{
    VcpuState s = vcpu_state(mv->v);
    if (s == VCPU_DEAD || s == VCPU_EXITED)
        return false;
    for (unsigned t = 0; t < HS_TASK_COUNT; t++)
        if (task_runnable(m, mv, t))
            return true;
    return false;
}

/* The next runnable task after the held one, round robin, or -1. */
static int next_runnable(const Machine *m, const MachineVcpu *mv)
{
    for (unsigned k = 1; k < HS_TASK_COUNT; k++) {
        unsigned t = (mv->task + k) % HS_TASK_COUNT;
        if (task_runnable(m, mv, t))
            return (int)t;
    }
    return -1;
}

/* Saves the held task's context and loads task t's. */
static void task_switch(Machine *m, MachineVcpu *mv, unsigned t)
{
    Vcpu *v = mv->v;
    if (vcpu_context_save(v, mv->tasks[mv->task].ctx) < 0 ||
        vcpu_context_restore(v, mv->tasks[t].ctx) < 0) {
        /* the engine refused: keep the held task (nothing was lost) */
        snprintf(m->error, sizeof m->error, "task switch: %s",
                 vcpu_last_error(v));
        return;
    }
    mv->task = t;
    m->counts.task_switches++;
    uint64_t cycles = machine_mparam(m, "task_switch_cycles");
    vcpu_set_time(v, hs_add_sat(vcpu_local_time(v),
                                cycles_to_ps(cycles, vcpu_freq_khz(v))));
}

hs_time machine_task_select(Machine *m, MachineVcpu *mv)
{
    VcpuState s = vcpu_state(mv->v);
    if (s == VCPU_DEAD || s == VCPU_EXITED)
        return HS_TIME_MAX;
    hs_time slice = (hs_time)machine_mparam(m, "timeslice_us") * HS_US;
    bool cur = task_runnable(m, mv, mv->task);
    int next = next_runnable(m, mv);
    if (next >= 0 && (!cur || mv->slice_left == 0 || mv->yielded)) {
        task_switch(m, mv, (unsigned)next);
        mv->slice_left = slice;
        next = next_runnable(m, mv);
    } else if (mv->slice_left == 0) {
        mv->slice_left = slice; /* alone: a new slice at once */
    }
    mv->yielded = false;
    mv->insns_mark = vcpu_instructions(mv->v);
    return next >= 0 ? mv->slice_left : HS_TIME_MAX;
}

bool machine_task_take_event(Machine *m, MachineVcpu *mv, MachineEvent *ev)
{
    MachineDomain *d = &m->domains[mv->domain];
    if (d->q_task[mv->task] == 0)
        return false;
    for (unsigned i = 0; i < d->q_len; i++) {
        unsigned at = (d->q_head + i) % MACHINE_QUEUE_LEN;
        if ((unsigned)HS_EVENT_TASK(d->q[at].event, d->q[at].a0) != mv->task)
            continue;
        *ev = d->q[at];
        /* close the gap: the events after it move up one place */
        for (unsigned j = i; j + 1 < d->q_len; j++)
            d->q[(d->q_head + j) % MACHINE_QUEUE_LEN] =
                d->q[(d->q_head + j + 1) % MACHINE_QUEUE_LEN];
        d->q_len--;
        d->q_task[mv->task]--;
        return true;
    }
    return false;
}

void machine_task_ran(Machine *m, MachineVcpu *mv, hs_time t0, hs_time end,
                      VcpuRunResult r)
{
    (void)m;
    hs_time ran = end > t0 ? end - t0 : 0;
    mv->slice_left = ran < mv->slice_left ? mv->slice_left - ran : 0;
    MachineTask *k = &mv->tasks[mv->task];
    k->insns += vcpu_instructions(mv->v) - mv->insns_mark;
    mv->insns_mark = vcpu_instructions(mv->v);
    if (r == VCPU_RUN_BLOCKED && k->sleeping)
        sim_schedule_at(m->sim, &k->sleep_ev,
                        k->sleep_until > end ? k->sleep_until : end);
}

void machine_task_sleep(MachineVcpu *mv, hs_time deadline)
{
    MachineTask *k = &mv->tasks[mv->task];
    k->sleeping = true;
    k->sleep_until = deadline;
}

void machine_task_yield(MachineVcpu *mv)
{
    mv->yielded = true;
}

bool machine_task_wait_irq(Machine *m, MachineVcpu *mv, unsigned line,
                           hs_time deadline)
{
    MachineDomain *d = &m->domains[mv->domain];
    uint32_t bit = 1u << line;
    if (d->irq_latched & bit) {
        d->irq_latched &= ~bit;
        return true;
    }
    MachineTask *k = &mv->tasks[mv->task];
    k->irq_wait |= bit;
    if (deadline != HS_TIME_MAX)
        machine_task_sleep(mv, deadline);
    return false;
}

void machine_task_irq(Machine *m, int domain, unsigned line, hs_time now)
{
    if (domain < 0 || (size_t)domain >= m->n_domains || line >= 32)
        return;
    uint32_t bit = 1u << line;
    bool woke = false;
    for (size_t i = 0; i < m->n_vcpus; i++) {
        MachineVcpu *mv = &m->vcpus[i];
        if (mv->domain != domain || mv->kernel >= 0)
            continue;
        for (unsigned t = 0; t < HS_TASK_COUNT; t++) {
            MachineTask *k = &mv->tasks[t];
            if (!(k->irq_wait & bit))
                continue;
            k->irq_wait = 0;
            k->irq_woken = true;
            if (k->sleeping) {
                k->sleeping = false;
                sim_cancel(m->sim, &k->sleep_ev);
            }
            woke = true;
        }
    }
    if (!woke) {
        m->domains[domain].irq_latched |= bit;
        return;
    }
    machine_wake(m, now);
    machine_kick(m);
}

bool machine_task_take_irq(MachineVcpu *mv)
{
    MachineTask *k = &mv->tasks[mv->task];
    bool woken = k->irq_woken;
    k->irq_woken = false;
    return woken;
}

void machine_task_sleep_fire(Sim *sim, void *ctx, hs_time now)
{
    (void)sim;
    MachineTask *k = ctx;
    k->sleeping = false;
    k->irq_wait = 0; /* a WAIT_IRQ's deadline passed */
    machine_wake(k->mv->m, now);
    machine_kick(k->mv->m);
}

uint64_t machine_task_instructions(const Machine *m, int domain, unsigned task)
{
    uint64_t n = 0;
    if (task >= HS_TASK_COUNT)
        return 0;
    for (size_t i = 0; i < m->n_vcpus; i++)
        if (m->vcpus[i].domain == domain)
            n += m->vcpus[i].tasks[task].insns;
    return n;
}
