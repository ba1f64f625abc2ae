/*
 * test_port_map.c - the port -> domain table of the modem driver and the
 * radio: it keeps routing after more connections than it has entries,
 * giving up only ports nobody used for longest.
 */
#include "harness.h"

#include <string.h>

#include "baseband/port_map.h"

#define FIRST_PORT 40000 /* the kernels' first ephemeral port */

static void test_learn_and_find(void **state)
{
    (void)state;
    BbPortMap pm;
    memset(&pm, 0, sizeof pm);
    int d = 99;
    assert_false(bb_port_map_find(&pm, FIRST_PORT, &d));
    assert_int_equal(d, 99); /* untouched on a miss */
    bb_port_map_learn(&pm, FIRST_PORT, 1);
    bb_port_map_learn(&pm, FIRST_PORT + 1, 0);
    assert_true(bb_port_map_find(&pm, FIRST_PORT, &d));
    assert_int_equal(d, 1);
    assert_true(bb_port_map_find(&pm, FIRST_PORT + 1, &d));
    assert_int_equal(d, 0);
    /* the latest sender owns a port */
    bb_port_map_learn(&pm, FIRST_PORT, 0);
    assert_true(bb_port_map_find(&pm, FIRST_PORT, &d));
    assert_int_equal(d, 0);
    assert_int_equal(pm.n, 2);
}

/* One connection after another, each on a fresh port, far more of them
 * than the table has entries: every one is still routed to its domain
 * while it runs. */
static void test_fresh_port_per_connection(void **state)
{
    (void)state;
    BbPortMap pm;
    memset(&pm, 0, sizeof pm);
    unsigned n = 4 * BB_PORT_MAP_SIZE;
    for (unsigned k = 0; k < n; k++) {
        uint16_t port = (uint16_t)(FIRST_PORT + k);
        int owner = (int)(k % 2), d = -1;
        bb_port_map_learn(&pm, port, owner);          /* SYN */
        assert_true(bb_port_map_find(&pm, port, &d)); /* SYN-ACK */
        assert_int_equal(d, owner);
    }
    assert_int_equal(pm.n, BB_PORT_MAP_SIZE);
    assert_int_equal(pm.replaced, n - BB_PORT_MAP_SIZE);
}

/* A full table gives up the least recently used port, not a live one
 * that was learnt first. */
static void test_replaces_least_recently_used(void **state)
{
    (void)state;
    BbPortMap pm;
    memset(&pm, 0, sizeof pm);
    for (unsigned k = 0; k < BB_PORT_MAP_SIZE; k++)
        bb_port_map_learn(&pm, (uint16_t)(FIRST_PORT + k), 0);
    int d = -1;
    /* the first connection is still talking: its reply refreshes it */
    assert_true(bb_port_map_find(&pm, FIRST_PORT, &d));
    bb_port_map_learn(&pm, 50000, 1);
    assert_true(bb_port_map_find(&pm, FIRST_PORT, &d));
    assert_int_equal(d, 0);
    assert_false(bb_port_map_find(&pm, FIRST_PORT + 1, &d));
    assert_true(bb_port_map_find(&pm, 50000, &d));
    assert_int_equal(d, 1);
    assert_int_equal(pm.replaced, 1);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_learn_and_find),
    cmocka_unit_test(test_fresh_port_per_connection),
    cmocka_unit_test(test_replaces_least_recently_used),
};

HS_TEST_GROUP(port_map, tests)
