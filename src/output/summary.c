/*
 * summary.c - summary.json and the terminal comparison table.
 *
 * Both say what every figure covers and how far to trust it: the
 * measurement window, the 95 % intervals, the warnings (overloaded, too few
 * checkpoint cycles, cold start, ...), and ratios against the first
 * variant only where both sides carry their load (docs/outputs.md).
 *
 * Numbers are printed with %.9g, so a run of the same scenario and seed
 * gives a byte-identical file.  Nothing time-of-day or wall-clock related
 * goes into the file.
 */
#include "walsim/json.h"
#include "walsim/report.h"

#include "walsim/advise.h"
#include "walsim/device.h"
#include "walsim/expect.h"
#include "walsim/metrics.h"
#include "walsim/recovery.h"
#include "walsim/sha256.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Strings through the JSON module's writer: escapes and valid UTF-8. */
static void json_string(FILE *f, const char *s) { ws_json_write_string(f, s); }

static void json_number(FILE *f, double x)
{
    if (isfinite(x))
        fprintf(f, "%.9g", x);
    else
        fputs("null", f);
}

/* x with `prec` decimals, as psql shows a view's column; null if not finite. */
static void json_fixed(FILE *f, double x, int prec)
{
    if (isfinite(x))
        fprintf(f, "%.*f", prec, x);
    else
        fputs("null", f);
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

static void json_bool(FILE *f, bool b) { fputs(b ? "true" : "false", f); }

/* A number, or null when it does not apply. */
static void json_number_if(FILE *f, bool have, double x)
{
    if (have)
        json_number(f, x);
    else
        fputs("null", f);
}

/* {"est": N, "lo": N|null, "hi": N|null}, times `scale` (1e3: s to ms). */
static void json_ci(FILE *f, const char *est_name, double est, ws_ci c, double scale)
{
    fprintf(f, "{\"%s\": ", est_name);
    json_number(f, est * scale);
    fputs(", \"lo\": ", f);
    json_number_if(f, c.df > 0, c.lo * scale);
    fputs(", \"hi\": ", f);
    json_number_if(f, c.df > 0, c.hi * scale);
    fputc('}', f);
}

/* The point estimate of headline h: the interval's, when there is one. */
static double headline(const ws_run_stats *r, ws_headline h)
{
    const ws_ci *c = &r->win.ci[h];
    return r->win.ci_method[0] && isfinite(c->est) ? c->est : ws_run_headline(r, h);
}

/* "window": the span every figure of the variant covers, and the
 * conditions of its figures (run.h, ws_window). */
static void json_window(FILE *f, const ws_run_stats *r)
{
    const ws_window *w = &r->win;
    fputs("{\"start_s\": ", f);
    json_number(f, w->start_s);
    json_field_d(f, "end_s", w->end_s);
    json_field_d(f, "length_s", w->end_s - w->start_s);
    fprintf(f, ", \"warmup\": \"%s\", \"transient_ended\": ", w->warmup_auto ? "auto" : "set");
    json_bool(f, w->transient_ended);
    fprintf(f, ", \"start\": \"%s\", \"warm_phase_s\": ", w->warm_start ? "warm" : "cold");
    json_number_if(f, w->warm_start, w->warm_phase_s);
    fprintf(f, ",\n        \"duration\": \"%s\", \"checkpoint_cycles\": %u, \"cycle_s_mean\": ",
            w->duration_auto ? "auto" : "set", (unsigned)w->cycles);
    json_number_if(f, w->cycles > 0, w->cycle_s_mean);
    fputs(",\n        \"open_loop\": ", f);
    json_bool(f, w->open_loop);
    fputs(", \"overloaded\": ", f);
    json_bool(f, w->overloaded);
    fputs(", \"offered_tps\": ", f);
    json_number_if(f, w->open_loop, w->offered_tps);
    json_field_d(f, "backlog_slope_per_s", w->backlog_slope);
    fputs(", \"bottleneck\": ", f);
    if (w->bottleneck[0])
        json_string(f, w->bottleneck);
    else
        fputs("null", f);
    fputs(",\n        \"device_utilization\": ", f);
    json_number(f, w->dev_util);
    json_field_d(f, "cpu_utilization", w->cpu_util);
    json_field_d(f, "wal_flush_utilization", w->wal_flush_util);
    fputc('}', f);
}

/* "intervals": the 95 % intervals of the headline figures. */
static void json_intervals(FILE *f, const ws_run_stats *r)
{
    static const struct {
        const char *name;
        ws_headline h;
        double scale;
    } hs[] = {{"tps", WS_H_TPS, 1},        {"latency_mean_ms", WS_H_LAT_MEAN, 1e3},
              {"p50_ms", WS_H_P50, 1e3},   {"p99_ms", WS_H_P99, 1e3},
              {"p999_ms", WS_H_P999, 1e3}, {"wal_bytes_per_tx", WS_H_WAL_PER_TX, 1}};
    const ws_window *w = &r->win;
    fputs("{\"method\": ", f);
    if (w->ci_method[0])
        json_string(f, w->ci_method);
    else
        fputs("null", f);
    fprintf(f, ", \"batches\": %d", w->n_batches);
    for (size_t i = 0; i < sizeof hs / sizeof hs[0]; i++) {
        fprintf(f, ",\n        \"%s\": ", hs[i].name);
        json_ci(f, "est", headline(r, hs[i].h), w->ci[hs[i].h], hs[i].scale);
    }
    fputc('}', f);
}

static void json_warnings(FILE *f, const ws_run_stats *r)
{
    if (r->win.n_warn == 0) {
        fputs("[]", f);
        return;
    }
    fputc('[', f);
    for (int i = 0; i < r->win.n_warn && i < WS_MAX_WARNINGS; i++) {
        fputs(i ? ",\n        " : "\n        ", f);
        json_string(f, r->win.warn[i]);
    }
    fputs("\n      ]", f);
}

/* Can variant v be compared with the reference (the first variant)? */
static bool comparable(const ws_run_stats *ref, const ws_run_stats *v)
{
    return ref != v && ws_run_comparable(ref) && ws_run_comparable(v);
}

/* "relative": v against the reference, or null (the reference itself, or
 * either side overloaded). */
static void json_relative(FILE *f, const ws_run_stats *ref, const ws_run_stats *v)
{
    static const struct {
        const char *name;
        ws_headline h;
    } hs[] = {{"tps", WS_H_TPS}, {"p50", WS_H_P50}, {"p99", WS_H_P99},
              {"wal_per_tx", WS_H_WAL_PER_TX}};
    if (!comparable(ref, v)) {
        fputs("null", f);
        return;
    }
    fputs("{\"reference\": ", f);
    json_string(f, ref->variant);
    for (size_t i = 0; i < sizeof hs / sizeof hs[0]; i++) {
        ws_ci c = ws_run_ratio(ref, v, hs[i].h);
        fprintf(f, ",\n        \"%s\": ", hs[i].name);
        json_ci(f, "ratio", c.est, c, 1);
    }
    fputc('}', f);
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
        fputs(", \"checkpoint_write_time\": ", f);
        json_fixed(f, r->checkpoint_write_time_ms, 0);
        fputs(", \"checkpoint_sync_time\": ", f);
        json_fixed(f, r->checkpoint_sync_time_ms, 0);
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
        fputs(", \"write_time\": ", f);
        json_fixed(f, r->checkpoint_write_time_ms, 0);
        fputs(", \"sync_time\": ", f);
        json_fixed(f, r->checkpoint_sync_time_ms, 0);
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
        fputs(", \"wal_sync_time\": ", f);
        json_fixed(f, r->wal_sync_time_ms, 3);
        fputs("}", f);
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



static void config_row(FILE *f, bool *first, const char *key, const ws_value *v, ws_setting_id id,
                       const ws_config *c)
{
    char val[256], src[600];
    ws_value_format(v, id, val, sizeof val);
    ws_value_source(v, strncmp(key, "postgres.", 9) == 0, ws_config_variant(c),
                ws_config_pg_version(c), src, sizeof src);
    fputs(*first ? "\n        " : ",\n        ", f);
    *first = false;
    fputs("{\"key\": ", f);
    json_string(f, key);
    fputs(", \"value\": ", f);
    json_string(f, val);
    fputs(", \"source\": ", f);
    json_string(f, src);
    fprintf(f, ", \"default\": %s}", v->origin == WS_ORIGIN_DEFAULT ? "true" : "false");
}

/* "config": every effective setting of the variant with its source, in
 * the order and with the names `walsim lint` uses (SECTION.KEY, or
 * SECTION.NAME.KEY for [table NAME] and the like).  Settings that do not
 * exist in the variant's PostgreSQL version are left out. */
static void json_config(FILE *f, const ws_config *c)
{
    bool first = true;
    char key[512];
    fputc('[', f);
    for (int sec = 0; sec < WS_SEC__COUNT; sec++) {
        const char *sname = ws_section_name((ws_section)sec);
        if (ws_section_named((ws_section)sec)) {
            for (size_t i = 0; i < ws_cfg_instance_count(c, (ws_section)sec); i++)
                for (int id = 0; id < WS_S__COUNT; id++) {
                    const ws_setting_desc *d = ws_setting_desc_get((ws_setting_id)id);
                    if ((int)d->section != sec)
                        continue;
                    snprintf(key, sizeof key, "%s.%s.%s", sname,
                             ws_cfg_instance_name(c, (ws_section)sec, i), d->name);
                    config_row(f, &first, key,
                               ws_cfg_instance_value(c, (ws_section)sec, i, (ws_setting_id)id),
                               (ws_setting_id)id, c);
                }
            continue;
        }
        for (int id = 0; id < WS_S__COUNT; id++) {
            const ws_setting_desc *d = ws_setting_desc_get((ws_setting_id)id);
            if ((int)d->section != sec)
                continue;
            const ws_value *v = ws_cfg_value(c, (ws_setting_id)id);
            if (!v->available)
                continue;
            snprintf(key, sizeof key, "%s.%s", sname, d->name);
            config_row(f, &first, key, v, (ws_setting_id)id, c);
        }
    }
    fputs(first ? "]" : "\n      ]", f);
}

/* "device": the disk's effective figures (the preset's, or [disk]
 * overrides), as the model uses them. */
/* "wal_volume": pg_wal's volume, archiving and the slot over the whole
 * run; only when the scenario uses one of them (docs/wal-volume.md). */
static void json_walvol(FILE *f, const ws_walvol_stats *w)
{
    fputs(",\n      \"wal_volume\": {", f);
    json_field_u(f, "volume_bytes", w->volume_bytes, 1);
    json_field_u(f, "pg_wal_peak_bytes", w->pg_wal_peak_bytes, 0);
    fputs(", \"full\": ", f);
    json_bool(f, w->full);
    fputs(", \"full_at_s\": ", f);
    json_number_if(f, w->full, w->full_at_s);
    fputs(", \"archiving\": ", f);
    json_bool(f, w->archiving);
    json_field_u(f, "archived_segments", w->archived, 0);
    json_field_u(f, "archive_failures", w->archive_failures, 0);
    json_field_u(f, "archive_lag_peak_segments", (uint64_t)w->archive_lag_peak, 0);
    fputs(", \"archive_first_failure_s\": ", f);
    json_number_if(f, w->archive_first_fail_s >= 0, w->archive_first_fail_s);
    fputs(", \"archive_recovered_s\": ", f);
    json_number_if(f, w->archive_recovered_s >= 0, w->archive_recovered_s);
    fputs(", \"slot\": ", f);
    json_bool(f, w->slot);
    fputs(", \"slot_invalidated_s\": ", f);
    json_number_if(f, w->slot_invalidated, w->slot_invalidated_s);
    json_field_u(f, "slot_lag_peak_bytes", w->slot_lag_peak_bytes, 0);
    json_field_d(f, "device_utilization", w->device_utilization);
    fputs("}", f);
}

static void json_device(FILE *f, const ws_device *d, const ws_config *c)
{
    fputs("{\"preset\": ", f);
    json_string(f, ws_cfg_value(c, WS_S_disk_preset)->word);
    json_field_d(f, "write_bandwidth_bytes_per_s", d->write_bw);
    json_field_d(f, "read_bandwidth_bytes_per_s", d->read_bw);
    json_field_d(f, "write_iops", d->write_iops);
    json_field_d(f, "read_iops", d->read_iops);
    json_field_d(f, "io_unit_bytes", d->io_unit);
    json_field_d(f, "read_latency_ms", (double)d->read_latency / 1e6);
    json_field_d(f, "write_latency_ms", (double)d->write_latency / 1e6);
    json_field_d(f, "flush_latency_ms", (double)d->flush_latency / 1e6);
    json_field_d(f, "burst_iops", d->burst_iops);
    fputc('}', f);
}

/* The worst-case recovery split as recovery.h computes it.  ws_run_stats
 * keeps the total and the WAL to replay, not the pages, so the pages are
 * found again by bisection on the total (which grows with them). */
static void worst_split(const ws_device *d, const ws_config *c, const ws_run_stats *r,
                        ws_recovery *out)
{
    double rate = ws_cfg_num(c, WS_S_replay_rate);
    bool fpw = ws_cfg_bool(c, WS_S_full_page_writes);
    uint64_t lo = 0, hi = (uint64_t)1 << 40;
    ws_recovery_estimate(d, rate, fpw, r->worst_replay_bytes, 0, out);
    if (!(out->total_s < r->worst_recovery_s))
        return;
    while (hi - lo > 1) {
        uint64_t mid = lo + (hi - lo) / 2;
        ws_recovery_estimate(d, rate, fpw, r->worst_replay_bytes, mid, out);
        if (out->total_s < r->worst_recovery_s)
            lo = mid;
        else
            hi = mid;
    }
    ws_recovery_estimate(d, rate, fpw, r->worst_replay_bytes, hi, out);
}

/* The SHA-256 of the scenario's bytes (the main file; the built-in text
 * for the default), or "" when it cannot be read. */
static void scenario_hash(const ws_scenario *s, char hex[WS_SHA256_HEX])
{
    const char *file = ws_scenario_file(s);
    hex[0] = '\0';
    if (strncmp(file, "<built-in>/", 11) == 0)
        ws_sha256_hex(ws_default_scenario_text, ws_default_scenario_len, hex);
    else if (ws_sha256_file(file, hex) != 0)
        hex[0] = '\0';
}

/* A word of a command line, quoted for a POSIX shell when it needs it. */
static void shell_word(FILE *f, const char *w)
{
    bool plain = *w != '\0';
    for (const char *p = w; *p && plain; p++)
        plain = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./=:,+%@",
                       *p) != NULL;
    if (plain) {
        fputs(w, f);
        return;
    }
    fputc('\'', f);
    for (const char *p = w; *p; p++) {
        if (*p == '\'')
            fputs("'\\''", f);
        else
            fputc(*p, f);
    }
    fputc('\'', f);
}

/* "reproduce": the command that makes the same files (without --out):
 * the scenario, the variants run when not all, and every --set, read back
 * from the first variant's provenance. */
static void json_reproduce(FILE *f, const ws_scenario *s, const ws_config *const *cfgs,
                           const ws_run_stats *stats, size_t n)
{
    char *cmd = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&cmd, &len);
    if (m) {
        fputs("walsim run", m);
        const char *file = ws_scenario_file(s);
        if (strncmp(file, "<built-in>/", 11) != 0) {
            fputc(' ', m);
            shell_word(m, file);
        }
        if (n < ws_scenario_variant_count(s))
            for (size_t v = 0; v < n; v++) {
                fputs(" --variant ", m);
                shell_word(m, stats[v].variant);
            }
        for (int id = 0; n && id < WS_S__COUNT; id++) {
            const ws_setting_desc *d = ws_setting_desc_get((ws_setting_id)id);
            if (ws_section_named(d->section))
                continue;
            const ws_value *val = ws_cfg_value(cfgs[0], (ws_setting_id)id);
            if (val->origin != WS_ORIGIN_CMDLINE)
                continue;
            char text[256], word[600];
            ws_value_format(val, (ws_setting_id)id, text, sizeof text);
            snprintf(word, sizeof word, "%s.%s=%s", ws_section_name(d->section), d->name,
                     val->text ? val->text : text);
            fputs(" --set ", m);
            shell_word(m, word);
        }
        fclose(m);
    }
    fputs("{\"command\": ", f);
    json_string(f, cmd ? cmd : "walsim run");
    fprintf(f, ", \"seed\": %llu}", n ? (unsigned long long)stats[0].seed : 0ULL);
    free(cmd);
}

/* "expectations": every [expect] line judged on this run's figures, as
 * `walsim check` judges it; a line that needs a variant this run left out
 * has verdict "NOT RUN". */
static void json_expectations(FILE *f, const ws_scenario *s, const ws_run_stats *stats, size_t n)
{
    size_t nv = ws_scenario_variant_count(s), ne = ws_scenario_expect_count(s);
    const ws_run_stats **by = calloc(nv ? nv : 1, sizeof *by);
    fputc('[', f);
    for (size_t k = 0; by && k < n; k++) {
        int idx = ws_scenario_variant_index(s, stats[k].variant);
        if (idx >= 0)
            by[idx] = &stats[k];
    }
    for (size_t i = 0; by && i < ne; i++) {
        const ws_raw_line *raw = ws_scenario_expect(s, i);
        ws_expect *e = NULL;
        ws_diag err;
        ws_diag_clear(&err);
        fputs(i ? ",\n    " : "\n    ", f);
        fputs("{\"variant\": ", f);
        json_string(f, raw->variant);
        fputs(", \"text\": ", f);
        json_string(f, raw->text);
        fputs(", \"where\": ", f);
        char where[600];
        snprintf(where, sizeof where, "%s:%d", raw->file ? raw->file : "?", raw->line);
        json_string(f, where);
        bool ran = ws_expect_parse(s, raw, &e, &err) == WS_OK;
        for (size_t v = 0; ran && v < nv; v++)
            if (ws_expect_uses(e, v) && !by[v])
                ran = false;
        if (!ran) {
            fputs(", \"verdict\": \"NOT RUN\", \"description\": ", f);
            json_string(f, e ? "a variant it reads was not simulated in this run" : err.msg);
        } else {
            ws_expect_result r = ws_expect_eval(e, (const ws_run_stats *const *)by);
            char desc[1024], note[1024];
            ws_expect_describe(e, (const ws_run_stats *const *)by, &r, desc, sizeof desc);
            ws_expect_note(e, (const ws_run_stats *const *)by, note, sizeof note);
            fputs(", \"verdict\": ", f);
            json_string(f, ws_expect_verdict_name(r.verdict));
            fputs(", \"description\": ", f);
            json_string(f, desc);
            fputs(", \"note\": ", f);
            json_string(f, r.verdict == WS_EXPECT_NOT_EXERCISED && r.why[0] ? r.why : note);
        }
        fputc('}', f);
        ws_expect_free(e);
    }
    fputs(ne && by ? "\n  ]" : "]", f);
    free(by);
}

/* The advice as text lines (ws_advice_print), for the report. */
static void json_advice_text(FILE *f, const ws_run_stats *r, const ws_advice *adv)
{
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    fputc('[', f);
    if (m) {
        ws_advice_print(m, r, adv, "");
        fclose(m);
        bool first = true;
        for (char *line = text, *nl; line && *line; line = nl ? nl + 1 : NULL) {
            nl = strchr(line, '\n');
            if (nl)
                *nl = '\0';
            fputs(first ? "\n        " : ",\n        ", f);
            first = false;
            json_string(f, line);
        }
        fputs(first ? "" : "\n      ", f);
    }
    fputc(']', f);
    free(text);
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
    fputs(",\n    \"description\": ", f);
    json_string(f, n ? ws_cfg_str(cfgs[0], WS_S_description) : "");
    char hex[WS_SHA256_HEX];
    scenario_hash(s, hex);
    fputs(",\n    \"sha256\": ", f);
    json_string(f, hex[0] ? hex : NULL);
    fputs("\n  },\n  \"reproduce\": ", f);
    json_reproduce(f, s, cfgs, stats, n);
    fputs(",\n  \"expectations\": ", f);
    json_expectations(f, s, stats, n);
    fputs(",\n  \"variants\": {", f);
    for (size_t v = 0; v < n; v++) {
        const ws_run_stats *r = &stats[v];
        fprintf(f, "%s\n    ", v ? "," : "");
        json_string(f, r->variant);
        fprintf(f, ": {\n      \"pg_version\": %d,\n      \"seed\": %llu,\n", r->pg_version,
                (unsigned long long)r->seed);
        fputs("      \"warnings\": ", f);
        json_warnings(f, r);
        fputs(",\n      \"window\": ", f);
        json_window(f, r);
        fputs(",\n      \"duration_s\": ", f);
        json_number(f, r->duration_s);
        fputs(",\n      \"shutdown_s\": ", f);
        json_number(f, r->shutdown_s);
        fprintf(f, ",\n      \"transactions\": %llu,\n      \"tps\": ",
                (unsigned long long)r->transactions);
        json_number(f, r->tps);
        fputs(",\n      \"intervals\": ", f);
        json_intervals(f, r);
        fputs(",\n      \"relative\": ", f);
        json_relative(f, &stats[0], r);
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
        fputs(",\n      \"cpu_per_tx_ms\": ", f);
        json_number(f, r->cpu_per_tx_ms);
        fprintf(f, ",\n      \"limits\": {\"shared_buffers_bytes\": %llu, \"max_wal_size_bytes\": %llu, "
                   "\"min_wal_size_bytes\": %llu, \"os_dirty_background_bytes\": %llu, "
                   "\"os_dirty_limit_bytes\": %llu}",
                (unsigned long long)r->shared_buffers_bytes, (unsigned long long)r->max_wal_size_bytes,
                (unsigned long long)r->min_wal_size_bytes,
                (unsigned long long)r->os_dirty_background_bytes,
                (unsigned long long)r->os_dirty_limit_bytes);
        fprintf(f, ",\n      \"sampling\": {\"rate\": ");
        json_number(f, 1.0 / (r->sample_k ? r->sample_k : 1));
        fputs(", \"sampled_tables\": ", f);
        json_string(f, r->sampled_tables);
        fputs(", \"whole_tables\": ", f);
        json_string(f, r->whole_tables);
        fputs(", \"transactions_rate\": ", f);
        json_number(f, 1.0 / (r->tx_batch ? r->tx_batch : 1));
        fputs("}", f);
        fputs(",\n      \"advice\": ", f);
        if (r->win.overloaded) {
            fputs("null", f); /* no capacity advice for a variant that cannot carry its load */
        } else {
            ws_advice adv;
            ws_advice_compute(r, &adv);
            ws_advice_json(f, &adv);
            fputs(",\n      \"advice_text\": ", f);
            json_advice_text(f, r, &adv);
        }
        ws_sim *sim = ws_sim_new(16);
        ws_device dev;
        bool have_dev = sim && ws_device_init(&dev, sim, cfgs[v]) == 0;
        fputs(",\n      \"recovery\": {\"worst_case_s\": ", f);
        json_number(f, r->worst_recovery_s);
        fprintf(f, ", \"worst_case_replay_bytes\": %llu", (unsigned long long)r->worst_replay_bytes);
        if (have_dev) {
            ws_recovery rec;
            worst_split(&dev, cfgs[v], r, &rec);
            json_field_d(f, "redo_s", rec.redo_s);
            json_field_d(f, "read_s", rec.read_s);
            json_field_d(f, "checkpoint_s", rec.checkpoint_s);
        }
        fputs("}", f);
        fputs(",\n      \"device\": ", f);
        if (have_dev)
            json_device(f, &dev, cfgs[v]);
        else
            fputs("null", f);
        if (have_dev)
            ws_device_destroy(&dev);
        ws_sim_free(sim);
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
        if (r->walvol.on)
            json_walvol(f, &r->walvol);
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
        fputs(",\n      \"config\": ", f);
        json_config(f, cfgs[v]);
        fputs("\n    }", f);
    }
    fputs("\n  },\n  \"notes\": [", f);
    for (size_t i = 0; i < ws_scenario_note_count(s); i++) {
        fputs(i ? ",\n    " : "\n    ", f);
        json_string(f, ws_scenario_note(s, i));
    }
    fputs(ws_scenario_note_count(s) ? "\n  ]\n}\n" : "]\n}\n", f);
}

/* The flags at the end of a table row: every kind of warning, in capitals
 * so that none is missed ("" when there is none). */
static void row_flags(const ws_window *w, char *buf, size_t len)
{
    static const struct {
        unsigned bit;
        const char *name;
    } flags[] = {{WS_WARN_OVERLOADED, "OVERLOADED"}, {WS_WARN_FEW_CYCLES, "FEW CYCLES"},
                 {WS_WARN_TRANSIENT, "TRANSIENT"},   {WS_WARN_COLD, "COLD START"},
                 {WS_WARN_SATURATED, "SATURATED"},   {WS_WARN_NO_INTERVAL, "NO INTERVAL"}};
    unsigned bits = w->warnings | (w->overloaded ? WS_WARN_OVERLOADED : 0);
    int used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
        if ((bits & flags[i].bit) && used >= 0 && (size_t)used < len)
            used += snprintf(buf + used, len - (size_t)used, "%s%s", used ? ", " : "  ! ",
                             flags[i].name);
}

/* A latency in ms in a column `w` wide: two decimals while they fit, so
 * that the seconds or minutes of an overloaded variant keep the columns
 * aligned. */
static void ms_cell(double s, int w, int dec, char *buf, size_t len)
{
    double ms = s * 1e3;
    int n = snprintf(buf, len, "%*.*f", w, dec, ms);
    if (n > w)
        snprintf(buf, len, "%*.0f", w, ms);
    if ((int)strlen(buf) > w)
        snprintf(buf, len, "%*.2e", w, ms);
}

/* Seconds as a clock, "0:42", "30:00", "2:00:00". */
static void clock_text(double s, char *buf, size_t len)
{
    long t = isfinite(s) && s > 0 ? lround(s) : 0;
    if (t >= 3600)
        snprintf(buf, len, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else
        snprintf(buf, len, "%ld:%02ld", t / 60, t % 60);
}

/* An interval "[lo, hi]" with `dec` decimals, or "no interval". */
static void ci_text(ws_ci c, double scale, int dec, char *buf, size_t len)
{
    if (c.df > 0 && isfinite(c.lo) && isfinite(c.hi))
        snprintf(buf, len, "[%.*f, %.*f]", dec, c.lo * scale, dec, c.hi * scale);
    else
        snprintf(buf, len, "no interval");
}

/* Decimals that show a ratio with two significant digits at least. */
static int ratio_decimals(double r)
{
    double a = fabs(r);
    if (!isfinite(a) || a >= 0.1)
        return 2;
    if (a == 0)
        return 2;
    int d = (int)ceil(-log10(a)) + 1;
    return d > 8 ? 8 : d;
}

/* "x2.04 [2.01, 2.07]", "x2.04 (no interval)" or "n/a". */
static void ratio_text(ws_ci c, char *buf, size_t len)
{
    if (!isfinite(c.est)) {
        snprintf(buf, len, "n/a");
        return;
    }
    int d = ratio_decimals(c.est);
    if (c.df > 0 && isfinite(c.lo) && isfinite(c.hi))
        snprintf(buf, len, "x%.*f [%.*f, %.*f]", d, c.est, d, c.lo, d, c.hi);
    else
        snprintf(buf, len, "x%.*f (no interval)", d, c.est);
}

/* How the intervals of a variant were made: "batch means, 12 checkpoint cycles". */
static void method_text(const ws_window *w, char *buf, size_t len)
{
    if (strcmp(w->ci_method, "cycles") == 0) {
        if ((uint32_t)w->n_batches == w->cycles)
            snprintf(buf, len, "batch means, %d checkpoint cycles", w->n_batches);
        else
            snprintf(buf, len, "batch means, %d batches of whole checkpoint cycles",
                     w->n_batches);
    } else if (strcmp(w->ci_method, "time") == 0) {
        snprintf(buf, len, "batch means, %d time batches", w->n_batches);
    } else if (strcmp(w->ci_method, "replications") == 0) {
        snprintf(buf, len, "%d replications", w->n_batches);
    } else {
        snprintf(buf, len, "%d batch%s", w->n_batches, w->n_batches == 1 ? "" : "es");
    }
}

static void table_intervals(FILE *f, const ws_run_stats *stats, size_t n)
{
    fputs("95% intervals:\n", f);
    for (size_t v = 0; v < n; v++) {
        const ws_window *w = &stats[v].win;
        char how[96];
        method_text(w, how, sizeof how);
        bool any = false;
        for (int h = 0; h < WS_H__COUNT; h++)
            any = any || w->ci[h].df > 0;
        if (!any) {
            fprintf(f, "  %-14s no interval (%s; at least 2 needed)\n", stats[v].variant, how);
            continue;
        }
        char tps[64], p50[64], p99[64];
        ci_text(w->ci[WS_H_TPS], 1, 1, tps, sizeof tps);
        if (w->overloaded) { /* the latencies grow with the run: no interval holds them */
            fprintf(f, "  %-14s tps %s  latency: no steady state, overloaded  (%s)\n",
                    stats[v].variant, tps, how);
            continue;
        }
        ci_text(w->ci[WS_H_P50], 1e3, 2, p50, sizeof p50);
        ci_text(w->ci[WS_H_P99], 1e3, 2, p99, sizeof p99);
        fprintf(f, "  %-14s tps %s  p50 %s ms  p99 %s ms  (%s)\n", stats[v].variant, tps, p50,
                p99, how);
    }
}

static void table_windows(FILE *f, const ws_run_stats *stats, size_t n)
{
    bool known = false;
    for (size_t v = 0; v < n; v++)
        known = known || stats[v].win.end_s > 0;
    if (!known)
        return;
    fputs("window (every figure above covers it):\n", f);
    for (size_t v = 0; v < n; v++) {
        const ws_window *w = &stats[v].win;
        char a[32], b[32], warm[32], cyc[32], phase[32];
        clock_text(w->start_s, a, sizeof a);
        clock_text(w->end_s, b, sizeof b);
        ws_metric_format(WS_MK_TIME, w->start_s, 3, warm, sizeof warm);
        fprintf(f, "  %-14s %s-%s, warm-up %s %s", stats[v].variant, a, b, warm,
                !w->warmup_auto ? "(set)"
                : w->transient_ended ? "(MSER-5)"
                                     : "(MSER-5; the transient may not have ended)");
        if (w->warm_start) {
            ws_metric_format(WS_MK_TIME, w->warm_phase_s, 3, phase, sizeof phase);
            fprintf(f, ", warm start (checkpoint cycle %s old at 0:00)", phase);
        } else {
            fputs(", cold start", f);
        }
        if (w->duration_auto)
            fputs(", duration auto", f);
        if (stats[v].sample_k > 1)
            fprintf(f, ", pages sampled 1 in %u", (unsigned)stats[v].sample_k);
        if (stats[v].tx_batch > 1)
            fprintf(f, ", transactions sampled 1 in %u (latencies and max: of those simulated)",
                    (unsigned)stats[v].tx_batch);
        if (w->cycles > 0) {
            ws_metric_format(WS_MK_TIME, w->cycle_s_mean, 3, cyc, sizeof cyc);
            fprintf(f, ", %u checkpoint cycle%s of %s\n", (unsigned)w->cycles,
                    w->cycles == 1 ? "" : "s", cyc);
        } else {
            fputs(", no complete checkpoint cycle\n", f);
        }
    }
}

static void table_relative(FILE *f, const ws_run_stats *stats, size_t n)
{
    const ws_run_stats *ref = &stats[0];
    if (n < 2)
        return;
    if (!ws_run_comparable(ref)) {
        fprintf(f, "relative to %s: not compared: %s is overloaded (see warning); no ratios are "
                   "printed against it\n",
                ref->variant, ref->variant);
        return;
    }
    fprintf(f, "relative to %s (95%% intervals):\n", ref->variant);
    for (size_t v = 1; v < n; v++) {
        const ws_run_stats *r = &stats[v];
        if (!ws_run_comparable(r)) {
            fprintf(f, "  %-14s not compared: %s is overloaded (see warning)\n", r->variant,
                    r->variant);
            continue;
        }
        char tps[80], p99[80], wal[80];
        ratio_text(ws_run_ratio(ref, r, WS_H_TPS), tps, sizeof tps);
        ratio_text(ws_run_ratio(ref, r, WS_H_P99), p99, sizeof p99);
        ratio_text(ws_run_ratio(ref, r, WS_H_WAL_PER_TX), wal, sizeof wal);
        fprintf(f, "  %-14s tps %s, p99 %s, WAL/tx %s\n", r->variant, tps, p99, wal);
    }
}

void ws_report_table(FILE *f, const ws_run_stats *stats, size_t n)
{
    fprintf(f, "%-14s %9s %8s %8s %8s %9s %11s %9s %10s %9s %7s\n", "variant", "tps", "p50 ms",
            "p99 ms", "max ms", "p99 sync", "ckpt t/req", "WAL B/tx", "FPI share", "pg_wal",
            "cycles");
    for (size_t v = 0; v < n; v++) {
        const ws_run_stats *r = &stats[v];
        char ck[32], flags[128], p50[32], p99[32], max[32], sync[32];
        snprintf(ck, sizeof ck, "%llu/%llu", (unsigned long long)r->ckpt_timed,
                 (unsigned long long)r->ckpt_req);
        row_flags(&r->win, flags, sizeof flags);
        ms_cell(r->lat.p50_s, 8, 2, p50, sizeof p50);
        ms_cell(r->lat.p99_s, 8, 2, p99, sizeof p99);
        ms_cell(r->lat.max_s, 8, 1, max, sizeof max);
        ms_cell(r->lat_phase[2].p99_s, 9, 2, sync, sizeof sync);
        fprintf(f, "%-14s %9.1f %s %s %s %s %11s %9.0f %9.1f%% %7.0fMB %7u%s\n", r->variant,
                r->tps, p50, p99, max, sync, ck, r->wal_bytes_per_tx, r->fpi_share * 100,
                (double)r->pg_wal_peak_bytes / 1048576, (unsigned)r->win.cycles, flags);
    }
    table_intervals(f, stats, n);
    table_windows(f, stats, n);
    table_relative(f, stats, n);
    for (size_t v = 0; v < n; v++)
        for (int k = 0; k < stats[v].win.n_warn && k < WS_MAX_WARNINGS; k++)
            fprintf(f, "WARNING %s: %s\n", stats[v].variant, stats[v].win.warn[k]);
}
