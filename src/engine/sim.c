/*
 * sim.c - the event queue: a 4-ary min-heap of small entries plus a pool
 * of event payloads (see sim.h for the contract).
 *
 * Layout.  The heap holds 24-byte entries (time, sequence, pool slot) and
 * nothing else, so sifting moves little memory; the payload (handler,
 * context, argument, generation) stays put in the pool.  A 4-ary heap
 * halves the depth of a binary one and its four children share a cache
 * line or two; sifting moves a "hole" instead of swapping.
 *
 * Order.  Entries compare by time, then by sequence number, a counter
 * bumped at every schedule: equal-time events run in scheduling order.
 *
 * Cancellation is lazy: the pool slot is marked dead and its heap entry is
 * dropped when it reaches the top.  Generations make stale handles
 * harmless.
 *
 * Timers (a few events that are moved often) are kept outside the heap:
 * the run loop takes the earlier of the heap's top and the earliest armed
 * timer (`tnext`), by the same (time, sequence) order.
 */
#include "walsim/sim.h"

#include <stddef.h>

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct entry {
    ws_time time;
    uint64_t seq;
    uint32_t slot;
} entry;

typedef struct payload {
    ws_event_fn fn;   /* NULL: free or cancelled */
    void *ctx;
    uint64_t arg;
    uint32_t gen;     /* bumped each time the slot is reused */
    uint32_t next_free;
} payload;

typedef struct timer {
    ws_time time;
    uint64_t seq;
    ws_event_fn fn;
    void *ctx;
    uint64_t arg;
    bool armed;
} timer;

struct ws_sim {
    ws_time now;
    uint64_t seq;
    uint64_t running;     /* the sequence of the event being run (UINT64_MAX: none) */
    uint64_t events_run;
    size_t live;          /* scheduled, not yet run or cancelled */
    bool stop;
    entry *heap;
    size_t heap_n, heap_cap;
    payload *pool;
    uint32_t pool_cap;
    uint32_t free_head;   /* UINT32_MAX: none */
    timer timers[WS_SIM_TIMERS];
    int n_timers;
    int tnext;            /* the earliest armed timer, -1: none */
};

#define NO_SLOT UINT32_MAX

static void *grow(void *p, size_t n, size_t size)
{
    void *q = realloc(p, n * size);
    if (!q) {
        fputs("walsim: out of memory in the event queue\n", stderr);
        abort();
    }
    return q;
}

/* Slots [from, to) go on the free list, lowest first. */
static void pool_add(ws_sim *s, uint32_t from, uint32_t to)
{
    for (uint32_t i = to; i-- > from;) {
        s->pool[i].fn = NULL;
        s->pool[i].gen = 1;
        s->pool[i].next_free = s->free_head;
        s->free_head = i;
    }
}

ws_sim *ws_sim_new(size_t capacity_hint)
{
    ws_sim *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->running = UINT64_MAX;
    s->tnext = -1;
    size_t cap = capacity_hint ? capacity_hint : 1024;
    if (cap > UINT32_MAX / 2)
        cap = UINT32_MAX / 2;
    s->heap = malloc(cap * sizeof *s->heap);
    s->pool = malloc(cap * sizeof *s->pool);
    if (!s->heap || !s->pool) {
        free(s->heap);
        free(s->pool);
        free(s);
        return NULL;
    }
    s->heap_cap = cap;
    s->pool_cap = (uint32_t)cap;
    s->free_head = NO_SLOT;
    pool_add(s, 0, s->pool_cap);
    return s;
}

void ws_sim_free(ws_sim *s)
{
    if (!s)
        return;
    free(s->heap);
    free(s->pool);
    free(s);
}

_Static_assert(offsetof(struct ws_sim, now) == 0, "ws_sim_now (sim.h) reads the clock at the start");

/* The order of events, heap entries and timers alike: by time, then by
 * sequence number. */
static inline bool earlier(ws_time ta, uint64_t sa, ws_time tb, uint64_t sb)
{
    return ta < tb || (ta == tb && sa < sb);
}

static inline bool before(const entry *a, const entry *b)
{
    return earlier(a->time, a->seq, b->time, b->seq);
}

static void sift_up(entry *h, size_t i, entry e)
{
    while (i > 0) {
        size_t parent = (i - 1) / 4;
        if (!before(&e, &h[parent]))
            break;
        h[i] = h[parent];
        i = parent;
    }
    h[i] = e;
}

/* Places e at the hole at 0 of a heap of n entries. */
static void sift_down(entry *h, size_t n, entry e)
{
    size_t i = 0;
    for (;;) {
        size_t c = 4 * i + 1;
        if (c >= n)
            break;
        size_t best = c, end = c + 4 < n ? c + 4 : n;
        for (size_t k = c + 1; k < end; k++)
            if (before(&h[k], &h[best]))
                best = k;
        if (!before(&h[best], &e))
            break;
        h[i] = h[best];
        i = best;
    }
    h[i] = e;
}

ws_event_id ws_sim_at(ws_sim *s, ws_time when, ws_event_fn fn, void *ctx, uint64_t arg)
{
    assert(fn != NULL);
    assert(when >= s->now);
    if (s->free_head == NO_SLOT) {
        uint32_t old = s->pool_cap;
        assert(old < UINT32_MAX / 2);
        s->pool = grow(s->pool, (size_t)old * 2, sizeof *s->pool);
        s->pool_cap = old * 2;
        pool_add(s, old, s->pool_cap);
    }
    uint32_t slot = s->free_head;
    payload *p = &s->pool[slot];
    s->free_head = p->next_free;
    p->fn = fn;
    p->ctx = ctx;
    p->arg = arg;

    if (s->heap_n == s->heap_cap) {
        s->heap_cap *= 2;
        s->heap = grow(s->heap, s->heap_cap, sizeof *s->heap);
    }
    sift_up(s->heap, s->heap_n++, (entry){when, s->seq++, slot});
    s->live++;
    return (ws_event_id){slot + 1, p->gen};
}

ws_event_id ws_sim_after(ws_sim *s, ws_time delay, ws_event_fn fn, void *ctx, uint64_t arg)
{
    assert(delay >= 0);
    return ws_sim_at(s, s->now + delay, fn, ctx, arg);
}

static void release(ws_sim *s, uint32_t slot)
{
    payload *p = &s->pool[slot];
    p->fn = NULL;
    p->gen++;
    if (p->gen == 0)
        p->gen = 1;
    p->next_free = s->free_head;
    s->free_head = slot;
}

bool ws_sim_cancel(ws_sim *s, ws_event_id id)
{
    if (id.slot == 0 || id.slot > s->pool_cap)
        return false;
    payload *p = &s->pool[id.slot - 1];
    if (p->gen != id.gen || p->fn == NULL)
        return false;
    /* Dead but still in the heap: the slot is released when popped, so its
     * generation is bumped only then; fn = NULL marks it dead meanwhile. */
    p->fn = NULL;
    s->live--;
    return true;
}

/* ---- timers ---------------------------------------------------------- */

int ws_sim_timer_new(ws_sim *s, ws_event_fn fn, void *ctx)
{
    assert(fn != NULL);
    assert(s->n_timers < WS_SIM_TIMERS);
    timer *t = &s->timers[s->n_timers];
    *t = (timer){.fn = fn, .ctx = ctx};
    return s->n_timers++;
}

static void timers_next(ws_sim *s)
{
    if (s->n_timers == 1) { /* the usual case: one (processor sharing's) */
        s->tnext = s->timers[0].armed ? 0 : -1;
        return;
    }
    int best = -1;
    for (int i = 0; i < s->n_timers; i++) {
        const timer *t = &s->timers[i];
        if (t->armed && (best < 0 || earlier(t->time, t->seq, s->timers[best].time, s->timers[best].seq)))
            best = i;
    }
    s->tnext = best;
}

void ws_sim_timer_set(ws_sim *s, int i, ws_time when, uint64_t arg)
{
    assert(i >= 0 && i < s->n_timers);
    assert(when >= s->now);
    timer *t = &s->timers[i];
    if (!t->armed)
        s->live++;
    t->armed = true;
    t->time = when;
    t->seq = s->seq++;
    t->arg = arg;
    timers_next(s);
}

void ws_sim_timer_clear(ws_sim *s, int i)
{
    assert(i >= 0 && i < s->n_timers);
    timer *t = &s->timers[i];
    if (!t->armed)
        return;
    t->armed = false;
    s->live--;
    timers_next(s);
}

/* Runs the earliest timer if it comes before the heap's top and by
 * `until`; returns whether it did. */
static bool run_timer(ws_sim *s, ws_time until)
{
    timer *t = &s->timers[s->tnext];
    if (t->time > until)
        return false;
    if (s->heap_n > 0) {
        const entry *top = &s->heap[0];
        if (earlier(top->time, top->seq, t->time, t->seq))
            return false;
    }
    t->armed = false;
    s->live--;
    s->now = t->time;
    s->running = t->seq;
    timers_next(s);
    t->fn(s, t->ctx, t->arg);
    return true;
}

uint64_t ws_sim_run(ws_sim *s, ws_time until)
{
    uint64_t ran = 0;
    s->stop = false;
    while (!s->stop) {
        if (s->tnext >= 0 && run_timer(s, until)) {
            ran++;
            continue;
        }
        if (s->heap_n == 0)
            break;
        entry top = s->heap[0];
        if (top.time > until)
            break;
        entry last = s->heap[--s->heap_n];
        if (s->heap_n > 0) {
            sift_down(s->heap, s->heap_n, last);
            /* The next event's payload is far away in a large pool: start
             * loading it while this handler runs. */
            __builtin_prefetch(&s->pool[s->heap[0].slot]);
        }
        payload *p = &s->pool[top.slot];
        ws_event_fn fn = p->fn;
        void *ctx = p->ctx;
        uint64_t arg = p->arg;
        release(s, top.slot);
        if (!fn)
            continue; /* cancelled */
        s->live--;
        s->now = top.time;
        s->running = top.seq;
        fn(s, ctx, arg);
        ran++;
    }
    s->running = UINT64_MAX;
    s->events_run += ran;
    if (!s->stop && until != WS_TIME_MAX && until > s->now)
        s->now = until;
    return ran;
}

void ws_sim_stop(ws_sim *s) { s->stop = true; }
uint64_t ws_sim_seq_running(const ws_sim *s) { return s->running; }
uint64_t ws_sim_seq_next(const ws_sim *s) { return s->seq; }
size_t ws_sim_pending(const ws_sim *s) { return s->live; }
uint64_t ws_sim_events_run(const ws_sim *s) { return s->events_run; }
size_t ws_sim_pool_capacity(const ws_sim *s) { return s->pool_cap; }
