/*
 * cmd_check.c - `handset check`: check results against a scenario's
 * expect assertions and/or a baseline (CI gate). The scenario file is
 * read by scenario_load, the one parser of the format, so check accepts
 * exactly what run and validate accept; its assertions, whose approaches
 * and variants are indices there, become CheckExpect items with names,
 * which emu/out/check evaluates without knowing about scenarios. This
 * file reads the options, converts, and prints the report.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "out/check.h"
#include "config/names.h"
#include "config/scenario.h"
#include "sim/error.h"

static int check_main(int argc, char **argv);

const CliCommand cli_cmd_check = {
    .name = "check",
    .summary = "check results against expectations or a baseline (CI gate)",
    .usage =
        "Usage: handset check RESULTS... [--baseline FILE] "
        "[--tolerance PCT]\n"
        "                     [--expect SCENARIO_FILE]\n"
        "\n"
        "RESULTS are results.json files or run directories as run and\n"
        "compare -o DIR write them: DIR/<approach>/results.json, or\n"
        "DIR/<variant>/<approach>/results.json for a scenario with several\n"
        "variants. A run is known by its variant and approach.\n"
        "\n"
        "--expect loads the scenario (validated as `handset validate` does)\n"
        "and evaluates its expect assertions (scenarios/README.md): each\n"
        "outcome is a PASS or FAIL line naming the run (approach, or\n"
        "variant/approach), the metric and both values; a FAIL line ends\n"
        "with the assertion's FILE:LINE:COLUMN. Approach \"*\" checks every\n"
        "approach in the results, no variant every variant; an assertion\n"
        "whose approach or variant has no results fails.\n"
        "--baseline compares every value with the baseline run of the same\n"
        "variant and approach (a file or run directory), numbers within\n"
        "PCT percent (default 5). At least one of the two is needed.\n"
        "\n"
        "Exit 0 when every check passes, 1 when one fails, 2 on bad input.\n",
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

/* Name of a variant index (SCENARIO_NONE: NULL, every variant). */
static const char *variant_name(const Scenario *sc, int v)
{
    return v == SCENARIO_NONE ? NULL : sc->variants[v].name;
}

static CheckOp op_of(ScenarioOp op)
{
    switch (op) {
    case SCENARIO_OP_LT:
        return CHECK_LT;
    case SCENARIO_OP_LE:
        return CHECK_LE;
    case SCENARIO_OP_GT:
        return CHECK_GT;
    case SCENARIO_OP_GE:
        return CHECK_GE;
    case SCENARIO_OP_EQ:
        return CHECK_EQ;
    case SCENARIO_OP_NE:
        break;
    }
    return CHECK_NE;
}

/* Name of an approach index (SCENARIO_NONE: "*"). */
static const char *approach_name(int a)
{
    return a == SCENARIO_NONE ? CHECK_ANY : scenario_approach_names[a];
}

/* The scenario loader checks a metric's syntax and section; the schema
 * of results.json is check's to know, so its names are checked here. */
static int metric_ok(const ScenarioExpect *x, size_t i, const char *key,
                     const char *metric, char *err, size_t err_size)
{
    char why[CHECK_ERR_MAX];
    if (check_metric_valid(metric, why, sizeof why) == 0)
        return 0;
    return hs_errorf(err, err_size, "%s: expect[%zu].%s: %s", x->where, i, key,
                     why);
}

/* Loads file's expect assertions into out. Returns 0 or -1 with a
 * message in err (bad input). */
static int load_expects(const char *file, CheckExpectList *out, char *err,
                        size_t err_size)
{
    Scenario *sc = scenario_load(file, err, err_size);
    if (!sc)
        return -1;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < sc->n_expects; i++) {
        const ScenarioExpect *x = &sc->expects[i];
        rc = metric_ok(x, i, "metric", x->metric, err, err_size);
        if (rc == 0 && x->relative)
            rc = metric_ok(x, i, "than.metric", x->than_metric, err, err_size);
        if (rc < 0)
            break;
        CheckExpect e = {
            .where = x->where,
            .metric = x->metric,
            .approach = approach_name(x->approach),
            .variant = variant_name(sc, x->variant),
            .op = op_of(x->op),
            .relative = x->relative,
            .value = x->value,
            .than_metric = x->relative ? x->than_metric : NULL,
            .than_approach =
                x->relative ? approach_name(x->than_approach) : NULL,
            .than_variant =
                x->relative ? variant_name(sc, x->than_variant) : NULL,
            .factor = x->factor,
        };
        if (check_expect_add(out, &e) < 0)
            rc = hs_errorf(err, err_size, "%s: out of memory", file);
    }
    scenario_free(sc);
    return rc;
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
    CheckExpectList list;
    CheckReport rep;
    check_set_init(&runs);
    check_set_init(&base);
    check_report_init(&rep);
    check_expect_list_init(&list);
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
    if (expect && load_expects(expect, &list, err, sizeof err) < 0)
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
