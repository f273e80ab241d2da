/*
 * workload.h - transaction arrivals and their CPU time.
 *
 * Open loop ([workload] rate > 0): Poisson arrivals at `rate`, as pgbench -R.
 * Closed loop: `clients` clients, each starting its next transaction when
 * the previous one ends, after an exponential think time of mean
 * `think_time`, as pgbench without -R.
 *
 * Each transaction picks a type from the [transaction NAME] sections by
 * weight (one built-in type when there are none) and needs its `cpu` time
 * on one of [os] cpus cores, served first come, first served.  Latency is
 * the time from arrival to completion.
 *
 * Random streams: "workload.arrivals", "workload.mix", "workload.think";
 * they depend on the seed only, so every variant sees the same arrivals
 * (common random numbers).
 *
 * With the database model, ws_workload_set_types replaces the types by
 * the model's and ws_workload_set_exec hands each transaction to it when
 * it gets its core (start: the model may prefetch what it will touch) and
 * when its CPU time is over (exec); the model ends it with
 * ws_workload_complete.  Transactions in flight live in a slab; a handle
 * names one until it completes.
 */
#ifndef WALSIM_WORKLOAD_H
#define WALSIM_WORKLOAD_H

#include <stdint.h>

#include "walsim/diag.h"
#include "walsim/scenario.h"
#include "walsim/sim.h"

typedef struct ws_workload ws_workload;

/* Called for every completed transaction with its arrival and end times. */
typedef void (*ws_tx_done_fn)(void *ctx, int type, ws_time arrival, ws_time end);

/* A transaction in flight. */
typedef struct ws_tx {
    ws_time arrival;
    uint64_t seq;       /* 0, 1, 2, ... in the order transactions get a core: the key of its draws */
    uint64_t lsn;       /* the model's: end of its commit record (0: wrote no WAL) */
    int type;
    uint32_t weight;    /* transactions it stands for: 1, or tx_sampling's batch */
} ws_tx;

/* Called when a transaction gets its core. */
typedef void (*ws_tx_start_fn)(void *ctx, const ws_tx *tx);

/* Called when a transaction's CPU time is over.  The callee finishes the
 * transaction later with ws_workload_complete(handle). */
typedef void (*ws_tx_exec_fn)(void *ctx, ws_tx *tx, uint32_t handle);

int ws_workload_new(ws_sim *sim, const ws_config *cfg, uint64_t seed, ws_tx_done_fn done,
                    void *ctx, ws_workload **out, ws_diag *err);

/* Replaces the transaction types ([transaction] sections or the built-in
 * one) by n types with these weights and CPU times (the database model's). */
int ws_workload_set_types(ws_workload *w, int n, const double *weights, const ws_time *cpu);

/* Hands each transaction to `start` (may be NULL) when it gets a core and
 * to `exec` after its CPU time, instead of ending it there. */
void ws_workload_set_exec(ws_workload *w, ws_tx_start_fn start, ws_tx_exec_fn exec, void *ctx);

/* Transaction sampling ([scenario] tx_sampling, open loop only): each
 * transaction simulated stands for `batch` (its ws_tx weight); arrivals
 * come at rate / batch, the batch - 1 others load the cores as fluid
 * jobs, and the started and completed counts are of the transactions
 * stood for.  WS_EINPUT for a closed loop or the fcfs scheduler.  Call after
 * ws_workload_set_types and before ws_workload_start. */
int ws_workload_set_batch(ws_workload *w, uint32_t batch);
uint32_t ws_workload_batch(const ws_workload *w);
/* tx_sampling = auto: the largest batch of 1000, 100, 10 that leaves at
 * least min_rate simulated transactions per second at the load curve's
 * lowest (idle phases aside); 1 for a closed loop or fcfs. */
uint32_t ws_workload_auto_batch(const ws_workload *w, double min_rate);
/* The I/O CPU (reads, writes, images, WAL) of n fluid transactions:
 * counted as served, and in their load from now on. */
void ws_workload_cpu_fluid(ws_workload *w, uint64_t n, ws_time cpu);
/* Transactions per second now that are not simulated one by one (0 unless
 * batch > 1): the fluid commit stream. */
double ws_workload_fluid_rate(const ws_workload *w);

/* No new transactions from now on (a shutdown): closed-loop clients leave
 * after their current transaction. */
void ws_workload_stop(ws_workload *w);

/* Ends the transaction `handle` handed to exec; now is its end. */
void ws_workload_complete(ws_workload *w, uint32_t handle);
void ws_workload_free(ws_workload *w);

/* `cpu` more CPU time for a transaction at `at` (>= the time of the last
 * call): FCFS, queued with everything else for one of the cores; PS, a job
 * of its own on the shared cores.  Returns when it is done (PS: at the
 * share it gets at `at`). */
ws_time ws_workload_cpu(ws_workload *w, ws_time at, ws_time cpu);

/* `cpu` of a background process's work at `at` (the checkpointer's or
 * bgwriter's writes, fsync calls, kernel writeback): it takes its share of
 * the cores like a transaction, and nothing waits for it. */
void ws_workload_cpu_bg(ws_workload *w, ws_time at, ws_time cpu);

/* The transaction `handle` (valid until it completes). */
const ws_tx *ws_workload_tx(const ws_workload *w, uint32_t handle);

/* Schedules the first arrivals; call once before running the engine. */
void ws_workload_start(ws_workload *w);

uint64_t ws_workload_started(const ws_workload *w);   /* transactions that arrived */
uint64_t ws_workload_completed(const ws_workload *w); /* transactions that completed */
ws_time ws_workload_cpu_busy(const ws_workload *w);   /* CPU time served, all cores */
int ws_workload_cores(const ws_workload *w);
/* [os] cpu_usable: the share of the cores' time a saturated load gets. */
double ws_workload_cpu_usable(const ws_workload *w);

#endif
