/*
 * rt.h - the AArch64 guest runtime: platform-call wrappers (HVC #imm with
 * the HS_PC_* immediates of platform.h), MMIO accessors and drivers for
 * the platform devices, and the event entry point hs_entry().
 *
 * Platform-call convention (platform.h): arguments in x0..x3, result in
 * x0 (negative = HS_E* error); the wrappers treat x1..x3 as clobbered.
 * Blocking calls (sleep-until, yield) return when the approach resumes
 * the vCPU. Drivers are stateless: every register lives in the device,
 * so several vCPUs of a domain may use them at once (the device model
 * decides how concurrent commands interleave).
 */
#ifndef GUEST_RT_H
#define GUEST_RT_H

#include <stddef.h>
#include <stdint.h>

#include "platform.h"

/* The entry point the host jumps to (see "entry convention" in
 * platform.h); returns the event's result in x0. */
uint64_t hs_entry(uint64_t event, uint64_t a0, uint64_t a1);

/* Freestanding memory functions (the compiler may emit calls to them). */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

/* ---- platform calls ------------------------------------------------------ */

/* One HVC with up to three arguments; imm must be a constant HS_PC_*. */
#define RT_HVC(imm, a0, a1, a2)                                                \
    __extension__({                                                            \
        register uint64_t x0_ __asm__("x0") = (uint64_t)(a0);                  \
        register uint64_t x1_ __asm__("x1") = (uint64_t)(a1);                  \
        register uint64_t x2_ __asm__("x2") = (uint64_t)(a2);                  \
        register uint64_t x3_ __asm__("x3") = 0;                               \
        __asm__ volatile("hvc %[n]"                                            \
                         : "+r"(x0_), "+r"(x1_), "+r"(x2_), "+r"(x3_)          \
                         : [n] "i"(imm)                                        \
                         : "memory");                                          \
        (int64_t) x0_;                                                         \
    })

/* Stops the domain for good; does not return. */
static inline void rt_pc_exit(int64_t status)
{
    for (;;)
        (void)RT_HVC(HS_PC_EXIT, status, 0, 0);
}
static inline int64_t rt_pc_wakelock_acquire(uint32_t id)
{
    return RT_HVC(HS_PC_WAKELOCK_ACQUIRE, id, 0, 0);
}
static inline int64_t rt_pc_wakelock_release(uint32_t id)
{
    return RT_HVC(HS_PC_WAKELOCK_RELEASE, id, 0, 0);
}
/* Blocks until platform time deadline_ns (returns at once if past). */
static inline int64_t rt_pc_sleep_until(uint64_t deadline_ns)
{
    return RT_HVC(HS_PC_SLEEP_UNTIL, deadline_ns, 0, 0);
}
static inline int64_t rt_pc_yield(void)
{
    return RT_HVC(HS_PC_YIELD, 0, 0, 0);
}
/* Blocks until the device on IRQ line `line` completes a command of this
 * domain, or until platform time deadline_ns (0: no deadline). */
static inline int64_t rt_pc_wait_irq(uint32_t line, uint64_t deadline_ns)
{
    return RT_HVC(HS_PC_WAIT_IRQ, line, deadline_ns, 0);
}
/* Copies len bytes at addr to domain dest (delivered as HS_EV_MESSAGE). */
static inline int64_t rt_pc_send(uint32_t dest, const void *addr, uint64_t len)
{
    return RT_HVC(HS_PC_SEND, dest, (uintptr_t)addr, len);
}
/* Platform time in ns. */
static inline uint64_t rt_pc_clock(void)
{
    return (uint64_t)RT_HVC(HS_PC_CLOCK, 0, 0, 0);
}
/* Records a symbol for the estimator and tests (tag = HS_LOG_*). */
static inline int64_t rt_pc_log(uint32_t tag, uint64_t value)
{
    return RT_HVC(HS_PC_LOG, tag, value, 0);
}
static inline int64_t rt_pc_puts(const char *s, uint64_t len)
{
    return RT_HVC(HS_PC_PUTS, (uintptr_t)s, len, 0);
}

/* ---- MMIO -----------------------------------------------------------------
 */

static inline uint32_t rt_mmio_read32(uint64_t addr)
{
    return *(volatile uint32_t *)(uintptr_t)addr;
}
static inline void rt_mmio_write32(uint64_t addr, uint32_t v)
{
    *(volatile uint32_t *)(uintptr_t)addr = v;
}
static inline uint64_t rt_mmio_read64(uint64_t addr)
{
    return *(volatile uint64_t *)(uintptr_t)addr;
}
static inline void rt_mmio_write64(uint64_t addr, uint64_t v)
{
    *(volatile uint64_t *)(uintptr_t)addr = v;
}

/* ---- device drivers (drivers.c) ----------------------------------------- */

/* timer: platform clock (ns) and the compare timer (raises HS_IRQ_TIMER) */
uint64_t rt_timer_now_ns(void);
void rt_timer_arm(uint64_t deadline_ns);
void rt_timer_disarm(void);

/* interrupt controller */
uint32_t rt_intc_pending(void);
void rt_intc_enable(uint32_t mask);
void rt_intc_ack(uint32_t mask);

/* PMIC wakelocks through the device (the platform-call wakelocks above
 * are the approach-mediated path); ids 0 .. HS_PMIC_WL_MAX - 1 */
int64_t rt_pmic_wakelock(uint32_t id, int hold);
uint32_t rt_pmic_held(void);
uint32_t rt_pmic_state(void);

/* microphone: rt_mic_pop copies one frame of HS_MIC_FRAME_SAMPLES to dst
 * and returns its flow label, or HS_EAGAIN when the FIFO is empty */
void rt_mic_capture(int on);
int64_t rt_mic_pop(int16_t *dst);
void rt_audio_route(uint32_t route);

/* display */
void rt_display_power(int on, uint32_t brightness);
void rt_display_size(uint32_t *width, uint32_t *height);
void rt_display_flip(uint32_t tag); /* tag: any value, the device ignores it */

/* GPU: a plain job of work_units; HS_GPU_CAP_* of this domain; run a
 * command list (abi/gpu.h) on the domain's context and wait for its
 * pixels: 0, HS_EPERM (no 3D: render it with raster_exec instead),
 * HS_EINVAL or HS_EIO (the GPU rejected the list) */
void rt_gpu_submit(uint32_t work_units);
uint32_t rt_gpu_caps(void);
/* Maps a buffer into the domain's GPU context (the GPU MMU: a list and
 * every surface it binds must be mapped; HS_GPU_MAP_READ, | _WRITE for a
 * target). 0, or HS_EPERM without 3D. */
int64_t rt_gpu_map(const void *addr, uint64_t bytes, uint32_t flags);
int64_t rt_gpu_run(const void *cmds, uint32_t len);
uint32_t rt_gpu_busy(void);

/* storage: blocking block I/O (the task sleeps until the device's
 * completion interrupt, HS_PC_WAIT_IRQ);
 * returns 0, HS_EINVAL (bad arguments) or HS_EIO */
int64_t rt_storage_io(uint32_t cmd, uint64_t lba, void *buf, uint32_t bytes);

/* network ring and baseband mailbox; recv returns the length copied or 0
 * when nothing is pending */
int64_t rt_net_send(const void *pkt, uint32_t len);
int64_t rt_net_recv(void *buf, uint32_t cap);

/* sockets (HS_MMIO_SOCK): the domain kernel's TCP stack. connect and send
 * return 0 or HS_E*; recv returns the bytes copied (0: none waiting) or
 * HS_E*; events reads and clears the sockets' news bits */
int64_t rt_sock_connect(uint32_t s, uint32_t peer);
int64_t rt_sock_send(uint32_t s, const void *buf, uint32_t len);
int64_t rt_sock_recv(uint32_t s, void *buf, uint32_t cap);
uint32_t rt_sock_state(uint32_t s);
void rt_sock_close(uint32_t s);
void rt_sock_mark(uint32_t s, int32_t status);
uint32_t rt_sock_events(void);
int64_t rt_bbipc_send(const void *msg, uint32_t len);
int64_t rt_bbipc_recv(void *buf);

/* DVFS: current frequency of this vCPU's cluster, kHz */
uint32_t rt_dvfs_khz(void);

/* A calibrated delay: `iterations` rounds of a fixed 4-instruction loop
 * body that the compiler cannot remove or shorten. */
void rt_busy_loop(uint64_t iterations);

#endif /* GUEST_RT_H */
