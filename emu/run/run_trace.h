/*
 * run_trace.h - what one run writes into trace.json (out/trace.h): the
 * tracks, and the observers that fill them from the machine, the power
 * meter and the flow monitor.
 *
 * Tracks (results/README.md, "trace.json"):
 *   pid 1  "AP cores"           a thread per core: the quanta it ran
 *   pid 2  "power rails (mW)"   counters per rail, "battery" (%), "RRC
 *                               state" (index of the radio's power
 *                               state, with an instant naming each),
 *                               "foreground" (domain index)
 *   pid 3  "information flows"  a thread per source or sink ("mic",
 *                               "panel", a domain): each transfer is a
 *                               slice on both ends joined by a flow
 *                               arrow (ph s/f), named "flow", "blocked"
 *                               or "violation"
 *   pid 4  "phone events"       an instant per latency sample when it
 *                               completes ("call.ring", "sms.shown")
 *   pid 5  "hypervisor"         a thread per core: switches the
 *                               hypervisor or monitor makes on its own
 *                               (a cyclic schedule's idle window)
 *   pid 100+K  "kernel NAME"    one per kernel, VM and world the
 *                               approach built (machine_kernel_name):
 *                               thread 0 its partition windows, thread
 *                               1+C the switches of core C into it
 *   pid 10+D  "domain NAME"     a thread per vCPU: its quanta
 * Every VM switch is one slice named "VM switch" (cat "switch") and
 * every world switch one named "world switch", so their counts equal
 * counts.vm_switches and counts.world_switches while the trace has room.
 *
 * Size: past max_events the trace stops taking events; at the end one
 * global instant "trace truncated" says how many of each kind were
 * dropped and from when, and run_trace_close returns the same line.
 * gzip writes trace.json.gz (zlib) instead of trace.json.
 *
 * Observers only: the run is the same with or without a trace.
 */
#ifndef HS_SCENARIO_RUN_TRACE_H
#define HS_SCENARIO_RUN_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flow/monitor.h"
#include "sim/time.h"
#include "machine/machine.h"
#include "power/meter.h"

/* source: a 24 h standby run under every approach wrote 167 MB of
 * trace; 2 million events (about 200 MB uncompressed at ~100 bytes an
 * event) keep one run's trace openable in ui.perfetto.dev. */
#define RUN_TRACE_MAX_EVENTS 2000000u

typedef struct RunTrace RunTrace;

/* Opens DIR/trace.json (DIR/trace.json.gz with gzip) and hooks the
 * machine and its meter (flows come through run_trace_flow). max_events 0 means
 * the default. Returns NULL with a message in err. */
RunTrace *run_trace_open(const char *dir, Machine *m, bool gzip,
                         uint64_t max_events, char *err, size_t err_size);

/* A flow transfer and its verdict: the run's flow observer calls it. */
void run_trace_flow(RunTrace *rt, const FlowTransfer *t, FlowVerdict v);

/* Whether a power change is the radio entering an RRC state (the radio's
 * power states are its RRC states): the trace's "RRC state" counter and
 * the live view's follow the same rule. */
bool run_trace_is_rrc(const PowerChange *ch);

/* A latency sample completed at now. */
void run_trace_latency(RunTrace *rt, const char *name, hs_time now,
                       hs_time sample);

/* Once per run step: battery left (%) and the foreground domain. */
void run_trace_step(RunTrace *rt, hs_time now, double battery_pct);

/* The first error an observer met ("" if none); the run fails on it. */
const char *run_trace_error(const RunTrace *rt);

/* Ends and renames the trace into place (observers add nothing from
 * then on). note gets a line saying what was dropped ("" when nothing
 * was). Returns 0 or -1 (no file is left then). */
int run_trace_close(RunTrace *rt, hs_time now, char *note, size_t note_size,
                    char *err, size_t err_size);

/* Frees rt, dropping the trace when it was not closed (no file is
 * left). Call it after the machine and the meter are freed, whose
 * observers point here. NULL is allowed. */
void run_trace_free(RunTrace *rt);

#endif /* HS_SCENARIO_RUN_TRACE_H */
