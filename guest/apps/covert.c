/*
 * covert.c - covert-channel sender and receiver primitives (see
 * covert.h): a seeded bit stream, a wakelock held for a symbol period,
 * sleeping until the next symbol boundary, a calibrated busy loop, a
 * connection opened to keep the radio connected, a timed handshake, GPU
 * work kept queued and a timed GPU frame, the platform clock, and logging
 * of every symbol for the estimator.
 */
#include "apps/apps.h"
#include "abi/covert.h"
#include "abi/gpu.h"
#include "lib/covert_bits.h"
#include "lib/raster.h"
#include "lib/scene.h"
#include "rt/rt.h"

/* Loop iterations that take about target_ns at the current speed,
 * measured over a probe of CALIBRATE_ITERS iterations. */
#define CALIBRATE_ITERS 4096u

static uint64_t calibrate(uint64_t target_ns)
{
    uint64_t t0 = rt_pc_clock();
    rt_busy_loop(CALIBRATE_ITERS);
    uint64_t elapsed = rt_pc_clock() - t0;
    if (elapsed == 0)
        elapsed = 1;
    return target_ns * CALIBRATE_ITERS / elapsed;
}

/* Spins (busy loop slices of about 1/16 period) until the clock reaches
 * deadline_ns. */
static void busy_until(uint64_t deadline_ns, uint64_t slice_iters)
{
    while (rt_pc_clock() < deadline_ns)
        rt_busy_loop(slice_iters);
}

static void record(HsCovertRequest *req, uint32_t k, uint32_t bit)
{
    if (k < HS_COVERT_MAX_BITS)
        req->bits[k >> 6] |= (uint64_t)bit << (k & 63);
    req->ones += bit;
}

/* Opens a connection and polls until the handshake is done or the
 * deadline passes; returns the time it took (the deadline's distance if
 * it never completed). The socket's events wait for the end of the call:
 * this handler runs in one event and polls instead. */
static uint64_t radio_round_trip(uint32_t peer, uint64_t deadline_ns)
{
    uint64_t t0 = rt_pc_clock(), now = t0;
    if (rt_sock_connect(HS_SOCK_COVERT, peer) < 0)
        return deadline_ns > t0 ? deadline_ns - t0 : 0;
    while (rt_sock_state(HS_SOCK_COVERT) == HS_SOCK_ST_CONNECTING &&
           now < deadline_ns) {
        rt_pc_sleep_until(now + HS_COVERT_RADIO_POLL_NS);
        now = rt_pc_clock();
    }
    if (rt_sock_state(HS_SOCK_COVERT) != HS_SOCK_ST_OPEN)
        now = deadline_ns > now ? deadline_ns : now;
    return now - t0;
}

/* ---- GPU ------------------------------------------------------------ */

static uint32_t
    gpu_load[HS_GPU_SURFACE_WORDS + HS_COVERT_GPU_CLEARS * HS_GPU_CLEAR_WORDS];
static uint32_t gpu_probe[HS_COVERT_GPU_PROBE_TRIS * HS_GPU_TRI_WORDS + 128];
static uint32_t gpu_probe_tex[GL_SCENE_TEX_DIM * GL_SCENE_TEX_DIM];

/* The sender's list: full clears of its HS_COVERT_GPU_DIM^2 target. */
static uint32_t gpu_load_build(void)
{
    uint32_t *w = gpu_load, n = 0;
    w[n++] = HS_GPU_HDR(HS_GPU_OP_TARGET, HS_GPU_SURFACE_WORDS);
    w[n++] = (uint32_t)HS_FB_BASE;
    w[n++] = (uint32_t)(HS_FB_BASE >> 32);
    w[n++] = HS_COVERT_GPU_DIM;
    w[n++] = HS_COVERT_GPU_DIM;
    w[n++] = HS_COVERT_GPU_DIM;
    for (uint32_t i = 0; i < HS_COVERT_GPU_CLEARS; i++) {
        w[n++] = HS_GPU_HDR(HS_GPU_OP_CLEAR, HS_GPU_CLEAR_WORDS);
        w[n++] = 0x101010u * (i + 1);
        w[n++] = 0;
        w[n++] = 0;
        w[n++] = HS_COVERT_GPU_DIM;
        w[n++] = HS_COVERT_GPU_DIM;
    }
    return n;
}

/* The receiver's frame: the 3D app's scene, small. Returns its words. */
static uint32_t gpu_probe_build(void)
{
    gl_scene_texture(gpu_probe_tex);
    GlScene sc = {
        .fb_addr = HS_FB_BASE,
        .tex_addr = (uintptr_t)gpu_probe_tex,
        .width = HS_COVERT_GPU_PROBE_DIM,
        .height = HS_COVERT_GPU_PROBE_DIM,
        .stride_px = HS_COVERT_GPU_PROBE_DIM,
        .triangles = HS_COVERT_GPU_PROBE_TRIS,
    };
    return gl_scene_build(gpu_probe, sizeof gpu_probe / 4, &sc);
}

static uint32_t *self_map(void *ctx, uint64_t addr, uint64_t bytes, int write)
{
    (void)ctx;
    (void)bytes;
    (void)write;
    return (uint32_t *)(uintptr_t)addr;
}

/* Maps the buffers of both ends into the domain's GPU context (the GPU
 * MMU), when it has one. */
static void gpu_map_buffers(void)
{
    rt_gpu_map(gpu_load, sizeof gpu_load, HS_GPU_MAP_READ);
    rt_gpu_map(gpu_probe, sizeof gpu_probe, HS_GPU_MAP_READ);
    rt_gpu_map(gpu_probe_tex, sizeof gpu_probe_tex, HS_GPU_MAP_READ);
    rt_gpu_map((void *)(uintptr_t)HS_FB_BASE,
               (uint64_t)HS_COVERT_GPU_DIM * HS_COVERT_GPU_DIM * 4,
               HS_GPU_MAP_READ | HS_GPU_MAP_WRITE);
}

/* Draws the probe frame (on the GPU, or on this vCPU without 3D) and
 * returns how long it took. */
static uint64_t gpu_probe_time(uint32_t words)
{
    uint64_t t0 = rt_pc_clock();
    if (rt_gpu_run(gpu_probe, words * 4) == HS_EPERM) {
        RasterStats st = {0};
        RasterMem mem = {self_map, 0};
        uint32_t at;
        raster_exec(gpu_probe, words, &mem, &st, &at);
    }
    return rt_pc_clock() - t0;
}

/* Keeps the GPU busy until deadline_ns; sleeps when there is no GPU. */
static void gpu_busy_until(uint64_t deadline_ns, uint32_t words)
{
    while (rt_pc_clock() < deadline_ns)
        if (rt_gpu_run(gpu_load, words * 4) == HS_EPERM) {
            rt_pc_sleep_until(deadline_ns);
            return;
        }
}

/* ---- the two ends ---------------------------------------------------- */

static int64_t covert_tx(HsCovertRequest *req)
{
    CovertStream cs;
    covert_stream_init(&cs, req->seed);
    uint64_t start =
        req->start_ns ? req->start_ns : rt_pc_clock() + req->period_ns;
    int busy = req->mode == HS_COVERT_BUSY || req->mode == HS_COVERT_DVFS;
    uint64_t slice = busy ? calibrate(req->period_ns >> 4) + 1 : 0;
    uint32_t load = req->mode == HS_COVERT_GPU ? gpu_load_build() : 0;
    if (load)
        gpu_map_buffers();
    rt_pc_sleep_until(start);
    for (uint32_t k = 0; k < req->symbols; k++) {
        uint32_t bit = covert_stream_bit(&cs);
        uint64_t end = start + (uint64_t)(k + 1) * req->period_ns;
        rt_pc_log(HS_LOG_SENT, ((uint64_t)k << 1) | bit);
        record(req, k, bit);
        if (bit && req->mode == HS_COVERT_WAKELOCK) {
            rt_pc_wakelock_acquire(req->wakelock_id);
            rt_pc_sleep_until(end);
            rt_pc_wakelock_release(req->wakelock_id);
        } else if (bit && req->mode == HS_COVERT_RADIO) {
            rt_sock_connect(HS_SOCK_COVERT, req->wakelock_id);
            rt_pc_sleep_until(end);
        } else if (bit && req->mode == HS_COVERT_GPU) {
            gpu_busy_until(end, load);
        } else if (bit) {
            busy_until(end, slice);
        } else {
            rt_pc_sleep_until(end);
        }
    }
    return 0;
}

static int64_t covert_rx(HsCovertRequest *req)
{
    CovertStream cs;
    covert_stream_init(&cs, req->seed);
    uint64_t start =
        req->start_ns ? req->start_ns : rt_pc_clock() + req->period_ns;
    uint64_t iters = req->busy_iters;
    if (req->mode == HS_COVERT_BUSY && iters == 0)
        iters = calibrate(req->period_ns >> 3) + 1;
    if (req->mode == HS_COVERT_DVFS && iters == 0)
        iters = calibrate(req->period_ns >> 4) + 1;
    uint32_t probe_words = req->mode == HS_COVERT_GPU ? gpu_probe_build() : 0;
    if (probe_words)
        gpu_map_buffers();
    for (uint32_t k = 0; k < req->symbols; k++) {
        uint64_t probe =
            start + (uint64_t)k * req->period_ns + (req->period_ns >> 1);
        rt_pc_sleep_until(probe);
        uint64_t observed;
        uint32_t bit;
        if (req->mode == HS_COVERT_WAKELOCK) {
            uint64_t now = rt_pc_clock();
            observed = now > probe ? now - probe : 0;
            bit = covert_decide(observed, req->threshold_ns, 1);
        } else if (req->mode == HS_COVERT_RADIO) {
            observed = radio_round_trip(req->wakelock_id,
                                        probe + (req->period_ns >> 2));
            bit = covert_decide(observed, req->threshold_ns, 1);
        } else if (req->mode == HS_COVERT_GPU) {
            observed = gpu_probe_time(probe_words);
            bit = covert_decide(observed, req->threshold_ns, 0);
        } else {
            uint64_t t0 = rt_pc_clock();
            rt_busy_loop(iters);
            observed = rt_pc_clock() - t0;
            bit = covert_decide(observed, req->threshold_ns,
                                req->mode == HS_COVERT_DVFS);
        }
        rt_pc_log(HS_LOG_DECODED, ((uint64_t)k << 1) | bit);
        record(req, k, bit);
        if (bit != covert_stream_bit(&cs))
            req->errors++;
    }
    return 0;
}

int64_t covert_call(uint64_t id, uint64_t addr)
{
    HsCovertRequest *req = (HsCovertRequest *)(uintptr_t)addr;
    if (req->period_ns == 0 ||
        (req->mode != HS_COVERT_WAKELOCK && req->mode != HS_COVERT_BUSY &&
         req->mode != HS_COVERT_RADIO && req->mode != HS_COVERT_GPU &&
         req->mode != HS_COVERT_DVFS) ||
        (id == HS_CALL_COVERT_TX && req->mode == HS_COVERT_WAKELOCK &&
         req->wakelock_id >= HS_PMIC_WL_MAX)) {
        req->status = HS_EINVAL;
        return HS_EINVAL;
    }
    req->ones = 0;
    req->errors = 0;
    for (uint32_t i = 0; i < HS_COVERT_MAX_BITS / 64; i++)
        req->bits[i] = 0;
    req->status =
        (int32_t)(id == HS_CALL_COVERT_TX ? covert_tx(req) : covert_rx(req));
    return req->status;
}

static uint64_t covert_workload(uint64_t id, uint32_t symbols)
{
    HsCovertRequest req = {
        .seed = HS_COVERT_WL_SEED,
        .period_ns = HS_COVERT_WL_PERIOD_NS,
        .threshold_ns = HS_COVERT_WL_THRESHOLD_NS,
        .symbols = symbols,
        .mode = HS_COVERT_WAKELOCK,
        .wakelock_id = HS_COVERT_WL_WAKELOCK,
    };
    covert_call(id, (uintptr_t)&req);
    return req.bits[0];
}

uint64_t covert_workload_tx(uint32_t symbols)
{
    return covert_workload(HS_CALL_COVERT_TX, symbols);
}

uint64_t covert_workload_rx(uint32_t symbols)
{
    return covert_workload(HS_CALL_COVERT_RX, symbols);
}
