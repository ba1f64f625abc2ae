/*
 * provenance.h - the "inputs" block of results.json: what a run read,
 * identified by content so that the same inputs give the same bytes on
 * any machine and in any working directory (results/README.md).
 *
 * Files are named by their SHA-256, never by path; the SoC also by its
 * own "name"; settings by key and value as the run applied them (the
 * scenario file's "set" and then --set, one entry per key, sorted).
 */
#ifndef HS_OUT_PROVENANCE_H
#define HS_OUT_PROVENANCE_H

#include <stddef.h>

#include <jansson.h>

/* What a run read. Paths are only read here, never recorded. */
typedef struct ProvenanceSources {
    const char *scenario_file;     /* the scenario as loaded */
    const char *soc_file;          /* the variant's SoC file */
    const char *soc_name;          /* its "name" */
    const char *image;             /* the AP guest image */
    const char *firmware;          /* the baseband firmware, or NULL */
    const char *service;           /* the driver/service VMs' image, or
                                      NULL (no such VM) */
    const char *const *set_keys;   /* settings as applied ... */
    const char *const *set_values; /* ... and their values */
    size_t n_set;                  /* entries */
} ProvenanceSources;

/* Builds the block (a new reference). Returns NULL with a message in err
 * when a file cannot be read or out of memory. */
json_t *provenance_inputs(const ProvenanceSources *src, char *err,
                          size_t err_size);

#endif /* HS_OUT_PROVENANCE_H */
