/*
 * recovery.h - crash recovery: how long it takes, and what a crash loses.
 *
 * After a crash PostgreSQL replays WAL from the redo pointer of the last
 * *completed* checkpoint to the end of the WAL that reached the disk
 * (xlogrecovery.c), then writes everything it redid in an end-of-recovery
 * checkpoint (IMMEDIATE, the server waits for it) and resets UNLOGGED
 * relations to their empty init forks (reinit.c).  walsim estimates:
 *
 *   redo     = max(WAL / replay_rate, WAL / read bandwidth): the startup
 *              process applies records on one core while reading pg_wal;
 *   reads    = pages the redo needs that no full-page image restores, read
 *              at the device's random-read rate (none with
 *              full_page_writes = on: the first change of every page after
 *              the redo pointer carries its image);
 *   checkpoint = the pages redone, written and fsynced at the write
 *              bandwidth.
 *
 * The OS page cache is assumed lost too (a power failure or kernel crash),
 * the worst case; after a crash of PostgreSQL alone pg_wal and many data
 * pages would still be cached and recovery faster.
 */
#ifndef WALSIM_RECOVERY_H
#define WALSIM_RECOVERY_H

#include <stdbool.h>
#include <stdint.h>

#include "walsim/device.h"

typedef struct ws_recovery {
    uint64_t wal_bytes;   /* WAL to replay */
    uint64_t pages;       /* distinct pages changed by it */
    double redo_s, read_s, checkpoint_s, total_s;
} ws_recovery;

/* The recovery time for `wal_bytes` of WAL changing `pages` pages on
 * device d at `replay_rate` bytes/s; with full_page_writes on no page
 * needs reading. */
void ws_recovery_estimate(const ws_device *d, double replay_rate, bool full_page_writes,
                          uint64_t wal_bytes, uint64_t pages, ws_recovery *out);

#endif
