/*
 * cmd_validate.c - `handset validate`: validate scenario and SoC description
 * files.
 */
#include "cli/cli.h"

static int validate_main(int argc, char **argv);

const CliCommand cli_cmd_validate = {
    .name = "validate",
    .summary = "validate scenario and SoC description files",
    .usage = "Usage: handset validate FILE...\n"
             "\n"
             "Checks scenario (handset-scenario/1) and SoC (handset-soc/1) "
             "files.\n"
             "Errors name file:line:column and the offending key; exit 2 on "
             "any error.\n",
    .main = validate_main,
};

static int validate_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_not_built(&cli_cmd_validate, "file validation");
}
