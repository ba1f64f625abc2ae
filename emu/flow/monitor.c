/*
 * monitor.c - merged records of boundary transfers and their verdicts.
 */
#include "flow/monitor.h"

#include <stdlib.h>
#include <string.h>

struct FlowMonitor {
    FlowRecord *recs; /* merged records, in first-seen order */
    size_t len, cap;
    uint64_t violations, violation_bytes;
    uint64_t blocked, declassified;
    FlowObserverFunc observer;
    void *observer_ctx;
};

FlowMonitor *flow_monitor_new(void)
{
    return calloc(1, sizeof(FlowMonitor));
}

void flow_monitor_free(FlowMonitor *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->len; i++) {
        free(m->recs[i].from);
        free(m->recs[i].to);
        free(m->recs[i].path);
    }
    free(m->recs);
    free(m);
}

FlowVerdict flow_verdict(FlowLabel label, FlowLabel clearance, int allowed)
{
    if (!allowed)
        return FLOW_BLOCKED;
    return flow_label_may_flow(label, clearance) ? FLOW_ALLOWED
                                                 : FLOW_VIOLATION;
}

const char *flow_verdict_name(FlowVerdict v)
{
    switch (v) {
    case FLOW_ALLOWED:
        return "allowed";
    case FLOW_BLOCKED:
        return "blocked";
    case FLOW_VIOLATION:
        return "violation";
    case FLOW_DECLASSIFIED:
        return "declassified";
    }
    return "invalid";
}

static int same(const FlowRecord *r, const FlowTransfer *t, FlowVerdict v)
{
    return r->label == t->label && r->clearance == t->clearance &&
           r->verdict == v && strcmp(r->from, t->from) == 0 &&
           strcmp(r->to, t->to) == 0 && strcmp(r->path, t->path) == 0;
}

int flow_report(FlowMonitor *m, const FlowTransfer *t)
{
    FlowVerdict v = flow_verdict(t->label, t->clearance, t->allowed);
    if (v == FLOW_VIOLATION && t->declassified)
        v = FLOW_DECLASSIFIED;
    FlowRecord *r = NULL;
    /* Newest first: a stream of identical transfers hits at once. */
    for (size_t i = m->len; i-- > 0;) {
        if (same(&m->recs[i], t, v)) {
            r = &m->recs[i];
            break;
        }
    }
    if (!r) {
        if (m->len == m->cap) {
            size_t cap = m->cap ? m->cap * 2 : 16;
            FlowRecord *n = realloc(m->recs, cap * sizeof *n);
            if (!n)
                return -1;
            m->recs = n;
            m->cap = cap;
        }
        FlowRecord nr = {
            .from = strdup(t->from),
            .to = strdup(t->to),
            .path = strdup(t->path),
            .label = t->label,
            .clearance = t->clearance,
            .verdict = v,
            .first = t->when,
        };
        if (!nr.from || !nr.to || !nr.path) {
            free(nr.from);
            free(nr.to);
            free(nr.path);
            return -1;
        }
        m->recs[m->len] = nr;
        r = &m->recs[m->len++];
    }
    r->transfers++;
    r->bytes += t->bytes;
    r->last = t->when;
    if (v == FLOW_VIOLATION) {
        m->violations++;
        m->violation_bytes += t->bytes;
    } else if (v == FLOW_BLOCKED) {
        m->blocked++;
    } else if (v == FLOW_DECLASSIFIED) {
        m->declassified++;
    }
    if (m->observer)
        m->observer(m->observer_ctx, t, v);
    return (int)v;
}

void flow_monitor_set_observer(FlowMonitor *m, FlowObserverFunc fn, void *ctx)
{
    m->observer = fn;
    m->observer_ctx = ctx;
}

size_t flow_record_count(const FlowMonitor *m)
{
    return m->len;
}

const FlowRecord *flow_record_at(const FlowMonitor *m, size_t i)
{
    return i < m->len ? &m->recs[i] : NULL;
}

uint64_t flow_violations(const FlowMonitor *m)
{
    return m->violations;
}

uint64_t flow_violation_bytes(const FlowMonitor *m)
{
    return m->violation_bytes;
}

uint64_t flow_blocked(const FlowMonitor *m)
{
    return m->blocked;
}

uint64_t flow_declassified(const FlowMonitor *m)
{
    return m->declassified;
}
