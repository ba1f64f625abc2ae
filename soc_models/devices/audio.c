/*
 * audio.c - mic frame routing to the AP and/or the baseband.
 */
#include "soc_models/devices/audio.h"

#include <string.h>

#define ROUTE_MASK (HS_AUDIO_ROUTE_AP | HS_AUDIO_ROUTE_BB)

void audio_route_frame(void *ctx, const MicFrame *frame, hs_time when)
{
    AudioState *s = ctx;
    if (s->route & HS_AUDIO_ROUTE_AP) {
        if (s->ap_sink) {
            s->ap_sink(s->ap_ctx, frame, when);
            s->to_ap++;
        } else {
            s->dropped++;
        }
    }
    if (s->route & HS_AUDIO_ROUTE_BB) {
        if (s->bb_sink) {
            s->bb_sink(s->bb_ctx, frame, when);
            s->to_bb++;
        } else {
            s->dropped++;
        }
    }
}

uint32_t audio_set_route(AudioState *s, uint32_t route, int domain,
                         hs_time when)
{
    route &= ROUTE_MASK;
    if (s->filter)
        route = s->filter(s->filter_ctx, domain, route) & ROUTE_MASK;
    if (route == s->route)
        return route;
    uint32_t old = s->route;
    s->route = route;
    if (s->meter && s->comp >= 0)
        power_set_state(s->meter, s->comp, route ? 1 : 0, NULL, when);
    if (s->listener)
        s->listener(s->listener_ctx, old, route, domain, when);
    return route;
}

void audio_set_ap_sink(AudioState *s, MicFrameFunc fn, void *ctx)
{
    s->ap_sink = fn;
    s->ap_ctx = ctx;
}

void audio_set_baseband_sink(AudioState *s, MicFrameFunc fn, void *ctx)
{
    s->bb_sink = fn;
    s->bb_ctx = ctx;
}

void audio_set_filter(AudioState *s, AudioRouteFilterFunc fn, void *ctx)
{
    s->filter = fn;
    s->filter_ctx = ctx;
}

void audio_set_listener(AudioState *s, AudioRouteListenerFunc fn, void *ctx)
{
    s->listener = fn;
    s->listener_ctx = ctx;
}

void audio_set_play(AudioState *s, AudioPlayFunc fn, void *ctx)
{
    s->play = fn;
    s->play_ctx = ctx;
}

static int audio_realize(Device *dev, Sim *sim)
{
    (void)sim;
    AudioState *s = (AudioState *)dev;
    if (!s->meter)
        return 0;
    s->comp = power_component_add(s->meter, dev->name);
    if (s->comp < 0 || power_state_add(s->meter, s->comp, "off", 0) < 0 ||
        power_state_add(s->meter, s->comp, "on", s->cfg.on_uw) < 0)
        return -1;
    return 0;
}

static void audio_reset(Device *dev)
{
    AudioState *s = (AudioState *)dev;
    s->route = 0;
}

static uint64_t audio_read(Device *dev, uint64_t offset, unsigned size,
                           const BusAccess *acc)
{
    (void)size;
    (void)acc;
    AudioState *s = (AudioState *)dev;
    switch (offset) {
    case HS_AUDIO_ROUTE: /* route bits in force */
        return s->route;
    default:
        device_guest_error(dev, "read of unknown offset 0x%llx",
                           (unsigned long long)offset);
        return 0;
    }
}

static void audio_write(Device *dev, uint64_t offset, uint64_t value,
                        unsigned size, const BusAccess *acc)
{
    (void)size;
    AudioState *s = (AudioState *)dev;
    switch (offset) {
    case HS_AUDIO_ROUTE: /* request a route */
        if (value & ~(uint64_t)ROUTE_MASK)
            device_guest_error(dev, "ROUTE reserved bits 0x%llx",
                               (unsigned long long)value);
        audio_set_route(s, (uint32_t)value, acc->domain, acc->when);
        break;
    case HS_AUDIO_PLAY: /* a decoded frame to the speaker */
        s->played++;
        if (s->play)
            s->play(s->play_ctx, acc->domain, (uint32_t)value, acc->when);
        break;
    default:
        device_guest_error(dev, "write of unknown offset 0x%llx",
                           (unsigned long long)offset);
    }
}

const DeviceOps audio_ops = {
    .type = "audio",
    .realize = audio_realize,
    .reset = audio_reset,
    .read = audio_read,
    .write = audio_write,
};

void audio_init(AudioState *s, const char *name, const AudioConfig *cfg,
                PowerMeter *meter)
{
    memset(s, 0, sizeof *s);
    device_init(&s->dev, &audio_ops, name);
    s->cfg = *cfg;
    s->meter = meter;
    s->comp = -1;
}
