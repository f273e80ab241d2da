/*
 * test_sim.c - the event queue: ordering, ties, handlers that schedule,
 * cancellation, pool reuse, run(until), stop, sequence numbers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "walsim/sim.h"

typedef struct log {
    uint64_t seen[4096];
    ws_time at[4096];
    size_t n;
} log_t;

static void record(ws_sim *s, void *ctx, uint64_t arg)
{
    log_t *l = ctx;
    l->seen[l->n] = arg;
    l->at[l->n++] = ws_sim_now(s);
}

static void test_time_order(void **state)
{
    (void)state;
    ws_sim *s = ws_sim_new(4);
    log_t l = {.n = 0};
    const ws_time t[] = {50, 10, 40, 20, 30, 10 * WS_SEC, 0};
    for (int i = 0; i < 7; i++)
        ws_sim_at(s, t[i], record, &l, (uint64_t)i);
    assert_int_equal(ws_sim_pending(s), 7);
    assert_int_equal(ws_sim_run(s, WS_TIME_MAX), 7);
    const uint64_t order[] = {6, 1, 3, 4, 2, 0, 5};
    for (int i = 0; i < 7; i++)
        assert_int_equal(l.seen[i], order[i]);
    for (int i = 1; i < 7; i++)
        assert_true(l.at[i] >= l.at[i - 1]);
    assert_int_equal(ws_sim_now(s), 10 * WS_SEC);
    ws_sim_free(s);
}

/* Many events at the same instant, interleaved with others, run in the
 * order they were scheduled. */
static void test_ties_in_insertion_order(void **state)
{
    (void)state;
    ws_sim *s = ws_sim_new(0);
    log_t l = {.n = 0};
    for (uint64_t i = 0; i < 1000; i++)
        ws_sim_at(s, (i % 3 == 0) ? 500 : (ws_time)(i * 7 % 1000), record, &l, i);
    ws_sim_run(s, WS_TIME_MAX);
    assert_int_equal(l.n, 1000);
    for (size_t i = 1; i < l.n; i++) {
        assert_true(l.at[i] >= l.at[i - 1]);
        if (l.at[i] == l.at[i - 1])
            assert_true(l.seen[i] > l.seen[i - 1]);
    }
    ws_sim_free(s);
}

typedef struct chain {
    log_t *l;
    int left;
} chain;

static void reschedule_now(ws_sim *s, void *ctx, uint64_t arg)
{
    chain *c = ctx;
    record(s, c->l, arg);
    if (c->left-- > 0)
        ws_sim_after(s, 0, reschedule_now, c, arg + 100);
}

/* An event scheduled for "now" from a handler runs after the events
 * already queued for the same instant. */
static void test_schedule_now_from_handler(void **state)
{
    (void)state;
    ws_sim *s = ws_sim_new(0);
    log_t l = {.n = 0};
    chain c = {&l, 1};
    ws_sim_at(s, 5, reschedule_now, &c, 1);
    ws_sim_at(s, 5, record, &l, 2);
    ws_sim_run(s, WS_TIME_MAX);
    assert_int_equal(l.n, 3);
    assert_int_equal(l.seen[0], 1);
    assert_int_equal(l.seen[1], 2);
    assert_int_equal(l.seen[2], 101);
    assert_int_equal(l.at[2], 5);
    ws_sim_free(s);
}

static void test_cancel(void **state)
{
    (void)state;
    ws_sim *s = ws_sim_new(2);
    log_t l = {.n = 0};
    ws_event_id a = ws_sim_at(s, 10, record, &l, 1);
    ws_event_id b = ws_sim_at(s, 20, record, &l, 2);
    assert_true(ws_sim_cancel(s, a));
    assert_false(ws_sim_cancel(s, a)); /* twice */
    assert_int_equal(ws_sim_pending(s), 1);
    ws_sim_run(s, WS_TIME_MAX);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.seen[0], 2);
    assert_false(ws_sim_cancel(s, b)); /* already ran */
    /* the slots get reused: a stale handle must not cancel the new event */
    ws_event_id c = ws_sim_at(s, 30, record, &l, 3);
    ws_event_id d = ws_sim_at(s, 40, record, &l, 4);
    assert_false(ws_sim_cancel(s, a));
    assert_false(ws_sim_cancel(s, b));
    assert_true(c.slot == a.slot || c.slot == b.slot || d.slot == a.slot || d.slot == b.slot);
    ws_sim_run(s, WS_TIME_MAX);
    assert_int_equal(l.n, 3);
    assert_false(ws_sim_cancel(s, (ws_event_id){0, 0}));
    ws_sim_free(s);
}

static void hold(ws_sim *s, void *ctx, uint64_t arg)
{
    uint64_t *x = ctx;
    *x = *x * 6364136223846793005ULL + 1442695040888963407ULL;
    ws_sim_after(s, (ws_time)(*x >> 44), hold, ctx, arg);
}

/* A million schedule/run cycles at a steady 1000 pending events: the pool
 * never grows beyond the high-water mark. */
static void test_pool_reuse(void **state)
{
    (void)state;
    ws_sim *s = ws_sim_new(1024);
    uint64_t x = 1;
    for (int i = 0; i < 1000; i++)
        ws_sim_at(s, i, hold, &x, 0);
    size_t cap = ws_sim_pool_capacity(s);
    while (ws_sim_events_run(s) < 1000000)
        ws_sim_run(s, ws_sim_now(s) + WS_SEC);
    assert_int_equal(ws_sim_pending(s), 1000);
    assert_int_equal(ws_sim_pool_capacity(s), cap);
    ws_sim_free(s);
}

static void stopper(ws_sim *s, void *ctx, uint64_t arg)
{
    record(s, ctx, arg);
    ws_sim_stop(s);
}

static void test_run_until_and_stop(void **state)
{
    (void)state;
    ws_sim *s = ws_sim_new(0);
    log_t l = {.n = 0};
    ws_sim_at(s, 10, record, &l, 1);
    ws_sim_at(s, 20, stopper, &l, 2);
    ws_sim_at(s, 20, record, &l, 3);
    ws_sim_at(s, 100, record, &l, 4);
    assert_int_equal(ws_sim_run(s, 15), 1);
    assert_int_equal(ws_sim_now(s), 15); /* the clock moves to `until` */
    assert_int_equal(ws_sim_run(s, 50), 1); /* stopped after event 2 */
    assert_int_equal(ws_sim_now(s), 20);
    assert_int_equal(ws_sim_run(s, 50), 1); /* event 3 */
    assert_int_equal(ws_sim_now(s), 50);
    assert_int_equal(ws_sim_run(s, 99), 0);
    assert_int_equal(ws_sim_run(s, 100), 1); /* an event exactly at `until` runs */
    assert_int_equal(ws_sim_events_run(s), 4);
    assert_int_equal(ws_sim_pending(s), 0);
    ws_sim_free(s);
}

static uint64_t seen_seq[3];

static void on_seq(ws_sim *sim, void *ctx, uint64_t arg)
{
    (void)ctx;
    seen_seq[arg] = ws_sim_seq_running(sim);
}

/* Sequence numbers: an event gets the ws_sim_seq_next of when it was
 * scheduled, and ws_sim_seq_running is its own while it runs; outside
 * ws_sim_run, UINT64_MAX (device.c orders its pieces by them). */
static void test_sequence_numbers(void **state)
{
    (void)state;
    ws_sim *sim = ws_sim_new(0);
    assert_true(ws_sim_seq_running(sim) == UINT64_MAX);
    uint64_t q0 = ws_sim_seq_next(sim);
    ws_sim_at(sim, 10, on_seq, NULL, 0);
    uint64_t q1 = ws_sim_seq_next(sim);
    ws_sim_at(sim, 10, on_seq, NULL, 1);
    ws_sim_at(sim, 5, on_seq, NULL, 2);
    assert_true(q1 == q0 + 1);
    ws_sim_run(sim, WS_TIME_MAX);
    assert_true(seen_seq[0] == q0);
    assert_true(seen_seq[1] == q1);
    assert_true(seen_seq[2] == q1 + 1);
    assert_true(ws_sim_seq_running(sim) == UINT64_MAX);
    ws_sim_free(sim);
}

/* Timers: a timer set at t runs as an event scheduled then at t would,
 * among the queue's events (ties by sequence); setting it again moves it
 * (and takes a new sequence number), clearing it drops it; run(until)
 * holds it back like an event. */
static void test_timer_order(void **state)
{
    (void)state;
    ws_sim *s = ws_sim_new(0);
    log_t l = {.n = 0};
    int t = ws_sim_timer_new(s, record, &l);
    ws_sim_at(s, 10, record, &l, 1);
    ws_sim_timer_set(s, t, 10, 100); /* after event 1 at the same instant */
    ws_sim_at(s, 10, record, &l, 2);
    ws_sim_at(s, 5, record, &l, 0);
    assert_int_equal(ws_sim_pending(s), 4);
    ws_sim_timer_set(s, t, 10, 101); /* moved: now after event 2 too */
    assert_int_equal(ws_sim_pending(s), 4);
    ws_sim_at(s, 10, record, &l, 3);
    assert_int_equal(ws_sim_run(s, 9), 1);
    assert_int_equal(ws_sim_run(s, WS_TIME_MAX), 4);
    const uint64_t order[] = {0, 1, 2, 101, 3};
    assert_int_equal(l.n, 5);
    for (int i = 0; i < 5; i++)
        assert_int_equal(l.seen[i], order[i]);
    /* cleared: does not run */
    ws_sim_timer_set(s, t, 20, 102);
    ws_sim_at(s, 30, record, &l, 4);
    ws_sim_timer_clear(s, t);
    ws_sim_timer_clear(s, t); /* twice: nothing */
    assert_int_equal(ws_sim_pending(s), 1);
    assert_int_equal(ws_sim_run(s, WS_TIME_MAX), 1);
    assert_int_equal(l.seen[5], 4);
    assert_int_equal(ws_sim_pending(s), 0);
    ws_sim_free(s);
}

/* The same random schedule of moves, once as cancel + schedule and once
 * as timers, runs the same handlers in the same order at the same times
 * (workload.c relies on this: its outputs did not change).  Two movers
 * (the engine's timers among themselves) or one. */
typedef struct mover {
    ws_sim *sim;
    log_t *log;
    int timer;            /* -1: cancel + schedule */
    ws_event_id ev;
    uint64_t state, n_moves, base;
} mover;

static void mover_fire(ws_sim *s, void *ctx, uint64_t arg);

static void mover_move(mover *m)
{
    m->state = m->state * 6364136223846793005u + 1442695040888963407u;
    ws_time when = ws_sim_now(m->sim) + (ws_time)(m->state >> 59); /* 0..31: many ties */
    uint64_t arg = m->base + m->n_moves++;
    if (m->timer >= 0) {
        ws_sim_timer_set(m->sim, m->timer, when, arg);
    } else {
        ws_sim_cancel(m->sim, m->ev);
        m->ev = ws_sim_at(m->sim, when, mover_fire, m, arg);
    }
}

static void mover_fire(ws_sim *s, void *ctx, uint64_t arg)
{
    mover *m = ctx;
    record(s, m->log, arg);
    if (m->log->n < 3000)
        mover_move(m);
}

typedef struct world {
    mover m[2];
    int n;
} world;

/* Other events: each schedules the next and, every other time, moves a
 * mover. */
static void other(ws_sim *s, void *ctx, uint64_t arg)
{
    world *w = ctx;
    record(s, w->m[0].log, arg);
    if (w->m[0].log->n >= 3000)
        return;
    ws_sim_after(s, (ws_time)(arg % 7), other, w, arg + 1);
    if (arg % 2)
        mover_move(&w->m[(arg / 2) % (uint64_t)w->n]);
}

static void timers_against_events(int n_movers)
{
    static log_t logs[2];
    for (int v = 0; v < 2; v++) {
        ws_sim *s = ws_sim_new(0);
        logs[v].n = 0;
        world w = {.n = n_movers};
        for (int i = 0; i < n_movers; i++) {
            w.m[i] = (mover){.sim = s, .log = &logs[v], .timer = -1, .state = 42 + (uint64_t)i,
                             .base = 1000000 * (uint64_t)(i + 1)};
            if (v == 1)
                w.m[i].timer = ws_sim_timer_new(s, mover_fire, &w.m[i]);
        }
        ws_sim_at(s, 0, other, &w, 1);
        ws_sim_at(s, 3, other, &w, 2);
        for (int i = 0; i < n_movers; i++)
            mover_move(&w.m[i]);
        ws_sim_run(s, WS_TIME_MAX);
        assert_int_equal(ws_sim_pending(s), 0);
        ws_sim_free(s);
    }
    assert_true(logs[0].n >= 3000);
    assert_int_equal(logs[0].n, logs[1].n);
    size_t fired[2] = {0, 0};
    for (size_t i = 0; i < logs[0].n; i++) {
        assert_int_equal(logs[0].seen[i], logs[1].seen[i]);
        assert_int_equal(logs[0].at[i], logs[1].at[i]);
        if (logs[0].seen[i] >= 1000000)
            fired[logs[0].seen[i] / 1000000 - 1]++;
    }
    for (int i = 0; i < n_movers; i++)
        assert_true(fired[i] > 100); /* each mover ran, often */
}

static void test_timer_as_cancel_and_schedule(void **state)
{
    (void)state;
    timers_against_events(1);
    timers_against_events(2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time_order),
        cmocka_unit_test(test_ties_in_insertion_order),
        cmocka_unit_test(test_schedule_now_from_handler),
        cmocka_unit_test(test_cancel),
        cmocka_unit_test(test_pool_reuse),
        cmocka_unit_test(test_run_until_and_stop),
        cmocka_unit_test(test_sequence_numbers),
        cmocka_unit_test(test_timer_order),
        cmocka_unit_test(test_timer_as_cancel_and_schedule),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
