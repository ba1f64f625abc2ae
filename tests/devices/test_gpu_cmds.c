/*
 * test_gpu_cmds.c - the GPU executing command lists from a domain's
 * context ring: a frame of the 3D app's scene drawn by the GPU device is
 * byte-identical to the same frame drawn by the reference rasteriser;
 * the GPU's time for a list follows the triangles and pixels it drew;
 * bad lists and bad rings are device errors that draw nothing; a list
 * reaching outside its context's mapped buffers is an MMU fault of that
 * context; contexts are time-sliced and each job's work is attributed
 * to its context's domain; the GPU power-collapses when idle and with
 * the AP, and waking it costs time and energy.
 */
#include "harness.h"

#include <stdlib.h>
#include <string.h>

#include "abi/gpu.h"
#include "guest/lib/compose.h"
#include "guest/lib/raster.h"
#include "guest/lib/scene.h"
#include "platform.h"
#include "soc_models/devices/gpu.h"

#define MEM_BASE 0x40000000ULL
#define MEM_BYTES (1u << 20)
#define RING_ADDR (MEM_BASE + 0x0)
#define TEX_ADDR (MEM_BASE + 0x1000)
#define CMD_ADDR (MEM_BASE + 0x8000)
#define CMD_BYTES 0x50000u
#define FB_ADDR (MEM_BASE + 0x80000)
#define FB_W 200
#define FB_H 150

#define IDLE_UW 20000
#define COLLAPSED_UW 1000
#define WAKE_NJ 30000

typedef struct Rig {
    Sim *sim;
    PowerMeter *meter;
    uint8_t *mem;
    DmaBuffer buf;
    GuestDma dma;
    GpuState gpu;
    uint32_t tail;
} Rig;

static void map_all(Rig *r);

static void rig_init(Rig *r)
{
    memset(r, 0, sizeof *r);
    r->sim = sim_new(1);
    r->meter = power_meter_new(2);
    r->mem = calloc(1, MEM_BYTES);
    assert_non_null(r->mem);
    r->buf = (DmaBuffer){MEM_BASE, r->mem, MEM_BYTES};
    dma_buffer_init(&r->dma, &r->buf);
    GpuConfig cfg = {
        .n_opps = 2,
        .idle_uw = IDLE_UW,
        .cycles_per_unit = 1,
        .units_per_cycle = 128,
        .queue_depth = 4,
        .max_cmd_bytes = CMD_BYTES,
        .units_per_command = 16,
        .units_per_triangle = 96,
        .units_per_fragment = 8,
        .units_per_texel = 4,
        .collapse_delay_ps = 80 * HS_MS,
        .collapsed_uw = COLLAPSED_UW,
        .wake_ps = 300 * HS_US,
        .wake_nj = WAKE_NJ,
    };
    cfg.opps[0] = (GpuOpp){200000, 300000};
    cfg.opps[1] = (GpuOpp){450000, 800000};
    char err[128];
    assert_int_equal(
        gpu_init(&r->gpu, "gpu", &cfg, &r->dma, r->meter, err, sizeof err), 0);
    assert_int_equal(r->gpu.dev.ops->realize(&r->gpu.dev, r->sim), 0);
    r->gpu.dev.ops->reset(&r->gpu.dev);
    gpu_set_access(&r->gpu, 0, true);
    map_all(r);
}

static void map(Rig *r, int domain, uint64_t addr, uint64_t bytes,
                uint32_t flags)
{
    BusAccess acc = {.when = sim_now(r->sim), .domain = domain};
    r->gpu.dev.ops->write(&r->gpu.dev, HS_GPU_MAP_ADDR, addr, 8, &acc);
    r->gpu.dev.ops->write(&r->gpu.dev, HS_GPU_MAP_SIZE, bytes, 8, &acc);
    r->gpu.dev.ops->write(&r->gpu.dev, HS_GPU_MAP_CTRL, flags, 4, &acc);
}

/* Domain 0's buffers: texture and list readable, the framebuffer (to
 * the end of memory) writable. */
static void map_all(Rig *r)
{
    map(r, 0, TEX_ADDR, CMD_ADDR - TEX_ADDR, HS_GPU_MAP_READ);
    map(r, 0, CMD_ADDR, CMD_BYTES, HS_GPU_MAP_READ);
    map(r, 0, FB_ADDR, MEM_BASE + MEM_BYTES - FB_ADDR,
        HS_GPU_MAP_READ | HS_GPU_MAP_WRITE);
}

static void rig_free(Rig *r)
{
    device_destroy(&r->gpu.dev);
    power_meter_free(r->meter);
    sim_free(r->sim);
    free(r->mem);
}

static uint8_t *at(Rig *r, uint64_t addr)
{
    return r->mem + (addr - MEM_BASE);
}

static void wr(Rig *r, int domain, uint64_t off, uint64_t v, unsigned size)
{
    BusAccess acc = {.when = sim_now(r->sim), .domain = domain};
    r->gpu.dev.ops->write(&r->gpu.dev, off, v, size, &acc);
}

static uint64_t rd(Rig *r, int domain, uint64_t off)
{
    BusAccess acc = {.when = sim_now(r->sim), .domain = domain};
    return r->gpu.dev.ops->read(&r->gpu.dev, off, 4, &acc);
}

/* Puts a list of n words at CMD_ADDR on domain 0's ring; returns the
 * time it completed (HEAD caught up), running the simulation. */
static void submit(Rig *r, const uint32_t *words, uint32_t n)
{
    if (words != (const uint32_t *)(void *)at(r, CMD_ADDR))
        memcpy(at(r, CMD_ADDR), words, (size_t)n * 4);
    if (r->tail == 0) {
        wr(r, 0, HS_GPU_RING_BASE, RING_ADDR, 8);
        wr(r, 0, HS_GPU_RING_SIZE, 4, 4);
    }
    HsGpuRingEntry e = {.cmd_addr = CMD_ADDR, .cmd_len = n * 4};
    memcpy(at(r, RING_ADDR + (r->tail % 4) * sizeof e), &e, sizeof e);
    r->tail++;
    wr(r, 0, HS_GPU_RING_TAIL, r->tail, 4);
}

static hs_time run_until_done(Rig *r)
{
    while (rd(r, 0, HS_GPU_RING_HEAD) != r->tail) {
        hs_time next = sim_next_time(r->sim);
        assert_true(next != HS_TIME_MAX);
        sim_run_until(r->sim, next);
    }
    return sim_now(r->sim);
}

static uint32_t build_scene(Rig *r, uint32_t frame, uint32_t triangles,
                            uint32_t w, uint32_t h)
{
    GlScene sc = {
        .fb_addr = FB_ADDR,
        .tex_addr = TEX_ADDR,
        .width = w,
        .height = h,
        .stride_px = w,
        .frame = frame,
        .triangles = triangles,
    };
    uint32_t n =
        gl_scene_build((uint32_t *)(void *)at(r, CMD_ADDR), CMD_BYTES / 4, &sc);
    assert_true(n > 0);
    return n;
}

/* The reference: the same list drawn in place on a copy of the memory. */
typedef struct Soft {
    uint8_t *mem;
} Soft;

static uint32_t *soft_map(void *ctx, uint64_t addr, uint64_t bytes, int write)
{
    (void)write;
    Soft *s = ctx;
    if (addr < MEM_BASE || addr - MEM_BASE + bytes > MEM_BYTES)
        return NULL;
    return (uint32_t *)(void *)(s->mem + (addr - MEM_BASE));
}

static void test_gpu_frame_is_software_frame(void **state)
{
    (void)state;
    Rig r;
    rig_init(&r);
    gl_scene_texture((uint32_t *)(void *)at(&r, TEX_ADDR));
    uint64_t last_hash = 0;
    for (uint32_t frame = 0; frame < 3; frame++) {
        /* the last frame needs several TRIS commands (4096 a command) */
        uint32_t tris = frame < 2 ? 500 + frame * 700 : 10000;
        uint32_t n = build_scene(&r, frame * 5, tris, FB_W, FB_H);
        /* software: on a copy of the domain's memory */
        Soft soft = {malloc(MEM_BYTES)};
        assert_non_null(soft.mem);
        memcpy(soft.mem, r.mem, MEM_BYTES);
        RasterStats st = {0};
        RasterMem mem = {soft_map, &soft};
        uint32_t bad;
        assert_int_equal(
            raster_exec(
                (const uint32_t *)(void *)(soft.mem + (CMD_ADDR - MEM_BASE)), n,
                &mem, &st, &bad),
            0);
        assert_int_equal(st.triangles, tris + 2);
        /* the GPU: the list from the ring; nothing appears before it ends */
        uint8_t before[FB_W * 4];
        memcpy(before, at(&r, FB_ADDR), sizeof before);
        submit(&r, (const uint32_t *)(void *)at(&r, CMD_ADDR), n);
        sim_run_until(r.sim, sim_now(r.sim) + 1);
        assert_memory_equal(at(&r, FB_ADDR), before, sizeof before);
        run_until_done(&r);
        assert_int_equal(rd(&r, 0, HS_GPU_STATUS), 0);
        assert_memory_equal(at(&r, FB_ADDR), soft.mem + (FB_ADDR - MEM_BASE),
                            (size_t)FB_W * FB_H * 4);
        /* the frames differ from each other and from a cleared screen */
        uint64_t h = ui_frame_hash((const uint32_t *)(void *)at(&r, FB_ADDR),
                                   FB_W, FB_W, FB_H);
        assert_true(h != last_hash);
        last_hash = h;
        uint32_t px0;
        memcpy(&px0, at(&r, FB_ADDR + (FB_H / 2 * FB_W + FB_W / 2) * 4), 4);
        assert_true(px0 != 0x00102030u);
        free(soft.mem);
    }
    assert_int_equal(r.gpu.ctx[0].jobs, 3);
    rig_free(&r);
}

/* The job time of one list, from submission to HEAD. */
static hs_time frame_time(Rig *r, uint32_t tris, uint32_t w, uint32_t h,
                          RasterStats *st)
{
    uint32_t n = build_scene(r, 7, tris, w, h);
    RasterStats before = r->gpu.work[0];
    hs_time t0 = sim_now(r->sim);
    submit(r, (const uint32_t *)(void *)at(r, CMD_ADDR), n);
    hs_time t1 = run_until_done(r);
    st->commands = r->gpu.work[0].commands - before.commands;
    st->triangles = r->gpu.work[0].triangles - before.triangles;
    st->fragments = r->gpu.work[0].fragments - before.fragments;
    st->texels = r->gpu.work[0].texels - before.texels;
    return t1 - t0;
}

static void test_gpu_time_scales_with_work(void **state)
{
    (void)state;
    Rig r;
    rig_init(&r);
    gl_scene_texture((uint32_t *)(void *)at(&r, TEX_ADDR));
    RasterStats a, b, c;
    frame_time(&r, 100, FB_W, FB_H, &a); /* wakes the GPU: not compared */
    hs_time ta = frame_time(&r, 1000, FB_W, FB_H, &a);
    hs_time tb = frame_time(&r, 4000, FB_W, FB_H, &b);
    hs_time tc = frame_time(&r, 1000, 2 * FB_W, 2 * FB_H, &c);
    /* exactly the time of the work units of what was drawn */
    assert_int_equal(
        ta, gpu_job_time_ps(&r.gpu, gpu_work_units(&r.gpu, &a), r.gpu.opp));
    assert_int_equal(
        tb, gpu_job_time_ps(&r.gpu, gpu_work_units(&r.gpu, &b), r.gpu.opp));
    assert_int_equal(a.triangles, 1002);
    assert_int_equal(b.triangles, 4002);
    /* more triangles over the same pixels take longer; the same
     * triangles over four times the pixels take longer too */
    assert_true(tb > ta);
    assert_true(b.fragments >= a.fragments - a.fragments / 10);
    assert_true(c.fragments > 3 * a.fragments);
    assert_true(tc > ta);
    /* the same list at the higher OPP is faster */
    gpu_set_opp(&r.gpu, 1, sim_now(r.sim));
    RasterStats a2;
    hs_time ta2 = frame_time(&r, 1000, FB_W, FB_H, &a2);
    assert_true(ta2 < ta);
    rig_free(&r);
}

static void test_bad_lists_draw_nothing(void **state)
{
    (void)state;
    Rig r;
    rig_init(&r);
    memset(at(&r, FB_ADDR), 0xab, (size_t)FB_W * FB_H * 4);
    uint32_t good_target[] = {HS_GPU_HDR(HS_GPU_OP_TARGET, 6),
                              (uint32_t)FB_ADDR,
                              (uint32_t)(FB_ADDR >> 32),
                              FB_W,
                              FB_H,
                              FB_W};
    const uint32_t bad_lists[][12] = {
        {HS_GPU_HDR(99, 1)},                                 /* opcode */
        {HS_GPU_HDR(HS_GPU_OP_CLEAR, 9), 0, 0, 0, 10, 10},   /* length */
        {HS_GPU_HDR(HS_GPU_OP_CLEAR, 6), 0, 0, 0, 10, 10},   /* no target */
        {HS_GPU_HDR(HS_GPU_OP_TARGET, 6), (uint32_t)FB_ADDR, /* surface */
         (uint32_t)(FB_ADDR >> 32), 10, 10, 5, HS_GPU_HDR(HS_GPU_OP_CLEAR, 6),
         0, 0, 0, 10, 10},
        {HS_GPU_HDR(HS_GPU_OP_TARGET, 6), 0x10, 0, 10, 10, 10, /* unmapped */
         HS_GPU_HDR(HS_GPU_OP_CLEAR, 6), 0, 0, 0, 10, 10},
    };
    const int want[] = {HS_GPU_ERR_OPCODE, HS_GPU_ERR_LENGTH,
                        HS_GPU_ERR_NO_TARGET, HS_GPU_ERR_SURFACE,
                        HS_GPU_ERR_FAULT};
    const uint32_t lens[] = {1, 6, 6, 12, 12};
    for (int i = 0; i < 5; i++) {
        submit(&r, bad_lists[i], lens[i]);
        run_until_done(&r);
        assert_int_equal(rd(&r, 0, HS_GPU_STATUS), want[i]);
        wr(&r, 0, HS_GPU_STATUS, 0, 4);
    }
    /* a clear after a texture draw with no texture: the whole list fails */
    uint32_t list[32];
    memcpy(list, good_target, sizeof good_target);
    uint32_t k = 6;
    const uint32_t clr[] = {HS_GPU_HDR(HS_GPU_OP_CLEAR, 6), 0, 0, 0, 50, 50};
    memcpy(list + k, clr, sizeof clr);
    k += 6;
    const uint32_t blit[] = {HS_GPU_HDR(HS_GPU_OP_BLIT, 7), 0, 0, 8, 8, 0, 0};
    memcpy(list + k, blit, sizeof blit);
    k += 7;
    submit(&r, list, k);
    run_until_done(&r);
    assert_int_equal(rd(&r, 0, HS_GPU_STATUS), HS_GPU_ERR_TEXTURE);
    /* random words: never a crash, never a pixel */
    uint32_t seed = 12345;
    for (int round = 0; round < 200; round++) {
        uint32_t words[64];
        memcpy(words, good_target, sizeof good_target);
        for (int w = 6; w < 64; w++) {
            seed = seed * 1103515245u + 12345u;
            words[w] = seed >> (round % 3 == 0 ? 0 : 8);
            if (w == 6)
                words[w] =
                    (words[w] & 0xff0700ffu) % 7 | (words[w] & 0xff0000u);
        }
        submit(&r, words, 64);
        run_until_done(&r);
    }
    /* every list was taken and finished (run_until_done), most refused */
    assert_true(r.gpu.cmd_errors > 100);
    /* a bad ring entry and a domain without a context */
    HsGpuRingEntry e = {.cmd_addr = CMD_ADDR, .cmd_len = 3};
    memcpy(at(&r, RING_ADDR + (r.tail % 4) * sizeof e), &e, sizeof e);
    r.tail++;
    wr(&r, 0, HS_GPU_RING_TAIL, r.tail, 4);
    run_until_done(&r);
    assert_int_equal(rd(&r, 0, HS_GPU_STATUS), HS_GPU_ERR_RING);
    uint64_t errs = r.gpu.dev.guest_errors;
    assert_int_equal(rd(&r, 1, HS_GPU_CAPS), 0);
    assert_int_equal(rd(&r, 0, HS_GPU_CAPS), HS_GPU_CAP_3D);
    wr(&r, 1, HS_GPU_RING_TAIL, 1, 4);
    assert_int_equal(r.gpu.dev.guest_errors, errs + 1);
    assert_int_equal(rd(&r, 1, HS_GPU_STATUS), HS_GPU_ERR_DENIED);
    rig_free(&r);
}

static void test_bad_lists_keep_pixels(void **state)
{
    (void)state;
    Rig r;
    rig_init(&r);
    memset(at(&r, FB_ADDR), 0xab, (size_t)FB_W * FB_H * 4);
    /* a valid clear, then an unreadable texture: nothing is written */
    const uint32_t list[] = {HS_GPU_HDR(HS_GPU_OP_TARGET, 6),
                             (uint32_t)FB_ADDR,
                             (uint32_t)(FB_ADDR >> 32),
                             FB_W,
                             FB_H,
                             FB_W,
                             HS_GPU_HDR(HS_GPU_OP_CLEAR, 6),
                             0,
                             0,
                             0,
                             FB_W,
                             FB_H,
                             HS_GPU_HDR(HS_GPU_OP_TEXTURE, 6),
                             0x1000,
                             0,
                             8,
                             8,
                             8};
    submit(&r, list, sizeof list / 4);
    run_until_done(&r);
    assert_int_equal(rd(&r, 0, HS_GPU_STATUS), HS_GPU_ERR_FAULT);
    for (size_t i = 0; i < (size_t)FB_W * FB_H * 4; i++)
        assert_int_equal(at(&r, FB_ADDR)[i], 0xab);
    rig_free(&r);
}

/* A target the list clears whole first is not copied in, only checked:
 * outside the domain's memory it still fails the list, and a GuestDma
 * that cannot check draws the same frame by copying. */
static void test_cleared_target(void **state)
{
    (void)state;
    Rig r;
    rig_init(&r);
    uint64_t beyond = MEM_BASE + MEM_BYTES; /* mapped, but no memory */
    map(&r, 0, beyond, 0x10000, HS_GPU_MAP_READ | HS_GPU_MAP_WRITE);
    const uint32_t list[] = {HS_GPU_HDR(HS_GPU_OP_TARGET, 6),
                             (uint32_t)beyond,
                             (uint32_t)(beyond >> 32),
                             16,
                             16,
                             16,
                             HS_GPU_HDR(HS_GPU_OP_CLEAR, 6),
                             0x123456,
                             0,
                             0,
                             16,
                             16};
    submit(&r, list, sizeof list / 4);
    run_until_done(&r);
    assert_int_equal(rd(&r, 0, HS_GPU_STATUS), HS_GPU_ERR_SURFACE);
    assert_int_equal(r.gpu.work[0].fragments, 0); /* refused at the bind */
    wr(&r, 0, HS_GPU_STATUS, 0, 4);
    /* the scene's frame (TARGET, then a whole CLEAR) with and without a
     * check callback */
    size_t fb_bytes = (size_t)FB_W * FB_H * 4;
    uint8_t *first = malloc(fb_bytes);
    assert_non_null(first);
    for (int pass = 0; pass < 2; pass++) {
        r.dma.check = pass ? NULL : r.dma.check;
        memset(at(&r, FB_ADDR), 0xab, fb_bytes);
        uint32_t n = build_scene(&r, 7, 400, FB_W, FB_H);
        submit(&r, (const uint32_t *)(void *)at(&r, CMD_ADDR), n);
        run_until_done(&r);
        assert_int_equal(rd(&r, 0, HS_GPU_STATUS), 0);
        if (pass == 0)
            memcpy(first, at(&r, FB_ADDR), fb_bytes);
        else
            assert_memory_equal(first, at(&r, FB_ADDR), fb_bytes);
    }
    assert_int_not_equal(at(&r, FB_ADDR)[0], 0xab);
    /* the surface copies' buffers stay for the next job, within bounds */
    assert_true(r.gpu.n_spare >= 2 && r.gpu.n_spare <= GPU_SPARE_BUFS);
    assert_true(r.gpu.spare_bytes >= fb_bytes &&
                r.gpu.spare_bytes <= GPU_SPARE_BYTES);
    free(first);
    rig_free(&r);
}

static void test_power_collapse(void **state)
{
    (void)state;
    Rig r;
    rig_init(&r);
    int gpu = power_component_find(r.meter, "gpu");
    int collapsed = power_state_count(r.meter, gpu) - 1;
    assert_string_equal(power_state_name(r.meter, gpu, collapsed), "collapsed");
    /* collapsed from the start */
    sim_run_until(r.sim, 10 * HS_MS);
    assert_int_equal(power_component_state(r.meter, gpu), collapsed);
    /* a job wakes it: 300 us later the job starts, the wake's energy is
     * the submitter's */
    wr(&r, 1, HS_GPU_SUBMIT, 128, 4); /* 1 cycle at 200 MHz: 5 ns */
    assert_int_equal(r.gpu.wakes, 1);
    sim_run_until(r.sim, 11 * HS_MS);
    assert_int_equal(rd(&r, 0, HS_GPU_DONE), 1);
    power_energy e1 =
        power_energy_component_domain(r.meter, gpu, 1, 11 * HS_MS);
    assert_true(e1 == (power_energy)WAKE_NJ * 1000000000u +
                          (power_energy)300000 * 5000);
    /* idle for the delay, then collapsed */
    hs_time done = 10 * HS_MS + 300 * HS_US + 5000;
    sim_run_until(r.sim, done + 80 * HS_MS - 1);
    assert_int_equal(power_component_state(r.meter, gpu), 0);
    sim_run_until(r.sim, done + 80 * HS_MS);
    assert_int_equal(power_component_state(r.meter, gpu), collapsed);
    /* a suspended stretch: collapsed power, not idle power */
    sim_run_until(r.sim, 150 * HS_MS);
    wr(&r, 1, HS_GPU_SUBMIT, 128, 4);
    sim_run_until(r.sim, 200 * HS_MS);
    assert_int_equal(power_component_state(r.meter, gpu), 0);
    gpu_ap_state(&r.gpu, HS_PMIC_ST_AWAKE, HS_PMIC_ST_SUSPENDING, 200 * HS_MS);
    assert_int_equal(power_component_state(r.meter, gpu), collapsed);
    power_energy before = power_energy_component(r.meter, gpu, 200 * HS_MS);
    sim_run_until(r.sim, 1200 * HS_MS);
    power_energy after = power_energy_component(r.meter, gpu, 1200 * HS_MS);
    assert_true(after - before == (power_energy)COLLAPSED_UW * 1000 * HS_MS);
    assert_true(after - before < (power_energy)IDLE_UW * 1000 * HS_MS);
    assert_int_equal(r.gpu.wakes, 2);
    rig_free(&r);
}

/* A forwarded context (paravirtual GPU): the kick only tells the host;
 * the entry runs when the host releases it, and an entry whose way
 * failed is skipped as a ring error without drawing. */
typedef struct Kicks {
    unsigned n;
    uint32_t old_tail, new_tail;
} Kicks;

static void on_kick(void *ctx, int domain, uint32_t old_tail, uint32_t new_tail,
                    hs_time when)
{
    (void)domain;
    (void)when;
    Kicks *k = ctx;
    k->n++;
    k->old_tail = old_tail;
    k->new_tail = new_tail;
}

static void test_forwarded_context(void **state)
{
    (void)state;
    Rig r;
    rig_init(&r);
    Kicks k = {0};
    gpu_set_forwarding(&r.gpu, 0, true, on_kick, &k);
    gl_scene_texture((uint32_t *)(void *)at(&r, TEX_ADDR));
    uint32_t n = build_scene(&r, 0, 100, FB_W, FB_H);
    submit(&r, (const uint32_t *)(void *)at(&r, CMD_ADDR), n);
    assert_int_equal(k.n, 1);
    assert_int_equal(k.old_tail, 0);
    assert_int_equal(k.new_tail, 1);
    /* not released: nothing runs however long we wait */
    sim_run_until(r.sim, 500 * HS_MS);
    assert_int_equal(rd(&r, 0, HS_GPU_RING_HEAD), 0);
    assert_int_equal(r.gpu.ctx[0].jobs, 0);
    gpu_forward_done(&r.gpu, 0, true, sim_now(r.sim));
    hs_time start = sim_now(r.sim);
    assert_true(run_until_done(&r) > start);
    assert_int_equal(r.gpu.ctx[0].jobs, 1);
    /* a second list whose way failed: skipped, HEAD moves, no job */
    submit(&r, (const uint32_t *)(void *)at(&r, CMD_ADDR), n);
    assert_int_equal(k.n, 2);
    gpu_forward_done(&r.gpu, 0, false, sim_now(r.sim));
    assert_int_equal(rd(&r, 0, HS_GPU_RING_HEAD), 2);
    assert_int_equal(r.gpu.ctx[0].jobs, 1);
    assert_int_equal(rd(&r, 0, HS_GPU_STATUS), HS_GPU_ERR_RING);
    rig_free(&r);
}

/* Lists reaching outside their context's buffers are MMU faults of that
 * context: counted, nothing drawn, the other context untouched. */
static void test_mmu_faults(void **state)
{
    (void)state;
    Rig r;
    rig_init(&r);
    memset(at(&r, FB_ADDR), 0xab, (size_t)FB_W * FB_H * 4);
    uint32_t list[] = {HS_GPU_HDR(HS_GPU_OP_TARGET, 6),
                       (uint32_t)TEX_ADDR,
                       (uint32_t)(TEX_ADDR >> 32),
                       8,
                       8,
                       8,
                       HS_GPU_HDR(HS_GPU_OP_CLEAR, 6),
                       0x123456,
                       0,
                       0,
                       8,
                       8};
    /* 1: the target in a read-only buffer */
    uint8_t tex[256];
    memcpy(tex, at(&r, TEX_ADDR), sizeof tex);
    submit(&r, list, 12);
    run_until_done(&r);
    assert_int_equal(rd(&r, 0, HS_GPU_STATUS), HS_GPU_ERR_FAULT);
    assert_int_equal(rd(&r, 0, HS_GPU_FAULTS), 1);
    assert_memory_equal(at(&r, TEX_ADDR), tex, sizeof tex);
    /* 2: the framebuffer unmapped, then the same draw there */
    list[1] = (uint32_t)FB_ADDR;
    list[2] = (uint32_t)(FB_ADDR >> 32);
    map(&r, 0, FB_ADDR, 0, 0);
    submit(&r, list, 12);
    run_until_done(&r);
    assert_int_equal(rd(&r, 0, HS_GPU_FAULTS), 2);
    assert_int_equal(at(&r, FB_ADDR)[0], 0xab);
    /* mapped again: it draws */
    map(&r, 0, FB_ADDR, (uint64_t)FB_W * FB_H * 4,
        HS_GPU_MAP_READ | HS_GPU_MAP_WRITE);
    wr(&r, 0, HS_GPU_STATUS, 0, 4);
    submit(&r, list, 12);
    run_until_done(&r);
    assert_int_equal(rd(&r, 0, HS_GPU_STATUS), 0);
    assert_int_equal(at(&r, FB_ADDR)[0], 0x56);
    /* 3: a list outside every buffer (the ring's page) */
    HsGpuRingEntry e = {.cmd_addr = RING_ADDR + 0x100, .cmd_len = 48};
    memcpy(at(&r, RING_ADDR + 0x100), list, sizeof list);
    memcpy(at(&r, RING_ADDR + (r.tail % 4) * sizeof e), &e, sizeof e);
    r.tail++;
    wr(&r, 0, HS_GPU_RING_TAIL, r.tail, 4);
    run_until_done(&r);
    assert_int_equal(rd(&r, 0, HS_GPU_FAULTS), 3);
    assert_int_equal(r.gpu.mmu_faults, 3);
    /* 4: another context maps nothing: its list faults, counted for it */
    gpu_set_access(&r.gpu, 1, true);
    wr(&r, 1, HS_GPU_RING_BASE, RING_ADDR + 0x200, 8);
    wr(&r, 1, HS_GPU_RING_SIZE, 4, 4);
    e = (HsGpuRingEntry){.cmd_addr = CMD_ADDR, .cmd_len = 48};
    memcpy(at(&r, CMD_ADDR), list, sizeof list);
    memcpy(at(&r, RING_ADDR + 0x200), &e, sizeof e);
    wr(&r, 1, HS_GPU_RING_TAIL, 1, 4);
    sim_run_until(r.sim, sim_now(r.sim) + HS_MS);
    assert_int_equal(rd(&r, 1, HS_GPU_RING_HEAD), 1);
    assert_int_equal(rd(&r, 1, HS_GPU_STATUS), HS_GPU_ERR_FAULT);
    assert_int_equal(rd(&r, 1, HS_GPU_FAULTS), 1);
    assert_int_equal(rd(&r, 0, HS_GPU_FAULTS), 3);
    /* bad map requests are device errors, not mappings */
    uint64_t errs = r.gpu.dev.guest_errors;
    map(&r, 1, FB_ADDR, 0, HS_GPU_MAP_READ);    /* empty */
    map(&r, 1, FB_ADDR, 64, HS_GPU_MAP_WRITE);  /* write-only */
    map(&r, 1, ~0ULL - 8, 64, HS_GPU_MAP_READ); /* wraps */
    map(&r, 1, CMD_ADDR + 4, 0, 0);             /* unmap of nothing */
    assert_int_equal(r.gpu.dev.guest_errors, errs + 4);
    assert_int_equal(r.gpu.ctx[1].n_mmu, 0);
    for (uint64_t i = 0; i < GPU_MMU_ENTRIES + 1; i++)
        map(&r, 1, MEM_BASE + i * 64, 64, HS_GPU_MAP_READ);
    assert_int_equal(r.gpu.ctx[1].n_mmu, GPU_MMU_ENTRIES);
    assert_int_equal(r.gpu.dev.guest_errors, errs + 5);
    rig_free(&r);
}

/* Two contexts: a long job of domain 0 is preempted at the end of its
 * slice for domain 1's short one, resumes, and both draw what the
 * reference draws; each job's units and energy are its own domain's. */
static void test_time_slicing(void **state)
{
    (void)state;
    Rig r;
    rig_init(&r);
    r.gpu.cfg.timeslice_ps = 50 * HS_US;
    const uint64_t cmd1 = MEM_BASE + 0x60000, fb1 = MEM_BASE + 0xa0000;
    const uint64_t ring1 = RING_ADDR + 0x200;
    gpu_set_access(&r.gpu, 1, true);
    map(&r, 1, cmd1, 0x1000, HS_GPU_MAP_READ);
    map(&r, 1, fb1, (uint64_t)FB_W * FB_H * 4,
        HS_GPU_MAP_READ | HS_GPU_MAP_WRITE);
    /* domain 0: 20 full clears (600,000 pixels) */
    uint32_t big[6 + 20 * 6] = {HS_GPU_HDR(HS_GPU_OP_TARGET, 6),
                                (uint32_t)FB_ADDR,
                                (uint32_t)(FB_ADDR >> 32),
                                FB_W,
                                FB_H,
                                FB_W};
    for (uint32_t i = 0; i < 20; i++) {
        uint32_t c[] = {HS_GPU_HDR(HS_GPU_OP_CLEAR, 6),
                        0x10101 * (i + 1),
                        0,
                        0,
                        FB_W,
                        FB_H};
        memcpy(big + 6 + i * 6, c, sizeof c);
    }
    /* domain 1: one 10 x 10 clear */
    uint32_t small[] = {HS_GPU_HDR(HS_GPU_OP_TARGET, 6),
                        (uint32_t)fb1,
                        (uint32_t)(fb1 >> 32),
                        FB_W,
                        FB_H,
                        FB_W,
                        HS_GPU_HDR(HS_GPU_OP_CLEAR, 6),
                        0x777777,
                        0,
                        0,
                        10,
                        10};
    memcpy(at(&r, cmd1), small, sizeof small);
    submit(&r, big, sizeof big / 4);
    hs_time t0 = sim_now(r.sim);
    sim_run_until(r.sim, t0 + 10 * HS_US);
    HsGpuRingEntry e = {.cmd_addr = cmd1, .cmd_len = sizeof small};
    memcpy(at(&r, ring1), &e, sizeof e);
    wr(&r, 1, HS_GPU_RING_BASE, ring1, 8);
    wr(&r, 1, HS_GPU_RING_SIZE, 4, 4);
    wr(&r, 1, HS_GPU_RING_TAIL, 1, 4);
    while (rd(&r, 1, HS_GPU_RING_HEAD) != 1)
        sim_run_until(r.sim, sim_next_time(r.sim));
    hs_time t1 = sim_now(r.sim);
    hs_time t_big = run_until_done(&r);
    RasterStats sb = {.commands = 21, .fragments = 20u * FB_W * FB_H};
    RasterStats ss = {.commands = 2, .fragments = 100};
    hs_time big_ps = gpu_job_time_ps(&r.gpu, gpu_work_units(&r.gpu, &sb), 0);
    hs_time small_ps = gpu_job_time_ps(&r.gpu, gpu_work_units(&r.gpu, &ss), 0);
    assert_true(big_ps > 150 * HS_US); /* far longer than a slice */
    /* the small job ran after one slice of the big one (plus the wake),
     * not after all of it; the big one finished later by its length */
    assert_true(t1 <= t0 + r.gpu.cfg.wake_ps + 50 * HS_US + small_ps + 1);
    assert_true(t_big >= t0 + r.gpu.cfg.wake_ps + big_ps + small_ps);
    assert_true(t_big <= t0 + r.gpu.cfg.wake_ps + big_ps + small_ps + 2);
    assert_int_equal(r.gpu.preemptions, 1);
    /* pixels: both as drawn in isolation */
    assert_int_equal(((uint32_t *)(void *)at(&r, FB_ADDR))[FB_W * FB_H - 1],
                     0x10101 * 20);
    assert_int_equal(((uint32_t *)(void *)at(&r, fb1))[0], 0x777777);
    assert_int_equal(((uint32_t *)(void *)at(&r, fb1))[10], 0);
    /* each job's work is its own domain's */
    assert_int_equal(r.gpu.units_done[0], gpu_work_units(&r.gpu, &sb));
    assert_int_equal(r.gpu.units_done[1], gpu_work_units(&r.gpu, &ss));
    power_energy e1 = power_energy_domain(r.meter, 1, sim_now(r.sim));
    assert_true(e1 == (power_energy)small_ps * 300000); /* OPP 0's uW */
    rig_free(&r);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_gpu_frame_is_software_frame),
    cmocka_unit_test(test_gpu_time_scales_with_work),
    cmocka_unit_test(test_bad_lists_draw_nothing),
    cmocka_unit_test(test_bad_lists_keep_pixels),
    cmocka_unit_test(test_cleared_target),
    cmocka_unit_test(test_power_collapse),
    cmocka_unit_test(test_forwarded_context),
    cmocka_unit_test(test_mmu_faults),
    cmocka_unit_test(test_time_slicing),
};
HS_TEST_GROUP(dev_gpu_cmds, tests)
