/*
 * run.h - simulate one variant of a scenario and collect its figures.
 *
 * ws_run builds the engine and the models for one resolved configuration,
 * runs `duration` of simulated time (or, with duration = auto, until the
 * window holds min_cycles checkpoint cycles), and fills a ws_run_stats.
 * Every figure covers one measurement window, after the warm-up (set, or
 * found by MSER-5): ws_run_stats.win says which, with its warnings and
 * intervals (docs/experiments.md).  The result depends only on the configuration (seed included): same
 * input, same numbers.
 */
#ifndef WALSIM_RUN_H
#define WALSIM_RUN_H

#include <stdint.h>
#include <stdio.h>

#include "walsim/diag.h"
#include "walsim/scenario.h"
#include "walsim/hist.h"
#include "walsim/sim.h"
#include "walsim/steady.h"
#include "walsim/timeline.h"

typedef struct ws_lat {
    uint64_t n;
    double mean_s, p50_s, p95_s, p99_s, p999_s, max_s;
} ws_lat;

typedef struct ws_bulk_stats {
    char name[48];
    bool finished;           /* loaded (and index built) before the run ended */
    double start_s, load_s, build_s;  /* start, load duration (to commit), index build */
    double rows_per_s;
    uint64_t rows, wal_load_bytes, wal_build_bytes;
} ws_bulk_stats;

/* A crash event (`crash at T`): the run stops at T; what recovery takes
 * and what was lost (recovery.h). */
typedef struct ws_crash_stats {
    bool crashed;
    double at_s;
    double recovery_s, redo_s, read_s, checkpoint_s;
    uint64_t replay_bytes, replay_pages;
    uint64_t lost_wal_bytes;       /* inserted, never flushed */
    uint64_t lost_commits;         /* asynchronous commits whose WAL was not flushed */
    uint64_t aborted;              /* transactions in flight */
    uint64_t unlogged_bytes;       /* UNLOGGED tables reset to empty */
} ws_crash_stats;

/* pg_wal's own volume, archiving and the replication slot over the whole
 * run (warm-up included: a volume fills whenever it fills);
 * docs/wal-volume.md.  `on` is false when the scenario uses none of them. */
typedef struct ws_walvol_stats {
    bool on;
    uint64_t volume_bytes;         /* [disk] wal_size (0: shared with the data) */
    uint64_t pg_wal_peak_bytes;    /* largest pg_wal of the whole run */
    bool full;                     /* pg_wal outgrew its volume: PANIC, the run stopped */
    double full_at_s;
    bool archiving;
    uint64_t archived, archive_failures;
    int64_t archive_lag_peak;      /* most segments .ready at once */
    double archive_first_fail_s, archive_recovered_s; /* -1: none / not yet */
    bool slot;
    bool slot_invalidated;
    double slot_invalidated_s;     /* -1: still valid */
    uint64_t slot_lag_peak_bytes;  /* most WAL the slot held */
    double device_utilization;     /* pg_wal's own volume busy, whole run (0: shared) */
} ws_walvol_stats;

/* The headline figures that carry a 95 % interval (ws_window.ci). */
typedef enum ws_headline {
    WS_H_TPS,          /* completed transactions per second */
    WS_H_LAT_MEAN,     /* latency, seconds */
    WS_H_P50,
    WS_H_P99,
    WS_H_P999,
    WS_H_WAL_PER_TX,   /* WAL bytes per transaction */
    WS_H__COUNT
} ws_headline;

#define WS_MAX_REPLICATIONS 64
#define WS_MAX_WARNINGS 6
#define WS_WARNING_LEN 400

/* Warning kinds (ws_window.warnings, a bit mask). */
#define WS_WARN_OVERLOADED 1u      /* cannot carry its offered load */
#define WS_WARN_FEW_CYCLES 2u      /* fewer than 2 complete checkpoint cycles in the window */
#define WS_WARN_COLD 4u            /* started with empty shared buffers (start = cold) */
#define WS_WARN_TRANSIENT 8u       /* the initial transient did not end within the run */
#define WS_WARN_SATURATED 16u      /* closed loop: a resource at its limit (not an overload) */
#define WS_WARN_NO_INTERVAL 32u    /* too few batches for a confidence interval */
#define WS_WARN_WAL_FULL 64u       /* pg_wal outgrew its volume: PANIC, the run stopped */
#define WS_WARN_SAMPLE_SMALL 128u  /* sampling = R below the sample sizes checked to 2 % */
#define WS_WARN_TX_SAMPLED 256u    /* tx_sampling < 1 at a resource's limit: fluid work does not queue */

/* The measurement window of a variant and the conditions of its figures:
 * every figure of ws_run_stats (latency, tps, checkpoints, WAL, device,
 * CPU, pg_wal) covers [start_s, end_s] of simulated time (docs/experiments.md). */
typedef struct ws_window {
    double start_s, end_s;      /* the window; start_s is the end of the warm-up */
    bool warmup_auto;           /* start_s found by MSER-5 (warmup = auto) */
    bool transient_ended;       /* MSER-5 found the transient's end in the run's first half */
    bool warm_start;            /* the run started from a warm state (start = warm) */
    double warm_phase_s;        /* warm start: age of the checkpoint cycle at t = 0 */
    bool duration_auto;         /* ran until the window held min_cycles cycles (duration = auto) */
    uint32_t cycles;            /* complete checkpoint cycles (start to next start) in the window */
    double cycle_s_mean;        /* their mean length (0: none) */
    /* load and overload */
    bool open_loop;
    bool overloaded;
    double offered_tps;         /* arrivals per second in the window (open loop) */
    double backlog_start, backlog_end; /* transactions arrived and not completed */
    double backlog_slope;       /* transactions per second, least squares over the window */
    double dev_util, dev_read_iops, dev_iops_limit, dev_bw_util; /* device, in the window */
    double cpu_util, wal_flush_util;   /* CPU; share of time a WAL flush was running */
    char bottleneck[128];       /* the resource at its limit, with numbers ("": none) */
    /* intervals: batch means over checkpoint cycles (or time batches), or replications */
    char ci_method[24];         /* "cycles", "time", "replications", "" (none) */
    int n_batches;              /* batches or replications behind the intervals */
    ws_ci ci[WS_H__COUNT];
    int n_reps;                 /* replications combined (0 or 1: a single run) */
    double rep[WS_H__COUNT][WS_MAX_REPLICATIONS]; /* per replication, for paired ratios */
    /* warnings, each a complete sentence for every output */
    unsigned warnings;          /* WS_WARN_* */
    int n_warn;
    char warn[WS_MAX_WARNINGS][WS_WARNING_LEN];
} ws_window;

typedef struct ws_run_stats {
    char variant[64];
    int pg_version;
    uint64_t seed;
    double duration_s;       /* the window's length: every figure covers it */
    double simulated_s;      /* whole run, warm-up included */
    double shutdown_s;       /* a shutdown event: its checkpoint's duration (0: none) */
    uint64_t transactions;   /* completed in the measured span */
    double tps;
    ws_lat lat;              /* all transactions */
    ws_lat lat_phase[3];     /* by checkpoint phase at completion: idle, write, sync */
    /* checkpoints (pg_stat_bgwriter / pg_stat_checkpointer) */
    uint64_t ckpt_timed, ckpt_req, ckpt_done, ckpt_warnings, ckpt_skipped;
    double ckpt_write_s_mean, ckpt_sync_s_mean, ckpt_total_s_mean, ckpt_buffers_mean;
    double checkpoint_write_time_ms, checkpoint_sync_time_ms;
    uint64_t buffers_checkpoint, buffers_clean, maxwritten_clean, buffers_backend, buffers_alloc;
    /* WAL (pg_stat_wal) */
    uint64_t wal_records, wal_fpi, wal_bytes, wal_fpi_bytes, wal_fpi_raw_bytes, wal_write, wal_sync;
    uint64_t wal_buffers_full;
    double wal_sync_time_ms;
    double wal_bytes_per_tx, fpi_share, compression_saving;
    uint64_t pg_wal_peak_bytes, segments_removed, segments_recycled, segments_added;
    /* OS and device */
    uint64_t os_dirty_peak_bytes;
    double device_utilization;
    double cpu_utilization;       /* CPU time served / (cores x simulated time) */
    double compression_cpu_s;     /* CPU time spent compressing full-page images */
    double cpu_per_tx_ms;         /* all CPU on the cores (transactions, their I/O, background
                                     processes, kernel writeback) per completed transaction */
    uint64_t dev_written[5], dev_read;
    /* the device's own I/O counters at the end of the run (whole run, not
     * the window; I/Os queued, in io_unit pieces: ws_device.read_ios,
     * write_ios), and those served by then (ws_device_ios_done): the
     * timeline's dev_read_ios and dev_write_ios add up to the latter */
    uint64_t dev_read_ios_queued, dev_write_ios_queued, dev_read_ios_done, dev_write_ios_done;
    /* recovery if the server crashed at the worst moment (just before a
     * checkpoint completed), and after a crash event */
    double worst_recovery_s;
    uint64_t worst_replay_bytes;
    ws_crash_stats crash;
    ws_walvol_stats walvol;
    /* the lines charts draw: shared_buffers, max/min_wal_size, the OS's
     * background and throttling thresholds (bytes) */
    uint64_t shared_buffers_bytes, max_wal_size_bytes, min_wal_size_bytes;
    /* spatial sampling (sampling.c): 1 page in sample_k of the tables named
     * in sampled_tables was simulated; those in whole_tables every page */
    uint32_t sample_k;
    char sampled_tables[256], whole_tables[256];
    /* transaction sampling ([scenario] tx_sampling): 1 transaction in
     * tx_batch simulated one by one, the others in aggregate */
    uint32_t tx_batch;
    /* for the recommendations (advise.h) */
    double checkpoint_timeout_s, checkpoint_completion_target, checkpoint_warning_s;
    uint64_t wal_segment_bytes, disk_size_bytes, database_bytes;
    double ckpt_distance_mean, ckpt_distance_max;  /* bytes between redo pointers */
    uint64_t os_dirty_background_bytes, os_dirty_limit_bytes;
    ws_bulk_stats bulk[8];
    int n_bulk;
    ws_window win;           /* the window every figure above covers, and its warnings */
    uint64_t events;         /* engine events handled */
    double wall_s;           /* wall-clock time of the run */
} ws_run_stats;

/* The point estimate of headline h (tps, seconds, bytes). */
double ws_run_headline(const ws_run_stats *st, ws_headline h);
/* "tps", "mean", "p50", "p99", "p99.9", "wal_per_tx". */
const char *ws_run_headline_name(ws_headline h);
/* The ratio of variant v's headline h to ref's, with its 95 % interval:
 * paired over replications when both have the same n_reps >= 2 (common
 * random numbers), else from the two batch-means intervals (conservative). */
ws_ci ws_run_ratio(const ws_run_stats *ref, const ws_run_stats *v, ws_headline h);
/* May ratios against v be printed?  Not when it is overloaded. */
bool ws_run_comparable(const ws_run_stats *v);

/* Progress callback: fraction of simulated time done, in [0, 1]. */
typedef void (*ws_progress_fn)(void *ctx, double fraction);

/* Checks a configuration without running it, for errors the settings
 * table cannot see (a transaction naming a table that does not exist):
 * first the memory estimate against the memory available (memest.h),
 * then the workload and the database's checks (ws_db_check), without
 * allocating the buffer pool or page state, so its memory does not
 * depend on the database's size.  Returns 0 or WS_EINPUT. */
int ws_run_validate(const ws_config *cfg, ws_diag *err);

/* `log` receives the log_checkpoints lines (may be NULL). */
int ws_run(const ws_config *cfg, ws_progress_fn progress, void *ctx, FILE *log,
           ws_run_stats *out, ws_diag *err);

/* What a run can give beyond its summary: the timeline (one row per
 * [scenario] interval, from time 0), every checkpoint, and the latency
 * histogram of the measured span. */
typedef struct ws_run_detail {
    ws_timeline timeline;
    ws_spool ckpts; /* ws_ckpt_record of every checkpoint, in order (ws_spool_get) */
    ws_hist *lat;
} ws_run_detail;

/* ws_run that also fills *detail (free it with ws_run_detail_free). */
int ws_run_detailed(const ws_config *cfg, ws_progress_fn progress, void *ctx, FILE *log,
                    ws_run_detail *detail, ws_run_stats *out, ws_diag *err);
/* As ws_run_detailed, with the timeline's rows streamed to an unlinked
 * temporary file in spill_dir (timeline.h) instead of held in memory
 * (NULL: in memory).  WS_EIO when the file cannot be made. */
int ws_run_detailed_to(const ws_config *cfg, ws_progress_fn progress, void *ctx, FILE *log,
                       const char *spill_dir, ws_run_detail *detail, ws_run_stats *out,
                       ws_diag *err);
void ws_run_detail_free(ws_run_detail *d);

#endif
