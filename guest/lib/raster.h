/*
 * raster.h - the reference rasteriser: executes a GPU command list
 * (guest/include/abi/gpu.h) into XRGB8888 surfaces. The guest runs it on
 * its vCPU when its domain has no 3D acceleration; the host's GPU device
 * (soc_models/devices/gpu.c) runs the same code for a domain that has, so
 * a frame drawn either way is byte-identical.
 *
 * Integer arithmetic only, no libc; the outcome depends on nothing but
 * the list and the surfaces' contents.
 */
#ifndef GL_RASTER_H
#define GL_RASTER_H

#include <stdint.h>

/* The work a list did: what the GPU's time is computed from. */
typedef struct RasterStats {
    uint64_t commands;  /* commands executed */
    uint64_t triangles; /* triangles set up (degenerate ones included) */
    uint64_t fragments; /* pixels written */
    uint64_t texels;    /* texture pixels read */
} RasterStats;

/* How surfaces are reached: map returns `bytes` bytes of memory at guest
 * address addr (read, and written in place when `write`: the target), or
 * NULL when they cannot be reached. The guest maps its own addresses; the
 * GPU maps copies of the submitting domain's memory. */
typedef struct RasterMem {
    uint32_t *(*map)(void *ctx, uint64_t addr, uint64_t bytes, int write);
    void *ctx;
} RasterMem;

/* Checks the whole list (opcodes, lengths, coordinates, binds) without
 * drawing. Returns 0, or -HS_GPU_ERR_* with the failing command's first
 * word index in *at. */
int raster_check(const uint32_t *words, uint32_t n_words, uint32_t *at);

/* raster_check, then executes the list, adding its work to *st (which
 * the caller zeroes). Returns 0, or -HS_GPU_ERR_* with *at as above (a
 * surface that cannot be mapped fails at its bind, after the commands
 * before it were drawn). */
int raster_exec(const uint32_t *words, uint32_t n_words, const RasterMem *mem,
                RasterStats *st, uint32_t *at);

#endif /* GL_RASTER_H */
