/*
 * mic.c - frame capture, label timeline, FIFO and DMA pop.
 */
#include "soc_models/devices/mic.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int mic_set_label(MicState *s, uint8_t label, hs_time from)
{
    if (label > MIC_MAX_LABEL)
        return -1;
    if (s->n_labels && from < s->labels[s->n_labels - 1].from)
        return -1;
    if (s->n_labels == s->cap_labels) {
        size_t cap = s->cap_labels ? s->cap_labels * 2 : 8;
        MicLabelStep *l = realloc(s->labels, cap * sizeof *l);
        if (!l)
            return -1;
        s->labels = l;
        s->cap_labels = cap;
    }
    s->labels[s->n_labels++] = (MicLabelStep){from, label};
    return 0;
}

uint8_t mic_label_over(const MicState *s, hs_time start, hs_time end)
{
    uint8_t best = 0;
    for (size_t i = 0; i < s->n_labels; i++) {
        const MicLabelStep *st = &s->labels[i];
        bool next_starts_later =
            i + 1 == s->n_labels || s->labels[i + 1].from > start;
        /* in force at start, or starting inside (start, end) */
        bool at_start = st->from <= start && next_starts_later;
        bool inside = st->from > start && st->from < end;
        if ((at_start || inside) && st->label > best)
            best = st->label;
    }
    return best;
}

/* Drops timeline steps that can no longer matter (before `before`). */
static void prune_labels(MicState *s, hs_time before)
{
    size_t keep = 0;
    while (keep + 1 < s->n_labels && s->labels[keep + 1].from <= before)
        keep++;
    if (keep) {
        memmove(s->labels, s->labels + keep,
                (s->n_labels - keep) * sizeof *s->labels);
        s->n_labels -= keep;
    }
}

/* sin(2 pi phase / 2^32) x amp with Bhaskara I's approximation:
 * sin(x) ~ 16x(pi-x) / (5pi^2 - 4x(pi-x)) on [0, pi], integers only. */
static int32_t isin(uint32_t phase, int32_t amp)
{
    bool neg = phase >> 31;
    int64_t X = 65536;                                  /* pi */
    int64_t x = (int64_t)((phase & 0x7fffffffu) >> 15); /* 0 .. X */
    int64_t p = x * (X - x);
    int64_t v = (int64_t)amp * 16 * p / (5 * X * X - 4 * p);
    return (int32_t)(neg ? -v : v);
}

static void synthesize(MicState *s, MicFrame *f)
{
    uint64_t n0 = f->start_ps / MIC_SAMPLE_PS;
    for (unsigned i = 0; i < HS_MIC_FRAME_SAMPLES; i++) {
        uint64_t n = n0 + i;
        /* phase = frac(tone_hz x n / rate) in Q32 */
        uint64_t cyc =
            (uint64_t)s->cfg.tone_hz * (n % HS_MIC_RATE_HZ) % HS_MIC_RATE_HZ;
        uint32_t phase = (uint32_t)((cyc << 32) / HS_MIC_RATE_HZ);
        int32_t v = isin(phase, s->cfg.tone_amplitude);
        if (s->cfg.noise_amplitude > 0 && s->rng) {
            uint64_t span = 2 * (uint64_t)s->cfg.noise_amplitude + 1;
            v += (int32_t)sim_rng_below(s->rng, span) - s->cfg.noise_amplitude;
        }
        if (v > INT16_MAX)
            v = INT16_MAX;
        if (v < INT16_MIN)
            v = INT16_MIN;
        f->pcm[i] = (int16_t)v;
    }
}

static void update_irq(MicState *s)
{
    irq_set(&s->irq, s->count > 0);
}

void mic_fifo_push(void *ctx, const MicFrame *frame, hs_time when)
{
    (void)when;
    MicState *s = ctx;
    if (s->count == s->cfg.fifo_frames) {
        s->head = (s->head + 1) % s->cfg.fifo_frames;
        s->count--;
        s->overruns++;
    }
    s->fifo[(s->head + s->count) % s->cfg.fifo_frames] = *frame;
    s->count++;
    update_irq(s);
}

unsigned mic_fifo_count(const MicState *s)
{
    return s->count;
}

static void mic_frame_done(Sim *sim, void *ctx, hs_time now)
{
    MicState *s = ctx;
    MicFrame f;
    f.start_ps = s->frame_start;
    f.end_ps = now;
    f.seq = s->seq++;
    f.label = mic_label_over(s, f.start_ps, f.end_ps);
    synthesize(s, &f);
    prune_labels(s, now);
    s->frame_start = now;
    sim_schedule_at(sim, &s->frame_done, now + MIC_FRAME_PS);
    s->out(s->out_ctx, &f, now);
}

static void meter_update(MicState *s, hs_time when)
{
    if (!s->meter || s->comp < 0)
        return;
    PowerAttr a = power_attr_domain(s->capturing && s->capture_domain >= 0 &&
                                            s->capture_domain <
                                                power_meter_domains(s->meter)
                                        ? s->capture_domain
                                        : POWER_UNATTRIBUTED);
    power_set_state(s->meter, s->comp, s->capturing ? 1 : 0, &a, when);
}

void mic_set_capture(MicState *s, bool on, int domain, hs_time when)
{
    if (!s->sim || on == s->capturing)
        return;
    hs_time now = sim_now(s->sim);
    if (when < now)
        when = now;
    s->capturing = on;
    s->capture_domain = domain;
    if (on) {
        s->frame_start = when;
        sim_schedule_at(s->sim, &s->frame_done, when + MIC_FRAME_PS);
    } else {
        sim_cancel(s->sim, &s->frame_done); /* the partial frame is lost */
    }
    meter_update(s, when);
}

void mic_set_output(MicState *s, MicFrameFunc fn, void *ctx)
{
    s->out = fn ? fn : mic_fifo_push;
    s->out_ctx = fn ? ctx : s;
}

void mic_set_pop_observer(MicState *s, MicPopFunc fn, void *ctx)
{
    s->on_pop = fn;
    s->on_pop_ctx = ctx;
}

static void mic_pop(MicState *s, const BusAccess *acc)
{
    if (s->count == 0) {
        device_guest_error(&s->dev, "POP with an empty FIFO");
        return;
    }
    MicFrame *f = &s->fifo[s->head];
    uint8_t bytes[2 * HS_MIC_FRAME_SAMPLES];
    for (unsigned i = 0; i < HS_MIC_FRAME_SAMPLES; i++) {
        uint16_t v = (uint16_t)f->pcm[i];
        bytes[2 * i] = (uint8_t)v;
        bytes[2 * i + 1] = (uint8_t)(v >> 8);
    }
    if (dma_write(s->dma, acc->domain, s->dma_addr, bytes, sizeof bytes)) {
        /* the frame stays queued: the guest can fix DMA_ADDR and retry */
        device_guest_error(&s->dev, "DMA to 0x%llx failed",
                           (unsigned long long)s->dma_addr);
        return;
    }
    s->last_label = f->label;
    if (s->on_pop)
        s->on_pop(s->on_pop_ctx, f, acc->domain, acc->when);
    s->head = (s->head + 1) % s->cfg.fifo_frames;
    s->count--;
    update_irq(s);
}

static int mic_realize(Device *dev, Sim *sim)
{
    MicState *s = (MicState *)dev;
    s->sim = sim;
    s->rng = sim_rng(sim, dev->name);
    if (!s->rng)
        return -1;
    sim_event_init(&s->frame_done, "mic.frame", mic_frame_done, s, 0);
    if (s->meter) {
        s->comp = power_component_add(s->meter, dev->name);
        if (s->comp < 0 || power_state_add(s->meter, s->comp, "off", 0) < 0 ||
            power_state_add(s->meter, s->comp, "on", s->cfg.on_uw) < 0)
            return -1;
    }
    return 0;
}

static void mic_reset(Device *dev)
{
    MicState *s = (MicState *)dev;
    if (s->sim)
        mic_set_capture(s, false, BUS_DOMAIN_HOST, sim_now(s->sim));
    s->head = s->count = 0;
    s->dma_addr = 0;
    s->last_label = 0;
    update_irq(s);
}

static uint64_t mic_read(Device *dev, uint64_t offset, unsigned size,
                         const BusAccess *acc)
{
    (void)acc;
    MicState *s = (MicState *)dev;
    switch (offset) {
    case HS_MIC_CTRL: /* bit0 capture on */
        return s->capturing ? 1 : 0;
    case HS_MIC_STATUS: /* frames waiting */
        return s->count;
    case HS_MIC_DMA_ADDR: /* frame destination (low half if 32-bit) */
        return size == 8 ? s->dma_addr : (uint32_t)s->dma_addr;
    case HS_MIC_DMA_ADDR + 4: /* frame destination, high half */
        return (uint32_t)(s->dma_addr >> 32);
    case HS_MIC_FRAME_LABEL: /* label of the frame last popped */
        return s->last_label;
    default:
        device_guest_error(dev, "read of unknown offset 0x%llx",
                           (unsigned long long)offset);
        return 0;
    }
}

static void mic_write(Device *dev, uint64_t offset, uint64_t value,
                      unsigned size, const BusAccess *acc)
{
    MicState *s = (MicState *)dev;
    switch (offset) {
    case HS_MIC_CTRL: /* bit0 capture on */
        mic_set_capture(s, value & 1, acc->domain, acc->when);
        break;
    case HS_MIC_POP: /* copy the next frame to DMA_ADDR */
        mic_pop(s, acc);
        break;
    case HS_MIC_DMA_ADDR: /* frame destination (low half if 32-bit) */
        s->dma_addr = size == 8
                          ? value
                          : (s->dma_addr & ~0xffffffffULL) | (uint32_t)value;
        break;
    case HS_MIC_DMA_ADDR + 4: /* frame destination, high half */
        s->dma_addr = (s->dma_addr & 0xffffffffULL) | (value << 32);
        break;
    default:
        device_guest_error(dev, "write of unknown offset 0x%llx",
                           (unsigned long long)offset);
    }
}

static void mic_destroy(Device *dev)
{
    MicState *s = (MicState *)dev;
    free(s->fifo);
    free(s->labels);
    s->fifo = NULL;
    s->labels = NULL;
}

const DeviceOps mic_ops = {
    .type = "mic",
    .realize = mic_realize,
    .reset = mic_reset,
    .read = mic_read,
    .write = mic_write,
    .destroy = mic_destroy,
};

int mic_init(MicState *s, const char *name, const MicConfig *cfg,
             const GuestDma *dma, PowerMeter *meter, char *err, size_t err_size)
{
    memset(s, 0, sizeof *s);
    const char *why = NULL;
    if (cfg->fifo_frames < 1)
        why = "fifo_frames must be >= 1";
    else if (cfg->tone_hz >= HS_MIC_RATE_HZ / 2)
        why = "tone_hz must be below the Nyquist frequency (8000)";
    else if (cfg->tone_amplitude < 0 || cfg->noise_amplitude < 0)
        why = "amplitudes must be >= 0";
    else if (cfg->on_uw > POWER_MAX_UW)
        why = "on_uw out of range";
    if (why) {
        if (err && err_size)
            snprintf(err, err_size, "mic: %s", why);
        return -1;
    }
    s->fifo = calloc(cfg->fifo_frames, sizeof *s->fifo);
    if (!s->fifo) {
        if (err && err_size)
            snprintf(err, err_size, "mic: out of memory");
        return -1;
    }
    device_init(&s->dev, &mic_ops, name);
    s->cfg = *cfg;
    s->dma = dma;
    s->meter = meter;
    s->comp = -1;
    s->capture_domain = BUS_DOMAIN_HOST;
    s->out = mic_fifo_push;
    s->out_ctx = s;
    return 0;
}
