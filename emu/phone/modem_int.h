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
int modem_sms_action(Modem *mo, const ScenarioEvent *ev, char *err,
                     size_t err_size);

#endif /* HS_PHONE_MODEM_INT_H */
