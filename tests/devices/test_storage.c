/*
 * test_storage.c - block writes and reads through the bus: latency as
 * configured, the completion IRQ, data round trips, errors, power
 * attributed to the issuing domain, and a hooked path between the issuer
 * and the medium.
 */
#include "harness.h"

#include <string.h>

#include "platform.h"
#include "soc_models/devices/storage.h"

#define BUF_BASE 0x40000000ULL

typedef struct Rig {
    Sim *sim;
    Bus bus;
    PowerMeter *meter;
    uint8_t mem[32768];
    DmaBuffer buf;
    GuestDma dma;
    StorageState st;
    hs_time irq_at;
    int irqs;
} Rig;

static void on_irq(void *ctx, int line, bool level)
{
    (void)line;
    Rig *r = ctx;
    if (level) {
        r->irqs++;
        r->irq_at = sim_now(r->sim);
    }
}

static void rig_init(Rig *r)
{
    memset(r, 0, sizeof *r);
    r->sim = sim_new(1);
    r->meter = power_meter_new(2);
    bus_init(&r->bus);
    r->buf = (DmaBuffer){BUF_BASE, r->mem, sizeof r->mem};
    dma_buffer_init(&r->dma, &r->buf);
    StorageConfig cfg = {
        .capacity_bytes = 1 << 20,
        .cmd_latency_ps = 50 * HS_US,
        .read_ps_per_kib = 10 * HS_US,
        .write_ps_per_kib = 20 * HS_US,
        .idle_uw = 1000,
        .read_uw = 150000,
        .write_uw = 250000,
        .max_transfer_bytes = 16384,
    };
    char err[128];
    assert_int_equal(storage_init(&r->st, "storage", &cfg, &r->dma, r->meter,
                                  err, sizeof err),
                     0);
    assert_int_equal(
        bus_map(&r->bus, &r->st.dev, HS_MMIO_STORAGE, HS_MMIO_WINDOW), 0);
    assert_int_equal(r->st.dev.ops->realize(&r->st.dev, r->sim), 0);
    irq_connect(&r->st.irq, on_irq, r, HS_IRQ_STORAGE);
}

static void rig_free(Rig *r)
{
    r->st.dev.ops->destroy(&r->st.dev);
    bus_free(&r->bus);
    power_meter_free(r->meter);
    sim_free(r->sim);
}

static void wr(Rig *r, int domain, uint64_t off, uint64_t v, unsigned size)
{
    BusAccess acc = {.when = sim_now(r->sim), .domain = domain};
    assert_true(bus_write(&r->bus, HS_MMIO_STORAGE + off, v, size, &acc));
}

static uint64_t status(Rig *r)
{
    BusAccess acc = {.when = sim_now(r->sim), .domain = 0};
    uint64_t v;
    assert_true(
        bus_read(&r->bus, HS_MMIO_STORAGE + HS_STORAGE_STATUS, 4, &acc, &v));
    return v;
}

static void command(Rig *r, int domain, uint64_t lba, uint64_t addr,
                    uint32_t count, uint32_t cmd)
{
    wr(r, domain, HS_STORAGE_LBA, lba, 8);
    wr(r, domain, HS_STORAGE_ADDR, addr, 8);
    wr(r, domain, HS_STORAGE_COUNT, count, 4);
    wr(r, domain, HS_STORAGE_CMD, cmd, 4);
}

static void test_latency_and_round_trip(void **state)
{
    (void)state;
    Rig r;
    rig_init(&r);
    for (int i = 0; i < 8192; i++)
        r.mem[i] = (uint8_t)(i * 7 + 3);
    /* write 8 KiB at block 3: 50 us + 8 x 20 us = 210 us */
    command(&r, 1, 3, BUF_BASE, 8192, HS_STORAGE_CMD_WRITE);
    assert_int_equal(status(&r), HS_STORAGE_ST_BUSY);
    sim_run_until(r.sim, 210 * HS_US - 1);
    assert_int_equal(r.irqs, 0);
    sim_run_until(r.sim, HS_MS);
    assert_int_equal(r.irqs, 1);
    assert_int_equal(r.irq_at, 210 * HS_US);
    assert_int_equal(status(&r), HS_STORAGE_ST_DONE);
    /* read 6000 bytes back: 50 us + ceil(10 us x 6000 / 1024) */
    hs_time t0 = sim_now(r.sim);
    command(&r, 0, 3, BUF_BASE + 16384, 6000, HS_STORAGE_CMD_READ);
    assert_int_equal(storage_latency_ps(&r.st, HS_STORAGE_CMD_READ, 6000),
                     50 * HS_US + 58593750);
    sim_run_until(r.sim, 2 * HS_MS);
    assert_int_equal(r.irq_at, t0 + 50 * HS_US + 58593750);
    assert_memory_equal(r.mem + 16384, r.mem, 6000);
    /* never-written blocks read as zeros */
    memset(r.mem + 16384, 0xff, 4096);
    command(&r, 0, 100, BUF_BASE + 16384, 4096, HS_STORAGE_CMD_READ);
    sim_run_until(r.sim, 3 * HS_MS);
    assert_int_equal(r.mem[16384], 0);
    assert_int_equal(r.mem[16384 + 4095], 0);
    assert_int_equal(r.st.bytes_written[1], 8192);
    assert_int_equal(r.st.bytes_read[0], 6000 + 4096);
    /* the write's energy is domain 1's */
    int c = power_component_find(r.meter, "storage");
    assert_true(power_energy_component_domain(r.meter, c, 1, 3 * HS_MS) ==
                (power_energy)250000 * 210 * HS_US);
    rig_free(&r);
}

static void test_errors(void **state)
{
    (void)state;
    Rig r;
    rig_init(&r);
    /* past the end of the medium: ERROR at once, IRQ pulsed */
    command(&r, 0, 255, BUF_BASE, 8192, HS_STORAGE_CMD_WRITE);
    assert_int_equal(status(&r), HS_STORAGE_ST_ERROR);
    assert_int_equal(r.irqs, 1);
    /* buffer outside guest memory */
    command(&r, 0, 0, 0x1000, 512, HS_STORAGE_CMD_WRITE);
    assert_int_equal(status(&r), HS_STORAGE_ST_ERROR);
    command(&r, 0, 0, 0x1000, 512, HS_STORAGE_CMD_READ); /* fails at end */
    sim_run_until(r.sim, HS_MS);
    assert_int_equal(status(&r), HS_STORAGE_ST_ERROR);
    /* a command while busy is ignored */
    command(&r, 0, 0, BUF_BASE, 1024, HS_STORAGE_CMD_WRITE);
    uint64_t errs = r.st.dev.guest_errors;
    wr(&r, 0, HS_STORAGE_CMD, HS_STORAGE_CMD_READ, 4);
    assert_int_equal(r.st.dev.guest_errors, errs + 1);
    sim_run_until(r.sim, 2 * HS_MS);
    assert_int_equal(status(&r), HS_STORAGE_ST_DONE);
    wr(&r, 0, HS_STORAGE_CMD, 9, 4); /* unknown command */
    assert_int_equal(r.st.dev.guest_errors, errs + 2);
    rig_free(&r);
}

/* A path between the issuer and the medium: each point waits 1 ms. */
typedef struct PathProbe {
    Rig *r;
    SimEvent ev;
    StorageHookPoint points[4];
    hs_time at[4];
    int n;
    uint64_t seq;
    bool ok;
} PathProbe;

static void path_go(Sim *sim, void *ctx, hs_time now)
{
    (void)sim;
    PathProbe *p = ctx;
    storage_continue(&p->r->st, p->seq, p->ok, now);
}

static void path_hook(void *ctx, StorageState *s, StorageHookPoint point,
                      uint64_t seq, hs_time when)
{
    (void)s;
    PathProbe *p = ctx;
    if (p->n < 4) {
        p->points[p->n] = point;
        p->at[p->n] = when;
    }
    p->n++;
    p->seq = seq;
    sim_schedule_at(p->r->sim, &p->ev, when + HS_MS);
}

static void test_hook_path(void **state)
{
    (void)state;
    Rig r;
    rig_init(&r);
    PathProbe p = {.r = &r, .ok = true};
    sim_event_init(&p.ev, "path", path_go, &p, 0);
    storage_set_hook(&r.st, path_hook, &p);
    for (int i = 0; i < 8192; i++)
        r.mem[i] = (uint8_t)(i * 5 + 1);
    /* a write: 1 ms on the path, then the medium's 210 us */
    command(&r, 1, 3, BUF_BASE, 8192, HS_STORAGE_CMD_WRITE);
    assert_int_equal(p.n, 1);
    assert_int_equal(p.points[0], STORAGE_HOOK_ISSUE);
    assert_int_equal(status(&r), HS_STORAGE_ST_BUSY);
    sim_run_until(r.sim, 10 * HS_MS);
    assert_int_equal(r.irqs, 1);
    assert_int_equal(r.irq_at, HS_MS + 210 * HS_US);
    assert_int_equal(p.n, 1); /* a write has no way back up */
    /* a read: down 1 ms, the medium, up 1 ms; the buffer is filled only
     * when the data has come up */
    hs_time t0 = sim_now(r.sim);
    hs_time medium = storage_latency_ps(&r.st, HS_STORAGE_CMD_READ, 8192);
    command(&r, 0, 3, BUF_BASE + 16384, 8192, HS_STORAGE_CMD_READ);
    sim_run_until(r.sim, t0 + HS_MS + medium);
    assert_int_equal(p.n, 3);
    assert_int_equal(p.points[2], STORAGE_HOOK_READ_DONE);
    assert_int_equal(p.at[2], t0 + HS_MS + medium);
    assert_int_equal(r.irqs, 1);
    assert_int_equal(r.mem[16384], 0);
    sim_run_until(r.sim, t0 + 10 * HS_MS);
    assert_int_equal(r.irqs, 2);
    assert_int_equal(r.irq_at, t0 + 2 * HS_MS + medium);
    assert_int_equal(status(&r), HS_STORAGE_ST_DONE);
    assert_memory_equal(r.mem + 16384, r.mem, 8192);
    /* a path that failed: ERROR, nothing written */
    p.ok = false;
    t0 = sim_now(r.sim);
    command(&r, 1, 10, BUF_BASE, 4096, HS_STORAGE_CMD_WRITE);
    sim_run_until(r.sim, t0 + 10 * HS_MS);
    assert_int_equal(status(&r), HS_STORAGE_ST_ERROR);
    assert_int_equal(r.irqs, 3);
    assert_int_equal(r.st.bytes_written[1], 8192);
    /* a stale continuation (the device was reset meanwhile) is ignored */
    p.ok = true;
    command(&r, 1, 10, BUF_BASE, 4096, HS_STORAGE_CMD_WRITE);
    r.st.dev.ops->reset(&r.st.dev);
    sim_run_until(r.sim, t0 + 20 * HS_MS);
    assert_int_equal(r.irqs, 3);
    assert_int_equal(status(&r), HS_STORAGE_ST_IDLE);
    sim_cancel(r.sim, &p.ev);
    rig_free(&r);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_hook_path),
    cmocka_unit_test(test_latency_and_round_trip),
    cmocka_unit_test(test_errors),
};
HS_TEST_GROUP(dev_storage, tests)
