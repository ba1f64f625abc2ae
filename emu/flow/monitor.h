/*
 * monitor.h - the flow monitor: every transfer across a boundary.
 *
 * Components report each transfer (device -> domain, domain -> device,
 * domain -> domain, baseband -> network) with the data's label, the
 * sink's clearance, the bytes moved, the path it took and what the
 * approach's policy decided. The monitor only records: it never decides
 * and never steers. A transfer the policy allowed from a label to a sink
 * not cleared for it is a violation (DESIGN.md section 4).
 *
 * Identical transfers (same from, label, to, clearance, path, verdict)
 * are merged into one record with a count and a byte total, so a day of
 * microphone frames costs one record, not four million.
 */
#ifndef HS_FLOW_MONITOR_H
#define HS_FLOW_MONITOR_H

#include <stddef.h>
#include <stdint.h>

#include "flow/label.h"
#include "sim/time.h"

typedef enum FlowVerdict {
    FLOW_ALLOWED = 0,  /* allowed, and the sink is cleared for the label */
    FLOW_BLOCKED,      /* the policy stopped it */
    FLOW_VIOLATION,    /* allowed from a label to a sink not cleared for it */
    FLOW_DECLASSIFIED, /* downwards, released on purpose by a trusted path */
} FlowVerdict;

/* One transfer as reported. Strings are copied by the monitor. */
typedef struct FlowTransfer {
    const char *from;    /* source, e.g. "mic", "secret" */
    FlowLabel label;     /* label of the data */
    const char *to;      /* sink, e.g. "baseband", "unclass" */
    FlowLabel clearance; /* clearance of the sink */
    uint64_t bytes;      /* bytes moved */
    const char *path;    /* hops, e.g. "mic>baseband>network" */
    int allowed;         /* the approach's policy decision (non-zero) */
    int declassified;    /* non-zero: a trusted path (the user's consent)
                            released it; a flow downwards is then counted
                            as a declassification, not a violation */
    hs_time when;        /* when it happened */
} FlowTransfer;

/* A merged record. */
typedef struct FlowRecord {
    char *from, *to, *path; /* owned copies */
    FlowLabel label, clearance;
    FlowVerdict verdict;
    uint64_t transfers;  /* transfers merged into this record */
    uint64_t bytes;      /* their bytes */
    hs_time first, last; /* times of the first and last */
} FlowRecord;

/* Called for every reported transfer after it is recorded (trace
 * writers); observers never steer. */
typedef void (*FlowObserverFunc)(void *ctx, const FlowTransfer *t,
                                 FlowVerdict verdict);

typedef struct FlowMonitor FlowMonitor;

/* Returns a new, empty monitor, or NULL on out of memory. */
FlowMonitor *flow_monitor_new(void);
void flow_monitor_free(FlowMonitor *m);

/* The verdict the monitor gives a transfer: blocked if the policy said
 * no, a violation if it said yes to a flow downwards, else allowed. */
FlowVerdict flow_verdict(FlowLabel label, FlowLabel clearance, int allowed);
const char *flow_verdict_name(FlowVerdict v);

/* Records a transfer; returns its verdict, or -1 on out of memory. */
int flow_report(FlowMonitor *m, const FlowTransfer *t);

/* One observer; fn NULL removes it. */
void flow_monitor_set_observer(FlowMonitor *m, FlowObserverFunc fn, void *ctx);

/* Records in the order they first appeared. */
size_t flow_record_count(const FlowMonitor *m);
const FlowRecord *flow_record_at(const FlowMonitor *m, size_t i);
/* Totals over every transfer reported. */
uint64_t flow_violations(const FlowMonitor *m); /* transfers */
uint64_t flow_violation_bytes(const FlowMonitor *m);
uint64_t flow_blocked(const FlowMonitor *m);      /* transfers */
uint64_t flow_declassified(const FlowMonitor *m); /* transfers */

#endif /* HS_FLOW_MONITOR_H */
