/*
 * run.h - simulate one variant of a scenario and collect its figures.
 *
 * ws_run builds the engine and the models for one resolved configuration,
 * runs `duration` of simulated time, and fills a ws_run_stats.  Statistics
 * cover the time after `warmup`.  The result depends only on the
 * configuration (seed included): same input, same numbers.
 */
#ifndef WALSIM_RUN_H
#define WALSIM_RUN_H

#include <stdint.h>

#include "walsim/diag.h"
#include "walsim/scenario.h"
#include "walsim/sim.h"

typedef struct ws_run_stats {
    char variant[64];
    int pg_version;
    uint64_t seed;
    double duration_s;       /* measured span: duration - warmup */
    uint64_t transactions;   /* completed in the measured span */
    double tps;
    double lat_mean_s, lat_p50_s, lat_p95_s, lat_p99_s, lat_p999_s, lat_max_s;
    uint64_t events;         /* engine events handled */
    double wall_s;           /* wall-clock time of the run */
} ws_run_stats;

/* Progress callback: fraction of simulated time done, in [0, 1]. */
typedef void (*ws_progress_fn)(void *ctx, double fraction);

int ws_run(const ws_config *cfg, ws_progress_fn progress, void *ctx, ws_run_stats *out,
           ws_diag *err);

#endif
