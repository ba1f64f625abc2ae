/*
 * baseband.c - the baseband processor: its memory, bus and devices, the
 * firmware's runs on the A32 vCPU, power states and faults (baseband.h).
 */
#include "baseband/baseband.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baseband/firmware/bb_abi.h"
#include "net/ip.h"

/* The system-control window: clock and log. */
typedef struct BbSys {
    Device dev;      /* base: must stay first */
    Baseband *bb;    /* owner */
    uint32_t now_hi; /* latched by NOW_LO */
} BbSys;

enum { CPU_OFF, CPU_SLEEP, CPU_RUN };

struct Baseband {
    Sim *sim;              /* event kernel */
    PowerMeter *meter;     /* may be NULL */
    int cpu_comp;          /* "baseband-cpu", -1 without a meter */
    BbConfig cfg;          /* copied */
    GuestMem *mem;         /* the firmware's RAM */
    GuestDma dma;          /* devices' access to it */
    ElfImage img;          /* the loaded firmware */
    Vcpu *vcpu;            /* the A32 core */
    Bus bus;               /* its MMIO devices */
    IpcMailbox *mb;        /* shared with the AP (not owned) */
    IpcEnd ipc;            /* BB_MMIO_IPC */
    Rrc rrc;               /* the radio's RRC state */
    BbRadio radio;         /* BB_MMIO_RADIO */
    BbMic mic;             /* BB_MMIO_MIC */
    BbSys sys;             /* BB_MMIO_SYS */
    uint32_t irq_level;    /* BB_IRQ_* lines high */
    bool booted;           /* HS_EV_BOOT has run */
    bool dead;             /* faulted */
    bool devices_ready;    /* RRC, radio and mic path initialised */
    SimEvent run_ev;       /* the next handler run */
    hs_time busy_until;    /* end of the last run (local time) */
    uint64_t runs;         /* handler runs */
    VcpuFault fault;       /* valid when dead */
    char fault_text[256];  /* its description */
    BbLogEntry *log;       /* BB_SYS_LOG values (owned) */
    size_t n_log, cap_log; /* used, allocated */
};

/* ---- system control -------------------------------------------------- */

static uint64_t sys_read(Device *dev, uint64_t off, unsigned size,
                         const BusAccess *acc)
{
    BbSys *s = (BbSys *)dev;
    (void)size;
    uint64_t ns = acc->when / HS_NS;
    switch (off) {
    case BB_SYS_NOW_LO:
        s->now_hi = (uint32_t)(ns >> 32);
        return (uint32_t)ns;
    case BB_SYS_NOW_HI:
        return s->now_hi;
    default:
        device_guest_error(dev, "read of unknown offset 0x%llx",
                           (unsigned long long)off);
        return 0;
    }
}

static void sys_write(Device *dev, uint64_t off, uint64_t value, unsigned size,
                      const BusAccess *acc)
{
    BbSys *s = (BbSys *)dev;
    Baseband *bb = s->bb;
    (void)size;
    if (off != BB_SYS_LOG) {
        device_guest_error(dev, "write of unknown offset 0x%llx",
                           (unsigned long long)off);
        return;
    }
    if (bb->n_log == bb->cap_log) {
        size_t cap = bb->cap_log ? 2 * bb->cap_log : 64;
        BbLogEntry *p = realloc(bb->log, cap * sizeof *p);
        if (!p)
            return;
        bb->log = p;
        bb->cap_log = cap;
    }
    bb->log[bb->n_log++] = (BbLogEntry){(uint32_t)value, acc->when};
}

static const DeviceOps bb_sys_ops = {
    .type = "bb-sys",
    .read = sys_read,
    .write = sys_write,
};

/* ---- running the firmware -------------------------------------------- */

static void cpu_state(Baseband *bb, int state, hs_time when)
{
    if (bb->cpu_comp >= 0)
        power_set_state(bb->meter, bb->cpu_comp, state, NULL, when);
}

static void kick(Baseband *bb)
{
    if (bb->dead || !bb->booted || sim_event_pending(&bb->run_ev))
        return;
    hs_time now = sim_now(bb->sim);
    sim_schedule_at(bb->sim, &bb->run_ev,
                    bb->busy_until > now ? bb->busy_until : now);
}

static void die(Baseband *bb, hs_time when)
{
    bb->dead = true;
    const VcpuFault *f = vcpu_fault(bb->vcpu);
    if (f) {
        bb->fault = *f;
    } else {
        bb->fault = (VcpuFault){.domain = VCPU_DOMAIN_BASEBAND,
                                .kind = VCPU_FAULT_EXCEPTION,
                                .pc = vcpu_reg(bb->vcpu, VCPU_REG_PC),
                                .pc_exact = true,
                                .when = when};
    }
    vcpu_fault_format(&bb->fault, bb->fault_text, sizeof bb->fault_text);
    sim_cancel(bb->sim, &bb->run_ev);
    bb_radio_set_dead(&bb->radio, when);
    ipc_mailbox_set_dead(bb->mb);
    bb_mic_shutdown(&bb->mic, when);
    cpu_state(bb, CPU_OFF, when);
}

static void on_run(Sim *sim, void *ctx, hs_time now)
{
    Baseband *bb = ctx;
    (void)sim;
    if (bb->dead)
        return;
    uint32_t ev = bb->booted ? HS_EV_IRQ : HS_EV_BOOT;
    uint32_t mask = bb->irq_level;
    if (bb->booted && mask == 0)
        return;
    vcpu_set_time(bb->vcpu, now);
    if (vcpu_enter(bb->vcpu, ev, mask, 0) < 0) {
        die(bb, now);
        return;
    }
    bb->runs++;
    cpu_state(bb, CPU_RUN, now);
    VcpuRunResult r;
    do {
        r = vcpu_run(bb->vcpu, BB_QUANTUM_INSNS);
    } while (r == VCPU_RUN_PREEMPTED);
    hs_time end = vcpu_local_time(bb->vcpu);
    if (r != VCPU_RUN_DONE) {
        /* a fault, or a platform call the firmware has no business with */
        die(bb, end);
        return;
    }
    cpu_state(bb, CPU_SLEEP, end);
    bb->busy_until = end;
    bb->booted = true;
    if (bb->irq_level)
        kick(bb);
}

static void on_irq(void *ctx, int line, bool level)
{
    Baseband *bb = ctx;
    uint32_t bit = 1u << line;
    if (level)
        bb->irq_level |= bit;
    else
        bb->irq_level &= ~bit;
    if (level)
        kick(bb);
}

/* ---- DMA into the firmware's RAM --------------------------------------- */

static int ram_read(void *ctx, int domain, uint64_t addr, void *buf, size_t len)
{
    (void)domain;
    return guest_mem_read(ctx, addr, buf, len);
}

static int ram_write(void *ctx, int domain, uint64_t addr, const void *buf,
                     size_t len)
{
    (void)domain;
    return guest_mem_write(ctx, addr, buf, len);
}

/* ---- construction -------------------------------------------------------- */

static int add_device(Baseband *bb, Device *dev, uint64_t base, char *err,
                      size_t err_size)
{
    if (bus_map(&bb->bus, dev, base, BB_MMIO_WINDOW) < 0) {
        snprintf(err, err_size, "baseband: cannot map %s", dev->name);
        return -1;
    }
    return 0;
}

static int write_config(Baseband *bb)
{
    const BbConfig *c = &bb->cfg;
    BbConfigBlock blk = {
        .magic = BB_CONFIG_MAGIC,
        .flags = (c->hostile ? BB_CFG_HOSTILE : 0u) |
                 (c->implant ? BB_CFG_IMPLANT : 0u),
        .phone_addr = c->phone_addr ? c->phone_addr : IP_PHONE_ADDR,
        .exfil_addr = c->exfil_addr ? c->exfil_addr : IP_WEB_ADDR,
        .exfil_port = c->exfil_port ? c->exfil_port : 5004,
        .ims_addr = IP_IMS_ADDR,
    };
    return guest_mem_write(bb->mem, BB_CONFIG, &blk, sizeof blk);
}

Baseband *bb_new(Sim *sim, PowerMeter *meter, IpcMailbox *mb, MicState *mic,
                 AudioState *audio, const BbConfig *cfg, char *err,
                 size_t err_size)
{
    if (!sim || !mb || !cfg || !cfg->firmware) {
        snprintf(err, err_size, "baseband: missing Sim, mailbox or firmware");
        return NULL;
    }
    Baseband *bb = calloc(1, sizeof *bb);
    if (!bb) {
        snprintf(err, err_size, "out of memory");
        return NULL;
    }
    bb->sim = sim;
    bb->meter = meter;
    bb->cpu_comp = -1;
    bb->cfg = *cfg;
    bb->mb = mb;
    bus_init(&bb->bus);
    sim_event_init(&bb->run_ev, "baseband-run", on_run, bb, 0);
    bb->mem = guest_mem_new_ram(BB_RAM_BASE, BB_RAM_SIZE);
    if (!bb->mem) {
        snprintf(err, err_size, "out of memory");
        goto fail;
    }
    bb->dma = (GuestDma){.read = ram_read, .write = ram_write, .ctx = bb->mem};
    if (elf_load_file(cfg->firmware, ELF_MACHINE_ARM32,
                      &bb->mem->regions[GUEST_REGION_RAM], 1, &bb->img, err,
                      err_size) < 0)
        goto fail;
    if (bb->img.load_hi > BB_STACK_TOP - 0x100000u) {
        snprintf(err, err_size, "%s: firmware overlaps its stack",
                 cfg->firmware);
        goto fail;
    }
    if (write_config(bb) < 0) {
        snprintf(err, err_size, "baseband: cannot write the configuration");
        goto fail;
    }
    if (rrc_init(&bb->rrc, sim, meter, &cfg->rrc, err, err_size) < 0)
        goto fail;
    ipc_end_init(&bb->ipc, "bb-ipc", mb, IPC_SIDE_BB, &bb->dma);
    bb_radio_init(&bb->radio, "bb-radio", &bb->rrc, &bb->dma, cfg->tap,
                  cfg->tap_ctx);
    bb->devices_ready = true;
    if (bb_mic_init(&bb->mic, "bb-mic", cfg->wiring, mic, audio, &bb->dma, err,
                    err_size) < 0)
        goto fail;
    device_init(&bb->sys.dev, &bb_sys_ops, "bb-sys");
    bb->sys.bb = bb;
    if (add_device(bb, &bb->ipc.dev, BB_MMIO_IPC, err, err_size) < 0 ||
        add_device(bb, &bb->radio.dev, BB_MMIO_RADIO, err, err_size) < 0 ||
        add_device(bb, &bb->mic.dev, BB_MMIO_MIC, err, err_size) < 0 ||
        add_device(bb, &bb->sys.dev, BB_MMIO_SYS, err, err_size) < 0)
        goto fail;
    irq_connect(&mb->doorbell[IPC_SIDE_BB], on_irq, bb, 0);
    irq_connect(&bb->radio.irq, on_irq, bb, 1);
    irq_connect(&bb->mic.irq, on_irq, bb, 2);
    VcpuConfig vc = {
        .domain = VCPU_DOMAIN_BASEBAND,
        .core = vcpu_core_type_baseband(),
        .freq_khz = cfg->freq_khz,
        .entry_pc = bb->img.entry,
        .watchdog_insns =
            cfg->watchdog_insns ? cfg->watchdog_insns : BB_WATCHDOG_DEFAULT,
        .bus = &bb->bus,
    };
    bb->vcpu = vcpu_new(bb->mem, &vc, err, err_size);
    if (!bb->vcpu)
        goto fail;
    if (meter) {
        bb->cpu_comp = power_component_add(meter, "baseband-cpu");
        if (bb->cpu_comp < 0 ||
            power_state_add(meter, bb->cpu_comp, "off", 0) != CPU_OFF ||
            power_state_add(meter, bb->cpu_comp, "sleep", cfg->cpu_sleep_uw) !=
                CPU_SLEEP ||
            power_state_add(meter, bb->cpu_comp, "run", cfg->cpu_run_uw) !=
                CPU_RUN) {
            snprintf(err, err_size, "baseband: cannot register power states");
            goto fail;
        }
    }
    return bb;
fail:
    bb_free(bb);
    return NULL;
}

void bb_free(Baseband *bb)
{
    if (!bb)
        return;
    sim_cancel(bb->sim, &bb->run_ev);
    if (bb->devices_ready) {
        sim_cancel(bb->sim, &bb->rrc.next);
        sim_cancel(bb->sim, &bb->radio.rx_event);
        sim_cancel(bb->sim, &bb->radio.page_event);
        device_destroy(&bb->mic.dev);
    }
    if (bb->mb) {
        irq_connect(&bb->mb->doorbell[IPC_SIDE_BB], NULL, NULL, 0);
    }
    vcpu_free(bb->vcpu);
    elf_image_free(&bb->img);
    guest_mem_unref(bb->mem);
    bus_free(&bb->bus);
    free(bb->log);
    free(bb);
}

int bb_boot(Baseband *bb, hs_time when)
{
    if (bb->booted || bb->dead || sim_event_pending(&bb->run_ev))
        return -1;
    cpu_state(bb, CPU_SLEEP, when);
    return sim_schedule_at(bb->sim, &bb->run_ev, when);
}

bool bb_dead(const Baseband *bb)
{
    return bb->dead;
}

const VcpuFault *bb_fault(const Baseband *bb)
{
    return bb->dead ? &bb->fault : NULL;
}

const char *bb_fault_text(const Baseband *bb)
{
    return bb->fault_text;
}

Rrc *bb_rrc(Baseband *bb)
{
    return &bb->rrc;
}

BbRadio *bb_radio(Baseband *bb)
{
    return &bb->radio;
}

BbMic *bb_mic(Baseband *bb)
{
    return &bb->mic;
}

Vcpu *bb_vcpu(Baseband *bb)
{
    return bb->vcpu;
}

GuestMem *bb_mem(Baseband *bb)
{
    return bb->mem;
}

int bb_symbol(const Baseband *bb, const char *name, uint64_t *addr)
{
    return elf_symbol(&bb->img, name, addr);
}

const BbLogEntry *bb_log(const Baseband *bb, size_t *n)
{
    *n = bb->n_log;
    return bb->log;
}

uint64_t bb_runs(const Baseband *bb)
{
    return bb->runs;
}

static int cell_deliver(void *ctx, const uint8_t *pkt, size_t len, hs_time when)
{
    return bb_radio_deliver(bb_radio(ctx), pkt, len, when);
}

static int cell_page(void *ctx, uint32_t call_id, hs_time when)
{
    return bb_radio_page(bb_radio(ctx), call_id, when);
}

static int cell_mic_frame(void *ctx, size_t i, hs_time *read, hs_time *capture)
{
    size_t n;
    const BbFlowRecord *f = bb_mic_flows(bb_mic(ctx), &n);
    if (i >= n)
        return -1;
    *read = f[i].when;
    *capture = f[i].capture;
    return 0;
}

NetCell bb_cell(Baseband *bb)
{
    NetCell c = {.ctx = bb,
                 .deliver = cell_deliver,
                 .page = cell_page,
                 .mic_frame = cell_mic_frame};
    return c;
}
