/*
 * rundir.c - reads a run's output folder for the charts (see rundir.h).
 */
#include "rundir.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "walsim/csvread.h"
#include "walsim/json.h"

const char *const plot_tcol_names[PLOT_TCOL__COUNT] = {
    [PLOT_TPS] = "tps",
    [PLOT_P50] = "lat_p50_ms",
    [PLOT_P99] = "lat_p99_ms",
    [PLOT_MAX] = "lat_max_ms",
    [PLOT_WAL_FPI] = "wal_fpi_bytes",
    [PLOT_WAL_REC] = "wal_rec_bytes",
    [PLOT_PG_WAL] = "pg_wal_bytes",
    [PLOT_DIRTY_BUFFERS] = "dirty_buffers",
    [PLOT_OS_DIRTY] = "os_dirty_bytes",
    [PLOT_OS_WRITEBACK] = "os_writeback_bytes",
    [PLOT_DEV_READ] = "dev_read_bytes",
    [PLOT_DEV_WAL] = "dev_wal_bytes",
    [PLOT_DEV_CKPT] = "dev_checkpoint_bytes",
    [PLOT_DEV_BGWRITER] = "dev_bgwriter_bytes",
    [PLOT_DEV_BACKEND] = "dev_backend_bytes",
    [PLOT_DEV_WRITEBACK] = "dev_writeback_bytes",
    [PLOT_DEV_UTIL] = "dev_util",
    [PLOT_DEV_READ_IOPS] = "dev_read_iops",
    [PLOT_DEV_WRITE_IOPS] = "dev_write_iops",
};

void plot_run_free(plot_run *r)
{
    for (size_t i = 0; i < r->nv; i++) {
        plot_variant *v = &r->v[i];
        free(v->name);
        free(v->settings);
        free(v->t);
        for (int c = 0; c < PLOT_TCOL__COUNT; c++) {
            free(v->col[c]);
            free(v->zcol[c]);
        }
        free(v->zt);
        free(v->spans);
        free(v->cdf_ms);
        free(v->cdf);
        for (size_t k = 0; k < v->n_warn; k++)
            free(v->warn[k]);
        free(v->warn);
    }
    free(r->v);
    free(r->title);
    memset(r, 0, sizeof *r);
}

static int nomem(ws_diag *err)
{
    ws_diag_set(err, NULL, 0, "out of memory");
    return WS_ENOMEM;
}

static void path_of(char *buf, size_t len, const char *dir, const char *file)
{
    snprintf(buf, len, "%s/%s", dir, file);
}

/* An optional number: absent is NAN, present but not a number an error. */
static int opt_num(const ws_json *v, const char *path, double *out, ws_diag *err)
{
    *out = NAN;
    if (!ws_json_path(v, path))
        return WS_OK;
    return ws_json_get_num(v, path, out, err);
}

/* Settings a reader of a checkpoint chart looks for first, in this
 * order; the others follow in summary.json's order, the duration last. */
static const char *const relevant[] = {
    "max_wal_size",   "checkpoint_timeout", "checkpoint_completion_target",
    "wal_compression", "shared_buffers",    "full_page_writes",
    "min_wal_size",   "preset",             "bgwriter_lru_maxpages",
    "wal_buffers",    "synchronous_commit", "backend_flush_after",
    "checkpoint_flush_after"};

static size_t rank(const char *key)
{
    /* the run's length (often "auto" against the extended "7651s")
     * says least about a variant: last */
    if (strcmp(key, "duration") == 0)
        return sizeof relevant / sizeof relevant[0] + 1;
    for (size_t r = 0; r < sizeof relevant / sizeof relevant[0]; r++)
        if (strcmp(key, relevant[r]) == 0)
            return r;
    return sizeof relevant / sizeof relevant[0];
}

/* The settings that differ between variants, "key value, key value",
 * the relevant ones first, for the panel captions; "" when there are
 * none. */
static char *settings_text(const ws_json *set)
{
    size_t len = 1;
    for (size_t i = 0; i < ws_json_count(set); i++)
        if (ws_json_str(ws_json_at(set, i)))
            len += strlen(ws_json_key_at(set, i)) + strlen(ws_json_str(ws_json_at(set, i))) + 4;
    char *out = malloc(len);
    if (!out)
        return NULL;
    out[0] = '\0';
    size_t o = 0;
    size_t last = sizeof relevant / sizeof relevant[0];
    for (size_t want = 0; want <= last + 1; want++)
        for (size_t i = 0; i < ws_json_count(set); i++) {
            const char *val = ws_json_str(ws_json_at(set, i));
            if (val && rank(ws_json_key_at(set, i)) == want)
                o += (size_t)snprintf(out + o, len - o, "%s%s %s", o ? ", " : "",
                                      ws_json_key_at(set, i), val);
        }
    return out;
}

/* Optional members of other kinds: absent keeps *out (opt_str: NULL,
 * also for null); a value of another kind is an error naming its line. */
static int opt_bool(const ws_json *o, const char *path, bool *out, ws_diag *err)
{
    const ws_json *v = ws_json_path(o, path);
    if (!v)
        return WS_OK;
    if (ws_json_type_of(v) != WS_JSON_BOOL) {
        ws_diag_set(err, ws_json_file(v), ws_json_line(v), "%s: expected true or false, found %s",
                    path, ws_json_type_name(ws_json_type_of(v)));
        return WS_EINPUT;
    }
    *out = ws_json_bool(v);
    return WS_OK;
}

static int opt_str(const ws_json *o, const char *path, const char **out, ws_diag *err)
{
    const ws_json *v = ws_json_path(o, path);
    *out = NULL;
    if (!v || ws_json_type_of(v) == WS_JSON_NULL)
        return WS_OK;
    if (ws_json_type_of(v) != WS_JSON_STRING) {
        ws_diag_set(err, ws_json_file(v), ws_json_line(v), "%s: expected a string, found %s", path,
                    ws_json_type_name(ws_json_type_of(v)));
        return WS_EINPUT;
    }
    *out = ws_json_str(v);
    return WS_OK;
}

/* A number or null (NAN). */
static int opt_num_null(const ws_json *o, const char *path, double *out, ws_diag *err)
{
    const ws_json *v = ws_json_path(o, path);
    *out = NAN;
    if (!v || ws_json_type_of(v) == WS_JSON_NULL)
        return WS_OK;
    return ws_json_get_num(o, path, out, err);
}

/* ------------------------------------------------------------------ */
/* Warnings as tags */

/* What a warning sentence is about, from its words (the sentences are
 * written for people, run.h ws_window.warn; the kinds below have tags
 * built from the window's numbers instead). */
enum { W_OTHER, W_OVERLOAD, W_CYCLES, W_COLD, W_TRANSIENT };

static bool has_word(const char *s, const char *w)
{
    size_t n = strlen(w);
    for (; *s; s++) {
        size_t i = 0;
        while (i < n && s[i] && (s[i] | 0x20) == (w[i] | 0x20))
            i++;
        if (i == n)
            return true;
    }
    return false;
}

static int warning_kind(const char *s)
{
    if (has_word(s, "overloaded"))
        return W_OVERLOAD;
    if (has_word(s, "checkpoint cycle"))
        return W_CYCLES;
    if (has_word(s, "cold start"))
        return W_COLD;
    if (has_word(s, "transient"))
        return W_TRANSIENT;
    return W_OTHER;
}

static void add_tag(plot_variant *v, ws_plot_tag_level level, const char *text, const char *brief)
{
    int k = v->n_tags;
    if (k >= PLOT_MAX_TAGS)
        return;
    snprintf(v->tag_text[k], PLOT_TAG_LEN, "%s", text);
    snprintf(v->short_text[k], PLOT_TAG_LEN, "%s", brief ? brief : text);
    v->tags[k] = (ws_plot_tag){v->tag_text[k], level};
    v->short_tags[k] = (ws_plot_tag){v->short_text[k], level};
    v->n_tags++;
}

/* The head of a sentence of another kind, as a tag: up to its first ':',
 * ';' or '(' and at most 40 bytes, cut at a space. */
static void short_text(const char *s, char *out, size_t len)
{
    size_t n = strcspn(s, ":;(");
    while (n > 0 && s[n - 1] == ' ')
        n--;
    bool cut = false;
    if (n > 40) {
        n = 40;
        while (n > 20 && s[n] != ' ')
            n--;
        cut = true;
    }
    snprintf(out, len, "%.*s%s", (int)n, s, cut ? "..." : "");
}

/* Tags from the window's numbers and the sentences: the overload first
 * (an alarm), then the cautions, each kind once. */
static void make_tags(plot_variant *v)
{
    bool kind[5] = {false};
    for (size_t i = 0; i < v->n_warn; i++)
        kind[warning_kind(v->warn[i])] = true;
    char buf[PLOT_TAG_LEN];
    if (v->overloaded || kind[W_OVERLOAD]) {
        char a[32], b[32];
        ws_plot_format_value(v->offered_tps, WS_PU_PLAIN, a, sizeof a);
        ws_plot_format_value(v->tps, WS_PU_PLAIN, b, sizeof b);
        if (isfinite(v->offered_tps))
            snprintf(buf, sizeof buf, "OVERLOADED (offered %s/s, completed %s/s)", a, b);
        else
            snprintf(buf, sizeof buf, "OVERLOADED (completed %s/s)", b);
        add_tag(v, WS_TAG_ALARM, buf, "OVERLOADED");
    }
    if ((isfinite(v->cycles) && v->cycles < 2) || kind[W_CYCLES]) {
        if (isfinite(v->cycles))
            snprintf(buf, sizeof buf, "too few checkpoint cycles (%.0f)", v->cycles);
        else
            snprintf(buf, sizeof buf, "too few checkpoint cycles");
        add_tag(v, WS_TAG_CAUTION, buf, "< 2 checkpoint cycles");
    }
    if (v->cold || kind[W_COLD])
        add_tag(v, WS_TAG_CAUTION, "cold start", NULL);
    if (v->transient_open || kind[W_TRANSIENT])
        add_tag(v, WS_TAG_CAUTION, "warm-up may not have ended", "transient?");
    for (size_t i = 0; i < v->n_warn; i++)
        if (warning_kind(v->warn[i]) == W_OTHER) {
            short_text(v->warn[i], buf, sizeof buf);
            if (*buf)
                add_tag(v, WS_TAG_CAUTION, buf, NULL);
        }
}

/* The variant's "window" and "warnings" (schema_version 2), both
 * optional: an older summary.json has neither. */
static int load_window(const ws_json *o, plot_variant *v, ws_diag *err)
{
    v->offered_tps = NAN;
    v->cycles = NAN;
    const ws_json *w = ws_json_get(o, "window");
    int rc = WS_OK;
    if (w) {
        if (ws_json_type_of(w) != WS_JSON_OBJECT) {
            ws_diag_set(err, ws_json_file(w), ws_json_line(w), "window: %s, expected an object",
                        ws_json_type_name(ws_json_type_of(w)));
            return WS_EINPUT;
        }
        v->has_window = true;
        const char *start = NULL, *warmup = NULL;
        bool transient_ended = true;
        rc = ws_json_get_num(w, "start_s", &v->win_start, err);
        if (rc == WS_OK)
            rc = ws_json_get_num(w, "end_s", &v->win_end, err);
        if (rc == WS_OK && !(v->win_end >= v->win_start)) {
            ws_diag_set(err, ws_json_file(w), ws_json_line(w),
                        "window: start_s %g is after end_s %g", v->win_start, v->win_end);
            rc = WS_EINPUT;
        }
        if (rc == WS_OK)
            rc = opt_bool(w, "overloaded", &v->overloaded, err);
        if (rc == WS_OK)
            rc = opt_num_null(w, "offered_tps", &v->offered_tps, err);
        if (rc == WS_OK)
            rc = opt_num_null(w, "checkpoint_cycles", &v->cycles, err);
        if (rc == WS_OK)
            rc = opt_str(w, "start", &start, err);
        if (rc == WS_OK)
            rc = opt_str(w, "warmup", &warmup, err);
        if (rc == WS_OK)
            rc = opt_bool(w, "transient_ended", &transient_ended, err);
        v->cold = start && strcmp(start, "cold") == 0;
        v->transient_open = warmup && strcmp(warmup, "auto") == 0 && !transient_ended;
        if (rc == WS_OK && !(v->win_end > v->win_start)) {
            /* An empty window says nothing (a run that wrote the fields
             * without measuring): drawn as without one; the warning
             * sentences still give tags. */
            v->has_window = v->overloaded = v->cold = v->transient_open = false;
            v->offered_tps = v->cycles = NAN;
        }
    }
    const ws_json *wa = ws_json_get(o, "warnings");
    if (rc == WS_OK && wa) {
        if (ws_json_type_of(wa) != WS_JSON_ARRAY) {
            ws_diag_set(err, ws_json_file(wa), ws_json_line(wa), "warnings: %s, expected an array",
                        ws_json_type_name(ws_json_type_of(wa)));
            return WS_EINPUT;
        }
        size_t n = ws_json_count(wa);
        if (n && !(v->warn = calloc(n, sizeof *v->warn)))
            return nomem(err);
        for (size_t i = 0; i < n; i++) {
            const char *t = ws_json_str(ws_json_at(wa, i));
            if (!t) {
                const ws_json *e = ws_json_at(wa, i);
                ws_diag_set(err, ws_json_file(e), ws_json_line(e),
                            "warnings[%zu]: %s, expected a string", i,
                            ws_json_type_name(ws_json_type_of(e)));
                return WS_EINPUT;
            }
            if (!(v->warn[i] = strdup(t)))
                return nomem(err);
            v->n_warn = i + 1;
        }
    }
    if (rc == WS_OK)
        make_tags(v);
    return rc;
}

static int load_summary(const char *dir, plot_run *r, ws_diag *err)
{
    char path[4096];
    path_of(path, sizeof path, dir, "summary.json");
    ws_json *root;
    int rc = ws_json_parse_file(path, &root, err);
    if (rc != WS_OK)
        return rc;
    const char *title;
    rc = ws_json_get_str(root, "scenario.name", &title, err);
    const ws_json *vars = ws_json_get(root, "variants");
    if (rc == WS_OK && ws_json_type_of(vars) != WS_JSON_OBJECT) {
        ws_diag_set(err, path, ws_json_line(vars ? vars : root), "variants: %s, expected an object",
                    vars ? ws_json_type_name(ws_json_type_of(vars)) : "missing");
        rc = WS_EINPUT;
    }
    if (rc == WS_OK && ws_json_count(vars) == 0) {
        ws_diag_set(err, path, ws_json_line(vars), "variants: empty; expected at least one variant");
        rc = WS_EINPUT;
    }
    if (rc == WS_OK) {
        r->nv = ws_json_count(vars);
        r->v = calloc(r->nv, sizeof *r->v);
        if (!(r->title = strdup(title)) || !r->v) {
            r->nv = 0;
            rc = nomem(err);
        }
    }
    for (size_t i = 0; i < r->nv && rc == WS_OK; i++) {
        plot_variant *v = &r->v[i];
        const ws_json *o = ws_json_at(vars, i);
        if (!(v->name = strdup(ws_json_key_at(vars, i)))) {
            rc = nomem(err);
            break;
        }
        if (ws_json_type_of(o) != WS_JSON_OBJECT) {
            ws_diag_set(err, path, ws_json_line(o), "variants.%s: %s, expected an object", v->name,
                        ws_json_type_name(ws_json_type_of(o)));
            rc = WS_EINPUT;
            break;
        }
        struct {
            const char *path;
            double *out;
        } need[] = {
            {"tps", &v->tps},
            {"latency_ms.p50", &v->p50_ms},
            {"latency_ms.p99", &v->p99_ms},
            {"latency_ms.max", &v->max_ms},
            {"checkpoints.timed", &v->ckpt_timed},
            {"checkpoints.requested", &v->ckpt_req},
            {"wal.bytes_per_tx", &v->wal_per_tx},
            {"wal.fpi_share", &v->fpi_share},
            {"pg_wal_peak_bytes", &v->pg_wal_peak},
        };
        for (size_t k = 0; k < sizeof need / sizeof need[0] && rc == WS_OK; k++) {
            rc = ws_json_get_num(o, need[k].path, need[k].out, err);
            if (rc != WS_OK) {
                /* Name the variant: the lookup only knows the inner path. */
                char inner[WS_DIAG_MAX];
                snprintf(inner, sizeof inner, "%s", err->msg);
                ws_diag_set(err, NULL, 0, "%s (variant %s)", inner, v->name);
            }
        }
        struct {
            const char *path;
            double *out;
        } opt[] = {
            {"transactions", &v->transactions},
            {"limits.shared_buffers_bytes", &v->shared_buffers},
            {"limits.max_wal_size_bytes", &v->max_wal_size},
            {"limits.min_wal_size_bytes", &v->min_wal_size},
            {"limits.os_dirty_background_bytes", &v->dirty_background},
            {"limits.os_dirty_limit_bytes", &v->dirty_limit},
            {"device.write_bandwidth_bytes_per_s", &v->dev_write_bw},
            {"device.read_bandwidth_bytes_per_s", &v->dev_read_bw},
            {"device.write_iops", &v->dev_write_iops},
            {"device.read_iops", &v->dev_read_iops},
            {"device.burst_iops", &v->dev_burst_iops},
        };
        for (size_t k = 0; k < sizeof opt / sizeof opt[0] && rc == WS_OK; k++)
            rc = opt_num(o, opt[k].path, opt[k].out, err);
        if (rc == WS_OK) {
            rc = load_window(o, v, err);
            if (rc == WS_EINPUT) {
                char inner[WS_DIAG_MAX];
                snprintf(inner, sizeof inner, "%s", err->msg);
                ws_diag_set(err, NULL, 0, "%s (variant %s)", inner, v->name);
            }
        }
        if (rc == WS_OK && !(v->settings = settings_text(ws_json_get(o, "settings"))))
            rc = nomem(err);
    }
    /* A run with page sampling says so under every chart's title, as its
     * figures are estimates from a sample ([scenario] sampling). */
    double rate = 1, txr = 1;
    for (size_t i = 0; i < r->nv && rc == WS_OK; i++) {
        double x = ws_json_num(ws_json_path(ws_json_at(vars, i), "sampling.rate"));
        double y = ws_json_num(ws_json_path(ws_json_at(vars, i), "sampling.transactions_rate"));
        if (x > 0 && x < rate)
            rate = x;
        if (y > 0 && y < txr)
            txr = y;
    }
    r->tx_rate = txr;
    if (rc == WS_OK && (rate < 1 || txr < 1)) {
        size_t n = strlen(r->title) + 96;
        char *t = malloc(n);
        if (!t)
            return ws_json_free(root), nomem(err);
        if (rate < 1 && txr < 1)
            snprintf(t, n, "%s (pages sampled, 1 in %.0f; transactions, 1 in %.0f)", r->title,
                     1 / rate, 1 / txr);
        else if (rate < 1)
            snprintf(t, n, "%s (pages sampled, 1 in %.0f)", r->title, 1 / rate);
        else
            snprintf(t, n, "%s (transactions sampled, 1 in %.0f)", r->title, 1 / txr);
        free(r->title);
        r->title = t;
    }
    ws_json_free(root);
    return rc;
}

static int variant_index(const plot_run *r, const char *name)
{
    for (size_t i = 0; i < r->nv; i++)
        if (strcmp(r->v[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* Variant of each row; -1 with a message for a name summary.json lacks. */
static int row_variant(const ws_csv *c, size_t row, int col, const plot_run *r, ws_diag *err)
{
    const char *name = ws_csv_cell(c, row, (size_t)col);
    int k = variant_index(r, name);
    if (k < 0) {
        char show[68];
        ws_diag_set(err, ws_csv_name(c), ws_csv_line(c, row),
                    "variant '%s' is not in summary.json",
                    ws_diag_show(name, strlen(name), 64, show, sizeof show));
    }
    return k;
}

/* ------------------------------------------------------------------ */
/* timeline.csv, in chunks */

#define CHUNK_BYTES (1u << 20)

/* The columns of timeline.csv in the header's numbering. */
typedef struct tcols {
    int variant, t;
    int col[PLOT_TCOL__COUNT];
    int n; /* columns read: PLOT_TCOL_REQUIRED, or all with the I/O counts */
} tcols;

/* Latency of a row, NAN when it completed no transaction (charts.c lat_at). */
static double row_lat(const double *c, plot_tcol k) { return c[PLOT_TPS] > 0 ? c[k] : NAN; }

/* The worst hour of one variant, found row by row: a sliding window of
 * the rows no longer than an hour (as charts.c did it over the whole
 * arrays, in the same order of additions, so the same figures). */
typedef struct hour_row {
    double t, q; /* q: the p99 when in the window and with transactions, else NAN */
} hour_row;

typedef struct pass1 {
    size_t n;
    double t_first, t_last, dt;
    bool have_dt;
    hour_row pending; /* row 0, until row 1 gives dt */
    hour_row *ring;
    size_t head, len, cap;
    double sum, worst, at;
    size_t cnt;
} pass1;

static int hour_push(pass1 *p, hour_row h)
{
    if (p->len == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 256;
        hour_row *n = malloc(cap * sizeof *n);
        if (!n)
            return -1;
        for (size_t i = 0; i < p->len; i++)
            n[i] = p->ring[(p->head + i) % p->cap];
        free(p->ring);
        p->ring = n;
        p->head = 0;
        p->cap = cap;
    }
    p->ring[(p->head + p->len++) % p->cap] = h;
    return 0;
}

static int hour_row_add(pass1 *p, hour_row h)
{
    if (isfinite(h.q)) {
        p->sum += h.q;
        p->cnt++;
    }
    if (hour_push(p, h) != 0)
        return -1;
    while (p->len > 0 && h.t + p->dt - p->ring[p->head].t > PLOT_ZOOM_SPAN + 1e-9) {
        double q = p->ring[p->head].q;
        if (isfinite(q)) {
            p->sum -= q;
            p->cnt--;
        }
        p->head = (p->head + 1) % p->cap;
        p->len--;
    }
    /* only full hours count, nearly all of it inside the window with
     * latencies (not a warm-up hour with a few rows in) */
    if (p->cnt && p->len > 0 && h.t + p->dt - p->ring[p->head].t >= PLOT_ZOOM_SPAN - 1e-9 &&
        (double)p->cnt >= 0.9 * (double)p->len && p->sum / (double)p->cnt > p->worst) {
        p->worst = p->sum / (double)p->cnt;
        p->at = p->ring[p->head].t;
    }
    return 0;
}

/* A row of pass 1: its time and what the worst hour needs. */
static int pass1_row(pass1 *p, const plot_variant *v, double t, double tps, double p99)
{
    bool in = !v->has_window || (t >= v->win_start - 1e-9 && t < v->win_end);
    hour_row h = {t, in && tps > 0 && isfinite(p99) ? p99 : NAN};
    if (p->n == 0)
        p->t_first = t;
    p->t_last = t;
    p->n++;
    if (p->n == 1) {
        p->pending = h;
        return 0;
    }
    if (!p->have_dt) {
        p->dt = t - p->t_first;
        p->have_dt = true;
        if (hour_row_add(p, p->pending) != 0)
            return -1;
    }
    return hour_row_add(p, h);
}

static int pass1_end(pass1 *p)
{
    if (p->n == 1 && !p->have_dt) {
        p->dt = 1;
        p->have_dt = true;
        return hour_row_add(p, p->pending);
    }
    return 0;
}

/* One kept row. */
typedef struct prow {
    size_t i; /* its index in the variant */
    double t;
    double c[PLOT_TCOL__COUNT];
} prow;

/* The series the charts draw of a row, as their values (the stacks as
 * their running sums, the latencies NAN without transactions): the rows
 * holding each one's lowest and highest value in a bucket are kept. */
enum { NSER = 19 };

static void series_of(const double *c, bool iops, double *s)
{
    static const plot_tcol dev[6] = {PLOT_DEV_READ,     PLOT_DEV_WAL,     PLOT_DEV_CKPT,
                                     PLOT_DEV_BGWRITER, PLOT_DEV_BACKEND, PLOT_DEV_WRITEBACK};
    s[0] = c[PLOT_TPS];
    s[1] = row_lat(c, PLOT_P50);
    s[2] = row_lat(c, PLOT_P99);
    s[3] = row_lat(c, PLOT_MAX);
    s[4] = c[PLOT_WAL_FPI];
    s[5] = fmax(c[PLOT_WAL_FPI], 0) + fmax(c[PLOT_WAL_REC], 0);
    s[6] = c[PLOT_PG_WAL];
    s[7] = c[PLOT_DIRTY_BUFFERS];
    s[8] = c[PLOT_OS_DIRTY];
    s[9] = c[PLOT_OS_WRITEBACK];
    double acc = 0;
    for (int k = 0; k < 6; k++) {
        acc += fmax(c[dev[k]], 0);
        s[10 + k] = acc;
    }
    s[16] = c[PLOT_DEV_UTIL];
    s[17] = iops ? c[PLOT_DEV_READ_IOPS] : NAN;
    s[18] = iops ? fmax(c[PLOT_DEV_READ_IOPS], 0) + fmax(c[PLOT_DEV_WRITE_IOPS], 0) : NAN;
}

/* A growable set of rows in column arrays (what plot_variant holds). */
typedef struct rowsink {
    size_t n, cap;
    double *t;
    double *col[PLOT_TCOL__COUNT];
} rowsink;

static int sink_add(rowsink *k, const prow *r, int ncols)
{
    if (k->n == k->cap) {
        size_t cap = k->cap ? 2 * k->cap : 1024;
        double *t = realloc(k->t, cap * sizeof *t);
        if (!t)
            return -1;
        k->t = t;
        for (int c = 0; c < ncols; c++) {
            double *x = realloc(k->col[c], cap * sizeof *x);
            if (!x)
                return -1;
            k->col[c] = x;
        }
        k->cap = cap;
    }
    k->t[k->n] = r->t;
    for (int c = 0; c < ncols; c++)
        k->col[c][k->n] = r->c[c];
    k->n++;
    return 0;
}

static void sink_free(rowsink *k)
{
    free(k->t);
    for (int c = 0; c < PLOT_TCOL__COUNT; c++)
        free(k->col[c]);
    memset(k, 0, sizeof *k);
}

/* Pass 2 of one variant: its rows (all, or a bucket's chosen ones) and
 * the worst hour's. */
typedef struct pass2 {
    rowsink keep, zoom;
    bool decimate;
    long bucket;             /* the current bucket, -1 before the first row */
    prow first, last, gap0, gap1, lo[NSER], hi[NSER];
    bool have_gap, have_lo[NSER], have_hi[NSER];
} pass2;

static int cmp_prow(const void *a, const void *b)
{
    size_t x = (*(const prow *const *)a)->i, y = (*(const prow *const *)b)->i;
    return x < y ? -1 : x > y;
}

/* The chosen rows of the current bucket, in order, each once. */
static int flush_bucket(pass2 *p, int ncols)
{
    if (p->bucket < 0)
        return 0;
    const prow *set[4 + 2 * NSER];
    int n = 0;
    set[n++] = &p->first;
    set[n++] = &p->last;
    if (p->have_gap) {
        set[n++] = &p->gap0;
        set[n++] = &p->gap1;
    }
    for (int s = 0; s < NSER; s++) {
        if (p->have_lo[s])
            set[n++] = &p->lo[s];
        if (p->have_hi[s])
            set[n++] = &p->hi[s];
    }
    qsort(set, (size_t)n, sizeof *set, cmp_prow);
    for (int k = 0; k < n; k++)
        if ((k == 0 || set[k]->i != set[k - 1]->i) && sink_add(&p->keep, set[k], ncols) != 0)
            return -1;
    return 0;
}

static int pass2_row(pass2 *p, const prow *row, bool iops, int ncols, double t0, double t1)
{
    if (!p->decimate)
        return sink_add(&p->keep, row, ncols);
    long b = (long)floor((row->t - t0) / (t1 - t0) * PLOT_BUCKETS);
    b = b < 0 ? 0 : b >= PLOT_BUCKETS ? PLOT_BUCKETS - 1 : b;
    if (b != p->bucket) {
        if (flush_bucket(p, ncols) != 0)
            return -1;
        p->bucket = b;
        p->first = *row;
        p->have_gap = false;
        memset(p->have_lo, 0, sizeof p->have_lo);
        memset(p->have_hi, 0, sizeof p->have_hi);
    }
    p->last = *row;
    if (!(row->c[PLOT_TPS] > 0)) { /* a gap in the latency lines: keep where it starts */
        if (!p->have_gap)
            p->gap0 = *row;
        p->gap1 = *row;
        p->have_gap = true;
    }
    double s[NSER];
    series_of(row->c, iops, s);
    for (int k = 0; k < NSER; k++) {
        if (!isfinite(s[k]))
            continue;
        double lo = 0, hi = 0;
        if (p->have_lo[k]) {
            double l[NSER];
            series_of(p->lo[k].c, iops, l);
            lo = l[k];
        }
        if (p->have_hi[k]) {
            double h[NSER];
            series_of(p->hi[k].c, iops, h);
            hi = h[k];
        }
        if (!p->have_lo[k] || s[k] < lo) {
            p->lo[k] = *row;
            p->have_lo[k] = true;
        }
        if (!p->have_hi[k] || s[k] > hi) {
            p->hi[k] = *row;
            p->have_hi[k] = true;
        }
    }
    return 0;
}

/* The header's columns; the I/O counts both or none. */
static int find_cols(const ws_csv *h, tcols *tc, bool *iops, ws_diag *err)
{
    if ((tc->variant = ws_csv_need(h, "variant", err)) < 0 || (tc->t = ws_csv_need(h, "t_s", err)) < 0)
        return WS_EINPUT;
    for (int k = 0; k < PLOT_TCOL_REQUIRED; k++)
        if ((tc->col[k] = ws_csv_need(h, plot_tcol_names[k], err)) < 0)
            return WS_EINPUT;
    *iops = true;
    for (int k = PLOT_TCOL_REQUIRED; k < PLOT_TCOL__COUNT; k++)
        *iops = *iops && (tc->col[k] = ws_csv_col(h, plot_tcol_names[k])) >= 0;
    tc->n = *iops ? PLOT_TCOL__COUNT : PLOT_TCOL_REQUIRED;
    return WS_OK;
}

/* Pass 1: the rows of each variant, their times (increasing), the
 * interval, the time axis and the worst hour. */
static int timeline_pass1(const char *path, plot_run *r, pass1 *p1, ws_diag *err)
{
    ws_csv_reader *rd;
    int rc = ws_csv_reader_open(path, CHUNK_BYTES, &rd, err);
    if (rc != WS_OK)
        return rc;
    tcols tc;
    rc = find_cols(ws_csv_reader_header(rd), &tc, &r->has_iops, err);
    ws_csv *c = NULL;
    while (rc == WS_OK && (rc = ws_csv_reader_next(rd, &c, err)) == WS_OK && c) {
        for (size_t i = 0; i < ws_csv_rows(c) && rc == WS_OK; i++) {
            int k = row_variant(c, i, tc.variant, r, err);
            if (k < 0) {
                rc = WS_EINPUT;
                break;
            }
            plot_variant *v = &r->v[k];
            pass1 *p = &p1[k];
            double t, tps, p99;
            rc = ws_csv_num(c, i, (size_t)tc.t, &t, err);
            if (rc == WS_OK && p->n > 0 && !(t > p->t_last)) {
                ws_diag_set(err, path, ws_csv_line(c, i),
                            "t_s %g is not after the previous row's %g for variant %s "
                            "(rows are ordered by variant, then time)",
                            t, p->t_last, v->name);
                rc = WS_EINPUT;
            }
            if (rc == WS_OK)
                rc = ws_csv_num(c, i, (size_t)tc.col[PLOT_TPS], &tps, err);
            if (rc == WS_OK)
                rc = ws_csv_num(c, i, (size_t)tc.col[PLOT_P99], &p99, err);
            if (rc == WS_OK && pass1_row(p, v, t, tps, p99) != 0)
                rc = nomem(err);
            r->rows_read++;
        }
        ws_csv_free(c);
        c = NULL;
    }
    ws_csv_reader_close(rd);
    for (size_t k = 0; k < r->nv && rc == WS_OK; k++) {
        plot_variant *v = &r->v[k];
        if (p1[k].n == 0) {
            ws_diag_set(err, path, 0, "no rows for variant '%s' of summary.json", v->name);
            return WS_EINPUT;
        }
        if (pass1_end(&p1[k]) != 0)
            return nomem(err);
        v->dt = p1[k].dt;
        v->t_last = p1[k].t_last;
        double end = p1[k].t_last + v->dt;
        if (k == 0 || p1[k].t_first < r->t0)
            r->t0 = p1[k].t_first;
        if (k == 0 || end > r->t1)
            r->t1 = end;
    }
    if (rc != WS_OK)
        return rc;
    /* the worst hour of all variants: the first highest, in scenario order */
    double worst = -1, at = NAN;
    for (size_t k = 0; k < r->nv; k++)
        if (p1[k].worst > worst && isfinite(p1[k].at)) {
            worst = p1[k].worst;
            at = p1[k].at;
            r->zoom_which = k;
        }
    if (r->t1 - r->t0 >= PLOT_ZOOM_MIN_SPAN && isfinite(at)) {
        r->zoom = true;
        r->zoom_worst = worst;
        r->zoom_at = fmin(fmax(at, r->t0), r->t1 - PLOT_ZOOM_SPAN);
    }
    return WS_OK;
}

/* Pass 2: every column of every row, checked; the rows kept. */
static int timeline_pass2(const char *path, plot_run *r, const pass1 *p1, pass2 *p2, ws_diag *err)
{
    ws_csv_reader *rd;
    int rc = ws_csv_reader_open(path, CHUNK_BYTES, &rd, err);
    if (rc != WS_OK)
        return rc;
    tcols tc;
    bool iops;
    rc = find_cols(ws_csv_reader_header(rd), &tc, &iops, err);
    size_t *seen = calloc(r->nv, sizeof *seen);
    if (rc == WS_OK && !seen)
        rc = nomem(err);
    for (size_t k = 0; k < r->nv && rc == WS_OK; k++) {
        p2[k].decimate = p1[k].n > PLOT_KEEP_ALL;
        p2[k].bucket = -1;
    }
    double z0 = r->zoom_at, z1 = r->zoom_at + PLOT_ZOOM_SPAN;
    ws_csv *c = NULL;
    prow row;
    while (rc == WS_OK && (rc = ws_csv_reader_next(rd, &c, err)) == WS_OK && c) {
        for (size_t i = 0; i < ws_csv_rows(c) && rc == WS_OK; i++) {
            int k = row_variant(c, i, tc.variant, r, err);
            if (k < 0) {
                rc = WS_EINPUT;
                break;
            }
            rc = ws_csv_num(c, i, (size_t)tc.t, &row.t, err);
            for (int j = 0; j < tc.n && rc == WS_OK; j++)
                rc = ws_csv_num(c, i, (size_t)tc.col[j], &row.c[j], err);
            if (rc != WS_OK)
                break;
            row.i = seen[k]++;
            if (pass2_row(&p2[k], &row, iops, tc.n, r->t0, r->t1) != 0)
                rc = nomem(err);
            /* the worst hour whole, with two rows on each side */
            double dt = r->v[k].dt;
            if (rc == WS_OK && r->zoom && p2[k].decimate && row.t >= z0 - 2 * dt &&
                row.t <= z1 + 2 * dt && sink_add(&p2[k].zoom, &row, tc.n) != 0)
                rc = nomem(err);
        }
        ws_csv_free(c);
        c = NULL;
    }
    ws_csv_reader_close(rd);
    for (size_t k = 0; k < r->nv && rc == WS_OK; k++)
        if (p2[k].decimate && flush_bucket(&p2[k], tc.n) != 0)
            rc = nomem(err);
    free(seen);
    return rc;
}

static int load_timeline(const char *dir, plot_run *r, ws_diag *err)
{
    char path[4096];
    path_of(path, sizeof path, dir, "timeline.csv");
    pass1 *p1 = calloc(r->nv, sizeof *p1);
    pass2 *p2 = calloc(r->nv, sizeof *p2);
    if (!p1 || !p2) {
        free(p1);
        free(p2);
        return nomem(err);
    }
    for (size_t k = 0; k < r->nv; k++) {
        p1[k].worst = -1;
        p1[k].at = NAN;
    }
    int rc = timeline_pass1(path, r, p1, err);
    if (rc == WS_OK)
        rc = timeline_pass2(path, r, p1, p2, err);
    for (size_t k = 0; k < r->nv; k++) {
        plot_variant *v = &r->v[k];
        if (rc == WS_OK) {
            /* hand the arrays over */
            v->n = p2[k].keep.n;
            v->t = p2[k].keep.t;
            memcpy(v->col, p2[k].keep.col, sizeof v->col);
            v->decimated = p2[k].decimate;
            v->zn = p2[k].zoom.n;
            v->zt = p2[k].zoom.t;
            memcpy(v->zcol, p2[k].zoom.col, sizeof v->zcol);
            memset(&p2[k].keep, 0, sizeof p2[k].keep);
            memset(&p2[k].zoom, 0, sizeof p2[k].zoom);
        }
        sink_free(&p2[k].keep);
        sink_free(&p2[k].zoom);
        free(p1[k].ring);
    }
    free(p1);
    free(p2);
    return rc;
}

static int add_span(plot_variant *v, size_t *cap, double t0, double t1, int sync, ws_diag *err)
{
    if (!(t1 > t0))
        return WS_OK;
    if (v->n_spans == *cap) {
        size_t nc = *cap ? 2 * *cap : 16;
        plot_span *s = realloc(v->spans, nc * sizeof *s);
        if (!s)
            return nomem(err);
        v->spans = s;
        *cap = nc;
    }
    v->spans[v->n_spans++] = (plot_span){t0, t1, sync};
    return WS_OK;
}

static int load_checkpoints(const char *dir, plot_run *r, ws_diag *err)
{
    char path[4096];
    path_of(path, sizeof path, dir, "checkpoints.csv");
    ws_csv *c;
    int rc = ws_csv_read_file(path, &c, err);
    if (rc != WS_OK)
        return rc;
    int cv = ws_csv_need(c, "variant", err);
    int cs = cv >= 0 ? ws_csv_need(c, "start_s", err) : -1;
    int css = cs >= 0 ? ws_csv_need(c, "sync_start_s", err) : -1;
    int ce = css >= 0 ? ws_csv_need(c, "end_s", err) : -1;
    rc = ce < 0 ? WS_EINPUT : WS_OK;
    size_t *caps = rc == WS_OK ? calloc(r->nv, sizeof *caps) : NULL;
    if (rc == WS_OK && !caps)
        rc = nomem(err);
    for (size_t i = 0; i < ws_csv_rows(c) && rc == WS_OK; i++) {
        int k = row_variant(c, i, cv, r, err);
        if (k < 0) {
            rc = WS_EINPUT;
            break;
        }
        plot_variant *v = &r->v[k];
        double end_of_data = v->t[v->n - 1] + v->dt;
        double s, ss, e;
        /* A checkpoint still running at the end has empty fields: its
         * phase lasts to the end of the data. */
        rc = ws_csv_num(c, i, (size_t)cs, &s, err);
        if (rc == WS_OK)
            rc = ws_csv_num_or(c, i, (size_t)css, NAN, &ss, err);
        if (rc == WS_OK)
            rc = ws_csv_num_or(c, i, (size_t)ce, NAN, &e, err);
        if (rc != WS_OK)
            break;
        if ((isfinite(ss) && ss < s) || (isfinite(e) && isfinite(ss) && e < ss) ||
            (isfinite(e) && !isfinite(ss))) {
            ws_diag_set(err, path, ws_csv_line(c, i),
                        "start_s %g, sync_start_s %s, end_s %s are not in order", s,
                        ws_csv_cell(c, i, (size_t)css), ws_csv_cell(c, i, (size_t)ce));
            rc = WS_EINPUT;
            break;
        }
        double write_end = isfinite(ss) ? ss : end_of_data;
        rc = add_span(v, &caps[k], s, write_end, 0, err);
        if (rc == WS_OK && isfinite(ss))
            rc = add_span(v, &caps[k], ss, isfinite(e) ? e : end_of_data, 1, err);
    }
    free(caps);
    ws_csv_free(c);
    return rc;
}

static int load_cdf(const char *dir, plot_run *r, ws_diag *err)
{
    char path[4096];
    path_of(path, sizeof path, dir, "latency_cdf.csv");
    ws_csv *c;
    int rc = ws_csv_read_file(path, &c, err);
    if (rc != WS_OK)
        return rc;
    int cv = ws_csv_need(c, "variant", err);
    int cx = cv >= 0 ? ws_csv_need(c, "latency_ms", err) : -1;
    int cy = cx >= 0 ? ws_csv_need(c, "cdf", err) : -1;
    rc = cy < 0 ? WS_EINPUT : WS_OK;
    size_t rows = ws_csv_rows(c);
    for (size_t k = 0; k < r->nv && rc == WS_OK; k++) {
        r->v[k].cdf_ms = malloc((rows ? rows : 1) * sizeof(double));
        r->v[k].cdf = malloc((rows ? rows : 1) * sizeof(double));
        if (!r->v[k].cdf_ms || !r->v[k].cdf)
            rc = nomem(err);
    }
    for (size_t i = 0; i < rows && rc == WS_OK; i++) {
        int k = row_variant(c, i, cv, r, err);
        double x = 0, y = 0;
        if (k < 0)
            rc = WS_EINPUT;
        if (rc == WS_OK)
            rc = ws_csv_num(c, i, (size_t)cx, &x, err);
        if (rc == WS_OK)
            rc = ws_csv_num(c, i, (size_t)cy, &y, err);
        if (rc != WS_OK)
            break;
        plot_variant *v = &r->v[k];
        if (!(y >= 0 && y <= 1) || !(x > 0) ||
            (v->n_cdf > 0 && (y < v->cdf[v->n_cdf - 1] || x < v->cdf_ms[v->n_cdf - 1]))) {
            ws_diag_set(err, path, ws_csv_line(c, i),
                        "latency_ms %g, cdf %g: expected latency > 0 and cdf in 0..1, both "
                        "not decreasing within a variant",
                        x, y);
            rc = WS_EINPUT;
            break;
        }
        v->cdf_ms[v->n_cdf] = x;
        v->cdf[v->n_cdf++] = y;
    }
    /* A variant that completed no transaction has no latency rows: its
     * charts say so (charts.c) rather than failing. */
    for (size_t k = 0; k < r->nv && rc == WS_OK; k++)
        if (r->v[k].n_cdf == 0 && r->v[k].transactions != 0) {
            ws_diag_set(err, path, 0, "no rows for variant '%s' of summary.json", r->v[k].name);
            rc = WS_EINPUT;
        }
    ws_csv_free(c);
    return rc;
}

int plot_run_load(const char *dir, plot_run *r, ws_diag *err)
{
    memset(r, 0, sizeof *r);
    int rc = load_summary(dir, r, err);
    if (rc == WS_OK)
        rc = load_timeline(dir, r, err);
    if (rc == WS_OK)
        rc = load_checkpoints(dir, r, err);
    if (rc == WS_OK)
        rc = load_cdf(dir, r, err);
    if (rc != WS_OK)
        plot_run_free(r);
    return rc;
}

bool plot_run_has_warmup(const plot_run *r)
{
    for (size_t k = 0; k < r->nv; k++) {
        const plot_variant *v = &r->v[k];
        /* As charts.c outside_spans: a warm-up, or rows after the end. */
        if (!v->has_window)
            continue;
        if (v->win_start > r->t0 ||
            (v->n && v->t_last >= v->win_end - 1e-9 && v->win_end < r->t1))
            return true;
    }
    return false;
}
