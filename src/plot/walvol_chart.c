/*
 * walvol_chart.c - walvol.png: pg_wal against its volume, with what holds
 * it (segments waiting for the archiver, WAL pinned by the replication
 * slot), one panel per variant (docs/wal-volume.md).
 *
 * Drawn only for output folders whose timeline.csv has the walvol columns
 * (a variant puts pg_wal on its own volume, archives, or has a slot);
 * other folders get no file, so their outputs stay as they were.  Reads
 * timeline.csv itself: rundir.c loads the columns every chart needs, this
 * chart's are optional.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"
#include "walsim/csvread.h"
#include "walsim/plot.h"

enum { C_T, C_PGWAL, C_VOL, C_ARCH, C_SLOT, C__N };
static const char *const col_names[C__N] = {"t_s", "pg_wal_bytes", "wal_volume_bytes",
                                             "archive_lag_bytes", "slot_lag_bytes"};

typedef struct wv_variant {
    char name[64];
    size_t n, cap;
    double *col[C__N];
} wv_variant;

typedef struct wv_run {
    wv_variant *v;
    size_t nv, cap;
    double t1;
    const char *title; /* the scenario's name, from summary.json */
} wv_run;

static void wv_free(wv_run *r)
{
    for (size_t k = 0; k < r->nv; k++)
        for (int c = 0; c < C__N; c++)
            free(r->v[k].col[c]);
    free(r->v);
    memset(r, 0, sizeof *r);
}

/* The rows of one chunk of timeline.csv, appended.  Rows of one variant
 * are contiguous and in time order (tables.c). */
static int wv_load(const ws_csv *csv, wv_run *r, ws_diag *err)
{
    int idx[C__N], vcol = ws_csv_col(csv, "variant");
    for (int c = 0; c < C__N; c++)
        idx[c] = ws_csv_col(csv, col_names[c]);
    size_t rows = ws_csv_rows(csv);
    for (size_t i = 0; i < rows; i++) {
        const char *name = ws_csv_cell(csv, i, (size_t)vcol);
        if (r->nv == 0 || strcmp(r->v[r->nv - 1].name, name) != 0) {
            if (r->nv == r->cap) {
                size_t cap = r->cap ? 2 * r->cap : 8;
                wv_variant *nv = realloc(r->v, cap * sizeof *nv);
                if (!nv)
                    goto oom;
                r->v = nv;
                r->cap = cap;
            }
            wv_variant *v = &r->v[r->nv++];
            memset(v, 0, sizeof *v);
            snprintf(v->name, sizeof v->name, "%s", name);
        }
        wv_variant *v = &r->v[r->nv - 1];
        if (v->n == v->cap) {
            size_t cap = v->cap ? 2 * v->cap : 1024;
            for (int c = 0; c < C__N; c++) {
                double *x = realloc(v->col[c], cap * sizeof *x);
                if (!x)
                    goto oom;
                v->col[c] = x;
            }
            v->cap = cap;
        }
        for (int c = 0; c < C__N; c++) {
            double x;
            int rc = ws_csv_num(csv, i, (size_t)idx[c], &x, err);
            if (rc != WS_OK)
                return rc;
            v->col[c][v->n] = x;
        }
        v->n++;
    }
    return WS_OK;
oom:
    ws_diag_set(err, NULL, 0, "out of memory");
    return WS_ENOMEM;
}

static int draw(cairo_t *cr, const void *ctx, ws_diag *err)
{
    (void)err;
    const wv_run *r = ctx;
    ws_plot_legend_item items[] = {
        {"pg_wal size", WS_OI_BLACK, WS_SW_LINE, 0},
        {"volume size", WS_OI_VERMILLION, WS_SW_DASH, 0},
        {"waiting for the archiver (.ready)", WS_OI_ORANGE, WS_SW_LINE, 0},
        {"held by the replication slot", WS_OI_BLUE, WS_SW_LINE, 0},
    };
    double top = plot_draw_head(cr, "pg_wal against its volume: what holds the WAL",
                                r->title ? r->title : "", items, 4);
    double left = WS_PLOT_MARGIN_LEFT, right = WS_PLOT_WIDTH - WS_PLOT_MARGIN_RIGHT;
    double gap = 28, bottom = WS_PLOT_HEIGHT - 50;
    double h = (bottom - top - gap * (double)(r->nv - 1)) / (double)r->nv;
    ws_plot_font tick = {14, false, WS_PLOT_TEXT}, cap = {15, true, WS_PLOT_TEXT};
    for (size_t k = 0; k < r->nv; k++) {
        const wv_variant *v = &r->v[k];
        double hi = 0;
        for (size_t i = 0; i < v->n; i++)
            for (int c = C_PGWAL; c < C__N; c++)
                hi = fmax(hi, v->col[c][i]);
        ws_plot_panel p;
        memset(&p, 0, sizeof p);
        p.r = (ws_plot_rect){left, top + (double)k * (h + gap), right - left, h};
        ws_plot_axis_time(&p.x, 0, r->t1, p.r.w, 110);
        ws_plot_axis_fit(&p.y, 0, hi > 0 ? hi * 1.08 : 1, p.r.h, 40, WS_PU_BYTES);
        p.y.t.label_units = true;
        ws_plot_panel_grid(cr, &p);
        ws_plot_line(cr, &p, v->col[C_T], v->col[C_ARCH], v->n, WS_OI_ORANGE, 2, 0);
        ws_plot_line(cr, &p, v->col[C_T], v->col[C_SLOT], v->n, WS_OI_BLUE, 2, 0);
        ws_plot_line(cr, &p, v->col[C_T], v->col[C_PGWAL], v->n, WS_OI_BLACK, 2.5, 0);
        if (v->n && v->col[C_VOL][0] > 0)
            ws_plot_line(cr, &p, v->col[C_T], v->col[C_VOL], v->n, WS_OI_VERMILLION, 2, 8);
        ws_plot_panel_frame(cr, &p);
        ws_plot_panel_ylabels(cr, &p, tick);
        if (k + 1 == r->nv) {
            ws_plot_panel_xlabels(cr, &p, tick);
            char xt[96];
            ws_plot_axis_title(&p.x.t, "simulated time", xt, sizeof xt);
            ws_plot_text(cr, tick, p.r.x + p.r.w / 2, WS_PLOT_HEIGHT - 6,
                         WS_TA_CENTER | WS_TA_BOTTOM, 0, xt);
        }
        char label[128];
        double last = v->n ? v->col[C_T][v->n - 1] : 0;
        snprintf(label, sizeof label, "%s%s", v->name,
                 v->n && last + 1 < r->t1 - 1 ? "  (stopped: pg_wal full, PANIC)" : "");
        ws_plot_text(cr, cap, p.r.x + 8, p.r.y + 6, WS_TA_LEFT | WS_TA_TOP, 0, label);
    }
    return WS_OK;
}

int ws_plot_walvol(const char *dir, const char *title, unsigned mask, ws_diag *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/timeline.csv", dir);
    /* in chunks: a week's timeline.csv need not fit in memory, and a
     * folder without the walvol columns is not read past its header */
    ws_csv_reader *rd;
    int rc = ws_csv_reader_open(path, 1u << 20, &rd, err);
    if (rc != WS_OK)
        return rc;
    const ws_csv *hdr = ws_csv_reader_header(rd);
    for (int c = 0; c < C__N; c++)
        if (ws_csv_col(hdr, col_names[c]) < 0) {
            ws_csv_reader_close(rd);
            return WS_OK; /* no walvol columns: no chart */
        }
    if (ws_csv_need(hdr, "variant", err) < 0) {
        ws_csv_reader_close(rd);
        return WS_EINPUT;
    }
    wv_run r = {0};
    r.title = title;
    ws_csv *csv;
    while ((rc = ws_csv_reader_next(rd, &csv, err)) == WS_OK && csv) {
        rc = wv_load(csv, &r, err);
        ws_csv_free(csv);
        if (rc != WS_OK)
            break;
    }
    ws_csv_reader_close(rd);
    if (rc == WS_OK && r.nv > 0) {
        for (size_t k = 0; k < r.nv; k++)
            if (r.v[k].n)
                r.t1 = fmax(r.t1, r.v[k].col[C_T][r.v[k].n - 1]);
        plot_job job = {"walvol", draw, &r, false};
        rc = plot_render_all(dir, mask, &job, 1, err);
    }
    wv_free(&r);
    return rc;
}
