/*
 * test_pagecache.c - the page cache against the reference
 * (os-device-models.md section 1):
 *
 *  - fsync of X MB dirty on an idle device of bandwidth B takes X / B
 *    plus the flush latency; after writeback hints only what is left;
 *  - balance_dirty_pages' pos_ratio at chosen dirty levels, and the pause
 *    it gives a writer;
 *  - background writeback starts above dirty_background and stops below
 *    it; expiry writes a file dirty for dirty_expire;
 *  - a run of page writes in one step is the same as one by one.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "walsim/pagecache.h"

#include "support.h"

#define MiB (UINT64_C(1) << 20)

typedef struct fixture {
    ws_sim *sim;
    ws_device dev;
    ws_pagecache pc;
    ws_scenario *s;
    ws_config *c;
} fixture;

/* 100 MiB/s, 1 ms flush, no IOPS limit or per-I/O latency. */
static void setup(fixture *f, const char *os)
{
    char text[1024];
    snprintf(text, sizeof text,
             "[scenario]\nduration = 1min\n[workload]\nrate = 1/s\n[postgres]\nshared_buffers = 1GB\n"
             "[disk]\nwrite_bandwidth = 100MB/s\nflush_latency = 1ms\nqueue_depth = 32\n"
             "max_io = 512kB\n[os]\n%s\n",
             os);
    f->c = test_resolve(text, "p.conf", "base", &f->s);
    f->sim = ws_sim_new(0);
    assert_int_equal(ws_device_init(&f->dev, f->sim, f->c), 0);
    f->dev.write_iops = f->dev.read_iops = 0;
    f->dev.write_latency = 0;
    assert_int_equal(ws_pc_init(&f->pc, f->sim, &f->dev, f->c), 0);
}

static void teardown(fixture *f)
{
    ws_pc_destroy(&f->pc);
    ws_device_destroy(&f->dev);
    ws_sim_free(f->sim);
    ws_config_free(f->c);
    ws_scenario_free(f->s);
}

static void on_done(void *ctx, uint64_t arg)
{
    (void)arg;
    *(ws_time *)ctx = 1;
}

typedef struct when {
    ws_sim *sim;
    ws_time t;
} when;

static void record(void *ctx, uint64_t arg)
{
    (void)arg;
    when *w = ctx;
    w->t = ws_sim_now(w->sim);
}

/* Dirties `mb` MiB of file 0 at time 0 in 8 kB writes. */
static void dirty(fixture *f, uint32_t file, uint64_t mb)
{
    for (uint64_t i = 0; i < mb * MiB / 8192; i++)
        ws_pc_write(&f->pc, file, 8192, WS_PC_CHECKPOINTER, ws_sim_now(f->sim));
}

static void test_fsync_time(void **state)
{
    (void)state;
    fixture f;
    /* thresholds out of the way, no periodic flusher */
    setup(&f, "ram = 64GB\ndirty_writeback_centisecs = 0");
    uint32_t file = ws_pc_file_new(&f.pc);
    dirty(&f, file, 200);
    when w = {f.sim, -1};
    ws_pc_fsync(&f.pc, file, WS_IO_CHECKPOINT, record, &w, 0);
    ws_sim_run(f.sim, WS_TIME_MAX);
    /* 200 MiB / 100 MiB/s + 1 ms */
    print_message("fsync of 200 MiB: %.4f s\n", (double)w.t / 1e9);
    assert_true(llabs(w.t - (2 * WS_SEC + WS_MSEC)) < 10 * WS_USEC);
    teardown(&f);
}

static void test_fsync_after_hints(void **state)
{
    (void)state;
    fixture f;
    setup(&f, "ram = 64GB\ndirty_writeback_centisecs = 0");
    uint32_t file = ws_pc_file_new(&f.pc);
    dirty(&f, file, 200);
    /* 150 MiB handed to writeback at 0 (sync_file_range), fsync at 1 s:
     * 100 MiB of the hinted bytes are written by then; the fsync waits
     * for the other 50 and the 50 still dirty: 1 s + 1 ms */
    ws_pc_hint(&f.pc, file, 150 * MiB, WS_IO_CHECKPOINT);
    ws_sim_run(f.sim, WS_SEC);
    when w = {f.sim, -1};
    ws_pc_fsync(&f.pc, file, WS_IO_CHECKPOINT, record, &w, 0);
    ws_sim_run(f.sim, WS_TIME_MAX);
    ws_time took = w.t - WS_SEC;
    print_message("fsync after 150 MiB of hints: %.4f s\n", (double)took / 1e9);
    assert_true(llabs(took - (WS_SEC + WS_MSEC)) < 10 * WS_USEC);
    /* and once everything is written, an fsync costs only the flush */
    ws_time t0 = ws_sim_now(f.sim);
    ws_pc_fsync(&f.pc, file, WS_IO_CHECKPOINT, record, &w, 0);
    ws_sim_run(f.sim, WS_TIME_MAX);
    assert_true(w.t - t0 == WS_MSEC);
    teardown(&f);
}

/* dirty_bytes 1000 MiB, dirty_background_bytes 600 MiB: freerun 800,
 * setpoint 900, limit 1000. */
static void test_pos_ratio(void **state)
{
    (void)state;
    fixture f;
    setup(&f, "ram = 64GB\ndirty_bytes = 1000MB\ndirty_background_bytes = 600MB");
    const double cases[][2] = {
        {800, 2.0},      /* freerun */
        {850, 1.125},    /* x = 0.5: 1 + 0.125 */
        {900, 1.0},      /* setpoint */
        {950, 0.875},    /* x = -0.5 */
        {990, 1 - 0.729}, /* x = -0.9 */
        {1000, 0.0},     /* limit */
        {1200, 0.0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double r = ws_pc_pos_ratio(&f.pc, (uint64_t)(cases[i][0] * MiB));
        assert_true(fabs(r - cases[i][1]) < 1e-9);
    }
    teardown(&f);
}

/* A lone writer at D = 950 MiB (pos_ratio 0.875) may dirty at
 * 100 MiB/s x 0.875: an 8 kB write right after its previous one pauses
 * 8192 / (0.875 x 100 MiB/s) = 89.3 us, one that comes later than that
 * not at all; at the limit every write sleeps 200 ms. */
static void test_throttle_pause(void **state)
{
    (void)state;
    fixture f;
    setup(&f, "ram = 64GB\ndirty_bytes = 1000MB\ndirty_background_bytes = 600MB\n"
              "dirty_writeback_centisecs = 0");
    uint32_t file = ws_pc_file_new(&f.pc);
    /* D = 950 MiB of writeback queued (it counts in D like dirty data) */
    ws_pc_write(&f.pc, file, 950 * MiB - 8192, WS_PC_CHECKPOINTER, 0);
    ws_pc_hint(&f.pc, file, 950 * MiB - 8192, WS_IO_CHECKPOINT);
    ws_time at = 10 * WS_SEC; /* the writer has been idle: no pause */
    assert_int_equal(ws_pc_write(&f.pc, file, 8192, WS_PC_CHECKPOINTER, at), 0);
    ws_time p = ws_pc_write(&f.pc, file, 8192, WS_PC_CHECKPOINTER, at); /* right after */
    double expect = 8192 / (ws_pc_pos_ratio(&f.pc, 950 * MiB + 8192) * 100 * 1048576.0);
    print_message("pause at 950 MiB: %.1f us (formula: %.1f us at pos_ratio 0.875)\n",
                  (double)p / 1e3, 8192 / (0.875 * 100 * 1048576.0) * 1e6);
    assert_true(fabs((double)p / 1e9 - expect) < 1e-7);
    assert_true(fabs(expect - 8192 / (0.875 * 100 * 1048576.0)) < 1e-7);
    /* a second writer task halves each one's rate */
    ws_pc_write(&f.pc, file, 8192, WS_PC_BGWRITER, at);
    ws_time p2 = ws_pc_write(&f.pc, file, 8192, WS_PC_BGWRITER, at);
    assert_true(fabs((double)p2 / 1e9 - 2 * 8192 / (ws_pc_pos_ratio(&f.pc, 950 * MiB + 4 * 8192) * 100 * 1048576.0)) < 1e-7);
    /* at the limit */
    ws_pc_write(&f.pc, file, 60 * MiB, WS_PC_BACKENDS, at);
    assert_int_equal(ws_pc_write(&f.pc, file, 8192, WS_PC_CHECKPOINTER, at + WS_SEC / 2), 200 * WS_MSEC);
    teardown(&f);
}

/* Above dirty_background_bytes the flusher writes the oldest files until
 * below it; a file dirty for longer than dirty_expire is written by the
 * next periodic wake-up. */
static void test_background_and_expiry(void **state)
{
    (void)state;
    fixture f;
    setup(&f, "ram = 64GB\ndirty_bytes = 2000MB\ndirty_background_bytes = 300MB\n"
              "dirty_expire_centisecs = 3000\ndirty_writeback_centisecs = 500");
    uint32_t a = ws_pc_file_new(&f.pc), b = ws_pc_file_new(&f.pc);
    dirty(&f, a, 250); /* below the threshold: stays dirty */
    assert_int_equal(ws_pc_writeback_bytes(&f.pc), 0);
    assert_true(ws_pc_dirty_bytes(&f.pc) == 250 * MiB);
    dirty(&f, b, 100); /* 350 > 300: background writeback of the oldest (a) */
    ws_sim_run(f.sim, WS_SEC); /* the flusher feeds chunks as the device drains */
    print_message("after 350 MiB: %.0f MiB handed to writeback, %.0f MiB dirty in files\n",
                  (double)(350 * MiB - f.pc.dirty) / MiB, (double)f.pc.dirty / MiB);
    assert_true(f.pc.dirty <= 300 * MiB);
    assert_true(f.pc.dirty >= 300 * MiB - f.pc.chunk);
    assert_true(f.pc.files[b].dirty == 100 * MiB); /* the newer file untouched */
    /* 29 s later nothing more is written; at the 35 s wake-up (the first
     * after 30 s of being dirty) both files are due */
    ws_sim_run(f.sim, 29 * WS_SEC);
    assert_true(f.pc.files[b].dirty == 100 * MiB);
    ws_sim_run(f.sim, 36 * WS_SEC);
    assert_int_equal(f.pc.dirty, 0);
    ws_sim_run(f.sim, 60 * WS_SEC);
    assert_int_equal(ws_pc_dirty_bytes(&f.pc) + ws_pc_writeback_bytes(&f.pc), 0);
    teardown(&f);
}

/* The flusher takes the file that went clean -> dirty longest ago: a file
 * dirtied first, cleaned by a hint and dirtied again comes after one
 * dirtied in between, though its number is lower; files dirtied at the
 * same moment go in file order, not in the order of their writes. */
static void test_oldest_dirtied_first(void **state)
{
    (void)state;
    fixture f;
    setup(&f, "ram = 64GB\ndirty_bytes = 2000MB\ndirty_background_bytes = 300MB\n"
              "dirty_expire_centisecs = 3000\ndirty_writeback_centisecs = 500");
    uint32_t a = ws_pc_file_new(&f.pc), b = ws_pc_file_new(&f.pc), c = ws_pc_file_new(&f.pc),
             d = ws_pc_file_new(&f.pc);
    dirty(&f, a, 100);
    ws_sim_run(f.sim, WS_SEC);
    dirty(&f, b, 100);
    ws_pc_hint(&f.pc, a, 100 * MiB, WS_IO_WRITEBACK); /* a is clean again */
    ws_sim_run(f.sim, 2 * WS_SEC);
    assert_int_equal(f.pc.files[a].dirty, 0);
    dirty(&f, d, 60);
    dirty(&f, c, 60);
    ws_sim_run(f.sim, 3 * WS_SEC);
    dirty(&f, a, 200); /* 420 MiB > 300: the flusher writes b, then c */
    ws_sim_run(f.sim, 5 * WS_SEC);
    assert_true(f.pc.dirty <= 300 * MiB);
    assert_int_equal(f.pc.files[b].dirty, 0);
    assert_true(f.pc.files[c].dirty < 60 * MiB);
    assert_int_equal(f.pc.files[d].dirty, 60 * MiB);
    assert_int_equal(f.pc.files[a].dirty, 200 * MiB);
    teardown(&f);
}

/* ws_pc_write_run: n page writes in one step leave the page cache as n
 * calls of ws_pc_write would, when none is paused or wakes the flusher;
 * otherwise it does nothing and says so. */
static void test_write_run(void **state)
{
    (void)state;
    const char *os = "ram = 64GB\ndirty_bytes = 1000MB\ndirty_background_bytes = 600MB\n"
                     "dirty_writeback_centisecs = 0";
    fixture a, b;
    setup(&a, os);
    setup(&b, os);
    uint32_t fa = ws_pc_file_new(&a.pc), fb = ws_pc_file_new(&b.pc);
    ws_time at = 5 * WS_MSEC, step = 10 * WS_USEC;
    assert_true(ws_pc_write_run(&a.pc, fa, 8192, 100, WS_PC_CHECKPOINTER, at, step));
    for (int i = 0; i < 100; i++)
        assert_int_equal(ws_pc_write(&b.pc, fb, 8192, WS_PC_CHECKPOINTER, at + i * step), 0);
    assert_int_equal(a.pc.dirty, b.pc.dirty);
    assert_int_equal(a.pc.dirty, 100 * 8192);
    assert_int_equal(a.pc.files[fa].dirty, b.pc.files[fb].dirty);
    assert_int_equal(a.pc.files[fa].dirtied_at, b.pc.files[fb].dirtied_at);
    assert_int_equal(a.pc.n_dirtied, b.pc.n_dirtied);
    assert_int_equal(a.pc.dirty_peak, b.pc.dirty_peak);
    assert_int_equal(a.pc.last_write[WS_PC_CHECKPOINTER], b.pc.last_write[WS_PC_CHECKPOINTER]);

    /* crossing the background threshold would wake the flusher */
    assert_false(ws_pc_write_run(&a.pc, fa, 8192, 600 * 128, WS_PC_CHECKPOINTER, at, step));
    assert_int_equal(a.pc.dirty, 100 * 8192);
    /* 500 MiB under writeback count towards freerun (800 MiB) */
    ws_pc_write(&a.pc, fa, 500 * MiB, WS_PC_BACKENDS, at);
    ws_pc_hint(&a.pc, fa, 500 * MiB, WS_IO_CHECKPOINT);
    assert_true(ws_pc_write_run(&a.pc, fa, 8192, 100, WS_PC_CHECKPOINTER, at, step));
    uint64_t before = a.pc.dirty;
    assert_false(ws_pc_write_run(&a.pc, fa, 8192, 300 * 128, WS_PC_CHECKPOINTER, at, step));
    assert_int_equal(a.pc.dirty, before);
    /* and a write one by one there is paused */
    assert_true(ws_pc_write(&a.pc, fa, 300 * MiB, WS_PC_CHECKPOINTER, at) > 0);
    teardown(&a);
    teardown(&b);
}

int main(void)
{
    (void)on_done;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fsync_time),
        cmocka_unit_test(test_fsync_after_hints),
        cmocka_unit_test(test_pos_ratio),
        cmocka_unit_test(test_throttle_pause),
        cmocka_unit_test(test_background_and_expiry),
        cmocka_unit_test(test_oldest_dirtied_first),
        cmocka_unit_test(test_write_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
