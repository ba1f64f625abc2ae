/*
 * cmd_compare.c - `handset compare`: run a scenario under every approach, side
 * by side.
 */
#include "cli/cli.h"

static int compare_main(int argc, char **argv);

const CliCommand cli_cmd_compare = {
    .name = "compare",
    .summary = "run a scenario under every approach, side by side",
    .usage = "Usage: handset compare SCENARIO [-o DIR] [--soc FILE] "
             "[--seed N] [--set KEY=VALUE]...\n"
             "\n"
             "Runs SCENARIO under every approach and prints a side-by-side "
             "table;\n"
             "writes compare.csv and compare.md beside the runs.\n",
    .main = compare_main,
};

static int compare_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_not_built(&cli_cmd_compare, "the scenario runner");
}
