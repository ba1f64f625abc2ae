/*
 * user.c - the simulated user of a call: the answer tap after a
 * user.answer_delay sample, the ring timeout, and the call policy that
 * decides whether a ringing domain is brought to the front (modem.h).
 * Bringing it to the front is the approach's switch between domains,
 * the same as a switch-domain event (phone_display_switch): the user
 * taps answer only after the called domain's first frame is on the
 * panel.
 */
#include "phone/modem_int.h"

#include "phone/display.h"

void modem_tap(Modem *mo, uint32_t call)
{
    machine_inject(mo->m, mo->call.domain, HS_EV_CALL, call, PHONE_IO_ADDR);
}

void modem_tap_fire(Sim *sim, void *ctx, hs_time now)
{
    (void)sim;
    Modem *mo = ctx;
    if (!mo->call.on || mo->call.answered)
        return;
    mo->call.answered = true;
    mo->call.answered_at = now;
    mo->stats.answers++;
    modem_tap(mo, HS_CALL_PHONE_ANSWER);
}

void modem_timeout_fire(Sim *sim, void *ctx, hs_time now)
{
    (void)sim;
    (void)now;
    Modem *mo = ctx;
    if (!mo->call.on || mo->call.answered || mo->call.active)
        return;
    sim_cancel(mo->sim, &mo->tap_ev);
    if (mo->call.dialed)
        mo->stats.dials_given_up++; /* the user gives up: CANCEL */
    else
        mo->stats.timeouts++;
    modem_tap(mo, HS_CALL_PHONE_HANGUP);
}

/* The answer tap, a user.answer_delay sample after `seen`. */
static void tap_after(Modem *mo, hs_time seen)
{
    hs_time delay =
        modem_dist_sample(&mo->env->sc->user.answer_delay, mo->answer_rng);
    hs_time now = sim_now(mo->sim);
    sim_schedule_at(mo->sim, &mo->tap_ev, (seen > now ? seen : now) + delay);
}

/* The called domain's first frame after the switch is on the panel. */
static void switched_shown(void *ctx, hs_time shown)
{
    Modem *mo = ctx;
    if (mo->call.on && !mo->call.answered)
        tap_after(mo, shown);
}

/* No screen in use: the switch's hops are done, the domain is in front. */
static void switched_hops(void *ctx, hs_time done, bool ok)
{
    Modem *mo = ctx;
    if (!ok || !mo->call.on || mo->call.answered)
        return;
    machine_set_foreground(mo->m, mo->call.domain);
    tap_after(mo, done);
}

static void policy_fire(Sim *sim, void *ctx, hs_time now)
{
    (void)sim;
    Modem *mo = ctx;
    const Scenario *sc = mo->env->sc;
    if (!mo->call.on || mo->call.answered)
        return;
    /* The ringing call is shown to the user: the phone domain's ui draws
     * the call card and its frame takes the approach's display path
     * (call.notify: the INVITE leaving the IMS core -> the card on the
     * panel, so the radio, the RIL and the wait for the phone app's turn
     * are in it). A rejected call is never shown; a phone without a
     * screen in use shows nothing. */
    void *disp =
        mo->env->part ? mo->env->part(mo->env->part_ctx, "display") : NULL;
    if (disp && sc->call_policy != SCENARIO_CALL_REJECT &&
        scenario_domain_app(sc, mo->call.domain, SCENARIO_APP_UI)) {
        /* fails only for a domain without ui, excluded above */
        char err[256];
        if (phone_display_notify(disp, mo->call.domain, "call.notify",
                                 mo->call.invite_at, now, err, sizeof err) < 0)
            mo->stats.notify_failed++;
    }
    bool front = machine_foreground(mo->m) == mo->call.domain;
    if (sc->call_policy == SCENARIO_CALL_SWITCH_AND_ANSWER && !front) {
        /* The switch runs first; the tap follows its end. A switch that
         * cannot start (another one is under way: counted by the
         * display) leaves the call ringing behind until its timeout. */
        mo->stats.switches++;
        char err[256];
        if (disp && scenario_domain_app(sc, mo->call.domain, SCENARIO_APP_UI))
            (void)phone_display_switch(disp, mo->call.domain, now,
                                       switched_shown, mo, err, sizeof err);
        else if (machine_switch_domain(mo->m, mo->call.domain, 0, now,
                                       switched_hops, mo, NULL, NULL) < 0)
            mo->stats.notify_failed++;
        return;
    }
    if (sc->call_policy == SCENARIO_CALL_REJECT || !front)
        return; /* rejected by the app, or ringing in the background */
    tap_after(mo, now);
}

void modem_ring_seen(Modem *mo, hs_time when)
{
    if (!mo->call.on || mo->call.rang)
        return;
    mo->call.rang = true;
    mo->stats.rings++;
    modem_latency(mo, "call.ring", when - mo->call.invite_at);
    hs_time now = sim_now(mo->sim);
    sim_call_at(mo->sim, when > now ? when : now, "modem.policy", policy_fire,
                mo, 0);
}
