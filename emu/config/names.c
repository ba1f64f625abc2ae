/*
 * names.c - the shared name tables of names.h. The spellings here are
 * the ones scenario files, --set keys, `handset list` and results.json
 * use; change one and every shipped scenario must change with it.
 */
#include "config/names.h"

#include <string.h>

const char *const scenario_approach_names[] = {
    [SCENARIO_APPROACH_NATIVE] = "native",
    [SCENARIO_APPROACH_SELINUX_MLS] = "selinux-mls",
    [SCENARIO_APPROACH_HYP_MILS] = "hyp-mils",
    [SCENARIO_APPROACH_HYP_PV] = "hyp-pv",
    [SCENARIO_APPROACH_TRUSTZONE] = "trustzone",
    [SCENARIO_APPROACH_CONTAINERS] = "containers",
    [SCENARIO_APPROACH_COUNT] = NULL,
};

const char *const scenario_approach_descriptions[] = {
    [SCENARIO_APPROACH_NATIVE] =
        "one OS, every domain a plain process, no policy (the baseline)",
    [SCENARIO_APPROACH_SELINUX_MLS] =
        "one kernel, domains are MLS levels enforced by SE Android",
    [SCENARIO_APPROACH_HYP_MILS] =
        "type-1 separation kernel, fixed cyclic schedule, driver VMs",
    [SCENARIO_APPROACH_HYP_PV] =
        "type-1 hypervisor, work-conserving, paravirtual wakelocks",
    [SCENARIO_APPROACH_TRUSTZONE] =
        "highest domain in the secure world, the others in the normal world",
    [SCENARIO_APPROACH_CONTAINERS] =
        "Cells-style virtual phones in one kernel, foreground/background",
    [SCENARIO_APPROACH_COUNT] = NULL,
};

const char *const scenario_app_names[] = {
    [SCENARIO_APP_MAIL] = "mail",
    [SCENARIO_APP_VOICE] = "voice",
    [SCENARIO_APP_CRYPTO] = "crypto",
    [SCENARIO_APP_UI] = "ui",
    [SCENARIO_APP_COVERT_TX] = "covert-tx",
    [SCENARIO_APP_COVERT_RX] = "covert-rx",
    [SCENARIO_APP_GL] = "gl",
    [SCENARIO_APP_COUNT] = NULL,
};

const char *const scenario_app_descriptions[] = {
    [SCENARIO_APP_MAIL] = "IMAP fetch and MIME decoding from a mail server",
    [SCENARIO_APP_VOICE] = "speech codec for calls, 20 ms frames",
    [SCENARIO_APP_CRYPTO] = "ChaCha20-Poly1305 over the domain's packets",
    [SCENARIO_APP_UI] = "frame composition for the display",
    [SCENARIO_APP_COVERT_TX] = "covert-channel sender (modulates a resource)",
    [SCENARIO_APP_COVERT_RX] = "covert-channel receiver (decodes timing)",
    [SCENARIO_APP_GL] = "a 3D scene drawn every frame, on the GPU or the vCPU",
    [SCENARIO_APP_COUNT] = NULL,
};

const char *const scenario_action_names[] = {
    [SCENARIO_ACTION_INCOMING_CALL] = "incoming-call",
    [SCENARIO_ACTION_HANG_UP] = "hang-up",
    [SCENARIO_ACTION_SMS] = "sms",
    [SCENARIO_ACTION_MAIL_SYNC] = "mail-sync",
    [SCENARIO_ACTION_SWITCH_DOMAIN] = "switch-domain",
    [SCENARIO_ACTION_HOSTILE_MIC_OPEN] = "hostile-mic-open",
    [SCENARIO_ACTION_HOSTILE_MIC_CLOSE] = "hostile-mic-close",
    [SCENARIO_ACTION_DOWNLOAD] = "download",
    [SCENARIO_ACTION_DISPLAY_DOCUMENT] = "display-document",
    [SCENARIO_ACTION_DIAL] = "dial",
    [SCENARIO_ACTION_COUNT] = NULL,
};

const char *const scenario_call_policy_names[] = {
    [SCENARIO_CALL_REJECT] = "reject",
    [SCENARIO_CALL_NOTIFY_ONLY] = "notify-only",
    [SCENARIO_CALL_SWITCH_AND_ANSWER] = "switch-and-answer",
    [SCENARIO_CALL_POLICY_COUNT] = NULL,
};

const char *const scenario_peer_kind_names[] = {
    [SCENARIO_PEER_MAIL_SERVER] = "mail-server",
    [SCENARIO_PEER_WEB_SERVER] = "web-server",
    [SCENARIO_PEER_IMS] = "ims",
    [SCENARIO_PEER_KIND_COUNT] = NULL,
};

int scenario_name_find(const char *const names[], const char *name)
{
    for (int i = 0; names[i]; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return -1;
}
