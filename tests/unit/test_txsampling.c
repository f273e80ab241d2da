/*
 * test_txsampling.c - transaction sampling ([scenario] tx_sampling): the
 * pieces the fluid transactions use (reads joining the device's queue at
 * their pace, fluid WAL inserted at an even pace, the fluid commit
 * stream's flushes, which of them commit through a flush), the loops
 * it refuses, and a sampled run against the exact run of one scenario.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "walsim/db.h"
#include "walsim/device.h"
#include "walsim/run.h"
#include "walsim/wal.h"
#include "walsim/workload.h"

#include "support.h"

#define BASE "[scenario]\nduration = 1min\n[workload]\nrate = 100/s\n[disk]\npreset = nvme-enterprise\n"

static void run_to(ws_sim *sim, ws_time t);

/* A sampled run's figure f within a relative tol of the exact run's (a, b). */
#define NEAR(f, tol) assert_true(test_near((double)a.f, (double)b.f, (tol)))

/* Fluid reads join the queue at their pace: a light stream leaves a read
 * in the middle of it unqueued, one at twice the device's capacity leaves
 * half a second of work ahead of a read at 0.5 s; all are counted. */
static void test_fluid_reads_pace(void **state)
{
    (void)state;
    ws_scenario *s;
    ws_config *c = test_resolve(BASE, "d.conf", "base", &s);
    ws_sim *sim = ws_sim_new(0);
    ws_device d, e;
    assert_int_equal(ws_device_init(&d, sim, c), 0);
    assert_int_equal(ws_device_init(&e, sim, c), 0);
    /* one read alone, for its service time and latency */
    ws_time alone = ws_device_read(&e, 0, 8192);
    double svc = (double)(alone - e.read_latency); /* ns */
    ws_device_fluid_reads(&d, 1000, WS_SEC);
    run_to(sim, WS_SEC / 2);
    ws_time done = ws_device_read(&d, WS_SEC / 2, 8192);
    assert_true(done - WS_SEC / 2 <= alone + 1);
    /* twice the capacity over the next second */
    uint64_t cap = (uint64_t)(1e9 / svc);
    ws_device_fluid_reads(&d, 2 * cap, WS_SEC);
    run_to(sim, WS_SEC);
    done = ws_device_read(&d, WS_SEC, 8192);
    /* due by then: the 500 left of the light stream and half of the rest:
     * cap + 500 reads of work from 0.5 s, so they end about 0.5 s after 1 s */
    double ahead = (double)(done - WS_SEC) / 1e9;
    assert_true(fabs(ahead - 0.5) < 0.01);
    run_to(sim, 3 * WS_SEC);
    ws_device_read(&d, 3 * WS_SEC, 8192); /* brings in the rest */
    /* every fluid read and the three of their own */
    assert_int_equal(d.ios, 1000 + 2 * cap + 3);
    assert_int_equal(d.read_ios, 1000 + 2 * cap + 3);
    assert_int_equal(d.read_bytes, (1000 + 2 * cap + 3) * 8192);
    ws_device_destroy(&d);
    ws_device_destroy(&e);
    ws_sim_free(sim);
    ws_config_free(c);
    ws_scenario_free(s);
}

typedef struct walbed {
    ws_scenario *s;
    ws_config *c;
    ws_sim *sim;
    ws_device dev;
    ws_wal w;
} walbed;

static void wal_open(walbed *t, const char *extra)
{
    char text[512];
    snprintf(text, sizeof text, BASE "%s", extra);
    t->c = test_resolve(text, "w.conf", "base", &t->s);
    t->sim = ws_sim_new(0);
    assert_int_equal(ws_device_init(&t->dev, t->sim, t->c), 0);
    assert_int_equal(ws_wal_init(&t->w, t->sim, &t->dev, t->c), 0);
}

static void wal_close(walbed *t)
{
    ws_wal_destroy(&t->w);
    ws_device_destroy(&t->dev);
    ws_sim_free(t->sim);
    ws_config_free(t->c);
    ws_scenario_free(t->s);
}

static void noop(ws_sim *sim, void *ctx, uint64_t arg)
{
    (void)sim;
    (void)ctx;
    (void)arg;
}

/* Runs the clock to `t` (an event there, so that now = t). */
static void run_to(ws_sim *sim, ws_time t)
{
    ws_sim_at(sim, t, noop, NULL, 0);
    ws_sim_run(sim, t);
}

/* The fluid WAL is counted at once and inserted at an even pace over its
 * span; a batch that comes early carries what is left of the last. */
static void test_fluid_wal_goes_in_at_its_pace(void **state)
{
    (void)state;
    walbed t;
    wal_open(&t, "");
    uint64_t at0 = ws_wal_insert_pos(&t.w);
    ws_wal_insert_fluid(&t.w, 1000000, 100, 3, 24000, 60000, WS_SEC);
    /* counted now: records, bytes, images */
    assert_int_equal(t.w.st.records, 100);
    assert_int_equal(t.w.st.bytes, 1000000);
    assert_int_equal(t.w.st.fpi, 3);
    assert_int_equal(t.w.st.fpi_bytes, 24000);
    assert_int_equal(t.w.st.fpi_raw_bytes, 60000);
    assert_int_equal(ws_wal_insert_pos(&t.w), at0);
    run_to(t.sim, WS_SEC / 4);
    uint64_t q = ws_wal_insert_pos(&t.w) - at0;
    assert_true(q >= 249999 && q <= 250000);
    /* a record of its own goes in after what is due */
    uint64_t lsn = ws_wal_insert(&t.w, 500, 0, 0, 0);
    assert_int_equal(lsn, at0 + q + 500);
    /* the next batch at 0.5 s: 500,000 left + 1,000,000 over its 1 s */
    run_to(t.sim, WS_SEC / 2);
    ws_wal_insert_fluid(&t.w, 1000000, 100, 0, 0, 0, WS_SEC);
    uint64_t mid = ws_wal_insert_pos(&t.w) - at0 - 500;
    assert_true(mid >= 499999 && mid <= 500000);
    run_to(t.sim, WS_SEC);
    uint64_t later = ws_wal_insert_pos(&t.w) - at0 - 500;
    assert_true(later >= 1249999 && later <= 1250001); /* 0.5 + 1.5 / 2 MB */
    run_to(t.sim, 2 * WS_SEC);
    assert_int_equal(ws_wal_insert_pos(&t.w), at0 + 2000500);
    assert_int_equal(t.w.st.bytes, 2000500);
    wal_close(&t);
}

/* Fluid synchronous commits flush what was inserted: with no simulated
 * commit to take delays from, each that finds WAL unflushed and no flush
 * running starts one; so about rate x time flushes when flushes are short
 * and the WAL keeps coming, and none without the stream. */
static void test_fluid_commits_flush(void **state)
{
    (void)state;
    walbed t;
    wal_open(&t, "");
    ws_rng rng;
    assert_int_equal(ws_rng_init(&rng, 7, "test.fluid"), 0);
    /* 10 s of WAL at 1 MB/s, commits at 1,000/s */
    ws_wal_insert_fluid(&t.w, 10000000, 10000, 0, 0, 0, 10 * WS_SEC);
    ws_wal_set_fluid(&t.w, 1000, &rng);
    run_to(t.sim, 10 * WS_SEC);
    uint64_t flushes = t.w.st.write;
    /* Poisson(10,000): 3 sigma is 300; a flush of about 40 us misses
     * about 4 % of them */
    assert_true(flushes > 9300 && flushes < 10300);
    assert_true(ws_wal_insert_pos(&t.w) - t.w.flushed < 20000);
    /* the stream stopped: only the WAL writer's, one per
     * wal_writer_delay (200 ms) at most */
    ws_wal_set_fluid(&t.w, 0, &rng);
    ws_wal_insert_fluid(&t.w, 1000000, 1000, 0, 0, 0, WS_SEC);
    uint64_t before = t.w.st.write;
    run_to(t.sim, 12 * WS_SEC);
    assert_true(t.w.st.write - before <= 11);
    ws_rng_destroy(&rng);
    wal_close(&t);
}

/* The fluid commits that wait for a flush are those of the transactions
 * that change a logged page: a type that only reads, or only writes an
 * unlogged table, commits without one; a touch of count 0.5 changes a
 * page half the time. */
static void test_logged_share(void **state)
{
    (void)state;
    const char *text = "[scenario]\nduration = 1min\n[workload]\nrate = 100/s\n"
                       "[table t]\nsize = 64MB\n[table u]\nsize = 64MB\nlogged = false\n"
                       "[transaction w]\nweight = 1\nwrites = 't:1'\n"
                       "[transaction r]\nweight = 3\nreads = 't:2'\n"
                       "[transaction half]\nweight = 4\nwrites = 't:0.5'\n"
                       "[transaction unlogged]\nweight = 2\nwrites = 'u:3'\n";
    ws_scenario *s;
    ws_config *c = test_resolve(text, "l.conf", "base", &s);
    ws_sim *sim = ws_sim_new(0);
    ws_db db;
    ws_diag err;
    assert_int_equal(ws_db_init(&db, sim, c, NULL, &err), WS_OK);
    /* (1 x 1 + 3 x 0 + 4 x 0.5 + 2 x 0) / 10 */
    assert_true(fabs(ws_db_logged_share(&db) - 0.3) < 1e-12);
    ws_db_destroy(&db);
    ws_sim_free(sim);
    ws_config_free(c);
    ws_scenario_free(s);
}

/* Fluid accesses to a small uniform table are counted in bulk (fluid.c):
 * only those to pages not yet settled are done one by one, yet the images
 * and dirty pages are those of N uniform changes done one by one; a page
 * written comes back into the set, a new redo pointer brings them all
 * back, and the sweep gives the usage bumps counted in bulk. */
static void test_bulk_whole_table(void **state)
{
    (void)state;
    const char *text = "[scenario]\nduration = 1min\n[workload]\nrate = 100/s\n"
                       "[table t]\nsize = 8MB\n[transaction x]\nwrites = 't:1'\n"
                       "[postgres]\nshared_buffers = 64MB\n";
    ws_scenario *s;
    ws_config *c = test_resolve(text, "b.conf", "base", &s);
    ws_sim *sim = ws_sim_new(0);
    ws_db db;
    ws_diag err;
    assert_int_equal(ws_db_init(&db, sim, c, NULL, &err), WS_OK);
    ws_rel *r = &db.rels[0];
    const double P = 1024, N = 1000;
    assert_int_equal(r->access.pages, (uint64_t)P);
    ws_time cpu;
    /* N changes: the distinct pages, P (1 - (1 - 1/P)^N) = 638.5, sd 10,
     * each dirty and imaged once */
    ws_db_execute_fluid(&db, (uint64_t)N, 1, WS_SEC, &cpu);
    assert_non_null(r->fl_pos);
    double distinct = P * (1 - pow(1 - 1 / P, N));
    assert_true(fabs((double)db.bp.dirty - distinct) < 50);
    assert_int_equal(db.wal.st.fpi, db.bp.dirty);
    assert_int_equal(r->fl_n, 1024 - db.bp.dirty);
    /* 200,000 more: every page changed, none twice imaged; nearly all
     * counted in bulk */
    ws_db_execute_fluid(&db, 200000, 2, WS_SEC, &cpu);
    assert_int_equal(db.bp.dirty, 1024);
    assert_int_equal(db.wal.st.fpi, 1024);
    assert_int_equal(r->fl_n, 0);
    assert_true(r->fl_unseen > 190000);
    /* a page written is back in the set; changed again without an image */
    int64_t b = ws_bufpool_lookup(&db.bp, ws_page_id(0, 5));
    assert_true(b >= 0);
    ws_db_write_buffer(&db, (uint32_t)b, WS_PC_CHECKPOINTER, 0, NULL);
    assert_int_equal(r->fl_n, 1);
    assert_int_equal(r->fl_set[0], 5);
    ws_db_execute_fluid(&db, 200000, 3, WS_SEC, &cpu);
    assert_int_equal(db.bp.dirty, 1024);
    assert_int_equal(db.wal.st.fpi, 1024);
    assert_int_equal(r->fl_n, 0);
    /* a new redo pointer: images again, as many as the first time */
    ws_pagestate_new_redo(&r->ps);
    ws_db_execute_fluid(&db, (uint64_t)N, 4, WS_SEC, &cpu);
    assert_true(fabs((double)(db.wal.st.fpi - 1024) - distinct) < 50);
    /* the sweep sees the bulk accesses' usage bumps (hundreds a page) */
    assert_true(ws_bufpool_flags(&db.bp, (uint32_t)b) & WS_BUF_UNSEEN);
    db.bp.state[b] &= (uint8_t)~WS_BUF_USAGE_MASK;
    ws_bufpool_refresh(&db.bp, (uint32_t)b);
    assert_int_equal(ws_bufpool_usage(&db.bp, (uint32_t)b), WS_BUF_MAX_USAGE);
    ws_db_destroy(&db);
    ws_sim_free(sim);
    ws_config_free(c);
    ws_scenario_free(s);
}

/* A closed loop and the fcfs scheduler are refused, at the key's line. */
static void test_refused_loops(void **state)
{
    (void)state;
    const char *bad[] = {
        "[scenario]\nduration = 1min\ntx_sampling = 0.1\n[workload]\nclients = 4\n"
        "[table t]\nsize = 64MB\n[transaction x]\nwrites = 't:1'\n",
        "[scenario]\nduration = 1min\ntx_sampling = 0.1\n[workload]\nrate = 100/s\n"
        "[table t]\nsize = 64MB\n[transaction x]\nwrites = 't:1'\n[os]\ncpu_scheduler = fcfs\n",
    };
    const char *want[] = {"needs an open loop", "needs [os] cpu_scheduler = ps"};
    for (int i = 0; i < 2; i++) {
        ws_scenario *s;
        ws_config *c = test_resolve(bad[i], "q.conf", "base", &s);
        ws_run_stats st;
        ws_diag err;
        assert_int_equal(ws_run(c, NULL, NULL, NULL, &st, &err), WS_EINPUT);
        assert_true(strncmp(err.msg, "q.conf:3: tx_sampling: 0.1 ", 26) == 0);
        assert_non_null(strstr(err.msg, want[i]));
        ws_config_free(c);
        ws_scenario_free(s);
    }
}

/* A sampled run against the exact run: WAL, images, reads and tps within
 * 2 %, the same checkpoints, latency within 5 % at 1 in 10, and latency
 * measured on a tenth of the transactions. */
static void test_sampled_run_close_to_exact(void **state)
{
    (void)state;
    const char *text = "[scenario]\nduration = 6min\nwarmup = 2min\nseed = 5\n"
                       "[workload]\nrate = 3000/s\n"
                       "[table big]\nsize = 6GB\n"
                       "[table hs]\nsize = 2GB\naccess = hotset\nhot_pages = 0.2\nhot_access = 0.9\n"
                       "[table small]\nsize = 2MB\n"
                       "[transaction x]\nreads = 'big:1'\nwrites = 'big:1, hs:1, small:1'\n"
                       "cpu = 200us\nwal_bytes = 200B\n"
                       "[postgres]\nshared_buffers = 2GB\nmax_wal_size = 2GB\n"
                       "checkpoint_timeout = 1min\n"
                       "[os]\nram = 4GB\ncpus = 4\n"
                       "[disk]\npreset = nvme-enterprise\n";
    ws_run_stats a, b;
    test_run_pair(text, "[scenario]\ntx_sampling = 0.1\n", &a, &b);
    assert_int_equal(a.tx_batch, 1);
    assert_int_equal(b.tx_batch, 10);
    assert_int_equal(b.ckpt_timed, a.ckpt_timed);
    assert_int_equal(b.ckpt_req, a.ckpt_req);
    assert_true(a.ckpt_timed + a.ckpt_req >= 4);
    assert_true(a.buffers_backend > 0); /* the pool is full: victims are written */
    NEAR(wal_bytes_per_tx, 0.02);
    NEAR(wal_fpi, 0.02);
    NEAR(ckpt_buffers_mean, 0.02);
    NEAR(buffers_alloc, 0.02);
    NEAR(buffers_backend, 0.05);
    NEAR(tps, 0.02);
    NEAR(transactions, 0.02);
    NEAR(pg_wal_peak_bytes, 0.02);
    NEAR(lat.p50_s, 0.05);
    NEAR(lat.mean_s, 0.05);
    /* latency from the simulated tenth */
    assert_true(fabs((double)b.lat.n * 10 / (double)a.lat.n - 1) < 0.05);
}

/* pgbench at 1 in 100: tellers and branches are counted in bulk, and the
 * pool is under pressure (accounts: 8 million pages, 1 GB of buffers), so
 * the clock sweep turns over in seconds.  Their pages stay as resident and
 * as dirty as in the exact run only if the sweep sees the usage bumps of
 * the accesses counted in bulk: without them, 4.8 % fewer buffers a
 * checkpoint. */
static void test_sampled_pgbench_hot_tables(void **state)
{
    (void)state;
    const char *text = "[scenario]\nduration = 4min\nwarmup = 1min\nseed = 3\n"
                       "[workload]\nprofile = pgbench\nscale = 5000\nrate = 2000/s\n"
                       "[postgres]\nshared_buffers = 1GB\nmax_wal_size = 4GB\n"
                       "checkpoint_timeout = 1min\n"
                       "[os]\nram = 4GB\ncpus = 16\n"
                       "[disk]\npreset = nvme-enterprise\n";
    ws_run_stats a, b;
    test_run_pair(text, "[scenario]\ntx_sampling = 0.01\n", &a, &b);
    assert_int_equal(b.tx_batch, 100);
    assert_int_equal(b.ckpt_timed, a.ckpt_timed);
    assert_int_equal(b.ckpt_req, a.ckpt_req);
    NEAR(ckpt_buffers_mean, 0.02);
    NEAR(wal_fpi, 0.02);
    NEAR(wal_bytes_per_tx, 0.02);
    NEAR(buffers_alloc, 0.02);
}

/* pgbench at scale 200 in 512 MB at 1 in 10: the accounts key (55,000
 * pages, fewer than the pool's 65,536 buffers) is counted in bulk, and it
 * is warm, not hot (a few accesses a page between two passes of the
 * sweep): its pages keep their place in the pool only if the bumps counted
 * in bulk go to the pages outside the set at the table's rate per page,
 * and the bgwriter does not give them a second time.  Spread over every
 * page, they made 7 % fewer buffers a checkpoint.  Buffers a checkpoint
 * are held to 3 %: over its five checkpoints the sampled run's own spread
 * is about 1 % (seeds 1-6: -0.2 to +2.1 % against the exact run,
 * 2026-12-07). */
static void test_sampled_pgbench_warm_index(void **state)
{
    (void)state;
    const char *text = "[scenario]\nduration = 3min\nwarmup = 30s\nseed = 4\n"
                       "[workload]\nprofile = pgbench\nscale = 200\nrate = 4000/s\n"
                       "[postgres]\nshared_buffers = 512MB\nmax_wal_size = 2GB\n"
                       "checkpoint_timeout = 30s\n"
                       "[os]\nram = 2GB\ncpus = 16\n"
                       "[disk]\npreset = nvme-enterprise\n";
    ws_run_stats a, b;
    test_run_pair(text, "[scenario]\ntx_sampling = 0.1\n", &a, &b);
    assert_int_equal(b.tx_batch, 10);
    assert_int_equal(b.ckpt_timed, a.ckpt_timed);
    assert_int_equal(b.ckpt_req, a.ckpt_req);
    NEAR(ckpt_buffers_mean, 0.03);
    NEAR(buffers_backend, 0.02);
    NEAR(wal_fpi, 0.02);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fluid_reads_pace),
        cmocka_unit_test(test_fluid_wal_goes_in_at_its_pace),
        cmocka_unit_test(test_fluid_commits_flush),
        cmocka_unit_test(test_logged_share),
        cmocka_unit_test(test_bulk_whole_table),
        cmocka_unit_test(test_refused_loops),
        cmocka_unit_test(test_sampled_run_close_to_exact),
        cmocka_unit_test(test_sampled_pgbench_hot_tables),
        cmocka_unit_test(test_sampled_pgbench_warm_index),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
