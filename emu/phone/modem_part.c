/*
 * modem_part.c - the modem as a part of a run (part.h): the `voice`
 * app's calls, the call and hostile-microphone events, and the cellular
 * side every run has: a phone's radio is always there, paging and
 * drawing power, and the data bearer of the network part rides on the
 * same baseband. The mechanisms are in modem.c.
 */
#include "phone/modem.h"
#include "phone/part.h"
#include "sim/error.h"

static bool modem_owns_app(ScenarioAppKind kind)
{
    return kind == SCENARIO_APP_VOICE;
}

/* Every phone has its radio: idle, it still pages and draws power, and
 * what the baseband can reach (the microphone) is there in every run. */
static bool modem_wanted(const Scenario *sc)
{
    (void)sc;
    return true;
}

static void *modem_create(const RunEnv *env, char *err, size_t err_size)
{
    return modem_new(env, err, err_size);
}

static int modem_part_action(void *part, const ScenarioEvent *ev, int index,
                             hs_time now, char *err, size_t err_size)
{
    return modem_action(part, ev, index, now, err, err_size);
}

static int modem_part_finish(void *part, Results *r, char *err, size_t err_size)
{
    Modem *mo = part;
    if (modem_finish(mo, r, err, err_size) < 0)
        return -1;
    const char *fault = modem_fault_text(mo);
    if (fault && *fault)
        return results_add_fault(r, fault, err, err_size);
    return 0;
}

static void modem_part_destroy(void *part)
{
    modem_free(part);
}

static const char *const modem_devices[] = {"mic", "audio", "bbipc", NULL};

const RunPart phone_part_modem = {
    .devices = modem_devices,
    .name = "modem",
    .owns_app = modem_owns_app,
    .owns_action = modem_handles,
    .wanted = modem_wanted,
    .create = modem_create,
    .action = modem_part_action,
    .finish = modem_part_finish,
    .destroy = modem_part_destroy,
};
