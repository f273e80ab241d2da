/*
 * walkeep.h - which WAL segments a finished checkpoint may remove: the
 * retention rules of PostgreSQL's CreateCheckPoint, as pure functions.
 *
 * Segment numbers are walsim's (LSN / wal_segment_size, from 0; PostgreSQL's
 * first segment is 1 because its WAL starts at 0/1000000).  After a
 * checkpoint with redo pointer `redo` whose record is at `recptr`:
 *
 *   seg = segment of redo                          (XLByteToSeg(RedoRecPtr))
 *   KeepLogSeg(recptr, &seg):
 *     slot minimum (XLogGetReplicationSlotMinimumLSN), if below recptr,
 *       capped to cur - max_slot_wal_keep_size segments (when >= 0);
 *     then at least wal_keep_size segments back from cur;
 *     seg = min(seg, that)
 *   InvalidateObsoleteReplicationSlots(seg): a slot whose restart_lsn is
 *     before the start of `seg` is invalidated, and KeepLogSeg runs again
 *     without it;
 *   RemoveOldXlogFiles(seg - 1): segments up to seg - 1 are removed or
 *     recycled, but only those archived (XLogArchiveCheckDone: with
 *     archive_mode on a segment with .ready and no .done stays).
 *
 * The archiver (pgarch.c) archives segments in order, so "archived" is
 * every segment below `archived_upto`, and pg_wal stays one contiguous
 * range of segments.
 */
#ifndef WALSIM_WALKEEP_H
#define WALSIM_WALKEEP_H

#include <stdbool.h>
#include <stdint.h>

typedef struct ws_walkeep_in {
    int64_t seg_size;          /* wal_segment_size, bytes */
    uint64_t redo, recptr;     /* the checkpoint's redo pointer and record LSN */
    int64_t wal_keep_size;     /* bytes; 0: none */
    bool slot;                 /* a valid replication slot exists */
    uint64_t slot_lsn;         /* its restart_lsn */
    int64_t max_slot_keep;     /* max_slot_wal_keep_size in bytes; -1: no limit */
    bool archiving;            /* archive_mode != off */
    int64_t archived_upto;     /* first segment not yet archived */
} ws_walkeep_in;

typedef struct ws_walkeep_out {
    int64_t keep_seg;          /* oldest segment kept by the rules (after invalidation) */
    int64_t remove_upto;       /* segments <= this may go (archive status applied); may be < 0 */
    bool slot_invalidated;     /* InvalidateObsoleteReplicationSlots invalidated the slot */
    int64_t slot_excess;       /* bytes the slot's restart_lsn was behind the limit (when invalidated) */
    int64_t archive_held;      /* segments the rules would remove but archiving holds back */
} ws_walkeep_out;

/* KeepLogSeg (xlog.c): the oldest segment to keep, given the redo segment
 * `seg`, the checkpoint record `recptr`, the slot (`slot`, `slot_lsn`) and
 * the two size settings. */
int64_t ws_walkeep_keep_seg(int64_t seg, uint64_t recptr, bool slot, uint64_t slot_lsn,
                            int64_t max_slot_keep, int64_t wal_keep_size, int64_t seg_size);

/* The whole rule of CreateCheckPoint: KeepLogSeg, slot invalidation,
 * RemoveOldXlogFiles' cutoff and the archive status check. */
ws_walkeep_out ws_walkeep_apply(const ws_walkeep_in *in);

#endif
