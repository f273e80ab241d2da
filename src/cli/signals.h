/*
 * signals.h - Ctrl-C and SIGTERM during a command that writes an output
 * folder (internal to src/cli).
 *
 * The handler only records the signal (async-signal-safe); the command
 * calls cli_signals_poll where stopping is safe: in its progress callback
 * (once per simulated second of a run, once per finished run of a sweep),
 * between variants and before the output folder is committed.  Poll then
 * removes the staging folder, prints one line saying what was interrupted
 * and that nothing was written, and exits 128 + the signal (130 for
 * SIGINT, 143 for SIGTERM).  A second signal before the poll leaves at
 * once with a short message; its staging folder is removed by the next
 * run on the same --out (outdir.h).
 */
#ifndef WALSIM_CLI_SIGNALS_H
#define WALSIM_CLI_SIGNALS_H

#include <stdbool.h>

#include "walsim/outdir.h"

/* Installs the handlers for SIGINT and SIGTERM. */
void cli_signals_install(void);

/* The transaction to abort when interrupted (NULL: none yet), and what the
 * command is doing now, printf-style ("simulating variant %s"). */
void cli_signals_watch(ws_outdir *od);
void cli_signals_doing(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Exits as described above when a signal was caught; returns otherwise. */
void cli_signals_poll(void);

/* Holds signals back while the folder is committed (a signal already
 * caught exits first), then lets them in again: one held back is reported
 * as arriving after the folder was written (written true) or, when the
 * commit failed, as usual. */
void cli_signals_hold(void);
void cli_signals_release(bool written);

#endif
