/*
 * test_groupcommit.c - group commit's waiters (wal.c ws_wal_flush): a
 * flush releases every waiter it covers, whatever order they came in.  In
 * PostgreSQL each backend in XLogFlush checks its own LSN against what is
 * flushed when the WAL write lock is released; a transaction that inserted
 * its record early but commits late (it waited on a read) is not held
 * behind one that inserted later and asked first.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "walsim/device.h"
#include "walsim/wal.h"

#include "support.h"

typedef struct released {
    ws_sim *sim;
    ws_time at[4];
} released;

static void on_done(void *ctx, uint64_t arg)
{
    released *r = ctx;
    r->at[arg] = ws_sim_now(r->sim);
}

static void test_flush_releases_out_of_order_waiters(void **state)
{
    (void)state;
    test_wal_rig rig;
    test_wal_open(&rig, "[scenario]\nduration = 1min\n[workload]\nrate = 100/s\n"
                        "[disk]\npreset = nvme-enterprise\n");
    ws_sim *sim = rig.sim;
    ws_wal *w = &rig.w;
    released r = {.sim = sim, .at = {-1, -1, -1, -1}};
    /* A inserts first, B after; B asks first and starts a flush that
     * covers both; A asks while it runs: the same flush releases A */
    uint64_t a = ws_wal_insert(w, 100, 0, 0, 0);
    uint64_t b = ws_wal_insert(w, 100, 0, 0, 0);
    ws_wal_flush(w, b, on_done, &r, 1);
    assert_true(w->flushing);
    ws_time first_done = w->flush_done_at;
    /* C inserts now (after the flush started) and asks: the next flush */
    uint64_t cl = ws_wal_insert(w, 100, 0, 0, 0);
    ws_wal_flush(w, cl, on_done, &r, 2);
    ws_wal_flush(w, a, on_done, &r, 0);
    ws_sim_run(sim, WS_SEC);
    assert_int_equal(r.at[1], first_done);
    assert_int_equal(r.at[0], first_done); /* not after C's flush */
    assert_true(r.at[2] > first_done);
    assert_true(w->flushed >= cl);
    test_wal_close(&rig);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flush_releases_out_of_order_waiters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
