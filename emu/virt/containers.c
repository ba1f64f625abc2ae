/*
 * containers.c - Cells-style virtual phones in one kernel (Andrus et al.,
 * SOSP 2011). Not built yet: listed so that `handset list approaches`
 * names it, and machine_new refuses to run it with a message saying so.
 */
#include "virt/approach.h"

const ApproachOps approach_containers = {
    .name = "containers",
    .description =
        "Cells-style virtual phones in one kernel, foreground/background",
    .built = false,
};
