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

/* The settings that differ between variants, "key value, key value",
 * for the panel captions; "" when there are none. */
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
    for (size_t i = 0; i < ws_json_count(set); i++) {
        const char *val = ws_json_str(ws_json_at(set, i));
        if (val)
            o += (size_t)snprintf(out + o, len - o, "%s%s %s", o ? ", " : "", ws_json_key_at(set, i),
                                  val);
    }
    return out;
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
            {"limits.shared_buffers_bytes", &v->shared_buffers},
            {"limits.max_wal_size_bytes", &v->max_wal_size},
            {"limits.min_wal_size_bytes", &v->min_wal_size},
            {"limits.os_dirty_background_bytes", &v->dirty_background},
            {"limits.os_dirty_limit_bytes", &v->dirty_limit},
        };
        for (size_t k = 0; k < sizeof opt / sizeof opt[0] && rc == WS_OK; k++)
            rc = opt_num(o, opt[k].path, opt[k].out, err);
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
    for (int k = 0; k < PLOT_TCOL__COUNT && rc == WS_OK; k++)
        if ((cols[k] = ws_csv_need(c, plot_tcol_names[k], err)) < 0)
            rc = WS_EINPUT;
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
        for (int j = 0; j < PLOT_TCOL__COUNT && rc == WS_OK; j++)
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
        for (int j = 0; j < PLOT_TCOL__COUNT && rc == WS_OK; j++)
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
    for (size_t k = 0; k < r->nv && rc == WS_OK; k++)
        if (r->v[k].n_cdf == 0) {
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
