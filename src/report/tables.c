/*
 * tables.c - timeline.csv, checkpoints.csv and latency_cdf.csv (columns in
 * docs/outputs.md).  Numbers are printed with %.9g or as integers, so the
 * same run gives the same bytes.
 */
#include "walsim/csvread.h"
#include "walsim/report.h"

#include <inttypes.h>
#include <stdlib.h>

#include "walsim/db.h"

static void num(FILE *f, double x) { fprintf(f, ",%.9g", x); }
static void u64(FILE *f, uint64_t x) { fprintf(f, ",%" PRIu64, x); }

/* Is the row starting at t_s in the measurement window: does it start at
 * or after the window's start (to a nanosecond) and before its end? */
static int in_window(const ws_window *w, double t_s)
{
    return t_s >= w->start_s - 1e-9 && t_s < w->end_s;
}

void ws_report_timeline_csv(FILE *f, const ws_run_stats *stats, const ws_run_detail *d, size_t n)
{
    static const char *const phase[] = {"idle", "write", "sync"};
    fputs("variant,t_s,tps,lat_mean_ms,lat_p50_ms,lat_p95_ms,lat_p99_ms,lat_p999_ms,lat_max_ms,"
          "ckpt_phase,ckpt_started,wal_bytes,wal_fpi_bytes,wal_rec_bytes,wal_fpi,pg_wal_bytes,"
          "dirty_buffers,os_dirty_bytes,os_writeback_bytes,buffers_checkpoint,buffers_clean,"
          "buffers_backend,dev_read_bytes,dev_wal_bytes,dev_checkpoint_bytes,dev_bgwriter_bytes,"
          "dev_backend_bytes,dev_writeback_bytes,dev_util,throttle_ms,wal_lsn,wal_file,in_window\n",
          f);
    for (size_t v = 0; v < n; v++) {
        for (size_t i = 0; i < d[v].timeline.n; i++) {
            ws_interval tmp;
            const ws_interval *r = ws_timeline_get(&d[v].timeline, i, &tmp);
            ws_csv_write_field(f, stats[v].variant);
            fprintf(f, ",%.9g", r->t_s);
            num(f, r->len_s > 0 ? (double)r->transactions / r->len_s : 0);
            num(f, r->lat_mean_ms);
            num(f, r->lat_p50_ms);
            num(f, r->lat_p95_ms);
            num(f, r->lat_p99_ms);
            num(f, r->lat_p999_ms);
            num(f, r->lat_max_ms);
            fprintf(f, ",%s,%u", phase[r->ckpt_phase], r->ckpt_started);
            u64(f, r->wal_bytes);
            u64(f, r->wal_fpi_bytes);
            u64(f, r->wal_bytes - r->wal_fpi_bytes);
            u64(f, r->wal_fpi);
            u64(f, r->pg_wal_bytes);
            u64(f, r->dirty_buffers);
            u64(f, r->os_dirty_bytes);
            u64(f, r->os_writeback_bytes);
            u64(f, r->buffers_checkpoint);
            u64(f, r->buffers_clean);
            u64(f, r->buffers_backend);
            u64(f, r->dev_read_bytes);
            for (int c = 0; c < 5; c++)
                u64(f, r->dev_written[c]);
            num(f, r->dev_util);
            num(f, r->throttle_ms);
            fprintf(f, ",%s,%s,%d\n", r->wal_lsn[0] ? r->wal_lsn : "", r->wal_file,
                    in_window(&stats[v].win, r->t_s));
        }
    }
}

static void secs_or_empty(FILE *f, bool have, ws_time t)
{
    if (have)
        fprintf(f, ",%.9g", (double)t / 1e9);
    else
        fputc(',', f);
}

void ws_report_checkpoints_csv(FILE *f, const ws_run_stats *stats, const ws_run_detail *d, size_t n)
{
    fputs("variant,n,cause,start_s,sync_start_s,end_s,write_s,sync_s,total_s,buffers,buffers_pct,"
          "sync_files,longest_sync_s,average_sync_s,distance_bytes,estimate_bytes,wal_added,"
          "wal_removed,wal_recycled\n",
          f);
    for (size_t v = 0; v < n; v++) {
        for (size_t i = 0; i < d[v].n_ckpts; i++) {
            const ws_ckpt_record *c = &d[v].ckpts[i];
            char cause[96];
            ws_ckpt_flags_text(c->flags, '+', cause, sizeof cause);
            bool synced = c->sync_start >= 0;
            ws_csv_write_field(f, stats[v].variant);
            fprintf(f, ",%zu,%s,%.9g", i + 1, cause, (double)c->start / 1e9);
            secs_or_empty(f, synced, c->sync_start);
            secs_or_empty(f, c->done, c->end);
            secs_or_empty(f, synced, c->sync_start - c->start);
            secs_or_empty(f, c->done, c->end - c->sync_start);
            secs_or_empty(f, c->done, c->end - c->start);
            if (c->done) {
                fprintf(f, ",%u,%.9g,%u,%.9g,%.9g,%" PRIu64 ",%" PRIu64 ",%d,%d,%d\n", c->buffers,
                        c->buffers_pct, c->sync_files, (double)c->longest_sync / 1e9,
                        (double)c->average_sync / 1e9, c->distance, c->estimate, c->added,
                        c->removed, c->recycled);
            } else {
                fputs(",,,,,,,,,,\n", f);
            }
        }
    }
}

void ws_report_latency_cdf_csv(FILE *f, const ws_run_stats *stats, const ws_run_detail *d, size_t n)
{
    fputs("variant,latency_ms,cdf\n", f);
    enum { CAP = 4096 };
    double *up = malloc(CAP * sizeof *up), *cdf = malloc(CAP * sizeof *cdf);
    if (!up || !cdf)
        abort();
    for (size_t v = 0; v < n; v++) {
        if (!d[v].lat)
            continue;
        size_t k = ws_hist_buckets(d[v].lat, up, cdf, CAP);
        if (k > CAP)
            k = CAP;
        for (size_t i = 0; i < k; i++) {
            ws_csv_write_field(f, stats[v].variant);
            fprintf(f, ",%.9g,%.9g\n", up[i] * 1e3, cdf[i]);
        }
    }
    free(up);
    free(cdf);
}

void ws_report_pg_stat_csv(FILE *f, const ws_run_stats *st, const ws_run_detail *d,
                           double start_epoch)
{
    /* The columns of psql --csv for
     *   SELECT extract(epoch from now()) AS epoch, pg_current_wal_lsn() AS lsn,
     *          b.*, w.* FROM pg_stat_bgwriter b, pg_stat_wal w
     * (13-16; 13 has no pg_stat_wal) or, for 17, pg_stat_checkpointer and
     * the smaller pg_stat_bgwriter. */
    int v = st->pg_version;
    fputs("epoch,lsn,", f);
    if (v <= 16)
        fputs("checkpoints_timed,checkpoints_req,checkpoint_write_time,checkpoint_sync_time,"
              "buffers_checkpoint,buffers_clean,maxwritten_clean,buffers_backend,"
              "buffers_backend_fsync,buffers_alloc",
              f);
    else
        fputs("num_timed,num_requested,restartpoints_timed,restartpoints_req,restartpoints_done,"
              "write_time,sync_time,buffers_written,buffers_clean,maxwritten_clean,buffers_alloc",
              f);
    if (v >= 14)
        fputs(",wal_records,wal_fpi,wal_bytes,wal_buffers_full,wal_write,wal_sync,wal_write_time,"
              "wal_sync_time",
              f);
    fputc('\n', f);
    for (size_t i = 0; i < d->timeline.n; i++) {
        ws_interval tmp;
        const ws_interval *r = ws_timeline_get(&d->timeline, i, &tmp);
        fprintf(f, "%.3f,%s", start_epoch + r->t_s + r->len_s, r->wal_lsn);
        if (v <= 16)
            fprintf(f, ",%" PRIu64 ",%" PRIu64 ",%.0f,%.0f,%" PRIu64 ",%" PRIu64 ",%" PRIu64
                       ",%" PRIu64 ",0,%" PRIu64,
                    r->stat.checkpoints_timed, r->stat.checkpoints_req, r->stat.checkpoint_write_ms,
                    r->stat.checkpoint_sync_ms, r->stat.buffers_checkpoint, r->stat.buffers_clean,
                    r->stat.maxwritten_clean, r->stat.buffers_backend, r->stat.buffers_alloc);
        else
            fprintf(f, ",%" PRIu64 ",%" PRIu64 ",0,0,0,%.0f,%.0f,%" PRIu64 ",%" PRIu64 ",%" PRIu64
                       ",%" PRIu64,
                    r->stat.checkpoints_timed, r->stat.checkpoints_req, r->stat.checkpoint_write_ms,
                    r->stat.checkpoint_sync_ms, r->stat.buffers_checkpoint, r->stat.buffers_clean,
                    r->stat.maxwritten_clean, r->stat.buffers_alloc);
        if (v >= 14)
            fprintf(f, ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
                       ",0,%.3f",
                    r->stat.wal_records, r->stat.wal_fpi, r->stat.wal_bytes,
                    r->stat.wal_buffers_full, r->stat.wal_write, r->stat.wal_sync,
                    r->stat.wal_sync_ms);
        fputc('\n', f);
    }
}
