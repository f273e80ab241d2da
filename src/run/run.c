/*
 * run.c - one variant from configuration to figures.
 *
 * The engine runs in slices of one simulated second so that the progress
 * callback is called regularly; slicing does not change event order.
 */
#include "walsim/run.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "walsim/hist.h"
#include "walsim/workload.h"

typedef struct collector {
    ws_hist *lat;
    ws_time warmup;
    uint64_t transactions;
} collector;

static void on_tx_done(void *ctx, int type, ws_time arrival, ws_time end)
{
    collector *c = ctx;
    (void)type;
    if (end < c->warmup)
        return;
    c->transactions++;
    ws_hist_add(c->lat, (double)(end - arrival) / 1e9);
}

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int ws_run(const ws_config *cfg, ws_progress_fn progress, void *ctx, ws_run_stats *out,
           ws_diag *err)
{
    memset(out, 0, sizeof *out);
    snprintf(out->variant, sizeof out->variant, "%s", ws_config_variant(cfg));
    out->pg_version = ws_config_pg_version(cfg);
    out->seed = (uint64_t)ws_cfg_int(cfg, WS_S_seed);

    ws_time duration = (ws_time)llround(ws_cfg_num(cfg, WS_S_duration));
    ws_time warmup = (ws_time)llround(ws_cfg_num(cfg, WS_S_warmup));
    if (warmup >= duration) {
        ws_diag_set(err, NULL, 0, "[scenario] warmup (%gs) must be shorter than duration (%gs)",
                    (double)warmup / 1e9, (double)duration / 1e9);
        return WS_EINPUT;
    }

    double t0 = wall_now();
    collector col = {ws_hist_new(), warmup, 0};
    ws_sim *sim = ws_sim_new(0);
    ws_workload *wl = NULL;
    int rc = WS_OK;
    if (!col.lat || !sim) {
        ws_diag_set(err, NULL, 0, "out of memory");
        rc = WS_ENOMEM;
        goto done;
    }
    rc = ws_workload_new(sim, cfg, out->seed, on_tx_done, &col, &wl, err);
    if (rc != WS_OK)
        goto done;
    ws_workload_start(wl);

    for (ws_time t = 0; t < duration;) {
        t = t + WS_SEC < duration ? t + WS_SEC : duration;
        ws_sim_run(sim, t);
        if (progress)
            progress(ctx, (double)t / (double)duration);
    }

    out->duration_s = (double)(duration - warmup) / 1e9;
    out->transactions = col.transactions;
    out->tps = (double)col.transactions / out->duration_s;
    out->lat_mean_s = ws_hist_mean(col.lat);
    out->lat_p50_s = ws_hist_quantile(col.lat, 0.50);
    out->lat_p95_s = ws_hist_quantile(col.lat, 0.95);
    out->lat_p99_s = ws_hist_quantile(col.lat, 0.99);
    out->lat_p999_s = ws_hist_quantile(col.lat, 0.999);
    out->lat_max_s = ws_hist_max(col.lat);
    out->events = ws_sim_events_run(sim);
done:
    out->wall_s = wall_now() - t0;
    ws_workload_free(wl);
    ws_sim_free(sim);
    ws_hist_free(col.lat);
    return rc;
}
