/*
 * pgbenchlog.h - what pgbench writes, as latency and throughput series.
 *
 * Four inputs, each from pgbench 13 to 17 (pgbench.c doLog,
 * printProgressReport, printResults):
 *
 *  - per-transaction logs (-l), one line per transaction:
 *        client_id transaction_no time script_no time_epoch time_us [schedule_lag] [retries]
 *    time is the latency in microseconds, or "skipped" (--latency-limit),
 *    "failed", "serialization", "deadlock" (15+); time_epoch/time_us is
 *    the completion time; schedule_lag comes with --rate, retries with
 *    --max-tries other than 1 (15+).  A 7-field line is read as having
 *    schedule_lag unless WS_PGBENCH_RETRIES_ONLY says the run used
 *    --max-tries without --rate.  Several files (one per -j thread) are
 *    added to one ws_pgbench_txlog; gzip-compressed files are read when
 *    walsim has zlib.
 *  - aggregate logs (--aggregate-interval), one line per interval:
 *        13-14: interval_start num_transactions sum_latency sum_latency_2
 *               min_latency max_latency [sum_lag sum_lag_2 min_lag max_lag [skipped]]
 *        15-17: the same with every column always present, then
 *               skipped retried retries serialization_failures deadlock_failures
 *    (latencies in microseconds, interval_start in epoch seconds).
 *  - progress reports (-P, on stderr):
 *        progress: 5.0 s, 1951.2 tps, lat 4.061 ms stddev 2.345[, 0 failed]
 *                  [, lag 0.1 ms[, 0 skipped]][, 0 retried, 0 retries]
 *    with --progress-timestamp the time is an epoch ("1795545091.799 s").
 *    Other stderr lines are counted and skipped.
 *  - the final report on stdout ("number of transactions actually
 *    processed: 585258", "tps = 1951.490338 (without initial connection
 *    time)", ...), read by ws_pgbench_summary_parse.
 *
 * Each becomes a ws_pgbench_series: one point per interval with the count
 * and latency figures, plus whole-run figures.  From per-transaction logs
 * the percentiles are exact (linear interpolation between order
 * statistics, as numpy.percentile and R's type 7: the shared dataset's
 * analysis uses the same) and the whole-run distribution is kept; from
 * aggregate logs and progress reports only mean, stddev, min and max are
 * known, and the percentiles are NaN.
 *
 * Errors: a line that does not fit its format is an error naming
 * FILE:LINE, the field and what was expected; the last line of a file, when
 * it has no final newline and does not parse (pgbench was killed while
 * writing), is dropped and counted in `truncated_lines`.
 */
#ifndef WALSIM_PGBENCHLOG_H
#define WALSIM_PGBENCHLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "walsim/diag.h"

/* Status of one logged transaction. */
enum {
    WS_PGBENCH_OK = 0,
    WS_PGBENCH_SKIPPED,       /* "skipped": later than --latency-limit */
    WS_PGBENCH_FAILED,        /* "failed" (15+, without --failures-detailed) */
    WS_PGBENCH_SERIALIZATION, /* "serialization" (15+ --failures-detailed) */
    WS_PGBENCH_DEADLOCK       /* "deadlock" (15+ --failures-detailed) */
};

/* Flags for ws_pgbench_txlog_add_*. */
enum {
    WS_PGBENCH_RETRIES_ONLY = 1 << 0 /* a 7th field is retries, not schedule_lag */
};

typedef struct ws_pgbench_tx {
    int64_t end_us;     /* completion time, microseconds since the epoch */
    int64_t latency_us; /* -1 unless status is WS_PGBENCH_OK */
    int64_t lag_us;     /* schedule_lag, -1 when absent */
    int32_t client;
    int32_t script;
    int32_t retries;    /* -1 when absent */
    int32_t status;     /* WS_PGBENCH_* */
} ws_pgbench_tx;

/* Transactions of one run, from one or more per-transaction log files. */
typedef struct ws_pgbench_txlog {
    ws_pgbench_tx *tx; /* in the order read (files in the order added) */
    size_t n_tx, cap;
    int64_t n_ok, n_skipped, n_failed; /* n_failed: failed + serialization + deadlock */
    int64_t n_serialization, n_deadlock;
    int64_t retries;         /* sum of the retries fields */
    size_t lines, truncated_lines;
} ws_pgbench_txlog;

/* One aggregate-log line (--aggregate-interval).  Latencies in
 * microseconds as pgbench prints them; absent columns NaN or -1. */
typedef struct ws_pgbench_agg_row {
    int line;
    int64_t interval_start;   /* epoch s */
    int64_t num_transactions;
    double sum_latency, sum_latency_2, min_latency, max_latency;
    double sum_lag, sum_lag_2, min_lag, max_lag;
    int64_t skipped, retried, retries, serialization_failures, deadlock_failures;
    int64_t other_failures;   /* a 17th column of later pgbench, else -1 */
} ws_pgbench_agg_row;

typedef struct ws_pgbench_agg {
    ws_pgbench_agg_row *rows;
    size_t n_rows, cap;
    size_t lines, truncated_lines;
} ws_pgbench_agg;

/* One -P progress line. */
typedef struct ws_pgbench_progress_row {
    int line;
    double time;   /* s: epoch with --progress-timestamp, else since start */
    double tps, lat_ms, stddev_ms;
    double lag_ms;                            /* NaN when absent */
    int64_t failed, skipped, retried, retries; /* -1 when absent */
} ws_pgbench_progress_row;

typedef struct ws_pgbench_progress {
    ws_pgbench_progress_row *rows;
    size_t n_rows, cap;
    size_t lines, skipped_lines, truncated_lines;
    bool epoch; /* times are epochs (all rows > 1e9 s) */
} ws_pgbench_progress;

/* The final report of a run (stdout); absent figures NaN or -1. */
typedef struct ws_pgbench_summary {
    int64_t scale, clients, threads, duration_s;
    int64_t processed, failed;
    double latency_avg_ms, latency_stddev_ms, tps;
} ws_pgbench_summary;

/* One interval of a series. */
typedef struct ws_pgbench_point {
    double start;     /* epoch s (or s since start, for elapsed-time progress) */
    double length;    /* s */
    int64_t count;    /* transactions completed without error */
    int64_t failed;   /* skipped + failed, when known, else 0 */
    double lat_mean_ms, lat_stddev_ms, lat_min_ms, lat_max_ms;
    double lat_p50_ms, lat_p95_ms, lat_p99_ms; /* exact, or NaN (aggregates, progress) */
} ws_pgbench_point;

typedef struct ws_pgbench_series {
    ws_pgbench_point *pt; /* consecutive intervals, empty ones included */
    size_t n;
    double interval;      /* s */
    bool exact;           /* percentiles exact (from per-transaction logs) */
    /* the whole run */
    int64_t count, failed;
    double lat_mean_ms, lat_stddev_ms, lat_min_ms, lat_max_ms;
    double *lat_sorted_ms; /* every latency, ascending (per-transaction logs only) */
    size_t n_lat;
} ws_pgbench_series;

/* A per-transaction log: start with a zeroed struct (or ws_pgbench_txlog_init),
 * add files or strings, free with ws_pgbench_txlog_free.  Adding is all or
 * nothing: on failure the log is as it was before the call. */
void ws_pgbench_txlog_init(ws_pgbench_txlog *log);
int ws_pgbench_txlog_add_string(ws_pgbench_txlog *log, const char *text, size_t len,
                                const char *name, unsigned flags, ws_diag *err);
int ws_pgbench_txlog_add_file(ws_pgbench_txlog *log, const char *path, unsigned flags,
                              ws_diag *err);
void ws_pgbench_txlog_free(ws_pgbench_txlog *log);

/* Aggregate logs: the same pattern (rows of several files are kept as
 * they come; the series adds up rows with the same interval_start). */
void ws_pgbench_agg_init(ws_pgbench_agg *agg);
int ws_pgbench_agg_add_string(ws_pgbench_agg *agg, const char *text, size_t len,
                              const char *name, ws_diag *err);
int ws_pgbench_agg_add_file(ws_pgbench_agg *agg, const char *path, ws_diag *err);
void ws_pgbench_agg_free(ws_pgbench_agg *agg);

/* Progress reports. */
void ws_pgbench_progress_init(ws_pgbench_progress *p);
int ws_pgbench_progress_add_string(ws_pgbench_progress *p, const char *text, size_t len,
                                   const char *name, ws_diag *err);
int ws_pgbench_progress_add_file(ws_pgbench_progress *p, const char *path, ws_diag *err);
void ws_pgbench_progress_free(ws_pgbench_progress *p);

/* The final report; lines it does not know are ignored.  WS_EINPUT when
 * "number of transactions actually processed" is missing. */
int ws_pgbench_summary_parse(const char *text, size_t len, const char *name,
                             ws_pgbench_summary *out, ws_diag *err);
int ws_pgbench_summary_read_file(const char *path, ws_pgbench_summary *out, ws_diag *err);

/* Series.  From transactions: intervals of `interval` seconds (at least
 * 0.001) aligned to multiples of it since the epoch, by completion time;
 * WS_EINPUT for no transaction or a span of more than 1 million intervals
 * (a wrong time stamp).  From aggregates: the interval is the smallest step
 * between interval starts (1 s for a single row).  From progress: each
 * report covers the time since the previous one (the first, the same
 * length as the second step); count = tps x length, rounded.  *out is new
 * (ws_pgbench_series_free). */
int ws_pgbench_series_from_txlog(const ws_pgbench_txlog *log, double interval,
                                 ws_pgbench_series **out, ws_diag *err);
int ws_pgbench_series_from_agg(const ws_pgbench_agg *agg, ws_pgbench_series **out, ws_diag *err);
int ws_pgbench_series_from_progress(const ws_pgbench_progress *p, ws_pgbench_series **out,
                                    ws_diag *err);
void ws_pgbench_series_free(ws_pgbench_series *s);

/* The q-quantile (0 <= q <= 1) of n ascending values: linear interpolation
 * between order statistics (numpy's default).  NaN when n is 0. */
double ws_pgbench_quantile(const double *sorted, size_t n, double q);

/* True when gzip-compressed files can be read (walsim built with zlib). */
bool ws_pgbench_have_gzip(void);

#endif
