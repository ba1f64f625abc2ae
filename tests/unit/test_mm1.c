/*
 * test_mm1.c - validates the event kernel against the M/M/1 textbook
 * answer: lambda = 0.8, mu = 1.0, mean time in system 1/(mu-lambda) = 5.
 */
#include "harness.h"

#include <math.h>

#include "mm1_model.h"

static void test_mm1_mean_time_in_system(void **state)
{
    (void)state;
    Mm1Result r;
    assert_int_equal(mm1_run(1, 0.8, 1.0, 1000000, &r), 0);
    assert_int_equal(r.customers, 1000000);
    double rel = fabs(r.mean_system_s - 5.0) / 5.0;
    if (rel >= 0.02)
        fail_msg("mean time in system %.4f s, expected 5.0 +- 2%%",
                 r.mean_system_s);
}

static void test_mm1_deterministic(void **state)
{
    (void)state;
    Mm1Result a, b;
    assert_int_equal(mm1_run(5, 0.5, 1.0, 20000, &a), 0);
    assert_int_equal(mm1_run(5, 0.5, 1.0, 20000, &b), 0);
    assert_memory_equal(&a.mean_system_s, &b.mean_system_s, sizeof(double));
    assert_int_equal(a.events, b.events);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_mm1_mean_time_in_system),
    cmocka_unit_test(test_mm1_deterministic),
};
HS_TEST_GROUP(sim_mm1, tests)
