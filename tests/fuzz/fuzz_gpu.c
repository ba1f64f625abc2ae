/*
 * fuzz_gpu.c - libFuzzer target: the GPU device taking bytes as a
 * command list from a domain's context ring (the parser, the rasteriser,
 * surface copies and write-back), differentially against the reference
 * rasteriser run in place on a copy of the same memory. Findings: a
 * crash or sanitizer report, a list the GPU never completes, a status
 * outside HS_GPU_ERR_*, a list the GPU accepted whose pixels differ
 * from the reference's, or an MMU fault not counted for the context.
 * The context maps three buffers (the GPU MMU): the list's page
 * readable, the rest of the lower half writable, the upper half (a
 * texture) readable; the reference allows the same, so a surface outside
 * them must fail. Seeds: tests/fuzz/corpus/gpu.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/gpu.h"
#include "guest/lib/raster.h"
#include "platform.h"
#include "sim/sim.h"
#include "soc_models/devices/gpu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MEM_BASE 0x40000000ULL
#define MEM_BYTES (256u << 10)
#define RING_ADDR MEM_BASE
#define CMD_ADDR (MEM_BASE + 0x1000)
#define CMD_MAX 0x10000u
#define RW_ADDR (CMD_ADDR + CMD_MAX)
#define TEX_ADDR (MEM_BASE + MEM_BYTES / 2)

/* The context's buffers: [addr, addr + bytes), writable or not. */
static const struct {
    uint64_t addr, bytes;
    int write;
} maps[] = {
    {CMD_ADDR, CMD_MAX, 0},
    {RW_ADDR, TEX_ADDR - RW_ADDR, 1},
    {TEX_ADDR, MEM_BASE + MEM_BYTES - TEX_ADDR, 0},
};
#define N_MAPS (sizeof maps / sizeof maps[0])

static uint32_t *ref_map(void *ctx, uint64_t addr, uint64_t bytes, int write)
{
    uint8_t *mem = ctx;
    for (size_t i = 0; i < N_MAPS; i++)
        if (addr >= maps[i].addr && addr - maps[i].addr <= maps[i].bytes &&
            bytes <= maps[i].bytes - (addr - maps[i].addr) &&
            (!write || maps[i].write))
            return (uint32_t *)(void *)(mem + (addr - MEM_BASE));
    return NULL;
}

static void finding(const char *what)
{
    fprintf(stderr, "fuzz_gpu: %s\n", what);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t len = size > CMD_MAX ? CMD_MAX : size & ~(size_t)3;
    if (len == 0)
        return 0;
    uint8_t *mem = calloc(1, MEM_BYTES), *ref = malloc(MEM_BYTES);
    Sim *sim = sim_new(1);
    if (!mem || !ref || !sim)
        finding("out of memory");
    /* some texture to sample: a pattern in the upper half */
    for (size_t i = MEM_BYTES / 2; i < MEM_BYTES; i++)
        mem[i] = (uint8_t)(i * 7u);
    memcpy(mem + (CMD_ADDR - MEM_BASE), data, len);
    HsGpuRingEntry e = {.cmd_addr = CMD_ADDR, .cmd_len = (uint32_t)len};
    memcpy(mem, &e, sizeof e);
    memcpy(ref, mem, MEM_BYTES);

    DmaBuffer buf = {MEM_BASE, mem, MEM_BYTES};
    GuestDma dma;
    dma_buffer_init(&dma, &buf);
    GpuConfig cfg = {
        .n_opps = 1,
        .cycles_per_unit = 1,
        .units_per_cycle = 128,
        .queue_depth = 4,
        .max_cmd_bytes = CMD_MAX,
        .units_per_command = 16,
        .units_per_triangle = 96,
        .units_per_fragment = 8,
        .units_per_texel = 4,
        .collapse_delay_ps = HS_MS,
        .wake_ps = HS_US,
    };
    cfg.opps[0] = (GpuOpp){200000, 100000};
    GpuState gpu;
    char err[128];
    if (gpu_init(&gpu, "gpu", &cfg, &dma, NULL, err, sizeof err) < 0 ||
        gpu.dev.ops->realize(&gpu.dev, sim) < 0)
        finding("GPU init");
    gpu.dev.ops->reset(&gpu.dev);
    gpu_set_access(&gpu, 0, true);
    BusAccess acc = {.when = 0, .domain = 0};
    gpu.dev.ops->write(&gpu.dev, HS_GPU_RING_BASE, RING_ADDR, 8, &acc);
    gpu.dev.ops->write(&gpu.dev, HS_GPU_RING_SIZE, 4, 4, &acc);
    for (size_t i = 0; i < N_MAPS; i++) {
        gpu.dev.ops->write(&gpu.dev, HS_GPU_MAP_ADDR, maps[i].addr, 8, &acc);
        gpu.dev.ops->write(&gpu.dev, HS_GPU_MAP_SIZE, maps[i].bytes, 8, &acc);
        gpu.dev.ops->write(
            &gpu.dev, HS_GPU_MAP_CTRL,
            HS_GPU_MAP_READ | (maps[i].write ? HS_GPU_MAP_WRITE : 0), 4, &acc);
    }
    gpu.dev.ops->write(&gpu.dev, HS_GPU_RING_TAIL, 1, 4, &acc);
    sim_run(sim);
    if (gpu.dev.ops->read(&gpu.dev, HS_GPU_RING_HEAD, 4, &acc) != 1)
        finding("the list never completed");
    uint64_t status = gpu.dev.ops->read(&gpu.dev, HS_GPU_STATUS, 4, &acc);
    if (status > HS_GPU_ERR_FAULT)
        finding("status outside HS_GPU_ERR_*");
    uint64_t faults = gpu.dev.ops->read(&gpu.dev, HS_GPU_FAULTS, 4, &acc);
    if ((status == HS_GPU_ERR_FAULT) != (faults == 1) ||
        gpu.mmu_faults != faults)
        finding("an MMU fault not counted for its context");
    if (status == 0) {
        RasterStats st = {0};
        RasterMem rm = {ref_map, ref};
        uint32_t at;
        /* the GPU read the whole list before drawing: so does this */
        uint32_t *words = malloc(len);
        if (!words)
            finding("out of memory");
        memcpy(words, ref + (CMD_ADDR - MEM_BASE), len);
        if (raster_exec(words, (uint32_t)(len / 4), &rm, &st, &at) != 0)
            finding("the GPU accepted a list the reference refused");
        free(words);
        if (memcmp(ref, mem, MEM_BYTES) != 0)
            finding("GPU pixels differ from the reference's");
    } else if (memcmp(ref, mem, MEM_BYTES) != 0) {
        finding("a refused list changed memory");
    }
    device_destroy(&gpu.dev);
    sim_free(sim);
    free(ref);
    free(mem);
    return 0;
}
