/*
 * test_gpu.c - GPU plain jobs: completion after the time their work units
 * take at the current OPP, the completion IRQ, the queue, OPP changes
 * mid-job, and power attributed to the submitting domain. Command lists,
 * rings and power collapse: test_gpu_cmds.c.
 */
#include "harness.h"

#include <string.h>

#include "platform.h"
#include "soc_models/devices/gpu.h"
#include "soc_models/devices/intc.h"

#define BUF_BASE 0x40000000ULL

typedef struct Cpu {
    Sim *sim;
    int raises;
    hs_time raised_at;
} Cpu;

static void cpu_input(void *ctx, int line, bool level)
{
    (void)line;
    Cpu *c = ctx;
    if (level) {
        c->raises++;
        c->raised_at = sim_now(c->sim);
    }
}

typedef struct Rig {
    Sim *sim;
    Bus bus;
    PowerMeter *meter;
    uint8_t mem[256];
    DmaBuffer buf;
    GuestDma dma;
    GpuState gpu;
    IntcState intc;
    Cpu cpu;
} Rig;

static void rig_init(Rig *r)
{
    memset(r, 0, sizeof *r);
    r->sim = sim_new(1);
    r->meter = power_meter_new(2);
    bus_init(&r->bus);
    r->buf = (DmaBuffer){BUF_BASE, r->mem, sizeof r->mem};
    dma_buffer_init(&r->dma, &r->buf);
    GpuConfig cfg = {
        .n_opps = 2,
        .idle_uw = 5000,
        .cycles_per_unit = 1000,
        .units_per_cycle = 1,
        .queue_depth = 2,
        .max_cmd_bytes = 64,
        .collapse_delay_ps = 1000 * HS_MS, /* never within these tests */
    };
    cfg.opps[0] = (GpuOpp){200000, 300000};
    cfg.opps[1] = (GpuOpp){450000, 800000};
    char err[128];
    assert_int_equal(
        gpu_init(&r->gpu, "gpu", &cfg, &r->dma, r->meter, err, sizeof err), 0);
    intc_init(&r->intc, "intc");
    assert_int_equal(bus_map(&r->bus, &r->gpu.dev, HS_MMIO_GPU, HS_MMIO_WINDOW),
                     0);
    assert_int_equal(
        bus_map(&r->bus, &r->intc.dev, HS_MMIO_INTC, HS_MMIO_WINDOW), 0);
    assert_int_equal(r->gpu.dev.ops->realize(&r->gpu.dev, r->sim), 0);
    irq_connect(&r->gpu.irq, intc_set_irq, &r->intc, HS_IRQ_GPU);
    r->cpu.sim = r->sim;
    irq_connect(&r->intc.cpu_irq, cpu_input, &r->cpu, 0);
    BusAccess acc = {0, 0};
    bus_write(&r->bus, HS_MMIO_INTC + HS_INTC_ENABLE, 1u << HS_IRQ_GPU, 4,
              &acc);
}

static void rig_free(Rig *r)
{
    bus_free(&r->bus);
    power_meter_free(r->meter);
    sim_free(r->sim);
}

static void wr(Rig *r, int domain, uint64_t off, uint64_t v, unsigned size)
{
    BusAccess acc = {.when = sim_now(r->sim), .domain = domain};
    assert_true(bus_write(&r->bus, HS_MMIO_GPU + off, v, size, &acc));
}

static uint64_t rd(Rig *r, uint64_t off)
{
    BusAccess acc = {.when = sim_now(r->sim), .domain = 0};
    uint64_t v;
    assert_true(bus_read(&r->bus, HS_MMIO_GPU + off, 4, &acc, &v));
    return v;
}

static void ack(Rig *r)
{
    BusAccess acc = {.when = sim_now(r->sim), .domain = 0};
    bus_write(&r->bus, HS_MMIO_INTC + HS_INTC_ACK, 1u << HS_IRQ_GPU, 4, &acc);
}

static void test_job_time_and_irq(void **state)
{
    (void)state;
    Rig r;
    rig_init(&r);
    sim_run_until(r.sim, HS_MS);
    /* 5000 units x 1000 cycles at 200 MHz = 25 ms */
    wr(&r, 1, HS_GPU_SUBMIT, 5000, 4);
    assert_int_equal(rd(&r, HS_GPU_BUSY), 1);
    sim_run_until(r.sim, 26 * HS_MS - 1);
    assert_int_equal(r.cpu.raises, 0);
    assert_int_equal(rd(&r, HS_GPU_DONE), 0);
    sim_run_until(r.sim, 30 * HS_MS);
    assert_int_equal(r.cpu.raises, 1);
    assert_int_equal(r.cpu.raised_at, 26 * HS_MS);
    assert_int_equal(rd(&r, HS_GPU_DONE), 1);
    assert_int_equal(rd(&r, HS_GPU_BUSY), 0);
    ack(&r);
    /* energy: active 25 ms for domain 1, idle after it (collapsed before
     * the first job) */
    int gpu = power_component_find(r.meter, "gpu");
    assert_true(power_energy_component_domain(r.meter, gpu, 1, 30 * HS_MS) ==
                (power_energy)300000 * 25 * HS_MS);
    assert_true(power_energy_component_domain(r.meter, gpu, POWER_UNATTRIBUTED,
                                              30 * HS_MS) ==
                (power_energy)5000 * 4 * HS_MS);
    /* the same job at the higher OPP: 5e6 cycles / 450 MHz, rounded up */
    gpu_set_opp(&r.gpu, 1, 30 * HS_MS);
    assert_int_equal(gpu_job_time_ps(&r.gpu, 5000, 1), 11111111112ULL);
    wr(&r, 0, HS_GPU_SUBMIT, 5000, 4);
    sim_run_until(r.sim, 50 * HS_MS);
    assert_int_equal(r.cpu.raises, 2);
    assert_int_equal(r.cpu.raised_at, 30 * HS_MS + 11111111112ULL);
    assert_int_equal(r.gpu.units_done[0], 5000);
    assert_int_equal(r.gpu.units_done[1], 5000);
    rig_free(&r);
}

static void test_queue(void **state)
{
    (void)state;
    Rig r;
    rig_init(&r);
    wr(&r, 0, HS_GPU_SUBMIT, 1000, 4); /* 5 ms */
    wr(&r, 1, HS_GPU_SUBMIT, 2000, 4); /* queued behind: 10 ms more */
    wr(&r, 1, HS_GPU_SUBMIT, 1, 4);    /* queue full: refused */
    assert_int_equal(r.gpu.dev.guest_errors, 1);
    sim_run_until(r.sim, 5 * HS_MS);
    assert_int_equal(rd(&r, HS_GPU_DONE), 1);
    assert_int_equal(r.cpu.raised_at, 5 * HS_MS);
    ack(&r);
    sim_run_until(r.sim, 15 * HS_MS);
    assert_int_equal(rd(&r, HS_GPU_DONE), 2);
    assert_int_equal(r.cpu.raised_at, 15 * HS_MS);
    /* an empty job and the ring of a domain without 3D are refused */
    wr(&r, 0, HS_GPU_SUBMIT, 0, 4);
    wr(&r, 0, HS_GPU_RING_SIZE, 4, 4);
    assert_int_equal(r.gpu.dev.guest_errors, 3);
    assert_int_equal(rd(&r, HS_GPU_CAPS), 0);
    assert_int_equal(rd(&r, HS_GPU_BUSY), 0);
    rig_free(&r);
}

static void test_opp_change_mid_job(void **state)
{
    (void)state;
    Rig r;
    rig_init(&r);
    wr(&r, 0, HS_GPU_SUBMIT, 5000, 4); /* 25 ms at 200 MHz */
    sim_run_until(r.sim, 12500 * HS_US);
    gpu_set_opp(&r.gpu, 1, 12500 * HS_US);
    /* 2.5e6 cycles left at 450 MHz: 5,555,555.56 ns, rounded up */
    sim_run_until(r.sim, 30 * HS_MS);
    assert_int_equal(r.cpu.raised_at, 12500 * HS_US + 5555555556ULL);
    int gpu = power_component_find(r.meter, "gpu");
    assert_true(power_energy_component_domain(r.meter, gpu, 0, 30 * HS_MS) ==
                (power_energy)300000 * 12500 * HS_US +
                    (power_energy)800000 * 5555555556ULL);
    rig_free(&r);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_job_time_and_irq),
    cmocka_unit_test(test_queue),
    cmocka_unit_test(test_opp_change_mid_job),
};
HS_TEST_GROUP(dev_gpu, tests)
