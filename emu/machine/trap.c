/*
 * trap.c - the trap bridge: a guest's platform call (HVC) priced and
 * decided by the approach, then served; events queued into domains and
 * delivered at a vCPU's local time (machine.h).
 */
#include "machine/machine_int.h"

int machine_queue_event(Machine *m, int domain, const MachineEvent *ev)
{
    MachineDomain *d = &m->domains[domain];
    if (d->q_len >= MACHINE_QUEUE_LEN) {
        m->counts.events_dropped++;
        return 0;
    }
    d->q[(d->q_head + d->q_len) % MACHINE_QUEUE_LEN] = *ev;
    d->q_len++;
    d->q_task[HS_EVENT_TASK(ev->event, ev->a0)]++;
    return 0;
}

int machine_inject(Machine *m, int domain, uint32_t event, uint64_t a0,
                   uint64_t a1)
{
    if (domain < 0 || (size_t)domain >= m->n_domains)
        return -1;
    hs_time now = sim_now(m->sim);
    MachineEvent ev = {event, a0, a1, now};
    machine_queue_event(m, domain, &ev);
    machine_wake(m, now);
    machine_kick(m);
    return 0;
}

int machine_raise_irq(Machine *m, int domain, uint32_t mask)
{
    return machine_inject(m, domain, HS_EV_IRQ, mask, 0);
}

static void delivery_fire(Sim *sim, void *ctx, hs_time now)
{
    (void)sim;
    MachineDelivery *dl = ctx;
    Machine *m = dl->m;
    machine_queue_event(m, dl->domain, &dl->ev);
    dl->used = false;
    machine_wake(m, now);
    machine_kick(m);
}

/* Delivers an event to domain at time when (a vCPU's local time, possibly
 * ahead of the Sim). */
static int deliver_at(Machine *m, int domain, const MachineEvent *ev,
                      hs_time when)
{
    for (size_t i = 0; i < MACHINE_MAX_DELIVERIES; i++) {
        MachineDelivery *dl = &m->deliveries[i];
        if (dl->used)
            continue;
        dl->used = true;
        dl->m = m;
        dl->domain = domain;
        dl->ev = *ev;
        hs_time now = sim_now(m->sim);
        return sim_call_at(m->sim, when > now ? when : now, "machine.deliver",
                           delivery_fire, dl, 0);
    }
    m->counts.events_dropped++;
    return 0;
}

VcpuTrapAction machine_trap(void *ctx, Vcpu *v, const VcpuTrap *t,
                            uint64_t *ret)
{
    MachineVcpu *mv = ctx;
    Machine *m = mv->m;
    int dom = mv->domain;
    VirtCharge ch = {0};
    bool allowed = true;
    if (t->call >= HS_PC_COUNT || dom < 0) {
        /* a driver/service VM's image makes no platform calls */
        *ret = (uint64_t)(int64_t)HS_EINVAL;
        return VCPU_TRAP_CONTINUE;
    }
    m->ops->platform_call(m, dom, t->call, t->args, &ch, &allowed);
    if (t->call == HS_PC_SEND && allowed) {
        uint64_t dest = t->args[0];
        if (dest < m->n_domains)
            allowed = m->ops->flow_allowed(m, m->domains[dom].level,
                                           m->domains[dest].level);
    }
    machine_charge_vcpu(m, mv, &ch);
    if (!allowed) {
        m->counts.denied++;
        *ret = (uint64_t)(int64_t)HS_EPERM;
        return VCPU_TRAP_CONTINUE;
    }
    hs_time now = vcpu_local_time(v);
    *ret = 0;
    switch (t->call) {
    case HS_PC_EXIT:
        return VCPU_TRAP_EXIT;
    case HS_PC_WAKELOCK_ACQUIRE:
        if (pmic_domain_acquire(&m->pmic, dom, (unsigned)t->args[0], now) < 0)
            *ret = (uint64_t)(int64_t)HS_EINVAL;
        return VCPU_TRAP_CONTINUE;
    case HS_PC_WAKELOCK_RELEASE:
        if (pmic_domain_release(&m->pmic, dom, (unsigned)t->args[0], now) < 0)
            *ret = (uint64_t)(int64_t)HS_EINVAL;
        return VCPU_TRAP_CONTINUE;
    case HS_PC_SLEEP_UNTIL: {
        hs_time deadline = (hs_time)t->args[0] * HS_NS;
        if (deadline <= now)
            return VCPU_TRAP_CONTINUE;
        machine_task_sleep(mv, deadline);
        return VCPU_TRAP_BLOCK;
    }
    case HS_PC_YIELD:
        machine_task_yield(mv);
        return VCPU_TRAP_BLOCK;
    case HS_PC_WAIT_IRQ: {
        /* only lines whose device tells whose command completed */
        if (t->args[0] != HS_IRQ_GPU && t->args[0] != HS_IRQ_STORAGE) {
            *ret = (uint64_t)(int64_t)HS_EINVAL;
            return VCPU_TRAP_CONTINUE;
        }
        hs_time deadline = t->args[1] && t->args[1] < HS_TIME_MAX / HS_NS
                               ? (hs_time)t->args[1] * HS_NS
                               : HS_TIME_MAX;
        if (deadline <= now)
            return VCPU_TRAP_CONTINUE;
        if (machine_task_wait_irq(m, mv, (unsigned)t->args[0], deadline))
            return VCPU_TRAP_CONTINUE;
        return VCPU_TRAP_BLOCK;
    }
    case HS_PC_SEND: {
        uint64_t dest = t->args[0], addr = t->args[1], len = t->args[2];
        if (dest >= m->n_domains || len > HS_IO_SIZE) {
            *ret = (uint64_t)(int64_t)HS_EINVAL;
            return VCPU_TRAP_CONTINUE;
        }
        void *src = guest_mem_ptr(m->domains[dom].mem, addr, len);
        void *dst = guest_mem_ptr(m->domains[dest].mem, HS_IO_BASE, len);
        if (len && (!src || !dst)) {
            *ret = (uint64_t)(int64_t)HS_EINVAL;
            return VCPU_TRAP_CONTINUE;
        }
        if (len)
            memmove(dst, src, len);
        MachineEvent ev = {HS_EV_MESSAGE, (uint64_t)dom, len, now};
        deliver_at(m, (int)dest, &ev, now);
        return VCPU_TRAP_CONTINUE;
    }
    case HS_PC_CLOCK:
        *ret = now / HS_NS;
        return VCPU_TRAP_CONTINUE;
    case HS_PC_LOG:
        if (m->log_fn)
            m->log_fn(m->log_ctx, dom, t->args[0], t->args[1], now);
        return VCPU_TRAP_CONTINUE;
    default: /* PUTS: accepted, nothing kept here */
        return VCPU_TRAP_CONTINUE;
    }
}

int machine_call(Machine *m, int domain, unsigned call, const uint64_t args[4],
                 uint64_t *ret)
{
    if (domain < 0 || (size_t)domain >= m->n_domains ||
        (call != HS_PC_SEND && call != HS_PC_WAKELOCK_ACQUIRE &&
         call != HS_PC_WAKELOCK_RELEASE && call != HS_PC_CLOCK))
        return -1;
    MachineVcpu *mv = NULL;
    for (size_t i = 0; i < m->n_vcpus && !mv; i++)
        if (m->vcpus[i].domain == domain &&
            vcpu_state(m->vcpus[i].v) == VCPU_IDLE)
            mv = &m->vcpus[i];
    if (!mv)
        return -1;
    VcpuTrap t = {.call = call, .when = sim_now(m->sim)};
    memcpy(t.args, args, sizeof t.args);
    vcpu_set_time(mv->v, sim_now(m->sim));
    *ret = (uint64_t)(int64_t)HS_EINVAL;
    machine_trap(mv, mv->v, &t, ret);
    machine_kick(m);
    return 0;
}
