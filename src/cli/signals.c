/*
 * signals.c - Ctrl-C and SIGTERM during a command that writes an output
 * folder (see signals.h).
 */
#include "signals.h"

#include <signal.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t caught;
static ws_outdir *watched;
static bool committed;
static char doing[512] = "working";
static char out_name[4096];
/* Written by the handler on a second signal: prepared here because the
 * handler may not format. */
static char again_msg[] = "walsim: interrupted again; leaving at once (the next run on this "
                          "--out removes the staging folder)\n";

static void on_signal(int sig)
{
    if (caught) {
        ssize_t w = write(STDERR_FILENO, again_msg, sizeof again_msg - 1);
        (void)w;
        _exit(128 + sig);
    }
    caught = sig;
}

void cli_signals_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    /* A signal the parent set to be ignored stays ignored (nohup, a
     * shell's background job without job control): glibc manual,
     * "Initial Signal Actions". */
    static const int sigs[] = {SIGINT, SIGTERM};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction old;
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue;
        sigaction(sigs[i], &sa, NULL);
    }
}

void cli_signals_watch(ws_outdir *od)
{
    watched = od;
    if (od)
        snprintf(out_name, sizeof out_name, "%s", ws_outdir_out(od));
}

void cli_signals_doing(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(doing, sizeof doing, fmt, ap);
    va_end(ap);
}

void cli_signals_poll(void)
{
    int sig = caught;
    if (!sig)
        return;
    /* A progress line may be on the terminal: end it first. */
    const char *nl = isatty(STDERR_FILENO) ? "\r\033[K" : "";
    const char *name = sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "a signal";
    if (committed) {
        fprintf(stderr, "%swalsim: interrupted (%s) after %s was written completely\n", nl, name,
                out_name);
    } else {
        ws_outdir_abort(watched);
        watched = NULL;
        if (out_name[0])
            fprintf(stderr, "%swalsim: interrupted (%s) while %s; nothing was written to %s\n",
                    nl, name, doing, out_name);
        else
            fprintf(stderr, "%swalsim: interrupted (%s) while %s; nothing was written\n", nl,
                    name, doing);
    }
    fflush(stderr);
    _exit(128 + sig);
}

static void mask(int how)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigprocmask(how, &set, NULL);
}

void cli_signals_hold(void)
{
    mask(SIG_BLOCK);
    cli_signals_poll(); /* one that came just before: nothing written yet */
}

void cli_signals_release(bool written)
{
    committed = written;
    watched = NULL;
    mask(SIG_UNBLOCK);
    cli_signals_poll();
}
