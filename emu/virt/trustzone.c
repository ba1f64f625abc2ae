/*
 * trustzone.c - the highest domain in the secure world, the others in
 * the normal world. Not built yet: listed so that `handset list
 * approaches` names it, and machine_new refuses to run it with a message
 * saying so. Its parameters will be the SMC round trip and world switch
 * of PARAMS.md (Arm Trusted Firmware, Juno).
 */
#include "virt/approach.h"

const ApproachOps approach_trustzone = {
    .name = "trustzone",
    .description = "highest domain in the secure world, the others in the "
                   "normal world",
    .built = false,
};
