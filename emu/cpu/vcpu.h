/*
 * vcpu.h - a virtual Arm CPU over Unicorn: runs a domain's guest
 * handlers (AArch64) or the baseband firmware (32-bit ARMv7, A32) with an
 * instruction budget and turns instructions into cycles and local time.
 *
 * The architecture comes from the core type (VcpuCoreType.arch). Counting,
 * budgets, time, MMIO and faults are one implementation for both; what
 * differs (Unicorn mode, register names, the entry convention's registers,
 * how a platform call is encoded, how a faulting load/store is decoded) is
 * in a per-architecture table in vcpu.c. On A32 the entry convention is
 * r0-r2 = event, a0, a1 (a0/a1 truncated to 32 bits), SP, LR =
 * HS_SENTINEL_ADDR, PC = entry, ARM (not Thumb) state; the result is r0.
 * Platform calls on A32 are HVC #imm16 (the immediate split as imm12:imm4
 * in the encoding), arguments r0-r3.
 *
 * One uc_engine per vCPU. The domain's GuestMem is mapped with
 * uc_mem_map_ptr; the MMIO pages that hold devices of the Bus are mapped
 * with uc_mmio_map and dispatched with a BusAccess stamped with the vCPU's
 * local time. Platform calls (HVC #imm, HS_PC_*) go to a VcpuTrapFunc that
 * the owner installs (the approach; vcpu_std_trap for standalone runs).
 *
 * Counting. Instructions are counted per translated block (UC_HOOK_BLOCK,
 * 4 bytes per instruction). A run stops for its budget at the first block
 * boundary at or after the budget (so it may run over by less than one
 * block); the block it stops before is neither executed nor counted, and
 * runs on resume. Totals are therefore exact and independent of how a
 * handler is sliced. uc_emu_start's count argument is not used: Unicorn
 * implements it with a UC_HOOK_CODE hook on every instruction.
 *
 * Time. cycles = instructions x CPI (in thousandths); local time =
 * segment start + cycles / frequency, where a new segment starts at every
 * frequency change and at vcpu_set_time, so the arithmetic is exact
 * integer picoseconds (rounded down once per segment). An MMIO access is
 * stamped with the local time at the start of the translated block that
 * makes it: Unicorn (2.1.1 as 2.0.1) gives no precise PC inside an MMIO
 * callback, so the stamp can be early by at most the block's length.
 *
 * Faults. An unmapped access, an undefined instruction, an access to an
 * MMIO address with no device, or a handler exceeding its watchdog limit
 * makes the vCPU dead with a VcpuFault; the host keeps running. For data
 * accesses Unicorn (2.1.1 as 2.0.1) only reports the start of the block;
 * the faulting instruction is found by computing each load/store's
 * address from the registers, and when that is ambiguous the block start
 * is reported with VcpuFault.pc_exact false. For fetches and undefined
 * instructions the PC is exact. The instruction count of a dead vCPU
 * includes the whole block that faulted.
 *
 * Errors in API use (running a dead vCPU, entering while a handler is in
 * progress) return -1 and leave a message in vcpu_last_error().
 *
 * Host profile. With HANDSET_VCPU_PROFILE set (and not "0") when a vCPU is
 * created, vcpu_free prints one "vcpu-profile:" line on stderr: its
 * instructions, translated blocks entered, engine starts and the thread
 * CPU time spent inside uc_emu_start (bench/README.md uses it). Nothing
 * the simulation computes depends on it.
 */
#ifndef HS_CPU_VCPU_H
#define HS_CPU_VCPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bus/bus.h"
#include "cpu/guestmem.h"
#include "platform.h"
#include "sim/time.h"

typedef struct Vcpu Vcpu;

/* Instruction-set architecture of a core type. */
typedef enum VcpuArch {
    VCPU_ARCH_A64 = 0, /* AArch64 (domains) */
    VCPU_ARCH_A32 = 1, /* 32-bit ARMv7, ARM state (the baseband) */
} VcpuArch;

/* A CPU core type: what turns instructions into cycles. */
typedef struct VcpuCoreType {
    const char *name;     /* "little", "big", "baseband" */
    VcpuArch arch;        /* instruction set */
    const char *model;    /* the Arm core it stands for */
    uint32_t cpi_milli;   /* cycles per instruction x 1000 */
    uint64_t default_khz; /* default clock, kHz */
    int uc_model;         /* Unicorn CPU model (UC_CPU_ARM64_* / ARM_*) */
    const char *source;   /* where cpi and clock come from */
} VcpuCoreType;

/* The built-in AArch64 core types for domains (until SoC files supply
 * them). NULL if the name is unknown. */
const VcpuCoreType *vcpu_core_type_find(const char *name);

/* Writes the version of the Unicorn library this process runs on (the
 * loaded library's uc_version, not the headers') as "MAJOR.MINOR.PATCH"
 * into buf. Returns 0, or -1 when it does not fit in size bytes. */
int vcpu_unicorn_version(char *buf, size_t size);
/* The baseband processor's core type (A32). */
const VcpuCoreType *vcpu_core_type_baseband(void);
/* Number of built-in domain core types and the i-th one (help texts). */
size_t vcpu_core_type_count(void);
const VcpuCoreType *vcpu_core_type_at(size_t i);

typedef enum VcpuFaultKind {
    VCPU_FAULT_NONE = 0,
    VCPU_FAULT_UNMAPPED_READ,  /* data read from an unmapped address */
    VCPU_FAULT_UNMAPPED_WRITE, /* data write to an unmapped address */
    VCPU_FAULT_UNMAPPED_FETCH, /* instruction fetch from unmapped memory */
    VCPU_FAULT_MMIO_NO_DEVICE, /* MMIO page access with no device there */
    VCPU_FAULT_UNDEFINED,      /* undefined instruction */
    VCPU_FAULT_EXCEPTION,      /* another CPU exception (SVC, SMC, BRK) */
    VCPU_FAULT_WATCHDOG,       /* handler exceeded its instruction limit */
    VCPU_FAULT_EMULATOR,       /* Unicorn stopped with another error */
} VcpuFaultKind;

/* A guest fault: the domain's vCPU is dead. */
/* VcpuConfig.domain of the baseband processor (not a domain). */
#define VCPU_DOMAIN_BASEBAND (-2)

typedef struct VcpuFault {
    int domain;         /* domain index, or VCPU_DOMAIN_BASEBAND */
    int vcpu;           /* vCPU index within the domain */
    VcpuFaultKind kind; /* what went wrong */
    uint64_t pc;        /* guest PC (see pc_exact) */
    bool pc_exact;      /* false: pc is the start of the block holding it */
    uint64_t address;   /* faulting data address, or 0 */
    uint32_t detail;    /* exception number, or access size */
    hs_time when;       /* local time of the fault */
} VcpuFault;

/* Name of a fault kind ("unmapped-read", ...). */
const char *vcpu_fault_kind_name(VcpuFaultKind kind);
/* Writes one line describing the fault (no newline), like snprintf. */
int vcpu_fault_format(const VcpuFault *f, char *buf, size_t size);

/* One platform call as seen by a trap handler. */
typedef struct VcpuTrap {
    unsigned call;    /* HVC immediate (HS_PC_*) */
    uint64_t args[4]; /* x0..x3 */
    uint64_t pc;      /* address of the HVC instruction */
    hs_time when;     /* local time of the call */
} VcpuTrap;

typedef enum VcpuTrapAction {
    VCPU_TRAP_CONTINUE, /* write *ret to x0 and go on */
    VCPU_TRAP_BLOCK,    /* write *ret to x0; stop; resume after the call */
    VCPU_TRAP_EXIT,     /* the domain stops for good (HS_PC_EXIT) */
} VcpuTrapAction;

/* Serves a platform call. *ret is preset to HS_EINVAL. Must not run the
 * vCPU; may read/write guest memory and registers. */
typedef VcpuTrapAction (*VcpuTrapFunc)(void *ctx, Vcpu *vcpu,
                                       const VcpuTrap *trap, uint64_t *ret);

typedef struct VcpuConfig {
    int domain;               /* domain index (BusAccess, faults) */
    int index;                /* vCPU index in the domain (stack) */
    const VcpuCoreType *core; /* core type (NULL: "little") */
    uint64_t freq_khz;        /* clock (0: the core's default) */
    uint64_t entry_pc;        /* hs_entry of the image */
    uint64_t watchdog_insns;  /* per-handler limit (0: default) */
    const Bus *bus;           /* MMIO devices (may be NULL) */
    bool uncounted;           /* engine ceiling, benchmarks only: no block
                                 hook, so no instruction count, time,
                                 budget or watchdog (see vcpu_new) */
} VcpuConfig;

/* Default watchdog: 2^34 instructions (seconds of guest time). */
#define VCPU_WATCHDOG_DEFAULT (1ULL << 34)

/* Creates a vCPU over mem (taking a reference). The bus, if any, must
 * outlive the vCPU; its devices' pages are mapped now, and devices added
 * later only after vcpu_map_bus. Returns NULL with a message in err on
 * failure. */
Vcpu *vcpu_new(GuestMem *mem, const VcpuConfig *cfg, char *err,
               size_t err_size);
/* Maps the pages of devices added to the bus since (between runs, never
 * from inside one). Returns 0, or -1 with a message in err. */
int vcpu_map_bus(Vcpu *vcpu, char *err, size_t err_size);
void vcpu_free(Vcpu *vcpu);
/* Maps the pages of windows added to the bus since (a device attached to
 * a running machine). Returns 0, or -1 with a message in err. */
int vcpu_map_bus(Vcpu *vcpu, char *err, size_t err_size);

/* Maps the MMIO pages of a window added to the vCPU's bus after its
 * creation (pages already mapped are kept). Unicorn translates only the
 * pages it was told about, so a device mapped later is unreachable until
 * this call. Returns 0, or -1 with a message in err. */
int vcpu_map_window(Vcpu *vcpu, uint64_t base, uint64_t size, char *err,
                    size_t err_size);

/* Installs the platform-call handler (NULL: every call is refused with
 * HS_EINVAL). */
void vcpu_set_trap(Vcpu *vcpu, VcpuTrapFunc fn, void *ctx);

typedef enum VcpuState {
    VCPU_IDLE,    /* no handler in progress: vcpu_enter may be called */
    VCPU_READY,   /* a handler is entered or preempted: vcpu_run resumes */
    VCPU_BLOCKED, /* stopped in a blocking platform call */
    VCPU_EXITED,  /* the domain called HS_PC_EXIT */
    VCPU_DEAD,    /* faulted (vcpu_fault) */
} VcpuState;

VcpuState vcpu_state(const Vcpu *vcpu);
const char *vcpu_state_name(VcpuState state);

/* Delivers an event: sets up the entry convention of platform.h (x0-x2,
 * SP, LR = HS_SENTINEL_ADDR, PC = entry) and resets the handler's
 * instruction count. Returns 0, or -1 unless the vCPU is idle. */
int vcpu_enter(Vcpu *vcpu, uint32_t event, uint64_t a0, uint64_t a1);

typedef enum VcpuRunResult {
    VCPU_RUN_ERROR = -1, /* API misuse: see vcpu_last_error */
    VCPU_RUN_DONE = 0,   /* handler returned: vcpu_result */
    VCPU_RUN_PREEMPTED,  /* budget spent: vcpu_run again to resume */
    VCPU_RUN_BLOCKED,    /* blocking platform call: vcpu_blocked_call */
    VCPU_RUN_EXITED,     /* HS_PC_EXIT: vcpu_exit_status */
    VCPU_RUN_FAULT,      /* vcpu_fault */
} VcpuRunResult;

/* Runs (or resumes) the current handler for at least one block and about
 * budget_insns instructions (see the file comment). Returns why it
 * stopped. A blocked vCPU resumes after its call. */
VcpuRunResult vcpu_run(Vcpu *vcpu, uint64_t budget_insns);

/* ---- contexts: several handlers in progress on one vCPU ----------------
 *
 * A VcpuContext holds what belongs to one handler in progress: the CPU
 * state Unicorn keeps for the engine (uc_context_save/restore: general
 * and FP/SIMD registers, PC, SP, flags, system registers) and the
 * handler's lifecycle (state, instructions so far against the watchdog,
 * the call it blocked in, its result). The domain's kernel keeps one per
 * task and swaps them between runs: vcpu_context_save copies the vCPU's
 * current handler out, vcpu_context_restore puts another back, so each
 * handler resumes exactly where it stopped. What is the vCPU's own (its
 * clock, its total counts, a fault or an exit, which stop the vCPU for
 * every handler) is not part of a context. Never called inside a run. */
typedef struct VcpuContext VcpuContext;

/* A context holding the vCPU's state now (an idle handler when called
 * before any event). Returns NULL with a message in err. */
VcpuContext *vcpu_context_new(Vcpu *vcpu, char *err, size_t err_size);
void vcpu_context_free(VcpuContext *ctx);
/* Copies the vCPU's current handler into ctx. Returns 0, or -1 (inside a
 * run, or the engine failed: vcpu_last_error). */
int vcpu_context_save(Vcpu *vcpu, VcpuContext *ctx);
/* Makes ctx the vCPU's current handler (the vCPU must be idle, ready or
 * blocked: a dead or exited vCPU stays so). Returns 0, or -1. */
int vcpu_context_restore(Vcpu *vcpu, const VcpuContext *ctx);
/* The state of the handler held in ctx (VCPU_IDLE, READY or BLOCKED). */
VcpuState vcpu_context_state(const VcpuContext *ctx);
/* The call a blocked context stopped in (HS_PC_*). */
unsigned vcpu_context_blocked_call(const VcpuContext *ctx);

/* Handler result (x0 at the sentinel) of the last VCPU_RUN_DONE. */
uint64_t vcpu_result(const Vcpu *vcpu);
/* HS_PC_* of the call the vCPU blocked in. */
unsigned vcpu_blocked_call(const Vcpu *vcpu);
/* Status passed to HS_PC_EXIT. */
uint64_t vcpu_exit_status(const Vcpu *vcpu);
/* The fault, or NULL if the vCPU is not dead. */
const VcpuFault *vcpu_fault(const Vcpu *vcpu);
/* Message of the last VCPU_RUN_ERROR / -1. */
const char *vcpu_last_error(const Vcpu *vcpu);

/* Counters. */
uint64_t vcpu_instructions(const Vcpu *vcpu);         /* since creation */
uint64_t vcpu_handler_instructions(const Vcpu *vcpu); /* current handler */
uint64_t vcpu_cycles(const Vcpu *vcpu);               /* since creation */
uint64_t vcpu_platform_calls(const Vcpu *vcpu);       /* since creation */

/* Local time. vcpu_set_time starts a quantum at t (e.g. the Sim's now). */
hs_time vcpu_local_time(const Vcpu *vcpu);
void vcpu_set_time(Vcpu *vcpu, hs_time t);
/* Clock in kHz; a change applies to instructions executed after it. */
uint64_t vcpu_freq_khz(const Vcpu *vcpu);
void vcpu_set_freq_khz(Vcpu *vcpu, uint64_t khz);
const VcpuCoreType *vcpu_core(const Vcpu *vcpu);
int vcpu_domain(const Vcpu *vcpu);
GuestMem *vcpu_mem(Vcpu *vcpu);

/* General registers: n 0..30 are x0..x30 on A64, n 0..14 are r0..r14 on
 * A32 (n 30 is LR there too); VCPU_REG_SP, VCPU_REG_PC. */
enum { VCPU_REG_SP = 31, VCPU_REG_PC = 32 };
uint64_t vcpu_reg(Vcpu *vcpu, int n);
void vcpu_set_reg(Vcpu *vcpu, int n, uint64_t value);

/* ---- the standard platform-call handler (standalone runs) ---------- */

/* One HS_PC_LOG record. */
typedef struct VcpuLogEntry {
    uint64_t tag;   /* HS_LOG_* */
    uint64_t value; /* the logged value */
    hs_time when;   /* local time of the call */
} VcpuLogEntry;

/* State of vcpu_std_trap: what a standalone run records. */
typedef struct VcpuStdCalls {
    VcpuLogEntry *log; /* HS_PC_LOG records, in order (owned) */
    size_t log_len, log_cap;
    char *text; /* HS_PC_PUTS text, NUL-terminated (owned) */
    size_t text_len, text_cap;
    FILE *echo; /* if not NULL, PUTS text is also written here */
    uint64_t wakelock_acquires;  /* HS_PC_WAKELOCK_ACQUIRE calls */
    uint64_t wakelock_releases;  /* HS_PC_WAKELOCK_RELEASE calls */
    uint64_t sleep_until_ns;     /* deadline of the last SLEEP_UNTIL */
    uint64_t calls[HS_PC_COUNT]; /* calls per number */
    uint64_t bad_calls;          /* unknown numbers or bad arguments */
} VcpuStdCalls;

void vcpu_std_calls_init(VcpuStdCalls *std);
void vcpu_std_calls_free(VcpuStdCalls *std);

/* Serves the platform calls for a run with no approach: CLOCK from the
 * vCPU's local time; LOG recorded; PUTS appended to the text; EXIT
 * exits; SLEEP_UNTIL and YIELD block; wakelock calls are counted (no
 * PMIC yet); SEND is refused (HS_EINVAL: no other domain). ctx is a
 * VcpuStdCalls. */
VcpuTrapAction vcpu_std_trap(void *ctx, Vcpu *vcpu, const VcpuTrap *trap,
                             uint64_t *ret);

#endif /* HS_CPU_VCPU_H */
