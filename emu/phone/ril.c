/*
 * ril.c - the AP's modem driver (the RIL path): it owns the mailbox's AP
 * doorbell, forwards each message along the approach's I/O path to the
 * domain's RIL mailbox window and back, and demultiplexes the radio's
 * uplink between the call peers and the data bearer (modem.h).
 */
#include "phone/modem_int.h"

/* ---- the RIL path -------------------------------------------------------- */

static ModemSlot *slot_new(Modem *mo)
{
    for (size_t i = 0; i < MODEM_SLOTS; i++)
        if (!mo->slots[i].used) {
            mo->slots[i].used = true;
            mo->slots[i].mo = mo;
            return &mo->slots[i];
        }
    return NULL;
}

static void slot_fire(Sim *sim, void *ctx, hs_time now)
{
    (void)sim;
    ModemSlot *s = ctx;
    Modem *mo = s->mo;
    s->used = false;
    if (!s->down) {
        if (ipc_send(&mo->mb, IPC_SIDE_AP, s->msg, s->len, now) < 0)
            mo->stats.ril_dropped++;
        return;
    }
    /* call messages are for the phone domain of the moment (it may have
     * changed on the way); a short message for its addressee */
    bool sms = ipc_msg_type(s->msg, s->len) == HS_BBMSG_SMS;
    if ((!sms && s->domain != mo->phone_dom) ||
        ipc_send(&mo->ril[s->domain], IPC_SIDE_BB, s->msg, s->len, now) < 0) {
        mo->stats.ril_dropped++;
        return;
    }
    mo->stats.ril_down++;
    machine_raise_irq(mo->m, s->domain, 1u << HS_IRQ_BBIPC);
}

/* The message went through the path's last hop. */
static void forward_done(void *ctx, hs_time done, bool ok)
{
    ModemSlot *s = ctx;
    if (!ok) { /* a VM on the path died with it */
        s->used = false;
        s->mo->stats.ril_dropped++;
        return;
    }
    slot_fire(s->mo->sim, s, done);
}

/* Moves a message along the approach's path between the driver and
 * domain (machine_io: each hop waits for whoever does it): it arrives
 * when the last hop is done. */
static void forward(Modem *mo, bool down, int domain, const uint8_t *msg,
                    uint32_t len, hs_time when)
{
    ModemSlot *s = domain >= 0 ? slot_new(mo) : NULL;
    if (!s) {
        mo->stats.ril_dropped++;
        return;
    }
    s->down = down;
    s->domain = domain;
    s->len = len;
    memcpy(s->msg, msg, len);
    if (machine_io(mo->m, domain, VIRT_IO_NET,
                   down ? MACHINE_IO_IN : MACHINE_IO_OUT, len, when,
                   forward_done, s, NULL, NULL) < 0) {
        s->used = false;
        mo->stats.ril_dropped++;
    }
}

/* The driver's view of the call: the state messages it forwards. */
static void watch_state(Modem *mo, const uint8_t *msg, uint32_t len,
                        hs_time when)
{
    if (ipc_msg_type(msg, len) != HS_BBMSG_CALL_STATE || !mo->call.on)
        return;
    uint32_t st = ipc_msg_arg(msg, len);
    if (st == HS_CALL_ST_ACTIVE && !mo->call.active) {
        modem_call_active(mo, when);
    } else if (st == HS_CALL_ST_IDLE || st == HS_CALL_ST_FAILED) {
        modem_call_idle(mo, when);
    }
}

/* The domain whose public user identity is user (MODEM_SMS_USER), or -1. */
static int domain_of_user(const Modem *mo, const char *user)
{
    char mine[32];
    for (size_t d = 0; d < mo->n_dom; d++) {
        snprintf(mine, sizeof mine, MODEM_SMS_USER, (int)d);
        if (strcmp(mine, user) == 0)
            return (int)d;
    }
    return -1;
}

/* The addressee of an SMS message: the second string of its payload. */
static int sms_domain(const Modem *mo, const uint8_t *msg, uint32_t len)
{
    uint32_t n = ipc_msg_payload_bytes(msg, len);
    if (n > len - HS_BBMSG_HEADER_BYTES)
        return -1;
    const char *p = (const char *)msg + HS_BBMSG_HEADER_BYTES;
    const char *to = memchr(p, 0, n);
    if (!to || !memchr(to + 1, 0, n - (uint32_t)(to + 1 - p)))
        return -1;
    return domain_of_user(mo, to + 1);
}

/* A message from the baseband that is not data (BbRilFunc): a short
 * message goes to its addressee, the rest to the phone domain. */
void modem_ril_from_bb(void *ctx, const uint8_t *msg, uint32_t len,
                       hs_time when)
{
    Modem *mo = ctx;
    if (ipc_msg_type(msg, len) == HS_BBMSG_SMS) {
        int dom = sms_domain(mo, msg, len);
        if (dom < 0)
            mo->stats.sms_unrouted++;
        else
            forward(mo, true, dom, msg, len, when);
        return;
    }
    watch_state(mo, msg, len, when);
    forward(mo, true, mo->phone_dom, msg, len, when);
}

/* The AP doorbell while no data bearer is plugged in. */
void modem_rx_fire(Sim *sim, void *ctx, hs_time now)
{
    (void)sim;
    Modem *mo = ctx;
    uint8_t msg[HS_BBMSG_MAX_BYTES];
    uint32_t len;
    while ((len = ipc_recv(&mo->mb, IPC_SIDE_AP, msg)) != 0) {
        if (ipc_msg_type(msg, len) == HS_BBMSG_DATA_RX)
            mo->stats.data_unserved++;
        else
            modem_ril_from_bb(mo, msg, len, now);
    }
}

void modem_on_ap_doorbell(void *ctx, int line, bool level)
{
    Modem *mo = ctx;
    (void)line;
    if (level && !sim_event_pending(&mo->rx_ev))
        sim_schedule_at(mo->sim, &mo->rx_ev, sim_now(mo->sim));
}

/* What the phone app sent: on to the baseband. Only the phone domain
 * controls calls: what another domain sends is dropped (counted). */
void modem_up_fire(Sim *sim, void *ctx, hs_time now)
{
    (void)sim;
    Modem *mo = ctx;
    uint8_t msg[HS_BBMSG_MAX_BYTES];
    for (size_t d = 0; d < mo->n_dom; d++) {
        IpcRing *r = &mo->ril[d].to[IPC_SIDE_BB];
        while (r->count > 0) {
            hs_time sent = r->sent[r->head];
            uint32_t len = ipc_recv(&mo->ril[d], IPC_SIDE_BB, msg);
            if ((int)d != mo->phone_dom) {
                mo->stats.foreign_access++;
                continue;
            }
            mo->stats.ril_up++;
            forward(mo, false, (int)d, msg, len, sent > now ? sent : now);
        }
    }
}

void modem_on_up_doorbell(void *ctx, int line, bool level)
{
    Modem *mo = ctx;
    (void)line;
    if (level && !sim_event_pending(&mo->up_ev))
        sim_schedule_at(mo->sim, &mo->up_ev, sim_now(mo->sim));
}

/* A domain took a message from its RIL mailbox (the machine's bbipc
 * window): the call or the message is visible. */
void modem_on_pop(void *ctx, int domain, uint16_t type, uint32_t arg,
                  hs_time when)
{
    Modem *mo = ctx;
    if (type == HS_BBMSG_RING && domain == mo->phone_dom)
        modem_ring_seen(mo, when);
    else if (type == HS_BBMSG_CALL_STATE && arg == HS_CALL_ST_ALERTING &&
             domain == mo->phone_dom)
        modem_alerting_seen(mo, when);
    else if (type == HS_BBMSG_SMS)
        modem_sms_seen(mo, domain, arg, when);
}

int modem_set_phone(Modem *mo, int domain, uint32_t answer)
{
    uint32_t route = HS_AUDIO_ROUTE_BB;
    if (mo->dma.write(mo->dma.ctx, domain,
                      PHONE_IO_ADDR + offsetof(PhoneIo, answer), &answer,
                      sizeof answer) < 0 ||
        mo->dma.write(mo->dma.ctx, domain,
                      PHONE_IO_ADDR + offsetof(PhoneIo, route), &route,
                      sizeof route) < 0)
        return -1;
    return 0;
}

/* ---- modem_uplink demultiplexing
 * -------------------------------------------------
 */

void modem_uplink(void *ctx, const uint8_t *pkt, size_t len, hs_time sent,
                  hs_time through)
{
    Modem *mo = ctx;
    peers_uplink(&mo->peers, pkt, len, sent, through);
    if (mo->data_up)
        mo->data_up(mo->data_up_ctx, pkt, len, sent, through);
}
