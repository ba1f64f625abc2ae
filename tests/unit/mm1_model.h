/*
 * mm1_model.h - an M/M/1 queue on the event kernel, the textbook check
 * that the kernel's ordering and random streams are right: with arrival
 * rate lambda and service rate mu the mean time in system is 1/(mu-lambda).
 */
#ifndef HS_TESTS_MM1_MODEL_H
#define HS_TESTS_MM1_MODEL_H

#include <stdint.h>

typedef struct Mm1Result {
    uint64_t customers;   /* customers that completed service */
    double mean_system_s; /* mean time in system, simulated seconds */
    double expected_s;    /* 1 / (mu - lambda) */
    uint64_t events;      /* kernel events fired */
} Mm1Result;

/* Runs until `customers` have departed. Rates are per simulated second.
 * Returns 0, or -1 on allocation failure. */
int mm1_run(uint64_t seed, double lambda, double mu, uint64_t customers,
            Mm1Result *out);

#endif
