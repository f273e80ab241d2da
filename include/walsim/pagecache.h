/*
 * pagecache.h - the OS page cache between PostgreSQL and the disk (Linux
 * writeback, os-device-models.md section 1).
 *
 * Dirty data is tracked per file (1 GB relation segment files; WAL goes
 * to the device directly): bytes dirty, and when the file went from clean
 * to dirty (Linux tracks expiry per inode, fs-writeback.c).  Writeback
 * hands a file's dirty bytes to one of the device's writeback streams
 * (device.h), which writes them in order at the device's pace:
 *
 *   - the flusher (wb_workfn): every dirty_writeback_centisecs it writes
 *     the files dirty for longer than dirty_expire_centisecs (kupdate),
 *     and while dirty data is above the background threshold it writes
 *     the oldest files (background writeback) - both in chunks of
 *     min(half a second of bandwidth, limit / 8) per file, as
 *     writeback_chunk_size does, fed to the background stream as it drains;
 *   - sync_file_range(SYNC_FILE_RANGE_WRITE) (PostgreSQL's *_flush_after)
 *     hands the bytes at once to the normal stream and does not wait;
 *   - fsync hands everything the file still has dirty to the sync stream
 *     and completes when every byte of the file handed to any stream is
 *     written, plus the device's cache flush.
 *
 * Thresholds (domain_dirty_limits): percentages of dirtyable memory, the
 * RAM minus what PostgreSQL and the OS hold as anonymous memory (shared
 * buffers are not page cache, global_dirtyable_memory()), or absolute
 * byte settings; bg >= limit means bg = limit / 2.
 *
 * Writers are throttled as balance_dirty_pages does (IO-less dirty
 * throttling): with D = dirty + writeback, freerun = (bg + limit) / 2 and
 * setpoint = (freerun + limit) / 2, nobody waits below freerun; above it
 * pos_ratio = 1 + ((setpoint - D) / (limit - setpoint))^3 (clamped to
 * [0, 2]) scales the rate each writer task may dirty at, bandwidth x
 * pos_ratio / N for N tasks dirtying, and a write that outruns it pauses
 * for the difference, at most 200 ms (MAX_PAUSE); at or above the limit
 * every write pauses 200 ms.  The tasks are the checkpointer, the
 * bgwriter and the backends (as one task: walsim does not tell backends
 * apart), each with its own time of last write.
 */
#ifndef WALSIM_PAGECACHE_H
#define WALSIM_PAGECACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "walsim/device.h"
#include "walsim/scenario.h"
#include "walsim/sim.h"

/* Who writes into the page cache (one throttling task each). */
typedef enum ws_pc_writer {
    WS_PC_CHECKPOINTER,
    WS_PC_BGWRITER,
    WS_PC_BACKENDS,
    WS_PC__WRITERS
} ws_pc_writer;

typedef struct ws_pc_file {
    uint64_t dirty;                    /* bytes dirty, not yet handed to writeback */
    ws_time dirtied_at;                /* when it last went clean -> dirty */
    uint64_t ticket[WS_STREAM__COUNT]; /* stream offset of its last bytes in each stream */
} ws_pc_file;

/* A file that went clean -> dirty at `at` (the flusher's oldest-first
 * order; entries whose file has since been cleaned are dropped lazily). */
typedef struct ws_pc_dirtied {
    ws_time at;
    uint32_t file;
} ws_pc_dirtied;

typedef struct ws_pagecache {
    ws_sim *sim;
    ws_device *dev;
    ws_pc_file *files;
    uint32_t n_files, cap_files;
    uint64_t dirty;                    /* sum of the files' dirty bytes */
    uint64_t bg_thresh, thresh;        /* background and throttling thresholds, bytes */
    uint64_t chunk;                    /* flusher's bytes per file per turn */
    ws_time expire, period;
    ws_time kupdate_cutoff;            /* files dirtied before this are due (kupdate) */
    bool feeding;                      /* the flusher waits on the background stream */
    ws_pc_dirtied *dirtied;            /* min-heap by (at, file): the oldest dirty file first */
    uint32_t n_dirtied, cap_dirtied;
    ws_time last_write[WS_PC__WRITERS];
    /* statistics */
    uint64_t dirty_peak;               /* largest Dirty (dirty + handed, not yet queued on the device) */
    uint64_t throttled;                /* writes that were paused */
    ws_time throttle_ns;               /* total pause */
} ws_pagecache;

int ws_pc_init(ws_pagecache *pc, ws_sim *sim, ws_device *dev, const ws_config *cfg);
void ws_pc_destroy(ws_pagecache *pc);

/* A new file; returns its id. */
uint32_t ws_pc_file_new(ws_pagecache *pc);

/* write(): `bytes` of `file` become dirty, written by `who` at its own
 * time `at` (>= now: a writer that already waited this step is ahead of
 * the clock).  Returns how long the writer is paused by dirty throttling
 * (0 below freerun). */
ws_time ws_pc_write(ws_pagecache *pc, uint32_t file, uint64_t bytes, ws_pc_writer who, ws_time at);

/* n writes of `bytes` to `file` by `who`, the i-th at `at` + i x `step`
 * (a process writing page after page), in one step when none of them
 * would be paused or wake the flusher: then exactly what n calls of
 * ws_pc_write would do, and returns true.  Otherwise does nothing and
 * returns false (the caller writes them one by one). */
bool ws_pc_write_run(ws_pagecache *pc, uint32_t file, uint64_t bytes, uint64_t n, ws_pc_writer who,
                     ws_time at, ws_time step);

/* sync_file_range(SYNC_FILE_RANGE_WRITE): start writeback of up to
 * `bytes` of the file's dirty data; does not wait. */
void ws_pc_hint(ws_pagecache *pc, uint32_t file, uint64_t bytes, ws_io_class cls);

typedef void (*ws_pc_done_fn)(void *ctx, uint64_t arg);

/* fsync(): calls fn(ctx, arg) when the file's data is on the device and
 * the cache flush is done. */
void ws_pc_fsync(ws_pagecache *pc, uint32_t file, ws_io_class cls, ws_pc_done_fn fn, void *ctx,
                 uint64_t arg);

/* /proc/meminfo's Dirty (dirty data not yet under writeback) and
 * Writeback (queued on the device), in bytes. */
uint64_t ws_pc_dirty_bytes(const ws_pagecache *pc);
uint64_t ws_pc_writeback_bytes(const ws_pagecache *pc);

/* balance_dirty_pages' position ratio at dirty + writeback = D bytes
 * (2 at and below freerun, 1 at the setpoint, 0 at the limit). */
double ws_pc_pos_ratio(const ws_pagecache *pc, uint64_t D);

#endif
