/*
 * covert.h - request layout of HS_CALL_COVERT_TX / HS_CALL_COVERT_RX,
 * shared by host and guest: the two ends of a covert channel through a
 * shared resource, one symbol per period on a common time grid
 * (t_k = start_ns + k * period_ns in platform time).
 *
 * Sender modes:
 *   HS_COVERT_WAKELOCK  symbol 1: hold wakelock `wakelock_id` (platform
 *                       call) for the whole period; 0: just sleep, so the
 *                       SoC may suspend
 *   HS_COVERT_BUSY      symbol 1: keep the CPU busy for the period
 *                       (contention, DVFS); 0: sleep
 *   HS_COVERT_RADIO     symbol 1: open a TCP connection to network peer
 *                       `wakelock_id` (socket HS_SOCK_COVERT) at the start
 *                       of the period, so the shared radio is connected
 *                       for its tail; 0: sleep, so it falls back to idle
 *   HS_COVERT_GPU       symbol 1: run command lists on the domain's GPU
 *                       context back to back until the period ends
 *                       (each HS_COVERT_GPU_CLEARS full clears
 *                       of an HS_COVERT_GPU_DIM^2 target at HS_FB_BASE);
 *                       0: sleep. A domain without 3D has no GPU to load
 *                       and sleeps either way.
 *   HS_COVERT_DVFS      as HS_COVERT_BUSY: symbol 1 keeps its CPU busy
 *                       for the period (its load raises the frequency of
 *                       the cluster it runs on), 0: sleep
 * Receiver modes:
 *   HS_COVERT_WAKELOCK  sleep until the middle of each period and measure
 *                       how late the wake-up is; lateness < threshold_ns
 *                       decodes as 1 (someone kept the SoC awake)
 *   HS_COVERT_BUSY      in each period run `busy_iters` loop iterations
 *                       and measure their duration; >= threshold_ns
 *                       decodes as 1 (someone competed for the CPU)
 *   HS_COVERT_RADIO     in the middle of each period open a connection to
 *                       peer `wakelock_id` and time the handshake, polling
 *                       the socket every HS_COVERT_RADIO_POLL_NS; a round
 *                       trip < threshold_ns decodes as 1 (the radio was
 *                       already connected: no RRC promotion to wait for)
 *   HS_COVERT_GPU       in the middle of each period draw one fixed frame
 *                       (the 3D app's scene, HS_COVERT_GPU_PROBE_TRIS
 *                       triangles on HS_COVERT_GPU_PROBE_DIM^2 pixels) and
 *                       time it: on the domain's GPU context when it has
 *                       3D, else with the reference rasteriser on its own
 *                       vCPU; >= threshold_ns decodes as 1 (someone kept
 *                       the GPU busy)
 *   HS_COVERT_DVFS      in each period run a fixed number of loop
 *                       iterations (busy_iters, or calibrated once to
 *                       period_ns / 16 before the first symbol) and time
 *                       them; < threshold_ns decodes as 1 (the cluster
 *                       runs faster: someone's load raised its frequency)
 * Each symbol is logged with HS_PC_LOG (HS_LOG_SENT / HS_LOG_DECODED),
 * value = (index << 1) | symbol. These calls need a host that serves the
 * platform calls (clock, sleep-until, wakelocks, log).
 */
#ifndef GUEST_ABI_COVERT_H
#define GUEST_ABI_COVERT_H

#include <stdint.h>

#define HS_COVERT_WAKELOCK 0
#define HS_COVERT_BUSY 1
#define HS_COVERT_RADIO 2
#define HS_COVERT_GPU 3
#define HS_COVERT_DVFS 4
#define HS_COVERT_GPU_DIM 1024     /* sender's target: 1024 x 1024 */
#define HS_COVERT_GPU_CLEARS 16    /* full clears in one sender list */
#define HS_COVERT_GPU_PROBE_DIM 64 /* receiver's frame: 64 x 64 */
#define HS_COVERT_GPU_PROBE_TRIS 200
#define HS_COVERT_RADIO_POLL_NS 1000000ULL /* 1 ms between socket polls */
#define HS_COVERT_MAX_BITS 256             /* symbols recorded in bits[] */

typedef struct HsCovertRequest {
    uint64_t seed;         /* in: bit-stream seed (guest/lib/covert_bits) */
    uint64_t period_ns;    /* in: symbol period */
    uint64_t start_ns;     /* in: time of symbol 0; 0 = one period from now */
    uint64_t threshold_ns; /* in (rx): decision threshold */
    uint64_t busy_iters;   /* in (rx busy mode): loop iterations per probe,
                              0 = calibrate to period_ns / 8 */
    uint32_t symbols;      /* in: number of symbols */
    uint32_t mode;         /* in: HS_COVERT_* above */
    uint32_t wakelock_id;  /* in (tx wakelock mode): id to hold; (radio
                              mode, both ends): network peer index */
    uint32_t ones;         /* out: symbols equal to 1 sent / decoded */
    uint32_t errors;       /* out (rx): decoded symbols that differ from
                              the seeded stream */
    int32_t status;        /* out: 0 or HS_EINVAL */
    uint64_t bits[HS_COVERT_MAX_BITS / 64]; /* out: first symbols, bit k of
                              word k/64 = symbol k */
} HsCovertRequest;

_Static_assert(sizeof(HsCovertRequest) == 64 + HS_COVERT_MAX_BITS / 8,
               "HsCovertRequest layout");

/* Defaults of HS_WL_COVERT_TX / HS_WL_COVERT_RX (a1 = symbols): seed 1,
 * wakelock mode, id 1, 10 ms symbols, 1 ms threshold. Their check value
 * is the first 64 symbols sent / decoded (bit k = symbol k). */
#define HS_COVERT_WL_SEED 1
#define HS_COVERT_WL_PERIOD_NS 10000000ULL
#define HS_COVERT_WL_THRESHOLD_NS 1000000ULL
#define HS_COVERT_WL_WAKELOCK 1

#endif /* GUEST_ABI_COVERT_H */
