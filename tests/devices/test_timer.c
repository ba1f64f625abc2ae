/*
 * test_timer.c - platform clock and compare timer through the bus, with
 * the interrupt controller between the timer and a recording "CPU".
 */
#include "harness.h"

#include <string.h>

#include "platform.h"
#include "soc_models/devices/intc.h"
#include "soc_models/devices/timer.h"

typedef struct Cpu {
    Sim *sim;
    int raises;
    hs_time raised_at;
    bool level;
} Cpu;

static void cpu_input(void *ctx, int line, bool level)
{
    (void)line;
    Cpu *c = ctx;
    if (level && !c->level) {
        c->raises++;
        c->raised_at = sim_now(c->sim);
    }
    c->level = level;
}

typedef struct Rig {
    Sim *sim;
    Bus bus;
    TimerState timer;
    IntcState intc;
    Cpu cpu;
} Rig;

static void rig_init(Rig *r)
{
    memset(r, 0, sizeof *r);
    r->sim = sim_new(1);
    bus_init(&r->bus);
    timer_init(&r->timer, "timer");
    intc_init(&r->intc, "intc");
    assert_int_equal(
        bus_map(&r->bus, &r->timer.dev, HS_MMIO_TIMER, HS_MMIO_WINDOW), 0);
    assert_int_equal(
        bus_map(&r->bus, &r->intc.dev, HS_MMIO_INTC, HS_MMIO_WINDOW), 0);
    assert_int_equal(r->timer.dev.ops->realize(&r->timer.dev, r->sim), 0);
    irq_connect(&r->timer.irq, intc_set_irq, &r->intc, HS_IRQ_TIMER);
    r->cpu.sim = r->sim;
    irq_connect(&r->intc.cpu_irq, cpu_input, &r->cpu, 0);
}

static void rig_free(Rig *r)
{
    bus_free(&r->bus);
    sim_free(r->sim);
}

static uint64_t rd(Rig *r, uint64_t addr, unsigned size, hs_time when)
{
    BusAccess acc = {.when = when, .domain = 0};
    uint64_t v = 0;
    assert_true(bus_read(&r->bus, addr, size, &acc, &v));
    return v;
}

static void wr(Rig *r, uint64_t addr, uint64_t v, unsigned size, hs_time when)
{
    BusAccess acc = {.when = when, .domain = 0};
    assert_true(bus_write(&r->bus, addr, v, size, &acc));
}

static void test_clock_reads_local_time(void **state)
{
    (void)state;
    Rig r;
    rig_init(&r);
    /* the clock follows the access's local time, not the kernel's */
    hs_time t = 5 * HS_DAY + 1234567 * HS_NS + 999;
    uint64_t ns = t / HS_NS;
    assert_int_equal(rd(&r, HS_MMIO_TIMER + HS_TIMER_NOW64, 8, t), ns);
    assert_int_equal(rd(&r, HS_MMIO_TIMER + HS_TIMER_NOW_LO, 4, t),
                     (uint32_t)ns);
    /* the high half was latched by the low read, even if time moved on */
    assert_int_equal(rd(&r, HS_MMIO_TIMER + HS_TIMER_NOW_HI, 4, 10 * HS_DAY),
                     (uint32_t)(ns >> 32));
    assert_true(ns >> 32 != 0);
    rig_free(&r);
}

static void test_compare_irq_fires_on_time(void **state)
{
    (void)state;
    Rig r;
    rig_init(&r);
    wr(&r, HS_MMIO_INTC + HS_INTC_ENABLE, 1u << HS_IRQ_TIMER, 4, 0);
    wr(&r, HS_MMIO_TIMER + HS_TIMER_CMP64, 5000000, 8, 0); /* 5 ms */
    wr(&r, HS_MMIO_TIMER + HS_TIMER_CTRL, 1, 4, 0);
    sim_run_until(r.sim, 5 * HS_MS - 1);
    assert_int_equal(r.cpu.raises, 0);
    sim_run_until(r.sim, 6 * HS_MS);
    assert_int_equal(r.cpu.raises, 1);
    assert_int_equal(r.cpu.raised_at, 5 * HS_MS);
    assert_int_equal(rd(&r, HS_MMIO_TIMER + HS_TIMER_CTRL, 4, 6 * HS_MS), 3);
    assert_int_equal(rd(&r, HS_MMIO_INTC + HS_INTC_PENDING, 4, 6 * HS_MS),
                     1u << HS_IRQ_TIMER);
    /* clear: W1C pending, ack the latch; the CPU line drops */
    wr(&r, HS_MMIO_TIMER + HS_TIMER_CTRL, 2, 4, 6 * HS_MS);
    wr(&r, HS_MMIO_INTC + HS_INTC_ACK, 1u << HS_IRQ_TIMER, 4, 6 * HS_MS);
    assert_false(r.cpu.level);
    assert_int_equal(rd(&r, HS_MMIO_TIMER + HS_TIMER_CTRL, 4, 6 * HS_MS), 0);
    /* a compare value already in the past fires at once */
    wr(&r, HS_MMIO_TIMER + HS_TIMER_CMP64, 1, 8, 6 * HS_MS);
    wr(&r, HS_MMIO_TIMER + HS_TIMER_CTRL, 1, 4, 6 * HS_MS);
    sim_run_until(r.sim, 6 * HS_MS);
    assert_int_equal(r.cpu.raises, 2);
    assert_int_equal(r.cpu.raised_at, 6 * HS_MS);
    /* disabled: no fire */
    wr(&r, HS_MMIO_TIMER + HS_TIMER_CTRL, 2, 4, 6 * HS_MS);
    wr(&r, HS_MMIO_TIMER + HS_TIMER_CMP64, 9000000, 8, 6 * HS_MS);
    sim_run_until(r.sim, 20 * HS_MS);
    assert_int_equal(r.timer.fired, 2);
    /* guest mistakes are counted, not fatal */
    rd(&r, HS_MMIO_TIMER + 0x800, 4, 0);
    wr(&r, HS_MMIO_TIMER + HS_TIMER_CTRL, 0xf0, 4, 20 * HS_MS);
    assert_int_equal(r.timer.dev.guest_errors, 2);
    rig_free(&r);
}

static void test_intc_latch_and_mask(void **state)
{
    (void)state;
    Rig r;
    rig_init(&r);
    IrqLine gpu = {0};
    irq_connect(&gpu, intc_set_irq, &r.intc, HS_IRQ_GPU);
    irq_pulse(&gpu); /* edge while masked: latched, not visible */
    assert_int_equal(rd(&r, HS_MMIO_INTC + HS_INTC_PENDING, 4, 0), 0);
    assert_false(r.cpu.level);
    wr(&r, HS_MMIO_INTC + HS_INTC_ENABLE, 1u << HS_IRQ_GPU, 4, 0);
    assert_int_equal(rd(&r, HS_MMIO_INTC + HS_INTC_PENDING, 4, 0),
                     1u << HS_IRQ_GPU);
    assert_true(r.cpu.level);
    assert_int_equal(rd(&r, HS_MMIO_INTC + HS_INTC_RAW, 4, 0), 0);
    wr(&r, HS_MMIO_INTC + HS_INTC_ACK, 1u << HS_IRQ_GPU, 4, 0);
    assert_false(r.cpu.level);
    /* a level held high stays pending through an ack */
    irq_raise(&gpu);
    wr(&r, HS_MMIO_INTC + HS_INTC_ACK, 1u << HS_IRQ_GPU, 4, 0);
    assert_true(r.cpu.level);
    irq_lower(&gpu);
    assert_false(r.cpu.level);
    rig_free(&r);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_clock_reads_local_time),
    cmocka_unit_test(test_compare_irq_fires_on_time),
    cmocka_unit_test(test_intc_latch_and_mask),
};
HS_TEST_GROUP(dev_timer_intc, tests)
