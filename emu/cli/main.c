/*
 * main.c - handset's entry point: finds the subcommand by name and runs it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <stdlib.h>
#include <getopt.h>
#include <limits.h>

#include "cli/cli.h"
#include "cpu/vcpu.h"

/* Every subcommand, in `handset --help` order: one line each, so a new
 * command is a one-line change here and in cli.h. */
/* clang-format off */
static const CliCommand *const commands[] = {
    &cli_cmd_run,
    &cli_cmd_compare,
    &cli_cmd_sweep,
    &cli_cmd_check,
    &cli_cmd_validate,
    &cli_cmd_list,
    &cli_cmd_guest,
    &cli_cmd_view,
    &cli_cmd_report,
};
/* clang-format on */
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static const CliCommand *find_command(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i]->name, name) == 0)
            return commands[i];
    return NULL;
}

static void print_overview(FILE *out)
{
    fprintf(out,
            "Usage: handset COMMAND [ARGS]...\n"
            "\n"
            "Full-system phone emulator and benchmark harness: replays a\n"
            "scenario under a virtualisation approach and measures latency,\n"
            "energy and information flow.\n"
            "\n"
            "Commands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(out, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
    fprintf(out, "\n"
                 "  handset help COMMAND   show a command's options\n"
                 "  handset --version      show the version\n"
                 "\n"
                 "Exit codes: 0 ok, 1 check failed or regression, "
                 "2 bad input or usage.\n");
}

int cli_parse_help_only(const CliCommand *cmd, int argc, char **argv,
                        int *first)
{
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    optind = 0;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'h') {
            cli_print_help(cmd);
            return CLI_HELP_SHOWN;
        }
        return cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
    }
    *first = optind;
    return HS_EXIT_OK;
}

int cli_usage_error(const CliCommand *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "handset %s: ", cmd->name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'handset help %s'.\n", cmd->name);
    return HS_EXIT_USAGE;
}

int cli_find_build_file(const char *env, const char *rel, const char *name,
                        char *buf, size_t size)
{
    const char *e = getenv(env);
    if (e && *e) {
        /* the user means this file: the loader names what is wrong */
        snprintf(buf, size, "%s", e);
        return 0;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            if ((size_t)snprintf(buf, size, "%s/%s", exe, rel) < size &&
                access(buf, R_OK) == 0)
                return 0;
        }
    }
    snprintf(buf, size, "%s/guest/%s", HS_DATADIR, name);
    return access(buf, R_OK) == 0 ? 0 : -1;
}

int cli_print_help(const CliCommand *cmd)
{
    fputs(cmd->usage, stdout);
    return HS_EXIT_OK;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        print_overview(stderr);
        return HS_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
        print_overview(stdout);
        return HS_EXIT_OK;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
        char uc[32];
        if (vcpu_unicorn_version(uc, sizeof uc) < 0)
            snprintf(uc, sizeof uc, "?");
        printf("handset %s (Unicorn %s)\n", HS_VERSION, uc);
        return HS_EXIT_OK;
    }
    if (strcmp(name, "help") == 0) {
        if (argc < 3) {
            print_overview(stdout);
            return HS_EXIT_OK;
        }
        if (strcmp(argv[2], "help") == 0) {
            printf("Usage: handset help [COMMAND]\n"
                   "\n"
                   "Without COMMAND, lists the commands; with one, shows its\n"
                   "options (the same as handset COMMAND --help).\n");
            return HS_EXIT_OK;
        }
        const CliCommand *cmd = find_command(argv[2]);
        if (!cmd) {
            fprintf(stderr, "handset help: unknown command '%s'\n", argv[2]);
            print_overview(stderr);
            return HS_EXIT_USAGE;
        }
        return cli_print_help(cmd);
    }
    const CliCommand *cmd = find_command(name);
    if (!cmd) {
        fprintf(stderr, "handset: unknown command '%s'\n\n", name);
        print_overview(stderr);
        return HS_EXIT_USAGE;
    }
    /* each command's getopt_long handles -h and --help in its place */
    return cmd->main(argc - 1, argv + 1);
}
