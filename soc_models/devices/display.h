/*
 * display.h - the panel: on/off, brightness, frame flips, power.
 *
 * Power model (Android power_profile semantics): off draws off_uw; on
 * draws screen.on (on_uw, the panel at minimum brightness) plus
 * screen.full (full_uw, the ADDITIONAL power at maximum brightness)
 * scaled linearly by brightness/255:
 *     P = on_uw + full_uw x brightness / 255   (integer uW, rounded down)
 * Display energy is attributed to the foreground domain (the domain the
 * user is looking at, set by the approach/scenario with
 * display_set_foreground), unattributed when there is none.
 *
 * Frames: the framebuffer is the presenting domain's RAM at HS_FB_BASE;
 * HS_DISPLAY_FLIP asks to present it at the next vsync (refresh_hz
 * boundaries counted from time 0). At that vsync FRAMES counts up and
 * HS_IRQ_DISPLAY pulses; flips that arrive before a pending one is shown
 * are merged into it (counted in flips_merged). A flip while the panel
 * is off is a guest error. Vsync events exist only while a flip waits,
 * so an idle panel adds no periodic events. The model does not scan
 * pixels out; nothing measured depends on them.
 */
#ifndef HS_DEVICES_DISPLAY_H
#define HS_DEVICES_DISPLAY_H

#include "bus/bus.h"
#include "power/meter.h"

typedef struct DisplayConfig {
    uint32_t width, height; /* pixels */
    uint32_t refresh_hz;    /* vsync rate, > 0 */
    uint64_t off_uw;        /* panel off */
    uint64_t on_uw;         /* on at minimum brightness (screen.on) */
    uint64_t full_uw;       /* extra at maximum brightness (screen.full) */
} DisplayConfig;

/* A domain's FLIP write (value, its access), given to the compositor. */
typedef void (*DisplayFlipFunc)(void *ctx, uint64_t value,
                                const BusAccess *acc);

typedef struct DisplayState {
    Device dev;              /* base: must stay first */
    DisplayConfig cfg;       /* copied at init */
    Sim *sim;                /* set by realize */
    PowerMeter *meter;       /* may be NULL */
    int comp;                /* meter component, -1 without */
    bool on;                 /* HS_DISPLAY_CTRL bit 0 */
    uint32_t brightness;     /* 0 .. 255 */
    int foreground;          /* attributed domain, or POWER_UNATTRIBUTED */
    uint64_t frames;         /* frames presented */
    uint64_t flips_merged;   /* flips folded into a pending one */
    int flip_domain;         /* presenter of the pending/last frame */
    SimEvent vsync;          /* next vsync with a flip waiting */
    IrqLine irq;             /* HS_IRQ_DISPLAY */
    DisplayFlipFunc flip_fn; /* compositor of domains' flips, or NULL */
    void *flip_ctx;          /* its context */
} DisplayState;

/* Returns 0, or -1 with a reason in err. */
int display_init(DisplayState *s, const char *name, const DisplayConfig *cfg,
                 PowerMeter *meter, char *err, size_t err_size);

/* Panel power for a state (exposed for tests and reports). */
uint64_t display_power_uw(const DisplayState *s, bool on, uint32_t brightness);
/* Host controls (scenario actions, the approach). */
void display_set_on(DisplayState *s, bool on, hs_time when);
/* Presents the framebuffer at the next vsync (what FLIP does without a
 * compositor hook). */
void display_present(DisplayState *s, const BusAccess *acc);
/* A domain's FLIP goes to fn instead (the compositor decides what the
 * frame shows and presents it with display_present); NULL removes it. */
void display_set_flip_hook(DisplayState *s, DisplayFlipFunc fn, void *ctx);
void display_set_brightness(DisplayState *s, uint32_t brightness, hs_time when);
void display_set_foreground(DisplayState *s, int domain, hs_time when);

extern const DeviceOps display_ops;

#endif /* HS_DEVICES_DISPLAY_H */
