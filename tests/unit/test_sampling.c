/*
 * test_sampling.c - spatial sampling ([scenario] sampling, src/db/sampling.c):
 * which R auto picks and which tables it keeps whole, the errors for an R
 * that cannot work, the weights of the checkpointer's writes, and a
 * sampled run against the exact run of the same scenario.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <math.h>
#include <string.h>

#include <cmocka.h>

#include "walsim/db.h"

#include "support.h"

/* A 16 GB table, uniform, and a 2 GB hotset with 5 % hot pages; a small
 * hot table; 8 GB of shared_buffers. */
#define BIG                                                                                       \
    "[scenario]\nduration = 1min\n"                                                               \
    "[workload]\nrate = 1/s\n"                                                                    \
    "[table big]\nsize = 16GB\n"                                                                  \
    "[table hs]\nsize = 2GB\naccess = hotset\nhot_pages = 0.05\nhot_access = 0.9\n"               \
    "[table small]\nsize = 4MB\n"                                                                 \
    "[transaction x]\nwrites = 'big:1, hs:1, small:1'\n"                                          \
    "[postgres]\nshared_buffers = 8GB\n"                                                          \
    "[os]\nram = 32GB\n"

static void test_auto_picks_largest_safe_rate(void **state)
{
    (void)state;
    test_db_rig u;
    test_db_open(&u, BIG "[scenario]\nsampling = auto\n");
    assert_int_equal(u.rc, WS_OK);
    /* 8 GB = 1,048,576 buffers: 1000 leaves 1,048 (< 32,768); 100 leaves
     * 10,485 (< 32,768); 10 leaves 104,857.  The hot part of hs (13,108
     * pages) has 1,311 sampled pages at 10 (< 8,192): hs stays whole, but
     * 262,144 pages are more than 2 % of the pool, so 10 does not work
     * either... */
    assert_int_equal(u.db.sample_k, 1);
    assert_int_equal(u.db.bp.n, 1048576);
    test_db_close(&u);

    /* ... with a hot part 10 times larger, 10 does. */
    test_db_open(&u, BIG "[scenario]\nsampling = auto\n[table hs]\nhot_pages = 0.5\n");
    assert_int_equal(u.rc, WS_OK);
    assert_int_equal(u.db.sample_k, 10);
    assert_int_equal(u.db.rels[0].k, 10);  /* big */
    assert_int_equal(u.db.rels[1].k, 10);  /* hs */
    assert_int_equal(u.db.rels[2].k, 1);   /* small: 512 pages, kept whole */
    /* the sampled pool: the buffers the whole table's pages do not hold,
     * over 10, plus those */
    assert_int_equal(u.db.bp.n, (1048576 - 512) / 10 + 512);
    assert_int_equal(u.db.nbuf_full, 1048576);
    /* the page state holds the sampled blocks only, per part */
    assert_int_equal(u.db.rels[0].ps.pages, 2097152 / 10 + 1);
    assert_int_equal(u.db.rels[1].s_pages[0] + u.db.rels[1].s_pages[1], u.db.rels[1].ps.pages);
    assert_int_equal(u.db.rels[1].s_pages[0], (131072 + 9) / 10);
    test_db_close(&u);
}

/* A big system: 64 GB of shared_buffers (8,388,608 buffers), a 128 GB
 * uniform table and a 200 MB one (25,600 pages) too small to sample. */
#define HUGE                                                                                      \
    "[scenario]\nduration = 1min\nsampling = auto\n"                                              \
    "[workload]\nrate = 1/s\n"                                                                    \
    "[table big]\nsize = 128GB\n"                                                                 \
    "[table small]\nsize = 200MB\n"                                                               \
    "[transaction x]\nwrites = 'big:1, small:1'\n"                                                \
    "[os]\nram = 256GB\n"

static void test_auto_one_in_a_thousand_on_big_systems(void **state)
{
    (void)state;
    test_db_rig u;
    /* 1 in 1,000 keeps 8,388 sampled buffers (at least 8,192 at that
     * rate), and the whole table's 25,600 pages may outnumber them (they
     * are under 2 % of the pool) */
    test_db_open(&u, HUGE "[postgres]\nshared_buffers = 64GB\n");
    assert_int_equal(u.rc, WS_OK);
    assert_int_equal(u.db.sample_k, 1000);
    assert_int_equal(u.db.rels[0].k, 1000);
    assert_int_equal(u.db.rels[1].k, 1);
    assert_int_equal(u.db.bp.n, (8388608 - 25600) / 1000 + 25600);
    char msg[400];
    assert_false(ws_sample_small(&u.db, msg, sizeof msg)); /* within auto's margins */
    test_db_close(&u);

    /* 32 GB: 1 in 1,000 would keep 4,194 buffers; 1 in 100 keeps 41,943,
     * more than the whole table's pages, as 1 in 100 asks */
    test_db_open(&u, HUGE "[postgres]\nshared_buffers = 32GB\n");
    assert_int_equal(u.rc, WS_OK);
    assert_int_equal(u.db.sample_k, 100);
    test_db_close(&u);

    /* 1 in 100 with a whole table larger than its 41,943 sampled buffers
     * (51,200 pages, under 2 % of 4,194,304): auto keeps the stricter
     * margin it was measured at there and goes to 1 in 10 ... */
    test_db_open(&u, HUGE "[postgres]\nshared_buffers = 32GB\n[table small]\nsize = 400MB\n");
    assert_int_equal(u.rc, WS_OK);
    assert_int_equal(u.db.sample_k, 10);
    test_db_close(&u);
    /* ... while an R given in the scenario runs, with a warning only for
     * its small pool */
    test_db_open(&u, HUGE "[scenario]\nsampling = 0.01\n[postgres]\nshared_buffers = 32GB\n"
                          "[table small]\nsize = 400MB\n");
    assert_int_equal(u.rc, WS_OK);
    assert_int_equal(u.db.sample_k, 100);
    assert_int_equal(u.db.bp.n, (4194304 - 51200) / 100 + 51200);
    test_db_close(&u);
}

static void test_exact_by_default_and_with_bulk(void **state)
{
    (void)state;
    test_db_rig u;
    test_db_open(&u, BIG);
    assert_int_equal(u.rc, WS_OK);
    assert_int_equal(u.db.sample_k, 1);
    for (int i = 0; i < u.db.n_rels; i++)
        assert_int_equal(u.db.rels[i].k, 1);
    test_db_close(&u);

    const char *bulk = BIG "[scenario]\nsampling = 0.1\n"
                           "[table load]\nsize = 0\naccess = append\n"
                           "[bulk b]\ntable = load\nrows = 1000\n";
    test_db_open(&u, bulk);
    assert_int_equal(u.rc, WS_EINPUT);
    assert_non_null(strstr(u.err.msg, "sampling"));
    assert_non_null(strstr(u.err.msg, "[bulk]"));
    assert_non_null(strstr(u.err.msg, "s.conf:21")); /* the sampling line */
    test_db_close(&u);
}

static void test_impossible_rate_is_an_input_error(void **state)
{
    (void)state;
    test_db_rig u;
    /* 0.0001 of 1,048,576 buffers leaves 104, under the 1,024 minimum */
    test_db_open(&u, BIG "[scenario]\nsampling = 0.0001\n");
    assert_int_equal(u.rc, WS_EINPUT);
    assert_non_null(strstr(u.err.msg, "sampled buffers"));
    test_db_close(&u);
}

/* A checkpoint under sampling writes k pages per sampled buffer and 1 per
 * buffer of a whole table, and counts them so. */
static void test_checkpoint_writes_are_weighted(void **state)
{
    (void)state;
    test_db_rig u;
    test_db_open(&u, BIG "[scenario]\nsampling = 0.1\n[scenario]\nstart = cold\n");
    assert_int_equal(u.rc, WS_OK);
    assert_int_equal(u.db.rels[0].k, 10);
    assert_int_equal(u.db.rels[2].k, 1);
    /* 100 sampled blocks of big, 7 blocks of small, all dirty */
    for (int i = 0; i < 107; i++) {
        int rel = i < 100 ? 0 : 2;
        uint64_t block = i < 100 ? (uint64_t)i * 10 : (uint64_t)(i - 100);
        uint32_t b = ws_bufpool_victim(&u.db.bp);
        ws_bufpool_load(&u.db.bp, b, ws_page_id(rel, block), true);
        ws_bufpool_dirty(&u.db.bp, b, 1);
    }
    assert_int_equal(ws_db_dirty_pages(&u.db), 100 * 10 + 7);
    ws_ckpt_request(&u.db, WS_CKPT_F_IMMEDIATE | WS_CKPT_F_FORCE);
    assert_int_equal(u.db.ck.n_todo, 107);
    assert_int_equal(u.db.ck.w_todo, 1007);
    ws_sim_run(u.sim, 60 * WS_SEC);
    assert_int_equal(u.db.ck.phase, WS_CKPT_IDLE);
    assert_int_equal(u.db.st.buffers_checkpoint, 1007);
    assert_int_equal(u.db.bp.dirty, 0);
    assert_int_equal(ws_db_dirty_pages(&u.db), 0);
    test_db_close(&u);
}

/* A sampled run's figures against the exact run's: the same scenario at
 * sampling 1 and 0.1 (52,428 sampled buffers; 39,322 sampled pages of
 * big, 10,486 and 41,943 of hs's hot and cold parts).  A cycle of 1 min
 * changes about a third of big's pages, so the share of images drawn for
 * the pages outside the sample matters. */
static void test_sampled_run_close_to_exact(void **state)
{
    (void)state;
    const char *text = "[scenario]\nduration = 8min\nwarmup = 2min\nseed = 3\n"
                       "[workload]\nrate = 2000/s\n"
                       "[table big]\nsize = 3GB\n"
                       "[table hs]\nsize = 4GB\naccess = hotset\nhot_pages = 0.2\nhot_access = 0.9\n"
                       "[table small]\nsize = 2MB\n"
                       "[transaction x]\nreads = 'big:1'\nwrites = 'big:1, hs:1, small:1'\n"
                       "cpu = 200us\nwal_bytes = 200B\n"
                       "[postgres]\nshared_buffers = 4GB\nmax_wal_size = 2GB\n"
                       "checkpoint_timeout = 1min\n"
                       "[os]\nram = 16GB\ncpus = 4\n"
                       "[disk]\npreset = nvme-enterprise\n";
    ws_run_stats a, b;
    test_run_pair(text, "[scenario]\nsampling = 0.1\n", &a, &b);
    assert_int_equal(a.sample_k, 1);
    assert_int_equal(b.sample_k, 10);
    assert_int_equal(b.ckpt_timed, a.ckpt_timed);
    assert_int_equal(b.ckpt_req, a.ckpt_req);
    assert_true(a.ckpt_timed + a.ckpt_req >= 5);
    /* figures within 2 % */
#define CLOSE(f) assert_true(test_near((double)a.f, (double)b.f, 0.02))
    CLOSE(wal_bytes_per_tx);
    CLOSE(wal_fpi);
    CLOSE(ckpt_buffers_mean);
    CLOSE(buffers_alloc);
    CLOSE(tps);
    CLOSE(pg_wal_peak_bytes);
#undef CLOSE
    /* and the page state it kept is a tenth */
    assert_string_equal(b.sampled_tables, "big, hs");
    assert_string_equal(b.whole_tables, "small");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_auto_picks_largest_safe_rate),
        cmocka_unit_test(test_auto_one_in_a_thousand_on_big_systems),
        cmocka_unit_test(test_exact_by_default_and_with_bulk),
        cmocka_unit_test(test_impossible_rate_is_an_input_error),
        cmocka_unit_test(test_checkpoint_writes_are_weighted),
        cmocka_unit_test(test_sampled_run_close_to_exact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
