/*
 * call.c - call control in the firmware.
 *
 * Calls are not built yet: DIAL and ANSWER are refused with
 * CALL_STATE(FAILED), so the AP is told at run time, and pages are
 * counted and ignored.
 */
#include "fw.h"

static uint32_t pages;

void call_on_ap_message(const uint8_t *msg, uint32_t len)
{
    (void)len;
    uint32_t type = msg[HS_BBMSG_OFF_TYPE];
    uint32_t call = fw_le32(msg + HS_BBMSG_OFF_CALL);
    if (type == HS_BBMSG_DIAL || type == HS_BBMSG_ANSWER)
        mbox_send(HS_BBMSG_CALL_STATE, call, HS_CALL_ST_FAILED, 0, 0);
    else if (type == HS_BBMSG_HANGUP)
        mbox_send(HS_BBMSG_CALL_STATE, call, HS_CALL_ST_IDLE, 0, 0);
    else
        fw_log(BB_LOG_BAD_MSG);
}

void call_on_page(uint32_t call_id)
{
    (void)call_id;
    pages++;
}

int call_on_packet(const uint8_t *pkt, uint32_t len)
{
    (void)pkt;
    (void)len;
    return 0;
}
