/*
 * timeline.h - per-interval figures of a run (timeline.csv).
 *
 * The runner samples the model every [scenario] interval and appends one
 * ws_interval; docs/outputs.md names every field.  Byte and buffer counts
 * are for the interval; sizes (pg_wal, dirty data) are at its end.
 */
#ifndef WALSIM_TIMELINE_H
#define WALSIM_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "walsim/sim.h"
#include "walsim/spool.h"

typedef struct ws_interval {
    double t_s, len_s;                 /* start and length of the interval */
    uint64_t transactions;
    double lat_mean_ms, lat_p50_ms, lat_p95_ms, lat_p99_ms, lat_p999_ms, lat_max_ms;
    int ckpt_phase;                    /* 0 idle, 1 write, 2 sync (overlap rule of docs/outputs.md) */
    uint32_t ckpt_started;
    uint64_t wal_bytes, wal_fpi_bytes, wal_fpi;
    char wal_lsn[24], wal_file[28];    /* pg_current_wal_lsn(), pg_walfile_name() at the end */
    uint64_t pg_wal_bytes, dirty_buffers, os_dirty_bytes, os_writeback_bytes;
    uint64_t buffers_checkpoint, buffers_clean, buffers_backend;
    uint64_t dev_read_bytes;
    uint64_t dev_written[5];           /* by ws_io_class: wal, checkpoint, bgwriter, backend, writeback */
    double dev_util, throttle_ms;
    uint64_t dev_read_ios, dev_write_ios; /* I/Os served in the interval, in io_unit pieces
                                           * (ws_device_ios_done) */
    int64_t archive_lag_segs;          /* .ready segments at the end (walvol) */
    uint64_t slot_lag_bytes;           /* WAL the slot holds at the end (walvol) */
    double wal_dev_util;               /* pg_wal's own volume busy (walvol; 0: shared) */
    /* the statistics views at the end of the interval (cumulative, as
     * pg_stat_bgwriter / pg_stat_checkpointer / pg_stat_wal show them) */
    struct {
        uint64_t checkpoints_timed, checkpoints_req;
        double checkpoint_write_ms, checkpoint_sync_ms;
        uint64_t buffers_checkpoint, buffers_clean, maxwritten_clean, buffers_backend, buffers_alloc;
        uint64_t wal_records, wal_fpi, wal_bytes, wal_buffers_full, wal_write, wal_sync;
        double wal_sync_ms;
    } stat;
} ws_interval;

/* One checkpoint, as its log lines report it (checkpoints.csv). */
typedef struct ws_ckpt_record {
    int flags;                    /* WS_CKPT_F_* (db.h) */
    bool done;                    /* completed before the run ended */
    ws_time start, sync_start, end;
    uint32_t buffers, sync_files;
    double buffers_pct;
    ws_time longest_sync, average_sync;
    uint64_t distance, estimate;  /* bytes */
    int added, removed, recycled;
} ws_ckpt_record;

/*
 * The rows of a run, in time order: a ws_spool of ws_interval (spool.h),
 * in memory by default; after ws_timeline_spill, in blocks of
 * WS_SPOOL_BLOCK in an unlinked temporary file in a given folder, so a
 * week of 1 s intervals (about 240 MB per variant) costs a block of
 * memory, not the week.  t->n is the number of rows.
 */
typedef ws_spool ws_timeline;
#define WS_TIMELINE_BLOCK WS_SPOOL_BLOCK

/* Appends a zeroed row and returns it (aborts when out of memory). */
ws_interval *ws_timeline_add(ws_timeline *t);
/* The last row (n > 0), to update in place. */
ws_interval *ws_timeline_last(ws_timeline *t);
/* Row i (< n): a pointer into memory, or *tmp filled from the file. */
const ws_interval *ws_timeline_get(const ws_timeline *t, size_t i, ws_interval *tmp);
/* Rows from now on go to a temporary file in dir (t empty).  WS_EIO with
 * a message when the file cannot be made. */
int ws_timeline_spill(ws_timeline *t, const char *dir, char *msg, size_t msg_len);
void ws_timeline_free(ws_timeline *t);

#endif
