/*
 * test_ipc.c - the AP<->BB mailbox through its two register windows, with
 * no CPU: messages both ways, doorbell levels, 32-bit address halves,
 * refused lengths, a full ring and a dead baseband.
 */
#include "harness.h"

#include <string.h>

#include "baseband/ipc.h"

#define MEM 0x40000000ULL

typedef struct Side {
    Bus bus;
    uint8_t mem[8192];
    DmaBuffer buf;
    GuestDma dma;
    IpcEnd end;
} Side;

typedef struct Rig {
    IpcMailbox mb;
    Side ap, bb;
} Rig;

static void side_init(Side *s, IpcMailbox *mb, IpcSide side)
{
    bus_init(&s->bus);
    s->buf = (DmaBuffer){MEM, s->mem, sizeof s->mem};
    dma_buffer_init(&s->dma, &s->buf);
    ipc_end_init(&s->end, side == IPC_SIDE_AP ? "bbipc" : "bb-ipc", mb, side,
                 &s->dma);
    assert_int_equal(
        bus_map(&s->bus, &s->end.dev, HS_MMIO_BBIPC, HS_MMIO_WINDOW), 0);
}

static void rig_init(Rig *r)
{
    memset(r, 0, sizeof *r);
    ipc_mailbox_init(&r->mb);
    side_init(&r->ap, &r->mb, IPC_SIDE_AP);
    side_init(&r->bb, &r->mb, IPC_SIDE_BB);
}

static void rig_free(Rig *r)
{
    bus_free(&r->ap.bus);
    bus_free(&r->bb.bus);
}

static void wr(Side *s, uint64_t off, uint64_t v, unsigned size)
{
    BusAccess acc = {.when = 5 * HS_US, .domain = 0};
    assert_true(bus_write(&s->bus, HS_MMIO_BBIPC + off, v, size, &acc));
}

static uint64_t rd(Side *s, uint64_t off)
{
    BusAccess acc = {.when = 6 * HS_US, .domain = 0};
    uint64_t v = 0;
    assert_true(bus_read(&s->bus, HS_MMIO_BBIPC + off, 4, &acc, &v));
    return v;
}

static void send(Side *s, uint16_t type, uint32_t arg, const char *payload)
{
    uint32_t n = payload ? (uint32_t)strlen(payload) : 0;
    uint32_t len = ipc_msg_build(s->mem, 4096, type, 3, arg, payload, n);
    assert_true(len >= HS_BBMSG_HEADER_BYTES);
    wr(s, HS_BBIPC_TX_ADDR, MEM, 4); /* two 32-bit halves, as on ARMv7 */
    wr(s, HS_BBIPC_TX_ADDR + 4, 0, 4);
    wr(s, HS_BBIPC_TX_LEN, len, 4);
}

static uint32_t recv(Side *s)
{
    wr(s, HS_BBIPC_RX_ADDR, MEM + 4096, 8);
    wr(s, HS_BBIPC_RX_POP, 1, 4);
    return (uint32_t)rd(s, HS_BBIPC_RX_POP);
}

static void test_both_directions(void **state)
{
    (void)state;
    Rig r;
    rig_init(&r);
    send(&r.ap, HS_BBMSG_DIAL, 0, "+15555550100");
    assert_true(r.mb.doorbell[IPC_SIDE_BB].level);
    assert_false(r.mb.doorbell[IPC_SIDE_AP].level);
    assert_int_equal(rd(&r.bb, HS_BBIPC_RX_PENDING), 1);
    assert_int_equal(rd(&r.ap, HS_BBIPC_RX_PENDING), 0);
    uint32_t len = recv(&r.bb);
    assert_int_equal(len, HS_BBMSG_HEADER_BYTES + 12);
    const uint8_t *m = r.bb.mem + 4096;
    assert_int_equal(ipc_msg_type(m, len), HS_BBMSG_DIAL);
    assert_int_equal(ipc_msg_call(m, len), 3);
    assert_memory_equal(m + HS_BBMSG_HEADER_BYTES, "+15555550100", 12);
    assert_false(r.mb.doorbell[IPC_SIDE_BB].level);
    assert_int_equal(r.mb.to[IPC_SIDE_BB].sent[0], 5 * HS_US);

    send(&r.bb, HS_BBMSG_CALL_STATE, HS_CALL_ST_FAILED, NULL);
    assert_true(r.mb.doorbell[IPC_SIDE_AP].level);
    len = recv(&r.ap);
    assert_int_equal(ipc_msg_type(r.ap.mem + 4096, len), HS_BBMSG_CALL_STATE);
    assert_int_equal(ipc_msg_arg(r.ap.mem + 4096, len), HS_CALL_ST_FAILED);
    assert_int_equal(recv(&r.ap), 0); /* empty: 0, nothing copied */
    assert_string_equal(ipc_msg_name(HS_BBMSG_MIC_OPEN), "MIC_OPEN");
    assert_string_equal(ipc_msg_name(99), "?");
    rig_free(&r);
}

static void test_bad_lengths_and_full_ring(void **state)
{
    (void)state;
    Rig r;
    rig_init(&r);
    wr(&r.ap, HS_BBIPC_TX_ADDR, MEM, 8);
    wr(&r.ap, HS_BBIPC_TX_LEN, 4, 4); /* shorter than a header */
    wr(&r.ap, HS_BBIPC_TX_LEN, HS_BBMSG_MAX_BYTES + 1, 4);
    wr(&r.ap, HS_BBIPC_TX_ADDR, MEM + sizeof r.ap.mem - 8, 8);
    wr(&r.ap, HS_BBIPC_TX_LEN, 64, 4); /* runs off the AP's memory */
    assert_int_equal(r.mb.to[IPC_SIDE_BB].dropped, 3);
    assert_int_equal(r.ap.end.dev.guest_errors, 3);
    assert_false(r.mb.doorbell[IPC_SIDE_BB].level);
    for (int i = 0; i < IPC_RING_SLOTS; i++)
        send(&r.ap, HS_BBMSG_SIGNAL, (uint32_t)i, NULL);
    send(&r.ap, HS_BBMSG_SIGNAL, 99, NULL); /* one too many */
    assert_int_equal(r.mb.to[IPC_SIDE_BB].dropped, 4);
    for (int i = 0; i < IPC_RING_SLOTS; i++) {
        uint32_t len = recv(&r.bb);
        assert_int_equal(ipc_msg_arg(r.bb.mem + 4096, len), (uint32_t)i);
    }
    assert_int_equal(recv(&r.bb), 0);
    rig_free(&r);
}

static void test_dead_baseband(void **state)
{
    (void)state;
    Rig r;
    rig_init(&r);
    ipc_mailbox_set_dead(&r.mb);
    send(&r.ap, HS_BBMSG_ANSWER, 0, NULL);
    assert_int_equal(rd(&r.bb, HS_BBIPC_RX_PENDING), 0);
    assert_int_equal(r.mb.to[IPC_SIDE_BB].dropped, 1);
    rig_free(&r);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_both_directions),
    cmocka_unit_test(test_bad_lengths_and_full_ring),
    cmocka_unit_test(test_dead_baseband),
};

HS_TEST_GROUP(ipc, tests)
