/*
 * test_walfluid.c - the fluid commit stream of transaction sampling
 * (wal.c fluid_arm): fluid commits arrive at rate lambda; one needs a
 * flush when its delay (drawn from the simulated transactions' recent
 * ones) is under the time since the last flush started, so the first that
 * does comes at y solving lambda x integral_0^y F = Exp(1), F the delays'
 * distribution.  With half the delays at D1 and half at D2, F is 0, 1/2,
 * then 1, and the mean of y has a closed form; the test draws y many
 * times and compares.
 *
 * The chain counted in bulk (wal.c, "The fluid flush chain in bulk") is
 * checked against the same chain one by one: as many flushes, the same
 * bytes and I/Os on the device, and a simulated transaction that starts
 * at a random time finds a flush in progress as often.  A chain whose
 * cycle is longer than the transactions' delays stays one by one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <math.h>

#include <cmocka.h>

#include "walsim/rng.h"
#include "walsim/wal.h"

#include "support.h"

#define TRIALS 4000

static void test_first_flushing_commit_mean(void **state)
{
    (void)state;
    const double lambda = 1000;              /* fluid commits a second */
    const ws_time d1 = 500 * WS_USEC, d2 = 2 * WS_MSEC;
    double sum = 0, sum2 = 0;
    for (int t = 0; t < TRIALS; t++) {
        test_wal_rig rig;
        test_wal_open(&rig, "[scenario]\nduration = 1min\n[workload]\nrate = 100/s\n");
        ws_wal *w = &rig.w;
        ws_rng rng;
        assert_int_equal(ws_rng_init(&rng, (uint64_t)t + 1, "test.fluid"), 0);
        for (int i = 0; i < WS_WAL_DELAYS; i++) /* in the order they came: mixed */
            ws_wal_note_commit(w, i % 2 ? d2 : d1);
        ws_wal_insert(w, 1000, 0, 0, 0); /* something to flush */
        ws_wal_set_fluid(w, lambda, &rng); /* armed from t = 0, the last flush's start */
        ws_time now = 0;
        while (!w->flushing) {
            now += 20 * WS_USEC; /* shorter than a flush: it is still running when seen */
            assert_true(now < 100 * WS_MSEC); /* before the WAL writer's 200 ms */
            ws_sim_run(rig.sim, now);
        }
        double y = (double)w->flush_start / 1e9;
        sum += y;
        sum2 += y * y;
        ws_rng_destroy(&rng);
        test_wal_close(&rig);
    }
    double mean = sum / TRIALS, sd = sqrt(sum2 / TRIALS - mean * mean);
    /* E[y]: E ~ Exp(1), m = lambda (D2 - D1) / 2 the area's worth of the
     * middle part; E < m: y = D1 + 2 E / lambda, else y = D2 + (E - m) /
     * lambda (memoryless: mean D2 + 1 / lambda) */
    double D1 = (double)d1 / 1e9, D2 = (double)d2 / 1e9, m = lambda * (D2 - D1) / 2;
    double expect = D1 * (1 - exp(-m)) + 2 / lambda * (1 - exp(-m) * (1 + m)) +
                    exp(-m) * (D2 + 1 / lambda);
    double se = sd / sqrt(TRIALS);
    printf("first flushing fluid commit: mean %.4f ms (expected %.4f, se %.4f)\n", mean * 1e3,
           expect * 1e3, se * 1e3);
    assert_true(fabs(mean - expect) < 4 * se);
    assert_true(se < 0.02 * expect); /* the check is tight enough to mean something */
}

/* What a fluid stream did in 10 simulated seconds: lambda commits a
 * second of 2,500 bytes each, inserted every ms, delays spread over 0-400
 * us; every 3.7 ms a simulated transaction starts (and ends at once),
 * and whether a flush was in progress then is counted. */
typedef struct chain_run {
    uint64_t syncs, wal_bytes, ios, events;
    ws_time sync_time;
    int starts, busy;
} chain_run;

/* A WAL on disk `preset` with fluid commits at `lambda` a second, the
 * delays spread over 0-400 us, counted in bulk when `bulk` allows. */
static ws_wal *chain_open(test_wal_rig *rig, ws_rng *rng, const char *preset, double lambda,
                          bool bulk)
{
    char text[160];
    snprintf(text, sizeof text,
             "[scenario]\nduration = 1min\n[workload]\nrate = 100/s\n[disk]\npreset = %s\n",
             preset);
    test_wal_open(rig, text);
    ws_wal *w = &rig->w;
    w->bulk_ok = bulk;
    assert_int_equal(ws_rng_init(rng, 7, "test.fluid"), 0);
    for (int i = 0; i < WS_WAL_DELAYS; i++)
        ws_wal_note_commit(w, (ws_time)(i * 400 * WS_USEC / WS_WAL_DELAYS));
    ws_wal_set_fluid(w, lambda, rng);
    return w;
}

static chain_run run_chain(bool bulk)
{
    test_wal_rig rig;
    ws_rng rng;
    ws_wal *w = chain_open(&rig, &rng, "nvme-enterprise", 20000, bulk);
    chain_run out = {0};
    ws_time next_tx = 0;
    for (ws_time t = WS_MSEC; t <= 10000 * WS_MSEC; t += WS_MSEC) {
        while (next_tx < t) {
            ws_sim_run(rig.sim, next_tx);
            if (next_tx > 1000 * WS_MSEC) { /* after a second */
                ws_wal_tx_start(w);
                out.starts++;
                out.busy += w->flushing;
                w->inflight--;
            }
            next_tx += 3700 * WS_USEC;
        }
        ws_sim_run(rig.sim, t);
        ws_wal_insert_fluid(w, 20 * 2500, 20, 0, 0, 0, WS_MSEC);
    }
    uint64_t r, wr;
    ws_device_ios_done(&rig.dev, ws_sim_now(rig.sim), &r, &wr);
    out.syncs = w->st.sync;
    out.sync_time = w->st.sync_time;
    out.wal_bytes = rig.dev.written[WS_IO_WAL];
    out.ios = wr;
    out.events = ws_sim_events_run(rig.sim);
    ws_rng_destroy(&rng);
    test_wal_close(&rig);
    return out;
}

static void test_bulk_chain_as_each(void **state)
{
    (void)state;
    chain_run each = run_chain(false), bulk = run_chain(true);
    printf("flushes %llu / %llu, WAL bytes %llu / %llu, I/Os %llu / %llu, busy %d / %d of %d "
           "(one by one / in bulk)\n",
           (unsigned long long)each.syncs, (unsigned long long)bulk.syncs,
           (unsigned long long)each.wal_bytes, (unsigned long long)bulk.wal_bytes,
           (unsigned long long)each.ios, (unsigned long long)bulk.ios, each.busy, bulk.busy,
           each.starts);
    assert_true(each.syncs > 10000); /* a real chain: thousands a second */
    assert_true(bulk.events < each.events / 3); /* and counted in bulk most of the time */
    assert_true(fabs((double)bulk.syncs / (double)each.syncs - 1) < 0.04);
    assert_true(fabs((double)bulk.sync_time / (double)each.sync_time - 1) < 0.04);
    assert_true(fabs((double)bulk.wal_bytes / (double)each.wal_bytes - 1) < 0.03);
    assert_true(fabs((double)bulk.ios / (double)each.ios - 1) < 0.04);
    /* the share of starts that find a flush in progress: within 3 standard
     * errors of a proportion (both runs are samples) */
    double p1 = (double)each.busy / each.starts, p2 = (double)bulk.busy / bulk.starts;
    double se = sqrt(p1 * (1 - p1) / each.starts + p2 * (1 - p2) / bulk.starts);
    assert_true(p1 > 0.1 && p1 < 0.9);
    assert_true(fabs(p1 - p2) < 3 * se);
}

/* A slow flush (a 1.6 ms cloud volume) at a short delay: the chain stays
 * one by one, the run identical with bulk counting allowed or not. */
static void test_slow_chain_stays_each(void **state)
{
    (void)state;
    uint64_t ev[2], syncs[2];
    for (int b = 0; b < 2; b++) {
        test_wal_rig rig;
        ws_rng rng;
        ws_wal *w = chain_open(&rig, &rng, "aws-gp3", 2000, b);
        for (ws_time t = WS_MSEC; t <= 2000 * WS_MSEC; t += WS_MSEC) {
            ws_sim_run(rig.sim, t);
            ws_wal_insert_fluid(w, 2 * 2500, 2, 0, 0, 0, WS_MSEC);
            assert_false(w->bulk);
        }
        ev[b] = ws_sim_events_run(rig.sim);
        syncs[b] = w->st.sync;
        ws_rng_destroy(&rng);
        test_wal_close(&rig);
    }
    assert_true(syncs[0] > 500);
    assert_int_equal(ev[0], ev[1]);
    assert_int_equal(syncs[0], syncs[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_flushing_commit_mean),
        cmocka_unit_test(test_bulk_chain_as_each),
        cmocka_unit_test(test_slow_chain_stays_each),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
