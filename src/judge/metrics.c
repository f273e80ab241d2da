/*
 * metrics.c - the metric registry (see metrics.h): names, kinds, CSV
 * columns and getters over ws_run_stats.
 */
#include "walsim/metrics.h"

#include <assert.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "walsim/diag.h"

/* One getter per field; the macros keep the table below one line per
 * metric. */
#define GET(fn, expr)                                                                            \
    static double fn(const ws_run_stats *st) { return (double)(expr); }

GET(g_tps, st->tps)
GET(g_transactions, st->transactions)
GET(g_p50, st->lat.p50_s)
GET(g_p95, st->lat.p95_s)
GET(g_p99, st->lat.p99_s)
GET(g_p999, st->lat.p999_s)
GET(g_max, st->lat.max_s)
GET(g_mean, st->lat.mean_s)
/* lat_phase[]: 0 idle, 1 write, 2 sync (run.h) */
GET(g_p50_idle, st->lat_phase[0].p50_s)
GET(g_p99_idle, st->lat_phase[0].p99_s)
GET(g_max_idle, st->lat_phase[0].max_s)
GET(g_p50_write, st->lat_phase[1].p50_s)
GET(g_p99_write, st->lat_phase[1].p99_s)
GET(g_max_write, st->lat_phase[1].max_s)
GET(g_p50_sync, st->lat_phase[2].p50_s)
GET(g_p99_sync, st->lat_phase[2].p99_s)
GET(g_max_sync, st->lat_phase[2].max_s)
GET(g_ckpt_timed, st->ckpt_timed)
GET(g_ckpt_req, st->ckpt_req)
GET(g_ckpt_warnings, st->ckpt_warnings)
GET(g_ckpt_write, st->ckpt_write_s_mean)
GET(g_ckpt_sync, st->ckpt_sync_s_mean)
GET(g_ckpt_total, st->ckpt_total_s_mean)
GET(g_buf_ckpt, st->buffers_checkpoint)
GET(g_buf_clean, st->buffers_clean)
GET(g_buf_backend, st->buffers_backend)
GET(g_buf_per_ckpt, st->ckpt_buffers_mean)
GET(g_wal_bytes, st->wal_bytes)
GET(g_wal_per_tx, st->wal_bytes_per_tx)
GET(g_fpi_count, st->wal_fpi)
GET(g_fpi_share, st->fpi_share)
GET(g_compression, st->compression_saving)
GET(g_dev_util, st->device_utilization)
GET(g_pg_wal_peak, st->pg_wal_peak_bytes)
GET(g_os_dirty_peak, st->os_dirty_peak_bytes)
GET(g_worst_recovery, st->worst_recovery_s)
GET(g_cpu_util, st->cpu_utilization)
GET(g_compression_cpu, st->compression_cpu_s)
GET(g_cpu_per_tx, st->cpu_per_tx_ms / 1e3)
GET(g_crash_recovery, st->crash.recovery_s)
GET(g_wal_full, st->walvol.full)
GET(g_wal_full_at, st->walvol.full ? st->walvol.full_at_s : 0)
GET(g_wal_vol_peak, st->walvol.pg_wal_peak_bytes)
GET(g_arch_lag, st->walvol.archive_lag_peak)
GET(g_slot_inval, st->walvol.slot_invalidated)
GET(g_slot_inval_at, st->walvol.slot_invalidated ? st->walvol.slot_invalidated_s : 0)
GET(g_slot_lag, st->walvol.slot_lag_peak_bytes)
GET(g_crash_lost, st->crash.lost_commits)
GET(g_crash_unlogged, st->crash.unlogged_bytes)

/* The measurement window (run.h, ws_window) and the 95 % intervals of the
 * headline figures: NAN where there is none (df == 0), which sweep.csv
 * writes as an empty field and every [expect] comparison fails. */
GET(g_window, st->win.end_s - st->win.start_s)
GET(g_warmup, st->win.start_s)
GET(g_cycles, st->win.cycles)
GET(g_overloaded, st->win.overloaded ? 1 : 0)
GET(g_warnings, st->win.n_warn)

static double g_offered(const ws_run_stats *st)
{
    return st->win.open_loop ? st->win.offered_tps : NAN;
}

static double ci_bound(const ws_run_stats *st, ws_headline h, bool hi)
{
    const ws_ci *c = &st->win.ci[h];
    return c->df > 0 ? (hi ? c->hi : c->lo) : NAN;
}
static double g_tps_lo(const ws_run_stats *st) { return ci_bound(st, WS_H_TPS, false); }
static double g_tps_hi(const ws_run_stats *st) { return ci_bound(st, WS_H_TPS, true); }
static double g_p50_lo(const ws_run_stats *st) { return ci_bound(st, WS_H_P50, false); }
static double g_p50_hi(const ws_run_stats *st) { return ci_bound(st, WS_H_P50, true); }
static double g_p99_lo(const ws_run_stats *st) { return ci_bound(st, WS_H_P99, false); }
static double g_p99_hi(const ws_run_stats *st) { return ci_bound(st, WS_H_P99, true); }

/* The bulk loads: first start to last end; rows per second of loading. */
static double g_bulk_time(const ws_run_stats *st)
{
    double first = 0, last = 0;
    for (int i = 0; i < st->n_bulk; i++) {
        const ws_bulk_stats *b = &st->bulk[i];
        double end = b->start_s + b->load_s + b->build_s;
        if (i == 0 || b->start_s < first)
            first = b->start_s;
        if (end > last)
            last = end;
    }
    return st->n_bulk ? last - first : 0;
}

/* The N-th [bulk] section (file order): rows per second of its load, WAL
 * of its load and index build, its load and build time. */
static double bulk_rate(const ws_run_stats *st, int i)
{
    return i < st->n_bulk ? st->bulk[i].rows_per_s : 0;
}
static double bulk_wal(const ws_run_stats *st, int i)
{
    return i < st->n_bulk ? (double)(st->bulk[i].wal_load_bytes + st->bulk[i].wal_build_bytes) : 0;
}
static double bulk_secs(const ws_run_stats *st, int i)
{
    return i < st->n_bulk ? st->bulk[i].load_s + st->bulk[i].build_s : 0;
}
static double g_bulk1_rate(const ws_run_stats *st) { return bulk_rate(st, 0); }
static double g_bulk2_rate(const ws_run_stats *st) { return bulk_rate(st, 1); }
static double g_bulk1_wal(const ws_run_stats *st) { return bulk_wal(st, 0); }
static double g_bulk2_wal(const ws_run_stats *st) { return bulk_wal(st, 1); }
static double g_bulk1_time(const ws_run_stats *st) { return bulk_secs(st, 0); }
static double g_bulk2_time(const ws_run_stats *st) { return bulk_secs(st, 1); }

static double g_bulk_rate(const ws_run_stats *st)
{
    double rows = 0, secs = 0;
    for (int i = 0; i < st->n_bulk; i++) {
        rows += (double)st->bulk[i].rows;
        secs += st->bulk[i].load_s;
    }
    return secs > 0 ? rows / secs : 0;
}

#define COUNT(name, get, help) {name, WS_MK_COUNT, name, 1, help, get, 0}
#define RATIO(name, get, help) {name, WS_MK_RATIO, name, 1, help, get, 0}
#define RATE(name, get, help) {name, WS_MK_RATE, name, 1, help, get, 0}
#define MS(name, get, help) {name, WS_MK_TIME, name "_ms", 1e3, help, get, WS_MF_LATENCY}
#define SEC(name, get, help) {name, WS_MK_TIME, name "_s", 1, help, get, 0}
#define BYTES(name, get, help) {name, WS_MK_SIZE, name "_bytes", 1, help, get, 0}
/* Figures that need a checkpoint in the window (ws_metric_exercised). */
#define COUNT_CK(name, get, help) {name, WS_MK_COUNT, name, 1, help, get, WS_MF_CHECKPOINT}
#define SEC_CK(name, get, help) {name, WS_MK_TIME, name "_s", 1, help, get, WS_MF_CHECKPOINT}
#define BYTES_CK(name, get, help) {name, WS_MK_SIZE, name "_bytes", 1, help, get, WS_MF_CHECKPOINT}
/* Latency during a checkpoint phase: needs transactions in that phase. */
#define MS_PH(name, get, phase, help)                                                            \
    {name, WS_MK_TIME, name "_ms", 1e3, help, get, WS_MF_LATENCY | (phase)}

/* docs/outputs.md, "Metrics", in its order.  wal_bytes keeps its name as
 * its column (it already ends in its unit, as in timeline.csv); every
 * other size gets the _bytes suffix, wal_bytes_per_tx_bytes included, as
 * the document spells it. */
static const ws_metric metrics[] = {
    RATE("tps", g_tps, "transactions per second in the window"),
    COUNT("transactions", g_transactions, "transactions completed in the window"),
    MS("p50_latency", g_p50, "median transaction latency"),
    MS("p95_latency", g_p95, "95th percentile latency"),
    MS("p99_latency", g_p99, "99th percentile latency"),
    MS("p999_latency", g_p999, "99.9th percentile latency"),
    MS("max_latency", g_max, "largest latency"),
    MS("mean_latency", g_mean, "mean latency"),
    MS("p50_latency_idle", g_p50_idle, "median latency, no checkpoint running"),
    MS_PH("p50_latency_write", g_p50_write, WS_MF_WRITE_PHASE, "median latency during checkpoint writes"),
    MS_PH("p50_latency_sync", g_p50_sync, WS_MF_SYNC_PHASE, "median latency during a checkpoint's sync phase"),
    MS("p99_latency_idle", g_p99_idle, "p99 latency, no checkpoint running"),
    MS_PH("p99_latency_write", g_p99_write, WS_MF_WRITE_PHASE, "p99 latency during checkpoint writes"),
    MS_PH("p99_latency_sync", g_p99_sync, WS_MF_SYNC_PHASE, "p99 latency during a checkpoint's sync phase"),
    MS("max_latency_idle", g_max_idle, "largest latency, no checkpoint running"),
    MS_PH("max_latency_write", g_max_write, WS_MF_WRITE_PHASE, "largest latency during checkpoint writes"),
    MS_PH("max_latency_sync", g_max_sync, WS_MF_SYNC_PHASE, "largest latency during a checkpoint's sync phase"),
    COUNT_CK("checkpoints_timed", g_ckpt_timed, "checkpoints started by checkpoint_timeout"),
    COUNT_CK("checkpoints_req", g_ckpt_req, "checkpoints requested (WAL volume, CHECKPOINT, shutdown)"),
    COUNT_CK("checkpoint_warnings", g_ckpt_warnings, "checkpoint_warning messages (too frequent)"),
    SEC_CK("checkpoint_write", g_ckpt_write, "mean write phase of a checkpoint"),
    SEC_CK("checkpoint_sync", g_ckpt_sync, "mean sync phase of a checkpoint"),
    SEC_CK("checkpoint_total", g_ckpt_total, "mean duration of a checkpoint"),
    COUNT_CK("buffers_checkpoint", g_buf_ckpt, "buffers written by the checkpointer"),
    COUNT("buffers_clean", g_buf_clean, "buffers written by the background writer"),
    COUNT("buffers_backend", g_buf_backend, "buffers written by backends"),
    COUNT_CK("buffers_per_checkpoint", g_buf_per_ckpt, "mean buffers written per checkpoint"),
    {"wal_bytes", WS_MK_SIZE, "wal_bytes", 1, "WAL generated (records and images)", g_wal_bytes, 0},
    BYTES("wal_bytes_per_tx", g_wal_per_tx, "WAL per transaction"),
    COUNT("fpi_count", g_fpi_count, "full-page images written to WAL"),
    RATIO("fpi_share", g_fpi_share, "share of WAL bytes that are full-page images"),
    RATIO("compression_saving", g_compression, "share of image bytes saved by wal_compression"),
    RATIO("device_utilization", g_dev_util, "share of the window the device was busy"),
    BYTES_CK("pg_wal_peak", g_pg_wal_peak, "largest size of pg_wal"),
    BYTES("os_dirty_peak", g_os_dirty_peak, "largest amount of dirty data in the page cache"),
    SEC_CK("worst_recovery", g_worst_recovery, "crash recovery if the server crashed at the worst moment"),
    SEC("crash_recovery", g_crash_recovery, "crash recovery after the scenario's crash event"),
    COUNT("crash_lost_commits", g_crash_lost, "asynchronous commits the crash event lost"),
    BYTES("crash_unlogged_reset", g_crash_unlogged, "UNLOGGED table data the crash event emptied"),
    SEC("bulk_time", g_bulk_time, "first [bulk] start to the end of the last load and index build"),
    RATE("bulk_rows_per_s", g_bulk_rate, "rows the [bulk] loads wrote per second of loading"),
    RATIO("cpu_utilization", g_cpu_util, "share of the cores' time used (transactions, compression, I/O work, background processes)"),
    SEC("compression_cpu", g_compression_cpu, "CPU time spent compressing full-page images"),
    {"cpu_per_tx", WS_MK_TIME, "cpu_per_tx_ms", 1e3, "CPU time on the cores per transaction: its own, its I/O, the background processes' and the kernel's (compare with busy cores / tps measured)", g_cpu_per_tx, 0},
    RATE("bulk1_rows_per_s", g_bulk1_rate, "rows per second of the first [bulk] load"),
    RATE("bulk2_rows_per_s", g_bulk2_rate, "rows per second of the second [bulk] load"),
    BYTES("bulk1_wal", g_bulk1_wal, "WAL of the first [bulk] section (load and index build)"),
    BYTES("bulk2_wal", g_bulk2_wal, "WAL of the second [bulk] section"),
    SEC("bulk1_time", g_bulk1_time, "load and index build time of the first [bulk] section"),
    SEC("bulk2_time", g_bulk2_time, "load and index build time of the second [bulk] section"),
    SEC("window", g_window, "length of the measurement window every figure covers"),
    SEC("warmup", g_warmup, "start of the window: the warm-up (MSER-5 or set) before it"),
    COUNT("checkpoint_cycles", g_cycles, "complete checkpoint cycles in the window (fewer than 2: a warning)"),
    COUNT("overloaded", g_overloaded, "1 when the variant cannot carry its offered load, else 0"),
    RATE("offered_tps", g_offered, "arrivals per second in the window (open loop; none: closed loop)"),
    RATE("tps_lo", g_tps_lo, "95% interval of tps: low end (empty: no interval)"),
    RATE("tps_hi", g_tps_hi, "95% interval of tps: high end"),
    MS("p50_latency_lo", g_p50_lo, "95% interval of p50_latency: low end"),
    MS("p50_latency_hi", g_p50_hi, "95% interval of p50_latency: high end"),
    MS("p99_latency_lo", g_p99_lo, "95% interval of p99_latency: low end"),
    MS("p99_latency_hi", g_p99_hi, "95% interval of p99_latency: high end"),
    COUNT("warnings", g_warnings, "warnings on the figures (overloaded, few cycles, cold start...)"),
    COUNT("wal_volume_full", g_wal_full, "1 when pg_wal outgrew its volume ([disk] wal_size): PANIC, the run stopped"),
    COUNT("archive_lag_peak", g_arch_lag, "most segments waiting to be archived (.ready) at once"),
    COUNT("slot_invalidated", g_slot_inval, "1 when max_slot_wal_keep_size invalidated the replication slot"),
    SEC("wal_full_at", g_wal_full_at, "when pg_wal outgrew its volume (0: never)"),
    SEC("slot_invalidated_at", g_slot_inval_at, "when the slot was invalidated (0: never)"),
    BYTES("wal_volume_peak", g_wal_vol_peak, "largest size of pg_wal over the whole run, warm-up included"),
    BYTES("slot_lag_peak", g_slot_lag, "most WAL the replication slot held (insert position less restart_lsn)"),
};

#define N_METRICS (sizeof metrics / sizeof metrics[0])

size_t ws_metric_count(void) { return N_METRICS; }

const ws_metric *ws_metric_at(size_t i)
{
    assert(i < N_METRICS);
    return &metrics[i];
}

const ws_metric *ws_metric_find(const char *name, size_t len)
{
    for (size_t i = 0; i < N_METRICS; i++)
        if (strlen(metrics[i].name) == len && memcmp(metrics[i].name, name, len) == 0)
            return &metrics[i];
    return NULL;
}

/* The same threshold as the settings' suggestions: one edit for short
 * words, two for longer ones, a third past 12 bytes (metric names are
 * long and share prefixes, so the closest one wins). */
const char *ws_metric_suggest(const char *name, size_t len)
{
    const char *best = NULL;
    int best_d = INT_MAX;
    if (len == 0 || len > 32)
        return NULL;
    for (size_t i = 0; i < N_METRICS; i++) {
        int d = ws_edit_distance(name, len, metrics[i].name);
        if (d < best_d) {
            best_d = d;
            best = metrics[i].name;
        }
    }
    int limit = len <= 4 ? 1 : len <= 12 ? 2 : 3;
    return best_d <= limit ? best : NULL;
}

const char *ws_metric_kind_name(ws_metric_kind kind)
{
    switch (kind) {
    case WS_MK_COUNT: return "count";
    case WS_MK_RATE: return "rate";
    case WS_MK_TIME: return "time";
    case WS_MK_SIZE: return "size";
    case WS_MK_RATIO: return "ratio";
    }
    return "?";
}

void ws_metric_format(ws_metric_kind kind, double v, int digits, char *buf, size_t len)
{
    assert(buf && len > 0);
    if (!isfinite(v)) {
        snprintf(buf, len, "nan");
        return;
    }
    double a = fabs(v);
    switch (kind) {
    case WS_MK_COUNT:
        if (a < 9007199254740992.0 && v == rint(v))
            snprintf(buf, len, "%.0f", v);
        else
            snprintf(buf, len, "%.*g", digits, v);
        return;
    case WS_MK_RATE:
        snprintf(buf, len, "%.*g/s", digits, v);
        return;
    case WS_MK_RATIO:
        snprintf(buf, len, "%.*g%%", digits, v * 100);
        return;
    case WS_MK_TIME: {
        /* The unit that puts the number between 1 and 1000 (or 60). */
        static const struct { const char *u; double s; } t[] = {
            {"h", 3600}, {"min", 60}, {"s", 1}, {"ms", 1e-3}, {"us", 1e-6}};
        if (a == 0) {
            snprintf(buf, len, "0");
            return;
        }
        size_t i = 0;
        while (i + 1 < sizeof t / sizeof t[0] && a < t[i].s)
            i++;
        snprintf(buf, len, "%.*g%s", digits, v / t[i].s, t[i].u);
        return;
    }
    case WS_MK_SIZE: {
        static const char *const u[] = {"B", "kB", "MB", "GB", "TB"};
        size_t i = 0;
        double x = v;
        while (i + 1 < sizeof u / sizeof u[0] && fabs(x) >= 1024) {
            x /= 1024;
            i++;
        }
        snprintf(buf, len, "%.*g%s", digits, x, u[i]);
        return;
    }
    }
    snprintf(buf, len, "%.*g", digits, v);
}

double ws_metric_csv_value(const ws_metric *m, const ws_run_stats *st)
{
    return m->get(st) * m->csv_scale;
}

/* "the 5min window" (or "the run" before the window is known). */
static void window_text(const ws_run_stats *st, char *buf, size_t len)
{
    double w = st->win.end_s - st->win.start_s;
    if (!(w > 0))
        w = st->duration_s;
    char t[32];
    ws_metric_format(WS_MK_TIME, w, 3, t, sizeof t);
    snprintf(buf, len, "the %s window", t);
}

bool ws_metric_exercised(const ws_metric *m, const ws_run_stats *st, char *why, size_t len)
{
    assert(m && st);
    char win[48];
    const char *what = NULL;
    if ((m->flags & WS_MF_CHECKPOINT) && st->ckpt_done == 0)
        what = "no checkpoint completed in";
    else if ((m->flags & WS_MF_WRITE_PHASE) && st->lat_phase[1].n == 0)
        what = "no transaction completed during a checkpoint's write phase in";
    else if ((m->flags & WS_MF_SYNC_PHASE) && st->lat_phase[2].n == 0)
        what = "no transaction completed during a checkpoint's sync phase in";
    if (!what)
        return true;
    if (why && len) {
        window_text(st, win, sizeof win);
        snprintf(why, len, "%s %s; lengthen duration or use duration = auto", what, win);
    }
    return false;
}
