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
 */
#ifndef HS_VIEWER_VIEWER_H
#define HS_VIEWER_VIEWER_H

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

#endif /* HS_VIEWER_VIEWER_H */
