/*
 * calibrate.h - workload parameters of the model estimated from a real
 * run: WAL record bytes per transaction and the pages a transaction
 * modifies, with their spread over the table (docs/validate.md).
 *
 * Full-page images follow the first-touch rule: after a checkpoint's redo
 * pointer, the first change to a page writes its image (xloginsert.c
 * XLogRecordAssemble).  For changes spread uniformly over P pages, the
 * images written after n transactions of w page changes each are
 *
 *     I(n) = P (1 - e^(-w n / P))
 *
 * (the expected number of distinct pages among w n uniform draws).  A
 * transaction that changes several tables adds one such term per table;
 * a table with a hot set is two terms: its H hot pages take a share h of
 * its changes, its P - H others the rest.  The fit (GSL's
 * gsl_multifit_nlinear: Levenberg-Marquardt and dogleg trust regions from
 * several starting points, the best kept; analytic
 * Jacobian, parameters on a log or logit scale so that they stay
 * positive) finds w per table, and P when no table size is given, or w, h
 * and H for the hot set, by least squares on data points of observed
 * images against transactions since a checkpoint start.
 *
 * Data points come from the inputs (ws_calibrate_collect): for every
 * sample of a time series of pg_stat_wal.wal_fpi (db_samples.csv) inside
 * a checkpoint cycle, the transactions and images since the cycle's start
 * (the "checkpoint starting" time of the server log).  Without such a
 * series, one point: every image between the snapshots against the
 * transactions of each cycle; then only one parameter can be fitted.
 *
 * Points of one cycle are cumulative, so their errors are correlated and
 * the standard errors the fit reports understate the uncertainty; the
 * residuals by cycle show whether the model holds.
 */
#ifndef WALSIM_CALIBRATE_H
#define WALSIM_CALIBRATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "walsim/diag.h"
#include "walsim/validate.h"

#define WS_CALIBRATE_MAX_TABLES 8

/* A table whose size is known (--table NAME:PAGES). */
typedef struct ws_calibrate_table {
    char name[64];
    double pages;
} ws_calibrate_table;

/* Data points: point i saw images[i] images over the cycle segments
 * seg_n[seg_start[i] .. seg_start[i+1]) (transactions in each, from the
 * cycle's start); cycle[i] is the cycle of a one-segment point, -1 for a
 * point over several. */
typedef struct ws_calibrate_data {
    size_t n;
    double *images;
    size_t *seg_start;  /* n + 1 entries */
    double *seg_n;
    int *cycle;
    size_t cap, n_seg, cap_seg;
} ws_calibrate_data;

/* Appends a point; WS_ENOMEM when out of memory.  Start from a zeroed
 * struct; free with ws_calibrate_data_free. */
int ws_calibrate_data_add(ws_calibrate_data *d, double images, const double *seg_n, size_t n_seg,
                          int cycle);
void ws_calibrate_data_free(ws_calibrate_data *d);

typedef enum ws_calibrate_model {
    WS_CALIBRATE_UNIFORM, /* one term per table */
    WS_CALIBRATE_HOTSET   /* the first table with a hot set, other tables uniform */
} ws_calibrate_model;

typedef struct ws_calibrate_fit {
    ws_calibrate_model model;
    bool ok;                  /* false: why[] says why there is no fit */
    char why[240];
    size_t n_points, n_params;
    size_t iterations;
    double rss;               /* sum of squared residuals (images^2) */
    double rms, max_abs;      /* residuals (images) */
    double mean_images;       /* mean observed value, for a relative rms */
    double aic;               /* n ln(rss/n) + 2 k */
    size_t n_tables;
    double pages[WS_CALIBRATE_MAX_TABLES], pages_se[WS_CALIBRATE_MAX_TABLES]; /* se NaN: given */
    double writes[WS_CALIBRATE_MAX_TABLES], writes_se[WS_CALIBRATE_MAX_TABLES]; /* per tx */
    double hot_access, hot_access_se; /* HOTSET: share of table 0's changes to its hot pages */
    double hot_pages, hot_pages_se;   /* HOTSET: share of table 0's pages that are hot */
} ws_calibrate_fit;

/* Fits `model` to the points.  With n_tables == 0 one table of unknown
 * size is fitted (its pages too).  Never fails on data: a fit that cannot
 * be made (fewer points than parameters, no convergence, a degenerate hot
 * set) has ok false and why[] filled.  WS_ENOMEM only.  GSL's error
 * handler, which is global, is turned off while it runs: not for two
 * threads at once. */
int ws_calibrate_fit_run(const ws_calibrate_data *d, ws_calibrate_model model,
                         const ws_calibrate_table *tables, size_t n_tables, ws_calibrate_fit *out,
                         ws_diag *err);

/* Images the fitted model expects over cycle segments of seg_n transactions. */
double ws_calibrate_fit_images(const ws_calibrate_fit *f, const double *seg_n, size_t n_seg);

/* P (1 - e^(-changes / P)): distinct pages among `changes` uniform draws
 * over `pages` pages, expected. */
double ws_calibrate_first_touch(double changes, double pages);

/* ---------------------------------------------------------------------
 * From measured files to estimates
 */
typedef struct ws_calibrate_input {
    ws_validate_input in;       /* stats required; log for the cycles */
    const ws_calibrate_table *tables;
    size_t n_tables;
    double hole_bytes;          /* assumed hole of an image without pg_waldump stats */
    int model;                  /* -1: both, choose by AIC; else a ws_calibrate_model */
    const char *tx_source;      /* what the transactions over time are, when they are
                                 * not what their input says (NULL: the pgbench input) */
} ws_calibrate_input;

typedef struct ws_calibrate_cycle {
    double start, end;          /* epoch s */
    double transactions, images; /* measured over the cycle (images NaN: no series) */
} ws_calibrate_cycle;

#define WS_CALIBRATE_MAX_NOTES 12

typedef struct ws_calibrate_result {
    ws_pgstats_snap delta;      /* after - before, NaN where unknown */
    double span_s;              /* between the first and last snapshot */
    int64_t transactions;       /* between the snapshots; -1 unknown */
    char tx_source[112];        /* where `transactions` comes from */
    int clients;                /* distinct client ids of the pgbench log; -1 unknown */
    double wal_bytes_per_tx, fpi_per_tx, image_bytes, fpi_bytes_per_tx, record_bytes_per_tx;
    const char *fpi_bytes_source;
    ws_calibrate_cycle *cycles;
    size_t n_cycles;
    ws_calibrate_data data;
    const char *data_source;
    ws_calibrate_fit fit[2];    /* by ws_calibrate_model; ok false when not tried */
    int chosen;                 /* -1: no fit */
    char notes[WS_CALIBRATE_MAX_NOTES][320];
    size_t n_notes;
} ws_calibrate_result;

/* Collects the per-transaction figures and the data points, and runs the
 * fits.  WS_EINPUT: fewer than two snapshot rows, a statistics reset
 * between them, progress without epoch time stamps; not enough data for a
 * fit is a note, not an error.  Free with ws_calibrate_result_free. */
int ws_calibrate_collect(const ws_calibrate_input *in, ws_calibrate_result *out, ws_diag *err);
void ws_calibrate_result_free(ws_calibrate_result *r);

/* The report: what each figure rests on, the fits with their standard
 * errors and residuals by cycle, and a [workload]/[table]/[transaction]
 * scenario snippet with the chosen fit's values. */
void ws_calibrate_print(FILE *f, const ws_calibrate_input *in, const ws_calibrate_result *r);

#endif
