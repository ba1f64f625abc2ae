/*
 * stats.h - the statistics of a study: mean, sample standard deviation
 * and a two-sided 95 % confidence interval of the mean by Student's t,
 * for figures measured once per seed (results/README.md, "Statistics").
 *
 * The t quantile is computed, not looked up: Student's t distribution
 * function through the regularised incomplete beta function
 * (Abramowitz & Stegun 26.7.1 with 26.5.8's continued fraction, evaluated
 * by the modified Lentz method, Numerical Recipes 3rd ed. section 6.4),
 * inverted by bisection to 1e-12. Every number here is a double computed
 * in the same order on every machine, so equal inputs give equal bits.
 */
#ifndef HS_OUT_STATS_H
#define HS_OUT_STATS_H

#include <stddef.h>

/* Summary of n values. */
typedef struct StatsSummary {
    size_t n;       /* number of values */
    double mean;    /* arithmetic mean (n >= 1) */
    double sd;      /* sample standard deviation, n - 1 in the divisor
                     * (n >= 2) */
    double ci_half; /* half-width of the 95 % CI: t(0.975, n-1) sd/sqrt(n)
                     * (n >= 2) */
} StatsSummary;

/* Regularised incomplete beta function I_x(a, b), a, b > 0, 0 <= x <= 1. */
double stats_incbeta(double a, double b, double x);

/* P(T <= t) for Student's t with df degrees of freedom (df >= 1). */
double stats_t_cdf(double t, double df);

/* The p quantile (0.5 <= p < 1) of Student's t with df >= 1 degrees of
 * freedom: the t with stats_t_cdf(t, df) = p. */
double stats_t_quantile(double p, double df);

/* Summarises x[0..n-1]; fields that need more values than n are 0. */
StatsSummary stats_summarise(const double *x, size_t n);

#endif /* HS_OUT_STATS_H */
