/*
 * modem_int.h - the state of the phone's cellular side and the functions
 * its files share: modem.c (construction, the call, actions, results),
 * ril.c (the AP's modem driver), user.c (the user of a call), sms.c
 * (short messages). Internal to emu/phone.
 */
#ifndef HS_PHONE_MODEM_INT_H
#define HS_PHONE_MODEM_INT_H

#include "phone/modem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baseband/firmware/bb_abi.h"
#include "net/ip.h"
#include "machine/bbipc.h"

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

#define MODEM_VOICE_QUEUE 32 /* frames waiting at the domain for the app */
#define MODEM_VOICE_SLOTS 32 /* uplink frames on the audio path */
#define MODEM_VOICE_TAGS 64  /* frames with the app or on the RIL path */

/* One frame of the call for the voice app (ap-codec): an uplink frame
 * to encode or a downlink frame to decode. */
typedef struct ModemVoiceFrame {
    bool down;                               /* downlink: codes to decode */
    int16_t pcm[HS_MIC_FRAME_SAMPLES];       /* uplink: the samples */
    uint8_t codes[HS_MIC_FRAME_SAMPLES / 2]; /* downlink: G.722 codes */
    uint8_t label;                           /* the ambient label at capture */
    hs_time capture;                         /* its first sample */
    uint64_t seq;                            /* the mic's frame number */
} ModemVoiceFrame;

/* A frame on the audio path (machine_io's context). */
typedef struct ModemVoiceSlot {
    struct Modem *mo;
    bool used;
    uint64_t call; /* the call it belongs to (ModemStats.calls) */
    ModemVoiceFrame f;
} ModemVoiceSlot;

/* What a frame handed to the app was, by its tag. */
typedef struct ModemVoiceTag {
    uint8_t label;
    hs_time capture;
    uint64_t seq;
} ModemVoiceTag;

typedef enum ModemConsent {
    MODEM_CONSENT_NONE = 0, /* not asked in this call */
    MODEM_CONSENT_ASKED,    /* the prompt waits for the user */
    MODEM_CONSENT_GIVEN,    /* the user confirmed */
} ModemConsent;

/* The call's audio through the AP (modem_voice.c). */
typedef struct ModemVoice {
    bool ap; /* ap-codec: the AP is on the path */
    ModemVoiceSlot slots[MODEM_VOICE_SLOTS];
    ModemVoiceFrame q[MODEM_VOICE_QUEUE]; /* at the domain, for the app */
    unsigned head, n;                     /* queue position and fill */
    bool busy;                            /* the app has a frame */
    bool fresh;                           /* the next frame starts a stream */
    bool dl_fresh;                        /* ... the next downlink frame */
    uint32_t tag;                         /* the next frame's tag */
    uint32_t dl_tag;                      /* the next downlink frame's */
    ModemVoiceTag sent[MODEM_VOICE_TAGS]; /* by tag */
    ModemConsent consent;                 /* mic_policy consent, this call */
    hs_time consent_since;                /* the first frame held */
    SimEvent consent_ev;                  /* the user's confirmation */
} ModemVoice;

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
    bool dialed;       /* the phone's own call (a dial action) */
    hs_time dialed_at; /* ... the dial action */
    hs_time talk_ps;   /* ... the user hangs up this long after ACTIVE */
    bool alerted;      /* ... ALERTING taken by the phone app */
} ModemCall;

struct Modem {
    const RunEnv *env;
    Machine *m;
    Sim *sim;
    GuestDma dma;       /* the domains' memories */
    MicState *mic;      /* the machine's (machine_device "mic") */
    AudioState *audio;  /* ... "audio" */
    IpcMailbox mb;      /* AP <-> baseband */
    IpcMailbox *ril;    /* driver <-> each domain: the bbipc window's */
    size_t n_dom;       /* domains with a RIL mailbox */
    BbipcState *window; /* HS_MMIO_BBIPC: the machine's RIL mailboxes */
    Baseband *bb;
    BbPeers peers;
    bool peers_ready;
    BbBearer bearer;
    bool bearer_on;
    BbRadioNetFunc data_up;
    void *data_up_ctx;
    SimEvent rx_ev;  /* serves the AP doorbell (no bearer) */
    SimEvent up_ev;  /* serves the RIL mailbox's BB doorbell */
    SimEvent tap_ev; /* the user's answer tap */
    SimEvent timeout_ev;
    SimEvent flush_ev;
    SimEvent hang_ev; /* the user ends a dialled call after its talk */
    ModemSlot slots[MODEM_SLOTS];
    int phone_dom; /* owner of the RIL window, -1: none */
    ModemCall call;
    size_t log_cursor; /* firmware log entries already scanned */
    ModemStats stats;
    SimRng *answer_rng;
    SimRng *consent_rng;
    ModemVoice voice;
    bool has_calls;
    bool has_dials;
    bool has_sms;
    bool sms_wait[256];                 /* by RP-MR: placed, not yet notified */
    bool sms_card[MACHINE_MAX_DOMAINS]; /* an SMS card to draw */
    hs_time sms_since[MACHINE_MAX_DOMAINS]; /* its message left the core */
};

hs_time modem_dist_sample(const ScenarioDist *d, SimRng *rng);
void modem_latency(Modem *mo, const char *name, hs_time sample);
int modem_machine_domain_of(Modem *mo, int scenario_domain);
int modem_peer_of(const Scenario *sc, int peer, ScenarioPeerKind kind);
hs_time modem_one_way_delay(Modem *mo, int i);
void modem_ril_from_bb(void *ctx, const uint8_t *msg, uint32_t len,
                       hs_time when);
void modem_rx_fire(Sim *sim, void *ctx, hs_time now);
void modem_on_ap_doorbell(void *ctx, int line, bool level);
void modem_up_fire(Sim *sim, void *ctx, hs_time now);
void modem_on_up_doorbell(void *ctx, int line, bool level);
void modem_sms_seen(Modem *mo, int domain, uint32_t mr, hs_time when);
void modem_on_pop(void *ctx, int domain, uint16_t type, uint32_t arg,
                  hs_time when);
int modem_set_phone(Modem *mo, int domain, uint32_t answer);
void modem_tap(Modem *mo, uint32_t call);
void modem_tap_fire(Sim *sim, void *ctx, hs_time now);
void modem_timeout_fire(Sim *sim, void *ctx, hs_time now);
void modem_ring_seen(Modem *mo, hs_time when);
void modem_alerting_seen(Modem *mo, hs_time when);
void modem_call_active(Modem *mo, hs_time when);
void modem_call_idle(Modem *mo, hs_time now);
void modem_uplink(void *ctx, const uint8_t *pkt, size_t len, hs_time sent,
                  hs_time through);
/* The uplink through the AP (modem_voice.c): set up at modem_new (the
 * audio router's call sink under ap-codec), reset at the end of a call,
 * let go at modem_free; the app took its frame (a VOICE_UP message
 * popped from domain's RIL ring); a VOICE_UP with tag reached the
 * baseband's mailbox at when. */
/* A downlink frame was played at when (by the firmware or the AP): the
 * first after the answer is call.answer_to_audio. */
void modem_played(Modem *mo, hs_time when);
void modem_voice_init(Modem *mo);
void modem_voice_stop(Modem *mo);
void modem_voice_free(Modem *mo);
void modem_voice_taken(Modem *mo, int domain);
void modem_voice_sent(Modem *mo, uint32_t tag, hs_time when);
/* A VOICE_DOWN message passed the RIL path to domain's kernel at when:
 * its codes go to the voice app to decode and play. */
void modem_voice_down(Modem *mo, int domain, const uint8_t *msg, uint32_t len,
                      hs_time when);
int modem_sms_action(Modem *mo, const ScenarioEvent *ev, char *err,
                     size_t err_size);

#endif /* HS_PHONE_MODEM_INT_H */
