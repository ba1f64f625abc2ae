/*
 * modem_voice.c - a call's uplink audio under the ap-codec wiring, and the
 * microphone policy on it (modem_int.h).
 *
 * Each 20 ms frame the microphone completes while the AP routes audio to
 * the call (HS_AUDIO_ROUTE_BB) enters here. The approach's check on the
 * label of the audio (ApproachOps.mic_check: the one kernel's MAC, the
 * audio driver VM, the secure world, the container's device namespace)
 * compares the frame's label, the ambient label at capture, with the
 * clearance of the called domain; where the label does not fit, the
 * scenario's mic_policy decides: allow (it goes, a violation), mute (the
 * frame is not sent: the far end hears nothing from the phone, a blocked
 * flow) or consent (the frames wait, blocked, until the user confirms a
 * prompt drawn on the panel; then they go as a declassification). An
 * approach with no check (native) lets every frame through.
 *
 * A frame that goes takes the approach's VIRT_IO_AUDIO path to the called
 * domain (every hop waits for whoever runs it), then the domain's voice app
 * encodes it with G.722 on the domain's vCPU and sends the codes to the
 * baseband through the RIL mailbox (HS_BBMSG_VOICE_UP), whose path the
 * RIL driver forwards as any message; the firmware packs them into RTP.
 * The downlink is the other way round: the firmware hands each frame's
 * codes to the AP (HS_BBMSG_VOICE_DOWN), the RIL driver forwards them
 * along the path to the domain's kernel, the voice app decodes them and
 * hands the samples to the speaker (HS_AUDIO_PLAY), where they are
 * played. One frame at a time is with the app; the others, uplink and
 * downlink in arrival order, wait at the domain.
 */
#include "phone/modem_int.h"

#include "abi/voice.h"
#include "phone/display.h"

/* The path a frame's transfer is recorded under. */
static void frame_path(Modem *mo, int dom, bool checked,
                       const VirtMicCheck *chk, char *out, size_t size)
{
    const char *name = machine_domain_name(mo->m, dom);
    if (checked)
        snprintf(out, size, "mic>%s (mic_policy %s)>%s voice app", chk->where,
                 scenario_mic_policy_names[mo->env->mic_policy], name);
    else
        snprintf(out, size, "mic>%s (no label check)>%s voice app",
                 machine_kernel_name(mo->m, machine_domain_kernel(mo->m, dom)),
                 name);
}

static void consent_fire(Sim *sim, void *ctx, hs_time now)
{
    (void)sim;
    Modem *mo = ctx;
    if (!mo->call.on || mo->voice.consent != MODEM_CONSENT_ASKED)
        return;
    mo->voice.consent = MODEM_CONSENT_GIVEN;
    mo->stats.consents++;
    modem_latency(mo, "call.consent", now - mo->voice.consent_since);
}

/* The prompt on the panel: the called domain's ui draws it (its latency
 * to the panel is call.consent_prompt); the user confirms after a
 * user.consent_delay sample, counted from the request. */
static void ask_consent(Modem *mo, int dom, hs_time when)
{
    if (mo->voice.consent != MODEM_CONSENT_NONE)
        return;
    hs_time now = sim_now(mo->sim);
    mo->voice.consent = MODEM_CONSENT_ASKED;
    mo->voice.consent_since = when;
    void *disp =
        mo->env->part ? mo->env->part(mo->env->part_ctx, "display") : NULL;
    char err[256];
    if (!disp || !scenario_domain_app(mo->env->sc, dom, SCENARIO_APP_UI) ||
        phone_display_notify(disp, dom, "call.consent_prompt", when, now, err,
                             sizeof err) < 0)
        mo->stats.notify_failed++;
    hs_time delay =
        modem_dist_sample(&mo->env->sc->user.consent_delay, mo->consent_rng);
    sim_schedule_at(mo->sim, &mo->voice.consent_ev, now + delay);
}

static void pop(ModemVoice *v)
{
    v->head = (v->head + 1) % MODEM_VOICE_QUEUE;
    v->n--;
}

/* A downlink frame to the app: decode, then the speaker. */
static void next_down(Modem *mo, int dom, const ModemVoiceFrame *f)
{
    ModemVoice *v = &mo->voice;
    HsVoiceRequest req;
    memset(&req, 0, offsetof(HsVoiceRequest, state));
    req.in_addr = HS_VOICE_DL_CODES_ADDR;
    req.out_addr = HS_VOICE_DL_PCM_ADDR;
    req.frames = 1;
    req.flags = HS_VOICE_TO_SPEAKER | (v->dl_fresh ? HS_VOICE_RESET : 0);
    req.tag = v->dl_tag;
    req.status = 1;
    if (mo->dma.write(mo->dma.ctx, dom, HS_VOICE_DL_CODES_ADDR, f->codes,
                      sizeof f->codes) < 0 ||
        mo->dma.write(mo->dma.ctx, dom, HS_VOICE_DL_IO_ADDR, &req,
                      offsetof(HsVoiceRequest, state)) < 0) {
        mo->stats.voice_dropped++;
        return;
    }
    v->dl_tag++;
    v->dl_fresh = false;
    v->busy = true;
    machine_inject(mo->m, dom, HS_EV_CALL, HS_CALL_VOICE_DECODE,
                   HS_VOICE_DL_IO_ADDR);
}

/* Hands the next waiting frame to the domain's voice app. */
static void voice_next(Modem *mo)
{
    ModemVoice *v = &mo->voice;
    if (v->busy || v->n == 0 || !mo->call.on)
        return;
    int dom = mo->call.domain;
    ModemVoiceFrame *f = &v->q[v->head];
    if (f->down) {
        next_down(mo, dom, f);
        pop(v);
        return;
    }
    PhoneIo pio;
    HsVoiceRequest req;
    memset(&req, 0, offsetof(HsVoiceRequest, state));
    req.in_addr = HS_VOICE_PCM_ADDR;
    req.out_addr = HS_VOICE_CODES_ADDR;
    req.frames = 1;
    req.flags = HS_VOICE_TO_RIL | (v->fresh ? HS_VOICE_RESET : 0);
    req.tag = v->tag;
    req.status = 1; /* not done */
    req.call = modem_phone_io(mo, dom, &pio) == 0 ? pio.call : 0;
    /* the header only: the codec state stays the app's, frame to frame */
    if (mo->dma.write(mo->dma.ctx, dom, HS_VOICE_PCM_ADDR, f->pcm,
                      sizeof f->pcm) < 0 ||
        mo->dma.write(mo->dma.ctx, dom, HS_VOICE_IO_ADDR, &req,
                      offsetof(HsVoiceRequest, state)) < 0) {
        mo->stats.voice_dropped++;
        pop(v);
        return;
    }
    v->sent[v->tag % MODEM_VOICE_TAGS] = (ModemVoiceTag){
        .label = f->label, .capture = f->capture, .seq = f->seq};
    v->tag++;
    v->fresh = false;
    v->busy = true;
    pop(v);
    machine_inject(mo->m, dom, HS_EV_CALL, HS_CALL_VOICE_ENCODE,
                   HS_VOICE_IO_ADDR);
}

/* A frame for the app, at the domain: waits its turn. */
static void enqueue(Modem *mo, const ModemVoiceFrame *f)
{
    ModemVoice *v = &mo->voice;
    if (v->n == MODEM_VOICE_QUEUE) {
        v->head = (v->head + 1) % MODEM_VOICE_QUEUE; /* the oldest is lost */
        v->n--;
        mo->stats.voice_dropped++;
    }
    v->q[(v->head + v->n) % MODEM_VOICE_QUEUE] = *f;
    v->n++;
    voice_next(mo);
}

/* The frame went through the audio path: it is at the domain. */
static void at_domain(void *ctx, hs_time done, bool ok)
{
    (void)done;
    ModemVoiceSlot *s = ctx;
    Modem *mo = s->mo;
    s->used = false;
    if (!ok || !mo->call.on || s->call != mo->stats.calls) {
        mo->stats.voice_dropped++; /* a VM on the path died, or the call
                                      ended on the way */
        return;
    }
    enqueue(mo, &s->f);
}

void modem_voice_down(Modem *mo, int domain, const uint8_t *msg, uint32_t len,
                      hs_time when)
{
    (void)when;
    ModemVoiceFrame f;
    uint32_t n = ipc_msg_payload_bytes(msg, len);
    if (!mo->call.on || domain != mo->call.domain || n < sizeof f.codes ||
        n > len - HS_BBMSG_HEADER_BYTES) {
        mo->stats.voice_dropped++;
        return;
    }
    memset(&f, 0, sizeof f);
    f.down = true;
    memcpy(f.codes, msg + HS_BBMSG_HEADER_BYTES, sizeof f.codes);
    f.seq = ipc_msg_arg(msg, len);
    enqueue(mo, &f);
}

/* The app handed a decoded frame to the speaker (HS_AUDIO_PLAY). */
static void on_play(void *ctx, int domain, uint32_t tag, hs_time when)
{
    (void)tag;
    Modem *mo = ctx;
    if (!mo->call.on || domain != mo->call.domain)
        return;
    modem_played(mo, when);
    modem_voice_taken(mo, domain);
}

static ModemVoiceSlot *slot_new(Modem *mo)
{
    for (size_t i = 0; i < MODEM_VOICE_SLOTS; i++)
        if (!mo->voice.slots[i].used) {
            mo->voice.slots[i].used = true;
            mo->voice.slots[i].mo = mo;
            return &mo->voice.slots[i];
        }
    return NULL;
}

/* The router's call sink (MicFrameFunc): one frame of the call. */
static void on_frame(void *ctx, const MicFrame *f, hs_time when)
{
    Modem *mo = ctx;
    if (!mo->call.on || mo->call.domain < 0)
        return; /* no call to carry it */
    int dom = mo->call.domain;
    const ApproachOps *ops = machine_approach(mo->m);
    VirtMicCheck chk = {.kernel = -1, .where = ""};
    bool checked = ops->mic_check && ops->mic_check(mo->m, dom, &chk);
    FlowLabel level = (FlowLabel)machine_domain_level(mo->m, dom);
    bool fits = flow_label_may_flow((FlowLabel)f->label, level);
    int allowed = 1, declassified = 0;
    if (checked && !fits) {
        switch (mo->env->mic_policy) {
        case SCENARIO_MIC_MUTE:
            allowed = 0;
            break;
        case SCENARIO_MIC_CONSENT:
            if (mo->voice.consent == MODEM_CONSENT_GIVEN) {
                declassified = 1;
            } else {
                allowed = 0;
                ask_consent(mo, dom, when);
            }
            break;
        default:
            break; /* allow: the organisation lets it go */
        }
    }
    char path[160];
    frame_path(mo, dom, checked, &chk, path, sizeof path);
    FlowTransfer t = {.from = "mic",
                      .label = (FlowLabel)f->label,
                      .to = machine_domain_name(mo->m, dom),
                      .clearance = level,
                      .bytes = sizeof f->pcm,
                      .path = path,
                      .allowed = allowed,
                      .declassified = declassified,
                      .when = when};
    if (mo->env->flows)
        flow_report(mo->env->flows, &t);
    if (!allowed) {
        mo->stats.voice_blocked++;
        return;
    }
    ModemVoiceSlot *s = slot_new(mo);
    if (!s) {
        mo->stats.voice_dropped++;
        return;
    }
    s->call = mo->stats.calls;
    memset(&s->f, 0, sizeof s->f);
    memcpy(s->f.pcm, f->pcm, sizeof s->f.pcm);
    s->f.label = f->label;
    s->f.capture = f->start_ps;
    s->f.seq = f->seq;
    if (machine_io(mo->m, dom, VIRT_IO_AUDIO, MACHINE_IO_IN, sizeof f->pcm,
                   when, at_domain, s, NULL, NULL) < 0) {
        s->used = false;
        mo->stats.voice_dropped++;
    }
}

void modem_voice_init(Modem *mo)
{
    mo->voice.ap = mo->env->wiring == SOC_MIC_AP_CODEC;
    mo->voice.fresh = true;
    mo->voice.dl_fresh = true;
    sim_event_init(&mo->voice.consent_ev, "user.consent", consent_fire, mo, 0);
    mo->consent_rng = sim_rng(mo->sim, "user.consent_delay");
    if (mo->voice.ap) {
        audio_set_baseband_sink(mo->audio, on_frame, mo);
        audio_set_play(mo->audio, on_play, mo);
    }
}

void modem_voice_stop(Modem *mo)
{
    ModemVoice *v = &mo->voice;
    v->n = 0;
    v->busy = false;
    v->fresh = true;
    v->dl_fresh = true;
    v->consent = MODEM_CONSENT_NONE;
    sim_cancel(mo->sim, &v->consent_ev);
}

void modem_voice_free(Modem *mo)
{
    sim_cancel(mo->sim, &mo->voice.consent_ev);
    if (mo->audio && mo->voice.ap) {
        audio_set_baseband_sink(mo->audio, NULL, NULL);
        audio_set_play(mo->audio, NULL, NULL);
    }
}

void modem_voice_taken(Modem *mo, int domain)
{
    if (domain != mo->call.domain)
        return;
    mo->voice.busy = false;
    voice_next(mo);
}

void modem_voice_sent(Modem *mo, uint32_t tag, hs_time when)
{
    const ModemVoiceTag *t = &mo->voice.sent[tag % MODEM_VOICE_TAGS];
    if (bb_mic_voice_frame(bb_mic(mo->bb), t->label, t->capture, t->seq, when) <
        0)
        mo->stats.voice_dropped++;
}
