/*
 * wal.h - the write-ahead log: insertion, flushing with group commit, the
 * WAL writer, segments and the size of pg_wal.
 *
 * LSNs count bytes of WAL records (record headers, data and full-page
 * images, as pg_stat_wal's wal_bytes does; page headers are ignored).
 *
 * Flushing (xlog.c XLogFlush): one flush at a time.  A committer whose LSN
 * is not yet flushed waits; if no flush is running it becomes the leader
 * and flushes everything inserted so far (after commit_delay, when at
 * least commit_siblings other transactions are active); those arriving
 * during a flush wait for the next one, which covers all of them (group
 * commit).  A flush writes the unflushed bytes to the device, rounded up to
 * whole 8 kB WAL pages, then pays the cache flush (fdatasync).
 *
 * The WAL writer (walwriter.c) wakes every wal_writer_delay and flushes
 * what asynchronous commits left behind.
 *
 * Segments: when insertion crosses a segment boundary the segment-filled
 * hook runs (the checkpointer's WAL trigger, xlog.c XLogCheckpointNeeded).
 * pg_wal holds the segments from the oldest one still needed to the
 * furthest recycled future segment; ws_wal_checkpoint_done removes or
 * recycles what the finished checkpoint no longer needs (RemoveOldXlogFiles,
 * XLOGfileslop, PreallocXlogFiles).
 */
#ifndef WALSIM_WAL_H
#define WALSIM_WAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "walsim/device.h"
#include "walsim/pace.h"
#include "walsim/rng.h"
#include "walsim/scenario.h"
#include "walsim/sim.h"
#include "walsim/walkeep.h"

#define WS_WAL_DELAYS 64

typedef void (*ws_wal_done_fn)(void *ctx, uint64_t arg);
typedef void (*ws_wal_segment_fn)(void *ctx, int64_t filled_segno);

typedef struct ws_wal_waiter {
    uint64_t lsn;
    uint64_t seq;               /* order of arrival, among equal LSNs */
    ws_wal_done_fn fn;
    void *ctx;
    uint64_t arg;
} ws_wal_waiter;

typedef struct ws_wal_stats {
    uint64_t records, fpi, bytes, fpi_bytes, fpi_raw_bytes; /* pg_stat_wal + raw FPI size */
    uint64_t buffers_full;                                  /* pg_stat_wal wal_buffers_full */
    uint64_t write, sync;                                   /* flushes issued */
    ws_time sync_time;
    uint64_t segments_added, segments_removed, segments_recycled;
} ws_wal_stats;

typedef struct ws_wal {
    ws_sim *sim;
    ws_device *dev;
    int64_t seg;                /* wal_segment_size */
    uint64_t insert, written, flushed; /* written: handed to the kernel; flushed: durable */
    uint64_t seg_lo;            /* start of the segment insert was last seen in (wal.c's advance) */
    /* group commit */
    bool flushing;
    uint64_t flush_target;      /* the running flush: up to here, */
    ws_time flush_start, flush_done_at; /* started and ending then */
    ws_wal_waiter *q;           /* waiters, q[q_head..] sorted by LSN: a flush releases every
                                   one it covers, in whatever order they came (XLogFlush: each
                                   backend checks its own LSN when the lock is released) */
    uint32_t q_head, q_len, q_cap;
    uint64_t q_seq;
    ws_time commit_delay;
    int commit_siblings;
    int active;                 /* transactions in progress (for commit_siblings) */
    int inflight;               /* simulated transactions arrived and not yet committed */
    bool fsync;
    uint64_t buffers;           /* wal_buffers in bytes (auto-sized) */
    /* WAL writer */
    ws_time writer_delay;
    /* segments */
    ws_wal_segment_fn on_segment;
    void *seg_ctx;
    int64_t oldest_seg;         /* oldest segment file in pg_wal */
    int64_t horizon_seg;        /* furthest existing future segment (recycled/preallocated) */
    uint64_t pg_wal_peak;
    /* retention beyond the checkpoint (walkeep.h): archiver.c moves
     * archived_upto, replslot.c moves slot_lsn */
    bool archiving;             /* archive_mode != off */
    int64_t archived_upto;      /* first segment without .done */
    bool slot;                  /* a valid replication slot exists */
    uint64_t slot_lsn;          /* its restart_lsn */
    ws_time slot_lost_at;       /* when a checkpoint invalidated it (-1: never) */
    /* pg_wal's own volume: growing past vol_limit (0: none) calls on_full
     * once (the PANIC of a failed WAL file creation) */
    uint64_t vol_limit;
    ws_wal_segment_fn on_full, on_ready; /* on_ready: a segment is complete (.ready) */
    void *full_ctx, *ready_ctx;
    bool full;
    /* transaction sampling: commits not simulated one by one arrive as a
     * Poisson stream of fluid_rate per second (ws_wal_set_fluid) */
    double fluid_rate;
    ws_rng *fluid_rng;
    uint64_t fluid_gen;         /* armings of that stream's next flush (ws_wal_set_fluid) */
    ws_time delay[WS_WAL_DELAYS]; /* ns from a record's insertion to its commit: the
                                   simulated transactions' last (ws_wal_note_commit) */
    ws_time delay_sorted[WS_WAL_DELAYS]; /* the same, in ascending order */
    double delay_area[WS_WAL_DELAYS]; /* at each sorted delay d[j], n times the integral
                                       * of their distribution function from 0 to d[j],
                                       * n the delays kept (fluid_arm) */
    uint32_t n_delay;
    ws_pace fl;                 /* their WAL not yet inserted, in bytes */
    /* ... and their flushes counted in bulk while no simulated transaction
     * is in progress (wal.c, "The fluid flush chain in bulk") */
    bool bulk_ok;               /* allowed (WALSIM_FLUSH_CHAIN=each: never) */
    bool bulk;                  /* counted in bulk now */
    ws_time bk_at;              /* counted up to here */
    double bk_frac;             /* the part of a flush carried */
    double bk_s0, bk_i0, bk_di; /* a flush of bk_s0 ns is followed by bk_i0 ns idle on
                                   average, bk_di less per ns more flush */
    uint64_t bk_bytes;          /* bytes the last ones wrote, each */
    double bk_area;             /* the device's queue area at bk_at (-1: use the queue now) */
    bool bk_pays;               /* ... allowed at the delays and rate last judged (wal.c bulk_pays) */
    uint32_t bk_judged;         /* n_delay then */
    double bk_judged_rate;      /* fluid_rate then */
    ws_wal_stats st;
} ws_wal;

int ws_wal_init(ws_wal *w, ws_sim *sim, ws_device *dev, const ws_config *cfg);
void ws_wal_destroy(ws_wal *w);

/* Inserts a record of `bytes` (including `fpi` images of `fpi_bytes`
 * stored bytes, `fpi_raw` before compression).  Returns the record's end
 * LSN.  Runs the segment hook for each segment boundary crossed. */
uint64_t ws_wal_insert(ws_wal *w, uint64_t bytes, uint32_t fpi, uint64_t fpi_bytes,
                       uint64_t fpi_raw);

/* Transaction sampling: the records of transactions not simulated one by
 * one, counted now, inserted at an even pace over the next `span` (the
 * time they stand for) with what is left of the last batch, so that
 * flushes find WAL to write as they would. */
void ws_wal_insert_fluid(ws_wal *w, uint64_t bytes, uint64_t records, uint32_t fpi,
                         uint64_t fpi_bytes, uint64_t fpi_raw, ws_time span);
/* The insert position, with the fluid WAL due by now. */
uint64_t ws_wal_insert_pos(ws_wal *w);

/* Transaction sampling: synchronous commits that are not simulated one by
 * one arrive at `rate` per second, drawn from `rng`; each wants everything
 * inserted so far flushed, so a flush follows the last one at once when
 * one of them arrived during it (group commit), and otherwise starts when
 * the next one arrives.  Nothing waits for them.  rate 0: none. */
void ws_wal_set_fluid(ws_wal *w, double rate, ws_rng *rng);
/* A simulated transaction asks for its commit `delay` after it inserted
 * its record (its reads and writes): the fluid commits' delays are drawn
 * from the last WS_WAL_DELAYS of these. */
void ws_wal_note_commit(ws_wal *w, ws_time delay);

/* A simulated transaction arrives (counted in `inflight` until its
 * commit, which decrements it): the fluid flushes, if counted in bulk,
 * are simulated one by one again from a state drawn from the chain's
 * (wal.c, "The fluid flush chain in bulk"). */
void ws_wal_tx_start(ws_wal *w);

/* After an insertion: if more WAL is unflushed than wal_buffers holds, the
 * inserting backend must write the oldest itself (xlog.c
 * AdvanceXLInsertBuffer; counted in wal_buffers_full).  Returns how long
 * that write takes it (0 when the buffers had room). */
ws_time ws_wal_buffers_wait(ws_wal *w);

/* Waits until WAL up to `lsn` is flushed, then calls fn(ctx, arg) (at once
 * if it already is). */
void ws_wal_flush(ws_wal *w, uint64_t lsn, ws_wal_done_fn fn, void *ctx, uint64_t arg);

/* When WAL up to `lsn` will be durable if asked now (FlushBuffer's
 * XLogFlush before a dirty page is written): now when it is, the end of
 * the running flush when that covers it, else an estimate of the end of
 * the next one.  Starts a flush if none is running. */
ws_time ws_wal_flushed_by(ws_wal *w, uint64_t lsn);

/* Starts a flush of everything inserted if none is running (WAL writer,
 * or a write that must flush WAL first: FlushBuffer). Does not wait. */
void ws_wal_kick(ws_wal *w);

/* LSNs are shown from 0/1000000, where a fresh cluster's WAL starts. */
#define WS_LSN_BASE (UINT64_C(1) << 24)

/* walsim's LSN `lsn` as PostgreSQL prints it ("0/1A2B3C4D", pg_lsn) and
 * the name of the segment file holding it (pg_walfile_name, timeline 1). */
void ws_wal_lsn_text(uint64_t lsn, char *buf, size_t len);
void ws_wal_file_name(const ws_wal *w, uint64_t lsn, char *buf, size_t len);

/* Size of pg_wal now, in bytes. */
uint64_t ws_wal_pg_wal_bytes(const ws_wal *w);

/* A checkpoint with redo pointer `redo` completed: remove and recycle old
 * segments, following walkeep.h (wal_keep_size, the slot and
 * max_slot_wal_keep_size (-1: no limit), archive status); *keep says what
 * the rules decided, including a slot invalidation (w->slot is then
 * false).  `estimate` is CheckPointDistanceEstimate after this
 * checkpoint.  Adds to the stats counters; returns through the pointers
 * what this checkpoint's log line reports. */
void ws_wal_checkpoint_done(ws_wal *w, uint64_t redo, double estimate, double cct,
                            int64_t min_wal_size, int64_t max_wal_size, int64_t keep_size,
                            int64_t max_slot_keep, ws_walkeep_out *keep,
                            int *added, int *removed, int *recycled);

/* A forced segment switch (pg_switch_wal, archive_timeout: xlog.c
 * RequestXLogSwitch): the insert position moves to the next segment
 * boundary unless it is at one. */
void ws_wal_switch(ws_wal *w);

/* Segments completed but not yet archived (.ready files), 0 without
 * archiving. */
int64_t ws_wal_archive_lag(const ws_wal *w);

/* WAL the slot holds: insert position less its restart_lsn (0: no valid
 * slot). */
uint64_t ws_wal_slot_retained(const ws_wal *w);

#endif
