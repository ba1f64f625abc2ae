/*
 * cli.h - the handset command line: one CliCommand descriptor per
 * subcommand, each in its own cmd_<name>.c, found by name in main.c.
 *
 * Exit codes (DESIGN.md section 5): 0 ok, 1 check failed or regression,
 * 2 bad input or usage.
 */
#ifndef HS_CLI_CLI_H
#define HS_CLI_CLI_H

#include <stdbool.h>
#include <stddef.h>

enum {
    HS_EXIT_OK = 0,
    HS_EXIT_FAIL = 1,
    HS_EXIT_USAGE = 2,
};

typedef struct CliCommand {
    const char *name;    /* subcommand word */
    const char *summary; /* one line for `handset --help` */
    const char *usage;   /* full help text for `handset help NAME` */
    /* argv[0] is the subcommand name; returns an exit code. */
    int (*main)(int argc, char **argv);
} CliCommand;

extern const CliCommand cli_cmd_run;
extern const CliCommand cli_cmd_compare;
extern const CliCommand cli_cmd_check;
extern const CliCommand cli_cmd_validate;
extern const CliCommand cli_cmd_list;
extern const CliCommand cli_cmd_guest;
extern const CliCommand cli_cmd_view;
extern const CliCommand cli_cmd_report;

/* Prints "handset NAME: MESSAGE" and the usage line to stderr; returns
 * HS_EXIT_USAGE so callers can `return cli_usage_error(...)`. */
int cli_usage_error(const CliCommand *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* `handset run` (compare false) and `handset compare` (true): parses the
 * options, runs the jobs and, for compare or several runs, writes the
 * side-by-side table (runner.c). Returns an exit code. */
int cli_run_scenario(const CliCommand *cmd, int argc, char **argv,
                     bool compare);

/* Finds a build product (the guest image, the baseband firmware): the
 * path in $env when set (the caller's loader reports what is wrong with
 * it), else rel next to the executable (the build tree: build/REL), else
 * HS_DATADIR/guest/NAME. Returns 0 with the path in buf, or -1 with the
 * last place tried in buf. */
int cli_find_build_file(const char *env, const char *rel, const char *name,
                        char *buf, size_t size);

/* True if argv holds -h or --help. */
bool cli_wants_help(int argc, char **argv);

/* Prints cmd->usage to stdout and returns HS_EXIT_OK. */
int cli_print_help(const CliCommand *cmd);

#endif
