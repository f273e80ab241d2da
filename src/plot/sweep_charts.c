/*
 * sweep_charts.c - charts of a sweep (ws_plot_sweep; docs/charts.md).
 *
 * sweep.csv has one row per grid point, seed and variant.  A chart shows
 * one metric: against one parameter as a line per variant (the mean over
 * seeds, with the spread from the lowest to the highest seed shaded, so
 * a difference smaller than the seed noise is visibly so), or against
 * two parameters as a heatmap per variant with the value in every cell.
 * Grid values are labelled as the user wrote them ("4GB", "15min") and
 * placed by their value in base units; a numeric parameter spanning 8x
 * or more gets a log axis (sweeps double sizes, they do not add to them).
 */
#include "walsim/plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"
#include "walsim/csvread.h"
#include "walsim/json.h"

#define W ((double)WS_PLOT_WIDTH)
#define H ((double)WS_PLOT_HEIGHT)
#define LEFT ((double)WS_PLOT_MARGIN_LEFT)
#define RIGHT (W - WS_PLOT_MARGIN_RIGHT)
#define BOTTOM (H - 74)

#define MAX_VALUES 64 /* distinct values of a parameter, variants */

typedef struct param {
    int col, num_col;           /* num_col -1 when absent */
    const char *name;
    const char *values[MAX_VALUES];
    double pos[MAX_VALUES];     /* base units, or the index if not numeric */
    size_t n;
    bool numeric;
} param;

typedef struct sweep {
    ws_csv *csv;
    char *title;
    int c_variant;
    param p[2];
    int np;
    const char *variants[MAX_VALUES];
    size_t nv;
    int *row_v, *row_p0, *row_p1; /* per row: variant and value indices */
} sweep;

typedef struct metric_job {
    const sweep *sw;
    int col;
    char name[96];   /* metric name without unit suffix */
    ws_plot_unit unit;
    double factor;   /* column to plotted unit (s -> ms: 1000) */
} metric_job;

static ws_plot_font font(double size, bool bold) { return (ws_plot_font){size, bold, WS_PLOT_TEXT}; }

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

static int find_value(const char *const *values, size_t n, const char *v)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(values[i], v) == 0)
            return (int)i;
    return -1;
}

/* Adds v to the list if new; -1 with a message when the list is full. */
static int intern(const char **values, size_t *n, const char *v, const ws_csv *c, size_t row,
                  const char *what, ws_diag *err)
{
    int k = find_value(values, *n, v);
    if (k >= 0)
        return k;
    if (*n >= MAX_VALUES) {
        ws_diag_set(err, ws_csv_name(c), ws_csv_line(c, row),
                    "more than %d distinct %s; the charts draw at most %d", MAX_VALUES, what,
                    MAX_VALUES);
        return -1;
    }
    values[*n] = v;
    return (int)(*n)++;
}

static void sweep_free(sweep *sw)
{
    ws_csv_free(sw->csv);
    free(sw->title);
    free(sw->row_v);
    free(sw->row_p0);
    free(sw->row_p1);
    memset(sw, 0, sizeof *sw);
}

/* The chart title: summary.json's scenario name when the folder has one. */
static int sweep_title(const char *dir, sweep *sw, ws_diag *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/summary.json", dir);
    FILE *probe = fopen(path, "rb");
    const char *name = NULL;
    ws_json *root = NULL;
    if (probe) {
        fclose(probe);
        int rc = ws_json_parse_file(path, &root, err);
        if (rc != WS_OK)
            return rc;
        name = ws_json_str(ws_json_path(root, "scenario.name"));
    }
    if (!name) {
        const char *base = strrchr(dir, '/');
        name = base && base[1] ? base + 1 : dir;
    }
    sw->title = strdup(name);
    ws_json_free(root);
    if (!sw->title) {
        ws_diag_set(err, NULL, 0, "out of memory");
        return WS_ENOMEM;
    }
    return WS_OK;
}

static int sweep_load(const char *dir, const char *const *params, int n_params, sweep *sw,
                      ws_diag *err)
{
    memset(sw, 0, sizeof *sw);
    char path[4096];
    snprintf(path, sizeof path, "%s/sweep.csv", dir);
    int rc = ws_csv_read_file(path, &sw->csv, err);
    if (rc != WS_OK)
        return rc;
    const ws_csv *c = sw->csv;
    int c_seed = ws_csv_need(c, "seed", err);
    sw->c_variant = c_seed >= 0 ? ws_csv_need(c, "variant", err) : -1;
    if (c_seed < 0 || sw->c_variant < 0)
        return WS_EINPUT;
    /* Parameters: as given, or every column between seed and variant
     * that is not a KEY_num partner (docs/outputs.md). */
    const char *names[2];
    int n = 0;
    if (n_params > 0) {
        for (int i = 0; i < n_params; i++)
            if (n++ < 2)
                names[i] = params[i];
    } else {
        for (int col = c_seed + 1; col < sw->c_variant; col++) {
            const char *name = ws_csv_col_name(c, (size_t)col);
            if (!ends_with(name, "_num") && n++ < 2)
                names[n - 1] = name;
        }
    }
    if (n < 1 || n > 2) {
        ws_diag_set(err, path, 1,
                    "%d parameters; sweep charts draw one (lines) or two (heatmaps)", n);
        return WS_EINPUT;
    }
    sw->np = n;
    for (int i = 0; i < n; i++) {
        param *p = &sw->p[i];
        p->name = names[i];
        if ((p->col = ws_csv_need(c, p->name, err)) < 0)
            return WS_EINPUT;
        char num[256];
        snprintf(num, sizeof num, "%s_num", p->name);
        p->num_col = ws_csv_col(c, num);
    }
    size_t rows = ws_csv_rows(c);
    if (rows == 0) {
        ws_diag_set(err, path, 1, "no rows after the header");
        return WS_EINPUT;
    }
    sw->row_v = malloc(rows * sizeof *sw->row_v);
    sw->row_p0 = malloc(rows * sizeof *sw->row_p0);
    sw->row_p1 = malloc(rows * sizeof *sw->row_p1);
    if (!sw->row_v || !sw->row_p0 || !sw->row_p1) {
        ws_diag_set(err, NULL, 0, "out of memory");
        return WS_ENOMEM;
    }
    for (size_t r = 0; r < rows; r++) {
        sw->row_v[r] = intern(sw->variants, &sw->nv, ws_csv_cell(c, r, (size_t)sw->c_variant), c,
                              r, "variants", err);
        if (sw->row_v[r] < 0)
            return WS_EINPUT;
        int *idx[2] = {sw->row_p0, sw->row_p1};
        for (int i = 0; i < 2; i++) {
            idx[i][r] = 0;
            if (i >= n)
                continue;
            param *p = &sw->p[i];
            int k = intern(p->values, &p->n, ws_csv_cell(c, r, (size_t)p->col), c, r, p->name, err);
            if (k < 0)
                return WS_EINPUT;
            idx[i][r] = k;
        }
    }
    /* Numeric when every value has a KEY_num; the first row of each
     * value gives its position. */
    for (int i = 0; i < n; i++) {
        param *p = &sw->p[i];
        p->numeric = p->num_col >= 0;
        for (size_t k = 0; k < p->n; k++)
            p->pos[k] = (double)k;
        for (size_t r = 0; r < rows && p->numeric; r++) {
            int k = (i ? sw->row_p1 : sw->row_p0)[r];
            if (ws_csv_empty(c, r, (size_t)p->num_col)) {
                p->numeric = false;
                break;
            }
            rc = ws_csv_num(c, r, (size_t)p->num_col, &p->pos[k], err);
            if (rc != WS_OK)
                return rc;
        }
        if (!p->numeric)
            for (size_t k = 0; k < p->n; k++)
                p->pos[k] = (double)k;
    }
    return sweep_title(dir, sw, err);
}

/* metric name (p99_latency) or column (p99_latency_ms) to a column. */
static int metric_column(const sweep *sw, const char *m, ws_diag *err)
{
    int col = ws_csv_col(sw->csv, m);
    static const char *const suffixes[] = {"_ms", "_s", "_bytes"};
    for (size_t i = 0; i < 3 && col < 0; i++) {
        char name[160];
        snprintf(name, sizeof name, "%s%s", m, suffixes[i]);
        col = ws_csv_col(sw->csv, name);
    }
    if (col < 0 || col <= sw->c_variant) {
        char cols[512] = "";
        size_t o = 0;
        for (size_t k = (size_t)sw->c_variant + 1; k < ws_csv_cols(sw->csv) && o < sizeof cols - 64;
             k++)
            o += (size_t)snprintf(cols + o, sizeof cols - o, "%s%s", o ? ", " : "",
                                  ws_csv_col_name(sw->csv, k));
        ws_diag_set(err, ws_csv_name(sw->csv), 1, "no metric '%s'; the file has: %s", m, cols);
        return -1;
    }
    return col;
}

static void metric_init(metric_job *j, const sweep *sw, int col)
{
    const char *name = ws_csv_col_name(sw->csv, (size_t)col);
    j->sw = sw;
    j->col = col;
    j->unit = WS_PU_PLAIN;
    j->factor = 1;
    snprintf(j->name, sizeof j->name, "%s", name);
    size_t n = strlen(j->name);
    /* Units from the column suffix (docs/outputs.md, Metrics). */
    if (ends_with(name, "_ms")) {
        j->unit = WS_PU_MS;
        j->name[n - 3] = '\0';
    } else if (ends_with(name, "_bytes")) {
        j->unit = WS_PU_BYTES;
        j->name[n - 6] = '\0';
    } else if (ends_with(name, "_s")) {
        j->unit = WS_PU_MS;
        j->factor = 1000;
        j->name[n - 2] = '\0';
    } else if (ends_with(name, "_share") || ends_with(name, "_saving") ||
               ends_with(name, "_utilization")) {
        j->unit = WS_PU_PERCENT;
    }
}

typedef struct cell {
    double lo, hi, sum;
    int n;
} cell;

/* Per variant and grid point: the metric's lowest, highest and mean
 * value over seeds.  cells has nv * n0 * n1 entries. */
static int aggregate(const metric_job *j, cell *cells, ws_diag *err)
{
    const sweep *sw = j->sw;
    size_t n0 = sw->p[0].n, n1 = sw->np > 1 ? sw->p[1].n : 1;
    for (size_t i = 0; i < sw->nv * n0 * n1; i++)
        cells[i] = (cell){INFINITY, -INFINITY, 0, 0};
    for (size_t r = 0; r < ws_csv_rows(sw->csv); r++) {
        double x;
        int rc = ws_csv_num_or(sw->csv, r, (size_t)j->col, NAN, &x, err);
        if (rc != WS_OK)
            return rc;
        if (!isfinite(x))
            continue; /* empty: the metric does not apply to the row */
        x *= j->factor;
        cell *c = &cells[((size_t)sw->row_v[r] * n0 + (size_t)sw->row_p0[r]) * n1 +
                         (size_t)sw->row_p1[r]];
        c->lo = fmin(c->lo, x);
        c->hi = fmax(c->hi, x);
        c->sum += x;
        c->n++;
    }
    return WS_OK;
}

/* An x axis at the grid values, labelled as written; `labels` receives
 * the labels in ascending order of value (the axis points into it). */
static void grid_axis(const param *p, ws_plot_axis *a, const char **labels)
{
    memset(a, 0, sizeof *a);
    size_t n = p->n < WS_PLOT_MAX_TICKS ? p->n : WS_PLOT_MAX_TICKS;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t k = 0; k < n; k++) {
        lo = fmin(lo, p->pos[k]);
        hi = fmax(hi, p->pos[k]);
        /* Insertion by value, so the labels' overlap check runs left to right. */
        size_t b = k;
        while (b > 0 && a->t.v[b - 1] > p->pos[k]) {
            a->t.v[b] = a->t.v[b - 1];
            labels[b] = labels[b - 1];
            b--;
        }
        a->t.v[b] = p->pos[k];
        labels[b] = p->values[k];
    }
    bool log = p->numeric && lo > 0 && hi / lo >= 8;
    a->t.n = (int)n;
    a->t.text = labels;
    a->t.log = log;
    a->t.unit = WS_PU_PLAIN;
    a->t.suffix = "";
    a->t.scale = 1;
    if (log) {
        double pad = pow(hi / lo, 0.05);
        a->lo = lo / pad;
        a->hi = hi * pad;
    } else {
        double pad = hi > lo ? (hi - lo) * 0.05 : 0.5;
        a->lo = lo - pad;
        a->hi = hi + pad;
    }
}

static int chart_lines(cairo_t *cr, const void *ctx, ws_diag *err)
{
    const metric_job *j = ctx;
    const sweep *sw = j->sw;
    const param *p = &sw->p[0];
    cell *cells = calloc(sw->nv * p->n, sizeof *cells);
    double *x = calloc(p->n, sizeof *x), *lo = calloc(p->n, sizeof *lo),
           *hi = calloc(p->n, sizeof *hi), *mean = calloc(p->n, sizeof *mean);
    int rc = cells && x && lo && hi && mean ? aggregate(j, cells, err) : WS_ENOMEM;
    if (rc == WS_ENOMEM)
        ws_diag_set(err, NULL, 0, "out of memory");
    if (rc != WS_OK)
        goto done;
    /* Legend: variants, then what the band means. */
    ws_plot_legend_item items[MAX_VALUES + 1];
    int seeds = 0;
    for (size_t i = 0; i < sw->nv * p->n; i++)
        seeds = cells[i].n > seeds ? cells[i].n : seeds;
    char band[96];
    snprintf(band, sizeof band, "lowest to highest of %d seeds (line: mean)", seeds);
    int ni = 0;
    for (size_t v = 0; v < sw->nv && ni < MAX_VALUES; v++)
        items[ni++] = (ws_plot_legend_item){sw->variants[v], ws_plot_series_color((int)v),
                                            WS_SW_MARKER_LINE, 0};
    items[ni++] = (ws_plot_legend_item){band, {0.8, 0.8, 0.8}, WS_SW_AREA, 0};
    char what[256];
    snprintf(what, sizeof what, "%s against %s", j->name, p->name);
    double top = plot_draw_head(cr, what, sw->title, items, ni);

    ws_plot_panel pan;
    pan.r = (ws_plot_rect){LEFT, top + 10, RIGHT - LEFT, BOTTOM - top - 10};
    const char *labels[WS_PLOT_MAX_TICKS];
    grid_axis(p, &pan.x, labels);
    double ymin = INFINITY, ymax = -INFINITY;
    for (size_t i = 0; i < sw->nv * p->n; i++)
        if (cells[i].n) {
            ymin = fmin(ymin, cells[i].lo);
            ymax = fmax(ymax, cells[i].hi);
        }
    if (!isfinite(ymin)) {
        ymin = 0;
        ymax = 1;
    }
    /* From 0 for quantities that are never negative: a sweep chart whose
     * axis starts at 37 ms would exaggerate every difference. */
    ws_plot_axis_fit(&pan.y, ymin >= 0 ? 0 : ymin, ymax, pan.r.h, 60, j->unit);
    ws_plot_panel_grid(cr, &pan);
    for (size_t v = 0; v < sw->nv; v++) {
        ws_plot_rgb c = ws_plot_series_color((int)v);
        for (size_t k = 0; k < p->n; k++) {
            const cell *ce = &cells[v * p->n + k];
            x[k] = p->pos[k];
            lo[k] = ce->n ? ce->lo : NAN;
            hi[k] = ce->n ? ce->hi : NAN;
            mean[k] = ce->n ? ce->sum / ce->n : NAN;
        }
        /* Points in x order for the line and band. */
        for (size_t a = 1; a < p->n; a++)
            for (size_t b = a; b > 0 && x[b - 1] > x[b]; b--) {
                double *arr[4] = {x, lo, hi, mean};
                for (int q = 0; q < 4; q++) {
                    double t = arr[q][b];
                    arr[q][b] = arr[q][b - 1];
                    arr[q][b - 1] = t;
                }
            }
        ws_plot_band(cr, &pan, x, lo, hi, p->n, c, 0.18);
        ws_plot_line(cr, &pan, x, mean, p->n, c, 2.5, 0);
        for (size_t k = 0; k < p->n; k++)
            if (isfinite(mean[k]))
                ws_plot_marker(cr, ws_plot_px(&pan, x[k]), ws_plot_py(&pan, mean[k]), 0, 11, c);
    }
    ws_plot_panel_frame(cr, &pan);
    ws_plot_panel_ylabels(cr, &pan, font(16, false));
    ws_plot_panel_xlabels(cr, &pan, font(16, false));
    char buf[160];
    ws_plot_axis_title(&pan.y.t, j->name, buf, sizeof buf);
    ws_plot_text(cr, font(18, false), 22, pan.r.y + pan.r.h / 2, WS_TA_CENTER | WS_TA_TOP, -M_PI / 2,
                 buf);
    snprintf(buf, sizeof buf, "%s%s", p->name, pan.x.t.log ? " (log scale)" : "");
    ws_plot_text(cr, font(18, false), (LEFT + RIGHT) / 2, H - 14, WS_TA_CENTER | WS_TA_BOTTOM, 0,
                 buf);
done:
    free(cells);
    free(x);
    free(lo);
    free(hi);
    free(mean);
    return rc;
}

/* Prints v as compactly as the cell needs: with its unit when it fits. */
static void cell_text(cairo_t *cr, double v, ws_plot_unit unit, double w, ws_plot_font *f, char *buf,
                      size_t len)
{
    ws_plot_format_value(v, unit, buf, len);
    for (f->size = 16; f->size > 10 && ws_plot_text_width(cr, *f, buf) > w - 6; f->size -= 1)
        ;
    if (ws_plot_text_width(cr, *f, buf) > w - 6) {
        char *sp = strchr(buf, ' ');
        if (sp)
            *sp = '\0'; /* the colour bar carries the unit */
    }
}

static int chart_heatmap(cairo_t *cr, const void *ctx, ws_diag *err)
{
    const metric_job *j = ctx;
    const sweep *sw = j->sw;
    const param *px = &sw->p[0], *py = &sw->p[1];
    size_t n0 = px->n, n1 = py->n;
    cell *cells = calloc(sw->nv * n0 * n1, sizeof *cells);
    if (!cells) {
        ws_diag_set(err, NULL, 0, "out of memory");
        return WS_ENOMEM;
    }
    int rc = aggregate(j, cells, err);
    if (rc != WS_OK) {
        free(cells);
        return rc;
    }
    int seeds = 0;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < sw->nv * n0 * n1; i++)
        if (cells[i].n) {
            double m = cells[i].sum / cells[i].n;
            lo = fmin(lo, m);
            hi = fmax(hi, m);
            seeds = cells[i].n > seeds ? cells[i].n : seeds;
        }
    if (!isfinite(lo)) {
        lo = 0;
        hi = 1;
    }
    char what[256];
    snprintf(what, sizeof what, "%s by %s and %s (mean of %d seed%s)", j->name, px->name, py->name,
             seeds, seeds == 1 ? "" : "s");
    double top = plot_draw_head(cr, what, sw->title, NULL, 0);

    /* Grid positions in file order, sorted by value. */
    size_t ox[MAX_VALUES], oy[MAX_VALUES];
    for (size_t k = 0; k < n0; k++)
        ox[k] = k;
    for (size_t k = 0; k < n1; k++)
        oy[k] = k;
    for (size_t a = 1; a < n0; a++)
        for (size_t b = a; b > 0 && px->pos[ox[b - 1]] > px->pos[ox[b]]; b--) {
            size_t t = ox[b];
            ox[b] = ox[b - 1];
            ox[b - 1] = t;
        }
    for (size_t a = 1; a < n1; a++)
        for (size_t b = a; b > 0 && py->pos[oy[b - 1]] > py->pos[oy[b]]; b--) {
            size_t t = oy[b];
            oy[b] = oy[b - 1];
            oy[b - 1] = t;
        }

    const double bar_w = 26, bar_gap = 40, bar_labels = 110;
    double area_right = RIGHT - bar_w - bar_gap - bar_labels;
    double gap = 40;
    double pw = (area_right - LEFT - gap * (double)(sw->nv - 1)) / (double)sw->nv;
    double ptop = top + 40, pbot = BOTTOM;
    double cw = pw / (double)n0, ch = (pbot - ptop) / (double)n1;
    ws_plot_font ftick = font(16, false);
    for (size_t v = 0; v < sw->nv; v++) {
        double x0 = LEFT + (double)v * (pw + gap);
        ws_plot_text(cr, font(18, true), x0, ptop - 10, WS_TA_LEFT | WS_TA_BOTTOM, 0,
                     sw->variants[v]);
        for (size_t a = 0; a < n0; a++)
            for (size_t b = 0; b < n1; b++) {
                const cell *ce = &cells[(v * n0 + ox[a]) * n1 + oy[b]];
                double cx = x0 + (double)a * cw, cy = pbot - (double)(b + 1) * ch;
                if (!ce->n) {
                    cairo_set_source_rgb(cr, 0.92, 0.92, 0.92);
                    cairo_rectangle(cr, cx, cy, cw, ch);
                    cairo_fill(cr);
                    ws_plot_font f = {14, false, WS_PLOT_TEXT2};
                    ws_plot_text(cr, f, cx + cw / 2, cy + ch / 2, WS_TA_CENTER | WS_TA_MIDDLE, 0,
                                 "no data");
                    continue;
                }
                double m = ce->sum / ce->n;
                ws_plot_rgb col = ws_plot_viridis(hi > lo ? (m - lo) / (hi - lo) : 0.5);
                ws_plot_set_color(cr, col, 1);
                cairo_rectangle(cr, cx, cy, cw, ch);
                cairo_fill(cr);
                /* Dark text on the light end of the map, white on the dark. */
                double lum = 0.2126 * col.r + 0.7152 * col.g + 0.0722 * col.b;
                ws_plot_font f = {16, false, lum > 0.45 ? WS_OI_BLACK : (ws_plot_rgb){1, 1, 1}};
                char buf[48];
                cell_text(cr, m * 1.0, j->unit, cw, &f, buf, sizeof buf);
                ws_plot_text(cr, f, cx + cw / 2, cy + ch / 2, WS_TA_CENTER | WS_TA_MIDDLE, 0, buf);
            }
        /* White cell borders. */
        cairo_save(cr);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_set_line_width(cr, 2);
        for (size_t a = 0; a <= n0; a++) {
            cairo_move_to(cr, x0 + (double)a * cw, ptop);
            cairo_line_to(cr, x0 + (double)a * cw, pbot);
        }
        for (size_t b = 0; b <= n1; b++) {
            cairo_move_to(cr, x0, pbot - (double)b * ch);
            cairo_line_to(cr, x0 + pw, pbot - (double)b * ch);
        }
        cairo_stroke(cr);
        cairo_restore(cr);
        for (size_t a = 0; a < n0; a++)
            ws_plot_text(cr, ftick, x0 + ((double)a + 0.5) * cw, pbot + 8, WS_TA_CENTER | WS_TA_TOP,
                         0, px->values[ox[a]]);
        if (v == 0)
            for (size_t b = 0; b < n1; b++)
                ws_plot_text(cr, ftick, x0 - 9, pbot - ((double)b + 0.5) * ch,
                             WS_TA_RIGHT | WS_TA_MIDDLE, 0, py->values[oy[b]]);
    }
    ws_plot_text(cr, font(18, false), (LEFT + area_right) / 2, H - 14, WS_TA_CENTER | WS_TA_BOTTOM,
                 0, px->name);
    ws_plot_text(cr, font(18, false), 22, (ptop + pbot) / 2, WS_TA_CENTER | WS_TA_TOP, -M_PI / 2,
                 py->name);

    /* The colour scale: a bar with the metric's ticks. */
    ws_plot_panel bar;
    bar.r = (ws_plot_rect){RIGHT - bar_labels - bar_w, ptop, bar_w, pbot - ptop};
    ws_plot_ticks_linear(lo, hi, 6, j->unit, &bar.y.t);
    bar.y.lo = lo;
    bar.y.hi = hi > lo ? hi : lo + 1;
    memset(&bar.x, 0, sizeof bar.x);
    bar.x.lo = 0;
    bar.x.hi = 1;
    for (int s = 0; s < 100; s++) {
        double f0 = s / 100.0;
        ws_plot_set_color(cr, ws_plot_viridis(f0 + 0.005), 1);
        double y0 = bar.r.y + bar.r.h * (1 - (s + 1) / 100.0);
        cairo_rectangle(cr, bar.r.x, y0, bar.r.w, bar.r.h / 100.0 + 0.6);
        cairo_fill(cr);
    }
    cairo_save(cr);
    ws_plot_set_color(cr, WS_PLOT_AXIS, 1);
    cairo_set_line_width(cr, 1);
    cairo_rectangle(cr, floor(bar.r.x) + 0.5, floor(bar.r.y) + 0.5, floor(bar.r.w), floor(bar.r.h));
    cairo_stroke(cr);
    char lab[64];
    for (int i = 0; i < bar.y.t.n; i++) {
        double tv = bar.y.t.v[i];
        if (tv < bar.y.lo - 1e-9 * fabs(bar.y.hi) || tv > bar.y.hi + 1e-9 * fabs(bar.y.hi))
            continue;
        double yy = ws_plot_py(&bar, tv);
        cairo_move_to(cr, bar.r.x + bar.r.w, floor(yy) + 0.5);
        cairo_line_to(cr, bar.r.x + bar.r.w + 6, floor(yy) + 0.5);
        cairo_stroke(cr);
        ws_plot_tick_label(&bar.y.t, tv, lab, sizeof lab);
        ws_plot_text(cr, ftick, bar.r.x + bar.r.w + 10, yy, WS_TA_LEFT | WS_TA_MIDDLE, 0, lab);
    }
    cairo_restore(cr);
    ws_plot_axis_title(&bar.y.t, j->name, lab, sizeof lab);
    ws_plot_text(cr, font(16, true), bar.r.x + bar.r.w, ptop - 10, WS_TA_RIGHT | WS_TA_BOTTOM, 0,
                 lab);
    free(cells);
    return WS_OK;
}

/* Metric column names become file names: keep them to a safe alphabet. */
static void file_name(char *buf, size_t len, const char *prefix, const char *col)
{
    snprintf(buf, len, "%s-%s", prefix, col);
    for (char *p = buf + strlen(prefix) + 1; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '_' || *p == '.' || *p == '-'))
            *p = '_';
}

int ws_plot_sweep(const char *dir, const char *formats, const char *const *params, int n_params,
                  const char *const *metrics, int n_metrics, ws_diag *err)
{
    ws_diag_clear(err);
    unsigned mask;
    int rc = ws_plot_parse_formats(formats, &mask, err);
    if (rc != WS_OK)
        return rc;
    if (n_params < 0 || n_metrics < 0) {
        ws_diag_set(err, NULL, 0, "negative count of parameters or metrics");
        return WS_EINPUT;
    }
    sweep sw;
    rc = sweep_load(dir, params, n_params, &sw, err);
    if (rc != WS_OK) {
        sweep_free(&sw);
        return rc;
    }
    size_t n_cols = ws_csv_cols(sw.csv);
    size_t cap = n_metrics > 0 ? (size_t)n_metrics : n_cols;
    metric_job *jobs = calloc(cap ? cap : 1, sizeof *jobs);
    plot_job *pj = calloc(cap ? cap : 1, sizeof *pj);
    char (*names)[160] = calloc(cap ? cap : 1, sizeof *names);
    size_t n = 0;
    if (!jobs || !pj || !names) {
        ws_diag_set(err, NULL, 0, "out of memory");
        rc = WS_ENOMEM;
    }
    if (rc == WS_OK && n_metrics > 0) {
        for (int i = 0; i < n_metrics && rc == WS_OK; i++) {
            int col = metric_column(&sw, metrics[i], err);
            if (col < 0)
                rc = WS_EINPUT;
            else
                metric_init(&jobs[n++], &sw, col);
        }
    } else if (rc == WS_OK) {
        for (size_t col = (size_t)sw.c_variant + 1; col < n_cols; col++)
            metric_init(&jobs[n++], &sw, (int)col);
    }
    if (rc == WS_OK && n == 0) {
        ws_diag_set(err, ws_csv_name(sw.csv), 1, "no metric columns after 'variant'");
        rc = WS_EINPUT;
    }
    for (size_t i = 0; i < n && rc == WS_OK; i++) {
        file_name(names[i], sizeof names[i], sw.np == 1 ? "sweep" : "heatmap",
                  ws_csv_col_name(sw.csv, (size_t)jobs[i].col));
        pj[i] = (plot_job){names[i], sw.np == 1 ? chart_lines : chart_heatmap, &jobs[i], false};
    }
    if (rc == WS_OK)
        rc = plot_render_all(dir, mask, pj, n, err);
    free(jobs);
    free(pj);
    free(names);
    sweep_free(&sw);
    return rc;
}
