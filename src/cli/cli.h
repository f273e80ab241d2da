/*
 * cli.h - shared pieces of the walsim commands (internal to src/cli).
 */
#ifndef WALSIM_CLI_H
#define WALSIM_CLI_H

#include <stdbool.h>

#include "walsim/scenario.h"
#include "walsim/validate.h"

/* Exit codes, documented in `walsim --help` and docs/cli.md. */
enum {
    CLI_OK = 0,
    CLI_EXPECT_FAILED = 1,
    CLI_USAGE = 2,
    CLI_INTERNAL = 3
};

/* Loads FILE, or the built-in default scenario when file is NULL.
 * Prints the error and returns NULL on failure (exit code 2). */
ws_scenario *cli_load(const char *file);

/* Parses every [expect] line of s (expect.h), as `check` does, so that
 * every command refuses a broken one at load.  Prints each bad line's
 * message and returns -1, or 0. */
int cli_check_expects(const ws_scenario *s);

/* Prints "walsim: " + message to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

int cmd_run(int argc, char **argv);
int cmd_advise(int argc, char **argv);
int cmd_lint(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_help(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_calibrate(int argc, char **argv);
int cmd_capture(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_diff(int argc, char **argv);

/* The options naming measured files, shared by validate and calibrate
 * (cmd_validate.c): 1 when argv[*i] was one (*i moved past its values),
 * 0 when it is not, -1 after printing an error. */
int cli_measured_option(int argc, char **argv, int *i, const char *cmd, ws_validate_files *fs);
void cli_measured_files_free(ws_validate_files *fs);

/* The GNU conventions for every command's options (args.c): rewrites
 * argv (argv[1] the command) so that the command's own loop sees
 * "--opt VALUE" for --opt=VALUE, long options for -o/-j/-q, no "--" (the
 * operands after it protected), and answers -h/--help anywhere.  Returns
 * -1 to go on with the new argc and argv, or an exit code (help printed,
 * or an error). */
int cli_args_normalize(int *argc, char ***argv);
/* Prints the error of --set ASSIGNMENT (ws_scenario_set's message
 * "--set: KEY: ...") naming the whole assignment, which caused it:
 * "--set duration=10s: FILE:LINE: warmup: warmup 2min is not shorter than
 * the run (duration 10s)...". */
void cli_set_error(const char *assignment, const char *msg);
/* The help text of command `cmd`, NULL for an unknown one. */
const char *cli_command_usage(const char *cmd);

/* Help texts, also printed by `walsim help COMMAND`. */
extern const char cli_usage_main[];
extern const char cli_usage_run[];
extern const char cli_usage_advise[];
extern const char cli_usage_lint[];
extern const char cli_usage_check[];
extern const char cli_usage_sweep[];
extern const char cli_usage_merge[];
extern const char cli_usage_plot[];
extern const char cli_usage_validate[];
extern const char cli_usage_calibrate[];
extern const char cli_usage_capture[];
extern const char cli_usage_report[];
extern const char cli_usage_diff[];

#endif
