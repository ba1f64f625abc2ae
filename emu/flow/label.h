/*
 * label.h - the MLS lattice data and domains are labelled with.
 *
 * Four totally ordered levels (unclassified < confidential < secret <
 * top-secret), as in DESIGN.md section 4. Data carries a label; a sink
 * (a domain, a device, the network) has a clearance; a flow from a label
 * to a sink whose clearance the label does not fit under is a flow
 * downwards. The scenario names (emu/config/names.h) use the same
 * values and spellings.
 */
#ifndef HS_FLOW_LABEL_H
#define HS_FLOW_LABEL_H

#include <stdbool.h>

typedef enum FlowLabel {
    FLOW_UNCLASSIFIED = 0,
    FLOW_CONFIDENTIAL,
    FLOW_SECRET,
    FLOW_TOP_SECRET,
    FLOW_LABEL_COUNT,
} FlowLabel;

/* Names indexed by FlowLabel, ending with NULL ("unclassified", ...). */
extern const char *const flow_label_names[];

/* Name of a label, or "invalid" outside the lattice. */
const char *flow_label_name(FlowLabel l);
/* Parses a label name; returns 0, or -1 if the name is unknown. */
int flow_label_parse(const char *name, FlowLabel *out);
/* True if a dominates b (a >= b in the lattice). */
static inline bool flow_label_dominates(FlowLabel a, FlowLabel b)
{
    return a >= b;
}
/* Least upper bound: the label of data mixed from a and b. */
static inline FlowLabel flow_label_join(FlowLabel a, FlowLabel b)
{
    return a > b ? a : b;
}
/* True if data labelled `label` may reach a sink cleared to `clearance`
 * under Bell-LaPadula's *-property (no write down). */
static inline bool flow_label_may_flow(FlowLabel label, FlowLabel clearance)
{
    return flow_label_dominates(clearance, label);
}

#endif /* HS_FLOW_LABEL_H */
