/*
 * test_bufpool.c - page map and clock sweep (freelist.c StrategyGetBuffer).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "walsim/bufpool.h"

static void test_victim_choice(void **state)
{
    (void)state;
    ws_bufpool bp;
    assert_int_equal(ws_bufpool_init(&bp, 3), 0);
    /* Fill: empty buffers are taken in hand order. */
    for (uint32_t p = 0; p < 3; p++) {
        uint32_t b = ws_bufpool_victim(&bp);
        assert_int_equal(b, p);
        ws_bufpool_load(&bp, b, 100 + p, true);
    }
    assert_int_equal(bp.passes, 1);
    /* usage counts: buffer 0 -> 3, buffer 1 -> 1, buffer 2 -> 2 */
    ws_bufpool_hit(&bp, 0);
    ws_bufpool_hit(&bp, 0);
    ws_bufpool_hit(&bp, 2);
    /* Sweep from 0: 3->2, 1->0, 2->1; then 0: 2->1, 1 is 0 -> victim 1. */
    assert_int_equal(ws_bufpool_victim(&bp), 1);
    assert_int_equal(ws_bufpool_usage(&bp, 0), 1);
    assert_int_equal(ws_bufpool_usage(&bp, 2), 1);
    assert_int_equal(bp.hand, 2);
    assert_int_equal(bp.allocs, 4);
    ws_bufpool_destroy(&bp);
}

static void test_usage_capped_at_5(void **state)
{
    (void)state;
    ws_bufpool bp;
    assert_int_equal(ws_bufpool_init(&bp, 2), 0);
    ws_bufpool_load(&bp, ws_bufpool_victim(&bp), 1, true);
    ws_bufpool_load(&bp, ws_bufpool_victim(&bp), 2, true);
    for (int i = 0; i < 20; i++)
        ws_bufpool_hit(&bp, 0);
    assert_int_equal(ws_bufpool_usage(&bp, 0), WS_BUF_MAX_USAGE);
    /* Buffer 1 (usage 1) is victim on the second pass; buffer 0 loses 2. */
    assert_int_equal(ws_bufpool_victim(&bp), 1);
    assert_int_equal(ws_bufpool_usage(&bp, 0), 3);
    ws_bufpool_destroy(&bp);
}

static void test_map_follows_loads_and_dirty_count(void **state)
{
    (void)state;
    ws_bufpool bp;
    const uint32_t N = 5000;
    assert_int_equal(ws_bufpool_init(&bp, N), 0);
    /* Load many more pages than buffers; the map must always agree with
     * the descriptors (exercises backward-shift deletion). */
    uint64_t x = 99;
    for (int i = 0; i < 200000; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        uint64_t page = (x >> 30) % 20000;
        int64_t b = ws_bufpool_lookup(&bp, page);
        if (b >= 0) {
            assert_int_equal(bp.page[b], page);
            ws_bufpool_hit(&bp, (uint32_t)b);
        } else {
            uint32_t v = ws_bufpool_victim(&bp);
            if (ws_bufpool_flags(&bp, v) & WS_BUF_DIRTY)
                ws_bufpool_clean(&bp, v);
            ws_bufpool_load(&bp, v, page, true);
            b = v;
        }
        if (i % 3 == 0)
            ws_bufpool_dirty(&bp, (uint32_t)b, (uint64_t)i);
    }
    uint32_t dirty = 0;
    for (uint32_t b = 0; b < N; b++) {
        assert_int_equal(ws_bufpool_lookup(&bp, bp.page[b]), b);
        dirty += (ws_bufpool_flags(&bp, b) & WS_BUF_DIRTY) != 0;
    }
    assert_int_equal(dirty, bp.dirty);
    assert_int_equal(ws_bufpool_lookup(&bp, 123456789), -1);
    ws_bufpool_destroy(&bp);
}

/* Relations with arrays of their own (ws_bufpool_direct): a whole one
 * (k = 1), a sampled one (k = 10: its multiples of 10) whose blocks past
 * the array (it grew) and one without: lookups agree with the descriptors
 * through loads and evictions, the map holds only the pages no array
 * covers, and a page not resident is not found. */
static void test_direct_arrays_follow_loads(void **state)
{
    (void)state;
    ws_bufpool bp;
    const uint32_t N = 2000;
    assert_int_equal(ws_bufpool_init(&bp, N), 0);
    assert_int_equal(ws_bufpool_direct(&bp, 1, 3000, 1), 0);
    assert_int_equal(ws_bufpool_direct(&bp, 3, 40000, 10), 0); /* rel 2: none */
    assert_int_equal(bp.n_direct, 4);
    assert_null(bp.direct[0].buf);
    assert_null(bp.direct[2].buf);
    uint64_t x = 7;
    for (int i = 0; i < 100000; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        int rel = 1 + (int)((x >> 20) % 3);
        uint64_t block = (x >> 30) % 3000;
        if (rel == 3)
            block = (x >> 30) % 4400 * 10; /* past 40,000: grown, in the map */
        uint64_t page = ws_page_id(rel, block);
        int64_t b = ws_bufpool_lookup(&bp, page);
        if (b >= 0) {
            assert_int_equal(bp.page[b], page);
            ws_bufpool_hit(&bp, (uint32_t)b);
        } else {
            ws_bufpool_load(&bp, ws_bufpool_victim(&bp), page, true);
        }
    }
    uint32_t in_map = 0, expect_map = 0;
    for (uint32_t b = 0; b < N; b++) {
        uint64_t page = bp.page[b];
        assert_int_equal(ws_bufpool_lookup(&bp, page), b);
        int rel = ws_page_rel(page);
        expect_map += rel == 2 || (rel == 3 && ws_page_block(page) >= 40000);
    }
    for (uint64_t i = 0; i <= bp.map_mask; i++)
        in_map += bp.map[i].page != WS_BUF_NONE;
    assert_true(expect_map > 0 && expect_map < N);
    assert_int_equal(in_map, expect_map);
    /* not resident: in an array, past one, and a block no sample holds */
    uint32_t absent = 0;
    for (uint64_t block = 0; block < 3000; block++)
        absent += ws_bufpool_lookup(&bp, ws_page_id(1, block)) < 0;
    assert_true(absent > 0 && absent < 3000);
    assert_int_equal(ws_bufpool_lookup(&bp, ws_page_id(1, 3000)), -1);
    assert_int_equal(ws_bufpool_lookup(&bp, ws_page_id(3, 15)), -1);
    ws_bufpool_destroy(&bp);
    assert_null(bp.direct);
}

/* unseen(): usage bumps of buffer b counted elsewhere (a test double:
 * the count at ctx, once per call; it records which buffer asked). */
static unsigned unseen_fixed(void *ctx, uint32_t b, double share)
{
    unsigned *u = ctx;
    u[1] = b;
    return (unsigned)(u[0] * share + 0.5);
}

/* A WS_BUF_UNSEEN buffer gets the usage bumps it had unseen when the
 * sweep looks at it (capped at 5), so the sweep passes it by; a buffer
 * without the flag is not asked about; the bgwriter's look ahead sees the
 * bumps since the hand passed, without keeping them. */
static void test_unseen_bumps_at_the_sweep(void **state)
{
    (void)state;
    ws_bufpool bp;
    assert_int_equal(ws_bufpool_init(&bp, 3), 0);
    for (uint64_t p = 0; p < 3; p++)
        ws_bufpool_load(&bp, ws_bufpool_victim(&bp), p, true);
    unsigned ctx[2] = {7, 99};
    bp.unseen = unseen_fixed;
    bp.unseen_ctx = ctx;
    bp.state[0] |= WS_BUF_UNSEEN;
    /* every usage 1; the sweep asks at each visit: 0 gets min(5, 1 + 7)
     * and loses one, 1 and 2 go to 0; 0 again 5 - 1; 1 is the victim */
    assert_int_equal(ws_bufpool_victim(&bp), 1);
    assert_int_equal(ctx[1], 0);
    assert_int_equal(ws_bufpool_usage(&bp, 0), WS_BUF_MAX_USAGE - 1);
    assert_true(ws_bufpool_flags(&bp, 0) & WS_BUF_UNSEEN);
    /* nothing unseen: it is an ordinary buffer */
    ctx[0] = 0;
    ctx[1] = 99;
    bp.state[0] = (uint8_t)(bp.state[0] & ~WS_BUF_USAGE_MASK);
    bp.hand = 0;
    assert_int_equal(ws_bufpool_victim(&bp), 0);
    assert_int_equal(ctx[1], 0);
    /* refresh alone: no flag, no call */
    ctx[0] = 3;
    ctx[1] = 99;
    ws_bufpool_refresh(&bp, 2);
    assert_int_equal(ctx[1], 99);
    /* the bgwriter's look ahead: 2 is 2 of 3 buffers ahead of the hand, so
     * passed a third of a pass ago: a third of the bumps (4 / 3 -> 1),
     * shown, not kept */
    bp.state[2] = (uint8_t)((bp.state[2] & ~WS_BUF_USAGE_MASK) | WS_BUF_UNSEEN);
    bp.hand = 0;
    ctx[0] = 4;
    assert_int_equal(ws_bufpool_usage_now(&bp, 2), 1);
    assert_int_equal(ctx[1], 2);
    assert_int_equal(ws_bufpool_usage(&bp, 2), 0);
    ws_bufpool_destroy(&bp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_victim_choice),
        cmocka_unit_test(test_usage_capped_at_5),
        cmocka_unit_test(test_unseen_bumps_at_the_sweep),
        cmocka_unit_test(test_map_follows_loads_and_dirty_count),
        cmocka_unit_test(test_direct_arrays_follow_loads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
