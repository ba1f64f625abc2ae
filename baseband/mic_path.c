/*
 * mic_path.c - microphone frames to the baseband, by wiring (mic_path.h).
 */
#include "baseband/mic_path.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baseband/firmware/bb_abi.h"

static void queue_frame(BbMic *m, const MicFrame *f)
{
    if (!m->want)
        return;
    if (m->count == BB_MIC_QUEUE) {
        m->head = (m->head + 1) % BB_MIC_QUEUE;
        m->count--;
        m->overruns++;
    }
    m->queue[(m->head + m->count) % BB_MIC_QUEUE] = *f;
    m->count++;
    m->frames_in++;
    irq_raise(&m->irq);
}

/* baseband-direct: the tap sits between the mic and its output. */
static void direct_tap(void *ctx, const MicFrame *f, hs_time when)
{
    BbMic *m = ctx;
    if (m->prev_out)
        m->prev_out(m->prev_ctx, f, when);
    queue_frame(m, f);
}

int bb_mic_init(BbMic *m, const char *name, SocMicWiring wiring, MicState *mic,
                AudioState *audio, const GuestDma *dma, char *err,
                size_t err_size)
{
    memset(m, 0, sizeof *m);
    device_init(&m->dev, &bb_mic_ops, name);
    m->wiring = wiring;
    m->mic = mic;
    m->audio = audio;
    m->dma = dma;
    if (!mic) {
        snprintf(err, err_size, "baseband mic path: no microphone");
        return -1;
    }
    if (wiring == SOC_MIC_BASEBAND_DIRECT) {
        m->prev_out = mic->out;
        m->prev_ctx = mic->out_ctx;
        mic_set_output(mic, direct_tap, m);
    } else if (!audio) {
        snprintf(err, err_size,
                 "baseband mic path: ap-codec wiring needs the audio "
                 "router");
        return -1;
    }
    /* ap-codec: no frame reaches BB_MIC; the call's audio comes encoded
     * from the AP (bb_mic_voice_frame) */
    return 0;
}

static void set_want(BbMic *m, bool want, hs_time when)
{
    m->want = want;
    if (m->wiring != SOC_MIC_BASEBAND_DIRECT)
        return; /* ap-codec: the AP's routing decides */
    if (want && !m->mic->capturing) {
        mic_set_capture(m->mic, true, BUS_DOMAIN_HOST, when);
        m->started_capture = true;
    } else if (!want && m->started_capture) {
        if (m->mic->capture_domain == BUS_DOMAIN_HOST)
            mic_set_capture(m->mic, false, BUS_DOMAIN_HOST, when);
        m->started_capture = false;
    }
    if (!want) {
        m->count = 0;
        irq_lower(&m->irq);
    }
}

void bb_mic_shutdown(BbMic *m, hs_time when)
{
    set_want(m, false, when);
    m->count = 0;
    irq_lower(&m->irq);
}

static int grow_flows(BbMic *m)
{
    if (m->n_flows == m->cap_flows) {
        size_t cap = m->cap_flows ? 2 * m->cap_flows : 64;
        BbFlowRecord *p = realloc(m->flows, cap * sizeof *p);
        if (!p)
            return -1;
        m->flows = p;
        m->cap_flows = cap;
    }
    return 0;
}

int bb_mic_voice_frame(BbMic *m, uint8_t label, hs_time capture, uint64_t seq,
                       hs_time when)
{
    if (grow_flows(m) < 0)
        return -1;
    m->flows[m->n_flows++] = (BbFlowRecord){
        .label = label,
        .bytes = HS_MIC_FRAME_SAMPLES * 2,
        .path = "mic->AP voice app->baseband (ap-codec)",
        .when = when,
        .capture = capture,
        .seq = seq,
    };
    return 0;
}

static int add_flow(BbMic *m, const MicFrame *f, hs_time when)
{
    if (grow_flows(m) < 0)
        return -1;
    if (m->monitor) {
        FlowTransfer t = {
            .from = "mic",
            .label = (FlowLabel)f->label,
            .to = "baseband",
            .clearance = FLOW_UNCLASSIFIED,
            .bytes = sizeof f->pcm,
            /* nothing of the AP stands on this path: its policy cannot
             * stop the read, whatever it says */
            .path = "mic>baseband (the AP's policy bypassed)",
            .allowed = 1,
            .when = when,
        };
        flow_report(m->monitor, &t);
    }
    m->flows[m->n_flows++] = (BbFlowRecord){
        .label = f->label,
        .bytes = sizeof f->pcm,
        .path = "mic->baseband (baseband-direct)",
        .when = when,
        .capture = f->start_ps,
        .seq = f->seq,
    };
    return 0;
}

static uint64_t mic_read(Device *dev, uint64_t off, unsigned size,
                         const BusAccess *acc)
{
    BbMic *m = (BbMic *)dev;
    (void)size;
    (void)acc;
    switch (off) {
    case BB_MIC_CTRL:
        return m->want ? 1 : 0;
    case BB_MIC_STATUS:
        return m->count;
    case BB_MIC_ADDR:
        return m->addr;
    case BB_MIC_LABEL:
        return m->last_label;
    default:
        device_guest_error(dev, "read of unknown offset 0x%llx",
                           (unsigned long long)off);
        return 0;
    }
}

static void mic_write(Device *dev, uint64_t off, uint64_t value, unsigned size,
                      const BusAccess *acc)
{
    BbMic *m = (BbMic *)dev;
    (void)size;
    switch (off) {
    case BB_MIC_CTRL:
        set_want(m, value & 1, acc->when);
        break;
    case BB_MIC_ADDR:
        m->addr = (uint32_t)value;
        break;
    case BB_MIC_POP: {
        if (m->count == 0) {
            device_guest_error(dev, "pop with no frame waiting");
            break;
        }
        const MicFrame *f = &m->queue[m->head];
        uint8_t bytes[sizeof f->pcm];
        for (size_t i = 0; i < HS_MIC_FRAME_SAMPLES; i++) {
            bytes[2 * i] = (uint8_t)f->pcm[i];
            bytes[2 * i + 1] = (uint8_t)((uint16_t)f->pcm[i] >> 8);
        }
        if (dma_write(m->dma, acc->domain, m->addr, bytes, sizeof bytes) < 0) {
            device_guest_error(dev, "frame address 0x%x out of range", m->addr);
        } else {
            m->last_label = f->label;
            add_flow(m, f, acc->when);
        }
        m->head = (m->head + 1) % BB_MIC_QUEUE;
        if (--m->count == 0)
            irq_lower(&m->irq);
        break;
    }
    default:
        device_guest_error(dev, "write of unknown offset 0x%llx",
                           (unsigned long long)off);
        break;
    }
}

static void mic_destroy(Device *dev)
{
    BbMic *m = (BbMic *)dev;
    free(m->flows);
    m->flows = NULL;
}

void bb_mic_set_monitor(BbMic *m, FlowMonitor *monitor)
{
    m->monitor = monitor;
}

const BbFlowRecord *bb_mic_flows(const BbMic *m, size_t *n)
{
    *n = m->n_flows;
    return m->flows;
}

const DeviceOps bb_mic_ops = {
    .type = "bb-mic",
    .read = mic_read,
    .write = mic_write,
    .destroy = mic_destroy,
};
