/*
 * test_device.c - the device against queueing theory and the reference:
 *
 *  - Poisson reads, exponential service: M/M/1 mean 1/(mu - lambda) and
 *    p99 4.605/(mu - lambda) within 5 % at utilisation 0.5 and 0.8
 *    (os-device-models.md section 3);
 *  - a foreground request waits behind what the writeback streams have in
 *    the queue: the full depth for fsync writeback, a quarter for the
 *    flusher (blk-wbt get_limit);
 *  - wbt halves the background depth while reads are slower than target;
 *  - gp2 burst credits: 3,000 IOPS for credits / (3000 - baseline)
 *    seconds, then the baseline;
 *  - a stream's pieces complete without events of their own, yet a read,
 *    a waiter and an event at a piece's completion time see the stream as
 *    an event a piece would have left it;
 *  - a stream refills in whole pieces, never in fragments cut to its room.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "walsim/device.h"

#include "support.h"

/* A device from [disk] settings `disk` (one scenario, variant base). */
static void make_device(ws_device *d, ws_sim *sim, const char *disk, ws_scenario **s,
                        ws_config **c)
{
    char text[1024];
    snprintf(text, sizeof text, "[scenario]\nduration = 1min\n[workload]\nrate = 1/s\n[disk]\n%s\n",
             disk);
    *c = test_resolve(text, "d.conf", "base", s);
    assert_int_equal(ws_device_init(d, sim, *c), 0);
}

/* Frees what make_device made, and the simulation. */
static void free_device(ws_device *d, ws_sim *sim, ws_config *c, ws_scenario *s)
{
    ws_device_destroy(d);
    ws_sim_free(sim);
    ws_config_free(c);
    ws_scenario_free(s);
}

/* Reads and writes at `bw` bytes a second, without an IOPS limit. */
static void bandwidth_only(ws_device *d, double bw)
{
    d->write_bw = d->read_bw = bw;
    d->write_iops = d->read_iops = 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void mm1_at(double rho)
{
    const double mu = 1000; /* reads per second: mean service 1 ms */
    ws_sim *sim = ws_sim_new(0);
    ws_device d;
    ws_scenario *s;
    ws_config *c;
    make_device(&d, sim, "read_iops = 1000/s\nread_bandwidth = 1TB/s\nwbt = off\n"
                         "service_time = exponential",
                &s, &c);
    d.read_latency = 0;
    enum { N = 400000 };
    double *resp = malloc(N * sizeof *resp);
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(g, 11);
    double t = 0, sum = 0;
    for (int i = 0; i < N; i++) {
        t += gsl_ran_exponential(g, 1.0 / (rho * mu));
        ws_time at = (ws_time)llround(t * 1e9);
        resp[i] = (double)(ws_device_read(&d, at, 8192) - at) / 1e9;
        sum += resp[i];
    }
    qsort(resp, N, sizeof *resp, cmp_double);
    double lambda = rho * mu;
    double mean = sum / N, p99 = resp[(size_t)(0.99 * N)];
    double mean_th = 1 / (mu - lambda), p99_th = log(100.0) / (mu - lambda);
    print_message("rho %.1f: mean %.4f ms (M/M/1 %.4f), p99 %.4f ms (%.4f)\n", rho, mean * 1e3,
                  mean_th * 1e3, p99 * 1e3, p99_th * 1e3);
    assert_true(fabs(mean - mean_th) / mean_th < 0.05);
    assert_true(fabs(p99 - p99_th) / p99_th < 0.05);
    free(resp);
    gsl_rng_free(g);
    free_device(&d, sim, c, s);
}

static void test_mm1_utilisation_half(void **state)
{
    (void)state;
    mm1_at(0.5);
}

static void test_mm1_utilisation_0_8(void **state)
{
    (void)state;
    mm1_at(0.8);
}

/* 1 GB handed to a stream, then a 8 kB read: it waits for what the stream
 * has queued, its depth x max_io, at the write bandwidth. */
static double read_delay_behind(ws_stream stream)
{
    ws_sim *sim = ws_sim_new(0);
    ws_device d;
    ws_scenario *s;
    ws_config *c;
    make_device(&d, sim, "write_bandwidth = 100MB/s\nread_bandwidth = 1TB/s\nwrite_iops = 0\n"
                         "read_iops = 0\nqueue_depth = 32\nmax_io = 512kB\nwbt = on",
                &s, &c);
    d.write_iops = d.read_iops = 0; /* bandwidth only */
    d.read_latency = d.write_latency = 0;
    ws_device_writeback(&d, stream, UINT64_C(1) << 30, WS_IO_CHECKPOINT);
    ws_time done = ws_device_read(&d, 0, 8192);
    free_device(&d, sim, c, s);
    return (double)done / 1e9;
}

static void test_foreground_waits_for_stream_share(void **state)
{
    (void)state;
    const double B = 100 * 1048576.0, req = 512 * 1024.0;
    double sync = read_delay_behind(WS_STREAM_SYNC);
    double normal = read_delay_behind(WS_STREAM_NORMAL);
    double bg = read_delay_behind(WS_STREAM_BACKGROUND);
    print_message("read behind 1 GB: sync %.1f ms, normal %.1f ms, background %.1f ms\n",
                  sync * 1e3, normal * 1e3, bg * 1e3);
    /* with wbt on, blk-wbt's max depth is min(RWB_DEF_DEPTH = 16, 32):
     * depths 16, (16+1)/2 = 8, (16+3)/4 = 4 requests of 512 kB */
    assert_true(fabs(sync - 16 * req / B) < 1e-4);
    assert_true(fabs(normal - 8 * req / B) < 1e-4);
    assert_true(fabs(bg - 4 * req / B) < 1e-4);
}

/* Slow reads make wbt halve the background depth window by window; fast
 * ones restore it. */
static void test_wbt_scales_background_depth(void **state)
{
    (void)state;
    ws_sim *sim = ws_sim_new(0);
    ws_device d;
    ws_scenario *s;
    ws_config *c;
    make_device(&d, sim, "preset = sata-ssd\nqueue_depth = 32\nwbt = on\nwbt_latency = 2ms", &s,
                &c);
    /* wb_background of blk-wbt's default depth 16 (not of the 32) */
    assert_int_equal(ws_device_stream_depth(&d, WS_STREAM_BACKGROUND), 4);
    assert_int_equal(ws_device_stream_depth(&d, WS_STREAM_SYNC), 16);
    d.read_latency = 5 * WS_MSEC; /* every read slower than the 2 ms target */
    for (int w = 0; w < 4; w++)
        ws_device_read(&d, (ws_time)w * 100 * WS_MSEC + WS_MSEC, 8192);
    /* windows ended slow: 4 -> 2 -> 1, and it stays at one request */
    assert_int_equal(ws_device_stream_depth(&d, WS_STREAM_BACKGROUND), 1);
    assert_int_equal(ws_device_stream_depth(&d, WS_STREAM_SYNC), 16);
    d.read_latency = 100 * WS_USEC;
    for (int w = 4; w < 12; w++) /* one more slow window is seen, then the step goes back down */
        ws_device_read(&d, (ws_time)w * 100 * WS_MSEC + WS_MSEC, 8192);
    assert_int_equal(ws_device_stream_depth(&d, WS_STREAM_BACKGROUND), 4);
    free_device(&d, sim, c, s);
}

/* A 100 GiB gp2 volume: baseline 300 IOPS, bursts to 3,000 from 5.4 M
 * credits: a sustained stream of 16 kB writes gets 3,000 IOPS for
 * 5.4e6 / (3000 - 300) = 2,000 s, then 300. */
static void test_gp2_burst_credits(void **state)
{
    (void)state;
    ws_sim *sim = ws_sim_new(0);
    ws_device d;
    ws_scenario *s;
    ws_config *c;
    make_device(&d, sim, "preset = aws-gp2\nsize = 100GB", &s, &c);
    assert_true(d.write_iops == 300 && d.burst_iops == 3000 && d.burst_credits == 5.4e6);
    ws_time t = 0;
    uint64_t early = 0, late = 0;
    ws_time end_of_burst = -1;
    while (t < 2600 * WS_SEC) {
        ws_device_write(&d, t, 16384, WS_IO_WAL);
        t = d.busy_until; /* back to back */
        if (t < 1900 * WS_SEC)
            early++;
        else if (t >= 2100 * WS_SEC && t < 2500 * WS_SEC)
            late++;
        if (end_of_burst < 0 && d.credits <= 0)
            end_of_burst = t;
    }
    double burst_s = (double)end_of_burst / 1e9;
    print_message("burst ends at %.1f s; %.0f IOPS before, %.0f IOPS after\n", burst_s,
                  early / 1900.0, late / 400.0);
    assert_true(fabs(burst_s - 2000) < 2);
    assert_true(fabs(early / 1900.0 - 3000) < 3);
    assert_true(fabs(late / 400.0 - 300) < 3);
    free_device(&d, sim, c, s);
}

/* IOPS and bandwidth: a piece's service is the larger of bytes/bandwidth
 * and I/Os/IOPS, I/Os counted in io_unit (EBS: 256 KiB). */
static void test_iops_and_bandwidth_bounds(void **state)
{
    (void)state;
    ws_sim *sim = ws_sim_new(0);
    ws_device d;
    ws_scenario *s;
    ws_config *c;
    make_device(&d, sim, "preset = aws-gp3", &s, &c);
    d.write_latency = 0;
    /* 8 kB: one I/O at 3,000 IOPS = 333 us (bandwidth would give 62 us) */
    ws_time one = ws_device_write(&d, 0, 8192, WS_IO_WAL);
    assert_true(llabs(one - 333333) < 10);
    /* 64 MiB at 125 MiB/s = 512 ms (256 I/Os at 3,000 IOPS = 85 ms) */
    ws_time big = ws_device_write(&d, one, 64 << 20, WS_IO_WAL) - one;
    assert_true(llabs(big - 512 * WS_MSEC) < 10);
    free_device(&d, sim, c, s);
}


/* I/Os served by a time: reads at 1000 IOPS, then writes at 500 IOPS
 * (a 1 MiB write is 4 I/Os of 256 kB), counted when their service ends,
 * a piece in service pro rata; in the end every queued I/O. */
static void test_ios_done(void **state)
{
    (void)state;
    ws_sim *sim = ws_sim_new(0);
    ws_device d;
    ws_scenario *s;
    ws_config *c;
    make_device(&d, sim,
                "read_iops = 1000/s\nwrite_iops = 500/s\nread_bandwidth = 1TB/s\n"
                "write_bandwidth = 1TB/s\nio_unit = 256kB\nwbt = off\n",
                &s, &c);
    for (int i = 0; i < 300; i++)
        ws_device_read(&d, 0, 8192); /* 1 ms each: until 0.3 s */
    for (int i = 0; i < 100; i++)
        ws_device_write(&d, 0, 8192, WS_IO_WAL); /* 2 ms each: until 0.5 s */
    ws_device_write(&d, 0, 1048576, WS_IO_WAL);  /* 4 I/Os, 8 ms: until 0.508 s */
    assert_int_equal(d.read_ios, 300);
    assert_int_equal(d.write_ios, 104);
    uint64_t rd, wr;
    ws_device_ios_done(&d, 100 * WS_MSEC, &rd, &wr);
    assert_int_equal(rd, 100);
    assert_int_equal(wr, 0);
    ws_device_ios_done(&d, 300 * WS_MSEC, &rd, &wr);
    assert_int_equal(rd, 300);
    assert_int_equal(wr, 0);
    ws_device_ios_done(&d, 400 * WS_MSEC, &rd, &wr);
    assert_int_equal(rd, 300);
    assert_int_equal(wr, 50);
    ws_device_ios_done(&d, 504 * WS_MSEC, &rd, &wr); /* half of the 1 MiB write */
    assert_int_equal(wr, 102);
    ws_device_ios_done(&d, WS_SEC, &rd, &wr);
    assert_int_equal(rd, 300);
    assert_int_equal(wr, 104);
    free_device(&d, sim, c, s);
}

/* What events at one instant saw of a stream (test_pieces_without_events). */
typedef struct seen {
    ws_device *d;
    uint64_t pending[2];
    ws_time woken;
} seen;

static void on_look(ws_sim *sim, void *ctx, uint64_t arg)
{
    (void)sim;
    seen *v = ctx;
    v->pending[arg] = ws_device_writeback_pending(v->d);
}

static void on_all_written(void *ctx, uint64_t arg)
{
    (void)arg;
    seen *v = ctx;
    v->woken = ws_sim_now(v->d->sim);
}

/* 64 MiB of background writeback in pieces of 8 MiB (depth 32 of 512 kB,
 * refilled in halves), 80 ms of service each and 1 ms of latency: piece k
 * is served until 80k ms and completes 1 ms later, and the stream refills
 * then, without an event a piece. */
static void test_pieces_without_events(void **state)
{
    (void)state;
    ws_sim *sim = ws_sim_new(0);
    ws_device d;
    ws_scenario *s;
    ws_config *c;
    make_device(&d, sim, "queue_depth = 32\nmax_io = 512kB\nwbt = off", &s, &c);
    bandwidth_only(&d, 100 * 1048576.0);
    d.read_latency = 0;
    d.write_latency = WS_MSEC;
    const ws_time S = 80 * WS_MSEC, L = WS_MSEC;
    const uint64_t MiB = 1048576;
    seen v = {.d = &d, .woken = -1};
    /* an event scheduled before the pieces, at the first one's completion,
     * runs before it (as its event would have); one scheduled after, after */
    ws_sim_at(sim, S + L, on_look, &v, 0);
    uint64_t end = ws_device_writeback(&d, WS_STREAM_BACKGROUND, 64 * MiB, WS_IO_WRITEBACK);
    ws_sim_at(sim, S + L, on_look, &v, 1);
    ws_device_wait(&d, WS_STREAM_BACKGROUND, end, on_all_written, &v, 0);
    assert_int_equal(d.s[WS_STREAM_BACKGROUND].dispatched, 16 * MiB); /* two pieces */

    /* by 3.5 pieces' time, three have completed and three more refilled:
     * a read now waits until the fifth piece is served */
    ws_sim_run(sim, 7 * S / 2);
    ws_time at = ws_sim_now(sim);
    ws_time done = ws_device_read(&d, at, 8192);
    ws_time svc = (ws_time)llround(8192 / d.read_bw * 1e9);
    assert_int_equal(done, 5 * S + svc);
    assert_int_equal(d.written[WS_IO_WRITEBACK], 24 * MiB);
    assert_int_equal(v.pending[0], 64 * MiB);
    assert_int_equal(v.pending[1], 56 * MiB);

    /* the waiter for the last byte: at the eighth piece's completion (the
     * read delayed the pieces after it by its service) */
    ws_sim_run(sim, WS_TIME_MAX);
    assert_int_equal(v.woken, 8 * S + svc + L);
    assert_int_equal(d.written[WS_IO_WRITEBACK], 64 * MiB);
    /* the two lookers and two wake-ups for the waiter (the read delayed the
     * first one foreseen), not one a piece (8) or one a refill (4) */
    print_message("events run: %llu\n", (unsigned long long)ws_sim_events_run(sim));
    assert_true(ws_sim_events_run(sim) <= 2 + 2);
    free_device(&d, sim, c, s);
}

/* A stream refills in whole pieces: 8 kB handed first go in alone, then
 * 8 MiB more in pieces of 256 kB (depth 4 of 128 kB, refilled in halves);
 * the piece that finds only 248 kB of room waits for the 8 kB to complete
 * rather than going in as a 248 kB fragment that every later refill would
 * repeat.  The server is never idle meanwhile: the last byte is written
 * at 8 MiB's service time. */
static void test_refills_in_whole_pieces(void **state)
{
    (void)state;
    ws_sim *sim = ws_sim_new(0);
    ws_device d;
    ws_scenario *s;
    ws_config *c;
    make_device(&d, sim, "queue_depth = 4\nmax_io = 128kB\nio_unit = 128kB\nwbt = off", &s, &c);
    bandwidth_only(&d, 100 * 1048576.0);
    d.write_latency = 0;
    const uint64_t KiB = 1024, MiB = 1048576;
    ws_dev_stream *st = &d.s[WS_STREAM_BACKGROUND];
    assert_int_equal(st->cap, 512 * KiB);
    assert_int_equal(st->piece, 256 * KiB);
    ws_device_writeback(&d, WS_STREAM_BACKGROUND, 8 * KiB, WS_IO_WRITEBACK);
    uint64_t end = ws_device_writeback(&d, WS_STREAM_BACKGROUND, 8 * MiB, WS_IO_WRITEBACK);
    assert_int_equal(st->dispatched, 264 * KiB); /* not 512 kB: no fragment of 248 kB */
    seen v = {.d = &d, .woken = -1};
    ws_device_wait(&d, WS_STREAM_BACKGROUND, end, on_all_written, &v, 0);
    ws_sim_run(sim, WS_TIME_MAX);
    /* 8 kB (one I/O), then 32 pieces of 256 kB (two each); in pieces cut
     * to the room (8, 256 and 248 kB, over and over) it would be 81 */
    assert_int_equal(d.write_ios, 1 + 32 * 2);
    double ideal = (double)(8 * MiB + 8 * KiB) / d.write_bw * 1e9;
    assert_true(fabs((double)v.woken - ideal) < 100); /* ns: rounding a piece */
    free_device(&d, sim, c, s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mm1_utilisation_half),
        cmocka_unit_test(test_mm1_utilisation_0_8),
        cmocka_unit_test(test_foreground_waits_for_stream_share),
        cmocka_unit_test(test_wbt_scales_background_depth),
        cmocka_unit_test(test_gp2_burst_credits),
        cmocka_unit_test(test_iops_and_bandwidth_bounds),
        cmocka_unit_test(test_ios_done),
        cmocka_unit_test(test_pieces_without_events),
        cmocka_unit_test(test_refills_in_whole_pieces),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
