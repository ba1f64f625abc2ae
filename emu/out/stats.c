/*
 * stats.c - mean, standard deviation and Student-t confidence intervals:
 * see stats.h.
 */
#include "out/stats.h"

#include <math.h>

/* One step of the modified Lentz method: c and d updated with the
 * partial numerator aa; returns the factor for the fraction. */
static double lentz_step(double *c, double *d, double aa)
{
    const double tiny = 1e-300;
    *d = 1.0 + aa * *d;
    if (fabs(*d) < tiny)
        *d = tiny;
    *c = 1.0 + aa / *c;
    if (fabs(*c) < tiny)
        *c = tiny;
    *d = 1.0 / *d;
    return *d * *c;
}

/* Continued fraction of the incomplete beta function (A&S 26.5.8),
 * modified Lentz. Converges fast for x < (a + 1) / (a + b + 2). */
static double betacf(double a, double b, double x)
{
    const double tiny = 1e-300, eps = 1e-16;
    double qab = a + b, qap = a + 1.0, qam = a - 1.0;
    double c = 1.0, d = 1.0 - qab * x / qap;
    if (fabs(d) < tiny)
        d = tiny;
    d = 1.0 / d;
    double h = d;
    for (int m = 1; m <= 10000; m++) {
        int m2 = 2 * m;
        h *= lentz_step(&c, &d, m * (b - m) * x / ((qam + m2) * (a + m2)));
        double del = lentz_step(
            &c, &d, -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)));
        h *= del;
        if (fabs(del - 1.0) < eps)
            break;
    }
    return h;
}

double stats_incbeta(double a, double b, double x)
{
    if (x <= 0.0)
        return 0.0;
    if (x >= 1.0)
        return 1.0;
    /* the factor x^a (1-x)^b / (a B(a, b)), through log-gamma */
    double lbt =
        lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x);
    double bt = exp(lbt);
    if (x < (a + 1.0) / (a + b + 2.0))
        return bt * betacf(a, b, x) / a;
    return 1.0 - bt * betacf(b, a, 1.0 - x) / b;
}

double stats_t_cdf(double t, double df)
{
    /* A&S 26.7.1: P(|T| > t) = I_{df/(df+t^2)}(df/2, 1/2) */
    double tail = 0.5 * stats_incbeta(df / 2.0, 0.5, df / (df + t * t));
    return t >= 0 ? 1.0 - tail : tail;
}

double stats_t_quantile(double p, double df)
{
    double lo = 0.0, hi = 1.0;
    while (stats_t_cdf(hi, df) < p && hi < 1e12)
        hi *= 2.0;
    /* bisection: 100 halvings take any bracket below 1e-12 */
    for (int i = 0; i < 100 && hi - lo > 1e-12 * (1.0 + hi); i++) {
        double mid = lo + (hi - lo) / 2.0;
        if (stats_t_cdf(mid, df) < p)
            lo = mid;
        else
            hi = mid;
    }
    return lo + (hi - lo) / 2.0;
}

StatsSummary stats_summarise(const double *x, size_t n)
{
    StatsSummary s = {.n = n};
    if (n == 0)
        return s;
    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += x[i];
    s.mean = sum / (double)n;
    if (n < 2)
        return s;
    /* two passes: the deviations from the mean, not sum of squares minus
     * square of sums, which cancels badly */
    double ss = 0.0;
    for (size_t i = 0; i < n; i++)
        ss += (x[i] - s.mean) * (x[i] - s.mean);
    s.sd = sqrt(ss / (double)(n - 1));
    s.ci_half =
        stats_t_quantile(0.975, (double)(n - 1)) * s.sd / sqrt((double)n);
    return s;
}
