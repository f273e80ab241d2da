/*
 * sweep.h - parameter sweeps: a grid of settings, each point simulated
 * for every variant (and several seeds), in parallel threads, into one
 * sweep.csv; shards of a grid for many machines, and their merge.
 *
 * A parameter is `KEY=VALUES`, KEY as --set takes it (max_wal_size,
 * disk.preset, table.accounts.size) and VALUES one of
 *
 *   a list                 0.5,0.7,0.9   aws-gp3,nvme-enterprise   1GB,4GB
 *   a range with a step    1min..30min+1min     0.5..0.9+0.1   LO, LO+STEP, ... <= HI
 *   a range with a factor  1GB..64GB*2                         LO, LO*F, ... <= HI
 *
 * Range ends and steps are numbers with PostgreSQL's units (all three of
 * the same class: memory, time, rate, or none); generated values are
 * written as SHOW would (1GB, 2GB, 4GB; 1min, 90s) and passed to the
 * setting like any --set value.  A range may give at most
 * WS_SWEEP_MAX_VALUES values.
 *
 * Several parameters make a grid, the first varying slowest: point i has
 * the mixed-radix digits of i (last parameter fastest), as nested loops
 * in the order the parameters were given.  Points are numbered 0..P-1
 * over the whole grid.  A shard K/N (1 <= K <= N) is the points with
 * i % N == K-1: round-robin rather than contiguous slices, so that a
 * grid whose runs grow costlier along a parameter (shared_buffers, scale)
 * spreads the cost evenly over the shards.
 *
 * Determinism: each (point, seed) is simulated from its own freshly
 * loaded scenario with the point's values set, and rows are written in
 * (point, seed, variant) order whatever the number of threads, so
 * sweep.csv is the same bytes for --jobs 1 and --jobs 32, and the merge
 * of all shards is the same bytes as the whole grid run at once.
 */
#ifndef WALSIM_SWEEP_H
#define WALSIM_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "walsim/diag.h"
#include "walsim/run.h"

#define WS_SWEEP_MAX_VALUES 10000      /* values of one parameter */
#define WS_SWEEP_MAX_POINTS 1000000    /* points of a grid */

/* One --param. */
typedef struct ws_sweep_param {
    char *key;       /* as written, trimmed */
    size_t n;        /* number of values, >= 1 */
    char **values;   /* each as passed to the setting and written to the KEY column */
    double *num;     /* KEY_num: the value in base units (bytes, seconds, per
                      * second, or the number); NAN for non-numeric settings.
                      * Filled by ws_sweep_new; NAN until then. */
} ws_sweep_param;

/* Parses "KEY=VALUES".  Returns 0, or WS_EINPUT with a message naming the
 * --param and what was expected.  Values are not checked against any
 * setting here (ws_sweep_new does that).  Free with ws_sweep_param_free. */
int ws_sweep_param_parse(const char *arg, ws_sweep_param *out, ws_diag *err);
void ws_sweep_param_free(ws_sweep_param *p);

/* Number of points of the grid of n parameters (1 for n == 0).  Returns 0,
 * or WS_EINPUT when it exceeds WS_SWEEP_MAX_POINTS. */
int ws_sweep_grid_size(const ws_sweep_param *params, size_t n, size_t *points, ws_diag *err);

/* The value index of each parameter at `point` (idx holds n entries). */
void ws_sweep_grid_point(const ws_sweep_param *params, size_t n, size_t point, size_t *idx);

/* Parses "K/N" (1 <= K <= N <= 1000000).  Returns 0 or WS_EINPUT. */
int ws_sweep_shard_parse(const char *text, unsigned *k, unsigned *n, ws_diag *err);

/* Is `point` in shard k of n? */
static inline bool ws_sweep_in_shard(size_t point, unsigned k, unsigned n)
{
    return point % n == (size_t)(k - 1);
}

/* Online CPU cores (at least 1): the default --jobs. */
unsigned ws_cpu_count(void);

/* Calls fn(ctx, i) for i in 0..n-1 on min(jobs, n) threads (pthreads;
 * jobs 1 or n 1: in the calling thread), each thread taking the next
 * unclaimed i.  Returns when all calls have returned.  fn must be
 * thread-safe for distinct i. */
void ws_parallel_for(size_t n, unsigned jobs, void (*fn)(void *ctx, size_t i), void *ctx);

/* ------------------------------------------------------------------------
 * A sweep: a scenario, its overrides and parameters, ready to run. */

typedef struct ws_sweep_spec {
    const char *file;                  /* scenario file; NULL: the built-in default */
    const char *const *sets;           /* --set KEY=VALUE, applied before the parameters */
    size_t n_sets;
    ws_sweep_param *params;            /* borrowed; ws_sweep_new fills their num[] */
    size_t n_params;
    const char *const *variants;       /* --variant: the variants to run; none: all */
    size_t n_variants;
    unsigned seeds;                    /* --seeds N: seeds base..base+N-1; 0: the scenario's seed */
    unsigned shard_k, shard_n;         /* 1/1: every point */
} ws_sweep_spec;

typedef struct ws_sweep ws_sweep;

/* Loads the scenario, applies the --set overrides, and checks every value
 * of every parameter against every variant (ws_scenario_set), and every
 * chosen variant's model at the grid's last point (ws_run_validate), so
 * that bad input is reported before anything runs (an error that only a
 * combination of values or the run itself shows is reported by
 * ws_sweep_run, naming the point).  Also rejects a
 * KEY given twice, --seeds with a seed parameter, and values that cannot
 * be CSV fields (a comma or a control character).  The spec and its
 * params must outlive the sweep. */
int ws_sweep_new(const ws_sweep_spec *spec, ws_sweep **out, ws_diag *err);
void ws_sweep_free(ws_sweep *sw);

size_t ws_sweep_points(const ws_sweep *sw);       /* the whole grid */
size_t ws_sweep_shard_points(const ws_sweep *sw); /* points in this shard */
size_t ws_sweep_variant_count(const ws_sweep *sw); /* variants run per point and seed */
unsigned ws_sweep_seed_count(const ws_sweep *sw);  /* seeds per point (>= 1) */

/* Called after each finished (point, seed) with the number done and the
 * total, from a worker thread but never from two at once. */
typedef void (*ws_sweep_progress_fn)(void *ctx, size_t done, size_t total);

/* Runs the shard's points on `jobs` threads and writes sweep.csv to csv:
 * the header, then the rows in (point, seed, variant) order, each row
 * written as soon as all rows before it are done.  On an error in some
 * run, the remaining runs are skipped and the error of the lowest
 * (point, seed) that failed is returned, naming the point and its values
 * (WS_EINPUT for input errors only found by running, such as a warm-up
 * longer than the duration at one point). */
int ws_sweep_run(ws_sweep *sw, unsigned jobs, FILE *csv, ws_sweep_progress_fn progress,
                 void *ctx, ws_diag *err);

/* sweep.meta: what a shard's rows belong to, for ws_sweep_merge (format
 * in docs/capacity.md). */
void ws_sweep_write_meta(const ws_sweep *sw, FILE *f);

/* ------------------------------------------------------------------------
 * sweep.csv (src/output/sweepcsv.c): the columns of docs/outputs.md. */

/* point,seed,KEY,KEY_num,...,variant,<every metric's CSV column> */
void ws_sweep_csv_header(FILE *f, const ws_sweep_param *params, size_t n);

/* One row; idx: the point's value index per parameter. */
void ws_sweep_csv_row(FILE *f, size_t point, const ws_sweep_param *params, size_t n,
                      const size_t *idx, const ws_run_stats *st);

/* A CSV number: integers as integers, other values with %.9g, NAN and
 * infinities as an empty field. */
void ws_sweep_csv_number(FILE *f, double x);

/* Joins the sweep.csv (and sweep.meta) of shard folders dirs[0..n-1] into
 * out_dir, as one run of the whole grid would have written them (the same
 * bytes).  Errors: a folder without sweep.csv or sweep.meta, shards of
 * different sweeps (meta lines other than shard and scenario differ),
 * different headers, malformed rows, a point in two inputs, a point with
 * the wrong number of rows, points missing (listed, with the shard they
 * belong to).  Writes nothing on error.  Returns 0, WS_EINPUT or WS_EIO. */
int ws_sweep_merge(const char *const *dirs, size_t n, const char *out_dir, ws_diag *err);

#endif
