/*
 * report_html.c - the design-review report of an output folder
 * (report_html.h): what to read first, in the order a reviewer asks.
 *
 *   1. title, question, what was compared;
 *   2. warnings, before any figure, since they say which figures to doubt;
 *   3. "at a glance": each variant against the reference in one sentence,
 *      gains and costs (pg_wal, crash recovery);
 *   4. the settings that differ, the modelled ones a reviewer cares about
 *      first;
 *   5. the figures with 95 % intervals, the ratios, checkpoints, pg_wal
 *      and recovery split into its three parts;
 *   6. [expect] verdicts, advice, charts;
 *   7. the assumptions and the full configuration, each value with its
 *      source; a footer to reproduce the run.
 *
 * Everything is read from summary.json with the JSON module; a figure
 * missing from an older summary.json is shown as "–".
 */
#include "walsim/report_html.h"

#include "report_doc.h"
#include "walsim/csvread.h"
#include "walsim/diff.h"
#include "walsim/json.h"
#include "walsim/report.h"
#include "walsim/settings.h"

#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- numbers for people ---------------------------------------------- */

static double num(const ws_json *v, const char *path) { return ws_json_num(ws_json_path(v, path)); }

static const char *str(const ws_json *v, const char *path)
{
    return ws_json_str(ws_json_path(v, path));
}

static const char *or_empty(const char *s) { return s ? s : ""; }

/* Bytes with PostgreSQL's unit names (kB, MB, GB, TB: powers of 1024). */
static void fmt_bytes(double b, char *buf, size_t len)
{
    static const char *u[] = {"B", "kB", "MB", "GB", "TB"};
    if (!isfinite(b)) {
        snprintf(buf, len, "–");
        return;
    }
    int i = 0;
    while (fabs(b) >= 1024 && i < 4) {
        b /= 1024;
        i++;
    }
    bool whole = fabs(b - round(b)) < 0.05;
    snprintf(buf, len, i == 0 || fabs(b) >= 100 || whole ? "%.0f %s" : "%.1f %s", b, u[i]);
}

/* A duration auto-scaled: "850 ms", "12.4 s", "3.6 min", "2.1 h". */
static void fmt_dur(double s, char *buf, size_t len)
{
    if (!isfinite(s))
        snprintf(buf, len, "–");
    else if (s < 1)
        snprintf(buf, len, "%.0f ms", s * 1e3);
    else if (s < 90)
        snprintf(buf, len, "%.1f s", s);
    else if (s < 5400)
        snprintf(buf, len, "%.1f min", s / 60);
    else
        snprintf(buf, len, "%.1f h", s / 3600);
}

/* A number with `dec` decimals, or "–". */
static void fmt_num(double x, int dec, char *buf, size_t len)
{
    if (isfinite(x))
        snprintf(buf, len, "%.*f", dec, x);
    else
        snprintf(buf, len, "–");
}

/* "3935.9\n95%: [3919.4, 3952.3]" from {"est","lo","hi"}. */
static void fmt_ci(const ws_json *c, double fallback, int dec, char *buf, size_t len)
{
    double est = num(c, "est"), lo = num(c, "lo"), hi = num(c, "hi");
    if (!isfinite(est))
        est = fallback;
    if (isfinite(lo) && isfinite(hi))
        snprintf(buf, len, "%.*f\n[%.*f, %.*f]", dec, est, dec, lo, dec, hi);
    else if (isfinite(est))
        snprintf(buf, len, "%.*f\nno interval", dec, est);
    else
        snprintf(buf, len, "–");
}

static int ratio_dec(double r)
{
    double a = fabs(r);
    if (!isfinite(a) || a >= 0.1 || a == 0)
        return 2;
    int d = (int)ceil(-log10(a)) + 1;
    return d > 6 ? 6 : d;
}

/* "×1.98 [1.97, 1.99]" from {"ratio","lo","hi"}. */
static void fmt_ratio(const ws_json *c, char *buf, size_t len)
{
    double r = num(c, "ratio"), lo = num(c, "lo"), hi = num(c, "hi");
    int d = ratio_dec(r);
    if (!isfinite(r))
        snprintf(buf, len, "–");
    else if (isfinite(lo) && isfinite(hi))
        snprintf(buf, len, "×%.*f\n[%.*f, %.*f]", d, r, d, lo, d, hi);
    else
        snprintf(buf, len, "×%.*f\nno interval", d, r);
}

/* ---- the effective configuration ------------------------------------- */

/* The "config" entry `key` of a variant, or NULL. */
static const ws_json *cfg_entry(const ws_json *v, const char *key)
{
    const ws_json *c = ws_json_get(v, "config");
    for (size_t i = 0; i < ws_json_count(c); i++) {
        const char *k = str(ws_json_at(c, i), "key");
        if (k && strcmp(k, key) == 0)
            return ws_json_at(c, i);
    }
    return NULL;
}

static const char *cfg_value(const ws_json *v, const char *key)
{
    const char *s = str(cfg_entry(v, key), "value");
    return s ? s : "–";
}

static const char *cfg_source(const ws_json *v, const char *key)
{
    const char *s = str(cfg_entry(v, key), "source");
    return s ? s : "–";
}

/* Modelled settings a reviewer looks at first, in this order. */
static const char *const relevant[] = {
    "postgres.max_wal_size", "postgres.checkpoint_timeout",
    "postgres.checkpoint_completion_target", "postgres.wal_compression",
    "postgres.shared_buffers", "postgres.min_wal_size", "postgres.full_page_writes",
    "postgres.synchronous_commit", "postgres.wal_buffers", "disk.preset", NULL};

static int relevance(const char *key)
{
    for (int i = 0; relevant[i]; i++)
        if (strcmp(relevant[i], key) == 0)
            return i;
    if (strncmp(key, "disk.", 5) == 0)
        return 50;
    if (strncmp(key, "postgres.", 9) == 0)
        return 60;
    return 100;
}

/* Does setting `key` differ between the reference and any variant? */
static bool differs(const ws_json *vars, const char *key)
{
    const char *a = cfg_value(ws_json_at(vars, 0), key);
    for (size_t i = 1; i < ws_json_count(vars); i++)
        if (strcmp(a, cfg_value(ws_json_at(vars, i), key)) != 0)
            return true;
    return false;
}

/* ---- sections ---------------------------------------------------------- */

static void section_header(rdoc *d, const ws_json *root, const char *title)
{
    const ws_json *vars = ws_json_get(root, "variants");
    const ws_json *ref = ws_json_at(vars, 0);
    rdoc_heading(d, 1, NULL, "%s", title);
    const char *desc = str(root, "scenario.description");
    if (desc && *desc)
        rdoc_para(d, "lead", "%s", desc);
    char names[2048] = "";
    size_t used = 0;
    for (size_t i = 0; i < ws_json_count(vars) && used < sizeof names; i++)
        used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "",
                                 ws_json_key_at(vars, i));
    char win[32];
    fmt_dur(num(ref, "window.length_s"), win, sizeof win);
    rdoc_para(d, "meta",
              "Scenario %s · PostgreSQL %.0f · seed %.0f · variants: %s · reference: %s · each "
              "figure covers its variant's measurement window (%s for %s) · simulated by walsim %s",
              str(root, "scenario.file") ? str(root, "scenario.file") : "?",
              num(ref, "pg_version"), num(ref, "seed"), names,
              ws_json_count(vars) ? ws_json_key_at(vars, 0) : "?", win,
              ws_json_count(vars) ? ws_json_key_at(vars, 0) : "?",
              str(root, "walsim_version") ? str(root, "walsim_version") : "?");
}

static size_t section_warnings(rdoc *d, const ws_json *vars)
{
    size_t n = 0;
    for (size_t i = 0; i < ws_json_count(vars); i++)
        n += ws_json_count(ws_json_get(ws_json_at(vars, i), "warnings"));
    if (n == 0)
        return 0;
    rdoc_heading(d, 2, "warnings", "Warnings: read these first");
    for (size_t i = 0; i < ws_json_count(vars); i++) {
        const ws_json *w = ws_json_get(ws_json_at(vars, i), "warnings");
        for (size_t k = 0; k < ws_json_count(w); k++)
            rdoc_warning(d, ws_json_key_at(vars, i), or_empty(ws_json_str(ws_json_at(w, k))));
    }
    return n;
}

/* One sentence per variant against the reference: what it gains, what it
 * costs in pg_wal and recovery time, and how far to trust it. */
static void section_glance(rdoc *d, const ws_json *vars)
{
    const ws_json *ref = ws_json_at(vars, 0);
    const char *rn = ws_json_key_at(vars, 0);
    if (!ref)
        return;
    fputs("<div class=\"glance\">", d->h);
    rdoc_heading(d, 2, "glance", "At a glance");
    char wal_r[32], rec_r[32], mws_r[32];
    fmt_bytes(num(ref, "pg_wal_peak_bytes"), wal_r, sizeof wal_r);
    fmt_dur(num(ref, "recovery.worst_case_s"), rec_r, sizeof rec_r);
    fmt_bytes(num(ref, "limits.max_wal_size_bytes"), mws_r, sizeof mws_r);
    rdoc_list_begin(d);
    char lat[128];
    if (ws_json_bool(ws_json_path(ref, "window.overloaded")))
        snprintf(lat, sizeof lat, "OVERLOADED (offered %.0f tx/s): its latencies grow with the "
                                  "run", num(ref, "window.offered_tps"));
    else
        snprintf(lat, sizeof lat, "p99 %.2f ms", num(ref, "latency_ms.p99"));
    rdoc_item(d, "%s (reference): %.0f tps, %s, %.0f B of WAL per transaction; pg_wal "
                 "peak %s (max_wal_size %s); crash recovery at the worst moment %s.",
              rn, num(ref, "tps"), lat, num(ref, "wal.bytes_per_tx"), wal_r, mws_r, rec_r);
    for (size_t i = 1; i < ws_json_count(vars); i++) {
        const ws_json *v = ws_json_at(vars, i);
        const char *vn = ws_json_key_at(vars, i);
        char wal[32], rec[32], mws[32];
        fmt_bytes(num(v, "pg_wal_peak_bytes"), wal, sizeof wal);
        fmt_dur(num(v, "recovery.worst_case_s"), rec, sizeof rec);
        fmt_bytes(num(v, "limits.max_wal_size_bytes"), mws, sizeof mws);
        const ws_json *rel = ws_json_get(v, "relative");
        size_t nw = ws_json_count(ws_json_get(v, "warnings"));
        char trust[128] = "";
        if (nw)
            snprintf(trust, sizeof trust, " Mind its %zu warning%s above.", nw, nw == 1 ? "" : "s");
        double wr = num(v, "pg_wal_peak_bytes") / num(ref, "pg_wal_peak_bytes");
        double rr = num(v, "recovery.worst_case_s") / num(ref, "recovery.worst_case_s");
        if (ws_json_type_of(rel) != WS_JSON_OBJECT) {
            bool self = ws_json_bool(ws_json_path(v, "window.overloaded"));
            rdoc_item(d, "%s: not compared with %s (%s is overloaded: no ratio is given against a "
                         "system that cannot carry its load). pg_wal peak %s, worst crash "
                         "recovery %s.%s",
                      vn, rn, self ? vn : rn, wal, rec, trust);
            continue;
        }
        char tps[64], p99[64], walx[64];
        fmt_ratio(ws_json_get(rel, "tps"), tps, sizeof tps);
        fmt_ratio(ws_json_get(rel, "p99"), p99, sizeof p99);
        fmt_ratio(ws_json_get(rel, "wal_per_tx"), walx, sizeof walx);
        for (char *p = tps; *p; p++)
            if (*p == '\n')
                *p = ' ';
        for (char *p = p99; *p; p++)
            if (*p == '\n')
                *p = ' ';
        for (char *p = walx; *p; p++)
            if (*p == '\n')
                *p = ' ';
        char disk[160] = "";
        double free_b = num(v, "advice.disk_free_bytes"), full_s = num(v, "advice.time_to_full_disk_s");
        if (isfinite(free_b) && free_b > 0) {
            char fb[32], fs[32];
            fmt_bytes(free_b, fb, sizeof fb);
            fmt_dur(full_s, fs, sizeof fs);
            snprintf(disk, sizeof disk, "; the volume keeps %s free, full in %s if checkpoints "
                                        "stalled", fb, fs);
        }
        rdoc_item(d, "%s vs %s: throughput %s, p99 latency %s, WAL per transaction %s (95 %% "
                     "intervals); checkpoints %.0f timed / %.0f requested (%s: %.0f / %.0f). "
                     "Cost: pg_wal peak %s (×%.1f; max_wal_size %s%s), crash recovery at the "
                     "worst moment %s (×%.1f).%s",
                  vn, rn, tps, p99, walx, num(v, "checkpoints.timed"),
                  num(v, "checkpoints.requested"), rn, num(ref, "checkpoints.timed"),
                  num(ref, "checkpoints.requested"), wal, wr, mws, disk, rec, rr, trust);
    }
    rdoc_list_end(d);
    fputs("</div>\n", d->h);
}

/* The disk's effective figures in one cell: "125 MB/s write, 3000 IOPS, ...". */
static void device_text(const ws_json *v, char *buf, size_t len)
{
    const ws_json *dev = ws_json_get(v, "device");
    if (ws_json_type_of(dev) != WS_JSON_OBJECT) {
        snprintf(buf, len, "–");
        return;
    }
    char wb[32], rb[32];
    fmt_bytes(num(dev, "write_bandwidth_bytes_per_s"), wb, sizeof wb);
    fmt_bytes(num(dev, "read_bandwidth_bytes_per_s"), rb, sizeof rb);
    snprintf(buf, len, "write %s/s, read %s/s\n%.0f / %.0f IOPS (write / read), latency %.2f / %.2f ms, "
                       "flush %.2f ms",
             wb, rb, num(dev, "write_iops"), num(dev, "read_iops"), num(dev, "write_latency_ms"),
             num(dev, "read_latency_ms"), num(dev, "flush_latency_ms"));
}

static int cmp_relevance(const void *a, const void *b)
{
    const char *ka = *(const char *const *)a, *kb = *(const char *const *)b;
    int ra = relevance(ka), rb = relevance(kb);
    return ra != rb ? ra - rb : 0;
}

static void section_settings(rdoc *d, const ws_json *vars)
{
    size_t nv = ws_json_count(vars);
    const ws_json *cfg = ws_json_get(ws_json_at(vars, 0), "config");
    if (nv < 2 || !cfg)
        return;
    size_t nk = 0, cap = ws_json_count(cfg);
    const char **keys = calloc(cap ? cap : 1, sizeof *keys);
    if (!keys)
        return;
    for (size_t i = 0; i < cap; i++) {
        const char *k = str(ws_json_at(cfg, i), "key");
        if (k && strncmp(k, "scenario.", 9) != 0 && differs(vars, k))
            keys[nk++] = k;
    }
    /* a stable sort by relevance: insertion, the lists are short */
    for (size_t i = 1; i < nk; i++)
        for (size_t j = i; j > 0 && cmp_relevance(&keys[j - 1], &keys[j]) > 0; j--) {
            const char *t = keys[j];
            keys[j] = keys[j - 1];
            keys[j - 1] = t;
        }
    rdoc_heading(d, 2, "settings", "Settings that differ from %s", ws_json_key_at(vars, 0));
    if (nk == 0) {
        rdoc_para(d, NULL, "The variants have the same settings.");
        free(keys);
        return;
    }
    const char **head = calloc(nv + 1, sizeof *head);
    const char **cells = calloc(nv + 1, sizeof *cells);
    char (*buf)[600] = calloc(nv + 1, sizeof *buf);
    if (head && cells && buf) {
        head[0] = "setting";
        for (size_t i = 0; i < nv; i++) {
            snprintf(buf[i], sizeof buf[i], "%s%s", ws_json_key_at(vars, i),
                     i == 0 ? "\nreference" : "");
            head[i + 1] = buf[i];
        }
        rdoc_table_begin(d, "fixed", (int)nv + 1, head);
        char (*cb)[700] = calloc(nv + 1, sizeof *cb);
        for (size_t k = 0; cb && k < nk; k++) {
            cells[0] = keys[k];
            for (size_t i = 0; i < nv; i++) {
                const ws_json *v = ws_json_at(vars, i);
                snprintf(cb[i], sizeof cb[i], "%s\n%s", cfg_value(v, keys[k]),
                         cfg_source(v, keys[k]));
                cells[i + 1] = cb[i];
            }
            rdoc_row(d, NULL, cells);
        }
        /* the disk's figures, when a preset or an override changes them */
        char ref_dev[400], dev[400];
        device_text(ws_json_at(vars, 0), ref_dev, sizeof ref_dev);
        bool dev_differs = false;
        for (size_t i = 1; i < nv; i++) {
            device_text(ws_json_at(vars, i), dev, sizeof dev);
            dev_differs = dev_differs || strcmp(dev, ref_dev) != 0;
        }
        for (size_t i = 0; cb && dev_differs && i < nv; i++) {
            device_text(ws_json_at(vars, i), cb[i], sizeof cb[i]);
            cells[i + 1] = cb[i];
        }
        if (cb && dev_differs) {
            cells[0] = "disk (effective figures)";
            rdoc_row(d, NULL, cells);
        }
        free(cb);
        rdoc_table_end(d);
    }
    free(head);
    free(cells);
    free(buf);
    free(keys);
}

static void section_figures(rdoc *d, const ws_json *vars)
{
    rdoc_heading(d, 2, "figures", "Figures with 95 %% confidence intervals");
    static const char *const head[] = {"variant", "tps", "p50 (ms)", "p99 (ms)", "p99.9 (ms)",
                                       "WAL per tx (B)", "full-page images", "intervals from"};
    rdoc_table_begin(d, "num", 8, head);
    for (size_t i = 0; i < ws_json_count(vars); i++) {
        const ws_json *v = ws_json_at(vars, i);
        const ws_json *iv = ws_json_get(v, "intervals");
        char tps[96], p50[96], p99[96], p999[96], wal[96], fpi[32], how[128];
        fmt_ci(ws_json_get(iv, "tps"), num(v, "tps"), 1, tps, sizeof tps);
        fmt_ci(ws_json_get(iv, "p50_ms"), num(v, "latency_ms.p50"), 2, p50, sizeof p50);
        fmt_ci(ws_json_get(iv, "p99_ms"), num(v, "latency_ms.p99"), 2, p99, sizeof p99);
        fmt_ci(ws_json_get(iv, "p999_ms"), num(v, "latency_ms.p999"), 2, p999, sizeof p999);
        fmt_ci(ws_json_get(iv, "wal_bytes_per_tx"), num(v, "wal.bytes_per_tx"), 0, wal, sizeof wal);
        if (ws_json_bool(ws_json_path(v, "window.overloaded"))) {
            snprintf(p50, sizeof p50, "overloaded\nno steady state");
            snprintf(p99, sizeof p99, "overloaded\nno steady state");
            snprintf(p999, sizeof p999, "overloaded\nno steady state");
        }
        fmt_num(num(v, "wal.fpi_share") * 100, 1, fpi, sizeof fpi);
        strncat(fpi, " %", sizeof fpi - strlen(fpi) - 1);
        const char *m = str(iv, "method");
        double nb = num(iv, "batches");
        if (!m)
            snprintf(how, sizeof how, "no interval\n%.0f batch%s; at least 2 needed", nb,
                     nb == 1 ? "" : "es");
        else if (strcmp(m, "cycles") == 0)
            snprintf(how, sizeof how, "batch means\n%.0f batches of checkpoint cycles", nb);
        else if (strcmp(m, "time") == 0)
            snprintf(how, sizeof how, "batch means\n%.0f time batches", nb);
        else
            snprintf(how, sizeof how, "%s\n%.0f", m, nb);
        const char *cells[] = {ws_json_key_at(vars, i), tps, p50, p99, p999, wal, fpi, how};
        rdoc_row(d, i == 0 ? "ref" : NULL, cells);
    }
    rdoc_table_end(d);
    if (ws_json_count(vars) < 2)
        return;
    rdoc_heading(d, 3, NULL, "Ratios against %s (95 %% intervals)", ws_json_key_at(vars, 0));
    static const char *const rhead[] = {"variant", "tps", "p50", "p99", "WAL per tx"};
    rdoc_table_begin(d, "num", 5, rhead);
    for (size_t i = 1; i < ws_json_count(vars); i++) {
        const ws_json *rel = ws_json_get(ws_json_at(vars, i), "relative");
        char a[96], b[96], c[96], e[96];
        if (ws_json_type_of(rel) != WS_JSON_OBJECT) {
            const char *cells[] = {ws_json_key_at(vars, i), "not compared: overloaded", "", "",
                                   ""};
            rdoc_row(d, "fail", cells);
            continue;
        }
        fmt_ratio(ws_json_get(rel, "tps"), a, sizeof a);
        fmt_ratio(ws_json_get(rel, "p50"), b, sizeof b);
        fmt_ratio(ws_json_get(rel, "p99"), c, sizeof c);
        fmt_ratio(ws_json_get(rel, "wal_per_tx"), e, sizeof e);
        const char *cells[] = {ws_json_key_at(vars, i), a, b, c, e};
        rdoc_row(d, NULL, cells);
    }
    rdoc_table_end(d);
}

static void section_costs(rdoc *d, const ws_json *vars)
{
    rdoc_heading(d, 2, "costs", "Checkpoints, pg_wal and crash recovery");
    static const char *const head[] = {"variant", "checkpoints\ntimed / requested",
                                       "cycle\nmean length", "pg_wal peak",
                                       "max_wal_size", "crash recovery\nat the worst moment",
                                       "redo\nreplay WAL", "reads\npages FPIs miss",
                                       "end-of-recovery\ncheckpoint", "WAL to replay"};
    rdoc_table_begin(d, "num", 10, head);
    for (size_t i = 0; i < ws_json_count(vars); i++) {
        const ws_json *v = ws_json_get(vars, ws_json_key_at(vars, i));
        char ck[64], cyc[64], wal[32], mws[32], rec[32], redo[32], rd[32], cp[32], rb[32];
        snprintf(ck, sizeof ck, "%.0f / %.0f", num(v, "checkpoints.timed"),
                 num(v, "checkpoints.requested"));
        double cycles = num(v, "window.checkpoint_cycles");
        char cl[32];
        fmt_dur(num(v, "window.cycle_s_mean"), cl, sizeof cl);
        if (cycles > 0)
            snprintf(cyc, sizeof cyc, "%s\n%.0f cycle%s", cl, cycles, cycles == 1 ? "" : "s");
        else
            snprintf(cyc, sizeof cyc, "–\nno complete cycle");
        fmt_bytes(num(v, "pg_wal_peak_bytes"), wal, sizeof wal);
        fmt_bytes(num(v, "limits.max_wal_size_bytes"), mws, sizeof mws);
        fmt_dur(num(v, "recovery.worst_case_s"), rec, sizeof rec);
        fmt_dur(num(v, "recovery.redo_s"), redo, sizeof redo);
        fmt_dur(num(v, "recovery.read_s"), rd, sizeof rd);
        fmt_dur(num(v, "recovery.checkpoint_s"), cp, sizeof cp);
        fmt_bytes(num(v, "recovery.worst_case_replay_bytes"), rb, sizeof rb);
        const char *cells[] = {ws_json_key_at(vars, i), ck, cyc, wal, mws, rec, redo, rd, cp, rb};
        rdoc_row(d, i == 0 ? "ref" : NULL, cells);
    }
    rdoc_table_end(d);
    rdoc_para(d, "meta", "Crash recovery replays the WAL written since the last completed "
                         "checkpoint's redo pointer (single-threaded, at replay_rate or the disk's "
                         "read bandwidth), reads the pages no full-page image restores (none with "
                         "full_page_writes = on), then writes and syncs what it redid in the "
                         "end-of-recovery checkpoint. The worst moment is just before a checkpoint "
                         "completes.");
    for (size_t i = 0; i < ws_json_count(vars); i++) {
        const ws_json *c = ws_json_get(ws_json_at(vars, i), "crash");
        if (ws_json_type_of(c) != WS_JSON_OBJECT)
            continue;
        char at[32], tot[32], redo[32], rd[32], cp[32];
        fmt_dur(num(c, "at_s"), at, sizeof at);
        fmt_dur(num(c, "recovery_s"), tot, sizeof tot);
        fmt_dur(num(c, "redo_s"), redo, sizeof redo);
        fmt_dur(num(c, "read_s"), rd, sizeof rd);
        fmt_dur(num(c, "checkpoint_s"), cp, sizeof cp);
        rdoc_para(d, NULL, "%s crashed at %s (the scenario's crash event): recovery %s = redo %s "
                           "+ reads %s + end-of-recovery checkpoint %s; %.0f commits lost.",
                  ws_json_key_at(vars, i), at, tot, redo, rd, cp, num(c, "lost_commits"));
    }
}

static void section_expect(rdoc *d, const ws_json *root)
{
    const ws_json *ex = ws_json_get(root, "expectations");
    if (ws_json_count(ex) == 0)
        return;
    size_t failed = 0;
    for (size_t i = 0; i < ws_json_count(ex); i++) {
        const char *v = str(ws_json_at(ex, i), "verdict");
        failed += v && strcmp(v, "PASS") != 0;
    }
    rdoc_heading(d, 2, "expect", "Expectations: %zu of %zu hold", ws_json_count(ex) - failed,
                 ws_json_count(ex));
    static const char *const head[] = {"verdict", "variant", "expectation", "measured", "line"};
    rdoc_table_begin(d, NULL, 5, head);
    for (size_t i = 0; i < ws_json_count(ex); i++) {
        const ws_json *e = ws_json_at(ex, i);
        const char *verdict = str(e, "verdict") ? str(e, "verdict") : "?";
        const char *note = str(e, "note");
        char meas[1400];
        snprintf(meas, sizeof meas, "%s%s%s", str(e, "description") ? str(e, "description") : "",
                 note && *note ? "\n" : "", note && *note ? note : "");
        const char *cells[] = {verdict, str(e, "variant"), str(e, "text"), meas, str(e, "where")};
        rdoc_row(d, strcmp(verdict, "PASS") == 0 ? "ok" : "fail", cells);
    }
    rdoc_table_end(d);
}

static void section_advice(rdoc *d, const ws_json *vars)
{
    bool any = false;
    for (size_t i = 0; i < ws_json_count(vars); i++)
        any = any || ws_json_count(ws_json_get(ws_json_at(vars, i), "advice_text")) > 0;
    if (!any)
        return;
    rdoc_heading(d, 2, "advice", "Advice (walsim advise, without its verifying runs)");
    for (size_t i = 0; i < ws_json_count(vars); i++) {
        const ws_json *a = ws_json_get(ws_json_at(vars, i), "advice_text");
        if (ws_json_count(a) == 0)
            continue;
        rdoc_heading(d, 3, NULL, "%s", ws_json_key_at(vars, i));
        rdoc_list_begin(d);
        for (size_t k = 0; k < ws_json_count(a); k++) {
            const char *line = ws_json_str(ws_json_at(a, k));
            while (line && *line == ' ')
                line++;
            rdoc_item(d, "%s", line ? line : "");
        }
        rdoc_list_end(d);
    }
}

/* Charts known by name first, in the order a reviewer reads them, then
 * any other PNG of the folder by name. */
static const struct {
    const char *file, *caption;
} charts[] = {
    {"latency.png", "Latency per second (p50, p99, max), checkpoint phases shaded"},
    {"wal.png", "WAL per second: full-page images and records; pg_wal size"},
    {"throughput.png", "Throughput (transactions per second)"},
    {"latency_cdf.png", "Latency distribution"},
    {"dirty.png", "Dirty data: shared buffers and the OS page cache"},
    {"device.png", "The disk: writes by cause, utilisation"},
};

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void section_charts(rdoc *d, const char *dir)
{
    rdoc_heading(d, 2, "charts", "Charts");
    for (size_t i = 0; i < sizeof charts / sizeof charts[0]; i++)
        rdoc_figure(d, charts[i].file, charts[i].caption);
    DIR *dp = opendir(dir);
    char *names[256];
    size_t n = 0;
    for (struct dirent *e; dp && n < 256 && (e = readdir(dp));) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".png") != 0 || e->d_name[0] == '.' ||
            strcmp(e->d_name, "overview.png") == 0)
            continue;
        bool known = false;
        for (size_t i = 0; i < sizeof charts / sizeof charts[0]; i++)
            known = known || strcmp(charts[i].file, e->d_name) == 0;
        if (!known && (names[n] = strdup(e->d_name)))
            n++;
    }
    if (dp)
        closedir(dp);
    qsort(names, n, sizeof names[0], cmp_str);
    for (size_t i = 0; i < n; i++) {
        rdoc_figure(d, names[i], names[i]);
        free(names[i]);
    }
}

/* One assumption row: the reference's value and source, and the variants
 * whose value differs. */
static void assume_row(rdoc *d, const ws_json *vars, const char *label, const char *key)
{
    const ws_json *ref = ws_json_at(vars, 0);
    char val[900], src[600];
    const ws_json *e = cfg_entry(ref, key);
    if (e) {
        snprintf(val, sizeof val, "%s", cfg_value(ref, key));
        snprintf(src, sizeof src, "%s", cfg_source(ref, key));
    } else {
        /* not in the configuration (a [table] default): the settings table's */
        const char *dot = strrchr(key, '.');
        ws_setting_id id;
        const ws_setting_desc *desc = NULL;
        for (int i = 0; i < WS_S__COUNT && dot; i++) {
            id = (ws_setting_id)i;
            if (strcmp(ws_setting_desc_get(id)->name, dot + 1) == 0 &&
                strncmp(key, ws_section_name(ws_setting_desc_get(id)->section),
                        strlen(ws_section_name(ws_setting_desc_get(id)->section))) == 0) {
                desc = ws_setting_desc_get(id);
                break;
            }
        }
        if (!desc)
            return;
        snprintf(val, sizeof val, "%s", desc->def[0] ? desc->def[0] : "–");
        snprintf(src, sizeof src, "default");
    }
    size_t used = strlen(val);
    for (size_t i = 1; e && i < ws_json_count(vars); i++) {
        const char *vv = cfg_value(ws_json_at(vars, i), key);
        if (strcmp(vv, val) != 0 && used < sizeof val)
            used += (size_t)snprintf(val + used, sizeof val - used, "\n%s: %s (%s)",
                                     ws_json_key_at(vars, i), vv,
                                     cfg_source(ws_json_at(vars, i), key));
    }
    const char *cells[] = {label, val, src};
    rdoc_row(d, NULL, cells);
}

static void section_assumptions(rdoc *d, const ws_json *vars)
{
    const ws_json *ref = ws_json_at(vars, 0);
    if (!ref)
        return;
    rdoc_heading(d, 2, "assumptions", "Assumptions used");
    rdoc_para(d, "meta", "Model inputs that are not PostgreSQL settings: change them in the "
                         "scenario when your system differs. Values are the reference "
                         "variant's; a variant with another value is named below it.");
    static const char *const head[] = {"assumption", "value", "source"};
    rdoc_table_begin(d, NULL, 3, head);
    /* warm or cold start, and what the warm start was; a variant that
     * started otherwise is named */
    char start[900];
    size_t used = 0;
    for (size_t i = 0; i < ws_json_count(vars) && used < sizeof start; i++) {
        const ws_json *v = ws_json_at(vars, i);
        const char *st = str(v, "window.start");
        char phase[32], one[200];
        fmt_dur(num(v, "window.warm_phase_s"), phase, sizeof phase);
        if (st && strcmp(st, "warm") == 0)
            snprintf(one, sizeof one, "warm (shared buffers full, checkpoint cycle %s old at 0:00)",
                     phase);
        else
            snprintf(one, sizeof one, "%s", st ? st : cfg_value(v, "scenario.start"));
        const char *ref_st = str(ref, "window.start");
        if (i == 0)
            used += (size_t)snprintf(start, sizeof start, "%s", one);
        else if (!st || !ref_st || strcmp(st, ref_st) != 0)
            used += (size_t)snprintf(start + used, sizeof start - used, "\n%s: %s",
                                     ws_json_key_at(vars, i), one);
    }
    const char *cells[] = {"start state", start, cfg_source(ref, "scenario.start")};
    rdoc_row(d, NULL, cells);
    /* page sampling (sampling.c): exact, or which tables were sampled */
    char samp[700];
    double rate = num(ref, "sampling.rate");
    const char *sampled = str(ref, "sampling.sampled_tables");
    const char *whole = str(ref, "sampling.whole_tables");
    if (!(rate > 0) || rate >= 1)
        snprintf(samp, sizeof samp, "none: every page simulated");
    else
        snprintf(samp, sizeof samp,
                 "1 page in %.0f of %s simulated, shared_buffers scaled alike; every figure at "
                 "full scale (docs/model.md, \"Sampling\")%s%s",
                 1 / rate, sampled ? sampled : "?", whole && *whole ? "; every page of " : "",
                 whole && *whole ? whole : "");
    const char *scells[] = {"page sampling", samp, cfg_source(ref, "scenario.sampling")};
    rdoc_row(d, NULL, scells);
    /* transaction sampling: exact, or 1 in N simulated one by one */
    const char *txq = cfg_value(ref, "scenario.tx_sampling");
    bool tx_auto = txq && strcmp(txq, "auto") == 0;
    double q = num(ref, "sampling.transactions_rate"); /* what was used (auto's choice) */
    if (!(q > 0))
        q = txq && !tx_auto ? strtod(txq, NULL) : 1;
    if (q > 0 && q < 1)
        snprintf(samp, sizeof samp,
                 "1 transaction in %.0f simulated one by one%s (its latency is a sample), the "
                 "others in aggregate: their CPU, page accesses, WAL and commits. Latency "
                 "percentiles and the max are those of the simulated ones, a sample (its max "
                 "is far below the whole system's); against exact runs "
                 "p99 came within 4.3 %% where auto samples (docs/engine.md, \"Writeback in "
                 "whole pieces\"), a bias of its own, not in the interval: for a p99 to take "
                 "into a review, confirm it with tx_sampling = 1",
                 round(1 / q), tx_auto ? " (auto)" : "");
    else
        snprintf(samp, sizeof samp, "none: every transaction simulated%s",
                 tx_auto ? " (auto: under 5,000 tx/s at the lowest load, a closed loop or fcfs)"
                         : "");
    const char *tcells[] = {"transaction sampling", samp, cfg_source(ref, "scenario.tx_sampling")};
    rdoc_row(d, NULL, tcells);
    assume_row(d, vars, "crash recovery replay rate", "scenario.replay_rate");
    /* compression ratios per method: per table when the scenario has
     * tables, else the defaults */
    const ws_json *cfg = ws_json_get(ref, "config");
    bool tables = false;
    for (size_t i = 0; i < ws_json_count(cfg); i++) {
        const char *k = str(ws_json_at(cfg, i), "key");
        if (k && strncmp(k, "table.", 6) == 0 && strstr(k, ".compression")) {
            char label[300];
            snprintf(label, sizeof label, "full-page image %s", k + 6);
            assume_row(d, vars, label, k);
            tables = true;
        }
    }
    if (!tables) {
        static const char *const m[][2] = {
            {"full-page image stored/raw size, pglz", "table.compression_pglz"},
            {"full-page image stored/raw size, lz4", "table.compression_lz4"},
            {"full-page image stored/raw size, zstd", "table.compression_zstd"},
            {"CPU to compress one page, pglz", "table.compression_cpu_pglz"},
            {"CPU to compress one page, lz4", "table.compression_cpu_lz4"},
            {"CPU to compress one page, zstd", "table.compression_cpu_zstd"}};
        for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
            assume_row(d, vars, m[i][0], m[i][1]);
    }
    /* the disk */
    const ws_json *dev = ws_json_get(ref, "device");
    if (ws_json_type_of(dev) == WS_JSON_OBJECT) {
        char val[400], wb[32], rb[32];
        fmt_bytes(num(dev, "write_bandwidth_bytes_per_s"), wb, sizeof wb);
        fmt_bytes(num(dev, "read_bandwidth_bytes_per_s"), rb, sizeof rb);
        snprintf(val, sizeof val,
                 "%s: write %s/s, read %s/s, %.0f write IOPS, %.0f read IOPS, latency read %.2f "
                 "ms, write %.2f ms, flush %.2f ms",
                 str(dev, "preset") ? str(dev, "preset") : "?", wb, rb, num(dev, "write_iops"),
                 num(dev, "read_iops"), num(dev, "read_latency_ms"), num(dev, "write_latency_ms"),
                 num(dev, "flush_latency_ms"));
        char src[700];
        snprintf(src, sizeof src, "disk.preset: %s; the preset's figures unless a [disk] field "
                                  "overrides them (below)", cfg_source(ref, "disk.preset"));
        const char *dc[] = {"disk", val, src};
        rdoc_row(d, NULL, dc);
        for (size_t i = 0; i < ws_json_count(cfg); i++) {
            const ws_json *e = ws_json_at(cfg, i);
            const char *k = str(e, "key");
            if (k && strncmp(k, "disk.", 5) == 0 && strcmp(k, "disk.preset") != 0 &&
                !ws_json_bool(ws_json_get(e, "default")))
                assume_row(d, vars, k, k);
        }
    }
    /* CPU costs */
    for (size_t i = 0; i < ws_json_count(cfg); i++) {
        const char *k = str(ws_json_at(cfg, i), "key");
        if (!k)
            continue;
        if (strcmp(k, "os.cpus") == 0 || strncmp(k, "os.cpu_", 7) == 0 ||
            (strncmp(k, "workload.", 9) == 0 && strstr(k, "cpu")))
            assume_row(d, vars, k, k);
    }
    rdoc_table_end(d);
}

static void section_config(rdoc *d, const ws_json *vars)
{
    size_t nv = ws_json_count(vars);
    const ws_json *cfg = ws_json_get(ws_json_at(vars, 0), "config");
    if (!cfg)
        return;
    rdoc_heading(d, 2, "config", "Full effective configuration");
    rdoc_para(d, "meta", "Every setting walsim models, as `walsim lint` prints it, with where its "
                         "value came from (default for the PostgreSQL version, FILE:LINE, variant "
                         "NAME (FILE:LINE), --set). \"same\": as in %s. PostgreSQL settings "
                         "walsim accepts but does not model are listed under Notes.",
              ws_json_key_at(vars, 0));
    const char **head = calloc(nv + 1, sizeof *head);
    const char **cells = calloc(nv + 1, sizeof *cells);
    char (*cb)[700] = calloc(nv + 1, sizeof *cb);
    if (head && cells && cb) {
        head[0] = "setting";
        for (size_t i = 0; i < nv; i++)
            head[i + 1] = ws_json_key_at(vars, i);
        rdoc_table_begin(d, "small long fixed", (int)nv + 1, head);
        for (size_t k = 0; k < ws_json_count(cfg); k++) {
            const char *key = str(ws_json_at(cfg, k), "key");
            if (!key)
                continue;
            cells[0] = key;
            const ws_json *ref = ws_json_at(vars, 0);
            for (size_t i = 0; i < nv; i++) {
                const ws_json *v = ws_json_at(vars, i);
                if (i > 0 && strcmp(cfg_value(v, key), cfg_value(ref, key)) == 0 &&
                    strcmp(cfg_source(v, key), cfg_source(ref, key)) == 0)
                    snprintf(cb[i], sizeof cb[i], "same");
                else
                    snprintf(cb[i], sizeof cb[i], "%s\n%s", cfg_value(v, key), cfg_source(v, key));
                cells[i + 1] = cb[i];
            }
            rdoc_row(d, NULL, cells);
        }
        rdoc_table_end(d);
    }
    free(head);
    free(cells);
    free(cb);
}

static void section_notes(rdoc *d, const ws_json *root)
{
    const ws_json *notes = ws_json_get(root, "notes");
    if (ws_json_count(notes) == 0)
        return;
    rdoc_heading(d, 2, "notes", "Notes");
    rdoc_list_begin(d);
    for (size_t i = 0; i < ws_json_count(notes); i++)
        rdoc_item(d, "%s", or_empty(ws_json_str(ws_json_at(notes, i))));
    rdoc_list_end(d);
}

static void section_diff(rdoc *d, const char *dir, const ws_rpt_options *opts)
{
    ws_diff df;
    ws_diag err;
    ws_diag_clear(&err);
    rdoc_heading(d, 2, "diff", "Compared with %s", opts->diff_dir);
    if (ws_diff_dirs(opts->diff_dir, dir, opts->diff_tolerance, NULL, 0, &df, &err) != WS_OK) {
        rdoc_para(d, NULL, "Not compared: %s", err.msg);
        return;
    }
    rdoc_para(d, "meta", "A = %s, B = this run. %zu of %zu figures changed by more than %.3g %%. "
                         "When both runs' 95 %% intervals overlap, the change may be the noise of "
                         "the random streams.",
              opts->diff_dir, df.n_exceed, df.n, df.tolerance * 100);
    static const char *const head[] = {"variant", "figure", "A", "B", "change", "95 % intervals"};
    rdoc_table_begin(d, "num", 6, head);
    for (size_t i = 0; i < df.n; i++) {
        const ws_diff_row *r = &df.rows[i];
        char a[32], b[32], ch[32], ci[200];
        snprintf(a, sizeof a, "%.4g", r->a);
        snprintf(b, sizeof b, "%.4g", r->b);
        if (isfinite(r->change))
            snprintf(ch, sizeof ch, "%+.2f %%", r->change * 100);
        else
            snprintf(ch, sizeof ch, "%s", r->change > 0 ? "+inf" : "-inf");
        if (r->have_ci)
            snprintf(ci, sizeof ci, "%s\nA [%.4g, %.4g], B [%.4g, %.4g]",
                     r->overlap ? "overlap" : "do not overlap", r->a_lo, r->a_hi, r->b_lo,
                     r->b_hi);
        else
            snprintf(ci, sizeof ci, "no interval");
        const char *cells[] = {r->variant, r->label, a, b, ch, ci};
        rdoc_row(d, r->exceeds ? "fail" : NULL, cells);
    }
    rdoc_table_end(d);
    if (df.note[0])
        rdoc_para(d, "meta", "%s", df.note);
    ws_diff_free(&df);
}

static void section_footer(rdoc *d, const ws_json *root, const ws_rpt_options *opts)
{
    const ws_json *ref = ws_json_at(ws_json_get(root, "variants"), 0);
    const char *cmd = opts && opts->command ? opts->command : str(root, "reproduce.command");
    const char *hash = str(root, "scenario.sha256");
    fputs("<footer>\n", d->h);
    rdoc_heading(d, 2, "reproduce", "Reproduce");
    rdoc_para(d, NULL, "walsim %s · scenario %s · sha256 %s · seed %.0f",
              str(root, "walsim_version") ? str(root, "walsim_version") : "?",
              str(root, "scenario.file") ? str(root, "scenario.file") : "?",
              hash ? hash : "unknown", num(ref, "seed"));
    rdoc_code(d, cmd ? cmd : "walsim run");
    rdoc_para(d, "meta", "Written by `walsim report` from summary.json and the charts of this "
                         "folder; the same folder gives the same report.");
    fputs("</footer>\n", d->h);
}

/* ---- a sweep's folder --------------------------------------------------- */

/* Appends " WORD" to buf quoted for a POSIX shell ('...' with each '
 * written '\\''). */
static size_t shell_append(char *buf, size_t len, size_t used, const char *word)
{
    if (used + 4 >= len)
        return used;
    buf[used++] = ' ';
    buf[used++] = '\'';
    for (const char *p = word; *p && used + 6 < len; p++) {
        if (*p == '\'') {
            memcpy(buf + used, "'\\''", 4);
            used += 4;
        } else {
            buf[used++] = *p;
        }
    }
    buf[used++] = '\'';
    buf[used] = '\0';
    return used;
}

static int sweep_report(rdoc *d, const char *dir, ws_diag *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/sweep.csv", dir);
    ws_csv *c = NULL;
    int rc = ws_csv_read_file(path, &c, err);
    if (rc != WS_OK)
        return rc == WS_EIO ? WS_EINPUT : rc;
    /* the columns a reviewer reads: the point, its parameters (between
     * seed and variant, without their _num twins), the variant, the seed,
     * then the headline figures, as `walsim sweep` prints them */
    static const char *const figs[] = {"tps", "p50_latency_ms", "p99_latency_ms",
                                       "checkpoints_timed", "checkpoints_req",
                                       "wal_bytes_per_tx_bytes", "pg_wal_peak_bytes",
                                       "worst_recovery_s", "checkpoint_cycles", "overloaded",
                                       "warnings"};
    static const char *const labels[] = {"tps", "p50 (ms)", "p99 (ms)", "checkpoints\ntimed",
                                         "checkpoints\nrequested", "WAL per tx", "pg_wal peak",
                                         "worst recovery", "checkpoint cycles", "overloaded",
                                         "warnings"};
    const char *heads[64];
    int cols[64], nc = 0;
    int cp = ws_csv_col(c, "point"), cs = ws_csv_col(c, "seed"), cv = ws_csv_col(c, "variant");
    if (cp >= 0) {
        heads[nc] = "point";
        cols[nc++] = cp;
    }
    for (int k = cs + 1; cs >= 0 && k < cv && nc < 40; k++) {
        const char *name = ws_csv_col_name(c, (size_t)k);
        size_t len = strlen(name);
        if (len < 4 || strcmp(name + len - 4, "_num") != 0) {
            heads[nc] = name;
            cols[nc++] = k;
        }
    }
    if (cv >= 0) {
        heads[nc] = "variant";
        cols[nc++] = cv;
    }
    if (cs >= 0) {
        heads[nc] = "seed";
        cols[nc++] = cs;
    }
    for (size_t i = 0; i < sizeof figs / sizeof figs[0]; i++)
        if (ws_csv_col(c, figs[i]) >= 0) {
            heads[nc] = labels[i];
            cols[nc++] = ws_csv_col(c, figs[i]);
        }
    const char *cells[64];
    char (*buf)[96] = calloc(64, sizeof *buf);
    if (!buf) {
        ws_csv_free(c);
        return WS_ENOMEM;
    }
    /* sweep.meta names the scenario, the settings and the grid (the folder
     * may be a staging folder's name while sweep writes it) */
    char scen[1024] = "", ver[64] = "", cmd[4096] = "walsim sweep", params[1024] = "";
    snprintf(path, sizeof path, "%s/sweep.meta", dir);
    FILE *meta = fopen(path, "r");
    char line[2048];
    size_t used = strlen(cmd), pused = 0;
    while (meta && fgets(line, sizeof line, meta)) {
        line[strcspn(line, "\r\n")] = '\0';
        char *eq = strstr(line, " = ");
        if (line[0] == '#' || !eq)
            continue;
        *eq = '\0';
        const char *val = eq + 3;
        const char *opt = NULL;
        if (!strcmp(line, "scenario")) {
            snprintf(scen, sizeof scen, "%s", val);
            if (strncmp(val, "<built-in>/", 11) != 0)
                used = shell_append(cmd, sizeof cmd, used, val);
        } else if (!strcmp(line, "walsim")) {
            snprintf(ver, sizeof ver, "%s", val);
        } else if (!strcmp(line, "set")) {
            opt = "--set";
        } else if (!strcmp(line, "param")) {
            opt = "--param";
            if (pused < sizeof params)
                pused += (size_t)snprintf(params + pused, sizeof params - pused, "%s%s",
                                          pused ? " × " : "", val);
        } else if (!strcmp(line, "seeds") && strcmp(val, "1") != 0) {
            opt = "--seeds";
        }
        if (opt && used + strlen(opt) + 2 < sizeof cmd) {
            used += (size_t)snprintf(cmd + used, sizeof cmd - used, " %s", opt);
            used = shell_append(cmd, sizeof cmd, used, val);
        }
    }
    if (meta)
        fclose(meta);
    rdoc_begin(d, "walsim sweep");
    if (scen[0])
        rdoc_heading(d, 1, NULL, "Sweep of %s", scen);
    else
        rdoc_heading(d, 1, NULL, "Sweep");
    if (params[0])
        rdoc_para(d, "lead", "%s", params);
    rdoc_para(d, "meta", "Every run of the sweep (one row per point, variant and seed) with its "
                         "headline figures, and the charts; sweep.csv has every column. A run "
                         "with overloaded = 1 or fewer than 2 checkpoint cycles (shaded) is not a "
                         "steady state (its warnings column counts its warnings).");
    rdoc_heading(d, 2, "points", "Points");
    rdoc_table_begin(d, "small long num fixed", nc, heads);
    for (size_t r = 0; r < ws_csv_rows(c); r++) {
        for (int k = 0; k < nc; k++) {
            const char *name = ws_csv_col_name(c, (size_t)cols[k]);
            const char *cell = ws_csv_cell(c, r, (size_t)cols[k]);
            size_t len = strlen(name);
            char *end;
            double x = strtod(cell, &end);
            bool number = *cell && *end == '\0';
            if (number && len > 6 && strcmp(name + len - 6, "_bytes") == 0)
                fmt_bytes(x, buf[k], sizeof buf[k]);
            else if (number && len > 2 && strcmp(name + len - 2, "_s") == 0)
                fmt_dur(x, buf[k], sizeof buf[k]);
            else if (number && x != floor(x))
                snprintf(buf[k], sizeof buf[k], "%.2f", x);
            else
                snprintf(buf[k], sizeof buf[k], "%s", cell);
            cells[k] = buf[k];
        }
        int co = ws_csv_col(c, "overloaded"), cy = ws_csv_col(c, "checkpoint_cycles");
        bool flagged = (co >= 0 && atof(ws_csv_cell(c, r, (size_t)co)) != 0) ||
                       (cy >= 0 && !ws_csv_empty(c, r, (size_t)cy) &&
                        atof(ws_csv_cell(c, r, (size_t)cy)) < 2);
        rdoc_row(d, flagged ? "flag" : NULL, cells);
    }
    rdoc_table_end(d);
    free(buf);
    ws_csv_free(c);
    rdoc_heading(d, 2, "charts", "Charts");
    DIR *dp = opendir(dir);
    char *names[256];
    size_t n = 0;
    for (struct dirent *e; dp && n < 256 && (e = readdir(dp));) {
        size_t len = strlen(e->d_name);
        if (len > 4 && strcmp(e->d_name + len - 4, ".png") == 0 && e->d_name[0] != '.' &&
            (names[n] = strdup(e->d_name)))
            n++;
    }
    if (dp)
        closedir(dp);
    qsort(names, n, sizeof names[0], cmp_str);
    for (size_t i = 0; i < n; i++) {
        rdoc_figure(d, names[i], names[i]);
        free(names[i]);
    }
    if (scen[0]) {
        fputs("<footer>\n", d->h);
        rdoc_heading(d, 2, "reproduce", "Reproduce");
        rdoc_para(d, NULL, "walsim %s · scenario %s", ver[0] ? ver : "?", scen);
        rdoc_code(d, cmd);
        fputs("</footer>\n", d->h);
    }
    rdoc_end(d);
    return WS_OK;
}

/* ---- the whole report --------------------------------------------------- */

static int render(rdoc *d, const char *dir, const ws_rpt_options *opts, ws_diag *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/summary.json", dir);
    FILE *probe = fopen(path, "r");
    if (!probe) {
        char sweep[4200];
        snprintf(sweep, sizeof sweep, "%s/sweep.csv", dir);
        FILE *sp = fopen(sweep, "r");
        if (sp) {
            fclose(sp);
            return sweep_report(d, dir, err);
        }
        ws_diag_set(err, NULL, 0, "%s: cannot read it (expected a walsim output folder with "
                    "summary.json or sweep.csv)", path);
        return WS_EINPUT;
    }
    fclose(probe);
    ws_json *root = NULL;
    int rc = ws_json_parse_file(path, &root, err);
    if (rc != WS_OK)
        return rc == WS_EIO ? WS_EINPUT : rc;
    const ws_json *vars = ws_json_get(root, "variants");
    if (ws_json_type_of(vars) != WS_JSON_OBJECT || ws_json_count(vars) == 0) {
        ws_diag_set(err, NULL, 0, "%s:%d: variants: expected an object with one member per "
                    "variant", path, ws_json_line(vars ? vars : root));
        ws_json_free(root);
        return WS_EINPUT;
    }
    const char *title = str(root, "scenario.name");
    rdoc_begin(d, title ? title : "walsim report");
    section_header(d, root, title ? title : "walsim report");
    section_warnings(d, vars);
    section_glance(d, vars);
    section_settings(d, vars);
    section_figures(d, vars);
    section_costs(d, vars);
    section_expect(d, root);
    section_advice(d, vars);
    if (opts && opts->diff_dir)
        section_diff(d, dir, opts);
    section_charts(d, dir);
    section_assumptions(d, vars);
    section_config(d, vars);
    section_notes(d, root);
    section_footer(d, root, opts);
    rdoc_end(d);
    ws_json_free(root);
    return WS_OK;
}

int ws_rpt_write(const char *dir, const ws_rpt_options *opts, ws_diag *err)
{
    ws_outset *o = ws_outset_new(dir, err);
    if (!o)
        return WS_EIO;
    FILE *h = ws_outset_open(o, "report.html", err);
    FILE *m = h ? ws_outset_open(o, "report.md", err) : NULL;
    if (!h || !m) {
        ws_outset_abort(o);
        return WS_EIO;
    }
    rdoc d = {h, m, dir, 0, 0};
    int rc = render(&d, dir, opts, err);
    if (rc != WS_OK) {
        ws_outset_abort(o);
        return rc;
    }
    return ws_outset_commit(o, err);
}
