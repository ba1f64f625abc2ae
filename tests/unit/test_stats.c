/*
 * test_stats.c - Student-t quantiles against published values and a
 * summary against a hand computation (out/stats.h).
 */
#include <math.h>

#include "harness.h"
#include "out/stats.h"

/* t(0.975, df), from R's qt(0.975, df) (the same values, to the digits
 * printed, as NIST/SEMATECH e-Handbook of Statistical Methods, table
 * 1.3.6.7.2, "Critical values of the Student's t distribution"). */
static const struct {
    double df, t;
} t975[] = {
    {1, 12.7062047361747},  {2, 4.30265272974946},   {3, 3.18244630528371},
    {4, 2.77644510519779},  {5, 2.57058183563631},   {7, 2.36462425159278},
    {9, 2.2621571627982},   {10, 2.22813885198627},  {19, 2.09302405440831},
    {30, 2.04227245630124}, {100, 1.98397151852355},
};

static void test_t_quantile_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof t975 / sizeof t975[0]; i++) {
        double q = stats_t_quantile(0.975, t975[i].df);
        if (fabs(q - t975[i].t) > 1e-9)
            fail_msg("df %g: %.15g, wanted %.15g", t975[i].df, q, t975[i].t);
    }
    /* large df tends to the normal quantile 1.959963984540054 */
    assert_true(fabs(stats_t_quantile(0.975, 1e7) - 1.959963984540054) < 1e-6);
}

static void test_t_cdf_and_incbeta(void **state)
{
    (void)state;
    assert_true(fabs(stats_t_cdf(0, 5) - 0.5) < 1e-15);
    /* df 1 is the Cauchy distribution: F(t) = 1/2 + atan(t)/pi */
    for (double t = -5; t <= 5; t += 0.5)
        assert_true(fabs(stats_t_cdf(t, 1) - (0.5 + atan(t) / M_PI)) < 1e-12);
    /* I_x(1, 1) = x; I_x(a, 1) = x^a */
    assert_true(fabs(stats_incbeta(1, 1, 0.3) - 0.3) < 1e-14);
    assert_true(fabs(stats_incbeta(3, 1, 0.7) - pow(0.7, 3)) < 1e-14);
}

static void test_summary_by_hand(void **state)
{
    (void)state;
    const double x[] = {1, 2, 3, 4, 5, 6, 7, 8};
    StatsSummary s = stats_summarise(x, 8);
    assert_int_equal(s.n, 8);
    assert_true(fabs(s.mean - 4.5) < 1e-15);
    /* sum of squared deviations 42, over n - 1 = 7: variance 6 */
    assert_true(fabs(s.sd - sqrt(6.0)) < 1e-14);
    assert_true(fabs(s.ci_half - 2.36462425159278 * sqrt(6.0) / sqrt(8.0)) <
                1e-9);
    StatsSummary one = stats_summarise(x, 1);
    assert_int_equal(one.n, 1);
    assert_true(one.mean == 1 && one.sd == 0 && one.ci_half == 0);
    const double same[] = {3, 3, 3};
    StatsSummary z = stats_summarise(same, 3);
    assert_true(z.sd == 0 && z.ci_half == 0);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_t_quantile_table),
    cmocka_unit_test(test_t_cdf_and_incbeta),
    cmocka_unit_test(test_summary_by_hand),
};
HS_TEST_GROUP(out_stats, tests)
