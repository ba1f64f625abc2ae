/*
 * radio.c - the air interface device (see radio.h).
 */
#include "baseband/radio.h"

#include <string.h>

#include "baseband/firmware/bb_abi.h"
#include "net/ip.h"

static void update_irq(BbRadio *r)
{
    irq_set(&r->irq, r->rx_ready > 0 || r->pages_ready > 0);
}

static void capture(BbRadio *r, const uint8_t *pkt, size_t len, hs_time when)
{
    if (!r->tap)
        return;
    char err[160];
    if (r->tap(r->tap_ctx, when, pkt, len, err, sizeof err) < 0 &&
        !r->tap_error[0])
        memcpy(r->tap_error, err, sizeof r->tap_error);
}

static void arm_rx(BbRadio *r)
{
    if (r->rx_ready < r->rx_count) {
        const BbRadioPkt *p =
            &r->rxq[(r->rx_head + r->rx_ready) % BB_RADIO_RXQ];
        sim_schedule_at(r->sim, &r->rx_event, p->ready);
    }
}

static void on_rx(Sim *sim, void *ctx, hs_time now)
{
    BbRadio *r = ctx;
    (void)sim;
    while (r->rx_ready < r->rx_count &&
           r->rxq[(r->rx_head + r->rx_ready) % BB_RADIO_RXQ].ready <= now)
        r->rx_ready++;
    update_irq(r);
    arm_rx(r);
}

static void arm_page(BbRadio *r)
{
    if (r->pages_ready < r->page_count)
        sim_schedule_at(
            r->sim, &r->page_event,
            r->page_at[(r->page_head + r->pages_ready) % BB_RADIO_PAGES]);
}

static void on_page(Sim *sim, void *ctx, hs_time now)
{
    BbRadio *r = ctx;
    (void)sim;
    while (r->pages_ready < r->page_count &&
           r->page_at[(r->page_head + r->pages_ready) % BB_RADIO_PAGES] <= now)
        r->pages_ready++;
    update_irq(r);
    arm_page(r);
}

void bb_radio_init(BbRadio *r, const char *name, Rrc *rrc, const GuestDma *dma,
                   BbRadioTapFunc tap, void *tap_ctx)
{
    memset(r, 0, sizeof *r);
    device_init(&r->dev, &bb_radio_ops, name);
    r->rrc = rrc;
    r->dma = dma;
    r->tap = tap;
    r->tap_ctx = tap_ctx;
    r->signal_bars = 4;
    r->sim = rrc->sim;
    sim_event_init(&r->rx_event, "radio-rx", on_rx, r, 0);
    sim_event_init(&r->page_event, "radio-page", on_page, r, 0);
}

void bb_radio_set_net(BbRadio *r, BbRadioNetFunc fn, void *ctx)
{
    r->net = fn;
    r->net_ctx = ctx;
}

static int port_domain(BbRadio *r, const uint8_t *pkt, size_t len)
{
    IpPacketView v;
    char err[96];
    int domain = POWER_UNATTRIBUTED;
    if (ip_parse(pkt, len, &v, err, sizeof err) == 0)
        bb_port_map_find(&r->ports, v.dst_port, &domain);
    return domain;
}

int bb_radio_deliver(BbRadio *r, const uint8_t *pkt, size_t len, hs_time when)
{
    if (r->dead || len == 0 || len > BB_RADIO_MAX_PKT ||
        r->rx_count == BB_RADIO_RXQ) {
        r->dropped++;
        return -1;
    }
    hs_time through =
        rrc_transfer(r->rrc, when, len, RRC_DOWN, port_domain(r, pkt, len));
    if (through == HS_TIME_MAX) {
        r->dropped++;
        return -1;
    }
    BbRadioPkt *p = &r->rxq[(r->rx_head + r->rx_count) % BB_RADIO_RXQ];
    memcpy(p->bytes, pkt, len);
    p->len = (uint32_t)len;
    p->ready = through;
    r->rx_count++;
    r->rx_packets++;
    r->rx_bytes += len;
    capture(r, pkt, len, through);
    if (!sim_event_pending(&r->rx_event))
        arm_rx(r);
    return 0;
}

int bb_radio_page(BbRadio *r, uint32_t call_id, hs_time when)
{
    if (r->dead || call_id == 0 || r->page_count == BB_RADIO_PAGES) {
        r->dropped++;
        return -1;
    }
    hs_time at = rrc_connected(r->rrc) ? when : rrc_next_paging(r->rrc, when);
    unsigned i = (r->page_head + r->page_count) % BB_RADIO_PAGES;
    r->pages[i] = call_id;
    r->page_at[i] = at;
    r->page_count++;
    if (!sim_event_pending(&r->page_event))
        arm_page(r);
    return 0;
}

void bb_radio_set_dead(BbRadio *r, hs_time when)
{
    r->dead = true;
    r->rx_count = r->rx_ready = 0;
    r->page_count = r->pages_ready = 0;
    sim_cancel(r->sim, &r->rx_event);
    sim_cancel(r->sim, &r->page_event);
    rrc_set_dead(r->rrc, when);
    update_irq(r);
}

static void send_uplink(BbRadio *r, uint32_t len, const BusAccess *acc)
{
    uint8_t pkt[BB_RADIO_MAX_PKT];
    IpPacketView v;
    char err[128];
    if (len == 0 || len > sizeof pkt ||
        dma_read(r->dma, acc->domain, r->tx_addr, pkt, len) < 0 ||
        ip_parse(pkt, len, &v, err, sizeof err) < 0) {
        r->bad_packets++;
        device_guest_error(&r->dev, "uplink packet of %u bytes refused", len);
        return;
    }
    if (r->dead) {
        r->dropped++;
        return;
    }
    uint32_t tag = r->tx_tag;
    r->tx_tag = 0;
    int domain = POWER_UNATTRIBUTED;
    if (tag > 0 && tag <= POWER_MAX_DOMAINS) {
        domain = (int)tag - 1;
        bb_port_map_learn(&r->ports, v.src_port, domain);
    }
    hs_time through = rrc_transfer(r->rrc, acc->when, len, RRC_UP, domain);
    if (through == HS_TIME_MAX) {
        r->dropped++;
        return;
    }
    r->tx_packets++;
    r->tx_bytes += len;
    capture(r, pkt, len, acc->when);
    if (r->net)
        r->net(r->net_ctx, pkt, len, acc->when, through);
}

static uint64_t radio_read(Device *dev, uint64_t off, unsigned size,
                           const BusAccess *acc)
{
    BbRadio *r = (BbRadio *)dev;
    (void)size;
    switch (off) {
    case BB_RADIO_TX_ADDR:
        return r->tx_addr;
    case BB_RADIO_RX_ADDR:
        return r->rx_addr;
    case BB_RADIO_RX_POP: { /* copy the next arrived packet */
        if (r->rx_ready == 0)
            return 0;
        BbRadioPkt *p = &r->rxq[r->rx_head];
        uint32_t len = p->len;
        if (dma_write(r->dma, acc->domain, r->rx_addr, p->bytes, len) < 0) {
            device_guest_error(dev, "RX_ADDR 0x%x cannot hold %u bytes",
                               r->rx_addr, len);
            len = 0;
        }
        r->rx_head = (r->rx_head + 1) % BB_RADIO_RXQ;
        r->rx_count--;
        r->rx_ready--;
        update_irq(r);
        return len;
    }
    case BB_RADIO_STATUS:
        return (r->rx_ready ? BB_RADIO_ST_RX : 0) |
               (r->pages_ready ? BB_RADIO_ST_PAGE : 0);
    case BB_RADIO_PAGE_POP: {
        if (r->pages_ready == 0)
            return 0;
        uint32_t id = r->pages[r->page_head];
        r->page_head = (r->page_head + 1) % BB_RADIO_PAGES;
        r->page_count--;
        r->pages_ready--;
        update_irq(r);
        return id;
    }
    case BB_RADIO_SIGNAL:
        return r->dead ? 0 : r->signal_bars;
    case BB_RADIO_DEAD:
        return r->dead ? 1 : 0;
    default:
        device_guest_error(dev, "read of unknown offset 0x%llx",
                           (unsigned long long)off);
        return 0;
    }
}

static void radio_write(Device *dev, uint64_t off, uint64_t value,
                        unsigned size, const BusAccess *acc)
{
    BbRadio *r = (BbRadio *)dev;
    (void)size;
    switch (off) {
    case BB_RADIO_TX_ADDR:
        r->tx_addr = (uint32_t)value;
        break;
    case BB_RADIO_TX_LEN:
        send_uplink(r, (uint32_t)value, acc);
        break;
    case BB_RADIO_RX_ADDR:
        r->rx_addr = (uint32_t)value;
        break;
    case BB_RADIO_TX_TAG:
        r->tx_tag = (uint32_t)value;
        break;
    default:
        device_guest_error(dev, "write of unknown offset 0x%llx",
                           (unsigned long long)off);
        break;
    }
}

const DeviceOps bb_radio_ops = {
    .type = "bb-radio",
    .read = radio_read,
    .write = radio_write,
};
