/*
 * validate.h - a real PostgreSQL + pgbench run next to a simulation of the
 * scenario that describes it: the same figures from both, their relative
 * errors, and a verdict against the validation goals (docs/validate.md).
 *
 * The measured side comes from what the importers read (pglog.h,
 * pgbenchlog.h, pgstats.h) plus pg_waldump --stats output (parsed here).
 * It is restricted to a measured *window*: by default from the first
 * transaction of the pgbench log to its last (as the shared dataset's
 * analyze.py restricts it to the pgbench run).  Checkpoints count when
 * they *started* in the window; their durations, buffers and distances are
 * averaged over those that also completed, except one hurried to its end
 * by a shutdown.  Counters of the statistics views are differences between
 * the first and the last snapshot of each counter; per-transaction figures
 * divide them by the transactions completed between those snapshots.
 *
 * The simulated side is the same figures of ws_run_detailed's output over
 * the measured span [warmup, end] of the run, computed with the same
 * rules, so that a row compares like with like.
 *
 * Every figure is one ws_validate_fig; ws_validate_fig_info says its name,
 * unit and goal.  A figure that cannot be measured from the inputs given is
 * NaN and its row is "n/a"; only rows with a goal decide the verdict.
 * Same inputs, same bytes out: nothing depends on the wall clock.
 */
#ifndef WALSIM_VALIDATE_H
#define WALSIM_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "walsim/diag.h"
#include "walsim/pgbenchlog.h"
#include "walsim/pglog.h"
#include "walsim/pgstats.h"
#include "walsim/run.h"

/* ---------------------------------------------------------------------
 * pg_waldump --stats
 *
 * pg_waldump --stats[=record] (pg_waldump.c XLogDumpDisplayStats) ends
 * with a line
 *
 *   Total   3719429   259258247 [5.10%]   4828220668 [94.90%]   5087478915 [100%]
 *
 * (records, record bytes, full-page-image bytes, combined bytes), after an
 * optional "WAL statistics between 0/4E6330B8 and 1/7F032D28:" (15+).
 * "FPI size" is the image data as stored (after compression, without the
 * hole); block headers count as record bytes.  Other lines (per record
 * type, "pg_waldump: error: ..." at the end of the WAL) are skipped.
 */
typedef struct ws_waldump_stats {
    bool has_range;
    uint64_t start_lsn, end_lsn;   /* bytes; 0 when !has_range */
    double records, record_bytes, fpi_bytes, combined_bytes;
    int total_line;
} ws_waldump_stats;

/* Parses the text; WS_EINPUT naming NAME:LINE when there is no Total line,
 * a Total line that does not parse, or combined != record + FPI bytes. */
int ws_waldump_stats_parse_string(const char *text, size_t len, const char *name,
                                  ws_waldump_stats *out, ws_diag *err);
/* The same for a file (at most 64 MB); WS_EIO when it cannot be read. */
int ws_waldump_stats_read_file(const char *path, ws_waldump_stats *out, ws_diag *err);

/* ---------------------------------------------------------------------
 * Statistics snapshots
 */

/* The span of several snapshot files (bgwriter_before.csv,
 * wal_before.csv, ..., or a time series like db_samples.csv): for each
 * counter, `before` gets its value in the earliest row that has it and
 * `after` in the latest, by the epoch column (by the order given when
 * some row has no epoch).  A counter in fewer than two rows is NaN in
 * both.  WS_EINPUT when a counter goes down from one row to the next (the
 * statistics were reset in between); `names` (may be NULL) names the
 * files in that message. */
int ws_validate_stats_span(const ws_pgstats *const *files, const char *const *names, size_t n,
                           ws_pgstats_snap *before, ws_pgstats_snap *after, ws_diag *err);

/* ---------------------------------------------------------------------
 * Measured inputs
 */
typedef struct ws_validate_input {
    const ws_pglog *log;                 /* server log (NULL: no checkpoint figures) */
    const ws_pgbench_txlog *txlog;       /* pgbench -l, or NULL */
    const ws_pgbench_agg *agg;           /* --aggregate-interval log, or NULL */
    const ws_pgbench_progress *progress; /* -P with --progress-timestamp, or NULL */
    const ws_pgstats *const *stats;      /* snapshot files */
    size_t n_stats;
    const ws_waldump_stats *waldump;     /* NULL: FPI share not measured */
    const char *const *stats_names;      /* file names of `stats`, for messages (may be NULL) */
    bool has_window;                     /* --window START..END (epoch s) */
    double window_start, window_end;
    int64_t transactions;                /* > 0: transactions between the snapshots */
} ws_validate_input;

/* The measured files of a command line (walsim validate, calibrate). */
typedef struct ws_validate_files {
    const char *pg_log;
    const char **pgbench_logs;  /* per-transaction logs (one per -j thread) */
    size_t n_pgbench_logs;
    const char **pgbench_aggs;  /* aggregate logs */
    size_t n_pgbench_aggs;
    const char *pgbench_progress;
    const char **stats;         /* snapshot files */
    size_t n_stats;
    const char *waldump;        /* pg_waldump --stats output */
    unsigned pgbench_flags;     /* WS_PGBENCH_RETRIES_ONLY */
} ws_validate_files;

/* Those files read, and an input that points into them. */
typedef struct ws_validate_loaded {
    ws_pglog *log;
    ws_pgbench_txlog txlog;
    ws_pgbench_agg agg;
    ws_pgbench_progress progress;
    ws_pgstats **stats;
    ws_waldump_stats waldump;
    ws_validate_input in;       /* window and transactions unset: the caller's */
    const char **kind, **file;  /* every file read with its kind ("pg_log", ...) */
    size_t n_files;
} ws_validate_loaded;

/* Reads every file named (each with its importer); on failure the message
 * names the file and line and *out is freed.  Free with
 * ws_validate_loaded_free. */
int ws_validate_load(const ws_validate_files *files, ws_validate_loaded *out, ws_diag *err);
void ws_validate_loaded_free(ws_validate_loaded *l);

/* Transactions completed up to a time: from a per-transaction log exactly
 * (a step at each completion), or from aggregate or progress intervals
 * (linear within an interval). */
typedef struct ws_validate_txcount {
    double *t;      /* ascending */
    double *c;      /* cumulative count at t */
    size_t n;
    bool step;      /* count(t) = transactions ending at or before t */
} ws_validate_txcount;

/* Builds the count from the input's txlog, else agg, else progress (which
 * must have epoch time stamps).  WS_EINPUT when none has a transaction. */
int ws_validate_txcount_build(const ws_validate_input *in, ws_validate_txcount *out,
                              ws_diag *err);
double ws_validate_txcount_at(const ws_validate_txcount *tc, double t);
/* Which input ws_validate_txcount_build takes the transactions from:
 * "pgbench per-transaction log", "pgbench aggregate log", "pgbench progress
 * reports", or NULL when there is none. */
const char *ws_validate_tx_source(const ws_validate_input *in);
void ws_validate_txcount_free(ws_validate_txcount *tc);

/* ---------------------------------------------------------------------
 * Figures
 */
typedef enum ws_validate_fig {
    WS_VF_CKPT_TIMED,          /* checkpoints started in the window, by cause */
    WS_VF_CKPT_REQ,
    WS_VF_CKPT_WRITE,          /* means over completed checkpoints (s) */
    WS_VF_CKPT_SYNC,
    WS_VF_CKPT_TOTAL,
    WS_VF_CKPT_BUFFERS,        /* buffers written per checkpoint */
    WS_VF_CKPT_DISTANCE,       /* bytes between redo pointers */
    WS_VF_WAL_PER_TX,          /* bytes */
    WS_VF_FPI_SHARE,           /* image bytes / WAL bytes */
    WS_VF_FPI_PER_TX,
    WS_VF_TPS,
    WS_VF_LAT_MEAN,            /* ms */
    WS_VF_LAT_P50,
    WS_VF_LAT_P95,
    WS_VF_LAT_P99,
    WS_VF_BUF_CKPT_PER_TX,
    WS_VF_BUF_CLEAN_PER_TX,
    WS_VF_BUF_BACKEND_PER_TX,
    WS_VF_LAT_IDLE_MEAN,       /* by checkpoint phase at completion (ms) */
    WS_VF_LAT_IDLE_P99,
    WS_VF_LAT_WRITE_MEAN,
    WS_VF_LAT_WRITE_P99,
    WS_VF_LAT_SYNC_MEAN,
    WS_VF_LAT_SYNC_P99,
    WS_VF__COUNT
} ws_validate_fig;

typedef enum ws_validate_goal {
    WS_VGOAL_NONE,   /* reported, not judged */
    WS_VGOAL_EXACT,  /* equal */
    WS_VGOAL_REL     /* |simulated - measured| <= tolerance x |measured| */
} ws_validate_goal;

typedef struct ws_validate_fig_info {
    const char *name;      /* "checkpoint_write_s": JSON and table */
    const char *unit;      /* "count", "s", "ms", "bytes", "ratio", "1/s", "per tx" */
    ws_validate_goal goal;
    double tolerance;      /* WS_VGOAL_REL: 0.10 for 10 % */
    int digits;            /* decimals in the table */
    const char *help;
} ws_validate_fig_info;

const ws_validate_fig_info *ws_validate_fig_info_get(ws_validate_fig f);

typedef struct ws_validate_figures {
    double v[WS_VF__COUNT];          /* NaN: unknown */
    const char *source[WS_VF__COUNT]; /* where the value comes from (static text) */
} ws_validate_figures;

/* One checkpoint of the server log, as validation counts it. */
enum { WS_VCK_TIMED, WS_VCK_REQUESTED, WS_VCK_SHUTDOWN };
typedef struct ws_validate_ckpt {
    const ws_pglog_ckpt *rec;
    /* epoch s; write phase [start, sync_start], sync [sync_start, sync_end]
     * (start + write=, + sync=); NaN without a complete line */
    double start, sync_start, sync_end;
    int kind;              /* WS_VCK_*: checkpointer.c's rule, below */
    bool in_window;        /* started in the window: counted */
    bool in_means;         /* and completed, not hurried by a shutdown: averaged */
} ws_validate_ckpt;

/* One interval of the measured window (validation_timeline.csv). */
typedef struct ws_validate_point {
    int64_t count;             /* transactions completed */
    double len_s;              /* the last interval may be shorter */
    double lat_mean_ms, lat_p50_ms, lat_p99_ms; /* NaN: no transaction or not known */
    int phase;                 /* 0 idle, 1 write, 2 sync, -1 no server log */
} ws_validate_point;

#define WS_VALIDATE_MAX_NOTES 12

typedef struct ws_validate_measured {
    ws_validate_figures fig;
    double window_start, window_end;  /* epoch s */
    const char *window_source;
    bool have_transactions;           /* a pgbench log gave the transactions */
    int64_t window_transactions;      /* completed in the window */
    int64_t stats_transactions;       /* between the snapshots; -1 unknown */
    char stats_tx_source[112];        /* where stats_transactions comes from ("" unknown) */
    ws_pgstats_snap stats_delta;      /* NaN where unknown */
    ws_validate_ckpt *ckpts;          /* every checkpoint of the log with a start line */
    size_t n_ckpts;
    double interval;                  /* s */
    ws_validate_point *series;
    size_t n_series;
    char notes[WS_VALIDATE_MAX_NOTES][320];
    size_t n_notes;
} ws_validate_measured;

/* Computes the measured figures and the per-interval series (intervals of
 * `interval` seconds from the window start).  Checkpoint kinds follow
 * CheckpointerMain (checkpointer.c): a checkpoint whose only cause is
 * "time" is timed, one with any other cause requested, a shutdown
 * checkpoint neither.  A checkpoint is "hurried by a shutdown" when it
 * completed after the window and a shutdown checkpoint started at most
 * 0.1 s after its completion.  WS_EINPUT: no window can be found (no
 * --window, no pgbench log, no snapshot with an epoch), progress without
 * epoch time stamps, an empty window, or more than 10 million intervals.
 * Free with ws_validate_measured_free. */
int ws_validate_measure(const ws_validate_input *in, double interval, ws_validate_measured *out,
                        ws_diag *err);
void ws_validate_measured_free(ws_validate_measured *m);

/* The simulated figures of a detailed run over [warmup_s, end of run]:
 * checkpoints that started in that span, means over those of them that
 * completed; per-transaction figures from the timeline rows from warmup_s
 * on; tps and latency from the run's measured span. */
void ws_validate_simulated(const ws_run_stats *st, const ws_run_detail *d, double warmup_s,
                           ws_validate_figures *out);

/* ---------------------------------------------------------------------
 * Comparison and outputs
 */
typedef enum ws_validate_status {
    WS_VS_PASS,
    WS_VS_FAIL,
    WS_VS_INFO,   /* no goal */
    WS_VS_NA      /* not measured */
} ws_validate_status;

typedef struct ws_validate_row {
    double measured, simulated;
    double rel_error;           /* (simulated - measured) / |measured|; NaN when undefined */
    ws_validate_status status;
} ws_validate_row;

typedef struct ws_validation {
    ws_validate_row row[WS_VF__COUNT];
    int goals, passed, failed, not_measured; /* rows with a goal */
} ws_validation;

/* Judges every figure.  Relative error: 0 when both are 0; NaN when the
 * measured value is 0 and the simulated not, or either is unknown.  A row
 * with a goal that is measured but not simulated (no checkpoint completed
 * in the simulation) fails. */
void ws_validate_compare(const ws_validate_figures *measured, const ws_validate_figures *simulated,
                         ws_validation *out);

/* What the outputs say about the run besides the figures. */
typedef struct ws_validate_meta {
    const char *scenario_file, *variant;
    double duration_s, warmup_s;
    const char *const *input_kind;  /* "pg_log", "pgbench_log", "stats", ... */
    const char *const *input_file;
    size_t n_inputs;
} ws_validate_meta;

/* The table for people (stdout of walsim validate). */
void ws_validate_print(FILE *f, const ws_validate_meta *meta, const ws_validate_measured *m,
                       const ws_validate_figures *sim, const ws_validation *v);

/* Adds a line to the notes of the outputs (at most WS_VALIDATE_MAX_NOTES). */
void ws_validate_add_note(ws_validate_measured *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* validation.json (docs/validate.md). */
void ws_validate_json(FILE *f, const ws_validate_meta *meta, const ws_validate_measured *m,
                      const ws_validate_figures *sim, const ws_validation *v);

/* validation_timeline.csv: one row per interval of the measured window,
 * measured and simulated side by side (the simulated rows from warmup_s
 * on; columns in docs/validate.md). */
void ws_validate_timeline_csv(FILE *f, const ws_validate_measured *m, const ws_run_detail *d,
                              double warmup_s);

#endif
