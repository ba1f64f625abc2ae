/*
 * cmd_check.c - `handset check`: check results against a scenario's
 * expect assertions and/or a baseline (CI gate). The scenario file is
 * read by scenario_load, the one parser of the format, so check accepts
 * exactly what run and validate accept; its assertions, whose approaches
 * and variants are indices there, become CheckExpect items with names,
 * which emu/out/check evaluates without knowing about scenarios. This
 * file reads the options, converts, and prints the report.
 */
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "out/atomic.h"
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
        "                     [--expect SCENARIO] [--json] [--junit FILE]\n"
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
        "Results of another scenario than the --expect file's, or than the\n"
        "baseline's, are refused (exit 2).\n"
        "\n"
        "--json prints the outcome as one JSON object on stdout instead of\n"
        "lines: {\"passed\", \"failed\", \"checks\": [{\"outcome\", "
        "\"text\"}]}.\n"
        "--junit FILE also writes the outcome as JUnit XML for CI systems:\n"
        "one testsuite, one testcase per check, a <failure> per FAIL.\n"
        "SCENARIO is a shipped name or a file.\n"
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
static int load_expects(const char *file, CheckExpectList *out, char **name,
                        char *err, size_t err_size)
{
    Scenario *sc = scenario_load(file, err, err_size);
    if (!sc)
        return -1;
    *name = strdup(sc->name);
    if (!*name) {
        scenario_free(sc);
        return hs_errorf(err, err_size, "out of memory");
    }
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

/* Refuses runs of another scenario than `scenario` (what): exit 2. */
static int same_scenario(const CheckSet *runs, const char *scenario,
                         const char *what, char *err, size_t err_size)
{
    for (size_t i = 0; i < runs->n; i++) {
        const char *s =
            json_string_value(json_object_get(runs->runs[i].root, "scenario"));
        if (!s || strcmp(s, scenario) != 0)
            return hs_errorf(err, err_size,
                             "%s: results of scenario '%s', not of '%s' (%s); "
                             "nothing checked",
                             runs->runs[i].file, s ? s : "?", scenario, what);
    }
    return 0;
}

/* The report's lines ("PASS  ..." / "FAIL  ...") one by one. */
typedef void (*LineFunc)(void *ctx, bool pass, const char *line, size_t len);

static void each_line(const CheckReport *rep, LineFunc fn, void *ctx)
{
    for (const char *p = rep->text; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        fn(ctx, strncmp(p, "PASS", 4) == 0, p, len);
        p += len + (nl ? 1 : 0);
    }
}

static void json_line(void *ctx, bool pass, const char *line, size_t len)
{
    json_array_append_new(ctx,
                          json_pack("{s:s,s:s%}", "outcome",
                                    pass ? "pass" : "fail", "text", line, len));
}

static void xml_text(FILE *f, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '&':
            fputs("&amp;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        default:
            /* XML 1.0 allows no other control characters */
            if (c < 0x20 && c != '\t')
                fputc(' ', f);
            else
                fputc(c, f);
        }
    }
}

static void junit_line(void *ctx, bool pass, const char *line, size_t len)
{
    FILE *f = ctx;
    /* the name without the PASS/FAIL word, so a test keeps its name */
    size_t skip = len >= 6 ? 6 : len;
    fputs("    <testcase classname=\"handset.check\" name=\"", f);
    xml_text(f, line + skip, len - skip);
    if (pass) {
        fputs("\"/>\n", f);
        return;
    }
    fputs("\">\n      <failure message=\"", f);
    xml_text(f, line + skip, len - skip);
    fputs("\"/>\n    </testcase>\n", f);
}

static int write_junit(FILE *out, void *ctx, char *err, size_t err_size)
{
    const CheckReport *rep = ctx;
    fprintf(out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<testsuites tests=\"%u\" failures=\"%u\">\n"
            "  <testsuite name=\"handset check\" tests=\"%u\" "
            "failures=\"%u\" errors=\"0\" skipped=\"0\">\n",
            rep->passed + rep->failed, rep->failed, rep->passed + rep->failed,
            rep->failed);
    each_line(rep, junit_line, out);
    fputs("  </testsuite>\n</testsuites>\n", out);
    return ferror(out) ? hs_errorf(err, err_size, "write failed") : 0;
}

enum { OPT_BASELINE = 256, OPT_TOLERANCE, OPT_EXPECT, OPT_JSON, OPT_JUNIT };

static int check_main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"baseline", required_argument, NULL, OPT_BASELINE},
        {"tolerance", required_argument, NULL, OPT_TOLERANCE},
        {"expect", required_argument, NULL, OPT_EXPECT},
        {"json", no_argument, NULL, OPT_JSON},
        {"junit", required_argument, NULL, OPT_JUNIT},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *baseline = NULL, *expect = NULL, *junit = NULL;
    bool as_json = false;
    double tolerance = DEFAULT_TOLERANCE_PCT;
    int rc = HS_EXIT_USAGE;
    char err[CHECK_ERR_MAX], expect_path[PATH_MAX];
    char *scenario = NULL;
    CheckSet runs, base;
    CheckExpectList list;
    CheckReport rep;
    check_set_init(&runs);
    check_set_init(&base);
    check_report_init(&rep);
    check_expect_list_init(&list);
    optind = 0;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case OPT_BASELINE:
            baseline = optarg;
            break;
        case OPT_EXPECT:
            expect = optarg;
            break;
        case OPT_JSON:
            as_json = true;
            break;
        case OPT_JUNIT:
            junit = optarg;
            break;
        case OPT_TOLERANCE:
            if (parse_pct(optarg, &tolerance) < 0)
                return cli_usage_error(&cli_cmd_check,
                                       "--tolerance: expected a percentage "
                                       "of 0 or more (got '%s')",
                                       optarg);
            break;
        case 'h':
            return cli_print_help(&cli_cmd_check);
        case ':':
            return cli_usage_error(&cli_cmd_check, "%s needs a value",
                                   argv[optind - 1]);
        default:
            return cli_usage_error(&cli_cmd_check, "unknown option '%s'",
                                   argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return cli_usage_error(&cli_cmd_check, "no RESULTS given");
    if (!baseline && !expect)
        return cli_usage_error(&cli_cmd_check,
                               "nothing to check: give --expect "
                               "SCENARIO and/or --baseline FILE");
    for (int i = optind; i < argc; i++)
        if (check_set_add(&runs, argv[i], err, sizeof err) < 0)
            goto bad_input;
    if (baseline) {
        if (check_set_add(&base, baseline, err, sizeof err) < 0)
            goto bad_input;
        const char *theirs = base.n > 0 ? json_string_value(json_object_get(
                                              base.runs[0].root, "scenario"))
                                        : NULL;
        if (same_scenario(&runs, theirs ? theirs : "?", "the baseline's", err,
                          sizeof err) < 0)
            goto bad_input;
    }
    if (expect &&
        (cli_scenario_path(expect, expect_path, sizeof expect_path, err,
                           sizeof err) < 0 ||
         load_expects(expect_path, &list, &scenario, err, sizeof err) < 0 ||
         same_scenario(&runs, scenario, "the --expect file's", err,
                       sizeof err) < 0))
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
    if (junit &&
        atomic_write_file(junit, write_junit, &rep, err, sizeof err) < 0) {
        fprintf(stderr, "handset check: %s\n", err);
        rc = HS_EXIT_FAIL;
        goto done;
    }
    if (as_json) {
        json_t *checks = json_array();
        each_line(&rep, json_line, checks);
        json_t *o =
            json_pack("{s:I,s:I,s:o}", "passed", (json_int_t)rep.passed,
                      "failed", (json_int_t)rep.failed, "checks", checks);
        json_dumpf(o, stdout, JSON_INDENT(2));
        fputc('\n', stdout);
        json_decref(o);
    } else {
        if (rep.text)
            fputs(rep.text, stdout);
        printf("check: %u passed, %u failed\n", rep.passed, rep.failed);
    }
    rc = rep.failed ? HS_EXIT_FAIL : HS_EXIT_OK;
    goto done;
bad_input:
    fprintf(stderr, "handset check: %s\n", err);
done:
    free(scenario);
    check_report_free(&rep);
    check_expect_list_free(&list);
    check_set_free(&base);
    check_set_free(&runs);
    return rc;
}
