/*
 * metrics.h - the named figures of a run, for `[expect]`, `walsim check`
 * and the columns of sweep.csv.
 *
 * A metric is a short name for one figure of a ws_run_stats
 * ("p99_latency", "checkpoints_req", "pg_wal_peak"), with a kind that says
 * what unit it is measured in and how a value is written:
 *
 *   kind    value (getter)     written in [expect]       CSV column
 *   count   a number           5, 0                      name as is
 *   rate    per second         500, 500/s, 30000/min     name as is
 *   time    seconds            20ms, 1.5s (unit needed)  name_ms or name_s
 *   size    bytes              60GB, 512MB (unit needed) name_bytes
 *   ratio   0..1               0.3, 30%                  name as is
 *
 * The list is the "Metrics" section of docs/outputs.md, in its order; it is
 * the order of the CSV columns, so metrics are only ever appended.  The
 * table is static and read-only: every function here is thread-safe.
 */
#ifndef WALSIM_METRICS_H
#define WALSIM_METRICS_H

#include <stdbool.h>
#include <stddef.h>

#include "walsim/run.h"

typedef enum ws_metric_kind {
    WS_MK_COUNT,
    WS_MK_RATE,
    WS_MK_TIME,
    WS_MK_SIZE,
    WS_MK_RATIO
} ws_metric_kind;

/* What a metric needs before its value says anything (ws_metric.flags). */
#define WS_MF_CHECKPOINT 1u   /* a checkpoint completed in the window (checkpoint
                                 counts and timings, pg_wal peak, worst recovery) */
#define WS_MF_WRITE_PHASE 2u  /* transactions completed during a checkpoint's write phase */
#define WS_MF_SYNC_PHASE 4u   /* transactions completed during a checkpoint's sync phase */
#define WS_MF_LATENCY 8u      /* a latency: not that of a stable system when overloaded */

typedef struct ws_metric {
    const char *name;     /* "p99_latency" */
    ws_metric_kind kind;
    const char *column;   /* CSV column: "p99_latency_ms" */
    double csv_scale;     /* CSV value = value * csv_scale (1e3 for a _ms column) */
    const char *help;     /* one line for `walsim help metrics` */
    double (*get)(const ws_run_stats *st); /* the value in the kind's base unit */
    unsigned flags;       /* WS_MF_* */
} ws_metric;

/* Every metric, in the documented (and CSV column) order. */
size_t ws_metric_count(void);
const ws_metric *ws_metric_at(size_t i);

/* The metric named exactly `name` (its first `len` bytes), or NULL.
 * Names are case-sensitive, as in the CSV header. */
const ws_metric *ws_metric_find(const char *name, size_t len);

/* The closest metric name to an unknown one ("p99_latncy" ->
 * "p99_latency"), by ws_edit_distance, or NULL if none is close. */
const char *ws_metric_suggest(const char *name, size_t len);

/* "count", "rate", "time", "size", "ratio". */
const char *ws_metric_kind_name(ws_metric_kind kind);

/* A value of a kind for people: "2.457ms", "80MB", "823.9/s", "69.03%",
 * "16478".  `digits` significant digits (4 is the usual).  Not finite:
 * "nan". */
void ws_metric_format(ws_metric_kind kind, double value, int digits, char *buf, size_t len);

/* The metric's value in its CSV column's unit (value * csv_scale). */
double ws_metric_csv_value(const ws_metric *m, const ws_run_stats *st);

/* Did the window of st exercise what metric m measures (WS_MF_CHECKPOINT,
 * _WRITE_PHASE, _SYNC_PHASE)?  A checkpoint count of 0 or a mean
 * checkpoint time of 0 from a window in which no checkpoint completed says
 * nothing about checkpoints.  When not, writes why to why[] (e.g. "no
 * checkpoint completed in the 5min window; lengthen duration or use
 * duration = auto"); metrics without such a need are always exercised. */
bool ws_metric_exercised(const ws_metric *m, const ws_run_stats *st, char *why, size_t len);

#endif
