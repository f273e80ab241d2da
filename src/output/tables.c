/*
 * tables.c - timeline.csv, checkpoints.csv and latency_cdf.csv (columns in
 * docs/outputs.md), and the sweep's table on stdout.  Numbers are printed with %.9g or as integers, so the
 * same run gives the same bytes.
 */
#include "walsim/csvread.h"
#include "walsim/report.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "walsim/metrics.h"

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
          "dev_backend_bytes,dev_writeback_bytes,dev_util,throttle_ms,wal_lsn,wal_file,in_window",
          f);
    /* pg_wal's volume, archiving, slot: only when a variant uses them
     * (docs/wal-volume.md) */
    bool walvol = false;
    for (size_t v = 0; v < n; v++)
        walvol = walvol || stats[v].walvol.on;
    if (walvol)
        fputs(",wal_volume_bytes,archive_lag_segments,archive_lag_bytes,slot_lag_bytes,wal_dev_util,"
              "wal_time_to_full_s", f);
    /* last, so readers of the earlier columns by position keep working */
    fputs(",dev_read_iops,dev_write_iops\n", f);
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
            fprintf(f, ",%s,%s,%d", r->wal_lsn[0] ? r->wal_lsn : "", r->wal_file,
                    in_window(&stats[v].win, r->t_s));
            if (walvol) {
                u64(f, stats[v].walvol.volume_bytes);
                u64(f, (uint64_t)r->archive_lag_segs);
                u64(f, (uint64_t)r->archive_lag_segs * stats[v].wal_segment_bytes);
                u64(f, r->slot_lag_bytes);
                num(f, r->wal_dev_util);
                /* if nothing were removed from now on, at this interval's WAL rate */
                double rate = r->len_s > 0 ? (double)r->wal_bytes / r->len_s : 0;
                uint64_t vol = stats[v].walvol.volume_bytes;
                if (vol > 0 && rate > 0)
                    num(f, vol > r->pg_wal_bytes ? (double)(vol - r->pg_wal_bytes) / rate : 0);
                else
                    fputc(',', f);
            }
            num(f, r->len_s > 0 ? (double)r->dev_read_ios / r->len_s : 0);
            num(f, r->len_s > 0 ? (double)r->dev_write_ios / r->len_s : 0);
            fputc('\n', f);
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
        for (size_t i = 0; i < d[v].ckpts.n; i++) {
            ws_ckpt_record tmp;
            const ws_ckpt_record *c = ws_spool_get(&d[v].ckpts, i, &tmp);
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

/* ---- the sweep's table on stdout ------------------------------------- */

/* Mean of column `col` over the rows [first, first + n) that share a
 * point and variant (the seeds); NAN when the column is missing or empty. */
static double mean_col(const ws_csv *c, int col, const size_t *rows, size_t n)
{
    double sum = 0;
    size_t k = 0;
    ws_diag err;
    for (size_t i = 0; col >= 0 && i < n; i++) {
        double x;
        if (!ws_csv_empty(c, rows[i], (size_t)col) &&
            ws_csv_num(c, rows[i], (size_t)col, &x, &err) == WS_OK) {
            sum += x;
            k++;
        }
    }
    return k ? sum / (double)k : NAN;
}

/* "x1.02" of b against a, or "-" when it cannot be said. */
static void ratio_cell(double a, double b, char *buf, size_t len)
{
    if (isfinite(a) && isfinite(b) && a != 0)
        snprintf(buf, len, "x%.2f", b / a);
    else
        snprintf(buf, len, "-");
}

int ws_report_sweep_table(FILE *f, const char *csv_path, ws_diag *err)
{
    ws_csv *c = NULL;
    int rc = ws_csv_read_file(csv_path, &c, err);
    if (rc != WS_OK)
        return rc;
    int cp = ws_csv_col(c, "point"), cseed = ws_csv_col(c, "seed"), cv = ws_csv_col(c, "variant");
    if (cp < 0 || cseed < 0 || cv < 0) {
        ws_diag_set(err, NULL, 0, "%s: expected the columns point, seed and variant", csv_path);
        ws_csv_free(c);
        return WS_EINPUT;
    }
    /* the parameter columns: between seed and variant, without the _num twins */
    int params[16], np = 0;
    for (int k = cseed + 1; k < cv && np < 16; k++) {
        const char *name = ws_csv_col_name(c, (size_t)k);
        size_t len = strlen(name);
        if (len < 4 || strcmp(name + len - 4, "_num") != 0)
            params[np++] = k;
    }
    int c_tps = ws_csv_col(c, "tps"), c_p50 = ws_csv_col(c, "p50_latency_ms"),
        c_p99 = ws_csv_col(c, "p99_latency_ms"), c_t = ws_csv_col(c, "checkpoints_timed"),
        c_r = ws_csv_col(c, "checkpoints_req"), c_w = ws_csv_col(c, "wal_bytes_per_tx_bytes"),
        c_pw = ws_csv_col(c, "pg_wal_peak_bytes"), c_rec = ws_csv_col(c, "worst_recovery_s"),
        c_ov = ws_csv_col(c, "overloaded"), c_cy = ws_csv_col(c, "checkpoint_cycles");
    size_t nrows = ws_csv_rows(c);
    size_t *group = calloc(nrows ? nrows : 1, sizeof *group);
    bool *done = calloc(nrows ? nrows : 1, sizeof *done);
    if (!group || !done) {
        free(group);
        free(done);
        ws_csv_free(c);
        return WS_ENOMEM;
    }
    fprintf(f, "%-5s", "point");
    for (int k = 0; k < np; k++)
        fprintf(f, " %-18.18s", ws_csv_col_name(c, (size_t)params[k]));
    fprintf(f, " %-12s %9s %8s %8s %10s %9s %9s %9s  %s\n", "variant", "tps", "p50 ms", "p99 ms",
            "ckpt t/req", "WAL B/tx", "pg_wal", "recovery", "vs point 0 (same variant)");
    for (size_t r = 0; r < nrows; r++) {
        if (done[r])
            continue;
        size_t n = 0;
        for (size_t q = r; q < nrows; q++)
            if (!done[q] && !strcmp(ws_csv_cell(c, q, (size_t)cp), ws_csv_cell(c, r, (size_t)cp)) &&
                !strcmp(ws_csv_cell(c, q, (size_t)cv), ws_csv_cell(c, r, (size_t)cv))) {
                group[n++] = q;
                done[q] = true;
            }
        /* the reference: the first point's rows of the same variant */
        size_t ref[4096], nref = 0;
        const char *p0 = ws_csv_cell(c, 0, (size_t)cp);
        for (size_t q = 0; q < nrows && nref < 4096; q++)
            if (!strcmp(ws_csv_cell(c, q, (size_t)cp), p0) &&
                !strcmp(ws_csv_cell(c, q, (size_t)cv), ws_csv_cell(c, r, (size_t)cv)))
                ref[nref++] = q;
        double tps = mean_col(c, c_tps, group, n), p50 = mean_col(c, c_p50, group, n),
               p99 = mean_col(c, c_p99, group, n), wal = mean_col(c, c_w, group, n);
        char ck[32], pw[32], rec[32], rt[16], rp[16], rw[16], rr[16], flags[64] = "";
        snprintf(ck, sizeof ck, "%.0f/%.0f", mean_col(c, c_t, group, n),
                 mean_col(c, c_r, group, n));
        ws_metric_format(WS_MK_SIZE, mean_col(c, c_pw, group, n), 4, pw, sizeof pw);
        ws_metric_format(WS_MK_TIME, mean_col(c, c_rec, group, n), 3, rec, sizeof rec);
        fprintf(f, "%-5s", ws_csv_cell(c, r, (size_t)cp));
        for (int k = 0; k < np; k++)
            fprintf(f, " %-18.18s", ws_csv_cell(c, r, (size_t)params[k]));
        if (mean_col(c, c_ov, group, n) > 0)
            snprintf(flags, sizeof flags, "  ! OVERLOADED");
        else if (mean_col(c, c_cy, group, n) < 2)
            snprintf(flags, sizeof flags, "  ! FEW CYCLES");
        fprintf(f, " %-12.12s %9.1f %8.2f %8.2f %10s %9.0f %9s %9s  ", ws_csv_cell(c, r, (size_t)cv),
                tps, p50, p99, ck, wal, pw, rec);
        if (strcmp(ws_csv_cell(c, r, (size_t)cp), p0) == 0) {
            fprintf(f, "(reference)%s\n", flags);
        } else {
            ratio_cell(mean_col(c, c_tps, ref, nref), tps, rt, sizeof rt);
            ratio_cell(mean_col(c, c_p99, ref, nref), p99, rp, sizeof rp);
            ratio_cell(mean_col(c, c_w, ref, nref), wal, rw, sizeof rw);
            ratio_cell(mean_col(c, c_rec, ref, nref), mean_col(c, c_rec, group, n), rr, sizeof rr);
            fprintf(f, "tps %s, p99 %s, WAL/tx %s, recovery %s%s\n", rt, rp, rw, rr, flags);
        }
    }
    free(group);
    free(done);
    ws_csv_free(c);
    return WS_OK;
}
