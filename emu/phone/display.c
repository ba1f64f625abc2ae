/*
 * display.c - the display side of a run: the panel, the GPU and the
 * storage device on the domains' bus, the ui apps composing frames in
 * guest code, the frames' way to the panel under the approach, and the
 * display-document action.
 *
 * The panel. A user is in front of the phone in every scenario with a ui
 * app, so the panel is on for the whole run (no inactivity timeout is
 * modelled), showing the foreground domain at that domain's ui
 * brightness (the first ui domain's when the foreground runs none).
 * While it is on the host holds the wakelock "display", as Android's
 * PowerManagerService holds its display suspend blocker while the
 * screen is on, so the AP does not autosleep under a lit screen.
 *
 * Frames are damage-driven, as Android draws only when content changes:
 * a user keystroke (user.keystroke, stream "display.keys") damages a band
 * of the foreground domain's screen, a notification (phone_display_notify)
 * a card at the top of its domain's screen, a document its whole page.
 * A domain composes at most one frame per 1/frame_rate_hz: damage that
 * arrives sooner joins the frame waiting for its turn. The user does not
 * type while reading: after a document or a notification reaches the
 * panel, keystrokes pause for user.read_time (stream "display.read").
 *
 * A frame's way. The part writes an HsUiRequest into the domain's I/O
 * area and injects HS_CALL_UI_COMPOSE (guest/apps/ui.c composes the
 * damaged band in software and flips, writing the request's tag so the
 * part knows which frame arrived and which were refused on the way). The
 * guest's FLIP goes through the approach's MMIO path to the machine's
 * panel, which hands a domain's flip to the part (display_set_flip_hook);
 * from there the damaged bytes travel machine_io(VIRT_IO_DISPLAY): kernel
 * work on the domain's core under one-kernel approaches; under hyp-* the
 * domain VM's kernel, then a request the gfx driver VM's own vCPU
 * composes when the hypervisor runs it; the frame reaches the panel when
 * the last hop is done.
 * At the panel end the flow is checked (below), the GPU composites the
 * damaged pixels (a job of GPU_OPS_PER_PX units per pixel, attributed to
 * the domain), and the panel flips at the GPU's completion and shows the
 * frame at its next vsync. display.frame is from the frame's first
 * trigger to that vsync.
 *
 * Switching domains (phone_display_switch: a switch-domain event, or the
 * switch-and-answer call policy). The approach's switch_domain hops run
 * as scheduled work (machine_switch_domain: the window manager's focus
 * change in one kernel, the gfx VM's request and the new VM's window
 * under hyp-*, the secure world's SMC under trustzone); when they are
 * done the new domain is the foreground (latency.switch.focus) and its
 * ui redraws its whole screen, a frame that takes the way below like any
 * other; latency.switch ends at the vsync that shows it. A page
 * (phone_display_page: the mail app's inbox) is a whole-screen frame the
 * user reads.
 *
 * display-document: the domain's guest code (HS_CALL_UI_DOCUMENT) reads
 * `bytes` of its document area from the storage device, hashes them,
 * composes the page from them and flips; display.document is from the
 * action to the vsync showing the page. phone_display_store writes a
 * document the same way (the download's storage step). Each storage
 * command travels machine_io(VIRT_IO_STORAGE) (storage_path below): the
 * kernel's block layer under one kernel, the storage driver VM where the
 * approach has one. A document area
 * never written reads as zeros: the read's timing and energy do not
 * depend on what it holds.
 *
 * Flows. A frame reaching the panel is a transfer from its domain
 * (label: the domain's level) to "panel", whose clearance is the level
 * of the domain in front at that instant: the screen shows that domain,
 * so what a background domain puts on it is read in the foreground's
 * context. The approach's flow policy decides; a refused frame never
 * reaches the GPU or the panel. Under containers a background domain's
 * FLIP is already refused at the MMIO path.
 */
#include "phone/display.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/gl.h"
#include "abi/gpu.h"
#include "abi/ui.h"
#include "guest/lib/compose.h"
#include "platform.h"
#include "phone/part.h"
#include "sim/error.h"
#include "sim/rng.h"
#include "soc_models/devices/display.h"
#include "soc_models/devices/gpu.h"
#include "soc_models/devices/storage.h"

/* Where the part's requests live in a domain's I/O area: clear of the
 * message buffer at its start, the covert requests at +0x10000 and the
 * phone app's state at +0xf0000. */
#define DISPLAY_IO_REQ (HS_IO_BASE + 0x20000)
#define DISPLAY_SLOTS 16
#define DISPLAY_SLOT_BYTES 512
#define DISPLAY_IO_BUF (HS_IO_BASE + 0x40000)
#define DISPLAY_BUF_BYTES 0x80000u /* 512 KiB per storage transfer */
/* Each domain's document area on the simulated flash. */
#define DISPLAY_DOC_AREA_BYTES (32ULL << 20)
/* Frames between trigger and panel, over all domains (the GPU queue can
 * hold every one of them). */
#define DISPLAY_MAX_FRAMES GPU_MAX_QUEUE
#define DISPLAY_MAX_NOTES 4
/* estimate: a composition pass samples and blends one texel per pixel
 * of each layer, a handful of ALU lane operations per pixel. */
#define GPU_OPS_PER_PX 8
/* estimate: a keystroke redraws the edited line and the key preview,
 * about an eighth of a phone screen, just above the keyboard. */
#define KEY_DAMAGE_DIV 8
/* estimate: a heads-up notification card is about a sixth of the
 * screen, drawn from the top. */
#define NOTE_DAMAGE_DIV 6
#define DISPLAY_WAKELOCK "display"
/* estimate: the trusted label strip a compositor outside the domains
 * draws above a domain's window to say which domain is in front (a
 * status-bar height, 24 dp of a 640 dp tall phone screen); what the gfx
 * VM or the secure world redraws on a switch. */
#define SWITCH_STRIP_DIV 27
/* Ring entries of one domain rung in one instant (the guest rings one
 * at a time and waits for it: abi/gpu.h's few-entry rings). */
#define GPU_PV_PENDING 16

typedef enum FrameStage {
    FRAME_FREE = 0,
    FRAME_OPEN,      /* collecting damage, waiting for its compose turn */
    FRAME_COMPOSING, /* the guest composes it */
    FRAME_PATH,      /* on its way through the approach */
    FRAME_GPU,       /* composited by the GPU */
    FRAME_FLIPPED,   /* waiting for the vsync that shows it */
} FrameStage;

/* A latency to record when the frame is shown. */
typedef struct FrameNote {
    const char *latency; /* results name */
    hs_time trigger;     /* measured from */
} FrameNote;

typedef struct DisplayFrame {
    struct DisplayPart *p;
    FrameStage stage;
    int domain;
    uint64_t seq;    /* compose order within the domain */
    uint32_t tag;    /* written by the guest's flip */
    int slot;        /* request slot, -1 for none */
    uint32_t y0, y1; /* damaged rows [y0, y1) */
    bool document;   /* a document page (HS_CALL_UI_DOCUMENT) */
    bool gl;         /* a frame of the 3D app (HS_CALL_GL_FRAME) */
    bool user_reads; /* the user reads it when it is shown */
    hs_time trigger; /* earliest trigger it carries */
    FrameNote notes[DISPLAY_MAX_NOTES];
    unsigned n_notes;
    hs_time gpu_submit; /* when its GPU job was queued */
    /* told when the frame is on the panel (a switch's first frame), or
     * NULL */
    PhoneShownFunc shown_fn;
    void *shown_ctx;
    char path[128]; /* hops, "secret>gfx-vm>panel" */
} DisplayFrame;

typedef struct DisplayDomain {
    struct DisplayPart *p;
    int index;
    bool has_ui;
    uint32_t brightness;  /* 0 .. 255 */
    hs_time period_ps;    /* 1 / frame_rate_hz */
    bool composed;        /* has composed a frame */
    hs_time last_compose; /* when the last compose was injected */
    DisplayFrame *open;   /* collecting damage */
    SimEvent release;     /* injects the open frame */
    uint64_t seq;         /* next compose order */
    bool slot_busy[DISPLAY_SLOTS];
    int next_slot;                    /* where slot_take looks first */
    char typed[HS_UI_TEXT_BYTES + 1]; /* what the user typed here */
    size_t n_typed;
    bool storing;        /* a store is in progress */
    uint64_t store_goal; /* bytes_written that ends it */
    hs_time store_start;
    const char *store_latency;
    int store_slot;
    const ScenarioApp *gl; /* the 3D app, or NULL */
    hs_time gl_period;     /* 1 / its frame rate */
    SimEvent gl_tick;      /* its next frame */
    uint32_t gl_frame;     /* frames started */
    bool gl_busy;          /* frame gl_seq is being drawn */
    uint64_t gl_seq;
    /* paravirtual GPU: command lists rung, not yet on their way */
    uint32_t pv_bytes[GPU_PV_PENDING];
    unsigned n_pv;
} DisplayDomain;

/* A storage command on its I/O path (storage_path). */
typedef struct DisplayStorageIo {
    struct DisplayPart *p;
    uint64_t seq; /* the device's command number */
    bool used;
} DisplayStorageIo;

#define DISPLAY_STORAGE_IOS 4 /* one command at a time, and stale ones */

typedef struct DisplayPart {
    const RunEnv *env;
    Machine *m;
    Sim *sim;
    GuestDma dma;
    DisplayState *panel;   /* the machine's "display" */
    GpuState *gpu;         /* ... "gpu" */
    StorageState *storage; /* ... "storage" */
    DisplayStorageIo sio[DISPLAY_STORAGE_IOS];
    DisplayFrame frames[DISPLAY_MAX_FRAMES];
    uint64_t frames_dropped; /* frames lost to a full table */
    uint64_t gl_skipped;     /* 3D frames not started: the last one drew */
    uint64_t gl_lost;        /* 3D frames drawn but never flipped */
    DisplayDomain doms[SCENARIO_MAX_DOMAINS];
    size_t n_doms;
    int shown_fg;          /* foreground the panel was last set for */
    SimEvent keystroke;    /* the user's next keystroke */
    SimRng *keys;          /* "display.keys" */
    SimRng *read;          /* "display.read" */
    hs_time reading_until; /* no keystrokes before this */
    /* switching domains (phone_display_switch) */
    bool switching;       /* a switch's hops are running */
    int sw_to;            /* ... to this domain */
    hs_time sw_at;        /* ... asked for then */
    PhoneShownFunc sw_fn; /* told at its first frame */
    void *sw_ctx;
    uint64_t sw_front;       /* switches to the domain already in front */
    uint64_t sw_busy;        /* switches asked during another one */
    uint64_t sw_failed;      /* switches whose hops failed */
    bool sw_any;             /* a switch-domain event started a switch */
    hs_time sw_first;        /* the first one's action */
    hs_time last_read_shown; /* the last page the user reads, after it */
} DisplayPart;

/* ---- small helpers --------------------------------------------------- */

static hs_time max_time(hs_time a, hs_time b)
{
    return a > b ? a : b;
}

/* One draw from a scenario distribution of times, at least 1 ps. */
static hs_time dist_time(const ScenarioDist *d, SimRng *r)
{
    double v = (double)d->a;
    switch (d->kind) {
    case SCENARIO_DIST_FIXED:
        break;
    case SCENARIO_DIST_UNIFORM:
        v += sim_rng_uniform(r) * (double)(d->b - d->a);
        break;
    case SCENARIO_DIST_EXPONENTIAL:
        v = sim_rng_exponential(r, (double)d->a);
        break;
    case SCENARIO_DIST_LOGNORMAL:
        v = sim_rng_lognormal(r, log((double)d->a), (double)d->sigma_ppm / 1e6);
        break;
    }
    return v < 1.0 ? 1 : (hs_time)v;
}

static const ScenarioApp *ui_app(const Scenario *sc, int domain)
{
    const ScenarioDomain *d = &sc->domains[domain];
    for (size_t i = 0; i < d->n_apps; i++)
        if (d->apps[i].kind == SCENARIO_APP_UI)
            return &d->apps[i];
    return NULL;
}

static const ScenarioApp *gl_app(const Scenario *sc, int domain)
{
    const ScenarioDomain *d = &sc->domains[domain];
    for (size_t i = 0; i < d->n_apps; i++)
        if (d->apps[i].kind == SCENARIO_APP_GL)
            return &d->apps[i];
    return NULL;
}

static uint64_t slot_addr(int slot)
{
    return DISPLAY_IO_REQ + (uint64_t)slot * DISPLAY_SLOT_BYTES;
}

/* Slots go round: a slot freed at its flip is taken again last, since
 * the guest call that flipped still writes its outputs (status, check)
 * into it after the flip. */
static int slot_take(DisplayDomain *dd)
{
    for (int k = 0; k < DISPLAY_SLOTS; k++) {
        int i = (dd->next_slot + k) % DISPLAY_SLOTS;
        if (dd->slot_busy[i])
            continue;
        dd->slot_busy[i] = true;
        dd->next_slot = (i + 1) % DISPLAY_SLOTS;
        return i;
    }
    return -1;
}

static void frame_free(DisplayFrame *f);

/* A free frame. When every frame is taken, the oldest one still waiting
 * for its guest's flip is lost to make room (a flip that is refused,
 * such as a background domain's under containers, never comes, so such
 * frames would pile up); NULL when every frame is past its flip. Either
 * loss is counted (counts.dropped "display.frames"). */
static DisplayFrame *frame_new(DisplayPart *p, int domain, hs_time trigger)
{
    DisplayFrame *f = NULL, *oldest = NULL;
    for (size_t i = 0; i < DISPLAY_MAX_FRAMES && !f; i++) {
        DisplayFrame *c = &p->frames[i];
        if (c->stage == FRAME_FREE)
            f = c;
        else if (c->stage == FRAME_COMPOSING &&
                 (!oldest || c->trigger < oldest->trigger))
            oldest = c;
    }
    if (!f) {
        p->frames_dropped++;
        if (!oldest)
            return NULL;
        frame_free(oldest);
        f = oldest;
    }
    memset(f, 0, sizeof *f);
    f->p = p;
    f->domain = domain;
    f->slot = -1;
    f->trigger = trigger;
    return f;
}

/* The frame's place in its domain's compose order, and the tag its
 * request asks the guest to flip with (never 0: untagged flips are not
 * the part's). */
static void frame_order(DisplayFrame *f, DisplayDomain *dd)
{
    f->seq = dd->seq++;
    f->tag = (uint32_t)(f->seq % 0xffffffffu) + 1;
}

/* The 3D app's frame in flight has flipped or is lost: the next may
 * start. */
static void gl_frame_over(DisplayFrame *f)
{
    DisplayDomain *dd = &f->p->doms[f->domain];
    if (f->gl && dd->gl_busy && dd->gl_seq == f->seq)
        dd->gl_busy = false;
}

static void frame_free(DisplayFrame *f)
{
    gl_frame_over(f);
    if (f->slot >= 0)
        f->p->doms[f->domain].slot_busy[f->slot] = false;
    frames_drop(f->p->env->frames, f);
    f->stage = FRAME_FREE;
}

static void frame_note(DisplayFrame *f, const char *latency, hs_time trigger)
{
    if (latency && f->n_notes < DISPLAY_MAX_NOTES)
        f->notes[f->n_notes++] = (FrameNote){latency, trigger};
}

/* The panel follows the foreground domain (set by the runner and by
 * whichever part switches domains): attribution and brightness. */
static void sync_foreground(DisplayPart *p, hs_time now)
{
    int fg = machine_foreground(p->m);
    if (fg == p->shown_fg)
        return;
    p->shown_fg = fg;
    uint32_t b = 0;
    if (fg >= 0 && (size_t)fg < p->n_doms && p->doms[fg].has_ui)
        b = p->doms[fg].brightness;
    else
        for (size_t d = 0; d < p->n_doms; d++)
            if (p->doms[d].has_ui) {
                b = p->doms[d].brightness;
                break;
            }
    display_set_foreground(p->panel, fg, now);
    display_set_brightness(p->panel, b, now);
}

/* ---- composing ------------------------------------------------------- */

static void fill_scene(DisplayPart *p, int domain, HsUiRequest *rq)
{
    Machine *m = p->m;
    hs_time now = sim_now(p->sim);
    const SocBattery *bat = &p->env->soc->battery;
    /* The status bar shows the run's clock and what is left of the
     * battery after the energy metered so far. */
    double cap_mj = (double)bat->capacity_mah * (double)bat->voltage_mv * 3.6;
    double used_mj = power_energy_to_mj(machine_energy_total(m));
    double left = cap_mj > 0 ? 100.0 * (1.0 - used_mj / cap_mj) : 0;
    rq->width = p->panel->cfg.width;
    rq->stride_px = p->panel->cfg.width;
    rq->clock_minutes = (uint32_t)((now / (60 * HS_S)) % (24 * 60));
    rq->battery_pct = left < 0 ? 0 : (uint32_t)left;
    rq->signal_bars = 4; /* the display part does not ask the baseband */
    rq->level = (uint32_t)machine_domain_level(m, domain);
    rq->flags = HS_UI_PRESENT;
    snprintf(rq->banner, sizeof rq->banner, "%s",
             machine_domain_name(m, domain));
}

/* Injects the open frame of a domain: an HsUiRequest for its damaged
 * band, composed by the guest, which then flips. */
static void release_fire(Sim *sim, void *ctx, hs_time now)
{
    (void)sim;
    DisplayDomain *dd = ctx;
    DisplayPart *p = dd->p;
    DisplayFrame *f = dd->open;
    if (!f)
        return;
    int slot = slot_take(dd);
    if (slot < 0)
        return; /* every slot waits for a flip, which releases this one */
    dd->open = NULL;
    f->slot = slot;
    f->stage = FRAME_COMPOSING;
    frame_order(f, dd);
    dd->composed = true;
    dd->last_compose = now;
    HsUiRequest rq;
    memset(&rq, 0, sizeof rq);
    fill_scene(p, dd->index, &rq);
    rq.fb_addr = HS_FB_BASE + (uint64_t)f->y0 * rq.stride_px * 4;
    rq.height = f->y1 - f->y0;
    rq.tag = f->tag;
    snprintf(rq.title, sizeof rq.title, "%s",
             f->user_reads ? "notification" : "typing");
    memcpy(rq.text, dd->typed, sizeof rq.text);
    if (dma_write(&p->dma, dd->index, slot_addr(slot), &rq, sizeof rq) < 0 ||
        machine_inject(p->m, dd->index, HS_EV_CALL, HS_CALL_UI_COMPOSE,
                       slot_addr(slot)) < 0)
        frame_free(f);
}

/* Damage of rows [y0, y1) in domain at now: joins the open frame, or
 * opens one that composes as soon as the domain's frame rate allows (or
 * is lost, counted, when no frame is free: frame_new). `latency` (or
 * NULL) is measured from since (<= now). */
static void damage(DisplayPart *p, int domain, uint32_t y0, uint32_t y1,
                   const char *latency, hs_time since, bool user_reads,
                   hs_time now)
{
    DisplayDomain *dd = &p->doms[domain];
    DisplayFrame *f = dd->open;
    if (!f) {
        f = frame_new(p, domain, now);
        if (!f)
            return;
        f->stage = FRAME_OPEN;
        f->y0 = y0;
        f->y1 = y1;
        dd->open = f;
        hs_time at = now;
        if (dd->composed)
            at = max_time(now, dd->last_compose + dd->period_ps);
        sim_schedule_at(p->sim, &dd->release, at);
    }
    f->y0 = y0 < f->y0 ? y0 : f->y0;
    f->y1 = y1 > f->y1 ? y1 : f->y1;
    f->user_reads |= user_reads;
    frame_note(f, latency, since < now ? since : now);
}

/* ---- the 3D app ------------------------------------------------------ */

/* A request's status until the guest's call writes its own. */
#define GL_STATUS_PENDING 1

/* The frame in flight ended without a flip when its call has written
 * its status (the flip was refused on the way, as a background phone's
 * is under containers): it is lost, and the next may start. */
static void gl_check_ended(DisplayPart *p, DisplayDomain *dd)
{
    for (size_t i = 0; i < DISPLAY_MAX_FRAMES && dd->gl_busy; i++) {
        DisplayFrame *f = &p->frames[i];
        HsGlRequest rq;
        if (!f->gl || f->stage != FRAME_COMPOSING || f->domain != dd->index ||
            f->seq != dd->gl_seq || f->slot < 0 ||
            dma_read(&p->dma, dd->index, slot_addr(f->slot), &rq, sizeof rq) <
                0 ||
            rq.status == GL_STATUS_PENDING)
            continue;
        p->gl_lost++;
        frame_free(f);
    }
}

/* The 3D app starts a frame every 1/frame_rate_hz, unless the last one
 * is still being drawn (then that tick is skipped, counted
 * "gl.frames"; a frame whose call ended without a flip is counted
 * "gl.unshown"). Its frame is the whole screen, drawn by guest code on
 * the GPU or the vCPU (guest/apps/gl.c), then flipped: from there it
 * takes the same way to the panel as every frame. latency.gl.frame is
 * from the tick to the vsync that shows it. */
static void gl_tick_fire(Sim *sim, void *ctx, hs_time now)
{
    DisplayDomain *dd = ctx;
    DisplayPart *p = dd->p;
    sim_schedule_at(sim, &dd->gl_tick, now + dd->gl_period);
    gl_check_ended(p, dd);
    if (dd->gl_busy) {
        p->gl_skipped++;
        return;
    }
    int slot = slot_take(dd);
    if (slot < 0) {
        p->gl_skipped++;
        return;
    }
    DisplayFrame *f = frame_new(p, dd->index, now);
    if (!f) {
        dd->slot_busy[slot] = false;
        return; /* lost, counted */
    }
    f->stage = FRAME_COMPOSING;
    frame_order(f, dd);
    f->slot = slot;
    f->y0 = 0;
    f->y1 = p->panel->cfg.height;
    f->gl = true;
    frame_note(f, "gl.frame", now);
    dd->gl_busy = true;
    dd->gl_seq = f->seq;
    HsGlRequest rq;
    memset(&rq, 0, sizeof rq);
    rq.width = p->panel->cfg.width;
    rq.height = p->panel->cfg.height;
    rq.stride_px = p->panel->cfg.width;
    rq.frame = dd->gl_frame++;
    rq.triangles = dd->gl->gl.triangles;
    rq.flags = HS_GL_PRESENT;
    rq.tag = f->tag;
    rq.status = GL_STATUS_PENDING;
    if (dma_write(&p->dma, dd->index, slot_addr(slot), &rq, sizeof rq) < 0 ||
        machine_inject(p->m, dd->index, HS_EV_CALL, HS_CALL_GL_FRAME,
                       slot_addr(slot)) < 0)
        frame_free(f);
}

/* ---- the paravirtual GPU ------------------------------------------------ */

/* A command list reached the GPU's end of its way (or its way failed):
 * the GPU may fetch it. */
static void pv_done(void *ctx, hs_time done, bool ok)
{
    DisplayDomain *dd = ctx;
    gpu_forward_done(dd->p->gpu, dd->index, ok, done);
}

/* The command lists rung take the approach's GPU path, each its own
 * request (one virtio-gpu command): the hypercall and copy in the
 * domain's kernel, then the gfx VM's turn. */
static void pv_start(Sim *sim, void *ctx, hs_time now)
{
    (void)sim;
    DisplayDomain *dd = ctx;
    DisplayPart *p = dd->p;
    for (unsigned i = 0; i < dd->n_pv; i++) {
        VirtHop hops[VIRT_MAX_HOPS];
        size_t n = 0;
        if (machine_io(p->m, dd->index, VIRT_IO_GPU, MACHINE_IO_OUT,
                       dd->pv_bytes[i], now, pv_done, dd, hops, &n) < 0)
            gpu_forward_done(p->gpu, dd->index, false, now);
    }
    dd->n_pv = 0;
}

/* GpuForwardFunc: a domain rang its paravirtual GPU's doorbell. */
static void pv_ring(void *ctx, int domain, uint32_t old_tail, uint32_t new_tail,
                    hs_time when)
{
    DisplayPart *p = ctx;
    if (domain < 0 || (size_t)domain >= p->n_doms)
        return;
    DisplayDomain *dd = &p->doms[domain];
    const GpuContext *c = &p->gpu->ctx[domain];
    bool first = dd->n_pv == 0;
    for (uint32_t t = old_tail; t != new_tail; t++) {
        HsGpuRingEntry e = {0};
        uint64_t at = c->ring_base + (uint64_t)(t & (c->ring_size - 1)) *
                                         sizeof(HsGpuRingEntry);
        if (dd->n_pv == GPU_PV_PENDING ||
            dma_read(&p->dma, domain, at, &e, sizeof e) < 0) {
            gpu_forward_done(p->gpu, domain, false, when);
            continue;
        }
        dd->pv_bytes[dd->n_pv++] = e.cmd_len;
    }
    if (first && dd->n_pv)
        sim_call_at(p->sim, when, "display.pv", pv_start, dd, 0);
}

/* Whether a GPU sharing mode is built: SHARED (a context on the GPU),
 * NONE (software rendering), OWNER_VM (software rendering; the frame
 * takes VIRT_IO_DISPLAY to the gfx VM, which composes it on the GPU) and
 * PARAVIRT (a context whose command lists take VIRT_IO_GPU through the
 * gfx VM first) are; the other needs what does not exist yet, named in
 * the message. */
static const char *gpu_mode_missing(VirtGpuMode mode)
{
    switch (mode) {
    case VIRT_GPU_SHARED:
    case VIRT_GPU_NONE:
    case VIRT_GPU_OWNER_VM:
    case VIRT_GPU_PARAVIRT:
        return NULL;
    case VIRT_GPU_SECURE_OVERLAY:
        return "the secure display path (a protected overlay the normal "
               "world cannot read)";
    case VIRT_GPU_MODE_COUNT:
        break;
    }
    return "a GPU mode handset does not know";
}

static bool display_not_built(const RunEnv *env, char *err, size_t err_size)
{
    const ApproachOps *ops = machine_approach(env->m);
    for (size_t d = 0; d < env->sc->n_domains; d++) {
        if (!gl_app(env->sc, (int)d))
            continue;
        VirtGpuMode mode = ops->gpu_mode(env->m, (int)d);
        const char *missing = gpu_mode_missing(mode);
        if (missing) {
            hs_errorf(err, err_size,
                      "display: the gl app of domain %s reaches the GPU in "
                      "mode %s under %s, which needs %s: not built yet",
                      env->sc->domains[d].name, virt_gpu_mode_name(mode),
                      approach_name(ops), missing);
            return true;
        }
    }
    return false;
}

/* ---- the user -------------------------------------------------------- */

static void keystroke_fire(Sim *sim, void *ctx, hs_time now)
{
    DisplayPart *p = ctx;
    const ScenarioDist *ks = &p->env->sc->user.keystroke;
    if (now < p->reading_until) {
        sim_schedule_at(sim, &p->keystroke,
                        p->reading_until + dist_time(ks, p->keys));
        return;
    }
    sync_foreground(p, now);
    int fg = machine_foreground(p->m);
    if (fg >= 0 && (size_t)fg < p->n_doms && p->doms[fg].has_ui) {
        DisplayDomain *dd = &p->doms[fg];
        static const char letters[] = "etaoin shrdlu cmfwyp vbgkqj xz";
        if (dd->n_typed >= HS_UI_TEXT_BYTES)
            dd->n_typed = 0;
        dd->typed[dd->n_typed++] =
            letters[sim_rng_below(p->keys, sizeof letters - 1)];
        dd->typed[dd->n_typed] = '\0';
        uint32_t h = p->panel->cfg.height;
        uint32_t y0 = h / 2;
        damage(p, fg, y0, y0 + h / KEY_DAMAGE_DIV, NULL, now, false, now);
    }
    sim_schedule_at(sim, &p->keystroke, now + dist_time(ks, p->keys));
}

/* A frame the user reads is on the panel: keystrokes pause. */
static void user_reads(DisplayPart *p, hs_time now)
{
    const ScenarioDist *rt = &p->env->sc->user.read_time;
    if (!rt->present)
        return;
    p->reading_until = max_time(p->reading_until, now + dist_time(rt, p->read));
}

/* ---- the frame's way to the panel ---------------------------------------- */

/* The frame of domain the guest flipped with tag. Frames of the domain
 * composed before it that never flipped are lost (their flip was refused
 * at the MMIO path, or their call failed): they are never shown. */
static DisplayFrame *flipped_frame(DisplayPart *p, int domain, uint64_t tag)
{
    DisplayFrame *hit = NULL;
    for (size_t i = 0; i < DISPLAY_MAX_FRAMES && !hit; i++) {
        DisplayFrame *f = &p->frames[i];
        if (tag && f->stage == FRAME_COMPOSING && f->domain == domain &&
            f->tag == tag)
            hit = f;
    }
    for (size_t i = 0; hit && i < DISPLAY_MAX_FRAMES; i++) {
        DisplayFrame *f = &p->frames[i];
        if (f->stage == FRAME_COMPOSING && f->domain == domain &&
            f->seq < hit->seq)
            frame_free(f);
    }
    return hit;
}

static uint64_t frame_bytes(const DisplayPart *p, const DisplayFrame *f)
{
    return (uint64_t)(f->y1 - f->y0) * p->panel->cfg.width * 4;
}

static void path_name(DisplayPart *p, DisplayFrame *f, const VirtHop *hops,
                      size_t n)
{
    size_t len = (size_t)snprintf(f->path, sizeof f->path, "%s",
                                  machine_domain_name(p->m, f->domain));
    for (size_t i = 0; i < n && len < sizeof f->path; i++)
        len += (size_t)snprintf(f->path + len, sizeof f->path - len, ">%s",
                                hops[i].component);
}

/* The panel end of the path: the flow check, then the GPU. */
static void at_panel(Sim *sim, void *ctx, hs_time now)
{
    (void)sim;
    DisplayFrame *f = ctx;
    DisplayPart *p = f->p;
    Machine *m = p->m;
    sync_foreground(p, now);
    int fg = machine_foreground(m);
    int src = machine_domain_level(m, f->domain);
    int sink = machine_domain_level(m, fg);
    bool allowed = machine_approach(m)->flow_allowed(m, src, sink);
    FlowTransfer t = {
        .from = machine_domain_name(m, f->domain),
        .label = (FlowLabel)src,
        .to = "panel",
        .clearance = (FlowLabel)sink,
        .bytes = frame_bytes(p, f),
        .path = f->path,
        .allowed = allowed,
        .when = now,
    };
    flow_report(p->env->flows, &t);
    uint64_t units =
        (uint64_t)(f->y1 - f->y0) * p->panel->cfg.width * GPU_OPS_PER_PX;
    if (!allowed || gpu_submit(p->gpu, f->domain, units, now) < 0) {
        frame_free(f);
        return;
    }
    f->gpu_submit = now;
    f->stage = FRAME_GPU;
}

/* The frame's bytes went through the path's last hop. */
static void path_done(void *ctx, hs_time done, bool ok)
{
    DisplayFrame *f = ctx;
    if (!ok) { /* a VM on the path died with it */
        frame_free(f);
        return;
    }
    at_panel(f->p->sim, f, done);
}

/* The flip reached the front at the guest's local time: the damaged
 * bytes take the approach's display path, as work of whoever does each
 * hop (machine_io), and reach the panel when it is done. */
static void path_start(Sim *sim, void *ctx, hs_time now)
{
    DisplayFrame *f = ctx;
    DisplayPart *p = f->p;
    VirtHop hops[VIRT_MAX_HOPS];
    size_t n = 0;
    f->stage = FRAME_PATH;
    if (machine_io(p->m, f->domain, VIRT_IO_DISPLAY, MACHINE_IO_OUT,
                   frame_bytes(p, f), now, path_done, f, hops, &n) < 0) {
        frame_free(f);
        return;
    }
    (void)sim;
    path_name(p, f, hops, n);
}

static void guest_flip(DisplayPart *p, uint64_t tag, const BusAccess *acc)
{
    hs_time when = max_time(acc->when, sim_now(p->sim));
    DisplayFrame *f = flipped_frame(p, acc->domain, tag);
    if (f) {
        p->doms[f->domain].slot_busy[f->slot] = false;
        f->slot = -1;
        gl_frame_over(f);
    } else {
        /* A flip the part did not ask for (another app's frame): the
         * whole screen travels, measured from the flip. */
        f = frame_new(p, acc->domain, when);
        if (!f)
            return;
        f->y0 = 0;
        f->y1 = p->panel->cfg.height;
    }
    f->stage = FRAME_PATH;
    frames_capture(p->env->frames, f, &p->dma, f->domain,
                   machine_domain_name(p->m, f->domain), HS_FB_BASE, f->y0,
                   f->y1, p->panel->cfg.width, p->panel->cfg.height);
    sim_call_at(p->sim, when, "display.flip", path_start, f, 0);
    /* The next damaged frame may be waiting for a free slot. */
    DisplayDomain *dd = &p->doms[acc->domain];
    if (dd->open && !sim_event_pending(&dd->release))
        sim_schedule_at(p->sim, &dd->release,
                        max_time(when, dd->last_compose + dd->period_ps));
}

static void gpu_done(void *ctx, const GpuJob *job, hs_time done)
{
    DisplayPart *p = ctx;
    for (size_t i = 0; i < DISPLAY_MAX_FRAMES; i++) {
        DisplayFrame *f = &p->frames[i];
        if (job->cmd_addr || f->stage != FRAME_GPU ||
            f->domain != job->domain || f->gpu_submit != job->submit_ps)
            continue;
        BusAccess acc = {.when = done, .domain = f->domain};
        display_present(p->panel, &acc);
        f->stage = FRAME_FLIPPED;
        return;
    }
}

/* A vsync: every flipped frame is on the panel now. */
static void on_vsync(void *ctx, int line, bool level)
{
    (void)line;
    DisplayPart *p = ctx;
    if (!level)
        return;
    hs_time now = sim_now(p->sim);
    const RunEnv *env = p->env;
    for (size_t i = 0; i < DISPLAY_MAX_FRAMES; i++) {
        DisplayFrame *f = &p->frames[i];
        if (f->stage != FRAME_FLIPPED)
            continue;
        env->latency(env->latency_ctx, "display.frame", now - f->trigger);
        for (unsigned k = 0; k < f->n_notes; k++) {
            env->latency(env->latency_ctx, f->notes[k].latency,
                         now - f->notes[k].trigger);
            frames_note(env->frames, f, f->notes[k].latency);
        }
        frames_shown(env->frames, f, now);
        if (f->user_reads) {
            user_reads(p, now);
            if (p->sw_any)
                p->last_read_shown = now;
        }
        PhoneShownFunc fn = f->shown_fn;
        void *fctx = f->shown_ctx;
        frame_free(f);
        if (fn)
            fn(fctx, now);
    }
}

/* ---- storage ------------------------------------------------------------- */

/* A storage command completed: a store ends with its last byte. */
static void on_storage(void *ctx, int line, bool level)
{
    (void)line;
    DisplayPart *p = ctx;
    if (!level)
        return;
    hs_time now = sim_now(p->sim);
    for (size_t d = 0; d < p->n_doms; d++) {
        DisplayDomain *dd = &p->doms[d];
        if (!dd->storing || p->storage->bytes_written[d] < dd->store_goal)
            continue;
        dd->storing = false;
        dd->slot_busy[dd->store_slot] = false;
        if (dd->store_latency)
            p->env->latency(p->env->latency_ctx, dd->store_latency,
                            now - dd->store_start);
    }
}

/* A storage command's way (storage_set_hook): the issuer's I/O path of
 * kind VIRT_IO_STORAGE. A write's bytes go down it before they reach the
 * medium; a read's command goes down (a descriptor, no bytes) and its
 * bytes come up it after the medium. Under one kernel that is the
 * kernel's block layer, kernel work on the domain's core; where the
 * approach isolates storage, a request to the storage driver VM, which
 * waits for its turn. */
static void storage_path_done(void *ctx, hs_time done, bool ok)
{
    DisplayStorageIo *sio = ctx;
    sio->used = false;
    storage_continue(sio->p->storage, sio->seq, ok, done);
}

static void storage_path(void *ctx, StorageState *s, StorageHookPoint point,
                         uint64_t seq, hs_time when)
{
    DisplayPart *p = ctx;
    int d = s->op_domain;
    DisplayStorageIo *sio = NULL;
    for (size_t i = 0; i < DISPLAY_STORAGE_IOS && !sio; i++)
        if (!p->sio[i].used)
            sio = &p->sio[i];
    if (d < 0 || (size_t)d >= p->n_doms || !sio) {
        storage_continue(s, seq, true, when); /* no domain path: the host's */
        return;
    }
    bool up = point == STORAGE_HOOK_READ_DONE;
    uint64_t bytes = s->op == HS_STORAGE_CMD_WRITE || up ? s->op_count : 0;
    sio->used = true;
    sio->p = p;
    sio->seq = seq;
    if (machine_io(p->m, d, VIRT_IO_STORAGE,
                   up ? MACHINE_IO_IN : MACHINE_IO_OUT, bytes, when,
                   storage_path_done, sio, NULL, NULL) < 0) {
        sio->used = false;
        storage_continue(s, seq, false, when);
    }
}

static int doc_request(DisplayPart *p, int domain, uint32_t op, uint64_t bytes,
                       uint32_t tag, int *slot_out, char *err, size_t err_size)
{
    Machine *m = p->m;
    if (bytes == 0 || bytes > DISPLAY_DOC_AREA_BYTES)
        return hs_errorf(err, err_size,
                         "display: a document of %llu bytes does not fit "
                         "the domain's document area (%llu MiB)",
                         (unsigned long long)bytes,
                         (unsigned long long)(DISPLAY_DOC_AREA_BYTES >> 20));
    DisplayDomain *dd = &p->doms[domain];
    int slot = slot_take(dd);
    if (slot < 0)
        return hs_errorf(err, err_size,
                         "display: domain %s has %d requests in flight",
                         machine_domain_name(m, domain), DISPLAY_SLOTS);
    HsUiDocRequest rq;
    memset(&rq, 0, sizeof rq);
    rq.buf_addr = DISPLAY_IO_BUF;
    rq.lba = (uint64_t)domain * (DISPLAY_DOC_AREA_BYTES / HS_STORAGE_BLOCK);
    rq.bytes = bytes;
    rq.buf_bytes = DISPLAY_BUF_BYTES;
    rq.op = op;
    fill_scene(p, domain, &rq.page);
    rq.page.height = p->panel->cfg.height;
    rq.page.tag = tag;
    snprintf(rq.page.title, sizeof rq.page.title, "document");
    if (dma_write(&p->dma, domain, slot_addr(slot), &rq, sizeof rq) < 0 ||
        machine_inject(m, domain, HS_EV_CALL, HS_CALL_UI_DOCUMENT,
                       slot_addr(slot)) < 0) {
        dd->slot_busy[slot] = false;
        return hs_errorf(err, err_size, "display: cannot start the request");
    }
    *slot_out = slot;
    return 0;
}

/* What a store writes: the document's text, a seeded run of words (its
 * content changes no measurement, its size does). */
static int fill_document(DisplayPart *p, int domain, uint64_t bytes)
{
    static const char *const words[] = {"the",   "report", "of",  "secret",
                                        "page",  "and",    "a",   "meeting",
                                        "notes", "budget", "plan"};
    char name[48];
    snprintf(name, sizeof name, "display.doc.%d", domain);
    SimRng *r = sim_rng(p->sim, name);
    size_t n = bytes < DISPLAY_BUF_BYTES ? (size_t)bytes : DISPLAY_BUF_BYTES;
    char *text = malloc(n);
    if (!text)
        return -1;
    for (size_t i = 0; i < n;) {
        const char *w = words[sim_rng_below(r, sizeof words / sizeof *words)];
        for (size_t k = 0; w[k] && i < n; k++)
            text[i++] = w[k];
        if (i < n)
            text[i++] = ' ';
    }
    int rc = dma_write(&p->dma, domain, DISPLAY_IO_BUF, text, n);
    free(text);
    return rc;
}

/* ---- the part's API --------------------------------------------------------
 */

static bool domain_ok(const DisplayPart *p, int domain)
{
    return domain >= 0 && (size_t)domain < p->n_doms;
}

int phone_display_notify(void *part, int domain, const char *latency,
                         hs_time since, hs_time now, char *err, size_t err_size)
{
    DisplayPart *p = part;
    if (!domain_ok(p, domain) || !p->doms[domain].has_ui)
        return hs_errorf(err, err_size,
                         "display: a notification for a domain without a ui "
                         "app");
    sync_foreground(p, now);
    uint32_t h = p->panel->cfg.height;
    damage(p, domain, 0, h / NOTE_DAMAGE_DIV, latency, since, true, now);
    return 0;
}

int phone_display_page(void *part, int domain, const char *latency,
                       hs_time since, hs_time now, char *err, size_t err_size)
{
    DisplayPart *p = part;
    if (!domain_ok(p, domain) || !p->doms[domain].has_ui)
        return hs_errorf(err, err_size,
                         "display: a page for a domain without a ui app");
    sync_foreground(p, now);
    damage(p, domain, 0, p->panel->cfg.height, latency, since, true, now);
    return 0;
}

/* The switch's hops are done (latency.switch.focus from the user's
 * action): the new domain is in front, and its ui redraws its whole
 * screen; that frame takes the display path like any other and carries
 * latency.switch from the user's action. */
static void switch_done(void *ctx, hs_time done, bool ok)
{
    DisplayPart *p = ctx;
    p->switching = false;
    if (!ok) { /* a VM on the way died */
        p->sw_failed++;
        return;
    }
    hs_time now = max_time(done, sim_now(p->sim));
    p->env->latency(p->env->latency_ctx, "switch.focus", now - p->sw_at);
    machine_set_foreground(p->m, p->sw_to);
    sync_foreground(p, now);
    DisplayDomain *dd = &p->doms[p->sw_to];
    damage(p, p->sw_to, 0, p->panel->cfg.height, "switch", p->sw_at, false,
           now);
    if (dd->open) {
        dd->open->shown_fn = p->sw_fn;
        dd->open->shown_ctx = p->sw_ctx;
    }
}

int phone_display_switch(void *part, int to, hs_time now, PhoneShownFunc fn,
                         void *ctx, char *err, size_t err_size)
{
    DisplayPart *p = part;
    if (!domain_ok(p, to) || !p->doms[to].has_ui)
        return hs_errorf(err, err_size,
                         "display: a switch to a domain without a ui app");
    if (p->switching) {
        p->sw_busy++;
        return 1;
    }
    if (machine_foreground(p->m) == to) {
        p->sw_front++;
        return 1;
    }
    p->switching = true;
    p->sw_to = to;
    p->sw_at = now;
    p->sw_fn = fn;
    p->sw_ctx = ctx;
    uint64_t strip = (uint64_t)p->panel->cfg.width *
                     (p->panel->cfg.height / SWITCH_STRIP_DIV) * 4;
    if (machine_switch_domain(p->m, to, strip, now, switch_done, p, NULL,
                              NULL) < 0) {
        p->switching = false;
        return hs_errorf(err, err_size,
                         "display: approach %s cannot switch domains",
                         approach_name(machine_approach(p->m)));
    }
    return 0;
}

int phone_display_store(void *part, int domain, uint64_t bytes,
                        const char *latency, hs_time now, char *err,
                        size_t err_size)
{
    DisplayPart *p = part;
    if (!domain_ok(p, domain))
        return hs_errorf(err, err_size, "display: store for a bad domain");
    DisplayDomain *dd = &p->doms[domain];
    if (dd->storing)
        return hs_errorf(err, err_size,
                         "display: domain %s is still storing a document",
                         machine_domain_name(p->m, domain));
    if (bytes && bytes <= DISPLAY_DOC_AREA_BYTES &&
        fill_document(p, domain, bytes) < 0)
        return hs_errorf(err, err_size, "display: cannot write the document");
    int slot;
    if (doc_request(p, domain, HS_UI_DOC_STORE, bytes, 0, &slot, err,
                    err_size) < 0)
        return -1;
    dd->storing = true;
    dd->store_goal = p->storage->bytes_written[domain] + bytes;
    dd->store_start = now;
    dd->store_latency = latency;
    dd->store_slot = slot;
    return 0;
}

/* ---- devices ---------------------------------------------------------------
 */

/* The guest's FLIP on the panel goes to guest_flip (the frame's way
 * above); the panel's other registers are the panel's. */
static void on_flip(void *ctx, uint64_t value, const BusAccess *acc)
{
    guest_flip(ctx, value, acc);
}

static int take_devices(DisplayPart *p, char *err, size_t err_size)
{
    p->panel = (DisplayState *)machine_device(p->m, "display");
    p->gpu = (GpuState *)machine_device(p->m, "gpu");
    p->storage = (StorageState *)machine_device(p->m, "storage");
    if (!p->panel || !p->gpu || !p->storage)
        return hs_errorf(err, err_size,
                         "display: the machine has no display, GPU or "
                         "storage (the run did not power them)");
    if (p->panel->cfg.width > UI_MAX_DIM)
        return hs_errorf(err, err_size,
                         "display: a %u-pixel wide panel is wider than the "
                         "guest composes (%u)",
                         p->panel->cfg.width, UI_MAX_DIM);
    machine_device_irq(p->m, "display", on_vsync, p);
    machine_device_irq(p->m, "storage", on_storage, p);
    gpu_set_done_observer(p->gpu, gpu_done, p);
    display_set_flip_hook(p->panel, on_flip, p);
    storage_set_hook(p->storage, storage_path, p);
    return 0;
}

/* ---- the part ------------------------------------------------------------ */

static bool display_owns_app(ScenarioAppKind kind)
{
    return kind == SCENARIO_APP_UI || kind == SCENARIO_APP_GL;
}

static bool display_owns_action(ScenarioAction action)
{
    return action == SCENARIO_ACTION_DISPLAY_DOCUMENT ||
           action == SCENARIO_ACTION_SWITCH_DOMAIN;
}

/* A download that stores its document needs the storage device, which
 * lives here, even in a scenario with no ui app. */
static bool display_wanted(const Scenario *sc)
{
    for (size_t e = 0; e < sc->n_events; e++)
        if (sc->events[e].action == SCENARIO_ACTION_DOWNLOAD &&
            sc->events[e].store)
            return true;
    return false;
}

/* Whether the scenario can switch domains: a switch-domain event, or a
 * call policy that brings the called domain to the front. */
static bool display_switches(const Scenario *sc)
{
    if (sc->call_policy == SCENARIO_CALL_SWITCH_AND_ANSWER)
        return true;
    for (size_t e = 0; e < sc->n_events; e++)
        if (sc->events[e].action == SCENARIO_ACTION_SWITCH_DOMAIN)
            return true;
    return false;
}

static void display_destroy(void *part)
{
    DisplayPart *p = part;
    if (!p)
        return;
    if (p->sim) {
        sim_cancel(p->sim, &p->keystroke);
        for (size_t d = 0; d < p->n_doms; d++) {
            sim_cancel(p->sim, &p->doms[d].release);
            sim_cancel(p->sim, &p->doms[d].gl_tick);
        }
    }
    /* the devices are the machine's: only this part's hooks go */
    if (p->gpu)
        gpu_set_done_observer(p->gpu, NULL, NULL);
    if (p->panel)
        display_set_flip_hook(p->panel, NULL, NULL);
    if (p->storage)
        storage_set_hook(p->storage, NULL, NULL);
    free(p);
}

static void init_domains(DisplayPart *p)
{
    const Scenario *sc = p->env->sc;
    hs_time vsync = HS_S / p->panel->cfg.refresh_hz;
    p->n_doms = sc->n_domains;
    for (size_t d = 0; d < sc->n_domains; d++) {
        DisplayDomain *dd = &p->doms[d];
        const ScenarioApp *ui = ui_app(sc, (int)d);
        dd->p = p;
        dd->index = (int)d;
        dd->has_ui = ui != NULL;
        dd->period_ps = vsync;
        if (ui) {
            dd->brightness = (ui->ui.brightness_permille * 255 + 500) / 1000;
            if (ui->ui.frame_rate_hz)
                dd->period_ps = HS_S / ui->ui.frame_rate_hz;
        }
        sim_event_init(&dd->release, "display.release", release_fire, dd, 30);
        sim_event_init(&dd->gl_tick, "display.gl", gl_tick_fire, dd, 30);
        dd->gl = gl_app(sc, (int)d);
        if (dd->gl) {
            /* The approach's sharing mode decides whether the domain
             * gets a context on the GPU (display_not_built refused the
             * modes that are not built). */
            VirtGpuMode mode = machine_approach(p->m)->gpu_mode(p->m, (int)d);
            gpu_set_access(p->gpu, (int)d,
                           mode == VIRT_GPU_SHARED ||
                               mode == VIRT_GPU_PARAVIRT);
            if (mode == VIRT_GPU_PARAVIRT)
                gpu_set_forwarding(p->gpu, (int)d, true, pv_ring, p);
            dd->gl_period = HS_S / dd->gl->gl.frame_rate_hz;
            sim_schedule_at(p->sim, &dd->gl_tick, sim_now(p->sim));
        }
    }
}

/* The panel goes on at the start when a user uses the phone. */
static void panel_on(DisplayPart *p)
{
    bool any_ui = false;
    for (size_t d = 0; d < p->n_doms; d++)
        any_ui |= p->doms[d].has_ui;
    if (!any_ui)
        return;
    hs_time now = sim_now(p->sim);
    p->shown_fg = -2;
    sync_foreground(p, now);
    display_set_on(p->panel, true, now);
    pmic_host_acquire(machine_pmic(p->m), DISPLAY_WAKELOCK, now);
    if (p->env->sc->user.keystroke.present)
        sim_schedule_at(p->sim, &p->keystroke,
                        now + dist_time(&p->env->sc->user.keystroke, p->keys));
}

static void *display_create(const RunEnv *env, char *err, size_t err_size)
{
    DisplayPart *p = calloc(1, sizeof *p);
    if (!p) {
        hs_errorf(err, err_size, "out of memory");
        return NULL;
    }
    p->env = env;
    p->m = env->m;
    p->sim = machine_sim(env->m);
    p->dma = machine_dma(env->m);
    p->keys = sim_rng(p->sim, "display.keys");
    p->read = sim_rng(p->sim, "display.read");
    sim_event_init(&p->keystroke, "display.keystroke", keystroke_fire, p, 30);
    if (take_devices(p, err, err_size) < 0) {
        display_destroy(p);
        return NULL;
    }
    init_domains(p);
    panel_on(p);
    return p;
}

static int display_action(void *part, const ScenarioEvent *ev, int index,
                          hs_time now, char *err, size_t err_size)
{
    (void)index;
    DisplayPart *p = part;
    if (ev->action == SCENARIO_ACTION_SWITCH_DOMAIN) {
        int rc =
            phone_display_switch(p, ev->domain, now, NULL, NULL, err, err_size);
        if (rc == 0 && !p->sw_any) { /* the user's round of switches */
            p->sw_any = true;
            p->sw_first = now;
        }
        return rc < 0 ? -1 : 0;
    }
    if (ev->action != SCENARIO_ACTION_DISPLAY_DOCUMENT ||
        !domain_ok(p, ev->domain))
        return hs_errorf(err, err_size, "display: not a display action");
    sync_foreground(p, now);
    DisplayFrame *f = frame_new(p, ev->domain, now);
    if (!f)
        return 0; /* lost, counted */
    DisplayFrame order = {0};
    frame_order(&order, &p->doms[ev->domain]);
    int slot;
    if (doc_request(p, ev->domain, HS_UI_DOC_SHOW, ev->bytes, order.tag, &slot,
                    err, err_size) < 0)
        return -1;
    f->stage = FRAME_COMPOSING;
    f->seq = order.seq;
    f->tag = order.tag;
    f->slot = slot;
    f->y0 = 0;
    f->y1 = p->panel->cfg.height;
    f->document = true;
    f->user_reads = true;
    frame_note(f, "display.document", now);
    return 0;
}

static int display_finish(void *part, Results *r, char *err, size_t err_size)
{
    DisplayPart *p = part;
    /* latencies went out as frames were shown; energy is metered */
    if (results_count_dropped(r, "display.frames", p->frames_dropped, err,
                              err_size) < 0)
        return -1;
    if (display_switches(p->env->sc)) {
        if (results_latency_declare(r, "switch", err, err_size) < 0 ||
            results_latency_declare(r, "switch.focus", err, err_size) < 0 ||
            results_count_dropped(r, "switch.front", p->sw_front, err,
                                  err_size) < 0 ||
            results_count_dropped(r, "switch.busy", p->sw_busy, err, err_size) <
                0 ||
            results_count_dropped(r, "switch.failed", p->sw_failed, err,
                                  err_size) < 0)
            return -1;
        if (p->sw_any && p->last_read_shown > p->sw_first &&
            results_latency_add(r, "switch.session",
                                p->last_read_shown - p->sw_first, err,
                                err_size) < 0)
            return -1;
    }
    if (p->gl_skipped &&
        results_count_dropped(r, "gl.frames", p->gl_skipped, err, err_size) < 0)
        return -1;
    if (p->gl_lost &&
        results_count_dropped(r, "gl.unshown", p->gl_lost, err, err_size) < 0)
        return -1;
    for (size_t d = 0; d < p->n_doms; d++)
        if (results_count_gpu_units(r, machine_domain_name(p->m, (int)d),
                                    p->gpu->units_done[d], err, err_size) < 0)
            return -1;
    return results_count_dropped(r, "gpu.queue", p->gpu->full, err, err_size);
}

static const char *const display_devices[] = {"display", "gpu", "storage",
                                              NULL};

const RunPart phone_part_display = {
    .devices = display_devices,
    .name = "display",
    .owns_app = display_owns_app,
    .owns_action = display_owns_action,
    .wanted = display_wanted,
    .not_built = display_not_built,
    .create = display_create,
    .action = display_action,
    .finish = display_finish,
    .destroy = display_destroy,
};
