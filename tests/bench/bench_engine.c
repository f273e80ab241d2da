/*
 * bench_engine.c - the classic "hold" benchmark of an event queue.
 *
 * Keep N events pending; repeatedly take the earliest and schedule one at
 * its time plus an exponential increment (mean 1 ms).  Run it through the
 * engine (ws_sim_at + ws_sim_run dispatching a handler), and, in the same
 * process, on a bare array-based binary heap of (time, sequence, pointer)
 * structs as the reference.  Both draw the same precomputed increments, so
 * the comparison is queue against queue.
 *
 * Prints events per second for both, their ratio, and peak RSS.
 * Usage: bench_engine [--quick]
 */
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "walsim/sim.h"

#define NINC (1u << 20)
static ws_time incs[NINC];

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long peak_rss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* ---- the engine ---- */
typedef struct hold_state {
    uint32_t k;
} hold_state;

static void hold(ws_sim *s, void *ctx, uint64_t arg)
{
    hold_state *h = ctx;
    ws_sim_after(s, incs[h->k++ & (NINC - 1)], hold, ctx, arg);
}

static double bench_engine(size_t n, uint64_t events)
{
    ws_sim *s = ws_sim_new(n);
    hold_state h = {0};
    for (size_t i = 0; i < n; i++)
        ws_sim_at(s, incs[h.k++ & (NINC - 1)], hold, &h, i);
    ws_sim_run(s, ws_sim_now(s) + 1); /* warm */
    double t0 = now_s();
    uint64_t start = ws_sim_events_run(s);
    while (ws_sim_events_run(s) - start < events)
        ws_sim_run(s, ws_sim_now(s) + 50 * WS_MSEC);
    double dt = now_s() - t0;
    double rate = (double)(ws_sim_events_run(s) - start) / dt;
    ws_sim_free(s);
    return rate;
}

/* ---- the bare binary heap ---- */
typedef struct bare {
    int64_t time;
    uint64_t seq;
    void *ptr;
} bare;

static inline int bare_less(const bare *a, const bare *b)
{
    return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

static void bare_push(bare *h, size_t *n, bare e)
{
    size_t i = (*n)++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!bare_less(&e, &h[p]))
            break;
        h[i] = h[p];
        i = p;
    }
    h[i] = e;
}

static bare bare_pop(bare *h, size_t *n)
{
    bare top = h[0], e = h[--(*n)];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= *n)
            break;
        if (c + 1 < *n && bare_less(&h[c + 1], &h[c]))
            c++;
        if (!bare_less(&h[c], &e))
            break;
        h[i] = h[c];
        i = c;
    }
    h[i] = e;
    return top;
}

static double bench_bare(size_t n, uint64_t events)
{
    bare *h = malloc((n + 1) * sizeof *h);
    size_t hn = 0;
    uint64_t seq = 0;
    uint32_t k = 0;
    static int token;
    for (size_t i = 0; i < n; i++)
        bare_push(h, &hn, (bare){incs[k++ & (NINC - 1)], seq++, &token});
    double t0 = now_s();
    volatile uintptr_t sink = 0;
    for (uint64_t e = 0; e < events; e++) {
        bare top = bare_pop(h, &hn);
        sink += (uintptr_t)top.ptr;
        bare_push(h, &hn, (bare){top.time + incs[k++ & (NINC - 1)], seq++, top.ptr});
    }
    double dt = now_s() - t0;
    free(h);
    (void)sink;
    return (double)events / dt;
}

int main(int argc, char **argv)
{
    int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 1);
    for (size_t i = 0; i < NINC; i++)
        incs[i] = (ws_time)(gsl_ran_exponential(r, 1e6) + 0.5); /* mean 1 ms in ns */
    gsl_rng_free(r);

    printf("hold model: pop the earliest event, push one at +Exp(1 ms)\n");
    printf("%10s %16s %16s %8s %12s\n", "queue", "engine ev/s", "bare heap ev/s", "ratio",
           "peak RSS MB");
    const size_t sizes[] = {1000, 10000, 100000, 1000000};
    int all_ok = 1;
    for (int i = 0; i < 4; i++) {
        uint64_t events = quick ? 500000 : 10000000;
        /* best of 3 for each, interleaved, to damp noise from the other core */
        double e = 0, b = 0;
        for (int rep = 0; rep < (quick ? 1 : 3); rep++) {
            double be = bench_bare(sizes[i], events), en = bench_engine(sizes[i], events);
            if (en > e)
                e = en;
            if (be > b)
                b = be;
        }
        printf("%10zu %16.0f %16.0f %8.2f %12.1f\n", sizes[i], e, b, e / b,
               (double)peak_rss_kb() / 1024);
        all_ok &= e >= 0.8 * b;
    }
    printf("goal: engine >= 0.8x bare heap at every size: %s\n", all_ok ? "met" : "NOT met");
    return 0;
}
