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
        "                    [--soc SOC] [--seed N] [-o DIR] [--set "
        "KEY=VALUE]...\n"
        "                    [-j N] [--force] [--no-trace] [--no-pcap] [-q]\n"
        "                    [--trace-gzip] [--trace-max N]\n"
        "                    [--record-frames|--no-frames] [--view]\n"
        "\n"
        "Runs SCENARIO (a shipped name such as email-sync, or a file such as\n"
        "scenarios/email-sync.json) under the approaches it lists (default:\n"
        "all six) and writes, per run, a directory DIR/APPROACH\n"
        "(DIR/VARIANT/APPROACH when the scenario has variants) holding\n"
        "results.json, host.json, trace.json and radio.pcap. Files appear\n"
        "only when the run is complete; an existing result is never\n"
        "replaced without --force.\n"
        "\n"
        "  -a, --approach=LIST  approaches to run (comma-separated, or all)\n"
        "  --variant=LIST       the scenario's variants to run (default: all)\n"
        "  --soc=SOC            run on this SoC (a shipped name such as\n"
        "                       ref-2024, or a file) instead of the "
        "scenario's\n"
        "  --seed=N             root of every random stream, 0 to 2^63-1\n"
        "                       (default: the scenario's)\n"
        "  -o, --output=DIR     output directory (default: a new\n"
        "                       results/runs/<scenario>-<date>-<time>-<pid>)\n"
        "  --set=KEY=VALUE      override a parameter (handset list params)\n"
        "  -j, --jobs=N         run N approaches at once in separate "
        "processes\n"
        "                       (results are the same as one at a time)\n"
        "  --force              replace existing results in DIR\n"
        "  --no-trace           do not write trace.json\n"
        "  --no-pcap            do not write radio.pcap\n"
        "  --trace-gzip         write trace.json.gz (zlib) instead of "
        "trace.json\n"
        "  --trace-max=N        stop the trace at N events (default 2000000);\n"
        "                       what was dropped is said in the trace and on\n"
        "                       stderr\n"
        "  --record-frames      record the panel's frames (frames.hsf) for\n"
        "                       `handset view`; the default for runs of at\n"
        "                       most 10 simulated minutes\n"
        "  --no-frames          do not record frames\n"
        "  --view               live view (not built yet: says so and exits "
        "2)\n"
        "  -q, --quiet          no progress lines on stderr\n"
        "\n"
        "SIGINT or SIGTERM stops the runs; each removes its partial\n"
        "directory. A later run into the same DIR removes partial\n"
        "directories whose process no longer exists, and says so.\n"
        "\n"
        "Exit status: 0 ok, 1 a run failed on the host (a file could not\n"
        "be written), 2 bad input, an existing result, or a part of handset\n"
        "the scenario needs is not built yet, 3 a run failed for a reason\n"
        "in handset's own model (one line names it: \"model error: ...\");\n"
        "128+N after signal N.\n",
    .main = run_main,
};

static int run_main(int argc, char **argv)
{
    return cli_run_scenario(&cli_cmd_run, argc, argv, false);
}
