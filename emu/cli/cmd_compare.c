/*
 * cmd_compare.c - `handset compare`: run a scenario under every approach,
 * side by side.
 */
#include "cli/cli.h"

static int compare_main(int argc, char **argv);

const CliCommand cli_cmd_compare = {
    .name = "compare",
    .summary = "run a scenario under every approach, side by side",
    .usage =
        "Usage: handset compare SCENARIO [-a APPROACH[,..]|all] [-o DIR]\n"
        "                        [--soc FILE] [--seed N] [--set "
        "KEY=VALUE]... [-j N]\n"
        "\n"
        "Runs SCENARIO under the approaches it lists (default: all six), as\n"
        "many at once as there are CPUs (-j N to choose; the results are\n"
        "byte-identical to a serial run), then prints a side-by-side table:\n"
        "approaches as columns, key metrics as rows. Writes compare.csv and\n"
        "compare.md beside the per-approach directories. Takes every option\n"
        "of `handset run` (handset help run).\n",
    .main = compare_main,
};

static int compare_main(int argc, char **argv)
{
    return cli_run_scenario(&cli_cmd_compare, argc, argv, true);
}
