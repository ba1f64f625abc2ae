/*
 * trace.h - trace.json: the run as a Chrome trace-event JSON file that
 * ui.perfetto.dev (and chrome://tracing) opens.
 *
 * File shape: {"traceEvents": [EVENT,\n EVENT, ...], "displayTimeUnit":
 * "ns"}. Events are written as they come (the stream is buffered, memory
 * stays bounded however long the run) to a temporary file that
 * trace_close renames into place (out/atomic.h): a run that fails leaves
 * no trace.json.
 *
 * Time: "ts" and "dur" are microseconds, rendered exactly from the
 * integer picoseconds (1500 ps -> 0.0015, 2 s -> 2000000): the integer
 * microseconds, then the fraction from the remaining picoseconds with
 * trailing zeros dropped. No floating point is involved.
 *
 * Layout the runner uses (see results/README.md): one process per group
 * (the SoC's physical cores, each domain's vCPUs, power rails, radio,
 * flows), one thread per core or vCPU, named with metadata events so the
 * timeline reads "cpu0", "secret/vcpu0". Event kinds:
 *   trace_slice    "X" complete event: something ran from start for dur
 *   trace_counter  "C" counter: a rail's power, the RRC state, battery
 *   trace_instant  "i" instant: a flow or violation at one time
 *   trace_flow     "s"/"f" flow arrow between two slices
 *   trace_process_name / trace_thread_name  "M" metadata
 *
 * The trace is an observer: it only records what it is given and never
 * influences the simulation. Names must be UTF-8 (they come from
 * scenario and SoC files, which jansson has checked); they are escaped
 * for JSON here.
 *
 * Errors: a write failure is kept (later calls return -1 and trace_close
 * fails and removes the temporary file); a bad argument (a non-finite
 * counter value) returns -1 and leaves the trace usable. trace_error
 * gives the message. Nothing prints.
 */
#ifndef HS_OUT_TRACE_H
#define HS_OUT_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "sim/time.h"

/* A trace being written (opaque). */
typedef struct Trace Trace;

/* Scope of an instant event (how far its line is drawn). */
typedef enum TraceScope {
    TRACE_SCOPE_THREAD,  /* "t": on its thread's track */
    TRACE_SCOPE_PROCESS, /* "p": across its process */
    TRACE_SCOPE_GLOBAL,  /* "g": across the whole timeline */
} TraceScope;

/* End of a flow arrow. */
typedef enum TraceFlowPhase {
    TRACE_FLOW_START, /* "s": the arrow leaves the enclosing slice */
    TRACE_FLOW_END,   /* "f": it arrives at the enclosing slice */
} TraceFlowPhase;

/* Opens a trace to be written to path (appears on trace_close). Returns
 * NULL with a message in err when the file cannot be created. */
Trace *trace_open(const char *path, char *err, size_t err_size);

/* trace_open, but the file is gzip-compressed through zlib (name it
 * trace.json.gz; ui.perfetto.dev and zcat read it). */
Trace *trace_open_gzip(const char *path, char *err, size_t err_size);

/* Names process pid / thread tid of pid ("M" events). */
int trace_process_name(Trace *t, uint32_t pid, const char *name);
int trace_thread_name(Trace *t, uint32_t pid, uint32_t tid, const char *name);

/* A complete event: name ran on pid/tid from start for dur. cat may be
 * NULL; args (an object, may be NULL) is written as its "args". */
int trace_slice(Trace *t, uint32_t pid, uint32_t tid, const char *name,
                const char *cat, hs_time start, hs_time dur,
                const json_t *args);

/* Counter `name` of process pid takes value (series `series`, e.g.
 * "mw") from ts on. value must be finite. */
int trace_counter(Trace *t, uint32_t pid, const char *name, hs_time ts,
                  const char *series, double value);

/* An instant event at ts; args as for trace_slice. */
int trace_instant(Trace *t, uint32_t pid, uint32_t tid, const char *name,
                  const char *cat, hs_time ts, TraceScope scope,
                  const json_t *args);

/* One end of flow arrow id (the same id, name and cat at both ends),
 * bound to the slice enclosing ts on pid/tid. */
int trace_flow(Trace *t, TraceFlowPhase phase, uint64_t id, uint32_t pid,
               uint32_t tid, const char *name, const char *cat, hs_time ts);

/* Number of events written so far. */
uint64_t trace_events(const Trace *t);

/* The last error message ("" if none). */
const char *trace_error(const Trace *t);

/* Ends the JSON, then flushes, fsyncs and renames into place; frees t.
 * Returns 0, or -1 with a message in err (no file is left then). */
int trace_close(Trace *t, char *err, size_t err_size);

/* Drops the trace (no file is left) and frees t. NULL is allowed. */
void trace_abort(Trace *t);

/* Writes ps as exact decimal microseconds into buf ("0.0015", "2"). At
 * most 28 bytes are needed. Returns the length. */
int trace_format_us(hs_time ps, char *buf, size_t size);

#endif /* HS_OUT_TRACE_H */
