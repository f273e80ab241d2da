/*
 * progress.h - the progress line of the commands that simulate (internal
 * to src/cli): what is running, the share of simulated time done and an
 * estimate of the time left, on stderr, redrawn in place.
 *
 * Shown only when stderr is a terminal and once the work has taken more
 * than a second, redrawn at most ten times a second.  The work is n items
 * (variants, runs) that may run in parallel threads: each reports its own
 * fraction with cli_progress_update, which may be called from any thread.
 * The estimate assumes the rest goes at the pace so far: elapsed x (1 - f)
 * / f for the mean fraction f, shown once f is above 2 %.  An item with
 * duration = auto has no known length (it ends when its window holds
 * enough checkpoint cycles, at max_duration at the latest): while one is
 * in the stage the line shows the simulated time instead, without an
 * estimate.
 */
#ifndef WALSIM_CLI_PROGRESS_H
#define WALSIM_CLI_PROGRESS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct cli_progress {
    bool enabled;      /* stderr is a terminal and the command is not quiet */
    bool shown;        /* a line is on the screen */
    double start, last;
    size_t n;
    double *frac;      /* n fractions in [0, 1] */
    double *total_s;   /* n simulated lengths (0: not known yet) */
    size_t n_auto;     /* items with duration = auto */
    char label[200];
    pthread_mutex_t mu;
} cli_progress;

/* Starts a stage of n items labelled printf-style; enabled false shows
 * nothing.  Resets the clock of the estimate.  Returns 0, or -1 when out
 * of memory (the progress is then not shown). */
int cli_progress_begin(cli_progress *p, bool enabled, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Changes the label, keeping the clock (run: the variant being simulated). */
void cli_progress_label(cli_progress *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Item i simulates total_s seconds, or at most total_s with duration =
 * auto (is_auto). */
void cli_progress_item(cli_progress *p, size_t i, double total_s, bool is_auto);
/* Item i has done `fraction` of its simulated time; redraws when due. */
void cli_progress_update(cli_progress *p, size_t i, double fraction);
/* Clears the line (if one is shown) and frees the stage. */
void cli_progress_end(cli_progress *p);

#endif
