/*
 * summary.c - summary.json and the terminal comparison table.
 *
 * Numbers are printed with %.9g, so a run of the same scenario and seed
 * gives a byte-identical file.  Nothing time-of-day or wall-clock related
 * goes into the file.
 */
#include "walsim/report.h"

#include "walsim/advise.h"

#include <math.h>
#include <string.h>

static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            if (*p < 0x20)
                fprintf(f, "\\u%04x", *p);
            else
                fputc(*p, f);
        }
    }
    fputc('"', f);
}

static void json_number(FILE *f, double x)
{
    if (isfinite(x))
        fprintf(f, "%.9g", x);
    else
        fputs("null", f);
}

static void json_lat(FILE *f, const ws_lat *l)
{
    const char *names[] = {"p50", "p95", "p99", "p999", "max", "mean"};
    const double vals[] = {l->p50_s, l->p95_s, l->p99_s, l->p999_s, l->max_s, l->mean_s};
    fprintf(f, "{\"count\": %llu", (unsigned long long)l->n);
    for (int i = 0; i < 6; i++) {
        fprintf(f, ", \"%s\": ", names[i]);
        json_number(f, vals[i] * 1e3);
    }
    fputc('}', f);
}

static void json_field_u(FILE *f, const char *name, uint64_t v, int first)
{
    fprintf(f, "%s\"%s\": %llu", first ? "" : ", ", name, (unsigned long long)v);
}

static void json_field_d(FILE *f, const char *name, double v)
{
    fprintf(f, ", \"%s\": ", name);
    json_number(f, v);
}

/* The statistics views as the variant's PostgreSQL version names them
 * (pg-mechanics.md section 10): pg_stat_bgwriter in 13-16; from 17 the
 * checkpoint columns move to pg_stat_checkpointer; pg_stat_wal from 14. */
static void json_pg_stat(FILE *f, const ws_run_stats *r)
{
    fputs("{\n        ", f);
    if (r->pg_version <= 16) {
        fputs("\"pg_stat_bgwriter\": {", f);
        json_field_u(f, "checkpoints_timed", r->ckpt_timed, 1);
        json_field_u(f, "checkpoints_req", r->ckpt_req, 0);
        fprintf(f, ", \"checkpoint_write_time\": %.0f, \"checkpoint_sync_time\": %.0f",
                r->checkpoint_write_time_ms, r->checkpoint_sync_time_ms);
        json_field_u(f, "buffers_checkpoint", r->buffers_checkpoint, 0);
        json_field_u(f, "buffers_clean", r->buffers_clean, 0);
        json_field_u(f, "maxwritten_clean", r->maxwritten_clean, 0);
        json_field_u(f, "buffers_backend", r->buffers_backend, 0);
        json_field_u(f, "buffers_backend_fsync", 0, 0);
        json_field_u(f, "buffers_alloc", r->buffers_alloc, 0);
        fputs("}", f);
    } else {
        fputs("\"pg_stat_checkpointer\": {", f);
        json_field_u(f, "num_timed", r->ckpt_timed, 1);
        json_field_u(f, "num_requested", r->ckpt_req, 0);
        fprintf(f, ", \"write_time\": %.0f, \"sync_time\": %.0f", r->checkpoint_write_time_ms,
                r->checkpoint_sync_time_ms);
        json_field_u(f, "buffers_written", r->buffers_checkpoint, 0);
        fputs("},\n        \"pg_stat_bgwriter\": {", f);
        json_field_u(f, "buffers_clean", r->buffers_clean, 1);
        json_field_u(f, "maxwritten_clean", r->maxwritten_clean, 0);
        json_field_u(f, "buffers_alloc", r->buffers_alloc, 0);
        fputs("}", f);
    }
    if (r->pg_version >= 14) {
        fputs(",\n        \"pg_stat_wal\": {", f);
        json_field_u(f, "wal_records", r->wal_records, 1);
        json_field_u(f, "wal_fpi", r->wal_fpi, 0);
        json_field_u(f, "wal_bytes", r->wal_bytes, 0);
        json_field_u(f, "wal_buffers_full", r->wal_buffers_full, 0);
        json_field_u(f, "wal_write", r->wal_write, 0);
        json_field_u(f, "wal_sync", r->wal_sync, 0);
        fprintf(f, ", \"wal_sync_time\": %.3f}", r->wal_sync_time_ms);
    }
    fputs("\n      }", f);
}

void ws_report_scenario_slug(const char *file, char *buf, size_t len)
{
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    size_t n = strlen(base);
    if (n > 5 && strcmp(base + n - 5, ".conf") == 0)
        n -= 5;
    if (n == 0) {
        base = "scenario";
        n = strlen(base);
    }
    snprintf(buf, len, "%.*s", (int)n, base);
}

/* Settings whose displayed value is not the same in every variant. */
static void differing_settings(FILE *f, const ws_config *const *cfgs, size_t n, size_t self)
{
    int first = 1;
    fputs("{", f);
    for (int id = 0; id < WS_S__COUNT; id++) {
        ws_section sec = ws_setting_desc_get((ws_setting_id)id)->section;
        if (ws_section_named((ws_section)sec))
            continue;
        char a[128], b[128];
        ws_value_format(ws_cfg_value(cfgs[0], (ws_setting_id)id), (ws_setting_id)id, a, sizeof a);
        int differs = 0;
        for (size_t v = 1; v < n && !differs; v++) {
            ws_value_format(ws_cfg_value(cfgs[v], (ws_setting_id)id), (ws_setting_id)id, b,
                            sizeof b);
            differs = strcmp(a, b) != 0;
        }
        if (!differs)
            continue;
        ws_value_format(ws_cfg_value(cfgs[self], (ws_setting_id)id), (ws_setting_id)id, b,
                        sizeof b);
        fprintf(f, "%s\n        ", first ? "" : ",");
        json_string(f, ws_setting_desc_get((ws_setting_id)id)->name);
        fputs(": ", f);
        json_string(f, b);
        first = 0;
    }
    fputs(first ? "}" : "\n      }", f);
}

void ws_report_summary_json(FILE *f, const ws_scenario *s, const ws_config *const *cfgs,
                            const ws_run_stats *stats, size_t n)
{
    char slug[256];
    ws_report_scenario_slug(ws_scenario_file(s), slug, sizeof slug);
    fprintf(f, "{\n  \"schema_version\": %d,\n  \"walsim_version\": ", WS_SUMMARY_SCHEMA_VERSION);
    json_string(f, WALSIM_VERSION);
    fputs(",\n  \"scenario\": {\n    \"file\": ", f);
    json_string(f, ws_scenario_file(s));
    fputs(",\n    \"slug\": ", f);
    json_string(f, slug);
    fputs(",\n    \"name\": ", f);
    const char *title = n ? ws_cfg_str(cfgs[0], WS_S_name) : "";
    json_string(f, title && *title ? title : slug);
    fputs("\n  },\n  \"variants\": {", f);
    for (size_t v = 0; v < n; v++) {
        const ws_run_stats *r = &stats[v];
        fprintf(f, "%s\n    ", v ? "," : "");
        json_string(f, r->variant);
        fprintf(f, ": {\n      \"pg_version\": %d,\n      \"seed\": %llu,\n", r->pg_version,
                (unsigned long long)r->seed);
        fputs("      \"duration_s\": ", f);
        json_number(f, r->duration_s);
        fputs(",\n      \"shutdown_s\": ", f);
        json_number(f, r->shutdown_s);
        fprintf(f, ",\n      \"transactions\": %llu,\n      \"tps\": ",
                (unsigned long long)r->transactions);
        json_number(f, r->tps);
        fputs(",\n      \"latency_ms\": ", f);
        json_lat(f, &r->lat);
        fputs(",\n      \"latency_ms_by_phase\": {", f);
        const char *phases[] = {"idle", "write", "sync"};
        for (int i = 0; i < 3; i++) {
            fprintf(f, "%s\n        \"%s\": ", i ? "," : "", phases[i]);
            json_lat(f, &r->lat_phase[i]);
        }
        fputs("\n      },\n      \"checkpoints\": {", f);
        json_field_u(f, "timed", r->ckpt_timed, 1);
        json_field_u(f, "requested", r->ckpt_req, 0);
        json_field_u(f, "completed", r->ckpt_done, 0);
        json_field_u(f, "warnings", r->ckpt_warnings, 0);
        json_field_u(f, "skipped", r->ckpt_skipped, 0);
        json_field_d(f, "write_s_mean", r->ckpt_write_s_mean);
        json_field_d(f, "sync_s_mean", r->ckpt_sync_s_mean);
        json_field_d(f, "total_s_mean", r->ckpt_total_s_mean);
        json_field_d(f, "buffers_mean", r->ckpt_buffers_mean);
        json_field_d(f, "checkpoint_write_time_ms", r->checkpoint_write_time_ms);
        json_field_d(f, "checkpoint_sync_time_ms", r->checkpoint_sync_time_ms);
        fputs("},\n      \"buffers\": {", f);
        json_field_u(f, "checkpoint", r->buffers_checkpoint, 1);
        json_field_u(f, "clean", r->buffers_clean, 0);
        json_field_u(f, "maxwritten_clean", r->maxwritten_clean, 0);
        json_field_u(f, "backend", r->buffers_backend, 0);
        json_field_u(f, "alloc", r->buffers_alloc, 0);
        fputs("},\n      \"wal\": {", f);
        json_field_u(f, "bytes", r->wal_bytes, 1);
        json_field_d(f, "bytes_per_tx", r->wal_bytes_per_tx);
        json_field_u(f, "records", r->wal_records, 0);
        json_field_u(f, "fpi_count", r->wal_fpi, 0);
        json_field_u(f, "fpi_bytes", r->wal_fpi_bytes, 0);
        json_field_u(f, "fpi_raw_bytes", r->wal_fpi_raw_bytes, 0);
        json_field_d(f, "fpi_share", r->fpi_share);
        json_field_d(f, "compression_saving", r->compression_saving);
        json_field_u(f, "syncs", r->wal_sync, 0);
        json_field_u(f, "segments_added", r->segments_added, 0);
        json_field_u(f, "segments_removed", r->segments_removed, 0);
        json_field_u(f, "segments_recycled", r->segments_recycled, 0);
        fprintf(f, "},\n      \"pg_wal_peak_bytes\": %llu,\n      \"os_dirty_peak_bytes\": %llu,"
                   "\n      \"device_utilization\": ",
                (unsigned long long)r->pg_wal_peak_bytes, (unsigned long long)r->os_dirty_peak_bytes);
        json_number(f, r->device_utilization);
        fputs(",\n      \"cpu_utilization\": ", f);
        json_number(f, r->cpu_utilization);
        fputs(",\n      \"compression_cpu_s\": ", f);
        json_number(f, r->compression_cpu_s);
        fprintf(f, ",\n      \"limits\": {\"shared_buffers_bytes\": %llu, \"max_wal_size_bytes\": %llu, "
                   "\"min_wal_size_bytes\": %llu, \"os_dirty_background_bytes\": %llu, "
                   "\"os_dirty_limit_bytes\": %llu}",
                (unsigned long long)r->shared_buffers_bytes, (unsigned long long)r->max_wal_size_bytes,
                (unsigned long long)r->min_wal_size_bytes,
                (unsigned long long)r->os_dirty_background_bytes,
                (unsigned long long)r->os_dirty_limit_bytes);
        fputs(",\n      \"advice\": ", f);
        ws_advice adv;
        ws_advice_compute(r, &adv);
        ws_advice_json(f, &adv);
        fputs(",\n      \"recovery\": {\"worst_case_s\": ", f);
        json_number(f, r->worst_recovery_s);
        fprintf(f, ", \"worst_case_replay_bytes\": %llu}", (unsigned long long)r->worst_replay_bytes);
        fputs(",\n      \"crash\": ", f);
        if (r->crash.crashed) {
            const ws_crash_stats *c = &r->crash;
            fputs("{\"at_s\": ", f);
            json_number(f, c->at_s);
            json_field_d(f, "recovery_s", c->recovery_s);
            json_field_d(f, "redo_s", c->redo_s);
            json_field_d(f, "read_s", c->read_s);
            json_field_d(f, "checkpoint_s", c->checkpoint_s);
            json_field_u(f, "replay_bytes", c->replay_bytes, 0);
            json_field_u(f, "replay_pages", c->replay_pages, 0);
            json_field_u(f, "lost_wal_bytes", c->lost_wal_bytes, 0);
            json_field_u(f, "lost_commits", c->lost_commits, 0);
            json_field_u(f, "aborted_transactions", c->aborted, 0);
            json_field_u(f, "unlogged_bytes_reset", c->unlogged_bytes, 0);
            fputs("}", f);
        } else {
            fputs("null", f);
        }
        fputs(",\n      \"device_written_bytes\": {", f);
        const char *classes[] = {"wal", "checkpoint", "bgwriter", "backend", "writeback"};
        for (int i = 0; i < 5; i++)
            json_field_u(f, classes[i], r->dev_written[i], i == 0);
        fputs("},\n      \"bulk\": {", f);
        for (int i = 0; i < r->n_bulk; i++) {
            const ws_bulk_stats *b = &r->bulk[i];
            fprintf(f, "%s\n        ", i ? "," : "");
            json_string(f, b->name);
            fprintf(f, ": {\"finished\": %s", b->finished ? "true" : "false");
            json_field_d(f, "start_s", b->start_s);
            json_field_d(f, "load_s", b->load_s);
            json_field_d(f, "build_s", b->build_s);
            json_field_d(f, "rows_per_s", b->rows_per_s);
            json_field_u(f, "rows", b->rows, 0);
            json_field_u(f, "wal_load_bytes", b->wal_load_bytes, 0);
            json_field_u(f, "wal_build_bytes", b->wal_build_bytes, 0);
            fputs("}", f);
        }
        fputs(r->n_bulk ? "\n      },\n      \"pg_stat\": " : "},\n      \"pg_stat\": ", f);
        json_pg_stat(f, r);
        fprintf(f, ",\n      \"device_read_bytes\": %llu,\n      \"engine_events\": %llu,\n      \"settings\": ",
                (unsigned long long)r->dev_read, (unsigned long long)r->events);
        differing_settings(f, cfgs, n, v);
        fputs("\n    }", f);
    }
    fputs("\n  },\n  \"notes\": [", f);
    for (size_t i = 0; i < ws_scenario_note_count(s); i++) {
        fputs(i ? ",\n    " : "\n    ", f);
        json_string(f, ws_scenario_note(s, i));
    }
    fputs(ws_scenario_note_count(s) ? "\n  ]\n}\n" : "]\n}\n", f);
}

void ws_report_table(FILE *f, const ws_run_stats *stats, size_t n)
{
    fprintf(f, "%-14s %9s %8s %8s %8s %9s %11s %9s %10s %9s\n", "variant", "tps", "p50 ms",
            "p99 ms", "max ms", "p99 sync", "ckpt t/req", "WAL B/tx", "FPI share", "pg_wal");
    for (size_t v = 0; v < n; v++) {
        const ws_run_stats *r = &stats[v];
        char ck[32];
        snprintf(ck, sizeof ck, "%llu/%llu", (unsigned long long)r->ckpt_timed,
                 (unsigned long long)r->ckpt_req);
        fprintf(f, "%-14s %9.1f %8.2f %8.2f %8.1f %9.2f %11s %9.0f %9.1f%% %7.0fMB\n",
                r->variant, r->tps, r->lat.p50_s * 1e3, r->lat.p99_s * 1e3, r->lat.max_s * 1e3,
                r->lat_phase[2].p99_s * 1e3, ck, r->wal_bytes_per_tx, r->fpi_share * 100,
                (double)r->pg_wal_peak_bytes / 1048576);
    }
    if (n > 1 && stats[0].lat.p99_s > 0 && stats[0].tps > 0) {
        fprintf(f, "relative to %s:\n", stats[0].variant);
        for (size_t v = 1; v < n; v++)
            fprintf(f, "  %-14s tps x%.2f, p99 x%.2f, WAL/tx x%.2f\n", stats[v].variant,
                    stats[v].tps / stats[0].tps, stats[v].lat.p99_s / stats[0].lat.p99_s,
                    stats[0].wal_bytes_per_tx > 0 ? stats[v].wal_bytes_per_tx / stats[0].wal_bytes_per_tx : 0);
    }
}
