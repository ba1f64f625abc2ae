/*
 * trace_read.h - reads back a trace.json or trace.json.gz that out/trace.c
 * wrote (one event per line), for the viewer and the report.
 */
#ifndef HS_OUT_TRACE_READ_H
#define HS_OUT_TRACE_READ_H

#include <stddef.h>

#include <jansson.h>

#include "sim/time.h"

/* Called with each event; returns 0, or -1 to stop (with a message). */
typedef int (*TraceReadFunc)(void *ctx, json_t *event);

/* Calls fn for every event of path (plain or gzip) whose line contains
 * one of want[0..n_want) (all events when n_want is 0). Returns 0, or -1
 * with err naming path:line:column. */
int trace_read(const char *path, const char *const *want, size_t n_want,
               TraceReadFunc fn, void *ctx, char *err, size_t err_size);

/* The trace of run directory dir (trace.json, else trace.json.gz) into
 * buf; returns 0, or -1 when it has neither. */
int trace_find(const char *dir, char *buf, size_t size);

/* An event's "ts" (exact decimal microseconds) in picoseconds. */
hs_time trace_event_ps(const json_t *event);

#endif /* HS_OUT_TRACE_READ_H */
