/*
 * walsim.c - the public API (walsim.h): a thin facade over the scenario
 * (scenario.h) and run (run.h) modules, as `walsim run` uses them.
 *
 * The handles wrap the modules' own objects; a result copies the run's
 * figures, so it outlives its scenario.  Nothing here prints.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "walsim/walsim.h"
#include "walsim/run.h"
#include "walsim/scenario.h"
#include "walsim/settings.h"

struct walsim_scenario {
    ws_scenario *s;
};

struct walsim_result {
    ws_run_stats st;
};

/* The public message buffer and ws_diag have the same size: a message
 * moves between them whole. */
_Static_assert(sizeof(((walsim_error *)0)->msg) == WS_DIAG_MAX, "walsim_error holds a ws_diag");

static void set_error(walsim_error *err, const ws_diag *d)
{
    if (err)
        memcpy(err->msg, d->msg, sizeof err->msg);
}

static void clear_error(walsim_error *err)
{
    if (err)
        err->msg[0] = '\0';
}

const char *walsim_version(void)
{
    return WALSIM_VERSION;
}

int walsim_pg_version_min(void)
{
    return WS_PG_VERSION_MIN;
}

int walsim_pg_version_max(void)
{
    return WS_PG_VERSION_MAX;
}

static int wrap(int rc, ws_scenario *s, walsim_scenario **out, const ws_diag *d,
                walsim_error *err)
{
    *out = NULL;
    if (rc != WS_OK) {
        set_error(err, d);
        return rc;
    }
    walsim_scenario *h = malloc(sizeof *h);
    if (!h) {
        ws_scenario_free(s);
        if (err)
            strcpy(err->msg, "out of memory");
        return WALSIM_ENOMEM;
    }
    h->s = s;
    *out = h;
    return WALSIM_OK;
}

int walsim_scenario_load_file(const char *path, walsim_scenario **out, walsim_error *err)
{
    ws_scenario *s = NULL;
    ws_diag d;
    ws_diag_clear(&d);
    clear_error(err);
    int rc = ws_scenario_load_file(path, &s, &d);
    return wrap(rc, s, out, &d, err);
}

int walsim_scenario_load_string(const char *text, size_t len, const char *name,
                                walsim_scenario **out, walsim_error *err)
{
    ws_scenario *s = NULL;
    ws_diag d;
    ws_diag_clear(&d);
    clear_error(err);
    int rc = ws_scenario_load_string(text, len, name ? name : "<string>", &s, &d);
    return wrap(rc, s, out, &d, err);
}

int walsim_scenario_load_default(walsim_scenario **out, walsim_error *err)
{
    char name[128];
    snprintf(name, sizeof name, "<built-in>/%s", ws_default_scenario_name);
    return walsim_scenario_load_string(ws_default_scenario_text, ws_default_scenario_len, name,
                                       out, err);
}

int walsim_scenario_set(walsim_scenario *s, const char *assignment, walsim_error *err)
{
    ws_diag d;
    ws_diag_clear(&d);
    clear_error(err);
    int rc = ws_scenario_set(s->s, assignment, &d);
    if (rc != WS_OK)
        set_error(err, &d);
    return rc;
}

const char *walsim_scenario_file(const walsim_scenario *s)
{
    return ws_scenario_file(s->s);
}

size_t walsim_variant_count(const walsim_scenario *s)
{
    return ws_scenario_variant_count(s->s);
}

const char *walsim_variant_name(const walsim_scenario *s, size_t i)
{
    return i < ws_scenario_variant_count(s->s) ? ws_scenario_variant_name(s->s, i) : NULL;
}

int walsim_variant_index(const walsim_scenario *s, const char *name)
{
    return ws_scenario_variant_index(s->s, name);
}

void walsim_scenario_free(walsim_scenario *s)
{
    if (!s)
        return;
    ws_scenario_free(s->s);
    free(s);
}

int walsim_run(const walsim_scenario *s, size_t v, walsim_progress_fn progress, void *ctx,
               walsim_result **out, walsim_error *err)
{
    ws_diag d;
    ws_diag_clear(&d);
    clear_error(err);
    *out = NULL;
    if (v >= ws_scenario_variant_count(s->s)) {
        ws_diag_set(&d, NULL, 0, "variant %zu: the scenario has %zu", v,
                    ws_scenario_variant_count(s->s));
        set_error(err, &d);
        return WALSIM_EINPUT;
    }
    walsim_result *r = calloc(1, sizeof *r);
    if (!r) {
        if (err)
            strcpy(err->msg, "out of memory");
        return WALSIM_ENOMEM;
    }
    ws_config *c = NULL;
    int rc = ws_config_resolve(s->s, v, &c, &d);
    if (rc == WS_OK)
        rc = ws_run_validate(c, &d);
    if (rc == WS_OK)
        rc = ws_run(c, progress, ctx, NULL, &r->st, &d);
    ws_config_free(c);
    if (rc != WS_OK) {
        set_error(err, &d);
        free(r);
        return rc;
    }
    *out = r;
    return WALSIM_OK;
}

static const char *const figure_names[WALSIM__FIGURE_COUNT] = {
    [WALSIM_TPS] = "tps",
    [WALSIM_TRANSACTIONS] = "transactions",
    [WALSIM_LAT_MEAN_S] = "lat_mean_s",
    [WALSIM_P50_S] = "p50_s",
    [WALSIM_P95_S] = "p95_s",
    [WALSIM_P99_S] = "p99_s",
    [WALSIM_P999_S] = "p999_s",
    [WALSIM_LAT_MAX_S] = "lat_max_s",
    [WALSIM_CHECKPOINTS_TIMED] = "checkpoints_timed",
    [WALSIM_CHECKPOINTS_REQUESTED] = "checkpoints_requested",
    [WALSIM_CHECKPOINT_WRITE_S] = "checkpoint_write_s",
    [WALSIM_CHECKPOINT_SYNC_S] = "checkpoint_sync_s",
    [WALSIM_WAL_BYTES] = "wal_bytes",
    [WALSIM_WAL_PER_TX] = "wal_per_tx",
    [WALSIM_FPI_SHARE] = "fpi_share",
    [WALSIM_PG_WAL_PEAK_BYTES] = "pg_wal_peak_bytes",
    [WALSIM_DEVICE_UTILIZATION] = "device_utilization",
    [WALSIM_CPU_UTILIZATION] = "cpu_utilization",
    [WALSIM_WORST_RECOVERY_S] = "worst_recovery_s",
    [WALSIM_WINDOW_S] = "window_s",
    [WALSIM_SIMULATED_S] = "simulated_s",
};

const char *walsim_figure_name(walsim_figure f)
{
    return (unsigned)f < WALSIM__FIGURE_COUNT ? figure_names[f] : NULL;
}

double walsim_result_get(const walsim_result *r, walsim_figure f)
{
    const ws_run_stats *st = &r->st;
    switch (f) {
    case WALSIM_TPS: return st->tps;
    case WALSIM_TRANSACTIONS: return (double)st->transactions;
    case WALSIM_LAT_MEAN_S: return st->lat.mean_s;
    case WALSIM_P50_S: return st->lat.p50_s;
    case WALSIM_P95_S: return st->lat.p95_s;
    case WALSIM_P99_S: return st->lat.p99_s;
    case WALSIM_P999_S: return st->lat.p999_s;
    case WALSIM_LAT_MAX_S: return st->lat.max_s;
    case WALSIM_CHECKPOINTS_TIMED: return (double)st->ckpt_timed;
    case WALSIM_CHECKPOINTS_REQUESTED: return (double)st->ckpt_req;
    case WALSIM_CHECKPOINT_WRITE_S: return st->ckpt_write_s_mean;
    case WALSIM_CHECKPOINT_SYNC_S: return st->ckpt_sync_s_mean;
    case WALSIM_WAL_BYTES: return (double)st->wal_bytes;
    case WALSIM_WAL_PER_TX: return st->wal_bytes_per_tx;
    case WALSIM_FPI_SHARE: return st->fpi_share;
    case WALSIM_PG_WAL_PEAK_BYTES: return (double)st->pg_wal_peak_bytes;
    case WALSIM_DEVICE_UTILIZATION: return st->device_utilization;
    case WALSIM_CPU_UTILIZATION: return st->cpu_utilization;
    case WALSIM_WORST_RECOVERY_S: return st->worst_recovery_s;
    case WALSIM_WINDOW_S: return st->duration_s;
    case WALSIM_SIMULATED_S: return st->simulated_s;
    case WALSIM__FIGURE_COUNT: break;
    }
    return NAN;
}

const char *walsim_result_variant(const walsim_result *r)
{
    return r->st.variant;
}

int walsim_result_pg_version(const walsim_result *r)
{
    return r->st.pg_version;
}

size_t walsim_result_warning_count(const walsim_result *r)
{
    return r->st.win.n_warn > 0 ? (size_t)r->st.win.n_warn : 0;
}

const char *walsim_result_warning(const walsim_result *r, size_t i)
{
    return i < walsim_result_warning_count(r) ? r->st.win.warn[i] : NULL;
}

void walsim_result_free(walsim_result *r)
{
    free(r);
}
