/*
 * machine.c - one run's machine: devices, cores, domains, kernels and the
 * execution loop that lets the approach's mechanisms decide what runs,
 * what it costs and when the AP sleeps (see machine.h).
 */
#include "virt/machine.h"
#include "sim/text.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/elf_load.h"
#include "scenario/socmap.h"
#include "sim/error.h"
#include "soc_models/devices/intc.h"
#include "soc_models/devices/timer.h"

#define MACHINE_MAX_FAULTS 32
#define MACHINE_MAX_DELIVERIES 256
#define MACHINE_PARAM_KEY 96
#define MACHINE_MAX_PARAMS 48
#define MACHINE_RUN_LOCK "machine.run"
#define MACHINE_MAX_DEVICES 16 /* the machine's four and attached ones */

/* The machine's own parameters ("machine.<key>"). */
static const VirtParam machine_params[] = {
    {"quantum_us", 1000, "us",
     "estimate: bounds how late an event arriving during a running quantum "
     "is seen (DESIGN.md 4: the quantum is a scenario setting)"},
    {"kernel_wake_ms", 60000, "ms",
     "estimate: periodic wake-up alarm of one idle OS instance (alarms, "
     "housekeeping timers that NO_HZ idle and autosleep still honour); "
     "re-check against a wakeup-source trace of an idle phone"},
    {"kernel_wake_cycles", 200000, "cycles",
     "estimate: housekeeping work done per wake-up (timer softirqs, "
     "workqueues); re-check against a wakeup trace"},
};
#define N_MACHINE_PARAMS (sizeof machine_params / sizeof machine_params[0])

const VirtParam *machine_params_table(size_t *n)
{
    *n = N_MACHINE_PARAMS;
    return machine_params;
}

typedef struct MachineParam {
    char key[MACHINE_PARAM_KEY]; /* full key */
    uint64_t value;              /* run's value */
    const VirtParam *def;        /* default, unit and source */
} MachineParam;

typedef struct MachineKernel {
    char name[48];       /* "xen", "net-vm", "linux" */
    VirtKernelKind kind; /* what it is */
    bool trusted;        /* in the TCB */
    SimEvent wake;       /* housekeeping alarm (OS-type kernels) */
    Machine *m;          /* owner */
    int index;           /* in the machine */
} MachineKernel;

typedef struct MachineEvent {
    uint32_t event;   /* HS_EV_* */
    uint64_t a0, a1;  /* arguments */
    hs_time injected; /* when it was raised */
} MachineEvent;

typedef struct MachineDomain {
    char name[32];
    int level;
    unsigned n_vcpus;
    int kernel;    /* kernel the domain runs in */
    GuestMem *mem; /* its memory */
    MachineEvent q[MACHINE_QUEUE_LEN];
    unsigned q_head, q_len;
} MachineDomain;

typedef struct MachineVcpu {
    Machine *m;
    Vcpu *v;
    int index;           /* machine-wide index */
    int domain;          /* its domain */
    unsigned core;       /* the core it is pinned to */
    bool sleeping;       /* blocked in SLEEP_UNTIL until sleep_until */
    hs_time sleep_until; /* deadline */
    SimEvent sleep_ev;   /* fires at the deadline */
    bool faulted;        /* fault recorded */
} MachineVcpu;

typedef struct MachineCore {
    Machine *m;
    unsigned index;    /* machine core index */
    unsigned cluster;  /* DVFS cluster */
    unsigned core_in;  /* core within the cluster */
    SimEvent dispatch; /* the core's next scheduling decision */
    hs_time free_at;   /* busy until (kernel work or a quantum) */
    int last_kernel;   /* kernel whose context the core holds */
    int rr;            /* round-robin position */
    int slice_vcpu;    /* vCPU holding the current slice */
    hs_time slice_end; /* end of its slice */
    uint64_t deferred; /* kernel cycles waiting for the AP to wake */
} MachineCore;

typedef struct MachineProxy {
    Device dev;     /* base: must stay first */
    Machine *m;     /* owner */
    Device *target; /* the real device */
} MachineProxy;

typedef struct MachineDelivery {
    Machine *m;
    bool used;
    int domain;
    MachineEvent ev;
} MachineDelivery;

struct Machine {
    const ApproachOps *ops;
    void *approach_state;
    const SocModel *soc;
    Sim *sim;
    PowerMeter *meter;
    Bus bus;
    TimerState timer;
    IntcState intc;
    PmicState pmic;
    DvfsState dvfs;
    MachineProxy proxies[MACHINE_MAX_DEVICES];
    size_t n_proxies;
    VcpuCoreType core_types[SOC_MAX_CLUSTERS];
    MachineCore cores[MACHINE_MAX_CORES];
    unsigned n_cores;
    MachineDomain domains[MACHINE_MAX_DOMAINS];
    size_t n_domains;
    MachineKernel kernels[MACHINE_MAX_KERNELS];
    size_t n_kernels;
    MachineVcpu vcpus[MACHINE_MAX_VCPUS];
    size_t n_vcpus;
    ElfImage image;
    bool image_loaded;
    GuestShm *shm;
    MachineParam params[MACHINE_MAX_PARAMS];
    size_t n_params;
    MachineCounts counts;
    VcpuFault faults[MACHINE_MAX_FAULTS];
    size_t n_faults;
    MachineDelivery deliveries[MACHINE_MAX_DELIVERIES];
    MachineLatencyFunc lat_fn;
    void *lat_ctx;
    MachineLogFunc log_fn;
    void *log_ctx;
    MachineRunFunc run_fn;
    void *run_ctx;
    MachineSwitchFunc switch_fn; /* VM/world switch observer */
    void *switch_ctx;
    int foreground;                    /* the domain the user sees */
    uint64_t op_cycles[VIRT_OP_COUNT]; /* priced operations */
    hs_time quantum_ps;                /* machine.quantum_us */
    MachineVcpu *current;              /* the vCPU inside vcpu_run, if any */
    bool run_lock;                     /* MACHINE_RUN_LOCK held */
    bool started;
    char error[256];
};

/* ---- small helpers ---------------------------------------------------- */

static hs_time cycles_to_ps(uint64_t cycles, uint64_t khz)
{
    return hs_muldiv_sat(cycles, 1000000000u, khz);
}

static MachineParam *param_find(Machine *m, const char *key)
{
    for (size_t i = 0; i < m->n_params; i++)
        if (strcmp(m->params[i].key, key) == 0)
            return &m->params[i];
    return NULL;
}

static const MachineParam *param_find_c(const Machine *m, const char *key)
{
    return param_find((Machine *)m, key);
}

static int param_add(Machine *m, const char *prefix, const VirtParam *def)
{
    if (m->n_params >= MACHINE_MAX_PARAMS)
        return -1;
    MachineParam *p = &m->params[m->n_params++];
    snprintf(p->key, sizeof p->key, "%s.%s", prefix, def->key);
    p->value = def->value;
    p->def = def;
    return 0;
}

/* Applies one "key=value". Keys of another known approach are accepted
 * and ignored (a scenario's set applies to every approach it runs). */
static int param_set(Machine *m, const char *kv, char *err, size_t err_size)
{
    const char *eq = strchr(kv, '=');
    if (!eq || eq == kv)
        return hs_errorf(err, err_size, "--set '%s': expected KEY=VALUE", kv);
    char key[MACHINE_PARAM_KEY];
    size_t klen = (size_t)(eq - kv);
    if (klen >= sizeof key)
        return hs_errorf(err, err_size, "--set '%s': key too long", kv);
    memcpy(key, kv, klen);
    key[klen] = '\0';
    uint64_t v;
    if (approach_parse_value(key, eq + 1, &v, err, err_size) < 0)
        return -1;
    MachineParam *p = param_find(m, key);
    if (p) {
        p->value = v;
        return 0;
    }
    /* Another approach's key: check it exists there, then ignore it. */
    if (strncmp(key, "virt.", 5) == 0) {
        const char *rest = key + 5;
        const char *dot = strchr(rest, '.');
        for (size_t i = 0; dot && i < approach_count(); i++) {
            const ApproachOps *o = approach_at(i);
            size_t nl = strlen(o->name);
            if (nl == (size_t)(dot - rest) && strncmp(rest, o->name, nl) == 0 &&
                o != m->ops && approach_param(o, dot + 1))
                return 0;
        }
    }
    const char *best = NULL;
    size_t best_d = 4;
    for (size_t i = 0; i < m->n_params; i++) {
        size_t d = hs_edit_distance(key, m->params[i].key);
        if (d < best_d) {
            best_d = d;
            best = m->params[i].key;
        }
    }
    if (best)
        return hs_errorf(err, err_size,
                         "--set %s: unknown key (did you mean \"%s\"?)", key,
                         best);
    return hs_errorf(err, err_size,
                     "--set %s: unknown key (keys are machine.* and "
                     "virt.%s.*)",
                     key, m->ops->name);
}

/* A machine parameter by its key without "machine.". */
static uint64_t mparam(const Machine *m, const char *key)
{
    char full[MACHINE_PARAM_KEY];
    snprintf(full, sizeof full, "machine.%s", key);
    const MachineParam *p = param_find_c(m, full);
    return p ? p->value : 0;
}

/* ---- charges ---------------------------------------------------------- */

static void counts_add(Machine *m, const VirtCharge *c)
{
    m->counts.syscalls += c->syscalls;
    m->counts.hypercalls += c->hypercalls;
    m->counts.smcs += c->smcs;
    m->counts.mmio_traps += c->mmio_traps;
    m->counts.vm_switches += c->vm_switches;
    m->counts.world_switches += c->world_switches;
    m->counts.mac_checks += c->mac_checks;
    m->counts.virq += c->virq;
    m->counts.copies_bytes += c->copies_bytes;
}

/* Tells the switch observer about c's switches on core into kernel
 * (-1: the hypervisor itself), priced alone at the core's frequency. */
static void note_switch(Machine *m, unsigned core, const char *into,
                        bool window, const VirtCharge *c, hs_time when)
{
    if (!m->switch_fn || (!c->vm_switches && !c->world_switches))
        return;
    VirtCharge only = {.vm_switches = c->vm_switches,
                       .world_switches = c->world_switches};
    virt_charge_price(m, &only);
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
static void charge_vcpu(Machine *m, MachineVcpu *mv, VirtCharge *c)
{
    virt_charge_price(m, c);
    counts_add(m, c);
    if (mv)
        note_switch(m, mv->core, m->kernels[m->domains[mv->domain].kernel].name,
                    false, c, vcpu_local_time(mv->v));
    if (mv && c->cycles) {
        Vcpu *v = mv->v;
        vcpu_set_time(v, hs_add_sat(vcpu_local_time(v),
                                    cycles_to_ps(c->cycles, vcpu_freq_khz(v))));
    }
}

/* ---- busy lock, kicks --------------------------------------------------- */

bool machine_runnable(const Machine *m, int vcpu)
{
    const MachineVcpu *mv = &m->vcpus[vcpu];
    switch (vcpu_state(mv->v)) {
    case VCPU_READY:
        return true;
    case VCPU_BLOCKED:
        return !mv->sleeping;
    case VCPU_IDLE:
        return m->domains[mv->domain].q_len > 0;
    default:
        return false;
    }
}

static bool core_has_work(const Machine *m, unsigned core)
{
    for (size_t i = 0; i < m->n_vcpus; i++)
        if (m->vcpus[i].core == core && machine_runnable(m, (int)i))
            return true;
    return false;
}

static void update_busy(Machine *m, hs_time now)
{
    bool busy = false;
    for (unsigned c = 0; c < m->n_cores && !busy; c++)
        busy = sim_event_pending(&m->cores[c].dispatch) || core_has_work(m, c);
    if (busy == m->run_lock)
        return;
    m->run_lock = busy;
    if (busy)
        pmic_host_acquire(&m->pmic, MACHINE_RUN_LOCK, now);
    else
        pmic_host_release(&m->pmic, MACHINE_RUN_LOCK, now);
}

void machine_kick(Machine *m)
{
    hs_time now = sim_now(m->sim);
    if (pmic_state(&m->pmic) == HS_PMIC_ST_AWAKE) {
        for (unsigned c = 0; c < m->n_cores; c++) {
            MachineCore *core = &m->cores[c];
            if (sim_event_pending(&core->dispatch) || !core_has_work(m, c))
                continue;
            sim_schedule_at(m->sim, &core->dispatch,
                            core->free_at > now ? core->free_at : now);
        }
    }
    update_busy(m, now);
}

void machine_wake(Machine *m, hs_time now)
{
    pmic_wake(&m->pmic, now);
}

/* Books kernel cycles on a core now (the AP is awake). */
static void book_kernel(Machine *m, MachineCore *core, uint64_t cycles)
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

void machine_window_switch(Machine *m, unsigned core, int kernel,
                           const VirtCharge *c)
{
    VirtCharge ch = *c;
    virt_charge_price(m, &ch);
    counts_add(m, &ch);
    note_switch(m, core, kernel >= 0 ? m->kernels[kernel].name : NULL,
                kernel >= 0, &ch, sim_now(m->sim));
    MachineCore *mc = &m->cores[core % m->n_cores];
    if (pmic_state(&m->pmic) != HS_PMIC_ST_AWAKE)
        mc->deferred = hs_add_sat(mc->deferred, ch.cycles);
    else
        book_kernel(m, mc, ch.cycles);
}

/* ---- events into domains ------------------------------------------------ */

static int queue_event(Machine *m, int domain, const MachineEvent *ev)
{
    MachineDomain *d = &m->domains[domain];
    if (d->q_len >= MACHINE_QUEUE_LEN) {
        m->counts.events_dropped++;
        return 0;
    }
    d->q[(d->q_head + d->q_len) % MACHINE_QUEUE_LEN] = *ev;
    d->q_len++;
    return 0;
}

int machine_inject(Machine *m, int domain, uint32_t event, uint64_t a0,
                   uint64_t a1)
{
    if (domain < 0 || (size_t)domain >= m->n_domains)
        return -1;
    hs_time now = sim_now(m->sim);
    MachineEvent ev = {event, a0, a1, now};
    queue_event(m, domain, &ev);
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
    queue_event(m, dl->domain, &dl->ev);
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

/* ---- platform calls ----------------------------------------------------- */

static VcpuTrapAction machine_trap(void *ctx, Vcpu *v, const VcpuTrap *t,
                                   uint64_t *ret)
{
    MachineVcpu *mv = ctx;
    Machine *m = mv->m;
    int dom = mv->domain;
    VirtCharge ch = {0};
    bool allowed = true;
    if (t->call >= HS_PC_COUNT) {
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
    charge_vcpu(m, mv, &ch);
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
        mv->sleeping = true;
        mv->sleep_until = deadline;
        return VCPU_TRAP_BLOCK;
    }
    case HS_PC_YIELD:
        return VCPU_TRAP_BLOCK;
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

/* ---- MMIO through the approach ------------------------------------------ */

static uint64_t proxy_read(Device *dev, uint64_t off, unsigned size,
                           const BusAccess *acc)
{
    MachineProxy *p = (MachineProxy *)dev;
    Machine *m = p->m;
    VirtCharge ch = {0};
    bool ok = true;
    if (acc->domain >= 0)
        m->ops->mmio(m, acc->domain, p->target->name, false, &ch, &ok);
    charge_vcpu(m, m->current, &ch);
    if (!ok) {
        m->counts.denied++;
        return 0;
    }
    return p->target->ops->read(p->target, off, size, acc);
}

static void proxy_write(Device *dev, uint64_t off, uint64_t value,
                        unsigned size, const BusAccess *acc)
{
    MachineProxy *p = (MachineProxy *)dev;
    Machine *m = p->m;
    VirtCharge ch = {0};
    bool ok = true;
    if (acc->domain >= 0)
        m->ops->mmio(m, acc->domain, p->target->name, true, &ch, &ok);
    charge_vcpu(m, m->current, &ch);
    if (!ok) {
        m->counts.denied++;
        return;
    }
    p->target->ops->write(p->target, off, value, size, acc);
}

static const DeviceOps proxy_ops = {
    .type = "approach-mmio",
    .read = proxy_read,
    .write = proxy_write,
};

static int map_proxy(Machine *m, Device *target, uint64_t base)
{
    if (m->n_proxies >= MACHINE_MAX_DEVICES)
        return -1;
    MachineProxy *p = &m->proxies[m->n_proxies++];
    device_init(&p->dev, &proxy_ops, target->name);
    p->m = m;
    p->target = target;
    return bus_map(&m->bus, &p->dev, base, HS_MMIO_WINDOW);
}

int machine_attach_device(Machine *m, Device *dev, uint64_t base)
{
    if (map_proxy(m, dev, base) < 0)
        return -1;
    /* the vCPUs were made before this window existed: map it for them */
    char err[160];
    for (size_t i = 0; i < m->n_vcpus; i++)
        if (vcpu_map_bus(m->vcpus[i].v, err, sizeof err) < 0)
            return -1;
    return 0;
}

/* ---- the execution loop ------------------------------------------------- */

static void record_fault(Machine *m, MachineVcpu *mv)
{
    const VcpuFault *f = vcpu_fault(mv->v);
    if (!f || mv->faulted)
        return;
    mv->faulted = true;
    if (m->n_faults < MACHINE_MAX_FAULTS)
        m->faults[m->n_faults++] = *f;
}

static void core_dispatch(Sim *sim, void *ctx, hs_time now)
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
    int kernel = m->domains[mv->domain].kernel;
    VirtCharge ch = {0};
    if (c->last_kernel != kernel) {
        m->ops->switch_cost(m, c->last_kernel, kernel, &ch);
        c->last_kernel = kernel;
    }
    uint64_t khz = dvfs_cur_khz(&m->dvfs, c->cluster);
    vcpu_set_freq_khz(v, khz);
    vcpu_set_time(v, start);
    dvfs_core_run(&m->dvfs, c->cluster, c->core_in, mv->domain, start);
    m->current = mv;
    if (vcpu_state(v) == VCPU_IDLE) {
        MachineDomain *d = &m->domains[mv->domain];
        MachineEvent ev = d->q[d->q_head];
        d->q_head = (d->q_head + 1) % MACHINE_QUEUE_LEN;
        d->q_len--;
        m->ops->deliver(m, mv->domain, &ch);
        charge_vcpu(m, mv, &ch);
        vcpu_enter(v, ev.event, ev.a0, ev.a1);
        if (m->lat_fn)
            m->lat_fn(m->lat_ctx, mv->domain, ev.event, ev.injected,
                      vcpu_local_time(v));
    } else {
        charge_vcpu(m, mv, &ch);
    }
    hs_time t0 = vcpu_local_time(v);
    hs_time limit = pick.until > t0 ? pick.until - t0 : 1;
    hs_time span = machine_quantum_ps(m);
    if (limit < span)
        span = limit;
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
        m->run_fn(m->run_ctx, c->index, pick.vcpu, mv->domain, start, end);
    c->free_at = end;
    m->counts.dispatches++;
    switch (r) {
    case VCPU_RUN_BLOCKED:
        if (vcpu_blocked_call(v) == HS_PC_SLEEP_UNTIL && mv->sleeping)
            sim_schedule_at(m->sim, &mv->sleep_ev,
                            mv->sleep_until > end ? mv->sleep_until : end);
        break;
    case VCPU_RUN_FAULT:
        record_fault(m, mv);
        break;
    default:
        break;
    }
    sim_schedule_at(m->sim, &c->dispatch, end);
    update_busy(m, now);
}

static void sleep_fire(Sim *sim, void *ctx, hs_time now)
{
    (void)sim;
    MachineVcpu *mv = ctx;
    mv->sleeping = false;
    machine_wake(mv->m, now);
    machine_kick(mv->m);
}

static void kernel_wake_fire(Sim *sim, void *ctx, hs_time now)
{
    MachineKernel *k = ctx;
    Machine *m = k->m;
    m->counts.kernel_wakes++;
    machine_wake(m, now);
    MachineCore *core = &m->cores[(unsigned)k->index % m->n_cores];
    VirtCharge ch = {0};
    if (core->last_kernel != k->index) {
        m->ops->switch_cost(m, core->last_kernel, k->index, &ch);
        core->last_kernel = k->index;
    }
    ch.cycles = 0;
    virt_charge_price(m, &ch);
    ch.cycles += mparam(m, "kernel_wake_cycles");
    counts_add(m, &ch);
    note_switch(m, core->index, k->name, false, &ch, now);
    if (pmic_state(&m->pmic) != HS_PMIC_ST_AWAKE)
        core->deferred += ch.cycles;
    else
        book_kernel(m, core, ch.cycles);
    hs_time period = (hs_time)mparam(m, "kernel_wake_ms") * HS_MS;
    if (period > 0)
        sim_schedule_in(sim, &k->wake, period);
}

static void pmic_changed(void *ctx, int old_state, int new_state, hs_time when)
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
            book_kernel(m, core, cy);
        }
    }
    machine_kick(m);
}

/* ---- construction -------------------------------------------------------- */

static int build_devices(Machine *m, char *err, size_t err_size)
{
    PmicConfig pc;
    DvfsConfig dc;
    if (socmap_pmic(m->soc, &pc, err, err_size) < 0 ||
        socmap_dvfs(m->soc, &dc, err, err_size) < 0)
        return -1;
    timer_init(&m->timer, "timer");
    intc_init(&m->intc, "intc");
    pmic_init(&m->pmic, "pmic", &pc, m->meter);
    if (dvfs_init(&m->dvfs, "dvfs", &dc, m->meter, err, err_size) < 0)
        return -1;
    irq_connect(&m->timer.irq, intc_set_irq, &m->intc, HS_IRQ_TIMER);
    irq_connect(&m->pmic.irq, intc_set_irq, &m->intc, HS_IRQ_PMIC);
    Device *devs[] = {&m->timer.dev, &m->intc.dev, &m->pmic.dev, &m->dvfs.dev};
    const uint64_t bases[] = {HS_MMIO_TIMER, HS_MMIO_INTC, HS_MMIO_PMIC,
                              HS_MMIO_DVFS};
    bus_init(&m->bus);
    for (size_t i = 0; i < 4; i++) {
        if (devs[i]->ops->realize && devs[i]->ops->realize(devs[i], m->sim) < 0)
            return hs_errorf(err, err_size, "device %s failed to start",
                             devs[i]->name);
        if (map_proxy(m, devs[i], bases[i]) < 0)
            return hs_errorf(err, err_size, "cannot map device %s",
                             devs[i]->name);
    }
    pmic_add_listener(&m->pmic, pmic_changed, m);
    return 0;
}

static int build_cores(Machine *m, unsigned max_cores)
{
    for (size_t cl = 0; cl < m->soc->n_clusters && cl < DVFS_MAX_CLUSTERS;
         cl++) {
        const SocCluster *sc = &m->soc->clusters[cl];
        VcpuCoreType *ct = &m->core_types[cl];
        *ct = *vcpu_core_type_find("little");
        ct->name = sc->name;
        ct->model = sc->core_type;
        ct->cpi_milli = sc->cpi_milli;
        ct->source = sc->source;
        for (unsigned i = 0; i < sc->cores; i++) {
            if (m->n_cores >= MACHINE_MAX_CORES ||
                (max_cores && m->n_cores >= max_cores))
                return 0;
            MachineCore *c = &m->cores[m->n_cores];
            c->m = m;
            c->index = m->n_cores++;
            c->cluster = (unsigned)cl;
            c->core_in = i;
            c->last_kernel = -1;
            c->slice_vcpu = -1;
            sim_event_init(&c->dispatch, "machine.dispatch", core_dispatch, c,
                           10);
        }
    }
    return 0;
}

static int build_vcpus(Machine *m, const char *image, char *err,
                       size_t err_size)
{
    uint64_t entry = 0;
    m->shm = guest_shm_new();
    if (!m->shm)
        return hs_errorf(err, err_size, "out of memory");
    for (size_t d = 0; d < m->n_domains; d++) {
        MachineDomain *dom = &m->domains[d];
        dom->mem = guest_mem_new(m->shm);
        if (!dom->mem)
            return hs_errorf(err, err_size, "out of memory");
        ElfImage img;
        if (elf_load_domain(image, dom->mem, &img, err, err_size) < 0)
            return -1;
        if (elf_symbol(&img, "hs_entry", &entry) < 0) {
            elf_image_free(&img);
            return hs_errorf(err, err_size, "%s: no symbol hs_entry", image);
        }
        elf_image_free(&img);
        for (unsigned i = 0; i < dom->n_vcpus; i++) {
            if (m->n_vcpus >= MACHINE_MAX_VCPUS)
                return hs_errorf(err, err_size, "too many vCPUs (max %d)",
                                 MACHINE_MAX_VCPUS);
            MachineVcpu *mv = &m->vcpus[m->n_vcpus];
            mv->m = m;
            mv->index = (int)m->n_vcpus;
            mv->domain = (int)d;
            mv->core = (unsigned)(m->n_vcpus % m->n_cores);
            const MachineCore *core = &m->cores[mv->core];
            VcpuConfig vc = {
                .domain = (int)d,
                .index = (int)i,
                .core = &m->core_types[core->cluster],
                .freq_khz = dvfs_cur_khz(&m->dvfs, core->cluster),
                .entry_pc = entry,
                .bus = &m->bus,
            };
            mv->v = vcpu_new(dom->mem, &vc, err, err_size);
            if (!mv->v)
                return -1;
            vcpu_set_trap(mv->v, machine_trap, mv);
            sim_event_init(&mv->sleep_ev, "machine.sleep", sleep_fire, mv, 5);
            m->n_vcpus++;
            MachineEvent boot = {HS_EV_BOOT, 0, 0, 0};
            queue_event(m, (int)d, &boot);
        }
    }
    return 0;
}

Machine *machine_new(const MachineConfig *cfg, char *err, size_t err_size)
{
    const ApproachOps *ops = approach_find(cfg->approach ? cfg->approach : "");
    if (!ops) {
        char names[256] = "";
        for (size_t i = 0; i < approach_count(); i++) {
            size_t l = strlen(names);
            snprintf(names + l, sizeof names - l, "%s%s", i ? ", " : "",
                     approach_at(i)->name);
        }
        hs_errorf(err, err_size, "unknown approach '%s' (known: %s)",
                  cfg->approach ? cfg->approach : "", names);
        return NULL;
    }
    if (!ops->built) {
        hs_errorf(err, err_size,
                  "approach '%s' is not built yet: its mechanisms are not "
                  "implemented, so it cannot run",
                  ops->name);
        return NULL;
    }
    if (!cfg->soc || cfg->n_domains == 0 ||
        cfg->n_domains > MACHINE_MAX_DOMAINS ||
        cfg->n_domains + 1 > POWER_MAX_DOMAINS) {
        hs_errorf(err, err_size, "a machine needs a SoC and 1..%d domains",
                  MACHINE_MAX_DOMAINS);
        return NULL;
    }
    Machine *m = calloc(1, sizeof *m);
    if (!m) {
        hs_errorf(err, err_size, "out of memory");
        return NULL;
    }
    m->ops = ops;
    m->soc = cfg->soc;
    m->n_domains = cfg->n_domains;
    for (size_t d = 0; d < cfg->n_domains; d++) {
        const MachineDomainConfig *dc = &cfg->domains[d];
        MachineDomain *dom = &m->domains[d];
        if (!dc->name || !dc->name[0] || strlen(dc->name) >= sizeof dom->name ||
            dc->level < 0 || dc->level > 3) {
            hs_errorf(err, err_size,
                      "domain %zu: needs a name (< 32 chars) and a level "
                      "0..3",
                      d);
            machine_free(m);
            return NULL;
        }
        snprintf(dom->name, sizeof dom->name, "%s", dc->name);
        dom->level = dc->level;
        dom->n_vcpus = dc->n_vcpus ? dc->n_vcpus : 1;
        dom->kernel = -1;
    }
    for (size_t i = 0; i < N_MACHINE_PARAMS; i++)
        param_add(m, "machine", &machine_params[i]);
    char prefix[64];
    snprintf(prefix, sizeof prefix, "virt.%s", ops->name);
    for (size_t i = 0; i < ops->n_params; i++)
        param_add(m, prefix, &ops->params[i]);
    for (size_t i = 0; i < cfg->n_set; i++)
        if (param_set(m, cfg->set[i], err, err_size) < 0) {
            machine_free(m);
            return NULL;
        }
    for (int op = 0; op < VIRT_OP_COUNT; op++)
        m->op_cycles[op] = machine_vparam(m, virt_op_keys[op]);
    m->quantum_ps = (hs_time)mparam(m, "quantum_us") * HS_US;
    if (m->quantum_ps == 0) {
        hs_errorf(err, err_size, "machine.quantum_us must be > 0");
        machine_free(m);
        return NULL;
    }
    m->sim = sim_new(cfg->seed);
    m->meter = power_meter_new((int)cfg->n_domains + 1);
    if (!m->sim || !m->meter) {
        hs_errorf(err, err_size, "out of memory");
        machine_free(m);
        return NULL;
    }
    if (build_devices(m, err, err_size) < 0 ||
        build_cores(m, cfg->max_cores) < 0 ||
        ops->build(m, err, err_size) < 0) {
        machine_free(m);
        return NULL;
    }
    for (size_t d = 0; d < m->n_domains; d++)
        if (m->domains[d].kernel < 0) {
            hs_errorf(err, err_size, "approach %s left domain %s unmapped",
                      ops->name, m->domains[d].name);
            machine_free(m);
            return NULL;
        }
    if (build_vcpus(m, cfg->image_path ? cfg->image_path : "", err, err_size) <
        0) {
        machine_free(m);
        return NULL;
    }
    if (ops->pmic_policy)
        pmic_set_policy(&m->pmic, ops->pmic_policy, m, 0);
    /* Housekeeping alarms of every OS-type kernel, with a seeded phase. */
    hs_time period = (hs_time)mparam(m, "kernel_wake_ms") * HS_MS;
    for (size_t k = 0; k < m->n_kernels && period > 0; k++) {
        MachineKernel *kn = &m->kernels[k];
        if (kn->kind == VIRT_KERNEL_HYPERVISOR ||
            kn->kind == VIRT_KERNEL_SECURE_OS)
            continue;
        char name[80];
        snprintf(name, sizeof name, "machine.kernel.%s", kn->name);
        SimRng *rng = sim_rng(m->sim, name);
        hs_time phase = rng ? (hs_time)sim_rng_below(rng, period) : 0;
        sim_schedule_at(m->sim, &kn->wake, phase + 1);
    }
    if (ops->start)
        ops->start(m);
    machine_kick(m);
    return m;
}

void machine_free(Machine *m)
{
    if (!m)
        return;
    if (m->ops && m->ops->destroy)
        m->ops->destroy(m);
    for (size_t i = 0; i < m->n_vcpus; i++)
        vcpu_free(m->vcpus[i].v);
    for (size_t d = 0; d < m->n_domains; d++)
        if (m->domains[d].mem)
            guest_mem_unref(m->domains[d].mem);
    if (m->shm)
        guest_shm_unref(m->shm);
    if (m->n_proxies) {
        device_destroy(&m->timer.dev);
        device_destroy(&m->intc.dev);
        device_destroy(&m->pmic.dev);
        device_destroy(&m->dvfs.dev);
    }
    bus_free(&m->bus);
    power_meter_free(m->meter);
    sim_free(m->sim);
    free(m);
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

const char *machine_error(const Machine *m)
{
    return m->error;
}

void machine_set_latency_hook(Machine *m, MachineLatencyFunc fn, void *ctx)
{
    m->lat_fn = fn;
    m->lat_ctx = ctx;
}

void machine_set_log_hook(Machine *m, MachineLogFunc fn, void *ctx)
{
    m->log_fn = fn;
    m->log_ctx = ctx;
}

void machine_set_run_hook(Machine *m, MachineRunFunc fn, void *ctx)
{
    m->run_fn = fn;
    m->run_ctx = ctx;
}

void machine_set_switch_hook(Machine *m, MachineSwitchFunc fn, void *ctx)
{
    m->switch_fn = fn;
    m->switch_ctx = ctx;
}

hs_time machine_io(Machine *m, int domain, VirtIoKind kind, uint64_t bytes,
                   VirtHop *hops, size_t *n_hops)
{
    VirtHop local[VIRT_MAX_HOPS];
    VirtHop *h = hops ? hops : local;
    memset(h, 0, sizeof(VirtHop) * VIRT_MAX_HOPS);
    size_t n = 0;
    if (domain >= 0 && (size_t)domain < m->n_domains)
        n = m->ops->io_path(m, domain, kind, bytes, h);
    /* The hops' work runs on a core (the kernel's, the driver and crypto
     * VMs'): it occupies the domain's core and draws its power, booked to
     * the kernel pseudo-domain, deferred to resume if the AP sleeps. */
    MachineCore *core = &m->cores[0];
    for (size_t v = 0; v < m->n_vcpus; v++)
        if (m->vcpus[v].domain == domain) {
            core = &m->cores[m->vcpus[v].core];
            break;
        }
    uint64_t cycles = 0;
    for (size_t i = 0; i < n; i++) {
        virt_charge_price(m, &h[i].charge);
        counts_add(m, &h[i].charge);
        note_switch(m, core->index, h[i].component, false, &h[i].charge,
                    sim_now(m->sim));
        cycles += h[i].charge.cycles;
    }
    if (n_hops)
        *n_hops = n;
    if (pmic_state(&m->pmic) != HS_PMIC_ST_AWAKE)
        core->deferred = hs_add_sat(core->deferred, cycles);
    else
        book_kernel(m, core, cycles);
    return cycles_to_ps(cycles, dvfs_cur_khz(&m->dvfs, core->cluster));
}

static int dma_read_dom(void *ctx, int domain, uint64_t addr, void *buf,
                        size_t len)
{
    Machine *m = ctx;
    if (domain < 0 || (size_t)domain >= m->n_domains)
        return -1;
    return guest_mem_read(m->domains[domain].mem, addr, buf, len);
}

static int dma_write_dom(void *ctx, int domain, uint64_t addr, const void *buf,
                         size_t len)
{
    Machine *m = ctx;
    if (domain < 0 || (size_t)domain >= m->n_domains)
        return -1;
    return guest_mem_write(m->domains[domain].mem, addr, buf, len);
}

GuestDma machine_dma(Machine *m)
{
    GuestDma d = {.read = dma_read_dom, .write = dma_write_dom, .ctx = m};
    return d;
}

int machine_set_foreground(Machine *m, int domain)
{
    if (domain < 0 || (size_t)domain >= m->n_domains)
        return -1;
    m->foreground = domain;
    pmic_evaluate(&m->pmic, sim_now(m->sim));
    return 0;
}

int machine_foreground(const Machine *m)
{
    return m->foreground;
}

const SocModel *machine_soc(const Machine *m)
{
    return m->soc;
}

/* ---- queries ------------------------------------------------------------ */

Sim *machine_sim(Machine *m)
{
    return m->sim;
}

PowerMeter *machine_meter(Machine *m)
{
    return m->meter;
}

PmicState *machine_pmic(Machine *m)
{
    return &m->pmic;
}

const ApproachOps *machine_approach(const Machine *m)
{
    return m->ops;
}

const MachineCounts *machine_counts(const Machine *m)
{
    return &m->counts;
}

size_t machine_domain_count(const Machine *m)
{
    return m->n_domains;
}

const char *machine_domain_name(const Machine *m, int domain)
{
    if (domain == (int)m->n_domains)
        return "kernel";
    return m->domains[domain].name;
}

int machine_domain_level(const Machine *m, int domain)
{
    return m->domains[domain].level;
}

int machine_domain_find(const Machine *m, const char *name)
{
    for (size_t d = 0; d < m->n_domains; d++)
        if (strcmp(m->domains[d].name, name) == 0)
            return (int)d;
    return -1;
}

uint64_t machine_instructions(const Machine *m, int domain)
{
    uint64_t n = 0;
    for (size_t i = 0; i < m->n_vcpus; i++)
        if (m->vcpus[i].domain == domain)
            n += vcpu_instructions(m->vcpus[i].v);
    return n;
}

power_energy machine_energy_total(Machine *m)
{
    return power_energy_total(m->meter, sim_now(m->sim));
}

power_energy machine_energy_domain(Machine *m, int domain)
{
    return power_energy_domain(m->meter, domain, sim_now(m->sim));
}

uint64_t machine_avg_power_uw(Machine *m)
{
    return power_avg_power_uw(m->meter, sim_now(m->sim));
}

double machine_ap_awake_pct(Machine *m)
{
    hs_time now = sim_now(m->sim);
    if (now == 0 || m->pmic.comp < 0)
        return 100.0;
    hs_time asleep = power_residency_ps(
        m->meter, m->pmic.comp, m->pmic.st_power[HS_PMIC_ST_SUSPENDED], now);
    return 100.0 * (double)(now - asleep) / (double)now;
}

size_t machine_tcb(const Machine *m, const char **out, size_t max)
{
    size_t n = 0;
    for (size_t k = 0; k < m->n_kernels; k++)
        if (m->kernels[k].trusted) {
            if (n < max)
                out[n] = m->kernels[k].name;
            n++;
        }
    return n;
}

size_t machine_fault_count(const Machine *m)
{
    return m->n_faults;
}

const VcpuFault *machine_fault(const Machine *m, size_t i)
{
    return i < m->n_faults ? &m->faults[i] : NULL;
}

int machine_param(const Machine *m, const char *key, uint64_t *value)
{
    const MachineParam *p = param_find_c(m, key);
    if (!p)
        return -1;
    *value = p->value;
    return 0;
}

/* ---- for approach files ------------------------------------------------- */

int machine_add_kernel(Machine *m, const char *name, VirtKernelKind kind,
                       bool trusted)
{
    if (m->n_kernels >= MACHINE_MAX_KERNELS)
        return -1;
    MachineKernel *k = &m->kernels[m->n_kernels];
    snprintf(k->name, sizeof k->name, "%s", name);
    k->kind = kind;
    k->trusted = trusted;
    k->m = m;
    k->index = (int)m->n_kernels;
    sim_event_init(&k->wake, "machine.kernel_wake", kernel_wake_fire, k, 20);
    return (int)m->n_kernels++;
}

void machine_map_domain(Machine *m, int domain, int kernel)
{
    m->domains[domain].kernel = kernel;
}

size_t machine_kernel_count(const Machine *m)
{
    return m->n_kernels;
}

const char *machine_kernel_name(const Machine *m, int kernel)
{
    return m->kernels[kernel].name;
}

VirtKernelKind machine_kernel_kind(const Machine *m, int kernel)
{
    return m->kernels[kernel].kind;
}

int machine_domain_kernel(const Machine *m, int domain)
{
    return m->domains[domain].kernel;
}

uint64_t machine_vparam(const Machine *m, const char *key)
{
    char full[MACHINE_PARAM_KEY];
    snprintf(full, sizeof full, "virt.%s.%s", m->ops->name, key);
    const MachineParam *p = param_find_c(m, full);
    return p ? p->value : 0;
}

void *machine_approach_state(Machine *m)
{
    return m->approach_state;
}

void machine_set_approach_state(Machine *m, void *state)
{
    m->approach_state = state;
}

unsigned machine_core_count(const Machine *m)
{
    return m->n_cores;
}

size_t machine_vcpu_count(const Machine *m)
{
    return m->n_vcpus;
}

int machine_vcpu_domain(const Machine *m, int vcpu)
{
    return m->vcpus[vcpu].domain;
}

unsigned machine_vcpu_core(const Machine *m, int vcpu)
{
    return m->vcpus[vcpu].core;
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
        c->rr = i;
        c->slice_vcpu = i;
        c->slice_end = now + slice_ps;
        p.vcpu = i;
        p.until = c->slice_end;
        return p;
    }
    return p;
}

hs_time machine_quantum_ps(const Machine *m)
{
    return m->quantum_ps;
}

const uint64_t *machine_op_cycles(const Machine *m)
{
    return m->op_cycles;
}
