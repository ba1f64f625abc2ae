/*
 * mm1_demo.c - prints the event kernel's M/M/1 validation (make run shows
 * it until the scenario runner exists).
 */
#include <stdio.h>

#include "unit/mm1_model.h"

int main(void)
{
    const double lambda = 0.8, mu = 1.0;
    const unsigned long long n = 1000000;
    Mm1Result r;
    if (mm1_run(1, lambda, mu, n, &r) < 0) {
        fprintf(stderr, "mm1-demo: out of memory\n");
        return 1;
    }
    double err = (r.mean_system_s - r.expected_s) / r.expected_s * 100.0;
    printf(
        "M/M/1 on the event kernel: lambda=%.2f/s mu=%.2f/s, %llu customers\n",
        lambda, mu, n);
    printf("  mean time in system  %.4f s (simulated)\n", r.mean_system_s);
    printf("  textbook 1/(mu-l)    %.4f s\n", r.expected_s);
    printf("  relative error       %+.2f %%\n", err);
    printf("  events fired         %llu\n", (unsigned long long)r.events);
    return 0;
}
