/*
 * scenario.h - the Scenario model and its loader for `handset-scenario/1`
 * files (scenarios/README.md documents the format key by key).
 *
 * A Scenario is what one scripted experiment asks for: the SoC, how long
 * to simulate, the seed, the security domains and the apps each runs,
 * what the microphone hears when, the user's behaviour, the network
 * peers, the scripted events, the call policy, which approaches to run,
 * parameter overrides, variants (the same scenario on other SoCs or mic
 * wirings) and the CI assertions on the results.
 *
 * Everything is validated at load time, with the first error reported as
 * "FILE:LINE:COLUMN: KEY.PATH: MESSAGE" (json.h). Times are hs_time
 * picoseconds read by sim_parse_duration; no wall clock is involved.
 *
 * Events are kept as rules, not expanded: a rule is one occurrence (`at`)
 * or a periodic series (`every`, optional `count`, `until`, `jitter`).
 * scenario_event_time gives the nominal time of the k-th occurrence; the
 * runner adds jitter from the random stream named "events[I]" (I the
 * rule's index) so a day of 1.28 s ticks costs nothing until it runs.
 */
#ifndef HS_CONFIG_SCENARIO_H
#define HS_CONFIG_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/json.h"
#include "config/names.h"
#include "config/soc.h"
#include "sim/time.h"

#define SCENARIO_FORMAT "handset-scenario/1" /* value of "format" */
#define SCENARIO_MAX_DOMAINS 8               /* entries in domains */
#define SCENARIO_MAX_APPS 8                  /* apps per domain */
#define SCENARIO_SET_KEY_MAX 128             /* longest --set key */
#define SCENARIO_NONE (-1)                   /* "no index" in int fields */

/* Shape of a random quantity (scenarios/README.md, "Distributions"). */
typedef enum ScenarioDistKind {
    SCENARIO_DIST_FIXED = 0,   /* always a */
    SCENARIO_DIST_UNIFORM,     /* uniform in [a, b] */
    SCENARIO_DIST_EXPONENTIAL, /* exponential with mean a */
    SCENARIO_DIST_LOGNORMAL,   /* median a, sigma_ppm / 1e6 of log */
} ScenarioDistKind;

/* A random quantity. a and b are in the unit of the field that holds it
 * (ps for times, kbit/s for bandwidths). */
typedef struct ScenarioDist {
    ScenarioDistKind kind; /* shape */
    int64_t a;             /* value, min, mean or median */
    int64_t b;             /* max (uniform only) */
    int64_t sigma_ppm;     /* log-normal sigma x 10^6 (lognormal only) */
    bool present;          /* false when the file leaves it out */
} ScenarioDist;

/* Which shared resource a covert channel modulates. */
typedef enum ScenarioCovertChannel {
    SCENARIO_COVERT_WAKELOCK = 0, /* wakelocks / suspend */
    SCENARIO_COVERT_CPU,          /* CPU contention and DVFS */
    SCENARIO_COVERT_RADIO,        /* the shared radio's RRC state */
} ScenarioCovertChannel;

/* Parameters of a mail app. */
typedef struct ScenarioMailParams {
    int server;               /* index into peers (a mail-server) */
    uint32_t messages;        /* messages fetched per sync */
    uint64_t message_bytes;   /* size of each message, bytes */
    hs_time sync_interval_ps; /* own periodic sync, 0 = only mail-sync */
} ScenarioMailParams;

/* Speech codecs the guest's voice app implements (abi/voice.h). */
typedef enum ScenarioVoiceCodec {
    SCENARIO_CODEC_G722 = 0, /* ITU-T G.722, 16 kHz, 20 ms frames */
} ScenarioVoiceCodec;

/* Parameters of a voice app. */
typedef struct ScenarioVoiceParams {
    ScenarioVoiceCodec codec; /* speech codec */
    uint32_t bitrate_bps;     /* its bit rate, bit/s */
} ScenarioVoiceParams;

/* Parameters of a ui app. */
typedef struct ScenarioUiParams {
    uint32_t brightness_permille; /* display brightness, 0..1000 */
    uint32_t frame_rate_hz;       /* frames per second, 0 = display rate */
} ScenarioUiParams;

/* Parameters of a gl (3D) app. */
typedef struct ScenarioGlParams {
    uint32_t frame_rate_hz; /* frames drawn per second */
    uint32_t triangles;     /* triangles per frame */
} ScenarioGlParams;

/* Parameters of a covert-tx or covert-rx app. */
typedef struct ScenarioCovertParams {
    ScenarioCovertChannel channel; /* resource modulated / observed */
    hs_time symbol_period_ps;      /* one symbol per period */
    uint32_t symbols;              /* symbols sent / decoded */
    hs_time start_ps;              /* time of symbol 0 */
    hs_time threshold_ps;          /* rx: decision threshold (0 for tx) */
    uint32_t wakelock_id;          /* tx, wakelock channel: id held */
    int peer;                      /* radio channel: peer pinged */
} ScenarioCovertParams;

/* One app a domain runs. Only the member matching kind is meaningful. */
typedef struct ScenarioApp {
    ScenarioAppKind kind;        /* which app */
    ScenarioMailParams mail;     /* kind == SCENARIO_APP_MAIL */
    ScenarioVoiceParams voice;   /* kind == SCENARIO_APP_VOICE */
    ScenarioUiParams ui;         /* kind == SCENARIO_APP_UI */
    ScenarioCovertParams covert; /* kind == SCENARIO_APP_COVERT_* */
    ScenarioGlParams gl;         /* kind == SCENARIO_APP_GL */
} ScenarioApp;

/* A security domain. */
typedef struct ScenarioDomain {
    const char *name;                    /* unique, e.g. "secret" */
    ScenarioLabel level;                 /* its clearance */
    size_t n_apps;                       /* entries used in apps */
    ScenarioApp apps[SCENARIO_MAX_APPS]; /* at most one of each kind */
} ScenarioDomain;

/* A period during which the microphone hears audio of one label. */
typedef struct ScenarioAmbient {
    hs_time from_ps;     /* start, inclusive */
    hs_time to_ps;       /* end, exclusive */
    ScenarioLabel label; /* classification of what is said */
} ScenarioAmbient;

/* The simulated user. */
typedef struct ScenarioUser {
    int foreground;            /* domain in front at time 0 */
    ScenarioDist answer_delay; /* ring to answer, ps */
    ScenarioDist read_time;    /* time spent reading a document, ps */
    ScenarioDist keystroke;    /* interval between keystrokes, ps */
} ScenarioUser;

/* A network peer. */
typedef struct ScenarioPeer {
    const char *name;      /* unique, e.g. "imap" */
    ScenarioPeerKind kind; /* what it speaks */
    ScenarioDist rtt;      /* round-trip time beyond the radio, ps */
    ScenarioDist down;     /* downlink bandwidth, kbit/s */
    ScenarioDist up;       /* uplink bandwidth, kbit/s */
} ScenarioPeer;

/* Who ends a call. */
typedef enum ScenarioHangUpBy {
    SCENARIO_HANG_UP_USER = 0, /* the local user */
    SCENARIO_HANG_UP_REMOTE,   /* the caller */
} ScenarioHangUpBy;

/* One event rule. Parameter fields not used by action hold SCENARIO_NONE
 * (indices) or 0. */
typedef struct ScenarioEvent {
    ScenarioAction action;   /* what happens */
    hs_time at_ps;           /* (first) occurrence */
    hs_time every_ps;        /* period, 0 = one occurrence */
    hs_time jitter_ps;       /* each occurrence delayed by U[0, jitter] */
    uint64_t count;          /* occurrences at most, 0 = no limit */
    hs_time until_ps;        /* no occurrence at or after this time */
    int domain;              /* the domain it concerns */
    int peer;                /* the network peer involved */
    uint64_t bytes;          /* sms, download, display-document size */
    hs_time ring_timeout_ps; /* incoming-call: unanswered after this */
    hs_time talk_ps;         /* incoming-call: remote hangs up; dial: the
                                user does; 0 = no */
    hs_time cancel_after_ps; /* incoming-call: the caller gives up (CANCEL)
                                unanswered after this; dial: the user
                                does; 0 = never */
    hs_time answer_after_ps; /* dial: the far end answers this long after
                                the INVITE reaches it; 0 = never */
    const char *callee;      /* dial: the number dialled ("+" digits) */
    bool store;              /* download: write the document to storage */
    bool show;               /* mail-sync: the inbox is drawn after it */
    ScenarioHangUpBy by;     /* hang-up: who ends the call */
} ScenarioEvent;

/* One parameter override (`set` key or --set KEY=VALUE). */
typedef struct ScenarioSetting {
    const char *key;    /* "section.name" or "section.name.sub" */
    const char *value;  /* value as text (numbers as written) */
    const char *origin; /* "FILE:LINE:COLUMN" or "--set" */
} ScenarioSetting;

/* A run configuration: the scenario on another SoC or mic wiring. */
typedef struct ScenarioVariant {
    const char *name;     /* unique, e.g. "ap-codec" */
    const char *soc;      /* SoC as written in the file */
    const char *soc_path; /* resolved file (soc_resolve_path) */
    int mic_wiring;       /* SocMicWiring override, SCENARIO_NONE = keep */
} ScenarioVariant;

/* Comparison operator of an assertion. */
typedef enum ScenarioOp {
    SCENARIO_OP_LT = 0,
    SCENARIO_OP_LE,
    SCENARIO_OP_GT,
    SCENARIO_OP_GE,
    SCENARIO_OP_EQ,
    SCENARIO_OP_NE,
} ScenarioOp;

/*
 * A CI assertion on results. Absolute: metric(approach) OP value, for the
 * named approach or for every approach run (approach SCENARIO_NONE, "*").
 * Relative: metric(approach) OP factor x than_metric(than_approach), for
 * the named than_approach or for every other approach run (SCENARIO_NONE,
 * "*"). variant / than_variant select variants (SCENARIO_NONE: every
 * variant / the same variant as the left side).
 */
typedef struct ScenarioExpect {
    const char *metric;      /* results path, e.g. "energy.total_mj" */
    int approach;            /* ScenarioApproach or SCENARIO_NONE */
    int variant;             /* index into variants or SCENARIO_NONE */
    ScenarioOp op;           /* comparison */
    bool relative;           /* true: compare with another run */
    double value;            /* absolute: right-hand side */
    const char *than_metric; /* relative: metric on the right */
    int than_approach;       /* relative: approach or SCENARIO_NONE */
    int than_variant;        /* relative: variant or SCENARIO_NONE */
    double factor;           /* relative: multiplier of the right side */
    const char *where;       /* "FILE:LINE:COLUMN" of the assertion */
} ScenarioExpect;

/* A loaded scenario. Every string is owned by the Scenario. */
typedef struct Scenario {
    const char *file;        /* file it was loaded from */
    const char *name;        /* "incoming-call-secret" */
    const char *description; /* the question it answers */
    const char *soc;         /* SoC as written ("ref-2013" or a path) */
    const char *soc_path;    /* resolved SoC file */
    hs_time duration_ps;     /* simulated time */
    uint64_t seed;           /* root of every random stream */
    hs_time quantum_ps;      /* vCPU run quantum */
    size_t n_domains;        /* entries in domains */
    ScenarioDomain domains[SCENARIO_MAX_DOMAINS]; /* security domains */
    size_t n_ambient;                             /* entries in ambient */
    ScenarioAmbient *ambient; /* periods in time order, disjoint */
    ScenarioUser user;        /* the user model */
    size_t n_peers;           /* entries in peers */
    ScenarioPeer *peers;      /* network peers */
    size_t n_events;          /* entries in events */
    ScenarioEvent *events;    /* event rules in file order */
    int call_policy;          /* ScenarioCallPolicy, or SCENARIO_NONE */
    bool approaches[SCENARIO_APPROACH_COUNT]; /* approaches to run */
    size_t n_settings;                        /* entries in settings */
    ScenarioSetting *settings;                /* overrides, later entries win */
    size_t n_variants;                        /* entries in variants (>= 1) */
    ScenarioVariant *variants;                /* run configurations */
    size_t n_expects;                         /* entries in expects */
    ScenarioExpect *expects;                  /* CI assertions */
    char **owned;   /* every string above, for scenario_free */
    size_t n_owned; /* entries in owned */
} Scenario;

/*
 * Loads and validates a scenario file, resolving and loading its SoC (and
 * each variant's) to check it. Returns a new Scenario the caller frees
 * with scenario_free, or NULL with "FILE:LINE:COLUMN: KEY: MESSAGE" (or
 * "FILE: MESSAGE") in err.
 */
Scenario *scenario_load(const char *path, char *err, size_t err_size);

/*
 * Builds a scenario from a parsed document whose "format" is
 * SCENARIO_FORMAT. Returns NULL on the first error, stored in doc. The
 * Scenario copies what it keeps; doc stays owned by the caller.
 */
Scenario *scenario_from_doc(JsonDoc *doc);

/* Frees a scenario. NULL is allowed. */
void scenario_free(Scenario *s);

/*
 * Checks the syntax of a parameter key: two or three dot-separated
 * segments of [a-z0-9_-], each starting with a letter or digit
 * ("virt.hyp-pv.hypercall_cycles"). Returns 0, or -1 with a reason in why.
 * Whether the key names a real parameter is checked by the approaches.
 */
int scenario_check_set_key(const char *key, char *why, size_t why_size);

/*
 * Applies one --set KEY=VALUE on top of the scenario's own `set`: the
 * key's syntax is checked and VALUE must not be empty; a key already set
 * is replaced (the command line wins). Returns 0, or -1 with
 * "--set KEY=VALUE: reason" in err.
 */
int scenario_apply_set(Scenario *s, const char *assignment, char *err,
                       size_t err_size);

/* The setting for key, or NULL. */
const ScenarioSetting *scenario_setting(const Scenario *s, const char *key);

/*
 * Nominal time (before jitter) of occurrence k (0-based) of event rule
 * ev within a scenario of the given duration. Returns 0 and stores it, or
 * -1 when the rule has fewer than k + 1 occurrences.
 */
int scenario_event_time(const ScenarioEvent *ev, hs_time duration_ps,
                        uint64_t k, hs_time *out);

/* Number of occurrences of rule ev within the duration. */
uint64_t scenario_event_count(const ScenarioEvent *ev, hs_time duration_ps);

/* Index of the domain called name, or SCENARIO_NONE. */
int scenario_find_domain(const Scenario *s, const char *name);

/* The app of the given kind in domain d, or NULL. */
const ScenarioApp *scenario_domain_app(const Scenario *s, int d,
                                       ScenarioAppKind kind);

/* Label of what the microphone hears at time t (unclassified outside
 * every ambient period). */
ScenarioLabel scenario_ambient_at(const Scenario *s, hs_time t);

/* "<", "<=", ">", ">=", "==", "!=". */
const char *scenario_op_name(ScenarioOp op);

#endif /* HS_CONFIG_SCENARIO_H */
