/*
 * diff.h - two output folders of one scenario compared figure by figure
 * (ws_diff_): `walsim diff` and the report's comparison section.
 *
 * For each variant present in both folders' summary.json and each
 * headline figure (tps, p50, p99, WAL per transaction, full-page image
 * share, checkpoints timed and requested, pg_wal peak, worst-case
 * recovery), the relative change from A to B and both runs' 95 % intervals
 * where summary.json has them, and whether those intervals overlap (if
 * they do, the change may be noise of the random streams; if they do not,
 * the model or its input changed the figure).  A change "exceeds" when its
 * magnitude is above the tolerance; a figure that is 0 in A and not in B
 * has an infinite change.
 *
 * The folders must come from the same scenario: the same scenario hash
 * (summary.json scenario.sha256) when both have one, else the same
 * scenario file name.
 */
#ifndef WALSIM_DIFF_H
#define WALSIM_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "walsim/diag.h"

typedef struct ws_diff_row {
    char variant[64];
    const char *metric;    /* id, as --metric names it ("p99") */
    const char *label;     /* for people ("p99 latency (ms)") */
    double a, b;           /* the figures, in the label's unit */
    bool have_ci;          /* both sides have an interval */
    double a_lo, a_hi, b_lo, b_hi;
    bool overlap;          /* the intervals overlap (have_ci only) */
    double change;         /* (b - a) / |a|; 0 when both are 0; +-inf when a is 0 */
    bool exceeds;          /* |change| > tolerance */
} ws_diff_row;

typedef struct ws_diff {
    ws_diff_row *rows;
    size_t n;
    size_t n_exceed;
    double tolerance;
    char note[512];        /* variants only in one folder, or "" */
} ws_diff;

/* The metric ids, NULL-terminated: tps, p50, p99, wal_per_tx, fpi_share,
 * checkpoints_timed, checkpoints_req, pg_wal_peak, recovery. */
extern const char *const ws_diff_metrics[];

/* Compares DIR_A/summary.json with DIR_B/summary.json.  `metrics` limits
 * the figures to those ids (n_metrics 0: all).  WS_EINPUT with
 * "FILE: what was expected" for a missing or foreign file, different
 * scenarios or an unknown metric; WS_ENOMEM. */
int ws_diff_dirs(const char *dir_a, const char *dir_b, double tolerance,
                 const char *const *metrics, size_t n_metrics, ws_diff *out, ws_diag *err);
void ws_diff_free(ws_diff *d);

/* Parses a tolerance "5%", "0.05" into 0.05.  WS_EINPUT on anything else. */
int ws_diff_parse_tolerance(const char *text, double *out, ws_diag *err);

/* The comparison as a text table, for the terminal. */
void ws_diff_print(FILE *f, const ws_diff *d, const char *dir_a, const char *dir_b);

#endif
