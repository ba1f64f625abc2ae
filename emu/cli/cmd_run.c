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
        "                    [--record-frames|--no-frames]\n"
        "                    [--view [--speed X|max] [--view-png FILE.png]]\n"
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
        "  --view               watch the run live in a window (SDL2): the\n"
        "                       panel and timelines of `handset view` as the\n"
        "                       run produces them. One run only: with\n"
        "                       several approaches or variants selected it\n"
        "                       is refused (pick one with -a, --variant).\n"
        "                       The results are the same as without it.\n"
        "                       Keys: space pauses the run, up/down change\n"
        "                       the speed (1x .. 10000x, then max), q, Esc\n"
        "                       or closing the window stop the run as\n"
        "                       SIGINT does (nothing written, exit 130).\n"
        "                       When the run ends the window stays as a\n"
        "                       replay (`handset help view`) until closed.\n"
        "  --speed=X            with --view: simulated seconds per wall\n"
        "                       second, 0.01 to 1000000, or max for unpaced\n"
        "                       (default 1: the phone in real time)\n"
        "  --view-png=FILE.png  with --view: when the run ends, write the\n"
        "                       window to FILE.png and close it (tests;\n"
        "                       SDL_VIDEODRIVER=offscreen needs no display)\n"
        "  -q, --quiet          no progress lines on stderr\n"
        "\n"
        "SIGINT or SIGTERM stops the runs; each removes its partial\n"
        "directory. A later run into the same DIR removes partial\n"
        "directories whose process no longer exists, and says so.\n"
        "\n"
        "Exit status: 0 ok, 1 a run failed on the host (a file could not\n"
        "be written, or the --view window could not open: nothing run), 2\n"
        "bad input, an existing result, or a part of handset the scenario\n"
        "needs is not built yet, 3 a run failed for a reason in handset's\n"
        "own model (one line names it: \"model error: ...\"); 128+N after\n"
        "signal N (130 when the --view window was closed before the run\n"
        "ended).\n",
    .main = run_main,
};

static int run_main(int argc, char **argv)
{
    return cli_run_scenario(&cli_cmd_run, argc, argv, false);
}
