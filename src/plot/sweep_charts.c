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
 *
 * A sweep.csv from a walsim with measurement windows (docs/outputs.md)
 * also says how far each figure can be trusted: METRIC_lo and METRIC_hi
 * (tps_lo, p99_latency_lo_ms, ...) bound its 95 % interval, drawn as an
 * error bar per run; `overloaded` 1 marks a variant that could not carry
 * its load (its latencies are those of a growing queue: a hollow marker,
 * a dashed line to it, and the axis is not stretched for it), and
 * `checkpoint_cycles` below 2 a window too short for checkpoint figures
 * (a ring around the marker).  Heatmaps print the interval under the
 * value and mark such cells.  Without those columns the charts are as
 * before.
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
    int c_overloaded, c_cycles; /* -1 when the file has no such column */
    param p[2];
    int np;
    const char *variants[MAX_VALUES];
    size_t nv;
    int *row_v, *row_p0, *row_p1; /* per row: variant and value indices */
} sweep;

typedef struct metric_job {
    const sweep *sw;
    int col;
    int lo_col, hi_col; /* its 95 % interval's bounds; -1 when absent */
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
/* The stem of sweep.meta's scenario file ("scenarios/disks.conf" ->
 * "disks"); false when there is none. */
static bool meta_scenario(const char *dir, char *out, size_t len)
{
    char path[4096], line[4096];
    snprintf(path, sizeof path, "%s/sweep.meta", dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    bool found = false;
    while (!found && fgets(line, sizeof line, f)) {
        if (strncmp(line, "scenario = ", 11) != 0)
            continue;
        line[strcspn(line, "\r\n")] = '\0';
        const char *base = strrchr(line + 11, '/');
        base = base ? base + 1 : line + 11;
        size_t n = strlen(base);
        if (n > 5 && strcmp(base + n - 5, ".conf") == 0)
            n -= 5;
        if (n > 0 && n < len) {
            memcpy(out, base, n);
            out[n] = '\0';
            found = true;
        }
    }
    fclose(f);
    return found;
}

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
    /* A sweep folder has no summary.json: its sweep.meta names the
     * scenario file ("scenario = PATH"); its stem beats the output
     * folder's name, which is often "out" or "sw". */
    char stem[256] = "";
    if (!name && meta_scenario(dir, stem, sizeof stem))
        name = stem;
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
    sw->c_overloaded = ws_csv_col(c, "overloaded");
    sw->c_cycles = ws_csv_col(c, "checkpoint_cycles");
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

/* The column of the interval bound `which` ("lo", "hi") of metric column
 * `name`: the bound's suffix goes before the unit (p99_latency_ms ->
 * p99_latency_lo_ms, tps -> tps_lo); -1 when absent. */
static int bound_column(const ws_csv *c, const char *name, const char *which)
{
    static const char *const units[] = {"_ms", "_s", "_bytes", ""};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (!ends_with(name, units[i]))
            continue;
        char buf[256];
        size_t n = strlen(name) - strlen(units[i]);
        snprintf(buf, sizeof buf, "%.*s_%s%s", (int)n, name, which, units[i]);
        int k = ws_csv_col(c, buf);
        if (k >= 0)
            return k;
    }
    return -1;
}

/* Is column `col` the bound of another metric column of the file (so it
 * is drawn as that metric's error bars, not as a chart of its own)? */
static bool is_bound_column(const ws_csv *c, int col)
{
    for (size_t k = 0; k < ws_csv_cols(c); k++)
        if ((int)k != col && (bound_column(c, ws_csv_col_name(c, k), "lo") == col ||
                              bound_column(c, ws_csv_col_name(c, k), "hi") == col))
            return true;
    return false;
}

/* A metric id as words for a title: "p99_latency" -> "p99 latency",
 * "tps" -> "transactions per second"; the PostgreSQL names pg_wal and
 * pg_stat keep their underscore (the unit comes from the axis title). */
static void human_label(char *name, size_t len)
{
    static const struct {
        const char *id, *words;
    } named[] = {{"tps", "transactions per second"},
                 {"offered_tps", "offered transactions per second"},
                 {"wal_per_tx", "WAL per transaction"},
                 {"fpi_share", "full-page image share of WAL"},
                 {"fpi_count", "full-page images"},
                 {"pg_wal_peak", "pg_wal peak size"}};
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        if (strcmp(name, named[i].id) == 0) {
            snprintf(name, len, "%s", named[i].words);
            return;
        }
    for (char *c = name; *c; c++)
        if (*c == '_' && !(c - name >= 2 && strncmp(c - 2, "pg_", 3) == 0))
            *c = ' ';
    /* "wal" alone is an abbreviation: WAL */
    for (char *c = name; (c = strstr(c, "wal")) != NULL; c += 3)
        if ((c == name || c[-1] == ' ') && (c[3] == ' ' || c[3] == '\0'))
            memcpy(c, "WAL", 3);
}

static void metric_init(metric_job *j, const sweep *sw, int col)
{
    const char *name = ws_csv_col_name(sw->csv, (size_t)col);
    j->sw = sw;
    j->col = col;
    j->lo_col = bound_column(sw->csv, name, "lo");
    j->hi_col = bound_column(sw->csv, name, "hi");
    if (j->lo_col < 0 || j->hi_col < 0)
        j->lo_col = j->hi_col = -1;
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
    human_label(j->name, sizeof j->name);
}

typedef struct cell {
    double lo, hi, sum;
    int n;
    int n_over, n_few;   /* runs overloaded; runs with < 2 checkpoint cycles */
    double ci_lo, ci_hi; /* the widest 95 % interval of its runs (NAN: none) */
} cell;

/* A row's optional number (empty, absent column: NAN). */
static int row_num(const ws_csv *c, size_t row, int col, double *out, ws_diag *err)
{
    *out = NAN;
    return col < 0 ? WS_OK : ws_csv_num_or(c, row, (size_t)col, NAN, out, err);
}

/* Per variant and grid point: the metric's lowest, highest and mean
 * value over seeds, how many of its runs are overloaded or too short for
 * two checkpoint cycles, and the extent of their intervals.  cells has
 * nv * n0 * n1 entries. */
static int aggregate(const metric_job *j, cell *cells, ws_diag *err)
{
    const sweep *sw = j->sw;
    size_t n0 = sw->p[0].n, n1 = sw->np > 1 ? sw->p[1].n : 1;
    for (size_t i = 0; i < sw->nv * n0 * n1; i++)
        cells[i] = (cell){INFINITY, -INFINITY, 0, 0, 0, 0, NAN, NAN};
    for (size_t r = 0; r < ws_csv_rows(sw->csv); r++) {
        double x, over, cyc, lo, hi;
        int rc = ws_csv_num_or(sw->csv, r, (size_t)j->col, NAN, &x, err);
        if (rc == WS_OK)
            rc = row_num(sw->csv, r, sw->c_overloaded, &over, err);
        if (rc == WS_OK)
            rc = row_num(sw->csv, r, sw->c_cycles, &cyc, err);
        if (rc == WS_OK)
            rc = row_num(sw->csv, r, j->lo_col, &lo, err);
        if (rc == WS_OK)
            rc = row_num(sw->csv, r, j->hi_col, &hi, err);
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
        c->n_over += over == 1;
        c->n_few += isfinite(cyc) && cyc < 2;
        if (isfinite(lo) && isfinite(hi)) {
            c->ci_lo = isfinite(c->ci_lo) ? fmin(c->ci_lo, lo * j->factor) : lo * j->factor;
            c->ci_hi = isfinite(c->ci_hi) ? fmax(c->ci_hi, hi * j->factor) : hi * j->factor;
        }
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
        /* categories: half a step beyond the first and the last */
        double pad = !p->numeric ? 0.5 : hi > lo ? (hi - lo) * 0.05 : 0.5;
        a->lo = lo - pad;
        a->hi = hi + pad;
    }
}

/* Sorts the grid indices of parameter p by value. */
static void by_value(const param *p, size_t *order)
{
    for (size_t k = 0; k < p->n; k++)
        order[k] = k;
    for (size_t a = 1; a < p->n; a++)
        for (size_t b = a; b > 0 && p->pos[order[b - 1]] > p->pos[order[b]]; b--) {
            size_t t = order[b];
            order[b] = order[b - 1];
            order[b - 1] = t;
        }
}

/* The caution ring around a point whose window held fewer than two
 * checkpoint cycles. */
#define RING_COLOR WS_PLOT_CAUTION_INK

static int chart_lines(cairo_t *cr, const void *ctx, ws_diag *err)
{
    const metric_job *j = ctx;
    const sweep *sw = j->sw;
    const param *p = &sw->p[0];
    size_t np = p->n;
    cell *cells = calloc(sw->nv * np, sizeof *cells);
    size_t *order = calloc(np, sizeof *order), *seen = calloc(np, sizeof *seen);
    double *x = calloc(np, sizeof *x), *lo = calloc(np, sizeof *lo), *hi = calloc(np, sizeof *hi),
           *mean = calloc(np, sizeof *mean), *solid = calloc(np, sizeof *solid);
    int rc = cells && order && seen && x && lo && hi && mean && solid ? aggregate(j, cells, err)
                                                                        : WS_ENOMEM;
    if (rc == WS_ENOMEM)
        ws_diag_set(err, NULL, 0, "out of memory");
    if (rc != WS_OK)
        goto done;
    by_value(p, order);
    int seeds = 0;
    bool any_ci = false, any_over = false, any_few = false;
    for (size_t i = 0; i < sw->nv * np; i++) {
        seeds = cells[i].n > seeds ? cells[i].n : seeds;
        any_ci = any_ci || isfinite(cells[i].ci_lo);
        any_over = any_over || cells[i].n_over > 0;
        any_few = any_few || cells[i].n_few > 0;
    }

    /* y range.  An overloaded point's latency is that of a queue that
     * grows for as long as the run lasts: it does not stretch the axis
     * (more than 1.5x the others); such a point is drawn on the top edge
     * as a hollow triangle. */
    double okmin = INFINITY, okmax = -INFINITY;
    for (size_t i = 0; i < sw->nv * np; i++) {
        const cell *c = &cells[i];
        if (!c->n || c->n_over)
            continue;
        okmin = fmin(okmin, fmin(c->lo, isfinite(c->ci_lo) ? c->ci_lo : c->lo));
        okmax = fmax(okmax, fmax(c->hi, isfinite(c->ci_hi) ? c->ci_hi : c->hi));
    }
    double ymin = okmin, ymax = okmax;
    bool above = false;
    for (size_t i = 0; i < sw->nv * np; i++) {
        const cell *c = &cells[i];
        if (!c->n || !c->n_over)
            continue;
        if (isfinite(okmax) && c->hi > 1.5 * fmax(okmax, 0) && c->hi > okmax) {
            above = true;
            continue;
        }
        ymin = fmin(ymin, c->lo);
        ymax = fmax(ymax, c->hi);
    }
    if (!isfinite(ymin)) {
        ymin = 0;
        ymax = 1;
    }

    /* Legend: variants, then what the marks mean. */
    ws_plot_legend_item items[MAX_VALUES + 4];
    char band[96];
    snprintf(band, sizeof band, "lowest to highest of %d seeds (line: mean)", seeds);
    int ni = 0;
    for (size_t v = 0; v < sw->nv && ni < MAX_VALUES; v++)
        items[ni++] = (ws_plot_legend_item){sw->variants[v], ws_plot_series_color((int)v),
                                            p->numeric ? WS_SW_MARKER_LINE : WS_SW_MARKER, 0};
    /* A categorical parameter (wal_compression, disk.preset) has no
     * order between its values to connect: dots, and the seeds' range
     * as a whisker. */
    bool categorical = !p->numeric;
    if (seeds > 1 && !categorical)
        items[ni++] = (ws_plot_legend_item){band, {0.8, 0.8, 0.8}, WS_SW_AREA, 0};
    char whisker[96];
    snprintf(whisker, sizeof whisker, "lowest to highest of %d seeds (dot: mean)", seeds);
    if (seeds > 1 && categorical)
        items[ni++] = (ws_plot_legend_item){whisker, WS_PLOT_TEXT2, WS_SW_ERRBAR, 0};
    if (any_ci)
        items[ni++] = (ws_plot_legend_item){seeds > 1 ? "95 % interval of each run"
                                                      : "95 % interval",
                                            WS_PLOT_TEXT2, WS_SW_ERRBAR, 0};
    if (any_over)
        items[ni++] = (ws_plot_legend_item){above ? "overloaded: not a steady state "
                                                    "(\xE2\x96\xB3 on the top edge: above the axis)"
                                                  : "overloaded: not a steady state",
                                            WS_PLOT_TEXT2, WS_SW_MARKER_HOLLOW, 0};
    if (any_few)
        items[ni++] = (ws_plot_legend_item){"< 2 checkpoint cycles", RING_COLOR, WS_SW_RING, 0};
    char what[256];
    snprintf(what, sizeof what, "%s against %s", j->name, p->name);
    double top = plot_draw_head(cr, what, sw->title, items, ni);

    ws_plot_panel pan;
    pan.r = (ws_plot_rect){LEFT, top + 10, RIGHT - LEFT, BOTTOM - top - 10};
    const char *labels[WS_PLOT_MAX_TICKS];
    grid_axis(p, &pan.x, labels);
    /* From 0 for quantities that are never negative: a sweep chart whose
     * axis starts at 37 ms would exaggerate every difference. */
    ws_plot_axis_fit(&pan.y, ymin >= 0 ? 0 : ymin, ymax, pan.r.h, 60, j->unit);
    ws_plot_panel_grid(cr, &pan);

    /* With error bars, the variants are set apart by a few pixels (and
     * the runs of a point within a variant by a few more), so bars at the
     * same grid value do not hide each other. */
    double gap_px = INFINITY;
    for (size_t k = 1; k < np; k++)
        gap_px = fmin(gap_px, ws_plot_px(&pan, p->pos[order[k]]) -
                                  ws_plot_px(&pan, p->pos[order[k - 1]]));
    double vstep = 0, sstep = 0;
    if (any_ci) {
        double room = isfinite(gap_px) ? 0.5 * gap_px : 120;
        sstep = seeds > 1 ? fmin(6, room / (double)(sw->nv * (size_t)seeds)) : 0;
        vstep = sw->nv > 1 ? fmin(16, room / (double)sw->nv) : 0;
        vstep = fmax(vstep, sstep * (double)seeds);
    }
    for (size_t v = 0; v < sw->nv; v++) {
        ws_plot_rgb c = ws_plot_series_color((int)v);
        ws_plot_panel pv = pan;
        pv.r.x += ((double)v - (double)(sw->nv - 1) / 2) * vstep;
        bool v_over = false;
        for (size_t a = 0; a < np; a++) {
            size_t k = order[a];
            const cell *ce = &cells[v * np + k];
            x[a] = p->pos[k];
            mean[a] = ce->n ? ce->sum / ce->n : NAN;
            lo[a] = ce->n && !ce->n_over ? ce->lo : NAN;
            hi[a] = ce->n && !ce->n_over ? ce->hi : NAN;
            solid[a] = ce->n_over ? NAN : mean[a];
            v_over = v_over || ce->n_over;
        }
        if (categorical) {
            for (size_t a = 0; a < np && seeds > 1; a++)
                ws_plot_errbar(cr, &pv, x[a], any_ci ? -4 : 0, lo[a], hi[a], c, 1.6, 12);
        } else {
            if (seeds > 1)
                ws_plot_band(cr, &pv, x, lo, hi, np, c, 0.18);
            /* To an overloaded point the line is dashed: not a trend; to
             * one above the axis there is none (a vertical stroke). */
            if (v_over) {
                for (size_t a = 0; a < np; a++)
                    lo[a] = mean[a] > pv.y.hi ? NAN : mean[a];
                ws_plot_line(cr, &pv, x, lo, np, c, 1.6, 7);
            }
            ws_plot_line(cr, &pv, x, solid, np, c, 2.5, 0);
        }
        /* An error bar per run, in file order within its point. */
        if (any_ci) {
            memset(seen, 0, np * sizeof *seen);
            for (size_t r = 0; r < ws_csv_rows(sw->csv); r++) {
                if ((size_t)sw->row_v[r] != v)
                    continue;
                size_t k = (size_t)sw->row_p0[r];
                const cell *ce = &cells[v * np + k];
                double blo, bhi, over;
                if (row_num(sw->csv, r, j->lo_col, &blo, err) != WS_OK ||
                    row_num(sw->csv, r, j->hi_col, &bhi, err) != WS_OK ||
                    row_num(sw->csv, r, sw->c_overloaded, &over, err) != WS_OK) {
                    rc = WS_EINPUT;
                    goto done;
                }
                double dx = ((double)seen[k]++ - (double)(ce->n - 1) / 2) * sstep;
                if (over != 1)
                    ws_plot_errbar(cr, &pv, p->pos[k], dx, blo * j->factor, bhi * j->factor, c,
                                   2, 8);
            }
        }
        for (size_t a = 0; a < np; a++) {
            size_t k = order[a];
            const cell *ce = &cells[v * np + k];
            if (!isfinite(mean[a]))
                continue;
            double px = ws_plot_px(&pv, x[a]);
            double py = ws_plot_py(&pv, fmin(mean[a], pv.y.hi));
            if (ce->n_over && mean[a] > pv.y.hi)
                ws_plot_marker_hollow(cr, px, py + 8, 3, 14, c);
            else if (ce->n_over)
                ws_plot_marker_hollow(cr, px, py, 0, 13, c);
            else
                ws_plot_marker(cr, px, py, 0, 11, c);
            if (ce->n_few)
                ws_plot_ring(cr, px, ce->n_over && mean[a] > pv.y.hi ? py + 8 : py, 24, RING_COLOR);
        }
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
    free(order);
    free(seen);
    free(x);
    free(lo);
    free(hi);
    free(mean);
    free(solid);
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

/* A heatmap cell's text: the value, under it its 95 % interval ("95 %:
 * 30.1 to 34.5 ms", the widest over the cell's runs) and its tags
 * (OVERLOADED, < 2 checkpoint cycles), as many lines as the cell has
 * room for; an overloaded cell also gets a red frame. */
static void heat_cell_marks(cairo_t *cr, const metric_job *j, const cell *ce, bool over, double cx,
                            double cy, double cw, double ch, ws_plot_font f, const char *value)
{
    char ci[96] = "";
    if (isfinite(ce->ci_lo) && isfinite(ce->ci_hi) && !ce->n_over) {
        char a[32], b[32];
        ws_plot_format_value(ce->ci_lo, j->unit, a, sizeof a);
        ws_plot_format_value(ce->ci_hi, j->unit, b, sizeof b);
        snprintf(ci, sizeof ci, "95 %%: %s to %s", a, b);
    }
    ws_plot_tag tags[2];
    int nt = 0;
    if (ce->n_over)
        tags[nt++] = (ws_plot_tag){"OVERLOADED", WS_TAG_ALARM};
    if (ce->n_few)
        tags[nt++] = (ws_plot_tag){"< 2 checkpoint cycles", WS_TAG_CAUTION};
    ws_plot_font fs = f;
    fs.size = 13;
    const double line_v = f.size + 6, line_ci = fs.size + 6, line_tag = 13 * 1.5 + 5;
    bool show_ci = *ci && ws_plot_text_width(cr, fs, ci) <= cw - 8;
    int show_tags = 0;
    for (int t = 0; t < nt; t++)
        if (ws_plot_tag_draw(cr, 0, 0, &tags[t], 13, false) <= cw - 8)
            show_tags = t + 1;
        else
            break;
    /* Drop lines, the interval first, until they fit the cell. */
    while (line_v + (show_ci ? line_ci : 0) + show_tags * line_tag > ch - 8) {
        if (show_ci)
            show_ci = false;
        else if (show_tags)
            show_tags--;
        else
            break;
    }
    double total = line_v + (show_ci ? line_ci : 0) + show_tags * line_tag;
    double y = cy + (ch - total) / 2;
    if (over) {
        cairo_save(cr);
        ws_plot_set_color(cr, WS_PLOT_ALARM, 1);
        cairo_set_line_width(cr, 3);
        cairo_rectangle(cr, cx + 4.5, cy + 4.5, cw - 9, ch - 9);
        cairo_stroke(cr);
        cairo_restore(cr);
        f.color = WS_PLOT_TEXT2;
    }
    ws_plot_text(cr, f, cx + cw / 2, y + line_v / 2, WS_TA_CENTER | WS_TA_MIDDLE, 0, value);
    y += line_v;
    if (show_ci) {
        ws_plot_text(cr, fs, cx + cw / 2, y + line_ci / 2, WS_TA_CENTER | WS_TA_MIDDLE, 0, ci);
        y += line_ci;
    }
    for (int t = 0; t < show_tags; t++) {
        double tw = ws_plot_tag_draw(cr, 0, 0, &tags[t], 13, false);
        ws_plot_tag_draw(cr, cx + (cw - tw) / 2, y + line_tag / 2, &tags[t], 13, true);
        y += line_tag;
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
    /* The colour scale spans the cells that are not overloaded (when
     * there are any): an overloaded cell's latency, a growing queue's,
     * would leave every other cell the same colour.  Overloaded cells are
     * not coloured. */
    int seeds = 0;
    bool any_over = false, any_few = false, all_over = true;
    for (size_t i = 0; i < sw->nv * n0 * n1; i++)
        if (cells[i].n) {
            seeds = cells[i].n > seeds ? cells[i].n : seeds;
            any_over = any_over || cells[i].n_over;
            any_few = any_few || cells[i].n_few;
            all_over = all_over && cells[i].n_over;
        }
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < sw->nv * n0 * n1; i++)
        if (cells[i].n && (!cells[i].n_over || all_over)) {
            double m = cells[i].sum / cells[i].n;
            lo = fmin(lo, m);
            hi = fmax(hi, m);
        }
    if (!isfinite(lo)) {
        lo = 0;
        hi = 1;
    }
    char what[256];
    snprintf(what, sizeof what, "%s by %s and %s (mean of %d seed%s)", j->name, px->name, py->name,
             seeds, seeds == 1 ? "" : "s");
    ws_plot_legend_item items[2];
    int ni = 0;
    if (any_over && !all_over)
        items[ni++] = (ws_plot_legend_item){
            "overloaded: not a steady state, left out of the colour scale", WS_PLOT_ALARM,
            WS_SW_AREA, 0};
    if (any_few)
        items[ni++] = (ws_plot_legend_item){"< 2 checkpoint cycles in the window",
                                            WS_PLOT_CAUTION_FILL, WS_SW_AREA, 0};
    double top = plot_draw_head(cr, what, sw->title, items, ni);

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
                bool over = ce->n_over && !all_over;
                ws_plot_rgb col = over ? (ws_plot_rgb){0.97, 0.97, 0.97}
                                       : ws_plot_viridis(hi > lo ? (m - lo) / (hi - lo) : 0.5);
                ws_plot_set_color(cr, col, 1);
                cairo_rectangle(cr, cx, cy, cw, ch);
                cairo_fill(cr);
                /* Dark text on the light end of the map, white on the dark. */
                double lum = 0.2126 * col.r + 0.7152 * col.g + 0.0722 * col.b;
                ws_plot_font f = {16, false, lum > 0.45 ? WS_OI_BLACK : (ws_plot_rgb){1, 1, 1}};
                char buf[48];
                cell_text(cr, m * 1.0, j->unit, cw, &f, buf, sizeof buf);
                heat_cell_marks(cr, j, ce, over, cx, cy, cw, ch, f, buf);
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
            if (!is_bound_column(sw.csv, (int)col))
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
