/*
 * advise.c - recommendations from a run's figures (see advise.h).
 */
#include "walsim/advise.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "walsim/metrics.h"

#define MiB 1048576.0
#define GiB (1024 * MiB)

uint64_t ws_advice_round_size(double bytes)
{
    double step = bytes <= 4 * GiB ? 256 * MiB : bytes <= 64 * GiB ? GiB : 4 * GiB;
    double r = ceil(bytes / step) * step;
    return (uint64_t)(r < step ? step : r);
}

/* max_wal_size so that `bytes` of WAL since a redo pointer stay below the
 * WAL trigger: (1 + cct) x (bytes + 2 segments), with the headroom. */
static uint64_t size_for(double bytes, double cct, double seg)
{
    return ws_advice_round_size((1 + cct) * (bytes + 2 * seg) * WS_ADVICE_HEADROOM);
}

void ws_advice_compute(const ws_run_stats *st, ws_advice *a)
{
    *a = (ws_advice){0};
    double seg = (double)st->wal_segment_bytes, cct = st->checkpoint_completion_target;
    a->wal_rate = st->simulated_s > 0 ? (double)st->wal_bytes / st->simulated_s : 0;
    a->timed = st->ckpt_req == 0;
    /* CheckPointSegments = max(1, floor(segs(max_wal_size) / (1 + cct))) */
    double segs = seg > 0 ? floor((double)st->max_wal_size_bytes / seg) : 0;
    double cps = fmax(1, floor(segs / (1 + cct)));
    a->trigger_bytes = (cps - 1) * seg;
    a->cycle_bytes = a->wal_rate * st->checkpoint_timeout_s;
    a->max_wal_size_timed = size_for(a->cycle_bytes, cct, seg);
    a->enough = a->timed && a->cycle_bytes < a->trigger_bytes;
    a->timeout_for_current = a->wal_rate > 0 ? a->trigger_bytes / a->wal_rate : 0;
    a->pg_wal_peak = st->pg_wal_peak_bytes;
    a->disk_free_bytes = (double)st->disk_size_bytes - (double)st->database_bytes -
                         (double)st->pg_wal_peak_bytes;
    if (st->walvol.volume_bytes) /* pg_wal on its own volume ([disk] wal_size) */
        a->disk_free_bytes = (double)st->walvol.volume_bytes - (double)st->pg_wal_peak_bytes;
    a->full_disk_s = a->wal_rate > 0 ? fmax(0, a->disk_free_bytes) / a->wal_rate : INFINITY;
    a->worst_recovery_s = st->worst_recovery_s;
    a->worst_replay_bytes = st->worst_replay_bytes;
    a->warnings = st->ckpt_warnings;
    if (a->warnings)
        a->max_wal_size_no_warnings = size_for(a->wal_rate * st->checkpoint_warning_s, cct, seg);
}

static const char *size(double bytes, char *buf, size_t len)
{
    ws_metric_format(WS_MK_SIZE, bytes, 4, buf, len);
    return buf;
}

static const char *dur(double s, char *buf, size_t len)
{
    if (!isfinite(s))
        snprintf(buf, len, "never");
    else if (s >= 2 * 86400)
        snprintf(buf, len, "%.1f days", s / 86400);
    else if (s >= 2 * 3600)
        snprintf(buf, len, "%.1f h", s / 3600);
    else
        ws_metric_format(WS_MK_TIME, s, 3, buf, len);
    return buf;
}

void ws_advice_print(FILE *f, const ws_run_stats *st, const ws_advice *a, const char *in)
{
    char b1[32], b2[32], b3[32], b4[32], b5[32];
    fprintf(f, "%sWAL rate: %s/s (%s in %s; %.0f B per transaction, %.0f %% full-page images)\n", in,
            size(a->wal_rate, b1, sizeof b1), size((double)st->wal_bytes, b2, sizeof b2),
            dur(st->simulated_s, b3, sizeof b3), st->wal_bytes_per_tx, st->fpi_share * 100);
    if (a->enough) {
        fprintf(f,
                "%scheckpoints: all timed (%llu); a %s cycle writes %s of WAL, %.0f %% of the "
                "%s that would request one: max_wal_size %s is enough (%s would keep %.0f %% "
                "headroom)\n",
                in, (unsigned long long)st->ckpt_timed, dur(st->checkpoint_timeout_s, b1, sizeof b1),
                size(a->cycle_bytes, b2, sizeof b2),
                a->trigger_bytes > 0 ? 100 * a->cycle_bytes / a->trigger_bytes : 0,
                size(a->trigger_bytes, b3, sizeof b3), size((double)st->max_wal_size_bytes, b4, sizeof b4),
                size((double)a->max_wal_size_timed, b5, sizeof b5), (WS_ADVICE_HEADROOM - 1) * 100);
    } else if (a->timed) {
        fprintf(f,
                "%scheckpoints: none requested in this run, but a whole %s cycle at this WAL rate "
                "would write %s, more than the %s that requests one (the run is shorter than a "
                "cycle, or its rate includes the first cycle's images)\n",
                in, dur(st->checkpoint_timeout_s, b1, sizeof b1), size(a->cycle_bytes, b2, sizeof b2),
                size(a->trigger_bytes, b3, sizeof b3));
        fprintf(f, "%s  -> max_wal_size = %s keeps them timed: (1 + %.2f) x (%s/s x %s + 2 "
                   "segments) x %.2f headroom; or checkpoint_timeout <= %s\n",
                in, size((double)a->max_wal_size_timed, b1, sizeof b1), st->checkpoint_completion_target,
                size(a->wal_rate, b2, sizeof b2), dur(st->checkpoint_timeout_s, b3, sizeof b3),
                WS_ADVICE_HEADROOM, dur(a->timeout_for_current, b4, sizeof b4));
    } else {
        fprintf(f,
                "%scheckpoints: %llu requested by WAL, %llu timed: WAL reaches the trigger (%s "
                "since the redo pointer, from max_wal_size %s and cct %.2f) every %s, before "
                "checkpoint_timeout %s\n",
                in, (unsigned long long)st->ckpt_req, (unsigned long long)st->ckpt_timed,
                size(a->trigger_bytes, b1, sizeof b1), size((double)st->max_wal_size_bytes, b2, sizeof b2),
                st->checkpoint_completion_target, dur(a->timeout_for_current, b3, sizeof b3),
                dur(st->checkpoint_timeout_s, b4, sizeof b4));
        fprintf(f,
                "%s  -> max_wal_size = %s keeps them timed: (1 + %.2f) x (%s/s x %s + 2 "
                "segments) x %.2f headroom; an upper bound, as timed checkpoints make fewer "
                "images (walsim advise simulates it)\n",
                in, size((double)a->max_wal_size_timed, b1, sizeof b1), st->checkpoint_completion_target,
                size(a->wal_rate, b2, sizeof b2), dur(st->checkpoint_timeout_s, b3, sizeof b3),
                WS_ADVICE_HEADROOM);
        fprintf(f, "%s  -> or keep max_wal_size and set checkpoint_timeout <= %s (the same trigger "
                   "at this WAL rate)\n",
                in, dur(a->timeout_for_current, b1, sizeof b1));
    }
    fprintf(f, "%spg_wal: peak %s (max_wal_size %s is a soft limit)", in,
            size((double)a->pg_wal_peak, b1, sizeof b1), size((double)st->max_wal_size_bytes, b2, sizeof b2));
    if (st->walvol.volume_bytes)
        fprintf(f, "; on its own %s volume, %s free: full in %s at %s/s if checkpoints stalled (a "
                   "failing archive_command or a stuck replication slot)\n",
                size((double)st->walvol.volume_bytes, b1, sizeof b1),
                size(fmax(0, a->disk_free_bytes), b3, sizeof b3), dur(a->full_disk_s, b4, sizeof b4),
                size(a->wal_rate, b5, sizeof b5));
    else if (st->disk_size_bytes)
        fprintf(f, "; on a %s volume with %s of data, %s free: full in %s at %s/s if checkpoints "
                   "stalled (a failing archive_command or a stuck replication slot)\n",
                size((double)st->disk_size_bytes, b1, sizeof b1), size((double)st->database_bytes, b2, sizeof b2),
                size(fmax(0, a->disk_free_bytes), b3, sizeof b3), dur(a->full_disk_s, b4, sizeof b4),
                size(a->wal_rate, b5, sizeof b5));
    else
        fputc('\n', f);
    fprintf(f, "%scrash recovery at the worst moment: %s (replaying %s since the last completed "
               "checkpoint's redo pointer, at replay_rate, then the end-of-recovery checkpoint)\n",
            in, dur(a->worst_recovery_s, b1, sizeof b1), size((double)a->worst_replay_bytes, b2, sizeof b2));
    if (a->warnings)
        fprintf(f, "%scheckpoint_warning: %llu \"checkpoints are occurring too frequently\"; "
                   "max_wal_size = %s spaces WAL-requested checkpoints at least %s apart\n",
                in, (unsigned long long)a->warnings, size((double)a->max_wal_size_no_warnings, b1, sizeof b1),
                dur(st->checkpoint_warning_s, b2, sizeof b2));
}

static void num(FILE *f, const char *name, double v, bool last)
{
    if (isfinite(v))
        fprintf(f, "\"%s\": %.9g%s", name, v, last ? "" : ", ");
    else
        fprintf(f, "\"%s\": null%s", name, last ? "" : ", ");
}

void ws_advice_json(FILE *f, const ws_advice *a)
{
    fputc('{', f);
    num(f, "wal_rate_bytes_per_s", a->wal_rate, false);
    fprintf(f, "\"checkpoints_timed_only\": %s, \"max_wal_size_enough\": %s, ", a->timed ? "true" : "false",
            a->enough ? "true" : "false");
    num(f, "wal_trigger_bytes", a->trigger_bytes, false);
    num(f, "wal_per_timed_cycle_bytes", a->cycle_bytes, false);
    num(f, "max_wal_size_for_timed_bytes", (double)a->max_wal_size_timed, false);
    num(f, "checkpoint_timeout_for_current_s", a->timeout_for_current, false);
    num(f, "pg_wal_peak_bytes", (double)a->pg_wal_peak, false);
    num(f, "disk_free_bytes", a->disk_free_bytes, false);
    num(f, "time_to_full_disk_s", a->full_disk_s, false);
    num(f, "worst_recovery_s", a->worst_recovery_s, false);
    num(f, "checkpoint_warnings", (double)a->warnings, false);
    num(f, "max_wal_size_without_warnings_bytes", (double)a->max_wal_size_no_warnings, true);
    fputc('}', f);
}

void ws_advice_size_value(uint64_t bytes, char *buf, size_t len)
{
    const uint64_t mb = 1024 * 1024, gb = 1024 * mb;
    if (bytes >= gb && bytes % gb == 0)
        snprintf(buf, len, "%lluGB", (unsigned long long)(bytes / gb));
    else
        snprintf(buf, len, "%lluMB", (unsigned long long)((bytes + mb - 1) / mb));
}

/* A value for postgresql.conf or SQL: numbers bare, anything else in
 * single quotes (with quotes doubled). */
static void write_value(FILE *f, const char *v)
{
    char *end;
    strtod(v, &end);
    if (*v && *end == '\0') {
        fputs(v, f);
        return;
    }
    fputc('\'', f);
    for (; *v; v++) {
        if (*v == '\'')
            fputc('\'', f);
        fputc(*v, f);
    }
    fputc('\'', f);
}

/* Comment lines: each line of text after `mark`, with no line break
 * inside a comment's text. */
static void comment(FILE *f, const char *mark, const char *text)
{
    const char *p = text;
    while (*p) {
        size_t n = strcspn(p, "\r\n");
        fprintf(f, "%s %.*s\n", mark, (int)n, p);
        p += n;
        while (*p == '\r' || *p == '\n')
            p++;
    }
}

void ws_advice_write_settings(FILE *f, ws_advice_format format, const char *header,
                              const ws_advice_setting *settings, size_t n)
{
    const char *mark = format == WS_ADVICE_SQL ? "--" : "#";
    comment(f, mark, header);
    for (size_t i = 0; i < n; i++) {
        fputc('\n', f);
        comment(f, mark, settings[i].reason);
        if (format == WS_ADVICE_SQL)
            fprintf(f, "ALTER SYSTEM SET %s = ", settings[i].name);
        else
            fprintf(f, "%s = ", settings[i].name);
        write_value(f, settings[i].value);
        fputs(format == WS_ADVICE_SQL ? ";\n" : "\n", f);
    }
    if (format == WS_ADVICE_SQL)
        fputs("\n-- all of these take effect on a reload\nSELECT pg_reload_conf();\n", f);
}
