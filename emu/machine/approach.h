/*
 * approach.h - what the machine asks of a virtualisation approach: the
 * ApproachOps contract each approach (emu/virt, one file each) fills in,
 * the charges it answers with, and their pricing.
 *
 * An approach is mechanism only. It decides how the run's domains map
 * onto kernels (OS instances, VMs, worlds, driver VMs), which vCPU a core
 * runs next and for how long, what a platform call, an MMIO access or a
 * switch between kernels costs (as counts of operations whose cycle costs
 * come from its parameter table), which hops an I/O request takes, who
 * may keep the AP awake (a PmicPolicy) and which flows it blocks. It
 * never writes a metric: latency, energy and counts come out of the
 * machine running these mechanisms (machine.h).
 *
 * Parameters. Each approach has a table of cost parameters, each with a
 * unit and a source. A run copies the table; `--set` keys are
 * "virt.<approach>.<key>" (and "machine.<key>" for the machine's own
 * parameters, machine.h).
 *
 * The contract lives with the machine, which calls it; the approaches
 * sit above and implement it through the machine's narrow host
 * interface (host.h), so the two never include each other. Which
 * approaches exist, and their names, is the registry's (emu/virt/virt.h,
 * names from config/names.h).
 */
#ifndef HS_MACHINE_APPROACH_H
#define HS_MACHINE_APPROACH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/names.h"
#include "sim/time.h"
#include "soc_models/devices/pmic.h"

typedef struct Machine Machine;

/* One cost parameter. */
typedef struct VirtParam {
    const char *key;    /* e.g. "hypercall_cycles" */
    uint64_t value;     /* default */
    const char *unit;   /* "cycles", "ms", "cycles/KiB" */
    const char *source; /* paper/table/file, or "estimate: ..." */
} VirtParam;

/* What one mechanism step costs: operations counted by the machine, and
 * the cycles they take on the core that performs them. */
typedef struct VirtCharge {
    uint64_t syscalls;       /* entries into the domain's own kernel */
    uint64_t hypercalls;     /* entries into a hypervisor */
    uint64_t smcs;           /* secure monitor calls */
    uint64_t mmio_traps;     /* MMIO accesses trapped and emulated */
    uint64_t vm_switches;    /* a core changes from one VM to another */
    uint64_t world_switches; /* a core changes secure/normal world */
    uint64_t mac_checks;     /* access-vector (policy) checks */
    uint64_t virq;           /* virtual interrupts injected */
    uint64_t copies_bytes;   /* bytes copied between address spaces */
    uint64_t cycles;         /* total CPU cycles of the above */
} VirtCharge;

/* Kinds of kernel a build creates. */
typedef enum VirtKernelKind {
    VIRT_KERNEL_OS,         /* a general-purpose OS instance */
    VIRT_KERNEL_HYPERVISOR, /* a type-1 hypervisor / separation kernel */
    VIRT_KERNEL_DRIVER_VM,  /* a VM that owns a device (net, gfx, storage) */
    VIRT_KERNEL_SERVICE_VM, /* a VM on a data path (crypto) */
    VIRT_KERNEL_SECURE_OS,  /* the secure-world OS */
} VirtKernelKind;

/* An I/O request's kind (io_path). */
typedef enum VirtIoKind {
    VIRT_IO_NET,     /* a packet from a domain to the baseband */
    VIRT_IO_DISPLAY, /* a frame from a domain to the panel */
    VIRT_IO_GPU,     /* a command list from a domain to the GPU (paravirt) */
    VIRT_IO_STORAGE, /* blocks between a domain and the storage device */
    VIRT_IO_AUDIO,   /* a microphone frame from the audio device to a domain */
} VirtIoKind;

#define VIRT_MAX_HOPS 8

/* The work a driver or service VM does on a hop's bytes: the service
 * image's request ops (guest/include/abi/svc.h). */
typedef enum VirtSvcOp {
    VIRT_SVC_NONE = 0,    /* a kernel's own work, priced by its charge */
    VIRT_SVC_COPY = 1,    /* the net driver moves the bytes */
    VIRT_SVC_SEAL = 2,    /* the crypto VM seals (or opens) them */
    VIRT_SVC_COMPOSE = 3, /* the gfx driver blends them onto the screen */
    VIRT_SVC_MOVE = 4,    /* the storage driver moves them block by block */
} VirtSvcOp;

/* One hop of an I/O request: the component that handles it, and what
 * moving the request there costs. A hop whose kernel is a driver or
 * service VM runs as a request on that VM's vCPU (its op executed as
 * instructions of the service image, after its charge); a hop of any
 * other kernel is kernel work on the requesting domain's core, priced
 * by its charge; kernel -1 is the device at the end of the path. */
typedef struct VirtHop {
    const char *component; /* kernel name, or "baseband", "panel", "storage" */
    int kernel;            /* the kernel doing the hop, -1: the device */
    VirtSvcOp op;          /* a VM's work on the bytes */
    bool encrypts;         /* the hop seals what it passes on */
    VirtCharge charge;     /* switches, calls and copies of the hop */
} VirtHop;

/* Where an approach checks the label of microphone audio on its way to a
 * domain (mic_check): the kernel that holds the audio device and compares
 * the audio's label with the domain's clearance, and what the comparison
 * costs per frame (added to that kernel's hop of the VIRT_IO_AUDIO
 * path). */
typedef struct VirtMicCheck {
    int kernel;        /* the checking kernel (on the audio path) */
    const char *where; /* what it is: "kernel MAC", "audio driver VM", ... */
    VirtCharge charge; /* the check's operations, per frame */
} VirtMicCheck;

/* A scheduling decision for one core. */
typedef struct VirtPick {
    int vcpu;      /* machine vCPU index, or -1: stay idle */
    hs_time until; /* run (or idle) no later than this */
} VirtPick;

/* How a domain reaches the GPU (its sharing mode). */
typedef enum VirtGpuMode {
    /* One kernel's GPU driver: the domain has a context of its own on the
     * shared GPU (time-sliced, address spaces kept apart by the GPU MMU). */
    VIRT_GPU_SHARED = 0,
    /* No 3D: the domain renders in software on its vCPU. */
    VIRT_GPU_NONE,
    /* The gfx driver VM owns the GPU and composes the other VMs' frames;
     * the domain renders in software. Needs the gfx VM as a scheduled VM. */
    VIRT_GPU_OWNER_VM,
    /* Paravirtual GPU: the domain's command stream crosses to the gfx VM,
     * which submits it to the shared GPU. Needs the gfx VM as a
     * scheduled VM. */
    VIRT_GPU_PARAVIRT,
    /* The secure world draws to a protected overlay the normal world
     * cannot read, without GPU acceleration. Needs the secure display
     * path. */
    VIRT_GPU_SECURE_OVERLAY,
    /* The GPU is passed through to the domain's VM: its own driver has a
     * context on the GPU, its register accesses reach the device without
     * a trap; the other VMs render in software. */
    VIRT_GPU_PASSTHROUGH,
    VIRT_GPU_MODE_COUNT,
} VirtGpuMode;

/* The mode's name ("shared", "paravirt", ...). */
const char *virt_gpu_mode_name(VirtGpuMode mode);

typedef struct ApproachOps {
    ScenarioApproach id;     /* its name and description: config/names.h */
    bool built;              /* false: listed, but runs are refused */
    const VirtParam *params; /* cost parameters with sources */
    size_t n_params;         /* entries in params */
    /* Creates kernels and maps domains onto them (machine_add_kernel,
     * machine_map_domain). Returns 0, or -1 with a message in err. */
    int (*build)(Machine *m, char *err, size_t err_size);
    /* Called once when the machine starts (may schedule events). */
    void (*start)(Machine *m);
    /* Frees what build allocated (machine_approach_state). May be NULL. */
    void (*destroy)(Machine *m);
    /* Picks the next vCPU for a core at now (machine_runnable tells
     * which vCPUs have work). */
    VirtPick (*schedule)(Machine *m, unsigned core, hs_time now);
    /* Cost of a platform call by domain (HS_PC_*); args are x0..x3.
     * Sets *allowed false to refuse it (HS_EPERM). */
    void (*platform_call)(Machine *m, int domain, unsigned call,
                          const uint64_t args[4], VirtCharge *c, bool *allowed);
    /* Cost of one MMIO access by domain to the device window at bus
     * address window (HS_MMIO_*, guest/include/platform.h: what a stage-2
     * table or a device namespace keys on, never a name); *allowed false
     * makes reads 0 and drops writes. */
    void (*mmio)(Machine *m, int domain, uint64_t window, bool write,
                 VirtCharge *c, bool *allowed);
    /* Cost of a core switching from kernel `from` (-1: none yet) to
     * kernel `to`. */
    void (*switch_cost)(Machine *m, int from, int to, VirtCharge *c);
    /* Cost of delivering an interrupt or event to a domain's vCPU. */
    void (*deliver)(Machine *m, int domain, VirtCharge *c);
    /* Hops of an I/O request of `bytes` from domain. Returns the number
     * of hops written (<= VIRT_MAX_HOPS). */
    size_t (*io_path)(Machine *m, int domain, VirtIoKind kind, uint64_t bytes,
                      VirtHop *hops);
    /* Where the check on microphone audio for domain sits (VirtMicCheck).
     * Returns false when nothing stands between the audio device and the
     * domain that could check it (the frame reaches the domain whatever
     * its label). May be NULL: no check. */
    bool (*mic_check)(Machine *m, int domain, VirtMicCheck *out);
    /* The flow policy at a mediation point: may data labelled src_level
     * reach a sink cleared for sink_level? */
    bool (*flow_allowed)(const Machine *m, int src_level, int sink_level);
    /* Who may keep the AP awake. */
    const PmicPolicy *pmic_policy;
    /* How domain reaches the GPU (VirtGpuMode). */
    VirtGpuMode (*gpu_mode)(const Machine *m, int domain);
    /* The work of bringing domain `to` to the front, where `from` (-1:
     * none) was: the hops the user's switch takes before the new
     * foreground is told it is in front (then its ui redraws and the
     * frame takes the display path like any other). Written to hops
     * (VIRT_MAX_HOPS entries) as an I/O request of `to` that carries
     * `bytes` (what a driver VM on the way redraws of its own, such as
     * a trusted label strip): kernel work on the domain's core, or a
     * request to a driver VM that waits for its turn. Returns the number
     * of hops. Never a latency: the time comes out of the schedule. */
    size_t (*switch_domain)(Machine *m, int from, int to, uint64_t bytes,
                            VirtHop *hops);
} ApproachOps;

/* The approach's name ("hyp-pv"), from the one name table. */
const char *approach_name(const ApproachOps *ops);

/* A default parameter of ops by key (without the "virt.NAME." prefix),
 * or NULL. */
const VirtParam *approach_param(const ApproachOps *ops, const char *key);

/* The priced operations, in the order of approach_op_keys. */
typedef enum VirtOp {
    VIRT_OP_SYSCALL,
    VIRT_OP_HYPERCALL,
    VIRT_OP_SMC,
    VIRT_OP_MMIO_TRAP,
    VIRT_OP_VM_SWITCH,
    VIRT_OP_WORLD_SWITCH,
    VIRT_OP_MAC_CHECK,
    VIRT_OP_VIRQ,
    VIRT_OP_COPY_KIB,
    VIRT_OP_COUNT,
} VirtOp;

/* Parameter key of each VirtOp ("syscall_cycles", ...). */
extern const char *const approach_op_keys[VIRT_OP_COUNT];

/* Prices a charge: cycles += each count x op_cycles of its VirtOp
 * (syscall, hypercall, smc, mmio_trap, vm_switch, world_switch,
 * mac_check, virq) plus copies_bytes x op_cycles[VIRT_OP_COPY_KIB] /
 * 1024. op_cycles holds the run's value of each approach_op_keys
 * parameter (0 where the approach has none). Pure: no state. */
void approach_price(const uint64_t op_cycles[VIRT_OP_COUNT], VirtCharge *c);

#endif /* HS_MACHINE_APPROACH_H */
