/*
 * mbox.c - the firmware's mailbox driver (the BB end of the AP<->BB
 * mailbox; message format in platform.h and baseband/README.md).
 */
#include "fw.h"

static uint8_t tx_buf[HS_BBMSG_MAX_BYTES];

int mbox_send(uint16_t type, uint32_t call, uint32_t arg, const void *payload,
              uint32_t payload_bytes)
{
    if (payload_bytes > HS_BBMSG_MAX_BYTES - HS_BBMSG_HEADER_BYTES)
        return -1;
    fw_put_le16(tx_buf + HS_BBMSG_OFF_TYPE, type);
    fw_put_le16(tx_buf + HS_BBMSG_OFF_FLAGS, 0);
    fw_put_le32(tx_buf + HS_BBMSG_OFF_CALL, call);
    fw_put_le32(tx_buf + HS_BBMSG_OFF_ARG, arg);
    fw_put_le32(tx_buf + HS_BBMSG_OFF_PAYLOAD, payload_bytes);
    if (payload_bytes)
        memcpy(tx_buf + HS_BBMSG_HEADER_BYTES, payload, payload_bytes);
    fw_wr(BB_MMIO_IPC + HS_BBIPC_TX_ADDR, (uint32_t)(uintptr_t)tx_buf);
    fw_wr(BB_MMIO_IPC + HS_BBIPC_TX_ADDR + 4, 0);
    fw_wr(BB_MMIO_IPC + HS_BBIPC_TX_LEN, HS_BBMSG_HEADER_BYTES + payload_bytes);
    return 0;
}

uint32_t mbox_recv(uint8_t *buf)
{
    if (fw_rd(BB_MMIO_IPC + HS_BBIPC_RX_PENDING) == 0)
        return 0;
    fw_wr(BB_MMIO_IPC + HS_BBIPC_RX_ADDR, (uint32_t)(uintptr_t)buf);
    fw_wr(BB_MMIO_IPC + HS_BBIPC_RX_ADDR + 4, 0);
    fw_wr(BB_MMIO_IPC + HS_BBIPC_RX_POP, 1);
    return fw_rd(BB_MMIO_IPC + HS_BBIPC_RX_POP);
}
