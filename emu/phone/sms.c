/*
 * sms.c - short messages: the IMS core sends one per sms rule, the
 * addressee's phone app takes it, and its card is drawn on the panel
 * (modem.h).
 */
#include "phone/modem_int.h"

#include "phone/display.h"

/* The addressee's ui draws the message's card; its frame takes the
 * approach's display path (sms.shown: the MESSAGE leaving the IMS core
 * -> the card on the panel, like sms.notify measured from the world, not
 * from the phone app's take). Out of the MMIO access that saw the take,
 * at Sim time. */
static void sms_card_fire(Sim *sim, void *ctx, hs_time now)
{
    (void)sim;
    Modem *mo = ctx;
    void *disp =
        mo->env->part ? mo->env->part(mo->env->part_ctx, "display") : NULL;
    for (size_t d = 0; d < mo->n_dom && d < MACHINE_MAX_DOMAINS; d++) {
        if (!mo->sms_card[d])
            continue;
        mo->sms_card[d] = false;
        char err[256];
        if (disp &&
            phone_display_notify(disp, (int)d, "sms.shown", mo->sms_since[d],
                                 now, err, sizeof err) < 0)
            mo->stats.notify_failed++;
    }
}

/* The phone app has an SMS: the notification is up. */
void modem_sms_seen(Modem *mo, int domain, uint32_t mr, hs_time when)
{
    const BbPeerSms *m = peers_sms_sent(&mo->peers, (uint8_t)mr);
    if (mr > 255 || !m || !mo->sms_wait[mr])
        return;
    mo->sms_wait[mr] = false;
    mo->stats.sms_notified++;
    modem_latency(mo, "sms.notify", when > m->sent_at ? when - m->sent_at : 0);
    if (domain >= 0 && domain < MACHINE_MAX_DOMAINS &&
        scenario_domain_app(mo->env->sc, domain, SCENARIO_APP_UI)) {
        /* cards waiting together: the oldest message starts the clock */
        if (!mo->sms_card[domain] || m->sent_at < mo->sms_since[domain])
            mo->sms_since[domain] = m->sent_at;
        mo->sms_card[domain] = true;
        hs_time now = sim_now(mo->sim);
        sim_call_at(mo->sim, when > now ? when : now, "modem.sms-card",
                    sms_card_fire, mo, 0);
    }
}

/* A short message for the rule's domain from its ims peer's core. */
int modem_sms_action(Modem *mo, const ScenarioEvent *ev, char *err,
                     size_t err_size)
{
    int dom = modem_machine_domain_of(mo, ev->domain);
    if (dom < 0) {
        snprintf(err, err_size, "modem: sms: no such domain");
        return -1;
    }
    char user[32];
    snprintf(user, sizeof user, MODEM_SMS_USER, dom);
    hs_time delay = modem_one_way_delay(
        mo, modem_peer_of(mo->env->sc, ev->peer, SCENARIO_PEER_IMS));
    int mr =
        peers_sms(&mo->peers, user, (uint32_t)ev->bytes, delay, err, err_size);
    if (mr < 0)
        return -1;
    mo->sms_wait[mr] = true;
    mo->stats.sms++;
    return 0;
}
