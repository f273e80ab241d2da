/*
 * test_warm.c - the warm start (src/db/warm.c): where it puts the resident
 * pages in shared buffers.  A server up for weeks has its pages in no
 * order; filled in page order, the clock sweep's first passes would evict
 * one 1 GB file after another.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "walsim/db.h"

#include "support.h"

#define FILE_PAGES 131072 /* 1 GB segment files of 8 kB pages */

/* A 4 GB table (4 files) read and changed uniformly, 512 MB of shared
 * buffers: an eighth of it is resident. */
#define SCENARIO(seed)                                                                            \
    "[scenario]\nduration = 1min\nseed = " seed "\n"                                              \
    "[workload]\nrate = 100/s\n"                                                                  \
    "[table big]\nsize = 4GB\n"                                                                   \
    "[transaction x]\nwrites = 'big:1'\nreads = 'big:2'\n"                                        \
    "[postgres]\nshared_buffers = 512MB\n"                                                        \
    "[os]\nram = 8GB\n"

/* The database of `text`, warm-started. */
static void warm_open(test_db_rig *w, const char *text)
{
    test_db_open(w, text);
    assert_int_equal(w->rc, WS_OK);
    double phase;
    assert_int_equal(ws_warm_start(&w->db, &phase, &w->err), WS_OK);
}

/* The buffers the clock hand meets first hold pages of every file, in
 * about equal shares (in page order they would all be of the first). */
static void test_pages_in_no_order(void **state)
{
    (void)state;
    test_db_rig w;
    warm_open(&w, SCENARIO("7"));
    const ws_bufpool *bp = &w.db.bp;
    assert_int_equal(bp->n, 65536);
    uint32_t per_file[4] = {0}, n = 0;
    for (uint32_t b = 0; b < 4096; b++) {
        if (bp->page[b] == WS_BUF_NONE)
            continue;
        uint64_t block = ws_page_block(bp->page[b]);
        assert_true(block < 4 * FILE_PAGES);
        per_file[block / FILE_PAGES]++;
        n++;
    }
    assert_true(n > 3900); /* the pool is filled to 97 % */
    for (int f = 0; f < 4; f++) {
        double share = (double)per_file[f] / n;
        assert_true(share > 0.20 && share < 0.30);
    }
    /* neighbouring buffers hold pages far apart: the mean distance
     * between consecutive buffers' blocks is near a third of the table
     * (uniform draws), not one eighth of a file */
    double dist = 0;
    uint32_t pairs = 0;
    for (uint32_t b = 1; b < bp->n; b++) {
        if (bp->page[b] == WS_BUF_NONE || bp->page[b - 1] == WS_BUF_NONE)
            continue;
        int64_t d = (int64_t)ws_page_block(bp->page[b]) - (int64_t)ws_page_block(bp->page[b - 1]);
        dist += (double)(d < 0 ? -d : d);
        pairs++;
    }
    dist /= pairs;
    assert_true(dist > 0.3 * 4 * FILE_PAGES && dist < 0.37 * 4 * FILE_PAGES);
    test_db_close(&w);
}

/* Every placed page is found where it was put; the dirty count matches
 * the flags; the same seed places the same pages in the same buffers,
 * another seed elsewhere. */
static void test_placement_is_consistent_and_deterministic(void **state)
{
    (void)state;
    test_db_rig a, b, c;
    warm_open(&a, SCENARIO("7"));
    warm_open(&b, SCENARIO("7"));
    warm_open(&c, SCENARIO("8"));
    const ws_bufpool *p = &a.db.bp;
    uint32_t dirty = 0, same_c = 0, resident = 0;
    for (uint32_t i = 0; i < p->n; i++) {
        assert_true(p->page[i] == b.db.bp.page[i]);
        assert_int_equal(p->state[i], b.db.bp.state[i]);
        if (p->page[i] == WS_BUF_NONE)
            continue;
        resident++;
        assert_int_equal(ws_bufpool_lookup(p, p->page[i]), (int64_t)i);
        if (ws_bufpool_flags(p, i) & WS_BUF_DIRTY)
            dirty++;
        if (p->page[i] == c.db.bp.page[i])
            same_c++;
    }
    assert_int_equal(dirty, p->dirty);
    assert_true(dirty > 0);
    assert_true(same_c < resident / 100);
    test_db_close(&a);
    test_db_close(&b);
    test_db_close(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pages_in_no_order),
        cmocka_unit_test(test_placement_is_consistent_and_deterministic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
