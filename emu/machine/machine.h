/*
 * machine.h - one run's hardware and software: the event kernel, the
 * power meter, the SoC's devices, the physical cores, the domains with
 * their vCPUs on the shared guest image, and the kernels an approach
 * creates (approach.h).
 *
 * Execution. Each physical core is a self-rescheduling event. At each
 * dispatch the core first runs pending kernel work (housekeeping, the
 * hypervisor's slice switches), then asks the approach for a vCPU and a
 * limit, and runs that vCPU for one quantum at most (budget = time x
 * frequency / CPI), reporting the busy stretch to DVFS with the running
 * domain. The core's next dispatch is at the vCPU's local time at the end
 * of the quantum, so events arriving during a quantum are seen at its end
 * (machine.quantum_us bounds the skew). Kernel and hypervisor work is
 * booked to a pseudo-domain, index n_domains in the meter ("kernel").
 *
 * Events. Each domain has a queue of pending guest events (injected IRQs,
 * messages, workloads, timer deadlines). Each event is for one task of
 * the domain's kernel (HS_EVENT_TASK, platform.h): every vCPU runs its
 * domain's apps as tasks with their own registers and stacks, time-sliced
 * by the kernel (task.c, machine.timeslice_us), and a vCPU is runnable
 * when one of its tasks is (ready, woken from a blocking call, or idle
 * with an event queued for it). When a task takes an event it is entered
 * (vcpu_enter) after the approach's delivery cost, and the latency hook
 * sees (injected, entered). A task switch costs
 * machine.task_switch_cycles on the vCPU and counts one
 * counts.task_switches.
 *
 * Suspend. While any core has work or any vCPU is runnable the machine
 * holds the host wakelock "machine.run". When nothing (counted by the
 * approach's PmicPolicy) holds the AP awake the PMIC suspends after its
 * autosleep delay; no core dispatches unless the PMIC is AWAKE. Wake
 * sources: injected events, vCPU sleep deadlines, kernel housekeeping
 * alarms, and whatever the approach adds (the hyp-mils slice timer).
 *
 * Kernels. Every OS-type kernel (OS, driver VM, service VM, secure OS)
 * wakes every machine.kernel_wake_ms with a seeded phase and does
 * machine.kernel_wake_cycles of housekeeping, so N kernels cost N
 * kernels' wake-ups; a VM's (a driver or service VM's, or the VM of one
 * domain) runs as kernel work in that VM's turn. A hypervisor (or EL3
 * monitor) and a secure-world OS have no periodic alarm of their own:
 * they run only when called or at their own scheduling events.
 *
 * Driver and service VMs run the service image on vCPUs of their own
 * (machine_io below); the approach schedules them like any vCPU.
 *
 * Errors: construction returns NULL with a message; guest faults kill the
 * faulting vCPU (machine_fault) and the run goes on. Nothing here prints
 * or exits.
 */
#ifndef HS_MACHINE_MACHINE_H
#define HS_MACHINE_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bus/dma.h"
#include "cpu/vcpu.h"
#include "machine/host.h"
#include "power/meter.h"
#include "soc_models/devices/dvfs.h"
#include "soc_models/devices/pmic.h"

#define MACHINE_MAX_VCPUS 32
#define MACHINE_MAX_CORES 16
#define MACHINE_QUEUE_LEN 64 /* pending events per domain */
#define MACHINE_MAX_SETS 64

/* One security domain. */
typedef struct MachineDomainConfig {
    const char *name; /* "secret" */
    int level;        /* MLS level 0 (unclassified) .. 3 (top secret) */
    unsigned n_vcpus; /* 1 .. ; 0 means 1 */
} MachineDomainConfig;

typedef struct MachineConfig {
    const SocModel *soc;  /* must outlive the machine */
    const char *approach; /* approach name */
    /* The approaches known (emu/virt's registry, virt_approaches): the
     * one named runs; the others' --set keys are accepted and ignored. */
    const ApproachOps *const *approaches;
    size_t n_approaches;    /* entries in approaches */
    uint64_t seed;          /* run seed */
    const char *image_path; /* the domains' guest image */
    /* The driver and service VMs' image; NULL: service.elf beside
     * image_path. Needed only when the approach creates such VMs. */
    const char *service_image_path;
    const MachineDomainConfig *domains; /* n_domains entries */
    size_t n_domains;                   /* 1 .. MACHINE_MAX_DOMAINS */
    unsigned max_cores;                 /* use at most this many (0: all) */
    const char *const *set;             /* "key=value" overrides */
    size_t n_set;                       /* entries in set */
    /* The SoC's devices beyond the platform's own (timer, intc, pmic,
     * dvfs) that this run powers, by name ("mic", "audio", "bbipc",
     * "net", "sock", "display", "gpu", "storage"); NULL-terminated, may
     * be NULL. All are realized and mapped before boot (realize.c). */
    const char *const *devices;
} MachineConfig;

/* Counts over the run: the mechanism operations the approach priced (the
 * fields of its charges, summed; ops.cycles is not kept) and the
 * machine's own events. */
typedef struct MachineCounts {
    VirtCharge ops;          /* syscalls, hypercalls, ... copies_bytes */
    uint64_t denied;         /* calls/accesses refused by policy */
    uint64_t events_dropped; /* domain queue overflows */
    uint64_t kernel_wakes;   /* housekeeping alarms fired */
    uint64_t dispatches;     /* vCPU quanta run */
    uint64_t task_switches;  /* a domain kernel switched tasks on a vCPU */
} MachineCounts;

/* Called when an injected event's handler is entered. */
typedef void (*MachineLatencyFunc)(void *ctx, int domain, uint32_t event,
                                   hs_time injected, hs_time entered);

/* Called for every HS_PC_LOG a guest makes (tag, value), at the vCPU's
 * local time: the covert-channel estimator reads the symbols sent and
 * decoded from here. */
typedef void (*MachineLogFunc)(void *ctx, int domain, uint64_t tag,
                               uint64_t value, hs_time when);

/* Called after every quantum a core ran a vCPU: [start, end) on core. */
typedef void (*MachineRunFunc)(void *ctx, unsigned core, int vcpu, int domain,
                               hs_time start, hs_time end);

/* A core changed VM or world (counts.vm_switches / world_switches). */
typedef struct MachineSwitch {
    unsigned core;           /* the core that switched */
    const char *into;        /* kernel (VM, world) switched into, or NULL
                                for the hypervisor's own switch */
    bool window;             /* a partition window starts (cyclic schedule) */
    uint64_t vm_switches;    /* how many VM switches */
    uint64_t world_switches; /* how many world switches */
    hs_time when;            /* when the switch starts */
    hs_time dur_ps;          /* what the switches cost on the core */
} MachineSwitch;

/* Called at every charge that holds VM or world switches. */
typedef void (*MachineSwitchFunc)(void *ctx, const MachineSwitch *s);

/* Builds the machine (devices, kernels via the approach, vCPUs) and boots
 * every domain (HS_EV_BOOT is queued). Returns NULL with a message in err:
 * unknown approach (with the known names), an approach not built yet, a
 * bad or unknown --set key, a bad domain list, a missing image. */
Machine *machine_new(const MachineConfig *cfg, char *err, size_t err_size);
void machine_free(Machine *m);

/* Runs the simulation to time t (>= now). Returns 0, or -1 with a message
 * in machine_error (a host failure, never a guest fault). */
int machine_run_until(Machine *m, hs_time t);
const char *machine_error(const Machine *m);

/* Queues a guest event for domain at the current time; it is a wake
 * source. Returns 0, or -1 on a bad domain (overflow is counted). */
int machine_inject(Machine *m, int domain, uint32_t event, uint64_t a0,
                   uint64_t a1);
/* An interrupt for domain: HS_EV_IRQ with the mask, after the approach's
 * delivery mechanism. */
int machine_raise_irq(Machine *m, int domain, uint32_t mask);
/* Makes platform call `call` (SEND, WAKELOCK_ACQUIRE/RELEASE, CLOCK) on
 * behalf of domain through the same path a guest HVC takes (costs,
 * counts, policy), as the domain's kernel would for a host-side service
 * (scenario actions, tests), at the current time on an idle vCPU of the
 * domain. Returns 0 with the call's result in *ret, or -1 for a bad
 * domain, another call, or no idle vCPU. */
int machine_call(Machine *m, int domain, unsigned call, const uint64_t args[4],
                 uint64_t *ret);
void machine_set_latency_hook(Machine *m, MachineLatencyFunc fn, void *ctx);
/* Observers (one each; fn NULL removes it). They never steer. */
void machine_set_log_hook(Machine *m, MachineLogFunc fn, void *ctx);
void machine_set_run_hook(Machine *m, MachineRunFunc fn, void *ctx);
void machine_set_switch_hook(Machine *m, MachineSwitchFunc fn, void *ctx);

/* An I/O request's completion: done is when it finished (the packet is
 * at the device, or the domain's kernel has taken what came in); ok is
 * false when a VM on the path died with it. */
typedef void (*MachineIoDone)(void *ctx, hs_time done, bool ok);

/* I/O directions. */
typedef enum MachineIoDir {
    MACHINE_IO_OUT, /* from the domain to the device */
    MACHINE_IO_IN,  /* from the device up to the domain */
} MachineIoDir;

/* The approach's path for an I/O request of bytes from domain, written
 * to hops (VIRT_MAX_HOPS entries); nothing is sent. Returns the number of
 * hops (0 for a bad domain). */
size_t machine_io_path(Machine *m, int domain, VirtIoKind kind, uint64_t bytes,
                       VirtHop *hops);

/* An I/O request of bytes for domain along the approach's path, starting
 * at `when` (>= now; earlier means now). The hops are written to *hops
 * (may be NULL) at once; the request then runs asynchronously: a hop of
 * the domain's own kernel (or another kernel without a vCPU of its own)
 * is kernel work queued on the domain's core, run when the approach
 * schedules the domain (within its window); a driver or service VM's
 * hop is queued to that VM's vCPU, waits until the approach runs it and
 * executes the service image on the bytes. Inbound requests take the
 * hops in reverse. After the last VM hop of an outbound request the
 * domain is notified (a virtual IRQ, kernel work in its own window);
 * an inbound one ends with the domain's kernel hop. fn(ctx, done, ok)
 * runs at the completion time. Returns 0, or -1 on a bad domain or no
 * memory (fn is not called). */
int machine_io(Machine *m, int domain, VirtIoKind kind, MachineIoDir dir,
               uint64_t bytes, hs_time when, MachineIoDone fn, void *ctx,
               VirtHop *hops, size_t *n_hops);

/* The user's switch to domain `to`: the approach's switch_domain hops
 * (approach.h), run as an outbound request of `to` that carries bytes
 * (machine_io: kernel work in the domain's turn, driver-VM requests in
 * the VM's), starting at `when`. The foreground does not change here:
 * fn(ctx, done, ok) runs when the last hop is done, and the caller
 * brings `to` to the front then (machine_set_foreground) and has its ui
 * redraw. The hops are written to *hops (may be NULL). Returns 0, or -1
 * on a bad domain, an approach without the op, or no memory (fn is not
 * called). */
int machine_switch_domain(Machine *m, int to, uint64_t bytes, hs_time when,
                          MachineIoDone fn, void *ctx, VirtHop *hops,
                          size_t *n_hops);

/* The SoC device named name ("mic", "display", ...; its state struct
 * starts with the Device), or NULL when the run did not realize it.
 * Services look devices up here; they never build or map one. */
Device *machine_device(Machine *m, const char *name);
/* Connects the interrupt line of device name (the line platform.h gives
 * it) to fn: the service that delivers it to the domains. Returns 0, or -1
 * for a device not realized, without a line, or whose line goes to the
 * machine's interrupt controller. */
int machine_device_irq(Machine *m, const char *name, IrqFunc fn, void *ctx);

/* DMA into the domains' memories: the domain argument picks the
 * GuestMem (for devices that move data to or from a domain). Valid while
 * the machine lives. */
GuestDma machine_dma(Machine *m);

/* The foreground domain (the one the user sees; 0 at start). Approaches
 * that give the foreground special rights (containers) read it; a change
 * re-applies the wakelock policy. Returns 0, or -1 on a bad domain. */
int machine_set_foreground(Machine *m, int domain);

/* ---- queries ---------------------------------------------------------- */
PowerMeter *machine_meter(Machine *m);
PmicState *machine_pmic(Machine *m);
const ApproachOps *machine_approach(const Machine *m);
const MachineCounts *machine_counts(const Machine *m);
int machine_domain_find(const Machine *m, const char *name);
uint64_t machine_instructions(const Machine *m, int domain);
/* Instructions a kernel's own vCPU executed (driver and service VMs; 0
 * for kernels without one). */
uint64_t machine_kernel_instructions(const Machine *m, int kernel);
/* The image the driver and service VMs run, or NULL when the approach
 * created none (an input of the run). */
const char *machine_service_image(const Machine *m);
/* Whether a kernel has a vCPU of its own (driver and service VMs). */
bool machine_kernel_has_vcpu(const Machine *m, int kernel);
/* Instructions the domain's task (HS_TASK_*) executed on its vCPUs. */
uint64_t machine_task_instructions(const Machine *m, int domain, unsigned task);
/* Energy up to now (uW*ps) in total, per domain (POWER_UNATTRIBUTED
 * allowed; n_domains is the kernel pseudo-domain). */
power_energy machine_energy_total(Machine *m);
power_energy machine_energy_domain(Machine *m, int domain);
uint64_t machine_avg_power_uw(Machine *m);
/* Percentage of time the PMIC was not SUSPENDED, 0..100. */
double machine_ap_awake_pct(Machine *m);
/* The run's TCB: the kernels (OS instances, VMs, worlds, the hypervisor
 * or monitor) that data of two or more labels (domain levels) passed
 * through, in build order. A kernel handles a domain's data when it runs
 * the domain's vCPU, does a hop of its I/O, or (a hypervisor or
 * monitor) serves its hypercalls, SMCs, VM or world switches and
 * virtual interrupts. */
size_t machine_tcb(const Machine *m, const char **out, size_t max);
size_t machine_fault_count(const Machine *m);
const VcpuFault *machine_fault(const Machine *m, size_t i);
/* Value of a parameter by full key ("virt.hyp-pv.hypercall_cycles",
 * "machine.quantum_us"). Returns 0, or -1 if unknown. */
int machine_param(const Machine *m, const char *key, uint64_t *value);

#endif /* HS_MACHINE_MACHINE_H */
