/*
 * fuzz_roundtrip.c - libFuzzer target for the output writers: values built
 * from the input are written with walsim's own writers, read back with its
 * own readers, and compared.
 *
 *   - sweep.csv (ws_sweep_csv_header, ws_sweep_csv_row, src/output/sweepcsv.c)
 *     with parameters (real keys, values and numbers from the input) and a
 *     variant name, seed and metrics from the input, read back with
 *     ws_csv_parse (csvread.h): the header names every column, the row has
 *     the parameter's text, its number (to %.9g), the variant name, and
 *     every metric's CSV value (empty when not finite);
 *   - summary.json (ws_report_summary_json, src/output/summary.c) for 1-3
 *     variants whose names, seeds, warnings and figures come from the
 *     input, read back with ws_json_parse (json.h): the variants in order
 *     under their names, their version, seed, transactions, tps, duration,
 *     latency and warnings.
 *
 * Any difference aborts.  A CSV cell with a comma, a double quote or a line
 * end must come back unchanged (RFC 4180 quoting); invalid UTF-8 in a JSON
 * string must come back with each invalid byte replaced by U+FFFD, the
 * writer's documented rule (docs/outputs.md); a time that is not finite is
 * written as null.  The four findings that made these rules are kept as
 * inputs of the corpus (corpus-roundtrip/known-*).
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* open_memstream */
#endif

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "walsim/csvread.h"
#include "walsim/json.h"
#include "walsim/metrics.h"
#include "walsim/report.h"
#include "walsim/scenario.h"
#include "walsim/sweep.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                        \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "fuzz_roundtrip: %s:%d: round trip broken: %s\n", __FILE__,     \
                    __LINE__, #cond);                                                      \
            abort();                                                                       \
        }                                                                                  \
    } while (0)

/* ---- the input, consumed front to back; zeros once it runs out ---- */

typedef struct src {
    const uint8_t *p;
    size_t n;
} src;

static uint8_t u8(src *s)
{
    if (!s->n)
        return 0;
    s->n--;
    return *s->p++;
}

static uint64_t u64(src *s)
{
    uint64_t x = 0;
    for (int i = 0; i < 8; i++)
        x = x << 8 | u8(s);
    return x;
}

/* A double: small integers, simple decimals, or any bit pattern. */
static double num(src *s)
{
    switch (u8(s) & 3) {
    case 0:
        return (double)(int8_t)u8(s);
    case 1:
        return (double)(int32_t)(u64(s) >> 32) / 1000.0;
    case 2: {
        uint64_t b = u64(s);
        double x;
        memcpy(&x, &b, sizeof x);
        return x;
    }
    default:
        return (double)u64(s);
    }
}

/* A string of up to max - 1 bytes, no NUL. */
static void str(src *s, char *buf, size_t max)
{
    size_t len = u8(s) % max, i = 0;
    while (i < len && s->n) {
        uint8_t c = u8(s);
        buf[i++] = c ? (char)c : ' ';
    }
    buf[i] = '\0';
}

/* The length of the valid UTF-8 sequence at p, or 0. */
static size_t seq_len(const unsigned char *p)
{
    unsigned char c = *p;
    size_t n = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3
                              : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    /* no overlong 3/4-byte forms, no surrogates, nothing above U+10FFFF */
    if (n > 1 && ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] >= 0xA0) ||
                  (c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] >= 0x90)))
        return 0;
    return n;
}

/* What a JSON string written from t must read back as: every byte that
 * starts no valid UTF-8 sequence replaced by U+FFFD. */
static void expect_utf8(const char *t, char *out, size_t cap)
{
    const unsigned char *p = (const unsigned char *)t;
    size_t o = 0;
    while (*p) {
        size_t n = seq_len(p);
        const char *w = n ? (const char *)p : "\xEF\xBF\xBD";
        size_t k = n ? n : 3;
        CHECK(o + k < cap);
        memcpy(out + o, w, k);
        o += k;
        p += n ? n : 1;
    }
    out[o] = '\0';
}

/* The value %.9g wrote for x, read back. */
static bool same9(double x, double back)
{
    if (x == back)
        return true;
    return fabs(back - x) <= 1e-8 * fabs(x);
}

static FILE *memfile(char **buf, size_t *len)
{
    *buf = NULL;
    FILE *f = open_memstream(buf, len);
    CHECK(f != NULL);
    return f;
}

/* ---- sweep.csv ---- */

static const char *const keys[] = {"max_wal_size", "checkpoint_timeout", "shared_buffers",
                                   "disk.preset", "table.accounts.size", "rate"};
#define N_KEYS (sizeof keys / sizeof keys[0])

static void sweep_csv(src *in)
{
    enum { MAXP = 3 };
    ws_sweep_param params[MAXP];
    char vals[MAXP][48];
    char *valp[MAXP];
    double nums[MAXP];
    size_t idx[MAXP] = {0};
    size_t np = u8(in) % (MAXP + 1);
    unsigned used = 0;
    for (size_t i = 0; i < np; i++) {
        size_t k = u8(in) % N_KEYS;
        while (used & (1u << k))
            k = (k + 1) % N_KEYS;
        used |= 1u << k;
        str(in, vals[i], sizeof vals[i]);
        nums[i] = num(in);
        valp[i] = vals[i];
        params[i] = (ws_sweep_param){(char *)keys[k], 1, &valp[i], &nums[i]};
    }
    ws_run_stats *st = calloc(1, sizeof *st);
    CHECK(st != NULL);
    str(in, st->variant, sizeof st->variant);
    st->seed = u64(in);
    /* The figures the metrics read, from the input. */
    st->tps = num(in);
    st->transactions = u64(in);
    st->duration_s = num(in);
    st->lat.p99_s = num(in);
    st->lat.p50_s = num(in);
    st->lat.max_s = num(in);
    st->lat.mean_s = num(in);
    st->wal_bytes = u64(in);
    st->wal_bytes_per_tx = num(in);
    st->fpi_share = num(in);
    st->ckpt_timed = u64(in);
    st->ckpt_req = u64(in);
    st->pg_wal_peak_bytes = u64(in);
    st->device_utilization = num(in);
    st->cpu_utilization = num(in);
    st->worst_recovery_s = num(in);

    char *buf;
    size_t len;
    FILE *f = memfile(&buf, &len);
    ws_sweep_csv_header(f, params, np);
    ws_sweep_csv_row(f, 7, params, np, idx, st);
    CHECK(fclose(f) == 0);

    ws_csv *c = NULL;
    ws_diag err;
    int rc = ws_csv_parse(buf, len, "sweep.csv", &c, &err);
    if (rc != WS_OK)
        fprintf(stderr, "fuzz_roundtrip: sweep.csv does not read back: %s\n", err.msg);
    CHECK(rc == WS_OK);
    size_t nm = ws_metric_count();
    char want[1024];
    CHECK(ws_csv_cols(c) == 2 + 2 * np + 1 + nm);
    CHECK(ws_csv_rows(c) == 1);
    CHECK(strcmp(ws_csv_cell(c, 0, 0), "7") == 0);
    double x;
    CHECK(ws_csv_num(c, 0, 1, &x, &err) == WS_OK && x == (double)st->seed);
    for (size_t i = 0; i < np; i++) {
        char name[64];
        CHECK(strcmp(ws_csv_col_name(c, 2 + 2 * i), params[i].key) == 0);
        snprintf(name, sizeof name, "%s_num", params[i].key);
        CHECK(strcmp(ws_csv_col_name(c, 3 + 2 * i), name) == 0);
        expect_utf8(vals[i], want, sizeof want);
        CHECK(strcmp(ws_csv_cell(c, 0, 2 + 2 * i), want) == 0);
        if (isfinite(nums[i])) {
            CHECK(ws_csv_num(c, 0, 3 + 2 * i, &x, &err) == WS_OK && same9(nums[i], x));
        } else {
            CHECK(ws_csv_empty(c, 0, 3 + 2 * i));
        }
    }
    CHECK(strcmp(ws_csv_col_name(c, 2 + 2 * np), "variant") == 0);
    expect_utf8(st->variant, want, sizeof want);
    CHECK(strcmp(ws_csv_cell(c, 0, 2 + 2 * np), want) == 0);
    for (size_t m = 0; m < nm; m++) {
        const ws_metric *me = ws_metric_at(m);
        size_t col = 3 + 2 * np + m;
        CHECK(strcmp(ws_csv_col_name(c, col), me->column) == 0);
        double v = ws_metric_csv_value(me, st);
        if (!isfinite(v)) {
            CHECK(ws_csv_empty(c, 0, col));
        } else {
            CHECK(ws_csv_num(c, 0, col, &x, &err) == WS_OK && same9(v, x));
        }
    }
    ws_csv_free(c);
    free(buf);
    free(st);
}

/* ---- summary.json ---- */

static const ws_scenario *scen;
static ws_config *cfgs[3];
static size_t n_scen;

static void load_scenario(void)
{
    if (scen)
        return;
    static const char text[] = "[scenario]\nname = 'round trip'\n"
                               "[variant a]\nmax_wal_size = 2GB\n"
                               "[variant b]\ncheckpoint_timeout = 15min\n";
    ws_scenario *s;
    ws_diag err;
    if (ws_scenario_load_string(text, sizeof text - 1, "roundtrip.conf", &s, &err) != WS_OK) {
        fprintf(stderr, "fuzz_roundtrip: %s\n", err.msg);
        abort();
    }
    n_scen = ws_scenario_variant_count(s);
    CHECK(n_scen >= 1 && n_scen <= 3);
    for (size_t v = 0; v < n_scen; v++)
        CHECK(ws_config_resolve(s, v, &cfgs[v], &err) == WS_OK);
    scen = s; /* kept for the process's life */
}

/* A number JSON holds: the value, or null for one that is not finite. */
static void check_num(const ws_json *o, const char *key, double want)
{
    const ws_json *v = ws_json_get(o, key);
    CHECK(v != NULL);
    if (!isfinite(want)) {
        CHECK(ws_json_type_of(v) == WS_JSON_NULL);
        return;
    }
    CHECK(ws_json_type_of(v) == WS_JSON_NUMBER);
    if (!same9(want, ws_json_num(v)))
        fprintf(stderr, "fuzz_roundtrip: %s: wrote %.17g, read %.17g\n", key, want,
                ws_json_num(v));
    CHECK(same9(want, ws_json_num(v)));
}

static void summary_json(src *in)
{
    load_scenario();
    size_t n = 1 + u8(in) % n_scen;
    ws_run_stats *st = calloc(n, sizeof *st);
    CHECK(st != NULL);
    for (size_t v = 0; v < n; v++) {
        ws_run_stats *r = &st[v];
        str(in, r->variant, sizeof r->variant);
        r->pg_version = 13 + u8(in) % 5;
        r->seed = u64(in);
        r->duration_s = num(in);
        r->transactions = u64(in);
        r->tps = num(in);
        r->lat.n = r->transactions;
        r->lat.p50_s = num(in);
        r->lat.p99_s = num(in);
        r->lat.max_s = num(in);
        r->ckpt_timed = u64(in);
        r->checkpoint_write_time_ms = num(in);
        r->checkpoint_sync_time_ms = num(in);
        r->wal_sync_time_ms = num(in);
        r->win.overloaded = true; /* no advice or ratios: not what this target is for */
        r->win.n_warn = u8(in) % (WS_MAX_WARNINGS + 1);
        for (int w = 0; w < r->win.n_warn; w++) {
            str(in, r->win.warn[w], 200);
        }
    }
    char *buf;
    size_t len;
    FILE *f = memfile(&buf, &len);
    ws_report_summary_json(f, scen, (const ws_config *const *)cfgs, st, n);
    CHECK(fclose(f) == 0);

    ws_json *j = NULL;
    ws_diag err;
    int rc = ws_json_parse(buf, len, "summary.json", &j, &err);
    if (rc != WS_OK)
        fprintf(stderr, "fuzz_roundtrip: summary.json does not read back: %s\n", err.msg);
    CHECK(rc == WS_OK);
    const ws_json *vs = ws_json_get(j, "variants");
    CHECK(vs && ws_json_type_of(vs) == WS_JSON_OBJECT && ws_json_count(vs) == n);
    for (size_t v = 0; v < n; v++) {
        const ws_run_stats *r = &st[v];
        char want[1024];
        expect_utf8(r->variant, want, sizeof want);
        CHECK(strcmp(ws_json_key_at(vs, v), want) == 0);
        const ws_json *o = ws_json_at(vs, v);
        CHECK(o && ws_json_type_of(o) == WS_JSON_OBJECT);
        check_num(o, "pg_version", r->pg_version);
        check_num(o, "seed", (double)r->seed);
        check_num(o, "transactions", (double)r->transactions);
        check_num(o, "duration_s", r->duration_s);
        check_num(o, "tps", r->tps);
        const ws_json *lat = ws_json_get(o, "latency_ms");
        CHECK(lat != NULL);
        check_num(lat, "count", (double)r->lat.n);
        check_num(lat, "p50", r->lat.p50_s * 1e3);
        check_num(lat, "p99", r->lat.p99_s * 1e3);
        check_num(lat, "max", r->lat.max_s * 1e3);
        /* the statistics views' times: a number as psql shows it, or null */
        const ws_json *ps = ws_json_get(o, "pg_stat");
        CHECK(ps != NULL);
        const ws_json *view = ws_json_get(ps, r->pg_version <= 16 ? "pg_stat_bgwriter"
                                                                   : "pg_stat_checkpointer");
        CHECK(view != NULL);
        const ws_json *wt = ws_json_get(view, r->pg_version <= 16 ? "checkpoint_write_time"
                                                                  : "write_time");
        CHECK(wt && ws_json_type_of(wt) == (isfinite(r->checkpoint_write_time_ms)
                                                ? WS_JSON_NUMBER : WS_JSON_NULL));
        const ws_json *ck = ws_json_get(o, "checkpoints");
        CHECK(ck != NULL);
        check_num(ck, "timed", (double)r->ckpt_timed);
        const ws_json *w = ws_json_get(o, "warnings");
        CHECK(w && ws_json_type_of(w) == WS_JSON_ARRAY && ws_json_count(w) == (size_t)r->win.n_warn);
        for (int i = 0; i < r->win.n_warn; i++) {
            const ws_json *s = ws_json_at(w, (size_t)i);
            expect_utf8(r->win.warn[i], want, sizeof want);
            CHECK(ws_json_type_of(s) == WS_JSON_STRING && strcmp(ws_json_str(s), want) == 0);
        }
    }
    ws_json_free(j);
    free(buf);
    free(st);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    src in = {data, size};
    if (u8(&in) & 1)
        summary_json(&in);
    else
        sweep_csv(&in);
    return 0;
}
