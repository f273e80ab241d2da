/*
 * test_walfluid.c - the fluid commit stream of transaction sampling
 * (wal.c fluid_arm): fluid commits arrive at rate lambda; one needs a
 * flush when its delay (drawn from the simulated transactions' recent
 * ones) is under the time since the last flush started, so the first that
 * does comes at y solving lambda x integral_0^y F = Exp(1), F the delays'
 * distribution.  With half the delays at D1 and half at D2, F is 0, 1/2,
 * then 1, and the mean of y has a closed form; the test draws y many
 * times and compares.
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_flushing_commit_mean),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
