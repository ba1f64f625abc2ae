/*
 * gpu_raster.h - the GPU device's rasteriser: executes a command list
 * (guest/include/abi/gpu.h) exactly as the reference rasteriser
 * (guest/lib/raster.c) does, pixel for pixel and with the same work
 * counts, errors and failing word, but with host-speed inner loops: a
 * triangle's row is filled over the span its edge functions admit
 * (found by division, not by testing every pixel of its bounding box),
 * clears and unblended copies move whole rows. The reference stays what
 * a domain without 3D runs on its vCPU; tests/devices/test_gpu_raster.c
 * and tests/fuzz/fuzz_gpu.c hold the two to the same output.
 *
 * The list must not lie inside a surface it binds (the device reads it
 * into a buffer of its own): the reference would see its own drawing
 * change the list's remaining words, this one reads each word once.
 */
#ifndef HS_DEVICES_GPU_RASTER_H
#define HS_DEVICES_GPU_RASTER_H

#include <stdint.h>

#include "guest/lib/raster.h"

/* The map callback's `write` for a target whose every byte the list
 * clears before anything reads it: the mapper need not fetch its
 * contents (a map it already holds keeps them). */
#define GPU_RASTER_OVERWRITE 2

/* raster_exec's contract (raster.h): checks the list with raster_check,
 * then draws it, adding its work to *st; a target bind may map with
 * GPU_RASTER_OVERWRITE. Returns 0, or -HS_GPU_ERR_* with
 * the failing command's first word index in *at. */
int gpu_raster_exec(const uint32_t *words, uint32_t n_words,
                    const RasterMem *mem, RasterStats *st, uint32_t *at);

#endif /* HS_DEVICES_GPU_RASTER_H */
