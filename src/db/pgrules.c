/*
 * pgrules.c - PostgreSQL's checkpoint and WAL arithmetic (see pgrules.h).
 */
#include "walsim/pgrules.h"

#include <assert.h>
#include <math.h>

#define XLOG_BLCKSZ 8192

int64_t ws_pg_segs(int64_t bytes, int64_t seg_size)
{
    assert(seg_size > 0);
    return bytes / seg_size;
}

int64_t ws_pg_checkpoint_segments(int64_t max_wal_size, double cct, int64_t seg_size)
{
    /* The divisor assumes WAL is kept for one checkpoint cycle plus the
     * cct share of the next one consumed while the checkpoint runs. */
    double target = (double)ws_pg_segs(max_wal_size, seg_size) / (1.0 + cct);
    int64_t segs = (int64_t)target;
    return segs < 1 ? 1 : segs;
}

bool ws_pg_checkpoint_needed(int64_t new_segno, int64_t redo_segno, int64_t ckpt_segments)
{
    return new_segno >= redo_segno + ckpt_segments - 1;
}

bool ws_pg_on_schedule(double progress, double cct, int64_t insert_lsn, int64_t start_lsn,
                       int64_t seg_size, int64_t ckpt_segments, double elapsed_s,
                       double timeout_s, double *cached)
{
    double p = progress * cct;
    if (p < *cached)
        return false;
    double wal = ((double)(insert_lsn - start_lsn) / (double)seg_size) / (double)ckpt_segments;
    if (p < wal) {
        *cached = wal;
        return false;
    }
    double t = elapsed_s / timeout_s;
    if (p < t) {
        *cached = t;
        return false;
    }
    return true;
}

double ws_pg_distance_estimate(double estimate, double distance)
{
    if (estimate < distance)
        return distance;
    return 0.90 * estimate + 0.10 * distance;
}

int64_t ws_pg_recycle_horizon(int64_t redo, double estimate, double cct, int64_t min_wal_size,
                              int64_t max_wal_size, int64_t seg_size)
{
    double distance = (1.0 + cct) * estimate * 1.10;
    int64_t redo_seg = redo / seg_size;
    int64_t lo = redo_seg + ws_pg_segs(min_wal_size, seg_size) - 1;
    int64_t hi = redo_seg + ws_pg_segs(max_wal_size, seg_size) - 1;
    int64_t h = (int64_t)ceil(((double)redo + distance) / (double)seg_size);
    if (h < lo)
        h = lo;
    if (h > hi)
        h = hi;
    return h;
}

int64_t ws_pg_wal_buffers(int64_t setting, int64_t shared_buffers, int64_t seg_size)
{
    int64_t pages;
    if (setting < 0) {
        pages = (shared_buffers / 8192) / 32;
        if (pages > seg_size / XLOG_BLCKSZ)
            pages = seg_size / XLOG_BLCKSZ;
        if (pages < 8)
            pages = 8;
    } else {
        pages = setting / XLOG_BLCKSZ;
        if (pages < 4)
            pages = 4;
    }
    return pages * XLOG_BLCKSZ;
}
