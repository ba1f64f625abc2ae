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
        "                        [--soc SOC] [--seed N | --seeds LIST]\n"
        "                        [--set KEY=VALUE]... [-j N] [--force]\n"
        "\n"
        "Runs SCENARIO under the approaches it lists (default: all six), as\n"
        "many at once as there are CPUs (-j N to choose, -j 1 one after\n"
        "another; the results are byte-identical either way), then prints a\n"
        "side-by-side table: approaches as columns, key metrics as rows,\n"
        "each row with its unit, and for each latency the number of samples\n"
        "its percentiles come from. Writes compare.csv and compare.md beside\n"
        "the per-approach directories.\n"
        "\n"
        "  --seeds=LIST   run every approach once per seed (1-10, 1,4,7-9)\n"
        "                 into DIR/APPROACH/seed-N; each cell is then the\n"
        "                 mean over seeds with its 95 % confidence interval\n"
        "                 and the number of seeds: MEAN ± HALF (n=N)\n"
        "                 (results/README.md, Statistics)\n"
        "\n"
        "Takes every other option of `handset run` (handset help run).\n"
        "\n"
        "Exit status: the worst of the runs' statuses (handset help run):\n"
        "0 ok, 1 a run failed on the host, 2 bad input or not built, 3 a\n"
        "run failed in handset's own model; 128+N after signal N.\n",
    .main = compare_main,
};

static int compare_main(int argc, char **argv)
{
    return cli_run_scenario(&cli_cmd_compare, argc, argv, true);
}
