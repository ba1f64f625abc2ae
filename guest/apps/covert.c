/*
 * covert.c - covert-channel sender and receiver primitives (see
 * covert.h): a seeded bit stream, a wakelock held for a symbol period,
 * sleeping until the next symbol boundary, a calibrated busy loop, a
 * connection opened to keep the radio connected, a timed handshake, the
 * platform clock, and logging of every symbol for the estimator.
 */
#include "apps/apps.h"
#include "abi/covert.h"
#include "lib/covert_bits.h"
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

static int64_t covert_tx(HsCovertRequest *req)
{
    CovertStream cs;
    covert_stream_init(&cs, req->seed);
    uint64_t start =
        req->start_ns ? req->start_ns : rt_pc_clock() + req->period_ns;
    uint64_t slice =
        req->mode == HS_COVERT_BUSY ? calibrate(req->period_ns >> 4) + 1 : 0;
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
        } else {
            uint64_t t0 = rt_pc_clock();
            rt_busy_loop(iters);
            observed = rt_pc_clock() - t0;
            bit = covert_decide(observed, req->threshold_ns, 0);
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
         req->mode != HS_COVERT_RADIO) ||
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
