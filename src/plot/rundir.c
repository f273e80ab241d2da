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
        for (int c = 0; c < PLOT_TCOL__COUNT; c++)
            free(v->col[c]);
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

static int load_timeline(const char *dir, plot_run *r, ws_diag *err)
{
    char path[4096];
    path_of(path, sizeof path, dir, "timeline.csv");
    ws_csv *c;
    int rc = ws_csv_read_file(path, &c, err);
    if (rc != WS_OK)
        return rc;
    int cv = ws_csv_need(c, "variant", err), ct = cv >= 0 ? ws_csv_need(c, "t_s", err) : -1;
    int cols[PLOT_TCOL__COUNT];
    rc = cv < 0 || ct < 0 ? WS_EINPUT : WS_OK;
    for (int k = 0; k < PLOT_TCOL_REQUIRED && rc == WS_OK; k++)
        if ((cols[k] = ws_csv_need(c, plot_tcol_names[k], err)) < 0)
            rc = WS_EINPUT;
    /* the I/O counts: both or none (a timeline.csv of an older walsim) */
    r->has_iops = true;
    for (int k = PLOT_TCOL_REQUIRED; k < PLOT_TCOL__COUNT; k++)
        r->has_iops = r->has_iops && (cols[k] = ws_csv_col(c, plot_tcol_names[k])) >= 0;
    int ncols = r->has_iops ? PLOT_TCOL__COUNT : PLOT_TCOL_REQUIRED;
    size_t rows = ws_csv_rows(c);
    int *which = rc == WS_OK ? malloc((rows ? rows : 1) * sizeof *which) : NULL;
    if (rc == WS_OK && !which)
        rc = nomem(err);
    /* First pass: the variant of every row, and the count per variant. */
    for (size_t i = 0; i < rows && rc == WS_OK; i++) {
        which[i] = row_variant(c, i, cv, r, err);
        if (which[i] < 0)
            rc = WS_EINPUT;
        else
            r->v[which[i]].n++;
    }
    for (size_t k = 0; k < r->nv && rc == WS_OK; k++) {
        plot_variant *v = &r->v[k];
        if (v->n == 0) {
            ws_diag_set(err, path, 0, "no rows for variant '%s' of summary.json", v->name);
            rc = WS_EINPUT;
            break;
        }
        if (!(v->t = malloc(v->n * sizeof *v->t)))
            rc = nomem(err);
        for (int j = 0; j < ncols && rc == WS_OK; j++)
            if (!(v->col[j] = malloc(v->n * sizeof *v->col[j])))
                rc = nomem(err);
        v->n = 0; /* refilled below */
    }
    for (size_t i = 0; i < rows && rc == WS_OK; i++) {
        plot_variant *v = &r->v[which[i]];
        size_t n = v->n;
        double t;
        rc = ws_csv_num(c, i, (size_t)ct, &t, err);
        if (rc == WS_OK && n > 0 && !(t > v->t[n - 1])) {
            ws_diag_set(err, path, ws_csv_line(c, i),
                        "t_s %g is not after the previous row's %g for variant %s "
                        "(rows are ordered by variant, then time)",
                        t, v->t[n - 1], v->name);
            rc = WS_EINPUT;
        }
        for (int j = 0; j < ncols && rc == WS_OK; j++)
            rc = ws_csv_num(c, i, (size_t)cols[j], &v->col[j][n], err);
        if (rc == WS_OK) {
            v->t[n] = t;
            v->n++;
        }
    }
    for (size_t k = 0; k < r->nv && rc == WS_OK; k++) {
        plot_variant *v = &r->v[k];
        v->dt = v->n >= 2 ? v->t[1] - v->t[0] : 1;
        double end = v->t[v->n - 1] + v->dt;
        if (k == 0 || v->t[0] < r->t0)
            r->t0 = v->t[0];
        if (k == 0 || end > r->t1)
            r->t1 = end;
    }
    free(which);
    ws_csv_free(c);
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
            (v->n && v->t[v->n - 1] >= v->win_end - 1e-9 && v->win_end < r->t1))
            return true;
    }
    return false;
}
