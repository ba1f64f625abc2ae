/*
 * mm1_model.c - M/M/1 queue: one server, FIFO, exponential inter-arrival
 * and service times drawn from two named streams of the run.
 */
#include "mm1_model.h"

#include <math.h>
#include <stdlib.h>

#include "sim/sim.h"

typedef struct Mm1 {
    Sim *sim;
    SimRng *arrivals, *service;
    double lambda, mu;
    SimEvent arrive, depart;
    hs_time *fifo;         /* arrival times of customers in system */
    size_t head, len, cap; /* ring buffer over fifo */
    uint64_t done, target;
    double sum_s;
} Mm1;

static hs_time draw(SimRng *r, double rate)
{
    return (hs_time)llround(sim_rng_exponential(r, 1.0 / rate) * (double)HS_S);
}

static int push(Mm1 *m, hs_time t)
{
    if (m->len == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 64;
        hs_time *f = malloc(cap * sizeof *f);
        if (!f)
            return -1;
        for (size_t i = 0; i < m->len; i++)
            f[i] = m->fifo[(m->head + i) % m->cap];
        free(m->fifo);
        m->fifo = f;
        m->cap = cap;
        m->head = 0;
    }
    m->fifo[(m->head + m->len++) % m->cap] = t;
    return 0;
}

static void on_arrive(Sim *sim, void *ctx, hs_time now)
{
    Mm1 *m = ctx;
    if (push(m, now) < 0) {
        sim_stop(sim);
        return;
    }
    if (m->len == 1)
        sim_schedule_in(sim, &m->depart, draw(m->service, m->mu));
    sim_schedule_in(sim, &m->arrive, draw(m->arrivals, m->lambda));
}

static void on_depart(Sim *sim, void *ctx, hs_time now)
{
    Mm1 *m = ctx;
    hs_time arrived = m->fifo[m->head];
    m->head = (m->head + 1) % m->cap;
    m->len--;
    m->sum_s += sim_time_to_s(now - arrived);
    if (++m->done == m->target) {
        sim_stop(sim);
        return;
    }
    if (m->len)
        sim_schedule_in(sim, &m->depart, draw(m->service, m->mu));
}

int mm1_run(uint64_t seed, double lambda, double mu, uint64_t customers,
            Mm1Result *out)
{
    Mm1 m = {.lambda = lambda, .mu = mu, .target = customers};
    m.sim = sim_new(seed);
    if (!m.sim)
        return -1;
    m.arrivals = sim_rng(m.sim, "mm1.arrivals");
    m.service = sim_rng(m.sim, "mm1.service");
    int rc = -1;
    if (!m.arrivals || !m.service)
        goto fail;
    sim_event_init(&m.arrive, "mm1.arrive", on_arrive, &m, 0);
    sim_event_init(&m.depart, "mm1.depart", on_depart, &m, 0);
    if (sim_schedule_in(m.sim, &m.arrive, draw(m.arrivals, lambda)) < 0)
        goto fail;
    sim_run(m.sim);
    if (m.done != customers)
        goto fail;
    out->customers = m.done;
    out->mean_system_s = m.sum_s / (double)m.done;
    out->expected_s = 1.0 / (mu - lambda);
    out->events = sim_events_fired(m.sim);
    rc = 0;
fail:
    free(m.fifo);
    sim_free(m.sim);
    return rc;
}
