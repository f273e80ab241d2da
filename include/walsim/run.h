/*
 * run.h - simulate one variant of a scenario and collect its figures.
 *
 * ws_run builds the engine and the models for one resolved configuration,
 * runs `duration` of simulated time, and fills a ws_run_stats.  Latency
 * and throughput cover the time after `warmup`; counters cover the whole
 * run.  The result depends only on the configuration (seed included): same
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

typedef struct ws_run_stats {
    char variant[64];
    int pg_version;
    uint64_t seed;
    double duration_s;       /* measured span: duration (or the shutdown) - warmup */
    double simulated_s;      /* whole run, warm-up included (counters cover it) */
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
    uint64_t dev_written[5], dev_read;
    /* recovery if the server crashed at the worst moment (just before a
     * checkpoint completed), and after a crash event */
    double worst_recovery_s;
    uint64_t worst_replay_bytes;
    ws_crash_stats crash;
    /* the lines charts draw: shared_buffers, max/min_wal_size, the OS's
     * background and throttling thresholds (bytes) */
    uint64_t shared_buffers_bytes, max_wal_size_bytes, min_wal_size_bytes;
    /* for the recommendations (advise.h) */
    double checkpoint_timeout_s, checkpoint_completion_target, checkpoint_warning_s;
    uint64_t wal_segment_bytes, disk_size_bytes, database_bytes;
    double ckpt_distance_mean, ckpt_distance_max;  /* bytes between redo pointers */
    uint64_t os_dirty_background_bytes, os_dirty_limit_bytes;
    ws_bulk_stats bulk[8];
    int n_bulk;
    uint64_t events;         /* engine events handled */
    double wall_s;           /* wall-clock time of the run */
} ws_run_stats;

/* Progress callback: fraction of simulated time done, in [0, 1]. */
typedef void (*ws_progress_fn)(void *ctx, double fraction);

/* Builds the models of a configuration without running them, to report
 * errors the settings table cannot see (a transaction naming a table that
 * does not exist, a malformed phases schedule).  Returns 0 or WS_EINPUT. */
int ws_run_validate(const ws_config *cfg, ws_diag *err);

/* `log` receives the log_checkpoints lines (may be NULL). */
int ws_run(const ws_config *cfg, ws_progress_fn progress, void *ctx, FILE *log,
           ws_run_stats *out, ws_diag *err);

/* What a run can give beyond its summary: the timeline (one row per
 * [scenario] interval, from time 0), every checkpoint, and the latency
 * histogram of the measured span. */
typedef struct ws_run_detail {
    ws_timeline timeline;
    ws_ckpt_record *ckpts;
    size_t n_ckpts;
    ws_hist *lat;
} ws_run_detail;

/* ws_run that also fills *detail (free it with ws_run_detail_free). */
int ws_run_detailed(const ws_config *cfg, ws_progress_fn progress, void *ctx, FILE *log,
                    ws_run_detail *detail, ws_run_stats *out, ws_diag *err);
void ws_run_detail_free(ws_run_detail *d);

#endif
