/*
 * pagecache.h - the OS page cache between PostgreSQL and the disk.
 *
 * Dirty data is tracked per file (1 GB relation segment files, WAL is
 * written directly): bytes dirty and when the file went from clean to
 * dirty (Linux tracks expiry per inode, fs-writeback.c).  Writeback moves
 * a file's dirty bytes into the device's write queue:
 *
 *   - the flusher wakes every dirty_writeback_centisecs and writes files
 *     dirty for longer than dirty_expire_centisecs, and, while total dirty
 *     data is above the background threshold, the oldest files;
 *   - sync_file_range hints (PostgreSQL's *_flush_after) write a file's
 *     dirty bytes at once, without waiting;
 *   - fsync writes everything the file still has dirty and completes when
 *     the last of the file's writeback is on the device, plus a cache flush.
 *
 * Writers above the dirty_ratio threshold are paused (balance_dirty_pages)
 * for at most 200 ms.  Thresholds are percentages of dirtyable memory:
 * RAM minus shared_buffers (anonymous memory does not count,
 * global_dirtyable_memory()).  This first model is refined by the
 * OS/device issue (pos_ratio curve, wbt, per-class queue shares).
 */
#ifndef WALSIM_PAGECACHE_H
#define WALSIM_PAGECACHE_H

#include <stdint.h>

#include "walsim/device.h"
#include "walsim/scenario.h"
#include "walsim/sim.h"

typedef struct ws_pc_file {
    uint64_t dirty;       /* bytes */
    ws_time dirtied_at;   /* when it last went clean -> dirty */
    ws_time written_by;   /* completion of its last queued writeback */
} ws_pc_file;

typedef struct ws_pagecache {
    ws_sim *sim;
    ws_device *dev;
    ws_pc_file *files;
    uint32_t n_files, cap_files;
    uint64_t dirty, dirty_peak;
    uint64_t bg_thresh, thresh;
    ws_time expire, period;
    uint64_t throttled;   /* writes that were paused */
} ws_pagecache;

int ws_pc_init(ws_pagecache *pc, ws_sim *sim, ws_device *dev, const ws_config *cfg);
void ws_pc_destroy(ws_pagecache *pc);

/* A new file; returns its id. */
uint32_t ws_pc_file_new(ws_pagecache *pc);

/* write(): `bytes` of `file` become dirty.  Returns how long the writer is
 * paused by dirty throttling (0 below the threshold). */
ws_time ws_pc_write(ws_pagecache *pc, uint32_t file, uint64_t bytes);

/* sync_file_range(SYNC_FILE_RANGE_WRITE): start writeback of up to
 * `bytes` of the file's dirty data; does not wait. */
void ws_pc_hint(ws_pagecache *pc, uint32_t file, uint64_t bytes, ws_io_class cls);

/* fsync(): returns the time it completes. */
ws_time ws_pc_fsync(ws_pagecache *pc, uint32_t file, ws_io_class cls);

#endif
