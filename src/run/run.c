/*
 * run.c - one variant from configuration to figures.
 *
 * A transaction: arrival -> CPU (workload.c) -> buffer accesses and WAL
 * insertion (ws_db_execute, instantaneous; returns the I/O time they
 * take) -> that long later, the commit, which waits for the WAL flush
 * when synchronous_commit is on -> done.  In-flight transactions live in
 * the workload's slab; the event argument is their handle.
 *
 * The engine runs in slices of one simulated second so that the progress
 * callback is called regularly; slicing does not change event order.
 */
#include "walsim/run.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "walsim/db.h"
#include "walsim/hist.h"
#include "walsim/recovery.h"
#include "walsim/workload.h"

/* Counters at the previous sample, for per-interval differences. */
typedef struct sample_prev {
    ws_time t;
    uint64_t wal_bytes, wal_fpi_bytes, wal_fpi;
    uint64_t buffers_checkpoint, buffers_clean, buffers_backend;
    uint64_t dev_read, dev_written[WS_IO__COUNT];
    ws_time dev_busy, throttle;
    uint32_t ckpts;
} sample_prev;

typedef struct runner {
    ws_sim *sim;
    ws_db *db;              /* NULL: no database model (CPU only) */
    ws_workload *wl;
    ws_hist *lat, *lat_phase[3];
    ws_hist *lat_interval;  /* transactions completed in the current interval */
    ws_timeline *timeline;  /* NULL: not collected */
    ws_time interval;
    sample_prev prev;
    ws_time warmup;
    uint64_t transactions;
    ws_time compression_cpu;  /* CPU for full-page image compression */
    ws_time shutdown_at;    /* when a shutdown was requested (0: none) */
    ws_time crash_at;       /* when the server crashed (0: none) */
    ws_crash_stats crash;
    /* LSNs of asynchronous commits not yet known flushed (ascending): a
     * crash loses those above the flushed LSN */
    uint64_t *async_lsn;
    size_t async_head, async_n, async_cap;
} runner;

static void on_tx_done(void *ctx, int type, ws_time arrival, ws_time end)
{
    runner *r = ctx;
    (void)type;
    double lat = (double)(end - arrival) / 1e9;
    if (r->lat_interval)
        ws_hist_add(r->lat_interval, lat);
    if (end < r->warmup)
        return;
    r->transactions++;
    ws_hist_add(r->lat, lat);
    int phase = r->db ? (int)r->db->ck.phase : 0;
    ws_hist_add(r->lat_phase[phase], lat);
}

static void committed(void *ctx, uint64_t handle)
{
    runner *r = ctx;
    r->db->wal.active--;
    ws_workload_complete(r->wl, (uint32_t)handle);
}

/* An asynchronous commit at `lsn`: remembered until WAL is flushed past it. */
static void async_commit(runner *r, uint64_t lsn)
{
    uint64_t flushed = r->db->wal.flushed;
    while (r->async_n && r->async_lsn[r->async_head] <= flushed) {
        r->async_head = (r->async_head + 1) % r->async_cap;
        r->async_n--;
    }
    if (lsn <= flushed)
        return;
    if (r->async_n == r->async_cap) {
        size_t cap = r->async_cap ? 2 * r->async_cap : 1024;
        uint64_t *n = malloc(cap * sizeof *n);
        if (!n)
            abort();
        for (size_t i = 0; i < r->async_n; i++)
            n[i] = r->async_lsn[(r->async_head + i) % r->async_cap];
        free(r->async_lsn);
        r->async_lsn = n;
        r->async_head = 0;
        r->async_cap = cap;
    }
    r->async_lsn[(r->async_head + r->async_n++) % r->async_cap] = lsn;
}

static void on_commit(ws_sim *sim, void *ctx, uint64_t handle)
{
    (void)sim;
    runner *r = ctx;
    const ws_tx *tx = ws_workload_tx(r->wl, (uint32_t)handle);
    if (tx->lsn && r->db->sync_commit) {
        ws_wal_flush(&r->db->wal, tx->lsn, committed, r, handle);
    } else {
        if (tx->lsn)
            async_commit(r, tx->lsn);
        committed(r, handle); /* asynchronous commit, or no WAL written */
    }
}

/* The transaction got a core: start loading what it will touch. */
static void start_tx(void *ctx, const ws_tx *tx)
{
    runner *r = ctx;
    ws_db_prefetch(r->db, tx->type, tx->seq);
}

static void exec_tx(void *ctx, ws_tx *tx, uint32_t handle)
{
    runner *r = ctx;
    r->db->wal.active++;
    ws_time cpu = 0;
    ws_time wait = ws_db_execute(r->db, tx->type, tx->seq, &tx->lsn, &cpu);
    r->compression_cpu += cpu;
    if (cpu > 0) { /* compressing images needs a core too: queue for one */
        ws_time now = ws_sim_now(r->sim);
        wait += ws_workload_cpu(r->wl, now, cpu) - now;
    }
    if (wait > 0)
        ws_sim_after(r->sim, wait, on_commit, r, handle);
    else
        on_commit(r->sim, r, handle); /* no I/O to wait for: commit at once, one event fewer */
}

/* The device's service time up to now: the work it has queued is served
 * in one busy period from now, so what lies beyond now is not done yet. */
static ws_time dev_busy_done(const ws_device *d, ws_time now)
{
    return d->busy_ns - (d->busy_until > now ? d->busy_until - now : 0);
}

/* The statistics views' counters, cumulative, into row. */
static void fill_stat(ws_interval *row, const ws_db *db)
{
    const ws_wal_stats *w = &db->wal.st;
    row->stat.checkpoints_timed = db->st.checkpoints_timed;
    row->stat.checkpoints_req = db->st.checkpoints_req;
    row->stat.checkpoint_write_ms = db->st.checkpoint_write_time_ms;
    row->stat.checkpoint_sync_ms = db->st.checkpoint_sync_time_ms;
    row->stat.buffers_checkpoint = db->st.buffers_checkpoint;
    row->stat.buffers_clean = db->st.buffers_clean;
    row->stat.maxwritten_clean = db->st.maxwritten_clean;
    row->stat.buffers_backend = db->st.buffers_backend;
    row->stat.buffers_alloc = db->st.buffers_alloc;
    row->stat.wal_records = w->records;
    row->stat.wal_fpi = w->fpi;
    row->stat.wal_bytes = w->bytes;
    row->stat.wal_buffers_full = w->buffers_full;
    row->stat.wal_write = w->write;
    row->stat.wal_sync = w->sync;
    row->stat.wal_sync_ms = (double)w->sync_time / 1e6;
}

/* One timeline row for the interval that ends now. */
static void sample(runner *r)
{
    ws_time now = ws_sim_now(r->sim);
    sample_prev *p = &r->prev;
    if (now <= p->t) {
        /* events after the last sample at this same instant (the end):
         * the cumulative counters must include them */
        if (r->db && r->timeline->n)
            fill_stat(&r->timeline->rows[r->timeline->n - 1], r->db);
        return;
    }
    ws_interval *row = ws_timeline_add(r->timeline);
    row->t_s = (double)p->t / 1e9;
    row->len_s = (double)(now - p->t) / 1e9;
    const ws_hist *h = r->lat_interval;
    row->transactions = ws_hist_count(h);
    row->lat_mean_ms = ws_hist_mean(h) * 1e3;
    row->lat_p50_ms = ws_hist_quantile(h, 0.50) * 1e3;
    row->lat_p95_ms = ws_hist_quantile(h, 0.95) * 1e3;
    row->lat_p99_ms = ws_hist_quantile(h, 0.99) * 1e3;
    row->lat_p999_ms = ws_hist_quantile(h, 0.999) * 1e3;
    row->lat_max_ms = ws_hist_max(h) * 1e3;
    ws_hist_reset(r->lat_interval);
    ws_db *db = r->db;
    if (db) {
        unsigned m = ws_ckpt_phases(db);
        row->ckpt_phase = m & 1u << WS_CKPT_SYNC ? 2 : m & 1u << WS_CKPT_WRITE ? 1 : 0;
        row->ckpt_started = db->ck.n_rec - p->ckpts;
        const ws_wal_stats *w = &db->wal.st;
        row->wal_bytes = w->bytes - p->wal_bytes;
        row->wal_fpi_bytes = w->fpi_bytes - p->wal_fpi_bytes;
        row->wal_fpi = w->fpi - p->wal_fpi;
        row->pg_wal_bytes = ws_wal_pg_wal_bytes(&db->wal);
        ws_wal_lsn_text(db->wal.insert, row->wal_lsn, sizeof row->wal_lsn);
        ws_wal_file_name(&db->wal, db->wal.insert, row->wal_file, sizeof row->wal_file);
        row->dirty_buffers = db->bp.dirty;
        row->os_dirty_bytes = ws_pc_dirty_bytes(&db->pc);
        row->os_writeback_bytes = ws_pc_writeback_bytes(&db->pc);
        row->buffers_checkpoint = db->st.buffers_checkpoint - p->buffers_checkpoint;
        row->buffers_clean = db->st.buffers_clean - p->buffers_clean;
        row->buffers_backend = db->st.buffers_backend - p->buffers_backend;
        row->dev_read_bytes = db->dev.read_bytes - p->dev_read;
        for (int i = 0; i < WS_IO__COUNT; i++)
            row->dev_written[i] = db->dev.written[i] - p->dev_written[i];
        ws_time busy = dev_busy_done(&db->dev, now);
        row->dev_util = fmin(1, (double)(busy - p->dev_busy) / (double)(now - p->t));
        row->throttle_ms = (double)(db->pc.throttle_ns - p->throttle) / 1e6;
        fill_stat(row, db);
        *p = (sample_prev){now,
                           w->bytes,
                           w->fpi_bytes,
                           w->fpi,
                           db->st.buffers_checkpoint,
                           db->st.buffers_clean,
                           db->st.buffers_backend,
                           db->dev.read_bytes,
                           {0},
                           busy,
                           db->pc.throttle_ns,
                           db->ck.n_rec};
        for (int i = 0; i < WS_IO__COUNT; i++)
            p->dev_written[i] = db->dev.written[i];
    } else {
        p->t = now;
    }
}

static void on_sample(ws_sim *sim, void *ctx, uint64_t arg)
{
    (void)arg;
    runner *r = ctx;
    sample(r);
    ws_sim_after(sim, r->interval, on_sample, r, 0);
}

static void on_shutdown_event(ws_sim *sim, void *ctx, uint64_t arg)
{
    (void)sim;
    (void)arg;
    runner *r = ctx;
    ws_workload_stop(r->wl);
    r->shutdown_at = ws_sim_now(r->sim);
    ws_ckpt_request(r->db, WS_CKPT_F_SHUTDOWN | WS_CKPT_F_IMMEDIATE);
}

/* `crash at T`: the server stops dead; what recovery will take and what
 * is lost is worked out from the state at this instant. */
static void on_crash_event(ws_sim *sim, void *ctx, uint64_t arg)
{
    (void)arg;
    runner *r = ctx;
    ws_db *db = r->db;
    ws_time now = ws_sim_now(sim);
    if (r->crash_at)
        return; /* already down */
    r->crash_at = now > 0 ? now : 1;
    ws_workload_stop(r->wl);
    ws_sim_stop(sim);
    ws_crash_stats *c = &r->crash;
    c->crashed = true;
    c->at_s = (double)now / 1e9;
    uint64_t wal, pages;
    ws_ckpt_replay_now(db, &wal, &pages);
    ws_recovery rec;
    ws_recovery_estimate(&db->dev, ws_cfg_num(db->cfg, WS_S_replay_rate), db->full_page_writes,
                         wal, pages, &rec);
    c->recovery_s = rec.total_s;
    c->redo_s = rec.redo_s;
    c->read_s = rec.read_s;
    c->checkpoint_s = rec.checkpoint_s;
    c->replay_bytes = wal;
    c->replay_pages = pages;
    c->lost_wal_bytes = db->wal.insert - db->wal.flushed;
    async_commit(r, 0); /* drop what is flushed */
    c->lost_commits = r->async_n;
    c->aborted = ws_workload_started(r->wl) - ws_workload_completed(r->wl);
    for (int i = 0; i < db->n_rels; i++)
        if (!db->rels[i].logged)
            c->unlogged_bytes += db->rels[i].pages * WS_PAGE;
}

static void on_checkpoint_event(ws_sim *sim, void *ctx, uint64_t arg)
{
    (void)sim;
    (void)arg;
    ws_ckpt_request(ctx, WS_CKPT_F_IMMEDIATE | WS_CKPT_F_FORCE);
}

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void fill_lat(ws_lat *l, const ws_hist *h)
{
    l->n = ws_hist_count(h);
    l->mean_s = ws_hist_mean(h);
    l->p50_s = ws_hist_quantile(h, 0.50);
    l->p95_s = ws_hist_quantile(h, 0.95);
    l->p99_s = ws_hist_quantile(h, 0.99);
    l->p999_s = ws_hist_quantile(h, 0.999);
    l->max_s = ws_hist_max(h);
}

static void collect(const runner *r, ws_run_stats *out, const ws_hist *lat)
{
    fill_lat(&out->lat, lat);
    for (int i = 0; i < 3; i++)
        fill_lat(&out->lat_phase[i], r->lat_phase[i]);
    const ws_db *db = r->db;
    if (!db)
        return;
    const ws_db_stats *st = &db->st;
    out->ckpt_timed = st->checkpoints_timed;
    out->ckpt_req = st->checkpoints_req;
    out->ckpt_done = st->ckpt_count;
    out->ckpt_warnings = st->checkpoint_warnings;
    out->ckpt_skipped = st->checkpoints_skipped;
    if (st->ckpt_count) {
        double n = (double)st->ckpt_count;
        out->ckpt_write_s_mean = st->ckpt_write_s_sum / n;
        out->ckpt_sync_s_mean = st->ckpt_sync_s_sum / n;
        out->ckpt_total_s_mean = st->ckpt_total_s_sum / n;
        out->ckpt_buffers_mean = (double)st->ckpt_buffers_sum / n;
    }
    out->checkpoint_write_time_ms = st->checkpoint_write_time_ms;
    out->checkpoint_sync_time_ms = st->checkpoint_sync_time_ms;
    out->buffers_checkpoint = st->buffers_checkpoint;
    out->buffers_clean = st->buffers_clean;
    out->maxwritten_clean = st->maxwritten_clean;
    out->buffers_backend = st->buffers_backend;
    out->buffers_alloc = st->buffers_alloc;
    const ws_wal_stats *w = &db->wal.st;
    out->wal_records = w->records;
    out->wal_fpi = w->fpi;
    out->wal_bytes = w->bytes;
    out->wal_fpi_bytes = w->fpi_bytes;
    out->wal_fpi_raw_bytes = w->fpi_raw_bytes;
    out->wal_write = w->write;
    out->wal_buffers_full = w->buffers_full;
    out->wal_sync = w->sync;
    out->wal_sync_time_ms = (double)w->sync_time / 1e6;
    uint64_t all_tx = ws_workload_completed(r->wl);
    out->wal_bytes_per_tx = all_tx ? (double)w->bytes / (double)all_tx : 0;
    out->fpi_share = w->bytes ? (double)w->fpi_bytes / (double)w->bytes : 0;
    out->compression_saving = w->fpi_raw_bytes ? 1 - (double)w->fpi_bytes / (double)w->fpi_raw_bytes : 0;
    if (out->compression_saving < 0)
        out->compression_saving = 0;
    out->pg_wal_peak_bytes = db->wal.pg_wal_peak;
    /* the worst moment: just before a checkpoint completed, or now */
    uint64_t worst = db->ck.worst_replay_bytes, worst_pages = db->ck.worst_replay_pages;
    if (db->wal.insert - db->ck.completed_redo > worst) {
        worst = db->wal.insert - db->ck.completed_redo;
        worst_pages = db->wal.st.fpi - db->ck.fpi_at_completed;
    }
    ws_recovery rec;
    ws_recovery_estimate(&db->dev, ws_cfg_num(db->cfg, WS_S_replay_rate), db->full_page_writes,
                         worst, worst_pages, &rec);
    out->worst_recovery_s = rec.total_s;
    out->worst_replay_bytes = worst;
    out->crash = r->crash;
    out->shared_buffers_bytes = (uint64_t)db->bp.n * WS_PAGE;
    out->max_wal_size_bytes = (uint64_t)ws_cfg_int(db->cfg, WS_S_max_wal_size);
    out->min_wal_size_bytes = (uint64_t)ws_cfg_int(db->cfg, WS_S_min_wal_size);
    out->checkpoint_timeout_s = ws_cfg_num(db->cfg, WS_S_checkpoint_timeout) / 1e9;
    out->checkpoint_completion_target = ws_cfg_num(db->cfg, WS_S_checkpoint_completion_target);
    out->checkpoint_warning_s = ws_cfg_num(db->cfg, WS_S_checkpoint_warning) / 1e9;
    out->wal_segment_bytes = (uint64_t)db->wal.seg;
    out->disk_size_bytes = (uint64_t)ws_cfg_num(db->cfg, WS_S_disk_size);
    for (int i = 0; i < db->n_rels; i++)
        out->database_bytes += db->rels[i].pages * WS_PAGE;
    uint32_t nd = 0;
    for (uint32_t i = 0; i < db->ck.n_rec; i++) {
        const ws_ckpt_record *c = &db->ck.rec[i];
        if (!c->done)
            continue;
        out->ckpt_distance_mean += (double)c->distance;
        if ((double)c->distance > out->ckpt_distance_max)
            out->ckpt_distance_max = (double)c->distance;
        nd++;
    }
    if (nd)
        out->ckpt_distance_mean /= nd;
    out->os_dirty_background_bytes = db->pc.bg_thresh;
    out->os_dirty_limit_bytes = db->pc.thresh;
    out->segments_added = w->segments_added;
    out->segments_removed = w->segments_removed;
    out->segments_recycled = w->segments_recycled;
    out->os_dirty_peak_bytes = db->pc.dirty_peak;
    ws_time now = ws_sim_now(r->sim);
    out->device_utilization = now > 0 ? fmin(1, (double)db->dev.busy_ns / (double)now) : 0;
    out->cpu_utilization = now > 0 ? fmin(1, (double)ws_workload_cpu_busy(r->wl) /
                                                 ((double)now * ws_workload_cores(r->wl)))
                                   : 0;
    out->compression_cpu_s = (double)r->compression_cpu / 1e9;
    for (int i = 0; i < 5; i++)
        out->dev_written[i] = db->dev.written[i];
    out->dev_read = db->dev.read_bytes;
    out->n_bulk = db->n_bulk;
    for (int i = 0; i < db->n_bulk; i++) {
        const ws_bulk *b = &db->bulk[i];
        ws_bulk_stats *o = &out->bulk[i];
        snprintf(o->name, sizeof o->name, "%s", b->name);
        o->finished = b->state == 4;
        o->rows = b->done;
        o->start_s = (double)b->t_start / 1e9;
        if (b->state >= 3) {
            o->load_s = (double)(b->t_loaded - b->t_start) / 1e9;
            o->rows_per_s = o->load_s > 0 ? (double)b->done / o->load_s : 0;
            o->wal_load_bytes = b->wal_loaded - b->wal_start;
        }
        if (b->state == 4) {
            o->build_s = (double)(b->t_built - b->t_loaded) / 1e9;
            o->wal_build_bytes = b->wal_built - b->wal_loaded;
        }
    }
}

int ws_run_validate(const ws_config *cfg, ws_diag *err)
{
    ws_sim *sim = ws_sim_new(0);
    if (!sim) {
        ws_diag_set(err, NULL, 0, "out of memory");
        return WS_ENOMEM;
    }
    ws_workload *wl = NULL;
    int rc = ws_workload_new(sim, cfg, 0, NULL, NULL, &wl, err);
    if (rc == WS_OK && (strcmp(ws_cfg_str(cfg, WS_S_profile), "pgbench") == 0 ||
                        ws_cfg_instance_count(cfg, WS_SEC_TABLE) > 0)) {
        ws_db db;
        rc = ws_db_init(&db, sim, cfg, NULL, err);
        ws_db_destroy(&db);
    }
    ws_workload_free(wl);
    ws_sim_free(sim);
    return rc;
}

int ws_run(const ws_config *cfg, ws_progress_fn progress, void *ctx, FILE *log,
           ws_run_stats *out, ws_diag *err)
{
    return ws_run_detailed(cfg, progress, ctx, log, NULL, out, err);
}

void ws_run_detail_free(ws_run_detail *d)
{
    ws_timeline_free(&d->timeline);
    free(d->ckpts);
    ws_hist_free(d->lat);
    *d = (ws_run_detail){0};
}

int ws_run_detailed(const ws_config *cfg, ws_progress_fn progress, void *ctx, FILE *log,
                    ws_run_detail *detail, ws_run_stats *out, ws_diag *err)
{
    if (detail)
        *detail = (ws_run_detail){0};
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
    runner r = {.warmup = warmup};
    r.lat = ws_hist_new();
    for (int i = 0; i < 3; i++)
        r.lat_phase[i] = ws_hist_new();
    r.sim = ws_sim_new(0);
    if (detail) {
        r.timeline = &detail->timeline;
        r.lat_interval = ws_hist_new();
        r.interval = (ws_time)llround(ws_cfg_num(cfg, WS_S_interval));
    }
    ws_db db;
    int rc = WS_OK;
    if (!r.lat || !r.lat_phase[0] || !r.lat_phase[1] || !r.lat_phase[2] || !r.sim ||
        (detail && !r.lat_interval)) {
        ws_diag_set(err, NULL, 0, "out of memory");
        rc = WS_ENOMEM;
        goto done;
    }
    rc = ws_workload_new(r.sim, cfg, out->seed, on_tx_done, &r, &r.wl, err);
    if (rc != WS_OK)
        goto done;

    /* The database model, unless the scenario describes no data at all
     * (a custom workload without tables: CPU only). */
    bool model = strcmp(ws_cfg_str(cfg, WS_S_profile), "pgbench") == 0 ||
                 ws_cfg_instance_count(cfg, WS_SEC_TABLE) > 0;
    if (model) {
        rc = ws_db_init(&db, r.sim, cfg, log, err);
        if (rc != WS_OK) {
            ws_db_destroy(&db);
            goto done;
        }
        r.db = &db;
        double weights[WS_MAX_TX_TYPES];
        ws_time cpu[WS_MAX_TX_TYPES];
        for (int i = 0; i < db.n_types; i++) {
            weights[i] = db.types[i].weight;
            cpu[i] = db.types[i].cpu;
        }
        if (db.n_types > 0) {
            ws_workload_set_types(r.wl, db.n_types, weights, cpu);
            ws_workload_set_exec(r.wl, start_tx, exec_tx, &r);
        }
        /* [events]: checkpoint at T, immediate as the CHECKPOINT command.
         * (crash at T is acted on by the scenario-library issue.) */
        const ws_scenario *sc = ws_config_scenario(cfg);
        for (size_t i = 0; i < ws_scenario_event_count(sc); i++) {
            const ws_scenario_event *e = ws_scenario_event_at(sc, i);
            if (e->kind == WS_EV_CHECKPOINT && e->at_ns < duration)
                ws_sim_at(r.sim, e->at_ns, on_checkpoint_event, &db, 0);
            else if (e->kind == WS_EV_SHUTDOWN && e->at_ns < duration)
                ws_sim_at(r.sim, e->at_ns, on_shutdown_event, &r, 0);
            else if (e->kind == WS_EV_CRASH && e->at_ns < duration)
                ws_sim_at(r.sim, e->at_ns, on_crash_event, &r, 0);
        }
        ws_time crash_at = (ws_time)llround(ws_cfg_num(cfg, WS_S_crash_at));
        if (crash_at > 0 && crash_at < duration)
            ws_sim_at(r.sim, crash_at, on_crash_event, &r, 0);
    }
    ws_workload_start(r.wl);
    if (r.timeline)
        ws_sim_at(r.sim, r.interval, on_sample, &r, 0);

    ws_time end = duration;
    for (ws_time t = 0; t < duration;) {
        t = t + WS_SEC < duration ? t + WS_SEC : duration;
        ws_sim_run(r.sim, t);
        if (progress)
            progress(ctx, (double)t / (double)duration);
        if (r.db && r.db->ck.shutdown_done) { /* the server is down: the run ends */
            end = r.shutdown_at > warmup ? r.shutdown_at : duration;
            out->shutdown_s = (double)(r.db->ck.shutdown_done - r.shutdown_at) / 1e9;
            break;
        }
        if (r.crash_at) {
            end = r.crash_at > warmup ? r.crash_at : duration;
            break;
        }
    }

    if (r.timeline) {
        sample(&r); /* a last, partial interval */
        if (r.db) {
            detail->n_ckpts = r.db->ck.n_rec;
            detail->ckpts = malloc((detail->n_ckpts ? detail->n_ckpts : 1) * sizeof *detail->ckpts);
            if (!detail->ckpts)
                abort();
            if (detail->n_ckpts)
                memcpy(detail->ckpts, r.db->ck.rec, detail->n_ckpts * sizeof *detail->ckpts);
        }
        detail->lat = r.lat;
        r.lat = NULL;
    }
    out->duration_s = (double)(end - warmup) / 1e9;
    out->simulated_s = (double)end / 1e9;
    out->transactions = r.transactions;
    out->tps = (double)r.transactions / out->duration_s;
    collect(&r, out, detail ? detail->lat : r.lat);
    out->events = ws_sim_events_run(r.sim);
    if (r.db)
        ws_db_destroy(r.db);
done:
    out->wall_s = wall_now() - t0;
    ws_workload_free(r.wl);
    ws_sim_free(r.sim);
    ws_hist_free(r.lat);
    ws_hist_free(r.lat_interval);
    free(r.async_lsn);
    for (int i = 0; i < 3; i++)
        ws_hist_free(r.lat_phase[i]);
    return rc;
}
