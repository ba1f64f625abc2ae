/*
 * covert.c - the covert-channel apps of a run: the guest's sender
 * (covert-tx) and receiver (covert-rx) started on a common time grid, and
 * the estimator fed with what they logged.
 *
 * At the start of the run each sender and receiver gets its request
 * (guest/include/abi/covert.h) in its domain's I/O area and an HS_EV_CALL; from
 * then on everything is guest code under the approach. The sender logs
 * every symbol it sends (HS_PC_LOG HS_LOG_SENT, value k << 1 | bit), the
 * receiver every symbol it decodes from what its own code observed
 * (HS_LOG_DECODED). At the end each receiver is paired with the first
 * sender of the same channel in another domain, slot k with slot k: a
 * slot the receiver never decoded is an erasure. The estimator (flow/
 * covert.h) turns the pairs into a bit error rate, mutual information
 * per symbol and bits per second. Nothing about the channel's capacity is
 * configured anywhere: it is what the receiver managed to decode.
 *
 * The sender's bit stream is seeded from the run's stream "covert.<dom>",
 * so two runs with the same seed send the same bits.
 */
#include <stdlib.h>
#include <string.h>

#include "abi/covert.h"
#include "flow/covert.h"
#include "platform.h"
#include "phone/part.h"
#include "sim/error.h"
#include "sim/rng.h"

/* Where the requests live in a domain's I/O area (clear of the message
 * buffer at its start and the phone app's state at +0xf0000). */
#define COVERT_IO_ADDR (HS_IO_BASE + 0x10000)

typedef struct CovertApp {
    int domain;
    bool tx;
    const ScenarioCovertParams *p;
    uint32_t *slot; /* per symbol: bit, or COVERT_ERASURE */
} CovertApp;

typedef struct CovertPart {
    const RunEnv *env;
    CovertApp apps[SCENARIO_MAX_DOMAINS * 2];
    size_t n_apps;
} CovertPart;

static bool covert_owns_app(ScenarioAppKind kind)
{
    return kind == SCENARIO_APP_COVERT_TX || kind == SCENARIO_APP_COVERT_RX;
}

static bool covert_owns_action(ScenarioAction action)
{
    (void)action;
    return false;
}

static const char *channel_name(ScenarioCovertChannel c)
{
    switch (c) {
    case SCENARIO_COVERT_WAKELOCK:
        return "wakelock";
    case SCENARIO_COVERT_CPU:
        return "cpu";
    case SCENARIO_COVERT_RADIO:
        return "radio";
    case SCENARIO_COVERT_GPU:
        return "gpu";
    case SCENARIO_COVERT_DVFS:
        return "dvfs";
    }
    return "?";
}

/* The symbol logs of the guest apps. */
static void covert_log(void *ctx, int domain, uint64_t tag, uint64_t value,
                       hs_time when)
{
    (void)when;
    CovertPart *cp = ctx;
    if (tag != HS_LOG_SENT && tag != HS_LOG_DECODED)
        return;
    bool tx = tag == HS_LOG_SENT;
    uint64_t k = value >> 1;
    for (size_t i = 0; i < cp->n_apps; i++) {
        CovertApp *a = &cp->apps[i];
        if (a->domain == domain && a->tx == tx && k < a->p->symbols) {
            a->slot[k] = (uint32_t)(value & 1);
            return;
        }
    }
}

static int start_app(CovertPart *cp, CovertApp *a, char *err, size_t err_size)
{
    Machine *m = cp->env->m;
    const ScenarioCovertParams *p = a->p;
    HsCovertRequest rq;
    memset(&rq, 0, sizeof rq);
    /* Both ends get the sender's seed: the receiver uses it only to count
     * its own errors (rq.errors); the estimator reads the logs. */
    for (size_t i = 0; i < cp->n_apps; i++)
        if (cp->apps[i].tx && cp->apps[i].p->channel == p->channel) {
            char name[48];
            snprintf(name, sizeof name, "covert.%d", cp->apps[i].domain);
            rq.seed = sim_rng_u64(sim_rng(machine_sim(m), name));
            break;
        }
    rq.period_ns = p->symbol_period_ps / HS_NS;
    rq.start_ns = p->start_ps / HS_NS;
    rq.threshold_ns = p->threshold_ps / HS_NS;
    rq.symbols = p->symbols;
    switch (p->channel) {
    case SCENARIO_COVERT_WAKELOCK:
        rq.mode = HS_COVERT_WAKELOCK;
        rq.wakelock_id = p->wakelock_id;
        break;
    case SCENARIO_COVERT_CPU:
        rq.mode = HS_COVERT_BUSY;
        break;
    case SCENARIO_COVERT_RADIO:
        /* both ends talk to the peer through the network part's
         * sockets; the field carries the peer's index */
        rq.mode = HS_COVERT_RADIO;
        rq.wakelock_id = (uint32_t)p->peer;
        break;
    case SCENARIO_COVERT_GPU:
        rq.mode = HS_COVERT_GPU;
        break;
    case SCENARIO_COVERT_DVFS:
        rq.mode = HS_COVERT_DVFS;
        break;
    }
    GuestDma dma = machine_dma(m);
    if (dma_write(&dma, a->domain, COVERT_IO_ADDR, &rq, sizeof rq) < 0)
        return hs_errorf(err, err_size, "covert: cannot write the request");
    if (machine_inject(m, a->domain, HS_EV_CALL,
                       a->tx ? HS_CALL_COVERT_TX : HS_CALL_COVERT_RX,
                       COVERT_IO_ADDR) < 0)
        return hs_errorf(err, err_size, "covert: cannot start the app");
    return 0;
}

static void covert_destroy(void *part)
{
    CovertPart *cp = part;
    if (!cp)
        return;
    if (cp->env)
        machine_set_log_hook(cp->env->m, NULL, NULL);
    for (size_t i = 0; i < cp->n_apps; i++)
        free(cp->apps[i].slot);
    free(cp);
}

static void *covert_create(const RunEnv *env, char *err, size_t err_size)
{
    CovertPart *cp = calloc(1, sizeof *cp);
    if (!cp) {
        hs_errorf(err, err_size, "out of memory");
        return NULL;
    }
    cp->env = env;
    const Scenario *sc = env->sc;
    for (size_t d = 0; d < sc->n_domains; d++)
        for (size_t i = 0; i < sc->domains[d].n_apps; i++) {
            const ScenarioApp *app = &sc->domains[d].apps[i];
            if (!covert_owns_app(app->kind))
                continue;
            CovertApp *a = &cp->apps[cp->n_apps++];
            a->domain = (int)d;
            a->tx = app->kind == SCENARIO_APP_COVERT_TX;
            a->p = &app->covert;
            a->slot =
                malloc(sizeof *a->slot * (a->p->symbols ? a->p->symbols : 1));
            if (!a->slot) {
                covert_destroy(cp);
                hs_errorf(err, err_size, "out of memory");
                return NULL;
            }
            for (uint32_t k = 0; k < a->p->symbols; k++)
                a->slot[k] = COVERT_ERASURE;
        }
    machine_set_log_hook(env->m, covert_log, cp);
    for (size_t i = 0; i < cp->n_apps; i++)
        if (start_app(cp, &cp->apps[i], err, err_size) < 0) {
            covert_destroy(cp);
            return NULL;
        }
    return cp;
}

static int covert_action(void *part, const ScenarioEvent *ev, int index,
                         hs_time now, char *err, size_t err_size)
{
    (void)part;
    (void)ev;
    (void)index;
    (void)now;
    return hs_errorf(err, err_size, "covert: no actions");
}

static int covert_finish(void *part, Results *r, char *err, size_t err_size)
{
    CovertPart *cp = part;
    Machine *m = cp->env->m;
    for (size_t i = 0; i < cp->n_apps; i++) {
        const CovertApp *rx = &cp->apps[i];
        if (rx->tx)
            continue;
        const CovertApp *tx = NULL;
        for (size_t j = 0; j < cp->n_apps && !tx; j++)
            if (cp->apps[j].tx && cp->apps[j].domain != rx->domain &&
                cp->apps[j].p->channel == rx->p->channel)
                tx = &cp->apps[j];
        CovertChannel ch;
        if (covert_init(&ch, 2, rx->p->symbol_period_ps) < 0)
            return hs_errorf(err, err_size, "covert: bad symbol period");
        uint32_t n = rx->p->symbols;
        if (tx && tx->p->symbols < n)
            n = tx->p->symbols;
        /* Slots the sender sent; with no sender every slot is unpaired
         * and nothing is measured. */
        for (uint32_t k = 0; tx && k < n; k++)
            if (tx->slot[k] != COVERT_ERASURE)
                covert_add(&ch, tx->slot[k], rx->slot[k]);
        CovertEstimate e = covert_estimate(&ch);
        ResultsCovert rc = {
            .channel = channel_name(rx->p->channel),
            .sender = tx ? machine_domain_name(m, tx->domain) : "",
            .receiver = machine_domain_name(m, rx->domain),
            .symbols = e.symbols,
            .symbol_period = rx->p->symbol_period_ps,
            .bit_error_rate = e.bit_error_rate,
            .mutual_info_bits = e.mutual_info_bits_per_symbol,
            .bits_per_s = e.bits_per_s,
        };
        if (results_add_covert(r, &rc, err, err_size) < 0)
            return -1;
    }
    return 0;
}

const RunPart phone_part_covert = {
    .name = "covert",
    .owns_app = covert_owns_app,
    .owns_action = covert_owns_action,
    .create = covert_create,
    .action = covert_action,
    .finish = covert_finish,
    .destroy = covert_destroy,
};
