/*
 * walkeep.c - WAL segment retention after a checkpoint (see walkeep.h).
 */
#include "walsim/walkeep.h"

#include <assert.h>

/* ConvertToXSegs (xlog.c): a size in MB as whole segments, rounded down. */
static int64_t to_segs(int64_t bytes, int64_t seg_size)
{
    return bytes / seg_size;
}

int64_t ws_walkeep_keep_seg(int64_t seg, uint64_t recptr, bool slot, uint64_t slot_lsn,
                            int64_t max_slot_keep, int64_t wal_keep_size, int64_t seg_size)
{
    assert(seg_size > 0);
    int64_t cur = (int64_t)(recptr / (uint64_t)seg_size);
    int64_t segno = cur;
    /* Slots first, capped by max_slot_wal_keep_size. */
    if (slot && slot_lsn < recptr) {
        segno = (int64_t)(slot_lsn / (uint64_t)seg_size);
        if (max_slot_keep >= 0) {
            int64_t cap = to_segs(max_slot_keep, seg_size);
            if (cur - segno > cap)
                segno = cur - cap;
        }
    }
    /* ... but keep at least wal_keep_size. */
    if (wal_keep_size > 0) {
        int64_t keep = to_segs(wal_keep_size, seg_size);
        if (cur - segno < keep)
            segno = cur <= keep ? 0 : cur - keep;
    }
    return segno < seg ? segno : seg;
}

ws_walkeep_out ws_walkeep_apply(const ws_walkeep_in *in)
{
    assert(in->seg_size > 0 && in->redo <= in->recptr);
    ws_walkeep_out out = {0};
    int64_t redo_seg = (int64_t)(in->redo / (uint64_t)in->seg_size);
    int64_t seg = ws_walkeep_keep_seg(redo_seg, in->recptr, in->slot, in->slot_lsn,
                                      in->max_slot_keep, in->wal_keep_size, in->seg_size);
    /* InvalidateObsoleteReplicationSlots: restart_lsn before the first
     * byte of the oldest segment kept. */
    uint64_t oldest_lsn = (uint64_t)seg * (uint64_t)in->seg_size;
    if (in->slot && in->slot_lsn < oldest_lsn) {
        out.slot_invalidated = true;
        out.slot_excess = (int64_t)(oldest_lsn - in->slot_lsn);
        seg = ws_walkeep_keep_seg(redo_seg, in->recptr, false, 0, in->max_slot_keep,
                                  in->wal_keep_size, in->seg_size);
    }
    out.keep_seg = seg;
    out.remove_upto = seg - 1;
    /* RemoveOldXlogFiles -> XLogArchiveCheckDone: not before .done. */
    if (in->archiving && out.remove_upto >= in->archived_upto) {
        out.archive_held = out.remove_upto - in->archived_upto + 1;
        out.remove_upto = in->archived_upto - 1;
    }
    return out;
}
