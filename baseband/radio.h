/*
 * radio.h - the air interface as the baseband firmware sees it (the
 * BB_MMIO_RADIO device), between the firmware and the network peers.
 *
 * Uplink: the firmware writes a whole IPv4 packet (BB_RADIO_TX_ADDR,
 * BB_RADIO_TX_LEN); it is checked with ip_parse (a malformed packet is a
 * guest mistake, counted and not sent), written to radio.pcap at the
 * time it is sent, pushed through the RRC model (promotion, link rate)
 * and handed to the network (BbRadioNetFunc) with the time its last bit
 * is through.
 *
 * Downlink: a peer calls bb_radio_deliver; the packet goes through the
 * RRC model (paging and promotion if idle), is written to radio.pcap and
 * queued for the firmware when its last bit arrives (BB_IRQ_RADIO, level,
 * high while packets or pages wait). Pages (bb_radio_page) arrive at the
 * next paging occasion when idle, at once when connected.
 *
 * Attribution: a packet the AP sent (DATA_TX) carries the tag the AP's
 * driver put on it, its domain + 1; the radio books the packet's energy
 * to that domain and remembers its source port, so replies to that port
 * are booked to it too. The baseband's own traffic (SIP, RTP, uploads)
 * is booked to nobody.
 *
 * A dead radio (bb_radio_set_dead) sends and receives nothing.
 */
#ifndef HS_BASEBAND_RADIO_H
#define HS_BASEBAND_RADIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "baseband/port_map.h"
#include "baseband/rrc.h"
#include "bus/bus.h"
#include "bus/dma.h"
#include "sim/sim.h"

/* Downlink packets in flight to or waiting at the phone's radio; a
 * packet that finds it full is dropped (bb_radio_deliver). Estimate: 64
 * packets, about 96 KiB of 1500-byte packets, the order of a 64 KiB TCP
 * window plus signalling; cell-side buffers are configured per network. */
#define BB_RADIO_RXQ 64
#define BB_RADIO_PAGES 8
#define BB_RADIO_MAX_PKT 2048

/* An observer of every packet crossing the air (radio.pcap): the packet
 * at the time it is sent. Returns 0, or -1 with a message in err (the
 * first is kept in BbRadio.tap_error; the run goes on). */
typedef int (*BbRadioTapFunc)(void *ctx, hs_time when, const uint8_t *pkt,
                              size_t len, char *err, size_t err_size);

/* An uplink packet leaving the phone: handed to the radio at sent, its
 * last bit through the air at through. */
typedef void (*BbRadioNetFunc)(void *ctx, const uint8_t *pkt, size_t len,
                               hs_time sent, hs_time through);

typedef struct BbRadioPkt {
    uint8_t bytes[BB_RADIO_MAX_PKT]; /* the packet */
    uint32_t len;                    /* its length */
    hs_time ready;                   /* when it reaches the firmware */
} BbRadioPkt;

typedef struct BbRadio {
    Device dev;                      /* base: must stay first */
    Sim *sim;                        /* set by realize */
    Rrc *rrc;                        /* the RRC model (not owned) */
    const GuestDma *dma;             /* the baseband's memory */
    BbRadioTapFunc tap;              /* the air's observer, may be NULL */
    void *tap_ctx;                   /* its context */
    BbRadioNetFunc net;              /* the network side, may be NULL */
    void *net_ctx;                   /* its context */
    uint32_t tx_addr, rx_addr;       /* registers */
    uint32_t tx_tag;                 /* BB_RADIO_TX_TAG for the next packet */
    BbPortMap ports;                 /* local ports seen with a tag */
    BbRadioPkt rxq[BB_RADIO_RXQ];    /* downlink in flight or waiting */
    unsigned rx_head, rx_count;      /* all in flight or waiting */
    unsigned rx_ready;               /* of those, arrived (at the head) */
    uint32_t pages[BB_RADIO_PAGES];  /* call ids of pages waiting */
    hs_time page_at[BB_RADIO_PAGES]; /* when each is heard */
    unsigned page_head, page_count, pages_ready;
    uint32_t signal_bars; /* BB_RADIO_SIGNAL */
    bool dead;            /* the radio is off */
    SimEvent rx_event;    /* next downlink arrival */
    SimEvent page_event;  /* next page heard */
    IrqLine irq;          /* BB_IRQ_RADIO */
    uint64_t tx_packets, rx_packets, tx_bytes, rx_bytes;
    uint64_t bad_packets; /* malformed uplink packets */
    uint64_t dropped;     /* full queues or dead radio */
    char tap_error[160];  /* first tap error, if any */
} BbRadio;

void bb_radio_init(BbRadio *r, const char *name, Rrc *rrc, const GuestDma *dma,
                   BbRadioTapFunc tap, void *tap_ctx);
void bb_radio_set_net(BbRadio *r, BbRadioNetFunc fn, void *ctx);
/* A downlink packet from the network reaching the cell at when.
 * Returns 0, or -1 if dropped (dead radio, full queue, too long). */
int bb_radio_deliver(BbRadio *r, const uint8_t *pkt, size_t len, hs_time when);
/* The network pages the phone for call_id (non-zero) at when. */
int bb_radio_page(BbRadio *r, uint32_t call_id, hs_time when);
void bb_radio_set_dead(BbRadio *r, hs_time when);

extern const DeviceOps bb_radio_ops;

#endif /* HS_BASEBAND_RADIO_H */
