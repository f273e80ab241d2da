/*
 * test_pgrules.c - PostgreSQL's checkpoint/WAL rules against values
 * computed by hand from shared/reference/pg-mechanics.md.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "walsim/pgrules.h"

#define MB (1024LL * 1024)
#define GB (1024LL * MB)
#define SEG (16 * MB)

static void test_checkpoint_segments(void **state)
{
    (void)state;
    /* 1024 MB / 16 MB = 64 segments; 64 / 1.9 = 33.68 -> 33; 64 / 1.5 = 42.67 -> 42 */
    assert_int_equal(ws_pg_checkpoint_segments(GB, 0.9, SEG), 33);
    assert_int_equal(ws_pg_checkpoint_segments(GB, 0.5, SEG), 42);
    /* 50 GB: 3200 segments / 1.9 = 1684.2 -> 1684 */
    assert_int_equal(ws_pg_checkpoint_segments(50 * GB, 0.9, SEG), 1684);
    /* tiny max_wal_size: at least 1 */
    assert_int_equal(ws_pg_checkpoint_segments(32 * MB, 1.0, SEG), 1);
    /* 100 MB is 6 whole segments (rounded down): 6 / 1.5 = 4 */
    assert_int_equal(ws_pg_checkpoint_segments(100 * MB, 0.5, SEG), 4);
    /* 64 MB segments: 1 GB = 16 segments / 1.9 = 8 */
    assert_int_equal(ws_pg_checkpoint_segments(GB, 0.9, 64 * MB), 8);
}

static void test_checkpoint_needed(void **state)
{
    (void)state;
    /* redo in segment 10, CheckPointSegments 33: requested when segment
     * 10 + 33 - 1 = 42 has been filled. */
    assert_false(ws_pg_checkpoint_needed(41, 10, 33));
    assert_true(ws_pg_checkpoint_needed(42, 10, 33));
    assert_true(ws_pg_checkpoint_needed(50, 10, 33));
}

static void test_on_schedule(void **state)
{
    (void)state;
    double cached = 0;
    /* cct 0.5, T = 300 s, CheckPointSegments 42. After 60 s (time fraction
     * 0.2) with 2 segments written (WAL fraction 2/42 = 0.048), progress
     * 0.5 gives 0.25 >= 0.2: on schedule. */
    assert_true(ws_pg_on_schedule(0.5, 0.5, 2 * SEG, 0, SEG, 42, 60, 300, &cached));
    assert_true(cached == 0);
    /* progress 0.3 -> 0.15 < 0.2: behind by time; the cache keeps 0.2 */
    assert_false(ws_pg_on_schedule(0.3, 0.5, 2 * SEG, 0, SEG, 42, 60, 300, &cached));
    assert_true(fabs(cached - 0.2) < 1e-12);
    /* even with less elapsed time, 0.18 < cached 0.2: still behind */
    assert_false(ws_pg_on_schedule(0.36, 0.5, 0, 0, SEG, 42, 1, 300, &cached));
    /* WAL fraction: 21 of 42 segments = 0.5 > 0.9 * 0.5 = 0.45: behind by WAL */
    cached = 0;
    assert_false(ws_pg_on_schedule(0.5, 0.9, 21 * SEG, 0, SEG, 42, 1, 300, &cached));
    assert_true(fabs(cached - 0.5) < 1e-12);
    /* the WAL fraction counts from the checkpoint's start LSN: 18 of 42
     * segments = 0.43 <= 0.45 */
    cached = 0;
    assert_true(ws_pg_on_schedule(0.5, 0.9, 118 * SEG, 100 * SEG, SEG, 42, 1, 300, &cached));
    assert_false(ws_pg_on_schedule(0.5, 0.9, 118 * SEG, 0, SEG, 42, 1, 300, &cached));
}

static void test_distance_estimate(void **state)
{
    (void)state;
    /* up at once, down by 10 % of the difference */
    assert_true(ws_pg_distance_estimate(0, 500 * MB) == 500 * MB);
    assert_true(ws_pg_distance_estimate(500 * MB, 600 * MB) == 600 * MB);
    double e = ws_pg_distance_estimate(600 * MB, 100 * MB);
    assert_true(fabs(e - (0.9 * 600 + 0.1 * 100) * MB) < 1);
}

static void test_recycle_horizon(void **state)
{
    (void)state;
    /* redo at the start of segment 100, estimate 512 MB, cct 0.9:
     * 1.1 * 1.9 * 512 MB = 1070.08 MB -> ceil(100 + 66.88) = 167;
     * clamp [100 + 5 - 1, 100 + 64 - 1] = [104, 163] -> 163 */
    assert_int_equal(ws_pg_recycle_horizon(100 * SEG, 512.0 * MB, 0.9, 80 * MB, GB, SEG), 163);
    /* estimate 100 MB: 1.1 * 1.9 * 100 = 209 MB -> ceil(100 + 13.06) = 114 */
    assert_int_equal(ws_pg_recycle_horizon(100 * SEG, 100.0 * MB, 0.9, 80 * MB, GB, SEG), 114);
    /* idle: estimate 0 -> min_wal_size: 100 + 5 - 1 = 104 */
    assert_int_equal(ws_pg_recycle_horizon(100 * SEG, 0, 0.9, 80 * MB, GB, SEG), 104);
}

static void test_wal_buffers(void **state)
{
    (void)state;
    /* 128 MB shared_buffers -> 16384 pages / 32 = 512 pages = 4 MB */
    assert_int_equal(ws_pg_wal_buffers(-1, 128 * MB, SEG), 4 * MB);
    /* >= 512 MB -> capped at one segment: 16 MB */
    assert_int_equal(ws_pg_wal_buffers(-1, 16 * GB, SEG), 16 * MB);
    /* tiny shared_buffers -> floor 8 pages = 64 kB */
    assert_int_equal(ws_pg_wal_buffers(-1, 1 * MB, SEG), 64 * 1024);
    /* explicit values below 4 pages become 4 */
    assert_int_equal(ws_pg_wal_buffers(8192, 16 * GB, SEG), 32 * 1024);
    assert_int_equal(ws_pg_wal_buffers(64 * MB, 16 * GB, SEG), 64 * MB);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_checkpoint_segments),
        cmocka_unit_test(test_checkpoint_needed),
        cmocka_unit_test(test_on_schedule),
        cmocka_unit_test(test_distance_estimate),
        cmocka_unit_test(test_recycle_horizon),
        cmocka_unit_test(test_wal_buffers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
