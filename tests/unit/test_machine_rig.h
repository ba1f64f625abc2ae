/*
 * test_machine_rig.h - a two-domain phone (secret, unclass) on ref-2013
 * under a named approach, shared by the machine and approach tests.
 */
#ifndef HS_TEST_MACHINE_RIG_H
#define HS_TEST_MACHINE_RIG_H

#include "harness.h"

#include <stdio.h>

#include "machine/machine.h"
#include "virt/virt.h"

typedef struct Rig {
    SocModel *soc;
    Machine *m;
} Rig;

/* With the SoC devices named in devices (NULL-terminated, may be NULL)
 * powered beside the platform's own. */
static inline Machine *rig_new_devices(Rig *r, const char *approach,
                                       unsigned cores, const char *const *set,
                                       size_t n_set, uint64_t seed,
                                       const char *const *devices, char *err,
                                       size_t err_size)
{
    char soc_path[1024], img[1024];
    static const MachineDomainConfig doms[] = {
        {.name = "secret", .level = 2, .n_vcpus = 1},
        {.name = "unclass", .level = 0, .n_vcpus = 1},
    };
    r->m = NULL;
    r->soc = soc_load(
        hs_test_path("soc_models/ref-2013.json", soc_path, sizeof soc_path),
        err, err_size);
    if (!r->soc)
        return NULL;
    size_t n_approaches;
    const ApproachOps *const *approaches = virt_approaches(&n_approaches);
    MachineConfig cfg = {
        .soc = r->soc,
        .approach = approach,
        .approaches = approaches,
        .n_approaches = n_approaches,
        .seed = seed,
        .image_path = hs_test_path("build/guest/domain.elf", img, sizeof img),
        .domains = doms,
        .n_domains = 2,
        .max_cores = cores,
        .set = set,
        .n_set = n_set,
        .devices = devices,
    };
    r->m = machine_new(&cfg, err, err_size);
    return r->m;
}

static inline Machine *rig_new(Rig *r, const char *approach, unsigned cores,
                               const char *const *set, size_t n_set,
                               uint64_t seed, char *err, size_t err_size)
{
    return rig_new_devices(r, approach, cores, set, n_set, seed, NULL, err,
                           err_size);
}

/* With the SoC devices in devices (NULL-terminated) powered. */
static inline Machine *rig_must_devices(Rig *r, const char *approach,
                                        const char *const *devices)
{
    char err[512];
    if (!rig_new_devices(r, approach, 0, NULL, 0, 1, devices, err, sizeof err))
        fail_msg("%s: %s", approach, err);
    return r->m;
}

static inline Machine *rig_must(Rig *r, const char *approach, unsigned cores,
                                const char *const *set, size_t n_set)
{
    char err[512];
    if (!rig_new(r, approach, cores, set, n_set, 1, err, sizeof err))
        fail_msg("%s: %s", approach, err);
    return r->m;
}

static inline void rig_free(Rig *r)
{
    machine_free(r->m);
    soc_free(r->soc);
}

#endif
