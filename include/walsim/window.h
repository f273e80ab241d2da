/*
 * window.h - what a run keeps so that every figure can come from one
 * measurement window chosen after the run (docs/experiments.md).
 *
 * The runner calls ws_win_second at the end of every simulated second with
 * the cumulative counters (ws_counters) and that second's figures.  The
 * window keeps
 *   - chunks: consecutive spans of simulated time, each with its latency
 *     histograms, the counters at its start, the peaks inside it and the
 *     least-squares sums of its seconds' backlog (the overload test's
 *     slope, ws_linfit).  A chunk is 1 s long at first; when there are
 *     WS_WIN_MAX_CHUNKS of them, neighbours are merged in pairs and the
 *     length doubles, so memory stays bounded (about 22 MB) however long
 *     the run;
 *   - the last WS_WIN_RECENT seconds' backlog (is an open loop's queue
 *     growing?);
 *   - when the warm-up is found by MSER-5 (warmup = auto), its input:
 *     transactions, latency sum and WAL bytes per step of ser_step_s
 *     seconds.  The step is 1 s until WS_WIN_MAX_SERIES steps are kept
 *     (18 h), then neighbours are merged in pairs and the step doubles,
 *     so this too stays bounded (1.5 MB; 2 MB with mser_cut's copy):
 *     MSER-5 then cuts at a multiple of the step.
 * Any span of whole chunks can then be summed up: the window itself, and
 * the batches of the batch-means intervals.  A window starts on a chunk
 * boundary: the warm-up is rounded up to one.
 */
#ifndef WALSIM_WINDOW_H
#define WALSIM_WINDOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "walsim/hist.h"
#include "walsim/sim.h"
#include "walsim/steady.h"

#define WS_WIN_MAX_CHUNKS 256
#define WS_WIN_MAX_SERIES 65536  /* MSER-5's steps kept before they are merged */
#define WS_WIN_RECENT 64         /* seconds of backlog kept (a power of two) */

/* Cumulative counters of a run at one instant. */
typedef struct ws_counters {
    ws_time t;
    uint64_t tx_started, tx_done;
    uint64_t ckpt_timed, ckpt_req, ckpt_done, ckpt_warnings, ckpt_skipped, ckpt_buffers;
    double ckpt_write_s, ckpt_sync_s, ckpt_total_s, ckpt_write_ms, ckpt_sync_ms;
    uint64_t buffers_checkpoint, buffers_clean, maxwritten_clean, buffers_backend, buffers_alloc;
    uint64_t wal_records, wal_fpi, wal_bytes, wal_fpi_bytes, wal_fpi_raw_bytes;
    uint64_t wal_write, wal_sync, wal_buffers_full;
    double wal_sync_ms;
    uint64_t seg_added, seg_removed, seg_recycled;
    ws_time dev_busy, cpu_busy, compression_cpu;
    uint64_t dev_ios, dev_read, dev_written[5];
} ws_counters;

/* Peaks inside a chunk (sizes that are not counters). */
typedef struct ws_peaks {
    uint64_t pg_wal, os_dirty;
    uint64_t worst_replay, worst_replay_pages; /* the most WAL a crash would have replayed */
} ws_peaks;

typedef struct ws_chunk {
    ws_time t0;               /* start */
    ws_counters at;           /* counters at t0 */
    ws_hist *lat, *phase[3];  /* latencies of transactions completed in the chunk */
    ws_peaks peak;
    ws_linfit backlog;        /* (second's index, backlog at its end) of its seconds */
} ws_chunk;

typedef struct ws_win {
    size_t n_sec;             /* seconds ended so far */
    /* the backlog at the end of second s, for the last WS_WIN_RECENT s:
     * recent[s % WS_WIN_RECENT] */
    double recent[WS_WIN_RECENT];
    /* MSER-5's series (only when mser; NULL otherwise): step i covers
     * [i, i+1) * ser_step_s seconds; transactions completed and their
     * latency sum in it, and the cumulative WAL bytes at its end */
    double *tx, *lat_sum, *wal;
    size_t n_ser, cap_ser;
    int64_t ser_step_s;
    bool mser;
    /* chunks, in order; the last one is open */
    ws_chunk chunk[WS_WIN_MAX_CHUNKS];
    size_t n_chunk;
    int64_t chunk_len_s;      /* seconds per chunk (a power of two) */
    /* the step being accumulated */
    double cur_tx, cur_lat_sum;
    double tx_weight;       /* transactions one ws_win_tx stands for (tx_sampling; 0 means 1) */
} ws_win;

/* Starts with one chunk at t = 0 with counters *c0; mser: keep MSER-5's
 * series too.  Returns 0 or -1 (out of memory). */
int ws_win_init(ws_win *w, const ws_counters *c0, bool mser);
void ws_win_free(ws_win *w);

/* A transaction completed now with `lat_s`, during checkpoint phase `phase` (0-2). */
void ws_win_tx(ws_win *w, double lat_s, int phase);

/* The second that ended at c->t: the counters then, the backlog
 * (transactions arrived and not completed) at that instant, and the peaks
 * since the previous call.  Opens a new chunk when the chunk length
 * divides the elapsed seconds.  Returns 0 or -1 (out of memory). */
int ws_win_second(ws_win *w, const ws_counters *c, double backlog, const ws_peaks *peaks);

/* The backlog at the end of the second `ago` seconds before the last one
 * ended (0: the last; ago < WS_WIN_RECENT and < n_sec). */
double ws_win_backlog(const ws_win *w, size_t ago);

/* The first chunk starting at or after t (n_chunk when none). */
size_t ws_win_chunk_at(const ws_win *w, ws_time t);

/* Merges the histograms of chunks [c0, c1) into lat and phase[0..2]
 * (reset first) and their peaks into *peak. */
void ws_win_merge(const ws_win *w, size_t c0, size_t c1, ws_hist *lat, ws_hist *const phase[3],
                  ws_peaks *peak);

/* Mean latency (s) per step of MSER-5's series, with steps without a
 * completion carrying the previous value (0 before the first), into
 * out[0..n_ser-1] (mser). */
void ws_win_lat_series(const ws_win *w, double *out);

#endif
