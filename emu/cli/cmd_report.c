/*
 * cmd_report.c - `handset report DIR`: report.html with gnuplot plots
 * for a run, compare or sweep directory (out/report.h).
 */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "out/report.h"

static int report_main(int argc, char **argv);

const CliCommand cli_cmd_report = {
    .name = "report",
    .summary = "write report.html with plots for a run, compare or sweep",
    .usage =
        "Usage: handset report DIR\n"
        "\n"
        "Writes DIR/report.html, one self-contained page (no network needed\n"
        "to open it) with SVG plots drawn by gnuplot: power over time per\n"
        "run, latency distributions (CDF) per metric, energy by component\n"
        "and by domain, and for a sweep (DIR/summary.json) each metric's\n"
        "mean per approach and set-point with its 95% confidence interval;\n"
        "explicit flows and covert channels as tables. DIR is a run\n"
        "(DIR/results.json) or a directory of runs as handset run and\n"
        "compare write them. Each plot's data (.dat), gnuplot script (.gp)\n"
        "and SVG stay in DIR/report/ for restyling.\n"
        "\n"
        "Exit status: 0 ok, 1 gnuplot or a file failed, 2 bad input.\n",
    .main = report_main,
};

static int report_main(int argc, char **argv)
{
    int first;
    int rc = cli_parse_help_only(&cli_cmd_report, argc, argv, &first);
    if (rc != HS_EXIT_OK)
        return rc == CLI_HELP_SHOWN ? HS_EXIT_OK : rc;
    if (first >= argc)
        return cli_usage_error(&cli_cmd_report, "which directory?");
    if (first + 1 < argc)
        return cli_usage_error(&cli_cmd_report, "one directory at a time");
    const char *dir = argv[first];
    char err[1024];
    rc = report_write(dir, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "handset report: %s\n", err);
    else
        printf("%s/report.html\n", dir);
    return rc;
}
