/*
 * workload.c - arrivals (open or closed loop) and FCFS CPU service.
 *
 * CPU service is computed, not simulated event by event: with first come,
 * first served over c identical cores, a transaction arriving at t starts
 * at max(t, earliest core free time) and holds that core for its CPU time.
 * Arrivals are handled in time order, so this is exact FCFS M/G/c and
 * costs one completion event per transaction.
 */
#include "walsim/workload.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "walsim/rng.h"

typedef struct tx_type {
    double weight_cum; /* cumulative weight, normalised to 1 at the last type */
    ws_time cpu;
} tx_type;

struct ws_workload {
    ws_sim *sim;
    ws_tx_done_fn done;
    void *ctx;
    ws_tx_exec_fn exec;
    void *exec_ctx;
    ws_rng arrivals, mix, think;
    double rate;       /* per second; 0 = closed loop */
    int clients;
    double think_mean; /* seconds */
    tx_type *types;
    int n_types;
    ws_time *core_free; /* per core: when it is next free */
    int cores;
    uint64_t started, completed;
};

static void on_arrival(ws_sim *sim, void *ctx, uint64_t arg);
static void on_complete(ws_sim *sim, void *ctx, uint64_t arg);

int ws_workload_new(ws_sim *sim, const ws_config *cfg, uint64_t seed, ws_tx_done_fn done,
                    void *ctx, ws_workload **out, ws_diag *err)
{
    ws_workload *w = calloc(1, sizeof *w);
    if (!w) {
        ws_diag_set(err, NULL, 0, "out of memory");
        return WS_ENOMEM;
    }
    w->sim = sim;
    w->done = done;
    w->ctx = ctx;
    w->rate = ws_cfg_num(cfg, WS_S_rate);
    w->clients = (int)ws_cfg_int(cfg, WS_S_clients);
    w->think_mean = ws_cfg_num(cfg, WS_S_think_time) / 1e9;
    w->cores = (int)ws_cfg_int(cfg, WS_S_os_cpus);

    size_t n = ws_cfg_instance_count(cfg, WS_SEC_TRANSACTION);
    w->n_types = n ? (int)n : 1;
    w->types = calloc((size_t)w->n_types, sizeof *w->types);
    w->core_free = calloc((size_t)w->cores, sizeof *w->core_free);
    if (!w->types || !w->core_free || ws_rng_init(&w->arrivals, seed, "workload.arrivals") ||
        ws_rng_init(&w->mix, seed, "workload.mix") || ws_rng_init(&w->think, seed, "workload.think")) {
        ws_workload_free(w);
        ws_diag_set(err, NULL, 0, "out of memory");
        return WS_ENOMEM;
    }
    if (n == 0) {
        /* One built-in type.  For profile = pgbench, the CPU time of one
         * TPC-B-like transaction measured in shared/validation/pg15-pgbench
         * (about 1,000 tps per core); otherwise the [transaction] default. */
        w->types[0].weight_cum = 1;
        w->types[0].cpu = strcmp(ws_cfg_str(cfg, WS_S_profile), "pgbench") == 0 ? WS_MSEC
                                                                               : 100 * WS_USEC;
    } else {
        double total = 0;
        for (size_t i = 0; i < n; i++)
            total += ws_cfg_instance_value(cfg, WS_SEC_TRANSACTION, i, WS_S_tx_weight)->num;
        if (!(total > 0)) {
            ws_workload_free(w);
            ws_diag_set(err, NULL, 0, "[transaction]: the weights of all transaction types are 0");
            return WS_EINPUT;
        }
        double cum = 0;
        for (size_t i = 0; i < n; i++) {
            cum += ws_cfg_instance_value(cfg, WS_SEC_TRANSACTION, i, WS_S_tx_weight)->num;
            w->types[i].weight_cum = cum / total;
            w->types[i].cpu =
                (ws_time)llround(ws_cfg_instance_value(cfg, WS_SEC_TRANSACTION, i, WS_S_tx_cpu)->num);
        }
        w->types[n - 1].weight_cum = 1;
    }
    if (w->rate <= 0 && w->clients <= 0) {
        ws_workload_free(w);
        ws_diag_set(err, NULL, 0,
                    "[workload]: no load: set clients (closed loop) or rate (open loop)");
        return WS_EINPUT;
    }
    *out = w;
    return WS_OK;
}

void ws_workload_free(ws_workload *w)
{
    if (!w)
        return;
    ws_rng_destroy(&w->arrivals);
    ws_rng_destroy(&w->mix);
    ws_rng_destroy(&w->think);
    free(w->types);
    free(w->core_free);
    free(w);
}

static int pick_type(ws_workload *w)
{
    if (w->n_types == 1)
        return 0;
    double u = ws_rng_uniform(&w->mix);
    for (int i = 0; i < w->n_types; i++)
        if (u < w->types[i].weight_cum)
            return i;
    return w->n_types - 1;
}

/* FCFS on the earliest free core; returns the completion time. */
static ws_time serve(ws_workload *w, ws_time now, ws_time cpu)
{
    int best = 0;
    for (int i = 1; i < w->cores; i++)
        if (w->core_free[i] < w->core_free[best])
            best = i;
    ws_time start = w->core_free[best] > now ? w->core_free[best] : now;
    w->core_free[best] = start + cpu;
    return start + cpu;
}

/* The completion event carries the transaction in its 64-bit argument:
 * type in the high 8 bits, arrival time in the low 56 (2.2 years of
 * nanoseconds), so no per-transaction allocation is needed. */
#define TYPE_SHIFT 56
#define TIME_MASK ((UINT64_C(1) << TYPE_SHIFT) - 1)

static void begin(ws_workload *w, ws_time now)
{
    int type = pick_type(w);
    ws_time end = serve(w, now, w->types[type].cpu);
    w->started++;
    assert(now >= 0 && (uint64_t)now <= TIME_MASK && type < 256);
    ws_sim_at(w->sim, end, on_complete, w, ((uint64_t)type << TYPE_SHIFT) | (uint64_t)now);
}

static void on_arrival(ws_sim *sim, void *ctx, uint64_t arg)
{
    ws_workload *w = ctx;
    (void)arg;
    ws_time now = ws_sim_now(sim);
    begin(w, now);
    if (w->rate > 0) {
        ws_time gap = (ws_time)llround(ws_rng_exp(&w->arrivals, 1.0 / w->rate) * 1e9);
        ws_sim_after(sim, gap, on_arrival, w, 0);
    }
}

void ws_workload_complete(ws_workload *w, int type, ws_time arrival)
{
    ws_sim *sim = w->sim;
    ws_time now = ws_sim_now(sim);
    w->completed++;
    if (w->done)
        w->done(w->ctx, type, arrival, now);
    if (w->rate <= 0) {
        ws_time pause = 0;
        if (w->think_mean > 0)
            pause = (ws_time)llround(ws_rng_exp(&w->think, w->think_mean) * 1e9);
        if (pause == 0)
            begin(w, now);
        else
            ws_sim_after(sim, pause, on_arrival, w, 0);
    }
}

/* CPU time over: the database model takes the transaction, or it ends. */
static void on_complete(ws_sim *sim, void *ctx, uint64_t arg)
{
    (void)sim;
    ws_workload *w = ctx;
    int type = (int)(arg >> TYPE_SHIFT);
    ws_time arrival = (ws_time)(arg & TIME_MASK);
    if (w->exec)
        w->exec(w->exec_ctx, type, arrival);
    else
        ws_workload_complete(w, type, arrival);
}

int ws_workload_set_types(ws_workload *w, int n, const double *weights, const ws_time *cpu)
{
    tx_type *t = calloc((size_t)(n > 0 ? n : 1), sizeof *t);
    if (!t)
        return WS_ENOMEM;
    double total = 0, cum = 0;
    for (int i = 0; i < n; i++)
        total += weights[i];
    for (int i = 0; i < n; i++) {
        cum += weights[i];
        t[i].weight_cum = total > 0 ? cum / total : (double)(i + 1) / n;
        t[i].cpu = cpu[i];
    }
    if (n > 0)
        t[n - 1].weight_cum = 1;
    free(w->types);
    w->types = t;
    w->n_types = n > 0 ? n : 1;
    return WS_OK;
}

void ws_workload_set_exec(ws_workload *w, ws_tx_exec_fn exec, void *ctx)
{
    w->exec = exec;
    w->exec_ctx = ctx;
}

void ws_workload_start(ws_workload *w)
{
    if (w->rate > 0) {
        ws_time gap = (ws_time)llround(ws_rng_exp(&w->arrivals, 1.0 / w->rate) * 1e9);
        ws_sim_after(w->sim, gap, on_arrival, w, 0);
    } else {
        for (int c = 0; c < w->clients; c++)
            ws_sim_after(w->sim, 0, on_arrival, w, 0);
    }
}

uint64_t ws_workload_started(const ws_workload *w) { return w->started; }
uint64_t ws_workload_completed(const ws_workload *w) { return w->completed; }
