/*
 * test_bus.c - MMIO windows, dispatch by offset, overlap rejection and
 * interrupt lines.
 */
#include "harness.h"

#include "bus/bus.h"

typedef struct Reg {
    Device dev;
    uint64_t last_off, last_val;
    unsigned last_size;
    int last_domain;
} Reg;

static uint64_t reg_read(Device *dev, uint64_t off, unsigned size,
                         const BusAccess *acc)
{
    (void)size;
    (void)acc;
    return off * 2;
    (void)dev;
}

static void reg_write(Device *dev, uint64_t off, uint64_t val, unsigned size,
                      const BusAccess *acc)
{
    Reg *r = (Reg *)dev;
    r->last_off = off;
    r->last_val = val;
    r->last_size = size;
    r->last_domain = acc->domain;
}

static const DeviceOps reg_ops = {
    .type = "reg", .read = reg_read, .write = reg_write};

static void test_map_and_dispatch(void **state)
{
    (void)state;
    Bus bus;
    bus_init(&bus);
    Reg a, b;
    device_init(&a.dev, &reg_ops, "a");
    device_init(&b.dev, &reg_ops, "b");
    assert_int_equal(bus_map(&bus, &b.dev, 0x2000, 0x1000), 0);
    assert_int_equal(bus_map(&bus, &a.dev, 0x1000, 0x1000), 0);
    BusAccess acc = {.when = 5, .domain = 3};
    uint64_t v;
    assert_true(bus_read(&bus, 0x1010, 4, &acc, &v));
    assert_int_equal(v, 0x20);
    assert_true(bus_write(&bus, 0x2ffc, 77, 4, &acc));
    assert_int_equal(b.last_off, 0xffc);
    assert_int_equal(b.last_val, 77);
    assert_int_equal(b.last_domain, 3);
    assert_false(bus_read(&bus, 0x3000, 4, &acc, &v));
    assert_int_equal(v, 0);
    assert_false(bus_write(&bus, 0xfff, 1, 1, &acc));
    uint64_t off;
    assert_ptr_equal(bus_find(&bus, 0x1000, &off), &a.dev);
    assert_int_equal(off, 0);
    bus_free(&bus);
}

static void test_overlap_rejected(void **state)
{
    (void)state;
    Bus bus;
    bus_init(&bus);
    Reg a, b;
    device_init(&a.dev, &reg_ops, "a");
    device_init(&b.dev, &reg_ops, "b");
    assert_int_equal(bus_map(&bus, &a.dev, 0x1000, 0x1000), 0);
    assert_int_equal(bus_map(&bus, &b.dev, 0x1800, 0x1000), -1);
    assert_int_equal(bus_map(&bus, &b.dev, 0x0800, 0x1000), -1);
    assert_int_equal(bus_map(&bus, &b.dev, 0x0800, 0), -1);
    assert_int_equal(bus_map(&bus, &b.dev, 0x0800, 0x800), 0);
    bus_free(&bus);
}

typedef struct Ctl {
    int calls, line;
    bool level;
} Ctl;

static void ctl_input(void *ctx, int line, bool level)
{
    Ctl *c = ctx;
    c->calls++;
    c->line = line;
    c->level = level;
}

static void test_irq_lines(void **state)
{
    (void)state;
    Ctl c = {0};
    IrqLine irq = {0};
    irq_set(&irq, true); /* unconnected: remembers the level */
    assert_true(irq.level);
    irq_lower(&irq);
    irq_connect(&irq, ctl_input, &c, 5);
    irq_raise(&irq);
    irq_raise(&irq); /* no change, no call */
    assert_int_equal(c.calls, 1);
    assert_int_equal(c.line, 5);
    assert_true(c.level);
    irq_lower(&irq);
    irq_pulse(&irq);
    assert_int_equal(c.calls, 4);
    assert_false(c.level);
    assert_int_equal(irq.edges, 3);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_map_and_dispatch),
    cmocka_unit_test(test_overlap_rejected),
    cmocka_unit_test(test_irq_lines),
};
HS_TEST_GROUP(bus, tests)
