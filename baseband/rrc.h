/*
 * rrc.h - the LTE RRC state machine of the radio, with its power.
 *
 * A host model (not firmware): the RRC state is the network's and the
 * modem hardware's timers, which firmware does not run on a real phone
 * either; the firmware only hands packets to the air interface, and each
 * packet drives this machine. Figures come from the SoC file
 * (SocModel.radio.lte, AT&T ARO lte.conf and Huang et al., MobiSys 2012).
 *
 * States and power (the meter component "radio"; one meter state each):
 *   idle           RRC_IDLE between paging occasions      radio.idle_uw
 *   idle-paging    a paging occasion: idle_ping_ps every idle_period_ps
 *                  (at whole multiples of the period)       idle_ping_uw
 *   promotion      RRC_IDLE -> RRC_CONNECTED, promotion_ps  promotion_uw
 *   xfer-up        sending: beta + alpha_up x uplink Mbit/s
 *   xfer-down      receiving: beta + alpha_down x downlink Mbit/s
 *   tail           connected, no data, for inactivity_ps    tail_uw
 *   short-drx-on   / short-drx-off: short_drx_ps of cycles of
 *                  drx_short_period_ps, the first drx_ping_ps of each on
 *                  (drx_ping_uw), the rest at tail_uw
 *   long-drx-on    / long-drx-off: the same for long_drx_tail_ps with
 *                  drx_long_period_ps
 *   dead           the radio is off (baseband fault)                   0
 * After the long-DRX tail the radio demotes to RRC_IDLE. Any packet in
 * the tail or DRX returns to transfer at once and restarts the timers.
 *
 * Packets are serialised on the link at a fixed rate per direction. An
 * uplink packet in RRC_IDLE starts the promotion at once; a downlink one
 * waits for the next paging occasion (the network pages the phone), then
 * promotes. rrc_transfer returns when the packet's last bit is through.
 *
 * Attribution: promotion and transfer go to the domain that sent or
 * receives the packet; the tail and DRX to every domain that used this
 * connection, weighted by its bytes; idle to nobody.
 */
#ifndef HS_BASEBAND_RRC_H
#define HS_BASEBAND_RRC_H

#include <stdbool.h>
#include <stdint.h>

#include "power/meter.h"
#include "config/soc.h"
#include "sim/sim.h"

typedef enum RrcState {
    RRC_IDLE,
    RRC_IDLE_PAGING,
    RRC_PROMOTION,
    RRC_XFER_UP,
    RRC_XFER_DOWN,
    RRC_TAIL,
    RRC_SHORT_DRX_ON,
    RRC_SHORT_DRX_OFF,
    RRC_LONG_DRX_ON,
    RRC_LONG_DRX_OFF,
    RRC_DEAD,
    RRC_STATE_COUNT
} RrcState;

typedef enum RrcDir {
    RRC_UP = 0,   /* phone -> network */
    RRC_DOWN = 1, /* network -> phone */
} RrcDir;

/* Link rates: Huang et al., MobiSys 2012 (4GTest), median LTE uplink
 * 5.64 Mbit/s and downlink 12.74 Mbit/s (recalled; re-check). */
#define RRC_DEFAULT_UP_KBPS 5640
#define RRC_DEFAULT_DOWN_KBPS 12740
#define RRC_RATE_SOURCE                                                        \
    "Huang et al., MobiSys 2012, 4GTest median LTE throughput: uplink "        \
    "5.64 Mbit/s, downlink 12.74 Mbit/s (recalled; re-check)"

typedef struct RrcConfig {
    SocLte lte;         /* timers and powers (copied) */
    uint64_t idle_uw;   /* radio.idle_uw: camped, between pings */
    uint64_t up_kbps;   /* uplink rate (0: RRC_DEFAULT_UP_KBPS) */
    uint64_t down_kbps; /* downlink rate (0: RRC_DEFAULT_DOWN_KBPS) */
} RrcConfig;

/* Told of every state change (trace counters); never steers. */
typedef void (*RrcObserverFunc)(void *ctx, RrcState old_state,
                                RrcState new_state, hs_time when);

#define RRC_QUEUE 256

typedef struct RrcXfer {
    hs_time start, end; /* on the link */
    RrcDir dir;         /* direction */
    int domain;         /* who it is for (POWER_UNATTRIBUTED: nobody) */
} RrcXfer;

typedef struct Rrc {
    RrcConfig cfg;            /* copied at init */
    Sim *sim;                 /* event kernel */
    PowerMeter *meter;        /* may be NULL */
    int comp;                 /* meter component, -1 without */
    RrcState state;           /* current state */
    hs_time promo_end;        /* end of the running promotion */
    hs_time tail_from;        /* end of the last activity (tail start) */
    hs_time link_free;        /* when the link is next free */
    RrcXfer queue[RRC_QUEUE]; /* transfers not finished, in order */
    unsigned head, count;     /* queue position and fill */
    PowerAttr session;        /* domains of this connection, by bytes */
    SimEvent next;            /* the next boundary */
    RrcObserverFunc observer; /* may be NULL */
    void *observer_ctx;       /* its context */
    uint64_t promotions;      /* RRC_IDLE -> RRC_CONNECTED */
    uint64_t demotions;       /* back to RRC_IDLE */
    uint64_t bytes[2];        /* transferred, by RrcDir */
    uint64_t dropped;         /* refused: dead radio or full queue */
} Rrc;

/* Starts in RRC_IDLE at time 0 (registering "radio" on meter if given).
 * Returns 0, or -1 with a reason (zero timer or rate, meter failure). */
int rrc_init(Rrc *r, Sim *sim, PowerMeter *meter, const RrcConfig *cfg,
             char *err, size_t err_size);
/* Fills cfg from a SoC model with the default rates. */
void rrc_config_from_soc(RrcConfig *cfg, const SocModel *soc);
void rrc_set_observer(Rrc *r, RrcObserverFunc fn, void *ctx);

/* One packet of bytes in dir at when (>= the Sim's now), for domain.
 * Returns the time its last bit is through, or HS_TIME_MAX if it was
 * dropped (dead radio, queue full). */
hs_time rrc_transfer(Rrc *r, hs_time when, uint64_t bytes, RrcDir dir,
                     int domain);
/* The radio is off for good (baseband fault): state dead, queue dropped. */
void rrc_set_dead(Rrc *r, hs_time when);

RrcState rrc_state(const Rrc *r);
/* True in promotion, transfer, tail and DRX (RRC_CONNECTED or going). */
bool rrc_connected(const Rrc *r);
const char *rrc_state_name(RrcState s);
/* The first paging occasion starting at or after t. */
hs_time rrc_next_paging(const Rrc *r, hs_time t);
/* Time on the link for bytes in dir (ps). */
hs_time rrc_xfer_ps(const Rrc *r, uint64_t bytes, RrcDir dir);
/* Power of a transfer in dir (uW): beta + alpha x rate. */
uint64_t rrc_xfer_uw(const Rrc *r, RrcDir dir);

#endif /* HS_BASEBAND_RRC_H */
