/*
 * test_walinsert.c - WAL insertion's segment hooks (wal.c advance): every
 * segment boundary the insert position crosses calls on_segment and
 * on_ready once, in order, whether the records are small (the position
 * stays in the segment it was last seen in, the fast path), span several
 * segments, or come after the position was set directly (as the warm start
 * sets it); pg_wal's peak follows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "support.h"

#define SEG (16 * 1048576)

typedef struct seen {
    int64_t seg[64], ready[64];
    int n_seg, n_ready;
} seen;

static void on_segment(void *ctx, int64_t s)
{
    seen *x = ctx;
    assert_true(x->n_seg < 64);
    x->seg[x->n_seg++] = s;
}

static void on_ready(void *ctx, int64_t s)
{
    seen *x = ctx;
    assert_true(x->n_ready < 64);
    x->ready[x->n_ready++] = s;
}

/* The hooks saw segments from, from + 1, ..., to - 1 and nothing else. */
static void expect_segments(seen *x, int64_t from, int64_t to)
{
    assert_int_equal(x->n_seg, to - from);
    assert_int_equal(x->n_ready, to - from);
    for (int64_t s = from; s < to; s++) {
        assert_int_equal(x->seg[s - from], s);
        assert_int_equal(x->ready[s - from], s);
    }
    x->n_seg = x->n_ready = 0;
}

static void test_segment_hooks_once_per_boundary(void **state)
{
    (void)state;
    test_wal_rig rig;
    test_wal_open(&rig, "[scenario]\nduration = 1min\n[workload]\nrate = 100/s\n");
    ws_wal *w = &rig.w;
    assert_int_equal(w->seg, SEG);
    seen x = {0};
    w->on_segment = on_segment;
    w->seg_ctx = &x;
    w->on_ready = on_ready;
    w->ready_ctx = &x;

    /* small records up to 8 bytes short of the boundary: no hook */
    for (int i = 0; i < 2047; i++)
        ws_wal_insert(w, 8192, 0, 0, 0);
    ws_wal_insert(w, 8192 - 8, 0, 0, 0);
    assert_int_equal(w->insert, (uint64_t)SEG - 8);
    expect_segments(&x, 0, 0);
    /* the record that ends exactly on the boundary completes segment 0 */
    ws_wal_insert(w, 8, 0, 0, 0);
    expect_segments(&x, 0, 1);
    /* one large record crossing three boundaries */
    ws_wal_insert(w, 3 * (uint64_t)SEG + 100, 0, 0, 0);
    expect_segments(&x, 1, 4);
    /* small ones again inside segment 4, then over its end */
    for (int i = 0; i < 10; i++)
        ws_wal_insert(w, 100, 0, 0, 0);
    expect_segments(&x, 0, 0);
    ws_wal_insert(w, (uint64_t)SEG, 0, 0, 0);
    expect_segments(&x, 4, 5);

    /* the position set directly, far ahead (the warm start does so):
     * the next records count boundaries from there */
    w->insert = 40 * (uint64_t)SEG + SEG / 2;
    ws_wal_insert(w, 100, 0, 0, 0);
    expect_segments(&x, 0, 0);
    ws_wal_insert(w, (uint64_t)SEG / 2, 0, 0, 0);
    expect_segments(&x, 40, 41);
    /* and set back behind where it was last seen */
    w->insert = 2 * (uint64_t)SEG - 10;
    ws_wal_insert(w, 20, 0, 0, 0);
    expect_segments(&x, 1, 2);
    assert_true(w->pg_wal_peak >= 41 * (uint64_t)SEG);

    test_wal_close(&rig);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_segment_hooks_once_per_boundary),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
