/*
 * approach.h - the virtualisation approaches: one const ApproachOps table
 * per approach (one file each), found by name.
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
 */
#ifndef HS_VIRT_APPROACH_H
#define HS_VIRT_APPROACH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
    VIRT_KERNEL_DRIVER_VM,  /* a VM that owns a device (net, gfx) */
    VIRT_KERNEL_SERVICE_VM, /* a VM on a data path (crypto) */
    VIRT_KERNEL_SECURE_OS,  /* the secure-world OS */
} VirtKernelKind;

/* An I/O request's kind (io_path). */
typedef enum VirtIoKind {
    VIRT_IO_NET,     /* a packet from a domain to the baseband */
    VIRT_IO_DISPLAY, /* a frame from a domain to the panel */
} VirtIoKind;

#define VIRT_MAX_HOPS 8

/* One hop of an I/O request: the component that handles it, and what
 * moving the request there costs. */
typedef struct VirtHop {
    const char *component; /* kernel name, or "baseband", "panel" */
    VirtCharge charge;     /* switches, calls and copies of the hop */
} VirtHop;

/* A scheduling decision for one core. */
typedef struct VirtPick {
    int vcpu;      /* machine vCPU index, or -1: stay idle */
    hs_time until; /* run (or idle) no later than this */
} VirtPick;

typedef struct ApproachOps {
    const char *name;        /* "hyp-pv" */
    const char *description; /* one line for `handset list approaches` */
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
    /* Cost of one MMIO access by domain to the device window named dev;
     * *allowed false makes reads 0 and drops writes. */
    void (*mmio)(Machine *m, int domain, const char *dev, bool write,
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
    /* The flow policy at a mediation point: may data labelled src_level
     * reach a sink cleared for sink_level? */
    bool (*flow_allowed)(const Machine *m, int src_level, int sink_level);
    /* Who may keep the AP awake. */
    const PmicPolicy *pmic_policy;
} ApproachOps;

/* The table of approaches, in listing order. */
size_t approach_count(void);
const ApproachOps *approach_at(size_t i);
/* The approach called name, or NULL. */
const ApproachOps *approach_find(const char *name);

/* A default parameter of ops by key (without the "virt.NAME." prefix),
 * or NULL. */
const VirtParam *approach_param(const ApproachOps *ops, const char *key);

/* Checks one "--set KEY=VALUE" against every approach's table and the
 * machine's ("machine.<key>", machine_params_table) without building a
 * machine (scenario validation). Returns 0, or -1 with a message naming
 * the key (unknown key with a did-you-mean, or a value that is not a
 * non-negative integer) in err. */
int approach_check_set(const char *kv, char *err, size_t err_size);

/* A --set value for key: a decimal integer 0 .. 2^64-1 (ERANGE above).
 * Returns 0, or -1 with a message naming key in err. */
int approach_parse_value(const char *key, const char *val, uint64_t *out,
                         char *err, size_t err_size);

/* The machine's own parameters (machine.c); *n gets the count. */
const VirtParam *machine_params_table(size_t *n);

/* The priced operations, in the order of virt_op_keys. */
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
extern const char *const virt_op_keys[VIRT_OP_COUNT];

/* Prices a charge: cycles += each count x the run's value of the
 * matching "<op>_cycles" parameter of the machine's approach (syscall,
 * hypercall, smc, mmio_trap, vm_switch, world_switch, mac_check, virq)
 * plus copies_bytes x "copy_cycles_per_kib" / 1024. A parameter the
 * approach does not have costs 0 (virt_cost.c). */
void virt_charge_price(const Machine *m, VirtCharge *c);

/* Adds b's counts and cycles to a. */
void virt_charge_add(VirtCharge *a, const VirtCharge *b);

/* The approach tables (one file each). */
extern const ApproachOps approach_native;
extern const ApproachOps approach_selinux_mls;
extern const ApproachOps approach_hyp_mils;
extern const ApproachOps approach_hyp_pv;
extern const ApproachOps approach_trustzone;
extern const ApproachOps approach_containers;

#endif /* HS_VIRT_APPROACH_H */
