/*
 * test_pagestate.c - the full-page-image rule (xloginsert.c: image iff
 * page LSN <= RedoRecPtr), kept as 2-byte checkpoint epochs per page.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "walsim/pagestate.h"

static void test_first_touch_after_redo_only(void **state)
{
    (void)state;
    ws_pagestate ps;
    assert_int_equal(ws_pagestate_init(&ps, 100), 0);
    /* Before any checkpoint in the run every page's first change is imaged
     * (the run starts right after a checkpoint). */
    assert_true(ws_pagestate_touch(&ps, 7));
    assert_false(ws_pagestate_touch(&ps, 7));
    assert_false(ws_pagestate_touch(&ps, 7));
    assert_true(ws_pagestate_touch(&ps, 8));
    assert_int_equal(ws_pagestate_count_current(&ps), 2);

    ws_pagestate_new_redo(&ps);
    assert_int_equal(ws_pagestate_count_current(&ps), 0);
    assert_true(ws_pagestate_needs_image(&ps, 7));
    assert_true(ws_pagestate_touch(&ps, 7));
    assert_false(ws_pagestate_touch(&ps, 7));
    /* an untouched page still needs one */
    assert_true(ws_pagestate_needs_image(&ps, 9));
    ws_pagestate_destroy(&ps);
}

/* Over many more checkpoints than there are epoch values, the rule stays
 * exact: a page changed once long ago still needs an image, a page changed
 * in every cycle needs exactly one image per cycle. */
static void test_exact_across_epoch_wrap(void **state)
{
    (void)state;
    ws_pagestate ps;
    assert_int_equal(ws_pagestate_init(&ps, 4), 0);
    assert_true(ws_pagestate_touch(&ps, 0)); /* page 0: changed once, at the start */
    uint64_t images_page1 = 0;
    const uint64_t cycles = 3 * WS_PS_EPOCH_MAX + 123;
    for (uint64_t c = 0; c < cycles; c++) {
        ws_pagestate_new_redo(&ps);
        assert_true(ws_pagestate_needs_image(&ps, 0));
        images_page1 += ws_pagestate_touch(&ps, 1);
        assert_false(ws_pagestate_touch(&ps, 1));
        if (c % 5000 == 0) /* page 2: changed every 5000 cycles */
            assert_true(ws_pagestate_touch(&ps, 2));
    }
    assert_int_equal(images_page1, cycles);
    assert_int_equal(ps.checkpoints, cycles);
    ws_pagestate_destroy(&ps);
}

/* Expected distinct pages after N uniform changes over P pages is
 * P(1 - (1 - 1/P)^N) (pg-mechanics 6.6): check the bookkeeping by brute
 * force with a deterministic sequence. */
static void test_count_matches_distinct_touches(void **state)
{
    (void)state;
    ws_pagestate ps;
    const uint64_t P = 1000;
    assert_int_equal(ws_pagestate_init(&ps, P), 0);
    uint64_t x = 12345, images = 0;
    for (int i = 0; i < 700; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        images += ws_pagestate_touch(&ps, (x >> 33) % P);
    }
    assert_int_equal(images, ws_pagestate_count_current(&ps));
    ws_pagestate_destroy(&ps);
}

/* A relation that grows a page at a time (a bulk load) reallocates its
 * array a logarithmic number of times, not once per page, and keeps every
 * page's state: new pages need an image, changed ones keep their epoch. */
static void test_grow_in_small_steps(void **state)
{
    (void)state;
    ws_pagestate ps;
    assert_int_equal(ws_pagestate_init(&ps, 1), 0);
    assert_true(ws_pagestate_touch(&ps, 0));
    int reallocs = 0;
    uint64_t cap = ps.cap;
    for (uint64_t pages = 2; pages <= 200000; pages++) {
        assert_int_equal(ws_pagestate_grow(&ps, pages), 0);
        assert_int_equal(ps.pages, pages);
        assert_true(ps.cap >= pages);
        reallocs += ps.cap != cap;
        cap = ps.cap;
        assert_true(ws_pagestate_needs_image(&ps, pages - 1));
        if (pages % 3 == 0)
            assert_true(ws_pagestate_touch(&ps, pages - 1));
    }
    assert_true(reallocs < 40);
    assert_false(ws_pagestate_needs_image(&ps, 0));
    assert_int_equal(ws_pagestate_count_current(&ps), 1 + 200000 / 3);
    /* shrinking is not growing: nothing changes */
    assert_int_equal(ws_pagestate_grow(&ps, 10), 0);
    assert_int_equal(ps.pages, 200000);
    ws_pagestate_new_redo(&ps);
    assert_int_equal(ws_pagestate_count_current(&ps), 0);
    ws_pagestate_destroy(&ps);
}


/* Tail mode answers as the array does for an append-only relation: the
 * same images, the same counts of recently changed pages (what a crash
 * replays), across redo pointers, runs of checkpoints without a change,
 * and an epoch sweep, in constant memory. */
static void test_tail_mode_equals_array(void **state)
{
    (void)state;
    ws_pagestate a, t;
    assert_int_equal(ws_pagestate_init(&a, 1), 0);
    assert_int_equal(ws_pagestate_init_tail(&t, 1), 0);
    assert_null(t.epoch);
    uint64_t x = 99, page = 0;
    for (int step = 0; step < 200000; step++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        unsigned r = (unsigned)(x >> 33) % 1000;
        if (r < 3) {
            ws_pagestate_new_redo(&a);
            ws_pagestate_new_redo(&t);
        } else {
            if (r < 200)
                page++; /* the next page: appended, changed by its append */
            assert_int_equal(ws_pagestate_grow(&a, page + 1), 0);
            assert_int_equal(ws_pagestate_grow(&t, page + 1), 0);
            assert_int_equal(ws_pagestate_needs_image(&t, page), ws_pagestate_needs_image(&a, page));
            assert_int_equal(ws_pagestate_touch(&t, page), ws_pagestate_touch(&a, page));
        }
        if (step % 997 == 0) {
            assert_int_equal(ws_pagestate_count_recent(&t, false), ws_pagestate_count_recent(&a, false));
            assert_int_equal(ws_pagestate_count_recent(&t, true), ws_pagestate_count_recent(&a, true));
            assert_int_equal(ws_pagestate_count_current(&t), ws_pagestate_count_current(&a));
        }
    }
    assert_true(a.checkpoints > 500 && page > 30000);
    /* a last page left alone for more than a sweep period needs an image again */
    for (unsigned i = 0; i < WS_PS_SWEEP_EVERY + 5; i++) {
        ws_pagestate_new_redo(&a);
        ws_pagestate_new_redo(&t);
    }
    assert_true(ws_pagestate_needs_image(&t, page));
    assert_int_equal(ws_pagestate_touch(&t, page), ws_pagestate_touch(&a, page));
    assert_int_equal(ws_pagestate_count_recent(&t, true), ws_pagestate_count_recent(&a, true));
    ws_pagestate_destroy(&a);
    ws_pagestate_destroy(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tail_mode_equals_array),
        cmocka_unit_test(test_first_touch_after_redo_only),
        cmocka_unit_test(test_exact_across_epoch_wrap),
        cmocka_unit_test(test_count_matches_distinct_touches),
        cmocka_unit_test(test_grow_in_small_steps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
