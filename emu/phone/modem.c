/*
 * modem.c - the cellular side of a run: the mailboxes and baseband
 * around the machine's mic, audio router and RIL window, the call (placing it,
 * its audio measurements), hostile-mic commands, the results (modem.h). The
 * AP's modem driver is ril.c, the user of a call user.c, short messages
 * sms.c.
 */
#include "phone/modem_int.h"

#include <math.h>

#include "phone/display.h"

/* ---- helpers ------------------------------------------------------------ */

hs_time modem_dist_sample(const ScenarioDist *d, SimRng *rng)
{
    double v;
    switch (d->kind) {
    case SCENARIO_DIST_UNIFORM:
        return (hs_time)(d->a + (int64_t)sim_rng_below(
                                    rng, (uint64_t)(d->b - d->a) + 1));
    case SCENARIO_DIST_EXPONENTIAL:
        v = sim_rng_exponential(rng, (double)d->a);
        break;
    case SCENARIO_DIST_LOGNORMAL:
        v = sim_rng_lognormal(rng, log((double)d->a), d->sigma_ppm / 1e6);
        break;
    default:
        return d->a > 0 ? (hs_time)d->a : 0;
    }
    return v > 0 ? (hs_time)v : 0;
}

void modem_latency(Modem *mo, const char *name, hs_time sample)
{
    mo->env->latency(mo->env->latency_ctx, name, sample);
}

int modem_machine_domain_of(Modem *mo, int scenario_domain)
{
    if (scenario_domain < 0 ||
        (size_t)scenario_domain >= mo->env->sc->n_domains)
        return -1;
    return machine_domain_find(mo->m,
                               mo->env->sc->domains[scenario_domain].name);
}

/* The ims (or other) peer a rule names, or the only one of that kind. */
int modem_peer_of(const Scenario *sc, int peer, ScenarioPeerKind kind)
{
    if (peer >= 0)
        return peer;
    for (size_t i = 0; i < sc->n_peers; i++)
        if (sc->peers[i].kind == kind)
            return (int)i;
    return -1;
}

/* Half a round-trip sample of peer i from its own stream. */
hs_time modem_one_way_delay(Modem *mo, int i)
{
    if (i < 0 || !mo->env->sc->peers[i].rtt.present)
        return BB_PEERS_CORE_DELAY_PS;
    char name[48];
    snprintf(name, sizeof name, "peers[%d].rtt", i);
    hs_time rtt =
        modem_dist_sample(&mo->env->sc->peers[i].rtt, sim_rng(mo->sim, name));
    return rtt / 2 > 0 ? rtt / 2 : 1;
}

/* ---- audio measurements ---------------------------------------------------
 */

void modem_played(Modem *mo, hs_time when)
{
    ModemCall *c = &mo->call;
    hs_time from = c->dialed ? c->dialed_at : c->answered_at;
    mo->stats.voice_down++;
    if (!(c->answered || c->dialed) || c->a2a_done || when < from)
        return;
    c->a2a_done = true;
    modem_latency(mo, c->dialed ? "call.dial_to_audio" : "call.answer_to_audio",
                  when - from);
}

/* Downlink frames the firmware played (baseband-direct): the first after
 * the answer (incoming) or the dial (outgoing) is the call's audio
 * latency. */
static void scan_playout(Modem *mo)
{
    size_t n;
    const BbLogEntry *log = bb_log(mo->bb, &n);
    for (; mo->log_cursor < n; mo->log_cursor++) {
        const BbLogEntry *e = &log[mo->log_cursor];
        if ((e->value & 0xff000000u) == MODEM_PLAYED)
            modem_played(mo, e->when);
    }
}

static void flush_m2e(Modem *mo)
{
    BbPeers *p = &mo->peers;
    for (size_t i = 0; i < p->n_m2e; i++)
        modem_latency(mo, "call.mouth_to_ear", p->m2e_ps[i]);
    p->n_m2e = 0;
}

static void flush_fire(Sim *sim, void *ctx, hs_time now)
{
    (void)now;
    Modem *mo = ctx;
    flush_m2e(mo);
    scan_playout(mo);
    if (mo->call.on)
        sim_schedule_in(sim, &mo->flush_ev, MODEM_FLUSH_PS);
}

void modem_call_idle(Modem *mo, hs_time now)
{
    scan_playout(mo);
    flush_m2e(mo);
    if (mo->call.active)
        mo->stats.active_ps += now - mo->call.active_at;
    mo->stats.ended++;
    mo->call.on = false;
    modem_voice_stop(mo);
    sim_cancel(mo->sim, &mo->tap_ev);
    sim_cancel(mo->sim, &mo->timeout_ev);
    sim_cancel(mo->sim, &mo->flush_ev);
    sim_cancel(mo->sim, &mo->hang_ev);
}

/* A dialled call's talk is over: the user taps hang-up. */
static void hang_fire(Sim *sim, void *ctx, hs_time now)
{
    (void)sim;
    (void)now;
    Modem *mo = ctx;
    if (mo->call.on)
        modem_tap(mo, HS_CALL_PHONE_HANGUP);
}

/* CALL_STATE ACTIVE passed the driver at when. */
void modem_call_active(Modem *mo, hs_time when)
{
    mo->call.active = true;
    mo->call.active_at = when;
    if (mo->call.dialed && mo->call.talk_ps)
        sim_schedule_at(mo->sim, &mo->hang_ev, when + mo->call.talk_ps);
}

/* The phone app took ALERTING (the far end rings) of a dialled call. */
void modem_alerting_seen(Modem *mo, hs_time when)
{
    if (!mo->call.on || !mo->call.dialed || mo->call.alerted)
        return;
    mo->call.alerted = true;
    modem_latency(mo, "call.dial_to_ring", when - mo->call.dialed_at);
}

/* ---- construction ----------------------------------------------------------
 */

/* The machine's mic and audio router, and the ambient label timeline.
 * The route to the call is never filtered by a domain's level: the label
 * of the audio is checked frame by frame (modem_voice.c). */
static int take_audio(Modem *mo, char *err, size_t err_size)
{
    const Scenario *sc = mo->env->sc;
    mo->mic = (MicState *)machine_device(mo->m, "mic");
    mo->audio = (AudioState *)machine_device(mo->m, "audio");
    mo->window = (BbipcState *)machine_device(mo->m, "bbipc");
    if (!mo->mic || !mo->audio || !mo->window) {
        snprintf(err, err_size,
                 "modem: the machine has no mic, audio router or mailbox "
                 "window (the run did not power them)");
        return -1;
    }
    for (size_t i = 0; i < sc->n_ambient; i++)
        if (mic_set_label(mo->mic, (uint8_t)sc->ambient[i].label,
                          sc->ambient[i].from_ps) < 0 ||
            mic_set_label(mo->mic, 0, sc->ambient[i].to_ps) < 0) {
            snprintf(err, err_size, "modem: ambient period %zu out of order",
                     i);
            return -1;
        }
    return 0;
}

static int build_baseband(Modem *mo, char *err, size_t err_size)
{
    const Scenario *sc = mo->env->sc;
    bool implant = false;
    for (size_t i = 0; i < sc->n_events; i++)
        if (sc->events[i].action == SCENARIO_ACTION_HOSTILE_MIC_OPEN)
            implant = true;
        else if (sc->events[i].action == SCENARIO_ACTION_INCOMING_CALL)
            mo->has_calls = true;
        else if (sc->events[i].action == SCENARIO_ACTION_SMS)
            mo->has_sms = true;
        else if (sc->events[i].action == SCENARIO_ACTION_DIAL)
            mo->has_dials = true;
    BbConfig cfg = {.firmware = mo->env->firmware,
                    .wiring = mo->env->wiring,
                    .implant = implant,
                    .tap = mo->env->pcap ? pcap_writer_tap : NULL,
                    .tap_ctx = mo->env->pcap,
                    .cpu_run_uw = mo->env->soc->devices.baseband.run_uw,
                    .cpu_sleep_uw = mo->env->soc->devices.baseband.sleep_uw};
    rrc_config_from_soc(&cfg.rrc, mo->env->soc);
    mo->bb = bb_new(mo->sim, machine_meter(mo->m), &mo->mb, mo->mic, mo->audio,
                    &cfg, err, err_size);
    if (!mo->bb)
        return -1;
    bb_mic_set_monitor(bb_mic(mo->bb), mo->env->flows);
    NetCell cell = bb_cell(mo->bb);
    if (peers_init(&mo->peers, mo->sim, &cell, NULL, err, err_size) < 0)
        return -1;
    mo->peers_ready = true;
    bb_radio_set_net(bb_radio(mo->bb), modem_uplink, mo);
    return 0;
}

static void attach(Modem *mo)
{
    ipc_mailbox_init(&mo->mb);
    mo->ril = mo->window->ril;
    mo->n_dom = mo->window->n_domains;
    for (size_t d = 0; d < mo->n_dom; d++)
        irq_connect(&mo->ril[d].doorbell[IPC_SIDE_BB], modem_on_up_doorbell, mo,
                    (int)d);
    bbipc_set_pop_observer(mo->window, modem_on_pop, mo);
    irq_connect(&mo->mb.doorbell[IPC_SIDE_AP], modem_on_ap_doorbell, mo,
                HS_IRQ_BBIPC);
}

/* The phone domain before any call: the first that runs `voice`. */
static int first_phone(Modem *mo)
{
    const Scenario *sc = mo->env->sc;
    for (size_t d = 0; d < sc->n_domains; d++)
        if (scenario_domain_app(sc, (int)d, SCENARIO_APP_VOICE))
            return modem_machine_domain_of(mo, (int)d);
    return -1;
}

Modem *modem_new(const RunEnv *env, char *err, size_t err_size)
{
    Modem *mo = calloc(1, sizeof *mo);
    if (!mo) {
        snprintf(err, err_size, "modem: out of memory");
        return NULL;
    }
    mo->env = env;
    mo->m = env->m;
    mo->sim = machine_sim(env->m);
    mo->dma = machine_dma(env->m);
    mo->answer_rng = sim_rng(mo->sim, "user.answer_delay");
    sim_event_init(&mo->rx_ev, "modem.rx", modem_rx_fire, mo, 1);
    sim_event_init(&mo->up_ev, "modem.up", modem_up_fire, mo, 1);
    sim_event_init(&mo->tap_ev, "user.tap", modem_tap_fire, mo, 0);
    sim_event_init(&mo->timeout_ev, "call.no-reply", modem_timeout_fire, mo, 0);
    sim_event_init(&mo->flush_ev, "modem.flush", flush_fire, mo, 0);
    sim_event_init(&mo->hang_ev, "user.hang-up", hang_fire, mo, 0);
    if (take_audio(mo, err, err_size) < 0 ||
        (attach(mo), build_baseband(mo, err, err_size) < 0)) {
        modem_free(mo);
        return NULL;
    }
    mo->phone_dom = first_phone(mo);
    modem_voice_init(mo);
    if (bb_boot(mo->bb, sim_now(mo->sim)) < 0) {
        snprintf(err, err_size, "modem: cannot boot the baseband");
        modem_free(mo);
        return NULL;
    }
    return mo;
}

void modem_free(Modem *mo)
{
    if (!mo)
        return;
    if (mo->bearer_on)
        bearer_free(&mo->bearer);
    if (mo->peers_ready)
        peers_free(&mo->peers);
    bb_free(mo->bb);
    Sim *sim = mo->sim;
    sim_cancel(sim, &mo->rx_ev);
    sim_cancel(sim, &mo->up_ev);
    sim_cancel(sim, &mo->tap_ev);
    sim_cancel(sim, &mo->timeout_ev);
    sim_cancel(sim, &mo->flush_ev);
    sim_cancel(sim, &mo->hang_ev);
    if (mo->window)
        bbipc_set_pop_observer(mo->window, NULL, NULL);
    modem_voice_free(mo);
    free(mo);
}

/* ---- scenario actions
 * -------------------------------------------------------- */

bool modem_handles(ScenarioAction a)
{
    return a == SCENARIO_ACTION_INCOMING_CALL || a == SCENARIO_ACTION_HANG_UP ||
           a == SCENARIO_ACTION_SMS || a == SCENARIO_ACTION_HOSTILE_MIC_OPEN ||
           a == SCENARIO_ACTION_HOSTILE_MIC_CLOSE || a == SCENARIO_ACTION_DIAL;
}

/* A call is under way (the driver's or the network's view). */
static bool call_busy(const Modem *mo)
{
    return mo->call.on || (mo->peers.state != BB_PEER_NONE &&
                           mo->peers.state != BB_PEER_ENDED);
}

static int incoming_call(Modem *mo, const ScenarioEvent *ev, hs_time now,
                         char *err, size_t err_size)
{
    const Scenario *sc = mo->env->sc;
    int dom = modem_machine_domain_of(mo, ev->domain);
    if (dom < 0) {
        snprintf(err, err_size, "modem: incoming-call: no such domain");
        return -1;
    }
    if (call_busy(mo)) {
        mo->stats.calls_busy++; /* one call at a time, as the firmware */
        return 0;
    }
    uint32_t answer = sc->call_policy == SCENARIO_CALL_REJECT
                          ? PHONE_ANSWER_REJECT
                          : PHONE_ANSWER_USER;
    if (modem_set_phone(mo, dom, answer) < 0) {
        snprintf(err, err_size, "modem: cannot reach the phone app's I/O area");
        return -1;
    }
    mo->phone_dom = dom;
    mo->peers.cfg.core_delay_ps =
        modem_one_way_delay(mo, modem_peer_of(sc, ev->peer, SCENARIO_PEER_IMS));
    if (peers_call(&mo->peers, now, ev->talk_ps, err, err_size) < 0)
        return -1;
    mo->call = (ModemCall){.on = true,
                           .domain = dom,
                           .invite_at = mo->peers.invite_at,
                           .ring_timeout = ev->ring_timeout_ps};
    mo->stats.calls++;
    if (ev->ring_timeout_ps)
        sim_schedule_at(mo->sim, &mo->timeout_ev,
                        mo->call.invite_at + ev->ring_timeout_ps);
    if (ev->cancel_after_ps)
        peers_cancel(&mo->peers, mo->call.invite_at + ev->cancel_after_ps);
    sim_schedule_in(mo->sim, &mo->flush_ev, MODEM_FLUSH_PS);
    return 0;
}

/* The user of domain ev->domain dials ev->callee: the number goes to the
 * phone app's I/O area and the dial tap through the approach; the app
 * sends DIAL and the firmware the INVITE. */
static int dial_call(Modem *mo, const ScenarioEvent *ev, hs_time now, char *err,
                     size_t err_size)
{
    const Scenario *sc = mo->env->sc;
    int dom = modem_machine_domain_of(mo, ev->domain);
    if (dom < 0) {
        snprintf(err, err_size, "modem: dial: no such domain");
        return -1;
    }
    if (call_busy(mo)) {
        mo->stats.calls_busy++;
        return 0;
    }
    char number[sizeof((PhoneIo *)0)->dial] = {0};
    snprintf(number, sizeof number, "%s", ev->callee ? ev->callee : "");
    if (modem_set_phone(mo, dom, PHONE_ANSWER_USER) < 0 ||
        mo->dma.write(mo->dma.ctx, dom, PHONE_IO_ADDR + offsetof(PhoneIo, dial),
                      number, sizeof number) < 0) {
        snprintf(err, err_size, "modem: cannot reach the phone app's I/O area");
        return -1;
    }
    mo->phone_dom = dom;
    mo->peers.cfg.core_delay_ps =
        modem_one_way_delay(mo, modem_peer_of(sc, ev->peer, SCENARIO_PEER_IMS));
    peers_answer_after(&mo->peers, ev->answer_after_ps);
    mo->call = (ModemCall){.on = true,
                           .domain = dom,
                           .dialed = true,
                           .dialed_at = now,
                           .talk_ps = ev->talk_ps};
    mo->stats.dials++;
    modem_tap(mo, HS_CALL_PHONE_DIAL);
    if (ev->cancel_after_ps)
        sim_schedule_at(mo->sim, &mo->timeout_ev, now + ev->cancel_after_ps);
    sim_schedule_in(mo->sim, &mo->flush_ev, MODEM_FLUSH_PS);
    return 0;
}

/* The implant's command, sent by the exfil peer over the air. */
static int implant_command(Modem *mo, const ScenarioEvent *ev, bool on,
                           hs_time now, char *err, size_t err_size)
{
    uint8_t pkt[64];
    IpEndpoint src = {IP_WEB_ADDR, MODEM_EXFIL_PORT};
    IpEndpoint dst = {IP_PHONE_ADDR, MODEM_EXFIL_PORT};
    const char *cmd = on ? BB_IMPLANT_MIC_ON : BB_IMPLANT_MIC_OFF;
    int len = ip_build_udp(pkt, sizeof pkt, src, dst, 0, IP_DSCP_DEFAULT,
                           (const uint8_t *)cmd, 4, err, err_size);
    if (len < 0)
        return -1;
    int peer = modem_peer_of(mo->env->sc, ev->peer, SCENARIO_PEER_WEB_SERVER);
    /* a dead radio takes nothing: the command is lost, as on air */
    bb_radio_deliver(bb_radio(mo->bb), pkt, (size_t)len,
                     now + modem_one_way_delay(mo, peer));
    return 0;
}

int modem_action(Modem *mo, const ScenarioEvent *ev, int index, hs_time now,
                 char *err, size_t err_size)
{
    (void)index;
    switch (ev->action) {
    case SCENARIO_ACTION_INCOMING_CALL:
        return incoming_call(mo, ev, now, err, err_size);
    case SCENARIO_ACTION_DIAL:
        return dial_call(mo, ev, now, err, err_size);
    case SCENARIO_ACTION_HANG_UP:
        if (!mo->call.on)
            return 0; /* nothing to end */
        if (ev->by == SCENARIO_HANG_UP_REMOTE)
            peers_hangup(&mo->peers, now);
        else
            modem_tap(mo, HS_CALL_PHONE_HANGUP);
        return 0;
    case SCENARIO_ACTION_SMS:
        return modem_sms_action(mo, ev, err, err_size);
    case SCENARIO_ACTION_HOSTILE_MIC_OPEN:
        return implant_command(mo, ev, true, now, err, err_size);
    case SCENARIO_ACTION_HOSTILE_MIC_CLOSE:
        return implant_command(mo, ev, false, now, err, err_size);
    default:
        snprintf(err, err_size, "modem: action %d is not the modem's",
                 (int)ev->action);
        return -1;
    }
}

/* counts.phone: the outcomes a researcher asks of a run with calls or
 * messages (was the call answered, did it time out, how many frames the
 * microphone policy stopped), each a ModemStats field. */
static int report_phone(const Modem *mo, Results *r, char *err, size_t err_size)
{
    const ModemStats *st = &mo->stats;
    const struct {
        const char *key;
        uint64_t n;
    } counts[] = {
        {"calls", st->calls},
        {"calls_busy", st->calls_busy},
        {"rings", st->rings},
        {"answers", st->answers},
        {"timeouts", st->timeouts},
        {"ended", st->ended},
        {"dials", st->dials},
        {"dials_given_up", st->dials_given_up},
        {"switches", st->switches},
        {"notify_failed", st->notify_failed},
        {"consents", st->consents},
        {"voice_blocked", st->voice_blocked},
        {"voice_dropped", st->voice_dropped},
        {"sms", st->sms},
        {"sms_notified", st->sms_notified},
        {"sms_unrouted", st->sms_unrouted},
        {"ril_dropped", st->ril_dropped},
        {"foreign_access", st->foreign_access},
    };
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
        if (results_count_phone(r, counts[i].key, counts[i].n, err, err_size) <
            0)
            return -1;
    return 0;
}

int modem_finish(Modem *mo, Results *r, char *err, size_t err_size)
{
    scan_playout(mo);
    flush_m2e(mo);
    if (mo->call.on && mo->call.active)
        mo->stats.active_ps += sim_now(mo->sim) - mo->call.active_at;
    mo->call.active = false;
    if (!r)
        return 0;
    uint64_t full = mo->mb.to[IPC_SIDE_AP].full + mo->mb.to[IPC_SIDE_BB].full;
    for (size_t d = 0; d < MACHINE_MAX_DOMAINS; d++)
        full +=
            mo->ril[d].to[IPC_SIDE_AP].full + mo->ril[d].to[IPC_SIDE_BB].full;
    if (results_count_dropped(r, "ipc.mailbox", full, err, err_size) < 0)
        return -1;
    if (mo->has_sms &&
        results_latency_declare(r, "sms.notify", err, err_size) < 0)
        return -1;
    if ((mo->has_calls || mo->has_dials || mo->has_sms) &&
        report_phone(mo, r, err, err_size) < 0)
        return -1;
    if (mo->has_calls || mo->has_dials) {
        results_count(r, RESULTS_VOICE_UP_FRAMES, mo->peers.rtp_from_phone);
        results_count(r, RESULTS_VOICE_DOWN_FRAMES, mo->stats.voice_down);
    }
    static const char *const dials[] = {
        "call.dial_to_ring", "call.dial_to_audio", "call.mouth_to_ear"};
    for (size_t i = 0; mo->has_dials && i < sizeof dials / sizeof dials[0]; i++)
        if (results_latency_declare(r, dials[i], err, err_size) < 0)
            return -1;
    if (!mo->has_calls)
        return 0;
    static const char *const names[] = {"call.ring", "call.answer_to_audio",
                                        "call.mouth_to_ear"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (results_latency_declare(r, names[i], err, err_size) < 0)
            return -1;
    if (mo->env->mic_policy == SCENARIO_MIC_CONSENT &&
        (results_latency_declare(r, "call.consent", err, err_size) < 0 ||
         results_latency_declare(r, "call.consent_prompt", err, err_size) < 0))
        return -1;
    return 0;
}

void modem_set_net(Modem *mo, NetState *net)
{
    if (!net) {
        /* unplugged (the net device's owner is going away): the bearer
         * lets go of it now, not in modem_free */
        if (mo->bearer_on)
            bearer_free(&mo->bearer);
        mo->bearer_on = false;
        return;
    }
    if (mo->bearer_on)
        return;
    sim_cancel(mo->sim, &mo->rx_ev);
    bearer_init(&mo->bearer, mo->sim, &mo->mb, net, modem_ril_from_bb, mo);
    mo->bearer_on = true;
}

void modem_set_data_uplink(Modem *mo, BbRadioNetFunc fn, void *ctx)
{
    mo->data_up = fn;
    mo->data_up_ctx = ctx;
}

/* ---- queries
 * ------------------------------------------------------------------ */

Baseband *modem_bb(Modem *mo)
{
    return mo->bb;
}

Rrc *modem_rrc(Modem *mo)
{
    return bb_rrc(mo->bb);
}

BbPeers *modem_peers(Modem *mo)
{
    return &mo->peers;
}

IpcMailbox *modem_mailbox(Modem *mo)
{
    return &mo->mb;
}

MicState *modem_mic(Modem *mo)
{
    return mo->mic;
}

AudioState *modem_audio(Modem *mo)
{
    return mo->audio;
}

const ModemStats *modem_stats(const Modem *mo)
{
    return &mo->stats;
}

int modem_phone_io(Modem *mo, int domain, PhoneIo *out)
{
    return mo->dma.read(mo->dma.ctx, domain, PHONE_IO_ADDR, out, sizeof *out);
}

const char *modem_fault_text(const Modem *mo)
{
    return bb_fault_text(mo->bb);
}
