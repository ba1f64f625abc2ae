/*
 * main.c - the firmware's event loop body: boot, then one pass over the
 * interrupt lines the host reports high (mailbox, radio, microphone).
 *
 * Each entry runs to completion: the host enters hs_entry with
 * HS_EV_IRQ and the mask of BB_IRQ_* lines, and enters again while a
 * line stays high, so a handler that leaves work behind is called back.
 */
#include "fw.h"

static uint8_t msg_buf[HS_BBMSG_MAX_BYTES];
static uint8_t rx_buf[HS_BBMSG_MAX_BYTES];
static uint32_t booted;

const BbConfigBlock *fw_config(void)
{
    return (const BbConfigBlock *)(uintptr_t)BB_CONFIG;
}

uint64_t fw_now_ns(void)
{
    uint32_t lo = fw_rd(BB_MMIO_SYS + BB_SYS_NOW_LO);
    uint32_t hi = fw_rd(BB_MMIO_SYS + BB_SYS_NOW_HI);
    return (uint64_t)hi << 32 | lo;
}

void fw_log(uint32_t value)
{
    fw_wr(BB_MMIO_SYS + BB_SYS_LOG, value);
}

static void boot(void)
{
    if (fw_config()->magic != BB_CONFIG_MAGIC)
        fw_log(BB_LOG_BAD_CONFIG);
    uint32_t bars = fw_rd(BB_MMIO_RADIO + BB_RADIO_SIGNAL);
    mbox_send(HS_BBMSG_SIGNAL, 0, bars, 0, 0);
    media_boot();
    booted = 1;
    fw_log(BB_LOG_BOOTED);
}

/* Messages from the AP. */
static void on_ipc(void)
{
    uint32_t len;
    while ((len = mbox_recv(msg_buf)) != 0) {
        uint32_t type = msg_buf[HS_BBMSG_OFF_TYPE] |
                        (uint32_t)msg_buf[HS_BBMSG_OFF_TYPE + 1] << 8;
        uint32_t plen = fw_le32(msg_buf + HS_BBMSG_OFF_PAYLOAD);
        if (len < HS_BBMSG_HEADER_BYTES || plen > len - HS_BBMSG_HEADER_BYTES) {
            fw_log(BB_LOG_BAD_MSG);
            continue;
        }
        const uint8_t *payload = msg_buf + HS_BBMSG_HEADER_BYTES;
        switch (type) {
        case HS_BBMSG_MIC_OPEN:
            media_mic_open();
            break;
        case HS_BBMSG_MIC_CLOSE:
            media_mic_close();
            break;
        case HS_BBMSG_VOICE_UP:
            media_voice_up(payload, plen);
            break;
        case HS_BBMSG_DATA_TX:
            net_send_raw(payload, plen, fw_le32(msg_buf + HS_BBMSG_OFF_ARG));
            break;
        default:
            call_on_ap_message(msg_buf, len);
            break;
        }
    }
}

/* Pages and downlink packets from the network. */
static void on_radio(void)
{
    uint32_t st;
    while ((st = fw_rd(BB_MMIO_RADIO + BB_RADIO_STATUS)) != 0) {
        if (st & BB_RADIO_ST_PAGE) {
            call_on_page(fw_rd(BB_MMIO_RADIO + BB_RADIO_PAGE_POP));
            continue;
        }
        fw_wr(BB_MMIO_RADIO + BB_RADIO_RX_ADDR, (uint32_t)(uintptr_t)rx_buf);
        uint32_t len = fw_rd(BB_MMIO_RADIO + BB_RADIO_RX_POP);
        if (len == 0 || len > sizeof rx_buf - HS_BBMSG_HEADER_BYTES)
            continue;
        if (!call_on_packet(rx_buf, len))
            mbox_send(HS_BBMSG_DATA_RX, 0, 0, rx_buf, len);
    }
}

uint32_t fw_main(uint32_t event, uint32_t a0, uint32_t a1);
uint32_t fw_main(uint32_t event, uint32_t a0, uint32_t a1)
{
    (void)a1;
    if (event == HS_EV_BOOT) {
        boot();
        return 0;
    }
    if (event != HS_EV_IRQ || !booted)
        return 0;
    if (a0 & BB_IRQ_IPC)
        on_ipc();
    if (a0 & BB_IRQ_RADIO)
        on_radio();
    if (a0 & BB_IRQ_MIC)
        media_on_mic();
    return 0;
}
