/*
 * cmd_run.c - `handset run`: run a scenario under one or more approaches.
 */
#include "cli/cli.h"

static int run_main(int argc, char **argv);

const CliCommand cli_cmd_run = {
    .name = "run",
    .summary = "run a scenario under one or more approaches",
    .usage = "Usage: handset run SCENARIO [-a APPROACH[,..]|all] "
             "[--soc FILE] [--seed N]\n"
             "                    [-o DIR] [--set KEY=VALUE]...\n"
             "\n"
             "Runs SCENARIO and writes results.json, trace.json and "
             "radio.pcap per\n"
             "approach under DIR.\n",
    .main = run_main,
};

static int run_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_not_built(&cli_cmd_run, "the scenario runner");
}
