/*
 * cmd_run.c - `handset run`: run a scenario under one or more approaches.
 */
#include "cli/cli.h"

static int run_main(int argc, char **argv);

const CliCommand cli_cmd_run = {
    .name = "run",
    .summary = "run a scenario under one or more approaches",
    .usage =
        "Usage: handset run SCENARIO [-a APPROACH[,..]|all] [--variant "
        "NAME[,..]|all]\n"
        "                    [--soc FILE] [--seed N] [-o DIR] [--set "
        "KEY=VALUE]...\n"
        "                    [-j N] [--no-trace] [--no-pcap] [-q]\n"
        "                    [--trace-gzip] [--trace-max N]\n"
        "                    [--record-frames|--no-frames] [--view]\n"
        "\n"
        "Runs SCENARIO (a file, e.g. scenarios/email-sync.json) under the\n"
        "approaches it lists (default: all six) and writes, per run, a\n"
        "directory DIR/APPROACH (DIR/VARIANT/APPROACH when the scenario has\n"
        "variants) holding results.json, host.json, trace.json and\n"
        "radio.pcap. Files appear only when the run is complete.\n"
        "\n"
        "  -a LIST        approaches to run (comma-separated, or all)\n"
        "  --variant LIST the scenario's variants to run (default: all)\n"
        "  --soc FILE     run on this SoC file instead of the scenario's\n"
        "  --seed N       root of every random stream (default: the "
        "scenario's)\n"
        "  -o DIR         output directory (default:\n"
        "                 results/runs/<scenario>-<date>-<time>)\n"
        "  --set K=V      override a parameter (handset list params)\n"
        "  -j N           run N approaches at once in separate processes\n"
        "                 (results are the same as one at a time)\n"
        "  --no-trace     do not write trace.json\n"
        "  --no-pcap      do not write radio.pcap\n"
        "  --trace-gzip   write trace.json.gz (zlib) instead of trace.json\n"
        "  --trace-max N  stop the trace at N events (default 2000000); what\n"
        "                 was dropped is said in the trace and on stderr\n"
        "  --record-frames  record the panel's frames (frames.hsf) for\n"
        "                 `handset view`; the default for runs of at most\n"
        "                 10 simulated minutes\n"
        "  --no-frames    do not record frames\n"
        "  --view         live view (not built yet: says so and exits 2)\n"
        "  -q             no progress lines on stderr\n"
        "\n"
        "Exit status: 0 ok, 1 a run failed on the host (a file could not\n"
        "be written), 2 bad input or a part of handset the scenario needs\n"
        "is not built yet.\n",
    .main = run_main,
};

static int run_main(int argc, char **argv)
{
    return cli_run_scenario(&cli_cmd_run, argc, argv, false);
}
