/*
 * label.c - names of the MLS levels.
 */
#include "flow/label.h"

#include <string.h>

const char *const flow_label_names[] = {
    [FLOW_UNCLASSIFIED] = "unclassified",
    [FLOW_CONFIDENTIAL] = "confidential",
    [FLOW_SECRET] = "secret",
    [FLOW_TOP_SECRET] = "top-secret",
    [FLOW_LABEL_COUNT] = NULL,
};

const char *flow_label_name(FlowLabel l)
{
    return (unsigned)l < FLOW_LABEL_COUNT ? flow_label_names[l] : "invalid";
}

int flow_label_parse(const char *name, FlowLabel *out)
{
    for (int i = 0; i < FLOW_LABEL_COUNT; i++) {
        if (strcmp(name, flow_label_names[i]) == 0) {
            *out = (FlowLabel)i;
            return 0;
        }
    }
    return -1;
}
