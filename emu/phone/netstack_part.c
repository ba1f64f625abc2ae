/*
 * netstack_part.c - the kernels' network stack as a part of a run
 * (part.h): the `mail` app's syncs, the `crypto` app as the domain's
 * VPN on its packets (netstack.h), the mail-sync and download events,
 * over the modem's data bearer.
 *
 * Wiring (netstack.h): the stack's segments go to the modem driver as
 * the net device's packets would (DATA_TX over the mailbox); what the
 * driver receives (DATA_RX) it queues on the net device, from which this
 * part hands each packet to the stack as soon as the device raises its
 * line; the radio's uplink packets that are not the IMS core's reach the
 * stack's peers; the peers' downlink enters the radio. The net device is
 * the kernels' side of the ring, host-only here: the kernels that read
 * it are host-modelled, so no guest maps it.
 */
#include <stdlib.h>
#include <string.h>

#include "phone/modem.h"
#include "phone/netstack.h"
#include "phone/display.h"
#include "phone/part.h"
#include "sim/error.h"
#include "soc_models/devices/net.h"

typedef struct NetPart {
    const RunEnv *env;
    Modem *mo;
    NetStack *ns;
    NetState *net; /* the machine's "net" device */
    SimEvent rx_ev;
    bool store[SCENARIO_MAX_DOMAINS]; /* the domain's download is stored */
    bool failed;                      /* a store could not start */
    char fail_msg[320];
    uint8_t buf[HS_NET_MTU];
} NetPart;

static bool net_owns_app(ScenarioAppKind kind)
{
    return kind == SCENARIO_APP_MAIL || kind == SCENARIO_APP_CRYPTO;
}

/* The covert radio channel's apps ping a peer through the sockets. */
static bool net_wanted(const Scenario *sc)
{
    for (size_t d = 0; d < sc->n_domains; d++)
        for (size_t a = 0; a < sc->domains[d].n_apps; a++) {
            const ScenarioApp *app = &sc->domains[d].apps[a];
            if ((app->kind == SCENARIO_APP_COVERT_TX ||
                 app->kind == SCENARIO_APP_COVERT_RX) &&
                app->covert.channel == SCENARIO_COVERT_RADIO)
                return true;
        }
    return false;
}

static int link_tx(void *ctx, int domain, const uint8_t *pkt, size_t len,
                   hs_time when)
{
    NetPart *np = ctx;
    if (np->net->peer &&
        np->net->peer(np->net->peer_ctx, domain, pkt, len, when) == 0)
        return 0;
    /* the modem driver refused it (no bearer, a full mailbox ring): the
     * net device's transmit drop */
    if (domain >= 0 && domain < POWER_MAX_DOMAINS)
        np->net->slot[domain].tx_dropped++;
    return -1;
}

static int link_down(void *ctx, const uint8_t *pkt, size_t len, hs_time when)
{
    NetPart *np = ctx;
    return bb_radio_deliver(bb_radio(modem_bb(np->mo)), pkt, len, when);
}

static void radio_up(void *ctx, const uint8_t *pkt, size_t len, hs_time sent,
                     hs_time through)
{
    NetPart *np = ctx;
    netstack_uplink(np->ns, pkt, len, sent, through);
}

/* DATA_RX the driver queued: to the stack, domain by domain. */
static void on_rx(Sim *sim, void *ctx, hs_time now)
{
    (void)sim;
    NetPart *np = ctx;
    size_t n = machine_domain_count(np->env->m);
    for (size_t d = 0; d < n; d++) {
        int len;
        while ((len = net_rx_take(np->net, (int)d, np->buf, sizeof np->buf)) >
               0)
            netstack_rx(np->ns, np->buf, (size_t)len, now);
    }
}

static void on_net_irq(void *ctx, int line, bool level)
{
    (void)line;
    NetPart *np = ctx;
    Sim *sim = machine_sim(np->env->m);
    if (level && !sim_event_pending(&np->rx_ev))
        sim_schedule_at(sim, &np->rx_ev, sim_now(sim));
}

/* A download finished in the guest: its `store` step, in the domain's
 * guest code through the display part's storage. */
static void on_got(void *ctx, int domain, uint64_t bytes, int status,
                   hs_time when)
{
    NetPart *np = ctx;
    if (status != 0 || domain < 0 || domain >= SCENARIO_MAX_DOMAINS ||
        !np->store[domain])
        return;
    np->store[domain] = false;
    void *disp = np->env->part(np->env->part_ctx, "display");
    char err[256];
    if (!disp) {
        snprintf(np->fail_msg, sizeof np->fail_msg,
                 "download: no storage to store the document in");
        np->failed = true;
    } else if (phone_display_store(disp, domain, bytes, "download.store", when,
                                   err, sizeof err) < 0) {
        snprintf(np->fail_msg, sizeof np->fail_msg, "download: %s", err);
        np->failed = true;
    }
}

static void net_destroy(void *part)
{
    NetPart *np = part;
    if (!np)
        return;
    if (np->env)
        sim_cancel(machine_sim(np->env->m), &np->rx_ev);
    if (np->mo) {
        modem_set_data_uplink(np->mo, NULL, NULL);
        modem_set_net(np->mo, NULL);
    }
    netstack_free(np->ns);
    free(np);
}

static void *net_create(const RunEnv *env, char *err, size_t err_size)
{
    Modem *mo = env->part ? env->part(env->part_ctx, "modem") : NULL;
    if (!mo) {
        hs_errorf(err, err_size, "network: the run has no modem");
        return NULL;
    }
    NetPart *np = calloc(1, sizeof *np);
    if (!np) {
        hs_errorf(err, err_size, "out of memory");
        return NULL;
    }
    np->env = env;
    np->mo = mo;
    np->net = (NetState *)machine_device(env->m, "net");
    if (!np->net) {
        hs_errorf(err, err_size, "network: the machine has no net device");
        free(np);
        return NULL;
    }
    sim_event_init(&np->rx_ev, "netstack.rx", on_rx, np, 2);
    machine_device_irq(env->m, "net", on_net_irq, np);
    modem_set_net(mo, np->net);
    NetStackLinks links = {
        .tx = link_tx, .tx_ctx = np, .down = link_down, .down_ctx = np};
    np->ns = netstack_new(env, &links, err, err_size);
    if (!np->ns) {
        net_destroy(np);
        return NULL;
    }
    modem_set_data_uplink(mo, radio_up, np);
    netstack_set_get_hook(np->ns, on_got, np);
    if (netstack_start(np->ns, err, err_size) < 0) {
        net_destroy(np);
        return NULL;
    }
    return np;
}

static int net_action(void *part, const ScenarioEvent *ev, int index,
                      hs_time now, char *err, size_t err_size)
{
    NetPart *np = part;
    if (ev->action == SCENARIO_ACTION_DOWNLOAD && ev->domain >= 0 &&
        ev->domain < SCENARIO_MAX_DOMAINS)
        np->store[ev->domain] = ev->store;
    return netstack_action(np->ns, ev, index, now, err, err_size);
}

static int net_finish(void *part, Results *r, char *err, size_t err_size)
{
    NetPart *np = part;
    if (np->failed)
        return hs_errorf(err, err_size, "%s", np->fail_msg);
    uint64_t rx_full = 0, tx_refused = 0;
    for (size_t i = 0; i < NET_SLOTS; i++) {
        rx_full += np->net->slot[i].rx_dropped;
        tx_refused += np->net->slot[i].tx_dropped;
    }
    if (results_count_dropped(r, "net.rx_queue", rx_full, err, err_size) < 0 ||
        results_count_dropped(r, "net.tx", tx_refused, err, err_size) < 0)
        return -1;
    return netstack_finish(np->ns, r, err, err_size);
}

static const char *const net_devices[] = {"net", "sock", NULL};

const RunPart phone_part_netstack = {
    .devices = net_devices,
    .name = "netstack",
    .owns_app = net_owns_app,
    .owns_action = netstack_handles,
    .needs = "modem",
    .wanted = net_wanted,
    .create = net_create,
    .action = net_action,
    .finish = net_finish,
    .destroy = net_destroy,
};
