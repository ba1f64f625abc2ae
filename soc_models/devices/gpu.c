/*
 * gpu.c - GPU job queue, timing at the current OPP, power per state.
 */
#include "soc_models/devices/gpu.h"

#include <stdio.h>
#include <string.h>

#include "platform.h"

/* ps per cycle = 1e9 / kHz; time = cycles x 1e9 / kHz, rounded up. */
static hs_time cycles_to_ps(uint64_t cycles, uint32_t khz)
{
    unsigned __int128 t = (unsigned __int128)cycles * 1000000000u;
    t = (t + khz - 1) / khz;
    return t > HS_TIME_MAX ? HS_TIME_MAX : (hs_time)t;
}

/* Cycles a job of `units` takes: units x cycles_per_unit / units_per_cycle,
 * rounded up to a whole cycle (gpu_submit bounds units so this fits). */
static uint64_t job_cycles(const GpuState *s, uint64_t units)
{
    uint64_t c = units * s->cfg.cycles_per_unit;
    return (c + s->cfg.units_per_cycle - 1) / s->cfg.units_per_cycle;
}

hs_time gpu_job_time_ps(const GpuState *s, uint64_t units, unsigned opp)
{
    return cycles_to_ps(job_cycles(s, units), s->cfg.opps[opp].freq_khz);
}

static int slot(int domain)
{
    return domain >= 0 && domain < POWER_MAX_DOMAINS ? domain
                                                     : POWER_MAX_DOMAINS;
}

static void meter_update(GpuState *s, hs_time when)
{
    if (!s->meter || s->comp < 0)
        return;
    if (s->count == 0) {
        power_set_state(s->meter, s->comp, 0, NULL, when);
        return;
    }
    int d = s->queue[s->head].domain;
    PowerAttr a = power_attr_domain(
        d >= 0 && d < power_meter_domains(s->meter) ? d : POWER_UNATTRIBUTED);
    power_set_state(s->meter, s->comp, 1 + (int)s->opp, &a, when);
}

/* Starts the job at the head of the queue at time `at`. */
static void start_head(GpuState *s, hs_time at)
{
    GpuJob *j = &s->queue[s->head];
    s->cycles_left = job_cycles(s, j->units);
    s->run_since = at;
    sim_schedule_at(
        s->sim, &s->done_ev,
        at + cycles_to_ps(s->cycles_left, s->cfg.opps[s->opp].freq_khz));
    meter_update(s, at);
}

static void gpu_done(Sim *sim, void *ctx, hs_time now)
{
    (void)sim;
    GpuState *s = ctx;
    GpuJob job = s->queue[s->head];
    s->head = (s->head + 1) % GPU_MAX_QUEUE;
    s->count--;
    s->done++;
    s->units_done[slot(job.domain)] += job.units;
    if (s->count)
        start_head(s, now);
    else
        meter_update(s, now);
    irq_pulse(&s->irq);
    if (s->on_done)
        s->on_done(s->on_done_ctx, &job, now);
}

int gpu_submit(GpuState *s, int domain, uint64_t units, hs_time when)
{
    if (s->count == s->cfg.queue_depth)
        s->full++;
    if (!s->sim || units == 0 || s->count == s->cfg.queue_depth ||
        units > (UINT64_MAX - s->cfg.units_per_cycle) / s->cfg.cycles_per_unit)
        return -1;
    hs_time now = sim_now(s->sim);
    if (when < now)
        when = now;
    s->queue[(s->head + s->count) % GPU_MAX_QUEUE] =
        (GpuJob){units, domain, when};
    s->count++;
    if (s->count == 1)
        start_head(s, when);
    return 0;
}

int gpu_set_opp(GpuState *s, unsigned opp, hs_time when)
{
    if (opp >= s->cfg.n_opps)
        return -1;
    if (opp == s->opp)
        return 0;
    if (s->count && s->sim) {
        hs_time now = sim_now(s->sim);
        if (when < now)
            when = now;
        if (when > s->run_since) {
            /* cycles done since run_since at the old clock */
            unsigned __int128 done = (unsigned __int128)(when - s->run_since) *
                                     s->cfg.opps[s->opp].freq_khz / 1000000000u;
            s->cycles_left =
                done >= s->cycles_left ? 0 : s->cycles_left - (uint64_t)done;
            s->run_since = when;
        }
        s->opp = opp;
        sim_schedule_at(s->sim, &s->done_ev,
                        s->run_since + cycles_to_ps(s->cycles_left,
                                                    s->cfg.opps[opp].freq_khz));
        meter_update(s, when);
    } else {
        s->opp = opp;
    }
    return 0;
}

void gpu_set_done_observer(GpuState *s, GpuDoneFunc fn, void *ctx)
{
    s->on_done = fn;
    s->on_done_ctx = ctx;
}

/* SUBMIT from the guest: base units plus the command list, if any. */
static void gpu_guest_submit(GpuState *s, uint64_t units, const BusAccess *acc)
{
    uint32_t len = s->cmdlen;
    s->cmdlen = 0;
    if (len) {
        if (len % 4 || len > s->cfg.max_cmd_bytes) {
            device_guest_error(&s->dev, "command list length %u", len);
            return;
        }
        uint8_t buf[4096];
        for (uint32_t off = 0; off < len; off += sizeof buf) {
            uint32_t n = len - off < sizeof buf ? len - off : sizeof buf;
            if (dma_read(s->dma, acc->domain, s->cmdbuf + off, buf, n)) {
                device_guest_error(&s->dev, "command list at 0x%llx unreadable",
                                   (unsigned long long)(s->cmdbuf + off));
                return;
            }
            for (uint32_t i = 0; i < n; i += 4)
                units += (uint32_t)buf[i] | (uint32_t)buf[i + 1] << 8 |
                         (uint32_t)buf[i + 2] << 16 |
                         (uint32_t)buf[i + 3] << 24;
        }
    }
    if (gpu_submit(s, acc->domain, units, acc->when))
        device_guest_error(&s->dev, "job of %llu units refused (queue %u)",
                           (unsigned long long)units, s->count);
}

static int gpu_realize(Device *dev, Sim *sim)
{
    GpuState *s = (GpuState *)dev;
    s->sim = sim;
    sim_event_init(&s->done_ev, "gpu.job_done", gpu_done, s, 0);
    if (!s->meter)
        return 0;
    s->comp = power_component_add(s->meter, dev->name);
    if (s->comp < 0 ||
        power_state_add(s->meter, s->comp, "idle", s->cfg.idle_uw) < 0)
        return -1;
    for (unsigned i = 0; i < s->cfg.n_opps; i++) {
        char st[24];
        snprintf(st, sizeof st, "opp%u", i);
        if (power_state_add(s->meter, s->comp, st, s->cfg.opps[i].active_uw) <
            0)
            return -1;
    }
    return 0;
}

static void gpu_reset(Device *dev)
{
    GpuState *s = (GpuState *)dev;
    s->count = 0;
    s->head = 0;
    if (s->sim) {
        sim_cancel(s->sim, &s->done_ev);
        meter_update(s, sim_now(s->sim));
    }
    s->opp = s->cfg.initial_opp;
    s->cmdbuf = 0;
    s->cmdlen = 0;
}

static uint64_t gpu_read(Device *dev, uint64_t offset, unsigned size,
                         const BusAccess *acc)
{
    (void)acc;
    GpuState *s = (GpuState *)dev;
    switch (offset) {
    case HS_GPU_CMDBUF: /* command list address (low half if 32-bit) */
        return size == 8 ? s->cmdbuf : (uint32_t)s->cmdbuf;
    case HS_GPU_CMDBUF + 4: /* command list address, high half */
        return (uint32_t)(s->cmdbuf >> 32);
    case HS_GPU_CMDLEN: /* command list bytes */
        return s->cmdlen;
    case HS_GPU_DONE: /* jobs completed */
        return (uint32_t)s->done;
    case HS_GPU_BUSY: /* jobs queued or running */
        return s->count;
    default:
        device_guest_error(dev, "read of unknown offset 0x%llx",
                           (unsigned long long)offset);
        return 0;
    }
}

static void gpu_write(Device *dev, uint64_t offset, uint64_t value,
                      unsigned size, const BusAccess *acc)
{
    GpuState *s = (GpuState *)dev;
    switch (offset) {
    case HS_GPU_SUBMIT: /* work units of a new job */
        gpu_guest_submit(s, (uint32_t)value, acc);
        break;
    case HS_GPU_CMDBUF: /* command list address (low half if 32-bit) */
        s->cmdbuf =
            size == 8 ? value : (s->cmdbuf & ~0xffffffffULL) | (uint32_t)value;
        break;
    case HS_GPU_CMDBUF + 4: /* command list address, high half */
        s->cmdbuf = (s->cmdbuf & 0xffffffffULL) | (value << 32);
        break;
    case HS_GPU_CMDLEN: /* command list bytes */
        s->cmdlen = (uint32_t)value;
        break;
    default:
        device_guest_error(dev, "write of unknown offset 0x%llx",
                           (unsigned long long)offset);
    }
}

const DeviceOps gpu_ops = {
    .type = "gpu",
    .realize = gpu_realize,
    .reset = gpu_reset,
    .read = gpu_read,
    .write = gpu_write,
};

int gpu_init(GpuState *s, const char *name, const GpuConfig *cfg,
             const GuestDma *dma, PowerMeter *meter, char *err, size_t err_size)
{
    memset(s, 0, sizeof *s);
    const char *why = NULL;
    if (cfg->n_opps < 1 || cfg->n_opps > GPU_MAX_OPPS ||
        cfg->initial_opp >= cfg->n_opps)
        why = "bad OPP count or initial OPP";
    else if (cfg->cycles_per_unit == 0)
        why = "cycles_per_unit must be > 0";
    else if (cfg->units_per_cycle == 0)
        why = "units_per_cycle must be > 0";
    else if (cfg->queue_depth < 1 || cfg->queue_depth > GPU_MAX_QUEUE)
        why = "queue_depth out of range";
    else if (cfg->idle_uw > POWER_MAX_UW)
        why = "idle_uw out of range";
    for (unsigned i = 0; !why && i < cfg->n_opps; i++)
        if (cfg->opps[i].freq_khz == 0 ||
            (i && cfg->opps[i].freq_khz <= cfg->opps[i - 1].freq_khz) ||
            cfg->opps[i].active_uw > POWER_MAX_UW)
            why = "OPP frequencies must ascend, powers be sane";
    if (why) {
        if (err && err_size)
            snprintf(err, err_size, "gpu: %s", why);
        return -1;
    }
    device_init(&s->dev, &gpu_ops, name);
    s->cfg = *cfg;
    s->dma = dma;
    s->meter = meter;
    s->comp = -1;
    s->opp = cfg->initial_opp;
    return 0;
}
