/*
 * cmd_check.c - `handset check`: check results against expectations or a
 * baseline (CI gate).
 */
#include "cli/cli.h"

static int check_main(int argc, char **argv);

const CliCommand cli_cmd_check = {
    .name = "check",
    .summary = "check results against expectations or a baseline (CI gate)",
    .usage = "Usage: handset check RESULTS... [--baseline FILE] "
             "[--tolerance PCT]\n"
             "\n"
             "Evaluates the scenario's expect assertions and compares with a "
             "baseline\n"
             "results file. Exit 1 with a readable diff when a check fails.\n",
    .main = check_main,
};

static int check_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_not_built(&cli_cmd_check, "the results checker");
}
