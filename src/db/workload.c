/*
 * workload.c - arrivals (open or closed loop) and CPU service.
 *
 * Two disciplines ([os] cpu_scheduler):
 *   ps    processor sharing (the default; Linux's CFS time-slices the
 *         runnable backends): with n transactions on c cores each is served
 *         at rate min(1, c / n).  Kept as a virtual clock (the GPS virtual
 *         time of fair queueing): a job's finish tag is the virtual time at
 *         its start plus its CPU time, the tags sit in a min-heap, and one
 *         event is pending, for the next job to finish, moved when n changes.
 *   fcfs  first come, first served, computed rather than simulated: a
 *         transaction arriving at t starts at max(t, earliest core free) and
 *         holds that core (exact FCFS M/G/c, one event per transaction).
 * CPU times are the type's `cpu`, or gamma-distributed around it with
 * [workload] cpu_cv, keyed by transaction number (the same in every variant).
 */
#include "walsim/workload.h"

#include "walsim/phases.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "walsim/rng.h"
#include "walsim/units.h"

/* One point of the load schedule: from time t the factor is f, reached
 * linearly from the previous point when ramp is set. */
typedef struct phase_point {
    ws_time t;
    double f;
    bool ramp;
} phase_point;

typedef struct tx_type {
    double weight_cum; /* cumulative weight, normalised to 1 at the last type */
    ws_time cpu;
} tx_type;

/* A slot of the in-flight slab: the transaction, or the next free slot. */
typedef struct tx_slot {
    ws_tx tx;
    uint32_t next_free;
} tx_slot;

#define NO_SLOT UINT32_MAX

/* Processor sharing: a job with its finish tag in virtual time. */
typedef struct ps_job {
    double tag;
    uint32_t handle;
} ps_job;

struct ws_workload {
    ws_sim *sim;
    ws_tx_done_fn done;
    void *ctx;
    ws_tx_start_fn start;
    ws_tx_exec_fn exec;
    void *exec_ctx;
    tx_slot *slab;     /* transactions in flight, indexed by handle */
    uint32_t slab_cap, free_head;
    ws_rng arrivals, mix, think;
    ws_rng cpu_rng;    /* keyed by transaction number: its CPU time */
    double cpu_cv;
    double rate;       /* per second; 0 = closed loop */
    int clients;
    double think_mean; /* seconds */
    tx_type *types;
    int n_types;
    ws_time *core_free; /* per core: when it is next free */
    int cores;
    double usable;      /* [os] cpu_usable: share of the cores' time a full run queue gets */
    double capacity;    /* cores x usable: the cores' work per second when saturated */
    uint64_t started, completed;
    ws_time cpu_busy;   /* CPU time served on all cores */
    /* processor sharing (cpu_scheduler = ps): with n jobs on c cores each
     * is served at rate min(1, c / n); virtual time counts the service one
     * job has received, so a job finishes when it reaches the job's tag =
     * virtual time at its start + its CPU time (the GPS virtual clock) */
    bool ps;
    double vtime;
    ws_time vt_at;
    ps_job *ps_heap;
    uint32_t n_ps, cap_ps;
    int ps_timer;          /* the next completion (a timer of the engine: moved often) */
    ws_time ps_event_at;   /* when ps_timer fires (-1: none pending) */
    /* phases: load factor over time */
    phase_point *pts;
    int n_pts;
    double fmax;        /* largest factor: the open loop's thinning rate */
    int active, retire; /* closed loop: clients in the loop, clients to retire */
    bool stopped;
    /* transaction sampling ([scenario] tx_sampling): each transaction
     * simulated stands for `batch`; the batch - 1 others are fluid: their
     * CPU is `fluid_jobs` more jobs sharing the cores (their offered load
     * in cores: the mix's CPU time plus cpu_mean, their I/O CPU per
     * transaction, a running mean over cpu_n of them) */
    uint32_t batch;
    double cpu_mix;     /* the mix's mean CPU time, ns (ws_workload_set_batch) */
    double fluid_jobs, cpu_mean;
    uint64_t cpu_n;
};

static void on_arrival(ws_sim *sim, void *ctx, uint64_t arg);
static void on_complete(ws_sim *sim, void *ctx, uint64_t arg);
static void on_phase(ws_sim *sim, void *ctx, uint64_t arg);
static void on_ps_done(ws_sim *sim, void *ctx, uint64_t arg);

/* Parses "0=0.2, 5min~1, 10min=3" with the scenario layer's parser
 * (phases.h), which already checked it when the variant was resolved. */
static int parse_phases(ws_workload *w, const ws_value *v, ws_diag *err)
{
    ws_phase_point *pp;
    size_t n;
    char msg[600];
    w->fmax = 1;
    int rc = ws_phases_parse(v->str, &pp, &n, msg, sizeof msg);
    if (rc != WS_OK) {
        ws_diag_set(err, v->file, v->line, "%s", msg);
        return rc;
    }
    if (n) {
        w->pts = malloc(n * sizeof *w->pts);
        if (!w->pts) {
            free(pp);
            return WS_ENOMEM;
        }
    }
    for (size_t i = 0; i < n; i++) {
        w->pts[i] = (phase_point){(ws_time)pp[i].t_ns, pp[i].factor, pp[i].ramp};
        if (pp[i].factor > w->fmax)
            w->fmax = pp[i].factor;
    }
    w->n_pts = (int)n;
    free(pp);
    return WS_OK;
}

/* The load factor at time t: 1 before the first point. */
static double factor(const ws_workload *w, ws_time t)
{
    double f0 = 1;
    ws_time t0 = 0;
    for (int i = 0; i < w->n_pts; i++) {
        const phase_point *p = &w->pts[i];
        if (t < p->t) {
            if (p->ramp && p->t > t0)
                return f0 + (p->f - f0) * (double)(t - t0) / (double)(p->t - t0);
            return f0;
        }
        f0 = p->f;
        t0 = p->t;
    }
    return f0;
}

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
    w->free_head = NO_SLOT;
    w->rate = ws_cfg_num(cfg, WS_S_rate);
    w->clients = (int)ws_cfg_int(cfg, WS_S_clients);
    w->think_mean = ws_cfg_num(cfg, WS_S_think_time) / 1e9;
    w->cores = (int)ws_cfg_int(cfg, WS_S_os_cpus);
    w->usable = ws_cfg_num(cfg, WS_S_os_cpu_usable);
    w->capacity = w->cores * w->usable;
    int prc = parse_phases(w, ws_cfg_value(cfg, WS_S_phases), err);
    if (prc != WS_OK) {
        ws_workload_free(w);
        return prc;
    }

    size_t n = ws_cfg_instance_count(cfg, WS_SEC_TRANSACTION);
    w->n_types = n ? (int)n : 1;
    w->types = calloc((size_t)w->n_types, sizeof *w->types);
    w->core_free = calloc((size_t)w->cores, sizeof *w->core_free);
    w->cpu_cv = ws_cfg_num(cfg, WS_S_cpu_cv);
    w->ps = strcmp(ws_cfg_str(cfg, WS_S_os_cpu_scheduler), "ps") == 0;
    w->ps_event_at = -1;
    if (w->ps)
        w->ps_timer = ws_sim_timer_new(sim, on_ps_done, w);
    w->batch = 1;
    if (!w->types || !w->core_free || ws_rng_init(&w->arrivals, seed, "workload.arrivals") ||
        ws_rng_init_keyed(&w->cpu_rng, seed, "workload.cpu") ||
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
            /* at the last weight written (the file has at least one) */
            const ws_value *at = NULL;
            for (size_t i = 0; i < n; i++) {
                const ws_value *v = ws_cfg_instance_value(cfg, WS_SEC_TRANSACTION, i, WS_S_tx_weight);
                if (v->file)
                    at = v;
            }
            ws_workload_free(w);
            ws_diag_set(err, at ? at->file : NULL, at ? at->line : 0,
                        "%s[transaction]: the weights of all transaction types are 0; expected "
                        "at least one weight above 0", at ? "weight: " : "");
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
        const ws_value *cl = ws_cfg_value(cfg, WS_S_clients), *ra = ws_cfg_value(cfg, WS_S_rate);
        const ws_value *at = cl->file ? cl : ra;
        ws_workload_free(w);
        ws_diag_set(err, at->file, at->line,
                    "%s: no load: expected clients above 0 (closed loop) or rate above 0 "
                    "(open loop)",
                    at == cl ? "clients" : "rate");
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
    ws_rng_destroy(&w->cpu_rng);
    free(w->types);
    free(w->core_free);
    free(w->pts);
    free(w->slab);
    free(w->ps_heap);
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

/* FCFS on the earliest free core; returns the completion time.
 * core_free is a binary min-heap of the cores' free times: the root is
 * the core to take; it is replaced by its new free time and sifted down. */
static ws_time serve(ws_workload *w, ws_time now, ws_time cpu)
{
    ws_time *h = w->core_free;
    ws_time start = h[0] > now ? h[0] : now;
    w->cpu_busy += cpu;
    /* cpu_usable < 1: a core serves its queue at that share of its speed
     * (FCFS queues are full whenever a job waits: an approximation) */
    if (w->usable < 1)
        cpu = (ws_time)llround((double)cpu / w->usable);
    ws_time v = start + cpu;
    int i = 0, n = w->cores;
    for (;;) {
        int c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && h[c + 1] < h[c])
            c++;
        if (h[c] >= v)
            break;
        h[i] = h[c];
        i = c;
    }
    h[i] = v;
    return start + cpu;
}

static uint32_t slot_get(ws_workload *w)
{
    if (w->free_head == NO_SLOT) {
        uint32_t old = w->slab_cap, cap = old ? old * 2 : 256;
        tx_slot *n = realloc(w->slab, (size_t)cap * sizeof *n);
        if (!n)
            abort();
        w->slab = n;
        for (uint32_t i = cap; i-- > old;) {
            w->slab[i].next_free = w->free_head;
            w->free_head = i;
        }
        w->slab_cap = cap;
    }
    uint32_t i = w->free_head;
    w->free_head = w->slab[i].next_free;
    return i;
}

/* The CPU time of transaction `seq`: its type's, or with cpu_cv > 0 a
 * gamma variate of that mean and coefficient of variation (shape
 * 1 / cv^2), from the stream keyed by seq, so the same in every variant. */
static ws_time cpu_of(ws_workload *w, int type, uint64_t seq)
{
    ws_time mean = w->types[type].cpu;
    if (w->cpu_cv <= 0 || mean <= 0)
        return mean;
    ws_rng_rekey(&w->cpu_rng, seq);
    double k = 1 / (w->cpu_cv * w->cpu_cv);
    return (ws_time)llround(gsl_ran_gamma(w->cpu_rng.g, k, (double)mean / k));
}

/* ---- processor sharing ------------------------------------------------ */

static double ps_rate(const ws_workload *w)
{
    /* n jobs get min(1, capacity / n) each: a lone job runs at a core's
     * full speed, a full run queue gets `usable` of every core */
    double n = (double)w->n_ps + w->fluid_jobs;
    return n <= w->capacity ? 1.0 : w->capacity / n;
}

static void ps_advance(ws_workload *w, ws_time now)
{
    if (now > w->vt_at)
        w->vtime += (double)(now - w->vt_at) * ps_rate(w);
    w->vt_at = now;
}

static void ps_sift_down(ws_workload *w, uint32_t i)
{
    ps_job *h = w->ps_heap;
    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= w->n_ps)
            return;
        if (c + 1 < w->n_ps && h[c + 1].tag < h[c].tag)
            c++;
        if (h[i].tag <= h[c].tag)
            return;
        ps_job t = h[i];
        h[i] = h[c];
        h[c] = t;
        i = c;
    }
}

/* (Re)schedules the event of the next job to finish. */
static void ps_schedule(ws_workload *w, ws_time now)
{
    if (w->n_ps == 0) {
        ws_sim_timer_clear(w->sim, w->ps_timer);
        w->ps_event_at = -1;
        return;
    }
    double left = (w->ps_heap[0].tag - w->vtime) / ps_rate(w);
    ws_time at = now + (left > 0 ? (ws_time)ceil(left) : 0);
    if (at == w->ps_event_at)
        return; /* the pending event is already the right one */
    ws_sim_timer_set(w->sim, w->ps_timer, at, 0);
    w->ps_event_at = at;
}

static void ps_add(ws_workload *w, ws_time now, ws_time cpu, uint32_t handle)
{
    ps_advance(w, now);
    if (w->n_ps == w->cap_ps) {
        w->cap_ps = w->cap_ps ? 2 * w->cap_ps : 64;
        w->ps_heap = realloc(w->ps_heap, w->cap_ps * sizeof *w->ps_heap);
        if (!w->ps_heap)
            abort();
    }
    uint32_t i = w->n_ps++;
    ps_job j = {w->vtime + (double)cpu, handle};
    while (i > 0 && w->ps_heap[(i - 1) / 2].tag > j.tag) {
        w->ps_heap[i] = w->ps_heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    w->ps_heap[i] = j;
    w->cpu_busy += cpu;
    ps_schedule(w, now);
}

static void on_ps_done(ws_sim *sim, void *ctx, uint64_t arg)
{
    (void)arg;
    ws_workload *w = ctx;
    ws_time now = ws_sim_now(sim);
    ps_advance(w, now);
    w->ps_event_at = -1; /* this one has fired */
    /* the jobs whose service is complete (within the rounding of the
     * event time to whole nanoseconds) */
    uint32_t done[64];
    uint32_t n = 0;
    while (w->n_ps > 0 && n < 64 && w->ps_heap[0].tag <= w->vtime + 1.0) {
        done[n++] = w->ps_heap[0].handle;
        w->ps_heap[0] = w->ps_heap[--w->n_ps];
        ps_sift_down(w, 0);
    }
    ps_schedule(w, now);
    for (uint32_t i = 0; i < n; i++)
        if (done[i] != NO_SLOT) /* a background process's work: nothing waits for it */
            on_complete(sim, w, done[i]);
}

/* Transaction sampling: the batch - 1 fluid transactions behind this one
 * are on the cores as their offered load (arrival rate x mean CPU time,
 * in cores), a mean-field approximation of their number (docs/model.md);
 * their CPU time is counted as served. */
static void fluid_update(ws_workload *w, ws_time now, ws_time cpu)
{
    double rate = w->rate > 0 ? w->rate * factor(w, now) : 0;
    double others = (double)(w->batch - 1) / w->batch;
    if (w->ps)
        ps_advance(w, now);
    w->fluid_jobs = rate * others * (w->cpu_mix + w->cpu_mean) / 1e9;
    w->cpu_busy += (ws_time)llround((double)(w->batch - 1) * (double)cpu);
}

void ws_workload_cpu_fluid(ws_workload *w, uint64_t n, ws_time cpu)
{
    /* the fluid transactions' own I/O CPU (reads, writes, images, WAL):
     * a running mean per transaction, taken into their load */
    if (n == 0)
        return;
    w->cpu_busy += cpu;
    w->cpu_n += n;
    double k = (double)(w->cpu_n < 1000000 ? w->cpu_n : 1000000);
    w->cpu_mean += ((double)cpu - (double)n * w->cpu_mean) / k;
}

/* A transaction gets its core (FCFS) or its share of them (PS): it is
 * numbered, and the end of its CPU time is scheduled with its slab handle
 * as the event argument. */
static void begin(ws_workload *w, ws_time now)
{
    int type = pick_type(w);
    ws_time cpu = cpu_of(w, type, w->started);
    uint32_t h = slot_get(w);
    w->slab[h].tx = (ws_tx){.arrival = now, .seq = w->started, .lsn = 0, .type = type,
                            .weight = w->batch};
    w->started += w->batch;
    if (w->batch > 1)
        fluid_update(w, now, cpu);
    if (w->start)
        w->start(w->exec_ctx, &w->slab[h].tx);
    if (w->ps)
        ps_add(w, now, cpu, h);
    else
        ws_sim_at(w->sim, serve(w, now, cpu), on_complete, w, h);
}

/* Open loop: the next candidate arrival of a Poisson process at
 * rate x fmax; on_arrival keeps it with probability factor / fmax
 * (thinning), which gives a Poisson process at rate x factor(t). */
static void next_arrival(ws_workload *w)
{
    double mean = 1 / (w->rate * w->fmax);
    /* transaction sampling: every batch-th arrival of that process (an
     * Erlang gap), so the count in a window varies as the whole stream's
     * does, not batch times more */
    double gap = w->batch > 1 ? gsl_ran_gamma(w->arrivals.g, (double)w->batch, mean)
                              : ws_rng_exp(&w->arrivals, mean);
    ws_sim_after(w->sim, (ws_time)llround(gap * 1e9), on_arrival, w, 1);
}

static void on_arrival(ws_sim *sim, void *ctx, uint64_t open_loop)
{
    ws_workload *w = ctx;
    ws_time now = ws_sim_now(sim);
    if (w->stopped)
        return;
    if (!open_loop) {
        begin(w, now);
        return;
    }
    if (w->n_pts == 0 || ws_rng_uniform(&w->arrivals) * w->fmax < factor(w, now))
        begin(w, now);
    next_arrival(w);
}

void ws_workload_complete(ws_workload *w, uint32_t handle)
{
    assert(handle < w->slab_cap);
    ws_sim *sim = w->sim;
    ws_time now = ws_sim_now(sim);
    ws_tx tx = w->slab[handle].tx;
    w->slab[handle].next_free = w->free_head;
    w->free_head = handle;
    w->completed += tx.weight;
    if (w->done)
        w->done(w->ctx, tx.type, tx.arrival, now);
    if (w->rate <= 0 && !w->stopped) {
        if (w->retire > 0) { /* the load went down: this client leaves */
            w->retire--;
            w->active--;
            return;
        }
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
    uint32_t h = (uint32_t)arg;
    if (w->exec)
        w->exec(w->exec_ctx, &w->slab[h].tx, h);
    else
        ws_workload_complete(w, h);
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

int ws_workload_set_batch(ws_workload *w, uint32_t batch)
{
    assert(batch >= 1);
    if (batch > 1 && (w->rate <= 0 || !w->ps))
        return WS_EINPUT; /* closed loop: every client's transactions are its own;
                           * fcfs: the fluid load is a processor-sharing share */
    w->batch = batch;
    w->cpu_mix = 0;
    for (int i = 0; i < w->n_types; i++)
        w->cpu_mix += (w->types[i].weight_cum - (i ? w->types[i - 1].weight_cum : 0)) *
                      (double)w->types[i].cpu;
    return WS_OK;
}

uint32_t ws_workload_batch(const ws_workload *w) { return w->batch; }

uint32_t ws_workload_auto_batch(const ws_workload *w, double min_rate)
{
    if (w->rate <= 0 || !w->ps)
        return 1;
    double f = 1; /* the lowest load factor but idle phases (1 before the first point) */
    for (int i = 0; i < w->n_pts; i++)
        if (w->pts[i].f > 0 && w->pts[i].f < f)
            f = w->pts[i].f;
    static const uint32_t batches[] = {1000, 100, 10};
    for (size_t i = 0; i < sizeof batches / sizeof batches[0]; i++)
        if (w->rate * f / batches[i] >= min_rate)
            return batches[i];
    return 1;
}

double ws_workload_fluid_rate(const ws_workload *w)
{
    if (w->batch <= 1 || w->stopped)
        return 0;
    return w->rate * factor(w, ws_sim_now(w->sim)) * (double)(w->batch - 1) / w->batch;
}

void ws_workload_stop(ws_workload *w)
{
    w->stopped = true;
    if (w->fluid_jobs > 0) { /* transaction sampling: no more fluid load */
        ws_time now = ws_sim_now(w->sim);
        ps_advance(w, now);
        w->fluid_jobs = 0;
        ps_schedule(w, now);
    }
}

void ws_workload_set_exec(ws_workload *w, ws_tx_start_fn start, ws_tx_exec_fn exec, void *ctx)
{
    w->start = start;
    w->exec = exec;
    w->exec_ctx = ctx;
}

/* Closed loop: bring the number of clients to clients x factor(now). */
static void set_clients(ws_workload *w)
{
    int target = (int)lround(w->clients * factor(w, ws_sim_now(w->sim)));
    int have = w->active - w->retire;
    if (target > have) {
        int cancel = target - have < w->retire ? target - have : w->retire;
        w->retire -= cancel;
        for (int c = have + cancel; c < target; c++) {
            w->active++;
            ws_sim_after(w->sim, 0, on_arrival, w, 0);
        }
    } else if (target < have) {
        w->retire += have - target;
    }
}

/* Closed loop: re-evaluate the client count at each point, and every
 * second along a ramp. */
static void on_phase(ws_sim *sim, void *ctx, uint64_t arg)
{
    ws_workload *w = ctx;
    (void)arg;
    set_clients(w);
    ws_time now = ws_sim_now(sim), next = WS_TIME_MAX;
    for (int i = 0; i < w->n_pts; i++) {
        if (w->pts[i].t > now) {
            next = w->pts[i].ramp ? now + WS_SEC : w->pts[i].t;
            if (next > w->pts[i].t)
                next = w->pts[i].t;
            break;
        }
    }
    if (next != WS_TIME_MAX)
        ws_sim_at(sim, next, on_phase, w, 0);
}

void ws_workload_start(ws_workload *w)
{
    if (w->rate > 0) {
        next_arrival(w);
    } else {
        set_clients(w);
        if (w->n_pts)
            ws_sim_at(w->sim, 0, on_phase, w, 0);
    }
}

ws_time ws_workload_cpu(ws_workload *w, ws_time at, ws_time cpu)
{
    if (!w->ps)
        return serve(w, at, cpu);
    /* PS: the work joins the shared cores as a job of its own, so it slows
     * every other job down; the transaction's delay is taken at the share
     * it gets now (an approximation: it does not wait for that job). */
    double rate = ps_rate(w);
    ws_workload_cpu_bg(w, at, cpu);
    return at + (ws_time)((double)cpu / rate);
}

void ws_workload_cpu_bg(ws_workload *w, ws_time at, ws_time cpu)
{
    if (cpu <= 0)
        return;
    ws_time now = ws_sim_now(w->sim);
    if (!w->ps) {
        serve(w, at > now ? at : now, cpu);
        return;
    }
    /* processor sharing runs on the engine's clock: work a process does a
     * little ahead of it (the checkpointer's stretch) joins now */
    ps_add(w, now, cpu, NO_SLOT);
}

const ws_tx *ws_workload_tx(const ws_workload *w, uint32_t handle)
{
    assert(handle < w->slab_cap);
    return &w->slab[handle].tx;
}

uint64_t ws_workload_started(const ws_workload *w) { return w->started; }
uint64_t ws_workload_completed(const ws_workload *w) { return w->completed; }
ws_time ws_workload_cpu_busy(const ws_workload *w) { return w->cpu_busy; }
int ws_workload_cores(const ws_workload *w) { return w->cores; }

double ws_workload_cpu_usable(const ws_workload *w) { return w->usable; }
