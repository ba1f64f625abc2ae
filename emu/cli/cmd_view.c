/*
 * cmd_view.c - `handset view`: replay a finished run in the SDL2 viewer
 * (viewer/viewer.h), or render one moment of it to a PNG.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "sim/time.h"
#include "viewer/viewer.h"

static int view_main(int argc, char **argv);

const CliCommand cli_cmd_view = {
    .name = "view",
    .summary = "replay a finished run: its panel and timelines (SDL2)",
    .usage =
        "Usage: handset view RUN_DIR [--screenshot TIME FILE.png] "
        "[--frames]\n"
        "\n"
        "Replays the run in RUN_DIR (a DIR/APPROACH directory of handset\n"
        "run or compare): the phone's panel as the guest composed it\n"
        "(frames.hsf, recorded with --record-frames or by default for runs\n"
        "of at most 10 simulated minutes) and below it the timelines from\n"
        "trace.json or trace.json.gz: power per rail, battery, RRC state,\n"
        "the domain in front, calls and notifications, flows and\n"
        "violations. To watch a run as it goes instead, `handset run\n"
        "SCENARIO -a APPROACH --view` (handset help run).\n"
        "\n"
        "Keys: space play/pause; up/down speed (1x to 10000x); click the\n"
        "timelines to seek; right or n the next event, left or p the\n"
        "previous; Home the start; q or Esc quit.\n"
        "\n"
        "  --screenshot TIME FILE.png  render the view at simulated TIME\n"
        "                 (\"20.8s\", \"1m\") headless with SDL's offscreen\n"
        "                 driver and write it as PNG; prints where the\n"
        "                 panel is in the picture\n"
        "  --frames       list the recorded frames (time, domain, rows,\n"
        "                 the latencies each completed) and exit\n"
        "\n"
        "Exit status: 0 ok, 1 the window or the PNG failed, 2 bad input.\n",
    .main = view_main,
};

static int view_main(int argc, char **argv)
{
    enum { OPT_SCREENSHOT = 256, OPT_FRAMES };
    static const struct option opts[] = {
        {"screenshot", required_argument, NULL, OPT_SCREENSHOT},
        {"frames", no_argument, NULL, OPT_FRAMES},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    ViewerOptions o = {0};
    optind = 0;
    opterr = 0;
    int c;
    char err[256];
    /* FILE.png, the second value of --screenshot, is the next argument:
     * taken here, it is skipped by getopt's permutation of operands */
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'h':
            return cli_print_help(&cli_cmd_view);
        case OPT_SCREENSHOT:
            if (optind >= argc)
                return cli_usage_error(&cli_cmd_view,
                                       "--screenshot needs TIME and FILE.png");
            if (sim_parse_duration(optarg, &o.at, err, sizeof err) < 0)
                return cli_usage_error(&cli_cmd_view, "--screenshot %s: %s",
                                       optarg, err);
            o.screenshot = true;
            o.png = argv[optind++];
            break;
        case OPT_FRAMES:
            o.list_frames = true;
            break;
        case ':':
            return cli_usage_error(&cli_cmd_view, "%s needs a value",
                                   argv[optind - 1]);
        default:
            return cli_usage_error(&cli_cmd_view, "unknown option '%s'",
                                   argv[optind - 1]);
        }
    }
    for (; optind < argc; optind++) {
        if (o.run_dir)
            return cli_usage_error(&cli_cmd_view, "one run at a time ('%s')",
                                   argv[optind]);
        o.run_dir = argv[optind];
    }
    if (!o.run_dir)
        return cli_usage_error(&cli_cmd_view,
                               "which run? (a DIR/APPROACH directory)");
    return viewer_main(&o);
}
