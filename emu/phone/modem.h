/*
 * modem.h - the phone's cellular side around a Machine: the machine's
 * microphone and audio router (found with machine_device), the
 * AP<->baseband mailbox, the baseband running its
 * firmware, the IMS core and caller, and the AP's modem driver that
 * carries RIL messages between the baseband and the phone app of the
 * called domain through the virtualisation approach.
 *
 * RIL path. The AP's modem driver is host code standing for the kernel
 * driver (one-kernel approaches) or the net driver VM (hypervisors). It
 * owns the mailbox's AP doorbell: DATA_RX goes to the data bearer
 * (baseband/bearer.c, once modem_set_net plugs a net device in; counted
 * as unserved before), SMS to the domain it is addressed to, every other
 * message to the phone domain. Forwarding takes the approach's I/O path
 * for the message's bytes (machine_io: each hop waits for whoever does
 * it; the message arrives when the last hop is done), puts it in the domain's
 * RIL mailbox, whose AP end is that domain's HS_MMIO_BBIPC window (the
 * machine's "bbipc" device, machine/bbipc.h, which holds the domains' RIL
 * mailboxes: each access goes to the accessing domain's mailbox and paying the
 * approach's MMIO cost), and raises HS_IRQ_BBIPC for the domain with
 * machine_raise_irq (under hyp-mils it waits for the partition's slice). What
 * the phone app sends (ANSWER, HANGUP, MIC_OPEN/CLOSE) goes the same path back
 * to the baseband; only the phone domain of the moment (the current call's) is
 * heard, what another domain sends is dropped (foreign_access). The guest phone
 * app is unchanged and approach-agnostic: it sees the mailbox layout of
 * platform.h.
 *
 * Short messages. sms: the rule's ims peer's core sends a SIP MESSAGE
 * (peers.h: RP-DATA carrying SMS-DELIVER, `bytes` octets of 8-bit user
 * data) to the addressee domain's public user identity (MODEM_SMS_USER:
 * each domain is a line of its own) after half an RTT sample of that
 * peer; the radio pages an idle phone; the firmware answers 200 OK and
 * sends SMS (payload: originator, addressee, user data); the driver
 * routes it by the addressee to that domain's window, during a call or
 * not. The notification is the phone app taking SMS (RX_POP).
 *
 * Calls. incoming-call: the IMS peer's one-way core delay is half an RTT
 * sample of the call's ims peer (stream "peers[I].rtt"); the IMS core
 * sends the INVITE, the network pages the phone, the firmware rings the
 * AP. The ring is visible when the phone app takes RING from its window
 * (the RX_POP access, at the vCPU's time). call_policy: reject -> the
 * app declines at RING (603); switch-and-answer -> the user switches to
 * the phone domain through the approach's switch (phone_display_switch,
 * latency.switch; without a ui app there, machine_switch_domain's hops
 * alone) and taps answer a user.answer_delay sample (stream
 * "user.answer_delay") after the domain's first frame is on the panel
 * (or the hops' end), delivered as HS_EV_CALL
 * HS_CALL_PHONE_ANSWER through the approach; notify-only -> the same
 * only if the phone domain is already in front, otherwise the call rings
 * on. Unanswered after ring_timeout (from the INVITE), the call is
 * declined from the phone's side (HS_CALL_PHONE_HANGUP): the network's
 * no-reply timer is played by the phone. cancel_after: the caller gives
 * up that long after the INVITE while the call is unanswered (CANCEL;
 * the firmware answers 200 and 487). talk: the caller hangs up (BYE) that
 * long after the call is active. hang-up by user: HS_CALL_PHONE_HANGUP;
 * by remote: BYE from the caller.
 *
 * dial: the number is written to the phone app's I/O area (PhoneIo.dial)
 * and the user's dial tap (HS_CALL_PHONE_DIAL) delivered through the
 * approach; the app sends DIAL over its RIL mailbox and the driver's
 * path; the firmware sends the INVITE; the IMS model's remote party
 * rings and answers answer_after later (never for 0). talk: the user
 * hangs up (BYE) that long after CALL_STATE ACTIVE passes the driver;
 * cancel_after: the user gives up (CANCEL) that long after the dial if
 * the call is not active. A hang-up by remote of a dialled call: the
 * remote party's BYE.
 *
 * Latencies (env->latency): call.ring = INVITE leaving the IMS core ->
 * RING taken by the phone app; call.answer_to_audio = the user's answer
 * tap -> the first downlink frame the firmware decodes for the speaker
 * (its playout log); call.dial_to_ring = the dial action -> ALERTING (the
 * far end's 180) taken by the phone app; call.dial_to_audio = the dial
 * action -> the first downlink frame the firmware decodes;
 * call.mouth_to_ear = per uplink frame, capture of its
 * first sample -> playout at the remote party (peers.h); sms.notify =
 * the MESSAGE leaving the IMS core -> SMS taken by the addressee's phone
 * app (the RX_POP access, at the vCPU's time), matched by RP-MR. With a
 * display part, the ring and the message are then drawn as cards by the
 * domain's ui: call.notify and sms.shown run from the app's take to the
 * card on the panel (display.h); an approach that keeps a background
 * domain off the panel (containers) shows neither.
 *
 * Microphone. The mic's label timeline is the scenario's ambient
 * periods, so a frame carries the highest ambient label over its
 * capture. Every frame the baseband reads is a flow mic -> baseband
 * (mic_path.h) to env->flows. With ap-codec wiring the baseband gets
 * frames only while a domain routes them; the route request passes the
 * approach's policy (flow_allowed from the requesting domain's level to
 * the baseband's unclassified clearance). With baseband-direct the AP
 * has no say. hostile-mic-open/close: the firmware carries an implant
 * (BB_CFG_IMPLANT, only when the scenario has hostile events) switched
 * by datagrams from the exfil peer over the air (in radio.pcap); it then
 * asks for the mic and uploads what it gets.
 *
 * Faults. A firmware fault kills the baseband (baseband.h): the radio is
 * dead, the run goes on, modem_fault_text describes it.
 */
#ifndef HS_PHONE_MODEM_H
#define HS_PHONE_MODEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "baseband/baseband.h"
#include "phone/bearer.h"
#include "net/peers.h"
#include "abi/phone.h"
#include "phone/env.h"

/* Domain d's public user identity (IMPU, 3GPP TS 23.228): each domain
 * is a line of its own, so a short message names its addressee. */
#define MODEM_SMS_USER "+155555502%02d"

/* What happened to calls and messages over the run. */
typedef struct ModemStats {
    uint64_t calls;          /* incoming-call occurrences placed */
    uint64_t calls_busy;     /* occurrences while a call was under way */
    uint64_t dials;          /* dial occurrences placed */
    uint64_t dials_given_up; /* dials the user gave up (cancel_after) */
    uint64_t rings;          /* RING taken by a phone app */
    uint64_t answers;        /* answer taps delivered */
    uint64_t timeouts;       /* calls unanswered after ring_timeout */
    uint64_t ended;          /* CALL_STATE IDLE seen by the driver */
    uint64_t switches;       /* foreground switches for a call */
    uint64_t ril_down;       /* messages forwarded to a phone domain */
    uint64_t ril_up;         /* messages from a phone app to the BB */
    uint64_t ril_dropped;    /* no phone domain, full ring, dead BB */
    uint64_t foreign_access; /* to the BB from a domain without the call */
    uint64_t data_unserved;  /* DATA_RX with no net device plugged in */
    uint64_t notify_failed;  /* ring cards the display part refused */
    uint64_t sms;            /* sms occurrences placed */
    uint64_t sms_notified;   /* SMS taken by the addressee's phone app */
    uint64_t sms_unrouted;   /* SMS for an identity no domain has */
    hs_time active_ps;       /* time calls were active (for rates) */
} ModemStats;

typedef struct Modem Modem;

/* Builds the cellular side for env (which must outlive it) around the
 * machine's mic, audio router and "bbipc" RIL mailboxes (the run powers
 * them: phone_part_modem's devices): the AP<->baseband mailbox, baseband
 * with env->firmware, IMS/caller peers; drives the RIL mailboxes' driver
 * ends; boots the baseband at the current time. Returns NULL with a reason in
 * err. */
Modem *modem_new(const RunEnv *env, char *err, size_t err_size);
void modem_free(Modem *mo);

/* Whether modem_action handles rules of action a. */
bool modem_handles(ScenarioAction a);

/* One occurrence of rule ev (index: the rule's index) at now (the
 * Sim's time). Returns 0, or -1 with a reason for a rule this module
 * cannot carry out (never for what the simulated phone does). */
int modem_action(Modem *mo, const ScenarioEvent *ev, int index, hs_time now,
                 char *err, size_t err_size);

/* End of the run: reports what is still pending (mouth-to-ear samples,
 * the last answer-to-audio) through env->latency and declares the call
 * latencies on r when the scenario has calls. Returns 0 or -1 (err). */
int modem_finish(Modem *mo, Results *r, char *err, size_t err_size);

/* Plugs the data bearer in: the driver hands DATA_RX to net and net's
 * packets become DATA_TX (bearer.h). net NULL unplugs it: call that
 * before the net device is destroyed. */
void modem_set_net(Modem *mo, NetState *net);
/* Uplink packets that are not SIP/RTP of a call also go to fn (the data
 * peers), after the IMS model saw them. */
void modem_set_data_uplink(Modem *mo, BbRadioNetFunc fn, void *ctx);

/* ---- queries ------------------------------------------------------------ */
Baseband *modem_bb(Modem *mo);
Rrc *modem_rrc(Modem *mo);
BbPeers *modem_peers(Modem *mo);
IpcMailbox *modem_mailbox(Modem *mo);
MicState *modem_mic(Modem *mo);
AudioState *modem_audio(Modem *mo);
const ModemStats *modem_stats(const Modem *mo);
/* The phone app's I/O area in domain (machine index). Returns 0 or -1. */
int modem_phone_io(Modem *mo, int domain, PhoneIo *out);
/* "" while the baseband lives, else its fault. */
const char *modem_fault_text(const Modem *mo);

#endif /* HS_PHONE_MODEM_H */
