/*
 * test_gpu_raster.c - the GPU device's rasteriser (gpu_raster.c) against
 * the reference (guest/lib/raster.c): on the 3D app's scene and on
 * generated lists of clears, flat and textured triangles (slivers,
 * shared edges, vertices off the target, degenerate ones), blits and
 * composites (overlapping source and target rows included) and binds
 * that fail, both leave the same bytes in memory and return the same
 * code, failing word and work counts.
 */
#include "harness.h"

#include <stdlib.h>
#include <string.h>

#include "abi/gpu.h"
#include "guest/lib/raster.h"
#include "guest/lib/scene.h"
#include "soc_models/devices/gpu_raster.h"

#define MEM_BASE 0x10000000ULL
#define MEM_BYTES (1u << 20)
#define TARGET_ADDR (MEM_BASE + 0x1000)
#define TEX_ADDR (MEM_BASE + 0x80000)
#define MAX_WORDS 20000u

/* The whole of mem is mappable (a surface outside it fails). */
static uint32_t *flat_map(void *ctx, uint64_t addr, uint64_t bytes, int write)
{
    (void)write;
    if (addr < MEM_BASE || addr - MEM_BASE > MEM_BYTES ||
        bytes > MEM_BYTES - (addr - MEM_BASE))
        return NULL;
    return (uint32_t *)(void *)((uint8_t *)ctx + (addr - MEM_BASE));
}

static uint32_t rng_state = 12345;

static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

/* A value in [lo, hi]. */
static int32_t between(int32_t lo, int32_t hi)
{
    return lo + (int32_t)(rnd() % (uint32_t)(hi - lo + 1));
}

/* Runs words through both rasterisers on copies of mem; asserts the
 * outcomes match. Returns the code. */
static int both(const uint8_t *mem, const uint32_t *words, uint32_t n)
{
    uint8_t *a = malloc(MEM_BYTES), *b = malloc(MEM_BYTES);
    assert_non_null(a);
    assert_non_null(b);
    memcpy(a, mem, MEM_BYTES);
    memcpy(b, mem, MEM_BYTES);
    RasterMem ma = {flat_map, a}, mb = {flat_map, b};
    RasterStats sa = {0}, sb = {0};
    uint32_t at_a = 0, at_b = 0;
    int ra = raster_exec(words, n, &ma, &sa, &at_a);
    int rb = gpu_raster_exec(words, n, &mb, &sb, &at_b);
    assert_int_equal(ra, rb);
    assert_int_equal(at_a, at_b);
    assert_int_equal(sa.commands, sb.commands);
    assert_int_equal(sa.triangles, sb.triangles);
    assert_int_equal(sa.fragments, sb.fragments);
    assert_int_equal(sa.texels, sb.texels);
    assert_memory_equal(a, b, MEM_BYTES);
    free(a);
    free(b);
    return ra;
}

static void surface(uint32_t *w, uint32_t *n, uint32_t op, uint64_t addr,
                    uint32_t width, uint32_t height, uint32_t stride)
{
    w[(*n)++] = HS_GPU_HDR(op, HS_GPU_SURFACE_WORDS);
    w[(*n)++] = (uint32_t)addr;
    w[(*n)++] = (uint32_t)(addr >> 32);
    w[(*n)++] = width;
    w[(*n)++] = height;
    w[(*n)++] = stride;
}

static uint8_t *pattern_mem(void)
{
    uint8_t *mem = malloc(MEM_BYTES);
    assert_non_null(mem);
    for (uint32_t i = 0; i < MEM_BYTES; i++)
        mem[i] = (uint8_t)(rnd() >> 7);
    return mem;
}

static void test_scene_frames_match(void **state)
{
    (void)state;
    uint8_t *mem = pattern_mem();
    uint32_t *w = malloc(MAX_WORDS * 4);
    assert_non_null(w);
    static const uint32_t sizes[][3] = {{160, 120, 160}, {97, 211, 130}};
    for (unsigned s = 0; s < 2; s++)
        for (uint32_t frame = 0; frame < 6; frame++) {
            GlScene sc = {.fb_addr = TARGET_ADDR,
                          .tex_addr = TEX_ADDR,
                          .width = sizes[s][0],
                          .height = sizes[s][1],
                          .stride_px = sizes[s][2],
                          .frame = frame * 37,
                          .triangles = 50 + frame * 300};
            gl_scene_texture((uint32_t *)(void *)(mem + (TEX_ADDR - MEM_BASE)));
            uint32_t n = gl_scene_build(w, MAX_WORDS, &sc);
            assert_true(n > 0);
            assert_int_equal(both(mem, w, n), 0);
        }
    free(w);
    free(mem);
}

/* A vertex coordinate (28.4): mostly on and around the target, sometimes
 * far off it, sometimes on a pixel centre or edge exactly. */
static int32_t coord(uint32_t size)
{
    switch (rnd() % 8) {
    case 0:
        return between(-HS_GPU_COORD_MAX, HS_GPU_COORD_MAX);
    case 1:
        return between(0, (int32_t)size) * 16 + 8; /* a pixel centre */
    case 2:
        return between(0, (int32_t)size) * 16; /* a pixel edge */
    default:
        return between(-64 * 16, ((int32_t)size + 64) * 16);
    }
}

static void random_list(uint32_t *w, uint32_t *n, uint32_t tw, uint32_t th,
                        uint32_t stride, int overlap_tex)
{
    *n = 0;
    surface(w, n, HS_GPU_OP_TARGET, TARGET_ADDR, tw, th, stride);
    /* the texture: its own memory, or the target's (sampling what is
     * being drawn) */
    uint32_t tdim = 1u << (rnd() % 6);
    if (overlap_tex)
        surface(w, n, HS_GPU_OP_TEXTURE, TARGET_ADDR + 4 * (rnd() % 64), tdim,
                tdim, stride > tdim ? stride : tdim);
    else
        surface(w, n, HS_GPU_OP_TEXTURE, TEX_ADDR, tdim, tdim, tdim);
    uint32_t cmds = 1 + rnd() % 12;
    for (uint32_t c = 0; c < cmds && *n < MAX_WORDS - 200; c++) {
        switch (rnd() % 5) {
        case 0: /* CLEAR, often past the target's edges */
            w[(*n)++] = HS_GPU_HDR(HS_GPU_OP_CLEAR, HS_GPU_CLEAR_WORDS);
            w[(*n)++] = rnd();
            for (int k = 0; k < 2; k++)
                w[(*n)++] = (uint32_t)between(-20, (int32_t)tw + 20);
            w[(*n)++] = (uint32_t)between(-20, (int32_t)tw + 20);
            w[(*n)++] = (uint32_t)between(-20, (int32_t)th + 20);
            break;
        case 1:
        case 2: { /* TRIS, flat or textured */
            int tex = rnd() % 2;
            uint32_t per = tex ? HS_GPU_TRI_TEXTURED_WORDS : HS_GPU_TRI_WORDS;
            uint32_t count = 1 + rnd() % 12;
            w[(*n)++] = HS_GPU_HDR(HS_GPU_OP_TRIS, 3 + count * per);
            w[(*n)++] = tex ? HS_GPU_TRI_TEXTURED : 0;
            w[(*n)++] = count;
            for (uint32_t t = 0; t < count; t++) {
                int32_t v[6];
                for (int k = 0; k < 3; k++) {
                    v[2 * k] = coord(tw);
                    v[2 * k + 1] = coord(th);
                }
                if (rnd() % 6 == 0) { /* a sliver or degenerate one */
                    v[4] = v[0] + between(-2, 2);
                    v[5] = v[1] + between(-2, 2);
                } else if (rnd() % 3 == 0) { /* axis-aligned edges through
                                                pixel centres */
                    v[0] = between(-2, (int32_t)tw + 2) * 16 + 8;
                    v[1] = between(-2, (int32_t)th + 2) * 16 + 8;
                    v[3] = v[1];
                    v[4] = v[0];
                }
                for (int k = 0; k < 6; k++)
                    w[(*n)++] = (uint32_t)v[k];
                w[(*n)++] = rnd();
                if (tex)
                    for (int k = 0; k < 6; k++)
                        w[(*n)++] = (uint32_t)between(-(int32_t)(tdim << 17),
                                                      (int32_t)(tdim << 17));
            }
            break;
        }
        default: { /* BLIT or COMPOSITE */
            int comp = rnd() % 2;
            uint32_t len = comp ? HS_GPU_COMPOSITE_WORDS : HS_GPU_BLIT_WORDS;
            w[(*n)++] =
                HS_GPU_HDR(comp ? HS_GPU_OP_COMPOSITE : HS_GPU_OP_BLIT, len);
            w[(*n)++] = (uint32_t)between(-8, (int32_t)tdim);
            w[(*n)++] = (uint32_t)between(-8, (int32_t)tdim);
            w[(*n)++] = (uint32_t)between(0, (int32_t)tdim + 8);
            w[(*n)++] = (uint32_t)between(0, (int32_t)tdim + 8);
            w[(*n)++] = (uint32_t)between(-8, (int32_t)tw);
            w[(*n)++] = (uint32_t)between(-8, (int32_t)th);
            if (comp)
                w[(*n)++] = (uint32_t)between(0, 256);
            break;
        }
        }
    }
}

static void test_generated_lists_match(void **state)
{
    (void)state;
    uint8_t *mem = pattern_mem();
    uint32_t *w = malloc(MAX_WORDS * 4);
    assert_non_null(w);
    for (int i = 0; i < 400; i++) {
        uint32_t tw = 1 + rnd() % 90, th = 1 + rnd() % 70;
        uint32_t stride = tw + (rnd() % 3 ? 0 : rnd() % 9);
        uint32_t n;
        random_list(w, &n, tw, th, stride, i % 4 == 0);
        int rc = both(mem, w, n);
        assert_true(rc == 0 || rc == -HS_GPU_ERR_COORD);
    }
    free(w);
    free(mem);
}

static void test_failing_binds_match(void **state)
{
    (void)state;
    uint8_t *mem = pattern_mem();
    uint32_t w[64], n = 0;
    surface(w, &n, HS_GPU_OP_TARGET, TARGET_ADDR, 16, 16, 16);
    w[n++] = HS_GPU_HDR(HS_GPU_OP_CLEAR, HS_GPU_CLEAR_WORDS);
    w[n++] = 0x123456;
    w[n++] = 0;
    w[n++] = 0;
    w[n++] = 8;
    w[n++] = 8;
    /* a texture outside memory: fails at its bind, after the clear */
    surface(w, &n, HS_GPU_OP_TEXTURE, MEM_BASE + MEM_BYTES, 4, 4, 4);
    assert_int_equal(both(mem, w, n), -HS_GPU_ERR_SURFACE);
    /* and a list the check refuses before drawing */
    w[0] = HS_GPU_HDR(0x7f, HS_GPU_SURFACE_WORDS);
    assert_int_equal(both(mem, w, n), -HS_GPU_ERR_OPCODE);
    free(mem);
}

/* BLIT and COMPOSITE within one surface: the source and target rows
 * overlap, shifted either way (a forward copy smears, a move would not). */
static void test_overlapping_copies_match(void **state)
{
    (void)state;
    uint8_t *mem = pattern_mem();
    for (int32_t shift = -3; shift <= 3; shift++)
        for (int comp = 0; comp < 2; comp++) {
            uint32_t w[64], n = 0;
            surface(w, &n, HS_GPU_OP_TARGET, TARGET_ADDR, 64, 64, 64);
            surface(w, &n, HS_GPU_OP_TEXTURE, TARGET_ADDR, 64, 64, 64);
            w[n++] =
                HS_GPU_HDR(comp ? HS_GPU_OP_COMPOSITE : HS_GPU_OP_BLIT,
                           comp ? HS_GPU_COMPOSITE_WORDS : HS_GPU_BLIT_WORDS);
            w[n++] = 8;                         /* sx */
            w[n++] = 8;                         /* sy */
            w[n++] = 40;                        /* w */
            w[n++] = 30;                        /* h */
            w[n++] = (uint32_t)(8 + shift);     /* dx */
            w[n++] = (uint32_t)(8 + shift / 2); /* dy */
            if (comp)
                w[n++] = 100;
            assert_int_equal(both(mem, w, n), 0);
        }
    free(mem);
}

/* Runs of CLEARs, each covering the one before, or part of it, or not. */
static void test_clear_runs_match(void **state)
{
    (void)state;
    uint8_t *mem = pattern_mem();
    for (int i = 0; i < 200; i++) {
        uint32_t w[64], n = 0;
        surface(w, &n, HS_GPU_OP_TARGET, TARGET_ADDR, 40, 30, 44);
        int32_t e[4] = {10, 8, 30, 20}; /* x0, y0, x1, y1 */
        for (int c = 0; c < 4; c++) {
            w[n++] = HS_GPU_HDR(HS_GPU_OP_CLEAR, HS_GPU_CLEAR_WORDS);
            w[n++] = rnd();
            for (int k = 0; k < 4; k++)
                w[n++] = (uint32_t)e[k];
            /* the next one's edges: mostly further out, some further in */
            for (int k = 0; k < 4; k++)
                e[k] += (k < 2 ? -1 : 1) * between(-1, 4);
        }
        assert_int_equal(both(mem, w, n), 0);
    }
    free(mem);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_clear_runs_match),
    cmocka_unit_test(test_overlapping_copies_match),
    cmocka_unit_test(test_scene_frames_match),
    cmocka_unit_test(test_generated_lists_match),
    cmocka_unit_test(test_failing_binds_match),
};
HS_TEST_GROUP(dev_gpu_raster, tests)
