/*
 * run_data.h - what the viewer reads from a run directory: the run's
 * length (results.json), its frames (frames.hsf) and its timelines
 * (trace.json or trace.json.gz, one event per line as out/trace.c
 * writes them); or, for `handset run --view`, the same built up as the
 * run goes (run_data_counter, _mark, _frame from its observer). No SDL
 * here.
 *
 * Built live, a RunData keeps its size bounded however long the run: a
 * series keeps every point up to VIEW_EXACT_POINTS (so a short run draws
 * exactly as its replay), then, with a bucket (1/VIEW_BUCKETS of the
 * run), at most two points per bucket (the first with the bucket's
 * highest value so far, the last with the latest value); a mark of the
 * same kind and name as one already in its bucket is not kept. Past that
 * size the drawing can differ from the replay's by a pixel column where
 * a bucket straddles two columns (its highest value is drawn in the
 * first); a value read between a bucket's two points is its highest.
 */
#ifndef HS_VIEWER_RUN_DATA_H
#define HS_VIEWER_RUN_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "out/frames.h"
#include "sim/time.h"

#define VIEW_MAX_SERIES 24
#define VIEW_MAX_DOMAINS 8
/* source: estimate. The timeline is under 1000 pixels wide; 16384
 * buckets keep several per pixel column at any window size we draw. */
#define VIEW_BUCKETS 16384
/* source: estimate. 65536 points of 16 bytes are 1 MiB a series. */
#define VIEW_EXACT_POINTS 65536
#define VIEW_MARK_NAMES 32 /* names whose last bucket a live RunData keeps */

/* A step function: value v[i] from t[i] on. */
typedef struct ViewSeries {
    char name[48];
    hs_time *t;
    double *v;
    size_t n, cap;
    double max;
} ViewSeries;

/* Something that happened at one time, drawn as a mark. */
typedef struct ViewMark {
    hs_time t;
    char name[40]; /* "call.ring", "violation", an RRC state */
    int kind;      /* VIEW_MARK_* */
} ViewMark;

enum {
    VIEW_MARK_EVENT,     /* a latency completed (calls, notifications) */
    VIEW_MARK_FLOW,      /* an allowed flow */
    VIEW_MARK_BLOCKED,   /* a flow the policy blocked */
    VIEW_MARK_VIOLATION, /* a violation */
    VIEW_MARK_RRC,       /* the radio entered a state */
};

typedef struct RunData {
    char dir[1024];
    char scenario[64], approach[32];
    hs_time duration;                  /* sim_time_s */
    FrameFile frames;                  /* may be empty (n = 0) */
    int has_frames;                    /* frames.hsf was there */
    int has_trace;                     /* a trace was there */
    ViewSeries rails[VIEW_MAX_SERIES]; /* power per rail, mW */
    size_t n_rails;
    ViewSeries battery, rrc, foreground;
    char domains[VIEW_MAX_DOMAINS][32]; /* foreground index -> name */
    ViewMark *marks;                    /* in time order */
    size_t n_marks, cap_marks;
    /* built live only */
    hs_time bucket;                       /* 0: every point is kept */
    size_t cap_recs, cap_data;            /* frames.recs and frames.data room */
    char mark_names[VIEW_MARK_NAMES][40]; /* a mark's kind and name ... */
    int mark_kinds[VIEW_MARK_NAMES];
    hs_time mark_buckets[VIEW_MARK_NAMES]; /* ... and its last bucket */
    size_t n_mark_names;
} RunData;

/* Loads DIR. Returns 0, or -1 with a message in err (no results.json,
 * a corrupt frames file or trace line, named with its line). */
int run_data_load(const char *dir, RunData *d, char *err, size_t err_size);
void run_data_free(RunData *d);

/* ---- built as a run goes ------------------------------------------------ */

/* An empty RunData of a run of duration (its points bucketed, see
 * above). */
void run_data_init(RunData *d, const char *dir, hs_time duration);
/* Counter name ("battery", "RRC state", "foreground", else a rail in mW)
 * takes v at t. Returns 0 or -1 (out of memory). */
int run_data_counter(RunData *d, const char *name, hs_time t, double v);
/* A mark (VIEW_MARK_*) at t, kept in time order. 0 or -1. */
int run_data_mark(RunData *d, hs_time t, const char *name, int kind);
/* A frame as frames.hsf records it: rec (its offset ignored) and its
 * zlib data, kept in d->frames. 0 or -1. */
int run_data_frame(RunData *d, const FrameRecord *rec, const void *z);

/* Value of s at t (0 before its first point). */
double view_series_at(const ViewSeries *s, hs_time t);

#endif /* HS_VIEWER_RUN_DATA_H */
