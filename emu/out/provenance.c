/*
 * provenance.c - the inputs block of results.json: see provenance.h.
 */
#include "out/provenance.h"

#include <stdlib.h>
#include <string.h>

#include "out/sha256.h"
#include "sim/error.h"

/* {"sha256": HEX} of path, added to obj under key. */
static int put_file(json_t *obj, const char *key, const char *path,
                    json_t **out, char *err, size_t err_size)
{
    char hex[SHA256_HEX_LEN + 1];
    if (hs_sha256_file_hex(path, hex, err, err_size) < 0)
        return -1;
    json_t *o = json_pack("{s:s}", "sha256", hex);
    if (!o || json_object_set_new(obj, key, o) < 0)
        return hs_errorf(err, err_size, "out of memory");
    if (out)
        *out = o;
    return 0;
}

json_t *provenance_inputs(const ProvenanceSources *src, char *err,
                          size_t err_size)
{
    json_t *in = json_object(), *soc = NULL, *images = json_object(),
           *set = json_object();
    if (!in || !images || !set)
        goto oom;
    if (json_object_set_new(in, "handset_version", json_string(HS_VERSION)) < 0)
        goto oom;
    if (put_file(in, "scenario", src->scenario_file, NULL, err, err_size) < 0 ||
        put_file(in, "soc", src->soc_file, &soc, err, err_size) < 0)
        goto fail;
    if (json_object_set_new(soc, "name", json_string(src->soc_name)) < 0)
        goto oom;
    if (put_file(images, "domain", src->image, NULL, err, err_size) < 0 ||
        (src->firmware && put_file(images, "baseband", src->firmware, NULL, err,
                                   err_size) < 0) ||
        (src->service &&
         put_file(images, "service", src->service, NULL, err, err_size) < 0))
        goto fail;
    if (json_object_set(in, "images", images) < 0)
        goto oom;
    /* insertion order is the written order: sort by key (a handful of
     * keys, insertion sort) */
    size_t *order = calloc(src->n_set + 1, sizeof *order);
    if (!order)
        goto oom;
    for (size_t i = 0; i < src->n_set; i++) {
        size_t j = i;
        for (;
             j > 0 && strcmp(src->set_keys[order[j - 1]], src->set_keys[i]) > 0;
             j--)
            order[j] = order[j - 1];
        order[j] = i;
    }
    for (size_t i = 0; i < src->n_set; i++)
        if (json_object_set_new(set, src->set_keys[order[i]],
                                json_string(src->set_values[order[i]])) < 0) {
            free(order);
            goto oom;
        }
    free(order);
    if (json_object_set(in, "set", set) < 0)
        goto oom;
    json_decref(images);
    json_decref(set);
    return in;
oom:
    hs_errorf(err, err_size, "out of memory");
fail:
    json_decref(in);
    json_decref(images);
    json_decref(set);
    return NULL;
}
