/*
 * test_net.c - the AP side of the network ring: TX to a peer callback,
 * per-domain RX queues with the IRQ, byte counts per domain, and guest
 * mistakes.
 */
#include "harness.h"

#include <string.h>

#include "platform.h"
#include "soc_models/devices/net.h"

#define BUF_BASE 0x40000000ULL

typedef struct Peer {
    int packets;
    int last_domain;
    size_t last_len;
    uint8_t last[HS_NET_MTU];
} Peer;

static int peer_rx(void *ctx, int domain, const uint8_t *pkt, size_t len,
                   hs_time when)
{
    (void)when;
    Peer *p = ctx;
    p->packets++;
    p->last_domain = domain;
    p->last_len = len;
    memcpy(p->last, pkt, len);
    return 0;
}

typedef struct Rig {
    Bus bus;
    uint8_t mem[8192];
    DmaBuffer buf;
    GuestDma dma;
    NetState net;
    Peer peer;
} Rig;

static void rig_init(Rig *r)
{
    memset(r, 0, sizeof *r);
    bus_init(&r->bus);
    r->buf = (DmaBuffer){BUF_BASE, r->mem, sizeof r->mem};
    dma_buffer_init(&r->dma, &r->buf);
    NetConfig cfg = {.rx_queue_packets = 2};
    char err[128];
    assert_int_equal(net_init(&r->net, "net", &cfg, &r->dma, err, sizeof err),
                     0);
    assert_int_equal(bus_map(&r->bus, &r->net.dev, HS_MMIO_NET, HS_MMIO_WINDOW),
                     0);
}

static void rig_free(Rig *r)
{
    r->net.dev.ops->destroy(&r->net.dev);
    bus_free(&r->bus);
}

static void wr(Rig *r, int d, uint64_t off, uint64_t v, unsigned size)
{
    BusAccess acc = {.when = 0, .domain = d};
    assert_true(bus_write(&r->bus, HS_MMIO_NET + off, v, size, &acc));
}

static uint64_t rd(Rig *r, int d, uint64_t off)
{
    BusAccess acc = {.when = 0, .domain = d};
    uint64_t v;
    assert_true(bus_read(&r->bus, HS_MMIO_NET + off, 4, &acc, &v));
    return v;
}

static void test_tx_to_peer(void **state)
{
    (void)state;
    Rig r;
    rig_init(&r);
    memcpy(r.mem, "\x45\x00hello", 7);
    wr(&r, 0, HS_NET_TX_ADDR, BUF_BASE, 8);
    wr(&r, 0, HS_NET_TX_LEN, 7, 4); /* no peer yet: dropped, counted */
    assert_int_equal(net_slot(&r.net, 0)->tx_dropped, 1);
    net_set_peer(&r.net, peer_rx, &r.peer);
    wr(&r, 0, HS_NET_TX_LEN, 7, 4);
    assert_int_equal(r.peer.packets, 1);
    assert_int_equal(r.peer.last_domain, 0);
    assert_memory_equal(r.peer.last, "\x45\x00hello", 7);
    /* domain 1 has its own registers */
    wr(&r, 1, HS_NET_TX_ADDR, BUF_BASE + 2, 8);
    wr(&r, 1, HS_NET_TX_LEN, 5, 4);
    assert_int_equal(r.peer.last_domain, 1);
    assert_memory_equal(r.peer.last, "hello", 5);
    assert_int_equal(net_slot(&r.net, 0)->tx_bytes, 7);
    assert_int_equal(net_slot(&r.net, 1)->tx_bytes, 5);
    /* guest mistakes */
    wr(&r, 0, HS_NET_TX_LEN, HS_NET_MTU + 1, 4);
    wr(&r, 0, HS_NET_TX_LEN, 0, 4);
    wr(&r, 0, HS_NET_TX_ADDR, 0x10, 8);
    wr(&r, 0, HS_NET_TX_LEN, 4, 4);
    assert_int_equal(r.net.dev.guest_errors, 3);
    assert_int_equal(r.peer.packets, 2);
    rig_free(&r);
}

static void test_rx_queue_and_irq(void **state)
{
    (void)state;
    Rig r;
    rig_init(&r);
    const uint8_t a[3] = {1, 2, 3}, b[100] = {9};
    assert_int_equal(net_rx_push(&r.net, 1, a, sizeof a, 0), 0);
    assert_true(r.net.irq.level);
    assert_int_equal(rd(&r, 1, HS_NET_RX_PENDING), 1);
    assert_int_equal(rd(&r, 0, HS_NET_RX_PENDING), 0);
    assert_int_equal(net_rx_push(&r.net, 1, b, sizeof b, 0), 0);
    assert_int_equal(net_rx_push(&r.net, 1, a, sizeof a, 0), -1); /* full */
    assert_int_equal(net_slot(&r.net, 1)->rx_dropped, 1);
    assert_int_equal(net_rx_push(&r.net, 1, a, 0, 0), -1);
    /* domain 0 has nothing to pop */
    wr(&r, 0, HS_NET_RX_POP, 1, 4);
    assert_int_equal(r.net.dev.guest_errors, 1);
    wr(&r, 1, HS_NET_RX_ADDR, BUF_BASE + 4096, 8);
    wr(&r, 1, HS_NET_RX_CAP, 2, 4);
    wr(&r, 1, HS_NET_RX_POP, 1, 4); /* too small: stays queued */
    assert_int_equal(r.net.dev.guest_errors, 2);
    assert_int_equal(rd(&r, 1, HS_NET_RX_PENDING), 2);
    wr(&r, 1, HS_NET_RX_CAP, 1500, 4);
    wr(&r, 1, HS_NET_RX_POP, 1, 4);
    assert_int_equal(rd(&r, 1, HS_NET_RX_POP), 3);
    assert_memory_equal(r.mem + 4096, a, 3);
    wr(&r, 1, HS_NET_RX_POP, 1, 4);
    assert_int_equal(rd(&r, 1, HS_NET_RX_POP), 100);
    assert_false(r.net.irq.level);
    assert_int_equal(net_slot(&r.net, 1)->rx_bytes, 103);
    assert_int_equal(net_slot(&r.net, 1)->rx_packets, 2);
    /* leftovers are freed by destroy (ASan checks) */
    assert_int_equal(net_rx_push(&r.net, 0, a, sizeof a, 0), 0);
    rig_free(&r);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_tx_to_peer),
    cmocka_unit_test(test_rx_queue_and_irq),
};
HS_TEST_GROUP(dev_net, tests)
