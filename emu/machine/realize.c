/*
 * realize.c - soc_realize: the one place that creates, maps and wires the
 * SoC's devices, from a table of device classes found by name.
 *
 * Every device is configured from the SoC file through socmap.c (its
 * figures carry their sources there), realized on the run's event kernel
 * and mapped behind the approach's MMIO proxy before any vCPU exists, so
 * the vCPUs see every window from boot and nothing is mapped later. The
 * platform's own devices (timer, intc, pmic, dvfs) are in every machine;
 * the others are realized when the run powers them (MachineConfig.
 * devices: the OS services it builds name the devices they drive), so a
 * run without a screen has no panel drawing power. Parts find the devices
 * with machine_device and take their interrupt lines with
 * machine_device_irq; they never build or map one.
 */
#include "machine/machine_int.h"

#include <stddef.h>

#include "machine/socmap.h"
#include "sim/error.h"

typedef struct SocDeviceClass {
    const char *name; /* instance and class name, what parts look up */
    uint64_t base;    /* window on the domains' bus */
    int irq;          /* its interrupt line (platform.h), -1: none */
    bool to_intc;     /* the line goes to the machine's intc (else to
                         the OS service that takes it) */
    bool platform;    /* in every machine */
    bool reset;       /* reset once realized (power-on state booked) */
    size_t offset;    /* its state in struct Machine */
    /* Configures the state, named name, from the SoC file; 0, or -1
     * with err. */
    int (*init_from_soc)(Machine *m, Device *dev, const char *name, char *err,
                         size_t err_size);
    IrqLine *(*line)(Device *dev); /* its interrupt output */
    const DeviceOps *ops;          /* what init_from_soc installs */
    /* The domain whose command the line's last edge completed (a
     * completion interrupt a task may wait for: HS_PC_WAIT_IRQ), or
     * NULL when the line says no such thing. */
    int (*domain_of)(Device *dev);
} SocDeviceClass;

/* ---- init_from_soc, one per class ---------------------------------------- */

static int timer_from_soc(Machine *m, Device *dev, const char *name, char *err,
                          size_t err_size)
{
    (void)m;
    (void)err;
    (void)err_size;
    timer_init((TimerState *)dev, name);
    return 0;
}

static int intc_from_soc(Machine *m, Device *dev, const char *name, char *err,
                         size_t err_size)
{
    (void)m;
    (void)err;
    (void)err_size;
    intc_init((IntcState *)dev, name);
    return 0;
}

static int pmic_from_soc(Machine *m, Device *dev, const char *name, char *err,
                         size_t err_size)
{
    PmicConfig pc;
    if (socmap_pmic(m->soc, &pc, err, err_size) < 0)
        return -1;
    pmic_init((PmicState *)dev, name, &pc, m->meter);
    return 0;
}

static int dvfs_from_soc(Machine *m, Device *dev, const char *name, char *err,
                         size_t err_size)
{
    DvfsConfig dc;
    if (socmap_dvfs(m->soc, &dc, err, err_size) < 0)
        return -1;
    return dvfs_init((DvfsState *)dev, name, &dc, m->meter, err, err_size);
}

static int mic_from_soc(Machine *m, Device *dev, const char *name, char *err,
                        size_t err_size)
{
    MicConfig mc;
    if (socmap_mic(m->soc, &mc, err, err_size) < 0)
        return -1;
    return mic_init((MicState *)dev, name, &mc, &m->dma, m->meter, err,
                    err_size);
}

static int audio_from_soc(Machine *m, Device *dev, const char *name, char *err,
                          size_t err_size)
{
    AudioConfig ac;
    if (socmap_audio(m->soc, &ac, err, err_size) < 0)
        return -1;
    audio_init((AudioState *)dev, name, &ac, m->meter);
    return 0;
}

static int display_from_soc(Machine *m, Device *dev, const char *name,
                            char *err, size_t err_size)
{
    DisplayConfig dc;
    if (socmap_display(m->soc, &dc, err, err_size) < 0)
        return -1;
    return display_init((DisplayState *)dev, name, &dc, m->meter, err,
                        err_size);
}

static int gpu_from_soc(Machine *m, Device *dev, const char *name, char *err,
                        size_t err_size)
{
    GpuConfig gc;
    if (socmap_gpu(m->soc, &gc, err, err_size) < 0)
        return -1;
    return gpu_init((GpuState *)dev, name, &gc, &m->dma, m->meter, err,
                    err_size);
}

static int storage_from_soc(Machine *m, Device *dev, const char *name,
                            char *err, size_t err_size)
{
    StorageConfig sc;
    if (socmap_storage(m->soc, &sc, err, err_size) < 0)
        return -1;
    return storage_init((StorageState *)dev, name, &sc, &m->dma, m->meter, err,
                        err_size);
}

static int net_from_soc(Machine *m, Device *dev, const char *name, char *err,
                        size_t err_size)
{
    NetConfig nc;
    if (socmap_net(m->soc, &nc, err, err_size) < 0)
        return -1;
    return net_init((NetState *)dev, name, &nc, &m->dma, err, err_size);
}

static int bbipc_from_soc(Machine *m, Device *dev, const char *name, char *err,
                          size_t err_size)
{
    (void)err;
    (void)err_size;
    bbipc_init((BbipcState *)dev, name, m->n_domains, &m->dma);
    return 0;
}

static int port_from_soc(Machine *m, Device *dev, const char *name, char *err,
                         size_t err_size)
{
    (void)m;
    (void)err;
    (void)err_size;
    port_init((PortState *)dev, name);
    return 0;
}

/* ---- interrupt outputs ----------------------------------------------------
 */

static IrqLine *timer_line(Device *d)
{
    return &((TimerState *)d)->irq;
}
static IrqLine *pmic_line(Device *d)
{
    return &((PmicState *)d)->irq;
}
static IrqLine *mic_line(Device *d)
{
    return &((MicState *)d)->irq;
}
static IrqLine *display_line(Device *d)
{
    return &((DisplayState *)d)->irq;
}
static IrqLine *gpu_line(Device *d)
{
    return &((GpuState *)d)->irq;
}
static IrqLine *storage_line(Device *d)
{
    return &((StorageState *)d)->irq;
}
static IrqLine *net_line(Device *d)
{
    return &((NetState *)d)->irq;
}

static int gpu_domain_of(Device *d)
{
    return ((GpuState *)d)->irq_domain;
}

static int storage_domain_of(Device *d)
{
    return ((StorageState *)d)->op_domain;
}

#define AT(field) offsetof(struct Machine, field)

/* The SoC's devices, in realize order (the platform's first). The RIL
 * mailbox window (bbipc.h) and the socket window (a service port) have no
 * line of their own: the modem driver and the kernels' socket layer raise
 * HS_IRQ_BBIPC and HS_IRQ_SOCK for the domains. */
static const SocDeviceClass soc_devices[] = {
    {"timer", HS_MMIO_TIMER, HS_IRQ_TIMER, true, true, false, AT(timer),
     timer_from_soc, timer_line, &timer_ops, NULL},
    {"intc", HS_MMIO_INTC, -1, false, true, false, AT(intc), intc_from_soc,
     NULL, &intc_ops, NULL},
    {"pmic", HS_MMIO_PMIC, HS_IRQ_PMIC, true, true, false, AT(pmic),
     pmic_from_soc, pmic_line, &pmic_ops, NULL},
    {"dvfs", HS_MMIO_DVFS, -1, false, true, false, AT(dvfs), dvfs_from_soc,
     NULL, &dvfs_ops, NULL},
    {"mic", HS_MMIO_MIC, HS_IRQ_MIC, false, false, false, AT(dev.mic),
     mic_from_soc, mic_line, &mic_ops, NULL},
    {"audio", HS_MMIO_AUDIO, -1, false, false, false, AT(dev.audio),
     audio_from_soc, NULL, &audio_ops, NULL},
    {"bbipc", HS_MMIO_BBIPC, -1, false, false, false, AT(dev.bbipc),
     bbipc_from_soc, NULL, &bbipc_ops, NULL},
    {"net", HS_MMIO_NET, HS_IRQ_NET, false, false, false, AT(dev.net),
     net_from_soc, net_line, &net_ops, NULL},
    {"sock", HS_MMIO_SOCK, -1, false, false, false, AT(dev.sock), port_from_soc,
     NULL, &port_ops, NULL},
    {"display", HS_MMIO_DISPLAY, HS_IRQ_DISPLAY, false, false, true,
     AT(dev.display), display_from_soc, display_line, &display_ops, NULL},
    {"gpu", HS_MMIO_GPU, HS_IRQ_GPU, false, false, true, AT(dev.gpu),
     gpu_from_soc, gpu_line, &gpu_ops, gpu_domain_of},
    {"storage", HS_MMIO_STORAGE, HS_IRQ_STORAGE, false, false, true,
     AT(dev.storage), storage_from_soc, storage_line, &storage_ops,
     storage_domain_of},
};
#define N_SOC_DEVICES (sizeof soc_devices / sizeof soc_devices[0])

static const SocDeviceClass *class_find(const char *name)
{
    for (size_t i = 0; i < N_SOC_DEVICES; i++)
        if (strcmp(soc_devices[i].name, name) == 0)
            return &soc_devices[i];
    return NULL;
}

static Device *state_of(Machine *m, const SocDeviceClass *c)
{
    return (Device *)((char *)m + c->offset);
}

static bool wanted(const MachineConfig *cfg, const SocDeviceClass *c)
{
    if (c->platform)
        return true;
    for (size_t i = 0; cfg->devices && cfg->devices[i]; i++)
        if (strcmp(cfg->devices[i], c->name) == 0)
            return true;
    return false;
}

/* A tapped line's edge: the waiting tasks first, then the service. */
static void irq_tap(void *ctx, int line, bool level)
{
    MachineIrqTap *tap = ctx;
    if (level && tap->domain_of)
        machine_task_irq(tap->m, tap->domain_of(tap->dev), (unsigned)line,
                         sim_now(tap->m->sim));
    if (tap->fn)
        tap->fn(tap->ctx, line, level);
}

int soc_realize(Machine *m, const MachineConfig *cfg, char *err,
                size_t err_size)
{
    for (size_t i = 0; cfg->devices && cfg->devices[i]; i++)
        if (!class_find(cfg->devices[i])) {
            char names[256] = "";
            for (size_t k = 0; k < N_SOC_DEVICES; k++) {
                size_t l = strlen(names);
                snprintf(names + l, sizeof names - l, "%s%s", k ? ", " : "",
                         soc_devices[k].name);
            }
            return hs_errorf(err, err_size, "no SoC device '%s' (known: %s)",
                             cfg->devices[i], names);
        }
    m->dma = machine_dma(m);
    bus_init(&m->bus);
    for (size_t i = 0; i < N_SOC_DEVICES; i++) {
        const SocDeviceClass *c = &soc_devices[i];
        if (!wanted(cfg, c))
            continue;
        Device *dev = state_of(m, c);
        if (c->init_from_soc(m, dev, c->name, err, err_size) < 0)
            return -1;
        m->realized[m->n_realized++] = dev;
        if (dev->ops != c->ops)
            return hs_errorf(err, err_size, "device %s: wrong class", c->name);
        if (c->to_intc)
            irq_connect(c->line(dev), intc_set_irq, &m->intc, c->irq);
        else if (c->line) {
            MachineIrqTap *tap = &m->taps[i];
            *tap =
                (MachineIrqTap){.m = m, .dev = dev, .domain_of = c->domain_of};
            irq_connect(c->line(dev), irq_tap, tap, c->irq);
        }
        if (dev->ops->realize && dev->ops->realize(dev, m->sim) < 0)
            return hs_errorf(err, err_size, "device %s failed to start",
                             c->name);
        if (c->reset && dev->ops->reset)
            dev->ops->reset(dev);
        if (machine_map_proxy(m, dev, c->base) < 0)
            return hs_errorf(err, err_size, "cannot map device %s", c->name);
    }
    /* the machine's own wiring between its devices */
    pmic_add_listener(&m->pmic, machine_pmic_changed, m);
    /* the GPU power-collapses when the AP suspends */
    if (machine_device(m, "gpu"))
        pmic_add_listener(&m->pmic, gpu_ap_state, &m->dev.gpu);
    if (machine_device(m, "mic") && machine_device(m, "audio")) {
        mic_set_output(&m->dev.mic, audio_route_frame, &m->dev.audio);
        audio_set_ap_sink(&m->dev.audio, mic_fifo_push, &m->dev.mic);
    }
    return 0;
}

void soc_unrealize(Machine *m)
{
    for (size_t i = m->n_realized; i-- > 0;)
        device_destroy(m->realized[i]);
    m->n_realized = 0;
}

Device *machine_device(Machine *m, const char *name)
{
    const SocDeviceClass *c = class_find(name);
    if (!c)
        return NULL;
    Device *dev = state_of(m, c);
    for (size_t i = 0; i < m->n_realized; i++)
        if (m->realized[i] == dev)
            return dev;
    return NULL;
}

int machine_device_irq(Machine *m, const char *name, IrqFunc fn, void *ctx)
{
    const SocDeviceClass *c = class_find(name);
    Device *dev = machine_device(m, name);
    if (!dev || !c->line || c->to_intc)
        return -1;
    MachineIrqTap *tap = &m->taps[c - soc_devices];
    tap->fn = fn;
    tap->ctx = ctx;
    return 0;
}
