/*
 * recovery.c - the crash-recovery estimate (see recovery.h).
 */
#include "walsim/recovery.h"

#include <math.h>

#define PAGE 8192.0
#define PREFETCH_DEPTH 10 /* maintenance_io_concurrency: recovery_prefetch's reads in flight */

void ws_recovery_estimate(const ws_device *d, double replay_rate, bool full_page_writes,
                          uint64_t wal_bytes, uint64_t pages, ws_recovery *out)
{
    out->wal_bytes = wal_bytes;
    out->pages = pages;
    double wal = (double)wal_bytes;
    out->redo_s = fmax(wal / replay_rate, wal / d->read_bw);
    out->read_s = 0;
    if (!full_page_writes && pages > 0) {
        /* random reads, PREFETCH_DEPTH in flight, bounded by the IOPS */
        double per_s = PREFETCH_DEPTH / ((double)d->read_latency / 1e9);
        if (d->read_iops > 0 && d->read_iops < per_s)
            per_s = d->read_iops;
        out->read_s = (double)pages / per_s;
    }
    double bytes = (double)pages * PAGE;
    double t = bytes / d->write_bw;
    double ios = ceil(bytes / d->io_unit);
    if (d->write_iops > 0 && ios / d->write_iops > t)
        t = ios / d->write_iops;
    out->checkpoint_s = t + (double)d->flush_latency / 1e9;
    out->total_s = out->redo_s + out->read_s + out->checkpoint_s;
}
