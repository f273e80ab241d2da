/*
 * test_advise.c - the recommendations against values worked out by hand
 * from xlog.c's rules (advise.h).
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

#include "walsim/advise.h"

#define MiB (1048576.0)

static ws_run_stats base(void)
{
    ws_run_stats st;
    memset(&st, 0, sizeof st);
    st.simulated_s = st.duration_s = 3600;
    st.wal_bytes = (uint64_t)(3600 * MiB);      /* 1 MiB/s */
    st.checkpoint_timeout_s = 300;
    st.checkpoint_completion_target = 0.9;
    st.checkpoint_warning_s = 30;
    st.wal_segment_bytes = 16 << 20;
    st.max_wal_size_bytes = UINT64_C(1) << 30;  /* 64 segments */
    st.disk_size_bytes = UINT64_C(100) << 30;
    st.database_bytes = UINT64_C(20) << 30;
    st.pg_wal_peak_bytes = UINT64_C(1) << 30;
    st.ckpt_timed = 12;
    return st;
}

/* 1 GB, cct 0.9: CheckPointSegments = floor(64 / 1.9) = 33, a checkpoint
 * is requested 32 segments (512 MiB) after the redo pointer; at 1 MiB/s a
 * 5 min cycle writes 300 MiB: enough.  max_wal_size for timed:
 * 1.9 x (300 + 32) MiB x 1.25 = 788.5 MiB, rounded up to 1 GiB.  The
 * current size allows checkpoint_timeout up to 512 s.  Free disk: 100 -
 * 20 - 1 = 79 GiB, full in 79 x 1024 s at 1 MiB/s. */
static void test_timed_and_enough(void **state)
{
    (void)state;
    ws_run_stats st = base();
    ws_advice a;
    ws_advice_compute(&st, &a);
    assert_true(fabs(a.wal_rate - MiB) < 1e-6);
    assert_true(a.timed && a.enough);
    assert_true(fabs(a.trigger_bytes - 512 * MiB) < 1);
    assert_true(fabs(a.cycle_bytes - 300 * MiB) < 1);
    assert_int_equal(a.max_wal_size_timed, UINT64_C(1) << 30);
    assert_true(fabs(a.timeout_for_current - 512) < 1e-6);
    assert_true(fabs(a.full_disk_s - 79 * 1024) < 1e-6);
    assert_int_equal(a.max_wal_size_no_warnings, 0);
}

/* 10 MiB/s: a 5 min cycle would write 3,000 MiB, far above the trigger;
 * checkpoints were requested.  max_wal_size = 1.9 x 3,032 MiB x 1.25 =
 * 7,201 MiB, in 1 GiB steps above 4 GiB: 8 GiB.  checkpoint_timeout that
 * 1 GB allows: 51.2 s.  With warnings: 1.9 x (300 + 32) MiB x 1.25 for
 * 30 s apart = 788.5 MiB -> 1 GiB. */
static void test_requested(void **state)
{
    (void)state;
    ws_run_stats st = base();
    st.wal_bytes = (uint64_t)(36000 * MiB);
    st.ckpt_timed = 0;
    st.ckpt_req = 70;
    st.ckpt_warnings = 3;
    ws_advice a;
    ws_advice_compute(&st, &a);
    assert_false(a.timed);
    assert_false(a.enough);
    assert_int_equal(a.max_wal_size_timed, UINT64_C(8) << 30);
    assert_true(fabs(a.timeout_for_current - 51.2) < 1e-6);
    assert_int_equal(a.max_wal_size_no_warnings, UINT64_C(1) << 30);
    /* the text names the figures it comes from */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ws_advice_print(f, &st, &a, "");
    fclose(f);
    assert_non_null(strstr(buf, "70 requested by WAL"));
    assert_non_null(strstr(buf, "max_wal_size = 8GB"));
    assert_non_null(strstr(buf, "checkpoint_timeout <= 51.2s"));
    free(buf);
}

/* No request in a run shorter than a cycle, but a cycle would overrun. */
static void test_short_run(void **state)
{
    (void)state;
    ws_run_stats st = base();
    st.checkpoint_timeout_s = 1800;   /* 1,800 MiB a cycle at 1 MiB/s */
    st.ckpt_timed = 0;
    ws_advice a;
    ws_advice_compute(&st, &a);
    assert_true(a.timed);
    assert_false(a.enough);
}

static void test_rounding(void **state)
{
    (void)state;
    assert_int_equal(ws_advice_round_size(1), 256 << 20); /* one step */
    assert_int_equal(ws_advice_round_size(300 * MiB), 512 << 20);
    assert_int_equal(ws_advice_round_size(4096 * MiB), UINT64_C(4) << 30);
    assert_int_equal(ws_advice_round_size(4097 * MiB), UINT64_C(5) << 30);
    assert_int_equal(ws_advice_round_size(65 * 1024 * MiB), UINT64_C(68) << 30);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_timed_and_enough),
        cmocka_unit_test(test_requested),
        cmocka_unit_test(test_short_run),
        cmocka_unit_test(test_rounding),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
