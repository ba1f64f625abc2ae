/*
 * machine_int.h - the machine's state and the functions its files share
 * (machine.c construction, params.c, sched.c, trap.c, mmio.c, io.c,
 * query.c). Internal to emu/machine: nothing outside includes it.
 */
#ifndef HS_MACHINE_MACHINE_INT_H
#define HS_MACHINE_MACHINE_INT_H

#include "machine/machine.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/elf_load.h"
#include "machine/bbipc.h"
#include "soc_models/devices/audio.h"
#include "soc_models/devices/display.h"
#include "soc_models/devices/gpu.h"
#include "soc_models/devices/intc.h"
#include "soc_models/devices/mic.h"
#include "soc_models/devices/net.h"
#include "soc_models/devices/port.h"
#include "soc_models/devices/storage.h"
#include "soc_models/devices/timer.h"

#define MACHINE_MAX_FAULTS 32
#define MACHINE_MAX_DELIVERIES 256
#define MACHINE_PARAM_KEY 96
#define MACHINE_MAX_PARAMS 48
#define MACHINE_RUN_LOCK "machine.run"
#define MACHINE_MAX_DEVICES 16 /* every SoC device (realize.c) */
/* VcpuConfig.domain of a driver/service VM's vCPU (not a domain). */
#define MACHINE_VCPU_SERVICE (-3)

typedef struct MachineParam {
    char key[MACHINE_PARAM_KEY]; /* full key */
    uint64_t value;              /* run's value */
    const VirtParam *def;        /* default, unit and source */
} MachineParam;

typedef struct MachineIo MachineIo;

/* One step of an I/O request (io.c): kernel work on the requesting
 * domain's core, or a request to a driver/service VM's vCPU. */
typedef struct MachineIoStep {
    int kernel;        /* who does it */
    bool vm;           /* a driver/service VM's request (else kernel work) */
    VirtSvcOp op;      /* the VM's work on the bytes */
    uint64_t labels;   /* bit per label of the data it handles */
    VirtCharge charge; /* priced at submission, counted when it starts */
} MachineIoStep;

/* An I/O request on its way along the approach's path. */
struct MachineIo {
    Machine *m;
    MachineIo *next;                /* in the queue it waits in */
    MachineIo *all_prev, *all_next; /* every live request (teardown) */
    int domain;                     /* the requesting domain, or -1 */
    int kvm;                        /* -1, or the VM whose own vCPU runs
                                       the kernel work (its housekeeping) */
    uint64_t bytes;                 /* the request's length */
    const char *what;               /* its kernel work's name (trace) */
    MachineIoStep steps[VIRT_MAX_HOPS + 1];
    size_t n_steps, step; /* steps, and the one under way */
    size_t done_after;    /* fn runs when this many steps are done */
    uint64_t left;        /* kernel cycles left of the current step */
    bool started;         /* the current step's charge is counted */
    bool fired;           /* fn ran */
    bool ok;              /* every VM step completed */
    MachineIoDone fn;
    void *ctx;
    SimEvent ev; /* the next step starts (or fn runs) */
};

typedef struct MachineKernel {
    char name[48];       /* "xen", "net-vm", "linux" */
    VirtKernelKind kind; /* what it is */
    bool trusted;        /* in the TCB */
    SimEvent wake;       /* housekeeping alarm (OS-type kernels) */
    Machine *m;          /* owner */
    int index;           /* in the machine */
    /* driver and service VMs: their vCPU running the service image */
    int vcpu;                     /* machine vCPU index, or -1 */
    GuestMem *mem;                /* the VM's memory */
    MachineIo *q_head, *q_tail;   /* requests waiting for the VM */
    MachineIo *kq_head, *kq_tail; /* the VM kernel's own work */
    MachineIo *cur;               /* the request the vCPU is in */
    uint64_t seq;                 /* requests entered */
    uint64_t labels;              /* bit per flow label of data it handled */
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
    unsigned q_task[HS_TASK_COUNT]; /* queued events per task */
    MachineIo *kq_head, *kq_tail;   /* kernel work waiting for its core */
    int kvcpu;                      /* the vCPU whose core runs it */
    uint32_t irq_latched; /* completion IRQs no task waited for (bits) */
} MachineDomain;

struct MachineVcpu;

/* A device's interrupt line as the machine sees it (realize.c): edges
 * wake the domain tasks waiting in WAIT_IRQ for the device whose command
 * completed, then go on to the OS service that took the line. */
typedef struct MachineIrqTap {
    Machine *m;
    Device *dev;
    int (*domain_of)(Device *dev); /* whose command completed, or NULL */
    IrqFunc fn;                    /* the service's handler, or NULL */
    void *ctx;
} MachineIrqTap;

/* One task of a vCPU (task.c): an app's handler with its own registers
 * and stack, run by the domain's kernel (platform.h, "tasks"). */
typedef struct MachineTask {
    struct MachineVcpu *mv; /* owner */
    unsigned index;         /* HS_TASK_* */
    uint64_t stack_top;     /* its SP at entry */
    VcpuContext *ctx;       /* its handler while another task is loaded */
    bool sleeping;          /* blocked in SLEEP_UNTIL until sleep_until */
    hs_time sleep_until;    /* deadline */
    SimEvent sleep_ev;      /* fires at the deadline */
    uint32_t irq_wait;      /* blocked in WAIT_IRQ on these lines (bits) */
    bool irq_woken;         /* a completion IRQ woke it: deliver it */
    uint64_t insns;         /* instructions it executed */
} MachineTask;

typedef struct MachineVcpu {
    Machine *m;
    Vcpu *v;
    int index;     /* machine-wide index */
    int domain;    /* its domain, or -1 for a VM's service vCPU */
    int kernel;    /* a service vCPU's VM kernel, else -1 */
    unsigned core; /* the core it is pinned to */
    bool faulted;  /* fault recorded */
    MachineTask tasks[HS_TASK_COUNT]; /* a domain vCPU's (none for a VM's) */
    unsigned task;       /* the task whose handler the vCPU holds */
    hs_time slice_left;  /* of that task's timeslice */
    bool yielded;        /* it called YIELD: the others go first */
    uint64_t insns_mark; /* the vCPU's instructions when it was loaded */
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
    uint64_t base;  /* its window on the domains' bus */
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
    struct {                  /* the devices the run's services drive */
        MicState mic;         /* HS_MMIO_MIC */
        AudioState audio;     /* HS_MMIO_AUDIO */
        BbipcState bbipc;     /* HS_MMIO_BBIPC: the RIL mailboxes */
        NetState net;         /* HS_MMIO_NET */
        PortState sock;       /* HS_MMIO_SOCK, served by the netstack */
        DisplayState display; /* HS_MMIO_DISPLAY */
        GpuState gpu;         /* HS_MMIO_GPU */
        StorageState storage; /* HS_MMIO_STORAGE */
    } dev;
    Device *realized[MACHINE_MAX_DEVICES]; /* in realize order */
    size_t n_realized;
    GuestDma dma; /* the devices' way into the domains' memories */
    MachineProxy proxies[MACHINE_MAX_DEVICES];
    MachineIrqTap taps[MACHINE_MAX_DEVICES]; /* per realized device */
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
    MachineSwitchFunc switch_fn;    /* VM/world switch observer */
    MachineKernelWorkFunc kwork_fn; /* kernel work observer */
    bool migrate; /* idle cores take other cores' vCPUs (sched.c) */
    void *kwork_ctx;
    void *switch_ctx;
    int foreground;                    /* the domain the user sees */
    uint64_t op_cycles[VIRT_OP_COUNT]; /* priced operations */
    hs_time quantum_ps;                /* machine.quantum_us */
    MachineVcpu *current;              /* the vCPU inside vcpu_run, if any */
    bool run_lock;                     /* MACHINE_RUN_LOCK held */
    MachineIo *io_all;                 /* live I/O requests */
    char service_image[1024];          /* loaded into a VM, or "" */
    bool started;
    char error[256];
};

static inline hs_time cycles_to_ps(uint64_t cycles, uint64_t khz)
{
    return hs_muldiv_sat(cycles, 1000000000u, khz);
}

/* ---- params.c ------------------------------------------------------------ */
/* Adds a default under "prefix.key". Returns 0, or -1 when full. */
int machine_param_add(Machine *m, const char *prefix, const VirtParam *def);
/* Applies one "key=value" (other known approaches' keys are accepted and
 * ignored). Returns 0, or -1 with a message in err. */
int machine_param_set(Machine *m, const MachineConfig *cfg, const char *kv,
                      char *err, size_t err_size);
/* A machine parameter by its key without "machine.". */
uint64_t machine_mparam(const Machine *m, const char *key);

/* ---- sched.c ------------------------------------------------------------- */
/* Adds a priced charge's counts to the run's. */
void machine_counts_add(Machine *m, const VirtCharge *c);
/* Prices c, counts it and charges its time to the vCPU (if any). */
void machine_charge_vcpu(Machine *m, MachineVcpu *mv, VirtCharge *c);
/* Tells the switch observer about c's switches on core into kernel
 * (NULL: the hypervisor itself), priced alone at the core's frequency. */
void machine_note_switch(Machine *m, unsigned core, const char *into,
                         bool window, const VirtCharge *c, hs_time when);
/* Books kernel cycles on a core now (the AP is awake). */
void machine_book_kernel(Machine *m, MachineCore *core, uint64_t cycles);
/* Event callbacks: a core's dispatch, a kernel's housekeeping alarm; and
 * the PMIC's state listener. */
void machine_core_dispatch(Sim *sim, void *ctx, hs_time now);
void machine_kernel_wake_fire(Sim *sim, void *ctx, hs_time now);
void machine_pmic_changed(void *ctx, int old_state, int new_state,
                          hs_time when);

/* ---- task.c -------------------------------------------------------------- */
/* Gives each task of mv its context and stack. Returns 0, or -1 with a
 * message in err. */
int machine_tasks_init(Machine *m, MachineVcpu *mv, unsigned in_domain,
                       char *err, size_t err_size);
void machine_tasks_free(MachineVcpu *mv);
/* Whether any task of mv can run now. */
bool machine_tasks_runnable(const Machine *m, const MachineVcpu *mv);
/* At a dispatch (not inside a run): loads the task that runs next on mv
 * (charging a switch to the vCPU's time) and returns how long it may run
 * before another runnable task's turn (HS_TIME_MAX: no other). */
hs_time machine_task_select(Machine *m, MachineVcpu *mv);
/* Takes the first queued event for mv's current task into *ev. Returns
 * false when there is none. */
bool machine_task_take_event(Machine *m, MachineVcpu *mv, MachineEvent *ev);
/* After a run of the current task from t0 to end that stopped with r. */
void machine_task_ran(Machine *m, MachineVcpu *mv, hs_time t0, hs_time end,
                      VcpuRunResult r);
/* The current task blocks in SLEEP_UNTIL until deadline / calls YIELD. */
void machine_task_sleep(MachineVcpu *mv, hs_time deadline);
void machine_task_yield(MachineVcpu *mv);
/* WAIT_IRQ: true if a latched completion on line ends it at once (the
 * latch is consumed); else the held task blocks on line until
 * machine_task_irq or the deadline (HS_TIME_MAX: none). */
bool machine_task_wait_irq(Machine *m, MachineVcpu *mv, unsigned line,
                           hs_time deadline);
/* A device completed a command of domain on line: wakes the tasks that
 * wait for it, or latches it. */
void machine_task_irq(Machine *m, int domain, unsigned line, hs_time now);
/* True (once) if the held task was woken by a completion IRQ: the
 * dispatcher then charges the approach's delivery of it. */
bool machine_task_take_irq(MachineVcpu *mv);
/* A task's sleep deadline (SimEvent callback; ctx is the MachineTask). */
void machine_task_sleep_fire(Sim *sim, void *ctx, hs_time now);

/* ---- trap.c -------------------------------------------------------------- */
/* Queues a guest event for domain (overflow is counted). Returns 0. */
int machine_queue_event(Machine *m, int domain, const MachineEvent *ev);
/* The vCPUs' trap handler (VcpuTrapFunc; ctx is the MachineVcpu). */
VcpuTrapAction machine_trap(void *ctx, Vcpu *v, const VcpuTrap *t,
                            uint64_t *ret);

/* ---- io.c ---------------------------------------------------------------- */
/* Data of the labels (bit per level) passed through kernel (-1: none)
 * and, when c holds hypercalls, SMCs, switches or virtual IRQs, the
 * hypervisor or monitor (machine_tcb). */
void machine_label(Machine *m, int kernel, uint64_t labels,
                   const VirtCharge *c);
/* The label bit of domain's data. */
uint64_t machine_domain_label(const Machine *m, int domain);
/* The kernel a vCPU runs in (its domain's, or its VM's). */
int machine_vcpu_kernel_of(const Machine *m, const MachineVcpu *mv);
/* A VM's vCPU has requests waiting. */
bool machine_io_pending(const Machine *m, const MachineVcpu *mv);
/* The vCPU's core has kernel work waiting for it (its domain's kernel's
 * I/O steps and housekeeping, or its VM kernel's housekeeping). */
bool machine_io_kernel_pending(const Machine *m, const MachineVcpu *mv);
/* Runs the kernel work waiting for mv on core c from t, no later than
 * until; returns the time it reached. */
hs_time machine_io_kernel_run(Machine *m, MachineCore *c, MachineVcpu *mv,
                              hs_time t, hs_time until);
/* Queues cycles of kernel k's housekeeping as kernel work where k runs:
 * on its own vCPU (a VM), or on its one domain's (a domain's VM).
 * Returns 0, or -1 when k runs no such vCPU (the caller books it). */
int machine_io_housekeeping(Machine *m, int k, uint64_t cycles);
/* A VM's idle vCPU takes its next request: fills the ring slot, charges
 * the hop and enters the service image. Returns 0, or -1 if none. */
int machine_io_vm_enter(Machine *m, MachineVcpu *mv);
/* The VM's vCPU finished (ok) or died (!ok) in its request at t. */
void machine_io_vm_done(Machine *m, MachineVcpu *mv, bool ok, hs_time t);
/* Frees every live request (teardown). */
void machine_io_free_all(Machine *m);
/* Creates the service vCPU of every driver and service VM. */
int machine_io_build_vms(Machine *m, const char *image, char *err,
                         size_t err_size);

/* ---- realize.c ----------------------------------------------------------- */
/* Creates, configures from the SoC file, realizes, wires and maps every
 * device the run powers (cfg->devices and the platform's own). Returns 0,
 * or -1 with a message in err. */
int soc_realize(Machine *m, const MachineConfig *cfg, char *err,
                size_t err_size);
/* Destroys the realized devices, last first. */
void soc_unrealize(Machine *m);

/* ---- mmio.c -------------------------------------------------------------- */
/* Maps target at base on the domains' bus behind the approach's MMIO
 * decision. Returns 0, or -1 when the window is taken or the table full. */
int machine_map_proxy(Machine *m, Device *target, uint64_t base);

#endif /* HS_MACHINE_MACHINE_INT_H */
