/*
 * drivers.c - guest drivers for the platform devices, one small group of
 * functions per MMIO window of platform.h. Register meanings are the
 * device models' (soc_models/devices); the drivers keep no state.
 */
#include "rt/rt.h"

#include "abi/gpu.h"

#define REG(win, off) ((win) + (off))

/* ---- timer ------------------------------------------------------------- */

uint64_t rt_timer_now_ns(void)
{
    return rt_mmio_read64(REG(HS_MMIO_TIMER, HS_TIMER_NOW64));
}

void rt_timer_arm(uint64_t deadline_ns)
{
    rt_mmio_write64(REG(HS_MMIO_TIMER, HS_TIMER_CMP64), deadline_ns);
    rt_mmio_write32(REG(HS_MMIO_TIMER, HS_TIMER_CTRL), 1u | 2u);
}

void rt_timer_disarm(void)
{
    rt_mmio_write32(REG(HS_MMIO_TIMER, HS_TIMER_CTRL), 2u); /* W1C pending */
}

/* ---- interrupt controller ------------------------------------------------ */

uint32_t rt_intc_pending(void)
{
    return rt_mmio_read32(REG(HS_MMIO_INTC, HS_INTC_PENDING));
}

void rt_intc_enable(uint32_t mask)
{
    rt_mmio_write32(REG(HS_MMIO_INTC, HS_INTC_ENABLE), mask);
}

void rt_intc_ack(uint32_t mask)
{
    rt_mmio_write32(REG(HS_MMIO_INTC, HS_INTC_ACK), mask);
}

/* ---- PMIC ---------------------------------------------------------------- */

int64_t rt_pmic_wakelock(uint32_t id, int hold)
{
    if (id >= HS_PMIC_WL_MAX)
        return HS_EINVAL;
    rt_mmio_write32(
        REG(HS_MMIO_PMIC, hold ? HS_PMIC_WL_ACQUIRE : HS_PMIC_WL_RELEASE), id);
    return 0;
}

uint32_t rt_pmic_held(void)
{
    return rt_mmio_read32(REG(HS_MMIO_PMIC, HS_PMIC_WL_HELD));
}

uint32_t rt_pmic_state(void)
{
    return rt_mmio_read32(REG(HS_MMIO_PMIC, HS_PMIC_STATE));
}

/* ---- microphone and audio routing -----------------------------------------
 */

void rt_mic_capture(int on)
{
    rt_mmio_write32(REG(HS_MMIO_MIC, HS_MIC_CTRL), on ? 1u : 0u);
}

int64_t rt_mic_pop(int16_t *dst)
{
    if (rt_mmio_read32(REG(HS_MMIO_MIC, HS_MIC_STATUS)) == 0)
        return HS_EAGAIN;
    rt_mmio_write64(REG(HS_MMIO_MIC, HS_MIC_DMA_ADDR), (uintptr_t)dst);
    rt_mmio_write32(REG(HS_MMIO_MIC, HS_MIC_POP), 1);
    return rt_mmio_read32(REG(HS_MMIO_MIC, HS_MIC_FRAME_LABEL));
}

void rt_audio_route(uint32_t route)
{
    rt_mmio_write32(REG(HS_MMIO_AUDIO, HS_AUDIO_ROUTE), route);
}

/* ---- display ---------------------------------------------------------------
 */

void rt_display_power(int on, uint32_t brightness)
{
    rt_mmio_write32(REG(HS_MMIO_DISPLAY, HS_DISPLAY_BRIGHTNESS),
                    brightness > 255 ? 255 : brightness);
    rt_mmio_write32(REG(HS_MMIO_DISPLAY, HS_DISPLAY_CTRL), on ? 1u : 0u);
}

void rt_display_size(uint32_t *width, uint32_t *height)
{
    *width = rt_mmio_read32(REG(HS_MMIO_DISPLAY, HS_DISPLAY_WIDTH));
    *height = rt_mmio_read32(REG(HS_MMIO_DISPLAY, HS_DISPLAY_HEIGHT));
}

void rt_display_flip(uint32_t tag)
{
    rt_mmio_write32(REG(HS_MMIO_DISPLAY, HS_DISPLAY_FLIP), tag);
}

/* ---- GPU -------------------------------------------------------------------
 */

void rt_gpu_submit(uint32_t work_units)
{
    rt_mmio_write32(REG(HS_MMIO_GPU, HS_GPU_SUBMIT), work_units);
}

uint32_t rt_gpu_caps(void)
{
    return rt_mmio_read32(REG(HS_MMIO_GPU, HS_GPU_CAPS));
}

int64_t rt_gpu_map(const void *addr, uint64_t bytes, uint32_t flags)
{
    if (!(rt_gpu_caps() & HS_GPU_CAP_3D))
        return HS_EPERM;
    rt_mmio_write64(REG(HS_MMIO_GPU, HS_GPU_MAP_ADDR), (uintptr_t)addr);
    rt_mmio_write64(REG(HS_MMIO_GPU, HS_GPU_MAP_SIZE), bytes);
    rt_mmio_write32(REG(HS_MMIO_GPU, HS_GPU_MAP_CTRL), flags);
    return 0;
}

/* The domain's context ring: a few entries, since rt_gpu_run waits for
 * each list before it returns. */
#define GPU_RING_ENTRIES 4u
static HsGpuRingEntry gpu_ring[GPU_RING_ENTRIES];
static uint32_t gpu_tail;
static int gpu_ring_up;

/* The GPU wait sleeps on the completion interrupt in steps of
 * GPU_CHECK_NS, re-checking between steps that the platform still grants
 * 3D (a phone sent to the back loses it; the msm driver's hangcheck
 * period is 500 ms: DRM_MSM_HANGCHECK_DEFAULT_PERIOD, recalled), and gives
 * up after GPU_TIMEOUT_NS (amdgpu's default lockup_timeout is 10 s,
 * recalled): a bound for a hung device, not for a slow one. */
#define GPU_CHECK_NS 500000000ull
#define GPU_TIMEOUT_NS 10000000000ull

int64_t rt_gpu_run(const void *cmds, uint32_t len)
{
    if (!(rt_gpu_caps() & HS_GPU_CAP_3D))
        return HS_EPERM;
    if (cmds == 0 || len == 0 || len % 4)
        return HS_EINVAL;
    if (!gpu_ring_up) {
        rt_mmio_write64(REG(HS_MMIO_GPU, HS_GPU_RING_BASE),
                        (uintptr_t)gpu_ring);
        rt_mmio_write32(REG(HS_MMIO_GPU, HS_GPU_RING_SIZE), GPU_RING_ENTRIES);
        gpu_tail = 0;
        gpu_ring_up = 1;
    }
    gpu_ring[gpu_tail % GPU_RING_ENTRIES] =
        (HsGpuRingEntry){.cmd_addr = (uintptr_t)cmds, .cmd_len = len};
    rt_mmio_write32(REG(HS_MMIO_GPU, HS_GPU_STATUS), 0);
    gpu_tail++;
    rt_mmio_write32(REG(HS_MMIO_GPU, HS_GPU_RING_TAIL), gpu_tail);
    uint64_t start = rt_pc_clock();
    for (;;) {
        if (rt_mmio_read32(REG(HS_MMIO_GPU, HS_GPU_RING_HEAD)) == gpu_tail)
            return rt_mmio_read32(REG(HS_MMIO_GPU, HS_GPU_STATUS)) ? HS_EIO : 0;
        /* the platform may take 3D away (a phone sent to the back) */
        if (!(rt_gpu_caps() & HS_GPU_CAP_3D))
            return HS_EPERM;
        uint64_t now = rt_pc_clock();
        if (now - start >= GPU_TIMEOUT_NS)
            return HS_EIO;
        rt_pc_wait_irq(HS_IRQ_GPU, now + GPU_CHECK_NS);
    }
}

uint32_t rt_gpu_busy(void)
{
    return rt_mmio_read32(REG(HS_MMIO_GPU, HS_GPU_BUSY));
}

/* ---- storage ---------------------------------------------------------------
 */

/* A command not done after this long is a hung device (the Linux block
 * layer's default request timeout is 30 s: BLK_DEFAULT_SG_TIMEOUT,
 * recalled); the task sleeps on the completion interrupt meanwhile. */
#define STORAGE_TIMEOUT_NS 30000000000ull

int64_t rt_storage_io(uint32_t cmd, uint64_t lba, void *buf, uint32_t bytes)
{
    if ((cmd != HS_STORAGE_CMD_READ && cmd != HS_STORAGE_CMD_WRITE) ||
        buf == 0 || bytes == 0)
        return HS_EINVAL;
    rt_mmio_write64(REG(HS_MMIO_STORAGE, HS_STORAGE_LBA), lba);
    rt_mmio_write64(REG(HS_MMIO_STORAGE, HS_STORAGE_ADDR), (uintptr_t)buf);
    rt_mmio_write32(REG(HS_MMIO_STORAGE, HS_STORAGE_COUNT), bytes);
    rt_mmio_write32(REG(HS_MMIO_STORAGE, HS_STORAGE_CMD), cmd);
    uint64_t deadline = rt_pc_clock() + STORAGE_TIMEOUT_NS;
    for (;;) {
        uint32_t st = rt_mmio_read32(REG(HS_MMIO_STORAGE, HS_STORAGE_STATUS));
        if (st == HS_STORAGE_ST_DONE)
            return 0;
        if (st == HS_STORAGE_ST_ERROR)
            return HS_EIO;
        if (rt_pc_clock() >= deadline)
            return HS_EIO;
        rt_pc_wait_irq(HS_IRQ_STORAGE, deadline);
    }
}

/* ---- network ring and baseband mailbox -------------------------------------
 */

int64_t rt_net_send(const void *pkt, uint32_t len)
{
    if (len == 0 || len > HS_NET_MTU)
        return HS_EINVAL;
    rt_mmio_write64(REG(HS_MMIO_NET, HS_NET_TX_ADDR), (uintptr_t)pkt);
    rt_mmio_write32(REG(HS_MMIO_NET, HS_NET_TX_LEN), len);
    return 0;
}

int64_t rt_net_recv(void *buf, uint32_t cap)
{
    if (rt_mmio_read32(REG(HS_MMIO_NET, HS_NET_RX_PENDING)) == 0)
        return 0;
    rt_mmio_write64(REG(HS_MMIO_NET, HS_NET_RX_ADDR), (uintptr_t)buf);
    rt_mmio_write32(REG(HS_MMIO_NET, HS_NET_RX_CAP), cap);
    rt_mmio_write32(REG(HS_MMIO_NET, HS_NET_RX_POP), 1);
    return rt_mmio_read32(REG(HS_MMIO_NET, HS_NET_RX_POP));
}

int64_t rt_bbipc_send(const void *msg, uint32_t len)
{
    if (len == 0)
        return HS_EINVAL;
    rt_mmio_write64(REG(HS_MMIO_BBIPC, HS_BBIPC_TX_ADDR), (uintptr_t)msg);
    rt_mmio_write32(REG(HS_MMIO_BBIPC, HS_BBIPC_TX_LEN), len);
    return 0;
}

int64_t rt_bbipc_recv(void *buf)
{
    if (rt_mmio_read32(REG(HS_MMIO_BBIPC, HS_BBIPC_RX_PENDING)) == 0)
        return 0;
    rt_mmio_write64(REG(HS_MMIO_BBIPC, HS_BBIPC_RX_ADDR), (uintptr_t)buf);
    rt_mmio_write32(REG(HS_MMIO_BBIPC, HS_BBIPC_RX_POP), 1);
    return rt_mmio_read32(REG(HS_MMIO_BBIPC, HS_BBIPC_RX_POP));
}

/* ---- sockets ----------------------------------------------------------------
 */

#define SOCK_REG(s, off) (HS_MMIO_SOCK + (uint64_t)(s)*HS_SOCK_STRIDE + (off))

static int64_t sock_cmd(uint32_t s, uint32_t cmd, const void *buf, uint32_t len)
{
    if (s >= HS_SOCK_MAX)
        return HS_EINVAL;
    rt_mmio_write64(SOCK_REG(s, HS_SOCK_ADDR), (uintptr_t)buf);
    rt_mmio_write32(SOCK_REG(s, HS_SOCK_LEN), len);
    rt_mmio_write32(SOCK_REG(s, HS_SOCK_CMD), cmd);
    return (int32_t)rt_mmio_read32(SOCK_REG(s, HS_SOCK_RESULT));
}

int64_t rt_sock_connect(uint32_t s, uint32_t peer)
{
    if (s >= HS_SOCK_MAX)
        return HS_EINVAL;
    rt_mmio_write32(SOCK_REG(s, HS_SOCK_PEER), peer);
    return sock_cmd(s, HS_SOCK_CMD_CONNECT, 0, 0);
}

int64_t rt_sock_send(uint32_t s, const void *buf, uint32_t len)
{
    return sock_cmd(s, HS_SOCK_CMD_SEND, buf, len);
}

int64_t rt_sock_recv(uint32_t s, void *buf, uint32_t cap)
{
    if (s >= HS_SOCK_MAX || rt_mmio_read32(SOCK_REG(s, HS_SOCK_AVAIL)) == 0)
        return 0;
    return sock_cmd(s, HS_SOCK_CMD_RECV, buf, cap);
}

uint32_t rt_sock_state(uint32_t s)
{
    return rt_mmio_read32(SOCK_REG(s, HS_SOCK_STATE));
}

void rt_sock_close(uint32_t s)
{
    (void)sock_cmd(s, HS_SOCK_CMD_CLOSE, 0, 0);
}

void rt_sock_mark(uint32_t s, int32_t status)
{
    rt_mmio_write32(SOCK_REG(s, HS_SOCK_MARK), (uint32_t)status);
}

uint32_t rt_sock_events(void)
{
    uint32_t ev = rt_mmio_read32(HS_MMIO_SOCK + HS_SOCK_EVENTS);
    if (ev)
        rt_mmio_write32(HS_MMIO_SOCK + HS_SOCK_EVENTS, ev);
    return ev;
}

/* ---- DVFS and delays --------------------------------------------------------
 */

uint32_t rt_dvfs_khz(void)
{
    return rt_mmio_read32(REG(HS_MMIO_DVFS, HS_DVFS_CUR_KHZ));
}

void rt_busy_loop(uint64_t iterations)
{
    if (iterations == 0)
        return;
    __asm__ volatile("1: subs %0, %0, #1\n"
                     "   nop\n"
                     "   nop\n"
                     "   b.ne 1b\n"
                     : "+r"(iterations)
                     :
                     : "cc");
}
