/*
 * viewer.h - `handset view`: the SDL2 front end that replays a finished
 * run. Only viewer/ includes SDL (and libpng); the model never sees it,
 * as mGBA keeps its front ends apart from its core.
 *
 * What it shows (viewer_main): the phone's panel as the run's frames
 * (frames.hsf, out/frames.h) put it together, and below it the run's
 * timelines read from trace.json or trace.json.gz: power per rail,
 * battery, RRC state, the foreground domain, calls and notifications
 * (latency marks), flows and violations. The layout is fixed (see
 * viewer_layout) so a screenshot's panel region can be checked pixel by
 * pixel against the recorded frames.
 *
 * viewer_live shows the same while a run goes, fed by the run's
 * observer (run/run.h): the model never calls SDL, and the run is the
 * same with or without the window.
 */
#ifndef HS_VIEWER_VIEWER_H
#define HS_VIEWER_VIEWER_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "sim/time.h"

typedef struct ViewerOptions {
    const char *run_dir; /* DIR holding results.json, frames.hsf, trace */
    bool screenshot;     /* render one frame headless and exit */
    hs_time at;          /* the screenshot's simulated time */
    const char *png;     /* where the screenshot goes */
    bool list_frames;    /* print the frame index and exit */
} ViewerOptions;

/* Where the panel is drawn in the window: its top-left corner and the
 * downscale factor (window pixel (x, y) of the panel shows panel pixel
 * (x * scale, y * scale)). */
typedef struct ViewerLayout {
    int panel_x, panel_y; /* top-left corner in the window */
    int panel_w, panel_h; /* drawn size */
    int scale;            /* panel pixels per drawn pixel */
    int timeline_y;       /* first row of the timelines */
    int width, height;    /* the window */
} ViewerLayout;

/* Runs the viewer; returns a process exit status (0, 1 host failure, 2
 * bad input), printing errors to stderr. */
int viewer_main(const ViewerOptions *o);

/* ---- live: `handset run --view` ------------------------------------------ */

struct RunObserver;

typedef struct ViewerLive {
    const char *out_dir; /* where the run's results go (shown) */
    /* Runs the simulation on the run's thread, telling obs; returns the
     * run's exit status. */
    int (*run)(void *arg, const struct RunObserver *obs);
    void *arg;
    double speed;    /* simulated seconds per wall second; 0 unpaced */
    const char *png; /* when the run ends, write the window here, close */
    /* The run's stop flag (a signal handler's): the window sets it to
     * SIGINT when closed before the run ends, and closes when it is set
     * by a signal. */
    volatile sig_atomic_t *stop;
    bool quiet; /* no lines on stderr but errors */
} ViewerLive;

/* Opens the window, runs lv->run on a thread of its own and shows what
 * it tells as it goes: the panel's frames and the timelines of
 * `handset view`, the simulated time paced at lv->speed (the keys change
 * it, space pauses the run). When the run ends the window stays, as a
 * replay of what it showed, until closed (with lv->png: written and
 * closed at once). Closing it before the run ends stops the run as
 * SIGINT does. Returns the run's exit status, or 1 when the window or
 * the PNG failed (nothing was run when the window could not open). */
int viewer_live(const ViewerLive *lv);

#endif /* HS_VIEWER_VIEWER_H */
