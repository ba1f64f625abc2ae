/*
 * run_data.h - what the viewer reads from a run directory: the run's
 * length (results.json), its frames (frames.hsf) and its timelines
 * (trace.json or trace.json.gz, one event per line as out/trace.c
 * writes them). No SDL here.
 */
#ifndef HS_VIEWER_RUN_DATA_H
#define HS_VIEWER_RUN_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "out/frames.h"
#include "sim/time.h"

#define VIEW_MAX_SERIES 24
#define VIEW_MAX_DOMAINS 8

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
} RunData;

/* Loads DIR. Returns 0, or -1 with a message in err (no results.json,
 * a corrupt frames file or trace line, named with its line). */
int run_data_load(const char *dir, RunData *d, char *err, size_t err_size);
void run_data_free(RunData *d);

/* Value of s at t (0 before its first point). */
double view_series_at(const ViewSeries *s, hs_time t);

#endif /* HS_VIEWER_RUN_DATA_H */
