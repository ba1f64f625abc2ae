/*
 * cmd_check.c - `handset check`: check results against a scenario's
 * expect assertions and/or a baseline (CI gate). The work is in
 * emu/out/check; this file reads the options and prints the report.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "out/check.h"

static int check_main(int argc, char **argv);

const CliCommand cli_cmd_check = {
    .name = "check",
    .summary = "check results against expectations or a baseline (CI gate)",
    .usage =
        "Usage: handset check RESULTS... [--baseline FILE] "
        "[--tolerance PCT]\n"
        "                     [--expect SCENARIO_FILE]\n"
        "\n"
        "RESULTS are results.json files or run directories holding\n"
        "<approach>/results.json. --expect evaluates the scenario's expect\n"
        "assertions on them; --baseline compares every value with a\n"
        "baseline results file or run directory, numbers within PCT percent\n"
        "(default 5). At least one of the two is needed.\n"
        "\n"
        "Exit 0 when every check passes, 1 when one fails (each failing\n"
        "metric is listed with both values), 2 on bad input.\n",
    .main = check_main,
};

#define DEFAULT_TOLERANCE_PCT 5.0

static int parse_pct(const char *text, double *out)
{
    char *end;
    double v = strtod(text, &end);
    if (end != text && *end == '%') /* "5%" reads as 5 */
        end++;
    if (end == text || *end != '\0' || !isfinite(v) || v < 0)
        return -1;
    *out = v;
    return 0;
}

static int check_main(int argc, char **argv)
{
    const char *baseline = NULL, *expect = NULL;
    double tolerance = DEFAULT_TOLERANCE_PCT;
    const char **inputs = calloc((size_t)argc, sizeof *inputs);
    size_t n_inputs = 0;
    int rc = HS_EXIT_USAGE;
    char err[CHECK_ERR_MAX];
    CheckSet runs, base;
    CheckExpectList list = {0};
    CheckReport rep;
    check_set_init(&runs);
    check_set_init(&base);
    check_report_init(&rep);
    if (!inputs) {
        fprintf(stderr, "handset check: out of memory\n");
        return HS_EXIT_USAGE;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool takes = strcmp(a, "--baseline") == 0 ||
                     strcmp(a, "--tolerance") == 0 ||
                     strcmp(a, "--expect") == 0;
        if (takes && i + 1 >= argc) {
            rc = cli_usage_error(&cli_cmd_check, "%s needs a value", a);
            goto done;
        }
        if (strcmp(a, "--baseline") == 0) {
            baseline = argv[++i];
        } else if (strcmp(a, "--expect") == 0) {
            expect = argv[++i];
        } else if (strcmp(a, "--tolerance") == 0) {
            if (parse_pct(argv[++i], &tolerance) < 0) {
                rc = cli_usage_error(&cli_cmd_check,
                                     "--tolerance: expected a percentage "
                                     "of 0 or more (got '%s')",
                                     argv[i]);
                goto done;
            }
        } else if (a[0] == '-' && a[1] != '\0') {
            rc = cli_usage_error(&cli_cmd_check, "unknown option '%s'", a);
            goto done;
        } else {
            inputs[n_inputs++] = a;
        }
    }
    if (n_inputs == 0) {
        rc = cli_usage_error(&cli_cmd_check, "no RESULTS given");
        goto done;
    }
    if (!baseline && !expect) {
        rc = cli_usage_error(&cli_cmd_check,
                             "nothing to check: give --expect "
                             "SCENARIO_FILE and/or --baseline FILE");
        goto done;
    }
    for (size_t i = 0; i < n_inputs; i++)
        if (check_set_add(&runs, inputs[i], err, sizeof err) < 0)
            goto bad_input;
    if (baseline && check_set_add(&base, baseline, err, sizeof err) < 0)
        goto bad_input;
    if (expect && check_expect_load(expect, &list, err, sizeof err) < 0)
        goto bad_input;
    if (expect && list.n == 0) {
        fprintf(stderr, "handset check: %s has no expect assertions\n", expect);
        goto done;
    }
    if ((expect && check_expect_eval(&runs, &list, &rep) < 0) ||
        (baseline && check_baseline(&base, &runs, tolerance, &rep) < 0)) {
        fprintf(stderr, "handset check: out of memory\n");
        goto done;
    }
    if (rep.text)
        fputs(rep.text, stdout);
    printf("check: %u passed, %u failed\n", rep.passed, rep.failed);
    rc = rep.failed ? HS_EXIT_FAIL : HS_EXIT_OK;
    goto done;
bad_input:
    fprintf(stderr, "handset check: %s\n", err);
done:
    check_report_free(&rep);
    check_expect_list_free(&list);
    check_set_free(&base);
    check_set_free(&runs);
    free(inputs);
    return rc;
}
