/*
 * audio.h - audio routing: where microphone frames go.
 *
 * HS_AUDIO_ROUTE bit 0 sends mic frames to the AP (the mic FIFO the AP
 * pops), bit 1 to the baseband (a consumer callback the baseband side
 * installs with audio_set_baseband_sink). The machine wires the mic's
 * output to audio_route_frame and the AP sink back to mic_fifo_push.
 *
 * Who may change the route is the approach's policy: an optional filter
 * sees every request (guest write or host call) and returns the route it
 * grants. Without a filter every request is granted. Baseband firmware
 * that opens the mic on its own calls audio_set_route with
 * BUS_DOMAIN_HOST as the requester.
 *
 * HS_AUDIO_PLAY: a domain hands a decoded frame to the speaker (the
 * downlink of a call under ap-codec); the observer hears of it.
 *
 * Power: the component "<name>" is "off" with no route and "on"
 * (on_uw, power_profile dsp.audio) otherwise, unattributed (the route
 * serves whoever consumes the frames).
 */
#ifndef HS_DEVICES_AUDIO_H
#define HS_DEVICES_AUDIO_H

#include "bus/bus.h"
#include "power/meter.h"
#include "soc_models/devices/mic.h"

typedef struct AudioConfig {
    uint64_t on_uw; /* DSP power while any route is on (dsp.audio) */
} AudioConfig;

/* Returns the route granted for a request by domain (BUS_DOMAIN_HOST for
 * the host side / baseband). */
typedef uint32_t (*AudioRouteFilterFunc)(void *ctx, int domain,
                                         uint32_t requested);
/* Told after every route change. */
typedef void (*AudioRouteListenerFunc)(void *ctx, uint32_t old_route,
                                       uint32_t new_route, int domain,
                                       hs_time when);

/* Told of every frame a domain hands to the speaker (HS_AUDIO_PLAY). */
typedef void (*AudioPlayFunc)(void *ctx, int domain, uint32_t tag,
                              hs_time when);

typedef struct AudioState {
    Device dev;                      /* base: must stay first */
    AudioConfig cfg;                 /* copied at init */
    PowerMeter *meter;               /* may be NULL */
    int comp;                        /* meter component, -1 without */
    uint32_t route;                  /* HS_AUDIO_ROUTE_* bits */
    MicFrameFunc ap_sink;            /* frames for the AP */
    void *ap_ctx;                    /* its context */
    MicFrameFunc bb_sink;            /* frames for the baseband */
    void *bb_ctx;                    /* its context */
    AudioRouteFilterFunc filter;     /* approach policy, may be NULL */
    void *filter_ctx;                /* its context */
    AudioRouteListenerFunc listener; /* route observer, may be NULL */
    void *listener_ctx;              /* its context */
    uint64_t to_ap, to_bb;           /* frames delivered per sink */
    uint64_t dropped;                /* frames routed to a missing sink */
    AudioPlayFunc play;              /* HS_AUDIO_PLAY observer, may be NULL */
    void *play_ctx;                  /* its context */
    uint64_t played;                 /* frames handed to the speaker */
} AudioState;

void audio_init(AudioState *s, const char *name, const AudioConfig *cfg,
                PowerMeter *meter);

/* MicFrameFunc: routes one frame (ctx = the AudioState). */
void audio_route_frame(void *audio, const MicFrame *frame, hs_time when);

void audio_set_ap_sink(AudioState *s, MicFrameFunc fn, void *ctx);
/* The baseband's hook: its consumer of mic frames. */
void audio_set_baseband_sink(AudioState *s, MicFrameFunc fn, void *ctx);
void audio_set_filter(AudioState *s, AudioRouteFilterFunc fn, void *ctx);
void audio_set_listener(AudioState *s, AudioRouteListenerFunc fn, void *ctx);
void audio_set_play(AudioState *s, AudioPlayFunc fn, void *ctx);

/* Requests a route (through the filter) as domain at when; returns the
 * route in force afterwards. */
uint32_t audio_set_route(AudioState *s, uint32_t route, int domain,
                         hs_time when);

extern const DeviceOps audio_ops;

#endif /* HS_DEVICES_AUDIO_H */
