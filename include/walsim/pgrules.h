/*
 * pgrules.h - PostgreSQL's checkpoint and WAL arithmetic, as pure functions.
 *
 * Each function follows one PostgreSQL function (named in its comment;
 * shared/reference/pg-mechanics.md gives the details), so the model's
 * processes (checkpointer.c, wal.c) and the unit tests share one
 * implementation of each rule.  Sizes are bytes, times seconds.
 */
#ifndef WALSIM_PGRULES_H
#define WALSIM_PGRULES_H

#include <stdbool.h>
#include <stdint.h>

/* segs(x): whole WAL segments in x bytes, rounded down (XLogMBVarToSegs). */
int64_t ws_pg_segs(int64_t bytes, int64_t seg_size);

/* CheckPointSegments = max(1, floor(segs(max_wal_size) / (1 + cct)))
 * (xlog.c CalculateCheckpointSegments; PostgreSQL 11+). */
int64_t ws_pg_checkpoint_segments(int64_t max_wal_size, double cct, int64_t seg_size);

/* XLogCheckpointNeeded: a checkpoint is requested when the segment just
 * filled, `new_segno`, is >= segno(RedoRecPtr) + CheckPointSegments - 1. */
bool ws_pg_checkpoint_needed(int64_t new_segno, int64_t redo_segno, int64_t ckpt_segments);

/* IsCheckpointOnSchedule (checkpointer.c): progress is processed/to_scan of
 * the buffers tagged at start; the checkpoint is on schedule iff
 * cct * progress >= both the WAL fraction
 *   ((insert_lsn - start_lsn) / seg) / CheckPointSegments
 * and the time fraction (elapsed / checkpoint_timeout).  `cached` is the
 * checkpoint's ckpt_cached_elapsed (initially 0), updated as PostgreSQL
 * does: raised whenever the checkpoint is found behind.  `wal_fraction`
 * counts only when the WAL trigger applies (always, on a primary). */
bool ws_pg_on_schedule(double progress, double cct, int64_t insert_lsn, int64_t start_lsn,
                       int64_t seg_size, int64_t ckpt_segments, double elapsed_s,
                       double timeout_s, double *cached);

/* UpdateCheckPointDistanceEstimate (xlog.c): jumps up to a larger
 * distance at once, decays towards a smaller one by 10 % a checkpoint. */
double ws_pg_distance_estimate(double estimate, double distance);

/* XLOGfileslop (xlog.c): the highest segment number to keep as recycled
 * future segments after a checkpoint with redo pointer `redo`:
 * ceil((redo + 1.1 (1 + cct) estimate) / seg), clamped to
 * [segno(redo) + segs(min_wal_size) - 1, segno(redo) + segs(max_wal_size) - 1]. */
int64_t ws_pg_recycle_horizon(int64_t redo, double estimate, double cct, int64_t min_wal_size,
                              int64_t max_wal_size, int64_t seg_size);

/* XLOGChooseNumBuffers (xlog.c): wal_buffers = -1 means shared_buffers/32,
 * at least 8 pages (64 kB), at most one segment; explicit values below
 * 4 pages become 4.  Arguments and result in bytes. */
int64_t ws_pg_wal_buffers(int64_t wal_buffers_setting, int64_t shared_buffers, int64_t seg_size);

#endif
