/*
 * names.h - the names scenario files, the command line and the runner
 * share: virtualisation approaches, MLS labels, guest apps, scenario
 * actions, call policies and microphone-wiring overrides. Each table is
 * indexed by its enum and ends with NULL, so it can be handed straight to
 * json_get_enum; scenario_name_find looks a string up in any of them.
 *
 * The approach table only names the approaches: their mechanisms live in
 * emu/virt, which finds its ops table by the same names.
 */
#ifndef HS_CONFIG_NAMES_H
#define HS_CONFIG_NAMES_H

#include "flow/label.h"

/* The virtualisation approaches a scenario runs under (DESIGN.md 4). */
typedef enum ScenarioApproach {
    SCENARIO_APPROACH_NATIVE = 0,
    SCENARIO_APPROACH_SELINUX_MLS,
    SCENARIO_APPROACH_HYP_MILS,
    SCENARIO_APPROACH_HYP_PV,
    SCENARIO_APPROACH_TRUSTZONE,
    SCENARIO_APPROACH_CONTAINERS,
    SCENARIO_APPROACH_COUNT,
} ScenarioApproach;

/* MLS labels are the flow monitor's lattice (emu/flow/label.h): a higher
 * value dominates a lower one. */
typedef FlowLabel ScenarioLabel;
#define SCENARIO_LABEL_UNCLASSIFIED FLOW_UNCLASSIFIED
#define SCENARIO_LABEL_CONFIDENTIAL FLOW_CONFIDENTIAL
#define SCENARIO_LABEL_SECRET FLOW_SECRET
#define SCENARIO_LABEL_TOP_SECRET FLOW_TOP_SECRET
#define SCENARIO_LABEL_COUNT FLOW_LABEL_COUNT
#define scenario_label_names flow_label_names

/* Guest apps a domain can run (guest/apps, HS_WL_* in platform.h). */
typedef enum ScenarioAppKind {
    SCENARIO_APP_MAIL = 0,
    SCENARIO_APP_VOICE,
    SCENARIO_APP_CRYPTO,
    SCENARIO_APP_UI,
    SCENARIO_APP_COVERT_TX,
    SCENARIO_APP_COVERT_RX,
    SCENARIO_APP_GL,
    SCENARIO_APP_COUNT,
} ScenarioAppKind;

/* What a scenario event does (scenarios/README.md, "events"). */
typedef enum ScenarioAction {
    SCENARIO_ACTION_INCOMING_CALL = 0,
    SCENARIO_ACTION_HANG_UP,
    SCENARIO_ACTION_SMS,
    SCENARIO_ACTION_MAIL_SYNC,
    SCENARIO_ACTION_SWITCH_DOMAIN,
    SCENARIO_ACTION_HOSTILE_MIC_OPEN,
    SCENARIO_ACTION_HOSTILE_MIC_CLOSE,
    SCENARIO_ACTION_DOWNLOAD,
    SCENARIO_ACTION_DISPLAY_DOCUMENT,
    SCENARIO_ACTION_DIAL,
    SCENARIO_ACTION_COUNT,
} ScenarioAction;

/* What happens to a call for a domain that is not in front (issue text
 * of the approaches: reject, notify-only, switch-and-answer). */
typedef enum ScenarioCallPolicy {
    SCENARIO_CALL_REJECT = 0,
    SCENARIO_CALL_NOTIFY_ONLY,
    SCENARIO_CALL_SWITCH_AND_ANSWER,
    SCENARIO_CALL_POLICY_COUNT,
} ScenarioCallPolicy;

/* Kinds of network peer the baseband's data bearer talks to. */
typedef enum ScenarioPeerKind {
    SCENARIO_PEER_MAIL_SERVER = 0, /* IMAP over TCP */
    SCENARIO_PEER_WEB_SERVER,      /* HTTP over TCP */
    SCENARIO_PEER_IMS,             /* caller side and IMS core (SIP, RTP) */
    SCENARIO_PEER_KIND_COUNT,
} ScenarioPeerKind;

/* Tables indexed by the enums above, each ending with NULL. */
extern const char *const scenario_approach_names[];
extern const char *const scenario_approach_descriptions[];
extern const char *const scenario_app_names[];
extern const char *const scenario_app_descriptions[];
extern const char *const scenario_action_names[];
extern const char *const scenario_call_policy_names[];
extern const char *const scenario_peer_kind_names[];

/* Index of name in the NULL-terminated table names, or -1. */
int scenario_name_find(const char *const names[], const char *name);

#endif /* HS_CONFIG_NAMES_H */
