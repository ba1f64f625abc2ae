/*
 * cmd_guest.c - `handset guest`: run one guest workload on a vCPU and print its
 * counts.
 */
#include "cli/cli.h"

static int guest_main(int argc, char **argv);

const CliCommand cli_cmd_guest = {
    .name = "guest",
    .summary = "run one guest workload on a vCPU and print its counts",
    .usage = "Usage: handset guest WORKLOAD [--n N] [--core little|big] "
             "[--mhz F] [--json]\n"
             "\n"
             "Runs one guest workload (crypto, voice, mail, ui) on an AArch64 "
             "vCPU and\n"
             "prints instructions, cycles, simulated time and the check "
             "value.\n",
    .main = guest_main,
};

static int guest_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_not_built(&cli_cmd_guest, "guest execution");
}
