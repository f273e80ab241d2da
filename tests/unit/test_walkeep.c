/*
 * test_walkeep.c - WAL segment retention (KeepLogSeg, slot invalidation,
 * RemoveOldXlogFiles and archive status) against hand-computed cases.
 * 16 MB segments throughout; "segment N" starts at N * 16 MB.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "walsim/walkeep.h"

#define MB (1024LL * 1024)
#define GB (1024LL * MB)
#define SEG (16 * MB)
#define AT(segno, off) ((uint64_t)(segno) * (uint64_t)SEG + (uint64_t)(off))

static ws_walkeep_in base(uint64_t redo, uint64_t recptr)
{
    return (ws_walkeep_in){.seg_size = SEG, .redo = redo, .recptr = recptr, .max_slot_keep = -1};
}

static void test_plain(void **state)
{
    (void)state;
    /* redo in segment 100, record in 120: segments up to 99 go. */
    ws_walkeep_out o = ws_walkeep_apply(&(ws_walkeep_in){.seg_size = SEG, .redo = AT(100, 5),
                                                         .recptr = AT(120, 7), .max_slot_keep = -1});
    assert_int_equal(o.keep_seg, 100);
    assert_int_equal(o.remove_upto, 99);
    assert_false(o.slot_invalidated);
    assert_int_equal(o.archive_held, 0);
}

static void test_wal_keep_size(void **state)
{
    (void)state;
    /* wal_keep_size 1 GB = 64 segments back from the record's segment
     * 120 (not from redo): 56; redo's 100 is later, so 56 wins. */
    ws_walkeep_in in = base(AT(100, 0), AT(120, 1));
    in.wal_keep_size = GB;
    assert_int_equal(ws_walkeep_apply(&in).keep_seg, 56);
    /* 200 MB = 12 whole segments (rounded down): 108 > 100: redo wins. */
    in.wal_keep_size = 200 * MB;
    assert_int_equal(ws_walkeep_apply(&in).keep_seg, 100);
    /* early in the WAL: cur 20 <= 64 keeps everything from the first. */
    in = base(AT(10, 0), AT(20, 0));
    in.wal_keep_size = GB;
    assert_int_equal(ws_walkeep_apply(&in).keep_seg, 0);
    assert_int_equal(ws_walkeep_apply(&in).remove_upto, -1);
}

static void test_slot(void **state)
{
    (void)state;
    /* slot at segment 40 (no limit) holds everything from 40. */
    ws_walkeep_in in = base(AT(100, 0), AT(120, 0));
    in.slot = true;
    in.slot_lsn = AT(40, 123);
    ws_walkeep_out o = ws_walkeep_apply(&in);
    assert_int_equal(o.keep_seg, 40);
    assert_false(o.slot_invalidated);
    /* a slot ahead of redo does not move the cutoff past redo */
    in.slot_lsn = AT(110, 0);
    assert_int_equal(ws_walkeep_apply(&in).keep_seg, 100);
    /* a slot at or past the record is ignored (keep < recptr) */
    in.slot_lsn = AT(130, 0);
    assert_int_equal(ws_walkeep_apply(&in).keep_seg, 100);
}

static void test_slot_limit(void **state)
{
    (void)state;
    /* max_slot_wal_keep_size 1 GB = 64 segments: cap at 120 - 64 = 56;
     * the slot at 40 starts before segment 56: invalidated,
     * then redo (100) decides. Excess = 56*16MB - (40*16MB + 123). */
    ws_walkeep_in in = base(AT(100, 0), AT(120, 0));
    in.slot = true;
    in.slot_lsn = AT(40, 123);
    in.max_slot_keep = GB;
    ws_walkeep_out o = ws_walkeep_apply(&in);
    assert_true(o.slot_invalidated);
    assert_int_equal(o.slot_excess, 16 * SEG - 123);
    assert_int_equal(o.keep_seg, 100);
    /* slot at segment 60 is within the limit: kept, not invalidated */
    in.slot_lsn = AT(60, 0);
    o = ws_walkeep_apply(&in);
    assert_false(o.slot_invalidated);
    assert_int_equal(o.keep_seg, 60);
    /* slot exactly at the limit's first byte: kept */
    in.slot_lsn = AT(56, 0);
    o = ws_walkeep_apply(&in);
    assert_false(o.slot_invalidated);
    assert_int_equal(o.keep_seg, 56);
    /* one byte before: invalidated by 1 byte */
    in.slot_lsn = AT(56, 0) - 1;
    o = ws_walkeep_apply(&in);
    assert_true(o.slot_invalidated);
    assert_int_equal(o.slot_excess, 1);
    /* with wal_keep_size 1.5 GB (96 segments -> 24) the invalidated slot's
     * recomputation keeps 24 */
    in.wal_keep_size = 1536 * MB;
    in.slot_lsn = AT(10, 0);
    o = ws_walkeep_apply(&in);
    assert_true(o.slot_invalidated);
    assert_int_equal(o.keep_seg, 24);
    /* max_slot_wal_keep_size = 0: the cutoff is the redo segment (min
     * of redo and the capped slot), so a slot in 100..119 survives and
     * one before segment 100 is invalidated */
    in = base(AT(100, 0), AT(120, 0));
    in.slot = true;
    in.slot_lsn = AT(119, 0);
    in.max_slot_keep = 0;
    assert_false(ws_walkeep_apply(&in).slot_invalidated);
    in.slot_lsn = AT(99, SEG - 1);
    assert_true(ws_walkeep_apply(&in).slot_invalidated);
}

static void test_archive(void **state)
{
    (void)state;
    /* archived below segment 70: rules allow removing up to 99, archiving
     * holds 70..99 (30 segments). */
    ws_walkeep_in in = base(AT(100, 0), AT(120, 0));
    in.archiving = true;
    in.archived_upto = 70;
    ws_walkeep_out o = ws_walkeep_apply(&in);
    assert_int_equal(o.keep_seg, 100);
    assert_int_equal(o.remove_upto, 69);
    assert_int_equal(o.archive_held, 30);
    /* archiver ahead of the cutoff: no effect */
    in.archived_upto = 115;
    o = ws_walkeep_apply(&in);
    assert_int_equal(o.remove_upto, 99);
    assert_int_equal(o.archive_held, 0);
    /* archive_mode off: archived_upto is ignored */
    in.archiving = false;
    in.archived_upto = 0;
    assert_int_equal(ws_walkeep_apply(&in).remove_upto, 99);
}

static void test_keep_seg_direct(void **state)
{
    (void)state;
    /* KeepLogSeg never moves the cutoff forward */
    assert_int_equal(ws_walkeep_keep_seg(30, AT(120, 0), false, 0, -1, 0, SEG), 30);
    /* 64 MB segments: 1 GB = 16 segments */
    assert_int_equal(ws_walkeep_keep_seg(100, (uint64_t)120 * 64 * MB, false, 0, -1, GB, 64 * MB),
                     100);
    assert_int_equal(ws_walkeep_keep_seg(118, (uint64_t)120 * 64 * MB, false, 0, -1, GB, 64 * MB),
                     104);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain),       cmocka_unit_test(test_wal_keep_size),
        cmocka_unit_test(test_slot),        cmocka_unit_test(test_slot_limit),
        cmocka_unit_test(test_archive),     cmocka_unit_test(test_keep_seg_direct),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
