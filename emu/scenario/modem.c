/*
 * modem.c - the cellular side of a run: the AP's modem driver between the
 * baseband's mailbox and the domains' RIL windows, the call policy and
 * the simulated user, short messages, hostile-mic commands, and the call
 * and message latencies (modem.h).
 */
#include "scenario/modem.h"
#include "scenario/run_display.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baseband/firmware/bb_abi.h"
#include "baseband/ip.h"

#define MODEM_SLOTS 64             /* RIL messages in flight on the AP path */
#define MODEM_PLAYED 0x9a000000u   /* firmware log: a downlink frame played */
#define MODEM_FLUSH_PS (10 * HS_S) /* mouth-to-ear samples taken this often */
#define MODEM_EXFIL_PORT 5004      /* the firmware's default exfil port */

/* One RIL message on its way between the driver and a phone domain. */
typedef struct ModemSlot {
    struct Modem *mo;
    bool used;
    bool down;  /* towards the phone domain (else towards the BB) */
    int domain; /* the phone domain it was for */
    uint32_t len;
    uint8_t msg[HS_BBMSG_MAX_BYTES];
} ModemSlot;

/* HS_MMIO_BBIPC: each domain's RIL mailbox's AP end. */
typedef struct RilWindow {
    Device dev; /* base: must stay first */
    struct Modem *mo;
} RilWindow;

/* The call under way. */
typedef struct ModemCall {
    bool on;              /* placed and not yet idle */
    int domain;           /* machine index of the called domain */
    hs_time invite_at;    /* INVITE leaves the IMS core */
    hs_time ring_timeout; /* from invite_at */
    bool rang;            /* RING taken by the phone app */
    bool answered;        /* the user tapped answer */
    hs_time answered_at;  /* ... at this time */
    bool a2a_done;        /* answer-to-audio reported */
    hs_time active_at;    /* CALL_STATE ACTIVE passed the driver */
    bool active;
} ModemCall;

struct Modem {
    const RunEnv *env;
    Machine *m;
    Sim *sim;
    GuestDma dma; /* the domains' memories */
    MicState mic;
    AudioState audio;
    IpcMailbox mb;                       /* AP <-> baseband */
    IpcMailbox ril[MACHINE_MAX_DOMAINS]; /* driver <-> each domain */
    IpcEnd ril_end[MACHINE_MAX_DOMAINS]; /* their AP ends (the window) */
    size_t n_dom;                        /* domains with a RIL mailbox */
    RilWindow window;
    Baseband *bb;
    BbPeers peers;
    bool peers_ready;
    bool mic_ready;
    BbBearer bearer;
    bool bearer_on;
    BbRadioNetFunc data_up;
    void *data_up_ctx;
    SimEvent rx_ev;  /* serves the AP doorbell (no bearer) */
    SimEvent up_ev;  /* serves the RIL mailbox's BB doorbell */
    SimEvent tap_ev; /* the user's answer tap */
    SimEvent timeout_ev;
    SimEvent flush_ev;
    ModemSlot slots[MODEM_SLOTS];
    int phone_dom; /* owner of the RIL window, -1: none */
    ModemCall call;
    size_t log_cursor; /* firmware log entries already scanned */
    ModemStats stats;
    SimRng *answer_rng;
    bool has_calls;
    bool has_sms;
    bool sms_wait[256];                 /* by RP-MR: placed, not yet notified */
    bool sms_card[MACHINE_MAX_DOMAINS]; /* an SMS card to draw */
};

/* ---- helpers ------------------------------------------------------------ */

static hs_time dist_sample(const ScenarioDist *d, SimRng *rng)
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

static void latency(Modem *mo, const char *name, hs_time sample)
{
    mo->env->latency(mo->env->latency_ctx, name, sample);
}

static int machine_domain_of(Modem *mo, int scenario_domain)
{
    if (scenario_domain < 0 ||
        (size_t)scenario_domain >= mo->env->sc->n_domains)
        return -1;
    return machine_domain_find(mo->m,
                               mo->env->sc->domains[scenario_domain].name);
}

/* The ims (or other) peer a rule names, or the only one of that kind. */
static int peer_of(const Scenario *sc, int peer, ScenarioPeerKind kind)
{
    if (peer >= 0)
        return peer;
    for (size_t i = 0; i < sc->n_peers; i++)
        if (sc->peers[i].kind == kind)
            return (int)i;
    return -1;
}

/* Half a round-trip sample of peer i from its own stream. */
static hs_time one_way_delay(Modem *mo, int i)
{
    if (i < 0 || !mo->env->sc->peers[i].rtt.present)
        return BB_PEERS_CORE_DELAY_PS;
    char name[48];
    snprintf(name, sizeof name, "peers[%d].rtt", i);
    hs_time rtt =
        dist_sample(&mo->env->sc->peers[i].rtt, sim_rng(mo->sim, name));
    return rtt / 2 > 0 ? rtt / 2 : 1;
}

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

/* Moves a message along the approach's path between the driver and
 * domain: it arrives after the time the hops take. */
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
    hs_time t = machine_io(mo->m, domain, VIRT_IO_NET, len, NULL, NULL);
    hs_time now = sim_now(mo->sim);
    sim_call_at(mo->sim, (when > now ? when : now) + t, "modem.ril", slot_fire,
                s, 0);
}

static void call_idle(Modem *mo, hs_time now);

/* The driver's view of the call: the state messages it forwards. */
static void watch_state(Modem *mo, const uint8_t *msg, uint32_t len,
                        hs_time when)
{
    if (ipc_msg_type(msg, len) != HS_BBMSG_CALL_STATE || !mo->call.on)
        return;
    uint32_t st = ipc_msg_arg(msg, len);
    if (st == HS_CALL_ST_ACTIVE && !mo->call.active) {
        mo->call.active = true;
        mo->call.active_at = when;
    } else if (st == HS_CALL_ST_IDLE) {
        call_idle(mo, when);
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
static void ril_from_bb(void *ctx, const uint8_t *msg, uint32_t len,
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
static void rx_fire(Sim *sim, void *ctx, hs_time now)
{
    (void)sim;
    Modem *mo = ctx;
    uint8_t msg[HS_BBMSG_MAX_BYTES];
    uint32_t len;
    while ((len = ipc_recv(&mo->mb, IPC_SIDE_AP, msg)) != 0) {
        if (ipc_msg_type(msg, len) == HS_BBMSG_DATA_RX)
            mo->stats.data_unserved++;
        else
            ril_from_bb(mo, msg, len, now);
    }
}

static void on_ap_doorbell(void *ctx, int line, bool level)
{
    Modem *mo = ctx;
    (void)line;
    if (level && !sim_event_pending(&mo->rx_ev))
        sim_schedule_at(mo->sim, &mo->rx_ev, sim_now(mo->sim));
}

/* What the phone app sent: on to the baseband. Only the phone domain
 * controls calls: what another domain sends is dropped (counted). */
static void up_fire(Sim *sim, void *ctx, hs_time now)
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

static void on_up_doorbell(void *ctx, int line, bool level)
{
    Modem *mo = ctx;
    (void)line;
    if (level && !sim_event_pending(&mo->up_ev))
        sim_schedule_at(mo->sim, &mo->up_ev, sim_now(mo->sim));
}

/* ---- the user and the call policy ---------------------------------------- */

static void ring_seen(Modem *mo, hs_time when);

/* The addressee's ui draws the message's card; its frame takes the
 * approach's display path (sms.shown: the phone app's take -> the card
 * on the panel). Out of the MMIO access that saw the take, at Sim time. */
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
        if (disp && run_display_notify(disp, (int)d, "sms.shown", now, err,
                                       sizeof err) < 0)
            mo->stats.notify_failed++;
    }
}

/* The phone app has an SMS: the notification is up. */
static void sms_seen(Modem *mo, int domain, uint32_t mr, hs_time when)
{
    const BbPeerSms *m = bb_peers_sms_sent(&mo->peers, (uint8_t)mr);
    if (mr > 255 || !m || !mo->sms_wait[mr])
        return;
    mo->sms_wait[mr] = false;
    mo->stats.sms_notified++;
    latency(mo, "sms.notify", when > m->sent_at ? when - m->sent_at : 0);
    if (domain >= 0 && domain < MACHINE_MAX_DOMAINS &&
        scenario_domain_app(mo->env->sc, domain, SCENARIO_APP_UI)) {
        mo->sms_card[domain] = true;
        hs_time now = sim_now(mo->sim);
        sim_call_at(mo->sim, when > now ? when : now, "modem.sms-card",
                    sms_card_fire, mo, 0);
    }
}

static bool own_window(const Modem *mo, const BusAccess *acc)
{
    return acc->domain >= 0 && (size_t)acc->domain < mo->n_dom;
}

static uint64_t window_read(Device *dev, uint64_t off, unsigned size,
                            const BusAccess *acc)
{
    Modem *mo = ((RilWindow *)dev)->mo;
    if (!own_window(mo, acc)) {
        mo->stats.foreign_access++;
        return 0;
    }
    return ipc_end_ops.read(&mo->ril_end[acc->domain].dev, off, size, acc);
}

static void window_write(Device *dev, uint64_t off, uint64_t value,
                         unsigned size, const BusAccess *acc)
{
    Modem *mo = ((RilWindow *)dev)->mo;
    if (!own_window(mo, acc)) {
        mo->stats.foreign_access++;
        return;
    }
    const IpcRing *r = &mo->ril[acc->domain].to[IPC_SIDE_AP];
    uint16_t type = off == HS_BBIPC_RX_POP && r->count > 0
                        ? ipc_msg_type(r->slot[r->head], r->len[r->head])
                        : 0;
    uint32_t arg = type ? ipc_msg_arg(r->slot[r->head], r->len[r->head]) : 0;
    ipc_end_ops.write(&mo->ril_end[acc->domain].dev, off, value, size, acc);
    /* the app has taken it: the call or the message is visible */
    if (type == HS_BBMSG_RING && acc->domain == mo->phone_dom)
        ring_seen(mo, acc->when);
    else if (type == HS_BBMSG_SMS)
        sms_seen(mo, acc->domain, arg, acc->when);
}

static const DeviceOps window_ops = {
    .type = "ril-window",
    .read = window_read,
    .write = window_write,
};

static int set_phone(Modem *mo, int domain, uint32_t answer)
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

static void tap(Modem *mo, uint32_t call)
{
    machine_inject(mo->m, mo->call.domain, HS_EV_CALL, call, PHONE_IO_ADDR);
}

static void tap_fire(Sim *sim, void *ctx, hs_time now)
{
    (void)sim;
    Modem *mo = ctx;
    if (!mo->call.on || mo->call.answered)
        return;
    mo->call.answered = true;
    mo->call.answered_at = now;
    mo->stats.answers++;
    tap(mo, HS_CALL_PHONE_ANSWER);
}

static void timeout_fire(Sim *sim, void *ctx, hs_time now)
{
    (void)sim;
    (void)now;
    Modem *mo = ctx;
    if (!mo->call.on || mo->call.answered)
        return;
    sim_cancel(mo->sim, &mo->tap_ev);
    mo->stats.timeouts++;
    tap(mo, HS_CALL_PHONE_HANGUP);
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
     * (call.notify: RING taken -> the card on the panel). A rejected call
     * is never shown; a phone without a screen in use shows nothing. */
    void *disp =
        mo->env->part ? mo->env->part(mo->env->part_ctx, "display") : NULL;
    if (disp && sc->call_policy != SCENARIO_CALL_REJECT &&
        scenario_domain_app(sc, mo->call.domain, SCENARIO_APP_UI)) {
        /* fails only for a domain without ui, excluded above */
        char err[256];
        if (run_display_notify(disp, mo->call.domain, "call.notify", now, err,
                               sizeof err) < 0)
            mo->stats.notify_failed++;
    }
    bool front = machine_foreground(mo->m) == mo->call.domain;
    if (sc->call_policy == SCENARIO_CALL_SWITCH_AND_ANSWER && !front) {
        machine_set_foreground(mo->m, mo->call.domain);
        mo->stats.switches++;
        front = true;
    }
    if (sc->call_policy == SCENARIO_CALL_REJECT || !front)
        return; /* rejected by the app, or ringing in the background */
    hs_time delay = dist_sample(&sc->user.answer_delay, mo->answer_rng);
    sim_schedule_at(mo->sim, &mo->tap_ev, now + delay);
}

static void ring_seen(Modem *mo, hs_time when)
{
    if (!mo->call.on || mo->call.rang)
        return;
    mo->call.rang = true;
    mo->stats.rings++;
    latency(mo, "call.ring", when - mo->call.invite_at);
    hs_time now = sim_now(mo->sim);
    sim_call_at(mo->sim, when > now ? when : now, "modem.policy", policy_fire,
                mo, 0);
}

/* ---- audio measurements ---------------------------------------------------
 */

/* The first downlink frame played after the answer. */
static void scan_playout(Modem *mo)
{
    size_t n;
    const BbLogEntry *log = bb_log(mo->bb, &n);
    for (; mo->log_cursor < n; mo->log_cursor++) {
        const BbLogEntry *e = &log[mo->log_cursor];
        if ((e->value & 0xff000000u) != MODEM_PLAYED || !mo->call.answered ||
            mo->call.a2a_done || e->when < mo->call.answered_at)
            continue;
        mo->call.a2a_done = true;
        latency(mo, "call.answer_to_audio", e->when - mo->call.answered_at);
    }
}

static void flush_m2e(Modem *mo)
{
    BbPeers *p = &mo->peers;
    for (size_t i = 0; i < p->n_m2e; i++)
        latency(mo, "call.mouth_to_ear", p->m2e_ps[i]);
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

static void call_idle(Modem *mo, hs_time now)
{
    scan_playout(mo);
    flush_m2e(mo);
    if (mo->call.active)
        mo->stats.active_ps += now - mo->call.active_at;
    mo->stats.ended++;
    mo->call.on = false;
    sim_cancel(mo->sim, &mo->tap_ev);
    sim_cancel(mo->sim, &mo->timeout_ev);
    sim_cancel(mo->sim, &mo->flush_ev);
}

/* ---- uplink demultiplexing -------------------------------------------------
 */

static void uplink(void *ctx, const uint8_t *pkt, size_t len, hs_time sent,
                   hs_time through)
{
    Modem *mo = ctx;
    bb_peers_uplink(&mo->peers, pkt, len, sent, through);
    if (mo->data_up)
        mo->data_up(mo->data_up_ctx, pkt, len, sent, through);
}

/* ---- construction ----------------------------------------------------------
 */

static uint32_t route_filter(void *ctx, int domain, uint32_t requested)
{
    Modem *mo = ctx;
    if (domain < 0 || !(requested & HS_AUDIO_ROUTE_BB))
        return requested;
    const ApproachOps *ops = machine_approach(mo->m);
    if (!ops->flow_allowed(mo->m, machine_domain_level(mo->m, domain),
                           FLOW_UNCLASSIFIED))
        requested &= ~(uint32_t)HS_AUDIO_ROUTE_BB;
    return requested;
}

static int build_audio(Modem *mo, char *err, size_t err_size)
{
    const Scenario *sc = mo->env->sc;
    PowerMeter *meter = machine_meter(mo->m);
    MicConfig mc = {.fifo_frames = 4, /* estimate: a speech-level tone */
                    .tone_hz = 440,
                    .tone_amplitude = 8000,
                    .noise_amplitude = 300,
                    .on_uw = 0}; /* MODEM_MIC_POWER_SOURCE */
    if (mic_init(&mo->mic, "mic", &mc, &mo->dma, meter, err, err_size) < 0)
        return -1;
    mo->mic_ready = true;
    if (mo->mic.dev.ops->realize(&mo->mic.dev, mo->sim) < 0) {
        snprintf(err, err_size, "modem: microphone: cannot start");
        return -1;
    }
    for (size_t i = 0; i < sc->n_ambient; i++)
        if (mic_set_label(&mo->mic, (uint8_t)sc->ambient[i].label,
                          sc->ambient[i].from_ps) < 0 ||
            mic_set_label(&mo->mic, 0, sc->ambient[i].to_ps) < 0) {
            snprintf(err, err_size, "modem: ambient period %zu out of order",
                     i);
            return -1;
        }
    AudioConfig ac = {.on_uw = (uint64_t)MODEM_DSP_AUDIO_UA *
                               mo->env->soc->battery.voltage_mv / 1000};
    audio_init(&mo->audio, "audio", &ac, meter);
    if (mo->audio.dev.ops->realize &&
        mo->audio.dev.ops->realize(&mo->audio.dev, mo->sim) < 0) {
        snprintf(err, err_size, "modem: audio router: cannot start");
        return -1;
    }
    mic_set_output(&mo->mic, audio_route_frame, &mo->audio);
    audio_set_ap_sink(&mo->audio, mic_fifo_push, &mo->mic);
    audio_set_filter(&mo->audio, route_filter, mo);
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
    BbConfig cfg = {.firmware = mo->env->firmware,
                    .wiring = mo->env->wiring,
                    .implant = implant,
                    .pcap = mo->env->pcap};
    rrc_config_from_soc(&cfg.rrc, mo->env->soc);
    mo->bb = bb_new(mo->sim, machine_meter(mo->m), &mo->mb, &mo->mic,
                    &mo->audio, &cfg, err, err_size);
    if (!mo->bb)
        return -1;
    bb_mic_set_monitor(bb_mic(mo->bb), mo->env->flows);
    if (bb_peers_init(&mo->peers, mo->sim, bb_radio(mo->bb), bb_mic(mo->bb),
                      NULL, err, err_size) < 0)
        return -1;
    mo->peers_ready = true;
    bb_radio_set_net(bb_radio(mo->bb), uplink, mo);
    return 0;
}

static int attach(Modem *mo, char *err, size_t err_size)
{
    ipc_mailbox_init(&mo->mb);
    mo->n_dom = machine_domain_count(mo->m);
    for (size_t d = 0; d < mo->n_dom; d++) {
        ipc_mailbox_init(&mo->ril[d]);
        ipc_end_init(&mo->ril_end[d], "bbipc", &mo->ril[d], IPC_SIDE_AP,
                     &mo->dma);
        irq_connect(&mo->ril[d].doorbell[IPC_SIDE_BB], on_up_doorbell, mo,
                    (int)d);
    }
    device_init(&mo->window.dev, &window_ops, "bbipc");
    mo->window.mo = mo;
    irq_connect(&mo->mb.doorbell[IPC_SIDE_AP], on_ap_doorbell, mo,
                HS_IRQ_BBIPC);
    if (machine_attach_device(mo->m, &mo->mic.dev, HS_MMIO_MIC) < 0 ||
        machine_attach_device(mo->m, &mo->audio.dev, HS_MMIO_AUDIO) < 0 ||
        machine_attach_device(mo->m, &mo->window.dev, HS_MMIO_BBIPC) < 0) {
        snprintf(err, err_size,
                 "modem: cannot map the mic, audio or mailbox window on the "
                 "machine's bus (taken, or the device table is full)");
        return -1;
    }
    return 0;
}

/* The phone domain before any call: the first that runs `voice`. */
static int first_phone(Modem *mo)
{
    const Scenario *sc = mo->env->sc;
    for (size_t d = 0; d < sc->n_domains; d++)
        if (scenario_domain_app(sc, (int)d, SCENARIO_APP_VOICE))
            return machine_domain_of(mo, (int)d);
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
    sim_event_init(&mo->rx_ev, "modem.rx", rx_fire, mo, 1);
    sim_event_init(&mo->up_ev, "modem.up", up_fire, mo, 1);
    sim_event_init(&mo->tap_ev, "user.tap", tap_fire, mo, 0);
    sim_event_init(&mo->timeout_ev, "call.no-reply", timeout_fire, mo, 0);
    sim_event_init(&mo->flush_ev, "modem.flush", flush_fire, mo, 0);
    if (build_audio(mo, err, err_size) < 0 || attach(mo, err, err_size) < 0 ||
        build_baseband(mo, err, err_size) < 0) {
        modem_free(mo);
        return NULL;
    }
    mo->phone_dom = first_phone(mo);
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
        bb_bearer_free(&mo->bearer);
    if (mo->peers_ready)
        bb_peers_free(&mo->peers);
    bb_free(mo->bb);
    Sim *sim = mo->sim;
    sim_cancel(sim, &mo->rx_ev);
    sim_cancel(sim, &mo->up_ev);
    sim_cancel(sim, &mo->tap_ev);
    sim_cancel(sim, &mo->timeout_ev);
    sim_cancel(sim, &mo->flush_ev);
    if (mo->mic_ready)
        mo->mic.dev.ops->destroy(&mo->mic.dev);
    free(mo);
}

/* ---- scenario actions
 * -------------------------------------------------------- */

bool modem_handles(ScenarioAction a)
{
    return a == SCENARIO_ACTION_INCOMING_CALL || a == SCENARIO_ACTION_HANG_UP ||
           a == SCENARIO_ACTION_SMS || a == SCENARIO_ACTION_HOSTILE_MIC_OPEN ||
           a == SCENARIO_ACTION_HOSTILE_MIC_CLOSE;
}

static int incoming_call(Modem *mo, const ScenarioEvent *ev, hs_time now,
                         char *err, size_t err_size)
{
    const Scenario *sc = mo->env->sc;
    int dom = machine_domain_of(mo, ev->domain);
    if (dom < 0) {
        snprintf(err, err_size, "modem: incoming-call: no such domain");
        return -1;
    }
    if (mo->call.on || mo->peers.state == BB_PEER_INVITED ||
        mo->peers.state == BB_PEER_RINGING ||
        mo->peers.state == BB_PEER_ACTIVE) {
        mo->stats.calls_busy++; /* one call at a time, as the firmware */
        return 0;
    }
    uint32_t answer = sc->call_policy == SCENARIO_CALL_REJECT
                          ? PHONE_ANSWER_REJECT
                          : PHONE_ANSWER_USER;
    if (set_phone(mo, dom, answer) < 0) {
        snprintf(err, err_size, "modem: cannot reach the phone app's I/O area");
        return -1;
    }
    mo->phone_dom = dom;
    mo->peers.cfg.core_delay_ps =
        one_way_delay(mo, peer_of(sc, ev->peer, SCENARIO_PEER_IMS));
    if (bb_peers_call(&mo->peers, now, ev->talk_ps, err, err_size) < 0)
        return -1;
    mo->call = (ModemCall){.on = true,
                           .domain = dom,
                           .invite_at = mo->peers.invite_at,
                           .ring_timeout = ev->ring_timeout_ps};
    mo->stats.calls++;
    if (ev->ring_timeout_ps)
        sim_schedule_at(mo->sim, &mo->timeout_ev,
                        mo->call.invite_at + ev->ring_timeout_ps);
    sim_schedule_in(mo->sim, &mo->flush_ev, MODEM_FLUSH_PS);
    return 0;
}

/* A short message for the rule's domain from its ims peer's core. */
static int sms_action(Modem *mo, const ScenarioEvent *ev, char *err,
                      size_t err_size)
{
    int dom = machine_domain_of(mo, ev->domain);
    if (dom < 0) {
        snprintf(err, err_size, "modem: sms: no such domain");
        return -1;
    }
    char user[32];
    snprintf(user, sizeof user, MODEM_SMS_USER, dom);
    hs_time delay =
        one_way_delay(mo, peer_of(mo->env->sc, ev->peer, SCENARIO_PEER_IMS));
    int mr = bb_peers_sms(&mo->peers, user, (uint32_t)ev->bytes, delay, err,
                          err_size);
    if (mr < 0)
        return -1;
    mo->sms_wait[mr] = true;
    mo->stats.sms++;
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
    int peer = peer_of(mo->env->sc, ev->peer, SCENARIO_PEER_WEB_SERVER);
    /* a dead radio takes nothing: the command is lost, as on air */
    bb_radio_deliver(bb_radio(mo->bb), pkt, (size_t)len,
                     now + one_way_delay(mo, peer));
    return 0;
}

int modem_action(Modem *mo, const ScenarioEvent *ev, int index, hs_time now,
                 char *err, size_t err_size)
{
    (void)index;
    switch (ev->action) {
    case SCENARIO_ACTION_INCOMING_CALL:
        return incoming_call(mo, ev, now, err, err_size);
    case SCENARIO_ACTION_HANG_UP:
        if (!mo->call.on)
            return 0; /* nothing to end */
        if (ev->by == SCENARIO_HANG_UP_REMOTE)
            bb_peers_hangup(&mo->peers, now);
        else
            tap(mo, HS_CALL_PHONE_HANGUP);
        return 0;
    case SCENARIO_ACTION_SMS:
        return sms_action(mo, ev, err, err_size);
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
    if (!mo->has_calls)
        return 0;
    static const char *const names[] = {"call.ring", "call.answer_to_audio",
                                        "call.mouth_to_ear"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (results_latency_declare(r, names[i], err, err_size) < 0)
            return -1;
    return 0;
}

void modem_set_net(Modem *mo, NetState *net)
{
    if (!net) {
        /* unplugged (the net device's owner is going away): the bearer
         * lets go of it now, not in modem_free */
        if (mo->bearer_on)
            bb_bearer_free(&mo->bearer);
        mo->bearer_on = false;
        return;
    }
    if (mo->bearer_on)
        return;
    sim_cancel(mo->sim, &mo->rx_ev);
    bb_bearer_init(&mo->bearer, mo->sim, &mo->mb, net, ril_from_bb, mo);
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
    return &mo->mic;
}

AudioState *modem_audio(Modem *mo)
{
    return &mo->audio;
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
