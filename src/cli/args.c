/*
 * args.c - the GNU conventions of every command's options, in one place.
 *
 * Each command parses its own options (`--out DIR`, `--quiet`) in a loop of
 * its own.  Before it runs, cli_args_normalize rewrites its arguments so
 * that those loops see only that one form:
 *
 *   --opt=VALUE          -> --opt VALUE   (for an option that takes a value)
 *   --flag=VALUE         an error: "--quiet takes no value"
 *   -o DIR, -oDIR        -> --out DIR     (where the command has --out)
 *   -j N, -jN            -> --jobs N      (where the command has --jobs)
 *   -h, --help           the command's help, exit 0
 *   --                   ends the options: every later argument is an
 *                        operand (a file or folder); one that starts with
 *                        '-' is passed as ./-NAME so that no loop takes it
 *                        for an option
 *
 * Which options take a value is read from the command's help text (a line
 * "  --NAME VALUE  meaning": one blank between the name and the value), so
 * the help and the parser cannot disagree.  The value of an option is
 * copied as is, even when it starts with '-' ("--set" "-x" stays).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "walsim/diag.h"

/* Every command's help text (a NULL one: the command is not built in). */
static const struct {
    const char *name;
    const char *usage;
} commands[] = {
    {"run", cli_usage_run},         {"lint", cli_usage_lint},
    {"check", cli_usage_check},     {"advise", cli_usage_advise},
    {"sweep", cli_usage_sweep},     {"merge", cli_usage_merge},
    {"plot", cli_usage_plot},       {"validate", cli_usage_validate},
    {"calibrate", cli_usage_calibrate}, {"capture", cli_usage_capture},
    {"report", cli_usage_report},   {"diff", cli_usage_diff},
};

/* Short options, each the alias of a long one in every command that has it. */
static const struct {
    char c;
    const char *name;
} shorts[] = {{'o', "--out"}, {'j', "--jobs"}, {'q', "--quiet"}};

const char *cli_command_usage(const char *cmd)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(commands[i].name, cmd))
            return commands[i].usage; /* NULL for a command not built in */
    return NULL;
}

/* Finds option `name` (its first n bytes) in the help text: 0 when the
 * help does not list it, 1 for a flag, 2 for an option taking a value. */
static int option_kind(const char *usage, const char *name, size_t n)
{
    for (const char *p = usage; (p = strstr(p, "\n  ")) != NULL; p++) {
        const char *q = p + 3;
        if (q[0] == '-' && q[1] != '-' && q[1] && q[2] == ',' && q[3] == ' ')
            q += 4; /* "-o, --out DIR" */
        if (strncmp(q, name, n) != 0)
            continue;
        q += n;
        if (*q == ' ' && q[1] != ' ' && q[1] != '\n' && q[1] != '\0')
            return 2;
        if (*q == ' ' || *q == '\n' || *q == '\0')
            return 1;
    }
    return 0;
}

/* The rewritten arguments, kept for the whole process (the commands keep
 * pointers into them). */
static char **new_argv;
static char **owned;
static size_t n_owned;

static char *keep(char *s)
{
    if (s)
        owned[n_owned++] = s;
    return s;
}

static char *dup_n(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return keep(d);
}

int cli_args_normalize(int *argc, char ***argv)
{
    int n = *argc;
    char **in = *argv;
    if (n < 2)
        return -1;
    const char *cmd = in[1];
    const char *usage = cli_command_usage(cmd);
    if (!usage)
        return -1;
    /* At most two arguments out per argument in (--opt=VALUE, -oDIR). */
    new_argv = calloc(2 * (size_t)n + 1, sizeof *new_argv);
    owned = calloc((size_t)n + 1, sizeof *owned);
    if (!new_argv || !owned) {
        cli_error("out of memory");
        return CLI_INTERNAL;
    }
    int k = 0;
    new_argv[k++] = in[0];
    new_argv[k++] = in[1];
    bool operands = false;
    for (int i = 2; i < n; i++) {
        char *a = in[i];
        if (operands) {
            if (a[0] == '-') {
                size_t len = strlen(a);
                char *p = keep(malloc(len + 3));
                if (!p) {
                    cli_error("out of memory");
                    return CLI_INTERNAL;
                }
                memcpy(p, "./", 2);
                memcpy(p + 2, a, len + 1);
                a = p;
            }
            new_argv[k++] = a;
            continue;
        }
        if (!strcmp(a, "--")) {
            operands = true;
            continue;
        }
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(usage, stdout);
            return CLI_OK;
        }
        const char *name = a;
        size_t name_len = strlen(a);
        const char *value = NULL;
        if (a[0] == '-' && a[1] == '-') {
            const char *eq = strchr(a, '=');
            if (eq) {
                name_len = (size_t)(eq - a);
                value = eq + 1;
            }
        } else if (a[0] == '-' && a[1] && a[1] != '-') {
            for (size_t s = 0; s < sizeof shorts / sizeof shorts[0]; s++)
                if (a[1] == shorts[s].c && option_kind(usage, shorts[s].name,
                                                       strlen(shorts[s].name))) {
                    name = shorts[s].name;
                    name_len = strlen(name);
                    value = a[2] ? a + 2 : NULL;
                    break;
                }
        }
        int kind = name[0] == '-' ? option_kind(usage, name, name_len) : 0;
        if (kind == 1 && value) {
            cli_error("%s: option '%.*s' takes no value; see walsim help %s", cmd,
                      (int)name_len, name, cmd);
            return CLI_USAGE;
        }
        if (kind == 0) {
            new_argv[k++] = a; /* an operand, or an option the command will refuse */
            continue;
        }
        /* The name alone: a's first bytes, a's self, or the long form of a
         * short option (the commands only read their arguments). */
        char *opt = name != a ? (char *)name : value ? dup_n(a, name_len) : a;
        if (!opt) {
            cli_error("out of memory");
            return CLI_INTERNAL;
        }
        new_argv[k++] = opt;
        if (kind == 2) {
            if (value)
                new_argv[k++] = (char *)value;
            else if (i + 1 < n)
                new_argv[k++] = in[++i]; /* the value, as is */
        }
    }
    new_argv[k] = NULL;
    *argc = k;
    *argv = new_argv;
    return -1;
}

void cli_set_error(const char *assignment, const char *msg)
{
    static const char head[] = "--set: ";
    if (strncmp(msg, head, sizeof head - 1) != 0) {
        fprintf(stderr, "%s\n", msg); /* names the assignment already */
        return;
    }
    msg += sizeof head - 1;
    /* "KEY: " again after the assignment that starts with it says nothing. */
    const char *eq = strchr(assignment, '=');
    size_t kl = eq ? (size_t)(eq - assignment) : 0;
    while (kl && assignment[kl - 1] == ' ')
        kl--;
    if (kl && strncmp(msg, assignment, kl) == 0 && msg[kl] == ':' && msg[kl + 1] == ' ')
        msg += kl + 2;
    char shown[204];
    ws_diag_show(assignment, strlen(assignment), 200, shown, sizeof shown);
    fprintf(stderr, "--set %s: %s\n", shown, msg);
}
