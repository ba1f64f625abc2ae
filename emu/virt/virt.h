/*
 * virt.h - the approach registry: every approach's ApproachOps (one file
 * each, one file in emu/virt), found by the names of config/names.h, and the
 * check of a "--set" key against every approach's parameter table and
 * the machine's.
 *
 * Names and descriptions are config's (scenario files name approaches
 * before any mechanism is linked in); this table maps each name to its
 * mechanisms. A run hands the table to the machine (MachineConfig), which
 * never includes this file.
 */
#ifndef HS_VIRT_VIRT_H
#define HS_VIRT_VIRT_H

#include <stddef.h>

#include "machine/approach.h"

/* Every approach, in listing order (ScenarioApproach order); *n gets the
 * count. */
const ApproachOps *const *virt_approaches(size_t *n);

/* The approach called name, or NULL. */
const ApproachOps *virt_find(const char *name);

/* Checks one "--set KEY=VALUE" against every approach's table and the
 * machine's ("machine.<key>", machine_params_table) without building a
 * machine (scenario validation). Returns 0, or -1 with a message naming
 * the key (unknown key with a did-you-mean, or a value that is not a
 * non-negative integer) in err. */
int virt_check_set(const char *kv, char *err, size_t err_size);

#endif /* HS_VIRT_VIRT_H */
