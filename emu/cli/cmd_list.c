/*
 * cmd_list.c - `handset list`: list approaches, shipped scenarios or SoC
 * models.
 */
#include "cli/cli.h"

static int list_main(int argc, char **argv);

const CliCommand cli_cmd_list = {
    .name = "list",
    .summary = "list approaches, shipped scenarios or SoC models",
    .usage = "Usage: handset list approaches|scenarios|socs\n",
    .main = list_main,
};

static int list_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_not_built(&cli_cmd_list, "listing");
}
