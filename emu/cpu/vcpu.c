/*
 * vcpu.c - the vCPU over Unicorn: memory and MMIO mapping, budgeted runs
 * with per-block instruction counting, platform-call traps and faults.
 *
 * How Unicorn behaves here (checked with small guests on 2.0.1 and again
 * on 2.1.1, the oldest release handset builds with; relied on below):
 *  - The AArch64 CPU starts at EL1h. HVC at EL1 is undefined unless
 *    SCR_EL3.HCE is set; with it set, HVC reaches UC_HOOK_INTR as QEMU's
 *    EXCP_HVC with PC already past the instruction. The exception is not
 *    delivered to the guest, so ESR_EL2 is not written: the immediate is
 *    decoded from the instruction word. If HCE cannot be set, HVC arrives
 *    as EXCP_UDEF with PC at the instruction; it is recognised by its
 *    encoding and PC is advanced by hand.
 *  - uc_emu_stop() called from a UC_HOOK_BLOCK callback stops before that
 *    block executes, and the hook runs again for it on the next start.
 *  - uc_emu_stop() from an MMIO callback stops right after the access but
 *    leaves PC at the start of the block, so the block would run again:
 *    it is only used when the vCPU dies there.
 *  - PC read inside MMIO and unmapped-memory callbacks is the start of
 *    the current translated block, not the accessing instruction (see
 *    locate_access for how a faulting access is found).
 */
#include "cpu/vcpu.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unicorn/unicorn.h>

/* QEMU exception numbers as UC_HOOK_INTR reports them (target/arm). */
enum {
    VCPU_EXCP_UDEF = 1,
    VCPU_EXCP_SWI = 2,
    VCPU_EXCP_BKPT = 7,
    VCPU_EXCP_HVC = 11,
    VCPU_EXCP_SMC = 13,
};

#define VCPU_PAGE 4096ULL
#define HVC_MASK 0xffe0001fu
#define HVC_BITS 0xd4000002u /* HVC #imm16: imm16 in bits 5..20 */
#define A32_HVC_MASK 0x0ff000f0u
#define A32_HVC_BITS 0x01400070u /* HVC #imm12:imm4 (cond 1110) */

/* What differs between the architectures a vCPU can run. */
typedef struct VcpuArchOps {
    int uc_arch, uc_mode;       /* uc_open arguments */
    const int *gpr;             /* Unicorn ids of the general registers */
    int n_gpr;                  /* entries in gpr */
    int reg_sp, reg_lr, reg_pc; /* Unicorn ids */
    /* Decodes a platform call; true with *imm set if insn is one. */
    bool (*decode_call)(uint32_t insn, unsigned *imm);
    /* Address a load/store would access now (see ldst_address). */
    bool (*ldst_address)(uc_engine *uc, uint32_t insn, uint64_t *addr);
} VcpuArchOps;

/* Why the current run asked Unicorn to stop. */
typedef enum StopWhy {
    STOP_NONE,
    STOP_LIMIT,   /* budget or watchdog reached at a block boundary */
    STOP_BLOCKED, /* blocking platform call */
    STOP_EXITED,  /* HS_PC_EXIT */
    STOP_FAULT,   /* fault recorded in v->fault */
} StopWhy;

/* user_data of one mapped MMIO page. */
typedef struct MmioPage {
    Vcpu *vcpu;            /* owner */
    uint64_t base;         /* guest address of the page */
    struct MmioPage *next; /* the vCPU's other mapped pages */
} MmioPage;

struct Vcpu {
    uc_engine *uc;            /* the engine (owned) */
    GuestMem *mem;            /* domain memory (one reference) */
    const Bus *bus;           /* MMIO devices, or NULL */
    MmioPage *pages;          /* mapped MMIO pages, a list (owned) */
    int domain;               /* domain index */
    int index;                /* vCPU index in the domain */
    const VcpuCoreType *core; /* core type */
    const VcpuArchOps *arch;  /* its architecture */
    uint64_t freq_khz;        /* current clock */
    uint64_t entry_pc;        /* hs_entry */
    uint64_t watchdog;        /* per-handler instruction limit */
    VcpuTrapFunc trap_fn;     /* platform-call handler */
    void *trap_ctx;           /* its context */
    VcpuState state;          /* lifecycle */
    uint64_t insns;           /* committed instructions since creation */
    uint64_t handler_insns;   /* committed in the current handler */
    uint64_t calls;           /* platform calls since creation */
    uint64_t run_insns;       /* instructions in the current run */
    uint64_t run_limit;       /* stop at a block once run_insns >= this;
                                 0 once a stop is requested */
    uint64_t blk_pc;          /* address of the current block */
    uint32_t blk_bytes;       /* its size in bytes */
    bool running;             /* inside uc_emu_start */
    uint64_t runs;            /* engine starts, for VCPU_TLB_REGROW_RUNS */
    StopWhy why;              /* why the run is stopping */
    hs_time seg_base_ps;      /* local time at the segment start */
    uint64_t seg_insns;       /* committed instructions in the segment */
    uint64_t seg_run_offset;  /* run_insns when the segment started */
    uint64_t result;          /* x0 at the sentinel */
    unsigned blocked_call;    /* HS_PC_* that blocked */
    uint64_t exit_status;     /* HS_PC_EXIT argument */
    VcpuFault fault;          /* valid when state is VCPU_DEAD */
    char error[160];          /* last API error */
    bool profile;             /* HANDSET_VCPU_PROFILE set at creation */
    uint64_t blocks;          /* translated blocks entered */
    uint64_t engine_ns;       /* host CPU time inside uc_emu_start */
};

/*
 * QEMU sizes its software TLB (per MMU mode) only when the TLB is flushed:
 * it starts at 256 entries (1 MiB of guest pages) and doubles at a flush
 * when most entries were in use since the last one. A guest that never
 * changes its translation regime never flushes, so a domain whose working
 * set is larger than 1 MiB (the UI composing a 360x640 frame touches
 * about 225 framebuffer pages besides its code, stack and sources) keeps
 * refilling entries: 3.4 M fills, each followed by a dirty-page write
 * fault (tlb_set_dirty), in one incoming-call-secret run of 740 M guest
 * instructions. Flushing every 64th engine start lets the TLB grow to the
 * working set (0.38 M fills in that run) at the cost of one refill
 * of what is live. The TLB only caches translations, so what the guest
 * computes and every count handset reports stay the same.
 */
#define VCPU_TLB_REGROW_RUNS 64

/* ---- time ------------------------------------------------------------ */

/* Local time after `pos` instructions of the current run. */
static hs_time time_at(const Vcpu *v, uint64_t pos)
{
    /* the host may move the clock in the middle of a block (an MMIO
     * access charged by the machine): positions before that point, such
     * as the block's start, are at the new segment's start */
    if (pos < v->seg_run_offset)
        pos = v->seg_run_offset;
    unsigned __int128 n = v->seg_insns + pos - v->seg_run_offset;
    /* ps = insns * cpi_milli / 1000 cycles * 1e12 / (khz * 1000) */
    n = n * v->core->cpi_milli * 1000000u / v->freq_khz;
    return v->seg_base_ps + (hs_time)n;
}

/* Starts a new time segment at run position pos. */
static void fold_segment(Vcpu *v, uint64_t pos)
{
    v->seg_base_ps = time_at(v, pos);
    v->seg_insns = 0;
    v->seg_run_offset = pos;
}

static uint64_t cur_pos(const Vcpu *v)
{
    return v->running ? v->run_insns : 0;
}

hs_time vcpu_local_time(const Vcpu *v)
{
    return time_at(v, cur_pos(v));
}

void vcpu_set_time(Vcpu *v, hs_time t)
{
    v->seg_base_ps = t;
    v->seg_insns = 0;
    v->seg_run_offset = cur_pos(v);
}

uint64_t vcpu_freq_khz(const Vcpu *v)
{
    return v->freq_khz;
}

void vcpu_set_freq_khz(Vcpu *v, uint64_t khz)
{
    if (khz == 0 || khz == v->freq_khz)
        return;
    fold_segment(v, cur_pos(v));
    v->freq_khz = khz;
}

/* ---- errors, faults and registers -------------------------------------- */

static void set_error(Vcpu *v, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void set_error(Vcpu *v, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->error, sizeof v->error, fmt, ap);
    va_end(ap);
}

/* The engine may still enter blocks after a stop is asked for: a zero
 * limit keeps them from being counted (the block hook then makes one
 * compare, not two). */
static void mark_stop(Vcpu *v, StopWhy why)
{
    if (v->why == STOP_NONE)
        v->why = why;
    v->run_limit = 0;
}

static void request_stop(Vcpu *v, StopWhy why)
{
    mark_stop(v, why);
    uc_emu_stop(v->uc);
}

/* run_insns before the current block (it is counted when it starts). */
static inline uint64_t blk_start(const Vcpu *v)
{
    return v->run_insns - (v->blk_bytes >> 2);
}

static void record_fault_at(Vcpu *v, VcpuFaultKind kind, uint64_t pc,
                            bool exact, uint64_t addr, uint32_t detail,
                            uint64_t pos)
{
    if (v->fault.kind != VCPU_FAULT_NONE)
        return; /* keep the first */
    v->fault = (VcpuFault){
        .domain = v->domain,
        .vcpu = v->index,
        .kind = kind,
        .pc = pc,
        .pc_exact = exact,
        .address = addr,
        .detail = detail,
        .when = time_at(v, pos),
    };
}

static void record_fault(Vcpu *v, VcpuFaultKind kind, uint64_t pc, bool exact,
                         uint64_t addr, uint32_t detail)
{
    record_fault_at(v, kind, pc, exact, addr, detail, blk_start(v));
}

static const int xregs[31] = {
    UC_ARM64_REG_X0,  UC_ARM64_REG_X1,  UC_ARM64_REG_X2,  UC_ARM64_REG_X3,
    UC_ARM64_REG_X4,  UC_ARM64_REG_X5,  UC_ARM64_REG_X6,  UC_ARM64_REG_X7,
    UC_ARM64_REG_X8,  UC_ARM64_REG_X9,  UC_ARM64_REG_X10, UC_ARM64_REG_X11,
    UC_ARM64_REG_X12, UC_ARM64_REG_X13, UC_ARM64_REG_X14, UC_ARM64_REG_X15,
    UC_ARM64_REG_X16, UC_ARM64_REG_X17, UC_ARM64_REG_X18, UC_ARM64_REG_X19,
    UC_ARM64_REG_X20, UC_ARM64_REG_X21, UC_ARM64_REG_X22, UC_ARM64_REG_X23,
    UC_ARM64_REG_X24, UC_ARM64_REG_X25, UC_ARM64_REG_X26, UC_ARM64_REG_X27,
    UC_ARM64_REG_X28, UC_ARM64_REG_X29, UC_ARM64_REG_X30,
};

static const int rregs[15] = {
    UC_ARM_REG_R0,  UC_ARM_REG_R1, UC_ARM_REG_R2,  UC_ARM_REG_R3,
    UC_ARM_REG_R4,  UC_ARM_REG_R5, UC_ARM_REG_R6,  UC_ARM_REG_R7,
    UC_ARM_REG_R8,  UC_ARM_REG_R9, UC_ARM_REG_R10, UC_ARM_REG_R11,
    UC_ARM_REG_R12, UC_ARM_REG_SP, UC_ARM_REG_LR,
};

static int uc_reg_id(const Vcpu *v, int n)
{
    const VcpuArchOps *a = v->arch;
    if (n >= 0 && n < a->n_gpr)
        return a->gpr[n];
    if (n == VCPU_REG_SP)
        return a->reg_sp;
    return n == 30 ? a->reg_lr : a->reg_pc;
}

uint64_t vcpu_reg(Vcpu *v, int n)
{
    uint64_t val = 0;
    if (v->arch->uc_arch == UC_ARCH_ARM) {
        uint32_t r = 0;
        uc_reg_read(v->uc, uc_reg_id(v, n), &r);
        return r;
    }
    uc_reg_read(v->uc, uc_reg_id(v, n), &val);
    return val;
}

void vcpu_set_reg(Vcpu *v, int n, uint64_t value)
{
    if (v->arch->uc_arch == UC_ARCH_ARM) {
        uint32_t r = (uint32_t)value;
        uc_reg_write(v->uc, uc_reg_id(v, n), &r);
        return;
    }
    uc_reg_write(v->uc, uc_reg_id(v, n), &value);
}

/* ---- hooks ------------------------------------------------------------- */

/* Counts the block about to run; false if the run stops before it. */
static inline bool count_block(Vcpu *v, uint64_t addr, uint32_t size)
{
    if (v->run_insns >= v->run_limit) {
        request_stop(v, STOP_LIMIT); /* or stopping already: not run now */
        return false;
    }
    v->blk_pc = addr;
    v->blk_bytes = size;
    v->run_insns += size >> 2;
    return true;
}

static void on_block(uc_engine *uc, uint64_t addr, uint32_t size, void *ud)
{
    (void)uc;
    count_block(ud, addr, size);
}

/* The same with the block counted for the host profile: a hook of its
 * own, so a run without the profile does no more work per block. */
static void on_block_profiled(uc_engine *uc, uint64_t addr, uint32_t size,
                              void *ud)
{
    Vcpu *v = ud;
    (void)uc;
    if (count_block(v, addr, size))
        v->blocks++;
}

static void on_intr(uc_engine *uc, uint32_t intno, void *ud)
{
    Vcpu *v = ud;
    (void)uc;
    uint64_t pc = vcpu_reg(v, VCPU_REG_PC);
    uint64_t hvc_pc = intno == VCPU_EXCP_HVC ? pc - 4 : pc;
    uint32_t insn = 0;
    unsigned imm = 0;
    bool is_hvc = (intno == VCPU_EXCP_HVC || intno == VCPU_EXCP_UDEF) &&
                  guest_mem_read(v->mem, hvc_pc, &insn, 4) == 0 &&
                  v->arch->decode_call(insn, &imm);
    if (!is_hvc) {
        VcpuFaultKind kind = intno == VCPU_EXCP_UDEF ? VCPU_FAULT_UNDEFINED
                                                     : VCPU_FAULT_EXCEPTION;
        /* SVC/HVC/SMC leave PC after the instruction; the others at it. */
        uint64_t fpc = (intno == VCPU_EXCP_SWI || intno == VCPU_EXCP_HVC ||
                        intno == VCPU_EXCP_SMC)
                           ? pc - 4
                           : pc;
        record_fault(v, kind, fpc, true, 0, intno);
        request_stop(v, STOP_FAULT);
        return;
    }
    VcpuTrap trap = {
        .call = imm, .pc = hvc_pc, .when = time_at(v, v->run_insns)};
    for (int i = 0; i < 4; i++)
        trap.args[i] = vcpu_reg(v, i);
    uint64_t ret = (uint64_t)(int64_t)HS_EINVAL;
    VcpuTrapAction act = VCPU_TRAP_CONTINUE;
    v->calls++;
    if (v->trap_fn)
        act = v->trap_fn(v->trap_ctx, v, &trap, &ret);
    if (act != VCPU_TRAP_EXIT)
        vcpu_set_reg(v, 0, ret);
    if (intno == VCPU_EXCP_UDEF)
        vcpu_set_reg(v, VCPU_REG_PC, hvc_pc + 4);
    if (act == VCPU_TRAP_BLOCK) {
        v->blocked_call = trap.call;
        request_stop(v, STOP_BLOCKED);
    } else if (act == VCPU_TRAP_EXIT) {
        v->exit_status = trap.args[0];
        request_stop(v, STOP_EXITED);
    }
}

/* ---- locating a faulting data access ------------------------------------
 * Unicorn (2.1.1 as 2.0.1) leaves PC at the block start when a data access
 * faults, but the registers are up to date (QEMU syncs them before every
 * memory operation). So each load/store of the block is decoded and its
 * address computed from the current registers; if exactly one of them
 * addresses the faulting location, that is the faulting instruction. If
 * none or several do, the block start is reported (pc_exact false). */

static uint64_t xreg_or_sp(uc_engine *uc, unsigned n)
{
    uint64_t val = 0;
    uc_reg_read(uc, n == 31 ? UC_ARM64_REG_SP : xregs[n], &val);
    return val;
}

static uint64_t xreg_or_zr(uc_engine *uc, unsigned n)
{
    return n == 31 ? 0 : xreg_or_sp(uc, n);
}

static int64_t sext(uint64_t v, unsigned bits)
{
    uint64_t m = 1ULL << (bits - 1);
    v &= (1ULL << bits) - 1;
    return (int64_t)((v ^ m) - m);
}

/* Register-offset operand: Rm extended by option, shifted by `shift`. */
static uint64_t extended_reg(uc_engine *uc, uint32_t insn, unsigned shift)
{
    uint64_t rm = xreg_or_zr(uc, (insn >> 16) & 31);
    switch ((insn >> 13) & 7) {
    case 2: /* UXTW */
        rm = (uint32_t)rm;
        break;
    case 6: /* SXTW */
        rm = (uint64_t)(int64_t)(int32_t)rm;
        break;
    default: /* LSL / UXTX / SXTX */
        break;
    }
    return rm << shift;
}

/* Computes the address a load/store would access now. Returns false if
 * insn is not a (decoded) load/store. */
static bool ldst_address(uc_engine *uc, uint32_t insn, uint64_t *addr)
{
    unsigned rn = (insn >> 5) & 31;
    unsigned size = insn >> 30;
    bool simd = (insn >> 26) & 1;
    unsigned opc = (insn >> 22) & 3;
    unsigned scale = simd && size == 0 && (opc & 2) ? 4 : size;
    if ((insn & 0x3b000000u) == 0x39000000u) { /* unsigned immediate */
        *addr = xreg_or_sp(uc, rn) + (((insn >> 10) & 0xfff) << scale);
        return true;
    }
    if ((insn & 0x3b200c00u) == 0x38200800u) { /* register offset */
        unsigned s = (insn >> 12) & 1 ? scale : 0;
        *addr = xreg_or_sp(uc, rn) + extended_reg(uc, insn, s);
        return true;
    }
    if ((insn & 0x3b200000u) == 0x38000000u) { /* imm9: unscaled/pre/post */
        bool post = ((insn >> 10) & 3) == 1;
        *addr = xreg_or_sp(uc, rn) + (post ? 0 : (uint64_t)sext(insn >> 12, 9));
        return true;
    }
    if ((insn & 0x3a000000u) == 0x28000000u) { /* pair */
        unsigned pscale = simd ? 2 + (insn >> 30) : 2 + (insn >> 31);
        bool post = ((insn >> 23) & 3) == 1;
        int64_t off = sext(insn >> 15, 7) * ((int64_t)1 << pscale);
        *addr = xreg_or_sp(uc, rn) + (post ? 0 : (uint64_t)off);
        return true;
    }
    if ((insn & 0x3f000000u) == 0x08000000u || /* exclusive, acq/rel */
        (insn & 0xbf9f0000u) == 0x0c000000u || /* SIMD structures */
        (insn & 0xbf800000u) == 0x0c800000u) {
        *addr = xreg_or_sp(uc, rn);
        return true;
    }
    return false;
}

/* A32: single data transfers (LDR/STR/LDRB/STRB, immediate offset) and
 * extra loads/stores (LDRH/STRH/LDRD/STRD/LDRSB/LDRSH, immediate
 * offset). Register offsets and LDM/STM are not decoded, so a fault
 * there is reported at the block start. */
static uint64_t a32_reg(uc_engine *uc, unsigned n)
{
    static const int ids[16] = {
        UC_ARM_REG_R0,  UC_ARM_REG_R1, UC_ARM_REG_R2,  UC_ARM_REG_R3,
        UC_ARM_REG_R4,  UC_ARM_REG_R5, UC_ARM_REG_R6,  UC_ARM_REG_R7,
        UC_ARM_REG_R8,  UC_ARM_REG_R9, UC_ARM_REG_R10, UC_ARM_REG_R11,
        UC_ARM_REG_R12, UC_ARM_REG_SP, UC_ARM_REG_LR,  UC_ARM_REG_PC,
    };
    uint32_t r = 0;
    uc_reg_read(uc, ids[n & 15], &r);
    return r;
}

static bool a32_ldst_address(uc_engine *uc, uint32_t insn, uint64_t *addr)
{
    if ((insn >> 28) == 0xf)
        return false; /* unconditional space */
    unsigned rn = (insn >> 16) & 15;
    bool pre = (insn >> 24) & 1, up = (insn >> 23) & 1;
    uint32_t off;
    if ((insn & 0x0e000000u) == 0x04000000u) { /* LDR/STR imm12 */
        off = insn & 0xfff;
    } else if ((insn & 0x0e400090u) == 0x00400090u && (insn & 0x60)) {
        off = ((insn >> 4) & 0xf0) | (insn & 0xf); /* extra, imm8 */
    } else {
        return false;
    }
    uint32_t base = (uint32_t)a32_reg(uc, rn);
    if (rn == 15)
        base += 8;
    if (pre)
        base = up ? base + off : base - off;
    *addr = base;
    return true;
}

static bool a32_decode_call(uint32_t insn, unsigned *imm)
{
    if ((insn & 0xfff000f0u) != (0xe0000000u | A32_HVC_BITS))
        return false;
    *imm = (((insn >> 8) & 0xfff) << 4) | (insn & 0xf);
    return true;
}

static bool a64_decode_call(uint32_t insn, unsigned *imm)
{
    if ((insn & HVC_MASK) != HVC_BITS)
        return false;
    *imm = (insn >> 5) & 0xffff;
    return true;
}

static const VcpuArchOps arch_a64 = {
    .uc_arch = UC_ARCH_ARM64,
    .uc_mode = UC_MODE_ARM,
    .gpr = xregs,
    .n_gpr = 31,
    .reg_sp = UC_ARM64_REG_SP,
    .reg_lr = UC_ARM64_REG_X30,
    .reg_pc = UC_ARM64_REG_PC,
    .decode_call = a64_decode_call,
    .ldst_address = ldst_address,
};

static const VcpuArchOps arch_a32 = {
    .uc_arch = UC_ARCH_ARM,
    .uc_mode = UC_MODE_ARM,
    .gpr = rregs,
    .n_gpr = 15,
    .reg_sp = UC_ARM_REG_SP,
    .reg_lr = UC_ARM_REG_LR,
    .reg_pc = UC_ARM_REG_PC,
    .decode_call = a32_decode_call,
    .ldst_address = a32_ldst_address,
};

/* Finds the instruction of the current block that accesses addr. */
static bool locate_access(Vcpu *v, uint64_t addr, uint64_t *pc)
{
    const uint8_t *code =
        v->blk_bytes ? guest_mem_ptr(v->mem, v->blk_pc, v->blk_bytes) : NULL;
    if (!code)
        return false;
    int found = 0;
    for (uint32_t off = 0; off < v->blk_bytes; off += 4) {
        uint32_t insn;
        memcpy(&insn, code + off, 4);
        uint64_t a;
        /* an access may fault part-way (pairs, vectors, page crossing) */
        if (v->arch->ldst_address(v->uc, insn, &a) && addr - a < 64) {
            if (found++ == 0)
                *pc = v->blk_pc + off;
        }
    }
    return found == 1;
}

static void data_fault(Vcpu *v, VcpuFaultKind kind, uint64_t addr,
                       uint32_t size)
{
    uint64_t pc = v->blk_pc;
    bool exact = locate_access(v, addr, &pc);
    record_fault(v, kind, exact ? pc : v->blk_pc, exact, addr, size);
}

static bool on_unmapped(uc_engine *uc, uc_mem_type type, uint64_t addr,
                        int size, int64_t value, void *ud)
{
    Vcpu *v = ud;
    (void)uc;
    (void)value;
    if (type == UC_MEM_FETCH_UNMAPPED)
        record_fault(v, VCPU_FAULT_UNMAPPED_FETCH, addr, true, addr,
                     (uint32_t)size);
    else
        data_fault(v,
                   type == UC_MEM_WRITE_UNMAPPED ? VCPU_FAULT_UNMAPPED_WRITE
                                                 : VCPU_FAULT_UNMAPPED_READ,
                   addr, (uint32_t)size);
    mark_stop(v, STOP_FAULT);
    return false;
}

static BusAccess mmio_access(const Vcpu *v)
{
    return (BusAccess){.when = time_at(v, blk_start(v)), .domain = v->domain};
}

static uint64_t on_mmio_read(uc_engine *uc, uint64_t offset, unsigned size,
                             void *ud)
{
    MmioPage *pg = ud;
    Vcpu *v = pg->vcpu;
    (void)uc;
    uint64_t val = 0;
    if (v->why == STOP_FAULT)
        return 0;
    BusAccess acc = mmio_access(v);
    if (!v->bus || !bus_read(v->bus, pg->base + offset, size, &acc, &val)) {
        data_fault(v, VCPU_FAULT_MMIO_NO_DEVICE, pg->base + offset, size);
        request_stop(v, STOP_FAULT);
        return 0;
    }
    return val;
}

static void on_mmio_write(uc_engine *uc, uint64_t offset, unsigned size,
                          uint64_t value, void *ud)
{
    MmioPage *pg = ud;
    Vcpu *v = pg->vcpu;
    (void)uc;
    if (v->why == STOP_FAULT)
        return;
    BusAccess acc = mmio_access(v);
    if (!v->bus || !bus_write(v->bus, pg->base + offset, value, size, &acc)) {
        data_fault(v, VCPU_FAULT_MMIO_NO_DEVICE, pg->base + offset, size);
        request_stop(v, STOP_FAULT);
    }
}

/* ---- host profile ---------------------------------------------------------
 * HANDSET_VCPU_PROFILE=1 makes every vCPU print, when it is freed, what
 * it cost the host: guest instructions, translated blocks entered, engine
 * starts and the thread's CPU time inside uc_emu_start. It reads the
 * host's clock only, so nothing the simulation computes changes. */

static uint64_t thread_cpu_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void print_profile(const Vcpu *v)
{
    double s = (double)v->engine_ns / 1e9;
    fprintf(stderr,
            "vcpu-profile: domain %d vcpu %d core %s: %llu instructions, "
            "%llu blocks (%.1f instructions each), %llu engine starts, "
            "%.3f s CPU in the engine, %.0f MIPS\n",
            v->domain, v->index, v->core->name, (unsigned long long)v->insns,
            (unsigned long long)v->blocks,
            v->blocks ? (double)v->insns / (double)v->blocks : 0.0,
            (unsigned long long)v->runs, s,
            s > 0 ? (double)v->insns / s / 1e6 : 0.0);
}

/* ---- creation ------------------------------------------------------------ */

static bool page_mapped(const Vcpu *v, uint64_t base)
{
    for (const MmioPage *pg = v->pages; pg; pg = pg->next)
        if (pg->base == base)
            return true;
    return false;
}

/* Maps every bus page not mapped yet; each page is its own allocation
 * because Unicorn keeps a pointer to it. */
static int map_bus_pages(Vcpu *v, char *err, size_t err_size)
{
    const Bus *bus = v->bus;
    for (size_t i = 0; i < bus->len; i++) {
        uint64_t lo = bus->maps[i].base & ~(VCPU_PAGE - 1);
        uint64_t hi = bus->maps[i].base + bus->maps[i].size;
        for (uint64_t p = lo; p < hi; p += VCPU_PAGE) {
            if (page_mapped(v, p))
                continue;
            MmioPage *pg = calloc(1, sizeof *pg);
            if (!pg) {
                snprintf(err, err_size, "out of memory");
                return -1;
            }
            *pg = (MmioPage){.vcpu = v, .base = p, .next = v->pages};
            v->pages = pg;
            uc_err e = uc_mmio_map(v->uc, p, VCPU_PAGE, on_mmio_read, pg,
                                   on_mmio_write, pg);
            if (e != UC_ERR_OK) {
                snprintf(err, err_size,
                         "cannot map MMIO page 0x%llx of device %s: %s",
                         (unsigned long long)p, bus->maps[i].dev->name,
                         uc_strerror(e));
                return -1;
            }
        }
    }
    return 0;
}

int vcpu_unicorn_version(char *buf, size_t size)
{
    unsigned major = 0, minor = 0;
    unsigned v = uc_version(&major, &minor);
    int n = snprintf(buf, size, "%u.%u.%u", major, minor, (v >> 8) & 0xff);
    return n < 0 || (size_t)n >= size ? -1 : 0;
}

int vcpu_map_bus(Vcpu *v, char *err, size_t err_size)
{
    return v->bus ? map_bus_pages(v, err, err_size) : 0;
}

Vcpu *vcpu_new(GuestMem *mem, const VcpuConfig *cfg, char *err, size_t err_size)
{
    const VcpuCoreType *core =
        cfg->core ? cfg->core : vcpu_core_type_find("little");
    if (!mem || !core) {
        snprintf(err, err_size, "vcpu_new: no memory or core type");
        return NULL;
    }
    Vcpu *v = calloc(1, sizeof *v);
    if (!v) {
        snprintf(err, err_size, "out of memory");
        return NULL;
    }
    v->mem = guest_mem_ref(mem);
    v->bus = cfg->bus;
    v->domain = cfg->domain;
    v->index = cfg->index;
    v->core = core;
    v->arch = core->arch == VCPU_ARCH_A32 ? &arch_a32 : &arch_a64;
    v->freq_khz = cfg->freq_khz ? cfg->freq_khz : core->default_khz;
    v->entry_pc = cfg->entry_pc;
    v->watchdog =
        cfg->watchdog_insns ? cfg->watchdog_insns : VCPU_WATCHDOG_DEFAULT;
    v->state = VCPU_IDLE;
    const char *prof = getenv("HANDSET_VCPU_PROFILE");
    v->profile = prof && *prof && strcmp(prof, "0") != 0;

    uc_err e = uc_open(v->arch->uc_arch, v->arch->uc_mode, &v->uc);
    if (e != UC_ERR_OK) {
        snprintf(err, err_size, "uc_open: %s", uc_strerror(e));
        v->uc = NULL;
        goto fail;
    }
    e = uc_ctl_set_cpu_model(v->uc, core->uc_model);
    if (e != UC_ERR_OK) {
        snprintf(err, err_size, "cannot select CPU model for %s: %s",
                 core->name, uc_strerror(e));
        goto fail;
    }
    for (int i = 0; i < GUEST_REGIONS; i++) {
        GuestRegion *r = &mem->regions[i];
        if (!r->host || !r->size)
            continue; /* absent in this processor's map */
        e = uc_mem_map_ptr(v->uc, r->base, r->size, UC_PROT_ALL, r->host);
        if (e != UC_ERR_OK) {
            snprintf(err, err_size, "cannot map guest %s: %s", r->name,
                     uc_strerror(e));
            goto fail;
        }
    }
    if (v->bus && map_bus_pages(v, err, err_size) < 0)
        goto fail;
    uc_hook h;
    void *block_fn = v->profile ? (void *)on_block_profiled : (void *)on_block;
    /* Uncounted: what the engine costs without the accounting, for the
     * guest_bare benchmarks. Nothing counts, so a run ignores its budget
     * and ends only at the handler's return, a blocking call or a fault;
     * there is no watchdog, which is why nothing but trusted benchmark
     * workloads may run this way. */
    if ((!cfg->uncounted &&
         uc_hook_add(v->uc, &h, UC_HOOK_BLOCK, block_fn, v, 1, 0)) ||
        uc_hook_add(v->uc, &h, UC_HOOK_INTR, (void *)on_intr, v, 1, 0) ||
        uc_hook_add(v->uc, &h, UC_HOOK_MEM_UNMAPPED, (void *)on_unmapped, v, 1,
                    0)) {
        snprintf(err, err_size, "cannot install Unicorn hooks");
        goto fail;
    }
    if (core->arch == VCPU_ARCH_A32)
        return v; /* soft-float firmware: no FP or EL setup */
    /* FP/SIMD at EL1 and EL0: CPACR_EL1.FPEN = 0b11. */
    uint64_t cpacr = 3ULL << 20;
    uc_reg_write(v->uc, UC_ARM64_REG_CPACR_EL1, &cpacr);
    /* SCR_EL3.HCE (bit 8) makes HVC a hypervisor call, and RW (bit 10)
     * makes EL2 AArch64. If the model has no EL3, HVC arrives as an
     * undefined instruction and on_intr recognises it. */
    uc_arm64_cp_reg scr = {.op0 = 3, .op1 = 6, .crn = 1, .crm = 1, .op2 = 0};
    if (uc_reg_read(v->uc, UC_ARM64_REG_CP_REG, &scr) == UC_ERR_OK) {
        scr.val |= (1ULL << 8) | (1ULL << 10);
        uc_reg_write(v->uc, UC_ARM64_REG_CP_REG, &scr);
    }
    return v;
fail:
    vcpu_free(v);
    return NULL;
}

void vcpu_free(Vcpu *v)
{
    if (!v)
        return;
    if (v->profile && v->runs)
        print_profile(v);
    if (v->uc)
        uc_close(v->uc);
    while (v->pages) {
        MmioPage *next = v->pages->next;
        free(v->pages);
        v->pages = next;
    }
    guest_mem_unref(v->mem);
    free(v);
}

void vcpu_set_trap(Vcpu *v, VcpuTrapFunc fn, void *ctx)
{
    v->trap_fn = fn;
    v->trap_ctx = ctx;
}

/* ---- running ------------------------------------------------------------- */

int vcpu_enter(Vcpu *v, uint32_t event, uint64_t a0, uint64_t a1)
{
    if (v->state != VCPU_IDLE) {
        set_error(v, "vcpu_enter: vCPU %d of domain %d is %s, not idle",
                  v->index, v->domain, vcpu_state_name(v->state));
        return -1;
    }
    vcpu_set_reg(v, 0, event);
    vcpu_set_reg(v, 1, a0);
    vcpu_set_reg(v, 2, a1);
    vcpu_set_reg(v, 30, HS_SENTINEL_ADDR);
    vcpu_set_reg(v, VCPU_REG_SP, HS_TASK_STACK(v->index, 0));
    vcpu_set_reg(v, VCPU_REG_PC, v->entry_pc);
    v->handler_insns = 0;
    v->result = 0;
    v->state = VCPU_READY;
    return 0;
}

static void commit_run(Vcpu *v)
{
    v->insns += v->run_insns;
    v->handler_insns += v->run_insns;
    v->seg_insns += v->run_insns - v->seg_run_offset;
    v->seg_run_offset = 0;
    v->running = false;
}

static VcpuRunResult die(Vcpu *v)
{
    v->state = VCPU_DEAD;
    return VCPU_RUN_FAULT;
}

VcpuRunResult vcpu_run(Vcpu *v, uint64_t budget)
{
    if (v->state != VCPU_READY && v->state != VCPU_BLOCKED) {
        set_error(v, "vcpu_run: vCPU %d of domain %d is %s", v->index,
                  v->domain,
                  v->state == VCPU_IDLE ? "idle (no event entered)"
                                        : vcpu_state_name(v->state));
        return VCPU_RUN_ERROR;
    }
    if (budget == 0) {
        set_error(v, "vcpu_run: budget must be at least 1 instruction");
        return VCPU_RUN_ERROR;
    }
    uint64_t wd_left =
        v->watchdog > v->handler_insns ? v->watchdog - v->handler_insns : 0;
    v->run_insns = 0;
    v->run_limit = budget < wd_left ? budget : wd_left;
    v->why = STOP_NONE;
    v->state = VCPU_READY;
    uint64_t pc = vcpu_reg(v, VCPU_REG_PC);
    v->blk_pc = pc;
    v->blk_bytes = 0;
    uc_err e = UC_ERR_OK;
    if (wd_left > 0) {
        v->running = true;
        if ((++v->runs & (VCPU_TLB_REGROW_RUNS - 1)) == 0)
            uc_ctl_flush_tlb(v->uc);
        uint64_t t0 = v->profile ? thread_cpu_ns() : 0;
        e = uc_emu_start(v->uc, pc, HS_SENTINEL_ADDR, 0, 0);
        if (v->profile)
            v->engine_ns += thread_cpu_ns() - t0;
    } else {
        v->why = STOP_LIMIT;
    }
    commit_run(v);

    if (v->fault.kind != VCPU_FAULT_NONE)
        return die(v);
    if (e == UC_ERR_INSN_INVALID) {
        /* the A32 engine reports UDF this way, PC at the instruction */
        record_fault(v, VCPU_FAULT_UNDEFINED, vcpu_reg(v, VCPU_REG_PC), true, 0,
                     0);
        return die(v);
    }
    if (e != UC_ERR_OK) {
        record_fault(v, VCPU_FAULT_EMULATOR, vcpu_reg(v, VCPU_REG_PC), false, 0,
                     (uint32_t)e);
        return die(v);
    }
    switch (v->why) {
    case STOP_BLOCKED:
        v->state = VCPU_BLOCKED;
        return VCPU_RUN_BLOCKED;
    case STOP_EXITED:
        v->state = VCPU_EXITED;
        return VCPU_RUN_EXITED;
    default:
        break;
    }
    pc = vcpu_reg(v, VCPU_REG_PC);
    if (pc == HS_SENTINEL_ADDR) {
        v->result = vcpu_reg(v, 0);
        v->state = VCPU_IDLE;
        return VCPU_RUN_DONE;
    }
    if (v->why == STOP_LIMIT) {
        if (v->handler_insns >= v->watchdog) {
            record_fault_at(v, VCPU_FAULT_WATCHDOG, pc, true, 0, 0, 0);
            return die(v);
        }
        return VCPU_RUN_PREEMPTED;
    }
    record_fault(v, VCPU_FAULT_EMULATOR, pc, true, 0, (uint32_t)UC_ERR_OK);
    return die(v);
}

/* ---- contexts ------------------------------------------------------------ */

struct VcpuContext {
    uc_context *uc;         /* the engine's CPU state */
    VcpuState state;        /* the handler's lifecycle */
    uint64_t handler_insns; /* its instructions so far (watchdog) */
    uint64_t result;        /* x0 at the sentinel, if it returned */
    unsigned blocked_call;  /* the call it blocked in */
};

VcpuContext *vcpu_context_new(Vcpu *v, char *err, size_t err_size)
{
    VcpuContext *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, err_size, "out of memory");
        return NULL;
    }
    uc_err e = uc_context_alloc(v->uc, &c->uc);
    if (e != UC_ERR_OK) {
        snprintf(err, err_size, "uc_context_alloc: %s", uc_strerror(e));
        free(c);
        return NULL;
    }
    if (vcpu_context_save(v, c) < 0) {
        snprintf(err, err_size, "%s", v->error);
        vcpu_context_free(c);
        return NULL;
    }
    if (c->state != VCPU_READY && c->state != VCPU_BLOCKED)
        c->state = VCPU_IDLE;
    return c;
}

void vcpu_context_free(VcpuContext *c)
{
    if (!c)
        return;
    if (c->uc)
        uc_context_free(c->uc);
    free(c);
}

int vcpu_context_save(Vcpu *v, VcpuContext *c)
{
    if (v->running) {
        set_error(v, "vcpu_context_save: inside a run");
        return -1;
    }
    uc_err e = uc_context_save(v->uc, c->uc);
    if (e != UC_ERR_OK) {
        set_error(v, "uc_context_save: %s", uc_strerror(e));
        return -1;
    }
    c->state = v->state;
    c->handler_insns = v->handler_insns;
    c->result = v->result;
    c->blocked_call = v->blocked_call;
    return 0;
}

int vcpu_context_restore(Vcpu *v, const VcpuContext *c)
{
    if (v->running || v->state == VCPU_DEAD || v->state == VCPU_EXITED) {
        set_error(v, "vcpu_context_restore: vCPU %d of domain %d is %s",
                  v->index, v->domain,
                  v->running ? "running" : vcpu_state_name(v->state));
        return -1;
    }
    uc_err e = uc_context_restore(v->uc, c->uc);
    if (e != UC_ERR_OK) {
        set_error(v, "uc_context_restore: %s", uc_strerror(e));
        return -1;
    }
    v->state = c->state;
    v->handler_insns = c->handler_insns;
    v->result = c->result;
    v->blocked_call = c->blocked_call;
    return 0;
}

VcpuState vcpu_context_state(const VcpuContext *c)
{
    return c->state;
}

unsigned vcpu_context_blocked_call(const VcpuContext *c)
{
    return c->blocked_call;
}

/* ---- accessors ------------------------------------------------------------
 */

VcpuState vcpu_state(const Vcpu *v)
{
    return v->state;
}

const char *vcpu_state_name(VcpuState s)
{
    switch (s) {
    case VCPU_IDLE:
        return "idle";
    case VCPU_READY:
        return "ready";
    case VCPU_BLOCKED:
        return "blocked";
    case VCPU_EXITED:
        return "exited";
    case VCPU_DEAD:
        return "dead";
    }
    return "?";
}

uint64_t vcpu_result(const Vcpu *v)
{
    return v->result;
}

unsigned vcpu_blocked_call(const Vcpu *v)
{
    return v->blocked_call;
}

uint64_t vcpu_exit_status(const Vcpu *v)
{
    return v->exit_status;
}

const VcpuFault *vcpu_fault(const Vcpu *v)
{
    return v->state == VCPU_DEAD ? &v->fault : NULL;
}

const char *vcpu_last_error(const Vcpu *v)
{
    return v->error;
}

uint64_t vcpu_instructions(const Vcpu *v)
{
    return v->insns;
}

uint64_t vcpu_handler_instructions(const Vcpu *v)
{
    return v->handler_insns;
}

uint64_t vcpu_cycles(const Vcpu *v)
{
    return (uint64_t)((unsigned __int128)v->insns * v->core->cpi_milli / 1000u);
}

uint64_t vcpu_platform_calls(const Vcpu *v)
{
    return v->calls;
}

const VcpuCoreType *vcpu_core(const Vcpu *v)
{
    return v->core;
}

int vcpu_domain(const Vcpu *v)
{
    return v->domain;
}

GuestMem *vcpu_mem(Vcpu *v)
{
    return v->mem;
}

/* ---- faults ----------------------------------------------------------------
 */

const char *vcpu_fault_kind_name(VcpuFaultKind kind)
{
    static const char *const names[] = {
        [VCPU_FAULT_NONE] = "none",
        [VCPU_FAULT_UNMAPPED_READ] = "unmapped-read",
        [VCPU_FAULT_UNMAPPED_WRITE] = "unmapped-write",
        [VCPU_FAULT_UNMAPPED_FETCH] = "unmapped-fetch",
        [VCPU_FAULT_MMIO_NO_DEVICE] = "mmio-no-device",
        [VCPU_FAULT_UNDEFINED] = "undefined-instruction",
        [VCPU_FAULT_EXCEPTION] = "exception",
        [VCPU_FAULT_WATCHDOG] = "watchdog",
        [VCPU_FAULT_EMULATOR] = "emulator-error",
    };
    if ((unsigned)kind < sizeof names / sizeof names[0])
        return names[kind];
    return "?";
}

int vcpu_fault_format(const VcpuFault *f, char *buf, size_t size)
{
    char who[40];
    if (f->domain == VCPU_DOMAIN_BASEBAND)
        snprintf(who, sizeof who, "baseband");
    else
        snprintf(who, sizeof who, "domain %d vcpu %d", f->domain, f->vcpu);
    char when[32];
    sim_format_duration(f->when, when, sizeof when);
    const char *pcnote = f->pc_exact ? "" : " (start of the block)";
    switch (f->kind) {
    case VCPU_FAULT_UNMAPPED_READ:
    case VCPU_FAULT_UNMAPPED_WRITE:
    case VCPU_FAULT_MMIO_NO_DEVICE:
    case VCPU_FAULT_UNMAPPED_FETCH:
        return snprintf(buf, size,
                        "%s fault: %s of %u bytes at address "
                        "0x%llx, pc 0x%llx%s, at %s",
                        who, vcpu_fault_kind_name(f->kind), f->detail,
                        (unsigned long long)f->address,
                        (unsigned long long)f->pc, pcnote, when);
    case VCPU_FAULT_EXCEPTION:
        return snprintf(buf, size,
                        "%s fault: unexpected CPU exception %u "
                        "at pc 0x%llx, at %s",
                        who, f->detail, (unsigned long long)f->pc, when);
    case VCPU_FAULT_EMULATOR:
        return snprintf(buf, size,
                        "%s fault: emulator stopped (%s) at "
                        "pc 0x%llx, at %s",
                        who, uc_strerror((uc_err)f->detail),
                        (unsigned long long)f->pc, when);
    default:
        return snprintf(buf, size, "%s fault: %s at pc 0x%llx%s, at %s", who,
                        vcpu_fault_kind_name(f->kind),
                        (unsigned long long)f->pc, pcnote, when);
    }
}
